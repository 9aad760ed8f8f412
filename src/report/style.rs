//! Terminal styling shared by the text renderers: whether to colour, and how wide to be.
//!
//! Renderers never look at the terminal themselves: the command line decides (`--color`,
//! `NO_COLOR`, `--width`, the terminal size) and hands a [`Style`] down, so the same call
//! renders byte-for-byte the same text in a test as in a pipe.

use std::time::{Duration, UNIX_EPOCH};

use crate::meta::Timestamp;

/// How to render text: colour on or off, and the width to fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Emit ANSI colour escapes.
    pub color: bool,
    /// Columns available (the terminal width, `--width`, or a default when piped).
    pub width: usize,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: false,
            width: 120,
        }
    }
}

/// The few colours the reports use, by meaning rather than by hue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Headers, host names.
    Bold,
    /// Secondary text: times, frame numbers, annotations.
    Dim,
    /// Requests.
    Request,
    /// 1xx responses.
    Provisional,
    /// 2xx responses, good outcomes.
    Good,
    /// 3xx responses, redirects, warnings.
    Warn,
    /// 4xx-6xx responses, failures, problems.
    Bad,
}

impl Tone {
    fn code(self) -> &'static str {
        match self {
            Tone::Bold => "1",
            Tone::Dim => "2",
            Tone::Request => "36",
            Tone::Provisional => "33",
            Tone::Good => "32",
            Tone::Warn => "35",
            Tone::Bad => "31",
        }
    }

    /// The tone of a response status (or of a request when `None`).
    pub fn of_status(status: Option<u16>) -> Tone {
        match status {
            None => Tone::Request,
            Some(100..=199) => Tone::Provisional,
            Some(200..=299) => Tone::Good,
            Some(300..=399) => Tone::Warn,
            Some(_) => Tone::Bad,
        }
    }

    /// The tone of a call state word.
    pub fn of_state(state: &str) -> Tone {
        match state {
            "completed" | "answered" | "registered" | "active" | "succeeded" | "unregistered" => {
                Tone::Good
            }
            "calling" | "ringing" | "registering" | "subscribing" | "pending" | "sent" => {
                Tone::Provisional
            }
            "redirected" | "cancelled" | "challenged" | "terminated" => Tone::Warn,
            _ => Tone::Bad,
        }
    }
}

impl Style {
    /// `text` wrapped in the colour of `tone` (unchanged when colour is off).
    pub fn paint(&self, tone: Tone, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("\x1b[{}m{}\x1b[0m", tone.code(), text)
        } else {
            text.to_string()
        }
    }
}

/// Display width of `s` in terminal columns (one per char: the reports only print ASCII
/// and box-drawing characters of their own; foreign text is cut to fit with [`fit`]).
pub fn width_of(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to at most `max` columns, ending in `…` when it was cut.
pub fn fit(s: &str, max: usize) -> String {
    let n = width_of(s);
    if n <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// `s` cut to at most `max` columns from the left, starting with `…` (keeps the tail, which
/// is what tells `10.0.0.1:5060` from `10.0.0.2:5060`).
pub fn fit_start(s: &str, max: usize) -> String {
    let n = width_of(s);
    if n <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::from("…");
    out.extend(s.chars().skip(n - (max - 1)));
    out
}

/// `s` cut to at most `max` columns by removing its middle (keeps both ends, which is where
/// Call-IDs and URIs differ: a random head and a host tail).
pub fn fit_middle(s: &str, max: usize) -> String {
    let n = width_of(s);
    if n <= max {
        return s.to_string();
    }
    if max < 5 {
        return fit(s, max);
    }
    let head = (max - 1).div_ceil(2);
    let tail = max - 1 - head;
    let chars: Vec<char> = s.chars().collect();
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[n - tail..]);
    out
}

/// A capture time as RFC 3339 UTC with milliseconds (`2024-05-01T10:00:00.123Z`).
pub fn format_time(t: Timestamp) -> String {
    let nanos = t.as_nanos().max(0) as u64;
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_nanos(nanos)).to_string()
}

/// Replaces control characters (hostile input can carry escapes) by `?` so nothing a
/// capture holds can drive the terminal.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_with_ellipsis() {
        assert_eq!(fit("abcdef", 6), "abcdef");
        assert_eq!(fit("abcdefg", 6), "abcde…");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn fit_start_keeps_the_tail() {
        assert_eq!(fit_start("192.168.5.10:5060", 10), "…5.10:5060");
        assert_eq!(fit_start("1.2.3.4:5", 10), "1.2.3.4:5");
    }

    #[test]
    fn fit_middle_keeps_both_ends() {
        assert_eq!(fit_middle("1234567890@host", 9), "1234…host");
        assert_eq!(fit_middle("short", 9), "short");
        assert_eq!(width_of(&fit_middle("1234567890@host.example", 12)), 12);
    }

    #[test]
    fn paint_only_when_colour() {
        let plain = Style::default();
        assert_eq!(plain.paint(Tone::Bad, "x"), "x");
        let col = Style {
            color: true,
            width: 80,
        };
        assert_eq!(col.paint(Tone::Bad, "x"), "\x1b[31mx\x1b[0m");
    }

    #[test]
    fn times_are_utc_millis() {
        assert_eq!(
            format_time(Timestamp(1_700_000_000_250_000_000)),
            "2023-11-14T22:13:20.250Z"
        );
    }

    #[test]
    fn sanitize_removes_escapes() {
        assert_eq!(sanitize("a\x1b[2Jb\r\n"), "a?[2Jb??");
    }
}
