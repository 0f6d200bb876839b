//! Replications run as a stream: a replication's world is built only when a worker
//! takes it, and dropped as soon as the caller has consumed its result. Memory then
//! holds as many worlds as there are worker threads, not as many as replications.
//!
//! Results still reach the caller in replication order, so whatever it writes is the
//! same for every thread count. The caller consumes a replication (writes its records)
//! while the other workers simulate the next ones, so on two cores a traced run writes
//! and simulates at the same time instead of in turns. A traced run on two or more
//! workers may hold one world more (see [`worlds_at_once`]).

use std::ops::Range;

use super::{Replication, RunOptions, World, build_world, run_replication, with_operator};
use crate::scenario::{Scenario, WorkloadSpec};

mod slots;

use slots::Slots;

/// How many replications may be alive at once (being built, run, or waiting to be
/// consumed) with `threads` worker threads: one per thread, at most one per
/// replication. With `ahead` on two or more threads, one more. A traced run asks for
/// it: writing a replication's trace takes about as long as simulating one, and
/// without the extra world the next replication would wait for it, leaving a core idle
/// (the default scenario's traced run: 0.23 s without it, 0.21 s with it,
/// docs/PERFORMANCE.md). One thread gains nothing from it, so there a run's memory
/// stays that of one world, whatever the number of replications.
pub fn worlds_at_once(threads: usize, replications: u32, ahead: bool) -> usize {
    let threads = threads.max(1);
    let extra = usize::from(ahead && threads >= 2);
    (threads + extra).min(replications as usize).max(1)
}

/// Runs every replication of the scenario's policy and hands each result to `visit`, in
/// replication order, on the calling thread. At most [`worlds_at_once`] replications
/// (for the current rayon pool's threads and `ahead`) are alive: the next one starts
/// when `visit` has consumed one, while the others keep running.
///
/// An imported trace is read once and shared by every replication (only the operator's
/// schedule is drawn per replication), as in [`super::run_all`]. `inputs_read` is called
/// once, on the calling thread, when that import is done (at once for a synthetic
/// workload, which reads no file): work that would compete with the import for the
/// cores, such as hashing the same files, can start there instead.
pub fn run_each(
    scenario: &Scenario,
    options: RunOptions,
    ahead: bool,
    inputs_read: impl FnOnce(),
    mut visit: impl FnMut(Replication) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let shared = match scenario.workload {
        WorkloadSpec::Csv(_) => Some(super::workload_world(scenario, 0)?),
        WorkloadSpec::Synthetic(_) => None,
    };
    inputs_read();
    let count = scenario.replications;
    let window = worlds_at_once(rayon::current_num_threads(), count, ahead) as u32;
    if count > window {
        // Worlds will be built one after another: keep their memory from piling up.
        super::trim::map_large_blocks();
    }
    let slots = Slots::new(count as usize);
    let shared = shared.as_ref();
    rayon::in_place_scope_fifo(|scope| {
        let start = |range: Range<u32>| {
            for r in range {
                let slots = &slots;
                scope.spawn_fifo(move |_| {
                    slots.run(r as usize, || one(scenario, shared, r, options));
                });
            }
        };
        start(0..window.min(count));
        for r in 0..count {
            // On an error the replications already started finish and are dropped.
            visit(slots.take(r as usize)?)?;
            // The world just written is gone: one more may be built.
            let next = r.saturating_add(window);
            if next < count {
                start(next..next + 1);
            }
        }
        Ok(())
    })
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
        for (threads, ahead) in [1, 2, 3].into_iter().flat_map(|t| [(t, false), (t, true)]) {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut seen = Vec::new();
            pool.install(|| {
                run_each(
                    &scenario,
                    options,
                    ahead,
                    || {},
                    |r| {
                        seen.push((r.replication, r.output.metrics, r.output.attempts.len()));
                        Ok(())
                    },
                )
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
            assert_eq!(seen, expected, "{threads} thread(s), ahead {ahead}");
        }
    }

    #[test]
    fn a_run_ahead_on_two_or_more_threads_holds_one_world_more() {
        assert_eq!(worlds_at_once(2, 3, false), 2);
        assert_eq!(worlds_at_once(2, 3, true), 3);
        assert_eq!(worlds_at_once(4, 10, true), 5);
        // One thread: one world, traced or not, however many replications.
        assert_eq!(worlds_at_once(1, 10, true), 1);
        assert_eq!(worlds_at_once(1, 10, false), 1);
        // Never more than the replications, never none.
        assert_eq!(worlds_at_once(2, 2, true), 2);
        assert_eq!(worlds_at_once(8, 1, true), 1);
        assert_eq!(worlds_at_once(0, 0, false), 1);
    }

    #[test]
    fn an_error_from_the_visitor_stops_the_stream() {
        let scenario = Scenario::from_toml_str(SCENARIO, "stream.toml").unwrap();
        let mut calls = 0;
        let result = run_each(
            &scenario,
            RunOptions::default(),
            false,
            || {},
            |_| {
                calls += 1;
                anyhow::bail!("disk full")
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "disk full");
        assert_eq!(calls, 1);
    }
}
