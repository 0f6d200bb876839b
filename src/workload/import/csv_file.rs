//! Reading one CSV input file: finding the required columns in its header, walking its
//! records, and building errors that point at the file, line and column.

use std::io::Read;
use std::path::Path;

use super::ImportError;
use super::bounded::Bounded;
use crate::time::Instant;

/// An open CSV file whose required columns have been found in its header.
pub(super) struct CsvFile<'p, 'r> {
    path: &'p Path,
    reader: csv::Reader<Bounded<Box<dyn Read + 'r>>>,
    /// Position of each named column in a record; `None` for an optional column the
    /// file does not have (its field reads as empty).
    columns: Vec<Option<usize>>,
    names: &'static [&'static str],
}

impl<'p, 'r> CsvFile<'p, 'r> {
    /// Reads `input`; `path` names it in errors.
    pub(super) fn open(
        path: &'p Path,
        input: Box<dyn Read + 'r>,
        names: &'static [&'static str],
    ) -> Result<Self, ImportError> {
        Self::open_with_optional(path, input, names, names.len())
    }

    /// Like [`CsvFile::open`], but only the first `required` of `names` must be in the
    /// header; the others are read when present and are empty otherwise.
    pub(super) fn open_with_optional(
        path: &'p Path,
        input: Box<dyn Read + 'r>,
        names: &'static [&'static str],
        required: usize,
    ) -> Result<Self, ImportError> {
        let whole = |message: String| ImportError {
            file: path.to_path_buf(),
            line: 0,
            column: None,
            message,
        };
        let mut reader = csv::ReaderBuilder::new().from_reader(Bounded::new(input));
        let header = reader
            .headers()
            .map_err(|e| whole(csv_message(&e)))?
            .clone();
        if header.is_empty() || header.iter().all(str::is_empty) {
            return Err(whole(format!(
                "empty file; expected a header row {}",
                names.join(",")
            )));
        }
        if let Some(name) = duplicated(&header) {
            return Err(whole(format!(
                "column {name} appears more than once in the header"
            )));
        }
        let columns = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let found = header.iter().position(|h| h.trim() == *name);
                if found.is_none() && i < required {
                    return Err(whole(format!(
                        "missing column {name}; expected a header row {}, got {}",
                        names[..required].join(","),
                        header.iter().collect::<Vec<_>>().join(",")
                    )));
                }
                Ok(found)
            })
            .collect::<Result<_, _>>()?;
        Ok(CsvFile {
            path,
            reader,
            columns,
            names,
        })
    }

    /// Calls `each` with every record's line number and required fields, in file order.
    pub(super) fn for_each(
        self,
        each: impl FnMut(&Located, &[&str]) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        self.for_each_until(None, each).map(|_| ())
    }

    /// The header's number of fields and the position of each named column in a record.
    pub(super) fn layout(&mut self) -> (usize, Vec<Option<usize>>) {
        let width = self.reader.headers().map_or(0, |h| h.len());
        (width, self.columns.clone())
    }

    /// Like [`CsvFile::for_each`], but when `stop` is a byte offset, stops before the
    /// first record that starts at or after it and returns true if that record starts
    /// exactly there (so `stop` is a record boundary and another reader can take the
    /// rest). When no record starts exactly at `stop` (a quoted field spans it), reads on
    /// to the end and returns false.
    pub(super) fn for_each_until(
        mut self,
        stop: Option<u64>,
        mut each: impl FnMut(&Located, &[&str]) -> Result<(), ImportError>,
    ) -> Result<bool, ImportError> {
        let mut stop = stop;
        let mut record = csv::StringRecord::new();
        loop {
            let more = self
                .reader
                .read_record(&mut record)
                .map_err(|e| ImportError {
                    file: self.path.to_path_buf(),
                    line: e.position().map_or(0, |p| p.line()),
                    column: None,
                    message: csv_message(&e),
                })?;
            if !more {
                return Ok(false);
            }
            let start = record.position().map_or(0, |p| p.byte());
            match stop.map(|at| start.cmp(&at)) {
                Some(std::cmp::Ordering::Equal) => return Ok(true),
                Some(std::cmp::Ordering::Greater) => stop = None,
                _ => {}
            }
            let line = record.position().map_or(0, |p| p.line());
            let at = Located {
                path: self.path,
                line,
                names: self.names,
            };
            visit(&at, &record, &self.columns, &mut each)?;
        }
    }
}

/// Checks one record's field lengths and hands its named fields to `each`.
pub(super) fn visit(
    at: &Located<'_>,
    record: &csv::StringRecord,
    columns: &[Option<usize>],
    each: &mut impl FnMut(&Located, &[&str]) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    if let Some(i) = record.iter().position(|f| f.len() > MAX_FIELD) {
        return Err(ImportError {
            file: at.path.to_path_buf(),
            line: at.line,
            column: None,
            message: format!("field {} is longer than {MAX_FIELD} bytes", i + 1),
        });
    }
    let mut fields = [""; 8];
    for (slot, &i) in fields.iter_mut().zip(columns) {
        *slot = i.and_then(|i| record.get(i)).unwrap_or("").trim();
    }
    each(at, &fields[..columns.len()])
}

/// The longest field accepted, in bytes: ids, codes and times are short, and a longer
/// field is a sign of a wrong file (a quoted field can span lines, so the line limit
/// alone does not bound it).
const MAX_FIELD: usize = 1 << 16;

/// The first non-empty header name that appears twice.
fn duplicated(header: &csv::StringRecord) -> Option<&str> {
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    names
        .iter()
        .enumerate()
        .find(|(i, n)| !n.is_empty() && names[..*i].contains(n))
        .map(|(_, n)| *n)
}

/// A line of a file, to build errors that point at it.
pub(super) struct Located<'a> {
    pub(super) path: &'a Path,
    /// 1-based line of the record.
    pub(super) line: u64,
    pub(super) names: &'static [&'static str],
}

impl Located<'_> {
    pub(super) fn error(&self, column: usize, message: impl Into<String>) -> ImportError {
        ImportError {
            file: self.path.to_path_buf(),
            line: self.line,
            column: Some(self.names[column]),
            message: message.into(),
        }
    }

    pub(super) fn time(&self, column: usize, text: &str) -> Result<Instant, ImportError> {
        Instant::parse_rfc3339(text).map_err(|e| self.error(column, e.to_string()))
    }

    pub(super) fn non_empty<'t>(
        &self,
        column: usize,
        text: &'t str,
    ) -> Result<&'t str, ImportError> {
        if text.is_empty() {
            Err(self.error(column, "expected a value, got an empty field"))
        } else {
            Ok(text)
        }
    }
}

pub(super) fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("expected {expected_len} fields like the header, got {len}")
        }
        csv::ErrorKind::Utf8 { .. } => "expected UTF-8 text".to_string(),
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    }
}
