//! What the readers emit and where it is kept: the messages seen (with their creation
//! time) and every observed attempt, classified on arrival.

use std::collections::BTreeMap;

use super::classify::{Classifier, FailureWords};
use super::names::Names;
use super::report::Skip;
use super::verdicts::{Verdict, Verdicts};
use crate::error::MessageError;
use crate::rules::errors::ErrorClass;
use crate::time::Instant;
use crate::workload::Channel;

/// The outcome of one observed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted by the receiving server or carrier.
    Delivered,
    /// Refused or deferred.
    Failed,
}

impl Outcome {
    /// The name written to `observations.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Failed => "failed",
        }
    }
}

/// A message seen in the log. Its id in `sends.csv` is [`Collector::name`] of its index;
/// contact and delivery are ids into the collector's shared table of those names
/// ([`Collector::person`]), since a contact gets many messages and a delivery many
/// contacts.
#[derive(Debug, Clone)]
pub struct SeenMessage {
    /// Its recipient.
    pub contact: u32,
    /// Its delivery (campaign or batch) when the log names one; else the message is its
    /// own delivery.
    pub delivery: Option<u32>,
    /// The earliest time the log shows it (created, queued, or first attempted).
    pub created: Instant,
    /// Email or SMS.
    pub channel: Channel,
    /// Where it was first seen: (file, line), to order ties.
    pub first_seen: (u32, u64),
}

/// One observed attempt, classified.
#[derive(Debug, Clone)]
pub struct Observation {
    /// Index into [`Collector::messages`].
    pub message: u32,
    /// When the attempt's outcome was logged.
    pub at: Instant,
    /// Delivered or failed.
    pub outcome: Outcome,
    /// Attempt number as the log gives it, if it does.
    pub attempt: Option<u32>,
    /// Enhanced status code as logged (a [`Collector::text`] id, as are the next three:
    /// logs repeat the same few texts, so each is kept once).
    pub status: u32,
    /// SMTP reply code as logged (or read from the text).
    pub reply_code: u32,
    /// The server's or provider's text.
    pub diagnostic: u32,
    /// For failures: the classified code and class.
    pub error: Option<(u32, ErrorClass)>,
    /// For failures: the reason the reason table gave, from the code, reply and text
    /// together (a [`Collector::text`] id; the empty text for a delivery).
    pub reason: u32,
    /// Where it was read: (file index, line).
    pub source: (u32, u64),
}

/// What a reader hands over for one attempt.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// The message's id.
    pub message: &'a str,
    /// The recipient.
    pub contact: &'a str,
    /// When.
    pub at: Instant,
    /// Delivered or failed.
    pub outcome: Outcome,
    /// Attempt number, if the log gives it.
    pub attempt: Option<u32>,
    /// The failure's (or delivery's) words.
    pub words: FailureWords<'a>,
}

/// Everything read so far.
#[derive(Debug, Default)]
pub struct Collector {
    /// Messages in order of first sight.
    pub messages: Vec<SeenMessage>,
    /// Message names; a message's name id is its index.
    names: Names,
    /// Contact and delivery names.
    people: Names,
    /// Each message's latest observation, to spot repeated lines.
    latest: Vec<u32>,
    /// Observed attempts in reading order.
    pub observations: Vec<Observation>,
    /// Facts the readers count that are not skips (e.g. local hops folded).
    pub notes: BTreeMap<&'static str, u64>,
    /// Operator retries, where the format tells them apart.
    pub operator_retries: Vec<super::actions::OperatorRetry>,
    classifier: Classifier,
    position: (u32, u64),
    texts: Names,
    verdicts: Verdicts,
}

impl Collector {
    /// An empty collector classifying with `classifier`.
    pub fn new(classifier: Classifier) -> Self {
        Collector {
            classifier,
            ..Collector::default()
        }
    }

    /// The text behind an id of [`Observation`].
    pub fn text(&self, id: u32) -> &str {
        self.texts.get(id)
    }

    fn intern(&mut self, text: &str) -> u32 {
        self.texts.intern(text)
    }

    /// The name of message `i`: its id in `sends.csv`.
    pub fn name(&self, i: u32) -> &str {
        self.names.get(i)
    }

    /// A contact or delivery name by its id in [`SeenMessage`].
    pub fn person(&self, id: u32) -> &str {
        self.people.get(id)
    }

    /// How many contact and delivery names there are: ids of [`Collector::person`] are
    /// below it.
    pub fn person_count(&self) -> usize {
        self.people.len()
    }

    /// The recipient of message `i`.
    pub fn contact(&self, i: u32) -> &str {
        self.person(self.messages[i as usize].contact)
    }

    /// The delivery id of message `i`: the log's when it names one, else the message's.
    pub fn delivery(&self, i: u32) -> &str {
        match self.messages[i as usize].delivery {
            Some(d) => self.person(d),
            None => self.name(i),
        }
    }

    /// Sets the (file, line) that the next events come from.
    pub fn set_position(&mut self, file: u32, line: u64) {
        self.position = (file, line);
    }

    /// Counts a fact about the log under `what`.
    pub fn note(&mut self, what: &'static str) {
        *self.notes.entry(what).or_insert(0) += 1;
    }

    /// Records that `message` to `contact` existed at `at`; returns its index.
    pub fn message(&mut self, message: &str, contact: &str, at: Instant) -> u32 {
        let found = self.find(message);
        self.seen(found, message, contact, at)
    }

    /// [`Collector::message`] once the lookup is done: `found` is `message`'s index if
    /// it was seen before.
    fn seen(&mut self, found: Option<u32>, message: &str, contact: &str, at: Instant) -> u32 {
        if let Some(i) = found {
            let m = &mut self.messages[i as usize];
            m.created = m.created.min(at);
            return i;
        }
        let i = self.names.push_new(message);
        self.latest.push(u32::MAX);
        let contact_id = self.people.intern(contact);
        self.messages.push(SeenMessage {
            contact: contact_id,
            delivery: None,
            created: at,
            channel: super::channel_of(contact),
            first_seen: self.position,
        });
        i
    }

    /// The index of the message named `name`, if it was seen.
    fn find(&self, name: &str) -> Option<u32> {
        self.names.find(name)
    }

    /// Names the delivery of message `i` (from [`Collector::message`]).
    pub fn set_delivery(&mut self, i: u32, delivery: &str) {
        if (i as usize) < self.messages.len() {
            self.messages[i as usize].delivery = Some(self.people.intern(delivery));
        }
    }

    /// Records one attempt, classifying a failure; a failure that cannot be classified,
    /// or a message id reused for another recipient, is a skip.
    pub fn attempt(&mut self, e: Event<'_>) -> Result<(), Skip> {
        // One lookup serves the check and the recording below: classifying adds texts,
        // never messages, so the index found stays right.
        let found = self.find(e.message);
        self.attempt_found(found, e)
    }

    /// [`Collector::message`] (`e`'s message to its contact, created at `created`) then
    /// [`Collector::attempt`], with one lookup of the message's name instead of two: the
    /// readers that log a message's creation on each attempt line call both per line,
    /// and the lookup is a cache miss in a table of a million names.
    pub fn message_attempt(&mut self, created: Instant, e: Event<'_>) -> Result<(), Skip> {
        let found = self.find(e.message);
        let i = self.seen(found, e.message, e.contact, created);
        self.attempt_found(Some(i), e)
    }

    /// [`Collector::attempt`] once the lookup is done.
    fn attempt_found(&mut self, found: Option<u32>, e: Event<'_>) -> Result<(), Skip> {
        if let Some(i) = found
            && self.contact(i) != e.contact
        {
            return Err(Skip::new(
                "conflicting_recipient",
                format!("message {} was first seen to another recipient", e.message),
            ));
        }
        let (error, reason) = match e.outcome {
            Outcome::Delivered => (None, self.intern("")),
            Outcome::Failed => {
                let v = self
                    .verdict(&e.words)
                    .map_err(|why| Skip::new("unclassified_failure", why))?;
                (Some((v.code, v.class)), v.reason)
            }
        };
        let message = self.seen(found, e.message, e.contact, e.at);
        if self.repeats_latest(message, &e, error.as_ref()) {
            return Err(Skip::new(
                "duplicate",
                format!("a repeat of the line before for {}", e.message),
            ));
        }
        self.latest[message as usize] = self.observations.len() as u32;
        let reply = if e.words.reply_code.is_empty() {
            super::classify::leading_reply_code(e.words.diagnostic)
        } else {
            e.words.reply_code
        };
        let (status, reply_code) = (self.intern(e.words.status), self.intern(reply));
        let diagnostic = self.intern(e.words.diagnostic);
        self.observations.push(Observation {
            message,
            at: e.at,
            outcome: e.outcome,
            attempt: e.attempt,
            status,
            reply_code,
            diagnostic,
            error,
            reason,
            source: self.position,
        });
        Ok(())
    }

    /// The classification of `words`, made once per distinct set of words.
    fn verdict(&mut self, words: &FailureWords<'_>) -> Result<Verdict, MessageError> {
        if let Some(known) = self.verdicts.get(words) {
            return known;
        }
        let outcome = self.classifier.classify(words).map(|c| Verdict {
            code: self.intern(&c.error_code),
            class: c.class,
            reason: self.intern(&c.reason),
        });
        self.verdicts.put(outcome.clone());
        outcome
    }

    /// True when `e` says again what the message's latest observation said.
    fn repeats_latest(
        &self,
        message: u32,
        e: &Event<'_>,
        error: Option<&(u32, ErrorClass)>,
    ) -> bool {
        let Some(prev) = self
            .observations
            .get(self.latest[message as usize] as usize)
        else {
            return false;
        };
        prev.at == e.at
            && prev.outcome == e.outcome
            && prev.error.as_ref() == error
            && self.text(prev.diagnostic) == e.words.diagnostic
    }

    /// The observations sorted by (time, file, line): the order the inference and the
    /// output use.
    pub fn sorted_observations(&self) -> Vec<&Observation> {
        let mut v: Vec<&Observation> = self.observations.iter().collect();
        v.sort_by_key(|o| (o.at, o.source));
        v
    }
}
