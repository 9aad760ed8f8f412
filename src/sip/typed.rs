//! Small typed header values: CSeq, RAck, Event, Subscription-State, Reason, Replaces,
//! Session-Expires, Content-Type, Contact. Each parses one header value on demand.

use std::borrow::Cow;

use nom::{
    IResult, Parser,
    bytes::complete::{take_while, take_while1},
    combinator::all_consuming,
};

use super::lex::{is_lws, is_token_char, trim};
use super::method::Method;
use super::name_addr::NameAddr;
use super::params::Params;

fn lws(i: &str) -> IResult<&str, &str> {
    take_while(|c: char| c.is_ascii() && is_lws(c as u8)).parse(i)
}

fn lws1(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_ascii() && is_lws(c as u8)).parse(i)
}

fn token(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_ascii() && is_token_char(c as u8)).parse(i)
}

fn digits(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_ascii_digit()).parse(i)
}

/// Parses a decimal number of at most `u32` range (leading zeros allowed, as in RFC 4475
/// wsinv `CSeq: 0009`). `None` on overflow or non-digits.
pub fn parse_u32(s: &str) -> Option<u32> {
    let s = trim(s);
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = s.trim_start_matches('0');
    if digits.len() > 10 {
        return None;
    }
    if digits.is_empty() {
        return Some(0);
    }
    digits
        .parse::<u64>()
        .ok()
        .and_then(|v| u32::try_from(v).ok())
}

/// CSeq (RFC 3261 §20.16): sequence number and method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CSeq<'a> {
    /// Sequence number (< 2^32).
    pub seq: u32,
    /// Method.
    pub method: Method<'a>,
}

impl<'a> CSeq<'a> {
    /// Parses `1*DIGIT LWS Method`.
    #[inline]
    pub fn parse(s: &'a str) -> Option<CSeq<'a>> {
        // Fast path: `digits SP token` with nothing else (the everyday form).
        let b = s.as_bytes();
        let mut i = 0;
        let mut seq: u64 = 0;
        while i < b.len() && b[i].is_ascii_digit() && i < 10 {
            seq = seq * 10 + (b[i] - b'0') as u64;
            i += 1;
        }
        if i > 0 && i < b.len() && b[i] == b' ' && seq <= u32::MAX as u64 {
            let m = &s[i + 1..];
            if !m.is_empty() && m.bytes().all(is_token_char) {
                return Some(CSeq {
                    seq: seq as u32,
                    method: Method::from_token(m),
                });
            }
        }
        let (_, (_, n, _, m, _)) = all_consuming((lws, digits, lws1, token, lws))
            .parse(s)
            .ok()?;
        Some(CSeq {
            seq: parse_u32(n)?,
            method: Method::from_token(m),
        })
    }
}

/// RAck (RFC 3262 §7.2): the RSeq being acknowledged and the CSeq of the response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RAck<'a> {
    /// RSeq of the reliable provisional response.
    pub rseq: u32,
    /// CSeq number of that response.
    pub cseq: u32,
    /// CSeq method of that response.
    pub method: Method<'a>,
}

impl<'a> RAck<'a> {
    /// Parses `response-num LWS CSeq-num LWS Method`.
    pub fn parse(s: &'a str) -> Option<RAck<'a>> {
        let (_, (_, r, _, c, _, m, _)) =
            all_consuming((lws, digits, lws1, digits, lws1, token, lws))
                .parse(s)
                .ok()?;
        Some(RAck {
            rseq: parse_u32(r)?,
            cseq: parse_u32(c)?,
            method: Method::from_token(m),
        })
    }
}

/// Event (RFC 6665 §8.2.1): package and optional `id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// Event package (e.g. `refer`, `presence`, `dialog`, `message-summary`), with any
    /// template suffix (`presence.winfo`).
    pub package: &'a str,
    /// The `id` parameter.
    pub id: Option<&'a str>,
    /// All parameters.
    pub params: Params<'a>,
}

impl<'a> Event<'a> {
    /// Parses an Event value.
    pub fn parse(s: &'a str) -> Option<Event<'a>> {
        let s = trim(s);
        let (pkg, params) = match s.find(';') {
            Some(i) => (trim(&s[..i]), &s[i..]),
            None => (s, ""),
        };
        if pkg.is_empty() || !pkg.bytes().all(is_token_char) {
            return None;
        }
        let params = Params(params);
        Some(Event {
            package: pkg,
            id: params.value("id"),
            params,
        })
    }
}

/// Subscription-State (RFC 6665 §8.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubscriptionState<'a> {
    /// `active`, `pending`, `terminated` or an extension.
    pub state: &'a str,
    /// `reason` (e.g. `noresource`, `timeout`, `rejected`).
    pub reason: Option<&'a str>,
    /// `expires` in seconds.
    pub expires: Option<u32>,
    /// `retry-after` in seconds.
    pub retry_after: Option<u32>,
    /// All parameters.
    pub params: Params<'a>,
}

impl<'a> SubscriptionState<'a> {
    /// Parses a Subscription-State value.
    pub fn parse(s: &'a str) -> Option<SubscriptionState<'a>> {
        let s = trim(s);
        let (state, params) = match s.find(';') {
            Some(i) => (trim(&s[..i]), &s[i..]),
            None => (s, ""),
        };
        if state.is_empty() || !state.bytes().all(is_token_char) {
            return None;
        }
        let params = Params(params);
        Some(SubscriptionState {
            state,
            reason: params.value("reason"),
            expires: params.value("expires").and_then(parse_u32),
            retry_after: params.value("retry-after").and_then(parse_u32),
            params,
        })
    }

    /// True if the state is `terminated` (any case).
    pub fn is_terminated(&self) -> bool {
        self.state.eq_ignore_ascii_case("terminated")
    }
}

/// One Reason value (RFC 3326): protocol (`SIP`, `Q.850`), cause, text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reason<'a> {
    /// Protocol token, e.g. `SIP` or `Q.850`.
    pub protocol: &'a str,
    /// `cause` code.
    pub cause: Option<u16>,
    /// `text`, without its quotes (escapes kept).
    pub text: Option<&'a str>,
    /// All parameters.
    pub params: Params<'a>,
}

impl<'a> Reason<'a> {
    /// Parses one Reason value.
    pub fn parse(s: &'a str) -> Option<Reason<'a>> {
        let s = trim(s);
        let (proto, params) = match s.find(';') {
            Some(i) => (trim(&s[..i]), &s[i..]),
            None => (s, ""),
        };
        if proto.is_empty() || !proto.bytes().all(is_token_char) {
            return None;
        }
        let params = Params(params);
        Some(Reason {
            protocol: proto,
            cause: params.value("cause").and_then(|c| c.parse().ok()),
            text: params.value("text"),
            params,
        })
    }
}

/// Replaces (RFC 3891): the dialog to replace. Borrowed from a Replaces header, owned when
/// unescaped out of a Refer-To URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replaces<'a> {
    /// Call-ID of the dialog to replace.
    pub call_id: Cow<'a, str>,
    /// `to-tag`.
    pub to_tag: Cow<'a, str>,
    /// `from-tag`.
    pub from_tag: Cow<'a, str>,
    /// `early-only` flag.
    pub early_only: bool,
}

impl<'a> Replaces<'a> {
    /// Parses `callid;to-tag=..;from-tag=..[;early-only]`. Both tags are required.
    pub fn parse(s: &'a str) -> Option<Replaces<'a>> {
        let s = trim(s);
        let (cid, params) = match s.find(';') {
            Some(i) => (trim(&s[..i]), &s[i..]),
            None => return None,
        };
        if cid.is_empty() {
            return None;
        }
        let p = Params(params);
        Some(Replaces {
            call_id: Cow::Borrowed(cid),
            to_tag: Cow::Borrowed(p.value("to-tag")?),
            from_tag: Cow::Borrowed(p.value("from-tag")?),
            early_only: p.get("early-only").is_some(),
        })
    }

    /// Copies into an owned value.
    pub fn into_owned(self) -> Replaces<'static> {
        Replaces {
            call_id: Cow::Owned(self.call_id.into_owned()),
            to_tag: Cow::Owned(self.to_tag.into_owned()),
            from_tag: Cow::Owned(self.from_tag.into_owned()),
            early_only: self.early_only,
        }
    }
}

/// Session-Expires (RFC 4028).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionExpires<'a> {
    /// Interval in seconds.
    pub delta: u32,
    /// `refresher` parameter (`uac` / `uas`).
    pub refresher: Option<&'a str>,
}

impl<'a> SessionExpires<'a> {
    /// Parses `delta-seconds *(;param)`.
    pub fn parse(s: &'a str) -> Option<SessionExpires<'a>> {
        let s = trim(s);
        let (d, params) = match s.find(';') {
            Some(i) => (&s[..i], &s[i..]),
            None => (s, ""),
        };
        Some(SessionExpires {
            delta: parse_u32(d)?,
            refresher: Params(params).value("refresher"),
        })
    }
}

/// Content-Type (RFC 3261 §20.15): media type, subtype, parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContentType<'a> {
    /// Top-level type, e.g. `application`.
    pub mtype: &'a str,
    /// Subtype, e.g. `sdp`.
    pub subtype: &'a str,
    /// Parameters (`boundary`, `charset`...).
    pub params: Params<'a>,
}

impl<'a> ContentType<'a> {
    /// Parses `type/subtype *(;param)` with optional LWS around `/`.
    pub fn parse(s: &'a str) -> Option<ContentType<'a>> {
        let s = trim(s);
        let (mt, params) = match s.find(';') {
            Some(i) => (&s[..i], &s[i..]),
            None => (s, ""),
        };
        let slash = mt.find('/')?;
        let (t, st) = (trim(&mt[..slash]), trim(&mt[slash + 1..]));
        if !super::lex::is_token(t) || !super::lex::is_token(st) {
            return None;
        }
        Some(ContentType {
            mtype: t,
            subtype: st,
            params: Params(params),
        })
    }

    /// True if the type is `ty/sub` (case-insensitive).
    pub fn is(&self, ty: &str, sub: &str) -> bool {
        self.mtype.eq_ignore_ascii_case(ty) && self.subtype.eq_ignore_ascii_case(sub)
    }

    /// The multipart `boundary` parameter, without quotes.
    pub fn boundary(&self) -> Option<&'a str> {
        self.params.value("boundary")
    }
}

/// One Contact value: `*` (remove all bindings, in REGISTER) or an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contact<'a> {
    /// `Contact: *`
    Star,
    /// A contact address with its parameters (`expires`, `q`, ...).
    Addr(NameAddr<'a>),
}

impl<'a> Contact<'a> {
    /// Parses one Contact value.
    pub fn parse(s: &'a str) -> Option<Contact<'a>> {
        if trim(s) == "*" {
            return Some(Contact::Star);
        }
        NameAddr::parse(s).ok().map(Contact::Addr)
    }

    /// The `expires` parameter.
    pub fn expires(&self) -> Option<u32> {
        match self {
            Contact::Star => None,
            Contact::Addr(a) => a.params.value("expires").and_then(parse_u32),
        }
    }

    /// The address, unless this is `*`.
    pub fn addr(&self) -> Option<&NameAddr<'a>> {
        match self {
            Contact::Star => None,
            Contact::Addr(a) => Some(a),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cseq_forms() {
        assert_eq!(
            CSeq::parse("0009\r\n  INVITE"),
            Some(CSeq {
                seq: 9,
                method: Method::Invite
            })
        );
        assert_eq!(CSeq::parse("36893488147419103232 REGISTER"), None);
        assert_eq!(CSeq::parse("4294967295 BYE").unwrap().seq, u32::MAX);
        assert_eq!(CSeq::parse("1 INVITE x"), None);
        assert_eq!(CSeq::parse("INVITE"), None);
    }

    #[test]
    fn rack() {
        let r = RAck::parse("776656 1 INVITE").unwrap();
        assert_eq!((r.rseq, r.cseq, r.method), (776656, 1, Method::Invite));
        assert!(RAck::parse("1 INVITE").is_none());
    }

    #[test]
    fn event_state_reason() {
        let e = Event::parse("refer;id=93809824").unwrap();
        assert_eq!((e.package, e.id), ("refer", Some("93809824")));
        let s = SubscriptionState::parse("terminated;reason=noresource").unwrap();
        assert!(s.is_terminated());
        assert_eq!(s.reason, Some("noresource"));
        let s = SubscriptionState::parse("active;expires=60").unwrap();
        assert_eq!(s.expires, Some(60));
        let r = Reason::parse("Q.850;cause=16;text=\"Normal call clearing\"").unwrap();
        assert_eq!(r.protocol, "Q.850");
        assert_eq!(r.cause, Some(16));
        assert_eq!(r.text, Some("Normal call clearing"));
    }

    #[test]
    fn replaces_session_expires_content_type_contact() {
        let r =
            Replaces::parse("98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff;early-only")
                .unwrap();
        assert_eq!(r.call_id, "98732@sip.example.com");
        assert_eq!(r.from_tag, "r33th4x0r");
        assert_eq!(r.to_tag, "ff87ff");
        assert!(r.early_only);
        assert!(Replaces::parse("abc;to-tag=1").is_none());
        let s = SessionExpires::parse("1800;refresher=uac").unwrap();
        assert_eq!((s.delta, s.refresher), (1800, Some("uac")));
        let c = ContentType::parse("multipart/mixed;boundary=\"7a9c\"").unwrap();
        assert!(c.is("Multipart", "MIXED"));
        assert_eq!(c.boundary(), Some("7a9c"));
        assert_eq!(Contact::parse(" * "), Some(Contact::Star));
        let c = Contact::parse("<sip:a@b>;expires=3600").unwrap();
        assert_eq!(c.expires(), Some(3600));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u32("0068"), Some(68));
        assert_eq!(parse_u32("00000000000000000001"), Some(1));
        assert_eq!(parse_u32("4294967296"), None);
        assert_eq!(parse_u32("-1"), None);
        assert_eq!(parse_u32(""), None);
    }
}
