//! `;name=value` parameter lists (URI parameters, header parameters, Via parameters).

use super::lex::{find_top_level, find3, is_lws, quoted_len, trim, trim_end};
use crate::swar;

/// One parameter: the name and the value (without the quotes of a quoted value, escapes
/// left as they are).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param<'a> {
    /// Parameter name as written (compare case-insensitively).
    pub name: &'a str,
    /// Value, if any; quoted values come without their quotes.
    pub value: Option<&'a str>,
}

/// A borrowed parameter list, e.g. `;branch=z9hG4bK1;rport` or `tag=1;x`. LWS (including
/// folds) around `;` and `=` is allowed, quoted values may contain `;`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Params<'a>(pub &'a str);

impl<'a> Params<'a> {
    /// The raw text (possibly starting with `;`).
    pub fn as_str(&self) -> &'a str {
        self.0
    }

    /// Iterates over the parameters, skipping empty ones (`;;`).
    pub fn iter(&self) -> ParamIter<'a> {
        ParamIter { rest: self.0 }
    }

    /// The first parameter named `name` (case-insensitive). `Some(None)` for a flag
    /// parameter such as `;lr` or `;rport`.
    pub fn get(&self, name: &str) -> Option<Option<&'a str>> {
        self.iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map(|p| p.value)
    }

    /// The value of `name`, if it is present and has a value.
    pub fn value(&self, name: &str) -> Option<&'a str> {
        if let Some(v) = self.first_plain(name) {
            return Some(v);
        }
        self.get(name).flatten()
    }

    /// Fast path of [`Params::value`] for the everyday `;name=value...` where `name` is the
    /// first parameter, spelled exactly, and its value is plain (no quote, no whitespace):
    /// what the full iteration would return, without it (a From or To tag on every message).
    #[inline]
    fn first_plain(&self, name: &str) -> Option<&'a str> {
        let rest = self
            .0
            .strip_prefix(';')?
            .strip_prefix(name)?
            .strip_prefix('=')?;
        // to the next ';' (a quote, LWS, or a comma or control byte: the general iteration)
        let end = plain_run(rest.as_bytes());
        match rest.as_bytes().get(end) {
            None | Some(b';') => Some(&rest[..end]),
            Some(_) => None,
        }
    }

    /// True if the list has an empty element (`;;` or a trailing `;`), which RFC 3261
    /// grammar does not allow.
    pub fn has_empty(&self) -> bool {
        let mut rest = trim(self.0);
        if let Some(r) = rest.strip_prefix(';') {
            rest = r;
        } else if rest.is_empty() {
            return false;
        }
        loop {
            let (item, next) = split_semi(rest);
            if trim(item).is_empty() {
                return true;
            }
            match next {
                Some(n) => rest = n,
                None => return false,
            }
        }
    }
}

/// True for the bytes that end a plain run (see [`plain_run`]): `;`, `"`, `,`, and space
/// and the control characters (`<= 0x20`, which covers LWS and folds).
#[inline(always)]
pub(crate) fn is_plain_stop(b: u8) -> bool {
    b <= b' ' || matches!(b, b';' | b'"' | b',')
}

/// Index of the first byte of `h` that [`is_plain_stop`], or `h.len()`: where a plain
/// parameter value (no quote, no LWS, no comma) ends. Eight bytes per step, inline.
#[inline(always)]
pub(crate) fn plain_run(h: &[u8]) -> usize {
    let mut i = 0;
    while i + 8 <= h.len() {
        let v = swar::word(h, i);
        // bytes up to SP (bytes >= 0x80 are never flagged), and the three stops
        let z = swar::below(v, 0x21) | swar::eq(v, b';') | swar::eq(v, b'"') | swar::eq(v, b',');
        if z != 0 {
            return i + swar::first(z);
        }
        i += 8;
    }
    while i < h.len() && !is_plain_stop(h[i]) {
        i += 1;
    }
    i
}

fn split_semi(s: &str) -> (&str, Option<&str>) {
    match find_top_level(s.as_bytes(), b';') {
        Ok(Some(i)) => (&s[..i], Some(&s[i + 1..])),
        _ => (s, None),
    }
}

/// Iterator over a [`Params`] list.
#[derive(Clone, Debug)]
pub struct ParamIter<'a> {
    rest: &'a str,
}

impl<'a> Iterator for ParamIter<'a> {
    type Item = Param<'a>;
    #[inline]
    fn next(&mut self) -> Option<Param<'a>> {
        let s = self.rest;
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() && (b[i] == b';' || is_lws(b[i])) {
            i += 1;
        }
        if i >= b.len() {
            self.rest = "";
            return None;
        }
        let start = i;
        let mut eq = None;
        loop {
            i = match find3(&b[i..], b';', b'=', b'"') {
                Some(p) => i + p,
                None => b.len(),
            };
            match b.get(i) {
                None | Some(b';') => break,
                Some(b'=') => {
                    eq.get_or_insert(i);
                    i += 1;
                }
                Some(_) => i += quoted_len(&b[i..]).unwrap_or(b.len() - i),
            }
        }
        self.rest = &s[i..];
        // All delimiters are ASCII, so every index used below is a char boundary.
        let (name, value) = match eq {
            Some(e) => (trim_end(&s[start..e]), Some(trim(&s[e + 1..i]))),
            None => (trim_end(&s[start..i]), None),
        };
        let value = value.map(|v| {
            if v.len() >= 2 && v.starts_with('"') && quoted_len(v.as_bytes()) == Some(v.len()) {
                &v[1..v.len() - 1]
            } else {
                v
            }
        });
        Some(Param { name, value })
    }
}

impl<'a> IntoIterator for Params<'a> {
    type Item = Param<'a>;
    type IntoIter = ParamIter<'a>;
    fn into_iter(self) -> ParamIter<'a> {
        self.iter()
    }
}

/// Test inputs for the fast paths (`Via::parse_plain`, `NameAddr::parse_plain`,
/// `Params::value`): every header value of the RFC 4475 and RFC 5118 messages, everyday
/// values, and their mutations, to compare each fast path with the general parse.
#[cfg(test)]
pub(crate) mod corpus {
    use crate::sip::lex::CommaValues;

    /// Everyday values as devices write them (the fast paths' targets).
    pub(crate) const EVERYDAY: &[&str] = &[
        "SIP/2.0/UDP 10.1.0.40:5060;branch=z9hG4bKe099ec6cd7363ca5;rport",
        "SIP/2.0/UDP 10.1.0.40:5060;rport=5060;branch=z9hG4bKe099ec6cd7363ca5;received=192.0.2.4",
        "SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9",
        "SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-5310-1-0",
        "SIP/2.0/TLS pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1",
        "SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKasudf;rport",
        "<sip:+15552000000@sip.example.net>;tag=c34d0bff90",
        "<sip:+15552000000@sip.example.net>",
        "\"Caller 2007919\" <sip:+15552007919@10.1.0.14>;tag=0c43407dc1",
        "<sip:10.1.0.45:5060>;tag=a64b31c22c",
        "sipp <sip:sipp@127.0.0.1:5061>;tag=5310SIPpTag001",
        "sut <sip:service@127.0.0.1:5060>",
        "Bob <sip:bob@biloxi.example.com>;tag=8321234356",
        "<sip:alice@atlanta.example.com;transport=tcp>;tag=9fxced76sl;x=1",
        "\"Alice\" <sip:alice@atlanta.example.com>;expires=60",
        "sip:alice@atlanta.example.com;tag=1928301774",
    ];

    /// Every header value of the RFC 4475 and RFC 5118 messages (whole, and each
    /// comma-separated item), plus [`EVERYDAY`].
    pub(crate) fn values() -> Vec<String> {
        let mut out: Vec<String> = EVERYDAY.iter().map(|s| s.to_string()).collect();
        for dir in ["rfc4475", "rfc5118"] {
            let d = format!("{}/tests/data/{dir}", env!("CARGO_MANIFEST_DIR"));
            let mut files: Vec<_> = std::fs::read_dir(&d)
                .unwrap_or_else(|e| panic!("{d}: {e}"))
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file() && !p.extension().is_some_and(|x| x == "md" || x == "tsv"))
                .collect();
            files.sort();
            assert!(files.len() >= 8, "{d}");
            for f in files {
                let bytes = std::fs::read(&f).unwrap();
                let Ok(msg) = crate::sip::parse(&bytes) else {
                    continue;
                };
                for h in msg.headers() {
                    if let Some(v) = h.value_str() {
                        out.push(v.to_string());
                        out.extend(CommaValues::new(v).map(String::from));
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// `v`, and `v` with each character deleted and with each of a set of delimiters
    /// (and a non-ASCII character) inserted before each character and at the end.
    pub(crate) fn mutations(v: &str) -> Vec<String> {
        const INSERT: &[&str] = &[
            " ",
            "\t",
            "\r\n ",
            "\"",
            "\\",
            ",",
            ";",
            "=",
            "<",
            ">",
            ":",
            "[",
            "]",
            "/",
            "\u{e9}",
            "\u{0}",
            ";tag",
            ";branch=",
            ";rport",
            ";received=x",
            "+",
        ];
        let mut out = vec![v.to_string()];
        if v.len() > 160 {
            return out;
        }
        let bounds: Vec<usize> = v.char_indices().map(|(i, _)| i).chain([v.len()]).collect();
        for w in bounds.windows(2) {
            out.push(format!("{}{}", &v[..w[0]], &v[w[1]..]));
        }
        for &i in &bounds {
            for ins in INSERT {
                out.push(format!("{}{ins}{}", &v[..i], &v[i..]));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_plain_value_agrees_with_the_iteration() {
        for p in [
            ";tag=abc",
            ";tag=abc;x=1",
            ";tag=",
            ";tag=;x",
            ";tag=a=b;c",
            ";tag=\"q;r\";x",
            ";tag= abc",
            ";tag=abc ;x",
            ";tag\t=abc",
            ";TAG=abc",
            ";tagx=abc;tag=def",
            ";x;tag=abc",
            ";tag",
            "tag=abc",
            "",
            ";tag=a,b;c",
            ";tag=a\u{1}b",
            ";tag=a\u{e9}b;c",
            ";tag=a\r\n b",
        ] {
            let params = Params(p);
            assert_eq!(params.value("tag"), params.get("tag").flatten(), "{p:?}");
        }
    }

    /// `plain_run` stops at the first `;`, `"`, `,` or byte <= 0x20, whatever its offset
    /// in the 8-byte steps and whatever follows it.
    #[test]
    fn plain_run_finds_the_first_stop() {
        let stops = [b';', b'"', b',', b' ', b'\t', b'\r', b'\n', 0, 0x1f, 0x20];
        let fill = [b'a', b'=', 0x7f, 0xc3, 0xff, b'!', 0x21];
        for len in 0..20 {
            for f in fill {
                let base = vec![f; len];
                assert_eq!(plain_run(&base), len);
                for pos in 0..len {
                    for stop in stops {
                        for after in [b'a', 0, b';', 0xff] {
                            let mut b = base.clone();
                            b[pos] = stop;
                            for x in &mut b[pos + 1..] {
                                *x = after;
                            }
                            assert_eq!(plain_run(&b), pos, "{b:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn lws_and_quotes() {
        let p = Params(";   tag    = 1918181833n ; x=\"a;b\";lr;;");
        let v: Vec<_> = p.iter().collect();
        assert_eq!(v.len(), 3);
        assert_eq!(p.value("TAG"), Some("1918181833n"));
        assert_eq!(p.value("x"), Some("a;b"));
        assert_eq!(p.get("lr"), Some(None));
        assert_eq!(p.get("nope"), None);
        assert!(p.has_empty());
        assert!(!Params(";a=1;b").has_empty());
        assert!(!Params("").has_empty());
        assert!(Params(";;,;,,").has_empty());
    }

    #[test]
    fn folded_param() {
        let p = Params(";\r\n  tag = 98asjd8");
        assert_eq!(p.value("tag"), Some("98asjd8"));
    }
}
