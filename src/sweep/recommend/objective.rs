//! `[objective]`: what the recommendation optimises and the constraints it must meet.

use crate::metrics::RunMetrics;
use crate::sweep::SweepError;
use crate::sweep::aggregate::PointStats;

/// A comparison in a constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `<=`
    AtMost,
    /// `<`
    Below,
    /// `>=`
    AtLeast,
    /// `>`
    Above,
}

impl Op {
    /// The operator as written in a constraint.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::AtMost => "<=",
            Op::Below => "<",
            Op::AtLeast => ">=",
            Op::Above => ">",
        }
    }
}

/// `metric op bound`, judged on the metric's mean. Built only through
/// [`Constraint::new`] or [`Constraint::parse`], which check the metric and the bound,
/// so a constraint in hand can always be judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    metric: String,
    /// Position of `metric` in [`RunMetrics::names`].
    index: usize,
    op: Op,
    bound: f64,
}

fn known_metric(name: &str, names: &[String]) -> Result<usize, SweepError> {
    names.iter().position(|n| n == name).ok_or_else(|| {
        format!(
            "objective: {name:?} is not a metric; metrics are the columns of summary.csv: {}",
            names.join(", ")
        )
        .into()
    })
}

impl Constraint {
    /// `metric op bound`; the metric must be a column of `summary.csv` and the bound a
    /// finite number.
    pub fn new(metric: &str, op: Op, bound: f64) -> Result<Constraint, SweepError> {
        let index = known_metric(metric, &RunMetrics::names())?;
        if !bound.is_finite() {
            return Err(format!(
                "objective.constraints: the bound of {metric} must be a finite number, got {bound}"
            )
            .into());
        }
        Ok(Constraint {
            metric: metric.to_string(),
            index,
            op,
            bound,
        })
    }

    /// The metric's name (a column of `summary.csv`).
    pub fn metric(&self) -> &str {
        &self.metric
    }

    /// The comparison.
    pub fn op(&self) -> Op {
        self.op
    }

    /// The bound.
    pub fn bound(&self) -> f64 {
        self.bound
    }

    /// Parses `false_suppression_rate <= 0.005`.
    pub fn parse(text: &str) -> Result<Constraint, SweepError> {
        let ops = [
            ("<=", Op::AtMost),
            (">=", Op::AtLeast),
            ("<", Op::Below),
            (">", Op::Above),
        ];
        let (at, symbol, op) = ops
            .iter()
            .filter_map(|(s, op)| text.find(s).map(|at| (at, *s, *op)))
            .min_by_key(|(at, _, _)| *at)
            .ok_or_else(|| {
                format!("objective.constraints: {text:?} has no operator (<=, <, >=, >)")
            })?;
        let metric = text[..at].trim();
        let bound_text = text[at + symbol.len()..].trim();
        known_metric(metric, &RunMetrics::names())?;
        let bound = bound_text.parse::<f64>().map_err(|_| {
            format!("objective.constraints: in {text:?}, {bound_text:?} is not a number")
        })?;
        Constraint::new(metric, op, bound)
    }

    /// The constraint as written: `attempts_to_dead <= 5000`.
    pub fn text(&self) -> String {
        format!("{} {} {}", self.metric, self.op.symbol(), self.bound)
    }

    /// Whether the point's mean meets the constraint (a missing mean does not, nor a
    /// point without this metric).
    pub fn holds(&self, p: &PointStats) -> bool {
        let mean = p.metrics.get(self.index).and_then(|m| m.mean.mean);
        mean.is_some_and(|x| match self.op {
            Op::AtMost => x <= self.bound,
            Op::Below => x < self.bound,
            Op::AtLeast => x >= self.bound,
            Op::Above => x > self.bound,
        })
    }
}

/// The objective of the recommendation. Built only through [`Objective::new`] or
/// [`Objective::parse`], which check the metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    metric: String,
    /// Position of `metric` in [`RunMetrics::names`].
    index: usize,
    maximize: bool,
    constraints: Vec<Constraint>,
}

impl Objective {
    /// Optimise `metric` (a column of `summary.csv`), maximised or minimised, among the
    /// points that meet every constraint.
    pub fn new(
        metric: &str,
        maximize: bool,
        constraints: Vec<Constraint>,
    ) -> Result<Objective, SweepError> {
        Ok(Objective {
            index: known_metric(metric, &RunMetrics::names())?,
            metric: metric.to_string(),
            maximize,
            constraints,
        })
    }

    /// The metric optimised.
    pub fn metric(&self) -> &str {
        &self.metric
    }

    /// The metric's position in [`RunMetrics::names`] (and in `PointStats::metrics`).
    pub fn metric_index(&self) -> usize {
        self.index
    }

    /// Whether the metric is maximised (else minimised).
    pub fn maximize(&self) -> bool {
        self.maximize
    }

    /// The constraints every feasible point meets.
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// Reads `[objective]`; without it, maximize delivery_rate with no constraints.
    pub fn parse(table: Option<&toml::Table>) -> Result<Objective, SweepError> {
        let empty = toml::Table::new();
        let t = table.unwrap_or(&empty);
        if let Some(key) = t
            .keys()
            .find(|k| !matches!(k.as_str(), "maximize" | "minimize" | "constraints"))
        {
            return Err(format!(
                "objective.{key} is not a key of [objective] (maximize, minimize, constraints)"
            )
            .into());
        }
        let text = |key: &str| -> Result<Option<String>, SweepError> {
            t.get(key)
                .map(|v| {
                    v.as_str()
                        .map(String::from)
                        .ok_or_else(|| format!("objective.{key} must be a metric name").into())
                })
                .transpose()
        };
        let (metric, maximize) = match (text("maximize")?, text("minimize")?) {
            (Some(_), Some(_)) => {
                return Err("objective: give maximize or minimize, not both".into());
            }
            (Some(m), None) => (m, true),
            (None, Some(m)) => (m, false),
            (None, None) => ("delivery_rate".to_string(), true),
        };
        let constraints = match t.get("constraints") {
            None => Vec::new(),
            Some(toml::Value::Array(list)) => list
                .iter()
                .map(|c| {
                    c.as_str()
                        .ok_or(SweepError::from(
                            "objective.constraints must be a list of strings",
                        ))
                        .and_then(Constraint::parse)
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("objective.constraints must be a list of strings".into()),
        };
        Objective::new(&metric, maximize, constraints)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_read_metric_operator_and_bound() {
        let c = Constraint::parse("false_suppression_rate <= 0.005").unwrap();
        assert_eq!(c.metric(), "false_suppression_rate");
        assert_eq!(c.op(), Op::AtMost);
        assert_eq!(c.bound(), 0.005);
        assert_eq!(Constraint::parse("delivered>3").unwrap().op(), Op::Above);
        assert_eq!(Constraint::parse("delivered < 3").unwrap().op(), Op::Below);
    }

    #[test]
    fn bad_constraints_are_explained() {
        assert!(
            Constraint::parse("delivery_rate 0.9")
                .unwrap_err()
                .message()
                .contains("no operator")
        );
        assert!(
            Constraint::parse("nonsense <= 1")
                .unwrap_err()
                .message()
                .contains("not a metric")
        );
        assert!(
            Constraint::parse("delivered >= lots")
                .unwrap_err()
                .message()
                .contains("not a number")
        );
    }

    #[test]
    fn the_default_objective_maximises_delivery_rate() {
        let o = Objective::parse(None).unwrap();
        assert_eq!((o.metric(), o.maximize()), ("delivery_rate", true));
        let both: toml::Table = "maximize = \"delivered\"\nminimize = \"attempts\""
            .parse()
            .unwrap();
        assert!(Objective::parse(Some(&both)).is_err());
    }

    #[test]
    fn hand_built_objectives_and_constraints_are_checked_when_built() {
        assert!(Objective::new("nonsense", true, Vec::new()).is_err());
        assert!(Constraint::new("nonsense", Op::AtMost, 1.0).is_err());
        assert!(Constraint::new("delivered", Op::AtMost, f64::NAN).is_err());
        let o = Objective::new("attempts", false, Vec::new()).unwrap();
        assert_eq!(RunMetrics::names()[o.metric_index()], "attempts");
    }

    #[test]
    fn a_constraint_on_a_point_without_its_metric_does_not_hold() {
        let c = Constraint::new("delivered", Op::AtLeast, 0.0).unwrap();
        let empty = PointStats {
            index: 0,
            replications: 0,
            metrics: Vec::new(),
        };
        assert!(!c.holds(&empty));
    }
}
