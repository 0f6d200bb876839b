//! The fast path of the CSV reader: rows with no quote and no carriage return, split on
//! commas with `memchr` instead of the csv crate's state machine.
//!
//! Such a row means the same to both readers, so the fast path gives the same fields and
//! the same errors (field count, UTF-8, field length) at the same line numbers. At the
//! first line it does not handle (a quote, a `\r`, an empty line) it hands the rest of
//! the input to the csv crate, from that line's first byte, with the header in front so
//! that the crate counts fields as it would have; `csv_file` adds the lines already read.
//! Exported traces never need the hand-over.
//!
//! Input is read in the same 8 KiB pieces the csv crate reads, and the rows read before
//! a failed read (a NUL byte, an endless line) are handled before its error is reported,
//! as the crate does.

use std::io::{self, Read};

use super::ImportError;
use super::bounded::Bounded;

/// The size of each read, the csv crate's default buffer size.
const PIECE: usize = 8 * 1024;
/// Rows split ahead of their handling, so their names can be prefetched.
pub(super) const BATCH: usize = 16;
/// The longest field accepted, in bytes: ids, codes and times are short, and a longer
/// field is a sign of a wrong file (a quoted field can span lines, so the line limit
/// alone does not bound it).
pub(super) const MAX_FIELD: usize = 1 << 16;

/// What stopped a batch of rows.
pub(super) enum Stop {
    /// The batch is full; more rows may follow.
    Full,
    /// The input is used up.
    Done,
    /// The next line needs the csv crate.
    HandOver,
    /// The line is malformed: (line, message).
    Bad(u64, String),
    /// A read failed after the rows before it.
    Failed(io::Error),
}

/// The input, its unread part buffered.
pub(super) struct Plain<'r> {
    input: Bounded<Box<dyn Read + 'r>>,
    /// Bytes read are `buf[..end]`; the rest is room for the next read, zeroed once
    /// when the buffer grows rather than before every read.
    buf: Vec<u8>,
    end: usize,
    /// First byte of `buf` not yet handled.
    start: usize,
    /// Line number of `buf[start]`.
    line: u64,
    eof: bool,
    error: Option<io::Error>,
    /// The header line, without its line end, and its number of fields.
    header: Vec<u8>,
    width: usize,
    /// Positions of the commas of the line being split (reused).
    commas: Vec<usize>,
}

impl<'r> Plain<'r> {
    /// Reads the header line. `Err` gives the input back (as a csv reader's input) when
    /// the header is not plain: quoted, empty, with a byte order mark or a `\r`, or not
    /// UTF-8.
    pub(super) fn open(input: Box<dyn Read + 'r>) -> Result<(Plain<'r>, Vec<String>), Rest<'r>> {
        let mut plain = Plain {
            input: Bounded::new(input),
            buf: Vec::new(),
            end: 0,
            start: 0,
            line: 1,
            eof: false,
            error: None,
            header: Vec::new(),
            width: 0,
            commas: Vec::new(),
        };
        while memchr::memchr(b'\n', &plain.buf[..plain.end]).is_none() && plain.more() {}
        let end = memchr::memchr(b'\n', &plain.buf[..plain.end]);
        let text = &plain.buf[..end.unwrap_or(plain.end)];
        let whole = end.is_some() || (plain.eof && plain.error.is_none());
        let header = match std::str::from_utf8(text) {
            Ok(h) if whole && is_plain(text) && !text.starts_with(b"\xef\xbb\xbf") => h,
            _ => return Err(plain.into_rest()),
        };
        let fields: Vec<String> = header.split(',').map(str::to_string).collect();
        plain.header = text.to_vec();
        plain.width = fields.len();
        plain.start = end.map_or(plain.end, |e| e + 1);
        plain.line = 2;
        Ok((plain, fields))
    }

    /// The line number of the next row.
    pub(super) fn line(&self) -> u64 {
        self.line
    }

    /// The rest of the input from the next row on, behind the header line: what a csv
    /// reader reads to carry on where this one stopped.
    pub(super) fn into_rest(mut self) -> Rest<'r> {
        let mut pending = std::mem::take(&mut self.header);
        if self.line > 1 {
            pending.push(b'\n');
        }
        pending.extend_from_slice(&self.buf[self.start..self.end]);
        Rest {
            pending,
            at: 0,
            error: self.error,
            eof: self.eof,
            input: self.input,
        }
    }

    /// Splits up to [`BATCH`] rows into `rows` (the fields at `columns`, trimmed) with
    /// their lines, and says what stopped it. Reads more input when no whole line is
    /// buffered.
    pub(super) fn batch<'b>(
        &'b mut self,
        columns: &[Option<usize>],
        rows: &mut Vec<([&'b str; 8], u64)>,
    ) -> Stop {
        rows.clear();
        if !self.has_line() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            while !self.has_line() && self.more() {}
        }
        let Plain {
            buf,
            start,
            line,
            eof,
            error,
            width,
            commas,
            ..
        } = self;
        let buf: &'b [u8] = &buf[..self.end];
        while rows.len() < BATCH {
            let rest = &buf[*start..];
            let (text, next) = match memchr::memchr(b'\n', rest) {
                Some(i) => (&rest[..i], *start + i + 1),
                None if rest.is_empty() && *eof => return Stop::Done,
                None if *eof && error.is_none() => (rest, buf.len()),
                // A read failed inside a line the csv crate would end early, at a
                // `\r` (or read otherwise, at a quote): the crate reads its records
                // before the error, so it takes over here.
                None if error.is_some() && !plain_tail(rest) => return Stop::HandOver,
                None => {
                    return match error.take() {
                        Some(e) if rows.is_empty() => Stop::Failed(e),
                        e => {
                            *error = e;
                            Stop::Full
                        }
                    };
                }
            };
            if !is_plain(text) {
                return Stop::HandOver;
            }
            match split(text, *width, columns, commas) {
                Ok(fields) => rows.push((fields, *line)),
                Err(message) => return Stop::Bad(*line, message),
            }
            *start = next;
            *line += 1;
        }
        Stop::Full
    }

    /// The number of fields of the header, which every row must have.
    pub(super) fn width(&self) -> usize {
        self.width
    }

    /// Cuts the next run of whole lines, about `limit` bytes or more, out of the input
    /// (the last line may lack its line end only at the end of the input), leaving the
    /// unfinished line buffered; `spare` is memory for the buffer. Empty when no line is
    /// left: then the input has ended, or a read failed ([`Plain::failure`]).
    ///
    /// Reads stay the 8 KiB pieces [`Plain::batch`] reads, so a failed read loses the
    /// same bytes and the lines before it are whole, as there.
    pub(super) fn cut(&mut self, limit: usize, spare: Vec<u8>) -> Vec<u8> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        while self.end < limit && self.more() {}
        while !self.has_line() && self.more() {}
        let cut = if self.eof && self.error.is_none() {
            self.end
        } else {
            memchr::memrchr(b'\n', &self.buf[..self.end]).map_or(0, |i| i + 1)
        };
        // The lines leave in the buffer itself; only the unfinished line is copied.
        let tail = self.end - cut;
        let mut next = spare;
        if next.len() < tail {
            next.resize(tail, 0);
        }
        next[..tail].copy_from_slice(&self.buf[cut..self.end]);
        let mut window = std::mem::replace(&mut self.buf, next);
        window.truncate(cut);
        self.end = tail;
        window
    }

    /// The error of the read that ended the input, once every line before it is cut.
    pub(super) fn failure(&mut self) -> Option<io::Error> {
        self.error.take()
    }

    /// Whether what is left buffered after the last cut (an unfinished line, before a
    /// failed read) is for the csv crate to read: see [`plain_tail`].
    pub(super) fn tail_needs_csv(&self) -> bool {
        self.error.is_some() && !plain_tail(&self.buf[self.start..self.end])
    }

    /// [`Plain::into_rest`] with `before` (lines already cut from the input, the line
    /// the csv crate is to read first at its start) in front of what is still buffered.
    pub(super) fn into_rest_after(mut self, before: &[&[u8]]) -> Rest<'r> {
        let mut buf: Vec<u8> = before.concat();
        buf.extend_from_slice(&self.buf[self.start..self.end]);
        self.end = buf.len();
        self.start = 0;
        self.buf = buf;
        self.into_rest()
    }

    fn has_line(&self) -> bool {
        memchr::memchr(b'\n', &self.buf[self.start..self.end]).is_some()
            || self.eof
            || self.error.is_some()
    }

    /// Reads one piece; false at the end of the input or after a failed read.
    fn more(&mut self) -> bool {
        if self.eof || self.error.is_some() {
            return false;
        }
        if self.buf.len() < self.end + PIECE {
            self.buf.resize(self.end + PIECE, 0);
        }
        match self.input.read(&mut self.buf[self.end..self.end + PIECE]) {
            Ok(0) => self.eof = true,
            Ok(n) => self.end += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => self.error = Some(e),
        }
        !self.eof && self.error.is_none()
    }
}

/// The whole of `input` for the csv crate, the fast path not tried: the reference the
/// fast path is tested against.
#[cfg(any(test, feature = "fuzzing"))]
pub(super) fn untried(input: Box<dyn Read + '_>) -> Rest<'_> {
    Rest {
        pending: Vec::new(),
        at: 0,
        error: None,
        eof: false,
        input: Bounded::new(input),
    }
}

/// A line both readers read alike: not empty, no quote, no carriage return.
pub(super) fn is_plain(text: &[u8]) -> bool {
    !text.is_empty() && memchr::memchr2(b'"', b'\r', text).is_none()
}

/// Whether an unfinished line (no `\n`, a read failed after it) means nothing to the
/// csv crate before the failure: it has no `\r`, which would end a record, and no quote.
fn plain_tail(text: &[u8]) -> bool {
    memchr::memchr2(b'"', b'\r', text).is_none()
}

/// The fields of a plain line at `columns` (empty where a column is absent), trimmed,
/// checked as the csv crate and `csv_file` check them, in the same order.
pub(super) fn split<'b>(
    text: &'b [u8],
    width: usize,
    columns: &[Option<usize>],
    commas: &mut Vec<usize>,
) -> Result<[&'b str; 8], String> {
    commas.clear();
    commas.extend(memchr::memchr_iter(b',', text));
    if commas.len() + 1 != width {
        return Err(format!(
            "expected {width} fields like the header, got {}",
            commas.len() + 1
        ));
    }
    let text = std::str::from_utf8(text).map_err(|_| "expected UTF-8 text".to_string())?;
    let bounds = |i: usize| {
        let from = if i == 0 { 0 } else { commas[i - 1] + 1 };
        (from, commas.get(i).copied().unwrap_or(text.len()))
    };
    if let Some(i) = (0..width).find(|&i| bounds(i).1 - bounds(i).0 > MAX_FIELD) {
        return Err(format!("field {} is longer than {MAX_FIELD} bytes", i + 1));
    }
    let mut fields = [""; 8];
    for (slot, column) in fields.iter_mut().zip(columns) {
        if let Some(i) = *column {
            let (from, to) = bounds(i);
            *slot = trim(&text[from..to]);
        }
    }
    Ok(fields)
}

/// `str::trim`, answering at once for the usual field that starts and ends with a
/// visible ASCII character.
pub(super) fn trim(s: &str) -> &str {
    let visible = |b: u8| b > b' ' && b < 0x80;
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&a), Some(&b)) if visible(a) && visible(b) => s,
        _ => s.trim(),
    }
}

/// A located error for a line of the fast path (no column, as the csv crate's).
pub(super) fn located(path: &std::path::Path, line: u64, message: String) -> ImportError {
    ImportError {
        file: path.to_path_buf(),
        line,
        column: None,
        message,
    }
}

/// What a csv reader reads after the fast path stopped: the bytes already buffered,
/// then the error a read gave (if one did), then the rest of the input.
pub(super) struct Rest<'r> {
    pending: Vec<u8>,
    at: usize,
    error: Option<io::Error>,
    eof: bool,
    input: Bounded<Box<dyn Read + 'r>>,
}

impl Read for Rest<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.at < self.pending.len() {
            let n = out.len().min(self.pending.len() - self.at);
            out[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
            self.at += n;
            return Ok(n);
        }
        if let Some(e) = self.error.take() {
            self.eof = true;
            return Err(e);
        }
        if self.eof {
            return Ok(0);
        }
        self.input.read(out)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod trim_tests {
    use super::*;

    #[test]
    fn trim_agrees_with_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{a0}a",
            "a\u{3000}",
            "\x01a",
            "ab\t",
            "é",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }
}
