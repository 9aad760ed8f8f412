//! Link, network and transport decoding: typed views over borrowed packet bytes (Ethernet,
//! 802.1Q/QinQ, SLL/SLL2, NULL, raw IP, IPv4/IPv6, tunnels, UDP/TCP/SCTP).
