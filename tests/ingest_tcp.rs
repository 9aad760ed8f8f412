//! SIP over TCP through the packet layer: reordering, retransmission, overlap, messages
//! split over segments and many per segment, gaps and mid-connection starts.

mod common;

use common::*;
use sipscope::decode::build::flags::{ACK, FIN, PSH, SYN};
use sipscope::meta::Transport;

const ISN: u32 = 1_000;

fn syn(cap: &mut Cap) {
    cap.eth(eth_tcp(ISN, SYN, b"", false));
}

#[test]
fn message_split_over_three_segments() {
    let msg = request("INVITE", "three-seg", 1, 600);
    let (a, rest) = msg.split_at(200);
    let (b, c) = rest.split_at(250);
    let mut cap = Cap::default();
    syn(&mut cap);
    cap.eth(eth_tcp(ISN + 1, ACK | PSH, a, false));
    cap.eth(eth_tcp(ISN + 201, ACK | PSH, b, false));
    cap.eth(eth_tcp(ISN + 451, ACK | PSH, c, false));
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["INVITE 1 three-seg"]);
    assert_eq!(
        r.msgs[0].frame, 4,
        "numbered by the frame that completed it"
    );
    assert_eq!(r.msgs[0].bytes, msg);
    assert_eq!(r.msgs[0].transport, Transport::Tcp);
    assert_eq!(r.msgs[0].src.to_string(), "192.168.1.10:40000");
}

#[test]
fn out_of_order_and_retransmitted_segments_give_each_message_once() {
    let m1 = request("INVITE", "ooo", 1, 300);
    let m2 = request("BYE", "ooo", 2, 0);
    let mut stream = m1.clone();
    stream.extend_from_slice(&m2);
    let cut1 = 150;
    let cut2 = m1.len() + 40;
    let s1 = &stream[..cut1];
    let s2 = &stream[cut1..cut2];
    let s3 = &stream[cut2..];
    let mut cap = Cap::default();
    syn(&mut cap);
    cap.eth(eth_tcp(ISN + 1 + cut2 as u32, ACK, s3, false)); // 2: third segment first
    cap.eth(eth_tcp(ISN + 1, ACK, s1, false)); // 3
    cap.eth(eth_tcp(ISN + 1, ACK, s1, false)); // 4: retransmission
    cap.eth(eth_tcp(ISN + 1 + cut1 as u32, ACK, s2, false)); // 5: fills the hole
    cap.eth(eth_tcp(ISN + 1 + cut1 as u32, ACK, s2, false)); // 6: retransmission
    cap.eth(eth_tcp(ISN + 1 + cut2 as u32, ACK, s3, false)); // 7: retransmission
    // an overlapping segment re-sending the end of m1 and the start of m2
    let ov = m1.len() - 10;
    cap.eth(eth_tcp(
        ISN + 1 + ov as u32,
        ACK,
        &stream[ov..ov + 30],
        false,
    )); // 8
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["INVITE 1 ooo", "BYE 2 ooo"]);
    assert_eq!(r.msgs.iter().map(|m| m.frame).collect::<Vec<_>>(), [5, 5]);
    assert_eq!(r.stats.tcp.retransmitted, 4);
    assert!(r.stats.tcp.out_of_order >= 1);
    assert_eq!(r.stats.tcp.gaps, 0);
}

#[test]
fn many_messages_per_segment_and_keepalives() {
    let mut payload = Vec::new();
    for i in 1..=5 {
        payload.extend_from_slice(&request("OPTIONS", "many", i, i as usize * 7));
        payload.extend_from_slice(b"\r\n\r\n");
    }
    let mut cap = Cap::default();
    syn(&mut cap);
    cap.eth(eth_tcp(ISN + 1, ACK | PSH, &payload, false));
    let r = run(cap.pcap());
    assert_eq!(
        r.summaries(),
        (1..=5)
            .map(|i| format!("OPTIONS {i} many"))
            .collect::<Vec<_>>()
    );
    assert_eq!(r.stats.keepalives, 5);
}

#[test]
fn lost_segment_resyncs_at_the_next_start_line() {
    let m1 = request("INVITE", "gap", 1, 400);
    let m2 = request("ACK", "gap", 1, 0);
    let m3 = request("BYE", "gap", 2, 0);
    let mut stream = m1.clone();
    stream.extend_from_slice(&m2);
    stream.extend_from_slice(&m3);
    let mut cap = Cap::default();
    syn(&mut cap);
    cap.eth(eth_tcp(ISN + 1, ACK, &stream[..100], false));
    // bytes 100..300 are never captured; the rest of m1, then m2 and m3 arrive
    cap.eth(eth_tcp(ISN + 301, ACK, &stream[300..], false));
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["ACK 1 gap", "BYE 2 gap"]);
    assert_eq!(r.stats.tcp.gaps, 1);
    assert_eq!(r.stats.tcp.gap_bytes, 200);
    assert!(r.stats.stream_bytes_skipped > 0);
}

#[test]
fn capture_starting_mid_connection() {
    let m1 = request("INVITE", "mid", 1, 100);
    let m2 = response(200, "OK", "mid", 1, "INVITE");
    let mut stream = m1[60..].to_vec(); // the tail of a message whose start was not captured
    stream.extend_from_slice(&m2);
    let mut cap = Cap::default();
    cap.eth(eth_tcp(77_777, ACK, &stream, true));
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["200 1 mid"]);
    assert_eq!(r.msgs[0].src.to_string(), "192.168.1.20:5060");
}

#[test]
fn both_directions_and_fin_cleanup() {
    let req = request("REGISTER", "dirs", 1, 0);
    let resp = response(200, "OK", "dirs", 1, "REGISTER");
    let mut cap = Cap::default();
    syn(&mut cap);
    cap.eth(eth_tcp(50_000, SYN | ACK, b"", true));
    cap.eth(eth_tcp(ISN + 1, ACK | PSH, &req, false));
    cap.eth(eth_tcp(50_001, ACK | PSH | FIN, &resp, true));
    cap.eth(eth_tcp(ISN + 1 + req.len() as u32, ACK | FIN, b"", false));
    let r = run(cap.pcap());
    assert_eq!(r.summaries(), ["REGISTER 1 dirs", "200 1 dirs"]);
    assert_eq!(r.stats.tcp.closed, 2);
    assert_eq!(r.stats.tcp.incomplete_bytes, 0);
}

#[test]
fn unfinished_message_at_end_is_counted() {
    let msg = request("INVITE", "cut", 1, 500);
    let mut cap = Cap::default();
    syn(&mut cap);
    cap.eth(eth_tcp(ISN + 1, ACK, &msg[..300], false));
    let r = run(cap.pcap());
    assert!(r.msgs.is_empty());
    assert_eq!(r.stats.tcp.incomplete_bytes, 300);
}

#[test]
fn segment_cut_by_snaplen_is_a_gap_not_garbage() {
    use sipscope::capture::LinkType;
    use sipscope::capture::writer::PcapWriter;
    use sipscope::meta::Timestamp;
    let m1 = request("INVITE", "snap", 1, 900);
    let m2 = request("BYE", "snap", 2, 0);
    let frames = [
        eth_tcp(ISN, SYN, b"", false),
        eth_tcp(ISN + 1, ACK, &m1, false),
        eth_tcp(ISN + 1 + m1.len() as u32, ACK, &m2, false),
    ];
    // a capture with a 300-byte snaplen cuts the INVITE's segment
    let mut w = PcapWriter::new(Vec::new(), LinkType::ETHERNET, false).unwrap();
    for (i, f) in frames.iter().enumerate() {
        w.packet(Timestamp(1_000_000 * i as i64), f).unwrap();
    }
    let mut pcap = w.into_inner();
    // rewrite record 2's caplen to 300 bytes, keeping its original length
    let rec2 = 24 + 16 + frames[0].len();
    pcap[rec2 + 8..rec2 + 12].copy_from_slice(&300u32.to_le_bytes());
    pcap.drain(rec2 + 16 + 300..rec2 + 16 + frames[1].len());
    let r = run(pcap);
    assert_eq!(r.summaries(), ["BYE 2 snap"]);
    assert_eq!(r.stats.tcp_truncated, 1);
    assert_eq!(r.stats.tcp.gaps, 1);
}

#[test]
fn parsing_sink_frames_streams_the_same_at_every_split_point() {
    // messages with and without bodies, a keepalive, one without Content-Length, junk
    // before a start line, a response, an unreadable Content-Length, then one more message
    let mut stream = request("INVITE", "split", 1, 120);
    stream.extend_from_slice(b"\r\n\r\n");
    stream.extend_from_slice(&response(200, "OK", "split", 1, "INVITE"));
    stream.extend_from_slice(b"OPTIONS sip:b SIP/2.0\r\nCall-ID: nocl\r\nCSeq: 5 OPTIONS\r\n\r\n");
    stream.extend_from_slice(b"some junk\r\n");
    stream.extend_from_slice(&request("BYE", "split", 2, 0));
    stream.extend_from_slice(b"MESSAGE sip:b SIP/2.0\r\nContent-Length: x\r\n\r\nabc\r\n");
    stream.extend_from_slice(&request("MESSAGE", "split", 3, 40));
    // `stream` after the handshake in segments ending at each of `cuts` and at its end,
    // through both sinks
    let in_segments = |cuts: &[usize]| {
        let mut cap = Cap::default();
        syn(&mut cap);
        let mut from = 0;
        for &to in cuts.iter().chain([stream.len()].iter()) {
            cap.eth(eth_tcp(
                ISN + 1 + from as u32,
                ACK | PSH,
                &stream[from..to],
                false,
            ));
            from = to;
        }
        let pcap = cap.pcap();
        same_with_parsing_sink(&format!("cuts {cuts:?}"), || capture_of(&pcap))
    };
    let whole = in_segments(&[]);
    assert_eq!(whole.0, whole.1, "every message parsed by the framing");
    assert!(whole.1 >= 5, "{whole:?}");
    let mut pieces = 0;
    for cut in 1..stream.len() {
        // two segments, and three (the second of 7 bytes)
        let (framed, n) = in_segments(&[cut]);
        assert_eq!(n, whole.1, "cut {cut}");
        pieces += n - framed;
        let (_, n) = in_segments(&[cut, (cut + 7).min(stream.len())]);
        assert_eq!(n, whole.1, "cut {cut}");
    }
    assert!(pieces > 0, "some messages arrived in pieces");
}
