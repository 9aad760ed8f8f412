//! `sipscope flow`: the ladder diagram of one call (or of every call the filters select),
//! optionally with the calls linked to it by transfers.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::ExitCode;

use sipscope::flow::Call;
use sipscope::report::ladder::{self, LadderOptions};

use super::filter::{self, Filter};
use super::{CliError, CmdResult, FlowArgs, Global, NOTHING_MATCHED, input, out_err, term};

/// `--help` examples.
pub const AFTER_HELP: &str = "\
Examples:
  sipscope flow trace.pcap --index 3                 call 3 of `sipscope calls`
  sipscope flow trace.pcap --call-id a84b4c76e66710
  sipscope flow trace.pcap --index 1 --related       with the call its REFER triggered
  sipscope flow trace.pcap --index 1 -v              key headers under each arrow
  sipscope flow trace.pcap --index 1 --raw           the messages themselves

Each arrow shows the frame number (as in Wireshark), the time since the first message
and since the previous one; dashed arrows are retransmissions. Notes on the right pair
reliable provisionals with their PRACK (RSeq/RAck) and follow a transfer from the REFER
through its NOTIFYs to its outcome. Any filter (--from, --state, ...) may select the
calls instead of --index; each selected call gets its own diagram.";

/// Runs the subcommand.
pub fn run(args: FlowArgs, g: Global) -> CmdResult {
    let keep_raw = args.verbose || args.raw;
    let res = input::analyze(&args.input.captures, g, keep_raw)?;
    let calls = &res.analysis.calls;
    let filter = Filter::new(&args.filters);
    let selected: Vec<usize> = match args.index {
        Some(n) => {
            if n == 0 || n > calls.len() {
                if !g.quiet {
                    eprintln!(
                        "sipscope: there is no call {n}: the input holds {} (numbered from 1, \
                         see `sipscope calls`)",
                        filter::calls_count(calls.len())
                    );
                }
                return Ok(ExitCode::from(NOTHING_MATCHED));
            }
            (filter.matches(&calls[n - 1]))
                .then_some(n - 1)
                .into_iter()
                .collect()
        }
        None => {
            if filter.is_empty() && calls.len() > 1 {
                return Err(CliError::input(format!(
                    "the input holds {} calls: pick one with --index N or --call-id ID \
                     (list them with `sipscope calls`)",
                    calls.len()
                )));
            }
            (0..calls.len())
                .filter(|&i| filter.matches(&calls[i]))
                .collect()
        }
    };
    if selected.is_empty() {
        return Ok(filter::no_match(calls.len(), g));
    }
    let groups = if args.related {
        related_groups(calls, &selected)
    } else {
        selected.iter().map(|&i| vec![i]).collect()
    };
    let style = term::style(g);
    let opts = LadderOptions {
        verbose: args.verbose,
    };
    let mut out = std::io::stdout().lock();
    for (k, group) in groups.iter().enumerate() {
        let group: Vec<&Call> = group.iter().map(|&i| &calls[i]).collect();
        let text = if args.raw {
            ladder::render_raw(&group, &style)
        } else {
            ladder::render(&group, opts, &style)
        };
        if k > 0 {
            out.write_all(b"\n").map_err(out_err)?;
        }
        out.write_all(text.as_bytes()).map_err(out_err)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The selected calls grouped with every call linked to them by transfers, transitively
/// (REFER -> the call it triggered and, for an attended transfer, the call it replaces; and
/// back), each group in start order.
fn related_groups(calls: &[Call], selected: &[usize]) -> Vec<Vec<usize>> {
    let index_of = |id: &str| calls.iter().position(|c| &*c.call_id == id);
    let links = |i: usize| -> Vec<usize> {
        let c = &calls[i];
        let mut v: Vec<usize> = c
            .transfers
            .iter()
            .filter_map(|t| t.target_call_id.as_deref().and_then(index_of))
            .collect();
        // an attended transfer's REFER names the consultation call it replaces
        v.extend(
            c.transfers
                .iter()
                .filter_map(|t| t.replaces.as_ref().and_then(|r| index_of(&r.call_id))),
        );
        if let Some(l) = &c.transferred_from {
            v.extend(index_of(&l.call_id));
        }
        // a call triggered by a REFER of this one, when only the target carries the link
        for (j, other) in calls.iter().enumerate() {
            if other
                .transferred_from
                .as_ref()
                .is_some_and(|l| *l.call_id == *c.call_id)
            {
                v.push(j);
            }
        }
        v
    };
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    let mut groups = Vec::new();
    for &s in selected {
        if seen.contains(&s) {
            continue;
        }
        let mut group = BTreeSet::new();
        let mut todo = vec![s];
        while let Some(i) = todo.pop() {
            if group.insert(i) {
                todo.extend(links(i));
            }
        }
        seen.extend(group.iter().copied());
        groups.push(group.into_iter().collect());
    }
    groups
}
