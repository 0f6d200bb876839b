//! A line panel: series of points, optional 95% bands, axes with units.
//!
//! The delivery, suppression and time-to-deliver charts differ only in what they put in
//! their series, so they share this drawing code.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{KeyAxis, format_number};
use super::frame::{LABEL_SIZE, TICK_SIZE, text};

/// One line, with an optional band around it.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// Line colour; the band uses a translucent shade of it.
    pub colour: RGBColor,
    /// Points in increasing x.
    pub points: Vec<(f64, f64)>,
    /// `(x, low, high)` in increasing x; empty when there is no interval.
    pub band: Vec<(f64, f64, f64)>,
    /// Whether to mark each point with a dot (off for dense curves).
    pub markers: bool,
}

/// The horizontal axis of a panel.
pub struct XScale {
    /// Axis title with units.
    pub label: String,
    /// Coordinate range.
    pub range: Range<f64>,
    /// Number of tick labels to ask for.
    pub ticks: usize,
    /// Tick label text at a coordinate.
    pub format: Box<dyn Fn(f64) -> String>,
}

impl XScale {
    /// A plain numeric axis.
    pub fn numeric(label: impl Into<String>, range: Range<f64>) -> XScale {
        XScale {
            label: label.into(),
            range,
            ticks: 12,
            format: Box::new(format_number),
        }
    }

    /// The axis of a swept key.
    pub fn for_key(axis: &KeyAxis) -> XScale {
        let owned = axis.clone();
        XScale {
            label: axis.label.clone(),
            range: axis.range(),
            ticks: axis.tick_count(),
            format: Box::new(move |x| owned.format(x)),
        }
    }
}

/// Everything one panel shows.
pub struct Panel {
    /// Caption above the panel; empty for none.
    pub caption: String,
    /// Horizontal axis.
    pub x: XScale,
    /// Vertical axis title with units.
    pub y_label: String,
    /// Vertical range.
    pub y_range: Range<f64>,
    /// Lines to draw, in legend order.
    pub series: Vec<Series>,
}

/// A vertical range covering every point and band, padded, and kept inside `limits`.
pub fn fit_range(series: &[Series], limits: Range<f64>) -> Range<f64> {
    let values = series.iter().flat_map(|s| {
        let points = s.points.iter().map(|p| p.1);
        points.chain(s.band.iter().flat_map(|b| [b.1, b.2]))
    });
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo > hi {
        return limits;
    }
    let pad = if hi > lo {
        (hi - lo) * 0.08
    } else {
        hi.abs().max(1.0) * 0.1
    };
    (lo - pad).max(limits.start)..(hi + pad).min(limits.end)
}

/// Draws `panel` into `area`.
pub fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let mut builder = ChartBuilder::on(area);
    if !panel.caption.is_empty() {
        builder.caption(&panel.caption, text(LABEL_SIZE));
    }
    let mut chart = builder
        .margin(12)
        .x_label_area_size(64)
        .y_label_area_size(96)
        .build_cartesian_2d(panel.x.range.clone(), panel.y_range.clone())?;
    let format_x = |x: &f64| (panel.x.format)(*x);
    chart
        .configure_mesh()
        .x_labels(panel.x.ticks)
        .y_labels(10)
        .x_label_formatter(&format_x)
        .y_label_formatter(&|y| format_number(*y))
        .x_desc(panel.x.label.as_str())
        .y_desc(panel.y_label.as_str())
        .label_style(text(TICK_SIZE))
        .axis_desc_style(text(LABEL_SIZE))
        .max_light_lines(0)
        .bold_line_style(RGBColor(0xDD, 0xDD, 0xDD))
        .draw()?;
    for series in &panel.series {
        if series.band.len() > 1 {
            let upper = series.band.iter().map(|b| (b.0, b.2));
            let lower = series.band.iter().rev().map(|b| (b.0, b.1));
            let outline: Vec<(f64, f64)> = upper.chain(lower).collect();
            chart.draw_series(std::iter::once(Polygon::new(
                outline,
                series.colour.mix(0.18),
            )))?;
        }
        let style = series.colour.stroke_width(3);
        chart.draw_series(LineSeries::new(series.points.iter().copied(), style))?;
        if series.markers {
            let dots = series
                .points
                .iter()
                .map(|p| Circle::new(*p, 4, series.colour.filled()));
            chart.draw_series(dots)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_range_covers_bands_and_respects_limits() {
        let series = Series {
            label: String::new(),
            colour: BLACK,
            points: vec![(0.0, 90.0)],
            band: vec![(0.0, 80.0, 99.0)],
            markers: true,
        };
        let range = fit_range(&[series], 0.0..100.0);
        assert!(range.start < 80.0 && range.start > 70.0);
        assert_eq!(range.end, 100.0);
    }
}
