//! `retrysim run`: one policy point, every replication, and its result files.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{begin_results, load_scenario, output_dir, with_threads, write_resolved};
use crate::cli::RunArgs;
use crate::report::records::{self, RunContext};
use crate::report::{atomic, folder, summary};
use crate::scenario::Scenario;
use crate::study::{self, Replication, memory};
use crate::sweep::store::fingerprint;

mod table;

pub(super) fn run(args: RunArgs) -> anyhow::Result<()> {
    let scenario = load_scenario(&args.scenario)?;
    if scenario.document.contains_key("sweep") {
        eprintln!(
            "note: this scenario has a [sweep] table; `run` runs its base point, `retrysim sweep` runs the grid"
        );
    }
    let dir = output_dir(args.out.as_deref(), &scenario, "run")?;
    begin_results(&dir, "run", args.force, &scenario)?;
    let estimate = memory::estimate(&scenario)?;
    let limit = memory::limit(args.memory_limit);
    memory::check(estimate, scenario.replications.into(), limit, "this run")?;
    let runs = with_threads(args.threads, || {
        study::run_all(
            &scenario,
            study::RunOptions::default().with_trace(args.trace),
        )
    })??;
    if let Some(first) = runs.first() {
        let outside = study::sends_outside(&scenario, &first.world);
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
    // The scenario and the record last, so the folder describes only complete results.
    let mut written = write_run_files(&dir, &scenario, &runs, args.trace)?;
    written.push(write_resolved(&dir, &scenario)?);
    let digest = fingerprint::digest(&fingerprint::of(&scenario)?);
    folder::finish(&dir, "run", &digest, &written)?;
    print_summary(&scenario, &runs, &written)?;
    Ok(())
}

/// Writes summary.csv, suppressions.csv, and the trace files of a single point.
// The closures around the record writers are not redundant: the writers are generic
// over their output, and a generic function cannot itself stand for a writer that
// accepts every lifetime of the file borrow.
#[allow(clippy::redundant_closure)]
fn write_run_files(
    dir: &Path,
    scenario: &Scenario,
    runs: &[Replication],
    trace: bool,
) -> anyhow::Result<Vec<PathBuf>> {
    let rows: Vec<summary::SummaryRow<'_>> = runs
        .iter()
        .map(|r| summary::SummaryRow {
            point: 0,
            replication: r.replication,
            seed: scenario.seed,
            metrics: &r.output.metrics,
            swept: &[],
        })
        .collect();
    let mut written = vec![summary::write(&dir.join("summary.csv"), &[], &rows)?];
    written.push(write_records(
        &dir.join("suppressions.csv"),
        &records::SUPPRESSIONS_HEADER,
        runs,
        |r| &r.output.suppressions,
        |w, c, recs| records::suppressions(w, c, recs),
    )?);
    if trace {
        written.push(write_records(
            &dir.join("attempts.csv"),
            &records::ATTEMPTS_HEADER,
            runs,
            |r| &r.output.attempts,
            |w, c, recs| records::attempts(w, c, recs),
        )?);
    }
    if runs.iter().any(|r| r.world.limits.is_some()) {
        written.extend(super::run_load::write_load(dir, runs)?);
    }
    if runs.iter().any(|r| !r.output.operator.is_empty()) {
        written.push(write_records(
            &dir.join("operator.csv"),
            &records::OPERATOR_HEADER,
            runs,
            |r| &r.output.operator,
            |w, c, recs| records::operator(w, c, recs),
        )?);
    }
    Ok(written)
}

/// The writer every record file is written through.
type RecordWriter<'f> = csv::Writer<&'f mut atomic::AtomicFile>;

/// Writes one record file: its header, then the records of every replication in order.
fn write_records<T>(
    path: &Path,
    header: &[&str],
    runs: &[Replication],
    records_of: fn(&Replication) -> &[T],
    write: impl Fn(&mut RecordWriter<'_>, RunContext<'_>, &[T]) -> csv::Result<()>,
) -> anyhow::Result<PathBuf> {
    atomic::write_csv(path, |w| {
        w.write_record(header)?;
        for r in runs {
            write(w, context(r), records_of(r))?;
        }
        Ok(())
    })
}

fn print_summary(
    scenario: &Scenario,
    runs: &[Replication],
    written: &[PathBuf],
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} replication(s), {} from {}",
        scenario.name,
        runs.len(),
        scenario.horizon,
        scenario.start
    )?;
    table::print(&mut out, runs)?;
    super::run_load::print_peaks(&mut out, runs)?;
    for path in written {
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(())
}

fn context(r: &Replication) -> RunContext<'_> {
    RunContext {
        point: 0,
        replication: r.replication,
        workload: &r.world.workload,
        errors: &r.world.errors,
    }
}
