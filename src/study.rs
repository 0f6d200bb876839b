//! One policy point of a scenario, every replication: builds each replication's
//! workload and runs it. The `run` command and the sweep both stand on this.

pub mod memory;
pub mod stream;
mod trim;

use std::sync::Arc;

use anyhow::Context;
use rayon::prelude::*;

use crate::rules::errors::ErrorTable;
use crate::scenario::{Scenario, WorkloadSpec};
use crate::sim::{self, RunOutput, RunSpec};
use crate::time::Instant;
use crate::workload::capacity::BoundLimits;
use crate::workload::synthetic::{self, Frame};
use crate::workload::{SendRecord, Workload, import, operator};

/// A workload with the classification table its codes were resolved in.
#[derive(Debug, Clone)]
pub struct World {
    /// Sends, failures and actions.
    pub workload: Arc<Workload>,
    /// The table that names its error codes.
    pub errors: Arc<ErrorTable>,
    /// Receiver capacity and sender limits bound to the workload; `None` when unlimited.
    pub limits: Option<Arc<BoundLimits>>,
    /// The replication this world was drawn for; its run uses the same number, so that
    /// jitter and the operator's draws belong to the same replication as the world.
    pub replication: u32,
}

/// How to run a replication. Built from [`RunOptions::default`] and its `with_` methods,
/// so that options added later do not break callers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunOptions {
    /// Record every attempt (the `attempts.csv` trace); costs memory and time.
    pub trace: bool,
}

impl RunOptions {
    /// These options, recording every attempt when `trace` is true.
    pub fn with_trace(mut self, trace: bool) -> RunOptions {
        self.trace = trace;
        self
    }
}

/// The result of one replication.
#[derive(Debug, Clone)]
pub struct Replication {
    /// Replication number.
    pub replication: u32,
    /// The world it ran in.
    pub world: World,
    /// What it produced.
    pub output: RunOutput,
}

/// Builds the world of replication `replication`: the imported or synthetic workload,
/// with the scheduled operator's bulk retries merged into its actions. An imported trace
/// is the same in every replication (only jitter streams and the operator's draws
/// differ); a synthetic world is drawn anew for each.
pub fn build_world(scenario: &Scenario, replication: u32) -> anyhow::Result<World> {
    let base = workload_world(scenario, replication)?;
    Ok(with_operator(scenario, base, replication))
}

/// The workload of replication `replication` without the scheduled operator.
fn workload_world(scenario: &Scenario, replication: u32) -> anyhow::Result<World> {
    let mut errors = scenario.error_table();
    let workload = match &scenario.workload {
        WorkloadSpec::Csv(files) => {
            import::import(files, &mut errors).context("could not import the trace")?
        }
        WorkloadSpec::Synthetic(spec) => {
            synthetic::generate(spec, frame(scenario, replication), &mut errors)
                .map_err(|e| anyhow::anyhow!("{}: {e}", scenario.origin))?
        }
    };
    let limits = (!scenario.limits.is_empty())
        .then(|| scenario.limits.bind(&workload, &mut errors))
        .transpose()
        .map_err(|e| anyhow::anyhow!("{}: {e}", scenario.origin))?
        .map(Arc::new);
    Ok(World {
        workload: Arc::new(workload),
        errors: Arc::new(errors),
        limits,
        replication,
    })
}

/// Merges the scenario's operator schedule for `replication`, if it has one, into the
/// actions of `world` (sorted by time; imported actions first at the same instant).
fn with_operator(scenario: &Scenario, mut world: World, replication: u32) -> World {
    world.replication = replication;
    let Some(spec) = &scenario.operator else {
        return world;
    };
    let schedule = operator::schedule(spec, frame(scenario, replication));
    let mut workload = Arc::unwrap_or_clone(world.workload);
    workload.add_actions(schedule.actions, schedule.notes);
    World {
        workload: Arc::new(workload),
        errors: world.errors,
        limits: world.limits,
        replication,
    }
}

fn frame(scenario: &Scenario, replication: u32) -> Frame {
    Frame {
        seed: scenario.seed,
        replication,
        start: scenario.start,
        end: scenario.end(),
        zone: scenario.zone,
    }
}

/// Sends created outside the run's window, which the run ignores.
///
/// The stream is sorted by creation time (every producer sorts it), so the sends before
/// the window and those from its end on are found by two binary searches instead of a
/// pass over ten million records.
pub fn sends_outside(scenario: &Scenario, world: &World) -> usize {
    outside(&world.workload.sends, scenario.start, scenario.end())
}

/// Sends of the sorted stream `sends` created before `start` or at or after `end`.
fn outside(sends: &[SendRecord], start: Instant, end: Instant) -> usize {
    debug_assert!(sends.is_sorted_by_key(|s| s.created()));
    let before = sends.partition_point(|s| s.created() < start);
    let until_end = sends.partition_point(|s| s.created() < end);
    before + (sends.len() - until_end.max(before))
}

/// Runs one replication in `world`, as the replication the world was drawn for.
///
/// When the rayon pool has a second thread and the world is large, each send's
/// first-attempt outcome is looked up there, ahead of the run
/// ([`sim::first::ahead`]); the output is the same either way.
pub fn run_replication(scenario: &Scenario, world: &World, options: RunOptions) -> Replication {
    let spec = run_spec(scenario, world, options, None);
    let output = if rayon::current_num_threads() > 1 && spec.workload.sends.len() >= AHEAD_FROM {
        sim::first::ahead::simulate(&spec)
    } else {
        sim::simulate(&spec)
    };
    Replication {
        replication: world.replication,
        world: world.clone(),
        output,
    }
}

/// Sends from which a run looks first outcomes up on another thread: below it, a run
/// takes a few milliseconds and the second thread would not pay for itself.
const AHEAD_FROM: usize = sim::first::ahead::RING;

/// [`run_replication`] with the world's first-attempt outcomes, when the caller runs
/// several policies in the same world and has computed them once
/// ([`sim::first::FirstOutcomes`], built from this world's workload and the scenario's
/// end).
pub fn run_replication_with(
    scenario: &Scenario,
    world: &World,
    options: RunOptions,
    first: Option<&sim::first::FirstOutcomes>,
) -> Replication {
    Replication {
        replication: world.replication,
        world: world.clone(),
        output: sim::simulate(&run_spec(scenario, world, options, first)),
    }
}

/// The run of `world`'s replication under `scenario`'s policy, reading `first` when given.
pub fn run_spec<'a>(
    scenario: &'a Scenario,
    world: &'a World,
    options: RunOptions,
    first: Option<&'a sim::first::FirstOutcomes>,
) -> RunSpec<'a> {
    let replication = world.replication;
    RunSpec {
        workload: &world.workload,
        errors: &world.errors,
        policies: &scenario.policies,
        start: scenario.start,
        end: scenario.end(),
        zone: scenario.zone,
        seed: scenario.seed,
        replication,
        trace: options.trace,
        limits: world.limits.as_deref(),
        first,
    }
}

/// Runs every replication of the scenario's policy, in parallel, returned in
/// replication order. An imported trace is read once and shared; the operator's
/// schedule is drawn for each replication.
///
/// Every world stays in memory with its result; [`stream::run_each`] hands each
/// replication over as it finishes instead, holding one world per thread.
pub fn run_all(scenario: &Scenario, options: RunOptions) -> anyhow::Result<Vec<Replication>> {
    let shared = match scenario.workload {
        WorkloadSpec::Csv(_) => Some(workload_world(scenario, 0)?),
        WorkloadSpec::Synthetic(_) => None,
    };
    (0..scenario.replications)
        .into_par_iter()
        .map(|r| {
            let world = match &shared {
                Some(w) => with_operator(scenario, w.clone(), r),
                None => build_world(scenario, r)?,
            };
            Ok(run_replication(scenario, &world, options))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{Channel, MessageType};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn binary_searches_count_what_a_pass_counts(
            mut times in proptest::collection::vec(-50i64..50, 0..200),
            start in -60i64..60,
            length in -5i64..60,
        ) {
            times.sort_unstable();
            let sends: Vec<SendRecord> = times
                .iter()
                .map(|&t| {
                    SendRecord::new(Instant(t), 0, 0, Channel::Email, MessageType::Marketing)
                        .unwrap()
                })
                .collect();
            let (start, end) = (Instant(start), Instant(start + length));
            let pass = sends
                .iter()
                .filter(|s| s.created() < start || s.created() >= end)
                .count();
            prop_assert_eq!(outside(&sends, start, end), pass);
        }
    }
}
