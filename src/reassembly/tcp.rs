//! TCP stream reassembly, one direction at a time, by sequence number.
//!
//! Each direction of a connection is a byte stream handed to a consumer (the SIP framer) as
//! contiguous bytes; the consumer says how many it used and the rest waits for more.
//! - In-order data with nothing buffered is handed over straight from the packet (no copy);
//!   only the unconsumed tail of a segment is copied.
//! - Retransmitted bytes (before the next expected sequence number) are dropped, partial
//!   overlaps trimmed, so no byte is delivered twice and no message appears twice.
//! - Out-of-order segments wait (bounded) until the hole fills. If it never does (too many
//!   waiting, waited too long, the connection closed or went idle, the capture ended) the
//!   hole is a gap: bytes are lost, and the consumer is told so it can resynchronise.
//! - A stream first seen mid-connection (no SYN) starts with the gap flag set, too.
//! - FIN and RST close directions; idle ones are evicted; caps bound streams and bytes.

use std::net::SocketAddr;

use rustc_hash::FxHashMap;

use super::SECOND;
use crate::decode::Tcp;
use crate::meta::Timestamp;

/// Limits of the TCP reassembler.
#[derive(Clone, Copy, Debug)]
pub struct TcpConfig {
    /// Stream directions tracked at once; the least recently active eighth is evicted to
    /// make room.
    pub max_streams: usize,
    /// Unconsumed in-order bytes per direction; beyond it the buffer is dropped (a gap).
    pub max_stream_buffer: usize,
    /// Out-of-order segments waiting per direction; one more declares the hole a gap.
    pub max_out_of_order: usize,
    /// Bytes buffered over all directions; beyond it the least recently active eighth of the
    /// directions is evicted.
    pub max_total_bytes: usize,
    /// A direction with no segment for this long (capture time, ns) is evicted.
    pub idle_timeout: i64,
    /// A hole not filled this long (capture time, ns) after the first segment beyond it
    /// arrived is declared a gap.
    pub gap_timeout: i64,
}

impl Default for TcpConfig {
    fn default() -> Self {
        TcpConfig {
            max_streams: 65_536,
            max_stream_buffer: 1 << 20,
            max_out_of_order: 256,
            max_total_bytes: 256 << 20,
            idle_timeout: 300 * SECOND,
            gap_timeout: 10 * SECOND,
        }
    }
}

/// Counters of the TCP reassembler.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpStats {
    /// Segments seen (with or without payload).
    pub segments: u64,
    /// Directions opened.
    pub streams: u64,
    /// Segments whose payload had all been delivered already (retransmissions).
    pub retransmitted: u64,
    /// Segments partly overlapping delivered bytes (trimmed).
    pub overlapping: u64,
    /// Segments that arrived ahead of a hole and waited.
    pub out_of_order: u64,
    /// Holes given up on (bytes never captured).
    pub gaps: u64,
    /// Bytes in those holes (when the sequence numbers tell).
    pub gap_bytes: u64,
    /// Directions whose unconsumed buffer overflowed its cap (dropped).
    pub buffer_overflows: u64,
    /// Directions closed by FIN or RST.
    pub closed: u64,
    /// Directions evicted after the idle timeout.
    pub evicted_idle: u64,
    /// Directions evicted to respect the stream or byte caps.
    pub evicted_cap: u64,
    /// Unconsumed bytes dropped when directions closed, were evicted, or the capture ended
    /// (usually a message whose end was never captured).
    pub incomplete_bytes: u64,
    /// A SYN with a new initial sequence number on a known direction (port reuse).
    pub restarted: u64,
}

/// One direction of a TCP connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FlowKey {
    /// Sender.
    pub src: SocketAddr,
    /// Receiver.
    pub dst: SocketAddr,
}

impl FlowKey {
    /// The opposite direction.
    pub fn reverse(&self) -> FlowKey {
        FlowKey {
            src: self.dst,
            dst: self.src,
        }
    }
}

/// Context of a hand-over of stream bytes to the consumer.
#[derive(Clone, Copy, Debug)]
pub struct Delivery {
    /// Frame whose segment made these bytes available (it completes any message in them).
    pub frame: u64,
    /// Capture time of that frame.
    pub time: Timestamp,
    /// Bytes were lost before these (or the stream was joined mid-connection): the consumer
    /// must resynchronise.
    pub gap: bool,
}

struct Waiting {
    seq: u32,
    data: Vec<u8>,
    since: Timestamp,
    frame: u64,
}

struct Direction<S> {
    next_seq: u32,
    buf: Vec<u8>,
    waiting: Vec<Waiting>,
    waiting_bytes: usize,
    gap: bool,
    fin_seq: Option<u32>,
    last_seen: Timestamp,
    state: S,
    /// What this direction adds to the reassembler's byte total (its footprint and its
    /// consumer state's, as they were when it went into the map).
    accounted: usize,
}

impl<S: Default> Direction<S> {
    fn new(next_seq: u32, gap: bool, now: Timestamp) -> Self {
        Direction {
            next_seq,
            buf: Vec::new(),
            waiting: Vec::new(),
            waiting_bytes: 0,
            gap,
            fin_seq: None,
            last_seen: now,
            state: S::default(),
            accounted: 0,
        }
    }

    /// Bytes waiting in this direction (unconsumed and out of order).
    fn held(&self) -> usize {
        self.buf.len() + self.waiting_bytes
    }

    /// Bytes this direction has allocated, what the byte cap counts: the unconsumed
    /// buffer's capacity (which can exceed its length) and the waiting segments.
    fn footprint(&self) -> usize {
        self.buf.capacity() + self.waiting_bytes
    }
}

/// The consumer of stream bytes: gets the direction, its consumer state, the contiguous
/// bytes and the delivery context; returns how many bytes it used (the rest is kept and
/// handed over again, with more, next time).
pub trait Consumer<S> {
    /// Consumes a prefix of `data`.
    fn consume(&mut self, key: &FlowKey, state: &mut S, data: &[u8], d: Delivery) -> usize;

    /// Bytes the consumer keeps in `state` (e.g. a WebSocket message being assembled); the
    /// reassembler counts them against [`TcpConfig::max_total_bytes`] like its own buffers.
    fn footprint(&self, _state: &S) -> usize {
        0
    }
}

impl<S, F: FnMut(&FlowKey, &mut S, &[u8], Delivery) -> usize> Consumer<S> for F {
    fn consume(&mut self, key: &FlowKey, state: &mut S, data: &[u8], d: Delivery) -> usize {
        self(key, state, data, d)
    }
}

/// The reassembler; `S` is per-direction consumer state (for SIP: framing mode, WebSocket
/// decoder).
pub struct TcpReassembler<S> {
    config: TcpConfig,
    dirs: FxHashMap<FlowKey, Direction<S>>,
    total: usize,
    last_sweep: Timestamp,
    stats: TcpStats,
}

/// Wrapping sequence-number distance `a - b`.
fn seq_diff(a: u32, b: u32) -> i64 {
    a.wrapping_sub(b) as i32 as i64
}

impl<S: Default> TcpReassembler<S> {
    /// An empty reassembler with these limits.
    pub fn new(config: TcpConfig) -> Self {
        TcpReassembler {
            config,
            dirs: FxHashMap::default(),
            total: 0,
            last_sweep: Timestamp(i64::MIN),
            stats: TcpStats::default(),
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> TcpStats {
        self.stats
    }

    /// Directions tracked and bytes buffered.
    pub fn held(&self) -> (usize, usize) {
        (self.dirs.len(), self.total)
    }

    /// Feeds one segment of direction `key`.
    pub fn segment<C: Consumer<S>>(
        &mut self,
        key: FlowKey,
        seg: &Tcp<'_>,
        frame: u64,
        now: Timestamp,
        consumer: &mut C,
    ) {
        self.stats.segments += 1;
        self.sweep(now, consumer);
        if seg.rst {
            for k in [key, key.reverse()] {
                if let Some(dir) = self.remove(&k) {
                    self.stats.closed += 1;
                    self.drop_dir(dir);
                }
            }
            return;
        }
        let data_seq = seg.seq.wrapping_add(seg.syn as u32);
        if !self.dirs.contains_key(&key) {
            if seg.payload.is_empty() && !seg.syn {
                return; // a bare ACK or FIN of a stream we never saw: nothing to track
            }
            if self.dirs.len() >= self.config.max_streams {
                self.evict_lru();
            }
            self.stats.streams += 1;
            // joined mid-connection: the first bytes may be the middle of a message
            self.dirs
                .insert(key, Direction::new(data_seq, !seg.syn, now));
        } else if seg.syn {
            let dir = self.dirs.get_mut(&key).expect("present");
            let diff = seq_diff(data_seq, dir.next_seq);
            // a SYN behind the stream is a retransmission; anything else is a new connection
            if !(-(1 << 24)..=0).contains(&diff) {
                // a new connection on the same ports
                let old = self.remove(&key).expect("present");
                self.drop_dir(old);
                self.stats.restarted += 1;
                self.stats.streams += 1;
                self.dirs.insert(key, Direction::new(data_seq, false, now));
            }
        }
        let mut dir = self.remove(&key).expect("present");
        dir.last_seen = now;
        if seg.fin {
            dir.fin_seq = Some(data_seq.wrapping_add(seg.payload.len() as u32));
        }
        let d = Delivery {
            frame,
            time: now,
            gap: false,
        };
        if !seg.payload.is_empty() {
            self.add(&key, &mut dir, data_seq, seg.payload, d, consumer);
        }
        // holes that waited too long
        if dir
            .waiting
            .iter()
            .any(|w| now.0.saturating_sub(w.since.0) > self.config.gap_timeout)
        {
            self.skip_hole(&key, &mut dir, d, consumer);
        }
        let finished = dir.fin_seq.is_some_and(|f| seq_diff(dir.next_seq, f) >= 0);
        if finished {
            // deliver whatever waits behind holes, then close this direction
            while !dir.waiting.is_empty() {
                self.skip_hole(&key, &mut dir, d, consumer);
            }
            self.stats.closed += 1;
            self.drop_dir(dir);
        } else {
            dir.accounted = dir.footprint() + consumer.footprint(&dir.state);
            self.total += dir.accounted;
            self.dirs.insert(key, dir);
            while self.total > self.config.max_total_bytes && !self.dirs.is_empty() {
                self.evict_lru();
            }
        }
    }

    /// Places a segment's payload: in order, behind a hole, or (partly) already delivered.
    fn add<C: Consumer<S>>(
        &mut self,
        key: &FlowKey,
        dir: &mut Direction<S>,
        seq: u32,
        mut data: &[u8],
        d: Delivery,
        consumer: &mut C,
    ) {
        let mut diff = seq_diff(seq, dir.next_seq);
        if diff < -(1 << 30) {
            // far behind: not a retransmission but another connection on the same ports
            // whose SYN we missed; start over
            self.stats.restarted += 1;
            self.stats.incomplete_bytes += dir.held() as u64;
            dir.buf.clear();
            dir.waiting.clear();
            dir.waiting_bytes = 0;
            dir.next_seq = seq;
            dir.gap = true;
            diff = 0;
        }
        if diff < 0 {
            let overlap = (-diff) as usize;
            if overlap >= data.len() {
                self.stats.retransmitted += 1;
                return;
            }
            self.stats.overlapping += 1;
            data = &data[overlap..];
        } else if diff > 0 {
            self.stats.out_of_order += 1;
            if let Some(w) = dir.waiting.iter_mut().find(|w| w.seq == seq) {
                if w.data.len() < data.len() {
                    dir.waiting_bytes += data.len() - w.data.len();
                    w.data.clear();
                    w.data.extend_from_slice(data);
                }
            } else {
                dir.waiting.push(Waiting {
                    seq,
                    data: data.to_vec(),
                    since: d.time,
                    frame: d.frame,
                });
                dir.waiting_bytes += data.len();
            }
            if dir.waiting.len() > self.config.max_out_of_order
                || dir.waiting_bytes > self.config.max_stream_buffer
            {
                self.skip_hole(key, dir, d, consumer);
            }
            return;
        }
        self.deliver(key, dir, data, d, consumer);
        self.drain_waiting(key, dir, d, consumer);
    }

    /// Hands in-order bytes to the consumer, zero-copy when nothing is buffered.
    fn deliver<C: Consumer<S>>(
        &mut self,
        key: &FlowKey,
        dir: &mut Direction<S>,
        data: &[u8],
        mut d: Delivery,
        consumer: &mut C,
    ) {
        dir.next_seq = dir.next_seq.wrapping_add(data.len() as u32);
        if dir.gap {
            d.gap = true;
            dir.gap = false;
            self.stats.incomplete_bytes += dir.buf.len() as u64;
            dir.buf.clear();
        }
        if dir.buf.len() + data.len() > self.config.max_stream_buffer {
            // the consumer cannot make sense of this much: drop it and resynchronise
            self.stats.buffer_overflows += 1;
            self.stats.incomplete_bytes += dir.buf.len() as u64;
            dir.buf.clear();
            d.gap = true;
        }
        if dir.buf.is_empty() {
            let used = consumer
                .consume(key, &mut dir.state, data, d)
                .min(data.len());
            dir.buf.extend_from_slice(&data[used..]);
        } else {
            dir.buf.extend_from_slice(data);
            let used = consumer
                .consume(key, &mut dir.state, &dir.buf, d)
                .min(dir.buf.len());
            dir.buf.drain(..used);
        }
        // a consumed big message must not pin its buffer: give back what is far beyond the
        // unconsumed tail (amortised: the bytes consumed since the buffer grew pay for it)
        if dir.buf.is_empty() {
            dir.buf = Vec::new();
        } else if dir.buf.capacity() > 4 * dir.buf.len() + 4096 {
            dir.buf.shrink_to(2 * dir.buf.len());
        }
    }

    /// Delivers waiting segments that the stream has reached.
    fn drain_waiting<C: Consumer<S>>(
        &mut self,
        key: &FlowKey,
        dir: &mut Direction<S>,
        d: Delivery,
        consumer: &mut C,
    ) {
        loop {
            let next = dir.next_seq;
            let Some(i) = dir.waiting.iter().position(|w| seq_diff(w.seq, next) <= 0) else {
                return;
            };
            let w = dir.waiting.swap_remove(i);
            dir.waiting_bytes -= w.data.len();
            let overlap = (-seq_diff(w.seq, next)) as usize;
            if overlap >= w.data.len() {
                self.stats.retransmitted += 1;
                continue;
            }
            let at = Delivery {
                frame: d.frame.max(w.frame),
                time: d.time.max(w.since),
                gap: false,
            };
            self.deliver(key, dir, &w.data[overlap..], at, consumer);
        }
    }

    /// Gives up on the first hole: the stream jumps to the earliest waiting segment.
    fn skip_hole<C: Consumer<S>>(
        &mut self,
        key: &FlowKey,
        dir: &mut Direction<S>,
        d: Delivery,
        consumer: &mut C,
    ) {
        let next = dir.next_seq;
        let Some(first) = dir
            .waiting
            .iter()
            .map(|w| w.seq)
            .min_by_key(|&s| seq_diff(s, next))
        else {
            return;
        };
        self.stats.gaps += 1;
        self.stats.gap_bytes += seq_diff(first, next).max(0) as u64;
        dir.next_seq = first;
        dir.gap = true;
        self.drain_waiting(key, dir, d, consumer);
    }

    /// Takes a direction out of the map (and its bytes out of the total). A direction
    /// changes only while it is out of the map, so the total stays exact.
    fn remove(&mut self, key: &FlowKey) -> Option<Direction<S>> {
        let mut dir = self.dirs.remove(key)?;
        self.total -= std::mem::take(&mut dir.accounted);
        Some(dir)
    }

    fn drop_dir(&mut self, dir: Direction<S>) {
        self.stats.incomplete_bytes += dir.held() as u64;
    }

    /// Evicts idle directions, at most once per second of capture time.
    fn sweep<C: Consumer<S>>(&mut self, now: Timestamp, consumer: &mut C) {
        if now.0 < self.last_sweep.0.saturating_add(SECOND) {
            return;
        }
        self.last_sweep = now;
        let idle = self.config.idle_timeout;
        let stale: Vec<FlowKey> = self
            .dirs
            .iter()
            .filter(|(_, d)| now.0.saturating_sub(d.last_seen.0) > idle)
            .map(|(k, _)| *k)
            .collect();
        for k in stale {
            self.flush(k, consumer);
            self.stats.evicted_idle += 1;
        }
    }

    /// Delivers what waits behind holes, then forgets the direction.
    fn flush<C: Consumer<S>>(&mut self, key: FlowKey, consumer: &mut C) {
        let Some(mut dir) = self.remove(&key) else {
            return;
        };
        // no segment triggers this: each waiting segment's own frame completes its bytes
        let d = Delivery {
            frame: 0,
            time: Timestamp(i64::MIN),
            gap: false,
        };
        while !dir.waiting.is_empty() {
            self.skip_hole(&key, &mut dir, d, consumer);
        }
        self.drop_dir(dir);
    }

    /// Evicts the least recently active eighth of the directions (caps reached).
    fn evict_lru(&mut self) {
        let mut ages: Vec<(Timestamp, FlowKey)> =
            self.dirs.iter().map(|(k, d)| (d.last_seen, *k)).collect();
        let n = (ages.len() / 8).max(1).min(ages.len());
        if n == 0 {
            return;
        }
        ages.select_nth_unstable_by_key(n - 1, |a| a.0);
        for (_, k) in ages.into_iter().take(n) {
            if let Some(dir) = self.remove(&k) {
                self.stats.evicted_cap += 1;
                self.drop_dir(dir);
            }
        }
    }

    /// Ends the capture: every direction delivers what waits behind holes, then is dropped
    /// (its unconsumed bytes counted as incomplete).
    pub fn finish<C: Consumer<S>>(&mut self, consumer: &mut C) {
        let keys: Vec<FlowKey> = self.dirs.keys().copied().collect();
        for k in keys {
            self.flush(k, consumer);
        }
        self.total = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};

    /// A consumer that frames newline-terminated lines and records them with their
    /// delivery context.
    #[derive(Default)]
    struct Lines {
        out: Vec<(String, u64, bool)>,
    }

    impl Consumer<()> for Lines {
        fn consume(&mut self, _: &FlowKey, _: &mut (), data: &[u8], d: Delivery) -> usize {
            let mut used = 0;
            let mut gap = d.gap;
            while let Some(i) = data[used..].iter().position(|&b| b == b'\n') {
                let line = String::from_utf8_lossy(&data[used..used + i]).into_owned();
                self.out.push((line, d.frame, gap));
                gap = false;
                used += i + 1;
            }
            used
        }
    }

    fn key() -> FlowKey {
        FlowKey {
            src: (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), 5060).into(),
            dst: (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)), 40000).into(),
        }
    }

    fn seg(seq: u32, syn: bool, fin: bool, payload: &[u8]) -> Tcp<'_> {
        Tcp {
            src_port: 5060,
            dst_port: 40000,
            seq,
            syn,
            fin,
            rst: false,
            payload,
        }
    }

    struct Run {
        r: TcpReassembler<()>,
        c: Lines,
        frame: u64,
    }

    impl Run {
        fn new(config: TcpConfig) -> Run {
            Run {
                r: TcpReassembler::new(config),
                c: Lines::default(),
                frame: 0,
            }
        }
        fn feed(&mut self, s: Tcp<'_>) {
            self.frame += 1;
            self.r.segment(
                key(),
                &s,
                self.frame,
                Timestamp(self.frame as i64 * 1000),
                &mut self.c,
            );
        }
        fn lines(&self) -> Vec<(&str, u64, bool)> {
            self.c
                .out
                .iter()
                .map(|(l, f, g)| (l.as_str(), *f, *g))
                .collect()
        }
    }

    #[test]
    fn in_order_split_and_many_per_segment() {
        let mut t = Run::new(TcpConfig::default());
        t.feed(seg(100, true, false, b""));
        t.feed(seg(101, false, false, b"one\ntw"));
        t.feed(seg(107, false, false, b"o\nthr"));
        t.feed(seg(112, false, false, b"ee\nfour\n"));
        assert_eq!(
            t.lines(),
            [
                ("one", 2, false),
                ("two", 3, false),
                ("three", 4, false),
                ("four", 4, false)
            ]
        );
        assert_eq!(t.r.held().1, 0);
    }

    #[test]
    fn out_of_order_waits_for_the_hole() {
        let mut t = Run::new(TcpConfig::default());
        t.feed(seg(0, true, false, b""));
        t.feed(seg(8, false, false, b"c\n"));
        t.feed(seg(5, false, false, b"b\nc"));
        assert!(t.lines().is_empty());
        t.feed(seg(1, false, false, b"aaa\n"));
        assert_eq!(
            t.lines(),
            [("aaa", 4, false), ("b", 4, false), ("cc", 4, false)]
        );
        assert_eq!(t.r.stats().out_of_order, 2);
        assert_eq!(t.r.stats().gaps, 0);
    }

    #[test]
    fn retransmissions_and_overlaps_deliver_once() {
        let mut t = Run::new(TcpConfig::default());
        t.feed(seg(0, true, false, b""));
        t.feed(seg(1, false, false, b"alpha\n"));
        t.feed(seg(1, false, false, b"alpha\n"));
        t.feed(seg(4, false, false, b"ha\nbeta\n"));
        t.feed(seg(7, false, false, b"beta\n"));
        assert_eq!(t.lines(), [("alpha", 2, false), ("beta", 4, false)]);
        let s = t.r.stats();
        assert_eq!((s.retransmitted, s.overlapping), (2, 1));
    }

    #[test]
    fn lost_segment_becomes_a_gap_at_the_end() {
        let mut t = Run::new(TcpConfig::default());
        t.feed(seg(0, true, false, b""));
        t.feed(seg(1, false, false, b"first\nhalf-"));
        // bytes 12..20 never captured
        t.feed(seg(20, false, false, b"tail\nnext\n"));
        assert_eq!(t.lines(), [("first", 2, false)]);
        t.r.finish(&mut t.c);
        assert_eq!(
            t.lines(),
            [("first", 2, false), ("tail", 3, true), ("next", 3, false)]
        );
        let s = t.r.stats();
        assert_eq!((s.gaps, s.gap_bytes, s.incomplete_bytes), (1, 8, 5));
    }

    #[test]
    fn hole_given_up_after_gap_timeout() {
        let cfg = TcpConfig {
            gap_timeout: 2500,
            ..TcpConfig::default()
        };
        let mut t = Run::new(cfg);
        t.feed(seg(0, true, false, b""));
        t.feed(seg(10, false, false, b"x\n"));
        t.feed(seg(12, false, false, b"y\n"));
        t.feed(seg(14, false, false, b"z\n"));
        t.feed(seg(16, false, false, b"w\n"));
        assert_eq!(
            t.lines(),
            [
                ("x", 5, true),
                ("y", 5, false),
                ("z", 5, false),
                ("w", 5, false)
            ]
        );
    }

    #[test]
    fn mid_connection_start_is_flagged() {
        let mut t = Run::new(TcpConfig::default());
        t.feed(seg(5000, false, false, b"ssage\nwhole\n"));
        assert_eq!(t.lines(), [("ssage", 1, true), ("whole", 1, false)]);
    }

    #[test]
    fn sequence_numbers_wrap() {
        let mut t = Run::new(TcpConfig::default());
        t.feed(seg(u32::MAX - 3, true, false, b""));
        t.feed(seg(u32::MAX - 2, false, false, b"wr"));
        t.feed(seg(u32::MAX, false, false, b"ap\n"));
        t.feed(seg(u32::MAX - 2, false, false, b"wrap\n"));
        assert_eq!(t.lines(), [("wrap", 3, false)]);
    }

    #[test]
    fn fin_and_rst_free_the_stream() {
        let mut t = Run::new(TcpConfig::default());
        t.feed(seg(0, true, false, b""));
        t.feed(seg(1, false, true, b"bye\npartial"));
        assert_eq!(t.r.held(), (0, 0));
        assert_eq!(t.r.stats().closed, 1);
        assert_eq!(t.r.stats().incomplete_bytes, 7);
        let mut t = Run::new(TcpConfig::default());
        t.feed(seg(0, true, false, b""));
        t.feed(seg(1, false, false, b"abc"));
        t.frame += 1;
        let rst = Tcp {
            rst: true,
            ..seg(4, false, false, b"")
        };
        t.r.segment(key().reverse(), &rst, t.frame, Timestamp(0), &mut t.c);
        assert_eq!(t.r.held(), (0, 0));
    }

    #[test]
    fn a_consumed_big_message_does_not_pin_its_buffer() {
        // each direction: a 60 KB line over three segments, then one byte of the next line;
        // once the line is consumed the buffer must shrink, or 65536 directions could pin
        // 64 GiB while the caps count one byte each
        let mut r: TcpReassembler<()> = TcpReassembler::new(TcpConfig::default());
        let mut c = Lines::default();
        let big = vec![b'x'; 30_000];
        for port in 0..200u16 {
            let k = FlowKey {
                src: key().src,
                dst: (key().dst.ip(), port).into(),
            };
            r.segment(k, &seg(0, true, false, b""), 1, Timestamp(0), &mut c);
            r.segment(k, &seg(1, false, false, &big), 2, Timestamp(0), &mut c);
            r.segment(k, &seg(30_001, false, false, &big), 3, Timestamp(0), &mut c);
            r.segment(
                k,
                &seg(60_001, false, false, b"\ny"),
                4,
                Timestamp(0),
                &mut c,
            );
        }
        assert_eq!(c.out.len(), 200);
        let allocated: usize = r.dirs.values().map(|d| d.buf.capacity()).sum();
        assert!(allocated <= 200 * 8192, "{allocated} bytes allocated");
        assert!(
            allocated <= r.held().1,
            "{allocated} bytes allocated, {} counted",
            r.held().1
        );
    }

    /// A consumer that takes every byte into its per-direction state (as the WebSocket
    /// decoder assembles a message) and says how much it holds.
    struct Hoarder;

    impl Consumer<Vec<u8>> for Hoarder {
        fn consume(&mut self, _: &FlowKey, st: &mut Vec<u8>, data: &[u8], _: Delivery) -> usize {
            st.extend_from_slice(data);
            data.len()
        }
        fn footprint(&self, st: &Vec<u8>) -> usize {
            st.capacity()
        }
    }

    #[test]
    fn bytes_held_by_the_consumer_count_against_the_cap() {
        let cfg = TcpConfig {
            max_total_bytes: 1 << 20,
            ..TcpConfig::default()
        };
        let mut r: TcpReassembler<Vec<u8>> = TcpReassembler::new(cfg);
        let chunk = vec![b'x'; 1000];
        for port in 0..100u16 {
            let k = FlowKey {
                src: key().src,
                dst: (key().dst.ip(), port).into(),
            };
            r.segment(k, &seg(0, true, false, b""), 1, Timestamp(0), &mut Hoarder);
            for i in 0..100u32 {
                let s = seg(1 + i * 1000, false, false, &chunk);
                r.segment(k, &s, 2, Timestamp(0), &mut Hoarder);
            }
            let held: usize = r.dirs.values().map(|d| d.state.capacity()).sum();
            assert!(held <= 1 << 20, "{held} bytes held by the consumer");
            assert_eq!(r.held().1, held);
        }
        assert!(r.stats().evicted_cap > 0);
    }

    #[test]
    fn caps_and_idle_eviction() {
        let cfg = TcpConfig {
            max_streams: 16,
            max_stream_buffer: 64,
            ..TcpConfig::default()
        };
        let mut r: TcpReassembler<()> = TcpReassembler::new(cfg);
        let mut c = Lines::default();
        for port in 0..100u16 {
            let k = FlowKey {
                src: key().src,
                dst: (key().dst.ip(), port).into(),
            };
            r.segment(
                k,
                &seg(0, false, false, b"no newline yet"),
                port as u64,
                Timestamp(port as i64),
                &mut c,
            );
        }
        assert!(r.held().0 <= 16);
        assert!(r.stats().evicted_cap >= 84);
        // a direction that never frames anything overflows its buffer instead of growing
        let k = key();
        for i in 0..10u32 {
            r.segment(
                k,
                &seg(i * 20, false, false, &[b'x'; 20]),
                200,
                Timestamp(200),
                &mut c,
            );
        }
        assert!(r.stats().buffer_overflows >= 1);
        assert!(r.held().1 <= 16 * 64);
        // idle eviction after 300 s of capture time
        r.segment(
            k,
            &seg(10_000, false, false, b"q"),
            300,
            Timestamp(400 * SECOND),
            &mut c,
        );
        assert_eq!(r.held().0, 1);
        assert!(r.stats().evicted_idle >= 1);
    }
}
