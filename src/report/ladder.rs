//! The ladder diagram of `sipscope flow`: one column per `host:port`, one arrow per message,
//! with the frame number, the time since the first message and since the previous one, and
//! notes beside the arrows (retransmissions, RSeq/RAck pairs, transfer progress, DTMF,
//! re-INVITEs). Several calls linked by a transfer can share one diagram (`--related`).
//!
//! ```text
//! frame     time    delta  192.0.2.10:5060          192.0.2.20:5060
//!                                 │                        │
//!     1   +0.000   +0.000         │──────── INVITE ───────▶│
//!     2   +0.500   +0.500         │╌╌╌╌╌╌╌╌ INVITE ╌╌╌╌╌╌╌▶│  retransmission
//!     3   +0.510   +0.010         │◀────── 100 Trying ─────│
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;

use super::style::{Style, Tone, fit, fit_start, format_time, sanitize, width_of};
use super::table::{outcome_word, party_name, secs};
use crate::flow::model::{Call, MessageRecord, Side, Transfer};

/// Options of the diagram.
#[derive(Clone, Copy, Debug, Default)]
pub struct LadderOptions {
    /// Key headers under each arrow (needs the messages' raw text).
    pub verbose: bool,
}

/// One arrow to draw.
struct Row<'a> {
    call: usize,
    msg: &'a MessageRecord,
}

/// Narrowest gap between two lanes.
const MIN_GAP: usize = 12;
/// Room kept for the notes on the right when squeezing lanes: at least this much...
const MIN_NOTES: usize = 18;
/// ... and at most this much (lanes are squeezed no further for longer notes).
const MAX_NOTES: usize = 30;

/// Renders the diagram of `calls` (one call, or a call and those linked to it by transfers)
/// with a heading per call and a summary after the arrows.
pub fn render(calls: &[&Call], opts: LadderOptions, style: &Style) -> String {
    let mut rows: Vec<Row<'_>> = calls
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.messages.iter().map(move |m| Row { call: i, msg: m }))
        .collect();
    rows.sort_by_key(|r| (r.msg.time, r.msg.frame));
    let multi = calls.len() > 1;
    let notes = notes(calls);

    // lanes: every address, in order of first appearance
    let mut hosts: Vec<SocketAddr> = Vec::new();
    for r in &rows {
        for a in [*r.msg.src, *r.msg.dst] {
            if !hosts.contains(&a) {
                hosts.push(a);
            }
        }
    }
    let host_names: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
    let labels: Vec<String> = rows.iter().map(|r| label(r.msg)).collect();

    // the left gutter: [call letter] frame, time, delta
    let t0 = rows.first().map(|r| r.msg.time);
    let times: Vec<(String, String)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let since = t0.map_or(0.0, |t| r.msg.time.secs_since(t));
            let delta = if i == 0 {
                0.0
            } else {
                r.msg.time.secs_since(rows[i - 1].msg.time)
            };
            (format!("+{since:.3}"), format!("+{delta:.3}"))
        })
        .collect();
    let wf = rows
        .iter()
        .map(|r| r.msg.frame.to_string().len())
        .chain([5])
        .max()
        .unwrap_or(5);
    let wt = times
        .iter()
        .flat_map(|(a, b)| [a.len(), b.len()])
        .chain([6])
        .max()
        .unwrap_or(6);
    let letter_w = if multi { 2 } else { 0 };
    let gutter = letter_w + wf + 2 + wt + 2 + wt + 2;

    // lane geometry
    let host_w = host_names.iter().map(|h| width_of(h)).max().unwrap_or(0);
    // lanes as wide as 9 labels in 10 need: one long reason phrase should not push the
    // notes off the screen (it is cut, or it spans several lanes anyway)
    let mut label_ws: Vec<usize> = labels.iter().map(|l| width_of(l)).collect();
    label_ws.sort_unstable();
    let label_w = label_ws
        .get((label_ws.len() * 9 / 10).min(label_ws.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0);
    let mut gap = (label_w + 6).max(host_w + 2).max(MIN_GAP);
    let mut x0 = gutter + host_w.div_ceil(2);
    let n = hosts.len().max(1);
    if n > 1 {
        // keep room for the notes: the longest, up to MAX_NOTES columns
        let longest_note = notes
            .values()
            .map(|v| width_of(&v.join("; ")))
            .max()
            .unwrap_or(0);
        let reserve = longest_note.clamp(MIN_NOTES, MAX_NOTES) + 2;
        let room = style.width.saturating_sub(x0 + 1 + reserve);
        if (n - 1) * gap > room {
            gap = (room / (n - 1)).max(MIN_GAP);
        }
    }
    let host_cap = if n > 1 { gap - 1 } else { host_w };
    let shown_hosts: Vec<String> = host_names.iter().map(|h| fit_start(h, host_cap)).collect();
    let shown_host_w = shown_hosts.iter().map(|h| width_of(h)).max().unwrap_or(0);
    x0 = x0.min(gutter + shown_host_w.div_ceil(2));
    let lanes: Vec<usize> = (0..n).map(|i| x0 + i * gap).collect();
    let lane_end = lanes.last().copied().unwrap_or(x0) + 1;
    let lane_of = |a: &SocketAddr| hosts.iter().position(|h| h == a).unwrap_or(0);

    let mut out = String::new();
    // headings
    for (i, c) in calls.iter().enumerate() {
        heading(&mut out, c, multi.then_some(letter(i)), style);
    }
    out.push('\n');
    // host line: column titles and hosts centred on their lanes
    let mut head: Vec<char> = vec![' '; lane_end.max(gutter) + shown_host_w];
    let titles = format!(
        "{:>lw$}{:>wf$}  {:>wt$}  {:>wt$}",
        "",
        "frame",
        "time",
        "delta",
        lw = letter_w
    );
    put(&mut head, 0, &titles);
    for (i, h) in shown_hosts.iter().enumerate() {
        let w = width_of(h);
        let start = (lanes[i] + 1).saturating_sub(w.div_ceil(2)).max(gutter);
        put(&mut head, start, h);
    }
    let head: String = head.into_iter().collect();
    let head = head.trim_end();
    let split = head
        .char_indices()
        .nth(gutter)
        .map_or(head.len(), |(b, _)| b);
    out.push_str(&style.paint(Tone::Dim, &head[..split]));
    out.push_str(&style.paint(Tone::Bold, &head[split..]));
    out.push('\n');
    out.push_str(&bars(&lanes, lane_end));
    out.push('\n');

    for (i, r) in rows.iter().enumerate() {
        let m = r.msg;
        let (a, b) = (lanes[lane_of(&m.src)], lanes[lane_of(&m.dst)]);
        let mut line: Vec<char> = bars(&lanes, lane_end).chars().collect();
        let (lo, hi) = (a.min(b), a.max(b));
        let tone = Tone::of_status(m.status);
        let label = &labels[i];
        if a == b {
            // a message to itself (same address): a loop mark and the label
            line[a] = '↺';
        } else {
            let body = if m.retransmission { '╌' } else { '─' };
            for c in line.iter_mut().take(hi).skip(lo + 1) {
                *c = body;
            }
            if b > a {
                line[hi - 1] = '▶';
            } else {
                line[lo + 1] = '◀';
            }
            let span = hi - lo - 3;
            let text = format!(" {} ", fit(label, span.saturating_sub(2)));
            let tw = width_of(&text);
            let at = lo + 2 + (span.saturating_sub(tw)) / 2;
            put(&mut line, at, &text);
        }
        if a == b {
            line.extend(format!(" {label}").chars());
        }
        let lanes_text: String = line[gutter..].iter().collect();
        let gut = format!(
            "{:>lw$}{:>wf$}  {:>wt$}  {:>wt$}  ",
            if multi {
                letter(r.call).to_string()
            } else {
                String::new()
            },
            m.frame,
            times[i].0,
            times[i].1,
            lw = letter_w.saturating_sub(1),
        );
        let mut text = String::new();
        text.push_str(&style.paint(Tone::Dim, &pad_to(&gut, gutter)));
        if a == b {
            text.push_str(&style.paint(tone, &lanes_text));
        } else {
            // colour the arrow, not the lanes around it
            let cut1 = lo + 1 - gutter;
            let cut2 = hi - gutter;
            let chars: Vec<char> = lanes_text.chars().collect();
            let s1: String = chars[..cut1].iter().collect();
            let s2: String = chars[cut1..cut2].iter().collect();
            let s3: String = chars[cut2..].iter().collect();
            text.push_str(&s1);
            text.push_str(&style.paint(tone, &s2));
            text.push_str(&s3);
        }
        let used = width_of(&line.iter().collect::<String>());
        if let Some(n) = notes.get(&(r.call, m.frame)) {
            let room = style.width.saturating_sub(used + 2);
            if room > 0 {
                text.push_str("  ");
                text.push_str(&style.paint(note_tone(n, m), &fit(&n.join("; "), room)));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
        if opts.verbose {
            for h in key_headers(m) {
                // bars left of the text only: the text runs across the lanes to its right
                let mut l: Vec<char> = bars(&lanes, lo + 1).chars().collect();
                let room = style.width.saturating_sub(lo + 2).max(20);
                put(&mut l, lo + 2, &fit(&h, room));
                let s: String = l.into_iter().collect();
                out.push_str(&style.paint(Tone::Dim, s.trim_end()));
                out.push('\n');
            }
        }
    }
    out.push_str(&bars(&lanes, lane_end));
    out.push('\n');
    for (i, c) in calls.iter().enumerate() {
        summary(&mut out, c, multi.then_some(letter(i)), calls, style);
    }
    out
}

/// `A`, `B`, ... for the calls of a shared diagram.
fn letter(i: usize) -> char {
    (b'A' + (i % 26) as u8) as char
}

fn pad_to(s: &str, w: usize) -> String {
    let mut s = s.to_string();
    while width_of(&s) < w {
        s.push(' ');
    }
    s
}

/// A line with a bar on every lane.
fn bars(lanes: &[usize], end: usize) -> String {
    let mut l = vec![' '; end];
    for &x in lanes.iter().filter(|&&x| x < end) {
        l[x] = '│';
    }
    l.into_iter().collect()
}

/// Writes `s` into `line` at column `at`, growing the line when needed.
fn put(line: &mut Vec<char>, at: usize, s: &str) {
    for (i, ch) in s.chars().enumerate() {
        if at + i >= line.len() {
            line.resize(at + i + 1, ' ');
        }
        line[at + i] = ch;
    }
}

/// The arrow's label: the method, or the status and phrase (with the CSeq method when it
/// is not INVITE, so a 200 to a PRACK is not taken for the answer).
pub fn label(m: &MessageRecord) -> String {
    match (m.method.as_deref(), m.status) {
        (Some(method), _) => sanitize(method),
        (None, Some(status)) => {
            let mut s = status.to_string();
            if let Some(r) = m.reason.as_deref().filter(|r| !r.is_empty()) {
                s.push(' ');
                s.push_str(&sanitize(r));
            }
            match m.cseq_method.as_deref() {
                Some(cm) if cm != "INVITE" => format!("{s} ({})", sanitize(cm)),
                _ => s,
            }
        }
        (None, None) => "?".into(),
    }
}

fn note_tone(n: &[String], m: &MessageRecord) -> Tone {
    if n.iter().any(|s| s.contains('!')) {
        Tone::Bad
    } else if m.retransmission {
        Tone::Warn
    } else {
        Tone::Dim
    }
}

/// Notes per (call, frame): retransmissions, PRACK pairs, transfers, DTMF, session changes.
fn notes(calls: &[&Call]) -> HashMap<(usize, u64), Vec<String>> {
    let mut n: HashMap<(usize, u64), Vec<String>> = HashMap::new();
    for (ci, c) in calls.iter().enumerate() {
        let mut add = |frame: u64, s: String| n.entry((ci, frame)).or_default().push(s);
        for m in &c.messages {
            if m.retransmission {
                add(m.frame, "retransmission".into());
            }
        }
        for p in &c.prack {
            let problems = if p.problems.is_empty() {
                String::new()
            } else {
                format!(" ! {}", p.problems.join(", "))
            };
            match (p.response_frame, p.status) {
                (Some(rf), Some(status)) => {
                    let acked = match p.prack_frame {
                        Some(pf) if p.acknowledged => format!(", PRACK in frame {pf}"),
                        Some(pf) => format!(", PRACK in frame {pf} not accepted"),
                        None => String::new(),
                    };
                    add(
                        rf,
                        format!("reliable {status} RSeq {}{acked}{problems}", p.rseq),
                    );
                    if let Some(pf) = p.prack_frame {
                        let rack = p.rack.as_deref().map(sanitize).unwrap_or_default();
                        add(pf, format!("RAck {rack} → {status} in frame {rf}"));
                    }
                }
                _ => {
                    if let Some(pf) = p.prack_frame {
                        let rack = p.rack.as_deref().map(sanitize).unwrap_or_default();
                        add(pf, format!("RAck {rack} matches no RSeq{problems}"));
                    }
                }
            }
        }
        for t in &c.transfers {
            let kind = if t.attended { "attended" } else { "blind" };
            add(
                t.refer_frame,
                format!("transfer ({kind}) to {}", sanitize(&t.refer_to)),
            );
            if let Some(f) = t.refer_status_frame {
                let word = match t.refer_status {
                    Some(200..=299) => "transfer accepted",
                    _ => "transfer refused !",
                };
                add(f, word.into());
            }
            let last_final = t
                .notifies
                .iter()
                .rposition(|x| x.sipfrag_status.is_some_and(|s| s >= 200));
            for (k, x) in t.notifies.iter().enumerate() {
                let frag = x
                    .sipfrag_status
                    .map_or("no sipfrag".to_string(), |s| format!("sipfrag {s}"));
                let state = x
                    .subscription_state
                    .as_deref()
                    .map(|s| format!(", {}", sanitize(s)))
                    .unwrap_or_default();
                let end = if Some(k) == last_final {
                    format!(" → transfer {}", outcome_word(t.outcome))
                } else {
                    String::new()
                };
                add(x.frame, format!("transfer progress: {frag}{state}{end}"));
            }
        }
        if let Some(link) = &c.transferred_from {
            if let Some(first) = c
                .messages
                .iter()
                .find(|m| m.method.as_deref() == Some("INVITE"))
            {
                add(
                    first.frame,
                    format!(
                        "triggered by the REFER in frame {} of {}",
                        link.refer_frame,
                        sanitize(&link.call_id)
                    ),
                );
            }
        }
        for d in &c.dtmf {
            let dur = d
                .duration
                .map(|ms| format!(" ({ms} ms)"))
                .unwrap_or_default();
            add(d.frame, format!("DTMF {}{dur}", sanitize(&d.digit)));
        }
        for s in &c.session_changes {
            let what = if &*s.method == "INVITE" {
                "re-INVITE"
            } else {
                "UPDATE"
            };
            let early = match s.dialog_state {
                Some(crate::flow::model::DialogState::Early) => " (early dialog)",
                _ => "",
            };
            add(s.frame, format!("{what}{early}"));
        }
    }
    n
}

/// The call's heading: Call-ID, kind, state, start, parties.
fn heading(out: &mut String, c: &Call, letter: Option<char>, style: &Style) {
    let tag = letter.map(|l| format!("[{l}] ")).unwrap_or_default();
    let status = match (c.final_status, c.final_reason.as_deref()) {
        (Some(s), Some(r)) if !r.is_empty() => format!(" {s} {}", sanitize(r)),
        (Some(s), _) => format!(" {s}"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "{tag}{}  {}  {}{}  {}  {} messages",
        style.paint(Tone::Bold, &sanitize(&c.call_id)),
        c.kind.as_str(),
        style.paint(Tone::of_state(c.state), c.state),
        status,
        format_time(c.start),
        c.messages.len() as u64 + c.messages_dropped,
    );
    let who = |p: &crate::flow::model::Party| {
        let name = party_name(p);
        match p.uri.as_deref() {
            Some(u) => format!("{name} <{}>", sanitize(u)),
            None => name,
        }
    };
    let _ = writeln!(
        out,
        "{}from {}  to {}",
        " ".repeat(tag.len()),
        who(&c.participants.caller),
        who(&c.participants.callee)
    );
}

/// Lines after the arrows: timings, PRACK and transfer summaries, flags.
fn summary(out: &mut String, c: &Call, letter: Option<char>, all: &[&Call], style: &Style) {
    let tag = letter.map(|l| format!("[{l}] ")).unwrap_or_default();
    let mut parts = Vec::new();
    let t = &c.timings;
    for (name, v) in [
        ("PDD", t.pdd),
        ("setup", t.setup),
        ("duration", t.duration),
        ("SDD", t.sdd),
        ("RRD", t.rrd),
    ] {
        if let Some(v) = v {
            parts.push(format!("{name} {}", secs(v)));
        }
    }
    if let Some(side) = c.hangup {
        parts.push(format!(
            "hung up by the {}",
            if side == Side::Caller {
                "caller"
            } else {
                "callee"
            }
        ));
    }
    if let Some(r) = &c.reason {
        let cause = r.cause.map(|x| format!(" cause {x}")).unwrap_or_default();
        let text = r
            .text
            .as_deref()
            .map(|x| format!(" \"{}\"", sanitize(x)))
            .unwrap_or_default();
        parts.push(format!("Reason {}{cause}{text}", sanitize(&r.protocol)));
    }
    if parts.is_empty() {
        let _ = writeln!(out, "{tag}{}", c.state);
    } else {
        let _ = writeln!(out, "{tag}{}: {}", c.state, parts.join(", "));
    }
    for p in &c.prack {
        let status = p.status.map_or("PRACK".to_string(), |s| s.to_string());
        let state = if !p.problems.is_empty() {
            style.paint(Tone::Bad, &format!("problems: {}", p.problems.join(", ")))
        } else if p.acknowledged {
            style.paint(Tone::Good, "acknowledged")
        } else {
            "not acknowledged".to_string()
        };
        let delay = p
            .prack_delay
            .map(|d| format!(" after {}", secs(d)))
            .unwrap_or_default();
        let prack = p
            .prack_frame
            .map(|f| {
                let resp = p
                    .prack_status
                    .map(|s| format!(" → {s}"))
                    .unwrap_or_default();
                format!(", PRACK frame {f}{delay}{resp}")
            })
            .unwrap_or_default();
        let _ = writeln!(out, "{tag}PRACK: {status} RSeq {}{prack}: {state}", p.rseq);
    }
    for x in &c.transfers {
        let _ = writeln!(out, "{tag}{}", transfer_line(x, all, style));
    }
    if let Some(link) = &c.transferred_from {
        let _ = writeln!(
            out,
            "{tag}transfer target: triggered by the REFER in frame {} of {} (matched by {})",
            link.refer_frame,
            sanitize(&link.call_id),
            serde_json::to_value(link.matched)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        );
    }
    if !c.flags.is_empty() {
        let _ = writeln!(out, "{tag}flags: {}", c.flags.join(", "));
    }
}

fn transfer_line(t: &Transfer, all: &[&Call], style: &Style) -> String {
    let kind = if t.attended { "attended" } else { "blind" };
    let refer = t
        .refer_status
        .map(|s| format!(" → {s}"))
        .unwrap_or_default();
    let progress = if t.progress.is_empty() {
        String::new()
    } else {
        let p: Vec<String> = t.progress.iter().map(|s| s.to_string()).collect();
        format!(", NOTIFY {}", p.join(", "))
    };
    let outcome = outcome_word(t.outcome);
    let tone = match outcome {
        "success" => Tone::Good,
        "pending" | "no-subscription" => Tone::Warn,
        _ => Tone::Bad,
    };
    let target = match &t.target_call_id {
        Some(id) => {
            let letter = all
                .iter()
                .position(|c| *c.call_id == **id)
                .filter(|_| all.len() > 1)
                .map(|i| format!(" [{}]", letter(i)))
                .unwrap_or_default();
            format!("; new call {}{letter}", sanitize(id))
        }
        None => String::new(),
    };
    format!(
        "transfer ({kind}) to {}: REFER frame {}{refer}{progress}: {}{target}",
        sanitize(&t.refer_to),
        t.refer_frame,
        style.paint(tone, outcome)
    )
}

/// Header names shown by `-v`, in this order.
const KEY_HEADERS: &[&str] = &[
    "From",
    "To",
    "CSeq",
    "Via",
    "Contact",
    "Require",
    "RSeq",
    "RAck",
    "Refer-To",
    "Referred-By",
    "Replaces",
    "Event",
    "Subscription-State",
    "Reason",
    "Expires",
    "Content-Type",
    "User-Agent",
    "Server",
];

/// `Name: value` lines of the key headers, plus a short body summary (SDP media lines,
/// sipfrag status line, DTMF), from the message's raw text.
pub fn key_headers(m: &MessageRecord) -> Vec<String> {
    let Some(raw) = m.raw.as_deref() else {
        return vec![format!(
            "(frame {}, {}; no message text kept)",
            m.frame, m.transport
        )];
    };
    let Ok(msg) = crate::sip::parse(raw.as_bytes()) else {
        return vec!["(the message does not parse)".into()];
    };
    let mut out = Vec::new();
    for name in KEY_HEADERS {
        if let Some(v) = msg.header_str(name) {
            out.push(format!("{name}: {}", sanitize(v)));
        }
    }
    let body = String::from_utf8_lossy(msg.body());
    let ctype = msg
        .header_str("Content-Type")
        .unwrap_or("")
        .to_ascii_lowercase();
    if ctype.starts_with("application/sdp") {
        for l in body.lines() {
            if l.starts_with("c=") || l.starts_with("m=") {
                out.push(format!("SDP {}", sanitize(l.trim())));
            }
        }
    } else if ctype.starts_with("message/sipfrag") || ctype.starts_with("application/dtmf") {
        for l in body.lines().filter(|l| !l.trim().is_empty()).take(2) {
            out.push(format!("body: {}", sanitize(l.trim())));
        }
    }
    out
}

/// `--raw`: every message of the calls in time order, each under a one-line banner.
pub fn render_raw(calls: &[&Call], style: &Style) -> String {
    let mut rows: Vec<(usize, &MessageRecord)> = calls
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.messages.iter().map(move |m| (i, m)))
        .collect();
    rows.sort_by_key(|(_, m)| (m.time, m.frame));
    let mut out = String::new();
    for (i, m) in rows {
        let tag = if calls.len() > 1 {
            format!("[{}] ", letter(i))
        } else {
            String::new()
        };
        let banner = format!(
            "── {tag}frame {}  {}  {} → {} {}{} ",
            m.frame,
            format_time(m.time),
            m.src,
            m.dst,
            m.transport,
            if m.retransmission {
                "  retransmission"
            } else {
                ""
            }
        );
        let pad = style.width.saturating_sub(width_of(&banner));
        out.push_str(&style.paint(Tone::Dim, &format!("{banner}{}", "─".repeat(pad))));
        out.push('\n');
        match m.raw.as_deref() {
            Some(raw) => {
                for line in raw.lines() {
                    out.push_str(&sanitize(line.trim_end_matches('\r')));
                    out.push('\n');
                }
            }
            None => out.push_str("(message text not kept)\n"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    fn plain(width: usize) -> Style {
        Style {
            color: false,
            width,
        }
    }

    #[test]
    fn basic_ladder() {
        let c = testdata::basic_call();
        let text = render(&[&c], LadderOptions::default(), &plain(100));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("a84b4c76e66710@pc33.example.com  call  completed 200 OK"));
        let host = lines.iter().find(|l| l.contains("frame")).unwrap();
        let (a, b) = (
            host.find("192.0.2.10").unwrap(),
            host.find("192.0.2.20").unwrap(),
        );
        assert!(a < b, "{host}");
        let invite = lines
            .iter()
            .find(|l| l.trim_start().starts_with("1 "))
            .unwrap();
        assert!(invite.contains("─ INVITE ─"), "{invite}");
        assert!(invite.contains("▶│"), "{invite}");
        let retx = lines
            .iter()
            .find(|l| l.trim_start().starts_with("2 "))
            .unwrap();
        assert!(
            retx.contains("╌ INVITE ╌") && retx.ends_with("retransmission"),
            "{retx}"
        );
        let trying = lines
            .iter()
            .find(|l| l.trim_start().starts_with("3 "))
            .unwrap();
        assert!(
            trying.contains("│◀") && trying.contains("100 Trying"),
            "{trying}"
        );
        assert!(trying.contains("+0.510   +0.010"), "{trying}");
        let bye_ok = lines
            .iter()
            .find(|l| l.trim_start().starts_with("8 "))
            .unwrap();
        assert!(bye_ok.contains("200 OK (BYE)"), "{bye_ok}");
        assert!(
            text.contains("completed: PDD 0.100s, duration 12.00s, SDD 0.020s"),
            "{text}"
        );
        for l in text.lines() {
            assert!(width_of(l) <= 100, "{l}");
        }
    }

    #[test]
    fn prack_and_transfer_notes() {
        let c = testdata::prack_transfer_call();
        let text = render(&[&c], LadderOptions::default(), &plain(160));
        let row = |f: u64| {
            text.lines()
                .find(|l| l.trim_start().starts_with(&format!("{f} ")))
                .unwrap_or_else(|| panic!("frame {f} in\n{text}"))
        };
        assert!(
            row(10).contains("reliable 183 RSeq 1, PRACK in frame 11"),
            "{text}"
        );
        assert!(
            row(11).contains("RAck 2 1 INVITE → 183 in frame 10"),
            "{text}"
        );
        assert!(
            row(13).contains("! never-pracked, final-before-prack"),
            "{text}"
        );
        assert!(
            row(16).contains("transfer (blind) to sip:carol@example.com"),
            "{text}"
        );
        assert!(row(17).contains("transfer accepted"), "{text}");
        assert!(
            row(18).contains("transfer progress: sipfrag 100, active"),
            "{text}"
        );
        assert!(
            row(20).contains("sipfrag 200, terminated → transfer success"),
            "{text}"
        );
        assert!(
            text.contains("PRACK: 180 RSeq 2: problems: never-pracked"),
            "{text}"
        );
        assert!(
            text.contains(
                "REFER frame 16 → 202, NOTIFY 100, 200: success; new call target-1@example.com"
            ),
            "{text}"
        );
    }

    #[test]
    fn related_calls_share_lanes() {
        let a = testdata::prack_transfer_call();
        let b = testdata::transfer_target_call();
        let text = render(&[&a, &b], LadderOptions::default(), &plain(160));
        assert!(text.starts_with("[A] 7c2f-xfer@host.example.net"), "{text}");
        assert!(text.contains("\n[B] target-1@example.com"), "{text}");
        let host = text.lines().find(|l| l.contains("frame")).unwrap();
        assert!(host.contains("192.0.2.30:5060"), "{host}");
        // the target call's INVITE sits between the REFER's NOTIFYs in time
        let pos = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{needle}\n{text}"))
        };
        assert!(pos("triggered by the REFER in frame 16") > pos("transfer accepted"));
        assert!(text.contains("new call target-1@example.com [B]"), "{text}");
    }

    #[test]
    fn squeezes_to_width_and_colours_only_when_asked() {
        let c = testdata::prack_transfer_call();
        let text = render(&[&c], LadderOptions::default(), &plain(60));
        for l in text.lines().filter(|l| l.contains('│')) {
            assert!(width_of(l) <= 60, "{l}\n{text}");
        }
        assert!(!text.contains('\x1b'));
        let col = render(
            &[&c],
            LadderOptions::default(),
            &Style {
                color: true,
                width: 100,
            },
        );
        assert!(col.contains("\x1b[32m"), "{col}");
    }

    #[test]
    fn verbose_headers_from_raw_text() {
        let mut c = testdata::basic_call();
        c.messages[0].raw = Some(
            "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\n\
             f: <sip:alice@example.com>;tag=1\r\nt: <sip:bob@example.com>\r\ni: x\r\n\
             CSeq: 1 INVITE\r\nc: application/sdp\r\nl: 53\r\n\r\nv=0\r\nc=IN IP4 192.0.2.10\r\nm=audio 4000 RTP/AVP 0\r\n"
                .into(),
        );
        let text = render(&[&c], LadderOptions { verbose: true }, &plain(120));
        for want in [
            "From: <sip:alice@example.com>;tag=1",
            "To: <sip:bob@example.com>",
            "CSeq: 1 INVITE",
            "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1",
            "SDP m=audio 4000 RTP/AVP 0",
        ] {
            assert!(text.contains(want), "{want}\n{text}");
        }
        assert!(
            text.contains("(frame 2, udp; no message text kept)"),
            "{text}"
        );
        let raw = render_raw(&[&c], &plain(80));
        assert!(raw.starts_with(
            "── frame 1  2024-05-01T10:00:00.000Z  192.0.2.10:5060 → 192.0.2.20:5060 udp"
        ));
        assert!(raw.contains("\nm=audio 4000 RTP/AVP 0\n"), "{raw}");
    }

    #[test]
    fn hostile_text_cannot_drive_the_terminal() {
        let mut c = testdata::basic_call();
        c.call_id = "evil\x1b[2J".into();
        c.messages[0].method = Some("INV\x1bITE".into());
        let text = render(&[&c], LadderOptions::default(), &plain(100));
        assert!(!text.contains('\x1b'), "{text}");
    }
}
