//! RFC 5118 IPv6 torture messages, both as archived (bare LF, two files without the closing
//! empty line, two Content-Lengths that do not match) and as on the wire (`wire-crlf/`).
//! Listed in tests/data/rfc4475/EXPECTATIONS.md.

use sipscope::sip::{self, Contact, ErrorKind};

fn both(name: &str) -> Vec<(String, Vec<u8>)> {
    let base = format!("{}/tests/data/rfc5118", env!("CARGO_MANIFEST_DIR"));
    [format!("{base}/{name}"), format!("{base}/wire-crlf/{name}")]
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
            (p, b)
        })
        .collect()
}

/// Archive copies are read leniently (LF-only is a recorded quirk); wire copies strictly.
fn each(name: &str, check: impl Fn(&sip::Message<'_>)) {
    for (i, (path, bytes)) in both(name).iter().enumerate() {
        let m = if i == 0 {
            let m = sip::parse(bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(m.quirks().lf_only(), "{path}");
            m
        } else {
            sip::parse_strict(bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
        };
        check(&m);
    }
}

#[test]
fn ipv6_good() {
    each("ipv6-good", |m| {
        let u = m.request_uri_parsed().unwrap();
        assert_eq!((u.host, u.ipv6, u.port), ("2001:db8::10", true, None));
        let v = m.top_via().unwrap();
        assert_eq!((v.sent_by.host, v.sent_by.ipv6), ("2001:db8::9:1", true));
        let Some(Contact::Addr(c)) = m.contact() else {
            panic!()
        };
        assert_eq!(c.parsed_uri().unwrap().host, "2001:db8::1");
        assert_eq!(c.display, Some("Caller"));
    });
}

#[test]
fn ipv6_bad_rejected() {
    for (path, b) in both("ipv6-bad") {
        let e = sip::parse_strict(&b).expect_err(&path);
        assert_eq!(e.kind, ErrorKind::BadRequestUri);
        assert_eq!(
            e.message,
            "Request-URI host is an IPv6 address without []: sip:2001:db8::10"
        );
    }
}

#[test]
fn port_ambiguous_is_one_address_without_port() {
    each("port-ambiguous", |m| {
        let u = m.request_uri_parsed().unwrap();
        assert_eq!((u.host, u.port), ("2001:db8::10:5070", None));
    });
}

#[test]
fn port_unambiguous_has_port() {
    each("port-unambiguous", |m| {
        let u = m.request_uri_parsed().unwrap();
        assert_eq!((u.host, u.port), ("2001:db8::10", Some(5070)));
    });
}

#[test]
fn via_received_with_and_without_brackets() {
    each("via-received-param-with-delim", |m| {
        let v = m.top_via().unwrap();
        assert_eq!(v.received, Some("[2001:db8::9:255]"));
        assert_eq!(v.branch, Some("z9hG4bKas3-111"));
    });
    each("via-received-param-no-delim", |m| {
        let v = m.top_via().unwrap();
        assert_eq!(v.received, Some("2001:db8::9:255"));
        assert_eq!(v.branch, Some("z9hG4bKas3"));
    });
}

#[test]
fn ipv6_in_sdp() {
    each("ipv6-in-sdp", |m| {
        let sdp = m.sdp().unwrap();
        let c = sdp.connection().unwrap();
        assert_eq!((c.addr_type, c.address), ("IP6", "2001:db8::20"));
        let media: Vec<_> = sdp.media().map(|x| (x.kind, x.port)).collect();
        assert_eq!(media, vec![("audio", 6000), ("video", 6024)]);
    });
    // The archive's Content-Length (268) is larger than its LF body: strict says so.
    let (_, archived) = &both("ipv6-in-sdp")[0];
    let e = sip::parse_strict(archived).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ContentLengthExceedsBody);
    assert!(sip::parse(archived).unwrap().quirks().body_truncated());
}

#[test]
fn mult_ip_in_header() {
    each("mult-ip-in-header", |m| {
        let v: Vec<_> = m.vias().collect();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].sent_by.to_string(), "[2001:db8::9:1]:6050");
        assert_eq!((v[1].sent_by.host, v[1].sent_by.ipv6), ("192.0.2.1", false));
        assert_eq!(v[2].sent_by.host, "2001:db8::9:255");
        assert_eq!(v[2].transport, "TCP");
        assert_eq!(v[2].received, Some("192.0.2.200"));
    });
}

#[test]
fn mult_ip_in_sdp() {
    each("mult-ip-in-sdp", |m| {
        let sdp = m.sdp().unwrap();
        assert!(sdp.connection().is_none());
        let c: Vec<_> = sdp
            .media()
            .map(|x| {
                let c = x.connection().unwrap();
                (x.kind, c.addr_type, c.address)
            })
            .collect();
        assert_eq!(
            c,
            vec![
                ("audio", "IP4", "192.0.2.1"),
                ("video", "IP6", "2001:db8::1")
            ]
        );
    });
}

#[test]
fn ipv4_mapped_ipv6() {
    each("ipv4-mapped-ipv6", |m| {
        let v: Vec<_> = m.vias().collect();
        assert_eq!(
            (v[0].sent_by.host, v[0].sent_by.port),
            ("::ffff:192.0.2.10", Some(19823))
        );
        assert_eq!(v[1].sent_by.host, "::ffff:192.0.2.2");
        let Some(Contact::Addr(c)) = m.contact() else {
            panic!()
        };
        assert_eq!(c.parsed_uri().unwrap().host, "::ffff:192.0.2.2");
        assert_eq!(c.display_name().unwrap(), "T. desk phone");
        assert_eq!(
            m.sdp().unwrap().connection().unwrap().address,
            "::ffff:192.0.2.2"
        );
    });
}

#[test]
fn abnf_colon_forms_tolerated() {
    each("ipv6-bug-abnf-3-colons", |m| {
        assert_eq!(m.request_uri_parsed().unwrap().host, "2001:db8:::192.0.2.1");
        assert_eq!(
            m.to().unwrap().parsed_uri().unwrap().host,
            "2001:db8:::192.0.2.1"
        );
    });
    each("ipv6-correct-abnf-2-colons", |m| {
        assert_eq!(m.request_uri_parsed().unwrap().host, "2001:db8::192.0.2.1");
        assert_eq!(m.cseq().unwrap().seq, 689);
    });
    // The archive copies lack the closing empty line: tolerated, recorded.
    let (_, b) = &both("ipv6-correct-abnf-2-colons")[0];
    assert!(sip::parse(b).unwrap().quirks().unterminated_head());
    sip::parse_strict(b).unwrap();
}
