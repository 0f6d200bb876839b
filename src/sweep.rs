//! Parameter sweeps: every point of a scenario's `[sweep]` design × its replications, run
//! in parallel, recorded point by point, and reduced into replication statistics and a
//! recommendation.
//!
//! The pieces, in pipeline order:
//!
//! - [`grid`] and [`lhs`] read `[sweep]` into a [`Plan`]: the swept keys and one [`Point`]
//!   (a list of dotted-path assignments) per policy point.
//! - [`shard`] picks the points one machine of a split sweep runs.
//! - [`run_points`] runs (point, replication) pairs on the rayon pool. Replication `r` uses
//!   the same random streams at every point (common random numbers), so differences
//!   between points are the policy's.
//! - `report::store` (above this module) writes each finished point to its own small file
//!   under `DIR/points/`, skips finished points on `--resume`, joins shards, and assembles
//!   the final files from the point files alone, so a resumed, sharded or uninterrupted
//!   sweep writes the same bytes; this module only computes.
//! - [`stats`], [`aggregate`] and [`recommend`] reduce the point files serially, in point
//!   and replication order, so no float sum depends on thread timing.

pub mod aggregate;
mod error;
pub mod grid;
pub mod lhs;
pub mod recommend;
pub mod record;
pub mod shard;
pub mod stats;

pub use error::SweepError;

use anyhow::Context;
use rayon::prelude::*;

use crate::metrics::RunMetrics;
use crate::scenario::{Scenario, overrides};
use crate::sim::first::FirstOutcomes;
use crate::study;

/// One policy point: the value of every swept key.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Point number, from 0, in design order.
    pub index: usize,
    /// (dotted key, value) pairs, in the plan's key order.
    pub assignments: Vec<(String, toml::Value)>,
}

impl Point {
    /// The value of each swept key as CSV text.
    pub fn values_text(&self) -> Vec<String> {
        self.assignments
            .iter()
            .map(|(_, v)| grid::value_text(v))
            .collect()
    }

    /// `point 3 (policy.retry_period=6h, policy.soft_bounce_threshold=5)`, for messages.
    pub fn describe(&self) -> String {
        let values: Vec<String> = self
            .assignments
            .iter()
            .map(|(k, v)| format!("{k}={}", grid::value_text(v)))
            .collect();
        format!("point {} ({})", self.index, values.join(", "))
    }
}

/// Every point of a sweep and its baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The swept keys (dotted paths), in column order.
    pub keys: Vec<String>,
    /// The points, in design order.
    pub points: Vec<Point>,
    /// The point differences are measured against.
    pub baseline: usize,
    /// Why the baseline is point 0, when no point matched.
    pub baseline_note: Option<String>,
}

/// Reads the scenario's `[sweep]` table. `baseline` is `--baseline KEY=VALUE,...`.
pub fn plan(scenario: &Scenario, baseline: Option<&str>) -> Result<Plan, SweepError> {
    let table = match scenario.document.get("sweep") {
        Some(toml::Value::Table(t)) => t.clone(),
        Some(_) => return Err("sweep must be a table".into()),
        None => return Err("the scenario has no [sweep] table to sweep over".into()),
    };
    let (keys, points) = match table.get("design").map(|d| d.as_str()) {
        None | Some(Some("grid")) => grid::points(&table)?,
        Some(Some("lhs")) => lhs::points(&table, scenario.seed)?,
        Some(_) => return Err("sweep.design must be \"grid\" or \"lhs\"".into()),
    };
    if keys.is_empty() {
        return Err("[sweep] names no key to sweep over".into());
    }
    // An explicit baseline matches any value of the keys it does not name; a key whose
    // un-swept value is unknown matches no point.
    let wanted = match baseline {
        Some(text) => explicit_baseline(text, &keys)?,
        None => keys
            .iter()
            .map(|k| Some(unswept_value(scenario, k)))
            .collect(),
    };
    let found = points.iter().position(|p| {
        p.assignments
            .iter()
            .zip(&wanted)
            .all(|((_, v), w)| match w {
                None => true,
                Some(w) => w.as_ref().is_some_and(|w| same_value(v, w)),
            })
    });
    let baseline_note = found.is_none().then(|| {
        "no sweep point has the baseline values; differences are against point 0".to_string()
    });
    Ok(Plan {
        keys,
        points,
        baseline: found.unwrap_or(0),
        baseline_note,
    })
}

/// The value a swept key has outside `[sweep]`: in the document, else in the resolved
/// scenario. `None` when neither shows it.
fn unswept_value(scenario: &Scenario, key: &str) -> Option<toml::Value> {
    let lookup = |doc: &toml::Table| -> Option<toml::Value> {
        let mut parts = key.split('.');
        let mut v = doc.get(parts.next()?)?;
        for part in parts {
            v = v.as_table()?.get(part)?;
        }
        Some(v.clone())
    };
    lookup(&scenario.document).or_else(|| lookup(&scenario.resolved()))
}

/// Reads `KEY=VALUE,...`; every key must be swept. Keys not named match any value.
fn explicit_baseline(
    text: &str,
    keys: &[String],
) -> Result<Vec<Option<Option<toml::Value>>>, SweepError> {
    let mut wanted = vec![None; keys.len()];
    for pair in text.split(',').filter(|p| !p.trim().is_empty()) {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("--baseline expects KEY=VALUE,..., got {pair:?}"))?;
        let slot = keys
            .iter()
            .position(|k| k == key.trim())
            .ok_or_else(|| format!("--baseline: {:?} is not a swept key", key.trim()))?;
        wanted[slot] = Some(Some(overrides::parse_value(value.trim())));
    }
    Ok(wanted)
}

/// Equal values, or durations of the same length, or numbers of the same size.
fn same_value(a: &toml::Value, b: &toml::Value) -> bool {
    use crate::time::Span;
    if a == b {
        return true;
    }
    let num = |v: &toml::Value| v.as_float().or(v.as_integer().map(|n| n as f64));
    match (a, b) {
        (toml::Value::String(x), toml::Value::String(y)) => {
            matches!((Span::parse(x), Span::parse(y)), (Ok(p), Ok(q)) if p == q)
        }
        _ => matches!((num(a), num(b)), (Some(x), Some(y)) if x == y),
    }
}

/// The scenario of one point: the base document with the point's assignments, validated.
/// Errors name the point and its values.
pub fn point_scenario(base: &Scenario, point: &Point) -> Result<Scenario, SweepError> {
    let mut doc = base.document.clone();
    for (key, value) in &point.assignments {
        overrides::set(&mut doc, key, value.clone())
            .map_err(|e| format!("{}: {e}", point.describe()))?;
    }
    Scenario::from_document(doc, base.base_dir.clone(), base.origin.clone())
        .map_err(|e| format!("{}: {e}", point.describe()).into())
}

/// A point's scenario and the metrics of each of its replications, in order.
#[derive(Debug)]
pub struct PointRuns {
    /// The point's number.
    pub index: usize,
    /// One entry per replication.
    pub runs: Vec<RunMetrics>,
    /// Replication 0's per-minute load, in a world with capacity or sender limits.
    pub load: Option<PointLoad>,
}

/// One run's per-minute load rows and the names of their domains.
#[derive(Debug, Clone, Default)]
pub struct PointLoad {
    /// Rows in (minute, domain) order.
    pub rows: Vec<crate::metrics::LoadRow>,
    /// Domain names by row index.
    pub domains: Vec<String>,
}

/// Runs every replication of each `(point number, scenario)` on the current rayon pool.
/// Worlds are built once per replication and shared when every swept key is a policy key
/// and `share` allows holding them all at once; otherwise each thread builds the world of
/// the run it is doing, one at a time.
/// `done_point` is called for each finished point (from a worker thread) and
/// `done_run` after each replication.
pub fn run_points(
    base: &Scenario,
    keys: &[String],
    points: &[(usize, Scenario)],
    share: bool,
    done_point: &(dyn Fn(PointRuns) -> anyhow::Result<()> + Sync),
    done_run: &(dyn Fn() + Sync),
) -> anyhow::Result<()> {
    let shared = if share && keys.iter().all(|k| k.starts_with("policy.")) {
        let worlds: anyhow::Result<Vec<study::World>> = (0..base.replications)
            .into_par_iter()
            .map(|r| study::build_world(base, r))
            .collect();
        Some(worlds?)
    } else {
        None
    };
    // Every point runs in the same shared worlds, so each send's first-attempt outcome
    // is looked up once here instead of once per point (`sim::first`).
    let end = base.end();
    let firsts: Vec<FirstOutcomes> = shared.as_ref().map_or_else(Vec::new, |worlds| {
        worlds
            .par_iter()
            .map(|w| FirstOutcomes::new(&w.workload, end))
            .collect()
    });
    points
        .par_iter()
        .map(|(index, scenario)| {
            let runs = (0..base.replications)
                .into_par_iter()
                .map(|r| {
                    let world = match &shared {
                        Some(worlds) => worlds[r as usize].clone(),
                        None => study::build_world(scenario, r)
                            .with_context(|| format!("point {index}, replication {r}"))?,
                    };
                    let options = study::RunOptions::default();
                    let first = firsts.get(r as usize);
                    let out = study::run_replication_with(scenario, &world, options, first);
                    done_run();
                    // Only replication 0's time series is kept: it shows the shape of
                    // the load, and the means are in the summary columns.
                    let load = (r == 0 && out.output.metrics.load.is_some()).then_some(PointLoad {
                        rows: out.output.load,
                        domains: out.output.load_domains,
                    });
                    Ok((out.output.metrics, load))
                })
                .collect::<anyhow::Result<Vec<(RunMetrics, Option<PointLoad>)>>>()?;
            let (runs, mut loads): (Vec<RunMetrics>, Vec<Option<PointLoad>>) =
                runs.into_iter().unzip();
            done_point(PointRuns {
                index: *index,
                runs,
                load: loads.first_mut().and_then(Option::take),
            })
        })
        .collect::<anyhow::Result<Vec<()>>>()
        .map(drop)
}
