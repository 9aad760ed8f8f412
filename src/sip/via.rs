//! The Via header (RFC 3261 §20.42): sent-protocol, sent-by, and the parameters that
//! identify a transaction (branch) and the path back (received, rport).

use nom::{
    IResult, Parser,
    bytes::complete::{take_while, take_while1},
    character::complete::char,
    combinator::opt,
    sequence::{delimited, preceded},
};

use super::lex::{is_lws, is_token_char};
use super::params::{Params, is_plain_stop, plain_run};

/// One Via hop (one comma-separated value of a Via header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Via<'a> {
    /// Protocol name, normally `SIP`.
    pub protocol: &'a str,
    /// Protocol version, normally `2.0`.
    pub version: &'a str,
    /// Transport token as written (`UDP`, `TCP`, `TLS`, `SCTP`, `WS`, `WSS`, or unknown).
    pub transport: &'a str,
    /// Sent-by host (IPv6 without brackets) and optional port.
    pub sent_by: HostPort<'a>,
    /// The `branch` parameter (transaction id, `z9hG4bK...` for RFC 3261 peers).
    pub branch: Option<&'a str>,
    /// The `received` parameter (IPv6 with or without brackets as written).
    pub received: Option<&'a str>,
    /// `rport`: `None` absent, `Some(None)` requested (flag), `Some(Some(p))` filled in.
    pub rport: Option<Option<u16>>,
    /// All parameters.
    pub params: Params<'a>,
}

/// A host with an optional port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HostPort<'a> {
    /// Host name or address; IPv6 references come without brackets.
    pub host: &'a str,
    /// True if the host was written in `[...]`.
    pub ipv6: bool,
    /// Port, if given.
    pub port: Option<u16>,
}

impl std::fmt::Display for HostPort<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.ipv6 {
            write!(f, "[{}]", self.host)?;
        } else {
            f.write_str(self.host)?;
        }
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        Ok(())
    }
}

fn lws(i: &str) -> IResult<&str, &str> {
    take_while(|c: char| c.is_ascii() && is_lws(c as u8)).parse(i)
}

fn token(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_ascii() && is_token_char(c as u8)).parse(i)
}

fn slash(i: &str) -> IResult<&str, char> {
    delimited(lws, char('/'), lws).parse(i)
}

/// `protocol / version / transport LWS sent-by`
fn via_head(i: &str) -> IResult<&str, (&str, &str, &str, HostPort<'_>)> {
    let (i, (_, protocol, _, version, _, transport, _)) =
        (lws, token, slash, token, slash, token, lws).parse(i)?;
    let (i, host, ipv6) = match super::uri::ipv6_reference(i) {
        Ok((i, h)) => (i, h, true),
        Err(_) => {
            let (i, h) = take_while1(|c: char| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+')
            })
            .parse(i)?;
            (i, h, false)
        }
    };
    let (i, port) = opt(preceded(
        (lws, char(':'), lws),
        take_while1(|c: char| c.is_ascii_digit()),
    ))
    .parse(i)?;
    let port = match port {
        Some(p) => match p.parse::<u16>() {
            Ok(p) => Some(p),
            Err(_) => {
                return Err(nom::Err::Error(nom::error::Error::new(
                    i,
                    nom::error::ErrorKind::Digit,
                )));
            }
        },
        None => None,
    };
    Ok((
        i,
        (protocol, version, transport, HostPort { host, ipv6, port }),
    ))
}

const fn host_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_');
        i += 1;
    }
    t
}

/// The bytes [`fast_head`] takes in a host name: alphanumerics and `.-_`.
static HOST: [bool; 256] = host_table();

/// `n` equals `lower` without regard to ASCII case, where `lower` is lower-case letters
/// only (then `n[i] | 0x20 == lower[i]` exactly when `n[i]` is that letter in either case).
#[inline(always)]
fn eq_letters_ci(n: &str, lower: &str) -> bool {
    debug_assert!(lower.bytes().all(|c| c.is_ascii_lowercase()));
    n.len() == lower.len() && n.bytes().zip(lower.bytes()).all(|(a, b)| a | 0x20 == b)
}

/// Hand-written fast path for the everyday form `SIP/2.0/UDP host[:port][;params]`
/// (no LWS, no IPv6). Anything else goes through the nom grammar in [`via_head`].
#[inline(always)]
#[allow(clippy::type_complexity)]
fn fast_head(s: &str) -> Option<(&str, (&str, &str, &str, HostPort<'_>))> {
    let b = s.as_bytes();
    if b.len() < 10 || &b[..8] != b"SIP/2.0/" {
        return None;
    }
    let mut i = 8;
    while i < b.len() && is_token_char(b[i]) {
        i += 1;
    }
    if i == 8 || i >= b.len() || b[i] != b' ' {
        return None;
    }
    let transport = &s[8..i];
    i += 1;
    let hs = i;
    while i < b.len() && HOST[b[i] as usize] {
        i += 1;
    }
    if i == hs {
        return None;
    }
    let host = &s[hs..i];
    let mut port = None;
    if i < b.len() && b[i] == b':' {
        i += 1;
        let ps = i;
        let mut v: u32 = 0;
        while i < b.len() && b[i].is_ascii_digit() && i - ps < 5 {
            v = v * 10 + (b[i] - b'0') as u32;
            i += 1;
        }
        if i == ps || v > 65535 {
            return None;
        }
        port = Some(v as u16);
    }
    if i < b.len() && b[i] != b';' {
        return None;
    }
    Some((
        &s[i..],
        (
            &s[..3],
            &s[4..7],
            transport,
            HostPort {
                host,
                ipv6: false,
                port,
            },
        ),
    ))
}

impl<'a> Via<'a> {
    /// Parses one Via value (one hop). Returns `None` if the sent-protocol or sent-by is
    /// malformed or something other than parameters follows the sent-by.
    #[inline]
    pub fn parse(s: &'a str) -> Option<Via<'a>> {
        match Via::parse_plain(s) {
            Some(v) => Some(v),
            None => Via::parse_general(s),
        }
    }

    /// The everyday form only, in one pass: `SIP/2.0/TRANSPORT host[:port]` (no LWS inside,
    /// no IPv6 reference) followed by parameters none of which holds a quote, a comma, a
    /// space or a control character. `Some` exactly when `s` has that form and then equal
    /// to [`Via::parse`]'s result; `None` for anything else (the value may still parse).
    /// A plain value holds no comma, so it is one whole hop.
    pub fn parse_plain(s: &'a str) -> Option<Via<'a>> {
        let (rest, (protocol, version, transport, sent_by)) = fast_head(s)?;
        let mut via = Via::with_unread_params(protocol, version, transport, sent_by, Params(rest));
        // `rest` is empty or starts with ';' (fast_head). Without LWS and quotes, what
        // `Params::iter` yields is: split on ';', skip empty items, name before the first '='.
        let b = rest.as_bytes();
        let mut i = 0;
        while i < b.len() {
            i += 1; // the ';'
            let start = i;
            while i < b.len() && !is_plain_stop(b[i]) && b[i] != b'=' {
                i += 1;
            }
            let name = &rest[start..i];
            let value = if i < b.len() && b[i] == b'=' {
                i += 1;
                let v = i;
                i += plain_run(&b[i..]);
                Some(&rest[v..i])
            } else {
                None
            };
            if i < b.len() && b[i] != b';' {
                return None;
            }
            if !name.is_empty() || value.is_some() {
                via.set_param(name, value);
            }
        }
        Some(via)
    }

    /// Any form: the sent-protocol and sent-by through [`fast_head`] or the nom grammar,
    /// the parameters through [`Params::iter`].
    fn parse_general(s: &'a str) -> Option<Via<'a>> {
        let (rest, (protocol, version, transport, sent_by)) = match fast_head(s) {
            Some(r) => r,
            None => via_head(s).ok()?,
        };
        Via::with_params(rest, protocol, version, transport, sent_by)
    }

    /// The full grammar alone (no fast path at all): what the fast paths must agree with.
    #[cfg(test)]
    pub(crate) fn parse_grammar(s: &'a str) -> Option<Via<'a>> {
        let (rest, (protocol, version, transport, sent_by)) = via_head(s).ok()?;
        Via::with_params(rest, protocol, version, transport, sent_by)
    }

    fn with_params(
        rest: &'a str,
        protocol: &'a str,
        version: &'a str,
        transport: &'a str,
        sent_by: HostPort<'a>,
    ) -> Option<Via<'a>> {
        let rest = rest.trim_start_matches(|c: char| c.is_ascii() && is_lws(c as u8));
        if !rest.is_empty() && !rest.starts_with(';') {
            return None;
        }
        let params = Params(rest);
        let mut via = Via::with_unread_params(protocol, version, transport, sent_by, params);
        for p in params.iter() {
            via.set_param(p.name, p.value);
        }
        Some(via)
    }

    /// A Via with its parameter text but none of the named parameters read yet (each
    /// parse then records them with [`Via::set_param`]).
    #[inline(always)]
    fn with_unread_params(
        protocol: &'a str,
        version: &'a str,
        transport: &'a str,
        sent_by: HostPort<'a>,
        params: Params<'a>,
    ) -> Via<'a> {
        Via {
            protocol,
            version,
            transport,
            sent_by,
            branch: None,
            received: None,
            rport: None,
            params,
        }
    }

    /// Records parameter `n` if it is one of the named fields (the first occurrence wins).
    #[inline(always)]
    fn set_param(&mut self, n: &'a str, value: Option<&'a str>) {
        match n.len() {
            6 if eq_letters_ci(n, "branch") => {
                self.branch.get_or_insert(value.unwrap_or(""));
            }
            8 if eq_letters_ci(n, "received") => {
                self.received = self.received.or(value);
            }
            5 if self.rport.is_none() && eq_letters_ci(n, "rport") => {
                self.rport = Some(value.and_then(|v| v.parse().ok()));
            }
            _ => {}
        }
    }

    /// True if the branch carries the RFC 3261 magic cookie `z9hG4bK`.
    pub fn is_rfc3261_branch(&self) -> bool {
        self.branch.is_some_and(|b| b.starts_with("z9hG4bK"))
    }

    /// The `maddr` parameter.
    pub fn maddr(&self) -> Option<&'a str> {
        self.params.value("maddr")
    }

    /// The `ttl` parameter.
    pub fn ttl(&self) -> Option<u8> {
        self.params.value("ttl").and_then(|v| v.parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_via() {
        let v = Via::parse("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776;rport;received=10.0.0.1")
            .unwrap();
        assert_eq!((v.protocol, v.version, v.transport), ("SIP", "2.0", "UDP"));
        assert_eq!(v.sent_by.host, "192.0.2.1");
        assert_eq!(v.sent_by.port, Some(5060));
        assert_eq!(v.branch, Some("z9hG4bK776"));
        assert_eq!(v.rport, Some(None));
        assert_eq!(v.received, Some("10.0.0.1"));
        assert!(v.is_rfc3261_branch());
    }

    #[test]
    fn tortuous_via() {
        let v = Via::parse("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw").unwrap();
        assert_eq!(v.transport, "UDP");
        assert_eq!(v.sent_by.host, "192.0.2.2");
        assert_eq!(v.branch, Some("390skdjuw"));
        assert!(!v.is_rfc3261_branch());
        let v = Via::parse("SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239")
            .unwrap();
        assert_eq!(v.branch, Some("z9hG4bK30239"));
    }

    #[test]
    fn ipv6_via() {
        let v = Via::parse("SIP/2.0/UDP [2001:db8::9:1]:6050;received=[2001:db8::9:255];rport=7")
            .unwrap();
        assert_eq!(v.sent_by.host, "2001:db8::9:1");
        assert!(v.sent_by.ipv6);
        assert_eq!(v.sent_by.port, Some(6050));
        assert_eq!(v.sent_by.to_string(), "[2001:db8::9:1]:6050");
        assert_eq!(v.received, Some("[2001:db8::9:255]"));
        assert_eq!(v.rport, Some(Some(7)));
    }

    /// `Via::parse` (the plain fast path, then `fast_head`, then nom) returns what the
    /// grammar alone returns, and the plain path returns nothing else: on every header
    /// value of the RFC 4475/5118 messages, everyday values, and their mutations.
    #[test]
    fn fast_paths_agree_with_the_grammar() {
        let (mut n, mut plain) = (0, 0);
        for v in crate::sip::params::corpus::values() {
            for s in crate::sip::params::corpus::mutations(&v) {
                let grammar = Via::parse_grammar(&s);
                assert_eq!(Via::parse(&s), grammar, "{s:?}");
                if let Some(p) = Via::parse_plain(&s) {
                    assert_eq!(Some(p), grammar, "plain {s:?}");
                    assert!(!s.contains(','), "{s:?}");
                    plain += 1;
                }
                n += 1;
            }
        }
        assert!(n > 100_000 && plain > 1_000, "{n} values, {plain} plain");
        for v in &crate::sip::params::corpus::EVERYDAY[..6] {
            assert!(Via::parse_plain(v).is_some(), "{v}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        #[test]
        fn plain_path_agrees_on_random_vias(
            s in "(SIP/2\\.0/|SIP/2\\.0 /|sip/2\\.0/)[A-Za-z]{0,4}[ \t]{0,2}[a-zA-Z0-9.\\-_+:\\[\\]]{0,14}\
                  (;[a-zA-Z]{0,8}(=[a-zA-Z0-9.\"\\[\\]:, =\\\\]{0,12})?|;(branch|rport|received|BRANCH|Rport)(=[a-z0-9.]{0,6})?){0,5}[ ,]{0,1}"
        ) {
            let grammar = Via::parse_grammar(&s);
            proptest::prop_assert_eq!(Via::parse(&s), grammar);
            if let Some(p) = Via::parse_plain(&s) {
                proptest::prop_assert_eq!(Some(p), grammar);
            }
        }
    }

    #[test]
    fn eq_letters_ci_is_eq_ignore_ascii_case() {
        for name in ["branch", "received", "rport"] {
            for n in 0..=255u8 {
                for pos in 0..name.len() {
                    let mut b = name.as_bytes().to_vec();
                    b[pos] = n;
                    if let Ok(s) = std::str::from_utf8(&b) {
                        assert_eq!(
                            eq_letters_ci(s, name),
                            s.eq_ignore_ascii_case(name),
                            "{s:?}"
                        );
                    }
                }
            }
            assert!(eq_letters_ci(&name.to_ascii_uppercase(), name));
            assert!(!eq_letters_ci(&name[1..], name));
        }
    }

    #[test]
    fn malformed_via() {
        assert!(Via::parse("SIP/2.0 host").is_none());
        assert!(Via::parse("SIP/2.0/UDP host:99999").is_none());
        assert!(Via::parse("SIP/2.0/UDP host garbage").is_none());
    }
}
