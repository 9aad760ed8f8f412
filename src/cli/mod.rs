//! Command-line definitions (clap) and dispatch to one module per subcommand.
//!
//! Exit codes: 0 success, 1 nothing matched the filters (or `parse` of an invalid message),
//! 2 usage or input error. Every user error is one line on stderr saying what failed and
//! what to do.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

mod capture_input;
mod export;
mod parse;
mod stats;

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

/// sipscope: SIP calls, dialogs, transactions, PRACK and transfers from packet captures.
#[derive(Parser, Debug)]
#[command(name = "sipscope", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Export the call flows of captures as JSON (schema 1).
    Export(ExportArgs),
    /// Print counters: messages per method and status, metrics, packet-layer skips.
    Stats(StatsArgs),
    /// Parse one raw SIP message from a file (or `-` for stdin) and print its decoded form.
    Parse(ParseArgs),
}

/// Capture inputs shared by the analysing subcommands.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Capture files (pcap or pcapng, optionally .gz); `-` reads standard input.
    #[arg(required = true, value_name = "CAPTURE")]
    pub captures: Vec<PathBuf>,
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
}

/// Arguments of `sipscope stats`.
#[derive(Args, Debug)]
pub struct StatsArgs {
    #[command(flatten)]
    pub input: InputArgs,
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

/// Entry point used by `main`.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Export(a) => export::run(a),
        Command::Stats(a) => stats::run(a),
        Command::Parse(a) => parse::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sipscope: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}
