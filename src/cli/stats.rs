//! `sipscope stats`.

use super::{CliError, CmdResult};

/// Runs the subcommand.
pub fn run(_args: super::StatsArgs) -> CmdResult {
    Err(CliError::input("'stats' is not implemented yet"))
}
