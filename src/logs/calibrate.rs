//! Calibration: the synthetic world's parameters that an imported folder's
//! `observations.csv` identifies, each with a 95% interval and its sample size.
//!
//! What is fitted, per channel, over the contacts the log shows at least once:
//!
//! - `invalid`: the share of contacts whose first observed attempt failed with a hard
//!   code. An invalid address fails from before the first send, and every contact's
//!   first message is attempted, so this count is not censored by the old policy.
//! - `greylisting` (email): the share of contacts whose first observed attempt failed
//!   with the greylisting code; `greylisting_delay` is the median time from that
//!   deferral to the contact's next delivery, an upper bound (the retry came then; the
//!   greylist may have lifted earlier).
//! - `contacts`, `sms_share`, `start` and `horizon` from the log's extent.
//!
//! Intervals are Wilson score intervals (binomial, 95%). The shares of flaky and dead
//! contacts and episode lengths are censored by the old policy's retry schedule and are
//! not fitted: the written scenario keeps their defaults and says so.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use crate::time::Instant;
use crate::workload::Channel;

/// The greylisting code of the synthetic email world (`workload.email.greylisting_code`).
pub const EMAIL_GREYLISTING_CODE: &str = "4.7.1";

/// A fitted share: `k` of `n`, with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share {
    /// Contacts showing the trait.
    pub k: u64,
    /// Contacts observed.
    pub n: u64,
}

impl Share {
    /// The point estimate k / n (0 when n is 0).
    pub fn estimate(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.k as f64 / self.n as f64
        }
    }

    /// The Wilson score interval at 95%.
    pub fn interval(&self) -> (f64, f64) {
        if self.n == 0 {
            return (0.0, 1.0);
        }
        let (z, n, p) = (1.959_964, self.n as f64, self.estimate());
        let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
        let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
        ((centre - half).max(0.0), (centre + half).min(1.0))
    }
}

/// What one contact's observations say.
#[derive(Debug, Default, Clone)]
struct ContactHistory {
    channel: Option<Channel>,
    first: Option<(Instant, String, String)>,
    greylisted_at: Option<Instant>,
    delivered_after_greylist: Option<Instant>,
}

/// The fit of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelFit {
    /// Contacts observed.
    pub contacts: u64,
    /// Share whose first attempt hard-bounced.
    pub invalid: Share,
    /// Share whose first attempt was greylisted (email).
    pub greylisting: Share,
    /// Median seconds from a greylisting deferral to the next delivery, and how many.
    pub greylisting_delay: Option<(i64, usize)>,
}

/// The whole fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Per channel.
    pub channels: BTreeMap<&'static str, ChannelFit>,
    /// The first and last observation.
    pub extent: (Instant, Instant),
}

/// Fits the folder's `observations.csv`.
pub fn fit(dir: &Path) -> anyhow::Result<Fit> {
    let path = dir.join("observations.csv");
    let mut reader = csv::Reader::from_path(&path)
        .with_context(|| format!("could not read '{}'", path.display()))?;
    let header = reader.headers()?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{}: no {name} column", path.display()))
    };
    let (contact, at, outcome, code, class) = (
        col("contact")?,
        col("at")?,
        col("outcome")?,
        col("error_code")?,
        col("class")?,
    );
    let mut histories: BTreeMap<String, ContactHistory> = BTreeMap::new();
    let mut extent = (Instant::NEVER, Instant(i64::MIN));
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.with_context(|| format!("{} line {}", path.display(), i + 2))?;
        let t = Instant::parse_rfc3339(&rec[at])
            .with_context(|| format!("{} line {}, column at", path.display(), i + 2))?;
        extent = (extent.0.min(t), extent.1.max(t));
        let name = rec[contact].trim_start_matches('\'');
        let h = histories.entry(name.to_string()).or_default();
        h.channel = Some(super::channel_of(name));
        observe(h, t, &rec[outcome], &rec[code], &rec[class]);
    }
    anyhow::ensure!(!histories.is_empty(), "{}: no observations", path.display());
    Ok(Fit {
        channels: [Channel::Email, Channel::Sms]
            .into_iter()
            .filter_map(|ch| fit_channel(&histories, ch).map(|f| (ch.name(), f)))
            .collect(),
        extent,
    })
}

fn observe(h: &mut ContactHistory, t: Instant, outcome: &str, code: &str, class: &str) {
    if h.first.is_none() {
        h.first = Some((t, code.to_string(), class.to_string()));
        if outcome == "failed" && code == EMAIL_GREYLISTING_CODE {
            h.greylisted_at = Some(t);
        }
    } else if outcome == "delivered" && h.greylisted_at.is_some() {
        h.delivered_after_greylist.get_or_insert(t);
    }
}

fn fit_channel(histories: &BTreeMap<String, ContactHistory>, ch: Channel) -> Option<ChannelFit> {
    let of_channel: Vec<&ContactHistory> = histories
        .values()
        .filter(|h| h.channel == Some(ch))
        .collect();
    let n = of_channel.len() as u64;
    if n == 0 {
        return None;
    }
    let count =
        |p: &dyn Fn(&ContactHistory) -> bool| of_channel.iter().filter(|h| p(h)).count() as u64;
    let invalid = count(&|h| h.first.as_ref().is_some_and(|f| f.2 == "hard"));
    let greylisted = count(&|h| h.greylisted_at.is_some());
    let mut delays: Vec<i64> = of_channel
        .iter()
        .filter_map(|h| Some(h.delivered_after_greylist?.since(h.greylisted_at?).0))
        .collect();
    delays.sort_unstable();
    Some(ChannelFit {
        contacts: n,
        invalid: Share { k: invalid, n },
        greylisting: Share { k: greylisted, n },
        greylisting_delay: (!delays.is_empty()).then(|| (delays[delays.len() / 2], delays.len())),
    })
}

/// The scenario text: fitted values as keys, their intervals and samples as comments.
pub fn scenario_text(fit: &Fit, source: &Path) -> String {
    let mut s = String::new();
    let total: u64 = fit.channels.values().map(|c| c.contacts).sum();
    let sms = fit.channels.get("sms").map_or(0, |c| c.contacts);
    let days = (fit.extent.1.since(fit.extent.0).0 / 86_400 + 1).max(1);
    let start = Instant(fit.extent.0.0 - fit.extent.0.0.rem_euclid(86_400));
    let _ = writeln!(
        s,
        "# Calibrated by `retrysim calibrate` from {}.",
        source.display()
    );
    let _ = writeln!(
        s,
        "# Fitted: contacts, sms_share, invalid and greylisting shares (95% Wilson"
    );
    let _ = writeln!(
        s,
        "# intervals, n = contacts seen). Flaky and dead shares and episode lengths"
    );
    let _ = writeln!(
        s,
        "# are censored by the old policy and keep their defaults (docs/IMPORT.md)."
    );
    let _ = writeln!(
        s,
        "name = \"calibrated\"\nstart = \"{start}\"\nhorizon = \"{days}d\"\n"
    );
    let _ = writeln!(s, "[workload]\nkind = \"synthetic\"\ncontacts = {total}");
    let _ = writeln!(
        s,
        "sms_share = {:.6}",
        Share { k: sms, n: total }.estimate()
    );
    for (name, c) in &fit.channels {
        let _ = writeln!(s, "\n[workload.{name}]\n# {} contacts observed", c.contacts);
        share_line(&mut s, "invalid", &c.invalid, "first attempt hard-bounced");
        if *name == "email" {
            share_line(
                &mut s,
                "greylisting",
                &c.greylisting,
                "first attempt greylisted",
            );
            if let Some((secs, k)) = c.greylisting_delay {
                let _ = writeln!(
                    s,
                    "# greylisting_delay: median of {k} deferral-to-delivery gaps, an upper bound\ngreylisting_delay = \"{secs}s\""
                );
            }
        }
    }
    s
}

fn share_line(s: &mut String, key: &str, share: &Share, what: &str) {
    let (lo, hi) = share.interval();
    let _ = writeln!(
        s,
        "# {key}: {:.4} (95% interval {lo:.4}..{hi:.4}); {} of {} contacts' {what}\n{key} = {:.6}",
        share.estimate(),
        share.k,
        share.n,
        share.estimate()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_matches_a_hand_computed_case() {
        // 10 of 100: centre (0.1 + 0.019208) / 1.038415 = 0.114799; half-width
        // 1.959964 / 1.038415 × sqrt(0.0009 + 0.00009604) = 0.059579.
        let (lo, hi) = Share { k: 10, n: 100 }.interval();
        assert!((lo - 0.055_22).abs() < 1e-4, "{lo}");
        assert!((hi - 0.174_38).abs() < 1e-4, "{hi}");
        assert_eq!(Share { k: 0, n: 0 }.interval(), (0.0, 1.0));
    }
}
