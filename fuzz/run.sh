#!/usr/bin/env bash
# Runs one fuzz target for a while: ./fuzz/run.sh TARGET [SECONDS] (default 60).
# Needs the nightly toolchain and cargo-fuzz. New inputs go to fuzz/corpus/TARGET (not
# committed); the committed seeds in fuzz/seeds/TARGET are read but never written.
set -euo pipefail
cd "$(dirname "$0")/.."
target="$1"
seconds="${2:-60}"
mkdir -p "fuzz/corpus/$target"
cargo +nightly fuzz run "$target" -s none "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1
