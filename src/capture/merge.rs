//! Several capture inputs merged into one stream in timestamp order (like `mergecap`), with
//! frames numbered from 1 in merged order.

use std::path::Path;

use super::{CaptureError, FileReader, Frame};

/// The capture input of a command: one or more files, merged by timestamp.
pub struct Capture {
    sources: Vec<FileReader>,
    /// Source of the frame handed out last (advanced lazily on the next call).
    last: Option<usize>,
    number: u64,
}

impl Capture {
    /// Opens every path (`-` for standard input, at most once). Fails on the first input that
    /// cannot be opened or is not a capture.
    pub fn open<P: AsRef<Path>>(paths: &[P]) -> Result<Capture, CaptureError> {
        if paths.is_empty() {
            return Err(CaptureError::NoInput);
        }
        if paths
            .iter()
            .filter(|p| p.as_ref().as_os_str() == "-")
            .count()
            > 1
        {
            return Err(CaptureError::StdinTwice);
        }
        let sources = paths
            .iter()
            .map(|p| FileReader::open(p.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Capture::from_readers(sources))
    }

    /// Merges readers that are already open.
    pub fn from_readers(sources: Vec<FileReader>) -> Capture {
        Capture {
            sources,
            last: None,
            number: 0,
        }
    }

    /// The next frame in timestamp order (ties go to the input named first; frames of one
    /// input keep their order). `None` when every input is exhausted.
    pub fn next_frame(&mut self) -> Option<Frame<'_>> {
        if let Some(i) = self.last.take() {
            self.sources[i].advance();
        }
        let pick = if self.sources.len() == 1 {
            self.sources[0].current_time().map(|_| 0)
        } else {
            let mut best: Option<(usize, crate::meta::Timestamp)> = None;
            for (i, s) in self.sources.iter().enumerate() {
                if let Some(t) = s.current_time() {
                    if best.is_none_or(|(_, bt)| t < bt) {
                        best = Some((i, t));
                    }
                }
            }
            best.map(|(i, _)| i)
        }?;
        self.last = Some(pick);
        self.number += 1;
        let mut frame = self.sources[pick].current()?;
        frame.number = self.number;
        Some(frame)
    }

    /// Warnings of every input (truncated or corrupt files), in input order.
    pub fn warnings(&self) -> Vec<String> {
        self.sources
            .iter()
            .flat_map(|s| s.warnings().iter().cloned())
            .collect()
    }

    /// Frames handed out so far.
    pub fn frames(&self) -> u64 {
        self.number
    }
}
