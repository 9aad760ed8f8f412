//! IPv4 and IPv6 fragment reassembly: fragments in any order, hole tracking by received
//! ranges, overlapping and duplicate pieces tolerated (the first copy of a byte wins), a
//! timeout in capture time, caps on the number of datagrams and bytes held, and counters for
//! every datagram that never completed.

use std::collections::VecDeque;
use std::net::IpAddr;

use rustc_hash::FxHashMap;

use super::SECOND;
use crate::decode::Fragment;
use crate::meta::Timestamp;

/// The largest reassembled payload (the 16-bit IP length field bounds it).
const MAX_DATAGRAM: u32 = 65_535;

/// Limits of the fragment pool.
#[derive(Clone, Copy, Debug)]
pub struct FragConfig {
    /// A datagram not completed within this much capture time after its first fragment is
    /// dropped (nanoseconds; Linux uses 30 s).
    pub timeout: i64,
    /// Datagrams under reassembly at once; the oldest is dropped to make room.
    pub max_datagrams: usize,
    /// Bytes held for all datagrams under reassembly; the oldest are dropped to make room.
    pub max_bytes: usize,
}

impl Default for FragConfig {
    fn default() -> Self {
        FragConfig {
            timeout: 30 * SECOND,
            max_datagrams: 4096,
            max_bytes: 64 << 20,
        }
    }
}

/// Counters of the fragment pool.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FragStats {
    /// Fragments received.
    pub fragments: u64,
    /// Datagrams completed.
    pub reassembled: u64,
    /// Fragments wholly inside bytes already received (dropped).
    pub duplicates: u64,
    /// Fragments refused: length not a multiple of 8 before the last, beyond 65535 bytes, or
    /// disagreeing about the datagram's end.
    pub malformed: u64,
    /// Datagrams dropped incomplete after the timeout.
    pub timed_out: u64,
    /// Datagrams dropped incomplete to respect the caps.
    pub evicted: u64,
    /// Datagrams still incomplete when the capture ended.
    pub incomplete_at_end: u64,
}

impl FragStats {
    /// Datagrams that never completed, whatever the reason.
    pub fn incomplete(&self) -> u64 {
        self.timed_out + self.evicted + self.incomplete_at_end
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    src: IpAddr,
    dst: IpAddr,
    id: u32,
    protocol: u8,
}

struct Pending {
    data: Vec<u8>,
    /// Received byte ranges, sorted and merged.
    ranges: Vec<(u32, u32)>,
    /// Payload length, known once the last fragment arrived.
    total: Option<u32>,
    first_seen: Timestamp,
    /// Arrival number of the set's first fragment (its place in [`FragPool::order`]).
    arrival: u64,
}

impl Pending {
    fn complete(&self) -> bool {
        matches!((self.total, self.ranges.as_slice()), (Some(t), [(0, end)]) if *end == t)
    }

    /// Copies `data` at `offset` into the holes it covers; returns whether it added anything.
    fn insert(&mut self, offset: u32, data: &[u8]) -> bool {
        let end = offset + data.len() as u32;
        if self.data.len() < end as usize {
            self.data.resize(end as usize, 0);
        }
        let mut added = false;
        let mut pos = offset;
        for &(s, e) in &self.ranges {
            if e <= pos {
                continue;
            }
            if s >= end {
                break;
            }
            if s > pos {
                let (a, b) = (pos as usize, s as usize);
                self.data[a..b].copy_from_slice(&data[a - offset as usize..b - offset as usize]);
                added = true;
            }
            pos = pos.max(e);
            if pos >= end {
                break;
            }
        }
        if pos < end {
            let (a, b) = (pos as usize, end as usize);
            self.data[a..b].copy_from_slice(&data[a - offset as usize..b - offset as usize]);
            added = true;
        }
        if added {
            self.ranges.push((offset, end));
            self.ranges.sort_unstable();
            let mut merged: Vec<(u32, u32)> = Vec::with_capacity(self.ranges.len());
            for &(s, e) in &self.ranges {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            self.ranges = merged;
        }
        added
    }
}

/// The fragment pool: feed it fragments, get back whole datagram payloads.
pub struct FragPool {
    config: FragConfig,
    pending: FxHashMap<Key, Pending>,
    /// Sets in arrival order, oldest first, for eviction in O(1) instead of a scan of every
    /// set per fragment once a cap is reached. Entries of sets already gone (completed,
    /// timed out) are skipped when met and compacted away when they outnumber the live ones.
    order: VecDeque<(u64, Key)>,
    arrivals: u64,
    bytes: usize,
    last_sweep: Timestamp,
    stats: FragStats,
}

impl FragPool {
    /// An empty pool with these limits.
    pub fn new(config: FragConfig) -> FragPool {
        FragPool {
            config,
            pending: FxHashMap::default(),
            order: VecDeque::new(),
            arrivals: 0,
            bytes: 0,
            last_sweep: Timestamp(i64::MIN),
            stats: FragStats::default(),
        }
    }

    /// Adds one fragment (`data` is the fragment's payload, after the IP header or IPv6
    /// fragment header). Returns the reassembled payload when this fragment completed its
    /// datagram.
    pub fn push(
        &mut self,
        now: Timestamp,
        src: IpAddr,
        dst: IpAddr,
        protocol: u8,
        frag: Fragment,
        data: &[u8],
    ) -> Option<Vec<u8>> {
        self.stats.fragments += 1;
        self.sweep(now);
        let end = frag.offset as u64 + data.len() as u64;
        if end > MAX_DATAGRAM as u64 || (frag.more && data.len() % 8 != 0) {
            self.stats.malformed += 1;
            return None;
        }
        let end = end as u32;
        let key = Key {
            src,
            dst,
            id: frag.id,
            protocol,
        };
        if !self.pending.contains_key(&key) {
            if self.pending.len() >= self.config.max_datagrams {
                self.evict_oldest();
            }
            self.arrivals += 1;
            self.pending.insert(
                key,
                Pending {
                    data: Vec::new(),
                    ranges: Vec::new(),
                    total: None,
                    first_seen: now,
                    arrival: self.arrivals,
                },
            );
            self.order.push_back((self.arrivals, key));
            if self.order.len() > 2 * self.pending.len() + 64 {
                let pending = &self.pending;
                self.order
                    .retain(|(n, k)| pending.get(k).is_some_and(|p| p.arrival == *n));
            }
        }
        let p = self.pending.get_mut(&key).expect("inserted above");
        if let Some(total) = p.total {
            if end > total || (!frag.more && end != total) {
                self.stats.malformed += 1;
                return None;
            }
        } else if !frag.more {
            if p.ranges.last().is_some_and(|r| r.1 > end) {
                self.stats.malformed += 1;
                return None;
            }
            p.total = Some(end);
        }
        let before = p.data.len();
        if !p.insert(frag.offset, data) {
            self.stats.duplicates += 1;
        }
        let grown = p.data.len() - before;
        if p.complete() {
            let done = self.pending.remove(&key).expect("present");
            self.bytes -= before;
            self.stats.reassembled += 1;
            return Some(done.data);
        }
        self.bytes += grown;
        while self.bytes > self.config.max_bytes && !self.pending.is_empty() {
            self.evict_oldest();
        }
        None
    }

    /// Drops datagrams older than the timeout (at most once per second of capture time).
    fn sweep(&mut self, now: Timestamp) {
        if now.0 < self.last_sweep.0.saturating_add(SECOND) {
            return;
        }
        self.last_sweep = now;
        let timeout = self.config.timeout;
        let mut freed = 0;
        let mut expired = 0;
        self.pending.retain(|_, p| {
            let keep = now.0.saturating_sub(p.first_seen.0) <= timeout;
            if !keep {
                freed += p.data.len();
                expired += 1;
            }
            keep
        });
        self.bytes -= freed;
        self.stats.timed_out += expired;
    }

    /// Drops the set that arrived first.
    fn evict_oldest(&mut self) {
        while let Some((n, k)) = self.order.pop_front() {
            if self.pending.get(&k).is_some_and(|p| p.arrival == n) {
                let p = self.pending.remove(&k).expect("present");
                self.bytes -= p.data.len();
                self.stats.evicted += 1;
                return;
            }
        }
    }

    /// Ends the capture: whatever is still incomplete is counted and dropped.
    pub fn finish(&mut self) {
        self.stats.incomplete_at_end += self.pending.len() as u64;
        self.pending.clear();
        self.order.clear();
        self.bytes = 0;
    }

    /// Counters so far.
    pub fn stats(&self) -> FragStats {
        self.stats
    }

    /// Datagrams under reassembly and the bytes they hold.
    pub fn held(&self) -> (usize, usize) {
        (self.pending.len(), self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const S: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
    const D: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));

    fn frag(id: u32, offset: u32, more: bool) -> Fragment {
        Fragment { id, offset, more }
    }

    fn payload(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn any_order_reassembles() {
        let data = payload(3000);
        let orders: [[usize; 3]; 6] = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        for order in orders {
            let mut pool = FragPool::new(FragConfig::default());
            let pieces = [
                (0u32, 1480usize, true),
                (1480, 1480, true),
                (2960, 40, false),
            ];
            let mut out = None;
            for (n, &i) in order.iter().enumerate() {
                let (off, len, more) = pieces[i];
                let r = pool.push(
                    Timestamp(n as i64),
                    S,
                    D,
                    17,
                    frag(5, off, more),
                    &data[off as usize..off as usize + len],
                );
                assert_eq!(r.is_some(), n == 2, "order {order:?}");
                out = out.or(r);
            }
            assert_eq!(out.unwrap(), data);
            assert_eq!(pool.held(), (0, 0));
        }
    }

    #[test]
    fn duplicates_and_overlaps() {
        let data = payload(2000);
        let mut pool = FragPool::new(FragConfig::default());
        assert!(
            pool.push(Timestamp(0), S, D, 17, frag(1, 0, true), &data[..1000])
                .is_none()
        );
        assert!(
            pool.push(Timestamp(0), S, D, 17, frag(1, 0, true), &data[..1000])
                .is_none()
        );
        // overlapping piece [800, 1600) carrying different bytes: the first copy wins
        let mut other = data[800..1600].to_vec();
        other.iter_mut().for_each(|b| *b = !*b);
        assert!(
            pool.push(Timestamp(0), S, D, 17, frag(1, 800, true), &other)
                .is_none()
        );
        let out = pool
            .push(Timestamp(0), S, D, 17, frag(1, 1600, false), &data[1600..])
            .unwrap();
        assert_eq!(&out[..800], &data[..800]);
        assert_eq!(&out[800..1000], &data[800..1000]);
        assert_eq!(&out[1000..1600], &other[200..]);
        assert_eq!(pool.stats().duplicates, 1);
    }

    #[test]
    fn missing_fragment_times_out_and_is_counted() {
        let data = payload(3000);
        let mut pool = FragPool::new(FragConfig::default());
        pool.push(Timestamp(0), S, D, 17, frag(9, 0, true), &data[..1480]);
        pool.push(Timestamp(1), S, D, 17, frag(9, 2960, false), &data[2960..]);
        assert_eq!(pool.held().0, 1);
        // another datagram 31 s later sweeps the first away
        pool.push(
            Timestamp(31 * SECOND + 2),
            S,
            D,
            17,
            frag(10, 0, true),
            &data[..8],
        );
        assert_eq!(pool.stats().timed_out, 1);
        pool.finish();
        assert_eq!(pool.stats().incomplete_at_end, 1);
        assert_eq!(pool.stats().incomplete(), 2);
    }

    #[test]
    fn caps_evict_oldest() {
        let cfg = FragConfig {
            max_datagrams: 4,
            max_bytes: 10_000,
            ..FragConfig::default()
        };
        let mut pool = FragPool::new(cfg);
        let data = payload(4000);
        for id in 0..10 {
            pool.push(
                Timestamp(id as i64),
                S,
                D,
                17,
                frag(id, 0, true),
                &data[..8],
            );
        }
        assert_eq!(pool.held().0, 4);
        assert_eq!(pool.stats().evicted, 6);
        for id in 100..104 {
            pool.push(Timestamp(100), S, D, 17, frag(id, 0, true), &data);
        }
        assert!(pool.held().1 <= 10_000);
    }

    #[test]
    fn eviction_takes_the_first_arrived_and_the_order_stays_small() {
        let cfg = FragConfig {
            max_datagrams: 3,
            ..FragConfig::default()
        };
        let mut pool = FragPool::new(cfg);
        let d = payload(16);
        for id in [1, 2, 3] {
            pool.push(Timestamp(0), S, D, 17, frag(id, 0, true), &d[..8]);
        }
        // set 2 completes; set 4 fills the pool again, set 5 evicts set 1 (not 3)
        assert!(
            pool.push(Timestamp(0), S, D, 17, frag(2, 8, false), &d[8..])
                .is_some()
        );
        pool.push(Timestamp(0), S, D, 17, frag(4, 0, true), &d[..8]);
        pool.push(Timestamp(0), S, D, 17, frag(5, 0, true), &d[..8]);
        assert_eq!(pool.stats().evicted, 1);
        assert!(
            pool.push(Timestamp(0), S, D, 17, frag(3, 8, false), &d[8..])
                .is_some()
        );
        assert!(
            pool.push(Timestamp(0), S, D, 17, frag(1, 8, false), &d[8..])
                .is_none()
        );
        // datagrams completing without any eviction: the order queue is compacted
        let mut pool = FragPool::new(FragConfig::default());
        for id in 0..200_000u32 {
            pool.push(Timestamp(0), S, D, 17, frag(id, 0, true), &d[..8]);
            pool.push(Timestamp(0), S, D, 17, frag(id, 8, false), &d[8..]);
            assert!(pool.order.len() <= 128, "{} entries", pool.order.len());
        }
        assert_eq!(pool.stats().reassembled, 200_000);
    }

    #[test]
    fn malformed_fragments_are_refused() {
        let mut pool = FragPool::new(FragConfig::default());
        let d = payload(100);
        assert!(
            pool.push(Timestamp(0), S, D, 17, frag(1, 0, true), &d[..13])
                .is_none()
        );
        assert!(
            pool.push(Timestamp(0), S, D, 17, frag(1, 65_528, false), &d[..16])
                .is_none()
        );
        pool.push(Timestamp(0), S, D, 17, frag(2, 64, false), &d[..16]);
        assert!(
            pool.push(Timestamp(0), S, D, 17, frag(2, 72, false), &d[..16])
                .is_none()
        );
        assert_eq!(pool.stats().malformed, 3);
    }
}
