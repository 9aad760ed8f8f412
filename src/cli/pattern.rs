//! Text patterns of the filters: a case-insensitive substring, or a glob when the pattern
//! holds `*`, `?` or `[...]`, and the capture-time arguments of `--since`/`--until`.

use std::time::UNIX_EPOCH;

use sipscope::meta::Timestamp;

/// A compiled `--call-id`/`--from`/`--to` pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Matches when the text contains it (case-insensitive).
    Substring(String),
    /// Matches the whole text (case-insensitive): `*` any run, `?` one char, `[abc]`,
    /// `[a-z]`, `[!abc]` a class.
    Glob(Vec<char>),
}

impl Pattern {
    /// Compiles a pattern: a glob when it holds a glob metacharacter, else a substring.
    pub fn new(p: &str) -> Pattern {
        let lower = p.to_lowercase();
        if lower.contains(['*', '?', '[']) {
            Pattern::Glob(lower.chars().collect())
        } else {
            Pattern::Substring(lower)
        }
    }

    /// Whether `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        let text = text.to_lowercase();
        match self {
            Pattern::Substring(s) => text.contains(s.as_str()),
            Pattern::Glob(g) => {
                let t: Vec<char> = text.chars().collect();
                glob_match(g, &t)
            }
        }
    }
}

/// Iterative glob matcher with single-star backtracking: linear in practice, never
/// exponential, whatever the pattern.
fn glob_match(p: &[char], t: &[char]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                '[' => {
                    if let Some((ok, next)) = class_match(p, pi, t[ti]) {
                        if ok {
                            pi = next;
                            ti += 1;
                            continue;
                        }
                    } else if t[ti] == '[' {
                        // an unclosed `[` is a literal
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
                c if c == t[ti] => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Matches `c` against the class starting at `p[start] == '['`; returns (matched, index
/// after `]`), or `None` when the class is not closed.
fn class_match(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some('!') | Some('^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            if p[i] <= c && c <= p[i + 2] {
                matched = true;
            }
            i += 3;
        } else {
            if p[i] == c {
                matched = true;
            }
            i += 1;
        }
    }
    None
}

/// Parses a `--since`/`--until` argument: epoch seconds (`1700000000`, `1700000000.25`) or
/// RFC 3339 (`2024-05-01T10:00:00Z`, `2024-05-01 10:00:00.5`, `2024-05-01T12:00:00+02:00`;
/// no offset means UTC). These are capture times, compared with the capture's timestamps.
pub fn parse_time(s: &str) -> Result<Timestamp, String> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<f64>() {
        if secs.is_finite() && secs.abs() < 1e11 {
            return Ok(Timestamp((secs * 1e9).round() as i64));
        }
    }
    let (base, offset_secs) = split_offset(s);
    let t = humantime::parse_rfc3339_weak(base).map_err(|_| {
        format!(
            "'{s}' is not a time: give epoch seconds (1700000000.5) or RFC 3339 \
             (2024-05-01T10:00:00Z, 2024-05-01T12:00:00+02:00)"
        )
    })?;
    let d = t
        .duration_since(UNIX_EPOCH)
        .map_err(|_| format!("'{s}' is before 1970"))?;
    // beyond 2262 the nanoseconds do not fit in an i64: the end of capture time
    let nanos = i64::try_from(d.as_nanos()).unwrap_or(i64::MAX);
    Ok(Timestamp(nanos.saturating_sub(offset_secs * 1_000_000_000)))
}

/// Splits a trailing `Z`, `+HH:MM` or `-HH:MM` off an RFC 3339 time: (rest, offset seconds).
fn split_offset(s: &str) -> (&str, i64) {
    if let Some(rest) = s.strip_suffix(['Z', 'z']) {
        return (rest, 0);
    }
    let b = s.as_bytes();
    if b.len() > 16 && (b[b.len() - 6] == b'+' || b[b.len() - 6] == b'-') && b[b.len() - 3] == b':'
    {
        let sign = if b[b.len() - 6] == b'+' { 1 } else { -1 };
        let hh: i64 = s[s.len() - 5..s.len() - 3].parse().unwrap_or(0);
        let mm: i64 = s[s.len() - 2..].parse().unwrap_or(0);
        return (&s[..s.len() - 6], sign * (hh * 3600 + mm * 60));
    }
    (s, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_is_case_insensitive() {
        let p = Pattern::new("Alice");
        assert!(p.matches("sip:alice@example.com"));
        assert!(!p.matches("sip:bob@example.com"));
    }

    #[test]
    fn globs() {
        assert!(Pattern::new("*@example.com").matches("alice@Example.com"));
        assert!(!Pattern::new("*@example.com").matches("alice@example.org"));
        assert!(Pattern::new("a?ice").matches("alice"));
        assert!(!Pattern::new("a?ice").matches("sip:alice"));
        assert!(Pattern::new("sip:[ab]*").matches("sip:bob@x"));
        assert!(!Pattern::new("sip:[!ab]*").matches("sip:bob@x"));
        assert!(Pattern::new("10[0-9]").matches("105"));
        assert!(Pattern::new("*a*b*c*").matches("xxaxxbxxcxx"));
        assert!(!Pattern::new("*a*b*c*d").matches("xxaxxbxxcxx"));
        // unclosed class: a literal bracket
        assert!(Pattern::new("x[").matches("x["));
    }

    #[test]
    fn glob_is_not_exponential() {
        let text = "a".repeat(5000);
        let pat = format!("{}b", "*a".repeat(50));
        assert!(!Pattern::new(&pat).matches(&text));
    }

    #[test]
    fn times() {
        assert_eq!(
            parse_time("1700000000").unwrap(),
            Timestamp(1_700_000_000_000_000_000)
        );
        assert_eq!(
            parse_time("1700000000.5").unwrap(),
            Timestamp(1_700_000_000_500_000_000)
        );
        let z = parse_time("2023-11-14T22:13:20Z").unwrap();
        assert_eq!(z, Timestamp(1_700_000_000_000_000_000));
        assert_eq!(parse_time("2023-11-14 22:13:20").unwrap(), z);
        assert_eq!(parse_time("2023-11-15T00:13:20+02:00").unwrap(), z);
        assert_eq!(
            parse_time("2023-11-14T21:13:20.250-01:00").unwrap().0,
            z.0 + 250_000_000
        );
        assert!(parse_time("yesterday").unwrap_err().contains("RFC 3339"));
        // past what nanoseconds since 1970 can hold: the end of time, not a wrapped value
        assert_eq!(
            parse_time("9999-12-31T23:59:59Z").unwrap(),
            Timestamp(i64::MAX)
        );
    }
}
