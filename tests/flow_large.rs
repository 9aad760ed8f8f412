//! A large capture, call by call: 20,000 generated scenario instances (basic calls hung up
//! by either side, PRACK, blind transfers, CANCEL, busy, REGISTER with a digest challenge,
//! OPTIONS, UDP retransmissions, fragmented and multi-segment INVITEs; about 1,500 calls
//! overlapping at any time), over UDP and over TCP. The generator records what each Call-ID
//! should show (`examples/gen_capture/sipgen.rs`, `Expect`); `sipscope export --ndjson` must
//! find every Call-ID once with exactly that kind, state, final status, hang-up side, PRACK
//! pairs, retransmission count and transfer links, while streaming: the engine never holds
//! more than the calls that overlap (peak open calls far below the number of calls).

use std::collections::HashMap;
use std::io::BufRead;
use std::process::{Command, Stdio};

#[path = "../examples/gen_capture/sipgen.rs"]
#[allow(dead_code)]
mod sipgen;

use sipgen::{Expect, Tp};

const CALLS: u64 = 20_000;

/// One Call-ID's outcome, as the generator meant it or as the export shows it.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    call_id: String,
    kind: String,
    state: String,
    final_status: u16,
    hangup: Option<String>,
    prack_pairs: usize,
    retransmissions: u32,
    transfer_target: Option<String>,
    transferred_from: Option<String>,
}

impl From<&Expect> for Outcome {
    fn from(e: &Expect) -> Outcome {
        Outcome {
            call_id: e.call_id.clone(),
            kind: e.kind.into(),
            state: e.state.into(),
            final_status: e.final_status,
            hangup: e.hangup.map(Into::into),
            prack_pairs: e.prack_pairs,
            retransmissions: e.retransmissions,
            transfer_target: e.transfer_target.clone(),
            transferred_from: e.transferred_from.clone(),
        }
    }
}

/// What the export says of one Call-ID.
fn found(d: &serde_json::Value) -> Outcome {
    let s = |v: &serde_json::Value| v.as_str().map(str::to_string);
    let prack = d["prack"].as_array().unwrap();
    let problems: Vec<_> = prack
        .iter()
        .flat_map(|p| p["problems"].as_array().unwrap())
        .collect();
    assert!(
        problems.is_empty(),
        "{}: PRACK problems {problems:?}",
        d["call_id"]
    );
    let transfers = d["transfers"].as_array().unwrap();
    assert!(transfers.len() <= 1, "{}: one REFER at most", d["call_id"]);
    let transfer_target = transfers.first().map(|t| {
        assert_eq!(t["outcome"], "success", "{}", d["call_id"]);
        t["target_call_id"]
            .as_str()
            .unwrap_or("(not linked)")
            .to_string()
    });
    Outcome {
        call_id: d["call_id"].as_str().unwrap().to_string(),
        kind: s(&d["kind"]).unwrap(),
        state: s(&d["state"]).unwrap(),
        final_status: d["final_status"].as_u64().unwrap_or(0) as u16,
        hangup: s(&d["hangup"]),
        prack_pairs: prack.iter().filter(|p| p["acknowledged"] == true).count(),
        retransmissions: d["transactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["retransmissions"].as_u64().unwrap() as u32)
            .sum(),
        transfer_target,
        transferred_from: d["transferred_from"]["call_id"]
            .as_str()
            .map(str::to_string),
    }
}

fn check(tp: Tp) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("large-{}.pcap", tp.lower()));
    let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let (summary, expected) = sipgen::generate_expecting(file, CALLS, tp, 11, 50.0).unwrap();
    assert_eq!(expected.len() as u64, summary.call_ids);

    let mut child = Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .args(["export", "--ndjson"])
        .arg(&path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut got: HashMap<String, Outcome> = HashMap::new();
    let mut messages = 0;
    for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
        let d: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        messages += d["messages"].as_array().unwrap().len() as u64;
        let e = found(&d);
        let id = e.call_id.clone();
        assert!(got.insert(id.clone(), e).is_none(), "{id} exported twice");
    }
    assert!(child.wait().unwrap().success());
    assert_eq!(messages, summary.messages, "every message exported");

    let mut wrong = Vec::new();
    for e in &expected {
        let e = Outcome::from(e);
        match got.get(&e.call_id) {
            Some(g) if *g == e => {}
            Some(g) => wrong.push(format!("expected {e:?}\n     found {g:?}")),
            None => wrong.push(format!("{} not found", e.call_id)),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} Call-IDs wrong over {}, e.g.\n{}",
        wrong.len(),
        expected.len(),
        tp.lower(),
        wrong[..wrong.len().min(5)].join("\n")
    );
    assert_eq!(got.len(), expected.len());
    // the mix really is there
    for state in ["completed", "cancelled", "busy", "registered", "succeeded"] {
        assert!(expected.iter().filter(|e| e.state == state).count() > 100);
    }
    assert!(expected.iter().filter(|e| e.prack_pairs > 0).count() > 100);
    assert!(
        expected
            .iter()
            .filter(|e| e.transfer_target.is_some())
            .count()
            > 100
    );
    if tp == Tp::Udp {
        assert!(expected.iter().filter(|e| e.retransmissions > 0).count() > 100);
    }

    // streaming: calls are handed out as they finish, so the engine holds the calls that
    // overlap (~1,500 at 50 calls/s, plus those lingering 32 s), not the capture
    let out = Command::new(env!("CARGO_BIN_EXE_sipscope"))
        .args(["stats", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let engine = &stats["engine"];
    assert_eq!(engine["calls"].as_u64(), Some(summary.call_ids));
    assert_eq!(engine["calls_reopened"], 0);
    assert_eq!(engine["evicted_cap"], 0);
    let peak = engine["peak_open_calls"].as_u64().unwrap();
    assert!(
        peak < summary.call_ids / 4,
        "peak open calls {peak} of {} Call-IDs",
        summary.call_ids
    );
}

#[test]
fn every_call_of_a_large_udp_capture_has_the_right_outcome() {
    check(Tp::Udp);
}

#[test]
fn every_call_of_a_large_tcp_capture_has_the_right_outcome() {
    check(Tp::Tcp);
}
