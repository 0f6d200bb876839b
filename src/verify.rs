//! Comparing a fresh run with a baseline folder: the library side of `retrysim verify`.
//!
//! A result folder's `summary.csv` (one row per point and replication) and
//! `aggregate.csv` (one row per point) are read as [`ResultTable`]s and compared cell by
//! cell. Rows are matched by their key columns, not by position, so a reordered file is
//! not a regression. Because runs are deterministic, the default is exact equality; a
//! [`Tolerances`] entry allows a metric to move by an absolute amount. Columns that only
//! the fresh results have are reported but allowed: outputs gain columns over time, and
//! an extended file still says the same about the old ones.

pub mod junit;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;

use crate::metrics::RunMetrics;

/// The suffixes `aggregate.csv` appends to a metric's name; a tolerance for a metric
/// also covers these columns.
const AGGREGATE_SUFFIXES: [&str; 4] = ["_mean", "_ci95", "_diff_mean", "_diff_ci95"];

/// A problem with the inputs of a comparison (not a regression).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct VerifyError(String);

/// A CSV result file: its header and rows, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultTable {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl ResultTable {
    /// Reads a CSV file with a header row from any reader; `name` appears in errors.
    pub fn read(name: &str, input: impl Read) -> Result<ResultTable, VerifyError> {
        let mut reader = csv::Reader::from_reader(input);
        let fail = |e: csv::Error| {
            let line = e.position().map_or(0, |p| p.line());
            VerifyError(format!("{name} line {line}: {e}"))
        };
        let header = reader
            .headers()
            .map_err(fail)?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
            .collect::<Result<_, _>>()
            .map_err(fail)?;
        Ok(ResultTable { header, rows })
    }

    /// The column names, in file order.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Each row keyed by its values in `keys`, e.g. `point=0 replication=1`.
    fn keyed(&self, name: &str, keys: &[&str]) -> Result<BTreeMap<String, usize>, VerifyError> {
        let at: Vec<usize> = keys
            .iter()
            .map(|k| {
                self.column(k)
                    .ok_or_else(|| VerifyError(format!("{name}: no column {k}")))
            })
            .collect::<Result<_, _>>()?;
        let mut out = BTreeMap::new();
        for (i, row) in self.rows.iter().enumerate() {
            let key = keys
                .iter()
                .zip(&at)
                .map(|(k, &c)| format!("{k}={}", row.get(c).map_or("", String::as_str)))
                .collect::<Vec<_>>()
                .join(" ");
            if out.insert(key.clone(), i).is_some() {
                return Err(VerifyError(format!("{name}: row {key} appears twice")));
            }
        }
        Ok(out)
    }
}

/// Allowed absolute movement per metric; every metric without one must not move.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tolerances {
    by_metric: BTreeMap<String, f64>,
}

impl Tolerances {
    /// Reads `METRIC=ABS` assignments, e.g. `delivery_rate=0.001`. The metric must be a
    /// column of `summary.csv` and the amount a finite number at least 0.
    pub fn parse<'a>(
        assignments: impl IntoIterator<Item = &'a str>,
    ) -> Result<Tolerances, VerifyError> {
        let names = RunMetrics::names();
        let mut by_metric = BTreeMap::new();
        for text in assignments {
            let (metric, amount) = text
                .split_once('=')
                .ok_or_else(|| VerifyError(format!("--tolerance {text:?}: expected METRIC=ABS")))?;
            let metric = metric.trim();
            if !names.iter().any(|n| n == metric) {
                return Err(VerifyError(format!(
                    "--tolerance {text:?}: {metric:?} is not a metric; metrics are the columns of summary.csv: {}",
                    names.join(", ")
                )));
            }
            let amount = amount
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|a| a.is_finite() && *a >= 0.0)
                .ok_or_else(|| {
                    VerifyError(format!(
                        "--tolerance {text:?}: expected an absolute amount of at least 0, got {:?}",
                        amount.trim()
                    ))
                })?;
            by_metric.insert(metric.to_string(), amount);
        }
        Ok(Tolerances { by_metric })
    }

    /// The allowance of a column: its metric's tolerance (a metric's tolerance covers its
    /// `aggregate.csv` columns too), else 0.
    pub fn allowed(&self, column: &str) -> f64 {
        if let Some(&a) = self.by_metric.get(column) {
            return a;
        }
        AGGREGATE_SUFFIXES
            .iter()
            .filter_map(|s| column.strip_suffix(s))
            .find_map(|m| self.by_metric.get(m).copied())
            .unwrap_or(0.0)
    }
}

/// One cell that differs between the baseline and the fresh results.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The file, e.g. `summary.csv`.
    pub file: String,
    /// The row's key, e.g. `point=0 replication=1`.
    pub row: String,
    /// The column.
    pub metric: String,
    /// The baseline's text.
    pub baseline: String,
    /// The fresh text.
    pub now: String,
    /// Now minus baseline, when both are numbers.
    pub difference: Option<f64>,
    /// The allowed absolute difference.
    pub allowed: f64,
}

impl Difference {
    /// Whether the change is more than allowed (a change that is not numeric always is).
    /// The allowance is widened by a part in a billion, so that `0.901 - 0.900`, which
    /// is a hair above `0.001` in binary, counts as within a tolerance of `0.001`.
    pub fn is_regression(&self) -> bool {
        self.difference
            .is_none_or(|d| d.abs() > self.allowed * (1.0 + 1e-9))
    }
}

/// The outcome of comparing result files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    /// Cells that differ, within tolerance or not, in file, row and column order.
    pub differences: Vec<Difference>,
    /// Rows or columns that one side lacks; each is a regression.
    pub missing: Vec<String>,
    /// Columns only the fresh results have; allowed.
    pub added_columns: Vec<String>,
    /// Rows compared, as (file, row key), in order.
    pub rows: Vec<(String, String)>,
    /// Cells compared.
    pub cells: usize,
}

impl Comparison {
    /// Whether anything moved more than allowed or went missing.
    pub fn has_regression(&self) -> bool {
        !self.missing.is_empty() || self.differences.iter().any(Difference::is_regression)
    }

    /// The differences that are regressions.
    pub fn regressions(&self) -> impl Iterator<Item = &Difference> {
        self.differences.iter().filter(|d| d.is_regression())
    }

    /// Adds another file's comparison to this one.
    pub fn extend(&mut self, other: Comparison) {
        self.differences.extend(other.differences);
        self.missing.extend(other.missing);
        self.added_columns.extend(other.added_columns);
        self.rows.extend(other.rows);
        self.cells += other.cells;
    }
}

impl fmt::Display for Comparison {
    /// A table of what moved, then what is missing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.differences.is_empty() {
            writeln!(
                f,
                "{:<14} {:<28} {:<32} {:>14} {:>14} {:>12} {:>10}  status",
                "file", "row", "metric", "baseline", "now", "difference", "allowed"
            )?;
        }
        for d in &self.differences {
            let diff = d.difference.map_or("-".to_string(), signed);
            let status = if d.is_regression() {
                "REGRESSION"
            } else {
                "ok"
            };
            writeln!(
                f,
                "{:<14} {:<28} {:<32} {:>14} {:>14} {:>12} {:>10}  {status}",
                d.file, d.row, d.metric, d.baseline, d.now, diff, d.allowed
            )?;
        }
        for m in &self.missing {
            writeln!(f, "REGRESSION: {m}")?;
        }
        for c in &self.added_columns {
            writeln!(f, "note: new column {c} (not in the baseline)")?;
        }
        Ok(())
    }
}

/// Compares one file. `keys` are the columns that identify a row (`point,replication`
/// for `summary.csv`, `point` for `aggregate.csv`); every other baseline column is
/// compared, as a number when both sides are numbers and as text otherwise.
pub fn compare(
    file: &str,
    keys: &[&str],
    baseline: &ResultTable,
    now: &ResultTable,
    tolerances: &Tolerances,
) -> Result<Comparison, VerifyError> {
    let mut out = Comparison::default();
    let columns = shared_columns(file, baseline, now, &mut out);
    let base_rows = baseline.keyed(&format!("baseline {file}"), keys)?;
    let now_rows = now.keyed(&format!("new {file}"), keys)?;
    for key in now_rows.keys().filter(|k| !base_rows.contains_key(*k)) {
        out.missing
            .push(format!("{file}: row {key} is new (not in the baseline)"));
    }
    for (key, &b) in &base_rows {
        let Some(&n) = now_rows.get(key) else {
            out.missing
                .push(format!("{file}: row {key} is missing from the new results"));
            continue;
        };
        out.rows.push((file.to_string(), key.clone()));
        for &(name, bc, nc) in &columns {
            let cell =
                |t: &ResultTable, r: usize, c: usize| t.rows[r].get(c).cloned().unwrap_or_default();
            let (was, is) = (cell(baseline, b, bc), cell(now, n, nc));
            out.cells += 1;
            if was != is {
                out.differences.push(Difference {
                    file: file.to_string(),
                    row: key.clone(),
                    metric: name.to_string(),
                    difference: numeric_difference(&was, &is),
                    allowed: tolerances.allowed(name),
                    baseline: was,
                    now: is,
                });
            }
        }
    }
    Ok(out)
}

/// The baseline's columns with their positions on both sides; records the columns
/// either side lacks.
fn shared_columns<'t>(
    file: &str,
    baseline: &'t ResultTable,
    now: &ResultTable,
    out: &mut Comparison,
) -> Vec<(&'t str, usize, usize)> {
    for name in now.header.iter().filter(|h| baseline.column(h).is_none()) {
        out.added_columns.push(format!("{file}: {name}"));
    }
    let mut shared = Vec::new();
    for (bc, name) in baseline.header.iter().enumerate() {
        match now.column(name) {
            Some(nc) => shared.push((name.as_str(), bc, nc)),
            None => out.missing.push(format!(
                "{file}: column {name} is missing from the new results"
            )),
        }
    }
    shared
}

/// A difference with its sign and at most nine decimals, without trailing zeros, so
/// that binary rounding (`-0.3333330000000001`) does not show.
fn signed(x: f64) -> String {
    let text = format!("{x:+.9}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `now - was` when both texts are finite numbers.
fn numeric_difference(was: &str, is: &str) -> Option<f64> {
    let (a, b) = (was.parse::<f64>().ok()?, is.parse::<f64>().ok()?);
    let d = b - a;
    d.is_finite().then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> ResultTable {
        ResultTable::read("t.csv", text.as_bytes()).unwrap()
    }

    fn check(base: &str, now: &str, tol: &[&str]) -> Comparison {
        let tol = Tolerances::parse(tol.iter().copied()).unwrap();
        compare("summary.csv", &["point"], &table(base), &table(now), &tol).unwrap()
    }

    #[test]
    fn identical_files_have_no_difference() {
        let c = check(
            "point,delivered\n0,5\n1,6\n",
            "point,delivered\n0,5\n1,6\n",
            &[],
        );
        assert_eq!(
            (c.differences.len(), c.cells, c.has_regression()),
            (0, 4, false)
        );
    }

    #[test]
    fn any_change_is_a_regression_without_tolerance() {
        let c = check("point,delivered\n0,5\n", "point,delivered\n0,6\n", &[]);
        assert!(c.has_regression());
        let d = &c.differences[0];
        assert_eq!(
            (d.metric.as_str(), d.difference, d.allowed),
            ("delivered", Some(1.0), 0.0)
        );
        assert_eq!((d.baseline.as_str(), d.now.as_str()), ("5", "6"));
    }

    #[test]
    fn a_tolerance_allows_a_change_up_to_its_amount() {
        let base = "point,delivery_rate\n0,0.900\n";
        assert!(
            !check(
                base,
                "point,delivery_rate\n0,0.901\n",
                &["delivery_rate=0.001"]
            )
            .has_regression()
        );
        assert!(
            check(
                base,
                "point,delivery_rate\n0,0.902\n",
                &["delivery_rate=0.001"]
            )
            .has_regression()
        );
    }

    #[test]
    fn a_metric_tolerance_covers_its_aggregate_columns() {
        let t = Tolerances::parse(["delivered=2"]).unwrap();
        assert_eq!(t.allowed("delivered_mean"), 2.0);
        assert_eq!(t.allowed("delivered_diff_ci95"), 2.0);
        assert_eq!(t.allowed("attempts_mean"), 0.0);
    }

    #[test]
    fn rows_are_matched_by_key_not_position() {
        let c = check(
            "point,delivered\n0,5\n1,6\n",
            "point,delivered\n1,6\n0,5\n",
            &[],
        );
        assert!(!c.has_regression());
    }

    #[test]
    fn missing_rows_and_columns_are_regressions_and_new_columns_are_not() {
        let c = check(
            "point,delivered,attempts\n0,5,7\n1,6,8\n",
            "point,delivered\n0,5\n",
            &[],
        );
        assert_eq!(
            c.missing,
            [
                "summary.csv: column attempts is missing from the new results",
                "summary.csv: row point=1 is missing from the new results"
            ]
        );
        let c = check(
            "point,delivered\n0,5\n",
            "point,delivered,counted\n0,5,1\n",
            &[],
        );
        assert!(!c.has_regression());
        assert_eq!(c.added_columns, ["summary.csv: counted"]);
    }

    #[test]
    fn a_text_change_is_a_regression_whatever_the_tolerance() {
        let c = check(
            "point,delivered\n0,5\n",
            "point,delivered\n0,\n",
            &["delivered=100"],
        );
        assert!(c.has_regression());
        assert_eq!(c.differences[0].difference, None);
    }

    #[test]
    fn differences_print_without_binary_noise() {
        assert_eq!(signed(-0.3333330000000001), "-0.333333");
        assert_eq!(signed(-4200.0), "-4200");
        assert_eq!(signed(1.0), "+1");
    }

    #[test]
    fn bad_tolerances_are_explained() {
        let err = |t: &str| Tolerances::parse([t]).unwrap_err().to_string();
        assert!(err("delivered").contains("METRIC=ABS"));
        assert!(err("nonsense=1").contains("not a metric"));
        assert!(err("delivered=-1").contains("at least 0"));
        assert!(err("delivered=lots").contains("at least 0"));
    }

    #[test]
    fn a_duplicate_row_key_is_an_error() {
        let tol = Tolerances::default();
        let t = table("point,delivered\n0,5\n0,6\n");
        let e = compare("summary.csv", &["point"], &t, &t, &tol).unwrap_err();
        assert!(e.to_string().contains("appears twice"), "{e}");
    }

    #[test]
    fn the_table_lists_what_moved_and_its_status() {
        let c = check("point,delivered\n0,5\n", "point,delivered\n0,6\n", &[]);
        let text = c.to_string();
        assert!(
            text.contains("delivered") && text.contains("+1") && text.contains("REGRESSION"),
            "{text}"
        );
    }
}
