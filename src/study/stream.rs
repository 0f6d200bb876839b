//! Replications run as a stream: a replication's world is built only when a worker
//! takes it, and dropped as soon as the caller has consumed its result. Memory then
//! holds as many worlds as there are worker threads, not as many as replications.
//!
//! Results still reach the caller in replication order, so whatever it writes is the
//! same for every thread count.

use rayon::prelude::*;

use super::{Replication, RunOptions, World, build_world, run_replication, with_operator};
use crate::scenario::{Scenario, WorkloadSpec};

/// Runs every replication of the scenario's policy and hands each result to `visit`, in
/// replication order. Replications are taken in batches of one per worker thread of the
/// current rayon pool; a batch's worlds are dropped before the next batch is built.
///
/// An imported trace is read once and shared by every replication (only the operator's
/// schedule is drawn per replication), as in [`super::run_all`].
pub fn run_each(
    scenario: &Scenario,
    options: RunOptions,
    mut visit: impl FnMut(Replication) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let shared = match scenario.workload {
        WorkloadSpec::Csv(_) => Some(super::workload_world(scenario, 0)?),
        WorkloadSpec::Synthetic(_) => None,
    };
    let batch = rayon::current_num_threads().max(1) as u32;
    if scenario.replications > batch {
        // Worlds will be built one after another: keep their memory from piling up.
        super::trim::map_large_blocks();
    }
    let mut first = 0;
    while first < scenario.replications {
        let end = first.saturating_add(batch).min(scenario.replications);
        let done: Vec<anyhow::Result<Replication>> = (first..end)
            .into_par_iter()
            .map(|r| one(scenario, shared.as_ref(), r, options))
            .collect();
        for replication in done {
            visit(replication?)?;
        }
        first = end;
    }
    Ok(())
}

/// Builds replication `r`'s world (or reuses the shared imported one) and runs it.
fn one(
    scenario: &Scenario,
    shared: Option<&World>,
    r: u32,
    options: RunOptions,
) -> anyhow::Result<Replication> {
    let world = match shared {
        Some(w) => with_operator(scenario, w.clone(), r),
        None => build_world(scenario, r)?,
    };
    let done = run_replication(scenario, &world, options);
    // The next replication builds a new world first; without this, its generation
    // would peak on top of this run's state vectors (measured: +200 MB at 10 M messages).
    crate::sim::release_buffers();
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = r#"
name = "stream"
seed = 5
replications = 3
horizon = "3d"
timezone = "UTC"

[workload]
kind = "synthetic"
contacts = 300
"#;

    #[test]
    fn streamed_replications_match_the_collected_ones_in_order() {
        let scenario = Scenario::from_toml_str(SCENARIO, "stream.toml").unwrap();
        let options = RunOptions::default().with_trace(true);
        let all = super::super::run_all(&scenario, options).unwrap();
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut seen = Vec::new();
            pool.install(|| {
                run_each(&scenario, options, |r| {
                    seen.push((r.replication, r.output.metrics, r.output.attempts.len()));
                    Ok(())
                })
            })
            .unwrap();
            let expected: Vec<_> = all
                .iter()
                .map(|r| {
                    (
                        r.replication,
                        r.output.metrics.clone(),
                        r.output.attempts.len(),
                    )
                })
                .collect();
            assert_eq!(seen, expected, "{threads} thread(s)");
        }
    }

    #[test]
    fn an_error_from_the_visitor_stops_the_stream() {
        let scenario = Scenario::from_toml_str(SCENARIO, "stream.toml").unwrap();
        let mut calls = 0;
        let result = run_each(&scenario, RunOptions::default(), |_| {
            calls += 1;
            anyhow::bail!("disk full")
        });
        assert_eq!(result.unwrap_err().to_string(), "disk full");
        assert_eq!(calls, 1);
    }
}
