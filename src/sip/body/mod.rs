//! Message bodies: SDP offers/answers, `message/sipfrag` (REFER progress), `multipart/*`,
//! and DTMF in INFO (`application/dtmf-relay`, `application/dtmf`). All views borrow from
//! the body bytes.

pub mod dtmf;
pub mod multipart;
pub mod sdp;
pub mod sipfrag;

pub use dtmf::Dtmf;
pub use multipart::{Multipart, Part, PartIter};
pub use sdp::{Codec, Connection, Direction, Media, MediaIter, Sdp};
pub use sipfrag::SipFrag;

use super::message::Message;

impl<'a> Message<'a> {
    /// The body as SDP, when Content-Type is `application/sdp` (or, with no Content-Type,
    /// when the body starts with `v=`).
    pub fn sdp(&self) -> Option<Sdp<'a>> {
        match self.content_type() {
            Some(ct) if ct.is("application", "sdp") => Sdp::parse(self.body()),
            None if self.body().starts_with(b"v=") => Sdp::parse(self.body()),
            _ => None,
        }
    }

    /// The body as `message/sipfrag` (NOTIFY of a REFER subscription).
    pub fn sipfrag(&self) -> Option<SipFrag<'a>> {
        let ct = self.content_type()?;
        if ct.is("message", "sipfrag") {
            SipFrag::parse(self.body())
        } else {
            None
        }
    }

    /// The body as `multipart/*` parts (split on the Content-Type boundary).
    pub fn multipart(&self) -> Option<Multipart<'a>> {
        let ct = self.content_type()?;
        if !ct.mtype.eq_ignore_ascii_case("multipart") {
            return None;
        }
        Some(Multipart::new(self.body(), ct.boundary()?))
    }

    /// The DTMF digit of an INFO body (`application/dtmf-relay` or `application/dtmf`).
    pub fn dtmf(&self) -> Option<Dtmf<'a>> {
        let ct = self.content_type()?;
        if ct.is("application", "dtmf-relay") {
            Dtmf::parse_relay(self.body())
        } else if ct.is("application", "dtmf") {
            Dtmf::parse_plain(self.body())
        } else {
            None
        }
    }
}
