//! The replay check: run the inferred world (the import folder's `sends.csv` and
//! `failures.csv`) under the policy that produced the log, and compare every observed
//! attempt with the replayed attempt of the same message at the same second.
//!
//! An observation matches when the replay made that attempt with the same outcome and
//! error code. The match rate is exact (100%) when the log is complete and the scenario
//! is the policy that wrote it: the windows reproduce every observed outcome, so the
//! rules take the same decisions at the same times.

use std::path::Path;

use anyhow::Context;
use rustc_hash::FxHashMap;

use super::collect::{Collector, Outcome};
use crate::scenario::Scenario;
use crate::study;

/// The result of a replay check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplayCheck {
    /// Observed attempts.
    pub observed: usize,
    /// Observations the replay reproduced (same time, outcome and code).
    pub matched: usize,
    /// Observations at a time the replay made no attempt of that message.
    pub not_attempted: usize,
    /// Observations the replay attempted with another outcome or code.
    pub other_outcome: usize,
    /// Replayed attempts that no observation shows.
    pub extra: usize,
}

impl ReplayCheck {
    /// Matched observations as a share of all, in percent (100 when there are none).
    pub fn match_rate(&self) -> f64 {
        if self.observed == 0 {
            100.0
        } else {
            100.0 * self.matched as f64 / self.observed as f64
        }
    }

    /// One line for the report.
    pub fn render(&self) -> String {
        format!(
            "replay: {} of {} observed attempts reproduced ({:.2}%); {} not attempted, {} with another outcome, {} extra attempts",
            self.matched,
            self.observed,
            self.match_rate(),
            self.not_attempted,
            self.other_outcome,
            self.extra
        )
    }
}

/// `base` with its workload replaced by the import folder `dir` (with its operator
/// retries, when the import wrote `actions.csv`).
pub fn scenario_on(base: &Scenario, dir: &Path) -> anyhow::Result<Scenario> {
    let dir =
        std::path::absolute(dir).with_context(|| format!("bad folder '{}'", dir.display()))?;
    let mut doc = base.document.clone();
    let mut workload = toml::Table::new();
    workload.insert("kind".into(), "csv".into());
    for file in ["sends", "failures"] {
        let path = dir.join(format!("{file}.csv")).display().to_string();
        workload.insert(file.into(), path.into());
    }
    let actions = dir.join("actions.csv");
    if actions.exists() {
        workload.insert("actions".into(), actions.display().to_string().into());
        // The log's own operator retries replace the scenario's scheduled operator:
        // replaying both would retry twice.
        doc.remove("operator");
    }
    doc.insert("workload".into(), workload.into());
    doc.remove("sweep");
    Scenario::from_document(doc, base.base_dir.clone(), base.origin.clone())
        .map_err(|e| anyhow::anyhow!("{}: {e}", base.origin))
}

/// Replays the folder `dir` under `base`'s policy and compares with the observations.
pub fn check(base: &Scenario, dir: &Path, collected: &Collector) -> anyhow::Result<ReplayCheck> {
    let scenario = scenario_on(base, dir)?;
    let world = study::build_world(&scenario, 0)?;
    let run = study::run_replication(
        &scenario,
        &world,
        study::RunOptions::default().with_trace(true),
    );
    let mut replayed: FxHashMap<(String, i64), Option<String>> = FxHashMap::default();
    let mut name = String::new();
    for a in &run.output.attempts {
        let message = world
            .workload
            .messages
            .write(a.message, &mut name)
            .to_string();
        let code = a.error.map(|e| world.errors.info(e).code.clone());
        replayed.insert((message, a.at.0), code);
    }
    let mut result = ReplayCheck {
        observed: collected.observations.len(),
        ..ReplayCheck::default()
    };
    for o in &collected.observations {
        let key = (collected.name(o.message).to_string(), o.at.0);
        match replayed.remove(&key) {
            None => result.not_attempted += 1,
            Some(code) => {
                let observed = match o.outcome {
                    Outcome::Delivered => None,
                    Outcome::Failed => o.error.map(|(c, _)| collected.text(c).to_string()),
                };
                if code == observed {
                    result.matched += 1;
                } else {
                    result.other_outcome += 1;
                }
            }
        }
    }
    result.extra = replayed.len();
    Ok(result)
}
