//! What the engine produces: owned, serialisable records that ARE the export shape of the
//! call-flow JSON (schema 1, `docs/schema/export.schema.json`).
//!
//! Field names and meanings of the GUIDE §3 contract are kept exactly; everything else is
//! an addition documented in the schema and in `docs/call-states.md`. Times are capture
//! timestamps serialised as float seconds since the epoch; durations are float seconds.

use std::net::{IpAddr, SocketAddr};

use serde::{Serialize, Serializer};

use super::intern::{Atom, Endpoint};
use crate::meta::{Timestamp, Transport};

/// Serialises a [`Timestamp`] as float seconds since the epoch.
pub(crate) fn ser_time<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(t.as_secs_f64())
}

/// Serialises an optional [`Timestamp`].
pub(crate) fn ser_opt_time<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_f64(t.as_secs_f64()),
        None => s.serialize_none(),
    }
}

fn ser_transport<S: Serializer>(t: &Transport, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t.as_str())
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What a Call-ID is about, from the methods seen under it (precedence:
/// call > registration > subscription > message > options > other).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An INVITE dialog (INVITE, ACK, BYE, CANCEL, PRACK, UPDATE, INFO, COMET seen).
    Call,
    /// REGISTER transactions.
    Registration,
    /// SUBSCRIBE/NOTIFY (any event package except `refer`, which belongs to transfers).
    Subscription,
    /// MESSAGE (RFC 3428).
    Message,
    /// OPTIONS (keepalive, qualify).
    Options,
    /// Anything else: PUBLISH, out-of-dialog REFER, SERVICE, extension methods.
    Other,
}

impl Kind {
    /// The JSON word.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Call => "call",
            Kind::Registration => "registration",
            Kind::Subscription => "subscription",
            Kind::Message => "message",
            Kind::Options => "options",
            Kind::Other => "other",
        }
    }
}

/// Which side of a call did something (caller = the From of the dialog-creating INVITE).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The UAC of the initial INVITE.
    Caller,
    /// The UAS (the party that answered or was called).
    Callee,
}

/// Why a call record was handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Closed {
    /// The call had finished and stayed quiet for the linger time (streaming mode).
    Finished,
    /// No message for the idle timeout while still open (streaming mode).
    IdleTimeout,
    /// Evicted because the open-call cap was reached (oldest activity first).
    Evicted,
    /// The capture ended (every call still open at `finish`).
    CaptureEnd,
}

/// One analysed Call-ID (or one stretch of it, see `closed`).
#[derive(Clone, Debug, Serialize)]
pub struct Call {
    /// The Call-ID header value.
    pub call_id: Box<str>,
    /// What the Call-ID is about.
    pub kind: Kind,
    /// The state word (rules in `docs/call-states.md`).
    pub state: &'static str,
    /// Time of the first message.
    #[serde(serialize_with = "ser_time")]
    pub start: Timestamp,
    /// Time of the last message.
    #[serde(serialize_with = "ser_time")]
    pub end: Timestamp,
    /// Frame of the first message.
    pub first_frame: u64,
    /// Frame of the last message.
    pub last_frame: u64,
    /// Notable facts (documented words, e.g. `joined-late`, `answered-without-ack`).
    pub flags: Vec<&'static str>,
    /// Caller and callee as the signalling names them.
    pub participants: Participants,
    /// Final status of the transaction that decides the state (the deciding INVITE for
    /// calls, the last request otherwise).
    pub final_status: Option<u16>,
    /// Its reason phrase.
    pub final_reason: Option<Atom>,
    /// The Reason header (RFC 3326) of the BYE, else the CANCEL, else the final response.
    pub reason: Option<ReasonInfo>,
    /// Who sent the first BYE (calls only).
    pub hangup: Option<Side>,
    /// Per-call timings (calls and registrations).
    pub timings: Timings,
    /// Every message under the Call-ID, in capture order.
    pub messages: Vec<MessageRecord>,
    /// Messages seen but not stored because the per-call cap was reached.
    #[serde(skip_serializing_if = "is_zero")]
    pub messages_dropped: u64,
    /// The hops the Call-ID was seen on.
    pub legs: Vec<Leg>,
    /// Dialogs (RFC 3261 §12): one per (From tag, To tag) pair.
    pub dialogs: Vec<Dialog>,
    /// Transactions (RFC 3261 §17).
    pub transactions: Vec<Transaction>,
    /// Reliable provisional responses and their PRACKs (RFC 3262).
    pub prack: Vec<Prack>,
    /// REFERs and their outcome (RFC 3515).
    pub transfers: Vec<Transfer>,
    /// Set on a call that a REFER in another call triggered.
    pub transferred_from: Option<TransferLink>,
    /// REGISTER summary (registrations).
    pub registration: Option<Registration>,
    /// Event subscriptions (RFC 6665), the `refer` package excepted.
    pub subscriptions: Vec<Subscription>,
    /// DTMF digits carried in INFO bodies.
    pub dtmf: Vec<Dtmf>,
    /// re-INVITEs and UPDATEs.
    pub session_changes: Vec<SessionChange>,
    /// Why this record was handed out.
    pub closed: Closed,
    /// The call had a deciding INVITE: it counts as a session attempt in the RFC 6076
    /// metrics (docs/call-states.md §Metrics).
    pub session_attempt: bool,
}

/// The two parties of a Call-ID.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Participants {
    /// From of the dialog-creating request (or of the first message when joined late).
    pub caller: Party,
    /// To of the same request.
    pub callee: Party,
}

/// One party: URI, display name, software.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Party {
    /// The address URI (without angle brackets).
    pub uri: Option<Box<str>>,
    /// The display name, unquoted.
    pub display: Option<Box<str>>,
    /// The tag this party used (caller: From tag; callee: To tag of the 2xx that answered,
    /// else of the first tagged response).
    pub tag: Option<Box<str>>,
    /// User-Agent of this party's requests, or Server of its responses.
    pub user_agent: Option<Atom>,
}

/// A Reason header (RFC 3326).
#[derive(Clone, Debug, Serialize)]
pub struct ReasonInfo {
    /// Frame of the message that carried it.
    pub frame: u64,
    /// Protocol token: `Q.850`, `SIP`, ...
    pub protocol: Box<str>,
    /// The `cause` parameter.
    pub cause: Option<u16>,
    /// The `text` parameter, unquoted.
    pub text: Option<Box<str>>,
}

/// Per-call delays in seconds (null when the messages they need were not seen).
/// Definitions in `docs/call-states.md` §Timings.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Timings {
    /// Post-dial delay: SRD of the first INVITE of the call.
    pub pdd: Option<f64>,
    /// Session request delay (RFC 6076 §4.2) of the deciding INVITE: INVITE to the first
    /// non-100 provisional or final response.
    pub srd: Option<f64>,
    /// Deciding INVITE to its first 2xx.
    pub setup: Option<f64>,
    /// First 2xx to the first ACK of that dialog.
    pub answer_to_ack: Option<f64>,
    /// Session duration (RFC 6076 §4.3): first 2xx to the first BYE.
    pub duration: Option<f64>,
    /// Session disconnect delay (RFC 6076 §4.4): BYE to its final response.
    pub sdd: Option<f64>,
    /// Registration request delay (RFC 6076 §4.1): first REGISTER of the successful
    /// round (authentication retries included) to its 2xx.
    pub rrd: Option<f64>,
}

/// One SIP message in a call.
#[derive(Clone, Debug, Serialize)]
pub struct MessageRecord {
    /// 1-based frame number in the input (the frame that completed the message).
    pub frame: u64,
    /// Capture time.
    #[serde(serialize_with = "ser_time")]
    pub time: Timestamp,
    /// Source `ip:port`.
    pub src: Endpoint,
    /// Destination `ip:port`.
    pub dst: Endpoint,
    /// Transport.
    #[serde(serialize_with = "ser_transport")]
    pub transport: Transport,
    /// Request method (null for responses).
    pub method: Option<Atom>,
    /// Response status (null for requests).
    pub status: Option<u16>,
    /// Reason phrase (null for requests).
    pub reason: Option<Atom>,
    /// CSeq number.
    pub cseq: Option<u32>,
    /// CSeq method.
    pub cseq_method: Option<Atom>,
    /// Same message of the same transaction seen before on the same hop (src and dst).
    pub retransmission: bool,
    /// Index into `legs`.
    pub leg: u32,
    /// Index into `transactions` (null when the message has no usable Via or CSeq).
    pub transaction: Option<u32>,
    /// Index into `dialogs` (null for messages outside any dialog).
    pub dialog: Option<u32>,
    /// The message text (only with raw capture enabled, e.g. `flow --raw`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<Box<str>>,
}

/// An endpoint of a leg: an IP address, or `ip:port` when both ends share one address
/// (loopback tests, one host running several agents).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LegEnd {
    /// Address only.
    Ip(IpAddr),
    /// Address and port.
    Addr(SocketAddr),
}

impl Serialize for LegEnd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            LegEnd::Ip(ip) => s.collect_str(ip),
            LegEnd::Addr(a) => s.collect_str(a),
        }
    }
}

/// One hop the Call-ID was seen on (UAC to proxy, proxy to UAS, ...): the unordered pair
/// of hosts that exchanged its messages. The same message seen on two legs is two copies,
/// not a retransmission.
#[derive(Clone, Debug, Serialize)]
pub struct Leg {
    /// The end that sent the first message seen on this leg.
    pub a: LegEnd,
    /// The other end.
    pub b: LegEnd,
    /// Frame of the first message on this leg.
    pub first_frame: u64,
    /// Number of messages on this leg.
    pub messages: u64,
    /// Number of Via headers of the first request on this leg (1 at the UAC, +1 per proxy).
    pub via_depth: Option<u32>,
}

/// Dialog state words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DialogState {
    /// Created by a tagged provisional response, or a request without any tagged response yet.
    Early,
    /// A 2xx (or an in-dialog request, when joined late) was seen.
    Confirmed,
    /// Ended: BYE, a non-2xx final response, or the end of its last usage.
    Terminated,
}

/// What created a dialog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Usage {
    /// INVITE.
    Invite,
    /// SUBSCRIBE (or a NOTIFY that arrived first).
    Subscribe,
    /// REFER (its implicit subscription).
    Refer,
    /// A mid-dialog request whose creating request was not captured.
    Unknown,
}

/// A dialog (RFC 3261 §12): identified within the Call-ID by the two tags.
#[derive(Clone, Debug, Serialize)]
pub struct Dialog {
    /// Tag of the dialog's UAC (From tag of the creating request).
    pub from_tag: Option<Box<str>>,
    /// Tag of the dialog's UAS (null until a tagged response was seen).
    pub to_tag: Option<Box<str>>,
    /// Current state.
    pub state: DialogState,
    /// What created it.
    pub usage: Usage,
    /// Frame that created it.
    pub created_frame: u64,
    /// Frame of the 2xx (or in-dialog request) that confirmed it.
    pub confirmed_frame: Option<u64>,
    /// Frame that ended it.
    pub terminated_frame: Option<u64>,
}

/// A provisional response of a transaction (first sighting of each distinct one).
#[derive(Clone, Debug, Serialize)]
pub struct Provisional {
    /// Status code (100-199).
    pub status: u16,
    /// Frame.
    pub frame: u64,
    /// To tag (early dialog), if any.
    pub to_tag: Option<Box<str>>,
}

/// A transaction (RFC 3261 §17): a request, its retransmissions and its responses on one
/// hop, keyed by top Via branch + sent-by + method (RFC 2543 fallback when the branch has
/// no `z9hG4bK` cookie).
#[derive(Clone, Debug, Serialize)]
pub struct Transaction {
    /// Request method (INVITE for an INVITE transaction even when its ACK is included).
    pub method: Atom,
    /// CSeq number.
    pub cseq: u32,
    /// Top Via branch.
    pub branch: Option<Box<str>>,
    /// Top Via sent-by (`host[:port]`).
    pub sent_by: Atom,
    /// True when matched with the RFC 2543 rule (branch without the magic cookie).
    pub rfc2543: bool,
    /// Leg of the request (or of the first response when the request was not seen).
    pub leg: u32,
    /// Frame of the first sighting of the request (null when only responses were seen).
    pub request_frame: Option<u64>,
    /// Time of that sighting.
    #[serde(serialize_with = "ser_opt_time")]
    pub request_time: Option<Timestamp>,
    /// Number of messages of this transaction flagged as retransmissions.
    pub retransmissions: u32,
    /// Distinct provisional responses.
    pub provisionals: Vec<Provisional>,
    /// First final response status.
    pub final_status: Option<u16>,
    /// Frame of that final response.
    pub final_frame: Option<u64>,
    /// Request to final response, seconds.
    pub response_time: Option<f64>,
    /// Frame of the ACK that belongs to this transaction (ACK to a non-2xx final).
    pub ack_frame: Option<u64>,
    /// Index of the CANCEL transaction aimed at this INVITE.
    pub cancelled_by: Option<u32>,
    /// For a CANCEL: index of the INVITE transaction it cancels.
    pub cancels: Option<u32>,
    /// False for requests that get no response (ACK, BENOTIFY).
    pub expects_response: bool,
}

/// A PRACK problem word (see `docs/call-states.md` §PRACK).
pub type Problem = &'static str;

/// A reliable provisional response (RFC 3262) and the PRACK that acknowledged it, or a
/// PRACK whose RAck named nothing (then `status` and `response_frame` are null).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Prack {
    /// RSeq of the provisional (or the RSeq named by an unmatched PRACK's RAck).
    pub rseq: u32,
    /// Status of the provisional.
    pub status: Option<u16>,
    /// Frame of its first sighting.
    pub response_frame: Option<u64>,
    /// CSeq number of the INVITE it belongs to.
    pub invite_cseq: u32,
    /// To tag: the early dialog.
    pub to_tag: Option<Box<str>>,
    /// Retransmissions of the provisional (same hop).
    pub retransmissions: u32,
    /// Frame of the PRACK whose RAck names it.
    pub prack_frame: Option<u64>,
    /// CSeq number of that PRACK.
    pub prack_cseq: Option<u32>,
    /// RAck of the PRACK as sent (`rseq cseq method`).
    pub rack: Option<Box<str>>,
    /// Final status of the PRACK's own transaction.
    pub prack_status: Option<u16>,
    /// Frame of that response.
    pub prack_response_frame: Option<u64>,
    /// Provisional to PRACK, seconds.
    pub prack_delay: Option<f64>,
    /// PRACK to its final response, seconds.
    pub prack_response_delay: Option<f64>,
    /// A PRACK naming it was seen and not rejected.
    pub acknowledged: bool,
    /// Problem words (empty when all is well).
    pub problems: Vec<Problem>,
}

/// Decoded `Replaces` (RFC 3891): the dialog an attended transfer replaces.
#[derive(Clone, Debug, Serialize)]
pub struct Replaces {
    /// Call-ID of the replaced dialog.
    pub call_id: Box<str>,
    /// `to-tag` parameter.
    pub to_tag: Option<Box<str>>,
    /// `from-tag` parameter.
    pub from_tag: Option<Box<str>>,
}

/// One NOTIFY of a transfer's implicit subscription.
#[derive(Clone, Debug, Serialize)]
pub struct TransferNotify {
    /// Frame of the NOTIFY.
    pub frame: u64,
    /// Its CSeq number.
    pub cseq: u32,
    /// Status code of the `message/sipfrag` body's status line.
    pub sipfrag_status: Option<u16>,
    /// Subscription-State value (`active`, `pending`, `terminated`).
    pub subscription_state: Option<Box<str>>,
    /// Its `reason` parameter.
    pub reason: Option<Box<str>>,
    /// The NOTIFY's own final response.
    pub response_status: Option<u16>,
}

/// Outcome words of a transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransferOutcome {
    /// The last sipfrag reported a 2xx.
    Success,
    /// The last sipfrag reported a final failure, or the subscription ended without one.
    Failed,
    /// The REFER itself was refused (non-2xx final).
    Rejected,
    /// The capture ended before an outcome.
    Pending,
    /// Accepted with `Refer-Sub: false` (RFC 4488): no NOTIFY to wait for.
    NoSubscription,
}

/// How a triggered INVITE was linked to its REFER.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkMatch {
    /// The INVITE's Replaces names the dialog the Refer-To's Replaces names.
    Replaces,
    /// Referred-By and Request-URI both match.
    ReferredByAndUri,
    /// The Request-URI matches the Refer-To URI (user and host).
    RequestUri,
    /// Only Referred-By matches.
    ReferredBy,
}

/// A REFER followed to its outcome.
#[derive(Clone, Debug, Serialize)]
pub struct Transfer {
    /// Frame of the REFER (first sighting).
    pub refer_frame: u64,
    /// Its CSeq number (the `id` of `Event: refer;id=N`).
    pub refer_cseq: u32,
    /// Sent inside a dialog (To tag present).
    pub in_dialog: bool,
    /// Which side of the call sent it (in-dialog REFERs of calls).
    pub referrer: Option<Side>,
    /// Refer-To URI without its embedded headers.
    pub refer_to: Box<str>,
    /// Referred-By URI.
    pub referred_by: Option<Box<str>>,
    /// Refer-To carried `?Replaces=` (attended transfer).
    pub attended: bool,
    /// The decoded Replaces of an attended transfer.
    pub replaces: Option<Replaces>,
    /// Final status of the REFER.
    pub refer_status: Option<u16>,
    /// Frame of that response.
    pub refer_status_frame: Option<u64>,
    /// `Refer-Sub` of the REFER or its 2xx (RFC 4488); null when absent.
    pub refer_sub: Option<bool>,
    /// The NOTIFYs, first sightings, in order.
    pub notifies: Vec<TransferNotify>,
    /// sipfrag status codes of the NOTIFYs in order.
    pub progress: Vec<u16>,
    /// Outcome word.
    pub outcome: TransferOutcome,
    /// Final sipfrag status (>= 200).
    pub final_status: Option<u16>,
    /// Call-ID of the INVITE the transfer triggered, when captured.
    pub target_call_id: Option<Box<str>>,
    /// How that INVITE was recognised.
    pub target_match: Option<LinkMatch>,
}

/// Back link on a call triggered by a REFER elsewhere.
#[derive(Clone, Debug, Serialize)]
pub struct TransferLink {
    /// Call-ID carrying the REFER.
    pub call_id: Box<str>,
    /// Frame of the REFER.
    pub refer_frame: u64,
    /// How the link was made.
    #[serde(rename = "match")]
    pub matched: LinkMatch,
}

/// REGISTER summary.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Registration {
    /// Address of record (To URI).
    pub aor: Option<Box<str>>,
    /// Contact bindings: of the last 2xx when it lists them, else of the last request.
    pub contacts: Vec<Box<str>>,
    /// Expiry the registrar granted (2xx Contact `expires` or Expires), else requested.
    pub expires: Option<u32>,
    /// Expiry the last REGISTER asked for.
    pub requested_expires: Option<u32>,
    /// REGISTER requests (distinct CSeq numbers).
    pub attempts: u32,
    /// 401/407 challenges received.
    pub auth_challenges: u32,
    /// 2xx received.
    pub successes: u32,
    /// Final status of the last REGISTER.
    pub result: Option<u16>,
    /// Frame of the first 2xx.
    pub registered_frame: Option<u64>,
}

/// One state change of a subscription.
#[derive(Clone, Debug, Serialize)]
pub struct SubscriptionChange {
    /// Frame that carried it.
    pub frame: u64,
    /// New state word.
    pub state: &'static str,
    /// `expires` at that point.
    pub expires: Option<u32>,
    /// `reason` parameter, when terminated.
    pub reason: Option<Box<str>>,
}

/// An event subscription (RFC 6665).
#[derive(Clone, Debug, Serialize)]
pub struct Subscription {
    /// Event package.
    pub event: Box<str>,
    /// Event `id` parameter.
    pub id: Option<Box<str>>,
    /// Frame of the first SUBSCRIBE.
    pub subscribe_frame: Option<u64>,
    /// Final status of the last SUBSCRIBE.
    pub subscribe_status: Option<u16>,
    /// Current state word.
    pub state: &'static str,
    /// Last known expiry, seconds.
    pub expires: Option<u32>,
    /// `reason` of the termination.
    pub termination_reason: Option<Box<str>>,
    /// NOTIFY (and BENOTIFY) requests, first sightings.
    pub notifies: u32,
    /// State changes in order.
    pub changes: Vec<SubscriptionChange>,
}

/// A DTMF digit carried in an INFO (RFC 6086).
#[derive(Clone, Debug, Serialize)]
pub struct Dtmf {
    /// Frame of the INFO.
    pub frame: u64,
    /// Time.
    #[serde(serialize_with = "ser_time")]
    pub time: Timestamp,
    /// The digit or event (`0`-`9`, `*`, `#`, `A`-`D`, flash).
    pub digit: Box<str>,
    /// Duration in milliseconds, when given.
    pub duration: Option<u32>,
    /// Content-Type of the body.
    pub content_type: Atom,
}

/// A short description of an SDP offer.
#[derive(Clone, Debug, Serialize)]
pub struct SdpSummary {
    /// Direction of the first media section (`sendonly`: holding the other side).
    pub direction: Option<&'static str>,
    /// Media lines as `kind port proto formats` (`image 5004 udptl t38` for fax).
    pub media: Vec<Box<str>>,
    /// Connection address (`c=`) of the first media section, else the session-level one.
    pub address: Option<Box<str>>,
}

/// A re-INVITE or UPDATE (RFC 3311): a change of session parameters.
#[derive(Clone, Debug, Serialize)]
pub struct SessionChange {
    /// Frame of the request.
    pub frame: u64,
    /// `INVITE` or `UPDATE`.
    pub method: Atom,
    /// CSeq number.
    pub cseq: u32,
    /// Which side sent it.
    pub sender: Option<Side>,
    /// State of the dialog when it was sent.
    pub dialog_state: Option<DialogState>,
    /// The request carried a body (an SDP offer, normally).
    pub with_sdp: bool,
    /// What its SDP says, when it has one.
    pub sdp: Option<SdpSummary>,
    /// Final status.
    pub status: Option<u16>,
    /// Frame of the final response.
    pub status_frame: Option<u64>,
}

/// Capture-wide RFC 6076 metrics over the calls (ratios in percent, null when their
/// denominator is zero). Definitions in `docs/call-states.md` §Metrics.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Metrics {
    /// Calls with a deciding INVITE (session attempts).
    pub session_attempts: u64,
    /// ... whose deciding INVITE got a 2xx.
    pub answered: u64,
    /// ... a 3xx.
    pub redirected: u64,
    /// ... 200, 480, 486, 600 or 603 (RFC 6076 §4.7 effective responses).
    pub effective: u64,
    /// ... 408, 500, 503 or 504, or no final response (RFC 6076 §4.8).
    pub ineffective: u64,
    /// Calls in state `completed`.
    pub completed: u64,
    /// Session establishment ratio: answered / (attempts - redirected).
    pub ser: Option<f64>,
    /// Session establishment effectiveness ratio: effective / (attempts - redirected).
    pub seer: Option<f64>,
    /// Ineffective session attempts: ineffective / attempts.
    pub isa: Option<f64>,
    /// Session completion ratio: completed / attempts.
    pub scr: Option<f64>,
    /// Average SRD over calls that have one, seconds.
    pub avg_srd: Option<f64>,
    /// Average session disconnect delay, seconds.
    pub avg_sdd: Option<f64>,
    /// Average session duration, seconds.
    pub avg_duration: Option<f64>,
    /// Registrations with a successful REGISTER.
    pub registrations: u64,
    /// Average RRD, seconds.
    pub avg_rrd: Option<f64>,
}

/// Engine counters: what was seen, skipped or evicted, and why.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Counters {
    /// Parsed messages given to the engine.
    pub messages: u64,
    /// Unparsable messages (see `invalid_reasons`).
    pub invalid: u64,
    /// Unparsable messages per reason.
    pub invalid_reasons: std::collections::BTreeMap<String, u64>,
    /// Messages without a Call-ID (counted, not assigned to any call).
    pub without_call_id: u64,
    /// Messages flagged as retransmissions.
    pub retransmissions: u64,
    /// Call records created.
    pub calls: u64,
    /// Call records created for a Call-ID that had already been handed out (streaming).
    pub calls_reopened: u64,
    /// Records handed out because the open-call cap was reached.
    pub evicted_cap: u64,
    /// Records handed out after the idle timeout.
    pub evicted_idle: u64,
    /// Highest number of calls open at once.
    pub peak_open_calls: u64,
    /// Messages not stored in their call because of the per-call cap.
    pub messages_dropped: u64,
    /// Transactions not kept because of the per-call cap (8192).
    pub transactions_dropped: u64,
    /// Transfers linked to the INVITE they triggered.
    pub transfers_linked: u64,
}
