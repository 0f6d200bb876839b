//! The plain `csv`-crate writers of the three record files, one field at a time: the
//! reference whose bytes the row writers of `records` must give (tests only).

use std::io::Write;

use super::RunContext;
use crate::metrics::trace::badge;
use crate::metrics::{AttemptRecord, OperatorRecord, SuppressionRecord};
use crate::report::fields::{Digits, Stamp};
use crate::report::neutralise;

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
            .index()
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
