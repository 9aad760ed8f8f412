//! Capture-wide RFC 6076 metrics (definitions: `docs/call-states.md` §Metrics). Calls are
//! added as they are handed out, so streaming mode needs no list of past calls; a report
//! can also add only the calls it keeps (filters) to get metrics over them.

use super::model::{Call, Kind, Metrics};

/// Accumulates [`Metrics`] over calls.
#[derive(Debug, Default)]
pub struct MetricsAccumulator {
    m: Metrics,
    srd: Mean,
    sdd: Mean,
    duration: Mean,
    rrd: Mean,
}

#[derive(Debug, Default)]
struct Mean {
    sum: f64,
    n: u64,
}

impl Mean {
    fn add(&mut self, v: Option<f64>) {
        if let Some(v) = v {
            self.sum += v;
            self.n += 1;
        }
    }
    fn get(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }
}

fn pct(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 * 100.0 / den as f64)
}

impl MetricsAccumulator {
    /// Adds one call (a call counts as a session attempt when `Call::session_attempt`).
    pub fn add(&mut self, c: &Call) {
        match c.kind {
            Kind::Call => {
                if !c.session_attempt {
                    return;
                }
                let m = &mut self.m;
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
                if c.state == super::state::call::COMPLETED {
                    m.completed += 1;
                }
                self.srd.add(c.timings.srd);
                self.sdd.add(c.timings.sdd);
                self.duration.add(c.timings.duration);
            }
            Kind::Registration => {
                if c.registration.as_ref().is_some_and(|r| r.successes > 0) {
                    self.m.registrations += 1;
                }
                self.rrd.add(c.timings.rrd);
            }
            _ => {}
        }
    }

    /// The metrics over the calls added so far.
    pub fn snapshot(&self) -> Metrics {
        let mut m = self.m.clone();
        let established_den = m.session_attempts - m.redirected;
        m.ser = pct(m.answered, established_den);
        m.seer = pct(m.effective, established_den);
        m.isa = pct(m.ineffective, m.session_attempts);
        m.scr = pct(m.completed, m.session_attempts);
        m.avg_srd = self.srd.get();
        m.avg_sdd = self.sdd.get();
        m.avg_duration = self.duration.get();
        m.avg_rrd = self.rrd.get();
        m
    }
}
