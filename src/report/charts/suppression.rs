//! Chart `suppressions`: suppressed contacts and false suppressions (means) against the
//! soft-bounce threshold, or the first swept key when the threshold was not swept.
//!
//! The two counts differ by orders of magnitude, so each gets its own panel and scale.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Skip;
use super::frame;
use super::input::Input;
use super::legend;
use super::lines::{self, Panel, XScale};
use super::output::Chart;
use super::series::{MetricLines, metric_lines};

/// Metrics shown, with the caption of their panel.
const METRICS: [(&str, &str); 2] = [
    ("suppressed_contacts", "suppressed contacts"),
    ("false_suppressions", "false suppressions"),
];

/// The two-panel suppression chart, ready to draw.
pub struct SuppressionChart {
    title: String,
    panels: Vec<(&'static str, MetricLines)>,
    line_key: Option<String>,
}

impl SuppressionChart {
    /// Builds the chart, or says why it cannot be drawn.
    pub fn new(input: &Input) -> Result<SuppressionChart, Skip> {
        let (x_key, line_key) = input.plot_keys().ok_or(Skip::NotApplicable)?;
        let panels: Vec<_> = METRICS
            .iter()
            .filter_map(|(metric, caption)| {
                metric_lines(input, x_key, line_key, metric, 1.0).map(|l| (*caption, l))
            })
            .collect();
        if panels.is_empty() {
            return Err(Skip::missing(
                "aggregate.csv has neither suppressed_contacts_mean nor \
                 false_suppressions_mean",
            ));
        }
        let mut title = format!("{}: suppressions by {x_key}", input.name);
        if input.keys.len() > 2 {
            title.push_str(" (other keys at baseline)");
        }
        Ok(SuppressionChart {
            title,
            panels,
            line_key: line_key.map(str::to_owned),
        })
    }
}

impl Chart for SuppressionChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let (plot, side) = frame::with_legend(root, &self.title)?;
        let areas = plot.split_evenly((1, self.panels.len()));
        for ((caption, lines), area) in self.panels.iter().zip(&areas) {
            let panel = Panel {
                caption: (*caption).to_owned(),
                x: XScale::for_key(&lines.axis),
                y_label: "contacts (mean per run)".to_owned(),
                y_range: lines::fit_range(&lines.series, 0.0..f64::INFINITY),
                series: lines.series.clone(),
                guides: Vec::new(),
                crosses: Vec::new(),
            };
            lines::draw(area, &panel)?;
        }
        // A line is only called hidden when it hides in every panel.
        let first = &self.panels[0].1.series;
        let hidden: Vec<Option<usize>> = (0..first.len())
            .map(|i| {
                let mut under = self.panels.iter().map(|(_, lines)| {
                    let span = lines::fit_range(&lines.series, 0.0..f64::INFINITY);
                    lines::hidden_under(&lines.series, span.end - span.start)[i]
                });
                let candidate = under.next().flatten()?;
                under.all(|u| u == Some(candidate)).then_some(candidate)
            })
            .collect();
        let mut entries = legend::line_entries(first, &hidden);
        entries.extend(legend::band_entry(first));
        legend::draw(&side, self.line_key.as_deref(), &entries)
    }
}
