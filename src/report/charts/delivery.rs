//! Chart `delivery_rate`: mean delivery rate with its 95% band against the first swept
//! key, one line per value of the second.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::frame;
use super::input::Input;
use super::legend::{self, Entry, Mark};
use super::lines::{self, Panel, XScale};
use super::output::Chart;
use super::palette::MUTED;
use super::series::{MetricLines, metric_lines};

/// The delivery-rate line chart, ready to draw.
pub struct DeliveryChart {
    title: String,
    lines: MetricLines,
    line_key: Option<String>,
    note: Option<String>,
}

impl DeliveryChart {
    /// Builds the chart, or says why it cannot be drawn.
    pub fn new(input: &Input) -> Result<DeliveryChart, String> {
        let x_key = input.keys.first().ok_or("no swept key")?;
        let line_key = input.keys.get(1).map(String::as_str);
        let lines = metric_lines(input, x_key, line_key, "delivery_rate", 100.0)
            .ok_or("aggregate.csv has no delivery_rate_mean column")?;
        let free: Vec<&str> = std::iter::once(x_key.as_str()).chain(line_key).collect();
        Ok(DeliveryChart {
            title: format!("{}: delivery rate by {x_key}", input.name),
            lines,
            line_key: line_key.map(str::to_owned),
            note: input.fixed_note(&free),
        })
    }
}

impl Chart for DeliveryChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let (plot, side) = frame::with_legend(root, &self.title)?;
        let series = self.lines.series.clone();
        let panel = Panel {
            caption: self.note.clone().unwrap_or_default(),
            x: XScale::for_key(&self.lines.axis),
            y_label: "delivery rate (% of messages)".to_owned(),
            y_range: lines::fit_range(&series, 0.0..100.0),
            series,
        };
        lines::draw(&plot, &panel)?;
        let mut entries: Vec<Entry> = panel
            .series
            .iter()
            .map(|s| Entry::new(s.label.clone(), s.colour, Mark::Line))
            .collect();
        entries.push(Entry::new("shaded: 95% interval", MUTED, Mark::Band));
        legend::draw(&side, self.line_key.as_deref(), &entries)
    }
}
