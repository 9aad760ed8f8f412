//! Milestone smoke test: every RFC 4475 message marked valid or semantic parses leniently
//! and exposes its Call-ID / CSeq / top Via; the ordinary real-world fields work.

use sipscope::sip;

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/data/rfc4475/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn valid_and_semantic_rows_parse_leniently() {
    let index = std::fs::read_to_string(format!(
        "{}/tests/data/rfc4475/INDEX.tsv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut n = 0;
    for row in index.lines().skip(1) {
        let cols: Vec<_> = row.split('\t').collect();
        if cols[2] == "invalid" {
            continue;
        }
        let bytes = data(cols[0]);
        let m = sip::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", cols[0]));
        assert!(m.cseq().is_some(), "{}", cols[0]);
        assert!(m.top_via().is_some(), "{}", cols[0]);
        n += 1;
    }
    assert_eq!(n, 30);
}
