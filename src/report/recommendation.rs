//! `recommendation.csv` and `recommendation.txt`: the statuses, front and choice that
//! [`crate::sweep::recommend`] computed, one row per point, and its explanation in words.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::report::store::Manifest;
use crate::report::{atomic, neutralise, real};
use crate::sweep::aggregate::PointStats;
use crate::sweep::recommend::{Choice, Objective, extra_metrics, front, mean, metric, statuses};

/// The header of `recommendation.csv`: the point, its swept values, the fixed metric
/// columns and status, then (appended later, so older readers keep working) the
/// explanation columns and the means of the objective's and constraints' other metrics.
pub fn header(keys: &[String], objective: &Objective) -> Vec<String> {
    let mut h = vec!["point".to_string()];
    h.extend(keys.iter().cloned());
    h.extend(
        [
            "delivery_rate_mean",
            "delivery_rate_ci95",
            "false_suppressions_mean",
            "attempts_per_delivered_mean",
            "on_pareto_front",
            "status",
            "objective_mean",
            "objective_ci95",
            "diff_vs_recommended_mean",
            "diff_vs_recommended_ci95",
            "breaks",
        ]
        .map(String::from),
    );
    h.extend(extra_metrics(objective).iter().map(|m| format!("{m}_mean")));
    h
}

/// Writes `recommendation.csv` at `path`.
pub fn write(
    path: &Path,
    manifest: &Manifest,
    points: &[PointStats],
    objective: &Objective,
    choice: &Choice,
) -> anyhow::Result<PathBuf> {
    let on_front = front(points);
    let status = statuses(choice);
    let om = metric(objective.metric());
    let extra: Vec<usize> = extra_metrics(objective).iter().map(|m| metric(m)).collect();
    let [dr, fs, apd] = [
        "delivery_rate",
        "false_suppressions",
        "attempts_per_delivered",
    ]
    .map(metric);
    let text = |x: Option<f64>| x.map_or(String::new(), real);
    atomic::write_csv(path, |w| {
        w.write_record(header(&manifest.keys, objective))?;
        for (i, p) in points.iter().enumerate() {
            let mut row = vec![p.index.to_string()];
            row.extend(
                manifest.points[p.index]
                    .iter()
                    .map(|v| neutralise(v).into_owned()),
            );
            row.extend([
                text(mean(p, dr)),
                text(p.metrics[dr].mean.ci95),
                text(mean(p, fs)),
                text(mean(p, apd)),
                on_front[i].to_string(),
                status[i].name().to_string(),
                text(mean(p, om)),
                text(p.metrics[om].mean.ci95),
                text(choice.diff[i].and_then(|d| d.mean)),
                text(choice.diff[i].and_then(|d| d.ci95)),
                breaks(objective, &choice.breaks[i]),
            ]);
            row.extend(extra.iter().map(|&m| text(mean(p, m))));
            w.write_record(&row)?;
        }
        Ok(())
    })
}

/// The constraints a point breaks, as written, separated by `; `.
fn breaks(objective: &Objective, broken: &[usize]) -> String {
    let texts: Vec<String> = broken
        .iter()
        .map(|&k| match objective.constraints().get(k) {
            Some(c) => c.text(),
            None => format!("{} undefined", objective.metric()),
        })
        .collect();
    texts.join("; ")
}

/// Writes the explanation lines to `recommendation.txt` at `path`.
pub fn write_text(path: &Path, lines: &[String]) -> anyhow::Result<PathBuf> {
    let mut f = atomic::AtomicFile::create(path)?;
    for line in lines {
        writeln!(f, "{line}")?;
    }
    f.commit()
}
