//! The vendor presets (issue 14): each replays one contact that fails for ever and
//! checks every attempt time against the schedule worked out by hand from the vendor's
//! documentation (see the preset files under src/rules/presets/), then its behaviour on
//! a hard bounce (E8). Also the components the presets need (the `age` schedule, the
//! delay floor, `max_attempts`), the per-preset retry-period bounds (E6) and the
//! per-domain tables.
//!
//! Every trace: a run from Monday 2026-01-05T00:00:00Z for ten days; message m1 is
//! created at 09:00 and its contact fails with 4.4.1 (soft) from midnight on.

use crate::support::{Trace, at, scenario};

const HEAD: &str =
    "seed = 7\nstart = \"2026-01-05T00:00:00Z\"\nhorizon = \"10d\"\ntimezone = \"UTC\"\n";
const CREATED: &str = "2026-01-05T09:00:00Z";

/// A scenario with preset `name` and extra `[policy]` lines.
fn preset(name: &str, lines: &str) -> String {
    format!("{HEAD}[policy]\npreset = \"{name}\"\n{lines}\n")
}

/// The seconds from m1's creation to each of its attempts when alice fails for ever.
fn failing_for_ever(scenario_toml: &str) -> (Vec<i64>, crate::support::Run) {
    let run = Trace::email()
        .send("m1", "alice@example.org", CREATED, "d1")
        .fails_from("alice@example.org", "4.4.1", "2026-01-05T00:00:00Z")
        .run(scenario_toml);
    let created = at(CREATED);
    let offsets = run
        .attempt_times("m1")
        .iter()
        .map(|t| at(t).since(created).0)
        .collect();
    (offsets, run)
}

/// Minutes as seconds.
fn minutes(list: &[i64]) -> Vec<i64> {
    list.iter().map(|m| m * 60).collect()
}

/// A hard bounce of m1 at 09:00, and m2 to the same contact an hour later.
fn hard_bounce(scenario_toml: &str) -> crate::support::Run {
    Trace::email()
        .send("m1", "bob@example.org", CREATED, "d1")
        .send("m2", "bob@example.org", "2026-01-05T10:00:00Z", "d2")
        .fails_from("bob@example.org", "5.1.1", "2026-01-05T00:00:00Z")
        .run(scenario_toml)
}

/// A hard bounce that suppresses: m1 bounces, the contact is suppressed at 09:00, and
/// m2 is never attempted.
fn assert_hard_bounce_suppresses(scenario_toml: &str) {
    let run = hard_bounce(scenario_toml);
    assert_eq!(run.attempt_times("m2"), Vec::<String>::new());
    assert_eq!(
        run.suppressions(),
        [(
            "bob@example.org".into(),
            "2026-01-05T09:00:00Z".into(),
            "hard_bounce",
            0
        )]
    );
    assert_eq!(
        run.final_counts(),
        [("hard_bounced", 1), ("skipped_suppressed", 1)]
    );
}

/// A hard bounce that ends the message only: m2 is attempted and bounces too.
fn assert_hard_bounce_ends_the_message_only(scenario_toml: &str) {
    let run = hard_bounce(scenario_toml);
    assert_eq!(run.attempt_times("m2"), ["2026-01-05T10:00:00Z"]);
    assert!(run.suppressions().is_empty());
    assert_eq!(run.final_counts(), [("hard_bounced", 2)]);
}

/// The exponential schedule of RULES.md E7 (5 min, ×2, cap 4000 s) within `period`
/// seconds: 0, 300, 900, 2100, 4500, then every 4000 s while before the period's end.
fn default_schedule_within(period: i64) -> Vec<i64> {
    let mut tries = vec![0, 300, 900, 2100, 4500];
    while tries.last().unwrap() + 4000 < period {
        tries.push(tries.last().unwrap() + 4000);
    }
    tries
}

// ------------------------------------------------------------------------- postfix

/// Postfix: age-based backoff clamped to 300..4000 s, on 300 s queue scans, 5 d life.
#[test]
fn postfix_tries_on_queue_scans_until_five_days_e6_e7() {
    let (tries, run) = failing_for_ever(&preset("postfix", ""));
    // 0, 300, 600, 1200, 2400, 4800 (each delay = the age), then 4800 + 4000 = 8800
    // rounds up to the 9000 s scan, 9000 + 4000 = 13000 to 13200: every 4200 s after.
    assert_eq!(tries[..8], [0, 300, 600, 1200, 2400, 4800, 9000, 13200]);
    let mut expected = tries[..8].to_vec();
    // The last try before the 5 d = 432000 s lifetime: 13200 + 99 × 4200 = 429000.
    while expected.last().unwrap() + 4200 < 432_000 {
        expected.push(expected.last().unwrap() + 4200);
    }
    assert_eq!(*expected.last().unwrap(), 429_000);
    assert_eq!(tries, expected);
    assert_eq!(tries.len(), 107);
    // No counter: the contact is never suppressed, the message expires.
    assert!(run.suppressions().is_empty());
    assert_eq!(run.final_counts(), [("expired", 1)]);
}

/// Postfix keeps no suppression list: a hard bounce ends the message only (E8).
#[test]
fn postfix_hard_bounce_suppresses_nothing_e8() {
    assert_hard_bounce_ends_the_message_only(&preset("postfix", ""));
}

// ------------------------------------------------------------------------- kumomta

/// KumoMTA without jitter: 20 min doubling within max_age 7 d.
#[test]
fn kumomta_doubles_from_twenty_minutes_without_jitter_e7() {
    let (tries, run) = failing_for_ever(&preset("kumomta", "backoff = { jitter = \"none\" }"));
    // Delays 20, 40, 80, ..., 5120 min: tries at 0, 20, 60, 140, 300, 620, 1260, 2540,
    // 5100 min; the next, 10220 min, is beyond 7 d = 10080 min.
    assert_eq!(
        tries,
        minutes(&[0, 20, 60, 140, 300, 620, 1260, 2540, 5100])
    );
    assert_eq!(run.final_counts(), [("expired", 1)]);
}

/// KumoMTA with its documented jitter: each delay within ±10% of the nominal one.
#[test]
fn kumomta_jitter_stays_within_ten_percent_e7() {
    for replication in 0..4 {
        let run = Trace::email()
            .send("m1", "alice@example.org", CREATED, "d1")
            .fails_from("alice@example.org", "4.4.1", "2026-01-05T00:00:00Z")
            .run_replication(&preset("kumomta", ""), replication);
        let times: Vec<i64> = run.attempt_times("m1").iter().map(|t| at(t).0).collect();
        assert!(times.len() >= 8, "{times:?}");
        for (n, pair) in times.windows(2).enumerate() {
            let nominal = 1200.0 * 2f64.powi(n as i32);
            let delay = (pair[1] - pair[0]) as f64;
            assert!(
                delay >= (nominal * 0.9).floor() && delay <= (nominal * 1.1).ceil(),
                "delay {n}: {delay} s against {nominal} s"
            );
        }
    }
}

/// KumoMTA keeps no suppression list of its own (E8).
#[test]
fn kumomta_hard_bounce_suppresses_nothing_e8() {
    assert_hard_bounce_ends_the_message_only(&preset("kumomta", ""));
}

// ------------------------------------------------------------------------- mailgun

/// Mailgun: retries after 10, 15, 30, 60, 120, 240 min, within 8 h.
#[test]
fn mailgun_retries_on_its_list_within_eight_hours_e6_e7() {
    let (tries, run) = failing_for_ever(&preset("mailgun", ""));
    // The next try, 475 + 240 = 715 min, is after 8 h = 480 min.
    assert_eq!(tries, minutes(&[0, 10, 25, 55, 115, 235, 475]));
    assert!(run.suppressions().is_empty(), "no soft-bounce threshold");
    assert_eq!(run.final_counts(), [("expired", 1)]);
}

/// Mailgun puts a hard-bounced address on its bounce list (E8).
#[test]
fn mailgun_hard_bounce_suppresses_e8() {
    assert_hard_bounce_suppresses(&preset("mailgun", ""));
}

// ------------------------------------------------------- ses, sendgrid and braze

/// Amazon SES: the default schedule within 14 h (MaxDeliverySeconds at most 50400 s).
#[test]
fn ses_retries_within_fourteen_hours_e6_e7() {
    let (tries, run) = failing_for_ever(&preset("ses", ""));
    // 4500 + 11 × 4000 = 48500; the next, 52500, is past 50400.
    let expected = default_schedule_within(50_400);
    assert_eq!(expected.len(), 16);
    assert_eq!(*expected.last().unwrap(), 48_500);
    assert_eq!(tries, expected);
    assert!(run.suppressions().is_empty());
}

/// SendGrid: the default schedule within 72 h.
#[test]
fn sendgrid_retries_deferrals_for_seventy_two_hours_e6_e7() {
    let (tries, _) = failing_for_ever(&preset("sendgrid", ""));
    // 4500 + 63 × 4000 = 256500; the next, 260500, is past 72 h = 259200 s.
    let expected = default_schedule_within(259_200);
    assert_eq!(expected.len(), 68);
    assert_eq!(*expected.last().unwrap(), 256_500);
    assert_eq!(tries, expected);
}

/// Braze: soft bounces retried for 72 h, on the same default schedule.
#[test]
fn braze_retries_soft_bounces_for_seventy_two_hours_e6_e7() {
    let (tries, run) = failing_for_ever(&preset("braze", ""));
    assert_eq!(tries, default_schedule_within(259_200));
    assert_eq!(run.final_counts(), [("expired", 1)]);
}

/// SES, SendGrid and Braze suppress a hard-bounced address (E8).
#[test]
fn ses_sendgrid_and_braze_hard_bounces_suppress_e8() {
    for name in ["ses", "sendgrid", "braze"] {
        assert_hard_bounce_suppresses(&preset(name, ""));
    }
}

// ----------------------------------------------------------- adobe_campaign and ajo

/// Adobe Campaign: quarantine when the fifth soft error of the message counts (E3, E4).
#[test]
fn adobe_campaign_quarantines_at_the_fifth_soft_error_e3() {
    // The retries of one message all count (E4): 0, 5, 15, 35, 75 min, the fifth
    // reaches the threshold and quarantines the address.
    let (tries, run) = failing_for_ever(&preset("adobe_campaign", ""));
    assert_eq!(tries, [0, 300, 900, 2100, 4500]);
    assert_eq!(
        run.suppressions(),
        [(
            "alice@example.org".into(),
            "2026-01-05T10:15:00Z".into(),
            "soft_bounce_threshold",
            5
        )]
    );
    assert_hard_bounce_suppresses(&preset("adobe_campaign", ""));
}

/// `ajo` is the `email` preset of seed 004 under its product's name.
#[test]
fn ajo_behaves_as_the_email_preset_e3_e8() {
    let (ajo, _) = failing_for_ever(&preset("ajo", ""));
    let (email, _) = failing_for_ever(&preset("email", ""));
    assert_eq!(ajo, [0, 300, 900, 2100, 4500]);
    assert_eq!(ajo, email);
    assert_hard_bounce_suppresses(&preset("ajo", ""));
}

// ------------------------------------------------------------- general components

/// `max_attempts` stops the schedule; the message then expires (E7).
#[test]
fn max_attempts_ends_the_schedule_e7() {
    let lines = "soft_bounce_threshold = \"none\"\nmax_attempts = 3";
    let (tries, run) = failing_for_ever(&preset("email", lines));
    assert_eq!(tries, [0, 300, 900]);
    assert_eq!(run.final_counts(), [("expired", 1)]);
}

/// `min_delay` raises every shorter delay (E7): 10, 10, 20, 40 min instead of 5, 10,
/// 20, 40; the fifth soft bounce, at 80 min, suppresses.
#[test]
fn min_delay_raises_short_delays_e7() {
    let (tries, _) = failing_for_ever(&preset("email", "min_delay = \"10m\""));
    assert_eq!(tries, minutes(&[0, 10, 20, 40, 80]));
}

/// E6: the retry-period bounds belong to the preset.
#[test]
fn retry_period_bounds_belong_to_the_preset_e6() {
    assert!(scenario(&preset("postfix", "retry_period = \"30d\"")).is_ok());
    let err = scenario(&preset("postfix", "retry_period = \"31d\"")).unwrap_err();
    assert!(
        err.contains("policy.retry_period must be at most 30d"),
        "{err}"
    );
    let err = scenario(&preset("ajo", "retry_period = \"5d\"")).unwrap_err();
    assert!(err.contains("at most 84h"), "{err}");
    let err = scenario(&preset("fax", "")).unwrap_err();
    assert!(
        err.contains("postfix") && err.contains("adobe_campaign"),
        "{err}"
    );
}

// ------------------------------------------------------------------ domain tables

/// Domain over channel over base: gmail.com's table sets no threshold and a 6 h period;
/// the email channel's 30 min schedule and the base threshold of 3 apply elsewhere.
#[test]
fn a_domain_table_overrides_the_channel_and_the_base() {
    let policy = "soft_bounce_threshold = 3\n\
        [policy.email]\nretry_period = \"24h\"\nbackoff = { kind = \"fixed\", interval = \"30m\" }\n\
        [policy.domains.google]\nnames = [\"gmail.com\", \"googlemail.com\"]\n\
        soft_bounce_threshold = \"none\"\nretry_period = \"6h\"\n";
    let run = Trace::email()
        .send("a1", "alice@GMAIL.com", CREATED, "d1")
        .send("b1", "bob@example.org", CREATED, "d1")
        .fails_from("alice@GMAIL.com", "4.4.1", "2026-01-05T00:00:00Z")
        .fails_from("bob@example.org", "4.4.1", "2026-01-05T00:00:00Z")
        .run(&preset("email", policy));
    // alice (gmail.com, any case): every 30 min (channel) for 6 h (domain), no
    // counter (domain): 12 tries, 09:00 to 14:30, then expired.
    let alice = run.attempt_times("a1");
    assert_eq!(alice.len(), 12);
    assert_eq!(alice.last().unwrap(), "2026-01-05T14:30:00Z");
    // bob: threshold 3 (base) reached at the third try, 10:00.
    assert_eq!(
        run.suppressions(),
        [(
            "bob@example.org".into(),
            "2026-01-05T10:00:00Z".into(),
            "soft_bounce_threshold",
            3
        )]
    );
    assert_eq!(run.final_counts(), [("expired", 1), ("suppressed", 1)]);
}

/// A domain table may name its own preset, and `check`'s output reads back the same.
#[test]
fn a_domain_table_with_a_preset_reads_back_the_same() {
    let policy = "[policy.domains.\"example.org\"]\npreset = \"postfix\"\n";
    let (tries, _) = failing_for_ever(&preset("email", policy));
    assert_eq!(tries[..8], [0, 300, 600, 1200, 2400, 4800, 9000, 13200]);
    let first = scenario(&preset("email", policy)).unwrap();
    let text = toml::to_string(&first.resolved()).unwrap();
    let again = crate::support::scenario(&text).unwrap();
    assert_eq!(again.policies, first.policies);
    assert!(text.contains("[policy.domains.\"example.org\"]"), "{text}");
}

/// A domain named by two tables is an error that names the table and the domain.
#[test]
fn a_domain_named_twice_is_rejected() {
    let policy =
        "[policy.domains.a]\nnames = [\"x.org\"]\n[policy.domains.b]\nnames = [\"X.org\"]\n";
    let err = scenario(&preset("email", policy)).unwrap_err();
    assert!(
        err.contains("policy.domains.\"b\"") && err.contains("x.org"),
        "{err}"
    );
}

// ---------------------------------------------------------------- retrysim presets

/// `retrysim presets` lists every preset with its bounds and settings, and each listing
/// read back as a scenario's `[policy]` gives the preset's own settings.
#[test]
fn the_presets_command_shows_every_setting_and_reads_back() {
    let out = assert_cmd::Command::cargo_bin("retrysim")
        .unwrap()
        .arg("presets")
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for name in retrysim::rules::presets::NAMES {
        assert!(
            text.contains(&format!("# {name}: ")),
            "{name} missing:\n{text}"
        );
        let listing = presets_listing(name);
        let from_listing = scenario(&format!("{HEAD}{listing}")).unwrap();
        let from_name = scenario(&preset(name, "")).unwrap();
        assert_eq!(from_listing.policies, from_name.policies, "{name}");
    }
    assert!(text.contains("kind = \"age\""));
    assert!(text.contains("at most 30d") && text.contains("at most 84h"));
}

/// What `retrysim presets NAME` prints for one preset.
fn presets_listing(name: &str) -> String {
    let out = assert_cmd::Command::cargo_bin("retrysim")
        .unwrap()
        .args(["presets", name])
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// An unknown preset name is an error that lists the known ones.
#[test]
fn the_presets_command_rejects_an_unknown_name() {
    let out = assert_cmd::Command::cargo_bin("retrysim")
        .unwrap()
        .args(["presets", "fax"])
        .assert()
        .failure();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("unknown preset \"fax\"") && err.contains("kumomta"),
        "{err}"
    );
}
