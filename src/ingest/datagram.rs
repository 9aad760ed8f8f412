//! Every SIP message of a datagram (UDP payload, SCTP user message, WebSocket message):
//! several may share one, CRLF keepalives are skipped, the rest is counted.

use super::{Framer, IngestStats, Sink, frame_and_emit};
use crate::meta::MessageMeta;
use crate::sip::framing::Framing;
use crate::sip::lex::is_token_char;

/// Splits `payload` into SIP messages and emits each. Returns how many were emitted, or
/// `None` when the datagram is not SIP at all (a keepalive-only datagram gives `Some(0)`).
///
/// A sink that parses ([`Sink::PARSES`]) gets each message with its parse, framed and
/// parsed in one scan ([`frame_and_emit`]); the framing is
/// [`frame_datagram`](crate::sip::framing::frame_datagram)'s either way.
pub(crate) fn split<S: Sink>(
    payload: &[u8],
    meta: MessageMeta,
    stats: &mut IngestStats,
    emit: &mut S,
) -> Option<usize> {
    // fast refusal of RTP, STUN, DNS...: a SIP datagram starts with a token or a CR/LF
    match payload.first() {
        Some(&b) if is_token_char(b) || b == b'\r' || b == b'\n' => {}
        _ => return None,
    }
    let mut rest = payload;
    let mut n = 0;
    let mut keepalive = false;
    while !rest.is_empty() {
        let framing = frame_and_emit(emit, Framer::Datagram, S::PARSES, rest, meta);
        match framing {
            Framing::Complete(len) => {
                stats.message(meta.transport);
                n += 1;
                rest = &rest[len.clamp(1, rest.len())..];
            }
            Framing::Keepalive(len) => {
                stats.keepalives += 1;
                keepalive = true;
                rest = &rest[len.clamp(1, rest.len())..];
            }
            Framing::NeedMore | Framing::NotSip => {
                if n == 0 && !keepalive {
                    return None;
                }
                stats.datagram_trailing_junk += 1;
                break;
            }
        }
    }
    Some(n)
}
