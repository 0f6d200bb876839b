//! `retrysim sweep --show METRIC`: after the sweep, one table per named metric with its
//! mean at every point and the paired difference against the baseline point, each with
//! its 95% half-width, read back from the `aggregate.csv` just written.
//!
//! The paired difference is the figure a comparison needs (every point replays the same
//! contacts and failures, so it is much tighter than the difference of two means), and
//! printing it lets documentation quote it from a tested transcript instead of a file.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};

use crate::metrics::RunMetrics;

/// Refuses an unknown metric before the sweep runs, so a typo costs no sweep.
pub(super) fn check(metrics: &[String]) -> anyhow::Result<()> {
    let names = RunMetrics::names_for(true);
    if let Some(bad) = metrics.iter().find(|m| !names.contains(m)) {
        bail!(
            "--show {bad}: not a metric of summary.csv; the metrics are {}",
            names.join(", ")
        );
    }
    Ok(())
}

/// Prints one table per metric from `dir/aggregate.csv`: point, swept values, mean ±
/// half-width, paired difference ± half-width against `baseline`.
pub(super) fn print(
    dir: &Path,
    metrics: &[String],
    keys: &[String],
    baseline: usize,
) -> anyhow::Result<()> {
    if metrics.is_empty() {
        return Ok(());
    }
    let path = dir.join("aggregate.csv");
    let mut reader = csv::Reader::from_path(&path)
        .with_context(|| format!("could not read '{}'", path.display()))?;
    let header = reader.headers()?.clone();
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .with_context(|| format!("could not read '{}'", path.display()))?;
    let mut out = std::io::stdout().lock();
    for metric in metrics {
        let table = metric_table(&header, &rows, metric, keys, baseline)
            .with_context(|| format!("'{}'", path.display()))?;
        out.write_all(table.as_bytes())?;
    }
    Ok(())
}

/// The text of one metric's table, columns padded to their widest cell.
fn metric_table(
    header: &csv::StringRecord,
    rows: &[csv::StringRecord],
    metric: &str,
    keys: &[String],
    baseline: usize,
) -> anyhow::Result<String> {
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("no column {name}"))
    };
    let key_cols = keys
        .iter()
        .map(|k| at(k))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let [mean, ci, diff, diff_ci] =
        ["mean", "ci95", "diff_mean", "diff_ci95"].map(|suffix| at(&format!("{metric}_{suffix}")));
    let (mean, ci, diff, diff_ci) = (mean?, ci?, diff?, diff_ci?);
    let point = at("point")?;
    let mut lines = vec![{
        let mut head = vec!["point".to_string()];
        head.extend(keys.iter().cloned());
        head.extend([
            "mean".into(),
            "±95%".into(),
            "paired diff".into(),
            "±95%".into(),
        ]);
        head
    }];
    for row in rows {
        let cell = |i: usize| row.get(i).unwrap_or("").to_string();
        let mut line = vec![cell(point)];
        line.extend(key_cols.iter().map(|&i| cell(i)));
        line.extend([cell(mean), cell(ci), cell(diff), cell(diff_ci)]);
        lines.push(line);
    }
    Ok(format!(
        "{metric}: mean across replications, and the paired difference against point {baseline}\n{}",
        aligned(&lines)
    ))
}

/// Left-aligns the first columns and right-aligns the four figures.
fn aligned(lines: &[Vec<String>]) -> String {
    let columns = lines.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for line in lines {
        let cells: Vec<String> = line
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c + 4 >= columns {
                    format!("{cell:>w$}", w = widths[c])
                } else {
                    format!("{cell:<w$}", w = widths[c])
                }
            })
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_table_lists_each_point_with_its_paired_difference() {
        let header = csv::StringRecord::from(vec![
            "point",
            "replications",
            "policy.preset",
            "attempts_mean",
            "attempts_ci95",
            "attempts_diff_mean",
            "attempts_diff_ci95",
        ]);
        let rows = vec![
            csv::StringRecord::from(vec!["0", "3", "ajo", "10", "1", "0", "0"]),
            csv::StringRecord::from(vec!["1", "3", "postfix", "250", "12", "240", "11"]),
        ];
        let text = metric_table(&header, &rows, "attempts", &["policy.preset".into()], 0).unwrap();
        assert_eq!(
            text,
            "attempts: mean across replications, and the paired difference against point 0\n\
             point  policy.preset  mean  ±95%  paired diff  ±95%\n\
             0      ajo              10     1            0     0\n\
             1      postfix         250    12          240    11\n"
        );
        assert!(metric_table(&header, &rows, "delivered", &[], 0).is_err());
    }

    #[test]
    fn an_unknown_metric_is_refused_before_the_sweep() {
        assert!(check(&["delivery_rate".into(), "ttd_p99_s".into()]).is_ok());
        let err = check(&["delivery".into()]).unwrap_err().to_string();
        assert!(
            err.contains("--show delivery") && err.contains("delivery_rate"),
            "{err}"
        );
    }
}
