//! `sipscope export`: schema validity with filters, `-o`, `--ndjson`, exit codes.

mod cli_support;

use cli_support::{corpus, root, run};
use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/schema/export.schema.json")).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

fn check(v: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = v.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn filtered_export_is_valid_and_holds_only_matching_calls() {
    let v = validator();
    let cap = corpus("tcp6060-multisegment-prack-update-cancel.pcap");
    let (code, out, _) = run(&["export", &cap, "--kind", "call", "--state", "completed"]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    check(&v, &doc);
    let calls = doc["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 34);
    assert!(
        calls
            .iter()
            .all(|c| c["state"] == "completed" && c["kind"] == "call")
    );
    // 13 of the completed calls began with their INVITE in the capture (the rest joined
    // late): the metrics cover the written calls only
    assert_eq!(doc["metrics"]["session_attempts"], 13);
    assert_eq!(
        doc["metrics"]["scr"], 100.0,
        "only completed calls: SCR 100%"
    );
}

#[test]
fn output_file_and_ndjson() {
    let cap = corpus("refer-blind-transfer-notify-sipfrag-488.pcap");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.json");
    let (code, out, err) = run(&["export", &cap, "-o", path.to_str().unwrap()]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    check(&validator(), &doc);
    assert_eq!(doc["calls"].as_array().unwrap().len(), 2);
    let (code, out, _) = run(&["export", &cap, "--ndjson", "--method", "REFER"]);
    assert_eq!(code, 0);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["transfers"][0]["refer_to"], "sip:204@192.168.5.11");
    let (code, out, err) = run(&["export", &cap, "--ndjson", "--from", "nobody"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(err, "sipscope: no call matched (2 in the input)\n");
    let (code, _, err) = run(&["export", &cap, "-o", "/no/such/dir/x.json"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("sipscope: cannot create /no/such/dir/x.json:"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}
