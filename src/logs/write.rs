//! The output files of an import: `sends.csv` and `failures.csv` in the import format
//! (so `kind = "csv"` replays them), `observations.csv` (every observed attempt), and
//! `import_report.txt`. Each is written atomically; text fields are neutralised.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::collect::Collector;
use super::infer::InferredWindow;
use crate::report::fields::{Digits, Stamp};
use crate::report::{atomic, neutralise};
use crate::workload::MessageType;
use crate::workload::import::{FAILURES_COLUMNS, SENDS_COLUMNS};

/// The columns of `observations.csv`.
pub const OBSERVATIONS_COLUMNS: [&str; 13] = [
    "message_id",
    "contact",
    "at",
    "attempt",
    "outcome",
    "status",
    "reply_code",
    "diagnostic",
    "error_code",
    "class",
    "reason",
    "file",
    "line",
];

/// Writes `sends.csv`: one row per message, in (creation, first sight) order; the
/// delivery id is the log's when it names one, else the message id (one delivery sends
/// one message to a contact, E4).
pub fn sends(dir: &Path, c: &Collector, kind: MessageType) -> anyhow::Result<PathBuf> {
    let mut order: Vec<usize> = (0..c.messages.len()).collect();
    order.sort_by_key(|&i| (c.messages[i].created, c.messages[i].first_seen));
    atomic::write_csv(&dir.join("sends.csv"), |w| {
        w.write_record(SENDS_COLUMNS)?;
        // Times are formatted into a reused buffer: a million rows, no allocation each.
        let mut stamp = Stamp::default();
        for i in order {
            let (m, id) = (&c.messages[i], i as u32);
            w.write_record([
                &*neutralise(c.name(id)),
                &*neutralise(c.contact(id)),
                stamp.write(m.created),
                &*neutralise(c.delivery(id)),
                m.channel.name(),
                kind.name(),
            ])?;
        }
        Ok(())
    })
}

/// Writes `failures.csv` from the inferred windows.
pub fn failures(dir: &Path, windows: &[InferredWindow]) -> anyhow::Result<PathBuf> {
    atomic::write_csv(&dir.join("failures.csv"), |w| {
        w.write_record(FAILURES_COLUMNS)?;
        let (mut start, mut end) = (Stamp::default(), Stamp::default());
        for win in windows {
            w.write_record([
                &*neutralise(&win.contact),
                &*neutralise(&win.code),
                start.write(win.start),
                win.end.map_or("", |e| end.write(e)),
            ])?;
        }
        Ok(())
    })
}

/// Writes `observations.csv` in (time, file, line) order. `files` names the inputs.
pub fn observations(dir: &Path, c: &Collector, files: &[PathBuf]) -> anyhow::Result<PathBuf> {
    atomic::write_csv(&dir.join("observations.csv"), |w| {
        w.write_record(OBSERVATIONS_COLUMNS)?;
        // File names are worked out once, times and numbers written into reused buffers.
        let names: Vec<String> = files
            .iter()
            .map(|f| {
                f.file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned())
            })
            .collect();
        let (mut stamp, mut attempt, mut line) =
            (Stamp::default(), Digits::default(), Digits::default());
        for o in c.sorted_observations() {
            let (code, class) = o
                .error
                .map_or(("", ""), |(code, class)| (c.text(code), class.name()));
            let file = names.get(o.source.0 as usize).map_or("", String::as_str);
            w.write_record([
                &*neutralise(c.name(o.message)),
                &*neutralise(c.contact(o.message)),
                stamp.write(o.at),
                o.attempt.map_or("", |a| attempt.write(u64::from(a))),
                o.outcome.name(),
                &*neutralise(c.text(o.status)),
                &*neutralise(c.text(o.reply_code)),
                &*neutralise(c.text(o.diagnostic)),
                &*neutralise(code),
                class,
                &*neutralise(c.text(o.reason)),
                &*neutralise(file),
                line.write(o.source.1),
            ])?;
        }
        Ok(())
    })
}

/// Writes `import_report.txt`.
pub fn report(dir: &Path, text: &str) -> anyhow::Result<PathBuf> {
    let mut f = atomic::AtomicFile::create(&dir.join("import_report.txt"))?;
    f.write_all(text.as_bytes())?;
    f.commit()
}
