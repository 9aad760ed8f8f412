//! Hand-built calls for the renderers' unit tests (the engine's own tests cover how calls are
//! built; these only need plausible records).

use std::net::SocketAddr;

use crate::flow::intern::{Atom, Endpoint};
use crate::flow::model::*;
use crate::meta::{Timestamp, Transport};

/// 2024-05-01T10:00:00Z.
pub const T0: i64 = 1_714_557_600;

fn ts(secs: f64) -> Timestamp {
    Timestamp(T0 * 1_000_000_000 + (secs * 1e9).round() as i64)
}

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// A message: (frame, seconds after T0, src, dst, method or status, cseq, cseq method).
pub fn msg(
    frame: u64,
    t: f64,
    src: &str,
    dst: &str,
    what: &str,
    cseq: u32,
    cm: &str,
) -> MessageRecord {
    let status: Option<u16> = what.split(' ').next().and_then(|s| s.parse().ok());
    MessageRecord {
        frame,
        time: ts(t),
        src: Endpoint::new(addr(src)),
        dst: Endpoint::new(addr(dst)),
        transport: Transport::Udp,
        method: if status.is_none() {
            Some(Atom::new(what))
        } else {
            None
        },
        status,
        reason: status.map(|_| Atom::new(what.split_once(' ').map_or("", |(_, r)| r))),
        cseq: Some(cseq),
        cseq_method: Some(Atom::new(cm)),
        retransmission: false,
        leg: 0,
        transaction: None,
        dialog: None,
        raw: None,
    }
}

fn party(uri: &str) -> Party {
    Party {
        uri: Some(uri.into()),
        display: None,
        tag: None,
        user_agent: None,
    }
}

/// A call record around `messages`.
pub fn call(call_id: &str, kind: Kind, state: &'static str, messages: Vec<MessageRecord>) -> Call {
    Call {
        call_id: call_id.into(),
        kind,
        state,
        start: messages.first().map_or(ts(0.0), |m| m.time),
        end: messages.last().map_or(ts(0.0), |m| m.time),
        first_frame: messages.first().map_or(0, |m| m.frame),
        last_frame: messages.last().map_or(0, |m| m.frame),
        flags: Vec::new(),
        participants: Participants {
            caller: party("sip:alice@example.com"),
            callee: party("sip:bob@example.com"),
        },
        final_status: None,
        final_reason: None,
        reason: None,
        hangup: None,
        timings: Timings::default(),
        messages,
        messages_dropped: 0,
        legs: Vec::new(),
        dialogs: Vec::new(),
        transactions: Vec::new(),
        prack: Vec::new(),
        transfers: Vec::new(),
        transferred_from: None,
        registration: None,
        subscriptions: Vec::new(),
        dtmf: Vec::new(),
        session_changes: Vec::new(),
        closed: Closed::CaptureEnd,
        session_attempt: kind == Kind::Call,
    }
}

const A: &str = "192.0.2.10:5060";
const B: &str = "192.0.2.20:5060";
const C: &str = "192.0.2.30:5060";

/// A basic completed call with a retransmitted INVITE.
pub fn basic_call() -> Call {
    let mut msgs = vec![
        msg(1, 0.0, A, B, "INVITE", 1, "INVITE"),
        msg(2, 0.5, A, B, "INVITE", 1, "INVITE"),
        msg(3, 0.51, B, A, "100 Trying", 1, "INVITE"),
        msg(4, 0.6, B, A, "180 Ringing", 1, "INVITE"),
        msg(5, 2.0, B, A, "200 OK", 1, "INVITE"),
        msg(6, 2.01, A, B, "ACK", 1, "ACK"),
        msg(7, 14.0, A, B, "BYE", 2, "BYE"),
        msg(8, 14.02, B, A, "200 OK", 2, "BYE"),
    ];
    msgs[1].retransmission = true;
    let mut c = call(
        "a84b4c76e66710@pc33.example.com",
        Kind::Call,
        "completed",
        msgs,
    );
    c.flags = vec!["retransmissions"];
    c.final_status = Some(200);
    c.final_reason = Some(Atom::new("OK"));
    c.timings.pdd = Some(0.1);
    c.timings.srd = Some(0.1);
    c.timings.duration = Some(12.0);
    c.timings.sdd = Some(0.02);
    c
}

/// A call joined late with a reliable 183 never PRACKed and a REFER that succeeded.
pub fn prack_transfer_call() -> Call {
    let msgs = vec![
        msg(10, 30.0, B, A, "183 Session Progress", 1, "INVITE"),
        msg(11, 30.1, A, B, "PRACK", 2, "PRACK"),
        msg(12, 30.11, B, A, "200 OK", 2, "PRACK"),
        msg(13, 30.5, B, A, "180 Ringing", 1, "INVITE"),
        msg(14, 31.0, B, A, "200 OK", 1, "INVITE"),
        msg(15, 31.01, A, B, "ACK", 1, "ACK"),
        msg(16, 35.0, A, B, "REFER", 3, "REFER"),
        msg(17, 35.01, B, A, "202 Accepted", 3, "REFER"),
        msg(18, 35.02, B, A, "NOTIFY", 1, "NOTIFY"),
        msg(19, 35.03, A, B, "200 OK", 1, "NOTIFY"),
        msg(20, 37.0, B, A, "NOTIFY", 2, "NOTIFY"),
        msg(21, 37.01, A, B, "200 OK", 2, "NOTIFY"),
        msg(22, 37.5, A, B, "BYE", 4, "BYE"),
        msg(23, 37.51, B, A, "200 OK", 4, "BYE"),
    ];
    let mut c = call("7c2f-xfer@host.example.net", Kind::Call, "completed", msgs);
    c.flags = vec!["joined-late", "prack-problems", "transferred"];
    c.final_status = Some(200);
    c.prack = vec![
        Prack {
            rseq: 1,
            status: Some(183),
            response_frame: Some(10),
            invite_cseq: 1,
            to_tag: Some("t1".into()),
            prack_frame: Some(11),
            prack_cseq: Some(2),
            rack: Some("2 1 INVITE".into()),
            prack_status: Some(200),
            prack_response_frame: Some(12),
            prack_delay: Some(0.1),
            prack_response_delay: Some(0.01),
            acknowledged: true,
            ..Prack::default()
        },
        Prack {
            rseq: 2,
            status: Some(180),
            response_frame: Some(13),
            invite_cseq: 1,
            to_tag: Some("t1".into()),
            problems: vec!["never-pracked", "final-before-prack"],
            ..Prack::default()
        },
    ];
    c.transfers = vec![Transfer {
        refer_frame: 16,
        refer_cseq: 3,
        in_dialog: true,
        referrer: Some(Side::Caller),
        refer_to: "sip:carol@example.com".into(),
        referred_by: Some("sip:alice@example.com".into()),
        attended: false,
        replaces: None,
        refer_status: Some(202),
        refer_status_frame: Some(17),
        refer_sub: None,
        notifies: vec![
            TransferNotify {
                frame: 18,
                cseq: 1,
                sipfrag_status: Some(100),
                subscription_state: Some("active".into()),
                reason: None,
                response_status: Some(200),
            },
            TransferNotify {
                frame: 20,
                cseq: 2,
                sipfrag_status: Some(200),
                subscription_state: Some("terminated".into()),
                reason: Some("noresource".into()),
                response_status: Some(200),
            },
        ],
        progress: vec![100, 200],
        outcome: TransferOutcome::Success,
        final_status: Some(200),
        target_call_id: Some("target-1@example.com".into()),
        target_match: Some(LinkMatch::ReferredByAndUri),
    }];
    c
}

/// The call the transfer above triggered (B calls C).
pub fn transfer_target_call() -> Call {
    let msgs = vec![
        msg(30, 35.5, B, C, "INVITE", 1, "INVITE"),
        msg(31, 36.0, C, B, "180 Ringing", 1, "INVITE"),
        msg(32, 36.9, C, B, "200 OK", 1, "INVITE"),
        msg(33, 36.91, B, C, "ACK", 1, "ACK"),
    ];
    let mut c = call("target-1@example.com", Kind::Call, "answered", msgs);
    c.flags = vec!["transfer-target"];
    c.final_status = Some(200);
    c.participants.caller = party("sip:bob@example.com");
    c.participants.callee = party("sip:carol@example.com");
    c.transferred_from = Some(TransferLink {
        call_id: "7c2f-xfer@host.example.net".into(),
        refer_frame: 16,
        matched: LinkMatch::ReferredByAndUri,
    });
    c
}

/// All the sample calls, in start order.
pub fn sample_calls() -> Vec<Call> {
    vec![basic_call(), prack_transfer_call(), transfer_target_call()]
}
