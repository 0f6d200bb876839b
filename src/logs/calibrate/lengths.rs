//! The flaky episode length's median and spread, fitted by maximum likelihood to the
//! runs that ended in a delivery, each conditioned on having ended within the watch the
//! old policy gave it.
//!
//! Why only the ended runs: a run that never ended is a dead mailbox or a long episode,
//! and a log cannot tell which. Fitting both at once let long episodes stand in for the
//! dead (a true 3 h median came out near 5.5 h on our own exports). An ended run, on the
//! other hand, is always a flaky episode; what biases the ended runs is only that the
//! long ones were cut off, by the policy giving up (suppression) or by the log's end.
//! Dividing each run's chance by the chance that an episode met at its start would have
//! ended within that watch removes the bias, and the dead never enter.
//!
//! The watch is read from the log: the median time the policy kept failing a run before
//! it stopped writing to the contact (runs that stopped a day or more before the log's
//! end), capped for each run by the time left until the log's end.

use super::episodes::{Run, Z_EDGE, expect_from, hit, z_of};

/// Half the 95% chi-square(1) quantile: a profile likelihood interval keeps the values
/// whose log-likelihood is within this of the maximum.
pub const HALF_CHI2: f64 = 1.920_729;

/// A run counts as given up on when its last failure is this long before the log's end.
const STOPPED_BEFORE_END: f64 = 86_400.0;

/// The spreads the fit considers: narrower than 0.1 or wider than 3 is not a lognormal
/// a mail log can tell apart from its neighbours.
const SIGMA_RANGE: (f64, f64) = (0.1, 3.0);

/// Medians from a minute to 60 days, in ln seconds.
const MU_RANGE: (f64, f64) = (4.094_345, 15.460_252);

/// One point of the likelihood surface.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// ln of the median, seconds.
    pub mu: f64,
    /// Lognormal spread.
    pub sigma: f64,
    /// Conditional log-likelihood of the ended runs.
    pub ll: f64,
}

/// The fit: the best cell, each parameter's 95% profile interval, and the plausible
/// cells along the median's profile, for estimates that lean on the lengths and should
/// carry their uncertainty.
#[derive(Debug, Clone, PartialEq)]
pub struct LengthFit {
    /// The maximum (at the kept spread when the spread is kept).
    pub top: Cell,
    /// ln median: best, low, high.
    pub mu: (f64, f64, f64),
    /// Spread: the value used, and its profile interval over the whole surface.
    pub sigma: (f64, f64, f64),
    /// The spread's profile interval held the default, so the default was kept and the
    /// median fitted at it.
    pub sigma_kept: bool,
    /// The best cell for each plausible median, in grid order.
    pub ridge: Vec<Cell>,
    /// The policy's watch, seconds (infinite when no run was given up on).
    pub watch: f64,
}

/// The median time the old policy kept failing a run before it stopped writing to the
/// contact; infinite when no run was given up on before the log's end.
pub fn policy_watch(runs: &[Run], log_end: f64) -> f64 {
    let mut stopped: Vec<f64> = runs
        .iter()
        .filter(|r| !r.ended && log_end - (r.start as f64 + r.lo) >= STOPPED_BEFORE_END)
        .map(|r| r.lo)
        .collect();
    if stopped.is_empty() {
        return f64::INFINITY;
    }
    stopped.sort_by(f64::total_cmp);
    stopped[stopped.len() / 2]
}

/// One ended run's log-likelihood: the chance that the episode's remainder after the
/// first attempt in it lies in [lo, hi], over the chance that it was met at all and
/// ended within the run's watch. The watch is at least `lo`, which the run itself shows.
fn run_ll(r: &Run, mu: f64, sigma: f64, watch: f64, log_end: f64) -> f64 {
    let c = watch.min(log_end - r.start as f64).max(r.lo);
    let hi = r.hi.min(c);
    let shown = expect_from(mu, sigma, z_of(r.lo, mu, sigma), z_of(hi, mu, sigma), |l| {
        hit(r.rate, l - r.lo) - hit(r.rate, l - hi)
    });
    let could = expect_from(mu, sigma, -Z_EDGE, z_of(c, mu, sigma), |l| {
        hit(r.rate, l) - hit(r.rate, l - c)
    });
    // Lengths that put no mass within the watch (within the integration range) cannot
    // have made this run: the smallest log-likelihood, not the 0/0 of two underflows.
    if could <= 1e-300 {
        return FLOOR;
    }
    (shown.max(1e-300) / could).min(1.0).ln()
}

/// ln(1e-300): the log-likelihood of a run the lengths could not have made.
const FLOOR: f64 = -690.775_527_898_213_7;

fn cell(ended: &[&Run], mu: f64, sigma: f64, watch: f64, log_end: f64) -> Cell {
    let ll = ended
        .iter()
        .map(|r| run_ll(r, mu, sigma, watch, log_end))
        .sum();
    Cell { mu, sigma, ll }
}

/// `from`, `from + step`, ... up to `to` (inclusive, within rounding).
pub fn steps(from: f64, to: f64, step: f64) -> Vec<f64> {
    let n = ((to - from) / step + 1e-9).floor().max(0.0) as usize;
    (0..=n).map(|i| from + i as f64 * step).collect()
}

fn grid(ended: &[&Run], mus: &[f64], sigmas: &[f64], watch: f64, log_end: f64) -> Vec<Cell> {
    mus.iter()
        .flat_map(|&mu| sigmas.iter().map(move |&s| (mu, s)))
        .map(|(mu, s)| cell(ended, mu, s, watch, log_end))
        .collect()
}

fn best(cells: &[Cell]) -> Cell {
    *cells
        .iter()
        .max_by(|a, b| a.ll.total_cmp(&b.ll))
        .expect("a non-empty grid")
}

/// Fits median and spread; `None` when no run ended.
///
/// The spread is tested before it is fitted: a few dozen runs hardly tell a spread of
/// 0.7 from 2, and a free spread trades off against the median (a wide spread with a
/// short median fits as well as the truth), which widens every estimate that leans on
/// the lengths. So when the spread's 95% profile interval holds `default_sigma`, the
/// default is kept and the median fitted at it; otherwise both are fitted, and the
/// median's interval is its profile over the spread.
pub fn fit(runs: &[Run], log_end: f64, default_sigma: f64) -> Option<LengthFit> {
    let ended: Vec<&Run> = runs.iter().filter(|r| r.ended).collect();
    if ended.is_empty() {
        return None;
    }
    let watch = policy_watch(runs, log_end);
    let surface = grid(
        &ended,
        &steps(MU_RANGE.0, MU_RANGE.1, 0.25),
        &steps(SIGMA_RANGE.0, SIGMA_RANGE.1, 0.1),
        watch,
        log_end,
    );
    let (_, s_lo, s_hi) = profile(&surface, |c| c.sigma);
    let sigma_kept = s_lo - 1e-9 <= default_sigma && default_sigma <= s_hi + 1e-9;
    let sigmas = if sigma_kept {
        vec![default_sigma]
    } else {
        steps(s_lo, s_hi, 0.1)
    };
    let fine = grid(
        &ended,
        &steps(MU_RANGE.0, MU_RANGE.1, 0.05),
        &sigmas,
        watch,
        log_end,
    );
    let top = best(&fine);
    let inside: Vec<&Cell> = fine.iter().filter(|c| c.ll >= top.ll - HALF_CHI2).collect();
    Some(LengthFit {
        top,
        mu: profile(&fine, |c| c.mu),
        sigma: (top.sigma, s_lo, s_hi),
        sigma_kept,
        ridge: ridge(&inside),
        watch,
    })
}

/// The best value of one coordinate and its 95% profile interval: the range of that
/// coordinate over the cells within [`HALF_CHI2`] of the maximum.
fn profile(cells: &[Cell], f: fn(&Cell) -> f64) -> (f64, f64, f64) {
    let top = best(cells);
    let inside = cells.iter().filter(|c| c.ll >= top.ll - HALF_CHI2);
    let (lo, hi) = inside.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| {
        (lo.min(f(c)), hi.max(f(c)))
    });
    (f(&top), lo, hi)
}

/// The best cell for each median among the plausible cells.
fn ridge(inside: &[&Cell]) -> Vec<Cell> {
    let key = |x: f64| (x * 1000.0).round() as i64;
    let mut best: std::collections::BTreeMap<i64, Cell> = Default::default();
    for c in inside {
        let e = best.entry(key(c.mu)).or_insert(**c);
        if c.ll > e.ll {
            *e = **c;
        }
    }
    best.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ended(lo: f64, hi: f64, rate: f64, start: i64) -> Run {
        Run {
            lo,
            hi,
            ended: true,
            rate,
            start,
        }
    }

    fn unended(lo: f64, start: i64) -> Run {
        Run {
            lo,
            hi: f64::INFINITY,
            ended: false,
            rate: 1.0,
            start,
        }
    }

    #[test]
    fn the_watch_is_the_median_of_the_runs_given_up_on_well_before_the_end() {
        let end = 1_000_000.0;
        let runs = [
            unended(60_000.0, 0),
            unended(64_000.0, 100_000),
            unended(70_000.0, 200_000),
            // Cut by the log's end, not given up on: its last failure is 1,000 s before.
            unended(10_000.0, 989_000),
            ended(5_000.0, 6_000.0, 1e-5, 0),
        ];
        assert_eq!(policy_watch(&runs, end), 64_000.0);
        assert_eq!(policy_watch(&runs[3..], end), f64::INFINITY);
    }

    /// Episodes of e^(8 + 0.5k) s, k = −2..2, seen exactly (lo ≈ hi) by contacts written
    /// to so often that every episode is met at once: their spread is
    /// 0.5 × sqrt(2) = 0.707. A default spread of 0.7 is kept and the median found
    /// within a grid step; a default of 2 is rejected and 0.7 fitted instead.
    #[test]
    fn exact_lengths_give_their_own_median_and_spread() {
        let runs: Vec<Run> = (0..200)
            .map(|i| {
                let len = (8.0 + 0.5 * ((i % 5) as f64 - 2.0)).exp();
                ended(len * 0.999, len * 1.001, 1.0, 0)
            })
            .collect();
        let f = fit(&runs, 1e9, 0.7).unwrap();
        assert!(f.sigma_kept, "{f:?}");
        assert!((f.mu.0 - 8.0).abs() <= 0.05, "{f:?}");
        assert!(f.mu.1 <= 8.0 && 8.0 <= f.mu.2, "{f:?}");
        // Within a grid step (0.1) of the sample's own spread.
        assert!(f.sigma.1 <= 0.75 && 0.65 <= f.sigma.2, "{f:?}");
        assert!(f.watch.is_infinite());
        let wide = fit(&runs, 1e9, 2.0).unwrap();
        assert!(!wide.sigma_kept, "{wide:?}");
        assert!((wide.sigma.0 - 0.7).abs() <= 0.1 + 1e-9, "{wide:?}");
        assert!((wide.mu.0 - 8.0).abs() <= 0.05, "{wide:?}");
    }

    /// The same kind of episodes, but the policy gave up after e^8 s: only the shorter
    /// half ended, the rest were given up on. Conditioning each ended run on the watch
    /// still finds the median e^8 (the ended runs alone have a median of e^7.5).
    #[test]
    fn runs_cut_off_by_the_watch_do_not_pull_the_median_down() {
        let cut = 8f64.exp();
        let runs: Vec<Run> = (0..450)
            .map(|i| {
                let len = (8.0 + 0.25 * ((i % 9) as f64 - 4.0)).exp();
                if len <= cut * 1.0001 {
                    ended(len * 0.999, len * 1.001, 1.0, 0)
                } else {
                    unended(cut, 0)
                }
            })
            .collect();
        // Their spread is 0.25 × sqrt(60 / 9) = 0.645.
        let f = fit(&runs, 1e9, 0.645).unwrap();
        assert!((f.watch - cut).abs() < 1e-6, "{f:?}");
        assert!(f.mu.1 <= 8.0 && 8.0 <= f.mu.2, "{f:?}");
    }
}
