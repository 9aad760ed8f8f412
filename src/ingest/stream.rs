//! SIP over a TCP byte stream: the consumer handed to the TCP reassembler. Frames messages
//! by Content-Length, skips keepalives, recognises the WebSocket upgrade (then decodes
//! frames), and after a gap, a mid-connection start or non-SIP bytes resynchronises at the
//! next SIP start line.

use super::{Framer, IngestStats, Sink, datagram, frame_and_emit};
use crate::meta::{MessageMeta, Transport};
use crate::reassembly::tcp::Consumer;
use crate::reassembly::websocket::handshake;
use crate::reassembly::{Delivery, FlowKey, Handshake, WsDecoder};
use crate::sip::framing::{Framing, find_start_line};

/// A partial line longer than this is not kept while resynchronising.
const MAX_PARTIAL_LINE: usize = 8192;

/// How a direction's bytes are being read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// At a message boundary (or inside a message being framed).
    #[default]
    Sip,
    /// Looking for the next SIP start line.
    Resync,
    /// WebSocket frames carrying SIP.
    WebSocket,
}

/// Per-direction state of the SIP stream framer.
#[derive(Debug, Default)]
pub struct StreamState {
    mode: Mode,
    ws: WsDecoder,
    /// The message at the front of the buffer was found incomplete by a parse
    /// ([`parse_stream`](crate::sip::framing::parse_stream)): it is framed with
    /// [`frame_stream`](crate::sip::framing::frame_stream) until it completes, so that a
    /// message arriving in many pieces is parsed once, not once per piece. Either way frames
    /// the same; this only picks the cheaper one.
    partial: bool,
}

/// The TCP consumer: borrows the pipeline's counters and the message callback.
pub(crate) struct SipStream<'a, S> {
    pub(crate) stats: &'a mut IngestStats,
    pub(crate) emit: &'a mut S,
}

impl<S: Sink> Consumer<StreamState> for SipStream<'_, S> {
    /// A WebSocket message being assembled counts against the TCP reassembler's byte cap.
    fn footprint(&self, st: &StreamState) -> usize {
        st.ws.footprint()
    }

    fn consume(&mut self, key: &FlowKey, st: &mut StreamState, data: &[u8], d: Delivery) -> usize {
        let meta = |transport| MessageMeta {
            frame: d.frame,
            time: d.time,
            src: key.src,
            dst: key.dst,
            transport,
        };
        if d.gap {
            self.stats.stream_resyncs += 1;
            // a WebSocket stream stays one; its frame boundaries are lost, though
            st.ws = WsDecoder::default();
            st.mode = Mode::Resync;
            st.partial = false;
        }
        let mut pos = 0;
        while pos < data.len() {
            let rest = &data[pos..];
            match st.mode {
                Mode::Sip => match self.frame(st, rest, meta(Transport::Tcp)) {
                    Framing::Complete(n) => {
                        self.stats.message(Transport::Tcp);
                        pos += n.clamp(1, rest.len());
                    }
                    Framing::Keepalive(n) => {
                        self.stats.keepalives += 1;
                        pos += n.clamp(1, rest.len());
                    }
                    Framing::NeedMore => break,
                    Framing::NotSip => match handshake(rest) {
                        Handshake::Upgrade(n) => {
                            self.stats.ws_upgrades += 1;
                            st.mode = Mode::WebSocket;
                            st.ws = WsDecoder::default();
                            pos += n;
                        }
                        Handshake::NeedMore => break,
                        Handshake::OtherHttp(n) => {
                            self.stats.stream_bytes_skipped += n as u64;
                            st.mode = Mode::Resync;
                            pos += n;
                        }
                        Handshake::NotHttp if ws_frame_with_sip(rest) => {
                            self.stats.ws_upgrades += 1;
                            st.mode = Mode::WebSocket;
                            st.ws = WsDecoder::default();
                        }
                        Handshake::NotHttp => {
                            // skip the offending line so resync cannot find it again
                            self.stats.stream_resyncs += 1;
                            let skip = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
                            self.stats.stream_bytes_skipped += skip as u64;
                            st.mode = Mode::Resync;
                            pos += skip;
                        }
                    },
                },
                Mode::Resync => {
                    if ws_frame_with_sip(rest) {
                        self.stats.ws_upgrades += 1;
                        st.mode = Mode::WebSocket;
                        st.ws = WsDecoder::default();
                        continue;
                    }
                    match resync_point(rest) {
                        Some(off) => {
                            self.stats.stream_bytes_skipped += off as u64;
                            pos += off;
                            st.mode = Mode::Sip;
                        }
                        None => {
                            // keep a trailing partial line: it may grow into a start line
                            let tail = memchr::memrchr(b'\n', rest).map_or(0, |i| i + 1);
                            let skip = if rest.len() - tail > MAX_PARTIAL_LINE {
                                rest.len()
                            } else {
                                tail
                            };
                            self.stats.stream_bytes_skipped += skip as u64;
                            pos += skip;
                            break;
                        }
                    }
                }
                Mode::WebSocket => {
                    let stats = &mut *self.stats;
                    let emit = &mut *self.emit;
                    let frames_before = st.ws.frames;
                    let oversize_before = st.ws.oversize_messages;
                    let r = st.ws.feed(rest, &mut |m| {
                        datagram::split(m.payload, meta(Transport::Ws), stats, emit);
                    });
                    stats.ws_frames += st.ws.frames - frames_before;
                    stats.ws_oversize += st.ws.oversize_messages - oversize_before;
                    match r {
                        Ok(n) => {
                            pos += n;
                            break;
                        }
                        Err(_) => {
                            stats.ws_errors += 1;
                            stats.stream_resyncs += 1;
                            st.ws = WsDecoder::default();
                            st.mode = Mode::Resync;
                            // step past the bad byte so the search moves on
                            stats.stream_bytes_skipped += 1;
                            pos += 1;
                        }
                    }
                }
            }
        }
        pos
    }
}

impl<S: Sink> SipStream<'_, S> {
    /// Frames the message at the front of `rest` and hands it to the sink when complete
    /// ([`frame_and_emit`]): parsed as it is framed for a sink that parses, unless the
    /// message was already found incomplete.
    #[inline(always)]
    fn frame(&mut self, st: &mut StreamState, rest: &[u8], meta: MessageMeta) -> Framing {
        let framing = frame_and_emit(
            &mut *self.emit,
            Framer::Stream,
            S::PARSES && !st.partial,
            rest,
            meta,
        );
        st.partial = S::PARSES && framing == Framing::NeedMore;
        framing
    }
}

/// The next start line to resume at: [`find_start_line`], but a request line must also
/// have an upper-case method (as every registered method has), so that body text running
/// into the next message ("...xyzACK sip:b SIP/2.0") is not taken for a start.
fn resync_point(buf: &[u8]) -> Option<usize> {
    let mut from = 0;
    while from < buf.len() {
        let off = from + find_start_line(&buf[from..])?;
        let line = &buf[off..];
        let token = line.iter().take_while(|&&c| c != b' ').count();
        if line.starts_with(b"SIP/")
            || (token <= 32
                && line[..token]
                    .iter()
                    .all(|c| c.is_ascii_uppercase() || *c == b'-'))
        {
            return Some(off);
        }
        from = off + memchr::memchr(b'\n', line).map_or(line.len(), |i| i + 1);
    }
    None
}

/// Does `b` start with a WebSocket text/binary frame whose payload starts like SIP? Used
/// to pick up SIP over WebSocket when the HTTP upgrade was not captured.
fn ws_frame_with_sip(b: &[u8]) -> bool {
    if b.len() < 2 || !matches!(b[0] & 0x7f, 1 | 2) || b[0] & 0x70 != 0 {
        return false;
    }
    let masked = b[1] & 0x80 != 0;
    let hlen = match b[1] & 0x7f {
        126 => 4,
        127 => 10,
        _ => 2,
    } + if masked { 4 } else { 0 };
    if b.len() < hlen + 8 {
        return false;
    }
    let mut head = [0u8; 32];
    let n = (b.len() - hlen).min(head.len());
    head[..n].copy_from_slice(&b[hlen..hlen + n]);
    if masked {
        let m = &b[hlen - 4..hlen];
        for (i, x) in head[..n].iter_mut().enumerate() {
            *x ^= m[i & 3];
        }
    }
    let head = &head[..n];
    head.starts_with(b"SIP/2.0 ")
        || head.iter().position(|&c| c == b' ').is_some_and(|sp| {
            sp > 0
                && head[..sp].iter().all(|c| c.is_ascii_uppercase())
                && head[sp + 1..].starts_with(b"sip")
        })
}
