//! The load of a sweep in a world with limits: each finished point keeps replication 0's
//! per-minute load beside its point file (`points/load-NNNNNN.csv`, so that a resumed or
//! merged sweep has it too), and the assembly joins them, in point order, into the
//! sweep's `load.csv`, the same columns `run` writes.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::report::atomic;
use crate::report::load::{self, LOAD_HEADER, LoadRun};
use crate::sweep::PointLoad;
use crate::sweep::store::load_point_path;

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
