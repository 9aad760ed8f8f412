//! IPv4 and IPv6 (with extension headers): addresses, upper-layer protocol, payload trimmed
//! to the length the header states, and fragment information for reassembly.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::{Ipv4HeaderSlice, Ipv6HeaderSlice};

use super::{Layer, Skip};

/// IP protocol numbers used in this crate.
pub mod proto {
    /// IPv6 hop-by-hop options.
    pub const HOPOPT: u8 = 0;
    /// IPv4 encapsulated in IP.
    pub const IPIP: u8 = 4;
    /// TCP.
    pub const TCP: u8 = 6;
    /// UDP.
    pub const UDP: u8 = 17;
    /// IPv6 encapsulated in IP.
    pub const IPV6: u8 = 41;
    /// IPv6 routing header.
    pub const ROUTING: u8 = 43;
    /// IPv6 fragment header.
    pub const FRAGMENT: u8 = 44;
    /// GRE.
    pub const GRE: u8 = 47;
    /// Authentication header.
    pub const AH: u8 = 51;
    /// IPv6 no next header.
    pub const NONE: u8 = 59;
    /// IPv6 destination options.
    pub const DSTOPTS: u8 = 60;
    /// SCTP.
    pub const SCTP: u8 = 132;
}

/// The most IPv6 extension headers walked in one packet.
const MAX_EXTENSIONS: usize = 16;

/// Fragment information of an IPv4 or IPv6 packet that is one piece of a larger datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fragment {
    /// Identification (16 bits for IPv4, 32 for IPv6).
    pub id: u32,
    /// Offset of this piece in the datagram's payload, in bytes.
    pub offset: u32,
    /// More fragments follow.
    pub more: bool,
}

/// An IP packet: addresses, the upper-layer protocol, and its payload.
#[derive(Clone, Copy, Debug)]
pub struct IpPacket<'a> {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Upper-layer protocol (after IPv6 extension headers; for a fragment, the protocol of
    /// the reassembled payload).
    pub protocol: u8,
    /// Payload after the IP header(s), trimmed to the header's length.
    pub payload: &'a [u8],
    /// Set when this packet is a fragment.
    pub fragment: Option<Fragment>,
    /// The capture holds fewer bytes than the header's length says (snaplen cut).
    pub truncated: bool,
}

impl IpPacket<'_> {
    /// IP version (4 or 6).
    pub fn version(&self) -> u8 {
        if self.src.is_ipv4() { 4 } else { 6 }
    }
}

/// Decodes an IPv4 or IPv6 packet, telling them apart by the version nibble.
pub fn decode_ip(b: &[u8]) -> Result<IpPacket<'_>, Skip> {
    match b.first().map(|v| v >> 4) {
        Some(4) => decode_ipv4(b),
        Some(6) => decode_ipv6(b),
        Some(_) => Err(Skip::NotIp),
        None => Err(Skip::Truncated(Layer::Ipv4)),
    }
}

/// Decodes an IPv4 header (options skipped).
pub fn decode_ipv4(b: &[u8]) -> Result<IpPacket<'_>, Skip> {
    let h = Ipv4HeaderSlice::from_slice(b).map_err(|e| match e {
        etherparse::err::ipv4::HeaderSliceError::Len(_) => Skip::Truncated(Layer::Ipv4),
        etherparse::err::ipv4::HeaderSliceError::Content(_) => Skip::Malformed(Layer::Ipv4),
    })?;
    let hlen = h.slice().len();
    let total = h.total_len() as usize;
    if total < hlen {
        return Err(Skip::Malformed(Layer::Ipv4));
    }
    let truncated = total > b.len();
    let payload = &b[hlen..total.min(b.len())];
    let offset = h.fragments_offset().value() as u32 * 8;
    let more = h.more_fragments();
    let fragment = (more || offset != 0).then_some(Fragment {
        id: h.identification() as u32,
        offset,
        more,
    });
    Ok(IpPacket {
        src: IpAddr::V4(Ipv4Addr::from(h.source())),
        dst: IpAddr::V4(Ipv4Addr::from(h.destination())),
        protocol: h.protocol().0,
        payload,
        fragment,
        truncated,
    })
}

/// Decodes an IPv6 header and walks its extension headers up to the upper layer or a
/// fragment header.
pub fn decode_ipv6(b: &[u8]) -> Result<IpPacket<'_>, Skip> {
    let h = Ipv6HeaderSlice::from_slice(b).map_err(|e| match e {
        etherparse::err::ipv6::HeaderSliceError::Len(_) => Skip::Truncated(Layer::Ipv6),
        etherparse::err::ipv6::HeaderSliceError::Content(_) => Skip::Malformed(Layer::Ipv6),
    })?;
    let plen = h.payload_length() as usize;
    let rest = &b[40..];
    // payload length 0 with a hop-by-hop header is a jumbogram: take what was captured
    let (body, truncated) = if plen == 0 && h.next_header().0 == proto::HOPOPT {
        (rest, false)
    } else {
        (&rest[..plen.min(rest.len())], plen > rest.len())
    };
    let (protocol, payload, fragment) = walk_extensions(h.next_header().0, body)?;
    Ok(IpPacket {
        src: IpAddr::V6(Ipv6Addr::from(h.source())),
        dst: IpAddr::V6(Ipv6Addr::from(h.destination())),
        protocol,
        payload,
        fragment,
        truncated,
    })
}

/// Skips IPv6 extension headers (hop-by-hop, routing, destination options, AH) starting
/// with protocol `next`. Stops at the upper layer or after a fragment header, whose
/// information it returns (the payload then is the fragment's data).
pub fn walk_extensions(mut next: u8, mut b: &[u8]) -> Result<(u8, &[u8], Option<Fragment>), Skip> {
    for _ in 0..MAX_EXTENSIONS {
        match next {
            proto::HOPOPT | proto::ROUTING | proto::DSTOPTS => {
                if b.len() < 8 {
                    return Err(Skip::Truncated(Layer::Ipv6));
                }
                let len = (b[1] as usize + 1) * 8;
                if b.len() < len {
                    return Err(Skip::Truncated(Layer::Ipv6));
                }
                next = b[0];
                b = &b[len..];
            }
            proto::AH => {
                if b.len() < 8 {
                    return Err(Skip::Truncated(Layer::Ipv6));
                }
                let len = (b[1] as usize + 2) * 4;
                if b.len() < len {
                    return Err(Skip::Truncated(Layer::Ipv6));
                }
                next = b[0];
                b = &b[len..];
            }
            proto::FRAGMENT => {
                if b.len() < 8 {
                    return Err(Skip::Truncated(Layer::Ipv6));
                }
                let off_m = u16::from_be_bytes([b[2], b[3]]);
                let offset = (off_m >> 3) as u32 * 8;
                let more = off_m & 1 == 1;
                let id = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
                let fragment = (offset != 0 || more).then_some(Fragment { id, offset, more });
                // an atomic fragment (offset 0, no more) is a whole packet: keep walking
                if fragment.is_some() {
                    return Ok((b[0], &b[8..], fragment));
                }
                next = b[0];
                b = &b[8..];
            }
            _ => return Ok((next, b, None)),
        }
    }
    Err(Skip::Malformed(Layer::Ipv6))
}
