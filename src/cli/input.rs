//! Opening captures.
