//! The capture generator behind `examples/gen_capture` (also used by `benches/engine.rs`);
//! see `main.rs` for the traffic it makes.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Capture start: 2024-01-15 10:00:00 UTC.
const EPOCH_NS: i64 = 1_705_312_800 * 1_000_000_000;
const MS: i64 = 1_000_000;
const SEC: i64 = 1_000_000_000;
/// Ethernet MTU: IPv4 packets above it are fragmented (UDP).
const MTU: usize = 1500;
/// TCP maximum segment size (MTU minus IPv4, TCP and timestamp-option sizes).
const MSS: usize = 1448;

// ---------------------------------------------------------------------------------------
// Deterministic randomness

/// SplitMix64: small, fast, and good enough to shuffle benchmark traffic deterministically.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..hi` (hi exclusive).
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo).max(1)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// A network delay of 0.2..3 ms.
    fn hop(&mut self) -> i64 {
        self.range(200_000, 3_000_000) as i64
    }
    fn hex(&mut self, digits: usize) -> String {
        let mut s = String::with_capacity(digits);
        while s.len() < digits {
            let _ = write!(s, "{:016x}", self.next());
        }
        s.truncate(digits);
        s
    }
    fn branch(&mut self) -> String {
        format!("z9hG4bK{}", self.hex(16))
    }
    fn tag(&mut self) -> String {
        self.hex(10)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() as usize % items.len()]
    }
}

// ---------------------------------------------------------------------------------------
// Hosts and user agents

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Host(u32);

impl Host {
    fn ip(self) -> [u8; 4] {
        self.0.to_be_bytes()
    }
    fn text(self) -> String {
        let [a, b, c, d] = self.ip();
        format!("{a}.{b}.{c}.{d}")
    }
}

const UAC_AGENTS: &[&str] = &[
    "PolycomVVX-VVX_411-UA/6.4.3.5018",
    "Yealink SIP-T46S 66.86.0.15",
    "Grandstream GXP2170 1.0.11.6",
    "Cisco-CP8845/14.2.1",
    "Zoiper rv2.10.19.2",
    "Linphone/5.2.1 (belle-sip/5.2.0)",
];
const UAS_AGENTS: &[&str] = &[
    "Asterisk PBX 20.5.0",
    "FreeSWITCH-mod_sofia/1.10.10-release~64bit",
    "Kamailio (5.7.2 (x86_64/linux))",
    "Cisco-SIPGateway/IOS-16.12",
];

struct Party {
    host: Host,
    user: String,
    display: String,
    agent: &'static str,
}

impl Party {
    fn uri(&self) -> String {
        format!("sip:{}@{}", self.user, self.host.text())
    }
    fn name_addr(&self) -> String {
        format!("\"{}\" <{}>", self.display, self.uri())
    }
    fn contact(&self, tp: Tp) -> String {
        format!(
            "<sip:{}@{}:5060;transport={}>",
            self.user,
            self.host.text(),
            tp.lower()
        )
    }
}

/// The transport of a generated capture.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tp {
    /// SIP over UDP (IPv4 fragments for big messages).
    Udp,
    /// SIP over TCP (one connection per pair of hosts).
    Tcp,
}
impl Tp {
    fn upper(self) -> &'static str {
        match self {
            Tp::Udp => "UDP",
            Tp::Tcp => "TCP",
        }
    }
    /// `udp` or `tcp`.
    pub fn lower(self) -> &'static str {
        match self {
            Tp::Udp => "udp",
            Tp::Tcp => "tcp",
        }
    }
}

// ---------------------------------------------------------------------------------------
// SIP message text

/// A request, kept so responses can copy its Via, From, To, Call-ID and CSeq.
#[derive(Clone)]
struct Req {
    method: &'static str,
    ruri: String,
    via: String,
    from: String,
    to: String,
    call_id: String,
    cseq: u32,
    cseq_method: &'static str,
    headers: Vec<String>,
    body: Option<(&'static str, String)>,
}

impl Req {
    fn text(&self) -> Vec<u8> {
        let mut s = String::with_capacity(1024);
        let _ = write!(
            s,
            "{} {} SIP/2.0\r\nVia: {}\r\nMax-Forwards: 70\r\nFrom: {}\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: {} {}\r\n",
            self.method,
            self.ruri,
            self.via,
            self.from,
            self.to,
            self.call_id,
            self.cseq,
            self.cseq_method
        );
        finish(&mut s, &self.headers, self.body.as_ref());
        s.into_bytes()
    }

    /// The response to this request; `to_tag` is appended to To when the request had none.
    fn response(
        &self,
        code: u16,
        reason: &str,
        to_tag: Option<&str>,
        headers: Vec<String>,
        body: Option<(&'static str, String)>,
    ) -> Vec<u8> {
        let mut s = String::with_capacity(768);
        let to = match to_tag {
            Some(t) if !self.to.contains(";tag=") => format!("{};tag={t}", self.to),
            _ => self.to.clone(),
        };
        let _ = write!(
            s,
            "SIP/2.0 {code} {reason}\r\nVia: {}\r\nFrom: {}\r\nTo: {to}\r\nCall-ID: {}\r\nCSeq: {} {}\r\n",
            self.via, self.from, self.call_id, self.cseq, self.cseq_method
        );
        finish(&mut s, &headers, body.as_ref());
        s.into_bytes()
    }
}

fn finish(s: &mut String, headers: &[String], body: Option<&(&'static str, String)>) {
    for h in headers {
        s.push_str(h);
        s.push_str("\r\n");
    }
    match body {
        Some((ctype, b)) => {
            let _ = write!(
                s,
                "Content-Type: {ctype}\r\nContent-Length: {}\r\n\r\n{b}",
                b.len()
            );
        }
        None => s.push_str("Content-Length: 0\r\n\r\n"),
    }
}

const ALLOW: &str =
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, REFER, NOTIFY, UPDATE, INFO, MESSAGE";

fn sdp(rng: &mut Rng, host: Host, answer: bool) -> String {
    let ip = host.text();
    let sess = rng.range(1_000_000, 9_999_999);
    let port = rng.range(8000, 32000) & !1;
    if answer {
        format!(
            "v=0\r\no=- {sess} {sess} IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n\
             m=audio {port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n\
             a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n"
        )
    } else {
        format!(
            "v=0\r\no=user1 {sess} {sess} IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n\
             m=audio {port} RTP/AVP 0 8 18 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n\
             a=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\na=rtpmap:101 telephone-event/8000\r\n\
             a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n"
        )
    }
}

/// An offer big enough (with the headers of [`big_headers`]) to exceed the MTU.
fn big_sdp(rng: &mut Rng, host: Host) -> String {
    let ip = host.text();
    let sess = rng.range(1_000_000, 9_999_999);
    let port = rng.range(8000, 32000) & !1;
    let mut s = format!(
        "v=0\r\no=- {sess} 2 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\na=ice-ufrag:{}\r\na=ice-pwd:{}\r\n\
         m=audio {port} RTP/AVP 111 9 0 8 18 13 110 126\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n\
         a=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:18 G729/8000\r\na=rtpmap:13 CN/8000\r\n\
         a=rtpmap:110 telephone-event/48000\r\na=rtpmap:126 telephone-event/8000\r\na=fmtp:126 0-16\r\n",
        rng.hex(8),
        rng.hex(24)
    );
    for (i, prio) in [2_122_260_223u32, 1_686_052_607, 41_885_439]
        .iter()
        .enumerate()
    {
        let _ = write!(
            s,
            "a=candidate:{} 1 udp {prio} {ip} {} typ host generation 0\r\n",
            rng.range(1, 1 << 31),
            port + i as u64 * 2
        );
    }
    let vport = port + 2;
    let _ = write!(
        s,
        "a=rtcp-mux\r\na=sendrecv\r\nm=video {vport} RTP/AVP 96 97 98 99\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\n\
         a=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 ccm fir\r\na=rtpmap:97 H264/90000\r\n\
         a=fmtp:97 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n\
         a=rtpmap:98 H264/90000\r\na=fmtp:98 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f\r\n\
         a=rtpmap:99 VP9/90000\r\na=rtcp-fb:99 nack pli\r\na=rtcp-mux\r\na=sendrecv\r\n"
    );
    s
}

fn big_headers(rng: &mut Rng, caller: &Party, callee: &Party) -> Vec<String> {
    let icid = rng.hex(32);
    vec![
        format!("P-Asserted-Identity: {}", caller.name_addr()),
        format!(
            "P-Charging-Vector: icid-value={icid};icid-generated-at={};orig-ioi=ims.example.net",
            caller.host.text()
        ),
        "P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=3102600000A1B2C3D".to_string(),
        format!(
            "History-Info: <sip:{}@{}?Reason=SIP%3Bcause%3D302>;index=1",
            callee.user,
            callee.host.text()
        ),
        format!(
            "History-Info: <sip:{}@core.example.net;cause=302>;index=1.1",
            callee.user
        ),
        format!(
            "Diversion: <sip:{}@core.example.net>;reason=unconditional;counter=1;privacy=off",
            callee.user
        ),
        "Accept: application/sdp, application/dtmf-relay, message/sipfrag".to_string(),
        format!("X-Call-Trace: {}", rng.hex(48)),
    ]
}

// ---------------------------------------------------------------------------------------
// Packets

/// One SIP message to put on the wire at `time`.
struct Out {
    time: i64,
    seq: u64,
    src: Host,
    dst: Host,
    data: Vec<u8>,
}

impl PartialEq for Out {
    fn eq(&self, o: &Self) -> bool {
        (self.time, self.seq) == (o.time, o.seq)
    }
}
impl Eq for Out {}
impl PartialOrd for Out {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Out {
    // reversed: BinaryHeap is a max-heap, we want the earliest first
    fn cmp(&self, o: &Self) -> Ordering {
        (o.time, o.seq).cmp(&(self.time, self.seq))
    }
}

struct Conn {
    client: Host,
    client_port: u16,
    /// next sequence number, client->server and server->client
    seq_c: u32,
    seq_s: u32,
}

/// Writes frames to a classic pcap file: IPv4 fragmentation for UDP, connections and
/// segmentation for TCP.
struct Wire<W: Write> {
    out: W,
    tp: Tp,
    ip_id: u16,
    conns: HashMap<(Host, Host), Conn>,
    next_port: u16,
    frames: u64,
    messages: u64,
    bytes: u64,
}

impl<W: Write> Wire<W> {
    fn new(mut out: W, tp: Tp) -> io::Result<Wire<W>> {
        // magic, v2.4, thiszone 0, sigfigs 0, snaplen 65535, LINKTYPE_ETHERNET
        out.write_all(&0xa1b2_c3d4u32.to_le_bytes())?;
        out.write_all(&2u16.to_le_bytes())?;
        out.write_all(&4u16.to_le_bytes())?;
        out.write_all(&[0; 8])?;
        out.write_all(&65535u32.to_le_bytes())?;
        out.write_all(&1u32.to_le_bytes())?;
        Ok(Wire {
            out,
            tp,
            ip_id: 1,
            conns: HashMap::new(),
            next_port: 40000,
            frames: 0,
            messages: 0,
            bytes: 24,
        })
    }

    fn frame(
        &mut self,
        time: i64,
        src: Host,
        dst: Host,
        ip_payload_proto: u8,
        frag: (u16, bool),
        l4: &[u8],
    ) -> io::Result<()> {
        let ip_len = 20 + l4.len();
        let mut f = Vec::with_capacity(14 + ip_len);
        let [_, _, s3, s4] = src.ip();
        let [_, _, d3, d4] = dst.ip();
        f.extend_from_slice(&[
            0x02, 0x00, 0x5e, 0x10, d3, d4, 0x02, 0x00, 0x5e, 0x10, s3, s4, 0x08, 0x00,
        ]);
        let mut ip = [0u8; 20];
        ip[0] = 0x45;
        ip[2..4].copy_from_slice(&(ip_len as u16).to_be_bytes());
        ip[4..6].copy_from_slice(&self.ip_id.to_be_bytes());
        let (offset, more) = frag;
        let mut flags_off = offset / 8;
        if more {
            flags_off |= 0x2000;
        }
        if ip_payload_proto == 6 {
            flags_off |= 0x4000; // DF on TCP
        }
        ip[6..8].copy_from_slice(&flags_off.to_be_bytes());
        ip[8] = 64;
        ip[9] = ip_payload_proto;
        ip[12..16].copy_from_slice(&src.ip());
        ip[16..20].copy_from_slice(&dst.ip());
        let ck = !fold(sum(0, &ip));
        ip[10..12].copy_from_slice(&ck.to_be_bytes());
        f.extend_from_slice(&ip);
        f.extend_from_slice(l4);
        let secs = time.div_euclid(SEC);
        let usecs = time.rem_euclid(SEC) / 1000;
        self.out.write_all(&(secs as u32).to_le_bytes())?;
        self.out.write_all(&(usecs as u32).to_le_bytes())?;
        self.out.write_all(&(f.len() as u32).to_le_bytes())?;
        self.out.write_all(&(f.len() as u32).to_le_bytes())?;
        self.out.write_all(&f)?;
        self.frames += 1;
        self.bytes += 16 + f.len() as u64;
        Ok(())
    }

    fn send(&mut self, m: &Out) -> io::Result<()> {
        self.messages += 1;
        match self.tp {
            Tp::Udp => self.udp(m),
            Tp::Tcp => self.tcp(m),
        }
    }

    fn udp(&mut self, m: &Out) -> io::Result<()> {
        let len = 8 + m.data.len();
        let mut dgram = Vec::with_capacity(len);
        dgram.extend_from_slice(&5060u16.to_be_bytes());
        dgram.extend_from_slice(&5060u16.to_be_bytes());
        dgram.extend_from_slice(&(len as u16).to_be_bytes());
        dgram.extend_from_slice(&[0, 0]);
        dgram.extend_from_slice(&m.data);
        let ck = l4_checksum(m.src, m.dst, 17, &dgram);
        dgram[6..8].copy_from_slice(&(if ck == 0 { 0xffff } else { ck }).to_be_bytes());
        self.ip_id = self.ip_id.wrapping_add(1);
        if 20 + len <= MTU {
            return self.frame(m.time, m.src, m.dst, 17, (0, false), &dgram);
        }
        let per = (MTU - 20) & !7;
        let mut off = 0;
        while off < dgram.len() {
            let end = (off + per).min(dgram.len());
            self.frame(
                m.time,
                m.src,
                m.dst,
                17,
                (off as u16, end < dgram.len()),
                &dgram[off..end],
            )?;
            off = end;
        }
        Ok(())
    }

    fn tcp(&mut self, m: &Out) -> io::Result<()> {
        let key = if m.src.0 < m.dst.0 {
            (m.src, m.dst)
        } else {
            (m.dst, m.src)
        };
        if !self.conns.contains_key(&key) {
            let port = self.next_port;
            self.next_port = if self.next_port == 65000 {
                40000
            } else {
                self.next_port + 1
            };
            let isn_c = (m.time as u32).wrapping_mul(2_654_435_761) ^ port as u32;
            let isn_s = isn_c.rotate_left(13) ^ 0x5a5a_5a5a;
            let conn = Conn {
                client: m.src,
                client_port: port,
                seq_c: isn_c.wrapping_add(1),
                seq_s: isn_s.wrapping_add(1),
            };
            // three-way handshake, at the time of the first message
            let (c, s) = (m.src, m.dst);
            let syn = tcp_segment(c, s, port, 5060, isn_c, 0, 0x02, &[]);
            self.ip_id = self.ip_id.wrapping_add(1);
            self.frame(m.time, c, s, 6, (0, false), &syn)?;
            let synack = tcp_segment(s, c, 5060, port, isn_s, isn_c.wrapping_add(1), 0x12, &[]);
            self.ip_id = self.ip_id.wrapping_add(1);
            self.frame(m.time, s, c, 6, (0, false), &synack)?;
            let ack = tcp_segment(
                c,
                s,
                port,
                5060,
                isn_c.wrapping_add(1),
                isn_s.wrapping_add(1),
                0x10,
                &[],
            );
            self.ip_id = self.ip_id.wrapping_add(1);
            self.frame(m.time, c, s, 6, (0, false), &ack)?;
            self.conns.insert(key, conn);
        }
        let conn = self.conns.get_mut(&key).expect("inserted above");
        let from_client = conn.client == m.src;
        let (sport, dport) = if from_client {
            (conn.client_port, 5060)
        } else {
            (5060, conn.client_port)
        };
        let mut segs = Vec::new();
        for chunk in m.data.chunks(MSS) {
            let (seq, ack) = if from_client {
                (conn.seq_c, conn.seq_s)
            } else {
                (conn.seq_s, conn.seq_c)
            };
            segs.push(tcp_segment(
                m.src, m.dst, sport, dport, seq, ack, 0x18, chunk,
            ));
            if from_client {
                conn.seq_c = conn.seq_c.wrapping_add(chunk.len() as u32);
            } else {
                conn.seq_s = conn.seq_s.wrapping_add(chunk.len() as u32);
            }
        }
        for s in segs {
            self.ip_id = self.ip_id.wrapping_add(1);
            self.frame(m.time, m.src, m.dst, 6, (0, false), &s)?;
        }
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn tcp_segment(
    src: Host,
    dst: Host,
    sport: u16,
    dport: u16,
    seq: u32,
    ack: u32,
    flags: u8,
    data: &[u8],
) -> Vec<u8> {
    let mut t = Vec::with_capacity(20 + data.len());
    t.extend_from_slice(&sport.to_be_bytes());
    t.extend_from_slice(&dport.to_be_bytes());
    t.extend_from_slice(&seq.to_be_bytes());
    t.extend_from_slice(&ack.to_be_bytes());
    t.push(5 << 4);
    t.push(flags);
    t.extend_from_slice(&65535u16.to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 0]);
    t.extend_from_slice(data);
    let ck = l4_checksum(src, dst, 6, &t);
    t[16..18].copy_from_slice(&ck.to_be_bytes());
    t
}

fn sum(mut acc: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        acc += u16::from_be_bytes([c[0], c[1]]) as u32;
    }
    if let [b] = chunks.remainder() {
        acc += (*b as u32) << 8;
    }
    acc
}

fn fold(mut acc: u32) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc as u16
}

fn l4_checksum(src: Host, dst: Host, proto: u8, seg: &[u8]) -> u16 {
    let mut acc = sum(0, &src.ip());
    acc = sum(acc, &dst.ip());
    acc += proto as u32 + seg.len() as u32;
    !fold(sum(acc, seg))
}

// ---------------------------------------------------------------------------------------
// Scenarios

struct Gen {
    rng: Rng,
    tp: Tp,
    uacs: Vec<Host>,
    uass: Vec<Host>,
    registrar: Host,
    heap: BinaryHeap<Out>,
    seq: u64,
    call_ids: u64,
    /// Messages sent again (retransmissions) since the last `take_resent`.
    resent: u32,
    /// What each Call-ID should show, when asked for (`generate_expecting`).
    expect: Option<Vec<Expect>>,
}

/// What the generator meant one Call-ID to show: the analysis of the capture must find
/// exactly this (tests/flow_large.rs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expect {
    /// The Call-ID.
    pub call_id: String,
    /// `call`, `registration` or `options`.
    pub kind: &'static str,
    /// The state word (`completed`, `cancelled`, `busy`, `registered`, `succeeded`).
    pub state: &'static str,
    /// Final status of the deciding transaction.
    pub final_status: u16,
    /// Who sent the BYE (`caller` or `callee`), for answered calls.
    pub hangup: Option<&'static str>,
    /// Reliable provisionals, each acknowledged by a PRACK.
    pub prack_pairs: usize,
    /// Messages sent again over UDP (the INVITE, or the 200 OK to it).
    pub retransmissions: u32,
    /// The Call-ID of the INVITE a REFER in this call triggered (outcome `success`).
    pub transfer_target: Option<String>,
    /// The Call-ID of the call whose REFER triggered this one.
    pub transferred_from: Option<String>,
}

/// One INVITE dialog between a caller and a callee.
struct Call {
    caller: Party,
    callee: Party,
    call_id: String,
    from_tag: String,
    to_tag: String,
    /// the callee's next CSeq for requests it sends in the dialog
    callee_cseq: u32,
    caller_cseq: u32,
}

impl Call {
    fn caller_header(&self) -> String {
        format!("{};tag={}", self.caller.name_addr(), self.from_tag)
    }
    fn to_hdr(&self) -> String {
        format!("<{}>", self.callee.uri())
    }
}

impl Gen {
    fn take_resent(&mut self) -> u32 {
        std::mem::take(&mut self.resent)
    }

    /// Records what `e.call_id` should show (when expectations are asked for).
    fn expect(&mut self, e: Expect) {
        if let Some(list) = &mut self.expect {
            list.push(e);
        }
    }

    /// An INVITE call answered and hung up by `hangup`.
    fn expect_answered(&mut self, c: &Call, hangup: &'static str, prack: bool, resent: u32) {
        self.expect(Expect {
            call_id: c.call_id.clone(),
            kind: "call",
            state: "completed",
            final_status: 200,
            hangup: Some(hangup),
            prack_pairs: usize::from(prack),
            retransmissions: resent,
            ..Expect::default()
        });
    }

    fn push(&mut self, time: i64, src: Host, dst: Host, data: Vec<u8>) {
        self.seq += 1;
        self.heap.push(Out {
            time,
            seq: self.seq,
            src,
            dst,
            data,
        });
    }

    fn via(&mut self, host: Host) -> String {
        let b = self.rng.branch();
        let rport = if self.tp == Tp::Udp { ";rport" } else { "" };
        format!(
            "SIP/2.0/{} {}:5060;branch={b}{rport}",
            self.tp.upper(),
            host.text()
        )
    }

    fn call_id(&mut self, host: Host) -> String {
        self.call_ids += 1;
        format!("{}@{}", self.rng.hex(24), host.text())
    }

    fn caller(&mut self, i: u64) -> Party {
        let host = *self.rng.pick(&self.uacs);
        let n = 2_000_000 + (i * 7919) % 1_000_000;
        Party {
            host,
            user: format!("+1555{n:07}"),
            display: format!("Caller {n}"),
            agent: UAC_AGENTS[(host.0 % UAC_AGENTS.len() as u32) as usize],
        }
    }

    fn callee_on(&mut self, host: Host, i: u64) -> Party {
        let n = 5_000_000 + (i * 104_729) % 1_000_000;
        Party {
            host,
            user: format!("+1444{n:07}"),
            display: format!("Callee {n}"),
            agent: UAS_AGENTS[(host.0 % UAS_AGENTS.len() as u32) as usize],
        }
    }

    fn callee(&mut self, i: u64) -> Party {
        let host = *self.rng.pick(&self.uass);
        self.callee_on(host, i)
    }

    fn new_call(&mut self, caller: Party, callee: Party) -> Call {
        let call_id = self.call_id(caller.host);
        let from_tag = self.rng.tag();
        let to_tag = self.rng.tag();
        Call {
            caller,
            callee,
            call_id,
            from_tag,
            to_tag,
            callee_cseq: 1,
            caller_cseq: 2,
        }
    }

    /// The initial INVITE of `c`; `prack` asks for reliable provisionals, `extra` adds headers.
    fn invite(&mut self, c: &Call, prack: bool, extra: Vec<String>) -> Req {
        let big = self.rng.chance(0.03);
        let mut headers = vec![
            format!("Contact: {}", c.caller.contact(self.tp)),
            ALLOW.to_string(),
        ];
        headers.push(if prack {
            "Supported: 100rel, replaces, timer".into()
        } else {
            "Supported: replaces, timer".into()
        });
        if prack {
            headers.push("Require: 100rel".into());
        }
        headers.push("Session-Expires: 1800;refresher=uac".into());
        headers.push("Min-SE: 90".into());
        headers.push(format!("User-Agent: {}", c.caller.agent));
        headers.push("Allow-Events: talk, hold, refer".into());
        headers.extend(extra);
        let body = if big {
            headers.extend(big_headers(&mut self.rng, &c.caller, &c.callee));
            big_sdp(&mut self.rng, c.caller.host)
        } else {
            sdp(&mut self.rng, c.caller.host, false)
        };
        Req {
            method: "INVITE",
            ruri: format!("{}:5060", c.callee.uri()),
            via: self.via(c.caller.host),
            from: c.caller_header(),
            to: c.to_hdr(),
            call_id: c.call_id.clone(),
            cseq: 1,
            cseq_method: "INVITE",
            headers,
            body: Some(("application/sdp", body)),
        }
    }

    fn server_hdrs(&self, c: &Call) -> Vec<String> {
        vec![
            format!("Contact: {}", c.callee.contact(self.tp)),
            format!("Server: {}", c.callee.agent),
        ]
    }

    /// An in-dialog request from the caller (`from_caller`) or the callee.
    fn in_dialog(
        &mut self,
        c: &mut Call,
        from_caller: bool,
        method: &'static str,
        headers: Vec<String>,
        body: Option<(&'static str, String)>,
    ) -> Req {
        let (via_host, ruri, from, to, cseq) = if from_caller {
            let cs = c.caller_cseq;
            c.caller_cseq += 1;
            (
                c.caller.host,
                format!(
                    "sip:{}@{}:5060;transport={}",
                    c.callee.user,
                    c.callee.host.text(),
                    self.tp.lower()
                ),
                c.caller_header(),
                format!("{};tag={}", c.to_hdr(), c.to_tag),
                cs,
            )
        } else {
            let cs = c.callee_cseq;
            c.callee_cseq += 1;
            (
                c.callee.host,
                format!(
                    "sip:{}@{}:5060;transport={}",
                    c.caller.user,
                    c.caller.host.text(),
                    self.tp.lower()
                ),
                format!("{};tag={}", c.to_hdr(), c.to_tag),
                c.caller_header(),
                cs,
            )
        };
        Req {
            method,
            ruri,
            via: self.via(via_host),
            from,
            to,
            call_id: c.call_id.clone(),
            cseq,
            cseq_method: method,
            headers,
            body,
        }
    }

    /// Sends `req` from `src` to `dst` at `t`; over UDP, with probability `p_retrans`, sends
    /// it again after T1 (the answer was late). Returns when the answer may leave `dst`.
    fn send_req(&mut self, t: i64, src: Host, dst: Host, req: &Req, p_retrans: f64) -> i64 {
        let bytes = req.text();
        let arrive = t + self.rng.hop();
        if self.tp == Tp::Udp && self.rng.chance(p_retrans) {
            self.resent += 1;
            self.push(t, src, dst, bytes.clone());
            self.push(t + 500 * MS, src, dst, bytes);
            return t + 500 * MS + self.rng.hop() + 20 * MS;
        }
        self.push(t, src, dst, bytes);
        arrive
    }

    /// Caller-side INVITE ... 200 OK / ACK. Returns the time the ACK arrives.
    fn setup(&mut self, t0: i64, c: &mut Call, prack: bool, extra: Vec<String>) -> i64 {
        let inv = self.invite(c, prack, extra);
        let (a, b) = (c.caller.host, c.callee.host);
        let mut t = self.send_req(t0, a, b, &inv, 0.025);
        self.push(
            t,
            b,
            a,
            inv.response(
                100,
                "Trying",
                None,
                vec![format!("Server: {}", c.callee.agent)],
                None,
            ),
        );
        t += self.rng.range(20, 300) as i64 * MS;
        if prack {
            let rseq = self.rng.range(1, 1 << 20);
            let mut h = self.server_hdrs(c);
            h.push("Require: 100rel".into());
            h.push(format!("RSeq: {rseq}"));
            let body = sdp(&mut self.rng, b, true);
            self.push(
                t,
                b,
                a,
                inv.response(
                    183,
                    "Session Progress",
                    Some(&c.to_tag),
                    h,
                    Some(("application/sdp", body)),
                ),
            );
            t += self.rng.hop() + 5 * MS;
            let pr = self.in_dialog(
                c,
                true,
                "PRACK",
                vec![
                    format!("RAck: {rseq} 1 INVITE"),
                    format!("User-Agent: {}", c.caller.agent),
                ],
                None,
            );
            self.push(t, a, b, pr.text());
            t += self.rng.hop();
            self.push(
                t,
                b,
                a,
                pr.response(
                    200,
                    "OK",
                    None,
                    vec![format!("Server: {}", c.callee.agent)],
                    None,
                ),
            );
        } else {
            self.push(
                t,
                b,
                a,
                inv.response(180, "Ringing", Some(&c.to_tag), self.server_hdrs(c), None),
            );
        }
        t += self.rng.range(500, 8000) as i64 * MS;
        let mut h = self.server_hdrs(c);
        h.push(ALLOW.to_string());
        h.push("Session-Expires: 1800;refresher=uac".into());
        let body = sdp(&mut self.rng, b, true);
        let ok = inv.response(
            200,
            "OK",
            Some(&c.to_tag),
            h,
            Some(("application/sdp", body)),
        );
        let ack_late = self.tp == Tp::Udp && self.rng.chance(0.025);
        self.push(t, b, a, ok.clone());
        if ack_late {
            self.resent += 1;
            self.push(t + 500 * MS, b, a, ok);
            t += 500 * MS;
        }
        t += self.rng.hop();
        // ACK to a 2xx: a new transaction with the CSeq number of the INVITE
        let next = c.caller_cseq;
        let ack = self.in_dialog(c, true, "ACK", vec![], None);
        let ack = Req { cseq: 1, ..ack };
        c.caller_cseq = next;
        self.push(t, a, b, ack.text());
        t
    }

    /// BYE from either side and its 200.
    fn teardown(&mut self, t: i64, c: &mut Call, from_caller: bool) -> i64 {
        let (src, dst) = if from_caller {
            (c.caller.host, c.callee.host)
        } else {
            (c.callee.host, c.caller.host)
        };
        let agent = if from_caller {
            c.caller.agent
        } else {
            c.callee.agent
        };
        let bye = self.in_dialog(
            c,
            from_caller,
            "BYE",
            vec![format!("User-Agent: {agent}")],
            None,
        );
        let t = self.send_req(t, src, dst, &bye, 0.0);
        self.push(t, dst, src, bye.response(200, "OK", None, vec![], None));
        t
    }

    fn basic(&mut self, t0: i64, i: u64, prack: bool) {
        let caller = self.caller(i);
        let callee = self.callee(i);
        let mut c = self.new_call(caller, callee);
        self.take_resent();
        let t = self.setup(t0, &mut c, prack, vec![]);
        let hold = self.rng.range(2_000, 60_000) as i64 * MS;
        let by_caller = self.rng.chance(0.6);
        self.teardown(t + hold, &mut c, by_caller);
        let resent = self.take_resent();
        let hangup = if by_caller { "caller" } else { "callee" };
        self.expect_answered(&c, hangup, prack, resent);
    }

    fn cancel(&mut self, t0: i64, i: u64) {
        let caller = self.caller(i);
        let callee = self.callee(i);
        let c = self.new_call(caller, callee);
        let inv = self.invite(&c, false, vec![]);
        let (a, b) = (c.caller.host, c.callee.host);
        let mut t = self.send_req(t0, a, b, &inv, 0.0);
        self.push(t, b, a, inv.response(100, "Trying", None, vec![], None));
        t += self.rng.range(20, 200) as i64 * MS;
        self.push(
            t,
            b,
            a,
            inv.response(180, "Ringing", Some(&c.to_tag), self.server_hdrs(&c), None),
        );
        t += self.rng.range(1000, 15000) as i64 * MS;
        let cancel = Req {
            method: "CANCEL",
            cseq_method: "CANCEL",
            headers: vec![format!("User-Agent: {}", c.caller.agent)],
            body: None,
            ..inv.clone()
        };
        self.push(t, a, b, cancel.text());
        t += self.rng.hop();
        self.push(
            t,
            b,
            a,
            cancel.response(200, "OK", Some(&c.to_tag), vec![], None),
        );
        self.push(
            t + 100_000,
            b,
            a,
            inv.response(487, "Request Terminated", Some(&c.to_tag), vec![], None),
        );
        t += self.rng.hop() + 100_000;
        self.ack_failure(t, &c, inv, "cancelled", 487);
    }

    /// The caller's ACK to the non-2xx final `status` of `inv` (same branch and CSeq, the
    /// callee's To tag), and what the call should show: `state` with that status.
    fn ack_failure(&mut self, t: i64, c: &Call, inv: Req, state: &'static str, status: u16) {
        let ack = Req {
            method: "ACK",
            cseq_method: "ACK",
            to: format!("{};tag={}", c.to_hdr(), c.to_tag),
            headers: vec![],
            body: None,
            ..inv
        };
        self.push(t, c.caller.host, c.callee.host, ack.text());
        self.expect(Expect {
            call_id: c.call_id.clone(),
            kind: "call",
            state,
            final_status: status,
            ..Expect::default()
        });
    }

    fn busy(&mut self, t0: i64, i: u64) {
        let caller = self.caller(i);
        let callee = self.callee(i);
        let c = self.new_call(caller, callee);
        let inv = self.invite(&c, false, vec![]);
        let (a, b) = (c.caller.host, c.callee.host);
        let mut t = self.send_req(t0, a, b, &inv, 0.0);
        self.push(t, b, a, inv.response(100, "Trying", None, vec![], None));
        t += self.rng.range(20, 500) as i64 * MS;
        let h = vec![
            format!("Server: {}", c.callee.agent),
            "Reason: Q.850;cause=17;text=\"User busy\"".into(),
        ];
        self.push(
            t,
            b,
            a,
            inv.response(486, "Busy Here", Some(&c.to_tag), h, None),
        );
        t += self.rng.hop();
        self.ack_failure(t, &c, inv, "busy", 486);
    }

    fn register(&mut self, t0: i64, i: u64) {
        let ua = self.caller(i);
        let reg = self.registrar;
        let call_id = self.call_id(ua.host);
        let tag = self.rng.tag();
        let aor = format!("<sip:{}@sip.example.net>", ua.user);
        let mut r = Req {
            method: "REGISTER",
            ruri: "sip:sip.example.net".into(),
            via: self.via(ua.host),
            from: format!("{aor};tag={tag}"),
            to: aor.clone(),
            call_id,
            cseq: 1,
            cseq_method: "REGISTER",
            headers: vec![
                format!("Contact: {};expires=3600", ua.contact(self.tp)),
                format!("User-Agent: {}", ua.agent),
                "Expires: 3600".into(),
                ALLOW.to_string(),
            ],
            body: None,
        };
        let mut t = self.send_req(t0, ua.host, reg, &r, 0.0);
        let nonce = self.rng.hex(32);
        let realm = "sip.example.net";
        let h = vec![
            format!(
                "WWW-Authenticate: Digest realm=\"{realm}\", nonce=\"{nonce}\", algorithm=MD5, qop=\"auth\""
            ),
            "Server: Kamailio (5.7.2 (x86_64/linux))".into(),
        ];
        let tag = self.rng.tag();
        self.push(
            t,
            reg,
            ua.host,
            r.response(401, "Unauthorized", Some(&tag), h, None),
        );
        t += self.rng.hop() + 2 * MS;
        r.cseq = 2;
        r.via = self.via(ua.host);
        r.headers.push(format!(
            "Authorization: Digest username=\"{}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"sip:sip.example.net\", response=\"{}\", algorithm=MD5, cnonce=\"{}\", qop=auth, nc=00000001",
            ua.user,
            self.rng.hex(32),
            self.rng.hex(16)
        ));
        self.push(t, ua.host, reg, r.text());
        t += self.rng.hop();
        let h = vec![
            format!("Contact: {};expires=3600", ua.contact(self.tp)),
            "Server: Kamailio (5.7.2 (x86_64/linux))".into(),
        ];
        let tag = self.rng.tag();
        self.push(t, reg, ua.host, r.response(200, "OK", Some(&tag), h, None));
        self.expect(Expect {
            call_id: r.call_id.clone(),
            kind: "registration",
            state: "registered",
            final_status: 200,
            ..Expect::default()
        });
    }

    fn options(&mut self, t0: i64, i: u64) {
        let ua = self.caller(i);
        let reg = self.registrar;
        let call_id = self.call_id(reg);
        let tag = self.rng.tag();
        let r = Req {
            method: "OPTIONS",
            ruri: format!("sip:{}:5060", ua.host.text()),
            via: self.via(reg),
            from: format!("<sip:ping@sip.example.net>;tag={tag}"),
            to: format!("<sip:{}:5060>", ua.host.text()),
            call_id,
            cseq: 1,
            cseq_method: "OPTIONS",
            headers: vec!["User-Agent: Kamailio (5.7.2 (x86_64/linux))".into()],
            body: None,
        };
        let t = self.send_req(t0, reg, ua.host, &r, 0.0);
        let h = vec![
            ALLOW.to_string(),
            "Accept: application/sdp".into(),
            format!("User-Agent: {}", ua.agent),
        ];
        let tag = self.rng.tag();
        self.push(t, ua.host, reg, r.response(200, "OK", Some(&tag), h, None));
        self.expect(Expect {
            call_id: r.call_id.clone(),
            kind: "options",
            state: "succeeded",
            final_status: 200,
            ..Expect::default()
        });
    }

    /// Blind transfer: A calls B; B refers A to C; A calls C (Referred-By: B) and reports the
    /// outcome to B in NOTIFY sipfrag; B hangs up on A; later A and C hang up.
    fn transfer(&mut self, t0: i64, i: u64) {
        let caller = self.caller(i);
        let callee = self.callee(i);
        let mut ab = self.new_call(caller, callee);
        let (a, b) = (ab.caller.host, ab.callee.host);
        self.take_resent();
        let mut t = self.setup(t0, &mut ab, false, vec![]);
        let ab_resent = self.take_resent();
        t += self.rng.range(2_000, 20_000) as i64 * MS;
        let c_host = loop {
            let h = *self.rng.pick(&self.uass);
            if h != b || self.uass.len() == 1 {
                break h;
            }
        };
        let target = self.callee_on(c_host, i + 1_000_003);
        let referred_by = format!("<{}>", ab.callee.uri());
        let h = vec![
            format!("Contact: {}", ab.callee.contact(self.tp)),
            format!("Refer-To: <{}>", target.uri()),
            format!("Referred-By: {referred_by}"),
            format!("User-Agent: {}", ab.callee.agent),
        ];
        let refer = self.in_dialog(&mut ab, false, "REFER", h, None);
        self.push(t, b, a, refer.text());
        t += self.rng.hop();
        self.push(
            t,
            a,
            b,
            refer.response(
                202,
                "Accepted",
                None,
                vec![format!("Contact: {}", ab.caller.contact(self.tp))],
                None,
            ),
        );
        t += self.rng.hop();
        let contact_a = format!("Contact: {}", ab.caller.contact(self.tp));
        let h = vec![
            "Event: refer".into(),
            "Subscription-State: active;expires=60".into(),
            contact_a.clone(),
        ];
        let n1 = self.in_dialog(
            &mut ab,
            true,
            "NOTIFY",
            h,
            Some((
                "message/sipfrag;version=2.0",
                "SIP/2.0 100 Trying\r\n".into(),
            )),
        );
        self.push(t, a, b, n1.text());
        t += self.rng.hop();
        self.push(t, b, a, n1.response(200, "OK", None, vec![], None));
        // A calls the target
        let caller2 = Party {
            host: ab.caller.host,
            user: ab.caller.user.clone(),
            display: ab.caller.display.clone(),
            agent: ab.caller.agent,
        };
        let mut ac = self.new_call(caller2, target);
        let t2 = self.setup(
            t + 5 * MS,
            &mut ac,
            false,
            vec![format!("Referred-By: {referred_by}")],
        );
        let ac_resent = self.take_resent();
        let h = vec![
            "Event: refer".into(),
            "Subscription-State: terminated;reason=noresource".into(),
            contact_a,
        ];
        let n2 = self.in_dialog(
            &mut ab,
            true,
            "NOTIFY",
            h,
            Some(("message/sipfrag;version=2.0", "SIP/2.0 200 OK\r\n".into())),
        );
        let mut t3 = t2 + self.rng.hop();
        self.push(t3, a, b, n2.text());
        t3 += self.rng.hop();
        self.push(t3, b, a, n2.response(200, "OK", None, vec![], None));
        t3 += self.rng.range(10, 200) as i64 * MS;
        self.teardown(t3, &mut ab, false);
        let hold = self.rng.range(5_000, 60_000) as i64 * MS;
        let by_caller = self.rng.chance(0.5);
        self.teardown(t2 + hold, &mut ac, by_caller);
        // B (the callee) sent the REFER and hung up on A once the transfer succeeded
        self.expect(Expect {
            call_id: ab.call_id.clone(),
            kind: "call",
            state: "completed",
            final_status: 200,
            hangup: Some("callee"),
            retransmissions: ab_resent,
            transfer_target: Some(ac.call_id.clone()),
            ..Expect::default()
        });
        self.expect(Expect {
            call_id: ac.call_id.clone(),
            kind: "call",
            state: "completed",
            final_status: 200,
            hangup: Some(if by_caller { "caller" } else { "callee" }),
            retransmissions: ac_resent,
            transferred_from: Some(ab.call_id.clone()),
            ..Expect::default()
        });
    }

    fn scenario(&mut self, t0: i64, i: u64) {
        let r = self.rng.unit();
        match r {
            r if r < 0.48 => self.basic(t0, i, false),
            r if r < 0.56 => self.basic(t0, i, true),
            r if r < 0.59 => self.transfer(t0, i),
            r if r < 0.65 => self.cancel(t0, i),
            r if r < 0.71 => self.busy(t0, i),
            r if r < 0.83 => self.register(t0, i),
            _ => self.options(t0, i),
        }
    }
}

/// What was generated, in the shape `../shared/tools/tshark_messages.py` prints: per Call-ID,
/// What [`generate`] wrote.
#[derive(Clone, Copy, Debug, Default)]
pub struct Summary {
    /// Scenario instances ("calls").
    pub calls: u64,
    /// Distinct Call-IDs (a transfer makes two).
    pub call_ids: u64,
    /// SIP messages on the wire (retransmissions included).
    pub messages: u64,
    /// Frames written.
    pub frames: u64,
    /// Bytes written (pcap headers included).
    pub bytes: u64,
}

/// Writes a classic pcap (Ethernet/IPv4) of `calls` scenario instances to `out`; calls
/// `on_message` with every SIP message in capture order. Deterministic in its arguments.
pub fn generate<W: Write>(
    out: W,
    calls: u64,
    tp: Tp,
    seed: u64,
    cps: f64,
    on_message: impl FnMut(&[u8]),
) -> io::Result<Summary> {
    run(out, calls, tp, seed, cps, on_message, false).map(|(s, _)| s)
}

/// Like [`generate`], and also returns what each Call-ID should show, in the order the
/// scenarios finished generating (the same bytes as `generate` with the same arguments).
pub fn generate_expecting<W: Write>(
    out: W,
    calls: u64,
    tp: Tp,
    seed: u64,
    cps: f64,
) -> io::Result<(Summary, Vec<Expect>)> {
    run(out, calls, tp, seed, cps, |_| {}, true)
}

fn run<W: Write>(
    out: W,
    calls: u64,
    tp: Tp,
    seed: u64,
    cps: f64,
    mut on_message: impl FnMut(&[u8]),
    expect: bool,
) -> io::Result<(Summary, Vec<Expect>)> {
    let mut wire = Wire::new(out, tp)?;
    // 40 caller hosts in 10.1.0.0/16, 40 callee hosts in 10.2.0.0/16, a registrar
    let host = |b: u32, i: u32| Host((10 << 24) | (b << 16) | ((i / 250) << 8) | (i % 250 + 10));
    let mut g = Gen {
        rng: Rng(seed ^ if tp == Tp::Tcp { 0x7c9 } else { 0 }),
        tp,
        uacs: (0..40).map(|i| host(1, i)).collect(),
        uass: (0..40).map(|i| host(2, i)).collect(),
        registrar: Host((10 << 24) | 10),
        heap: BinaryHeap::new(),
        seq: 0,
        call_ids: 0,
        resent: 0,
        expect: expect.then(Vec::new),
    };
    let mut t = EPOCH_NS;
    for i in 0..calls {
        // Poisson arrivals
        let gap = -(1.0 - g.rng.unit()).ln() / cps;
        t += (gap * 1e9) as i64;
        while g.heap.peek().is_some_and(|m| m.time < t) {
            let m = g.heap.pop().expect("peeked");
            wire.send(&m)?;
            on_message(&m.data);
        }
        g.scenario(t, i);
    }
    while let Some(m) = g.heap.pop() {
        wire.send(&m)?;
        on_message(&m.data);
    }
    wire.out.flush()?;
    let summary = Summary {
        calls,
        call_ids: g.call_ids,
        messages: wire.messages,
        frames: wire.frames,
        bytes: wire.bytes,
    };
    Ok((summary, g.expect.unwrap_or_default()))
}
