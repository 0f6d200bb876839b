//! One policy point of a scenario, every replication: builds each replication's
//! workload and runs it. The `run` command and the sweep both stand on this.

use std::sync::Arc;

use anyhow::Context;
use rayon::prelude::*;

use crate::rules::errors::ErrorTable;
use crate::scenario::{Scenario, WorkloadSpec};
use crate::sim::{self, RunOutput, RunSpec};
use crate::workload::synthetic::{self, Frame};
use crate::workload::{Workload, import};

/// A workload with the classification table its codes were resolved in.
#[derive(Debug, Clone)]
pub struct World {
    /// Sends, failures and actions.
    pub workload: Arc<Workload>,
    /// The table that names its error codes.
    pub errors: Arc<ErrorTable>,
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

/// Builds the world of replication `replication`. An imported trace is the same in every
/// replication (only jitter streams differ); a synthetic world is drawn anew for each.
pub fn build_world(scenario: &Scenario, replication: u32) -> anyhow::Result<World> {
    let mut errors = scenario.error_table();
    let workload = match &scenario.workload {
        WorkloadSpec::Csv(files) => {
            import::import(files, &mut errors).context("could not import the trace")?
        }
        WorkloadSpec::Synthetic(spec) => {
            let frame = Frame {
                seed: scenario.seed,
                replication,
                start: scenario.start,
                end: scenario.end(),
                zone: scenario.zone,
            };
            synthetic::generate(spec, frame, &mut errors)
                .map_err(|e| anyhow::anyhow!("{}: {e}", scenario.origin))?
        }
    };
    Ok(World {
        workload: Arc::new(workload),
        errors: Arc::new(errors),
    })
}

/// Sends created outside the run's window, which the run ignores.
pub fn sends_outside(scenario: &Scenario, world: &World) -> usize {
    let (start, end) = (scenario.start, scenario.end());
    world
        .workload
        .sends
        .iter()
        .filter(|s| s.created < start || s.created >= end)
        .count()
}

/// Runs one replication in `world`.
pub fn run_replication(
    scenario: &Scenario,
    world: &World,
    replication: u32,
    trace: bool,
) -> Replication {
    let spec = RunSpec {
        workload: &world.workload,
        errors: &world.errors,
        policies: &scenario.policies,
        start: scenario.start,
        end: scenario.end(),
        zone: scenario.zone,
        seed: scenario.seed,
        replication,
        trace,
    };
    Replication {
        replication,
        world: world.clone(),
        output: sim::simulate(&spec),
    }
}

/// Runs every replication of the scenario's policy, in parallel, returned in
/// replication order. An imported world is built once and shared.
pub fn run_all(scenario: &Scenario, trace: bool) -> anyhow::Result<Vec<Replication>> {
    let shared = match scenario.workload {
        WorkloadSpec::Csv(_) => Some(build_world(scenario, 0)?),
        WorkloadSpec::Synthetic(_) => None,
    };
    (0..scenario.replications)
        .into_par_iter()
        .map(|r| {
            let world = match &shared {
                Some(w) => w.clone(),
                None => build_world(scenario, r)?,
            };
            Ok(run_replication(scenario, &world, r, trace))
        })
        .collect()
}
