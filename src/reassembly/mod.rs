//! Reassembly of IP fragments, TCP byte streams and WebSocket frames, each with memory caps
//! and eviction rules, because captures come from hostile networks.
