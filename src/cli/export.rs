//! `sipscope export`.

use super::{CliError, CmdResult};

/// Runs the subcommand.
pub fn run(_args: super::ExportArgs) -> CmdResult {
    Err(CliError::input("'export' is not implemented yet"))
}
