//! Hostile input: random bytes, bad lengths, absurd header fields and bit-flipped copies of
//! the corpus captures go through capture, decode, reassembly and the parser without a
//! panic, and the reassembly buffers never exceed their caps.

mod common;

use std::io::Cursor;

use common::*;
use sipscope::capture::{Capture, FileReader, LinkType};
use sipscope::decode::build::{self, V4};
use sipscope::ingest::{Ingest, IngestConfig};
use sipscope::reassembly::{FragConfig, TcpConfig};
use sipscope::sip;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn small_caps() -> IngestConfig {
    IngestConfig {
        frag: FragConfig {
            max_datagrams: 64,
            max_bytes: 256 << 10,
            ..FragConfig::default()
        },
        tcp: TcpConfig {
            max_streams: 128,
            max_stream_buffer: 64 << 10,
            max_total_bytes: 1 << 20,
            ..TcpConfig::default()
        },
    }
}

/// Runs capture bytes with small caps, checking the caps after every frame; returns the
/// number of messages (each also parsed).
fn run_checked(bytes: Vec<u8>) -> usize {
    let Ok(reader) = FileReader::from_reader("fuzz", Box::new(Cursor::new(bytes))) else {
        return 0;
    };
    let mut cap = Capture::from_readers(vec![reader]);
    let cfg = small_caps();
    let mut ingest = Ingest::new(cfg);
    let mut n = 0;
    let mut on = |m: sipscope::meta::RawMessage<'_>| {
        n += 1;
        if let Ok(msg) = sip::parse(m.bytes) {
            let _ = (msg.call_id(), msg.cseq(), msg.method(), msg.status());
        }
    };
    while let Some(f) = cap.next_frame() {
        ingest.push(&f, &mut on);
        let (frags, frag_bytes, dirs, tcp_bytes) = ingest.held();
        assert!(frags <= cfg.frag.max_datagrams && frag_bytes <= cfg.frag.max_bytes);
        assert!(dirs <= cfg.tcp.max_streams);
        assert!(tcp_bytes <= cfg.tcp.max_total_bytes);
    }
    ingest.finish(&mut on);
    let _ = cap.warnings();
    n
}

#[test]
fn random_bytes_as_a_capture() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    for len in [0usize, 1, 3, 4, 23, 24, 25, 100, 4096] {
        let _ = run_checked(r.bytes(len));
    }
    // valid headers followed by garbage
    for magic in [
        &[0xd4, 0xc3, 0xb2, 0xa1][..],
        &[0x0a, 0x0d, 0x0d, 0x0a],
        &[0x4d, 0x3c, 0xb2, 0xa1],
    ] {
        for _ in 0..50 {
            let mut b = magic.to_vec();
            b.extend(r.bytes(2000));
            let _ = run_checked(b);
        }
    }
}

#[test]
fn random_packets_of_every_link_type() {
    let mut r = Rng(42);
    for link in [0u32, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147] {
        let mut cap = Cap::default();
        for _ in 0..400 {
            let n = (r.next() % 200) as usize;
            let mut data = r.bytes(n);
            // make many of them plausible IP so the deeper layers get exercised
            if r.next() % 2 == 0 && n > 40 {
                let off = match link {
                    1 => 14,
                    113 => 16,
                    276 => 20,
                    0 | 108 => 4,
                    _ => 0,
                };
                if off + 1 < n {
                    data[off] = if r.next() % 3 == 0 { 0x60 } else { 0x45 };
                    if off + 10 < n {
                        data[off + 9] = [6, 17, 47, 4, 41, 132, 44][(r.next() % 7) as usize];
                    }
                }
                if link == 1 {
                    data[12] = 0x08;
                    data[13] = 0x00;
                }
            }
            cap.add(LinkType(link), data);
        }
        let _ = run_checked(cap.pcap());
    }
}

#[test]
fn absurd_fields_stay_within_caps() {
    let mut cap = Cap::default();
    // thousands of first fragments with distinct ids, the maximum offset, odd lengths
    for id in 0..2000u16 {
        let h = V4 {
            id,
            frag_offset: (id % 8) * 8192,
            more: true,
            ..V4::new(A, B, 17)
        };
        cap.eth(build::ethernet(0x0800, &build::ipv4(h, &[0x41; 1480])));
    }
    let h = V4 {
        id: 1,
        frag_offset: 65_528,
        more: false,
        ..V4::new(A, B, 17)
    };
    cap.eth(build::ethernet(0x0800, &build::ipv4(h, &[0; 100])));
    // TCP on many ports, random sequence numbers, partial messages that never end
    let mut r = Rng(7);
    for i in 0..3000u32 {
        let port = (i % 1000) as u16;
        let seg = build::tcp(
            port,
            5060,
            r.next() as u32,
            0x10,
            b"INVITE sip:x SIP/2.0\r\nContent-Length: 99999999\r\n",
        );
        cap.eth(build::ethernet(
            0x0800,
            &build::ipv4(V4::new(A, B, 6), &seg),
        ));
    }
    // a huge Content-Length on one stream, then lots of data
    let mut seq = 1u32;
    cap.eth(eth_tcp(0, 0x02, b"", false));
    let head = b"MESSAGE sip:x SIP/2.0\r\nCall-ID: big\r\nCSeq: 1 MESSAGE\r\nContent-Length: 16000000\r\n\r\n";
    cap.eth(eth_tcp(seq, 0x10, head, false));
    seq += head.len() as u32;
    for _ in 0..200 {
        cap.eth(eth_tcp(seq, 0x10, &[b'x'; 1400], false));
        seq += 1400;
    }
    // UDP/IP lengths that lie
    let mut lie = build::ipv4(
        V4::new(A, B, 17),
        &build::udp(5060, 5060, &request("OPTIONS", "lie", 1, 0)),
    );
    lie[2] = 0xff;
    lie[3] = 0xff;
    cap.eth(build::ethernet(0x0800, &lie));
    let n = run_checked(cap.pcap());
    assert!(n <= 2, "{n}");
}

#[test]
fn bit_flipped_corpus_captures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/pcaps");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        panic!(
            "the shared corpus must be beside the repository: {}",
            dir.display()
        );
    };
    let mut r = Rng(0xdead_beef);
    let mut files = 0;
    for e in rd.flatten() {
        let p = e.path();
        if !p.to_string_lossy().contains(".pcap") {
            continue;
        }
        let orig = std::fs::read(&p).unwrap();
        if orig.len() > 600_000 {
            continue; // keep the test quick
        }
        files += 1;
        for rate in [5_000u64, 500, 50] {
            let mut b = orig.clone();
            for byte in b.iter_mut().skip(24) {
                if r.next() % rate == 0 {
                    *byte ^= 1 << (r.next() % 8);
                }
            }
            let _ = run_checked(b);
        }
        // and cut at a random place
        let cut = (r.next() as usize) % orig.len();
        let _ = run_checked(orig[..cut].to_vec());
    }
    assert!(files >= 25);
}
