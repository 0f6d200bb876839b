//! Retries that are not scheduled by the backoff: the automatic morning job (S5, S6) and
//! operator retries of one message or a selection (S3, S4), all gated by the
//! eligibility checks and their reasons (S1, S2).

use super::state::Status;
use super::{Event, Simulation, rank};
use crate::engine::EventQueue;
use crate::metrics::{OperatorRecord, OperatorResult, Trigger};
use crate::rules::eligibility::{self, Candidate, Checks, Refusal};
use crate::time::{Instant, Span};
use crate::workload::actions::ActionKind;
use crate::workload::{Channel, MessageId};

impl Simulation<'_> {
    /// Schedules the first run of each channel's automatic job, if it has one.
    pub(super) fn schedule_first_jobs(&self, queue: &mut EventQueue<Event>) {
        for channel in [Channel::Email, Channel::Sms] {
            if let Some(job) = self.spec.policies.of(channel).auto_retry {
                let first = self.spec.zone.next_local_time(self.spec.start, job.at);
                queue.schedule(first, rank::AUTO_JOB, Event::AutoJob { channel });
            }
        }
    }

    /// S5: retries every eligible failed message of `channel` that has had fewer than
    /// the maximum automatic attempts, then schedules the next run.
    pub(super) fn auto_job(
        &mut self,
        now: Instant,
        channel: Channel,
        queue: &mut EventQueue<Event>,
    ) {
        let policy = self.spec.policies.of(channel);
        let Some(job) = policy.auto_retry else { return };
        let checks = Checks {
            portal_rules: policy.eligibility_checks,
            max_auto_attempts: Some(job.max_attempts),
        };
        self.compact_failed();
        for i in 0..self.failed.len() {
            let message = self.failed[i];
            let status = self.messages[message as usize].status;
            if self.send_channel(message) != channel || !status.is_open_failure() {
                continue;
            }
            if self.eligibility(now, message, checks).is_ok() {
                self.attempt(now, message, Trigger::Auto, None, queue);
            }
        }
        let next = self.spec.zone.add_wall_clock(now, job.every.max(Span(1)));
        queue.schedule(next, rank::AUTO_JOB, Event::AutoJob { channel });
    }

    /// S3, S4: an operator retries one message or a selection.
    pub(super) fn operator_action(
        &mut self,
        now: Instant,
        index: usize,
        queue: &mut EventQueue<Event>,
    ) {
        let action = self.spec.workload.actions[index];
        let selection = match action.kind {
            ActionKind::Manual(m) | ActionKind::Bulk(Some(m)) => vec![m],
            ActionKind::Bulk(None) => {
                self.compact_failed();
                self.failed.clone()
            }
        };
        for message in selection {
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
            let counters = &mut self.out.metrics.counters;
            match result.refusal() {
                None => counters.retry_queued += 1,
                Some(r) => {
                    counters.retry_skipped
                        [Refusal::ALL.iter().position(|x| *x == r).unwrap_or(0)] += 1
                }
            }
            self.out.operator.push(OperatorRecord {
                at: now,
                action: action.kind.name(),
                message,
                result,
            });
            if result == OperatorResult::Queued {
                let trigger = if matches!(action.kind, ActionKind::Manual(_)) {
                    Trigger::Manual
                } else {
                    Trigger::Bulk
                };
                self.attempt(now, message, trigger, action.note, queue);
            }
        }
    }

    fn send_channel(&self, message: MessageId) -> Channel {
        self.spec.workload.sends[message as usize].channel
    }

    /// Drops delivered messages from the failed list and sorts it by message id, the
    /// order in which the job and bulk retries visit messages.
    fn compact_failed(&mut self) {
        let messages = &self.messages;
        self.failed
            .retain(|&m| messages[m as usize].status != Status::Delivered);
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
        let contact_suppressed = self.is_suppressed(send.contact, now);
        let m = self.messages[message as usize];
        let errors = self.spec.errors;
        let candidate = Candidate {
            // A message cancelled by a suppression stays cancelled even after the
            // suppression lapses.
            contact_suppressed: contact_suppressed || m.status == Status::Suppressed,
            is_last_message: self.contacts[send.contact as usize].last_message == message,
            last_error: match m.status {
                Status::Unborn | Status::Delivered | Status::Skipped => None,
                _ => m.last_error.map(|code| errors.class(code)),
            },
            ready_at: m.last_error.map_or(m.last_fail_at, |code| {
                m.last_fail_at.plus(errors.info(code).wait)
            }),
            auto_attempts: u32::from(m.auto_attempts),
            within_period: m.status != Status::Expired && self.within_period(now, message),
        };
        eligibility::check(&candidate, now, checks)
    }
}
