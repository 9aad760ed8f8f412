//! Reading the capture inputs of a command through the packet layer and the parser: the
//! messages per Call-ID, packet-layer counters, and warnings printed to stderr.

use std::path::PathBuf;

use rustc_hash::FxHashMap;

use super::CliError;
use sipscope::capture::Capture;
use sipscope::ingest::{Ingest, IngestStats};
use sipscope::sip;

/// One SIP message of a call, as `stats` counts them (`export` goes through the engine).
#[derive(Clone, Debug)]
pub struct ExportMessage {
    /// Frame number.
    pub frame: u64,
}

/// The messages of the inputs.
#[derive(Default)]
pub struct Calls {
    /// Per Call-ID, in order of each Call-ID's first message; messages in frame order.
    pub calls: Vec<(String, Vec<ExportMessage>)>,
    /// Packet-layer counters.
    pub stats: IngestStats,
    /// Messages the parser rejected.
    pub unparseable: u64,
    /// Messages without a Call-ID (left out of `calls`).
    pub without_call_id: u64,
}

/// Opens the inputs, runs them through the pipeline, parses every message and groups them
/// by Call-ID. Capture warnings go to stderr.
pub fn read_calls(paths: &[PathBuf]) -> Result<Calls, CliError> {
    let mut cap = Capture::open(paths).map_err(|e| CliError::input(e.to_string()))?;
    let mut ingest = Ingest::default();
    let mut out = Calls::default();
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    let mut on_message = |m: sipscope::meta::RawMessage<'_>| {
        let msg = match sip::parse(m.bytes) {
            Ok(msg) => msg,
            Err(_) => {
                out.unparseable += 1;
                return;
            }
        };
        let Some(call_id) = msg.call_id() else {
            out.without_call_id += 1;
            return;
        };
        let entry = ExportMessage {
            frame: m.meta.frame,
        };
        let i = *index.entry(call_id.to_string()).or_insert_with(|| {
            out.calls.push((call_id.to_string(), Vec::new()));
            out.calls.len() - 1
        });
        out.calls[i].1.push(entry);
    };
    ingest.run(&mut cap, &mut on_message);
    for w in cap.warnings() {
        eprintln!("sipscope: warning: {w}");
    }
    // messages completed at the end of the input (after a flush) may come late
    for (_, msgs) in &mut out.calls {
        msgs.sort_by_key(|m| m.frame);
    }
    out.calls
        .sort_by_key(|(_, m)| m.first().map_or(0, |m| m.frame));
    out.stats = ingest.stats();
    Ok(out)
}
