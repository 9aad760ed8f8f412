//! Link layers and tunnels through the whole packet layer: SLL2, QinQ, VXLAN, GRE (with
//! ERSPAN), GTP-U, IP-in-IP, PPPoE, SCTP, WebSocket, several link types in one pcapng.

mod common;

use std::net::Ipv6Addr;

use common::*;
use sipscope::capture::LinkType;
use sipscope::decode::build::flags::{ACK, PSH, SYN};
use sipscope::decode::build::{self, V4};
use sipscope::meta::Transport;

fn udp4(msg: &[u8]) -> Vec<u8> {
    build::ipv4(V4::new(A, B, 17), &build::udp(5060, 5060, msg))
}

fn outer(proto: u8, inner: &[u8]) -> Vec<u8> {
    build::ethernet(
        0x0800,
        &build::ipv4(V4::new([172, 16, 0, 1], [172, 16, 0, 2], proto), inner),
    )
}

#[test]
fn sll2_frames() {
    let mut cap = Cap::default();
    cap.add(
        LinkType::LINUX_SLL2,
        build::sll2(0x0800, &udp4(&request("REGISTER", "sll2", 1, 0))),
    );
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["REGISTER 1 sll2"]);
    assert_eq!(r.msgs[0].src.to_string(), "192.168.1.10:5060");
}

#[test]
fn qinq_double_tagged() {
    let inner = build::vlan(200, 0x0800, &udp4(&request("INVITE", "qinq", 1, 50)));
    let frame = build::ethernet(0x88a8, &build::vlan(100, 0x8100, &inner));
    let mut cap = Cap::default();
    cap.eth(frame);
    assert_eq!(run(cap.pcap()).summaries(), ["INVITE 1 qinq"]);
}

#[test]
fn vxlan_tunnel() {
    let inner = build::ethernet(0x0800, &udp4(&request("OPTIONS", "vxlan", 5, 0)));
    let udp = build::udp(51_000, 4789, &build::vxlan(1001, &inner));
    let mut cap = Cap::default();
    cap.eth(outer(17, &udp));
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["OPTIONS 5 vxlan"]);
    assert_eq!(
        r.msgs[0].dst.to_string(),
        "192.168.1.20:5060",
        "inner addresses"
    );
    assert_eq!(r.stats.decapsulated, 1);
}

#[test]
fn gre_erspan_and_ip_in_ip() {
    let mirrored = build::ethernet(0x0800, &udp4(&request("INVITE", "erspan2", 1, 0)));
    let mirrored3 = build::ethernet(0x0800, &udp4(&request("INVITE", "erspan3", 1, 0)));
    let mut cap = Cap::default();
    cap.eth(outer(
        47,
        &build::gre(0x0800, Some(9), None, &udp4(&request("BYE", "gre", 2, 0))),
    ));
    cap.eth(outer(
        47,
        &build::gre(0x88be, None, Some(1), &build::erspan2(7, &mirrored)),
    ));
    cap.eth(outer(
        47,
        &build::gre(0x22eb, None, Some(2), &build::erspan3(7, &mirrored3)),
    ));
    cap.eth(outer(4, &udp4(&request("CANCEL", "ipip", 1, 0))));
    let mut ppp = vec![0xff, 0x03, 0x00, 0x21];
    ppp.extend_from_slice(&udp4(&request("INFO", "gre-ppp", 3, 0)));
    cap.eth(outer(47, &build::gre(0x880b, None, None, &ppp)));
    let r = run(cap.pcap());
    assert_eq!(
        r.summaries(),
        [
            "BYE 2 gre",
            "INVITE 1 erspan2",
            "INVITE 1 erspan3",
            "CANCEL 1 ipip",
            "INFO 3 gre-ppp"
        ]
    );
}

#[test]
fn gtpu_volte_ipv6_inside_ipv4() {
    let s = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 1);
    let d = Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, 0, 1);
    let user = build::ipv6(
        s,
        d,
        17,
        &build::udp(5060, 5060, &request("REGISTER", "volte", 1, 0)),
    );
    let mut cap = Cap::default();
    cap.eth(outer(
        17,
        &build::udp(2152, 2152, &build::gtpu(0xabcd, &user)),
    ));
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["REGISTER 1 volte"]);
    assert_eq!(r.msgs[0].src.to_string(), "[2001:db8:1::1]:5060");
}

#[test]
fn pppoe_session() {
    let mut cap = Cap::default();
    cap.eth(build::ethernet(
        0x8864,
        &build::pppoe(3, 0x0021, &udp4(&request("ACK", "pppoe", 1, 0))),
    ));
    assert_eq!(run(cap.pcap()).summaries(), ["ACK 1 pppoe"]);
}

#[test]
fn sctp_data_chunk() {
    let mut cap = Cap::default();
    let sctp = build::sctp_data(5060, 5060, 1, &request("INVITE", "sctp", 1, 30));
    cap.eth(build::ethernet(
        0x0800,
        &build::ipv4(V4::new(A, B, 132), &sctp),
    ));
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["INVITE 1 sctp"]);
    assert_eq!(r.msgs[0].transport, Transport::Sctp);
}

/// One WebSocket frame.
fn ws(mask: Option<[u8; 4]>, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0x81];
    let m = if mask.is_some() { 0x80 } else { 0 };
    if payload.len() < 126 {
        v.push(m | payload.len() as u8);
    } else {
        v.push(m | 126);
        v.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    }
    match mask {
        Some(k) => {
            v.extend_from_slice(&k);
            v.extend(payload.iter().enumerate().map(|(i, b)| b ^ k[i % 4]));
        }
        None => v.extend_from_slice(payload),
    }
    v
}

#[test]
fn websocket_with_upgrade_masked_and_split() {
    let upgrade = b"GET / HTTP/1.1\r\nHost: proxy\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n\r\n";
    let switch = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n";
    let mut client = upgrade.to_vec();
    client.extend(ws(Some([1, 2, 3, 4]), &request("REGISTER", "ws", 1, 0)));
    client.extend(ws(Some([9, 9, 9, 9]), &request("INVITE", "ws", 2, 400)));
    let mut server = switch.to_vec();
    server.extend(ws(None, &response(200, "OK", "ws", 1, "REGISTER")));
    let mut cap = Cap::default();
    cap.eth(eth_tcp(10, SYN, b"", false));
    cap.eth(eth_tcp(90, SYN | ACK, b"", true));
    // the client side split at awkward places: inside the handshake and inside a frame header
    let cuts = [30, upgrade.len() + 1, client.len() - 200];
    let mut prev = 0;
    for c in cuts.iter().copied().chain([client.len()]) {
        cap.eth(eth_tcp(
            11 + prev as u32,
            ACK | PSH,
            &client[prev..c],
            false,
        ));
        prev = c;
    }
    cap.eth(eth_tcp(91, ACK | PSH, &server, true));
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["REGISTER 1 ws", "INVITE 2 ws", "200 1 ws"]);
    assert!(r.msgs.iter().all(|m| m.transport == Transport::Ws));
    assert_eq!(r.stats.ws_upgrades, 2);
}

#[test]
fn websocket_joined_mid_connection() {
    let mut stream = ws(None, &request("OPTIONS", "ws-mid", 4, 0));
    stream.extend(ws(Some([7, 7, 7, 7]), &request("OPTIONS", "ws-mid", 5, 0)));
    let mut cap = Cap::default();
    cap.eth(eth_tcp(5555, ACK, &stream, false));
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["OPTIONS 4 ws-mid", "OPTIONS 5 ws-mid"]);
    assert!(r.msgs.iter().all(|m| m.transport == Transport::Ws));
}

#[test]
fn pcapng_with_several_link_types() {
    let mut cap = Cap::default();
    cap.eth(eth_udp(&request("INVITE", "multi", 1, 0)));
    cap.add(
        LinkType::LINUX_SLL,
        build::sll(
            0x0800,
            &udp4(&response(100, "Trying", "multi", 1, "INVITE")),
        ),
    );
    cap.add(
        LinkType::RAW,
        udp4(&response(180, "Ringing", "multi", 1, "INVITE")),
    );
    let mut null = 2u32.to_le_bytes().to_vec();
    null.extend(udp4(&response(200, "OK", "multi", 1, "INVITE")));
    cap.add(LinkType::NULL, null);
    let r = run(cap.pcapng());
    assert_eq!(
        r.summaries(),
        [
            "INVITE 1 multi",
            "100 1 multi",
            "180 1 multi",
            "200 1 multi"
        ]
    );
    assert_eq!(
        r.msgs.iter().map(|m| m.frame).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
}

/// `levels` tunnels around a UDP SIP message, alternating IP-in-IP and GRE.
fn nested(levels: usize, msg: &[u8]) -> Vec<u8> {
    let mut packet = udp4(msg);
    for level in 0..levels {
        packet = if level % 2 == 0 {
            build::ipv4(V4::new([172, 16, 1, 1], [172, 16, 1, 2], 4), &packet)
        } else {
            let gre = build::gre(0x0800, Some(level as u32), None, &packet);
            build::ipv4(V4::new([172, 16, 2, 1], [172, 16, 2, 2], 47), &gre)
        };
    }
    build::ethernet(0x0800, &packet)
}

#[test]
fn tunnels_nested_too_deep_are_refused_and_counted() {
    let msg = request("OPTIONS", "deep", 1, 0);
    let mut cap = Cap::default();
    // 8 levels (ingest::MAX_DEPTH) still decode; 9 and a hostile 1000 do not
    cap.eth(nested(sipscope::ingest::MAX_DEPTH, &msg));
    cap.eth(nested(sipscope::ingest::MAX_DEPTH + 1, &msg));
    cap.eth(nested(1000, &msg));
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["OPTIONS 1 deep"]);
    assert_eq!(r.msgs[0].frame, 1);
    assert_eq!(r.stats.too_deep, 2);
}
