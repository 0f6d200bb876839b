//! One test per reason, each with a realistic reply (code, reply code, text), and the
//! precedence rules of the module documentation.

use super::*;
use crate::rules::entries::{RawEntry, entries};

/// The reason name and class of a whole diagnostic line, codes found inside the text.
fn line(text: &str) -> (String, ErrorClass) {
    report(None, None, text)
}

fn report(code: Option<&str>, reply: Option<u16>, text: &str) -> (String, ErrorClass) {
    let t = ReasonTable::new(&[], None);
    let c = t.classify(code, reply, text).unwrap();
    (t.reason(c.reason).name.clone(), c.class)
}

fn is(name: &str, class: ErrorClass) -> (String, ErrorClass) {
    (name.to_string(), class)
}

use ErrorClass::{BusinessFinal, BusinessRetryable, Hard, OptOut, Soft};

#[test]
fn user_unknown_is_hard() {
    let postfix = "550 5.1.1 <a@b.example>: Recipient address rejected: User unknown in local recipient table";
    assert_eq!(line(postfix), is("user_unknown", Hard));
    let exchange = "550 5.5.0 Requested action not taken: mailbox unavailable";
    assert_eq!(line(exchange), is("user_unknown", Hard));
    let ambiguous = "550 5.7.1 <a@b.example>: No such user here";
    assert_eq!(line(ambiguous), is("user_unknown", Hard));
}

#[test]
fn host_unknown_is_hard() {
    let text = "550 5.1.2 Host unknown (Name server: b.example: host not found)";
    assert_eq!(line(text), is("host_unknown", Hard));
    let exim = "550 Unrouteable address";
    assert_eq!(line(exim), is("host_unknown", Hard));
    assert_eq!(report(Some("5.4.4"), None, ""), is("host_unknown", Hard));
}

#[test]
fn has_moved_is_hard() {
    let text = "551 5.1.6 User has moved; please try <a@new.example>";
    assert_eq!(line(text), is("has_moved", Hard));
}

#[test]
fn not_accept_is_hard() {
    let text = "556 5.1.10 Recipient address a@b.example has null MX";
    assert_eq!(line(text), is("not_accept", Hard));
}

#[test]
fn mailbox_full_is_soft() {
    let gmail = "452 4.2.2 The email account that you tried to reach is over quota";
    assert_eq!(line(gmail), is("mailbox_full", Soft));
    let permanent = "552 5.2.2 Mailbox full";
    assert_eq!(line(permanent), is("mailbox_full", Soft));
}

#[test]
fn mailbox_disabled_is_soft() {
    let text = "550 5.2.1 The email account that you tried to reach is disabled";
    assert_eq!(line(text), is("mailbox_disabled", Soft));
}

#[test]
fn rate_limited_is_soft_even_under_a_mailbox_status() {
    let yahoo = "554 5.2.1 Message not accepted: speeding, too many messages from this IP";
    assert_eq!(line(yahoo), is("rate_limited", Soft));
    let gmail = "421 4.7.0 Messages temporarily deferred due to unexpected volume";
    assert_eq!(line(gmail), is("rate_limited", Soft));
    assert_eq!(report(Some("5.7.28"), None, ""), is("rate_limited", Soft));
}

#[test]
fn blocked_is_soft() {
    let text =
        "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org";
    assert_eq!(line(text), is("blocked", Soft));
}

#[test]
fn spam_is_soft() {
    let text = "550 5.7.1 Message rejected as spam by content filtering";
    assert_eq!(line(text), is("spam", Soft));
}

#[test]
fn virus_is_soft() {
    let text = "554 5.7.0 Rejected: Virus found in attachment (Eicar-Test-Signature)";
    assert_eq!(line(text), is("virus", Soft));
}

#[test]
fn auth_failure_is_soft() {
    let text = "550 5.7.26 This mail has been blocked because the sender is unauthenticated";
    assert_eq!(line(text), is("auth_failure", Soft), "5.7.26 is specific");
    let dmarc = "550 5.7.1 Email rejected per DMARC policy for example.com";
    assert_eq!(line(dmarc), is("auth_failure", Soft));
}

#[test]
fn bad_reputation_is_soft() {
    let text = "550 5.7.1 Connection refused due to the poor reputation of your IP";
    assert_eq!(line(text), is("bad_reputation", Soft));
}

#[test]
fn too_many_connections_is_soft() {
    let text = "421 4.7.0 Too many concurrent SMTP connections; please try again later";
    assert_eq!(line(text), is("too_many_connections", Soft));
}

#[test]
fn greylisted_is_soft_with_a_short_wait() {
    let t = ReasonTable::new(&[], None);
    let c = t
        .classify(
            None,
            None,
            "450 4.7.1 Greylisted, please try again in 300 seconds",
        )
        .unwrap();
    assert_eq!(t.reason(c.reason).name, "greylisted");
    assert_eq!((c.class, c.wait), (Soft, Span::minutes(5)));
}

#[test]
fn relay_denied_is_soft() {
    assert_eq!(
        line("554 5.7.1 <a@b.example>: Relay access denied"),
        is("relay_denied", Soft)
    );
}

#[test]
fn message_too_big_is_soft() {
    let text = "552 5.3.4 Message size exceeds fixed maximum message size";
    assert_eq!(line(text), is("message_too_big", Soft));
}

#[test]
fn content_is_soft() {
    let text = "554 5.6.0 Message refused: attachment type not allowed";
    assert_eq!(line(text), is("content", Soft));
}

#[test]
fn policy_is_soft() {
    let text = "550 5.7.1 Message rejected due to local policy";
    assert_eq!(line(text), is("policy", Soft));
    assert_eq!(report(Some("5.7.1"), None, ""), is("policy", Soft));
}

#[test]
fn expired_is_soft() {
    assert_eq!(line("451 4.4.7 Delivery time expired"), is("expired", Soft));
}

#[test]
fn network_and_system_are_soft() {
    assert_eq!(line("421 4.4.2 Connection timed out"), is("network", Soft));
    assert_eq!(
        line("451 4.3.0 Local error in processing"),
        is("system", Soft)
    );
}

#[test]
fn syntax_is_soft() {
    let text = "501 5.5.4 Syntax error in parameters or arguments";
    assert_eq!(line(text), is("syntax", Soft));
}

#[test]
fn undefined_is_soft_when_nothing_more_is_said() {
    assert_eq!(
        line("550 5.0.0 Message not delivered"),
        is("undefined", Soft)
    );
    assert_eq!(report(Some("550"), None, ""), is("undefined", Soft));
    assert_eq!(line("something went wrong"), is("undefined", Soft));
}

#[test]
fn sms_provider_codes_are_reasons_too() {
    assert_eq!(report(Some("30003"), None, ""), is("unreachable", Soft));
    assert_eq!(report(Some("30005"), None, ""), is("unknown_number", Hard));
    assert_eq!(report(Some("30006"), None, ""), is("landline", Hard));
    assert_eq!(
        report(Some("30007"), None, ""),
        is("carrier_filtered", BusinessFinal)
    );
    assert_eq!(report(Some("30008"), None, ""), is("carrier_error", Soft));
    assert_eq!(
        report(Some("30001"), None, ""),
        is("queue_overflow", BusinessRetryable)
    );
    assert_eq!(report(Some("21610"), None, ""), is("opted_out", OptOut));
}

#[test]
fn a_reason_name_is_a_code() {
    assert_eq!(
        report(Some("mailbox_full"), None, ""),
        is("mailbox_full", Soft)
    );
    assert_eq!(
        report(Some("user_unknown"), None, "blocked"),
        is("user_unknown", Hard)
    );
}

#[test]
fn a_specific_status_is_not_refined_by_text() {
    let text = "550 5.1.1 mailbox unavailable; blocked using spamhaus";
    assert_eq!(line(text), is("user_unknown", Hard));
}

#[test]
fn a_sender_side_pattern_wins_over_an_address_pattern() {
    let text = "550 5.7.1 mailbox unavailable: client host blocked using Spamhaus";
    assert_eq!(line(text), is("blocked", Soft));
}

#[test]
fn a_transient_code_is_never_hard() {
    let t = ReasonTable::new(&[], None);
    let c = t.classify(Some("4.1.1"), None, "").unwrap();
    assert_eq!(t.reason(c.reason).name, "user_unknown");
    assert_eq!((c.class, c.wait), (Soft, Span::minutes(30)));
    assert_eq!(line("450 mailbox unavailable (user unknown)").1, Soft);
}

#[test]
fn a_separate_status_beats_the_one_in_the_text() {
    let text = "550 5.7.1 Recipient address rejected: blocked";
    assert_eq!(
        report(Some("5.1.1"), Some(550), text),
        is("user_unknown", Hard)
    );
}

/// The table of a scenario with the given `[[errors]]` entries, written as TOML.
fn with(toml_entries: &str) -> ReasonTable {
    #[derive(serde::Deserialize)]
    struct Doc {
        errors: Vec<RawEntry>,
    }
    let doc: Doc = toml::from_str(toml_entries).unwrap();
    ReasonTable::new(&entries(&doc.errors).unwrap(), None)
}

fn class_of(t: &ReasonTable, code: &str) -> ErrorClass {
    t.classify(Some(code), None, "").unwrap().class
}

#[test]
fn wildcards_match_every_detail_and_exact_codes_win() {
    let t = with(
        "[[errors]]\ncode = \"5.7.*\"\nclass = \"hard\"\n\
         [[errors]]\ncode = \"5.7.26\"\nclass = \"business_final\"\n\
         [[errors]]\ncode = \"5.*.*\"\nclass = \"business_retryable\"\n",
    );
    assert_eq!(class_of(&t, "5.7.1"), Hard);
    assert_eq!(class_of(&t, "5.7.999"), Hard);
    assert_eq!(
        class_of(&t, "5.7.26"),
        BusinessFinal,
        "exact beats wildcard"
    );
    assert_eq!(
        class_of(&t, "5.2.2"),
        BusinessRetryable,
        "C.*.* catches the rest"
    );
    assert_eq!(
        class_of(&t, "5.1.1"),
        BusinessRetryable,
        "scenario beats built-in"
    );
    assert_eq!(class_of(&t, "4.7.1"), Soft, "other classes untouched");
}

#[test]
fn scenario_patterns_and_reasons_extend_the_table() {
    let t = with(
        "[[errors]]\nreason = \"spam\"\nclass = \"business_final\"\nwait = \"2h\"\n\
         [[errors]]\nreason = \"auto_reply\"\nclass = \"business_retryable\"\nwait = \"1d\"\n\
         [[errors]]\npattern = \"Out of Office\"\nreason = \"auto_reply\"\n",
    );
    let c = t.classify(None, None, "550 5.7.1 spam detected").unwrap();
    assert_eq!((c.class, c.wait), (BusinessFinal, Span::hours(2)));
    let c = t
        .classify(None, None, "550 5.0.0 OUT OF OFFICE until Monday")
        .unwrap();
    assert_eq!(t.reason(c.reason).name, "auto_reply");
    assert_eq!((c.class, c.wait), (BusinessRetryable, Span::hours(24)));
}

#[test]
fn a_code_entry_with_a_reason_takes_that_reasons_class() {
    let t = with("[[errors]]\ncode = \"X9\"\nreason = \"user_unknown\"\n");
    let c = t.classify(Some("X9"), None, "").unwrap();
    assert_eq!(
        (t.reason(c.reason).name.as_str(), c.class),
        ("user_unknown", Hard)
    );
}

#[test]
fn the_built_in_data_parses_and_every_reason_has_an_example() {
    let t = ReasonTable::new(&[], None);
    assert!(t.reasons().len() >= 25);
    for r in t.reasons() {
        assert!(!r.example.is_empty(), "{}", r.name);
    }
}

proptest::proptest! {
    /// Any text classifies without a separate code; with a transient status (4.x.x)
    /// prefixed, the class is never hard whatever the text says.
    #[test]
    fn transient_statuses_are_never_hard_whatever_the_text(
        subject in 0u16..8,
        detail in 0u16..30,
        text in ".{0,80}",
    ) {
        let t = ReasonTable::new(&[], None);
        let code = format!("4.{subject}.{detail}");
        let c = t.classify(Some(&code), None, &text).unwrap();
        proptest::prop_assert_ne!(c.class, Hard);
        let whole = t.classify(None, None, &format!("450 {code} {text}")).unwrap();
        proptest::prop_assert_ne!(whole.class, Hard);
    }
}

#[test]
fn only_rate_limited_stays_out_of_the_threshold_unless_the_scenario_says_so() {
    let table = ReasonTable::new(&[], None);
    let counting: Vec<&str> = table
        .reasons()
        .iter()
        .filter(|r| !r.counts_toward_threshold)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(counting, ["rate_limited"]);
    let raw = crate::rules::entries::RawEntry {
        reason: Some("rate_limited".into()),
        counts_toward_threshold: Some(true),
        ..Default::default()
    };
    let entries = crate::rules::entries::entries(&[raw]).unwrap();
    let table = ReasonTable::new(&entries, None);
    let id = table.id("rate_limited").unwrap();
    assert!(table.reason(id).counts_toward_threshold);
}

#[test]
fn counts_toward_threshold_is_refused_on_a_code_entry() {
    let raw = crate::rules::entries::RawEntry {
        code: Some("4.7.0".into()),
        class: Some("soft".into()),
        counts_toward_threshold: Some(true),
        ..Default::default()
    };
    let e = crate::rules::entries::entries(&[raw]).unwrap_err();
    assert!(
        e.message().contains("errors[0].counts_toward_threshold"),
        "{e}"
    );
}
