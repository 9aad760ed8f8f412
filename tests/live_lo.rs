//! Live capture on the loopback interface (feature `live`, needs root or CAP_NET_RAW): the
//! test sends SIP over UDP and TCP to 127.0.0.1 while sniffing `lo` and checks that every
//! message came through the packet layer. Without permission it says so and skips.
#![cfg(feature = "live")]

use std::io::Write;
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sipscope::capture::live::{LiveCapture, LiveError, LiveOptions};
use sipscope::ingest::Ingest;
use sipscope::sip;

fn message(method: &str, call_id: &str, cseq: u32, body: usize) -> Vec<u8> {
    let body = "v=0\r\n".repeat(body / 5 + 1);
    format!(
        "{method} sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK{cseq}\r\n\
         From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: {call_id}\r\n\
         CSeq: {cseq} {method}\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[test]
fn sniff_loopback_udp_and_tcp() {
    // ports picked by the OS so parallel runs do not collide
    let udp_rx = UdpSocket::bind("127.0.0.1:0").unwrap();
    let udp_port = udp_rx.local_addr().unwrap().port();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let tcp_port = listener.local_addr().unwrap().port();

    let mut opts = LiveOptions::new("lo");
    opts.filter = Some(format!("udp port {udp_port} or tcp port {tcp_port}"));
    let mut cap = match LiveCapture::open(&opts) {
        Ok(c) => c,
        Err(e @ LiveError::Permission { .. }) => {
            eprintln!("SKIPPED live capture test: {e}");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    let stopper = cap.stopper();
    let (tx, rx) = mpsc::channel::<String>();
    let sniffer = std::thread::spawn(move || {
        let mut ingest = Ingest::default();
        let mut on = |m: sipscope::meta::RawMessage<'_>| {
            let msg = sip::parse(m.bytes).expect("whole message");
            let line = format!(
                "{} {} {} {}",
                m.meta.transport,
                msg.method()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
                msg.cseq().map_or(0, |c| c.seq),
                msg.call_id().unwrap_or("")
            );
            tx.send(line).unwrap();
        };
        while let Some(frame) = cap.next_frame() {
            ingest.push(&frame, &mut on);
        }
        ingest.finish(&mut on);
        (cap.stats(), cap.error().cloned())
    });
    // give libpcap a moment to start delivering
    std::thread::sleep(Duration::from_millis(300));

    let mut want = Vec::new();
    let udp_tx = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 1..=20u32 {
        let body = if i % 5 == 0 { 6000 } else { 200 }; // some beyond one loopback MTU's worth
        udp_tx
            .send_to(
                &message("OPTIONS", "live-udp", i, body),
                ("127.0.0.1", udp_port),
            )
            .unwrap();
        want.push(format!("udp OPTIONS {i} live-udp"));
    }
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut s, &mut sink);
        sink.len()
    });
    let mut client = TcpStream::connect(("127.0.0.1", tcp_port)).unwrap();
    client.set_nodelay(true).unwrap();
    let mut sent = 0;
    for i in 1..=20u32 {
        let m = message(
            "MESSAGE",
            "live-tcp",
            i,
            if i % 4 == 0 { 70_000 } else { 300 },
        );
        if i % 3 == 0 {
            // split one message over several writes (and so segments)
            let (a, b) = m.split_at(m.len() / 3);
            client.write_all(a).unwrap();
            client.flush().unwrap();
            std::thread::sleep(Duration::from_millis(5));
            client.write_all(b).unwrap();
        } else {
            client.write_all(&m).unwrap();
        }
        sent += m.len();
        want.push(format!("tcp MESSAGE {i} live-tcp"));
    }
    drop(client);
    assert_eq!(server.join().unwrap(), sent);

    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while got.len() < want.len() && Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(100)) {
            got.push(line);
        }
    }
    stopper.stop();
    let (stats, error) = sniffer.join().unwrap();
    while let Ok(line) = rx.try_recv() {
        got.push(line);
    }
    assert_eq!(error, None);
    let stats = stats.expect("kernel counters");
    assert_eq!(stats.dropped, 0, "kernel dropped packets: {stats:?}");
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn unknown_interface_is_one_clear_line() {
    match LiveCapture::open(&LiveOptions::new("nosuchif0")) {
        Err(e @ LiveError::NoSuchInterface { .. }) => {
            let s = e.to_string();
            assert!(
                s.contains("unknown interface nosuchif0") && !s.contains('\n'),
                "{s}"
            );
        }
        Err(LiveError::Permission { .. }) => eprintln!("SKIPPED: no permission to capture"),
        Err(e) => panic!("unexpected error: {e}"),
        Ok(_) => panic!("opened a nonexistent interface"),
    }
}
