//! Every SIP message of a datagram (UDP payload, SCTP user message, WebSocket message):
//! several may share one, CRLF keepalives are skipped, the rest is counted.

use super::{IngestStats, Sink};
use crate::meta::{MessageMeta, RawMessage};
use crate::sip::framing::{Framing, frame_datagram, parse_datagram};
use crate::sip::lex::is_token_char;

/// Splits `payload` into SIP messages and emits each. Returns how many were emitted, or
/// `None` when the datagram is not SIP at all (a keepalive-only datagram gives `Some(0)`).
///
/// A sink that parses ([`Sink::PARSES`]) gets each message with its parse, framed and
/// parsed in one scan ([`parse_datagram`]); the framing is [`frame_datagram`]'s either way.
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
        // a parsed message is lent to the sink from where it was parsed (not moved: it is
        // about 500 bytes)
        let framing = if S::PARSES {
            parse_datagram(rest, |len, parsed| {
                emit.parsed(
                    RawMessage {
                        meta,
                        bytes: &rest[..len],
                    },
                    parsed,
                )
            })
        } else {
            let framing = frame_datagram(rest);
            if let Framing::Complete(len) = framing {
                emit.message(RawMessage {
                    meta,
                    bytes: &rest[..len.clamp(1, rest.len())],
                });
            }
            framing
        };
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
