//! Chart `load`: attempts per minute over the run, one line per busiest domain and one
//! for all domains together, read from `load.csv` (first replication). A retry storm
//! shows as a wall of attempts after an outage ends, and then as the echoes of each
//! synchronised retry wave.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::frame;
use super::legend::{self, Entry, Mark};
use super::lines::{self, Panel, Series, XScale};
use super::output::Chart;
use super::palette;
use crate::report::table::Table;

/// Lines beyond this many domains stop being distinguishable.
const MAX_DOMAINS: usize = 5;
/// Points per line at most: longer runs are binned, each bin showing its busiest minute.
const MAX_POINTS: usize = 2000;

/// A sweep's chart draws at most this many points, spread over the range of their
/// total attempts, so the fewest and the most are always there.
const MAX_SWEEP_POINTS: usize = 6;

/// The load chart, ready to draw.
pub struct LoadChart {
    title: String,
    caption: String,
    series: Vec<Series>,
    hours: f64,
    legend: &'static str,
}

impl LoadChart {
    /// Builds the chart from a `load.csv` table; `None` when it has no rows. A run's
    /// file (one point) gets a line per busiest domain; a sweep's a line per point.
    pub fn new(name: &str, table: &Table) -> Option<LoadChart> {
        let mut points: Vec<&str> = table
            .rows
            .iter()
            .filter_map(|r| table.cell(r, "point"))
            .collect();
        points.dedup();
        if points.len() > 1 {
            return Self::per_point(name, table);
        }
        let rows = minutes_by(table, "domain");
        let last = rows.iter().map(|r| r.0).max()?;
        let bin = (last as usize + 1).div_ceil(MAX_POINTS).max(1) as u32;
        let totals = busiest_first(&rows);
        let mut series = vec![line("all domains", palette::series(0), &rows, bin, |_| {
            true
        })];
        for (i, (d, _)) in totals.iter().take(MAX_DOMAINS).enumerate() {
            series.push(line(d, palette::series(i + 1), &rows, bin, |x| x == *d));
        }
        let caption = if bin > 1 {
            format!("each point is the busiest minute of {bin} minutes")
        } else {
            String::new()
        };
        Some(LoadChart {
            title: format!("{name}: attempts per minute (replication 0)"),
            caption,
            series,
            hours: f64::from(last + 1) / 60.0,
            legend: "domain",
        })
    }

    /// A sweep's chart: all domains' attempts per minute of replication 0, one line per
    /// point, for up to [`MAX_SWEEP_POINTS`] points.
    fn per_point(name: &str, table: &Table) -> Option<LoadChart> {
        let rows = minutes_by(table, "point");
        let last = rows.iter().map(|r| r.0).max()?;
        let bin = (last as usize + 1).div_ceil(MAX_POINTS).max(1) as u32;
        let totals = busiest_first(&rows);
        let series = spread(&totals, MAX_SWEEP_POINTS)
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let mut rows: Vec<(u32, &str, f64)> =
                    rows.iter().copied().filter(|r| r.1 == p).collect();
                rows.sort_by_key(|r| r.0);
                line(
                    &format!("point {p}"),
                    palette::series(i),
                    &rows,
                    bin,
                    |_| true,
                )
            })
            .collect();
        // Short, because the caption is one line above the plot.
        let mut caption = format!(
            "{} of {} points, most attempts first",
            totals.len().min(MAX_SWEEP_POINTS),
            totals.len()
        );
        if bin > 1 {
            caption.push_str(&format!("; busiest minute of every {bin}"));
        }
        Some(LoadChart {
            title: format!("{name}: attempts per minute, all domains (replication 0)"),
            caption,
            series,
            hours: f64::from(last + 1) / 60.0,
            legend: "point",
        })
    }
}

/// Up to `n` names of `sorted`, evenly spaced from its first to its last.
fn spread<'a>(sorted: &[(&'a str, f64)], n: usize) -> Vec<&'a str> {
    if sorted.len() <= n {
        return sorted.iter().map(|t| t.0).collect();
    }
    (0..n)
        .map(|i| sorted[i * (sorted.len() - 1) / (n - 1)].0)
        .collect()
}

/// The per-minute attempts of the domains `keep` accepts, binned by `bin` minutes
/// (each bin keeps its busiest minute), as (hours, attempts) points.
fn line(
    label: &str,
    colour: RGBColor,
    rows: &[(u32, &str, f64)],
    bin: u32,
    keep: impl Fn(&str) -> bool,
) -> Series {
    let mut per_minute: Vec<(u32, f64)> = Vec::new();
    for (m, _, n) in rows.iter().filter(|r| keep(r.1)) {
        match per_minute.last_mut() {
            Some(last) if last.0 == *m => last.1 += n,
            _ => per_minute.push((*m, *n)),
        }
    }
    let mut points: Vec<(f64, f64)> = Vec::new();
    for (m, n) in per_minute {
        let x = f64::from(m / bin * bin) / 60.0;
        match points.last_mut() {
            Some(last) if last.0 == x => last.1 = last.1.max(n),
            _ => points.push((x, n)),
        }
    }
    Series {
        label: label.to_owned(),
        colour,
        points,
        band: Vec::new(),
        markers: false,
        joined: true,
    }
}

impl Chart for LoadChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        let (plot, side) = frame::with_legend(root, &self.title)?;
        let top = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .fold(1.0, f64::max);
        let panel = Panel {
            caption: self.caption.clone(),
            x: XScale::numeric("hours since the start of the run", 0.0..self.hours.max(1.0)),
            y_label: "attempts per minute".to_owned(),
            y_range: 0.0..top * 1.05,
            series: self.series.clone(),
            guides: Vec::new(),
            crosses: Vec::new(),
        };
        lines::draw(&plot, &panel)?;
        let entries: Vec<Entry> = self
            .series
            .iter()
            .map(|s| Entry::new(s.label.clone(), s.colour, Mark::Line))
            .collect();
        legend::draw(&side, Some(self.legend), &entries)
    }
}

/// Replication 0's rows as (minute, value of column `key`, attempts), in file order.
fn minutes_by<'t>(table: &'t Table, key: &str) -> Vec<(u32, &'t str, f64)> {
    table
        .rows
        .iter()
        .filter(|r| table.cell(r, "replication") == Some("0"))
        .filter_map(|r| {
            let minute = table.cell(r, "minute")?.parse().ok()?;
            Some((minute, table.cell(r, key)?, table.f64(r, "attempts")?))
        })
        .collect()
}

/// Each key's total attempts, largest first (ties by key, so the order is fixed).
fn busiest_first<'t>(rows: &[(u32, &'t str, f64)]) -> Vec<(&'t str, f64)> {
    let mut totals: Vec<(&str, f64)> = Vec::new();
    for &(_, key, n) in rows {
        match totals.iter_mut().find(|(name, _)| *name == key) {
            Some(t) => t.1 += n,
            None => totals.push((key, n)),
        }
    }
    totals.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_sum_domains_per_minute_and_the_busiest_come_first() {
        let csv = "replication,point,minute,domain,attempts,accepted,throttled,queued\n\
                   0,0,0,a,1,1,0,0\n0,0,0,b,3,1,2,0\n0,0,2,a,4,4,0,0\n1,0,0,a,9,9,0,0\n";
        let t = Table::from_reader(csv.as_bytes()).unwrap();
        let c = LoadChart::new("s", &t).unwrap();
        let labels: Vec<&str> = c.series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["all domains", "a", "b"]);
        assert_eq!(c.series[0].points, vec![(0.0, 4.0), (2.0 / 60.0, 4.0)]);
        assert_eq!(c.series[2].points, vec![(0.0, 3.0)]);
    }

    #[test]
    fn a_sweep_gets_one_line_per_point_summing_its_domains() {
        let csv = "replication,point,minute,domain,attempts,accepted,throttled,queued\n\
                   0,0,0,a,1,1,0,0\n0,0,0,b,3,1,2,0\n0,1,0,a,9,9,0,0\n0,1,1,a,2,2,0,0\n";
        let t = Table::from_reader(csv.as_bytes()).unwrap();
        let c = LoadChart::new("s", &t).unwrap();
        let labels: Vec<&str> = c.series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["point 1", "point 0"]);
        assert_eq!(c.series[0].points, vec![(0.0, 9.0), (1.0 / 60.0, 2.0)]);
        assert_eq!(c.series[1].points, vec![(0.0, 4.0)]);
        assert_eq!(c.legend, "point");
    }

    #[test]
    fn spread_keeps_the_ends_and_spaces_the_rest() {
        let sorted: Vec<(&str, f64)> = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
            .iter()
            .map(|n| (*n, 0.0))
            .collect();
        assert_eq!(spread(&sorted, 4), ["a", "d", "g", "j"]);
    }
}
