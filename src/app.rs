//! The commands behind the command line: each reads its arguments, calls the library
//! and writes files and a short human summary. Errors carry the file and setting.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{CheckArgs, Cli, Command, RunArgs, ScenarioArgs};
use crate::report::records::{self, RunContext};
use crate::report::{atomic, summary};
use crate::scenario::Scenario;
use crate::study::{self, Replication};

/// Runs one parsed command line.
pub fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Check(args) => check(args),
    }
    .map(|()| ExitCode::SUCCESS)
}

/// Loads the scenario named by the arguments and reports its warnings on stderr.
pub fn load_scenario(args: &ScenarioArgs) -> anyhow::Result<Scenario> {
    let mut sets = args.sets.clone();
    if let Some(seed) = args.seed {
        sets.push(format!("seed={seed}"));
    }
    let scenario = Scenario::load(args.scenario.as_deref(), &sets)?;
    for w in &scenario.warnings {
        eprintln!("warning: {w}");
    }
    Ok(scenario)
}

/// Runs `work` on a pool of `threads` workers (all cores when `None`).
pub fn with_threads<T: Send>(threads: Option<usize>, work: impl FnOnce() -> T + Send) -> anyhow::Result<T> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        anyhow::ensure!(n >= 1, "--threads must be at least 1");
        builder = builder.num_threads(n);
    }
    Ok(builder.build().context("could not start worker threads")?.install(work))
}

/// The output folder: `--out`, or `output/<scenario name>/`.
pub fn output_dir(out: Option<&Path>, scenario: &Scenario) -> anyhow::Result<PathBuf> {
    let dir = out.map_or_else(|| Path::new("output").join(&scenario.name), Path::to_path_buf);
    std::fs::create_dir_all(&dir).with_context(|| format!("could not create '{}'", dir.display()))?;
    Ok(dir)
}

/// Writes the resolved scenario beside the results, so they can be reproduced.
pub fn write_resolved(dir: &Path, scenario: &Scenario) -> anyhow::Result<PathBuf> {
    let mut f = atomic::AtomicFile::create(&dir.join("scenario.toml"))?;
    f.write_all(toml::to_string(&scenario.resolved())?.as_bytes())?;
    f.commit()
}

fn check(args: CheckArgs) -> anyhow::Result<()> {
    let scenario = load_scenario(&args.scenario)?;
    let text = toml::to_string(&scenario.resolved()).context("could not print the scenario")?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "# {}: valid; every default filled in", scenario.origin)?;
    out.write_all(text.as_bytes())?;
    Ok(())
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    let scenario = load_scenario(&args.scenario)?;
    let dir = output_dir(args.out.as_deref(), &scenario)?;
    let runs = with_threads(args.threads, || study::run_all(&scenario, args.trace))??;
    if let Some(first) = runs.first() {
        let outside = study::sends_outside(&scenario, &first.world);
        if outside > 0 {
            eprintln!("warning: {outside} sends fall outside the run ({} + {}) and were ignored", scenario.start, scenario.horizon);
        }
    }
    let mut written = vec![write_resolved(&dir, &scenario)?];
    written.extend(write_run_files(&dir, &scenario, &runs, args.trace)?);
    print_summary(&scenario, &runs, &written)?;
    Ok(())
}

/// Writes summary.csv, suppressions.csv, and the trace files of a single point.
fn write_run_files(dir: &Path, scenario: &Scenario, runs: &[Replication], trace: bool) -> anyhow::Result<Vec<PathBuf>> {
    let rows: Vec<summary::SummaryRow<'_>> = runs
        .iter()
        .map(|r| summary::SummaryRow { point: 0, replication: r.replication, seed: scenario.seed, metrics: &r.output.metrics, swept: &[] })
        .collect();
    let mut written = vec![summary::write(&dir.join("summary.csv"), &[], &rows)?];
    written.push(atomic::write_csv(&dir.join("suppressions.csv"), |w| {
        w.write_record(records::SUPPRESSIONS_HEADER)?;
        runs.iter().try_for_each(|r| records::suppressions(w, context(r), &r.output.suppressions))?;
        Ok(())
    })?);
    if trace {
        written.push(atomic::write_csv(&dir.join("attempts.csv"), |w| {
            w.write_record(records::ATTEMPTS_HEADER)?;
            runs.iter().try_for_each(|r| records::attempts(w, context(r), &r.output.attempts))?;
            Ok(())
        })?);
    }
    if runs.iter().any(|r| !r.output.operator.is_empty()) {
        written.push(atomic::write_csv(&dir.join("operator.csv"), |w| {
            w.write_record(records::OPERATOR_HEADER)?;
            runs.iter().try_for_each(|r| records::operator(w, context(r), &r.output.operator))?;
            Ok(())
        })?);
    }
    Ok(written)
}

fn print_summary(scenario: &Scenario, runs: &[Replication], written: &[PathBuf]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}: {} replication(s), {} from {}", scenario.name, runs.len(), scenario.horizon, scenario.start)?;
    writeln!(
        out,
        "{:>4} {:>10} {:>10} {:>8} {:>8} {:>9} {:>10} {:>8} {:>10} {:>9}",
        "rep", "messages", "delivered", "rate", "expired", "suppr.c", "false_sup", "dead_att", "skipped", "ttd_p50"
    )?;
    for r in runs {
        let c = &r.output.metrics.counters;
        let rate = if c.messages == 0 { 0.0 } else { 100.0 * c.delivered as f64 / c.messages as f64 };
        let p50 = r.output.metrics.ttd_quantile(0.5).map_or("-".to_string(), |s| crate::time::Span(s.into()).to_string());
        writeln!(
            out,
            "{:>4} {:>10} {:>10} {:>7.2}% {:>8} {:>9} {:>10} {:>8} {:>10} {:>9}",
            r.replication, c.messages, c.delivered, rate, c.expired, c.suppressed_contacts, c.false_suppressions, c.attempts_to_dead, c.skipped_suppressed, p50
        )?;
    }
    for path in written {
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(())
}

fn context(r: &Replication) -> RunContext<'_> {
    RunContext { point: 0, replication: r.replication, workload: &r.world.workload, errors: &r.world.errors }
}
