//! Capture inputs through the command line: a truncated last record, gzip (detected by
//! magic bytes, whatever the name), standard input, several files merged in time order,
//! and one-line errors for what is not a capture.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;
use serde_json::Value;

fn sipscope(args: &[&str], stdin: Option<Vec<u8>>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(&bytes).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// (frame, method-or-status, cseq) of every exported message, in export order.
fn messages(json: &str) -> Vec<(u64, String, u64)> {
    let v: Value = serde_json::from_str(json).unwrap();
    let mut out = Vec::new();
    for c in v["calls"].as_array().unwrap() {
        for m in c["messages"].as_array().unwrap() {
            let first = m["method"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| m["status"].to_string());
            out.push((
                m["frame"].as_u64().unwrap(),
                first,
                m["cseq"].as_u64().unwrap(),
            ));
        }
    }
    out
}

fn three_message_capture(call: &str) -> Cap {
    let mut cap = Cap::default();
    cap.eth(eth_udp(&request("INVITE", call, 1, 100)));
    cap.eth(eth_udp(&response(180, "Ringing", call, 1, "INVITE")));
    cap.eth(eth_udp(&response(200, "OK", call, 1, "INVITE")));
    cap
}

#[test]
fn truncated_last_record_keeps_the_rest_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.pcap");
    let mut bytes = three_message_capture("cut").pcap();
    bytes.truncate(bytes.len() - 25);
    std::fs::write(&path, bytes).unwrap();
    let (code, out, err) = sipscope(&["export", path.to_str().unwrap()], None);
    assert_eq!(code, 0);
    assert_eq!(
        messages(&out),
        [(1, "INVITE".to_string(), 1), (2, "180".to_string(), 1)]
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("warning") && err.contains("cut short") && err.contains("2 whole packets"),
        "{err}"
    );
}

#[test]
fn gzip_pcapng_named_anything_and_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capture.bin");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&three_message_capture("gz").pcapng())
        .unwrap();
    let gz = enc.finish().unwrap();
    std::fs::write(&path, &gz).unwrap();
    let (code, out, err) = sipscope(&["export", path.to_str().unwrap()], None);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(messages(&out).len(), 3);
    let (code, out, _) = sipscope(&["export", "-"], Some(gz));
    assert_eq!(code, 0);
    assert_eq!(
        messages(&out),
        [
            (1, "INVITE".to_string(), 1),
            (2, "180".to_string(), 1),
            (3, "200".to_string(), 1)
        ]
    );
}

#[test]
fn several_files_merge_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    // file b's packets fall between file a's
    let a = three_message_capture("merge");
    let mut b = Cap::default();
    b.frames = a
        .frames
        .iter()
        .map(|(l, t, _)| {
            (
                *l,
                sipscope::meta::Timestamp(t.0 + 500_000),
                eth_udp(&request("OPTIONS", "merge-b", 1, 0)),
            )
        })
        .collect();
    let (pa, pb) = (dir.path().join("a.pcap"), dir.path().join("b.pcapng"));
    std::fs::write(&pa, a.pcap()).unwrap();
    std::fs::write(&pb, b.pcapng()).unwrap();
    let (code, out, _) = sipscope(
        &["export", pb.to_str().unwrap(), pa.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 0);
    let mut got = messages(&out);
    got.sort();
    let frames: Vec<(u64, String)> = got.into_iter().map(|(f, m, _)| (f, m)).collect();
    assert_eq!(
        frames,
        [
            (1, "INVITE".to_string()),
            (2, "OPTIONS".to_string()),
            (3, "180".to_string()),
            (4, "OPTIONS".to_string()),
            (5, "200".to_string()),
            (6, "OPTIONS".to_string())
        ]
    );
}

#[test]
fn errors_are_one_line_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "INVITE is not a capture\n").unwrap();
    for (args, want) in [
        (vec!["export", "/no/such/file.pcap"], "no such file"),
        (
            vec!["export", text.to_str().unwrap()],
            "is not a pcap or pcapng capture",
        ),
        (
            vec!["stats", "-", "-"],
            "standard input (-) can be read only once",
        ),
    ] {
        let (code, out, err) = sipscope(&args, Some(Vec::new()));
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty());
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("sipscope: ") && err.contains(want), "{err}");
    }
    let (code, _, err) = sipscope(&["export", "-"], Some(Vec::new()));
    assert_eq!(
        (code, err.trim()),
        (2, "sipscope: <stdin> is empty: it holds no capture data")
    );
}

#[test]
fn stats_reports_counters() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.pcap");
    let mut cap = three_message_capture("stats");
    cap.eth(eth_udp(b"\r\n\r\n"));
    cap.eth(eth_udp(&[0x80, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    std::fs::write(&path, cap.pcap()).unwrap();
    let (code, out, _) = sipscope(&["stats", path.to_str().unwrap()], None);
    assert_eq!(code, 0);
    let get = |name: &str| -> u64 {
        let line = out
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("{name} in\n{out}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert_eq!(get("frames"), 5);
    assert_eq!(get("sip messages"), 3);
    assert_eq!(get("sip over udp"), 3);
    assert_eq!(get("calls"), 1);
    assert_eq!(get("keepalives (CRLF)"), 1);
    assert_eq!(get("skipped: udp not sip"), 1);
}
