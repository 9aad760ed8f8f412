//! Ethernet II and what may sit between it and IP: 802.1Q VLAN tags, 802.1ad QinQ (and the
//! old 0x9100 outer tag), PPPoE sessions with PPP, MPLS label stacks. Everything here ends at
//! an EtherType-style protocol number and its payload.

use etherparse::Ethernet2HeaderSlice;

use super::{Layer, Skip};

/// EtherType of IPv4.
pub const ETHERTYPE_IPV4: u16 = 0x0800;
/// EtherType of IPv6.
pub const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERTYPE_VLAN: u16 = 0x8100;
const ETHERTYPE_QINQ: u16 = 0x88a8;
const ETHERTYPE_QINQ_OLD: u16 = 0x9100;
const ETHERTYPE_PPPOE_SESSION: u16 = 0x8864;
const ETHERTYPE_MPLS: u16 = 0x8847;
const ETHERTYPE_MPLS_MC: u16 = 0x8848;

/// The most VLAN tags / MPLS labels / PPPoE headers peeled off one frame.
const MAX_SHIMS: usize = 16;

/// Strips an Ethernet II header, returning the EtherType and payload.
pub fn ethernet(frame: &[u8]) -> Result<(u16, &[u8]), Skip> {
    let eth = Ethernet2HeaderSlice::from_slice(frame).map_err(|_| Skip::Truncated(Layer::Link))?;
    let ethertype = eth.ether_type().0;
    if ethertype < 0x0600 {
        // an 802.3 length field: LLC/SNAP frames (STP, CDP...) carry no IP we care about
        return Err(Skip::NotIp);
    }
    Ok((ethertype, &frame[14..]))
}

/// Peels VLAN tags, PPPoE session headers and MPLS labels until an IP EtherType.
/// Returns the EtherType (IPv4 or IPv6 on success) and its payload.
pub fn shims(mut ethertype: u16, mut payload: &[u8]) -> Result<(u16, &[u8]), Skip> {
    for _ in 0..MAX_SHIMS {
        match ethertype {
            ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_OLD => {
                if payload.len() < 4 {
                    return Err(Skip::Truncated(Layer::Vlan));
                }
                ethertype = u16::from_be_bytes([payload[2], payload[3]]);
                payload = &payload[4..];
            }
            ETHERTYPE_PPPOE_SESSION => {
                // ver/type, code, session id, length; then the PPP protocol number
                if payload.len() < 8 {
                    return Err(Skip::Truncated(Layer::Pppoe));
                }
                if payload[0] != 0x11 || payload[1] != 0 {
                    return Err(Skip::Malformed(Layer::Pppoe));
                }
                let len = u16::from_be_bytes([payload[4], payload[5]]) as usize;
                let body = &payload[6..];
                let body = &body[..len.min(body.len())];
                let (proto, rest) = ppp(body)?;
                ethertype = proto;
                payload = rest;
            }
            ETHERTYPE_MPLS | ETHERTYPE_MPLS_MC => {
                let (proto, rest) = mpls(payload)?;
                ethertype = proto;
                payload = rest;
            }
            ETHERTYPE_IPV4 | ETHERTYPE_IPV6 => return Ok((ethertype, payload)),
            _ => return Err(Skip::NotIp),
        }
    }
    Err(Skip::Malformed(Layer::Vlan))
}

/// A PPP frame (optionally with the 0xFF 0x03 address/control bytes, with a one- or
/// two-byte protocol field) to an EtherType and payload.
pub fn ppp(frame: &[u8]) -> Result<(u16, &[u8]), Skip> {
    let mut b = frame;
    if b.len() >= 2 && b[0] == 0xff && b[1] == 0x03 {
        b = &b[2..];
    }
    let (proto, rest) = match b {
        [p, rest @ ..] if p & 1 == 1 => (*p as u16, rest),
        [hi, lo, rest @ ..] => (u16::from_be_bytes([*hi, *lo]), rest),
        _ => return Err(Skip::Truncated(Layer::Ppp)),
    };
    match proto {
        0x0021 => Ok((ETHERTYPE_IPV4, rest)),
        0x0057 => Ok((ETHERTYPE_IPV6, rest)),
        _ => Err(Skip::NotIp),
    }
}

/// Pops an MPLS label stack; the payload's IP version nibble names its EtherType.
fn mpls(mut b: &[u8]) -> Result<(u16, &[u8]), Skip> {
    for _ in 0..MAX_SHIMS {
        if b.len() < 4 {
            return Err(Skip::Truncated(Layer::Mpls));
        }
        let bottom = b[2] & 1 == 1;
        b = &b[4..];
        if bottom {
            return match b.first().map(|v| v >> 4) {
                Some(4) => Ok((ETHERTYPE_IPV4, b)),
                Some(6) => Ok((ETHERTYPE_IPV6, b)),
                _ => Err(Skip::NotIp),
            };
        }
    }
    Err(Skip::Malformed(Layer::Mpls))
}
