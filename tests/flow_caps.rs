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

/// The transactions of one Call-ID have no cap: 200,000 OPTIONS with distinct branches
/// keep 200,000 transaction states (and export 200,000 records) for the call's lifetime,
/// up to the idle timeout (an hour of capture time), although only 100,000 messages are
/// kept. Fix proposed for src/flow/transaction.rs (the perf helper's file): a per-call
/// cap (e.g. 8192) beyond which new transactions are counted, not kept.
#[test]
#[ignore = "transactions per call are not capped yet (src/flow/transaction.rs); see the \
            hardening report"]
fn transactions_per_call_are_capped() {
    let mut engine = Engine::new(Config::default());
    for i in 0..200_000 {
        let bytes = options("flood", i);
        engine.on_message(&meta(i), &sip::parse(&bytes).unwrap());
    }
    let a = engine.finish();
    let c = &a.calls[0];
    assert!(
        c.transactions.len() <= 8192,
        "{} transactions kept for one Call-ID",
        c.transactions.len()
    );
}
