//! The pcapng format: sections (each with its own byte order), interfaces with their own link
//! type and timestamp resolution, enhanced and simple packet blocks. Blocks are parsed with
//! `pcap-parser` over our own buffer; other block types are skipped.

use pcap_parser::pcapng::{Block, parse_block_be, parse_block_le};
use pcap_parser::traits::PcapNGPacketBlock;

use super::input::Input;
use super::pcap::Step;
use super::{LinkType, MAX_RECORD_LEN};
use crate::meta::Timestamp;

/// Block type of a Section Header Block (the same in both byte orders).
pub(crate) const SHB_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// The most interfaces one section may declare (a guard against absurd files).
const MAX_INTERFACES: usize = 65_536;

#[derive(Clone, Copy)]
struct Interface {
    link: LinkType,
    /// Timestamp units per second.
    resolution: u64,
    /// Seconds added to every timestamp.
    offset: i64,
    snaplen: u32,
}

/// Timestamp units per second from `if_tsresol`: 10^n, or 2^n when the top bit is set
/// (pcap-parser's own helper refuses every binary resolution). An impossible value (10^20
/// and beyond, 2^64 and beyond) falls back to the default, microseconds.
fn resolution(tsresol: u8) -> u64 {
    let n = u32::from(tsresol & 0x7f);
    let units = if tsresol & 0x80 == 0 {
        10u64.checked_pow(n)
    } else {
        1u64.checked_shl(n)
    };
    units.unwrap_or(1_000_000)
}

/// State carried from block to block.
#[derive(Default)]
pub(crate) struct PcapNgState {
    big_endian: bool,
    interfaces: Vec<Interface>,
    last_time: Timestamp,
}

impl PcapNgState {
    /// Reads blocks until the next packet.
    pub(crate) fn next(&mut self, input: &mut Input) -> Step {
        loop {
            if input.at_end() {
                return Step::End;
            }
            if !input.ensure(12) {
                return Step::Truncated;
            }
            let d = input.data();
            let is_shb = d[..4] == SHB_MAGIC;
            if is_shb {
                // the byte-order magic decides how this section (its length field included) reads
                self.big_endian = d[8..12] == [0x1a, 0x2b, 0x3c, 0x4d];
            }
            let len = if self.big_endian {
                u32::from_be_bytes([d[4], d[5], d[6], d[7]])
            } else {
                u32::from_le_bytes([d[4], d[5], d[6], d[7]])
            } as usize;
            if !(12..=MAX_RECORD_LEN).contains(&len) || len % 4 != 0 {
                return Step::Corrupt(format!(
                    "a block claims an impossible length of {len} bytes"
                ));
            }
            if !input.ensure(len) {
                return Step::Truncated;
            }
            let d = &input.data()[..len];
            let parsed = if self.big_endian {
                parse_block_be(d)
            } else {
                parse_block_le(d)
            };
            let block = match parsed {
                Ok((_, b)) => b,
                Err(e) => return Step::Corrupt(format!("unreadable block: {e:?}")),
            };
            match block {
                Block::SectionHeader(_) => {
                    self.interfaces.clear();
                }
                Block::InterfaceDescription(idb) => {
                    if self.interfaces.len() >= MAX_INTERFACES {
                        return Step::Corrupt("too many interfaces in one section".into());
                    }
                    self.interfaces.push(Interface {
                        link: LinkType((idb.linktype.0 as u32) & 0x03ff_ffff),
                        resolution: resolution(idb.if_tsresol),
                        offset: idb.ts_offset(),
                        snaplen: idb.snaplen,
                    });
                }
                Block::EnhancedPacket(epb) => {
                    let Some(iface) = self.interfaces.get(epb.if_id as usize).copied() else {
                        return Step::Corrupt(format!(
                            "a packet names interface {} which was never described",
                            epb.if_id
                        ));
                    };
                    let ticks = ((epb.ts_high as u64) << 32) | epb.ts_low as u64;
                    // the offset comes from the file: saturate rather than overflow
                    let secs = i64::try_from(ticks / iface.resolution)
                        .unwrap_or(i64::MAX)
                        .saturating_add(iface.offset);
                    let frac = ticks % iface.resolution;
                    let nanos = (frac as u128 * 1_000_000_000 / iface.resolution as u128) as u32;
                    let time = Timestamp::from_parts(secs, nanos);
                    self.last_time = time;
                    let data = epb.packet_data();
                    let offset = data.as_ptr() as usize - d.as_ptr() as usize;
                    return Step::Packet {
                        offset,
                        len: data.len(),
                        total: len,
                        time,
                        link: iface.link,
                        orig_len: epb.orig_len(),
                    };
                }
                Block::SimplePacket(spb) => {
                    // no timestamp: keep the previous packet's; interface 0 by definition
                    let Some(iface) = self.interfaces.first().copied() else {
                        return Step::Corrupt(
                            "a simple packet block precedes every interface".into(),
                        );
                    };
                    let mut data = spb.packet_data();
                    if iface.snaplen > 0 && data.len() > iface.snaplen as usize {
                        data = &data[..iface.snaplen as usize];
                    }
                    let offset = data.as_ptr() as usize - d.as_ptr() as usize;
                    return Step::Packet {
                        offset,
                        len: data.len(),
                        total: len,
                        time: self.last_time,
                        link: iface.link,
                        orig_len: spb.orig_len(),
                    };
                }
                _ => {}
            }
            input.consume(len);
        }
    }
}
