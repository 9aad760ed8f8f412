//! The analysis every capture command runs: capture -> ingest -> `sip::parse` ->
//! `flow::Engine`, in streaming mode (`stats`, `export`: each call handed to the caller as
//! soon as the engine lets it go, then dropped, so memory stays at the calls open at one
//! time) or in batch mode (`calls`, `flow`: every call kept until the end).
//!
//! # `-j N`: the same output on several threads
//! With N >= 2 the work is split in three stages linked by bounded queues:
//!
//! ```text
//!   reader thread            N-1 parser threads           this thread
//!   capture, decode,  --->   sip::parse + Head::of  --->  engine (+ the caller's
//!   reassembly, framing      (batches round-robin)        statistics or JSON writer)
//!   (copies each message
//!    into a batch)
//! ```
//!
//! The packet layer stays on one thread (its reassembly state is per flow, and its counters
//! and warnings are the same as in a single-threaded run); parsing, which depends on the
//! message alone, is spread over the parser threads; the engine, whose state spans calls
//! (transfer links, capture-wide metrics, the order calls are handed out in), stays on
//! one thread and receives every message in exactly the order a single-threaded run gives
//! it: batch k goes to parser k mod (N-1) and is taken back from that parser in turn, each
//! parser keeping its batches in order. So the output is byte for byte the same whatever N
//! (`tests/cli_jobs.rs` checks it on many captures). The work moved off the engine's
//! thread (reading, decoding, reassembly, framing, parsing, From/To/Via/CSeq) is about half
//! of a single-threaded run. [`stream_to`] adds a fourth stage for what is done with each
//! call handed out (`export` serialising it to JSON), fed in order; `stats` counts its
//! calls on the engine's thread ([`stream`]), cheaper than handing them over.

use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use sipscope::flow::{Analysis, Call, Config, Engine, Head};
use sipscope::ingest::Sink;
use sipscope::meta::{MessageMeta, RawMessage};
use sipscope::sip::{self, Message};

use super::input::{Inputs, PacketReport};
use super::{CliError, Global};

/// What is left when the input ends.
pub struct Streamed {
    /// The calls still open at the end (batch mode: every call), ordered by first frame,
    /// the capture-wide metrics and the engine's counters.
    pub rest: Analysis,
    /// Packet-layer counters and warnings.
    pub packets: PacketReport,
}

/// Messages per batch handed from the reader to a parser.
const BATCH_MESSAGES: usize = 256;
/// Bytes per batch (a batch is sent when either limit is reached).
const BATCH_BYTES: usize = 256 << 10;
/// Batches queued per parser, in each direction.
const QUEUE: usize = 4;

/// Threads to use for `-j N` (0: one per CPU).
pub fn threads(jobs: usize) -> usize {
    if jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        jobs
    }
}

/// Runs the inputs through the packet layer, the parser and the engine configured by
/// `config`, on `threads(g.jobs)` threads. In streaming mode every call is handed to
/// `on_call` as it is let go; the calls still open at the end are in
/// [`Streamed::rest`]. Capture warnings are printed unless `--quiet`.
pub fn run(
    inputs: Inputs,
    g: Global,
    config: Config,
    on_call: impl FnMut(Call),
) -> Result<Streamed, CliError> {
    let mut engine = Engine::new(config);
    let packets = match threads(g.jobs) {
        0 | 1 => single(inputs, g, &mut engine, on_call)?,
        n => parallel(inputs, g, &mut engine, n - 1, on_call)?,
    };
    if !g.quiet {
        for w in &packets.warnings {
            eprintln!("sipscope: warning: {w}");
        }
    }
    Ok(Streamed {
        rest: engine.finish(),
        packets,
    })
}

/// Streaming mode of [`run`].
pub fn stream(
    inputs: Inputs,
    g: Global,
    config: Config,
    on_call: impl FnMut(Call),
) -> Result<Streamed, CliError> {
    run(
        inputs,
        g,
        Config {
            streaming: true,
            ..config
        },
        on_call,
    )
}

/// Calls handed to a consumer thread at once (one wake-up per call cost more than the
/// work it moved).
const CALL_BATCH: usize = 64;
/// Batches of calls queued between the engine and a consumer thread.
const CALL_QUEUE: usize = 16;

/// Streaming mode of [`run`] with the per-call work (`consume`: statistics, JSON) on a
/// thread of its own when `-j` allows more than one, fed in order through a bounded queue,
/// so that it overlaps the engine. Returns `consume` for the calls still open at the end.
pub fn stream_to<C: FnMut(&Call) + Send>(
    inputs: Inputs,
    g: Global,
    config: Config,
    mut consume: C,
) -> Result<(Streamed, C), CliError> {
    if threads(g.jobs) <= 1 {
        let res = stream(inputs, g, config, |call| consume(&call))?;
        return Ok((res, consume));
    }
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel::<Vec<Call>>(CALL_QUEUE);
        // the calls come back to be freed where they were allocated (freeing them on the
        // consumer's thread made glibc's arenas contend: twice the CPU time)
        let (back_tx, back_rx) = std::sync::mpsc::channel::<Vec<Call>>();
        let consumer = spawn(s, "sipscope-calls", move || {
            for calls in rx {
                calls.iter().for_each(&mut consume);
                if back_tx.send(calls).is_err() {
                    break;
                }
            }
            consume
        });
        // a send fails only when the consumer panicked: reported when it is joined
        let mut batch = Vec::with_capacity(CALL_BATCH);
        let mut spare: Vec<Vec<Call>> = Vec::new();
        let res = stream(inputs, g, config, |call| {
            batch.push(call);
            if batch.len() >= CALL_BATCH {
                // the calls come back to be dropped here; their vectors are reused (a
                // 48 KB allocation per batch made glibc consolidate its free lists)
                while let Ok(mut done) = back_rx.try_recv() {
                    done.clear();
                    spare.push(done);
                }
                let empty = spare
                    .pop()
                    .unwrap_or_else(|| Vec::with_capacity(CALL_BATCH));
                let _ = tx.send(std::mem::replace(&mut batch, empty));
            }
        });
        if !batch.is_empty() {
            let _ = tx.send(batch);
        }
        drop(tx);
        let consume = match consumer.join() {
            Ok(c) => c,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        drop(back_rx);
        Ok((res?, consume))
    })
}

/// Spawns a named scoped thread (names show in `top -H` and profilers).
fn spawn<'scope, T: Send + 'scope>(
    s: &'scope std::thread::Scope<'scope, '_>,
    name: &str,
    f: impl FnOnce() -> T + Send + 'scope,
) -> std::thread::ScopedJoinHandle<'scope, T> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn_scoped(s, f)
        .expect("cannot start a thread")
}

fn single(
    inputs: Inputs,
    g: Global,
    engine: &mut Engine,
    on_call: impl FnMut(Call),
) -> Result<PacketReport, CliError> {
    inputs.read(g, Single { engine, on_call })
}

/// The single-threaded sink: each message parsed and handed to the engine. Datagram
/// messages come parsed by the framing (one scan of their header section).
struct Single<'e, C> {
    engine: &'e mut Engine,
    on_call: C,
}

impl<C: FnMut(Call)> Sink for Single<'_, C> {
    const PARSES: bool = true;

    fn message(&mut self, m: RawMessage<'_>) {
        self.parsed(m, sip::parse(m.bytes).as_ref())
    }

    #[inline]
    fn parsed<'m>(&mut self, m: RawMessage<'m>, parsed: Result<&Message<'m>, &sip::ParseError>) {
        match parsed {
            Ok(msg) => self.engine.on_message(&m.meta, msg),
            Err(e) => self.engine.on_invalid(&m.meta, e.kind.as_str()),
        }
        self.engine.drain_finished(m.meta.time, &mut self.on_call);
    }
}

/// Messages copied out of the packet layer: their bytes end to end, and where each is.
#[derive(Default)]
struct Batch {
    buf: Vec<u8>,
    items: Vec<(MessageMeta, u32, u32)>,
}

impl Batch {
    fn push(&mut self, m: &RawMessage<'_>) {
        let start = self.buf.len() as u32;
        self.buf.extend_from_slice(m.bytes);
        self.items.push((m.meta, start, self.buf.len() as u32));
    }

    fn full(&self) -> bool {
        self.items.len() >= BATCH_MESSAGES || self.buf.len() >= BATCH_BYTES
    }
}

/// One message of a batch after parsing: the message and its head, or the parser's reason
/// for rejecting it.
type Parsed<'a> = Result<(Message<'a>, Head<'a>), &'static str>;

type ParsedItems<'a> = Vec<Parsed<'a>>;

self_cell::self_cell!(
    /// A batch with its messages parsed (borrowing from the batch's bytes).
    struct ParsedBatch {
        owner: Batch,
        #[covariant]
        dependent: ParsedItems,
    }
);

fn parse_batch(batch: Batch) -> ParsedBatch {
    ParsedBatch::new(batch, |b| {
        b.items
            .iter()
            .map(
                |&(_, start, end)| match sip::parse(&b.buf[start as usize..end as usize]) {
                    Ok(msg) => {
                        let head = Head::of(&msg);
                        Ok((msg, head))
                    }
                    Err(e) => Err(e.kind.as_str()),
                },
            )
            .collect()
    })
}

fn parallel(
    inputs: Inputs,
    g: Global,
    engine: &mut Engine,
    parsers: usize,
    mut on_call: impl FnMut(Call),
) -> Result<PacketReport, CliError> {
    // Every buffer goes back to the thread that allocated it, to be reused or freed there:
    // memory freed by another thread makes glibc's arenas contend (it doubled the CPU
    // time). Batches: reader -> parser -> engine -> parser (drops the parsed messages)
    // -> reader (refills the bytes and offsets).
    std::thread::scope(|s| {
        let (recycle_tx, recycle_rx) = channel::<Batch>();
        let mut to_parsers: Vec<SyncSender<Batch>> = Vec::with_capacity(parsers);
        let mut from_parsers: Vec<Receiver<ParsedBatch>> = Vec::with_capacity(parsers);
        let mut back_to_parsers: Vec<Sender<ParsedBatch>> = Vec::with_capacity(parsers);
        for _ in 0..parsers {
            let (tx, rx) = sync_channel::<Batch>(QUEUE);
            let (ptx, prx) = sync_channel::<ParsedBatch>(QUEUE);
            let (back_tx, back_rx) = channel::<ParsedBatch>();
            let recycle = recycle_tx.clone();
            spawn(s, "sipscope-parse", move || {
                let give_back = |done: ParsedBatch| {
                    let mut batch = done.into_owner();
                    batch.buf.clear();
                    batch.items.clear();
                    let _ = recycle.send(batch);
                };
                for batch in rx {
                    while let Ok(done) = back_rx.try_recv() {
                        give_back(done);
                    }
                    if ptx.send(parse_batch(batch)).is_err() {
                        break;
                    }
                }
                drop(ptx);
                // the engine hands the last batches back until it is done
                for done in back_rx {
                    give_back(done);
                }
            });
            to_parsers.push(tx);
            from_parsers.push(prx);
            back_to_parsers.push(back_tx);
        }
        drop(recycle_tx);
        let reader = spawn(s, "sipscope-read", move || {
            let mut batch = Batch::default();
            let mut next = 0usize;
            // a send fails only when the engine's side is gone (it panicked): stop quietly,
            // the panic is reported when the threads are joined
            let mut send = |b: Batch| {
                let _ = to_parsers[next % to_parsers.len()].send(b);
                next += 1;
            };
            let report = inputs.read(g, |m: RawMessage<'_>| {
                batch.push(&m);
                if batch.full() {
                    let empty = recycle_rx.try_recv().unwrap_or_default();
                    send(std::mem::replace(&mut batch, empty));
                }
            });
            if !batch.items.is_empty() {
                send(batch);
            }
            report
        });
        // the engine, on this thread: batch k comes from parser k mod parsers
        let mut k = 0usize;
        while let Ok(parsed) = from_parsers[k % parsers].recv() {
            parsed.with_dependent(|batch, items| {
                for (&(meta, _, _), item) in batch.items.iter().zip(items) {
                    match item {
                        Ok((msg, head)) => engine.on_message_head(&meta, msg, head),
                        Err(reason) => engine.on_invalid(&meta, reason),
                    }
                    engine.drain_finished(meta.time, &mut on_call);
                }
            });
            let _ = back_to_parsers[k % parsers].send(parsed);
            k += 1;
        }
        drop(back_to_parsers);
        match reader.join() {
            Ok(report) => report,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
