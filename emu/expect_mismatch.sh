#!/usr/bin/env bash
# expect_mismatch.sh BINARY ARGS... - passes when the emu checks, run against
# a deliberately broken core (a mutant), fail with a readable MISMATCH
# report: proof that the checks can fail.
set -euo pipefail
out=$("$@" 2>&1) && rc=0 || rc=$?
printf '%s\n' "$out" | grep -m 12 -A 8 'MISMATCH' || true
# Any failing exit counts (a broken core may also trap later on), but only
# with a MISMATCH report printed.
if [[ $rc -ne 0 ]] && grep -q 'MISMATCH' <<<"$out"; then
  echo "mutant detected (exit $rc, $(grep -c 'MISMATCH' <<<"$out") mismatch report(s) printed)"
  exit 0
fi
echo "mutant NOT detected: exit $rc, no MISMATCH report" >&2
printf '%s\n' "$out" | tail -5 >&2
exit 1
