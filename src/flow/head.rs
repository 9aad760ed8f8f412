//! The parts of a message the engine reads on every message (Call-ID, From, To, top Via,
//! CSeq, method, status), parsed once. Computing a [`Head`] depends on the message alone,
//! not on the engine's state, so a parallel pipeline can compute it on other threads and
//! hand it to [`Engine::on_message_head`](super::Engine::on_message_head).

use crate::sip::{CSeq, Message, Method, NameAddr, Via};

/// See the module documentation.
#[derive(Clone, Copy, Debug)]
pub struct Head<'a> {
    /// Call-ID.
    pub call_id: Option<&'a str>,
    /// From.
    pub from: Option<NameAddr<'a>>,
    /// To.
    pub to: Option<NameAddr<'a>>,
    /// Top Via.
    pub via: Option<Via<'a>>,
    /// CSeq.
    pub cseq: Option<CSeq<'a>>,
    /// Request method (`None` for a response).
    pub method: Option<Method<'a>>,
    /// Response status (`None` for a request).
    pub status: Option<u16>,
}

impl<'a> Head<'a> {
    /// Parses the head of `msg`.
    pub fn of(msg: &Message<'a>) -> Head<'a> {
        Head {
            call_id: msg.call_id(),
            from: msg.from(),
            to: msg.to(),
            via: msg.top_via(),
            cseq: msg.cseq(),
            method: msg.method(),
            status: msg.status(),
        }
    }

    /// The From tag.
    pub fn from_tag(&self) -> Option<&'a str> {
        self.from.as_ref().and_then(|f| f.tag)
    }

    /// The To tag.
    pub fn to_tag(&self) -> Option<&'a str> {
        self.to.as_ref().and_then(|t| t.tag)
    }
}
