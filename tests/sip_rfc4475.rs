//! RFC 4475 torture messages: for every valid message the values RFC 4475 says a parser
//! must extract; every invalid one rejected by `parse_strict` with its specific reason;
//! every "semantic" one parsed (strictly too). The list of what is checked is kept in
//! tests/data/rfc4475/EXPECTATIONS.md.

use std::borrow::Cow;

use sipscope::sip::{
    self, Contact, ErrorKind, HeaderName, Method, Scheme, Uri,
    framing::{Framing, frame_datagram},
};

fn data(name: &str) -> Vec<u8> {
    let p = format!("{}/tests/data/rfc4475/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// Parses strictly (valid and semantic messages must pass the strict checks too).
fn strict(bytes: &[u8]) -> sip::Message<'_> {
    sip::parse_strict(bytes).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn wsinv_short_tortuous_invite() {
    let b = data("wsinv.dat");
    let m = strict(&b);
    assert_eq!(m.method(), Some(Method::Invite));
    assert_eq!(
        m.request_uri(),
        Some("sip:vivekg@chair-dnrc.example.com;unknownparam")
    );
    assert_eq!(
        m.request_uri_parsed().unwrap().param("unknownparam"),
        Some(None)
    );
    assert_eq!(m.call_id(), Some("wsinv.ndaksdj@192.0.2.1"));
    let to = m.to().unwrap();
    assert_eq!(to.uri, "sip:vivekg@chair-dnrc.example.com");
    assert_eq!(to.tag, Some("1918181833n"));
    let from = m.from().unwrap();
    assert_eq!(from.display_name().unwrap(), r#"J Rosenberg \""#);
    assert_eq!(from.uri, "sip:jdrosen@example.com");
    assert_eq!(from.tag, Some("98asjd8"));
    assert_eq!(m.max_forwards(), Some(68));
    let c = m.cseq().unwrap();
    assert_eq!((c.seq, c.method), (9, Method::Invite));
    let vias: Vec<_> = m.vias().collect();
    assert_eq!(vias.len(), 3);
    assert_eq!(
        (vias[0].protocol, vias[0].version, vias[0].transport),
        ("SIP", "2.0", "UDP")
    );
    assert_eq!(vias[0].sent_by.host, "192.0.2.2");
    assert_eq!(vias[0].branch, Some("390skdjuw"));
    assert_eq!(
        (vias[1].transport, vias[1].sent_by.host, vias[1].branch),
        ("TCP", "spindle.example.com", Some("z9hG4bK9ikj8"))
    );
    assert_eq!(
        (vias[2].transport, vias[2].sent_by.host, vias[2].branch),
        ("UDP", "192.168.255.111", Some("z9hG4bK30239"))
    );
    assert_eq!(m.top_via().unwrap(), vias[0]);
    // "s :" is an empty Subject.
    assert_eq!(m.header("Subject"), Some(&b""[..]));
    assert_eq!(
        sip::lex::unfold(m.header_str("NewFangledHeader").unwrap()),
        "newfangled value continued newfangled value"
    );
    assert_eq!(
        m.header_str("UnknownHeaderWithUnusualValue"),
        Some(";;,,;;,;")
    );
    let route: Vec<_> = m.route().collect();
    assert_eq!(
        route[0].uri,
        "sip:services.example.com;lr;unknownwith=value;unknown-no-value"
    );
    let Some(Contact::Addr(ct)) = m.contact() else {
        panic!()
    };
    assert_eq!(ct.display_name().unwrap(), r#"Quoted string """#);
    assert_eq!(ct.param("newparam"), Some(Some("newvalue")));
    assert_eq!(ct.param("secondparam"), Some(None));
    assert_eq!(ct.param("q"), Some(Some("0.33")));
    assert!(m.content_type().unwrap().is("application", "sdp"));
    assert_eq!(m.content_length(), Some(150));
    assert_eq!(m.body().len(), 150);
    assert!(m.quirks().folded());
}

#[test]
fn intmeth_wide_range_of_characters() {
    let b = data("intmeth.dat");
    let m = strict(&b);
    let method = "!interesting-Method0123456789_*+`.%indeed'~";
    assert_eq!(m.method(), Some(Method::Extension(method)));
    let u = m.request_uri_parsed().unwrap();
    assert_eq!(
        u.user,
        Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
    );
    assert_eq!(
        u.password,
        Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
    );
    assert_eq!(u.host, "example.com");
    assert_eq!(m.top_via().unwrap().branch, Some("z9hG4bK-.!%66*_+`'~"));
    let to = m.to().unwrap();
    assert_eq!(to.display_name().unwrap(), "BEL:\x07 NUL:\0 DEL:\x7f");
    assert_eq!(
        to.uri,
        "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com"
    );
    let from = m.from().unwrap();
    assert_eq!(from.display, Some("token1~` token2'+_ token3*%!.-"));
    assert_eq!(from.param("fromParam''~+*_!.-%"), Some(Some("работающий")));
    assert_eq!(from.tag, Some("_token~1'+`*%!-."));
    assert_eq!(
        m.call_id(),
        Some("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{")
    );
    let c = m.cseq().unwrap();
    assert_eq!((c.seq, c.method), (139122385, Method::Extension(method)));
    assert_eq!(m.max_forwards(), Some(255));
    assert_eq!(
        m.header_str("extensionHeader-!.%*+_`'~"),
        Some("\u{feff}大停電")
    );
}

#[test]
fn esc01_escaped_uris() {
    let b = data("esc01.dat");
    let m = strict(&b);
    let ru = m.request_uri_parsed().unwrap();
    assert_eq!(ru.user_unescaped().unwrap(), "sips:user@example.com");
    assert_eq!(ru.host, "example.net");
    let to = m.to().unwrap().parsed_uri().unwrap();
    assert_eq!(to.user_unescaped().unwrap(), "user");
    let from = m.from().unwrap().parsed_uri().unwrap();
    assert_eq!(from.user_unescaped().unwrap(), "I have spaces");
    assert_eq!(m.call_id(), Some("esc01.239409asdfakjkn23onasd0-3234"));
    let Some(Contact::Addr(ct)) = m.contact() else {
        panic!()
    };
    let cu = ct.parsed_uri().unwrap();
    assert_eq!(cu.user_unescaped().unwrap(), "caller");
    let params: Vec<_> = cu
        .params
        .iter()
        .map(|p| (sip::uri::unescape(p.name), p.value.map(sip::uri::unescape)))
        .collect();
    assert_eq!(
        params,
        vec![
            (Cow::from("lr"), None),
            (Cow::from("name"), Some(Cow::from("value%41")))
        ]
    );
    assert!(m.content_type().unwrap().is("application", "sdp"));
}

#[test]
fn escnull_escaped_nul() {
    let b = data("escnull.dat");
    let m = strict(&b);
    let to = m.to().unwrap().parsed_uri().unwrap();
    assert_eq!(to.user_unescaped().unwrap(), "null-\0-null");
    let users: Vec<_> = m
        .contacts()
        .map(|c| {
            c.addr()
                .unwrap()
                .parsed_uri()
                .unwrap()
                .user_unescaped()
                .unwrap()
                .into_owned()
        })
        .collect();
    assert_eq!(users, vec!["\0".to_string(), "\0\0".to_string()]);
    assert_eq!(m.content_length(), Some(0));
}

#[test]
fn esc02_percent_not_an_escape() {
    let b = data("esc02.dat");
    let m = strict(&b);
    assert_eq!(m.method(), Some(Method::Extension("RE%47IST%45R")));
    assert_ne!(m.method(), Some(Method::Register));
    assert_eq!(m.cseq().unwrap().method, Method::Extension("RE%47IST%45R"));
    assert_eq!(m.to().unwrap().display, Some("%Z%45"));
    assert_eq!(m.top_via().unwrap().branch, Some("z9hG4bK209%fzsnel234"));
    // "C%6Fntact" is an unknown header, not a third Contact.
    assert_eq!(m.contacts().count(), 2);
    assert_eq!(
        m.header_str("C%6Fntact"),
        Some("<sip:alias2@host2.example.com>")
    );
}

#[test]
fn lwsdisp_no_space_before_angle() {
    let b = data("lwsdisp.dat");
    let m = strict(&b);
    let f = m.from().unwrap();
    assert_eq!(
        (f.display, f.uri, f.tag),
        (Some("caller"), "sip:caller@example.com", Some("323"))
    );
}

#[test]
fn longreq_long_values_and_34_vias() {
    let b = data("longreq.dat");
    let m = strict(&b);
    let vias: Vec<_> = m.vias().collect();
    assert_eq!(vias.len(), 34);
    assert_eq!(vias[0].sent_by.host, "sip33.example.com");
    for (i, v) in vias.iter().take(33).enumerate() {
        assert_eq!(v.sent_by.host, format!("sip{}.example.com", 33 - i));
        assert_eq!(v.transport, "TCP");
    }
    let last = vias[33];
    assert_eq!(last.sent_by.host, "host.example.com");
    assert_eq!(last.received, Some("192.0.2.5"));
    assert!(last.branch.unwrap().starts_with("verylonglong") && last.branch.unwrap().len() > 100);
    let to = m.to().unwrap();
    assert!(
        to.display
            .unwrap()
            .starts_with("I have a user name of extremeextreme")
    );
    assert_eq!(to.parsed_uri().unwrap().port, Some(6000));
    let from = m.from().unwrap();
    assert!(from.tag.unwrap().starts_with("1298298298") && from.tag.unwrap().len() > 100);
    assert!(m.call_id().unwrap().starts_with("longreq.onereallyreally"));
    assert!(m.call_id().unwrap().ends_with("longcallid"));
    let unknown = m
        .headers()
        .find(|h| h.name.starts_with("Unknown-LongLong"))
        .unwrap();
    assert!(unknown.name.ends_with("-Name"));
    assert!(unknown.value_str().unwrap().starts_with("unknown-longlong"));
    assert_eq!(m.max_forwards(), Some(70));
    assert_eq!(m.content_length(), Some(150));
    assert_eq!(m.body().len(), 150);
}

#[test]
fn dblreq_only_first_message() {
    let b = data("dblreq.dat");
    let m = strict(&b);
    assert_eq!(m.method(), Some(Method::Register));
    assert_eq!(m.call_id(), Some("dblreq.0ha0isndaksdj99sdfafnl3lk233412"));
    assert_eq!(m.body(), b"");
    assert!(m.quirks().trailing_bytes());
    assert!(m.len() < b.len());
    assert_eq!(frame_datagram(&b), Framing::Complete(m.len()));
    // The ignored INVITE is not mixed into the first message.
    assert_eq!(m.vias().count(), 1);
    assert!(m.content_type().is_none());
}

#[test]
fn semiuri_semicolon_in_user() {
    let b = data("semiuri.dat");
    let m = strict(&b);
    let u = m.request_uri_parsed().unwrap();
    assert_eq!(u.user, Some("user;par=u%40example.net"));
    assert_eq!(u.user_unescaped().unwrap(), "user;par=u@example.net");
    assert_eq!(u.host, "example.com");
    assert_eq!(u.params.iter().count(), 0);
    let accept: Vec<_> = m.header_values("Accept").collect();
    assert_eq!(
        accept,
        vec![
            "application/sdp",
            "application/pkcs7-mime",
            "multipart/mixed",
            "multipart/signed",
            "message/sip",
            "message/sipfrag"
        ]
    );
}

#[test]
fn transports_varied() {
    let b = data("transports.dat");
    let m = strict(&b);
    let t: Vec<_> = m.vias().map(|v| (v.transport, v.sent_by.host)).collect();
    assert_eq!(
        t,
        vec![
            ("UDP", "t1.example.com"),
            ("SCTP", "t2.example.com"),
            ("TLS", "t3.example.com"),
            ("UNKNOWN", "t4.example.com"),
            ("TCP", "t5.example.com")
        ]
    );
    assert_eq!(m.call_id(), Some("transports.kijh4akdnaqjkwendsasfdj"));
}

#[test]
fn mpart01_multipart_binary() {
    let b = data("mpart01.dat");
    let m = strict(&b);
    assert_eq!(m.method(), Some(Method::Message));
    assert_eq!(m.body().len(), 553);
    let mp = m.multipart().unwrap();
    assert_eq!(mp.boundary(), "7a9cbec02ceef655");
    let parts: Vec<_> = mp.parts().collect();
    assert_eq!(parts.len(), 2);
    assert!(parts[0].content_type().unwrap().is("text", "plain"));
    assert_eq!(parts[0].body, b"Hello");
    assert!(
        parts[1]
            .content_type()
            .unwrap()
            .is("application", "octet-stream")
    );
    assert_eq!(parts[1].header("Content-Transfer-Encoding"), Some("binary"));
    // The binary part holds bare CR and LF bytes and ends right before the delimiter.
    // (length and edge bytes computed independently with Python from the file)
    assert_eq!(parts[1].body.len(), 342);
    assert!(parts[1].body.starts_with(&[0x30, 0x82, 0x01, 0x52]));
    assert!(parts[1].body.ends_with(&[0xbc, 0x99, 0xd0, 0x05]));
    assert!(parts[1].body.contains(&b'\n'));
    assert!(!parts[1].body.ends_with(b"\r\n"));
    assert_eq!(m.top_via().unwrap().rport, Some(None));
    assert_eq!(m.user_agent(), Some("SIPimp.org/0.2.5 (curses)"));
}

#[test]
fn unreason_utf8_reason_phrase() {
    let b = data("unreason.dat");
    let m = strict(&b);
    assert_eq!(m.status(), Some(200));
    assert_eq!(
        m.reason_phrase(),
        Some("= 2**3 * 5**2 но сто девяносто девять - простое")
    );
    assert_eq!(m.body().len(), 154);
}

#[test]
fn noreason_empty_reason_phrase() {
    let b = data("noreason.dat");
    let m = strict(&b);
    assert_eq!(m.status(), Some(100));
    assert_eq!(m.reason_phrase(), Some(""));
    assert_eq!(m.to().unwrap().tag, Some("902jndnke3"));
}

/// (file, error kind, exact message)
const INVALID: &[(&str, ErrorKind, &str)] = &[
    (
        "badinv01.dat",
        ErrorKind::BadHeaderValue,
        "empty parameter (stray ';') in Via: SIP/2.0/UDP 192.0.2.15;;",
    ),
    (
        "clerr.dat",
        ErrorKind::ContentLengthExceedsBody,
        "Content-Length 9999 exceeds body length 154",
    ),
    (
        "ncl.dat",
        ErrorKind::BadContentLength,
        "Content-Length -999 is not a non-negative integer",
    ),
    (
        "scalar02.dat",
        ErrorKind::ScalarOverflow,
        "CSeq number 36893488147419103232 exceeds 2^32-1",
    ),
    (
        "scalarlg.dat",
        ErrorKind::ScalarOverflow,
        "CSeq number 9292394834772304023312 exceeds 2^32-1",
    ),
    (
        "quotbal.dat",
        ErrorKind::UnterminatedQuote,
        "unterminated quoted string in To",
    ),
    (
        "ltgtruri.dat",
        ErrorKind::BadRequestUri,
        "Request-URI is enclosed in <>: <sip:user@example.com>",
    ),
    (
        "lwsruri.dat",
        ErrorKind::BadRequestUri,
        "Request-URI contains whitespace: sip:user@example.com; lr",
    ),
    (
        "lwsstart.dat",
        ErrorKind::StartLineWhitespace,
        "Request-Line elements separated by more than one SP",
    ),
    (
        "trws.dat",
        ErrorKind::StartLineWhitespace,
        "trailing whitespace at the end of the Request-Line",
    ),
    (
        "escruri.dat",
        ErrorKind::BadRequestUri,
        "Request-URI contains escaped headers (?Route=%3Csip:example.com%3E)",
    ),
    (
        "baddate.dat",
        ErrorKind::BadHeaderValue,
        "Date time zone must be GMT, not EST",
    ),
    (
        "regbadct.dat",
        ErrorKind::BadHeaderValue,
        "URI with headers or ',' in Contact must be enclosed in <>: sip:user@example.com?Route=%3Csip:sip.example.com%3E",
    ),
    (
        "badaspec.dat",
        ErrorKind::BadHeaderValue,
        "whitespace inside <> in To: \"Watson, Thomas\" < sip:t.watson@example.org >",
    ),
    (
        "baddn.dat",
        ErrorKind::BadHeaderValue,
        "display name in From contains characters that must be quoted: Bell, Alexander",
    ),
    (
        "badvers.dat",
        ErrorKind::UnknownVersion,
        "unknown SIP version SIP/7.0",
    ),
    (
        "mismatch01.dat",
        ErrorKind::CSeqMismatch,
        "CSeq method INVITE does not match request method OPTIONS",
    ),
    (
        "mismatch02.dat",
        ErrorKind::CSeqMismatch,
        "CSeq method INVITE does not match request method NEWMETHOD",
    ),
    (
        "bigcode.dat",
        ErrorKind::BadStatusCode,
        "status code 4294967301 is not a number from 100 to 699",
    ),
    (
        "test.dat",
        ErrorKind::BadStartLine,
        "request line does not end with SIP/2.0: INVITE sip:alan@jasomi.com",
    ),
];

#[test]
fn every_invalid_message_rejected_with_its_reason() {
    let index = String::from_utf8(data("INDEX.tsv")).unwrap();
    let invalid_rows: Vec<&str> = index
        .lines()
        .skip(1)
        .filter(|r| r.split('\t').nth(2) == Some("invalid"))
        .map(|r| r.split('\t').next().unwrap())
        .collect();
    assert_eq!(
        invalid_rows.len(),
        INVALID.len(),
        "every invalid row is covered"
    );
    for (file, kind, msg) in INVALID {
        assert!(invalid_rows.contains(file), "{file}");
        let b = data(file);
        let e = sip::parse_strict(&b).expect_err(file);
        assert_eq!((e.kind, e.message.as_ref()), (*kind, *msg), "{file}");
        // One line, no control characters.
        assert!(!e.to_string().contains(['\n', '\r']), "{file}");
    }
}

#[test]
fn invalid_messages_the_lenient_parser_still_reads() {
    // Sloppy but unambiguous: the pipeline keeps them, with the liberty recorded.
    let lenient_ok = [
        ("clerr.dat", "body_truncated"),
        ("lwsstart.dat", "start_line_whitespace"),
        ("trws.dat", "start_line_whitespace"),
        ("baddn.dat", "unterminated_head"),
        // Over a datagram the body is bounded anyway; tshark reads it too.
        ("ncl.dat", "bad_content_length"),
    ];
    for (file, quirk) in lenient_ok {
        let b = data(file);
        let m = sip::parse(&b).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(m.quirks().names().any(|q| q == quirk), "{file}");
        assert!(m.call_id().is_some(), "{file}");
    }
    // Unreadable even leniently.
    for file in ["lwsruri.dat", "badvers.dat", "bigcode.dat", "test.dat"] {
        assert!(sip::parse(&data(file)).is_err(), "{file}");
    }
    // quotbal: the message is kept, but To cannot be read.
    let b = data("quotbal.dat");
    let m = sip::parse(&b).unwrap();
    assert!(m.to().is_none());
    assert_eq!(m.from().unwrap().tag, Some("93334"));
}

#[test]
fn semantic_messages_parse_with_expected_values() {
    let b = data("badbranch.dat");
    let m = strict(&b);
    assert_eq!(m.top_via().unwrap().branch, Some("z9hG4bK"));

    let b = data("insuf.dat");
    let m = strict(&b);
    assert!(m.call_id().is_none() && m.from().is_none() && m.to().is_none());
    assert_eq!(m.cseq().unwrap().seq, 193942);

    let b = data("unkscm.dat");
    let m = strict(&b);
    assert_eq!(
        m.request_uri_parsed().unwrap().scheme,
        Scheme::Other("nobodyKnowsThisScheme")
    );

    let b = data("novelsc.dat");
    let m = strict(&b);
    assert_eq!(
        m.request_uri_parsed().unwrap().scheme,
        Scheme::Other("soap.beep")
    );

    let b = data("unksm2.dat");
    let m = strict(&b);
    assert_eq!(
        m.to().unwrap().parsed_uri().unwrap().scheme,
        Scheme::Other("isbn")
    );
    assert_eq!(
        m.from().unwrap().parsed_uri().unwrap().scheme,
        Scheme::Other("http")
    );
    assert_eq!(m.contact().unwrap().addr().unwrap().uri, "name:John_Smith");

    let b = data("bext01.dat");
    let m = strict(&b);
    assert_eq!(
        m.require().collect::<Vec<_>>(),
        vec!["nothingSupportsThis", "nothingSupportsThisEither"]
    );
    assert_eq!(m.values_of(HeaderName::ProxyRequire).count(), 2);

    let b = data("invut.dat");
    let m = strict(&b);
    assert!(m.content_type().unwrap().is("application", "unknownformat"));
    assert!(m.sdp().is_none());

    let b = data("regaut01.dat");
    let m = strict(&b);
    assert_eq!(
        m.header_values("Authorization").collect::<Vec<_>>(),
        vec!["NoOneKnowsThisScheme opaque-data=here"]
    );

    let b = data("multi01.dat");
    let m = strict(&b);
    assert_eq!(m.call_id(), Some("multi01.98asdh@192.0.2.1"));
    assert_eq!(m.header_values("Call-ID").count(), 2);
    assert_eq!(m.header_values("To").count(), 2);
    assert_eq!(m.cseq().unwrap().seq, 5);
    assert_eq!(m.max_forwards(), Some(70));

    let b = data("mcl01.dat");
    let m = strict(&b);
    assert_eq!(m.content_length(), Some(13));
    assert_eq!(m.body(), b"There's no wa");

    let b = data("bcast.dat");
    let m = strict(&b);
    assert_eq!(m.vias().nth(1).unwrap().sent_by.host, "255.255.255.255");

    let b = data("zeromf.dat");
    assert_eq!(strict(&b).max_forwards(), Some(0));

    let b = data("cparam01.dat");
    let m = strict(&b);
    let c = m.contact().unwrap();
    let a = c.addr().unwrap();
    assert_eq!(a.uri, "sip:+19725552222@gw1.example.net");
    assert_eq!(a.param("unknownparam"), Some(None));
    assert_eq!(a.parsed_uri().unwrap().param("unknownparam"), None);

    let b = data("cparam02.dat");
    let m = strict(&b);
    let c = m.contact().unwrap();
    let a = c.addr().unwrap();
    assert_eq!(a.param("unknownparam"), None);
    assert_eq!(a.parsed_uri().unwrap().param("unknownparam"), Some(None));

    let b = data("regescrt.dat");
    let m = strict(&b);
    let u: Uri = m.contact().unwrap().addr().unwrap().parsed_uri().unwrap();
    assert_eq!(u.header("Route").unwrap(), "<sip:sip.example.com>");

    let b = data("sdp01.dat");
    let m = strict(&b);
    assert_eq!(m.header_str("Accept"), Some("text/nobodyKnowsThis"));
    assert_eq!(m.sdp().unwrap().media().count(), 2);

    let b = data("inv2543.dat");
    let m = strict(&b);
    assert_eq!(m.top_via().unwrap().branch, None);
    assert!(!m.top_via().unwrap().is_rfc3261_branch());
    assert_eq!(m.from().unwrap().tag, None);
    assert!(m.quirks().no_content_length());
    assert!(m.sdp().is_some());
    let rr = m.record_route().next().unwrap();
    assert_eq!(
        rr.parsed_uri().unwrap().param("maddr"),
        Some(Some("ss1.example.com"))
    );
}

#[test]
fn every_semantic_and_valid_row_parses_strictly() {
    let index = String::from_utf8(data("INDEX.tsv")).unwrap();
    let mut n = 0;
    for row in index.lines().skip(1) {
        let c: Vec<_> = row.split('\t').collect();
        if c[2] == "invalid" {
            continue;
        }
        let b = data(c[0]);
        sip::parse_strict(&b).unwrap_or_else(|e| panic!("{}: {e}", c[0]));
        n += 1;
    }
    assert_eq!(n, 30);
}
