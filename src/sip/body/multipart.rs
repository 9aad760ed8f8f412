//! `multipart/*` bodies (RFC 2046 §5.1): parts split on the boundary, each with its own
//! headers and body bytes (which may be binary, as in RFC 4475 mpart01).

use crate::sip::lex::trim;
use crate::sip::typed::ContentType;

/// Iterator-producing view over a multipart body.
#[derive(Clone, Copy, Debug)]
pub struct Multipart<'a> {
    body: &'a [u8],
    boundary: &'a str,
}

/// One part: its header block and body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part<'a> {
    /// Raw header lines of the part (may be empty).
    pub headers: &'a [u8],
    /// Part body (without the CRLF that precedes the next delimiter).
    pub body: &'a [u8],
}

impl<'a> Part<'a> {
    /// A part header by name (case-insensitive), trimmed.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        let text = std::str::from_utf8(self.headers).ok()?;
        text.split('\n').find_map(|l| {
            let (n, v) = l.split_once(':')?;
            trim(n).eq_ignore_ascii_case(name).then(|| trim(v))
        })
    }

    /// The part's Content-Type (RFC 2046 default `text/plain` is not filled in).
    pub fn content_type(&self) -> Option<ContentType<'a>> {
        self.header("Content-Type").and_then(ContentType::parse)
    }
}

impl<'a> Multipart<'a> {
    /// A view over `body` split by `boundary`.
    pub fn new(body: &'a [u8], boundary: &'a str) -> Multipart<'a> {
        Multipart { body, boundary }
    }

    /// The boundary.
    pub fn boundary(&self) -> &'a str {
        self.boundary
    }

    /// Parts in order (preamble and epilogue skipped). Stops at the closing delimiter or,
    /// for a body cut short, at the end. No allocation.
    pub fn parts(&self) -> PartIter<'a> {
        let mut it = PartIter {
            body: self.body,
            boundary: self.boundary.as_bytes(),
            next_delim: None,
        };
        it.next_delim = it.find_delim(0);
        it
    }
}

/// Iterator over the parts of a [`Multipart`].
#[derive(Clone, Debug)]
pub struct PartIter<'a> {
    body: &'a [u8],
    boundary: &'a [u8],
    /// Offset of the next delimiter line (`--boundary`), if any.
    next_delim: Option<usize>,
}

impl PartIter<'_> {
    /// Next `--boundary` at or after `from` that starts a line.
    fn find_delim(&self, mut from: usize) -> Option<usize> {
        let b = self.body;
        while from < b.len() {
            let i = from + memchr::memmem::find(&b[from..], self.boundary)?;
            if i >= 2 && &b[i - 2..i] == b"--" && (i == 2 || b[i - 3] == b'\n') {
                return Some(i - 2);
            }
            from = i + 1;
        }
        None
    }
}

impl<'a> Iterator for PartIter<'a> {
    type Item = Part<'a>;
    fn next(&mut self) -> Option<Part<'a>> {
        let body = self.body;
        let m = self.next_delim?;
        let after = m + 2 + self.boundary.len();
        if body[after..].starts_with(b"--") {
            self.next_delim = None;
            return None; // closing delimiter
        }
        let Some(lf) = memchr::memchr(b'\n', &body[after..]) else {
            self.next_delim = None;
            return None;
        };
        let start = after + lf + 1;
        self.next_delim = self.find_delim(start);
        let mut end = self.next_delim.unwrap_or(body.len());
        if self.next_delim.is_some() {
            // The line break before the next delimiter belongs to the delimiter.
            if end > start && body[end - 1] == b'\n' {
                end -= 1;
            }
            if end > start && body[end - 1] == b'\r' {
                end -= 1;
            }
        }
        let (headers, pbody) = split_part(&body[start..end]);
        Some(Part {
            headers,
            body: pbody,
        })
    }
}

/// Splits a part at its first empty line into headers and body.
fn split_part(part: &[u8]) -> (&[u8], &[u8]) {
    if part.starts_with(b"\r\n") {
        return (&[], &part[2..]);
    }
    if part.starts_with(b"\n") {
        return (&[], &part[1..]);
    }
    let mut pos = 0;
    while let Some(i) = memchr::memchr(b'\n', &part[pos..]) {
        let lf = pos + i;
        let rest = &part[lf + 1..];
        if rest.starts_with(b"\r\n") {
            return (&part[..lf + 1], &rest[2..]);
        }
        if rest.starts_with(b"\n") {
            return (&part[..lf + 1], &rest[1..]);
        }
        pos = lf + 1;
    }
    (part, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_parts_binary() {
        let body = b"preamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\nHello\r\n--b1\r\nContent-Type: application/octet-stream\r\n\r\n\x00\x01\n\r\xff\r\n--b1--\r\n";
        let mp = Multipart::new(body, "b1");
        let parts: Vec<_> = mp.parts().collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].body, b"Hello");
        assert!(parts[0].content_type().unwrap().is("text", "plain"));
        assert_eq!(parts[1].body, b"\x00\x01\n\r\xff");
        assert_eq!(
            parts[1].header("content-type"),
            Some("application/octet-stream")
        );
    }

    #[test]
    fn truncated_and_lf_only() {
        let body = b"--x\nContent-Type: application/sdp\n\nv=0\n";
        let parts: Vec<_> = Multipart::new(body, "x").parts().collect();
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].body, b"v=0\n");
        assert_eq!(Multipart::new(b"no delimiters", "x").parts().count(), 0);
    }
}
