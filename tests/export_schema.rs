//! Every export of every capture validates against `docs/schema/export.schema.json`: the
//! document form and each NDJSON line (a `$defs/call`). Captures: the public corpus in
//! `../shared/corpus/pcaps` and the project's own `captures/`.

mod export_support;

use export_support::{every_capture, export_bytes, root};
use serde_json::Value;

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("docs/schema/export.schema.json"))
        .expect("schema file");
    serde_json::from_str(&text).expect("schema is JSON")
}

/// The schema of one NDJSON line: the same document with `$defs/call` as its root.
fn call_schema(doc: &Value) -> Value {
    serde_json::json!({
        "$schema": doc["$schema"],
        "$ref": "#/$defs/call",
        "$defs": doc["$defs"],
    })
}

fn check(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

#[test]
fn the_schema_is_a_valid_schema_and_rejects_a_wrong_export() {
    let doc = schema();
    let v = jsonschema::validator_for(&doc).expect("schema compiles");
    // a field the contract requires is missing, a state word is not the kind's, an
    // undocumented field appears: each must fail
    let base = serde_json::json!({"schema": 1, "generator": "sipscope 0", "calls": []});
    assert!(v.is_valid(&base));
    let mut bad = base.clone();
    bad["calls"] = serde_json::json!([{"call_id": "x", "kind": "call", "state": "registered", "start": 0.0, "end": 0.0,
        "messages": [], "dialogs": [], "prack": [], "transfers": []}]);
    assert!(!v.is_valid(&bad));
    bad["calls"][0]["state"] = "completed".into();
    assert!(v.is_valid(&bad));
    bad["calls"][0]["surprise"] = 1.into();
    assert!(!v.is_valid(&bad));
    let mut missing = base.clone();
    missing.as_object_mut().unwrap().remove("generator");
    assert!(!v.is_valid(&missing));
}

#[test]
fn every_export_of_every_capture_validates() {
    let doc = schema();
    let whole = jsonschema::validator_for(&doc).expect("schema compiles");
    let line = jsonschema::validator_for(&call_schema(&doc)).expect("call schema compiles");
    let caps = every_capture();
    assert!(
        caps.len() >= 30,
        "expected the corpus beside the repository, found {}",
        caps.len()
    );
    let mut calls = 0;
    for cap in &caps {
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        let out = export_bytes(cap, &[]);
        let value: Value =
            serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{name}: not JSON: {e}"));
        check(&whole, &value, &name);
        calls += value["calls"].as_array().unwrap().len();
        let nd = export_bytes(cap, &["--ndjson"]);
        let text = String::from_utf8(nd).expect("UTF-8");
        let mut n = 0;
        for (i, l) in text.lines().enumerate() {
            let v: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{name} line {}: {e}", i + 1));
            check(&line, &v, &format!("{name} line {}", i + 1));
            n += 1;
        }
        assert_eq!(
            n,
            value["calls"].as_array().unwrap().len(),
            "{name}: NDJSON and document disagree"
        );
    }
    assert!(
        calls > 200,
        "only {calls} calls over {} captures",
        caps.len()
    );
}
