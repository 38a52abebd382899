#!/usr/bin/env bash
# test-median-rows.sh - ctest bench_median_rows: median-rows.sh picks the
# median process's row per figure, says the range, leaves agreeing rows as
# they are, and rejects a call without files.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# row FIG VALUE RATIO NOTE
row() { printf '| %s | %s | Pluto 290 us/op | %s | %s |\n' "$@"; }
{ row "reserve, 2^24 pages" "330 ns/op" "880x" "goal >= 1000x"
  row "growth 2^16 -> 2^24" "1.97x" "-" "goal <= 2x"
  row "memory" "480256 bytes" "1.18x" ""
  row "tiny" "1 ms/op" "1/40" ""; } >"$tmp/a"
{ row "reserve, 2^24 pages" "289 ns/op" "1004x" "goal >= 1000x"
  row "growth 2^16 -> 2^24" "1.75x" "-" "goal <= 2x"
  row "memory" "480256 bytes" "1.18x" ""
  row "tiny" "1 ms/op" "1/20" ""; } >"$tmp/b"
{ row "reserve, 2^24 pages" "430 ns/op" "676x" "goal >= 1000x"
  row "growth 2^16 -> 2^24" "2.40x" "-" "goal <= 2x"
  row "memory" "480256 bytes" "1.18x" ""
  row "tiny" "1 ms/op" "1/30" ""
  row "only here" "1 ns/op" "2x" ""; } >"$tmp/c"
out=$("$here/median-rows.sh" "$tmp/a" "$tmp/b" "$tmp/c")
want=$(printf '%s\n' \
  "| reserve, 2^24 pages | 330 ns/op | Pluto 290 us/op | 880x | goal >= 1000x; median of 3 processes: 676 - 1004 |" \
  "| growth 2^16 -> 2^24 | 1.97x | Pluto 290 us/op | - | goal <= 2x; median of 3 processes: 1.75 - 2.40 |" \
  "| memory | 480256 bytes | Pluto 290 us/op | 1.18x |  |" \
  "| tiny | 1 ms/op | Pluto 290 us/op | 1/30 | median of 3 processes: 0.03 - 0.05 |" \
  "| only here | 1 ns/op | Pluto 290 us/op | 2x |  |")
[[ $out == "$want" ]] || fail "got:"$'\n'"$out"$'\n'"want:"$'\n'"$want"
[[ $("$here/median-rows.sh" "$tmp/a") == "$(cat "$tmp/a")" ]] || fail "one file must pass through"
rc=0; "$here/median-rows.sh" 2>/dev/null || rc=$?
((rc == 2)) || fail "no file: exit $rc, want 2"
echo "median-rows: ok"
