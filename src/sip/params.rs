//! `;name=value` parameter lists (URI parameters, header parameters, Via parameters).

use super::lex::{find_top_level, find3, is_lws, quoted_len, trim, trim_end};

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
        // one pass to the next ';' (values are short: no memchr call)
        for (i, b) in rest.bytes().enumerate() {
            match b {
                b';' => return Some(&rest[..i]),
                b'"' => return None,
                b if is_lws(b) => return None,
                _ => {}
            }
        }
        Some(rest)
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
        ] {
            let params = Params(p);
            assert_eq!(params.value("tag"), params.get("tag").flatten(), "{p:?}");
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
