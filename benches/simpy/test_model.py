#!/usr/bin/env python3
"""Unit tests of the SimPy model's rule pieces, each worked out by hand from RULES.md.

They check the model on its own; agreement with retrysim is `compare.py`'s job. Run from
the repository root (nothing in CI needs Python):

    /tmp/w45/venv/bin/python -m unittest discover -s benches/simpy -p 'test_*.py'
"""

import math
import unittest

from model import Contact, Message, Policy, classify, simulate

HOUR = 3600
DAY = 24 * HOUR
RUN_END = 30 * DAY


def world(windows, sends):
    """Contacts from {name: [(start, end, code)]} and messages from [(id, name, created)],
    times in seconds from the run's start."""
    contacts = {}
    for name, rows in windows.items():
        contact = contacts.setdefault(name, Contact(name))
        contact.windows = [(s, e, code, classify(code)) for s, e, code in rows]
    messages = []
    for message_id, name, created in sends:
        contact = contacts.setdefault(name, Contact(name))
        messages.append(Message(message_id, contact, created))
    for contact in contacts.values():
        contact.settle(RUN_END)
    messages.sort(key=lambda m: m.created)  # the sender takes them in creation order
    return messages, contacts


class Attempts(list):
    """Collects the rows the model writes with `--attempts`."""

    def writerow(self, row):
        self.append(tuple(row))


def run(windows, sends, policy=None):
    messages, contacts = world(windows, sends)
    attempts = Attempts()
    tally = simulate(messages, policy or Policy(), RUN_END, 0, attempts)
    return tally, attempts, contacts


class Classes(unittest.TestCase):
    def test_only_codes_saying_the_address_is_gone_are_hard(self):
        self.assertEqual(classify("5.1.1"), "hard")
        self.assertEqual(classify("5.7.1"), "soft")  # a policy block: the sender's problem
        self.assertEqual(classify("4.1.1"), "soft")  # a transient code is never hard
        self.assertEqual(classify("551"), "hard")
        self.assertEqual(classify("mailbox_full"), "soft")

    def test_portal_classes_and_unknown_codes(self):
        self.assertEqual(classify("21610"), "opt_out")
        self.assertEqual(classify("30007"), "business_final")
        self.assertEqual(classify("30001"), "business_retryable")
        self.assertIsNone(classify("X42"))
        self.assertIsNone(classify("6.1.1"))


class Backoff(unittest.TestCase):
    def test_default_schedule_doubles_from_five_minutes_to_the_cap_e7(self):
        delays = [Policy().delay_after(n) for n in range(1, 8)]
        self.assertEqual(delays, [300, 600, 1200, 2400, 4000, 4000, 4000])

    def test_fractional_delays_round_to_the_nearest_second_e7(self):
        policy = Policy(backoff_factor=1.5)
        self.assertEqual(policy.delay_after(4), 1013)  # 1012.5
        self.assertEqual(policy.delay_after(5), 1519)  # 1518.75


class FailureModel(unittest.TestCase):
    def test_a_permanent_class_wins_then_the_earlier_start(self):
        contact = world({"a": [(0, 100, "4.2.2"), (50, None, "5.1.1"), (5, 20, "4.4.1")]},
                        [])[1]["a"]
        self.assertEqual(contact.failure_at(10), ("4.2.2", "soft"))
        self.assertEqual(contact.failure_at(60), ("5.1.1", "hard"))
        self.assertIsNone(world({"b": [(0, 10, "4.2.2")]}, [])[1]["b"].failure_at(10))

    def test_touching_windows_that_reach_the_end_make_a_dead_contact(self):
        contacts = world({"a": [(0, 10, "4.4.1"), (30, 40, "4.4.1"), (40, None, "4.2.2")],
                          "b": [(0, RUN_END - 1, "4.2.2")],
                          "c": [(5, RUN_END, "4.2.2")]}, [])[1]
        self.assertEqual(contacts["a"].dead_from, 30)
        self.assertEqual(contacts["b"].dead_from, math.inf)
        self.assertEqual(contacts["c"].dead_from, 5)


class EmailRules(unittest.TestCase):
    def test_fifth_soft_bounce_suppresses_and_later_messages_are_skipped_e3(self):
        tally, attempts, contacts = run({"a": [(0, 2 * DAY, "4.2.2")]},
                                        [("m1", "a", 0), ("m2", "a", DAY), ("m3", "a", 3 * DAY)])
        self.assertEqual([row[3] for row in attempts], [
            "1970-01-01T00:00:00Z", "1970-01-01T00:05:00Z", "1970-01-01T00:15:00Z",
            "1970-01-01T00:35:00Z", "1970-01-01T01:15:00Z"])
        self.assertEqual(contacts["a"].suppressed, "soft_bounce_threshold")
        self.assertEqual(tally.ends["suppressed_messages"], 1)
        self.assertEqual(tally.ends["skipped_suppressed"], 2)
        # m3 would have been delivered when it was created (the window ends at day 2).
        self.assertEqual(tally.lost_deliveries, 1)
        self.assertEqual((tally.suppressed_contacts, tally.false_suppressions), (1, 1))

    def test_another_message_within_the_gap_is_not_counted_until_it_bounces_again_e4(self):
        _, attempts, _ = run({"a": [(0, 20 * 60, "4.2.2")]}, [("m1", "a", 0), ("m2", "a", 60)])
        counted = [(row[0], row[2], row[6], row[7]) for row in attempts if row[4] == "failed"]
        self.assertEqual(counted, [
            ("m1", 1, "true", 1),
            ("m2", 1, "false", 1),  # counter > 0, gap not passed, m2 never bounced
            ("m1", 2, "true", 2),  # 300 s
            ("m2", 2, "true", 3),  # 360 s: m2 bounced before
            ("m1", 3, "true", 4),  # 900 s
            ("m2", 3, "true", 5),  # 960 s: the threshold, both messages end suppressed
        ])

    def test_a_gap_of_zero_counts_every_soft_bounce_e4(self):
        policy = Policy(cross_delivery_gap=0)
        _, attempts, _ = run({"a": [(0, 100, "4.2.2")]}, [("m1", "a", 0), ("m2", "a", 60)],
                             policy)
        self.assertEqual([row[6] for row in attempts[:2]], ["true", "true"])

    def test_a_delivery_resets_the_counter_e5(self):
        _, attempts, contacts = run({"a": [(0, 400, "4.2.2")]}, [("m1", "a", 0)])
        self.assertEqual([(row[4], row[7]) for row in attempts],
                         [("failed", 1), ("failed", 2), ("delivered", 0)])
        self.assertIsNone(contacts["a"].last_counted)

    def test_after_retry_keeps_the_counter_on_a_first_attempt_delivery_e5(self):
        policy = Policy(counter_reset="after_retry")
        _, attempts, _ = run({"a": [(0, 10, "4.2.2")]}, [("m1", "a", 0), ("m2", "a", 20)],
                             policy)
        self.assertEqual([(row[0], row[4], row[7]) for row in attempts],
                         [("m1", "failed", 1), ("m2", "delivered", 1), ("m1", "delivered", 0)])

    def test_a_business_retryable_error_expires_at_the_retry_period_e6(self):
        tally, attempts, _ = run({"a": [(0, None, "30001")]}, [("m1", "a", 0)])
        self.assertEqual(tally.ends["expired"], 1)
        # 300 + 600 + 1200 + 2400 = 4500 s, then every 4000 s while strictly before 84 h.
        self.assertEqual(len(attempts), 5 + (84 * HOUR - 4500 - 1) // 4000)
        self.assertTrue(all(row[6] == "false" for row in attempts))  # never counted

    def test_a_retry_due_after_the_end_of_the_run_is_pending(self):
        tally, attempts, _ = run({"a": [(0, None, "4.2.2")]}, [("m1", "a", RUN_END - 60)])
        self.assertEqual((tally.ends["pending"], len(attempts)), (1, 1))

    def test_a_hard_bounce_suppresses_unless_disabled_e8(self):
        sends = [("m1", "a", 0), ("m2", "a", 10)]
        tally, _, _ = run({"a": [(0, 5, "5.1.1")]}, sends)
        self.assertEqual((tally.ends["hard_bounced"], tally.ends["skipped_suppressed"]), (1, 1))
        self.assertEqual(tally.false_suppressions, 0)  # only soft-bounce suppressions count
        tally, _, _ = run({"a": [(0, 5, "5.1.1")]}, sends, Policy(hard_bounce_suppresses=False))
        self.assertEqual((tally.ends["hard_bounced"], tally.ends["delivered"]), (1, 1))

    def test_retries_due_when_the_contact_is_suppressed_are_not_attempted_e9(self):
        # Two messages created at the same second bounce in step (counter 1, -, 2, 3, 4);
        # with a threshold of 4, m2's third attempt is due at the instant (900 s) m1's
        # third bounce suppresses the contact, and fires after it.
        tally, attempts, _ = run({"a": [(0, None, "4.7.1")]}, [("m1", "a", 0), ("m2", "a", 0)],
                                 Policy(soft_bounce_threshold=4))
        self.assertEqual(tally.ends["suppressed_messages"], 2)
        self.assertEqual([(row[0], row[2]) for row in attempts],
                         [("m1", 1), ("m2", 1), ("m1", 2), ("m2", 2), ("m1", 3)])

    def test_attempts_to_dead_contacts_and_nearest_rank_times(self):
        tally, _, _ = run({"a": [(100, None, "4.2.2")], "b": [(0, 300, "4.4.1")]},
                          [("m1", "a", 0), ("m2", "a", 100), ("m3", "b", 0)])
        self.assertEqual(tally.attempts_to_dead, 5)  # m2's five attempts, none of m1's
        self.assertEqual(sorted(tally.times_to_deliver), [0, 300])


if __name__ == "__main__":
    unittest.main()
