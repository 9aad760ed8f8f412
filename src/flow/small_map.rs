//! A map from 64-bit keys to small copyable values that stays a flat vector while small.
//!
//! Most calls have a handful of transactions and requests: a linear scan over a short vector
//! is faster than hashing, and its first `INLINE` entries live inside the map (the call's
//! builder is boxed already, so a basic call's two maps cost no allocation; a `Vec` cost
//! one each per call). A call that grows (a REGISTER Call-ID refreshed for hours) switches
//! to a hash table, so lookups never become O(n). Several values may share a key (a 64-bit
//! hash of borrowed parts): callers give a predicate that checks the real identity.

use rustc_hash::FxHashMap;
use smallvec::SmallVec;

/// Entries kept in the vector before switching to a hash table.
const LINEAR_MAX: usize = 16;
/// Entries kept without an allocation: a basic call's transactions (INVITE, ACK, BYE) and
/// one more (PRACK, CANCEL, re-INVITE).
const INLINE: usize = 4;

/// See the module documentation.
#[derive(Debug)]
pub(crate) enum SmallMap<V: Copy> {
    /// Few entries: scanned in order.
    Linear(SmallVec<[(u64, V); INLINE]>),
    /// Many entries.
    Hashed(FxHashMap<u64, SmallVec<[V; 1]>>),
}

impl<V: Copy> Default for SmallMap<V> {
    fn default() -> Self {
        SmallMap::Linear(SmallVec::new())
    }
}

impl<V: Copy> SmallMap<V> {
    /// The first value under `key` that satisfies `pred`.
    pub(crate) fn find(&self, key: u64, mut pred: impl FnMut(V) -> bool) -> Option<V> {
        match self {
            SmallMap::Linear(v) => v
                .iter()
                .filter(|(k, _)| *k == key)
                .map(|(_, x)| *x)
                .find(|x| pred(*x)),
            SmallMap::Hashed(m) => m.get(&key)?.iter().copied().find(|x| pred(*x)),
        }
    }

    /// Adds a value under `key` (existing values stay).
    pub(crate) fn insert(&mut self, key: u64, value: V) {
        match self {
            SmallMap::Linear(v) if v.len() < LINEAR_MAX => v.push((key, value)),
            SmallMap::Linear(v) => {
                let mut m: FxHashMap<u64, SmallVec<[V; 1]>> = FxHashMap::default();
                for (k, x) in v.drain(..) {
                    m.entry(k).or_default().push(x);
                }
                m.entry(key).or_default().push(value);
                *self = SmallMap::Hashed(m);
            }
            SmallMap::Hashed(m) => m.entry(key).or_default().push(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_through_the_switch_to_a_table() {
        let mut m = SmallMap::default();
        for i in 0..100u64 {
            m.insert(i % 40, i as u32);
            assert_eq!(m.find(i % 40, |v| v == i as u32), Some(i as u32));
        }
        assert!(matches!(m, SmallMap::Hashed(_)));
        // 3 values share key 5: 5, 45, 85
        assert_eq!(m.find(5, |v| v > 50), Some(85));
        assert_eq!(m.find(5, |_| true), Some(5));
        assert_eq!(m.find(41, |_| true), None);
    }
}
