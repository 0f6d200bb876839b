//! `suppressions.csv`, `attempts.csv` and `operator.csv`: one line per record, with
//! names instead of the engine's dense ids.

use std::io::Write;

use crate::metrics::trace::badge;
use crate::metrics::{AttemptRecord, OperatorRecord, SuppressionRecord};
use crate::report::fields::{Digits, Stamp};
use crate::report::neutralise;
use crate::report::rows::RowWriter;
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

/// Appends the suppressions of one run.
pub fn suppressions<W: Write>(
    w: &mut csv::Writer<W>,
    run: RunContext<'_>,
    records: &[SuppressionRecord],
) -> csv::Result<()> {
    let (replication, point) = (run.replication.to_string(), run.point.to_string());
    let mut name = String::new();
    let (mut counter, mut at, mut released) =
        (Digits::default(), Stamp::default(), Stamp::default());
    for r in records {
        let contact = neutralise(run.workload.contacts.name(r.contact, &mut name));
        w.write_record([
            replication.as_str(),
            point.as_str(),
            &contact,
            at.write(r.at),
            r.reason.name(),
            counter.write(u64::from(r.counter)),
            r.released_at.map_or("", |t| released.write(t)),
        ])?;
    }
    Ok(())
}

/// Appends the attempts of one run (S7 badges, S8 history). Every field is written into a
/// buffer reused from row to row: a trace of millions of rows allocates nothing per row.
pub fn attempts<W: Write>(
    w: &mut csv::Writer<W>,
    run: RunContext<'_>,
    records: &[AttemptRecord],
) -> csv::Result<()> {
    let (replication, point) = (run.replication.to_string(), run.point.to_string());
    let (mut message, mut contact, mut delivery) = (String::new(), String::new(), String::new());
    let (mut attempt, mut counter, mut at) =
        (Digits::default(), Digits::default(), Stamp::default());
    for r in records {
        let send = &run.workload.sends[r.message as usize];
        let note = r
            .note
            .map_or("", |i| run.workload.notes[i as usize].as_str());
        w.write_record([
            replication.as_str(),
            point.as_str(),
            &neutralise(run.workload.messages.name(r.message, &mut message)),
            &neutralise(run.workload.contacts.name(r.contact, &mut contact)),
            attempt.write(u64::from(r.attempt)),
            badge(r.attempt),
            at.write(r.at),
            r.trigger.name(),
            if r.error.is_some() {
                "failed"
            } else {
                "delivered"
            },
            &neutralise(r.error.map_or("", |c| run.errors.info(c).code.as_str())),
            &neutralise(note),
            if r.counted { "true" } else { "false" },
            counter.write(u64::from(r.counter)),
            &neutralise(run.workload.deliveries.name(send.delivery(), &mut delivery)),
        ])?;
    }
    Ok(())
}

/// Appends the attempts of one run through a [`RowWriter`]: the same bytes as
/// [`attempts`], without the `csv` crate's per-field quoting machinery for numbers,
/// stamps and fixed words (the trace is the largest file a run writes).
pub fn attempt_rows<W: Write>(
    w: &mut RowWriter<W>,
    run: RunContext<'_>,
    records: &[AttemptRecord],
) -> std::io::Result<()> {
    let (mut replication, mut point) = (Digits::default(), Digits::default());
    let (replication, point) = (
        replication.write(u64::from(run.replication)).to_owned(),
        point.write(run.point as u64).to_owned(),
    );
    let (mut message, mut contact, mut delivery) = (String::new(), String::new(), String::new());
    let (mut attempt, mut counter, mut at) =
        (Digits::default(), Digits::default(), Stamp::default());
    for r in records {
        let send = &run.workload.sends[r.message as usize];
        let note = r
            .note
            .map_or("", |i| run.workload.notes[i as usize].as_str());
        w.plain(&replication);
        w.plain(&point);
        w.text(&neutralise(
            run.workload.messages.name(r.message, &mut message),
        ));
        w.text(&neutralise(
            run.workload.contacts.name(r.contact, &mut contact),
        ));
        w.plain(attempt.write(u64::from(r.attempt)));
        w.plain(badge(r.attempt));
        w.text(at.write(r.at));
        w.plain(r.trigger.name());
        w.plain(if r.error.is_some() {
            "failed"
        } else {
            "delivered"
        });
        w.text(&neutralise(
            r.error.map_or("", |c| run.errors.info(c).code.as_str()),
        ));
        w.text(&neutralise(note));
        w.plain(if r.counted { "true" } else { "false" });
        w.plain(counter.write(u64::from(r.counter)));
        w.text(&neutralise(
            run.workload.deliveries.name(send.delivery(), &mut delivery),
        ));
        w.end_row()?;
    }
    Ok(())
}

/// Appends the retry results of one run's operator actions and automatic job runs (S2–S5):
/// a row without a message counts the messages of a selection with that result.
pub fn operator<W: Write>(
    w: &mut csv::Writer<W>,
    run: RunContext<'_>,
    records: &[OperatorRecord],
) -> csv::Result<()> {
    let (replication, point) = (run.replication.to_string(), run.point.to_string());
    let mut message = String::new();
    let (mut at, mut count) = (Stamp::default(), Digits::default());
    for r in records {
        w.write_record([
            replication.as_str(),
            point.as_str(),
            at.write(r.at),
            r.action,
            &r.message.map_or(std::borrow::Cow::Borrowed(""), |m| {
                neutralise(run.workload.messages.name(m, &mut message))
            }),
            r.result.name(),
            r.result.refusal().map_or("", |x| x.name()),
            count.write(u64::from(r.count)),
        ])?;
    }
    Ok(())
}
