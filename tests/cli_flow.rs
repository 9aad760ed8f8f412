//! `sipscope flow`: ladder diagrams of real captures (snapshots): a PRACK exchange, a
//! transfer with the call it triggered (`--related`), `-v`, `--raw`, and the selection
//! errors.

mod cli_support;

use cli_support::{corpus, run};

#[test]
fn ladder_with_a_prack_exchange() {
    let cap = corpus("prack-call-with-rtp.pcap");
    let (code, out, err) = run(&["flow", &cap]);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("flow_prack_call", out);
    let row = |frame: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(frame))
            .unwrap_or_else(|| panic!("frame {frame}\n{out}"))
    };
    assert!(
        row("3").contains("180 Ringing")
            && row("3").contains("reliable 180 RSeq 1, PRACK in frame 4")
    );
    assert!(row("4").contains("PRACK") && row("4").contains("RAck 1 1 INVITE → 180 in frame 3"));
    assert!(row("5").contains("200 OK (PRACK)"));
    assert!(out.contains("PRACK: 180 RSeq 1, PRACK frame 4 after 0.023s → 200: acknowledged"));
    // the same call by --index and by --call-id
    let (_, by_index, _) = run(&["flow", &cap, "--index", "1"]);
    let (_, by_id, _) = run(&[
        "flow",
        &cap,
        "--call-id",
        "1907983263271201083544@10.33.6.101",
    ]);
    assert_eq!(by_index, out);
    assert_eq!(by_id, out);
}

#[test]
fn transfer_with_related_call() {
    let cap = corpus("refer-blind-transfer-notify-sipfrag-488.pcap");
    let (code, out, _) = run(&["flow", &cap, "--index", "1", "--related", "--width", "200"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("flow_transfer_related", out);
    assert!(out.starts_with("[A] 673b0437-dc3f99dd-699f99a7-92fd8066@192.168.5.10"));
    assert!(out.contains("\n[B] f49fa0af-e84c7379-6649d13e-60bbc1c9@192.168.5.10"));
    let refer = out
        .lines()
        .find(|l| l.contains("REFER ─") || l.contains("─ REFER"))
        .unwrap();
    assert!(
        refer.contains("transfer (blind) to sip:204@192.168.5.11"),
        "{refer}"
    );
    assert!(out.contains("triggered by the REFER in frame 551"), "{out}");
    // the target call alone, with --related, draws the same pair
    let (_, from_b, _) = run(&["flow", &cap, "--index", "2", "--related", "--width", "200"]);
    assert_eq!(from_b, out);
    // without --related only the REFER's call
    let (_, alone, _) = run(&["flow", &cap, "--index", "1"]);
    assert!(!alone.contains("[B]") && alone.contains("transfer (blind)"));
}

#[test]
fn verbose_and_raw() {
    let cap = corpus("prack-call-with-rtp.pcap");
    let (code, out, _) = run(&["flow", &cap, "-v"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("flow_prack_call_verbose", out);
    for want in [
        "Require: 100rel",
        "RSeq: 1",
        "RAck: 1 1 INVITE",
        "SDP m=audio 6040 RTP/AVP 8 13 101",
    ] {
        assert!(out.contains(want), "{want}\n{out}");
    }
    let (code, raw, _) = run(&["flow", &cap, "--raw"]);
    assert_eq!(code, 0);
    assert_eq!(raw.matches("── frame ").count(), 9, "{raw}");
    assert!(
        raw.contains("\nINVITE sip:101@10.33.6.100;user=phone SIP/2.0\n"),
        "{raw}"
    );
    assert!(raw.contains("\nPRACK sip:"), "{raw}");
}

#[test]
fn selection_errors() {
    let cap = corpus("refer-blind-transfer-notify-sipfrag-488.pcap");
    let (code, out, err) = run(&["flow", &cap]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "sipscope: the input holds 2 calls: pick one with --index N or --call-id ID (list them with `sipscope calls`)\n"
    );
    let (code, _, err) = run(&["flow", &cap, "--index", "3"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("sipscope: there is no call 3: the input holds 2 calls"),
        "{err}"
    );
    let (code, _, err) = run(&["flow", &cap, "--call-id", "nope"]);
    assert_eq!(
        (code, err.as_str()),
        (1, "sipscope: no call matched (2 calls in the input)\n")
    );
    let (code, _, err) = run(&["flow", &cap, "--index", "1", "--call-id", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn attended_transfer_draws_the_three_calls() {
    let Some(cap) = cli_support::capture("rfc5589-attended-transfer.pcap") else {
        eprintln!("skipping: captures/rfc5589-attended-transfer.pcap is missing");
        return;
    };
    let (code, out, _) = run(&["flow", &cap, "--index", "1", "--related", "--width", "160"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("flow_attended_transfer_related", out);
    assert!(
        out.contains("[A] rfc5589-attended-transfer@sipscope.test"),
        "{out}"
    );
    assert!(
        out.contains("[B] consult-rfc5589-attended-transfer@sipscope.test"),
        "{out}"
    );
    assert!(
        out.contains("[C] xfer-rfc5589-attended-transfer@sipscope.test"),
        "{out}"
    );
    assert!(
        out.contains("transfer (attended) to sip:carol@10.10.0.3:5060"),
        "{out}"
    );
    assert!(out.contains("(matched by replaces)"), "{out}");
}
