//! Minimal capture writers (pcap with µs or ns timestamps, pcapng with several interfaces),
//! used by tests, benchmarks and fuzzing to build captures in code.

use std::io::{self, Write};

use super::LinkType;
use crate::meta::Timestamp;

/// Writes a legacy pcap file.
pub struct PcapWriter<W: Write> {
    out: W,
    nanos: bool,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header: one link type, microsecond or nanosecond timestamps.
    pub fn new(mut out: W, link: LinkType, nanos: bool) -> io::Result<Self> {
        let magic: u32 = if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
        out.write_all(&magic.to_le_bytes())?;
        out.write_all(&2u16.to_le_bytes())?;
        out.write_all(&4u16.to_le_bytes())?;
        out.write_all(&0i32.to_le_bytes())?;
        out.write_all(&0u32.to_le_bytes())?;
        out.write_all(&262_144u32.to_le_bytes())?;
        out.write_all(&link.0.to_le_bytes())?;
        Ok(PcapWriter { out, nanos })
    }

    /// Appends one packet record.
    pub fn packet(&mut self, time: Timestamp, data: &[u8]) -> io::Result<()> {
        let ns = time.as_nanos();
        let secs = ns.div_euclid(1_000_000_000) as u32;
        let frac = ns.rem_euclid(1_000_000_000) as u32;
        let frac = if self.nanos { frac } else { frac / 1000 };
        self.out.write_all(&secs.to_le_bytes())?;
        self.out.write_all(&frac.to_le_bytes())?;
        self.out.write_all(&(data.len() as u32).to_le_bytes())?;
        self.out.write_all(&(data.len() as u32).to_le_bytes())?;
        self.out.write_all(data)
    }

    /// Returns the underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Writes a little-endian pcapng file with one section and any number of interfaces.
pub struct PcapNgWriter<W: Write> {
    out: W,
    resolutions: Vec<u64>,
}

impl<W: Write> PcapNgWriter<W> {
    /// Writes the section header block.
    pub fn new(mut out: W) -> io::Result<Self> {
        let mut body = Vec::new();
        body.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&(-1i64).to_le_bytes());
        write_block(&mut out, 0x0a0d_0d0a, &body)?;
        Ok(PcapNgWriter {
            out,
            resolutions: Vec::new(),
        })
    }

    /// Declares an interface; `tsresol_exp` is the power of ten of the timestamp units per
    /// second (6 for µs, 9 for ns). Returns its interface id.
    pub fn interface(&mut self, link: LinkType, tsresol_exp: u8) -> io::Result<u32> {
        let mut body = Vec::new();
        body.extend_from_slice(&(link.0 as u16).to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&262_144u32.to_le_bytes());
        // if_tsresol option, then opt_endofopt
        body.extend_from_slice(&9u16.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&[tsresol_exp, 0, 0, 0]);
        body.extend_from_slice(&[0, 0, 0, 0]);
        write_block(&mut self.out, 1, &body)?;
        self.resolutions.push(10u64.pow(tsresol_exp as u32));
        Ok(self.resolutions.len() as u32 - 1)
    }

    /// Appends an enhanced packet block on interface `iface`.
    pub fn packet(&mut self, iface: u32, time: Timestamp, data: &[u8]) -> io::Result<()> {
        let res = self.resolutions[iface as usize] as i128;
        let ticks = (time.as_nanos() as i128 * res / 1_000_000_000) as u64;
        let mut body = Vec::with_capacity(20 + data.len() + 3);
        body.extend_from_slice(&iface.to_le_bytes());
        body.extend_from_slice(&((ticks >> 32) as u32).to_le_bytes());
        body.extend_from_slice(&(ticks as u32).to_le_bytes());
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        write_block(&mut self.out, 6, &body)
    }

    /// Returns the underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

fn write_block<W: Write>(out: &mut W, kind: u32, body: &[u8]) -> io::Result<()> {
    let len = (12 + body.len()) as u32;
    out.write_all(&kind.to_le_bytes())?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(body)?;
    out.write_all(&len.to_le_bytes())
}
