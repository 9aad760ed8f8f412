//! `sipscope sniff -i lo` for real (feature `live`, root or CAP_NET_RAW): while sniffing, the
//! test places a call (INVITE, 180, 200, ACK, BYE, 200) over UDP and another over TCP
//! between plain sockets on 127.0.0.1; the NDJSON stream must hold both calls, completed,
//! with all six messages, and the pcap written with `-w` must read back through
//! `sipscope calls` to the same result. Without capture permission it says so and skips.
#![cfg(feature = "live")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn sipscope() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("sipscope"));
    c.env_remove("NO_COLOR").env_remove("RUST_BACKTRACE");
    c
}

fn request(
    method: &str,
    call_id: &str,
    cseq: u32,
    from_port: u16,
    to_port: u16,
    transport: &str,
    to_tag: bool,
) -> Vec<u8> {
    let cm = if method == "ACK" { "ACK" } else { method };
    let to_tag = if to_tag { ";tag=callee" } else { "" };
    format!(
        "{method} sip:bob@127.0.0.1:{to_port} SIP/2.0\r\n\
         Via: SIP/2.0/{transport} 127.0.0.1:{from_port};branch=z9hG4bK-{call_id}-{cseq}-{method}\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:alice@127.0.0.1>;tag=caller\r\n\
         To: <sip:bob@127.0.0.1>{to_tag}\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: {cseq} {cm}\r\n\
         Contact: <sip:alice@127.0.0.1:{from_port}>\r\n\
         Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

fn response(
    status: &str,
    call_id: &str,
    cseq: u32,
    method: &str,
    from_port: u16,
    transport: &str,
) -> Vec<u8> {
    format!(
        "SIP/2.0 {status}\r\n\
         Via: SIP/2.0/{transport} 127.0.0.1:{from_port};branch=z9hG4bK-{call_id}-{cseq}-{method}\r\n\
         From: <sip:alice@127.0.0.1>;tag=caller\r\n\
         To: <sip:bob@127.0.0.1>;tag=callee\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: {cseq} {method}\r\n\
         Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

/// The six messages of a call, in order: (sent by the caller?, bytes).
fn call(call_id: &str, caller: u16, callee: u16, transport: &str) -> Vec<(bool, Vec<u8>)> {
    vec![
        (
            true,
            request("INVITE", call_id, 1, caller, callee, transport, false),
        ),
        (
            false,
            response("180 Ringing", call_id, 1, "INVITE", caller, transport),
        ),
        (
            false,
            response("200 OK", call_id, 1, "INVITE", caller, transport),
        ),
        (
            true,
            request("ACK", call_id, 1, caller, callee, transport, true),
        ),
        (
            true,
            request("BYE", call_id, 2, caller, callee, transport, true),
        ),
        (
            false,
            response("200 OK", call_id, 2, "BYE", caller, transport),
        ),
    ]
}

fn udp_call(call_id: &str) {
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    let (pa, pb) = (
        a.local_addr().unwrap().port(),
        b.local_addr().unwrap().port(),
    );
    for (from_caller, bytes) in call(call_id, pa, pb, "UDP") {
        if from_caller {
            a.send_to(&bytes, ("127.0.0.1", pb)).unwrap();
        } else {
            b.send_to(&bytes, ("127.0.0.1", pa)).unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn tcp_call(call_id: &str) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let pb = listener.local_addr().unwrap().port();
    let mut a = TcpStream::connect(("127.0.0.1", pb)).unwrap();
    let (mut b, _) = listener.accept().unwrap();
    let pa = a.local_addr().unwrap().port();
    for (from_caller, bytes) in call(call_id, pa, pb, "TCP") {
        let (tx, rx) = if from_caller {
            (&mut a, &mut b)
        } else {
            (&mut b, &mut a)
        };
        tx.write_all(&bytes).unwrap();
        let mut got = vec![0u8; bytes.len()];
        rx.read_exact(&mut got).unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn check_call(c: &Value, transport: &str) {
    assert_eq!(c["kind"], "call", "{c}");
    assert_eq!(c["state"], "completed", "{c}");
    let msgs = c["messages"].as_array().unwrap();
    let seen: Vec<String> = msgs
        .iter()
        .map(|m| {
            m["method"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| m["status"].to_string())
        })
        .collect();
    assert_eq!(seen, ["INVITE", "180", "200", "ACK", "BYE", "200"], "{c}");
    assert!(msgs.iter().all(|m| m["transport"] == transport), "{c}");
    assert!(msgs.iter().all(|m| m["retransmission"] == false), "{c}");
}

/// Starts `sipscope sniff -i lo ARGS` and waits until it listens. `None` (after checking
/// the one-line error) when this process may not capture.
fn start_sniff(args: &[&std::ffi::OsStr]) -> Option<(Child, BufReader<ChildStderr>)> {
    let mut child = sipscope()
        .args(["sniff", "-i", "lo"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // wait for "listening on lo" (or an error, e.g. no permission)
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    if !first.contains("listening on lo") {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{first}");
        assert!(
            first.starts_with("sipscope: ") && !first.contains("panicked"),
            "{first}"
        );
        eprintln!("skipping the live sniff test: {}", first.trim());
        return None;
    }
    std::thread::sleep(Duration::from_millis(300));
    Some((child, stderr))
}

fn unique_tag() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

#[test]
fn sniff_lo_streams_calls_and_writes_a_pcap() {
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("out.pcap");
    let tag = unique_tag();
    let (udp_id, tcp_id) = (
        format!("live-udp-{tag}@127.0.0.1"),
        format!("live-tcp-{tag}@127.0.0.1"),
    );
    let args = ["--ndjson", "-", "--duration", "4", "-f", "tcp or udp", "-w"];
    let mut args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    args.push(pcap.as_os_str());
    let Some((child, mut stderr)) = start_sniff(&args) else {
        return;
    };
    udp_call(&udp_id);
    tcp_call(&tcp_id);
    let out = child.wait_with_output().unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert_eq!(out.status.code(), Some(0), "{rest}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let calls: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |id: &str| {
        calls
            .iter()
            .find(|c| c["call_id"] == id)
            .unwrap_or_else(|| panic!("{id} not in the NDJSON:\n{stdout}\n{rest}"))
    };
    check_call(find(&udp_id), "udp");
    check_call(find(&tcp_id), "tcp");
    // the statistics follow on stderr
    assert!(
        rest.contains("Packets") && rest.contains("kernel: received"),
        "{rest}"
    );

    // the pcap reads back to the same calls
    let back = sipscope()
        .args([
            "export",
            "--ndjson",
            "--call-id",
            &format!("live-*-{tag}@127.0.0.1"),
        ])
        .arg(&pcap)
        .output()
        .unwrap();
    assert_eq!(
        back.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
    let back: Vec<Value> = String::from_utf8(back.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(back.len(), 2);
    for c in &back {
        let live = find(c["call_id"].as_str().unwrap());
        assert_eq!(c["state"], live["state"]);
        assert_eq!(
            c["messages"], live["messages"],
            "same frames, times, addresses"
        );
    }
    let table = sipscope()
        .args(["--width", "200", "calls", "--call-id", &format!("*{tag}*")])
        .arg(&pcap)
        .output()
        .unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert_eq!(
        table.lines().filter(|l| l.contains("completed")).count(),
        2,
        "{table}"
    );
}

#[test]
fn sniff_prints_a_finished_call_after_the_linger_even_when_lo_is_quiet() {
    // the engine only learns that time passes from packets: while the interface is quiet
    // sniff must still hand out a call that finished, once it has lingered
    let call_id = format!("linger-{}@127.0.0.1", unique_tag());
    let filter = "udp and port 1";
    let args = [
        "--ndjson",
        "-",
        "--linger",
        "1",
        "--duration",
        "30",
        "-f",
        filter,
    ];
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    let Some((mut child, _stderr)) = start_sniff(&args) else {
        return;
    };
    // the call's datagrams are the only packets the filter lets through
    let a = UdpSocket::bind("127.0.0.1:1").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    let pb = b.local_addr().unwrap().port();
    for (from_caller, bytes) in call(&call_id, 1, pb, "UDP") {
        if from_caller {
            a.send_to(&bytes, ("127.0.0.1", pb)).unwrap();
        } else {
            b.send_to(&bytes, ("127.0.0.1", 1)).unwrap();
        }
    }
    let sent = Instant::now();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let printed_after = sent.elapsed();
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    let c: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    assert_eq!(c["call_id"], call_id.as_str());
    check_call(&c, "udp");
    assert_eq!(c["closed"], "finished", "{c}");
    // printed by the linger (1 s, scanned once a second), not by the end of the capture
    assert!(
        still_running && printed_after < Duration::from_secs(20),
        "printed after {printed_after:?}, sniff still running: {still_running}"
    );
}
