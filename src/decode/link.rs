//! Link-layer headers by capture link type, down to the first IP packet: Ethernet (with
//! VLAN/QinQ/PPPoE/MPLS), Linux cooked SLL and SLL2, BSD NULL and OpenBSD LOOP, raw IP.

use super::ethernet::{ETHERTYPE_IPV4, ETHERTYPE_IPV6, ethernet, shims};
use super::ip::{IpPacket, decode_ip, decode_ipv4, decode_ipv6};
use super::{Layer, Skip};
use crate::capture::LinkType;

/// Decodes a captured frame of link type `link` down to its first IP packet.
pub fn decode_link(link: LinkType, frame: &[u8]) -> Result<IpPacket<'_>, Skip> {
    let (ethertype, payload) = match link {
        LinkType::ETHERNET => {
            let (t, p) = ethernet(frame)?;
            shims(t, p)?
        }
        LinkType::LINUX_SLL => {
            // packet type, ARPHRD, address length, 8 address bytes, protocol
            if frame.len() < 16 {
                return Err(Skip::Truncated(Layer::Link));
            }
            shims(u16::from_be_bytes([frame[14], frame[15]]), &frame[16..])?
        }
        LinkType::LINUX_SLL2 => {
            // protocol, reserved, interface index, ARPHRD, packet type, address length, 8 bytes
            if frame.len() < 20 {
                return Err(Skip::Truncated(Layer::Link));
            }
            shims(u16::from_be_bytes([frame[0], frame[1]]), &frame[20..])?
        }
        LinkType::NULL | LinkType::LOOP => {
            if frame.len() < 4 {
                return Err(Skip::Truncated(Layer::Link));
            }
            // the family is in the writer's byte order for NULL, network order for LOOP:
            // accept both readings
            let le = u32::from_le_bytes([frame[0], frame[1], frame[2], frame[3]]);
            let be = u32::from_be_bytes([frame[0], frame[1], frame[2], frame[3]]);
            let fam = if le < 256 { le } else { be };
            match fam {
                2 => (ETHERTYPE_IPV4, &frame[4..]),
                // AF_INET6 on FreeBSD, OpenBSD/NetBSD, Darwin, Linux
                10 | 24 | 28 | 30 => (ETHERTYPE_IPV6, &frame[4..]),
                _ => return Err(Skip::NotIp),
            }
        }
        LinkType::RAW | LinkType::RAW_12 | LinkType::RAW_14 => return decode_ip(frame),
        LinkType::IPV4 => return decode_ipv4(frame),
        LinkType::IPV6 => return decode_ipv6(frame),
        LinkType(other) => return Err(Skip::UnsupportedLink(other)),
    };
    match ethertype {
        ETHERTYPE_IPV4 => decode_ipv4(payload),
        ETHERTYPE_IPV6 => decode_ipv6(payload),
        _ => Err(Skip::NotIp),
    }
}
