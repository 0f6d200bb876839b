//! Windows of records: a bounded run of consecutive records of one file, copied end to
//! end into one buffer with each record's line number, so that they can be parsed on
//! every core at once (`parallel`) and then applied to the collector in file order.
//!
//! A window holds about [`WINDOW_BYTES`] of text, whatever the size of the file, so a
//! log of any size is still read in bounded memory: two windows are alive at a time
//! (the one being applied and the next one being filled).

use std::io::BufRead;
use std::ops::Range;

/// About how many bytes of records a window holds before it is handed on: large enough
/// that starting the parallel parse costs nothing next to it, small enough that two
/// windows and their parsed records stay a few megabytes.
pub const WINDOW_BYTES: usize = 4 << 20;

/// Consecutive records of one file.
#[derive(Debug, Default)]
pub struct Window {
    /// The records' bytes, one after the other.
    bytes: Vec<u8>,
    /// Each record's 1-based line and its place in `bytes`.
    records: Vec<(u64, Range<usize>)>,
}

impl Window {
    /// Empties the window, keeping its buffers for the next fill.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.records.clear();
    }

    /// Adds a record that starts on `line`.
    pub fn push(&mut self, line: u64, record: &[u8]) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(record);
        self.records.push((line, start..self.bytes.len()));
    }

    /// How many bytes of records it holds.
    pub fn len_bytes(&self) -> usize {
        self.bytes.len()
    }

    /// True when it holds no record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The records in file order: (line, bytes).
    pub fn records(&self) -> impl ExactSizeIterator<Item = (u64, &[u8])> + Clone {
        self.records
            .iter()
            .map(|(line, r)| (*line, &self.bytes[r.clone()]))
    }

    /// The `i`-th record: (line, bytes).
    pub fn record(&self, i: usize) -> (u64, &[u8]) {
        let (line, r) = &self.records[i];
        (*line, &self.bytes[r.clone()])
    }

    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.records.len()
    }
}

/// A source of windows: fills one with the next records of its file.
pub trait Fill: Send {
    /// Fills `w` (emptied first) with records up to about `limit` bytes; false once the
    /// file has no records left (then `w` is empty).
    fn fill(&mut self, w: &mut Window, limit: usize) -> std::io::Result<bool>;
}

/// Text lines, each without its line end (`\n`, `\r\n`, or any run of both, as
/// [`super::for_each_line`] cuts them).
#[derive(Debug)]
pub struct Lines<R> {
    input: R,
    line: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    /// Lines of `input`.
    pub fn new(input: R) -> Self {
        Lines {
            input,
            line: 0,
            buf: Vec::with_capacity(512),
        }
    }
}

impl<R: BufRead + Send> Fill for Lines<R> {
    fn fill(&mut self, w: &mut Window, limit: usize) -> std::io::Result<bool> {
        w.clear();
        while w.len_bytes() < limit {
            self.buf.clear();
            if self.input.read_until(b'\n', &mut self.buf)? == 0 {
                break;
            }
            self.line += 1;
            while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
                self.buf.pop();
            }
            w.push(self.line, &self.buf);
        }
        Ok(!w.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_lose_their_ends_and_keep_their_numbers_across_windows() {
        let text = b"a\r\nbb\n\nccc\r\r\ndd";
        let mut lines = Lines::new(&text[..]);
        let mut w = Window::default();
        let mut got = Vec::new();
        while lines.fill(&mut w, 2).unwrap() {
            got.extend(w.records().map(|(l, t)| (l, t.to_vec())));
        }
        let want: Vec<(u64, Vec<u8>)> = vec![
            (1, b"a".to_vec()),
            (2, b"bb".to_vec()),
            (3, b"".to_vec()),
            (4, b"ccc".to_vec()),
            (5, b"dd".to_vec()),
        ];
        assert_eq!(got, want);
    }
}
