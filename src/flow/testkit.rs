//! Test helpers: SIP messages from short text and a feeder with synthetic capture metadata.

use super::{Analysis, Call, Config, Engine};
use crate::meta::{MessageMeta, Timestamp, Transport};

/// Caller host.
pub(crate) const A: &str = "10.0.0.1:5060";
/// Callee host.
pub(crate) const B: &str = "10.0.0.2:5060";
/// A proxy.
pub(crate) const P: &str = "10.0.0.9:5060";

/// Turns loosely written message text into wire form: leading indentation removed, CRLF
/// line ends, the body after the first empty line, Content-Length added.
pub(crate) fn wire(text: &str) -> Vec<u8> {
    let text = text.trim_start_matches('\n');
    let (head, body) = match text.find("\n\n") {
        Some(i) => (&text[..i], &text[i + 2..]),
        None => (text, ""),
    };
    let mut out = String::new();
    for line in head.lines() {
        let l = line.trim();
        if !l.is_empty() {
            out.push_str(l);
            out.push_str("\r\n");
        }
    }
    let body: String = body.lines().map(|l| format!("{}\r\n", l.trim())).collect();
    if !head.to_ascii_lowercase().contains("content-length") {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    out.push_str("\r\n");
    out.push_str(&body);
    out.into_bytes()
}

/// How one side of the test call writes its messages: its Via host, its From and To
/// (name-addr without tag) and the Request-URI of its requests.
struct Side {
    via: &'static str,
    from: &'static str,
    to: &'static str,
    request_uri: &'static str,
}

/// Alice, the caller.
const CALLER: Side = Side {
    via: "ua.example",
    from: "\"Alice\" <sip:alice@a.example>",
    to: "<sip:bob@b.example>",
    request_uri: "sip:bob@b.example",
};

/// Bob, the callee.
const CALLEE: Side = Side {
    via: "ub.example",
    from: "<sip:bob@b.example>",
    to: "\"Alice\" <sip:alice@a.example>",
    request_uri: "sip:alice@10.0.0.1",
};

/// The text of a message from `side`: start line, Via (with `branch` unless empty),
/// From/To with their tags, Call-ID, CSeq, Max-Forwards on requests, then `extra` (header
/// lines, and a body after an empty line).
#[allow(clippy::too_many_arguments)]
fn message(
    start_line: &str,
    side: &Side,
    call_id: &str,
    cseq: u32,
    cseq_method: &str,
    branch: &str,
    from_tag: &str,
    to_tag: Option<&str>,
    request: bool,
    extra: &str,
) -> String {
    let br = if branch.is_empty() {
        String::new()
    } else {
        format!(";branch={branch}")
    };
    let to = to_tag.map(|t| format!(";tag={t}")).unwrap_or_default();
    let max_forwards = if request { "Max-Forwards: 70\n" } else { "" };
    let (head, body) = split_extra(extra);
    format!(
        "{start_line}\nVia: SIP/2.0/UDP {}:5060{br}\nFrom: {};tag={from_tag}\nTo: {}{to}\nCall-ID: {call_id}\nCSeq: {cseq} {cseq_method}\n{max_forwards}{head}{body}",
        side.via, side.from, side.to
    )
}

/// A request. `branch` is the top Via branch on sent-by `ua.example` (empty: no branch
/// parameter); `extra` lines are added after the standard headers.
pub(crate) fn req(
    method: &str,
    call_id: &str,
    cseq: u32,
    branch: &str,
    from_tag: &str,
    to_tag: Option<&str>,
    extra: &str,
) -> String {
    let start = format!("{method} {} SIP/2.0", CALLER.request_uri);
    message(
        &start, &CALLER, call_id, cseq, method, branch, from_tag, to_tag, true, extra,
    )
}

/// A response to a request built by [`req`] (same Via, From, Call-ID).
#[allow(clippy::too_many_arguments)]
pub(crate) fn resp(
    status: u16,
    call_id: &str,
    cseq: u32,
    cseq_method: &str,
    branch: &str,
    from_tag: &str,
    to_tag: Option<&str>,
    extra: &str,
) -> String {
    let start = format!("SIP/2.0 {status} {}", phrase(status));
    message(
        &start,
        &CALLER,
        call_id,
        cseq,
        cseq_method,
        branch,
        from_tag,
        to_tag,
        false,
        extra,
    )
}

/// A request from the callee side (From Bob, To Alice, Via `ub.example`).
pub(crate) fn req_rev(
    method: &str,
    call_id: &str,
    cseq: u32,
    branch: &str,
    from_tag: &str,
    to_tag: &str,
    extra: &str,
) -> String {
    let start = format!("{method} {} SIP/2.0", CALLEE.request_uri);
    message(
        &start,
        &CALLEE,
        call_id,
        cseq,
        method,
        branch,
        from_tag,
        Some(to_tag),
        true,
        extra,
    )
}

/// A response to a request built by [`req_rev`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn resp_rev(
    status: u16,
    call_id: &str,
    cseq: u32,
    method: &str,
    branch: &str,
    from_tag: &str,
    to_tag: &str,
    extra: &str,
) -> String {
    let start = format!("SIP/2.0 {status} {}", phrase(status));
    message(
        &start,
        &CALLEE,
        call_id,
        cseq,
        method,
        branch,
        from_tag,
        Some(to_tag),
        false,
        extra,
    )
}

fn split_extra(extra: &str) -> (String, String) {
    let extra = extra.trim_start_matches('\n');
    match extra.find("\n\n") {
        Some(i) => (
            format!("{}\n", &extra[..i]),
            format!("\n{}", &extra[i + 2..]),
        ),
        None if extra.trim().is_empty() => (String::new(), String::new()),
        None => (format!("{extra}\n"), String::new()),
    }
}

fn phrase(status: u16) -> &'static str {
    match status {
        100 => "Trying",
        180 => "Ringing",
        183 => "Session Progress",
        200 => "OK",
        202 => "Accepted",
        302 => "Moved Temporarily",
        401 => "Unauthorized",
        407 => "Proxy Authentication Required",
        481 => "Call/Transaction Does Not Exist",
        486 => "Busy Here",
        487 => "Request Terminated",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

/// Feeds messages to an engine with synthetic metadata: frame numbers from 1, times in ms.
pub(crate) struct Feed {
    /// The engine.
    pub engine: Engine,
    frame: u64,
}

impl Feed {
    /// Batch mode.
    pub(crate) fn new() -> Self {
        Feed::with(Config::default())
    }

    /// With a configuration.
    pub(crate) fn with(config: Config) -> Self {
        Feed {
            engine: Engine::new(config),
            frame: 0,
        }
    }

    /// Sends `text` from `src` to `dst` at `ms` milliseconds (UDP). Panics if it does not
    /// parse. Returns the frame number.
    pub(crate) fn send(&mut self, ms: i64, src: &str, dst: &str, text: &str) -> u64 {
        self.frame += 1;
        let bytes = wire(text);
        let msg = crate::sip::parse(&bytes).unwrap_or_else(|e| panic!("{e:?} in\n{text}"));
        let meta = meta(self.frame, ms, src, dst);
        self.engine.on_message(&meta, &msg);
        self.frame
    }

    /// The capture time of `ms` (as [`Feed::send`] stamps it).
    pub(crate) fn engine_now(&self, ms: i64) -> Timestamp {
        meta(0, ms, A, B).time
    }

    /// Ends and returns the analysis.
    pub(crate) fn finish(self) -> Analysis {
        self.engine.finish()
    }

    /// Ends and returns the only call.
    pub(crate) fn one(self) -> Call {
        let mut a = self.finish();
        assert_eq!(
            a.calls.len(),
            1,
            "calls: {:?}",
            a.calls.iter().map(|c| &c.call_id).collect::<Vec<_>>()
        );
        a.calls.pop().unwrap()
    }
}

/// Synthetic metadata.
pub(crate) fn meta(frame: u64, ms: i64, src: &str, dst: &str) -> MessageMeta {
    MessageMeta {
        frame,
        time: Timestamp(1_700_000_000_000_000_000 + ms * 1_000_000),
        src: src.parse().unwrap(),
        dst: dst.parse().unwrap(),
        transport: Transport::Udp,
    }
}

/// Asserts a float to the millisecond.
pub(crate) fn ms(v: Option<f64>) -> Option<i64> {
    v.map(|x| (x * 1000.0).round() as i64)
}
