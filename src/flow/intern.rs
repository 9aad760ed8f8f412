//! Small shared strings.
//!
//! Method names, reason phrases, Via sent-by hosts and User-Agent strings repeat across
//! thousands of messages. An [`Atom`] is a reference-counted string so that storing one per
//! message costs a pointer copy, not an allocation; the [`Interner`] hands out the same
//! `Atom` for equal strings. Its table is capped: hostile input full of unique strings
//! only costs one allocation per string, never an ever-growing table.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use std::net::SocketAddr;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Serialize, Serializer};

use crate::sip::Method;

/// An immutable shared string (serialised as a JSON string).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Atom(Arc<str>);

impl Atom {
    /// A new atom that is not interned.
    pub fn new(s: &str) -> Self {
        Atom(Arc::from(s))
    }
    /// The string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Atom {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Atom {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Atom {
    fn from(s: &str) -> Self {
        Atom::new(s)
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Atom {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A shared socket address (8 bytes per message instead of 32), serialised as `ip:port`
/// (`[v6]:port` for IPv6). The text is formatted once, when the endpoint is made: an export
/// writes it twice per message, and formatting it each time was a fifth of the export.
#[derive(Clone)]
pub struct Endpoint(Arc<(SocketAddr, Box<str>)>);

impl Endpoint {
    /// A new endpoint that is not interned.
    pub fn new(a: SocketAddr) -> Self {
        Endpoint(Arc::new((a, a.to_string().into_boxed_str())))
    }

    /// `ip:port` (`[v6]:port`), as `SocketAddr` displays it.
    pub fn as_str(&self) -> &str {
        &self.0.1
    }
}

impl PartialEq for Endpoint {
    fn eq(&self, other: &Self) -> bool {
        self.0.0 == other.0.0
    }
}

impl Eq for Endpoint {}

impl Hash for Endpoint {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.0.0.hash(h)
    }
}

impl Deref for Endpoint {
    type Target = SocketAddr;
    fn deref(&self) -> &SocketAddr {
        &self.0.0
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.0, f)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.0, f)
    }
}

impl Serialize for Endpoint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Hands out one shared [`Atom`] per distinct string and one [`Endpoint`] per distinct
/// address, up to a cap each.
#[derive(Debug)]
pub struct Interner {
    set: FxHashSet<Atom>,
    endpoints: FxHashMap<SocketAddr, Endpoint>,
    cap: usize,
    /// Reused by [`Interner::intern_with`].
    scratch: String,
    /// The atom of each standard method, by [`method_slot`] (no hashing for them).
    methods: [Option<Atom>; METHOD_SLOTS],
}

const METHOD_SLOTS: usize = 17;

/// Slot of a standard method in [`Interner::methods`] (`None` for an extension method).
fn method_slot(m: Method<'_>) -> Option<usize> {
    Some(match m {
        Method::Invite => 0,
        Method::Ack => 1,
        Method::Bye => 2,
        Method::Cancel => 3,
        Method::Register => 4,
        Method::Options => 5,
        Method::Info => 6,
        Method::Subscribe => 7,
        Method::Notify => 8,
        Method::Refer => 9,
        Method::Prack => 10,
        Method::Update => 11,
        Method::Service => 12,
        Method::Benotify => 13,
        Method::Comet => 14,
        Method::Message => 15,
        Method::Publish => 16,
        Method::Extension(_) => return None,
    })
}

/// Default number of distinct strings kept (enough for every method, phrase, host and
/// User-Agent of a large capture; beyond it atoms are still correct, just not shared).
pub const DEFAULT_INTERN_CAP: usize = 65_536;

/// Longest string worth interning; longer ones are rare and unlikely to repeat.
const MAX_INTERNED_LEN: usize = 256;

impl Default for Interner {
    fn default() -> Self {
        Interner::with_cap(DEFAULT_INTERN_CAP)
    }
}

impl Interner {
    /// An interner that keeps at most `cap` distinct strings.
    pub fn with_cap(cap: usize) -> Self {
        Interner {
            set: FxHashSet::default(),
            endpoints: FxHashMap::default(),
            cap,
            scratch: String::new(),
            methods: Default::default(),
        }
    }

    /// The shared atom for `s` (allocates only the first time `s` is seen, or when the
    /// table is full).
    pub fn intern(&mut self, s: &str) -> Atom {
        if let Some(a) = self.set.get(s) {
            return a.clone();
        }
        let a = Atom::new(s);
        if self.set.len() < self.cap && s.len() <= MAX_INTERNED_LEN {
            self.set.insert(a.clone());
        }
        a
    }

    /// The shared atom for a method's name (`intern(m.as_str())`, without hashing for the
    /// standard methods).
    pub fn method(&mut self, m: Method<'_>) -> Atom {
        let Some(slot) = method_slot(m) else {
            return self.intern(m.as_str());
        };
        if let Some(a) = &self.methods[slot] {
            return a.clone();
        }
        let a = self.intern(m.as_str());
        self.methods[slot] = Some(a.clone());
        a
    }

    /// The shared atom for the text `write` puts in a scratch buffer (no allocation when
    /// the text was seen before).
    pub fn intern_with(&mut self, write: impl FnOnce(&mut String)) -> Atom {
        let mut s = std::mem::take(&mut self.scratch);
        write(&mut s);
        let a = self.intern(&s);
        self.scratch = s;
        a
    }

    /// The shared endpoint for `a`.
    pub fn endpoint(&mut self, a: SocketAddr) -> Endpoint {
        if let Some(e) = self.endpoints.get(&a) {
            return e.clone();
        }
        let e = Endpoint::new(a);
        if self.endpoints.len() < self.cap {
            self.endpoints.insert(a, e.clone());
        }
        e
    }

    /// Number of strings currently shared.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// True when nothing has been interned.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_allocation() {
        let mut i = Interner::default();
        let a = i.intern("INVITE");
        let b = i.intern("INVITE");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(i.len(), 1);
    }

    #[test]
    fn cap_bounds_the_table_but_atoms_stay_correct() {
        let mut i = Interner::with_cap(2);
        for s in ["a", "b", "c", "d"] {
            assert_eq!(i.intern(s).as_str(), s);
        }
        assert_eq!(i.len(), 2);
    }

    #[test]
    fn endpoints_are_shared_and_print_as_ip_port() {
        let mut i = Interner::default();
        let a = i.endpoint("[fd00::1]:5060".parse().unwrap());
        let b = i.endpoint("[fd00::1]:5060".parse().unwrap());
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"[fd00::1]:5060\"");
    }

    #[test]
    fn serialises_as_a_string() {
        assert_eq!(serde_json::to_string(&Atom::new("OK")).unwrap(), "\"OK\"");
    }
}
