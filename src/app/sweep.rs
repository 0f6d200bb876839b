//! `retrysim sweep`: every point of the scenario's `[sweep]` design × its replications,
//! recorded point by point under `DIR/points/`, then assembled into the final files.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::anyhow;

use super::progress;
use super::{begin_results, load_scenario, output_dir, with_threads, write_resolved};
use crate::cli::SweepArgs;
use crate::report::folder;
use crate::report::store::{self, Manifest, PointRecord};
use crate::scenario::Scenario;
use crate::study::memory;
use crate::sweep::recommend::Objective;
use crate::sweep::shard::Shard;
use crate::sweep::{self, Plan};

pub(super) fn sweep(args: SweepArgs) -> anyhow::Result<()> {
    let scenario = load_scenario(&args.scenario)?;
    let fail = |e: sweep::SweepError| anyhow!("{}: {e}", scenario.origin);
    let plan = sweep::plan(&scenario, args.baseline.as_deref()).map_err(fail)?;
    let manifest = Manifest::new(&scenario, &plan)?;
    Objective::parse(manifest.objective.as_ref()).map_err(fail)?;
    super::sweep_show::check(&args.show)?;
    let shard = match &args.shard {
        Some(text) => Shard::parse(text, |k| std::env::var(k).ok()).map_err(anyhow::Error::msg)?,
        None => Shard::ALL,
    };
    if let Some(note) = &plan.baseline_note {
        eprintln!("note: {note}");
    }
    let dir = output_dir(args.out.as_deref(), &scenario, "")?;
    begin_results(&dir, "sweep", args.force, &scenario)?;
    let prepared = store::prepare(&dir, &manifest, args.resume)?;
    if let Some(points) = &prepared.removed {
        eprintln!(
            "note: removing the points of a different sweep in '{}'",
            points.display()
        );
    }
    let done = prepared.finished;
    on_interrupt_explain_resume(&args, &dir);
    let todo =
        point_scenarios(&scenario, &plan, |i| shard.contains(i) && !done[i]).map_err(fail)?;
    warn_once(&scenario, &todo);
    let bar = progress::bar(todo.len() as u64 * u64::from(scenario.replications));
    let write = |runs: sweep::PointRuns| {
        // The load file goes first: a point whose file exists has its load file too,
        // so a resumed sweep never misses one.
        if let Some(load) = &runs.load {
            crate::report::sweep_load::write_point(&dir, runs.index, load)?;
        }
        let record = PointRecord::from_runs(runs.index, &runs.runs);
        store::write_point(&dir, &record, &manifest.digest).map(drop)
    };
    let share = memory_plan(&scenario, args.threads, args.memory_limit)?;
    with_threads(args.threads, || {
        sweep::run_points(&scenario, &plan.keys, &todo, share, &write, &|| bar.inc(1))
    })??;
    bar.finish_and_clear();
    let scenario_file = write_resolved(&dir, &scenario)?;
    let mut written = report(&dir, &scenario, &manifest, todo.len(), shard)?;
    written.push(scenario_file);
    folder::finish(&dir, "sweep", &manifest.digest, &written)?;
    // Only a complete sweep has an aggregate.csv to read; a shard's does not yet.
    if !store::missing(&dir, &manifest).is_empty() {
        return Ok(());
    }
    super::sweep_show::print(&dir, &args.show, &plan.keys, plan.baseline)
}

/// Whether the replications' worlds may be built once and shared by every point (all of
/// them held at once); otherwise each thread builds one world at a time, which must fit.
fn memory_plan(
    scenario: &Scenario,
    threads: Option<usize>,
    limit: Option<u64>,
) -> anyhow::Result<bool> {
    let estimate = memory::estimate(scenario)?;
    let limit = memory::limit(limit);
    if memory::fits(estimate, scenario.replications.into(), limit) {
        return Ok(true);
    }
    let threads = threads.unwrap_or_else(rayon::current_num_threads);
    let at_once = threads.min(scenario.replications as usize) as u64;
    memory::check(estimate, at_once, limit, "this sweep")?;
    Ok(false)
}

/// On Ctrl-C, says that the finished points are kept and how to continue, then exits
/// with the conventional status 130. Point files are written whole (temporary file and
/// rename), so stopping between them loses at most the points in progress.
fn on_interrupt_explain_resume(args: &SweepArgs, dir: &Path) {
    let command = resume_command(args, dir);
    let points = store::points_dir(dir);
    // Only one handler can exist per process; a second sweep in the same process (tests)
    // keeps the first, which is harmless.
    let _ = ctrlc::set_handler(move || {
        eprintln!(
            "\ninterrupted: finished points are kept in '{}'; continue with:\n  {command}",
            points.display()
        );
        std::process::exit(130);
    });
}

/// The command line that resumes this sweep in `dir`.
fn resume_command(args: &SweepArgs, dir: &Path) -> String {
    let mut words = vec!["retrysim".to_owned(), "sweep".to_owned()];
    words.extend(
        args.scenario
            .scenario
            .iter()
            .map(|p| p.display().to_string()),
    );
    for set in &args.scenario.sets {
        words.push(format!("--set {set}"));
    }
    if let Some(seed) = args.scenario.seed {
        words.push(format!("--seed {seed}"));
    }
    if let Some(shard) = &args.shard {
        words.push(format!("--shard {shard}"));
    }
    if let Some(baseline) = &args.baseline {
        words.push(format!("--baseline {baseline}"));
    }
    words.push(format!("--resume --out {}", dir.display()));
    words.join(" ")
}

/// Validates the scenario of every point `wanted` selects, in point order.
fn point_scenarios(
    base: &Scenario,
    plan: &Plan,
    wanted: impl Fn(usize) -> bool,
) -> Result<Vec<(usize, Scenario)>, sweep::SweepError> {
    plan.points
        .iter()
        .filter(|p| wanted(p.index))
        .map(|p| Ok((p.index, sweep::point_scenario(base, p)?)))
        .collect()
}

/// Prints the points' deliverability warnings (E2) that the base scenario does not
/// already have, one line per key and message, listing the values that raised it and
/// how many points have them.
fn warn_once(base: &Scenario, points: &[(usize, Scenario)]) {
    // (key, message after the value, values in order of first appearance, points)
    let mut groups: Vec<(&str, &str, Vec<&str>, usize)> = Vec::new();
    for w in points.iter().flat_map(|(_, s)| &s.warnings) {
        if base.warnings.contains(w) {
            continue;
        }
        let (key, value, rest) = (w.key.as_str(), w.value.as_str(), w.message.as_str());
        match groups.iter_mut().find(|g| g.0 == key && g.1 == rest) {
            Some(g) => {
                if !g.2.contains(&value) {
                    g.2.push(value);
                }
                g.3 += 1;
            }
            None => groups.push((key, rest, vec![value], 1)),
        }
    }
    for (key, rest, values, n) in groups {
        eprintln!(
            "warning: {n} point(s): {key} = {} {rest}",
            values.join(", ")
        );
    }
}

/// Assembles the final files when every point is finished, and says what happened;
/// returns the files written (none while other shards' points are missing).
fn report(
    dir: &Path,
    scenario: &Scenario,
    manifest: &Manifest,
    ran: usize,
    shard: Shard,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} point(s) × {} replication(s); {ran} point(s) run now",
        scenario.name,
        manifest.points.len(),
        manifest.replications
    )?;
    let missing = store::missing(dir, manifest);
    if !missing.is_empty() {
        writeln!(
            out,
            "shard {}/{}: points written to '{}'; {} point(s) of other shards are missing \
             (join the shard folders with `retrysim merge DIR... --out DIR`)",
            shard.k,
            shard.count,
            store::points_dir(dir).display(),
            missing.len()
        )?;
        return Ok(Vec::new());
    }
    let mut assembled = store::assemble(dir, manifest)?;
    for line in &assembled.report {
        writeln!(out, "{line}")?;
    }
    let load = crate::report::sweep_load::assemble(dir, manifest.points.len())?;
    assembled.written.extend(load);
    crate::report::sweep_load::print_table(dir, &mut out)?;
    let charts = super::charts::draw_all(dir)?;
    for path in assembled.written.iter().chain(&charts) {
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(assembled.written.into_iter().chain(charts).collect())
}

#[cfg(test)]
mod tests {
    use super::resume_command;
    use crate::cli::{ScenarioArgs, SweepArgs};

    #[test]
    fn the_resume_hint_repeats_what_shapes_the_sweep() {
        let args = SweepArgs {
            scenario: ScenarioArgs {
                scenario: Some("s.toml".into()),
                sets: vec!["policy.retry_period=24h".into()],
                seed: Some(3),
            },
            out: None,
            threads: Some(2),
            baseline: None,
            resume: false,
            shard: None,
            ..SweepArgs::default()
        };
        assert_eq!(
            resume_command(&args, std::path::Path::new("out/s")),
            "retrysim sweep s.toml --set policy.retry_period=24h --seed 3 --resume --out out/s"
        );
    }
}
