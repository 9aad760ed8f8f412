//! Legs: the hops a Call-ID is seen on.
//!
//! A proxy or B2BUA in the capture's path makes every message appear twice (UAC→proxy,
//! proxy→UAS). Those copies are legs, not retransmissions. A leg is the unordered pair of
//! hosts that exchanged a message, compared by IP address only: phones commonly send from
//! an ephemeral port and receive on 5060, and both belong to the same hop. When both ends
//! share an IP address (loopback tests, agents on one host) the ports are the only thing
//! that tells hops apart, so they join the key.

use crate::meta::MessageMeta;

use super::model::{Leg, LegEnd};

/// Most legs tracked per Call-ID; further hops are counted on the last one (hostile input
/// must not grow a call without bound).
pub(crate) const MAX_LEGS: usize = 32;

/// The legs of one call, in order of first sighting. A leg is found by its two ends in
/// either order (no separate list of normalised keys: that was an allocation per call).
#[derive(Debug, Default)]
pub(crate) struct Legs {
    legs: Vec<Leg>,
}

fn ends(meta: &MessageMeta) -> (LegEnd, LegEnd) {
    if meta.src.ip() == meta.dst.ip() {
        (LegEnd::Addr(meta.src), LegEnd::Addr(meta.dst))
    } else {
        (LegEnd::Ip(meta.src.ip()), LegEnd::Ip(meta.dst.ip()))
    }
}

impl Legs {
    /// Index of the leg `meta` travelled on, creating it on first sighting. `via_depth` is
    /// the Via count of a request (None for responses), kept for the first request.
    pub(crate) fn index(
        &mut self,
        meta: &MessageMeta,
        via_depth: impl FnOnce() -> Option<u32>,
    ) -> u32 {
        let raw = ends(meta);
        let i = match self
            .legs
            .iter()
            .position(|l| (l.a, l.b) == raw || (l.b, l.a) == raw)
        {
            Some(i) => i,
            None if self.legs.len() < MAX_LEGS => {
                if self.legs.is_empty() {
                    // most calls have one leg
                    self.legs.reserve_exact(1);
                }
                self.legs.push(Leg {
                    a: raw.0,
                    b: raw.1,
                    first_frame: meta.frame,
                    messages: 0,
                    via_depth: None,
                });
                self.legs.len() - 1
            }
            None => MAX_LEGS - 1,
        };
        let leg = &mut self.legs[i];
        leg.messages += 1;
        if leg.via_depth.is_none() {
            leg.via_depth = via_depth();
        }
        i as u32
    }

    /// The legs, for export.
    pub(crate) fn into_vec(self) -> Vec<Leg> {
        self.legs
    }

    /// Number of legs.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.legs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{Timestamp, Transport};

    fn meta(src: &str, dst: &str) -> MessageMeta {
        MessageMeta {
            frame: 1,
            time: Timestamp(0),
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            transport: Transport::Udp,
        }
    }

    #[test]
    fn both_directions_and_other_ports_are_one_leg() {
        let mut l = Legs::default();
        assert_eq!(
            l.index(&meta("10.0.0.1:5060", "10.0.0.2:5060"), || Some(1)),
            0
        );
        assert_eq!(l.index(&meta("10.0.0.2:1073", "10.0.0.1:5060"), || None), 0);
        assert_eq!(l.index(&meta("10.0.0.1:5060", "10.0.0.2:7818"), || None), 0);
        assert_eq!(
            l.index(&meta("10.0.0.2:5060", "10.0.0.3:5060"), || Some(2)),
            1
        );
        assert_eq!(l.len(), 2);
        let legs = l.into_vec();
        assert_eq!(legs[0].messages, 3);
        assert_eq!(legs[0].via_depth, Some(1));
        assert_eq!(legs[1].via_depth, Some(2));
    }

    #[test]
    fn same_host_legs_are_told_apart_by_port() {
        let mut l = Legs::default();
        assert_eq!(
            l.index(&meta("127.0.0.1:5061", "127.0.0.1:5060"), || None),
            0
        );
        assert_eq!(
            l.index(&meta("127.0.0.1:5060", "127.0.0.1:5062"), || None),
            1
        );
        assert_eq!(
            l.index(&meta("127.0.0.1:5060", "127.0.0.1:5061"), || None),
            0
        );
    }

    #[test]
    fn legs_are_capped() {
        let mut l = Legs::default();
        for i in 0..(MAX_LEGS + 10) {
            let dst = format!("10.1.{}.{}:5060", i / 200, i % 200 + 1);
            l.index(&meta("10.0.0.1:5060", &dst), || None);
        }
        assert_eq!(l.len(), MAX_LEGS);
    }
}
