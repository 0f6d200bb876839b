#!/usr/bin/env python3
"""An independent SimPy model of retrysim's email rules, for speed and agreement checks.

It replays an imported trace (the `sends.csv` and `failures.csv` of docs/FORMATS.md,
named by a scenario with `[workload] kind = "csv"`) through the email rules of
RULES.md (E1-E9) with the `email` preset's settings, and prints the summary figures
those rules decide, under the column names of retrysim's `summary.csv`.

It is written from the rule texts, not from retrysim's source: every message is a SimPy
process that makes its attempts, sleeps with a timeout between them and is interrupted
when its contact is suppressed. See README.md beside this file for what is and is not
modelled.

    python model.py TRACE.toml [--attempts FILE]
"""

import argparse
import csv
import math
import re
import sys
import time
import tomllib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import simpy
from simpy.events import URGENT

# ----------------------------------------------------------------------------------------
# Settings
# ----------------------------------------------------------------------------------------

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class ModelError(Exception):
    """Bad input: the message names the file, the line or the setting."""


def parse_duration(text, where):
    """`84h`, `4000s`, `1d`, `1h30m` -> seconds."""
    parts = re.findall(r"(\d+)([smhdw])", text)
    if not parts or "".join(n + u for n, u in parts) != text.strip():
        raise ModelError(f"{where}: expected a duration such as 84h or 5m, got {text!r}")
    return sum(int(n) * UNIT_SECONDS[u] for n, u in parts)


def parse_instant(text):
    """An RFC 3339 time -> whole seconds since the Unix epoch (ValueError if not)."""
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected an RFC 3339 time, got {text!r}") from None
    if stamp.tzinfo is None:
        raise ValueError(f"the time {text!r} has no offset")
    return int(stamp.timestamp())


def format_instant(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Policy:
    """The email preset (docs/PRESETS.md, `retrysim presets email`) and the keys a
    scenario may lay over it here."""

    soft_bounce_threshold: int | None = 5  # E2
    cross_delivery_gap: int = 86400  # E4: 24 h
    counter_reset: str = "any_delivery"  # E5
    retry_period: int = 84 * 3600  # E6
    backoff_initial: int = 300  # E7: 5 min ...
    backoff_factor: float = 2.0  # ... doubling ...
    backoff_cap: int = 4000  # ... up to 4000 s
    hard_bounce_suppresses: bool = True  # E8
    opt_out_suppresses: bool = True  # S9, also in the email preset
    cost_per_attempt: float = 0.0001

    def delay_after(self, attempt):
        """E7, exponential without jitter: the wait after attempt n fails is
        min(initial * factor^(n-1), cap), in whole seconds. RULES.md does not say how a
        fraction of a second (factor 1.5: 1012.5 s) is dropped; this rounds to the
        nearest second, halves up, as retrysim does (a truncating first version
        disagreed with it by a second)."""
        delay = self.backoff_initial * self.backoff_factor ** (attempt - 1)
        return math.floor(min(delay, self.backoff_cap) + 0.5)


# Scenario keys the model reads; any other key would change rules it does not model,
# so it is refused rather than ignored.
POLICY_KEYS = {
    "preset",
    "soft_bounce_threshold",
    "cross_delivery_gap",
    "counter_reset",
    "retry_period",
    "backoff",
    "hard_bounce_suppresses",
    "opt_out_suppresses",
    "cost_per_attempt",
}


def read_policy(table, where):
    policy = Policy()
    for key in table:
        if key not in POLICY_KEYS:
            raise ModelError(f"{where}: policy.{key} is not modelled")
    if table.get("preset", "email") not in ("email", "ajo"):
        raise ModelError(f"{where}: policy.preset must be \"email\", the only preset modelled")
    if "soft_bounce_threshold" in table:
        value = table["soft_bounce_threshold"]
        if value == "none":
            policy.soft_bounce_threshold = None
        elif isinstance(value, int) and 1 <= value <= 20:
            policy.soft_bounce_threshold = value
        else:
            raise ModelError(f"{where}: policy.soft_bounce_threshold must be 1..=20, got {value}")
    for key in ("cross_delivery_gap", "retry_period"):
        if key in table:
            setattr(policy, key, parse_duration(table[key], f"{where}: policy.{key}"))
    # One period serves both message types here, so it must fit both types' bounds (E6).
    if not 6 * 3600 <= policy.retry_period <= 84 * 3600:
        raise ModelError(f"{where}: policy.retry_period must be 6h..=84h (E6, marketing)")
    if table.get("counter_reset", "any_delivery") not in ("any_delivery", "after_retry"):
        raise ModelError(f"{where}: policy.counter_reset must be any_delivery or after_retry")
    policy.counter_reset = table.get("counter_reset", "any_delivery")
    for key in ("hard_bounce_suppresses", "opt_out_suppresses"):
        if key in table:
            setattr(policy, key, bool(table[key]))
    if "cost_per_attempt" in table:
        policy.cost_per_attempt = float(table["cost_per_attempt"])
    backoff = table.get("backoff", {})
    kind = (backoff.get("kind", "exponential"), backoff.get("jitter", "none"))
    if kind != ("exponential", "none"):
        raise ModelError(f"{where}: only an exponential policy.backoff without jitter is modelled")
    for key in ("initial", "cap"):
        if key in backoff:
            seconds = parse_duration(backoff[key], f"{where}: policy.backoff.{key}")
            setattr(policy, f"backoff_{key}", seconds)
    if "factor" in backoff:
        policy.backoff_factor = float(backoff["factor"])
    return policy


# ----------------------------------------------------------------------------------------
# Error classes (RULES.md "error class", docs/ERROR_CODES.md): only the class matters to
# the email rules; the waits are for the portal's eligibility checks, which email skips.
# ----------------------------------------------------------------------------------------

HARD_STATUS = {"5.1.1", "5.1.3", "5.1.2", "5.4.4", "5.1.6", "5.7.17", "5.1.10"}
HARD_REPLY = {"521", "556", "551"}
SOFT_REPLY = {"421", "451", "454", "450", "550", "553", "554", "452", "552",
              "500", "501", "502", "503", "504", "530", "535"}
SMS_CODES = {
    "21610": "opt_out",
    "30001": "business_retryable",
    "30003": "soft",
    "30005": "hard",
    "30006": "hard",
    "30007": "business_final",
    "30008": "soft",
}
REASON_CLASSES = {
    "not_accept": "hard", "host_unknown": "hard", "has_moved": "hard",
    "user_unknown": "hard", "unknown_number": "hard", "landline": "hard",
    "opted_out": "opt_out", "carrier_filtered": "business_final",
    "queue_overflow": "business_retryable",
}
SOFT_REASONS = {
    "blocked", "virus", "spam", "auth_failure", "bad_reputation", "rate_limited",
    "too_many_connections", "greylisted", "relay_denied", "message_too_big", "content",
    "policy", "expired", "network", "system", "syntax", "mailbox_full",
    "mailbox_disabled", "unreachable", "carrier_error", "undefined",
}
STATUS = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})$")


def classify(code):
    """The class of an error code, or None for a code nobody knows."""
    if code in REASON_CLASSES:
        return REASON_CLASSES[code]
    if code in SOFT_REASONS:
        return "soft"
    if code in SMS_CODES:
        return SMS_CODES[code]
    status = STATUS.match(code)
    if status:
        if status.group(1) == "2":
            return None
        # A transient status is never hard; of the permanent ones only those saying the
        # address is gone are.
        return "hard" if code in HARD_STATUS else "soft"
    if code in HARD_REPLY:
        return "hard"
    if code in SOFT_REPLY or re.fullmatch(r"4\d\d", code):
        return "soft"
    return None


PERMANENT = {"hard", "opt_out", "business_final"}

# ----------------------------------------------------------------------------------------
# The trace: sends and the failure model (ground truth)
# ----------------------------------------------------------------------------------------


class Contact:
    __slots__ = ("name", "windows", "dead_from", "counter", "last_counted",
                 "suppressed", "waiting")

    def __init__(self, name):
        self.name = name
        self.windows = []  # (start, end, code, class), end None = forever
        self.dead_from = None  # first instant from which no attempt is ever delivered
        self.counter = 0  # E1
        self.last_counted = None  # E4: time of the last counted soft bounce
        self.suppressed = None  # reason, once on the suppression list (E9)
        self.waiting = {}  # message id -> its process, while it waits for a retry

    def failure_at(self, t):
        """The error code an attempt at t gets, or None when it is delivered. Where
        windows overlap a permanent class wins, then the earlier start."""
        best = None
        for window in self.windows:
            start, end, code, klass = window
            if start > t:
                break
            if end is not None and end <= t:
                continue
            key = (klass not in PERMANENT, start)
            if best is None or key < best[0]:
                best = (key, code, klass)
        return None if best is None else best[1:]

    def settle(self, run_end):
        """Sort the windows and find from when the contact never accepts again before
        the run ends: the start of the merged cover that reaches the end."""
        self.windows.sort(key=lambda w: w[0])
        cover_start, cover_end = None, None
        for start, end, _, _ in self.windows:
            reach = math.inf if end is None else end
            if cover_end is not None and start <= cover_end:
                cover_end = max(cover_end, reach)
            else:
                cover_start, cover_end = start, reach
        if cover_end is not None and cover_end >= run_end:
            self.dead_from = cover_start
        else:
            self.dead_from = math.inf

    def is_dead(self, t):
        return t >= self.dead_from


@dataclass(slots=True)
class Message:
    id: str
    contact: Contact
    created: int


def read_rows(path, required):
    """Yield (line number, row dict) of a CSV file with a header naming `required`."""
    try:
        handle = open(path, newline="", encoding="utf-8")
    except OSError as error:
        raise ModelError(f"{path}: {error.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ModelError(f"{path} line 1: missing column {missing[0]}")
        for row in reader:
            yield reader.line_num, row


def read_trace(sends_path, failures_path, start, run_end):
    """The messages in creation order and the contacts with their failure windows."""
    contacts = {}
    messages = read_sends(sends_path, start, run_end, contacts)
    read_failures(failures_path, contacts)
    for contact in contacts.values():
        contact.settle(run_end)
    return messages, contacts


def read_sends(path, start, run_end, contacts):
    messages = []
    seen = {}
    outside = 0
    for line, row in read_rows(path, ("message_id", "contact", "created_at", "channel")):
        column = "channel"
        try:
            if row["channel"] != "email":
                raise ValueError(f"only email is modelled, got {row['channel']!r}")
            column = "message_id"
            if row["message_id"] in seen:
                raise ValueError(f"{row['message_id']!r} repeats line {seen[row['message_id']]}")
            seen[row["message_id"]] = line
            column = "created_at"
            created = parse_instant(row["created_at"])
        except ValueError as error:
            raise ModelError(f"{path} line {line}, column {column}: {error}") from None
        if not start <= created < run_end:
            outside += 1  # outside the run's window: ignored, as retrysim does
            continue
        name = row["contact"]
        contact = contacts.get(name)
        if contact is None:
            contact = contacts[name] = Contact(name)
        messages.append(Message(row["message_id"], contact, created))
    if outside:
        print(f"warning: {outside} sends fall outside the run and were ignored", file=sys.stderr)
    # Rows are replayed in creation order; ties keep file order (sort is stable).
    messages.sort(key=lambda m: m.created)
    return messages


def read_failures(path, contacts):
    for line, row in read_rows(path, ("contact", "error_code", "start", "end")):
        column = "diagnostic"
        try:
            if row.get("diagnostic"):
                raise ValueError("classifying by the text is not modelled")
            column = "error_code"
            klass = classify(row["error_code"])
            if klass is None:
                raise ValueError(f"unknown code {row['error_code']!r}")
            column = "start"
            begin = parse_instant(row["start"])
            column = "end"
            end = parse_instant(row["end"]) if row["end"] else None
            if end is not None and end <= begin:
                raise ValueError(f"expected an end after the start {row['start']}")
        except ValueError as error:
            raise ModelError(f"{path} line {line}, column {column}: {error}") from None
        contact = contacts.get(row["contact"])
        if contact is not None:  # a contact with no send cannot change any figure
            contact.windows.append((begin, end, row["error_code"], klass))


# ----------------------------------------------------------------------------------------
# The simulation
# ----------------------------------------------------------------------------------------


class RetryDue(simpy.Event):
    """A timeout that fires before new sends of the same instant: retrysim handles
    scheduled retries first, then new sends (docs/SCENARIOS.md), and among retries of
    one instant the one scheduled first (SimPy's event ids keep that order)."""

    def __init__(self, env, delay):
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, URGENT, delay)


class Tally:
    """The counters the summary reports."""

    def __init__(self):
        self.attempts = 0
        self.attempts_to_dead = 0
        self.ends = dict.fromkeys(
            ["delivered", "expired", "hard_bounced", "opted_out", "failed",
             "suppressed_messages", "skipped_suppressed", "pending"], 0)
        self.first_attempt_delivered = 0
        self.lost_deliveries = 0
        self.suppressed_contacts = 0
        self.false_suppressions = 0
        self.times_to_deliver = []


class EmailModel:
    def __init__(self, env, policy, origin, run_end, attempts_out=None):
        self.env = env
        self.origin = origin  # the run's start, which is 0 on the simulated clock
        self.policy = policy
        self.run_end = run_end
        self.tally = Tally()
        self.trace = attempts_out

    def sender(self, messages):
        """Puts each message in the queue at its creation time."""
        for message in messages:
            if message.created > self.env.now:
                yield self.env.timeout(message.created - self.env.now)
            self.env.process(self.message(message))

    def message(self, m):
        """One message from creation to its final state."""
        contact = m.contact
        if contact.suppressed:  # E9 / E3: later messages are never tried
            self.tally.ends["skipped_suppressed"] += 1
            if contact.failure_at(m.created) is None:
                self.tally.lost_deliveries += 1
            return
        attempt = 0
        soft_bounced_before = False
        while True:
            attempt += 1
            end = self.attempt(m, attempt, soft_bounced_before)
            if end is not None:
                self.tally.ends[end] += 1
                return
            soft_bounced_before = True  # only soft or business-retryable errors come here
            delay = self.policy.delay_after(attempt)
            due = self.env.now + delay
            if due >= m.created + self.policy.retry_period:  # E6
                self.tally.ends["expired"] += 1
                return
            if due >= self.run_end:  # still waiting when the run ends
                self.tally.ends["pending"] += 1
                return
            contact.waiting[m.id] = self.env.active_process
            try:
                yield RetryDue(self.env, delay)
            except simpy.Interrupt:  # E3: the contact was suppressed meanwhile
                self.tally.ends["suppressed_messages"] += 1
                return
            # A retry due at the very instant another message suppressed the contact
            # fires before the interrupt arrives: no attempt to a suppressed contact (E9).
            contact.waiting.pop(m.id, None)
            if contact.suppressed:
                self.tally.ends["suppressed_messages"] += 1
                return

    def attempt(self, m, number, soft_bounced_before):
        """Makes one attempt; returns the message's final state, or None to retry."""
        now, contact, tally = self.env.now, m.contact, self.tally
        tally.attempts += 1
        if contact.is_dead(now):
            tally.attempts_to_dead += 1
        failure = contact.failure_at(now)
        if failure is None:
            tally.times_to_deliver.append(now - m.created)
            if number == 1:
                tally.first_attempt_delivered += 1
            if self.policy.counter_reset == "any_delivery" or number >= 2:  # E5
                contact.counter = 0
                contact.last_counted = None
            self.record(m, number, "delivered", "", False)
            return "delivered"
        code, klass = failure
        if klass == "hard":  # E8
            self.record(m, number, "failed", code, False)
            if self.policy.hard_bounce_suppresses:
                self.suppress(contact, "hard_bounce")
            return "hard_bounced"
        if klass == "opt_out":  # S9
            self.record(m, number, "failed", code, False)
            if self.policy.opt_out_suppresses:
                self.suppress(contact, "opt_out")
            return "opted_out"
        if klass == "business_final":
            self.record(m, number, "failed", code, False)
            return "failed"
        # Without a threshold there is no counter at all (the preset table's "none").
        threshold = self.policy.soft_bounce_threshold
        counted = (klass == "soft" and threshold is not None
                   and self.counts(contact, soft_bounced_before, now))
        if counted:  # E1
            contact.counter += 1
            contact.last_counted = now
        self.record(m, number, "failed", code, counted)
        if counted and contact.counter >= threshold:  # E3
            self.suppress(contact, "soft_bounce_threshold")
            return "suppressed_messages"
        return None

    def counts(self, contact, soft_bounced_before, now):
        """E4: a soft bounce counts when the counter is 0, when its own message has
        soft-bounced before, or when the gap has passed since the last counted one."""
        if contact.counter == 0 or soft_bounced_before:
            return True
        return now - contact.last_counted >= self.policy.cross_delivery_gap

    def suppress(self, contact, reason):
        """E3/E8/S9: the contact joins the suppression list and every retry waiting for
        it is cancelled."""
        contact.suppressed = reason
        self.tally.suppressed_contacts += 1
        if reason == "soft_bounce_threshold" and not contact.is_dead(self.env.now):
            self.tally.false_suppressions += 1
        for process in contact.waiting.values():
            process.interrupt(reason)
        contact.waiting.clear()

    def record(self, m, number, outcome, code, counted):
        if self.trace is not None:
            at = format_instant(self.origin + self.env.now)
            self.trace.writerow([m.id, m.contact.name, number, at, outcome, code,
                                 str(counted).lower(), m.contact.counter])


# ----------------------------------------------------------------------------------------
# Summary
# ----------------------------------------------------------------------------------------


def nearest_rank(sorted_values, q):
    if not sorted_values:
        return ""
    return sorted_values[max(1, math.ceil(q * len(sorted_values))) - 1]


def summary(tally, messages, contacts, policy):
    delivered = tally.ends["delivered"]
    ttd = sorted(tally.times_to_deliver)
    cost = tally.attempts * policy.cost_per_attempt
    row = {
        "messages": messages,
        "attempts": tally.attempts,
        "delivered": delivered,
        "delivery_rate": f"{delivered / messages:.6f}" if messages else "",
        "first_attempt_delivered": tally.first_attempt_delivered,
        "recovered_by_retry": delivered - tally.first_attempt_delivered,
    }
    row.update({k: v for k, v in tally.ends.items() if k != "delivered"})
    row.update({
        "suppressed_contacts": tally.suppressed_contacts,
        "false_suppressions": tally.false_suppressions,
        "attempts_to_dead": tally.attempts_to_dead,
        "lost_deliveries": tally.lost_deliveries,
        "ttd_p50_s": nearest_rank(ttd, 0.50),
        "ttd_p90_s": nearest_rank(ttd, 0.90),
        "ttd_p99_s": nearest_rank(ttd, 0.99),
        "contacts": contacts,
        "false_suppression_rate": f"{tally.false_suppressions / contacts:.6f}" if contacts else "",
        "attempts_per_delivered": f"{tally.attempts / delivered:.6f}" if delivered else "",
        "cost_total": f"{cost:.6f}",
        "cost_per_delivered": f"{cost / delivered:.6f}" if delivered else "",
    })
    return row


def load_scenario(path):
    path = Path(path)
    try:
        scenario = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ModelError(f"{path}: {error}") from None
    workload = scenario.get("workload", {})
    if workload.get("kind") != "csv":
        raise ModelError(f"{path}: workload.kind must be \"csv\" (an imported trace)")
    for key in ("actions", "capacity"):
        if key in workload:
            raise ModelError(f"{path}: workload.{key} is not modelled")
    for key in ("errors", "error_fallback", "operator"):
        if key in scenario:
            raise ModelError(f"{path}: {key} is not modelled")
    policy_table = scenario.get("policy", {})
    for key in ("email", "sms", "domains"):
        if key in policy_table:
            raise ModelError(f"{path}: policy.{key} is not modelled")
    try:
        start = parse_instant(scenario.get("start", "2026-01-05T00:00:00Z"))
    except ValueError as error:
        raise ModelError(f"{path}: start: {error}") from None
    horizon = parse_duration(scenario.get("horizon", "30d"), f"{path}: horizon")
    base = path.parent
    return (base / workload["sends"], base / workload["failures"], start, start + horizon,
            read_policy(policy_table, str(path)))


def simulate(messages, policy, run_end, origin=0, trace=None):
    """Runs the model over `messages` (in creation order, times in seconds from the
    run's start, which is `origin` on the Unix clock) and returns its tally."""
    env = simpy.Environment()
    model = EmailModel(env, policy, origin, run_end, trace)
    env.process(model.sender(messages))
    env.run()
    return model.tally


def to_run_clock(messages, contacts, start):
    """Moves every time to seconds from the run's start, the simulated clock."""
    for m in messages:
        m.created -= start
    for contact in contacts.values():
        contact.windows = [(s - start, None if e is None else e - start, c, k)
                           for s, e, c, k in contact.windows]
        contact.dead_from -= start


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", help="a scenario with [workload] kind = \"csv\"")
    parser.add_argument("--attempts", help="write every attempt to this CSV file")
    parser.add_argument("--timing", action="store_true",
                        help="print the CPU seconds spent reading and simulating to stderr")
    args = parser.parse_args(argv)
    clock = time.process_time()  # CPU time: steadier than wall time on a shared machine
    try:
        sends, failures, start, run_end, policy = load_scenario(args.scenario)
        messages, contacts = read_trace(sends, failures, start, run_end)
    except ModelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    to_run_clock(messages, contacts, start)
    read_s = time.process_time() - clock
    trace_file = open(args.attempts, "w", newline="") if args.attempts else None
    trace = None
    if trace_file:
        trace = csv.writer(trace_file, lineterminator="\n")
        trace.writerow(["message_id", "contact", "attempt", "at", "outcome", "error_code",
                        "counted", "counter"])
    tally = simulate(messages, policy, run_end - start, start, trace)
    if args.timing:
        simulate_s = time.process_time() - clock - read_s
        print(f"CPU: read {read_s:.2f} s, simulate {simulate_s:.2f} s, "
              f"{len(messages)} messages", file=sys.stderr)
    if trace_file:
        trace_file.close()
    row = summary(tally, len(messages), len(contacts), policy)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(row.keys())
    out.writerow(row.values())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
