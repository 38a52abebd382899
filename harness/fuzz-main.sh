#!/usr/bin/env bash
# fuzz-main.sh - the fuzzing job behind ./fuzz.sh (which installs packages
# first and exports VMM_ROOT).
#   fuzz-main.sh fuzz [--time S] [--engine libfuzzer|afl] [--targets "a b"]
#       build, fuzz every target on all cores for S seconds in total (default
#       240), live progress, summary table, merge new coverage into corpus/,
#       save each crash with a minimized reproducer and its op listing.
#       Exits 1 when a crash was found.
#   fuzz-main.sh repro FILE [TARGET]   replay FILE under ASan+UBSan, op listing
#   fuzz-main.sh cov                   core/ coverage of corpus/ (HTML + totals)
#   fuzz-main.sh minimize              shrink corpus/<t> to inputs that add coverage
#   fuzz-main.sh gen                   rewrite the generated seeds and dictionaries
# Build dirs: build/fuzz-*; results: out/fuzz/ (crashes/, logs/, cov/).
set -euo pipefail
ROOT=${VMM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
OUT=$ROOT/out/fuzz
CORPUS=$ROOT/corpus
CC_CLANG=${VMM_FUZZ_CC:-clang-14}
WARN="-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
BUILD_LF=$ROOT/build/fuzz-libfuzzer
BUILD_AFL=$ROOT/build/fuzz-afl
BUILD_CMPLOG=$ROOT/build/fuzz-afl-cmplog
BUILD_COV=$ROOT/build/fuzz-cov
JOBS=$(nproc)
MAX_LEN=2048          # bytes per input: 64-op programs need ~600
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }
die() { echo "fuzz-main.sh: $*" >&2; exit 2; }

# configure <dir> <cc> <engine> <cflags>: a preset-free configure of the repo.
configure() {
  local dir=$1 cc=$2 engine=$3 cflags=$4
  cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_C_FLAGS="$cflags" -DVMM_FUZZ_ENGINE="$engine" >"$dir.configure.log" 2>&1 \
    || { cat "$dir.configure.log" >&2; die "configure of $dir failed"; }
}

# bin <build dir> <name>: path of a fuzz binary (harness/, or another part
# that offers a target, e.g. emu/).
bin() {
  if [[ -x $1/harness/$2 ]]; then echo "$1/harness/$2"; return; fi
  find "$1" -maxdepth 3 -type f -name "$2" -perm -u+x 2>/dev/null | head -1
}

# built_targets <dir>: the fuzz targets the harness CMakeLists built there.
built_targets() {
  sed -n 's/^VMM_FUZZ_BUILT:INTERNAL=//p' "$1/CMakeCache.txt" | tr ';' ' '
}

# build_libfuzzer: fuzz_<t> (libFuzzer) and replay_<t> (ASan+UBSan) binaries.
build_libfuzzer() {
  mkdir -p "$ROOT/build"
  configure "$BUILD_LF" "$CC_CLANG" libfuzzer "$WARN -O1 -g $SAN"
  TARGETS=${TARGETS:-$(built_targets "$BUILD_LF")}
  local t list=(fuzz_gen_corpus)
  for t in $TARGETS; do list+=("fuzz_$t" "replay_$t"); done
  cmake --build "$BUILD_LF" -j"$JOBS" --target "${list[@]}" >"$BUILD_LF.build.log" 2>&1 \
    || { tail -40 "$BUILD_LF.build.log" >&2; die "build failed (log: $BUILD_LF.build.log)"; }
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
        || { tail -40 "$dir.build.log" >&2; die "AFL build failed (log: $dir.build.log)"; }
    )
  done
}

# ---------------------------------------------------------------- progress
# lf_stats <log>: "execs exec/s cov ft corp" from libFuzzer's last status line.
lf_stats() {
  awk '/^#[0-9]+/ {
         n=substr($1,2); cov=ft=eps=corp="-";
         for (i=2;i<=NF;i++) { if ($i=="cov:") cov=$(i+1); if ($i=="ft:") ft=$(i+1);
                               if ($i=="exec/s:") eps=$(i+1); if ($i=="corp:") corp=$(i+1) }
         last=n" "eps" "cov" "ft" "corp }
       /^stat::average_exec_per_sec:/ { avg=$2 }
       END { if (last=="") last="0 - - - -";
             if (avg!="") { split(last,a," "); last=a[1]" "avg" "a[3]" "a[4]" "a[5] }
             print last }' "$1" 2>/dev/null || echo "0 - - - -"
}

# afl_stats <outdir>: the same columns summed over AFL++ instances.
afl_stats() {
  local f execs=0 eps=0 cov="-" paths=0
  for f in "$1"/*/fuzzer_stats; do
    [[ -f $f ]] || continue
    execs=$((execs + $(awk -F: '/^execs_done/ {gsub(/ /,"",$2); print $2}' "$f")))
    eps=$(awk -v a="$eps" -F: '/^execs_per_sec/ {gsub(/ /,"",$2); printf "%d", a+$2}' "$f")
    cov=$(awk -F: '/^bitmap_cvg/ {gsub(/ /,"",$2); print $2}' "$f")
    paths=$((paths + $(awk -F: '/^corpus_count/ {gsub(/ /,"",$2); print $2}' "$f")))
  done
  echo "$execs $eps $cov - $paths"
}

# crash_count <target>
crash_count() {
  local n=0
  if [[ $ENGINE == afl ]]; then
    n=$(find "$OUT/afl/$1" -path '*/crashes/id:*' 2>/dev/null | wc -l)
  else
    n=$(find "$OUT/crashes/$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) 2>/dev/null | wc -l)
  fi
  echo "$n"
}

# stats_of <target>: the progress columns of one target.
stats_of() {
  if [[ $ENGINE == afl ]]; then afl_stats "$OUT/afl/$1"; else lf_stats "$OUT/logs/$1.log"; fi
}

# table [final]: the per-target table (execs, exec/s, coverage, crashes).
table() {
  printf '%-10s %12s %9s %8s %8s %10s %8s  %s\n' target execs exec/s cov ft corpus crashes state
  local t
  for t in $TARGETS; do
    local s state=waiting
    read -r -a s <<<"$(stats_of "$t")"
    [[ -f $OUT/state/$t ]] && state=$(cat "$OUT/state/$t")
    printf '%-10s %12s %9s %8s %8s %10s %8s  %s\n' "$t" "${s[0]}" "${s[1]}" "${s[2]}" "${s[3]}" \
      "${s[4]}" "$(crash_count "$t")" "$state"
  done
}

# progress_loop: redraws the table every 2 s on a terminal, else prints
# plain lines every 10 s, until the file $OUT/state/.done exists.
progress_loop() {
  local start=$SECONDS lines=$(( $(wc -w <<<"$TARGETS") + 1 )) drawn=0
  while [[ ! -f $OUT/state/.done ]]; do
    if [[ -t 1 ]]; then
      ((drawn)) && printf '\033[%dA' "$((lines + 1))"
      printf '\033[K[%4ds of %ss, engine %s]\n' "$((SECONDS - start))" "$TIME" "$ENGINE"
      table | sed 's/^/\x1b[K/'
      drawn=1
      sleep 2
    else
      table | tail -n +2 | sed "s/^/[$((SECONDS - start))s] /"
      sleep 10
    fi
  done
}

# ---------------------------------------------------------------- engines
# run_libfuzzer <target> <seconds>
run_libfuzzer() {
  local t=$1 secs=$2 work=$OUT/work/$1
  mkdir -p "$work" "$OUT/crashes/$t" "$CORPUS/$t"
  echo running >"$OUT/state/$t"
  local dict=()
  [[ -f $CORPUS/$t.dict ]] && dict=(-dict="$CORPUS/$t.dict")
  "$(bin "$BUILD_LF" fuzz_$t)" -max_total_time="$secs" -print_final_stats=1 -max_len=$MAX_LEN \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$OUT/crashes/$t/" "${dict[@]}" \
    "$work" "$CORPUS/$t" >"$OUT/logs/$t.log" 2>&1 || true
  echo done >"$OUT/state/$t"
}

# afl_env: the environment AFL++ wants (sanitizers abort, no symbolizing).
afl_env() {
  export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
         AFL_NO_AFFINITY=1 AFL_IMPORT_FIRST=1 AFL_QUIET=1
  export ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0
  export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:symbolize=0
}

# run_afl <target> <seconds>: a -M main instance plus -S secondaries (the
# first one with the CMPLOG binary) on the other cores.
run_afl() {
  local t=$1 secs=$2 out=$OUT/afl/$1 i pids=()
  mkdir -p "$out"
  echo running >"$OUT/state/$t"
  local dict=()
  [[ -f $CORPUS/$t.dict ]] && dict=(-x "$CORPUS/$t.dict")
  afl_env
  for ((i = 0; i < JOBS; i++)); do
    local role=(-M main) extra=()
    ((i > 0)) && role=(-S "sec$i")
    ((i == 1)) && extra=(-c "$(bin "$BUILD_CMPLOG" afl_$t)")
    afl-fuzz "${role[@]}" "${extra[@]}" -i "$CORPUS/$t" -o "$out" -V "$secs" -m none -t 2000 \
      -G $MAX_LEN "${dict[@]}" -- "$(bin "$BUILD_AFL" afl_$t)" >"$OUT/logs/$t.afl$i.log" 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}" || true
  echo done >"$OUT/state/$t"
}

# merge_new <target>: add the inputs that increase coverage to corpus/<t>.
merge_new() {
  local t=$1 before after
  before=$(find "$CORPUS/$t" -type f | wc -l)
  if [[ $ENGINE == afl ]]; then
    local tmp=$OUT/cmin-$t   # afl-cmin refuses to work under /tmp
    rm -rf "$tmp" && mkdir -p "$tmp/in"
    find "$OUT/afl/$t" -path '*/queue/id:*' -type f -exec cp {} "$tmp/in/" \; 2>/dev/null || true
    # afl-cmin shrinks AFL's queues; libFuzzer's merge then adds only the
    # inputs that reach edges corpus/ does not (same rule as libFuzzer runs).
    ( afl_env
      AFL_SKIP_BIN_CHECK=1 afl-cmin -i "$tmp/in" -o "$tmp/min" -m none -t 2000 -- \
        "$(bin "$BUILD_AFL" afl_$t)" ) >"$OUT/logs/$t.cmin.log" 2>&1 || true
    [[ -d $tmp/min ]] && "$(bin "$BUILD_LF" fuzz_$t)" -merge=1 -use_counters=0 -max_len=$MAX_LEN \
      "$CORPUS/$t" "$tmp/min" >"$OUT/logs/$t.merge.log" 2>&1 || true
    rm -rf "$tmp"
  else
    # -use_counters=0: only inputs that reach new edges (not new hit counts).
    "$(bin "$BUILD_LF" fuzz_$t)" -merge=1 -use_counters=0 -max_len=$MAX_LEN "$CORPUS/$t" "$OUT/work/$t" \
      >"$OUT/logs/$t.merge.log" 2>&1 || true
  fi
  after=$(find "$CORPUS/$t" -type f | wc -l)
  echo $((after - before))
}

# save_crashes <target>: minimize each crash, write its op listing.
save_crashes() {
  local t=$1 f files=()
  if [[ $ENGINE == afl ]]; then
    mapfile -t files < <(find "$OUT/afl/$t" -path '*/crashes/id:*' -type f 2>/dev/null)
  else
    mapfile -t files < <(find "$OUT/crashes/$t" -maxdepth 1 -type f \
      \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) 2>/dev/null)
  fi
  for f in "${files[@]}"; do
    local id dir
    id=$(sha1sum "$f" | cut -c1-12)
    dir=$OUT/crashes/$t/$id
    [[ -d $dir ]] && continue
    mkdir -p "$dir"
    cp "$f" "$dir/input"
    if [[ -x $(bin "$BUILD_LF" fuzz_$t) ]]; then
      "$(bin "$BUILD_LF" fuzz_$t)" -minimize_crash=1 -runs=5000 -max_total_time=30 \
        -exact_artifact_path="$dir/minimized" "$dir/input" >"$dir/minimize.log" 2>&1 || true
    elif command -v afl-tmin >/dev/null; then
      afl-tmin -i "$dir/input" -o "$dir/minimized" -m none -- "$(bin "$BUILD_AFL" afl_$t)" \
        >"$dir/minimize.log" 2>&1 || true
    fi
    [[ -s $dir/minimized ]] || cp "$dir/input" "$dir/minimized"
    "$(bin "$BUILD_LF" replay_$t)" -v "$dir/minimized" >"$dir/ops.txt" 2>&1 || true
    echo "$dir"
  done
}

# ---------------------------------------------------------------- commands
cmd_fuzz() {
  TIME=240 ENGINE=libfuzzer TARGETS=${VMM_FUZZ_TARGETS:-}
  while (($#)); do
    case $1 in
      --time) TIME=$2; shift 2 ;;
      --time=*) TIME=${1#*=}; shift ;;
      --engine) ENGINE=$2; shift 2 ;;
      --engine=*) ENGINE=${1#*=}; shift ;;
      --targets) TARGETS=$2; shift 2 ;;
      *) die "unknown option $1 (fuzz [--time S] [--engine libfuzzer|afl] [--targets \"a b\"])" ;;
    esac
  done
  [[ $TIME =~ ^[0-9]+$ && $TIME -ge 4 ]] || die "--time takes seconds (>= 4)"
  [[ $ENGINE == libfuzzer || $ENGINE == afl ]] || die "--engine is libfuzzer or afl"
  log "building ($ENGINE)"
  build_libfuzzer            # replayers and minimizers, also for AFL
  [[ $ENGINE == afl ]] && build_afl
  [[ -n $TARGETS ]] || die "no fuzz target is built yet"
  rm -rf "$OUT/state" "$OUT/logs" "$OUT/work" "$OUT/afl"
  mkdir -p "$OUT/state" "$OUT/logs" "$OUT/crashes"
  local ntargets rounds per slots
  ntargets=$(wc -w <<<"$TARGETS")
  if [[ $ENGINE == afl ]]; then slots=1; else slots=$JOBS; fi   # AFL: all cores per target
  rounds=$(( (ntargets + slots - 1) / slots ))
  per=$(( TIME / rounds )); ((per >= 2)) || per=2
  log "fuzzing $TARGETS: $rounds round(s) of ${per}s on $JOBS core(s)"
  progress_loop &
  local progress_pid=$! t running=0 pids=()
  for t in $TARGETS; do
    if [[ $ENGINE == afl ]]; then run_afl "$t" "$per" & else run_libfuzzer "$t" "$per" & fi
    pids+=($!)
    running=$((running + 1))
    if ((running >= slots)); then wait "${pids[@]}"; pids=(); running=0; fi
  done
  ((${#pids[@]})) && wait "${pids[@]}"
  touch "$OUT/state/.done"
  wait "$progress_pid" 2>/dev/null || true
  log "merging coverage-increasing inputs into corpus/"
  local merged=() crashes=0 saved=()
  for t in $TARGETS; do
    merged+=("$t +$(merge_new "$t")")
    mapfile -t -O "${#saved[@]}" saved < <(save_crashes "$t")
  done
  echo
  echo "Summary (engine $ENGINE, ${per}s per target; exec/s = average)"
  table | sed 's/ state$//; s/ done$//'
  printf 'new corpus inputs: %s\n' "${merged[*]}"
  crashes=${#saved[@]}
  if ((crashes)); then
    echo "CRASHES ($crashes new), each with input, minimized, ops.txt (op listing + failed check):"
    local d
    for d in "${saved[@]}"; do
      echo "  $d"
      grep -m1 -E 'FUZZ CHECK FAILED|ERROR: (Address|Undefined|Leak)Sanitizer|runtime error' "$d/ops.txt" \
        | sed 's/^/    /' || true
    done
    echo "Reproduce: ./fuzz.sh repro <dir>/minimized   (see harness/REPRODUCING.md)"
    return 1
  fi
  # A crash already saved in an earlier run is still a crash.
  for t in $TARGETS; do
    [[ $(crash_count "$t") -eq 0 ]] || { echo "crash files remain in $OUT/crashes/$t"; return 1; }
  done
  echo "no crashes"
}

# target_of <file>: the target named by a path component (corpus/vmm/x,
# out/fuzz/crashes/vmm/...), else empty.
target_of() {
  local t part
  IFS=/ read -r -a parts <<<"$1"
  for part in "${parts[@]}"; do
    for t in bitmap hbitmap pmm paging vmm boot_init emu; do [[ $part == "$t" ]] && { echo "$t"; return; }; done
  done
}

cmd_repro() {
  local file=${1:-} t=${2:-}
  [[ -n $file && -f $file ]] || die "usage: repro FILE [TARGET]"
  file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
  [[ -n $t ]] || t=$(target_of "$file")
  [[ -n $t ]] || die "cannot tell the target from the path; give it: repro FILE bitmap|hbitmap|pmm|paging|vmm|boot_init|emu"
  TARGETS=$t build_libfuzzer
  log "replaying $file on target $t (ASan + UBSan)"
  local rc=0
  "$(bin "$BUILD_LF" replay_$t)" -v "$file" || rc=$?
  if ((rc == 0)); then echo "RESULT: no check failed, no sanitizer report"; else
    echo "RESULT: FAILED (exit $rc): the failed check is printed above, after the op listing"; fi
  return "$rc"
}

cmd_cov() {
  command -v llvm-cov-14 >/dev/null || die "llvm-cov-14 missing (apt-get install llvm-14)"
  log "building with source-based coverage"
  configure "$BUILD_COV" "$CC_CLANG" none "$WARN -O0 -g -fprofile-instr-generate -fcoverage-mapping"
  local t list=() bins=() profs=()
  TARGETS=$(built_targets "$BUILD_COV")
  for t in $TARGETS; do list+=("replay_$t"); done
  cmake --build "$BUILD_COV" -j"$JOBS" --target "${list[@]}" >"$BUILD_COV.build.log" 2>&1 \
    || { tail -30 "$BUILD_COV.build.log" >&2; die "coverage build failed"; }
  rm -rf "$OUT/cov" && mkdir -p "$OUT/cov/prof"
  for t in $TARGETS; do
    LLVM_PROFILE_FILE="$OUT/cov/prof/$t.profraw" "$(bin "$BUILD_COV" replay_$t)" "$CORPUS/$t" \
      >/dev/null 2>"$OUT/cov/$t.log" || echo "warning: replay of corpus/$t failed (see $OUT/cov/$t.log)"
    bins+=(-object "$(bin "$BUILD_COV" replay_$t)")
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
  build_libfuzzer
  local t
  for t in $TARGETS; do
    local tmp before after
    tmp=$(mktemp -d)
    before=$(find "$CORPUS/$t" -type f | wc -l)
    # Named files (generated seeds) stay; merged inputs (named by their
    # SHA-1) stay only when they reach edges the others do not.
    local merged=$tmp/merged
    mkdir -p "$tmp/keep" "$merged"
    find "$CORPUS/$t" -maxdepth 1 -type f ! -regex '.*/[0-9a-f]\{40\}' -exec cp {} "$tmp/keep/" \;
    find "$CORPUS/$t" -maxdepth 1 -type f -regex '.*/[0-9a-f]\{40\}' -exec cp {} "$merged/" \;
    "$(bin "$BUILD_LF" fuzz_$t)" -merge=1 -use_counters=0 -max_len=$MAX_LEN "$tmp/keep" "$merged" \
      >"$OUT/minimize-$t.log" 2>&1 || die "merge of $t failed ($OUT/minimize-$t.log)"
    find "$CORPUS/$t" -maxdepth 1 -type f -regex '.*/[0-9a-f]\{40\}' -delete
    find "$tmp/keep" -type f -regex '.*/[0-9a-f]\{40\}' -exec cp {} "$CORPUS/$t/" \;
    rm -rf "$tmp"
    after=$(find "$CORPUS/$t" -type f | wc -l)
    echo "$t: $before -> $after inputs"
  done
}

cmd_gen() {
  build_libfuzzer
  "$(bin "$BUILD_LF" fuzz_gen_corpus)" "$CORPUS"
  echo "seeds and dictionaries written to $CORPUS"
}

mkdir -p "$OUT"
cmd=${1:-fuzz}
[[ $# -gt 0 ]] && shift
case $cmd in
  fuzz) cmd_fuzz "$@" ;;
  repro) cmd_repro "$@" ;;
  cov) cmd_cov ;;
  minimize) cmd_minimize ;;
  gen) cmd_gen ;;
  *) die "unknown subcommand $cmd (fuzz, repro, cov, minimize, gen)" ;;
esac
