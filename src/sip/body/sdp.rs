//! `application/sdp` (RFC 8866): connection address, media lines with port, transport and
//! codecs, and direction attributes. Lines are read on demand from the borrowed body.

use std::str::FromStr;

/// An SDP body (must be UTF-8; LF-only and CRLF line ends both accepted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sdp<'a> {
    text: &'a str,
}

/// `c=` connection data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connection<'a> {
    /// Network type, `IN`.
    pub net_type: &'a str,
    /// Address type, `IP4` or `IP6`.
    pub addr_type: &'a str,
    /// Address (possibly with `/ttl` for multicast).
    pub address: &'a str,
}

/// Media direction attribute (RFC 3264 §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// `a=sendrecv` (the default).
    SendRecv,
    /// `a=sendonly` (e.g. putting the other side on hold).
    SendOnly,
    /// `a=recvonly`.
    RecvOnly,
    /// `a=inactive`.
    Inactive,
}

impl Direction {
    /// The attribute name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    fn from_attr(a: &str) -> Option<Direction> {
        match a {
            "sendrecv" => Some(Direction::SendRecv),
            "sendonly" => Some(Direction::SendOnly),
            "recvonly" => Some(Direction::RecvOnly),
            "inactive" => Some(Direction::Inactive),
            _ => None,
        }
    }
}

/// One `m=` section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Media<'a> {
    /// Media type: `audio`, `video`, `image`, `application`...
    pub kind: &'a str,
    /// Transport port (0 = stream rejected/disabled).
    pub port: u16,
    /// Number of ports (`/2`), if given.
    pub port_count: Option<u16>,
    /// Transport protocol, e.g. `RTP/AVP`, `RTP/SAVP`, `udptl`.
    pub proto: &'a str,
    /// Format list as written (payload types for RTP).
    pub formats: &'a str,
    /// The lines of this section after the `m=` line.
    section: &'a str,
    session_direction: Option<Direction>,
}

/// A codec of an RTP media line: payload type plus `a=rtpmap` (or the static RFC 3551
/// assignment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Codec<'a> {
    /// Payload type.
    pub payload_type: u8,
    /// Encoding name, e.g. `PCMU`, `opus`, `telephone-event` (empty if unknown).
    pub name: &'a str,
    /// Clock rate in Hz, if known.
    pub clock_rate: Option<u32>,
    /// Channels parameter, if given.
    pub channels: Option<&'a str>,
}

fn lines(text: &str) -> impl Iterator<Item = (u8, &str)> {
    text.split('\n').filter_map(|l| {
        let l = l.strip_suffix('\r').unwrap_or(l);
        let b = l.as_bytes();
        // `x=value`; RFC 4475 dblreq has `m =video`, which is not a valid line: skip it.
        if b.len() >= 2 && b[1] == b'=' {
            Some((b[0], &l[2..]))
        } else {
            None
        }
    })
}

fn parse_connection(v: &str) -> Option<Connection<'_>> {
    let mut it = v.split_ascii_whitespace();
    Some(Connection {
        net_type: it.next()?,
        addr_type: it.next()?,
        address: it.next()?,
    })
}

/// Static RTP payload types of RFC 3551 (name, clock rate).
fn static_payload(pt: u8) -> Option<(&'static str, u32)> {
    Some(match pt {
        0 => ("PCMU", 8000),
        3 => ("GSM", 8000),
        4 => ("G723", 8000),
        5 => ("DVI4", 8000),
        6 => ("DVI4", 16000),
        7 => ("LPC", 8000),
        8 => ("PCMA", 8000),
        9 => ("G722", 8000),
        10 => ("L16", 44100),
        11 => ("L16", 44100),
        12 => ("QCELP", 8000),
        13 => ("CN", 8000),
        14 => ("MPA", 90000),
        15 => ("G728", 8000),
        18 => ("G729", 8000),
        26 => ("JPEG", 90000),
        31 => ("H261", 90000),
        32 => ("MPV", 90000),
        34 => ("H263", 90000),
        _ => return None,
    })
}

impl<'a> Sdp<'a> {
    /// Wraps a body; `None` unless it is UTF-8 and starts with `v=`.
    pub fn parse(body: &'a [u8]) -> Option<Sdp<'a>> {
        let text = std::str::from_utf8(body).ok()?;
        let t = text.trim_start_matches(['\r', '\n']);
        if !t.starts_with("v=") {
            return None;
        }
        Some(Sdp { text: t })
    }

    /// The session-level part (before the first `m=`).
    fn session(&self) -> &'a str {
        match self.text.find("\nm=") {
            Some(i) => &self.text[..i + 1],
            None => self.text,
        }
    }

    /// First value of a session-level line type.
    fn session_line(&self, t: u8) -> Option<&'a str> {
        lines(self.session()).find(|(k, _)| *k == t).map(|(_, v)| v)
    }

    /// `o=` origin line.
    pub fn origin(&self) -> Option<&'a str> {
        self.session_line(b'o')
    }

    /// `s=` session name.
    pub fn session_name(&self) -> Option<&'a str> {
        self.session_line(b's')
    }

    /// Session-level `c=`.
    pub fn connection(&self) -> Option<Connection<'a>> {
        self.session_line(b'c').and_then(parse_connection)
    }

    /// Session-level direction attribute, if any.
    pub fn direction(&self) -> Option<Direction> {
        lines(self.session())
            .filter(|(k, _)| *k == b'a')
            .find_map(|(_, v)| Direction::from_attr(v.trim()))
    }

    /// The `m=` sections in order.
    pub fn media(&self) -> MediaIter<'a> {
        let rest = if self.text.starts_with("m=") {
            Some(self.text)
        } else {
            self.text.find("\nm=").map(|i| &self.text[i + 1..])
        };
        MediaIter {
            rest,
            session_direction: self.direction(),
        }
    }
}

/// Iterator over the `m=` sections of an [`Sdp`] (no allocation).
#[derive(Clone, Debug)]
pub struct MediaIter<'a> {
    rest: Option<&'a str>,
    session_direction: Option<Direction>,
}

impl<'a> Iterator for MediaIter<'a> {
    type Item = Media<'a>;
    fn next(&mut self) -> Option<Media<'a>> {
        loop {
            let text = self.rest?;
            let (section, rest) = match text[2..].find("\nm=") {
                Some(i) => (&text[..i + 3], Some(&text[i + 3..])),
                None => (text, None),
            };
            self.rest = rest;
            if let Some(m) = Media::parse(section, self.session_direction) {
                return Some(m);
            }
        }
    }
}

impl<'a> Media<'a> {
    fn parse(section: &'a str, session_direction: Option<Direction>) -> Option<Media<'a>> {
        let (first, rest) = section.split_once('\n').unwrap_or((section, ""));
        let first = first.strip_suffix('\r').unwrap_or(first);
        let v = first.strip_prefix("m=")?;
        let mut it = v.splitn(4, ' ');
        let kind = it.next()?;
        let port_s = it.next()?;
        let proto = it.next()?;
        let formats = it.next().unwrap_or("").trim();
        let (port, count) = match port_s.split_once('/') {
            Some((p, c)) => (p, Some(u16::from_str(c).ok()?)),
            None => (port_s, None),
        };
        Some(Media {
            kind,
            port: port.parse().ok()?,
            port_count: count,
            proto,
            formats,
            section: rest,
            session_direction,
        })
    }

    /// Media-level `c=`, if present (otherwise the session-level one applies).
    pub fn connection(&self) -> Option<Connection<'a>> {
        lines(self.section)
            .find(|(k, _)| *k == b'c')
            .and_then(|(_, v)| parse_connection(v))
    }

    /// Direction: the media-level attribute, else the session-level one, else sendrecv.
    pub fn direction(&self) -> Direction {
        lines(self.section)
            .filter(|(k, _)| *k == b'a')
            .find_map(|(_, v)| Direction::from_attr(v.trim()))
            .or(self.session_direction)
            .unwrap_or(Direction::SendRecv)
    }

    /// Attribute values `a=name:value` (or `a=name` with an empty value) of this section.
    pub fn attributes(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        lines(self.section)
            .filter(|(k, _)| *k == b'a')
            .map(|(_, v)| v.split_once(':').unwrap_or((v, "")))
    }

    /// Codecs in the order of the format list: `a=rtpmap` when present, else the static
    /// RFC 3551 assignment, else an empty name.
    pub fn codecs(&self) -> impl Iterator<Item = Codec<'a>> + 'a {
        let section = *self;
        self.formats
            .split_ascii_whitespace()
            .filter_map(|f| f.parse::<u8>().ok())
            .map(move |pt| {
                let map = section
                    .attributes()
                    .filter(|(n, _)| *n == "rtpmap")
                    .find_map(|(_, v)| {
                        let (p, enc) = v.split_once(' ')?;
                        (p.trim().parse::<u8>().ok()? == pt).then_some(enc.trim())
                    });
                match map {
                    Some(enc) => {
                        let mut parts = enc.splitn(3, '/');
                        Codec {
                            payload_type: pt,
                            name: parts.next().unwrap_or(""),
                            clock_rate: parts.next().and_then(|c| c.parse().ok()),
                            channels: parts.next(),
                        }
                    }
                    None => {
                        let (name, rate) =
                            static_payload(pt).map_or(("", None), |(n, r)| (n, Some(r)));
                        Codec {
                            payload_type: pt,
                            name,
                            clock_rate: rate,
                            channels: None,
                        }
                    }
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDP: &[u8] = b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n\
m=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendonly\r\n\
m=video 0 RTP/AVP 31\r\nc=IN IP6 2001:db8::1\r\n";

    #[test]
    fn session_and_media() {
        let s = Sdp::parse(SDP).unwrap();
        assert_eq!(s.connection().unwrap().address, "192.0.2.1");
        let m: Vec<_> = s.media().collect();
        assert_eq!(m.len(), 2);
        assert_eq!(
            (m[0].kind, m[0].port, m[0].proto),
            ("audio", 49170, "RTP/AVP")
        );
        assert_eq!(m[0].direction(), Direction::SendOnly);
        let c: Vec<_> = m[0].codecs().map(|c| (c.payload_type, c.name)).collect();
        assert_eq!(c, vec![(0, "PCMU"), (8, "PCMA"), (101, "telephone-event")]);
        assert_eq!(m[1].port, 0);
        assert_eq!(m[1].connection().unwrap().addr_type, "IP6");
        assert_eq!(m[1].direction(), Direction::SendRecv);
        assert!(Sdp::parse(b"hello").is_none());
    }

    #[test]
    fn lf_only_and_session_direction() {
        let s =
            Sdp::parse(b"v=0\nc=IN IP4 10.0.0.1\na=inactive\nm=audio 4000 RTP/AVP 18\n").unwrap();
        let m = s.media().next().unwrap();
        assert_eq!(m.direction(), Direction::Inactive);
        assert_eq!(m.codecs().next().unwrap().name, "G729");
    }
}
