//! Flaky episodes and dead mailboxes: the runs of persistent failures the log shows,
//! each run's lognormal likelihood with the censoring the old policy caused written
//! into it, and the share of the runs that never ended which are dead. The lengths
//! themselves are fitted to the ended runs in [`super::lengths`].
//!
//! A run starts at a persistent failure and ends at the contact's next delivery. The
//! sender's first attempt that met the episode came some time s after it began; from
//! there the run was watched:
//!
//! - a run that ended in a delivery: ℓ − s lies between the time from its first to its
//!   last failure (`lo`) and the time from its first failure to the delivery (`hi`);
//! - a run that never ended (the log stops, or the contact was suppressed, or it then
//!   hard-bounced or opted out): the episode outlasted the `lo` seconds it was watched,
//!   or the mailbox is dead. Where the channel's dead contacts fail with the persistent
//!   code (email), a share `w` of such runs is dead, fitted with the lengths.
//!
//! With the sender's first attempts to the contact at rate r, the first one falls in an
//! episode s after it began with density r e^(−r s), and an episode is seen at all with
//! chance 1 − e^(−r ℓ). Each run's likelihood is the chance of what it shows given that
//! it was seen: long episodes are seen more often, and this removes that bias.

use super::history::{History, Kind};
use super::lengths::HALF_CHI2;
use super::stats::phi;

/// One run of persistent failures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Run {
    /// Seconds from the first to the last failure: the least the episode lasted.
    pub lo: f64,
    /// Seconds from the first failure to the delivery that ended it (infinite when the
    /// run never ended).
    pub hi: f64,
    /// It ended in a delivery.
    pub ended: bool,
    /// The contact's first attempts per second over the log.
    pub rate: f64,
    /// When it started.
    pub start: i64,
}

/// The runs of one contact.
pub fn runs(h: &History, span: f64) -> Vec<Run> {
    let firsts = h.seen.iter().filter(|s| s.first).count() as f64;
    let rate = firsts / span.max(1.0);
    let mut out = Vec::new();
    let mut open: Option<(i64, i64)> = None;
    for s in &h.seen {
        match s.kind {
            Kind::Delivered => {
                if let Some((start, last)) = open.take() {
                    out.push(Run {
                        lo: (last - start) as f64,
                        hi: (s.at - start) as f64,
                        ended: true,
                        rate,
                        start,
                    });
                }
            }
            Kind::Persistent => match &mut open {
                Some((_, last)) => *last = s.at,
                None => open = Some((s.at, s.at)),
            },
            Kind::Hard | Kind::OptOut => {
                if let Some((start, last)) = open.take() {
                    out.push(unended(start, last, rate));
                }
            }
            Kind::Greylist | Kind::Other => {}
        }
    }
    if let Some((start, last)) = open {
        out.push(unended(start, last, rate));
    }
    out
}

fn unended(start: i64, last: i64, rate: f64) -> Run {
    Run {
        lo: (last - start) as f64,
        hi: f64::INFINITY,
        ended: false,
        rate,
        start,
    }
}

/// The fitted episode length and dead share of runs.
#[derive(Debug, Clone, PartialEq)]
pub struct EpisodeFit {
    /// ln of the median episode length in seconds, with its 95% profile interval.
    pub mu: (f64, f64, f64),
    /// The lognormal spread used, with its 95% profile interval.
    pub sigma: (f64, f64, f64),
    /// The profile interval held the default spread, which was kept.
    pub sigma_kept: bool,
    /// Share of the runs that never ended which are dead mailboxes, with its interval.
    pub dead_share: (f64, f64, f64),
    /// The (μ, σ, dead share) triples along the median's profile, so estimates
    /// that lean on the fit can carry its uncertainty.
    pub plausible: Vec<(f64, f64, f64)>,
    /// Runs that ended in a delivery.
    pub ended: usize,
    /// Runs that never ended.
    pub unended: usize,
    /// How long the old policy kept failing a run before it gave up, seconds (infinite
    /// when no run was given up on).
    pub watch: f64,
}

/// The lognormal is integrated over z in [−Z_EDGE, Z_EDGE].
pub(super) const Z_EDGE: f64 = 6.0;
const NODES: usize = 32;

/// ∫ φ(z) g(e^{μ+σz}) dz over [a, b] by the midpoint rule: an expectation over the
/// episode length ℓ restricted to a range.
fn expect(mu: f64, sigma: f64, a: f64, b: f64, g: &impl Fn(f64) -> f64) -> f64 {
    let (a, b) = (a.max(-Z_EDGE), b.min(Z_EDGE));
    if a >= b {
        return 0.0;
    }
    let step = (b - a) / NODES as f64;
    (0..NODES)
        .map(|i| {
            let z = a + (i as f64 + 0.5) * step;
            phi(z) * g((mu + sigma * z).exp())
        })
        .sum::<f64>()
        * step
}

/// The same from `a` to the end, in two pieces split at `knee` (where the integrand
/// bends), so a narrow range near `a` is not lost between nodes.
pub(super) fn expect_from(mu: f64, sigma: f64, a: f64, knee: f64, g: impl Fn(f64) -> f64) -> f64 {
    let knee = knee.max(a);
    expect(mu, sigma, a, knee, &g) + expect(mu, sigma, knee, Z_EDGE, &g)
}

pub(super) fn z_of(seconds: f64, mu: f64, sigma: f64) -> f64 {
    if seconds <= 0.0 {
        f64::NEG_INFINITY
    } else {
        (seconds.ln() - mu) / sigma
    }
}

/// 1 − e^(−r x) for x ≥ 0, else 0: the chance that a first attempt falls in a stretch
/// of length x.
pub(super) fn hit(rate: f64, x: f64) -> f64 {
    if x <= 0.0 { 0.0 } else { -(-rate * x).exp_m1() }
}

/// The chance that an episode of the fitted lengths is met by first attempts at `rate`.
pub fn seen_chance(rate: f64, mu: f64, sigma: f64) -> f64 {
    expect_from(mu, sigma, -Z_EDGE, mu, |l| hit(rate, l))
}

/// Each run's likelihood as a flaky episode, given that it was seen.
fn flaky_likelihoods(runs: &[Run], mu: f64, sigma: f64) -> Vec<f64> {
    runs.iter()
        .map(|r| {
            let seen = seen_chance(r.rate, mu, sigma);
            let from = z_of(r.lo, mu, sigma);
            let part = if r.ended {
                // s lies in [ℓ − hi, ℓ − lo] (and s ≥ 0).
                let knee = z_of(r.hi, mu, sigma);
                expect_from(mu, sigma, from, knee, |l| {
                    hit(r.rate, l - r.lo) - hit(r.rate, (l - r.hi).max(0.0))
                })
            } else {
                // s lies in [0, ℓ − lo]: the episode outlasted the watch.
                expect_from(mu, sigma, from, from + 1.0, |l| hit(r.rate, l - r.lo))
            };
            (part / seen.max(1e-300)).clamp(1e-300, 1.0)
        })
        .collect()
}

/// The log-likelihood for a dead share `w` of the runs that never ended.
fn loglik(runs: &[Run], flaky: &[f64], w: f64) -> f64 {
    runs.iter()
        .zip(flaky)
        .map(|(r, &a)| {
            if r.ended {
                ((1.0 - w) * a).max(1e-300).ln()
            } else {
                (w + (1.0 - w) * a).max(1e-300).ln()
            }
        })
        .sum()
}

/// The best dead share for fixed lengths: the log-likelihood is concave in `w`, so its
/// derivative is found by bisection.
fn best_w(runs: &[Run], flaky: &[f64], dead_possible: bool) -> f64 {
    if !dead_possible {
        return 0.0;
    }
    let slope = |w: f64| -> f64 {
        runs.iter()
            .zip(flaky)
            .map(|(r, &a)| {
                if r.ended {
                    -1.0 / (1.0 - w)
                } else {
                    (1.0 - a) / (w + (1.0 - w) * a)
                }
            })
            .sum()
    };
    let (mut lo, mut hi) = (0.0, 1.0 - 1e-9);
    if slope(lo) <= 0.0 {
        return 0.0;
    }
    if slope(hi) >= 0.0 {
        return hi;
    }
    for _ in 0..50 {
        let mid = 0.5 * (lo + hi);
        if slope(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// One cell of the likelihood surface.
#[derive(Debug, Clone, Copy)]
struct Cell {
    mu: f64,
    sigma: f64,
    w: f64,
    ll: f64,
}

fn cell(runs: &[Run], mu: f64, sigma: f64, dead_possible: bool) -> Cell {
    let flaky = flaky_likelihoods(runs, mu, sigma);
    let w = best_w(runs, &flaky, dead_possible);
    Cell {
        mu,
        sigma,
        w,
        ll: loglik(runs, &flaky, w),
    }
}

/// Fits the runs; `None` when no run ended in a delivery (then nothing bounds a
/// length). `log_end` is the log's last observation; `default_sigma` is the spread kept
/// unless the runs reject it.
///
/// The lengths come from the ended runs alone ([`super::lengths`]), so dead mailboxes
/// cannot pass for long episodes; the dead share of the runs that never ended is then
/// the mixture weight that best explains them at those lengths.
pub fn fit(
    runs: &[Run],
    dead_possible: bool,
    log_end: f64,
    default_sigma: f64,
) -> Option<EpisodeFit> {
    let lengths = super::lengths::fit(runs, log_end, default_sigma)?;
    let ended = runs.iter().filter(|r| r.ended).count();
    let top = cell(runs, lengths.top.mu, lengths.top.sigma, dead_possible);
    let plausible = lengths
        .ridge
        .iter()
        .map(|c| (c.mu, c.sigma, cell(runs, c.mu, c.sigma, dead_possible).w))
        .collect();
    Some(EpisodeFit {
        mu: lengths.mu,
        sigma: lengths.sigma,
        sigma_kept: lengths.sigma_kept,
        dead_share: dead_interval(runs, top, dead_possible),
        plausible,
        ended,
        unended: runs.len() - ended,
        watch: lengths.watch,
    })
}

/// The dead share's profile interval at the fitted lengths.
fn dead_interval(runs: &[Run], top: Cell, dead_possible: bool) -> (f64, f64, f64) {
    if !dead_possible {
        return (0.0, 0.0, 0.0);
    }
    let flaky = flaky_likelihoods(runs, top.mu, top.sigma);
    let ws = super::lengths::steps(0.0, 1.0, 0.001);
    let inside: Vec<f64> = ws
        .into_iter()
        .filter(|&w| loglik(runs, &flaky, w.min(1.0 - 1e-9)) >= top.ll - HALF_CHI2)
        .collect();
    let lo = inside.first().copied().unwrap_or(top.w);
    let hi = inside.last().copied().unwrap_or(top.w);
    (top.w, lo.min(top.w), hi.max(top.w))
}

/// The chance that a run that never ended, watched for `lo` seconds, is a dead mailbox.
pub fn dead_posterior(run: &Run, fit: &EpisodeFit) -> f64 {
    let (mu, sigma, w) = (fit.mu.0, fit.sigma.0, fit.dead_share.0);
    if run.ended || w <= 0.0 {
        return 0.0;
    }
    let a = flaky_likelihoods(std::slice::from_ref(run), mu, sigma)[0];
    w / (w + (1.0 - w) * a)
}

#[cfg(test)]
mod tests {
    use super::super::history::Seen;
    use super::*;
    use crate::workload::Channel;

    fn history(events: &[(i64, Kind, bool)]) -> History {
        History {
            channel: Channel::Email,
            domain: None,
            seen: events
                .iter()
                .map(|&(at, kind, first)| Seen {
                    at,
                    first,
                    kind,
                    code: 0,
                })
                .collect(),
        }
    }

    #[test]
    fn a_run_is_bounded_by_its_failures_and_the_deliveries_around_it() {
        use Kind::*;
        // Delivered at 0; failures at 100, 400, 1000; delivered at 2000; then a failure at
        // 5000 the log never sees end.
        let h = history(&[
            (0, Delivered, true),
            (100, Persistent, true),
            (400, Persistent, false),
            (1000, Persistent, false),
            (2000, Delivered, false),
            (5000, Persistent, true),
            (5300, Persistent, false),
        ]);
        let r = runs(&h, 10_000.0);
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].lo, r[0].hi, r[0].ended), (900.0, 1900.0, true));
        assert_eq!((r[1].lo, r[1].ended), (300.0, false));
        assert!(r[1].hi.is_infinite());
        assert!((r[0].rate - 3.0 / 10_000.0).abs() < 1e-12);
    }

    #[test]
    fn exact_lengths_give_their_own_median() {
        // Episodes seen exactly (lo = hi) of e^8 s each, from contacts written to so often
        // that every episode is seen: the fit's median is e^8 within a grid step.
        let runs: Vec<Run> = (0..200)
            .map(|i| {
                let len = (8.0 + 0.5 * ((i % 5) as f64 - 2.0)).exp();
                Run {
                    lo: len * 0.999,
                    hi: len * 1.001,
                    ended: true,
                    rate: 1.0,
                    start: 0,
                }
            })
            .collect();
        let f = fit(&runs, false, 1e9, 0.7).unwrap();
        assert!((f.mu.0 - 8.0).abs() <= 0.05, "{f:?}");
        assert!(f.mu.1 <= 8.0 && 8.0 <= f.mu.2, "{f:?}");
        assert_eq!(f.dead_share, (0.0, 0.0, 0.0));
    }
}
