#!/usr/bin/env bash
# memo-test.sh - ctest proof_memo: prove.sh's shard memo (proofs/memo.sh) is
# keyed by every input and nothing else, a record is reused only for the
# inputs it was made from, and `check` fails on a record that lies.
# Works on a copy of core/ and proofs/ (the committed goal cache is read,
# never written). Exit 0 passed, 1 failed, 77 Frama-C / Why3 / gcc missing.
set -euo pipefail
SRC=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
for tool in frama-c why3 gcc python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "memo-test: SKIPPED, no $tool"; exit 77; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp -r "$SRC/core" "$T/"
mkdir -p "$T/proofs"
(cd "$SRC/proofs" && cp prove.sh memo.sh setup.sh wp_gc.ml ./*.acsl ./*.shards ./*.skip ./*.trusted \
  open-goals.txt "$T/proofs/" && cp -r wp-session "$T/proofs/")
export WHY3CONFIG=${WHY3CONFIG:-$T/.tools/why3.conf} # its own: no race with a parallel setup.sh
export VMM_WP_CACHE=$SRC/proofs/wp-cache VMM_WP_MEMO_DIR=$T/memo
fails=0
fail() { echo "memo-test: FAILED: $*"; fails=$((fails + 1)); }
keys() { "$T/proofs/prove.sh" --keys; }
# changed BEFORE AFTER UNIT: how many of UNIT's shard keys differ
changed() { diff <(grep "^$3 " <<<"$1") <(grep "^$3 " <<<"$2") | grep -c '^>' || true; }

k0=$(keys)
nb=$(grep -c '^bitmap ' <<<"$k0")
nh=$(grep -c '^hbitmap ' <<<"$k0")
[[ $(awk '{print $3}' <<<"$k0" | grep -cE '^[0-9a-f]{64}$') == $((nb + nh)) ]] ||
  fail "a shard has no key: $k0"
echo "memo-test: $nb bitmap and $nh hbitmap shards keyed"

# A file no run reads (README, the harness) changes no key.
echo "# not an input" >>"$T/core/CMakeLists.txt"
k1=$(keys)
[[ $k1 == "$k0" ]] || fail "a file frama-c does not read changed a key"

# core/hbitmap.c: a plain comment or blank line changes no key (frama-c
# drops it); an annotation in one function's body changes exactly the keys
# of the shards that prove that function; its contract exactly those of the
# shards that prove it or a caller (round 41), and no bitmap key; a global
# annotation or a call added to a body (WP's recursion clusters) every
# hbitmap key.
hb=$T/core/hbitmap.c
cp "$hb" "$T/hbitmap.c.orig"
body() { awk -v s="$(grep -n "^static[a-z_ ]* $1(" "$hb" | cut -d: -f1)" 'NR > s && /^\{/ {print NR; exit}' "$hb"; }
fn=range_mid
want=$(sed 's/#.*//' "$T/proofs/hbitmap.shards" | grep '[a-z]' | grep -cw "$fn")
b=$(body $fn)
sed -i "1s/\$/ /; $((b + 1))s|^|    /* a comment */\n\n|" "$hb"
k2=$(keys)
[[ $k2 == "$k1" ]] || fail "a plain comment in core/hbitmap.c changed $(changed "$k1" "$k2" hbitmap) keys"
sed -i "$((b + 1))s|^|    /*@ assert memo_test: 0 == 0; */|" "$hb"
k2=$(keys)
[[ $want == 1 && $(changed "$k1" "$k2" hbitmap) == 1 && $(changed "$k1" "$k2" bitmap) == 0 ]] ||
  fail "an assert in $fn's body changed $(changed "$k1" "$k2" hbitmap) hbitmap keys, its lines: $want"
cp "$T/hbitmap.c.orig" "$hb"
sed -i "$(($(grep -n "^static[a-z_ ]* $fn(" "$hb" | cut -d: -f1) - 1))s|^\*/|    ensures memo_test: 0 == 0;\n*/|" "$hb"
k2=$(keys)
# the functions whose bodies call fn (the definition line opens a body's name)
callers=$(awk -v f="$fn" '/^[a-z].*[a-z0-9_]+\(/ && !/;$/ {d = $0; gsub(/__attribute__\(\([^)]*\)\)/, "", d)
  match(d, /[a-z0-9_]+\(/); cur = substr(d, RSTART, RLENGTH - 1)}
  index($0, f "(") && cur != f {print cur}' "$T/hbitmap.c.orig" | sort -u)
want=$(sed 's/#.*//' "$T/proofs/hbitmap.shards" | grep '[a-z]' | grep -cwE "$(echo $fn $callers | tr ' ' '|')")
[[ -n $callers && $want -ge 2 && $want -lt $nh ]] || fail "$fn: callers '$callers', lines $want: the test's premise"
want_c=$want
[[ $(changed "$k1" "$k2" hbitmap) == "$want" && $(changed "$k1" "$k2" bitmap) == 0 ]] ||
  fail "$fn's contract changed $(changed "$k1" "$k2" hbitmap) hbitmap keys, its and its callers' ($callers) lines: $want"
cp "$T/hbitmap.c.orig" "$hb"
c=$(awk -v s="$(grep -n "^static[a-z_ ]* $fn(" "$hb" | cut -d: -f1)" 'NR < s && /^\/\*@/ {n = NR} END {print n}' "$hb")
sed -i "${c}s|^|/*@ predicate memo_test_g = \\\\true; */\\n|" "$hb"
k2=$(keys)
[[ $(changed "$k1" "$k2" hbitmap) == "$nh" ]] ||
  fail "a global annotation above $fn's contract changed $(changed "$k1" "$k2" hbitmap) of $nh hbitmap keys"
# A ghost function that calls a C function (in a global ghost block) is
# proved on the line that names it: that callee's contract is in its key.
cp "$T/hbitmap.c.orig" "$hb"
printf '/*@ ghost /@ assigns \\nothing; @/ static void lemma_memo_test(void) { %s(0, 0); } */\n' span_div >>"$hb"
sed -i "$(grep -n "^range_check " "$T/proofs/hbitmap.shards" | cut -d: -f1)s/^range_check /range_check lemma_memo_test /" \
  "$T/proofs/hbitmap.shards"
k2=$(keys)
n=$(grep -n "^static[a-z_ ]* span_div(" "$hb" | cut -d: -f1)
sed -i "$((n - 1))s|^\*/|    ensures memo_test: 0 == 0;\n*/|" "$hb"
k3=$(keys)
line=$(sed 's/#.*//' "$T/proofs/hbitmap.shards" | grep '[a-z]' | grep -n "lemma_memo_test" | cut -d: -f1)
[[ -n $line ]] && diff <(grep "^hbitmap $line " <<<"$k2") <(grep "^hbitmap $line " <<<"$k3") >/dev/null &&
  fail "span_div's contract did not change the key of the line of a ghost function that calls it"
cp "$T/hbitmap.c.orig" "$hb"
cp "$SRC/proofs/hbitmap.shards" "$T/proofs/hbitmap.shards"
sed -i "$(($(body $fn) + 1))s|^|    (void)span_div(0, 0);|" "$hb"
k2=$(keys)
[[ $(changed "$k1" "$k2" hbitmap) == "$nh" ]] ||
  fail "a call added to $fn changed $(changed "$k1" "$k2" hbitmap) of $nh hbitmap keys"

# A header both units read: a macro no text uses no key (round 42); a
# declaration every key.
echo "#define MEMO_TEST_UNUSED 1" >>"$T/core/vmm_cdefs.h"
k3=$(keys)
[[ $k3 == "$k2" ]] || fail "a macro no text uses, in core/vmm_cdefs.h, changed a key"
echo "extern int memo_test_v;" >>"$T/core/vmm_cdefs.h"
k3=$(keys)
[[ $(changed "$k2" "$k3" bitmap) == "$nb" && $(changed "$k2" "$k3" hbitmap) == "$nh" ]] ||
  fail "a declaration in core/vmm_cdefs.h: not every key changed"

# A line's extra logic file: a comment no key; logic exactly the shards
# whose line loads it.
extra=$(grep -v '^#' "$T/proofs/hbitmap.shards" | grep -oE 'proofs/[a-z0-9-]+\.acsl' | sort | uniq -c |
  sort -n | awk 'NR == 1 {print $2}')
want=$(sed 's/#.*//' "$T/proofs/hbitmap.shards" | grep '[a-z]' | grep -cF "$extra")
echo "/* a comment */" >>"$T/$extra"
k4=$(keys)
[[ $k4 == "$k3" ]] || fail "a comment in $extra changed a key"
echo "/*@ predicate memo_test_p = \true; */" >>"$T/$extra"
k4=$(keys)
[[ $(changed "$k3" "$k4" hbitmap) == "$want" ]] ||
  fail "$extra changed $(changed "$k3" "$k4" hbitmap) hbitmap keys, its lines: $want"

# A session script (how a goal was found valid, not which goals are): no
# key; the timeout: every key.
f=$(find "$T/proofs/wp-session/hbitmap" -type f | sort | sed -n 1p)
echo " " >>"$f"
k5=$(keys)
[[ $k5 == "$k4" ]] || fail "a session script changed a key"
[[ $(VMM_WP_TIMEOUT=11 keys) != "$k5" ]] || fail "the timeout is not in the key"

# A macro's definition (round 42) keys exactly the shards whose text uses it,
# directly or through another macro: one that fn's contract uses those of fn
# and its callers (as its contract did above), no bitmap key; one that a
# global annotation uses every hbitmap key.
cp "$T/hbitmap.c.orig" "$hb"
acsl=$T/proofs/hbitmap.acsl
printf '#define MEMO_TEST_N 0 == 0\n#define MEMO_TEST_M MEMO_TEST_N\n#define MEMO_TEST_G 0 == 0\n' >>"$acsl"
sed -i "$(($(grep -n "^static[a-z_ ]* $fn(" "$hb" | cut -d: -f1) - 1))s|^\*/|    ensures memo_test: MEMO_TEST_M;\n*/|" "$hb"
k6=$(keys)
sed -i 's/^#define MEMO_TEST_N 0 == 0$/#define MEMO_TEST_N 1 == 1/' "$acsl"
k7=$(keys)
[[ $(changed "$k6" "$k7" hbitmap) == "$want_c" && $(changed "$k6" "$k7" bitmap) == 0 ]] ||
  fail "a macro $fn's contract uses changed $(changed "$k6" "$k7" hbitmap) hbitmap keys, its and its callers' lines: $want_c"
printf '/*@ predicate memo_test_g = MEMO_TEST_G; */\n' >>"$acsl"
k6=$(keys)
sed -i 's/^#define MEMO_TEST_G 0 == 0$/#define MEMO_TEST_G 1 == 1/' "$acsl"
k7=$(keys)
[[ $(changed "$k6" "$k7" hbitmap) == "$nh" ]] ||
  fail "a macro a global annotation uses changed $(changed "$k6" "$k7" hbitmap) of $nh hbitmap keys"

# A record is made by a strict run, reused for the same inputs, and checked:
# bitmap cut to one small function (range_ok) and the lemmas.
fcts=$(grep -oP '^(?:static\s+)?(?:inline\s+)?(?:const\s+)?\w+\s+\**\K\w+(?=\()' "$T/core/bitmap.c" |
  sort -u | grep -vx range_ok)
echo "range_ok" >"$T/proofs/bitmap.shards"
echo "$fcts" >"$T/proofs/bitmap.skip"
prove() { "$T/proofs/prove.sh" --unit bitmap "$T/out" >"$T/log" 2>&1; }
VMM_WP_MEMO=record prove || fail "record run: $(tail -5 "$T/log")"
n=$( (find "$T/memo/bitmap" -name "*.json" 2>/dev/null || true) | wc -l)
[[ $n == 2 ]] || fail "record run wrote $n records, want 2 (range_ok's shard, the lemmas' shard)"
VMM_WP_MEMO=use prove || fail "use run: $(tail -5 "$T/log")"
grep -q "^memo: 2 of 2 shards reused" "$T/log" || fail "use run did not reuse both records: $(tail -3 "$T/log")"
VMM_WP_MEMO=check prove || fail "check run against true records: $(tail -5 "$T/log")"
# A record that claims one goal fewer (or more) than its shard proves fails `check`.
rec=$(grep -l '"range_ok"' "$T/memo/bitmap"/*.json)
python3 - "$rec" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
r["goals"]["wp:functions"]["range_ok"]["range_ok_forged_goal"] = 1
json.dump(r, open(sys.argv[1], "w"))
EOF
if VMM_WP_MEMO=check prove; then fail "check passed a forged record"; fi
grep -q "MEMO MISMATCH: shard bitmap/1" "$T/log" || fail "check did not name the forged record's shard"
# ... and after an annotation added to range_ok's body, its shard is proved
# again (the forged record is never read) and the lemmas' record reused.
b=$(awk -v s="$(grep -n "^static bool range_ok(" "$T/core/bitmap.c" | cut -d: -f1)" 'NR > s && /^\{/ {print NR; exit}' \
  "$T/core/bitmap.c")
sed -i "$((b + 1))s|^|    /*@ assert memo_test: 0 == 0; */|" "$T/core/bitmap.c"
VMM_WP_MEMO=use prove || fail "use run after a source change: $(tail -5 "$T/log")"
grep -q "^memo: 1 of 2 shards reused" "$T/log" || fail "a changed shard reused a record: $(tail -3 "$T/log")"
grep -q "^bitmap:range_ok .* 7 " "$T/log" || fail "range_ok's new assert not proved: $(grep range_ok "$T/log")"

((fails == 0)) || exit 1
echo "memo-test: passed"
