//! Command-line definitions (clap) and dispatch to one module per subcommand.
//!
//! Exit codes: 0 success, 1 nothing matched the filters (or `parse` of an invalid message),
//! 2 usage or input error. Every user error is one line on stderr saying what failed and
//! what to do.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

mod calls;
mod export;
mod filter;
mod flow;
mod generate;
mod input;
mod parse;
mod pattern;
mod pipeline;
mod sniff;
mod stats;
mod term;

/// A user-facing error: one line, plus the exit code to leave with.
#[derive(Debug)]
pub struct CliError {
    /// The one-line message (without the `sipscope: ` prefix).
    pub message: String,
    /// Process exit code.
    pub code: u8,
}

impl CliError {
    /// An input or usage error (exit code 2).
    pub fn input(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            code: 2,
        }
    }
}

/// Result of a subcommand: the exit code on success.
pub type CmdResult = Result<ExitCode, CliError>;

/// Exit code 0: something was found and printed.
pub const FOUND: u8 = 0;
/// Exit code 1: nothing matched the filters (like grep).
pub const NOTHING_MATCHED: u8 = 1;
/// Exit code 2: usage or input error.
pub const USAGE_ERROR: u8 = 2;

/// Writes to standard output, turning a closed pipe (`sipscope calls x | head`) into a quiet
/// success and any other write error into a one-line error.
pub fn out_err(e: io::Error) -> CliError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CliError {
            message: String::new(),
            code: FOUND,
        }
    } else {
        CliError::input(format!("cannot write the output: {e}"))
    }
}

const MAIN_AFTER_HELP: &str = "\
Examples:
  sipscope calls trace.pcap                       the call table
  sipscope calls trace.pcap --state failed,busy   only the calls that went wrong
  sipscope flow trace.pcap --index 3              the ladder diagram of call 3
  sipscope stats trace.pcap                       methods, statuses, RFC 6076 metrics
  sipscope export trace.pcap -o calls.json        the call-flow JSON (schema 1)
  sipscope sniff -i eth0 --ndjson -               live analysis, one JSON call per line

Exit status: 0 found something, 1 nothing matched the filters, 2 usage or input error.
Capture times are printed in UTC. Colour follows --color and NO_COLOR.";

/// sipscope: SIP calls, dialogs, transactions, PRACK and transfers from packet captures.
#[derive(Parser, Debug)]
#[command(
    name = "sipscope",
    version,
    about,
    propagate_version = true,
    after_help = MAIN_AFTER_HELP,
    max_term_width = 100
)]
pub struct Cli {
    /// When to colour the output: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Fit tables and diagrams to N columns (default: the terminal's width, else 120).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(40..))]
    pub width: Option<u16>,
    /// No progress bar and no warnings on stderr (errors are still printed).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Threads: reading and parsing run beside the call-flow engine (0: one per CPU). The
    /// output is the same whatever N.
    #[arg(
        short = 'j',
        long = "jobs",
        global = true,
        value_name = "N",
        default_value_t = 1
    )]
    pub jobs: usize,
    #[command(subcommand)]
    command: Command,
}

/// `--color` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    // (no doc comments: clap then prints the short `[possible values: ...]` form)
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the calls of captures as a table.
    #[command(after_help = calls::AFTER_HELP)]
    Calls(CallsArgs),
    /// Draw the ladder diagram of a call.
    #[command(after_help = flow::AFTER_HELP)]
    Flow(FlowArgs),
    /// Count messages per method and status, retransmissions, RFC 6076 metrics, PRACK and
    /// transfer summaries, and what the packet layer skipped.
    #[command(after_help = stats::AFTER_HELP)]
    Stats(StatsArgs),
    /// Export the call flows of captures as JSON (schema 1).
    #[command(after_help = export::AFTER_HELP)]
    Export(ExportArgs),
    /// Parse one raw SIP message from a file (or `-` for stdin) and print its decoded form.
    Parse(ParseArgs),
    /// Analyse a live interface (needs a build with the `live` feature).
    #[command(after_help = sniff::AFTER_HELP)]
    Sniff(SniffArgs),
    /// Write shell completions or the man pages (for packagers).
    #[command(hide = true)]
    Generate(GenerateArgs),
}

/// Capture inputs shared by the analysing subcommands.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Capture files (pcap or pcapng, optionally gzip-compressed), merged in time order;
    /// `-` reads standard input.
    #[arg(required = true, value_name = "CAPTURE")]
    pub captures: Vec<PathBuf>,
}

/// State words of every kind (docs/call-states.md), for `--state`.
pub const STATE_WORDS: &[&str] = &[
    "calling",
    "ringing",
    "answered",
    "completed",
    "cancelled",
    "busy",
    "redirected",
    "rejected",
    "failed",
    "registering",
    "registered",
    "unregistered",
    "challenged",
    "subscribing",
    "pending",
    "active",
    "terminated",
    "succeeded",
    "sent",
];

/// Kind words, for `--kind`.
pub const KIND_WORDS: &[&str] = &[
    "call",
    "registration",
    "subscription",
    "message",
    "options",
    "other",
];

/// The filters every analysing subcommand takes. A call is kept when it matches all the
/// given filters; within one filter, comma-separated values are alternatives.
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Filters")]
pub struct FilterArgs {
    /// Calls whose Call-ID contains PATTERN, or matches it as a glob (`*`, `?`, `[..]`).
    #[arg(long, value_name = "PATTERN")]
    pub call_id: Option<String>,
    /// Calls whose caller (From URI, user or display name) contains or matches PATTERN.
    #[arg(long, value_name = "PATTERN")]
    pub from: Option<String>,
    /// Calls whose callee (To URI, user or display name) contains or matches PATTERN.
    #[arg(long, value_name = "PATTERN")]
    pub to: Option<String>,
    /// Calls with at least one message of METHOD (e.g. PRACK,REFER).
    #[arg(long, value_name = "METHOD", value_delimiter = ',')]
    pub method: Vec<String>,
    /// Calls in one of these states (e.g. failed,busy).
    #[arg(long, value_name = "STATE", value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(STATE_WORDS))]
    pub state: Vec<String>,
    /// Calls of these kinds.
    #[arg(long, value_name = "KIND", value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(KIND_WORDS))]
    pub kind: Vec<String>,
    /// Calls active at or after TIME (capture time: epoch seconds or RFC 3339).
    #[arg(long, value_name = "TIME", value_parser = pattern::parse_time)]
    pub since: Option<sipscope::meta::Timestamp>,
    /// Calls active at or before TIME (capture time: epoch seconds or RFC 3339).
    #[arg(long, value_name = "TIME", value_parser = pattern::parse_time)]
    pub until: Option<sipscope::meta::Timestamp>,
}

/// Sort keys of `calls --sort`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    /// Start time (the default).
    Start,
    /// End time.
    End,
    /// Session duration.
    Duration,
    /// Post-dial delay.
    Pdd,
    /// Number of messages.
    Messages,
    /// Call-ID.
    CallId,
    /// State word.
    State,
    /// Final status.
    Status,
}

/// Arguments of `sipscope calls`.
#[derive(Args, Debug)]
pub struct CallsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Sort the rows by KEY (ties keep start-time order).
    #[arg(long, value_enum, value_name = "KEY", default_value_t = SortKey::Start)]
    pub sort: SortKey,
    /// Reverse the sort order.
    #[arg(short, long)]
    pub reverse: bool,
    /// Show at most N rows (after sorting).
    #[arg(short = 'n', long, value_name = "N")]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub filters: FilterArgs,
}

/// Arguments of `sipscope flow`.
#[derive(Args, Debug)]
pub struct FlowArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The call to draw: its number in `sipscope calls` (the `#` column).
    #[arg(long, value_name = "N", conflicts_with = "call_id")]
    pub index: Option<usize>,
    /// Draw the calls linked to it by a transfer (REFER and the call it triggered) in the
    /// same diagram.
    #[arg(long)]
    pub related: bool,
    /// Show key headers (From, To, CSeq, Via, Contact, RSeq/RAck, Refer-To, ...) under each
    /// arrow.
    #[arg(short, long)]
    pub verbose: bool,
    /// Print the messages themselves, in order, instead of the diagram.
    #[arg(long, conflicts_with = "verbose")]
    pub raw: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
}

/// Arguments of `sipscope stats`.
#[derive(Args, Debug)]
pub struct StatsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Print the statistics as one JSON document.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
}

/// Arguments of `sipscope export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the JSON to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// One call per line (NDJSON) instead of one document.
    #[arg(long)]
    pub ndjson: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
}

/// Arguments of `sipscope parse`.
#[derive(Args, Debug)]
pub struct ParseArgs {
    /// File holding one raw SIP message; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Print the decoded message as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `sipscope sniff`.
#[derive(Args, Debug)]
pub struct SniffArgs {
    /// Interface to capture on (`any` for all on Linux).
    #[arg(
        short,
        long,
        value_name = "IFACE",
        required_unless_present = "list_interfaces"
    )]
    pub interface: Option<String>,
    /// List the interfaces that can be captured on, then exit.
    #[arg(short = 'D', long)]
    pub list_interfaces: bool,
    /// Capture filter in BPF syntax, as for tcpdump (e.g. 'port 5060 or port 5061').
    #[arg(short = 'f', long = "filter", value_name = "BPF")]
    pub bpf: Option<String>,
    /// Also write every captured packet to FILE (pcap).
    #[arg(short = 'w', long, value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Print each finished call as one JSON line to FILE (`-` for standard output) instead
    /// of a one-line summary.
    #[arg(long, value_name = "FILE")]
    pub ndjson: Option<PathBuf>,
    /// Stop after S seconds (flushing open calls and printing the statistics).
    #[arg(long, value_name = "S")]
    pub duration: Option<f64>,
    /// Stop after N packets.
    #[arg(short = 'c', long, value_name = "N")]
    pub count: Option<u64>,
    /// Bytes kept of each packet (large INVITEs need more than 8192).
    #[arg(short = 's', long, value_name = "BYTES", default_value_t = 262_144)]
    pub snaplen: i32,
    /// Seconds a finished call stays open for late retransmissions before it is printed
    /// (see below).
    #[arg(long, value_name = "SECONDS", default_value_t = sniff::DEFAULT_LINGER)]
    pub linger: f64,
    #[command(flatten)]
    pub filters: FilterArgs,
}

/// What `sipscope generate` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GenerateWhat {
    /// Man pages (sipscope.1 and one per subcommand).
    Man,
    /// Bash completion script.
    Bash,
    /// Zsh completion script.
    Zsh,
    /// Fish completion script.
    Fish,
    /// Elvish completion script.
    Elvish,
    /// PowerShell completion script.
    Powershell,
}

/// Arguments of `sipscope generate`.
#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// What to generate.
    #[arg(value_enum)]
    pub what: GenerateWhat,
    /// Directory to write the files to (default: the man page or script on standard output).
    #[arg(short = 'o', long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Options every subcommand gets from the global flags.
#[derive(Clone, Copy, Debug)]
pub struct Global {
    /// `--color`.
    pub color: ColorChoice,
    /// `--width`.
    pub width: Option<u16>,
    /// `--quiet`.
    pub quiet: bool,
    /// `--jobs`.
    pub jobs: usize,
}

/// The clap command (for completions and man pages).
pub fn command() -> clap::Command {
    Cli::command()
}

/// Entry point used by `main`.
pub fn main() -> ExitCode {
    install_panic_hook();
    run(std::env::args_os())
}

/// Parses `args` and runs the subcommand, printing errors; returns the exit code.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // help and --version go to stdout with 0; usage errors to stderr with 2
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { USAGE_ERROR } else { FOUND });
        }
    };
    let global = Global {
        color: cli.color,
        width: cli.width,
        quiet: cli.quiet,
        jobs: cli.jobs,
    };
    let result = match cli.command {
        Command::Calls(a) => calls::run(a, global),
        Command::Flow(a) => flow::run(a, global),
        Command::Stats(a) => stats::run(a, global),
        Command::Export(a) => export::run(a, global),
        Command::Parse(a) => parse::run(a),
        Command::Sniff(a) => sniff::run(a, global),
        Command::Generate(a) => generate::run(a),
    };
    let _ = io::stdout().flush();
    match result {
        Ok(code) => code,
        Err(e) => {
            if !e.message.is_empty() {
                eprintln!("sipscope: {}", e.message);
            }
            ExitCode::from(e.code)
        }
    }
}

/// A bug must still read as one line, not a backtrace (unless RUST_BACKTRACE asks for it).
fn install_panic_hook() {
    if std::env::var_os("RUST_BACKTRACE").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "sipscope: internal error: {msg}{place}; this is a bug, please report it \
             (with the capture if you can share it)"
        );
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
