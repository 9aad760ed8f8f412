//! SCTP (RFC 9260): the common header and the DATA chunks that carry user messages.

use super::{Layer, Skip};

/// An SCTP packet: ports and its chunks.
#[derive(Clone, Copy, Debug)]
pub struct Sctp<'a> {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    chunks: &'a [u8],
}

/// One DATA chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataChunk<'a> {
    /// Transmission sequence number.
    pub tsn: u32,
    /// Stream identifier.
    pub stream: u16,
    /// Stream sequence number.
    pub ssn: u16,
    /// Payload protocol identifier.
    pub ppid: u32,
    /// First piece of a user message (B flag).
    pub begin: bool,
    /// Last piece of a user message (E flag).
    pub end: bool,
    /// The user data.
    pub data: &'a [u8],
}

/// Decodes the 12-byte common header.
pub fn sctp(b: &[u8]) -> Result<Sctp<'_>, Skip> {
    if b.len() < 12 {
        return Err(Skip::Truncated(Layer::Sctp));
    }
    Ok(Sctp {
        src_port: u16::from_be_bytes([b[0], b[1]]),
        dst_port: u16::from_be_bytes([b[2], b[3]]),
        chunks: &b[12..],
    })
}

impl<'a> Sctp<'a> {
    /// The DATA chunks, in order; iteration stops at the first malformed chunk (reported
    /// as an `Err` item).
    pub fn data_chunks(&self) -> DataChunks<'a> {
        DataChunks { rest: self.chunks }
    }
}

/// Iterator over the DATA chunks of a packet.
pub struct DataChunks<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for DataChunks<'a> {
    type Item = Result<DataChunk<'a>, Skip>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.rest.len() < 4 {
                return None;
            }
            let b = self.rest;
            let kind = b[0];
            let flags = b[1];
            let len = u16::from_be_bytes([b[2], b[3]]) as usize;
            if len < 4 || len > b.len() {
                self.rest = &[];
                return Some(Err(if len < 4 {
                    Skip::Malformed(Layer::Sctp)
                } else {
                    Skip::Truncated(Layer::Sctp)
                }));
            }
            let padded = (len + 3) & !3;
            self.rest = &b[padded.min(b.len())..];
            if kind != 0 {
                continue;
            }
            if len < 16 {
                self.rest = &[];
                return Some(Err(Skip::Malformed(Layer::Sctp)));
            }
            return Some(Ok(DataChunk {
                tsn: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
                stream: u16::from_be_bytes([b[8], b[9]]),
                ssn: u16::from_be_bytes([b[10], b[11]]),
                ppid: u32::from_be_bytes([b[12], b[13], b[14], b[15]]),
                begin: flags & 2 != 0,
                end: flags & 1 != 0,
                data: &b[16..len],
            }));
        }
    }
}
