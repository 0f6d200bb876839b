//! Everything the charts read from an output directory, loaded once.
//!
//! Optional files load as `None` so that each chart can decide for itself whether it
//! has enough to draw, and say why not when it does not.

use std::path::Path;

use crate::report::table::{Table, parse_f64};
use crate::sweep::recommend::Objective;

use crate::sweep::recommend::explain::setting;

use super::axis::short_key;

/// The key charts prefer on their horizontal axis.
const THRESHOLD_KEY: &str = "policy.soft_bounce_threshold";

/// The CSV files of one output directory and the scenario's name.
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// Scenario name for titles (the directory's name when `scenario.toml` lacks one).
    pub name: String,
    /// `aggregate.csv`: one row per policy point.
    pub aggregate: Option<Table>,
    /// `summary.csv`: one row per point and replication.
    pub summary: Option<Table>,
    /// `recommendation.csv`: the Pareto analysis.
    pub recommendation: Option<Table>,
    /// `ttd.csv`: time-to-deliver quantiles per point.
    pub ttd: Option<Table>,
    /// Swept keys (dotted column names) in file order.
    pub keys: Vec<String>,
    /// The scenario's `[objective]` (the default objective when `scenario.toml` has
    /// none); `None` when it cannot be read.
    pub objective: Option<Objective>,
}

impl Input {
    /// Loads whatever of the known files `dir` holds.
    pub fn load(dir: &Path) -> anyhow::Result<Input> {
        let aggregate = Table::load_optional(&dir.join("aggregate.csv"))?;
        let summary = Table::load_optional(&dir.join("summary.csv"))?;
        let keys = aggregate
            .as_ref()
            .map(Table::swept_keys)
            .unwrap_or_default();
        Ok(Input {
            name: scenario_name(dir),
            aggregate,
            summary,
            recommendation: Table::load_optional(&dir.join("recommendation.csv"))?,
            ttd: Table::load_optional(&dir.join("ttd.csv"))?,
            keys,
            objective: objective(dir),
        })
    }

    /// The key for the horizontal axis and the key that splits lines: the soft-bounce
    /// threshold on the axis whenever it was swept (it has the most values and drives
    /// suppressions), otherwise the first swept key; the lines split by the next key.
    ///
    /// Every line chart and the heatmap use this choice, so a colour means the same
    /// value of the same key in every chart.
    pub fn plot_keys(&self) -> Option<(&str, Option<&str>)> {
        let x_key = self
            .keys
            .iter()
            .find(|k| *k == THRESHOLD_KEY)
            .or(self.keys.first())?;
        let line_key = self.keys.iter().find(|k| *k != x_key);
        Some((x_key.as_str(), line_key.map(String::as_str)))
    }

    /// Aggregate rows in point order (numeric point ids sort as numbers).
    pub fn points(&self) -> Vec<&[String]> {
        let Some(table) = &self.aggregate else {
            return Vec::new();
        };
        let mut rows: Vec<&[String]> = table.rows.iter().map(Vec::as_slice).collect();
        rows.sort_by(|a, b| {
            let (pa, pb) = (table.cell(a, "point"), table.cell(b, "point"));
            let (na, nb) = (pa.and_then(parse_f64), pb.and_then(parse_f64));
            na.partial_cmp(&nb)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(pa.cmp(&pb))
        });
        rows
    }

    /// Rows that vary only in the `free` keys: every other swept key is held at the
    /// baseline (first) point's value, so lines compare like with like.
    pub fn slice(&self, free: &[&str]) -> Vec<&[String]> {
        let (Some(table), points) = (&self.aggregate, self.points()) else {
            return Vec::new();
        };
        let Some(baseline) = points.first().copied() else {
            return Vec::new();
        };
        let fixed: Vec<&String> = self
            .keys
            .iter()
            .filter(|k| !free.contains(&k.as_str()))
            .collect();
        points
            .into_iter()
            .filter(|row| {
                fixed
                    .iter()
                    .all(|k| table.cell(row, k) == table.cell(baseline, k))
            })
            .collect()
    }

    /// A note naming the keys that [`Input::slice`] holds fixed, if any.
    pub fn fixed_note(&self, free: &[&str]) -> Option<String> {
        let table = self.aggregate.as_ref()?;
        let baseline = *self.points().first()?;
        let pairs: Vec<String> = self
            .keys
            .iter()
            .filter(|k| !free.contains(&k.as_str()))
            .map(|k| format!("{}={}", short_key(k), table.cell(baseline, k).unwrap_or("")))
            .collect();
        (!pairs.is_empty()).then(|| format!("other keys at baseline: {}", pairs.join(", ")))
    }

    /// Names a point by its number and its swept values (`15: threshold=5,
    /// retry_period=84h`), so that a legend row can be found in the report's table, whose
    /// first column is the point number.
    pub fn numbered_label(&self, point: &str) -> String {
        if self.keys.is_empty() {
            return format!("point {point}");
        }
        format!("{point}: {}", self.point_label(point))
    }

    /// Names a point by its swept values (`threshold=5, retry_period=24h`).
    pub fn point_label(&self, point: &str) -> String {
        let row = self.aggregate.as_ref().and_then(|t| {
            let column = t.column("point")?;
            t.rows.iter().find(|r| r[column] == point).map(|r| (t, r))
        });
        match row {
            Some((table, row)) if !self.keys.is_empty() => self
                .keys
                .iter()
                .map(|k| {
                    format!(
                        "{}={}",
                        short_key(k),
                        setting(table.cell(row, k).unwrap_or(""))
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
            _ => format!("point {point}"),
        }
    }
}

/// The `[objective]` of `dir/scenario.toml`, read as the sweep reads it.
fn objective(dir: &Path) -> Option<Objective> {
    let text = std::fs::read_to_string(dir.join("scenario.toml")).ok()?;
    let doc = text.parse::<toml::Table>().ok()?;
    Objective::parse(doc.get("objective").and_then(toml::Value::as_table)).ok()
}

/// The `name` of `dir/scenario.toml`, or the directory's own name when unavailable.
pub fn scenario_name(dir: &Path) -> String {
    let from_file = std::fs::read_to_string(dir.join("scenario.toml"))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|t| t.get("name").and_then(|v| v.as_str()).map(str::to_owned));
    from_file.unwrap_or_else(|| {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("retrysim");
        name.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(aggregate: &str) -> Input {
        let table = Table::from_reader(aggregate.as_bytes()).unwrap();
        Input {
            keys: table.swept_keys(),
            aggregate: Some(table),
            ..Input::default()
        }
    }

    #[test]
    fn a_slice_holds_unplotted_keys_at_the_baseline_point() {
        let inp = input("point,a.x,a.y,a.z\n10,1,6h,p\n2,1,6h,q\n1,2,6h,p\n0,1,24h,p\n");
        let points: Vec<&str> = inp
            .slice(&["a.x", "a.y"])
            .iter()
            .map(|r| r[0].as_str())
            .collect();
        assert_eq!(points, ["0", "1", "10"]);
        assert_eq!(
            inp.fixed_note(&["a.x", "a.y"]).unwrap(),
            "other keys at baseline: z=p"
        );
        assert_eq!(inp.point_label("2"), "x=1, y=6h, z=q");
        assert_eq!(inp.numbered_label("2"), "2: x=1, y=6h, z=q");
        assert_eq!(inp.plot_keys(), Some(("a.x", Some("a.y"))));
    }

    #[test]
    fn the_threshold_goes_on_the_axis_whatever_the_column_order() {
        let inp = input("point,policy.retry_period,policy.soft_bounce_threshold\n0,6h,1\n");
        assert_eq!(
            inp.plot_keys(),
            Some(("policy.soft_bounce_threshold", Some("policy.retry_period")))
        );
        assert_eq!(input("point,delivered\n0,1\n").plot_keys(), None);
    }

    #[test]
    fn scenario_name_falls_back_to_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().file_name().unwrap().to_str().unwrap().to_owned();
        assert_eq!(scenario_name(dir.path()), own);
        std::fs::write(dir.path().join("scenario.toml"), "name = \"study\"\n").unwrap();
        assert_eq!(scenario_name(dir.path()), "study");
    }
}
