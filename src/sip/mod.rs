//! The SIP message parser: zero-copy views over a message's bytes.
