//! `recommendation.csv`: the Pareto front over (delivery_rate ↑, false_suppressions ↓,
//! attempts_per_delivered ↓) by means, and the point that best meets `[objective]`:
//! `maximize = "<metric>"` or `minimize = "<metric>"` (default: maximize delivery_rate)
//! under `constraints = ["false_suppression_rate <= 0.005", ...]`, judged on means.
//!
//! Status: `recommended` for the best feasible point (lowest number on equal means),
//! `tie` for feasible points whose 95% interval overlaps the best's, `feasible` for the
//! other feasible points and `infeasible` for points that violate a constraint.

mod objective;

pub use objective::{Constraint, Objective, Op};

use std::path::{Path, PathBuf};

use super::aggregate::PointStats;
use super::store::Manifest;
use crate::metrics::RunMetrics;
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

fn metric(name: &str) -> usize {
    RunMetrics::names()
        .iter()
        .position(|n| n == name)
        .expect("a metric of RunMetrics::names")
}

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

/// The status of every point under `objective`.
pub fn statuses(points: &[PointStats], objective: &Objective) -> Vec<Status> {
    let m = objective.metric_index();
    let feasible: Vec<bool> = points
        .iter()
        .map(|p| mean(p, m).is_some() && objective.constraints().iter().all(|c| c.holds(p)))
        .collect();
    let score = |p: &PointStats| mean(p, m).map(|x| if objective.maximize() { x } else { -x });
    let best = (0..points.len())
        .filter(|&i| feasible[i])
        .fold(None, |best: Option<usize>, i| match best {
            Some(b) if score(&points[b]) >= score(&points[i]) => Some(b),
            _ => Some(i),
        });
    let interval = |p: &PointStats| {
        let e = p.metrics[m].mean;
        let (x, h) = (e.mean.unwrap_or(f64::NAN), e.ci95.unwrap_or(0.0));
        (x - h, x + h)
    };
    (0..points.len())
        .map(|i| match best {
            _ if !feasible[i] => Status::Infeasible,
            Some(b) if b == i => Status::Recommended,
            Some(b) => {
                let ((lo, hi), (blo, bhi)) = (interval(&points[i]), interval(&points[b]));
                if lo <= bhi && blo <= hi {
                    Status::Tie
                } else {
                    Status::Feasible
                }
            }
            None => Status::Feasible,
        })
        .collect()
}

/// The header of `recommendation.csv`.
pub fn header(keys: &[String]) -> Vec<String> {
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
        ]
        .map(String::from),
    );
    h
}

/// Writes `recommendation.csv` at `path`.
pub fn write(
    path: &Path,
    manifest: &Manifest,
    points: &[PointStats],
    status: &[Status],
) -> anyhow::Result<PathBuf> {
    let on_front = front(points);
    let [dr, fs, apd] = [
        "delivery_rate",
        "false_suppressions",
        "attempts_per_delivered",
    ]
    .map(metric);
    let text = |x: Option<f64>| x.map_or(String::new(), real);
    atomic::write_csv(path, |w| {
        w.write_record(header(&manifest.keys))?;
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
            ]);
            w.write_record(&row)?;
        }
        Ok(())
    })
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
