//! `aggregate.csv`: one row per point, `point,replications,<swept keys...>`, then for each
//! metric `m` of [`RunMetrics::names`]: `m_mean,m_ci95,m_diff_mean,m_diff_ci95`, from the
//! statistics of [`crate::sweep::aggregate`].

use std::path::{Path, PathBuf};

use crate::metrics::RunMetrics;
use crate::report::store::Manifest;
use crate::report::{atomic, neutralise, real};
use crate::sweep::aggregate::PointStats;

/// The header of `aggregate.csv`.
pub fn header(keys: &[String]) -> Vec<String> {
    header_for(keys, false)
}

/// The header of points with (`load`) or without the load columns.
pub fn header_for(keys: &[String], load: bool) -> Vec<String> {
    let mut h = vec!["point".to_string(), "replications".to_string()];
    h.extend(keys.iter().cloned());
    for m in RunMetrics::names_for(load) {
        for suffix in ["mean", "ci95", "diff_mean", "diff_ci95"] {
            h.push(format!("{m}_{suffix}"));
        }
    }
    h
}

fn text(x: Option<f64>) -> String {
    x.map_or(String::new(), real)
}

/// Writes `aggregate.csv` at `path`.
pub fn write(path: &Path, manifest: &Manifest, points: &[PointStats]) -> anyhow::Result<PathBuf> {
    atomic::write_csv(path, |w| {
        let load = points
            .first()
            .is_some_and(|p| p.metrics.len() > RunMetrics::names().len());
        w.write_record(header_for(&manifest.keys, load))?;
        for p in points {
            let mut row = vec![p.index.to_string(), p.replications.to_string()];
            row.extend(
                manifest.points[p.index]
                    .iter()
                    .map(|v| neutralise(v).into_owned()),
            );
            for m in &p.metrics {
                row.extend([m.mean.mean, m.mean.ci95, m.diff.mean, m.diff.ci95].map(text));
            }
            w.write_record(&row)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_has_four_columns_per_metric_in_order() {
        let h = header(&["policy.x".to_string()]);
        assert_eq!(h[..3], ["point", "replications", "policy.x"]);
        assert_eq!(
            h[3..7],
            [
                "messages_mean",
                "messages_ci95",
                "messages_diff_mean",
                "messages_diff_ci95"
            ]
        );
        assert_eq!(h.len(), 3 + 4 * RunMetrics::names().len());
    }
}
