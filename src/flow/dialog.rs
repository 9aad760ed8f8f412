//! Dialogs (RFC 3261 §12): identified within a Call-ID by the two tags.
//!
//! A dialog-creating request opens a record with no To tag; its first tagged response
//! fills the tag in and every further To tag (a forked INVITE) adds a record. Requests are
//! matched in both directions, since the callee's BYE carries the tags swapped. When the
//! creating request was not captured (joined late), the first in-dialog request creates a
//! confirmed record.

use super::model::{Dialog, DialogState, Usage};

/// Most dialogs kept per Call-ID (a forking storm or hostile tags cannot grow it further).
pub(crate) const MAX_DIALOGS: usize = 64;

/// The dialogs of one call.
#[derive(Debug, Default)]
pub(crate) struct Dialogs {
    /// Records in creation order.
    pub list: Vec<Dialog>,
}

fn eq(a: Option<&str>, b: &Option<Box<str>>) -> bool {
    a == b.as_deref()
}

impl Dialogs {
    /// The dialog with these tags, in either order.
    pub(crate) fn find(&self, from_tag: Option<&str>, to_tag: Option<&str>) -> Option<u32> {
        self.list
            .iter()
            .position(|d| {
                (eq(from_tag, &d.from_tag) && eq(to_tag, &d.to_tag))
                    || (to_tag.is_some() && eq(to_tag, &d.from_tag) && eq(from_tag, &d.to_tag))
            })
            .map(|i| i as u32)
    }

    /// The record of a creating request from `from_tag` still waiting for its To tag.
    fn find_open_untagged(&self, from_tag: Option<&str>) -> Option<u32> {
        self.list
            .iter()
            .position(|d| {
                eq(from_tag, &d.from_tag)
                    && d.to_tag.is_none()
                    && d.state != DialogState::Terminated
            })
            .map(|i| i as u32)
    }

    fn push(&mut self, d: Dialog) -> Option<u32> {
        if self.list.len() >= MAX_DIALOGS {
            return None;
        }
        if self.list.is_empty() {
            // most calls have one dialog
            self.list.reserve_exact(1);
        }
        self.list.push(d);
        Some(self.list.len() as u32 - 1)
    }

    /// A dialog-creating request (no To tag): the record awaiting its To tag.
    pub(crate) fn on_creating_request(
        &mut self,
        from_tag: Option<&str>,
        frame: u64,
        usage: Usage,
    ) -> Option<u32> {
        if let Some(i) = self.find_open_untagged(from_tag) {
            return Some(i);
        }
        self.push(Dialog {
            from_tag: from_tag.map(Into::into),
            to_tag: None,
            state: DialogState::Early,
            usage,
            created_frame: frame,
            confirmed_frame: None,
            terminated_frame: None,
        })
    }

    /// A response of a dialog-creating request. Provisionals (101-199) make or keep an
    /// early dialog, a 2xx confirms it, a non-2xx final ends every early dialog of that
    /// From tag. Responses without To tag only matter when final.
    pub(crate) fn on_response(
        &mut self,
        from_tag: Option<&str>,
        to_tag: Option<&str>,
        status: u16,
        frame: u64,
        usage: Usage,
    ) -> Option<u32> {
        if status >= 300 {
            // The final response names the attempt (a 401/407 challenge, a 486): its To
            // tag goes on the record still waiting for one.
            if let Some(t) = to_tag {
                if self.find(from_tag, Some(t)).is_none() {
                    if let Some(i) = self.find_open_untagged(from_tag) {
                        self.list[i as usize].to_tag = Some(t.into());
                    }
                }
            }
            for d in self.list.iter_mut() {
                if eq(from_tag, &d.from_tag) && d.usage == usage && d.state == DialogState::Early {
                    d.state = DialogState::Terminated;
                    d.terminated_frame = Some(frame);
                }
            }
            return to_tag.and_then(|t| self.find(from_tag, Some(t)));
        }
        let to_tag = match to_tag {
            Some(t) if status > 100 => t,
            _ => return self.find(from_tag, to_tag),
        };
        let idx = match self.find(from_tag, Some(to_tag)) {
            Some(i) => i,
            None => match self.find_open_untagged(from_tag) {
                Some(i) => {
                    self.list[i as usize].to_tag = Some(to_tag.into());
                    i
                }
                None => self.push(Dialog {
                    from_tag: from_tag.map(Into::into),
                    to_tag: Some(to_tag.into()),
                    state: DialogState::Early,
                    usage,
                    created_frame: frame,
                    confirmed_frame: None,
                    terminated_frame: None,
                })?,
            },
        };
        let d = &mut self.list[idx as usize];
        if (200..300).contains(&status) && d.state != DialogState::Terminated {
            if d.state != DialogState::Confirmed {
                d.confirmed_frame = Some(frame);
            }
            d.state = DialogState::Confirmed;
        }
        Some(idx)
    }

    /// An in-dialog request (To tag present). An unknown pair means the dialog was created
    /// before the capture: it is recorded as confirmed (or early, for requests that only
    /// occur in early dialogs such as PRACK).
    pub(crate) fn on_in_dialog_request(
        &mut self,
        from_tag: Option<&str>,
        to_tag: &str,
        frame: u64,
        early_only: bool,
        usage: Usage,
    ) -> Option<u32> {
        if let Some(i) = self.find(from_tag, Some(to_tag)) {
            return Some(i);
        }
        // A request from the UAS side before its response (RFC 6665: a NOTIFY may overtake
        // the 2xx to SUBSCRIBE) completes the record of the creating request.
        if let Some(i) = self.find_open_untagged(Some(to_tag)) {
            let d = &mut self.list[i as usize];
            if d.usage == usage || usage == Usage::Unknown {
                d.to_tag = from_tag.map(Into::into);
                if !early_only && d.state == DialogState::Early {
                    d.state = DialogState::Confirmed;
                    d.confirmed_frame = Some(frame);
                }
                return Some(i);
            }
        }
        let state = if early_only {
            DialogState::Early
        } else {
            DialogState::Confirmed
        };
        self.push(Dialog {
            from_tag: from_tag.map(Into::into),
            to_tag: Some(to_tag.into()),
            state,
            usage,
            created_frame: frame,
            confirmed_frame: (!early_only).then_some(frame),
            terminated_frame: None,
        })
    }

    /// Ends a dialog (BYE, terminated subscription).
    pub(crate) fn terminate(&mut self, idx: u32, frame: u64) {
        let d = &mut self.list[idx as usize];
        if d.state != DialogState::Terminated {
            d.state = DialogState::Terminated;
            d.terminated_frame = Some(frame);
        }
    }

    /// True if some dialog is (or was) confirmed.
    pub(crate) fn any_confirmed(&self) -> bool {
        self.list.iter().any(|d| d.confirmed_frame.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn early_then_confirmed_then_terminated() {
        let mut d = Dialogs::default();
        assert_eq!(d.on_creating_request(Some("a"), 1, Usage::Invite), Some(0));
        assert_eq!(
            d.on_response(Some("a"), None, 100, 2, Usage::Invite),
            Some(0)
        );
        assert_eq!(d.list[0].to_tag, None);
        assert_eq!(
            d.on_response(Some("a"), Some("b"), 180, 3, Usage::Invite),
            Some(0)
        );
        assert_eq!(d.list[0].state, DialogState::Early);
        assert_eq!(
            d.on_response(Some("a"), Some("b"), 200, 4, Usage::Invite),
            Some(0)
        );
        assert_eq!(d.list[0].state, DialogState::Confirmed);
        assert_eq!(d.list[0].confirmed_frame, Some(4));
        // the callee's BYE has the tags swapped
        let i = d
            .on_in_dialog_request(Some("b"), "a", 9, false, Usage::Unknown)
            .unwrap();
        assert_eq!(i, 0);
        d.terminate(i, 9);
        assert_eq!(d.list[0].state, DialogState::Terminated);
        assert_eq!(d.list[0].terminated_frame, Some(9));
    }

    #[test]
    fn forked_invite_makes_two_early_dialogs_and_a_failure_ends_them() {
        let mut d = Dialogs::default();
        d.on_creating_request(Some("a"), 1, Usage::Invite);
        d.on_response(Some("a"), Some("b1"), 183, 2, Usage::Invite);
        d.on_response(Some("a"), Some("b2"), 183, 3, Usage::Invite);
        assert_eq!(d.list.len(), 2);
        d.on_response(Some("a"), Some("b2"), 486, 4, Usage::Invite);
        assert!(d.list.iter().all(|x| x.state == DialogState::Terminated));
    }

    #[test]
    fn a_challenge_ends_the_attempt_and_the_retry_opens_a_new_dialog() {
        let mut d = Dialogs::default();
        d.on_creating_request(Some("a"), 1, Usage::Invite);
        d.on_response(Some("a"), Some("t1"), 407, 2, Usage::Invite);
        assert_eq!(d.list[0].to_tag.as_deref(), Some("t1"));
        assert_eq!(d.list[0].state, DialogState::Terminated);
        assert_eq!(d.on_creating_request(Some("a"), 3, Usage::Invite), Some(1));
        d.on_response(Some("a"), Some("t2"), 180, 4, Usage::Invite);
        d.on_response(Some("a"), Some("t2"), 200, 5, Usage::Invite);
        assert_eq!(d.list[1].to_tag.as_deref(), Some("t2"));
        assert_eq!(d.list[1].state, DialogState::Confirmed);
    }

    #[test]
    fn joined_late_request_creates_a_confirmed_dialog() {
        let mut d = Dialogs::default();
        let i = d
            .on_in_dialog_request(Some("x"), "y", 5, false, Usage::Unknown)
            .unwrap();
        assert_eq!(d.list[i as usize].state, DialogState::Confirmed);
        let j = d
            .on_in_dialog_request(Some("p"), "q", 6, true, Usage::Unknown)
            .unwrap();
        assert_eq!(d.list[j as usize].state, DialogState::Early);
        assert!(d.any_confirmed());
    }

    #[test]
    fn a_notify_before_the_2xx_completes_the_subscribe_dialog() {
        let mut d = Dialogs::default();
        d.on_creating_request(Some("s"), 1, Usage::Subscribe);
        // NOTIFY from the notifier: From = its tag, To = the subscriber's tag
        assert_eq!(
            d.on_in_dialog_request(Some("n"), "s", 2, false, Usage::Subscribe),
            Some(0)
        );
        assert_eq!(
            (d.list[0].to_tag.as_deref(), d.list[0].state),
            (Some("n"), DialogState::Confirmed)
        );
        assert_eq!(
            d.on_response(Some("s"), Some("n"), 200, 3, Usage::Subscribe),
            Some(0)
        );
        assert_eq!(d.list.len(), 1);
    }

    #[test]
    fn dialogs_are_capped() {
        let mut d = Dialogs::default();
        for i in 0..100 {
            d.on_in_dialog_request(Some("x"), &i.to_string(), i, false, Usage::Unknown);
        }
        assert_eq!(d.list.len(), MAX_DIALOGS);
    }
}
