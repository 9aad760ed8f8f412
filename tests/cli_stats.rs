//! `sipscope stats`: the text report (snapshot), its JSON form, and filtered metrics.

mod cli_support;

use cli_support::{corpus, run};

fn value(text: &str, name: &str) -> String {
    text.lines()
        .find(|l| l.trim_start().starts_with(name))
        .unwrap_or_else(|| panic!("{name}\n{text}"))
        .split("  ")
        .filter(|s| !s.trim().is_empty())
        .last()
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn text_report_of_a_multi_call_capture() {
    let cap = corpus("tcp6060-multisegment-prack-update-cancel.pcap");
    let (code, out, _) = run(&["stats", &cap]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("stats_tcp6060", out);
    assert_eq!(value(&out, "calls"), "70");
    assert_eq!(value(&out, "INVITE"), "37");
    assert_eq!(value(&out, "180 Ringing"), "31 (+2 retransmitted)");
    assert_eq!(value(&out, "session attempts"), "40");
    assert_eq!(value(&out, "SER"), "82.5%");
    assert_eq!(value(&out, "reliable provisionals"), "5");
    assert_eq!(value(&out, "sip over tcp"), "406");
}

#[test]
fn json_report_and_filters() {
    let cap = corpus("refer-blind-transfer-notify-sipfrag-488.pcap");
    let (code, out, _) = run(&["stats", &cap, "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["calls"], 2);
    assert_eq!(v["transfers"]["refers"], 1);
    assert_eq!(v["transfers"]["linked"], 1);
    assert_eq!(v["methods"]["REFER"]["messages"], 1);
    assert_eq!(v["metrics"]["session_attempts"], 2);
    let (code, out, _) = run(&["stats", &cap, "--json", "--to", "204"]);
    assert_eq!(code, 0);
    let f: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(f["calls"], 1);
    assert_eq!(f["metrics"]["session_attempts"], 1);
    assert_eq!(f["transfers"]["refers"], 0);
    // packet counters cover the whole input whatever the filters
    assert_eq!(f["packets"], v["packets"]);
    let (code, _, _) = run(&["stats", &cap, "--state", "failed"]);
    assert_eq!(code, 1);
}
