//! Counters of everything the packet layer saw, skipped and why.

use crate::decode::{Layer, Skip};
use crate::meta::Transport;
use crate::reassembly::{FragStats, TcpStats};

/// Counters of the ingest pipeline. Every frame is accounted for: it yields SIP messages,
/// or waits in a reassembly buffer, or is counted under a reason here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IngestStats {
    /// Frames pushed.
    pub frames: u64,
    /// Captured bytes of those frames.
    pub bytes: u64,
    /// Frames of a link type we do not decode.
    pub unsupported_link: u64,
    /// Frames carrying something other than IP (ARP, LLDP, STP...).
    pub not_ip: u64,
    /// Frames whose bytes end inside a header (per layer in `truncated_by_layer`).
    pub truncated: u64,
    /// Frames with an impossible header field (per layer in `malformed_by_layer`).
    pub malformed: u64,
    /// Truncated frames by the layer where the bytes ran out.
    pub truncated_by_layer: Vec<(Layer, u64)>,
    /// Malformed frames by the faulty layer.
    pub malformed_by_layer: Vec<(Layer, u64)>,
    /// IP packets of protocols that cannot carry SIP (ICMP, ESP, OSPF...).
    pub other_protocol: u64,
    /// Tunnel layers taken off (IP-in-IP, GRE, VXLAN, GTP-U).
    pub decapsulated: u64,
    /// Packets nested deeper than the tunnel limit.
    pub too_deep: u64,
    /// Fragments cut short by the snaplen (cannot be reassembled).
    pub truncated_fragments: u64,
    /// Packets whose IP or UDP length field claims more bytes than a whole (not
    /// snaplen-cut) frame holds; the captured bytes are used.
    pub length_mismatch: u64,
    /// UDP datagrams (after reassembly).
    pub udp_datagrams: u64,
    /// UDP datagrams whose captured payload is shorter than the UDP length (snaplen), skipped.
    pub udp_truncated: u64,
    /// UDP datagrams that hold no SIP message.
    pub udp_not_sip: u64,
    /// Bytes after the last SIP message of a datagram that are not SIP.
    pub datagram_trailing_junk: u64,
    /// CRLF keepalives (RFC 5626), datagram or stream.
    pub keepalives: u64,
    /// TCP segments.
    pub tcp_segments: u64,
    /// TCP segments cut short by the snaplen (skipped: their stream sees a gap).
    pub tcp_truncated: u64,
    /// Stream bytes skipped while looking for the next SIP start line (after a gap, a
    /// mid-connection start or non-SIP data).
    pub stream_bytes_skipped: u64,
    /// Times a stream had to resynchronise.
    pub stream_resyncs: u64,
    /// WebSocket upgrades seen (HTTP handshake or frames recognised mid-connection).
    pub ws_upgrades: u64,
    /// WebSocket frames decoded.
    pub ws_frames: u64,
    /// WebSocket byte streams that were not valid frames (resynchronised).
    pub ws_errors: u64,
    /// WebSocket messages too large to keep.
    pub ws_oversize: u64,
    /// SCTP DATA chunks.
    pub sctp_chunks: u64,
    /// SCTP packets with a malformed chunk.
    pub sctp_malformed: u64,
    /// SCTP user messages split over chunks that never completed.
    pub sctp_incomplete: u64,
    /// SIP messages delivered over UDP.
    pub sip_udp: u64,
    /// SIP messages delivered over TCP.
    pub sip_tcp: u64,
    /// SIP messages delivered over SCTP.
    pub sip_sctp: u64,
    /// SIP messages delivered over WebSocket.
    pub sip_ws: u64,
    /// IP fragment reassembly.
    pub frag: FragStats,
    /// TCP reassembly.
    pub tcp: TcpStats,
}

impl IngestStats {
    /// Counts a decoding refusal.
    pub fn skip(&mut self, s: Skip) {
        match s {
            Skip::UnsupportedLink(_) => self.unsupported_link += 1,
            Skip::NotIp => self.not_ip += 1,
            Skip::Truncated(l) => {
                self.truncated += 1;
                bump(&mut self.truncated_by_layer, l);
            }
            Skip::Malformed(l) => {
                self.malformed += 1;
                bump(&mut self.malformed_by_layer, l);
            }
        }
    }

    /// Counts a delivered message.
    pub fn message(&mut self, t: Transport) {
        match t {
            Transport::Udp => self.sip_udp += 1,
            Transport::Tcp => self.sip_tcp += 1,
            Transport::Sctp => self.sip_sctp += 1,
            Transport::Ws => self.sip_ws += 1,
        }
    }

    /// SIP messages delivered over every transport.
    pub fn sip_messages(&self) -> u64 {
        self.sip_udp + self.sip_tcp + self.sip_sctp + self.sip_ws
    }

    /// Every counter as (name, value), in a stable order, for `sipscope stats`.
    pub fn rows(&self) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = vec![
            ("frames".into(), self.frames),
            ("captured bytes".into(), self.bytes),
            ("sip messages".into(), self.sip_messages()),
            ("sip over udp".into(), self.sip_udp),
            ("sip over tcp".into(), self.sip_tcp),
            ("sip over websocket".into(), self.sip_ws),
            ("sip over sctp".into(), self.sip_sctp),
            ("keepalives (CRLF)".into(), self.keepalives),
            (
                "skipped: unsupported link type".into(),
                self.unsupported_link,
            ),
            ("skipped: not IP".into(), self.not_ip),
            ("skipped: truncated header".into(), self.truncated),
            ("skipped: malformed header".into(), self.malformed),
            (
                "skipped: other IP protocol (ICMP...)".into(),
                self.other_protocol,
            ),
            ("skipped: tunnels nested too deep".into(), self.too_deep),
            ("skipped: udp not sip".into(), self.udp_not_sip),
            (
                "skipped: udp truncated by snaplen".into(),
                self.udp_truncated,
            ),
            (
                "skipped: junk after last message of a datagram".into(),
                self.datagram_trailing_junk,
            ),
            (
                "length field beyond a whole frame (bytes used)".into(),
                self.length_mismatch,
            ),
            ("tunnel layers removed".into(), self.decapsulated),
            ("udp datagrams".into(), self.udp_datagrams),
            ("ip fragments".into(), self.frag.fragments),
            ("ip datagrams reassembled".into(), self.frag.reassembled),
            ("ip fragments duplicate".into(), self.frag.duplicates),
            ("ip fragments malformed".into(), self.frag.malformed),
            (
                "ip fragments cut by snaplen".into(),
                self.truncated_fragments,
            ),
            (
                "ip datagrams incomplete: timed out".into(),
                self.frag.timed_out,
            ),
            (
                "ip datagrams incomplete: evicted (cap)".into(),
                self.frag.evicted,
            ),
            (
                "ip datagrams incomplete: at end of capture".into(),
                self.frag.incomplete_at_end,
            ),
            ("tcp segments".into(), self.tcp_segments),
            ("tcp segments cut by snaplen".into(), self.tcp_truncated),
            ("tcp streams (directions)".into(), self.tcp.streams),
            ("tcp retransmitted segments".into(), self.tcp.retransmitted),
            ("tcp overlapping segments".into(), self.tcp.overlapping),
            ("tcp out-of-order segments".into(), self.tcp.out_of_order),
            ("tcp gaps (lost segments)".into(), self.tcp.gaps),
            ("tcp gap bytes".into(), self.tcp.gap_bytes),
            ("tcp buffer overflows".into(), self.tcp.buffer_overflows),
            ("tcp directions closed (FIN/RST)".into(), self.tcp.closed),
            ("tcp directions evicted: idle".into(), self.tcp.evicted_idle),
            ("tcp directions evicted: cap".into(), self.tcp.evicted_cap),
            (
                "tcp directions restarted (port reuse)".into(),
                self.tcp.restarted,
            ),
            (
                "tcp bytes left incomplete".into(),
                self.tcp.incomplete_bytes,
            ),
            ("stream resyncs".into(), self.stream_resyncs),
            (
                "stream bytes skipped (not sip)".into(),
                self.stream_bytes_skipped,
            ),
            ("websocket upgrades".into(), self.ws_upgrades),
            ("websocket frames".into(), self.ws_frames),
            ("websocket errors".into(), self.ws_errors),
            ("websocket messages too large".into(), self.ws_oversize),
            ("sctp data chunks".into(), self.sctp_chunks),
            ("sctp malformed packets".into(), self.sctp_malformed),
            ("sctp messages incomplete".into(), self.sctp_incomplete),
        ];
        for (l, n) in &self.truncated_by_layer {
            v.push((format!("truncated {} header", l.as_str()), *n));
        }
        for (l, n) in &self.malformed_by_layer {
            v.push((format!("malformed {} header", l.as_str()), *n));
        }
        v
    }
}

fn bump(v: &mut Vec<(Layer, u64)>, l: Layer) {
    match v.iter_mut().find(|(x, _)| *x == l) {
        Some((_, n)) => *n += 1,
        None => {
            v.push((l, 1));
            v.sort();
        }
    }
}
