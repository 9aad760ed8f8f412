//! The SIP message parser: zero-copy views over a message's bytes.
//!
//! * [`parse`] reads exactly one message, leniently (what real devices send), and gives a
//!   [`Message`] whose accessors parse header values on demand.
//! * [`parse_strict`] additionally applies the RFC 3261 grammar checks that RFC 4475 expects
//!   a parser to enforce ([`Message::validate`]).
//! * [`framing`] tells the packet layer where messages start and end in datagrams and
//!   streams.
//!
//! Everything borrows from the input; allocation happens only for unescaping/unfolding
//! (`Cow`) and for error messages.

pub mod body;
pub mod error;
pub mod framing;
pub mod header;
pub mod lex;
pub mod message;
pub mod method;
pub mod name_addr;
pub mod params;
pub mod typed;
pub mod uri;
mod validate;
pub mod via;

pub use error::{ErrorKind, ParseError};
pub use header::HeaderName;
pub use message::{HeaderField, Message, Quirks, StartLine};
pub use method::Method;
pub use name_addr::NameAddr;
pub use params::{Param, Params};
pub use typed::{
    CSeq, Contact, ContentType, Event, RAck, Reason, Replaces, SessionExpires, SubscriptionState,
};
pub use uri::{Scheme, Uri};
pub use via::{HostPort, Via};

/// Parses exactly one SIP message, leniently: sloppy-but-unambiguous input is accepted and
/// recorded in [`Message::quirks`]; only unreadable input is rejected.
#[inline]
pub fn parse(buf: &[u8]) -> Result<Message<'_>, ParseError> {
    Message::parse(buf)
}

/// Parses exactly one SIP message and applies the RFC 3261 grammar checks
/// ([`Message::validate`]): what RFC 4475 calls invalid is rejected with its reason.
pub fn parse_strict(buf: &[u8]) -> Result<Message<'_>, ParseError> {
    let m = Message::parse(buf)?;
    m.validate()?;
    Ok(m)
}
