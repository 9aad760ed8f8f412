//! sipscope: a SIP packet-capture analyzer.
//!
//! Data flows one way through these layers, each a module with a small public surface:
//!
//! 1. [`capture`]: capture sources (pcap/pcapng files, stdin, gzip, several files merged in
//!    time order, live interfaces with the `live` feature) yielding link-layer frames.
//! 2. [`decode`]: typed views over link, network and transport headers, tunnels included.
//! 3. [`reassembly`]: IP fragments, TCP streams and WebSocket frames back into byte streams.
//! 4. [`ingest`]: the packet pipeline gluing 1-3 together; it frames SIP messages out of
//!    datagrams and streams and yields one [`meta::RawMessage`] per SIP message.
//! 5. [`sip`]: the zero-copy SIP message parser (start line, headers, typed accessors, bodies).
//! 6. [`flow`]: the call-flow engine (calls, dialogs, transactions, PRACK, transfers).
//! 7. [`report`]: what people and programs read (JSON export, call table, ladder, stats).
//!
//! No layer reaches back up: `sip` knows nothing of packets, `flow` nothing of rendering.

#![warn(missing_docs)]

pub mod capture;
pub mod decode;
pub mod flow;
pub mod ingest;
pub mod meta;
pub mod reassembly;
pub mod report;
pub mod sip;
mod swar;
