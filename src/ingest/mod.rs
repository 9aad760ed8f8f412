//! The packet pipeline: capture frames in, one [`crate::meta::RawMessage`] per SIP message
//! out, with counters of everything skipped and why.
//!
//! ```no_run
//! use sipscope::{capture::Capture, ingest::Ingest};
//! let mut cap = Capture::open(&["call.pcap"]).unwrap();
//! let mut ingest = Ingest::default();
//! let mut n = 0;
//! while let Some(frame) = cap.next_frame() {
//!     ingest.push(&frame, &mut |m| n += m.bytes.len());
//! }
//! ingest.finish(&mut |m| n += m.bytes.len());
//! println!("{} SIP messages", ingest.stats().sip_messages());
//! ```
//!
//! SIP is recognised on any port by its start line. A message reassembled from several
//! frames carries the number and time of the frame that completed it.

mod datagram;
mod sctp;
mod stats;
mod stream;

pub use stats::IngestStats;
pub use stream::StreamState;

use std::net::SocketAddr;

use crate::capture::{Capture, Frame};
use crate::decode::{IpPacket, Transport as L4, decode_link, decode_transport};
use crate::meta::{MessageMeta, RawMessage, Timestamp, Transport};
use crate::reassembly::{FlowKey, FragConfig, FragPool, TcpConfig, TcpReassembler};
use crate::sip::framing::{Framing, frame_datagram, frame_stream, parse_datagram, parse_stream};
use crate::sip::{Message, ParseError};

/// Tunnels (and reassembled fragments) nested deeper than this are refused.
pub const MAX_DEPTH: usize = 8;

/// Where the pipeline's SIP messages go: any `FnMut(RawMessage)` closure is one. A sink that
/// parses every message can take messages parsed as they are framed ([`Sink::PARSES`]):
/// each header section is then scanned once, not once to frame it and again to parse it.
/// Which messages come out, in which order, and every counter are the same either way.
pub trait Sink {
    /// Whether messages go to [`Sink::parsed`] (datagram ones, UDP, SCTP, WebSocket, always;
    /// TCP ones unless they arrived in pieces).
    const PARSES: bool = false;

    /// A SIP message (with [`Sink::PARSES`], one framed from a TCP stream that arrived in
    /// pieces: the sink parses it).
    fn message(&mut self, m: RawMessage<'_>);

    /// A SIP message with what `sip::parse(m.bytes)` gives for it (only called when
    /// [`Sink::PARSES`]).
    fn parsed<'m>(&mut self, m: RawMessage<'m>, parsed: Result<&Message<'m>, &ParseError>) {
        let _ = parsed;
        self.message(m)
    }
}

impl<F: FnMut(RawMessage<'_>)> Sink for F {
    #[inline]
    fn message(&mut self, m: RawMessage<'_>) {
        self(m)
    }
}

/// How the message at the front of a buffer is framed: a datagram holds whole messages
/// ([`frame_datagram`]), a stream may end inside one ([`frame_stream`]).
#[derive(Clone, Copy)]
enum Framer {
    Datagram,
    Stream,
}

/// Frames the message at the front of `rest` (the [`Framer`]'s answer) and hands a
/// complete one to `emit`: with `parse`, parsed in the same scan of its header section
/// ([`parse_datagram`], [`parse_stream`]) and lent to [`Sink::parsed`] from where it was
/// parsed (it is about 500 bytes); otherwise as bytes to [`Sink::message`].
#[inline(always)]
fn frame_and_emit<'a, S: Sink>(
    emit: &mut S,
    framer: Framer,
    parse: bool,
    rest: &'a [u8],
    meta: MessageMeta,
) -> Framing {
    if parse {
        let on_message = |len: usize, parsed: Result<&Message<'a>, &ParseError>| {
            emit.parsed(
                RawMessage {
                    meta,
                    bytes: &rest[..len],
                },
                parsed,
            )
        };
        return match framer {
            Framer::Datagram => parse_datagram(rest, on_message),
            Framer::Stream => parse_stream(rest, on_message),
        };
    }
    let framing = match framer {
        Framer::Datagram => frame_datagram(rest),
        Framer::Stream => frame_stream(rest),
    };
    if let Framing::Complete(len) = framing {
        emit.message(RawMessage {
            meta,
            bytes: &rest[..len.clamp(1, rest.len())],
        });
    }
    framing
}

/// Limits of the pipeline's reassembly buffers.
#[derive(Clone, Copy, Debug, Default)]
pub struct IngestConfig {
    /// IP fragment reassembly.
    pub frag: FragConfig,
    /// TCP stream reassembly.
    pub tcp: TcpConfig,
}

/// The pipeline. Push frames in capture order; SIP messages come out through the callback.
pub struct Ingest {
    frags: FragPool,
    tcp: TcpReassembler<StreamState>,
    sctp: sctp::SctpJoiner,
    stats: IngestStats,
}

impl Default for Ingest {
    fn default() -> Self {
        Ingest::new(IngestConfig::default())
    }
}

impl Ingest {
    /// A pipeline with these limits.
    pub fn new(config: IngestConfig) -> Ingest {
        Ingest {
            frags: FragPool::new(config.frag),
            tcp: TcpReassembler::new(config.tcp),
            sctp: sctp::SctpJoiner::default(),
            stats: IngestStats::default(),
        }
    }

    /// Processes one frame; calls `emit` for every SIP message it completes.
    pub fn push<F: FnMut(RawMessage<'_>)>(&mut self, frame: &Frame<'_>, emit: &mut F) {
        self.push_to(frame, emit)
    }

    /// [`Ingest::push`] into any [`Sink`].
    pub fn push_to<S: Sink>(&mut self, frame: &Frame<'_>, emit: &mut S) {
        self.stats.frames += 1;
        self.stats.bytes += frame.data.len() as u64;
        match decode_link(frame.link, frame.data) {
            Ok(ip) => {
                // a length field claiming more than the frame holds is a snaplen cut only
                // when the capture says the packet was longer than what it kept
                let cut = frame.data.len() < frame.orig_len as usize;
                self.ip(ip, frame.number, frame.time, cut, 0, emit)
            }
            Err(s) => self.stats.skip(s),
        }
    }

    fn ip<S: Sink>(
        &mut self,
        ip: IpPacket<'_>,
        frame: u64,
        time: Timestamp,
        cut: bool,
        depth: usize,
        emit: &mut S,
    ) {
        if depth > MAX_DEPTH {
            self.stats.too_deep += 1;
            return;
        }
        if let Some(frag) = ip.fragment {
            if ip.truncated {
                if cut {
                    self.stats.truncated_fragments += 1;
                    return;
                }
                self.stats.length_mismatch += 1;
            }
            let whole = self
                .frags
                .push(time, ip.src, ip.dst, ip.protocol, frag, ip.payload);
            if let Some(whole) = whole {
                let ip = IpPacket {
                    payload: &whole,
                    fragment: None,
                    truncated: false,
                    ..ip
                };
                self.ip(ip, frame, time, cut, depth + 1, emit);
            }
            return;
        }
        let l4 = match decode_transport(&ip) {
            Ok(l4) => l4,
            Err(s) => return self.stats.skip(s),
        };
        match l4 {
            L4::Tunnel(inner) => {
                self.stats.decapsulated += 1;
                self.ip(inner, frame, time, cut, depth + 1, emit);
            }
            L4::Udp(u) => {
                self.stats.udp_datagrams += 1;
                if u.truncated {
                    if cut {
                        self.stats.udp_truncated += 1;
                        return;
                    }
                    // the frame is whole: the IP or UDP length field lies; use what is there
                    self.stats.length_mismatch += 1;
                }
                let meta = MessageMeta {
                    frame,
                    time,
                    src: SocketAddr::new(ip.src, u.src_port),
                    dst: SocketAddr::new(ip.dst, u.dst_port),
                    transport: Transport::Udp,
                };
                if datagram::split(u.payload, meta, &mut self.stats, emit).is_none() {
                    self.stats.udp_not_sip += 1;
                }
            }
            L4::Tcp(t) => {
                self.stats.tcp_segments += 1;
                if ip.truncated && cut {
                    // part of the payload was not captured: the stream will see a hole
                    self.stats.tcp_truncated += 1;
                    return;
                }
                let key = FlowKey {
                    src: SocketAddr::new(ip.src, t.src_port),
                    dst: SocketAddr::new(ip.dst, t.dst_port),
                };
                let mut consumer = stream::SipStream {
                    stats: &mut self.stats,
                    emit,
                };
                self.tcp.segment(key, &t, frame, time, &mut consumer);
            }
            L4::Sctp(s) => {
                let meta = MessageMeta {
                    frame,
                    time,
                    src: SocketAddr::new(ip.src, s.src_port),
                    dst: SocketAddr::new(ip.dst, s.dst_port),
                    transport: Transport::Sctp,
                };
                self.sctp.packet(&s, meta, &mut self.stats, emit);
            }
            L4::Other(_) => self.stats.other_protocol += 1,
        }
    }

    /// Runs a whole capture through the pipeline: every frame, then [`Ingest::finish`].
    pub fn run<F: FnMut(RawMessage<'_>)>(&mut self, cap: &mut Capture, emit: &mut F) {
        while let Some(frame) = cap.next_frame() {
            self.push(&frame, emit);
        }
        self.finish(emit);
    }

    /// Ends the input: TCP data waiting behind holes is delivered (after a resync), and what
    /// never completed is counted. Call once, after the last frame.
    pub fn finish<F: FnMut(RawMessage<'_>)>(&mut self, emit: &mut F) {
        self.finish_to(emit)
    }

    /// [`Ingest::finish`] into any [`Sink`].
    pub fn finish_to<S: Sink>(&mut self, emit: &mut S) {
        let mut consumer = stream::SipStream {
            stats: &mut self.stats,
            emit,
        };
        self.tcp.finish(&mut consumer);
        self.frags.finish();
        self.sctp.finish(&mut self.stats);
    }

    /// Counters so far (reassembly counters included).
    pub fn stats(&self) -> IngestStats {
        let mut s = self.stats.clone();
        s.frag = self.frags.stats();
        s.tcp = self.tcp.stats();
        s
    }

    /// Reassembly buffers held now: (IP datagrams, their bytes, TCP directions, their bytes).
    pub fn held(&self) -> (usize, usize, usize, usize) {
        let (a, b) = self.frags.held();
        let (c, d) = self.tcp.held();
        (a, b, c, d)
    }
}
