//! The load of a sweep in a world with limits: each finished point keeps replication 0's
//! per-minute load beside its point file (`points/load-NNNNNN.csv`, so that a resumed or
//! merged sweep has it too), and the assembly joins them, in point order, into the
//! sweep's `load.csv`, the same columns `run` writes. The sweep also prints the load
//! metrics of every point from `aggregate.csv` ([`print_table`]).

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::store::load_point_path;
use crate::report::atomic;
use crate::report::load::{self, LOAD_HEADER, LoadRun};
use crate::report::table::Table;
use crate::sweep::PointLoad;

/// Writes the load of point `index` into the sweep folder `dir`'s point store.
pub fn write_point(dir: &Path, index: usize, point: &PointLoad) -> anyhow::Result<PathBuf> {
    let run = LoadRun {
        point: index,
        replication: 0,
        rows: &point.rows,
        domains: &point.domains,
    };
    load::write(&load_point_path(dir, index), &[run])
}

/// Joins the load files of points `0..points` into `dir/load.csv`; `None` (and no file)
/// when no point has one, as in a world without limits.
pub fn assemble(dir: &Path, points: usize) -> anyhow::Result<Option<PathBuf>> {
    let files: Vec<PathBuf> = (0..points)
        .map(|i| load_point_path(dir, i))
        .filter(|p| p.exists())
        .collect();
    if files.is_empty() {
        return Ok(None);
    }
    let path = atomic::write_csv(&dir.join("load.csv"), |w| {
        w.write_record(LOAD_HEADER)?;
        for file in &files {
            copy_rows(file, w)?;
        }
        Ok(())
    })?;
    Ok(Some(path))
}

/// Appends the rows of one point's load file, refusing one whose header is not ours.
fn copy_rows<W: std::io::Write>(file: &Path, w: &mut csv::Writer<W>) -> anyhow::Result<()> {
    let mut reader = csv::Reader::from_path(file)
        .with_context(|| format!("could not read '{}'", file.display()))?;
    let header = reader
        .headers()
        .with_context(|| format!("could not read '{}'", file.display()))?;
    anyhow::ensure!(
        header.iter().eq(LOAD_HEADER),
        "'{}' is not a load file (header {:?})",
        file.display(),
        header.iter().collect::<Vec<_>>().join(",")
    );
    for record in reader.records() {
        let record = record.with_context(|| format!("could not read '{}'", file.display()))?;
        w.write_record(&record)?;
    }
    Ok(())
}

/// The load columns the table prints: (metric, heading, divisor for the unit).
const LOAD_COLUMNS: [(&str, &str, f64); 5] = [
    ("attempts", "attempts", 1.0),
    ("throttled", "throttled", 1.0),
    ("throttling_ended_s", "clear_h", 3600.0),
    ("peak_attempts_per_min", "peak/min", 1.0),
    ("ttd_p90_s", "ttd_p90_s", 1.0),
];

/// Prints, for a sweep in a world with limits, one line per point: its swept values,
/// the means of the load metrics, and the paired difference in attempts and throttled
/// attempts with the baseline point (± the 95% half-width). Nothing for other sweeps.
pub fn print_table(dir: &Path, out: &mut impl std::io::Write) -> anyhow::Result<()> {
    let Some(table) = Table::load_optional(&dir.join("aggregate.csv"))? else {
        return Ok(());
    };
    if table.column("throttled_mean").is_none() {
        return Ok(());
    }
    let keys = table.swept_keys();
    let short: Vec<&str> = keys
        .iter()
        .map(|k| k.rsplit('.').next().unwrap_or(k))
        .collect();
    writeln!(
        out,
        "load by point (means; clear_h: hours until throttling ended; Δ: paired difference with the baseline, ±95%):"
    )?;
    let mut head = format!("{:>5}", "point");
    for k in &short {
        head.push_str(&format!(" {k:>12}"));
    }
    for (_, h, _) in LOAD_COLUMNS {
        head.push_str(&format!(" {h:>10}"));
    }
    writeln!(out, "{head} {:>16} {:>16}", "Δattempts", "Δthrottled")?;
    for row in &table.rows {
        writeln!(out, "{}", line(&table, row, &keys))?;
    }
    Ok(())
}

/// One point's line of [`print_table`].
fn line(table: &Table, row: &[String], keys: &[String]) -> String {
    let mut text = format!("{:>5}", table.cell(row, "point").unwrap_or(""));
    for k in keys {
        text.push_str(&format!(" {:>12}", table.cell(row, k).unwrap_or("")));
    }
    for (metric, _, unit) in LOAD_COLUMNS {
        let cell = match table.f64(row, &format!("{metric}_mean")) {
            Some(v) if unit > 1.0 => format!("{:.1}", v / unit),
            Some(v) => format!("{v:.0}"),
            None => String::new(),
        };
        text.push_str(&format!(" {cell:>10}"));
    }
    for metric in ["attempts", "throttled"] {
        let diff = table.f64(row, &format!("{metric}_diff_mean"));
        let half = table.f64(row, &format!("{metric}_diff_ci95"));
        let cell = match (diff, half) {
            (Some(d), Some(h)) => format!("{d:+.0} ±{h:.0}"),
            _ => String::new(),
        };
        text.push_str(&format!(" {cell:>16}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::LoadRow;

    fn point(attempts: u32) -> PointLoad {
        PointLoad {
            rows: vec![LoadRow {
                minute: 3,
                domain: 0,
                attempts,
                accepted: attempts,
                throttled: 0,
                queued: 0,
            }],
            domains: vec!["gmail.com".into()],
        }
    }

    #[test]
    fn the_table_prints_load_means_and_paired_differences_per_point() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("aggregate.csv"),
            "point,replications,policy.backoff.jitter,attempts_mean,attempts_diff_mean,\
             attempts_diff_ci95,throttled_mean,throttled_diff_mean,throttled_diff_ci95,\
             throttling_ended_s_mean,peak_attempts_per_min_mean,ttd_p90_s_mean\n\
             0,2,none,100.5,0,0,10,0,0,7200,12,300\n1,2,full,150,49.5,3.2,30,20,1.5,9000,20,600\n",
        )
        .unwrap();
        let mut out = Vec::new();
        print_table(dir.path(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[1].contains("jitter") && lines[1].contains("clear_h"),
            "{text}"
        );
        let cells: Vec<&str> = lines[3].split_whitespace().collect();
        assert_eq!(
            cells,
            [
                "1", "full", "150", "30", "2.5", "20", "600", "+50", "±3", "+20", "±2"
            ]
        );
        let mut none = Vec::new();
        std::fs::write(
            dir.path().join("aggregate.csv"),
            "point,replications,a_mean\n0,1,1\n",
        )
        .unwrap();
        print_table(dir.path(), &mut none).unwrap();
        assert!(none.is_empty(), "no load columns, no table");
    }

    #[test]
    fn points_join_in_point_order_and_a_world_without_load_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("points")).unwrap();
        assert_eq!(assemble(dir.path(), 2).unwrap(), None);
        write_point(dir.path(), 1, &point(7)).unwrap();
        write_point(dir.path(), 0, &point(5)).unwrap();
        let path = assemble(dir.path(), 2).unwrap().unwrap();
        assert_eq!(
            std::fs::read_to_string(path).unwrap(),
            "replication,point,minute,domain,attempts,accepted,throttled,queued\n\
             0,0,3,gmail.com,5,5,0,0\n0,1,3,gmail.com,7,7,0,0\n"
        );
    }
}
