#!/usr/bin/env bash
# bench-vmm.sh - the exec/s figure of issue 4 for the `vmm` target (a
# benchmark, not a test): 64-op inputs, ASan + UBSan, one core.
#   harness/bench-vmm.sh [BUILD_DIR] [N]
# BUILD_DIR (default build/fuzz-libfuzzer, configured by fuzz-main.sh, or
# any clang build with the asan-ubsan flags) must hold fuzz_gen_bench,
# replay_vmm and fuzz_vmm (built here if missing). N inputs (default 200).
# Prints: the load average; the replayer's CPU us per input (getrusage over
# 10 rounds, file I/O excluded); libFuzzer's exec/s and CPU us per exec over
# 100000 runs mutating those inputs, after a 50000-run warm-up that grows
# the corpus (new units, written to disk, are rare afterwards).
set -euo pipefail
ROOT=${VMM_ROOT:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)}
BUILD=${1:-$ROOT/build/fuzz-libfuzzer}
N=${2:-200}
WORK=$(mktemp -d /tmp/bench-vmm.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}

if [[ -z ${BENCH_NO_BUILD:-} ]]; then  # BENCH_NO_BUILD=1: use the binaries as they are
  cmake --build "$BUILD" -j2 --target fuzz_gen_bench replay_vmm fuzz_vmm >"$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log" >&2; echo "bench-vmm.sh: build failed" >&2; exit 2; }
fi
H=$BUILD/harness
"$H/fuzz_gen_bench" "$WORK/inputs" "$N"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"$H/replay_vmm" -b 10 "$WORK/inputs" 2>/dev/null | sed 's/^bench:/replay (ASan+UBSan):/'

# libfuzzer <runs> <dir>: "exec/s-wall us-CPU-per-exec exec/s-per-busy-core"
libfuzzer() {
  local u s e
  /usr/bin/time -f '%U %S %e' -o "$WORK/time" "$H/fuzz_vmm" -runs="$1" -seed=1 -max_len=2048 \
    -print_final_stats=1 "$2" >"$WORK/lf.log" 2>&1 || { tail -20 "$WORK/lf.log" >&2; exit 1; }
  read -r u s e <"$WORK/time"
  awk -v u="$u" -v s="$s" -v e="$e" -v n="$1" \
    'BEGIN { printf "%.0f %.1f %.0f\n", n / e, (u + s) * 1e6 / n, n / (u + s) }'
}
mkdir -p "$WORK/corpus"
cp "$WORK/inputs"/* "$WORK/corpus/"
libfuzzer 50000 "$WORK/corpus" >/dev/null
read -r eps us cpu_eps <<<"$(libfuzzer 100000 "$WORK/corpus")"
echo "libFuzzer: $eps exec/s wall (start-up included); $us us CPU/exec = $cpu_eps exec/s" \
  "per busy core; $(ls "$WORK/corpus" | wc -l) corpus files"
