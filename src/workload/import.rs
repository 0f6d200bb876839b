//! CSV import of `sends.csv`, `failures.csv` and `actions.csv` (DESIGN.md, "Import
//! format"), streaming: rows without quotes or carriage returns are split by a fast path
//! (`plain`), the rest by the csv crate, with the same records and errors.
//!
//! Every error names the file, the line, the column and what was expected. Sends need
//! not be sorted: they are sorted by creation time (ties keep file order) and numbered in
//! that order, which is documented in `docs/FORMATS.md`.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

mod aside;
mod bounded;
pub mod capacity_csv;
mod csv_file;
mod duplicates;
mod interner;
mod plain;
#[cfg(any(test, feature = "fuzzing"))]
pub mod readers_agree;
mod sends;
mod windows;

use csv_file::CsvFile;
pub(crate) use interner::Interner;

use crate::rules::errors::ErrorTable;
use crate::rules::status::parse_reply;
use crate::time::Instant;
use crate::workload::actions::{Action, ActionKind};
use crate::workload::carriers::Carriers;
use crate::workload::names::PackedNames;
use crate::workload::{ContactId, FailureModel, Names, Window, Workload};

/// A located problem in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// 1-based line, or 0 when the problem is the file as a whole.
    pub line: u64,
    /// The column concerned, if one is.
    pub column: Option<&'static str>,
    /// What was wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, " line {}", self.line)?;
        }
        if let Some(col) = self.column {
            write!(f, ", column {col}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ImportError {}

/// The trace files of a scenario.
#[derive(Debug, Clone)]
pub struct TraceFiles {
    /// `sends.csv`.
    pub sends: PathBuf,
    /// `failures.csv`; without it every attempt is delivered.
    pub failures: Option<PathBuf>,
    /// `actions.csv` (operator retries), optional.
    pub actions: Option<PathBuf>,
}

/// The columns of `sends.csv`, in the order `export` writes them.
pub const SENDS_COLUMNS: [&str; 6] = [
    "message_id",
    "contact",
    "created_at",
    "delivery_id",
    "channel",
    "message_type",
];

/// The columns `sends.csv` may have: [`SENDS_COLUMNS`], then the optional `carrier` of
/// an SMS contact (its mobile network, which receiver capacity may be keyed on).
const SENDS_READ_COLUMNS: [&str; 7] = [
    "message_id",
    "contact",
    "created_at",
    "delivery_id",
    "channel",
    "message_type",
    "carrier",
];
/// The required columns of `failures.csv`.
pub const FAILURES_COLUMNS: [&str; 4] = ["contact", "error_code", "start", "end"];
/// The columns of `failures.csv` with the optional ones last: the SMTP reply code and
/// the diagnostic text, which refine the classification of ambiguous codes.
pub const FAILURES_ALL_COLUMNS: [&str; 6] = [
    "contact",
    "error_code",
    "start",
    "end",
    "reply_code",
    "diagnostic",
];
/// The columns of `actions.csv`.
pub const ACTIONS_COLUMNS: [&str; 4] = ["at", "action", "message_id", "reason"];

/// One input of an import: any reader, with the name its errors give (a file name, or
/// e.g. `"sends (in memory)"`).
pub struct Source<'r> {
    name: PathBuf,
    input: Box<dyn Read + 'r>,
}

impl<'r> Source<'r> {
    /// `input`, named `name` in errors.
    pub fn new(name: impl Into<PathBuf>, input: impl Read + 'r) -> Source<'r> {
        Source {
            name: name.into(),
            input: Box::new(input),
        }
    }

    /// The file at `path`, opened now.
    pub fn open(path: &Path) -> Result<Source<'static>, ImportError> {
        Ok(Source::new(path, open_file(path)?))
    }
}

fn open_file(path: &Path) -> Result<std::fs::File, ImportError> {
    std::fs::File::open(path).map_err(|e| ImportError {
        file: path.to_path_buf(),
        line: 0,
        column: None,
        message: format!("cannot open: {e}"),
    })
}

/// Reads a whole trace from its files. Error codes are classified through `errors`,
/// which remembers them.
pub fn import(files: &TraceFiles, errors: &mut ErrorTable) -> Result<Workload, ImportError> {
    let sends = Source::open(&files.sends)?;
    let failures = match files.failures.as_deref() {
        Some(path) => Some((path, open_file(path)?)),
        None => None,
    };
    let actions = files.actions.as_deref().map(Source::open).transpose()?;
    let windows = windows::Sizes::for_pool();
    let failures = match failures {
        // A file, unlike a reader, can be read on another thread.
        Some((path, file)) if windows.is_some() => Failures::Aside(path.to_path_buf(), file),
        Some((path, file)) => Failures::After(Source::new(path, file)),
        None => Failures::None,
    };
    import_with(sends, failures, actions, errors, windows)
}

/// Reads a whole trace from any readers (in the `sends.csv`, `failures.csv` and
/// `actions.csv` formats): without failures every attempt is delivered, without actions
/// no operator retries. Error codes are classified through `errors`.
pub fn import_from(
    sends: Source<'_>,
    failures: Option<Source<'_>>,
    actions: Option<Source<'_>>,
    errors: &mut ErrorTable,
) -> Result<Workload, ImportError> {
    let failures = failures.map_or(Failures::None, Failures::After);
    import_with(sends, failures, actions, errors, windows::Sizes::for_pool())
}

/// Where `failures.csv` comes from, and when it is read.
enum Failures<'r> {
    None,
    /// Read after `sends.csv`, into the same name table.
    After(Source<'r>),
    /// Read on another thread while `sends.csv` is read ([`aside`]).
    Aside(PathBuf, std::fs::File),
}

/// [`import_from`], with `sends.csv` read in windows of `windows` or row by row.
fn import_with(
    sends: Source<'_>,
    failures: Failures<'_>,
    actions: Option<Source<'_>>,
    errors: &mut ErrorTable,
    windows: Option<windows::Sizes>,
) -> Result<Workload, ImportError> {
    let mut contacts = Interner::default();
    let mut deliveries = Interner::default();
    let mut carriers = Carriers::default();
    let tables = sends::Tables {
        contacts: &mut contacts,
        deliveries: &mut deliveries,
        carriers: &mut carriers,
    };
    let ((sends, message_names), windows) = match failures {
        Failures::Aside(path, file) => {
            aside::read_both(sends, tables, windows, (path, file), errors)?
        }
        Failures::After(source) => {
            let sent = sends::read_sends(sends, tables, windows)?;
            (sent, read_failures(source, &mut contacts, errors)?)
        }
        Failures::None => (sends::read_sends(sends, tables, windows)?, Vec::new()),
    };
    let mut failures = FailureModel::new(contacts.names.len(), windows);
    failures.classify(errors);
    let (actions, notes) = match actions {
        Some(source) => read_actions(source, &message_names)?,
        None => (Vec::new(), Vec::new()),
    };
    Ok(Workload {
        sends,
        messages: Names::Packed(message_names),
        contacts: Names::Listed(contacts.names),
        deliveries: Names::Listed(deliveries.names),
        failures,
        actions,
        notes,
        carriers,
    })
}

pub(super) fn read_failures(
    source: Source<'_>,
    contacts: &mut Interner,
    errors: &mut ErrorTable,
) -> Result<Vec<(ContactId, Window)>, ImportError> {
    let mut windows = Vec::new();
    let file = CsvFile::open_with_optional(
        &source.name,
        source.input,
        &FAILURES_ALL_COLUMNS,
        FAILURES_COLUMNS.len(),
    )?;
    file.for_each(|at, f| {
        let contact = contacts.id(at.non_empty(0, f[0])?);
        let reply = match f[4] {
            "" => None,
            text => Some(parse_reply(text).ok_or_else(|| {
                at.error(
                    4,
                    format!("expected an SMTP reply code such as 550 or 421, got {text:?}"),
                )
            })?),
        };
        let code = errors
            .resolve_report(at.non_empty(1, f[1])?, reply, f[5])
            .map_err(|e| at.error(1, e.to_string()))?;
        let start = at.time(2, f[2])?;
        let end = if f[3].is_empty() {
            Instant::NEVER
        } else {
            at.time(3, f[3])?
        };
        if end <= start {
            return Err(at.error(3, format!("expected an end after start {start}, got {end}")));
        }
        windows.push((
            contact,
            Window {
                start,
                end,
                code,
                permanent: false,
            },
        ));
        Ok(())
    })?;
    Ok(windows)
}

fn read_actions(
    source: Source<'_>,
    messages: &PackedNames,
) -> Result<(Vec<Action>, Vec<String>), ImportError> {
    let ids: FxHashMap<&str, u32> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| (m, i as u32))
        .collect();
    let mut actions = Vec::new();
    let mut notes = Vec::new();
    CsvFile::open(&source.name, source.input, &ACTIONS_COLUMNS)?.for_each(|at, f| {
        let when = at.time(0, f[0])?;
        let message = match f[2] {
            "" => None,
            id => Some(*ids.get(id).ok_or_else(|| {
                at.error(
                    2,
                    format!("expected a message_id from sends.csv, got {id:?}"),
                )
            })?),
        };
        let kind = match (f[1], message) {
            ("manual", Some(m)) => ActionKind::Manual(m),
            ("manual", None) => return Err(at.error(2, "a manual retry needs a message_id")),
            ("bulk", m) => ActionKind::Bulk(m),
            (other, _) => {
                return Err(at.error(1, format!("expected manual or bulk, got {other:?}")));
            }
        };
        let note = (!f[3].is_empty()).then(|| {
            notes.push(f[3].to_string());
            notes.len() as u32 - 1
        });
        actions.push(Action {
            at: when,
            kind,
            note,
        });
        Ok(())
    })?;
    actions.sort_by_key(|a| a.at);
    Ok((actions, notes))
}

#[cfg(test)]
mod tests;
