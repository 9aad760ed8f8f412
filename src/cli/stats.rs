//! `sipscope stats`: packet-layer counters (frames, SIP messages per transport, what was
//! skipped and why, fragments, TCP gaps...) as plain text. The call-flow engine adds
//! per-method, per-status and RFC 6076 metrics.

use super::CmdResult;
use crate::cli::capture_input::{Calls, read_calls};

/// Runs the subcommand.
pub fn run(args: super::StatsArgs) -> CmdResult {
    let calls = read_calls(&args.input.captures)?;
    print!("{}", render(&calls));
    Ok(std::process::ExitCode::SUCCESS)
}

/// Rows that are printed even when zero.
const ALWAYS: [&str; 6] = [
    "frames",
    "captured bytes",
    "sip messages",
    "sip over udp",
    "sip over tcp",
    "call-ids",
];

/// The report: one `name  value` line per counter (zero counters left out, except the
/// main ones).
pub fn render(calls: &Calls) -> String {
    let mut rows = calls.stats.rows();
    rows.insert(3, ("call-ids".into(), calls.calls.len() as u64));
    rows.insert(4, ("sip without Call-ID".into(), calls.without_call_id));
    rows.insert(5, ("sip unparseable".into(), calls.unparseable));
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let mut s = String::new();
    for (name, value) in rows {
        if value != 0 || ALWAYS.contains(&name.as_str()) {
            s.push_str(&format!("{name:<width$}  {value}\n"));
        }
    }
    s
}
