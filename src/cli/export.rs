//! `sipscope export`: the call flows of the captures as JSON (schema 1, GUIDE §3,
//! `docs/schema/export.schema.json`).
//!
//! The pipeline is capture -> ingest -> `sip::parse` -> `flow::Engine` (streaming) ->
//! `report::json`. Calls are written as soon as they have finished and stayed quiet for the
//! engine's linger time, so memory stays flat on huge captures; the calls still open at
//! the end follow, ordered by first frame. The document ends with the capture-wide RFC 6076
//! metrics, the engine counters and the capture warnings (also printed on stderr).

use std::io::{self, Write};

use super::{CliError, CmdResult};
use sipscope::capture::Capture;
use sipscope::flow::{Config, Engine};
use sipscope::ingest::Ingest;
use sipscope::report::json::JsonWriter;
use sipscope::sip;

/// Runs the subcommand.
pub fn run(args: super::ExportArgs) -> CmdResult {
    let mut cap =
        Capture::open(&args.input.captures).map_err(|e| CliError::input(e.to_string()))?;
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(io::BufWriter::new(std::fs::File::create(path).map_err(
            |e| CliError::input(format!("cannot write {}: {e}", path.display())),
        )?)),
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
    };
    let write_err = |e: io::Error| CliError::input(format!("cannot write the export: {e}"));
    let mut writer = if args.ndjson {
        JsonWriter::ndjson(out)
    } else {
        JsonWriter::document(out).map_err(write_err)?
    };
    let mut engine = Engine::new(Config {
        streaming: true,
        ..Config::default()
    });
    let mut ingest = Ingest::default();
    let mut failed: Option<io::Error> = None;
    let mut on_message = |m: sipscope::meta::RawMessage<'_>| {
        match sip::parse(m.bytes) {
            Ok(msg) => engine.on_message(&m.meta, &msg),
            Err(e) => engine.on_invalid(&m.meta, e.kind.as_str()),
        }
        engine.drain_finished(m.meta.time, &mut |call| {
            if failed.is_none() {
                failed = writer.call(&call).err();
            }
        });
    };
    ingest.run(&mut cap, &mut on_message);
    let warnings = cap.warnings();
    for w in &warnings {
        eprintln!("sipscope: warning: {w}");
    }
    let rest = engine.finish();
    for call in &rest.calls {
        if failed.is_none() {
            failed = writer.call(call).err();
        }
    }
    let result = match failed {
        Some(e) => Err(e),
        None => writer
            .finish(&rest.metrics, &rest.counters, &warnings)
            .map(|_| ()),
    };
    match result {
        Ok(()) => Ok(std::process::ExitCode::SUCCESS),
        // a reader that stopped early (`| head`) is not an error
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(std::process::ExitCode::SUCCESS),
        Err(e) => Err(write_err(e)),
    }
}
