//! Retries that are not scheduled by the backoff: the automatic morning job (S5, S6) and
//! operator retries of one message or a selection (S3, S4), all gated by the
//! eligibility checks and their reasons (S1, S2). Over the sender's limits they wait in
//! its queue like sends and backoff retries (`capacity.rs`).

use super::state::Status;
use super::tally::{Tally, slot};
use super::{Event, Simulation, rank};
use crate::engine::EventQueue;
use crate::metrics::{OperatorRecord, OperatorResult, Trigger};
use crate::rules::eligibility::{self, Candidate, Checks, Refusal};
use crate::time::{Instant, Span};
use crate::workload::actions::{Action, ActionKind};
use crate::workload::{Channel, MessageId};

impl Simulation<'_> {
    /// Schedules the first run of each channel's automatic job, if it has one.
    pub(super) fn schedule_first_jobs(&mut self, queue: &mut EventQueue<Event>) {
        for channel in [Channel::Email, Channel::Sms] {
            let Some(job) = self.spec.policies.of(channel).auto_retry else {
                continue;
            };
            let zone = self.spec.zone;
            if let Some(reading) = zone.next_reading(self.spec.start, job.at) {
                self.job_readings[channel] = reading;
                let first = zone.instant_at(reading);
                queue.schedule(first, rank::AUTO_JOB, Event::AutoJob { channel });
            }
        }
    }

    /// S5: retries every failed message of `channel` that passes S1 (a)–(c) and has had
    /// fewer than the maximum automatic attempts, reports the others with their S2
    /// reasons, then schedules the next run.
    pub(super) fn auto_job(
        &mut self,
        now: Instant,
        channel: Channel,
        queue: &mut EventQueue<Event>,
    ) {
        let policy = self.spec.policies.of(channel);
        let Some(job) = policy.auto_retry else { return };
        // The job always applies the portal's checks, whatever operators are held to.
        let checks = Checks {
            portal_rules: true,
            max_auto_attempts: Some(job.max_attempts),
        };
        self.compact_failed();
        let mut tally = Tally::default();
        for i in 0..self.failed.len() {
            let message = self.failed[i];
            if self.send_channel(message) != channel {
                continue;
            }
            let result = match self.eligibility(now, message, checks) {
                Ok(()) => OperatorResult::Queued,
                Err(r) => OperatorResult::Skipped(r),
            };
            self.report(now, "auto", message, result, &mut tally);
            if result == OperatorResult::Queued
                && !self.defer_retry(now, message, Trigger::Auto, None, queue)
            {
                self.attempt(now, message, Trigger::Auto, None, queue);
            }
        }
        self.out.operator.extend(tally.rows(now, "auto"));
        self.schedule_next_job(now, channel, job.every, queue);
    }

    /// S5: the next run is the job's local reading advanced by `every` of wall clock, so
    /// a run moved by a spring-forward gap does not move the runs after it. A reading
    /// that resolves to an instant not after `now` (inside a gap, for a job that runs
    /// more often than the gap is long) is passed over.
    fn schedule_next_job(
        &mut self,
        now: Instant,
        channel: Channel,
        every: Span,
        queue: &mut EventQueue<Event>,
    ) {
        let zone = self.spec.zone;
        let mut reading = self.job_readings[channel];
        loop {
            let Some(next) = reading.plus(every.max(Span(1))) else {
                return;
            };
            reading = next;
            let at = zone.instant_at(reading);
            if at > now {
                self.job_readings[channel] = reading;
                queue.schedule(at, rank::AUTO_JOB, Event::AutoJob { channel });
                return;
            }
        }
    }

    /// S3, S4: an operator retries one message or a selection.
    pub(super) fn operator_action(
        &mut self,
        now: Instant,
        index: usize,
        queue: &mut EventQueue<Event>,
    ) {
        let action = self.spec.workload.actions[index];
        let name = action.kind.name();
        let mut tally = Tally::default();
        match action.kind {
            ActionKind::Manual(m) | ActionKind::Bulk(Some(m)) => {
                self.operator_retry(now, m, action, queue, None);
            }
            ActionKind::Bulk(None) => {
                self.compact_failed();
                // Retries only ever revisit messages already in the list, so it does
                // not grow while it is walked.
                for i in 0..self.failed.len() {
                    let message = self.failed[i];
                    self.operator_retry(now, message, action, queue, Some(&mut tally));
                }
            }
        }
        self.out.operator.extend(tally.rows(now, name));
    }

    /// One message of an operator action: checked, reported, and attempted if eligible.
    /// A selection's results go to `tally` unless the run is traced; an action that
    /// names its message always gets a row of its own.
    fn operator_retry(
        &mut self,
        now: Instant,
        message: MessageId,
        action: Action,
        queue: &mut EventQueue<Event>,
        tally: Option<&mut Tally>,
    ) {
        let checks = Checks {
            portal_rules: self
                .spec
                .policies
                .of(self.send_channel(message))
                .eligibility_checks,
            max_auto_attempts: None,
        };
        let result = match (self.eligibility(now, message, checks), action.kind) {
            (Ok(()), _) => OperatorResult::Queued,
            (Err(r), ActionKind::Manual(_)) => OperatorResult::Failed(r),
            (Err(r), ActionKind::Bulk(_)) => OperatorResult::Skipped(r),
        };
        let name = action.kind.name();
        match tally {
            Some(t) => self.report(now, name, message, result, t),
            None => self.report_one(now, name, message, result),
        }
        if result == OperatorResult::Queued {
            let trigger = if matches!(action.kind, ActionKind::Manual(_)) {
                Trigger::Manual
            } else {
                Trigger::Bulk
            };
            if !self.defer_retry(now, message, trigger, action.note, queue) {
                self.attempt(now, message, trigger, action.note, queue);
            }
        }
    }

    /// Counts one result of a selection (S2): in `summary.csv`'s counters, and as a row
    /// of its own when traced or in the action's tally otherwise.
    fn report(
        &mut self,
        now: Instant,
        action: &'static str,
        message: MessageId,
        result: OperatorResult,
        tally: &mut Tally,
    ) {
        if self.spec.trace {
            self.report_one(now, action, message, result);
        } else {
            self.count_result(result);
            tally.add(result);
        }
    }

    /// Counts one result and keeps a row naming its message.
    fn report_one(
        &mut self,
        now: Instant,
        action: &'static str,
        message: MessageId,
        result: OperatorResult,
    ) {
        self.count_result(result);
        self.out.operator.push(OperatorRecord {
            at: now,
            action,
            message: Some(message),
            result,
            count: 1,
        });
    }

    fn count_result(&mut self, result: OperatorResult) {
        let counters = &mut self.out.metrics.counters;
        match result.refusal() {
            None => counters.retry_queued += 1,
            Some(r) => counters.retry_skipped[slot(Some(r)) - 1] += 1,
        }
    }

    fn send_channel(&self, message: MessageId) -> Channel {
        self.spec.workload.sends[message as usize].channel()
    }

    /// Drops delivered messages from the failed list and sorts it by message id, the
    /// order in which the job and bulk retries visit messages. Messages that can no
    /// longer be retried stay: the bulk retry (S4) must report them as refused.
    fn compact_failed(&mut self) {
        let messages = &self.messages;
        self.failed
            .retain(|&m| messages[m as usize].status() != Status::Delivered);
        self.failed.sort_unstable();
    }

    /// S1, S2 for one message at `now`.
    fn eligibility(
        &mut self,
        now: Instant,
        message: MessageId,
        checks: Checks,
    ) -> Result<(), Refusal> {
        let send = self.spec.workload.sends[message as usize];
        let contact_suppressed = self.is_suppressed(send.contact(), now);
        let m = self.messages[message as usize];
        let errors = self.spec.errors;
        let candidate = Candidate {
            // A message cancelled by a suppression stays cancelled even after the
            // suppression lapses.
            contact_suppressed: contact_suppressed || m.status() == Status::Suppressed,
            is_last_message: self.contacts[send.contact() as usize].last_message == message,
            last_error: match m.status() {
                Status::Unborn | Status::Delivered | Status::Skipped => None,
                _ => m.last_error().map(|code| errors.class(code)),
            },
            ready_at: m
                .last_error()
                .map_or(m.last_fail_at(send.created()), |code| {
                    m.last_fail_at(send.created()).plus(errors.info(code).wait)
                }),
            auto_attempts: m.auto_attempts(),
            within_period: m.status() != Status::Expired && self.within_period(now, message),
        };
        eligibility::check(&candidate, now, checks)
    }
}
