//! `sipscope stats`: counts per method and status, retransmissions, RFC 6076 metrics, PRACK
//! and transfer summaries, the engine's counters and the packet layer's skip counters.

use std::io::Write;
use std::process::ExitCode;

use sipscope::flow::MetricsAccumulator;
use sipscope::report::stats::Stats;

use super::filter::Filter;
use super::{CmdResult, Global, NOTHING_MATCHED, StatsArgs, input, out_err, pipeline, term};

/// `--help` examples.
pub const AFTER_HELP: &str = "\
Examples:
  sipscope stats trace.pcap
  sipscope stats a.pcap b.pcap --kind call --json | jq .metrics

The RFC 6076 metrics: SER answered / (attempts - redirected), SEER effective responses
(200, 480, 486, 600, 603) / (attempts - redirected), ISA ineffective attempts (408,
500, 503, 504, timeout) / attempts, SCR completed / attempts, SRD INVITE to first
non-100 response, SDD BYE to its response, SDT answer to BYE, RRD REGISTER to 2xx.
The packet counters say what was read and what was skipped, and why. With filters,
calls, messages and metrics cover the matching calls only; the engine and packet
counters always cover the whole input.";

/// Runs the subcommand. Streaming: each call is counted when the engine lets it go and
/// then dropped, so memory does not grow with the capture.
pub fn run(args: StatsArgs, g: Global) -> CmdResult {
    let inputs = input::open_inputs(&args.input.captures)?;
    let filter = Filter::new(&args.filters);
    let mut stats = Stats::new([], Default::default(), Default::default(), Vec::new());
    let mut acc = MetricsAccumulator::default();
    let mut add = |call: &sipscope::flow::Call| {
        if filter.matches(call) {
            if !filter.is_empty() {
                acc.add(call);
            }
            stats.add(call);
        }
    };
    // Calls are counted (and dropped) on the engine's thread, also with -j: counting is
    // cheap, and handing each call to a thread of its own and back cost more than it
    // saved (stats -j 2 on udp-30k: median 207 ms with that thread, 183 ms without).
    let mut res = pipeline::stream(inputs, g, Default::default(), |call| add(&call))?;
    for call in std::mem::take(&mut res.rest.calls) {
        add(&call);
    }
    stats.metrics = if filter.is_empty() {
        res.rest.metrics.clone()
    } else {
        acc.snapshot()
    };
    stats.engine = res.rest.counters.clone();
    stats.packets = res.packets.stats.rows();
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&stats).unwrap_or_default();
        s.push('\n');
        s
    } else {
        stats.render(&term::style(g))
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(out_err)?;
    if stats.calls == 0 && !filter.is_empty() {
        return Ok(ExitCode::from(NOTHING_MATCHED));
    }
    Ok(ExitCode::SUCCESS)
}
