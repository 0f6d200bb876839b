//! The `release_after` policy key: release delays of suppressed contacts per failure
//! reason or error class (E9), read and checked here and written back for `check`.
//!
//! ```toml
//! [policy]
//! suppression_ttl = "none"                                # every other cause
//! release_after = { mailbox_full = "30d", soft = "10d" }  # reason, then class
//! ```
//!
//! Values are spans or `"none"` (kept to the end of the run). Keys are checked against
//! the scenario's reason table (built-in reasons and those its `[[errors]]` entries
//! name) and the class names once the whole scenario is read, because the policy is
//! validated before the `[[errors]]` entries.

use crate::error::MessageError;
use crate::rules::entries::ErrorEntry;
use crate::rules::errors::ErrorClass;
use crate::rules::policy::{ChannelPolicies, Policy};
use crate::rules::reasons::ReasonTable;
use crate::rules::release::ReleaseDelays;
use crate::time::Span;

/// Reads a `release_after` table; errors name the key (`policy.release_after.soft`).
pub(super) fn release_delays(
    table: &toml::Table,
    prefix: &str,
) -> Result<ReleaseDelays, MessageError> {
    let entries = table
        .iter()
        .map(|(key, value)| {
            let path = format!("{prefix}.release_after.{key}");
            let delay = match value {
                toml::Value::String(s) if s == "none" => None,
                toml::Value::String(s) => Some(Span::parse(s).map_err(|e| format!("{path}: {e}"))?),
                other => {
                    return Err(format!(
                        "{path} must be a duration such as \"10d\" or \"none\", got {other}"
                    )
                    .into());
                }
            };
            Ok((key.clone(), delay))
        })
        .collect::<Result<Vec<_>, MessageError>>()?;
    Ok(ReleaseDelays::new(entries))
}

/// The table `check` prints: each key with its delay, or `"none"`.
pub(super) fn to_table(delays: &ReleaseDelays) -> toml::Value {
    let table = delays
        .entries()
        .iter()
        .map(|(key, delay)| {
            let text = delay.map_or("none".to_string(), |d| d.to_string());
            (key.clone(), toml::Value::String(text))
        })
        .collect();
    toml::Value::Table(table)
}

/// Checks that every `release_after` key of every policy names a reason of the
/// scenario's table or a class, so that a misspelt reason is an error and not a delay
/// that never applies.
pub(super) fn check_keys(
    policies: &ChannelPolicies,
    errors: &[ErrorEntry],
) -> Result<(), MessageError> {
    let known = |key: &str| {
        key.parse::<ErrorClass>().is_ok()
            || ReasonTable::built_in_names().any(|n| n == key)
            || errors.iter().any(|e| e.reason.as_deref() == Some(key))
    };
    // A key both channels have came from `[policy]`; one that only a channel has, from
    // that channel's table (`[policy.sms]`).
    let in_both = |key: &str| {
        [&policies.email, &policies.sms]
            .iter()
            .all(|p| p.release_after.entries().iter().any(|(k, _)| k == key))
    };
    let mut named: Vec<(String, &Policy)> = vec![
        ("policy.email".into(), &policies.email),
        ("policy.sms".into(), &policies.sms),
    ];
    for d in &policies.domains {
        let label = toml::Value::String(d.label.clone());
        named.push((format!("policy.domains.{label}"), &d.email));
    }
    for (prefix, policy) in named {
        if let Some((key, _)) = policy
            .release_after
            .entries()
            .iter()
            .find(|(k, _)| !known(k))
        {
            let prefix = if prefix.starts_with("policy.domains") || !in_both(key) {
                prefix
            } else {
                "policy".to_string()
            };
            return Err(format!(
                "{prefix}.release_after.{key}: not a reason of the reason table (see `retrysim classify` and docs/ERROR_CODES.md) nor a class (soft, hard, opt_out, business_retryable, business_final)"
            ).into());
        }
    }
    Ok(())
}
