//! Generator of large, realistic SIP benchmark captures (classic pcap, Ethernet/IPv4).
//!
//! ```text
//! cargo run --release --example gen_capture -- --calls 30000 --transport udp --seed 1 \
//!     -o bench-data/udp-30k.pcap
//! ```
//!
//! Deterministic: the same `--calls`, `--transport`, `--seed` and `--cps` always give the same
//! bytes. Calls arrive as a Poisson process (`--cps` per second) and overlap in time (hold
//! times of seconds to a minute). The mix, per generated "call" (scenario instance):
//!
//! | share | scenario | messages |
//! |---|---|---|
//! | 48% | basic call: INVITE/100/180/200/ACK ... BYE/200 (either side hangs up) | 7 |
//! |  8% | PRACK: INVITE (Supported: 100rel)/100/183 (Require: 100rel, RSeq)/PRACK/200/200/ACK/BYE/200 | 9 |
//! |  3% | blind transfer: basic call, REFER/202, NOTIFY sipfrag 100/200, new INVITE with Referred-By to the target (own Call-ID), NOTIFY sipfrag 200 (terminated)/200, BYEs | 20 |
//! |  6% | CANCEL: INVITE/100/180/CANCEL/200/487/ACK | 7 |
//! |  6% | busy: INVITE/100/486/ACK | 4 |
//! | 12% | REGISTER/401 (digest challenge)/REGISTER with Authorization/200 | 4 |
//! | 17% | OPTIONS/200 | 2 |
//!
//! About 3% of INVITEs are "big" (~3 KB: long header set, audio+video SDP with ICE): over UDP
//! they travel as IPv4 fragments (MTU 1500), over TCP as several segments (MSS 1448). Over UDP
//! about 5% of the INVITE transactions see a retransmission (the INVITE sent again after
//! T1 = 500 ms because the 100 Trying was late, or the 200 OK sent again because the ACK was
//! late). Ordinary INVITEs are about 900 bytes with SDP.
//!
//! Over TCP every pair of hosts shares one persistent connection (three-way handshake on first
//! use, client port from 40000 up), SIP messages carry `SIP/2.0/TCP` Vias; data segments only,
//! no pure ACKs after the handshake. Checksums (IPv4, UDP, TCP) are correct.
//!
//! A summary (frames, SIP messages, Call-IDs, bytes) goes to stderr.

#[allow(dead_code)] // generate_expecting and Expect serve tests/flow_large.rs
mod sipgen;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use sipgen::Tp;

const USAGE: &str = "usage: gen_capture --calls N [--transport udp|tcp] [--seed S] [--cps R] \
                     [--truth FILE.json] -o FILE";
/// every message as "METHOD-or-STATUS CSEQ-NUMBER CSEQ-METHOD", in capture order.
#[derive(Default)]
struct Truth {
    messages: u64,
    calls: std::collections::BTreeMap<String, Vec<String>>,
}

impl Truth {
    fn add(&mut self, msg: &[u8]) {
        let text = std::str::from_utf8(msg).expect("generated text");
        let mut lines = text.split("\r\n");
        let start = lines.next().unwrap_or_default();
        let first = match start.strip_prefix("SIP/2.0 ") {
            Some(rest) => rest.split(' ').next().unwrap_or_default(),
            None => start.split(' ').next().unwrap_or_default(),
        };
        let (mut call_id, mut cseq) = ("", "");
        for l in lines.take_while(|l| !l.is_empty()) {
            if let Some(v) = l.strip_prefix("Call-ID: ") {
                call_id = v;
            } else if let Some(v) = l.strip_prefix("CSeq: ") {
                cseq = v;
            }
        }
        self.messages += 1;
        self.calls
            .entry(call_id.to_string())
            .or_default()
            .push(format!("{first} {cseq}"));
    }

    fn write(&self, path: &std::path::Path) -> io::Result<()> {
        let doc =
            serde_json::json!({ "messages": self.messages, "calls": self.calls, "resent": {} });
        let mut out = BufWriter::new(File::create(path)?);
        serde_json::to_writer_pretty(&mut out, &doc)?;
        out.write_all(b"\n")?;
        out.flush()
    }
}

struct Args {
    calls: u64,
    tp: Tp,
    seed: u64,
    cps: f64,
    out: PathBuf,
    truth: Option<PathBuf>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        calls: 0,
        tp: Tp::Udp,
        seed: 1,
        cps: 50.0,
        out: PathBuf::new(),
        truth: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut val = || {
            it.next()
                .ok_or_else(|| format!("{k} needs a value\n{USAGE}"))
        };
        match k.as_str() {
            "--calls" | "-n" => a.calls = val()?.parse().map_err(|e| format!("--calls: {e}"))?,
            "--seed" => a.seed = val()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--cps" => a.cps = val()?.parse().map_err(|e| format!("--cps: {e}"))?,
            "--transport" | "-t" => {
                a.tp = match val()?.as_str() {
                    "udp" => Tp::Udp,
                    "tcp" => Tp::Tcp,
                    other => return Err(format!("--transport: {other}: use udp or tcp")),
                }
            }
            "-o" | "--output" => a.out = PathBuf::from(val()?),
            "--truth" => a.truth = Some(PathBuf::from(val()?)),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if a.calls == 0 || a.out.as_os_str().is_empty() || a.cps.is_nan() || a.cps <= 0.0 {
        return Err(USAGE.into());
    }
    Ok(a)
}

fn main() {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&a) {
        eprintln!("gen_capture: cannot write {}: {e}", a.out.display());
        std::process::exit(1);
    }
}

fn run(a: &Args) -> io::Result<()> {
    if let Some(dir) = a.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let out = BufWriter::with_capacity(1 << 20, File::create(&a.out)?);
    let mut truth = Truth::default();
    let s = sipgen::generate(out, a.calls, a.tp, a.seed, a.cps, |m| truth.add(m))?;
    if let Some(path) = &a.truth {
        truth.write(path)?;
    }
    eprintln!(
        "gen_capture: {} calls, {} Call-IDs, {} SIP messages, {} frames, {:.1} MB ({}) -> {}",
        s.calls,
        s.call_ids,
        s.messages,
        s.frames,
        s.bytes as f64 / 1e6,
        a.tp.lower(),
        a.out.display()
    );
    Ok(())
}
