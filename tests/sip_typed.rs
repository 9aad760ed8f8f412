//! Typed accessors on realistic messages of the flows the engine follows: reliable
//! provisional + PRACK (RFC 3262), attended transfer REFER + NOTIFY sipfrag (RFC 3515,
//! 3891, 4488), subscriptions (RFC 6665), BYE with Reason (RFC 3326), identity and session
//! timers, REGISTER with `Contact: *`, INFO DTMF.

use sipscope::sip::{self, Contact, Method, Scheme, body::Direction};

fn parse(s: &str) -> sip::Message<'_> {
    sip::parse_strict(s.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{s}"))
}

const R183: &str = "SIP/2.0 183 Session Progress\r\n\
Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK74bf9;received=192.0.2.1;rport=5062\r\n\
From: \"Alice\" <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n\
To: <sip:bob@biloxi.example.com>;tag=314159\r\n\
Call-ID: 3848276298220188511@atlanta.example.com\r\n\
CSeq: 1 INVITE\r\n\
Require: 100rel\r\n\
RSeq: 7001\r\n\
Supported: timer, replaces\r\n\
Allow: INVITE, ACK, CANCEL, BYE, PRACK, UPDATE, REFER, NOTIFY\r\n\
P-Asserted-Identity: \"Bob\" <sip:+15551234@biloxi.example.com;user=phone>, <tel:+15551234>\r\n\
Session-Expires: 1800;refresher=uas\r\n\
Server: Acme SBC 1.0\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 139\r\n\
\r\n\
v=0\r\n\
o=- 1 1 IN IP4 192.0.2.9\r\n\
s=-\r\n\
c=IN IP4 192.0.2.9\r\n\
t=0 0\r\n\
m=audio 30000 RTP/AVP 8 101\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=recvonly\r\n";

#[test]
fn reliable_provisional_and_prack() {
    let m = parse(R183);
    assert!(!m.quirks().trailing_bytes() && !m.quirks().body_truncated());
    assert_eq!(m.status(), Some(183));
    assert_eq!(m.rseq(), Some(7001));
    assert!(m.requires("100rel"));
    assert!(m.supports("REPLACES"));
    assert_eq!(m.allow().count(), 8);
    assert!(m.allow().any(|x| x == Method::Prack));
    let via = m.top_via().unwrap();
    assert_eq!(via.received, Some("192.0.2.1"));
    assert_eq!(via.rport, Some(Some(5062)));
    assert_eq!(via.sent_by.port, Some(5060));
    let pai: Vec<_> = m.p_asserted_identity().collect();
    assert_eq!(pai.len(), 2);
    assert_eq!(pai[0].display_name().unwrap(), "Bob");
    assert_eq!(
        pai[0].parsed_uri().unwrap().param("user"),
        Some(Some("phone"))
    );
    assert_eq!(pai[1].parsed_uri().unwrap().scheme, Scheme::Tel);
    assert_eq!(pai[1].parsed_uri().unwrap().user, Some("+15551234"));
    let se = m.session_expires().unwrap();
    assert_eq!((se.delta, se.refresher), (1800, Some("uas")));
    assert_eq!(m.server(), Some("Acme SBC 1.0"));
    let sdp = m.sdp().unwrap();
    let media = sdp.media().next().unwrap();
    assert_eq!(media.direction(), Direction::RecvOnly);
    assert_eq!(
        media.codecs().map(|c| c.name).collect::<Vec<_>>(),
        vec!["PCMA", "telephone-event"]
    );

    let prack = parse(
        "PRACK sip:bob@192.0.2.9 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK9\r\n\
From: <sip:alice@a>;tag=9fxced76sl\r\nTo: <sip:bob@b>;tag=314159\r\nCall-ID: x\r\n\
CSeq: 2 PRACK\r\nRAck: 7001 1 INVITE\r\nContent-Length: 0\r\n\r\n",
    );
    let rack = prack.rack().unwrap();
    assert_eq!(
        (rack.rseq, rack.cseq, rack.method),
        (7001, 1, Method::Invite)
    );
    assert_eq!(prack.cseq().unwrap().method, Method::Prack);
}

#[test]
fn attended_transfer_refer() {
    let m = parse(
        "REFER sip:bob@192.0.2.9 SIP/2.0\r\n\
Via: SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bKr1\r\n\
From: <sip:alice@a.example>;tag=a1\r\n\
To: <sip:bob@b.example>;tag=b1\r\n\
Call-ID: refer-1@a.example\r\n\
CSeq: 93809824 REFER\r\n\
r: <sip:carol@c.example?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994&Require=replaces>\r\n\
b: \"Alice\" <sip:alice@a.example>\r\n\
Refer-Sub: false\r\n\
Content-Length: 0\r\n\r\n",
    );
    assert_eq!(m.method(), Some(Method::Refer));
    let rt = m.refer_to().unwrap();
    let u = rt.parsed_uri().unwrap();
    assert_eq!((u.user, u.host), (Some("carol"), "c.example"));
    assert_eq!(u.header("Require").unwrap(), "replaces");
    let r = m.refer_to_replaces().unwrap();
    assert_eq!(r.call_id, "12345@192.168.118.3");
    assert_eq!(r.to_tag, "12345");
    assert_eq!(r.from_tag, "5FFE-3994");
    assert!(!r.early_only);
    assert_eq!(m.referred_by().unwrap().display_name().unwrap(), "Alice");
    assert_eq!(m.refer_sub(), Some(false));
    let v = m.top_via().unwrap();
    assert_eq!(
        (v.transport, v.sent_by.host, v.sent_by.ipv6),
        ("TCP", "2001:db8::1", true)
    );
}

#[test]
fn transfer_target_invite_with_replaces() {
    let m = parse(
        "INVITE sip:carol@c.example SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKi2\r\n\
From: <sip:bob@b>;tag=x\r\nTo: <sip:carol@c.example>\r\nCall-ID: new-call\r\nCSeq: 1 INVITE\r\n\
Referred-By: <sip:alice@a.example>\r\n\
Replaces: 12345@192.168.118.3;to-tag=12345;from-tag=5FFE-3994;early-only\r\n\
Content-Length: 0\r\n\r\n",
    );
    let r = m.replaces().unwrap();
    assert_eq!(
        (
            r.call_id.as_ref(),
            r.to_tag.as_ref(),
            r.from_tag.as_ref(),
            r.early_only
        ),
        ("12345@192.168.118.3", "12345", "5FFE-3994", true)
    );
    assert_eq!(m.referred_by().unwrap().uri, "sip:alice@a.example");
}

#[test]
fn notify_with_sipfrag_and_subscription_state() {
    let m = parse(
        "NOTIFY sip:alice@a SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKn3\r\n\
From: <sip:bob@b>;tag=b1\r\nTo: <sip:alice@a>;tag=a1\r\nCall-ID: refer-1\r\nCSeq: 5 NOTIFY\r\n\
o: refer;id=93809824\r\n\
Subscription-State: terminated;reason=noresource\r\n\
c: message/sipfrag;version=2.0\r\nl: 16\r\n\r\nSIP/2.0 200 OK\r\n",
    );
    let ev = m.event().unwrap();
    assert_eq!((ev.package, ev.id), ("refer", Some("93809824")));
    let ss = m.subscription_state().unwrap();
    assert!(ss.is_terminated());
    assert_eq!(ss.reason, Some("noresource"));
    let f = m.sipfrag().unwrap();
    assert_eq!((f.status(), f.reason()), (Some(200), Some("OK")));

    let active = parse(
        "NOTIFY sip:alice@a SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKn4\r\n\
From: <sip:bob@b>;tag=b1\r\nTo: <sip:alice@a>;tag=a1\r\nCall-ID: refer-1\r\nCSeq: 4 NOTIFY\r\n\
Event: refer\r\nSubscription-State: active;expires=60\r\n\
Content-Type: message/sipfrag\r\nContent-Length: 20\r\n\r\nSIP/2.0 100 Trying\r\n",
    );
    assert_eq!(active.event().unwrap().id, None);
    assert_eq!(active.subscription_state().unwrap().expires, Some(60));
    assert_eq!(active.sipfrag().unwrap().status(), Some(100));
}

#[test]
fn bye_with_reasons() {
    let m = parse(
        "BYE sip:bob@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKb5\r\n\
From: <sip:alice@a>;tag=a1\r\nTo: <sip:bob@b>;tag=b1\r\nCall-ID: c\r\nCSeq: 3 BYE\r\n\
Reason: SIP;cause=200;text=\"Call completed elsewhere\", Q.850;cause=16;text=\"Normal, clearing\"\r\n\
User-Agent: Linphone/5.2\r\nContent-Length: 0\r\n\r\n",
    );
    let r: Vec<_> = m.reasons().collect();
    assert_eq!(r.len(), 2);
    assert_eq!((r[0].protocol, r[0].cause), ("SIP", Some(200)));
    assert_eq!(r[0].text, Some("Call completed elsewhere"));
    assert_eq!((r[1].protocol, r[1].cause), ("Q.850", Some(16)));
    assert_eq!(r[1].text, Some("Normal, clearing"));
    assert_eq!(m.user_agent(), Some("Linphone/5.2"));
}

#[test]
fn register_star_and_expires() {
    let m = parse(
        "REGISTER sip:registrar.example SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKr6\r\n\
From: <sip:alice@example>;tag=r\r\nTo: <sip:alice@example>\r\nCall-ID: reg\r\nCSeq: 9 REGISTER\r\n\
Contact: *\r\nExpires: 0\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(m.contact(), Some(Contact::Star));
    assert_eq!(m.expires(), Some(0));
    assert_eq!(m.max_forwards(), Some(70));
}

#[test]
fn info_dtmf_and_multipart_sdp() {
    let m = parse(
        "INFO sip:bob@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKd7\r\n\
From: <sip:alice@a>;tag=a1\r\nTo: <sip:bob@b>;tag=b1\r\nCall-ID: c\r\nCSeq: 4 INFO\r\n\
Content-Type: application/dtmf\r\nContent-Length: 1\r\n\r\n#",
    );
    assert_eq!(m.dtmf().unwrap().signal, "#");

    let body = "--XyZ\r\nContent-Type: application/sdp\r\n\r\nv=0\r\nc=IN IP4 192.0.2.7\r\nm=audio 4000 RTP/AVP 0\r\n\r\n--XyZ\r\nContent-Type: application/isup;version=itu-t92+\r\n\r\n\x01\x02\r\n--XyZ--\r\n";
    let msg = format!(
        "INVITE sip:bob@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKm8\r\n\
From: <sip:alice@a>;tag=a1\r\nTo: <sip:bob@b>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\
Content-Type: multipart/mixed;boundary=\"XyZ\"\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let m = parse(&msg);
    let parts: Vec<_> = m.multipart().unwrap().parts().collect();
    assert_eq!(parts.len(), 2);
    let sdp = sip::body::Sdp::parse(parts[0].body).unwrap();
    assert_eq!(sdp.connection().unwrap().address, "192.0.2.7");
    assert!(parts[1].content_type().unwrap().is("application", "isup"));
    assert_eq!(parts[1].body, b"\x01\x02");
}
