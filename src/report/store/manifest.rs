//! `DIR/points/sweep.toml`: what a folder's point files belong to (seed, replications,
//! keys, the values of every point, the baseline and the objective), enough to assemble
//! the final files without the scenario, and the scenario's whole fingerprint
//! ([`super::fingerprint`]) so that no resume or merge can join points of two worlds.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::fingerprint::{self, Fingerprint};
use crate::report::atomic;
use crate::scenario::Scenario;
use crate::sweep::Plan;

/// The sweep a folder's point files belong to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The scenario seed.
    pub seed: u64,
    /// Replications of every point.
    pub replications: u32,
    /// The swept keys.
    pub keys: Vec<String>,
    /// The point the differences are measured against.
    pub baseline: usize,
    /// The values of every point, as CSV text, in key order.
    pub points: Vec<Vec<String>>,
    /// The scenario's `[objective]` table, if any.
    pub objective: Option<toml::Table>,
    /// The digest of `scenario`, also written in every point file.
    #[serde(default)]
    pub digest: String,
    /// The fingerprint of the resolved scenario and its imported files.
    #[serde(default)]
    pub scenario: Fingerprint,
}

impl Manifest {
    /// The manifest of `plan` over `scenario`; reads the scenario's imported files to
    /// fingerprint them.
    pub fn new(scenario: &Scenario, plan: &Plan) -> anyhow::Result<Manifest> {
        let fingerprint = fingerprint::of(scenario)?;
        Ok(Manifest {
            seed: scenario.seed,
            replications: scenario.replications,
            keys: plan.keys.clone(),
            baseline: plan.baseline,
            points: plan.points.iter().map(|p| p.values_text()).collect(),
            objective: scenario
                .document
                .get("objective")
                .and_then(toml::Value::as_table)
                .cloned(),
            digest: fingerprint::digest(&fingerprint),
            scenario: fingerprint,
        })
    }

    /// Why `other` (found on disk) is not this manifest's sweep, in words: the first
    /// differing scenario key when there is one.
    pub fn difference(&self, other: &Manifest) -> String {
        match fingerprint::first_difference(&other.scenario, &self.scenario) {
            Some(key) => format!("the scenario differs at {key}"),
            None => "other keys, values, seed, replications or objective".to_string(),
        }
    }

    fn path(dir: &Path) -> PathBuf {
        super::points_dir(dir).join("sweep.toml")
    }

    /// Reads the manifest of `dir`, if it has one.
    pub fn read(dir: &Path) -> anyhow::Result<Option<Manifest>> {
        crate::report::folder::read_toml(&Manifest::path(dir), "a sweep manifest")
    }

    /// Writes the manifest into `dir` (atomically).
    pub fn write(&self, dir: &Path) -> anyhow::Result<PathBuf> {
        let mut f = atomic::AtomicFile::create(&Manifest::path(dir))?;
        f.write_all(toml::to_string(self)?.as_bytes())?;
        f.commit()
    }
}
