//! DTMF in INFO bodies (RFC 6086 usage): `application/dtmf-relay` (`Signal=5`,
//! `Duration=160`) and `application/dtmf` (just the digit).

use crate::sip::lex::trim;

/// One DTMF event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dtmf<'a> {
    /// The signal as written: `0`-`9`, `*`, `#`, `A`-`D`, or an event number such as `16`.
    pub signal: &'a str,
    /// Duration in milliseconds, if given.
    pub duration: Option<u32>,
}

impl<'a> Dtmf<'a> {
    /// Parses `application/dtmf-relay` (`Signal=` and `Duration=` lines, any case).
    pub fn parse_relay(body: &'a [u8]) -> Option<Dtmf<'a>> {
        let text = std::str::from_utf8(body).ok()?;
        let mut signal = None;
        let mut duration = None;
        for line in text.split('\n') {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let (k, v) = (trim(k), trim(v));
            if k.eq_ignore_ascii_case("signal") {
                signal = Some(v);
            } else if k.eq_ignore_ascii_case("duration") {
                duration = v.parse().ok();
            }
        }
        let signal = signal.filter(|s| !s.is_empty())?;
        Some(Dtmf { signal, duration })
    }

    /// Parses `application/dtmf` (the body is the digit).
    pub fn parse_plain(body: &'a [u8]) -> Option<Dtmf<'a>> {
        let t = trim(std::str::from_utf8(body).ok()?);
        (!t.is_empty()).then_some(Dtmf {
            signal: t,
            duration: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_and_plain() {
        let d = Dtmf::parse_relay(b"Signal=5\r\nDuration=160\r\n").unwrap();
        assert_eq!((d.signal, d.duration), ("5", Some(160)));
        let d = Dtmf::parse_relay(b"signal= #\nduration=100").unwrap();
        assert_eq!(d.signal, "#");
        assert!(Dtmf::parse_relay(b"Duration=100").is_none());
        assert_eq!(Dtmf::parse_plain(b"7\r\n").unwrap().signal, "7");
        assert!(Dtmf::parse_plain(b"  ").is_none());
    }
}
