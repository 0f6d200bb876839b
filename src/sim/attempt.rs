//! Attempts and what follows them: delivery and the counter reset (E5), soft bounces and
//! the threshold (E1–E4), scheduled retries within the retry period (E6, E7), hard
//! bounces and opt-outs (E8, S9), and suppression with its cancellations (E3, E9).

use super::state::{NO_MESSAGE, Status};
use super::{Event, Simulation, rank};
use crate::engine::EventQueue;
use crate::metrics::{AttemptRecord, NoteRef, SuppressionReason, SuppressionRecord, Trigger};
use crate::rules::backoff::{RetryInput, within_period};
use crate::rules::errors::{ErrorClass, ErrorCode};
use crate::rules::policy::Policy;
use crate::time::{Instant, Span};
use crate::workload::{Channel, ContactId, MessageId, SendRecord};

impl<'a> Simulation<'a> {
    fn send(&self, message: MessageId) -> SendRecord {
        self.spec.workload.sends[message as usize]
    }

    /// The settings of a message: its contact's domain's for email, else its channel's.
    fn policy(&self, message: MessageId) -> &'a Policy {
        let send = self.send(message);
        let policies = self.spec.policies;
        match self.contact_domain.get(send.contact() as usize) {
            Some(&d) if d > 0 && send.channel() == Channel::Email => {
                &policies.domains[usize::from(d) - 1].email
            }
            _ => policies.of(send.channel()),
        }
    }

    /// A send enters the queue: it becomes its contact's latest message and is attempted
    /// at once, unless the contact is suppressed (E3, E9).
    pub(super) fn create(
        &mut self,
        now: Instant,
        message: MessageId,
        queue: &mut EventQueue<Event>,
    ) {
        let contact = self.send(message).contact();
        self.prefetch_ahead(message);
        if message % super::first::ahead::PUBLISH_EVERY == 0 {
            // Lets a first-outcome ring filled beside the run reuse the slots behind it.
            if let Some(t) = self.spec.first {
                t.passed(message);
            }
        }
        self.out.metrics.counters.messages += 1;
        let c = &mut self.contacts[contact as usize];
        self.messages[message as usize].prev_same_contact = c.last_message;
        c.last_message = message;
        if self.is_suppressed(contact, now) {
            self.messages[message as usize].set_status(Status::Skipped);
            if self
                .ground_truth(message, self.send(message), now)
                .error
                .is_none()
            {
                self.out.metrics.counters.lost_deliveries += 1;
            }
            return;
        }
        if self.defer(now, message, 1, queue) {
            return;
        }
        self.attempt(now, message, Trigger::Initial, None, queue);
    }

    /// Asks for the state of contacts a few sends ahead, which the run will need soon:
    /// first the contact's state and where its failure windows start, then, once that
    /// has arrived, the windows themselves. Reading the window offset any earlier would
    /// make this hint wait for memory itself.
    fn prefetch_ahead(&self, message: MessageId) {
        let sends = &self.spec.workload.sends;
        let failures = &self.spec.workload.failures;
        // With a first-outcome table the send's first attempt reads the table, not the
        // windows, so fetching them would only spend memory bandwidth (a ring filled
        // beside the run may not have reached that send yet; then they are fetched).
        let far_index = message as usize + super::LOOKAHEAD;
        let windows_needed = !self.spec.first.is_some_and(|t| t.is_ready(far_index));
        if let Some(far) = sends.get(far_index) {
            crate::prefetch::hint(&self.contacts[far.contact() as usize]);
            if windows_needed {
                failures.prefetch_offsets(far.contact());
            }
        }
        if let Some(near) = sends.get(message as usize + super::LOOKAHEAD / 2) {
            if windows_needed {
                failures.prefetch_windows(near.contact());
            }
        }
    }

    /// E9, with the optional suppression TTL: a suppression that has run out is lifted
    /// here, and the contact starts again with a clean counter.
    pub(super) fn is_suppressed(&mut self, contact: ContactId, now: Instant) -> bool {
        let c = &mut self.contacts[contact as usize];
        if !c.suppressed {
            return false;
        }
        if now < c.suppressed_until {
            return true;
        }
        c.suppressed = false;
        c.counter.reset();
        false
    }

    /// A scheduled retry comes due; it is void if the message moved on since.
    pub(super) fn scheduled_retry(
        &mut self,
        now: Instant,
        message: MessageId,
        attempt: u32,
        queue: &mut EventQueue<Event>,
    ) {
        let m = self.messages[message as usize];
        if m.status() != Status::Retrying || m.attempts + 1 != attempt {
            return;
        }
        let contact = self.send(message).contact();
        if self.is_suppressed(contact, now) {
            self.messages[message as usize].set_status(Status::Suppressed);
            return;
        }
        if self.defer(now, message, attempt, queue) {
            return;
        }
        self.attempt(now, message, Trigger::Backoff, None, queue);
    }

    /// The retry period of a message waiting for the job or an operator ends (E6).
    pub(super) fn period_end(&mut self, message: MessageId) {
        let m = &mut self.messages[message as usize];
        if m.status() == Status::Failed {
            m.set_status(Status::Expired);
        }
    }

    /// Makes one attempt. The caller has checked that the contact is not suppressed.
    pub(super) fn attempt(
        &mut self,
        now: Instant,
        message: MessageId,
        trigger: Trigger,
        note: Option<u32>,
        queue: &mut EventQueue<Event>,
    ) {
        let send = self.send(message);
        let cost = self.policy(message).cost_per_attempt;
        let m = &mut self.messages[message as usize];
        m.attempts = m.attempts.saturating_add(1);
        if trigger == Trigger::Auto {
            m.count_auto_attempt();
        }
        let attempt = m.attempts;
        let counters = &mut self.out.metrics.counters;
        counters.attempts += 1;
        counters.cost_total += cost;
        let super::first::Outcome { error, dead } = self.ground_truth(message, send, now);
        let (error, counts) = self.receiver_outcome(now, send.contact(), error);
        let counters = &mut self.out.metrics.counters;
        if dead {
            counters.attempts_to_dead += 1;
        }
        let counted = match error {
            None => {
                self.apply_delivery(now, message, attempt);
                false
            }
            Some(code) => self.apply_failure(now, message, code, counts, queue),
        };
        if self.spec.trace {
            self.out.attempts.push(AttemptRecord {
                message,
                contact: send.contact(),
                attempt,
                at: now,
                trigger,
                error,
                note: NoteRef::new(note),
                counted,
                counter: self.contacts[send.contact() as usize].counter.count,
            });
        }
    }

    /// E5: a delivery resets the contact's counter (with `counter_reset = "after_retry"`
    /// only a delivery on attempt 2 or later).
    fn apply_delivery(&mut self, now: Instant, message: MessageId, attempt: u32) {
        let send = self.send(message);
        self.messages[message as usize].set_status(Status::Delivered);
        if self.policy(message).counter_reset.resets_on(attempt) {
            self.contacts[send.contact() as usize].counter.reset();
        }
        let counters = &mut self.out.metrics.counters;
        if attempt == 1 {
            counters.first_attempt_delivered += 1;
        } else {
            counters.recovered_by_retry += 1;
        }
        let ttd = now.since(send.created()).0.clamp(0, i64::from(u32::MAX));
        self.ttd.push(ttd as u32);
    }

    /// Applies a failed attempt; returns whether it counted toward the threshold (E4).
    /// `counts` is false for a throttled attempt that does not count toward it.
    fn apply_failure(
        &mut self,
        now: Instant,
        message: MessageId,
        code: ErrorCode,
        counts: bool,
        queue: &mut EventQueue<Event>,
    ) -> bool {
        let send = self.send(message);
        let m = &mut self.messages[message as usize];
        if m.last_error().is_none() {
            self.failed.push(message);
        }
        m.record_failure(code, send.created(), now);
        m.set_status(Status::Failed);
        let policy = self.policy(message);
        let (hard_suppresses, opt_out_suppresses) =
            (policy.hard_bounce_suppresses, policy.opt_out_suppresses);
        match self.spec.errors.class(code) {
            ErrorClass::Hard => {
                self.messages[message as usize].set_status(Status::HardBounced);
                if hard_suppresses {
                    self.suppress(now, send.contact(), SuppressionReason::HardBounce, code);
                }
            }
            ErrorClass::OptOut => {
                self.messages[message as usize].set_status(Status::OptedOut);
                if opt_out_suppresses {
                    self.suppress(now, send.contact(), SuppressionReason::OptOut, code);
                }
            }
            ErrorClass::BusinessFinal => {
                self.messages[message as usize].set_status(Status::Rejected)
            }
            ErrorClass::Soft => {
                let (counted, reached) = if counts {
                    self.count_soft_bounce(now, message)
                } else {
                    (false, false)
                };
                if reached {
                    self.suppress(
                        now,
                        send.contact(),
                        SuppressionReason::SoftBounceThreshold,
                        code,
                    );
                } else {
                    self.schedule_retry(now, message, queue);
                }
                return counted;
            }
            ErrorClass::BusinessRetryable => self.schedule_retry(now, message, queue),
        }
        false
    }

    /// E1–E4: records a soft bounce of `message`; returns whether it counted and whether
    /// the contact's counter has reached the threshold.
    fn count_soft_bounce(&mut self, now: Instant, message: MessageId) -> (bool, bool) {
        let send = self.send(message);
        let policy = self.policy(message);
        let m = &mut self.messages[message as usize];
        let bounced_before = m.mark_soft_bounced();
        let Some(threshold) = policy.soft_bounce_threshold else {
            return (false, false);
        };
        let gap = policy.cross_delivery_gap;
        let counter = &mut self.contacts[send.contact() as usize].counter;
        let counted = counter.record(now, bounced_before, gap);
        (counted, counted && counter.reached(threshold))
    }

    /// E6, E7: schedules the next attempt if it falls inside the retry period; without
    /// a schedule the message waits for the job or an operator until its period ends.
    fn schedule_retry(&mut self, now: Instant, message: MessageId, queue: &mut EventQueue<Event>) {
        let send = self.send(message);
        let policy = self.policy(message);
        let period = policy.retry_period.of(send.kind());
        let m = self.messages[message as usize];
        let unit = match policy.backoff.jitter {
            crate::rules::backoff::Jitter::None => 0.0,
            _ => self.jitter.unit(u64::from(message), u64::from(m.attempts)),
        };
        let retry = RetryInput {
            created: send.created(),
            now,
            failed_attempt: m.attempts,
            previous: m.last_delay(),
            unit,
            floor: policy.min_delay,
        };
        let Some(next) = policy.backoff.next_retry(retry) else {
            if m.attempts == 1 {
                if let Some(p) = period {
                    queue.schedule(
                        send.created().plus(p),
                        rank::PERIOD_END,
                        Event::PeriodEnd { message },
                    );
                }
            }
            return;
        };
        let attempts_left = policy.max_attempts.is_none_or(|max| m.attempts < max);
        let m = &mut self.messages[message as usize];
        if attempts_left && within_period(send.created(), period, next) {
            m.set_status(Status::Retrying);
            m.last_delay_secs = u32::try_from(next.since(now).0).unwrap_or(u32::MAX);
            queue.schedule(
                next,
                rank::RETRY,
                Event::Retry {
                    message,
                    attempt: m.attempts + 1,
                },
            );
        } else {
            m.set_status(Status::Expired);
        }
    }

    /// E3, E8, S9: puts the contact on the suppression list and cancels every open
    /// failure of its messages; those end as `suppressed`. `code` is the failure that
    /// caused it, whose reason and class pick the release delay (E9).
    fn suppress(
        &mut self,
        now: Instant,
        contact: ContactId,
        reason: SuppressionReason,
        code: ErrorCode,
    ) {
        let policy_ttl: Option<Span> = {
            let last = self.contacts[contact as usize].last_message;
            let policy = self.policy(last);
            let info = self.spec.errors.info(code);
            policy
                .release_after
                .after(&info.reason, info.class, policy.suppression_ttl)
        };
        let c = &mut self.contacts[contact as usize];
        c.suppressed = true;
        c.suppressed_until = policy_ttl.map_or(Instant::NEVER, |ttl| now.plus(ttl));
        c.ever_suppressed = true;
        let record = SuppressionRecord {
            contact,
            at: now,
            reason,
            counter: c.counter.count,
            released_at: (c.suppressed_until < self.spec.end).then_some(c.suppressed_until),
        };
        self.out.suppressions.push(record);
        let failures = &self.spec.workload.failures;
        if reason == SuppressionReason::SoftBounceThreshold
            && failures
                .next_available_after(contact, now)
                .is_some_and(|t| t < self.spec.end)
        {
            self.out.metrics.counters.false_suppressions += 1;
        }
        let mut next = self.contacts[contact as usize].last_message;
        while next != NO_MESSAGE {
            let m = &mut self.messages[next as usize];
            if m.status().is_open_failure() {
                m.set_status(Status::Suppressed);
            }
            next = m.prev_same_contact;
        }
    }

    /// Whether a message may be attempted at `now` under E6.
    pub(super) fn within_period(&self, now: Instant, message: MessageId) -> bool {
        let send = self.send(message);
        within_period(
            send.created(),
            self.policy(message).retry_period.of(send.kind()),
            now,
        )
    }
}
