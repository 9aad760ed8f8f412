//! Transfers: REFER (RFC 3515) followed through its response, its implicit subscription
//! (`Event: refer`, `refer;id=N`) and the NOTIFY sipfrag reports to an outcome; Refer-Sub
//! (RFC 4488); attended transfers (Replaces in the Refer-To, RFC 3891).

use super::model::{LinkMatch, Replaces, Side, Transfer, TransferNotify, TransferOutcome};
use crate::meta::Timestamp;

/// Most transfers per call, and NOTIFYs per transfer (hostile input bounds).
pub(crate) const MAX_TRANSFERS: usize = 64;
const MAX_NOTIFIES: usize = 256;

/// What the engine needs to link the INVITE a REFER triggers (see `engine.rs`).
#[derive(Clone, Debug, Default)]
pub(crate) struct LinkKeys {
    /// `user@host` of the Refer-To URI.
    pub refer_to: Option<String>,
    /// `user@host` of the Referred-By URI (or of the REFER's From, RFC 3892 §3).
    pub referred_by: Option<String>,
    /// Call-ID named by the Refer-To's Replaces.
    pub replaces_call_id: Option<String>,
}

#[derive(Debug)]
struct State {
    rec: Transfer,
    from_tag: Option<Box<str>>,
    terminated: bool,
    refer_time: Timestamp,
    keys: LinkKeys,
}

/// The transfers of one call.
#[derive(Debug, Default)]
pub(crate) struct TransferTracker {
    list: Vec<State>,
}

/// What a REFER says, borrowed from the message.
pub(crate) struct ReferInfo<'a> {
    /// CSeq number.
    pub cseq: u32,
    /// From tag.
    pub from_tag: Option<&'a str>,
    /// To tag (in dialog when present).
    pub to_tag: Option<&'a str>,
    /// Which side sent it, for in-dialog REFERs of calls.
    pub referrer: Option<Side>,
    /// Refer-To URI, headers stripped.
    pub refer_to: &'a str,
    /// Referred-By URI.
    pub referred_by: Option<&'a str>,
    /// Decoded Replaces of the Refer-To.
    pub replaces: Option<Replaces>,
    /// Refer-Sub header.
    pub refer_sub: Option<bool>,
    /// Link keys.
    pub keys: LinkKeys,
}

impl TransferTracker {
    /// First sighting of a REFER. Returns its index.
    pub(crate) fn on_refer(
        &mut self,
        r: ReferInfo<'_>,
        frame: u64,
        time: Timestamp,
    ) -> Option<u32> {
        if self.list.len() >= MAX_TRANSFERS {
            return None;
        }
        self.list.push(State {
            rec: Transfer {
                refer_frame: frame,
                refer_cseq: r.cseq,
                in_dialog: r.to_tag.is_some(),
                referrer: r.referrer,
                refer_to: r.refer_to.into(),
                referred_by: r.referred_by.map(Into::into),
                attended: r.replaces.is_some(),
                replaces: r.replaces,
                refer_status: None,
                refer_status_frame: None,
                refer_sub: r.refer_sub,
                notifies: Vec::new(),
                progress: Vec::new(),
                outcome: TransferOutcome::Pending,
                final_status: None,
                target_call_id: None,
                target_match: None,
            },
            from_tag: r.from_tag.map(Into::into),
            terminated: false,
            refer_time: time,
            keys: r.keys,
        });
        Some(self.list.len() as u32 - 1)
    }

    /// First final response to REFER `idx`; `refer_sub` is the response's Refer-Sub.
    pub(crate) fn on_refer_response(
        &mut self,
        idx: u32,
        status: u16,
        frame: u64,
        refer_sub: Option<bool>,
    ) {
        let Some(t) = self.list.get_mut(idx as usize) else {
            return;
        };
        if status < 200 || t.rec.refer_status.is_some() {
            return;
        }
        t.rec.refer_status = Some(status);
        t.rec.refer_status_frame = Some(frame);
        if (200..300).contains(&status) && refer_sub == Some(false) {
            t.rec.refer_sub = Some(false);
        }
    }

    /// First sighting of a NOTIFY with Event package `refer`. `id` is the Event `id`;
    /// `to_tag` the NOTIFY's To tag (the REFER sender's From tag). Returns (transfer,
    /// notify) indexes, or None when no captured REFER matches.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_notify(
        &mut self,
        id: Option<&str>,
        to_tag: Option<&str>,
        cseq: u32,
        sipfrag_status: Option<u16>,
        sub_state: Option<(&str, Option<&str>)>,
        frame: u64,
    ) -> Option<(u32, u32)> {
        let same_dialog =
            |s: &State| to_tag.is_none() || s.from_tag.is_none() || s.from_tag.as_deref() == to_tag;
        let idx = match id.and_then(|i| i.trim().parse::<u32>().ok()) {
            Some(n) => self
                .list
                .iter()
                .position(|s| s.rec.refer_cseq == n && same_dialog(s))
                .or_else(|| self.list.iter().position(|s| s.rec.refer_cseq == n)),
            // Plain `Event: refer` names the first REFER of the dialog.
            None => self
                .list
                .iter()
                .position(same_dialog)
                .or(if self.list.is_empty() { None } else { Some(0) }),
        }?;
        let t = &mut self.list[idx];
        if t.rec.notifies.len() >= MAX_NOTIFIES {
            return None;
        }
        let (state, reason) = match sub_state {
            Some((s, r)) => (Some(s), r),
            None => (None, None),
        };
        if state.is_some_and(|s| s.eq_ignore_ascii_case("terminated")) {
            t.terminated = true;
        }
        if let Some(code) = sipfrag_status {
            t.rec.progress.push(code);
        }
        t.rec.notifies.push(TransferNotify {
            frame,
            cseq,
            sipfrag_status,
            subscription_state: state.map(Into::into),
            reason: reason.map(Into::into),
            response_status: None,
        });
        Some((idx as u32, t.rec.notifies.len() as u32 - 1))
    }

    /// First final response to a NOTIFY of a transfer.
    pub(crate) fn on_notify_response(&mut self, t: u32, n: u32, status: u16) {
        if status < 200 {
            return;
        }
        if let Some(n) = self
            .list
            .get_mut(t as usize)
            .and_then(|t| t.rec.notifies.get_mut(n as usize))
        {
            n.response_status.get_or_insert(status);
        }
    }

    /// Keys, frame, CSeq and time of transfer `idx`, for linking.
    pub(crate) fn link_keys(&self, idx: u32) -> Option<(&LinkKeys, u64, Timestamp)> {
        self.list
            .get(idx as usize)
            .map(|s| (&s.keys, s.rec.refer_frame, s.refer_time))
    }

    /// Records the INVITE the transfer triggered.
    pub(crate) fn set_target(&mut self, idx: u32, call_id: &str, how: LinkMatch) {
        if let Some(s) = self.list.get_mut(idx as usize) {
            s.rec.target_call_id = Some(call_id.into());
            s.rec.target_match = Some(how);
        }
    }

    /// Number of transfers.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// The records with their outcome (rules in `docs/call-states.md` §Transfers).
    pub(crate) fn finish(self) -> Vec<Transfer> {
        self.list
            .into_iter()
            .map(|s| {
                let mut r = s.rec;
                let last_final = r.progress.iter().rev().copied().find(|&c| c >= 200);
                r.final_status = last_final;
                r.outcome = outcome(
                    r.refer_status,
                    last_final,
                    s.terminated,
                    r.refer_sub,
                    r.notifies.is_empty(),
                );
                r
            })
            .collect()
    }
}

/// The outcome rule, first match wins.
pub(crate) fn outcome(
    refer_status: Option<u16>,
    last_final_sipfrag: Option<u16>,
    terminated: bool,
    refer_sub: Option<bool>,
    no_notify: bool,
) -> TransferOutcome {
    if refer_status.is_some_and(|s| s >= 300) {
        return TransferOutcome::Rejected;
    }
    match last_final_sipfrag {
        Some(c) if (200..300).contains(&c) => return TransferOutcome::Success,
        Some(_) => return TransferOutcome::Failed,
        None => {}
    }
    if terminated {
        return TransferOutcome::Failed;
    }
    if refer_sub == Some(false) && no_notify {
        return TransferOutcome::NoSubscription;
    }
    TransferOutcome::Pending
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refer(cseq: u32) -> ReferInfo<'static> {
        ReferInfo {
            cseq,
            from_tag: Some("a"),
            to_tag: Some("b"),
            referrer: Some(Side::Caller),
            refer_to: "sip:carol@example.com",
            referred_by: Some("sip:alice@example.com"),
            replaces: None,
            refer_sub: None,
            keys: LinkKeys::default(),
        }
    }

    #[test]
    fn success_after_trying_and_ok() {
        let mut t = TransferTracker::default();
        let i = t.on_refer(refer(5), 10, Timestamp(0)).unwrap();
        t.on_refer_response(i, 202, 11, None);
        let (a, n) = t
            .on_notify(None, Some("a"), 1, Some(100), Some(("active", None)), 12)
            .unwrap();
        t.on_notify_response(a, n, 200);
        t.on_notify(
            Some("5"),
            Some("a"),
            2,
            Some(200),
            Some(("terminated", Some("noresource"))),
            14,
        );
        let r = t.finish();
        assert_eq!(r[0].outcome, TransferOutcome::Success);
        assert_eq!(r[0].progress, vec![100, 200]);
        assert_eq!(r[0].final_status, Some(200));
        assert_eq!(r[0].refer_status, Some(202));
        assert_eq!(r[0].notifies[0].response_status, Some(200));
        assert_eq!(r[0].notifies[1].reason.as_deref(), Some("noresource"));
    }

    #[test]
    fn failed_with_the_sipfrag_code() {
        let mut t = TransferTracker::default();
        let i = t.on_refer(refer(1), 10, Timestamp(0)).unwrap();
        t.on_refer_response(i, 202, 11, None);
        t.on_notify(
            Some("1"),
            Some("a"),
            1,
            Some(100),
            Some(("active", None)),
            12,
        );
        t.on_notify(
            Some("1"),
            Some("a"),
            2,
            Some(486),
            Some(("terminated", None)),
            13,
        );
        let r = t.finish();
        assert_eq!(r[0].outcome, TransferOutcome::Failed);
        assert_eq!(r[0].final_status, Some(486));
    }

    #[test]
    fn terminated_without_final_is_failed() {
        let mut t = TransferTracker::default();
        t.on_refer(refer(1), 10, Timestamp(0));
        t.on_notify(
            None,
            Some("a"),
            1,
            Some(100),
            Some(("terminated", Some("timeout"))),
            12,
        );
        let r = t.finish();
        assert_eq!(r[0].outcome, TransferOutcome::Failed);
        assert_eq!(r[0].final_status, None);
    }

    #[test]
    fn rejected_refer() {
        let mut t = TransferTracker::default();
        let i = t.on_refer(refer(1), 10, Timestamp(0)).unwrap();
        t.on_refer_response(i, 100, 11, None); // provisional ignored
        t.on_refer_response(i, 403, 12, None);
        let r = t.finish();
        assert_eq!(r[0].outcome, TransferOutcome::Rejected);
        assert_eq!(r[0].refer_status, Some(403));
        assert_eq!(r[0].refer_status_frame, Some(12));
    }

    #[test]
    fn pending_and_no_subscription() {
        let mut t = TransferTracker::default();
        let i = t.on_refer(refer(1), 10, Timestamp(0)).unwrap();
        t.on_refer_response(i, 202, 11, None);
        t.on_notify(None, Some("a"), 1, Some(180), Some(("active", None)), 12);
        assert_eq!(t.finish()[0].outcome, TransferOutcome::Pending);

        let mut t = TransferTracker::default();
        let i = t.on_refer(refer(1), 10, Timestamp(0)).unwrap();
        t.on_refer_response(i, 202, 11, Some(false));
        let r = t.finish();
        assert_eq!(r[0].outcome, TransferOutcome::NoSubscription);
        assert_eq!(r[0].refer_sub, Some(false));

        let mut t = TransferTracker::default();
        let mut rf = refer(1);
        rf.refer_sub = Some(false);
        t.on_refer(rf, 10, Timestamp(0));
        assert_eq!(t.finish()[0].outcome, TransferOutcome::NoSubscription);
    }

    #[test]
    fn notify_id_selects_the_refer() {
        let mut t = TransferTracker::default();
        t.on_refer(refer(1), 10, Timestamp(0));
        t.on_refer(refer(7), 20, Timestamp(0));
        assert_eq!(
            t.on_notify(Some("7"), Some("a"), 3, Some(200), None, 21)
                .unwrap()
                .0,
            1
        );
        assert_eq!(
            t.on_notify(None, Some("a"), 4, Some(503), None, 22)
                .unwrap()
                .0,
            0
        );
        let r = t.finish();
        assert_eq!(r[0].outcome, TransferOutcome::Failed);
        assert_eq!(r[1].outcome, TransferOutcome::Success);
    }

    #[test]
    fn outcome_table() {
        use TransferOutcome::*;
        assert_eq!(outcome(Some(603), Some(200), false, None, false), Rejected);
        assert_eq!(outcome(None, Some(200), false, None, false), Success);
        assert_eq!(outcome(Some(202), Some(404), true, None, false), Failed);
        assert_eq!(outcome(Some(202), None, true, None, false), Failed);
        assert_eq!(
            outcome(Some(200), None, false, Some(false), true),
            NoSubscription
        );
        assert_eq!(outcome(Some(202), None, false, None, true), Pending);
        assert_eq!(outcome(None, None, false, None, true), Pending);
    }
}
