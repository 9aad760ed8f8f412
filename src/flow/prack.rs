//! Reliable provisional responses and PRACK (RFC 3262).
//!
//! A reliable provisional (101-199 with `Require: 100rel` and `RSeq`) is recorded once per
//! (INVITE CSeq, To tag, RSeq, status) on its first sighting on any leg. A PRACK is matched
//! to it through its To tag (the early dialog) and `RAck: rseq cseq method`. Every anomaly
//! of GUIDE §1 gets a problem word (table in `docs/call-states.md` §PRACK).

use super::model::Prack;
use crate::meta::Timestamp;

/// Most PRACK records per call (hostile input bound).
pub(crate) const MAX_PRACK: usize = 256;

/// Problem words.
pub(crate) mod problem {
    /// No PRACK named the provisional.
    pub const NEVER_PRACKED: &str = "never-pracked";
    /// RSeq is not previous + 1 in the early dialog.
    pub const RSEQ_GAP: &str = "rseq-gap";
    /// RSeq reused for another provisional.
    pub const RSEQ_REPEAT: &str = "rseq-repeat";
    /// A second reliable provisional while the previous one was unacknowledged.
    pub const SECOND_BEFORE_PRACK: &str = "second-reliable-before-prack";
    /// Final response while the provisional was unacknowledged.
    pub const FINAL_BEFORE_PRACK: &str = "final-before-prack";
    /// The PRACK got a non-2xx final response.
    pub const PRACK_REJECTED: &str = "prack-rejected";
    /// The PRACK got no final response.
    pub const PRACK_UNANSWERED: &str = "prack-unanswered";
    /// RAck RSeq matches no reliable provisional of the dialog.
    pub const RACK_UNKNOWN_RSEQ: &str = "rack-unknown-rseq";
    /// RAck RSeq matches, its CSeq number does not.
    pub const RACK_CSEQ_MISMATCH: &str = "rack-cseq-mismatch";
    /// RAck RSeq and CSeq match, its method is not INVITE.
    pub const RACK_METHOD_MISMATCH: &str = "rack-method-mismatch";
    /// PRACK for an INVITE that got no reliable provisional.
    pub const PRACK_WITHOUT_100REL: &str = "prack-without-100rel";
    /// The provisional was already acknowledged by another PRACK.
    pub const PRACK_DUPLICATE: &str = "prack-duplicate";
}

/// A PRACK's RAck, owned parts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RAckRef<'a> {
    /// RSeq named.
    pub rseq: u32,
    /// CSeq number named.
    pub cseq: u32,
    /// Method named.
    pub method: &'a str,
}

#[derive(Debug)]
struct Entry {
    rec: Prack,
    time: Option<Timestamp>,
    prack_time: Option<Timestamp>,
    /// A real provisional (false for an unmatched PRACK's record).
    provisional: bool,
}

/// The PRACK records of one call.
#[derive(Debug, Default)]
pub(crate) struct PrackTracker {
    entries: Vec<Entry>,
}

fn push_problem(p: &mut Vec<&'static str>, word: &'static str) {
    if !p.contains(&word) {
        p.push(word);
    }
}

impl PrackTracker {
    fn find_provisional(
        &self,
        cseq: u32,
        to_tag: Option<&str>,
        rseq: u32,
        status: u16,
    ) -> Option<usize> {
        self.entries.iter().position(|e| {
            e.provisional
                && e.rec.invite_cseq == cseq
                && e.rec.to_tag.as_deref() == to_tag
                && e.rec.rseq == rseq
                && e.rec.status == Some(status)
        })
    }

    /// First sighting (on this leg) of a reliable provisional. Copies on other legs and
    /// resends are recognised and not recorded twice.
    pub(crate) fn on_reliable(
        &mut self,
        cseq: u32,
        to_tag: Option<&str>,
        rseq: u32,
        status: u16,
        frame: u64,
        time: Timestamp,
    ) {
        if self.find_provisional(cseq, to_tag, rseq, status).is_some()
            || self.entries.len() >= MAX_PRACK
        {
            return;
        }
        let mut problems = Vec::new();
        // The previous reliable provisional of the same early dialog.
        let prev = self.entries.iter().rev().find(|e| {
            e.provisional && e.rec.invite_cseq == cseq && e.rec.to_tag.as_deref() == to_tag
        });
        if let Some(prev) = prev {
            let repeat = self.entries.iter().any(|e| {
                e.provisional
                    && e.rec.invite_cseq == cseq
                    && e.rec.to_tag.as_deref() == to_tag
                    && e.rec.rseq == rseq
            });
            if repeat {
                push_problem(&mut problems, problem::RSEQ_REPEAT);
            } else if prev.rec.rseq.checked_add(1) != Some(rseq) {
                push_problem(&mut problems, problem::RSEQ_GAP);
            }
            if prev.rec.prack_frame.is_none() {
                push_problem(&mut problems, problem::SECOND_BEFORE_PRACK);
            }
        }
        self.entries.push(Entry {
            rec: Prack {
                rseq,
                status: Some(status),
                response_frame: Some(frame),
                invite_cseq: cseq,
                to_tag: to_tag.map(Into::into),
                problems,
                ..Prack::default()
            },
            time: Some(time),
            prack_time: None,
            provisional: true,
        });
    }

    /// A retransmission of a reliable provisional (same hop).
    pub(crate) fn on_reliable_retransmission(
        &mut self,
        cseq: u32,
        to_tag: Option<&str>,
        rseq: u32,
        status: u16,
    ) {
        if let Some(i) = self.find_provisional(cseq, to_tag, rseq, status) {
            self.entries[i].rec.retransmissions += 1;
        }
    }

    /// First sighting of a PRACK. Returns the record it acknowledges or the record made for
    /// it when its RAck names nothing (`None` only when the cap is reached).
    pub(crate) fn on_prack(
        &mut self,
        prack_cseq: u32,
        to_tag: Option<&str>,
        rack: Option<RAckRef<'_>>,
        rack_text: Option<&str>,
        frame: u64,
        time: Timestamp,
    ) -> Option<u32> {
        let mut problems = Vec::new();
        if let Some(r) = rack {
            let in_dialog = |e: &&Entry| e.provisional && e.rec.to_tag.as_deref() == to_tag;
            let same_rseq: Vec<usize> = self
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| in_dialog(e) && e.rec.rseq == r.rseq)
                .map(|(i, _)| i)
                .collect();
            let exact = same_rseq.iter().copied().find(|&i| {
                let e = &self.entries[i];
                e.rec.invite_cseq == r.cseq && r.method == "INVITE"
            });
            match exact {
                Some(i) if self.entries[i].rec.prack_frame.is_none() => {
                    let e = &mut self.entries[i];
                    e.rec.prack_frame = Some(frame);
                    e.rec.prack_cseq = Some(prack_cseq);
                    e.rec.rack = rack_text.map(Into::into);
                    e.rec.prack_delay = e.time.map(|t| time.secs_since(t));
                    e.prack_time = Some(time);
                    return Some(i as u32);
                }
                Some(_) => push_problem(&mut problems, problem::PRACK_DUPLICATE),
                None => {
                    if let Some(&i) = same_rseq.first() {
                        if self.entries[i].rec.invite_cseq != r.cseq {
                            push_problem(&mut problems, problem::RACK_CSEQ_MISMATCH);
                        } else {
                            push_problem(&mut problems, problem::RACK_METHOD_MISMATCH);
                        }
                    } else {
                        let any_reliable = self.entries.iter().any(|e| {
                            e.provisional
                                && (e.rec.to_tag.as_deref() == to_tag
                                    || e.rec.invite_cseq == r.cseq)
                        });
                        push_problem(
                            &mut problems,
                            if any_reliable {
                                problem::RACK_UNKNOWN_RSEQ
                            } else {
                                problem::PRACK_WITHOUT_100REL
                            },
                        );
                    }
                }
            }
        } else {
            // No (readable) RAck: it names nothing.
            let any_reliable = self.entries.iter().any(|e| e.provisional);
            push_problem(
                &mut problems,
                if any_reliable {
                    problem::RACK_UNKNOWN_RSEQ
                } else {
                    problem::PRACK_WITHOUT_100REL
                },
            );
        }
        if self.entries.len() >= MAX_PRACK {
            return None;
        }
        self.entries.push(Entry {
            rec: Prack {
                rseq: rack.map_or(0, |r| r.rseq),
                invite_cseq: rack.map_or(0, |r| r.cseq),
                to_tag: to_tag.map(Into::into),
                prack_frame: Some(frame),
                prack_cseq: Some(prack_cseq),
                rack: rack_text.map(Into::into),
                problems,
                ..Prack::default()
            },
            time: None,
            prack_time: Some(time),
            provisional: false,
        });
        Some(self.entries.len() as u32 - 1)
    }

    /// First final response to the PRACK of record `idx`.
    pub(crate) fn on_prack_response(&mut self, idx: u32, status: u16, frame: u64, time: Timestamp) {
        let Some(e) = self.entries.get_mut(idx as usize) else {
            return;
        };
        if status < 200 || e.rec.prack_status.is_some() {
            return;
        }
        e.rec.prack_status = Some(status);
        e.rec.prack_response_frame = Some(frame);
        e.rec.prack_response_delay = e.prack_time.map(|t| time.secs_since(t));
    }

    /// A final response of the INVITE `cseq` with To tag `to_tag`: every reliable
    /// provisional of that early dialog still waiting for its PRACK is flagged.
    pub(crate) fn on_invite_final(&mut self, cseq: u32, to_tag: Option<&str>) {
        for e in self.entries.iter_mut() {
            if e.provisional
                && e.rec.invite_cseq == cseq
                && e.rec.to_tag.as_deref() == to_tag
                && e.rec.prack_frame.is_none()
            {
                push_problem(&mut e.rec.problems, problem::FINAL_BEFORE_PRACK);
            }
        }
    }

    /// True if the INVITE `cseq` got any reliable provisional.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The records, with the end-of-capture problems added.
    pub(crate) fn finish(self) -> Vec<Prack> {
        self.entries
            .into_iter()
            .map(|mut e| {
                if e.provisional {
                    match (e.rec.prack_frame, e.rec.prack_status) {
                        (None, _) => push_problem(&mut e.rec.problems, problem::NEVER_PRACKED),
                        (Some(_), None) => {
                            push_problem(&mut e.rec.problems, problem::PRACK_UNANSWERED)
                        }
                        (Some(_), Some(s)) if s >= 300 => {
                            push_problem(&mut e.rec.problems, problem::PRACK_REJECTED)
                        }
                        _ => {}
                    }
                    e.rec.acknowledged =
                        e.rec.prack_frame.is_some() && e.rec.prack_status.is_none_or(|s| s < 300);
                }
                e.rec
            })
            .collect()
    }

    /// True if some record has a problem (before `finish`, end-of-capture ones included).
    pub(crate) fn any_problem(&self) -> bool {
        self.entries.iter().any(|e| {
            !e.rec.problems.is_empty()
                || (e.provisional
                    && (e.rec.prack_frame.is_none() || e.rec.prack_status.is_none_or(|s| s >= 300)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::problem::*;
    use super::*;

    fn t(ms: i64) -> Timestamp {
        Timestamp(ms * 1_000_000)
    }

    fn rack(rseq: u32, cseq: u32) -> Option<RAckRef<'static>> {
        Some(RAckRef {
            rseq,
            cseq,
            method: "INVITE",
        })
    }

    #[test]
    fn provisional_acknowledged_and_answered() {
        let mut p = PrackTracker::default();
        p.on_reliable(1, Some("b"), 7001, 183, 3, t(100));
        let i = p
            .on_prack(
                2,
                Some("b"),
                rack(7001, 1),
                Some("7001 1 INVITE"),
                4,
                t(150),
            )
            .unwrap();
        p.on_prack_response(i, 200, 5, t(160));
        let r = p.finish();
        assert_eq!(r.len(), 1);
        let e = &r[0];
        assert_eq!(
            (
                e.rseq,
                e.status,
                e.response_frame,
                e.prack_frame,
                e.prack_status
            ),
            (7001, Some(183), Some(3), Some(4), Some(200))
        );
        assert!(e.acknowledged);
        assert!(e.problems.is_empty(), "{:?}", e.problems);
        assert!((e.prack_delay.unwrap() - 0.050).abs() < 1e-9);
        assert!((e.prack_response_delay.unwrap() - 0.010).abs() < 1e-9);
    }

    #[test]
    fn never_pracked_and_final_before_prack() {
        let mut p = PrackTracker::default();
        p.on_reliable(1, Some("b"), 1, 180, 3, t(0));
        p.on_invite_final(1, Some("b"));
        let r = p.finish();
        assert_eq!(r[0].problems, vec![FINAL_BEFORE_PRACK, NEVER_PRACKED]);
        assert!(!r[0].acknowledged);
    }

    #[test]
    fn final_of_another_fork_is_not_a_problem() {
        let mut p = PrackTracker::default();
        p.on_reliable(1, Some("b1"), 1, 180, 3, t(0));
        p.on_invite_final(1, Some("b2"));
        assert_eq!(p.finish()[0].problems, vec![NEVER_PRACKED]);
    }

    #[test]
    fn rseq_gap_repeat_and_second_before_prack() {
        let mut p = PrackTracker::default();
        p.on_reliable(1, Some("b"), 10, 180, 3, t(0));
        p.on_reliable(1, Some("b"), 12, 183, 4, t(10)); // gap, and 10 not yet PRACKed
        let i = p
            .on_prack(2, Some("b"), rack(12, 1), None, 5, t(20))
            .unwrap();
        p.on_prack_response(i, 200, 6, t(21));
        p.on_reliable(1, Some("b"), 12, 181, 7, t(30)); // same RSeq, other status
        let r = p.finish();
        assert_eq!(r[1].problems, vec![RSEQ_GAP, SECOND_BEFORE_PRACK]);
        assert_eq!(r[2].problems, vec![RSEQ_REPEAT, NEVER_PRACKED]);
        assert!(!r[2].problems.contains(&SECOND_BEFORE_PRACK));
    }

    #[test]
    fn first_rseq_of_each_fork_may_be_anything() {
        let mut p = PrackTracker::default();
        p.on_reliable(1, Some("b1"), 1, 183, 3, t(0));
        p.on_reliable(1, Some("b2"), 2, 183, 4, t(0));
        let r = p.finish();
        assert_eq!(r[1].problems, vec![NEVER_PRACKED]);
    }

    #[test]
    fn copies_and_retransmissions_are_not_new_records() {
        let mut p = PrackTracker::default();
        p.on_reliable(1, Some("b"), 5, 183, 3, t(0));
        p.on_reliable(1, Some("b"), 5, 183, 4, t(1)); // same provisional on another leg
        p.on_reliable_retransmission(1, Some("b"), 5, 183);
        assert_eq!(p.len(), 1);
        assert_eq!(p.finish()[0].retransmissions, 1);
    }

    #[test]
    fn unmatched_pracks_get_their_own_record() {
        let mut p = PrackTracker::default();
        p.on_reliable(1, Some("b"), 5, 183, 3, t(0));
        // wrong RSeq
        let a = p
            .on_prack(2, Some("b"), rack(6, 1), Some("6 1 INVITE"), 4, t(1))
            .unwrap();
        // right RSeq, wrong CSeq
        let b = p
            .on_prack(3, Some("b"), rack(5, 2), Some("5 2 INVITE"), 5, t(2))
            .unwrap();
        // right RSeq and CSeq, wrong method
        let c = p
            .on_prack(
                4,
                Some("b"),
                Some(RAckRef {
                    rseq: 5,
                    cseq: 1,
                    method: "UPDATE",
                }),
                None,
                6,
                t(3),
            )
            .unwrap();
        p.on_prack_response(a, 481, 7, t(4));
        let r = p.finish();
        assert_eq!(r[a as usize].problems, vec![RACK_UNKNOWN_RSEQ]);
        assert_eq!(r[a as usize].status, None);
        assert_eq!(r[a as usize].response_frame, None);
        assert_eq!(r[a as usize].prack_status, Some(481));
        assert_eq!(r[b as usize].problems, vec![RACK_CSEQ_MISMATCH]);
        assert_eq!(r[c as usize].problems, vec![RACK_METHOD_MISMATCH]);
        assert_eq!(r[0].problems, vec![NEVER_PRACKED]);
    }

    #[test]
    fn prack_without_100rel_and_duplicate() {
        let mut p = PrackTracker::default();
        let a = p.on_prack(2, Some("b"), rack(1, 1), None, 4, t(1)).unwrap();
        assert_eq!(p.finish()[a as usize].problems, vec![PRACK_WITHOUT_100REL]);

        let mut p = PrackTracker::default();
        p.on_reliable(1, Some("b"), 5, 183, 3, t(0));
        let first = p.on_prack(2, Some("b"), rack(5, 1), None, 4, t(1)).unwrap();
        p.on_prack_response(first, 200, 5, t(2));
        let dup = p.on_prack(3, Some("b"), rack(5, 1), None, 6, t(3)).unwrap();
        let r = p.finish();
        assert!(r[0].acknowledged);
        assert_eq!(r[dup as usize].problems, vec![PRACK_DUPLICATE]);
    }

    #[test]
    fn rejected_and_unanswered_pracks() {
        let mut p = PrackTracker::default();
        p.on_reliable(1, Some("b"), 5, 183, 3, t(0));
        p.on_reliable(1, Some("c"), 9, 180, 4, t(0));
        let i = p.on_prack(2, Some("b"), rack(5, 1), None, 5, t(1)).unwrap();
        p.on_prack_response(i, 481, 6, t(2));
        p.on_prack(3, Some("c"), rack(9, 1), None, 7, t(3));
        let r = p.finish();
        assert_eq!(r[0].problems, vec![PRACK_REJECTED]);
        assert!(!r[0].acknowledged);
        assert_eq!(r[1].problems, vec![PRACK_UNANSWERED]);
        assert!(r[1].acknowledged);
    }
}
