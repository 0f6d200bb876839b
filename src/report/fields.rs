//! Reusable text buffers for the fields of record files: integers and timestamps written
//! by hand into fixed arrays, so that writing a row of `attempts.csv` allocates nothing.

use crate::time::{Instant, STAMP_LEN, utc_stamp};

/// The decimal text of an unsigned integer, written into a fixed buffer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Digits {
    buf: [u8; 20],
}

impl Digits {
    /// Writes `n` in decimal (no sign, no padding) and returns the text, as `n.to_string()`
    /// would.
    pub fn write(&mut self, mut n: u64) -> &str {
        let mut at = self.buf.len();
        loop {
            at -= 1;
            self.buf[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        // Only ASCII digits were written.
        std::str::from_utf8(&self.buf[at..]).unwrap_or_default()
    }
}

/// The RFC 3339 text of an instant, written into a fixed buffer when its year has four
/// digits, through `Display` otherwise.
#[derive(Debug, Clone, Default)]
pub struct Stamp {
    buf: [u8; STAMP_LEN],
    other: String,
}

impl Stamp {
    /// Writes `t` exactly as `t.to_string()` would and returns the text.
    pub fn write(&mut self, t: Instant) -> &str {
        match utc_stamp(t, &mut self.buf) {
            Some(text) => text,
            None => {
                use std::fmt::Write;
                self.other.clear();
                let _ = write!(self.other, "{t}");
                &self.other
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_match_to_string() {
        let mut d = Digits::default();
        let mut n = 1u64;
        for k in [0u64, 1, 9, 10, 99, 100, 4_294_967_295, u64::MAX] {
            assert_eq!(d.write(k), k.to_string());
        }
        while let Some(next) = n.checked_mul(7) {
            assert_eq!(d.write(n - 1), (n - 1).to_string());
            assert_eq!(d.write(n), n.to_string());
            n = next;
        }
    }

    #[test]
    fn stamps_match_display_inside_and_outside_four_digit_years() {
        let mut s = Stamp::default();
        for t in [
            Instant(0),
            Instant(1_767_571_200),
            Instant::LAST,
            Instant(Instant::LAST.0 + 1),
            Instant(-62_167_219_201),
            Instant::NEVER,
        ] {
            assert_eq!(s.write(t), t.to_string());
        }
    }
}
