//! `sipscope sniff`: live analysis of an interface (feature `live`).
//!
//! In a build without the feature the subcommand still exists, so that `--help` documents
//! it and a user who tries it learns in one line how to get it.

use super::{CliError, CmdResult, Global, SniffArgs};

/// `--help` examples.
pub const AFTER_HELP: &str = "\
Examples:
  sipscope sniff -i eth0                              one line per finished call
  sipscope sniff -i eth0 -f 'port 5060' -w sip.pcap   also keep the packets
  sipscope sniff -i lo --ndjson - --duration 30       NDJSON calls for 30 s, then stats
  sipscope sniff -D                                   list the interfaces

Ctrl-C (or --duration/--count) stops: open calls are flushed, then the statistics are
printed. A status line (packets, calls open, drops) is shown when stderr is a terminal.
Needs a build with `--features live` (libpcap) and capture permission (root or
CAP_NET_RAW).";

/// Runs the subcommand.
#[cfg(not(feature = "live"))]
pub fn run(_args: SniffArgs, _g: Global) -> CmdResult {
    Err(CliError::input(
        "this sipscope was built without live capture: rebuild it with \
         `cargo install sipscope --features live` (needs libpcap-dev)",
    ))
}

#[cfg(feature = "live")]
pub fn run(args: SniffArgs, g: Global) -> CmdResult {
    let _ = (args, g);
    Err(CliError::input("live capture is not wired yet"))
}
