//! One Call-ID being analysed: every message goes through [`CallBuilder::on_message`], and
//! [`CallBuilder::finish`] turns what was gathered into the exported [`Call`].
//!
//! Per message the work is: find the leg and the transaction, decide whether it is a
//! retransmission, store its record, and, unless it is a retransmission, let the method's
//! rules update dialogs, PRACK, transfers, registrations, subscriptions and timings.
//! Requests copied by a proxy onto a second leg are recognised by their end-to-end
//! identity (method, CSeq, tags) so that features are recorded once.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;
use smallvec::SmallVec;

use super::body;
use super::dialog::Dialogs;
use super::head::Head;
use super::intern::{Atom, Interner};
use super::leg::Legs;
use super::model::{
    Call, Closed, DialogState, Dtmf, Kind, MessageRecord, Participants, ReasonInfo, Registration,
    SdpSummary, SessionChange, Side, Timings, TransferLink, Usage,
};
use super::prack::{PrackTracker, RAckRef};
use super::registration::{RegisterInfo, RegisterResponse, RegistrationTracker};
use super::small_map::SmallMap;
use super::state::{self, InviteFacts, LateFacts};
use super::subscription::SubscriptionTracker;
use super::timing;
use super::transaction::{Feature, Located, TxnState, TxnTable, fingerprint, tag_hash};
use super::transfer::{LinkKeys, ReferInfo, TransferTracker};
use crate::meta::{MessageMeta, Timestamp};
use crate::sip::{CSeq, Contact, Message, Method, NameAddr};

/// Most re-INVITE/UPDATE records, DTMF digits, 2xx and ACK sightings kept per call.
const MAX_LIST: usize = 1024;

/// What the engine needs besides the call itself.
pub(crate) struct Ctx<'e> {
    /// Shared strings.
    pub interner: &'e mut Interner,
    /// Keep each message's text.
    pub keep_raw: bool,
    /// Most messages stored per call.
    pub max_messages: usize,
}

/// What a message did that concerns other calls (transfer linking).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Notes {
    /// A new REFER: its transfer index.
    pub new_refer: Option<u32>,
    /// The call's first initial INVITE (a transfer may have triggered it).
    pub first_initial_invite: bool,
    /// The message was a retransmission.
    pub retransmission: bool,
    /// The message was not stored (per-call cap).
    pub dropped: bool,
    /// The message would have opened a transaction beyond the per-call cap.
    pub transaction_dropped: bool,
}

const K_CALL: u8 = 1;
const K_REG: u8 = 2;
const K_SUB: u8 = 4;
const K_MSG: u8 = 8;
const K_OPT: u8 = 16;

/// First 2xx of an INVITE (or re-INVITE) per (CSeq, To tag).
#[derive(Debug)]
struct Answer {
    cseq: u32,
    to_tag: Option<Box<str>>,
}

/// First ACK per (CSeq, To tag), ACKs to 2xx only.
#[derive(Debug)]
struct AckSeen {
    cseq: u32,
    to_tag: Option<Box<str>>,
    time: Timestamp,
}

#[derive(Debug, Clone, Copy)]
struct FirstBye {
    time: Timestamp,
    txn: Option<u32>,
    side: Side,
}

/// A Call-ID under analysis.
#[derive(Debug)]
pub(crate) struct CallBuilder {
    call_id: Box<str>,
    start: Timestamp,
    end: Timestamp,
    /// Streaming: [`CallBuilder::finished_now`] answers "not finished" without looking at
    /// the call's transactions while the capture time is before this (`i64::MIN`: ask
    /// again). Set when the answer cannot change before the next message (an answered
    /// call waiting for its BYE, asked every second), cleared by every message.
    unfinished_until: i64,
    first_frame: u64,
    last_frame: u64,
    seen: u64,
    messages: Vec<MessageRecord>,
    dropped: u64,
    legs: Legs,
    txns: TxnTable,
    open_txns: u32,
    dialogs: Dialogs,
    prack: PrackTracker,
    transfers: TransferTracker,
    /// REGISTER state, made on the first REGISTER (most calls have none).
    registration: Option<Box<RegistrationTracker>>,
    subs: SubscriptionTracker,
    dtmf: Vec<Dtmf>,
    changes: Vec<SessionChange>,
    e2e: SmallMap<Feature>,
    kinds: u8,
    joined_late: bool,
    caller_tag: Option<Box<str>>,
    participants: Participants,
    participants_from_initial: bool,
    first_bye: Option<FirstBye>,
    bye_reason: Option<ReasonInfo>,
    cancel_reason: Option<ReasonInfo>,
    cancel_seen: bool,
    /// Answered INVITEs and their ACKs: one each in a basic call, kept inline (the
    /// builder is boxed already; a `Vec` each cost two allocations per call).
    answers: SmallVec<[Answer; 1]>,
    acks: SmallVec<[AckSeen; 1]>,
    late: LateFacts,
    had_initial_invite: bool,
    retransmissions: u64,
    /// Set when a REFER in another call triggered this one.
    pub(crate) transferred_from: Option<TransferLink>,
}

fn e2e_key(method: &str, cseq: u32, from_tag: Option<&str>, to_tag: Option<&str>) -> u64 {
    let mut h = FxHasher::default();
    method.hash(&mut h);
    cseq.hash(&mut h);
    from_tag.hash(&mut h);
    to_tag.hash(&mut h);
    h.finish()
}

/// The Reason header of a message, Q.850 preferred.
fn reason_info(msg: &Message<'_>, frame: u64) -> Option<ReasonInfo> {
    let mut best = None;
    for r in msg.reasons() {
        let q850 = r.protocol.eq_ignore_ascii_case("Q.850");
        if best.is_none() || q850 {
            best = Some(ReasonInfo {
                frame,
                protocol: r.protocol.into(),
                cause: r.cause,
                text: r.text.map(|t| crate::sip::lex::unquote(t).into()),
            });
        }
        if q850 {
            break;
        }
    }
    best
}

fn kind_bits(method: Method<'_>, msg: &Message<'_>) -> u8 {
    match method {
        Method::Invite
        | Method::Ack
        | Method::Bye
        | Method::Cancel
        | Method::Prack
        | Method::Update
        | Method::Info
        | Method::Comet => K_CALL,
        Method::Register => K_REG,
        Method::Subscribe => K_SUB,
        Method::Notify | Method::Benotify => {
            // Responses carry no Event: only the request tells a transfer's NOTIFY apart.
            let refer = msg
                .event()
                .is_some_and(|e| e.package.eq_ignore_ascii_case("refer"));
            if refer || !msg.is_request() { 0 } else { K_SUB }
        }
        Method::Message => K_MSG,
        Method::Options => K_OPT,
        _ => 0,
    }
}

/// The first message of a Call-ID is mid-dialog (docs/call-states.md §Flags).
fn starts_mid_dialog(msg: &Message<'_>, to_tag: Option<&str>) -> bool {
    match msg.method() {
        None => true,
        Some(
            Method::Ack
            | Method::Bye
            | Method::Cancel
            | Method::Prack
            | Method::Update
            | Method::Info
            | Method::Notify
            | Method::Benotify
            | Method::Comet,
        ) => true,
        Some(_) => to_tag.is_some(),
    }
}

impl CallBuilder {
    /// A new call for `call_id`.
    pub(crate) fn new(call_id: &str) -> Self {
        CallBuilder {
            call_id: call_id.into(),
            start: Timestamp(i64::MAX),
            end: Timestamp(i64::MIN),
            unfinished_until: i64::MIN,
            first_frame: 0,
            last_frame: 0,
            seen: 0,
            messages: Vec::new(),
            dropped: 0,
            legs: Legs::default(),
            txns: TxnTable::default(),
            open_txns: 0,
            dialogs: Dialogs::default(),
            prack: PrackTracker::default(),
            transfers: TransferTracker::default(),
            registration: None,
            subs: SubscriptionTracker::default(),
            dtmf: Vec::new(),
            changes: Vec::new(),
            e2e: SmallMap::default(),
            kinds: 0,
            joined_late: false,
            caller_tag: None,
            participants: Participants::default(),
            participants_from_initial: false,
            first_bye: None,
            bye_reason: None,
            cancel_reason: None,
            cancel_seen: false,
            answers: SmallVec::new(),
            acks: SmallVec::new(),
            late: LateFacts::default(),
            had_initial_invite: false,
            retransmissions: 0,
            transferred_from: None,
        }
    }

    /// The Call-ID.
    pub(crate) fn call_id(&self) -> &str {
        &self.call_id
    }

    /// Time of the last message.
    pub(crate) fn last_activity(&self) -> Timestamp {
        self.end
    }

    /// Frame of the first message.
    pub(crate) fn first_frame(&self) -> u64 {
        self.first_frame
    }

    /// Transfers of the call (for linking).
    pub(crate) fn transfers(&self) -> &TransferTracker {
        &self.transfers
    }

    /// Transfers of the call (for linking).
    pub(crate) fn transfers_mut(&mut self) -> &mut TransferTracker {
        self.unfinished_until = i64::MIN;
        &mut self.transfers
    }

    fn side_of(&self, from_tag: Option<&str>) -> Side {
        match (self.caller_tag.as_deref(), from_tag) {
            (Some(c), Some(f)) if c != f => Side::Callee,
            _ => Side::Caller,
        }
    }

    /// Feeds one message.
    pub(crate) fn on_message(
        &mut self,
        ctx: &mut Ctx<'_>,
        meta: &MessageMeta,
        msg: &Message<'_>,
        head: &Head<'_>,
    ) -> Notes {
        let mut notes = Notes::default();
        self.unfinished_until = i64::MIN;
        if meta.time < self.start {
            self.start = meta.time;
        }
        if meta.time >= self.end {
            self.end = meta.time;
            self.last_frame = meta.frame;
        }
        if self.seen == 0 {
            self.first_frame = meta.frame;
        }
        let from_tag = head.from_tag();
        let to_tag = head.to_tag();
        let (cseq, method, status) = (head.cseq, head.method, head.status);

        if self.seen == 0 {
            self.joined_late = starts_mid_dialog(msg, to_tag);
            self.name_participants(head.from.as_ref(), head.to.as_ref(), from_tag);
        }
        self.seen += 1;
        if let Some(m) = method.or(cseq.map(|c| c.method)) {
            self.kinds |= kind_bits(m, msg);
        }

        let leg = self.legs.index(meta, || method.map(|_| head.via_count));
        let txns_dropped = self.txns.dropped;
        let loc = self.txns.locate(head, meta, leg, ctx.interner);
        notes.transaction_dropped = self.txns.dropped > txns_dropped;
        let mut retrans = false;
        if let Some(l) = loc {
            retrans = self
                .txns
                .check_retransmission(l.idx, fingerprint(meta, msg, head));
            // the ACK to a non-2xx final belongs to the INVITE transaction but is not a
            // sighting of its request (a capture that joined late never saw the INVITE)
            if method.is_some() && !l.ack_of_invite {
                self.txns.on_request(l.idx, meta);
                let t = &mut self.txns.txns[l.idx as usize];
                if l.created && t.rec.expects_response && !l.ack_of_invite {
                    t.open = true;
                    self.open_txns += 1;
                }
            }
        }
        notes.retransmission = retrans;

        // a response's reason phrase, interned once for the message's record and its
        // transaction's final phrase
        let phrase = match status {
            Some(_) => msg.reason_phrase().map(|p| ctx.interner.intern(p)),
            None => None,
        };
        let dialog = if retrans {
            self.retransmissions += 1;
            self.on_retransmission(msg, cseq.map(|c| c.seq), to_tag, meta);
            self.dialogs.find(from_tag, to_tag)
        } else if let Some(m) = method {
            self.on_request(ctx, meta, msg, m, cseq, loc, from_tag, to_tag, &mut notes)
        } else {
            let status = status.unwrap_or(0);
            let phrase = phrase.clone();
            self.on_response(ctx, meta, msg, status, phrase, cseq, loc, from_tag, to_tag)
        };

        if self.messages.len() >= ctx.max_messages {
            self.dropped += 1;
            notes.dropped = true;
            return notes;
        }
        let reason = phrase;
        if self.messages.len() == self.messages.capacity() {
            // 4, 7, then double: seven records (a basic call) stay under glibc's 1 KB
            // small-chunk limit, where Vec's 8 asked for a large chunk, which makes glibc
            // consolidate its free lists. A call opened by an INVITE starts at 7: a basic,
            // cancelled or busy call has 5 to 7 messages, and growing 4 -> 7 cost a realloc
            // (a copy and a free) per call.
            let more = match self.messages.len() {
                0 if method == Some(Method::Invite) => 7,
                0 => 4,
                4 => 3,
                n => n,
            };
            self.messages.reserve_exact(more);
        }
        self.messages.push(MessageRecord {
            frame: meta.frame,
            time: meta.time,
            src: ctx.interner.endpoint(meta.src),
            dst: ctx.interner.endpoint(meta.dst),
            transport: meta.transport,
            method: method.map(|m| ctx.interner.method(m)),
            status,
            reason,
            cseq: cseq.map(|c| c.seq),
            cseq_method: cseq.map(|c| ctx.interner.method(c.method)),
            retransmission: retrans,
            leg,
            transaction: loc.map(|l| l.idx),
            dialog,
            raw: ctx.keep_raw.then(|| {
                String::from_utf8_lossy(&msg.raw()[..msg.len().min(msg.raw().len())]).into()
            }),
        });
        notes
    }

    /// Retransmissions change no state, but a few counters follow them.
    fn on_retransmission(
        &mut self,
        msg: &Message<'_>,
        cseq: Option<u32>,
        to_tag: Option<&str>,
        meta: &MessageMeta,
    ) {
        let Some(cseq) = cseq else { return };
        match (msg.method(), msg.status()) {
            (Some(Method::Register), _) => {
                if let Some(r) = self.registration.as_mut() {
                    r.on_register_again(cseq, meta.time)
                }
            }
            (None, Some(s @ 101..=199))
                if msg.cseq().is_some_and(|c| c.method == Method::Invite) =>
            {
                if let Some(rseq) = msg.rseq() {
                    self.prack.on_reliable_retransmission(cseq, to_tag, rseq, s);
                }
            }
            _ => {}
        }
    }

    fn note_user_agent(&mut self, ctx: &mut Ctx<'_>, side: Side, ua: Option<&str>) {
        let Some(ua) = ua.filter(|u| !u.is_empty()) else {
            return;
        };
        let party = match side {
            Side::Caller => &mut self.participants.caller,
            Side::Callee => &mut self.participants.callee,
        };
        if party.user_agent.is_none() {
            party.user_agent = Some(ctx.interner.intern(ua));
        }
    }

    fn set_feature(&mut self, loc: Option<Located>, f: Feature) {
        if let Some(l) = loc {
            self.txns.txns[l.idx as usize].feature = f;
        }
    }

    /// Caller and callee (URI, display name, caller's tag) from a message's From and To.
    fn name_participants(
        &mut self,
        from: Option<&NameAddr<'_>>,
        to: Option<&NameAddr<'_>>,
        from_tag: Option<&str>,
    ) {
        let p = &mut self.participants;
        p.caller.uri = from.map(|f| f.uri.into());
        p.caller.display = from.and_then(|f| f.display_name()).map(Into::into);
        p.caller.tag = from_tag.map(Into::into);
        p.callee.uri = to.map(|t| t.uri.into());
        p.callee.display = to.and_then(|t| t.display_name()).map(Into::into);
    }

    #[allow(clippy::too_many_arguments)]
    fn on_request(
        &mut self,
        ctx: &mut Ctx<'_>,
        meta: &MessageMeta,
        msg: &Message<'_>,
        method: Method<'_>,
        cseq: Option<CSeq<'_>>,
        loc: Option<Located>,
        from_tag: Option<&str>,
        to_tag: Option<&str>,
        notes: &mut Notes,
    ) -> Option<u32> {
        let frame = meta.frame;
        // the head's CSeq (parsing it again per message was 1% of `stats`)
        let cseq = cseq.map_or(0, |c| c.seq);
        let key = e2e_key(method.as_str(), cseq, from_tag, to_tag);
        let known = self.e2e.find(key, |_| true);
        let e2e_new = known.is_none();
        let mut feature = known.unwrap_or_default();

        // Participants: the first dialog-creating request names them.
        if to_tag.is_none()
            && !self.participants_from_initial
            && matches!(
                method,
                Method::Invite
                    | Method::Register
                    | Method::Subscribe
                    | Method::Refer
                    | Method::Message
                    | Method::Options
            )
        {
            self.participants_from_initial = true;
            // when this is the call's first message, on_message named them from it already
            if self.seen > 1 {
                self.name_participants(msg.from().as_ref(), msg.to().as_ref(), from_tag);
            }
        }
        if method == Method::Invite && to_tag.is_none() && self.caller_tag.is_none() {
            self.caller_tag = from_tag.map(Into::into);
        }
        let side = self.side_of(from_tag);
        self.note_user_agent(ctx, side, msg.user_agent());

        let in_dialog = |d: &mut Dialogs, early_only: bool, usage: Usage| match to_tag {
            Some(t) => d.on_in_dialog_request(from_tag, t, frame, early_only, usage),
            None => d.find(from_tag, None),
        };

        let dialog = match method {
            Method::Invite if to_tag.is_none() => {
                if let Some(l) = loc {
                    self.txns.txns[l.idx as usize].initial = true;
                }
                if !self.had_initial_invite {
                    notes.first_initial_invite = true;
                }
                self.had_initial_invite = true;
                self.dialogs
                    .on_creating_request(from_tag, frame, Usage::Invite)
            }
            Method::Invite => {
                let d = in_dialog(&mut self.dialogs, false, Usage::Unknown);
                self.late.confirmed = true;
                if e2e_new {
                    feature = self.new_session_change(ctx, msg, method, cseq, side, d, frame);
                }
                d
            }
            Method::Ack => {
                if let Some(l) = loc.filter(|l| l.ack_of_invite) {
                    self.txns.txns[l.idx as usize]
                        .rec
                        .ack_frame
                        .get_or_insert(frame);
                    self.dialogs.find(from_tag, to_tag)
                } else {
                    self.late.confirmed = true;
                    let known = self
                        .acks
                        .iter()
                        .any(|a| a.cseq == cseq && a.to_tag.as_deref() == to_tag);
                    if !known && self.acks.len() < MAX_LIST {
                        self.acks.push(AckSeen {
                            cseq,
                            to_tag: to_tag.map(Into::into),
                            time: meta.time,
                        });
                    }
                    in_dialog(&mut self.dialogs, false, Usage::Unknown)
                }
            }
            Method::Bye => {
                self.late.bye = true;
                let d = in_dialog(&mut self.dialogs, false, Usage::Unknown);
                if let Some(i) = d {
                    self.dialogs.terminate(i, frame);
                }
                if self.first_bye.is_none() {
                    self.first_bye = Some(FirstBye {
                        time: meta.time,
                        txn: loc.map(|l| l.idx),
                        side,
                    });
                    self.bye_reason = reason_info(msg, frame);
                }
                d
            }
            Method::Cancel => {
                self.cancel_seen = true;
                if let (Some(l), Some(inv)) = (loc, self.txns.invite_of_cancel(msg)) {
                    self.txns.txns[l.idx as usize].rec.cancels = Some(inv);
                    self.txns.txns[inv as usize]
                        .rec
                        .cancelled_by
                        .get_or_insert(l.idx);
                }
                if self.cancel_reason.is_none() {
                    self.cancel_reason = reason_info(msg, frame);
                }
                self.dialogs.find(from_tag, None)
            }
            Method::Prack => {
                self.late.early = true;
                let d = in_dialog(&mut self.dialogs, true, Usage::Unknown);
                if e2e_new {
                    let rack = msg.rack();
                    let rack_ref = rack.as_ref().map(|r| RAckRef {
                        rseq: r.rseq,
                        cseq: r.cseq,
                        method: r.method.as_str(),
                    });
                    let rack_text = msg.header_str("RAck");
                    if let Some(i) = self
                        .prack
                        .on_prack(cseq, to_tag, rack_ref, rack_text, frame, meta.time)
                    {
                        feature = Feature::Prack(i);
                    }
                }
                d
            }
            Method::Update => {
                let d = to_tag.and_then(|t| self.dialogs.find(from_tag, Some(t)));
                let d = match d {
                    Some(i) => Some(i),
                    None => in_dialog(&mut self.dialogs, false, Usage::Unknown),
                };
                match d.map(|i| self.dialogs.list[i as usize].state) {
                    Some(DialogState::Early) => self.late.early = true,
                    Some(_) => self.late.confirmed = true,
                    None => {}
                }
                if e2e_new {
                    feature = self.new_session_change(ctx, msg, method, cseq, side, d, frame);
                }
                d
            }
            Method::Info => {
                self.late.confirmed = true;
                let d = in_dialog(&mut self.dialogs, false, Usage::Unknown);
                if e2e_new {
                    self.read_dtmf(ctx, msg, meta);
                }
                d
            }
            Method::Refer => {
                let d = match to_tag {
                    Some(_) => in_dialog(&mut self.dialogs, false, Usage::Unknown),
                    None => self
                        .dialogs
                        .on_creating_request(from_tag, frame, Usage::Refer),
                };
                if e2e_new {
                    if let Some(i) = self.new_transfer(msg, cseq, from_tag, to_tag, side, meta) {
                        feature = Feature::Refer(i);
                        notes.new_refer = Some(i);
                    }
                }
                d
            }
            Method::Notify | Method::Benotify => {
                let event = msg.event();
                let refer = event.is_some_and(|e| e.package.eq_ignore_ascii_case("refer"));
                let usage = if refer {
                    Usage::Refer
                } else {
                    Usage::Subscribe
                };
                let d = in_dialog(&mut self.dialogs, false, usage);
                let sub_state = msg.subscription_state();
                if e2e_new {
                    if refer {
                        let frag = body::sipfrag_status(msg);
                        let ss = sub_state.as_ref().map(|s| (s.state, s.reason));
                        if let Some((t, n)) = self.transfers.on_notify(
                            event.and_then(|e| e.id),
                            to_tag,
                            cseq,
                            frag,
                            ss,
                            frame,
                        ) {
                            feature = Feature::ReferNotify(t, n);
                        }
                    } else {
                        let package = event.map_or("", |e| e.package);
                        let ss = sub_state.as_ref().map(|s| (s.state, s.reason, s.expires));
                        if let Some(i) =
                            self.subs
                                .on_notify(package, event.and_then(|e| e.id), ss, frame)
                        {
                            feature = Feature::SubNotify(i);
                        }
                    }
                }
                if let (Some(i), true) = (d, sub_state.is_some_and(|s| s.is_terminated())) {
                    if self.dialogs.list[i as usize].usage != Usage::Invite {
                        self.dialogs.terminate(i, frame);
                    }
                }
                d
            }
            Method::Subscribe => {
                let d = match to_tag {
                    Some(_) => in_dialog(&mut self.dialogs, false, Usage::Subscribe),
                    None => self
                        .dialogs
                        .on_creating_request(from_tag, frame, Usage::Subscribe),
                };
                if e2e_new {
                    let event = msg.event();
                    let package = event.map_or("", |e| e.package);
                    if let Some(i) = self.subs.on_subscribe(
                        package,
                        event.and_then(|e| e.id),
                        msg.expires(),
                        frame,
                        meta.time,
                    ) {
                        feature = Feature::Subscribe(i);
                    }
                }
                d
            }
            Method::Register => {
                if e2e_new {
                    let via_count = loc.map_or(1, |l| self.txns.txns[l.idx as usize].via_count);
                    self.registration
                        .get_or_insert_with(Default::default)
                        .on_register(register_info(msg, cseq, via_count), meta.time);
                    feature = Feature::Register(cseq);
                } else {
                    if let Some(r) = self.registration.as_mut() {
                        r.on_register_again(cseq, meta.time);
                    }
                }
                None
            }
            _ => match to_tag {
                Some(t) => {
                    self.dialogs
                        .on_in_dialog_request(from_tag, t, frame, false, Usage::Unknown)
                }
                None => None,
            },
        };
        if e2e_new {
            self.e2e.insert(key, feature);
        }
        self.set_feature(loc, feature);
        dialog
    }

    #[allow(clippy::too_many_arguments)]
    fn new_session_change(
        &mut self,
        ctx: &mut Ctx<'_>,
        msg: &Message<'_>,
        method: Method<'_>,
        cseq: u32,
        side: Side,
        dialog: Option<u32>,
        frame: u64,
    ) -> Feature {
        if self.changes.len() >= MAX_LIST {
            return Feature::None;
        }
        self.changes.push(SessionChange {
            frame,
            method: ctx.interner.intern(method.as_str()),
            cseq,
            sender: Some(side),
            dialog_state: dialog.map(|i| self.dialogs.list[i as usize].state),
            with_sdp: !msg.body().is_empty(),
            sdp: body::sdp_summary(msg).map(|(direction, media, address)| SdpSummary {
                direction,
                media,
                address,
            }),
            status: None,
            status_frame: None,
        });
        Feature::SessionChange(self.changes.len() as u32 - 1)
    }

    fn read_dtmf(&mut self, ctx: &mut Ctx<'_>, msg: &Message<'_>, meta: &MessageMeta) {
        if self.dtmf.len() >= MAX_LIST {
            return;
        }
        let (Some(ev), Some(ct)) = (msg.dtmf(), msg.content_type()) else {
            return;
        };
        let full = format!("{}/{}", ct.mtype, ct.subtype).to_ascii_lowercase();
        self.dtmf.push(Dtmf {
            frame: meta.frame,
            time: meta.time,
            digit: ev.signal.chars().take(16).collect::<String>().into(),
            duration: ev.duration,
            content_type: ctx.interner.intern(&full),
        });
    }

    fn new_transfer(
        &mut self,
        msg: &Message<'_>,
        cseq: u32,
        from_tag: Option<&str>,
        to_tag: Option<&str>,
        side: Side,
        meta: &MessageMeta,
    ) -> Option<u32> {
        let refer_to = msg.refer_to();
        let uri = refer_to.as_ref().map_or("", |r| r.uri);
        let replaces = refer_to
            .as_ref()
            .and_then(|r| r.parsed_uri().ok())
            .and_then(|u| u.replaces())
            .map(|r| super::model::Replaces {
                call_id: r.call_id.as_ref().into(),
                to_tag: (!r.to_tag.is_empty()).then(|| r.to_tag.as_ref().into()),
                from_tag: (!r.from_tag.is_empty()).then(|| r.from_tag.as_ref().into()),
            });
        let referred_by = msg.referred_by();
        let keys = LinkKeys {
            refer_to: body::uri_key(body::strip_uri_headers(uri)),
            referred_by: referred_by
                .as_ref()
                .and_then(|r| body::uri_key(r.uri))
                .or_else(|| msg.from().and_then(|f| body::uri_key(f.uri))),
            replaces_call_id: replaces.as_ref().map(|r| r.call_id.to_string()),
        };
        let info = ReferInfo {
            cseq,
            from_tag,
            to_tag,
            referrer: (to_tag.is_some() && self.kinds & K_CALL != 0).then_some(side),
            refer_to: body::strip_uri_headers(uri),
            referred_by: referred_by.as_ref().map(|r| r.uri),
            replaces,
            refer_sub: msg.refer_sub(),
            keys,
        };
        self.transfers.on_refer(info, meta.frame, meta.time)
    }

    #[allow(clippy::too_many_arguments)]
    fn on_response(
        &mut self,
        ctx: &mut Ctx<'_>,
        meta: &MessageMeta,
        msg: &Message<'_>,
        status: u16,
        phrase: Option<Atom>,
        cseq: Option<CSeq<'_>>,
        loc: Option<Located>,
        from_tag: Option<&str>,
        to_tag: Option<&str>,
    ) -> Option<u32> {
        let frame = meta.frame;
        let Some(cseq) = cseq else {
            return self.dialogs.find(from_tag, to_tag);
        };
        // A 407 is a proxy's challenge (Proxy-Authenticate), never the callee's (RFC 3665
        // 3.2-3.4: its Server header named the proxy as the callee's user agent).
        if status > 100 && status != 407 {
            // Responses come from the side that did not send the request.
            let side = match self.side_of(from_tag) {
                Side::Caller => Side::Callee,
                Side::Callee => Side::Caller,
            };
            self.note_user_agent(ctx, side, msg.server().or_else(|| msg.user_agent()));
        }
        let Some(l) = loc else {
            return self.dialogs.find(from_tag, to_tag);
        };
        let idx = l.idx;
        if cseq.method == Method::Invite && l.created {
            // The request was not captured: an INVITE response is initial unless a dialog
            // of the call is already confirmed.
            let initial = !self.dialogs.any_confirmed();
            self.txns.txns[idx as usize].initial = initial;
            if initial {
                self.caller_tag
                    .get_or_insert_with(|| from_tag.unwrap_or_default().into());
                if self.participants.callee.tag.is_none() {
                    self.participants.callee.tag = to_tag.map(Into::into);
                }
            }
        }
        let was_open = status >= 200 && self.txns.txns[idx as usize].open;
        self.txns
            .on_response(idx, meta, status, phrase, to_tag, || {
                reason_info(msg, frame)
            });
        if was_open {
            self.txns.txns[idx as usize].open = false;
            self.open_txns = self.open_txns.saturating_sub(1);
        }
        let t: &TxnState = &self.txns.txns[idx as usize];
        let feature = t.feature;
        let initial = t.initial;

        match cseq.method {
            Method::Invite => {
                if initial
                    && status > 100
                    && to_tag.is_some()
                    && self.participants.callee.tag.is_none()
                {
                    self.participants.callee.tag = to_tag.map(Into::into);
                }
                let d = if initial {
                    self.dialogs
                        .on_response(from_tag, to_tag, status, frame, Usage::Invite)
                } else {
                    self.dialogs.find(from_tag, to_tag)
                };
                if (200..300).contains(&status) {
                    let known = self
                        .answers
                        .iter()
                        .any(|a| a.cseq == cseq.seq && a.to_tag.as_deref() == to_tag);
                    if !known && self.answers.len() < MAX_LIST {
                        self.answers.push(Answer {
                            cseq: cseq.seq,
                            to_tag: to_tag.map(Into::into),
                        });
                    }
                }
                if (101..200).contains(&status) && msg.requires("100rel") {
                    if let Some(rseq) = msg.rseq() {
                        self.prack
                            .on_reliable(cseq.seq, to_tag, rseq, status, frame, meta.time);
                    }
                }
                if status >= 200 {
                    self.prack.on_invite_final(cseq.seq, to_tag);
                    self.session_change_status(feature, status, frame);
                }
                d
            }
            Method::Prack => {
                if let Feature::Prack(i) = feature {
                    self.prack.on_prack_response(i, status, frame, meta.time);
                }
                self.dialogs.find(from_tag, to_tag)
            }
            Method::Update => {
                if status >= 200 {
                    self.session_change_status(feature, status, frame);
                }
                self.dialogs.find(from_tag, to_tag)
            }
            Method::Refer => {
                if let Feature::Refer(i) = feature {
                    self.transfers
                        .on_refer_response(i, status, frame, msg.refer_sub());
                }
                if status >= 200 {
                    self.dialogs
                        .on_response(from_tag, to_tag, status, frame, Usage::Refer)
                } else {
                    self.dialogs.find(from_tag, to_tag)
                }
            }
            Method::Notify | Method::Benotify => {
                if let Feature::ReferNotify(t, n) = feature {
                    self.transfers.on_notify_response(t, n, status);
                }
                self.dialogs.find(from_tag, to_tag)
            }
            Method::Subscribe => {
                if let Feature::Subscribe(i) = feature {
                    self.subs
                        .on_subscribe_response(i, status, msg.expires(), frame);
                }
                if status >= 200 {
                    self.dialogs
                        .on_response(from_tag, to_tag, status, frame, Usage::Subscribe)
                } else {
                    self.dialogs.find(from_tag, to_tag)
                }
            }
            Method::Register => {
                if let (Feature::Register(c), true) = (feature, status >= 200) {
                    self.registration
                        .get_or_insert_with(Default::default)
                        .on_response(c, register_response(msg, status), frame, meta.time);
                }
                None
            }
            _ => self.dialogs.find(from_tag, to_tag),
        }
    }

    fn session_change_status(&mut self, feature: Feature, status: u16, frame: u64) {
        if let Feature::SessionChange(i) = feature {
            if let Some(c) = self.changes.get_mut(i as usize) {
                if c.status.is_none() {
                    c.status = Some(status);
                    c.status_frame = Some(frame);
                }
            }
        }
    }

    /// The kind, from the methods seen (precedence in docs/call-states.md §Kind).
    pub(crate) fn kind(&self) -> Kind {
        let k = self.kinds;
        if k & K_CALL != 0 {
            Kind::Call
        } else if k & K_REG != 0 {
            Kind::Registration
        } else if k & K_SUB != 0 {
            Kind::Subscription
        } else if k & K_MSG != 0 {
            Kind::Message
        } else if k & K_OPT != 0 {
            Kind::Options
        } else {
            Kind::Other
        }
    }

    /// The deciding INVITE transaction and the first initial one.
    fn deciding_invite(&self) -> (Option<&TxnState>, Option<&TxnState>) {
        let caller = tag_hash(self.caller_tag.as_deref());
        let mut deciding: Option<&TxnState> = None;
        let mut first: Option<&TxnState> = None;
        let when = |t: &TxnState| {
            t.rec
                .request_time
                .or(t.final_time())
                .or(t.last_provisional())
                .unwrap_or(Timestamp(0))
        };
        for t in self.txns.txns.iter() {
            if !(t.initial && &*t.rec.method == "INVITE" && t.from_tag == caller) {
                continue;
            }
            if first.is_none() {
                first = Some(t);
            }
            let better = match deciding {
                None => true,
                Some(d) => {
                    (t.rec.cseq, std::cmp::Reverse(t.via_count), when(t))
                        >= (d.rec.cseq, std::cmp::Reverse(d.via_count), when(d))
                }
            };
            if better {
                deciding = Some(t);
            }
        }
        (deciding, first)
    }

    /// The last transaction expecting a response whose request was seen: (final, sent).
    fn last_request(&self, method: Option<&str>) -> Option<(&TxnState, Timestamp)> {
        self.txns
            .txns
            .iter()
            .filter(|t| t.rec.expects_response && method.is_none_or(|m| &*t.rec.method == m))
            .filter_map(|t| {
                t.rec
                    .request_time
                    .map(|rt| (t, t.last_request_time().unwrap_or(rt)))
            })
            .max_by_key(|(t, _)| {
                (
                    t.rec.cseq,
                    std::cmp::Reverse(t.via_count),
                    t.rec.request_time,
                )
            })
    }

    /// True when the call had a deciding INVITE (a session attempt for the metrics).
    pub(crate) fn is_session_attempt(&self) -> bool {
        self.kind() == Kind::Call && self.deciding_invite().0.is_some()
    }

    /// True when the call has finished (docs/call-states.md §Streaming), remembering a
    /// "no" that only a message can change
    /// (streaming asks each quiet call once per second of capture time: an answered call
    /// waiting for its BYE was asked for every second of its conversation, each time
    /// reading its transactions, tags and ACKs from memory gone cold).
    pub(crate) fn finished_now(&mut self, now: Timestamp) -> bool {
        if now.0 < self.unfinished_until {
            return false;
        }
        let (finished, until) = self.finished_until(now);
        self.unfinished_until = until;
        finished
    }

    /// Whether the call has finished, and until when (capture time) a "no" stays a "no"
    /// without a message: `i64::MAX` when no timer can end the call, `i64::MIN` when the
    /// answer depends on the time (timers B and C, subscriptions) or is "yes".
    fn finished_until(&self, now: Timestamp) -> (bool, i64) {
        if self.open_txns > 0 {
            // a transaction closes with its final response, a message
            return (false, i64::MAX);
        }
        match self.kind() {
            Kind::Call => {
                let (d, _) = self.deciding_invite();
                let (v, timeless) = match d {
                    Some(d) => {
                        let facts = self.invite_facts(d);
                        // with a final response or evidence of an answer the state does
                        // not depend on the time (state::call_state)
                        let timeless = facts.final_status.is_some() || facts.answered_evidence;
                        (state::call_state(&facts, now).state, timeless)
                    }
                    None => (state::joined_late_state(&self.late), true),
                };
                let finished = state::is_terminal_call_state(v);
                let until = if !finished && timeless {
                    i64::MAX
                } else {
                    i64::MIN
                };
                (finished, until)
            }
            Kind::Subscription => (self.subs.all_ended(), i64::MIN),
            _ => (true, i64::MIN),
        }
    }

    fn invite_facts(&self, d: &TxnState) -> InviteFacts {
        let final_status = d
            .first_2xx
            .as_ref()
            .map(|a| a.status)
            .or(d.rec.final_status);
        let answered_evidence =
            self.first_bye.is_some() || self.acks.iter().any(|a| a.cseq == d.rec.cseq);
        InviteFacts {
            final_status,
            provisional: d.rec.provisionals.iter().any(|p| p.status > 100),
            last_request: d.last_request_time(),
            last_provisional: d.last_provisional(),
            bye: self.first_bye.is_some(),
            answered_evidence,
        }
    }

    /// Builds the exported record. `now` is the latest capture time (timers).
    pub(crate) fn finish(mut self, now: Timestamp, closed: Closed) -> Call {
        let kind = self.kind();
        let session_attempt = self.is_session_attempt();
        let mut flags: Vec<&'static str> = Vec::new();
        if self.joined_late {
            flags.push("joined-late");
        }
        let mut timings = Timings::default();
        let mut final_status = None;
        let mut final_reason: Option<Atom> = None;
        let mut reason = None;
        let mut hangup = None;
        let mut registration: Option<Registration> = None;
        let state_word: &'static str;

        match kind {
            Kind::Call => {
                let (deciding, first) = self.deciding_invite();
                let deciding_final = deciding.and_then(|d| d.final_time());
                let forked = deciding.is_some_and(|d| d.forked());
                // the callee is the fork that answered
                let answered_tag = deciding
                    .and_then(|d| d.first_2xx.as_ref())
                    .and_then(|a| a.to_tag.clone());
                // a CANCEL seen before the INVITE's first response, when the INVITE itself
                // was not captured, could not be linked to it: count it
                let deciding_cancelled = deciding.map(|d| {
                    d.rec.cancelled_by.is_some()
                        || (d.rec.request_frame.is_none() && self.cancel_seen)
                });
                if let Some(d) = deciding {
                    let facts = self.invite_facts(d);
                    let v = state::call_state(&facts, now);
                    state_word = v.state;
                    if v.timed_out {
                        flags.push("no-final-response");
                    }
                    if v.answer_not_captured {
                        flags.push("answer-not-captured");
                    }
                    final_status = facts.final_status;
                    final_reason = match &d.first_2xx {
                        Some(a) => a.phrase.clone(),
                        None => d.final_phrase.clone(),
                    };
                    // post-dial delay: the first answer the caller got to any of its
                    // initial INVITEs (after a failover, to a later one)
                    let first_response = first.and_then(|f| {
                        self.txns
                            .txns
                            .iter()
                            .filter(|t| {
                                t.initial
                                    && &*t.rec.method == "INVITE"
                                    && t.from_tag == f.from_tag
                                    && t.rec.sent_by == f.rec.sent_by
                            })
                            .filter_map(|t| t.first_non100())
                            .min()
                    });
                    timings = timing::call_timings(
                        d,
                        first,
                        first_response,
                        self.first_bye.map(|b| {
                            (
                                b.time,
                                b.txn.and_then(|i| self.txns.txns[i as usize].final_time()),
                            )
                        }),
                        |cseq, tag, after| {
                            self.acks
                                .iter()
                                .filter(|a| {
                                    a.cseq == cseq && a.to_tag.as_deref() == tag && a.time >= after
                                })
                                .map(|a| a.time)
                                .min()
                        },
                    );
                    reason = self
                        .bye_reason
                        .clone()
                        .or(self.cancel_reason.clone())
                        .or(d.final_reason().cloned());
                    if d.rec.cancelled_by.is_some()
                        && final_status.is_some_and(|s| (200..300).contains(&s))
                    {
                        flags.push("cancel-lost-race");
                    }
                } else {
                    state_word = state::joined_late_state(&self.late);
                    reason = self.bye_reason.clone().or(self.cancel_reason.clone());
                }
                hangup = self.first_bye.map(|b| b.side);
                if answered_tag.is_some() {
                    self.participants.callee.tag = answered_tag;
                }
                // RFC 3261 §13.2.2.4: early dialogs that never got their own 2xx end with
                // the INVITE transaction.
                if deciding_final.is_some() {
                    let caller = self.caller_tag.clone();
                    for dl in self.dialogs.list.iter_mut() {
                        if dl.usage == Usage::Invite
                            && dl.state == DialogState::Early
                            && dl.from_tag == caller
                        {
                            dl.state = DialogState::Terminated;
                        }
                    }
                }
                let unacked = self.answers.iter().any(|a| {
                    !self
                        .acks
                        .iter()
                        .any(|k| k.cseq == a.cseq && k.to_tag.as_deref() == a.to_tag.as_deref())
                });
                if unacked {
                    flags.push("answered-without-ack");
                }
                if forked {
                    flags.push("forked");
                }
                let challenged = self.txns.txns.iter().any(|t| {
                    t.initial
                        && &*t.rec.method == "INVITE"
                        && matches!(t.rec.final_status, Some(401 | 407))
                });
                if challenged {
                    flags.push("auth-challenged");
                }
                // a CANCEL aimed at the deciding INVITE (a proxy cancelling the other forks
                // of an answered call does not count); without one, any CANCEL
                let cancelled = match deciding_cancelled {
                    Some(c) => c,
                    None => self.cancel_seen,
                };
                if cancelled {
                    flags.push("cancel-sent");
                }
            }
            Kind::Registration => {
                let v = match self.registration.as_ref().and_then(|r| r.deciding()) {
                    Some((status, unregister, last)) => {
                        final_status = status;
                        state::registration_state(status, unregister, last, now)
                    }
                    None => state::request_state(None, now),
                };
                state_word = v.state;
                if v.timed_out {
                    flags.push("no-final-response");
                }
                if let Some((t, _)) = self.last_request(Some("REGISTER")) {
                    final_reason = t.final_phrase.clone();
                }
                let (rec, rrd) = self
                    .registration
                    .take()
                    .map(|r| (*r).finish())
                    .unwrap_or_default();
                timings.rrd = rrd;
                if rec.auth_challenges > 0 {
                    flags.push("auth-challenged");
                }
                registration = Some(rec);
            }
            _ => {
                let sub_state = if kind == Kind::Subscription {
                    self.subs.state(now)
                } else {
                    None
                };
                let last = self.last_request(None);
                final_status = last.and_then(|(t, _)| t.rec.final_status);
                final_reason = last.and_then(|(t, _)| t.final_phrase.clone());
                match sub_state {
                    Some(s) => state_word = s,
                    None => {
                        let v = state::request_state(
                            last.map(|(t, sent)| (t.rec.final_status, sent)),
                            now,
                        );
                        state_word = v.state;
                        if v.timed_out {
                            flags.push("no-final-response");
                        }
                    }
                }
            }
        }

        if self.txns.any_unanswered() {
            flags.push("unanswered-requests");
        }
        if self.retransmissions > 0 {
            flags.push("retransmissions");
        }
        if self.prack.any_problem() {
            flags.push("prack-problems");
        }
        if self.transfers.len() > 0 {
            flags.push("transferred");
        }
        if self.transferred_from.is_some() {
            flags.push("transfer-target");
        }
        if self.dropped > 0 {
            flags.push("messages-dropped");
        }
        if self.txns.dropped > 0 {
            flags.push("transactions-dropped");
        }
        if closed == Closed::Evicted {
            flags.push("evicted");
        }

        // The packet layer may complete a message late (TCP data behind a hole): keep the
        // list in capture order.
        if !self.messages.is_sorted_by_key(|m| m.frame) {
            self.messages.sort_by_key(|m| m.frame);
        }
        if registration.is_none() {
            registration = self.registration.take().map(|r| (*r).finish().0);
        }
        Call {
            call_id: self.call_id,
            kind,
            state: state_word,
            start: self.start,
            end: self.end,
            first_frame: self.first_frame,
            last_frame: self.last_frame,
            flags,
            participants: self.participants,
            final_status,
            final_reason,
            reason,
            hangup,
            timings,
            messages: self.messages,
            messages_dropped: self.dropped,
            legs: self.legs.into_vec(),
            dialogs: self.dialogs.list,
            transactions: self.txns.txns.into_iter().map(|t| t.rec).collect(),
            prack: self.prack.finish(),
            transfers: self.transfers.finish(),
            transferred_from: self.transferred_from,
            registration,
            subscriptions: self.subs.finish(),
            dtmf: self.dtmf,
            session_changes: self.changes,
            closed,
            session_attempt,
        }
    }
}

/// What a REGISTER asks for.
fn register_info(msg: &Message<'_>, cseq: u32, via_count: u32) -> RegisterInfo {
    let mut contacts = Vec::new();
    let mut star = false;
    let mut all_zero = true;
    let mut first_expires = None;
    for c in msg.contacts() {
        match c {
            Contact::Star => star = true,
            Contact::Addr(a) => {
                let e = c.expires().or(msg.expires());
                if first_expires.is_none() {
                    first_expires = e;
                }
                if e != Some(0) {
                    all_zero = false;
                }
                if contacts.len() < 32 {
                    contacts.push(a.uri.into());
                }
            }
        }
    }
    let header = msg.expires();
    let expires = header.or(first_expires);
    // Removal: `Contact: *`, or every binding's expiry (its parameter, else the header) 0.
    let unregister = star || (!contacts.is_empty() && all_zero);
    RegisterInfo {
        cseq,
        via_count,
        expires,
        unregister,
        contacts,
        aor: msg.to().map(|t| t.uri.into()),
    }
}

/// What a final response to REGISTER says.
fn register_response(msg: &Message<'_>, status: u16) -> RegisterResponse {
    let mut contacts = Vec::new();
    let mut expires = None;
    for c in msg.contacts() {
        if let Contact::Addr(a) = c {
            if expires.is_none() {
                expires = c.expires();
            }
            if contacts.len() < 32 {
                contacts.push(a.uri.into());
            }
        }
    }
    RegisterResponse {
        status,
        contacts,
        expires: expires.or(msg.expires()),
    }
}
