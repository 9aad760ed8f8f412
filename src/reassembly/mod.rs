//! Reassembly of IP fragments, TCP byte streams and WebSocket frames, each with memory caps
//! and eviction rules, because captures come from hostile networks. Timeouts run on capture
//! time, never on wall-clock time, so a file gives the same result however fast it is read.
//!
//! The limits and what happens when they are reached are documented in
//! `docs/packet-layer.md`; every eviction is counted.

pub mod ipfrag;
pub mod tcp;
pub mod websocket;

pub use ipfrag::{FragConfig, FragPool, FragStats};
pub use tcp::{Delivery, FlowKey, TcpConfig, TcpReassembler, TcpStats};
pub use websocket::{Handshake, WsDecoder, WsError, WsMessage};

/// Nanoseconds in a second, for timeouts expressed in capture time.
pub const SECOND: i64 = 1_000_000_000;
