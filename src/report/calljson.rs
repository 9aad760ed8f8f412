//! A hand-written compact JSON writer for [`Call`]: the same bytes as
//! `serde_json::to_writer(call)` (the `Serialize` derives of `flow::model` stay the
//! reference, and the tests compare the two on every call of every capture), written
//! without serde's per-field machinery.
//!
//! What makes it cheaper than serde_json: each field's `,"name":` is one constant copied
//! in one piece (serde_json writes the comma, then escapes the key byte by byte, then the
//! colon); strings are scanned for bytes that need escaping eight at a time and copied in
//! one piece when clean; endpoints (`ip:port`) and the enum words are copied without a
//! scan. Numbers are formatted as serde_json formats them: integers with `itoa`, finite
//! floats with `zmij::Buffer::format_finite` (serde_json's own float formatter), NaN and
//! infinities as `null`.
//!
//! When a field is added to the model, add it here too: the comparison tests fail until
//! the two agree.

use crate::flow::intern::{Atom, Endpoint};
use crate::flow::model::*;
use crate::meta::Timestamp;
use crate::swar;

/// Appends `call` as compact JSON to `out` (exactly `serde_json::to_writer(out, call)`).
pub fn write_call(out: &mut Vec<u8>, call: &Call) {
    call.write(out);
}

/// A value we can write as JSON.
trait Json {
    fn write(&self, out: &mut Vec<u8>);
}

#[inline(always)]
fn raw(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(bytes);
}

/// What serde_json escapes: `"`, `\` and the control bytes below 0x20 (0x7F and non-ASCII
/// bytes are written as they are).
#[inline(always)]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// True when one of the eight bytes of `w` is below 0x20, `"` or `\` (exact: a mask is
/// zero only when no byte matches).
#[inline(always)]
fn word_needs_escape(w: u64) -> bool {
    (swar::below(w, 0x20) | swar::eq(w, b'"') | swar::eq(w, b'\\')) != 0
}

/// Index of the first byte of `s` that needs escaping, or `s.len()`.
#[inline]
fn clean_prefix(s: &[u8]) -> usize {
    let n = s.len();
    let word = |i: usize| swar::word(s, i);
    let mut i = 0;
    if n >= 8 {
        while i + 8 <= n {
            if word_needs_escape(word(i)) {
                break;
            }
            i += 8;
        }
        // every whole word clean: the tail as the last eight bytes, overlapping
        if i + 8 > n && !word_needs_escape(word(n - 8)) {
            return n;
        }
    }
    while i < n && !needs_escape(s[i]) {
        i += 1;
    }
    i
}

/// Writes `s` as a JSON string with serde_json's escapes.
fn string(out: &mut Vec<u8>, s: &str) {
    let mut bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    loop {
        let n = clean_prefix(bytes);
        raw(out, &bytes[..n]);
        if n == bytes.len() {
            break;
        }
        escape(out, bytes[n]);
        bytes = &bytes[n + 1..];
    }
    out.push(b'"');
}

#[cold]
fn escape(out: &mut Vec<u8>, b: u8) {
    static HEX: &[u8; 16] = b"0123456789abcdef";
    let c = match b {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x0C => b'f',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        _ => {
            raw(
                out,
                &[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(b >> 4) as usize],
                    HEX[(b & 0xF) as usize],
                ],
            );
            return;
        }
    };
    raw(out, &[b'\\', c]);
}

/// A string known to need no escaping (enum words, `ip:port`), quotes included.
#[inline(always)]
fn plain(out: &mut Vec<u8>, s: &str) {
    debug_assert!(!s.bytes().any(needs_escape));
    out.reserve(s.len() + 2);
    out.push(b'"');
    raw(out, s.as_bytes());
    out.push(b'"');
}

fn float(out: &mut Vec<u8>, v: f64) {
    if v.is_finite() {
        let mut b = zmij::Buffer::new();
        raw(out, b.format_finite(v).as_bytes());
    } else {
        raw(out, b"null");
    }
}

macro_rules! int_json {
    ($($t:ty),*) => {$(
        impl Json for $t {
            #[inline]
            fn write(&self, out: &mut Vec<u8>) {
                let mut b = itoa::Buffer::new();
                raw(out, b.format(*self).as_bytes());
            }
        }
    )*};
}
int_json!(u16, u32, u64);

impl Json for bool {
    #[inline]
    fn write(&self, out: &mut Vec<u8>) {
        raw(out, if *self { b"true" } else { b"false" });
    }
}

impl Json for f64 {
    #[inline]
    fn write(&self, out: &mut Vec<u8>) {
        float(out, *self);
    }
}

impl Json for Timestamp {
    #[inline]
    fn write(&self, out: &mut Vec<u8>) {
        float(out, self.as_secs_f64());
    }
}

impl Json for str {
    #[inline]
    fn write(&self, out: &mut Vec<u8>) {
        string(out, self);
    }
}

impl Json for &str {
    #[inline]
    fn write(&self, out: &mut Vec<u8>) {
        string(out, self);
    }
}

impl Json for Box<str> {
    #[inline]
    fn write(&self, out: &mut Vec<u8>) {
        string(out, self);
    }
}

impl Json for Atom {
    #[inline]
    fn write(&self, out: &mut Vec<u8>) {
        string(out, self.as_str());
    }
}

impl Json for Endpoint {
    #[inline]
    fn write(&self, out: &mut Vec<u8>) {
        // `ip:port` or `[v6]:port` (a scope id is digits or an interface name, which
        // holds no quote, backslash or control byte either)
        if cfg!(debug_assertions) {
            string(out, self.as_str());
        } else {
            plain(out, self.as_str());
        }
    }
}

impl<T: Json> Json for Option<T> {
    #[inline]
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Some(v) => v.write(out),
            None => raw(out, b"null"),
        }
    }
}

impl<T: Json> Json for Vec<T> {
    fn write(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        let mut first = true;
        for v in self {
            if !first {
                out.push(b',');
            }
            first = false;
            v.write(out);
        }
        out.push(b']');
    }
}

macro_rules! words {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl Json for $t {
            #[inline]
            fn write(&self, out: &mut Vec<u8>) {
                raw(out, match self { $(<$t>::$v => concat!("\"", $s, "\"").as_bytes()),* });
            }
        }
    };
}

words!(Kind { Call => "call", Registration => "registration", Subscription => "subscription",
    Message => "message", Options => "options", Other => "other" });
words!(Side { Caller => "caller", Callee => "callee" });
words!(Closed { Finished => "finished", IdleTimeout => "idle-timeout", Evicted => "evicted",
    CaptureEnd => "capture-end" });
words!(DialogState { Early => "early", Confirmed => "confirmed", Terminated => "terminated" });
words!(Usage { Invite => "invite", Subscribe => "subscribe", Refer => "refer", Unknown => "unknown" });
words!(TransferOutcome { Success => "success", Failed => "failed", Rejected => "rejected",
    Pending => "pending", NoSubscription => "no-subscription" });
words!(LinkMatch { Replaces => "replaces", ReferredByAndUri => "referred-by-and-uri",
    RequestUri => "request-uri", ReferredBy => "referred-by" });

impl Json for LegEnd {
    fn write(&self, out: &mut Vec<u8>) {
        // serde's `collect_str` of an address: its `Display` (which needs no escaping);
        // IPv4, the everyday case, without the formatting machinery
        use std::io::Write as _;
        use std::net::{IpAddr, SocketAddr};
        out.push(b'"');
        match self {
            LegEnd::Ip(IpAddr::V4(ip)) => ipv4(out, ip.octets()),
            LegEnd::Addr(SocketAddr::V4(a)) => {
                ipv4(out, a.ip().octets());
                out.push(b':');
                a.port().write(out);
            }
            LegEnd::Ip(ip) => {
                let _ = write!(out, "{ip}");
            }
            LegEnd::Addr(a) => {
                let _ = write!(out, "{a}");
            }
        }
        out.push(b'"');
    }
}

/// `a.b.c.d`, as `Ipv4Addr`'s `Display` writes it.
fn ipv4(out: &mut Vec<u8>, o: [u8; 4]) {
    let mut b = itoa::Buffer::new();
    raw(out, b.format(o[0]).as_bytes());
    for x in &o[1..] {
        out.push(b'.');
        raw(out, b.format(*x).as_bytes());
    }
}

/// Writes a struct: `{"a":<a>,"b":<b>...}` with each `,"name":` as one constant.
macro_rules! object {
    ($t:ty, $self:ident, $out:ident { $first:ident $(, $f:ident)* $(,)? }) => {
        impl Json for $t {
            fn write(&$self, $out: &mut Vec<u8>) {
                raw($out, concat!("{\"", stringify!($first), "\":").as_bytes());
                $self.$first.write($out);
                $(
                    raw($out, concat!(",\"", stringify!($f), "\":").as_bytes());
                    $self.$f.write($out);
                )*
                $out.push(b'}');
            }
        }
    };
}

impl Json for Call {
    fn write(&self, out: &mut Vec<u8>) {
        raw(out, b"{\"call_id\":");
        self.call_id.write(out);
        raw(out, b",\"kind\":");
        self.kind.write(out);
        raw(out, b",\"state\":");
        self.state.write(out);
        raw(out, b",\"start\":");
        self.start.write(out);
        raw(out, b",\"end\":");
        self.end.write(out);
        raw(out, b",\"first_frame\":");
        self.first_frame.write(out);
        raw(out, b",\"last_frame\":");
        self.last_frame.write(out);
        raw(out, b",\"flags\":");
        self.flags.write(out);
        raw(out, b",\"participants\":");
        self.participants.write(out);
        raw(out, b",\"final_status\":");
        self.final_status.write(out);
        raw(out, b",\"final_reason\":");
        self.final_reason.write(out);
        raw(out, b",\"reason\":");
        self.reason.write(out);
        raw(out, b",\"hangup\":");
        self.hangup.write(out);
        raw(out, b",\"timings\":");
        self.timings.write(out);
        raw(out, b",\"messages\":");
        self.messages.write(out);
        if self.messages_dropped != 0 {
            raw(out, b",\"messages_dropped\":");
            self.messages_dropped.write(out);
        }
        raw(out, b",\"legs\":");
        self.legs.write(out);
        raw(out, b",\"dialogs\":");
        self.dialogs.write(out);
        raw(out, b",\"transactions\":");
        self.transactions.write(out);
        raw(out, b",\"prack\":");
        self.prack.write(out);
        raw(out, b",\"transfers\":");
        self.transfers.write(out);
        raw(out, b",\"transferred_from\":");
        self.transferred_from.write(out);
        raw(out, b",\"registration\":");
        self.registration.write(out);
        raw(out, b",\"subscriptions\":");
        self.subscriptions.write(out);
        raw(out, b",\"dtmf\":");
        self.dtmf.write(out);
        raw(out, b",\"session_changes\":");
        self.session_changes.write(out);
        raw(out, b",\"closed\":");
        self.closed.write(out);
        raw(out, b",\"session_attempt\":");
        self.session_attempt.write(out);
        out.push(b'}');
    }
}

object!(Participants, self, out { caller, callee });
object!(
    Party,
    self,
    out {
        uri,
        display,
        tag,
        user_agent
    }
);
object!(
    ReasonInfo,
    self,
    out {
        frame,
        protocol,
        cause,
        text
    }
);
object!(
    Timings,
    self,
    out {
        pdd,
        srd,
        setup,
        answer_to_ack,
        duration,
        sdd,
        rrd
    }
);

impl Json for MessageRecord {
    fn write(&self, out: &mut Vec<u8>) {
        raw(out, b"{\"frame\":");
        self.frame.write(out);
        raw(out, b",\"time\":");
        self.time.write(out);
        raw(out, b",\"src\":");
        self.src.write(out);
        raw(out, b",\"dst\":");
        self.dst.write(out);
        raw(out, b",\"transport\":");
        plain(out, self.transport.as_str());
        raw(out, b",\"method\":");
        self.method.write(out);
        raw(out, b",\"status\":");
        self.status.write(out);
        raw(out, b",\"reason\":");
        self.reason.write(out);
        raw(out, b",\"cseq\":");
        self.cseq.write(out);
        raw(out, b",\"cseq_method\":");
        self.cseq_method.write(out);
        raw(out, b",\"retransmission\":");
        self.retransmission.write(out);
        raw(out, b",\"leg\":");
        self.leg.write(out);
        raw(out, b",\"transaction\":");
        self.transaction.write(out);
        raw(out, b",\"dialog\":");
        self.dialog.write(out);
        if let Some(r) = &self.raw {
            raw(out, b",\"raw\":");
            r.write(out);
        }
        out.push(b'}');
    }
}

object!(
    Leg,
    self,
    out {
        a,
        b,
        first_frame,
        messages,
        via_depth
    }
);
object!(
    Dialog,
    self,
    out {
        from_tag,
        to_tag,
        state,
        usage,
        created_frame,
        confirmed_frame,
        terminated_frame
    }
);
object!(
    Provisional,
    self,
    out {
        status,
        frame,
        to_tag
    }
);
object!(
    Transaction,
    self,
    out {
        method,
        cseq,
        branch,
        sent_by,
        rfc2543,
        leg,
        request_frame,
        request_time,
        retransmissions,
        provisionals,
        final_status,
        final_frame,
        response_time,
        ack_frame,
        cancelled_by,
        cancels,
        expects_response
    }
);
object!(
    Prack,
    self,
    out {
        rseq,
        status,
        response_frame,
        invite_cseq,
        to_tag,
        retransmissions,
        prack_frame,
        prack_cseq,
        rack,
        prack_status,
        prack_response_frame,
        prack_delay,
        prack_response_delay,
        acknowledged,
        problems
    }
);
object!(
    Replaces,
    self,
    out {
        call_id,
        to_tag,
        from_tag
    }
);
object!(
    TransferNotify,
    self,
    out {
        frame,
        cseq,
        sipfrag_status,
        subscription_state,
        reason,
        response_status
    }
);
object!(
    Transfer,
    self,
    out {
        refer_frame,
        refer_cseq,
        in_dialog,
        referrer,
        refer_to,
        referred_by,
        attended,
        replaces,
        refer_status,
        refer_status_frame,
        refer_sub,
        notifies,
        progress,
        outcome,
        final_status,
        target_call_id,
        target_match
    }
);
object!(
    Registration,
    self,
    out {
        aor,
        contacts,
        expires,
        requested_expires,
        attempts,
        auth_challenges,
        successes,
        result,
        registered_frame
    }
);
object!(
    SubscriptionChange,
    self,
    out {
        frame,
        state,
        expires,
        reason
    }
);
object!(
    Subscription,
    self,
    out {
        event,
        id,
        subscribe_frame,
        subscribe_status,
        state,
        expires,
        termination_reason,
        notifies,
        changes
    }
);
object!(
    Dtmf,
    self,
    out {
        frame,
        time,
        digit,
        duration,
        content_type
    }
);
object!(
    SdpSummary,
    self,
    out {
        direction,
        media,
        address
    }
);
object!(
    SessionChange,
    self,
    out {
        frame,
        method,
        cseq,
        sender,
        dialog_state,
        with_sdp,
        sdp,
        status,
        status_frame
    }
);

impl Json for TransferLink {
    fn write(&self, out: &mut Vec<u8>) {
        raw(out, b"{\"call_id\":");
        self.call_id.write(out);
        raw(out, b",\"refer_frame\":");
        self.refer_frame.write(out);
        raw(out, b",\"match\":");
        self.matched.write(out);
        out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use proptest::prelude::*;

    use super::*;
    use crate::meta::Transport;
    use crate::report::testdata;

    fn ours(c: &Call) -> String {
        let mut v = Vec::new();
        write_call(&mut v, c);
        String::from_utf8(v).expect("UTF-8")
    }

    fn serde(c: &Call) -> String {
        String::from_utf8(serde_json::to_vec(c).unwrap()).unwrap()
    }

    fn same(c: &Call) {
        assert_eq!(ours(c), serde(c));
    }

    fn str_json(s: &str) -> Vec<u8> {
        let mut v = Vec::new();
        string(&mut v, s);
        v
    }

    fn float_json(f: f64) -> Vec<u8> {
        let mut v = Vec::new();
        float(&mut v, f);
        v
    }

    /// Every byte 0x00-0x7f, quotes and backslashes in runs of every length around 8,
    /// non-ASCII UTF-8 of 2, 3 and 4 bytes, the empty string.
    fn awkward_strings() -> Vec<String> {
        let mut v = vec![
            String::new(),
            "\"".into(),
            "\\".into(),
            "\"\\\"\\".into(),
            "a\"b\\c\nd\re\tf\u{8}g\u{c}h\u{0}i\u{1f}j\u{7f}k".into(),
            "é€😀 caf\u{e9} \u{2028}\u{2029} \u{fffd}".into(),
            "<sip:alice@example.com>;tag=\"x\\y\"".into(),
        ];
        v.push((0u8..=0x7f).map(char::from).collect());
        for b in 0u8..0x20 {
            v.push(char::from(b).to_string());
        }
        for len in 0..20 {
            for pos in 0..len {
                for bad in ['"', '\\', '\n', '\u{1}', 'é'] {
                    let mut s: String = "abcdefghijklmnopqrstuvwxyz"[..len].into();
                    s.replace_range(pos..pos + 1, &bad.to_string());
                    v.push(s);
                }
            }
        }
        v
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in awkward_strings() {
            assert_eq!(str_json(&s), serde_json::to_vec(&s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn the_word_test_finds_exactly_the_bytes_to_escape() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                let mut w = [b'a'; 8];
                w[pos] = b;
                assert_eq!(
                    word_needs_escape(u64::from_le_bytes(w)),
                    needs_escape(b),
                    "{b:#x} at {pos}"
                );
                // and next to bytes that borrow in the subtraction
                let mut w = [0xffu8; 8];
                w[pos] = b;
                assert_eq!(word_needs_escape(u64::from_le_bytes(w)), needs_escape(b));
            }
        }
    }

    #[test]
    fn numbers_are_formatted_as_serde_json_formats_them() {
        for f in [
            0.0,
            -0.0,
            1.0,
            -1.5,
            0.1,
            1e-7,
            1.5e300,
            -2.5e-300,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::MIN,
            1_714_557_600.123_456_7,
            -1_714_557_600.000_001,
            123456789012345680000.0,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(float_json(f), serde_json::to_vec(&f).unwrap(), "{f:?}");
        }
        for n in [0, 1, 9, 10, 99, 100, u64::MAX - 1, u64::MAX] {
            let mut v = Vec::new();
            n.write(&mut v);
            assert_eq!(v, serde_json::to_vec(&n).unwrap());
        }
        for n in [0, u16::MAX] {
            let mut v = Vec::new();
            n.write(&mut v);
            assert_eq!(v, serde_json::to_vec(&n).unwrap());
        }
    }

    #[test]
    fn the_sample_calls_match_serde_json() {
        for c in testdata::sample_calls() {
            same(&c);
        }
    }

    /// A call with every optional field set, every list non-empty, awkward strings and
    /// extreme numbers in every place that takes them.
    fn full_call(s: &str, f: f64, n: u64) -> Call {
        let b: Box<str> = s.into();
        let a = Atom::new(s);
        let t = Timestamp(n as i64);
        let mut c = testdata::basic_call();
        c.call_id = b.clone();
        c.state = "completed";
        c.start = t;
        c.end = Timestamp((n as i64).wrapping_neg());
        c.first_frame = n;
        c.last_frame = u64::MAX;
        c.flags = vec!["joined-late", "answered-without-ack"];
        c.participants.caller = Party {
            uri: Some(b.clone()),
            display: Some(b.clone()),
            tag: Some(b.clone()),
            user_agent: Some(a.clone()),
        };
        c.final_status = Some(u16::MAX);
        c.final_reason = Some(a.clone());
        c.reason = Some(ReasonInfo {
            frame: n,
            protocol: b.clone(),
            cause: Some(16),
            text: Some(b.clone()),
        });
        c.hangup = Some(Side::Callee);
        c.timings = Timings {
            pdd: Some(f),
            srd: Some(-f),
            setup: Some(f * 1e-9),
            answer_to_ack: Some(f64::NAN),
            duration: Some(f64::INFINITY),
            sdd: Some(0.0),
            rrd: None,
        };
        let m = &mut c.messages[0];
        m.raw = Some(b.clone());
        m.transport = Transport::Ws;
        m.transaction = Some(u32::MAX);
        m.dialog = Some(0);
        m.retransmission = true;
        m.time = t;
        m.src = Endpoint::new("[2001:db8::1]:5061".parse::<SocketAddr>().unwrap());
        c.messages_dropped = n;
        c.legs = vec![
            Leg {
                a: LegEnd::Ip("2001:db8::1".parse().unwrap()),
                b: LegEnd::Addr("10.0.0.1:5060".parse().unwrap()),
                first_frame: n,
                messages: 3,
                via_depth: Some(2),
            },
            Leg {
                a: LegEnd::Ip("0.0.0.0".parse().unwrap()),
                b: LegEnd::Addr("255.255.255.255:65535".parse().unwrap()),
                first_frame: 0,
                messages: 0,
                via_depth: None,
            },
            Leg {
                a: LegEnd::Ip("192.168.10.100".parse().unwrap()),
                b: LegEnd::Addr("1.2.3.4:0".parse().unwrap()),
                first_frame: 0,
                messages: 0,
                via_depth: None,
            },
            Leg {
                a: LegEnd::Addr("[::ffff:1.2.3.4]:5060".parse().unwrap()),
                b: LegEnd::Ip("::ffff:10.0.0.1".parse().unwrap()),
                first_frame: 0,
                messages: 0,
                via_depth: None,
            },
            Leg {
                a: LegEnd::Addr("[fe80::1%2]:5060".parse().unwrap()),
                b: LegEnd::Ip("10.0.0.2".parse().unwrap()),
                first_frame: 1,
                messages: 0,
                via_depth: None,
            },
        ];
        c.dialogs = vec![Dialog {
            from_tag: Some(b.clone()),
            to_tag: None,
            state: DialogState::Early,
            usage: Usage::Unknown,
            created_frame: n,
            confirmed_frame: Some(n),
            terminated_frame: None,
        }];
        c.transactions = vec![Transaction {
            method: a.clone(),
            cseq: u32::MAX,
            branch: Some(b.clone()),
            sent_by: a.clone(),
            rfc2543: true,
            leg: 1,
            request_frame: Some(n),
            request_time: Some(t),
            retransmissions: 2,
            provisionals: vec![Provisional {
                status: 183,
                frame: n,
                to_tag: Some(b.clone()),
            }],
            final_status: Some(200),
            final_frame: None,
            response_time: Some(f),
            ack_frame: Some(0),
            cancelled_by: Some(1),
            cancels: None,
            expects_response: false,
        }];
        c.prack = vec![
            Prack {
                rseq: 1,
                status: Some(183),
                response_frame: Some(n),
                to_tag: Some(b.clone()),
                rack: Some(b.clone()),
                prack_delay: Some(f),
                problems: vec!["unacknowledged", "duplicate-rseq"],
                acknowledged: true,
                ..Prack::default()
            },
            Prack::default(),
        ];
        c.transfers = vec![Transfer {
            refer_frame: n,
            refer_cseq: 7,
            in_dialog: true,
            referrer: Some(Side::Caller),
            refer_to: b.clone(),
            referred_by: Some(b.clone()),
            attended: true,
            replaces: Some(Replaces {
                call_id: b.clone(),
                to_tag: Some(b.clone()),
                from_tag: None,
            }),
            refer_status: Some(202),
            refer_status_frame: Some(n),
            refer_sub: Some(false),
            notifies: vec![TransferNotify {
                frame: n,
                cseq: 1,
                sipfrag_status: Some(100),
                subscription_state: Some(b.clone()),
                reason: Some(b.clone()),
                response_status: None,
            }],
            progress: vec![100, 200],
            outcome: TransferOutcome::NoSubscription,
            final_status: Some(200),
            target_call_id: Some(b.clone()),
            target_match: Some(LinkMatch::ReferredByAndUri),
        }];
        c.transferred_from = Some(TransferLink {
            call_id: b.clone(),
            refer_frame: n,
            matched: LinkMatch::RequestUri,
        });
        c.registration = Some(Registration {
            aor: Some(b.clone()),
            contacts: vec![b.clone(), "".into()],
            expires: Some(u32::MAX),
            requested_expires: Some(0),
            attempts: 2,
            auth_challenges: 1,
            successes: 1,
            result: Some(200),
            registered_frame: Some(n),
        });
        c.subscriptions = vec![Subscription {
            event: b.clone(),
            id: Some(b.clone()),
            subscribe_frame: Some(n),
            subscribe_status: Some(202),
            state: "terminated",
            expires: Some(3600),
            termination_reason: Some(b.clone()),
            notifies: 3,
            changes: vec![SubscriptionChange {
                frame: n,
                state: "active",
                expires: None,
                reason: Some(b.clone()),
            }],
        }];
        c.dtmf = vec![Dtmf {
            frame: n,
            time: t,
            digit: b.clone(),
            duration: Some(160),
            content_type: a.clone(),
        }];
        c.session_changes = vec![
            SessionChange {
                frame: n,
                method: a.clone(),
                cseq: 2,
                sender: Some(Side::Caller),
                dialog_state: Some(DialogState::Confirmed),
                with_sdp: true,
                sdp: Some(SdpSummary {
                    direction: Some("sendonly"),
                    media: vec![b.clone(), "image 5004 udptl t38".into()],
                    address: Some(b.clone()),
                }),
                status: Some(488),
                status_frame: Some(n),
            },
            SessionChange {
                frame: 1,
                method: a,
                cseq: 3,
                sender: None,
                dialog_state: None,
                with_sdp: false,
                sdp: Some(SdpSummary {
                    direction: None,
                    media: vec![],
                    address: None,
                }),
                status: None,
                status_frame: None,
            },
        ];
        c.closed = Closed::IdleTimeout;
        c.session_attempt = true;
        c
    }

    #[test]
    fn every_field_and_word_matches_serde_json() {
        for (i, s) in awkward_strings().iter().enumerate() {
            let f = [-1.25, 0.1, 1e21, f64::NAN, -0.0][i % 5];
            let n = [0, 1, u64::MAX, i64::MAX as u64, 1 << 63][i % 5];
            let mut c = full_call(s, f, n);
            same(&c);
            for kind in [
                Kind::Call,
                Kind::Registration,
                Kind::Subscription,
                Kind::Message,
                Kind::Options,
                Kind::Other,
            ] {
                c.kind = kind;
                same(&c);
            }
            for closed in [
                Closed::Finished,
                Closed::IdleTimeout,
                Closed::Evicted,
                Closed::CaptureEnd,
            ] {
                c.closed = closed;
                c.hangup = Some(Side::Caller);
                same(&c);
            }
            for (outcome, usage, state) in [
                (
                    TransferOutcome::Success,
                    Usage::Invite,
                    DialogState::Terminated,
                ),
                (
                    TransferOutcome::Failed,
                    Usage::Subscribe,
                    DialogState::Early,
                ),
                (
                    TransferOutcome::Rejected,
                    Usage::Refer,
                    DialogState::Confirmed,
                ),
                (TransferOutcome::Pending, Usage::Unknown, DialogState::Early),
            ] {
                c.transfers[0].outcome = outcome;
                c.dialogs[0].usage = usage;
                c.dialogs[0].state = state;
                same(&c);
            }
            for m in [
                LinkMatch::Replaces,
                LinkMatch::ReferredByAndUri,
                LinkMatch::RequestUri,
                LinkMatch::ReferredBy,
            ] {
                c.transfers[0].target_match = Some(m);
                same(&c);
            }
            for t in [
                Transport::Udp,
                Transport::Tcp,
                Transport::Sctp,
                Transport::Ws,
            ] {
                c.messages[0].transport = t;
                same(&c);
            }
        }
    }

    #[test]
    fn nones_and_empty_lists_match_serde_json() {
        let mut c = full_call("x", 1.0, 1);
        c.messages_dropped = 0;
        c.participants = Participants::default();
        c.final_status = None;
        c.final_reason = None;
        c.reason = None;
        c.hangup = None;
        c.timings = Timings::default();
        c.messages.iter_mut().for_each(|m| {
            m.raw = None;
            m.cseq = None;
            m.cseq_method = None;
        });
        c.transferred_from = None;
        c.registration = Some(Registration::default());
        same(&c);
        c.registration = None;
        c.messages.clear();
        c.legs.clear();
        c.dialogs.clear();
        c.transactions.clear();
        c.prack.clear();
        c.transfers.clear();
        c.subscriptions.clear();
        c.dtmf.clear();
        c.session_changes.clear();
        c.flags.clear();
        same(&c);
    }

    proptest! {
        #[test]
        fn any_string(s in any::<String>()) {
            prop_assert_eq!(str_json(&s), serde_json::to_vec(&s).unwrap());
        }

        #[test]
        fn strings_full_of_escapes(s in "[\\x00-\\x20\"\\\\a-z\\x7fé€😀]{0,40}") {
            prop_assert_eq!(str_json(&s), serde_json::to_vec(&s).unwrap());
        }

        #[test]
        fn any_leg_end(a in any::<[u8; 4]>(), port in any::<u16>(), v6 in any::<[u16; 8]>()) {
            use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
            let v4 = IpAddr::V4(Ipv4Addr::from(a));
            let v6 = IpAddr::V6(Ipv6Addr::from(v6));
            for e in [
                LegEnd::Ip(v4),
                LegEnd::Ip(v6),
                LegEnd::Addr(SocketAddr::new(v4, port)),
                LegEnd::Addr(SocketAddr::new(v6, port)),
            ] {
                let mut v = Vec::new();
                e.write(&mut v);
                prop_assert_eq!(v, serde_json::to_vec(&e).unwrap());
            }
        }

        #[test]
        fn any_float(bits in any::<u64>()) {
            let f = f64::from_bits(bits);
            prop_assert_eq!(float_json(f), serde_json::to_vec(&f).unwrap());
        }

        #[test]
        fn any_float_value(f in any::<f64>()) {
            prop_assert_eq!(float_json(f), serde_json::to_vec(&f).unwrap());
        }

        #[test]
        fn any_call(s in "[\\x00-\\x7f\"\\\\é]{0,24}", f in any::<f64>(), n in any::<u64>()) {
            let c = full_call(&s, f, n);
            prop_assert_eq!(ours(&c), serde(&c));
        }
    }
}
