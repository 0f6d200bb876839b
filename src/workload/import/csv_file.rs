//! Reading one CSV input file: finding the required columns in its header, walking its
//! records, and building errors that point at the file, line and column.

use std::io::Read;
use std::path::Path;

use super::ImportError;
use super::plain::{self, MAX_FIELD, Plain, Rest, Stop};
use super::windows::{self, Ended, Sizes, Windowed};
use crate::time::Instant;

/// An open CSV file whose required columns have been found in its header.
pub(super) struct CsvFile<'p, 'r> {
    path: &'p Path,
    records: Records<'r>,
    /// Position of each named column in a record; `None` for an optional column the
    /// file does not have (its field reads as empty).
    columns: Vec<Option<usize>>,
    names: &'static [&'static str],
}

/// Where the records come from: the fast path while lines are plain, else the csv
/// crate, whose line numbers start `offset` lines into the file.
enum Records<'r> {
    Plain(Plain<'r>),
    Csv {
        reader: csv::Reader<Rest<'r>>,
        offset: u64,
    },
}

/// What the reader does with each record.
pub(super) trait Rows {
    /// Called with the fields of a record before [`Rows::row`] is called for the
    /// records read before it: a place to prefetch what the record will need. It must
    /// change nothing that could be seen.
    fn ahead(&mut self, _fields: &[&str]) {}

    /// Handles one record, in file order.
    fn row(&mut self, at: &Located, fields: &[&str]) -> Result<(), ImportError>;
}

/// [`Rows`] of a closure, with nothing done ahead.
struct Each<F>(F);

impl<F: FnMut(&Located, &[&str]) -> Result<(), ImportError>> Rows for Each<F> {
    fn row(&mut self, at: &Located, fields: &[&str]) -> Result<(), ImportError> {
        (self.0)(at, fields)
    }
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
        Self::open_as(path, Plain::open(input), names, required)
    }

    /// Reads `input` with the csv crate alone: the reference for the fast path's tests.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(super) fn open_csv_only(
        path: &'p Path,
        input: Box<dyn Read + 'r>,
        names: &'static [&'static str],
        required: usize,
    ) -> Result<Self, ImportError> {
        Self::open_as(path, Err(plain::untried(input)), names, required)
    }

    fn open_as(
        path: &'p Path,
        opened: Result<(Plain<'r>, Vec<String>), Rest<'r>>,
        names: &'static [&'static str],
        required: usize,
    ) -> Result<Self, ImportError> {
        let whole = |message: String| ImportError {
            file: path.to_path_buf(),
            line: 0,
            column: None,
            message,
        };
        let (records, header) = match opened {
            Ok((plain, fields)) => (Records::Plain(plain), csv::StringRecord::from(fields)),
            Err(rest) => {
                let mut reader = csv::ReaderBuilder::new().from_reader(rest);
                let header = reader
                    .headers()
                    .map_err(|e| whole(csv_message(&e)))?
                    .clone();
                (Records::Csv { reader, offset: 0 }, header)
            }
        };
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
            records,
            columns,
            names,
        })
    }

    /// Calls `each` with every record's line number and required fields, in file order.
    pub(super) fn for_each(
        self,
        each: impl FnMut(&Located, &[&str]) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        self.read_into(&mut Each(each))
    }

    /// Gives every record to `rows`, in file order.
    pub(super) fn read_into(self, rows: &mut impl Rows) -> Result<(), ImportError> {
        let CsvFile {
            path,
            records,
            columns,
            names,
        } = self;
        let at = |line| Located { path, line, names };
        let (reader, offset) = match records {
            Records::Csv { reader, offset } => (reader, offset),
            Records::Plain(mut plain) => loop {
                let mut batch = Vec::with_capacity(plain::BATCH);
                let stop = plain.batch(&columns, &mut batch);
                let width = columns.len();
                for (fields, _) in &batch {
                    rows.ahead(&fields[..width]);
                }
                for (fields, line) in &batch {
                    rows.row(&at(*line), &fields[..width])?;
                }
                match stop {
                    Stop::Full => {}
                    Stop::Done => return Ok(()),
                    Stop::Bad(line, message) => return Err(plain::located(path, line, message)),
                    Stop::Failed(e) => return Err(plain::located(path, 0, e.to_string())),
                    Stop::HandOver => {
                        let line = plain.line();
                        break handed_over(plain.into_rest(), line);
                    }
                }
            },
        };
        read_csv(reader, offset, &columns, path, |line, fields| {
            rows.row(&at(line), fields)
        })
    }

    /// [`CsvFile::read_into`], with the plain rows read in windows on every thread of
    /// the current pool (`windows`); the rows after a line that is not plain are read
    /// by the csv crate and given to `rows` one by one, as there.
    pub(super) fn read_windowed<W: Windowed + Rows>(
        self,
        rows: &mut W,
        sizes: Sizes,
    ) -> Result<(), ImportError> {
        let CsvFile {
            path,
            records,
            columns,
            names,
        } = self;
        let at = |line| Located { path, line, names };
        let (reader, offset) = match records {
            Records::Csv { reader, offset } => (reader, offset),
            Records::Plain(plain) => match windows::read(plain, &columns, rows, &at, sizes)? {
                Ended::Done => return Ok(()),
                Ended::HandOver { line, rest } => handed_over(rest, line),
            },
        };
        read_csv(reader, offset, &columns, path, |line, fields| {
            rows.row(&at(line), fields)
        })
    }
}

/// A csv reader of what the fast path left, which starts with line `line` of the file
/// behind the header, and the offset of its line numbers.
fn handed_over(rest: Rest<'_>, line: u64) -> (csv::Reader<Rest<'_>>, u64) {
    // The header line comes first, so the csv crate counts fields against it; its line
    // 2 is this line.
    let mut reader = csv::ReaderBuilder::new().from_reader(rest);
    // Read now, as `open` reads it: a record's error position is taken before the
    // record, so a header read lazily with the first record would shift that record's
    // line.
    let _plain_header = reader.headers().is_ok();
    (reader, line - 2)
}

/// Walks a csv reader's records (the header already known or first in the input),
/// giving each record's line (plus `offset`) and the fields at `columns`, trimmed.
fn read_csv(
    mut reader: csv::Reader<Rest<'_>>,
    offset: u64,
    columns: &[Option<usize>],
    path: &Path,
    mut each: impl FnMut(u64, &[&str]) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut record = csv::StringRecord::new();
    let shift = |line: u64| if line > 0 { line + offset } else { 0 };
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            let line = shift(e.position().map_or(0, |p| p.line()));
            plain::located(path, line, csv_message(&e))
        })?;
        if !more {
            return Ok(());
        }
        let line = shift(record.position().map_or(0, |p| p.line()));
        if let Some(i) = record.iter().position(|f| f.len() > MAX_FIELD) {
            let message = format!("field {} is longer than {MAX_FIELD} bytes", i + 1);
            return Err(plain::located(path, line, message));
        }
        let mut fields = [""; 8];
        for (slot, &i) in fields.iter_mut().zip(columns) {
            *slot = plain::trim(i.and_then(|i| record.get(i)).unwrap_or(""));
        }
        each(line, &fields[..columns.len()])?;
    }
}

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
    path: &'a Path,
    /// 1-based line of the record.
    pub(super) line: u64,
    names: &'static [&'static str],
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

    /// An error about the line as a whole (no column), as the csv crate reports.
    pub(super) fn whole_line(&self, message: String) -> ImportError {
        plain::located(self.path, self.line, message)
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

fn csv_message(e: &csv::Error) -> String {
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
