//! Fuzz target: any bytes through framing, the lenient and strict parsers, and every
//! accessor must neither panic nor hang. Run (nightly):
//! `cargo +nightly fuzz run sip_parse -- -max_total_time=120`
//! The same body runs on stable as the proptest `arbitrary_bytes_never_panic` /
//! `mutated_torture_messages_never_panic` in tests/sip_prop.rs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sipscope::sip::{self, framing};

fuzz_target!(|data: &[u8]| {
    let _ = framing::frame_stream(data);
    let _ = framing::frame_datagram(data);
    let _ = framing::find_start_line(data);
    let _ = sip::parse_strict(data);
    if let Ok(m) = sip::parse(data) {
        let _ = m.validate();
        let _ = (m.method(), m.request_uri_parsed(), m.status(), m.reason_phrase());
        let _ = (m.call_id(), m.cseq(), m.top_via(), m.from(), m.to(), m.rseq(), m.rack());
        let _ = m.vias().count() + m.contacts().count() + m.headers().count();
        let _ = (m.max_forwards(), m.expires(), m.content_type(), m.event());
        let _ = (m.subscription_state(), m.refer_to(), m.refer_to_replaces());
        let _ = (m.referred_by(), m.replaces(), m.refer_sub(), m.session_expires());
        let _ = (m.reasons().count(), m.p_asserted_identity().count());
        let _ = (m.require().count(), m.supported().count(), m.allow().count());
        let _ = (m.user_agent(), m.server(), m.record_route().count(), m.route().count());
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
});
