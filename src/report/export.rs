//! CSV export of a workload in the import format (`sends.csv`, `failures.csv`), so a
//! generated world can be inspected, edited, or replayed by `kind = "csv"`.

use std::path::{Path, PathBuf};

use crate::report::{atomic, neutralise};
use crate::rules::errors::ErrorTable;
use crate::time::Instant;
use crate::workload::Workload;
use crate::workload::import::{FAILURES_COLUMNS, SENDS_COLUMNS};

/// Writes `sends.csv` and `failures.csv` into `dir`; returns the files written.
pub fn export(
    workload: &Workload,
    errors: &ErrorTable,
    dir: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    // The optional carrier column only when some number has one, so that worlds
    // without carriers export exactly as before.
    let carriers = !workload.carriers.is_empty();
    let sends = atomic::write_csv(&dir.join("sends.csv"), |w| {
        let mut header = SENDS_COLUMNS.to_vec();
        if carriers {
            header.push("carrier");
        }
        w.write_record(&header)?;
        let (mut m, mut c, mut d) = (String::new(), String::new(), String::new());
        for (id, s) in workload.sends.iter().enumerate() {
            // Field by field, so a long export allocates nothing per row.
            w.write_field(&*neutralise(workload.messages.write(id as u32, &mut m)))?;
            w.write_field(&*neutralise(workload.contacts.write(s.contact(), &mut c)))?;
            w.write_field(s.created().to_string())?;
            w.write_field(&*neutralise(
                workload.deliveries.write(s.delivery(), &mut d),
            ))?;
            w.write_field(s.channel().name())?;
            w.write_field(s.kind().name())?;
            if carriers {
                w.write_field(&*neutralise(
                    workload.carriers.of(s.contact()).unwrap_or(""),
                ))?;
            }
            w.write_record(None::<&[u8]>)?;
        }
        Ok(())
    })?;
    let failures = atomic::write_csv(&dir.join("failures.csv"), |w| {
        w.write_record(FAILURES_COLUMNS)?;
        let mut c = String::new();
        for (contact, window) in workload.failures.iter() {
            let end = if window.end == Instant::NEVER {
                String::new()
            } else {
                window.end.to_string()
            };
            w.write_record([
                &*neutralise(workload.contacts.write(contact, &mut c)),
                &*neutralise(&errors.info(window.code).code),
                &window.start.to_string(),
                &end,
            ])?;
        }
        Ok(())
    })?;
    Ok(vec![sends, failures])
}
