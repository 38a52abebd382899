#!/usr/bin/env bash
# prove.sh - Frama-C/WP proof of the production bitmaps: the flat bitmap
# (unit `bitmap`: core/bitmap.c with proofs/bitmap.acsl) and the hierarchical
# bitmap (unit `hbitmap`: core/hbitmap.c with proofs/hbitmap.acsl).
#
#   proofs/prove.sh [--ratchet] [--unit NAME] [OUTDIR]
#     (./fuzz.sh prove: every unit, strict; ctest -L proof: one test a unit)
#   proofs/prove.sh [--unit NAME] --keys
#     (prints each shard's memo key, "<unit> <shard> <key>", and exits)
#
# Strict by default: exit 1 unless EVERY goal is proved. --ratchet (what the
# ctest test runs while the proof is unfinished): the goals named in
# proofs/open-goals.txt may stay unproved, and are printed as OPEN; any other
# unproved goal (a regression, a mutation of bitmap.c) still fails.
#
# Proves every goal of each unit's file - contracts, loop invariants and
# variants, assigns, and the -wp-rte runtime-error goals - with CVC4
# through Why3, the shared logic coming from the unit's .acsl file. Prints a
# table of goals proved per function and writes OUTDIR/<unit>/<shard>/
# report.json, .../wp.log and OUTDIR/table.txt. Goal names in the table and
# in proofs/open-goals.txt are "<unit>:<WP goal name>" (a call's
# precondition: "<unit>:<caller>@<callee>_requires_<n>").
# A unit may be shared out between parallel frama-c runs (proofs/<unit>.shards):
# with the cache, generating and simplifying the goals is nearly all the
# work, and WP does it on one core per run. A shard line may also name an
# extra logic file (lemmas that only its functions use, e.g.
# proofs/hbitmap-frame.acsl): only that run loads it, and it proves that
# file's lemmas too (see shard_fcts), so the other shards' tasks, hence the
# committed cache, do not change. Every frama-c loads
# proofs/wp_gc.ml (a larger OCaml minor heap, no backtraces, a 2 ms prover
# poll: same goals, less CPU and idle).
# Exit: 0 every goal proved, 1 a goal unproved or a Frama-C error,
#       77 Frama-C (or Why3) missing: the test is skipped, never passed.
# Env: VMM_WP_CACHE=<dir> (default proofs/wp-cache, committed: WP keys it by
#      goal, so a changed goal is simply proved again),
#      VMM_WP_CACHE_MODE=<mode> (default replay: read the cache, prove what is
#      missing, never write the committed folder; `update` to refresh it,
#      keeping only "valid" answers: a timeout is retried, never stored; to
#      prune it, run with VMM_WP_CACHE=<empty dir> VMM_WP_CACHE_MODE=update and
#      replace proofs/wp-cache by that dir),
#      VMM_WP_SESSION=<dir> (default proofs/wp-session, committed: the
#      split scripts, replayed; written in `update` mode only),
#      VMM_WP_TIMEOUT=<s> (default 10), VMM_WP_JOBS=<n> frama-c runs at once
#      (default nproc; 2 x nproc for a warm replay without proofs/wp_gc.ml),
#      VMM_WP_PAR=<n> WP's -wp-par per run
#      (default 8 when replaying, 2 in `update` mode or when the cache dir
#      is empty), VMM_WP_FLAGS=<options> (extra frama-c options of
#      every run, for experiments),
#      VMM_WP_MEMO=use|off|check|record (the shard memo, proofs/memo.sh:
#      a shard whose inputs are byte for byte those of a strict run that
#      proved all its goals reuses that run's goal list; `use` by default
#      in a warm replay, `off` in update mode or with an empty cache dir,
#      `check` in ctest: prove everything and compare with the records).
# No global -wp-split (it made 3443 goals): the auto-search strategy wp:split
# splits only a goal the prover failed on, wp:range does bit positions.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
OPEN_LIST=""
KEYS_ONLY=""
UNITS="bitmap hbitmap"
while [[ $# -gt 0 ]]; do
  case $1 in
    --ratchet) OPEN_LIST=$ROOT/proofs/open-goals.txt; shift ;;
    --unit) UNITS=${2:?--unit needs a name (bitmap, hbitmap)}; shift 2 ;;
    --keys) KEYS_ONLY=1; shift ;;
    *) break ;;
  esac
done
OUT=${1:-$ROOT/build/proofs-wp}
CACHE=${VMM_WP_CACHE:-$ROOT/proofs/wp-cache}
CACHE_MODE=${VMM_WP_CACHE_MODE:-replay}
# The proof scripts (proofs/wp-session/<unit>/script/<goal>.json, committed)
# of the goals CVC4 proves only after -wp-auto split them: WP replays them
# (prover "script") instead of first trying the whole goal, which costs a
# 10 s timeout each in a run without the cache, and searching the split
# again. An `update` run also saves the scripts -wp-auto finds (prover
# "tip"); like the cache, they are keyed by goal name and checked on replay
# (a script that no longer proves its goal falls back to CVC4 and -wp-auto).
SESSION=${VMM_WP_SESSION:-$ROOT/proofs/wp-session}
if [[ $CACHE_MODE == replay || $CACHE_MODE == offline ]]; then
  PROVERS=script,cvc4
else
  PROVERS=tip,cvc4
fi
TIMEOUT=${VMM_WP_TIMEOUT:-10}
# A replay is mostly cache look-ups: WP passes each cached answer through
# its prover queue, with -wp-par 8. Frama-C's task loop sleeps 50 ms after
# each poll of that queue; proofs/wp_gc.ml makes it 2 ms, and then nproc
# frama-c keep the cores busy (round 16, warm: 4 runs 115 s, 226 CPU-s ->
# 2 runs 98 s, 189 CPU-s: fewer runs contend less). Without that module
# the runs idle, and twice as many as cores hide it (round 11: 118 -> 66 s).
# A cold replay (the cache dir holds no answer at all: a fresh or deleted
# cache) is prover work, not look-ups: 2 x nproc runs x -wp-par 8 would
# start up to 32 CVC4 on 2 cores, and that first pass lost goals at the
# limit and left most of the work to the retries (round 13: 1043 s). So a
# cold replay runs nproc frama-c with -wp-par 2: CVC4 on every core, WP
# building the next goals meanwhile.
# An update / rebuild run is prover work too, as a cold replay (at -wp-par
# 1 the second core idled whenever one shard was left: round 14's rebuild
# took 755 s against a cold replay's 617 s).
COLD=
if [[ $CACHE_MODE == replay && -z $(find "$CACHE" -maxdepth 1 -name '*.json' -print -quit 2>/dev/null) ]]; then
  COLD=1
fi
WARM=
[[ -z $COLD && ($CACHE_MODE == replay || $CACHE_MODE == offline) ]] && WARM=1
JOBS=${VMM_WP_JOBS:-$(nproc)}
WP_PAR=${VMM_WP_PAR:-${WARM:+8}}
WP_PAR=${WP_PAR:-2}

# unit_source/unit_flags NAME: the file a unit proves, and its extra flags
# (hbitmap.c uses _Static_assert: C11; its allocator calls go through
# function pointers, whose RTE goal \valid_function WP 25 cannot prove
# (not implemented): -rte-no-pointer-call drops it, and each such call
# carries a `calls` annotation instead, whose goal (the pointer is the
# specified callback, proofs/hbitmap.acsl) WP proves.)
unit_source() { echo "core/$1.c"; }
unit_flags() { [[ $1 == hbitmap ]] && echo "-c11 -rte-no-pointer-call" || true; }
# words FILE: the words of a list file (proofs/<unit>.shards or .skip), one
# a line, comments dropped.
words() { sed 's/#.*//' "$1" | tr -s ' \n' '\n' | grep . || true; }
# names FILE: the function names listed in FILE (comments and a shard line's
# options and extra logic files dropped), comma-separated.
names() { words "$1" | grep -v -e '^-' -e '\.acsl$' | paste -sd, || true; }
# lemma_names FILE: the lemmas an ACSL file declares (`lemma NAME:` or
# `lemma NAME{L}:` at the start of a line), comma-separated.
# (read once a run for the files the shards files name: lemma_names_cache)
declare -A LEMMA_NAMES=()
lemma_names() {
  [[ -n ${LEMMA_NAMES[$1]+set} ]] && { echo "${LEMMA_NAMES[$1]}"; return; }
  grep -oP '^\s*lemma\s+\K\w+' "$1" | paste -sd, || true
}
lemma_names_cache() {
  local f
  for f in $(cat "$ROOT"/proofs/*.shards 2>/dev/null | sed 's/#.*//' | grep -oE '[^ ]+\.acsl' | sort -u); do
    [[ -f $ROOT/$f ]] && LEMMA_NAMES[$ROOT/$f]=$(lemma_names "$ROOT/$f")
  done
  return 0
}
# unit_shards NAME: how many frama-c runs prove the unit: one per line of
# proofs/NAME.shards (if any) plus one for the rest. Shards only share out
# the work (WP generates and simplifies the goals of one run on one core,
# and the warm run is all that: the provers' answers come from the cache).
unit_shards() {
  local list=$ROOT/proofs/$1.shards n=0
  [[ -f $list ]] && n=$(sed 's/#.*//' "$list" | grep -c '[a-z]' || true)
  echo $((n + 1))
}
# shard_fcts NAME N: frama-c's function selection for shard N of the unit.
# Shard N >= 1 is line N of proofs/NAME.shards (-wp-fct; a word starting with
# "-" on the line is a frama-c option of that run only; a word ending in
# .acsl is an extra logic file of that run only, see below). Shard 0 is the
# rest: every function in no shard line and not in proofs/NAME.skip (the
# functions without a contract yet, not handed to WP), so a new function
# is always proved somewhere; then a second WP pass proves the lemmas
# (-wp-prop=@lemma), which WP leaves out of a run that skips functions.
# An extra logic file (path from the repository's root, e.g.
# proofs/hbitmap-frame.acsl on range_scan's line) holds lemmas that only
# that shard's functions use. Any lemma (or axiomatic block) added to
# proofs/<unit>.acsl goes into every task of the unit and reorders the
# Why3 theories of every task, so the whole committed cache misses (round
# 15, pz3); an extra file changes nothing outside its shard. The run
# force-includes it after the unit's file (-cpp-extra-args: repeated, the
# option appends, Frama-C 25; gcc takes "-includeFILE" joined), and proves
# its lemmas in a second pass (-then: every function back in the selection
# but no new RTE annotation, only those lemmas by name, -wp-prop): each
# lemma is proved once, there, and the report's "(lemmas)" count has them.
# Such a file holds logic only (a ghost C function in it would be seen by
# no other shard); the rest shard's lemma pass never loads it. A file may
# sit on several lines (functions of two lines use its lemmas: round 37,
# range_child's line and range_node's share hbitmap-rchild.acsl, so that
# range_node's tasks do not carry range_child's 218 other lemmas): every
# such line loads it, and only the FIRST proves its lemmas. A line of files
# only (no function) proves the lemmas of its files that no earlier line
# does, the other files giving them their logic (round 37: the one-leaf
# equivalence of hbitmap-rneed2-one.acsl, whose lemmas slowed a goal of
# count_splits' line when loaded there).
shard_fcts() {
  local shards=$ROOT/proofs/$1.shards skip=$ROOT/proofs/$1.skip
  if (($2 > 0)); then
    local line opts lemmas="" f earlier fcts
    line=$(sed 's/#.*//' "$shards" | grep '[a-z]' | sed -n "$2p" | tr -s ' ' '\n' | grep .)
    earlier=$(sed 's/#.*//' "$shards" | grep '[a-z]' | sed -n "1,$(($2 - 1))p" | tr -s ' ' '\n' |
      grep '\.acsl$' || true)
    opts=$(grep '^-' <<<"$line" | paste -sd' ' || true)
    for f in $(grep '\.acsl$' <<<"$line" || true); do
      opts="$opts -cpp-extra-args=-include$ROOT/$f"
      grep -qxF "$f" <<<"$earlier" || lemmas="$lemmas,$(lemma_names "$ROOT/$f")"
    done
    lemmas=$(sed 's/^,*//; s/,*$//; s/,,*/,/g' <<<"$lemmas")
    fcts=$(grep -v -e '^-' -e '\.acsl$' <<<"$line" | paste -sd, || true)
    if [[ -z $fcts ]]; then # a line of files only: their lemmas (the first line's)
      # (none: an unknown option, so that frama-c fails the shard loudly)
      [[ -n $lemmas ]] || { echo "-error-shard-line-$2-has-no-function-and-no-new-lemma"; return; }
      echo "$opts -wp-fct= -wp-no-rte -wp-prop=$lemmas"
      return
    fi
    [[ -z $lemmas ]] || opts="$opts -then -wp-fct= -wp-no-rte -wp-prop=$lemmas -wp"
    echo "-wp-fct $fcts $opts"
    return
  fi
  local skipped="" trusted=$ROOT/proofs/$1.trusted
  [[ -f $skip ]] && skipped=$(names "$skip")
  # the trusted contracts (proofs/NAME.trusted) are not handed to WP either
  [[ -f $trusted ]] && skipped="$skipped,$(names "$trusted")"
  [[ -f $shards ]] && skipped="$skipped,$(names "$shards")"
  skipped=$(echo "$skipped" | sed 's/^,//; s/,$//')
  [[ -n $skipped ]] || return 0
  echo "-wp-skip-fct $skipped -then -wp-skip-fct= -wp-prop=@lemma -wp"
}
lemma_names_cache
for unit in $UNITS; do
  [[ -f $ROOT/$(unit_source "$unit") && -f $ROOT/proofs/$unit.acsl ]] ||
    { echo "prove.sh: unknown unit $unit"; exit 1; }
  [[ -f $ROOT/proofs/$unit.shards ]] || continue
  for f in $(words "$ROOT/proofs/$unit.shards" | grep '\.acsl$' || true); do
    [[ -f $ROOT/$f ]] || { echo "prove.sh: no file $f (a shard line of proofs/$unit.shards)"; exit 1; }
  done
  # A lemma pass selects its lemmas by name (-wp-prop), and a property of the
  # source with the same name (an assert, an ensures, ...) would be proved
  # there too, in that line's context, and counted twice (round 39: two of
  # path_update's asserts were named as rclimb2's lemmas).
  clash=$(comm -12 <(for f in $(words "$ROOT/proofs/$unit.shards" | grep '\.acsl$' | sort -u || true); do
      lemma_names "$ROOT/$f" | tr ',' '\n'; done | sort -u) \
    <(grep -oP '\b(assert|check|ensures|requires|invariant|assigns|variant|behavior)\s+\K\w+(?=\s*:)' \
      "$ROOT/$(unit_source "$unit")" | sort -u) | paste -sd' ')
  [[ -z $clash ]] || { echo "prove.sh: lemma names that are also property names of $(unit_source "$unit"): $clash (a lemma pass would prove both: rename one)"; exit 1; }
done

for tool in frama-c why3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "prove.sh: SKIPPED, $tool is not installed (./fuzz.sh deps installs it)"
    exit 77
  fi
done
export WHY3CONFIG=${WHY3CONFIG:-$ROOT/.tools/why3.conf}
"$ROOT/proofs/setup.sh" || true # no CVC4 found: the check below skips
# The prover itself: without it a warm run would pass on the cache's answers
# alone (and credit CVC4), and any changed goal would fail as "unknown".
CVC4_PATH=$(awk '/^name = "CVC4"/ { c = 1; next } c && /^path = / { gsub(/"/, "", $3); print $3; exit }' \
  "$WHY3CONFIG" 2>/dev/null || true)
if [[ -z $CVC4_PATH || ! -x $CVC4_PATH ]]; then
  echo "prove.sh: SKIPPED, CVC4 is not installed (${CVC4_PATH:-no CVC4 in $WHY3CONFIG}; ./fuzz.sh deps installs it)"
  exit 77
fi
# The goals of a frama-c JSON report, for summarize below and the memo's
# records (Python, run by both through the environment: `exec`).
export WP_GOALS_PY='
def wp_goals(report):
    """(part, section, goal, its wp:main) for each goal of a report: the
    lemmas (part wp:axiomatics) first, then the functions; keys starting
    with "wp:" are section summaries, not goals."""
    for part in ("wp:axiomatics", "wp:functions"):
        for section, goals in report.get(part, {}).items():
            for goal, st in goals.items():
                if not goal.startswith("wp:"):
                    yield part, section, goal, st.get("wp:main", {})


def wp_valid(m):
    """A goal is proved when every one of its proof obligations is valid."""
    return m.get("total", 0) > 0 and m.get("valid", 0) == m["total"]
'
# shellcheck source=proofs/memo.sh
source "$ROOT/proofs/memo.sh"
MEMO=${VMM_WP_MEMO:-${WARM:+use}}
MEMO=${MEMO:-off}
case $MEMO in use|off|check|record) ;; *) echo "prove.sh: VMM_WP_MEMO=$MEMO: use, off, check or record"; exit 1 ;; esac
if [[ -n $KEYS_ONLY ]]; then
  memo_init
  for unit in $UNITS; do
    for ((n = 0; n < $(unit_shards "$unit"); n++)); do printf '%s\t%s\n' "$n" "$(shard_fcts "$unit" "$n")"; done |
      memo_keys "$unit" | sed "s/^/$unit /"
  done
  exit 0
fi
mkdir -p "$OUT" "$CACHE"

# gc_module: frama-c's option to load proofs/wp_gc.ml (a larger minor heap:
# about 19% less CPU; no backtraces; a 2 ms prover poll instead of 50 ms:
# nothing else changes), compiled once into $OUT against Frama-C's kernel
# with the OCaml compiler Frama-C's packages bring (ocamlopt -shared). Empty, and
# the run simply slower, when there is no ocamlopt or when the module does
# not load into this frama-c (another OCaml version).
gc_module() {
  local src=$ROOT/proofs/wp_gc.ml dir=$OUT/wp-gc
  command -v ocamlopt >/dev/null 2>&1 || return 0
  if [[ ! -f $dir/wp_gc.cmxs || $src -nt $dir/wp_gc.cmxs ]]; then
    rm -rf "$dir" && mkdir -p "$dir" && cp "$src" "$dir/wp_gc.ml"
    (cd "$dir" && ocamlopt -shared -I "$(frama-c -print-lib-path)" -I +unix \
      -o wp_gc.cmxs wp_gc.ml) >/dev/null 2>&1 || return 0
  fi
  frama-c -load-module "$dir/wp_gc.cmxs" >/dev/null 2>&1 || return 0
  echo "-load-module $dir/wp_gc.cmxs"
}
GC_MODULE=$(gc_module)
if [[ -z $GC_MODULE ]]; then
  echo "prove.sh: note: proofs/wp_gc.ml not loaded (no ocamlopt?): slower, same proof"
  [[ -z $WARM || -n ${VMM_WP_JOBS:-} ]] || JOBS=$(($(nproc) * 2))
fi

# classify UNIT: a unit proved in one run also has the report plug-in turn
# any property left unknown into an error (frama-c exits non-zero). Not with
# shards: a callee's requires stays unknown in a run that misses some of
# its callers; the table below checks every goal of every shard's report.
classify() {
  (($(unit_shards "$1") == 1)) || return 0
  echo "-then -report-classify -report-unclassified-unknown ERROR -report-unclassified-invalid ERROR"
}

# run_wp UNIT N: runs WP over shard N of the unit's production file into
# $OUT/UNIT/N/ (report.json, wp.log, rc); the report plug-in turns any goal
# left unknown into an error, so frama-c exits non-zero then.
# -wp-no-pruning: Qed's branch pruning was half of a warm run's CPU and
# proves nothing a prover does not (a cold run without it proves every
# goal, proofs/RESULTS.md, "Round 11"); it changes the tasks, so the cache
# holds the unpruned ones.
# -wp-no-ground: Qed's ground pass was 44% of a warm shard's CPU (perf,
# round 14) and its "aggressive" part, which this drops, proves nothing the
# rest of Qed or CVC4 does not: the same goals are Qed's with or without
# it, and most tasks sent to CVC4 are unchanged (80 of slot_split's 84 hit
# the old cache). Warm CPU per shard: -15% to -23% (proofs/RESULTS.md,
# "Round 14 (integrator)").
run_wp() {
  local dir=$OUT/$1/$2 rc=0 TIMEFORMAT="%R %U %S" fcts
  mkdir -p "$dir"
  cd "$ROOT"
  fcts=$(shard_fcts "$1" "$2")
  echo "$fcts" >"$dir/fcts"
  # shellcheck disable=SC2046
  { time frama-c $GC_MODULE -machdep x86_64 $(unit_flags "$1") \
    -cpp-extra-args="-I$ROOT -include $ROOT/proofs/$1.acsl" \
    -warn-unsigned-overflow \
    "$(unit_source "$1")" \
    -wp -wp-rte -wp-prover "$PROVERS" -wp-timeout "$TIMEOUT" -wp-par "$WP_PAR" \
    -wp-auto wp:split,wp:range -wp-no-pruning -wp-no-ground -wp-session "$SESSION/$1" \
    -wp-cache "$CACHE_MODE" -wp-cache-dir "$CACHE" \
    ${VMM_WP_FLAGS:-} $fcts \
    -wp-report-json "$dir/report.json" $(classify "$1") >"$dir/wp.log" 2>&1 || rc=$?
  } 2>"$dir/time"
  echo "$rc" >"$dir/rc"
}

# shard_hint UNIT N: the warm CPU seconds written on shard N's line of
# proofs/UNIT.shards ("... # 37 CPU-s"; the rest shard: a comment line
# "# rest: 31 CPU-s"), empty when there is none.
shard_hint() {
  local list=$ROOT/proofs/$1.shards line
  [[ -f $list ]] || return 0
  if (($2 > 0)); then
    line=$(grep -v '^[[:space:]]*#' "$list" | grep '[a-z]' | sed -n "$2p")
  else
    line=$(grep -E '^# rest: ' "$list" | head -1)
  fi
  sed -nE 's/.*# (rest: )?([0-9.]+) CPU-s.*/\2/p' <<<"$line"
}

# Every shard of every unit, at most JOBS frama-c runs at a time (each with
# -wp-par WP_PAR), the longest first: ordered by the CPU seconds the shard
# took in the previous run into OUT if it had the same selection (run_wp
# keeps it in OUT/<unit>/<n>/fcts: a shard number names other functions
# once proofs/<unit>.shards changes), else by the figure its line in
# proofs/<unit>.shards gives (a fresh clone, a changed line), else first
# (a new shard), so no long shard starts last while the other cores idle.
# The order changes only the wall time.
shards=()
for unit in $UNITS; do
  for ((n = 0; n < $(unit_shards "$unit"); n++)); do
    cost=
    if [[ -f $OUT/$unit/$n/fcts && "$(<"$OUT/$unit/$n/fcts")" == "$(shard_fcts "$unit" "$n")" ]]; then
      cost=$(awk '{print $2 + $3; exit}' "$OUT/$unit/$n/time" 2>/dev/null || true)
    fi
    [[ -n $cost ]] || cost=$(shard_hint "$unit" "$n")
    shards+=("${cost:-1e9} $unit $n")
  done
  rm -rf "${OUT:?}/$unit"
done
mapfile -t shards < <(printf '%s\n' "${shards[@]}" | sort -s -k1,1gr | cut -d' ' -f2-)
start=$(date +%s)
# The memo's keys (empty: no record is read or written for that shard) and
# each shard's selection, computed once.
declare -A memo_keys=() memo_sel=()
memo_hits=0
if [[ $MEMO != off ]]; then
  memo_init
  for spec in "${shards[@]}"; do
    # shellcheck disable=SC2086
    memo_sel[$spec]=$(shard_fcts $spec)
  done
  for unit in $UNITS; do
    while read -r n key; do
      memo_keys["$unit $n"]=$key
    done < <(for spec in "${shards[@]}"; do
      [[ ${spec%% *} == "$unit" ]] && printf '%s\t%s\n' "${spec#* }" "${memo_sel[$spec]}"
    done | memo_keys "$unit")
  done
fi
for spec in "${shards[@]}"; do
  if [[ $MEMO == use ]] && memo_restore "${spec%% *}" "${memo_sel[$spec]}" "${memo_keys[$spec]}" "$OUT/${spec/ //}"; then
    memo_hits=$((memo_hits + 1))
    continue
  fi
  while (($(jobs -rp | wc -l) >= JOBS)); do wait -n || true; done
  # shellcheck disable=SC2086
  run_wp $spec &
done
wait
# shard_open UNIT N: true when shard N's run left a goal unproved (its
# log's "Proved goals: X / Y" with X < Y, or no such line).
shard_open() {
  awk '/Proved goals:/ {seen = 1; if ($4 != $6) bad = 1} END {exit !(bad || !seen)}' \
    "$OUT/$1/$2/wp.log" 2>/dev/null
}
# A warm replay runs nproc frama-c with -wp-par 8: when the cache misses
# (a changed goal) that is up to 8 provers a core, and CVC4's
# 10 s limit may then cut a goal that proves alone in 1 s. So a shard that
# left a goal unproved (in any mode) is run again, alone, with -wp-par 1; its second
# report is the verdict (a goal that does not prove fails both runs).
# drop_failed_answers: in a mode that writes the cache (update, rebuild),
# deletes every cached answer that is not "valid". WP reuses a cached
# timeout for the same time limit, so without this the retry below would
# read the first pass's (load-made) timeout back instead of running CVC4,
# and the folder, once committed, would hand it to every later run.
drop_failed_answers() {
  [[ $CACHE_MODE == update || $CACHE_MODE == rebuild ]] || return 0
  find "$CACHE" -maxdepth 1 -name '*.json' -exec grep -LE '"verdict": *"valid"' {} + |
    xargs -r rm -f
}
if [[ -z ${VMM_WP_PAR:-} ]]; then
  drop_failed_answers
  for spec in "${shards[@]}"; do
    # shellcheck disable=SC2086
    if shard_open $spec; then
      echo "prove.sh: shard ${spec/ //} left goals unproved under $JOBS runs x -wp-par $WP_PAR; again alone with -wp-par 1"
      # shellcheck disable=SC2086
      WP_PAR=1 run_wp $spec
    fi
  done
fi
drop_failed_answers
# check: a shard whose key has a record must have proved exactly its goals
# (record: how many records are there already; they are written below).
memo_rc=0
memo_kept=0
if [[ $MEMO == check || $MEMO == record ]]; then
  for spec in "${shards[@]}"; do
    key=${memo_keys[$spec]}
    [[ -n $key && -f $MEMO_DIR/${spec%% *}/$key.json ]] && memo_kept=$((memo_kept + 1))
    # shellcheck disable=SC2086
    if [[ $MEMO == check ]] && ! memo_check $spec "$key" "$OUT/${spec/ //}"; then
      echo "prove.sh: MEMO MISMATCH: shard ${spec/ //} did not prove exactly the goals of its record $MEMO_DIR/${spec%% *}/$key.json"
      memo_rc=1
    fi
  done
fi
secs=$(($(date +%s) - start))
rc=0
reports=()
for spec in "${shards[@]}"; do
  # shellcheck disable=SC2086
  set -- $spec
  r=$(cat "$OUT/$1/$2/rc" 2>/dev/null || echo 1)
  ((r == 0)) || rc=$r
  reports+=("$1=$OUT/$1/$2/report.json")
done

# Prints "function proved/total" per function and the total line; returns 1
# unless every goal is proved.
summarize() {
  python3 - "$OPEN_LIST" "${reports[@]}" <<'EOF'
import json, os, sys
exec(os.environ["WP_GOALS_PY"])
known_open = set()
if sys.argv[1]:
    known_open = {l.split("#")[0].strip() for l in open(sys.argv[1])} - {""}
units = [a.split("=", 1) for a in sys.argv[2:]]
unproved, per, seen, provers = [], {}, set(), {}
for unit, path in units:
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        print("%s: no report (frama-c failed, see its wp.log)" % unit)
        sys.exit(1)
    report = json.load(open(path))
    # Each goal counts once, under the function section that lists it (a
    # call's precondition is listed under the caller, named after the
    # callee's requires and numbered per frama-c run: it is named
    # "caller@callee_requires_N" here, since shards of a unit are separate
    # runs); lemmas under "(lemmas)".
    for part, owner, name, m in wp_goals(report):
        if part == "wp:axiomatics":
            owner = "(lemmas)"
        elif not name.startswith(owner + "_"):
            name = owner + "@" + name
        name = unit + ":" + name
        if name in seen:
            print("duplicate goal name in the reports: " + name)
            sys.exit(1)
        seen.add(name)
        ok = wp_valid(m)
        if not ok:
            unproved.append(name)
        key = (unit, owner)
        v, t = per.get(key, (0, 0))
        per[key] = (v + ok, t + 1)
    for p, st in report.get("wp:global", {}).items():
        if p != "wp:main":
            provers[p] = provers.get(p, 0) + st.get("valid", 0)
proved = total = 0
print("%-36s %8s %6s" % ("unit:function", "proved", "total"))
for key in sorted(per):
    v, t = per[key]
    proved += v
    total += t
    print("%-36s %8d %6d%s" % ("%s:%s" % key, v, t, "" if v == t else "   <-- UNPROVED"))
for unit in dict.fromkeys(u for u, _ in units):
    uv = sum(v for (u, _f), (v, _t) in per.items() if u == unit)
    ut = sum(t for (u, _f), (_v, t) in per.items() if u == unit)
    print("%-36s %8d %6d" % ("TOTAL:" + unit, uv, ut))
print("%-36s %8d %6d" % ("TOTAL", proved, total))
print("provers: " + ", ".join("%s %d" % (p, n) for p, n in sorted(provers.items())))
if total == 0:
    sys.exit(1)
for name in sorted(set(unproved) & known_open):
    print("OPEN (known, proofs/open-goals.txt): " + name)
for name in sorted(known_open - set(unproved)):
    print("now proved, remove from proofs/open-goals.txt: " + name)
regressions = sorted(set(unproved) - known_open)
for name in regressions:
    print("UNPROVED: " + name)
if unproved and not regressions:
    print("RATCHET: %d of %d goals proved; the %d open goals are the known ones"
          % (proved, total, len(unproved)))
    sys.exit(2)
sys.exit(0 if proved == total else 1)
EOF
}

table_rc=0
summarize >"$OUT/table.txt" || table_rc=$?
# record: only after a run that proved every goal of every shard (strict,
# no frama-c error), the records of its shards; then this unit's records
# that no shard's key names are deleted.
if [[ $MEMO == record ]]; then
  if ((rc == 0 && table_rc == 0)); then
    for spec in "${shards[@]}"; do
      # shellcheck disable=SC2086
      memo_record $spec "${memo_sel[$spec]}" "${memo_keys[$spec]}" "$OUT/${spec/ //}"
    done
    for unit in $UNITS; do
      # shellcheck disable=SC2046
      memo_prune "$unit" $(for spec in "${shards[@]}"; do [[ ${spec%% *} == "$unit" ]] && echo "${memo_keys[$spec]}"; done)
    done
  else
    echo "memo: no record written: the run did not prove every goal"
  fi
fi
cat "$OUT/table.txt"
echo "time: ${secs}s on $JOBS jobs x -wp-par $WP_PAR${COLD:+ (cold: the cache was empty)} (timeout ${TIMEOUT}s per goal, cache $CACHE), load $(cut -d' ' -f1-3 /proc/loadavg)"
# Per shard: wall and CPU seconds of its frama-c run, and how many prover
# answers came from the cache (a warm run should call no prover). The
# provers line counts answers wherever they came from: the total the cache
# gave is said after the shards.
cached_all=0
for spec in "${shards[@]}"; do
  # shellcheck disable=SC2086
  set -- $spec
  read -r w u s <"$OUT/$1/$2/time" 2>/dev/null || { w=?; u=?; s=?; }
  counts=$(grep -ohE '\(cached: [0-9]+\)|\(unknown: [0-9]+\)|\(interrupted: [0-9]+\)' "$OUT/$1/$2/wp.log" |
    tr -d '()' | awk -F': ' '{n[$1] += $2} END {for (k in n) printf "%s %d ", k, n[k]}' || true)
  if [[ -f $OUT/$1/$2/memo ]]; then
    printf 'shard %s/%s: memo, inputs unchanged: %s/%s/%s.json\n' "$1" "$2" "${MEMO_DIR#"$ROOT"/}" "$1" "$(<"$OUT/$1/$2/memo")"
    continue
  fi
  printf 'shard %s/%s: wall %ss cpu %ss+%ss, %s\n' "$1" "$2" "$w" "$u" "$s" "$counts"
  if [[ $counts =~ cached\ ([0-9]+) ]]; then cached_all=$((cached_all + BASH_REMATCH[1])); fi
done
echo "prover answers read from the cache: $cached_all (the provers line above counts them too)"
case $MEMO in
  use) echo "memo: $memo_hits of ${#shards[@]} shards reused a strict run's record (their inputs unchanged: proofs/memo.sh); VMM_WP_MEMO=off derives every goal again" ;;
  check) echo "memo: $memo_kept of ${#shards[@]} shards have a record for their inputs, each checked against this run's goals" ;;
  record) echo "memo: $(for u in $UNITS; do find "$MEMO_DIR/$u" -name '*.json' 2>/dev/null; done | wc -l) records in $MEMO_DIR for ${#shards[@]} shards ($memo_kept kept as they were)" ;;
  *) ;;
esac
# The functions whose contracts are trusted, not proved (proofs/NAME.trusted).
for unit in $UNITS; do
  [[ ! -f $ROOT/proofs/$unit.trusted ]] ||
    echo "trusted: $(names "$ROOT/proofs/$unit.trusted" | tr ',' '\n' | grep -c .) functions ($unit: $(names "$ROOT/proofs/$unit.trusted"); proofs/$unit.trusted)"
done
if ((memo_rc != 0)); then
  echo "prove.sh: FAILED: a memo record does not match what its shard proves (see MEMO MISMATCH above)"
  exit 1
fi
# Ratchet: only known-open goals are unproved. An unproved goal does not
# change frama-c's exit status (0), so a ratchet pass still needs every
# frama-c run to have exited 0: a parse or plugin error fails it.
if ((table_rc == 2 && rc == 0)); then
  echo "prove.sh: PASSED AS RATCHET ONLY: not every goal is proved (see OPEN above)"
  exit 0
fi
if ((rc != 0 || table_rc != 0)); then
  for spec in "${shards[@]}"; do
    # shellcheck disable=SC2086
    set -- $spec
    grep -E '\[Failed\]|Timeout|Unknown|rror' "$OUT/$1/$2/wp.log" | grep -v 'Valid' | head -40 || true
  done
  echo "prove.sh: FAILED (frama-c exit $rc; full logs $OUT/<unit>/<shard>/wp.log)"
  exit 1
fi
echo "prove.sh: all goals proved"
