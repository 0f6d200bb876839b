//! A line panel: series of points, optional 95% bands, axes with units.
//!
//! The delivery, suppression and time-to-deliver charts differ only in what they put in
//! their series, so they share this drawing code.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{KeyAxis, format_number, linear_ticks};
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
    /// Whether to join the points with a line; off for a group of sampled points whose
    /// other settings differ, where a line would suggest a trend that is not there.
    pub joined: bool,
}

/// The horizontal axis of a panel.
pub struct XScale {
    /// Axis title with units.
    pub label: String,
    /// Coordinate range.
    pub range: Range<f64>,
    /// Coordinates of the tick marks.
    pub ticks: Vec<f64>,
    /// Tick label text at a coordinate.
    pub format: Box<dyn Fn(f64) -> String>,
}

impl XScale {
    /// A plain numeric axis.
    pub fn numeric(label: impl Into<String>, range: Range<f64>) -> XScale {
        XScale {
            label: label.into(),
            ticks: linear_ticks(range.clone(), 12),
            range,
            format: Box::new(format_number),
        }
    }

    /// The axis of a swept key.
    pub fn for_key(axis: &KeyAxis) -> XScale {
        let owned = axis.clone();
        XScale {
            label: axis.label.clone(),
            range: axis.range(),
            ticks: axis.ticks(),
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
    /// Horizontal reference lines (constraint bounds), drawn dashed.
    pub guides: Vec<f64>,
    /// Points marked with a cross (points that break a constraint).
    pub crosses: Vec<(f64, f64)>,
}

/// Colour of guides and crosses: near black, so that it is never mistaken for a line
/// colour of the palette.
pub const WARNING: RGBColor = RGBColor(0x22, 0x22, 0x22);

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

/// For each series, the later series (drawn over it) that hides it completely: same
/// x values and every y within 1% of `y_span`, so the reader could not tell them apart.
pub fn hidden_under(series: &[Series], y_span: f64) -> Vec<Option<usize>> {
    let tolerance = y_span.abs() * 0.01;
    let same = |a: &Series, b: &Series| {
        a.points.len() == b.points.len()
            && a.points
                .iter()
                .zip(&b.points)
                .all(|(p, q)| p.0 == q.0 && (p.1 - q.1).abs() <= tolerance)
    };
    (0..series.len())
        .map(|i| {
            (i + 1..series.len())
                .rev()
                .find(|&j| same(&series[i], &series[j]))
        })
        .collect()
}

/// A vertical range that leaves out a few far-off points so that the rest can be told
/// apart, and the points it leaves out.
#[derive(Debug, Clone, PartialEq)]
pub struct Zoom {
    /// The range that fits the main group of points (and their bands).
    pub range: Range<f64>,
    /// `(x, y)` of every point outside it.
    pub off_scale: Vec<(f64, f64)>,
}

/// A zoomed range when the values fall into two groups, a large one and a small one
/// separated by a gap more than three times the spread of the large one (as when a
/// threshold of 1 loses a tenth of deliveries and every other point lies within one
/// percentage point); `None` when one range shows every difference well enough.
pub fn zoom(series: &[Series], limits: Range<f64>) -> Option<Zoom> {
    let mut ys: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .collect();
    ys.sort_by(f64::total_cmp);
    let (gap_at, gap) = ys
        .windows(2)
        .enumerate()
        .map(|(i, w)| (i + 1, w[1] - w[0]))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let (low, high) = ys.split_at(gap_at);
    let kept = if high.len() >= low.len() { high } else { low };
    let spread = kept[kept.len() - 1] - kept[0];
    if kept.len() < 2 * (ys.len() - kept.len()) || gap <= 3.0 * spread.max(f64::EPSILON) {
        return None;
    }
    let keep = |y: f64| y >= kept[0] && y <= kept[kept.len() - 1];
    let main: Vec<Series> = series
        .iter()
        .map(|s| {
            let xs: Vec<f64> = s.points.iter().filter(|p| keep(p.1)).map(|p| p.0).collect();
            Series {
                points: s.points.iter().copied().filter(|p| keep(p.1)).collect(),
                band: s
                    .band
                    .iter()
                    .copied()
                    .filter(|b| xs.contains(&b.0))
                    .collect(),
                ..s.clone()
            }
        })
        .collect();
    let off_scale = series
        .iter()
        .flat_map(|s| s.points.iter().copied().filter(|p| !keep(p.1)))
        .collect();
    Some(Zoom {
        range: fit_range(&main, limits),
        off_scale,
    })
}

/// A numeric axis with its tick marks at chosen coordinates.
///
/// Plotters' own `with_key_points` wrapper loses the value formatter of `f64` axes, so
/// it cannot take a label formatter; this one keeps default formatting.
pub struct Ticked {
    /// The underlying linear coordinate.
    pub inner: plotters::coord::types::RangedCoordf64,
    /// Tick coordinates.
    pub ticks: Vec<f64>,
}

impl Ranged for Ticked {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Light mesh lines are switched off, so only the bold (labelled) points matter.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

/// Pieces of the polyline `points` that lie inside `y_range`, cut where the line
/// crosses its edges.
///
/// Plotters does not clip to the plotting area, so a zoomed panel must leave out what
/// lies beyond it rather than draw it across the axes.
pub fn clip_line(points: &[(f64, f64)], y_range: &Range<f64>) -> Vec<Vec<(f64, f64)>> {
    let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        // The part of the segment, as fractions t0..t1 of its length, inside the range.
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        if y0 == y1 {
            if !y_range.contains(&y0) && y0 != y_range.end {
                continue;
            }
        } else {
            let ta = (y_range.start - y0) / (y1 - y0);
            let tb = (y_range.end - y0) / (y1 - y0);
            t0 = t0.max(ta.min(tb));
            t1 = t1.min(ta.max(tb));
            if t0 > t1 {
                continue;
            }
        }
        // End points stay exact so that consecutive segments join into one polyline.
        let at = |t: f64| match t {
            0.0 => (x0, y0),
            1.0 => (x1, y1),
            _ => (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t),
        };
        let (start, end) = (at(t0), at(t1));
        match pieces.last_mut() {
            Some(piece) if t0 == 0.0 && piece.last() == Some(&start) => piece.push(end),
            _ => pieces.push(vec![start, end]),
        }
    }
    pieces
}

/// The part of polygon `outline` between the two horizontal edges of `y_range`
/// (Sutherland–Hodgman against each edge in turn).
pub fn clip_polygon(outline: &[(f64, f64)], y_range: &Range<f64>) -> Vec<(f64, f64)> {
    let lower = |p: &(f64, f64)| p.1 >= y_range.start;
    let upper = |p: &(f64, f64)| p.1 <= y_range.end;
    let once = |input: Vec<(f64, f64)>, keep: &dyn Fn(&(f64, f64)) -> bool, edge: f64| {
        let mut output = Vec::new();
        for (i, point) in input.iter().enumerate() {
            let previous = input[(i + input.len() - 1) % input.len()];
            if keep(point) != keep(&previous) {
                let t = (edge - previous.1) / (point.1 - previous.1);
                output.push((previous.0 + (point.0 - previous.0) * t, edge));
            }
            if keep(point) {
                output.push(*point);
            }
        }
        output
    };
    let clipped = once(outline.to_vec(), &lower, y_range.start);
    if clipped.is_empty() {
        return clipped;
    }
    once(clipped, &upper, y_range.end)
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
        .build_cartesian_2d(
            Ticked {
                inner: panel.x.range.clone().into(),
                ticks: panel.x.ticks.clone(),
            },
            panel.y_range.clone(),
        )?;
    let format_x = |x: &f64| (panel.x.format)(*x);
    chart
        .configure_mesh()
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
            let outline = clip_polygon(&outline, &panel.y_range);
            if outline.len() > 2 {
                chart.draw_series(std::iter::once(Polygon::new(
                    outline,
                    series.colour.mix(0.18),
                )))?;
            }
        }
        let style = series.colour.stroke_width(3);
        let pieces = if series.joined {
            clip_line(&series.points, &panel.y_range)
        } else {
            Vec::new()
        };
        for piece in pieces {
            chart.draw_series(LineSeries::new(piece, style))?;
        }
        if series.markers || !series.joined {
            let dots = series
                .points
                .iter()
                .filter(|p| panel.y_range.contains(&p.1))
                .map(|p| Circle::new(*p, 4, series.colour.filled()));
            chart.draw_series(dots)?;
        }
    }
    for &y in panel.guides.iter().filter(|y| panel.y_range.contains(y)) {
        let (x0, x1) = (panel.x.range.start, panel.x.range.end);
        let dashes = 24;
        let step = (x1 - x0) / f64::from(2 * dashes);
        let pieces = (0..dashes).map(|k| {
            let a = x0 + step * f64::from(2 * k);
            PathElement::new(vec![(a, y), (a + step, y)], WARNING.stroke_width(2))
        });
        chart.draw_series(pieces)?;
    }
    let crosses = panel
        .crosses
        .iter()
        .filter(|p| panel.y_range.contains(&p.1))
        .map(|p| Cross::new(*p, 8, WARNING.stroke_width(3)));
    chart.draw_series(crosses)?;
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
            joined: true,
        };
        let range = fit_range(&[series], 0.0..100.0);
        assert!(range.start < 80.0 && range.start > 70.0);
        assert_eq!(range.end, 100.0);
    }

    fn line(points: &[(f64, f64)]) -> Series {
        Series {
            label: String::new(),
            colour: BLACK,
            points: points.to_vec(),
            band: Vec::new(),
            markers: true,
            joined: true,
        }
    }

    #[test]
    fn one_far_low_point_per_line_is_zoomed_out_of_view() {
        let lines = [
            line(&[(1.0, 87.5), (2.0, 96.5), (3.0, 96.7), (4.0, 97.5)]),
            line(&[(1.0, 87.5), (2.0, 96.6), (3.0, 96.8), (4.0, 97.1)]),
        ];
        let zoom = zoom(&lines, 0.0..100.0).unwrap();
        assert!(zoom.range.start > 96.0 && zoom.range.end < 98.0);
        assert_eq!(zoom.off_scale, [(1.0, 87.5), (1.0, 87.5)]);
    }

    #[test]
    fn an_even_spread_or_a_large_jump_in_a_wide_range_needs_no_zoom() {
        let steps = [line(&[(1.0, 82.0), (2.0, 91.0), (3.0, 91.3), (4.0, 97.3)])];
        assert_eq!(zoom(&steps, 0.0..100.0), None);
        let two_groups = [line(&[(1.0, 10.0), (2.0, 10.1), (3.0, 50.0), (4.0, 50.1)])];
        assert_eq!(zoom(&two_groups, 0.0..100.0), None);
    }

    #[test]
    fn a_line_under_an_identical_later_line_is_reported_hidden() {
        let lines = [
            line(&[(1.0, 10.0), (2.0, 20.0)]),
            line(&[(1.0, 10.0), (2.0, 30.0)]),
            line(&[(1.0, 10.05), (2.0, 20.0)]),
        ];
        assert_eq!(hidden_under(&lines, 20.0), [Some(2), None, None]);
    }

    #[test]
    fn lines_leaving_a_zoomed_range_are_cut_at_its_edge() {
        let line = [(0.0, 1.0), (1.0, 3.0), (2.0, 5.0), (3.0, 3.0), (4.0, 2.0)];
        let pieces = clip_line(&line, &(2.0..4.0));
        assert_eq!(
            pieces,
            [
                vec![(0.5, 2.0), (1.0, 3.0), (1.5, 4.0)],
                vec![(2.5, 4.0), (3.0, 3.0), (4.0, 2.0)]
            ]
        );
        assert!(clip_line(&[(0.0, 9.0), (1.0, 9.0)], &(2.0..4.0)).is_empty());
    }

    #[test]
    fn bands_are_cut_to_the_zoomed_range() {
        let square = [(0.0, 0.0), (1.0, 0.0), (1.0, 10.0), (0.0, 10.0)];
        let clipped = clip_polygon(&square, &(2.0..4.0));
        assert!(clipped.iter().all(|p| (2.0..=4.0).contains(&p.1)));
        assert_eq!(clipped.len(), 4);
    }
}
