//! Failures that depend on how hard the run pushes: receiver token buckets per domain
//! (or carrier), and the load they produce. The sender's limits are in `sender`, and
//! how attempts wait for them in `queue`.
//!
//! A bucket holds whole attempts in units of 1/3600, so that a rate of r attempts per
//! hour refills exactly r units per second and every comparison is integer arithmetic:
//! the same run always throttles the same attempts. Every attempt to a limited domain
//! takes one attempt's worth from the bucket; an attempt that finds less fails with the
//! domain's throttling code, whatever the contact's own state, because the receiver
//! refuses before it looks at the recipient.

use super::Simulation;
use super::sender::Sender;
use crate::metrics::LoadRow;
use crate::metrics::load::{LoadEvent, LoadRecorder};
use crate::rules::errors::ErrorCode;
use crate::time::Instant;
use crate::time::Zone;
use crate::workload::capacity::BoundLimits;

/// One attempt's worth of bucket units.
const UNIT: i64 = 3600;

/// A receiver's token bucket.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bucket {
    level: i64,
    at: Instant,
}

impl Bucket {
    /// A full bucket at `at`.
    pub fn full(burst: u32, at: Instant) -> Self {
        Bucket {
            level: i64::from(burst) * UNIT,
            at,
        }
    }

    /// Refills up to `now` at the hour-of-day rates (UTC), then takes one attempt if
    /// the bucket holds one.
    #[cfg(test)]
    pub fn take(&mut self, now: Instant, hourly_rate: &[u32; 24], burst: u32) -> bool {
        self.take_in(now, hourly_rate, burst, None)
    }

    /// Refills up to `now` at the rates of the local hours of `zone` (UTC when `None`),
    /// then takes one attempt if the bucket holds one. Hours are walked one by one only
    /// while the bucket is not full, so a long quiet gap costs at most a day of steps.
    pub fn take_in(
        &mut self,
        now: Instant,
        hourly_rate: &[u32; 24],
        burst: u32,
        zone: Option<Zone>,
    ) -> bool {
        let cap = i64::from(burst) * UNIT;
        while self.at < now && self.level < cap {
            let t = self.at.0;
            let offset = zone.map_or(0, |z| z.utc_offset(self.at));
            let local = t + offset;
            let hour = local.rem_euclid(86_400) / 3600;
            // The segment ends at the next local hour, or the next UTC hour, whichever
            // comes first: offsets change only on UTC hours in practice, so the offset
            // read at the segment's start holds through it.
            let utc_hour_end = t - t.rem_euclid(3600) + 3600;
            let local_hour_end = local - local.rem_euclid(3600) + 3600 - offset;
            let segment_end = utc_hour_end.min(local_hour_end).min(now.0);
            let added = i64::from(hourly_rate[hour as usize]) * (segment_end - t);
            self.level = (self.level + added).min(cap);
            self.at = Instant(segment_end);
        }
        self.at = self.at.max(now);
        if self.level >= UNIT {
            self.level -= UNIT;
            true
        } else {
            false
        }
    }
}

/// The capacity state of one run.
#[derive(Debug)]
pub(super) struct LoadControl<'a> {
    bound: &'a BoundLimits,
    buckets: Vec<Bucket>,
    /// The sender's limits and queue (`queue.rs` serves it); `None` without limits.
    pub(super) sender: Option<Sender>,
    /// The per-minute load and the waits.
    pub(super) recorder: LoadRecorder,
}

impl<'a> LoadControl<'a> {
    /// Full buckets and an empty queue at `start`.
    pub fn new(bound: &'a BoundLimits, start: Instant) -> Self {
        let limits = &bound.limits;
        let buckets = limits
            .capacity
            .iter()
            .map(|c| Bucket::full(c.burst, start))
            .collect();
        let mut names = bound.domains.clone();
        names.push("other".into());
        let sender = (!limits.sender.is_empty()).then(|| {
            let domain_limit = names
                .iter()
                .map(|d| {
                    limits
                        .sender
                        .domain_per_minute
                        .iter()
                        .find(|(n, _)| n == d)
                        .map(|(_, n)| *n)
                })
                .collect();
            Sender::new(start, &limits.sender, domain_limit)
        });
        LoadControl {
            bound,
            buckets,
            sender,
            recorder: LoadRecorder::new(start, names),
        }
    }

    /// The tracked-domain index of `contact` (its domain, or its carrier for a number).
    pub(super) fn domain(&self, contact: u32) -> u16 {
        self.bound
            .contact_domain
            .get(contact as usize)
            .copied()
            .unwrap_or(self.bound.domains.len() as u16)
    }

    /// The receiver's verdict on an attempt to `contact` at `now`: `Some(code)` when it
    /// throttles, with whether that failure counts toward the soft-bounce threshold.
    fn throttle(&mut self, now: Instant, contact: u32) -> Option<(ErrorCode, bool)> {
        let d = self.domain(contact);
        let verdict = self
            .bound
            .limits
            .capacity
            .get(usize::from(d))
            .and_then(|c| {
                let ok = self.buckets[usize::from(d)].take_in(now, &c.hourly_rate, c.burst, c.zone);
                (!ok).then(|| {
                    (
                        self.bound.codes[usize::from(d)],
                        self.bound.counts[usize::from(d)],
                    )
                })
            });
        let event = match verdict {
            Some(_) => LoadEvent::Throttled,
            None => LoadEvent::Accepted,
        };
        self.recorder.record(now, d, event);
        verdict
    }

    /// Closes the recorder: the load totals, rows and domain names.
    pub fn finish(self) -> (crate::metrics::LoadMetrics, Vec<LoadRow>, Vec<String>) {
        self.recorder.finish()
    }
}

impl Simulation<'_> {
    /// The receiver's side of an attempt whose ground truth is `error`: the error the
    /// attempt returns, and whether a soft one counts toward the threshold.
    pub(super) fn receiver_outcome(
        &mut self,
        now: Instant,
        contact: u32,
        error: Option<ErrorCode>,
    ) -> (Option<ErrorCode>, bool) {
        let Some(load) = self.load.as_mut() else {
            return (error, true);
        };
        match load.throttle(now, contact) {
            Some((code, counts)) => (Some(code), counts),
            None => (error, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_of_two_per_hour_refills_one_attempt_every_half_hour() {
        let rate = [2; 24];
        let mut b = Bucket::full(2, Instant(0));
        assert!(b.take(Instant(0), &rate, 2));
        assert!(b.take(Instant(0), &rate, 2));
        assert!(!b.take(Instant(0), &rate, 2));
        assert!(!b.take(Instant(1799), &rate, 2));
        assert!(b.take(Instant(1800), &rate, 2));
        assert!(!b.take(Instant(1800), &rate, 2));
    }

    #[test]
    fn a_profile_in_a_zone_follows_the_local_hours() {
        // Only local hour 9 refills (one a second). In Paris in January (UTC+1) that is
        // 08:00-09:00 UTC; at +05:30 it is 03:30-04:30 UTC.
        let mut rate = [0; 24];
        rate[9] = 3600;
        let paris = Zone::parse("Europe/Paris").ok();
        let mut b = Bucket::full(1, Instant(0));
        assert!(b.take_in(Instant(0), &rate, 1, paris));
        assert!(!b.take_in(Instant(8 * 3600 - 1), &rate, 1, paris));
        assert!(b.take_in(Instant(8 * 3600 + 1), &rate, 1, paris));
        let india = Zone::parse("+05:30").ok();
        let mut b = Bucket::full(1, Instant(0));
        assert!(b.take_in(Instant(0), &rate, 1, india));
        assert!(!b.take_in(Instant(3 * 3600 + 1799), &rate, 1, india));
        assert!(b.take_in(Instant(3 * 3600 + 1801), &rate, 1, india));
    }

    #[test]
    fn the_profile_changes_the_refill_at_the_hour() {
        let mut rate = [0; 24];
        rate[1] = 3600;
        let mut b = Bucket::full(1, Instant(0));
        assert!(b.take(Instant(0), &rate, 1));
        assert!(!b.take(Instant(3599), &rate, 1), "hour 0 refills nothing");
        assert!(
            b.take(Instant(3601), &rate, 1),
            "hour 1 refills one per second"
        );
    }
}
