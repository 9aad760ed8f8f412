//! Floods against the packet layer's caps: hundreds of thousands of tiny TCP streams, IP
//! fragment sets that never complete, WebSocket messages that never end. Every buffer stays
//! within its cap, every eviction is counted, and nothing is lost without a counter.
//!
//! The 10-million-frame versions are `#[ignore]`d (a minute or more in a debug build); run
//! them with `cargo test --release --test ingest_caps -- --ignored --nocapture`, which also
//! prints the time per frame (eviction must stay amortised, not a scan per frame).

use std::net::Ipv4Addr;
use std::time::Instant;

use sipscope::capture::{Frame, LinkType};
use sipscope::decode::build::{self, V4, flags};
use sipscope::ingest::{Ingest, IngestConfig};
use sipscope::meta::Timestamp;

/// A distinct IPv4 address per index (10.x.y.z).
fn addr(i: u32) -> [u8; 4] {
    let [_, b, c, d] = i.to_be_bytes();
    [10, b, c, d]
}

/// Pushes one Ethernet frame; returns the number of SIP messages it completed.
fn push(ingest: &mut Ingest, number: u64, data: &[u8]) -> usize {
    let frame = Frame {
        number,
        time: Timestamp(1_700_000_000_000_000_000 + number as i64 * 1000),
        link: LinkType::ETHERNET,
        data,
        orig_len: data.len() as u32,
    };
    let mut n = 0;
    ingest.push(&frame, &mut |_| n += 1);
    n
}

/// `n` TCP connections from distinct clients, each sending the first bytes of a SIP
/// request and nothing more: every one is a direction the reassembler must hold or evict.
fn tcp_flood(n: u32) {
    let cfg = IngestConfig::default();
    let mut ingest = Ingest::new(cfg);
    let started = Instant::now();
    for i in 0..n {
        let seg = build::tcp(40000, 5060, 1000, flags::ACK | flags::PSH, b"INVITE sip:");
        let ip = build::ipv4(V4::new(addr(i), [192, 0, 2, 1], 6), &seg);
        push(&mut ingest, i as u64 + 1, &build::ethernet(0x0800, &ip));
        if i % 4096 == 0 {
            let (_, _, dirs, bytes) = ingest.held();
            assert!(dirs <= cfg.tcp.max_streams && bytes <= cfg.tcp.max_total_bytes);
        }
    }
    let per_frame = started.elapsed() / n;
    let (_, _, dirs, bytes) = ingest.held();
    assert!(dirs <= cfg.tcp.max_streams, "{dirs} directions held");
    assert!(bytes <= cfg.tcp.max_total_bytes);
    let s = ingest.stats().tcp;
    assert_eq!(s.streams, n as u64);
    // every direction not held any more was evicted and counted
    assert_eq!(s.evicted_cap, n as u64 - dirs as u64);
    ingest.finish(&mut |_| {});
    let s = ingest.stats().tcp;
    assert_eq!(
        s.incomplete_bytes,
        n as u64 * 11,
        "every unframed byte is counted"
    );
    eprintln!("tcp flood: {n} streams, {per_frame:?} per frame");
}

/// `n` first fragments of UDP datagrams whose other fragments never come.
fn fragment_flood(n: u32) {
    let cfg = IngestConfig::default();
    let mut ingest = Ingest::new(cfg);
    let data = [b'x'; 1480];
    let started = Instant::now();
    for i in 0..n {
        let h = V4 {
            id: i as u16,
            frag_offset: 0,
            more: true,
            ..V4::new(addr(i >> 16), [192, 0, 2, 1], 17)
        };
        push(
            &mut ingest,
            i as u64 + 1,
            &build::ethernet(0x0800, &build::ipv4(h, &data)),
        );
        if i % 4096 == 0 {
            let (sets, bytes, _, _) = ingest.held();
            assert!(sets <= cfg.frag.max_datagrams && bytes <= cfg.frag.max_bytes);
        }
    }
    let per_frame = started.elapsed() / n;
    let (sets, bytes, _, _) = ingest.held();
    assert!(sets <= cfg.frag.max_datagrams, "{sets} fragment sets held");
    assert!(bytes <= cfg.frag.max_bytes);
    ingest.finish(&mut |_| {});
    let f = ingest.stats().frag;
    assert_eq!(f.fragments, n as u64);
    assert_eq!(f.reassembled, 0);
    // every set was dropped on a cap or at the end, and counted
    assert_eq!(f.incomplete(), n as u64);
    assert_eq!(f.incomplete_at_end, sets as u64);
    eprintln!("fragment flood: {n} sets, {per_frame:?} per frame");
}

#[test]
fn many_tcp_streams_are_evicted_and_counted() {
    tcp_flood(100_000);
}

#[test]
fn many_fragment_sets_are_evicted_and_counted() {
    fragment_flood(100_000);
}

#[test]
#[ignore = "10 million frames: run with --release -- --ignored"]
fn ten_million_tcp_streams() {
    tcp_flood(10_000_000);
}

#[test]
#[ignore = "10 million frames: run with --release -- --ignored"]
fn ten_million_fragment_sets() {
    fragment_flood(10_000_000);
}

/// A WebSocket frame header announcing `len` bytes of a binary message (unmasked).
fn ws_header(len: u64) -> Vec<u8> {
    let mut v = vec![0x82, 127];
    v.extend_from_slice(&len.to_be_bytes());
    v
}

#[test]
fn websocket_messages_being_assembled_count_against_the_tcp_cap() {
    // 64 WebSocket connections each start a 900 KB message and send 200 KB of it: the
    // decoder assembles them outside the reassembler's own buffers, so unless they are
    // counted 64 x 200 KB = 12.8 MB sit beyond a 4 MiB cap
    let cfg = IngestConfig {
        tcp: sipscope::reassembly::TcpConfig {
            max_total_bytes: 4 << 20,
            ..Default::default()
        },
        ..IngestConfig::default()
    };
    let mut ingest = Ingest::new(cfg);
    let upgrade =
        b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
    let chunk = vec![b'x'; 1400];
    let mut number = 0;
    for c in 0..64u32 {
        let src = Ipv4Addr::from(addr(c)).octets();
        let mut seq = 0u32;
        let mut send = |ingest: &mut Ingest, flags: u8, payload: &[u8]| {
            number += 1;
            let seg = build::tcp(40000, 443, seq, flags, payload);
            let ip = build::ipv4(V4::new(src, [192, 0, 2, 1], 6), &seg);
            push(ingest, number, &build::ethernet(0x0800, &ip));
            seq += payload.len() as u32 + u32::from(flags & flags::SYN != 0);
        };
        send(&mut ingest, flags::SYN, &[]);
        send(&mut ingest, flags::ACK, upgrade);
        send(&mut ingest, flags::ACK, &ws_header(900_000));
        for _ in 0..143 {
            send(&mut ingest, flags::ACK, &chunk);
        }
        let (_, _, _, bytes) = ingest.held();
        assert!(bytes <= cfg.tcp.max_total_bytes);
    }
    assert!(
        ingest.stats().tcp.evicted_cap > 0,
        "12.8 MB of WebSocket messages under a 4 MiB cap and nothing evicted"
    );
}
