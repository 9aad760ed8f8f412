//! Body and URI readings the engine needs on top of the `sip` accessors: the status of a
//! sipfrag even without its Content-Type, an SDP summary for session changes, and a
//! comparison key for URIs (transfer linking).

use crate::sip::Message;
use crate::sip::Uri;
use crate::sip::body::SipFrag;

/// Status code of a NOTIFY's `message/sipfrag` body (RFC 3420). A body that starts with a
/// SIP status line counts even when the Content-Type is missing (some transferees omit it).
pub(crate) fn sipfrag_status(msg: &Message<'_>) -> Option<u16> {
    let frag = match msg.content_type() {
        Some(_) => msg.sipfrag()?,
        None if msg.body().starts_with(b"SIP/") => SipFrag::parse(msg.body())?,
        None => return None,
    };
    frag.status()
}

/// An SDP body's direction, media lines and connection address (see [`sdp_summary`]).
pub(crate) type SdpParts = (Option<&'static str>, Vec<Box<str>>, Option<Box<str>>);

/// A short description of an SDP body: direction of the first media section (`sendonly`
/// means the sender puts the other side on hold), each media line as
/// `kind port proto formats` (e.g. `audio 4000 RTP/AVP 0 8 101`, `image 5004 udptl t38`),
/// and the connection address of the first media section (its own `c=`, else the
/// session-level one), which tells a re-INVITE that moves the media (RFC 3665 3.7).
pub(crate) fn sdp_summary(msg: &Message<'_>) -> Option<SdpParts> {
    let sdp = msg.sdp()?;
    let mut direction = None;
    let mut address = None;
    let mut media = Vec::new();
    for m in sdp.media().take(8) {
        if direction.is_none() {
            direction = Some(m.direction().as_str());
            address = m
                .connection()
                .or_else(|| sdp.connection())
                .map(|c| c.address.into());
        }
        media.push(format!("{} {} {} {}", m.kind, m.port, m.proto, m.formats.trim()).into());
    }
    if media.is_empty() {
        address = sdp.connection().map(|c| c.address.into());
    }
    Some((direction, media, address))
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
