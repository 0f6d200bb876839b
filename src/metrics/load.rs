//! Load over time, for worlds with receiver capacity or sender limits: per minute and
//! domain, how many attempts were made, accepted and throttled and how many had to wait
//! in the sender's queue (`load.csv`), and the run's totals (the load columns of
//! `summary.csv`).
//!
//! The run calls the recorder in time order, so one minute is finished as soon as a
//! later one begins: the recorder keeps the counts of the current minute only and
//! appends the non-zero ones to its rows, which therefore come out sorted by (minute,
//! domain) without any sorting or map.

use crate::metrics::Value;
use crate::time::Instant;

/// The load columns of `summary.csv`, in order, after every other metric; present only
/// when the world has receiver capacity or sender limits.
pub const LOAD_COLUMNS: [&str; 6] = [
    "peak_attempts_per_min",
    "throttled",
    "throttling_ended_s",
    "queue_wait_p50_s",
    "queue_wait_p90_s",
    "queue_wait_p99_s",
];

/// One row of `load.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadRow {
    /// Minutes since the run's start.
    pub minute: u32,
    /// Index into [`LoadRecorder::domains`].
    pub domain: u16,
    /// Attempts made.
    pub attempts: u32,
    /// Attempts the receiver let through (they may still fail for the contact's sake).
    pub accepted: u32,
    /// Attempts that found the receiver's bucket empty.
    pub throttled: u32,
    /// Attempts that came due but had to wait in the sender's queue.
    pub queued: u32,
}

/// The run's load totals: the load columns of `summary.csv`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadMetrics {
    /// Attempts throttled by a receiver.
    pub throttled: u64,
    /// The most attempts made in one minute, over all domains.
    pub peak_per_minute: u64,
    /// Seconds from the run's start to the minute after the last throttled attempt: when
    /// the backlog cleared (`None` when nothing was throttled).
    pub throttling_ended_s: Option<u64>,
    /// Seconds every sender-limited attempt waited in the queue, sorted ascending.
    pub wait_sorted: Vec<u32>,
}

impl LoadMetrics {
    /// The values of [`LOAD_COLUMNS`], in order.
    pub fn values(&self) -> [Value; 6] {
        let wait = |q| {
            self.wait_quantile(q)
                .map_or(Value::Missing, |s| Value::Count(u64::from(s)))
        };
        [
            Value::Count(self.peak_per_minute),
            Value::Count(self.throttled),
            self.throttling_ended_s.map_or(Value::Missing, Value::Count),
            wait(0.5),
            wait(0.9),
            wait(0.99),
        ]
    }

    /// The nearest-rank `q`-quantile of queue waits, if any attempt was limited.
    pub fn wait_quantile(&self, q: f64) -> Option<u32> {
        let n = self.wait_sorted.len();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        Some(self.wait_sorted[rank - 1])
    }
}

/// What happened to one attempt, as far as load goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadEvent {
    /// An attempt the receiver let through.
    Accepted,
    /// An attempt the receiver throttled.
    Throttled,
    /// An attempt that had to wait in the sender's queue.
    Queued,
}

/// Counts load minute by minute during a run.
#[derive(Debug, Clone)]
pub struct LoadRecorder {
    /// Domain names of the rows; the last is every other domain.
    pub domains: Vec<String>,
    start: Instant,
    minute: u32,
    minute_total: u64,
    current: Vec<[u32; 4]>,
    /// Finished rows, in (minute, domain) order.
    pub rows: Vec<LoadRow>,
    /// Totals so far.
    pub metrics: LoadMetrics,
}

impl LoadRecorder {
    /// A recorder for a run starting at `start`; `domains` ends with the name that
    /// stands for every other domain.
    pub fn new(start: Instant, domains: Vec<String>) -> Self {
        LoadRecorder {
            current: vec![[0; 4]; domains.len()],
            domains,
            start,
            minute: 0,
            minute_total: 0,
            rows: Vec::new(),
            metrics: LoadMetrics::default(),
        }
    }

    /// Records one event at `now` (never earlier than the previous one).
    pub fn record(&mut self, now: Instant, domain: u16, event: LoadEvent) {
        let minute = (now.since(self.start).0.max(0) / 60).min(i64::from(u32::MAX)) as u32;
        if minute != self.minute {
            self.flush();
            self.minute = minute;
        }
        let c = &mut self.current[usize::from(domain)];
        match event {
            LoadEvent::Accepted => {
                c[0] += 1;
                c[1] += 1;
                self.minute_total += 1;
            }
            LoadEvent::Throttled => {
                c[0] += 1;
                c[2] += 1;
                self.minute_total += 1;
                self.metrics.throttled += 1;
                self.metrics.throttling_ended_s = Some((u64::from(minute) + 1) * 60);
            }
            LoadEvent::Queued => c[3] += 1,
        }
    }

    /// Records how long one sender-limited attempt waited.
    pub fn record_wait(&mut self, secs: i64) {
        self.metrics
            .wait_sorted
            .push(secs.clamp(0, i64::from(u32::MAX)) as u32);
    }

    fn flush(&mut self) {
        for (d, c) in self.current.iter_mut().enumerate() {
            if *c != [0; 4] {
                self.rows.push(LoadRow {
                    minute: self.minute,
                    domain: d as u16,
                    attempts: c[0],
                    accepted: c[1],
                    throttled: c[2],
                    queued: c[3],
                });
                *c = [0; 4];
            }
        }
        self.metrics.peak_per_minute = self.metrics.peak_per_minute.max(self.minute_total);
        self.minute_total = 0;
    }

    /// Closes the last minute and sorts the waits.
    pub fn finish(mut self) -> (LoadMetrics, Vec<LoadRow>, Vec<String>) {
        self.flush();
        self.metrics.wait_sorted.sort_unstable();
        (self.metrics, self.rows, self.domains)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_out_per_minute_and_domain_with_the_overall_peak() {
        let mut r = LoadRecorder::new(Instant(0), vec!["a".into(), "other".into()]);
        r.record(Instant(5), 1, LoadEvent::Accepted);
        r.record(Instant(10), 0, LoadEvent::Throttled);
        r.record(Instant(10), 0, LoadEvent::Queued);
        r.record(Instant(59), 0, LoadEvent::Accepted);
        r.record(Instant(130), 0, LoadEvent::Accepted);
        r.record_wait(30);
        r.record_wait(0);
        let (m, rows, _) = r.finish();
        assert_eq!(
            rows,
            vec![
                LoadRow {
                    minute: 0,
                    domain: 0,
                    attempts: 2,
                    accepted: 1,
                    throttled: 1,
                    queued: 1
                },
                LoadRow {
                    minute: 0,
                    domain: 1,
                    attempts: 1,
                    accepted: 1,
                    throttled: 0,
                    queued: 0
                },
                LoadRow {
                    minute: 2,
                    domain: 0,
                    attempts: 1,
                    accepted: 1,
                    throttled: 0,
                    queued: 0
                },
            ]
        );
        assert_eq!(m.peak_per_minute, 3);
        assert_eq!(m.throttled, 1);
        assert_eq!(m.throttling_ended_s, Some(60));
        assert_eq!(m.wait_sorted, vec![0, 30]);
        assert_eq!(m.wait_quantile(0.5), Some(0));
        assert_eq!(m.wait_quantile(0.99), Some(30));
    }
}
