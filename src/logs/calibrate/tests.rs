//! Invariants of calibration over arbitrary observation histories: whatever a log
//! shows, every fitted value lies in its interval, shares stay in [0, 1], and the
//! written scenario validates.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::history::{Histories, History, Kind, Seen};
use super::{fit_histories, scenario_text};
use crate::scenario::Scenario;
use crate::time::Instant;
use crate::workload::Channel;

const KINDS: [Kind; 6] = [
    Kind::Delivered,
    Kind::Hard,
    Kind::OptOut,
    Kind::Persistent,
    Kind::Greylist,
    Kind::Other,
];

const START: i64 = 1_772_409_600; // 2026-03-02T00:00:00Z

/// One contact: is it a phone number, and its (seconds after start, kind index, first
/// attempt) observations.
type RawContact = (bool, Vec<(i64, usize, bool)>);

fn contact() -> impl Strategy<Value = RawContact> {
    (
        any::<bool>(),
        prop::collection::vec((0i64..14 * 86_400, 0usize..6, any::<bool>()), 1..12),
    )
}

fn histories(contacts: Vec<RawContact>) -> Histories {
    let mut map = BTreeMap::new();
    let mut extent = (Instant::NEVER, Instant(i64::MIN));
    for (i, (sms, events)) in contacts.into_iter().enumerate() {
        let mut seen: Vec<Seen> = events
            .iter()
            .enumerate()
            .map(|(j, &(t, k, first))| Seen {
                at: START + t,
                // Every contact's earliest observation is some message's first attempt.
                first: first || j == 0,
                kind: KINDS[k],
                code: 0,
            })
            .collect();
        seen.sort_by_key(|s| s.at);
        seen[0].first = true;
        for s in &seen {
            extent = (extent.0.min(Instant(s.at)), extent.1.max(Instant(s.at)));
        }
        let (name, channel, domain) = if sms {
            (format!("+1555{i:07}"), Channel::Sms, None)
        } else {
            let d = ["a.example", "b.example"][i % 2];
            (format!("c{i}@{d}"), Channel::Email, Some(d.to_string()))
        };
        map.insert(
            name,
            History {
                channel,
                domain,
                seen,
            },
        );
    }
    Histories {
        contacts: map,
        codes: vec!["4.4.1".into()],
        extent,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn every_fit_lies_in_its_interval_and_the_scenario_validates(
        contacts in prop::collection::vec(contact(), 1..40)
    ) {
        let h = histories(contacts);
        let fit = fit_histories(&h);
        for (name, mix) in &fit.channels {
            for f in [&mix.invalid, &mix.dead, &mix.opt_out, &mix.healthy]
                .into_iter()
                .chain(mix.flaky.as_ref())
            {
                prop_assert!(0.0 <= f.lo && f.lo <= f.value && f.value <= f.hi && f.hi <= 1.0,
                    "{name}: {f:?}");
            }
            if let Some(e) = &mix.episodes {
                prop_assert!(e.mu.1 <= e.mu.0 && e.mu.0 <= e.mu.2, "{e:?}");
                let (w, lo, hi) = e.dead_share;
                prop_assert!(0.0 <= lo && lo <= w && w <= hi && hi <= 1.0, "{e:?}");
            }
        }
        let text = scenario_text(&fit, std::path::Path::new("in"));
        let doc: toml::Table = text.parse().expect("the text is TOML");
        let checked = Scenario::from_document(doc, ".".into(), "calibrated.toml".into());
        prop_assert!(checked.is_ok(), "{:?}\n{text}", checked.err());
    }
}
