//! Parse errors: a machine-readable kind plus a one-line human message.

use std::borrow::Cow;
use std::fmt;

/// Why a message was rejected. Stable identifiers (see [`ErrorKind::as_str`]) for counters
/// and tests; the human message in [`ParseError`] carries the specifics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Empty input or nothing but whitespace.
    Empty,
    /// The first line is neither a Request-Line nor a Status-Line.
    BadStartLine,
    /// The SIP-Version is not `SIP/2.0`.
    UnknownVersion,
    /// Status code is not three digits in 100..=699.
    BadStatusCode,
    /// Request-URI is malformed (whitespace, `<>`, escaped headers, ...).
    BadRequestUri,
    /// Start line separated by more than one SP or ending in whitespace (strict only).
    StartLineWhitespace,
    /// A header line without a colon, an empty or non-token header name.
    BadHeaderLine,
    /// A header section byte that is not valid UTF-8 (strict only).
    InvalidUtf8,
    /// Content-Length is not a non-negative integer.
    BadContentLength,
    /// Content-Length larger than the bytes available after the header section.
    ContentLengthExceedsBody,
    /// A header value that does not follow its grammar (strict only).
    BadHeaderValue,
    /// A number too large for its field (CSeq, Max-Forwards, Expires, ...).
    ScalarOverflow,
    /// A quoted string without its closing quote.
    UnterminatedQuote,
    /// CSeq method differs from the request method.
    CSeqMismatch,
    /// A mandatory header is missing where the parser needs it.
    MissingHeader,
}

impl ErrorKind {
    /// Stable kebab-case identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Empty => "empty",
            ErrorKind::BadStartLine => "bad-start-line",
            ErrorKind::UnknownVersion => "unknown-version",
            ErrorKind::BadStatusCode => "bad-status-code",
            ErrorKind::BadRequestUri => "bad-request-uri",
            ErrorKind::StartLineWhitespace => "start-line-whitespace",
            ErrorKind::BadHeaderLine => "bad-header-line",
            ErrorKind::InvalidUtf8 => "invalid-utf8",
            ErrorKind::BadContentLength => "bad-content-length",
            ErrorKind::ContentLengthExceedsBody => "content-length-exceeds-body",
            ErrorKind::BadHeaderValue => "bad-header-value",
            ErrorKind::ScalarOverflow => "scalar-overflow",
            ErrorKind::UnterminatedQuote => "unterminated-quote",
            ErrorKind::CSeqMismatch => "cseq-mismatch",
            ErrorKind::MissingHeader => "missing-header",
        }
    }
}

/// A rejected message: the kind plus a one-line message saying what was wrong, e.g.
/// `Content-Length 9999 exceeds body length 130`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Machine-readable reason.
    pub kind: ErrorKind,
    /// One-line human description.
    pub message: Cow<'static, str>,
}

impl ParseError {
    /// Builds an error.
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        ParseError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// Shows at most `max` characters of untrusted text in an error message, escaping control
/// characters so the message stays on one line.
pub(crate) fn excerpt(s: &[u8], max: usize) -> String {
    let lossy = String::from_utf8_lossy(s);
    let mut out = String::new();
    for (n, c) in lossy.chars().enumerate() {
        if n == max {
            out.push_str("...");
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
