//! The filters every analysing subcommand shares (`--call-id`, `--from`, `--to`,
//! `--method`, `--state`, `--kind`, `--since`, `--until`): a call is kept when it matches
//! every filter given; the values of one filter are alternatives.

use std::process::ExitCode;

use sipscope::flow::{Call, Party};
use sipscope::meta::Timestamp;

use super::pattern::Pattern;
use super::{FilterArgs, Global, NOTHING_MATCHED};

/// `1 call`, `3 calls`.
pub fn calls_count(n: usize) -> String {
    format!("{n} {}", if n == 1 { "call" } else { "calls" })
}

/// Says on stderr (unless `--quiet`) that none of the `total` calls of the input matched
/// the filters, and returns the exit status for it.
pub fn no_match(total: usize, g: Global) -> ExitCode {
    if !g.quiet {
        eprintln!(
            "sipscope: no call matched ({} in the input)",
            calls_count(total)
        );
    }
    ExitCode::from(NOTHING_MATCHED)
}

/// Compiled filters.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    call_id: Option<Pattern>,
    from: Option<Pattern>,
    to: Option<Pattern>,
    methods: Vec<String>,
    states: Vec<String>,
    kinds: Vec<String>,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
}

impl Filter {
    /// Compiles the command-line filters.
    pub fn new(a: &FilterArgs) -> Filter {
        Filter {
            call_id: a.call_id.as_deref().map(Pattern::new),
            from: a.from.as_deref().map(Pattern::new),
            to: a.to.as_deref().map(Pattern::new),
            methods: a
                .method
                .iter()
                .map(|m| m.trim().to_ascii_uppercase())
                .collect(),
            states: a.state.clone(),
            kinds: a.kind.clone(),
            since: a.since,
            until: a.until,
        }
    }

    /// True when no filter was given (every call matches).
    pub fn is_empty(&self) -> bool {
        self.call_id.is_none()
            && self.from.is_none()
            && self.to.is_none()
            && self.methods.is_empty()
            && self.states.is_empty()
            && self.kinds.is_empty()
            && self.since.is_none()
            && self.until.is_none()
    }

    /// Whether `c` passes every filter. The time window keeps calls active in it: started at
    /// or before `--until` and ended at or after `--since`.
    pub fn matches(&self, c: &Call) -> bool {
        if let Some(p) = &self.call_id {
            if !p.matches(&c.call_id) {
                return false;
            }
        }
        if let Some(p) = &self.from {
            if !party_matches(p, &c.participants.caller) {
                return false;
            }
        }
        if let Some(p) = &self.to {
            if !party_matches(p, &c.participants.callee) {
                return false;
            }
        }
        if !self.methods.is_empty()
            && !c.messages.iter().any(|m| {
                let method = m.method.as_deref().or(m.cseq_method.as_deref());
                method.is_some_and(|x| self.methods.iter().any(|w| w.eq_ignore_ascii_case(x)))
            })
        {
            return false;
        }
        if !self.states.is_empty() && !self.states.iter().any(|s| s == c.state) {
            return false;
        }
        if !self.kinds.is_empty() && !self.kinds.iter().any(|k| k == c.kind.as_str()) {
            return false;
        }
        if self.since.is_some_and(|t| c.end < t) {
            return false;
        }
        if self.until.is_some_and(|t| c.start > t) {
            return false;
        }
        true
    }
}

/// A party matches when its URI, the URI's user part or its display name does.
fn party_matches(p: &Pattern, party: &Party) -> bool {
    let uri = party.uri.as_deref();
    let user = uri.and_then(|u| {
        let rest = u.split_once(':').map_or(u, |(_, r)| r);
        rest.split_once('@').map(|(user, _)| user)
    });
    [uri, user, party.display.as_deref()]
        .into_iter()
        .flatten()
        .any(|s| p.matches(s))
}
