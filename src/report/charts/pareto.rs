//! Chart `pareto`: the trade-off between delivery rate and false suppressions, with the
//! Pareto front highlighted and the recommended point marked and labelled.
//!
//! The front drawn is the front of the two metrics drawn, among the points that meet
//! the objective's constraints: a point is on it when no other feasible point has both
//! a higher delivery rate and fewer false suppressions. Points that break a constraint
//! are crosses, whatever their position, since they cannot be chosen.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::sweep::recommend::explain::setting;

use super::Skip;
use super::axis::{format_number, short_key};
use super::frame::{self, LABEL_SIZE, TICK_SIZE, coloured_text, text};
use super::input::Input;
use super::legend::{self, Entry, Mark};
use super::output::Chart;
use super::palette::{self, MUTED};

/// One point of the scatter: (false suppressions, delivery rate in %).
type Xy = (f64, f64);

/// Colour of the points that break a constraint, as in the decision chart.
const INFEASIBLE: RGBColor = super::lines::WARNING;

/// For each point, whether it is on the front of (fewer false suppressions, higher
/// delivery rate) among the points whose status is not `infeasible`.
pub fn front_of_feasible(points: &[(Xy, &str)]) -> Vec<bool> {
    let coords: Vec<[f64; 3]> = points.iter().map(|((x, y), _)| [*x, -*y, 0.0]).collect();
    let feasible: Vec<usize> = (0..points.len())
        .filter(|&i| points[i].1 != "infeasible")
        .collect();
    let sub: Vec<[f64; 3]> = feasible.iter().map(|&i| coords[i]).collect();
    let mut on = vec![false; points.len()];
    for (k, front) in crate::sweep::recommend::pareto_front(&sub)
        .into_iter()
        .enumerate()
    {
        on[feasible[k]] = front;
    }
    on
}

/// The Pareto scatter, ready to draw.
pub struct ParetoChart {
    title: String,
    dominated: Vec<Xy>,
    front: Vec<Xy>,
    /// Every front point, the recommended one and ties included, in x order.
    front_line: Vec<Xy>,
    ties: Vec<Xy>,
    infeasible: Vec<Xy>,
    recommended: Option<(Xy, String)>,
}

impl ParetoChart {
    /// Builds the chart, or says why it cannot be drawn.
    pub fn new(input: &Input) -> Result<ParetoChart, Skip> {
        let table = match &input.recommendation {
            Some(table) => table,
            // `retrysim run` writes no recommendation.csv; only a sweep folder should.
            None if input.keys.is_empty() => return Err(Skip::NotApplicable),
            None => return Err(Skip::missing("no recommendation.csv")),
        };
        for column in ["delivery_rate_mean", "false_suppressions_mean"] {
            table.column(column).ok_or_else(|| {
                Skip::missing(format!("recommendation.csv has no '{column}' column"))
            })?;
        }
        let keys = table.swept_keys();
        let mut chart = ParetoChart {
            title: format!("{}: delivery rate vs false suppressions", input.name),
            dominated: Vec::new(),
            front: Vec::new(),
            front_line: Vec::new(),
            ties: Vec::new(),
            infeasible: Vec::new(),
            recommended: None,
        };
        let rows: Vec<(Xy, &str, &[String])> = table
            .rows
            .iter()
            .filter_map(|row| {
                let x = table.f64(row, "false_suppressions_mean")?;
                let y = table.f64(row, "delivery_rate_mean")?;
                Some((
                    (x, y * 100.0),
                    table.cell(row, "status").unwrap_or(""),
                    row.as_slice(),
                ))
            })
            .collect();
        let on_front = front_of_feasible(&rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>());
        for (&(xy, status, row), front) in rows.iter().zip(on_front) {
            if front {
                chart.front_line.push(xy);
            }
            match status {
                "recommended" => {
                    let values = keys.iter().map(|k| {
                        format!(
                            "{}={}",
                            short_key(k),
                            setting(table.cell(row, k).unwrap_or(""))
                        )
                    });
                    let label = values.collect::<Vec<_>>().join(", ");
                    // The point number ties the mark to the report's table.
                    let point = table.cell(row, "point").unwrap_or("?");
                    let text = format!("recommended: {point}: {label}");
                    chart.recommended = Some((xy, text));
                }
                "tie" => chart.ties.push(xy),
                "infeasible" => chart.infeasible.push(xy),
                _ if front => chart.front.push(xy),
                _ => chart.dominated.push(xy),
            }
        }
        chart
            .front_line
            .sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        if chart.all_points().next().is_none() {
            return Err(Skip::missing("recommendation.csv has no usable rows"));
        }
        Ok(chart)
    }

    fn all_points(&self) -> impl Iterator<Item = Xy> + '_ {
        let recommended = self.recommended.iter().map(|r| r.0);
        self.dominated
            .iter()
            .chain(&self.infeasible)
            .chain(&self.front)
            .chain(&self.ties)
            .copied()
            .chain(recommended)
    }

    fn ranges(&self) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
        let fold = |f: fn(Xy) -> f64| {
            self.all_points()
                .map(f)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(v), hi.max(v))
                })
        };
        let (_, x_hi) = fold(|p| p.0);
        let (y_lo, y_hi) = fold(|p| p.1);
        let y_pad = ((y_hi - y_lo) * 0.1).max(0.5);
        let x_hi = (x_hi * 1.12).max(1.0);
        // A small negative start keeps points with no false suppressions off the axis.
        (
            -x_hi * 0.02..x_hi,
            (y_lo - y_pad).max(0.0)..(y_hi + y_pad).min(100.5),
        )
    }

    fn legend_entries(&self) -> Vec<Entry> {
        let mut entries = Vec::new();
        let groups = [
            (
                !self.front_line.is_empty(),
                "Pareto front",
                palette::series(0),
                Mark::Line,
            ),
            (
                !self.ties.is_empty(),
                "tie with recommended",
                palette::series(3),
                Mark::Dot,
            ),
            (
                self.recommended.is_some(),
                "recommended",
                palette::series(1),
                Mark::Triangle,
            ),
            (!self.dominated.is_empty(), "other points", MUTED, Mark::Dot),
            (
                !self.infeasible.is_empty(),
                "breaks a constraint",
                INFEASIBLE,
                Mark::Cross,
            ),
        ];
        for (present, label, colour, mark) in groups {
            if present {
                entries.push(Entry::new(label, colour, mark));
            }
        }
        entries
    }
}

impl Chart for ParetoChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let (plot, side) = frame::with_legend(root, &self.title)?;
        let (x_range, y_range) = self.ranges();
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(64)
            .y_label_area_size(96)
            .build_cartesian_2d(x_range.clone(), y_range)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|v| format_number(*v))
            .y_label_formatter(&|v| format_number(*v))
            .x_desc("false suppressions (mean contacts per run; lower is better)")
            .y_desc("delivery rate (% of messages; higher is better)")
            .label_style(text(TICK_SIZE))
            .axis_desc_style(text(LABEL_SIZE))
            .max_light_lines(0)
            .bold_line_style(RGBColor(0xDD, 0xDD, 0xDD))
            .draw()?;
        let dot =
            |colour: RGBColor, size: i32| move |p: &Xy| Circle::new(*p, size, colour.filled());
        chart.draw_series(self.dominated.iter().map(dot(MUTED, 6)))?;
        let cross = |p: &Xy| Cross::new(*p, 7, INFEASIBLE.stroke_width(3));
        chart.draw_series(self.infeasible.iter().map(cross))?;
        let blue = palette::series(0);
        chart.draw_series(LineSeries::new(
            self.front_line.iter().copied(),
            blue.stroke_width(2),
        ))?;
        chart.draw_series(self.front.iter().map(dot(blue, 7)))?;
        chart.draw_series(self.ties.iter().map(dot(palette::series(3), 8)))?;
        if let Some((xy, label)) = &self.recommended {
            let colour = palette::series(1);
            chart.draw_series(std::iter::once(TriangleMarker::new(
                *xy,
                14,
                colour.filled(),
            )))?;
            let right_half = xy.0 > (x_range.start + x_range.end) / 2.0;
            let (h, dx) = if right_half {
                (HPos::Right, -16)
            } else {
                (HPos::Left, 16)
            };
            let style = coloured_text(TICK_SIZE, colour).pos(Pos::new(h, VPos::Bottom));
            let marker = EmptyElement::at(*xy) + Text::new(label.clone(), (dx, -12), style);
            chart.draw_series(std::iter::once(marker))?;
        }
        legend::draw(&side, None, &self.legend_entries())
    }
}

#[cfg(test)]
mod tests {
    use super::front_of_feasible;

    #[test]
    fn the_front_is_that_of_the_two_drawn_metrics_among_feasible_points() {
        let points = [
            ((10.0, 97.0), "feasible"),    // on the front
            ((50.0, 90.0), "feasible"),    // worse on both drawn axes: not on it
            ((5.0, 99.0), "infeasible"),   // would dominate everything, but cannot be chosen
            ((30.0, 98.0), "recommended"), // more deliveries for more suppressions: on it
        ];
        assert_eq!(front_of_feasible(&points), [true, false, false, true]);
    }
}
