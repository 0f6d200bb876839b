//! `retrysim sweep`: every point of the scenario's `[sweep]` design × its replications,
//! recorded point by point under `DIR/points/`, then assembled into the final files.

use std::io::Write;
use std::path::Path;

use anyhow::anyhow;

use super::{load_scenario, output_dir, with_threads, write_resolved};
use crate::cli::SweepArgs;
use crate::scenario::Scenario;
use crate::sweep::recommend::Objective;
use crate::sweep::shard::Shard;
use crate::sweep::store::{self, Manifest, PointRecord};
use crate::sweep::{self, Plan, progress};

pub(super) fn sweep(args: SweepArgs) -> anyhow::Result<()> {
    let scenario = load_scenario(&args.scenario)?;
    let fail = |e: String| anyhow!("{}: {e}", scenario.origin);
    let plan = sweep::plan(&scenario, args.baseline.as_deref()).map_err(fail)?;
    let manifest = Manifest::new(&scenario, &plan);
    Objective::parse(manifest.objective.as_ref()).map_err(fail)?;
    let shard = match &args.shard {
        Some(text) => Shard::parse(text, |k| std::env::var(k).ok()).map_err(anyhow::Error::msg)?,
        None => Shard::ALL,
    };
    if let Some(note) = &plan.baseline_note {
        eprintln!("note: {note}");
    }
    let dir = output_dir(args.out.as_deref(), &scenario)?;
    write_resolved(&dir, &scenario)?;
    let done = store::prepare(&dir, &manifest, args.resume)?;
    let todo =
        point_scenarios(&scenario, &plan, |i| shard.contains(i) && !done[i]).map_err(fail)?;
    warn_once(&scenario, &todo);
    let bar = progress::bar(todo.len() as u64 * u64::from(scenario.replications));
    let write = |runs: sweep::PointRuns| {
        store::write_point(&dir, &PointRecord::from_runs(runs.index, &runs.runs)).map(drop)
    };
    with_threads(args.threads, || {
        sweep::run_points(&scenario, &plan.keys, &todo, &write, &|| bar.inc(1))
    })??;
    bar.finish_and_clear();
    report(&dir, &scenario, &manifest, todo.len(), shard)
}

/// Validates the scenario of every point `wanted` selects, in point order.
fn point_scenarios(
    base: &Scenario,
    plan: &Plan,
    wanted: impl Fn(usize) -> bool,
) -> Result<Vec<(usize, Scenario)>, String> {
    plan.points
        .iter()
        .filter(|p| wanted(p.index))
        .map(|p| Ok((p.index, sweep::point_scenario(base, p)?)))
        .collect()
}

/// Prints each distinct deliverability warning of the points (E2) once, with how many
/// points share it; the base scenario's own warnings were printed when it was loaded.
fn warn_once(base: &Scenario, points: &[(usize, Scenario)]) {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for w in points.iter().flat_map(|(_, s)| &s.warnings) {
        if base.warnings.contains(w) {
            continue;
        }
        match seen.iter_mut().find(|(text, _)| *text == w.as_str()) {
            Some((_, n)) => *n += 1,
            None => seen.push((w, 1)),
        }
    }
    for (text, n) in seen {
        eprintln!("warning: {n} point(s): {text}");
    }
}

/// Assembles the final files when every point is finished, and says what happened.
fn report(
    dir: &Path,
    scenario: &Scenario,
    manifest: &Manifest,
    ran: usize,
    shard: Shard,
) -> anyhow::Result<()> {
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
        return Ok(());
    }
    let assembled = store::assemble(dir, manifest)?;
    for line in &assembled.report {
        writeln!(out, "{line}")?;
    }
    let charts = crate::report::charts::draw_all(dir)?;
    for path in assembled.written.iter().chain(&charts) {
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(())
}
