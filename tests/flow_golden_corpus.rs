//! Golden tests of the call-flow engine on the public corpus (`../shared/corpus/pcaps`).
//! Every expected value was read off the capture with tshark
//! (`tshark -r X -Y sip -T fields -e frame.number -e frame.time_epoch -e sip.Method
//! -e sip.Status-Code -e sip.CSeq -e sip.from.tag -e sip.to.tag -e sip.RSeq -e sip.RAck ...`;
//! tcp6060 needs `-d tcp.port==6060,sip`) and is asserted one by one: states, flags,
//! timings to the microsecond, PRACK pairs and transfer outcomes with their frames.

mod export_support;

use export_support::*;
use serde_json::Value;

#[test]
fn prack_call_with_rtp() {
    let doc = export(&corpus("prack-call-with-rtp.pcap"));
    assert_eq!(doc["calls"].as_array().unwrap().len(), 1);
    let c = call(&doc, "1907983263271201083544@10.33.6.101");
    assert_eq!(c["kind"], "call");
    assert_eq!(c["state"], "completed");
    assert_eq!(c["final_status"], 200);
    assert_eq!(c["hangup"], "callee"); // BYE frame 258 from 10.33.6.100, From tag = the To tag
    assert!(flags(c).is_empty(), "{:?}", flags(c));
    assert_eq!(frames(c), [1, 2, 3, 4, 5, 6, 7, 258, 259]);
    assert!(retransmitted_frames(c).is_empty());
    // INVITE 105.417810, 180 105.508290, 200 107.461324, ACK 107.496549, BYE 112.333833, 200 112.382576
    assert_timings(
        c,
        Some(90_480),
        Some(2_043_514),
        Some(35_225),
        Some(4_872_509),
        Some(48_743),
    );
    assert_eq!(us(&c["timings"]["pdd"]), Some(90_480));
    // Reason: Q.850 ;cause=16 ;text="local" on the BYE
    assert_eq!(c["reason"]["frame"], 258);
    assert_eq!(c["reason"]["protocol"], "Q.850");
    assert_eq!(c["reason"]["cause"], 16);
    assert_eq!(c["reason"]["text"], "local");
    // the 180 (RSeq 1, Require: 100rel) and its PRACK (RAck 1 1 INVITE)
    let p = c["prack"].as_array().unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0]["rseq"], 1);
    assert_eq!(p[0]["status"], 180);
    assert_eq!(p[0]["response_frame"], 3);
    assert_eq!(p[0]["prack_frame"], 4);
    assert_eq!(p[0]["rack"], "1 1 INVITE");
    assert_eq!(p[0]["prack_status"], 200);
    assert_eq!(p[0]["prack_response_frame"], 5);
    assert_eq!(p[0]["acknowledged"], true);
    assert!(p[0]["problems"].as_array().unwrap().is_empty());
    assert_eq!(us(&p[0]["prack_delay"]), Some(23_468));
    assert_eq!(us(&p[0]["prack_response_delay"]), Some(23_361));
    // one dialog, confirmed by the 200 (frame 6), ended by the BYE (frame 258)
    let d = &c["dialogs"][0];
    assert_eq!(
        (d["from_tag"].as_str(), d["to_tag"].as_str()),
        (Some("1c1907983840"), Some("1c866624559"))
    );
    assert_eq!(
        (
            d["state"].as_str(),
            d["confirmed_frame"].as_u64(),
            d["terminated_frame"].as_u64()
        ),
        (Some("terminated"), Some(6), Some(258))
    );
    // INVITE, PRACK, ACK, BYE transactions
    let methods: Vec<&str> = each_str(&c["transactions"], "method");
    assert_eq!(methods, ["INVITE", "PRACK", "ACK", "BYE"]);
    let m = &doc["metrics"];
    assert_eq!(
        (
            m["session_attempts"].as_u64(),
            m["ser"].as_f64(),
            m["scr"].as_f64()
        ),
        (Some(1), Some(100.0), Some(100.0))
    );
}

#[test]
fn sll_ipv6_frag_forked_prack_update() {
    let doc = export(&corpus("sll-ipv6-frag-forked-prack-update.pcap"));
    let c = call(
        &doc,
        "71846-1647924829-397430@fd17:625c:f037:2:a00:27ff:feb9:1521",
    );
    assert_eq!(c["state"], "completed");
    assert_eq!(c["hangup"], "caller");
    let f = flags(c);
    for want in [
        "forked",
        "prack-problems",
        "answered-without-ack",
        "retransmissions",
    ] {
        assert!(f.contains(&want), "{want} in {f:?}");
    }
    // caller <-> proxy (1 Via) and proxy <-> UAS (2 Vias): copies are not retransmissions;
    // only the UAS's resent 200 (frame 27, same hop as frame 26) is
    let legs = c["legs"].as_array().unwrap();
    assert_eq!(legs.len(), 2);
    assert_eq!(
        (legs[0]["via_depth"].as_u64(), legs[1]["via_depth"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(retransmitted_frames(c), [27]);
    // measured on the caller's hop: INVITE 0.000010, 183 0.323079, 200 4.604570,
    // ACK 4.604974, BYE 164.607831, 200 164.614022
    assert_timings(
        c,
        Some(323_069),
        Some(4_604_560),
        Some(404),
        Some(160_003_261),
        Some(6_191),
    );
    // two early dialogs (To tags ...0171847 and ...0271847)
    let d = c["dialogs"].as_array().unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(d[0]["to_tag"], "1632476SIPpTag0171847");
    assert_eq!(d[1]["to_tag"], "1632476SIPpTag0271847");
    // PRACK: fork 1's 183 (RSeq 1, frame 6) got a PRACK whose RAck says "1 2 INVITE" while
    // the INVITE's CSeq is 1: it is never acknowledged, and the 200 with its To tag
    // (frame 28) came while it was unacknowledged. Fork 2's 183 (RSeq 2, frame 16) was
    // PRACKed correctly (frame 18, answered 200 in frame 20).
    let p = c["prack"].as_array().unwrap();
    assert_eq!(p.len(), 3);
    assert_eq!(
        nums(&p[0], ["rseq", "status", "response_frame"]),
        [Some(1), Some(183), Some(6)]
    );
    assert_eq!(p[0]["to_tag"], "1632476SIPpTag0171847");
    assert_eq!(p[0]["prack_frame"], Value::Null);
    assert_eq!(p[0]["acknowledged"], false);
    assert_eq!(
        strs(&p[0]["problems"]),
        ["final-before-prack", "never-pracked"]
    );
    assert_eq!(
        nums(&p[1], ["rseq", "status", "response_frame"]),
        [Some(1), None, None]
    );
    assert_eq!(
        nums(
            &p[1],
            ["prack_frame", "prack_status", "prack_response_frame"]
        ),
        [Some(8), Some(200), Some(10)]
    );
    assert_eq!(p[1]["rack"], "1 2 INVITE");
    assert_eq!(strs(&p[1]["problems"]), ["rack-cseq-mismatch"]);
    assert_eq!(
        nums(&p[2], ["rseq", "status", "response_frame"]),
        [Some(2), Some(183), Some(16)]
    );
    assert_eq!(
        nums(
            &p[2],
            ["prack_frame", "prack_status", "prack_response_frame"]
        ),
        [Some(18), Some(200), Some(20)]
    );
    assert_eq!(p[2]["acknowledged"], true);
    assert!(p[2]["problems"].as_array().unwrap().is_empty());
    // two early UPDATEs, both answered 200
    let u = c["session_changes"].as_array().unwrap();
    assert_eq!(u.len(), 2);
    for (x, (frame, status_frame)) in u.iter().zip([(12, 14), (22, 24)]) {
        assert_eq!(x["method"], "UPDATE");
        assert_eq!(x["dialog_state"], "early");
        assert_eq!(
            nums(x, ["frame", "status", "status_frame"]),
            [Some(frame), Some(200), Some(status_frame)]
        );
    }
}

#[test]
fn refer_blind_transfer_notify_sipfrag_488() {
    let doc = export(&corpus("refer-blind-transfer-notify-sipfrag-488.pcap"));
    assert_eq!(doc["calls"].as_array().unwrap().len(), 2);
    let a = call(&doc, "673b0437-dc3f99dd-699f99a7-92fd8066@192.168.5.10");
    let b = call(&doc, "f49fa0af-e84c7379-6649d13e-60bbc1c9@192.168.5.10");
    // the transferor's call: REFER (no Via branch: RFC 2543 matching) from the callee
    assert_eq!(a["state"], "completed");
    assert_eq!(a["hangup"], "callee");
    assert_eq!(retransmitted_frames(a), [599, 601]); // BYE and its 200 resent
    assert!(flags(a).contains(&"transferred"));
    assert_timings(
        a,
        Some(90_973),
        Some(90_973),
        Some(134_955),
        Some(5_945_679),
        Some(494_033),
    );
    let t = &a["transfers"][0];
    assert_eq!(a["transfers"].as_array().unwrap().len(), 1);
    assert_eq!(t["refer_frame"], 551);
    assert_eq!(t["refer_cseq"], 1);
    assert_eq!(t["in_dialog"], true);
    assert_eq!(t["referrer"], "callee");
    assert_eq!(t["refer_to"], "sip:204@192.168.5.11");
    assert_eq!(t["referred_by"], "sip:0@192.168.5.11");
    assert_eq!(t["attended"], false);
    assert_eq!(
        nums(t, ["refer_status", "refer_status_frame"]),
        [Some(202), Some(589)]
    );
    // NOTIFY (Event: refer;id=1) sipfrag 100 Trying (frame 593) and 180 Ringing (597), both
    // answered 488; no final sipfrag, subscription still active: pending
    assert_eq!(ints(&t["progress"]), [100, 180]);
    let n = t["notifies"].as_array().unwrap();
    assert_eq!(n.len(), 2);
    assert_eq!(
        nums(&n[0], ["frame", "sipfrag_status", "response_status"]),
        [Some(593), Some(100), Some(488)]
    );
    assert_eq!(
        nums(&n[1], ["frame", "sipfrag_status", "response_status"]),
        [Some(597), Some(180), Some(488)]
    );
    assert_eq!(n[0]["subscription_state"], "active");
    assert_eq!(t["outcome"], "pending");
    assert_eq!(t["final_status"], Value::Null);
    // the triggered INVITE (frame 581, another Call-ID) carries the same Referred-By and
    // the Refer-To URI as Request-URI: linked both ways
    assert_eq!(
        t["target_call_id"],
        "f49fa0af-e84c7379-6649d13e-60bbc1c9@192.168.5.10"
    );
    assert_eq!(t["target_match"], "referred-by-and-uri");
    assert_eq!(
        b["transferred_from"]["call_id"],
        "673b0437-dc3f99dd-699f99a7-92fd8066@192.168.5.10"
    );
    assert_eq!(b["transferred_from"]["refer_frame"], 551);
    assert_eq!(b["transferred_from"]["match"], "referred-by-and-uri");
    // the new call: Asterisk answers 180 with two To tags, the target answers 200
    assert_eq!(b["state"], "completed");
    assert_eq!(b["hangup"], "callee");
    assert_eq!(flags(b), ["forked", "transfer-target"]);
    assert_eq!(b["legs"].as_array().unwrap().len(), 2);
    assert_timings(
        b,
        Some(15_248),
        Some(2_803_750),
        Some(151_181),
        Some(6_856_875),
        Some(151_345),
    );
    assert_eq!(doc["counters"]["transfers_linked"], 1);
}

#[test]
fn proxy_call_both_legs() {
    let doc = export(&corpus("proxy-call-both-legs.pcap"));
    let c = call(&doc, "75104938772201062721@10.33.6.101");
    assert_eq!(c["state"], "completed");
    assert_eq!(c["hangup"], "callee"); // BYE from 10.33.6.100 (the UAS)
    assert!(flags(c).is_empty(), "{:?}", flags(c));
    // UAC<->proxy, proxy<->UAS, and UAC<->UAS for the ACK and BYE that skip the proxy
    let legs = c["legs"].as_array().unwrap();
    let ends: Vec<(&str, &str, u64)> = legs
        .iter()
        .map(|l| {
            (
                l["a"].as_str().unwrap(),
                l["b"].as_str().unwrap(),
                l["via_depth"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ends,
        [
            ("10.33.6.101", "10.33.6.102", 1),
            ("10.33.6.102", "10.33.6.100", 2),
            ("10.33.6.101", "10.33.6.100", 1)
        ]
    );
    let leg_of: Vec<u64> = each_u64(&c["messages"], "leg");
    assert_eq!(leg_of, [0, 0, 1, 1, 1, 0, 1, 0, 2, 2, 2]);
    assert!(
        retransmitted_frames(c).is_empty(),
        "copies on the second leg are not retransmissions"
    );
    // two INVITE transactions (one per hop), the ACK's, the BYE's
    let tx = c["transactions"].as_array().unwrap();
    assert_eq!(tx.len(), 4);
    assert_eq!(
        (tx[0]["branch"].as_str(), tx[0]["final_frame"].as_u64()),
        (Some("z9hG4bKac751052981"), Some(8))
    );
    assert_eq!(
        (tx[1]["branch"].as_str(), tx[1]["final_frame"].as_u64()),
        (Some("z9hG4bKac49822475"), Some(7))
    );
    // on the caller's hop: INVITE .454022, 180 .575615, 200 51.179161, ACK 51.201173,
    // BYE 53.411284, 200 53.424145
    assert_timings(
        c,
        Some(121_593),
        Some(725_139),
        Some(22_012),
        Some(2_232_123),
        Some(12_861),
    );
    assert_eq!(c["dialogs"].as_array().unwrap().len(), 1);
}

#[test]
fn register_invite_cancel_auth_udp() {
    let doc = export(&corpus("register-invite-cancel-auth-udp.pcap"));
    // REGISTER storm with 401s, one 403, then a 200 (frame 18); 500 s later four more
    // REGISTERs, all challenged: two records of one Call-ID (each registration exchange is
    // a record once it has been quiet for the linger time)
    let r = records(&doc, "578222729-4665d775@578222732-4665d772");
    assert_eq!(r.len(), 2);
    assert_eq!(
        (
            r[0]["kind"].as_str(),
            r[0]["state"].as_str(),
            r[0]["final_status"].as_u64()
        ),
        (Some("registration"), Some("registered"), Some(200))
    );
    assert_eq!(frames(r[0]), (1..=18).collect::<Vec<u64>>());
    let reg = &r[0]["registration"];
    assert_eq!(
        nums(reg, ["attempts", "auth_challenges", "successes"]),
        [Some(8), Some(6), Some(1)]
    );
    assert_eq!(
        nums(reg, ["registered_frame", "expires", "result"]),
        [Some(18), Some(1200), Some(200)]
    );
    assert_eq!(reg["aor"], "sip:voi18063@sip.cybercity.dk");
    // RRD: the round that succeeded began at frame 14 (366.066160; the previous final
    // response was 73 s earlier) and ended with the 200 at 383.562669
    assert_eq!(us(&r[0]["timings"]["rrd"]), Some(17_496_509));
    assert_eq!(
        (r[1]["state"].as_str(), r[1]["final_status"].as_u64()),
        (Some("challenged"), Some(401))
    );
    assert_eq!(frames(r[1]), [45, 46, 47, 48, 49, 50, 51, 52]);
    assert_eq!(r[1]["registration"]["auth_challenges"], 4);
    assert_eq!(r[1]["timings"]["rrd"], Value::Null);
    let r2 = records(&doc, "29858147-465b0752@29858051-465b07b2");
    assert_eq!(r2.len(), 2);
    assert_eq!(r2[0]["state"], "challenged"); // CSeq 4 (frame 63) got 401, after a 200 (frame 57)
    assert_eq!(r2[0]["registration"]["registered_frame"], 57);
    assert_eq!(us(&r2[0]["timings"]["rrd"]), Some(17_545_464)); // frame 53 -> 57
    assert_eq!(r2[1]["state"], "registered"); // CSeq 6 got 200 (frame 81)
    assert_eq!(us(&r2[1]["timings"]["rrd"]), Some(17_618_603)); // frame 77 -> 81
    assert_eq!(doc["counters"]["calls_reopened"], 2);
    // INVITE resent twice, CANCEL resent 10 times, 408 to the INVITE then to the CANCEL
    let c = call(&doc, "105090259-446faf7a@192.168.1.2");
    assert_eq!(c["state"], "failed");
    assert_eq!(c["final_status"], 408);
    assert_eq!(flags(c), ["cancel-sent", "retransmissions"]);
    assert_eq!(
        retransmitted_frames(c),
        [20, 21, 24, 25, 28, 29, 30, 31, 32, 33, 34, 35]
    );
    let tx = c["transactions"].as_array().unwrap();
    assert_eq!(tx.len(), 2);
    assert_eq!(
        (
            tx[0]["method"].as_str(),
            tx[0]["final_status"].as_u64(),
            tx[0]["ack_frame"].as_u64(),
            tx[0]["retransmissions"].as_u64()
        ),
        (Some("INVITE"), Some(408), Some(27), Some(2))
    );
    assert_eq!(
        (
            tx[1]["method"].as_str(),
            tx[1]["final_status"].as_u64(),
            tx[1]["cancels"].as_u64(),
            tx[1]["retransmissions"].as_u64()
        ),
        (Some("CANCEL"), Some(408), Some(0), Some(10))
    );
    assert_eq!(us(&c["timings"]["srd"]), Some(36_772_805));
    // 407 then a retry answered 403: rejected
    for (id, pdd, srd) in [
        ("85216695-42dcdb1d@192.168.1.2", 1_654_269, 204_560),
        ("24487391-449bf2a0@192.168.1.2", 154_093, 193_853),
    ] {
        let c = call(&doc, id);
        assert_eq!(
            (c["state"].as_str(), c["final_status"].as_u64()),
            (Some("rejected"), Some(403)),
            "{id}"
        );
        assert!(flags(c).contains(&"auth-challenged"), "{id}");
        assert!(!flags(c).contains(&"forked"), "{id}");
        assert_eq!(
            (us(&c["timings"]["pdd"]), us(&c["timings"]["srd"])),
            (Some(pdd), Some(srd)),
            "{id}"
        );
    }
    // 407, retry, 183, 480 with Reason: Q.850;cause=21
    let c = call(&doc, "11894297-4432a9f8@192.168.1.2");
    assert_eq!(
        (c["state"].as_str(), c["final_status"].as_u64()),
        (Some("rejected"), Some(480))
    );
    assert_eq!(nums(&c["reason"], ["frame", "cause"]), [Some(75), Some(21)]);
    assert_eq!(
        (us(&c["timings"]["pdd"]), us(&c["timings"]["srd"])),
        (Some(157_676), Some(426_462))
    );
    // metrics: 4 attempts, none answered, one effective (480), one ineffective (408)
    let m = &doc["metrics"];
    assert_eq!(
        nums(
            m,
            ["session_attempts", "answered", "effective", "ineffective"]
        ),
        [Some(4), Some(0), Some(1), Some(1)]
    );
    assert_eq!(
        (
            m["ser"].as_f64(),
            m["seer"].as_f64(),
            m["isa"].as_f64(),
            m["scr"].as_f64()
        ),
        (Some(0.0), Some(25.0), Some(25.0), Some(0.0))
    );
    assert_eq!(m["registrations"], 3);
    assert_eq!(
        us(&m["avg_rrd"]),
        Some((17_496_509 + 17_545_464 + 17_618_603) / 3)
    );
}

#[test]
fn tcp6060_multisegment_prack_update_cancel() {
    let doc = export(&corpus("tcp6060-multisegment-prack-update-cancel.pcap"));
    let calls = doc["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 70);
    let count = |kind: &str, state: &str| {
        calls
            .iter()
            .filter(|c| c["kind"] == kind && c["state"] == state)
            .count()
    };
    assert_eq!(count("call", "completed"), 34);
    assert_eq!(count("call", "answered"), 24);
    assert_eq!(count("options", "succeeded"), 5);
    assert_eq!(count("call", "cancelled"), 2);
    assert_eq!(count("call", "ringing"), 2);
    assert_eq!(
        (
            count("call", "busy"),
            count("call", "rejected"),
            count("call", "failed")
        ),
        (1, 1, 1)
    );
    // every reliable 183 (RSeq) PRACKed in order: (Call-ID, 183 frame, PRACK frame, RSeq)
    for (id, resp, prack, rseq) in [
        ("8014f9386592e8190b15b37b77600", 453, 457, 1_915_652_476u64),
        ("0ba96366592e8180b15b37b77600", 569, 573, 263_996_411),
        ("08aa9496592e81f3b15b37b77600", 808, 812, 711_621_962),
        ("05abc5c6592e8166b25b37b77600", 1071, 1075, 768_247_230),
        ("80e81616592e819ab25b37b77600", 1171, 1175, 646_492_986),
    ] {
        let c = call(&doc, id);
        let p = c["prack"].as_array().unwrap();
        assert_eq!(p.len(), 1, "{id}");
        assert_eq!(
            nums(&p[0], ["response_frame", "prack_frame", "rseq"]),
            [Some(resp), Some(prack), Some(rseq)],
            "{id}"
        );
        assert_eq!(
            (
                p[0]["status"].as_u64(),
                p[0]["prack_status"].as_u64(),
                p[0]["acknowledged"].as_bool()
            ),
            (Some(183), Some(200), Some(true)),
            "{id}"
        );
        assert!(p[0]["problems"].as_array().unwrap().is_empty(), "{id}");
    }
    // INVITE 36.459949, 180 36.489744, CANCEL 58.715529, 200 CANCEL, 487, ACK: cancelled
    let c = call(&doc, "802220406592e81b8b15b37b77600");
    assert_eq!(
        (c["state"].as_str(), c["final_status"].as_u64()),
        (Some("cancelled"), Some(487))
    );
    assert_eq!(flags(c), ["cancel-sent"]);
    assert_eq!(us(&c["timings"]["srd"]), Some(29_795));
    // first captured message a 486 to an INVITE the capture missed: busy, joined late
    let c = call(&doc, "044e6256592e8113b15b37b77600");
    assert_eq!(c["state"], "busy");
    assert_eq!(flags(c), ["joined-late"]);
    assert_eq!(c["session_attempt"], true); // its outcome is known
    // only a BYE and its 200 were captured: not a session attempt
    let c = call(&doc, "f1f539d9-d2ff-4021-93f9-1eacf9efa359");
    assert_eq!(
        (c["state"].as_str(), c["session_attempt"].as_bool()),
        (Some("completed"), Some(false))
    );
    // an INVITE at 2.79 s with no answer in a capture that runs to 126.8 s: Timer B
    let c = call(&doc, "85b939c9-8f01-4f54-8042-a2338185f4cb");
    assert_eq!(c["state"], "failed");
    assert_eq!(flags(c), ["no-final-response", "unanswered-requests"]);
    // 183 + PRACK at 94.47 s, nothing more: still ringing when the capture ends (Timer C
    // has not run out)
    let c = call(&doc, "80e81616592e819ab25b37b77600");
    assert_eq!(c["state"], "ringing");
    // 180, 182, 180 again (a resend on the same hop), then a 200 with another To tag
    let c = call(&doc, "12734481-9c53-4d08-b07e-eda87e9950ed");
    assert_eq!(c["state"], "answered");
    assert_eq!(retransmitted_frames(c), [317]);
    assert!(flags(c).contains(&"forked"));
    let m = &doc["metrics"];
    assert_eq!(m["session_attempts"], 40);
    assert_eq!(m["answered"], 33);
}

#[test]
fn t38_fax_reinvite_488() {
    let doc = export(&corpus("t38-fax-reinvite-488.pcap"));
    let c = call(&doc, "00e9d4a500e9d48-0015-0001-0000-0000@10.35.40.25");
    // answered (frame 49), re-INVITE to T.38 refused 488, back to audio, BYE: the re-INVITEs
    // never change the call's state or final status
    assert_eq!(
        (c["state"].as_str(), c["final_status"].as_u64()),
        (Some("completed"), Some(200))
    );
    let s = c["session_changes"].as_array().unwrap();
    let rows: Vec<(u64, u64, &str, u64, u64)> = s
        .iter()
        .map(|x| {
            (
                x["frame"].as_u64().unwrap(),
                x["cseq"].as_u64().unwrap(),
                x["sender"].as_str().unwrap(),
                x["status"].as_u64().unwrap(),
                x["status_frame"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (166, 7, "callee", 200, 172),
            (1394, 3, "caller", 488, 1404),
            (1412, 4, "caller", 200, 1426)
        ]
    );
    assert_eq!(strs(&s[1]["sdp"]["media"]), ["image 16756 udptl t38"]);
    assert_eq!(strs(&s[2]["sdp"]["media"]), ["audio 16756 RTP/AVP 8 102"]);
}
