//! Eight bytes at a time in a `u64` ("SIMD within a register"): the byte tests behind the
//! short inline scans of the parser and the JSON writer, which end within a few words and
//! so gain nothing from SIMD set-up or a call to `memchr`.
//!
//! Each test returns a mask with the high bit set in flagged bytes. Words are read
//! little-endian, so the lowest flagged byte is the first in memory, and it is exact:
//! borrows run only upwards, so a byte below the first match is never flagged (bytes
//! above it may be). Use [`first`] on a non-zero mask, or only ask whether it is zero.

/// 0x01 in every byte.
pub(crate) const LO: u64 = 0x0101_0101_0101_0101;
/// 0x80 in every byte.
pub(crate) const HI: u64 = 0x8080_8080_8080_8080;

/// `b` in every byte.
#[inline(always)]
pub(crate) const fn splat(b: u8) -> u64 {
    LO * b as u64
}

/// The eight bytes of `s` from `i` (there must be eight).
#[inline(always)]
pub(crate) fn word(s: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(s[i..i + 8].try_into().unwrap())
}

/// Bytes of `v` that are zero.
#[inline(always)]
pub(crate) fn zero(v: u64) -> u64 {
    v.wrapping_sub(LO) & !v & HI
}

/// Bytes of `v` equal to `b`.
#[inline(always)]
pub(crate) fn eq(v: u64, b: u8) -> u64 {
    zero(v ^ splat(b))
}

/// Bytes of `v` below `n` (`n` at most 0x80; bytes of 0x80 and above are never flagged).
#[inline(always)]
pub(crate) fn below(v: u64, n: u8) -> u64 {
    v.wrapping_sub(splat(n)) & !v & HI
}

/// Index of the first flagged byte of a non-zero mask.
#[inline(always)]
pub(crate) fn first(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// For every byte value at every position of a word otherwise made of `fill`, the
    /// first flagged byte is the first byte that matches.
    #[test]
    fn the_first_flag_is_the_first_match() {
        for fill in [0u8, b'a', 0x1f, 0x20, b'"', 0x7f, 0x80, 0xff] {
            for b in 0..=255u8 {
                for at in 0..8 {
                    let mut bytes = [fill; 8];
                    bytes[at] = b;
                    let v = word(&bytes, 0);
                    let want = |t: &dyn Fn(u8) -> bool| bytes.iter().position(|&x| t(x));
                    let got = |m: u64| (m != 0).then(|| first(m));
                    assert_eq!(got(zero(v)), want(&|x| x == 0), "{bytes:?}");
                    assert_eq!(got(eq(v, b'\n')), want(&|x| x == b'\n'), "{bytes:?}");
                    assert_eq!(got(eq(v, b'"')), want(&|x| x == b'"'), "{bytes:?}");
                    assert_eq!(got(below(v, 0x20)), want(&|x| x < 0x20), "{bytes:?}");
                    assert_eq!(got(below(v, 0x21)), want(&|x| x < 0x21), "{bytes:?}");
                }
            }
        }
    }
}
