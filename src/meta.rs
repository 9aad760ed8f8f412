//! Small value types shared by every layer: capture time, transport, and the record that
//! carries one SIP message's bytes from the packet layer to the parser and the engine.

use std::fmt;
use std::net::SocketAddr;

/// A capture timestamp: nanoseconds since the Unix epoch, as recorded in the capture file
/// (never wall-clock time).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Builds a timestamp from seconds and nanoseconds.
    pub fn from_parts(secs: i64, nanos: u32) -> Self {
        Timestamp(
            secs.saturating_mul(1_000_000_000)
                .saturating_add(nanos as i64),
        )
    }
    /// Seconds since the epoch as a float (the JSON representation).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }
    /// Nanoseconds since the epoch.
    pub fn as_nanos(self) -> i64 {
        self.0
    }
    /// Signed difference `self - earlier` in seconds (saturating: capture files can hold
    /// any 64-bit time, and a pcapng offset can push one to either end of the range).
    pub fn secs_since(self, earlier: Timestamp) -> f64 {
        self.0.saturating_sub(earlier.0) as f64 / 1e9
    }
}

/// The transport a SIP message was carried over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Transport {
    /// UDP datagram (after IP reassembly).
    Udp,
    /// TCP stream.
    Tcp,
    /// SCTP DATA chunk.
    Sctp,
    /// WebSocket (RFC 7118) over TCP.
    Ws,
}

impl Transport {
    /// Lower-case name used in JSON and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
            Transport::Sctp => "sctp",
            Transport::Ws => "ws",
        }
    }
    /// True for transports where messages are framed by Content-Length inside a byte stream.
    pub fn is_stream(self) -> bool {
        matches!(self, Transport::Tcp)
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where and when one SIP message was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageMeta {
    /// 1-based number of the frame that completed the message (the last fragment or TCP
    /// segment), counted over the whole input as tshark counts.
    pub frame: u64,
    /// Capture time of that frame.
    pub time: Timestamp,
    /// Source address and port.
    pub src: SocketAddr,
    /// Destination address and port.
    pub dst: SocketAddr,
    /// Transport the message came over.
    pub transport: Transport,
}

/// One SIP message as framed by the packet layer: its bytes and where it was seen.
/// The bytes borrow from the packet or reassembly buffer and live only for the callback.
#[derive(Clone, Copy, Debug)]
pub struct RawMessage<'a> {
    /// Capture metadata.
    pub meta: MessageMeta,
    /// Exactly one SIP message (start line through body).
    pub bytes: &'a [u8],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secs_since_is_signed_and_saturates() {
        let t = Timestamp::from_parts(1_700_000_000, 500_000_000);
        assert_eq!(t.secs_since(Timestamp::from_parts(1_700_000_000, 0)), 0.5);
        assert_eq!(Timestamp::from_parts(1_700_000_000, 0).secs_since(t), -0.5);
        let (max, min) = (Timestamp(i64::MAX), Timestamp(i64::MIN));
        assert_eq!(max.secs_since(min), i64::MAX as f64 / 1e9);
        assert_eq!(min.secs_since(max), i64::MIN as f64 / 1e9);
    }
}
