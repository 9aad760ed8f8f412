//! Errors that stop a capture input from being opened, worded for the person at the terminal.

use std::fmt;
use std::io;

/// Why a capture input could not be opened. `Display` gives one line saying what failed and
/// what to do about it.
#[derive(Debug)]
pub enum CaptureError {
    /// The file could not be opened or read.
    Io {
        /// The input's name as given (or `<stdin>`).
        name: String,
        /// The underlying error.
        error: io::Error,
    },
    /// The input holds no bytes at all.
    Empty {
        /// The input's name.
        name: String,
    },
    /// The input does not start with a pcap or pcapng magic number.
    NotACapture {
        /// The input's name.
        name: String,
        /// Its first bytes, for the message.
        head: Vec<u8>,
    },
    /// The capture's file header is unreadable.
    BadHeader {
        /// The input's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Standard input was named more than once.
    StdinTwice,
    /// No input was given.
    NoInput,
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::Io { name, error } if error.kind() == io::ErrorKind::NotFound => {
                write!(f, "cannot open {name}: no such file; check the path")
            }
            CaptureError::Io { name, error } if error.kind() == io::ErrorKind::PermissionDenied => {
                write!(
                    f,
                    "cannot open {name}: permission denied; check the file's permissions"
                )
            }
            CaptureError::Io { name, error } => write!(f, "cannot read {name}: {error}"),
            CaptureError::Empty { name } => {
                write!(f, "{name} is empty: it holds no capture data")
            }
            CaptureError::NotACapture { name, head } => {
                let hex: Vec<String> = head.iter().map(|b| format!("{b:02x}")).collect();
                write!(
                    f,
                    "{name} is not a pcap or pcapng capture (it starts with {}); \
                     give a file written by tcpdump, tshark or Wireshark (optionally gzip-compressed)",
                    hex.join(" ")
                )
            }
            CaptureError::BadHeader { name, reason } => {
                write!(f, "{name}: unreadable capture file header ({reason})")
            }
            CaptureError::StdinTwice => write!(f, "standard input (-) can be read only once"),
            CaptureError::NoInput => write!(f, "no capture file given"),
        }
    }
}

impl std::error::Error for CaptureError {}
