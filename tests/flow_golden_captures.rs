//! Golden tests of the call-flow engine on the project's own SIPp/kamailio captures
//! (`captures/`, ground truth in `captures/README.md`; frame times from
//! `captures/expected/<name>.frames.tsv`, made by tshark). Values are asserted one by one:
//! states, flags, legs, retransmissions, timings to the microsecond, PRACK pairs and
//! problems, transfer outcomes and links, registrations and subscriptions.

mod export_support;

use export_support::*;
use serde_json::Value;

/// (rseq, status, response_frame, prack_frame, prack_status, acknowledged) of a PRACK record.
type PrackRow = (
    Option<u64>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
    bool,
);

fn prack_row(p: &Value) -> PrackRow {
    (
        p["rseq"].as_u64(),
        p["status"].as_u64(),
        p["response_frame"].as_u64(),
        p["prack_frame"].as_u64(),
        p["prack_status"].as_u64(),
        p["acknowledged"].as_bool().unwrap(),
    )
}

#[test]
fn prack_reliable_183_180() {
    let doc = export(&captures("prack-reliable-183-180.pcap"));
    let c = call(&doc, "prack-happy@sipscope.test");
    assert_eq!(c["state"], "completed");
    assert!(flags(c).is_empty(), "{:?}", flags(c));
    let p = c["prack"].as_array().unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(
        prack_row(&p[0]),
        (Some(7001), Some(183), Some(3), Some(4), Some(200), true)
    );
    assert_eq!(
        prack_row(&p[1]),
        (Some(7002), Some(180), Some(6), Some(7), Some(200), true)
    );
    assert_eq!(
        (p[0]["prack_cseq"].as_u64(), p[1]["prack_cseq"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(
        (
            p[0]["prack_response_frame"].as_u64(),
            p[1]["prack_response_frame"].as_u64()
        ),
        (Some(5), Some(8))
    );
    assert!(
        p.iter()
            .all(|x| x["problems"].as_array().unwrap().is_empty())
    );
    assert_eq!(
        us(&p[0]["prack_delay"]),
        Some(between("1795733717.035062", "1795733717.035136"))
    );
    assert_eq!(
        us(&p[1]["prack_delay"]),
        Some(between("1795733717.140585", "1795733717.140703"))
    );
    // INVITE 1, 183 3, 200 9, ACK 10, BYE 11, 200 12
    assert_timings(
        c,
        Some(between("1795733717.032623", "1795733717.035062")),
        Some(between("1795733717.032623", "1795733717.244139")),
        Some(between("1795733717.244139", "1795733717.244244")),
        Some(between("1795733717.244139", "1795733717.448717")),
        Some(between("1795733717.448717", "1795733717.448857")),
    );
}

#[test]
fn prack_anomalies() {
    let doc = export(&captures("prack-anomalies.pcap"));
    for id in [
        "prack-unacked",
        "prack-wrong-rack",
        "prack-overlap",
        "prack-unreliable",
    ] {
        let c = call(&doc, &format!("{id}@sipscope.test"));
        assert_eq!(c["state"], "completed", "{id}");
        assert!(flags(c).contains(&"prack-problems"), "{id}");
    }
    // reliable 183 RSeq 9001 (frame 3) resent at 4 and 5, never PRACKed, 200 at 6
    let c = call(&doc, "prack-unacked@sipscope.test");
    assert_eq!(retransmitted_frames(c), [4, 5]);
    let p = c["prack"].as_array().unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(
        prack_row(&p[0]),
        (Some(9001), Some(183), Some(3), None, None, false)
    );
    assert_eq!(p[0]["retransmissions"], 2);
    assert_eq!(
        strs(&p[0]["problems"]),
        ["final-before-prack", "never-pracked"]
    );
    // RAck naming RSeq 5000 (frame 13) -> 481; then the right PRACK (15) -> 200
    let c = call(&doc, "prack-wrong-rack@sipscope.test");
    let p = c["prack"].as_array().unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(
        prack_row(&p[0]),
        (Some(5001), Some(180), Some(12), Some(15), Some(200), true)
    );
    assert!(p[0]["problems"].as_array().unwrap().is_empty());
    assert_eq!(
        prack_row(&p[1]),
        (Some(5000), None, None, Some(13), Some(481), false)
    );
    assert_eq!(p[1]["rack"], "5000 1 INVITE");
    assert_eq!(strs(&p[1]["problems"]), ["rack-unknown-rseq"]);
    // RSeq 100 (23) then RSeq 102 (24) before any PRACK: gap and overlap on the second
    let c = call(&doc, "prack-overlap@sipscope.test");
    let p = c["prack"].as_array().unwrap();
    assert_eq!(
        prack_row(&p[0]),
        (Some(100), Some(183), Some(23), Some(25), Some(200), true)
    );
    assert!(p[0]["problems"].as_array().unwrap().is_empty());
    assert_eq!(
        prack_row(&p[1]),
        (Some(102), Some(180), Some(24), Some(27), Some(200), true)
    );
    assert_eq!(
        strs(&p[1]["problems"]),
        ["rseq-gap", "second-reliable-before-prack"]
    );
    // a PRACK for an unreliable 180 (36) -> 481
    let c = call(&doc, "prack-unreliable@sipscope.test");
    let p = c["prack"].as_array().unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(
        prack_row(&p[0]),
        (Some(1), None, None, Some(36), Some(481), false)
    );
    assert_eq!(strs(&p[0]["problems"]), ["prack-without-100rel"]);
}

#[test]
fn call_prack_update_info_reinvite() {
    let doc = export(&captures("call-prack-update-info-reinvite.pcap"));
    let c = call(&doc, "midcall@sipscope.test");
    assert_eq!(c["state"], "completed");
    assert!(flags(c).is_empty(), "{:?}", flags(c));
    assert_eq!(c["messages"].as_array().unwrap().len(), 22);
    let p = c["prack"].as_array().unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(
        prack_row(&p[0]),
        (Some(1), Some(183), Some(3), Some(4), Some(200), true)
    );
    let d: Vec<(u64, &str)> = c["dtmf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["frame"].as_u64().unwrap(), x["digit"].as_str().unwrap()))
        .collect();
    assert_eq!(d, [(11, "5"), (13, "#")]);
    assert_eq!(c["dtmf"][0]["duration"], 160);
    assert_eq!(c["dtmf"][0]["content_type"], "application/dtmf-relay");
    // UPDATE in the early dialog, then hold and resume re-INVITEs
    let s: Vec<(u64, &str, u64, &str, u64, u64)> = c["session_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["frame"].as_u64().unwrap(),
                x["method"].as_str().unwrap(),
                x["cseq"].as_u64().unwrap(),
                x["dialog_state"].as_str().unwrap(),
                x["status"].as_u64().unwrap(),
                x["status_frame"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        s,
        [
            (6, "UPDATE", 3, "early", 200, 7),
            (15, "INVITE", 6, "confirmed", 200, 16),
            (18, "INVITE", 7, "confirmed", 200, 19)
        ]
    );
    assert_eq!(c["final_status"], 200);
    // hold (a=sendonly) and resume (a=sendrecv)
    let dir: Vec<&str> = c["session_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["sdp"]["direction"].as_str().unwrap())
        .collect();
    assert_eq!(dir, ["sendrecv", "sendonly", "sendrecv"]);
}

#[test]
fn invite_outcomes() {
    let doc = export(&captures("invite-outcomes.pcap"));
    let expect = [
        ("outcome-cancelled", "cancelled", 487, vec!["cancel-sent"]),
        (
            "outcome-cancel-race",
            "completed",
            200,
            vec!["cancel-lost-race", "cancel-sent"],
        ),
        ("outcome-busy-486", "busy", 486, vec![]),
        ("outcome-decline-603", "rejected", 603, vec![]),
        ("outcome-notfound-404", "rejected", 404, vec![]),
        ("outcome-unavailable-503", "failed", 503, vec![]),
        ("outcome-timeout-408", "failed", 408, vec![]),
        ("outcome-redirect-302", "redirected", 302, vec![]),
    ];
    assert_eq!(doc["calls"].as_array().unwrap().len(), expect.len());
    for (id, state, status, fl) in expect {
        let c = call(&doc, &format!("{id}@sipscope.test"));
        assert_eq!(
            (c["state"].as_str(), c["final_status"].as_u64()),
            (Some(state), Some(status)),
            "{id}"
        );
        assert_eq!(flags(c), fl, "{id}");
    }
    // CANCEL (4) is its own transaction aimed at the INVITE; the ACK (7) joins the INVITE's
    let c = call(&doc, "outcome-cancelled@sipscope.test");
    let tx = c["transactions"].as_array().unwrap();
    assert_eq!(tx.len(), 2);
    assert_eq!(
        nums(&tx[0], ["cancelled_by", "ack_frame", "final_frame"]),
        [Some(1), Some(7), Some(6)]
    );
    assert_eq!(
        (
            tx[1]["method"].as_str(),
            tx[1]["cancels"].as_u64(),
            tx[1]["final_status"].as_u64()
        ),
        (Some("CANCEL"), Some(0), Some(200))
    );
    // the race: the ACK to the 2xx has its own branch and transaction
    let c = call(&doc, "outcome-cancel-race@sipscope.test");
    let methods: Vec<&str> = each_str(&c["transactions"], "method");
    assert_eq!(methods, ["INVITE", "CANCEL", "ACK", "BYE"]);
    assert_eq!(c["hangup"], "caller");
    let m = &doc["metrics"];
    // 8 attempts, 1 answered, 1 redirected; effective: 200, 486, 603; ineffective: 503, 408
    assert_eq!(
        nums(m, ["session_attempts", "answered", "redirected"]),
        [Some(8), Some(1), Some(1)]
    );
    assert_eq!(
        nums(m, ["effective", "ineffective", "completed"]),
        [Some(3), Some(2), Some(1)]
    );
    assert!((m["ser"].as_f64().unwrap() - 100.0 / 7.0).abs() < 1e-9);
    assert!((m["seer"].as_f64().unwrap() - 300.0 / 7.0).abs() < 1e-9);
    assert_eq!(m["isa"], 25.0);
    assert_eq!(m["scr"], 12.5);
}

#[test]
fn retransmissions_udp() {
    let doc = export(&captures("retransmissions-udp.pcap"));
    let c = call(&doc, "retransmissions-udp@sipscope.test");
    assert_eq!(c["state"], "completed");
    assert_eq!(retransmitted_frames(c), [2, 3, 7, 8, 11]);
    assert_eq!(doc["counters"]["retransmissions"], 5);
    let tx = c["transactions"].as_array().unwrap();
    let r: Vec<(&str, u64)> = tx
        .iter()
        .map(|t| {
            (
                t["method"].as_str().unwrap(),
                t["retransmissions"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(r, [("INVITE", 4), ("ACK", 0), ("BYE", 1)]);
    // delays from the first sighting: INVITE 1, 180 5, 200 6, ACK 9, BYE 10, 200 12
    assert_timings(
        c,
        Some(between("1795733759.352679", "1795733761.057949")),
        Some(between("1795733759.352679", "1795733761.211985")),
        Some(between("1795733761.211985", "1795733762.916572")),
        Some(between("1795733761.211985", "1795733763.920189")),
        Some(between("1795733763.920189", "1795733764.623924")),
    );
    assert_eq!(
        us(&c["transactions"][0]["response_time"]),
        Some(between("1795733759.352679", "1795733761.211985"))
    );
}

#[test]
fn auth_register_invite_401() {
    let doc = export(&captures("auth-register-invite-401.pcap"));
    let r = call(&doc, "auth-register@sipscope.test");
    assert_eq!(
        (r["kind"].as_str(), r["state"].as_str()),
        (Some("registration"), Some("unregistered"))
    );
    let reg = &r["registration"];
    assert_eq!(
        nums(reg, ["attempts", "auth_challenges", "successes"]),
        [Some(3), Some(1), Some(2)]
    );
    // bound for 3600 s by frame 4, then removed: the last 2xx grants 0
    assert_eq!(
        nums(reg, ["expires", "registered_frame"]),
        [Some(0), Some(4)]
    );
    assert_eq!(reg["requested_expires"], 0);
    // the registrar's 200 lists the binding (as its SIPp scenario writes it, host missing)
    assert_eq!(reg["contacts"][0], "sip:alice@:5060");
    // RRD: REGISTER (1) -> 401 -> REGISTER (3) -> 200 (4)
    assert_eq!(
        us(&r["timings"]["rrd"]),
        Some(between("1795733766.780490", "1795733766.781947"))
    );
    let c = call(&doc, "auth-invite@sipscope.test");
    assert_eq!(c["state"], "completed");
    assert_eq!(flags(c), ["auth-challenged"]);
    // PDD: the first INVITE to its 401; SRD and setup: the retry (10) to 180 (12), 200 (13)
    assert_eq!(
        us(&c["timings"]["pdd"]),
        Some(between("1795733768.020253", "1795733768.020435"))
    );
    assert_timings(
        c,
        Some(between("1795733768.021677", "1795733768.024028")),
        Some(between("1795733768.021677", "1795733768.175722")),
        Some(between("1795733768.175722", "1795733768.175856")),
        Some(between("1795733768.175722", "1795733768.680161")),
        Some(between("1795733768.680161", "1795733768.680270")),
    );
    assert_eq!(c["transactions"][0]["ack_frame"], 9);
}

#[test]
fn options_message_subscribe() {
    let doc = export(&captures("options-message-subscribe.pcap"));
    for id in ["keepalive-1", "keepalive-2", "keepalive-3"] {
        let c = call(&doc, &format!("{id}@sipscope.test"));
        assert_eq!(
            (c["kind"].as_str(), c["state"].as_str()),
            (Some("options"), Some("succeeded")),
            "{id}"
        );
    }
    let c = call(&doc, "message-1@sipscope.test");
    assert_eq!(
        (c["kind"].as_str(), c["state"].as_str()),
        (Some("message"), Some("succeeded"))
    );
    // presence: SUBSCRIBE 600 -> 200, NOTIFY active, un-SUBSCRIBE -> 200, NOTIFY terminated
    let c = call(&doc, "presence-1@sipscope.test");
    assert_eq!(
        (c["kind"].as_str(), c["state"].as_str()),
        (Some("subscription"), Some("terminated"))
    );
    let s = &c["subscriptions"][0];
    assert_eq!(
        (
            s["event"].as_str(),
            s["subscribe_frame"].as_u64(),
            s["notifies"].as_u64()
        ),
        (Some("presence"), Some(9), Some(2))
    );
    let changes: Vec<&str> = each_str(&s["changes"], "state");
    assert_eq!(changes, ["subscribing", "active", "terminated"]);
    // the NOTIFY (18) overtakes the 200 (20): one dialog, ended by the notifier (21)
    let c = call(&doc, "dialog-event-1@sipscope.test");
    assert_eq!(c["state"], "terminated");
    let s = &c["subscriptions"][0];
    assert_eq!(s["event"], "dialog");
    assert_eq!(s["termination_reason"], "noresource");
    assert_eq!(s["changes"][1]["frame"], 18);
    assert_eq!(s["changes"][1]["state"], "active");
    let d = c["dialogs"].as_array().unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0]["state"].as_str(), d[0]["terminated_frame"].as_u64()),
        (Some("terminated"), Some(21))
    );
    // 489 Bad Event
    let c = call(&doc, "mwi-1@sipscope.test");
    assert_eq!(
        (c["state"].as_str(), c["final_status"].as_u64()),
        (Some("rejected"), Some(489))
    );
    assert_eq!(c["subscriptions"][0]["state"], "rejected");
    assert_eq!(c["dialogs"][0]["state"], "terminated");
}

#[test]
fn rfc5589_basic_transfer() {
    let doc = export(&captures("rfc5589-basic-transfer.pcap"));
    let a = call(&doc, "rfc5589-basic-transfer@sipscope.test");
    let b = call(&doc, "xfer-rfc5589-basic-transfer@sipscope.test");
    assert_eq!(
        (a["state"].as_str(), b["state"].as_str()),
        (Some("completed"), Some("completed"))
    );
    let t = &a["transfers"][0];
    assert_eq!(nums(t, ["refer_frame", "refer_cseq"]), [Some(6), Some(2)]);
    assert_eq!(t["refer_to"], "sip:carol@10.10.0.3:5060");
    assert_eq!(t["referred_by"], "sip:bob@10.10.0.2");
    assert_eq!(
        (
            t["attended"].as_bool(),
            t["refer_status"].as_u64(),
            t["refer_status_frame"].as_u64()
        ),
        (Some(false), Some(202), Some(7))
    );
    assert_eq!(ints(&t["progress"]), [100, 200]);
    assert_eq!(
        (t["outcome"].as_str(), t["final_status"].as_u64()),
        (Some("success"), Some(200))
    );
    let n: Vec<(u64, u64, &str)> = t["notifies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["frame"].as_u64().unwrap(),
                x["response_status"].as_u64().unwrap(),
                x["subscription_state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(n, [(8, 200, "active"), (15, 200, "terminated")]);
    assert_eq!(
        t["target_call_id"],
        "xfer-rfc5589-basic-transfer@sipscope.test"
    );
    assert_eq!(t["target_match"], "referred-by-and-uri");
    assert_eq!(
        b["transferred_from"]["call_id"],
        "rfc5589-basic-transfer@sipscope.test"
    );
    assert_eq!(b["transferred_from"]["refer_frame"], 6);
    // bob (the callee of the first call) is the transferor and hangs up
    assert_eq!(t["referrer"], "caller");
    assert_eq!(a["hangup"], "caller");
}

#[test]
fn refer_failed_486_then_503() {
    let doc = export(&captures("refer-failed-486-then-503.pcap"));
    let a = call(&doc, "refer-failed-486-then-503@sipscope.test");
    let t = a["transfers"].as_array().unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(
        (
            t[0]["refer_frame"].as_u64(),
            t[0]["outcome"].as_str(),
            t[0]["final_status"].as_u64()
        ),
        (Some(6), Some("failed"), Some(486))
    );
    assert_eq!(ints(&t[0]["progress"]), [100, 486]);
    assert_eq!(
        t[0]["target_call_id"],
        "xfer-refer-failed-486-then-503@sipscope.test"
    );
    // the second REFER's NOTIFYs say Event: refer;id=3
    assert_eq!(
        nums(&t[1], ["refer_frame", "refer_cseq"]),
        [Some(17), Some(3)]
    );
    assert_eq!(
        (t[1]["outcome"].as_str(), t[1]["final_status"].as_u64()),
        (Some("failed"), Some(503))
    );
    assert_eq!(ints(&t[1]["progress"]), [100, 503]);
    assert_eq!(t[1]["notifies"][0]["frame"], 19);
    assert_eq!(
        t[1]["target_call_id"],
        "xfer2-refer-failed-486-then-503@sipscope.test"
    );
    assert_eq!(
        call(&doc, "xfer-refer-failed-486-then-503@sipscope.test")["state"],
        "busy"
    );
    assert_eq!(
        call(&doc, "xfer2-refer-failed-486-then-503@sipscope.test")["state"],
        "failed"
    );
    assert_eq!(a["state"], "completed");
}

#[test]
fn refer_rejected_and_norefersub() {
    let doc = export(&captures("refer-rejected-and-norefersub.pcap"));
    for (id, frame, status) in [
        ("refer-rejected-603", 6, 603),
        ("refer-rejected-405", 15, 405),
    ] {
        let c = call(&doc, &format!("{id}@sipscope.test"));
        assert_eq!(c["state"], "completed", "{id}");
        let t = &c["transfers"][0];
        assert_eq!(
            (
                t["refer_frame"].as_u64(),
                t["refer_status"].as_u64(),
                t["outcome"].as_str()
            ),
            (Some(frame), Some(status), Some("rejected")),
            "{id}"
        );
        assert!(t["progress"].as_array().unwrap().is_empty());
        assert_eq!(t["target_call_id"], Value::Null);
    }
    let c = call(&doc, "refer-norefersub@sipscope.test");
    let t = &c["transfers"][0];
    assert_eq!(
        nums(t, ["refer_frame", "refer_status"]),
        [Some(24), Some(202)]
    );
    assert_eq!(
        (t["refer_sub"].as_bool(), t["outcome"].as_str()),
        (Some(false), Some("no-subscription"))
    );
    assert_eq!(t["target_call_id"], "xfer-refer-norefersub@sipscope.test");
    assert_eq!(
        call(&doc, "xfer-refer-norefersub@sipscope.test")["state"],
        "completed"
    );
}

#[test]
fn rfc5589_attended_transfer() {
    let doc = export(&captures("rfc5589-attended-transfer.pcap"));
    let a = call(&doc, "rfc5589-attended-transfer@sipscope.test");
    let t = &a["transfers"][0];
    assert_eq!(
        (
            t["refer_frame"].as_u64(),
            t["attended"].as_bool(),
            t["refer_status"].as_u64()
        ),
        (Some(14), Some(true), Some(202))
    );
    assert_eq!(t["refer_to"], "sip:carol@10.10.0.3:5060");
    assert_eq!(
        t["replaces"]["call_id"],
        "consult-rfc5589-attended-transfer@sipscope.test"
    );
    assert_eq!(t["replaces"]["to_tag"], "rfc5589-attended-transfer-carol-1");
    assert_eq!(
        t["replaces"]["from_tag"],
        "rfc5589-attended-transfer-bob-c1"
    );
    assert_eq!(ints(&t["progress"]), [100, 200]);
    assert_eq!(
        (t["outcome"].as_str(), t["final_status"].as_u64()),
        (Some("success"), Some(200))
    );
    assert_eq!(
        t["target_call_id"],
        "xfer-rfc5589-attended-transfer@sipscope.test"
    );
    assert_eq!(t["target_match"], "replaces");
    // the hold re-INVITE
    assert_eq!(a["session_changes"][0]["frame"], 6);
    assert_eq!(a["session_changes"][0]["status"], 200);
    // the consultation call is replaced: carol hangs up with Reason SIP;cause=200
    let k = call(&doc, "consult-rfc5589-attended-transfer@sipscope.test");
    assert_eq!(
        (k["state"].as_str(), k["hangup"].as_str()),
        (Some("completed"), Some("callee"))
    );
    assert_eq!(
        (
            k["reason"]["protocol"].as_str(),
            k["reason"]["cause"].as_u64(),
            k["reason"]["frame"].as_u64()
        ),
        (Some("SIP"), Some(200), Some(22))
    );
    assert_eq!(k["reason"]["text"], "Call completed elsewhere");
    let x = call(&doc, "xfer-rfc5589-attended-transfer@sipscope.test");
    assert_eq!(x["state"], "completed");
    assert_eq!(x["transferred_from"]["match"], "replaces");
}

#[test]
fn refer_pending_cut() {
    let doc = export(&captures("refer-pending-cut.pcap"));
    let a = call(&doc, "rfc5589-basic-transfer@sipscope.test");
    assert_eq!(a["state"], "answered");
    let t = &a["transfers"][0];
    assert_eq!(
        (
            t["refer_frame"].as_u64(),
            t["outcome"].as_str(),
            t["final_status"].as_u64()
        ),
        (Some(6), Some("pending"), None)
    );
    assert_eq!(ints(&t["progress"]), [100]);
    assert_eq!(
        call(&doc, "xfer-rfc5589-basic-transfer@sipscope.test")["state"],
        "ringing"
    );
}

#[test]
fn fork_parallel_proxy() {
    let doc = export(&captures("fork-parallel-proxy.pcap"));
    let c = call(&doc, "fork-parallel-proxy@sipscope.test");
    assert_eq!(c["state"], "completed");
    // the proxy's CANCEL to carol's branch is not the caller's
    assert_eq!(flags(c), ["forked"]);
    assert!(retransmitted_frames(c).is_empty());
    let legs: Vec<(&str, &str)> = c["legs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["a"].as_str().unwrap(), l["b"].as_str().unwrap()))
        .collect();
    assert_eq!(
        legs,
        [
            ("10.10.0.1", "10.10.0.11"),
            ("10.10.0.11", "10.10.0.2"),
            ("10.10.0.11", "10.10.0.3")
        ]
    );
    let d = c["dialogs"].as_array().unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(
        (
            d[0]["to_tag"].as_str(),
            d[0]["state"].as_str(),
            d[0]["confirmed_frame"].as_u64()
        ),
        (
            Some("fork-parallel-proxy-bob-1"),
            Some("terminated"),
            Some(11)
        )
    );
    assert_eq!(
        (
            d[1]["to_tag"].as_str(),
            d[1]["state"].as_str(),
            d[1]["confirmed_frame"].as_u64()
        ),
        (
            Some("fork-parallel-proxy-carol-1"),
            Some("terminated"),
            None
        )
    );
    // the proxy's INVITE to carol ends 487, acknowledged in its own transaction
    let carol = c["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["method"] == "INVITE" && t["final_status"] == 487)
        .expect("carol's INVITE transaction");
    assert_eq!(
        (
            carol["final_frame"].as_u64(),
            carol["ack_frame"].as_u64(),
            carol["cancelled_by"].is_u64()
        ),
        (Some(17), Some(18), true)
    );
    // on alice's hop: INVITE 1, first 180 8, 200 12, ACK 13, BYE 19, 200 22
    assert_timings(
        c,
        Some(between("1795733784.372772", "1795733784.376449")),
        Some(between("1795733784.372772", "1795733784.528303")),
        Some(between("1795733784.528303", "1795733784.528761")),
        Some(between("1795733784.528303", "1795733785.532054")),
        Some(between("1795733785.532054", "1795733785.532506")),
    );
}

#[test]
fn rfc3665_flows() {
    // §3.1 direct
    let doc = export(&captures("rfc3665-3.1-successful.pcap"));
    let c = call(&doc, "rfc3665-3.1-successful@sipscope.test");
    assert_eq!(
        (c["state"].as_str(), c["messages"].as_array().unwrap().len()),
        (Some("completed"), 7)
    );
    assert!(flags(c).is_empty());
    // §3.2 407 then two record-routing proxies: three legs, copies are not retransmissions
    let doc = export(&captures("rfc3665-3.2-two-proxies.pcap"));
    let c = call(&doc, "rfc3665-3.2-two-proxies@sipscope.test");
    assert_eq!(c["state"], "completed");
    assert_eq!(flags(c), ["auth-challenged"]);
    assert_eq!(c["legs"].as_array().unwrap().len(), 3);
    let depth: Vec<u64> = each_u64(&c["legs"], "via_depth");
    assert_eq!(depth, [1, 2, 3]);
    assert!(retransmitted_frames(c).is_empty());
    assert_eq!(
        c["participants"]["callee"]["user_agent"],
        "sipscope-captures bob (SIPp)"
    );
    // PDD: INVITE 1 -> 407 2; SRD: INVITE 4 -> 180 12 on alice's hop; setup -> 200 15
    assert_eq!(
        us(&c["timings"]["pdd"]),
        Some(between("1795733791.888467", "1795733791.888950"))
    );
    assert_eq!(
        us(&c["timings"]["srd"]),
        Some(between("1795733791.890155", "1795733791.892919"))
    );
    assert_eq!(
        us(&c["timings"]["setup"]),
        Some(between("1795733791.890155", "1795733792.044600"))
    );
    assert_eq!(
        us(&c["timings"]["sdd"]),
        Some(between("1795733793.047851", "1795733793.048588"))
    );
    // §3.3 407 from each proxy, the third INVITE decides
    let doc = export(&captures("rfc3665-3.3-multiple-proxy-auth.pcap"));
    let c = call(&doc, "rfc3665-3.3-multiple-proxy-auth@sipscope.test");
    assert_eq!(
        (c["state"].as_str(), c["final_status"].as_u64()),
        (Some("completed"), Some(200))
    );
    assert!(flags(c).contains(&"auth-challenged"));
    // §3.6 302 from a redirect server, then CSeq 2 through proxy 2
    let doc = export(&captures("rfc3665-3.6-redirect-sdp-in-ack.pcap"));
    let c = call(&doc, "rfc3665-3.6-redirect-sdp-in-ack@sipscope.test");
    assert_eq!(
        (c["state"].as_str(), c["final_status"].as_u64()),
        (Some("completed"), Some(200))
    );
    // §3.8-3.11 unsuccessful
    let doc = export(&captures("rfc3665-unsuccessful.pcap"));
    let c = call(&doc, "rfc3665-3.8-no-answer@sipscope.test");
    assert_eq!(
        (c["state"].as_str(), c["final_status"].as_u64()),
        (Some("cancelled"), Some(487))
    );
    assert_eq!(flags(c), ["cancel-sent"]);
    // three CANCEL transactions, one per hop, each answered 200
    let cancels: Vec<u64> = c["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["method"] == "CANCEL")
        .map(|t| t["final_frame"].as_u64().unwrap())
        .collect();
    assert_eq!(cancels, [13, 15, 14]);
    let c = call(&doc, "rfc3665-3.9-busy@sipscope.test");
    assert_eq!(
        (c["state"].as_str(), c["final_status"].as_u64()),
        (Some("busy"), Some(486))
    );
    // no response from bob: proxy 2 resends (43, 45, 47), then answers 480
    let c = call(&doc, "rfc3665-3.10-no-response@sipscope.test");
    assert_eq!(
        (c["state"].as_str(), c["final_status"].as_u64()),
        (Some("rejected"), Some(480))
    );
    assert_eq!(retransmitted_frames(c), [43, 45, 47]);
    assert!(flags(c).contains(&"unanswered-requests"));
    let c = call(&doc, "rfc3665-3.11-unavailable@sipscope.test");
    assert_eq!(
        (c["state"].as_str(), c["final_status"].as_u64()),
        (Some("rejected"), Some(480))
    );
}

#[test]
fn rfc3665_3_4_proxy_failure() {
    let doc = export(&captures("rfc3665-3.4-proxy-failure.pcap"));
    assert_eq!(doc["counters"]["messages"], 24);
    assert_eq!(doc["counters"]["retransmissions"], 6);
    let c = call(&doc, "rfc3665-3.4-proxy-failure@sipscope.test");
    assert_eq!(
        (
            c["state"].as_str(),
            c["final_status"].as_u64(),
            c["hangup"].as_str()
        ),
        (Some("completed"), Some(200), Some("caller"))
    );
    assert_eq!(
        flags(c),
        ["auth-challenged", "unanswered-requests", "retransmissions"]
    );
    assert_eq!(frames(c), (1..=24).collect::<Vec<u64>>());
    // F1-F7: one INVITE to the silent proxy 1, sent again at +0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s
    assert_eq!(retransmitted_frames(c), [2, 3, 4, 5, 6, 7]);
    let msgs = c["messages"].as_array().unwrap();
    assert!(msgs[..7].iter().all(|m| m["transaction"] == 0));
    let legs: Vec<(&str, &str, u64, u64)> = c["legs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["a"].as_str().unwrap(),
                l["b"].as_str().unwrap(),
                l["first_frame"].as_u64().unwrap(),
                l["messages"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        legs,
        [
            ("10.10.0.1", "10.10.0.11", 1, 7),
            ("10.10.0.1", "10.10.0.12", 8, 10),
            ("10.10.0.12", "10.10.0.2", 13, 7)
        ]
    );
    // transactions: (method, cseq, request frame, retransmissions, final, final frame, ACK)
    type Row<'a> = (
        &'a str,
        u64,
        u64,
        u64,
        Option<u64>,
        Option<u64>,
        Option<u64>,
    );
    let tx: Vec<Row> = c["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["method"].as_str().unwrap(),
                t["cseq"].as_u64().unwrap(),
                t["request_frame"].as_u64().unwrap(),
                t["retransmissions"].as_u64().unwrap(),
                t["final_status"].as_u64(),
                t["final_frame"].as_u64(),
                t["ack_frame"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        tx,
        [
            // to proxy 1: never answered, no final response
            ("INVITE", 1, 1, 6, None, None, None),
            // failover to proxy 2: challenged
            ("INVITE", 2, 8, 0, Some(407), Some(9), Some(10)),
            // with credentials: the one that got the 200, on alice's hop and on bob's
            ("INVITE", 3, 11, 0, Some(200), Some(18), None),
            ("INVITE", 3, 13, 0, Some(200), Some(17), None),
            ("ACK", 3, 19, 0, None, None, None),
            ("ACK", 3, 20, 0, None, None, None),
            ("BYE", 4, 21, 0, Some(200), Some(24), None),
            ("BYE", 4, 22, 0, Some(200), Some(23), None),
        ]
    );
    assert_eq!(
        c["transactions"][0]["branch"],
        "z9hG4bK-1-inv1-rfc3665-3.4-proxy-failure"
    );
    assert_eq!(c["transactions"][0]["expects_response"], true);
    assert!(c["transactions"][0]["response_time"].is_null());
    assert_eq!(
        c["transactions"][2]["branch"],
        "z9hG4bK-1-inv3-rfc3665-3.4-proxy-failure"
    );
    // the 407 (kamailio's To tag) and bob's confirmed dialog
    let d = c["dialogs"].as_array().unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(
        (
            d[1]["to_tag"].as_str(),
            d[1]["state"].as_str(),
            d[1]["created_frame"].as_u64(),
            d[1]["confirmed_frame"].as_u64(),
            d[1]["terminated_frame"].as_u64()
        ),
        (
            Some("rfc3665-3.4-proxy-failure-bob-1"),
            Some("terminated"),
            Some(11),
            Some(17),
            Some(21)
        )
    );
    assert_eq!(
        (
            d[0]["state"].as_str(),
            d[0]["confirmed_frame"].as_u64(),
            d[0]["terminated_frame"].as_u64()
        ),
        (Some("terminated"), None, Some(9))
    );
    assert!(c["session_changes"].as_array().unwrap().is_empty());
    // the callee's user agent is bob's (200), not proxy 2's (the 407's Server header)
    assert_eq!(
        c["participants"]["callee"]["user_agent"],
        "sipscope-captures bob (SIPp)"
    );
    assert_eq!(
        c["participants"]["callee"]["tag"],
        "rfc3665-3.4-proxy-failure-bob-1"
    );
    // PDD: F1 -> the 407 (9), 32 s of Timer B included; SRD: INVITE 11 -> 180 16; setup
    // -> 200 18; ACK 19; BYE 21 -> 200 24
    assert_eq!(
        us(&c["timings"]["pdd"]),
        Some(between("1795744345.324196", "1795744377.354679"))
    );
    assert_timings(
        c,
        Some(between("1795744377.355961", "1795744377.358211")),
        Some(between("1795744377.355961", "1795744377.512501")),
        Some(between("1795744377.512501", "1795744377.512700")),
        Some(between("1795744377.512501", "1795744378.516367")),
        Some(between("1795744378.516367", "1795744378.516877")),
    );
    // Timer B: the failover INVITE leaves 32 s (64*T1) after F1
    let t = |i: usize| us(&msgs[i]["time"]).unwrap();
    assert_eq!(
        t(7) - t(0),
        between("1795744345.324196", "1795744377.353790")
    );
    assert!((32_000_000..32_100_000).contains(&(t(7) - t(0))));
    let m = &doc["metrics"];
    assert_eq!(
        (m["session_attempts"].as_u64(), m["answered"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn rfc3665_3_5_sip_alg() {
    // alice 192.168.1.10 behind a NAT router whose SIP ALG (Linux nf_nat_sip) rewrites the
    // addresses to 10.10.0.31: every message on both sides, two legs, one dialog
    let doc = export(&captures("rfc3665-3.5-sip-alg.pcap"));
    assert_eq!(doc["counters"]["messages"], 14);
    assert_eq!(doc["counters"]["retransmissions"], 0);
    let c = call(&doc, "rfc3665-3.5-sip-alg@sipscope.test");
    assert_eq!(
        (
            c["state"].as_str(),
            c["final_status"].as_u64(),
            c["hangup"].as_str()
        ),
        (Some("completed"), Some(200), Some("caller"))
    );
    assert!(flags(c).is_empty(), "{:?}", flags(c));
    assert!(retransmitted_frames(c).is_empty());
    let legs: Vec<(&str, &str, u64, u64, u64)> = c["legs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["a"].as_str().unwrap(),
                l["b"].as_str().unwrap(),
                l["first_frame"].as_u64().unwrap(),
                l["messages"].as_u64().unwrap(),
                l["via_depth"].as_u64().unwrap(),
            )
        })
        .collect();
    // the ALG adds no Via: both sides are one Via deep
    assert_eq!(
        legs,
        [
            ("192.168.1.10", "10.10.0.2", 1, 7, 1),
            ("10.10.0.31", "10.10.0.2", 2, 7, 1)
        ]
    );
    let leg_of: Vec<u64> = each_u64(&c["messages"], "leg");
    assert_eq!(leg_of, [0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0]);
    let d = c["dialogs"].as_array().unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(
        nums(
            &d[0],
            ["created_frame", "confirmed_frame", "terminated_frame"]
        ),
        [Some(1), Some(7), Some(11)]
    );
    // one transaction per side: Via sent-by rewritten by the ALG
    type Row<'a> = (&'a str, &'a str, u64, Option<u64>, Option<u64>);
    let tx: Vec<Row> = c["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["method"].as_str().unwrap(),
                t["sent_by"].as_str().unwrap(),
                t["request_frame"].as_u64().unwrap(),
                t["final_status"].as_u64(),
                t["final_frame"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        tx,
        [
            ("INVITE", "192.168.1.10:5060", 1, Some(200), Some(8)),
            ("INVITE", "10.10.0.31:5060", 2, Some(200), Some(7)),
            ("ACK", "192.168.1.10:5060", 9, None, None),
            ("ACK", "10.10.0.31:5060", 10, None, None),
            ("BYE", "192.168.1.10:5060", 11, Some(200), Some(14)),
            ("BYE", "10.10.0.31:5060", 12, Some(200), Some(13)),
        ]
    );
    assert_eq!(c["participants"]["caller"]["uri"], "sip:alice@192.168.1.10");
    // PDD from alice's own INVITE (1) to the 180 she got (6); SRD and setup on the leg of
    // the deciding INVITE, the ALG's copy (2 -> 180 5, -> 200 7); ACK 9, BYE 11 -> 200 14
    assert_eq!(
        us(&c["timings"]["pdd"]),
        Some(between("1795744654.380524", "1795744654.382030"))
    );
    assert_timings(
        c,
        Some(between("1795744654.380625", "1795744654.382009")),
        Some(between("1795744654.380625", "1795744654.536205")),
        Some(between("1795744654.536205", "1795744654.536429")),
        Some(between("1795744654.536205", "1795744655.539717")),
        Some(between("1795744655.539717", "1795744655.539932")),
    );
}

#[test]
fn rfc3665_3_7_reinvite_ip_change() {
    let doc = export(&captures("rfc3665-3.7-reinvite-ip-change.pcap"));
    assert_eq!(doc["counters"]["messages"], 10);
    let c = call(&doc, "rfc3665-3.7-reinvite-ip-change@sipscope.test");
    assert_eq!(
        (
            c["state"].as_str(),
            c["final_status"].as_u64(),
            c["hangup"].as_str()
        ),
        (Some("completed"), Some(200), Some("callee"))
    );
    assert!(flags(c).is_empty(), "{:?}", flags(c));
    assert!(retransmitted_frames(c).is_empty());
    assert_eq!(frames(c), (1..=10).collect::<Vec<u64>>());
    // alice's old address, then her new one: the same hop seen from two addresses
    let legs: Vec<(&str, &str, u64)> = c["legs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["a"].as_str().unwrap(),
                l["b"].as_str().unwrap(),
                l["first_frame"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        legs,
        [
            ("10.10.0.1", "10.10.0.2", 1),
            ("10.10.0.21", "10.10.0.2", 6)
        ]
    );
    // one dialog throughout: the re-INVITE from the new address belongs to it
    let d = c["dialogs"].as_array().unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(
        nums(
            &d[0],
            ["created_frame", "confirmed_frame", "terminated_frame"]
        ),
        [Some(1), Some(4), Some(9)]
    );
    assert!(
        c["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["dialog"] == 0)
    );
    type Row<'a> = (&'a str, u64, &'a str, u64, Option<u64>, Option<u64>);
    let tx: Vec<Row> = c["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["method"].as_str().unwrap(),
                t["cseq"].as_u64().unwrap(),
                t["sent_by"].as_str().unwrap(),
                t["request_frame"].as_u64().unwrap(),
                t["final_status"].as_u64(),
                t["final_frame"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        tx,
        [
            ("INVITE", 1, "10.10.0.1:5060", 1, Some(200), Some(4)),
            ("ACK", 1, "10.10.0.1:5060", 5, None, None),
            ("INVITE", 2, "10.10.0.21:5060", 6, Some(200), Some(7)),
            ("ACK", 2, "10.10.0.21:5060", 8, None, None),
            ("BYE", 1, "10.10.0.2:5060", 9, Some(200), Some(10)),
        ]
    );
    // the re-INVITE: sent by the caller in the confirmed dialog, SDP moving the media to
    // the new address, answered 200
    let s = c["session_changes"].as_array().unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(
        nums(&s[0], ["frame", "cseq", "status", "status_frame"]),
        [Some(6), Some(2), Some(200), Some(7)]
    );
    assert_eq!(
        (
            s[0]["method"].as_str(),
            s[0]["sender"].as_str(),
            s[0]["dialog_state"].as_str(),
            s[0]["with_sdp"].as_bool()
        ),
        (
            Some("INVITE"),
            Some("caller"),
            Some("confirmed"),
            Some(true)
        )
    );
    assert_eq!(s[0]["sdp"]["address"], "10.10.0.21");
    assert_eq!(s[0]["sdp"]["direction"], "sendrecv");
    assert_eq!(strs(&s[0]["sdp"]["media"]), ["audio 49170 RTP/AVP 0"]);
    assert_eq!(
        us(&c["transactions"][2]["response_time"]),
        Some(between("1795744188.031973", "1795744188.032310"))
    );
    // INVITE 1 -> 180 3; -> 200 4; ACK 5; BYE 9 (bob, to the new Contact) -> 200 10
    assert_eq!(
        us(&c["timings"]["pdd"]),
        Some(between("1795744186.868713", "1795744186.870216"))
    );
    assert_timings(
        c,
        Some(between("1795744186.868713", "1795744186.870216")),
        Some(between("1795744186.868713", "1795744187.024510")),
        Some(between("1795744187.024510", "1795744187.024672")),
        Some(between("1795744187.024510", "1795744189.040259")),
        Some(between("1795744189.040259", "1795744189.040417")),
    );
}

#[test]
fn derived_captures_keep_their_states() {
    for name in [
        "tcp-retrans-reorder.pcap",
        "tcp-two-messages-one-segment.pcap",
        "basic-call-tcp-segmented.pcap",
    ] {
        let doc = export(&captures(name));
        for id in [
            "basic-call-tcp-segmented-1@sipscope.test",
            "basic-call-tcp-segmented-2@sipscope.test",
        ] {
            let c = call(&doc, id);
            assert_eq!(
                (c["state"].as_str(), c["messages"].as_array().unwrap().len()),
                (Some("completed"), 7),
                "{name} {id}"
            );
            assert!(
                retransmitted_frames(c).is_empty(),
                "{name}: TCP retransmissions are not SIP ones"
            );
        }
    }
    // the 200 OK is lost (a missing fragment): the ACK and BYE still show the answer
    for (name, id) in [
        (
            "ipv4-frag-reorder-missing.pcap",
            "basic-call-udp-bigfrag-1@sipscope.test",
        ),
        (
            "ipv6-frag-reorder-missing.pcap",
            "basic-call-ipv6-udp-frag-1@sipscope.test",
        ),
    ] {
        let doc = export(&captures(name));
        let c = call(&doc, id);
        assert_eq!(c["state"], "completed", "{name}");
        assert_eq!(c["final_status"], Value::Null, "{name}");
        assert!(flags(c).contains(&"answer-not-captured"), "{name}");
        assert_eq!(c["messages"].as_array().unwrap().len(), 6, "{name}");
    }
    // both messages of one datagram are read and analysed
    let doc = export(&captures("udp-two-messages-one-datagram.pcap"));
    let c = call(&doc, "presence-1@sipscope.test");
    assert_eq!(c["state"], "terminated");
    let on_frame_10: Vec<&Value> = c["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["frame"] == 10)
        .collect();
    assert_eq!(on_frame_10.len(), 2);
    assert_eq!(c["subscriptions"][0]["notifies"], 2);
}
