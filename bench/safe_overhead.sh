#!/usr/bin/env bash
# The safe layer's extra user-space instructions per operation, against the raw ring.
# Runs bench/rust's `safe_overhead` under callgrind at two operation counts per cell and
# divides the difference by the extra operations, so setup and teardown cancel out.
#   bench/safe_overhead.sh            # NOPs and 4 KiB reads, batches 1, 8, 32
#   SAFE_OVERHEAD_OPS=20000 ...       # the larger count (default 20000; the smaller is a fifth)
set -euo pipefail
cd "$(dirname "$0")/rust"
cargo build --release --quiet --bin safe_overhead
bin=target/release/safe_overhead
big=${SAFE_OVERHEAD_OPS:-20000}
small=$((big / 5))
data=$(mktemp /tmp/safe-overhead.XXXXXX)
trap 'rm -f "$data" /tmp/safe-overhead.cg.*' EXIT
head -c $((256 * 4096)) /dev/urandom >"$data"

instructions() { # mode layer batch ops
    valgrind --tool=callgrind --callgrind-out-file=/tmp/safe-overhead.cg.$$ "$bin" "$@" "$data" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

printf '| operation | batch | raw ring | safe layer | extra |\n|---|---:|---:|---:|---:|\n'
for mode in nop read; do
    for batch in 1 8 32; do
        per=()
        for layer in raw safe; do
            a=$(instructions "$mode" "$layer" "$batch" "$small")
            b=$(instructions "$mode" "$layer" "$batch" "$big")
            per+=("$(awk -v a="$a" -v b="$b" -v n=$((big - small)) 'BEGIN { printf "%.1f", (b - a) / n }')")
        done
        extra=$(awk -v r="${per[0]}" -v s="${per[1]}" 'BEGIN { printf "%+.1f", s - r }')
        printf '| %s | %d | %s | %s | %s |\n' "$mode" "$batch" "${per[0]}" "${per[1]}" "$extra"
    done
done
