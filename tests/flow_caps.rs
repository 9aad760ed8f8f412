//! The engine's memory bounds under floods within one Call-ID: the per-call lists (messages,
//! dialogs, legs, PRACK records, transfers, subscriptions) all have caps; these tests hold
//! the engine to them with hostile traffic.

use sipscope::flow::{Config, Engine};
use sipscope::meta::{MessageMeta, Timestamp, Transport};
use sipscope::sip;

fn meta(i: u64) -> MessageMeta {
    MessageMeta {
        frame: i + 1,
        time: Timestamp(1_700_000_000_000_000_000 + i as i64 * 1_000_000),
        src: "10.0.0.1:5060".parse().unwrap(),
        dst: "10.0.0.2:5060".parse().unwrap(),
        transport: Transport::Udp,
    }
}

fn options(call_id: &str, cseq: u64) -> Vec<u8> {
    format!(
        "OPTIONS sip:b@example.com SIP/2.0\r\n\
         Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK{cseq}\r\n\
         From: <sip:a@example.com>;tag=a\r\n\
         To: <sip:b@example.com>\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: {cseq} OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

#[test]
fn messages_per_call_are_capped_and_counted() {
    let mut engine = Engine::new(Config {
        max_messages_per_call: 1000,
        ..Config::default()
    });
    for i in 0..5000 {
        let bytes = options("flood", i);
        engine.on_message(&meta(i), &sip::parse(&bytes).unwrap());
    }
    let a = engine.finish();
    let c = &a.calls[0];
    assert_eq!(c.messages.len(), 1000);
    assert_eq!(c.messages_dropped, 4000);
    assert!(c.flags.iter().any(|f| &**f == "messages-dropped"));
}

/// 200,000 OPTIONS with distinct branches under one Call-ID: without a cap each would keep
/// a transaction state for the call's lifetime (an hour of capture time when idle). The
/// first 8192 are kept, the rest counted on the call (flag) and in the capture counters,
/// while their messages are still stored (up to the message cap).
#[test]
fn transactions_per_call_are_capped() {
    let mut engine = Engine::new(Config::default());
    for i in 0..200_000 {
        let bytes = options("flood", i);
        engine.on_message(&meta(i), &sip::parse(&bytes).unwrap());
    }
    let a = engine.finish();
    let c = &a.calls[0];
    assert_eq!(c.transactions.len(), 8192);
    assert_eq!(a.counters.transactions_dropped, 200_000 - 8192);
    assert!(c.flags.iter().any(|f| &**f == "transactions-dropped"));
    assert_eq!(c.messages.len(), 100_000);
    // the kept transactions are the first ones, intact
    assert_eq!(c.transactions[8191].cseq, 8191);
}
