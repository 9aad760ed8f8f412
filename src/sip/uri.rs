//! SIP, SIPS and TEL URIs (RFC 3261 §19.1, RFC 3966), borrowed from the message.
//!
//! Parts are kept escaped as on the wire; [`unescape`] and the `*_unescaped` methods decode
//! `%HH` on demand (allocating only when there is something to decode).

use std::borrow::Cow;

use nom::{
    IResult, Parser,
    bytes::complete::{take_till, take_while1},
    character::complete::char,
    combinator::opt,
    sequence::{delimited, preceded},
};

use super::params::Params;
use super::typed::Replaces;

/// URI scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme<'a> {
    /// `sip:`
    Sip,
    /// `sips:`
    Sips,
    /// `tel:`
    Tel,
    /// Any other scheme (kept verbatim, the rest of the URI is opaque).
    Other(&'a str),
}

/// A parsed URI. For `sip`/`sips`, `user`, `host`, `port`, `params` and `headers` are
/// filled; for `tel`, `user` holds the number and `params` its parameters; for other schemes
/// `host` holds the opaque rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uri<'a> {
    /// The whole URI text.
    pub raw: &'a str,
    /// Scheme.
    pub scheme: Scheme<'a>,
    /// User part, still escaped (may contain `;` as in RFC 4475 semiuri).
    pub user: Option<&'a str>,
    /// Password, still escaped.
    pub password: Option<&'a str>,
    /// Host: a name, an IPv4 address, or an IPv6 address without its brackets.
    pub host: &'a str,
    /// True if the host was an IPv6 reference in `[...]`.
    pub ipv6: bool,
    /// Port, if given.
    pub port: Option<u16>,
    /// URI parameters (after the host, before `?`).
    pub params: Params<'a>,
    /// Escaped headers after `?` (e.g. `Replaces=...`), without the `?`.
    pub headers: Option<&'a str>,
}

/// Why a URI did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UriError {
    /// No `scheme:` prefix.
    NoScheme,
    /// Host part missing or malformed.
    BadHost,
    /// Port is not a number in 0..=65535.
    BadPort,
    /// Whitespace inside the URI.
    Whitespace,
}

impl UriError {
    /// Human description.
    pub fn as_str(self) -> &'static str {
        match self {
            UriError::NoScheme => "no URI scheme",
            UriError::BadHost => "malformed host",
            UriError::BadPort => "malformed port",
            UriError::Whitespace => "whitespace inside the URI",
        }
    }
}

fn scheme(i: &str) -> IResult<&str, &str> {
    let (rest, s) = take_while1(|c: char| c.is_ascii_alphanumeric() || "+-.".contains(c))(i)?;
    let (rest, _) = char(':')(rest)?;
    Ok((rest, s))
}

/// `host [":" port]`: IPv6 references in brackets, otherwise up to `:`, `;`, `?`.
/// `"[" IPv6 "]"`, returning the address without brackets.
pub(crate) fn ipv6_reference(i: &str) -> IResult<&str, &str> {
    delimited(char('['), take_till(|c| c == ']'), char(']')).parse(i)
}

fn host_port(i: &str) -> IResult<&str, (&str, bool, Option<&str>)> {
    let (rest, (host, is6)) = match ipv6_reference(i) {
        Ok((rest, h)) => (rest, (h, true)),
        Err(_) => {
            let (rest, h) = take_till(|c| matches!(c, ':' | ';' | '?'))(i)?;
            (rest, (h, false))
        }
    };
    let (rest, port) =
        opt(preceded(char(':'), take_till(|c| matches!(c, ';' | '?')))).parse(rest)?;
    Ok((rest, (host, is6, port)))
}

impl<'a> Uri<'a> {
    /// Parses a URI (without angle brackets).
    pub fn parse(raw: &'a str) -> Result<Uri<'a>, UriError> {
        if raw
            .bytes()
            .any(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        {
            return Err(UriError::Whitespace);
        }
        let (rest, s) = scheme(raw).map_err(|_| UriError::NoScheme)?;
        let scheme = if s.eq_ignore_ascii_case("sip") {
            Scheme::Sip
        } else if s.eq_ignore_ascii_case("sips") {
            Scheme::Sips
        } else if s.eq_ignore_ascii_case("tel") {
            Scheme::Tel
        } else {
            Scheme::Other(s)
        };
        let mut uri = Uri {
            raw,
            scheme,
            user: None,
            password: None,
            host: "",
            ipv6: false,
            port: None,
            params: Params(""),
            headers: None,
        };
        match scheme {
            Scheme::Other(_) => {
                uri.host = rest;
                return Ok(uri);
            }
            Scheme::Tel => {
                let (num, params) = match rest.find(';') {
                    Some(i) => (&rest[..i], &rest[i..]),
                    None => (rest, ""),
                };
                if num.is_empty() {
                    return Err(UriError::BadHost);
                }
                uri.user = Some(num);
                uri.params = Params(params);
                return Ok(uri);
            }
            Scheme::Sip | Scheme::Sips => {}
        }
        // userinfo ends at the first '@'; the user part may itself hold ';' '?' ':' '/'.
        let hostpart = match memchr::memchr(b'@', rest.as_bytes()) {
            Some(at) => {
                let userinfo = &rest[..at];
                match userinfo.find(':') {
                    Some(c) => {
                        uri.user = Some(&userinfo[..c]);
                        uri.password = Some(&userinfo[c + 1..]);
                    }
                    None => uri.user = Some(userinfo),
                }
                &rest[at + 1..]
            }
            None => rest,
        };
        let (after, (host, ipv6, port)) = host_port(hostpart).map_err(|_| UriError::BadHost)?;
        if host.is_empty() {
            return Err(UriError::BadHost);
        }
        uri.host = host;
        uri.ipv6 = ipv6;
        if let Some(p) = port {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(UriError::BadPort);
            }
            uri.port = Some(p.parse().map_err(|_| UriError::BadPort)?);
        }
        let (params, headers) = match after.find('?') {
            Some(q) => (&after[..q], Some(&after[q + 1..])),
            None => (after, None),
        };
        uri.params = Params(params);
        uri.headers = headers;
        Ok(uri)
    }

    /// The user part with `%HH` escapes decoded.
    pub fn user_unescaped(&self) -> Option<Cow<'a, str>> {
        self.user.map(unescape)
    }

    /// URI parameter `name` (case-insensitive); `Some(None)` for a flag like `;lr`.
    pub fn param(&self, name: &str) -> Option<Option<&'a str>> {
        self.params.get(name)
    }

    /// True for `sips:` URIs.
    pub fn is_secure(&self) -> bool {
        self.scheme == Scheme::Sips
    }

    /// Iterates over the `?name=value&...` headers, names and values still escaped.
    pub fn header_pairs(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.headers
            .unwrap_or("")
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| match kv.find('=') {
                Some(i) => (&kv[..i], &kv[i + 1..]),
                None => (kv, ""),
            })
    }

    /// The value of embedded header `name` (case-insensitive), unescaped.
    pub fn header(&self, name: &str) -> Option<Cow<'a, str>> {
        self.header_pairs()
            .find(|(n, _)| unescape(n).eq_ignore_ascii_case(name))
            .map(|(_, v)| unescape(v))
    }

    /// The `Replaces` embedded in the URI headers (attended transfer, RFC 3891), unescaped.
    /// Owned because unescaping allocates.
    pub fn replaces(&self) -> Option<Replaces<'static>> {
        let v = self.header("Replaces")?;
        Replaces::parse(&v).map(|r| r.into_owned())
    }
}

/// Decodes `%HH` escapes. Invalid escapes (`%ZK`, a lone `%`) are kept as written;
/// decoded bytes that are not UTF-8 are replaced with U+FFFD. Borrows when there is no `%`.
pub fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(s) => Cow::Owned(s),
        Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sip_uri_parts() {
        let u =
            Uri::parse("sip:alice:pw@example.com:5070;transport=tcp;lr?Subject=hi&X=1").unwrap();
        assert_eq!(u.scheme, Scheme::Sip);
        assert_eq!(u.user, Some("alice"));
        assert_eq!(u.password, Some("pw"));
        assert_eq!(u.host, "example.com");
        assert_eq!(u.port, Some(5070));
        assert_eq!(u.param("transport"), Some(Some("tcp")));
        assert_eq!(u.param("lr"), Some(None));
        assert_eq!(u.header("subject").as_deref(), Some("hi"));
    }

    #[test]
    fn escapes_and_semicolon_user() {
        let u = Uri::parse("sip:sips%3Auser%40example.com@example.net").unwrap();
        assert_eq!(u.user_unescaped().as_deref(), Some("sips:user@example.com"));
        assert_eq!(u.host, "example.net");
        let u = Uri::parse("sip:user;par=u%40example.net@example.com").unwrap();
        assert_eq!(u.user, Some("user;par=u%40example.net"));
        assert_eq!(u.host, "example.com");
        assert_eq!(unescape("null-%00-null"), "null-\0-null");
        assert_eq!(unescape("%Z%45"), "%ZE");
        assert_eq!(unescape("100%"), "100%");
    }

    #[test]
    fn ipv6_hosts() {
        let u = Uri::parse("sip:[2001:db8::10:5070]").unwrap();
        assert_eq!((u.host, u.port, u.ipv6), ("2001:db8::10:5070", None, true));
        let u = Uri::parse("sip:[2001:db8::10]:5070").unwrap();
        assert_eq!((u.host, u.port), ("2001:db8::10", Some(5070)));
        assert_eq!(Uri::parse("sip:2001:db8::10"), Err(UriError::BadPort));
    }

    #[test]
    fn tel_and_other() {
        let u = Uri::parse("tel:+1-201-555-0123;phone-context=example.com").unwrap();
        assert_eq!(u.scheme, Scheme::Tel);
        assert_eq!(u.user, Some("+1-201-555-0123"));
        assert_eq!(u.params.value("phone-context"), Some("example.com"));
        let u = Uri::parse("isbn:2983792873").unwrap();
        assert_eq!(u.scheme, Scheme::Other("isbn"));
        assert_eq!(Uri::parse("nocolon"), Err(UriError::NoScheme));
        assert_eq!(Uri::parse("sip:a b"), Err(UriError::Whitespace));
    }

    #[test]
    fn embedded_replaces() {
        let u = Uri::parse(
            "sip:bob@b.example?Replaces=12345%40192.168.0.1%3Bto-tag%3D123%3Bfrom-tag%3D456",
        )
        .unwrap();
        let r = u.replaces().unwrap();
        assert_eq!(r.call_id, "12345@192.168.0.1");
        assert_eq!(r.to_tag, "123");
        assert_eq!(r.from_tag, "456");
    }
}
