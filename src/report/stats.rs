//! The statistics of `sipscope stats`: calls per kind and state, messages per method and
//! status with retransmissions, RFC 6076 metrics, PRACK and transfer summaries, the
//! engine's counters and the packet layer's skip counters. Built once ([`Stats::new`]),
//! printed as aligned text ([`Stats::render`]) or serialised as JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::style::{Style, Tone, sanitize};
use super::table::{outcome_word, secs};
use crate::flow::{Call, Counters, Metrics};

/// Count of one method or status: first sightings and retransmissions.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Count {
    /// Messages that are not retransmissions.
    pub messages: u64,
    /// Retransmissions.
    pub retransmissions: u64,
}

/// PRACK summary (RFC 3262).
#[derive(Clone, Debug, Default, Serialize)]
pub struct PrackSummary {
    /// Reliable provisional responses.
    pub reliable_provisionals: u64,
    /// ... acknowledged by a PRACK.
    pub acknowledged: u64,
    /// PRACKs whose RAck matched no reliable provisional.
    pub unmatched_pracks: u64,
    /// Records per problem word.
    pub problems: BTreeMap<String, u64>,
}

/// Transfer summary (RFC 3515).
#[derive(Clone, Debug, Default, Serialize)]
pub struct TransferSummary {
    /// REFER requests.
    pub refers: u64,
    /// ... with `Replaces` (attended).
    pub attended: u64,
    /// ... linked to the call they triggered.
    pub linked: u64,
    /// Per outcome word.
    pub outcomes: BTreeMap<String, u64>,
}

/// Everything `sipscope stats` reports.
#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    /// Calls counted (after filters).
    pub calls: u64,
    /// Per kind.
    pub kinds: BTreeMap<String, u64>,
    /// Per kind, then per state word.
    pub states: BTreeMap<String, BTreeMap<String, u64>>,
    /// Requests per method.
    pub methods: BTreeMap<String, Count>,
    /// Responses per status code.
    pub statuses: BTreeMap<u16, Count>,
    /// Reason phrase first seen with each status code (lowest frame number, whatever the
    /// order calls are added in).
    #[serde(skip)]
    pub phrases: BTreeMap<u16, String>,
    /// Frame of each phrase in `phrases`.
    #[serde(skip)]
    phrase_frames: BTreeMap<u16, u64>,
    /// Retransmitted messages.
    pub retransmissions: u64,
    /// Flags per word (how many calls carry each).
    pub flags: BTreeMap<String, u64>,
    /// RFC 6076 metrics.
    pub metrics: Metrics,
    /// PRACK summary.
    pub prack: PrackSummary,
    /// Transfer summary.
    pub transfers: TransferSummary,
    /// The engine's counters.
    pub engine: Counters,
    /// Packet-layer counters (name, value), in the packet layer's order.
    pub packets: Vec<(String, u64)>,
}

/// Adds one to the count under `key`: one lookup, and no allocation when the key is there
/// already (the usual case; `contains_key` then `get_mut` was two lookups).
fn count_one(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

/// Counts one message into `count`.
fn bump(count: &mut Count, retransmission: bool) {
    if retransmission {
        count.retransmissions += 1;
    } else {
        count.messages += 1;
    }
}

/// True if `s` has a control character: the usual method name is printable ASCII, told
/// apart a word at a time before looking at characters.
fn has_control(s: &str) -> bool {
    !s.bytes().all(|b| b.is_ascii_graphic()) && s.contains(char::is_control)
}

impl Stats {
    /// Counts over `calls`; `metrics` and `engine` come from the engine (or are computed
    /// over the same calls), `packets` from the packet layer.
    pub fn new<'a>(
        calls: impl IntoIterator<Item = &'a Call>,
        metrics: Metrics,
        engine: Counters,
        packets: Vec<(String, u64)>,
    ) -> Stats {
        let mut s = Stats {
            calls: 0,
            kinds: BTreeMap::new(),
            states: BTreeMap::new(),
            methods: BTreeMap::new(),
            statuses: BTreeMap::new(),
            phrases: BTreeMap::new(),
            phrase_frames: BTreeMap::new(),
            retransmissions: 0,
            flags: BTreeMap::new(),
            metrics,
            prack: PrackSummary::default(),
            transfers: TransferSummary::default(),
            engine,
            packets,
        };
        for c in calls {
            s.add(c);
        }
        s
    }

    /// Counts one more call (streaming: `sniff` adds each call as it is handed out).
    pub fn add(&mut self, c: &Call) {
        self.calls += 1;
        let kind = c.kind.as_str();
        count_one(&mut self.kinds, kind);
        match self.states.get_mut(kind) {
            Some(states) => count_one(states, c.state),
            None => {
                let states = BTreeMap::from([(c.state.to_string(), 1)]);
                self.states.insert(kind.to_string(), states);
            }
        }
        for f in &c.flags {
            count_one(&mut self.flags, f);
        }
        for m in &c.messages {
            let count = match (m.method.as_deref(), m.status) {
                // one lookup and no allocation for a method already counted (the usual case)
                (Some(method), _) if !has_control(method) => match self.methods.get_mut(method) {
                    Some(count) => {
                        bump(count, m.retransmission);
                        self.retransmissions += m.retransmission as u64;
                        continue;
                    }
                    None => self.methods.entry(method.to_string()).or_default(),
                },
                (Some(method), _) => self.methods.entry(sanitize(method)).or_default(),
                (None, Some(status)) => {
                    if let Some(r) = m.reason.as_deref() {
                        let first = self.phrase_frames.get(&status);
                        if first.is_none_or(|&f| m.frame < f) {
                            self.phrase_frames.insert(status, m.frame);
                            self.phrases.insert(status, sanitize(r));
                        }
                    }
                    self.statuses.entry(status).or_default()
                }
                (None, None) => continue,
            };
            bump(count, m.retransmission);
            self.retransmissions += m.retransmission as u64;
        }
        for p in &c.prack {
            if p.status.is_some() {
                self.prack.reliable_provisionals += 1;
                if p.acknowledged {
                    self.prack.acknowledged += 1;
                }
            } else {
                self.prack.unmatched_pracks += 1;
            }
            for w in &p.problems {
                *self.prack.problems.entry((*w).into()).or_default() += 1;
            }
        }
        for t in &c.transfers {
            self.transfers.refers += 1;
            if t.attended {
                self.transfers.attended += 1;
            }
            if t.target_call_id.is_some() {
                self.transfers.linked += 1;
            }
            *self
                .transfers
                .outcomes
                .entry(outcome_word(t.outcome).into())
                .or_default() += 1;
        }
    }

    /// The aligned text report.
    pub fn render(&self, style: &Style) -> String {
        let mut rows: Vec<Line> = Vec::new();
        let sec = |rows: &mut Vec<Line>, title: &str| rows.push(Line::Section(title.into()));
        let kv =
            |rows: &mut Vec<Line>, name: String, value: String| rows.push(Line::Row(name, value));

        sec(&mut rows, "Calls");
        kv(&mut rows, "calls".into(), self.calls.to_string());
        for (kind, n) in &self.kinds {
            kv(&mut rows, format!("  {kind}"), n.to_string());
            for (state, n) in self.states.get(kind).into_iter().flatten() {
                kv(&mut rows, format!("    {state}"), n.to_string());
            }
        }
        if !self.flags.is_empty() {
            sec(&mut rows, "Flags (calls carrying each)");
            for (f, n) in &self.flags {
                kv(&mut rows, f.clone(), n.to_string());
            }
        }
        let count = |c: &Count| {
            if c.retransmissions > 0 {
                format!("{} (+{} retransmitted)", c.messages, c.retransmissions)
            } else {
                c.messages.to_string()
            }
        };
        sec(&mut rows, "Requests");
        for (m, c) in &self.methods {
            kv(&mut rows, m.clone(), count(c));
        }
        sec(&mut rows, "Responses");
        for (code, c) in &self.statuses {
            let phrase = self.phrases.get(code).map(String::as_str).unwrap_or("");
            let name = super::style::fit(format!("{code} {phrase}").trim_end(), 36);
            kv(&mut rows, name, count(c));
        }
        sec(&mut rows, "Messages");
        let total: u64 = self
            .methods
            .values()
            .chain(self.statuses.values())
            .map(|c| c.messages + c.retransmissions)
            .sum();
        kv(&mut rows, "in calls".into(), total.to_string());
        kv(
            &mut rows,
            "retransmissions".into(),
            self.retransmissions.to_string(),
        );

        let m = &self.metrics;
        sec(&mut rows, "RFC 6076 metrics");
        let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}%"));
        let dur = |v: Option<f64>| v.map_or("-".to_string(), secs);
        kv(
            &mut rows,
            "session attempts".into(),
            m.session_attempts.to_string(),
        );
        kv(&mut rows, "SER  (establishment ratio)".into(), pct(m.ser));
        kv(&mut rows, "SEER (effectiveness ratio)".into(), pct(m.seer));
        kv(&mut rows, "ISA  (ineffective attempts)".into(), pct(m.isa));
        kv(&mut rows, "SCR  (completion ratio)".into(), pct(m.scr));
        kv(
            &mut rows,
            "SRD  (request delay, mean)".into(),
            dur(m.avg_srd),
        );
        kv(
            &mut rows,
            "SDD  (disconnect delay, mean)".into(),
            dur(m.avg_sdd),
        );
        kv(
            &mut rows,
            "SDT  (duration, mean)".into(),
            dur(m.avg_duration),
        );
        if m.registrations > 0 || m.avg_rrd.is_some() {
            kv(
                &mut rows,
                "registrations".into(),
                m.registrations.to_string(),
            );
            kv(
                &mut rows,
                "RRD  (registration delay, mean)".into(),
                dur(m.avg_rrd),
            );
        }

        let p = &self.prack;
        if p.reliable_provisionals + p.unmatched_pracks > 0 {
            sec(&mut rows, "PRACK (RFC 3262)");
            kv(
                &mut rows,
                "reliable provisionals".into(),
                p.reliable_provisionals.to_string(),
            );
            kv(
                &mut rows,
                "  acknowledged".into(),
                p.acknowledged.to_string(),
            );
            kv(
                &mut rows,
                "unmatched PRACKs".into(),
                p.unmatched_pracks.to_string(),
            );
            for (w, n) in &p.problems {
                kv(&mut rows, format!("problem: {w}"), n.to_string());
            }
        }
        let t = &self.transfers;
        if t.refers > 0 {
            sec(&mut rows, "Transfers (RFC 3515)");
            kv(&mut rows, "REFER".into(), t.refers.to_string());
            kv(
                &mut rows,
                "  attended (Replaces)".into(),
                t.attended.to_string(),
            );
            kv(
                &mut rows,
                "  linked to the new call".into(),
                t.linked.to_string(),
            );
            for (o, n) in &t.outcomes {
                kv(&mut rows, format!("outcome: {o}"), n.to_string());
            }
        }

        let e = &self.engine;
        sec(&mut rows, "Engine");
        kv(
            &mut rows,
            "messages analysed".into(),
            e.messages.to_string(),
        );
        for (name, v) in [
            ("unparsable messages", e.invalid),
            ("messages without Call-ID", e.without_call_id),
            ("calls reopened", e.calls_reopened),
            ("calls evicted (cap)", e.evicted_cap),
            ("calls evicted (idle)", e.evicted_idle),
            ("messages dropped (per-call cap)", e.messages_dropped),
            (
                "transactions dropped (per-call cap)",
                e.transactions_dropped,
            ),
        ] {
            if v > 0 {
                kv(&mut rows, name.into(), v.to_string());
            }
        }
        for (reason, n) in &e.invalid_reasons {
            kv(
                &mut rows,
                format!("  unparsable: {}", sanitize(reason)),
                n.to_string(),
            );
        }

        sec(&mut rows, "Packets");
        for (i, (name, v)) in self.packets.iter().enumerate() {
            // the first rows (frames, bytes, SIP per transport) always; the rest when not 0
            if *v > 0 || i < 4 {
                kv(&mut rows, name.clone(), v.to_string());
            }
        }

        let w = rows
            .iter()
            .map(|l| match l {
                Line::Row(n, _) => n.chars().count(),
                Line::Section(_) => 0,
            })
            .max()
            .unwrap_or(0)
            + 2;
        let mut out = String::new();
        for (i, l) in rows.iter().enumerate() {
            match l {
                Line::Section(t) => {
                    if i > 0 {
                        out.push('\n');
                    }
                    let _ = writeln!(out, "{}", style.paint(Tone::Bold, t));
                }
                Line::Row(n, v) => {
                    let pad = w.saturating_sub(n.chars().count());
                    let _ = writeln!(out, "  {n}{}{v}", " ".repeat(pad));
                }
            }
        }
        out
    }
}

enum Line {
    Section(String),
    Row(String, String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn counts_methods_statuses_prack_and_transfers() {
        let calls = testdata::sample_calls();
        let s = Stats::new(
            &calls,
            Metrics::default(),
            Counters::default(),
            vec![("frames".into(), 40), ("captured bytes".into(), 9000)],
        );
        assert_eq!(s.calls, 3);
        assert_eq!(s.kinds["call"], 3);
        assert_eq!(s.states["call"]["completed"], 2);
        assert_eq!(
            s.methods["INVITE"],
            Count {
                messages: 2,
                retransmissions: 1
            }
        );
        assert_eq!(s.statuses[&200].messages, 8);
        assert_eq!(s.retransmissions, 1);
        assert_eq!(s.prack.reliable_provisionals, 2);
        assert_eq!(s.prack.acknowledged, 1);
        assert_eq!(s.prack.problems["never-pracked"], 1);
        assert_eq!(s.transfers.refers, 1);
        assert_eq!(s.transfers.outcomes["success"], 1);
        let text = s.render(&Style::default());
        for want in [
            "  INVITE",
            "2 (+1 retransmitted)",
            "  200 OK",
            "problem: never-pracked",
            "outcome: success",
            "  frames",
            "40",
        ] {
            assert!(text.contains(want), "{want}\n{text}");
        }
        let row = |name: &str| {
            text.lines()
                .find(|l| l.trim_start().starts_with(name))
                .and_then(|l| l.split_whitespace().last())
                .unwrap_or_else(|| panic!("{name}\n{text}"))
                .to_string()
        };
        assert_eq!(row("frames"), "40");
        assert_eq!(row("REFER"), "1");
        assert_eq!(row("180 Ringing"), "3");
    }
}
