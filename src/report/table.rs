//! The call table of `sipscope calls`: one row per call, fitted to the terminal width.
//!
//! Columns: `#` (the call's number, stable whatever the filters and sort, so `flow --index`
//! finds it), start (UTC), Call-ID, kind, from, to, first hop, messages, state, final
//! status, PDD, duration and short flags. When the table is wider than the terminal the
//! long columns are cut first (Call-ID in the middle, keeping both ends), then the least
//! useful columns are dropped.

use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};

use super::style::{Style, Tone, fit, fit_middle, format_time, sanitize, width_of};
use crate::flow::model::{Call, Party, TransferOutcome};

/// A call and its number in the unfiltered, start-ordered list.
pub type Numbered<'a> = (usize, &'a Call);

/// One column: header, alignment and how to cut it.
struct Column {
    header: &'static str,
    right: bool,
    cut: Cut,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// Never cut (short values).
    Never,
    /// Cut at the end.
    End,
    /// Cut in the middle.
    Middle,
}

const COLUMNS: [Column; 13] = [
    col("#", true, Cut::Never),
    col("start", false, Cut::Never),
    col("Call-ID", false, Cut::Middle),
    col("kind", false, Cut::End),
    col("from", false, Cut::End),
    col("to", false, Cut::End),
    col("src → dst", false, Cut::Never),
    col("msgs", true, Cut::Never),
    col("state", false, Cut::Never),
    col("final", true, Cut::Never),
    col("PDD", true, Cut::Never),
    col("duration", true, Cut::Never),
    col("flags", false, Cut::End),
];

const fn col(header: &'static str, right: bool, cut: Cut) -> Column {
    Column { header, right, cut }
}

/// Spaces between columns.
const GAP: usize = 2;

/// Renders the table (with a trailing newline). `calls` are printed in the order given.
pub fn render(calls: &[Numbered<'_>], style: &Style) -> String {
    let same_day = calls
        .iter()
        .map(|(_, c)| format_time(c.start)[..10].to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .len()
        <= 1;
    let mut rows: Vec<Vec<String>> = calls.iter().map(|&(i, c)| cells(i, c, same_day)).collect();
    // too wide? the `@host` every Call-ID shares goes first, from every row alike
    let natural = widths_natural(&rows);
    let full = natural.iter().sum::<usize>() + GAP * (natural.len() - 1);
    let common = common_host(rows.iter().map(|r| r[CALL_ID].as_str()));
    if full > style.width && !common.is_empty() {
        for r in &mut rows {
            if let Some(head) = r[CALL_ID].strip_suffix(common.as_str()) {
                r[CALL_ID] = format!("{head}@…");
            }
        }
    }
    let (widths, shown) = fit_columns(&rows, style.width);

    let mut table = Table::new();
    table
        .load_preset(comfy_table::presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    let header: Vec<Cell> = shown
        .iter()
        .map(|&k| {
            let h = if k == 1 {
                "start (UTC)"
            } else {
                COLUMNS[k].header
            };
            let mut c = Cell::new(fit(h, widths[k].max(1)));
            if style.color {
                c = c.add_attribute(Attribute::Bold);
            }
            align(c, COLUMNS[k].right)
        })
        .collect();
    table.set_header(header);
    for row in &rows {
        let cells: Vec<Cell> = shown
            .iter()
            .map(|&k| {
                let text = match COLUMNS[k].cut {
                    Cut::Never => row[k].clone(),
                    Cut::End => fit(&row[k], widths[k]),
                    Cut::Middle => fit_middle(&row[k], widths[k]),
                };
                let mut c = Cell::new(text);
                if style.color {
                    c = colour(c, k, &row[k]);
                }
                align(c, COLUMNS[k].right)
            })
            .collect();
        table.add_row(cells);
    }
    for (i, column) in table.column_iter_mut().enumerate() {
        let pad = if i + 1 == shown.len() { 0 } else { GAP as u16 };
        column.set_padding((0, pad));
    }
    let mut out = String::new();
    for (i, line) in table.lines().enumerate() {
        out.push_str(line.trim_end());
        out.push('\n');
        if i == 0 {
            let w = shown.iter().map(|&k| widths[k]).sum::<usize>()
                + GAP * shown.len().saturating_sub(1);
            out.push_str(&"─".repeat(w));
            out.push('\n');
        }
    }
    out
}

fn align(c: Cell, right: bool) -> Cell {
    if right {
        c.set_alignment(CellAlignment::Right)
    } else {
        c
    }
}

fn colour(c: Cell, k: usize, text: &str) -> Cell {
    let tone = match k {
        8 => Tone::of_state(text),
        9 => Tone::of_status(text.parse().ok()),
        12 if !text.is_empty() => Tone::Warn,
        0 | 1 => Tone::Dim,
        _ => return c,
    };
    match tone {
        Tone::Dim => c.add_attribute(Attribute::Dim),
        Tone::Bold => c.add_attribute(Attribute::Bold),
        Tone::Request => c.fg(Color::Cyan),
        Tone::Provisional => c.fg(Color::Yellow),
        Tone::Good => c.fg(Color::Green),
        Tone::Warn => c.fg(Color::Magenta),
        Tone::Bad => c.fg(Color::Red),
    }
}

/// The `@host` every Call-ID ends with, if they all share one (and there are several).
fn common_host<'a>(mut ids: impl Iterator<Item = &'a str>) -> String {
    let host = |id: &'a str| id.rfind('@').map(|i| &id[i..]);
    let Some(first) = ids.next().and_then(host) else {
        return String::new();
    };
    let mut n = 1;
    for id in ids {
        if host(id) != Some(first) {
            return String::new();
        }
        n += 1;
    }
    if n > 1 {
        first.to_string()
    } else {
        String::new()
    }
}

/// Column indexes.
const CALL_ID: usize = 2;
const KIND: usize = 3;
const FROM: usize = 4;
const TO: usize = 5;
const HOP: usize = 6;
const MSGS: usize = 7;
const PDD: usize = 10;
const DURATION: usize = 11;
const FLAGS: usize = 12;
const START: usize = 1;

/// What to give up, in order, while the table is wider than the terminal.
enum Step {
    /// Cut a column down to this width.
    Shrink(usize, usize),
    /// Leave a column out.
    Drop(usize),
}

const STEPS: &[Step] = &[
    Step::Shrink(CALL_ID, 24),
    Step::Shrink(FLAGS, 20),
    Step::Shrink(FROM, 12),
    Step::Shrink(TO, 12),
    Step::Drop(KIND),
    Step::Drop(HOP),
    Step::Shrink(CALL_ID, 16),
    Step::Drop(PDD),
    Step::Drop(MSGS),
    Step::Shrink(FROM, 8),
    Step::Shrink(TO, 8),
    Step::Shrink(CALL_ID, 12),
    Step::Shrink(FLAGS, 10),
    Step::Drop(DURATION),
    Step::Drop(START),
    Step::Shrink(FLAGS, 5),
    Step::Shrink(FROM, 6),
    Step::Shrink(TO, 6),
];

/// The widths the columns would take uncut.
fn widths_natural(rows: &[Vec<String>]) -> Vec<usize> {
    COLUMNS
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let header = if k == START { "start (UTC)" } else { c.header };
            rows.iter()
                .map(|r| width_of(&r[k]))
                .chain([width_of(header)])
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// Column widths (indexed like [`COLUMNS`]) and the columns shown, fitted to `width`.
fn fit_columns(rows: &[Vec<String>], width: usize) -> (Vec<usize>, Vec<usize>) {
    let mut widths = widths_natural(rows);
    // a column that is empty in every row only costs space
    let mut shown: Vec<usize> = (0..COLUMNS.len())
        .filter(|&k| k != FLAGS || rows.iter().any(|r| !r[k].is_empty()))
        .collect();
    let total = |widths: &[usize], shown: &[usize]| {
        shown.iter().map(|&k| widths[k]).sum::<usize>() + GAP * shown.len().saturating_sub(1)
    };
    let mut dropped = Vec::new();
    for step in STEPS {
        let now = total(&widths, &shown);
        if now <= width {
            break;
        }
        match *step {
            Step::Shrink(k, min) => {
                if widths[k] > min {
                    widths[k] = min.max(widths[k].saturating_sub(now - width));
                }
            }
            Step::Drop(k) => {
                if shown.contains(&k) {
                    shown.retain(|&c| c != k);
                    dropped.push(k);
                }
            }
        }
    }
    // a later drop may have freed more than needed: give it back to the cut columns
    let natural = widths_natural(rows);
    for k in [FLAGS, CALL_ID, FROM, TO] {
        let now = total(&widths, &shown);
        if now < width && shown.contains(&k) && widths[k] < natural[k] {
            widths[k] = natural[k].min(widths[k] + (width - now));
        }
    }
    // and a dropped column comes back when it fits after all
    for &k in dropped.iter().rev() {
        if total(&widths, &shown) + GAP + widths[k] <= width {
            shown.push(k);
            shown.sort_unstable();
        }
    }
    (widths, shown)
}

/// The cell texts of one call, indexed like [`COLUMNS`] (uncut, sanitised).
fn cells(index: usize, c: &Call, same_day: bool) -> Vec<String> {
    let start = format_time(c.start);
    let start = if same_day {
        start[11..23].to_string()
    } else {
        format!("{} {}", &start[..10], &start[11..19])
    };
    let hop = c
        .messages
        .first()
        .map(|m| format!("{} → {}", m.src, m.dst))
        .unwrap_or_default();
    vec![
        index.to_string(),
        start,
        sanitize(&c.call_id),
        c.kind.as_str().to_string(),
        party_name(&c.participants.caller),
        party_name(&c.participants.callee),
        hop,
        (c.messages.len() as u64 + c.messages_dropped).to_string(),
        c.state.to_string(),
        c.final_status.map(|s| s.to_string()).unwrap_or_default(),
        c.timings.pdd.map(secs).unwrap_or_default(),
        c.timings.duration.map(secs).unwrap_or_default(),
        flags(c).join(" "),
    ]
}

/// One line per call, for `sniff` as each call ends: end time, state and final status,
/// caller and callee, first hop, message count, PDD, duration, flags and the Call-ID last
/// (it is long, and a line cut by the terminal loses least there).
pub fn one_line(c: &Call, style: &Style) -> String {
    let end = format_time(c.end);
    let status = c.final_status.map(|s| format!(" {s}")).unwrap_or_default();
    let hop = c
        .messages
        .first()
        .map(|m| format!("{} → {}", m.src, m.dst))
        .unwrap_or_default();
    let mut parts = vec![
        style.paint(Tone::Dim, &end[11..23]),
        format!("{:<5}", c.kind.as_str()),
        style.paint(Tone::of_state(c.state), &format!("{}{status}", c.state)),
        format!(
            "{} → {}",
            party_name(&c.participants.caller),
            party_name(&c.participants.callee)
        ),
        hop,
        format!("{} msgs", c.messages.len() as u64 + c.messages_dropped),
    ];
    if let Some(p) = c.timings.pdd {
        parts.push(format!("PDD {}", secs(p)));
    }
    if let Some(d) = c.timings.duration {
        parts.push(format!("duration {}", secs(d)));
    }
    let f = flags(c);
    if !f.is_empty() {
        parts.push(style.paint(Tone::Warn, &f.join(" ")));
    }
    parts.push(sanitize(&c.call_id));
    parts.join("  ")
}

/// The user part of a party's URI (`alice` of `sip:alice@example.com`), else its host, else
/// its display name.
pub fn party_name(p: &Party) -> String {
    if let Some(uri) = p.uri.as_deref() {
        let rest = uri.split_once(':').map_or(uri, |(_, r)| r);
        let user = match rest.split_once('@') {
            Some((user, _)) => user,
            None => rest.split([';', '?', '>']).next().unwrap_or(rest),
        };
        if !user.is_empty() {
            return sanitize(user);
        }
    }
    p.display.as_deref().map(sanitize).unwrap_or_default()
}

/// A duration in seconds, compact: `0.120s`, `12.34s`, `2m05s`, `1h02m`.
pub fn secs(s: f64) -> String {
    if !s.is_finite() || s < 0.0 {
        return "?".into();
    }
    if s < 10.0 {
        format!("{s:.3}s")
    } else if s < 60.0 {
        format!("{s:.2}s")
    } else if s < 3600.0 {
        let m = (s / 60.0).floor();
        format!("{}m{:02}s", m as u64, (s - m * 60.0).floor() as u64)
    } else {
        let h = (s / 3600.0).floor();
        format!(
            "{}h{:02}m",
            h as u64,
            ((s - h * 3600.0) / 60.0).floor() as u64
        )
    }
}

/// The table's short flag words, from the engine's flags and records.
pub fn flags(c: &Call) -> Vec<String> {
    let mut out = Vec::new();
    for &f in &c.flags {
        let word = match f {
            "retransmissions" => {
                let n = c.messages.iter().filter(|m| m.retransmission).count();
                format!("retx:{n}")
            }
            "joined-late" => "late".into(),
            "answered-without-ack" => "no-ack".into(),
            "unanswered-requests" => "unanswered".into(),
            "auth-challenged" => "auth".into(),
            "cancel-sent" if c.state == "cancelled" || c.flags.contains(&"cancel-lost-race") => {
                continue;
            }
            "cancel-sent" => "cancel".into(),
            "cancel-lost-race" => "cancel-race".into(),
            "no-final-response" => "no-final".into(),
            "prack-problems" => {
                let mut problems: Vec<&str> = c
                    .prack
                    .iter()
                    .flat_map(|p| p.problems.iter().copied())
                    .collect();
                problems.dedup();
                match problems.split_first() {
                    Some((first, rest)) if !rest.is_empty() => {
                        format!("prack:{first}+{}", rest.len())
                    }
                    Some((first, _)) => format!("prack:{first}"),
                    None => "prack!".into(),
                }
            }
            "transferred" => match c.transfers.last() {
                Some(t) => format!("xfer:{}", outcome_word(t.outcome)),
                None => "xfer".into(),
            },
            "transfer-target" => "xfer-target".into(),
            "messages-dropped" => "msgs-dropped".into(),
            "transactions-dropped" => "txns-dropped".into(),
            other => other.to_string(),
        };
        out.push(word);
    }
    // the most telling first, so a cut column keeps them
    out.sort_by_key(|w| flag_rank(w));
    out
}

/// Order of the short flag words in the table (lower first).
fn flag_rank(w: &str) -> u8 {
    let head = w.split(':').next().unwrap_or(w);
    match head {
        "xfer" => 0,
        "xfer-target" => 1,
        "prack" | "prack!" => 2,
        "late" => 3,
        "no-final" => 4,
        "cancel-race" => 5,
        "no-ack" => 6,
        "unanswered" => 7,
        "forked" => 8,
        "auth" => 9,
        "cancel" => 10,
        "retx" => 11,
        _ => 12,
    }
}

/// The JSON word of a transfer outcome.
pub fn outcome_word(o: TransferOutcome) -> &'static str {
    match o {
        TransferOutcome::Success => "success",
        TransferOutcome::Failed => "failed",
        TransferOutcome::Rejected => "rejected",
        TransferOutcome::Pending => "pending",
        TransferOutcome::NoSubscription => "no-subscription",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn table_rows_and_flags() {
        let calls = testdata::sample_calls();
        let numbered: Vec<Numbered<'_>> =
            calls.iter().enumerate().map(|(i, c)| (i + 1, c)).collect();
        let text = render(
            &numbered,
            &Style {
                color: false,
                width: 250,
            },
        );
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("#  start (UTC)"), "{text}");
        assert!(lines[1].starts_with("────"), "{text}");
        assert_eq!(lines.len(), 2 + calls.len(), "{text}");
        let row1 = lines[2];
        for want in [
            "1",
            "10:00:00.000",
            "a84b4c76e66710@pc33.example.com",
            "call",
            "alice",
            "bob",
            "192.0.2.10:5060 → 192.0.2.20:5060",
            "completed",
            "200",
            "0.100s",
            "12.00s",
            "retx:1",
        ] {
            assert!(row1.contains(want), "{want} missing in {row1}");
        }
        let row2 = lines[3];
        assert!(
            row2.contains("xfer:success prack:never-pracked+1 late"),
            "{row2}"
        );
        assert!(row2.contains("xfer:success"), "{row2}");
        assert!(row2.contains("late"), "{row2}");
    }

    #[test]
    fn fits_narrow_terminals() {
        let calls = testdata::sample_calls();
        let numbered: Vec<Numbered<'_>> =
            calls.iter().enumerate().map(|(i, c)| (i + 1, c)).collect();
        for width in [60, 80, 100, 140] {
            let style = Style {
                color: false,
                width,
            };
            let text = render(&numbered, &style);
            for line in text.lines() {
                assert!(width_of(line) <= width, "{width}: {line:?}\n{text}");
            }
            // the essentials stay
            assert!(text.contains("completed"), "{text}");
        }
        let narrow = render(
            &numbered,
            &Style {
                color: false,
                width: 80,
            },
        );
        assert!(narrow.contains('…'), "{narrow}");
    }

    #[test]
    fn colour_only_when_asked() {
        let calls = testdata::sample_calls();
        let numbered: Vec<Numbered<'_>> =
            calls.iter().enumerate().map(|(i, c)| (i + 1, c)).collect();
        assert!(!render(&numbered, &Style::default()).contains('\x1b'));
        let col = render(
            &numbered,
            &Style {
                color: true,
                width: 200,
            },
        );
        assert!(col.contains("\x1b["), "{col}");
    }

    #[test]
    fn one_line_summary() {
        let c = testdata::basic_call();
        assert_eq!(
            one_line(&c, &Style::default()),
            "10:00:14.020  call   completed 200  alice → bob  192.0.2.10:5060 → 192.0.2.20:5060  \
             8 msgs  PDD 0.100s  duration 12.00s  retx:1  a84b4c76e66710@pc33.example.com"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(secs(0.1204), "0.120s");
        assert_eq!(secs(12.345), "12.35s");
        assert_eq!(secs(125.0), "2m05s");
        assert_eq!(secs(3725.0), "1h02m");
    }

    #[test]
    fn party_names() {
        let p = |uri: &str| Party {
            uri: Some(uri.into()),
            ..Party::default()
        };
        assert_eq!(party_name(&p("sip:alice@example.com")), "alice");
        assert_eq!(party_name(&p("sips:+4930123@gw;user=phone")), "+4930123");
        assert_eq!(
            party_name(&p("sip:example.com;transport=tcp")),
            "example.com"
        );
        assert_eq!(party_name(&p("tel:+123")), "+123");
    }
}
