//! Chart `ttd_cdf`: how quickly delivered messages arrive, as a cumulative distribution,
//! for up to six points spread evenly through the sweep.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::order_values;
use super::frame;
use super::input::Input;
use super::legend::{self, Entry, Mark};
use super::lines::{self, Panel, Series, XScale};
use super::output::Chart;
use super::palette;

/// More lines than this stop being distinguishable by colour.
const MAX_LINES: usize = 6;

/// The time-to-deliver chart, ready to draw.
pub struct CdfChart {
    title: String,
    series: Vec<Series>,
}

impl CdfChart {
    /// Builds the chart, or says why it cannot be drawn.
    pub fn new(input: &Input) -> Result<CdfChart, String> {
        let table = input.ttd.as_ref().ok_or("no ttd.csv")?;
        for column in ["point", "quantile", "ttd_s"] {
            table
                .column(column)
                .ok_or(format!("ttd.csv has no '{column}' column"))?;
        }
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
                        Some((table.f64(r, "ttd_s")? / 3600.0, table.f64(r, "quantile")?))
                    })
                    .collect();
                curve.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0)));
                let label = input.point_label(point);
                (!curve.is_empty()).then(|| Series {
                    label,
                    colour: palette::series(i),
                    points: curve,
                    band: Vec::new(),
                    markers: false,
                })
            })
            .collect();
        if series.is_empty() {
            return Err("ttd.csv has no usable rows".to_owned());
        }
        let title = format!(
            "{}: time to deliver (CDF of delivered messages)",
            input.name
        );
        Ok(CdfChart { title, series })
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
        let max_hours = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0));
        let max_hours = max_hours.fold(0.0_f64, f64::max).max(1.0);
        let panel = Panel {
            caption: String::new(),
            x: XScale::numeric(
                "time to deliver (hours after creation)",
                0.0..max_hours * 1.03,
            ),
            y_label: "fraction of delivered messages".to_owned(),
            y_range: 0.0..1.02,
            series: self.series.clone(),
        };
        lines::draw(&plot, &panel)?;
        let entries: Vec<Entry> = self
            .series
            .iter()
            .map(|s| Entry::new(s.label.clone(), s.colour, Mark::Line))
            .collect();
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
