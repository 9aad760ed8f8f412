//! `sipscope export`: the SIP messages of the captures grouped by Call-ID, as JSON in the
//! shape of the call-flow contract (schema 1, `messages` entries). This first version lists
//! messages only; the call-flow engine adds dialogs, states, PRACK and transfers.

use std::io::Write;

use serde_json::{Value, json};

use super::{CliError, CmdResult};
use crate::cli::capture_input::{ExportMessage, read_calls};

/// Runs the subcommand.
pub fn run(args: super::ExportArgs) -> CmdResult {
    let calls = read_calls(&args.input.captures)?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let text = if args.ndjson {
        let mut s = String::new();
        for (call_id, msgs) in &calls.calls {
            s.push_str(&call_json(call_id, msgs).to_string());
            s.push('\n');
        }
        s
    } else {
        let mut s = serde_json::to_string_pretty(&export_json(&calls.calls))
            .expect("JSON values always serialise");
        s.push('\n');
        s
    };
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| CliError::input(format!("cannot write the export: {e}")))?;
    Ok(std::process::ExitCode::SUCCESS)
}

/// The whole export document.
pub fn export_json(calls: &[(String, Vec<ExportMessage>)]) -> Value {
    json!({
        "schema": 1,
        "generator": format!("sipscope {}", env!("CARGO_PKG_VERSION")),
        "calls": calls.iter().map(|(id, m)| call_json(id, m)).collect::<Vec<_>>(),
    })
}

/// One call: its Call-ID, first and last message times, and its messages.
fn call_json(call_id: &str, msgs: &[ExportMessage]) -> Value {
    let start = msgs.first().map(|m| m.time);
    let end = msgs.last().map(|m| m.time);
    json!({
        "call_id": call_id,
        "start": start,
        "end": end,
        "messages": msgs.iter().map(|m| json!({
            "frame": m.frame,
            "time": m.time,
            "src": m.src,
            "dst": m.dst,
            "transport": m.transport,
            "method": m.method,
            "status": m.status,
            "reason": m.reason,
            "cseq": m.cseq,
            "cseq_method": m.cseq_method,
            "retransmission": false,
        })).collect::<Vec<_>>(),
    })
}
