//! Per-call timings (definitions: `docs/call-states.md` §Timings). Every delay is measured
//! between first sightings on the leg of the deciding INVITE, so that a proxy's copies do
//! not shorten or lengthen it.

use super::model::Timings;
use super::transaction::TxnState;
use crate::meta::Timestamp;

fn delay(from: Option<Timestamp>, to: Option<Timestamp>) -> Option<f64> {
    match (from, to) {
        (Some(a), Some(b)) if b >= a => Some(b.secs_since(a)),
        _ => None,
    }
}

/// SRD of one INVITE transaction: request to first non-100 response.
pub(crate) fn srd(t: &TxnState) -> Option<f64> {
    delay(t.rec.request_time, t.first_non100())
}

/// Timings of a call.
///
/// * `deciding`, `first`: the deciding and the first initial INVITE transactions;
/// * `first_response`: the first non-100 response to any initial INVITE sent by the sender
///   of `first` (the first one's own, unless it went unanswered and the UA retried elsewhere:
///   RFC 3665 3.4 proxy failover);
/// * `bye`: time of the first BYE and of its first final response;
/// * `first_ack(cseq, to_tag, after)`: time of the first ACK with that CSeq and To tag at or
///   after `after`.
pub(crate) fn call_timings(
    deciding: &TxnState,
    first: Option<&TxnState>,
    first_response: Option<Timestamp>,
    bye: Option<(Timestamp, Option<Timestamp>)>,
    first_ack: impl Fn(u32, Option<&str>, Timestamp) -> Option<Timestamp>,
) -> Timings {
    let answer = deciding.first_2xx.as_ref();
    let answer_time = answer.map(|a| a.time);
    let ack = answer.and_then(|a| first_ack(deciding.rec.cseq, a.to_tag.as_deref(), a.time));
    Timings {
        pdd: first.and_then(|f| delay(f.rec.request_time, first_response)),
        srd: srd(deciding),
        setup: delay(deciding.rec.request_time, answer_time),
        answer_to_ack: delay(answer_time, ack),
        duration: delay(answer_time, bye.map(|b| b.0)),
        sdd: bye.and_then(|(sent, answered)| delay(Some(sent), answered)),
        rrd: None,
    }
}
