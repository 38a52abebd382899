#!/usr/bin/env bash
# fuzz-main.sh - the fuzzing job behind ./fuzz.sh (./fuzz.sh help lists the
# options; fuzz.sh installs what `needs` prints first and exports VMM_ROOT).
#   fuzz-main.sh fuzz [--time S | --forever] [--interval S] [--engine libfuzzer|afl]
#                [--targets "a b"] [--jobs N] [--corpus DIR] [--out DIR] [--prebuilt DIR]
#       Builds (timed apart), then fuzzes in rounds. In a round every target
#       gets a time slice on one of N slots (cores); the slice pays for loading
#       its corpus, fuzzing, merging the new coverage into the corpus and
#       saving crashes, so the whole run fits in S seconds. Slices follow each
#       target's recent yield (new features and crashes per second, a moving
#       average kept in out/fuzz/stats/), never below half an even share.
#       --forever (--time 0) repeats rounds of --interval seconds, printing
#       the summary after each, until SIGINT/SIGTERM, which ends the round
#       early, merges and prints the summary. Crashes are deduplicated by
#       failed check + top stack frames: one folder per bug, with a count.
#       Exits 1 when a crash was found or a fuzzer ended before its slice
#       without one (it could not start, or was killed), 0 otherwise (also
#       after a signal).
#   fuzz-main.sh repro FILE|DIR [TARGET]   replay under ASan+UBSan with the op listing
#   fuzz-main.sh cov | minimize [--corpus DIR] | gen   coverage report | shrink corpus | rewrite seeds
#   fuzz-main.sh needs CMD ARGS...         check the arguments (exit 2 when bad, 1 for a
#                                          missing file) and print the dependency groups
# The fuzz targets come from the build's fuzz-targets.txt (harness/CMakeLists.txt).
# Build dirs: build/fuzz-*; results: out/fuzz/ (crashes/, logs/, cov/, stats/).
set -euo pipefail
ROOT=${VMM_ROOT:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)}
CC_CLANG=${VMM_FUZZ_CC:-clang-14}
WARN="-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
BUILD_LF=$ROOT/build/fuzz-libfuzzer
BUILD_AFL=$ROOT/build/fuzz-afl
BUILD_CMPLOG=$ROOT/build/fuzz-afl-cmplog
BUILD_COV=$ROOT/build/fuzz-cov
MAX_LEN=2048          # bytes per input: 64-op programs need ~600; merges and
                      # minimize judge every input whole at this length (a
                      # target fuzzed with a lower bound, fuzz_ops.h, still
                      # keeps its longer seeds' coverage)
MAX_JOBS=1024         # --jobs bound (make's jobserver hangs near -j100000)
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# A corpus merge runs without LeakSanitizer's check at exit: it judges
# coverage, not bugs, and that check stops the world with a ptrace tracer; a
# SIGTERM arriving meanwhile (a merge cut short by its deadline) left the
# merge child spinning at 100% CPU forever, an orphan outside the run's
# tree (seen at load 15: `-merge_inner=1` with its tracer, minutes later).
MERGE_ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0
command -v llvm-symbolizer-14 >/dev/null && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer-14)}

# Options (cmd_fuzz's defaults; parse_fuzz_opts sets them).
TIME=240 FOREVER=0 INTERVAL=600 ENGINE=libfuzzer TARGETS=${VMM_FUZZ_TARGETS:-}
JOBS=${VMM_JOBS:-$(nproc)} CORPUS=$ROOT/corpus OUT=$ROOT/out/fuzz PREBUILT=${VMM_FUZZ_PREBUILT:-}
LF=${PREBUILT:-$BUILD_LF}   # the build dir whose binaries run (libFuzzer + replayers)
MAIN_PID=$$                 # the main job (its slots are subshells: $$ is still it)

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }
die() { echo "fuzz-main.sh: $*" >&2; exit 2; }    # bad usage
fail() { echo "fuzz-main.sh: $*" >&2; exit 1; }   # a failure: a build, a merge
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }
count_files() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }

# libFuzzer's -merge and -minimize_crash run their work in a child started
# through a shell command line they build by joining the arguments with
# spaces: a path with a space in it (a corpus in "~/my corpus", a clone under
# "/src/vmm 2") splits there and every merge failed. SAFE is a folder
# without spaces holding links to the folders a run names (make_safe);
# nospace <path> prints the path through them when it has a space.
SAFE=""
make_safe() {
  SAFE=$(mktemp -d /tmp/vmm-fuzz.XXXXXX)
  ln -s "$CORPUS" "$SAFE/corpus" && ln -s "$OUT" "$SAFE/out" && ln -s "$LF" "$SAFE/lf" && ln -s "$ROOT" "$SAFE/root"
}
nospace() {
  local p=$1
  if [[ -n $SAFE && $p == *[[:space:]]* ]]; then
    case $p in
      "$CORPUS"/*) p=$SAFE/corpus/${p#"$CORPUS"/} ;;
      "$OUT"/*) p=$SAFE/out/${p#"$OUT"/} ;;
      "$LF"/*) p=$SAFE/lf/${p#"$LF"/} ;;
      "$ROOT"/*) p=$SAFE/root/${p#"$ROOT"/} ;;
    esac
  fi
  printf '%s\n' "$p"
}

# ---------------------------------------------------------------- options
# need_value <option> <args...>: the option has a value, else exit 2.
need_value() {
  [[ $# -ge 2 && -n $2 && $2 != --* ]] || die "option $1 needs a value (see ./fuzz.sh help)"
}

# abs <path>: the path made absolute against the directory we started in.
abs() { [[ $1 == /* ]] && echo "$1" || echo "$PWD/$1"; }

# creatable <option> <dir>: makes dir (the run would), else exit 2: a bad
# --out or --corpus fails here, not with a mkdir error per target.
creatable() {
  mkdir -p "$2" 2>/dev/null && [[ -w $2 ]] || die "$1 takes a directory that can be written or created, not '$2'"
}

# own_out <dir>: exit 2 unless dir is empty or an earlier run's output (its
# .lock, lock_out): a run clears its own folders there (state/, logs/, new/,
# sample/, skip/, afl/, afl-in/), which in any other folder (`--out .`,
# `--out ~`) would be the user's.
own_out() {
  [[ -e $1/.lock || -z $(ls -A "$1" 2>/dev/null) ]] ||
    die "--out takes a new or empty folder, or an earlier fuzz.sh run's output: $1 is neither (other files, no .lock), and a run clears its state/, logs/, new/, sample/, skip/, afl/ and afl-in/ there"
}

# parse_fuzz_opts <args...>: sets the options; exit 2 on any bad one.
parse_fuzz_opts() {
  local interval_given=0 time_given=0
  while (($#)); do
    local opt=$1 val=""
    if [[ $opt == --*=* ]]; then val=${opt#*=}; opt=${opt%%=*}; set -- "$opt" "$val" "${@:2}"; fi
    case $opt in
      --time|--interval|--engine|--targets|--jobs|--corpus|--out|--prebuilt)
        need_value "$@"; val=$2; shift 2 ;;
      --forever) FOREVER=1; shift; continue ;;
      *) die "unknown option: $1 (see ./fuzz.sh help)" ;;
    esac
    case $opt in
      # Numbers are bounded before bash's 64-bit arithmetic sees them: a
      # wrapped --time ran nothing and passed; make hangs on -j100000.
      --time) [[ $val =~ ^0*([0-9]{1,9})$ ]] || die "--time takes whole seconds up to 999999999 (0 = forever), not '$val'"
              TIME=$((10#${BASH_REMATCH[1]})) time_given=1 ;;
      --interval) INTERVAL=0 interval_given=1
                  [[ $val =~ ^0*([0-9]{1,9})$ ]] && INTERVAL=$((10#${BASH_REMATCH[1]}))
                  ((INTERVAL >= 2)) || die "--interval takes seconds (2 to 999999999), not '$val'" ;;
      --engine) [[ $val == libfuzzer || $val == afl ]] || die "--engine is libfuzzer or afl, not '$val'"
                ENGINE=$val ;;
      --targets) [[ $val == *[![:space:]]* ]] || die "--targets takes target names, not '$val'"
                 [[ $val != *[^a-z0-9_[:space:]]* ]] || die "--targets takes target names (letters, digits, _), not '$val'"
                 TARGETS=$val; known_targets $TARGETS ;;
      --jobs) [[ $val =~ ^[1-9][0-9]{0,3}$ ]] && ((val <= MAX_JOBS)) \
                || die "--jobs takes a number from 1 to $MAX_JOBS, not '$val'"; JOBS=$val ;;
      --corpus) CORPUS=$(abs "$val"); creatable --corpus "$CORPUS" ;;
      --out) OUT=$(abs "$val"); creatable --out "$OUT"; own_out "$OUT" ;;
      --prebuilt) PREBUILT=$(abs "$val")
                  [[ -f $PREBUILT/fuzz-targets.txt ]] || die "--prebuilt $val: no fuzz-targets.txt there (configure that build first)"
                  LF=$PREBUILT ;;
    esac
  done
  # --forever with a duration would silently run forever: say it
  ((FOREVER && time_given && TIME > 0)) && die "--forever runs until stopped: it takes no --time $TIME (--time 0 is --forever)"
  ((TIME == 0)) && FOREVER=1
  ((FOREVER)) || ((TIME >= 1)) || die "--time takes seconds >= 1"
  # --interval paces --forever's summaries; alone it would be ignored silently
  ((FOREVER || !interval_given)) || die "--interval takes effect with --forever (or --time 0) only"
  [[ $ENGINE == afl && -n $PREBUILT ]] && die "--prebuilt works with --engine libfuzzer only"
  [[ $(realpath -m "$CORPUS") != "$(realpath -m "$OUT")" ]] \
    || die "--corpus and --out take two different directories (the run's work would land in the corpus)"
  [[ -z $TARGETS ]] || known_targets $TARGETS   # also VMM_FUZZ_TARGETS, before any build
  [[ $ENGINE == afl || -n $PREBUILT ]] || known_cc
  return 0
}

# known_cc: exit 2 when VMM_FUZZ_CC (default clang-14) is no command.
known_cc() {
  command -v "$CC_CLANG" >/dev/null ||
    die "VMM_FUZZ_CC: no compiler '$CC_CLANG' (the clang that builds the targets, default clang-14)"
}

# lock_out: one run at a time per OUT (two clobbered each other's logs and
# state), and no minimize of the corpus it merges into meanwhile (a shared
# lock on the CORPUS folder itself: runs may share a corpus, minimize takes
# it alone, lock_corpus). Held until this process and its children end.
lock_out() {
  mkdir -p "$OUT"
  exec {LOCK_FD}>>"$OUT/.lock"
  flock -n "$LOCK_FD" || die "another fuzz.sh run is using $OUT: wait for it to end, or give this one its own --out"
  mkdir -p "$CORPUS"
  exec {CORPUS_FD}<"$CORPUS"
  flock -s -n "$CORPUS_FD" || die "a minimize is rewriting $CORPUS: wait for it to end"
}

# lock_corpus: minimize rewrites CORPUS: alone, with no fuzzing run merging
# into it (they hold lock_out's shared lock on the folder).
lock_corpus() {
  exec {CORPUS_FD}<"$CORPUS"
  flock -x -n "$CORPUS_FD" || die "a fuzzing run or a minimize is using $CORPUS: wait for it to end"
}

# corpus_opt <command> <args...>: cov and minimize take one option,
# --corpus DIR (default corpus/), a folder that exists; else exit 2.
corpus_opt() {
  local cmd=$1 val; shift
  while (($#)); do
    case $1 in
      --corpus=*) val=${1#*=}; shift ;;
      --corpus) need_value "$@"; val=$2; shift 2 ;;
      *) die "$cmd takes no arguments but --corpus DIR, not '$1'" ;;
    esac
    [[ -n $val && -d $val ]] || die "--corpus takes an existing corpus folder, not '$val'"
    CORPUS=$(abs "$val")
  done
}

# cmd_needs <command> <args...>: validates, prints the dependency groups.
cmd_needs() {
  local cmd=${1:-}; shift || true
  case $cmd in
    fuzz)
      parse_fuzz_opts "$@"
      [[ -n $PREBUILT ]] && return 0
      if [[ $ENGINE == afl ]]; then echo "base unicorn afl"; else echo "base unicorn"; fi ;;
    repro) repro_args "$@" >/dev/null; [[ -n $PREBUILT ]] || echo "base unicorn" ;;
    cov) corpus_opt cov "$@"; echo "base unicorn cov" ;;
    minimize) corpus_opt minimize "$@"; echo "base unicorn" ;;
    gen) (($# == 0)) || die "$cmd takes no arguments"; echo "base unicorn" ;;
    *) die "unknown command: $cmd" ;;
  esac
}

# ---------------------------------------------------------------- targets
# The build's target list (fuzz-targets.txt, written by harness/CMakeLists.txt):
# name, needs, replayer, libFuzzer binary, AFL++ binary.
list_file() { echo "$1/fuzz-targets.txt"; }

# built_targets <dir>: the target names of a build dir.
built_targets() { awk -F'\t' '!/^#/ && NF >= 5 { printf "%s ", $1 }' "$(list_file "$1")"; }

# tbin <dir> <replay|fuzz|afl> <target>: a binary's path, empty when not built.
tbin() {
  awk -F'\t' -v t="$3" -v k="$2" '$1 == t { c = (k == "replay") ? 3 : (k == "fuzz") ? 4 : 5;
    if ($c != "-") print $c }' "$(list_file "$1")"
}

# max_len <dir> <target>: the target's input bound (harness/fuzz_ops.h's
# format table, printed by fuzz_gen_corpus), MAX_LEN for targets without one.
max_len() {
  local gen=$1/harness/fuzz_gen_corpus n
  n=$("$gen" --max-len "$2" 2>/dev/null) || n=$MAX_LEN
  [[ $n =~ ^[0-9]+$ ]] || n=$MAX_LEN
  echo "$n"
}

# known_targets <name>...: exit 2 on a name that is no fuzz target of the
# project (harness/CMakeLists.txt's FUZZ_TARGETS, and emu), before anything
# is built; pick_targets checks later that this build offers it.
known_targets() {
  local all t
  all="$(sed -n 's/^set(FUZZ_TARGETS \(.*\))$/\1/p' "$ROOT/harness/CMakeLists.txt") emu"
  for t in "$@"; do
    [[ " $all " == *" $t "* ]] || die "unknown target '$t' (targets: $all)"
  done
}

# pick_targets <dir>: TARGETS = the requested ones (all when none); exit 2
# on a name the build does not offer.
pick_targets() {
  local all t
  all=$(built_targets "$1")
  [[ -n $all ]] || die "no fuzz target is built in $1"
  all=${all% }
  [[ -n $TARGETS ]] || { TARGETS=$all; return 0; }
  local once=""
  for t in $TARGETS; do
    [[ " $all " == *" $t "* ]] || die "unknown target '$t' (targets: $all)"
    [[ " $once " == *" $t "* ]] || once+="$t "   # named twice: fuzzed once
  done
  TARGETS=${once% }
}

# ---------------------------------------------------------------- builds
# configure <dir> <cc> <engine> <cflags>: a preset-free configure of the
# repo; skipped when the dir is configured so already (the build re-runs
# CMake by itself when a CMakeLists.txt changed).
configure() {
  local dir=$1 cc=$2 engine=$3 cflags=$4 built_cc=""
  mkdir -p "$(dirname "$dir")"
  [[ -f $dir/fuzz-cc.txt ]] && built_cc=$(<"$dir/fuzz-cc.txt")
  # CMake cannot change the compiler of a configured dir: another
  # VMM_FUZZ_CC (or none recorded) starts the dir afresh
  [[ $built_cc == "$cc" ]] || rm -rf "$dir"
  if [[ -f $dir/CMakeCache.txt && -f $dir/fuzz-targets.txt ]] \
     && grep -qxF "CMAKE_C_FLAGS:STRING=$cflags" "$dir/CMakeCache.txt" \
     && grep -qxF "VMM_FUZZ_ENGINE:STRING=$engine" "$dir/CMakeCache.txt"; then
    return 0
  fi
  cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_C_FLAGS="$cflags" -DVMM_FUZZ_ENGINE="$engine" >"$dir.configure.log" 2>&1 \
    || { cat "$dir.configure.log" >&2; fail "configure of $dir failed"; }
  echo "$cc" >"$dir/fuzz-cc.txt"
}

# build_libfuzzer: fuzz_<t> (libFuzzer) and replay_<t> (ASan+UBSan) of
# every target (nothing with --prebuilt).
build_libfuzzer() {
  if [[ -n $PREBUILT ]]; then pick_targets "$LF"; return 0; fi
  configure "$BUILD_LF" "$CC_CLANG" libfuzzer "$WARN -O1 -g $SAN"
  # First the generator: that build re-runs CMake when a CMakeLists.txt
  # changed (a target added since the last run), which rewrites the list.
  cmake --build "$BUILD_LF" -j"$JOBS" --target fuzz_gen_corpus >"$BUILD_LF.build.log" 2>&1 \
    || { tail -40 "$BUILD_LF.build.log" >&2; fail "build failed (log: $BUILD_LF.build.log)"; }
  pick_targets "$BUILD_LF"
  local t list=()
  for t in $TARGETS; do list+=("fuzz_$t" "replay_$t"); done
  cmake --build "$BUILD_LF" -j"$JOBS" --target "${list[@]}" >"$BUILD_LF.build.log" 2>&1 \
    || { tail -40 "$BUILD_LF.build.log" >&2; fail "build failed (log: $BUILD_LF.build.log)"; }
}

# build_afl: afl_<t> (persistent mode, ASan+UBSan) and a CMPLOG build.
build_afl() {
  command -v afl-clang-fast >/dev/null || die "afl-clang-fast missing (apt-get install afl++)"
  local dir t list=()
  for t in $TARGETS; do list+=("afl_$t"); done
  for dir in "$BUILD_AFL" "$BUILD_CMPLOG"; do
    (
      export AFL_QUIET=1
      if [[ $dir == "$BUILD_CMPLOG" ]]; then export AFL_LLVM_CMPLOG=1
      else export AFL_USE_ASAN=1 AFL_USE_UBSAN=1; fi
      configure "$dir" afl-clang-fast afl "$WARN -O1 -g"
      cmake --build "$dir" -j"$JOBS" --target "${list[@]}" >"$dir.build.log" 2>&1 \
        || { tail -40 "$dir.build.log" >&2; fail "AFL build failed (log: $dir.build.log)"; }
    )
  done
}

# ---------------------------------------------------------------- helpers
# The run's bookkeeping avoids forks: a process start costs tens of ms on a
# loaded machine, and --time counts every one.
now() { NOW=$(( ${EPOCHREALTIME/./} / 1000 )); }          # NOW = ms since the epoch
nfiles() { local f; N=0; for f in "$1"/*; do [[ -f $f ]] && N=$((N + 1)); done; return 0; }
fmt_s() { S="$(( $1 / 1000 )).$(( ($1 % 1000) / 100 ))"; }   # S = ms as seconds
pause() { read -r -t "$1" -u "$SLEEP_FD" _ || true; }        # sleep without a process

# Per target and run: A_* totals in state/<t>.acc (one slot writes them at a
# time); across runs, in stats/: S_cost_us (libFuzzer's cost per input when
# loading or merging, measured by jobs; <t>.cost), S_afl_us (AFL++'s, when
# calibrating; <t>.afl.cost), S_load_us (the running engine's) and S_yield
# (features per kilosecond, moving average, written between rounds; <t>.yield).
ACC_KEYS="load_ms fuzz_ms merge_ms crash_ms cpu_ms jobs execs gained merged bugs fails"
acc_read() {
  local k
  for k in $ACC_KEYS; do printf -v "A_$k" 0; done
  A_cov=- A_ft=- A_corp=-
  [[ -f $OUT/state/$1.acc ]] && source "$OUT/state/$1.acc"
  return 0
}
acc_write() {
  local k v text=""
  for k in $ACC_KEYS cov ft corp; do v=A_$k; printf -v v '%q' "${!v}"; text+="A_$k=$v"$'\n'; done
  printf '%s' "$text" >"$OUT/state/$1.acc"
}
stats_read() {
  S_cost_us=2000 S_yield=""
  [[ -f $OUT/stats/$1.cost ]] && source "$OUT/stats/$1.cost"
  S_afl_us=2000 S_merge_us=""
  [[ -f $OUT/stats/$1.afl.cost ]] && source "$OUT/stats/$1.afl.cost"
  [[ -f $OUT/stats/$1.merge ]] && source "$OUT/stats/$1.merge"
  S_load_us=$S_cost_us
  [[ $ENGINE == afl ]] && S_load_us=$S_afl_us
  [[ -f $OUT/stats/$1.yield ]] && source "$OUT/stats/$1.yield"
  return 0
}
STARTUP_MS=250        # a fuzzer process start (ASan), before its first input
POST_MS=150           # a job's bookkeeping after its fuzzer stopped

# ---------------------------------------------------------------- crashes
# child <command...>: runs the command in a subshell. A replayer that a
# sanitizer aborts dies of SIGABRT, and bash prints an "Aborted" notice for
# it, late, wherever the run's output is at that moment; the subshell
# prints it to the command's own (redirected) stderr instead.
child() { ( "$@"; exit $? ); }

# lf_kind <target> <file>: what the target's libFuzzer binary reports when it
# runs the file under the run's limits (-rss_limit_mb=2048, -timeout=10):
# "libFuzzer: out-of-memory" or "libFuzzer: timeout", which the replayer
# (no such limits) cannot see; empty when it reports neither.
lf_kind() {
  local fz out
  fz=$(tbin "$LF" fuzz "$1")
  [[ -n $fz ]] || return 0
  out=$(ASAN_OPTIONS=$MERGE_ASAN_OPTIONS child timeout 120 "$fz" -rss_limit_mb=2048 -timeout=10 "$2" 2>&1) && return 0
  grep -m1 -oE 'ERROR: libFuzzer: (out-of-memory|timeout)' <<<"$out" | sed 's/^ERROR: //' || true
}

# signature <target> <file>: "<failed check or sanitizer report> @ <top
# frames>" of a crash, from a replay with a stack trace on abort.
signature() {
  local out rc=0 kind frames
  out=$(ASAN_OPTIONS=handle_abort=1:abort_on_error=1:detect_leaks=1:symbolize=1 \
        timeout 60 "$(tbin "$LF" replay "$1")" "$2" 2>&1) || rc=$?
  kind=$(grep -m1 -oE 'FUZZ CHECK FAILED: [^ ]+|ERROR: (AddressSanitizer|LeakSanitizer): [a-z-]+|runtime error: .*' <<<"$out" \
         | sed -E 's/FUZZ CHECK FAILED: /check /; s/ERROR: //; s/0x[0-9a-f]+/N/g; s/[0-9]+/N/g' || true)
  if [[ -z $kind ]]; then
    local art=${2##*/}
    art=${art%%-*}
    if ((rc == 0)); then
      kind=$(lf_kind "$1" "$2")
      [[ -n $kind ]] || kind="no failure on replay ($art artifact)"
    elif ((rc == 124)); then kind="timeout on replay"; else kind="exit $rc"; fi
  fi
  frames=$(grep -E '^ +#[0-9]+ 0x[0-9a-f]+ in ' <<<"$out" | awk '{ print $4 }' \
    | grep -vE '^(abort|raise|gsignal|__GI_|__pthread_kill|pthread_kill|__sanitizer|__asan|__ubsan|__interceptor|__lsan|fuzz_fail|_start|__libc_|main$|replay_|malloc|calloc|free$|fuzzer::)' \
    | head -3 | paste -sd' ' - || true)
  echo "$kind @ ${frames:-no stack}"
}

# recheck_bugs: each bug an earlier run filed for the run's targets is
# replayed (its minimized input, the replayer, as signature does; 10 s for
# a timeout bug, libFuzzer's -timeout): one that no longer fails moves to
# crashes/<t>/fixed/<id>/ and is not reported again; the others are listed
# in state/earlier (the summary marks them, and they still fail the run).
recheck_bugs() {
  local t d id limit
  : >"$OUT/state/earlier"
  for t in $TARGETS; do
    for d in "$OUT/crashes/$t"/*/; do
      [[ -f $d/count && -f $d/minimized ]] || continue
      d=${d%/} id=${d##*/} limit=60
      grep -q '^timeout' "$d/signature" 2>/dev/null && limit=10
      local clean=0
      if grep -q '^libFuzzer: ' "$d/signature" 2>/dev/null; then
        # an out-of-memory / a timeout only libFuzzer's limits show
        [[ -n $(lf_kind "$t" "$d/minimized") ]] || clean=1
      elif ASAN_OPTIONS=handle_abort=1:abort_on_error=1:detect_leaks=1:symbolize=0 \
         child timeout "$limit" "$(tbin "$LF" replay "$t")" "$d/minimized" >/dev/null 2>&1; then
        clean=1
      fi
      if ((clean)); then
        mkdir -p "$OUT/crashes/$t/fixed"
        rm -rf "$OUT/crashes/$t/fixed/$id" && mv "$d" "$OUT/crashes/$t/fixed/$id"
        log "an earlier bug of $t no longer reproduces: moved to $OUT/crashes/$t/fixed/$id"
      else
        echo "$t/$id" >>"$OUT/state/earlier"
      fi
    done
  done
}

# take_crashes <target> <minimize seconds>: files each new crash artifact of
# the target under crashes/<t>/<bug>/ (one folder per signature: input,
# minimized, ops.txt, signature, count = times found) and removes the
# artifact. Adds the new bugs to A_bugs; TOOK = artifacts taken.
take_crashes() {
  local t=$1 min_s=$2 f
  TOOK=0
  for f in "$OUT/crashes/$t"/{crash,leak,timeout,oom}-*; do
    [[ -f $f ]] || continue
    TOOK=$((TOOK + 1))
    # a libFuzzer crash before its corpus was loaded: the input (named by
    # its sha1) is one of the seeds, which skip_crashers leaves out next
    ((INITED)) || [[ $ENGINE == afl ]] || echo "${f##*-}" >>"$OUT/state/$t.crashers"
    local sig id dir fz
    sig=$(signature "$t" "$f")
    id=$(printf '%s\n' "$sig" | sha1sum | cut -c1-12)
    dir=$OUT/crashes/$t/$id
    if [[ -d $dir ]]; then
      echo $(( $(<"$dir/count") + 1 )) >"$dir/count"
      rm -f "$f"
      continue
    fi
    mkdir -p "$dir"
    mv "$f" "$dir/input"
    echo "$sig" >"$dir/signature"
    echo 1 >"$dir/count"
    fz=$(tbin "$LF" fuzz "$t")
    if [[ -n $fz ]] && ((min_s > 0)); then
      "$(nospace "$fz")" -minimize_crash=1 -runs=5000 -max_total_time="$min_s" \
        -exact_artifact_path="$(nospace "$dir/minimized")" "$(nospace "$dir/input")" >"$dir/minimize.log" 2>&1 || true
    fi
    [[ -s $dir/minimized ]] || cp "$dir/input" "$dir/minimized"
    child timeout 60 "$(tbin "$LF" replay "$t")" -v "$dir/minimized" >"$dir/ops.txt" 2>&1 || true
    A_bugs=$((A_bugs + 1))
  done
}

# merge_into_corpus <target> [deadline ms]: adds the pending inputs
# (work/<t>) that reach new edges to the corpus (libFuzzer -merge=1
# -use_counters=0), then empties work/<t>. A merge still running at the
# deadline is stopped (timeout kills its process group); the corpus is then
# unchanged and the inputs stay pending. Updates A_merged, A_merge_ms and the
# measured merge cost per input (S_merge_us in stats/<t>.merge).
merge_into_corpus() {
  local t=$1 t0 before n limit=()
  nfiles "$OUT/work/$t"; n=$N; ((n)) || return 0
  now; t0=$NOW
  if [[ -n ${2:-} ]]; then
    ((${2} - NOW > 200)) || return 0
    limit=(timeout -k 1 "$(( (${2} - NOW) / 1000 )).$(( (${2} - NOW) % 1000 / 100 ))")
  fi
  nfiles "$CORPUS/$t"; before=$N
  local rc=0
  ASAN_OPTIONS=$MERGE_ASAN_OPTIONS "${limit[@]}" "$(nospace "$(tbin "$LF" fuzz "$t")")" -merge=1 -use_counters=0 \
    -max_len="$MAX_LEN" "$(nospace "$CORPUS/$t")" "$(nospace "$OUT/work/$t")" >"$OUT/logs/$t.merge.log" 2>&1 || rc=$?
  now
  local per=$(( (NOW - t0 - 2 * STARTUP_MS) * 1000 / (before + n) ))
  ((per > 10)) || per=10
  if ((rc == 0)); then
    rm -rf "$OUT/work/$t" && mkdir -p "$OUT/work/$t"
    echo "S_merge_us=$per" >"$OUT/stats/$t.merge"
  elif ((rc == 124 || rc == 137)); then
    # Cut short: it costs more than this attempt saw, and at least a load.
    per=$(( (NOW - t0) * 2000 / (before + n) ))
    ((per > ${S_merge_us:-0})) || per=${S_merge_us:-0}
    ((per > S_cost_us)) || per=$S_cost_us
    echo "S_merge_us=$per" >"$OUT/stats/$t.merge"
  fi
  nfiles "$CORPUS/$t"
  A_merged=$((A_merged + N - before))
  now; A_merge_ms=$((A_merge_ms + NOW - t0))
}

# merge_est <target> <corpus files> <pending files>: MERGE_MS, the expected
# duration of a merge.
merge_est() { MERGE_MS=$(( 2 * STARTUP_MS + ($2 + $3) * ${S_merge_us:-$S_cost_us} / 1000 )); }
# (S_merge_us is measured by merges; before the first, a merge costs what a
# load costs: every input runs once.)

# merge_pending <start ms>: merges what jobs left in work/: all of it in a
# continuous run (at each interval and at the end, also after a signal);
# with --time S what still fits in S.
merge_pending() {
  local t np
  for t in $TARGETS; do
    nfiles "$OUT/work/$t"; ((N)) || continue
    stats_read "$t"; np=$N
    nfiles "$CORPUS/$t"; merge_est "$t" "$N" "$np"
    now
    if ((FOREVER)); then
      acc_read "$t"; merge_into_corpus "$t"; acc_write "$t"
    elif ((NOW + MERGE_MS <= $1 + TIME * 1000)); then
      acc_read "$t"; merge_into_corpus "$t" $(($1 + TIME * 1000)); acc_write "$t"
    fi
  done
}

# afl_env: the environment AFL++ wants (sanitizers abort, no symbolizing).
afl_env() {
  export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
         AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 AFL_CMPLOG_ONLY_NEW=1 AFL_SKIP_CRASHES=1
  export ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0
  export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:symbolize=0
}

# ---------------------------------------------------------------- one job
# dict_of <target>: DICT = the target's dictionary: <corpus>/<t>.dict, else
# the project's corpus/<t>.dict (a run on a corpus of its own keeps the
# dictionary); false when there is none.
dict_of() {
  DICT=$CORPUS/$1.dict
  [[ -f $DICT ]] || DICT=$ROOT/corpus/$1.dict
  [[ -f $DICT ]]
}

# start_fuzzer <target> <output dir> <seconds cap> <seed dirs...>: starts
# the engine in the background (PID), its output in LOG.
start_fuzzer() {
  local t=$1 dest=$2 cap=$3; shift 3
  local dict=()
  : >"$LOG"
  if [[ $ENGINE == afl ]]; then
    local in=$OUT/afl-in/$t
    rm -rf "$in" "$OUT/afl/$t" && mkdir -p "$in" "$OUT/afl"
    find "$@" -maxdepth 1 -type f -exec cp -t "$in" {} + 2>/dev/null || true
    [[ -n $(ls -A "$in") ]] || printf '\0' >"$in/empty"
    dict_of "$t" && dict=(-x "$DICT")
    ( afl_env; exec afl-fuzz -i "$in" -o "$OUT/afl/$t" -m none -t 2000 -G $MAX_LEN -V "$cap" "${dict[@]}" \
        -c "$(tbin "$BUILD_CMPLOG" afl "$t")" -- "$(tbin "$BUILD_AFL" afl "$t")" ) >"$LOG" 2>&1 &
  else
    dict_of "$t" && dict=(-dict="$DICT")
    "$(tbin "$LF" fuzz "$t")" -max_total_time="$cap" -print_final_stats=1 -max_len="$(max_len "$LF" "$t")" \
      -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$OUT/crashes/$t/" "${dict[@]}" \
      "$dest" "$@" >"$LOG" 2>&1 &
  fi
  PID=$!
}

# ticks_of <fields of /proc/PID/stat after "(comm) ">: CPU_TICKS = its user
# + system time (fields 14 and 15 of the whole line), in clock ticks.
ticks_of() { CPU_TICKS=$(( ${12:-0} + ${13:-0} )); }
CLK_TCK=100           # clock ticks per second (cmd_fuzz asks getconf)

# watch <end ms>: waits for the fuzzer PID, noting in INITED when it had
# loaded its corpus and in CPU_TICKS the CPU time it used (read from /proc
# while it runs: a wall-clock rate on a shared machine says how much of a
# core it got, not how fast it is); stops it at <end> or on a stop request,
# also when the main job is gone (killed with SIGKILL: the slots would run
# on to their ends holding its lock; they request the stop instead).
# FZ_RC = the fuzzer's exit status.
watch() {
  local end=$1 fd line partial="" marker=INITED stat
  [[ $ENGINE == afl ]] && marker="ing queue cycle"
  INITED=0 KILLED=0 CPU_TICKS=0
  exec {fd}<"$LOG"
  while kill -0 "$PID" 2>/dev/null; do
    now
    # shellcheck disable=SC2086 # the fields are numbers and a state letter
    { IFS= read -r stat <"/proc/$PID/stat" && ticks_of ${stat##*) }; } 2>/dev/null || true
    while ((!INITED)); do
      if IFS= read -r -u "$fd" line; then
        line=$partial$line partial=""
        [[ $line == *"$marker"* ]] && INITED=$NOW
      else partial+=$line; break; fi
    done
    # (and its EXIT trap did not run: its SAFE links go too; rm does not follow them)
    kill -0 "$MAIN_PID" 2>/dev/null || { : >"$OUT/state/.stop"; [[ -z $SAFE ]] || rm -rf "$SAFE"; }
    if ((NOW >= end)) || [[ -f $OUT/state/.stop ]]; then KILLED=1; end_pids 200 "$PID"; break; fi
    pause 0.05
  done
  exec {fd}<&-
  FZ_RC=0
  wait "$PID" 2>/dev/null || FZ_RC=$?
}

# end_pids TICKS PID...: SIGTERM to the PIDs, again every second to those
# still alive, SIGKILL to those left after TICKS x 50 ms. One SIGTERM is not
# enough: sent just after the fork, before the child has reset the slot's
# trap and exec'd the fuzzer, it runs that trap's handler in the child and
# is lost, and the fuzzer ran on to its -max_total_time (seen at load 15: a
# stop that hung for 60 s). Sleeps without a process once cmd_fuzz has
# opened SLEEP_FD (kill_tree, the EXIT trap, may run before).
end_pids() {
  local ticks=$1 i p alive pids; shift
  pids="$*"
  for ((i = 0; i < ticks; i++)); do
    alive=""
    for p in $pids; do kill -0 "$p" 2>/dev/null && alive+=" $p"; done
    [[ -n $alive ]] || return 0
    pids=$alive
    # shellcheck disable=SC2086
    ((i % 20)) || { kill -TERM $pids; kill -CONT $pids; } 2>/dev/null || true # a stopped process gets the TERM only once continued
    if [[ -n ${SLEEP_FD:-} ]]; then pause 0.05; else sleep 0.05; fi
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
}

# fuzz_once <target> <dest> <fuzz end> <slice end> <seeds...>: one fuzzer
# process until <fuzz end> (or its crash), its figures added to A_*, its
# crashes filed; KILLED = 1 when it was stopped rather than crashed.
fuzz_once() {
  local t=$1 dest=$2 fuzz_end=$3 end=$4 work=$OUT/work/$1; shift 4
  now
  local t0=$NOW
  start_fuzzer "$t" "$dest" $(( (fuzz_end - t0) / 1000 + 60 )) "$@"
  watch "$fuzz_end"
  now
  [[ -z ${VMM_FUZZ_DEBUG:-} ]] || echo "debug: $t fuzzer from $t0 ended $NOW (fuzz_end $fuzz_end)" >&2
  local loaded=$(( INITED ? INITED - t0 : NOW - t0 ))
  A_load_ms=$((A_load_ms + loaded)) A_fuzz_ms=$((A_fuzz_ms + NOW - t0 - loaded)) A_jobs=$((A_jobs + 1))
  # What it did (one parse of the log or of AFL++'s stats).
  local execs gained ft0 nload lastn
  if [[ $ENGINE == afl ]]; then
    read -r execs gained A_cov A_corp < <(awk -F: '{ gsub(/ /, "", $1); gsub(/ /, "", $2); v[$1] = $2 }
      END { printf "%d %d %s %s\n", v["execs_done"], v["corpus_found"], v["bitmap_cvg"] == "" ? "-" : v["bitmap_cvg"],
            v["corpus_count"] == "" ? "-" : v["corpus_count"] }' "$OUT/afl/$t/default/fuzzer_stats" 2>/dev/null || echo "0 0 - -")
    find "$OUT/afl/$t/default/queue" -maxdepth 1 -type f -name 'id:*' ! -name '*orig:*' \
      -exec cp -t "$work" {} + 2>/dev/null || true
    local c
    for c in "$OUT/afl/$t/default/crashes"/id:*; do
      [[ -f $c ]] && cp "$c" "$OUT/crashes/$t/crash-$(sha1sum "$c" | cut -c1-40)"
    done
    nfiles "$OUT/afl-in/$t"; nload=$N lastn=$N
    kill_tree orphans
  else
    read -r execs A_cov A_ft ft0 A_corp nload lastn < <(awk '
      /^#[0-9]+/ { n = substr($1, 2); for (i = 2; i < NF; i++) {
                     v = $(i + 1); sub(/[^0-9\/a-zA-Z].*/, "", v)   # a status line cut by the interrupt
                     if ($i == "cov:") cov = v; if ($i == "ft:") ft = v; if ($i == "corp:") corp = v }
                   if ($2 == "INITED") ft0 = ft }
      /^stat::number_of_executed_units:/ { ex = $2 }
      /INFO: seed corpus: files:/ { nl = $5 }
      END { if (ex == "") ex = n + 0; printf "%d %s %s %d %s %d %d\n", ex, cov == "" ? "-" : cov,
            ft == "" ? "-" : ft, ft0, corp == "" ? "-" : corp, nl, n }' "$LOG")
    # Features gained over the loaded corpus; after a sample of it they are
    # mostly rediscoveries, so a sampled run reports none.
    gained=0
    [[ $A_ft =~ ^[0-9]+$ && -z $SAMPLED ]] && ((ft0 > 0)) && gained=$((A_ft - ft0))
  fi
  [[ -z $SAMPLED ]] || gained=0
  A_execs=$((A_execs + execs)) A_gained=$((A_gained + gained))
  A_cpu_ms=$((A_cpu_ms + CPU_TICKS * 1000 / CLK_TCK))
  # The loading cost per input, measured (a lower bound when it was cut short).
  if ((INITED || KILLED)); then
    local per=$(( INITED ? nload : lastn ))
    ((per > 0)) || per=1
    per=$(( (loaded - STARTUP_MS) * 1000 / per ))
    ((per >= 10)) || per=10
    if ((INITED || per > S_load_us)); then
      if [[ $ENGINE == afl ]]; then echo "S_afl_us=$per" >"$OUT/stats/$t.afl.cost"
      else echo "S_cost_us=$per" >"$OUT/stats/$t.cost"; fi
    fi
  fi
  # Crashes: deduplicated; minimizing gets what is left of the slice.
  now
  local t1=$NOW left=$(( (end - NOW) / 1000 ))
  ((left <= 30)) || left=30
  [[ -f $OUT/state/.stop ]] && left=0
  take_crashes "$t" "$left"
  now; A_crash_ms=$((A_crash_ms + NOW - t1))
  # A fuzzer that ended by itself with no crash artifact did not fuzz its
  # slice: it could not start (no memory for ASan under `ulimit -v`, a
  # broken binary) or something killed it (the OOM killer). Not a bug of
  # the core, but the run did not do what it was asked: it fails
  # (state/failures, in the summary; its log kept as logs/<t>.failed.log).
  # A fuzzer that a stop request (a signal to the group) ended is not one.
  if ((!KILLED && TOOK == 0)) && [[ ! -f $OUT/state/.stop ]] &&
     ! grep -qE 'libFuzzer: run interrupted|Testing aborted by user' "$LOG" 2>/dev/null; then
    local why="exit status $FZ_RC"
    ((FZ_RC > 128)) && why="killed by signal $((FZ_RC - 128))"
    A_fails=$((A_fails + 1))
    cp "$LOG" "$OUT/logs/$t.failed.log" 2>/dev/null || true
    fmt_s $((NOW - t0))
    echo "$t: its fuzzer ended before its slice did, after $S s ($why, $execs execs) without a crash artifact; log: $OUT/logs/$t.failed.log" \
      >>"$OUT/state/failures"
  fi
  [[ -z ${VMM_FUZZ_DEBUG:-} ]] || echo "debug: $t parsed+crashes from $t1 to $NOW" >&2
}

# skip_crashers <target> <dest>: when seeds of the target crashed it while they
# loaded (state/<t>.crashers: their sha1s, take_crashes), seeds becomes a
# copy of them without those inputs (hard links: corpus/ is untouched) and
# they leave the pending inputs (dest; each is filed under crashes/): a bug
# that an input of the corpus hits no longer stops its target from fuzzing
# (every restart crashed on it again while loading, fuzzing nothing).
skip_crashers() {
  local t=$1 dest=$2 list=$OUT/state/$t.crashers keep=$OUT/skip/$t d sum f n=0 len
  [[ -s $list ]] || return 0
  local -A bad=()
  while read -r sum; do bad[$sum]=1; done <"$list"
  len=$(max_len "$LF" "$t")   # libFuzzer runs a seed cut to -max_len bytes
  rm -rf "$keep.new" && mkdir -p "$keep.new"   # seeds may be $keep itself
  for d in "${seeds[@]}" "$dest"; do
    [[ -d $d ]] || continue
    while read -r sum f; do
      [[ -n $f ]] || continue
      [[ $sum == long ]] && sum=$(head -c "$len" "$f" | sha1sum) && sum=${sum%% *}
      if [[ -n ${bad[$sum]:-} ]]; then
        n=$((n + 1))
        [[ $d == "$dest" ]] && rm -f "$f"
      elif [[ $d != "$dest" ]]; then
        ln "$f" "$keep.new/" 2>/dev/null || cp "$f" "$keep.new/"
      fi
    done < <(find "$d" -maxdepth 1 -type f -size -$((len + 1))c -print0 | xargs -0 -r sha1sum
             find "$d" -maxdepth 1 -type f -size +"$len"c -printf 'long %p\n')
  done
  rm -rf "$keep" && mv "$keep.new" "$keep"
  seeds=("$keep")
  ((n == 0)) || echo "note: $t: $n input(s) that crash it while loading left out of its loads (crashes/$t)" >&2
}

# job <target> <end ms>: one slice of a target on this slot: load, fuzz,
# take crashes and merge the new inputs into the corpus, all before <end>.
# When loading everything would eat the slice, it starts from a random
# sample of the corpus and leaves the merge pending (work/<t>) for a job,
# an interval or an end of run that can afford it.
job() {
  local t=$1 end=$2 stop=$OUT/state/.stop
  now
  local start=$NOW slice=$((end - NOW))
  ((slice > 300)) && [[ ! -f $stop ]] || return 0
  local work=$OUT/work/$t dest sample="" seeds ncorp nwork load_est reserve fuzz_end
  LOG=$OUT/logs/$t.log
  acc_read "$t"; stats_read "$t"
  nfiles "$CORPUS/$t"; ncorp=$N; nfiles "$work"; nwork=$N
  # Pending inputs that outnumber the corpus slow every load: merge them
  # first when that fits in most of the slice.
  merge_est "$t" "$ncorp" "$nwork"
  if ((nwork > ncorp && MERGE_MS * 5 < slice * 4)); then
    merge_into_corpus "$t" $((start + slice * 4 / 5))
    nfiles "$CORPUS/$t"; ncorp=$N; nfiles "$work"; nwork=$N
    now; slice=$((end - NOW))
  fi
  load_est=$(( STARTUP_MS + (ncorp + nwork) * S_load_us / 1000 ))
  # The merge at the end: the corpus and pending inputs, and 1% of the slice
  # for the inputs this job adds (a 600 s vmm job adds about a thousand).
  merge_est "$t" "$ncorp" "$nwork"; reserve=$((MERGE_MS + slice / 100))
  dest=$work seeds=("$CORPUS/$t")
  local k=$(( slice * 250 / (S_load_us > 0 ? S_load_us : 1) ))
  if ((load_est > slice * 2 / 5 && k < ncorp + nwork)); then
    ((k >= 1)) || k=1
    sample=$OUT/sample/$t dest=$OUT/new/$t
    rm -rf "$sample" "$dest" && mkdir -p "$sample" "$dest"
    find "$CORPUS/$t" "$work" -maxdepth 1 -type f | shuf -n "$k" >"$OUT/state/$t.sample"
    xargs -r -a "$OUT/state/$t.sample" cp -l -t "$sample" 2>/dev/null \
      || xargs -r -a "$OUT/state/$t.sample" cp -t "$sample"
    seeds=("$sample")
    reserve=$((slice + 1))
  fi
  # The fuzzer stops early enough for the merge and the bookkeeping after it.
  fuzz_end=$((end - POST_MS))
  ((reserve * 5 < slice * 2)) && fuzz_end=$((fuzz_end - reserve))
  SAMPLED=${sample:+1}
  echo running >"$OUT/state/$t.run"
  # Fuzz until the slice's end; after a crash, start again while a reload fits.
  [[ $ENGINE == afl ]] || skip_crashers "$t" "$dest"
  while :; do
    fuzz_once "$t" "$dest" "$fuzz_end" "$end" "${seeds[@]}"
    ((KILLED || !TOOK)) || [[ -f $stop ]] && break
    now; ((NOW + load_est + 500 < fuzz_end)) || break
    ((INITED)) || [[ $ENGINE == afl ]] || skip_crashers "$t" "$dest"
  done
  [[ -n $sample ]] && find "$dest" -maxdepth 1 -type f -exec mv -t "$work" {} + 2>/dev/null
  now
  # The estimate from what this job measured: before any merge was timed, a
  # merge costs a load, and the loads it just timed are in stats/ now (the
  # 2 ms guess read at its start left a 600 s vmm run's 1,148 new inputs
  # unmerged, "pending", when 10 us each was the truth).
  stats_read "$t"
  nfiles "$work"; merge_est "$t" "$ncorp" "$N"
  if [[ -z $sample && ! -f $stop ]] && ((NOW + MERGE_MS <= end + 300)); then
    merge_into_corpus "$t" "$end"
  fi
  acc_write "$t"
  echo done >"$OUT/state/$t.run"
  [[ -z ${VMM_FUZZ_DEBUG:-} ]] || { now; echo "debug: job $t $start..$end ended $NOW (+$((NOW - end)) ms)" >&2; }
}

# ---------------------------------------------------------------- rounds
# weights: "target permille" per target: an even share for the first
# round, then half an even share each (the floor: no target starves) plus
# the other half split by recent yield (S_yield).
weights() {
  local t
  for t in $TARGETS; do stats_read "$t"; echo "$t ${S_yield:-0}"; done \
    | awk '{ t[NR] = $1; y[NR] = $2; s += $2 } END {
        n = NR; for (i = 1; i <= n; i++) {
          w = (s > 0) ? 500 / n + 500 * y[i] / s : 1000 / n; printf "%s %d\n", t[i], w } }'
}

# plan <round ms>: one line per slot, "target:slice_ms ..." (longest slices
# first onto the least loaded slot, then each slot scaled to the round).
plan() {
  weights | awk -v R="$1" -v J="$JOBS" '{ t[NR] = $1; w[NR] = $2; W += $2 } END {
      n = NR; slots = (J < n) ? J : n;
      for (i = 1; i <= n; i++) { s[i] = w[i] * R * slots / W; if (s[i] > R) s[i] = R }
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (s[j] > s[i]) {
        x = s[i]; s[i] = s[j]; s[j] = x; x = t[i]; t[i] = t[j]; t[j] = x }
      for (i = 1; i <= n; i++) { b = 1; for (k = 2; k <= slots; k++) if (load[k] < load[b]) b = k
        load[b] += s[i]; m[b] = m[b] " " t[i] ":" sprintf("%.0f", s[i]) }
      for (k = 1; k <= slots; k++) { c = 0; line = ""; split(substr(m[k], 2), a, " ")
        for (q = 1; q in a; q++) { split(a[q], p, ":"); line = line " " p[1] ":" sprintf("%.0f", int(p[2] * R / load[k])) }
        print substr(line, 2) } }'
}

# run_round <round ms>: runs the plan's jobs on the slots in parallel. Each
# job ends at its share of what is left of its slot, so a job that ran over
# (or ended early) shifts the others in proportion, never only the last.
run_round() {
  local start line pids=() e p
  now; start=$NOW
  while read -r line; do
    (
      trap ': >"$OUT/state/.stop"' TERM INT
      local rest=0 slot_end=$((start + $1)) s
      for e in $line; do rest=$((rest + ${e##*:})); done
      for e in $line; do
        s=${e##*:}; now
        ((rest > 0)) && job "${e%%:*}" $((NOW + (slot_end - NOW) * s / rest)) || true
        rest=$((rest - s))
      done
    ) &
    pids+=($!)
  done < <(plan "$1")
  SLOT_PIDS=("${pids[@]}")
  for p in "${pids[@]}"; do
    while kill -0 "$p" 2>/dev/null; do wait "$p" 2>/dev/null || true; done
  done
  SLOT_PIDS=()
}

declare -A PREV_G PREV_F PREV_B   # the totals at the end of the last round
# update_yields: each target's yield in this round (features gained plus
# 100 per new bug, per kilosecond of fuzzing), averaged with the past.
update_yields() {
  local t
  for t in $TARGETS; do
    acc_read "$t"; stats_read "$t"
    local dg=$((A_gained - ${PREV_G[$t]:-0} + 100 * (A_bugs - ${PREV_B[$t]:-0}))) y
    local dms=$((A_fuzz_ms - ${PREV_F[$t]:-0}))
    y=$(( dms > 0 ? dg * 1000000 / dms : 0 ))
    [[ -n $S_yield ]] && y=$(( (y + S_yield) / 2 ))
    echo "S_yield=$y" >"$OUT/stats/$t.yield"
    PREV_G[$t]=$A_gained PREV_F[$t]=$A_fuzz_ms PREV_B[$t]=$A_bugs
  done
}

# summary <start ms>: how each target's time was spent, what it found.
summary() {
  local t elapsed total=0 out
  now; elapsed=$((NOW - $1))
  fmt_s "$elapsed"; out=$'\n'"Summary after $S s"
  if ((FOREVER)); then out+=" (continuous"; else out+=" (--time $TIME"; fi
  fmt_s "$BUILD_MS"; out+="; engine $ENGINE, $JOBS slot(s); build $S s before, not counted)"$'\n'
  for t in $TARGETS; do acc_read "$t"; total=$((total + A_load_ms + A_fuzz_ms + A_merge_ms + A_crash_ms)); done
  ((total > 0)) || total=1
  printf -v line '%-10s %7s %6s %6s %7s %6s %6s %11s %8s %8s %6s %6s %8s %8s %5s\n' target time share load fuzz \
    merge crash execs exec/s exec/cpu cov ft +corpus pending bugs
  out+=$line
  for t in $TARGETS; do
    acc_read "$t"
    local all=$((A_load_ms + A_fuzz_ms + A_merge_ms + A_crash_ms)) f bugs=0 c=() d
    for d in "$OUT/crashes/$t"/*/; do [[ -f $d/count ]] && bugs=$((bugs + 1)); done
    for f in all A_load_ms A_fuzz_ms A_merge_ms A_crash_ms; do fmt_s "${!f}"; c+=("$S"); done
    nfiles "$OUT/work/$t"
    local per_cpu=-   # AFL++'s target runs in a child the fuzzer's own time leaves out
    [[ $ENGINE == libfuzzer ]] && ((A_cpu_ms > 0)) && per_cpu=$((A_execs * 1000 / A_cpu_ms))
    printf -v line '%-10s %7s %5s%% %6s %7s %6s %6s %11s %8s %8s %6s %6s %8s %8s %5s\n' "$t" "${c[0]}" \
      $((all * 100 / total)) "${c[1]}" "${c[2]}" "${c[3]}" "${c[4]}" "$A_execs" \
      $(( (A_load_ms + A_fuzz_ms) > 0 ? A_execs * 1000 / (A_load_ms + A_fuzz_ms) : 0 )) "$per_cpu" \
      "$A_cov" "$A_ft" "+$A_merged" "$N" "$bugs"
    out+=$line
  done
  out+="(time: seconds of one slot spent loading + fuzzing + merging + handling crashes; exec/s over"$'\n'
  out+=" load + fuzz (wall clock); exec/cpu: per CPU second the fuzzer processes used (user + system),"$'\n'
  out+=" what one free core would give; +corpus: inputs merged into $CORPUS; pending: new inputs"$'\n'
  out+=" whose merge did not fit; cov: libFuzzer's edge count, AFL++'s bitmap coverage in %)"$'\n'
  local d any=0 sig n when
  for t in $TARGETS; do
    for d in "$OUT/crashes/$t"/*/; do
      [[ -f $d/signature ]] || continue
      ((any)) || out+="BUGS, each once (folder with input, minimized, ops.txt; xN = times found):"$'\n'
      any=1
      sig=$(<"$d/signature") n=$(<"$d/count") when=""
      d=${d%/}
      grep -qxF "$t/${d##*/}" "$OUT/state/earlier" 2>/dev/null && when="  (an earlier run's, still reproduces)"
      out+="  $t x$n  $d$when"$'\n'"    $sig"$'\n'
    done
  done
  if ((any)); then out+="Reproduce: ./fuzz.sh repro <folder>/minimized   (see harness/REPRODUCING.md)"$'\n'
  else out+="no crashes"$'\n'; fi
  if [[ -s $OUT/state/failures ]]; then
    out+="FUZZER FAILURES (slices that fuzzed less than asked; the run fails):"$'\n'
    while IFS= read -r line; do out+="  $line"$'\n'; done <"$OUT/state/failures"
  fi
  if ((FOREVER)) && [[ ! -f $OUT/state/.stop ]]; then
    out+="next round's shares (floor half an even share, the rest by recent yield):"
    out+=$(weights | awk '{ printf " %s %.0f%%", $1, $2 / 10 }')$'\n'
  fi
  printf '%s' "$out"
}

# progress: on a terminal, redraws one line per target every 2 s.
progress() {
  [[ -t 1 ]] || return 0
  local t drawn=0 n=0
  for t in $TARGETS; do n=$((n + 1)); done
  while :; do
    ((drawn)) && printf '\033[%dA' "$n"
    for t in $TARGETS; do
      local st=waiting
      [[ -f $OUT/state/$t.run ]] && st=$(<"$OUT/state/$t.run")
      printf '\033[K%-10s %-8s %s\n' "$t" "$st" "$(tail -n 1 "$OUT/logs/$t.log" 2>/dev/null | cut -c1-100)"
    done
    drawn=1
    sleep 2
    kill -0 "$MAIN_PID" 2>/dev/null || exit 0   # the main job was killed (SIGKILL)
  done
}

# on_signal: the first SIGINT/SIGTERM ends the run cleanly (slices stop,
# merge, summary); another one 2 s or more later stops at once. A signal to
# the whole process group (Ctrl-C, `timeout`, `kill -- -PGID`) also reaches
# the slots, whose own trap creates state/.stop first, and `timeout` signals
# this process twice: still one request, so the first signal is the one this
# function saw first (STOP_S), not state/.stop. Bash 5.2 runs a trap in the
# middle of a command substitution of the main loop, where `local`, `return`
# and ${var/...} expansions in the handler break its parser (a syntax error,
# exit 2): plain variables and (( )) only.
on_signal() {
  SIG_S=$EPOCHSECONDS
  if ((STOP_S == 0)); then
    STOP_S=$SIG_S
    : >"$OUT/state/.stop" # no fork: a child of this handler would die of the group's next TERM (timeout sends two) and errexit would end the run unmerged
    log "stopping: ending the current slices, then merge and summary (signal again to abort)"
  elif ((SIG_S - STOP_S >= 2)); then
    echo "fuzz-main.sh: stopped at once (second signal); corpus not merged" >&2
    exit 130 # the EXIT trap (kill_tree) ends the slots and all they started
  fi
}

# kill_tree [orphans]: SIGTERM to every process below this one (end_pids: again after
# 1 s), then SIGKILL to those still there after 2 s (the EXIT trap of a fuzzing run, whatever ended it:
# the end, a second signal, an error). The tree is read from /proc in one
# pass before any is signalled, so a child whose parent dies first is still
# reached; it spans process groups (`timeout` runs a merge in a group of
# its own, which Ctrl-C or `kill -- -PGID` does not reach) and grandchildren
# (libFuzzer's -merge and -minimize_crash run their work in child processes).
# It also takes the run's orphans: a process whose parent died first (a
# merge child of a merge that `timeout` ended; a stopped CMPLOG target
# afl-fuzz left behind) is re-parented out of the tree, but its command
# line still names OUT/work/ or OUT/crashes/ (or their space-free links,
# nospace) or an AFL build's binary, and
# it inherited this run's VMM_FUZZ_RUN (cmd_fuzz). Both must hold: a process
# of someone else that merely names the folder (`tail -f out/fuzz/work/..`)
# is not the run's, and is left alone (ctest cli_orphans). With an
# argument, only the orphans: after each AFL++ job, whose stopped CMPLOG
# target would otherwise wait for the end of the run, holding its memory.
kill_tree() {
  local only_orphans=${1:-} pids p orphans env
  pids=$(ps -e -o pid= -o ppid= -o stat= -o args= 2>/dev/null |
    awk -v root="$$" -v out="$OUT/" -v safe="${SAFE:+$SAFE/out/}" -v afl="$BUILD_AFL" -v cmplog="$BUILD_CMPLOG" '
    $3 ~ /^Z/ { next }
    { kids[$2] = kids[$2] " " $1
      if ($1 != root && (index($0, out "work/") || index($0, out "crashes/") ||
                         (safe != "" && (index($0, safe "work/") || index($0, safe "crashes/"))) ||
                         index($0, afl "/") || index($0, cmplog "/"))) orphan[$1] = 1 }
    END { q[1] = root; n = 1; for (i = 1; i <= n; i++) { m = split(kids[q[i]], k, " ")
            for (j = 1; j <= m; j++) { q[++n] = k[j]; seen[k[j]] = 1; print k[j] } }
          for (p in orphan) if (!(p in seen)) print "orphan:" p }') || true
  orphans=$(grep '^orphan:' <<<"$pids" | cut -d: -f2) || true
  pids=$(grep -v '^orphan:' <<<"$pids") || true
  [[ -z $only_orphans ]] || pids=""
  for p in $orphans; do
    # /proc/PID/environ: NUL-separated, readable for our own processes only
    env=$'\n'$(tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null)$'\n' || continue
    [[ -n ${VMM_FUZZ_RUN:-} && $env == *$'\n'"VMM_FUZZ_RUN=$VMM_FUZZ_RUN"$'\n'* ]] && pids+=" $p"
  done
  [[ -n ${pids// /} ]] || return 0
  # shellcheck disable=SC2086
  end_pids 40 $pids
}

cmd_fuzz() {
  parse_fuzz_opts "$@"
  lock_out
  # every process this run starts inherits it: kill_tree tells the run's
  # orphans from other processes that name its folders by it
  export VMM_FUZZ_RUN="$$.${EPOCHREALTIME/./}"
  MAIN_PID=$$
  make_safe
  trap 'kill_tree; rm -rf "$SAFE"' EXIT
  local b0 t start round
  CLK_TCK=$(getconf CLK_TCK 2>/dev/null) && ((CLK_TCK > 0)) || CLK_TCK=100
  now; b0=$NOW
  log "building ($ENGINE)"
  build_libfuzzer            # replayers and minimizers, also for AFL
  [[ $ENGINE == afl ]] && build_afl
  now; BUILD_MS=$((NOW - b0)) start=$NOW
  fmt_s "$BUILD_MS"; log "build: $S s (not counted in --time)"
  rm -rf "$OUT/state" "$OUT/logs" "$OUT/new" "$OUT/sample" "$OUT/skip" "$OUT/afl" "$OUT/afl-in"
  mkdir -p "$OUT/state" "$OUT/logs" "$OUT/crashes" "$OUT/stats"
  for t in $TARGETS; do mkdir -p "$CORPUS/$t" "$OUT/work/$t" "$OUT/crashes/$t"; done
  recheck_bugs
  exec {SLEEP_FD}<> <(:)
  SLOT_PIDS=() STOP_S=0 PROGRESS_PID=""
  trap on_signal INT TERM
  if ((FOREVER)); then
    log "fuzzing $TARGETS until stopped (Ctrl-C or SIGTERM); merge and summary every $INTERVAL s; $JOBS slot(s)"
  else
    log "fuzzing $TARGETS for $TIME s on $JOBS slot(s), loading and merging included"
  fi
  progress & PROGRESS_PID=$!
  while :; do
    if ((FOREVER)); then round=$((INTERVAL * 1000)); else now; round=$((start + TIME * 1000 - NOW - 150)); fi
    run_round "$round"
    update_yields
    merge_pending "$start"
    ((FOREVER)) && [[ ! -f $OUT/state/.stop ]] || break
    summary "$start"
  done
  kill "$PROGRESS_PID" 2>/dev/null || true
  wait "$PROGRESS_PID" 2>/dev/null || true
  summary "$start"
  trap - INT TERM
  # A bug found now, or an earlier run's that still reproduces (recheck_bugs
  # moved the others to crashes/<t>/fixed/), fails the run.
  for t in $TARGETS; do
    for b in "$OUT/crashes/$t"/*/; do [[ -f $b/count ]] && return 1; done
  done
  # so does a fuzzer that could not fuzz (fuzz_once)
  [[ ! -s $OUT/state/failures ]]
}

# ---------------------------------------------------------------- repro
# repro_args FILE|DIR [TARGET]: checks the arguments, prints the absolute path.
# repro_dir_files DIR: the inputs repro replays from a folder, sorted (a bug
# folder's inputs only, not what take_crashes wrote beside them).
repro_dir_files() {
  find "$1" -type f ! -name '.*' ! -name count ! -name signature ! -name ops.txt \
    ! -name '*.log' | sort
}

repro_args() {
  (($# >= 1 && $# <= 2)) || die "usage: repro FILE|DIR [TARGET]"
  [[ $1 != -* ]] || die "unknown option: $1 (usage: repro FILE|DIR [TARGET])"
  # "" would become the current directory (abs): never what was meant
  [[ -n $1 ]] || die "repro takes a FILE or DIR, not an empty string"
  local path
  (($# < 2)) || known_targets "$2"   # before anything is built
  path=$(abs "$1")
  if [[ ! -e $path ]]; then
    echo "fuzz-main.sh: repro: $1: no such file or directory" >&2
    exit 1
  fi
  # a FIFO would block every replayer (300 s each, then a false "FAILED"),
  # a device never end: only regular files and directories are inputs
  if [[ ! -f $path && ! -d $path ]]; then
    echo "fuzz-main.sh: repro: $1: not a regular file or a directory" >&2
    exit 1
  fi
  # a folder with no input: said before anything is installed or built
  if [[ -d $path ]] && [[ -z $(repro_dir_files "$path" | head -1) ]]; then
    echo "fuzz-main.sh: repro: $1: no files in it" >&2
    exit 1
  fi
  # the replayers' bound (harness/replay_main.c, REPLAY_MAX_INPUT)
  if [[ -f $path ]] && (($(stat -c %s "$path") > 64 * 1024 * 1024)); then
    echo "fuzz-main.sh: repro: $1: larger than 64 MiB, not a fuzz input" >&2
    exit 1
  fi
  echo "$path"
}

# target_of <file>: the target named by the layouts this script writes
# (corpus/<t>/x, out/fuzz/crashes/<t>/..., work/, new/, sample/, afl/,
# afl-in/ <t>/...; the deepest one wins), else empty. Only there: a folder
# that merely happens to be called like a target (a clone in ~/vmm, a
# ~/pmm/crashes folder) names nothing, and the file is tried on every target.
target_of() {
  local t part prev="" found="" parts
  IFS=/ read -r -a parts <<<"$1"
  for part in "${parts[@]}"; do
    case $prev in
      corpus|crashes|work|new|sample|afl|afl-in)
        for t in $TARGETS; do [[ $part == "$t" ]] && found=$t; done ;;
    esac
    prev=$part
  done
  echo "$found"
}

# repro_one <file> [target] [brief]: replays one file with the op listing;
# tries every target when none is known. brief: a clean replay prints one
# line, without the listing. Returns 1 when a replay failed.
repro_one() {
  local file=$1 t=${2:-} rc=0
  [[ -n $t ]] || t=$(target_of "$file")
  if [[ -n $t && -n ${3:-} ]] && child timeout 300 "$(tbin "$LF" replay "$t")" "$file" >/dev/null 2>&1; then
    echo "RESULT: $file: no check failed, no sanitizer report (target $t)"
    return 0
  fi
  if [[ -n $t ]]; then
    log "replaying $file on target $t (ASan + UBSan)"
    child timeout 300 "$(tbin "$LF" replay "$t")" -v "$file" || rc=$?
    if ((rc == 0)); then echo "RESULT: $file: no check failed, no sanitizer report (target $t)"
    else echo "RESULT: $file: FAILED on target $t (exit $rc): the failed check is printed above, after the op listing"; fi
    return $((rc != 0))
  fi
  # No target in the path: the one(s) whose replayer fails on the file.
  local failing=()
  for t in $TARGETS; do
    child timeout 300 "$(tbin "$LF" replay "$t")" "$file" >/dev/null 2>&1 || failing+=("$t")
  done
  if ((${#failing[@]} == 0)); then
    echo "RESULT: $file replays clean on every target ($TARGETS): no check failed, no sanitizer report"
    return 0
  fi
  for t in "${failing[@]}"; do
    log "$file fails on target $t: replaying with the op listing (ASan + UBSan)"
    rc=0
    child timeout 300 "$(tbin "$LF" replay "$t")" -v "$file" || rc=$?
    echo "RESULT: $file: FAILED on target $t (exit $rc): the failed check is printed above, after the op listing"
  done
  return 1
}

cmd_repro() {
  local path t=${2:-} status=0 f
  path=$(repro_args "$@")
  local saved=$TARGETS
  build_libfuzzer
  if [[ -n $t ]]; then
    [[ " $TARGETS " == *" $t "* ]] || die "unknown target '$t' (targets: $TARGETS)"
  fi
  TARGETS=${saved:-$TARGETS}
  if [[ -d $path ]]; then
    local files=()
    mapfile -t files < <(repro_dir_files "$path")
    ((${#files[@]})) || { echo "repro: $path: no files in it" >&2; return 1; }
    for f in "${files[@]}"; do repro_one "$f" "$t" brief || status=1; done
    echo "replayed ${#files[@]} file(s) from $path: $([[ $status == 0 ]] && echo 'no failure' || echo 'FAILURES above')"
  else
    repro_one "$path" "$t" || status=1
  fi
  return $status
}

# ---------------------------------------------------------------- corpus tools
cmd_cov() {
  command -v llvm-cov-14 >/dev/null || die "llvm-cov-14 missing (apt-get install llvm-14)"
  log "building with source-based coverage"
  configure "$BUILD_COV" "$CC_CLANG" none "$WARN -O0 -g -fprofile-instr-generate -fcoverage-mapping"
  local t list=() bins=() profs=()
  pick_targets "$BUILD_COV"
  for t in $TARGETS; do list+=("replay_$t"); done
  cmake --build "$BUILD_COV" -j"$JOBS" --target "${list[@]}" >"$BUILD_COV.build.log" 2>&1 \
    || { tail -30 "$BUILD_COV.build.log" >&2; fail "coverage build failed"; }
  rm -rf "$OUT/cov" && mkdir -p "$OUT/cov/prof"
  for t in $TARGETS; do
    LLVM_PROFILE_FILE="$OUT/cov/prof/$t.profraw" "$(tbin "$BUILD_COV" replay "$t")" "$CORPUS/$t" \
      >/dev/null 2>"$OUT/cov/$t.log" || echo "warning: replay of corpus/$t failed (see $OUT/cov/$t.log)"
    bins+=(-object "$(tbin "$BUILD_COV" replay "$t")")
    profs+=("$OUT/cov/prof/$t.profraw")
  done
  llvm-profdata-14 merge -sparse "${profs[@]}" -o "$OUT/cov/all.profdata"
  local srcs=("$ROOT"/core/*.c "$ROOT"/core/x86_64/*.c)
  llvm-cov-14 show -format=html -output-dir="$OUT/cov/html" -instr-profile="$OUT/cov/all.profdata" \
    -show-branches=count "${bins[@]:1}" "${srcs[@]}" >/dev/null
  llvm-cov-14 report -instr-profile="$OUT/cov/all.profdata" "${bins[@]:1}" "${srcs[@]}" \
    | tee "$OUT/cov/report.txt"
  awk '/^TOTAL/ { printf "core/ coverage from corpus/: lines %s, branches %s, functions %s\n", $10, $13, $7 }' \
    "$OUT/cov/report.txt"
  echo "HTML report: $OUT/cov/html/index.html"
}

cmd_minimize() {
  lock_corpus
  make_safe
  trap 'rm -rf "$SAFE"' EXIT
  build_libfuzzer
  local t
  for t in $TARGETS; do
    local tmp before after
    tmp=$(mktemp -d)
    before=$(count_files "$CORPUS/$t")
    # Named files (generated seeds) stay; merged inputs (named by their
    # SHA-1) stay only when they reach edges the others do not.
    local merged=$tmp/merged
    mkdir -p "$tmp/keep" "$merged"
    # (find's default regex type has no {40}: posix-extended)
    local re=(-regextype posix-extended) sha='.*/[0-9a-f]{40}'
    find "$CORPUS/$t" "${re[@]}" -maxdepth 1 -type f ! -regex "$sha" -exec cp {} "$tmp/keep/" \;
    find "$CORPUS/$t" "${re[@]}" -maxdepth 1 -type f -regex "$sha" -exec cp {} "$merged/" \;
    ASAN_OPTIONS=$MERGE_ASAN_OPTIONS "$(nospace "$(tbin "$LF" fuzz "$t")")" -merge=1 -use_counters=0 \
      -max_len="$MAX_LEN" "$tmp/keep" "$merged" >"$OUT/minimize-$t.log" 2>&1 \
      || fail "merge of $t failed ($OUT/minimize-$t.log)"
    find "$CORPUS/$t" "${re[@]}" -maxdepth 1 -type f -regex "$sha" -delete
    find "$tmp/keep" "${re[@]}" -type f -regex "$sha" -exec cp {} "$CORPUS/$t/" \;
    rm -rf "$tmp"
    after=$(count_files "$CORPUS/$t")
    echo "$t: $before -> $after inputs"
  done
}

cmd_gen() {
  build_libfuzzer
  "$BUILD_LF/harness/fuzz_gen_corpus" "$CORPUS"
  echo "seeds and dictionaries written to $CORPUS"
}

if [[ -n $PREBUILT ]]; then  # VMM_FUZZ_PREBUILT: the same check as --prebuilt
  PREBUILT=$(abs "$PREBUILT"); LF=$PREBUILT
  [[ -f $PREBUILT/fuzz-targets.txt ]] || die "VMM_FUZZ_PREBUILT=$PREBUILT: no fuzz-targets.txt there (configure that build first)"
fi
cmd=${1:-fuzz}
[[ $# -gt 0 ]] && shift
case $cmd in
  needs) cmd_needs "$@" ;;
  fuzz) cmd_fuzz "$@" ;;
  repro) cmd_repro "$@" ;;
  cov) corpus_opt cov "$@"; mkdir -p "$OUT"; cmd_cov ;;
  minimize) corpus_opt minimize "$@"; mkdir -p "$OUT"; cmd_minimize ;;
  gen) cmd_gen ;;
  *) die "unknown command: $cmd (fuzz, repro, cov, minimize, gen, needs)" ;;
esac
