//! The engine on hostile orderings: every message of every capture fed in reverse order, in
//! a shuffled order with scrambled times, and cut in two with a streaming drain in between.
//! Nothing may panic (debug builds check arithmetic overflow), and every message with a
//! Call-ID must land in exactly one call.

mod export_support;

use std::path::PathBuf;

use export_support::every_capture;
use sipscope::capture::Capture;
use sipscope::flow::{Config, Engine};
use sipscope::ingest::Ingest;
use sipscope::meta::{MessageMeta, Timestamp};
use sipscope::sip;

fn messages(path: &PathBuf) -> Vec<(MessageMeta, Vec<u8>)> {
    let mut cap = Capture::open(&[path]).expect("open");
    let mut out = Vec::new();
    Ingest::default().run(&mut cap, &mut |m| out.push((m.meta, m.bytes.to_vec())));
    out
}

/// Runs the messages through an engine; returns (messages with a Call-ID, messages stored).
fn run(msgs: &[(MessageMeta, Vec<u8>)], config: Config, drain_at: Option<usize>) -> (u64, u64) {
    let mut engine = Engine::new(config);
    let mut stored = 0u64;
    let mut with_id = 0u64;
    for (i, (meta, bytes)) in msgs.iter().enumerate() {
        match sip::parse(bytes) {
            Ok(m) => {
                with_id += m.call_id().is_some() as u64;
                engine.on_message(meta, &m);
            }
            Err(e) => engine.on_invalid(meta, e.kind.as_str()),
        }
        if Some(i) == drain_at {
            engine.drain_finished(Timestamp(i64::MAX / 4), &mut |c| {
                stored += c.messages.len() as u64
            });
        }
        engine.drain_finished(meta.time, &mut |c| stored += c.messages.len() as u64);
    }
    let a = engine.finish();
    stored += a.calls.iter().map(|c| c.messages.len() as u64).sum::<u64>();
    // serialising never fails either
    let _ = sipscope::report::json::to_value(&a, &[]);
    (with_id, stored)
}

#[test]
fn hostile_orders_do_not_panic_and_lose_nothing() {
    let caps = every_capture();
    assert!(!caps.is_empty());
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for path in &caps {
        let msgs = messages(path);
        let (a, b) = run(&msgs, Config::default(), None);
        assert_eq!(a, b, "{}: in order", path.display());
        let mut rev = msgs.clone();
        rev.reverse();
        let (a, b) = run(&rev, Config::default(), None);
        assert_eq!(a, b, "{}: reversed", path.display());
        let mut shuffled = msgs.clone();
        for i in (1..shuffled.len()).rev() {
            let j = (next() % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        for (meta, _) in shuffled.iter_mut() {
            // times jumping around, far in the past and future
            meta.time = Timestamp((next() % 4_000_000_000_000_000_000) as i64);
        }
        let streaming = Config {
            streaming: true,
            max_open_calls: 3,
            ..Config::default()
        };
        let (a, b) = run(&shuffled, streaming, Some(shuffled.len() / 2));
        assert_eq!(a, b, "{}: shuffled, streaming, cap 3", path.display());
    }
}
