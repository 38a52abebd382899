#!/usr/bin/env bash
# run.sh - `./fuzz.sh bench`: builds the release preset, runs vmm_bench (the
# core's figures against baselines measured in the same run), then the other
# parts' figures where those parts exist, and prints one Markdown table.
# The table (with date and machine) is also written to build/bench/latest.md.
#
#   bench/run.sh [--quick]    --quick: windows up to 2^20, 2 s fuzz runs
#
# Exit 1 when a cross-check of vmm_bench failed; a failing part is shown in
# its row. Whole run: about 15 minutes on 2 cores, 8 of them the fuzz rows
# (each target fuzzed 60 s on one core, issue 13); --quick: about 2.
set -euo pipefail
ROOT=${VMM_ROOT:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)}
REL=$ROOT/build/bench-release      # gcc -O2: the core's figures
FUZZB=$ROOT/build/bench-fuzz       # clang ASan+UBSan: the fuzzers as they run
OUT=$ROOT/build/bench
JOBS=2
MAX_LOG2=24
FUZZ_SECONDS=60       # every fuzz row: a >= 60 s average (issue 13)
EMU_FUZZ_SECONDS=60
EMPTY_FUZZ_SECONDS=10 # the empty target's rate is steady after a second
BENCH_FUZZ_SEED=${BENCH_FUZZ_SEED:-1} # libFuzzer -seed of every fuzz row (fuzz_rate)
PROVE_TIMEOUT=1500    # the warm run (every goal derived) takes about 900 s on 2 cores (proofs/RESULTS.md)
QUICK=0
CONTIG_PROCS=5        # fresh processes per contiguous group; a row is the median one (median-rows.sh)
[[ ${1:-} == --quick ]] && { MAX_LOG2=20; FUZZ_SECONDS=2; EMU_FUZZ_SECONDS=2; EMPTY_FUZZ_SECONDS=2; CONTIG_PROCS=1; QUICK=1; }

mkdir -p "$OUT"
ROWS=$OUT/rows.md
: >"$ROWS"

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

# row FIGURE CORE BASELINE RATIO NOTE: appends one table row.
row() { printf '| %s | %s | %s | %s | %s |\n' "$@" >>"$ROWS"; }

# now: seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }

# ratio A B [FMT]: A / B, "-" when B is zero or missing.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0 || a + 0 == 0) { print "-"; exit }
    r = a / b; if (r >= 100) printf "%.0fx\n", r; else if (r >= 0.01) printf "%.2fx\n", r;
    else printf "1/%.0f\n", 1 / r }'
}

# secs START END: elapsed seconds with two decimals.
secs() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.2f\n", e - s }'; }

# configure_build DIR PRESET TARGET...: configures DIR from PRESET (quietly)
# and builds the targets that exist; false when configuring fails.
configure_build() {
  local dir=$1 preset=$2; shift 2
  cmake --preset "$preset" -S "$ROOT" -B "$dir" >"$dir.log" 2>&1 || return 1
  local t
  for t in "$@"; do
    cmake --build "$dir" -j"$JOBS" --target "$t" >>"$dir.log" 2>&1 || return 1
  done
}

# The core: vmm_bench in the release build, and vmm_bench_emu when built.
core_figures() {
  log "vmm_bench (release build)"
  mkdir -p "$REL"
  if ! configure_build "$REL" release vmm_bench; then
    row "core figures" "build failed" "-" "-" "see $REL.log"
    return 1
  fi
  local rc=0 g p files
  # The contiguous groups: one process draws its 2^24 figures from a wide
  # range (where its memory landed), so each group runs in CONTIG_PROCS
  # fresh processes and every row is the median process's. Then one process
  # runs every other group.
  for g in contig vmm; do
    files=()
    for ((p = 1; p <= CONTIG_PROCS; p++)); do
      "$REL/bench/vmm_bench" --max-log2 "$MAX_LOG2" --only "$g" >"$OUT/$g.$p.md" || rc=$?
      files+=("$OUT/$g.$p.md")
    done
    "$ROOT/bench/median-rows.sh" "${files[@]}" >>"$ROWS" || rc=$?
  done
  "$REL/bench/vmm_bench" --max-log2 "$MAX_LOG2" --skip contig --skip vmm >>"$ROWS" || rc=$?
  return $rc
}

# icount WHAT LOG2: instructions per operation of one allocator over
# ICOUNT_ITERS iterations on the 2^LOG2 window (callgrind, inside contig_run
# only: load-independent, unlike the times).
ICOUNT_ITERS=500
icount() {
  local out
  out=$(valgrind --tool=callgrind --toggle-collect=contig_run --callgrind-out-file=/dev/null \
        "$REL/bench/vmm_bench" --icount "$1" "$2" "$ICOUNT_ITERS" 2>&1) || { echo failed; return; }
  # a count only from a run that reported one (a valgrind that printed
  # nothing it could count is a failed measurement, not 0 instructions)
  awk -v it="$ICOUNT_ITERS" '/Collected :/ && $NF > 0 { c = $NF }
    END { if (c == "") print "failed"; else printf "%.0f\n", c / (2 * it) }' <<<"$out"
}

# The contiguous-allocation goals in instructions per operation.
icount_figures() {
  log "instruction counts (callgrind)"
  if ! command -v valgrind >/dev/null; then
    row "instructions/op (callgrind)" "skipped" "-" "-" "valgrind missing"
    return 0
  fi
  local lo=16 hi=$MAX_LOG2 w
  local -A n
  for w in pluto next first hbitmap reserve; do
    n[$w,$lo]=$(icount "$w" "$lo"); n[$w,$hi]=$(icount "$w" "$hi")
  done
  local label k
  for k in "${!n[@]}"; do
    if [[ ${n[$k]} == failed ]]; then
      row "instructions/op (callgrind)" "FAILED" "-" "-" "valgrind ran but counted nothing (vmm_bench --icount ${k%,*} ${k#*,}): no figure"
      return 1
    fi
  done
  for w in next first hbitmap reserve; do
    case $w in
      next) label="bitmap alloc+free, next fit" ;;
      first) label="bitmap alloc+free, first fit" ;;
      hbitmap) label="hbitmap alloc+free, first fit" ;;
      reserve) label="vmm_reserve+vmm_release" ;;
    esac
    row "$label, 2^$hi pages, instructions" "${n[$w,$hi]} instr/op" \
        "Pluto setContiguous ${n[pluto,$hi]} instr/op" "$(ratio "${n[pluto,$hi]}" "${n[$w,$hi]}")" \
        "callgrind, $ICOUNT_ITERS allocs; goal >= 1000x"
    row "$label, instructions growth 2^$lo -> 2^$hi" "$(ratio "${n[$w,$hi]}" "${n[$w,$lo]}")" \
        "Pluto $(ratio "${n[pluto,$hi]}" "${n[pluto,$lo]}")" "-" "goal <= 2x"
  done
}

# Unicorn: checked translations per second (bench/bench_emu.c).
emu_figures() {
  log "Unicorn checked translations"
  local targets
  targets=$(cmake --build "$REL" --target help 2>/dev/null || true)
  if ! grep -qw vmm_bench_emu <<<"$targets"; then
    row "Unicorn checked translations/s" "not built yet" "-" "-" \
        "needs emu/ and Unicorn 2.1.4 (./fuzz.sh deps)"
    return 0
  fi
  if ! cmake --build "$REL" -j"$JOBS" --target vmm_bench_emu >>"$REL.log" 2>&1; then
    row "Unicorn checked translations/s" "build failed" "-" "-" "see $REL.log"
    return 0
  fi
  "$REL/bench/vmm_bench_emu" >>"$ROWS" ||
    row "Unicorn checked translations/s" "failed" "-" "-" "vmm_bench_emu exit $?"
}

# libFuzzer: exec/s of every fuzz target, one at a time (one core each),
# from its committed corpus with the -max_len and dictionary ./fuzz.sh gives
# it, against an empty target built with the same flags (the engine's own
# ceiling). Each row says how long it ran and the load; the exec/s per
# CPU-second (user + system) is what one core gives when others load it.
fuzz_figures() {
  log "fuzz exec/s (${FUZZ_SECONDS}s per target, emu ${EMU_FUZZ_SECONDS}s, empty ${EMPTY_FUZZ_SECONDS}s)"
  if [[ ! -f $ROOT/harness/CMakeLists.txt ]]; then
    row "fuzz exec/s" "not built yet" "-" "-" "harness/ missing"
    return 0
  fi
  mkdir -p "$FUZZB"
  if ! configure_build "$FUZZB" asan-ubsan bench_empty_fuzz; then
    row "fuzz exec/s" "not built yet" "-" "-" "no libFuzzer build (see $FUZZB.log)"
    return 0
  fi
  local empty empty_cpu targets t gen=$FUZZB/harness/fuzz_gen_corpus
  cmake --build "$FUZZB" -j"$JOBS" --target fuzz_gen_corpus >>"$FUZZB.log" 2>&1 || true
  read -r empty _ _ empty_cpu < <(fuzz_rate "$FUZZB/bench/bench_empty_fuzz" "" "$EMPTY_FUZZ_SECONDS")
  targets=$(sed -n 's/^VMM_FUZZ_BUILT:INTERNAL=//p' "$FUZZB/CMakeCache.txt" | tr ';' ' ')
  [[ -n $targets ]] || { row "fuzz exec/s" "not built yet" "-" "-" "no fuzz target built"; return 0; }
  for t in $targets; do
    if ! cmake --build "$FUZZB" -j"$JOBS" --target "fuzz_$t" >>"$FUZZB.log" 2>&1; then
      row "fuzz exec/s, $t" "build failed" "-" "-" "see $FUZZB.log"
      continue
    fi
    local rate note bin
    bin=$(find "$FUZZB" -name "fuzz_$t" -type f -perm -u+x -not -path '*/CMakeFiles/*' | head -1)
    if [[ -z $bin ]]; then
      row "fuzz exec/s, $t" "not built" "-" "-" "no fuzz_$t binary in $FUZZB"
      continue
    fi
    local secs=$FUZZ_SECONDS maxlen load0 ran cpu_rate
    [[ $t == emu ]] && secs=$EMU_FUZZ_SECONDS
    # the input bound ./fuzz.sh uses (harness/fuzz-main.sh max_len)
    maxlen=$("$gen" --max-len "$t" 2>/dev/null) || maxlen=2048
    [[ $maxlen =~ ^[0-9]+$ ]] || maxlen=2048
    load0=$(cut -d' ' -f1 /proc/loadavg)
    read -r rate note ran cpu_rate < <(fuzz_rate "$bin" "$ROOT/corpus/$t" "$secs" "$maxlen")
    [[ $note == ok ]] &&
      note="${ran}s from corpus/$t (-max_len=$maxlen, -seed=$BENCH_FUZZ_SEED), load $load0..$(cut -d' ' -f1 /proc/loadavg), $cpu_rate exec per CPU-second; empty target ${EMPTY_FUZZ_SECONDS}s" ||
      note="run stopped on a crash after ${ran}s: run ./fuzz.sh with this target"
    row "fuzz exec/s, $t (libFuzzer, ASan+UBSan)" "$rate exec/s" \
        "empty target $empty exec/s ($empty_cpu per CPU-second)" "$(ratio "$rate" "$empty")" "$note"
  done
}

# fuzz_rate BINARY CORPUS [SECONDS [MAX_LEN]]: prints "EXEC_PER_S NOTE RAN
# EXEC_PER_CPU_S" for a run of SECONDS (default FUZZ_SECONDS) from CORPUS
# with its dictionary (CORPUS.dict) when there is one. RAN: the seconds it
# ran, loading the corpus included (libFuzzer's "Done N runs in S s");
# EXEC_PER_CPU_S: runs per second of user + system time ("-" without
# /usr/bin/time). New inputs go to a scratch directory; the corpus is only
# read. NOTE is "ok" or "crashed" (the run stopped on a finding).
fuzz_rate() {
  local bin=$1 corpus=$2 secs=${3:-$FUZZ_SECONDS} maxlen=${4:-} scratch
  scratch=$(mktemp -d)
  # a fixed libFuzzer seed: one 60 s campaign's rate depends on its seed
  # (paging: 16-24k exec/s over seeds 1-5), so runs compare only seed to seed
  local args=(-max_total_time="$secs" -print_final_stats=1 -close_fd_mask=1
              -seed="$BENCH_FUZZ_SEED" -artifact_prefix="$scratch/")
  [[ -n $maxlen ]] && args+=(-max_len="$maxlen")
  [[ -f $corpus.dict ]] && args+=(-dict="$corpus.dict")
  args+=("$scratch")
  [[ -d $corpus ]] && args+=("$corpus")
  local out rc=0 timer=()
  [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f 'cpu-seconds %U %S' -o "$scratch.time")
  out=$("${timer[@]}" "$bin" "${args[@]}" 2>&1) || rc=$?
  local runs secs_run cpu=""
  [[ -f $scratch.time ]] && cpu=$(awk '/^cpu-seconds/ { print $2 + $3 }' "$scratch.time")
  rm -rf "$scratch" "$scratch.time"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' <<<"$out" | tail -1)
  # libFuzzer's "Done N runs in S second(s)" gives the real duration.
  secs_run=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' <<<"$out" | tail -1)
  awk -v r="${runs:-0}" -v s="${secs_run:-$secs}" -v rc="$rc" -v c="$cpu" \
    'BEGIN { if (s + 0 == 0) s = 1
      cpu_rate = (c + 0 > 0) ? sprintf("%.0f", r / c) : "-"
      printf "%.0f %s %s %s\n", r / s, (rc == 0) ? "ok" : "crashed", s, cpu_rate }'
}

# Frama-C: wall time of proofs/prove.sh (on a copy of its committed WP
# cache, as ./fuzz.sh prove runs on a fresh clone; the bench never writes
# into proofs/) against Frama-C parsing the same file. Two rows: the run
# ./fuzz.sh prove makes on an unchanged tree (every shard's inputs match a
# committed memo record: proofs/memo.sh), and the run after a change to a
# type, a macro or a global annotation of core/ (VMM_WP_MEMO=off: every goal
# derived again, the provers' answers read from the WP cache; a change to
# one function's body re-derives only the shards that prove it, to its
# contract only those that prove it or a caller).
prove_figures() {
  log "Frama-C proof time (timeout ${PROVE_TIMEOUT}s)"
  if [[ ! -x $ROOT/proofs/prove.sh ]]; then
    row "Frama-C/WP proof time" "not built yet" "-" "-" "proofs/prove.sh missing"
    return 0
  fi
  if ! command -v frama-c >/dev/null; then
    row "Frama-C/WP proof time" "skipped" "-" "-" "frama-c missing"
    return 0
  fi
  if ((QUICK)); then
    row "Frama-C/WP proof time" "skipped with --quick" "-" "-" "about 700 s warm: ./fuzz.sh prove"
    return 0
  fi
  local cache=$OUT/wp-cache t0 t1 base memo
  rm -rf "$cache"
  if [[ -d $ROOT/proofs/wp-cache ]]; then cp -r "$ROOT/proofs/wp-cache" "$cache"; else mkdir -p "$cache"; fi
  t0=$(now)
  frama-c -machdep x86_64 "$ROOT/core/bitmap.c" -cpp-extra-args="-I$ROOT" >/dev/null 2>&1 || true
  t1=$(now)
  base=$(secs "$t0" "$t1")
  for memo in use off; do
    prove_row "$memo" "$cache" "$base"
  done
}

# prove_row MEMO CACHE BASE: one timed proofs/prove.sh run with
# VMM_WP_MEMO=MEMO and its row.
prove_row() {
  local t0 t1 rc=0 proof goals verdict what log=$OUT/prove-$1.log
  t0=$(now)
  VMM_WP_MEMO=$1 VMM_WP_CACHE=$2 timeout "$PROVE_TIMEOUT" "$ROOT/proofs/prove.sh" "$OUT/prove" \
    >"$log" 2>&1 || rc=$?
  t1=$(now)
  proof=$(secs "$t0" "$t1")
  goals=$(awk '$1 == "TOTAL" { print $2 "/" $3 " goals" }' "$log")
  if [[ $1 == use ]]; then
    what="unchanged tree ($(sed -n 's/^memo: \([0-9]* of [0-9]*\) shards.*/\1/p' "$log") shards from memo records)"
  else
    what="every goal derived (VMM_WP_MEMO=off)"
  fi
  case $rc in
    0) verdict="${goals:-all goals} proved, committed WP cache" ;;
    77) verdict="skipped by prove.sh" ;;
    124) verdict="timeout after ${PROVE_TIMEOUT}s (cache cold or proofs changing)" ;;
    *) verdict="exit $rc${goals:+, $goals}, see ${log#"$ROOT"/}" ;;
  esac
  if ((rc == 124)); then # a time that was cut short is no figure: no ratio
    row "Frama-C/WP proof time, prove.sh, $what" "> ${PROVE_TIMEOUT} s" \
        "frama-c parse of bitmap.c $3 s" "-" "$verdict"
  else
    row "Frama-C/WP proof time, prove.sh, $what" "${proof} s" \
        "frama-c parse of bitmap.c $3 s" "$(ratio "$proof" "$3")" "$verdict"
  fi
}

# QEMU: boot-to-verdict of every kernel/boot.sh configuration (kernel built
# beforehand, so only the boot is timed) against QEMU booting a kernel that
# exits at its first instruction (bench/qemu-floor.sh).
qemu_figures() {
  log "QEMU boot-to-verdict"
  if [[ ! -x $ROOT/kernel/boot.sh || ! -x $ROOT/kernel/build.sh ]]; then
    row "QEMU boot-to-verdict" "not built yet" "-" "-" "kernel/boot.sh missing"
    return 0
  fi
  if ! "$ROOT/kernel/build.sh" gcc "$OUT/kernel" >"$OUT/boot.log" 2>&1; then
    row "QEMU boot-to-verdict" "build failed" "-" "-" "see build/bench/boot.log"
    return 0
  fi
  local rc=0 k
  for k in 1 2 3; do # every configuration three times: the best counts
    "$ROOT/kernel/boot.sh" --kernel "$OUT/kernel/kernel.elf" --quiet >>"$OUT/boot.log" 2>&1 || rc=$?
  done
  if ((rc == 77)); then
    row "QEMU boot-to-verdict" "skipped" "-" "-" "QEMU missing"
    return 0
  fi
  local verdict cpu mem ms floor n=0
  while read -r cpu mem ms verdict; do
    n=$((n + 1))
    floor=$("$ROOT/bench/qemu-floor.sh" "$OUT/qemu-floor" "$cpu" "$mem" 2>>"$OUT/boot.log") || floor=0
    row "QEMU boot-to-verdict, -cpu $cpu -m $mem" "$(awk -v m="$ms" 'BEGIN { printf "%.3f s", m / 1000 }')" \
        "QEMU exit-at-entry kernel ${floor} s" "$(ratio "$(awk -v m="$ms" 'BEGIN { print m / 1000 }')" "$floor")" \
        "$verdict (best of 3); ratio = time / baseline"
  done < <(sed -nE 's/^(PASS|FAIL) +-cpu +([^ ]+) +-m +([^ ]+) +boot-to-verdict +([0-9]+) ms.*/\2 \3 \4 \1/p' "$OUT/boot.log" |
           awk '{ key = $1 " " $2; if (!(key in best) || $3 < best[key]) best[key] = $3;
                  if ($4 == "FAIL") fail[key] = 1; order[key] = NR }
                END { for (k in best) print order[k], k, best[k], (k in fail) ? "FAIL" : "PASS" }' |
           sort -n | cut -d' ' -f2-)
  ((n > 0)) || row "QEMU boot-to-verdict" "failed" "-" "-" "boot.sh exit $rc, see build/bench/boot.log"
}

# Prints the table with where and when it was measured.
print_table() {
  local cpu commit procs="one process"
  ((CONTIG_PROCS > 1)) && procs="the median of $CONTIG_PROCS processes"
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
  commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
  # only when the tree differs from the commit (tracked files; untracked
  # ones the build ignores)
  local dirty=""
  git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || dirty=" plus uncommitted changes"
  {
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores of ${cpu:-unknown CPU}," \
         "$(. /etc/os-release && echo "$PRETTY_NAME"), $(gcc -dumpfullversion 2>/dev/null | sed 's/^/gcc /')," \
         "commit $commit$dirty, load average $LOAD_START at start and" \
         "$(cut -d' ' -f1 /proc/loadavg) at end (contiguous rows: the bench thread's CPU time, $procs;" \
         "other times are wall-clock; instruction rows are load-independent)." \
         "Ratio: speed rows baseline / core (> 1: core faster); memory and frame rows core / baseline" \
         "(lower is better, as their notes say); proof and boot rows time / baseline time." \
         "Every baseline is measured in this run except the mutation rows, read from the run their note names."
    echo
    echo "| Figure | Core | Baseline (same run) | Ratio | Note |"
    echo "| --- | --- | --- | --- | --- |"
    cat "$ROWS"
  } >"$OUT/latest.md"
  cat "$OUT/latest.md"
}

start=$(now)
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
status=0
core_figures || status=1
icount_figures || status=1
emu_figures
fuzz_figures
prove_figures
qemu_figures
# Mutation scores of the harness: read from the last ./fuzz.sh mutate run.
"$ROOT/bench/mutate-rows.sh" >>"$ROWS" || true
print_table
echo
echo "bench: $(secs "$start" "$(now)") s; table in build/bench/latest.md"
exit $status
