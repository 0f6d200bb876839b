//! Reading `sends.csv`: one row at a time ([`Rows`]), or plain rows prepared on every
//! core and applied in file order ([`Windowed`]), with the same ids, records and errors.
//!
//! Both ways check a row's fields with the same function ([`checked`]), in the order the
//! columns come, so the first error of a row is the same whichever way it is read.

use std::collections::VecDeque;

use super::csv_file::{CsvFile, Located, Rows};
use super::windows::{Sizes, Span, Windowed};
use super::{ImportError, Interner, SENDS_COLUMNS, SENDS_READ_COLUMNS, Source};
use super::{duplicates, plain};
use crate::time::Instant;
use crate::workload::carriers::Carriers;
use crate::workload::names::PackedNames;
use crate::workload::{Channel, MAX_MESSAGES, MessageType, SendRecord};

/// The name tables a read of `sends.csv` fills.
pub(super) struct Tables<'a> {
    pub(super) contacts: &'a mut Interner,
    pub(super) deliveries: &'a mut Interner,
    pub(super) carriers: &'a mut Carriers,
}

/// Reads `sends.csv`: its sends in creation order and their ids in the same order. With
/// `windows`, plain rows are read on every thread of the current pool.
pub(super) fn read_sends(
    source: Source<'_>,
    tables: Tables<'_>,
    windows: Option<Sizes>,
) -> Result<(Vec<SendRecord>, PackedNames), ImportError> {
    let path = source.name.as_path();
    let required = SENDS_COLUMNS.len();
    let file = CsvFile::open_with_optional(path, source.input, &SENDS_READ_COLUMNS, required)?;
    let mut reader = SendsReader {
        rows: Vec::new(),
        ids: PackedNames::default(),
        hashes: Vec::new(),
        lines: Vec::new(),
        tables,
        ahead: VecDeque::with_capacity(2 * plain::BATCH),
    };
    match windows {
        Some(sizes) => file.read_windowed(&mut reader, sizes)?,
        None => file.read_into(&mut reader)?,
    }
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
    tables: Tables<'a>,
    /// Hashes of the contacts of rows seen ahead and not yet handled, oldest first.
    ahead: VecDeque<u64>,
}

/// What a row says, past its names: checked, not yet numbered.
#[derive(Debug, Clone, Copy)]
struct Parsed {
    created: Instant,
    channel: Channel,
    kind: MessageType,
}

/// A row's first error: its column and message.
type RowError = Box<(usize, String)>;

/// The row's fields that need no name table, checked column by column as the row reader
/// checks them (the message id's own check, which comes before the count of messages,
/// is the caller's).
fn checked(f: &[&str]) -> Result<Parsed, RowError> {
    let fail = |column: usize, message: String| Box::new((column, message));
    let non_empty = |column: usize| {
        if f[column].is_empty() {
            Err(fail(column, "expected a value, got an empty field".into()))
        } else {
            Ok(())
        }
    };
    non_empty(1)?;
    let created = Instant::parse_rfc3339(f[2]).map_err(|e| fail(2, e.to_string()))?;
    non_empty(3)?;
    // The exact lower-case words first: `parse` allocates to fold the case.
    let channel = match f[4] {
        "email" => Some(Channel::Email),
        "sms" => Some(Channel::Sms),
        other => Channel::parse(other),
    }
    .ok_or_else(|| fail(4, format!("expected email or sms, got {:?}", f[4])))?;
    let kind = match f[5] {
        "marketing" => Some(MessageType::Marketing),
        "transactional" => Some(MessageType::Transactional),
        other => MessageType::parse(other),
    }
    .ok_or_else(|| {
        let message = format!("expected marketing or transactional, got {:?}", f[5]);
        fail(5, message)
    })?;
    SendRecord::check_time(created).map_err(|e| fail(2, e.into()))?;
    if !f[6].is_empty() && channel != Channel::Sms {
        let message = "a carrier is for SMS contacts; leave it empty for email";
        return Err(fail(6, message.to_string()));
    }
    Ok(Parsed {
        created,
        channel,
        kind,
    })
}

/// One row's names, as text and hashes.
struct Names<'t> {
    id: &'t str,
    id_hash: u64,
    contact: &'t [u8],
    contact_hash: u64,
    delivery: &'t [u8],
    delivery_hash: u64,
    carrier: &'t [u8],
}

impl SendsReader<'_> {
    /// Takes a checked row: its line, names and fields.
    fn push(
        &mut self,
        at: &Located,
        names: Names<'_>,
        parsed: &Result<Parsed, RowError>,
    ) -> Result<(), ImportError> {
        if self.lines.len() >= MAX_MESSAGES {
            return Err(at.error(0, format!("at most {MAX_MESSAGES} messages are supported")));
        }
        let parsed = parsed.as_ref().map_err(|e| at.error(e.0, e.1.clone()))?;
        self.lines.push(at.line);
        self.ids.push(names.id);
        self.hashes.push(names.id_hash);
        let tables = &mut self.tables;
        let contact = tables.contacts.id_bytes(names.contact, names.contact_hash);
        let delivery = tables
            .deliveries
            .id_bytes(names.delivery, names.delivery_hash);
        let send = SendRecord::new(
            parsed.created,
            contact,
            delivery,
            parsed.channel,
            parsed.kind,
        )
        .map_err(|e| at.error(2, e))?;
        if !names.carrier.is_empty() {
            let carrier = String::from_utf8_lossy(names.carrier);
            tables
                .carriers
                .assign(contact, &carrier)
                .map_err(|m| at.error(6, m))?;
        }
        self.rows.push(send);
        Ok(())
    }
}

impl Rows for SendsReader<'_> {
    fn ahead(&mut self, f: &[&str]) {
        // Contacts come in random order: start loading the contact's slot now, so it is
        // in cache when its row is handled a few rows later; keep the hash for then.
        self.ahead.push_back(self.tables.contacts.prefetch(f[1]));
    }

    fn row(&mut self, at: &Located, f: &[&str]) -> Result<(), ImportError> {
        let contact_hash = self.ahead.pop_front();
        let id = at.non_empty(0, f[0])?;
        let names = Names {
            id,
            id_hash: duplicates::hash(id),
            contact: f[1].as_bytes(),
            contact_hash: contact_hash.unwrap_or_else(|| Interner::hash(f[1])),
            delivery: f[3].as_bytes(),
            delivery_hash: Interner::hash(f[3]),
            carrier: f[6].as_bytes(),
        };
        self.push(at, names, &checked(f))
    }
}

/// A plain row of `sends.csv`, prepared on any core: where its names are, their hashes,
/// and its checked fields (or its first error).
pub(super) struct ReadySend {
    id: Span,
    contact: Span,
    delivery: Span,
    carrier: Span,
    id_hash: u64,
    contact_hash: u64,
    delivery_hash: u64,
    parsed: Result<Parsed, RowError>,
}

impl Windowed for SendsReader<'_> {
    type Ready = ReadySend;

    fn prepare(f: &[&str], window: &[u8]) -> ReadySend {
        let parsed = if f[0].is_empty() {
            Err(Box::new((0, "expected a value, got an empty field".into())))
        } else {
            checked(f)
        };
        ReadySend {
            id: Span::of(window, f[0]),
            contact: Span::of(window, f[1]),
            delivery: Span::of(window, f[3]),
            carrier: Span::of(window, f[6]),
            id_hash: duplicates::hash(f[0]),
            contact_hash: Interner::hash(f[1]),
            delivery_hash: Interner::hash(f[3]),
            parsed,
        }
    }

    fn ahead(&self, ready: &ReadySend) {
        self.tables.contacts.prefetch_hashed(ready.contact_hash);
    }

    fn apply(&mut self, at: &Located, window: &[u8], r: &ReadySend) -> Result<(), ImportError> {
        // An empty message id is reported before the count of messages, as a row is.
        if let Err(e) = &r.parsed
            && e.0 == 0
        {
            return Err(at.error(0, e.1.clone()));
        }
        // The fast path split the row as UTF-8, so this cannot fail; checking a few
        // bytes again is cheaper than the lossy conversion's scan.
        let id = std::str::from_utf8(r.id.text(window))
            .map_err(|_| at.error(0, "expected UTF-8 text"))?;
        let names = Names {
            id,
            id_hash: r.id_hash,
            contact: r.contact.text(window),
            contact_hash: r.contact_hash,
            delivery: r.delivery.text(window),
            delivery_hash: r.delivery_hash,
            carrier: r.carrier.text(window),
        };
        self.push(at, names, &r.parsed)
    }
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

#[cfg(test)]
mod tests;
