//! Provider outages and the list's domains. An outage makes every address of a domain
//! fail at once, so it shows as an hour in which nearly every attempt to the domain
//! failed with a failure that is neither a hard bounce, an opt-out, an episode nor
//! greylisting. Consecutive such hours are one outage; it starts at the first such
//! failure after the domain's last delivery before them, and ends at the domain's first
//! delivery after its last one.

use std::collections::BTreeMap;

use super::history::{History, Kind};
use super::stats::Rate;

/// Attempts an hour needs before it can be called an outage: fewer say nothing.
const MIN_ATTEMPTS: usize = 5;
/// The share of an hour's attempts that must fail.
const MIN_FAILING: f64 = 0.8;
const HOUR: i64 = 3600;

/// One detected outage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    /// The domain.
    pub domain: String,
    /// First failure.
    pub start: i64,
    /// First delivery after, or one second after the last failure.
    pub end: i64,
    /// The commonest code of its failures.
    pub code: String,
    /// Failed attempts inside it.
    pub failures: usize,
}

/// Domains with their contact counts, and the outages found.
#[derive(Debug, Clone, PartialEq)]
pub struct Outages {
    /// Contacts per domain.
    pub domains: BTreeMap<String, u64>,
    /// Outages in time order per domain.
    pub found: Vec<Outage>,
    /// Outages per domain and day, with its interval.
    pub rate: (f64, f64, f64),
}

/// Finds outages among the email contacts.
pub fn find(histories: &[&History], codes: &[String], days: f64) -> Outages {
    let mut by_domain: BTreeMap<String, Vec<(i64, Kind, u32)>> = BTreeMap::new();
    let mut domains: BTreeMap<String, u64> = BTreeMap::new();
    for h in histories {
        let Some(d) = &h.domain else { continue };
        *domains.entry(d.clone()).or_default() += 1;
        let events = by_domain.entry(d.clone()).or_default();
        events.extend(h.seen.iter().map(|s| (s.at, s.kind, s.code)));
    }
    let mut found = Vec::new();
    for (domain, events) in &mut by_domain {
        // Stable, so same-second events keep the file's order.
        events.sort_by_key(|e| e.0);
        found.extend(in_domain(domain, events, codes));
    }
    let rate = Rate {
        count: found.len() as f64,
        exposure: domains.len() as f64 * days,
    };
    let (lo, hi) = rate.interval();
    let per_day = found.len() as f64 / (domains.len() as f64 * days).max(1e-9);
    Outages {
        domains,
        found,
        rate: (per_day, lo, hi),
    }
}

fn in_domain(domain: &str, events: &[(i64, Kind, u32)], codes: &[String]) -> Vec<Outage> {
    let mut hours: BTreeMap<i64, (usize, usize)> = BTreeMap::new();
    for &(at, kind, _) in events {
        let e = hours.entry(at.div_euclid(HOUR)).or_default();
        e.0 += 1;
        e.1 += usize::from(kind == Kind::Other);
    }
    let bad: Vec<i64> = hours
        .iter()
        .filter(|&(_, &(n, f))| n >= MIN_ATTEMPTS && f as f64 >= MIN_FAILING * n as f64)
        .map(|(&h, _)| h)
        .collect();
    let mut spans: Vec<(i64, i64)> = Vec::new();
    for h in bad {
        match spans.last_mut() {
            Some(last) if h == last.1 + 1 => last.1 = h,
            _ => spans.push((h, h)),
        }
    }
    spans
        .into_iter()
        .filter_map(|(from, to)| outage(domain, events, codes, from * HOUR, (to + 1) * HOUR))
        .collect()
}

fn outage(
    domain: &str,
    events: &[(i64, Kind, u32)],
    codes: &[String],
    from: i64,
    to: i64,
) -> Option<Outage> {
    let failing: Vec<&(i64, Kind, u32)> = events
        .iter()
        .filter(|e| e.0 >= from && e.0 < to && e.1 == Kind::Other)
        .collect();
    let first = failing.first()?.0;
    let last = failing.last()?.0;
    // Reach back over the failures since the domain's last delivery: an outage that
    // began in a quiet hour is flagged only from its first busy one.
    let delivered_before = events
        .iter()
        .rev()
        .find(|e| e.0 < first && e.1 == Kind::Delivered)
        .map_or(i64::MIN, |e| e.0);
    let start = events
        .iter()
        .find(|e| e.0 > delivered_before && e.1 == Kind::Other)
        .map_or(first, |e| e.0.min(first));
    let end = events
        .iter()
        .find(|e| e.0 > last && e.1 == Kind::Delivered)
        .map_or(last + 1, |e| e.0);
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for e in &failing {
        *counts.entry(e.2).or_default() += 1;
    }
    // The commonest code; ties go to the lowest id, which is deterministic.
    let code = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(&c, _)| codes[c as usize].clone())?;
    Some(Outage {
        domain: domain.to_string(),
        start,
        end,
        code,
        failures: failing.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_hour_of_failures_across_a_domain_is_one_outage() {
        let codes = vec!["4.4.1".to_string()];
        // Six failures between 10:00 and 10:50 (hour 10), then a delivery at 11:10; the
        // outage reaches back to the 09:40 failure, which followed a delivery.
        let mut events: Vec<(i64, Kind, u32)> = (0..6)
            .map(|i| (10 * HOUR + i * 600, Kind::Other, 0))
            .collect();
        events.push((11 * HOUR + 600, Kind::Delivered, 0));
        events.push((3 * HOUR, Kind::Other, 0));
        // A quiet hour before: one failure at 09:40 after a delivery at 09:30.
        events.push((9 * HOUR + 1800, Kind::Delivered, 0));
        events.push((9 * HOUR + 2400, Kind::Other, 0));
        events.sort_by_key(|e| e.0);
        let found = in_domain("gmail.com", &events, &codes);
        assert_eq!(
            found,
            vec![Outage {
                domain: "gmail.com".into(),
                start: 9 * HOUR + 2400,
                end: 11 * HOUR + 600,
                code: "4.4.1".into(),
                failures: 6,
            }]
        );
    }
}
