//! A validated policy written back as TOML: what `retrysim check` prints and what every
//! result folder keeps in `scenario.toml`. Reading the output back gives the same policy.

use crate::rules::backoff::{Backoff, Schedule};
use crate::rules::domains::DomainPolicy;
use crate::rules::policy::Policy;
use crate::time::Span;

/// The policy of one channel as a complete TOML table, for `retrysim check`.
pub fn to_table(p: &Policy) -> toml::Table {
    let mut t = toml::Table::new();
    let mut put = |k: &str, v: toml::Value| {
        t.insert(k.to_string(), v);
    };
    let text = |s: String| toml::Value::String(s);
    let opt_span = |s: Option<Span>| text(s.map_or("none".to_string(), |s| s.to_string()));
    put("preset", text(p.preset.clone()));
    put(
        "soft_bounce_threshold",
        p.soft_bounce_threshold
            .map_or(text("none".into()), |n| toml::Value::Integer(n.into())),
    );
    put("cross_delivery_gap", text(p.cross_delivery_gap.to_string()));
    put("counter_reset", text(p.counter_reset.name().to_string()));
    // One period for both types reads back as the single key users write.
    if p.retry_period.marketing == p.retry_period.transactional {
        put("retry_period", opt_span(p.retry_period.marketing));
    } else {
        put("retry_period_marketing", opt_span(p.retry_period.marketing));
        put(
            "retry_period_transactional",
            opt_span(p.retry_period.transactional),
        );
    }
    put("backoff", toml::Value::Table(backoff_table(&p.backoff)));
    put("min_delay", text(p.min_delay.to_string()));
    put(
        "max_attempts",
        p.max_attempts
            .map_or(text("none".into()), |n| toml::Value::Integer(n.into())),
    );
    put(
        "hard_bounce_suppresses",
        toml::Value::Boolean(p.hard_bounce_suppresses),
    );
    put(
        "opt_out_suppresses",
        toml::Value::Boolean(p.opt_out_suppresses),
    );
    put("suppression_ttl", opt_span(p.suppression_ttl));
    if !p.release_after.is_empty() {
        put("release_after", super::release::to_table(&p.release_after));
    }
    put(
        "eligibility_checks",
        toml::Value::Boolean(p.eligibility_checks),
    );
    put("auto_retry", toml::Value::Boolean(p.auto_retry.is_some()));
    if let Some(job) = p.auto_retry {
        put("auto_retry_at", text(job.at.to_string()));
        put("auto_retry_every", text(job.every.to_string()));
        put(
            "max_auto_attempts",
            toml::Value::Integer(job.max_attempts.into()),
        );
    }
    put("cost_per_attempt", toml::Value::Float(p.cost_per_attempt));
    t
}

/// The `[policy.domains]` tables, each a complete policy naming its preset, so that
/// reading them back ignores the channel's keys and gives the same settings.
pub fn domains_table(domains: &[DomainPolicy]) -> toml::Table {
    domains
        .iter()
        .map(|d| {
            let mut t = to_table(&d.email);
            let names = d.names.iter().cloned().map(toml::Value::String).collect();
            t.insert("names".into(), toml::Value::Array(names));
            (d.label.clone(), toml::Value::Table(t))
        })
        .collect()
}

fn backoff_table(b: &Backoff) -> toml::Table {
    let mut t = toml::Table::new();
    let s = |v: Span| toml::Value::String(v.to_string());
    let kind = match &b.schedule {
        Schedule::None => "none",
        Schedule::Fixed { interval } => {
            t.insert("interval".into(), s(*interval));
            "fixed"
        }
        Schedule::Exponential {
            initial,
            factor,
            cap,
        } => {
            t.insert("initial".into(), s(*initial));
            t.insert("factor".into(), toml::Value::Float(*factor));
            t.insert("cap".into(), s(*cap));
            "exponential"
        }
        Schedule::List { delays } => {
            t.insert(
                "delays".into(),
                toml::Value::Array(delays.iter().map(|d| s(*d)).collect()),
            );
            "list"
        }
        Schedule::Age { min, max, scan } => {
            t.insert("min".into(), s(*min));
            t.insert("max".into(), s(*max));
            t.insert("scan".into(), s(*scan));
            "age"
        }
    };
    t.insert("kind".into(), toml::Value::String(kind.into()));
    t.insert("jitter".into(), toml::Value::String(b.jitter.name().into()));
    t
}
