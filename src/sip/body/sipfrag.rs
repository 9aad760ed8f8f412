//! `message/sipfrag` (RFC 3420): a partial SIP message. In REFER progress NOTIFYs (RFC 3515)
//! it holds the status line the transferee got from the transfer target, e.g.
//! `SIP/2.0 200 OK`.

use crate::sip::message::{Message, StartLine};
use crate::sip::method::Method;

/// A parsed sipfrag: its start line and, when present, headers (as a [`Message`]).
#[derive(Clone, Debug)]
pub struct SipFrag<'a> {
    /// The fragment parsed as a (partial) message; headers may be absent.
    pub message: Message<'a>,
}

impl<'a> SipFrag<'a> {
    /// Parses a fragment; `None` if it does not start with a request or status line.
    pub fn parse(body: &'a [u8]) -> Option<SipFrag<'a>> {
        Message::parse(body).ok().map(|message| SipFrag { message })
    }

    /// Status code of a status-line fragment.
    pub fn status(&self) -> Option<u16> {
        self.message.status()
    }

    /// Reason phrase of a status-line fragment.
    pub fn reason(&self) -> Option<&'a str> {
        self.message.reason_phrase()
    }

    /// Method of a request-line fragment.
    pub fn method(&self) -> Option<Method<'a>> {
        self.message.method()
    }

    /// The start line.
    pub fn start_line(&self) -> StartLine<'a> {
        self.message.start_line()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fragments() {
        let f = SipFrag::parse(b"SIP/2.0 100 Trying").unwrap();
        assert_eq!((f.status(), f.reason()), (Some(100), Some("Trying")));
        let f = SipFrag::parse(b"SIP/2.0 200 OK\r\n").unwrap();
        assert_eq!(f.status(), Some(200));
        let f = SipFrag::parse(b"SIP/2.0 603 Declined\r\nWarning: 399 x \"no\"\r\n\r\n").unwrap();
        assert_eq!(f.status(), Some(603));
        assert!(f.message.header("Warning").is_some());
        let f = SipFrag::parse(b"INVITE sip:bob@example.com SIP/2.0\r\n").unwrap();
        assert_eq!(f.method(), Some(Method::Invite));
        assert!(SipFrag::parse(b"garbage").is_none());
    }
}
