//! SIP over UDP through the packet layer: several messages per datagram, keepalives, IPv4
//! and IPv6 fragments in any order and with one missing, SIP on any port.

mod common;

use std::net::Ipv6Addr;

use common::*;
use sipscope::capture::{Capture, LinkType};
use sipscope::decode::build::{self, V4};
use sipscope::meta::Transport;

#[test]
fn two_messages_in_one_datagram() {
    let mut payload = request("INVITE", "two", 1, 120);
    payload.extend_from_slice(&response(100, "Trying", "two", 1, "INVITE"));
    let mut cap = Cap::default();
    cap.eth(eth_udp(&payload));
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["INVITE 1 two", "100 1 two"]);
    assert!(
        r.msgs
            .iter()
            .all(|m| m.frame == 1 && m.transport == Transport::Udp)
    );
    assert_eq!(r.stats.sip_udp, 2);
}

#[test]
fn keepalives_and_non_sip_are_counted_not_delivered() {
    let mut cap = Cap::default();
    cap.eth(eth_udp(b"\r\n\r\n"));
    cap.eth(eth_udp(&[0x80, 0x00, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 1])); // RTP
    cap.eth(eth_udp(b"hello, not sip\r\n"));
    let mut with_ka = b"\r\n".to_vec();
    with_ka.extend_from_slice(&request("OPTIONS", "ka", 7, 0));
    cap.eth(eth_udp(&with_ka));
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["OPTIONS 7 ka"]);
    assert_eq!(r.stats.keepalives, 2);
    assert_eq!(r.stats.udp_not_sip, 2);
}

#[test]
fn sip_on_any_port() {
    let msg = request("MESSAGE", "port", 1, 10);
    let mut cap = Cap::default();
    cap.eth(build::ethernet(
        0x0800,
        &build::ipv4(V4::new(A, B, 17), &build::udp(33333, 44444, &msg)),
    ));
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["MESSAGE 1 port"]);
    assert_eq!(r.msgs[0].dst.port(), 44444);
}

/// The UDP datagram of `msg`, cut into IPv4 fragments of `size` payload bytes.
fn v4_fragments(msg: &[u8], id: u16, size: usize) -> Vec<Vec<u8>> {
    let udp = build::udp(5060, 5060, msg);
    udp.chunks(size)
        .enumerate()
        .map(|(i, chunk)| {
            let off = i * size;
            let h = V4 {
                id,
                frag_offset: off as u16,
                more: off + chunk.len() < udp.len(),
                ..V4::new(A, B, 17)
            };
            build::ethernet(0x0800, &build::ipv4(h, chunk))
        })
        .collect()
}

#[test]
fn ipv4_fragments_out_of_order_and_one_missing() {
    let big = request("INVITE", "frag4", 1, 3000);
    let lost = request("INVITE", "frag4-lost", 1, 3000);
    let f = v4_fragments(&big, 42, 1480);
    let g = v4_fragments(&lost, 43, 1480);
    assert_eq!(f.len(), 3);
    let mut cap = Cap::default();
    cap.eth(f[2].clone())
        .eth(g[0].clone())
        .eth(f[0].clone())
        .eth(g[2].clone())
        .eth(f[1].clone());
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["INVITE 1 frag4"]);
    assert_eq!(
        r.msgs[0].frame, 5,
        "the last fragment to arrive completes it"
    );
    assert_eq!(r.msgs[0].bytes, big);
    assert_eq!(r.stats.frag.reassembled, 1);
    assert_eq!(
        r.stats.frag.incomplete(),
        1,
        "the datagram missing a fragment is counted"
    );
    assert_eq!(r.stats.frag.incomplete_at_end, 1);
}

#[test]
fn ipv6_fragments_out_of_order_and_one_missing() {
    let s = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
    let d = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);
    let frags = |msg: &[u8], id: u32| -> Vec<Vec<u8>> {
        let udp = build::udp(5060, 5062, msg);
        udp.chunks(1232)
            .enumerate()
            .map(|(i, c)| {
                let off = i * 1232;
                let more = off + c.len() < udp.len();
                build::sll2(
                    0x86dd,
                    &build::ipv6(s, d, 44, &build::ipv6_fragment(17, id, off as u16, more, c)),
                )
            })
            .collect()
    };
    let ok = frags(&request("UPDATE", "frag6", 3, 2500), 7);
    let bad = frags(&request("UPDATE", "frag6-lost", 3, 2500), 8);
    assert_eq!(ok.len(), 3);
    let mut cap = Cap::default();
    for fr in [&ok[1], &bad[1], &ok[2], &bad[0], &ok[0]] {
        cap.add(LinkType::LINUX_SLL2, fr.clone());
    }
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["UPDATE 3 frag6"]);
    assert_eq!(
        (r.msgs[0].frame, r.msgs[0].dst.to_string()),
        (5, "[2001:db8::2]:5062".to_string())
    );
    assert_eq!(r.stats.frag.incomplete(), 1);
}

#[test]
fn fragment_missing_past_the_timeout_is_counted_as_timed_out() {
    let g = v4_fragments(&request("INVITE", "late", 1, 2000), 9, 1480);
    let mut cap = Cap::default();
    cap.eth(g[0].clone());
    let mut r = Cap::default();
    r.frames = cap.frames.clone();
    // 40 s later, an unrelated datagram sweeps the incomplete one away
    let mut frames = r.frames.clone();
    let (l, t, _) = frames[0].clone();
    frames.push((
        l,
        sipscope::meta::Timestamp(t.0 + 40_000_000_000),
        eth_udp(&request("OPTIONS", "o", 1, 0)),
    ));
    frames.push((
        l,
        sipscope::meta::Timestamp(t.0 + 40_000_000_001),
        g[1].clone(),
    ));
    r.frames = frames;
    let run = run(r.pcap());
    assert_eq!(run.summaries(), ["OPTIONS 1 o"]);
    assert_eq!(run.stats.frag.timed_out, 1);
}

#[test]
fn parsing_sink_gets_the_same_messages_and_counters() {
    // several messages per datagram, keepalives, junk after a message, a Content-Length
    // shorter and longer than the datagram, a bad start line, a message that is not SIP
    let mut cap = Cap::default();
    let mut two = request("INVITE", "two", 1, 120);
    two.extend_from_slice(&response(100, "Trying", "two", 1, "INVITE"));
    cap.eth(eth_udp(&two));
    let mut ka = b"\r\n\r\n".to_vec();
    ka.extend_from_slice(&request("OPTIONS", "ka", 7, 0));
    ka.extend_from_slice(b"\r\n");
    ka.extend_from_slice(&response(200, "OK", "ka", 7, "OPTIONS"));
    ka.extend_from_slice(b"trailing junk");
    cap.eth(eth_udp(&ka));
    let mut short = request("MESSAGE", "short", 1, 10);
    short.extend_from_slice(b"0123456789 more bytes than Content-Length says");
    cap.eth(eth_udp(&short));
    let long = request("MESSAGE", "long", 1, 10);
    cap.eth(eth_udp(&long[..long.len() - 4]));
    cap.eth(eth_udp(
        b"INVITE sip:a b@c SIP/2.0\r\nContent-Length: 0\r\n\r\n",
    ));
    cap.eth(eth_udp(b"SIP/2.0 200 OK\r\nl: 1\r\n 2\r\n\r\nab"));
    cap.eth(eth_udp(b"hello, not sip\r\n"));
    cap.eth(eth_udp(b"\r\n"));
    let bytes = cap.pcap();
    assert_eq!(same_with_parsing_sink("built", || capture_of(&bytes)).0, 8);

    // every capture of captures/ and of the shared corpus (UDP, TCP, SCTP, WebSocket,
    // fragments, tunnels, junk)
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut parsed = 0;
    for dir in [root.join("captures"), root.join("../shared/corpus/pcaps")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = p.display().to_string();
            if !name.contains(".pcap") {
                continue;
            }
            parsed += same_with_parsing_sink(&name, || Capture::open(&[&p]).expect("opens")).0;
        }
    }
    assert!(
        parsed > 1000,
        "only {parsed} datagram messages in the captures"
    );
}
