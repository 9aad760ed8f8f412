//! A byte source for one capture input (a path, or `-` for standard input), transparently
//! gunzipped when its first bytes are the gzip magic (whatever its name), with a growable
//! buffer that hands out borrowed windows so the record parsers never copy packet bytes.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use super::CaptureError;

/// Initial buffer size; grows up to the largest record when needed.
const INITIAL_BUFFER: usize = 1 << 20;

/// A buffered input with `ensure(n)` / `data()` / `consume(n)`.
pub(crate) struct Input {
    name: String,
    reader: Box<dyn Read + Send>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// The read error that ended the input early, if any.
    error: Option<io::Error>,
    /// Whether the bytes come out of a gzip decoder.
    gzip: bool,
}

impl Input {
    /// Opens a path (`-` is standard input), detecting gzip by its magic bytes.
    pub(crate) fn open(path: &Path) -> Result<Input, CaptureError> {
        if path.as_os_str() == "-" {
            return Input::from_reader("<stdin>".into(), Box::new(io::stdin()));
        }
        let name = path.display().to_string();
        let file = File::open(path).map_err(|error| CaptureError::Io {
            name: name.clone(),
            error,
        })?;
        Input::from_reader(name, Box::new(file))
    }

    /// Wraps any reader (a file, stdin, an in-memory capture in tests).
    pub(crate) fn from_reader(
        name: String,
        mut raw: Box<dyn Read + Send>,
    ) -> Result<Input, CaptureError> {
        let mut prefix = Vec::with_capacity(2);
        let mut two = [0u8; 2];
        while prefix.len() < 2 {
            match raw.read(&mut two[..2 - prefix.len()]) {
                Ok(0) => break,
                Ok(n) => prefix.extend_from_slice(&two[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(CaptureError::Io { name, error }),
            }
        }
        if prefix.is_empty() {
            return Err(CaptureError::Empty { name });
        }
        let gzip = prefix == [0x1f, 0x8b];
        let chained = Cursor::new(prefix).chain(raw);
        let reader: Box<dyn Read + Send> = if gzip {
            Box::new(MultiGzDecoder::new(chained))
        } else {
            Box::new(chained)
        };
        Ok(Input {
            name,
            reader,
            buf: vec![0; INITIAL_BUFFER],
            start: 0,
            end: 0,
            eof: false,
            error: None,
            gzip,
        })
    }

    /// Whether the input was gzip-compressed.
    pub(crate) fn is_gzip(&self) -> bool {
        self.gzip
    }

    /// The input's display name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Makes at least `n` bytes available in [`Input::data`] unless the input ends first.
    /// Returns whether they are there.
    pub(crate) fn ensure(&mut self, n: usize) -> bool {
        while self.end - self.start < n {
            if self.eof {
                return false;
            }
            if self.buf.len() - self.start < n || self.end == self.buf.len() {
                // move the unread tail to the front, growing the buffer if one record needs it
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
                if self.buf.len() < n {
                    self.buf.resize(n.next_power_of_two(), 0);
                }
            }
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.error = Some(e);
                    self.eof = true;
                }
            }
        }
        true
    }

    /// The bytes read and not yet consumed.
    pub(crate) fn data(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Marks `n` bytes as used.
    pub(crate) fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// True when the input has ended and every byte was consumed.
    pub(crate) fn at_end(&mut self) -> bool {
        !self.ensure(1)
    }

    /// The read error (a corrupt gzip stream, an I/O failure) that ended the input, if any.
    pub(crate) fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn input(bytes: Vec<u8>) -> Input {
        Input::from_reader("t".into(), Box::new(Cursor::new(bytes))).unwrap()
    }

    #[test]
    fn ensure_grows_and_consumes() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| i as u8).collect();
        let mut inp = input(data.clone());
        assert!(inp.ensure(10));
        assert_eq!(&inp.data()[..10], &data[..10]);
        inp.consume(5);
        assert!(inp.ensure(2_500_000));
        assert_eq!(inp.data()[0], data[5]);
        inp.consume(2_999_990);
        assert!(inp.ensure(5));
        assert!(!inp.ensure(6));
        inp.consume(5);
        assert!(inp.at_end());
    }

    #[test]
    fn gzip_detected_by_magic() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"hello world").unwrap();
        let mut inp = input(enc.finish().unwrap());
        assert!(inp.gzip);
        assert!(inp.ensure(11));
        assert_eq!(inp.data(), b"hello world");
    }

    #[test]
    fn empty_input_is_an_error() {
        let e = Input::from_reader("e".into(), Box::new(Cursor::new(Vec::new())));
        assert!(matches!(e, Err(CaptureError::Empty { .. })));
    }

    #[test]
    fn corrupt_gzip_ends_with_error() {
        let mut inp = input(vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff]);
        assert!(!inp.ensure(100));
        assert!(inp.take_error().is_some());
    }
}
