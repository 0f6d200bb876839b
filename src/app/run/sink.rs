//! Where `retrysim run` puts each replication as it finishes: its records are appended
//! to the open record files at once, and only what the summary, the table and the load
//! files need is kept. The world and the records are then dropped, so a run's memory
//! does not grow with its replications.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::table;
use crate::report::pipe::Pipe;
use crate::report::records::{self, RunContext};
use crate::report::rows::RowWriter;
use crate::report::{atomic, summary};
use crate::scenario::Scenario;
use crate::sim::RunOutput;
use crate::study::{self, Replication};

/// What is kept of a replication once its records are written.
#[derive(Debug)]
pub struct Finished {
    /// Replication number.
    pub replication: u32,
    /// Its output without records or time-to-deliver values (load rows are kept).
    pub output: RunOutput,
    /// Its `summary.csv` fields.
    summary: Vec<String>,
    /// Its row of the printed table.
    pub numbers: [Option<f64>; table::COLUMNS],
    /// Whether its world had capacity or sender limits.
    pub limited: bool,
}

/// A record file being written: the path and its row writer, whose blocks a thread
/// hashes and writes while the next rows are formatted (see `report::pipe`).
struct RecordFile {
    path: PathBuf,
    writer: RowWriter<Pipe>,
}

impl RecordFile {
    fn create(path: PathBuf, header: &[&str]) -> anyhow::Result<RecordFile> {
        let mut writer = RowWriter::new(Pipe::create(&path)?);
        for field in header {
            writer.text(field);
        }
        writer
            .end_row()
            .with_context(|| format!("could not write '{}'", path.display()))?;
        Ok(RecordFile { path, writer })
    }

    /// Appends one replication's records with `write`.
    fn append<T>(
        &mut self,
        run: RunContext<'_>,
        rows: &[T],
        write: fn(&mut RowWriter<Pipe>, RunContext<'_>, &[T]) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        write(&mut self.writer, run, rows)
            .with_context(|| format!("could not write '{}'", self.path.display()))
    }

    fn commit(self) -> anyhow::Result<PathBuf> {
        let pipe = self
            .writer
            .into_inner()
            .with_context(|| format!("could not write '{}'", self.path.display()))?;
        pipe.commit()
    }
}

/// The open record files of a run and what it kept of each finished replication.
pub struct Sink<'s> {
    dir: &'s Path,
    scenario: &'s Scenario,
    suppressions: RecordFile,
    attempts: Option<RecordFile>,
    /// Opened at the first replication with operator rows: the file exists only when
    /// some replication has one, and earlier replications had none to write.
    operator: Option<RecordFile>,
    finished: Vec<Finished>,
}

impl<'s> Sink<'s> {
    /// Opens `suppressions.csv`, and `attempts.csv` when tracing, in `dir`.
    pub fn open(dir: &'s Path, scenario: &'s Scenario, trace: bool) -> anyhow::Result<Sink<'s>> {
        let attempts = trace
            .then(|| RecordFile::create(dir.join("attempts.csv"), &records::ATTEMPTS_HEADER))
            .transpose()?;
        Ok(Sink {
            dir,
            scenario,
            suppressions: RecordFile::create(
                dir.join("suppressions.csv"),
                &records::SUPPRESSIONS_HEADER,
            )?,
            attempts,
            operator: None,
            finished: Vec::new(),
        })
    }

    /// Writes one replication's records and keeps its summary; replications must come
    /// in order.
    pub fn take(&mut self, r: Replication) -> anyhow::Result<()> {
        if self.finished.is_empty() {
            warn_outside(self.scenario, &r);
        }
        let run = RunContext {
            point: 0,
            replication: r.replication,
            workload: &r.world.workload,
            errors: &r.world.errors,
        };
        let out = &r.output;
        self.suppressions
            .append(run, &out.suppressions, records::suppression_rows)?;
        if let Some(file) = &mut self.attempts {
            file.append(run, &out.attempts, records::attempt_rows)?;
        }
        if !out.operator.is_empty() && self.operator.is_none() {
            let path = self.dir.join("operator.csv");
            self.operator = Some(RecordFile::create(path, &records::OPERATOR_HEADER)?);
        }
        if let Some(file) = &mut self.operator {
            file.append(run, &out.operator, records::operator_rows)?;
        }
        self.finished.push(finish(self.scenario, r));
        Ok(())
    }

    /// Writes `summary.csv`, commits the record files and returns every file written,
    /// in the order the run reports them, with what was kept of each replication.
    pub fn close(self) -> anyhow::Result<(Vec<PathBuf>, Vec<Finished>)> {
        let mut written = vec![write_summary(
            &self.dir.join("summary.csv"),
            &self.finished,
        )?];
        written.push(self.suppressions.commit()?);
        if let Some(file) = self.attempts {
            written.push(file.commit()?);
        }
        if self.finished.iter().any(|f| f.limited) {
            written.extend(super::super::run_load::write_load(
                self.dir,
                &self.finished,
            )?);
        }
        if let Some(file) = self.operator {
            written.push(file.commit()?);
        }
        Ok((written, self.finished))
    }
}

/// What is kept of `r`: the summary fields and table numbers are taken before the
/// time-to-deliver values and the records are dropped.
fn finish(scenario: &Scenario, r: Replication) -> Finished {
    let Replication {
        replication,
        world,
        mut output,
    } = r;
    let summary = summary::fields(&summary::SummaryRow {
        point: 0,
        replication,
        seed: scenario.seed,
        metrics: &output.metrics,
        swept: &[],
    });
    let numbers = table::numbers(&output.metrics);
    output.metrics.ttd = Default::default();
    output.suppressions = Vec::new();
    output.attempts = Vec::new();
    output.operator = Vec::new();
    Finished {
        replication,
        output,
        summary,
        numbers,
        limited: world.limits.is_some(),
    }
}

/// `summary.csv`: one row per replication, with the load columns when the runs had
/// limits (as `report::summary::write` decides from the first row).
fn write_summary(path: &Path, finished: &[Finished]) -> anyhow::Result<PathBuf> {
    let load = finished
        .first()
        .is_some_and(|f| f.output.metrics.load.is_some());
    atomic::write_csv(path, |w| {
        w.write_record(summary::header_for(&[], load))?;
        for f in finished {
            w.write_record(&f.summary)?;
        }
        Ok(())
    })
}

/// Warns when the first replication's workload has sends outside the run's window.
fn warn_outside(scenario: &Scenario, first: &Replication) {
    let outside = study::sends_outside(scenario, &first.world);
    if outside == first.world.workload.sends.len() {
        eprintln!(
            "warning: the workload has no sends inside the run ({} + {}): every count \
             below is zero; check sends.csv and the scenario's start and horizon",
            scenario.start, scenario.horizon
        );
    } else if outside > 0 {
        eprintln!(
            "warning: {outside} sends fall outside the run ({} + {}) and were ignored",
            scenario.start, scenario.horizon
        );
    }
}
