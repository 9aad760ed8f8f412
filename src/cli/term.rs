//! What the terminal allows: colour (from `--color`, `NO_COLOR`, `TERM` and whether stdout is
//! a terminal) and the width to fit tables and diagrams to.

use std::io::IsTerminal;

use sipscope::report::style::Style;

use super::{ColorChoice, Global};

/// Width used when standard output is not a terminal and nothing else says otherwise.
pub const DEFAULT_WIDTH: usize = 120;

/// The rendering style for standard output.
pub fn style(g: Global) -> Style {
    Style {
        color: use_color(g.color, std::io::stdout().is_terminal()),
        width: width(g.width),
    }
}

/// Colour decision: `always` and `never` win; `auto` colours a terminal unless `NO_COLOR`
/// is set to anything non-empty (no-color.org) or `TERM=dumb`.
pub fn use_color(choice: ColorChoice, is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_tty
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

/// Width: `--width`, else the terminal's, else `COLUMNS`, else [`DEFAULT_WIDTH`].
pub fn width(flag: Option<u16>) -> usize {
    if let Some(w) = flag {
        return w as usize;
    }
    if std::io::stdout().is_terminal() {
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
            return (w as usize).max(40);
        }
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&w| w >= 40)
        .unwrap_or(DEFAULT_WIDTH)
}

/// Whether standard error is a terminal (progress bars and live status lines).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}
