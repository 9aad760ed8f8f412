//! `sipscope calls`: the table on real captures (snapshots), filters, sorting, limits,
//! width fitting, colour and exit codes.

mod cli_support;

use cli_support::{corpus, run, table_rows};

#[test]
fn table_of_a_transfer_capture() {
    let cap = corpus("refer-blind-transfer-notify-sipfrag-488.pcap");
    let (code, out, err) = run(&["calls", &cap]);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("calls_refer_blind_transfer", out);
    let rows = table_rows(&out);
    assert_eq!(rows.len(), 2, "{out}");
    // the REFER's call carries the transfer outcome, the triggered call is marked
    assert!(rows[0].iter().any(|c| c.contains("xfer:")), "{out}");
    assert!(rows[1].iter().any(|c| c.contains("xfer-target")), "{out}");
    assert!(
        rows.iter().all(|r| r.iter().any(|c| c == "completed")),
        "{out}"
    );
}

#[test]
fn table_of_a_prack_call() {
    let cap = corpus("prack-call-with-rtp.pcap");
    let (code, out, _) = run(&["calls", &cap]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("calls_prack_call", out);
    let row = &table_rows(&out)[0];
    for want in [
        "1",
        "08:48:25.417",
        "1907983263271201083544@10.33.6.101",
        "call",
        "MP114.FXS1",
        "101",
        "9",
        "completed",
        "200",
        "0.090s",
        "4.873s",
    ] {
        assert!(row.iter().any(|c| c == want), "{want} not in {row:?}");
    }
}

#[test]
fn many_calls_sorted_and_limited() {
    let cap = corpus("tcp6060-multisegment-prack-update-cancel.pcap");
    let (code, out, _) = run(&["calls", &cap]);
    assert_eq!(code, 0);
    let rows = table_rows(&out);
    assert_eq!(rows.len(), 70);
    // numbered 1..=70 in start order
    let idx: Vec<usize> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(idx, (1..=70).collect::<Vec<_>>());
    let starts: Vec<&String> = rows.iter().map(|r| &r[1]).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");

    let (code, out, _) = run(&[
        "calls",
        &cap,
        "--sort",
        "messages",
        "--reverse",
        "--limit",
        "5",
    ]);
    assert_eq!(code, 0);
    let rows = table_rows(&out);
    assert_eq!(rows.len(), 5, "{out}");
    assert!(out.ends_with("5 of 70 calls (70 matched)\n"), "{out}");
    // the numbers stay those of the full list
    assert!(rows.iter().any(|r| r[0] != "1"), "{out}");
    insta::assert_snapshot!("calls_sorted_by_messages_top5", out);
}

#[test]
fn filters_select_calls() {
    let cap = corpus("tcp6060-multisegment-prack-update-cancel.pcap");
    let count = |args: &[&str]| {
        let mut a = vec!["calls", cap.as_str()];
        a.extend_from_slice(args);
        let (code, out, err) = run(&a);
        (code, table_rows(&out).len(), err)
    };
    let (_, all, _) = count(&[]);
    let (code, options, _) = count(&["--kind", "options"]);
    assert_eq!((code, options), (0, 5));
    let (_, calls, _) = count(&["--kind", "call"]);
    assert_eq!(calls + options, all);
    let (_, busy, _) = count(&["--state", "busy"]);
    assert_eq!(busy, 1);
    let (_, bad, _) = count(&["--state", "busy,failed,rejected,cancelled"]);
    assert_eq!(bad, 5);
    let (_, prack, _) = count(&["--method", "prack"]);
    assert!(prack >= 1 && prack < calls, "{prack}");
    // a glob on the Call-ID and a substring give the same call
    let (_, out, _) = run(&["calls", &cap, "--limit", "1"]);
    let id = table_rows(&out)[0][2].clone();
    let head: String = id.chars().take(8).collect();
    let (_, by_sub, _) = count(&["--call-id", &head]);
    let (_, by_glob, _) = count(&["--call-id", &format!("{head}*")]);
    assert!(by_sub >= 1 && by_sub == by_glob, "{by_sub} {by_glob}");
    // time window: everything, then nothing
    let (_, since0, _) = count(&["--since", "0"]);
    assert_eq!(since0, all);
    let (code, none, err) = count(&["--until", "2000-01-01T00:00:00Z"]);
    assert_eq!((code, none), (1, 0));
    assert_eq!(err, "sipscope: no call matched (70 calls in the input)\n");
}

#[test]
fn from_and_to_match_user_uri_or_glob() {
    let cap = corpus("refer-blind-transfer-notify-sipfrag-488.pcap");
    let rows = |args: &[&str]| {
        let mut a = vec!["calls", cap.as_str()];
        a.extend_from_slice(args);
        table_rows(&run(&a).1)
    };
    assert_eq!(rows(&["--to", "204"]).len(), 1);
    assert_eq!(rows(&["--to", "sip:204@*"]).len(), 1);
    assert_eq!(rows(&["--from", "201"]).len(), 2);
    // display names: "John Haller" calls in both, "Auto Attendant" is called in one
    assert_eq!(rows(&["--from", "john haller"]).len(), 2);
    assert_eq!(rows(&["--to", "Auto Att*"]).len(), 1);
    assert_eq!(rows(&["--from", "nobody"]).len(), 0);
}

#[test]
fn fits_the_width_and_colours_only_when_asked() {
    let cap = corpus("tcp6060-multisegment-prack-update-cancel.pcap");
    for w in ["60", "80", "200"] {
        let (code, out, _) = run(&["calls", &cap, "--width", w]);
        assert_eq!(code, 0);
        let w: usize = w.parse().unwrap();
        for l in out.lines() {
            assert!(l.chars().count() <= w, "{w}: {l}");
        }
    }
    let (_, plain, _) = run(&["calls", &cap]);
    assert!(!plain.contains('\x1b'));
    let (_, col, _) = run(&["calls", &cap, "--color", "always"]);
    assert!(col.contains("\x1b["), "{col}");
    // NO_COLOR wins over auto (and a pipe is not a terminal anyway)
    let out = cli_support::sipscope(&["calls", &cap])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8(out.stdout).unwrap().contains('\x1b'));
}

#[test]
fn bad_filter_values_are_usage_errors() {
    let cap = corpus("prack-call-with-rtp.pcap");
    let (code, _, err) = run(&["calls", &cap, "--state", "done"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'done' for '--state"), "{err}");
    let (code, _, err) = run(&["calls", &cap, "--since", "yesterday"]);
    assert_eq!(code, 2);
    assert!(err.contains("RFC 3339"), "{err}");
}

#[test]
fn prack_problems_and_transfer_outcomes_on_sipp_captures() {
    let Some(prack) = cli_support::capture("prack-anomalies.pcap") else {
        eprintln!("skipping: captures/prack-anomalies.pcap is missing");
        return;
    };
    let (code, out, _) = run(&["calls", &prack]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("calls_prack_anomalies", out);
    let flags: Vec<String> = table_rows(&out)
        .iter()
        .map(|r| r.last().unwrap().clone())
        .collect();
    assert!(flags.iter().all(|f| f.starts_with("prack:")), "{out}");
    let xfer = cli_support::capture("refer-rejected-and-norefersub.pcap").unwrap();
    let (_, out, _) = run(&["calls", &xfer]);
    for want in ["xfer:rejected", "xfer:no-subscription", "xfer-target"] {
        assert!(out.contains(want), "{want}\n{out}");
    }
    let failed = cli_support::capture("refer-failed-486-then-503.pcap").unwrap();
    let (_, out, _) = run(&["calls", &failed, "--state", "busy,failed"]);
    let rows = table_rows(&out);
    assert_eq!(rows.len(), 2, "{out}");
    assert!(
        rows.iter().all(|r| r.iter().any(|c| c == "xfer-target")),
        "{out}"
    );
}
