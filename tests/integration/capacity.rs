//! Receiver capacity, sender limits and their queue (issue 15), on hand-made traces
//! whose outcome is worked out in the comment above the assertions, and a property:
//! a receiver never accepts more than its token bucket allows in any window.
//!
//! Contacts are named `<user>@<domain>` because a contact's domain is the part of its
//! name after `@`. Unless a test says otherwise: the `email` preset (backoff 5m, 10m,
//! 20m, 40m then 4000 s), a run from 2026-01-05T00:00:00Z for ten days.

use proptest::prelude::*;

use crate::support::{Trace, text};

const HEAD: &str =
    "seed = 7\nstart = \"2026-01-05T00:00:00Z\"\nhorizon = \"10d\"\ntimezone = \"UTC\"\n";

/// A scenario with the given `[workload]` capacity lines and `[policy]` lines.
fn limited(workload_lines: &str, policy_lines: &str) -> String {
    format!(
        "{HEAD}[workload]\nkind = \"csv\"\nsends = \"unused.csv\"\n{workload_lines}\n\
         [policy]\npreset = \"email\"\n{policy_lines}\n"
    )
}

/// A bucket of 2 attempts an hour, full (2) at the start, at `x.example`.
const TWO_PER_HOUR: &str = "[[workload.capacity]]\ndomain = \"x.example\"\nrate = 2\nburst = 2\n";

fn three_simultaneous_sends() -> Trace {
    Trace::email()
        .send("m1", "a@x.example", "2026-01-05T00:00:00Z", "d1")
        .send("m2", "b@x.example", "2026-01-05T00:00:00Z", "d1")
        .send("m3", "c@x.example", "2026-01-05T00:00:00Z", "d1")
}

/// A bucket of 2 per hour defers the third of three simultaneous sends and accepts it
/// after the refill; the throttling does not count toward the threshold (E4 default).
#[test]
fn a_two_per_hour_bucket_defers_the_third_send_until_it_refills() {
    // The bucket holds 2 at 00:00: m1 and m2 take them; m3 finds it empty and fails
    // with 4.7.0. It refills one attempt per 30 minutes. m3 retries at +5m (00:05: 1/6
    // of an attempt, throttled), +10m (00:15: 1/2, throttled), +20m (00:35: 7/6, one
    // attempt: delivered on attempt 4). Threshold 1, yet nobody is suppressed, because
    // throttled attempts do not count by default.
    let run = three_simultaneous_sends().run(&limited(TWO_PER_HOUR, "soft_bounce_threshold = 1"));
    assert_eq!(
        run.history("m1"),
        ["2026-01-05T00:00:00Z #1 initial delivered"]
    );
    assert_eq!(
        run.history("m2"),
        ["2026-01-05T00:00:00Z #1 initial delivered"]
    );
    assert_eq!(
        run.history("m3"),
        [
            "2026-01-05T00:00:00Z #1 initial 4.7.0",
            "2026-01-05T00:05:00Z #2 backoff 4.7.0",
            "2026-01-05T00:15:00Z #3 backoff 4.7.0",
            "2026-01-05T00:35:00Z #4 backoff delivered",
        ]
    );
    assert!(run.suppressions().is_empty());
    let load = run.output.metrics.load.as_ref().expect("load metrics");
    assert_eq!(load.throttled, 3);
    assert_eq!(load.peak_per_minute, 3);
    assert_eq!(load.throttling_ended_s, Some(16 * 60));
}

/// When the reason table says `rate_limited` counts (`[[errors]]` reason entry with
/// `counts_toward_threshold = true`), a throttled attempt is an ordinary counted soft
/// bounce (E1–E4).
#[test]
fn throttling_counts_toward_the_threshold_when_the_reason_table_says_so_e4() {
    // Same trace, threshold 1: m3's first throttled attempt at 00:00 counts (counter 0
    // before) and reaches the threshold: c@x.example is suppressed at once.
    let policy = "soft_bounce_threshold = 1\n\n[[errors]]\nreason = \"rate_limited\"\n\
                  counts_toward_threshold = true";
    let run = three_simultaneous_sends().run(&limited(TWO_PER_HOUR, policy));
    assert_eq!(run.history("m3"), ["2026-01-05T00:00:00Z #1 initial 4.7.0"]);
    assert_eq!(
        run.suppressions(),
        [(
            "c@x.example".into(),
            "2026-01-05T00:00:00Z".into(),
            "soft_bounce_threshold",
            1
        )]
    );
}

/// The old capacity-entry key is gone (it was never in the released contract): the
/// setting lives in the reason table, and the entry refuses the key by name.
#[test]
fn the_capacity_entry_no_longer_takes_counts_toward_threshold() {
    let lines = format!("{TWO_PER_HOUR}counts_toward_threshold = true\n");
    let e = retrysim::scenario::Scenario::from_toml_str(&limited(&lines, ""), "t.toml")
        .expect_err("unknown key");
    assert!(e.to_string().contains("counts_toward_threshold"), "{e}");
}

/// A domain without an entry is never throttled, and a domain's own code is used.
#[test]
fn only_listed_domains_are_throttled_with_their_own_code() {
    // y.example has no bucket: both its sends go. x.example has 1 attempt and code
    // 4.7.28: the second send to it is throttled with that code.
    let run = Trace::email()
        .send("m1", "a@x.example", "2026-01-05T00:00:00Z", "d1")
        .send("m2", "b@x.example", "2026-01-05T00:00:00Z", "d1")
        .send("m3", "a@y.example", "2026-01-05T00:00:00Z", "d1")
        .send("m4", "b@y.example", "2026-01-05T00:00:00Z", "d1")
        .run(&limited(
            "[[workload.capacity]]\ndomain = \"x.example\"\nrate = 1\nburst = 1\ncode = \"4.7.28\"\n",
            "",
        ));
    assert_eq!(
        run.history("m2")[0],
        "2026-01-05T00:00:00Z #1 initial 4.7.28"
    );
    assert_eq!(
        run.history("m3"),
        ["2026-01-05T00:00:00Z #1 initial delivered"]
    );
    assert_eq!(
        run.history("m4"),
        ["2026-01-05T00:00:00Z #1 initial delivered"]
    );
}

/// The sender's queue: over the per-minute limit, attempts wait and go in time order,
/// then message order; the wait counts toward time to deliver.
#[test]
fn queued_sends_go_in_time_then_message_order_one_minute_apart() {
    // One attempt a minute, calendar minutes. m1 (00:00:00) takes minute 0. m4 comes
    // due at 00:00:10, m3 and m2 both at 00:00:30 (m3 is listed first, so its id is
    // lower). Queue order: m4 (earliest due), then m3 before m2 (same due, lower id).
    // One a minute: m4 at 00:01, m3 at 00:02, m2 at 00:03.
    let run = Trace::email()
        .send("m1", "a@x.example", "2026-01-05T00:00:00Z", "d1")
        .send("m4", "d@x.example", "2026-01-05T00:00:10Z", "d1")
        .send("m3", "c@y.example", "2026-01-05T00:00:30Z", "d1")
        .send("m2", "b@x.example", "2026-01-05T00:00:30Z", "d1")
        .run(&limited("[workload.sender]\nper_minute = 1\n", ""));
    let first = |m: &str| run.attempt_times(m)[0].clone();
    assert_eq!(first("m1"), "2026-01-05T00:00:00Z");
    assert_eq!(first("m4"), "2026-01-05T00:01:00Z");
    assert_eq!(first("m3"), "2026-01-05T00:02:00Z");
    assert_eq!(first("m2"), "2026-01-05T00:03:00Z");
    let load = run.output.metrics.load.as_ref().expect("load metrics");
    // Waits: 0, 50, 90, 150 seconds; nearest-rank p50 is the 2nd of 4.
    assert_eq!(load.wait_sorted, vec![0, 50, 90, 150]);
    assert_eq!(run.output.metrics.ttd_quantile(1.0), Some(150));
}

/// A per-domain sender limit holds back only its own domain.
#[test]
fn a_full_domain_does_not_hold_back_another_domain() {
    // x.example may take 1 attempt a minute: m2 waits to 00:01. m3 to y.example has no
    // limit and goes at once although m2 waits.
    let run = Trace::email()
        .send("m1", "a@x.example", "2026-01-05T00:00:00Z", "d1")
        .send("m2", "b@x.example", "2026-01-05T00:00:00Z", "d1")
        .send("m3", "c@y.example", "2026-01-05T00:00:05Z", "d1")
        .run(&limited(
            "[workload.sender]\ndomain_per_minute = { \"x.example\" = 1 }\n",
            "",
        ));
    assert_eq!(run.attempt_times("m2"), ["2026-01-05T00:01:00Z"]);
    assert_eq!(run.attempt_times("m3"), ["2026-01-05T00:00:05Z"]);
}

/// The automatic job's retries wait in the sender's queue like sends: in due-time order,
/// then message order, and a later send queues behind them (S5 under sender limits).
#[test]
fn job_retries_wait_in_the_sender_queue_in_time_then_message_order_s5() {
    // sms_portal: the job runs 01-06 06:00. m1, m2, m3 (created 01-05 09:00, 10:00,
    // 11:00) fail 30001 until 01-06 00:00, so the job retries all three, visiting them
    // by message id. One attempt a minute: m1 takes 06:00; m2 and m3 both come due at
    // 06:00:00 and wait, m2 first (lower id). m4, a new send at 06:00:30, comes due
    // after them and waits too. Releases one a minute: m2 06:01, m3 06:02, m4 06:03.
    // Every retry now succeeds; the retries keep their trigger `auto`.
    let scenario = format!(
        "{HEAD}[workload]\nkind = \"csv\"\nsends = \"unused.csv\"\n\
         [workload.sender]\nper_minute = 1\n\n[policy]\npreset = \"sms_portal\"\n"
    );
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .send("m2", "p2", "2026-01-05T10:00:00Z", "b1")
        .send("m3", "p3", "2026-01-05T11:00:00Z", "b1")
        .send("m4", "p4", "2026-01-06T06:00:30Z", "b2")
        .fails(
            "p1",
            "30001",
            "2026-01-05T00:00:00Z",
            "2026-01-06T00:00:00Z",
        )
        .fails(
            "p2",
            "30001",
            "2026-01-05T00:00:00Z",
            "2026-01-06T00:00:00Z",
        )
        .fails(
            "p3",
            "30001",
            "2026-01-05T00:00:00Z",
            "2026-01-06T00:00:00Z",
        )
        .run(&scenario);
    assert_eq!(
        run.history("m1")[1],
        "2026-01-06T06:00:00Z #2 auto delivered"
    );
    assert_eq!(
        run.history("m2")[1],
        "2026-01-06T06:01:00Z #2 auto delivered"
    );
    assert_eq!(
        run.history("m3")[1],
        "2026-01-06T06:02:00Z #2 auto delivered"
    );
    assert_eq!(run.attempt_times("m4"), ["2026-01-06T06:03:00Z"]);
    assert_eq!(run.final_counts(), [("delivered", 4)]);
    let load = run.output.metrics.load.as_ref().expect("load metrics");
    // Waits of the four initial sends (0 each), then the job's 0, 60, 120 s, and m4's
    // 150 s.
    assert_eq!(load.wait_sorted, vec![0, 0, 0, 0, 60, 120, 150]);
}

/// An operator's retry waits in the sender's queue too, and keeps its trigger (S3).
#[test]
fn an_operator_retry_waits_for_its_slot_s3() {
    // sms_portal, one attempt a minute. m1 (09:00) fails 30001 until 09:30; m2 is sent
    // at 10:00:00. A manual retry of m1 at 10:00:20 finds the minute taken by m2: it
    // waits to 10:01:00 and delivers.
    let scenario = format!(
        "{HEAD}[workload]\nkind = \"csv\"\nsends = \"unused.csv\"\n\
         [workload.sender]\nper_minute = 1\n\n[policy]\npreset = \"sms_portal\"\n"
    );
    let run = Trace::sms()
        .send("m1", "p1", "2026-01-05T09:00:00Z", "b1")
        .send("m2", "p2", "2026-01-05T10:00:00Z", "b1")
        .fails(
            "p1",
            "30001",
            "2026-01-05T00:00:00Z",
            "2026-01-05T09:30:00Z",
        )
        .manual("2026-01-05T10:00:20Z", "m1")
        .run(&scenario);
    assert_eq!(
        run.history("m1"),
        [
            "2026-01-05T09:00:00Z #1 initial 30001",
            "2026-01-05T10:01:00Z #2 manual delivered"
        ]
    );
}

/// A scheduled retry that waits in the queue past its retry period ends as expired (E6).
#[test]
fn a_retry_released_after_its_period_ends_expires_e6() {
    // Transactional, period 10m, fixed 9m backoff. The warm-up allows 2 attempts on day
    // one: m1 at 00:00 (fails), m2 at 00:01. m1's retry comes due at 00:09 but the day's
    // cap is used up: it waits to the next day, after its period: expired.
    let run = Trace::email()
        .transactional()
        .send("m1", "a@x.example", "2026-01-05T00:00:00Z", "d1")
        .send("m2", "b@x.example", "2026-01-05T00:01:00Z", "d1")
        .fails("a@x.example", "4.2.2", "2026-01-05T00:00:00Z", "2026-01-05T00:05:00Z")
        .run(&limited(
            "[workload.sender]\nwarmup_first_day = 2\n",
            "retry_period_transactional = \"10m\"\nbackoff = { kind = \"fixed\", interval = \"9m\" }",
        ));
    assert_eq!(run.attempt_times("m1"), ["2026-01-05T00:00:00Z"]);
    assert!(run.final_counts().contains(&("expired", 1)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Property: in every window [a, b], the attempts a receiver accepts never exceed
    /// its burst plus its rate times the window's length.
    #[test]
    fn accepted_attempts_never_exceed_the_bucket_bound(
        rate in 1u32..20,
        burst in 1u32..5,
        sends in proptest::collection::vec((0u8..6, 0u32..240), 1..40),
        soft in proptest::bool::ANY,
    ) {
        let mut trace = Trace::email();
        for (i, (contact, minute)) in sends.iter().enumerate() {
            let when = text(retrysim::time::Instant(1_767_571_200 + i64::from(*minute) * 60));
            trace = trace.send(&format!("m{i}"), &format!("c{contact}@x.example"), &when, "d1");
        }
        if soft {
            trace = trace.fails("c0@x.example", "4.4.1", "2026-01-05T00:00:00Z", "2026-01-05T02:00:00Z");
        }
        let lines = format!("[[workload.capacity]]\ndomain = \"x.example\"\nrate = {rate}\nburst = {burst}\n");
        let run = trace.run(&limited(&lines, ""));
        let throttle = "4.7.0";
        let accepted: Vec<i64> = run
            .output
            .attempts
            .iter()
            .filter(|a| a.error.is_none_or(|c| run.errors.info(c).code != throttle))
            .map(|a| a.at.0)
            .collect();
        for (i, a) in accepted.iter().enumerate() {
            for (j, b) in accepted.iter().enumerate().skip(i) {
                let n = (j - i + 1) as i64;
                let bound = i64::from(burst) + i64::from(rate) * (b - a) / 3600;
                prop_assert!(n <= bound, "{n} accepted in [{a}, {b}], bound {bound}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Property: with sender limits and receiver capacity together, every message still
    /// ends in exactly one final state, and no calendar minute holds more attempts than
    /// the sender's `per_minute` (only initial sends and scheduled retries exist here).
    #[test]
    fn sender_limits_hold_every_minute_and_messages_are_conserved(
        per_minute in 1u32..4,
        rate in 1u32..60,
        sends in proptest::collection::vec((0u8..6, 0u8..2, 0u32..120), 1..40),
        failing in proptest::bool::ANY,
    ) {
        let mut trace = Trace::email();
        for (i, (contact, domain, minute)) in sends.iter().enumerate() {
            let when = text(retrysim::time::Instant(1_767_571_200 + i64::from(*minute) * 60));
            let name = format!("c{contact}@d{domain}.example");
            trace = trace.send(&format!("m{i}"), &name, &when, "d1");
        }
        if failing {
            trace = trace.fails("c0@d0.example", "4.4.1", "2026-01-05T00:00:00Z", "2026-01-05T03:00:00Z");
        }
        let lines = format!(
            "[[workload.capacity]]\ndomain = \"d0.example\"\nrate = {rate}\nburst = 2\n\
             [workload.sender]\nper_minute = {per_minute}\n"
        );
        let run = trace.run(&limited(&lines, ""));
        prop_assert!(run.output.metrics.is_conserved());
        let mut per: std::collections::BTreeMap<i64, u32> = std::collections::BTreeMap::new();
        for a in &run.output.attempts {
            *per.entry(a.at.0.div_euclid(60)).or_default() += 1;
        }
        prop_assert!(per.values().all(|n| *n <= per_minute), "{per:?}");
    }

    /// Property: the automatic job's and operators' retries take sender slots too, so
    /// no calendar minute exceeds `per_minute` when they run beside sends (S3–S5), and
    /// every message still ends in exactly one final state.
    #[test]
    fn job_and_operator_retries_keep_the_per_minute_limit(
        per_minute in 1u32..3,
        sends in proptest::collection::vec((0u8..6, 0u32..600), 1..30),
        failing in proptest::collection::vec((0u8..6, 1u32..48), 0..6),
        bulks in proptest::collection::vec(0u32..2880, 0..4),
    ) {
        let at = |minute: u32| text(retrysim::time::Instant(1_767_571_200 + i64::from(minute) * 60));
        let mut trace = Trace::sms();
        for (i, (contact, minute)) in sends.iter().enumerate() {
            trace = trace.send(&format!("m{i}"), &format!("p{contact}"), &at(*minute), "d1");
        }
        for (contact, hours) in &failing {
            trace = trace.fails(&format!("p{contact}"), "30001", &at(0), &at(hours * 60));
        }
        for minute in &bulks {
            trace = trace.bulk(&at(*minute));
        }
        let scenario = format!(
            "{HEAD}[workload]\nkind = \"csv\"\nsends = \"unused.csv\"\n\
             [workload.sender]\nper_minute = {per_minute}\n\n[policy]\npreset = \"sms_portal\"\n"
        );
        let run = trace.run(&scenario);
        prop_assert!(run.output.metrics.is_conserved());
        let mut per: std::collections::BTreeMap<i64, u32> = std::collections::BTreeMap::new();
        for a in &run.output.attempts {
            *per.entry(a.at.0.div_euclid(60)).or_default() += 1;
        }
        prop_assert!(per.values().all(|n| *n <= per_minute), "{per:?}");
    }
}

/// A synthetic world gives every SMS contact a carrier, drawn from the scenario's
/// shares and the seed alone, and no email contact one; a carrier's bucket then limits
/// exactly the numbers on that carrier.
#[test]
fn synthetic_numbers_get_seeded_carriers_that_capacity_can_name() {
    let scenario = |seed: u64| {
        retrysim::scenario::Scenario::from_toml_str(
            &format!(
                "name = \"c\"\nseed = {seed}\nstart = \"2026-01-05T00:00:00Z\"\nhorizon = \"2d\"\n\
                 [workload]\nkind = \"synthetic\"\ncontacts = 4000\nsms_share = 0.5\n\
                 sms_carriers = [{{ name = \"big\", share = 3.0 }}, {{ name = \"small\", share = 1.0 }}]\n\
                 [[workload.capacity]]\ncarrier = \"small\"\nrate = 60\nburst = 1\n"
            ),
            "c.toml",
        )
        .unwrap()
    };
    let carriers_of = |seed: u64| {
        let world = retrysim::study::build_world(&scenario(seed), 0).unwrap();
        let w = &world.workload;
        let mut buf = String::new();
        let list: Vec<(bool, Option<String>)> = (0..w.contact_count() as u32)
            .map(|c| {
                let is_sms = !w.contacts.write(c, &mut buf).contains('@');
                (is_sms, w.carriers.of(c).map(String::from))
            })
            .collect();
        let bound = world.limits.as_ref().expect("limits");
        let small = bound.domains.iter().position(|d| d == "small").unwrap() as u16;
        let limited = (0..w.contact_count())
            .filter(|&c| bound.contact_domain[c] == small)
            .count();
        (list, limited)
    };
    let (a, limited) = carriers_of(5);
    assert_eq!(carriers_of(5).0, a, "same seed, same carriers");
    assert_ne!(carriers_of(6).0, a, "another seed, another draw");
    assert!(a.iter().all(|(sms, c)| *sms == c.is_some()));
    let small = a
        .iter()
        .filter(|(_, c)| c.as_deref() == Some("small"))
        .count();
    let sms = a.iter().filter(|(s, _)| *s).count();
    // A quarter of about 2,000 numbers: 500 ± 3 standard deviations (about 58).
    assert!((442..=558).contains(&small), "{small} of {sms}");
    assert_eq!(
        limited, small,
        "the bucket limits exactly that carrier's numbers"
    );
}
