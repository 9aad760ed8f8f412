//! `sipscope calls`: the call table.

use std::io::Write;
use std::process::ExitCode;

use sipscope::flow::Call;
use sipscope::report::table;

use super::filter::{self, Filter};
use super::{CallsArgs, CmdResult, Global, SortKey, input, out_err, term};

/// `--help` examples.
pub const AFTER_HELP: &str = "\
Examples:
  sipscope calls trace.pcap
  sipscope calls a.pcap b.pcapng.gz --kind call --state failed,busy,rejected
  sipscope calls trace.pcap --from 'alice*' --since 2024-05-01T10:00:00Z
  sipscope calls trace.pcap --sort pdd --reverse --limit 10     the slowest to ring

The # column numbers the calls in start order over the whole input, whatever the
filters; `sipscope flow CAPTURE --index N` draws call N. Flags: retx:N retransmitted
messages, late joined mid-dialog, prack:<problem>, xfer:<outcome> a REFER and how it
ended, xfer-target a call a REFER triggered, no-ack, unanswered, forked, auth,
cancel-race, no-final. Times are capture times in UTC.";

/// Runs the subcommand.
pub fn run(args: CallsArgs, g: Global) -> CmdResult {
    let res = input::analyze(&args.input.captures, g, false)?;
    let calls = &res.analysis.calls;
    let filter = Filter::new(&args.filters);
    let mut rows: Vec<(usize, &Call)> =
        numbered(calls).filter(|(_, c)| filter.matches(c)).collect();
    if rows.is_empty() {
        if filter.is_empty() {
            // nothing was asked for, so nothing failed to match: say so, exit 0
            if !g.quiet {
                eprintln!("sipscope: no SIP calls in the input");
            }
            return Ok(ExitCode::SUCCESS);
        }
        return Ok(filter::no_match(calls.len(), g));
    }
    sort(&mut rows, args.sort);
    if args.reverse {
        rows.reverse();
    }
    let matched = rows.len();
    if let Some(n) = args.limit {
        rows.truncate(n);
    }
    let style = term::style(g);
    let mut text = table::render(&rows, &style);
    if rows.len() < calls.len() {
        let limited = if rows.len() < matched {
            format!(" ({matched} matched)")
        } else {
            String::new()
        };
        text.push_str(&format!(
            "{} of {} calls{limited}\n",
            rows.len(),
            calls.len()
        ));
    }
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(out_err)?;
    Ok(ExitCode::SUCCESS)
}

/// Calls with their `#` number: 1-based in start order over the whole input.
pub fn numbered(calls: &[Call]) -> impl Iterator<Item = (usize, &Call)> {
    calls.iter().enumerate().map(|(i, c)| (i + 1, c))
}

/// Sorts rows by `key`, stable, so ties keep start order. Missing values sort last.
fn sort(rows: &mut [(usize, &Call)], key: SortKey) {
    fn opt(v: Option<f64>) -> (bool, f64) {
        (v.is_none(), v.unwrap_or(0.0))
    }
    match key {
        SortKey::Start => rows.sort_by_key(|(i, c)| (c.start, *i)),
        SortKey::End => rows.sort_by_key(|(_, c)| c.end),
        SortKey::Duration => rows.sort_by(|a, b| {
            opt(a.1.timings.duration)
                .partial_cmp(&opt(b.1.timings.duration))
                .unwrap_or(std::cmp::Ordering::Equal)
        }),
        SortKey::Pdd => rows.sort_by(|a, b| {
            opt(a.1.timings.pdd)
                .partial_cmp(&opt(b.1.timings.pdd))
                .unwrap_or(std::cmp::Ordering::Equal)
        }),
        SortKey::Messages => {
            rows.sort_by_key(|(_, c)| c.messages.len() as u64 + c.messages_dropped)
        }
        SortKey::CallId => rows.sort_by(|a, b| a.1.call_id.cmp(&b.1.call_id)),
        SortKey::State => rows.sort_by_key(|(_, c)| c.state),
        SortKey::Status => rows.sort_by_key(|(_, c)| (c.final_status.is_none(), c.final_status)),
    }
}
