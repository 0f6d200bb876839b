//! How much memory a scenario's worlds will take, estimated before any is built, so that
//! a size that validation accepts but the machine cannot hold ends in a clear error
//! naming the estimate and the limit instead of an allocator abort.
//!
//! The estimate counts messages and contacts (expected values of the synthetic program,
//! or the imported files' sizes) and multiplies them by generous per-item sizes: a
//! message costs its send (16 bytes), its packed state (20), its jitter and
//! time-to-deliver slots and its share of the event queue; a contact its state (32), its
//! name, its failure windows and its counter.

use anyhow::bail;

use crate::error::MessageError;
use crate::scenario::{Scenario, WorkloadSpec};
use crate::workload::synthetic::SyntheticSpec;
use crate::workload::{Channel, MAX_MESSAGES};

/// Bytes per message of a built and running world (an upper estimate).
pub const BYTES_PER_MESSAGE: u64 = 128;
/// Bytes per contact of a built and running world (an upper estimate).
pub const BYTES_PER_CONTACT: u64 = 192;
/// The shortest plausible line of an imported `sends.csv` or `failures.csv`, for
/// estimating their rows from the files' sizes.
const MIN_LINE: u64 = 32;

/// The estimated size of one replication's world.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Expected messages.
    pub messages: u64,
    /// Contacts.
    pub contacts: u64,
}

impl Estimate {
    /// Bytes of one world.
    pub fn bytes(&self) -> u64 {
        self.messages
            .saturating_mul(BYTES_PER_MESSAGE)
            .saturating_add(self.contacts.saturating_mul(BYTES_PER_CONTACT))
    }
}

/// Estimates one world of `scenario`, refusing a synthetic program whose expected
/// message count is above [`MAX_MESSAGES`] before drawing it.
pub fn estimate(scenario: &Scenario) -> anyhow::Result<Estimate> {
    let estimate = match &scenario.workload {
        WorkloadSpec::Synthetic(spec) => synthetic(spec, scenario.horizon.0.max(0) as f64),
        WorkloadSpec::Csv(trace) => {
            let size = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len());
            let messages = size(&trace.sends) / MIN_LINE;
            let windows = trace.failures.as_deref().map_or(0, size) / MIN_LINE;
            Estimate {
                messages,
                contacts: messages.saturating_add(windows),
            }
        }
    };
    if estimate.messages > MAX_MESSAGES as u64 {
        bail!(
            "{}: the workload would make about {} messages; at most {MAX_MESSAGES} are supported",
            scenario.origin,
            estimate.messages
        );
    }
    Ok(estimate)
}

/// The expected program of a synthetic workload over `horizon` seconds.
fn synthetic(spec: &SyntheticSpec, horizon: f64) -> Estimate {
    let contacts = f64::from(spec.contacts);
    let on = |channel: Channel| match channel {
        Channel::Sms => contacts * spec.sms_share,
        Channel::Email => contacts * (1.0 - spec.sms_share),
    };
    let campaigns: f64 = spec
        .campaigns
        .iter()
        .map(|c| (horizon / c.every.0.max(1) as f64 + 1.0) * c.audience * on(c.channel))
        .sum();
    let streams: f64 = spec.streams.iter().map(|s| s.rate * horizon).sum();
    Estimate {
        messages: (campaigns + streams).ceil().min(u64::MAX as f64) as u64,
        contacts: u64::from(spec.contacts),
    }
}

/// Refuses `worlds` worlds of `estimate` when they exceed `limit` bytes; `what` names
/// the command in the message.
pub fn check(
    estimate: Estimate,
    worlds: u64,
    limit: Option<u64>,
    what: &str,
) -> anyhow::Result<()> {
    let Some(limit) = limit else {
        return Ok(());
    };
    let need = estimate.bytes().saturating_mul(worlds);
    if need > limit {
        bail!(
            "{what} needs about {} ({worlds} world(s) of {} messages and {} contacts) but \
             the memory limit is {}; use fewer contacts, replications or threads, a \
             shorter horizon, or raise --memory-limit",
            human(need),
            estimate.messages,
            estimate.contacts,
            human(limit)
        );
    }
    Ok(())
}

/// Whether `worlds` worlds of `estimate` fit in `limit`.
pub fn fits(estimate: Estimate, worlds: u64, limit: Option<u64>) -> bool {
    check(estimate, worlds, limit, "").is_ok()
}

/// The limit: `--memory-limit`, else the memory the system reports available (Linux's
/// `MemAvailable`), else none.
pub fn limit(option: Option<u64>) -> Option<u64> {
    option.or_else(available)
}

fn available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

/// Parses a size such as `512M`, `8G`, `1.5GiB` or a plain number of bytes.
pub fn parse_size(text: &str) -> Result<u64, MessageError> {
    let bad = || MessageError::from(format!("expected a size such as 512M or 8G, got {text:?}"));
    let t = text.trim();
    let (number, unit) = t.split_at(t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len()));
    let unit = unit.to_ascii_uppercase();
    let unit = unit
        .strip_suffix("IB")
        .or_else(|| unit.strip_suffix('B'))
        .unwrap_or(&unit);
    let scale = match unit {
        "" => 1.0,
        "K" => 1024.0,
        "M" => 1024.0 * 1024.0,
        "G" => 1024.0 * 1024.0 * 1024.0,
        "T" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return Err(bad()),
    };
    match number.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 && n * scale < 1.8e19 => Ok((n * scale) as u64),
        _ => Err(bad()),
    }
}

fn human(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    let b = bytes as f64;
    if b >= 1024.0 * MIB {
        format!("{:.1} GiB", b / (1024.0 * MIB))
    } else {
        format!("{:.1} MiB", b / MIB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(sets: &[&str]) -> Scenario {
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        Scenario::load(None, &sets).unwrap()
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("8G"), Ok(8 << 30));
        assert_eq!(parse_size("8GiB"), Ok(8 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        for bad in ["", "G", "-1G", "8X", "nan", "1e30T"] {
            assert!(parse_size(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn worlds_above_the_limit_are_refused_with_the_estimate_and_the_limit() {
        let s = scenario(&["workload.contacts=50000000"]);
        let e = estimate(&s).unwrap();
        assert_eq!(e.contacts, 50_000_000);
        let err = check(e, 1000, Some(8 << 30), "run")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("1000 world(s)") && err.contains("8.0 GiB"),
            "{err}"
        );
        let small = estimate(&scenario(&["workload.contacts=100"])).unwrap();
        check(small, 4, Some(8 << 30), "run").unwrap();
    }

    #[test]
    fn a_program_above_the_message_limit_is_refused_before_it_is_drawn() {
        let s = scenario(&[
            "workload.streams=[{ name = \"flood\", channel = \"email\", message_type = \"transactional\", per_day = 100000000 }]",
            "horizon=\"3650d\"",
        ]);
        let err = estimate(&s).unwrap_err().to_string();
        assert!(err.contains("at most 4294967294"), "{err}");
    }

    #[test]
    fn the_estimate_is_close_to_the_default_scenarios_program() {
        let s = scenario(&[]);
        let e = estimate(&s).unwrap();
        let world = crate::study::build_world(&s, 0).unwrap();
        let actual = world.workload.sends.len() as f64;
        assert!(
            (e.messages as f64 - actual).abs() < 0.25 * actual,
            "{e:?} vs {actual}"
        );
    }
}
