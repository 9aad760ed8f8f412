//! Fuzz target `packet`: the whole packet layer (capture reader, decode, IP fragment and
//! TCP/WebSocket/SCTP reassembly, SIP framing) must never panic, hang or exceed its caps.
//!
//! The input is used twice: as a capture file (pcap/pcapng/gzip bytes), and as a sequence of
//! frames `[link selector][len hi][len lo][bytes...]...` pushed through one pipeline with
//! small caps, so that state built by earlier frames (fragments, streams) meets later ones.
//!
//! Run: `cargo +nightly fuzz run packet` (from the repository root).
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use sipscope::capture::{Capture, FileReader, Frame, LinkType};
use sipscope::ingest::{Ingest, IngestConfig};
use sipscope::meta::Timestamp;
use sipscope::reassembly::{FragConfig, TcpConfig};

const LINKS: [u32; 11] = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147];

fn config() -> IngestConfig {
    IngestConfig {
        frag: FragConfig { max_datagrams: 16, max_bytes: 128 << 10, ..FragConfig::default() },
        tcp: TcpConfig {
            max_streams: 16,
            max_stream_buffer: 32 << 10,
            max_total_bytes: 256 << 10,
            ..TcpConfig::default()
        },
    }
}

fn check(ingest: &Ingest, cfg: &IngestConfig) {
    let (frags, frag_bytes, dirs, tcp_bytes) = ingest.held();
    assert!(frags <= cfg.frag.max_datagrams && frag_bytes <= cfg.frag.max_bytes);
    assert!(dirs <= cfg.tcp.max_streams && tcp_bytes <= cfg.tcp.max_total_bytes);
}

fuzz_target!(|data: &[u8]| {
    let cfg = config();
    // 1. as a capture file
    if let Ok(reader) = FileReader::from_reader("fuzz", Box::new(Cursor::new(data.to_vec()))) {
        let mut cap = Capture::from_readers(vec![reader]);
        let mut ingest = Ingest::new(cfg);
        let mut n = 0usize;
        while let Some(f) = cap.next_frame() {
            ingest.push(&f, &mut |m| n += m.bytes.len());
            check(&ingest, &cfg);
        }
        ingest.finish(&mut |m| n += m.bytes.len());
        let _ = cap.warnings();
    }
    // 2. as frames
    let mut ingest = Ingest::new(cfg);
    let mut rest = data;
    let mut number = 0u64;
    while rest.len() >= 3 {
        let link = LinkType(LINKS[rest[0] as usize % LINKS.len()]);
        let len = (u16::from_be_bytes([rest[1], rest[2]]) as usize).min(rest.len() - 3);
        let bytes = &rest[3..3 + len];
        rest = &rest[3 + len..];
        number += 1;
        let frame = Frame {
            number,
            time: Timestamp(number as i64 * 1_000_000_000),
            link,
            data: bytes,
            orig_len: bytes.len() as u32,
        };
        ingest.push(&frame, &mut |m| {
            let _ = sipscope::sip::parse(m.bytes);
        });
        check(&ingest, &cfg);
    }
    ingest.finish(&mut |_| {});
});
