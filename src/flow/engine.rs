//! The engine: routes each parsed message to its call (by Call-ID), hands finished calls
//! out in streaming mode, caps the number of open calls, links transfers across calls and
//! keeps the capture-wide counters and metrics.

use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::time::Duration;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::body;
use super::call::{CallBuilder, Ctx};
use super::head::Head;
use super::intern::Interner;
use super::metrics::MetricsAccumulator;
use super::model::{Call, Closed, Counters, LinkMatch, Metrics, TransferLink};
use super::transfer::LinkKeys;
use crate::meta::{MessageMeta, Timestamp};
use crate::sip::Message;

/// Engine settings. Times are capture time.
#[derive(Clone, Debug)]
pub struct Config {
    /// Most calls open at once; beyond it the eighth with the oldest activity is handed out
    /// early (`closed: evicted`, counted in `Counters::evicted_cap`).
    pub max_open_calls: usize,
    /// Streaming: an unfinished call silent for this long is handed out
    /// (`closed: idle-timeout`).
    pub idle_timeout: Duration,
    /// Streaming: a finished call is handed out after this much quiet (retransmissions,
    /// late ACKs and NOTIFYs still land in it). Also the window in which a REFER's
    /// triggered INVITE is looked for.
    pub linger: Duration,
    /// Keep each message's text (`MessageRecord::raw`), e.g. for `flow --raw`.
    pub keep_raw: bool,
    /// Hand finished calls out through [`Engine::drain_finished`] instead of keeping them
    /// until [`Engine::finish`].
    pub streaming: bool,
    /// Most messages stored per call; later ones still drive the state and are counted.
    pub max_messages_per_call: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_open_calls: 100_000,
            idle_timeout: Duration::from_secs(3600),
            linger: Duration::from_secs(32),
            keep_raw: false,
            streaming: false,
            max_messages_per_call: 100_000,
        }
    }
}

/// Everything the engine found.
#[derive(Debug)]
pub struct Analysis {
    /// Calls not yet handed out, ordered by first frame (in batch mode: every call).
    pub calls: Vec<Call>,
    /// Capture-wide RFC 6076 metrics over every call, handed out or not.
    pub metrics: Metrics,
    /// What was seen, skipped and evicted.
    pub counters: Counters,
}

/// A REFER whose triggered INVITE may still appear in another call.
#[derive(Debug)]
struct PendingRefer {
    call_id: Box<str>,
    transfer: u32,
    frame: u64,
    time: Timestamp,
    keys: LinkKeys,
    linked: bool,
}

/// Most REFERs waiting for their INVITE (oldest dropped first).
const MAX_PENDING_REFERS: usize = 4096;
/// Distinct invalid-message reasons counted by name; the rest go under "other".
const MAX_INVALID_REASONS: usize = 64;
/// Call-IDs remembered as handed out (to count reopened calls); cleared when full.
const MAX_EMITTED_IDS: usize = 1 << 20;
/// Streaming: open calls are scanned for finished ones at most once per this capture time.
const SCAN_INTERVAL_NS: i64 = 1_000_000_000;

fn nanos(d: Duration) -> i64 {
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)
}

fn id_hash(s: &str) -> u64 {
    let mut h = FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

/// The call-flow engine. Feed it every parsed message in capture order with
/// [`on_message`](Engine::on_message) (and unparsable ones with
/// [`on_invalid`](Engine::on_invalid)); in streaming mode call
/// [`drain_finished`](Engine::drain_finished) regularly; end with
/// [`finish`](Engine::finish).
pub struct Engine {
    config: Config,
    /// Open calls (boxed: the table stays small when it has to grow).
    calls: FxHashMap<Box<str>, Box<CallBuilder>>,
    /// Calls handed out early (eviction) waiting for the next drain (streaming).
    ready: Vec<Call>,
    /// Batch mode: calls already closed (eviction).
    done: Vec<Call>,
    interner: Interner,
    counters: Counters,
    metrics: MetricsAccumulator,
    pending: VecDeque<PendingRefer>,
    emitted: FxHashSet<u64>,
    now: Timestamp,
    last_scan: Timestamp,
}

impl Engine {
    /// A new engine.
    pub fn new(config: Config) -> Self {
        Engine {
            config,
            calls: FxHashMap::default(),
            ready: Vec::new(),
            done: Vec::new(),
            interner: Interner::default(),
            counters: Counters::default(),
            metrics: MetricsAccumulator::default(),
            pending: VecDeque::new(),
            emitted: FxHashSet::default(),
            now: Timestamp(i64::MIN),
            last_scan: Timestamp(i64::MIN),
        }
    }

    /// Number of calls currently open.
    pub fn open_calls(&self) -> usize {
        self.calls.len()
    }

    /// Counters so far.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Metrics over the calls handed out so far.
    pub fn metrics(&self) -> Metrics {
        self.metrics.snapshot()
    }

    /// Counts a message the parser rejected.
    pub fn on_invalid(&mut self, meta: &MessageMeta, reason: &str) {
        self.counters.invalid += 1;
        self.advance(meta.time);
        let n = self.counters.invalid_reasons.len();
        let key = if n < MAX_INVALID_REASONS || self.counters.invalid_reasons.contains_key(reason) {
            reason
        } else {
            "other"
        };
        *self
            .counters
            .invalid_reasons
            .entry(key.to_owned())
            .or_default() += 1;
    }

    fn advance(&mut self, t: Timestamp) {
        if t > self.now {
            self.now = t;
        }
    }

    /// Analyses one parsed message.
    pub fn on_message(&mut self, meta: &MessageMeta, msg: &Message<'_>) {
        self.on_message_head(meta, msg, &Head::of(msg));
    }

    /// Analyses one parsed message whose [`Head`] was parsed beforehand (`Head::of(msg)`,
    /// e.g. on another thread): the same as [`Engine::on_message`].
    pub fn on_message_head(&mut self, meta: &MessageMeta, msg: &Message<'_>, head: &Head<'_>) {
        self.counters.messages += 1;
        self.advance(meta.time);
        let Some(call_id) = head.call_id else {
            self.counters.without_call_id += 1;
            return;
        };
        // one lookup for a message of an open call (the usual case)
        let call = match self.calls.get_mut(call_id) {
            Some(call) => call,
            None => {
                if self.calls.len() >= self.config.max_open_calls.max(1) {
                    self.evict_oldest();
                }
                if self.emitted.contains(&id_hash(call_id)) {
                    self.counters.calls_reopened += 1;
                }
                self.calls
                    .insert(call_id.into(), Box::new(CallBuilder::new(call_id)));
                self.counters.calls += 1;
                self.counters.peak_open_calls =
                    self.counters.peak_open_calls.max(self.calls.len() as u64);
                let Some(call) = self.calls.get_mut(call_id) else {
                    return;
                };
                call
            }
        };
        let mut ctx = Ctx {
            interner: &mut self.interner,
            keep_raw: self.config.keep_raw,
            max_messages: self.config.max_messages_per_call,
        };
        let notes = call.on_message(&mut ctx, meta, msg, head);
        if notes.retransmission {
            self.counters.retransmissions += 1;
        }
        if notes.dropped {
            self.counters.messages_dropped += 1;
        }
        if notes.transaction_dropped {
            self.counters.transactions_dropped += 1;
        }
        if let Some(t) = notes.new_refer {
            if let Some((keys, frame, time)) = call.transfers().link_keys(t) {
                if self.pending.len() >= MAX_PENDING_REFERS {
                    self.pending.pop_front();
                }
                self.pending.push_back(PendingRefer {
                    call_id: call_id.into(),
                    transfer: t,
                    frame,
                    time,
                    keys: keys.clone(),
                    linked: false,
                });
            }
        }
        if notes.first_initial_invite && !self.pending.is_empty() {
            self.link_transfer(call_id, msg, meta.time);
        }
    }

    /// Links a call's first initial INVITE to the REFER that triggered it (rules in
    /// `docs/call-states.md` §Transfers).
    fn link_transfer(&mut self, call_id: &str, msg: &Message<'_>, time: Timestamp) {
        let window = nanos(self.config.linger);
        while self
            .pending
            .front()
            .is_some_and(|p| time.0.saturating_sub(p.time.0) > window)
        {
            self.pending.pop_front();
        }
        // Most INVITEs come when every waiting REFER is linked already: then nothing can
        // match, and the keys below (two URI parses and allocations) are not needed.
        let candidate = |p: &PendingRefer| !p.linked && &*p.call_id != call_id && p.time <= time;
        if !self.pending.iter().any(candidate) {
            return;
        }
        let ruri = msg.request_uri().and_then(body::uri_key);
        let referred_by = msg.referred_by().and_then(|r| body::uri_key(r.uri));
        let replaces = msg.replaces().map(|r| r.call_id.into_owned());
        let mut best: Option<(u8, usize, LinkMatch)> = None;
        for (i, p) in self.pending.iter().enumerate().rev() {
            if !candidate(p) {
                continue;
            }
            let k = &p.keys;
            let uri_ok = ruri.is_some() && ruri == k.refer_to;
            let rb_ok = referred_by.is_some() && referred_by == k.referred_by;
            let m = if replaces.is_some() && replaces == k.replaces_call_id {
                Some((0, LinkMatch::Replaces))
            } else if uri_ok && rb_ok {
                Some((1, LinkMatch::ReferredByAndUri))
            } else if uri_ok {
                Some((2, LinkMatch::RequestUri))
            } else if rb_ok {
                Some((3, LinkMatch::ReferredBy))
            } else {
                None
            };
            if let Some((rank, how)) = m {
                if best.is_none_or(|(r, _, _)| rank < r) {
                    best = Some((rank, i, how));
                }
            }
        }
        let Some((_, i, how)) = best else { return };
        let p = &mut self.pending[i];
        p.linked = true;
        let (refer_call, transfer, frame) = (p.call_id.clone(), p.transfer, p.frame);
        if let Some(a) = self.calls.get_mut(&*refer_call) {
            a.transfers_mut().set_target(transfer, call_id, how);
        }
        if let Some(b) = self.calls.get_mut(call_id) {
            b.transferred_from = Some(TransferLink {
                call_id: refer_call,
                refer_frame: frame,
                matched: how,
            });
        }
        self.counters.transfers_linked += 1;
    }

    fn close(&mut self, key: &str, closed: Closed) -> Option<Call> {
        let b = self.calls.remove(key)?;
        let call = b.finish(self.now, closed);
        self.metrics.add(&call);
        if self.emitted.len() >= MAX_EMITTED_IDS {
            self.emitted.clear();
        }
        self.emitted.insert(id_hash(&call.call_id));
        Some(call)
    }

    /// Hands out the eighth of open calls with the oldest activity (the open-call cap).
    fn evict_oldest(&mut self) {
        let n = (self.calls.len() / 8).max(1);
        let mut by_age: Vec<(Timestamp, u64, Box<str>)> = self
            .calls
            .values()
            .map(|c| (c.last_activity(), c.first_frame(), c.call_id().into()))
            .collect();
        if n < by_age.len() {
            by_age.select_nth_unstable_by_key(n - 1, |(t, f, _)| (*t, *f));
            by_age.truncate(n);
        }
        by_age.sort_by_key(|(_, f, _)| *f);
        for (_, _, key) in by_age {
            if let Some(call) = self.close(&key, Closed::Evicted) {
                self.counters.evicted_cap += 1;
                if self.config.streaming {
                    self.ready.push(call);
                } else {
                    self.done.push(call);
                }
            }
        }
    }

    /// Streaming mode: hands out every call that has finished and stayed quiet for the
    /// linger time, every call idle for the idle timeout, and every call evicted by the
    /// cap since the last drain. Cheap to call after every message: open calls are scanned
    /// at most once per second of capture time. `now` is the current capture time (the
    /// latest message time, or the clock of a live capture). In batch mode it does nothing.
    pub fn drain_finished(&mut self, now: Timestamp, sink: &mut impl FnMut(Call)) {
        self.advance(now);
        for c in self.ready.drain(..) {
            sink(c);
        }
        if !self.config.streaming || self.now.0.saturating_sub(self.last_scan.0) < SCAN_INTERVAL_NS
        {
            return;
        }
        self.last_scan = self.now;
        let now = self.now;
        let linger = nanos(self.config.linger);
        let idle = nanos(self.config.idle_timeout);
        let mut out: Vec<(u64, Box<str>, Closed)> = Vec::new();
        for c in self.calls.values_mut() {
            let quiet = now.0.saturating_sub(c.last_activity().0);
            if quiet >= idle {
                out.push((c.first_frame(), c.call_id().into(), Closed::IdleTimeout));
            } else if quiet >= linger && c.finished_now(now) {
                out.push((c.first_frame(), c.call_id().into(), Closed::Finished));
            }
        }
        out.sort_by_key(|(f, _, _)| *f);
        for (_, key, closed) in out {
            if let Some(call) = self.close(&key, closed) {
                if closed == Closed::IdleTimeout {
                    self.counters.evicted_idle += 1;
                }
                sink(call);
            }
        }
    }

    /// Ends the analysis: every open call is closed (`closed: capture-end`) and returned
    /// with the calls kept so far, ordered by first frame.
    pub fn finish(mut self) -> Analysis {
        let mut keys: Vec<(u64, Box<str>)> = self
            .calls
            .values()
            .map(|c| (c.first_frame(), c.call_id().into()))
            .collect();
        keys.sort_by_key(|(f, _)| *f);
        let mut calls = std::mem::take(&mut self.done);
        calls.append(&mut self.ready);
        for (_, k) in keys {
            if let Some(c) = self.close(&k, Closed::CaptureEnd) {
                calls.push(c);
            }
        }
        calls.sort_by_key(|c| c.first_frame);
        Analysis {
            calls,
            metrics: self.metrics.snapshot(),
            counters: self.counters,
        }
    }
}
