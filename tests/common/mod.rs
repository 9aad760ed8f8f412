//! Helpers shared by the integration tests: SIP messages, frames and whole captures built
//! in code, and a run of the packet layer over them.
#![allow(dead_code)]

use std::io::Cursor;
use std::net::SocketAddr;

use sipscope::capture::writer::{PcapNgWriter, PcapWriter};
use sipscope::capture::{Capture, FileReader, LinkType};
use sipscope::decode::build::{self, V4};
use sipscope::ingest::{Ingest, IngestStats, Sink};
use sipscope::meta::{RawMessage, Timestamp, Transport};
use sipscope::sip;

/// A SIP request with a body of `body_len` bytes (ending in CRLF, as SDP does) and a
/// matching Content-Length.
pub fn request(method: &str, call_id: &str, cseq: u32, body_len: usize) -> Vec<u8> {
    let mut body: String = (0..body_len)
        .map(|i| (b'a' + (i % 26) as u8) as char)
        .collect();
    if body_len >= 2 {
        body.replace_range(body_len - 2.., "\r\n");
    }
    format!(
        "{method} sip:bob@example.com SIP/2.0\r\n\
         Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK{call_id}{cseq}\r\n\
         From: <sip:alice@example.com>;tag=a1\r\n\
         To: <sip:bob@example.com>\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: {cseq} {method}\r\n\
         Max-Forwards: 70\r\n\
         Content-Type: text/plain\r\n\
         Content-Length: {body_len}\r\n\r\n{body}"
    )
    .into_bytes()
}

/// A SIP response.
pub fn response(status: u16, reason: &str, call_id: &str, cseq: u32, method: &str) -> Vec<u8> {
    format!(
        "SIP/2.0 {status} {reason}\r\n\
         Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK{call_id}{cseq}\r\n\
         From: <sip:alice@example.com>;tag=a1\r\n\
         To: <sip:bob@example.com>;tag=b2\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: {cseq} {method}\r\n\
         Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

pub const A: [u8; 4] = [192, 168, 1, 10];
pub const B: [u8; 4] = [192, 168, 1, 20];

/// Ethernet + IPv4 + UDP.
pub fn eth_udp(payload: &[u8]) -> Vec<u8> {
    build::ethernet(
        0x0800,
        &build::ipv4(V4::new(A, B, 17), &build::udp(5060, 5060, payload)),
    )
}

/// Ethernet + IPv4 + TCP from A:40000 to B:5060 (or back with `reverse`).
pub fn eth_tcp(seq: u32, flags: u8, payload: &[u8], reverse: bool) -> Vec<u8> {
    let (s, d, sp, dp) = if reverse {
        (B, A, 5060, 40000)
    } else {
        (A, B, 40000, 5060)
    };
    build::ethernet(
        0x0800,
        &build::ipv4(V4::new(s, d, 6), &build::tcp(sp, dp, seq, flags, payload)),
    )
}

/// A capture under construction.
pub struct Cap {
    pub frames: Vec<(LinkType, Timestamp, Vec<u8>)>,
    t: i64,
}

impl Default for Cap {
    fn default() -> Self {
        Cap {
            frames: Vec::new(),
            t: 1_700_000_000_000_000_000,
        }
    }
}

impl Cap {
    /// Appends a frame 1 ms after the previous one.
    pub fn add(&mut self, link: LinkType, data: Vec<u8>) -> &mut Self {
        self.t += 1_000_000;
        self.frames.push((link, Timestamp(self.t), data));
        self
    }
    /// Appends an Ethernet frame.
    pub fn eth(&mut self, data: Vec<u8>) -> &mut Self {
        self.add(LinkType::ETHERNET, data)
    }
    /// As a pcap file (every frame must share the first frame's link type).
    pub fn pcap(&self) -> Vec<u8> {
        let link = self.frames.first().map_or(LinkType::ETHERNET, |f| f.0);
        let mut w = PcapWriter::new(Vec::new(), link, true).unwrap();
        for (l, t, d) in &self.frames {
            assert_eq!(*l, link, "pcap holds one link type: use pcapng");
            w.packet(*t, d).unwrap();
        }
        w.into_inner()
    }
    /// As a pcapng file with one interface per link type.
    pub fn pcapng(&self) -> Vec<u8> {
        let mut w = PcapNgWriter::new(Vec::new()).unwrap();
        let mut ifaces: Vec<(LinkType, u32)> = Vec::new();
        for (l, t, d) in &self.frames {
            let id = match ifaces.iter().find(|(x, _)| x == l) {
                Some((_, id)) => *id,
                None => {
                    let id = w.interface(*l, 9).unwrap();
                    ifaces.push((*l, id));
                    id
                }
            };
            w.packet(id, *t, d).unwrap();
        }
        w.into_inner()
    }
}

/// One SIP message out of the packet layer, with what the tests check.
#[derive(Clone, Debug)]
pub struct Got {
    pub frame: u64,
    pub transport: Transport,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub bytes: Vec<u8>,
}

impl Got {
    /// "METHOD-or-STATUS CSEQ Call-ID" (as the parser reads it).
    pub fn summary(&self) -> String {
        let m = sip::parse(&self.bytes).expect("the packet layer delivers whole messages");
        let first = m
            .method()
            .map(|x| x.as_str().to_string())
            .or(m.status().map(|s| s.to_string()))
            .unwrap();
        format!(
            "{} {} {}",
            first,
            m.cseq().map_or(0, |c| c.seq),
            m.call_id().unwrap_or("-")
        )
    }
}

/// The result of running a capture through the packet layer.
pub struct Run {
    pub msgs: Vec<Got>,
    pub stats: IngestStats,
    pub warnings: Vec<String>,
}

impl Run {
    pub fn summaries(&self) -> Vec<String> {
        self.msgs.iter().map(Got::summary).collect()
    }
}

/// Runs capture bytes (pcap or pcapng, optionally gzip) through capture + ingest.
pub fn run(bytes: Vec<u8>) -> Run {
    let reader = FileReader::from_reader("test", Box::new(Cursor::new(bytes))).expect("a capture");
    let mut cap = Capture::from_readers(vec![reader]);
    let mut ingest = Ingest::default();
    let mut msgs = Vec::new();
    ingest.run(&mut cap, &mut |m| {
        msgs.push(Got {
            frame: m.meta.frame,
            transport: m.meta.transport,
            src: m.meta.src,
            dst: m.meta.dst,
            bytes: m.bytes.to_vec(),
        })
    });
    Run {
        msgs,
        stats: ingest.stats(),
        warnings: cap.warnings(),
    }
}

/// A capture read from pcap or pcapng bytes.
pub fn capture_of(bytes: &[u8]) -> Capture {
    let reader = FileReader::from_reader("test", Box::new(Cursor::new(bytes.to_vec())));
    Capture::from_readers(vec![reader.expect("a capture")])
}

/// What a sink got: each message's frame, transport, bytes and `Debug` of its parse.
pub type Delivered = Vec<(u64, Transport, Vec<u8>, String)>;

/// A sink that takes messages parsed by the framing, as `sipscope`'s single-threaded
/// pipeline does; `message` (a stream message that arrived in pieces) parses it here.
#[derive(Default)]
pub struct ParsingSink {
    pub got: Delivered,
    pub parsed_by_framing: usize,
}

impl Sink for ParsingSink {
    const PARSES: bool = true;

    fn message(&mut self, m: RawMessage<'_>) {
        let p = format!("{:?}", sip::parse(m.bytes).as_ref());
        self.got
            .push((m.meta.frame, m.meta.transport, m.bytes.to_vec(), p));
    }

    fn parsed<'m>(
        &mut self,
        m: RawMessage<'m>,
        parsed: Result<&sip::Message<'m>, &sip::ParseError>,
    ) {
        self.parsed_by_framing += 1;
        self.got.push((
            m.meta.frame,
            m.meta.transport,
            m.bytes.to_vec(),
            format!("{parsed:?}"),
        ));
    }
}

/// Runs a capture (`open` gives it anew) through the pipeline twice, into a closure that
/// parses each message itself and into a [`ParsingSink`], and checks both get the same
/// messages, parses and counters. Returns how many messages the framing parsed, and how
/// many there were.
pub fn same_with_parsing_sink(name: &str, open: impl Fn() -> Capture) -> (usize, usize) {
    let mut plain: Delivered = Vec::new();
    let mut ingest = Ingest::default();
    ingest.run(&mut open(), &mut |m: RawMessage<'_>| {
        let p = format!("{:?}", sip::parse(m.bytes).as_ref());
        plain.push((m.meta.frame, m.meta.transport, m.bytes.to_vec(), p));
    });
    let plain_stats = ingest.stats();

    let mut sink = ParsingSink::default();
    let mut ingest = Ingest::default();
    let mut cap = open();
    while let Some(frame) = cap.next_frame() {
        ingest.push_to(&frame, &mut sink);
    }
    ingest.finish_to(&mut sink);
    assert_eq!(plain_stats, ingest.stats(), "{name}: counters");
    assert_eq!(plain.len(), sink.got.len(), "{name}: messages");
    for (i, (a, b)) in plain.iter().zip(&sink.got).enumerate() {
        assert_eq!(a, b, "{name}: message {i}");
    }
    (sink.parsed_by_framing, sink.got.len())
}
