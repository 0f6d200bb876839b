//! `recommendation.csv`: the Pareto front over (delivery_rate ↑, false_suppressions ↓,
//! attempts_per_delivered ↓) by means, and the point that best meets `[objective]`:
//! `maximize = "<metric>"` or `minimize = "<metric>"` (default: maximize delivery_rate)
//! under `constraints = ["false_suppression_rate <= 0.005", ...]`, judged on means.
//!
//! Status: `recommended` for the chosen point, `tie` for feasible points that the
//! paired difference cannot tell from the best (see [`choice`] for the rule and the
//! tie-break), `feasible` for the other feasible points and `infeasible` for points
//! that violate a constraint. [`explain`] says all of it in words.

pub mod choice;
pub mod explain;
pub mod no_effect;
mod objective;

pub use choice::{Choice, TieBreak, choose};
pub use objective::{Constraint, Objective, Op};

use std::io::Write;
use std::path::{Path, PathBuf};

use super::aggregate::PointStats;
use super::store::Manifest;
use crate::report::{atomic, neutralise, real};

/// What the recommendation says of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The best feasible point.
    Recommended,
    /// Feasible, and its interval overlaps the best's.
    Tie,
    /// Feasible, but clearly worse than the best.
    Feasible,
    /// Violates a constraint.
    Infeasible,
}

impl Status {
    /// The word in `recommendation.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Recommended => "recommended",
            Status::Tie => "tie",
            Status::Feasible => "feasible",
            Status::Infeasible => "infeasible",
        }
    }
}

/// For each point (all coordinates minimised), whether no other point dominates it.
pub fn pareto_front(points: &[[f64; 3]]) -> Vec<bool> {
    let dominates = |a: &[f64; 3], b: &[f64; 3]| {
        a.iter().zip(b).all(|(x, y)| x <= y) && a.iter().zip(b).any(|(x, y)| x < y)
    };
    points
        .iter()
        .map(|p| !points.iter().any(|q| dominates(q, p)))
        .collect()
}

use choice::metric;

/// The mean of metric `m` at a point.
fn mean(p: &PointStats, m: usize) -> Option<f64> {
    p.metrics[m].mean.mean
}

/// Whether each point is on the front; a missing mean counts as the worst value.
pub fn front(points: &[PointStats]) -> Vec<bool> {
    let [dr, fs, apd] = [
        "delivery_rate",
        "false_suppressions",
        "attempts_per_delivered",
    ]
    .map(metric);
    let worst = f64::INFINITY;
    let coords: Vec<[f64; 3]> = points
        .iter()
        .map(|p| {
            [
                mean(p, dr).map_or(worst, |x| -x),
                mean(p, fs).unwrap_or(worst),
                mean(p, apd).unwrap_or(worst),
            ]
        })
        .collect();
    pareto_front(&coords)
}

/// The status of every point under a choice.
pub fn statuses(choice: &Choice) -> Vec<Status> {
    (0..choice.breaks.len())
        .map(|i| {
            if !choice.feasible(i) {
                Status::Infeasible
            } else if choice.best == Some(i) {
                Status::Recommended
            } else if choice.tied[i] {
                Status::Tie
            } else {
                Status::Feasible
            }
        })
        .collect()
}

/// Metrics of the objective and constraints that the fixed columns do not already show,
/// in order of first mention.
pub fn extra_metrics(objective: &Objective) -> Vec<String> {
    let fixed = [
        "delivery_rate",
        "false_suppressions",
        "attempts_per_delivered",
    ];
    let mut extra: Vec<String> = Vec::new();
    let named = std::iter::once(objective.metric())
        .chain(objective.constraints().iter().map(|c| c.metric()));
    for m in named {
        if !fixed.contains(&m) && !extra.iter().any(|e| e == m) {
            extra.push(m.to_string());
        }
    }
    extra
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_front_keeps_only_undominated_points() {
        let points = [
            [1.0, 1.0, 1.0], // on the front
            [2.0, 2.0, 2.0], // dominated by the first
            [0.0, 3.0, 3.0], // best first coordinate
            [1.0, 1.0, 1.0], // equal to the first: neither dominates
            [1.0, 1.0, 0.5], // dominates the first and the fourth
        ];
        assert_eq!(pareto_front(&points), [false, false, true, false, true]);
    }
}
