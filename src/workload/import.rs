//! CSV import of `sends.csv`, `failures.csv` and `actions.csv` (DESIGN.md, "Import
//! format"), streaming: rows without quotes or carriage returns are split by a fast path
//! (`plain`), the rest by the csv crate, with the same records and errors.
//!
//! Every error names the file, the line, the column and what was expected. Sends need
//! not be sorted: they are sorted by creation time (ties keep file order) and numbered in
//! that order, which is documented in `docs/FORMATS.md`.

use std::collections::VecDeque;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

mod bounded;
pub mod capacity_csv;
mod csv_file;
mod duplicates;
mod interner;
mod plain;

use csv_file::{CsvFile, Located, Rows};
pub(crate) use interner::Interner;

use crate::rules::errors::ErrorTable;
use crate::rules::status::parse_reply;
use crate::time::Instant;
use crate::workload::actions::{Action, ActionKind};
use crate::workload::carriers::Carriers;
use crate::workload::names::PackedNames;
use crate::workload::{
    Channel, ContactId, FailureModel, MAX_MESSAGES, MessageType, Names, SendRecord, Window,
    Workload,
};

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
        let file = std::fs::File::open(path).map_err(|e| ImportError {
            file: path.to_path_buf(),
            line: 0,
            column: None,
            message: format!("cannot open: {e}"),
        })?;
        Ok(Source::new(path, file))
    }
}

/// Reads a whole trace from its files. Error codes are classified through `errors`,
/// which remembers them.
pub fn import(files: &TraceFiles, errors: &mut ErrorTable) -> Result<Workload, ImportError> {
    let sends = Source::open(&files.sends)?;
    let failures = files.failures.as_deref().map(Source::open).transpose()?;
    let actions = files.actions.as_deref().map(Source::open).transpose()?;
    import_from(sends, failures, actions, errors)
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
    let mut contacts = Interner::default();
    let mut deliveries = Interner::default();
    let mut carriers = Carriers::default();
    let (sends, message_names) = read_sends(sends, &mut contacts, &mut deliveries, &mut carriers)?;
    let windows = match failures {
        Some(source) => read_failures(source, &mut contacts, errors)?,
        None => Vec::new(),
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

fn read_sends(
    source: Source<'_>,
    contacts: &mut Interner,
    deliveries: &mut Interner,
    carriers: &mut Carriers,
) -> Result<(Vec<SendRecord>, PackedNames), ImportError> {
    let path = source.name.as_path();
    let required = SENDS_COLUMNS.len();
    let file = CsvFile::open_with_optional(path, source.input, &SENDS_READ_COLUMNS, required)?;
    let mut reader = SendsReader {
        rows: Vec::new(),
        ids: PackedNames::default(),
        hashes: Vec::new(),
        lines: Vec::new(),
        contacts,
        deliveries,
        carriers,
        ahead: VecDeque::with_capacity(2 * plain::BATCH),
    };
    file.read_into(&mut reader)?;
    let SendsReader {
        rows,
        ids,
        hashes,
        lines,
        ..
    } = reader;
    // Distinct hashes prove distinct ids; only equal ones need the names compared.
    if duplicates::any_equal(&hashes)
        && let Some((first, second)) = duplicates::first(ids.iter())
    {
        return Err(ImportError {
            file: path.to_path_buf(),
            line: lines[second],
            column: Some("message_id"),
            message: format!(
                "duplicate message_id {:?}, first seen on line {}",
                ids.get(second),
                lines[first]
            ),
        });
    }
    Ok(sorted_by_creation(rows, ids))
}

/// What reading `sends.csv` builds, row by row.
struct SendsReader<'a> {
    rows: Vec<SendRecord>,
    ids: PackedNames,
    /// Each message id's hash, for the duplicate check.
    hashes: Vec<u64>,
    /// Each row's line, for the duplicate check's message.
    lines: Vec<u64>,
    contacts: &'a mut Interner,
    deliveries: &'a mut Interner,
    carriers: &'a mut Carriers,
    /// Hashes of the contacts of rows seen ahead and not yet handled, oldest first.
    ahead: VecDeque<u64>,
}

impl Rows for SendsReader<'_> {
    fn ahead(&mut self, f: &[&str]) {
        // Contacts come in random order: start loading the contact's slot now, so it is
        // in cache when its row is handled a few rows later; keep the hash for then.
        self.ahead.push_back(self.contacts.prefetch(f[1]));
    }

    fn row(&mut self, at: &Located, f: &[&str]) -> Result<(), ImportError> {
        let hash = self.ahead.pop_front();
        let id = at.non_empty(0, f[0])?;
        if self.lines.len() >= MAX_MESSAGES {
            return Err(at.error(0, format!("at most {MAX_MESSAGES} messages are supported")));
        }
        self.lines.push(at.line);
        self.ids.push(id);
        self.hashes.push(duplicates::hash(id));
        let contact = at.non_empty(1, f[1])?;
        let contact = match hash {
            Some(h) => self.contacts.id_hashed(contact, h),
            None => self.contacts.id(contact),
        };
        let send = send_row(at, f, contact, self.deliveries)?;
        let carrier = f[6].trim();
        if !carrier.is_empty() {
            if send.channel() != Channel::Sms {
                return Err(at.error(
                    6,
                    "a carrier is for SMS contacts; leave it empty for email".to_string(),
                ));
            }
            self.carriers
                .assign(send.contact(), carrier)
                .map_err(|m| at.error(6, m))?;
        }
        self.rows.push(send);
        Ok(())
    }
}

/// One row of `sends.csv`, past its message id and contact.
fn send_row(
    at: &Located<'_>,
    f: &[&str],
    contact: ContactId,
    deliveries: &mut Interner,
) -> Result<SendRecord, ImportError> {
    let created = at.time(2, f[2])?;
    let delivery = deliveries.id(at.non_empty(3, f[3])?);
    // The exact lower-case words first: `parse` allocates to fold the case.
    let channel = match f[4] {
        "email" => Some(Channel::Email),
        "sms" => Some(Channel::Sms),
        other => Channel::parse(other),
    }
    .ok_or_else(|| at.error(4, format!("expected email or sms, got {:?}", f[4])))?;
    let kind = match f[5] {
        "marketing" => Some(MessageType::Marketing),
        "transactional" => Some(MessageType::Transactional),
        other => MessageType::parse(other),
    }
    .ok_or_else(|| {
        at.error(
            5,
            format!("expected marketing or transactional, got {:?}", f[5]),
        )
    })?;
    SendRecord::new(created, contact, delivery, channel, kind).map_err(|e| at.error(2, e))
}

/// Sends in creation order (ties keep file order), with their ids in the same order.
fn sorted_by_creation(rows: Vec<SendRecord>, ids: PackedNames) -> (Vec<SendRecord>, PackedNames) {
    // Exported traces are already in order: one pass to see it saves sorting and copying.
    if rows.is_sorted_by_key(|s| s.created()) {
        return (rows, ids);
    }
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    order.sort_by_key(|&i| rows[i as usize].created());
    let mut sorted_ids = PackedNames::default();
    for &i in &order {
        sorted_ids.push(ids.get(i as usize));
    }
    (
        order.iter().map(|&i| rows[i as usize]).collect(),
        sorted_ids,
    )
}

fn read_failures(
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
