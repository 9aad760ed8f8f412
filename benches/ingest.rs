//! Throughput of the packet layer on a large generated SIPp-like capture: capture reading,
//! decode + reassembly (with SIP framing of datagrams and streams), and both together.
//!
//! `cargo bench --bench ingest` builds a ~256 MB capture in memory (set SIPSCOPE_BENCH_MB to
//! change it); under `cargo test` the same code runs once on a small capture.
//! Figures are reported as bytes of capture per second (criterion's "thrpt") and, printed
//! once, frames per second.

use std::hint::black_box;
use std::io::Cursor;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sipscope::capture::writer::PcapWriter;
use sipscope::capture::{Capture, FileReader, LinkType};
use sipscope::decode::build::{self, V4};
use sipscope::ingest::Ingest;
use sipscope::meta::Timestamp;

fn sdp(n: usize) -> String {
    let mut s =
        String::from("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n");
    s.push_str("m=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n");
    while s.len() < n {
        s.push_str("a=rtpmap:101 telephone-event/8000\r\n");
    }
    s
}

fn msg(first: &str, call: u32, cseq: u32, method: &str, body: &str) -> Vec<u8> {
    format!(
        "{first}\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-{call}-{cseq}-{method}\r\n\
         From: \"sipp\" <sip:sipp@10.0.0.1:5060>;tag={call}SIPpTag00\r\n\
         To: <sip:service@10.0.0.2:5060>;tag={call}SIPpTag01\r\nCall-ID: {call}-12345@10.0.0.1\r\n\
         CSeq: {cseq} {method}\r\nContact: <sip:sipp@10.0.0.1:5060>\r\nMax-Forwards: 70\r\n\
         User-Agent: SIPp bench\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The messages of one call: INVITE/100/180/200/ACK/BYE/200.
fn call(c: u32, big: bool) -> Vec<Vec<u8>> {
    let offer = sdp(if big { 3000 } else { 300 });
    let answer = sdp(250);
    let ruri = "INVITE sip:service@10.0.0.2:5060 SIP/2.0";
    vec![
        msg(ruri, c, 1, "INVITE", &offer),
        msg("SIP/2.0 100 Trying", c, 1, "INVITE", ""),
        msg("SIP/2.0 180 Ringing", c, 1, "INVITE", ""),
        msg("SIP/2.0 200 OK", c, 1, "INVITE", &answer),
        msg("ACK sip:service@10.0.0.2:5060 SIP/2.0", c, 1, "ACK", ""),
        msg("BYE sip:service@10.0.0.2:5060 SIP/2.0", c, 2, "BYE", ""),
        msg("SIP/2.0 200 OK", c, 2, "BYE", ""),
    ]
}

/// A pcap of about `mb` megabytes: 70 % of calls over UDP (one in ten with an INVITE big
/// enough to be IP-fragmented), 30 % over TCP connections (segments of at most 1460
/// bytes, so big messages span several).
fn capture(mb: usize) -> (Vec<u8>, u64) {
    let mut w = PcapWriter::new(Vec::with_capacity(mb << 20), LinkType::ETHERNET, false).unwrap();
    let mut t = 1_700_000_000_000_000_000i64;
    let mut frames = 0u64;
    let mut c = 0u32;
    let (a, b) = ([10, 0, 0, 1], [10, 0, 0, 2]);
    // per connection (client port) and direction
    let mut seq = vec![[0u32; 2]; 500];
    let mut size = 0usize;
    while size < mb << 20 {
        c += 1;
        let tcp = c % 10 >= 7;
        let msgs = call(c, c % 10 == 0);
        for (i, m) in msgs.iter().enumerate() {
            let from_a = matches!(i, 0 | 4 | 5);
            let (s, d) = if from_a { (a, b) } else { (b, a) };
            let mut out: Vec<Vec<u8>> = Vec::new();
            if tcp {
                let dir = from_a as usize;
                let port = 20_000 + (c % 500) as u16;
                let (sp, dp) = if from_a { (port, 5060) } else { (5060, port) };
                for chunk in m.chunks(1460) {
                    let sq = &mut seq[(c % 500) as usize][dir];
                    let seg = build::tcp(sp, dp, *sq, 0x18, chunk);
                    *sq = sq.wrapping_add(chunk.len() as u32);
                    out.push(build::ethernet(
                        0x0800,
                        &build::ipv4(V4::new(s, d, 6), &seg),
                    ));
                }
            } else {
                let udp = build::udp(5060, 5060, m);
                if udp.len() > 1480 {
                    for (k, chunk) in udp.chunks(1480).enumerate() {
                        let h = V4 {
                            id: c as u16,
                            frag_offset: (k * 1480) as u16,
                            more: (k + 1) * 1480 < udp.len(),
                            ..V4::new(s, d, 17)
                        };
                        out.push(build::ethernet(0x0800, &build::ipv4(h, chunk)));
                    }
                } else {
                    out.push(build::ethernet(
                        0x0800,
                        &build::ipv4(V4::new(s, d, 17), &udp),
                    ));
                }
            }
            for f in out {
                t += 200_000;
                size += f.len() + 16;
                frames += 1;
                w.packet(Timestamp(t), &f).unwrap();
            }
        }
    }
    (w.into_inner(), frames)
}

fn reader(bytes: &'static [u8]) -> Capture {
    let r = FileReader::from_reader("bench", Box::new(Cursor::new(bytes))).unwrap();
    Capture::from_readers(vec![r])
}

fn bench(c: &mut Criterion) {
    let full = std::env::args().any(|a| a == "--bench");
    let mb = std::env::var("SIPSCOPE_BENCH_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if full { 256 } else { 1 });
    let (pcap, frames) = capture(mb);
    // leaked so the readers can borrow it without a copy per iteration
    let pcap: &'static [u8] = Box::leak(pcap.into_boxed_slice());
    // the frames as slices of the capture, to time decode + reassembly alone
    let mut cap = reader(pcap);
    let mut owned: Vec<(u64, Timestamp, Vec<u8>, u32)> = Vec::with_capacity(frames as usize);
    while let Some(f) = cap.next_frame() {
        owned.push((f.number, f.time, f.data.to_vec(), f.orig_len));
    }
    let mut expected = 0u64;
    let mut ingest = Ingest::default();
    let t0 = Instant::now();
    for (n, t, d, o) in &owned {
        let f = sipscope::capture::Frame {
            number: *n,
            time: *t,
            link: LinkType::ETHERNET,
            data: d,
            orig_len: *o,
        };
        ingest.push(&f, &mut |_| expected += 1);
    }
    ingest.finish(&mut |_| expected += 1);
    let secs = t0.elapsed().as_secs_f64();
    let s = ingest.stats();
    assert_eq!(s.frag.incomplete(), 0, "{:?}", s.frag);
    assert_eq!(s.tcp.gaps, 0, "{:?}", s.tcp);
    eprintln!(
        "capture: {:.1} MB, {} frames, {} SIP messages ({} udp, {} tcp), {} fragments; one pass of \
         decode+reassembly: {:.2} Mframes/s, {:.0} MB/s",
        pcap.len() as f64 / 1e6,
        frames,
        expected,
        s.sip_udp,
        s.sip_tcp,
        s.frag.fragments,
        frames as f64 / secs / 1e6,
        pcap.len() as f64 / secs / 1e6
    );

    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Bytes(pcap.len() as u64));
    g.sample_size(10);
    g.bench_function("capture_read", |b| {
        b.iter(|| {
            let mut cap = reader(pcap);
            let mut n = 0usize;
            while let Some(f) = cap.next_frame() {
                n += f.data.len();
            }
            black_box(n)
        })
    });
    g.bench_function("decode_reassembly", |b| {
        b.iter(|| {
            let mut ingest = Ingest::default();
            let mut n = 0u64;
            for (num, t, d, o) in &owned {
                let f = sipscope::capture::Frame {
                    number: *num,
                    time: *t,
                    link: LinkType::ETHERNET,
                    data: d,
                    orig_len: *o,
                };
                ingest.push(&f, &mut |m| n += m.bytes.len() as u64);
            }
            ingest.finish(&mut |m| n += m.bytes.len() as u64);
            black_box(n)
        })
    });
    g.bench_function("read_decode_reassembly", |b| {
        b.iter(|| {
            let mut cap = reader(pcap);
            let mut ingest = Ingest::default();
            let mut n = 0u64;
            ingest.run(&mut cap, &mut |m| n += m.bytes.len() as u64);
            assert_eq!(ingest.stats().sip_messages(), expected);
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
