//! `-j N` changes how many threads do the work, never the output: `export`, `export
//! --ndjson`, `stats --json` and `calls` print the same bytes (and exit with the same code
//! and stderr) with one thread and with several, on every capture of the project and of
//! the shared corpus, and on generated traffic big enough to span many batches (thousands
//! of overlapping calls, transfers linked across calls, calls handed out while others are
//! still open, UDP retransmissions, IP fragments, TCP streams).

mod cli_support;

use cli_support::{root, run};

#[allow(dead_code)]
#[path = "../examples/gen_capture/sipgen.rs"]
mod sipgen;

/// Runs `args` with `-j 1` and with each of `jobs`, and asserts the same result; returns the
/// single-threaded stdout.
fn same_whatever_the_jobs(args: &[&str], jobs: &[&str]) -> String {
    let mut base = args.to_vec();
    base.extend(["-j", "1"]);
    let one = run(&base);
    for j in jobs {
        let mut a = args.to_vec();
        a.extend(["-j", j]);
        let many = run(&a);
        assert!(
            one == many,
            "`sipscope {}` differs with -j {j}: exit {} vs {}, stdout {} vs {} bytes, \
             stderr {:?} vs {:?}",
            args.join(" "),
            one.0,
            many.0,
            one.1.len(),
            many.1.len(),
            one.2,
            many.2
        );
    }
    one.1
}

fn captures_in(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.to_string_lossy();
                    n.ends_with(".pcap") || n.ends_with(".pcapng") || n.ends_with(".gz")
                })
                .map(|p| p.to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn every_capture_gives_the_same_output_whatever_the_jobs() {
    let mut files = captures_in(&root().join("captures"));
    let corpus = captures_in(&root().join("../shared/corpus/pcaps"));
    assert!(
        !corpus.is_empty(),
        "../shared/corpus/pcaps is missing: clone the repository next to ../shared"
    );
    files.extend(corpus);
    for f in &files {
        for cmd in [&["export"][..], &["stats", "--json"], &["calls"]] {
            let mut args = cmd.to_vec();
            args.push(f);
            same_whatever_the_jobs(&args, &["3"]);
        }
    }
}

#[test]
fn generated_traffic_gives_the_same_output_whatever_the_jobs() {
    let dir = tempfile::tempdir().unwrap();
    for tp in [sipgen::Tp::Udp, sipgen::Tp::Tcp] {
        let path = dir.path().join(format!("{}.pcap", tp.lower()));
        let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        // 4 calls per second over ~12 minutes: calls are handed out while others run, and
        // registrations, OPTIONS and transfers interleave with them
        let s = sipgen::generate(file, 3000, tp, 7, 4.0, |_| {}).unwrap();
        let p = path.to_string_lossy().into_owned();

        let doc = same_whatever_the_jobs(&["export", &p], &["2", "4"]);
        let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
        let calls = doc["calls"].as_array().unwrap();
        assert_eq!(
            calls.len() as u64,
            s.call_ids,
            "{p}: one export entry per Call-ID"
        );
        let messages: usize = calls
            .iter()
            .map(|c| c["messages"].as_array().unwrap().len())
            .sum();
        assert_eq!(messages as u64, s.messages, "{p}: every message exported");
        let linked = calls
            .iter()
            .flat_map(|c| c["transfers"].as_array().unwrap())
            .filter(|t| t["target_call_id"].is_string())
            .count();
        assert!(linked > 0, "{p}: transfers are linked across calls");

        same_whatever_the_jobs(&["export", "--ndjson", &p], &["2"]);
        let stats = same_whatever_the_jobs(&["stats", "--json", &p], &["2", "0"]);
        let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
        assert_eq!(stats["calls"].as_u64(), Some(s.call_ids));
        same_whatever_the_jobs(&["calls", &p], &["2"]);
    }
}
