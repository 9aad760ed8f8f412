//! Fuzz target `pipeline`: a capture file body through everything a user runs on it:
//! capture reader, decode, reassembly, SIP framing, `sip::parse`, the call-flow engine in
//! streaming mode (finished calls drained as `export` does) and the renderers (JSON, call
//! table, ladder with the raw text, stats). Nothing may panic or hang, and the caps of the
//! packet layer and of the engine must hold after every frame.
//!
//! The caps are small so that eviction paths run on small inputs. Seeds: small pcap
//! files cut from the shared captures (`python3 fuzz/make_corpus.py`).
//!
//! Run: `cargo +nightly fuzz run pipeline -- -max_len=65536` (from the repository root).
#![no_main]

use std::io::{Cursor, Write};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use sipscope::capture::{Capture, FileReader};
use sipscope::flow::{Call, Config, Engine};
use sipscope::ingest::{Ingest, IngestConfig};
use sipscope::reassembly::{FragConfig, TcpConfig};
use sipscope::report::json::JsonWriter;
use sipscope::report::ladder::{self, LadderOptions};
use sipscope::report::stats::Stats;
use sipscope::report::style::Style;
use sipscope::report::table;

const MAX_OPEN_CALLS: usize = 8;

fn ingest_config() -> IngestConfig {
    IngestConfig {
        frag: FragConfig { max_datagrams: 8, max_bytes: 64 << 10, ..FragConfig::default() },
        tcp: TcpConfig {
            max_streams: 8,
            max_stream_buffer: 16 << 10,
            max_total_bytes: 64 << 10,
            ..TcpConfig::default()
        },
    }
}

/// What each handed-out call goes through: JSON, a table line, the ladder.
fn render(call: &Call, json: &mut JsonWriter<std::io::Sink>, stats: &mut Stats) {
    json.call(call).expect("writing to a sink");
    stats.add(call);
    let style = Style { color: true, width: 80 };
    let _ = table::one_line(call, &style);
    if call.messages.len() <= 64 {
        let _ = ladder::render(&[call], LadderOptions { verbose: true }, &style);
        let _ = ladder::render_raw(&[call], &style);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(reader) = FileReader::from_reader("fuzz", Box::new(Cursor::new(data.to_vec()))) else {
        return;
    };
    let mut cap = Capture::from_readers(vec![reader]);
    let icfg = ingest_config();
    let mut ingest = Ingest::new(icfg);
    let mut engine = Engine::new(Config {
        streaming: true,
        keep_raw: true,
        max_open_calls: MAX_OPEN_CALLS,
        max_messages_per_call: 256,
        linger: Duration::from_secs(4),
        ..Config::default()
    });
    let mut json = JsonWriter::ndjson(std::io::sink());
    let mut stats = Stats::new([], engine.metrics(), engine.counters().clone(), Vec::new());
    let mut on_message = |m: sipscope::meta::RawMessage<'_>| {
        match sipscope::sip::parse(m.bytes) {
            Ok(msg) => engine.on_message(&m.meta, &msg),
            Err(e) => engine.on_invalid(&m.meta, e.kind.as_str()),
        }
        assert!(engine.open_calls() <= MAX_OPEN_CALLS);
        engine.drain_finished(m.meta.time, &mut |call| render(&call, &mut json, &mut stats));
    };
    while let Some(frame) = cap.next_frame() {
        ingest.push(&frame, &mut on_message);
        let (frags, frag_bytes, dirs, tcp_bytes) = ingest.held();
        assert!(frags <= icfg.frag.max_datagrams && frag_bytes <= icfg.frag.max_bytes);
        assert!(dirs <= icfg.tcp.max_streams && tcp_bytes <= icfg.tcp.max_total_bytes);
    }
    ingest.finish(&mut on_message);
    let warnings = cap.warnings();
    let analysis = engine.finish();
    let mut doc = JsonWriter::document(Vec::new()).expect("writing to memory");
    for call in &analysis.calls {
        doc.call(call).expect("writing to memory");
        render(call, &mut json, &mut stats);
    }
    let out = doc
        .finish(&analysis.metrics, &analysis.counters, &warnings)
        .expect("writing to memory");
    // the document is valid JSON
    serde_json::from_slice::<serde_json::Value>(&out).expect("export is valid JSON");
    let numbered: Vec<_> = analysis.calls.iter().take(32).enumerate().collect();
    let _ = table::render(&numbered, &Style::default());
    let _ = stats.render(&Style::default());
    let related: Vec<&Call> = analysis.calls.iter().take(4).collect();
    if related.iter().map(|c| c.messages.len()).sum::<usize>() <= 128 {
        let _ = ladder::render(&related, LadderOptions::default(), &Style { color: false, width: 200 });
    }
    std::io::sink().flush().ok();
});
