//! REGISTER (RFC 3261 §10): bindings, expiry, authentication rounds, result and the
//! registration request delay (RFC 6076 §4.1).

use super::model::Registration;
use crate::meta::Timestamp;

/// Recent REGISTER attempts remembered to match their responses (a Call-ID refreshed for
/// hours keeps only the last few).
const RECENT: usize = 8;
/// Contacts kept.
const MAX_CONTACTS: usize = 32;

#[derive(Clone, Debug)]
struct Attempt {
    cseq: u32,
    via_count: u32,
    time: Timestamp,
    last_time: Timestamp,
    unregister: bool,
    final_status: Option<u16>,
}

/// What a REGISTER request says.
pub(crate) struct RegisterInfo {
    /// CSeq number.
    pub cseq: u32,
    /// Via count (the registering UA's own hop has the fewest).
    pub via_count: u32,
    /// Expiry asked for (Expires header, else the first Contact's `expires`).
    pub expires: Option<u32>,
    /// `Contact: *`, `Expires: 0` or every Contact with `expires=0`.
    pub unregister: bool,
    /// Contact URIs.
    pub contacts: Vec<Box<str>>,
    /// To URI.
    pub aor: Option<Box<str>>,
}

/// What a final response to REGISTER says.
pub(crate) struct RegisterResponse {
    /// Status.
    pub status: u16,
    /// Contact URIs (a 2xx lists every binding).
    pub contacts: Vec<Box<str>>,
    /// Expiry granted: first Contact `expires`, else Expires header.
    pub expires: Option<u32>,
}

/// REGISTER state of one Call-ID.
#[derive(Debug, Default)]
pub(crate) struct RegistrationTracker {
    rec: Registration,
    recent: Vec<Attempt>,
    /// First REGISTER of the round in progress (reset by each 2xx).
    round_start: Option<Timestamp>,
    /// RRD of the first successful round.
    rrd: Option<f64>,
    /// Final response of the latest REGISTER (to tell a prompt auth retry from a new try).
    last_final: Option<Timestamp>,

    /// The attempt that decides the state (highest CSeq, fewest Vias, latest).
    deciding: Option<Attempt>,
}

fn better(a: &Attempt, b: &Attempt) -> bool {
    (a.cseq, std::cmp::Reverse(a.via_count), a.time)
        >= (b.cseq, std::cmp::Reverse(b.via_count), b.time)
}

impl RegistrationTracker {
    /// First sighting of a REGISTER (any leg).
    pub(crate) fn on_register(&mut self, r: RegisterInfo, time: Timestamp) {
        self.rec.attempts += 1;
        if self.rec.aor.is_none() {
            self.rec.aor = r.aor;
        }
        self.rec.requested_expires = r.expires;
        if !r.contacts.is_empty() && self.rec.successes == 0 {
            // the request's bindings stand until a 2xx lists the registrar's
            self.rec.contacts = r.contacts;
            self.rec.contacts.truncate(MAX_CONTACTS);
        }
        // A REGISTER more than 64·T1 after the previous final response is a new try, not
        // the retry of an authentication round.
        if self
            .last_final
            .is_some_and(|f| time.secs_since(f) > super::state::TIMER_F_SECS)
        {
            self.round_start = None;
        }
        self.round_start.get_or_insert(time);
        let a = Attempt {
            cseq: r.cseq,
            via_count: r.via_count,
            time,
            last_time: time,
            unregister: r.unregister,
            final_status: None,
        };
        if self.recent.len() == RECENT {
            self.recent.remove(0);
        }
        self.recent.push(a.clone());
        if self.deciding.as_ref().is_none_or(|d| better(&a, d)) {
            self.deciding = Some(a);
        }
    }

    /// Another sighting (resend or copy) of REGISTER `cseq`: Timer F restarts.
    pub(crate) fn on_register_again(&mut self, cseq: u32, time: Timestamp) {
        if let Some(d) = self.deciding.as_mut().filter(|d| d.cseq == cseq) {
            d.last_time = time;
        }
    }

    /// First final response to REGISTER `cseq`.
    pub(crate) fn on_response(
        &mut self,
        cseq: u32,
        resp: RegisterResponse,
        frame: u64,
        time: Timestamp,
    ) {
        let Some(a) = self.recent.iter_mut().rev().find(|a| a.cseq == cseq) else {
            return;
        };
        if a.final_status.is_some() {
            return;
        }
        a.final_status = Some(resp.status);
        self.last_final = Some(time);
        if let Some(d) = self.deciding.as_mut().filter(|d| d.cseq == cseq) {
            d.final_status = Some(resp.status);
        }
        let s = resp.status;
        if s == 401 || s == 407 {
            self.rec.auth_challenges += 1;
        }
        if (200..300).contains(&s) {
            self.rec.successes += 1;
            self.rec.registered_frame.get_or_insert(frame);
            if let Some(start) = self.round_start.take() {
                self.rrd.get_or_insert(time.secs_since(start));
            }
            if !resp.contacts.is_empty() {
                self.rec.contacts = resp.contacts;
                self.rec.contacts.truncate(MAX_CONTACTS);
            }
            self.rec.expires = resp.expires.or(self.rec.requested_expires);
        } else if s != 401 && s != 407 {
            // A failure ends the round; a later REGISTER starts a new one.
            self.round_start = None;
        }
    }

    /// The deciding attempt: (final status, unregister, last transmission).
    pub(crate) fn deciding(&self) -> Option<(Option<u16>, bool, Timestamp)> {
        self.deciding
            .as_ref()
            .map(|d| (d.final_status, d.unregister, d.last_time))
    }

    /// The record and the RRD.
    pub(crate) fn finish(mut self) -> (Registration, Option<f64>) {
        self.rec.result = self.deciding.as_ref().and_then(|d| d.final_status);
        (self.rec, self.rrd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(cseq: u32, expires: Option<u32>) -> RegisterInfo {
        RegisterInfo {
            cseq,
            via_count: 1,
            expires,
            unregister: expires == Some(0),
            contacts: vec!["sip:alice@10.0.0.1:5060".into()],
            aor: Some("sip:alice@example.com".into()),
        }
    }

    fn resp(status: u16, expires: Option<u32>) -> RegisterResponse {
        RegisterResponse {
            status,
            contacts: vec![],
            expires,
        }
    }

    fn t(ms: i64) -> Timestamp {
        Timestamp(ms * 1_000_000)
    }

    #[test]
    fn challenge_then_success_measures_rrd_from_the_first_register() {
        let mut r = RegistrationTracker::default();
        r.on_register(reg(1, Some(3600)), t(0));
        r.on_response(1, resp(401, None), 2, t(10));
        r.on_register(reg(2, Some(3600)), t(50));
        r.on_response(2, resp(200, Some(1800)), 4, t(80));
        assert_eq!(r.deciding(), Some((Some(200), false, t(50))));
        let (rec, rrd) = r.finish();
        assert_eq!(rec.attempts, 2);
        assert_eq!(rec.auth_challenges, 1);
        assert_eq!(rec.successes, 1);
        assert_eq!(rec.result, Some(200));
        assert_eq!(rec.expires, Some(1800));
        assert_eq!(rec.requested_expires, Some(3600));
        assert_eq!(rec.registered_frame, Some(4));
        assert!((rrd.unwrap() - 0.080).abs() < 1e-9);
    }

    #[test]
    fn a_late_retry_starts_a_new_round() {
        let mut r = RegistrationTracker::default();
        r.on_register(reg(1, Some(60)), t(0));
        r.on_response(1, resp(401, None), 2, t(10));
        r.on_register(reg(2, Some(60)), t(150_000)); // 150 s later: a new try
        r.on_response(2, resp(401, None), 4, t(150_010));
        r.on_register(reg(3, Some(60)), t(167_000)); // 17 s after the challenge: same round
        r.on_response(3, resp(200, Some(60)), 6, t(167_020));
        let (_, rrd) = r.finish();
        assert!((rrd.unwrap() - 17.020).abs() < 1e-9);
    }

    #[test]
    fn unregister_and_unanswered() {
        let mut r = RegistrationTracker::default();
        r.on_register(reg(7, Some(0)), t(0));
        assert_eq!(r.deciding(), Some((None, true, t(0))));
        r.on_register_again(7, t(500));
        assert_eq!(r.deciding(), Some((None, true, t(500))));
        r.on_response(7, resp(200, None), 3, t(600));
        assert_eq!(r.deciding(), Some((Some(200), true, t(500))));
    }

    #[test]
    fn old_attempts_are_forgotten_but_counted() {
        let mut r = RegistrationTracker::default();
        for i in 0..100 {
            r.on_register(reg(i, Some(60)), t(i as i64 * 1000));
            r.on_response(i, resp(200, Some(60)), i as u64, t(i as i64 * 1000 + 5));
        }
        let (rec, rrd) = r.finish();
        assert_eq!(rec.attempts, 100);
        assert_eq!(rec.successes, 100);
        assert!((rrd.unwrap() - 0.005).abs() < 1e-9);
    }
}
