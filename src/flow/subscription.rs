//! Event subscriptions (RFC 6665): one record per (Event package, id), the `refer` package
//! excepted (transfers own it). States and their rules: `docs/call-states.md`.

use super::model::{Subscription, SubscriptionChange};

/// Most subscriptions per Call-ID, and state changes kept per subscription.
const MAX_SUBSCRIPTIONS: usize = 32;
const MAX_CHANGES: usize = 256;

/// Subscription state words.
pub(crate) mod word {
    /// SUBSCRIBE sent, nothing back yet.
    pub const SUBSCRIBING: &str = "subscribing";
    /// Subscription-State: pending.
    pub const PENDING: &str = "pending";
    /// 2xx or Subscription-State: active.
    pub const ACTIVE: &str = "active";
    /// Ended.
    pub const TERMINATED: &str = "terminated";
    /// Refused.
    pub const REJECTED: &str = "rejected";
    /// 408/5xx or no response.
    pub const FAILED: &str = "failed";
}

#[derive(Debug)]
struct State {
    rec: Subscription,
    requested_expires: Option<u32>,
    subscribe_time: Option<crate::meta::Timestamp>,
    /// Order of the last change (to pick the subscription changed last).
    last_change: u64,
}

/// Subscriptions of one Call-ID.
#[derive(Debug, Default)]
pub(crate) struct SubscriptionTracker {
    list: Vec<State>,
    changes: u64,
}

fn same(a: &Option<Box<str>>, b: Option<&str>) -> bool {
    match (a.as_deref(), b) {
        (None, None) => true,
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

impl SubscriptionTracker {
    fn find_or_add(&mut self, package: &str, id: Option<&str>) -> Option<usize> {
        if let Some(i) = self
            .list
            .iter()
            .position(|s| s.rec.event.eq_ignore_ascii_case(package) && same(&s.rec.id, id))
        {
            return Some(i);
        }
        if self.list.len() >= MAX_SUBSCRIPTIONS {
            return None;
        }
        self.list.push(State {
            rec: Subscription {
                event: package.to_ascii_lowercase().into(),
                id: id.map(Into::into),
                subscribe_frame: None,
                subscribe_status: None,
                state: word::SUBSCRIBING,
                expires: None,
                termination_reason: None,
                notifies: 0,
                changes: Vec::new(),
            },
            requested_expires: None,
            subscribe_time: None,
            last_change: 0,
        });
        Some(self.list.len() - 1)
    }

    fn set_state(&mut self, i: usize, state: &'static str, frame: u64, reason: Option<&str>) {
        self.changes += 1;
        let n = self.changes;
        let s = &mut self.list[i];
        if s.rec.state == state && !s.rec.changes.is_empty() {
            return;
        }
        s.rec.state = state;
        s.last_change = n;
        if state == word::TERMINATED {
            s.rec.termination_reason = reason.map(Into::into);
        }
        if s.rec.changes.len() < MAX_CHANGES {
            s.rec.changes.push(SubscriptionChange {
                frame,
                state,
                expires: s.rec.expires,
                reason: reason.map(Into::into),
            });
        }
    }

    /// First sighting of a SUBSCRIBE. Returns the subscription index.
    pub(crate) fn on_subscribe(
        &mut self,
        package: &str,
        id: Option<&str>,
        expires: Option<u32>,
        frame: u64,
        time: crate::meta::Timestamp,
    ) -> Option<u32> {
        let i = self.find_or_add(package, id)?;
        let s = &mut self.list[i];
        s.rec.subscribe_frame.get_or_insert(frame);
        s.requested_expires = expires;
        s.subscribe_time = Some(time);
        if expires.is_some() {
            s.rec.expires = expires;
        }
        if s.rec.changes.is_empty() {
            self.set_state(i, word::SUBSCRIBING, frame, None);
        } else if matches!(s.rec.state, word::REJECTED | word::FAILED) {
            // a retry (after 401/407, 423, ...) starts over
            self.set_state(i, word::SUBSCRIBING, frame, None);
        }
        Some(i as u32)
    }

    /// First final response to the SUBSCRIBE of subscription `idx`.
    pub(crate) fn on_subscribe_response(
        &mut self,
        idx: u32,
        status: u16,
        expires: Option<u32>,
        frame: u64,
    ) {
        let i = idx as usize;
        let Some(s) = self.list.get_mut(i) else {
            return;
        };
        if status < 200 {
            return;
        }
        s.rec.subscribe_status = Some(status);
        if (200..300).contains(&status) {
            if let Some(e) = expires {
                s.rec.expires = Some(e);
            }
            if s.requested_expires == Some(0) {
                self.set_state(i, word::TERMINATED, frame, Some("unsubscribed"));
            } else if s.rec.state == word::SUBSCRIBING {
                self.set_state(i, word::ACTIVE, frame, None);
            }
        } else if s.rec.notifies == 0 {
            let w = if status == 408 || (500..600).contains(&status) {
                word::FAILED
            } else {
                word::REJECTED
            };
            self.set_state(i, w, frame, None);
        }
    }

    /// First sighting of a NOTIFY/BENOTIFY of package `package`.
    pub(crate) fn on_notify(
        &mut self,
        package: &str,
        id: Option<&str>,
        state: Option<(&str, Option<&str>, Option<u32>)>,
        frame: u64,
    ) -> Option<u32> {
        let i = self.find_or_add(package, id)?;
        self.list[i].rec.notifies += 1;
        if let Some((st, reason, expires)) = state {
            if expires.is_some() {
                self.list[i].rec.expires = expires;
            }
            let w = if st.eq_ignore_ascii_case("active") {
                Some(word::ACTIVE)
            } else if st.eq_ignore_ascii_case("pending") {
                Some(word::PENDING)
            } else if st.eq_ignore_ascii_case("terminated") {
                Some(word::TERMINATED)
            } else {
                None
            };
            if let Some(w) = w {
                self.set_state(i, w, frame, reason);
            }
        } else if self.list[i].rec.state == word::SUBSCRIBING {
            self.set_state(i, word::ACTIVE, frame, None);
        }
        Some(i as u32)
    }

    /// True when there is no subscription or every one has ended.
    pub(crate) fn all_ended(&self) -> bool {
        self.list.iter().all(|s| {
            matches!(
                s.rec.state,
                word::TERMINATED | word::REJECTED | word::FAILED
            )
        })
    }

    /// The state of the subscription changed last, with Timer F applied to one still
    /// `subscribing` (32 s without any answer: `failed`).
    pub(crate) fn state(&self, now: crate::meta::Timestamp) -> Option<&'static str> {
        let s = self.list.iter().max_by_key(|s| s.last_change)?;
        if s.rec.state == word::SUBSCRIBING
            && s.subscribe_time
                .is_some_and(|t| now.secs_since(t) >= super::state::TIMER_F_SECS)
        {
            return Some(word::FAILED);
        }
        Some(s.rec.state)
    }

    /// The records.
    pub(crate) fn finish(self) -> Vec<Subscription> {
        self.list.into_iter().map(|s| s.rec).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::word::*;
    use super::*;
    use crate::meta::Timestamp;

    #[test]
    fn subscribe_ok_notify_active_then_terminated() {
        let mut t = SubscriptionTracker::default();
        let i = t
            .on_subscribe("presence", None, Some(3600), 1, Timestamp(0))
            .unwrap();
        assert_eq!(t.state(Timestamp(0)), Some(SUBSCRIBING));
        t.on_subscribe_response(i, 202, Some(600), 2);
        assert_eq!(t.state(Timestamp(0)), Some(ACTIVE));
        t.on_notify("presence", None, Some(("pending", None, Some(600))), 3);
        assert_eq!(t.state(Timestamp(0)), Some(PENDING));
        t.on_notify(
            "Presence",
            None,
            Some(("terminated", Some("timeout"), None)),
            4,
        );
        assert_eq!(t.state(Timestamp(0)), Some(TERMINATED));
        assert!(t.all_ended());
        let r = t.finish();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].notifies, 2);
        assert_eq!(r[0].expires, Some(600));
        assert_eq!(r[0].termination_reason.as_deref(), Some("timeout"));
        let words: Vec<_> = r[0].changes.iter().map(|c| c.state).collect();
        assert_eq!(words, vec![SUBSCRIBING, ACTIVE, PENDING, TERMINATED]);
    }

    #[test]
    fn notify_before_the_2xx() {
        let mut t = SubscriptionTracker::default();
        let i = t
            .on_subscribe("dialog", None, Some(600), 1, Timestamp(0))
            .unwrap();
        t.on_notify("dialog", None, Some(("active", None, Some(600))), 2);
        t.on_subscribe_response(i, 200, None, 3);
        assert_eq!(t.state(Timestamp(0)), Some(ACTIVE));
    }

    #[test]
    fn rejected_failed_unsubscribed_and_timer_f() {
        let mut t = SubscriptionTracker::default();
        let i = t
            .on_subscribe("presence", None, None, 1, Timestamp(0))
            .unwrap();
        t.on_subscribe_response(i, 489, None, 2);
        assert_eq!(t.state(Timestamp(0)), Some(REJECTED));
        t.on_subscribe("presence", None, None, 3, Timestamp(0));
        assert_eq!(t.state(Timestamp(0)), Some(SUBSCRIBING));
        t.on_subscribe_response(i, 503, None, 4);
        assert_eq!(t.state(Timestamp(0)), Some(FAILED));

        let mut t = SubscriptionTracker::default();
        let i = t
            .on_subscribe("message-summary", None, Some(0), 1, Timestamp(0))
            .unwrap();
        t.on_subscribe_response(i, 200, None, 2);
        assert_eq!(t.state(Timestamp(0)), Some(TERMINATED));
        assert_eq!(
            t.finish()[0].termination_reason.as_deref(),
            Some("unsubscribed")
        );

        let mut t = SubscriptionTracker::default();
        t.on_subscribe("presence", None, None, 1, Timestamp(0));
        assert_eq!(t.state(Timestamp(31_000_000_000)), Some(SUBSCRIBING));
        assert_eq!(t.state(Timestamp(32_000_000_000)), Some(FAILED));
    }

    #[test]
    fn ids_make_separate_subscriptions() {
        let mut t = SubscriptionTracker::default();
        t.on_subscribe("dialog", Some("1"), None, 1, Timestamp(0));
        t.on_subscribe("dialog", Some("2"), None, 2, Timestamp(0));
        t.on_subscribe("dialog", Some("1"), None, 3, Timestamp(0));
        assert_eq!(t.finish().len(), 2);
    }
}
