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
        let (via, via_count) = top_via_and_count(msg);
        Head {
            call_id: msg.call_id(),
            from: msg.from(),
            to: msg.to(),
            via,
            cseq: msg.cseq(),
            method: msg.method(),
            status: msg.status(),
            via_count,
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

/// `(msg.top_via(), msg.vias().count())`, parsing the top Via once in the usual case: the
/// first Via line is one plain hop ([`Via::parse_plain`]: no comma, quote or LWS), which is
/// then exactly what `top_via` parses and the first value `vias` yields.
fn top_via_and_count<'a>(msg: &Message<'a>) -> (Option<Via<'a>>, u32) {
    let first = msg.first_str(HeaderName::Via);
    if let Some(via) = first.and_then(Via::parse_plain) {
        let mut lines = msg.lines_of(HeaderName::Via);
        // the line parsed is the first `vias` reads (not a line it skips)
        if lines
            .next()
            .is_some_and(|l| first.is_some_and(|f| std::ptr::eq(f, l)))
        {
            let more = match lines.next() {
                None => 0,
                // rare: the hops of the other lines
                Some(_) => msg
                    .values_of(HeaderName::Via)
                    .skip(1)
                    .filter_map(Via::parse)
                    .count(),
            };
            return (Some(via), 1 + more as u32);
        }
        return (Some(via), msg.vias().count() as u32);
    }
    let via = msg.top_via();
    (via, via_count(msg, via.is_some()))
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
        assert_same_as_accessors(&msg);
        (Head::of(&msg).via_count, msg.vias().count())
    }

    /// Every field of the head is what the message's own accessor returns.
    fn assert_same_as_accessors(msg: &Message<'_>) {
        let h = Head::of(msg);
        let raw = String::from_utf8_lossy(msg.raw());
        assert_eq!(h.call_id, msg.call_id(), "{raw}");
        assert_eq!(h.from, msg.from(), "{raw}");
        assert_eq!(h.to, msg.to(), "{raw}");
        assert_eq!(h.via, msg.top_via(), "{raw}");
        assert_eq!(h.cseq, msg.cseq(), "{raw}");
        assert_eq!(h.method, msg.method(), "{raw}");
        assert_eq!(h.status, msg.status(), "{raw}");
        assert_eq!(h.via_count as usize, msg.vias().count(), "{raw}");
    }

    #[test]
    fn head_is_what_the_accessors_return_on_torture_messages() {
        let mut n = 0;
        for dir in ["rfc4475", "rfc5118"] {
            let d = format!("{}/tests/data/{dir}", env!("CARGO_MANIFEST_DIR"));
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if !p.is_file() {
                    continue;
                }
                let bytes = std::fs::read(&p).unwrap();
                if let Ok(msg) = crate::sip::parse(&bytes) {
                    assert_same_as_accessors(&msg);
                    n += 1;
                }
            }
        }
        assert!(n > 40, "{n}");
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
            (
                "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP g, SIP/2.0/TCP k\r\n",
                3,
            ),
            (
                "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nVia: garbage, SIP/2.0/TCP k\r\n",
                2,
            ),
            (
                "Via: SIP/2.0/UDP h;rport\r\nMax-Forwards: 70\r\nv: SIP/2.0/UDP g\r\n",
                2,
            ),
            ("Via: SIP/2.0/UDP h;branch=z9hG4bK1,\r\n", 1),
            (
                "Via: SIP/2.0/UDP h;branch=\"a,b\"\r\nVia: SIP/2.0/UDP g\r\n",
                2,
            ),
            (
                "Via: SIP/2.0/UDP h:99999;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP g\r\n",
                1,
            ),
        ] {
            let (fast, slow) = count(vias);
            assert_eq!(fast as usize, slow, "{vias:?}");
            assert_eq!(slow, n, "{vias:?}");
        }
    }
}
