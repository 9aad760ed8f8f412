//! `sipscope export`: the call flows of the captures as JSON (schema 1, GUIDE §3,
//! `docs/schema/export.schema.json`), as one document or as NDJSON, to stdout or a file.
//!
//! The pipeline is capture -> ingest -> `sip::parse` -> `flow::Engine` (streaming) ->
//! `report::json`. Calls are written as soon as they have finished and stayed quiet for the
//! engine's linger time, so memory stays flat on huge captures; the calls still open at
//! the end follow, ordered by first frame. The document ends with the capture-wide RFC 6076
//! metrics, the engine counters and the capture warnings (also printed on stderr). With
//! filters only the matching calls are written and the metrics cover them alone.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use sipscope::flow::{Config, MetricsAccumulator};
use sipscope::report::json::JsonWriter;

use super::filter::Filter;
use super::{CliError, CmdResult, ExportArgs, Global, NOTHING_MATCHED, input, out_err, pipeline};

/// `--help` examples.
pub const AFTER_HELP: &str = "\
Examples:
  sipscope export trace.pcap                      one JSON document on stdout
  sipscope export a.pcap b.pcapng.gz -o calls.json
  sipscope export trace.pcap --ndjson --state failed | jq .call_id

The document follows schema 1 (docs/schema/export.schema.json): one entry per Call-ID
with its messages (frame numbers as in Wireshark), dialogs, transactions, PRACK and
transfer records, then capture-wide RFC 6076 metrics, counters and warnings. Calls are
written as they finish (memory stays flat on big captures). With filters, only the
matching calls are written and the metrics cover them alone; exit status 1 (with an
empty list) when no call matched.";

/// Runs the subcommand.
pub fn run(args: ExportArgs, g: Global) -> CmdResult {
    let inputs = input::open_inputs(&args.input.captures)?;
    let to_file = args.output.as_ref().filter(|p| p.as_os_str() != "-");
    // open the output first: a bad -o path is an error before minutes of reading
    let sink: Box<dyn Write + Send> = match to_file {
        Some(path) => Box::new(
            File::create(path)
                .map_err(|e| CliError::input(format!("cannot create {}: {e}", path.display())))?,
        ),
        None => Box::new(io::stdout()),
    };
    let write_err = |e: io::Error| match to_file {
        Some(path) => CliError::input(format!("cannot write {}: {e}", path.display())),
        None => out_err(e),
    };
    let out = Deferred::new(BufWriter::with_capacity(1 << 16, sink));
    let mut writer = if args.ndjson {
        JsonWriter::ndjson(out)
    } else {
        JsonWriter::document(out).map_err(write_err)?
    };
    let filter = Filter::new(&args.filters);
    let mut acc = MetricsAccumulator::default();
    let mut failed: Option<io::Error> = None;
    let mut write = |call: &sipscope::flow::Call| {
        if failed.is_none() && filter.matches(call) {
            acc.add(call);
            failed = writer.call(call).err();
        }
    };
    // with -j, calls are serialised on a thread of their own
    let (res, mut write) =
        pipeline::stream_to(inputs, g, Config::default(), move |call| write(call))?;
    let (mut rest, packets) = (res.rest, res.packets);
    for call in std::mem::take(&mut rest.calls) {
        write(&call);
    }
    if let Some(e) = failed {
        return Err(write_err(e));
    }
    let metrics = if filter.is_empty() {
        rest.metrics.clone()
    } else {
        acc.snapshot()
    };
    let written = writer.written();
    writer
        .finish(&metrics, &rest.counters, &packets.warnings)
        .map_err(write_err)?;
    if written == 0 && !filter.is_empty() {
        if !g.quiet {
            eprintln!(
                "sipscope: no call matched ({} in the input)",
                rest.counters.calls
            );
        }
        return Ok(ExitCode::from(NOTHING_MATCHED));
    }
    Ok(ExitCode::SUCCESS)
}

/// Holds the first bytes back (up to [`Deferred::HOLD`]) until the output is flushed or
/// grows past it, and drops them if it is dropped first: an input error found while
/// reading (a capture of a link type we do not decode) then leaves stdout empty instead of
/// half a document.
struct Deferred<W: Write> {
    inner: W,
    held: Option<Vec<u8>>,
}

impl<W: Write> Deferred<W> {
    const HOLD: usize = 1 << 16;

    fn new(inner: W) -> Self {
        Deferred {
            inner,
            held: Some(Vec::new()),
        }
    }

    fn release(&mut self) -> io::Result<()> {
        if let Some(held) = self.held.take() {
            self.inner.write_all(&held)?;
        }
        Ok(())
    }
}

impl<W: Write> Write for Deferred<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.held {
            Some(held) if held.len() + buf.len() <= Self::HOLD => {
                held.extend_from_slice(buf);
                Ok(buf.len())
            }
            _ => {
                self.release()?;
                self.inner.write(buf)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.release()?;
        self.inner.flush()
    }
}
