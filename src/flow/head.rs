//! The parts of a message the engine reads on every message (Call-ID, From, To, top Via,
//! CSeq, method, status), parsed once. Computing a [`Head`] depends on the message alone,
//! not on the engine's state, so a parallel pipeline can compute it on other threads and
//! hand it to [`Engine::on_message_head`](super::Engine::on_message_head).

use crate::sip::lex::trim;
use crate::sip::{CSeq, HeaderName, Message, Method, NameAddr, Via};

/// See the module documentation.
#[derive(Clone, Copy, Debug)]
pub struct Head<'a> {
    /// Call-ID.
    pub call_id: Option<&'a str>,
    /// From.
    pub from: Option<NameAddr<'a>>,
    /// To.
    pub to: Option<NameAddr<'a>>,
    /// Top Via.
    pub via: Option<Via<'a>>,
    /// CSeq.
    pub cseq: Option<CSeq<'a>>,
    /// Request method (`None` for a response).
    pub method: Option<Method<'a>>,
    /// Response status (`None` for a request).
    pub status: Option<u16>,
    /// Number of Via values that parse (`msg.vias().count()`).
    pub via_count: u32,
}

impl<'a> Head<'a> {
    /// Parses the head of `msg`.
    pub fn of(msg: &Message<'a>) -> Head<'a> {
        let via = msg.top_via();
        Head {
            call_id: msg.call_id(),
            from: msg.from(),
            to: msg.to(),
            via,
            cseq: msg.cseq(),
            method: msg.method(),
            status: msg.status(),
            via_count: via_count(msg, via.is_some()),
        }
    }

    /// The From tag.
    pub fn from_tag(&self) -> Option<&'a str> {
        self.from.as_ref().and_then(|f| f.tag)
    }

    /// The To tag.
    pub fn to_tag(&self) -> Option<&'a str> {
        self.to.as_ref().and_then(|t| t.tag)
    }
}

/// `msg.vias().count()`, without splitting and parsing the values again in the usual case:
/// one Via line holding one value, which is exactly the top Via already parsed.
fn via_count(msg: &Message<'_>, top_parsed: bool) -> u32 {
    let mut lines = msg.lines_of(HeaderName::Via);
    if let (Some(line), None) = (lines.next(), lines.next()) {
        let first = msg.first_str(HeaderName::Via);
        // the line top_via parsed, whole (no comma, nothing CommaValues would trim)
        if first.is_some_and(|f| std::ptr::eq(f, line))
            && memchr::memchr(b',', line.as_bytes()).is_none()
            && trim(line).len() == line.len()
            && !line.is_empty()
        {
            return top_parsed as u32;
        }
    }
    msg.vias().count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(vias: &str) -> (u32, usize) {
        let text = format!(
            "OPTIONS sip:a@b SIP/2.0\r\n{vias}Call-ID: x\r\nCSeq: 1 OPTIONS\r\n\
             Content-Length: 0\r\n\r\n"
        );
        let msg = crate::sip::parse(text.as_bytes()).unwrap();
        (Head::of(&msg).via_count, msg.vias().count())
    }

    #[test]
    fn via_count_is_the_number_of_vias_that_parse() {
        for (vias, n) in [
            ("Via: SIP/2.0/UDP h:5060;branch=z9hG4bK1\r\n", 1),
            ("v: SIP/2.0/UDP h;branch=z9hG4bK1 \r\n", 1),
            ("Via: SIP/2.0/UDP h;branch=z9hG4bK1, SIP/2.0/TCP g\r\n", 2),
            ("Via: SIP/2.0/UDP h\r\nVia: SIP/2.0/UDP g\r\n", 2),
            ("Via: SIP/2.0/UDP h\r\n ;branch=z9hG4bK1\r\n", 1),
            ("Via: garbage\r\n", 0),
            ("Via: garbage\r\nVia: SIP/2.0/UDP g\r\n", 1),
            ("Via: SIP/2.0/UDP h;x=\"a,b\"\r\n", 1),
            ("Via: ,\r\n", 0),
            ("", 0),
        ] {
            let (fast, slow) = count(vias);
            assert_eq!(fast as usize, slow, "{vias:?}");
            assert_eq!(slow, n, "{vias:?}");
        }
    }
}
