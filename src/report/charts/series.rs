//! Turning aggregate rows into line series: one line per value of a second swept key.

use super::axis::{KeyAxis, order_values, short_key};
use super::input::Input;
use super::lines::Series;
use super::palette;

/// A metric plotted against one swept key, split by another.
pub struct MetricLines {
    /// The horizontal axis, holding the values of the plotted key.
    pub axis: KeyAxis,
    /// One series per value of the line key (a single one without a line key).
    pub series: Vec<Series>,
}

/// Lines of `<metric>_mean × scale` against `x_key`, one per value of `line_key`, with
/// `mean ± ci95` bands where the interval is known; other keys stay at the baseline.
/// `None` when the aggregate lacks the keys or the metric.
pub fn metric_lines(
    input: &Input,
    x_key: &str,
    line_key: Option<&str>,
    metric: &str,
    scale: f64,
) -> Option<MetricLines> {
    let table = input.aggregate.as_ref()?;
    let (mean, ci) = (format!("{metric}_mean"), format!("{metric}_ci95"));
    table.column(&mean)?;
    table.column(x_key)?;
    let free: Vec<&str> = std::iter::once(x_key).chain(line_key).collect();
    let rows = input.slice(&free);
    let axis = KeyAxis::new(x_key, rows.iter().filter_map(|r| table.cell(r, x_key)));
    let line_values = match line_key {
        Some(key) => order_values(rows.iter().filter_map(|r| table.cell(r, key))),
        None => vec![String::new()],
    };
    let mut series = Vec::new();
    for value in &line_values {
        let on_line = |row: &&&[String]| line_key.is_none_or(|k| table.cell(row, k) == Some(value));
        let mut points = Vec::new();
        let mut band = Vec::new();
        for row in rows.iter().filter(on_line) {
            let x = table.cell(row, x_key).and_then(|v| axis.position(v));
            let (Some(x), Some(m)) = (x, table.f64(row, &mean)) else {
                continue;
            };
            points.push((x, m * scale));
            if let Some(c) = table.f64(row, &ci) {
                band.push((x, (m - c) * scale, (m + c) * scale));
            }
        }
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        band.sort_by(|a, b| a.0.total_cmp(&b.0));
        if points.is_empty() {
            continue;
        }
        let label = match line_key {
            Some(key) => format!("{}={value}", short_key(key)),
            None => "mean".to_owned(),
        };
        let colour = palette::series(series.len());
        series.push(Series {
            label,
            colour,
            points,
            band,
            markers: true,
        });
    }
    (!series.is_empty()).then_some(MetricLines { axis, series })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::Table;

    #[test]
    fn one_sorted_line_per_value_of_the_second_key() {
        let csv = "point,p.t,p.r,m_mean,m_ci95\n0,10,6h,0.5,0.1\n1,2,6h,0.4,\n2,2,24h,0.3,0.1\n";
        let table = Table::from_reader(csv.as_bytes()).unwrap();
        let input = Input {
            keys: table.swept_keys(),
            aggregate: Some(table),
            ..Input::default()
        };
        let lines = metric_lines(&input, "p.t", Some("p.r"), "m", 100.0).unwrap();
        let labels: Vec<&str> = lines.series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["r=6h", "r=24h"]);
        assert_eq!(lines.series[0].points, [(2.0, 40.0), (10.0, 50.0)]);
        assert_eq!(lines.series[0].band.len(), 1);
        assert!(metric_lines(&input, "p.t", None, "absent", 1.0).is_none());
    }
}
