//! The built-in presets, as data: one TOML file per preset under `src/rules/presets/`,
//! compiled into the binary, each with its sources in comments.
//!
//! A preset file holds a one-line `description`, the `[bounds]` of the retry period that
//! belong to the platform (seed 004's 84 h cap is the `email` product's rule, not a law
//! of nature), and a `[policy]` table of policy keys. The scenario loader lays the user's
//! keys over that table, so a preset is never a code path of its own: any of its values
//! can be changed, and components can be mixed. `email` and `sms_portal` are RULES.md's
//! table "One engine, two presets"; the others follow their vendors' documentation.

use crate::time::Span;

/// Names of the built-in presets, in the order `retrysim presets` lists them.
pub const NAMES: [&str; 10] = [
    "email",
    "ajo",
    "sms_portal",
    "postfix",
    "kumomta",
    "mailgun",
    "ses",
    "sendgrid",
    "braze",
    "adobe_campaign",
];

/// The presets meant for email, for comparisons such as `scenarios/platforms.toml`.
pub const EMAIL_PLATFORMS: [&str; 8] = [
    "ajo",
    "postfix",
    "kumomta",
    "mailgun",
    "ses",
    "sendgrid",
    "braze",
    "adobe_campaign",
];

/// The file text of preset `name`; `ajo` is another name for `email`.
fn source(name: &str) -> Option<&'static str> {
    Some(match name {
        "email" | "ajo" => include_str!("presets/email.toml"),
        "sms_portal" => include_str!("presets/sms_portal.toml"),
        "postfix" => include_str!("presets/postfix.toml"),
        "kumomta" => include_str!("presets/kumomta.toml"),
        "mailgun" => include_str!("presets/mailgun.toml"),
        "ses" => include_str!("presets/ses.toml"),
        "sendgrid" => include_str!("presets/sendgrid.toml"),
        "braze" => include_str!("presets/braze.toml"),
        "adobe_campaign" => include_str!("presets/adobe_campaign.toml"),
        _ => return None,
    })
}

/// The least and largest retry period a preset accepts (E6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodBounds {
    /// Longest period for any message.
    pub max: Span,
    /// Shortest period for marketing messages.
    pub min_marketing: Span,
    /// Shortest period for transactional messages.
    pub min_transactional: Span,
}

/// One preset file, parsed.
#[derive(Debug, Clone)]
pub struct Preset {
    /// The one-line summary.
    pub description: String,
    /// The retry-period bounds of the platform.
    pub bounds: PeriodBounds,
    /// The policy keys.
    pub policy: toml::Table,
}

/// Preset `name`, or `None` for an unknown name.
pub fn preset(name: &str) -> Option<Preset> {
    let mut doc: toml::Table = source(name)?
        .parse()
        .expect("built-in presets are valid TOML");
    let text = |t: &toml::Table, key: &str| -> String {
        t.get(key)
            .and_then(toml::Value::as_str)
            .unwrap_or_else(|| panic!("built-in preset {name} lacks {key}"))
            .to_string()
    };
    let bounds = match doc.remove("bounds") {
        Some(toml::Value::Table(b)) => b,
        _ => panic!("built-in preset {name} lacks [bounds]"),
    };
    let span = |key: &str| Span::parse(&text(&bounds, key)).expect("built-in bounds are spans");
    let policy = match doc.remove("policy") {
        Some(toml::Value::Table(p)) => p,
        _ => panic!("built-in preset {name} lacks [policy]"),
    };
    Some(Preset {
        description: text(&doc, "description"),
        bounds: PeriodBounds {
            max: span("retry_period_max"),
            min_marketing: span("retry_period_min_marketing"),
            min_transactional: span("retry_period_min_transactional"),
        },
        policy,
    })
}

/// The policy keys of preset `name`, or `None` for an unknown name.
pub fn table(name: &str) -> Option<toml::Table> {
    preset(name).map(|p| p.policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_and_sets_the_same_keys() {
        let keys = |t: &toml::Table| t.keys().cloned().collect::<Vec<_>>();
        let email = keys(&table("email").unwrap());
        for name in NAMES {
            let p = preset(name).unwrap();
            assert_eq!(keys(&p.policy), email, "preset {name}");
            assert!(!p.description.is_empty());
            assert!(p.bounds.min_marketing <= p.bounds.max);
        }
        assert!(table("fax").is_none());
    }

    #[test]
    fn ajo_is_the_email_preset_and_keeps_seed_004_bounds_e6() {
        assert_eq!(table("ajo"), table("email"));
        let b = preset("ajo").unwrap().bounds;
        assert_eq!(b.max, Span::hours(84));
        assert_eq!(b.min_marketing, Span::hours(6));
        assert_eq!(b.min_transactional, Span::minutes(10));
    }

    #[test]
    fn platform_presets_are_all_known() {
        for name in EMAIL_PLATFORMS {
            assert!(NAMES.contains(&name));
        }
    }
}
