//! Calibration: the synthetic world's parameters fitted to an imported folder's
//! `observations.csv`, each with a 95% interval and its sample size, written as a
//! scenario (`retrysim calibrate`).
//!
//! Fitted per channel (docs/IMPORT.md has the reasoning): the shares of healthy, flaky,
//! dead, invalid and opt-out contacts, the flaky episode median and spread,
//! greylisting's share and delay (email); across email domains, the list's domains and
//! its provider outages. The old policy censors what a log shows (an episode is seen
//! only if an attempt fell in it; a suppressed contact is watched no longer), so every
//! estimator divides what was seen by what could have been seen:
//!
//! - `history`: observations read into per-contact histories;
//! - `episodes`: runs of persistent failures, the censored lognormal likelihood and
//!   the dead share of the runs that never ended;
//! - `lengths`: the episode median and spread, fitted to the ended runs;
//! - `mix`: the type shares and greylisting by moment matching over exposures;
//! - `outages`: domains and outage windows;
//! - `text`: the scenario with every value's interval and basis as comments;
//! - `stats`: Wilson and Poisson score intervals, the normal functions.

pub mod episodes;
pub mod history;
pub mod lengths;
pub mod mix;
pub mod outages;
pub mod stats;
pub mod text;

use std::collections::BTreeMap;
use std::path::Path;

use crate::time::{Instant, Span};
use crate::workload::Channel;
use crate::workload::synthetic::config::Profile;

pub use stats::Share;
pub use text::scenario_text;

/// The greylisting code of the synthetic email world (`workload.email.greylisting_code`).
pub const EMAIL_GREYLISTING_CODE: &str = "4.7.1";

/// The whole fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Per channel name (`email`, `sms`), in name order.
    pub channels: BTreeMap<&'static str, mix::Mix>,
    /// Domains and outages of the email contacts.
    pub outages: outages::Outages,
    /// The first and last observation.
    pub extent: (Instant, Instant),
    /// The calibrated scenario's start (the first observation's day).
    pub start: Instant,
    /// Its horizon in whole days.
    pub days: i64,
}

/// The channel's default flaky gap, which the fit keeps, and spread, which it tests.
fn kept(channel: Channel) -> mix::Kept {
    let p = match channel {
        Channel::Email => Profile::email(),
        Channel::Sms => Profile::sms(),
    };
    mix::Kept {
        gap_median: Span::parse(&p.flaky_gap_median).map_or(86_400.0 * 7.0, |s| s.0 as f64),
        sigma: p.sigma,
    }
}

/// Fits the folder's `observations.csv`.
pub fn fit(dir: &Path) -> anyhow::Result<Fit> {
    Ok(fit_histories(&history::read(dir)?))
}

/// Fits histories already read (never empty: [`history::read`] refuses an empty file).
pub fn fit_histories(h: &history::Histories) -> Fit {
    let start = Instant(h.extent.0.0 - h.extent.0.0.rem_euclid(86_400));
    let days = (h.extent.1.since(start).0 / 86_400 + 1).max(1);
    let frame = mix::Frame {
        start: start.0 as f64,
        horizon: (days * 86_400) as f64,
        last: h.extent.1.0 as f64,
    };
    let of = |ch: Channel| -> Vec<&history::History> {
        h.contacts.values().filter(|c| c.channel == ch).collect()
    };
    let mut channels = BTreeMap::new();
    for ch in [Channel::Email, Channel::Sms] {
        let histories = of(ch);
        if histories.is_empty() {
            continue;
        }
        let dead_is_hard = ch == Channel::Sms;
        channels.insert(
            ch.name(),
            mix::fit(&histories, frame, dead_is_hard, kept(ch)),
        );
    }
    Fit {
        channels,
        outages: outages::find(&of(Channel::Email), &h.codes, days as f64),
        extent: h.extent,
        start,
        days,
    }
}

#[cfg(test)]
mod tests;
