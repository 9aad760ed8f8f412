//! `name-addr` / `addr-spec` values (From, To, Contact, Route, Refer-To, Referred-By,
//! P-Asserted-Identity...): optional display name, URI, header parameters.

use std::borrow::Cow;

use super::lex::{quoted_len, trim, trim_end, unfold, unquote};
use super::params::Params;
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
    pub fn parse(s: &'a str) -> Result<NameAddr<'a>, NameAddrError> {
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
