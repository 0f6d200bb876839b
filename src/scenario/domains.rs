//! The `[policy.domains]` tables: settings for email to the contacts of one receiving
//! domain, or of a list of domains, laid over the email channel's settings.
//!
//! ```toml
//! [policy.domains."gmail.com"]
//! retry_period = "24h"
//!
//! [policy.domains.microsoft]          # a label, with the domains it covers
//! names = ["outlook.com", "hotmail.com"]
//! backoff = { kind = "fixed", interval = "30m" }
//! ```
//!
//! Precedence is domain over channel over base: an email message's settings start from
//! the preset, then the base `[policy]` keys, then `[policy.email]`, then its contact's
//! domain table. SMS messages never use domain tables. A domain table that names its own `preset` starts from that preset
//! alone, as a channel table does.

use super::Warning;
use super::policy::{channel_overlay, lay_over, overlaid_policy};
use crate::error::MessageError;
use crate::kinds::Channel;
use crate::rules::domains::DomainPolicy;

/// Validates every `[policy.domains]` table, in the order of their labels.
pub fn domain_policies(
    policy: &toml::Table,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<DomainPolicy>, MessageError> {
    let tables = match policy.get("domains") {
        None => return Ok(Vec::new()),
        Some(toml::Value::Table(t)) => t,
        Some(_) => return Err("policy.domains must be a table of domain tables".into()),
    };
    if tables.len() > usize::from(u16::MAX - 1) {
        return Err("policy.domains holds too many tables".into());
    }
    let mut out: Vec<DomainPolicy> = Vec::new();
    for (label, table) in tables {
        let prefix = format!("policy.domains.{}", toml::Value::String(label.clone()));
        let toml::Value::Table(table) = table else {
            return Err(format!("{prefix} must be a table of policy keys").into());
        };
        let names = names(label, table, &prefix)?;
        if let Some(clash) = out
            .iter()
            .find_map(|d| names.iter().find(|n| d.names.contains(n)))
        {
            return Err(format!("{prefix}: domain {clash:?} is named by two tables").into());
        }
        let keys: toml::Table = table
            .iter()
            .filter(|(k, _)| k.as_str() != "names")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let overlay = combined(channel_overlay(policy, Channel::Email)?, &keys);
        out.push(DomainPolicy {
            label: label.clone(),
            email: overlaid_policy(policy, Some(&overlay), &prefix, warnings)?,
            names,
        });
    }
    Ok(out)
}

/// The domains a table covers: its `names` list, or else its label.
fn names(label: &str, table: &toml::Table, prefix: &str) -> Result<Vec<String>, MessageError> {
    let list = match table.get("names") {
        None => vec![label.to_string()],
        Some(toml::Value::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("{prefix}.names must list domain names as text"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(format!("{prefix}.names must be a non-empty list of domains").into());
        }
    };
    for name in &list {
        if name.is_empty() || name.contains('@') || name.contains(char::is_whitespace) {
            return Err(format!(
                "{prefix}: {name:?} is not a domain name (write it without the local part)"
            )
            .into());
        }
    }
    Ok(list.into_iter().map(|n| n.to_ascii_lowercase()).collect())
}

/// The channel's table with the domain's keys laid over it; a domain table with its own
/// preset ignores the channel's table.
fn combined(channel: Option<&toml::Table>, domain: &toml::Table) -> toml::Table {
    if domain.contains_key("preset") {
        return domain.clone();
    }
    let mut out = channel.cloned().unwrap_or_default();
    lay_over(&mut out, domain);
    out
}
