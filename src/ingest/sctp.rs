//! SIP over SCTP (RFC 4168): each user message is one SIP message. Complete DATA chunks
//! (B and E flags) are handed over as they are; user messages split over several chunks are
//! joined per association stream, in TSN order of arrival, within caps.

use std::net::SocketAddr;

use rustc_hash::FxHashMap;

use super::{IngestStats, Sink, datagram};
use crate::decode::sctp::Sctp;
use crate::meta::MessageMeta;

/// User messages being joined at once; beyond it all partial messages are dropped.
pub const MAX_PARTIAL: usize = 1024;
/// Largest joined user message.
pub const MAX_MESSAGE: usize = 1 << 20;
/// Bytes held by all partial user messages together; beyond it all of them are dropped
/// (and counted), so 1024 streams of almost 1 MiB each cannot pin a gigabyte.
pub const MAX_PARTIAL_BYTES: usize = 16 << 20;

#[derive(Default)]
pub(crate) struct SctpJoiner {
    partial: FxHashMap<(SocketAddr, SocketAddr, u16), Vec<u8>>,
    /// Bytes held in `partial`.
    held: usize,
}

impl SctpJoiner {
    /// Feeds one SCTP packet.
    pub(crate) fn packet<S: Sink>(
        &mut self,
        s: &Sctp<'_>,
        meta: MessageMeta,
        stats: &mut IngestStats,
        emit: &mut S,
    ) {
        let (src, dst) = (meta.src, meta.dst);
        for chunk in s.data_chunks() {
            let c = match chunk {
                Ok(c) => c,
                Err(_) => {
                    stats.sctp_malformed += 1;
                    return;
                }
            };
            stats.sctp_chunks += 1;
            let key = (src, dst, c.stream);
            if c.begin && c.end {
                datagram::split(c.data, meta, stats, emit);
                continue;
            }
            if c.begin {
                if self.partial.len() >= MAX_PARTIAL && !self.partial.contains_key(&key) {
                    self.drop_all(stats);
                }
                self.held += c.data.len();
                if let Some(old) = self.partial.insert(key, c.data.to_vec()) {
                    self.held -= old.len();
                    stats.sctp_incomplete += 1;
                }
                continue;
            }
            let Some(buf) = self.partial.get_mut(&key) else {
                continue; // a middle or end piece whose beginning we never saw
            };
            if buf.len() + c.data.len() > MAX_MESSAGE {
                self.held -= buf.len();
                self.partial.remove(&key);
                stats.sctp_incomplete += 1;
                continue;
            }
            buf.extend_from_slice(c.data);
            self.held += c.data.len();
            if c.end {
                let whole = self.partial.remove(&key).expect("present");
                self.held -= whole.len();
                datagram::split(&whole, meta, stats, emit);
            } else if self.held > MAX_PARTIAL_BYTES {
                self.drop_all(stats);
            }
        }
    }

    /// Drops every partial message, counting each as incomplete.
    fn drop_all(&mut self, stats: &mut IngestStats) {
        stats.sctp_incomplete += self.partial.len() as u64;
        self.partial.clear();
        self.held = 0;
    }

    /// End of capture: partial messages are counted.
    pub(crate) fn finish(&mut self, stats: &mut IngestStats) {
        self.drop_all(stats);
    }

    /// Bytes held by partial user messages (for tests of the cap).
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.held
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::sctp::sctp;
    use crate::meta::{RawMessage, Timestamp, Transport};

    /// One SCTP packet with a DATA chunk on `stream` carrying a B-only (first) or middle piece.
    fn piece(stream: u16, begin: bool, data: &[u8]) -> Vec<u8> {
        let mut v = crate::decode::build::sctp_data(5060, 5060, 1, data);
        v[13] = if begin { 0b10 } else { 0 }; // flags: B without E, or neither
        v[20..22].copy_from_slice(&stream.to_be_bytes());
        v
    }

    #[test]
    fn partial_messages_are_held_within_a_byte_budget() {
        let meta = MessageMeta {
            frame: 1,
            time: Timestamp(0),
            src: "192.0.2.1:5060".parse().unwrap(),
            dst: "192.0.2.2:5060".parse().unwrap(),
            transport: Transport::Sctp,
        };
        let mut j = SctpJoiner::default();
        let mut stats = IngestStats::default();
        let mut emitted = 0;
        let chunk = vec![b'x'; 60_000];
        // 40 streams each start a message and add 8 more pieces: 40 x 540 KB would be
        // 21.6 MB, beyond the 16 MiB budget
        for stream in 0..40u16 {
            let p = piece(stream, true, &chunk);
            j.packet(
                &sctp(&p).unwrap(),
                meta,
                &mut stats,
                &mut |_: RawMessage<'_>| emitted += 1,
            );
            for _ in 0..8 {
                let p = piece(stream, false, &chunk);
                j.packet(
                    &sctp(&p).unwrap(),
                    meta,
                    &mut stats,
                    &mut |_: RawMessage<'_>| emitted += 1,
                );
                assert!(j.held() <= MAX_PARTIAL_BYTES, "{}", j.held());
            }
        }
        assert_eq!(emitted, 0);
        assert!(
            stats.sctp_incomplete > 0,
            "the dropped messages are counted"
        );
        let before = stats.sctp_incomplete;
        let left = j.partial.len() as u64;
        j.finish(&mut stats);
        assert_eq!(stats.sctp_incomplete, before + left);
        assert_eq!(j.held(), 0);
    }
}
