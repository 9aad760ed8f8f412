//! The streaming analysis shared by `stats` and `export`: capture -> ingest -> `sip::parse`
//! -> `flow::Engine` (streaming), each call handed to the caller as soon as the engine
//! lets it go (finished and quiet for the linger time, or idle), then dropped. Memory stays
//! at the calls open at one time, whatever the size of the capture.

use sipscope::flow::{Analysis, Call, Config, Engine};
use sipscope::sip;

use super::input::{Inputs, PacketReport};
use super::{CliError, Global};

/// What is left when the input ends.
pub struct Streamed {
    /// The calls still open at the end (ordered by first frame), the capture-wide metrics
    /// and the engine's counters.
    pub rest: Analysis,
    /// Packet-layer counters and warnings.
    pub packets: PacketReport,
}

/// Runs the inputs through the packet layer, the parser and the engine in streaming mode,
/// handing every call to `on_call` as it is let go; the calls still open at the end are
/// in [`Streamed::rest`]. Capture warnings are printed unless `--quiet`.
pub fn stream(
    inputs: Inputs,
    g: Global,
    config: Config,
    mut on_call: impl FnMut(Call),
) -> Result<Streamed, CliError> {
    let mut engine = Engine::new(Config {
        streaming: true,
        ..config
    });
    let packets = inputs.read(g, |m| {
        match sip::parse(m.bytes) {
            Ok(msg) => engine.on_message(&m.meta, &msg),
            Err(e) => engine.on_invalid(&m.meta, e.kind.as_str()),
        }
        engine.drain_finished(m.meta.time, &mut on_call);
    })?;
    if !g.quiet {
        for w in &packets.warnings {
            eprintln!("sipscope: warning: {w}");
        }
    }
    Ok(Streamed {
        rest: engine.finish(),
        packets,
    })
}
