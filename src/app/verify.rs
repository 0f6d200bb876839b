//! `retrysim verify`: reruns the scenario behind a baseline folder and compares the
//! fresh `summary.csv` (and `aggregate.csv` for a sweep) with the baseline's, so that a
//! CI job fails when a change moves a metric. Exit codes: 0 no regression, 1 regression,
//! 2 unusable input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{RunArgs, ScenarioArgs, SweepArgs, VerifyArgs};
use crate::report::atomic;
use crate::scenario::Scenario;
use crate::verify::{self, Comparison, ResultTable, Tolerances};

/// The exit status of a regression; errors exit with [`UNUSABLE`].
const REGRESSION: u8 = 1;
/// The exit status when the command line, the baseline or the scenario cannot be used.
const UNUSABLE: u8 = 2;

/// How the baseline was made, hence how to rerun it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Run,
    Sweep,
}

pub(super) fn verify(args: VerifyArgs) -> ExitCode {
    match compare_with_baseline(&args) {
        Ok(true) => ExitCode::from(REGRESSION),
        Ok(false) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(UNUSABLE)
        }
    }
}

/// Reruns, compares, reports and (with `--update`) rewrites the baseline; returns
/// whether a regression stands.
fn compare_with_baseline(args: &VerifyArgs) -> anyhow::Result<bool> {
    let tolerances = Tolerances::parse(args.tolerances.iter().map(String::as_str))?;
    anyhow::ensure!(
        args.out.as_deref() != Some(args.baseline.as_path()),
        "--out must not be the baseline folder: the rerun would overwrite what it is compared with"
    );
    let scenario = scenario_args(args);
    let mode = mode(&args.baseline, &scenario, args.update)?;
    let temporary = tempfile::tempdir().context("could not create a temporary folder")?;
    let fresh = args
        .out
        .clone()
        .unwrap_or_else(|| temporary.path().to_path_buf());
    rerun(mode, scenario, &fresh, args.threads)?;
    let comparison = compare_files(mode, &args.baseline, &fresh, &tolerances, args.update)?;
    let regression = comparison.has_regression();
    print_outcome(&args.baseline, &comparison, args.update)?;
    if let Some(path) = &args.junit {
        let mut f = atomic::AtomicFile::create(path)?;
        let suite = format!("retrysim verify {}", args.baseline.display());
        f.write_all(verify::junit::report(&suite, &comparison).as_bytes())?;
        f.commit()?;
    }
    if args.update {
        let copied = copy_files(&fresh, &args.baseline)?;
        println!(
            "updated baseline '{}' ({copied} file(s))",
            args.baseline.display()
        );
        return Ok(false);
    }
    Ok(regression)
}

/// The scenario arguments, defaulting to the scenario the baseline was made from.
fn scenario_args(args: &VerifyArgs) -> ScenarioArgs {
    let mut scenario = args.scenario.clone();
    let recorded = args.baseline.join("scenario.toml");
    if scenario.scenario.is_none() && recorded.is_file() {
        scenario.scenario = Some(recorded);
    }
    scenario
}

/// A baseline with `aggregate.csv` came from a sweep, one with only `summary.csv` from a
/// run; a baseline being created by `--update` follows the scenario's `[sweep]` table.
fn mode(baseline: &Path, scenario: &ScenarioArgs, update: bool) -> anyhow::Result<Mode> {
    if baseline.join("aggregate.csv").is_file() {
        return Ok(Mode::Sweep);
    }
    if baseline.join("summary.csv").is_file() {
        return Ok(Mode::Run);
    }
    anyhow::ensure!(
        update,
        "'{}' has no summary.csv: expected a folder written by `retrysim run` or `retrysim sweep` \
         (create one with `retrysim verify DIR SCENARIO --update`)",
        baseline.display()
    );
    let loaded = Scenario::load(scenario.scenario.as_deref(), &scenario.sets)?;
    Ok(if loaded.document.contains_key("sweep") {
        Mode::Sweep
    } else {
        Mode::Run
    })
}

/// Runs the scenario the way the baseline was made, writing into `out`.
fn rerun(
    mode: Mode,
    scenario: ScenarioArgs,
    out: &Path,
    threads: Option<usize>,
) -> anyhow::Result<()> {
    let out = Some(out.to_path_buf());
    match mode {
        Mode::Run => super::run::run(RunArgs {
            scenario,
            out,
            threads,
            ..RunArgs::default()
        }),
        Mode::Sweep => super::sweep::sweep(SweepArgs {
            scenario,
            out,
            threads,
            ..SweepArgs::default()
        }),
    }
}

/// Compares every result file the mode writes. A file the baseline lacks is skipped
/// when updating (the baseline is being created) and an error otherwise.
fn compare_files(
    mode: Mode,
    baseline: &Path,
    fresh: &Path,
    tolerances: &Tolerances,
    update: bool,
) -> anyhow::Result<Comparison> {
    let mut files: Vec<(&str, &[&str])> = vec![("summary.csv", &["point", "replication"])];
    if mode == Mode::Sweep {
        files.push(("aggregate.csv", &["point"]));
    }
    let mut all = Comparison::default();
    for (name, keys) in files {
        let base_path = baseline.join(name);
        if update && !base_path.is_file() {
            continue;
        }
        let base = read_table(&base_path)?;
        let now = read_table(&fresh.join(name))?;
        all.extend(verify::compare(name, keys, &base, &now, tolerances)?);
    }
    Ok(all)
}

fn read_table(path: &Path) -> anyhow::Result<ResultTable> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("could not open '{}'", path.display()))?;
    Ok(ResultTable::read(&path.display().to_string(), file)?)
}

fn print_outcome(baseline: &Path, c: &Comparison, update: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    write!(out, "{c}")?;
    let regressions = c.regressions().count() + c.missing.len();
    let verdict = match (regressions, update) {
        (0, _) => "no regression",
        (_, true) => "differences accepted by --update",
        (_, false) => "REGRESSION",
    };
    writeln!(
        out,
        "verify against '{}': {} cell(s) compared, {} moved, {regressions} beyond tolerance: {verdict}",
        baseline.display(),
        c.cells,
        c.differences.len()
    )?;
    Ok(())
}

/// Copies the regular files of `from` (not its sub-folders) into `to`, atomically each.
fn copy_files(from: &Path, to: &Path) -> anyhow::Result<usize> {
    std::fs::create_dir_all(to).with_context(|| format!("could not create '{}'", to.display()))?;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(from)
        .with_context(|| format!("could not read '{}'", from.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.retain(|p| p.is_file());
    entries.sort();
    for path in &entries {
        let bytes =
            std::fs::read(path).with_context(|| format!("could not read '{}'", path.display()))?;
        let mut f = atomic::AtomicFile::create(&to.join(path.file_name().unwrap_or_default()))?;
        f.write_all(&bytes)?;
        f.commit()?;
    }
    Ok(entries.len())
}
