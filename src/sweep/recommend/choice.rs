//! Which point the recommendation picks, and why.
//!
//! 1. A point is **feasible** when the mean of every constraint's metric meets its bound;
//!    the others are infeasible, each with the constraints it breaks.
//! 2. The **leader** is the feasible point with the best mean objective (the lowest
//!    number on equal means).
//! 3. A feasible point **ties** with the leader when the 95% interval of the *paired*
//!    difference of the objective (replication r against replication r: common random
//!    numbers) contains zero. Comparing two independent intervals would call far more
//!    points ties than the paired differences justify.
//! 4. Among the leader and its ties, the **tie-break** picks the platform default (the
//!    baseline point), else the fewest mean attempts, else the lowest point number.

use super::Objective;
use crate::sweep::aggregate::{self, PointStats};
use crate::sweep::record::PointRecord;
use crate::sweep::stats::{self, Estimate};

/// The rule of the tie-break that decided among the tied points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TieBreak {
    /// No other point tied: the best mean decided.
    BestMean,
    /// The baseline (the scenario's own settings) was among the tied points.
    Baseline,
    /// The tied point with the fewest mean attempts.
    FewestAttempts,
    /// Equal attempts too: the lowest point number.
    LowestPoint,
}

/// The outcome of the choice, one entry per point where it is a vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The recommended point, if any point is feasible.
    pub best: Option<usize>,
    /// The feasible point with the best mean objective.
    pub leader: Option<usize>,
    /// Per point: indices into the objective's constraints that the point breaks.
    pub breaks: Vec<Vec<usize>>,
    /// Per point: whether it ties with the leader by the paired interval (the leader
    /// itself included).
    pub tied: Vec<bool>,
    /// Per point: the paired difference of the objective metric against the
    /// recommended point (`None` when nothing is recommended).
    pub diff: Vec<Option<Estimate>>,
    /// The rule that decided.
    pub rule: TieBreak,
}

impl Choice {
    /// Whether point `i` meets every constraint.
    pub fn feasible(&self, i: usize) -> bool {
        self.breaks[i].is_empty()
    }
}

/// The position of `name` in [`crate::metrics::RunMetrics::names`].
pub fn metric(name: &str) -> usize {
    crate::metrics::table::position(name).expect("a metric of RunMetrics::names")
}

/// Chooses among `points` (with their per-replication `records`, in the same order).
pub fn choose(
    points: &[PointStats],
    records: &[PointRecord],
    objective: &Objective,
    baseline: usize,
) -> Choice {
    let m = metric(objective.metric());
    let mean = |i: usize| points[i].metrics[m].mean.mean;
    let breaks: Vec<Vec<usize>> = points
        .iter()
        .map(|p| {
            let broken = objective.constraints().iter().enumerate();
            let mut b: Vec<usize> = broken
                .filter(|(_, c)| !c.holds(p))
                .map(|(k, _)| k)
                .collect();
            if p.metrics[m].mean.mean.is_none() {
                // No objective value at all: unusable, like a broken constraint.
                b.push(usize::MAX);
            }
            b
        })
        .collect();
    let sign = if objective.maximize() { 1.0 } else { -1.0 };
    let leader =
        (0..points.len())
            .filter(|&i| breaks[i].is_empty())
            .fold(None, |best: Option<usize>, i| match best {
                Some(b)
                    if sign * mean(b).unwrap_or(f64::NAN) >= sign * mean(i).unwrap_or(f64::NAN) =>
                {
                    Some(b)
                }
                _ => Some(i),
            });
    let column = |i: usize| aggregate::column(&records[i], m);
    let tied: Vec<bool> = (0..points.len())
        .map(|i| match leader {
            Some(l) if breaks[i].is_empty() => {
                i == l || covers_zero(stats::paired_difference(&column(i), &column(l)))
            }
            _ => false,
        })
        .collect();
    let (best, rule) = tie_break(points, &tied, baseline, leader);
    let diff = (0..points.len())
        .map(|i| best.map(|b| stats::paired_difference(&column(i), &column(b))))
        .collect();
    Choice {
        best,
        leader,
        breaks,
        tied,
        diff,
        rule,
    }
}

/// Whether a paired difference is indistinguishable from zero: its 95% interval holds
/// zero, or (a single replication) it is exactly zero.
pub fn covers_zero(d: Estimate) -> bool {
    match (d.mean, d.ci95) {
        (Some(x), Some(h)) => x.abs() <= h,
        (Some(x), None) => x == 0.0,
        (None, _) => false,
    }
}

/// Picks among the tied points: the baseline, else the fewest mean attempts, else the
/// lowest point number.
fn tie_break(
    points: &[PointStats],
    tied: &[bool],
    baseline: usize,
    leader: Option<usize>,
) -> (Option<usize>, TieBreak) {
    let candidates: Vec<usize> = (0..points.len()).filter(|&i| tied[i]).collect();
    match candidates.as_slice() {
        [] => (None, TieBreak::BestMean),
        [only] => (Some(*only), TieBreak::BestMean),
        _ if tied.get(baseline) == Some(&true) => (Some(baseline), TieBreak::Baseline),
        _ => {
            let a = metric("attempts");
            let attempts = |i: usize| points[i].metrics[a].mean.mean.unwrap_or(f64::INFINITY);
            let fewest = candidates
                .iter()
                .copied()
                .min_by(|&x, &y| attempts(x).total_cmp(&attempts(y)).then(x.cmp(&y)))
                .or(leader);
            let n_fewest = candidates
                .iter()
                .filter(|&&i| Some(attempts(i)) == fewest.map(attempts))
                .count();
            let rule = if n_fewest > 1 {
                TieBreak::LowestPoint
            } else {
                TieBreak::FewestAttempts
            };
            (fewest, rule)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{RunMetrics, Value};

    /// A point whose replications have these delivery rates, attempts to dead contacts
    /// and attempts (one tuple per replication).
    fn record(index: usize, runs: &[(f64, u64, u64)]) -> PointRecord {
        let n = RunMetrics::names().len();
        let [dr, dead, att] = ["delivery_rate", "attempts_to_dead", "attempts"].map(metric);
        let values = runs
            .iter()
            .map(|&(rate, to_dead, attempts)| {
                let mut v = vec![Value::Missing; n];
                v[dr] = Value::Real(rate);
                v[dead] = Value::Count(to_dead);
                v[att] = Value::Count(attempts);
                v
            })
            .collect();
        PointRecord {
            index,
            values,
            ttd: Vec::new(),
            retried_ttd: Vec::new(),
        }
    }

    fn objective(constraints: &[&str]) -> Objective {
        let list: Vec<String> = constraints.iter().map(|c| format!("{c:?}")).collect();
        let table: toml::Table = format!(
            "maximize = \"delivery_rate\"\nconstraints = [{}]",
            list.join(", ")
        )
        .parse()
        .unwrap();
        Objective::parse(Some(&table)).unwrap()
    }

    fn decide(records: &[PointRecord], constraints: &[&str], baseline: usize) -> Choice {
        let stats = aggregate::compute(records, baseline);
        choose(&stats, records, &objective(constraints), baseline)
    }

    #[test]
    fn a_small_but_consistent_paired_difference_is_not_a_tie() {
        // The replications vary a lot (independent intervals overlap widely), but point
        // 1 is below point 0 by 0.001 in every replication: common random numbers
        // separate them.
        let records = [
            record(0, &[(0.90, 0, 10), (0.95, 0, 10), (0.99, 0, 10)]),
            record(1, &[(0.899, 0, 10), (0.949, 0, 10), (0.989, 0, 10)]),
        ];
        let c = decide(&records, &[], 1);
        assert_eq!(c.best, Some(0));
        assert_eq!(c.tied, [true, false]);
        assert_eq!(c.rule, TieBreak::BestMean);
    }

    #[test]
    fn points_whose_paired_interval_holds_zero_tie_and_the_baseline_wins() {
        let records = [
            record(0, &[(0.91, 0, 10), (0.95, 0, 10), (0.98, 0, 10)]),
            record(1, &[(0.90, 0, 12), (0.96, 0, 12), (0.97, 0, 12)]),
            record(2, &[(0.80, 0, 9), (0.85, 0, 9), (0.88, 0, 9)]),
        ];
        let c = decide(&records, &[], 1);
        assert_eq!(c.leader, Some(0));
        assert_eq!(c.tied, [true, true, false]);
        assert_eq!((c.best, c.rule), (Some(1), TieBreak::Baseline));
    }

    #[test]
    fn without_the_baseline_among_ties_the_fewest_attempts_then_the_lowest_point_win() {
        let same = [(0.9, 0, 10), (0.95, 0, 10), (0.97, 0, 10)];
        let records = [
            record(0, &[(0.9, 0, 12), (0.95, 0, 12), (0.97, 0, 12)]),
            record(1, &same),
            record(2, &same),
            record(3, &[(0.5, 0, 1), (0.5, 0, 1), (0.5, 0, 1)]),
        ];
        let c = decide(&records, &[], 3);
        assert_eq!((c.best, c.rule), (Some(1), TieBreak::LowestPoint));
        let records = [records[0].clone(), record(1, &same), records[3].clone()];
        let c = decide(&records, &[], 2);
        assert_eq!((c.best, c.rule), (Some(1), TieBreak::FewestAttempts));
    }

    #[test]
    fn infeasible_points_name_the_constraint_they_break_and_are_never_chosen() {
        let records = [
            record(0, &[(0.99, 9000, 10), (0.99, 9100, 10)]),
            record(1, &[(0.95, 4000, 10), (0.96, 4100, 10)]),
        ];
        let c = decide(
            &records,
            &["attempts_to_dead <= 5000", "delivery_rate >= 0.5"],
            0,
        );
        assert_eq!(c.breaks, [vec![0], vec![]]);
        assert_eq!(c.best, Some(1));
        let none = decide(&records, &["attempts_to_dead <= 100"], 0);
        assert_eq!((none.best, none.leader), (None, None));
        assert_eq!(none.breaks, [vec![0], vec![0]]);
    }
}
