//! The `[policy]` table: a preset, the user's keys laid over it, per-channel overlays
//! (`[policy.email]`, `[policy.sms]`), per-domain overlays (`[policy.domains]`, see
//! `domains`), and validation into a [`Policy`] with the bounds of RULES.md (E2, E6;
//! the retry-period bounds are the preset's) and clear messages that name the key.

use serde::Deserialize;

use super::Warning;
use super::backoff::{RawBackoff, backoff};
use crate::error::MessageError;
use crate::kinds::Channel;
use crate::rules::counter::CounterReset;
use crate::rules::policy::{AutoRetry, ChannelPolicies, Policy, RetryPeriods};
use crate::rules::presets::{self, PeriodBounds};
use crate::time::{Span, TimeOfDay};

/// The fully merged policy table of one channel, as serde reads it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    soft_bounce_threshold: toml::Value,
    cross_delivery_gap: String,
    /// Optional so that a preset written before E5 became a setting still loads.
    counter_reset: Option<String>,
    retry_period: String,
    retry_period_marketing: Option<String>,
    retry_period_transactional: Option<String>,
    backoff: RawBackoff,
    min_delay: String,
    max_attempts: toml::Value,
    hard_bounce_suppresses: bool,
    opt_out_suppresses: bool,
    suppression_ttl: String,
    /// Optional so that presets and files without per-reason releases still load.
    #[serde(default)]
    release_after: toml::Table,
    eligibility_checks: bool,
    auto_retry: bool,
    auto_retry_at: String,
    auto_retry_every: String,
    max_auto_attempts: i64,
    cost_per_attempt: f64,
}

/// Validates the `[policy]` table into the policy of each channel. Warnings (E2's
/// deliverability risk) are appended to `warnings`.
pub fn channel_policies(
    policy: &toml::Table,
    warnings: &mut Vec<Warning>,
) -> Result<ChannelPolicies, MessageError> {
    Ok(ChannelPolicies {
        email: channel_policy(policy, Channel::Email, warnings)?,
        sms: channel_policy(policy, Channel::Sms, warnings)?,
        domains: super::domains::domain_policies(policy, warnings)?,
    })
}

/// The table `[policy.<channel>]`, if the scenario has one.
pub(super) fn channel_overlay(
    policy: &toml::Table,
    channel: Channel,
) -> Result<Option<&toml::Table>, MessageError> {
    match policy.get(channel.name()) {
        None => Ok(None),
        Some(toml::Value::Table(t)) => Ok(Some(t)),
        Some(_) => Err(format!("policy.{channel} must be a table of policy keys").into()),
    }
}

fn channel_policy(
    policy: &toml::Table,
    channel: Channel,
    warnings: &mut Vec<Warning>,
) -> Result<Policy, MessageError> {
    let overlay = channel_overlay(policy, channel)?;
    let prefix = if overlay.is_some() {
        format!("policy.{channel}")
    } else {
        "policy".to_string()
    };
    overlaid_policy(policy, overlay, &prefix, warnings)
}

/// The policy of the base `[policy]` keys with `overlay` laid over them; errors name
/// keys under `prefix`.
pub(super) fn overlaid_policy(
    policy: &toml::Table,
    overlay: Option<&toml::Table>,
    prefix: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Policy, MessageError> {
    let (merged, preset) = merged_table(policy, overlay)?;
    let raw: RawPolicy = toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| format!("{prefix}: {}", e.message()))?;
    let bounds = presets::preset(&preset)
        .expect("merged_table checked the preset's name")
        .bounds;
    Ok(Policy {
        preset,
        ..validate(raw, prefix, &bounds, warnings)?
    })
}

/// Preset, then the base keys, then the channel's overlay; with the preset's name.
fn merged_table(
    policy: &toml::Table,
    overlay: Option<&toml::Table>,
) -> Result<(toml::Table, String), MessageError> {
    let preset_of = |t: &toml::Table, path: &str| -> Result<Option<String>, MessageError> {
        match t.get("preset") {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!("{path}.preset must be a string, got {other}").into()),
        }
    };
    let own_preset = match overlay {
        Some(o) => preset_of(o, "policy.<channel>")?,
        None => None,
    };
    let name = own_preset
        .clone()
        .or(preset_of(policy, "policy")?)
        .unwrap_or_else(|| "email".to_string());
    let mut merged = presets::table(&name).ok_or_else(|| {
        format!(
            "policy.preset must be one of {}, got {name:?}",
            presets::NAMES.join(", ")
        )
    })?;
    // A channel that names its own preset starts from it alone: the base keys describe
    // the base preset's channels, and sweeping one must not change the other channel.
    if own_preset.is_none() {
        lay_over(
            &mut merged,
            &without(policy, &["preset", "email", "sms", "domains"]),
        );
    }
    if let Some(o) = overlay {
        lay_over(&mut merged, &without(o, &["preset"]));
    }
    Ok((merged, name))
}

/// `table` without the keys in `skip`.
fn without(table: &toml::Table, skip: &[&str]) -> toml::Table {
    table
        .iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Replaces keys of `base` by those of `top`. A `backoff` given as a word becomes
/// `{ kind = word }`; one given without a `kind` only changes the keys it names.
pub(super) fn lay_over(base: &mut toml::Table, top: &toml::Table) {
    for (key, value) in top {
        let value = match (key.as_str(), value) {
            ("backoff", toml::Value::String(kind)) => {
                let mut t = toml::Table::new();
                t.insert("kind".into(), toml::Value::String(kind.clone()));
                toml::Value::Table(t)
            }
            _ => value.clone(),
        };
        match (base.get_mut(key), &value) {
            (Some(toml::Value::Table(old)), toml::Value::Table(new))
                if !new.contains_key("kind") =>
            {
                for (k, v) in new {
                    old.insert(k.clone(), v.clone());
                }
            }
            _ => {
                base.insert(key.clone(), value);
            }
        }
    }
}

pub(super) fn span(prefix: &str, key: &str, text: &str) -> Result<Span, MessageError> {
    Span::parse(text).map_err(|e| format!("{prefix}.{key}: {e}").into())
}

fn optional_span(prefix: &str, key: &str, text: &str) -> Result<Option<Span>, MessageError> {
    if text == "none" {
        Ok(None)
    } else {
        span(prefix, key, text).map(Some)
    }
}

fn validate(
    raw: RawPolicy,
    prefix: &str,
    bounds: &PeriodBounds,
    warnings: &mut Vec<Warning>,
) -> Result<Policy, MessageError> {
    let soft_bounce_threshold = threshold(&raw.soft_bounce_threshold, prefix, warnings)?;
    let retry_period = retry_periods(&raw, prefix, bounds)?;
    let min_delay = span(prefix, "min_delay", &raw.min_delay)?;
    if min_delay < Span::ZERO || min_delay > Span::hours(24 * 30) {
        return Err(format!("{prefix}.min_delay must be 0s..=30d, got {min_delay}").into());
    }
    if raw.max_auto_attempts < 0 || raw.max_auto_attempts > 1000 {
        return Err(format!(
            "{prefix}.max_auto_attempts must be 0..=1000, got {}",
            raw.max_auto_attempts
        )
        .into());
    }
    if !(raw.cost_per_attempt.is_finite() && raw.cost_per_attempt >= 0.0) {
        return Err(format!(
            "{prefix}.cost_per_attempt must be a number ≥ 0, got {}",
            raw.cost_per_attempt
        )
        .into());
    }
    let every = span(prefix, "auto_retry_every", &raw.auto_retry_every)?;
    if every < Span::minutes(1) || every > Span::hours(24 * 365) {
        return Err(format!("{prefix}.auto_retry_every must be 1m..=365d, got {every}").into());
    }
    let auto_retry = raw
        .auto_retry
        .then(|| -> Result<AutoRetry, MessageError> {
            Ok(AutoRetry {
                at: TimeOfDay::parse(&raw.auto_retry_at)
                    .map_err(|e| format!("{prefix}.auto_retry_at: {e}"))?,
                every,
                max_attempts: raw.max_auto_attempts as u32,
            })
        })
        .transpose()?;
    Ok(Policy {
        soft_bounce_threshold,
        cross_delivery_gap: span(prefix, "cross_delivery_gap", &raw.cross_delivery_gap)?,
        counter_reset: counter_reset(raw.counter_reset.as_deref(), prefix)?,
        retry_period,
        backoff: backoff(&raw.backoff, prefix)?,
        min_delay,
        max_attempts: max_attempts(&raw.max_attempts, prefix)?,
        hard_bounce_suppresses: raw.hard_bounce_suppresses,
        opt_out_suppresses: raw.opt_out_suppresses,
        suppression_ttl: optional_span(prefix, "suppression_ttl", &raw.suppression_ttl)?,
        release_after: super::release::release_delays(&raw.release_after, prefix)?,
        eligibility_checks: raw.eligibility_checks,
        auto_retry,
        cost_per_attempt: raw.cost_per_attempt,
        preset: String::new(),
    })
}

/// E5: `any_delivery` (the default) or `after_retry`.
fn counter_reset(text: Option<&str>, prefix: &str) -> Result<CounterReset, MessageError> {
    let Some(text) = text else {
        return Ok(CounterReset::default());
    };
    CounterReset::parse(text).ok_or_else(|| {
        let names: Vec<&str> = CounterReset::ALL.iter().map(|r| r.name()).collect();
        format!(
            "{prefix}.counter_reset must be one of {}, got {text:?}",
            names.join(", ")
        )
        .into()
    })
}

/// E2: 1..=20, a warning above 10, or `"none"` for no counter.
fn threshold(
    value: &toml::Value,
    prefix: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Option<u8>, MessageError> {
    let key = format!("{prefix}.soft_bounce_threshold");
    match value {
        toml::Value::String(s) if s == "none" => Ok(None),
        toml::Value::Integer(n) if (1..=20).contains(n) => {
            if *n > 10 {
                warnings.push(Warning {
                    key,
                    value: n.to_string(),
                    message: "is above 10: a high threshold keeps mailing dead addresses and \
                              risks ISP throttling or block-listing (E2)"
                        .into(),
                });
            }
            Ok(Some(*n as u8))
        }
        toml::Value::Integer(n) => Err(format!("{key} must be 1..=20, got {n}").into()),
        other => Err(format!("{key} must be an integer 1..=20 or \"none\", got {other}").into()),
    }
}

/// E7: `max_attempts`, 1..=1000 or `"none"`.
fn max_attempts(value: &toml::Value, prefix: &str) -> Result<Option<u32>, MessageError> {
    let key = format!("{prefix}.max_attempts");
    match value {
        toml::Value::String(s) if s == "none" => Ok(None),
        toml::Value::Integer(n) if (1..=1000).contains(n) => Ok(Some(*n as u32)),
        other => Err(format!("{key} must be an integer 1..=1000 or \"none\", got {other}").into()),
    }
}

/// E6: within the preset's bounds; for `email` (seed 004) at most 84 h, at least 6 h for
/// marketing and 10 min for transactional messages.
fn retry_periods(
    raw: &RawPolicy,
    prefix: &str,
    bounds: &PeriodBounds,
) -> Result<RetryPeriods, MessageError> {
    let general = optional_span(prefix, "retry_period", &raw.retry_period)?;
    let pick = |key: &str, own: &Option<String>| -> Result<(String, Option<Span>), MessageError> {
        match own {
            Some(text) => Ok((format!("{prefix}.{key}"), optional_span(prefix, key, text)?)),
            None => Ok((format!("{prefix}.retry_period"), general)),
        }
    };
    let (m_key, marketing) = pick("retry_period_marketing", &raw.retry_period_marketing)?;
    let (t_key, transactional) = pick(
        "retry_period_transactional",
        &raw.retry_period_transactional,
    )?;
    check_period(
        &m_key,
        marketing,
        "marketing",
        bounds.min_marketing,
        bounds.max,
    )?;
    check_period(
        &t_key,
        transactional,
        "transactional",
        bounds.min_transactional,
        bounds.max,
    )?;
    Ok(RetryPeriods {
        marketing,
        transactional,
    })
}

fn check_period(
    key: &str,
    period: Option<Span>,
    kind: &str,
    min: Span,
    max: Span,
) -> Result<(), MessageError> {
    let Some(p) = period else { return Ok(()) };
    if p > max {
        return Err(
            format!("{key} must be at most {max} for {kind} messages (E6), got {p}").into(),
        );
    }
    if p < min {
        return Err(
            format!("{key} must be at least {min} for {kind} messages (E6), got {p}").into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::backoff::{Jitter, Schedule};

    fn policies(text: &str) -> ChannelPolicies {
        let table: toml::Table = text.parse().unwrap();
        channel_policies(&table, &mut Vec::new()).unwrap()
    }

    #[test]
    fn base_keys_reach_channels_that_inherit_the_base_preset() {
        let p = policies("soft_bounce_threshold = 3\n[sms]\ncross_delivery_gap = \"1h\"\n");
        assert_eq!(p.email.soft_bounce_threshold, Some(3));
        assert_eq!(p.sms.soft_bounce_threshold, Some(3));
        assert_eq!(p.sms.cross_delivery_gap, Span::hours(1));
        assert_eq!(p.email.cross_delivery_gap, Span::hours(24));
    }

    #[test]
    fn a_channel_with_its_own_preset_ignores_the_base_keys() {
        let p = policies("soft_bounce_threshold = 3\n[sms]\npreset = \"sms_portal\"\n");
        assert_eq!(p.email.soft_bounce_threshold, Some(3));
        assert_eq!(
            p.sms.soft_bounce_threshold, None,
            "the portal keeps no counter"
        );
        assert!(p.sms.auto_retry.is_some());
        let p = policies("[sms]\npreset = \"sms_portal\"\nsoft_bounce_threshold = 4\n");
        assert_eq!(
            p.sms.soft_bounce_threshold,
            Some(4),
            "its own keys still apply"
        );
    }

    #[test]
    fn a_backoff_without_kind_changes_only_the_keys_it_names() {
        let p = policies("backoff = { jitter = \"full\" }\n");
        assert_eq!(p.email.backoff.jitter, Jitter::Full);
        assert!(matches!(
            p.email.backoff.schedule,
            Schedule::Exponential { .. }
        ));
        let p = policies("backoff = \"none\"\n");
        assert_eq!(p.email.backoff.schedule, Schedule::None);
    }

    #[test]
    fn counter_reset_reads_both_values_and_names_the_key_when_wrong_e5() {
        assert_eq!(policies("").email.counter_reset, CounterReset::AnyDelivery);
        let p = policies("counter_reset = \"after_retry\"\n");
        assert_eq!(p.email.counter_reset, CounterReset::AfterRetry);
        let table: toml::Table = "counter_reset = \"never\"\n".parse().unwrap();
        let err = channel_policies(&table, &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("policy.counter_reset"), "{err}");
        assert!(err.contains("any_delivery, after_retry"), "{err}");
    }
}
