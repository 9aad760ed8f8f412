//! Capture sources: pcap and pcapng files (path, `-` for stdin, gzip-compressed), several files
//! merged in timestamp order, and live interfaces (feature `live`).
//!
//! Output: link-layer frames numbered from 1 over the whole input, with capture time and
//! link type. Nothing here looks inside the frames.
//!
//! ```no_run
//! use sipscope::capture::Capture;
//! let mut cap = Capture::open(&["a.pcap", "b.pcapng.gz"]).unwrap();
//! while let Some(frame) = cap.next_frame() {
//!     println!("{} {} bytes", frame.number, frame.data.len());
//! }
//! for w in cap.warnings() { eprintln!("warning: {w}"); }
//! ```

mod error;
mod file;
mod input;
mod merge;
mod pcap;
mod pcapng;
pub mod writer;

#[cfg(feature = "live")]
pub mod live;

pub use error::CaptureError;
pub use file::FileReader;
pub use merge::Capture;

use crate::meta::Timestamp;

/// A link-layer header type, as numbered in the tcpdump LINKTYPE registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback: 4-byte address family in host byte order.
    pub const NULL: LinkType = LinkType(0);
    /// Ethernet II / 802.3.
    pub const ETHERNET: LinkType = LinkType(1);
    /// Raw IP on some BSDs (DLT 12 where it is not LINKTYPE_RAW's alias).
    pub const RAW_12: LinkType = LinkType(12);
    /// Raw IP on OpenBSD (DLT 14).
    pub const RAW_14: LinkType = LinkType(14);
    /// Raw IPv4 or IPv6, no link header.
    pub const RAW: LinkType = LinkType(101);
    /// OpenBSD loopback: address family in network byte order.
    pub const LOOP: LinkType = LinkType(108);
    /// Linux cooked capture v1 (16-byte header).
    pub const LINUX_SLL: LinkType = LinkType(113);
    /// Raw IPv4.
    pub const IPV4: LinkType = LinkType(228);
    /// Raw IPv6.
    pub const IPV6: LinkType = LinkType(229);
    /// Linux cooked capture v2 (20-byte header).
    pub const LINUX_SLL2: LinkType = LinkType(276);
}

/// One captured frame, borrowed from the reader until the next call to `next_frame`.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// 1-based number over the whole (merged) input, as Wireshark numbers frames.
    pub number: u64,
    /// Capture timestamp.
    pub time: Timestamp,
    /// Link-layer type of `data`.
    pub link: LinkType,
    /// Captured bytes (may be shorter than `orig_len` when the snaplen cut the packet).
    pub data: &'a [u8],
    /// Length of the packet on the wire.
    pub orig_len: u32,
}

/// The largest packet record accepted; anything larger is taken as a corrupt length field
/// (libpcap's own maximum snaplen is 262144; pcapng files from some tools go beyond it).
pub const MAX_RECORD_LEN: usize = 16 * 1024 * 1024;

#[cfg(test)]
mod tests;
