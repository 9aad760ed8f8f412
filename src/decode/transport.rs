//! The transport of an unfragmented IP packet: UDP and TCP views, SCTP, or the inner packet
//! of a tunnel (IP-in-IP, GRE, VXLAN, GTP-U).

use etherparse::TcpHeaderSlice;

use super::ip::{IpPacket, decode_ipv4, decode_ipv6, proto, walk_extensions};
use super::sctp::{Sctp, sctp};
use super::tunnel::{GTPU_PORT, VXLAN_PORT, gre, gtpu, vxlan};
use super::{Layer, Skip};

/// A UDP datagram.
#[derive(Clone, Copy, Debug)]
pub struct Udp<'a> {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Payload, trimmed to the UDP length.
    pub payload: &'a [u8],
    /// The capture holds fewer bytes than the UDP length says.
    pub truncated: bool,
}

/// A TCP segment.
#[derive(Clone, Copy, Debug)]
pub struct Tcp<'a> {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Sequence number of the first payload byte (of the SYN when `syn`).
    pub seq: u32,
    /// SYN flag.
    pub syn: bool,
    /// FIN flag.
    pub fin: bool,
    /// RST flag.
    pub rst: bool,
    /// Payload after the header and options.
    pub payload: &'a [u8],
}

/// What an IP packet carries.
#[derive(Clone, Copy, Debug)]
pub enum Transport<'a> {
    /// UDP.
    Udp(Udp<'a>),
    /// TCP.
    Tcp(Tcp<'a>),
    /// SCTP.
    Sctp(Sctp<'a>),
    /// A tunnel's inner IP packet (decode it again).
    Tunnel(IpPacket<'a>),
    /// Another protocol (ICMP, ESP, OSPF...), by number.
    Other(u8),
}

/// Decodes the transport of an IP packet that is not a fragment.
pub fn decode_transport<'a>(ip: &IpPacket<'a>) -> Result<Transport<'a>, Skip> {
    let (protocol, payload) = if ip.version() == 6
        && matches!(
            ip.protocol,
            proto::HOPOPT | proto::ROUTING | proto::DSTOPTS | proto::AH
        ) {
        // extension headers after a reassembled fragment header
        let (p, b, _) = walk_extensions(ip.protocol, ip.payload)?;
        (p, b)
    } else {
        (ip.protocol, ip.payload)
    };
    match protocol {
        proto::UDP => {
            if payload.len() < 8 {
                return Err(Skip::Truncated(Layer::Udp));
            }
            let src_port = u16::from_be_bytes([payload[0], payload[1]]);
            let dst_port = u16::from_be_bytes([payload[2], payload[3]]);
            let len = u16::from_be_bytes([payload[4], payload[5]]) as usize;
            let body = &payload[8..];
            let (body, truncated) = if len == 0 {
                // zero length: a jumbogram, or a sender that leaves it to IP
                (body, ip.truncated)
            } else if len < 8 {
                return Err(Skip::Malformed(Layer::Udp));
            } else {
                (
                    &body[..(len - 8).min(body.len())],
                    len - 8 > body.len() || ip.truncated,
                )
            };
            if !truncated {
                if src_port == VXLAN_PORT || dst_port == VXLAN_PORT {
                    if let Ok(inner) = vxlan(body) {
                        return Ok(Transport::Tunnel(inner));
                    }
                } else if src_port == GTPU_PORT || dst_port == GTPU_PORT {
                    if let Ok(inner) = gtpu(body) {
                        return Ok(Transport::Tunnel(inner));
                    }
                }
            }
            Ok(Transport::Udp(Udp {
                src_port,
                dst_port,
                payload: body,
                truncated,
            }))
        }
        proto::TCP => {
            let h = TcpHeaderSlice::from_slice(payload).map_err(|e| match e {
                etherparse::err::tcp::HeaderSliceError::Len(_) => Skip::Truncated(Layer::Tcp),
                etherparse::err::tcp::HeaderSliceError::Content(_) => Skip::Malformed(Layer::Tcp),
            })?;
            Ok(Transport::Tcp(Tcp {
                src_port: h.source_port(),
                dst_port: h.destination_port(),
                seq: h.sequence_number(),
                syn: h.syn(),
                fin: h.fin(),
                rst: h.rst(),
                payload: &payload[h.slice().len()..],
            }))
        }
        proto::SCTP => Ok(Transport::Sctp(sctp(payload)?)),
        proto::IPIP => Ok(Transport::Tunnel(decode_ipv4(payload)?)),
        proto::IPV6 => Ok(Transport::Tunnel(decode_ipv6(payload)?)),
        proto::GRE => Ok(Transport::Tunnel(gre(payload)?)),
        other => Ok(Transport::Other(other)),
    }
}
