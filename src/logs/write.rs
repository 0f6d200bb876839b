//! The output files of an import: `sends.csv` and `failures.csv` in the import format
//! (so `kind = "csv"` replays them), `observations.csv` (every observed attempt), and
//! `import_report.txt`. Each is written atomically; text fields are neutralised.

use std::io::Write;

use anyhow::Context;
use std::path::{Path, PathBuf};

use super::collect::Collector;
use super::infer::InferredWindow;
use crate::report::atomic::{self, AtomicFile};
use crate::report::fields::{Digits, Stamp};
use crate::report::neutralise;
use crate::report::rows::RowWriter;
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
    write_rows(&dir.join("sends.csv"), &SENDS_COLUMNS, |w| {
        // Times are formatted into a reused buffer: a million rows, no allocation each.
        let mut stamp = Stamp::default();
        for i in order {
            let (m, id) = (&c.messages[i], i as u32);
            w.text(&neutralise(c.name(id)));
            w.text(&neutralise(c.contact(id)));
            w.plain(stamp.write(m.created));
            w.text(&neutralise(c.delivery(id)));
            w.plain(m.channel.name());
            w.plain(kind.name());
            w.end_row()?;
        }
        Ok(())
    })
}

/// Writes `failures.csv` from the inferred windows.
pub fn failures(dir: &Path, windows: &[InferredWindow]) -> anyhow::Result<PathBuf> {
    write_rows(&dir.join("failures.csv"), &FAILURES_COLUMNS, |w| {
        let (mut start, mut end) = (Stamp::default(), Stamp::default());
        for win in windows {
            w.text(&neutralise(&win.contact));
            w.text(&neutralise(&win.code));
            w.plain(start.write(win.start));
            w.plain(win.end.map_or("", |e| end.write(e)));
            w.end_row()?;
        }
        Ok(())
    })
}

/// Writes `observations.csv` in (time, file, line) order. `files` names the inputs.
pub fn observations(dir: &Path, c: &Collector, files: &[PathBuf]) -> anyhow::Result<PathBuf> {
    write_rows(&dir.join("observations.csv"), &OBSERVATIONS_COLUMNS, |w| {
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
            w.text(&neutralise(c.name(o.message)));
            w.text(&neutralise(c.contact(o.message)));
            w.plain(stamp.write(o.at));
            w.plain(o.attempt.map_or("", |a| attempt.write(u64::from(a))));
            w.plain(o.outcome.name());
            for text in [o.status, o.reply_code, o.diagnostic] {
                w.text(&neutralise(c.text(text)));
            }
            w.text(&neutralise(code));
            w.plain(class);
            w.text(&neutralise(c.text(o.reason)));
            w.text(&neutralise(file));
            w.plain(line.write(o.source.1));
            w.end_row()?;
        }
        Ok(())
    })
}

/// Writes a CSV file atomically through the project's row writer, header first: the
/// same bytes as the `csv` crate's writer (a property test of `rows` checks it) at a
/// fraction of its cost, and without a digest, since no `results.toml` lists an
/// import's files.
fn write_rows(
    target: &Path,
    header: &[&str],
    fill: impl FnOnce(&mut RowWriter<&mut AtomicFile>) -> std::io::Result<()>,
) -> anyhow::Result<PathBuf> {
    let mut file = AtomicFile::create_unhashed(target)?;
    let mut w = RowWriter::new(&mut file);
    for column in header {
        w.plain(column);
    }
    let written = w.end_row().and_then(|()| fill(&mut w));
    written
        .and_then(|()| w.into_inner().map(drop))
        .with_context(|| format!("could not write '{}'", target.display()))?;
    file.commit()
}

/// Writes `import_report.txt`.
pub fn report(dir: &Path, text: &str) -> anyhow::Result<PathBuf> {
    let mut f = atomic::AtomicFile::create(&dir.join("import_report.txt"))?;
    f.write_all(text.as_bytes())?;
    f.commit()
}
