//! The legacy pcap format (microsecond and nanosecond magic, either byte order, the
//! "modified" Kuznetzov variant), parsed with `pcap-parser` over our own buffer.

use pcap_parser::{LegacyPcapBlock, PcapError};

use super::input::Input;
use super::{CaptureError, LinkType, MAX_RECORD_LEN};
use crate::meta::Timestamp;

type FrameParser =
    fn(&[u8]) -> pcap_parser::nom::IResult<&[u8], LegacyPcapBlock<'_>, PcapError<&[u8]>>;

/// What the file header says about every record that follows.
pub(crate) struct PcapFormat {
    parse: FrameParser,
    big_endian: bool,
    nanos: bool,
    record_header: usize,
    /// The file's single link type.
    pub(crate) link: LinkType,
}

/// One step of a record reader.
pub(crate) enum Step {
    /// A packet: its bytes are `data()[offset..offset + len]`; consume `total` afterwards.
    Packet {
        offset: usize,
        len: usize,
        total: usize,
        time: Timestamp,
        link: LinkType,
        orig_len: u32,
    },
    /// The input ended cleanly.
    End,
    /// The input ended in the middle of a record.
    Truncated,
    /// A record cannot be read; the reason, for the warning.
    Corrupt(String),
}

/// Reads and checks the 24-byte file header (the magic was already recognised).
pub(crate) fn read_header(input: &mut Input) -> Result<PcapFormat, CaptureError> {
    if !input.ensure(24) {
        return Err(CaptureError::BadHeader {
            name: input.name().to_string(),
            reason: "the pcap file header is cut short".into(),
        });
    }
    let header = match pcap_parser::parse_pcap_header(&input.data()[..24]) {
        Ok((_, h)) => h,
        Err(e) => {
            return Err(CaptureError::BadHeader {
                name: input.name().to_string(),
                reason: format!("{e:?}"),
            });
        }
    };
    let (parse, record_header): (FrameParser, usize) = if header.is_modified_format() {
        (pcap_parser::parse_pcap_frame_modified, 24)
    } else if header.is_bigendian() {
        (pcap_parser::parse_pcap_frame_be, 16)
    } else {
        (pcap_parser::parse_pcap_frame, 16)
    };
    let format = PcapFormat {
        parse,
        big_endian: header.is_bigendian(),
        nanos: header.is_nanosecond_precision(),
        record_header,
        // the upper 16 bits of the field may hold FCS information (pcap-linktype)
        link: LinkType((header.network.0 as u32) & 0x03ff_ffff),
    };
    input.consume(24);
    Ok(format)
}

impl PcapFormat {
    /// Reads the next record header and makes its bytes available.
    pub(crate) fn next(&self, input: &mut Input) -> Step {
        if input.at_end() {
            return Step::End;
        }
        if !input.ensure(self.record_header) {
            return Step::Truncated;
        }
        let d = input.data();
        let caplen = if self.big_endian {
            u32::from_be_bytes([d[8], d[9], d[10], d[11]])
        } else {
            u32::from_le_bytes([d[8], d[9], d[10], d[11]])
        } as usize;
        if caplen > MAX_RECORD_LEN {
            return Step::Corrupt(format!("a record claims {caplen} captured bytes"));
        }
        let total = self.record_header + caplen;
        if !input.ensure(total) {
            return Step::Truncated;
        }
        let d = input.data();
        match (self.parse)(&d[..total]) {
            Ok((_, b)) => {
                let frac = if self.nanos {
                    b.ts_usec.min(999_999_999)
                } else {
                    b.ts_usec.min(999_999).saturating_mul(1000)
                };
                Step::Packet {
                    offset: self.record_header,
                    len: b.data.len(),
                    total,
                    time: Timestamp::from_parts(b.ts_sec as i64, frac),
                    link: self.link,
                    orig_len: b.origlen,
                }
            }
            Err(e) => Step::Corrupt(format!("unreadable record: {e:?}")),
        }
    }
}
