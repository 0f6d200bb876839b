//! Scenario files: the TOML schema, validation with messages that name the key and the
//! allowed range, `--set` overrides, and the built-in default scenario.
//!
//! Loading has two stages. The file is first read as it is written (a raw serde struct
//! and TOML tables), then validated once into a [`Scenario`] whose fields cannot hold an
//! invalid value. The raw document is kept, so that a sweep can derive each of its points
//! from it with the same validation.

mod backoff;
mod domains;
pub mod limits;
mod name;
pub mod operator;
pub mod overrides;
pub mod policy;
mod release;
pub mod resolve;
mod warning;

pub use warning::Warning;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use crate::error::MessageError;
use crate::rules::entries::{self, ErrorEntry, RawEntry};
use crate::rules::errors::{ErrorClass, ErrorTable};
use crate::rules::policy::ChannelPolicies;
use crate::time::{Instant, Span, Zone};
use crate::workload::capacity::Limits;
use crate::workload::import::TraceFiles;
use crate::workload::operator::OperatorSpec;
use crate::workload::synthetic::SyntheticSpec;

/// The built-in default scenario, compiled into the binary.
pub const DEFAULT_SCENARIO: &str = include_str!("../scenarios/default.toml");

/// A scenario that cannot be used, with the file it came from.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{file}: {message}")]
pub struct ScenarioError {
    /// The scenario file (or `built-in default`).
    pub file: String,
    /// What is wrong, naming the key and what is allowed.
    pub message: String,
}

/// The top level of a scenario file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Option<String>,
    seed: Option<u64>,
    replications: Option<i64>,
    start: Option<String>,
    horizon: Option<String>,
    timezone: Option<String>,
    workload: Option<toml::Table>,
    policy: Option<toml::Table>,
    errors: Option<Vec<RawEntry>>,
    error_fallback: Option<RawFallback>,
    operator: Option<toml::Table>,
    /// Read by the sweep from [`Scenario::document`]; declared so the key is allowed.
    #[allow(dead_code)]
    sweep: Option<toml::Table>,
    /// Read by the sweep's recommendation; declared so the key is allowed.
    #[allow(dead_code)]
    objective: Option<toml::Table>,
    /// The question the scenario asks, shown above the answer in `report.html`.
    #[allow(dead_code)]
    question: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFallback {
    class: String,
    wait: Option<String>,
}

/// Where a scenario's sends and failures come from.
#[derive(Debug, Clone)]
pub enum WorkloadSpec {
    /// Imported CSV files.
    Csv(TraceFiles),
    /// A generated list and sending program.
    Synthetic(Box<SyntheticSpec>),
}

/// A validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Name, used for the default output folder and in chart titles.
    pub name: String,
    /// Seed of every random stream.
    pub seed: u64,
    /// Independent replications of every policy point.
    pub replications: u32,
    /// First instant of the run.
    pub start: Instant,
    /// Length of the run.
    pub horizon: Span,
    /// Time zone of local times (the automatic job).
    pub zone: Zone,
    /// The workload.
    pub workload: WorkloadSpec,
    /// Receiver capacity and sender limits of the world (empty: unlimited).
    pub limits: Limits,
    /// The policy of each channel.
    pub policies: ChannelPolicies,
    /// The scenario's own `[[errors]]` entries (codes, reasons, text patterns).
    pub errors: Vec<ErrorEntry>,
    /// Class and wait of codes nobody knows, if set.
    pub error_fallback: Option<(ErrorClass, Span)>,
    /// The scheduled operator's bulk retries (S4), if the scenario has one.
    pub operator: Option<OperatorSpec>,
    /// Deliverability warnings found during validation (E2).
    pub warnings: Vec<Warning>,
    /// The document after `--set`, from which sweep points are derived.
    pub document: toml::Table,
    /// The folder relative paths are resolved against.
    pub base_dir: PathBuf,
    /// Where the scenario came from, for messages.
    pub origin: String,
    /// The scenario file, when it was read from one (not the built-in default).
    pub path: Option<PathBuf>,
}

impl Scenario {
    /// Loads a scenario file (or the built-in default when `path` is `None`) and applies
    /// `--set` assignments.
    pub fn load(path: Option<&Path>, sets: &[String]) -> Result<Scenario, ScenarioError> {
        let (origin, text, base_dir) = match path {
            Some(p) => {
                let text = read_limited(p).map_err(|message| ScenarioError {
                    file: p.display().to_string(),
                    message: message.into(),
                })?;
                let base = p
                    .parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
                (p.display().to_string(), text, base)
            }
            None => (
                "built-in default scenario".to_string(),
                DEFAULT_SCENARIO.to_string(),
                PathBuf::from("."),
            ),
        };
        let fail = |message: String| ScenarioError {
            file: origin.clone(),
            message,
        };
        let mut document: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| fail(e.to_string()))?;
        for assignment in sets {
            overrides::apply(&mut document, assignment).map_err(|e| fail(e.into()))?;
        }
        let mut scenario = Scenario::from_document(document, base_dir, origin.clone())
            .map_err(|e| fail(e.into()))?;
        scenario.path = path.map(Path::to_path_buf);
        Ok(scenario)
    }

    /// Every file the scenario reads: the scenario file itself and an imported trace's
    /// CSV files. No output may overwrite one of them.
    pub fn input_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self.path.iter().cloned().collect();
        if let WorkloadSpec::Csv(trace) = &self.workload {
            files.push(trace.sends.clone());
            files.extend(trace.failures.iter().cloned());
            files.extend(trace.actions.iter().cloned());
        }
        files
    }

    /// Validates a scenario written as TOML text, without a file: relative paths are
    /// resolved against the current folder, and messages name the scenario `origin`
    /// (e.g. `"inline scenario"`). Library users need no TOML parser of their own.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        let fail = |message: String| ScenarioError {
            file: origin.to_string(),
            message,
        };
        let document: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| fail(e.to_string()))?;
        Scenario::from_document(document, PathBuf::from("."), origin.to_string())
            .map_err(|e| fail(e.into()))
    }

    /// Validates a document. Relative paths are resolved against `base_dir`.
    pub fn from_document(
        document: toml::Table,
        base_dir: PathBuf,
        origin: String,
    ) -> Result<Scenario, MessageError> {
        let raw: RawScenario = toml::Value::Table(document.clone())
            .try_into()
            .map_err(|e: toml::de::Error| e.message().to_string())?;
        let mut warnings = Vec::new();
        let policies =
            policy::channel_policies(&raw.policy.clone().unwrap_or_default(), &mut warnings)?;
        warnings.dedup();
        let replications = raw.replications.unwrap_or(1);
        if !(1..=100_000).contains(&replications) {
            return Err(format!("replications must be 1..=100000, got {replications}").into());
        }
        let horizon = Span::parse(raw.horizon.as_deref().unwrap_or("30d"))
            .map_err(|e| format!("horizon: {e}"))?;
        if horizon <= Span::ZERO || horizon > Span::hours(24 * 3650) {
            return Err(
                format!("horizon must be longer than 0s and at most 3650d, got {horizon}").into(),
            );
        }
        let name = raw.name.unwrap_or_else(|| "scenario".to_string());
        name::validate(&name)?;
        let start = Instant::parse_rfc3339(raw.start.as_deref().unwrap_or("2026-01-05T00:00:00Z"))
            .map_err(|e| format!("start: {e}"))?;
        if start.plus(horizon) > Instant::LAST {
            return Err(format!(
                "start + horizon must end by {}, got {start} + {horizon}",
                Instant::LAST
            )
            .into());
        }
        let mut workload_table = raw.workload.unwrap_or_default();
        let limits = limits::take_limits(&mut workload_table, &base_dir)?;
        let errors = entries::entries(&raw.errors.unwrap_or_default())?;
        release::check_keys(&policies, &errors)?;
        Ok(Scenario {
            name,
            seed: raw.seed.unwrap_or(1),
            replications: replications as u32,
            start,
            horizon,
            zone: Zone::parse(raw.timezone.as_deref().unwrap_or("UTC"))
                .map_err(|e| format!("timezone: {e}"))?,
            workload: workload_spec(workload_table, &base_dir)?,
            limits,
            policies,
            errors,
            error_fallback: raw
                .error_fallback
                .map(|f| class_and_wait(&f.class, f.wait.as_deref(), "error_fallback"))
                .transpose()?,
            operator: raw
                .operator
                .as_ref()
                .map(operator::operator_spec)
                .transpose()?,
            warnings,
            document,
            base_dir,
            origin,
            path: None,
        })
    }

    /// First instant after the run.
    pub fn end(&self) -> Instant {
        self.start.plus(self.horizon)
    }

    /// A fresh classification table: built-in codes plus the scenario's.
    pub fn error_table(&self) -> ErrorTable {
        ErrorTable::new(&self.errors, self.error_fallback)
    }

    /// The scenario with every default filled in, as a TOML document.
    pub fn resolved(&self) -> toml::Table {
        let mut doc = toml::Table::new();
        let s = |v: String| toml::Value::String(v);
        doc.insert("name".into(), s(self.name.clone()));
        doc.insert("seed".into(), toml::Value::Integer(self.seed as i64));
        doc.insert(
            "replications".into(),
            toml::Value::Integer(self.replications.into()),
        );
        doc.insert("start".into(), s(self.start.to_string()));
        doc.insert("horizon".into(), s(self.horizon.to_string()));
        doc.insert("timezone".into(), s(self.zone.to_string()));
        match (&self.workload, self.document.get("workload")) {
            (WorkloadSpec::Synthetic(spec), written) => {
                let mut table = spec.resolved.clone();
                limits::copy_keys(written, &mut table);
                doc.insert("workload".into(), toml::Value::Table(table));
            }
            (WorkloadSpec::Csv(_), Some(w)) => {
                doc.insert("workload".into(), w.clone());
            }
            (WorkloadSpec::Csv(_), None) => {}
        }
        let mut policy = resolve::to_table(&self.policies.email);
        if self.policies.sms != self.policies.email {
            policy.insert(
                "sms".into(),
                toml::Value::Table(resolve::to_table(&self.policies.sms)),
            );
        }
        if !self.policies.domains.is_empty() {
            let domains = resolve::domains_table(&self.policies.domains);
            policy.insert("domains".into(), toml::Value::Table(domains));
        }
        doc.insert("policy".into(), toml::Value::Table(policy));
        if let Some(spec) = &self.operator {
            doc.insert(
                "operator".into(),
                toml::Value::Table(operator::to_table(spec)),
            );
        }
        for key in ["question", "errors", "error_fallback", "sweep", "objective"] {
            if let Some(v) = self.document.get(key) {
                doc.insert(key.into(), v.clone());
            }
        }
        doc
    }
}

/// The largest scenario file read, in bytes: a scenario is a page of settings, and a
/// path such as `/dev/zero` must not be read until memory runs out.
const MAX_SCENARIO_BYTES: u64 = 1 << 20;

fn read_limited(path: &Path) -> Result<String, MessageError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(format!("larger than {MAX_SCENARIO_BYTES} bytes; not a scenario file").into());
    }
    String::from_utf8(bytes).map_err(|_| "cannot read: not UTF-8 text".into())
}

fn workload_spec(table: toml::Table, base_dir: &Path) -> Result<WorkloadSpec, MessageError> {
    let kind = table
        .get("kind")
        .and_then(toml::Value::as_str)
        .unwrap_or("csv");
    let path = |key: &str| -> Result<Option<PathBuf>, MessageError> {
        match table.get(key) {
            None => Ok(None),
            Some(toml::Value::String(p)) => Ok(Some(base_dir.join(p))),
            Some(other) => Err(format!("workload.{key} must be a path string, got {other}").into()),
        }
    };
    match kind {
        "csv" => {
            for key in table.keys() {
                if !matches!(key.as_str(), "kind" | "sends" | "failures" | "actions") {
                    return Err(format!(
                        "workload.{key} is not a key of a csv workload (kind, sends, failures, actions)"
                    ).into());
                }
            }
            let sends = path("sends")?.ok_or("workload.sends is required for kind = \"csv\"")?;
            Ok(WorkloadSpec::Csv(TraceFiles {
                sends,
                failures: path("failures")?,
                actions: path("actions")?,
            }))
        }
        "synthetic" => Ok(WorkloadSpec::Synthetic(Box::new(
            SyntheticSpec::from_table(&table)?,
        ))),
        other => Err(format!("workload.kind must be csv or synthetic, got {other:?}").into()),
    }
}

fn class_and_wait(
    class: &str,
    wait: Option<&str>,
    key: &str,
) -> Result<(ErrorClass, Span), MessageError> {
    let class = class
        .parse::<ErrorClass>()
        .map_err(|e| format!("{key}.class: {e}"))?;
    let wait = Span::parse(wait.unwrap_or("0s")).map_err(|e| format!("{key}.wait: {e}"))?;
    Ok((class, wait))
}
