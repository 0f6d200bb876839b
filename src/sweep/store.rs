//! The sweep's files on disk. Each finished point is written at once to its own small file
//! `DIR/points/point-NNNNNN.csv` (atomically), beside `DIR/points/sweep.toml`, the manifest
//! that says which sweep the points belong to. `--resume` skips points whose file exists;
//! `merge` copies the point files of several shard folders into one. The final files
//! (`summary.csv`, `aggregate.csv`, `ttd.csv`, `recommendation.csv`) are always assembled
//! from the point files alone, so they are the same bytes however the points were run.
//!
//! A point file is a headerless CSV: `scenario,<digest>` (the manifest's fingerprint
//! digest, so that a point of another scenario is refused), `run,<replication>,<metric values...>` per
//! replication, in order, then `ttd,<100 quantiles>` over every delivered message and
//! `retried,<100 quantiles>` over those delivered after their first attempt. Reals keep every digit (Rust's
//! shortest round-trip form), so a point read back gives exactly the values computed.

mod assemble;
pub mod fingerprint;
mod manifest;

pub use assemble::{Assembled, assemble};
pub use manifest::Manifest;

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::metrics::{RunMetrics, Value};
use crate::report::atomic;

/// The quantiles of time to deliver kept per point: 0.01, 0.02, ..., 1.00.
pub const TTD_QUANTILES: usize = 100;

/// What one finished point produced.
#[derive(Debug, Clone, PartialEq)]
pub struct PointRecord {
    /// Point number.
    pub index: usize,
    /// Per replication, the value of every metric of [`RunMetrics::names`].
    pub values: Vec<Vec<Value>>,
    /// Time to deliver in seconds at quantile k/100 (k = 1..=100), pooled over
    /// replications; `None` when nothing was delivered.
    pub ttd: Vec<Option<u32>>,
    /// The same quantiles over the messages that needed a retry (time to deliver above
    /// zero): the part of the distribution a retry policy shapes.
    pub retried_ttd: Vec<Option<u32>>,
}

impl PointRecord {
    /// Summarises the replications of point `index`.
    pub fn from_runs(index: usize, runs: &[RunMetrics]) -> PointRecord {
        let values = runs.iter().map(RunMetrics::values).collect();
        let mut pooled = Vec::with_capacity(runs.iter().map(|m| m.ttd_sorted.len()).sum());
        for m in runs {
            pooled.extend_from_slice(&m.ttd_sorted);
        }
        // Each run's list is sorted already, so one run's needs no second sort.
        if runs.len() > 1 {
            pooled.sort_unstable();
        }
        let first_retried = pooled.partition_point(|&s| s == 0);
        PointRecord {
            index,
            values,
            ttd: quantiles(&pooled),
            retried_ttd: quantiles(&pooled[first_retried..]),
        }
    }
}

/// Nearest-rank quantiles k/100 (k = 1..=100) of a sorted sample.
fn quantiles(sorted: &[u32]) -> Vec<Option<u32>> {
    let n = sorted.len();
    (1..=TTD_QUANTILES)
        .map(|k| {
            let rank = (k * n).div_ceil(TTD_QUANTILES).clamp(1, n.max(1));
            sorted.get(rank - 1).copied()
        })
        .collect()
}

/// `DIR/points`.
pub fn points_dir(dir: &Path) -> PathBuf {
    dir.join("points")
}

/// The file of point `index`.
pub fn point_path(dir: &Path, index: usize) -> PathBuf {
    points_dir(dir).join(format!("point-{index:06}.csv"))
}

/// A metric value at full precision (`{:?}` reads back as the same `f64`), so that a
/// resumed or merged sweep computes exactly the means of an uninterrupted one. Unlike
/// `report::summary::format_value`, which rounds reals to six decimals for people, this
/// text is only for the store.
fn exact_text(v: Value) -> String {
    match v {
        Value::Count(n) => n.to_string(),
        Value::Real(x) => format!("{x:?}"),
        Value::Missing => String::new(),
    }
}

fn parse_value(text: &str) -> Option<Value> {
    if text.is_empty() {
        return Some(Value::Missing);
    }
    text.parse::<u64>()
        .map(Value::Count)
        .ok()
        .or_else(|| text.parse::<f64>().ok().map(Value::Real))
}

/// Writes a finished point of the scenario whose fingerprint digest is `digest`.
pub fn write_point(dir: &Path, record: &PointRecord, digest: &str) -> anyhow::Result<PathBuf> {
    let mut file = atomic::AtomicFile::create(&point_path(dir, record.index))?;
    {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut file);
        w.write_record(["scenario", digest])?;
        for (r, run) in record.values.iter().enumerate() {
            let mut row = vec!["run".to_string(), r.to_string()];
            row.extend(run.iter().map(|v| exact_text(*v)));
            w.write_record(&row)?;
        }
        for (tag, quantiles) in [("ttd", &record.ttd), ("retried", &record.retried_ttd)] {
            let mut row = vec![tag.to_string()];
            row.extend(
                quantiles
                    .iter()
                    .map(|q| q.map_or(String::new(), |s| s.to_string())),
            );
            w.write_record(&row)?;
        }
        w.flush()?;
    }
    file.commit()
}

/// Reads point `index`, checking that it belongs to `manifest`'s scenario and has a run
/// of every metric for each replication.
pub fn read_point(dir: &Path, index: usize, manifest: &Manifest) -> anyhow::Result<PointRecord> {
    let replications = manifest.replications;
    let path = point_path(dir, index);
    let bad = |what: &str| anyhow::anyhow!("'{}': {what}", path.display());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(&path)
        .with_context(|| format!("could not read '{}'", path.display()))?;
    let metrics = RunMetrics::names().len();
    const LOAD: usize = crate::metrics::load::LOAD_COLUMNS.len();
    let (mut values, mut ttd, mut retried_ttd) = (Vec::new(), None, None);
    let mut digest = None;
    for row in reader.records() {
        let row = row.with_context(|| format!("could not read '{}'", path.display()))?;
        match row.get(0) {
            Some("scenario") if row.len() == 2 => digest = row.get(1).map(str::to_string),
            Some("run") if row.len() == metrics + 2 || row.len() == metrics + LOAD + 2 => values
                .push(
                    row.iter()
                        .skip(2)
                        .map(parse_value)
                        .collect::<Option<Vec<Value>>>()
                        .ok_or_else(|| bad("a metric value is not a number"))?,
                ),
            Some("ttd") if row.len() == TTD_QUANTILES + 1 => {
                ttd = Some(
                    parse_quantiles(&row).ok_or_else(|| bad("a ttd quantile is not a number"))?,
                );
            }
            Some("retried") if row.len() == TTD_QUANTILES + 1 => {
                retried_ttd = Some(
                    parse_quantiles(&row).ok_or_else(|| bad("a ttd quantile is not a number"))?,
                );
            }
            _ => return Err(bad("not a point file of this version; delete it to rerun")),
        }
    }
    anyhow::ensure!(
        digest.as_deref() == Some(manifest.digest.as_str()),
        bad(
            "the point was run with a different scenario from the folder's points/sweep.toml; delete it to rerun"
        )
    );
    anyhow::ensure!(
        values.len() == replications as usize,
        bad("wrong number of replications")
    );
    Ok(PointRecord {
        index,
        values,
        ttd: ttd.ok_or_else(|| bad("no ttd row"))?,
        retried_ttd: retried_ttd.ok_or_else(|| bad("no retried row"))?,
    })
}

/// The quantile fields of a `ttd` or `retried` row; empty fields are `None`.
fn parse_quantiles(row: &csv::StringRecord) -> Option<Vec<Option<u32>>> {
    row.iter()
        .skip(1)
        .map(|s| (!s.is_empty()).then(|| s.parse::<u32>()).transpose())
        .collect::<Result<_, _>>()
        .ok()
}

/// Points of the manifest whose file is missing from `dir`.
pub fn missing(dir: &Path, manifest: &Manifest) -> Vec<usize> {
    (0..manifest.points.len())
        .filter(|&i| !point_path(dir, i).exists())
        .collect()
}

/// What [`prepare`] found in a sweep folder.
#[derive(Debug)]
pub struct Prepared {
    /// Per point, whether its file is already there (only with `resume`).
    pub finished: Vec<bool>,
    /// The points folder of a different sweep that was removed, if any; the library
    /// does not print, so the caller tells the user.
    pub removed: Option<PathBuf>,
}

/// Makes `dir` ready for `manifest`'s sweep and says which points are already finished
/// (only with `resume`). Without `resume`, point files of a different sweep are removed;
/// with it, a different sweep is an error.
pub fn prepare(dir: &Path, manifest: &Manifest, resume: bool) -> anyhow::Result<Prepared> {
    let points = points_dir(dir);
    let mut removed = None;
    match Manifest::read(dir)? {
        Some(old) if old != *manifest => {
            anyhow::ensure!(
                !resume,
                "cannot resume: '{}' holds a different sweep ({}); remove it or choose \
                 another --out",
                points.display(),
                manifest.difference(&old)
            );
            std::fs::remove_dir_all(&points)
                .with_context(|| format!("could not remove '{}'", points.display()))?;
            removed = Some(points.clone());
        }
        _ => {}
    }
    std::fs::create_dir_all(&points)
        .with_context(|| format!("could not create '{}'", points.display()))?;
    remove_leftovers(&points)?;
    manifest.write(dir)?;
    let finished = (0..manifest.points.len())
        .map(|i| resume && point_path(dir, i).exists())
        .collect();
    Ok(Prepared { finished, removed })
}

/// Joins the point files of shard folders `inputs` into `out` and assembles the final
/// files there. Every input must hold the same sweep.
pub fn merge(inputs: &[PathBuf], out: &Path) -> anyhow::Result<Assembled> {
    let first = inputs.first().context("merge needs at least one folder")?;
    let manifest = Manifest::read(first)?.with_context(|| {
        format!(
            "'{}' holds no sweep (no points/sweep.toml)",
            first.display()
        )
    })?;
    for dir in inputs {
        let other = Manifest::read(dir)?.with_context(|| {
            format!("'{}' holds no sweep (no points/sweep.toml)", dir.display())
        })?;
        anyhow::ensure!(
            other == manifest,
            "'{}' holds a different sweep from '{}' ({})",
            dir.display(),
            first.display(),
            manifest.difference(&other)
        );
    }
    prepare(out, &manifest, true)?;
    if first.as_path() != out {
        copy(&first.join("scenario.toml"), &out.join("scenario.toml"))?;
    }
    for index in 0..manifest.points.len() {
        let source = inputs.iter().find(|d| point_path(d, index).exists());
        if let Some(dir) = source.filter(|d| d.as_path() != out) {
            copy(&point_path(dir, index), &point_path(out, index))?;
        }
    }
    assemble(out, &manifest)
}

/// Removes the temporary files of points that were in flight when a run was killed.
fn remove_leftovers(points: &Path) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(points)
        .with_context(|| format!("could not read '{}'", points.display()))?;
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if atomic::is_leftover(&name) {
            std::fs::remove_file(&path)
                .with_context(|| format!("could not remove '{}'", path.display()))?;
        }
    }
    Ok(())
}

fn copy(from: &Path, to: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    let bytes =
        std::fs::read(from).with_context(|| format!("could not read '{}'", from.display()))?;
    let mut f = atomic::AtomicFile::create(to)?;
    f.write_all(&bytes)?;
    f.commit().map(drop)
}
