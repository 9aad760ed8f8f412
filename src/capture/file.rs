//! One capture input (pcap or pcapng, optionally gzip-compressed) read record by record.

use std::io::Read;
use std::path::Path;

use super::input::Input;
use super::pcap::{PcapFormat, Step};
use super::pcapng::{PcapNgState, SHB_MAGIC};
use super::{CaptureError, Frame, LinkType};
use crate::meta::Timestamp;

enum Format {
    Pcap(PcapFormat),
    PcapNg(PcapNgState),
}

/// Where the current packet sits in the input buffer.
#[derive(Clone, Copy)]
struct Current {
    offset: usize,
    len: usize,
    time: Timestamp,
    link: LinkType,
    orig_len: u32,
}

/// A reader over one capture input. Packets are borrowed from its buffer: call
/// [`FileReader::advance`] to move to the next one, [`FileReader::current`] to look at it.
pub struct FileReader {
    input: Input,
    format: Format,
    current: Option<Current>,
    /// Bytes of the current record, consumed when advancing.
    pending: usize,
    packets: u64,
    done: bool,
    warnings: Vec<String>,
}

impl FileReader {
    /// Opens a capture file; `-` reads standard input. Gzip is recognised by its magic bytes.
    pub fn open(path: &Path) -> Result<FileReader, CaptureError> {
        FileReader::with_input(Input::open(path)?)
    }

    /// Reads a capture from any byte source (for tests and embedding); `name` is used in
    /// messages.
    pub fn from_reader(
        name: &str,
        reader: Box<dyn Read + Send>,
    ) -> Result<FileReader, CaptureError> {
        FileReader::with_input(Input::from_reader(name.to_string(), reader)?)
    }

    fn with_input(mut input: Input) -> Result<FileReader, CaptureError> {
        input.ensure(4);
        let head = input.data()[..input.data().len().min(4)].to_vec();
        if let Some(e) = input.take_error() {
            return Err(CaptureError::Io {
                name: input.name().to_string(),
                error: e,
            });
        }
        let format = match head.as_slice() {
            [0xd4, 0xc3, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0xc3, 0xd4]
            | [0x4d, 0x3c, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0x3c, 0x4d]
            | [0x34, 0xcd, 0xb2, 0xa1] => Format::Pcap(super::pcap::read_header(&mut input)?),
            h if h == SHB_MAGIC => Format::PcapNg(PcapNgState::default()),
            _ if head.is_empty() => {
                return Err(CaptureError::Empty {
                    name: input.name().to_string(),
                });
            }
            _ => {
                return Err(CaptureError::NotACapture {
                    name: input.name().to_string(),
                    head,
                });
            }
        };
        let mut reader = FileReader {
            input,
            format,
            current: None,
            pending: 0,
            packets: 0,
            done: false,
            warnings: Vec::new(),
        };
        reader.advance();
        Ok(reader)
    }

    /// The input's name as used in messages.
    pub fn name(&self) -> &str {
        self.input.name()
    }

    /// Whether the input was gzip-compressed (recognised by its magic bytes).
    pub fn is_gzip(&self) -> bool {
        self.input.is_gzip()
    }

    /// Moves to the next packet. Returns false at the end of the input (after which
    /// [`FileReader::warnings`] says whether it ended early).
    pub fn advance(&mut self) -> bool {
        self.input.consume(self.pending);
        self.pending = 0;
        self.current = None;
        if self.done {
            return false;
        }
        let step = match &mut self.format {
            Format::Pcap(f) => f.next(&mut self.input),
            Format::PcapNg(s) => s.next(&mut self.input),
        };
        match step {
            Step::Packet {
                offset,
                len,
                total,
                time,
                link,
                orig_len,
            } => {
                self.pending = total;
                self.packets += 1;
                self.current = Some(Current {
                    offset,
                    len,
                    time,
                    link,
                    orig_len,
                });
                return true;
            }
            Step::End => {}
            Step::Truncated => {
                let what = match self.input.take_error() {
                    Some(e) => format!("stopped by a read error ({e})"),
                    None => "cut short in the middle of a record".to_string(),
                };
                self.warnings.push(format!(
                    "{}: {what} after {} whole packets; every packet before the cut was read",
                    self.name(),
                    self.packets
                ));
            }
            Step::Corrupt(reason) => {
                self.warnings.push(format!(
                    "{}: corrupt after {} packets ({reason}); the rest of the file was skipped",
                    self.name(),
                    self.packets
                ));
            }
        }
        if let Some(e) = self.input.take_error() {
            self.warnings
                .push(format!("{}: read error: {e}", self.name()));
        }
        self.done = true;
        false
    }

    /// The current packet (numbered within this input), if any.
    pub fn current(&self) -> Option<Frame<'_>> {
        let c = self.current?;
        Some(Frame {
            number: self.packets,
            time: c.time,
            link: c.link,
            data: &self.input.data()[c.offset..c.offset + c.len],
            orig_len: c.orig_len,
        })
    }

    /// Time of the current packet.
    pub fn current_time(&self) -> Option<Timestamp> {
        self.current.map(|c| c.time)
    }

    /// Warnings so far (truncation, corruption, read errors).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Number of packets read so far.
    pub fn packets(&self) -> u64 {
        self.packets
    }
}
