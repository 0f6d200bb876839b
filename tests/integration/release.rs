//! Release of suppressed contacts per failure reason or class (E9, `release_after`), and
//! Adobe Campaign's automatic quarantine release that uses it (issue 14).
//!
//! Every trace starts on Monday 2026-01-05T00:00:00Z; each test says its horizon.

use crate::support::{Trace, email, scenario};

/// A scenario with preset `name`, a 40-day horizon (so a 30-day release falls inside
/// the run) and extra `[policy]` lines.
fn forty_days(name: &str, lines: &str) -> String {
    format!(
        "seed = 7\nstart = \"2026-01-05T00:00:00Z\"\nhorizon = \"40d\"\ntimezone = \"UTC\"\n\
         [policy]\npreset = \"{name}\"\n{lines}\n"
    )
}

/// The releases of a run, sorted by contact, for traces where two suppressions share an
/// instant.
fn releases_by_contact(run: &crate::support::Run) -> Vec<(String, Option<String>)> {
    let mut r = run.releases();
    r.sort();
    r
}

/// E9: a reason's delay wins over its class's, and a class's over `suppression_ttl`.
#[test]
fn a_mailbox_full_suppression_is_released_after_its_delay_while_a_hard_one_stays_e9() {
    // Threshold 1: the first soft bounce suppresses. All three contacts fail at 09:00 on
    // 01-05, each failure window ending at midnight.
    // - alice, 5.2.2 mailbox_full: reason delay 2d → released 01-07 09:00.
    // - bob, 4.4.1 network: no reason delay, class soft 1d → released 01-06 09:00.
    // - carol, 5.1.1 user_unknown (hard): neither named, suppression_ttl none → stays.
    // d2 at 01-06 09:00: bob's message is sent and delivered, alice's and carol's are
    // skipped. d3 at 01-07 08:59:59: alice is still suppressed (the release instant is
    // exclusive). d4 at 01-07 09:00: alice is sent to again; carol still skipped.
    let policy =
        "soft_bounce_threshold = 1\nrelease_after = { mailbox_full = \"2d\", soft = \"1d\" }";
    let mut trace = Trace::email();
    for (contact, code) in [("alice", "5.2.2"), ("bob", "4.4.1"), ("carol", "5.1.1")] {
        trace = trace
            .send(
                &format!("{contact}1"),
                contact,
                "2026-01-05T09:00:00Z",
                "d1",
            )
            .send(
                &format!("{contact}2"),
                contact,
                "2026-01-06T09:00:00Z",
                "d2",
            )
            .send(
                &format!("{contact}3"),
                contact,
                "2026-01-07T08:59:59Z",
                "d3",
            )
            .send(
                &format!("{contact}4"),
                contact,
                "2026-01-07T09:00:00Z",
                "d4",
            )
            .fails(
                contact,
                code,
                "2026-01-05T00:00:00Z",
                "2026-01-06T00:00:00Z",
            );
    }
    let run = trace.run(&email(policy));
    assert_eq!(
        releases_by_contact(&run),
        [
            ("alice".into(), Some("2026-01-07T09:00:00Z".into())),
            ("bob".into(), Some("2026-01-06T09:00:00Z".into())),
            ("carol".into(), None),
        ]
    );
    assert!(run.attempt_times("alice2").is_empty());
    assert!(run.attempt_times("alice3").is_empty());
    assert_eq!(
        run.history("alice4"),
        ["2026-01-07T09:00:00Z #1 initial delivered"]
    );
    assert_eq!(
        run.history("bob2"),
        ["2026-01-06T09:00:00Z #1 initial delivered"]
    );
    for m in ["carol2", "carol3", "carol4"] {
        assert!(run.attempt_times(m).is_empty(), "{m}");
    }
    // Delivered: bob2, bob3, bob4, alice4. Suppressed: alice1, bob1. Hard: carol1.
    // Skipped: alice2, alice3, carol2..4.
    assert_eq!(
        run.final_counts(),
        [
            ("delivered", 4),
            ("hard_bounced", 1),
            ("suppressed", 2),
            ("skipped_suppressed", 5)
        ]
    );
}

/// E9, E5: a released contact is sent to again and starts with a clean counter, so it
/// takes the full threshold to suppress it a second time.
#[test]
fn a_released_contact_is_sent_to_again_with_a_clean_counter_e9() {
    // Threshold 2, gap 0s, alice fails 4.4.1 for ever; network suppressions last 1h.
    // m1 09:00 fails (1), its retry at 09:05 fails (2): suppressed 09:05 → 10:05.
    // m2 at 10:05 is attempted: fails (1, not 3), retry 10:10 fails (2): suppressed
    // again at 10:10 → 11:10.
    let run = Trace::email()
        .send("m1", "alice", "2026-01-05T09:00:00Z", "d1")
        .send("m2", "alice", "2026-01-05T10:05:00Z", "d2")
        .fails_from("alice", "4.4.1", "2026-01-05T00:00:00Z")
        .run(&email(
            "soft_bounce_threshold = 2\ncross_delivery_gap = \"0s\"\nrelease_after = { network = \"1h\" }",
        ));
    assert_eq!(
        run.attempt_times("m2"),
        ["2026-01-05T10:05:00Z", "2026-01-05T10:10:00Z"]
    );
    assert_eq!(
        run.suppressions(),
        [
            (
                "alice".into(),
                "2026-01-05T09:05:00Z".into(),
                "soft_bounce_threshold",
                2
            ),
            (
                "alice".into(),
                "2026-01-05T10:10:00Z".into(),
                "soft_bounce_threshold",
                2
            ),
        ]
    );
    assert_eq!(
        run.releases(),
        [
            ("alice".into(), Some("2026-01-05T10:05:00Z".into())),
            ("alice".into(), Some("2026-01-05T11:10:00Z".into())),
        ]
    );
}

/// Adobe Campaign: a "mailbox full" quarantine is released after 30 days, another soft
/// quarantine after 10, and a hard one never (E3, E8, E9).
#[test]
fn adobe_campaign_releases_mailbox_full_after_thirty_days_and_other_soft_errors_after_ten_e9() {
    // d1 at 01-05 09:00. alice (5.2.2 until 01-20) and bob (4.4.1 until 01-10) are tried
    // at 0, 5, 15, 35, 75 min; the fifth counted soft error quarantines both at 10:15.
    // alice: mailbox_full, 30d → released 02-04 10:15. bob: soft, 10d → 01-15 10:15.
    // carol (5.1.1 for ever): hard error at 09:00, quarantined for good.
    // d2 at 01-15 10:14:59: everyone is still quarantined. d3 at 01-15 10:15: bob is
    // sent to and delivered. d4 at 02-04 10:15: alice is sent to and delivered.
    let mut trace = Trace::email()
        .fails(
            "alice@a.example",
            "5.2.2",
            "2026-01-05T00:00:00Z",
            "2026-01-20T00:00:00Z",
        )
        .fails(
            "bob@b.example",
            "4.4.1",
            "2026-01-05T00:00:00Z",
            "2026-01-10T00:00:00Z",
        )
        .fails_from("carol@c.example", "5.1.1", "2026-01-05T00:00:00Z");
    for (name, contact) in [
        ("alice", "alice@a.example"),
        ("bob", "bob@b.example"),
        ("carol", "carol@c.example"),
    ] {
        trace = trace
            .send(&format!("{name}1"), contact, "2026-01-05T09:00:00Z", "d1")
            .send(&format!("{name}2"), contact, "2026-01-15T10:14:59Z", "d2")
            .send(&format!("{name}3"), contact, "2026-01-15T10:15:00Z", "d3")
            .send(&format!("{name}4"), contact, "2026-02-04T10:15:00Z", "d4");
    }
    let run = trace.run(&forty_days("adobe_campaign", ""));
    let fifth_try = [
        "2026-01-05T09:00:00Z",
        "2026-01-05T09:05:00Z",
        "2026-01-05T09:15:00Z",
        "2026-01-05T09:35:00Z",
        "2026-01-05T10:15:00Z",
    ];
    assert_eq!(run.attempt_times("alice1"), fifth_try);
    assert_eq!(run.attempt_times("bob1"), fifth_try);
    assert_eq!(
        releases_by_contact(&run),
        [
            (
                "alice@a.example".into(),
                Some("2026-02-04T10:15:00Z".into())
            ),
            ("bob@b.example".into(), Some("2026-01-15T10:15:00Z".into())),
            ("carol@c.example".into(), None),
        ]
    );
    for m in ["alice2", "alice3", "bob2", "carol2", "carol3", "carol4"] {
        assert!(run.attempt_times(m).is_empty(), "{m}");
    }
    assert_eq!(
        run.history("bob3"),
        ["2026-01-15T10:15:00Z #1 initial delivered"]
    );
    assert_eq!(
        run.history("alice4"),
        ["2026-02-04T10:15:00Z #1 initial delivered"]
    );
    assert_eq!(
        run.final_counts(),
        [
            ("delivered", 3),
            ("hard_bounced", 1),
            ("suppressed", 2),
            ("skipped_suppressed", 6)
        ]
    );
}

/// A scenario key laid over the preset changes one reason and keeps the others.
#[test]
fn a_scenario_key_changes_one_release_of_the_preset() {
    let s = scenario(&forty_days(
        "adobe_campaign",
        "release_after = { mailbox_full = \"5d\" }",
    ))
    .unwrap();
    let entries: Vec<(String, String)> = s
        .policies
        .email
        .release_after
        .entries()
        .iter()
        .map(|(k, d)| (k.clone(), d.map_or("none".into(), |d| d.to_string())))
        .collect();
    assert_eq!(
        entries,
        [
            ("mailbox_full".to_string(), "5d".to_string()),
            ("soft".to_string(), "10d".to_string())
        ]
    );
}

/// `check` prints the table, and its output reads back as the same policy.
#[test]
fn check_shows_the_release_delays_and_reads_back() {
    let first = scenario(&email(
        "release_after = { mailbox_full = \"30d\", hard = \"none\" }",
    ))
    .unwrap();
    let text = toml::to_string(&first.resolved()).unwrap();
    assert!(
        text.contains("[policy.release_after]\nhard = \"none\"\nmailbox_full = \"30d\"\n"),
        "{text}"
    );
    let again = scenario(&text).unwrap();
    assert_eq!(again.policies, first.policies);
    let plain = toml::to_string(&scenario(&email("")).unwrap().resolved()).unwrap();
    assert!(
        !plain.contains("release_after"),
        "an empty table is not printed"
    );
}

/// `retrysim presets adobe_campaign` lists the release delays with every other setting.
#[test]
fn the_presets_command_shows_adobe_campaigns_release_delays() {
    let out = assert_cmd::Command::cargo_bin("retrysim")
        .unwrap()
        .args(["presets", "adobe_campaign"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("[policy.release_after]\nmailbox_full = \"30d\"\nsoft = \"10d\"\n"),
        "{text}"
    );
}

/// A misspelt reason and a value that is not a duration are errors naming the key; a
/// reason the scenario's `[[errors]]` define is accepted.
#[test]
fn release_keys_must_be_reasons_or_classes_and_values_durations() {
    let err = scenario(&email("release_after = { mailbox_ful = \"1d\" }")).unwrap_err();
    assert!(
        err.contains("policy.release_after.mailbox_ful") && err.contains("not a reason"),
        "{err}"
    );
    let err = scenario(&email(
        "\n[policy.sms]\nrelease_after = { mailbox_ful = \"1d\" }",
    ))
    .unwrap_err();
    assert!(
        err.contains("policy.sms.release_after.mailbox_ful") && err.contains("not a reason"),
        "a key only [policy.sms] has is named there: {err}"
    );
    let err = scenario(&email("release_after = { soft = 3 }")).unwrap_err();
    assert!(
        err.contains("policy.release_after.soft") && err.contains("duration"),
        "{err}"
    );
    let err = scenario(&email("release_after = { soft = \"soon\" }")).unwrap_err();
    assert!(err.contains("policy.release_after.soft"), "{err}");
    let own = format!(
        "{}[[errors]]\nreason = \"quota_block\"\nclass = \"soft\"\n",
        email("release_after = { quota_block = \"6h\", opt_out = \"none\" }")
    );
    assert!(scenario(&own).is_ok());
}

// ------------------------------------------------------------------- properties

mod properties {
    use proptest::prelude::*;
    use retrysim::rules::release::ReleaseDelays;
    use retrysim::time::{Instant, Span};

    use crate::support::{Trace, email, text};

    /// Mailbox full and network (both soft), user unknown (hard).
    const CODES: [&str; 3] = ["5.2.2", "4.4.1", "5.1.1"];

    /// (contact, minute, delivery) sends over three days.
    type Sends = Vec<(u8, u32, u8)>;
    /// (contact, code, start minute, length in minutes) failure windows.
    type Failures = Vec<(u8, usize, u32, u32)>;

    /// A random small trace, as data so that proptest can print a failing case.
    fn trace() -> impl Strategy<Value = (Sends, Failures)> {
        let send = (0u8..3, 0u32..3 * 1440, 0u8..3);
        let failure = (0u8..3, 0..CODES.len(), 0u32..3 * 1440, 1u32..2 * 1440);
        (
            prop::collection::vec(send, 1..12),
            prop::collection::vec(failure, 0..6),
        )
    }

    fn build(sends: &Sends, failures: &Failures) -> Trace {
        let minute = |m: u32| text(at("2026-01-05T00:00:00Z").plus(Span::minutes(m.into())));
        let mut t = Trace::email();
        for (i, &(c, m, d)) in sends.iter().enumerate() {
            t = t.send(
                &format!("m{i}"),
                &format!("c{c}"),
                &minute(m),
                &format!("d{d}"),
            );
        }
        for &(c, code, start, len) in failures {
            t = t.fails(
                &format!("c{c}"),
                CODES[code],
                &minute(start),
                &minute(start + len),
            );
        }
        t
    }

    fn at(s: &str) -> Instant {
        crate::support::at(s)
    }

    /// Optional delays in minutes for mailbox_full, soft, hard and suppression_ttl.
    fn delays() -> impl Strategy<Value = [Option<u32>; 4]> {
        [
            prop::option::of(1u32..3000),
            prop::option::of(1u32..3000),
            prop::option::of(1u32..3000),
            prop::option::of(1u32..3000),
        ]
    }

    fn policy(threshold: u8, d: [Option<u32>; 4]) -> (String, ReleaseDelays, Option<Span>) {
        let keys = ["mailbox_full", "soft", "hard"];
        let minutes = |m: Option<u32>| m.map(|m| Span::minutes(m.into()));
        let table: Vec<String> = keys
            .iter()
            .zip(d)
            .filter_map(|(k, m)| m.map(|m| format!("{k} = \"{m}m\"")))
            .collect();
        let ttl = d[3].map_or("none".to_string(), |m| format!("{m}m"));
        let lines = format!(
            "soft_bounce_threshold = {threshold}\ncross_delivery_gap = \"0s\"\nsuppression_ttl = \"{ttl}\"\nrelease_after = {{ {} }}",
            table.join(", ")
        );
        let release = ReleaseDelays::new(
            keys.iter()
                .zip(d)
                .filter(|(_, m)| m.is_some())
                .map(|(k, m)| (k.to_string(), minutes(m))),
        );
        (lines, release, minutes(d[3]))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        /// E9: every suppression lasts exactly the delay its cause picks (reason, then
        /// class, then `suppression_ttl`), and no attempt reaches the contact inside it.
        #[test]
        fn each_suppression_lasts_the_delay_of_its_cause_e9(
            t in trace(),
            threshold in 1u8..=3,
            d in delays(),
        ) {
            let (lines, release, ttl) = policy(threshold, d);
            let run = build(&t.0, &t.1).run(&email(&lines));
            let end = at("2026-01-15T00:00:00Z");
            for s in &run.output.suppressions {
                let cause = run
                    .output
                    .attempts
                    .iter()
                    .rfind(|a| a.contact == s.contact && a.at == s.at)
                    .and_then(|a| a.error)
                    .expect("a suppression follows a failed attempt at its instant");
                let info = run.errors.info(cause);
                let want = release
                    .after(&info.reason, info.class, ttl)
                    .map(|d| s.at.plus(d))
                    .filter(|&r| r < end);
                prop_assert_eq!(s.released_at, want, "{:?}", s);
                let until = s.released_at.unwrap_or(end);
                let inside = run
                    .output
                    .attempts
                    .iter()
                    .find(|a| a.contact == s.contact && a.at > s.at && a.at < until);
                prop_assert!(inside.is_none(), "{:?} inside {:?}", inside, s);
            }
            prop_assert!(run.output.metrics.is_conserved());
        }
    }
}
