//! Engine tests from hand-written SIP text: transaction matching, every state word and
//! race, flags, timings, PRACK, transfers, registrations, subscriptions, streaming.

use std::time::Duration;

use super::Config;
use super::model::*;
use super::testkit::*;

const C: &str = "c1";

fn inv(cseq: u32, br: &str) -> String {
    rq(
        "INVITE",
        cseq,
        br,
        None,
        "Contact: <sip:alice@10.0.0.1>\nUser-Agent: PhoneA/1.0",
    )
}

/// A request of call `C` from the caller (From tag `a1`).
fn rq(method: &str, cseq: u32, br: &str, to: Option<&str>, extra: &str) -> String {
    req(method, C, cseq, br, "a1", to, extra)
}

/// A response in call `C` to a request of the caller.
fn r(status: u16, cseq: u32, method: &str, br: &str, to: Option<&str>) -> String {
    rx(status, cseq, method, br, to, "")
}

/// [`r`] with extra header lines (and a body after an empty line).
fn rx(status: u16, cseq: u32, method: &str, br: &str, to: Option<&str>, extra: &str) -> String {
    resp(status, C, cseq, method, br, "a1", to, extra)
}

/// INVITE 100 180 200 ACK, from A to B directly.
fn answered_call(f: &mut Feed) {
    f.send(0, A, B, &inv(1, "z9hG4bKi1"));
    f.send(10, B, A, &r(100, 1, "INVITE", "z9hG4bKi1", None));
    f.send(
        200,
        B,
        A,
        &rx(
            180,
            1,
            "INVITE",
            "z9hG4bKi1",
            Some("b1"),
            "Server: PhoneB/2.0",
        ),
    );
    f.send(1200, B, A, &r(200, 1, "INVITE", "z9hG4bKi1", Some("b1")));
    f.send(1250, A, B, &rq("ACK", 1, "z9hG4bKack1", Some("b1"), ""));
}

fn bye_from_caller(f: &mut Feed, at: i64) {
    f.send(
        at,
        A,
        B,
        &rq(
            "BYE",
            2,
            "z9hG4bKbye",
            Some("b1"),
            "Reason: Q.850;cause=16;text=\"Normal call clearing\"",
        ),
    );
    f.send(at + 30, B, A, &r(200, 2, "BYE", "z9hG4bKbye", Some("b1")));
}

#[test]
fn basic_call_completed_with_timings_dialog_and_transactions() {
    let mut f = Feed::new();
    answered_call(&mut f);
    bye_from_caller(&mut f, 61_250);
    let c = f.one();
    assert_eq!(c.kind, Kind::Call);
    assert_eq!(c.state, "completed");
    assert_eq!(c.final_status, Some(200));
    assert_eq!(c.final_reason.as_deref(), Some("OK"));
    assert_eq!(c.hangup, Some(Side::Caller));
    assert!(c.flags.is_empty(), "{:?}", c.flags);
    assert_eq!(c.messages.len(), 7);
    assert_eq!(c.first_frame, 1);
    assert_eq!(c.last_frame, 7);
    let t = &c.timings;
    assert_eq!(ms(t.srd), Some(200));
    assert_eq!(ms(t.pdd), Some(200));
    assert_eq!(ms(t.setup), Some(1200));
    assert_eq!(ms(t.answer_to_ack), Some(50));
    assert_eq!(ms(t.duration), Some(60_050));
    assert_eq!(ms(t.sdd), Some(30));
    let reason = c.reason.as_ref().unwrap();
    assert_eq!(
        (&*reason.protocol, reason.cause, reason.text.as_deref()),
        ("Q.850", Some(16), Some("Normal call clearing"))
    );
    assert_eq!(reason.frame, 6);
    // one dialog, confirmed by frame 4, terminated by the BYE (frame 6)
    assert_eq!(c.dialogs.len(), 1);
    let d = &c.dialogs[0];
    assert_eq!(
        (d.from_tag.as_deref(), d.to_tag.as_deref()),
        (Some("a1"), Some("b1"))
    );
    assert_eq!(
        (d.state, d.confirmed_frame, d.terminated_frame),
        (DialogState::Terminated, Some(4), Some(6))
    );
    // transactions: INVITE, ACK (to 2xx: its own), BYE
    assert_eq!(c.transactions.len(), 3);
    let ti = &c.transactions[0];
    assert_eq!(
        (&*ti.method, ti.cseq, ti.final_status, ti.final_frame),
        ("INVITE", 1, Some(200), Some(4))
    );
    assert_eq!(
        ti.provisionals
            .iter()
            .map(|p| (p.status, p.frame))
            .collect::<Vec<_>>(),
        vec![(100, 2), (180, 3)]
    );
    assert_eq!(ms(ti.response_time), Some(1200));
    assert_eq!(&*ti.sent_by, "ua.example:5060");
    assert!(!ti.rfc2543);
    let ta = &c.transactions[1];
    assert_eq!(
        (&*ta.method, ta.expects_response, ta.final_status),
        ("ACK", false, None)
    );
    assert_eq!(
        c.messages.iter().map(|m| m.transaction).collect::<Vec<_>>(),
        vec![
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(1),
            Some(2),
            Some(2)
        ]
    );
    // participants
    assert_eq!(
        c.participants.caller.uri.as_deref(),
        Some("sip:alice@a.example")
    );
    assert_eq!(c.participants.caller.display.as_deref(), Some("Alice"));
    assert_eq!(
        c.participants.caller.user_agent.as_deref(),
        Some("PhoneA/1.0")
    );
    assert_eq!(
        c.participants.callee.uri.as_deref(),
        Some("sip:bob@b.example")
    );
    assert_eq!(c.participants.callee.tag.as_deref(), Some("b1"));
    assert_eq!(
        c.participants.callee.user_agent.as_deref(),
        Some("PhoneB/2.0")
    );
    assert_eq!(c.legs.len(), 1);
    assert_eq!(c.closed, Closed::CaptureEnd);
}

#[test]
fn answered_until_bye_and_callee_hangup() {
    let mut f = Feed::new();
    answered_call(&mut f);
    f.send(
        5000,
        B,
        A,
        &req_rev("BYE", C, 1, "z9hG4bKcb", "b1", "a1", ""),
    );
    let c = f.one();
    assert_eq!(c.state, "completed");
    assert_eq!(c.hangup, Some(Side::Callee));
    assert_eq!(c.dialogs[0].state, DialogState::Terminated);
    assert!(c.flags.contains(&"unanswered-requests"));

    let mut f = Feed::new();
    answered_call(&mut f);
    assert_eq!(f.one().state, "answered");
}

#[test]
fn retransmissions_on_the_same_hop_and_copies_on_another_leg() {
    let mut f = Feed::new();
    f.send(0, A, P, &inv(1, "z9hG4bKu1"));
    f.send(500, A, P, &inv(1, "z9hG4bKu1")); // UDP resend: same hop
    // the proxy forwards with its own Via on top: another leg, another transaction
    let fwd = inv(1, "z9hG4bKp1").replacen(
        "Max-Forwards: 70",
        "Max-Forwards: 69\nVia: SIP/2.0/UDP ua.example:5060;branch=z9hG4bKu1",
        1,
    );
    f.send(510, P, B, &fwd);
    let ok_b = r(200, 1, "INVITE", "z9hG4bKp1", Some("b1"))
        + "Via: SIP/2.0/UDP ua.example:5060;branch=z9hG4bKu1";
    f.send(900, B, P, &ok_b);
    f.send(910, P, A, &r(200, 1, "INVITE", "z9hG4bKu1", Some("b1")));
    f.send(1400, P, A, &r(200, 1, "INVITE", "z9hG4bKu1", Some("b1"))); // 2xx resend
    f.send(1410, A, B, &rq("ACK", 1, "z9hG4bKa", Some("b1"), ""));
    let c = f.one();
    let flags: Vec<bool> = c.messages.iter().map(|m| m.retransmission).collect();
    assert_eq!(flags, vec![false, true, false, false, false, true, false]);
    assert_eq!(
        c.messages.iter().map(|m| m.leg).collect::<Vec<_>>(),
        vec![0, 0, 1, 1, 0, 0, 2]
    );
    assert_eq!(c.legs.len(), 3);
    assert_eq!(c.legs[0].via_depth, Some(1));
    assert_eq!(c.legs[1].via_depth, Some(2));
    assert_eq!(c.transactions[0].retransmissions, 2);
    assert_eq!(c.transactions[1].retransmissions, 0);
    assert!(c.flags.contains(&"retransmissions"));
    // the caller's own hop decides, and times are measured on it
    assert_eq!(c.state, "answered");
    assert_eq!(ms(c.timings.setup), Some(910));
    assert_eq!(c.dialogs.len(), 1);
}

#[test]
fn rfc2543_branches_fall_back_to_cseq_and_from_tag() {
    let mut f = Feed::new();
    answered_call(&mut f);
    // BYE without branch, resent; then another BYE-less-branch request with another CSeq
    let bye = rq("BYE", 2, "", Some("b1"), "");
    f.send(2000, A, B, &bye);
    f.send(2500, A, B, &bye);
    f.send(2600, B, A, &r(200, 2, "BYE", "", Some("b1")));
    f.send(2700, B, A, &r(200, 2, "BYE", "", Some("b1")));
    // legacy branch value (no cookie) reused with a new CSeq: a different transaction
    f.send(3000, A, B, &rq("INFO", 3, "1234", Some("b1"), ""));
    f.send(3010, A, B, &rq("INFO", 4, "1234", Some("b1"), ""));
    f.send(3020, B, A, &r(200, 4, "INFO", "1234", Some("b1")));
    let c = f.one();
    let bye_txn = c.messages[5].transaction.unwrap() as usize;
    assert_eq!(c.messages[6].transaction, Some(bye_txn as u32));
    assert!(c.messages[6].retransmission);
    assert_eq!(c.messages[7].transaction, Some(bye_txn as u32));
    assert!(!c.messages[7].retransmission);
    assert!(c.messages[8].retransmission);
    assert!(c.transactions[bye_txn].rfc2543);
    assert_eq!(c.transactions[bye_txn].branch, None);
    assert_eq!(c.transactions[bye_txn].final_status, Some(200));
    let info3 = c.messages[9].transaction.unwrap();
    let info4 = c.messages[10].transaction.unwrap();
    assert_ne!(info3, info4);
    assert_eq!(c.messages[11].transaction, Some(info4));
    assert_eq!(c.transactions[info3 as usize].final_status, None);
    assert!(c.flags.contains(&"unanswered-requests"));
    assert_eq!(c.state, "completed");
}

#[test]
fn ack_to_non_2xx_joins_the_invite_and_cancel_is_its_own_transaction() {
    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "z9hG4bKi"));
    f.send(100, B, A, &r(180, 1, "INVITE", "z9hG4bKi", Some("b1")));
    f.send(
        3000,
        A,
        B,
        &rq("CANCEL", 1, "z9hG4bKi", None, "Reason: SIP;cause=600"),
    );
    f.send(3010, B, A, &r(200, 1, "CANCEL", "z9hG4bKi", Some("b1")));
    f.send(3020, B, A, &r(487, 1, "INVITE", "z9hG4bKi", Some("b1")));
    f.send(3030, A, B, &rq("ACK", 1, "z9hG4bKi", Some("b1"), ""));
    let c = f.one();
    assert_eq!(c.transactions.len(), 2);
    let inv = &c.transactions[0];
    let cancel = &c.transactions[1];
    assert_eq!(&*cancel.method, "CANCEL");
    assert_eq!(cancel.final_status, Some(200));
    assert_eq!(cancel.cancels, Some(0));
    assert_eq!(inv.cancelled_by, Some(1));
    assert_eq!(inv.final_status, Some(487));
    assert_eq!(inv.ack_frame, Some(6));
    assert_eq!(c.messages[5].transaction, Some(0));
    assert_eq!(c.state, "cancelled");
    assert_eq!(c.final_status, Some(487));
    assert!(c.flags.contains(&"cancel-sent"));
    assert!(!c.flags.contains(&"unanswered-requests"));
    assert_eq!(
        c.reason.as_ref().map(|r| (&*r.protocol, r.cause)),
        Some(("SIP", Some(600)))
    );
    assert_eq!(c.dialogs[0].state, DialogState::Terminated);
    assert_eq!(c.timings.setup, None);
}

#[test]
fn cancel_losing_the_race_to_a_200_leaves_the_call_answered() {
    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "z9hG4bKi"));
    f.send(100, B, A, &r(180, 1, "INVITE", "z9hG4bKi", Some("b1")));
    f.send(3000, A, B, &rq("CANCEL", 1, "z9hG4bKi", None, ""));
    f.send(3001, B, A, &r(200, 1, "INVITE", "z9hG4bKi", Some("b1")));
    f.send(3010, B, A, &r(200, 1, "CANCEL", "z9hG4bKi", Some("b1")));
    f.send(3020, A, B, &rq("ACK", 1, "z9hG4bKa", Some("b1"), ""));
    let c = f.one();
    assert_eq!(c.state, "answered");
    assert!(c.flags.contains(&"cancel-lost-race"));
    assert!(c.flags.contains(&"cancel-sent"));
}

#[test]
fn challenge_then_retry_is_decided_by_the_retry() {
    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "z9hG4bKi1"));
    f.send(40, B, A, &r(407, 1, "INVITE", "z9hG4bKi1", Some("px")));
    f.send(50, A, B, &rq("ACK", 1, "z9hG4bKi1", Some("px"), ""));
    f.send(100, A, B, &inv(2, "z9hG4bKi2"));
    f.send(400, B, A, &r(180, 2, "INVITE", "z9hG4bKi2", Some("b1")));
    f.send(2100, B, A, &r(200, 2, "INVITE", "z9hG4bKi2", Some("b1")));
    f.send(2150, A, B, &rq("ACK", 2, "z9hG4bKa2", Some("b1"), ""));
    f.send(9100, A, B, &rq("BYE", 3, "z9hG4bKb", Some("b1"), ""));
    f.send(9110, B, A, &r(200, 3, "BYE", "z9hG4bKb", Some("b1")));
    let c = f.one();
    assert_eq!(c.state, "completed");
    assert!(c.flags.contains(&"auth-challenged"));
    assert!(!c.flags.contains(&"answered-without-ack"));
    assert!(
        !c.flags.contains(&"forked"),
        "the challenge's To tag is not a fork"
    );
    assert_eq!(ms(c.timings.pdd), Some(40)); // the SRD of the first INVITE: its 407
    assert_eq!(ms(c.timings.srd), Some(300));
    assert_eq!(ms(c.timings.setup), Some(2000));
    assert_eq!(c.transactions[0].ack_frame, Some(3));
    assert_eq!(c.dialogs.len(), 2);
    assert_eq!(
        (c.dialogs[0].to_tag.as_deref(), c.dialogs[0].state),
        (Some("px"), DialogState::Terminated)
    );
    assert_eq!(
        (c.dialogs[1].to_tag.as_deref(), c.dialogs[1].state),
        (Some("b1"), DialogState::Terminated)
    );
}

#[test]
fn a_challenge_without_retry_is_rejected() {
    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "z9hG4bKi1"));
    f.send(40, B, A, &r(401, 1, "INVITE", "z9hG4bKi1", Some("px")));
    let c = f.one();
    assert_eq!(c.state, "rejected");
    assert!(c.flags.contains(&"auth-challenged"));
}

#[test]
fn re_invite_does_not_change_an_answered_call() {
    let mut f = Feed::new();
    answered_call(&mut f);
    f.send(
        5000,
        A,
        B,
        &rq(
            "INVITE",
            2,
            "z9hG4bKre",
            Some("b1"),
            "Content-Type: application/sdp\n\nv=0",
        ),
    );
    f.send(5010, B, A, &r(491, 2, "INVITE", "z9hG4bKre", Some("b1")));
    f.send(5020, A, B, &rq("ACK", 2, "z9hG4bKre", Some("b1"), ""));
    f.send(
        7000,
        B,
        A,
        &req_rev("UPDATE", C, 9, "z9hG4bKup", "b1", "a1", ""),
    );
    let c = f.one();
    assert_eq!(c.state, "answered");
    assert_eq!(c.final_status, Some(200));
    assert_eq!(c.session_changes.len(), 2);
    let re = &c.session_changes[0];
    assert_eq!(
        (&*re.method, re.cseq, re.status, re.with_sdp, re.sender),
        ("INVITE", 2, Some(491), true, Some(Side::Caller))
    );
    assert_eq!(re.dialog_state, Some(DialogState::Confirmed));
    let up = &c.session_changes[1];
    assert_eq!(
        (&*up.method, up.status, up.sender),
        ("UPDATE", None, Some(Side::Callee))
    );
    // the re-INVITE's ACK belongs to its non-2xx transaction
    assert_eq!(
        c.transactions[c.messages[6].transaction.unwrap() as usize].ack_frame,
        Some(8)
    );
}

#[test]
fn each_final_status_gives_its_state_word() {
    for (status, word) in [
        (486, "busy"),
        (600, "busy"),
        (302, "redirected"),
        (404, "rejected"),
        (603, "rejected"),
        (606, "rejected"),
        (408, "failed"),
        (503, "failed"),
        (604, "rejected"),
        (699, "failed"),
        (487, "cancelled"),
    ] {
        let mut f = Feed::new();
        f.send(0, A, B, &inv(1, "z9hG4bKi"));
        f.send(100, B, A, &r(180, 1, "INVITE", "z9hG4bKi", Some("b1")));
        f.send(200, B, A, &r(status, 1, "INVITE", "z9hG4bKi", Some("b1")));
        let c = f.one();
        assert_eq!(c.state, word, "{status}");
        assert_eq!(c.final_status, Some(status));
        assert!(!c.flags.contains(&"unanswered-requests"));
    }
}

#[test]
fn calling_ringing_and_timer_based_failure() {
    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "z9hG4bKi"));
    f.send(10, B, A, &r(100, 1, "INVITE", "z9hG4bKi", None));
    assert_eq!(f.one().state, "calling");

    // something else in the capture 40 s later: Timer B has run out
    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "z9hG4bKi"));
    f.send(
        40_000,
        A,
        B,
        &req("OPTIONS", "other", 1, "z9hG4bKo", "x", None, ""),
    );
    let a = f.finish();
    let c = &a.calls[0];
    assert_eq!(c.state, "failed");
    assert!(c.flags.contains(&"no-final-response"));
    assert_eq!(a.metrics.session_attempts, 1);
    assert_eq!(a.metrics.ineffective, 1);

    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "z9hG4bKi"));
    f.send(100, B, A, &r(183, 1, "INVITE", "z9hG4bKi", Some("b1")));
    f.send(
        60_000,
        A,
        B,
        &req("OPTIONS", "other", 1, "z9hG4bKo", "x", None, ""),
    );
    let a = f.finish();
    assert_eq!(a.calls[0].state, "ringing");
    assert_eq!(a.calls[0].dialogs[0].state, DialogState::Early);

    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "z9hG4bKi"));
    f.send(100, B, A, &r(180, 1, "INVITE", "z9hG4bKi", Some("b1")));
    f.send(
        200_000,
        A,
        B,
        &req("OPTIONS", "other", 1, "z9hG4bKo", "x", None, ""),
    );
    let a = f.finish();
    assert_eq!(a.calls[0].state, "failed");
}

#[test]
fn joined_late_calls() {
    // first message a BYE: completed, joined late, kept
    let mut f = Feed::new();
    f.send(0, A, B, &rq("BYE", 5, "z9hG4bKb", Some("b1"), ""));
    f.send(10, B, A, &r(200, 5, "BYE", "z9hG4bKb", Some("b1")));
    let c = f.one();
    assert_eq!(c.kind, Kind::Call);
    assert_eq!(c.state, "completed");
    assert!(c.flags.contains(&"joined-late"));
    assert_eq!(c.dialogs[0].state, DialogState::Terminated);
    // first message a re-INVITE: answered
    let mut f = Feed::new();
    f.send(0, A, B, &rq("INVITE", 5, "z9hG4bKr", Some("b1"), ""));
    let c = f.one();
    assert_eq!(c.state, "answered");
    assert!(c.flags.contains(&"joined-late"));
    // first message a PRACK: ringing
    let mut f = Feed::new();
    f.send(
        0,
        A,
        B,
        &rq("PRACK", 2, "z9hG4bKp", Some("b1"), "RAck: 1 1 INVITE"),
    );
    assert_eq!(f.one().state, "ringing");
    // first message a 180 (the INVITE was not captured): the response decides
    let mut f = Feed::new();
    f.send(0, B, A, &r(180, 1, "INVITE", "z9hG4bKi", Some("b1")));
    f.send(10, B, A, &r(200, 1, "INVITE", "z9hG4bKi", Some("b1")));
    let c = f.one();
    assert_eq!(c.state, "answered");
    assert!(c.flags.contains(&"joined-late"));
    assert!(c.flags.contains(&"answered-without-ack"));
    assert_eq!(c.transactions[0].request_frame, None);
    assert!(!c.flags.contains(&"unanswered-requests"));
}

#[test]
fn answer_without_ack_and_forking() {
    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "z9hG4bKi"));
    f.send(100, B, A, &r(180, 1, "INVITE", "z9hG4bKi", Some("b1")));
    f.send(110, B, A, &r(180, 1, "INVITE", "z9hG4bKi", Some("b2")));
    f.send(900, B, A, &r(200, 1, "INVITE", "z9hG4bKi", Some("b2")));
    let c = f.one();
    assert_eq!(c.state, "answered");
    assert!(c.flags.contains(&"forked"));
    assert!(c.flags.contains(&"answered-without-ack"));
    assert_eq!(c.dialogs.len(), 2);
    // the fork that never answered ends with the INVITE transaction
    assert_eq!(
        (c.dialogs[0].state, c.dialogs[0].terminated_frame),
        (DialogState::Terminated, None)
    );
    assert_eq!(c.dialogs[1].state, DialogState::Confirmed);
    assert_eq!(c.participants.callee.tag.as_deref(), Some("b2")); // the fork that answered
}

#[test]
fn answer_not_captured_is_deduced_from_ack_and_bye() {
    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "z9hG4bKi"));
    f.send(1000, A, B, &rq("ACK", 1, "z9hG4bKa", Some("b1"), ""));
    f.send(5000, A, B, &rq("BYE", 2, "z9hG4bKb", Some("b1"), ""));
    let c = f.one();
    assert_eq!(c.state, "completed");
    assert!(c.flags.contains(&"answer-not-captured"));
}

#[test]
fn prack_pairs_through_the_engine() {
    let mut f = Feed::new();
    f.send(
        0,
        A,
        B,
        &rq("INVITE", 1, "z9hG4bKi", None, "Supported: 100rel"),
    );
    f.send(
        100,
        B,
        A,
        &rx(
            183,
            1,
            "INVITE",
            "z9hG4bKi",
            Some("b1"),
            "Require: 100rel\nRSeq: 7001",
        ),
    );
    f.send(
        600,
        B,
        A,
        &rx(
            183,
            1,
            "INVITE",
            "z9hG4bKi",
            Some("b1"),
            "Require: 100rel\nRSeq: 7001",
        ),
    );
    f.send(
        650,
        A,
        B,
        &rq("PRACK", 2, "z9hG4bKp", Some("b1"), "RAck: 7001 1 INVITE"),
    );
    f.send(660, B, A, &r(200, 2, "PRACK", "z9hG4bKp", Some("b1")));
    f.send(
        700,
        B,
        A,
        &rx(
            180,
            1,
            "INVITE",
            "z9hG4bKi",
            Some("b1"),
            "Require: 100rel\nRSeq: 7002",
        ),
    );
    f.send(900, B, A, &r(200, 1, "INVITE", "z9hG4bKi", Some("b1")));
    f.send(
        910,
        A,
        B,
        &rq("PRACK", 3, "z9hG4bKp2", Some("b1"), "RAck: 9 1 INVITE"),
    );
    f.send(920, B, A, &r(481, 3, "PRACK", "z9hG4bKp2", Some("b1")));
    let c = f.one();
    assert_eq!(c.prack.len(), 3);
    let p = &c.prack[0];
    assert_eq!(
        (
            p.rseq,
            p.status,
            p.response_frame,
            p.prack_frame,
            p.prack_status
        ),
        (7001, Some(183), Some(2), Some(4), Some(200))
    );
    assert!(p.acknowledged);
    assert_eq!(p.retransmissions, 1);
    assert_eq!(p.rack.as_deref(), Some("7001 1 INVITE"));
    assert_eq!(ms(p.prack_delay), Some(550));
    assert_eq!(ms(p.prack_response_delay), Some(10));
    assert!(p.problems.is_empty());
    assert!(c.messages[2].retransmission);
    let q = &c.prack[1];
    assert_eq!(
        (q.rseq, q.status, q.response_frame),
        (7002, Some(180), Some(6))
    );
    assert_eq!(q.problems, vec!["final-before-prack", "never-pracked"]);
    let o = &c.prack[2];
    assert_eq!(
        (
            o.rseq,
            o.status,
            o.response_frame,
            o.prack_frame,
            o.prack_status
        ),
        (9, None, None, Some(8), Some(481))
    );
    assert_eq!(o.problems, vec!["rack-unknown-rseq"]);
    assert!(c.flags.contains(&"prack-problems"));
}

#[test]
fn prack_without_100rel_through_the_engine() {
    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "z9hG4bKi"));
    // RSeq without Require: 100rel is not a reliable provisional
    f.send(
        100,
        B,
        A,
        &rx(183, 1, "INVITE", "z9hG4bKi", Some("b1"), "RSeq: 1"),
    );
    f.send(
        150,
        A,
        B,
        &rq("PRACK", 2, "z9hG4bKp", Some("b1"), "RAck: 1 1 INVITE"),
    );
    let c = f.one();
    assert_eq!(c.prack.len(), 1);
    assert_eq!(c.prack[0].problems, vec!["prack-without-100rel"]);
}

fn notify(cseq: u32, br: &str, event: &str, state: &str, frag: &str) -> String {
    // the transferee (B) notifies the transferor (A)
    req_rev(
        "NOTIFY",
        C,
        cseq,
        br,
        "b1",
        "a1",
        &format!(
            "Event: {event}\nSubscription-State: {state}\nContent-Type: message/sipfrag\n\n{frag}"
        ),
    )
}

fn notify_ok(cseq: u32, br: &str) -> String {
    resp_rev(200, C, cseq, "NOTIFY", br, "b1", "a1", "")
}

#[test]
fn blind_transfer_success_linked_to_the_new_call() {
    let mut f = Feed::new();
    answered_call(&mut f);
    f.send(
        3000,
        A,
        B,
        &rq(
            "REFER",
            2,
            "z9hG4bKr",
            Some("b1"),
            "Refer-To: <sip:carol@c.example>\nReferred-By: <sip:alice@a.example>",
        ),
    );
    f.send(3010, B, A, &r(202, 2, "REFER", "z9hG4bKr", Some("b1")));
    f.send(
        3020,
        B,
        A,
        &notify(
            1,
            "z9hG4bKn1",
            "refer",
            "active;expires=60",
            "SIP/2.0 100 Trying",
        ),
    );
    f.send(3030, A, B, &notify_ok(1, "z9hG4bKn1"));
    // the transferee calls Carol: new Call-ID, Referred-By
    let new_inv = req(
        "INVITE",
        "c2",
        1,
        "z9hG4bKx",
        "b9",
        None,
        "Referred-By: <sip:alice@a.example>",
    )
    .replace(
        "INVITE sip:bob@b.example",
        "INVITE sip:carol@c.example:5060;transport=udp",
    );
    f.send(3040, B, "10.0.0.3:5060", &new_inv);
    f.send(
        5000,
        "10.0.0.3:5060",
        B,
        &resp(200, "c2", 1, "INVITE", "z9hG4bKx", "b9", Some("c9"), ""),
    );
    f.send(
        5010,
        B,
        A,
        &notify(
            2,
            "z9hG4bKn2",
            "refer",
            "terminated;reason=noresource",
            "SIP/2.0 200 OK",
        ),
    );
    f.send(5020, A, B, &notify_ok(2, "z9hG4bKn2"));
    let a = f.finish();
    assert_eq!(a.calls.len(), 2);
    let c = &a.calls[0];
    assert_eq!(c.transfers.len(), 1);
    let t = &c.transfers[0];
    assert_eq!(
        (t.refer_frame, t.refer_cseq, t.in_dialog, t.referrer),
        (6, 2, true, Some(Side::Caller))
    );
    assert_eq!(&*t.refer_to, "sip:carol@c.example");
    assert_eq!(t.referred_by.as_deref(), Some("sip:alice@a.example"));
    assert!(!t.attended);
    assert_eq!((t.refer_status, t.refer_status_frame), (Some(202), Some(7)));
    assert_eq!(t.progress, vec![100, 200]);
    assert_eq!(t.outcome, TransferOutcome::Success);
    assert_eq!(t.final_status, Some(200));
    assert_eq!(t.notifies.len(), 2);
    assert_eq!(
        (t.notifies[0].frame, t.notifies[0].response_status),
        (8, Some(200))
    );
    assert_eq!(
        t.notifies[1].subscription_state.as_deref(),
        Some("terminated")
    );
    assert_eq!(t.notifies[1].reason.as_deref(), Some("noresource"));
    assert_eq!(t.target_call_id.as_deref(), Some("c2"));
    assert_eq!(t.target_match, Some(LinkMatch::ReferredByAndUri));
    assert!(c.flags.contains(&"transferred"));
    let n = &a.calls[1];
    let link = n.transferred_from.as_ref().unwrap();
    assert_eq!(
        (&*link.call_id, link.refer_frame, link.matched),
        ("c1", 6, LinkMatch::ReferredByAndUri)
    );
    assert!(n.flags.contains(&"transfer-target"));
    assert_eq!(a.counters.transfers_linked, 1);
    // NOTIFY refer does not make the call a subscription
    assert!(c.subscriptions.is_empty());
}

#[test]
fn attended_transfer_is_linked_by_replaces() {
    let mut f = Feed::new();
    answered_call(&mut f);
    f.send(
        3000,
        A,
        B,
        &rq(
            "REFER",
            2,
            "z9hG4bKr",
            Some("b1"),
            "Refer-To: <sip:carol@c.example?Replaces=xyz%40host%3Bto-tag%3Dt1%3Bfrom-tag%3Df1>",
        ),
    );
    f.send(3010, B, A, &r(202, 2, "REFER", "z9hG4bKr", Some("b1")));
    // unrelated URI, but Replaces names the replaced dialog
    let new_inv = req(
        "INVITE",
        "c3",
        1,
        "z9hG4bKx",
        "b9",
        None,
        "Replaces: xyz@host;to-tag=t1;from-tag=f1",
    )
    .replace(
        "INVITE sip:bob@b.example",
        "INVITE sip:someone@elsewhere.example",
    );
    f.send(3040, B, "10.0.0.3:5060", &new_inv);
    f.send(
        4000,
        B,
        A,
        &notify(
            1,
            "z9hG4bKn1",
            "refer;id=2",
            "terminated",
            "SIP/2.0 486 Busy Here",
        ),
    );
    let a = f.finish();
    let t = &a.calls[0].transfers[0];
    assert!(t.attended);
    let rp = t.replaces.as_ref().unwrap();
    assert_eq!(
        (&*rp.call_id, rp.to_tag.as_deref(), rp.from_tag.as_deref()),
        ("xyz@host", Some("t1"), Some("f1"))
    );
    assert_eq!(&*t.refer_to, "sip:carol@c.example");
    assert_eq!(t.target_call_id.as_deref(), Some("c3"));
    assert_eq!(t.target_match, Some(LinkMatch::Replaces));
    assert_eq!(t.outcome, TransferOutcome::Failed);
    assert_eq!(t.final_status, Some(486));
    assert_eq!(t.progress, vec![486]);
}

#[test]
fn rejected_and_no_subscription_transfers() {
    let mut f = Feed::new();
    answered_call(&mut f);
    f.send(
        3000,
        A,
        B,
        &rq(
            "REFER",
            2,
            "z9hG4bKr",
            Some("b1"),
            "Refer-To: sip:carol@c.example",
        ),
    );
    f.send(3010, B, A, &r(603, 2, "REFER", "z9hG4bKr", Some("b1")));
    f.send(
        4000,
        A,
        B,
        &rq(
            "REFER",
            3,
            "z9hG4bKr2",
            Some("b1"),
            "Refer-To: sip:dave@c.example\nRefer-Sub: false",
        ),
    );
    f.send(
        4010,
        B,
        A,
        &rx(200, 3, "REFER", "z9hG4bKr2", Some("b1"), "Refer-Sub: false"),
    );
    f.send(
        5000,
        A,
        B,
        &rq(
            "REFER",
            4,
            "z9hG4bKr3",
            Some("b1"),
            "Refer-To: sip:erin@c.example",
        ),
    );
    let c = f.one();
    let o: Vec<_> = c.transfers.iter().map(|t| t.outcome).collect();
    assert_eq!(
        o,
        vec![
            TransferOutcome::Rejected,
            TransferOutcome::NoSubscription,
            TransferOutcome::Pending
        ]
    );
    assert_eq!(c.transfers[1].refer_sub, Some(false));
    assert_eq!(c.transfers[2].refer_status, None);
}

#[test]
fn out_of_dialog_refer_is_kind_other() {
    let mut f = Feed::new();
    f.send(
        0,
        A,
        B,
        &rq(
            "REFER",
            1,
            "z9hG4bKr",
            None,
            "Refer-To: sip:carol@c.example",
        ),
    );
    f.send(10, B, A, &r(202, 1, "REFER", "z9hG4bKr", Some("b1")));
    f.send(
        20,
        B,
        A,
        &notify(1, "z9hG4bKn", "refer", "terminated", "SIP/2.0 200 OK"),
    );
    f.send(30, A, B, &notify_ok(1, "z9hG4bKn"));
    let c = f.one();
    assert_eq!(c.kind, Kind::Other);
    assert_eq!(c.state, "succeeded");
    assert!(!c.transfers[0].in_dialog);
    assert_eq!(c.transfers[0].outcome, TransferOutcome::Success);
    assert_eq!(c.dialogs.len(), 1);
    assert_eq!(c.dialogs[0].usage, Usage::Refer);
    assert_eq!(c.dialogs[0].state, DialogState::Terminated);
}

fn register(cseq: u32, br: &str, extra: &str) -> String {
    req("REGISTER", "r1", cseq, br, "a1", None, extra)
        .replace("REGISTER sip:bob@b.example", "REGISTER sip:b.example")
}

#[test]
fn registration_with_a_challenge() {
    let mut f = Feed::new();
    f.send(
        0,
        A,
        B,
        &register(
            1,
            "z9hG4bK1",
            "Contact: <sip:alice@10.0.0.1:5060>\nExpires: 3600",
        ),
    );
    f.send(
        20,
        B,
        A,
        &resp(
            401,
            "r1",
            1,
            "REGISTER",
            "z9hG4bK1",
            "a1",
            Some("x"),
            "WWW-Authenticate: Digest realm=\"b\", nonce=\"1\"",
        ),
    );
    f.send(60, A, B, &register(2, "z9hG4bK2", "Contact: <sip:alice@10.0.0.1:5060>\nExpires: 3600\nAuthorization: Digest username=\"alice\""));
    f.send(
        90,
        B,
        A,
        &resp(
            200,
            "r1",
            2,
            "REGISTER",
            "z9hG4bK2",
            "a1",
            Some("x"),
            "Contact: <sip:alice@10.0.0.1:5060>;expires=1800",
        ),
    );
    let a = f.finish();
    let c = &a.calls[0];
    assert_eq!(c.kind, Kind::Registration);
    assert_eq!(c.state, "registered");
    assert_eq!(c.final_status, Some(200));
    assert!(c.flags.contains(&"auth-challenged"));
    let r = c.registration.as_ref().unwrap();
    assert_eq!(r.aor.as_deref(), Some("sip:bob@b.example"));
    assert_eq!(
        r.contacts,
        vec![Box::<str>::from("sip:alice@10.0.0.1:5060")]
    );
    assert_eq!((r.expires, r.requested_expires), (Some(1800), Some(3600)));
    assert_eq!(
        (
            r.attempts,
            r.auth_challenges,
            r.successes,
            r.result,
            r.registered_frame
        ),
        (2, 1, 1, Some(200), Some(4))
    );
    assert_eq!(ms(c.timings.rrd), Some(90));
    assert_eq!(a.metrics.registrations, 1);
    assert_eq!(ms(a.metrics.avg_rrd), Some(90));
}

#[test]
fn registration_states() {
    // (Contact/Expires of the REGISTER, final status if any, state)
    let cases = [
        ("Contact: *\nExpires: 0", Some(200), "unregistered"),
        ("Contact: <sip:a@h>;expires=0", Some(200), "unregistered"),
        ("Contact: <sip:a@h>", Some(407), "challenged"),
        ("Contact: <sip:a@h>", Some(403), "rejected"),
        ("Contact: <sip:a@h>", None, "registering"),
    ];
    for (contact, status, state) in cases {
        let mut f = Feed::new();
        f.send(0, A, B, &register(1, "z9hG4bK1", contact));
        if let Some(status) = status {
            let answer = resp(status, "r1", 1, "REGISTER", "z9hG4bK1", "a1", Some("x"), "");
            f.send(20, B, A, &answer);
        }
        assert_eq!(f.one().state, state, "{contact} {status:?}");
    }
}

fn subscribe(cseq: u32, br: &str, extra: &str) -> String {
    req("SUBSCRIBE", "s1", cseq, br, "a1", None, extra)
}

#[test]
fn subscription_lifecycle() {
    let mut f = Feed::new();
    f.send(
        0,
        A,
        B,
        &subscribe(1, "z9hG4bK1", "Event: presence\nExpires: 3600"),
    );
    f.send(
        20,
        B,
        A,
        &resp(
            202,
            "s1",
            1,
            "SUBSCRIBE",
            "z9hG4bK1",
            "a1",
            Some("n1"),
            "Expires: 600",
        ),
    );
    let nt = |cseq: u32, br: &str, st: &str| {
        req(
            "NOTIFY",
            "s1",
            cseq,
            br,
            "n1",
            Some("a1"),
            &format!("Event: presence\nSubscription-State: {st}"),
        )
    };
    f.send(30, B, A, &nt(1, "z9hG4bKn1", "pending;expires=600"));
    f.send(
        40,
        A,
        B,
        &resp(200, "s1", 1, "NOTIFY", "z9hG4bKn1", "n1", Some("a1"), ""),
    );
    f.send(50, B, A, &nt(2, "z9hG4bKn2", "active;expires=599"));
    f.send(
        60,
        B,
        A,
        &nt(3, "z9hG4bKn3", "terminated;reason=deactivated"),
    );
    f.send(
        70,
        B,
        A,
        &req(
            "BENOTIFY",
            "s1",
            4,
            "z9hG4bKn4",
            "n1",
            Some("a1"),
            "Event: presence",
        ),
    );
    let c = f.one();
    assert_eq!(c.kind, Kind::Subscription);
    assert_eq!(c.state, "terminated");
    let s = &c.subscriptions[0];
    assert_eq!(
        (&*s.event, s.subscribe_frame, s.subscribe_status, s.notifies),
        ("presence", Some(1), Some(202), 4)
    );
    assert_eq!(s.termination_reason.as_deref(), Some("deactivated"));
    let words: Vec<_> = s.changes.iter().map(|c| (c.frame, c.state)).collect();
    assert_eq!(
        words,
        vec![
            (1, "subscribing"),
            (2, "active"),
            (3, "pending"),
            (5, "active"),
            (6, "terminated")
        ]
    );
    // two NOTIFYs were not answered; the BENOTIFY never expects an answer
    let benotify = &c.transactions[c.messages[6].transaction.unwrap() as usize];
    assert!(!benotify.expects_response);
    assert!(c.flags.contains(&"unanswered-requests"));
    assert_eq!(c.dialogs[0].state, DialogState::Terminated);
}

#[test]
fn benotify_alone_is_never_unanswered() {
    let mut f = Feed::new();
    f.send(
        0,
        A,
        B,
        &req(
            "BENOTIFY",
            "s1",
            4,
            "z9hG4bKn4",
            "n1",
            Some("a1"),
            "Event: registration-notify",
        ),
    );
    let c = f.one();
    assert!(!c.flags.contains(&"unanswered-requests"), "{:?}", c.flags);
    assert_eq!(c.kind, Kind::Subscription);
}

#[test]
fn options_message_and_other_states() {
    let mut f = Feed::new();
    f.send(
        0,
        A,
        B,
        &req("OPTIONS", "o1", 1, "z9hG4bK1", "a1", None, ""),
    );
    f.send(
        5,
        B,
        A,
        &resp(200, "o1", 1, "OPTIONS", "z9hG4bK1", "a1", Some("x"), ""),
    );
    f.send(
        10,
        A,
        B,
        &req(
            "MESSAGE",
            "m1",
            1,
            "z9hG4bK2",
            "a1",
            None,
            "Content-Type: text/plain\n\nhello",
        ),
    );
    f.send(
        15,
        B,
        A,
        &resp(404, "m1", 1, "MESSAGE", "z9hG4bK2", "a1", Some("x"), ""),
    );
    f.send(
        20,
        A,
        B,
        &req(
            "PUBLISH",
            "p1",
            1,
            "z9hG4bK3",
            "a1",
            None,
            "Event: presence",
        ),
    );
    f.send(
        25,
        A,
        B,
        &req("OPTIONS", "o2", 1, "z9hG4bK4", "a1", None, ""),
    );
    let a = f.finish();
    let st: Vec<_> = a
        .calls
        .iter()
        .map(|c| (&*c.call_id, c.kind, c.state))
        .collect();
    assert_eq!(
        st,
        vec![
            ("o1", Kind::Options, "succeeded"),
            ("m1", Kind::Message, "rejected"),
            ("p1", Kind::Other, "pending"),
            ("o2", Kind::Options, "pending"),
        ]
    );
}

#[test]
fn info_dtmf_digits() {
    let mut f = Feed::new();
    answered_call(&mut f);
    f.send(
        2000,
        A,
        B,
        &rq(
            "INFO",
            2,
            "z9hG4bKd1",
            Some("b1"),
            "Content-Type: application/dtmf-relay\n\nSignal=5\nDuration=160",
        ),
    );
    f.send(2010, B, A, &r(200, 2, "INFO", "z9hG4bKd1", Some("b1")));
    f.send(
        2500,
        A,
        B,
        &rq(
            "INFO",
            3,
            "z9hG4bKd2",
            Some("b1"),
            "Content-Type: application/dtmf\n\n#",
        ),
    );
    let c = f.one();
    let d: Vec<_> = c
        .dtmf
        .iter()
        .map(|d| (d.frame, &*d.digit, d.duration, &*d.content_type))
        .collect();
    assert_eq!(
        d,
        vec![
            (6, "5", Some(160), "application/dtmf-relay"),
            (8, "#", None, "application/dtmf")
        ]
    );
}

#[test]
fn a_proxy_challenge_does_not_name_the_callee_user_agent() {
    let mut f = Feed::new();
    f.send(0, A, P, &inv(1, "z9hG4bKc1"));
    f.send(
        10,
        P,
        A,
        &rx(
            407,
            1,
            "INVITE",
            "z9hG4bKc1",
            Some("p1"),
            "Server: ProxyP/1.0\nProxy-Authenticate: Digest realm=\"p\", nonce=\"n\"",
        ),
    );
    f.send(20, A, P, &rq("ACK", 1, "z9hG4bKc1", Some("p1"), ""));
    f.send(30, A, P, &inv(2, "z9hG4bKc2"));
    f.send(
        300,
        P,
        A,
        &rx(
            200,
            2,
            "INVITE",
            "z9hG4bKc2",
            Some("b1"),
            "Server: PhoneB/2.0",
        ),
    );
    let c = f.one();
    assert_eq!(
        c.participants.callee.user_agent.as_deref(),
        Some("PhoneB/2.0")
    );
}

#[test]
fn pdd_after_a_proxy_failover_counts_from_the_first_invite() {
    // RFC 3665 3.4: the INVITE to proxy 1 (P) goes unanswered (sent 3 times); after Timer B
    // the caller sends a new INVITE (CSeq 2) to the other proxy (B here), which rings
    let mut f = Feed::new();
    f.send(0, A, P, &inv(1, "z9hG4bKp1"));
    f.send(500, A, P, &inv(1, "z9hG4bKp1"));
    f.send(1500, A, P, &inv(1, "z9hG4bKp1"));
    f.send(32_000, A, B, &inv(2, "z9hG4bKp2"));
    f.send(32_010, B, A, &r(100, 2, "INVITE", "z9hG4bKp2", None));
    f.send(32_100, B, A, &r(180, 2, "INVITE", "z9hG4bKp2", Some("b1")));
    f.send(33_000, B, A, &r(200, 2, "INVITE", "z9hG4bKp2", Some("b1")));
    let c = f.one();
    assert_eq!(c.final_status, Some(200));
    assert_eq!(ms(c.timings.pdd), Some(32_100));
    assert_eq!(ms(c.timings.srd), Some(100));
    assert_eq!(ms(c.timings.setup), Some(1000));
    let t = &c.transactions[0];
    assert_eq!((t.cseq, t.retransmissions, t.final_status), (1, 2, None));
}

#[test]
fn re_invite_reports_the_new_connection_address() {
    // RFC 3665 3.7: the re-INVITE moves the media; the summary names the c= address of the
    // first media section, its own c= before the session-level one
    let mut f = Feed::new();
    answered_call(&mut f);
    f.send(
        5000,
        A,
        B,
        &rq(
            "INVITE",
            2,
            "z9hG4bKre1",
            Some("b1"),
            "Content-Type: application/sdp\n\nv=0\no=a 1 2 IN IP4 10.0.0.21\ns=-\nc=IN IP4 10.0.0.21\nt=0 0\nm=audio 49170 RTP/AVP 0\nm=video 51372 RTP/AVP 31\nc=IN IP4 10.0.0.99",
        ),
    );
    f.send(5010, B, A, &r(200, 2, "INVITE", "z9hG4bKre1", Some("b1")));
    f.send(
        6000,
        A,
        B,
        &rq(
            "INVITE",
            3,
            "z9hG4bKre2",
            Some("b1"),
            "Content-Type: application/sdp\n\nv=0\no=a 1 3 IN IP4 10.0.0.21\ns=-\nc=IN IP4 10.0.0.21\nt=0 0\nm=audio 49170 RTP/AVP 0\nc=IN IP4 192.0.2.7",
        ),
    );
    f.send(6010, B, A, &r(200, 3, "INVITE", "z9hG4bKre2", Some("b1")));
    let c = f.one();
    let addr: Vec<Option<&str>> = c
        .session_changes
        .iter()
        .map(|x| x.sdp.as_ref().and_then(|s| s.address.as_deref()))
        .collect();
    assert_eq!(addr, [Some("10.0.0.21"), Some("192.0.2.7")]);
    assert_eq!(c.session_changes[0].sdp.as_ref().unwrap().media.len(), 2);
}

#[test]
fn early_update_is_a_session_change() {
    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "z9hG4bKi"));
    f.send(100, B, A, &r(183, 1, "INVITE", "z9hG4bKi", Some("b1")));
    f.send(
        200,
        A,
        B,
        &rq(
            "UPDATE",
            2,
            "z9hG4bKu",
            Some("b1"),
            "Content-Type: application/sdp\n\nv=0",
        ),
    );
    f.send(210, B, A, &r(200, 2, "UPDATE", "z9hG4bKu", Some("b1")));
    let c = f.one();
    let u = &c.session_changes[0];
    assert_eq!(
        (&*u.method, u.dialog_state, u.status, u.status_frame),
        ("UPDATE", Some(DialogState::Early), Some(200), Some(4))
    );
    assert_eq!(c.state, "ringing");
}

#[test]
fn streaming_hands_out_finished_calls_after_linger_and_idle_ones_after_timeout() {
    let cfg = Config {
        streaming: true,
        linger: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(60),
        ..Config::default()
    };
    let mut f = Feed::with(cfg);
    // c1 completes at ~2 s
    answered_call(&mut f);
    bye_from_caller(&mut f, 2000);
    // x1 rings forever
    f.send(
        2100,
        A,
        B,
        &req("INVITE", "x1", 1, "z9hG4bKx", "q", None, ""),
    );
    f.send(
        2200,
        B,
        A,
        &resp(180, "x1", 1, "INVITE", "z9hG4bKx", "q", Some("r"), ""),
    );
    let mut out = Vec::new();
    f.engine
        .drain_finished(f.engine_now(4000), &mut |c| out.push(c));
    assert!(out.is_empty());
    f.engine
        .drain_finished(f.engine_now(7100), &mut |c| out.push(c));
    assert_eq!(
        out.iter()
            .map(|c| (&*c.call_id, c.closed))
            .collect::<Vec<_>>(),
        vec![("c1", Closed::Finished)]
    );
    f.engine
        .drain_finished(f.engine_now(70_000), &mut |c| out.push(c));
    assert_eq!(out.len(), 2);
    assert_eq!(
        (&*out[1].call_id, out[1].closed),
        ("x1", Closed::IdleTimeout)
    );
    assert_eq!(f.engine.open_calls(), 0);
    // a late message for c1 opens a new record, counted as reopened
    f.send(71_000, A, B, &rq("BYE", 2, "z9hG4bKbye", Some("b1"), ""));
    let a = f.finish();
    assert_eq!(a.calls.len(), 1);
    assert!(a.calls[0].flags.contains(&"joined-late"));
    assert_eq!(a.counters.calls_reopened, 1);
    assert_eq!(a.counters.evicted_idle, 1);
    assert_eq!(a.counters.calls, 3);
    // metrics include the calls handed out before finish
    assert_eq!(a.metrics.session_attempts, 2);
    assert_eq!(a.metrics.completed, 1);
}

#[test]
fn open_call_cap_evicts_the_oldest_and_counts_it() {
    let cfg = Config {
        max_open_calls: 8,
        ..Config::default()
    };
    let mut f = Feed::with(cfg);
    for i in 0..20 {
        f.send(
            i * 10,
            A,
            B,
            &req("OPTIONS", &format!("o{i}"), 1, "z9hG4bK1", "a1", None, ""),
        );
    }
    let a = f.finish();
    assert_eq!(a.calls.len(), 20);
    assert_eq!(a.counters.evicted_cap, 12);
    assert_eq!(a.counters.peak_open_calls, 8);
    let evicted: Vec<_> = a
        .calls
        .iter()
        .filter(|c| c.closed == Closed::Evicted)
        .map(|c| &*c.call_id)
        .collect();
    assert_eq!(evicted.len(), 12);
    assert!(evicted.contains(&"o0"));
    assert!(
        a.calls
            .iter()
            .filter(|c| c.closed == Closed::Evicted)
            .all(|c| c.flags.contains(&"evicted"))
    );
}

#[test]
fn per_call_message_cap_counts_the_rest() {
    let cfg = Config {
        max_messages_per_call: 3,
        ..Config::default()
    };
    let mut f = Feed::with(cfg);
    answered_call(&mut f);
    let a = f.finish();
    let c = &a.calls[0];
    assert_eq!(c.messages.len(), 3);
    assert_eq!(c.messages_dropped, 2);
    assert!(c.flags.contains(&"messages-dropped"));
    // the state still followed every message
    assert_eq!(c.state, "answered");
    assert_eq!(a.counters.messages_dropped, 2);
}

#[test]
fn messages_without_call_id_and_invalid_ones_are_counted() {
    let mut f = Feed::new();
    f.send(
        0,
        A,
        B,
        "OPTIONS sip:b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nCSeq: 1 OPTIONS",
    );
    let m = meta(2, 1, A, B);
    f.engine.on_invalid(&m, "bad-start-line");
    f.engine.on_invalid(&m, "bad-start-line");
    let a = f.finish();
    assert!(a.calls.is_empty());
    assert_eq!(a.counters.without_call_id, 1);
    assert_eq!(a.counters.invalid, 2);
    assert_eq!(a.counters.invalid_reasons.get("bad-start-line"), Some(&2));
}

#[test]
fn metrics_over_calls() {
    let mut f = Feed::new();
    for (i, status) in [200u16, 200, 486, 302, 503, 404].iter().enumerate() {
        let cid = format!("m{i}");
        let t = i as i64 * 1000;
        f.send(t, A, B, &req("INVITE", &cid, 1, "z9hG4bKi", "a", None, ""));
        f.send(
            t + 100,
            B,
            A,
            &resp(*status, &cid, 1, "INVITE", "z9hG4bKi", "a", Some("b"), ""),
        );
        if *status == 200 {
            f.send(
                t + 110,
                A,
                B,
                &req("ACK", &cid, 1, "z9hG4bKa", "a", Some("b"), ""),
            );
        }
    }
    f.send(
        9000,
        A,
        B,
        &req("BYE", "m0", 2, "z9hG4bKb", "a", Some("b"), ""),
    );
    f.send(
        9020,
        B,
        A,
        &resp(200, "m0", 2, "BYE", "z9hG4bKb", "a", Some("b"), ""),
    );
    let a = f.finish();
    let m = &a.metrics;
    assert_eq!(
        (
            m.session_attempts,
            m.answered,
            m.redirected,
            m.effective,
            m.ineffective,
            m.completed
        ),
        (6, 2, 1, 3, 1, 1)
    );
    assert_eq!(m.ser, Some(40.0));
    assert_eq!(m.seer, Some(60.0));
    assert!((m.isa.unwrap() - 100.0 / 6.0).abs() < 1e-9);
    assert!((m.scr.unwrap() - 100.0 / 6.0).abs() < 1e-9);
    assert_eq!(ms(m.avg_srd), Some(100));
    assert_eq!(ms(m.avg_sdd), Some(20));
    assert_eq!(ms(m.avg_duration), Some(9000 - 100));
}

#[test]
fn export_has_the_guide_fields() {
    let mut f = Feed::new();
    answered_call(&mut f);
    let a = f.finish();
    let v = crate::report::json::to_value(&a, &[]);
    let c = &v["calls"][0];
    for k in [
        "call_id",
        "kind",
        "state",
        "start",
        "end",
        "messages",
        "dialogs",
        "prack",
        "transfers",
    ] {
        assert!(c.get(k).is_some(), "{k}");
    }
    let m = &c["messages"][0];
    assert_eq!(m["frame"], 1);
    assert_eq!(m["src"], "10.0.0.1:5060");
    assert_eq!(m["transport"], "udp");
    assert_eq!(m["method"], "INVITE");
    assert!(m["status"].is_null());
    assert_eq!(m["cseq"], 1);
    assert_eq!(m["cseq_method"], "INVITE");
    assert_eq!(m["retransmission"], false);
    assert_eq!(c["messages"][3]["reason"], "OK");
    assert!((c["start"].as_f64().unwrap() - 1_700_000_000.0).abs() < 1e-3);
    assert_eq!(c["dialogs"][0]["state"], "confirmed");
}

#[test]
fn sent_by_without_port_is_the_default_port() {
    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "z9hG4bKi"));
    let cancel = rq("CANCEL", 1, "z9hG4bKi", None, "").replace("ua.example:5060", "UA.example");
    f.send(100, A, B, &cancel);
    f.send(110, B, A, &r(200, 1, "CANCEL", "z9hG4bKi", Some("b1")));
    f.send(120, B, A, &r(487, 1, "INVITE", "z9hG4bKi", Some("b1")));
    let c = f.one();
    assert_eq!(c.transactions.len(), 2);
    assert_eq!(c.transactions[1].cancels, Some(0));
    assert_eq!(&*c.transactions[1].sent_by, "UA.example");
    assert_eq!(c.state, "cancelled");
}

#[test]
fn rfc2543_ack_to_a_failure_joins_the_invite_and_ack_to_2xx_does_not() {
    // legacy branches: the ACK to a non-2xx has the INVITE's CSeq and From tag
    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, "old1"));
    f.send(10, B, A, &r(486, 1, "INVITE", "old1", Some("b1")));
    f.send(20, A, B, &rq("ACK", 1, "old1", Some("b1"), ""));
    let c = f.one();
    assert_eq!(c.transactions.len(), 1);
    assert!(c.transactions[0].rfc2543);
    assert_eq!(c.transactions[0].ack_frame, Some(3));
    assert_eq!(c.state, "busy");
    // ...while the ACK to a 2xx is a transaction of its own, even with the same values
    let mut f = Feed::new();
    f.send(0, A, B, &inv(1, ""));
    f.send(10, B, A, &r(200, 1, "INVITE", "", Some("b1")));
    f.send(20, A, B, &rq("ACK", 1, "", Some("b1"), ""));
    let c = f.one();
    assert_eq!(c.transactions.len(), 2);
    assert_eq!(&*c.transactions[1].method, "ACK");
    assert!(!c.flags.contains(&"answered-without-ack"));
    assert_eq!(ms(c.timings.answer_to_ack), Some(10));
}
