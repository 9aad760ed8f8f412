//! The export's call writer (`report::calljson::write_call`) against the reference,
//! `serde_json::to_vec` of the `Serialize` derives: byte for byte on every call of every
//! capture of `captures/` and the shared corpus (and the bench captures when present), with
//! and without the raw message text, in batch and streaming mode.

mod export_support;

use std::path::Path;

use export_support::{every_capture, root};
use sipscope::capture::Capture;
use sipscope::flow::{Call, Config, Engine};
use sipscope::ingest::Ingest;
use sipscope::report::calljson::write_call;
use sipscope::sip;

/// Every call of `path` (batch: the calls of `finish`; streaming: as handed out, then the
/// rest).
fn calls(path: &Path, config: Config) -> Vec<Call> {
    let mut cap = Capture::open(&[path]).expect("open capture");
    let streaming = config.streaming;
    let mut engine = Engine::new(config);
    let mut out = Vec::new();
    let mut ingest = Ingest::default();
    let mut on = |m: sipscope::meta::RawMessage<'_>| {
        match sip::parse(m.bytes) {
            Ok(msg) => engine.on_message(&m.meta, &msg),
            Err(e) => engine.on_invalid(&m.meta, e.kind.as_str()),
        }
        if streaming {
            engine.drain_finished(m.meta.time, &mut |c| out.push(c));
        }
    };
    while let Some(frame) = cap.next_frame() {
        ingest.push(&frame, &mut on);
    }
    ingest.finish(&mut on);
    out.extend(engine.finish().calls);
    out
}

fn compare(path: &Path, config: Config) -> usize {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let calls = calls(path, config);
    let mut ours = Vec::new();
    for (i, c) in calls.iter().enumerate() {
        ours.clear();
        write_call(&mut ours, c);
        let reference = serde_json::to_vec(c).unwrap();
        if ours != reference {
            panic!(
                "{name} call {i} ({}) differs:\n ours: {}\nserde: {}",
                c.call_id,
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&reference)
            );
        }
    }
    calls.len()
}

#[test]
fn every_call_of_every_capture_is_written_as_serde_json_writes_it() {
    let caps = every_capture();
    assert!(
        caps.len() >= 30,
        "expected the corpus beside the repository, found {}",
        caps.len()
    );
    let (mut n, mut with_raw) = (0, 0);
    for cap in &caps {
        n += compare(cap, Config::default());
        with_raw += compare(
            cap,
            Config {
                keep_raw: true,
                ..Config::default()
            },
        );
        compare(
            cap,
            Config {
                streaming: true,
                ..Config::default()
            },
        );
    }
    assert!(n > 100, "only {n} calls");
    assert_eq!(n, with_raw);
}

/// The generated bench capture (`bench-data/udp-10k.pcap`, made by `scripts/bench`), when
/// it is there: 10,000 calls of every kind the generator makes.
#[test]
fn the_bench_capture_when_present() {
    let p = root().join("bench-data/udp-10k.pcap");
    if p.exists() {
        assert!(
            compare(
                &p,
                Config {
                    streaming: true,
                    ..Config::default()
                }
            ) >= 10_000
        );
    }
}
