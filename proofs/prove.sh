#!/usr/bin/env bash
# prove.sh - Frama-C/WP proof of the production bitmap (core/bitmap.c).
#
#   proofs/prove.sh [OUTDIR]     (./fuzz.sh prove, ctest -L proof)
#
# Proves every goal of core/bitmap.c - contracts, loop invariants and
# variants, assigns, and the -wp-rte runtime-error goals - with CVC4 and Z3
# through Why3, the shared logic coming from proofs/bitmap.acsl. Prints a
# table of goals proved per function and writes OUTDIR/report.json,
# OUTDIR/table.txt and the full log OUTDIR/wp.log.
# Exit: 0 every goal proved, 1 a goal unproved or a Frama-C error,
#       77 Frama-C (or Why3) missing: the test is skipped, never passed.
# Env: VMM_WP_CACHE=<dir> (default OUTDIR/cache; WP keys it by goal, so a
#      changed goal is simply proved again),
#      VMM_WP_TIMEOUT=<s> (default 10), VMM_WP_JOBS=<n> (default nproc).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-$ROOT/build/proofs-wp}
CACHE=${VMM_WP_CACHE:-$OUT/cache}
TIMEOUT=${VMM_WP_TIMEOUT:-10}
JOBS=${VMM_WP_JOBS:-$(nproc)}
SOURCE=core/bitmap.c
LOGIC=$ROOT/proofs/bitmap.acsl

for tool in frama-c why3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "prove.sh: SKIPPED, $tool is not installed (./fuzz.sh deps installs it)"
    exit 77
  fi
done
export WHY3CONFIG=${WHY3CONFIG:-$ROOT/.tools/why3.conf}
"$ROOT/proofs/setup.sh"
mkdir -p "$OUT" "$CACHE"

# Runs WP over the production file; the report plug-in turns any goal left
# unknown into an error, so frama-c itself exits non-zero then.
run_wp() {
  cd "$ROOT"
  frama-c -machdep x86_64 \
    -cpp-extra-args="-I$ROOT -include $LOGIC" \
    -warn-unsigned-overflow \
    "$SOURCE" \
    -wp -wp-rte -wp-prover cvc4 -wp-timeout "$TIMEOUT" -wp-par "$JOBS" \
    -wp-split -wp-auto wp:range \
    -wp-cache update -wp-cache-dir "$CACHE" \
    -wp-report-json "$OUT/report.json" \
    -then -report-classify -report-unclassified-unknown ERROR \
    -report-unclassified-invalid ERROR
}

start=$(date +%s)
rc=0
run_wp >"$OUT/wp.log" 2>&1 || rc=$?
secs=$(($(date +%s) - start))

# Prints "function proved/total" per function and the total line; returns 1
# unless every goal is proved.
summarize() {
  python3 - "$OUT/report.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
# A call's precondition goal is listed under caller and callee: count every
# goal once, under the longest function name its name starts with.
fcts = sorted(report.get("wp:functions", {}), key=len, reverse=True)
goals = {}
for fct, gs in report.get("wp:functions", {}).items():
    for name, g in gs.items():
        m = g.get("wp:main", {})
        goals[name] = m.get("total", 0) > 0 and m.get("valid", 0) == m.get("total", 0)
for name, g in report.get("wp:axiomatics", {}).items() if isinstance(report.get("wp:axiomatics"), dict) else []:
    pass
rows, proved, total = [], 0, 0
per = {}
for name, ok in goals.items():
    owner = next((f for f in fcts if name.startswith(f + "_")), "(lemmas)")
    v, t = per.get(owner, (0, 0))
    per[owner] = (v + ok, t + 1)
for fct in sorted(per):
    v, t = per[fct]
    rows.append((fct, v, t))
    proved += v
    total += t
print("%-28s %8s %6s" % ("function", "proved", "total"))
for fct, v, t in rows:
    print("%-28s %8d %6d%s" % (fct, v, t, "" if v == t else "   <-- UNPROVED"))
print("%-28s %8d %6d" % ("TOTAL", proved, total))
g = report.get("wp:global", {})
print("provers: " + ", ".join("%s %d" % (p, s.get("valid", 0)) for p, s in sorted(g.items())
                               if p != "wp:main"))
sys.exit(0 if total > 0 and proved == total else 1)
EOF
}

table_rc=1
if [[ -s $OUT/report.json ]]; then
  table_rc=0
  summarize >"$OUT/table.txt" || table_rc=$?
  cat "$OUT/table.txt"
fi
echo "time: ${secs}s on $JOBS jobs (timeout ${TIMEOUT}s per goal, cache $CACHE)"
if ((rc != 0 || table_rc != 0)); then
  grep -E '\[Failed\]|Timeout|Unknown|rror' "$OUT/wp.log" | grep -v 'Valid' | head -40 || true
  echo "prove.sh: FAILED (frama-c exit $rc; full log $OUT/wp.log)"
  exit 1
fi
echo "prove.sh: all goals proved"
