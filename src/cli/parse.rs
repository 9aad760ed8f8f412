//! `sipscope parse FILE|-`: decode one raw SIP message (as pasted from a log) and print its
//! start line, each header with its typed meaning where the parser knows the header, and a
//! body summary; `--json` prints the same as JSON.
//!
//! Exit codes: 0 valid (passes the strict RFC 3261 checks), 1 invalid (the reason on stderr,
//! one line; the decoded form is still printed when the lenient parser could read it),
//! 2 the file cannot be read.

use std::io::Read;
use std::process::ExitCode;

use serde_json::{Value, json};
use sipscope::sip::{
    self, Contact, HeaderName, Message, NameAddr, StartLine, Via,
    lex::{CommaValues, unfold},
};

use super::{CliError, CmdResult};

/// Runs the subcommand.
pub fn run(args: super::ParseArgs) -> CmdResult {
    let bytes = read_input(&args.file)?;
    let msg = match sip::parse(&bytes) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("sipscope: invalid SIP message: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let verdict = msg.validate();
    let out = if args.json {
        let mut v = to_json(&msg);
        v["valid"] = json!(verdict.is_ok());
        v["error"] = match &verdict {
            Ok(()) => Value::Null,
            Err(e) => json!({"kind": e.kind.as_str(), "message": e.message}),
        };
        serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
    } else {
        to_text(&msg)
    };
    print!("{out}");
    match verdict {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("sipscope: invalid SIP message: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

fn read_input(path: &std::path::Path) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::input(format!("cannot read standard input: {e}")))?;
    } else {
        buf = std::fs::read(path).map_err(|e| {
            CliError::input(format!("cannot read {}: {}", path.display(), io_reason(&e)))
        })?;
    }
    if buf.is_empty() {
        return Err(CliError::input(format!(
            "{} is empty: give a file holding one SIP message",
            path.display()
        )));
    }
    Ok(buf)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn describe_name_addr(n: &NameAddr<'_>) -> String {
    let mut s = String::new();
    if let Some(d) = n.display_name() {
        s.push_str(&format!("display={d:?} "));
    }
    s.push_str(&format!("uri={}", n.uri));
    if let Some(t) = n.tag {
        s.push_str(&format!(" tag={t}"));
    }
    if let Ok(u) = n.parsed_uri() {
        if let Some(user) = u.user_unescaped() {
            if Some(user.as_ref()) != u.user {
                s.push_str(&format!(" user(unescaped)={user:?}"));
            }
        }
        if let Some(r) = u.replaces() {
            s.push_str(&format!(
                " replaces=[call-id={} to-tag={} from-tag={}{}]",
                r.call_id,
                r.to_tag,
                r.from_tag,
                if r.early_only { " early-only" } else { "" }
            ));
        }
    }
    s
}

fn describe_via(v: &Via<'_>) -> String {
    let mut s = format!(
        "{}/{}/{} sent-by={}",
        v.protocol, v.version, v.transport, v.sent_by
    );
    if let Some(b) = v.branch {
        s.push_str(&format!(" branch={b}"));
    }
    if let Some(r) = v.received {
        s.push_str(&format!(" received={r}"));
    }
    match v.rport {
        Some(Some(p)) => s.push_str(&format!(" rport={p}")),
        Some(None) => s.push_str(" rport"),
        None => {}
    }
    s
}

/// The typed meaning of one header line, if the parser knows the header.
fn describe(kind: HeaderName, v: &str) -> Option<String> {
    use HeaderName as H;
    let items = || CommaValues::new(v);
    Some(match kind {
        H::Via => items()
            .map(|i| Via::parse(i).map_or_else(|| "(malformed)".into(), |v| describe_via(&v)))
            .collect::<Vec<_>>()
            .join(" | "),
        H::From | H::To | H::ReferTo | H::ReferredBy => NameAddr::parse(v).map_or_else(
            |e| format!("(malformed: {})", e.as_str()),
            |n| describe_name_addr(&n),
        ),
        H::Contact | H::Route | H::RecordRoute | H::PAssertedIdentity | H::PPreferredIdentity => {
            items()
                .map(|i| match Contact::parse(i) {
                    Some(Contact::Star) => "*".into(),
                    Some(Contact::Addr(a)) => describe_name_addr(&a),
                    None => "(malformed)".into(),
                })
                .collect::<Vec<_>>()
                .join(" | ")
        }
        H::CSeq => sip::CSeq::parse(v).map_or("(malformed)".into(), |c| {
            format!("seq={} method={}", c.seq, c.method)
        }),
        H::RAck => sip::RAck::parse(v).map_or("(malformed)".into(), |r| {
            format!("rseq={} cseq={} method={}", r.rseq, r.cseq, r.method)
        }),
        H::RSeq | H::MaxForwards | H::Expires | H::ContentLength | H::MinExpires => {
            sip::typed::parse_u32(v).map_or("(not a number)".into(), |n| n.to_string())
        }
        H::Event => sip::Event::parse(v).map_or("(malformed)".into(), |e| {
            format!(
                "package={}{}",
                e.package,
                e.id.map(|i| format!(" id={i}")).unwrap_or_default()
            )
        }),
        H::SubscriptionState => {
            sip::SubscriptionState::parse(v).map_or("(malformed)".into(), |s| {
                let mut o = format!("state={}", s.state);
                if let Some(r) = s.reason {
                    o.push_str(&format!(" reason={r}"));
                }
                if let Some(e) = s.expires {
                    o.push_str(&format!(" expires={e}"));
                }
                o
            })
        }
        H::Reason => items()
            .map(|i| {
                sip::Reason::parse(i).map_or("(malformed)".into(), |r| {
                    let mut o = format!("protocol={}", r.protocol);
                    if let Some(c) = r.cause {
                        o.push_str(&format!(" cause={c}"));
                    }
                    if let Some(t) = r.text {
                        o.push_str(&format!(" text={t:?}"));
                    }
                    o
                })
            })
            .collect::<Vec<_>>()
            .join(" | "),
        H::Replaces => sip::Replaces::parse(v).map_or("(malformed)".into(), |r| {
            format!(
                "call-id={} to-tag={} from-tag={}",
                r.call_id, r.to_tag, r.from_tag
            )
        }),
        H::SessionExpires => sip::SessionExpires::parse(v).map_or("(malformed)".into(), |s| {
            format!(
                "{}s{}",
                s.delta,
                s.refresher
                    .map(|r| format!(" refresher={r}"))
                    .unwrap_or_default()
            )
        }),
        H::ContentType => sip::ContentType::parse(v).map_or("(malformed)".into(), |c| {
            format!("{}/{}", c.mtype, c.subtype)
        }),
        H::Require
        | H::Supported
        | H::Allow
        | H::ProxyRequire
        | H::Unsupported
        | H::AllowEvents => {
            format!("[{}]", items().collect::<Vec<_>>().join(", "))
        }
        _ => return None,
    })
}

fn body_summary(m: &Message<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let body = m.body();
    if body.is_empty() {
        return out;
    }
    let ct = m
        .content_type()
        .map(|c| format!("{}/{}", c.mtype, c.subtype))
        .unwrap_or_else(|| "no Content-Type".into());
    out.push(format!("{} bytes, {ct}", body.len()));
    if let Some(sdp) = m.sdp() {
        if let Some(c) = sdp.connection() {
            out.push(format!("  connection {} {}", c.addr_type, c.address));
        }
        for md in sdp.media() {
            let codecs: Vec<String> = md
                .codecs()
                .map(|c| match c.clock_rate {
                    Some(r) => format!("{} {}/{}", c.payload_type, c.name, r),
                    None => format!("{} {}", c.payload_type, c.name),
                })
                .collect();
            let conn = md
                .connection()
                .map(|c| format!(" connection {} {}", c.addr_type, c.address))
                .unwrap_or_default();
            out.push(format!(
                "  m={} port {} {} {}{} codecs [{}]",
                md.kind,
                md.port,
                md.proto,
                md.direction().as_str(),
                conn,
                codecs.join(", ")
            ));
        }
    } else if let Some(f) = m.sipfrag() {
        out.push(format!("  sipfrag: {}", lossy(f.message.start_line_raw())));
    } else if let Some(mp) = m.multipart() {
        for (i, p) in mp.parts().enumerate() {
            let ct = p
                .content_type()
                .map(|c| format!("{}/{}", c.mtype, c.subtype))
                .unwrap_or_else(|| "text/plain".into());
            out.push(format!("  part {}: {ct}, {} bytes", i + 1, p.body.len()));
        }
    } else if let Some(d) = m.dtmf() {
        out.push(format!(
            "  DTMF signal {}{}",
            d.signal,
            d.duration
                .map(|x| format!(" duration {x} ms"))
                .unwrap_or_default()
        ));
    }
    out
}

fn to_text(m: &Message<'_>) -> String {
    let mut s = String::new();
    match m.start_line() {
        StartLine::Request { method, uri } => {
            s.push_str(&format!("Request  {method} {uri}\n"));
        }
        StartLine::Response { status, reason } => {
            s.push_str(&format!("Response {status} {}\n", lossy(reason)));
        }
    }
    for h in m.headers() {
        let value = h.value_str().map(unfold);
        let shown = value
            .as_deref()
            .map_or_else(|| lossy(h.value), str::to_owned);
        let name = h.kind.canonical().unwrap_or(h.name);
        s.push_str(&format!("  {name}: {shown}\n"));
        if let Some(v) = h.value_str()
            && let Some(d) = describe(h.kind, v)
        {
            s.push_str(&format!("      -> {d}\n"));
        }
    }
    let body = body_summary(m);
    if !body.is_empty() {
        s.push_str(&format!("Body     {}\n", body.join("\n")));
    }
    let quirks: Vec<_> = m.quirks().names().collect();
    if !quirks.is_empty() {
        s.push_str(&format!("Quirks   {}\n", quirks.join(", ")));
    }
    s
}

fn name_addr_json(n: &NameAddr<'_>) -> Value {
    json!({
        "display": n.display_name(),
        "uri": n.uri,
        "tag": n.tag,
        "params": n.params.iter().map(|p| json!({"name": p.name, "value": p.value})).collect::<Vec<_>>(),
    })
}

fn to_json(m: &Message<'_>) -> Value {
    let vias: Vec<Value> = m
        .vias()
        .map(|v| {
            json!({
                "protocol": v.protocol, "version": v.version, "transport": v.transport,
                "host": v.sent_by.host, "port": v.sent_by.port, "branch": v.branch,
                "received": v.received,
                "rport": match v.rport { None => Value::Null, Some(None) => json!(true), Some(Some(p)) => json!(p) },
            })
        })
        .collect();
    let contacts: Vec<Value> = m
        .contacts()
        .map(|c| match c {
            Contact::Star => json!("*"),
            Contact::Addr(a) => name_addr_json(&a),
        })
        .collect();
    let headers: Vec<Value> = m
        .headers()
        .map(|h| {
            let v = h.value_str();
            json!({
                "name": h.name,
                "canonical": h.kind.canonical(),
                "value": v.map_or_else(|| lossy(h.value), |s| unfold(s).into_owned()),
                "meaning": v.and_then(|v| describe(h.kind, v)),
            })
        })
        .collect();
    let mut body = json!({
        "length": m.body().len(),
        "content_type": m.content_type().map(|c| format!("{}/{}", c.mtype, c.subtype)),
    });
    if let Some(sdp) = m.sdp() {
        body["sdp"] = json!({
            "connection": sdp.connection().map(|c| c.address),
            "media": sdp.media().map(|md| json!({
                "kind": md.kind, "port": md.port, "proto": md.proto,
                "direction": md.direction().as_str(),
                "connection": md.connection().map(|c| c.address),
                "codecs": md.codecs().map(|c| json!({"pt": c.payload_type, "name": c.name, "rate": c.clock_rate})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
    }
    if let Some(f) = m.sipfrag() {
        body["sipfrag"] = json!({"status": f.status(), "reason": f.reason(), "method": f.method().map(|x| x.to_string())});
    }
    if let Some(mp) = m.multipart() {
        body["parts"] = mp
            .parts()
            .map(|p| json!({"content_type": p.header("Content-Type"), "length": p.body.len()}))
            .collect();
    }
    if let Some(d) = m.dtmf() {
        body["dtmf"] = json!({"signal": d.signal, "duration": d.duration});
    }
    json!({
        "type": if m.is_request() { "request" } else { "response" },
        "method": m.method().map(|x| x.to_string()),
        "request_uri": m.request_uri(),
        "status": m.status(),
        "reason": m.reason_phrase(),
        "call_id": m.call_id(),
        "cseq": m.cseq().map(|c| json!({"seq": c.seq, "method": c.method.to_string()})),
        "from": m.from().map(|n| name_addr_json(&n)),
        "to": m.to().map(|n| name_addr_json(&n)),
        "via": vias,
        "contact": contacts,
        "max_forwards": m.max_forwards(),
        "rseq": m.rseq(),
        "rack": m.rack().map(|r| json!({"rseq": r.rseq, "cseq": r.cseq, "method": r.method.to_string()})),
        "headers": headers,
        "body": body,
        "quirks": m.quirks().names().collect::<Vec<_>>(),
    })
}
