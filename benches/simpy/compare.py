#!/usr/bin/env python3
"""Compares the model's figures with retrysim's `summary.csv` for the same trace.

Prints each column the model reports with both values and exits 1 when any differs.
With `--attempts MODEL_ATTEMPTS RETRYSIM_ATTEMPTS` (the model's `--attempts` file and
the `attempts.csv` of `retrysim run --trace`) it also lists the first attempts on which
the two disagree, message by message.

    python compare.py MODEL_CSV SUMMARY_CSV [--attempts MODEL RETRYSIM]
"""

import argparse
import csv
import sys

# The attempt fields both write; retrysim's file has more (badge, trigger, reason ...).
ATTEMPT_FIELDS = ["message_id", "contact", "attempt", "at", "outcome", "error_code",
                  "counted", "counter"]


def one_row(path):
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    if len(rows) != 1:
        sys.exit(f"{path}: expected one row (one replication), found {len(rows)}")
    return rows[0]


def attempts(path):
    with open(path, newline="") as handle:
        rows = [tuple(row[f] for f in ATTEMPT_FIELDS) for row in csv.DictReader(handle)]
    # Both files list attempts in time order; sort by message so that attempts made at
    # the same second compare whatever their order within the second.
    return sorted(rows, key=lambda r: (r[0], int(r[2])))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("summary")
    parser.add_argument("--attempts", nargs=2, metavar=("MODEL", "RETRYSIM"))
    parser.add_argument("--show", type=int, default=10, help="attempt differences to list")
    args = parser.parse_args(argv)
    model, ours = one_row(args.model), one_row(args.summary)
    differ = 0
    for column, value in model.items():
        other = ours.get(column)
        mark = "" if value == other else "   <-- differs"
        differ += bool(mark)
        print(f"{column:26} model {value:>14}  retrysim {other!s:>14}{mark}")
    if args.attempts:
        mine, theirs = attempts(args.attempts[0]), attempts(args.attempts[1])
        only_model = sorted(set(mine) - set(theirs))
        only_retrysim = sorted(set(theirs) - set(mine))
        print(f"attempts: model {len(mine)}, retrysim {len(theirs)}, "
              f"only in the model {len(only_model)}, only in retrysim {len(only_retrysim)}")
        for label, rows in (("model", only_model), ("retrysim", only_retrysim)):
            for row in rows[: args.show]:
                print(f"  only {label:8} " + ",".join(row))
        differ += bool(only_model or only_retrysim)
    print("agree" if not differ else "DIFFER")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
