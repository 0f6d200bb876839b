//! Chart `decision`: one panel per metric the recommendation looks at (the objective's
//! metric, then each constraint's), against the swept key, with each constraint's bound
//! drawn as a dashed line and the points that break a constraint marked with a cross.
//!
//! It shows why a point was ruled out: a reader sees the threshold at which attempts to
//! dead contacts cross the cap, next to the delivery rate that would have been gained.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Skip;
use super::frame;
use super::input::Input;
use super::legend::{self, Entry, Mark};
use super::lines::{self, Panel, WARNING, XScale};
use super::output::Chart;
use super::series::{MetricLines, metric_lines};

/// One panel: the metric, its lines, bounds and crosses (in the panel's units).
struct MetricPanel {
    metric: String,
    unit: &'static str,
    lines: MetricLines,
    bounds: Vec<f64>,
    crosses: Vec<(f64, f64)>,
}

/// The decision chart, ready to draw.
pub struct DecisionChart {
    title: String,
    panels: Vec<MetricPanel>,
    line_key: Option<String>,
}

/// Rates are drawn in percent; other metrics as they are.
fn scale_of(metric: &str) -> (f64, &'static str) {
    if metric.ends_with("_rate") {
        (100.0, "%")
    } else {
        (1.0, "mean per run")
    }
}

impl DecisionChart {
    /// Builds the chart, or says why it cannot be drawn.
    pub fn new(input: &Input) -> Result<DecisionChart, Skip> {
        let (x_key, line_key) = input.plot_keys().ok_or(Skip::NotApplicable)?;
        let objective = input.objective.as_ref().ok_or(Skip::NotApplicable)?;
        let mut metrics: Vec<&str> = vec![objective.metric()];
        for c in objective.constraints() {
            if !metrics.contains(&c.metric()) {
                metrics.push(c.metric());
            }
        }
        let infeasible = infeasible_points(input);
        let mut panels = Vec::new();
        for metric in metrics {
            let (scale, unit) = scale_of(metric);
            let Some(lines) = metric_lines(input, x_key, line_key, metric, scale) else {
                return Err(Skip::missing(format!("aggregate.csv has no {metric}_mean")));
            };
            let bounds = objective
                .constraints()
                .iter()
                .filter(|c| c.metric() == metric)
                .map(|c| c.bound() * scale)
                .collect();
            let crosses = crosses(input, x_key, line_key, metric, scale, &lines, &infeasible);
            panels.push(MetricPanel {
                metric: metric.to_owned(),
                unit,
                lines,
                bounds,
                crosses,
            });
        }
        let verb = if objective.maximize() {
            "maximize"
        } else {
            "minimize"
        };
        let dashed = if objective.constraints().is_empty() {
            ""
        } else {
            ", dashed: constraint bound"
        };
        Ok(DecisionChart {
            title: format!(
                "{}: what decides ({verb} {}{dashed})",
                input.name,
                objective.metric()
            ),
            panels,
            line_key: line_key.map(str::to_owned),
        })
    }
}

/// Point numbers whose status in `recommendation.csv` is `infeasible`.
fn infeasible_points(input: &Input) -> Vec<String> {
    let Some(table) = &input.recommendation else {
        return Vec::new();
    };
    table
        .rows
        .iter()
        .filter(|r| table.cell(r, "status") == Some("infeasible"))
        .filter_map(|r| table.cell(r, "point").map(str::to_owned))
        .collect()
}

/// Positions of the infeasible points among the rows the lines show.
fn crosses(
    input: &Input,
    x_key: &str,
    line_key: Option<&str>,
    metric: &str,
    scale: f64,
    lines: &MetricLines,
    infeasible: &[String],
) -> Vec<(f64, f64)> {
    let Some(table) = &input.aggregate else {
        return Vec::new();
    };
    let free: Vec<&str> = std::iter::once(x_key).chain(line_key).collect();
    input
        .slice(&free)
        .into_iter()
        .filter(|row| {
            table
                .cell(row, "point")
                .is_some_and(|p| infeasible.iter().any(|i| i == p))
        })
        .filter_map(|row| {
            let x = lines.axis.position(table.cell(row, x_key)?)?;
            Some((x, table.f64(row, &format!("{metric}_mean"))? * scale))
        })
        .collect()
}

impl Chart for DecisionChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let (plot, side) = frame::with_legend(root, &self.title)?;
        let areas = plot.split_evenly((1, self.panels.len()));
        for (p, area) in self.panels.iter().zip(&areas) {
            let fitted = lines::fit_range(&p.lines.series, f64::NEG_INFINITY..f64::INFINITY);
            let lo = p.bounds.iter().fold(fitted.start, |a, b| a.min(*b));
            let hi = p.bounds.iter().fold(fitted.end, |a, b| a.max(*b));
            let pad = (hi - lo) * 0.04;
            let panel = Panel {
                caption: p.metric.replace('_', " "),
                x: XScale::for_key(&p.lines.axis),
                y_label: format!("{} ({})", p.metric.replace('_', " "), p.unit),
                y_range: (lo - pad)..(hi + pad),
                series: p.lines.series.clone(),
                guides: p.bounds.clone(),
                crosses: p.crosses.clone(),
            };
            lines::draw(area, &panel)?;
        }
        // A line is only called hidden when it hides in every panel.
        let first = &self.panels[0].lines.series;
        let hidden: Vec<Option<usize>> = (0..first.len())
            .map(|i| {
                let mut under = self.panels.iter().map(|p| {
                    let span = lines::fit_range(&p.lines.series, f64::NEG_INFINITY..f64::INFINITY);
                    lines::hidden_under(&p.lines.series, span.end - span.start)[i]
                });
                let candidate = under.next().flatten()?;
                under.all(|u| u == Some(candidate)).then_some(candidate)
            })
            .collect();
        let mut entries = legend::line_entries(first, &hidden);
        entries.extend(legend::band_entry(first));
        if self.panels.iter().any(|p| !p.bounds.is_empty()) {
            entries.push(Entry::new(
                "dashed: constraint bound",
                WARNING,
                Mark::Dashed,
            ));
        }
        if self.panels.iter().any(|p| !p.crosses.is_empty()) {
            entries.push(Entry::new("breaks a constraint", WARNING, Mark::Cross));
        }
        legend::draw(&side, self.line_key.as_deref(), &entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::Table;

    #[test]
    fn constraint_metrics_get_a_panel_with_their_bound_and_crosses_on_broken_points() {
        let aggregate = "point,replications,policy.soft_bounce_threshold,delivery_rate_mean,\
                         attempts_to_dead_mean\n0,3,1,0.90,100\n1,3,5,0.95,400\n2,3,20,0.97,900\n";
        let recommendation = "point,policy.soft_bounce_threshold,status\n0,1,feasible\n\
                              1,5,recommended\n2,20,infeasible\n";
        let aggregate = Table::from_reader(aggregate.as_bytes()).unwrap();
        let table: toml::Table = "maximize = \"delivery_rate\"\n\
                                  constraints = [\"attempts_to_dead <= 500\"]"
            .parse()
            .unwrap();
        let input = Input {
            keys: aggregate.swept_keys(),
            aggregate: Some(aggregate),
            recommendation: Some(Table::from_reader(recommendation.as_bytes()).unwrap()),
            objective: Some(crate::sweep::recommend::Objective::parse(Some(&table)).unwrap()),
            ..Input::default()
        };
        let chart = DecisionChart::new(&input).unwrap();
        let metrics: Vec<&str> = chart.panels.iter().map(|p| p.metric.as_str()).collect();
        assert_eq!(metrics, ["delivery_rate", "attempts_to_dead"]);
        assert!(chart.panels[0].bounds.is_empty());
        assert_eq!(chart.panels[1].bounds, [500.0]);
        let x20 = chart.panels[1].lines.axis.position("20").unwrap();
        assert_eq!(chart.panels[1].crosses, [(x20, 900.0)]);
        assert_eq!(chart.panels[0].crosses, [(x20, 97.0)]);
    }
}
