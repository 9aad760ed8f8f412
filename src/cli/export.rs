//! `sipscope export`: the call-flow JSON (schema 1, GUIDE §3,
//! `docs/schema/export.schema.json`), as one document or as NDJSON, to stdout or a file.
//! The JSON itself is written by `report::json` (the engine's records are the JSON shape);
//! this module adds the inputs, the filters and the output.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use sipscope::report::json::JsonWriter;

use super::filter::Filter;
use super::{CliError, CmdResult, ExportArgs, Global, NOTHING_MATCHED, input, metrics, out_err};

/// `--help` examples.
pub const AFTER_HELP: &str = "\
Examples:
  sipscope export trace.pcap                      one JSON document on stdout
  sipscope export a.pcap b.pcapng.gz -o calls.json
  sipscope export trace.pcap --ndjson --state failed | jq .call_id

The document follows schema 1 (docs/schema/export.schema.json): one entry per Call-ID
with its messages (frame numbers as in Wireshark), dialogs, transactions, PRACK and
transfer records, then capture-wide RFC 6076 metrics, counters and warnings. With
filters, only the matching calls are written and the metrics cover them alone.
Exit status 1 (with an empty list) when filters were given and no call matched.";

/// Runs the subcommand.
pub fn run(args: ExportArgs, g: Global) -> CmdResult {
    // open the output first: a bad -o path is an error before minutes of reading
    let sink: Box<dyn Write> = match &args.output {
        Some(path) if path.as_os_str() != "-" => Box::new(
            File::create(path)
                .map_err(|e| CliError::input(format!("cannot create {}: {e}", path.display())))?,
        ),
        _ => Box::new(io::stdout().lock()),
    };
    let res = input::analyze(&args.input.captures, g, false)?;
    let filter = Filter::new(&args.filters);
    let analysis = &res.analysis;
    let calls: Vec<_> = analysis
        .calls
        .iter()
        .filter(|c| filter.matches(c))
        .collect();
    let out = BufWriter::with_capacity(1 << 16, sink);
    let write_err = |e: io::Error| match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            CliError::input(format!("cannot write {}: {e}", path.display()))
        }
        _ => out_err(e),
    };
    let mut w = if args.ndjson {
        JsonWriter::ndjson(out)
    } else {
        JsonWriter::document(out).map_err(write_err)?
    };
    for c in &calls {
        w.call(c).map_err(write_err)?;
    }
    let metrics = if filter.is_empty() {
        analysis.metrics.clone()
    } else {
        metrics::over(calls.iter().copied())
    };
    w.finish(&metrics, &analysis.counters, &res.packets.warnings)
        .map_err(write_err)?;
    if calls.is_empty() && !filter.is_empty() {
        if !g.quiet {
            eprintln!(
                "sipscope: no call matched ({} in the input)",
                analysis.calls.len()
            );
        }
        return Ok(ExitCode::from(NOTHING_MATCHED));
    }
    Ok(ExitCode::SUCCESS)
}
