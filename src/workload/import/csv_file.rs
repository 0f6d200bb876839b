//! Reading one CSV input file: finding the required columns in its header, walking its
//! records, and building errors that point at the file, line and column.

use std::io::Read;
use std::path::Path;

use super::ImportError;
use crate::time::Instant;

/// An open CSV file whose required columns have been found in its header.
pub(super) struct CsvFile<'p, 'r> {
    path: &'p Path,
    reader: csv::Reader<Box<dyn Read + 'r>>,
    columns: Vec<usize>,
    names: &'static [&'static str],
}

impl<'p, 'r> CsvFile<'p, 'r> {
    /// Reads `input`; `path` names it in errors.
    pub(super) fn open(
        path: &'p Path,
        input: Box<dyn Read + 'r>,
        names: &'static [&'static str],
    ) -> Result<Self, ImportError> {
        let whole = |message: String| ImportError {
            file: path.to_path_buf(),
            line: 0,
            column: None,
            message,
        };
        let mut reader = csv::ReaderBuilder::new().from_reader(input);
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
        let columns = names
            .iter()
            .map(|name| {
                header
                    .iter()
                    .position(|h| h.trim() == *name)
                    .ok_or_else(|| {
                        whole(format!(
                            "missing column {name}; expected a header row {}, got {}",
                            names.join(","),
                            header.iter().collect::<Vec<_>>().join(",")
                        ))
                    })
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
        mut self,
        mut each: impl FnMut(&Located, &[&str]) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
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
                return Ok(());
            }
            let line = record.position().map_or(0, |p| p.line());
            let mut fields = [""; 8];
            for (slot, &i) in fields.iter_mut().zip(&self.columns) {
                *slot = record.get(i).unwrap_or("").trim();
            }
            let at = Located {
                path: self.path,
                line,
                names: self.names,
            };
            each(&at, &fields[..self.columns.len()])?;
        }
    }
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
        _ => e.to_string(),
    }
}
