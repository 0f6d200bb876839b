//! The load part of `retrysim run` in a world with limits: `load.csv`, the load chart,
//! and each domain's peak minute on stdout.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::run::Finished;
use crate::report::load::{self, LoadRun};

/// Writes `load.csv` and draws the load chart from it.
pub(super) fn write_load(dir: &Path, runs: &[Finished]) -> anyhow::Result<Vec<PathBuf>> {
    let rows: Vec<LoadRun<'_>> = runs
        .iter()
        .map(|r| LoadRun {
            point: 0,
            replication: r.replication,
            rows: &r.output.load,
            domains: &r.output.load_domains,
        })
        .collect();
    let mut written = vec![load::write(&dir.join("load.csv"), &rows)?];
    written.extend(crate::report::charts::draw_load(dir)?);
    Ok(written)
}

/// Prints, per replication, the peak attempts per minute of every domain with load.
pub(super) fn print_peaks(out: &mut impl Write, runs: &[Finished]) -> anyhow::Result<()> {
    for r in runs {
        let Some(m) = &r.output.metrics.load else {
            continue;
        };
        let domains = &r.output.load_domains;
        let peaks = load::peaks(&r.output.load, domains.len());
        let list: Vec<String> = domains
            .iter()
            .zip(&peaks)
            .filter(|(_, p)| **p > 0)
            .map(|(d, p)| format!("{d} {p}"))
            .collect();
        writeln!(
            out,
            "rep {}: peak attempts/min {} ({}); throttled {}",
            r.replication,
            m.peak_per_minute,
            list.join(", "),
            m.throttled
        )?;
    }
    Ok(())
}
