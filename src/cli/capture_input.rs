//! Reading the capture inputs of a command through the packet layer and the parser: the
//! messages per Call-ID, packet-layer counters, and warnings printed to stderr.

use std::path::PathBuf;

use rustc_hash::FxHashMap;

use super::CliError;
use sipscope::capture::Capture;
use sipscope::ingest::{Ingest, IngestStats};
use sipscope::sip;

/// One SIP message as listed by `export`.
#[derive(Clone, Debug)]
pub struct ExportMessage {
    /// Frame number.
    pub frame: u64,
    /// Capture time (epoch seconds).
    pub time: f64,
    /// Source `ip:port`.
    pub src: String,
    /// Destination `ip:port`.
    pub dst: String,
    /// Transport name.
    pub transport: &'static str,
    /// Request method.
    pub method: Option<String>,
    /// Response status.
    pub status: Option<u16>,
    /// Response reason phrase.
    pub reason: Option<String>,
    /// CSeq number.
    pub cseq: Option<u32>,
    /// CSeq method.
    pub cseq_method: Option<String>,
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
        let cseq = msg.cseq();
        let entry = ExportMessage {
            frame: m.meta.frame,
            time: m.meta.time.as_secs_f64(),
            src: m.meta.src.to_string(),
            dst: m.meta.dst.to_string(),
            transport: m.meta.transport.as_str(),
            method: msg.method().map(|x| x.as_str().to_string()),
            status: msg.status(),
            reason: msg.reason_phrase().map(str::to_string),
            cseq: cseq.as_ref().map(|c| c.seq),
            cseq_method: cseq.as_ref().map(|c| c.method.as_str().to_string()),
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
