//! How hard the world lets us push: receiver capacity per destination domain (a token
//! bucket) and the sender's own limits (messages per minute, overall and per domain, and
//! a warm-up ramp), as written in `[[workload.capacity]]`, `[workload.sender]` or a
//! `capacity.csv`, validated here.
//!
//! These are settings of the world, not of the policy: every point of a sweep meets the
//! same receivers. [`Limits::bind`] ties them to one workload: it finds each contact's
//! domain (the part of its name after `@`) and resolves the throttling codes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::MessageError;
use crate::rules::errors::{ErrorCode, ErrorTable};
use crate::time::Zone;
use crate::workload::Workload;

/// The throttling code when a capacity entry names none: SMTP's "try again later"
/// for policy reasons, the class of code the large providers defer with.
pub const DEFAULT_THROTTLE_CODE: &str = "4.7.0";

/// One `[[workload.capacity]]` entry as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCapacity {
    /// Destination domain, e.g. `gmail.com`; empty for a carrier's entry.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub domain: String,
    /// Or a mobile carrier, for SMS contacts (see [`crate::workload::carriers`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    /// Attempts the receiver accepts per hour (the bucket's refill rate).
    pub rate: f64,
    /// Attempts the receiver accepts at once from a full bucket.
    pub burst: u32,
    /// Optional: 24 factors, one per hour of the day, multiplying `rate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Vec<f64>>,
    /// Optional: the time zone whose clock the profile's hours follow (an IANA name or
    /// a fixed offset); UTC when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// The code a throttled attempt fails with. Whether it counts toward the
    /// soft-bounce threshold is its reason's setting in the reason table.
    #[serde(default = "default_code")]
    pub code: String,
}

fn default_code() -> String {
    DEFAULT_THROTTLE_CODE.into()
}

/// The `[workload.sender]` table as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSender {
    /// Attempts per minute over all domains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_minute: Option<u32>,
    /// Attempts per minute to each named domain.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub domain_per_minute: BTreeMap<String, u32>,
    /// Warm-up: attempts allowed on the run's first day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warmup_first_day: Option<u64>,
    /// Warm-up: the daily cap grows by this factor per day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warmup_factor: Option<f64>,
}

/// A validated receiver bucket of one domain.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainCapacity {
    /// Domain name, or the carrier's name for a carrier's entry.
    pub domain: String,
    /// Refill rate per hour for each hour of the day, whole attempts.
    pub hourly_rate: [u32; 24],
    /// The zone whose local hours index `hourly_rate`; `None` is UTC.
    pub zone: Option<Zone>,
    /// Bucket size in attempts.
    pub burst: u32,
    /// Throttling code as written.
    pub code: String,
}

/// A validated warm-up ramp: the daily cap on day d (0-based from the run's start) is
/// `first_day × factor^d`, rounded down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Warmup {
    /// Attempts on day 0.
    pub first_day: u64,
    /// Growth per day, at least 1.
    pub factor: f64,
}

impl Warmup {
    /// The cap of day `day`, saturating.
    pub fn cap(&self, day: u32) -> u64 {
        let cap = self.first_day as f64 * self.factor.powi(day.min(i32::MAX as u32) as i32);
        if cap >= u64::MAX as f64 {
            u64::MAX
        } else {
            cap as u64
        }
    }
}

/// The sender's own limits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SenderLimits {
    /// Attempts per minute over all domains.
    pub per_minute: Option<u32>,
    /// Attempts per minute per named domain, sorted by name.
    pub domain_per_minute: Vec<(String, u32)>,
    /// The warm-up ramp.
    pub warmup: Option<Warmup>,
}

impl SenderLimits {
    /// True when the sender limits nothing.
    pub fn is_empty(&self) -> bool {
        self.per_minute.is_none() && self.domain_per_minute.is_empty() && self.warmup.is_none()
    }
}

/// Receiver capacity and sender limits of a world.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Limits {
    /// One bucket per limited domain, in the order written.
    pub capacity: Vec<DomainCapacity>,
    /// The sender's limits.
    pub sender: SenderLimits,
}

impl Limits {
    /// True when nothing is limited: the run is exactly today's unlimited run.
    pub fn is_empty(&self) -> bool {
        self.capacity.is_empty() && self.sender.is_empty()
    }

    /// Validates the capacity entries and the sender table of a `[workload]` table.
    pub fn from_raw(capacity: &[RawCapacity], sender: &RawSender) -> Result<Limits, MessageError> {
        let mut seen = std::collections::BTreeSet::new();
        let mut buckets = Vec::new();
        for (i, raw) in capacity.iter().enumerate() {
            let key = format!("workload.capacity[{i}]");
            let name = raw.carrier.as_deref().unwrap_or(&raw.domain);
            if !seen.insert(name) {
                return Err(format!("{key}: {name:?} is listed twice").into());
            }
            buckets.push(domain_capacity(&key, raw)?);
        }
        Ok(Limits {
            capacity: buckets,
            sender: sender_limits(sender)?,
        })
    }

    /// Ties the limits to a workload: each contact's tracked domain and the resolved
    /// throttling codes.
    pub fn bind(
        &self,
        workload: &Workload,
        errors: &mut ErrorTable,
    ) -> Result<BoundLimits, MessageError> {
        let mut domains: Vec<String> = self.capacity.iter().map(|c| c.domain.clone()).collect();
        for (d, _) in &self.sender.domain_per_minute {
            if !domains.contains(d) {
                domains.push(d.clone());
            }
        }
        let index: BTreeMap<&str, u16> = domains
            .iter()
            .enumerate()
            .map(|(i, d)| (d.as_str(), i as u16))
            .collect();
        let other = domains.len() as u16;
        let mut buf = String::new();
        let mut contact_domain: Vec<u16> = (0..workload.contacts.len() as u32)
            .map(|c| {
                let name = workload.contacts.write(c, &mut buf);
                // An address is keyed on its domain, a number on its carrier.
                domain_of(name)
                    .or_else(|| workload.carriers.of(c))
                    .and_then(|d| index.get(d).copied())
                    .unwrap_or(other)
            })
            .collect();
        contact_domain.resize(
            workload.failures.contacts().max(contact_domain.len()),
            other,
        );
        let codes = self
            .capacity
            .iter()
            .map(|c| {
                errors
                    .resolve(&c.code)
                    .map_err(|e| MessageError::from(format!("workload.capacity {}: {e}", c.domain)))
            })
            .collect::<Result<Vec<ErrorCode>, MessageError>>()?;
        // The reason table decides whether throttling counts (reason `rate_limited`
        // by default does not), so read it once here rather than per attempt.
        let counts = codes
            .iter()
            .map(|c| errors.info(*c).counts_toward_threshold)
            .collect();
        Ok(BoundLimits {
            limits: self.clone(),
            domains,
            contact_domain,
            codes,
            counts,
        })
    }
}

/// [`Limits`] bound to one workload.
#[derive(Debug, Clone)]
pub struct BoundLimits {
    /// The limits.
    pub limits: Limits,
    /// Tracked domains: the capacity domains first (same index), then domains only the
    /// sender limits. Index `domains.len()` stands for every other domain.
    pub domains: Vec<String>,
    /// Each contact's tracked-domain index.
    pub contact_domain: Vec<u16>,
    /// The throttling code of each capacity entry.
    pub codes: Vec<ErrorCode>,
    /// Whether each entry's throttling counts toward the soft-bounce threshold (E4),
    /// from its code's reason in the reason table.
    pub counts: Vec<bool>,
}

/// The domain of a contact name: the text after its last `@`, as written.
pub fn domain_of(name: &str) -> Option<&str> {
    name.rsplit_once('@').map(|(_, d)| d)
}

fn domain_capacity(key: &str, raw: &RawCapacity) -> Result<DomainCapacity, MessageError> {
    let name = match (&raw.carrier, raw.domain.is_empty()) {
        (None, true) => {
            return Err(format!(
                "{key} needs a domain (email) or a carrier (SMS); domain must not be empty"
            )
            .into());
        }
        (Some(_), false) => {
            return Err(format!("{key}: give a domain or a carrier, not both").into());
        }
        (Some(c), true) if c.is_empty() => {
            return Err(format!("{key}.carrier must not be empty").into());
        }
        (Some(c), true) => c.clone(),
        (None, false) => raw.domain.clone(),
    };
    if !(raw.rate.is_finite() && raw.rate >= 1.0 && raw.rate <= 1e9) {
        return Err(format!(
            "{key}.rate must be 1..=1000000000 attempts per hour, got {}",
            raw.rate
        )
        .into());
    }
    if raw.burst == 0 {
        return Err(format!("{key}.burst must be at least 1, got 0").into());
    }
    let factors = match &raw.profile {
        None => vec![1.0; 24],
        Some(p) if p.len() == 24 => p.clone(),
        Some(p) => {
            return Err(
                format!("{key}.profile must list 24 hourly factors, got {}", p.len()).into(),
            );
        }
    };
    let mut hourly_rate = [0u32; 24];
    for (h, f) in factors.iter().enumerate() {
        if !(f.is_finite() && *f >= 0.0 && raw.rate * f <= 1e9) {
            return Err(
                format!("{key}.profile[{h}] must be a factor of at least 0, got {f}").into(),
            );
        }
        hourly_rate[h] = (raw.rate * f).round() as u32;
    }
    // A flat profile reads the same in every zone, so the zone is kept only when the
    // hours differ: a run without profiles never looks up an offset.
    let zone = match raw.timezone.as_deref() {
        None => None,
        Some(text) => Some(Zone::parse(text).map_err(|e| {
            format!("{key}.timezone: {e} (an IANA name such as Europe/Paris, UTC, or +HH:MM)")
        })?),
    }
    .filter(|_| hourly_rate.iter().any(|r| *r != hourly_rate[0]));
    Ok(DomainCapacity {
        domain: name,
        hourly_rate,
        zone,
        burst: raw.burst,
        code: raw.code.clone(),
    })
}

fn sender_limits(raw: &RawSender) -> Result<SenderLimits, MessageError> {
    if raw.per_minute == Some(0) {
        return Err("workload.sender.per_minute must be at least 1, got 0".into());
    }
    if let Some((d, _)) = raw.domain_per_minute.iter().find(|(_, n)| **n == 0) {
        return Err(
            format!("workload.sender.domain_per_minute.{d} must be at least 1, got 0").into(),
        );
    }
    let warmup = match (raw.warmup_first_day, raw.warmup_factor) {
        (None, None) => None,
        (Some(first_day), factor) => {
            let factor = factor.unwrap_or(1.0);
            if first_day == 0 {
                return Err("workload.sender.warmup_first_day must be at least 1, got 0".into());
            }
            if !(factor.is_finite() && (1.0..=100.0).contains(&factor)) {
                return Err(
                    format!("workload.sender.warmup_factor must be 1..=100, got {factor}").into(),
                );
            }
            Some(Warmup { first_day, factor })
        }
        (None, Some(_)) => {
            return Err("workload.sender.warmup_factor needs warmup_first_day".into());
        }
    };
    Ok(SenderLimits {
        per_minute: raw.per_minute,
        domain_per_minute: raw
            .domain_per_minute
            .iter()
            .map(|(d, n)| (d.clone(), *n))
            .collect(),
        warmup,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(domain: &str, rate: f64, burst: u32) -> RawCapacity {
        RawCapacity {
            domain: domain.into(),
            carrier: None,
            rate,
            burst,
            profile: None,
            timezone: None,
            code: default_code(),
        }
    }

    #[test]
    fn a_bucket_without_profile_refills_at_the_same_rate_all_day() {
        let l = Limits::from_raw(&[raw("gmail.com", 2.0, 2)], &RawSender::default()).unwrap();
        assert_eq!(l.capacity[0].hourly_rate, [2; 24]);
        assert_eq!(l.capacity[0].code, "4.7.0");
    }

    #[test]
    fn bad_settings_name_the_key_and_the_range() {
        let e = Limits::from_raw(&[raw("a.example", 0.0, 2)], &RawSender::default());
        assert_eq!(
            e.unwrap_err().to_string(),
            "workload.capacity[0].rate must be 1..=1000000000 attempts per hour, got 0"
        );
        let e = Limits::from_raw(&[raw("a", 5.0, 1), raw("a", 5.0, 1)], &RawSender::default());
        assert!(e.unwrap_err().to_string().contains("listed twice"));
        let mut p = raw("a", 5.0, 1);
        p.profile = Some(vec![1.0; 23]);
        assert!(
            Limits::from_raw(&[p], &RawSender::default())
                .unwrap_err()
                .to_string()
                .contains("24 hourly factors, got 23")
        );
        let s = RawSender {
            warmup_factor: Some(2.0),
            ..RawSender::default()
        };
        assert!(
            Limits::from_raw(&[], &s)
                .unwrap_err()
                .to_string()
                .contains("warmup_first_day")
        );
    }

    #[test]
    fn a_profile_keeps_its_zone_and_a_bad_zone_names_the_key() {
        let mut p = raw("a", 10.0, 1);
        p.profile = Some((0..24).map(|h| if h < 8 { 0.0 } else { 1.0 }).collect());
        p.timezone = Some("America/New_York".into());
        let l = Limits::from_raw(&[p.clone()], &RawSender::default()).unwrap();
        assert_eq!(l.capacity[0].zone, Zone::parse("America/New_York").ok());
        assert_eq!(
            (l.capacity[0].hourly_rate[7], l.capacity[0].hourly_rate[8]),
            (0, 10)
        );
        p.timezone = Some("Mars/Olympus".into());
        let e = Limits::from_raw(&[p], &RawSender::default())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("workload.capacity[0].timezone:"), "{e}");
    }

    #[test]
    fn an_entry_names_a_domain_or_a_carrier_but_not_both() {
        let mut c = raw("", 10.0, 1);
        c.carrier = Some("carrier_a".into());
        let l = Limits::from_raw(&[c.clone()], &RawSender::default()).unwrap();
        assert_eq!(l.capacity[0].domain, "carrier_a");
        c.domain = "x.org".into();
        let e = Limits::from_raw(&[c], &RawSender::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("not both"), "{e}");
        let e = Limits::from_raw(&[raw("", 10.0, 1)], &RawSender::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("needs a domain (email) or a carrier (SMS)"),
            "{e}"
        );
    }

    #[test]
    fn the_warm_up_cap_grows_by_its_factor_each_day() {
        let w = Warmup {
            first_day: 1000,
            factor: 1.5,
        };
        assert_eq!([w.cap(0), w.cap(1), w.cap(2)], [1000, 1500, 2250]);
    }

    #[test]
    fn a_contact_domain_is_the_text_after_the_last_at() {
        assert_eq!(domain_of("c1@gmail.com"), Some("gmail.com"));
        assert_eq!(domain_of("+15550001"), None);
    }
}
