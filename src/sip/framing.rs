//! Where SIP messages start and end in datagrams and byte streams (RFC 3261 §18.3), and
//! how to find the next start line after a gap (resynchronisation).
//!
//! Framing never allocates and looks only at the start line and the header section (one
//! pass with `memchr` over line ends); the body is counted, not read.

use super::error::ParseError;
use super::header::HeaderName;
use super::lex::{find_lf, is_token_char};
use super::message::Message;

/// The outcome of framing the front of a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// A message of this many bytes starts at offset 0.
    Complete(usize),
    /// This many bytes of CRLF keepalive (RFC 5626) start at offset 0; skip them.
    Keepalive(usize),
    /// A message starts here but more bytes are needed (streams only).
    NeedMore,
    /// The buffer does not start with a SIP message (use [`find_start_line`] to resync).
    NotSip,
}

/// Longest header section accepted before giving up on a stream (64 KiB).
pub const MAX_HEAD: usize = 64 * 1024;
/// Largest Content-Length accepted on a stream (16 MiB).
pub const MAX_BODY: usize = 16 * 1024 * 1024;

#[derive(PartialEq)]
enum Plausible {
    Yes,
    No,
    Undecided,
}

/// Is `line` (without its line end) a plausible start line? `complete` says whether the line
/// end has been seen (otherwise a prefix may still turn into one).
fn plausible_start(line: &[u8], complete: bool) -> Plausible {
    const V: &[u8] = b"SIP/2.0";
    if line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"SIP/") || V.starts_with(line) {
        // Status line: SIP/x.y SP 3DIGIT
        let n = line.len().min(12);
        let ok = line[..n.min(V.len())].eq_ignore_ascii_case(&V[..n.min(V.len())])
            || (line.len() > 4 && line[4].is_ascii_digit());
        if !ok {
            return Plausible::No;
        }
        if line.len() >= 12 {
            let sp = memchr::memchr(b' ', line).unwrap_or(line.len());
            let code = &line[sp.min(line.len())..];
            return if code.len() >= 4 && code[1..4].iter().all(u8::is_ascii_digit) {
                Plausible::Yes
            } else {
                Plausible::No
            };
        }
        return if complete {
            Plausible::No
        } else {
            Plausible::Undecided
        };
    }
    // Request line: token SP ... SP SIP/2.0
    let tok = line.iter().take_while(|&&b| is_token_char(b)).count();
    if tok == 0 {
        return if line.is_empty() && !complete {
            Plausible::Undecided
        } else {
            Plausible::No
        };
    }
    if tok == line.len() {
        return if complete || tok > 64 {
            Plausible::No
        } else {
            Plausible::Undecided
        };
    }
    if line[tok] != b' ' {
        return Plausible::No;
    }
    if !complete {
        return if line.len() > 8192 {
            Plausible::No
        } else {
            Plausible::Undecided
        };
    }
    let mut end = line.len();
    while end > tok && matches!(line[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    if end > tok + 1 + V.len() && line[end - V.len()..end].eq_ignore_ascii_case(V) {
        Plausible::Yes
    } else {
        Plausible::No
    }
}

/// Counts leading CR/LF bytes.
fn leading_crlf(buf: &[u8]) -> usize {
    buf.iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count()
}

/// Scans the header section. Returns `Ok(Some((head_len, content_length)))` when the empty
/// line was found, `Ok(None)` when the buffer ends first, `Err(())` for a Content-Length that
/// is not a number.
fn scan_head(buf: &[u8]) -> Result<Option<(usize, Option<usize>)>, ()> {
    let mut pos = match find_lf(buf) {
        Some(i) => i + 1,
        None => return Ok(None),
    };
    let mut cl: Option<usize> = None;
    loop {
        if pos >= buf.len() {
            return Ok(None);
        }
        let b0 = buf[pos];
        if b0 == b'\n' {
            return Ok(Some((pos + 1, cl)));
        }
        if b0 == b'\r' {
            if pos + 1 >= buf.len() {
                return Ok(None);
            }
            if buf[pos + 1] == b'\n' {
                return Ok(Some((pos + 2, cl)));
            }
        }
        // memchr rather than find_lf: it was 60% of this scan, and its vector search is
        // cheaper over a header line (find_lf is tuned for the parser's shorter values)
        let lf = match memchr::memchr(b'\n', &buf[pos..]) {
            Some(i) => pos + i,
            None => return Ok(None),
        };
        if cl.is_none() && matches!(b0 | 0x20, b'l' | b'c') {
            let line = &buf[pos..lf];
            if let Some(colon) = memchr::memchr(b':', line) {
                let mut n = colon;
                while n > 0 && matches!(line[n - 1], b' ' | b'\t') {
                    n -= 1;
                }
                // `l` or `Content-Length`: only those lengths can classify as it
                if matches!(n, 1 | 14)
                    && HeaderName::classify(&line[..n]) == HeaderName::ContentLength
                {
                    // The value may be folded onto continuation lines.
                    let mut end = lf;
                    loop {
                        match buf.get(end + 1) {
                            None => return Ok(None),
                            Some(b' ' | b'\t') => match find_lf(&buf[end + 1..]) {
                                Some(i) => end = end + 1 + i,
                                None => return Ok(None),
                            },
                            Some(_) => break,
                        }
                    }
                    let v = super::lex::trim_bytes(&buf[pos + colon + 1..end]);
                    if v.is_empty() || v.len() > 10 || !v.iter().all(u8::is_ascii_digit) {
                        return Err(());
                    }
                    let n = v
                        .iter()
                        .fold(0usize, |acc, &d| acc * 10 + (d - b'0') as usize);
                    cl = Some(n);
                    pos = end + 1;
                    continue;
                }
            }
        }
        pos = lf + 1;
    }
}

/// Stream transports (TCP, TLS, WebSocket payloads): where does the first message in `buf`
/// end? Content-Length frames the body (a missing one counts as 0, as RFC 3261 §18.3 makes
/// it mandatory on streams); leading CRLFs are keepalives.
pub fn frame_stream(buf: &[u8]) -> Framing {
    if buf.is_empty() {
        return Framing::NeedMore;
    }
    let ka = leading_crlf(buf);
    if ka > 0 {
        return Framing::Keepalive(ka);
    }
    let first_lf = find_lf(buf);
    let line_end = first_lf.unwrap_or(buf.len());
    let mut line = &buf[..line_end];
    if let [rest @ .., b'\r'] = line {
        line = rest;
    }
    match plausible_start(line, first_lf.is_some()) {
        Plausible::No => return Framing::NotSip,
        Plausible::Undecided => return Framing::NeedMore,
        Plausible::Yes => {}
    }
    match scan_head(buf) {
        Err(()) => Framing::NotSip,
        Ok(None) if buf.len() > MAX_HEAD => Framing::NotSip,
        Ok(None) => Framing::NeedMore,
        Ok(Some((head, cl))) => {
            let cl = cl.unwrap_or(0);
            if cl > MAX_BODY {
                return Framing::NotSip;
            }
            if buf.len() >= head + cl {
                Framing::Complete(head + cl)
            } else {
                Framing::NeedMore
            }
        }
    }
}

/// Datagrams (UDP, SCTP chunks): the length of the first message. Content-Length bounds it
/// when present and consistent; otherwise the message is the rest of the datagram (and
/// [`super::parse`] reports what is wrong with it). Never `NeedMore`.
pub fn frame_datagram(buf: &[u8]) -> Framing {
    if let Some(f) = datagram_not_message(buf) {
        return f;
    }
    Framing::Complete(datagram_message_len(buf))
}

/// Datagrams framed and parsed together: returns what [`frame_datagram`] returns and, for a
/// message (`Complete(len)`), first hands `on_message` its length and what
/// [`super::parse`]`(&buf[..len])` gives. The header section is scanned once (the parser's
/// header index gives the Content-Length that frames the message) instead of once to frame
/// and again to parse; the message is lent, not returned, as it is built where it is parsed
/// (it is about 500 bytes).
#[inline(always)]
pub fn parse_datagram<'a>(
    buf: &'a [u8],
    on_message: impl FnOnce(usize, Result<&Message<'a>, &ParseError>),
) -> Framing {
    if buf.is_empty() {
        return Framing::NotSip;
    }
    let ka = leading_crlf(buf);
    if ka > 0 {
        return Framing::Keepalive(ka);
    }
    let parsed = Message::parse_first(buf);
    let len = match &parsed {
        // the parser ends the message where `scan_head` does: the header section ends at
        // the same empty line, the first Content-Length line is the same and read the same
        // way, and a missing, unreadable or too large one means the rest of the datagram
        Ok(m) => {
            // the start line `datagram_not_message` checks, found by the parser: up to the
            // first LF without the CR before it, or the whole datagram without a last CR
            let mut line = m.start_line_raw();
            if line.len() == buf.len() {
                if let [rest @ .., b'\r'] = line {
                    line = rest;
                }
            }
            if plausible_start(line, true) != Plausible::Yes {
                return Framing::NotSip;
            }
            on_message(m.len(), Ok(m));
            m.len()
        }
        // rare (not SIP, an unreadable start line or header section): frame as
        // `frame_datagram` does, and parse the framed bytes alone
        Err(_) => {
            if let Some(f) = datagram_not_message(buf) {
                return f;
            }
            let len = datagram_message_len(buf);
            on_message(len, super::parse(&buf[..len]).as_ref());
            len
        }
    };
    Framing::Complete(len)
}

/// Stream transports framed and parsed together: returns what [`frame_stream`] returns and,
/// for a message (`Complete(len)`), first hands `on_message` its length and what
/// [`super::parse`]`(&buf[..len])` gives. A whole message is framed from the parser's
/// header index (one scan of its header section, not one to frame and one to parse).
///
/// A message not yet whole (an unterminated header section, a body still short) costs a
/// parse here before the answer `NeedMore`: a caller that sees `NeedMore` should frame the
/// same message with [`frame_stream`] until it completes (then parse it), so that a big
/// message arriving in many pieces is not parsed again for each.
#[inline(always)]
pub fn parse_stream<'a>(
    buf: &'a [u8],
    on_message: impl FnOnce(usize, Result<&Message<'a>, &ParseError>),
) -> Framing {
    if buf.is_empty() {
        return Framing::NeedMore;
    }
    let ka = leading_crlf(buf);
    if ka > 0 {
        return Framing::Keepalive(ka);
    }
    let parsed = Message::parse_first(buf);
    match &parsed {
        // the header section is closed: the parser ends it where `scan_head` does (the same
        // empty line), and its first Content-Length line is `scan_head`'s, read the same way
        // (see `parse_datagram`); the start line `frame_stream` checks is the parser's (up to
        // the first LF, which exists, less a CR)
        Ok(m) if !m.quirks().unterminated_head() => {
            if plausible_start(m.start_line_raw(), true) != Plausible::Yes {
                return Framing::NotSip;
            }
            let cl = match m.content_length() {
                Some(cl) => cl,
                // not a number of at most 10 digits (`scan_head`'s `Err`), or one beyond
                // u32::MAX, which is also beyond MAX_BODY
                None if m.quirks().bad_content_length() => return Framing::NotSip,
                // missing: 0 on a stream
                None => 0,
            };
            if cl > MAX_BODY {
                return Framing::NotSip;
            }
            let len = m.head_len() + cl;
            if buf.len() < len {
                return Framing::NeedMore;
            }
            if m.len() == len {
                on_message(len, Ok(m));
            } else {
                // no Content-Length, and bytes after the header section: the parser took
                // them for the body
                on_message(len, super::parse(&buf[..len]).as_ref());
            }
            Framing::Complete(len)
        }
        // a header section not closed yet, or not readable by the parser: frame as
        // `frame_stream` does, and parse the framed bytes alone
        _ => {
            let f = frame_stream(buf);
            if let Framing::Complete(len) = f {
                on_message(len, super::parse(&buf[..len]).as_ref());
            }
            f
        }
    }
}

/// The framing of a datagram that does not start with a plausible SIP message (keepalive,
/// empty, not SIP); `None` when it does.
fn datagram_not_message(buf: &[u8]) -> Option<Framing> {
    if buf.is_empty() {
        return Some(Framing::NotSip);
    }
    let ka = leading_crlf(buf);
    if ka > 0 {
        return Some(Framing::Keepalive(ka));
    }
    let line_end = find_lf(buf).unwrap_or(buf.len());
    let mut line = &buf[..line_end];
    if let [rest @ .., b'\r'] = line {
        line = rest;
    }
    if plausible_start(line, true) != Plausible::Yes {
        return Some(Framing::NotSip);
    }
    None
}

/// Length of the message at the front of a datagram known to start with a start line.
fn datagram_message_len(buf: &[u8]) -> usize {
    match scan_head(buf) {
        Ok(Some((head, Some(cl)))) if head + cl <= buf.len() => head + cl,
        _ => buf.len(),
    }
}

/// Offset of the next line in `buf` that is a plausible, complete SIP start line
/// (a Request-Line ending in `SIP/2.0` or a Status-Line `SIP/2.0 NNN`), for
/// resynchronising a stream after a gap or garbage.
pub fn find_start_line(buf: &[u8]) -> Option<usize> {
    let mut pos = 0;
    while pos < buf.len() {
        let lf = find_lf(&buf[pos..]).map(|i| pos + i);
        let end = lf.unwrap_or(buf.len());
        let mut line = &buf[pos..end];
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        if !line.is_empty() && plausible_start(line, lf.is_some()) == Plausible::Yes {
            return Some(pos);
        }
        pos = end + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG: &[u8] = b"INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\nContent-Length: 3\r\n\r\nabc";

    #[test]
    fn stream_complete_and_partial() {
        assert_eq!(frame_stream(MSG), Framing::Complete(MSG.len()));
        for cut in 1..MSG.len() {
            assert_eq!(frame_stream(&MSG[..cut]), Framing::NeedMore, "cut {cut}");
        }
        let mut two = MSG.to_vec();
        two.extend_from_slice(MSG);
        assert_eq!(frame_stream(&two), Framing::Complete(MSG.len()));
    }

    #[test]
    fn stream_keepalive_and_garbage() {
        assert_eq!(frame_stream(b"\r\n\r\nINVITE"), Framing::Keepalive(4));
        assert_eq!(frame_stream(b"\r\n"), Framing::Keepalive(2));
        assert_eq!(frame_stream(b"GET / HTTP/1.1\r\n"), Framing::NotSip);
        assert_eq!(frame_stream(b"\x16\x03\x01\x02\x00"), Framing::NotSip);
        assert_eq!(frame_stream(b""), Framing::NeedMore);
        assert_eq!(
            frame_stream(b"OPTIONS sip:a SIP/2.0\r\nl: x\r\n\r\n"),
            Framing::NotSip
        );
        // Missing Content-Length on a stream: body length 0.
        let m = b"OPTIONS sip:a SIP/2.0\nCSeq: 1 OPTIONS\n\nSIP/2.0 200 OK\n";
        assert_eq!(frame_stream(m), Framing::Complete(39));
        // Folded Content-Length.
        let m = b"OPTIONS sip:a SIP/2.0\r\nl:\r\n  2\r\n\r\nab";
        assert_eq!(frame_stream(m), Framing::Complete(m.len()));
        assert_eq!(frame_stream(&m[..26]), Framing::NeedMore);
    }

    #[test]
    fn datagram_framing() {
        assert_eq!(frame_datagram(MSG), Framing::Complete(MSG.len()));
        let mut two = MSG.to_vec();
        two.extend_from_slice(MSG);
        assert_eq!(frame_datagram(&two), Framing::Complete(MSG.len()));
        // Content-Length too large: the rest of the datagram.
        let short = &MSG[..MSG.len() - 1];
        assert_eq!(frame_datagram(short), Framing::Complete(short.len()));
        assert_eq!(frame_datagram(b"\r\n\r\n"), Framing::Keepalive(4));
        assert_eq!(frame_datagram(b"hello world"), Framing::NotSip);
        assert_eq!(
            frame_datagram(b"SIP/2.0 200 OK\r\n\r\n"),
            Framing::Complete(18)
        );
    }

    /// Every part of a datagram as `parse_datagram` gives it: (framing, message length and
    /// `Debug` of the parse), checked against `frame_datagram` then `parse` of the bytes.
    fn parts(mut buf: &[u8]) -> Vec<(Framing, Option<(usize, String)>)> {
        let mut out = Vec::new();
        while !buf.is_empty() {
            let mut got = None;
            let f = parse_datagram(buf, |len, parsed| got = Some((len, format!("{parsed:?}"))));
            assert_eq!(f, frame_datagram(buf), "{:?}", String::from_utf8_lossy(buf));
            match f {
                Framing::Complete(len) => {
                    let two_steps = format!("{:?}", crate::sip::parse(&buf[..len]).as_ref());
                    assert_eq!(got, Some((len, two_steps)));
                    buf = &buf[len..];
                }
                Framing::Keepalive(n) => {
                    assert_eq!(got, None);
                    buf = &buf[n..];
                }
                _ => {
                    assert_eq!(got, None);
                    out.push((f, got));
                    break;
                }
            }
            out.push((f, got));
        }
        out
    }

    #[test]
    fn parse_datagram_two_messages_and_keepalive() {
        let mut d = MSG.to_vec();
        d.extend_from_slice(b"\r\n\r\n");
        d.extend_from_slice(b"SIP/2.0 200 OK\r\nl: 2\r\n\r\nokXYZ garbage");
        let p = parts(&d);
        let lens: Vec<Framing> = p.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            lens,
            [
                Framing::Complete(MSG.len()),
                Framing::Keepalive(4),
                Framing::Complete(26),
                Framing::NotSip
            ]
        );
        // the first message ends at its body and has no `trailing_bytes` quirk
        let mut first = None;
        parse_datagram(&d, |_, m| {
            let m = m.unwrap();
            first = Some((
                m.raw().len(),
                m.body().to_vec(),
                m.quirks().trailing_bytes(),
            ));
        });
        assert_eq!(first, Some((MSG.len(), b"abc".to_vec(), false)));
        let mut second = None;
        parse_datagram(&d[MSG.len() + 4..], |_, m| {
            let m = m.unwrap();
            second = Some((m.status(), m.body().to_vec(), m.raw().len()));
        });
        assert_eq!(second, Some((Some(200), b"ok".to_vec(), 26)));
    }

    #[test]
    fn parse_datagram_frames_like_frame_datagram() {
        let cases: &[&[u8]] = &[
            MSG,
            // Content-Length longer than the datagram, missing, unreadable, folded, compact,
            // repeated (the first counts), after 300 headers, with spaces before the colon
            b"INVITE sip:a@b SIP/2.0\r\nContent-Length: 9\r\n\r\nabc",
            b"INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\nabcINVITE sip:a@b SIP/2.0\r\n\r\n",
            b"INVITE sip:a@b SIP/2.0\r\nContent-Length: x1\r\n\r\nabc",
            b"INVITE sip:a@b SIP/2.0\r\nContent-Length: 1\r\n 2\r\n\r\nabc",
            b"INVITE sip:a@b SIP/2.0\r\nContent-Length:\r\n  2\r\n\r\nabc",
            b"INVITE sip:a@b SIP/2.0\nl: 1\nL: 2\n\nabc",
            b"INVITE sip:a@b SIP/2.0\r\ncontent-length \t: 0 \r\n\r\n\r\nOPTIONS sip:x SIP/2.0\r\n\r\n",
            b"INVITE sip:a@b SIP/2.0\r\nContent-Length: 99999999999\r\n\r\nab",
            b"INVITE sip:a@b SIP/2.0\r\nContent-Length: 4294967296\r\n\r\nab",
            // unterminated header sections, stray CRs, a header line without a colon
            b"INVITE sip:a@b SIP/2.0\r\nContent-Length: 0",
            b"INVITE sip:a@b SIP/2.0\r\nContent-Length: 0\r\n",
            b"INVITE sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r",
            b"INVITE sip:a@b SIP/2.0\r\n\rl: 1\r\nno colon\r\nl: 2\r\n\r\nabc",
            // unreadable: a bad start line, a continuation before any header, not SIP
            b"INVITE sip:a b@c SIP/2.0\r\nContent-Length: 1\r\n\r\nabc",
            b"SIP/2.0 999 Odd\r\nContent-Length: 1\r\n\r\nabc",
            b"INVITE sip:a@b SIP/2.0\r\n folded\r\nl: 1\r\n\r\nabc",
            b"SIP/2.0 200\r\n\r\n",
            // start lines with a CR before the CR LF, or with no LF (the last CR is not part
            // of the line framing checks, so `SIP/2.0 200\r` is not SIP)
            b"SIP/2.0 200\r\r\n\r\n",
            b"SIP/2.0 200 OK\r\r\nl: 0\r\n\r\n",
            b"INVITE sip:a@b SIP/2.0\r\r\n\r\n",
            b"hello world",
            b"\r\n",
        ];
        for c in cases {
            for cut in 1..=c.len() {
                parts(&c[..cut]);
            }
        }
        let mut many = b"OPTIONS sip:a SIP/2.0\r\n".to_vec();
        for i in 0..300 {
            many.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
        }
        many.extend_from_slice(b"Content-Length: 1\r\n\r\nabc");
        assert_eq!(parts(&many)[0].0, Framing::Complete(many.len() - 2));
        // a value folded into "1 2" is not a number: the rest of the datagram
        let folded = b"INVITE sip:a@b SIP/2.0\r\nl: 1\r\n 2\r\n\r\nabc";
        assert_eq!(parts(folded)[0].0, Framing::Complete(folded.len()));
        let folded = b"INVITE sip:a@b SIP/2.0\r\nl:\r\n 2\r\n\r\nabc";
        assert_eq!(parts(folded)[0].0, Framing::Complete(folded.len() - 1));
    }

    /// Frames every message at the front of `buf` with `parse_stream` and checks each
    /// answer against `frame_stream`, and each lent parse against `parse` of the framed
    /// bytes; returns the answers.
    fn stream_parts(mut buf: &[u8]) -> Vec<Framing> {
        let mut out = Vec::new();
        loop {
            let mut got = None;
            let f = parse_stream(buf, |len, parsed| got = Some((len, format!("{parsed:?}"))));
            assert_eq!(f, frame_stream(buf), "{:?}", String::from_utf8_lossy(buf));
            out.push(f);
            match f {
                Framing::Complete(len) => {
                    let two_steps = format!("{:?}", crate::sip::parse(&buf[..len]).as_ref());
                    assert_eq!(got, Some((len, two_steps)));
                    buf = &buf[len..];
                }
                Framing::Keepalive(n) => {
                    assert_eq!(got, None);
                    buf = &buf[n..];
                }
                _ => {
                    assert_eq!(got, None);
                    return out;
                }
            }
        }
    }

    #[test]
    fn parse_stream_frames_like_frame_stream() {
        let cases: &[&[u8]] = &[
            MSG,
            // two messages back to back, keepalives between them
            b"INVITE sip:a@b SIP/2.0\r\nl: 3\r\n\r\nabcSIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
            b"INVITE sip:a@b SIP/2.0\r\nl: 0\r\n\r\n\r\n\r\nBYE sip:a@b SIP/2.0\r\nl: 1\r\n\r\nx",
            // junk before a start line, an HTTP request, TLS
            b"junk\r\nINVITE sip:a@b SIP/2.0\r\nl: 0\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
            b"\x16\x03\x01\x02\x00",
            // Content-Length missing (0 on a stream: what follows is the next message or junk)
            b"OPTIONS sip:a SIP/2.0\nCSeq: 1 OPTIONS\n\nSIP/2.0 200 OK\n\n",
            b"OPTIONS sip:a SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\nbody without length\r\n",
            // unreadable, too large, folded, compact, repeated, spaced Content-Length
            b"OPTIONS sip:a SIP/2.0\r\nl: x\r\n\r\n",
            b"OPTIONS sip:a SIP/2.0\r\nl:\r\n\r\n",
            b"OPTIONS sip:a SIP/2.0\r\nContent-Length: 16777217\r\n\r\n",
            b"OPTIONS sip:a SIP/2.0\r\nContent-Length: 16777216\r\n\r\nab",
            b"OPTIONS sip:a SIP/2.0\r\nContent-Length: 99999999999\r\n\r\nab",
            b"OPTIONS sip:a SIP/2.0\r\nContent-Length: 4294967296\r\n\r\nab",
            b"OPTIONS sip:a SIP/2.0\r\nl:\r\n  2\r\n\r\nab",
            b"OPTIONS sip:a SIP/2.0\r\nl: 1\r\n 2\r\n\r\nabc",
            b"INVITE sip:a@b SIP/2.0\nl: 1\nL: 2\n\nabc",
            b"INVITE sip:a@b SIP/2.0\r\ncontent-length \t: 2 \r\n\r\nab\r\n",
            // stray CRs, a line without a colon, CR before the CR LF of the start line
            b"INVITE sip:a@b SIP/2.0\r\n\rl: 1\r\nno colon\r\nl: 2\r\n\r\nabc",
            b"SIP/2.0 200\r\r\n\r\n",
            b"SIP/2.0 200 OK\r\r\nl: 0\r\n\r\n",
            b"INVITE sip:a@b SIP/2.0\r\r\nl: 0\r\n\r\n",
            // plausible to framing, refused by the parser
            b"INVITE sip:a b@c SIP/2.0\r\nContent-Length: 1\r\n\r\nabc",
            b"SIP/2.0 999 Odd\r\nContent-Length: 1\r\n\r\nabc",
            b"INVITE sip:a@b SIP/2.0\r\n folded\r\nl: 1\r\n\r\nabc",
            b"INVITE sip:a@b SIP/3.0\r\nl: 1\r\n\r\nabc",
            b"SIP/2.0 200\r\n\r\n",
            b"\r\n",
        ];
        for c in cases {
            // every split point: each prefix is what a stream buffer holds at some time
            for cut in 0..=c.len() {
                stream_parts(&c[..cut]);
            }
        }
        assert_eq!(
            stream_parts(cases[1]),
            [
                Framing::Complete(35),
                Framing::Complete(37),
                Framing::NeedMore
            ]
        );
        assert_eq!(
            stream_parts(&cases[1][..50]),
            [Framing::Complete(35), Framing::NeedMore]
        );
        assert_eq!(
            stream_parts(cases[6]),
            [
                Framing::Complete(39),
                Framing::Complete(16),
                Framing::NeedMore
            ]
        );
        assert_eq!(
            stream_parts(cases[7]),
            [Framing::Complete(42), Framing::NotSip]
        );
        assert_eq!(stream_parts(cases[3]), [Framing::NotSip]);
        assert_eq!(stream_parts(cases[8]), [Framing::NotSip]);
        assert_eq!(stream_parts(cases[10]), [Framing::NotSip]);
        assert_eq!(stream_parts(cases[11]), [Framing::NeedMore]);

        // a header section longer than MAX_HEAD: need more below it, not SIP beyond it;
        // closed, it is a message whatever its length
        let mut big = b"OPTIONS sip:a SIP/2.0\r\n".to_vec();
        while big.len() <= MAX_HEAD + 100 {
            big.extend_from_slice(b"X-Filler: 0123456789012345678901234567890123456789\r\n");
        }
        assert_eq!(stream_parts(&big[..MAX_HEAD]), [Framing::NeedMore]);
        assert_eq!(stream_parts(&big), [Framing::NotSip]);
        big.extend_from_slice(b"l: 2\r\n\r\nab");
        assert_eq!(
            stream_parts(&big),
            [Framing::Complete(big.len()), Framing::NeedMore]
        );
        // more than 254 headers (the parser's index of first headers is not used)
        let mut many = b"OPTIONS sip:a SIP/2.0\r\n".to_vec();
        for i in 0..300 {
            many.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
        }
        many.extend_from_slice(b"Content-Length: 1\r\nl: 3\r\n\r\nabc");
        assert_eq!(stream_parts(&many)[0], Framing::Complete(many.len() - 2));
    }

    #[test]
    fn resync() {
        let buf = b"garbage\r\nmore junk SIP/2.0 x\r\nSIP/2.0 200 OK\r\n\r\n";
        assert_eq!(find_start_line(buf), Some(30));
        let buf = b"xx\nBYE sip:a@b SIP/2.0\r\n";
        assert_eq!(find_start_line(buf), Some(3));
        assert_eq!(find_start_line(b"nothing here\n"), None);
    }
}
