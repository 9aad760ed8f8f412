//! `sipscope calls`.

use super::{CallsArgs, CliError, CmdResult, Global};

/// `--help` examples.
pub const AFTER_HELP: &str = "";

/// Runs the subcommand.
pub fn run(_args: CallsArgs, _g: Global) -> CmdResult {
    Err(CliError::input("'calls' is not implemented yet"))
}
