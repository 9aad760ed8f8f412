//! `name-addr` / `addr-spec` values (From, To, Contact, Route, Refer-To, Referred-By,
//! P-Asserted-Identity...): optional display name, URI, header parameters.

use std::borrow::Cow;

use super::lex::{find3, is_lws, quoted_len, trim, trim_end, unfold, unquote};
use super::params::{Params, plain_run};
use super::uri::{Uri, UriError};

/// A name-addr or addr-spec with its header parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameAddr<'a> {
    /// Display name: the inside of a quoted string (escapes kept, see
    /// [`NameAddr::display_name`]) or the unquoted token sequence.
    pub display: Option<&'a str>,
    /// True if the display name was a quoted string.
    pub display_quoted: bool,
    /// The URI text (inside `<...>` when `angle` is true).
    pub uri: &'a str,
    /// True if the URI was enclosed in angle brackets.
    pub angle: bool,
    /// Header parameters (after `>`, or after the URI for an addr-spec).
    pub params: Params<'a>,
    /// The `tag` parameter (From/To).
    pub tag: Option<&'a str>,
}

/// Why a name-addr did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameAddrError {
    /// Quoted display name without closing quote.
    UnterminatedQuote,
    /// `<` without `>`.
    UnterminatedAngle,
    /// Nothing that looks like a URI.
    Empty,
    /// Text after a quoted display name that is not `<uri>`.
    Garbage,
}

impl NameAddrError {
    /// Human description.
    pub fn as_str(self) -> &'static str {
        match self {
            NameAddrError::UnterminatedQuote => "unterminated quoted string",
            NameAddrError::UnterminatedAngle => "'<' without '>'",
            NameAddrError::Empty => "empty value",
            NameAddrError::Garbage => "unexpected text after display name",
        }
    }
}

impl<'a> NameAddr<'a> {
    /// Parses one value (not comma-split: call on one item of a multi-valued header).
    #[inline]
    pub fn parse(s: &'a str) -> Result<NameAddr<'a>, NameAddrError> {
        match NameAddr::parse_plain(s) {
            Some(n) => Ok(n),
            None => NameAddr::parse_general(s),
        }
    }

    /// The everyday forms only, without calls: `"display" <uri>` (no `\\` in the display
    /// name), `display <uri>` or `<uri>`, followed by nothing or by `;tag=value` first
    /// (spelled so, a plain value: no quote, comma or LWS). `Some` exactly when `s` has
    /// such a form, and then equal to [`NameAddr::parse_general`]'s result; `None` for
    /// anything else.
    #[inline]
    pub(crate) fn parse_plain(s: &'a str) -> Option<NameAddr<'a>> {
        let s = trim(s);
        let b = s.as_bytes();
        let (display, quoted, lt) = match *b.first()? {
            b'"' => {
                let q = 1 + find3(&b[1..], b'"', b'\\', b'\\')?;
                if b[q] != b'"' {
                    return None;
                }
                let mut k = q + 1;
                while k < b.len() && is_lws(b[k]) {
                    k += 1;
                }
                if b.get(k) != Some(&b'<') {
                    return None;
                }
                (Some(&s[1..q]), true, k)
            }
            b'<' => (None, false, 0),
            _ => {
                let lt = find3(b, b'<', b'<', b'<')?;
                let d = trim_end(&s[..lt]);
                ((!d.is_empty()).then_some(d), false, lt)
            }
        };
        let close = lt + 1 + find3(&b[lt + 1..], b'>', b'>', b'>')?;
        let params = &s[close + 1..];
        let tag = match params.strip_prefix(";tag=") {
            Some(v) => {
                let end = plain_run(v.as_bytes());
                if end < v.len() && v.as_bytes()[end] != b';' {
                    return None;
                }
                Some(&v[..end])
            }
            None if params.is_empty() => None,
            None => return None,
        };
        Some(NameAddr {
            display,
            display_quoted: quoted,
            uri: trim(&s[lt + 1..close]),
            angle: true,
            params: Params(params),
            tag,
        })
    }

    /// Any form (what [`NameAddr::parse`] does when [`NameAddr::parse_plain`] declines).
    pub(crate) fn parse_general(s: &'a str) -> Result<NameAddr<'a>, NameAddrError> {
        let s = trim(s);
        if s.is_empty() {
            return Err(NameAddrError::Empty);
        }
        let b = s.as_bytes();
        let mut out = NameAddr {
            display: None,
            display_quoted: false,
            uri: "",
            angle: false,
            params: Params(""),
            tag: None,
        };
        let rest: &'a str;
        if b[0] == b'"' {
            let n = quoted_len(b).ok_or(NameAddrError::UnterminatedQuote)?;
            out.display = Some(&s[1..n - 1]);
            out.display_quoted = true;
            let after = trim(&s[n..]);
            if !after.starts_with('<') {
                return Err(NameAddrError::Garbage);
            }
            rest = after;
        } else {
            match memchr::memchr(b'<', b) {
                Some(i) => {
                    let d = trim_end(&s[..i]);
                    if !d.is_empty() {
                        out.display = Some(d);
                    }
                    rest = &s[i..];
                }
                None => {
                    // addr-spec: parameters after the URI are header parameters.
                    let (uri, params) = match memchr::memchr(b';', b) {
                        Some(i) => (trim(&s[..i]), &s[i..]),
                        None => (s, ""),
                    };
                    out.uri = uri;
                    out.params = Params(params);
                    out.tag = out.params.value("tag");
                    return Ok(out);
                }
            }
        }
        // rest starts with '<'
        let close =
            memchr::memchr(b'>', rest.as_bytes()).ok_or(NameAddrError::UnterminatedAngle)?;
        out.uri = trim(&rest[1..close]);
        out.angle = true;
        out.params = Params(&rest[close + 1..]);
        out.tag = out.params.value("tag");
        Ok(out)
    }

    /// The display name with quotes removed, `\` escapes decoded and folds (line breaks
    /// plus indentation, RFC 3261 §7.3.1) replaced by one space.
    pub fn display_name(&self) -> Option<Cow<'a, str>> {
        self.display.map(|d| {
            let d = match unfold(d) {
                Cow::Borrowed(b) => b,
                Cow::Owned(o) => {
                    return Cow::Owned(if self.display_quoted {
                        unquote(&o).into_owned()
                    } else {
                        o
                    });
                }
            };
            if self.display_quoted {
                unquote(d)
            } else {
                Cow::Borrowed(d)
            }
        })
    }

    /// The URI, parsed.
    pub fn parsed_uri(&self) -> Result<Uri<'a>, UriError> {
        Uri::parse(self.uri)
    }

    /// Header parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<Option<&'a str>> {
        self.params.get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let n = NameAddr::parse(
            "\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8",
        )
        .unwrap();
        assert_eq!(n.display_name().unwrap(), "J Rosenberg \\\"");
        assert_eq!(n.uri, "sip:jdrosen@example.com");
        assert_eq!(n.tag, Some("98asjd8"));

        let n = NameAddr::parse("caller<sip:caller@example.com>;tag=323").unwrap();
        assert_eq!(n.display, Some("caller"));
        assert_eq!(n.tag, Some("323"));

        let n =
            NameAddr::parse("sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n").unwrap();
        assert_eq!(n.uri, "sip:vivekg@chair-dnrc.example.com");
        assert!(!n.angle);
        assert_eq!(n.tag, Some("1918181833n"));

        let n = NameAddr::parse("<sip:a@b;transport=tcp>;expires=60").unwrap();
        assert_eq!(n.display, None);
        assert_eq!(n.param("expires"), Some(Some("60")));
        assert_eq!(
            n.parsed_uri().unwrap().param("transport"),
            Some(Some("tcp"))
        );
    }

    /// `NameAddr::parse` (the plain fast path, else the general parse) returns what the
    /// general parse returns: on every header value of the RFC 4475/5118 messages,
    /// everyday values, and their mutations.
    #[test]
    fn plain_path_agrees_with_the_general_parse() {
        let (mut n, mut plain) = (0, 0);
        for v in crate::sip::params::corpus::values() {
            for s in crate::sip::params::corpus::mutations(&v) {
                let general = NameAddr::parse_general(&s);
                assert_eq!(NameAddr::parse(&s), general, "{s:?}");
                if let Some(p) = NameAddr::parse_plain(&s) {
                    assert_eq!(Ok(p), general, "plain {s:?}");
                    plain += 1;
                }
                n += 1;
            }
        }
        assert!(n > 100_000 && plain > 10_000, "{n} values, {plain} plain");
        for v in &crate::sip::params::corpus::EVERYDAY[6..14] {
            assert!(NameAddr::parse_plain(v).is_some(), "{v}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        #[test]
        fn plain_path_agrees_on_random_name_addrs(
            s in "[ \t]{0,1}(\"[a-zA-Z 0-9\\\\\"<>]{0,8}\"[ \t]{0,2}|[a-zA-Z ]{0,6}|\"|)<?[a-z:@.;=\">< ]{0,20}>?\
                  (;(tag|TAG|x|tagx)?(=[a-z0-9\" ;,\t=]{0,8})?){0,3}[ \t]{0,1}"
        ) {
            let general = NameAddr::parse_general(&s);
            proptest::prop_assert_eq!(NameAddr::parse(&s), general);
        }
    }

    #[test]
    fn errors() {
        assert_eq!(
            NameAddr::parse("\"Mr. J. User <sip:j.user@example.com>"),
            Err(NameAddrError::UnterminatedQuote)
        );
        assert_eq!(
            NameAddr::parse("<sip:a@b"),
            Err(NameAddrError::UnterminatedAngle)
        );
        assert_eq!(NameAddr::parse("  "), Err(NameAddrError::Empty));
    }
}
