//! A trace written in a few readable lines, for tests: sends, failure windows and
//! operator actions, turned into a [`Workload`] exactly as the CSV importer would read
//! the same rows (sends sorted by creation time, ties in order; names numbered in order
//! of first appearance, through the importer's own interner).
//!
//! ```
//! use retrysim::scenario::Scenario;
//! use retrysim::trace_builder::Trace;
//!
//! let scenario = Scenario::from_toml_str(
//!     "horizon = \"2d\"\n[workload]\nkind = \"csv\"\nsends = \"unused.csv\"\n[policy]\npreset = \"email\"",
//!     "inline",
//! )
//! .unwrap();
//! let trace = Trace::email()
//!     .send("m1", "a@example.com", "2026-01-05T09:00:00Z", "newsletter-1")
//!     .fails("a@example.com", "4.2.2", "2026-01-05T08:00:00Z", "2026-01-05T09:30:00Z");
//! let mut errors = scenario.error_table();
//! let workload = trace.workload(&mut errors).unwrap();
//! assert_eq!(workload.sends.len(), 1);
//! ```
//!
//! Times are RFC 3339 text; a bad time, an unknown error code or an action naming an
//! unknown message is an error from [`Trace::workload`], never a panic.

use std::path::{Path, PathBuf};

use crate::rules::errors::ErrorTable;
use crate::time::Instant;
use crate::workload::actions::{Action, ActionKind};
use crate::workload::import::Interner;
use crate::workload::{Channel, FailureModel, MessageType, Names, SendRecord, Window, Workload};

/// A trace that cannot be built, saying which entry is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("trace: {0}")]
pub struct TraceError(String);

#[derive(Debug, Clone)]
struct PlannedSend {
    message: String,
    contact: String,
    created: String,
    delivery: String,
    channel: Channel,
    kind: MessageType,
}

#[derive(Debug, Clone)]
struct PlannedFailure {
    contact: String,
    code: String,
    start: String,
    /// Empty: until the end of the run.
    end: String,
    /// The SMTP reply code and diagnostic text of `failures.csv`'s optional columns.
    report: Option<(Option<u16>, String)>,
}

#[derive(Debug, Clone)]
struct PlannedAction {
    at: String,
    kind: PlannedKind,
    note: Option<String>,
}

#[derive(Debug, Clone)]
enum PlannedKind {
    Manual(String),
    BulkOne(String),
    BulkAll,
}

/// A trace under construction: sends, failure windows and operator actions.
#[derive(Debug, Clone)]
pub struct Trace {
    channel: Channel,
    kind: MessageType,
    sends: Vec<PlannedSend>,
    failures: Vec<PlannedFailure>,
    actions: Vec<PlannedAction>,
}

impl Trace {
    /// A trace whose sends are marketing email, until told otherwise.
    pub fn email() -> Trace {
        Trace {
            channel: Channel::Email,
            kind: MessageType::Marketing,
            sends: Vec::new(),
            failures: Vec::new(),
            actions: Vec::new(),
        }
    }

    /// A trace whose sends are marketing SMS, until told otherwise.
    pub fn sms() -> Trace {
        Trace {
            channel: Channel::Sms,
            ..Trace::email()
        }
    }

    /// Later sends are transactional.
    pub fn transactional(mut self) -> Trace {
        self.kind = MessageType::Transactional;
        self
    }

    /// Later sends are marketing.
    pub fn marketing(mut self) -> Trace {
        self.kind = MessageType::Marketing;
        self
    }

    /// Message `message` of delivery `delivery` to `contact` enters the queue at `created`.
    pub fn send(mut self, message: &str, contact: &str, created: &str, delivery: &str) -> Trace {
        self.sends.push(PlannedSend {
            message: message.into(),
            contact: contact.into(),
            created: created.into(),
            delivery: delivery.into(),
            channel: self.channel,
            kind: self.kind,
        });
        self
    }

    /// Every attempt to `contact` in [`from`, `until`) fails with `code`.
    pub fn fails(mut self, contact: &str, code: &str, from: &str, until: &str) -> Trace {
        self.failures.push(PlannedFailure {
            contact: contact.into(),
            code: code.into(),
            start: from.into(),
            end: until.into(),
            report: None,
        });
        self
    }

    /// Every attempt to `contact` from `from` on fails with `code`.
    pub fn fails_from(self, contact: &str, code: &str, from: &str) -> Trace {
        self.fails(contact, code, from, "")
    }

    /// Every attempt to `contact` from `from` on fails with `code`, reported with an SMTP
    /// reply code and a diagnostic text (the optional columns of `failures.csv`), so the
    /// reason table may read the text.
    pub fn fails_from_with_report(
        mut self,
        contact: &str,
        code: &str,
        reply: Option<u16>,
        diagnostic: &str,
        from: &str,
    ) -> Trace {
        self = self.fails_from(contact, code, from);
        if let Some(f) = self.failures.last_mut() {
            f.report = Some((reply, diagnostic.into()));
        }
        self
    }

    /// An operator retries one message by hand (S3).
    pub fn manual(self, when: &str, message: &str) -> Trace {
        self.action(when, PlannedKind::Manual(message.into()), None)
    }

    /// An operator retries one message by hand, giving a reason (S3, S8).
    pub fn manual_with_note(self, when: &str, message: &str, note: &str) -> Trace {
        self.action(when, PlannedKind::Manual(message.into()), Some(note))
    }

    /// An operator bulk-retries every failed message (S4).
    pub fn bulk(self, when: &str) -> Trace {
        self.action(when, PlannedKind::BulkAll, None)
    }

    /// An operator bulk-retries a selection of one message (S4).
    pub fn bulk_one(self, when: &str, message: &str) -> Trace {
        self.action(when, PlannedKind::BulkOne(message.into()), None)
    }

    fn action(mut self, when: &str, kind: PlannedKind, note: Option<&str>) -> Trace {
        self.actions.push(PlannedAction {
            at: when.into(),
            kind,
            note: note.map(str::to_string),
        });
        self
    }

    /// The in-memory workload. Error codes are classified through `errors`, which
    /// remembers them (as the importer does).
    pub fn workload(&self, errors: &mut ErrorTable) -> Result<Workload, TraceError> {
        let mut order = Vec::with_capacity(self.sends.len());
        for s in &self.sends {
            order.push((time(&s.created, &s.message)?, s));
        }
        order.sort_by_key(|(created, _)| *created);
        let mut contacts = Interner::default();
        let mut deliveries = Interner::default();
        let sends = order
            .iter()
            .map(|(created, s)| {
                let (contact, delivery) = (contacts.id(&s.contact), deliveries.id(&s.delivery));
                SendRecord::new(*created, contact, delivery, s.channel, s.kind)
                    .map_err(|e| TraceError(format!("{}: {e}", s.message)))
            })
            .collect::<Result<Vec<_>, TraceError>>()?;
        let message_names: Vec<String> = order.iter().map(|(_, s)| s.message.clone()).collect();
        let windows = self
            .failures
            .iter()
            .map(|f| Ok((contacts.id(&f.contact), window(f, errors)?)))
            .collect::<Result<Vec<_>, TraceError>>()?;
        let mut failures = FailureModel::new(contacts.names.len(), windows);
        failures.classify(errors);
        let (actions, notes) = self.operator_actions(&message_names)?;
        Ok(Workload {
            sends,
            messages: Names::Listed(message_names),
            contacts: Names::Listed(contacts.names),
            deliveries: Names::Listed(deliveries.names),
            failures,
            actions,
            notes,
            carriers: Default::default(),
        })
    }

    /// The actions in time order (ties in order), with their notes.
    fn operator_actions(
        &self,
        messages: &[String],
    ) -> Result<(Vec<Action>, Vec<String>), TraceError> {
        let id_of = |name: &str| {
            messages
                .iter()
                .position(|m| m == name)
                .map(|i| i as u32)
                .ok_or_else(|| TraceError(format!("an action names unknown message {name:?}")))
        };
        let mut notes = Vec::new();
        let mut actions = Vec::with_capacity(self.actions.len());
        for a in &self.actions {
            let kind = match &a.kind {
                PlannedKind::Manual(m) => ActionKind::Manual(id_of(m)?),
                PlannedKind::BulkOne(m) => ActionKind::Bulk(Some(id_of(m)?)),
                PlannedKind::BulkAll => ActionKind::Bulk(None),
            };
            let note = a.note.as_ref().map(|n| {
                notes.push(n.clone());
                (notes.len() - 1) as u32
            });
            actions.push(Action {
                at: time(&a.at, "an action")?,
                kind,
                note,
            });
        }
        actions.sort_by_key(|a| a.at);
        Ok((actions, notes))
    }

    /// Writes the trace as `sends.csv`, `failures.csv` and `actions.csv` into `dir`, with
    /// `scenario.toml` (the given scenario text plus a `[workload]` table naming the
    /// files), and returns the scenario's path.
    pub fn write_csv(&self, dir: &Path, scenario_toml: &str) -> std::io::Result<PathBuf> {
        let mut sends =
            String::from("message_id,contact,created_at,delivery_id,channel,message_type\n");
        for s in &self.sends {
            sends.push_str(&format!(
                "{},{},{},{},{},{}\n",
                s.message,
                s.contact,
                s.created,
                s.delivery,
                s.channel.name(),
                s.kind.name()
            ));
        }
        let with_report = self.failures.iter().any(|f| f.report.is_some());
        let mut failures = String::from(if with_report {
            "contact,error_code,start,end,reply_code,diagnostic\n"
        } else {
            "contact,error_code,start,end\n"
        });
        for f in &self.failures {
            failures.push_str(&format!("{},{},{},{}", f.contact, f.code, f.start, f.end));
            if with_report {
                let (reply, diagnostic) = f.report.clone().unwrap_or_default();
                let reply = reply.map(|r| r.to_string()).unwrap_or_default();
                failures.push_str(&format!(",{reply},\"{}\"", diagnostic.replace('"', "\"\"")));
            }
            failures.push('\n');
        }
        let mut actions = String::from("at,action,message_id,reason\n");
        for a in &self.actions {
            let (action, message) = match &a.kind {
                PlannedKind::Manual(m) => ("manual", m.as_str()),
                PlannedKind::BulkOne(m) => ("bulk", m.as_str()),
                PlannedKind::BulkAll => ("bulk", ""),
            };
            let note = a.note.as_deref().unwrap_or("");
            actions.push_str(&format!("{},{action},{message},{note}\n", a.at));
        }
        let scenario = format!(
            "{scenario_toml}\n[workload]\nkind = \"csv\"\nsends = \"sends.csv\"\nfailures = \"failures.csv\"\nactions = \"actions.csv\"\n"
        );
        for (name, body) in [
            ("sends.csv", sends),
            ("failures.csv", failures),
            ("actions.csv", actions),
            ("scenario.toml", scenario),
        ] {
            std::fs::write(dir.join(name), body)?;
        }
        Ok(dir.join("scenario.toml"))
    }
}

fn time(text: &str, what: &str) -> Result<Instant, TraceError> {
    Instant::parse_rfc3339(text).map_err(|e| TraceError(format!("{what}: {e}")))
}

fn window(f: &PlannedFailure, errors: &mut ErrorTable) -> Result<Window, TraceError> {
    let what = format!("failure of {}", f.contact);
    let (reply, diagnostic) = f.report.clone().unwrap_or_default();
    Ok(Window {
        start: time(&f.start, &what)?,
        end: if f.end.is_empty() {
            Instant::NEVER
        } else {
            time(&f.end, &what)?
        },
        code: errors
            .resolve_report(&f.code, reply, &diagnostic)
            .map_err(|e| TraceError(format!("{what}: {e}")))?,
        permanent: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_are_sorted_by_creation_and_names_numbered_in_that_order() {
        let mut errors = ErrorTable::new(&[], None);
        let w = Trace::email()
            .send("late", "b", "2026-01-05T10:00:00Z", "d")
            .send("early", "a", "2026-01-05T09:00:00Z", "d")
            .workload(&mut errors)
            .unwrap();
        assert_eq!(w.messages.get(0), "early");
        assert_eq!(w.contacts.get(w.sends[1].contact()), "b");
    }

    #[test]
    fn bad_entries_are_errors_not_panics() {
        let mut errors = ErrorTable::new(&[], None);
        let bad_time = Trace::email().send("m", "a", "yesterday", "d");
        assert!(bad_time.workload(&mut errors).is_err());
        let bad_code = Trace::email().fails_from("a", "no-such-code", "2026-01-05T09:00:00Z");
        let e = bad_code.workload(&mut errors).unwrap_err();
        assert!(e.to_string().contains("no-such-code"), "{e}");
        let bad_action = Trace::email().manual("2026-01-05T09:00:00Z", "ghost");
        let e = bad_action.workload(&mut errors).unwrap_err();
        assert!(e.to_string().contains("ghost"), "{e}");
    }
}
