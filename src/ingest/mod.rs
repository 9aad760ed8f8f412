//! The packet pipeline: capture frames in, one [`crate::meta::RawMessage`] per SIP message out,
//! with counters of everything skipped and why.
