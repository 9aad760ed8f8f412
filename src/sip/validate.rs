//! Strict RFC 3261 grammar checks on top of the lenient parse: what RFC 4475 §3.1.2 calls
//! invalid is reported with a specific reason. Semantic problems (RFC 4475 §3.2-3.4: missing
//! or duplicated headers, unknown schemes or option tags) are *not* errors here: the
//! transaction layer decides about those, and a capture analyzer must still read them.

use super::error::{ErrorKind, ParseError, excerpt};
use super::header::HeaderName;
use super::lex::{is_lws, is_token_char, split_commas_raw, trim};
use super::message::{Message, StartLine};
use super::name_addr::{NameAddr, NameAddrError};
use super::typed::{ContentType, Event, RAck, SessionExpires, SubscriptionState, parse_u32};
use super::uri::{Scheme, Uri, UriError};
use super::via::Via;

fn e(kind: ErrorKind, msg: String) -> ParseError {
    ParseError::new(kind, msg)
}

fn show(s: &str) -> String {
    excerpt(s.as_bytes(), 60)
}

impl Message<'_> {
    /// Applies the strict checks and returns the first problem found, in this order: start
    /// line, header encoding and lines, each header's grammar in message order, CSeq/method
    /// agreement, body length.
    pub fn validate(&self) -> Result<(), ParseError> {
        self.validate_start_line()?;
        if self.quirks().non_utf8() {
            for h in self.headers() {
                if std::str::from_utf8(h.value).is_err() {
                    return Err(e(
                        ErrorKind::InvalidUtf8,
                        format!("header {} is not valid UTF-8", h.name),
                    ));
                }
            }
        }
        if let Some(line) = self.bad_line_raw() {
            return Err(e(
                ErrorKind::BadHeaderLine,
                format!(
                    "header line without a token name and ':': {}",
                    excerpt(line, 60)
                ),
            ));
        }
        for h in self.headers() {
            let Some(v) = h.value_str() else { continue };
            check_header(h.kind, h.name, v)?;
        }
        if let (Some(m), Some(c)) = (self.method(), self.cseq())
            && m != c.method
        {
            return Err(e(
                ErrorKind::CSeqMismatch,
                format!(
                    "CSeq method {} does not match request method {}",
                    c.method, m
                ),
            ));
        }
        if self.quirks().bad_content_length() {
            let v = self.header("Content-Length").unwrap_or_default();
            return Err(e(
                ErrorKind::BadContentLength,
                format!(
                    "Content-Length {} is not a non-negative integer",
                    excerpt(super::lex::trim_bytes(v), 40)
                ),
            ));
        }
        if let Some(cl) = self.content_length()
            && cl > self.body_available()
        {
            return Err(e(
                ErrorKind::ContentLengthExceedsBody,
                format!(
                    "Content-Length {cl} exceeds body length {}",
                    self.body_available()
                ),
            ));
        }
        Ok(())
    }

    fn validate_start_line(&self) -> Result<(), ParseError> {
        if self.quirks().start_line_whitespace() {
            let raw = self.start_line_raw();
            let kind = if self.is_request() {
                "Request-Line"
            } else {
                "Status-Line"
            };
            let msg = if raw.last().is_some_and(|&b| b == b' ' || b == b'\t') && self.is_request() {
                format!("trailing whitespace at the end of the {kind}")
            } else {
                format!("{kind} elements separated by more than one SP")
            };
            return Err(e(ErrorKind::StartLineWhitespace, msg));
        }
        let StartLine::Request { uri, .. } = self.start_line() else {
            return Ok(());
        };
        if uri.starts_with('<') {
            return Err(e(
                ErrorKind::BadRequestUri,
                format!("Request-URI is enclosed in <>: {}", show(uri)),
            ));
        }
        match Uri::parse(uri) {
            Ok(u) => {
                if matches!(u.scheme, Scheme::Sip | Scheme::Sips) && u.headers.is_some() {
                    return Err(e(
                        ErrorKind::BadRequestUri,
                        format!(
                            "Request-URI contains escaped headers (?{})",
                            show(u.headers.unwrap_or(""))
                        ),
                    ));
                }
                Ok(())
            }
            Err(UriError::BadPort) if bare_ipv6(uri) => Err(e(
                ErrorKind::BadRequestUri,
                format!(
                    "Request-URI host is an IPv6 address without []: {}",
                    show(uri)
                ),
            )),
            Err(err) => Err(e(
                ErrorKind::BadRequestUri,
                format!("Request-URI {}: {}", show(uri), err.as_str()),
            )),
        }
    }
}

/// `sip:2001:db8::10` style: more than one ':' after the host start and no brackets.
fn bare_ipv6(uri: &str) -> bool {
    let rest = uri.split_once(':').map_or("", |(_, r)| r);
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    !host.starts_with('[')
        && host
            .split([';', '?'])
            .next()
            .unwrap_or("")
            .matches(':')
            .count()
            > 1
}

fn overflow(what: &str, v: &str, limit: &str) -> ParseError {
    e(
        ErrorKind::ScalarOverflow,
        format!("{what} {} exceeds {limit}", show(trim(v))),
    )
}

fn bad(name: &str, v: &str, why: &str) -> ParseError {
    e(
        ErrorKind::BadHeaderValue,
        format!("{why} in {name}: {}", show(trim(v))),
    )
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a u32 field: digits only, at most 2^32-1.
fn check_u32(name: &str, v: &str) -> Result<u32, ParseError> {
    let t = trim(v);
    if !is_digits(t) {
        return Err(bad(name, v, "not a number"));
    }
    parse_u32(t).ok_or_else(|| overflow(name, t, "2^32-1"))
}

fn check_header(kind: HeaderName, name: &str, v: &str) -> Result<(), ParseError> {
    use HeaderName as H;
    match kind {
        H::Via => {
            for item in split_commas_raw(v).map_err(|_| bad(name, v, "unbalanced quote"))? {
                if item.is_empty() {
                    return Err(bad(name, v, "empty value (stray ',')"));
                }
                let via = Via::parse(item).ok_or_else(|| bad(name, item, "malformed Via"))?;
                if via.params.has_empty() {
                    return Err(bad(name, item, "empty parameter (stray ';')"));
                }
            }
        }
        H::From | H::To => {
            check_name_addr(name, v, false)?;
        }
        H::Contact => {
            if trim(v) == "*" {
                return Ok(());
            }
            for item in split_commas_raw(v).map_err(|_| {
                e(
                    ErrorKind::UnterminatedQuote,
                    format!("unterminated quoted string or <> in {name}"),
                )
            })? {
                if item.is_empty() {
                    return Err(bad(name, v, "empty value (stray ',')"));
                }
                let na = check_name_addr(name, item, true)?;
                if let Some(Some(exp)) = na.params.get("expires") {
                    if !is_digits(exp) {
                        return Err(bad(name, item, "expires is not a number"));
                    }
                    if parse_u32(exp).is_none() {
                        return Err(overflow("Contact expires", exp, "2^32-1"));
                    }
                }
            }
        }
        H::Route | H::RecordRoute | H::PAssertedIdentity | H::PPreferredIdentity => {
            for item in split_commas_raw(v).map_err(|_| bad(name, v, "unbalanced quote or <>"))? {
                if item.is_empty() {
                    return Err(bad(name, v, "empty value (stray ',')"));
                }
                check_name_addr(name, item, true)?;
            }
        }
        H::ReferTo | H::ReferredBy => {
            check_name_addr(name, v, true)?;
        }
        H::CSeq => {
            let t = trim(v);
            let (num, method) = t
                .split_once(|c: char| c.is_ascii() && is_lws(c as u8))
                .ok_or_else(|| bad(name, v, "expected number and method"))?;
            let method = trim(method);
            if !is_digits(num) || method.is_empty() || !method.bytes().all(is_token_char) {
                return Err(bad(name, v, "expected number and method"));
            }
            if parse_u32(num).is_none() {
                return Err(overflow("CSeq number", num, "2^32-1"));
            }
        }
        H::CallId => {
            let t = trim(v);
            if t.is_empty() || t.bytes().any(is_lws) {
                return Err(bad(name, v, "empty or contains whitespace"));
            }
        }
        H::MaxForwards => {
            let n = check_u32(name, v)?;
            if n > 255 {
                return Err(overflow("Max-Forwards", v, "255"));
            }
        }
        H::Expires | H::MinExpires => {
            check_u32(name, v)?;
        }
        H::RetryAfter => {
            let t = trim(v);
            let delta = t
                .split(|c: char| c == ';' || c == '(' || c.is_ascii_whitespace())
                .next()
                .unwrap_or("");
            check_u32("Retry-After", delta)?;
        }
        H::RSeq => {
            let n = check_u32(name, v)?;
            if n == 0 || n > (1 << 31) - 1 {
                return Err(bad(name, v, "RSeq outside 1..2^31-1"));
            }
        }
        H::RAck => {
            RAck::parse(v).ok_or_else(|| bad(name, v, "expected RSeq, CSeq number and method"))?;
        }
        H::Warning => {
            for item in split_commas_raw(v).map_err(|_| bad(name, v, "unbalanced quote"))? {
                let code = item.split(' ').next().unwrap_or("");
                if code.len() != 3 || !is_digits(code) {
                    return Err(e(
                        ErrorKind::BadHeaderValue,
                        format!("Warning code {} is not three digits", show(code)),
                    ));
                }
            }
        }
        H::Date => check_date(v)?,
        H::Event => {
            Event::parse(v).ok_or_else(|| bad(name, v, "malformed event"))?;
        }
        H::SubscriptionState => {
            SubscriptionState::parse(v).ok_or_else(|| bad(name, v, "malformed state"))?;
        }
        H::SessionExpires => {
            SessionExpires::parse(v).ok_or_else(|| bad(name, v, "malformed interval"))?;
        }
        H::ContentType => {
            ContentType::parse(v).ok_or_else(|| bad(name, v, "malformed media type"))?;
        }
        _ => {}
    }
    Ok(())
}

/// Checks one name-addr / addr-spec value the way RFC 3261 §20.10 and §25.1 require.
fn check_name_addr<'a>(name: &str, v: &'a str, _multi: bool) -> Result<NameAddr<'a>, ParseError> {
    let na = NameAddr::parse(v).map_err(|err| match err {
        NameAddrError::UnterminatedQuote => e(
            ErrorKind::UnterminatedQuote,
            format!("unterminated quoted string in {name}"),
        ),
        other => bad(name, v, other.as_str()),
    })?;
    if let (Some(d), false) = (na.display, na.display_quoted)
        && !d.bytes().all(|b| is_token_char(b) || is_lws(b))
    {
        return Err(e(
            ErrorKind::BadHeaderValue,
            format!(
                "display name in {name} contains characters that must be quoted: {}",
                show(d)
            ),
        ));
    }
    if na.angle {
        // NameAddr trims inside <>; the grammar allows no whitespace there.
        let t = trim(v);
        let open = t.find('<').unwrap_or(0);
        if t[open + 1..].starts_with(|c: char| c.is_ascii_whitespace())
            || t[..t.find('>').unwrap_or(t.len())].ends_with(|c: char| c.is_ascii_whitespace())
        {
            return Err(bad(name, v, "whitespace inside <>"));
        }
    } else if na.uri.contains(['?', ',']) {
        return Err(e(
            ErrorKind::BadHeaderValue,
            format!(
                "URI with headers or ',' in {name} must be enclosed in <>: {}",
                show(na.uri)
            ),
        ));
    }
    if na.uri.bytes().any(is_lws) {
        return Err(bad(name, v, "whitespace inside the URI"));
    }
    if let Err(err) = Uri::parse(na.uri) {
        return Err(bad(name, na.uri, err.as_str()));
    }
    if na.params.has_empty() {
        return Err(bad(name, v, "empty parameter (stray ';')"));
    }
    Ok(na)
}

/// RFC 1123 date in GMT, as RFC 3261 §20.17 requires: `Sat, 13 Nov 2010 23:29:00 GMT`.
fn check_date(v: &str) -> Result<(), ParseError> {
    let t = trim(v);
    let parts: Vec<&str> = t.split_ascii_whitespace().collect();
    let ok = parts.len() == 6
        && matches!(
            parts[0],
            "Mon," | "Tue," | "Wed," | "Thu," | "Fri," | "Sat," | "Sun,"
        )
        && parts[1].len() == 2
        && is_digits(parts[1])
        && matches!(
            parts[2],
            "Jan"
                | "Feb"
                | "Mar"
                | "Apr"
                | "May"
                | "Jun"
                | "Jul"
                | "Aug"
                | "Sep"
                | "Oct"
                | "Nov"
                | "Dec"
        )
        && parts[3].len() == 4
        && is_digits(parts[3])
        && parts[4].len() == 8
        && parts[4].split(':').all(|p| p.len() == 2 && is_digits(p))
        && parts[5] == "GMT";
    if ok {
        return Ok(());
    }
    let msg = match parts.last() {
        Some(&zone) if parts.len() == 6 && zone != "GMT" => {
            format!("Date time zone must be GMT, not {}", show(zone))
        }
        _ => format!("Date is not an RFC 1123 date: {}", show(t)),
    };
    Err(e(ErrorKind::BadHeaderValue, msg))
}

#[cfg(test)]
mod tests {
    use crate::sip::{ErrorKind, parse_strict};

    fn reject(msg: &str) -> (ErrorKind, String) {
        let e = parse_strict(msg.as_bytes()).unwrap_err();
        (e.kind, e.message.into_owned())
    }

    const HEAD: &str = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n";

    #[test]
    fn accepts_clean_message() {
        parse_strict(format!("{HEAD}Content-Length: 0\r\n\r\n").as_bytes()).unwrap();
    }

    #[test]
    fn specific_reasons() {
        assert_eq!(
            reject(&format!("{HEAD}Max-Forwards: 300\r\n\r\n")),
            (
                ErrorKind::ScalarOverflow,
                "Max-Forwards 300 exceeds 255".into()
            )
        );
        assert_eq!(
            reject(&format!(
                "{HEAD}Date: Fri, 01 Jan 2010 16:00:00 EST\r\n\r\n"
            ))
            .1,
            "Date time zone must be GMT, not EST"
        );
        assert_eq!(
            reject(&format!("{HEAD}l: 10\r\n\r\nabc")).1,
            "Content-Length 10 exceeds body length 3"
        );
        assert_eq!(
            reject(&HEAD.replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE")).1,
            "CSeq method INVITE does not match request method OPTIONS"
        );
        assert_eq!(
            reject(&format!("{HEAD}Contact: sip:a@b?Route=x\r\n\r\n")).0,
            ErrorKind::BadHeaderValue
        );
    }
}
