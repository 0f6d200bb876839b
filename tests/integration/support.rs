//! A small harness for rule tests: a trace is written as data (sends, failure windows,
//! operator actions), the policy as scenario TOML, and the outcome is read back as short
//! strings, so that a test reads as "this trace, this policy, this outcome".
//!
//! Times are RFC 3339 strings such as `"2026-01-05T09:00:00Z"` everywhere, in and out.

#![allow(dead_code)] // Each test module uses a different part of the harness.

use std::path::PathBuf;

use retrysim::metrics::trace::badge;
use retrysim::rules::eligibility::Refusal;
use retrysim::rules::errors::ErrorTable;
use retrysim::scenario::Scenario;
use retrysim::sim::{RunOutput, RunSpec, simulate};
use retrysim::study;
use retrysim::time::Instant;
use retrysim::workload::Workload;

/// Parses an RFC 3339 time, panicking with the text when it is not one.
pub fn at(text: &str) -> Instant {
    Instant::parse_rfc3339(text).unwrap_or_else(|e| panic!("bad time in a test: {e}"))
}

/// Formats an instant the way tests write them.
pub fn text(t: Instant) -> String {
    t.to_string()
}

/// Loads a scenario from TOML text. A `[workload]` table is added when the text has
/// none, because a scenario needs one even though these tests build the workload
/// themselves.
pub fn scenario(toml_text: &str) -> Result<Scenario, String> {
    let mut document: toml::Table = toml_text
        .parse()
        .map_err(|e: toml::de::Error| format!("test scenario is not TOML: {e}"))?;
    document.entry("workload").or_insert_with(|| {
        let mut w = toml::Table::new();
        w.insert("kind".into(), "csv".into());
        w.insert("sends".into(), "unused-sends.csv".into());
        toml::Value::Table(w)
    });
    // Tests compare the message text, so the typed error is turned back into it.
    Scenario::from_document(document, PathBuf::from("."), "test scenario".to_string())
        .map_err(String::from)
}

/// The common head of the test scenarios: a Monday start, a ten-day run, UTC.
const HEAD: &str =
    "seed = 7\nstart = \"2026-01-05T00:00:00Z\"\nhorizon = \"10d\"\ntimezone = \"UTC\"\n";

/// A scenario with the `email` preset and the given extra `[policy]` lines.
pub fn email(policy_lines: &str) -> String {
    format!("{HEAD}[policy]\npreset = \"email\"\n{policy_lines}\n")
}

/// A scenario with the `sms_portal` preset and the given extra `[policy]` lines.
pub fn portal(policy_lines: &str) -> String {
    format!("{HEAD}[policy]\npreset = \"sms_portal\"\n{policy_lines}\n")
}

/// A trace under construction: the library's [`retrysim::trace_builder::Trace`], with
/// the runners these tests read outcomes from. Each builder method delegates.
#[derive(Clone)]
pub struct Trace(pub retrysim::trace_builder::Trace);

impl Trace {
    /// A trace whose sends are marketing email, until told otherwise.
    pub fn email() -> Trace {
        Trace(retrysim::trace_builder::Trace::email())
    }

    /// A trace whose sends are marketing SMS, until told otherwise.
    pub fn sms() -> Trace {
        Trace(retrysim::trace_builder::Trace::sms())
    }

    /// Later sends are transactional.
    pub fn transactional(self) -> Trace {
        Trace(self.0.transactional())
    }

    /// Later sends are marketing.
    pub fn marketing(self) -> Trace {
        Trace(self.0.marketing())
    }

    /// Message `message` of delivery `delivery` to `contact` enters the queue at `created`.
    pub fn send(self, message: &str, contact: &str, created: &str, delivery: &str) -> Trace {
        Trace(self.0.send(message, contact, created, delivery))
    }

    /// Every attempt to `contact` in [`from`, `until`) fails with `code`.
    pub fn fails(self, contact: &str, code: &str, from: &str, until: &str) -> Trace {
        Trace(self.0.fails(contact, code, from, until))
    }

    /// Every attempt to `contact` from `from` on fails with `code`.
    pub fn fails_from(self, contact: &str, code: &str, from: &str) -> Trace {
        Trace(self.0.fails_from(contact, code, from))
    }

    /// Every attempt to `contact` from `from` on fails with `code`, reported with an SMTP
    /// reply code and a diagnostic text (the optional columns of `failures.csv`).
    pub fn fails_from_with_report(
        self,
        contact: &str,
        code: &str,
        reply: Option<u16>,
        diagnostic: &str,
        from: &str,
    ) -> Trace {
        Trace(
            self.0
                .fails_from_with_report(contact, code, reply, diagnostic, from),
        )
    }

    /// An operator retries one message by hand (S3).
    pub fn manual(self, when: &str, message: &str) -> Trace {
        Trace(self.0.manual(when, message))
    }

    /// An operator retries one message by hand, giving a reason (S3, S8).
    pub fn manual_with_note(self, when: &str, message: &str, note: &str) -> Trace {
        Trace(self.0.manual_with_note(when, message, note))
    }

    /// An operator bulk-retries every failed message (S4).
    pub fn bulk(self, when: &str) -> Trace {
        Trace(self.0.bulk(when))
    }

    /// An operator bulk-retries a selection of one message (S4).
    pub fn bulk_one(self, when: &str, message: &str) -> Trace {
        Trace(self.0.bulk_one(when, message))
    }

    /// Runs the trace under a scenario (replication 0), recording every attempt.
    pub fn run(&self, scenario_toml: &str) -> Run {
        self.run_replication(scenario_toml, 0)
    }

    /// Runs the trace under a scenario as replication `replication`.
    pub fn run_replication(&self, scenario_toml: &str, replication: u32) -> Run {
        self.run_with(scenario_toml, replication, true)
    }

    /// Runs the trace without `--trace`: no attempt records, and the results of bulk
    /// retries and job runs kept as counts per reason.
    pub fn run_untraced(&self, scenario_toml: &str) -> Run {
        self.run_with(scenario_toml, 0, false)
    }

    fn run_with(&self, scenario_toml: &str, replication: u32, trace: bool) -> Run {
        let scenario = scenario(scenario_toml).unwrap_or_else(|e| panic!("bad scenario: {e}"));
        let mut errors = scenario.error_table();
        let workload = self.workload(&mut errors);
        let limits = (!scenario.limits.is_empty()).then(|| {
            scenario
                .limits
                .bind(&workload, &mut errors)
                .unwrap_or_else(|e| panic!("bad limits: {e}"))
        });
        let spec = RunSpec {
            workload: &workload,
            errors: &errors,
            policies: &scenario.policies,
            start: scenario.start,
            end: scenario.end(),
            zone: scenario.zone,
            seed: scenario.seed,
            replication,
            trace,
            limits: limits.as_ref(),
            first: None,
        };
        let output = simulate(&spec);
        Run {
            output,
            workload,
            errors,
            scenario,
        }
    }

    /// Runs the trace through the CSV importer instead: writes `sends.csv`,
    /// `failures.csv` and `actions.csv` and a scenario file naming them into a temporary
    /// folder, then loads and runs it as the `run` command does (replication 0, traced).
    pub fn run_via_csv(&self, scenario_toml: &str) -> Run {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = self.write_csv(dir.path(), scenario_toml);
        let scenario =
            Scenario::load(Some(&path), &[]).unwrap_or_else(|e| panic!("bad scenario: {e}"));
        let world = study::build_world(&scenario, 0).unwrap_or_else(|e| panic!("{e:#}"));
        let options = study::RunOptions::default().with_trace(true);
        let replication = study::run_replication(&scenario, &world, options);
        Run {
            output: replication.output,
            workload: (*world.workload).clone(),
            errors: (*world.errors).clone(),
            scenario,
        }
    }

    /// Writes the trace as `sends.csv`, `failures.csv` and `actions.csv` into `dir`, with
    /// `scenario.toml` (the given scenario plus a `[workload]` table naming the files),
    /// and returns the scenario's path.
    pub fn write_csv(&self, dir: &std::path::Path, scenario_toml: &str) -> PathBuf {
        self.0
            .write_csv(dir, scenario_toml)
            .expect("write the trace files")
    }

    /// The in-memory workload: sends sorted by creation time (ties keep their order, as
    /// the CSV importer does), names interned in order of first appearance.
    pub fn workload(&self, errors: &mut ErrorTable) -> Workload {
        self.0
            .workload(errors)
            .unwrap_or_else(|e| panic!("bad test trace: {e}"))
    }
}

/// A finished run with the names needed to read it.
pub struct Run {
    /// What the simulator returned.
    pub output: RunOutput,
    /// The workload it ran on.
    pub workload: Workload,
    /// The table the workload's codes were resolved in.
    pub errors: ErrorTable,
    /// The validated scenario.
    pub scenario: Scenario,
}

impl Run {
    fn message_id(&self, message: &str) -> u32 {
        let names = &self.workload.messages;
        (0..names.len() as u32)
            .find(|&id| names.get(id) == message)
            .unwrap_or_else(|| panic!("no message named {message}"))
    }

    /// The times of every attempt of `message`, in order.
    pub fn attempt_times(&self, message: &str) -> Vec<String> {
        let id = self.message_id(message);
        self.output
            .attempts
            .iter()
            .filter(|a| a.message == id)
            .map(|a| text(a.at))
            .collect()
    }

    /// The retry history of `message` (S8), one line per attempt:
    /// `"<time> #<attempt> <trigger> <outcome>"`, plus `note=<reason>` when the
    /// operator gave one. The outcome is `delivered` or the error code.
    pub fn history(&self, message: &str) -> Vec<String> {
        let id = self.message_id(message);
        self.output
            .attempts
            .iter()
            .filter(|a| a.message == id)
            .map(|a| {
                let outcome = a.error.map_or("delivered".to_string(), |c| {
                    self.errors.info(c).code.clone()
                });
                let mut line = format!(
                    "{} #{} {} {}",
                    text(a.at),
                    a.attempt,
                    a.trigger.name(),
                    outcome
                );
                if let Some(n) = a.note.index() {
                    line.push_str(&format!(" note={}", self.workload.notes[n as usize]));
                }
                line
            })
            .collect()
    }

    /// E4 audit of every attempt of `message`, in order: whether it counted toward the
    /// threshold, and the contact's counter after it.
    pub fn counted(&self, message: &str) -> Vec<(bool, u8)> {
        let id = self.message_id(message);
        self.output
            .attempts
            .iter()
            .filter(|a| a.message == id)
            .map(|a| (a.counted, a.counter))
            .collect()
    }

    /// The S7 badge of every attempt of `message`, in order.
    pub fn badges(&self, message: &str) -> Vec<&'static str> {
        let id = self.message_id(message);
        self.output
            .attempts
            .iter()
            .filter(|a| a.message == id)
            .map(|a| badge(a.attempt))
            .collect()
    }

    /// Every final state with a non-zero count, in the DESIGN.md column order.
    pub fn final_counts(&self) -> Vec<(&'static str, u64)> {
        let c = &self.output.metrics.counters;
        [
            ("delivered", c.delivered),
            ("expired", c.expired),
            ("hard_bounced", c.hard_bounced),
            ("opted_out", c.opted_out),
            ("failed", c.failed),
            ("suppressed", c.suppressed_messages),
            ("skipped_suppressed", c.skipped_suppressed),
            ("pending", c.pending),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
    }

    /// Every suppression as (contact, time, reason, counter), in time order.
    pub fn suppressions(&self) -> Vec<(String, String, &'static str, u8)> {
        self.output
            .suppressions
            .iter()
            .map(|s| {
                (
                    self.workload.contacts.get(s.contact),
                    text(s.at),
                    s.reason.name(),
                    s.counter,
                )
            })
            .collect()
    }

    /// Every suppression's contact and release time (E9), in time order.
    pub fn releases(&self) -> Vec<(String, Option<String>)> {
        self.output
            .suppressions
            .iter()
            .map(|s| {
                (
                    self.workload.contacts.get(s.contact),
                    s.released_at.map(text),
                )
            })
            .collect()
    }

    /// Every operator result as (time, action, message, result, reason), with an empty
    /// reason for a queued retry. The automatic job's reports are left out; see
    /// [`Run::job_reports`].
    pub fn operator(&self) -> Vec<(String, &'static str, String, &'static str, &'static str)> {
        self.retry_rows(|action| action != "auto")
    }

    /// What each automatic job run did with each failed message (S5), in the same form
    /// as [`Run::operator`].
    pub fn job_reports(&self) -> Vec<(String, &'static str, String, &'static str, &'static str)> {
        self.retry_rows(|action| action == "auto")
    }

    fn retry_rows(
        &self,
        keep: impl Fn(&str) -> bool,
    ) -> Vec<(String, &'static str, String, &'static str, &'static str)> {
        self.output
            .operator
            .iter()
            .filter(|o| keep(o.action))
            .map(|o| {
                (
                    text(o.at),
                    o.action,
                    o.message
                        .map_or(String::new(), |m| self.workload.messages.get(m)),
                    o.result.name(),
                    o.result.refusal().map_or("", Refusal::name),
                )
            })
            .collect()
    }

    /// Every row of the retry results as (time, action, message, result, reason,
    /// count): with an empty message for a row that counts a selection's messages.
    pub fn retry_rows_with_counts(
        &self,
    ) -> Vec<(
        String,
        &'static str,
        String,
        &'static str,
        &'static str,
        u32,
    )> {
        self.output
            .operator
            .iter()
            .map(|o| {
                (
                    text(o.at),
                    o.action,
                    o.message
                        .map_or(String::new(), |m| self.workload.messages.get(m)),
                    o.result.name(),
                    o.result.refusal().map_or("", Refusal::name),
                    o.count,
                )
            })
            .collect()
    }

    /// The operator's results grouped by action (S4): for each time and action, the
    /// queued messages and the skipped or failed ones with their S2 reasons, each in the
    /// order the action visited them.
    pub fn operator_groups(&self) -> Vec<OperatorGroup> {
        let mut groups: Vec<OperatorGroup> = Vec::new();
        for (at, action, message, result, reason) in self.operator() {
            let same = groups
                .last()
                .is_some_and(|g| g.at == at && g.action == action);
            if !same {
                groups.push(OperatorGroup {
                    at,
                    action,
                    queued: Vec::new(),
                    refused: Vec::new(),
                });
            }
            let group = groups.last_mut().expect("a group was just pushed");
            if result == "queued" {
                group.queued.push(message);
            } else {
                group.refused.push((message, reason));
            }
        }
        groups
    }

    /// Operator retries queued, then each refusal reason with a non-zero count.
    pub fn retry_counts(&self) -> Vec<(&'static str, u64)> {
        let c = &self.output.metrics.counters;
        let mut out = vec![("queued", c.retry_queued)];
        out.extend(
            Refusal::ALL
                .iter()
                .zip(c.retry_skipped)
                .filter(|(_, n)| *n > 0)
                .map(|(r, n)| (r.name(), n)),
        );
        out
    }
}

/// The results of one operator action (S4): what was queued and what was refused, with
/// the S2 reason of each refusal. Two actions of the same kind at the same instant fall
/// into one group.
#[derive(Debug, PartialEq, Eq)]
pub struct OperatorGroup {
    /// When the operator acted.
    pub at: String,
    /// `manual` or `bulk`.
    pub action: &'static str,
    /// Messages queued for a new attempt.
    pub queued: Vec<String>,
    /// Messages skipped (bulk) or failed (manual), with their reasons.
    pub refused: Vec<(String, &'static str)>,
}

/// Reads a CSV file written by the binary into its header and rows, for tests that check
/// output files.
pub fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("a CSV row").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}
