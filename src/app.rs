//! The commands behind the command line: each reads its arguments, calls the library
//! and writes files and a short human summary. Errors carry the file and setting.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{Cli, Command, ScenarioArgs};
use crate::report::{atomic, folder};
use crate::scenario::Scenario;

pub mod calibrate;
mod charts;
mod check;
mod classify;
mod generate;
pub mod import;
mod merge;
mod plot;
mod presets;
mod progress;
mod run;
mod run_load;
mod show;
mod sweep;
mod sweep_show;
mod verify;

/// Runs one parsed command line.
pub fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Check(args) => check::check(args),
        Command::Generate(args) => generate::generate(args),
        Command::Plot(args) => plot::plot(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Merge(args) => merge::merge(args),
        Command::Classify(args) => classify::classify(args),
        Command::Presets(args) => presets::presets(args),
        Command::Verify(args) => return Ok(verify::verify(args)),
        Command::Import(args) => import::import(args),
        Command::Calibrate(args) => calibrate::calibrate(args),
        Command::Show(args) => show::show(args),
    }
    .map(|()| ExitCode::SUCCESS)
}

/// A mistake on the command line itself (exit status 2), such as a `--set` that names
/// no scenario key.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Loads the scenario named by the arguments and reports its warnings on stderr.
///
/// When the file loads on its own but not with the `--set` options, the first `--set`
/// that breaks it is blamed: the mistake is on the command line, not in the file. A
/// `--set` naming a key that does not exist is a [`UsageError`].
pub fn load_scenario(args: &ScenarioArgs) -> anyhow::Result<Scenario> {
    let mut sets = args.sets.clone();
    if let Some(seed) = args.seed {
        sets.push(format!("seed={seed}"));
    }
    let path = args.scenario.as_deref();
    let scenario = match Scenario::load(path, &sets) {
        Ok(s) => s,
        Err(err) if !args.sets.is_empty() && Scenario::load(path, &[]).is_ok() => {
            let culprit = args
                .sets
                .iter()
                .find(|set| Scenario::load(path, std::slice::from_ref(*set)).is_err())
                .unwrap_or(&args.sets[0]);
            let err = match Scenario::load(path, std::slice::from_ref(culprit)) {
                Err(own) => own,
                Ok(_) => err,
            };
            let text = format!("--set {culprit}: {}", err.message);
            // A key that does not exist is a typo on the command line (status 2); a
            // value out of range is the scenario's rule speaking (status 1).
            return Err(if err.message.contains("unknown field") {
                UsageError(text).into()
            } else {
                anyhow::Error::msg(text)
            });
        }
        Err(err) => return Err(err.into()),
    };
    for w in &scenario.warnings {
        eprintln!("warning: {w}");
    }
    Ok(scenario)
}

/// The most worker threads `--threads` accepts: far more than any machine has cores,
/// and few enough that starting them takes no noticeable time.
pub const MAX_THREADS: usize = 512;

/// Runs `work` on a pool of `threads` workers (all cores when `None`).
pub fn with_threads<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> T + Send,
) -> anyhow::Result<T> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        anyhow::ensure!(
            (1..=MAX_THREADS).contains(&n),
            "--threads must be 1..={MAX_THREADS}, got {n}"
        );
        builder = builder.num_threads(n);
    }
    Ok(builder
        .build()
        .context("could not start worker threads")?
        .install(work))
}

/// The output folder: `--out`, or `output/<scenario name>/` followed by `subfolder`
/// (`run` writes to `output/NAME/run/`, so that its files never mix with a sweep's).
pub fn output_dir(
    out: Option<&Path>,
    scenario: &Scenario,
    subfolder: &str,
) -> anyhow::Result<PathBuf> {
    let dir = out.map_or_else(
        || Path::new("output").join(&scenario.name).join(subfolder),
        Path::to_path_buf,
    );
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("could not create '{}'", dir.display()))?;
    Ok(dir)
}

/// Makes `dir` ready for a `kind` command's results: refuses a folder of another kind
/// (unless `force`) and a folder where the results would overwrite an input file.
pub fn begin_results(
    dir: &Path,
    kind: &str,
    force: bool,
    scenario: &Scenario,
) -> anyhow::Result<()> {
    folder::check_kind(dir, kind, force)?;
    folder::refuse_overwriting_inputs(dir, &scenario.input_files(), folder::is_result_file)
}

/// Writes the resolved scenario beside the results, so they can be reproduced.
pub fn write_resolved(dir: &Path, scenario: &Scenario) -> anyhow::Result<PathBuf> {
    let mut f = atomic::AtomicFile::create(&dir.join("scenario.toml"))?;
    f.write_all(toml::to_string(&scenario.resolved())?.as_bytes())?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_counts_are_bounded() {
        assert_eq!(with_threads(Some(2), || 7).unwrap(), 7);
        for bad in [0, MAX_THREADS + 1, 10_000] {
            let e = with_threads(Some(bad), || ()).unwrap_err();
            assert!(e.to_string().contains("--threads must be 1..=512"), "{e}");
        }
    }
}
