//! The final files of a sweep, read from the point files in point order:
//! `summary.csv`, `ttd.csv`, `aggregate.csv`, `recommendation.csv` and
//! `recommendation.txt` (the recommendation in words).

use std::path::{Path, PathBuf};

use super::{Manifest, PointRecord, TTD_QUANTILES, missing, read_point};
use crate::report::atomic;
use crate::report::summary::{header_for, row_fields};
use crate::report::{aggregate, recommendation};
use crate::sweep::aggregate::compute as point_stats;
use crate::sweep::recommend::{self, Objective, explain};

/// What the assembly wrote, and the recommendation in a few lines for the terminal.
#[derive(Debug, Clone)]
pub struct Assembled {
    /// The files written.
    pub written: Vec<PathBuf>,
    /// The recommendation, for stdout.
    pub report: Vec<String>,
    /// The fingerprint digest of the scenario behind every point.
    pub digest: String,
}

/// Writes the final files of `manifest`'s sweep in `dir`; every point must be finished.
pub fn assemble(dir: &Path, manifest: &Manifest) -> anyhow::Result<Assembled> {
    let absent = missing(dir, manifest);
    anyhow::ensure!(
        absent.is_empty(),
        "{} of {} points are not finished in '{}' (first: point {})",
        absent.len(),
        manifest.points.len(),
        dir.display(),
        absent.first().copied().unwrap_or_default()
    );
    let objective = Objective::parse(manifest.objective.as_ref()).map_err(anyhow::Error::msg)?;
    let records: Vec<PointRecord> = (0..manifest.points.len())
        .map(|i| read_point(dir, i, manifest))
        .collect::<anyhow::Result<_>>()?;
    let mut written = vec![write_summary(&dir.join("summary.csv"), manifest, &records)?];
    written.push(write_ttd(&dir.join("ttd.csv"), &records)?);
    let stats = point_stats(&records, manifest.baseline);
    written.push(aggregate::write(
        &dir.join("aggregate.csv"),
        manifest,
        &stats,
    )?);
    let choice = recommend::choose(&stats, &records, &objective, manifest.baseline);
    written.push(recommendation::write(
        &dir.join("recommendation.csv"),
        manifest,
        &stats,
        &objective,
        &choice,
    )?);
    let report = explain::Context {
        keys: &manifest.keys,
        values: &manifest.points,
        points: &stats,
        objective: &objective,
        choice: &choice,
        no_effect: recommend::no_effect::sentences(&manifest.keys, &manifest.points, &records),
    }
    .lines();
    written.push(recommendation::write_text(
        &dir.join("recommendation.txt"),
        &report,
    )?);
    Ok(Assembled {
        written,
        report,
        digest: manifest.digest.clone(),
    })
}

fn write_summary(
    path: &Path,
    manifest: &Manifest,
    records: &[PointRecord],
) -> anyhow::Result<PathBuf> {
    atomic::write_csv(path, |w| {
        w.write_record(header_for(&manifest.keys, has_load(records)))?;
        for record in records {
            for (r, run) in (0u32..).zip(&record.values) {
                let row = row_fields(
                    record.index,
                    r,
                    manifest.seed,
                    run,
                    &manifest.points[record.index],
                );
                w.write_record(&row)?;
            }
        }
        Ok(())
    })
}

/// Whether the runs carry the load columns (a world with capacity or sender limits).
fn has_load(records: &[PointRecord]) -> bool {
    let base = crate::metrics::RunMetrics::names().len();
    records
        .first()
        .and_then(|r| r.values.first())
        .is_some_and(|v| v.len() > base)
}

/// `ttd.csv`: per point, quantiles of time to deliver over every delivered message
/// (`ttd_s`) and over those that needed a retry (`retried_ttd_s`).
fn write_ttd(path: &Path, records: &[PointRecord]) -> anyhow::Result<PathBuf> {
    let text = |q: &Option<u32>| q.map_or(String::new(), |s| s.to_string());
    atomic::write_csv(path, |w| {
        w.write_record(["point", "quantile", "ttd_s", "retried_ttd_s"])?;
        for record in records {
            for (k, (all, retried)) in record.ttd.iter().zip(&record.retried_ttd).enumerate() {
                w.write_record([
                    record.index.to_string(),
                    format!("{:.2}", (k + 1) as f64 / TTD_QUANTILES as f64),
                    text(all),
                    text(retried),
                ])?;
            }
        }
        Ok(())
    })
}
