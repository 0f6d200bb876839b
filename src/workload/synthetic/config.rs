//! The keys of a synthetic workload (`[workload] kind = "synthetic"`) as they are
//! written, with their defaults. `docs/WORKLOAD.md` explains each default and where it
//! comes from; [`super::spec`] validates them.

use serde::{Deserialize, Serialize};

/// How one channel's contacts behave: the mix of latent types and their failure
/// processes. Shares need not sum to 1; they are weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Weight of contacts with only rare, short transient failures.
    pub healthy: f64,
    /// Weight of contacts with recurring multi-hour to multi-day episodes.
    pub flaky: f64,
    /// Weight of contacts that fail softly forever from some moment on.
    pub dead: f64,
    /// Weight of contacts that hard-bounce from the start.
    pub invalid: f64,
    /// Weight of contacts that opt out at some moment of the run.
    pub opt_out: f64,
    /// Transient failures of any contact, per day (Poisson).
    pub transient_per_day: f64,
    /// Median length of a transient failure.
    pub transient_median: String,
    /// Median time between a flaky contact's episodes.
    pub flaky_gap_median: String,
    /// Median length of a flaky episode.
    pub flaky_duration_median: String,
    /// Log-scale spread (sigma) of the lognormal gaps and durations.
    pub sigma: f64,
    /// Share of contacts whose provider greylists: their first message is deferred.
    pub greylisting: f64,
    /// How long greylisting defers the first message.
    pub greylisting_delay: String,
    /// Code of transient failures.
    pub transient_code: String,
    /// Code of greylisting.
    pub greylisting_code: String,
    /// Code of flaky episodes.
    pub flaky_code: String,
    /// Code of a dead contact.
    pub dead_code: String,
    /// Code of an invalid contact.
    pub invalid_code: String,
    /// Code of an opt-out.
    pub opt_out_code: String,
}

impl Profile {
    /// Defaults for email addresses.
    pub fn email() -> Profile {
        Profile {
            healthy: 0.935,
            flaky: 0.04,
            dead: 0.015,
            invalid: 0.01,
            opt_out: 0.0,
            transient_per_day: 0.01,
            transient_median: "20m".into(),
            flaky_gap_median: "10d".into(),
            flaky_duration_median: "1d".into(),
            sigma: 1.0,
            greylisting: 0.1,
            greylisting_delay: "5m".into(),
            transient_code: "4.4.1".into(),
            greylisting_code: "4.7.1".into(),
            flaky_code: "4.2.2".into(),
            dead_code: "4.2.2".into(),
            invalid_code: "5.1.1".into(),
            opt_out_code: "21610".into(),
        }
    }

    /// Defaults for phone numbers.
    pub fn sms() -> Profile {
        Profile {
            healthy: 0.91,
            flaky: 0.05,
            dead: 0.015,
            invalid: 0.01,
            opt_out: 0.015,
            transient_per_day: 0.01,
            transient_median: "30m".into(),
            flaky_gap_median: "7d".into(),
            flaky_duration_median: "6h".into(),
            sigma: 1.0,
            greylisting: 0.0,
            greylisting_delay: "5m".into(),
            transient_code: "30008".into(),
            greylisting_code: "30008".into(),
            flaky_code: "30003".into(),
            dead_code: "30005".into(),
            invalid_code: "30005".into(),
            opt_out_code: "21610".into(),
        }
    }
}

/// A mailbox provider (or, in `sms_carriers`, a mobile carrier) and its share of the
/// list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    /// Domain name, e.g. `gmail.com`.
    pub name: String,
    /// Weight among the domains.
    pub share: f64,
}

/// Every contact of a domain fails softly from `start` to `end`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outage {
    /// The domain.
    pub domain: String,
    /// First failing instant (RFC 3339).
    pub start: String,
    /// End (RFC 3339).
    pub end: String,
    /// Code every attempt returns.
    #[serde(default = "default_outage_code")]
    pub code: String,
}

fn default_outage_code() -> String {
    "4.4.1".into()
}

/// A delivery repeated on a calendar: every `every`, at local time `at`, to a random
/// `audience` share of the channel's contacts, spread uniformly over `spread`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// Name; each occurrence is the delivery `<name>-<n>`.
    pub name: String,
    /// `email` or `sms`.
    pub channel: String,
    /// `marketing` or `transactional`.
    #[serde(default = "default_marketing")]
    pub message_type: String,
    /// Time between occurrences (`1d`, `7d`).
    pub every: String,
    /// Local time of the first send of each occurrence.
    pub at: String,
    /// Share of the channel's contacts each occurrence reaches.
    pub audience: f64,
    /// Sends of one occurrence are spread over this long.
    #[serde(default = "default_spread")]
    pub spread: String,
}

fn default_marketing() -> String {
    "marketing".into()
}

fn default_spread() -> String {
    "1h".into()
}

/// A Poisson stream of single messages to random contacts (receipts, codes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stream {
    /// Name; each day of the stream is the delivery `<name>-<day>`.
    pub name: String,
    /// `email` or `sms`.
    pub channel: String,
    /// `marketing` or `transactional`.
    #[serde(default = "default_transactional")]
    pub message_type: String,
    /// Mean messages per day.
    pub per_day: f64,
}

fn default_transactional() -> String {
    "transactional".into()
}

/// The raw `[workload]` table of a synthetic scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSynthetic {
    /// Always `synthetic` here.
    pub kind: String,
    /// Contacts in the list.
    pub contacts: u64,
    /// Share of contacts that are phone numbers.
    pub sms_share: f64,
    /// Email contacts: keys laid over [`Profile::email`].
    pub email: toml::Table,
    /// Phone numbers: keys laid over [`Profile::sms`].
    pub sms: toml::Table,
    /// Mailbox providers.
    pub domains: Vec<Domain>,
    /// Mobile carriers of the phone numbers, with their shares.
    pub sms_carriers: Vec<Domain>,
    /// Provider outages.
    pub outages: Vec<Outage>,
    /// Calendar deliveries.
    pub campaigns: Vec<Campaign>,
    /// Transactional streams.
    pub streams: Vec<Stream>,
}

impl Default for RawSynthetic {
    fn default() -> Self {
        let domain = |name: &str, share| Domain {
            name: name.into(),
            share,
        };
        RawSynthetic {
            kind: "synthetic".into(),
            contacts: 50_000,
            sms_share: 0.2,
            email: toml::Table::new(),
            sms: toml::Table::new(),
            domains: vec![
                domain("gmail.com", 0.38),
                domain("outlook.com", 0.18),
                domain("yahoo.com", 0.10),
                domain("icloud.com", 0.08),
                domain("orange.fr", 0.05),
                domain("gmx.de", 0.04),
                domain("corp.example", 0.17),
            ],
            // An assumption, not a measurement: a market with three national networks
            // of similar size, as in the United States or France, where the largest
            // three hold most subscriptions. Name real ones in a scenario to key
            // capacity on them.
            sms_carriers: vec![
                domain("carrier_a", 0.40),
                domain("carrier_b", 0.35),
                domain("carrier_c", 0.25),
            ],
            outages: Vec::new(),
            campaigns: vec![
                Campaign {
                    name: "newsletter".into(),
                    channel: "email".into(),
                    message_type: "marketing".into(),
                    every: "1d".into(),
                    at: "09:00".into(),
                    audience: 0.3,
                    spread: "1h".into(),
                },
                Campaign {
                    name: "sms-promo".into(),
                    channel: "sms".into(),
                    message_type: "marketing".into(),
                    every: "7d".into(),
                    at: "11:00".into(),
                    audience: 0.5,
                    spread: "30m".into(),
                },
            ],
            streams: vec![
                Stream {
                    name: "receipts".into(),
                    channel: "email".into(),
                    message_type: "transactional".into(),
                    per_day: 1500.0,
                },
                Stream {
                    name: "otp".into(),
                    channel: "sms".into(),
                    message_type: "transactional".into(),
                    per_day: 400.0,
                },
            ],
        }
    }
}
