//! Chart `delivery_rate`: mean delivery rate with its 95% band against the soft-bounce
//! threshold (or the first swept key), one line per value of the other swept key.
//!
//! Delivery rates of sensible settings often lie within a percentage point of each
//! other while one extreme setting (a threshold of 1) loses a tenth of all messages. On
//! one axis that extreme squashes every other line flat, so the chart then adds a second
//! panel zoomed on the main group and names the points it leaves off scale.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Skip;
use super::axis::{KeyAxis, format_number, short_key};
use super::frame;
use super::input::Input;
use super::legend::{self, Entry};
use super::lines::{self, Panel, XScale, Zoom};
use super::output::Chart;
use super::series::{MetricLines, metric_lines};

/// Share of the plot width given to the full-range panel when there is a zoomed one.
const OVERVIEW_SHARE: f64 = 0.4;

/// The delivery-rate line chart, ready to draw.
pub struct DeliveryChart {
    title: String,
    lines: MetricLines,
    line_key: Option<String>,
    note: Option<String>,
    zoom: Option<Zoom>,
}

impl DeliveryChart {
    /// Builds the chart, or says why it cannot be drawn.
    pub fn new(input: &Input) -> Result<DeliveryChart, Skip> {
        let (x_key, line_key) = input.plot_keys().ok_or(Skip::NotApplicable)?;
        let lines = metric_lines(input, x_key, line_key, "delivery_rate", 100.0)
            .ok_or_else(|| Skip::missing("aggregate.csv has no delivery_rate_mean column"))?;
        let free: Vec<&str> = std::iter::once(x_key).chain(line_key).collect();
        Ok(DeliveryChart {
            title: format!("{}: delivery rate (%) by {x_key}", input.name),
            zoom: lines::zoom(&lines.series, 0.0..100.0),
            lines,
            line_key: line_key.map(str::to_owned),
            note: input.fixed_note(&free),
        })
    }

    fn panel(&self, caption: String, y_range: std::ops::Range<f64>) -> Panel {
        Panel {
            caption,
            x: XScale::for_key(&self.lines.axis),
            y_label: "delivery rate (% of messages)".to_owned(),
            y_range,
            series: self.lines.series.clone(),
            guides: Vec::new(),
            crosses: Vec::new(),
        }
    }
}

/// Caption of the zoomed panel, naming where the off-scale points sit.
fn zoom_caption(zoom: &Zoom, axis: &KeyAxis) -> String {
    let mut xs: Vec<f64> = zoom.off_scale.iter().map(|p| p.0).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let key = short_key(axis.label.trim_end_matches(" (log scale)"));
    let ys = zoom.off_scale.iter().map(|p| p.1);
    let (lo, hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
        (lo.min(y), hi.max(y))
    });
    let at = match xs.as_slice() {
        [x] => format!("{key}={}", axis.format(*x)),
        _ => format!("{} points", zoom.off_scale.len()),
    };
    let value = if (hi - lo).abs() < 0.05 {
        format!("{}%", format_number((lo * 10.0).round() / 10.0))
    } else {
        "off scale".to_owned()
    };
    format!("zoomed; {at}: {value}")
}

impl Chart for DeliveryChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let title = match (&self.note, &self.zoom) {
            (Some(note), Some(_)) => format!("{} ({note})", self.title),
            _ => self.title.clone(),
        };
        let (plot, side) = frame::with_legend(root, &title)?;
        let full = lines::fit_range(&self.lines.series, 0.0..100.0);
        let shown_span = match &self.zoom {
            Some(zoom) => {
                let width = plot.dim_in_pixel().0 as f64;
                let (left, right) = plot.split_horizontally((width * OVERVIEW_SHARE) as u32);
                lines::draw(&left, &self.panel("all points".to_owned(), full))?;
                let caption = zoom_caption(zoom, &self.lines.axis);
                lines::draw(&right, &self.panel(caption, zoom.range.clone()))?;
                zoom.range.end - zoom.range.start
            }
            None => {
                let caption = self.note.clone().unwrap_or_default();
                lines::draw(&plot, &self.panel(caption, full.clone()))?;
                full.end - full.start
            }
        };
        let hidden = lines::hidden_under(&self.lines.series, shown_span);
        let mut entries: Vec<Entry> = legend::line_entries(&self.lines.series, &hidden);
        entries.extend(legend::band_entry(&self.lines.series));
        legend::draw(&side, self.line_key.as_deref(), &entries)
    }
}
