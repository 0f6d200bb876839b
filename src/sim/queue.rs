//! The sender's active queue during a run: an attempt of any kind (a send, a backoff
//! retry, the automatic job's or an operator's retry) that finds no free slot under the
//! sender's limits waits here, and a release event serves the queue in its order (due
//! time, then message id) as slots free up. When its turn comes the attempt is made,
//! unless the message moved on, its contact was suppressed or its period ended.

use super::sender::Waiting;
use super::state::Status;
use super::{Event, Simulation, rank};
use crate::engine::EventQueue;
use crate::metrics::Trigger;
use crate::metrics::load::LoadEvent;
use crate::time::Instant;
use crate::workload::MessageId;

impl Simulation<'_> {
    /// The sender's side of attempt number `attempt` of `message`, due at `now`: true
    /// when it must wait in the queue (it is queued, and a release is scheduled).
    pub(super) fn defer(
        &mut self,
        now: Instant,
        message: MessageId,
        attempt: u32,
        queue: &mut EventQueue<Event>,
    ) -> bool {
        let trigger = if attempt == 1 {
            Trigger::Initial
        } else {
            Trigger::Backoff
        };
        self.defer_as(now, message, (attempt, trigger, None), queue)
    }

    /// The sender's side of a retry by the automatic job or an operator, due at `now`:
    /// true when it waits in the queue like any other attempt. While it waits the
    /// message counts as having a retry pending, so that the retry period ending does
    /// not close it before its turn (the release then checks the period itself).
    pub(super) fn defer_retry(
        &mut self,
        now: Instant,
        message: MessageId,
        trigger: Trigger,
        note: Option<u32>,
        queue: &mut EventQueue<Event>,
    ) -> bool {
        let attempt = self.messages[message as usize].attempts + 1;
        if !self.defer_as(now, message, (attempt, trigger, note), queue) {
            return false;
        }
        let m = &mut self.messages[message as usize];
        // A release at this very instant may already have made the attempt.
        if m.attempts + 1 == attempt && m.status() == Status::Failed {
            m.set_status(Status::Retrying);
        }
        true
    }

    fn defer_as(
        &mut self,
        now: Instant,
        message: MessageId,
        (attempt, trigger, note): (u32, Trigger, Option<u32>),
        queue: &mut EventQueue<Event>,
    ) -> bool {
        let contact = self.spec.workload.sends[message as usize].contact();
        let Some(load) = self.load.as_mut() else {
            return false;
        };
        let domain = load.domain(contact);
        let Some(sender) = load.sender.as_mut() else {
            return false;
        };
        if sender.admit(now, domain) {
            load.recorder.record_wait(0);
            return false;
        }
        let waiting = Waiting {
            due: now,
            message,
            attempt,
            trigger,
            note,
        };
        sender.push(domain, waiting);
        let m = &mut self.messages[message as usize];
        if m.attempts == 0 {
            m.set_status(Status::Retrying);
        }
        // Others wait already: serve the queue now, in order; this attempt may be among
        // those that go.
        if !self.serve(now, Some(waiting), queue) {
            if let Some(load) = self.load.as_mut() {
                load.recorder.record(now, domain, LoadEvent::Queued);
            }
        }
        self.schedule_release(now, queue);
        true
    }

    fn schedule_release(&mut self, now: Instant, queue: &mut EventQueue<Event>) {
        let Some(sender) = self.load.as_mut().and_then(|l| l.sender.as_mut()) else {
            return;
        };
        if sender.tick_pending {
            return;
        }
        if let Some(at) = sender.next_release(now) {
            sender.tick_pending = true;
            queue.schedule(at, rank::RELEASE, Event::Release);
        }
    }

    /// A scheduled release: the queue is served.
    pub(super) fn release(&mut self, now: Instant, queue: &mut EventQueue<Event>) {
        if let Some(sender) = self.load.as_mut().and_then(|l| l.sender.as_mut()) {
            sender.tick_pending = false;
        }
        self.serve(now, None, queue);
        self.schedule_release(now, queue);
    }

    /// Every waiting attempt that has a slot at `now` goes, in queue order; true when
    /// `watch` was among them.
    fn serve(
        &mut self,
        now: Instant,
        watch: Option<Waiting>,
        queue: &mut EventQueue<Event>,
    ) -> bool {
        let mut seen = false;
        loop {
            let Some(load) = self.load.as_mut() else {
                return seen;
            };
            let Some(w) = load.sender.as_mut().and_then(|s| s.pop_ready(now)) else {
                return seen;
            };
            load.recorder.record_wait(now.since(w.due).0);
            seen |= Some(w) == watch;
            self.launch(now, w, queue);
        }
    }

    /// Makes a released attempt, unless the message moved on while it waited.
    fn launch(&mut self, now: Instant, w: Waiting, queue: &mut EventQueue<Event>) {
        let message = w.message;
        let contact = self.spec.workload.sends[message as usize].contact();
        let m = self.messages[message as usize];
        if w.attempt == 1 {
            if m.attempts != 0 || m.status() != Status::Retrying {
                if m.attempts == 0 && m.status() == Status::Suppressed {
                    self.messages[message as usize].set_status(Status::Skipped);
                }
                return;
            }
            if self.is_suppressed(contact, now) {
                self.messages[message as usize].set_status(Status::Skipped);
                return;
            }
            self.attempt(now, message, Trigger::Initial, None, queue);
            return;
        }
        let open = m.status() == Status::Retrying || m.status() == Status::Failed;
        if !open || m.attempts + 1 != w.attempt {
            return;
        }
        if self.is_suppressed(contact, now) {
            self.messages[message as usize].set_status(Status::Suppressed);
        } else if !self.within_period(now, message) {
            self.messages[message as usize].set_status(Status::Expired);
        } else {
            self.attempt(now, message, w.trigger, w.note, queue);
        }
    }
}
