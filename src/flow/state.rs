//! State words (rules: `docs/call-states.md`). Pure functions over the facts the call
//! builder gathered, so that each rule and each transition is tested on its own.

use crate::meta::Timestamp;

/// Timer B of RFC 3261 (64·T1): an INVITE client transaction without any response gives up.
pub(crate) const TIMER_B_SECS: f64 = 32.0;
/// Timer F (64·T1): a non-INVITE client transaction gives up.
pub(crate) const TIMER_F_SECS: f64 = 32.0;
/// Timer C of RFC 3261 §16.6 (> 3 min): a proxy gives up on a ringing INVITE.
pub(crate) const TIMER_C_SECS: f64 = 180.0;

/// State words of `kind: call`.
pub(crate) mod call {
    /// Nothing beyond 100 Trying yet.
    pub const CALLING: &str = "calling";
    /// A provisional 101-199, no final.
    pub const RINGING: &str = "ringing";
    /// A 2xx, not hung up.
    pub const ANSWERED: &str = "answered";
    /// Answered, then BYE.
    pub const COMPLETED: &str = "completed";
    /// 487.
    pub const CANCELLED: &str = "cancelled";
    /// 486, 600.
    pub const BUSY: &str = "busy";
    /// 3xx.
    pub const REDIRECTED: &str = "redirected";
    /// Other 4xx, 603, 604, 606.
    pub const REJECTED: &str = "rejected";
    /// 408, 5xx, other 6xx, or no final response.
    pub const FAILED: &str = "failed";
}

/// What decides the state of a call with a deciding INVITE.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct InviteFacts {
    /// F: the first 2xx, else the first final status.
    pub final_status: Option<u16>,
    /// A 101-199 was seen on the deciding INVITE.
    pub provisional: bool,
    /// Last transmission of the deciding INVITE (Timer B).
    pub last_request: Option<Timestamp>,
    /// Last provisional (Timer C).
    pub last_provisional: Option<Timestamp>,
    /// A BYE was seen in the call.
    pub bye: bool,
    /// No F, but the call shows it was answered: an ACK transaction of its own with the
    /// deciding INVITE's CSeq (an ACK to a 2xx), or a BYE.
    pub answered_evidence: bool,
}

/// The result of a state rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// State word.
    pub state: &'static str,
    /// `failed` because a timer ran out (flag `no-final-response`).
    pub timed_out: bool,
    /// answered/completed deduced without the 2xx in the capture (flag `answer-not-captured`).
    pub answer_not_captured: bool,
}

impl Verdict {
    fn of(state: &'static str) -> Self {
        Verdict {
            state,
            timed_out: false,
            answer_not_captured: false,
        }
    }
}

/// The word of a final status of a call's deciding INVITE.
pub(crate) fn call_final_word(status: u16) -> &'static str {
    match status {
        200..=299 => call::ANSWERED,
        300..=399 => call::REDIRECTED,
        486 | 600 => call::BUSY,
        487 => call::CANCELLED,
        408 => call::FAILED,
        400..=499 | 603 | 604 | 606 => call::REJECTED,
        _ => call::FAILED,
    }
}

fn elapsed(now: Timestamp, since: Option<Timestamp>) -> f64 {
    since.map_or(0.0, |t| now.secs_since(t))
}

/// State of a call that has a deciding INVITE.
pub(crate) fn call_state(f: &InviteFacts, now: Timestamp) -> Verdict {
    match f.final_status {
        Some(s) if (200..300).contains(&s) => Verdict::of(if f.bye {
            call::COMPLETED
        } else {
            call::ANSWERED
        }),
        Some(s) => Verdict::of(call_final_word(s)),
        None if f.answered_evidence => Verdict {
            state: if f.bye {
                call::COMPLETED
            } else {
                call::ANSWERED
            },
            timed_out: false,
            answer_not_captured: true,
        },
        None if f.provisional => {
            if elapsed(now, f.last_provisional) >= TIMER_C_SECS {
                Verdict {
                    state: call::FAILED,
                    timed_out: true,
                    answer_not_captured: false,
                }
            } else {
                Verdict::of(call::RINGING)
            }
        }
        None => {
            if elapsed(now, f.last_request) >= TIMER_B_SECS {
                Verdict {
                    state: call::FAILED,
                    timed_out: true,
                    answer_not_captured: false,
                }
            } else {
                Verdict::of(call::CALLING)
            }
        }
    }
}

/// What a call joined late (no deciding INVITE) shows.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct LateFacts {
    /// A BYE.
    pub bye: bool,
    /// An ACK or an in-dialog request of a confirmed dialog.
    pub confirmed: bool,
    /// A PRACK, or an UPDATE in an early dialog.
    pub early: bool,
}

/// State of a call joined late.
pub(crate) fn joined_late_state(l: &LateFacts) -> &'static str {
    if l.bye {
        call::COMPLETED
    } else if l.confirmed {
        call::ANSWERED
    } else if l.early {
        call::RINGING
    } else {
        call::CALLING
    }
}

/// State of a registration from its deciding REGISTER: final status, unregister, last
/// transmission.
pub(crate) fn registration_state(
    status: Option<u16>,
    unregister: bool,
    last: Timestamp,
    now: Timestamp,
) -> Verdict {
    let w = match status {
        None if now.secs_since(last) >= TIMER_F_SECS => {
            return Verdict {
                state: "failed",
                timed_out: true,
                answer_not_captured: false,
            };
        }
        None => "registering",
        Some(200..=299) if unregister => "unregistered",
        Some(200..=299) => "registered",
        Some(401 | 407) => "challenged",
        Some(300..=399) => "redirected",
        Some(408) => "failed",
        Some(400..=499 | 600..=699) => "rejected",
        Some(_) => "failed",
    };
    Verdict::of(w)
}

/// State of options, message and other kinds from the last request expecting a response
/// (None: only requests that expect none were seen).
pub(crate) fn request_state(last: Option<(Option<u16>, Timestamp)>, now: Timestamp) -> Verdict {
    let Some((status, sent)) = last else {
        return Verdict::of("sent");
    };
    let w = match status {
        None if now.secs_since(sent) >= TIMER_F_SECS => {
            return Verdict {
                state: "failed",
                timed_out: true,
                answer_not_captured: false,
            };
        }
        None => "pending",
        Some(200..=299) => "succeeded",
        Some(300..=399) => "redirected",
        Some(408) => "failed",
        Some(400..=499 | 600..=699) => "rejected",
        Some(_) => "failed",
    };
    Verdict::of(w)
}

/// Terminal call states (a finished call can be handed out in streaming mode).
pub(crate) fn is_terminal_call_state(s: &str) -> bool {
    matches!(
        s,
        call::COMPLETED
            | call::CANCELLED
            | call::BUSY
            | call::REDIRECTED
            | call::REJECTED
            | call::FAILED
    )
}

#[cfg(test)]
mod tests {
    use super::call::*;
    use super::*;

    fn t(s: f64) -> Timestamp {
        Timestamp((s * 1e9) as i64)
    }

    fn facts(final_status: Option<u16>) -> InviteFacts {
        InviteFacts {
            final_status,
            last_request: Some(t(0.0)),
            ..Default::default()
        }
    }

    #[test]
    fn calling_until_timer_b_then_failed() {
        let f = facts(None);
        assert_eq!(call_state(&f, t(31.9)).state, CALLING);
        let v = call_state(&f, t(32.0));
        assert_eq!((v.state, v.timed_out), (FAILED, true));
    }

    #[test]
    fn ringing_until_timer_c_then_failed() {
        let f = InviteFacts {
            provisional: true,
            last_provisional: Some(t(1.0)),
            ..facts(None)
        };
        assert_eq!(call_state(&f, t(100.0)).state, RINGING);
        let v = call_state(&f, t(181.0));
        assert_eq!((v.state, v.timed_out), (FAILED, true));
    }

    #[test]
    fn answered_then_completed() {
        assert_eq!(call_state(&facts(Some(200)), t(1.0)).state, ANSWERED);
        let f = InviteFacts {
            bye: true,
            ..facts(Some(200))
        };
        assert_eq!(call_state(&f, t(1.0)).state, COMPLETED);
        // 202 is a 2xx as well
        assert_eq!(call_state(&facts(Some(202)), t(1.0)).state, ANSWERED);
    }

    #[test]
    fn each_final_status_word() {
        let cases = [
            (487, CANCELLED),
            (486, BUSY),
            (600, BUSY),
            (300, REDIRECTED),
            (302, REDIRECTED),
            (404, REJECTED),
            (401, REJECTED),
            (407, REJECTED),
            (480, REJECTED),
            (488, REJECTED),
            (603, REJECTED),
            (604, REJECTED),
            (606, REJECTED),
            (408, FAILED),
            (500, FAILED),
            (503, FAILED),
            (504, FAILED),
            (607, FAILED),
        ];
        for (s, w) in cases {
            let v = call_state(&facts(Some(s)), t(0.0));
            assert_eq!(v.state, w, "status {s}");
            assert!(!v.timed_out);
        }
    }

    #[test]
    fn answer_deduced_when_the_2xx_was_not_captured() {
        let f = InviteFacts {
            answered_evidence: true,
            ..facts(None)
        };
        let v = call_state(&f, t(100.0));
        assert_eq!((v.state, v.answer_not_captured), (ANSWERED, true));
        let f = InviteFacts {
            answered_evidence: true,
            bye: true,
            ..facts(None)
        };
        assert_eq!(call_state(&f, t(100.0)).state, COMPLETED);
    }

    #[test]
    fn a_bye_after_a_failure_does_not_complete_the_call() {
        let f = InviteFacts {
            bye: true,
            ..facts(Some(486))
        };
        assert_eq!(call_state(&f, t(1.0)).state, BUSY);
    }

    #[test]
    fn joined_late_states() {
        assert_eq!(
            joined_late_state(&LateFacts {
                bye: true,
                ..Default::default()
            }),
            COMPLETED
        );
        assert_eq!(
            joined_late_state(&LateFacts {
                confirmed: true,
                ..Default::default()
            }),
            ANSWERED
        );
        assert_eq!(
            joined_late_state(&LateFacts {
                early: true,
                ..Default::default()
            }),
            RINGING
        );
        assert_eq!(joined_late_state(&LateFacts::default()), CALLING);
    }

    #[test]
    fn registration_words() {
        let z = t(0.0);
        assert_eq!(
            registration_state(None, false, z, t(1.0)).state,
            "registering"
        );
        assert_eq!(registration_state(None, false, z, t(32.0)).state, "failed");
        assert!(registration_state(None, false, z, t(32.0)).timed_out);
        assert_eq!(
            registration_state(Some(200), false, z, z).state,
            "registered"
        );
        assert_eq!(
            registration_state(Some(200), true, z, z).state,
            "unregistered"
        );
        assert_eq!(
            registration_state(Some(401), false, z, z).state,
            "challenged"
        );
        assert_eq!(
            registration_state(Some(407), false, z, z).state,
            "challenged"
        );
        assert_eq!(
            registration_state(Some(302), false, z, z).state,
            "redirected"
        );
        assert_eq!(registration_state(Some(403), false, z, z).state, "rejected");
        assert_eq!(registration_state(Some(423), false, z, z).state, "rejected");
        assert_eq!(registration_state(Some(603), false, z, z).state, "rejected");
        assert_eq!(registration_state(Some(408), false, z, z).state, "failed");
        assert_eq!(registration_state(Some(503), false, z, z).state, "failed");
    }

    #[test]
    fn request_words() {
        let z = t(0.0);
        assert_eq!(request_state(None, z).state, "sent");
        assert_eq!(request_state(Some((None, z)), t(31.0)).state, "pending");
        assert_eq!(request_state(Some((None, z)), t(33.0)).state, "failed");
        assert_eq!(request_state(Some((Some(200), z)), z).state, "succeeded");
        assert_eq!(request_state(Some((Some(301), z)), z).state, "redirected");
        assert_eq!(request_state(Some((Some(404), z)), z).state, "rejected");
        assert_eq!(request_state(Some((Some(489), z)), z).state, "rejected");
        assert_eq!(request_state(Some((Some(408), z)), z).state, "failed");
        assert_eq!(request_state(Some((Some(500), z)), z).state, "failed");
    }
}
