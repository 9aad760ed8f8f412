//! SIP over SCTP (RFC 4168): each user message is one SIP message. Complete DATA chunks
//! (B and E flags) are handed over as they are; user messages split over several chunks are
//! joined per association stream, in TSN order of arrival, within caps.

use std::net::SocketAddr;

use rustc_hash::FxHashMap;

use super::{IngestStats, datagram};
use crate::decode::sctp::Sctp;
use crate::meta::{MessageMeta, RawMessage};

/// User messages being joined at once; beyond it all partial messages are dropped.
pub const MAX_PARTIAL: usize = 1024;
/// Largest joined user message.
pub const MAX_MESSAGE: usize = 1 << 20;

#[derive(Default)]
pub(crate) struct SctpJoiner {
    partial: FxHashMap<(SocketAddr, SocketAddr, u16), Vec<u8>>,
}

impl SctpJoiner {
    /// Feeds one SCTP packet.
    pub(crate) fn packet<F: FnMut(RawMessage<'_>)>(
        &mut self,
        s: &Sctp<'_>,
        meta: MessageMeta,
        stats: &mut IngestStats,
        emit: &mut F,
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
                    stats.sctp_incomplete += self.partial.len() as u64;
                    self.partial.clear();
                }
                if self.partial.insert(key, c.data.to_vec()).is_some() {
                    stats.sctp_incomplete += 1;
                }
                continue;
            }
            let Some(buf) = self.partial.get_mut(&key) else {
                continue; // a middle or end piece whose beginning we never saw
            };
            if buf.len() + c.data.len() > MAX_MESSAGE {
                self.partial.remove(&key);
                stats.sctp_incomplete += 1;
                continue;
            }
            buf.extend_from_slice(c.data);
            if c.end {
                let whole = self.partial.remove(&key).expect("present");
                datagram::split(&whole, meta, stats, emit);
            }
        }
    }

    /// End of capture: partial messages are counted.
    pub(crate) fn finish(&mut self, stats: &mut IngestStats) {
        stats.sctp_incomplete += self.partial.len() as u64;
        self.partial.clear();
    }
}
