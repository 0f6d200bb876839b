//! Chart `ttd_cdf`: how quickly delivered messages arrive, as a cumulative distribution,
//! for up to six points spread evenly through the sweep.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::Skip;
use super::axis::{format_number, order_values};
use super::frame;
use super::input::Input;
use super::legend;
use super::lines::{self, Panel, Series, XScale};
use super::output::Chart;
use super::palette;

/// More lines than this stop being distinguishable by colour.
const MAX_LINES: usize = 6;

/// The time-to-deliver chart, ready to draw.
pub struct CdfChart {
    title: String,
    series: Vec<Series>,
    /// The curves are of messages that needed a retry (`retried_ttd_s`), not of all.
    retried: bool,
}

impl CdfChart {
    /// Builds the chart, or says why it cannot be drawn.
    pub fn new(input: &Input) -> Result<CdfChart, Skip> {
        let table = match &input.ttd {
            Some(table) => table,
            // `retrysim run` writes no ttd.csv; only a sweep folder should have one.
            None if input.keys.is_empty() => return Err(Skip::NotApplicable),
            None => return Err(Skip::missing("no ttd.csv")),
        };
        for column in ["point", "quantile", "ttd_s"] {
            table
                .column(column)
                .ok_or_else(|| Skip::missing(format!("ttd.csv has no '{column}' column")))?;
        }
        // Messages delivered after a retry are the part a retry policy shapes; older
        // folders without that column fall back to every delivered message.
        let retried = table.column("retried_ttd_s").is_some()
            && table
                .rows
                .iter()
                .any(|r| table.f64(r, "retried_ttd_s").is_some());
        let column = if retried { "retried_ttd_s" } else { "ttd_s" };
        let points = order_values(table.rows.iter().filter_map(|r| table.cell(r, "point")));
        let series: Vec<Series> = spread(&points, MAX_LINES)
            .into_iter()
            .enumerate()
            .filter_map(|(i, point)| {
                let mut curve: Vec<(f64, f64)> = table
                    .rows
                    .iter()
                    .filter(|r| table.cell(r, "point") == Some(point))
                    .filter_map(|r| {
                        Some((
                            table.f64(r, column)? / 3600.0,
                            table.f64(r, "quantile")? * 100.0,
                        ))
                    })
                    .collect();
                curve.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0)));
                let label = input.numbered_label(point);
                (!curve.is_empty()).then(|| Series {
                    label,
                    colour: palette::series(i),
                    points: curve,
                    band: Vec::new(),
                    markers: false,
                    joined: true,
                })
            })
            .collect();
        if series.is_empty() {
            return Err(Skip::missing("ttd.csv has no usable rows"));
        }
        let what = if retried {
            "messages delivered after a retry"
        } else {
            "delivered messages"
        };
        let title = format!("{}: time to deliver (CDF of {what})", input.name);
        Ok(CdfChart {
            title,
            series,
            retried,
        })
    }
}

impl CdfChart {
    /// Where the vertical axis starts, and a caption saying why.
    ///
    /// Most messages are delivered on their first attempt, at time 0, so the curves jump
    /// straight to 0.9 or more and all the differences between policies lie in the top
    /// few percent. The axis then starts just below the lowest first-attempt share, and
    /// the caption gives that share, rather than draw a flat line along the top.
    fn first_attempt_zoom(&self) -> (f64, String) {
        let shares: Vec<f64> = self
            .series
            .iter()
            .map(|s| {
                let at_zero = s.points.iter().filter(|p| p.0 <= 0.0).map(|p| p.1);
                at_zero.fold(0.0, f64::max)
            })
            .collect();
        let lowest = shares.iter().copied().fold(100.0, f64::min);
        let highest = shares.iter().copied().fold(0.0, f64::max);
        if lowest < 50.0 {
            return (0.0, String::new());
        }
        let start = (lowest - 1.0).floor();
        let percent = |v: f64| format_number((v * 10.0).round() / 10.0);
        let share = if highest - lowest < 0.1 {
            format!("{}%", percent(lowest))
        } else {
            format!("{}–{}%", percent(lowest), percent(highest))
        };
        let caption = format!(
            "{share} delivered on the first attempt (0 h); y axis starts at {}%",
            format_number(start)
        );
        (start, caption)
    }
}

/// Shortest time the log axis shows: retries come minutes after a failure at the
/// earliest, and a zero would have no logarithm.
const MIN_HOURS: f64 = 1.0 / 60.0;

/// `log10` of a time in hours, floored at one minute.
fn log_hours(hours: f64) -> f64 {
    hours.max(MIN_HOURS).log10()
}

/// A logarithmic time axis from one minute to `max_x` (a `log10` of hours), ticked at
/// the delays people think in.
fn log_time_axis(max_x: f64) -> XScale {
    const TICKS: [(f64, &str); 11] = [
        (1.0 / 60.0, "1m"),
        (5.0 / 60.0, "5m"),
        (0.25, "15m"),
        (1.0, "1h"),
        (3.0, "3h"),
        (6.0, "6h"),
        (12.0, "12h"),
        (24.0, "1d"),
        (48.0, "2d"),
        (84.0, "3.5d"),
        (168.0, "7d"),
    ];
    let end = max_x.max(0.0) + 0.05;
    let ticks: Vec<(f64, &str)> = TICKS
        .iter()
        .map(|&(h, label)| (h.log10(), label))
        .filter(|(x, _)| *x <= end)
        .collect();
    let labels = ticks.clone();
    XScale {
        label: "time to deliver after creation (log scale)".to_owned(),
        range: MIN_HOURS.log10() - 0.05..end,
        ticks: ticks.iter().map(|t| t.0).collect(),
        format: Box::new(move |x| {
            labels
                .iter()
                .find(|(t, _)| (t - x).abs() < 1e-9)
                .map_or_else(String::new, |(_, l)| (*l).to_owned())
        }),
    }
}

/// Up to `count` items chosen evenly from `items`, always keeping the first and last.
fn spread<T>(items: &[T], count: usize) -> Vec<&T> {
    if items.len() <= count {
        return items.iter().collect();
    }
    let last = items.len() - 1;
    (0..count)
        .map(|i| &items[(i * last + (count - 1) / 2) / (count - 1)])
        .collect()
}

impl Chart for CdfChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let (plot, side) = frame::with_legend(root, &self.title)?;
        let (y_start, caption) = if self.retried {
            (
                0.0,
                "first attempts excluded: only messages that needed a retry".to_owned(),
            )
        } else {
            self.first_attempt_zoom()
        };
        let series: Vec<Series> = self
            .series
            .iter()
            .map(|s| Series {
                markers: y_start > 0.0,
                points: if self.retried {
                    s.points.iter().map(|&(h, y)| (log_hours(h), y)).collect()
                } else {
                    s.points.clone()
                },
                ..s.clone()
            })
            .collect();
        let max_x = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
        let max_x = max_x.fold(f64::MIN, f64::max);
        let x = if self.retried {
            log_time_axis(max_x)
        } else {
            let max_hours = max_x.max(1.0);
            XScale::numeric(
                "time to deliver (hours after creation)",
                0.0..max_hours * 1.03,
            )
        };
        let panel = Panel {
            caption,
            x,
            y_label: if self.retried {
                "retried messages delivered (%)".to_owned()
            } else {
                "delivered messages (% of all delivered)".to_owned()
            },
            y_range: y_start..100.0 + (100.0 - y_start) * 0.02,
            series,
            guides: Vec::new(),
            crosses: Vec::new(),
        };
        lines::draw(&plot, &panel)?;
        let hidden = lines::hidden_under(&panel.series, 100.0 - y_start);
        let entries = legend::line_entries(&panel.series, &hidden);
        legend::draw(&side, Some("point"), &entries)
    }
}

#[cfg(test)]
mod tests {
    use super::spread;

    #[test]
    fn spread_keeps_ends_and_spaces_the_rest_evenly() {
        let items: Vec<usize> = (0..32).collect();
        let chosen: Vec<usize> = spread(&items, 6).into_iter().copied().collect();
        assert_eq!(chosen, [0, 6, 12, 19, 25, 31]);
        assert_eq!(spread(&items[..3], 6).len(), 3);
    }
}
