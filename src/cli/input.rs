//! Opening the capture inputs of a command and running them through the packet layer, with a
//! progress bar on stderr for big files, capture warnings, and the one-line errors a person
//! can act on (missing file, not a capture, a link type we do not decode).

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sipscope::capture::{Capture, CaptureError, FileReader, LinkType};
use sipscope::decode::{Skip, decode_link};
use sipscope::ingest::{Ingest, IngestStats, Sink};

use super::{CliError, Global, term};

/// Inputs at least this big (bytes, all files together) get a progress bar.
pub const PROGRESS_MIN_BYTES: u64 = 64 << 20;

/// What the packet layer reported about the inputs.
#[derive(Debug, Default)]
pub struct PacketReport {
    /// Packet-layer counters.
    pub stats: IngestStats,
    /// Warnings of the capture readers (truncated or corrupt files) and of this layer.
    pub warnings: Vec<String>,
}

/// A reader that counts the bytes read through it (the progress bar's position).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn open_error(e: CaptureError) -> CliError {
    CliError::input(e.to_string())
}

/// Opens every input (`-` is standard input, once), counting the bytes read so a progress bar
/// can follow. Returns the merged capture and the total size of the regular files.
fn open(paths: &[PathBuf], count: &Arc<AtomicU64>) -> Result<(Capture, u64), CliError> {
    if paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(open_error(CaptureError::StdinTwice));
    }
    let mut readers = Vec::with_capacity(paths.len());
    let mut total = 0;
    for path in paths {
        let reader = if path.as_os_str() == "-" {
            let r = Counting {
                inner: io::stdin(),
                count: count.clone(),
            };
            FileReader::from_reader("<stdin>", Box::new(r))
        } else {
            let name = path.display().to_string();
            let file = open_file(path).map_err(|error| CaptureError::Io {
                name: name.clone(),
                error,
            });
            let file = file.map_err(open_error)?;
            total += file.metadata().map(|m| m.len()).unwrap_or(0);
            let r = Counting {
                inner: file,
                count: count.clone(),
            };
            FileReader::from_reader(&name, Box::new(r))
        };
        readers.push(reader.map_err(open_error)?);
    }
    Ok((Capture::from_readers(readers), total))
}

/// Opens a regular file; a directory is an error a person understands.
fn open_file(path: &Path) -> io::Result<File> {
    let file = File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(io::Error::other("it is a directory, give a capture file"));
    }
    Ok(file)
}

fn progress_bar(total: u64, g: Global) -> Option<ProgressBar> {
    if g.quiet || total < PROGRESS_MIN_BYTES || !term::stderr_is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} reading {bytes}/{total_bytes} [{bar:30}] {percent}% {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}

/// Opened inputs, ready to be read.
pub struct Inputs {
    cap: Capture,
    count: Arc<AtomicU64>,
    total: u64,
    names: String,
}

/// Opens the inputs (every one of them, so that a missing file or a wrong format is reported
/// before anything is written).
pub fn open_inputs(paths: &[PathBuf]) -> Result<Inputs, CliError> {
    let count = Arc::new(AtomicU64::new(0));
    let (cap, total) = open(paths, &count)?;
    Ok(Inputs {
        cap,
        count,
        total,
        names: input_names(paths),
    })
}

impl Inputs {
    /// Reads every frame through the packet layer, handing every SIP message to
    /// `on_message` (a closure taking a `RawMessage`, or any [`Sink`]).
    pub fn read<S: Sink>(self, g: Global, mut on_message: S) -> Result<PacketReport, CliError> {
        let Inputs {
            mut cap,
            count,
            total,
            names,
        } = self;
        let bar = progress_bar(total, g);
        let mut ingest = Ingest::default();
        let mut unsupported: Option<LinkType> = None;
        // link type of the previous frame and whether we decode it (a capture rarely mixes them)
        let mut last_link: Option<(LinkType, bool)> = None;
        let mut n = 0u64;
        while let Some(frame) = cap.next_frame() {
            let supported = match last_link {
                Some((l, ok)) if l == frame.link => ok,
                _ => {
                    let ok = !matches!(
                        decode_link(frame.link, frame.data),
                        Err(Skip::UnsupportedLink(_))
                    );
                    last_link = Some((frame.link, ok));
                    ok
                }
            };
            if !supported && unsupported.is_none() {
                unsupported = Some(frame.link);
            }
            ingest.push_to(&frame, &mut on_message);
            n += 1;
            if n % 1024 == 0 {
                if let Some(bar) = &bar {
                    bar.set_position(count.load(Ordering::Relaxed));
                }
            }
        }
        ingest.finish_to(&mut on_message);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let stats = ingest.stats();
        let mut warnings = cap.warnings();
        if let Some(link) = unsupported {
            if stats.unsupported_link == stats.frames {
                return Err(CliError::input(format!(
                    "{}: link type {} is not supported (supported: Ethernet, Linux cooked SLL/SLL2, \
                 raw IP, BSD loopback); convert it with `editcap -T ether` or capture on another \
                 interface",
                    names,
                    link_name(link)
                )));
            }
            warnings.push(format!(
                "{} frames of link type {} were skipped (not supported)",
                stats.unsupported_link,
                link_name(link)
            ));
        }
        Ok(PacketReport { stats, warnings })
    }
}

fn input_names(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                "<stdin>".to_string()
            } else {
                p.display().to_string()
            }
        })
        .collect();
    names.join(", ")
}

/// `147 (USER0)`: the LINKTYPE number and its registry name, when known.
pub fn link_name(l: LinkType) -> String {
    let name = match l.0 {
        0 => "NULL",
        1 => "ETHERNET",
        3 => "AX25",
        6 => "IEEE802_5 (Token Ring)",
        7 => "ARCNET_BSD",
        8 => "SLIP",
        9 => "PPP",
        10 => "FDDI",
        50 => "PPP_HDLC",
        51 => "PPP_ETHER",
        101 => "RAW",
        104 => "C_HDLC",
        105 => "IEEE802_11 (Wi-Fi)",
        107 => "FRELAY",
        108 => "LOOP",
        113 => "LINUX_SLL",
        119 => "IEEE802_11_PRISM",
        127 => "IEEE802_11_RADIOTAP",
        147..=162 => return format!("{} (USER{})", l.0, l.0 - 147),
        163 => "IEEE802_11_AVS",
        187 => "BLUETOOTH_HCI_H4",
        189 => "USB_LINUX",
        195 => "IEEE802_15_4",
        220 => "USB_LINUX_MMAPPED",
        228 => "IPV4",
        229 => "IPV6",
        249 => "NETLINK",
        252 => "WIRESHARK_UPPER_PDU",
        276 => "LINUX_SLL2",
        _ => return format!("{}", l.0),
    };
    format!("{} ({name})", l.0)
}

/// The analysis of the inputs: every call (batch mode, ordered by first frame, which is
/// start-time order since merged inputs are in time order).
pub struct Analysed {
    /// The engine's result.
    pub analysis: sipscope::flow::Analysis,
}

/// Runs the inputs through the packet layer, the parser and the engine (batch mode, so
/// transfers are linked whatever the order their calls end in). `keep_raw` keeps each
/// message's text (`flow -v`, `flow --raw`). Warnings are printed unless `--quiet`.
pub fn analyze(paths: &[PathBuf], g: Global, keep_raw: bool) -> Result<Analysed, CliError> {
    let config = sipscope::flow::Config {
        keep_raw,
        ..sipscope::flow::Config::default()
    };
    let res = super::pipeline::run(open_inputs(paths)?, g, config, |_| {})?;
    Ok(Analysed { analysis: res.rest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_names() {
        assert_eq!(link_name(LinkType(147)), "147 (USER0)");
        assert_eq!(link_name(LinkType(127)), "127 (IEEE802_11_RADIOTAP)");
        assert_eq!(link_name(LinkType(4242)), "4242");
    }
}
