//! One simulated run: the rules of `crate::rules` applied, in engine order, to a
//! workload's sends, failures and operator actions.
//!
//! The run is a [`Process`] for `crate::engine`: sends arrive from the time-sorted
//! stream, and the run schedules its own events (scheduled retries, retry-period ends,
//! automatic job runs, operator actions, releases of the sender's queue). Same-instant
//! events are handled in this order of rank: scheduled retries, new sends, retry-period
//! ends, automatic jobs, operator actions, releases; within a rank, in the order they
//! were scheduled (`rank` says why).

mod attempt;
mod buffers;
mod capacity;
mod census;
pub mod first;
mod queue;
mod retry;
mod sender;
pub mod state;
mod tally;

use crate::engine::{self, EventQueue, Process};
use crate::kinds::PerChannel;
use crate::metrics::{AttemptRecord, LoadRow, OperatorRecord, RunMetrics, SuppressionRecord};
use crate::random::{IndexedDraws, Purpose};
use crate::rules::domains::{DomainPolicy, domain_slot};
use crate::rules::errors::ErrorTable;
use crate::rules::policy::ChannelPolicies;
use crate::time::{Instant, LocalReading, Zone};
use crate::workload::capacity::BoundLimits;
use crate::workload::{Channel, MessageId, Names, Workload};
use state::{ContactState, MessageState, Status};

/// Everything one run needs.
#[derive(Debug, Clone, Copy)]
pub struct RunSpec<'a> {
    /// Sends, failures and actions.
    pub workload: &'a Workload,
    /// Classification of every code in the workload.
    pub errors: &'a ErrorTable,
    /// The settings of each channel.
    pub policies: &'a ChannelPolicies,
    /// First instant of the run.
    pub start: Instant,
    /// First instant after the run (start + horizon).
    pub end: Instant,
    /// Time zone of the automatic job.
    pub zone: Zone,
    /// Scenario seed.
    pub seed: u64,
    /// Replication number (selects the jitter streams).
    pub replication: u32,
    /// Record every attempt, and every message an operator action or automatic job run
    /// visited (without it, a selection's results are kept as counts per reason).
    pub trace: bool,
    /// Receiver capacity and sender limits; `None` for an unlimited world.
    pub limits: Option<&'a BoundLimits>,
    /// Every send's outcome at its creation instant, computed once per world when
    /// several runs share it (a sweep), or a ring of them filled beside the run
    /// (`first::ahead`); `None` to ask the failure model every time. It must have been
    /// built from this `workload` and `end`.
    pub first: Option<&'a first::FirstOutcomes>,
}

/// What a run produced.
#[derive(Debug, Clone, Default)]
pub struct RunOutput {
    /// Counters and quantiles.
    pub metrics: RunMetrics,
    /// Every addition to the suppression list, in time order.
    pub suppressions: Vec<SuppressionRecord>,
    /// Every attempt in time order, when traced.
    pub attempts: Vec<AttemptRecord>,
    /// Every operator and automatic-job retry result, in time order: one row per
    /// message when traced, else one per message an action named and one per result and
    /// reason of each selection.
    pub operator: Vec<OperatorRecord>,
    /// Load per minute and domain (`load.csv`), when the world has limits.
    pub load: Vec<LoadRow>,
    /// The domain names of [`RunOutput::load`] rows.
    pub load_domains: Vec<String>,
}

/// An event the run schedules for itself. Small and `Copy`.
#[derive(Debug, Clone, Copy)]
enum Event {
    /// Make scheduled attempt number `attempt` of a message, unless something else
    /// happened to the message since it was scheduled.
    Retry { message: MessageId, attempt: u32 },
    /// The retry period of a waiting message ends.
    PeriodEnd { message: MessageId },
    /// The automatic job of a channel runs.
    AutoJob { channel: Channel },
    /// Operator action number `index` of the workload.
    Operator { index: u32 },
    /// The sender's queue is served.
    Release,
}

/// The ranks of same-instant events, lowest first; the engine runs equal instants by
/// rank, then in scheduling order.
///
/// Do not renumber or reorder these without expecting every golden and snapshot output
/// to change: times are whole seconds and jobs, campaigns and operator actions fall on
/// round local times, so ties are common and their order decides results. A scheduled
/// retry goes before new sends, so a send in the same second sees what the retry did to
/// its contact (a counter step, a suppression). A period end comes after both and before
/// the job and the operator, so those find the message already expired at its period's
/// last instant. The job goes before the operator, whose bulk retry then sees the job's
/// attempts. The sender's queue is served last, once every attempt of that second has
/// joined it.
mod rank {
    pub const RETRY: u8 = 0;
    pub const ARRIVAL: u8 = 1;
    pub const PERIOD_END: u8 = 2;
    pub const AUTO_JOB: u8 = 3;
    pub const OPERATOR: u8 = 4;
    pub const RELEASE: u8 = 5;
}

/// Runs one replication of one policy over a workload.
pub fn simulate(spec: &RunSpec<'_>) -> RunOutput {
    let mut sim = Simulation::new(spec);
    let mut queue = EventQueue::new();
    sim.schedule_first_jobs(&mut queue);
    for (index, action) in spec.workload.actions.iter().enumerate() {
        if action.at >= spec.start {
            queue.schedule(
                action.at,
                rank::OPERATOR,
                Event::Operator {
                    index: index as u32,
                },
            );
        }
    }
    let arrivals = spec
        .workload
        .sends
        .iter()
        .enumerate()
        .filter(|(_, s)| s.created() >= spec.start)
        .map(|(i, s)| (s.created(), i as MessageId));
    engine::run(&mut sim, arrivals, &mut queue, spec.end);
    sim.finish()
}

/// Frees the state vectors this thread keeps for its next run (see `buffers`): for
/// callers that build a new world before each run, so that its generation does not peak
/// on top of the previous run's vectors.
pub fn release_buffers() {
    buffers::Buffers::release();
}

/// How many sends ahead of the current one the run asks the CPU to fetch a contact's
/// state: far enough for the memory load to finish before the send arrives.
const LOOKAHEAD: usize = 16;

/// For each contact, 1 + the index of the first domain policy naming its domain, or 0
/// when none does. Empty when there are no domain policies, so that a run without them
/// pays nothing. The rule itself is [`crate::rules::domains::domain_slot`]; the loop
/// over the workload's names is here because `rules` may not import `workload`.
fn contact_domains(contacts: &Names, domains: &[DomainPolicy]) -> Vec<u16> {
    if domains.is_empty() {
        return Vec::new();
    }
    let mut name = String::new();
    (0..contacts.len() as u32)
        .map(|id| domain_slot(contacts.write(id, &mut name), domains))
        .collect()
}

/// The state of one run.
struct Simulation<'a> {
    spec: &'a RunSpec<'a>,
    messages: Vec<MessageState>,
    contacts: Vec<ContactState>,
    /// Messages that have failed at least once and were not delivered since, for the
    /// automatic job and bulk retries; compacted and sorted by id before each use.
    ///
    /// Finished failures (expired, hard-bounced, suppressed, out of attempts) stay in the
    /// list on purpose: a bulk retry (S4) reports every failed message it refuses, with
    /// its reason, so dropping them here would change `operator.csv` and the refusal
    /// counts. Only a delivery removes a message (`compact_failed`); each
    /// message is pushed once, on its first failure.
    failed: Vec<MessageId>,
    jitter: IndexedDraws,
    /// The local reading of each channel's next automatic job run (S5).
    job_readings: PerChannel<LocalReading>,
    out: RunOutput,
    ttd: crate::metrics::DeliveryTimes,
    /// Per contact, 1 + the index of its domain's policy, or 0; empty without
    /// `[policy.domains]` (see `crate::rules::domains`).
    contact_domain: Vec<u16>,
    /// Capacity, sender limits and load, when the world has limits.
    load: Option<capacity::LoadControl<'a>>,
}

impl<'a> Simulation<'a> {
    fn new(spec: &'a RunSpec<'a>) -> Self {
        let w = spec.workload;
        let contacts = w.contact_count().max(w.failures.contacts());
        let buffers = buffers::Buffers::take(w.sends.len(), contacts);
        Simulation {
            spec,
            messages: buffers.messages,
            contacts: buffers.contacts,
            failed: buffers.failed,
            jitter: IndexedDraws::new(spec.seed, spec.replication, Purpose::Jitter),
            job_readings: PerChannel::default(),
            out: RunOutput::default(),
            ttd: Default::default(),
            contact_domain: contact_domains(&w.contacts, &spec.policies.domains),
            load: spec
                .limits
                .map(|l| capacity::LoadControl::new(l, spec.start)),
        }
    }

    /// Counts every created message by its final state.
    fn finish(mut self) -> RunOutput {
        let c = &mut self.out.metrics.counters;
        let (by_status, contacts) = census::count(&self.messages, &self.contacts);
        c.contacts = contacts.reached;
        c.suppressed_contacts = contacts.ever_suppressed;
        let n = |status| census::of(&by_status, status);
        c.pending += n(Status::Retrying);
        c.failed += n(Status::Failed) + n(Status::Rejected);
        c.delivered += n(Status::Delivered);
        c.expired += n(Status::Expired);
        c.hard_bounced += n(Status::HardBounced);
        c.opted_out += n(Status::OptedOut);
        c.suppressed_messages += n(Status::Suppressed);
        c.skipped_suppressed += n(Status::Skipped);
        self.ttd.finish();
        self.out.metrics.ttd = self.ttd;
        if let Some(load) = self.load.take() {
            let (metrics, rows, domains) = load.finish();
            self.out.metrics.load = Some(metrics);
            (self.out.load, self.out.load_domains) = (rows, domains);
        }
        debug_assert!(self.out.metrics.is_conserved());
        buffers::Buffers {
            messages: self.messages,
            contacts: self.contacts,
            failed: self.failed,
        }
        .give_back();
        self.out
    }
}

impl Process for Simulation<'_> {
    type Event = Event;
    type Arrival = MessageId;
    const ARRIVAL_RANK: u8 = rank::ARRIVAL;

    fn arrive(&mut self, now: Instant, message: MessageId, queue: &mut EventQueue<Event>) {
        self.create(now, message, queue);
    }

    fn handle(&mut self, now: Instant, event: Event, queue: &mut EventQueue<Event>) {
        match event {
            Event::Retry { message, attempt } => self.scheduled_retry(now, message, attempt, queue),
            Event::PeriodEnd { message } => self.period_end(message),
            Event::AutoJob { channel } => self.auto_job(now, channel, queue),
            Event::Operator { index } => self.operator_action(now, index as usize, queue),
            Event::Release => self.release(now, queue),
        }
    }
}
