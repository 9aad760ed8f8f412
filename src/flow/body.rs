//! Small readers the engine needs that the `sip` layer does not offer yet: the status line
//! of a `message/sipfrag` body (RFC 3420), DTMF in INFO bodies (`application/dtmf-relay`,
//! `application/dtmf`), and a comparison key for URIs.
//!
//! NOTE: these are private stop-gaps over raw bytes; switch to `sip::body` accessors when
//! the parser offers them.

use crate::sip::Uri;

/// Status code of a sipfrag body's start line (`SIP/2.0 180 Ringing`), if it is a status
/// line. Leading blank lines are skipped; anything else yields `None`.
pub(crate) fn sipfrag_status(body: &[u8]) -> Option<u16> {
    let mut b = body;
    while let [b'\r' | b'\n' | b' ' | b'\t', rest @ ..] = b {
        b = rest;
    }
    if b.len() < 11 || !b[..8].eq_ignore_ascii_case(b"SIP/2.0 ") {
        return None;
    }
    let mut i = 8;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    let code = b.get(i..i + 3)?;
    if !code.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if let Some(&next) = b.get(i + 3) {
        if next.is_ascii_digit() {
            return None;
        }
    }
    let n = (code[0] - b'0') as u16 * 100 + (code[1] - b'0') as u16 * 10 + (code[2] - b'0') as u16;
    (100..=699).contains(&n).then_some(n)
}

/// A DTMF event read from an INFO body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct DtmfEvent<'a> {
    /// The digit or event name (`5`, `*`, `#`, `A`, `16` for flash, ...).
    pub digit: &'a str,
    /// Duration in milliseconds.
    pub duration: Option<u32>,
}

/// Reads `application/dtmf-relay` (`Signal=5` / `Duration=160` lines, case-insensitive
/// keys) or `application/dtmf` (the digit alone). `subtype` is the Content-Type subtype.
pub(crate) fn dtmf<'b>(subtype: &str, body: &'b [u8]) -> Option<DtmfEvent<'b>> {
    let text = std::str::from_utf8(body).ok()?;
    if subtype.eq_ignore_ascii_case("dtmf-relay") {
        let mut digit = None;
        let mut duration = None;
        for line in text.lines() {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let (k, v) = (k.trim(), v.trim());
            if k.eq_ignore_ascii_case("signal") && !v.is_empty() {
                digit = Some(v);
            } else if k.eq_ignore_ascii_case("duration") {
                duration = v.parse().ok();
            }
        }
        return digit.map(|digit| DtmfEvent { digit, duration });
    }
    if subtype.eq_ignore_ascii_case("dtmf") {
        let d = text.trim();
        if !d.is_empty() && d.len() <= 8 && !d.contains(['\r', '\n']) {
            return Some(DtmfEvent {
                digit: d,
                duration: None,
            });
        }
    }
    None
}

/// A key that says whether two URIs name the same target: `user@host` with the host in
/// lower case and no port, parameters or headers (a B2BUA or proxy may add a port or
/// parameters, never change who is called). TEL URIs key on the number.
pub(crate) fn uri_key(uri: &str) -> Option<String> {
    let u = Uri::parse(uri.trim()).ok()?;
    let user = u
        .user
        .map(|x| crate::sip::uri::unescape(x))
        .unwrap_or_default();
    let mut k = String::with_capacity(user.len() + 1 + u.host.len());
    k.push_str(&user);
    k.push('@');
    for c in u.host.chars() {
        k.push(c.to_ascii_lowercase());
    }
    Some(k)
}

/// The URI without its `?headers` part (the Refer-To of an attended transfer embeds a
/// Replaces header there).
pub(crate) fn strip_uri_headers(uri: &str) -> &str {
    match uri.find('?') {
        Some(i) => &uri[..i],
        None => uri,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sipfrag_status_lines() {
        assert_eq!(sipfrag_status(b"SIP/2.0 100 Trying\r\n"), Some(100));
        assert_eq!(sipfrag_status(b"\r\nSIP/2.0 486 Busy Here"), Some(486));
        assert_eq!(sipfrag_status(b"sip/2.0 200 OK"), Some(200));
        assert_eq!(sipfrag_status(b"INVITE sip:a@b SIP/2.0"), None);
        assert_eq!(sipfrag_status(b"SIP/2.0 2000 OK"), None);
        assert_eq!(sipfrag_status(b"SIP/2.0 20"), None);
        assert_eq!(sipfrag_status(b""), None);
    }

    #[test]
    fn dtmf_bodies() {
        assert_eq!(
            dtmf("dtmf-relay", b"Signal=5\r\nDuration=160\r\n"),
            Some(DtmfEvent {
                digit: "5",
                duration: Some(160)
            })
        );
        assert_eq!(
            dtmf("DTMF-Relay", b"signal= #\nduration=250"),
            Some(DtmfEvent {
                digit: "#",
                duration: Some(250)
            })
        );
        assert_eq!(
            dtmf("dtmf", b"7\r\n"),
            Some(DtmfEvent {
                digit: "7",
                duration: None
            })
        );
        assert_eq!(dtmf("dtmf-relay", b"Duration=160"), None);
        assert_eq!(dtmf("sdp", b"v=0"), None);
    }

    #[test]
    fn uri_keys_ignore_port_params_and_host_case() {
        assert_eq!(
            uri_key("sip:204@192.168.5.11").as_deref(),
            Some("204@192.168.5.11")
        );
        assert_eq!(
            uri_key("sip:Carol@Example.COM:5060;transport=udp").as_deref(),
            Some("Carol@example.com")
        );
        assert_eq!(
            uri_key("sip:carol@example.com?Replaces=abc").as_deref(),
            Some("carol@example.com")
        );
        assert_eq!(uri_key("not a uri"), None);
        assert_eq!(strip_uri_headers("sip:c@d?Replaces=x%40y"), "sip:c@d");
    }
}
