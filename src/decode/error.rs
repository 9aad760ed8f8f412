//! Why a frame was not decoded down to a transport payload.

use std::fmt;

/// The protocol layer a [`Skip`] refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Layer {
    Link,
    Vlan,
    Pppoe,
    Ppp,
    Mpls,
    Ipv4,
    Ipv6,
    Gre,
    Erspan,
    Vxlan,
    Gtp,
    Udp,
    Tcp,
    Sctp,
}

impl Layer {
    /// Lower-case protocol name.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Link => "link",
            Layer::Vlan => "vlan",
            Layer::Pppoe => "pppoe",
            Layer::Ppp => "ppp",
            Layer::Mpls => "mpls",
            Layer::Ipv4 => "ipv4",
            Layer::Ipv6 => "ipv6",
            Layer::Gre => "gre",
            Layer::Erspan => "erspan",
            Layer::Vxlan => "vxlan",
            Layer::Gtp => "gtp",
            Layer::Udp => "udp",
            Layer::Tcp => "tcp",
            Layer::Sctp => "sctp",
        }
    }
}

/// Why decoding stopped. Each variant is a counter in `sipscope stats`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Skip {
    /// The capture's link type is not one we decode (the number is the LINKTYPE).
    UnsupportedLink(u32),
    /// The frame carries something other than IP (ARP, LLDP, STP...).
    NotIp,
    /// The bytes end inside a header of this layer.
    Truncated(Layer),
    /// A header field of this layer is impossible (bad version, length smaller than the
    /// header...).
    Malformed(Layer),
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::UnsupportedLink(l) => write!(f, "unsupported link type {l}"),
            Skip::NotIp => f.write_str("not IP"),
            Skip::Truncated(l) => write!(f, "truncated {} header", l.as_str()),
            Skip::Malformed(l) => write!(f, "malformed {} header", l.as_str()),
        }
    }
}
