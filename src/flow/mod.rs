//! The call-flow engine: calls, dialogs, transactions, PRACK pairing and transfer outcomes.
//!
//! Feed [`Engine::on_message`] every parsed SIP message in capture order; it groups them by
//! Call-ID and rebuilds, per call: legs (hops), transactions (RFC 3261 §17) with
//! retransmissions, dialogs (§12), the call state (the words of GUIDE §3), PRACK pairs
//! (RFC 3262), transfers (RFC 3515) with their outcome, registrations, subscriptions,
//! DTMF, session changes, timings, and capture-wide RFC 6076 metrics. The rules are written
//! down in `docs/call-states.md`; the output records ([`model`]) are the export shape of the
//! call-flow JSON (`docs/schema/export.schema.json`).
//!
//! ```no_run
//! use sipscope::flow::{Config, Engine};
//! # fn messages() -> Vec<(sipscope::meta::MessageMeta, Vec<u8>)> { vec![] }
//! let mut engine = Engine::new(Config { streaming: true, ..Config::default() });
//! for (meta, bytes) in messages() {
//!     match sipscope::sip::parse(&bytes) {
//!         Ok(msg) => engine.on_message(&meta, &msg),
//!         Err(e) => engine.on_invalid(&meta, e.kind.as_str()),
//!     }
//!     engine.drain_finished(meta.time, &mut |call| println!("{} {}", call.call_id, call.state));
//! }
//! let rest = engine.finish();
//! println!("{} calls still open at the end, SER {:?}", rest.calls.len(), rest.metrics.ser);
//! ```
//!
//! Memory: per open call, its messages (about 150 bytes each) and small per-transaction
//! records; strings that repeat (methods, phrases, hosts, User-Agents) are shared
//! [`intern::Atom`]s. Every per-call list and the number of open calls is capped, and in
//! streaming mode finished calls are handed out and dropped.

mod body;
mod call;
mod dialog;
mod engine;
pub mod intern;
mod leg;
pub mod metrics;
pub mod model;
mod prack;
mod registration;
mod small_map;
mod state;
mod subscription;
mod timing;
mod transaction;
mod transfer;

#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;

pub use engine::{Analysis, Config, Engine};
pub use metrics::MetricsAccumulator;
pub use model::{
    Call, Closed, Counters, Dialog, DialogState, Dtmf, Kind, Leg, LegEnd, LinkMatch, MessageRecord,
    Metrics, Participants, Party, Prack, Provisional, ReasonInfo, Registration, Replaces,
    SdpSummary, SessionChange, Side, Subscription, SubscriptionChange, Timings, Transaction,
    Transfer, TransferLink, TransferNotify, TransferOutcome, Usage,
};
