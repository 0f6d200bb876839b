//! A CSV row writer for the record files (`attempts.csv`, `operator.csv`,
//! `suppressions.csv`): fields are appended to one reused byte buffer, handed to the
//! output in large blocks, and only text that can hold a special byte is scanned for
//! quoting. Integers and timestamps are written straight into the buffer. Its bytes are
//! those of the `csv` crate's writer with default settings (quotes only where needed,
//! `""` for a quote, `\n` after each row), which property tests check.

use std::io::{self, Write};

use crate::time::{Instant, StampCache};

/// How many bytes are gathered before they are handed to the output: large enough that
/// a file of hundreds of megabytes takes few system calls (or hand-overs to the
/// writing thread of `report::pipe`), small enough to stay in the L2 cache.
const CHUNK: usize = 1 << 18;

/// Where a [`RowWriter`] puts each full block of rows.
pub trait BlockOut {
    /// Takes the bytes of `block` and leaves it empty for the next rows. A writer that
    /// keeps blocks (`report::pipe::Pipe`) may swap in another empty buffer instead of
    /// copying.
    fn put(&mut self, block: &mut Vec<u8>) -> io::Result<()>;
}

impl<W: Write> BlockOut for W {
    fn put(&mut self, block: &mut Vec<u8>) -> io::Result<()> {
        self.write_all(block)?;
        block.clear();
        Ok(())
    }
}

/// Rows of CSV written to `W`.
#[derive(Debug)]
pub struct RowWriter<W: BlockOut> {
    out: W,
    buf: Vec<u8>,
    /// No field written yet in the current row.
    row_start: bool,
    /// The date and minute of the last timestamp written.
    stamps: StampCache,
}

impl<W: BlockOut> RowWriter<W> {
    /// A writer into `out`.
    pub fn new(out: W) -> RowWriter<W> {
        RowWriter {
            out,
            buf: Vec::with_capacity(CHUNK + 1024),
            row_start: true,
            stamps: StampCache::default(),
        }
    }

    fn separate(&mut self) {
        if !self.row_start {
            self.buf.push(b',');
        }
        self.row_start = false;
    }

    /// A field that cannot hold a comma, quote or line break: numbers written by
    /// `fields::Digits` and the fixed words of the record enums.
    pub fn plain(&mut self, field: &str) {
        self.bytes(field.as_bytes());
    }

    /// A field already in its written form: text checked once to need neither quotes
    /// nor neutralising (see `report::cells`), or a field quoted beforehand.
    pub fn bytes(&mut self, field: &[u8]) {
        debug_assert!(!needs_quotes(field) || field.starts_with(b"\""));
        self.separate();
        self.buf.extend_from_slice(field);
    }

    /// An unsigned integer in decimal, as `n.to_string()` writes it.
    pub fn uint(&mut self, n: u64) {
        self.separate();
        if n < 10 {
            // Most numbers of a record (replication, point, attempt, counter) are one
            // digit.
            self.buf.push(b'0' + n as u8);
        } else {
            push_decimal(&mut self.buf, n);
        }
    }

    /// `prefix`, `n` in decimal, then `suffix`, as one field written as it is: a
    /// numbered name whose affixes need no quoting (`report::cells` checks them).
    pub fn numbered<const P: usize, const S: usize>(
        &mut self,
        prefix: &Short<P>,
        n: u64,
        suffix: &Short<S>,
    ) {
        self.separate();
        push_short(&mut self.buf, prefix);
        push_decimal(&mut self.buf, n);
        if suffix.len > 0 {
            push_short(&mut self.buf, suffix);
        }
    }

    /// `prefix`, then `n` in decimal with leading zeros to at least `width` digits, as
    /// one field written as it is (`format!("{n:0width$}")` after the prefix).
    pub fn padded<const P: usize>(&mut self, prefix: &Short<P>, n: u64, width: usize) {
        self.separate();
        push_short(&mut self.buf, prefix);
        let digits = n.checked_ilog10().map_or(1, |d| d as usize + 1);
        for _ in digits..width {
            self.buf.push(b'0');
        }
        push_decimal(&mut self.buf, n);
    }

    /// An instant as `Instant`'s `Display` writes it (RFC 3339, UTC).
    pub fn stamp(&mut self, t: Instant) {
        self.separate();
        if !self.stamps.push(t, &mut self.buf) {
            // Years outside 0000-9999 (never in a run's records) keep chrono's forms.
            quote_into(&mut self.buf, t.to_string().as_bytes());
        }
    }

    /// Any text: quoted when it holds a comma, quote, or line break, with quotes doubled.
    pub fn text(&mut self, field: &str) {
        self.separate();
        quote_into(&mut self.buf, field.as_bytes());
    }

    /// Ends the row, handing the gathered bytes to the output once there are enough.
    pub fn end_row(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        self.row_start = true;
        if self.buf.len() >= CHUNK {
            self.out.put(&mut self.buf)?;
        }
        Ok(())
    }

    /// Hands over what is left and returns the output.
    pub fn into_inner(mut self) -> io::Result<W> {
        if !self.buf.is_empty() {
            self.out.put(&mut self.buf)?;
        }
        Ok(self.out)
    }
}

/// Up to `N` bytes in a fixed array: appending them is a copy of a fixed length (a few
/// register moves) and a truncation, not a call to `memcpy` for a handful of bytes,
/// which in a trace is millions of calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Short<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Short<N> {
    /// `text` when it fits in `N` bytes.
    pub fn new(text: &[u8]) -> Option<Short<N>> {
        let mut bytes = [0; N];
        bytes.get_mut(..text.len())?.copy_from_slice(text);
        Some(Short {
            bytes,
            len: text.len(),
        })
    }

    /// The bytes held.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Appends the decimal digits of `n` to `out`, as `n.to_string()` writes them.
fn push_decimal(out: &mut Vec<u8>, n: u64) {
    if n >= 10_u64.pow(16) {
        out.extend_from_slice(n.to_string().as_bytes());
        return;
    }
    // The digits are gathered in registers, last digits first and two at a time (half
    // the chain of dependent divisions), so that the lowest byte ends up holding the
    // first digit, and stored straight into `out` eight at a time. (Storing digit by
    // digit, or through a small array, and then copying the array makes the CPU's store
    // forwarding fail: that stall cost more than the formatting.)
    let (mut acc, mut len, mut rest) = (0u128, 0, n);
    while rest >= 100 {
        acc = (acc << 16) | u128::from(DIGIT_PAIRS[(rest % 100) as usize]);
        len += 2;
        rest /= 100;
    }
    if rest >= 10 {
        acc = (acc << 16) | u128::from(DIGIT_PAIRS[rest as usize]);
        len += 2;
    } else {
        acc = (acc << 8) | u128::from(b'0' + rest as u8);
        len += 1;
    }
    let start = out.len();
    out.extend_from_slice(&(acc as u64).to_le_bytes());
    if len > 8 {
        out.extend_from_slice(&((acc >> 64) as u64).to_le_bytes());
    }
    out.truncate(start + len);
}

/// The two digits of 0 to 99, the tens digit in the low byte (which is stored first).
const DIGIT_PAIRS: [u16; 100] = {
    let mut pairs = [0; 100];
    let mut k = 0;
    while k < 100 {
        pairs[k] = (b'0' as u16 + k as u16 / 10) | ((b'0' as u16 + k as u16 % 10) << 8);
        k += 1;
    }
    pairs
};

/// Appends the bytes of `s` to `out`.
fn push_short<const N: usize>(out: &mut Vec<u8>, s: &Short<N>) {
    let len = out.len();
    out.extend_from_slice(&s.bytes);
    out.truncate(len + s.len);
}

/// Appends `field` to `out` as the `csv` crate writes it: as it is, or in quotes with
/// quotes doubled when it holds a comma, quote, CR or LF.
pub fn quote_into(out: &mut Vec<u8>, field: &[u8]) {
    if !needs_quotes(field) {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Whether the `csv` crate's writer would quote `field` (comma, quote, CR or LF).
pub fn needs_quotes(field: &[u8]) -> bool {
    field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The bytes the `csv` crate writes for `rows`.
    fn by_csv(rows: &[Vec<String>]) -> Vec<u8> {
        // Flexible only so that generated rows may differ in length; quoting is the
        // default writer's.
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for row in rows {
            w.write_record(row).unwrap();
        }
        w.into_inner().unwrap()
    }

    fn by_rows(rows: &[Vec<String>]) -> Vec<u8> {
        let mut w = RowWriter::new(Vec::new());
        for row in rows {
            for field in row {
                w.text(field);
            }
            w.end_row().unwrap();
        }
        w.into_inner().unwrap()
    }

    #[test]
    fn special_bytes_are_quoted_as_the_csv_crate_quotes_them() {
        let rows = vec![vec![
            "plain".to_string(),
            "a,b".into(),
            "say \"hi\"".into(),
            "two\nlines".into(),
            "cr\r".into(),
            String::new(),
            "'=1+1".into(),
        ]];
        assert_eq!(by_rows(&rows), by_csv(&rows));
        assert_eq!(
            String::from_utf8(by_rows(&rows)).unwrap(),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",,'=1+1\n"
        );
    }

    /// One row of `fields` through `write`, as text.
    fn row(write: impl FnOnce(&mut RowWriter<Vec<u8>>)) -> String {
        let mut w = RowWriter::new(Vec::new());
        write(&mut w);
        w.end_row().unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn short_texts_hold_up_to_their_size() {
        assert_eq!(Short::<4>::new(b"abcd").unwrap().as_bytes(), b"abcd");
        assert_eq!(Short::<4>::new(b"").unwrap().as_bytes(), b"");
        assert_eq!(Short::<4>::new(b"abcde"), None);
        for n in [
            0,
            9,
            10,
            99,
            100,
            12_345,
            99_999_999,
            100_000_000,
            10_u64.pow(16) - 1,
            10_u64.pow(16),
            u64::MAX,
        ] {
            let mut out = b"x".to_vec();
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}").as_bytes());
        }
    }

    proptest! {
        #[test]
        fn numbers_and_numbered_names_are_their_display_text(
            n in prop_oneof![0u64..100, any::<u64>()],
            prefix in "[a-z]{0,16}",
            suffix in "[a-z]{0,16}",
        ) {
            let p = Short::<16>::new(prefix.as_bytes()).unwrap();
            let s = Short::<16>::new(suffix.as_bytes()).unwrap();
            prop_assert_eq!(
                row(|w| { w.uint(n); w.numbered(&p, n, &s); }),
                format!("{n},{prefix}{n}{suffix}\n")
            );
        }

        /// Zero-padded numbers are what `format!` pads: shorter, as long as, or longer
        /// than the width.
        #[test]
        fn padded_numbers_are_their_display_text(
            n in prop_oneof![0u64..100, 0u64..100_000_000, any::<u64>()],
            prefix in "[+a-z0-9]{0,8}",
            width in 0usize..22,
        ) {
            let p = Short::<8>::new(prefix.as_bytes()).unwrap();
            prop_assert_eq!(
                row(|w| { w.padded(&p, n, width); }),
                format!("{prefix}{n:0width$}\n")
            );
        }

        /// Stamps in a row, repeated, a day apart, or outside the four-digit years, are
        /// written as `Instant`'s `Display` writes them.
        #[test]
        fn stamps_are_their_display_text(
            times in prop::collection::vec(
                prop_oneof![
                    4 => 1_767_571_200i64..1_767_571_200 + 3 * 86_400,
                    1 => any::<i64>(),
                    1 => prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(Instant::LAST.0)],
                ],
                1..30,
            )
        ) {
            let mut w = RowWriter::new(Vec::new());
            let mut expected = String::new();
            for t in &times {
                w.stamp(Instant(*t));
                w.stamp(Instant(*t));
                w.end_row().unwrap();
                expected.push_str(&format!("{0},{0}\n", Instant(*t)));
            }
            prop_assert_eq!(String::from_utf8(w.into_inner().unwrap()).unwrap(), expected);
        }

        #[test]
        fn rows_match_the_csv_crate(
            rows in prop::collection::vec(
                prop::collection::vec("[a-z0-9,\"\r\n @+=#;' é-]{0,12}", 2..6),
                0..20,
            )
        ) {
            prop_assert_eq!(by_rows(&rows), by_csv(&rows));
        }
    }
}
