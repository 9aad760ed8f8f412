//! Capture sources: pcap and pcapng files (path, `-` for stdin, `.gz`), several files merged
//! in timestamp order, and live interfaces (feature `live`).
//!
//! Output: link-layer frames numbered from 1 over the whole input, with capture time and
//! link type. Nothing here looks inside the frames.
