#!/usr/bin/env bash
# Runs one fuzz target for a while: ./fuzz/run.sh TARGET [SECONDS] (default 60).
# Needs the nightly toolchain and cargo-fuzz. New inputs go to fuzz/corpus/TARGET (not
# committed); the committed seeds in fuzz/seeds/TARGET are read but never written.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: ./fuzz/run.sh TARGET [SECONDS]}"
seconds="${2:-60}"
if [ ! -f "fuzz/fuzz_targets/$target.rs" ]; then
    echo "no fuzz target '$target'; the targets are: $(cd fuzz/fuzz_targets && ls | sed 's/\.rs$//' | tr '\n' ' ')" >&2
    exit 2
fi
mkdir -p "fuzz/corpus/$target"
# libFuzzer stops at a folder that does not exist, so the seeds go in only where there are some.
inputs=("fuzz/corpus/$target")
if [ -d "fuzz/seeds/$target" ]; then
    inputs+=("fuzz/seeds/$target")
fi
cargo +nightly fuzz run "$target" -s none "${inputs[@]}" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1
