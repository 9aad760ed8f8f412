//! Every user error is one line on stderr, with exit status 2, never a panic: missing file,
//! directory, not a capture, empty input, unsupported link type (named), stdin twice, bad
//! output path, usage errors; `sniff` in a build without `live`.

mod cli_support;

use cli_support::{corpus, run};
use sipscope::capture::LinkType;
use sipscope::capture::writer::PcapWriter;
use sipscope::meta::Timestamp;

fn one_line_error(args: &[&str], want: &str) {
    let (code, out, err) = run(args);
    assert_eq!(code, 2, "{args:?}: {err}");
    assert!(out.is_empty(), "{args:?}: {out}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("sipscope: "), "{err}");
    assert!(err.contains(want), "{args:?}: want {want:?} in {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn input_errors_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "INVITE sip:bob@example.com SIP/2.0\r\n").unwrap();
    let text = text.to_str().unwrap();
    let empty = dir.path().join("empty.pcap");
    std::fs::write(&empty, b"").unwrap();
    let empty = empty.to_str().unwrap();
    // a pcap of link type 147 (USER0), which we do not decode
    let user0 = dir.path().join("user0.pcap");
    let mut w = PcapWriter::new(Vec::new(), LinkType(147), false).unwrap();
    w.packet(
        Timestamp(1_700_000_000_000_000_000),
        b"\x00\x01\x02\x03 not ethernet",
    )
    .unwrap();
    std::fs::write(&user0, w.into_inner()).unwrap();
    let user0 = user0.to_str().unwrap();
    let d = dir.path().to_str().unwrap();
    for cmd in ["calls", "flow", "stats", "export"] {
        one_line_error(
            &[cmd, "/no/such/file.pcap"],
            "cannot open /no/such/file.pcap: no such file",
        );
        one_line_error(&[cmd, text], "is not a pcap or pcapng capture");
        one_line_error(&[cmd, empty], "is empty");
        one_line_error(&[cmd, d], "it is a directory");
        one_line_error(&[cmd, user0], "link type 147 (USER0) is not supported");
        one_line_error(&[cmd, "-", "-"], "standard input (-) can be read only once");
    }
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let (code, _, err) = run(&["calls"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: the following required arguments were not provided"),
        "{err}"
    );
    assert!(err.lines().count() <= 6, "short: {err}");
    let (code, _, err) = run(&["bogus"]);
    assert_eq!(code, 2);
    assert!(err.contains("unrecognized subcommand 'bogus'"), "{err}");
    let (code, _, _) = run(&["calls", "--width", "10", "x.pcap"]);
    assert_eq!(code, 2);
    for sub in ["calls", "flow", "stats", "export", "sniff"] {
        let (code, out, _) = run(&[sub, "--help"]);
        assert_eq!(code, 0);
        assert!(out.contains("Examples:\n  sipscope "), "{sub}: {out}");
    }
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("sipscope "), "{out}");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    // `sipscope calls big.pcap | head -1`: stdout closes early, no message, no panic
    let cap = corpus("tcp6060-multisegment-prack-update-cancel.pcap");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sipscope"))
        .args(["calls", &cap])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

#[cfg(not(feature = "live"))]
#[test]
fn sniff_without_live_says_how_to_get_it() {
    one_line_error(
        &["sniff", "-i", "lo"],
        "this sipscope was built without live capture: rebuild it with `cargo install sipscope --features live` (needs libpcap-dev)",
    );
}

#[cfg(feature = "live")]
#[test]
fn sniff_unknown_interface_and_bad_filter() {
    let (code, _, err) = run(&["sniff", "-i", "nosuchif0", "--duration", "1"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // as root: unknown interface; without capture rights libpcap may say permission first
    assert!(
        err.contains("unknown interface nosuchif0") || err.contains("no permission"),
        "{err}"
    );
}

/// Drops to an unprivileged user (root only, needs `setpriv` from util-linux) to check the
/// no-permission message.
#[cfg(feature = "live")]
#[test]
fn sniff_without_permission() {
    let is_root = std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false);
    let setpriv = std::process::Command::new("setpriv")
        .arg("--version")
        .output();
    if !is_root || setpriv.is_err() {
        eprintln!("skipping sniff_without_permission: needs root and setpriv");
        return;
    }
    let out = std::process::Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
        ])
        .arg(assert_cmd::cargo::cargo_bin("sipscope"))
        .args(["sniff", "-i", "lo", "--duration", "1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("sipscope: no permission to capture on lo"),
        "{err}"
    );
}
