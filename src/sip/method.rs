//! SIP request methods (RFC 3261 §27.4 and extensions). Method names are case-sensitive;
//! anything that is not one of the known names is kept verbatim as [`Method::Extension`].

use std::fmt;

/// A SIP method. Unknown methods are never rejected: they are kept as
/// [`Method::Extension`] with the exact token from the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method<'a> {
    /// INVITE (RFC 3261).
    Invite,
    /// ACK (RFC 3261).
    Ack,
    /// BYE (RFC 3261).
    Bye,
    /// CANCEL (RFC 3261).
    Cancel,
    /// REGISTER (RFC 3261).
    Register,
    /// OPTIONS (RFC 3261).
    Options,
    /// INFO (RFC 6086).
    Info,
    /// SUBSCRIBE (RFC 6665).
    Subscribe,
    /// NOTIFY (RFC 6665).
    Notify,
    /// REFER (RFC 3515).
    Refer,
    /// PRACK (RFC 3262).
    Prack,
    /// UPDATE (RFC 3311).
    Update,
    /// SERVICE (SOAP over SIP).
    Service,
    /// BENOTIFY (Microsoft best-effort NOTIFY: no response expected).
    Benotify,
    /// COMET (preconditions met).
    Comet,
    /// MESSAGE (RFC 3428).
    Message,
    /// PUBLISH (RFC 3903).
    Publish,
    /// Any other method token, verbatim (e.g. `RE%47IST%45R` is *not* REGISTER).
    Extension(&'a str),
}

impl Method<'static> {
    /// Every method with a variant of its own (all but [`Method::Extension`]), in the
    /// order of the enum.
    pub const KNOWN: [Method<'static>; 17] = [
        Method::Invite,
        Method::Ack,
        Method::Bye,
        Method::Cancel,
        Method::Register,
        Method::Options,
        Method::Info,
        Method::Subscribe,
        Method::Notify,
        Method::Refer,
        Method::Prack,
        Method::Update,
        Method::Service,
        Method::Benotify,
        Method::Comet,
        Method::Message,
        Method::Publish,
    ];
}

impl<'a> Method<'a> {
    /// Maps a method token to a [`Method`]. Case-sensitive, as RFC 3261 says.
    #[inline]
    pub fn from_token(s: &'a str) -> Method<'a> {
        match s.as_bytes() {
            b"INVITE" => Method::Invite,
            b"ACK" => Method::Ack,
            b"BYE" => Method::Bye,
            b"CANCEL" => Method::Cancel,
            b"REGISTER" => Method::Register,
            b"OPTIONS" => Method::Options,
            b"INFO" => Method::Info,
            b"SUBSCRIBE" => Method::Subscribe,
            b"NOTIFY" => Method::Notify,
            b"REFER" => Method::Refer,
            b"PRACK" => Method::Prack,
            b"UPDATE" => Method::Update,
            b"SERVICE" => Method::Service,
            b"BENOTIFY" => Method::Benotify,
            b"COMET" => Method::Comet,
            b"MESSAGE" => Method::Message,
            b"PUBLISH" => Method::Publish,
            _ => Method::Extension(s),
        }
    }

    /// The method name as it appears on the wire.
    pub fn as_str(&self) -> &'a str {
        match self {
            Method::Invite => "INVITE",
            Method::Ack => "ACK",
            Method::Bye => "BYE",
            Method::Cancel => "CANCEL",
            Method::Register => "REGISTER",
            Method::Options => "OPTIONS",
            Method::Info => "INFO",
            Method::Subscribe => "SUBSCRIBE",
            Method::Notify => "NOTIFY",
            Method::Refer => "REFER",
            Method::Prack => "PRACK",
            Method::Update => "UPDATE",
            Method::Service => "SERVICE",
            Method::Benotify => "BENOTIFY",
            Method::Comet => "COMET",
            Method::Message => "MESSAGE",
            Method::Publish => "PUBLISH",
            Method::Extension(s) => s,
        }
    }

    /// True for methods not in the known list.
    pub fn is_extension(&self) -> bool {
        matches!(self, Method::Extension(_))
    }
}

impl fmt::Display for Method<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_methods_round_trip() {
        for m in Method::KNOWN {
            let name = m.as_str();
            assert!(!m.is_extension(), "{name}");
            assert_eq!(Method::from_token(name), m);
        }
        let names: std::collections::HashSet<&str> =
            Method::KNOWN.iter().map(|m| m.as_str()).collect();
        assert_eq!(names.len(), Method::KNOWN.len(), "no method twice");
        // the brief's list, spelled out once
        let brief = "INVITE ACK BYE CANCEL REGISTER OPTIONS INFO SUBSCRIBE NOTIFY REFER PRACK \
                     UPDATE SERVICE BENOTIFY COMET MESSAGE PUBLISH";
        for name in brief.split_whitespace() {
            assert!(names.contains(name), "{name}");
        }
    }

    #[test]
    fn unknown_and_lowercase_are_extensions() {
        assert_eq!(Method::from_token("invite"), Method::Extension("invite"));
        assert_eq!(
            Method::from_token("RE%47IST%45R"),
            Method::Extension("RE%47IST%45R")
        );
        assert_eq!(Method::from_token("NEWMETHOD").to_string(), "NEWMETHOD");
    }
}
