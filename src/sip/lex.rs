//! Low-level lexical helpers shared by the grammar modules: SIP whitespace (LWS, which
//! inside a stored header value may include the CRLF of a folded line), token characters,
//! quoted strings, and splitting on separators that are not inside quotes or angle brackets.

use crate::swar;

/// True for the bytes that make up linear whitespace inside a header value. CR and LF only
/// occur inside a stored value as part of a folded continuation line, so they count too.
#[inline]
pub fn is_lws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Trims LWS (including folds) from both ends.
#[inline]
pub fn trim(s: &str) -> &str {
    trim_end(trim_start(s))
}

/// Trims LWS from the start.
#[inline]
pub fn trim_start(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && is_lws(b[i]) {
        i += 1;
    }
    // Only ASCII bytes were skipped, so `i` is a char boundary.
    &s[i..]
}

/// Trims LWS from the end.
#[inline]
pub fn trim_end(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = b.len();
    while i > 0 && is_lws(b[i - 1]) {
        i -= 1;
    }
    &s[..i]
}

/// Finds the first LF in `h`. Header lines are short, so the first 128 bytes are searched
/// inline eight at a time ([`find_byte`]: no call, no SIMD set-up); longer lines go to
/// `memchr`.
#[inline(always)]
pub fn find_lf(h: &[u8]) -> Option<usize> {
    if h.len() <= 128 {
        return find_byte(h, b'\n');
    }
    find_byte(&h[..128], b'\n').or_else(|| memchr::memchr(b'\n', &h[128..]).map(|p| 128 + p))
}

/// Index of the first byte in `h` equal to `b`, eight bytes per step inline (no call, no
/// SIMD set-up): for searches that end within a few words, such as a header name's colon.
#[inline(always)]
pub fn find_byte(h: &[u8], b: u8) -> Option<usize> {
    let mut i = 0;
    while i + 8 <= h.len() {
        let z = swar::eq(swar::word(h, i), b);
        if z != 0 {
            return Some(i + swar::first(z));
        }
        i += 8;
    }
    h[i..].iter().position(|&x| x == b).map(|p| i + p)
}

/// Index of the first byte in `h` equal to `a`, `b` or `c`. Values are short, so this
/// checks eight bytes per step inline (no call, no SIMD set-up).
#[inline(always)]
pub fn find3(h: &[u8], a: u8, b: u8, c: u8) -> Option<usize> {
    let mut i = 0;
    while i + 8 <= h.len() {
        let v = swar::word(h, i);
        // the lowest flagged byte of each mask is exact, so that of their union is too
        let z = swar::eq(v, a) | swar::eq(v, b) | swar::eq(v, c);
        if z != 0 {
            return Some(i + swar::first(z));
        }
        i += 8;
    }
    h[i..]
        .iter()
        .position(|&x| x == a || x == b || x == c)
        .map(|p| i + p)
}

/// Trims LWS from both ends of a byte slice.
#[inline]
pub fn trim_bytes(mut b: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = b {
        if is_lws(*first) {
            b = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = b {
        if is_lws(*last) {
            b = rest;
        } else {
            break;
        }
    }
    b
}

const fn token_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~'
            );
        i += 1;
    }
    t
}

static TOKEN: [bool; 256] = token_table();

/// RFC 3261 `token` characters: alphanum and `-.!%*_+`'~`.
#[inline]
pub fn is_token_char(b: u8) -> bool {
    TOKEN[b as usize]
}

/// True if `s` is a non-empty RFC 3261 token.
#[inline]
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_char)
}

/// Given `s` starting with `"`, returns the byte length of the quoted string including both
/// quotes, honouring `\` escapes; `None` if it is not terminated.
pub fn quoted_len(s: &[u8]) -> Option<usize> {
    debug_assert_eq!(s.first(), Some(&b'"'));
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Finds the first occurrence of `sep` in `s` that is outside quoted strings and angle
/// brackets. Returns `Err(())` when a quoted string is left open.
pub fn find_top_level(s: &[u8], sep: u8) -> Result<Option<usize>, Unbalanced> {
    let mut i = 0;
    let mut angle = false;
    while i < s.len() {
        let b = s[i];
        if b == b'"' {
            match quoted_len(&s[i..]) {
                Some(n) => i += n,
                None => return Err(Unbalanced::Quote),
            }
            continue;
        }
        if angle {
            if b == b'>' {
                angle = false;
            }
        } else if b == b'<' {
            angle = true;
        } else if b == sep {
            return Ok(Some(i));
        }
        i += 1;
    }
    if angle {
        return Err(Unbalanced::Angle);
    }
    Ok(None)
}

/// What was left open when scanning for a top-level separator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unbalanced {
    /// A `"` without its closing quote.
    Quote,
    /// A `<` without its closing `>`.
    Angle,
}

/// Iterator over the comma-separated values of one header line, respecting quotes and
/// angle brackets. Each item is trimmed of LWS; empty items (`,,`) are skipped. An
/// unterminated quote or bracket ends the iteration with the rest as one final item.
#[derive(Clone, Debug)]
pub struct CommaValues<'a> {
    rest: Option<&'a str>,
}

impl<'a> CommaValues<'a> {
    /// Splits `s`.
    pub fn new(s: &'a str) -> Self {
        CommaValues { rest: Some(s) }
    }
}

impl<'a> Iterator for CommaValues<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        loop {
            let s = self.rest?;
            let (item, rest) = match find_top_level(s.as_bytes(), b',') {
                Ok(Some(i)) => (&s[..i], Some(&s[i + 1..])),
                _ => (s, None),
            };
            self.rest = rest;
            let item = trim(item);
            if !item.is_empty() {
                return Some(item);
            }
        }
    }
}

/// Splits on top-level commas like [`CommaValues`] but yields empty items too (for strict
/// validation of stray `,`). Items are trimmed. Returns `Err` on an unbalanced quote or `<`.
pub fn split_commas_raw(s: &str) -> Result<Vec<&str>, Unbalanced> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        match find_top_level(rest.as_bytes(), b',')? {
            Some(i) => {
                out.push(trim(&rest[..i]));
                rest = &rest[i + 1..];
            }
            None => {
                out.push(trim(rest));
                return Ok(out);
            }
        }
    }
}

/// Removes the quotes and `\` escapes of a quoted string body (without its quotes).
/// Borrows when there is nothing to unescape.
pub fn unquote(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('\\') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Replaces each fold (CRLF or LF followed by SP/HT, plus surrounding whitespace) with a
/// single space, as RFC 3261 §7.3.1 allows. Borrows when the value holds no line break.
pub fn unfold(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.as_bytes().iter().any(|&b| b == b'\n' || b == b'\r') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut in_fold = false;
    for c in s.chars() {
        if c == '\r' || c == '\n' {
            in_fold = true;
            pending_space = true;
            while out.ends_with([' ', '\t']) {
                out.pop();
            }
            continue;
        }
        if in_fold && (c == ' ' || c == '\t') {
            continue;
        }
        in_fold = false;
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_byte_finds_the_first_at_every_offset() {
        for len in 0..40 {
            for at in 0..=len {
                let mut h = vec![b'a'; len];
                if at < len {
                    h[at] = b':';
                    // a later one and bytes one off (':' ^ 1, ':' + 0x80) are not found first
                    if at + 3 < len {
                        h[at + 3] = b':';
                    }
                }
                if at > 0 {
                    h[at - 1] = b':' ^ 1;
                }
                if at > 1 {
                    h[at - 2] = b':' | 0x80;
                }
                let want = (at < len).then_some(at);
                assert_eq!(find_byte(&h, b':'), want, "len {len} at {at}");
            }
        }
    }

    #[test]
    fn comma_values_respect_quotes_and_brackets() {
        let v: Vec<_> =
            CommaValues::new(r#""a, b" <sip:x@y;p=1,2>;q=1 , sip:z@w,, "c\",d""#).collect();
        assert_eq!(
            v,
            vec![r#""a, b" <sip:x@y;p=1,2>;q=1"#, "sip:z@w", r#""c\",d""#]
        );
    }

    #[test]
    fn unbalanced_quote_detected() {
        assert_eq!(find_top_level(b"\"abc, d", b','), Err(Unbalanced::Quote));
        assert_eq!(find_top_level(b"<sip:a, d", b','), Err(Unbalanced::Angle));
    }

    #[test]
    fn unfold_and_unquote() {
        assert_eq!(unfold("a\r\n  b\r\n\tc"), "a b c");
        assert_eq!(unfold("a  \n b"), "a b");
        assert!(matches!(unfold("abc"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(unquote(r#"J Rosenberg \\\""#), r#"J Rosenberg \""#);
    }

    #[test]
    fn find3_agrees_with_naive() {
        let mut buf = [b'x'; 40];
        for p in 0..40 {
            for q in p..40 {
                buf[q] = b'=';
                buf[p] = b';';
                let naive = buf
                    .iter()
                    .position(|&x| x == b';' || x == b'=' || x == b'"');
                for s in 0..=p {
                    assert_eq!(find3(&buf[s..], b';', b'=', b'"'), naive.map(|n| n - s));
                }
                buf[p] = b'x';
                buf[q] = b'x';
            }
        }
        assert_eq!(find3(b"", b';', b'=', b'"'), None);
        assert_eq!(find3(&[0x3b ^ 0x80; 20], b';', b'=', b'"'), None);
    }

    #[test]
    fn lf_finder_agrees_with_memchr() {
        let mut buf = vec![b'a'; 300];
        for pos in 0..300 {
            buf[pos] = b'\n';
            for start in [0, 1, 7, 9, 63, 65].into_iter().filter(|&s| s <= pos) {
                assert_eq!(find_lf(&buf[start..]), Some(pos - start), "{pos} {start}");
            }
            buf[pos] = 0x8a;
            assert_eq!(find_lf(&buf), None);
            buf[pos] = b'a';
        }
    }

    #[test]
    fn tokens() {
        assert!(is_token("!interesting-Method0123456789_*+`.%indeed'~"));
        assert!(!is_token("a,b"));
        assert!(!is_token(""));
        assert_eq!(trim(" \r\n x \t"), "x");
        assert_eq!(trim_bytes(b" \r\n x \t"), b"x");
    }
}
