//! The `backoff` key of a `[policy]` table (E7): the schedule kind, the keys each kind
//! needs and the jitter, validated into a [`Backoff`] with messages that name the key.

use serde::Deserialize;

use super::policy::span;
use crate::error::MessageError;
use crate::rules::backoff::{Backoff, Jitter, Schedule};
use crate::time::Span;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBackoff {
    kind: String,
    interval: Option<String>,
    initial: Option<String>,
    factor: Option<f64>,
    cap: Option<String>,
    delays: Option<Vec<String>>,
    min: Option<String>,
    max: Option<String>,
    scan: Option<String>,
    jitter: Option<String>,
}

/// E7: the schedule kinds and their keys.
pub(super) fn backoff(raw: &RawBackoff, prefix: &str) -> Result<Backoff, MessageError> {
    let p = format!("{prefix}.backoff");
    let need = |key: &str, v: &Option<String>| -> Result<Span, MessageError> {
        let text = v
            .as_deref()
            .ok_or_else(|| format!("{p}.{key} is required for kind = {:?}", raw.kind))?;
        let s = span(&p, key, text)?;
        if s <= Span::ZERO {
            return Err(format!("{p}.{key} must be longer than 0s, got {s}").into());
        }
        Ok(s)
    };
    let schedule = match raw.kind.as_str() {
        "none" => Schedule::None,
        "fixed" => Schedule::Fixed {
            interval: need("interval", &raw.interval)?,
        },
        "exponential" => {
            let initial = need("initial", &raw.initial)?;
            let cap = need("cap", &raw.cap)?;
            let factor = raw.factor.unwrap_or(2.0);
            if !(factor.is_finite() && (1.0..=100.0).contains(&factor)) {
                return Err(format!("{p}.factor must be 1..=100, got {factor}").into());
            }
            if cap < initial {
                return Err(format!("{p}.cap ({cap}) must be at least initial ({initial})").into());
            }
            Schedule::Exponential {
                initial,
                factor,
                cap,
            }
        }
        "list" => {
            let delays = raw
                .delays
                .as_ref()
                .filter(|d| !d.is_empty())
                .ok_or_else(|| format!("{p}.delays must list at least one delay"))?;
            let delays = delays
                .iter()
                .map(|d| need("delays", &Some(d.clone())))
                .collect::<Result<_, _>>()?;
            Schedule::List { delays }
        }
        "age" => {
            let (min, max) = (need("min", &raw.min)?, need("max", &raw.max)?);
            if max < min {
                return Err(format!("{p}.max ({max}) must be at least min ({min})").into());
            }
            Schedule::Age {
                min,
                max,
                scan: need("scan", &raw.scan)?,
            }
        }
        other => {
            return Err(format!(
                "{p}.kind must be one of none, fixed, exponential, list, age, got {other:?}"
            )
            .into());
        }
    };
    let jitter_name = raw.jitter.as_deref().unwrap_or("none");
    let jitter = Jitter::parse(jitter_name).ok_or_else(|| {
        format!(
            "{p}.jitter must be one of none, full, equal, decorrelated, ten_percent, got {jitter_name:?}"
        )
    })?;
    Ok(Backoff { schedule, jitter })
}
