//! Unit tests of the capture readers over captures written in memory.

use std::io::{Cursor, Write};

use super::writer::{PcapNgWriter, PcapWriter};
use super::*;
use crate::meta::Timestamp;

fn reader(bytes: Vec<u8>) -> FileReader {
    FileReader::from_reader("mem", Box::new(Cursor::new(bytes))).unwrap()
}

fn pcap(nanos: bool, packets: &[(i64, &[u8])]) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new(), LinkType::ETHERNET, nanos).unwrap();
    for (t, d) in packets {
        w.packet(Timestamp(*t), d).unwrap();
    }
    w.into_inner()
}

fn collect(cap: &mut Capture) -> Vec<(u64, i64, u32, Vec<u8>)> {
    let mut v = Vec::new();
    while let Some(f) = cap.next_frame() {
        v.push((f.number, f.time.as_nanos(), f.link.0, f.data.to_vec()));
    }
    v
}

#[test]
fn pcap_microseconds() {
    let mut r = reader(pcap(
        false,
        &[
            (1_500_000_123_456_789, b"abc"),
            (1_500_000_124_000_000, b""),
        ],
    ));
    let f = r.current().unwrap();
    assert_eq!(f.data, b"abc");
    assert_eq!(f.time.as_nanos(), 1_500_000_123_456_000);
    assert_eq!(f.link, LinkType::ETHERNET);
    assert!(r.advance());
    assert_eq!(r.current().unwrap().data, b"");
    assert!(!r.advance());
    assert!(r.warnings().is_empty());
}

#[test]
fn pcap_nanoseconds_and_big_endian() {
    let r = reader(pcap(true, &[(1_500_000_123_456_789, b"x")]));
    assert_eq!(r.current().unwrap().time.as_nanos(), 1_500_000_123_456_789);
    // a big-endian µs file written by hand
    let mut be = Vec::new();
    be.extend_from_slice(&[0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4]);
    be.extend_from_slice(&[0; 8]);
    be.extend_from_slice(&65535u32.to_be_bytes());
    be.extend_from_slice(&113u32.to_be_bytes());
    be.extend_from_slice(&10u32.to_be_bytes());
    be.extend_from_slice(&7u32.to_be_bytes());
    be.extend_from_slice(&2u32.to_be_bytes());
    be.extend_from_slice(&2u32.to_be_bytes());
    be.extend_from_slice(b"hi");
    let r = reader(be);
    let f = r.current().unwrap();
    assert_eq!(
        (f.data, f.link, f.time.as_nanos()),
        (&b"hi"[..], LinkType::LINUX_SLL, 10_000_007_000)
    );
}

#[test]
fn pcapng_interfaces_with_different_link_types() {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    let a = w.interface(LinkType::ETHERNET, 6).unwrap();
    let b = w.interface(LinkType::LINUX_SLL2, 9).unwrap();
    w.packet(a, Timestamp(1_000_000_001_000), b"eth").unwrap();
    w.packet(b, Timestamp(1_000_000_001_123), b"sll2!").unwrap();
    let mut cap = Capture::from_readers(vec![reader(w.into_inner())]);
    let got = collect(&mut cap);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], (1, 1_000_000_001_000, 1, b"eth".to_vec()));
    assert_eq!(got[1], (2, 1_000_000_001_123, 276, b"sll2!".to_vec()));
    assert!(cap.warnings().is_empty());
}

#[test]
fn truncated_last_record_yields_the_rest_and_warns() {
    let mut bytes = pcap(
        false,
        &[(1, b"first"), (2, b"second"), (3, b"third-packet")],
    );
    bytes.truncate(bytes.len() - 4);
    let mut cap = Capture::from_readers(vec![reader(bytes)]);
    let got = collect(&mut cap);
    assert_eq!(
        got.iter().map(|g| g.3.clone()).collect::<Vec<_>>(),
        [b"first".to_vec(), b"second".to_vec()]
    );
    let w = cap.warnings();
    assert_eq!(w.len(), 1);
    assert!(
        w[0].contains("cut short") && w[0].contains("2 whole packets"),
        "{w:?}"
    );
}

#[test]
fn truncated_pcapng_block_warns() {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    let i = w.interface(LinkType::ETHERNET, 6).unwrap();
    w.packet(i, Timestamp(5), b"one").unwrap();
    w.packet(i, Timestamp(6), b"two-two").unwrap();
    let mut bytes = w.into_inner();
    bytes.truncate(bytes.len() - 3);
    let mut cap = Capture::from_readers(vec![reader(bytes)]);
    assert_eq!(collect(&mut cap).len(), 1);
    assert_eq!(cap.warnings().len(), 1);
}

#[test]
fn absurd_record_length_is_reported_not_allocated() {
    let mut bytes = pcap(false, &[(1, b"ok")]);
    bytes.extend_from_slice(&[0; 8]);
    bytes.extend_from_slice(&u32::MAX.to_le_bytes());
    bytes.extend_from_slice(&u32::MAX.to_le_bytes());
    let mut cap = Capture::from_readers(vec![reader(bytes)]);
    assert_eq!(collect(&mut cap).len(), 1);
    assert!(
        cap.warnings()[0].contains("corrupt"),
        "{:?}",
        cap.warnings()
    );
}

#[test]
fn gzip_pcapng_is_read() {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    let i = w.interface(LinkType::RAW, 6).unwrap();
    w.packet(i, Timestamp(1_000), b"payload").unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&w.into_inner()).unwrap();
    let r = reader(enc.finish().unwrap());
    assert!(r.is_gzip());
    assert_eq!(r.current().unwrap().data, b"payload");
}

#[test]
fn not_a_capture_says_so() {
    let e = FileReader::from_reader("notes.txt", Box::new(Cursor::new(b"hello there".to_vec())))
        .err()
        .unwrap();
    let msg = e.to_string();
    assert!(
        msg.contains("notes.txt is not a pcap or pcapng capture"),
        "{msg}"
    );
    assert!(!msg.contains('\n'));
}

#[test]
fn missing_file_is_one_line() {
    let e = Capture::open(&["/nonexistent/x.pcap"])
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        e,
        "cannot open /nonexistent/x.pcap: no such file; check the path"
    );
}

#[test]
fn merge_orders_by_time_and_numbers_from_one() {
    let a = reader(pcap(
        false,
        &[(1_000, b"a1"), (3_000, b"a3"), (5_000, b"a5")],
    ));
    let b = reader(pcap(
        false,
        &[(2_000, b"b2"), (3_000, b"b3"), (4_000, b"b4")],
    ));
    let mut cap = Capture::from_readers(vec![a, b]);
    let got: Vec<(u64, Vec<u8>)> = collect(&mut cap).into_iter().map(|g| (g.0, g.3)).collect();
    let names: Vec<&[u8]> = got.iter().map(|g| g.1.as_slice()).collect();
    assert_eq!(names, [&b"a1"[..], b"b2", b"a3", b"b3", b"b4", b"a5"]);
    assert_eq!(
        got.iter().map(|g| g.0).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
}

#[test]
fn large_packets_grow_the_buffer() {
    let big = vec![0x55u8; 3 << 20];
    let mut cap = Capture::from_readers(vec![reader(pcap(false, &[(1, &big), (2, b"small")]))]);
    let got = collect(&mut cap);
    assert_eq!(got[0].3.len(), 3 << 20);
    assert_eq!(got[1].3, b"small");
}

/// A little-endian pcapng block.
fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let len = (12 + body.len().next_multiple_of(4)) as u32;
    let mut b = Vec::new();
    b.extend_from_slice(&kind.to_le_bytes());
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(body);
    b.resize(len as usize - 4, 0);
    b.extend_from_slice(&len.to_le_bytes());
    b
}

/// A pcapng file with one Ethernet interface carrying these IDB options (code, value) and
/// one enhanced packet block with this raw 64-bit timestamp.
fn pcapng_with_idb_options(options: &[(u16, &[u8])], ticks: u64) -> Vec<u8> {
    let mut shb = Vec::new();
    shb.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    shb.extend_from_slice(&[1, 0, 0, 0]);
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    let mut idb = Vec::new();
    idb.extend_from_slice(&1u16.to_le_bytes());
    idb.extend_from_slice(&[0, 0]);
    idb.extend_from_slice(&65535u32.to_le_bytes());
    for (code, value) in options {
        idb.extend_from_slice(&code.to_le_bytes());
        idb.extend_from_slice(&(value.len() as u16).to_le_bytes());
        idb.extend_from_slice(value);
        idb.resize(idb.len().next_multiple_of(4), 0);
    }
    idb.extend_from_slice(&[0; 4]);
    let mut epb = Vec::new();
    epb.extend_from_slice(&0u32.to_le_bytes());
    epb.extend_from_slice(&((ticks >> 32) as u32).to_le_bytes());
    epb.extend_from_slice(&(ticks as u32).to_le_bytes());
    epb.extend_from_slice(&4u32.to_le_bytes());
    epb.extend_from_slice(&4u32.to_le_bytes());
    epb.extend_from_slice(b"data");
    let mut out = block(0x0a0d_0d0a, &shb);
    out.extend(block(1, &idb));
    out.extend(block(6, &epb));
    out
}

#[test]
fn pcapng_extreme_timestamp_offset_saturates() {
    // 2^64-1 ticks of one second each, shifted by i64::MAX seconds: no overflow, a
    // saturated time; and the same with the most negative offset
    for offset in [i64::MAX, i64::MIN] {
        let file = pcapng_with_idb_options(&[(9, &[0]), (14, &offset.to_le_bytes())], u64::MAX);
        let r = reader(file);
        let f = r.current().expect("the packet is read");
        assert_eq!(f.data, b"data");
        let want = if offset > 0 {
            i64::MAX
        } else {
            i64::MIN + i64::MAX
        };
        assert_eq!(f.time, Timestamp::from_parts(want, 0), "offset {offset}");
    }
}

#[test]
fn pcapng_binary_timestamp_resolution() {
    // if_tsresol 0x8a: units of 2^-10 s; 1536 ticks are 1.5 s
    let r = reader(pcapng_with_idb_options(&[(9, &[0x8a])], 1536));
    assert_eq!(r.current().unwrap().time.as_nanos(), 1_500_000_000);
    // an impossible resolution (10^20 per second) falls back to microseconds, the default
    let r = reader(pcapng_with_idb_options(&[(9, &[20])], 1536));
    assert_eq!(r.current().unwrap().time.as_nanos(), 1_536_000);
}

#[test]
fn pcapng_huge_or_lying_block_lengths_are_corrupt_not_allocated() {
    let good = pcapng_with_idb_options(&[], 1);
    // a block claiming 4 GiB: reported, nothing allocated, the packet before it delivered
    let mut huge = good.clone();
    huge.extend_from_slice(&6u32.to_le_bytes());
    huge.extend_from_slice(&0xffff_fff0u32.to_le_bytes());
    huge.extend_from_slice(&[0; 64]);
    // an enhanced packet block whose captured length runs past the block
    let mut lying = good.clone();
    let mut epb = Vec::new();
    epb.extend_from_slice(&0u32.to_le_bytes());
    epb.extend_from_slice(&[0; 8]);
    epb.extend_from_slice(&0x7fff_ffffu32.to_le_bytes());
    epb.extend_from_slice(&4u32.to_le_bytes());
    epb.extend_from_slice(b"data");
    lying.extend(block(6, &epb));
    for (name, bytes) in [("huge", huge), ("lying", lying)] {
        let mut cap = Capture::from_readers(vec![reader(bytes)]);
        assert_eq!(collect(&mut cap).len(), 1, "{name}");
        let w = cap.warnings();
        assert!(
            w.len() == 1 && w[0].contains("corrupt after 1 packets"),
            "{name}: {w:?}"
        );
    }
}
