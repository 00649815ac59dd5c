#!/usr/bin/env bash
# The one command that builds and runs every benchmark: see README.md.
#   bench/run.sh                       full run (~5 min on the 2-core dev machine)
#   BENCH_QUICK=1 bench/run.sh         small sizes (~30 s)
#   BENCH_SCENARIOS=nop,callgrind ...  a subset (nop, callgrind, sqpoll, read, echo, rust)
# Exit status 1 if any benchmark computed a wrong answer (or failed to build).
set -euo pipefail
cd "$(dirname "$0")"
unset LD_LIBRARY_PATH LD_PRELOAD

echo "== building the library (cargo build --release)"
(cd .. && cargo build --release --quiet)
echo "== building the C benchmarks (reference and ours)"
make --no-print-directory -s all
echo "== building the Rust benchmark (bench/rust, its own target dir)"
if ! (cd rust && cargo build --release --quiet); then
    echo "Rust benchmark failed to build; its rows will say n/a" >&2
    rm -f rust/target/release/rbench
fi
exec python3 tools/run.py
