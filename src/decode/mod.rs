//! Link, network and transport decoding: typed views over borrowed packet bytes (Ethernet,
//! 802.1Q/QinQ, PPPoE, MPLS, SLL/SLL2, NULL/loopback, raw IP, IPv4/IPv6 with extension
//! headers, IP-in-IP, GRE with ERSPAN II/III and PPP, VXLAN, GTP-U, UDP, TCP, SCTP).
//!
//! Two entry points, used in a loop by the ingest pipeline (which reassembles IP fragments
//! between them):
//! - [`decode_link`]: a captured frame down to its first IP packet;
//! - [`decode_transport`]: an (unfragmented) IP packet to its transport, or to the inner IP
//!   packet of a tunnel.
//!
//! Nothing allocates; every view checks lengths before touching bytes; every refusal says
//! which layer and why ([`Skip`]).

pub mod build;
mod error;
pub mod ethernet;
pub mod ip;
pub mod link;
pub mod sctp;
pub mod transport;
pub mod tunnel;

pub use error::{Layer, Skip};
pub use ip::{Fragment, IpPacket};
pub use link::decode_link;
pub use transport::{Tcp, Transport, Udp, decode_transport};

#[cfg(test)]
mod tests;
