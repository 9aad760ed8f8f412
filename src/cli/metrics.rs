//! RFC 6076 metrics over a subset of calls (when filters are given; without filters the
//! engine's own capture-wide metrics are used as they are).
//!
//! The definitions are those of `docs/call-states.md` §Metrics. One fact is not in the
//! exported records: whether a call had a deciding INVITE (a *session attempt*). It is
//! taken here as: a call of kind `call` that did not join late, or that joined late but got
//! a final response to an INVITE. This differs from the engine only for calls whose first
//! captured message is a response to an INVITE whose dialog was already confirmed.

use sipscope::flow::{Call, Kind, Metrics};

fn pct(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 * 100.0 / den as f64)
}

fn mean(v: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let (sum, n) = v.flatten().fold((0.0, 0u64), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// Whether `c` counts as a session attempt.
pub fn is_attempt(c: &Call) -> bool {
    c.kind == Kind::Call
        && (!c.flags.contains(&"joined-late")
            || c.transactions.iter().any(|t| {
                &*t.method == "INVITE" && t.final_status.is_some() && t.request_frame.is_none()
            }))
}

/// The metrics over `calls`.
pub fn over<'a>(calls: impl Iterator<Item = &'a Call> + Clone) -> Metrics {
    let mut m = Metrics::default();
    let attempts = calls.clone().filter(|c| is_attempt(c));
    for c in attempts.clone() {
        m.session_attempts += 1;
        match c.final_status {
            Some(200..=299) => {
                m.answered += 1;
                m.effective += 1;
            }
            Some(300..=399) => m.redirected += 1,
            Some(480 | 486 | 600 | 603) => m.effective += 1,
            Some(408 | 500 | 503 | 504) => m.ineffective += 1,
            None if c.flags.contains(&"no-final-response") => m.ineffective += 1,
            _ => {}
        }
        if c.state == "completed" {
            m.completed += 1;
        }
    }
    let den = m.session_attempts - m.redirected;
    m.ser = pct(m.answered, den);
    m.seer = pct(m.effective, den);
    m.isa = pct(m.ineffective, m.session_attempts);
    m.scr = pct(m.completed, m.session_attempts);
    m.avg_srd = mean(attempts.clone().map(|c| c.timings.srd));
    m.avg_sdd = mean(attempts.clone().map(|c| c.timings.sdd));
    m.avg_duration = mean(attempts.map(|c| c.timings.duration));
    let regs = calls.filter(|c| c.kind == Kind::Registration);
    m.registrations = regs
        .clone()
        .filter(|c| c.registration.as_ref().is_some_and(|r| r.successes > 0))
        .count() as u64;
    m.avg_rrd = mean(regs.map(|c| c.timings.rrd));
    m
}
