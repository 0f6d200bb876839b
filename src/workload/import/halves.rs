//! Reading `sends.csv` in two halves at once. The file is read into memory, cut at a
//! line end near its middle, and each half is parsed on its own core with its own name
//! tables; the second half's names are then added to the first's in file order, so
//! every contact and delivery gets the id a single reader would have given it.
//!
//! The cut is only trusted when the first reader, reading on, finds a record starting
//! exactly there. A quoted field that spans lines can hide the true boundary; then the
//! first reader simply reads on to the end, and the second half's work is dropped. The
//! result is the same either way: only the time differs.

use std::io::Read;
use std::path::Path;

use super::bounded::Bounded;
use super::csv_file::{CsvFile, Located, csv_message, visit};
use super::{ImportError, Interner, SENDS_COLUMNS, send_row};
use crate::workload::names::PackedNames;
use crate::workload::{MAX_MESSAGES, Send};

/// Files smaller than this are read by one reader: two would cost more than they save.
pub(super) const MIN_PARALLEL_BYTES: usize = 1 << 20;

/// The rows of `sends.csv` (or of part of it), in file order, with the names they use.
#[derive(Debug, Default)]
pub(super) struct SendsPart {
    pub(super) contacts: Interner,
    pub(super) deliveries: Interner,
    pub(super) rows: Vec<Send>,
    pub(super) ids: PackedNames,
    /// The line of each row, for error messages.
    pub(super) lines: Vec<u64>,
}

impl SendsPart {
    fn row(&mut self, at: &Located<'_>, f: &[&str]) -> Result<(), ImportError> {
        let id = at.non_empty(0, f[0])?;
        if self.lines.len() >= MAX_MESSAGES {
            return Err(at.error(0, format!("at most {MAX_MESSAGES} messages are supported")));
        }
        self.lines.push(at.line);
        self.ids.push(id);
        let row = send_row(at, f, &mut self.contacts, &mut self.deliveries)?;
        self.rows.push(row);
        Ok(())
    }

    /// Appends the part that follows this one in the file, renumbering its names.
    fn append(&mut self, path: &Path, next: SendsPart) -> Result<(), ImportError> {
        if let Some(&line) = next
            .lines
            .get(MAX_MESSAGES.saturating_sub(self.lines.len()))
        {
            return Err(ImportError {
                file: path.to_path_buf(),
                line,
                column: Some(SENDS_COLUMNS[0]),
                message: format!("at most {MAX_MESSAGES} messages are supported"),
            });
        }
        // Interning the second half's names in their order of first appearance gives
        // new names exactly the ids one reader would have given them.
        let contacts: Vec<u32> = next
            .contacts
            .names
            .iter()
            .map(|n| self.contacts.id(n))
            .collect();
        let deliveries: Vec<u32> = next
            .deliveries
            .names
            .iter()
            .map(|n| self.deliveries.id(n))
            .collect();
        self.rows.extend(next.rows.into_iter().map(|mut row| {
            row.contact = contacts[row.contact as usize];
            row.delivery = deliveries[row.delivery as usize];
            row
        }));
        for id in next.ids.iter() {
            self.ids.push(id);
        }
        self.lines.extend(next.lines);
        Ok(())
    }
}

/// The whole of `input` (`size` bytes, if known), refusing NUL bytes and endless lines
/// as [`Bounded`] does.
pub(super) fn read_all(path: &Path, input: impl Read, size: usize) -> Result<Vec<u8>, ImportError> {
    // One byte more than the size, so that reading to the end needs no second buffer;
    // capped, since a file's stated size is only a hint (a sparse file can claim more
    // than memory holds, and is then refused line by line as it is read).
    let mut data = Vec::with_capacity(size.min(1 << 30) + 1);
    Bounded::new(input)
        .read_to_end(&mut data)
        .map_err(|e| ImportError {
            file: path.to_path_buf(),
            line: 0,
            column: None,
            message: e.to_string(),
        })?;
    Ok(data)
}

/// Parses `data` as `sends.csv`: in two halves at once when it is at least
/// `min_parallel` bytes long and a line end near the middle is a record boundary.
/// Returns the rows and whether two readers were used.
pub(super) fn read_sends(
    path: &Path,
    data: &[u8],
    min_parallel: usize,
) -> Result<(SendsPart, bool), ImportError> {
    let split = if data.len() >= min_parallel {
        split_point(data)
    } else {
        None
    };
    let first = || -> Result<(SendsPart, bool), ImportError> {
        let file = CsvFile::open(path, Box::new(data), &SENDS_COLUMNS)?;
        let mut part = SendsPart::default();
        let at_boundary = file.for_each_until(split.map(|s| s as u64), |at, f| part.row(at, f))?;
        Ok((part, at_boundary))
    };
    let Some(split) = split else {
        return first().map(|(part, _)| (part, false));
    };
    let second = || -> Result<SendsPart, ImportError> {
        let mut file = CsvFile::open(path, Box::new(data), &SENDS_COLUMNS)?;
        let (width, columns) = file.layout();
        let mut part = SendsPart::default();
        let tail = Tail {
            path,
            data,
            from: split,
            width,
        };
        tail.for_each(&columns, |at, f| part.row(at, f))?;
        Ok(part)
    };
    let (first, second) = rayon::join(first, second);
    // The first half's error comes first in the file; when the cut was no boundary the
    // first reader read everything and the second half is not needed.
    let (mut part, at_boundary) = first?;
    if !at_boundary {
        return Ok((part, false));
    }
    part.append(path, second?)?;
    Ok((part, true))
}

/// Where the csv reader would start the record after the first line end past the middle
/// of `data`, or `None` when there is none. It starts right after the byte that ended
/// the record before: the `\n` of a lone line end, the `\r` of a CRLF (the reader then
/// places the next record's start, and its line number, on the `\n`).
fn split_point(data: &[u8]) -> Option<usize> {
    let middle = data.len() / 2;
    let end = middle + memchr::memchr(b'\n', &data[middle..])?;
    let from = if end > 0 && data[end - 1] == b'\r' {
        end
    } else {
        end + 1
    };
    (from < data.len()).then_some(from)
}

/// The records of a file from byte `from` on, which must be a record boundary.
struct Tail<'a> {
    path: &'a Path,
    data: &'a [u8],
    from: usize,
    /// The header's number of fields, which every record must have.
    width: usize,
}

impl Tail<'_> {
    /// Calls `each` as [`CsvFile::for_each`] would for the same records, with the same
    /// line numbers and the same errors.
    fn for_each(
        &self,
        columns: &[Option<usize>],
        mut each: impl FnMut(&Located, &[&str]) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        let lines_before = memchr::memchr_iter(b'\n', &self.data[..self.from]).count() as u64;
        let error = |line: u64, message: String| ImportError {
            file: self.path.to_path_buf(),
            line,
            column: None,
            message,
        };
        // Flexible, so that the length check below can compare with the header rather
        // than with this half's first record.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&self.data[self.from..]);
        let mut raw = csv::ByteRecord::new();
        loop {
            let more = reader.read_byte_record(&mut raw).map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() + lines_before);
                error(line, csv_message(&e))
            })?;
            if !more {
                return Ok(());
            }
            let line = raw.position().map_or(0, |p| p.line()) + lines_before;
            if raw.len() != self.width {
                let message = format!(
                    "expected {} fields like the header, got {}",
                    self.width,
                    raw.len()
                );
                return Err(error(line, message));
            }
            let record = csv::StringRecord::from_byte_record(std::mem::take(&mut raw))
                .map_err(|_| error(line, "expected UTF-8 text".to_string()))?;
            let at = Located {
                path: self.path,
                line,
                names: &SENDS_COLUMNS,
            };
            visit(&at, &record, columns, &mut each)?;
            raw = record.into_byte_record();
        }
    }
}

#[cfg(test)]
mod tests;
