#!/usr/bin/env python3
"""Makes an email-only trace for the model from a folder `retrysim generate` wrote.

Keeps the email rows of `sends.csv` (the model does not do SMS), optionally only the
contacts whose position in a stable hash order falls in one slice (`--slice K/N`, for
small traces that can be read message by message), copies `failures.csv` as it is, and
writes `TRACE.toml`: one replication, the `email` preset, the run window of
`scenarios/default.toml`.

    python email_trace.py GENERATED_DIR OUT_DIR [--slice K/N]
"""

import argparse
import csv
import shutil
import sys
import zlib
from pathlib import Path

TRACE_TOML = """name = "trace"
seed = 42
replications = 1
start = "2026-01-05T00:00:00Z"
horizon = "30d"
timezone = "Europe/Paris"

[workload]
kind = "csv"
sends = "sends.csv"
failures = "failures.csv"

[policy]
preset = "email"
"""


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source")
    parser.add_argument("out")
    parser.add_argument("--slice", help="K/N: keep the contacts whose CRC-32 is K modulo N")
    args = parser.parse_args(argv)
    keep_k, keep_n = (int(x) for x in args.slice.split("/")) if args.slice else (0, 1)
    source, out = Path(args.source), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    kept = 0
    with open(source / "sends.csv", newline="") as src, \
            open(out / "sends.csv", "w", newline="") as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        for row in reader:
            if row["channel"] != "email":
                continue
            if zlib.crc32(row["contact"].encode()) % keep_n != keep_k:
                continue
            writer.writerow(row)
            kept += 1
    shutil.copyfile(source / "failures.csv", out / "failures.csv")
    (out / "TRACE.toml").write_text(TRACE_TOML)
    print(f"{out}: {kept} email sends")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
