//! WebSocket (RFC 6455) as used by SIP over WebSocket (RFC 7118): the HTTP Upgrade
//! handshake, then frames (text or binary, masked or not, any length, fragmented across
//! continuation frames) decoded incrementally from a TCP byte stream, so a frame larger than
//! any buffer still passes through.

use memchr::memmem;

/// The largest reassembled WebSocket message kept (SIP messages are far smaller); larger
/// messages are skipped and counted.
pub const MAX_MESSAGE: usize = 1 << 20;

/// The longest HTTP header block looked at during the handshake.
const MAX_HTTP_HEADER: usize = 16 << 10;

/// What the start of a stream holds, HTTP-wise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handshake {
    /// Not HTTP.
    NotHttp,
    /// HTTP, but the header block is not complete yet.
    NeedMore,
    /// A WebSocket upgrade request or a `101 Switching Protocols` response of this many
    /// bytes; WebSocket frames follow.
    Upgrade(usize),
    /// Some other HTTP message header of this many bytes (its body, if any, is not ours).
    OtherHttp(usize),
}

/// Recognises an HTTP request or response header at the start of `buf` and whether it is a
/// WebSocket upgrade.
pub fn handshake(buf: &[u8]) -> Handshake {
    const METHODS: [&[u8]; 4] = [b"GET ", b"HTTP/1.", b"POST ", b"HEAD "];
    let prefix = &buf[..buf.len().min(7)];
    let is_http = METHODS.iter().any(|m| {
        let n = m.len().min(prefix.len());
        prefix[..n] == m[..n]
    });
    if !is_http {
        return Handshake::NotHttp;
    }
    if buf.len() < 7 {
        return Handshake::NeedMore;
    }
    let window = &buf[..buf.len().min(MAX_HTTP_HEADER)];
    let Some(end) = memmem::find(window, b"\r\n\r\n").map(|i| i + 4) else {
        return if buf.len() >= MAX_HTTP_HEADER {
            Handshake::OtherHttp(MAX_HTTP_HEADER)
        } else {
            Handshake::NeedMore
        };
    };
    let head = &buf[..end];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let upgrade = memmem::find(&lower, b"\nupgrade:").is_some_and(|i| {
        let line_end = memchr::memchr(b'\n', &lower[i + 1..]).map_or(lower.len(), |j| i + 1 + j);
        memmem::find(&lower[i..line_end], b"websocket").is_some()
    });
    let switching = lower.starts_with(b"http/1.1 101") || lower.starts_with(b"http/1.0 101");
    let request = lower.starts_with(b"get ");
    if upgrade && (request || switching) {
        Handshake::Upgrade(end)
    } else {
        Handshake::OtherHttp(end)
    }
}

/// A decoding error: the bytes are not WebSocket frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WsError {
    /// Reserved bits or an unknown opcode.
    BadFrame,
    /// A continuation frame without a message to continue, or a new data frame while one is
    /// unfinished.
    BadSequence,
}

/// A complete WebSocket data message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WsMessage<'a> {
    /// True for text (opcode 1), false for binary (opcode 2).
    pub text: bool,
    /// The unmasked payload.
    pub payload: &'a [u8],
}

#[derive(Clone, Copy, Debug)]
struct InFrame {
    remaining: u64,
    mask: Option<[u8; 4]>,
    mask_pos: usize,
    fin: bool,
    control: bool,
}

/// Incremental WebSocket decoder for one direction of a connection.
#[derive(Debug, Default)]
pub struct WsDecoder {
    frame: Option<InFrame>,
    /// Payload of the data message being assembled.
    message: Vec<u8>,
    message_text: bool,
    in_message: bool,
    oversize: bool,
    /// Messages skipped for exceeding [`MAX_MESSAGE`].
    pub oversize_messages: u64,
    /// Frames decoded.
    pub frames: u64,
}

impl WsDecoder {
    /// Bytes allocated for the message being assembled, for the caller's memory caps
    /// (the TCP reassembler counts them against its byte cap).
    pub fn footprint(&self) -> usize {
        self.message.capacity()
    }

    /// Decodes frames from `data`, calling `on_message` for every complete data message.
    /// Returns the number of bytes used (a frame header split across calls is left unused
    /// until complete).
    pub fn feed(
        &mut self,
        data: &[u8],
        on_message: &mut dyn FnMut(WsMessage<'_>),
    ) -> Result<usize, WsError> {
        let mut pos = 0;
        loop {
            if let Some(mut f) = self.frame {
                let take = (f.remaining.min((data.len() - pos) as u64)) as usize;
                let chunk = &data[pos..pos + take];
                if !f.control && !self.oversize {
                    if self.message.len() + take > MAX_MESSAGE {
                        self.oversize = true;
                        self.message = Vec::new();
                    } else {
                        let start = self.message.len();
                        self.message.extend_from_slice(chunk);
                        if let Some(m) = f.mask {
                            for (i, b) in self.message[start..].iter_mut().enumerate() {
                                *b ^= m[(f.mask_pos + i) & 3];
                            }
                        }
                    }
                }
                f.mask_pos = (f.mask_pos + take) & 3;
                f.remaining -= take as u64;
                pos += take;
                if f.remaining > 0 {
                    self.frame = Some(f);
                    return Ok(pos);
                }
                self.frame = None;
                if !f.control && f.fin {
                    if self.oversize {
                        self.oversize_messages += 1;
                    } else {
                        on_message(WsMessage {
                            text: self.message_text,
                            payload: &self.message,
                        });
                    }
                    // a big message must not pin its buffer for the rest of the connection
                    if self.message.capacity() > 64 << 10 {
                        self.message = Vec::new();
                    } else {
                        self.message.clear();
                    }
                    self.in_message = false;
                    self.oversize = false;
                }
                continue;
            }
            let b = &data[pos..];
            if b.len() < 2 {
                return Ok(pos);
            }
            let fin = b[0] & 0x80 != 0;
            if b[0] & 0x70 != 0 {
                return Err(WsError::BadFrame);
            }
            let opcode = b[0] & 0x0f;
            let masked = b[1] & 0x80 != 0;
            let (len, mut hlen) = match b[1] & 0x7f {
                126 => {
                    if b.len() < 4 {
                        return Ok(pos);
                    }
                    (u16::from_be_bytes([b[2], b[3]]) as u64, 4)
                }
                127 => {
                    if b.len() < 10 {
                        return Ok(pos);
                    }
                    let mut l = [0u8; 8];
                    l.copy_from_slice(&b[2..10]);
                    (u64::from_be_bytes(l), 10)
                }
                n => (n as u64, 2),
            };
            let mask = if masked {
                if b.len() < hlen + 4 {
                    return Ok(pos);
                }
                let m = [b[hlen], b[hlen + 1], b[hlen + 2], b[hlen + 3]];
                hlen += 4;
                Some(m)
            } else {
                None
            };
            let control = match opcode {
                0 => {
                    if !self.in_message {
                        return Err(WsError::BadSequence);
                    }
                    false
                }
                1 | 2 => {
                    if self.in_message {
                        return Err(WsError::BadSequence);
                    }
                    self.in_message = true;
                    self.message_text = opcode == 1;
                    self.message.clear();
                    false
                }
                8..=10 => {
                    if !fin || len > 125 {
                        return Err(WsError::BadFrame);
                    }
                    true
                }
                _ => return Err(WsError::BadFrame),
            };
            self.frames += 1;
            pos += hlen;
            self.frame = Some(InFrame {
                remaining: len,
                mask,
                mask_pos: 0,
                fin,
                control,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds one frame.
    fn frame(fin: bool, opcode: u8, mask: Option<[u8; 4]>, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![(fin as u8) << 7 | opcode];
        let m = if mask.is_some() { 0x80 } else { 0 };
        match payload.len() {
            n if n < 126 => v.push(m | n as u8),
            n if n < 65536 => {
                v.push(m | 126);
                v.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                v.push(m | 127);
                v.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        if let Some(k) = mask {
            v.extend_from_slice(&k);
            v.extend(payload.iter().enumerate().map(|(i, b)| b ^ k[i & 3]));
        } else {
            v.extend_from_slice(payload);
        }
        v
    }

    fn decode_all(stream: &[u8], step: usize) -> Vec<Vec<u8>> {
        let mut dec = WsDecoder::default();
        let mut out = Vec::new();
        let mut buf = Vec::new();
        for chunk in stream.chunks(step) {
            buf.extend_from_slice(chunk);
            let used = dec
                .feed(&buf, &mut |m| out.push(m.payload.to_vec()))
                .unwrap();
            buf.drain(..used);
        }
        assert!(buf.is_empty());
        out
    }

    #[test]
    fn masked_unmasked_fragmented_and_long() {
        let big: Vec<u8> = (0..70_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let mut s = frame(true, 1, None, b"OPTIONS sip:a SIP/2.0\r\n\r\n");
        s.extend(frame(true, 1, Some([1, 2, 3, 4]), b"masked"));
        s.extend(frame(false, 2, Some([9, 8, 7, 6]), b"frag-"));
        s.extend(frame(true, 9, None, b"ping"));
        s.extend(frame(true, 0, Some([5, 5, 5, 5]), b"ment"));
        s.extend(frame(true, 2, None, &big[..300]));
        s.extend(frame(true, 1, Some([0xde, 0xad, 0xbe, 0xef]), &big));
        let want = vec![
            b"OPTIONS sip:a SIP/2.0\r\n\r\n".to_vec(),
            b"masked".to_vec(),
            b"frag-ment".to_vec(),
            big[..300].to_vec(),
            big.clone(),
        ];
        for step in [1, 3, 7, 1000, s.len()] {
            let got = decode_all(&s, step);
            assert_eq!(got.len(), want.len(), "step {step}");
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                let diff = g.iter().zip(w).position(|(a, b)| a != b);
                assert!(
                    g.len() == w.len() && diff.is_none(),
                    "step {step} message {i}: len {} vs {}, first difference at {diff:?}",
                    g.len(),
                    w.len()
                );
            }
        }
    }

    #[test]
    fn bad_frames_are_errors() {
        let mut dec = WsDecoder::default();
        assert_eq!(dec.feed(&[0xf1, 0x00], &mut |_| {}), Err(WsError::BadFrame));
        let mut dec = WsDecoder::default();
        assert_eq!(
            dec.feed(&[0x80, 0x00], &mut |_| {}),
            Err(WsError::BadSequence)
        );
    }

    #[test]
    fn handshake_detection() {
        let req = b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n\x81\x05hello";
        assert_eq!(handshake(req), Handshake::Upgrade(req.len() - 7));
        let resp = b"HTTP/1.1 101 Switching Protocols\r\nUPGRADE: WebSocket\r\n\r\n";
        assert_eq!(handshake(resp), Handshake::Upgrade(resp.len()));
        assert_eq!(
            handshake(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            Handshake::OtherHttp(27)
        );
        assert_eq!(handshake(b"GET / HTTP/1.1\r\nHost"), Handshake::NeedMore);
        assert_eq!(handshake(b"GE"), Handshake::NeedMore);
        assert_eq!(handshake(b"INVITE sip:x SIP/2.0\r\n"), Handshake::NotHttp);
    }

    #[test]
    fn a_delivered_big_message_does_not_pin_its_buffer() {
        let big = vec![b'x'; 500_000];
        let mut s = frame(false, 2, None, &big[..250_000]);
        s.extend(frame(true, 0, None, &big[250_000..]));
        let mut dec = WsDecoder::default();
        let mut n = 0;
        // the second frame arrives in a later segment: the message is assembled meanwhile
        let half = s.len() / 2;
        let used = dec.feed(&s[..half], &mut |_| n += 1).unwrap();
        assert_eq!(used, half);
        assert!(dec.footprint() >= 250_000, "{}", dec.footprint());
        dec.feed(&s[half..], &mut |m| n += m.payload.len()).unwrap();
        assert_eq!(n, 500_000);
        assert!(dec.footprint() <= 64 << 10, "{}", dec.footprint());
    }

    #[test]
    fn oversize_message_is_skipped_and_counted() {
        let huge = vec![b'x'; MAX_MESSAGE + 1];
        let mut s = frame(true, 2, None, &huge);
        s.extend(frame(true, 1, None, b"after"));
        let mut dec = WsDecoder::default();
        let mut out = Vec::new();
        let used = dec.feed(&s, &mut |m| out.push(m.payload.to_vec())).unwrap();
        assert_eq!(used, s.len());
        assert_eq!(out, vec![b"after".to_vec()]);
        assert_eq!(dec.oversize_messages, 1);
    }
}
