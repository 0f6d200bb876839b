//! Differential checks of the import's fast paths: the hand-written reader of plain rows
//! against the csv crate, and the windowed reading of `sends.csv` on every thread against
//! the row-by-row one. Each must give the same records, lines and errors as its
//! reference, whatever the bytes. The unit tests drive these checks with generated
//! files; the `import_readers` fuzz target (feature `fuzzing`) with any bytes.

use std::path::Path;

use super::csv_file::{CsvFile, Located, Rows};
use super::windows::Sizes;
use super::{Failures, ImportError, Source, import_with};
use crate::rules::errors::ErrorTable;

/// The columns of the files [`read_plain_file`] reads; the last is optional.
pub const NAMES: &[&str] = &["id", "name", "when", "extra"];

/// Every record seen (line and fields), and how many were split ahead of their turn.
#[derive(Debug, PartialEq, Default)]
struct Seen {
    rows: Vec<(u64, Vec<String>)>,
    ahead: usize,
}

impl Rows for Seen {
    fn ahead(&mut self, _fields: &[&str]) {
        self.ahead += 1;
    }

    fn row(&mut self, at: &Located, f: &[&str]) -> Result<(), ImportError> {
        self.rows
            .push((at.line, f.iter().map(|s| s.to_string()).collect()));
        // A row's own error, to check it is ordered with the file's errors as before.
        if f[1] == "bad" {
            return Err(at.error(1, "a bad name"));
        }
        at.time(2, f[2]).map(|_| ())
    }
}

/// The records a reader gave (line, fields) and how it ended.
pub type Outcome = (Vec<(u64, Vec<String>)>, Result<(), ImportError>);

/// Reads `bytes` as a file of [`NAMES`] (a row whose `name` is `bad` is an error, and
/// `when` must be a time) with the fast path (`fast`) or with the csv crate alone.
pub fn read_plain_file(bytes: &[u8], fast: bool) -> Outcome {
    let input = Box::new(bytes);
    let path = Path::new("f.csv");
    let file = if fast {
        CsvFile::open_with_optional(path, input, NAMES, 3)
    } else {
        CsvFile::open_csv_only(path, input, NAMES, 3)
    };
    let mut seen = Seen::default();
    let end = file.and_then(|f| f.read_into(&mut seen));
    // Everything split ahead was a row the fast path split, so never more than one
    // batch beyond the rows handled.
    assert!(seen.ahead <= seen.rows.len() + super::plain::BATCH);
    (seen.rows, end)
}

/// Whether the fast path and the csv crate read `bytes` alike (see [`read_plain_file`]);
/// `Err` shows both outcomes.
pub fn fast_and_csv_agree(bytes: &[u8]) -> Result<(), String> {
    let (fast, csv) = (read_plain_file(bytes, true), read_plain_file(bytes, false));
    match fast == csv {
        true => Ok(()),
        false => Err(format!("fast path: {fast:?}\ncsv crate: {csv:?}")),
    }
}

/// Everything importing `bytes` as `sends.csv` gives, as text: the workload or the
/// error; read in windows of `windows`, or row by row.
pub fn import_sends(bytes: &[u8], windows: Option<(usize, usize)>) -> String {
    let sends = Source::new("sends.csv", bytes);
    let mut errors = ErrorTable::new(&[], None);
    let windows = windows.map(|(window, piece)| Sizes { window, piece });
    format!(
        "{:?}",
        import_with(sends, Failures::None, None, &mut errors, windows)
    )
}

/// Whether `bytes` import alike as `sends.csv` row by row, in windows of `window` bytes
/// cut in pieces of `piece` bytes, and in the default windows; `Err` shows the first
/// pair that differs.
pub fn windows_and_rows_agree(bytes: &[u8], window: usize, piece: usize) -> Result<(), String> {
    let rows = import_sends(bytes, None);
    let default = Sizes::default();
    for sizes in [(window, piece), (default.window, default.piece)] {
        let windowed = import_sends(bytes, Some(sizes));
        if windowed != rows {
            return Err(format!("rows: {rows}\nwindows {sizes:?}: {windowed}"));
        }
    }
    Ok(())
}
