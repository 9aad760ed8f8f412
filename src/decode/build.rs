//! Packet builders, the inverse of the views in this module: tests, benchmarks and fuzz
//! seeds use them to make captures in code. Checksums are left zero (nothing here checks
//! them); lengths are always right.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Ethernet II header with placeholder MAC addresses.
pub fn ethernet(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(14 + payload.len());
    v.extend_from_slice(&[0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1]);
    v.extend_from_slice(&ethertype.to_be_bytes());
    v.extend_from_slice(payload);
    v
}

/// A VLAN tag (`tpid` 0x8100 for 802.1Q, 0x88a8 for an 802.1ad outer tag) followed by the
/// inner EtherType; use as the payload of [`ethernet`] with EtherType `tpid`.
pub fn vlan(vid: u16, inner_ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(4 + payload.len());
    v.extend_from_slice(&(vid & 0x0fff).to_be_bytes());
    v.extend_from_slice(&inner_ethertype.to_be_bytes());
    v.extend_from_slice(payload);
    v
}

/// Linux cooked capture v2 header + payload.
pub fn sll2(protocol: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(20 + payload.len());
    v.extend_from_slice(&protocol.to_be_bytes());
    v.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 1, 0, 6]);
    v.extend_from_slice(&[0x02, 0, 0, 0, 0, 1, 0, 0]);
    v.extend_from_slice(payload);
    v
}

/// Linux cooked capture v1 header + payload.
pub fn sll(protocol: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(16 + payload.len());
    v.extend_from_slice(&[0, 0, 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 1, 0, 0]);
    v.extend_from_slice(&protocol.to_be_bytes());
    v.extend_from_slice(payload);
    v
}

/// Parameters of an IPv4 header.
#[derive(Clone, Copy, Debug)]
pub struct V4 {
    /// Source.
    pub src: Ipv4Addr,
    /// Destination.
    pub dst: Ipv4Addr,
    /// Protocol.
    pub protocol: u8,
    /// Identification.
    pub id: u16,
    /// Fragment offset in bytes (a multiple of 8).
    pub frag_offset: u16,
    /// More-fragments flag.
    pub more: bool,
}

impl V4 {
    /// An unfragmented packet.
    pub fn new(src: [u8; 4], dst: [u8; 4], protocol: u8) -> V4 {
        V4 {
            src: src.into(),
            dst: dst.into(),
            protocol,
            id: 1,
            frag_offset: 0,
            more: false,
        }
    }
}

/// IPv4 header (no options) + payload.
pub fn ipv4(h: V4, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut v = Vec::with_capacity(total as usize);
    v.extend_from_slice(&[0x45, 0]);
    v.extend_from_slice(&total.to_be_bytes());
    v.extend_from_slice(&h.id.to_be_bytes());
    let ff = (h.frag_offset / 8) | if h.more { 0x2000 } else { 0 };
    v.extend_from_slice(&ff.to_be_bytes());
    v.extend_from_slice(&[64, h.protocol, 0, 0]);
    v.extend_from_slice(&h.src.octets());
    v.extend_from_slice(&h.dst.octets());
    v.extend_from_slice(payload);
    v
}

/// IPv6 header + payload (`next` is the first next-header value).
pub fn ipv6(src: Ipv6Addr, dst: Ipv6Addr, next: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(40 + payload.len());
    v.extend_from_slice(&[0x60, 0, 0, 0]);
    v.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    v.extend_from_slice(&[next, 64]);
    v.extend_from_slice(&src.octets());
    v.extend_from_slice(&dst.octets());
    v.extend_from_slice(payload);
    v
}

/// An IPv6 fragment extension header + fragment data (use as [`ipv6`] payload with next
/// header 44).
pub fn ipv6_fragment(next: u8, id: u32, offset: u16, more: bool, data: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(8 + data.len());
    v.extend_from_slice(&[next, 0]);
    v.extend_from_slice(&((offset / 8) << 3 | more as u16).to_be_bytes());
    v.extend_from_slice(&id.to_be_bytes());
    v.extend_from_slice(data);
    v
}

/// UDP header + payload.
pub fn udp(src_port: u16, dst_port: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(8 + payload.len());
    v.extend_from_slice(&src_port.to_be_bytes());
    v.extend_from_slice(&dst_port.to_be_bytes());
    v.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    v.extend_from_slice(&[0, 0]);
    v.extend_from_slice(payload);
    v
}

/// TCP flag bits for [`tcp`].
pub mod flags {
    /// FIN.
    pub const FIN: u8 = 0x01;
    /// SYN.
    pub const SYN: u8 = 0x02;
    /// RST.
    pub const RST: u8 = 0x04;
    /// PSH.
    pub const PSH: u8 = 0x08;
    /// ACK.
    pub const ACK: u8 = 0x10;
}

/// TCP header (no options) + payload.
pub fn tcp(src_port: u16, dst_port: u16, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(20 + payload.len());
    v.extend_from_slice(&src_port.to_be_bytes());
    v.extend_from_slice(&dst_port.to_be_bytes());
    v.extend_from_slice(&seq.to_be_bytes());
    v.extend_from_slice(&0u32.to_be_bytes());
    v.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    v.extend_from_slice(payload);
    v
}

/// GRE header (version 0, optional key and sequence number) + payload.
pub fn gre(protocol: u16, key: Option<u32>, seq: Option<u32>, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(12 + payload.len());
    let f = if key.is_some() { 0x2000u16 } else { 0 } | if seq.is_some() { 0x1000 } else { 0 };
    v.extend_from_slice(&f.to_be_bytes());
    v.extend_from_slice(&protocol.to_be_bytes());
    if let Some(k) = key {
        v.extend_from_slice(&k.to_be_bytes());
    }
    if let Some(s) = seq {
        v.extend_from_slice(&s.to_be_bytes());
    }
    v.extend_from_slice(payload);
    v
}

/// ERSPAN type II header (8 bytes) + mirrored Ethernet frame: use as GRE payload with
/// protocol 0x88be and a sequence number.
pub fn erspan2(session: u16, frame: &[u8]) -> Vec<u8> {
    let mut v = vec![
        0x10,
        0x00,
        (session >> 8) as u8 & 3,
        session as u8,
        0,
        0,
        0,
        0,
    ];
    v.extend_from_slice(frame);
    v
}

/// ERSPAN type III header (12 bytes, no subheader) + mirrored frame: GRE protocol 0x22eb.
pub fn erspan3(session: u16, frame: &[u8]) -> Vec<u8> {
    let mut v = vec![0x20, 0x00, (session >> 8) as u8 & 3, session as u8];
    v.extend_from_slice(&[0; 8]);
    v.extend_from_slice(frame);
    v
}

/// VXLAN header + inner Ethernet frame (use as the payload of UDP to port 4789).
pub fn vxlan(vni: u32, frame: &[u8]) -> Vec<u8> {
    let mut v = vec![0x08, 0, 0, 0];
    v.extend_from_slice(&(vni << 8).to_be_bytes());
    v.extend_from_slice(frame);
    v
}

/// GTP-U G-PDU header (no optional fields) + inner IP packet (UDP port 2152).
pub fn gtpu(teid: u32, packet: &[u8]) -> Vec<u8> {
    let mut v = vec![0x30, 0xff];
    v.extend_from_slice(&(packet.len() as u16).to_be_bytes());
    v.extend_from_slice(&teid.to_be_bytes());
    v.extend_from_slice(packet);
    v
}

/// PPPoE session header + PPP protocol field + payload (EtherType 0x8864).
pub fn pppoe(session: u16, ppp_protocol: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0x11, 0];
    v.extend_from_slice(&session.to_be_bytes());
    v.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    v.extend_from_slice(&ppp_protocol.to_be_bytes());
    v.extend_from_slice(payload);
    v
}

/// SCTP common header + one DATA chunk (complete user message, B and E set).
pub fn sctp_data(src_port: u16, dst_port: u16, tsn: u32, data: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(28 + data.len() + 3);
    v.extend_from_slice(&src_port.to_be_bytes());
    v.extend_from_slice(&dst_port.to_be_bytes());
    v.extend_from_slice(&[0; 8]);
    v.extend_from_slice(&[0, 3]);
    v.extend_from_slice(&((16 + data.len()) as u16).to_be_bytes());
    v.extend_from_slice(&tsn.to_be_bytes());
    v.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
    v.extend_from_slice(data);
    while v.len() % 4 != 0 {
        v.push(0);
    }
    v
}
