//! Chart `paired`: every point's paired difference from the baseline in the objective's
//! metric, with its 95% interval, one row per point.
//!
//! The difference is measured replication by replication (every point sees the same
//! world), so its interval is the one that says whether two settings really differ. A
//! row whose interval crosses the zero line cannot be told from the baseline.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Skip;
use super::axis::format_number;
use super::frame::{self, LABEL_SIZE, TICK_SIZE, text};
use super::input::Input;
use super::legend::{self, Entry, Mark};
use super::lines::WARNING;
use super::output::Chart;
use super::palette::{self, MUTED};

/// One row: label, difference, half-width, whether it breaks a constraint.
struct Row {
    label: String,
    diff: f64,
    half: f64,
    infeasible: bool,
}

/// The paired-difference chart, ready to draw.
pub struct PairedChart {
    title: String,
    x_label: String,
    rows: Vec<Row>,
}

impl PairedChart {
    /// Builds the chart, or says why it cannot be drawn.
    pub fn new(input: &Input) -> Result<PairedChart, Skip> {
        if input.keys.is_empty() {
            return Err(Skip::NotApplicable);
        }
        let metric = input
            .objective
            .as_ref()
            .map_or("delivery_rate", |o| o.metric());
        let table = input.aggregate.as_ref().ok_or(Skip::NotApplicable)?;
        let (mean, ci) = (format!("{metric}_diff_mean"), format!("{metric}_diff_ci95"));
        table
            .column(&mean)
            .ok_or_else(|| Skip::missing(format!("aggregate.csv has no {mean} column")))?;
        let scale = if metric.ends_with("_rate") {
            100.0
        } else {
            1.0
        };
        let infeasible: Vec<&str> = input
            .recommendation
            .iter()
            .flat_map(|t| {
                t.rows
                    .iter()
                    .filter(|r| t.cell(r, "status") == Some("infeasible"))
                    .filter_map(|r| t.cell(r, "point"))
            })
            .collect();
        let rows = input
            .points()
            .into_iter()
            .filter_map(|row| {
                let point = table.cell(row, "point")?;
                Some(Row {
                    label: input.numbered_label(point),
                    diff: table.f64(row, &mean)? * scale,
                    half: table.f64(row, &ci).unwrap_or(0.0) * scale,
                    infeasible: infeasible.contains(&point),
                })
            })
            .collect::<Vec<_>>();
        if rows.is_empty() {
            return Err(Skip::missing(format!(
                "aggregate.csv has no values of {mean}"
            )));
        }
        let unit = if scale == 100.0 {
            "percentage points"
        } else {
            "per run"
        };
        Ok(PairedChart {
            title: format!(
                "{}: {metric}, paired difference from the baseline",
                input.name
            ),
            x_label: format!("difference in {metric} ({unit}), 95% paired interval"),
            rows,
        })
    }

    /// Room for the longest row label, so that none is cut at the left edge: about 9
    /// pixels a character at the tick font size, within bounds that leave the plot most
    /// of the width.
    fn label_width(&self) -> u32 {
        let longest = self.rows.iter().map(|r| r.label.chars().count()).max();
        let width = longest.unwrap_or(0) as u32 * 9 + 24;
        width.clamp(120, 560)
    }

    fn x_range(&self) -> std::ops::Range<f64> {
        let (lo, hi) = self.rows.iter().fold((0.0_f64, 0.0_f64), |(lo, hi), r| {
            (lo.min(r.diff - r.half), hi.max(r.diff + r.half))
        });
        let pad = ((hi - lo) * 0.06).max(1e-9);
        (lo - pad)..(hi + pad)
    }
}

impl Chart for PairedChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let (plot, side) = frame::with_legend(root, &self.title)?;
        let n = self.rows.len();
        let label_of = |y: &f64| {
            let i = y.round();
            let on_row = (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n;
            if on_row {
                self.rows[n - 1 - i as usize].label.clone()
            } else {
                String::new()
            }
        };
        let x_range = self.x_range();
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(64)
            .y_label_area_size(self.label_width())
            .build_cartesian_2d(x_range.clone(), -0.7..(n as f64 - 0.3))?;
        chart
            .configure_mesh()
            .y_labels(n)
            .y_label_formatter(&label_of)
            .x_label_formatter(&|v| format_number(*v))
            .x_desc(self.x_label.as_str())
            .label_style(text(TICK_SIZE.min(if n > 20 { 12 } else { 16 })))
            .axis_desc_style(text(LABEL_SIZE))
            .max_light_lines(0)
            .bold_line_style(RGBColor(0xEE, 0xEE, 0xEE))
            .draw()?;
        let zero = [(0.0, -0.7), (0.0, n as f64 - 0.3)];
        chart.draw_series(std::iter::once(PathElement::new(
            zero,
            MUTED.stroke_width(2),
        )))?;
        let blue = palette::series(0);
        for (k, r) in self.rows.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            let colour = if r.infeasible { WARNING } else { blue };
            let bar = [(r.diff - r.half, y), (r.diff + r.half, y)];
            chart.draw_series(std::iter::once(PathElement::new(
                bar,
                colour.stroke_width(3),
            )))?;
            if r.infeasible {
                chart.draw_series(std::iter::once(Cross::new(
                    (r.diff, y),
                    6,
                    colour.stroke_width(3),
                )))?;
            } else {
                chart.draw_series(std::iter::once(Circle::new(
                    (r.diff, y),
                    5,
                    colour.filled(),
                )))?;
            }
        }
        let entries = [
            Entry::new("paired difference, 95% interval", blue, Mark::Line),
            Entry::new("breaks a constraint", WARNING, Mark::Cross),
            Entry::new("grey line: no difference", MUTED, Mark::Rule),
        ];
        legend::draw(&side, None, &entries)
    }
}
