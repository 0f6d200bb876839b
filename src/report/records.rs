//! `suppressions.csv`, `attempts.csv` and `operator.csv`: one line per record, with
//! names instead of the engine's dense ids. The `csv`-crate writers in `reference` (test
//! builds only) are what these writers' bytes are tested against.

use crate::metrics::trace::badge;
use crate::metrics::{AttemptRecord, OperatorRecord, SuppressionRecord};
use crate::report::cells::{NameCells, TableCells};
use crate::report::rows::{BlockOut, RowWriter};
use crate::rules::errors::ErrorTable;
use crate::workload::Workload;

/// Which run the records belong to, and how to name what they mention.
#[derive(Debug, Clone, Copy)]
pub struct RunContext<'a> {
    /// Policy point number.
    pub point: usize,
    /// Replication number.
    pub replication: u32,
    /// The run's workload, for names.
    pub workload: &'a Workload,
    /// The run's classification table, for error code text.
    pub errors: &'a ErrorTable,
}

/// Header of `suppressions.csv`.
pub const SUPPRESSIONS_HEADER: [&str; 7] = [
    "replication",
    "point",
    "contact",
    "suppressed_at",
    "reason",
    "counter",
    "released_at",
];
/// Header of `attempts.csv`.
pub const ATTEMPTS_HEADER: [&str; 14] = [
    "replication",
    "point",
    "message_id",
    "contact",
    "attempt",
    "badge",
    "at",
    "trigger",
    "outcome",
    "error_code",
    "reason",
    "counted",
    "counter",
    "delivery_id",
];
/// Header of `operator.csv`.
pub const OPERATOR_HEADER: [&str; 8] = [
    "replication",
    "point",
    "at",
    "action",
    "message_id",
    "result",
    "reason",
    "count",
];

/// How many rows ahead a trace row's contact name is asked for (see [`attempt_rows`]).
const CONTACT_AHEAD: usize = 16;

/// Appends the attempts of one run through a [`RowWriter`]: the same bytes as the
/// `csv`-crate reference writer (tested), with names, codes and notes checked for quoting
/// once per run (`report::cells`) and numbers and timestamps written straight into the row.
pub fn attempt_rows<W: BlockOut>(
    w: &mut RowWriter<W>,
    run: RunContext<'_>,
    records: &[AttemptRecord],
) -> std::io::Result<()> {
    let (mut messages, mut contacts, mut deliveries) = (
        NameCells::new(&run.workload.messages),
        NameCells::new(&run.workload.contacts),
        NameCells::new(&run.workload.deliveries),
    );
    let (mut codes, mut notes) = (TableCells::default(), TableCells::default());
    for (k, r) in records.iter().enumerate() {
        // Contacts come in random order: their names are fetched in two steps, some
        // rows ahead, so that a row does not wait for main memory (see `prefetch`).
        if let Some(far) = records.get(k + CONTACT_AHEAD) {
            run.workload.contacts.hint_entry(far.contact);
        }
        if let Some(near) = records.get(k + CONTACT_AHEAD / 2) {
            run.workload.contacts.hint_text(near.contact);
        }
        let send = &run.workload.sends[r.message as usize];
        w.uint(u64::from(run.replication));
        w.uint(run.point as u64);
        messages.write(w, r.message);
        contacts.write(w, r.contact);
        w.uint(u64::from(r.attempt));
        w.plain(badge(r.attempt));
        w.stamp(r.at);
        w.plain(r.trigger.name());
        match r.error {
            Some(c) => {
                w.plain("failed");
                codes.write(w, usize::from(c.0), || run.errors.info(c).code.as_str());
            }
            None => {
                w.plain("delivered");
                w.plain("");
            }
        }
        match r.note.index() {
            Some(i) => notes.write(w, i as usize, || run.workload.notes[i as usize].as_str()),
            None => w.plain(""),
        }
        w.plain(if r.counted { "true" } else { "false" });
        w.uint(u64::from(r.counter));
        deliveries.write(w, send.delivery());
        w.end_row()?;
    }
    Ok(())
}

/// Appends the suppressions of one run through a [`RowWriter`]: the same bytes as
/// the `csv`-crate reference writer (tested).
pub fn suppression_rows<W: BlockOut>(
    w: &mut RowWriter<W>,
    run: RunContext<'_>,
    records: &[SuppressionRecord],
) -> std::io::Result<()> {
    let mut contacts = NameCells::new(&run.workload.contacts);
    for r in records {
        w.uint(u64::from(run.replication));
        w.uint(run.point as u64);
        contacts.write(w, r.contact);
        w.stamp(r.at);
        w.plain(r.reason.name());
        w.uint(u64::from(r.counter));
        match r.released_at {
            Some(t) => w.stamp(t),
            None => w.plain(""),
        }
        w.end_row()?;
    }
    Ok(())
}

/// Appends the operator rows of one run through a [`RowWriter`]: the same bytes as
/// the `csv`-crate reference writer (tested).
pub fn operator_rows<W: BlockOut>(
    w: &mut RowWriter<W>,
    run: RunContext<'_>,
    records: &[OperatorRecord],
) -> std::io::Result<()> {
    let mut messages = NameCells::new(&run.workload.messages);
    for r in records {
        w.uint(u64::from(run.replication));
        w.uint(run.point as u64);
        w.stamp(r.at);
        w.text(r.action);
        match r.message {
            Some(m) => messages.write(w, m),
            None => w.plain(""),
        }
        w.plain(r.result.name());
        w.plain(r.result.refusal().map_or("", |x| x.name()));
        w.uint(u64::from(r.count));
        w.end_row()?;
    }
    Ok(())
}

#[cfg(test)]
mod reference;

#[cfg(test)]
mod tests {
    use super::reference::{attempts, operator, suppressions};
    use proptest::prelude::*;

    use super::*;
    use crate::metrics::{NoteRef, OperatorResult, SuppressionReason, Trigger};
    use crate::rules::eligibility::Refusal;
    use crate::scenario::Scenario;
    use crate::time::Instant;
    use crate::workload::names::{Names, PackedNames};
    use crate::workload::{Channel, MessageType, SendRecord};

    /// Names drawn so that some tables need quoting or neutralising and most do not.
    fn names() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(
            prop_oneof![
                8 => "[a-z0-9.@]{1,10}",
                1 => "[+-][0-9]{1,8}",
                1 => "[a-z=+@\",\r\n -]{0,6}",
            ],
            1..6,
        )
    }

    fn packed(names: &[String]) -> Names {
        let mut p = PackedNames::default();
        for n in names {
            p.push(n);
        }
        Names::Packed(p)
    }

    /// A workload naming `messages` numbered (with `prefix`), contacts packed and
    /// deliveries listed, each message sent to one of them.
    fn workload(
        prefix: &str,
        contacts: &[String],
        deliveries: &[String],
        notes: &[String],
    ) -> Workload {
        let count = 8;
        Workload {
            sends: (0..count as u32)
                .map(|m| {
                    SendRecord::new(
                        Instant(0),
                        m % contacts.len() as u32,
                        m % deliveries.len() as u32,
                        Channel::Email,
                        MessageType::Marketing,
                    )
                    .expect("the epoch is in range")
                })
                .collect(),
            messages: Names::Numbered {
                prefix: prefix.into(),
                suffix: String::new(),
                count,
            },
            contacts: packed(contacts),
            deliveries: Names::Listed(deliveries.to_vec()),
            notes: notes.to_vec(),
            ..Workload::default()
        }
    }

    fn errors() -> (ErrorTable, Vec<crate::rules::errors::ErrorCode>) {
        let scenario = Scenario::from_toml_str(
            "horizon = \"2d\"\n[workload]\nkind = \"csv\"\nsends = \"unused.csv\"\n[policy]\npreset = \"email\"",
            "inline",
        )
        .unwrap();
        let mut errors = scenario.error_table();
        let codes = ["4.2.2", "5.1.1", "30003"]
            .map(|c| errors.resolve(c).unwrap())
            .to_vec();
        (errors, codes)
    }

    /// Instants mostly within a few days, sometimes repeated, sometimes outside the
    /// four-digit years (which only the fallback writes).
    fn instant() -> impl Strategy<Value = Instant> {
        prop_oneof![
            8 => (1_767_571_200i64..1_767_571_200 + 4 * 86_400).prop_map(Instant),
            1 => Just(Instant(1_767_571_200)),
            1 => prop_oneof![Just(Instant::NEVER), Just(Instant(i64::MIN)), Just(Instant::LAST)],
        ]
    }

    type FastWriter<T> = fn(&mut RowWriter<Vec<u8>>, RunContext<'_>, &[T]) -> std::io::Result<()>;
    type CsvWriter<T> = fn(&mut csv::Writer<Vec<u8>>, RunContext<'_>, &[T]) -> csv::Result<()>;

    fn fast<T>(run: RunContext<'_>, records: &[T], write: FastWriter<T>) -> Vec<u8> {
        let mut w = RowWriter::new(Vec::new());
        write(&mut w, run, records).unwrap();
        w.into_inner().unwrap()
    }

    fn reference<T>(run: RunContext<'_>, records: &[T], write: CsvWriter<T>) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        write(&mut w, run, records).unwrap();
        w.into_inner().unwrap()
    }

    proptest! {
        #[test]
        fn record_rows_are_the_csv_crates_bytes(
            prefix in prop_oneof![Just(""), Just("m"), Just("-"), Just("msg,")],
            contacts in names(),
            deliveries in names(),
            notes in names(),
            point in 0usize..200,
            replication in 0u32..12,
            draws in prop::collection::vec(
                (0u32..8, 0u32..6, 1u32..40, instant(), 0usize..5, 0usize..4, 0usize..8, any::<bool>(), any::<u8>()),
                0..40,
            ),
        ) {
            let w = workload(prefix, &contacts, &deliveries, &notes);
            let (errors, codes) = errors();
            let run = RunContext { point, replication, workload: &w, errors: &errors };
            let triggers = [Trigger::Initial, Trigger::Backoff, Trigger::Auto, Trigger::Manual, Trigger::Bulk];
            let attempts: Vec<AttemptRecord> = draws
                .iter()
                .map(|&(message, contact, attempt, at, trigger, error, note, counted, counter)| AttemptRecord {
                    message,
                    contact: contact % contacts.len() as u32,
                    attempt,
                    at,
                    trigger: triggers[trigger],
                    error: codes.get(error).copied(),
                    note: NoteRef::new((note < notes.len()).then_some(note as u32)),
                    counted,
                    counter,
                })
                .collect();
            prop_assert_eq!(fast(run, &attempts, attempt_rows), reference(run, &attempts, self::attempts));

            let reasons = [SuppressionReason::SoftBounceThreshold, SuppressionReason::HardBounce, SuppressionReason::OptOut];
            let suppressed: Vec<SuppressionRecord> = draws
                .iter()
                .map(|&(message, contact, _, at, trigger, _, _, released, counter)| SuppressionRecord {
                    contact: contact % contacts.len() as u32,
                    at,
                    reason: reasons[trigger % 3],
                    counter,
                    released_at: released.then_some(Instant(at.0.saturating_add(i64::from(message) * 3_600))),
                })
                .collect();
            prop_assert_eq!(fast(run, &suppressed, suppression_rows), reference(run, &suppressed, suppressions));

            let operator_rows_: Vec<OperatorRecord> = draws
                .iter()
                .map(|&(message, _, count, at, trigger, error, _, named, _)| OperatorRecord {
                    at,
                    action: ["manual", "bulk", "auto"][trigger % 3],
                    message: named.then_some(message),
                    result: match error {
                        0 => OperatorResult::Queued,
                        1 | 2 => OperatorResult::Failed(Refusal::ALL[trigger]),
                        _ => OperatorResult::Skipped(Refusal::ALL[(trigger + error) % 7]),
                    },
                    count,
                })
                .collect();
            prop_assert_eq!(fast(run, &operator_rows_, operator_rows), reference(run, &operator_rows_, operator));
        }
    }
}
