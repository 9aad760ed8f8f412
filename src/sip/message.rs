//! The message view: one pass over the start line and header section that records where
//! each header is, plus typed accessors that parse a header's value only when asked.
//!
//! # Lenient parsing and strictness
//! [`parse`](super::parse) is *lenient*: it accepts what real devices send when the meaning
//! is unambiguous (LF-only line ends, leading CRLFs, extra spaces in the start line, trailing
//! whitespace, missing Content-Length, a Content-Length larger than the datagram, a missing
//! final empty line, stray header lines without a colon) and records each such liberty in
//! [`Quirks`]. It rejects only what cannot be read safely: no SIP start line, a SIP version
//! other than 2.0, a bad status code, a Request-URI with whitespace, a Content-Length that
//! is not a number. [`Message::validate`] (and [`parse_strict`](super::parse_strict)) applies
//! the RFC 3261 grammar on top and reports the first problem, as RFC 4475 expects.
//!
//! # UTF-8
//! The header section is checked once with `std::str::from_utf8` (a fast, vectorised check).
//! When it is valid (the normal case) every value is handed out as `&str` without further
//! checks. When it is not, each header is checked on its own: a header whose value is not
//! UTF-8 keeps its raw bytes ([`Message::header`]) but its typed accessors return `None`,
//! and [`Message::validate`] reports [`ErrorKind::InvalidUtf8`]. Bodies are always bytes.

use smallvec::SmallVec;

use super::error::{ErrorKind, ParseError, excerpt};
use super::header::HeaderName;
use super::lex::{CommaValues, find_byte, find_lf, find_top_level, trim};
use super::method::Method;
use super::name_addr::NameAddr;
use super::typed::{
    CSeq, Contact, ContentType, Event, RAck, Reason, Replaces, SessionExpires, SubscriptionState,
    parse_u32,
};
use super::uri::Uri;
use super::via::Via;

/// Liberties the lenient parser took with a message (all false for a by-the-book message).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quirks(u16);

macro_rules! quirks {
    ($($flag:ident = $bit:expr, $getter:ident: $doc:literal;)*) => {
        impl Quirks {
            $(
                const $flag: u16 = 1 << $bit;
                #[doc = $doc]
                pub fn $getter(self) -> bool {
                    self.0 & Self::$flag != 0
                }
            )*
            /// Names of the quirks that are set (for reports and `sipscope parse`).
            pub fn names(self) -> impl Iterator<Item = &'static str> {
                [$((Self::$flag, stringify!($getter)),)*]
                    .into_iter()
                    .filter(move |(f, _)| self.0 & f != 0)
                    .map(|(_, n)| n)
            }
        }
    };
}

quirks! {
    LF_ONLY = 0, lf_only: "Some line ended in a bare LF instead of CRLF.";
    LEADING_CRLF = 1, leading_crlf: "Empty lines preceded the start line (skipped).";
    START_LINE_WS = 2, start_line_whitespace: "The start line had extra or trailing whitespace.";
    NO_CONTENT_LENGTH = 3, no_content_length: "No Content-Length: the body is the rest of the input.";
    BODY_TRUNCATED = 4, body_truncated: "Content-Length promised more bytes than the input holds.";
    TRAILING_BYTES = 5, trailing_bytes: "Bytes followed the Content-Length-bounded body (ignored).";
    UNTERMINATED_HEAD = 6, unterminated_head: "The header section was not closed by an empty line.";
    NON_UTF8 = 7, non_utf8: "Some header bytes were not UTF-8.";
    BAD_HEADER_LINE = 8, bad_header_line: "Some header lines had no colon or a bad name (skipped).";
    FOLDED = 9, folded: "Some header was folded over several lines.";
    BAD_CONTENT_LENGTH = 10, bad_content_length: "Content-Length was not a non-negative integer: the body is the rest of the input.";
}

/// The start line of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartLine<'a> {
    /// `Method SP Request-URI SP SIP-Version`
    Request {
        /// Method.
        method: Method<'a>,
        /// Request-URI text.
        uri: &'a str,
    },
    /// `SIP-Version SP Status-Code SP Reason-Phrase`
    Response {
        /// Status code 100..=699.
        status: u16,
        /// Reason phrase bytes (may be empty, may be non-UTF-8).
        reason: &'a [u8],
    },
}

/// Where one header sits in the message (offsets into the message bytes).
#[derive(Clone, Copy, Debug)]
struct Entry {
    name_start: u32,
    value_start: u32,
    value_end: u32,
    name_len: u16,
    kind: HeaderName,
    flags: u8,
}

const E_NON_UTF8: u8 = 1;
const E_BAD_LINE: u8 = 2;
const E_FOLDED: u8 = 4;

/// A parsed SIP message borrowing from its bytes.
#[derive(Clone, Debug)]
pub struct Message<'a> {
    raw: &'a [u8],
    /// The start line + header section as `&str` when it is all valid UTF-8.
    head: Option<&'a str>,
    start: StartLine<'a>,
    start_line: (u32, u32),
    headers: SmallVec<[Entry; 24]>,
    /// 1 + index of the first header of each known kind; 0 when absent or (for messages
    /// with more than 254 headers) not cached.
    first: [u8; HeaderName::COUNT + 1],
    body_start: u32,
    body_end: u32,
    content_length: Option<usize>,
    quirks: Quirks,
}

/// One header as stored: name as written and raw value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderField<'a> {
    /// Classified name.
    pub kind: HeaderName,
    /// Name as written (e.g. `v`, `ViA`).
    pub name: &'a str,
    /// Value bytes, trimmed; folded values keep their line breaks.
    pub value: &'a [u8],
}

impl<'a> HeaderField<'a> {
    /// The value as text if it is UTF-8.
    pub fn value_str(&self) -> Option<&'a str> {
        std::str::from_utf8(self.value).ok()
    }
}

#[inline]
fn err(kind: ErrorKind, msg: String) -> ParseError {
    ParseError::new(kind, msg)
}

/// Finds the next line: returns (content_end, next_line_start, had_cr).
#[inline(always)]
fn next_line(raw: &[u8], pos: usize) -> (usize, usize, bool) {
    match find_lf(&raw[pos..]) {
        Some(i) => {
            let lf = pos + i;
            if lf > pos && raw[lf - 1] == b'\r' {
                (lf - 1, lf + 1, true)
            } else {
                (lf, lf + 1, false)
            }
        }
        None => (raw.len(), raw.len(), true),
    }
}

impl<'a> Message<'a> {
    /// Lenient parse of exactly one message (see the module docs).
    pub fn parse(raw: &'a [u8]) -> Result<Message<'a>, ParseError> {
        Self::parse_impl(raw, false)
    }

    /// Lenient parse of the first message of `buf` when more may follow it (a datagram that
    /// carries several): the message is framed by its Content-Length as [`Message::len`]
    /// says, and the result is exactly `parse(&buf[..len])` ([`Message::raw`] ends there,
    /// no `trailing_bytes` quirk), found in one pass over the header section.
    pub(crate) fn parse_first(buf: &'a [u8]) -> Result<Message<'a>, ParseError> {
        Self::parse_impl(buf, true)
    }

    /// [`Message::parse`] (`first_only`: [`Message::parse_first`]), inlined in both so the
    /// message (about 500 bytes) is built where the caller wants it.
    #[inline(always)]
    fn parse_impl(raw: &'a [u8], first_only: bool) -> Result<Message<'a>, ParseError> {
        if raw.len() > u32::MAX as usize {
            return Err(ParseError::new(
                ErrorKind::Empty,
                "message larger than 4 GiB",
            ));
        }
        let mut quirks = 0u16;
        let mut pos = 0;
        while pos < raw.len() && (raw[pos] == b'\r' || raw[pos] == b'\n') {
            pos += 1;
        }
        if pos > 0 {
            quirks |= Quirks::LEADING_CRLF;
        }
        if pos >= raw.len() {
            return Err(ParseError::new(ErrorKind::Empty, "empty message"));
        }
        let sl_start = pos;
        let (sl_end, mut pos, cr) = next_line(raw, pos);
        if !cr {
            quirks |= Quirks::LF_ONLY;
        }
        let (start, ws) = parse_start_line(&raw[sl_start..sl_end])?;
        if ws {
            quirks |= Quirks::START_LINE_WS;
        }

        let mut headers: SmallVec<[Entry; 24]> = SmallVec::new();
        let mut first = [0u8; HeaderName::COUNT + 1];
        let body_start;
        loop {
            if pos >= raw.len() {
                quirks |= Quirks::UNTERMINATED_HEAD;
                body_start = raw.len();
                break;
            }
            let line_start = pos;
            let (end, next, cr) = next_line(raw, pos);
            if !cr {
                quirks |= Quirks::LF_ONLY;
            }
            pos = next;
            if end == line_start {
                body_start = next;
                break;
            }
            let b0 = raw[line_start];
            if b0 == b' ' || b0 == b'\t' {
                // Continuation of the previous header (RFC 3261 §7.3.1).
                let Some(last) = headers.last_mut() else {
                    return Err(err(
                        ErrorKind::BadHeaderLine,
                        format!(
                            "continuation line before the first header: {}",
                            excerpt(&raw[line_start..end], 60)
                        ),
                    ));
                };
                let mut e = end;
                while e > line_start && matches!(raw[e - 1], b' ' | b'\t') {
                    e -= 1;
                }
                let mut s = line_start;
                while s < e && matches!(raw[s], b' ' | b'\t') {
                    s += 1;
                }
                if s < e {
                    if last.value_start == last.value_end {
                        last.value_start = s as u32;
                    } else {
                        last.flags |= E_FOLDED;
                        quirks |= Quirks::FOLDED;
                    }
                    last.value_end = e as u32;
                }
                continue;
            }
            let line = &raw[line_start..end];
            // Name up to ':' (trailing SP/HT allowed); only unknown names need the
            // token check, known ones matched exactly.
            let c = find_byte(line, b':').unwrap_or(line.len());
            let (kind, name_len, vs, flags) = if c < line.len() {
                let mut n = c;
                while n > 0 && matches!(line[n - 1], b' ' | b'\t') {
                    n -= 1;
                }
                let name = &line[..n];
                let kind = HeaderName::classify(name);
                let bad = n == 0
                    || (kind == HeaderName::Other
                        && !name.iter().all(|&b| super::lex::is_token_char(b)));
                (kind, n, c + 1, if bad { E_BAD_LINE } else { 0 })
            } else {
                (HeaderName::Other, line.len(), line.len(), E_BAD_LINE)
            };
            if flags & E_BAD_LINE != 0 {
                quirks |= Quirks::BAD_HEADER_LINE;
            }
            let mut s = line_start + vs;
            while s < end && matches!(raw[s], b' ' | b'\t') {
                s += 1;
            }
            let mut e = end;
            while e > s && matches!(raw[e - 1], b' ' | b'\t') {
                e -= 1;
            }
            let idx = headers.len();
            if flags == 0 && first[kind as usize] == 0 && idx < u8::MAX as usize {
                first[kind as usize] = idx as u8 + 1;
            }
            headers.push(Entry {
                name_start: line_start as u32,
                value_start: s as u32,
                value_end: e as u32,
                name_len: name_len.min(u16::MAX as usize) as u16,
                kind,
                flags,
            });
        }

        // One UTF-8 check for the whole head; per-header checks only if that fails.
        let head = match std::str::from_utf8(&raw[..body_start]) {
            Ok(h) => Some(h),
            Err(_) => {
                quirks |= Quirks::NON_UTF8;
                for h in headers.iter_mut() {
                    let bytes = &raw[h.name_start as usize..h.value_end as usize];
                    if std::str::from_utf8(bytes).is_err() {
                        h.flags |= E_NON_UTF8;
                    }
                }
                None
            }
        };

        let (body_end, content_length, mut body_quirks) =
            frame_body(raw, body_start, &headers, &first)?;
        let raw = if first_only {
            // only a Content-Length shorter than the input ends the message before the input
            // does, and `parse` of the message alone would not see the bytes after it
            body_quirks &= !Quirks::TRAILING_BYTES;
            &raw[..body_end]
        } else {
            raw
        };
        Ok(Message {
            raw,
            head,
            start,
            start_line: (sl_start as u32, sl_end as u32),
            headers,
            first,
            body_start: body_start as u32,
            body_end: body_end as u32,
            content_length,
            quirks: Quirks(quirks | body_quirks),
        })
    }

    // ----- raw access -------------------------------------------------------------------

    #[inline]
    fn entry_value(&self, e: &Entry) -> &'a [u8] {
        &self.raw[e.value_start as usize..e.value_end as usize]
    }

    #[inline]
    fn entry_str(&self, e: &Entry) -> Option<&'a str> {
        match self.head {
            Some(h) => Some(&h[e.value_start as usize..e.value_end as usize]),
            None if e.flags & E_NON_UTF8 == 0 => std::str::from_utf8(self.entry_value(e)).ok(),
            None => None,
        }
    }

    #[inline]
    fn entry_name(&self, e: &Entry) -> &'a str {
        let b = &self.raw[e.name_start as usize..e.name_start as usize + e.name_len as usize];
        std::str::from_utf8(b).unwrap_or("")
    }

    #[inline]
    fn first_entry(&self, kind: HeaderName) -> Option<&Entry> {
        match self.first[kind as usize] {
            0 if self.headers.len() >= u8::MAX as usize => self
                .headers
                .iter()
                .find(|e| e.kind == kind && e.flags & E_BAD_LINE == 0),
            0 => None,
            i => Some(&self.headers[i as usize - 1]),
        }
    }

    #[inline]
    fn first_value(&self, kind: HeaderName) -> Option<&'a [u8]> {
        self.first_entry(kind).map(|e| self.entry_value(e))
    }

    /// First value of a known header as text.
    #[inline]
    pub fn first_str(&self, kind: HeaderName) -> Option<&'a str> {
        self.first_entry(kind).and_then(|e| self.entry_str(e))
    }

    fn entries_of(&self, kind: HeaderName) -> impl Iterator<Item = &Entry> + '_ {
        let start = match self.first[kind as usize] {
            0 if self.headers.len() >= u8::MAX as usize => 0,
            0 => self.headers.len(),
            i => i as usize - 1,
        };
        self.headers[start..]
            .iter()
            .filter(move |e| e.kind == kind && e.flags & E_BAD_LINE == 0)
    }

    /// Every line of a known header, as text (non-UTF-8 lines skipped).
    pub fn lines_of(&self, kind: HeaderName) -> impl Iterator<Item = &'a str> + '_ {
        self.entries_of(kind).filter_map(|e| self.entry_str(e))
    }

    /// Every comma-separated value of a known header over all its lines, respecting quotes
    /// and angle brackets (headers such as WWW-Authenticate or Date are not split).
    pub fn values_of(&self, kind: HeaderName) -> impl Iterator<Item = &'a str> + '_ {
        let split = !kind.is_single_value_with_commas();
        self.lines_of(kind).flat_map(move |l| {
            let (one, many) = if split {
                (None, Some(CommaValues::new(l)))
            } else {
                (Some(trim(l)), None)
            };
            one.into_iter().chain(many.into_iter().flatten())
        })
    }

    // ----- the contract -----------------------------------------------------------------

    /// The whole message bytes as given to the parser.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Number of bytes this message occupies in the input (through the end of the body as
    /// framed by Content-Length); bytes after it (RFC 4475 dblreq) are not part of it.
    pub fn len(&self) -> usize {
        self.body_end as usize
    }

    /// Always false: a message has at least a start line.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The start line, parsed.
    pub fn start_line(&self) -> StartLine<'a> {
        self.start
    }

    /// The start line as written (without its line end).
    pub fn start_line_raw(&self) -> &'a [u8] {
        &self.raw[self.start_line.0 as usize..self.start_line.1 as usize]
    }

    /// True for requests.
    #[inline]
    pub fn is_request(&self) -> bool {
        matches!(self.start, StartLine::Request { .. })
    }

    /// Request method (`None` for responses).
    #[inline]
    pub fn method(&self) -> Option<Method<'a>> {
        match self.start {
            StartLine::Request { method, .. } => Some(method),
            _ => None,
        }
    }

    /// Request-URI text (`None` for responses).
    #[inline]
    pub fn request_uri(&self) -> Option<&'a str> {
        match self.start {
            StartLine::Request { uri, .. } => Some(uri),
            _ => None,
        }
    }

    /// Request-URI, parsed.
    pub fn request_uri_parsed(&self) -> Option<Uri<'a>> {
        self.request_uri().and_then(|u| Uri::parse(u).ok())
    }

    /// Status code (`None` for requests).
    #[inline]
    pub fn status(&self) -> Option<u16> {
        match self.start {
            StartLine::Response { status, .. } => Some(status),
            _ => None,
        }
    }

    /// Reason phrase (`None` for requests or when it is not UTF-8; may be empty).
    pub fn reason_phrase(&self) -> Option<&'a str> {
        match self.start {
            StartLine::Response { reason, .. } => std::str::from_utf8(reason).ok(),
            _ => None,
        }
    }

    /// Call-ID (first one; RFC 4475 multi01 has two).
    #[inline]
    pub fn call_id(&self) -> Option<&'a str> {
        self.first_str(HeaderName::CallId).filter(|s| !s.is_empty())
    }

    /// CSeq number and method.
    #[inline]
    pub fn cseq(&self) -> Option<CSeq<'a>> {
        self.first_str(HeaderName::CSeq).and_then(CSeq::parse)
    }

    /// The topmost Via hop.
    #[inline]
    pub fn top_via(&self) -> Option<Via<'a>> {
        let v = self.first_str(HeaderName::Via)?;
        // Fast path: a comma before any quote or bracket ends the first hop.
        let end = match memchr::memchr3(b',', b'"', b'<', v.as_bytes()) {
            None => v.len(),
            Some(i) if v.as_bytes()[i] == b',' => i,
            Some(_) => match find_top_level(v.as_bytes(), b',') {
                Ok(Some(i)) => i,
                _ => v.len(),
            },
        };
        Via::parse(&v[..end])
    }

    /// Every Via hop, top first, over all Via lines and comma-separated values. Hops that do
    /// not parse are skipped (see [`Message::validate`]).
    pub fn vias(&self) -> impl Iterator<Item = Via<'a>> + '_ {
        self.values_of(HeaderName::Via).filter_map(Via::parse)
    }

    /// From (display name, URI, tag).
    #[inline]
    pub fn from(&self) -> Option<NameAddr<'a>> {
        self.first_str(HeaderName::From)
            .and_then(|v| NameAddr::parse(v).ok())
    }

    /// To (display name, URI, tag).
    #[inline]
    pub fn to(&self) -> Option<NameAddr<'a>> {
        self.first_str(HeaderName::To)
            .and_then(|v| NameAddr::parse(v).ok())
    }

    /// First value of the header called `name` in any form (`Call-ID`, `call-id`, `i`),
    /// as raw bytes: the whole first line's value, trimmed (folds kept).
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        let kind = HeaderName::classify(name.as_bytes());
        if kind != HeaderName::Other {
            return self.first_value(kind);
        }
        self.headers
            .iter()
            .find(|e| {
                e.kind == HeaderName::Other
                    && e.flags & E_BAD_LINE == 0
                    && self.entry_name(e).eq_ignore_ascii_case(name)
            })
            .map(|e| self.entry_value(e))
    }

    /// Like [`Message::header`] but as text (`None` if absent or not UTF-8).
    pub fn header_str(&self, name: &str) -> Option<&'a str> {
        self.header(name).and_then(|b| std::str::from_utf8(b).ok())
    }

    /// Every comma-separated value of the header called `name` (any form), over all its
    /// lines, respecting quotes and angle brackets.
    pub fn header_values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        let kind = HeaderName::classify(name.as_bytes());
        let split = !kind.is_single_value_with_commas();
        self.headers
            .iter()
            .filter(move |e| {
                e.flags & E_BAD_LINE == 0
                    && e.kind == kind
                    && (kind != HeaderName::Other || self.entry_name(e).eq_ignore_ascii_case(name))
            })
            .filter_map(|e| self.entry_str(e))
            .flat_map(move |l| {
                let (one, many) = if split {
                    (None, Some(CommaValues::new(l)))
                } else {
                    (Some(trim(l)), None)
                };
                one.into_iter().chain(many.into_iter().flatten())
            })
    }

    /// All header lines in order (bad lines without a colon are left out).
    pub fn headers(&self) -> impl Iterator<Item = HeaderField<'a>> + '_ {
        self.headers
            .iter()
            .filter(|e| e.flags & E_BAD_LINE == 0)
            .map(|e| HeaderField {
                kind: e.kind,
                name: self.entry_name(e),
                value: self.entry_value(e),
            })
    }

    /// RSeq (RFC 3262).
    #[inline]
    pub fn rseq(&self) -> Option<u32> {
        self.first_str(HeaderName::RSeq).and_then(parse_u32)
    }

    /// RAck (RFC 3262).
    #[inline]
    pub fn rack(&self) -> Option<RAck<'a>> {
        self.first_str(HeaderName::RAck).and_then(RAck::parse)
    }

    /// The body: bytes after the header section, bounded by Content-Length when present
    /// (and by the end of the input when Content-Length is absent or larger).
    #[inline]
    pub fn body(&self) -> &'a [u8] {
        &self.raw[self.body_start as usize..self.body_end as usize]
    }

    /// Liberties the lenient parser took (see [`Quirks`]).
    pub fn quirks(&self) -> Quirks {
        self.quirks
    }

    // ----- further typed accessors ----------------------------------------------------

    /// Content-Length as declared (`None` when absent).
    pub fn content_length(&self) -> Option<usize> {
        self.content_length
    }

    /// Content-Type.
    pub fn content_type(&self) -> Option<ContentType<'a>> {
        self.first_str(HeaderName::ContentType)
            .and_then(ContentType::parse)
    }

    /// All Contact values (`*` included), over all Contact lines.
    pub fn contacts(&self) -> impl Iterator<Item = Contact<'a>> + '_ {
        self.values_of(HeaderName::Contact)
            .filter_map(Contact::parse)
    }

    /// First Contact value.
    pub fn contact(&self) -> Option<Contact<'a>> {
        self.contacts().next()
    }

    /// Max-Forwards (0..=255).
    pub fn max_forwards(&self) -> Option<u8> {
        self.first_str(HeaderName::MaxForwards)
            .and_then(parse_u32)
            .and_then(|v| u8::try_from(v).ok())
    }

    /// Expires in seconds.
    pub fn expires(&self) -> Option<u32> {
        self.first_str(HeaderName::Expires).and_then(parse_u32)
    }

    /// Option tags of Require.
    pub fn require(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.values_of(HeaderName::Require)
    }

    /// Option tags of Supported.
    pub fn supported(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.values_of(HeaderName::Supported)
    }

    /// Methods listed in Allow.
    pub fn allow(&self) -> impl Iterator<Item = Method<'a>> + '_ {
        self.values_of(HeaderName::Allow).map(Method::from_token)
    }

    /// True if `tag` is listed in Require (case-insensitive), e.g. `100rel`.
    pub fn requires(&self, tag: &str) -> bool {
        self.require().any(|t| t.eq_ignore_ascii_case(tag))
    }

    /// True if `tag` is listed in Supported (case-insensitive).
    pub fn supports(&self, tag: &str) -> bool {
        self.supported().any(|t| t.eq_ignore_ascii_case(tag))
    }

    /// Refer-To (RFC 3515): the address; see [`NameAddr::parsed_uri`] and
    /// [`Uri::replaces`] for an embedded `?Replaces=`.
    pub fn refer_to(&self) -> Option<NameAddr<'a>> {
        self.first_str(HeaderName::ReferTo)
            .and_then(|v| NameAddr::parse(v).ok())
    }

    /// The Replaces embedded in the Refer-To URI (attended transfer), unescaped.
    pub fn refer_to_replaces(&self) -> Option<Replaces<'static>> {
        self.refer_to()?.parsed_uri().ok()?.replaces()
    }

    /// Referred-By (RFC 3892).
    pub fn referred_by(&self) -> Option<NameAddr<'a>> {
        self.first_str(HeaderName::ReferredBy)
            .and_then(|v| NameAddr::parse(v).ok())
    }

    /// Replaces header (RFC 3891).
    pub fn replaces(&self) -> Option<Replaces<'a>> {
        self.first_str(HeaderName::Replaces)
            .and_then(Replaces::parse)
    }

    /// Refer-Sub (RFC 4488): `Some(false)` means no implicit subscription.
    pub fn refer_sub(&self) -> Option<bool> {
        let v = self.first_str(HeaderName::ReferSub)?;
        let v = trim(v.split(';').next().unwrap_or(""));
        if v.eq_ignore_ascii_case("true") {
            Some(true)
        } else if v.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            None
        }
    }

    /// Event (RFC 6665): package and id.
    pub fn event(&self) -> Option<Event<'a>> {
        self.first_str(HeaderName::Event).and_then(Event::parse)
    }

    /// Subscription-State (RFC 6665).
    pub fn subscription_state(&self) -> Option<SubscriptionState<'a>> {
        self.first_str(HeaderName::SubscriptionState)
            .and_then(SubscriptionState::parse)
    }

    /// All Reason values (RFC 3326), e.g. `SIP;cause=200` and `Q.850;cause=16`.
    pub fn reasons(&self) -> impl Iterator<Item = Reason<'a>> + '_ {
        self.values_of(HeaderName::Reason).filter_map(Reason::parse)
    }

    /// First Reason value.
    pub fn reason(&self) -> Option<Reason<'a>> {
        self.reasons().next()
    }

    /// User-Agent text.
    pub fn user_agent(&self) -> Option<&'a str> {
        self.first_str(HeaderName::UserAgent)
    }

    /// Server text.
    pub fn server(&self) -> Option<&'a str> {
        self.first_str(HeaderName::Server)
    }

    /// P-Asserted-Identity values (RFC 3325; one SIP and/or one TEL URI).
    pub fn p_asserted_identity(&self) -> impl Iterator<Item = NameAddr<'a>> + '_ {
        self.values_of(HeaderName::PAssertedIdentity)
            .filter_map(|v| NameAddr::parse(v).ok())
    }

    /// Session-Expires (RFC 4028).
    pub fn session_expires(&self) -> Option<SessionExpires<'a>> {
        self.first_str(HeaderName::SessionExpires)
            .and_then(SessionExpires::parse)
    }

    /// Record-Route values.
    pub fn record_route(&self) -> impl Iterator<Item = NameAddr<'a>> + '_ {
        self.values_of(HeaderName::RecordRoute)
            .filter_map(|v| NameAddr::parse(v).ok())
    }

    /// Route values.
    pub fn route(&self) -> impl Iterator<Item = NameAddr<'a>> + '_ {
        self.values_of(HeaderName::Route)
            .filter_map(|v| NameAddr::parse(v).ok())
    }

    #[allow(dead_code)]
    pub(crate) fn header_entries(
        &self,
    ) -> impl Iterator<Item = (HeaderName, &'a str, Option<&'a str>, bool, bool)> + '_ {
        self.headers.iter().map(|e| {
            (
                e.kind,
                self.entry_name(e),
                self.entry_str(e),
                e.flags & E_BAD_LINE != 0,
                e.flags & E_FOLDED != 0,
            )
        })
    }

    pub(crate) fn bad_line_raw(&self) -> Option<&'a [u8]> {
        self.headers
            .iter()
            .find(|e| e.flags & E_BAD_LINE != 0)
            .map(|e| &self.raw[e.name_start as usize..e.value_end as usize])
    }

    /// Length of the start line and header section with the empty line that ends it (where
    /// the body starts).
    pub(crate) fn head_len(&self) -> usize {
        self.body_start as usize
    }

    pub(crate) fn body_available(&self) -> usize {
        self.raw.len() - self.body_start as usize
    }
}

/// Frames the body by Content-Length: returns (body end, declared length, quirks).
#[inline]
fn frame_body(
    raw: &[u8],
    body_start: usize,
    headers: &[Entry],
    first: &[u8; HeaderName::COUNT + 1],
) -> Result<(usize, Option<usize>, u16), ParseError> {
    let avail = raw.len() - body_start;
    let entry = match first[HeaderName::ContentLength as usize] {
        0 => headers
            .iter()
            .find(|e| e.kind == HeaderName::ContentLength && e.flags & E_BAD_LINE == 0),
        i => Some(&headers[i as usize - 1]),
    };
    let Some(e) = entry else {
        return Ok((raw.len(), None, Quirks::NO_CONTENT_LENGTH));
    };
    let t = super::lex::trim_bytes(&raw[e.value_start as usize..e.value_end as usize]);
    let cl = if !t.is_empty() && t.len() <= 10 && t.iter().all(|b| b.is_ascii_digit()) {
        Some(
            t.iter()
                .fold(0usize, |acc, &d| acc * 10 + (d - b'0') as usize),
        )
    } else {
        None
    };
    // An unreadable Content-Length is ignored leniently: over a datagram the body is the rest
    // of the input anyway, which is what tshark and real stacks do. `validate` reports it.
    let Some(cl) = cl.filter(|&c| c <= u32::MAX as usize) else {
        return Ok((raw.len(), None, Quirks::BAD_CONTENT_LENGTH));
    };
    if cl <= avail {
        let q = if cl < avail {
            Quirks::TRAILING_BYTES
        } else {
            0
        };
        Ok((body_start + cl, Some(cl), q))
    } else {
        Ok((raw.len(), Some(cl), Quirks::BODY_TRUNCATED))
    }
}

/// Parses the start line. Returns the line and whether whitespace was irregular.
fn parse_start_line(line: &[u8]) -> Result<(StartLine<'_>, bool), ParseError> {
    if line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"SIP/") {
        return parse_status_line(line);
    }
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    let mut ws = end != line.len();
    let t = &line[..end];
    let not_start = || {
        err(
            ErrorKind::BadStartLine,
            format!("not a SIP request or status line: {}", excerpt(line, 60)),
        )
    };
    let sp1 = memchr::memchr2(b' ', b'\t', t).ok_or_else(not_start)?;
    let method = &t[..sp1];
    if method.is_empty() || !method.iter().all(|&b| super::lex::is_token_char(b)) {
        return Err(not_start());
    }
    let sp_last = memchr::memrchr2(b' ', b'\t', t).unwrap_or(sp1);
    let version = &t[sp_last + 1..];
    if !version.eq_ignore_ascii_case(b"SIP/2.0") {
        if sp_last > sp1 && version.len() > 4 && version[..4].eq_ignore_ascii_case(b"SIP/") {
            return Err(err(
                ErrorKind::UnknownVersion,
                format!("unknown SIP version {}", excerpt(version, 20)),
            ));
        }
        return Err(err(
            ErrorKind::BadStartLine,
            format!(
                "request line does not end with SIP/2.0: {}",
                excerpt(line, 60)
            ),
        ));
    }
    let between = &t[sp1..=sp_last];
    let mut a = 0;
    let mut b = between.len();
    while a < b && matches!(between[a], b' ' | b'\t') {
        a += 1;
    }
    while b > a && matches!(between[b - 1], b' ' | b'\t') {
        b -= 1;
    }
    let uri = &between[a..b];
    if uri.is_empty() {
        return Err(err(
            ErrorKind::BadStartLine,
            format!("request line has no Request-URI: {}", excerpt(line, 60)),
        ));
    }
    if memchr::memchr2(b' ', b'\t', uri).is_some() {
        return Err(err(
            ErrorKind::BadRequestUri,
            format!("Request-URI contains whitespace: {}", excerpt(uri, 60)),
        ));
    }
    if uri.len() + 2 != between.len() || between[0] != b' ' || between[between.len() - 1] != b' ' {
        ws = true;
    }
    let uri = std::str::from_utf8(uri).map_err(|_| {
        err(
            ErrorKind::BadRequestUri,
            format!("Request-URI is not UTF-8: {}", excerpt(uri, 60)),
        )
    })?;
    // Token characters are ASCII, so this cannot fail.
    let method = std::str::from_utf8(method).map_err(|_| not_start())?;
    Ok((
        StartLine::Request {
            method: Method::from_token(method),
            uri,
        },
        ws,
    ))
}

fn parse_status_line(line: &[u8]) -> Result<(StartLine<'_>, bool), ParseError> {
    let sp = memchr::memchr2(b' ', b'\t', line).unwrap_or(line.len());
    let version = &line[..sp];
    if !version.eq_ignore_ascii_case(b"SIP/2.0") {
        return Err(err(
            ErrorKind::UnknownVersion,
            format!("unknown SIP version {}", excerpt(version, 20)),
        ));
    }
    let mut i = sp;
    let mut ws = false;
    while i < line.len() && matches!(line[i], b' ' | b'\t') {
        i += 1;
    }
    if i - sp > 1 {
        ws = true;
    }
    let code_start = i;
    while i < line.len() && line[i].is_ascii_digit() {
        i += 1;
    }
    let code = &line[code_start..i];
    let status = if code.len() == 3 {
        (code[0] - b'0') as u16 * 100 + (code[1] - b'0') as u16 * 10 + (code[2] - b'0') as u16
    } else {
        0
    };
    if !(100..=699).contains(&status) || (i < line.len() && !matches!(line[i], b' ' | b'\t')) {
        let end = memchr::memchr2(b' ', b'\t', &line[code_start..])
            .map(|e| code_start + e)
            .unwrap_or(line.len());
        return Err(err(
            ErrorKind::BadStatusCode,
            format!(
                "status code {} is not a number from 100 to 699",
                excerpt(&line[code_start..end], 20)
            ),
        ));
    }
    let reason = if i < line.len() {
        &line[i + 1..]
    } else {
        &line[i..]
    };
    Ok((StartLine::Response { status, reason }, ws))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &[u8] = b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Contact: <sip:alice@pc33.atlanta.example.com>\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 4\r\n\
\r\n\
v=0\n";

    #[test]
    fn ordinary_invite() {
        let m = Message::parse(INVITE).unwrap();
        assert!(m.is_request());
        assert_eq!(m.method(), Some(Method::Invite));
        assert_eq!(m.request_uri(), Some("sip:bob@biloxi.example.com"));
        assert_eq!(m.call_id(), Some("a84b4c76e66710@pc33.atlanta.example.com"));
        let c = m.cseq().unwrap();
        assert_eq!((c.seq, c.method), (314159, Method::Invite));
        assert_eq!(m.top_via().unwrap().branch, Some("z9hG4bK776asdhds"));
        assert_eq!(m.from().unwrap().tag, Some("1928301774"));
        assert_eq!(m.to().unwrap().tag, None);
        assert_eq!(m.max_forwards(), Some(70));
        assert_eq!(m.body(), b"v=0\n");
        assert_eq!(m.quirks(), Quirks::default());
        assert_eq!(
            m.header("i"),
            Some(&b"a84b4c76e66710@pc33.atlanta.example.com"[..])
        );
        assert_eq!(m.header("CONTENT-type"), Some(&b"application/sdp"[..]));
        assert!(m.content_type().unwrap().is("application", "sdp"));
    }

    #[test]
    fn lf_only_and_compact() {
        let text = String::from_utf8(INVITE.to_vec())
            .unwrap()
            .replace("\r\n", "\n");
        let text = text
            .replace("Via:", "v:")
            .replace("Call-ID:", "i:")
            .replace("Content-Length:", "l:");
        let m = Message::parse(text.as_bytes()).unwrap();
        assert!(m.quirks().lf_only());
        assert_eq!(m.call_id(), Some("a84b4c76e66710@pc33.atlanta.example.com"));
        assert_eq!(m.top_via().unwrap().branch, Some("z9hG4bK776asdhds"));
        assert_eq!(m.body(), b"v=0\n");
    }

    #[test]
    fn status_lines() {
        let m = Message::parse(b"SIP/2.0 180 Ringing\r\nCSeq: 1 INVITE\r\n\r\n").unwrap();
        assert_eq!(
            (m.status(), m.reason_phrase()),
            (Some(180), Some("Ringing"))
        );
        let m = Message::parse(b"SIP/2.0 100 \r\n\r\n").unwrap();
        assert_eq!(m.reason_phrase(), Some(""));
        let e = Message::parse(b"SIP/2.0 4294967301 x\r\n\r\n").unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadStatusCode);
        let e = Message::parse(b"SIP/7.0 200 OK\r\n\r\n").unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownVersion);
        let e = Message::parse(b"OPTIONS sip:a@b SIP/7.0\r\n\r\n").unwrap_err();
        assert_eq!(e.to_string(), "unknown SIP version SIP/7.0");
    }

    #[test]
    fn request_line_variants() {
        let m = Message::parse(b"INVITE  sip:a@b  SIP/2.0  \r\n\r\n").unwrap();
        assert!(m.quirks().start_line_whitespace());
        assert_eq!(m.request_uri(), Some("sip:a@b"));
        let e = Message::parse(b"INVITE sip:a@b; lr SIP/2.0\r\n\r\n").unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadRequestUri);
        let e = Message::parse(b"INVITE sip:a@b\r\n\r\n").unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadStartLine);
        assert_eq!(
            Message::parse(b"\r\n\r\n").unwrap_err().kind,
            ErrorKind::Empty
        );
    }

    #[test]
    fn content_length_framing() {
        let m = Message::parse(b"OPTIONS sip:a@b SIP/2.0\r\nl: 2\r\n\r\nabcd").unwrap();
        assert_eq!(m.body(), b"ab");
        assert_eq!(m.len(), m.raw().len() - 2);
        assert!(m.quirks().trailing_bytes());
        let m = Message::parse(b"OPTIONS sip:a@b SIP/2.0\r\nl: 9\r\n\r\nabcd").unwrap();
        assert_eq!(m.body(), b"abcd");
        assert!(m.quirks().body_truncated());
        let m = Message::parse(b"OPTIONS sip:a@b SIP/2.0\r\nl: -9\r\n\r\nabcd").unwrap();
        assert!(m.quirks().bad_content_length());
        assert_eq!(m.body(), b"abcd");
        assert_eq!(m.validate().unwrap_err().kind, ErrorKind::BadContentLength);
        let m = Message::parse(b"OPTIONS sip:a@b SIP/2.0\r\nX: 1\r\n\r\nabcd").unwrap();
        assert!(m.quirks().no_content_length());
        assert_eq!(m.body(), b"abcd");
    }

    #[test]
    fn folding_and_non_utf8() {
        let m = Message::parse(
            b"SIP/2.0 200 OK\r\nCall-ID:\r\n abc\r\nSubject: a\r\n b\r\nX-Latin: caf\xe9\r\n\r\n",
        )
        .unwrap();
        assert_eq!(m.call_id(), Some("abc"));
        assert_eq!(m.header("s"), Some(&b"a\r\n b"[..]));
        assert!(m.quirks().folded());
        assert!(m.quirks().non_utf8());
        assert_eq!(m.header("x-latin"), Some(&b"caf\xe9"[..]));
        assert_eq!(m.header_str("x-latin"), None);
    }

    #[test]
    fn multi_values() {
        let m = Message::parse(
            b"REGISTER sip:r SIP/2.0\r\nContact: \"a, b\" <sip:a@b>, <sip:c@d>;expires=5\r\nm: *\r\nSupported: 100rel, timer\r\nk: path\r\n\r\n",
        )
        .unwrap();
        let c: Vec<_> = m.contacts().collect();
        assert_eq!(c.len(), 3);
        assert_eq!(c[1].expires(), Some(5));
        assert_eq!(c[2], Contact::Star);
        assert_eq!(
            m.supported().collect::<Vec<_>>(),
            vec!["100rel", "timer", "path"]
        );
        assert!(m.supports("PATH"));
        assert_eq!(m.header_values("contact").count(), 3);
    }
}
