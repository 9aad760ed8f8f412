//! Property tests: the same message written with random header order, name casing, compact
//! forms, folded values and LF-only or CRLF line ends parses to the same meaning. Plus the
//! robustness property: arbitrary and mutated bytes never panic `parse`, `parse_strict`,
//! framing or any accessor (the fuzz target's body, runnable on stable).

use proptest::prelude::*;
use sipscope::sip::{self, Method, framing};

#[derive(Clone, Debug)]
struct Fields {
    call_id: String,
    from_tag: String,
    to_tag: Option<String>,
    seq: u32,
    method: &'static str,
    vias: Vec<(String, String)>, // (host, branch)
    max_forwards: u8,
    body: String,
}

fn token() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9][a-zA-Z0-9.!%*_+`'~-]{0,15}"
}

fn fields() -> impl Strategy<Value = Fields> {
    (
        "[a-zA-Z0-9][a-zA-Z0-9.-]{0,20}@[a-z0-9.]{1,12}",
        token(),
        proptest::option::of(token()),
        any::<u32>(),
        prop::sample::select(
            Method::KNOWN
                .iter()
                .map(|m| m.as_str())
                .chain(["FOOBAR"])
                .collect::<Vec<_>>(),
        ),
        prop::collection::vec(
            (
                "[a-z][a-z0-9-]{0,10}\\.example\\.com",
                "z9hG4bK[a-zA-Z0-9]{1,12}",
            ),
            1..4,
        ),
        any::<u8>(),
        "(v=0\r\n[a-z=0-9 ]{0,40}\r\n)?",
    )
        .prop_map(
            |(call_id, from_tag, to_tag, seq, method, vias, max_forwards, body)| Fields {
                call_id,
                from_tag,
                to_tag,
                seq,
                method,
                vias,
                max_forwards,
                body,
            },
        )
}

/// How to write one header: (long name, compact form, value).
type Line = (&'static str, Option<char>, String);

/// The Via lines (in order) and the other headers of a message with fields `f`.
fn headers(f: &Fields) -> (Vec<Line>, Vec<Line>) {
    let vias = f
        .vias
        .iter()
        .map(|(h, b)| ("Via", Some('v'), format!("SIP/2.0/UDP {h};branch={b}")))
        .collect();
    let mut others = vec![
        ("Call-ID", Some('i'), f.call_id.clone()),
        (
            "From",
            Some('f'),
            format!(
                "\"Alice Example\" <sip:alice@atlanta.example.com>;tag={}",
                f.from_tag
            ),
        ),
        (
            "To",
            Some('t'),
            match &f.to_tag {
                Some(t) => format!("Bob <sip:bob@biloxi.example.com>;tag={t}"),
                None => "Bob <sip:bob@biloxi.example.com>".into(),
            },
        ),
        ("CSeq", None, format!("{} {}", f.seq, f.method)),
        ("Max-Forwards", None, f.max_forwards.to_string()),
        (
            "Contact",
            Some('m'),
            "<sip:alice@192.0.2.1:5060;transport=udp>".into(),
        ),
        ("Content-Length", Some('l'), f.body.len().to_string()),
    ];
    if !f.body.is_empty() {
        others.push(("Content-Type", Some('c'), "application/sdp".into()));
    }
    (vias, others)
}

#[derive(Clone, Debug)]
struct Style {
    order: Vec<usize>,
    via_slots: Vec<usize>,
    case: Vec<u8>,
    compact: Vec<bool>,
    fold: Vec<Option<usize>>,
    lf_only: Vec<bool>,
    space_before_colon: Vec<bool>,
}

fn style() -> impl Strategy<Value = Style> {
    (
        Just((0..8).collect::<Vec<usize>>()).prop_shuffle(),
        prop::collection::vec(0usize..9, 4),
        prop::collection::vec(any::<u8>(), 12),
        prop::collection::vec(any::<bool>(), 12),
        prop::collection::vec(proptest::option::of(0usize..4), 12),
        prop::collection::vec(any::<bool>(), 14),
        prop::collection::vec(prop::bool::weighted(0.2), 12),
    )
        .prop_map(
            |(order, via_slots, case, compact, fold, lf_only, space_before_colon)| Style {
                order,
                via_slots,
                case,
                compact,
                fold,
                lf_only,
                space_before_colon,
            },
        )
}

fn random_case(name: &str, seed: u8) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| {
            if (seed.rotate_left(i as u32) & 1) == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Folds the value at its n-th space (or right after the colon for n = 0).
fn fold(value: &str, n: usize, eol: &str) -> String {
    if n == 0 {
        return format!("{eol} \t{value}");
    }
    let spaces: Vec<usize> = value.match_indices(' ').map(|(i, _)| i).collect();
    match spaces.get(n - 1) {
        Some(&i) => format!("{}{eol}   {}", &value[..i], &value[i + 1..]),
        None => value.to_string(),
    }
}

fn render(f: &Fields, s: &Style) -> String {
    let (vias, others) = headers(f);
    // Other headers in shuffled order, Via lines (kept in their relative order) inserted
    // at random slots.
    let mut lines: Vec<(&'static str, Option<char>, String)> = s
        .order
        .iter()
        .filter_map(|&i| others.get(i).cloned())
        .collect();
    let mut slots: Vec<usize> = s.via_slots[..vias.len()]
        .iter()
        .map(|&x| x.min(lines.len()))
        .collect();
    slots.sort();
    for (k, (via, slot)) in vias.into_iter().zip(slots).enumerate() {
        lines.insert((slot + k).min(lines.len()), via);
    }
    let eol = |i: usize| {
        if s.lf_only[i % s.lf_only.len()] {
            "\n"
        } else {
            "\r\n"
        }
    };
    let mut out = format!("{} sip:bob@biloxi.example.com SIP/2.0{}", f.method, eol(13));
    for (i, (name, compact, value)) in lines.into_iter().enumerate() {
        let k = i % 12;
        let name = match compact {
            Some(c) if s.compact[k] => {
                if s.case[k] & 1 == 1 {
                    c.to_ascii_uppercase().to_string()
                } else {
                    c.to_string()
                }
            }
            _ => random_case(name, s.case[k]),
        };
        let value = match s.fold[k] {
            Some(n) if !name.eq_ignore_ascii_case("call-id") && name != "i" && name != "I" => {
                fold(&value, n, eol(k))
            }
            _ => value,
        };
        let colon = if s.space_before_colon[k] { " : " } else { ": " };
        out.push_str(&format!("{name}{colon}{value}{}", eol(k)));
    }
    out.push_str(eol(12));
    out.push_str(&f.body);
    out
}

fn check(f: &Fields, text: &str) -> Result<(), TestCaseError> {
    let m = sip::parse(text.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    prop_assert_eq!(m.method(), Some(Method::from_token(f.method)));
    prop_assert_eq!(m.call_id(), Some(f.call_id.as_str()));
    let c = m.cseq().unwrap();
    prop_assert_eq!((c.seq, c.method), (f.seq, Method::from_token(f.method)));
    let from = m.from().unwrap();
    prop_assert_eq!(from.tag, Some(f.from_tag.as_str()));
    prop_assert_eq!(from.display_name().unwrap(), "Alice Example");
    prop_assert_eq!(from.uri, "sip:alice@atlanta.example.com");
    prop_assert_eq!(m.to().unwrap().tag, f.to_tag.as_deref());
    let vias: Vec<(String, String)> = m
        .vias()
        .map(|v| {
            (
                v.sent_by.host.to_string(),
                v.branch.unwrap_or("").to_string(),
            )
        })
        .collect();
    prop_assert_eq!(&vias, &f.vias);
    prop_assert_eq!(m.top_via().unwrap().branch, Some(f.vias[0].1.as_str()));
    prop_assert_eq!(m.max_forwards(), Some(f.max_forwards));
    prop_assert_eq!(
        m.contact().unwrap().addr().unwrap().uri,
        "sip:alice@192.0.2.1:5060;transport=udp"
    );
    prop_assert_eq!(m.body(), f.body.as_bytes());
    prop_assert_eq!(m.content_length(), Some(f.body.len()));
    if !f.body.is_empty() {
        prop_assert!(m.sdp().is_some());
    }
    // The variations are all legal RFC 3261 syntax, so the strict checks agree.
    if let Err(e) = m.validate() {
        return Err(TestCaseError::fail(format!("strict: {e}\n{text}")));
    }
    // And stream framing finds exactly this message.
    prop_assert_eq!(
        framing::frame_stream(text.as_bytes()),
        framing::Framing::Complete(text.len())
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn same_meaning_under_rewriting(f in fields(), s in style()) {
        let text = render(&f, &s);
        check(&f, &text)?;
    }
}

/// Exercises every accessor; used by the robustness property and mirrored by the fuzz
/// target in fuzz/fuzz_targets/sip_parse.rs.
fn touch_everything(data: &[u8]) {
    let _ = framing::frame_stream(data);
    let _ = framing::frame_datagram(data);
    let _ = framing::find_start_line(data);
    let _ = sip::parse_strict(data);
    if let Ok(m) = sip::parse(data) {
        let _ = m.validate();
        let _ = (
            m.method(),
            m.request_uri_parsed(),
            m.status(),
            m.reason_phrase(),
        );
        let _ = (
            m.call_id(),
            m.cseq(),
            m.top_via(),
            m.from(),
            m.to(),
            m.rseq(),
            m.rack(),
        );
        let _ = m.vias().count() + m.contacts().count() + m.headers().count();
        let _ = (
            m.max_forwards(),
            m.expires(),
            m.content_type(),
            m.event(),
            m.subscription_state(),
        );
        let _ = (
            m.refer_to(),
            m.refer_to_replaces(),
            m.referred_by(),
            m.replaces(),
            m.refer_sub(),
        );
        let _ = (
            m.reasons().count(),
            m.p_asserted_identity().count(),
            m.session_expires(),
        );
        let _ = (
            m.require().count(),
            m.supported().count(),
            m.allow().count(),
        );
        let _ = (
            m.user_agent(),
            m.server(),
            m.record_route().count(),
            m.route().count(),
        );
        if let Some(f) = m.from() {
            let _ = (f.display_name(), f.parsed_uri().map(|u| u.user_unescaped()));
        }
        if let Some(s) = m.sdp() {
            for md in s.media() {
                let _ = (md.codecs().count(), md.direction(), md.connection());
            }
        }
        let _ = m.sipfrag().map(|f| f.status());
        let _ = m.multipart().map(|mp| mp.parts().count());
        let _ = m.dtmf();
        for h in m.headers() {
            let _ = m.header_values(h.name).count();
        }
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let dir = format!("{}/tests/data/rfc4475", env!("CARGO_MANIFEST_DIR"));
    let mut v: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "dat"))
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..600)) {
        touch_everything(&data);
        let mut with_start = b"INVITE sip:a@b SIP/2.0\r\n".to_vec();
        with_start.extend_from_slice(&data);
        touch_everything(&with_start);
    }

    #[test]
    fn mutated_torture_messages_never_panic(
        idx in 0usize..50,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..12),
    ) {
        let seeds = seeds();
        let mut data = seeds[idx % seeds.len()].clone();
        apply_edits(&mut data, edits);
        touch_everything(&data);
    }
}

/// Applies `edits` in order, each `(where, byte, op)`: op 0 replaces the byte there with
/// `byte`, 1 removes it, 2 inserts `byte` before it, 3 cuts the data there.
fn apply_edits(data: &mut Vec<u8>, edits: impl IntoIterator<Item = (prop::sample::Index, u8, u8)>) {
    for (at, byte, op) in edits {
        if data.is_empty() {
            break;
        }
        let i = at.index(data.len());
        match op {
            0 => data[i] = byte,
            1 => {
                data.remove(i);
            }
            2 => data.insert(i, byte),
            _ => data.truncate(i),
        }
    }
}

/// Two torture messages back to back, edited (see [`apply_edits`]) with bytes that matter
/// to framing.
fn framing_edited_pair(
    idx: usize,
    second: usize,
    edits: Vec<(prop::sample::Index, prop::sample::Index, u8)>,
) -> Vec<u8> {
    let seeds = seeds();
    let mut data = seeds[idx % seeds.len()].clone();
    data.extend_from_slice(&seeds[second % seeds.len()]);
    let edits = edits
        .into_iter()
        .map(|(at, byte, op)| (at, FRAMING_BYTES[byte.index(FRAMING_BYTES.len())], op));
    apply_edits(&mut data, edits);
    data
}

/// `parse_datagram` (`parse_stream` for a stream) frames every message at the front of
/// `data` as `frame_datagram` (`frame_stream`) does and hands over exactly what `parse` of
/// the framed bytes gives.
fn one_scan_same_as_two_steps(mut data: &[u8], stream: bool) -> Result<(), TestCaseError> {
    // a datagram's framing ends with its bytes; a stream's asks for more
    while stream || !data.is_empty() {
        let mut got = None;
        let on_message = |len, p: Result<&sip::Message<'_>, &sip::ParseError>| {
            got = Some((len, format!("{p:?}")))
        };
        let (f, two_steps) = if stream {
            (
                framing::parse_stream(data, on_message),
                framing::frame_stream(data),
            )
        } else {
            (
                framing::parse_datagram(data, on_message),
                framing::frame_datagram(data),
            )
        };
        prop_assert_eq!(f, two_steps);
        match f {
            framing::Framing::Complete(len) => {
                let two_steps = format!("{:?}", sip::parse(&data[..len]).as_ref());
                prop_assert_eq!(got, Some((len, two_steps)));
                data = &data[len..];
            }
            framing::Framing::Keepalive(n) => {
                prop_assert_eq!(got, None);
                data = &data[n..];
            }
            _ => {
                prop_assert_eq!(got, None);
                break;
            }
        }
    }
    Ok(())
}

/// Bytes that matter to framing, for edits that hit it more often than random bytes.
const FRAMING_BYTES: &[u8] = b"\r\n \t:0123456789lLcC";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn datagram_framed_and_parsed_in_one_scan(
        idx in 0usize..50,
        second in 0usize..50,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0u8..4), 0..12),
    ) {
        // two messages in one datagram, with framing-relevant bytes changed, removed or
        // inserted, or the datagram cut
        let data = framing_edited_pair(idx, second, edits);
        one_scan_same_as_two_steps(&data, false)?;
    }

    #[test]
    fn arbitrary_datagram_framed_and_parsed_in_one_scan(
        data in prop::collection::vec(prop::sample::select(b"\r\n \t:0123456789lLcCSIP/2. INVITEx".to_vec()), 0..200),
    ) {
        let mut with_start = b"INVITE sip:a@b SIP/2.0\r\n".to_vec();
        with_start.extend_from_slice(&data);
        one_scan_same_as_two_steps(&with_start, false)?;
        one_scan_same_as_two_steps(&data, false)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Two torture messages back to back on a stream, edited where framing looks, as a
    /// stream buffer holds them at every split point.
    #[test]
    fn stream_framed_and_parsed_in_one_scan(
        idx in 0usize..50,
        second in 0usize..50,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0u8..4), 0..12),
    ) {
        let data = framing_edited_pair(idx, second, edits);
        for cut in 0..=data.len() {
            one_scan_same_as_two_steps(&data[..cut], true)?;
        }
    }

    #[test]
    fn arbitrary_stream_framed_and_parsed_in_one_scan(
        data in prop::collection::vec(prop::sample::select(b"\r\n \t:0123456789lLcCSIP/2. INVITEx".to_vec()), 0..200),
    ) {
        let mut with_start = b"INVITE sip:a@b SIP/2.0\r\n".to_vec();
        with_start.extend_from_slice(&data);
        for cut in 0..=with_start.len() {
            one_scan_same_as_two_steps(&with_start[..cut], true)?;
        }
        one_scan_same_as_two_steps(&data, true)?;
    }
}
