//! RFC 6076 metrics over a subset of calls (when filters are given; without filters the
//! engine's own capture-wide metrics are used as they are).
//!
//! The definitions are those of `docs/call-states.md` §Metrics. One fact is not in the
//! exported records: whether a call had a deciding INVITE (a *session attempt*). It is
//! taken here as: a call of kind `call` that did not join late, or that joined late but got
//! a final response to an INVITE whose request was not captured. The engine's own rule can
//! differ for odd captures (INVITEs without a From tag, clocks that jump); the difference
//! only shows with filters.

use sipscope::flow::{Call, Kind, Metrics};

fn pct(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 * 100.0 / den as f64)
}

/// A running mean.
#[derive(Clone, Copy, Debug, Default)]
struct Mean(f64, u64);

impl Mean {
    fn add(&mut self, v: Option<f64>) {
        if let Some(v) = v {
            self.0 += v;
            self.1 += 1;
        }
    }
    fn get(self) -> Option<f64> {
        (self.1 > 0).then(|| self.0 / self.1 as f64)
    }
}

/// Whether `c` counts as a session attempt.
pub fn is_attempt(c: &Call) -> bool {
    c.kind == Kind::Call
        && (!c.flags.contains(&"joined-late")
            || c.transactions.iter().any(|t| {
                &*t.method == "INVITE" && t.final_status.is_some() && t.request_frame.is_none()
            }))
}

/// Accumulates metrics over calls as they are handed out (streaming).
#[derive(Debug, Default)]
pub struct Acc {
    m: Metrics,
    srd: Mean,
    sdd: Mean,
    duration: Mean,
    rrd: Mean,
}

impl Acc {
    /// Adds one call.
    pub fn add(&mut self, c: &Call) {
        let m = &mut self.m;
        if is_attempt(c) {
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
            self.srd.add(c.timings.srd);
            self.sdd.add(c.timings.sdd);
            self.duration.add(c.timings.duration);
        }
        if c.kind == Kind::Registration {
            if c.registration.as_ref().is_some_and(|r| r.successes > 0) {
                m.registrations += 1;
            }
            self.rrd.add(c.timings.rrd);
        }
    }

    /// The metrics so far.
    pub fn metrics(&self) -> Metrics {
        let mut m = self.m.clone();
        let den = m.session_attempts - m.redirected;
        m.ser = pct(m.answered, den);
        m.seer = pct(m.effective, den);
        m.isa = pct(m.ineffective, m.session_attempts);
        m.scr = pct(m.completed, m.session_attempts);
        m.avg_srd = self.srd.get();
        m.avg_sdd = self.sdd.get();
        m.avg_duration = self.duration.get();
        m.avg_rrd = self.rrd.get();
        m
    }
}
