//! `sipscope sniff`: live analysis of an interface (feature `live`).
//!
//! In a build without the feature the subcommand still exists, so that `--help` documents
//! it and a user who tries it learns in one line how to get it.

#[cfg(not(feature = "live"))]
use super::CliError;
use super::{CmdResult, Global, SniffArgs};

/// `--help` examples.
pub const AFTER_HELP: &str = "\
Examples:
  sipscope sniff -i eth0                              one line per finished call
  sipscope sniff -i eth0 -f 'port 5060' -w sip.pcap   also keep the packets
  sipscope sniff -i lo --ndjson - --duration 30       NDJSON calls for 30 s, then stats
  sipscope sniff -D                                   list the interfaces

Ctrl-C (or --duration/--count) stops: open calls are flushed, then the statistics are
printed. A status line (packets, calls open, drops) is shown when stderr is a terminal.
Needs a build with `--features live` (libpcap) and capture permission (root or
CAP_NET_RAW).

--linger: a finished call (hung up, rejected, cancelled...) is printed once it has been
quiet this long. The default, 5 s, is just above T2 (4 s), the longest pause between two
retransmissions of a SIP transaction, so a BYE or 200 OK resent because the first copy
was lost still lands in its call. Messages of the Call-ID that come later start a new,
short record (counted as reopened in the statistics): a NOTIFY reporting a transfer's
outcome after the transferor hung up, a retransmission after a longer outage. The linger
is also the window in which a REFER's triggered INVITE is linked to it. `export` uses
32 s (64*T1, every timer of RFC 3261 has run out); use --linger 32 for the same records.";

/// Default of `--linger`, in seconds: just above T2 (4 s), see [`AFTER_HELP`].
pub const DEFAULT_LINGER: f64 = 5.0;

/// Runs the subcommand.
#[cfg(not(feature = "live"))]
pub fn run(_args: SniffArgs, _g: Global) -> CmdResult {
    Err(CliError::input(
        "this sipscope was built without live capture: rebuild it with \
         `cargo install sipscope --features live` (needs libpcap-dev)",
    ))
}

/// Runs the subcommand.
#[cfg(feature = "live")]
pub fn run(args: SniffArgs, g: Global) -> CmdResult {
    live::run(args, g)
}

#[cfg(feature = "live")]
mod live {
    use std::fs::File;
    use std::io::{self, BufWriter, Write};
    use std::process::ExitCode;
    use std::time::{Duration, Instant};

    use sipscope::capture::live::{LiveCapture, LiveEvent, LiveOptions};
    use sipscope::capture::writer::PcapWriter;
    use sipscope::flow::{Call, Config, Engine};
    use sipscope::ingest::Ingest;
    use sipscope::report::json::JsonWriter;
    use sipscope::report::stats::Stats;
    use sipscope::report::table;

    use super::super::filter::Filter;
    use super::super::{CliError, CmdResult, Global, SniffArgs, out_err, term};

    /// How often the status line is redrawn.
    const STATUS_EVERY: Duration = Duration::from_millis(250);

    /// The longest `--linger` accepted (a day): beyond it a call would never be printed.
    const MAX_LINGER: f64 = 86_400.0;

    /// Where finished calls go.
    enum Sink {
        /// One summary line per call on stdout.
        Lines(io::Stdout),
        /// NDJSON to a file or stdout.
        Ndjson(JsonWriter<Box<dyn Write>>),
    }

    pub(super) fn run(args: SniffArgs, g: Global) -> CmdResult {
        if args.list_interfaces {
            return list_interfaces();
        }
        let iface = args.interface.clone().unwrap_or_default();
        let mut opts = LiveOptions::new(&iface);
        opts.filter = args.bpf.clone();
        opts.snaplen = args.snaplen;
        let mut cap = LiveCapture::open(&opts).map_err(|e| CliError::input(e.to_string()))?;
        let link = cap.link();
        let mut pcap_out = match &args.write {
            Some(path) => {
                let f = File::create(path).map_err(|e| {
                    CliError::input(format!("cannot create {}: {e}", path.display()))
                })?;
                let w = PcapWriter::new(BufWriter::new(f), link, false).map_err(|e| {
                    CliError::input(format!("cannot write {}: {e}", path.display()))
                })?;
                Some(w)
            }
            None => None,
        };
        let mut sink = match &args.ndjson {
            Some(p) if p.as_os_str() == "-" => {
                Sink::Ndjson(JsonWriter::ndjson(Box::new(io::stdout()) as Box<dyn Write>))
            }
            Some(p) => {
                let f = File::create(p)
                    .map_err(|e| CliError::input(format!("cannot create {}: {e}", p.display())))?;
                Sink::Ndjson(JsonWriter::ndjson(
                    Box::new(LineFlush(BufWriter::new(f))) as Box<dyn Write>
                ))
            }
            None => Sink::Lines(io::stdout()),
        };
        cap.stop_on_ctrl_c().map_err(CliError::input)?;
        if let Some(secs) = args.duration {
            if !(secs.is_finite() && secs >= 0.0) {
                return Err(CliError::input("--duration needs a number of seconds"));
            }
            let stopper = cap.stopper();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs_f64(secs));
                stopper.stop();
            });
        }
        if !(args.linger.is_finite() && (0.0..=MAX_LINGER).contains(&args.linger)) {
            return Err(CliError::input(
                "--linger needs a number of seconds between 0 and 86400",
            ));
        }
        let status_line = !g.quiet && term::stderr_is_terminal();
        if !g.quiet {
            eprintln!(
                "sipscope: listening on {iface} (link type {}), Ctrl-C to stop",
                super::super::input::link_name(link)
            );
        }

        let filter = Filter::new(&args.filters);
        let style = term::style(g);
        let mut engine = Engine::new(Config {
            streaming: true,
            linger: Duration::from_secs_f64(args.linger),
            ..Config::default()
        });
        let mut ingest = Ingest::default();
        let mut stats = Stats::new(
            std::iter::empty(),
            Default::default(),
            Default::default(),
            Vec::new(),
        );
        let mut emitted = 0u64;
        let mut write_error: Option<io::Error> = None;
        let mut last_status = Instant::now();
        let mut packets = 0u64;
        let emit = |call: Call,
                    sink: &mut Sink,
                    stats: &mut Stats,
                    emitted: &mut u64,
                    err: &mut Option<io::Error>| {
            if !filter.matches(&call) {
                return;
            }
            stats.add(&call);
            *emitted += 1;
            let r = match sink {
                Sink::Lines(out) => {
                    if status_line {
                        eprint!("\r\x1b[K");
                    }
                    writeln!(out.lock(), "{}", table::one_line(&call, &style))
                }
                Sink::Ndjson(w) => w.call(&call),
            };
            if let Err(e) = r {
                err.get_or_insert(e);
            }
        };
        // capture time of the last frame and when it was read, to tell the engine how much
        // capture time has passed while the interface is quiet
        let mut clock: Option<(sipscope::meta::Timestamp, Instant)> = None;
        loop {
            let frame = match cap.next_event() {
                LiveEvent::Frame(f) => f,
                LiveEvent::Idle => {
                    if let Some((t, at)) = clock {
                        let idle = i64::try_from(at.elapsed().as_nanos()).unwrap_or(i64::MAX);
                        let now = sipscope::meta::Timestamp(t.0.saturating_add(idle));
                        engine.drain_finished(now, &mut |c| {
                            emit(c, &mut sink, &mut stats, &mut emitted, &mut write_error)
                        });
                        if write_error.is_some() {
                            break;
                        }
                    }
                    continue;
                }
                LiveEvent::End => break,
            };
            packets += 1;
            if let Some(w) = pcap_out.as_mut() {
                if let Err(e) = w.packet(frame.time, frame.data) {
                    return Err(CliError::input(format!("cannot write the pcap: {e}")));
                }
            }
            let now = frame.time;
            clock = Some((now, Instant::now()));
            ingest.push(&frame, &mut |m| match sipscope::sip::parse(m.bytes) {
                Ok(msg) => engine.on_message(&m.meta, &msg),
                Err(e) => engine.on_invalid(&m.meta, e.kind.as_str()),
            });
            engine.drain_finished(now, &mut |c| {
                emit(c, &mut sink, &mut stats, &mut emitted, &mut write_error)
            });
            if write_error.is_some() {
                break;
            }
            if status_line && last_status.elapsed() >= STATUS_EVERY {
                last_status = Instant::now();
                let drops = cap.stats().map_or(0, |s| s.dropped + s.if_dropped);
                eprint!(
                    "\r\x1b[K{packets} packets  {} SIP  {} calls open  {emitted} done  {drops} dropped",
                    ingest.stats().sip_messages(),
                    engine.open_calls(),
                );
            }
            if args.count.is_some_and(|n| packets >= n) {
                break;
            }
        }
        if status_line {
            eprint!("\r\x1b[K");
        }
        let capture_error = cap.error().map(|e| e.to_string());
        // flush: calls still open are handed out as they stand
        ingest.finish(&mut |m| match sipscope::sip::parse(m.bytes) {
            Ok(msg) => engine.on_message(&m.meta, &msg),
            Err(e) => engine.on_invalid(&m.meta, e.kind.as_str()),
        });
        let analysis = engine.finish();
        for c in analysis.calls {
            emit(c, &mut sink, &mut stats, &mut emitted, &mut write_error);
        }
        if let Some(e) = write_error {
            return Err(out_err(e));
        }
        if let Sink::Ndjson(w) = sink {
            w.finish(&analysis.metrics, &analysis.counters, &[])
                .map_err(out_err)?;
        }
        if let Some(w) = pcap_out {
            w.into_inner()
                .flush()
                .map_err(|e| CliError::input(format!("cannot write the pcap: {e}")))?;
        }
        let kernel = cap.stats();
        if !g.quiet {
            stats.metrics = analysis.metrics;
            stats.engine = analysis.counters;
            stats.packets = ingest.stats().rows();
            if let Some(k) = kernel {
                stats
                    .packets
                    .push(("kernel: received".into(), k.received as u64));
                stats
                    .packets
                    .push(("kernel: dropped (buffer full)".into(), k.dropped as u64));
                stats.packets.push((
                    "kernel: dropped by the interface".into(),
                    k.if_dropped as u64,
                ));
            }
            let text = stats.render(&sipscope::report::style::Style {
                color: term::use_color(g.color, term::stderr_is_terminal()),
                width: style.width,
            });
            eprintln!("\n{text}");
        }
        if let Some(e) = capture_error {
            return Err(CliError::input(e));
        }
        Ok(ExitCode::SUCCESS)
    }

    /// Flushes at every end of line, so `sniff --ndjson FILE` can be followed with
    /// `tail -f` and `sniff --ndjson - | jq` sees each call as it ends.
    struct LineFlush<W: Write>(W);

    impl<W: Write> Write for LineFlush<W> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = self.0.write(buf)?;
            if buf[..n].contains(&b'\n') {
                self.0.flush()?;
            }
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            self.0.flush()
        }
    }

    fn list_interfaces() -> CmdResult {
        let devices = pcap::Device::list()
            .map_err(|e| CliError::input(format!("cannot list interfaces: {e}")))?;
        let mut out = io::stdout().lock();
        for (i, d) in devices.iter().enumerate() {
            let desc = d
                .desc
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            writeln!(out, "{}. {}{desc}", i + 1, d.name).map_err(out_err)?;
        }
        Ok(ExitCode::SUCCESS)
    }
}
