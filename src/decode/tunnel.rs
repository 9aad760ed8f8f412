//! Tunnels that carry another IP packet: GRE (RFC 2784/2890, enhanced GRE of PPTP) with IP,
//! transparent Ethernet, ERSPAN type I/II/III or PPP inside; VXLAN (RFC 7348); GTP-U (3GPP TS
//! 29.281). Each returns the inner IP packet.

use super::ethernet::{ETHERTYPE_IPV4, ETHERTYPE_IPV6, ethernet, ppp, shims};
use super::ip::{IpPacket, decode_ip, decode_ipv4, decode_ipv6};
use super::{Layer, Skip};

/// UDP port of VXLAN.
pub const VXLAN_PORT: u16 = 4789;
/// UDP port of GTP-U.
pub const GTPU_PORT: u16 = 2152;

const GRE_TEB: u16 = 0x6558;
const GRE_ERSPAN_2: u16 = 0x88be;
const GRE_ERSPAN_3: u16 = 0x22eb;
const GRE_PPP: u16 = 0x880b;

/// Decodes a GRE packet (the payload of IP protocol 47) to its inner IP packet.
pub fn gre(b: &[u8]) -> Result<IpPacket<'_>, Skip> {
    if b.len() < 4 {
        return Err(Skip::Truncated(Layer::Gre));
    }
    let flags = u16::from_be_bytes([b[0], b[1]]);
    let version = flags & 7;
    let proto = u16::from_be_bytes([b[2], b[3]]);
    let mut len = 4;
    let checksum = flags & 0x8000 != 0;
    let routing = flags & 0x4000 != 0;
    let key = flags & 0x2000 != 0;
    let seq = flags & 0x1000 != 0;
    match version {
        0 => {
            if checksum || routing {
                len += 4;
            }
        }
        // enhanced GRE (PPTP): key always present, optional acknowledgment number
        1 => {
            if flags & 0x0080 != 0 {
                len += 4;
            }
        }
        _ => return Err(Skip::Malformed(Layer::Gre)),
    }
    if key {
        len += 4;
    }
    if seq {
        len += 4;
    }
    if routing && version == 0 {
        // source route entries (RFC 1701) are not decoded: rare and obsolete
        return Err(Skip::Malformed(Layer::Gre));
    }
    if b.len() < len {
        return Err(Skip::Truncated(Layer::Gre));
    }
    let inner = &b[len..];
    let (ethertype, payload) = match proto {
        ETHERTYPE_IPV4 | ETHERTYPE_IPV6 => (proto, inner),
        GRE_TEB => eth_frame(inner)?,
        // ERSPAN type I has no header and no sequence number; type II has both
        GRE_ERSPAN_2 if !seq => eth_frame(inner)?,
        GRE_ERSPAN_2 => {
            if inner.len() < 8 {
                return Err(Skip::Truncated(Layer::Erspan));
            }
            if inner[0] >> 4 != 1 {
                return Err(Skip::Malformed(Layer::Erspan));
            }
            eth_frame(&inner[8..])?
        }
        GRE_ERSPAN_3 => {
            if inner.len() < 12 {
                return Err(Skip::Truncated(Layer::Erspan));
            }
            if inner[0] >> 4 != 2 {
                return Err(Skip::Malformed(Layer::Erspan));
            }
            // the O flag announces an 8-byte platform-specific subheader
            let hlen = if inner[11] & 1 == 1 { 20 } else { 12 };
            if inner.len() < hlen {
                return Err(Skip::Truncated(Layer::Erspan));
            }
            eth_frame(&inner[hlen..])?
        }
        GRE_PPP => ppp(inner)?,
        _ => return Err(Skip::NotIp),
    };
    match ethertype {
        ETHERTYPE_IPV4 => decode_ipv4(payload),
        ETHERTYPE_IPV6 => decode_ipv6(payload),
        _ => Err(Skip::NotIp),
    }
}

fn eth_frame(b: &[u8]) -> Result<(u16, &[u8]), Skip> {
    let (t, p) = ethernet(b)?;
    shims(t, p)
}

/// Decodes a VXLAN payload (8-byte header with the I flag, then Ethernet).
pub fn vxlan(b: &[u8]) -> Result<IpPacket<'_>, Skip> {
    if b.len() < 8 {
        return Err(Skip::Truncated(Layer::Vxlan));
    }
    if b[0] & 0x08 == 0 {
        return Err(Skip::Malformed(Layer::Vxlan));
    }
    let (t, p) = eth_frame(&b[8..])?;
    match t {
        ETHERTYPE_IPV4 => decode_ipv4(p),
        ETHERTYPE_IPV6 => decode_ipv6(p),
        _ => Err(Skip::NotIp),
    }
}

/// Decodes a GTP-U G-PDU (version 1, message type 255) to the user's IP packet, skipping
/// the optional sequence/N-PDU/extension fields and the extension header chain.
pub fn gtpu(b: &[u8]) -> Result<IpPacket<'_>, Skip> {
    if b.len() < 8 {
        return Err(Skip::Truncated(Layer::Gtp));
    }
    let flags = b[0];
    if flags >> 5 != 1 || flags & 0x10 == 0 {
        return Err(Skip::Malformed(Layer::Gtp));
    }
    if b[1] != 0xff {
        // signalling (echo, error indication, end marker): no user packet
        return Err(Skip::NotIp);
    }
    let length = u16::from_be_bytes([b[2], b[3]]) as usize;
    let body = &b[8..];
    let mut body = &body[..length.min(body.len())];
    if flags & 0x07 != 0 {
        if body.len() < 4 {
            return Err(Skip::Truncated(Layer::Gtp));
        }
        let mut next_ext = body[3];
        body = &body[4..];
        let mut n = 0;
        while next_ext != 0 {
            n += 1;
            if n > 16 || body.is_empty() {
                return Err(Skip::Malformed(Layer::Gtp));
            }
            let len = body[0] as usize * 4;
            if len == 0 || body.len() < len {
                return Err(Skip::Truncated(Layer::Gtp));
            }
            next_ext = body[len - 1];
            body = &body[len..];
        }
    }
    decode_ip(body)
}
