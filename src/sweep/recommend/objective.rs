//! `[objective]`: what the recommendation optimises and the constraints it must meet.

use crate::metrics::RunMetrics;
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

/// `metric op bound`, judged on the metric's mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// Metric name (a column of `summary.csv`).
    pub metric: String,
    /// The comparison.
    pub op: Op,
    /// The bound.
    pub bound: f64,
}

fn known_metric(name: &str, names: &[String]) -> Result<usize, String> {
    names.iter().position(|n| n == name).ok_or_else(|| {
        format!(
            "objective: {name:?} is not a metric; metrics are the columns of summary.csv: {}",
            names.join(", ")
        )
    })
}

impl Constraint {
    /// Parses `false_suppression_rate <= 0.005`.
    pub fn parse(text: &str) -> Result<Constraint, String> {
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
        let metric = text[..at].trim().to_string();
        let bound_text = text[at + symbol.len()..].trim();
        known_metric(&metric, &RunMetrics::names())?;
        let bound = bound_text.parse::<f64>().map_err(|_| {
            format!("objective.constraints: in {text:?}, {bound_text:?} is not a number")
        })?;
        Ok(Constraint { metric, op, bound })
    }

    /// The constraint as written: `attempts_to_dead <= 5000`.
    pub fn text(&self) -> String {
        format!("{} {} {}", self.metric, self.op.symbol(), self.bound)
    }

    /// Whether the point's mean meets the constraint (a missing mean does not).
    pub fn holds(&self, p: &PointStats) -> bool {
        let m = known_metric(&self.metric, &RunMetrics::names()).expect("checked when parsed");
        p.metrics[m].mean.mean.is_some_and(|x| match self.op {
            Op::AtMost => x <= self.bound,
            Op::Below => x < self.bound,
            Op::AtLeast => x >= self.bound,
            Op::Above => x > self.bound,
        })
    }
}

/// The objective of the recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    /// The metric optimised.
    pub metric: String,
    /// Maximised (else minimised).
    pub maximize: bool,
    /// Constraints every feasible point meets.
    pub constraints: Vec<Constraint>,
}

impl Objective {
    /// Reads `[objective]`; without it, maximize delivery_rate with no constraints.
    pub fn parse(table: Option<&toml::Table>) -> Result<Objective, String> {
        let empty = toml::Table::new();
        let t = table.unwrap_or(&empty);
        if let Some(key) = t
            .keys()
            .find(|k| !matches!(k.as_str(), "maximize" | "minimize" | "constraints"))
        {
            return Err(format!(
                "objective.{key} is not a key of [objective] (maximize, minimize, constraints)"
            ));
        }
        let text = |key: &str| -> Result<Option<String>, String> {
            t.get(key)
                .map(|v| {
                    v.as_str()
                        .map(String::from)
                        .ok_or(format!("objective.{key} must be a metric name"))
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
        known_metric(&metric, &RunMetrics::names())?;
        let constraints = match t.get("constraints") {
            None => Vec::new(),
            Some(toml::Value::Array(list)) => list
                .iter()
                .map(|c| {
                    c.as_str()
                        .ok_or("objective.constraints must be a list of strings".to_string())
                        .and_then(Constraint::parse)
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("objective.constraints must be a list of strings".into()),
        };
        Ok(Objective {
            metric,
            maximize,
            constraints,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_read_metric_operator_and_bound() {
        let c = Constraint::parse("false_suppression_rate <= 0.005").unwrap();
        assert_eq!(c.metric, "false_suppression_rate");
        assert_eq!(c.op, Op::AtMost);
        assert_eq!(c.bound, 0.005);
        assert_eq!(Constraint::parse("delivered>3").unwrap().op, Op::Above);
        assert_eq!(Constraint::parse("delivered < 3").unwrap().op, Op::Below);
    }

    #[test]
    fn bad_constraints_are_explained() {
        assert!(
            Constraint::parse("delivery_rate 0.9")
                .unwrap_err()
                .contains("no operator")
        );
        assert!(
            Constraint::parse("nonsense <= 1")
                .unwrap_err()
                .contains("not a metric")
        );
        assert!(
            Constraint::parse("delivered >= lots")
                .unwrap_err()
                .contains("not a number")
        );
    }

    #[test]
    fn the_default_objective_maximises_delivery_rate() {
        let o = Objective::parse(None).unwrap();
        assert_eq!((o.metric.as_str(), o.maximize), ("delivery_rate", true));
        let both: toml::Table = "maximize = \"delivered\"\nminimize = \"attempts\""
            .parse()
            .unwrap();
        assert!(Objective::parse(Some(&both)).is_err());
    }
}
