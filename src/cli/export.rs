//! `sipscope export`.

use super::{CliError, CmdResult, ExportArgs, Global};

/// `--help` examples.
pub const AFTER_HELP: &str = "";

/// Runs the subcommand.
pub fn run(_args: ExportArgs, _g: Global) -> CmdResult {
    Err(CliError::input("'export' is not implemented yet"))
}
