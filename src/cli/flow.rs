//! `sipscope flow`.

use super::{CliError, CmdResult, FlowArgs, Global};

/// `--help` examples.
pub const AFTER_HELP: &str = "";

/// Runs the subcommand.
pub fn run(_args: FlowArgs, _g: Global) -> CmdResult {
    Err(CliError::input("'flow' is not implemented yet"))
}
