//! The shares of the latent contact types of one channel (healthy, flaky, dead,
//! invalid, opt-out) and greylisting, by moment matching: each type's count of contacts
//! that showed it, divided by how many would have shown it if every contact were of
//! that type. That expected count (the exposure) is where the censoring goes: a contact
//! whose observations stop early (suppressed, or simply written to rarely) had less
//! chance to show a death, an opt-out or an episode.
//!
//! Timing follows the synthetic world: a dead contact dies at a uniform moment of
//! [start − horizon, end), an opt-out at a uniform moment of [start, end).

use super::episodes::{self, EpisodeFit, Run};
use super::history::{History, Kind};
use super::stats::{Rate, Share};

/// The log's frame: the calibrated scenario's start and horizon, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// Start.
    pub start: f64,
    /// Horizon.
    pub horizon: f64,
    /// The log's last observation: where runs still open were cut off.
    pub last: f64,
}

/// The defaults the fit keeps because a log does not identify them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kept {
    /// Median flaky gap, seconds.
    pub gap_median: f64,
    /// Lognormal spread, kept unless the episodes reject it.
    pub sigma: f64,
}

/// One channel's fitted mix.
#[derive(Debug, Clone, PartialEq)]
pub struct Mix {
    /// Contacts observed.
    pub contacts: u64,
    /// Share that hard-bounced at first (invalid; SMS corrected for the dead).
    pub invalid: Fitted,
    /// Dead.
    pub dead: Fitted,
    /// Opt-out.
    pub opt_out: Fitted,
    /// Flaky (None when no episode ended, so lengths are unknown).
    pub flaky: Option<Fitted>,
    /// The remainder.
    pub healthy: Fitted,
    /// Greylisted first messages (email).
    pub greylisting: Option<Share>,
    /// Greylisting delay bounds (median lower, median upper bound, sample).
    pub greylisting_delay: Option<(i64, i64, usize)>,
    /// Episode lengths.
    pub episodes: Option<EpisodeFit>,
}

/// A value, its 95% interval, and what it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// The estimate.
    pub value: f64,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
    /// A sentence on the sample: "12 of 900 contacts ...".
    pub basis: String,
}

/// What one contact shows, reduced to the facts the estimators need.
struct Facts {
    first_at: f64,
    /// When its natural observation would have ended: the log's end when the contact
    /// stopped being attempted after a failure (it was probably suppressed).
    natural_end: f64,
    hard_first: bool,
    died_hard: bool,
    opted: bool,
    runs: Vec<Run>,
    /// First attempts per second over the log.
    rate: f64,
}

fn facts(h: &History, frame: Frame, end: f64) -> Facts {
    let first = h.seen.first().expect("a history is never empty");
    let last = h.seen.last().expect("a history is never empty");
    let stopped = last.kind != Kind::Delivered;
    let runs = episodes::runs(h, end - frame.start);
    Facts {
        first_at: first.at as f64,
        natural_end: if stopped { end } else { last.at as f64 },
        hard_first: first.kind == Kind::Hard,
        died_hard: h.seen.iter().skip(1).any(|s| s.kind == Kind::Hard),
        opted: h.seen.iter().any(|s| s.kind == Kind::OptOut),
        runs,
        rate: h.seen.iter().filter(|s| s.first).count() as f64 / frame.horizon,
    }
}

fn clamp01(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}

fn fitted(value: f64, (lo, hi): (f64, f64), basis: String) -> Fitted {
    Fitted {
        value: clamp01(value),
        lo: clamp01(lo.min(value)),
        hi: clamp01(hi.max(value)),
        basis,
    }
}

/// Fits one channel. `dead_is_hard` says whether the channel's dead contacts fail with a
/// hard code (SMS) or with the persistent soft code (email); `kept` holds the flaky gap,
/// which the fit does not identify and keeps, and the default spread.
pub fn fit(histories: &[&History], frame: Frame, dead_is_hard: bool, kept: Kept) -> Mix {
    let end = frame.start + frame.horizon;
    let all: Vec<Facts> = histories.iter().map(|h| facts(h, frame, end)).collect();
    let n = all.len() as u64;
    let runs: Vec<Run> = all.iter().flat_map(|f| f.runs.iter().copied()).collect();
    let episodes = episodes::fit(&runs, !dead_is_hard, frame.last, kept.sigma);
    let (invalid, dead) = if dead_is_hard {
        hard_dead(&all, frame)
    } else {
        soft_dead(&all, frame, episodes.as_ref())
    };
    let opt_out = opt_out(&all, frame);
    let flaky = episodes
        .as_ref()
        .map(|e| flaky(&all, e, kept.gap_median, dead_is_hard));
    let others = [Some(&invalid), Some(&dead), Some(&opt_out), flaky.as_ref()];
    let sum = |f: fn(&Fitted) -> f64| others.iter().flatten().map(|x| f(x)).sum::<f64>();
    let healthy = fitted(
        1.0 - sum(|x| x.value),
        (1.0 - sum(|x| x.hi), 1.0 - sum(|x| x.lo)),
        "the remainder; its interval adds the others' bounds".into(),
    );
    let (greylisting, greylisting_delay) = if dead_is_hard {
        (None, None)
    } else {
        greylisting(histories)
    };
    Mix {
        contacts: n,
        invalid,
        dead,
        opt_out,
        flaky,
        healthy,
        greylisting,
        greylisting_delay,
        episodes,
    }
}

/// Email: an invalid address fails hard from before the first send, and nothing else
/// does, so the share of contacts whose first attempt hard-bounced is not censored.
/// Dead mailboxes fail softly: they are the runs that never ended, weighted by the
/// chance that each is dead rather than a long episode still running.
fn soft_dead(all: &[Facts], frame: Frame, e: Option<&EpisodeFit>) -> (Fitted, Fitted) {
    let k = all.iter().filter(|f| f.hard_first).count() as u64;
    let share = Share {
        k,
        n: all.len() as u64,
    };
    let invalid = fitted(
        share.estimate(),
        share.interval(),
        format!("{k} of {} contacts' first attempt hard-bounced", share.n),
    );
    let exposure: f64 = all
        .iter()
        .map(|f| clamp01((f.natural_end - (frame.start - frame.horizon)) / (2.0 * frame.horizon)))
        .sum();
    let posterior_sum = |mu: f64, sigma: f64, w: f64| -> f64 {
        let Some(e) = e else {
            return 0.0;
        };
        let at = EpisodeFit {
            mu: (mu, mu, mu),
            sigma: (sigma, sigma, sigma),
            dead_share: (w, w, w),
            plausible: Vec::new(),
            ..*e
        };
        all.iter()
            .filter_map(|f| f.runs.last().filter(|r| !r.ended && !f.hard_first))
            .map(|r| episodes::dead_posterior(r, &at))
            .sum()
    };
    let Some(e) = e else {
        // No episode ended: every run that never ended counts as dead (an upper bound).
        let count = all
            .iter()
            .filter(|f| f.runs.last().is_some_and(|r| !r.ended))
            .count() as f64;
        let rate = Rate { count, exposure };
        return (
            invalid,
            fitted(
                rate.estimate(),
                (0.0, rate.interval().1),
                format!("at most {count} contacts whose persistent failure never ended"),
            ),
        );
    };
    let (mu, sigma) = (e.mu.0, e.sigma.0);
    let count = posterior_sum(mu, sigma, e.dead_share.0);
    // The count's range over the dead share's interval at the fitted lengths, and over
    // every length the episode fit finds plausible (at its own best dead share).
    let mut counts = vec![
        posterior_sum(mu, sigma, e.dead_share.1),
        posterior_sum(mu, sigma, e.dead_share.2),
    ];
    counts.extend(
        e.plausible
            .iter()
            .map(|&(mu, sigma, w)| posterior_sum(mu, sigma, w)),
    );
    let least = counts.iter().copied().fold(count, f64::min);
    let most = counts.iter().copied().fold(count, f64::max);
    let low = Rate {
        count: least,
        exposure,
    };
    let high = Rate {
        count: most,
        exposure,
    };
    let dead = fitted(
        count / exposure.max(1e-9),
        (low.interval().0, high.interval().1),
        format!(
            "{count:.1} expected dead among {} contacts whose persistent failure never ended, over an exposure of {exposure:.1} contacts",
            e.unended
        ),
    );
    (invalid, dead)
}

/// SMS: a dead number fails hard, like an invalid one. Deaths between a contact's first
/// and last attempt are seen as a hard failure after something else; those fit the dead
/// share, which then removes from the first-attempt hard bounces the numbers that died
/// before their first message.
fn hard_dead(all: &[Facts], frame: Frame) -> (Fitted, Fitted) {
    let two_h = 2.0 * frame.horizon;
    let later: Vec<&Facts> = all.iter().filter(|f| !f.hard_first).collect();
    let died = later.iter().filter(|f| f.died_hard).count() as f64;
    let exposure: f64 = later
        .iter()
        .map(|f| clamp01((f.natural_end - f.first_at) / two_h))
        .sum();
    let rate = Rate {
        count: died,
        exposure,
    };
    let (d_lo, d_hi) = rate.interval();
    let dead = fitted(
        rate.estimate(),
        (d_lo, d_hi),
        format!(
            "{died} of {} numbers failed hard after an earlier attempt, over an exposure of {exposure:.1}",
            later.len()
        ),
    );
    let n = all.len() as f64;
    let before: f64 = all
        .iter()
        .map(|f| clamp01((f.first_at - (frame.start - frame.horizon)) / two_h))
        .sum::<f64>()
        / n;
    let k = all.iter().filter(|f| f.hard_first).count() as u64;
    let share = Share {
        k,
        n: all.len() as u64,
    };
    let (s_lo, s_hi) = share.interval();
    let invalid = fitted(
        share.estimate() - dead.value * before,
        (s_lo - d_hi * before, s_hi - d_lo * before),
        format!(
            "{k} of {} first attempts hard-bounced, less the dead share times {before:.3} (numbers dead before their first message)",
            share.n
        ),
    );
    (invalid, dead)
}

/// An opt-out happens at a uniform moment of the run: a contact watched until `t` shows
/// it with chance (t − start) / horizon.
fn opt_out(all: &[Facts], frame: Frame) -> Fitted {
    let count = all.iter().filter(|f| f.opted).count() as f64;
    let exposure: f64 = all
        .iter()
        .map(|f| clamp01((f.natural_end - frame.start) / frame.horizon))
        .sum();
    let rate = Rate { count, exposure };
    fitted(
        rate.estimate(),
        rate.interval(),
        format!("{count} contacts opted out, over an exposure of {exposure:.1}"),
    )
}

/// The chance that a flaky contact watched for `watched` seconds and written to at
/// `rate` shows an episode: it may be in one at its first send (the share of time in
/// episodes, `duty`), and episodes begin once per `cycle` on average, each met with
/// chance `seen`.
fn chance_seen(watched: f64, duty: f64, cycle: f64, seen: f64) -> f64 {
    1.0 - (1.0 - duty) * (-(watched / cycle) * seen).exp()
}

/// Flaky contacts are those with an episode that ended, plus the chance that each run
/// that never ended is a long episode rather than a death; divided by the chance each
/// contact had to show an episode at the fitted lengths.
fn flaky(all: &[Facts], e: &EpisodeFit, gap_median: f64, dead_is_hard: bool) -> Fitted {
    let count: f64 = all
        .iter()
        .filter(|f| !f.hard_first && !f.runs.is_empty())
        .map(|f| {
            if f.runs.iter().any(|r| r.ended) || dead_is_hard {
                1.0
            } else {
                1.0 - f
                    .runs
                    .last()
                    .map_or(0.0, |r| episodes::dead_posterior(r, e))
            }
        })
        .sum();
    let exposure = |mu: f64, sigma: f64| -> f64 {
        let episode = mu.exp();
        let duty = episode / (episode + gap_median);
        // Gaps and lengths share the spread, so mean = median × e^(σ²/2) for both.
        let cycle = (episode + gap_median) * (sigma * sigma / 2.0).exp();
        all.iter()
            .filter(|f| !f.hard_first)
            .map(|f| {
                let seen = episodes::seen_chance(f.rate, mu, sigma);
                chance_seen(f.natural_end - f.first_at, duty, cycle, seen)
            })
            .sum()
    };
    // Longer or wider episodes make each contact likelier to show one, so the share's
    // bounds come from the plausible lengths with the most and the least exposure.
    let mid = Rate {
        count,
        exposure: exposure(e.mu.0, e.sigma.0),
    };
    let exposures: Vec<f64> = e
        .plausible
        .iter()
        .map(|&(mu, sigma, _)| exposure(mu, sigma))
        .collect();
    let most = exposures.iter().copied().fold(mid.exposure, f64::max);
    let least = exposures.iter().copied().fold(mid.exposure, f64::min);
    let low = Rate {
        count,
        exposure: most,
    };
    let high = Rate {
        count,
        exposure: least,
    };
    fitted(
        mid.estimate(),
        (low.interval().0, high.interval().1),
        format!(
            "{count:.1} contacts showed an episode, over an exposure of {:.1} at the fitted lengths and the kept flaky_gap_median",
            mid.exposure
        ),
    )
}

/// The share of contacts whose first message met greylisting, among those whose first
/// attempt met no other failure (a greylisted contact that is also failing for another
/// reason shows that reason), and the delay's bounds: it ended after the last deferral
/// and no later than the first delivery.
fn greylisting(histories: &[&History]) -> (Option<Share>, Option<(i64, i64, usize)>) {
    let open: Vec<&&History> = histories
        .iter()
        .filter(|h| matches!(h.seen[0].kind, Kind::Greylist | Kind::Delivered))
        .collect();
    let k = open
        .iter()
        .filter(|h| h.seen[0].kind == Kind::Greylist)
        .count() as u64;
    let mut lows = Vec::new();
    let mut highs = Vec::new();
    for h in open.iter().filter(|h| h.seen[0].kind == Kind::Greylist) {
        let t0 = h.seen[0].at;
        let Some(done) = h.seen.iter().position(|s| s.kind == Kind::Delivered) else {
            continue;
        };
        let last_fail = h.seen[..done]
            .iter()
            .rev()
            .find(|s| s.kind == Kind::Greylist)
            .map_or(t0, |s| s.at);
        lows.push(last_fail - t0);
        highs.push(h.seen[done].at - t0);
    }
    lows.sort_unstable();
    highs.sort_unstable();
    let delay =
        (!highs.is_empty()).then(|| (lows[lows.len() / 2], highs[highs.len() / 2], highs.len()));
    (
        Some(Share {
            k,
            n: open.len() as u64,
        }),
        delay,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flaky_contact_watched_longer_is_likelier_to_show_an_episode() {
        // Duty 0.1, never watched: 0.1. Watched one cycle with every episode met:
        // 1 − 0.9 × e^(−1) = 0.6689.
        assert!((chance_seen(0.0, 0.1, 1e6, 1.0) - 0.1).abs() < 1e-12);
        let one = chance_seen(1e6, 0.1, 1e6, 1.0);
        assert!((one - 0.668_91).abs() < 1e-5, "{one}");
        assert!(chance_seen(1e6, 0.1, 1e6, 0.5) < one);
    }
}
