//! `sipscope stats`.

use super::{CliError, CmdResult, Global, StatsArgs};

/// `--help` examples.
pub const AFTER_HELP: &str = "";

/// Runs the subcommand.
pub fn run(_args: StatsArgs, _g: Global) -> CmdResult {
    Err(CliError::input("'stats' is not implemented yet"))
}
