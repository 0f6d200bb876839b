//! The `email` and `sms_portal` presets: the seeds' defaults, as data.
//!
//! A preset is a TOML table of policy keys. The scenario loader lays the user's keys over
//! it, so a preset is never a code path of its own: any of its values can be changed, and
//! components can be mixed (email messages with the daily job, SMS with a threshold).
//! The values are RULES.md's table "One engine, two presets".

/// Names of the built-in presets.
pub const NAMES: [&str; 2] = ["email", "sms_portal"];

/// Seed `004_d32fcce6d09ec526.txt`: threshold 5, 84 h period, Postfix-style backoff.
const EMAIL: &str = r#"
soft_bounce_threshold = 5
cross_delivery_gap = "24h"
counter_reset = "any_delivery"
retry_period = "84h"
backoff = { kind = "exponential", initial = "5m", factor = 2.0, cap = "4000s", jitter = "none" }
hard_bounce_suppresses = true
opt_out_suppresses = true
suppression_ttl = "none"
eligibility_checks = false
auto_retry = false
auto_retry_at = "06:00"
auto_retry_every = "24h"
max_auto_attempts = 3
cost_per_attempt = 0.0001
"#;

/// Seed `000_e65adeafef008571.txt`: no schedule, a daily morning job with three attempts.
const SMS_PORTAL: &str = r#"
soft_bounce_threshold = "none"
cross_delivery_gap = "24h"
counter_reset = "any_delivery"
retry_period = "none"
backoff = { kind = "none" }
hard_bounce_suppresses = false
opt_out_suppresses = true
suppression_ttl = "none"
eligibility_checks = true
auto_retry = true
auto_retry_at = "06:00"
auto_retry_every = "24h"
max_auto_attempts = 3
cost_per_attempt = 0.0079
"#;

/// The settings of preset `name`, or `None` for an unknown name.
pub fn table(name: &str) -> Option<toml::Table> {
    let text = match name {
        "email" => EMAIL,
        "sms_portal" => SMS_PORTAL,
        _ => return None,
    };
    Some(text.parse().expect("built-in presets are valid TOML"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_and_sets_the_same_keys() {
        let email = table("email").unwrap();
        let sms = table("sms_portal").unwrap();
        let keys = |t: &toml::Table| t.keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&email), keys(&sms));
        assert!(table("fax").is_none());
    }
}
