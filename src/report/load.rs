//! `load.csv`: attempts per minute and domain, written only for worlds with receiver
//! capacity or sender limits, so the outputs of unlimited worlds do not change.

use std::path::{Path, PathBuf};

use crate::metrics::LoadRow;
use crate::report::{atomic, neutralise};

/// Header of `load.csv`.
pub const LOAD_HEADER: [&str; 8] = [
    "replication",
    "point",
    "minute",
    "domain",
    "attempts",
    "accepted",
    "throttled",
    "queued",
];

/// One run's load rows with the names of their domains.
#[derive(Debug, Clone, Copy)]
pub struct LoadRun<'a> {
    /// Policy point.
    pub point: usize,
    /// Replication.
    pub replication: u32,
    /// Rows in (minute, domain) order.
    pub rows: &'a [LoadRow],
    /// Domain names by row index.
    pub domains: &'a [String],
}

/// Writes `load.csv` at `path`, runs in the order given.
pub fn write(path: &Path, runs: &[LoadRun<'_>]) -> anyhow::Result<PathBuf> {
    atomic::write_csv(path, |w| {
        w.write_record(LOAD_HEADER)?;
        for run in runs {
            for r in run.rows {
                let domain = run
                    .domains
                    .get(usize::from(r.domain))
                    .map_or("", String::as_str);
                w.write_record([
                    run.replication.to_string(),
                    run.point.to_string(),
                    r.minute.to_string(),
                    neutralise(domain).into_owned(),
                    r.attempts.to_string(),
                    r.accepted.to_string(),
                    r.throttled.to_string(),
                    r.queued.to_string(),
                ])?;
            }
        }
        Ok(())
    })
}

/// The highest attempts per minute of each domain, in domain order.
pub fn peaks(rows: &[LoadRow], domains: usize) -> Vec<u32> {
    let mut peak = vec![0; domains];
    for r in rows {
        if let Some(p) = peak.get_mut(usize::from(r.domain)) {
            *p = (*p).max(r.attempts);
        }
    }
    peak
}
