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

use super::aggregate::PointStats;

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

pub use choice::metric;

/// The mean of metric `m` at a point.
pub fn mean(p: &PointStats, m: usize) -> Option<f64> {
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
