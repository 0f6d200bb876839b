//! Turning aggregate rows into line series: one line per value of a second swept key.

use crate::report::table::parse_f64;
use crate::sweep::recommend::explain::setting;

use super::axis::{KeyAxis, duration_seconds, order_values, short_key};
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
    let groups = line_groups(line_key, &line_values);
    let joined = groups.iter().all(|g| g.len() == 1);
    let mut series = Vec::new();
    for group in &groups {
        let on_line = |row: &&&[String]| {
            line_key.is_none_or(|k| {
                table
                    .cell(row, k)
                    .is_some_and(|v| group.iter().any(|g| g == v))
            })
        };
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
        let colour = palette::series(series.len());
        series.push(Series {
            label: group_label(line_key, group, joined),
            colour,
            points,
            // A band joins its points too, so a group of unrelated points gets none.
            band: if joined { band } else { Vec::new() },
            markers: true,
            joined,
        });
    }
    (!series.is_empty()).then_some(MetricLines { axis, series })
}

/// Most lines a chart draws one per value of the line key; beyond it the values are
/// put in [`RANGES`] ranges, one colour each.
const MAX_LINES: usize = 8;
/// How many ranges a many-valued line key is cut into.
const RANGES: usize = 4;

/// The values each line stands for. A grid has a few values per key, one line each; a
/// Latin hypercube draws a new value of every key at every point, and one legend line
/// per point listing every value could not be read. Such values, already in numeric or
/// duration order, are cut into a few consecutive ranges of about equal size instead.
fn line_groups(line_key: Option<&str>, values: &[String]) -> Vec<Vec<String>> {
    let orderable = values
        .iter()
        .all(|v| parse_f64(v).is_some() || duration_seconds(v).is_some());
    if line_key.is_none() || values.len() <= MAX_LINES || !orderable {
        return values.iter().map(|v| vec![v.clone()]).collect();
    }
    let size = values.len().div_ceil(RANGES);
    values.chunks(size).map(<[String]>::to_vec).collect()
}

/// `retry_period=24h` for a line of one value, `retry_period 6h – 1d 2h` for a range
/// (and `retry_period 15h` for a range that holds one value, beside the others).
fn group_label(line_key: Option<&str>, group: &[String], single_values: bool) -> String {
    let Some(key) = line_key else {
        return "mean".to_owned();
    };
    match group {
        [one] if single_values => format!("{}={}", short_key(key), setting(one)),
        [one] => format!("{} {}", short_key(key), setting(one)),
        [first, .., last] => format!("{} {} – {}", short_key(key), setting(first), setting(last)),
        [] => short_key(key).to_owned(),
    }
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

    #[test]
    fn a_sampled_key_with_many_values_becomes_four_unjoined_ranges() {
        let mut csv = String::from("point,p.t,p.r,m_mean,m_ci95\n");
        for i in 0..10 {
            csv.push_str(&format!("{i},{},{}s,0.5,0.1\n", i + 1, 3600 * (i + 6)));
        }
        let table = Table::from_reader(csv.as_bytes()).unwrap();
        let input = Input {
            keys: table.swept_keys(),
            aggregate: Some(table),
            ..Input::default()
        };
        let lines = metric_lines(&input, "p.t", Some("p.r"), "m", 1.0).unwrap();
        let labels: Vec<&str> = lines.series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["r 6h – 8h", "r 9h – 11h", "r 12h – 14h", "r 15h"]);
        assert!(lines.series.iter().all(|s| !s.joined && s.band.is_empty()));
        assert_eq!(lines.series[0].points.len(), 3);
    }
}
