//! Helpers of the tests that read `sipscope export` (flow goldens, tshark comparison, JSON
//! schema): find the captures, run the export, read values out of the JSON one by one.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The public corpus beside the repository.
pub fn corpus(name: &str) -> PathBuf {
    root().join("../shared/corpus/pcaps").join(name)
}

/// The project's own captures.
pub fn captures(name: &str) -> PathBuf {
    root().join("captures").join(name)
}

/// Every capture of the public corpus and of `captures/` (names holding `.pcap`), sorted.
pub fn every_capture() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for dir in [
        root().join("../shared/corpus/pcaps"),
        root().join("captures"),
    ] {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.file_name().unwrap().to_string_lossy().contains(".pcap") {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

/// The output of `sipscope export CAPTURE ARGS`, which must succeed.
pub fn export_bytes(path: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .arg("export")
        .arg(path)
        .args(args)
        .output()
        .expect("run sipscope");
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `sipscope export CAPTURE` as JSON.
pub fn export(path: &Path) -> Value {
    serde_json::from_slice(&export_bytes(path, &[])).expect("export is JSON")
}

/// The only call record with this Call-ID.
pub fn call<'a>(doc: &'a Value, call_id: &str) -> &'a Value {
    let found: Vec<&Value> = doc["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["call_id"] == call_id)
        .collect();
    assert_eq!(found.len(), 1, "records for {call_id}");
    found[0]
}

/// The call whose Call-ID starts with `prefix` (unique).
pub fn call_prefix<'a>(doc: &'a Value, prefix: &str) -> &'a Value {
    let found: Vec<&Value> = doc["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["call_id"].as_str().unwrap().starts_with(prefix))
        .collect();
    assert_eq!(found.len(), 1, "records for {prefix}*");
    found[0]
}

/// Seconds as whole microseconds (capture timestamps have microsecond resolution, so
/// differences between them are exact in µs).
pub fn us(v: &Value) -> Option<i64> {
    v.as_f64().map(|x| (x * 1e6).round() as i64)
}

/// A list of strings.
pub fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect()
}

/// A list of integers.
pub fn ints(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

/// Frames of the messages flagged as retransmissions.
pub fn retransmitted_frames(call: &Value) -> Vec<u64> {
    call["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["retransmission"] == true)
        .map(|m| m["frame"].as_u64().unwrap())
        .collect()
}

/// Frames of all messages.
pub fn frames(call: &Value) -> Vec<u64> {
    each_u64(&call["messages"], "frame")
}

/// The flags.
pub fn flags(call: &Value) -> Vec<&str> {
    strs(&call["flags"])
}

/// Asserts the five per-call timings in µs: srd, setup, answer_to_ack, duration, sdd.
pub fn assert_timings(
    call: &Value,
    srd: Option<i64>,
    setup: Option<i64>,
    ack: Option<i64>,
    duration: Option<i64>,
    sdd: Option<i64>,
) {
    let t = &call["timings"];
    assert_eq!(
        (
            us(&t["srd"]),
            us(&t["setup"]),
            us(&t["answer_to_ack"]),
            us(&t["duration"]),
            us(&t["sdd"])
        ),
        (srd, setup, ack, duration, sdd),
        "timings of {}",
        call["call_id"]
    );
}

/// Every record of a Call-ID, in export order (streaming can split a Call-ID whose
/// exchanges are further apart than the engine's linger time).
pub fn records<'a>(doc: &'a Value, call_id: &str) -> Vec<&'a Value> {
    doc["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["call_id"] == call_id)
        .collect()
}

/// Microseconds from capture time `a` to `b`, both written as tshark prints
/// `frame.time_epoch` (e.g. "1795733717.032623000").
pub fn between(a: &str, b: &str) -> i64 {
    fn parse(s: &str) -> i64 {
        let (sec, frac) = s.split_once('.').unwrap_or((s, "0"));
        let frac = format!("{frac:0<6}");
        sec.parse::<i64>().unwrap() * 1_000_000 + frac[..6].parse::<i64>().unwrap()
    }
    parse(b) - parse(a)
}

/// The integer fields `keys` of an object (`None` where null or absent), to assert several
/// at once: `assert_eq!(nums(&tx, ["cseq", "final_status"]), [Some(1), Some(200)])`.
pub fn nums<const N: usize>(v: &Value, keys: [&str; N]) -> [Option<u64>; N] {
    keys.map(|k| v[k].as_u64())
}

/// The string field `key` of every element of a list.
pub fn each_str<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap())
        .collect()
}

/// The integer field `key` of every element of a list.
pub fn each_u64(list: &Value, key: &str) -> Vec<u64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_u64().unwrap())
        .collect()
}
