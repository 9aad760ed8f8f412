//! Live capture through libpcap (cargo feature `live`): an interface (or `any`), an optional
//! BPF filter, a snaplen of 262144 so that no SIP message is cut (heplify's 8192 cuts big
//! INVITEs), promiscuous by default, stopped from another thread or by Ctrl-C through
//! libpcap's breakloop, with the kernel's drop counts at the end. Reads do not block:
//! [`LiveCapture::next_event`] reports a quiet interface every quarter of a second.
//!
//! Files never go through libpcap (see [`super::Capture`]): libpcap cannot read pcapng files
//! whose interfaces have different link types.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Frame, LinkType};
use crate::meta::Timestamp;

/// Snaplen used unless told otherwise: the largest libpcap accepts on Linux.
pub const DEFAULT_SNAPLEN: i32 = 262_144;

/// How to open an interface.
#[derive(Clone, Debug)]
pub struct LiveOptions {
    /// Interface name (`eth0`, `lo`) or `any` for every interface (Linux SLL/SLL2 frames).
    pub interface: String,
    /// BPF filter in tcpdump syntax (`udp port 5060 or tcp port 5060`).
    pub filter: Option<String>,
    /// Bytes kept per packet.
    pub snaplen: i32,
    /// Put the interface in promiscuous mode.
    pub promiscuous: bool,
    /// Kernel buffer size in bytes (bigger buffers drop fewer packets during bursts).
    pub buffer_size: i32,
}

impl LiveOptions {
    /// Defaults for an interface: no filter, 262144-byte snaplen, promiscuous, 32 MiB
    /// buffer.
    pub fn new(interface: &str) -> LiveOptions {
        LiveOptions {
            interface: interface.to_string(),
            filter: None,
            snaplen: DEFAULT_SNAPLEN,
            promiscuous: true,
            buffer_size: 32 << 20,
        }
    }
}

/// Why a live capture could not start (or stopped), worded for the person at the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveError {
    /// The process may not capture.
    Permission {
        /// Interface asked for.
        interface: String,
    },
    /// No such interface.
    NoSuchInterface {
        /// Interface asked for.
        interface: String,
    },
    /// The BPF filter does not compile.
    BadFilter {
        /// The filter text.
        filter: String,
        /// libpcap's message.
        message: String,
    },
    /// Anything else libpcap reported.
    Pcap {
        /// Interface asked for.
        interface: String,
        /// libpcap's message.
        message: String,
    },
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiveError::Permission { interface } => write!(
                f,
                "no permission to capture on {interface}: run as root or grant the capability \
                 (sudo setcap cap_net_raw,cap_net_admin=eip $(command -v sipscope))"
            ),
            LiveError::NoSuchInterface { interface } => write!(
                f,
                "unknown interface {interface}: list interfaces with `ip link` (or use `any`)"
            ),
            LiveError::BadFilter { filter, message } => {
                write!(
                    f,
                    "bad capture filter {filter:?}: {message} (tcpdump filter syntax)"
                )
            }
            LiveError::Pcap { interface, message } => {
                write!(f, "cannot capture on {interface}: {message}")
            }
        }
    }
}

impl std::error::Error for LiveError {}

fn classify(interface: &str, e: pcap::Error) -> LiveError {
    let message = e.to_string();
    let lower = message.to_ascii_lowercase();
    if lower.contains("permission") || lower.contains("not permitted") {
        LiveError::Permission {
            interface: interface.to_string(),
        }
    } else if lower.contains("no such device")
        || lower.contains("doesn't exist")
        || lower.contains("does not exist")
        || lower.contains("no such interface")
    {
        LiveError::NoSuchInterface {
            interface: interface.to_string(),
        }
    } else {
        LiveError::Pcap {
            interface: interface.to_string(),
            message,
        }
    }
}

/// Kernel counters at the end of a capture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiveStats {
    /// Packets the kernel handed to the capture.
    pub received: u32,
    /// Packets dropped because the buffer was full (we were too slow).
    pub dropped: u32,
    /// Packets dropped by the interface or its driver.
    pub if_dropped: u32,
}

/// Stops a live capture from another thread (or a Ctrl-C handler).
#[derive(Clone)]
pub struct Stopper {
    stopped: Arc<AtomicBool>,
    handle: Arc<pcap::BreakLoop>,
}

impl Stopper {
    /// Makes the capture's `next_frame` return `None` as soon as possible.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.handle.breakloop();
    }
}

/// How long one read waits for a packet, in milliseconds.
const READ_TIMEOUT_MS: i32 = 250;

/// Waits until the capture's socket is readable or `ms` milliseconds have passed.
#[cfg(unix)]
fn wait_readable(cap: &pcap::Capture<pcap::Active>, ms: i32) {
    use std::os::unix::io::AsRawFd;
    let mut fd = libc::pollfd {
        fd: cap.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, for the length given; an error or EINTR is a short wait
    unsafe {
        libc::poll(&mut fd, 1, ms);
    }
}

/// Waits a little (no selectable descriptor to wait on).
#[cfg(not(unix))]
fn wait_readable(_cap: &pcap::Capture<pcap::Active>, ms: i32) {
    std::thread::sleep(std::time::Duration::from_millis(ms.max(0) as u64 / 10));
}

/// A live capture on one interface.
pub struct LiveCapture {
    cap: pcap::Capture<pcap::Active>,
    interface: String,
    link: LinkType,
    number: u64,
    stopped: Arc<AtomicBool>,
    error: Option<LiveError>,
    buf: Vec<u8>,
    /// Time and original length of the frame in `buf`.
    last: Option<(Timestamp, u32)>,
}

/// What [`LiveCapture::next_event`] saw.
#[derive(Debug)]
pub enum LiveEvent<'a> {
    /// A frame.
    Frame(Frame<'a>),
    /// No packet within the read timeout.
    Idle,
    /// Stopped, or the capture failed ([`LiveCapture::error`]).
    End,
}

impl LiveCapture {
    /// Opens the interface and applies the filter.
    pub fn open(opts: &LiveOptions) -> Result<LiveCapture, LiveError> {
        let iface = opts.interface.as_str();
        let inactive = pcap::Capture::from_device(iface).map_err(|e| classify(iface, e))?;
        let cap = inactive
            .promisc(opts.promiscuous)
            .snaplen(opts.snaplen)
            .buffer_size(opts.buffer_size)
            .immediate_mode(true)
            .timeout(READ_TIMEOUT_MS)
            .open()
            .map_err(|e| classify(iface, e))?;
        // libpcap's read timeout does not wake a reader up on a quiet interface (TPACKET
        // rings block in poll(2) until a packet comes): read without blocking and wait on
        // the socket ourselves, READ_TIMEOUT_MS at a time, so that `next_event` can report
        // the interface idle and a stop request is seen in time
        let mut cap = cap.setnonblock().map_err(|e| classify(iface, e))?;
        if let Some(filter) = &opts.filter {
            cap.filter(filter, true).map_err(|e| LiveError::BadFilter {
                filter: filter.clone(),
                message: e.to_string(),
            })?;
        }
        let link = LinkType(cap.get_datalink().0 as u32);
        Ok(LiveCapture {
            cap,
            interface: iface.to_string(),
            link,
            number: 0,
            stopped: Arc::new(AtomicBool::new(false)),
            error: None,
            buf: Vec::with_capacity(65_536),
            last: None,
        })
    }

    /// A handle that stops this capture from elsewhere.
    pub fn stopper(&mut self) -> Stopper {
        Stopper {
            stopped: self.stopped.clone(),
            handle: Arc::new(self.cap.breakloop_handle()),
        }
    }

    /// Stops the capture on Ctrl-C (SIGINT/SIGTERM). Call once per process.
    pub fn stop_on_ctrl_c(&mut self) -> Result<(), String> {
        let s = self.stopper();
        ctrlc::set_handler(move || s.stop()).map_err(|e| format!("cannot handle Ctrl-C: {e}"))
    }

    /// Link type of the frames.
    pub fn link(&self) -> LinkType {
        self.link
    }

    /// The next frame, numbered from 1; `None` once stopped or after an error (see
    /// [`LiveCapture::error`]). The bytes are copied into a buffer reused from frame to frame
    /// (libpcap's own buffer cannot be lent out of the retry loop).
    pub fn next_frame(&mut self) -> Option<Frame<'_>> {
        loop {
            match self.next_event() {
                LiveEvent::Idle => continue,
                LiveEvent::Frame(_) => break,
                LiveEvent::End => return None,
            }
        }
        self.current()
    }

    /// The next frame, or [`LiveEvent::Idle`] when no packet came within the read timeout
    /// (a quarter of a second), so that a caller can hand out finished calls while the
    /// interface is quiet.
    pub fn next_event(&mut self) -> LiveEvent<'_> {
        let mut waited = false;
        let (time, orig_len) = loop {
            if self.stopped.load(Ordering::SeqCst) {
                return LiveEvent::End;
            }
            match self.cap.next_packet() {
                // time_t and suseconds_t are 32 bits on some targets: keep the casts
                #[allow(clippy::unnecessary_cast)]
                Ok(p) => {
                    let ts = p.header.ts;
                    let micros = (ts.tv_usec as i64).clamp(0, 999_999) as u32;
                    self.buf.clear();
                    self.buf.extend_from_slice(p.data);
                    break (
                        Timestamp::from_parts(ts.tv_sec as i64, micros * 1000),
                        p.header.len,
                    );
                }
                // nothing buffered: wait for the socket once, then report the quiet
                Err(pcap::Error::TimeoutExpired) if !waited => {
                    waited = true;
                    wait_readable(&self.cap, READ_TIMEOUT_MS);
                }
                Err(pcap::Error::TimeoutExpired) => return LiveEvent::Idle,
                Err(pcap::Error::NoMorePackets) => return LiveEvent::End,
                Err(e) => {
                    self.error = Some(classify(&self.interface, e));
                    return LiveEvent::End;
                }
            }
        };
        self.number += 1;
        self.last = Some((time, orig_len));
        match self.current() {
            Some(f) => LiveEvent::Frame(f),
            None => LiveEvent::End,
        }
    }

    /// The frame read last.
    fn current(&self) -> Option<Frame<'_>> {
        let (time, orig_len) = self.last?;
        Some(Frame {
            number: self.number,
            time,
            link: self.link,
            data: &self.buf,
            orig_len,
        })
    }

    /// The error that ended the capture, if it did not end by [`Stopper::stop`].
    pub fn error(&self) -> Option<&LiveError> {
        self.error.as_ref()
    }

    /// The kernel's counters (received, dropped).
    pub fn stats(&mut self) -> Option<LiveStats> {
        self.cap.stats().ok().map(|s| LiveStats {
            received: s.received,
            dropped: s.dropped,
            if_dropped: s.if_dropped,
        })
    }
}
