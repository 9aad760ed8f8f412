//! Transactions (RFC 3261 §17) and retransmissions.
//!
//! Both ends of a hop see the same top Via, so one key serves requests (server side,
//! §17.2.3) and responses (client side, §17.1.3): branch + sent-by + method, where the
//! method of a response is its CSeq method. Branches without the `z9hG4bK` cookie come
//! from RFC 2543 peers and are not unique, so for them the key becomes sent-by + branch
//! text + CSeq number + CSeq method + From tag (the §17.2.3 fallback minus the
//! Request-URI and To tag, which responses cannot match). An ACK joins the INVITE
//! transaction of the same key when that transaction ended with a non-2xx; an ACK to a 2xx
//! is a transaction of its own. A CANCEL shares the INVITE's branch but is keyed with its
//! own method.
//!
//! Lookups hash the borrowed key parts (no allocation per message) and verify the stored
//! parts on a hit, so a hash collision can never merge two transactions.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;
use smallvec::SmallVec;

use super::head::Head;
use super::intern::{Atom, Interner};
use super::model::{Provisional, ReasonInfo, Transaction};
use super::small_map::SmallMap;
use crate::meta::{MessageMeta, Timestamp};
use crate::sip::{Message, Method};

/// Distinct messages remembered per transaction for retransmission detection; beyond it
/// new messages are simply not recognised as resends (bounded memory on hostile input).
const MAX_FINGERPRINTS: usize = 64;
/// Distinct provisional responses listed per transaction.
const MAX_PROVISIONALS: usize = 16;
/// Transactions kept per call. A Call-ID flooded with requests of distinct branches (an
/// OPTIONS storm reusing one Call-ID) would otherwise keep a 330-byte state per request
/// for the call's lifetime; beyond the cap new transactions are counted, not kept, and
/// their messages belong to no transaction.
pub(crate) const MAX_TRANSACTIONS: usize = 8192;

/// What a transaction's request started, so that its responses (on any leg) reach it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Feature {
    /// Nothing to follow beyond the transaction itself.
    #[default]
    None,
    /// A PRACK: index into the PRACK records.
    Prack(u32),
    /// A REFER: index into the transfers.
    Refer(u32),
    /// A NOTIFY of a transfer: (transfer, notify).
    ReferNotify(u32, u32),
    /// A SUBSCRIBE: index into the subscriptions.
    Subscribe(u32),
    /// A NOTIFY/BENOTIFY of a subscription.
    SubNotify(u32),
    /// A re-INVITE or UPDATE: index into the session changes.
    SessionChange(u32),
    /// A REGISTER: its CSeq number.
    Register(u32),
}

/// One transaction with what the engine needs beyond its export record.
#[derive(Debug)]
pub(crate) struct TxnState {
    /// The export record.
    pub rec: Transaction,
    /// Length of the sent-by host inside `rec.sent_by` (`host[:port]` or `[v6][:port]`):
    /// the key's host is read from there instead of a second interned copy (16 bytes).
    host_len: u32,
    /// The sent-by host is an IPv6 reference (`rec.sent_by` starts with `[`).
    host_ipv6: bool,
    port: u16,
    /// The RFC 2543 From tag and the final response's Reason header, which few
    /// transactions have: one box, so that the others carry 8 bytes, not 24.
    rare: Option<Box<Rare>>,
    seen: SmallVec<[u32; 6]>,
    /// Number of Via headers of the first message seen (request, or response when the
    /// request was not captured): the caller's own hop has the fewest.
    pub via_count: u32,
    /// Hash of the From tag of the transaction's messages (see [`tag_hash`]).
    pub from_tag: u64,
    /// An INVITE that creates a dialog (no To tag), see `docs/call-states.md`.
    pub initial: bool,
    /// The optional times below (`last_request_time` ... `final_time`), without an
    /// `Option` each: four `Option<Timestamp>` took 64 bytes, these 33 (the flags share
    /// the padding of the small fields), which keeps a basic call's three states under
    /// glibc's 1 KB small-chunk limit (see `locate`).
    times: [Timestamp; 4],
    /// Bit `1 << T_*` set when `times[T_*]` holds a time.
    times_set: u8,
    /// Reason phrase of that final response.
    pub final_phrase: Option<Atom>,
    /// First 2xx of an INVITE transaction (a forked INVITE can get several; the first
    /// answers the call). Only the deciding INVITE's is read (`CallBuilder::finish`), so
    /// other methods keep none: two allocations saved per answered BYE, REGISTER, OPTIONS.
    pub first_2xx: Option<Box<FirstAnswer>>,
    /// Hash of the first To tag of its responses (when `to_tag_count` > 0).
    first_to_tag: u32,
    /// Distinct To tags of its responses: 0, 1, or 2 for two or more (a forked INVITE).
    /// Only "forked or not" is asked, so no list of tags is kept (it took 24 bytes).
    to_tag_count: u8,
    /// Counted among the call's open transactions (request seen, expects a response, no
    /// final response yet).
    pub open: bool,
    /// Feature started by the request.
    pub feature: Feature,
}

/// The rarely present parts of a transaction (see `TxnState::rare`).
#[derive(Debug, Default)]
struct Rare {
    /// From tag, part of the key of an RFC 2543 transaction.
    legacy_from_tag: Option<Box<str>>,
    /// Reason header of the first final response.
    final_reason: Option<ReasonInfo>,
}

/// Slots of `TxnState::times`.
const T_LAST_REQUEST: usize = 0;
const T_FIRST_NON100: usize = 1;
const T_LAST_PROVISIONAL: usize = 2;
const T_FINAL: usize = 3;

impl TxnState {
    fn time(&self, slot: usize) -> Option<Timestamp> {
        (self.times_set & (1 << slot) != 0).then_some(self.times[slot])
    }
    fn set_time(&mut self, slot: usize, t: Timestamp) {
        self.times[slot] = t;
        self.times_set |= 1 << slot;
    }
    /// Last transmission of the request (retransmissions included), for Timer B/F.
    pub(crate) fn last_request_time(&self) -> Option<Timestamp> {
        self.time(T_LAST_REQUEST)
    }
    /// First non-100 response (SRD).
    pub(crate) fn first_non100(&self) -> Option<Timestamp> {
        self.time(T_FIRST_NON100)
    }
    /// Last provisional response (Timer C).
    pub(crate) fn last_provisional(&self) -> Option<Timestamp> {
        self.time(T_LAST_PROVISIONAL)
    }
    /// First final response.
    pub(crate) fn final_time(&self) -> Option<Timestamp> {
        self.time(T_FINAL)
    }
    /// From tag of an RFC 2543 transaction (part of its key).
    fn legacy_from_tag(&self) -> Option<&str> {
        self.rare.as_ref()?.legacy_from_tag.as_deref()
    }
    /// Reason header of the first final response.
    pub(crate) fn final_reason(&self) -> Option<&ReasonInfo> {
        self.rare.as_ref()?.final_reason.as_ref()
    }
    /// Its responses carried two or more distinct To tags (a forked INVITE).
    pub(crate) fn forked(&self) -> bool {
        self.to_tag_count >= 2
    }
    /// The sent-by host (as sent; compared ignoring ASCII case).
    fn host(&self) -> &str {
        let start = usize::from(self.host_ipv6);
        &self.rec.sent_by[start..start + self.host_len as usize]
    }
}

/// The first 2xx of a transaction.
#[derive(Clone, Debug)]
pub(crate) struct FirstAnswer {
    /// Time of its first sighting.
    pub time: Timestamp,
    /// Its To tag.
    pub to_tag: Option<Box<str>>,
    /// Its status.
    pub status: u16,
    /// Its reason phrase.
    pub phrase: Option<Atom>,
}

/// Borrowed key parts of a message.
#[derive(Clone, Copy, Debug)]
struct Key<'a> {
    legacy: bool,
    branch: Option<&'a str>,
    host: &'a str,
    port: u16,
    method: &'a str,
    cseq: u32,
    from_tag: Option<&'a str>,
}

impl Key<'_> {
    fn with_method<'m>(&self, method: &'m str) -> Key<'m>
    where
        Self: 'm,
    {
        Key { method, ..*self }
    }

    fn hash64(&self) -> u64 {
        let mut h = FxHasher::default();
        self.legacy.hash(&mut h);
        if let Some(b) = self.branch {
            h.write(b.as_bytes());
        }
        h.write_u8(0xff);
        // The host without regard to case, eight bytes at a time: each byte with bit 0x20
        // set (ASCII letters fold to lower case; the few other bytes that fold together
        // only collide, `matches` decides).
        let host = self.host.as_bytes();
        let mut words = host.chunks_exact(8);
        for w in &mut words {
            h.write_u64(u64::from_le_bytes(w.try_into().unwrap()) | 0x2020_2020_2020_2020);
        }
        let mut last = host.len() as u64; // in the top byte: a rest of 0-7 bytes
        for (i, &c) in words.remainder().iter().enumerate() {
            last ^= ((c | 0x20) as u64) << (8 * i);
        }
        h.write_u64(last.rotate_right(8));
        self.port.hash(&mut h);
        h.write(self.method.as_bytes());
        h.write_u8(0xff);
        if self.legacy {
            h.write_u32(self.cseq);
            if let Some(t) = self.from_tag {
                h.write(t.as_bytes());
            }
        }
        h.finish()
    }

    fn matches(&self, t: &TxnState) -> bool {
        t.rec.rfc2543 == self.legacy
            && t.rec.branch.as_deref() == self.branch
            && t.port == self.port
            && eq_host(t.host(), self.host)
            && &*t.rec.method == self.method
            && (!self.legacy || (t.rec.cseq == self.cseq && t.legacy_from_tag() == self.from_tag))
    }
}

/// Hosts compare without regard to case; they are nearly always written the same, which
/// one `memcmp` settles (`eq_ignore_ascii_case` folds byte by byte).
#[inline]
fn eq_host(a: &str, b: &str) -> bool {
    a.len() == b.len() && (a == b || a.eq_ignore_ascii_case(b))
}

/// Where a message landed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Located {
    /// Transaction index.
    pub idx: u32,
    /// The transaction was created by this message.
    pub created: bool,
    /// The message is an ACK that joined an INVITE transaction (ACK to a non-2xx).
    pub ack_of_invite: bool,
}

/// The transactions of one call.
#[derive(Debug, Default)]
pub(crate) struct TxnTable {
    /// All transactions in order of first sighting.
    pub txns: Vec<TxnState>,
    index: SmallMap<u32>,
    /// Transactions not kept because of `MAX_TRANSACTIONS`.
    pub dropped: u64,
}

/// The sent-by port, the transport's default when absent (RFC 3261 §18.2.2: 5060, or 5061
/// for TLS), so that `host` and `host:5060` name the same sender.
fn port_of(via: &crate::sip::Via<'_>) -> u16 {
    via.sent_by.port.unwrap_or_else(|| {
        if via.transport.eq_ignore_ascii_case("TLS") || via.transport.eq_ignore_ascii_case("WSS") {
            5061
        } else {
            5060
        }
    })
}

/// Writes the sent-by text (`host`, `[v6]`, then `:port` when given) into `s`.
fn sent_by_text(s: &mut String, host: &str, ipv6: bool, port: Option<u16>) {
    s.clear();
    if ipv6 {
        s.push('[');
    }
    s.push_str(host);
    if ipv6 {
        s.push(']');
    }
    if let Some(p) = port {
        s.push(':');
        let mut digits = [0u8; 5];
        let mut i = digits.len();
        let mut p = p;
        loop {
            i -= 1;
            digits[i] = b'0' + (p % 10) as u8;
            p /= 10;
            if p == 0 {
                break;
            }
        }
        for &d in &digits[i..] {
            s.push(d as char);
        }
    }
}

impl TxnTable {
    fn find(&self, key: &Key<'_>) -> Option<u32> {
        self.find_hashed(key, key.hash64())
    }

    fn find_hashed(&self, key: &Key<'_>, hash: u64) -> Option<u32> {
        self.index
            .find(hash, |i| key.matches(&self.txns[i as usize]))
    }

    /// Finds or creates the transaction of `msg`. `None` when the message has no top Via
    /// or no CSeq (it then belongs to no transaction).
    pub(crate) fn locate(
        &mut self,
        head: &Head<'_>,
        meta: &MessageMeta,
        leg: u32,
        interner: &mut Interner,
    ) -> Option<Located> {
        let via = head.via?;
        let cseq = head.cseq?;
        let request_method = head.method;
        let method = request_method.unwrap_or(cseq.method);
        let legacy = !via.is_rfc3261_branch();
        let from_tag = head.from_tag();
        let key = Key {
            legacy,
            branch: via.branch,
            host: via.sent_by.host,
            port: port_of(&via),
            method: method.as_str(),
            cseq: cseq.seq,
            from_tag,
        };

        if request_method == Some(Method::Ack) {
            // ACK to a non-2xx final belongs to the INVITE transaction (§17.1.1.3).
            let inv = key.with_method("INVITE");
            if let Some(i) = self.find(&inv) {
                if self.txns[i as usize]
                    .rec
                    .final_status
                    .is_some_and(|s| s >= 300)
                {
                    return Some(Located {
                        idx: i,
                        created: false,
                        ack_of_invite: true,
                    });
                }
            }
        }
        let hash = key.hash64();
        if let Some(i) = self.find_hashed(&key, hash) {
            return Some(Located {
                idx: i,
                created: false,
                ack_of_invite: false,
            });
        }

        if self.txns.len() >= MAX_TRANSACTIONS {
            self.dropped += 1;
            return None;
        }
        let is_request = request_method.is_some();
        let sent_by = interner
            .intern_with(|s| sent_by_text(s, via.sent_by.host, via.sent_by.ipv6, via.sent_by.port));
        let rec = Transaction {
            method: interner.method(method),
            cseq: cseq.seq,
            branch: via.branch.map(Into::into),
            sent_by,
            rfc2543: legacy,
            leg,
            request_frame: is_request.then_some(meta.frame),
            request_time: is_request.then_some(meta.time),
            retransmissions: 0,
            provisionals: Vec::new(),
            final_status: None,
            final_frame: None,
            response_time: None,
            ack_frame: None,
            cancelled_by: None,
            cancels: None,
            expects_response: !matches!(method, Method::Ack | Method::Benotify),
        };
        let state = TxnState {
            rec,
            host_len: via.sent_by.host.len() as u32,
            host_ipv6: via.sent_by.ipv6,
            port: port_of(&via),
            rare: match from_tag {
                Some(tag) if legacy => Some(Box::new(Rare {
                    legacy_from_tag: Some(tag.into()),
                    final_reason: None,
                })),
                _ => None,
            },
            seen: SmallVec::new(),
            via_count: head.via_count,
            from_tag: tag_hash(from_tag),
            initial: false,
            times: [Timestamp(0); 4],
            times_set: 0,
            final_phrase: None,
            first_2xx: None,
            first_to_tag: 0,
            to_tag_count: 0,
            open: false,
            feature: Feature::None,
        };
        let idx = self.txns.len() as u32;
        if self.txns.len() == self.txns.capacity() {
            // A transaction is large and a call has few (OPTIONS 1, REGISTER 2, a basic
            // call 3: INVITE, ACK, BYE), kept 32 s after the call ends: grow 1, 3, then
            // double, instead of Vec's 4, 8 (a quarter of a busy capture's memory was
            // room for transactions that never came). A call opened by an INVITE gets its
            // 3 at once (the 1 -> 3 realloc copied a state in nearly every call).
            let more = match self.txns.len() {
                0 if method == Method::Invite && is_request => 3,
                0 => 1,
                1 => 2,
                n => n,
            };
            self.txns.reserve_exact(more);
        }
        self.txns.push(state);
        self.index.insert(hash, idx);
        Some(Located {
            idx,
            created: true,
            ack_of_invite: false,
        })
    }

    /// The INVITE transaction a CANCEL (same branch and sent-by) is aimed at.
    pub(crate) fn invite_of_cancel(&self, msg: &Message<'_>) -> Option<u32> {
        let via = msg.top_via()?;
        let cseq = msg.cseq()?;
        let from = msg.from();
        let key = Key {
            legacy: !via.is_rfc3261_branch(),
            branch: via.branch,
            host: via.sent_by.host,
            port: port_of(&via),
            method: "INVITE",
            cseq: cseq.seq,
            from_tag: from.as_ref().and_then(|f| f.tag),
        };
        self.find(&key)
    }

    /// Records the message's fingerprint; true if the same message of this transaction
    /// was already seen on the same hop (a retransmission).
    pub(crate) fn check_retransmission(&mut self, idx: u32, fingerprint: u64) -> bool {
        // 32 bits tell the few messages of one transaction apart
        let fingerprint = (fingerprint ^ (fingerprint >> 32)) as u32;
        let t = &mut self.txns[idx as usize];
        if t.seen.contains(&fingerprint) {
            t.rec.retransmissions += 1;
            return true;
        }
        if t.seen.len() < MAX_FINGERPRINTS {
            t.seen.push(fingerprint);
        }
        false
    }

    /// A (non-retransmitted or retransmitted) sighting of the transaction's request.
    pub(crate) fn on_request(&mut self, idx: u32, meta: &MessageMeta) {
        let t = &mut self.txns[idx as usize];
        t.set_time(T_LAST_REQUEST, meta.time);
        if t.rec.request_frame.is_none() {
            t.rec.request_frame = Some(meta.frame);
            t.rec.request_time = Some(meta.time);
        }
    }

    /// A first sighting of a response of the transaction.
    pub(crate) fn on_response(
        &mut self,
        idx: u32,
        meta: &MessageMeta,
        status: u16,
        phrase: Option<Atom>,
        to_tag: Option<&str>,
        reason: impl FnOnce() -> Option<ReasonInfo>,
    ) {
        let t = &mut self.txns[idx as usize];
        if let Some(tag) = to_tag.filter(|_| status > 100) {
            let mut h = FxHasher::default();
            h.write(tag.as_bytes());
            let h = h.finish() as u32;
            match t.to_tag_count {
                0 => {
                    t.first_to_tag = h;
                    t.to_tag_count = 1;
                }
                1 if h != t.first_to_tag => t.to_tag_count = 2,
                _ => {}
            }
        }
        if status > 100 && t.first_non100().is_none() {
            t.set_time(T_FIRST_NON100, meta.time);
        }
        if status < 200 {
            t.set_time(T_LAST_PROVISIONAL, meta.time);
            let known = t
                .rec
                .provisionals
                .iter()
                .any(|p| p.status == status && p.to_tag.as_deref() == to_tag);
            if !known && t.rec.provisionals.len() < MAX_PROVISIONALS {
                t.rec.provisionals.push(Provisional {
                    status,
                    frame: meta.frame,
                    to_tag: to_tag.map(Into::into),
                });
            }
            return;
        }
        if (200..300).contains(&status) && t.first_2xx.is_none() && &*t.rec.method == "INVITE" {
            t.first_2xx = Some(Box::new(FirstAnswer {
                time: meta.time,
                to_tag: to_tag.map(Into::into),
                status,
                phrase: phrase.clone(),
            }));
        }
        if t.rec.final_status.is_none() {
            t.rec.final_status = Some(status);
            t.rec.final_frame = Some(meta.frame);
            t.set_time(T_FINAL, meta.time);
            t.final_phrase = phrase;
            if let Some(r) = reason() {
                t.rare.get_or_insert_with(Default::default).final_reason = Some(r);
            }
            t.rec.response_time = t.rec.request_time.map(|rq| meta.time.secs_since(rq));
        }
    }

    /// Transactions that expect a response and have none.
    pub(crate) fn any_unanswered(&self) -> bool {
        self.txns.iter().any(|t| {
            t.rec.expects_response && t.rec.final_status.is_none() && t.rec.request_frame.is_some()
        })
    }
}

/// A 64-bit stand-in for a tag, to compare tags without keeping a copy per transaction
/// (0 for no tag).
pub(crate) fn tag_hash(tag: Option<&str>) -> u64 {
    match tag {
        None => 0,
        Some(t) => {
            let mut h = FxHasher::default();
            h.write(t.as_bytes());
            h.finish() | 1
        }
    }
}

/// Fingerprint of "the same message on the same hop": addresses, and the method and CSeq
/// (requests) or the status, To tag and RSeq (responses).
pub(crate) fn fingerprint(meta: &MessageMeta, msg: &Message<'_>, head: &Head<'_>) -> u64 {
    let mut h = FxHasher::default();
    meta.src.hash(&mut h);
    meta.dst.hash(&mut h);
    match head.method {
        Some(m) => {
            h.write_u8(1);
            h.write(m.as_str().as_bytes());
            head.cseq.map(|c| c.seq).hash(&mut h);
        }
        None => {
            h.write_u8(2);
            head.status.hash(&mut h);
            if let Some(t) = head.to_tag() {
                h.write(t.as_bytes());
            }
            h.write_u8(0xff);
            msg.rseq().hash(&mut h);
        }
    }
    h.finish()
}
/// A call opened by an INVITE reserves three states at once (`locate`); glibc serves
/// requests under 1,008 bytes from its small bins, larger ones from the large bins after
/// consolidating its fast free lists (about 1,000 instructions per call on the bench
/// captures). Keep three states under that line.
#[cfg(all(test, target_pointer_width = "64"))]
#[test]
fn three_states_fit_a_small_chunk() {
    assert!(3 * std::mem::size_of::<TxnState>() <= 1000);
}

/// Keys whose hosts differ only in the case of letters hash alike (`matches` compares hosts
/// without regard to case), whatever the host's length; other hosts mostly differ.
#[cfg(test)]
#[test]
fn key_hash_ignores_the_case_of_the_host() {
    fn key(host: &str) -> Key<'_> {
        Key {
            legacy: false,
            branch: Some("z9hG4bK1"),
            host,
            port: 5060,
            method: "INVITE",
            cseq: 1,
            from_tag: None,
        }
    }
    let base = "Host-1.Example.COM.a.b.c";
    let mut hashes = std::collections::HashSet::new();
    for n in 0..=base.len() {
        let h = &base[..n];
        let (lower, upper) = (h.to_ascii_lowercase(), h.to_ascii_uppercase());
        assert_eq!(key(h).hash64(), key(&lower).hash64(), "{h}");
        assert_eq!(key(h).hash64(), key(&upper).hash64(), "{h}");
        hashes.insert(key(h).hash64());
    }
    assert_eq!(hashes.len(), base.len() + 1);
    assert_ne!(key("host").hash64(), key("hosu").hash64());
    assert_ne!(key("10.0.0.1").hash64(), key("10.0.0.10").hash64());
}

#[cfg(test)]
#[test]
fn eq_host_is_eq_ignore_ascii_case() {
    let hosts = [
        "",
        "a",
        "A",
        "10.0.0.1",
        "10.0.0.10",
        "Host.Example.COM",
        "host.example.com",
        "hOst.example.con",
        "[::1]",
        "é",
        "É",
    ];
    for a in hosts {
        for b in hosts {
            assert_eq!(eq_host(a, b), a.eq_ignore_ascii_case(b), "{a} {b}");
        }
    }
}
