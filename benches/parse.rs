//! Parser throughput: a typical ~900-byte INVITE with SDP and a ~400-byte 200 OK, parsed to
//! the point where Call-ID, CSeq, top Via branch, From/To tags and status are available
//! (what the call-flow engine reads on every message).
//!
//! Run: `cargo bench --bench parse`. The `rsip` group does the same work with the rsip
//! crate (a dev-dependency used only here), after checking both give the same answers.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sipscope::sip;

/// A typical INVITE as a softphone sends it (about 900 bytes with SDP).
pub const INVITE: &[u8] = b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK-524287-1---7c4b6b6e7d0a1f23;rport\r\n\
Max-Forwards: 70\r\n\
Contact: <sip:alice@192.0.2.101:5060;transport=udp>\r\n\
To: \"Bob\" <sip:bob@biloxi.example.com>\r\n\
From: \"Alice\" <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 1 INVITE\r\n\
Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE, PRACK, UPDATE\r\n\
Content-Type: application/sdp\r\n\
Supported: replaces, 100rel, timer, norefersub\r\n\
User-Agent: Zoiper rv2.10.11.4\r\n\
Allow-Events: presence, kpml, talk\r\n\
Session-Expires: 1800;refresher=uac\r\n\
Content-Length: 271\r\n\
\r\n\
v=0\r\n\
o=Z 1608291354 1 IN IP4 192.0.2.101\r\n\
s=Z\r\n\
c=IN IP4 192.0.2.101\r\n\
t=0 0\r\n\
m=audio 8000 RTP/AVP 106 9 98 101 0 8 3\r\n\
a=rtpmap:106 opus/48000/2\r\n\
a=rtpmap:98 telephone-event/48000\r\n\
a=fmtp:98 0-16\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=sendrecv\r\n\
a=ptime:20\r\n";

/// A typical 200 OK to a BYE (about 400 bytes).
pub const OK200: &[u8] = b"SIP/2.0 200 OK\r\n\
Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK-524287-1---a5b1c8d36e2f1a0b;rport=5060;received=192.0.2.101\r\n\
Contact: <sip:bob@192.0.2.202:5060>\r\n\
To: \"Bob\" <sip:bob@biloxi.example.com>;tag=8321234356\r\n\
From: \"Alice\" <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 2 BYE\r\n\
Server: Asterisk PBX 18.9.0\r\n\
Content-Length: 0\r\n\
\r\n";

/// What the engine reads on every message; returns something derived from all of it so
/// nothing is optimised away.
#[inline]
fn engine_fields(buf: &[u8]) -> usize {
    let m = sip::parse(buf).unwrap();
    debug_assert!(!m.quirks().body_truncated() && !m.quirks().trailing_bytes());
    let call_id = m.call_id().unwrap();
    let cseq = m.cseq().unwrap();
    let branch = m.top_via().unwrap().branch.unwrap();
    let from_tag = m.from().unwrap().tag;
    let to_tag = m.to().unwrap().tag;
    let status = m.status().unwrap_or(0);
    call_id.len()
        + cseq.seq as usize
        + branch.len()
        + from_tag.map_or(0, str::len)
        + to_tag.map_or(0, str::len)
        + status as usize
        + usize::from(m.is_request())
}

/// The same work with rsip (owned, typed parse of the same headers).
fn rsip_fields(buf: &[u8]) -> usize {
    use rsip::prelude::*;
    let m = rsip::SipMessage::try_from(buf).unwrap();
    let call_id = m.call_id_header().unwrap().value().len();
    let cseq = m.cseq_header().unwrap().typed().unwrap();
    let via = m.via_header().unwrap().typed().unwrap();
    let branch = via.branch().map_or(0, |b| b.to_string().len());
    let from_tag = m
        .from_header()
        .unwrap()
        .typed()
        .unwrap()
        .tag()
        .map_or(0, |t| t.value().len());
    let to_tag = m
        .to_header()
        .unwrap()
        .typed()
        .unwrap()
        .tag()
        .map_or(0, |t| t.value().len());
    let status = match &m {
        rsip::SipMessage::Response(r) => r.status_code.code() as usize,
        rsip::SipMessage::Request(_) => 0,
    };
    call_id + cseq.seq as usize + branch + from_tag + to_tag + status + usize::from(m.is_request())
}

fn bench(c: &mut Criterion) {
    assert!((850..=950).contains(&INVITE.len()), "{}", INVITE.len());
    for m in [INVITE, OK200] {
        let q = sip::parse(m).unwrap().quirks();
        assert!(!q.body_truncated() && !q.trailing_bytes(), "{q:?}");
    }
    assert!((380..=420).contains(&OK200.len()), "{}", OK200.len());
    let mut g = c.benchmark_group("sipscope");
    g.throughput(Throughput::Elements(1));
    g.bench_function("invite_900B", |b| {
        b.iter(|| engine_fields(black_box(INVITE)))
    });
    g.bench_function("ok200_400B", |b| b.iter(|| engine_fields(black_box(OK200))));
    g.bench_function("parse_only_invite", |b| {
        b.iter(|| sip::parse(black_box(INVITE)).unwrap().len())
    });
    g.bench_function("frame_datagram_invite", |b| {
        b.iter(|| sip::framing::frame_datagram(black_box(INVITE)))
    });
    g.finish();
    // Same answers from both parsers before comparing speed.
    assert_eq!(engine_fields(INVITE), rsip_fields(INVITE));
    assert_eq!(engine_fields(OK200), rsip_fields(OK200));
    let mut g = c.benchmark_group("rsip");
    g.throughput(Throughput::Elements(1));
    g.bench_function("invite_900B", |b| b.iter(|| rsip_fields(black_box(INVITE))));
    g.bench_function("ok200_400B", |b| b.iter(|| rsip_fields(black_box(OK200))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
