//! The commands behind the command line: each reads its arguments, calls the library
//! and writes files and a short human summary. Errors carry the file and setting.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{Cli, Command, ScenarioArgs};
use crate::report::atomic;
use crate::scenario::Scenario;

mod check;
mod generate;
mod merge;
mod plot;
mod presets;
mod run;
mod sweep;

pub use presets::describe as presets_listing;

/// Runs one parsed command line.
pub fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Check(args) => check::check(args),
        Command::Generate(args) => generate::generate(args),
        Command::Plot(args) => plot::plot(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Merge(args) => merge::merge(args),
        Command::Presets(args) => presets::presets(args),
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
pub fn with_threads<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> T + Send,
) -> anyhow::Result<T> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        anyhow::ensure!(n >= 1, "--threads must be at least 1");
        builder = builder.num_threads(n);
    }
    Ok(builder
        .build()
        .context("could not start worker threads")?
        .install(work))
}

/// The output folder: `--out`, or `output/<scenario name>/`.
pub fn output_dir(out: Option<&Path>, scenario: &Scenario) -> anyhow::Result<PathBuf> {
    let dir = out.map_or_else(
        || Path::new("output").join(&scenario.name),
        Path::to_path_buf,
    );
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("could not create '{}'", dir.display()))?;
    Ok(dir)
}

/// Writes the resolved scenario beside the results, so they can be reproduced.
pub fn write_resolved(dir: &Path, scenario: &Scenario) -> anyhow::Result<PathBuf> {
    let mut f = atomic::AtomicFile::create(&dir.join("scenario.toml"))?;
    f.write_all(toml::to_string(&scenario.resolved())?.as_bytes())?;
    f.commit()
}
