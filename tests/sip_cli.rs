//! `sipscope parse`: decoded output, JSON, exit codes 0/1/2 and one-line errors.

use assert_cmd::Command;
use predicates::prelude::*;

fn rfc(name: &str) -> String {
    format!("{}/tests/data/rfc4475/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn sipscope() -> Command {
    Command::cargo_bin("sipscope").unwrap()
}

#[test]
fn valid_message_decoded_exit_0() {
    sipscope()
        .args(["parse", &rfc("wsinv.dat")])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Request  INVITE sip:vivekg@chair-dnrc.example.com;unknownparam",
        ))
        .stdout(predicate::str::contains("-> seq=9 method=INVITE"))
        .stdout(predicate::str::contains(
            "-> SIP/2.0/TCP sent-by=spindle.example.com branch=z9hG4bK9ikj8 | SIP/2.0/UDP sent-by=192.168.255.111 branch=z9hG4bK30239",
        ))
        .stdout(predicate::str::contains("m=audio port 49217 RTP/AVP sendrecv"))
        .stderr("");
}

#[test]
fn invalid_message_exit_1_reason_on_one_line() {
    sipscope()
        .args(["parse", &rfc("clerr.dat")])
        .assert()
        .code(1)
        .stderr("sipscope: invalid SIP message: Content-Length 9999 exceeds body length 154\n");
    // Unreadable even leniently: nothing on stdout.
    sipscope()
        .args(["parse", &rfc("badvers.dat")])
        .assert()
        .code(1)
        .stdout("")
        .stderr("sipscope: invalid SIP message: unknown SIP version SIP/7.0\n");
}

#[test]
fn missing_file_exit_2() {
    sipscope()
        .args(["parse", "/nonexistent/file.sip"])
        .assert()
        .code(2)
        .stderr("sipscope: cannot read /nonexistent/file.sip: no such file\n");
}

#[test]
fn stdin_and_json() {
    let input = std::fs::read(rfc("mpart01.dat")).unwrap();
    let out = sipscope()
        .args(["parse", "--json", "-"])
        .write_stdin(input)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["method"], "MESSAGE");
    assert_eq!(v["cseq"]["seq"], 1);
    assert_eq!(v["from"]["tag"], "2fb0dcc9");
    assert_eq!(v["via"][0]["rport"], true);
    assert_eq!(v["body"]["parts"][0]["content_type"], "text/plain");
    assert_eq!(v["body"]["parts"][1]["length"], 342);
}

#[test]
fn json_of_invalid_message_carries_error() {
    let out = sipscope()
        .args(["parse", "--json", &rfc("mismatch01.dat")])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["error"]["kind"], "cseq-mismatch");
    assert_eq!(v["call_id"], "mismatch01.dj0234sxdfl3");
}

#[test]
fn pasted_lf_only_message_with_sipfrag_and_dtmf() {
    let notify = "NOTIFY sip:a@192.0.2.1 SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK1\nFrom: <sip:b@x>;tag=1\nTo: <sip:a@y>;tag=2\nCall-ID: n1\nCSeq: 3 NOTIFY\nEvent: refer;id=7\nSubscription-State: terminated;reason=noresource\nContent-Type: message/sipfrag\nContent-Length: 15\n\nSIP/2.0 200 OK\n";
    sipscope()
        .args(["parse", "-"])
        .write_stdin(notify)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("-> package=refer id=7"))
        .stdout(predicate::str::contains(
            "-> state=terminated reason=noresource",
        ))
        .stdout(predicate::str::contains("sipfrag: SIP/2.0 200 OK"))
        .stdout(predicate::str::contains("Quirks   lf_only"));
    let info = "INFO sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK2\r\nFrom: <sip:b@x>;tag=1\r\nTo: <sip:a@y>;tag=2\r\nCall-ID: i1\r\nCSeq: 4 INFO\r\nContent-Type: application/dtmf-relay\r\nContent-Length: 24\r\n\r\nSignal=5\r\nDuration=160\r\n";
    sipscope()
        .args(["parse", "-"])
        .write_stdin(info)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("DTMF signal 5 duration 160 ms"));
}
