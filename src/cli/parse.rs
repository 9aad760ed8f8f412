//! `sipscope parse`.

use super::{CliError, CmdResult};

/// Runs the subcommand.
pub fn run(_args: super::ParseArgs) -> CmdResult {
    Err(CliError::input("'parse' is not implemented yet"))
}
