#!/usr/bin/env bash
# expect_mismatch.sh BINARY ARGS... - passes when the emu checks, run against
# a deliberately broken core (a mutant), fail with a readable MISMATCH
# report: proof that the checks can fail. EXPECT_REPORT=TEXT expects that
# text instead (e.g. the name of a fuzz target's failed check).
set -euo pipefail
want=${EXPECT_REPORT:-MISMATCH}
out=$("$@" 2>&1) && rc=0 || rc=$?
printf '%s\n' "$out" | grep -m 12 -A 8 -e "$want" || true
# A binary that could not start (not found, not executable, a library the
# loader cannot find) proves nothing: say so, not "NOT detected".
if [[ $rc -eq 126 || $rc -eq 127 ]] || grep -q "error while loading shared libraries" <<<"$out"; then
  echo "mutant check could not run (exit $rc): $1" >&2
  printf '%s\n' "$out" | tail -5 >&2
  exit 1
fi
# Any failing exit counts (a broken core may also trap later on), but only
# with the report printed.
if [[ $rc -ne 0 ]] && grep -q -e "$want" <<<"$out"; then
  echo "mutant detected (exit $rc, $(grep -c -e "$want" <<<"$out") \"$want\" report(s) printed)"
  exit 0
fi
echo "mutant NOT detected: exit $rc, no \"$want\" report" >&2
printf '%s\n' "$out" | tail -5 >&2
exit 1
