//! Throughput of the call-flow engine and of the whole library path, on the realistic
//! traffic of `examples/gen_capture` (basic calls, PRACK, REFER transfers, CANCEL, 486,
//! REGISTER with digest challenge, OPTIONS, UDP retransmissions, fragmented INVITEs).
//!
//! - `engine/batch` and `engine/streaming`: `Engine::on_message` over messages parsed
//!   beforehand (the parser has its own bench, `benches/parse.rs`), then `finish`; streaming
//!   drains finished calls after every message and drops them, as `stats` and `export` do.
//! - `end_to_end/stats` and `end_to_end/export`: an in-memory pcap through capture reading,
//!   decode, reassembly, framing, parsing, the engine (streaming) and the statistics or the
//!   JSON writer (to a sink): everything `sipscope stats`/`export` do but the file read.
//!
//! `cargo bench --bench engine` generates 10,000 calls over UDP (SIPSCOPE_BENCH_CALLS
//! changes it); under `cargo test` the same code runs once on 300 calls. Throughput is in
//! SIP messages ("elements") per second.

use std::hint::black_box;
use std::io::Cursor;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sipscope::capture::{Capture, FileReader};
use sipscope::flow::{Config, Engine};
use sipscope::ingest::Ingest;
use sipscope::meta::MessageMeta;
use sipscope::report::json::JsonWriter;
use sipscope::report::stats::Stats;
use sipscope::sip;

#[allow(dead_code)]
#[path = "../examples/gen_capture/sipgen.rs"]
mod sipgen;

fn reader(pcap: &'static [u8]) -> Capture {
    let r = FileReader::from_reader("bench", Box::new(Cursor::new(pcap))).expect("a pcap");
    Capture::from_readers(vec![r])
}

/// Every SIP message of the capture, owned, in the order the packet layer hands them out.
fn messages(pcap: &'static [u8]) -> Vec<(MessageMeta, Vec<u8>)> {
    let mut out = Vec::new();
    Ingest::default().run(&mut reader(pcap), &mut |m| {
        out.push((m.meta, m.bytes.to_vec()))
    });
    out
}

/// Runs the in-memory capture the way `sipscope stats` does; returns the calls counted.
fn stats_path(pcap: &'static [u8]) -> u64 {
    let mut engine = Engine::new(Config {
        streaming: true,
        ..Config::default()
    });
    let mut stats = Stats::new([], Default::default(), Default::default(), Vec::new());
    let mut ingest = Ingest::default();
    ingest.run(&mut reader(pcap), &mut |m| {
        match sip::parse(m.bytes) {
            Ok(msg) => engine.on_message(&m.meta, &msg),
            Err(e) => engine.on_invalid(&m.meta, e.kind.as_str()),
        }
        engine.drain_finished(m.meta.time, &mut |c| stats.add(&c));
    });
    let rest = engine.finish();
    for c in &rest.calls {
        stats.add(c);
    }
    stats.calls
}

/// Runs the in-memory capture the way `sipscope export` does; returns the bytes written.
fn export_path(pcap: &'static [u8]) -> usize {
    let mut engine = Engine::new(Config {
        streaming: true,
        ..Config::default()
    });
    let mut w = JsonWriter::document(Vec::with_capacity(pcap.len())).expect("to memory");
    let mut ingest = Ingest::default();
    ingest.run(&mut reader(pcap), &mut |m| {
        match sip::parse(m.bytes) {
            Ok(msg) => engine.on_message(&m.meta, &msg),
            Err(e) => engine.on_invalid(&m.meta, e.kind.as_str()),
        }
        engine.drain_finished(m.meta.time, &mut |c| w.call(&c).expect("to memory"));
    });
    let rest = engine.finish();
    for c in &rest.calls {
        w.call(c).expect("to memory");
    }
    let out = w
        .finish(&rest.metrics, &rest.counters, &[])
        .expect("to memory");
    out.len()
}

fn bench(c: &mut Criterion) {
    let full = std::env::args().any(|a| a == "--bench");
    let calls = std::env::var("SIPSCOPE_BENCH_CALLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if full { 10_000 } else { 300 });
    let mut pcap = Vec::new();
    let summary = sipgen::generate(&mut pcap, calls, sipgen::Tp::Udp, 1, 50.0, |_| {})
        .expect("writing to memory");
    let pcap: &'static [u8] = Box::leak(pcap.into_boxed_slice());
    let owned = messages(pcap);
    assert_eq!(
        owned.len() as u64,
        summary.messages,
        "every generated message is read back"
    );
    let parsed: Vec<(MessageMeta, sip::Message<'_>)> = owned
        .iter()
        .map(|(meta, bytes)| (*meta, sip::parse(bytes).expect("generated messages parse")))
        .collect();
    eprintln!(
        "engine bench: {} calls, {} Call-IDs, {} SIP messages, {:.1} MB of pcap",
        summary.calls,
        summary.call_ids,
        summary.messages,
        pcap.len() as f64 / 1e6
    );

    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(parsed.len() as u64));
    g.sample_size(10);
    g.bench_function("batch", |b| {
        b.iter(|| {
            let mut engine = Engine::new(Config::default());
            for (meta, msg) in &parsed {
                engine.on_message(meta, msg);
            }
            black_box(engine.finish().calls.len())
        })
    });
    g.bench_function("streaming", |b| {
        b.iter(|| {
            let mut engine = Engine::new(Config {
                streaming: true,
                ..Config::default()
            });
            let mut n = 0usize;
            for (meta, msg) in &parsed {
                engine.on_message(meta, msg);
                engine.drain_finished(meta.time, &mut |c| n += c.messages.len());
            }
            n += engine.finish().calls.len();
            black_box(n)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("end_to_end");
    g.throughput(Throughput::Elements(parsed.len() as u64));
    g.sample_size(10);
    g.bench_function("stats", |b| b.iter(|| black_box(stats_path(pcap))));
    g.bench_function("export", |b| b.iter(|| black_box(export_path(pcap))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
