#!/usr/bin/env bash
# test-cli.sh CASE ROOT BUILD MUTANT_REPLAY MUTANT_FUZZ - ctest label cli:
# ./fuzz.sh as a new user meets it. BUILD is a configured build dir with the
# libFuzzer binaries (fuzz-targets.txt); the mutants are replay_bitmap and
# fuzz_bitmap linked with a broken bitmap_test (or "-"). Cases:
#   help           help, -h, --help: exit 0, list every command and option,
#                  install nothing (apt-get, dpkg-query, pip... are traps here)
#   bad_options    unknown commands/options and options without their value:
#                  exit 2 with a message, before installing anything
#   repro_missing  repro of a missing file says so and fails, installs nothing
#   repro_outside  a crash file in the current directory (outside corpus/),
#                  also in a folder called like another target: repro finds
#                  the target, prints the op listing and the failed check; a
#                  clean file replays clean on every target
#   repro_dir      repro of a directory replays each file in it
#   replay_args    the replayers' own command line (replay_<t>): a missing
#                  file, an empty directory, a FIFO and a device (refused,
#                  never a hang), unknown options, -b without a positive
#                  ROUNDS, no file: a message and exit 1; an empty file runs
#                  (libFuzzer's empty input); -h / --help: usage, exit 0;
#                  ./fuzz.sh repro of a FIFO, of "" and of an empty folder:
#                  refused before anything is installed or built;
#                  fuzz_gen_bench: an option or a bad N is no OUTDIR
#   symlink        ./fuzz.sh called through a symlink elsewhere (~/bin/fz):
#                  help, a bad option (exit 2), repro of a clean file
#                  (exit 0) all find the project, as a direct call does
#   forever        --forever, SIGTERM after a few seconds: exit 0, summary,
#                  corpus merged, no process left behind
#   forever_group  --forever under `timeout` (SIGTERM to the process, then
#                  to its whole group, as Ctrl-C or `kill -- -PGID` reach
#                  the slots too): still one clean stop, merged, exit 0
#   orphans        the main job ends by an error in the middle of a round
#                  (its state/ folder removed, then SIGTERM: the stop request
#                  cannot be written): whatever its exit status, no slot,
#                  fuzzer or merge it started is left running, and a process
#                  it did not start that names its work/ is not killed
#   time           --time 4 (bitmap named twice: fuzzed once): the summary comes within 4 s + 20% (and not before
#                  60% of it; the build is
#                  timed apart), every target got time
#   dedup          a run on an --out another run holds exits 2; two short
#                  runs over the mutant: the bug is filed once (one folder,
#                  count >= 2), listed once (the second time as an earlier
#                  run's), exit 1; a third run with the fixed build moves
#                  it to fixed/ and exits 0
#   out_guard      --out on a folder with someone else's files: exit 2, nothing
#                  deleted; an empty folder and an earlier run's are taken
#   fuzzer_fails   a fuzzer that cannot start, or one killed with SIGKILL:
#                  exit 1 and named under FUZZER FAILURES
#   spaces         --corpus / --out with spaces: the merges work
#   minimize       merged copies of a seed dropped, the named seed kept, --corpus
#   oom            an out-of-memory finding (a fake fuzzer reports one) is confirmed
#                  with libFuzzer's limits on the next run, not taken for fixed
#   main_killed    the main job killed with SIGKILL: nothing left running within
#                  10 s, a new run on the same --out starts
# Exit 77 (skipped) when the case needs binaries this build lacks.
set -uo pipefail
CASE=$1 ROOT=$2 BUILD=$3 MUTANT=${4:--} MUTANT_FUZZ=${5:--}
TMP=$(mktemp -d /tmp/vmm-cli.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FAILS=0

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

# Traps: any installer or package query writes to $TMP/installs and fails.
mkdir -p "$TMP/trap"
for tool in apt-get apt dpkg dpkg-query pip pip3 python3 sudo why3 frama-c; do
  printf '#!/bin/sh\necho "%s $*" >>"%s/installs"\nexit 1\n' "$tool" "$TMP" >"$TMP/trap/$tool"
  chmod +x "$TMP/trap/$tool"
done

# run <args...>: ./fuzz.sh with the traps first on PATH, from $TMP/cwd;
# sets OUT (stdout + stderr) and RC.
run() {
  mkdir -p "$TMP/cwd"
  OUT=$(cd "$TMP/cwd" && PATH="$TMP/trap:$PATH" VMM_FUZZ_PREBUILT="${PREBUILT:-}" \
        timeout 50 "$ROOT/fuzz.sh" "$@" 2>&1)
  RC=$?
}

no_installs() {
  if [[ -s $TMP/installs ]]; then fail "$1 ran installers: $(tr '\n' ';' <"$TMP/installs")"; rm -f "$TMP/installs"
  else ok "$1 installed nothing"; fi
}

need_build() {
  grep -q $'^bitmap\t' "$BUILD/fuzz-targets.txt" 2>/dev/null \
    && awk -F'\t' '$1 == "bitmap" && $4 != "-"' "$BUILD/fuzz-targets.txt" | grep -q . \
    || { echo "SKIP: no libFuzzer targets in $BUILD"; exit 77; }
}

case_help() {
  local form word
  for form in help -h --help "repro --help" "fuzz -h"; do
    # shellcheck disable=SC2086
    run $form
    ((RC == 0)) && ok "$form exits 0" || fail "$form exit $RC"
    for word in fuzz test repro cov minimize gen bench prove boot build deps help \
                --time --forever --interval --engine --targets --jobs --corpus --out --prebuilt; do
      grep -qe "$word" <<<"$OUT" || fail "$form does not mention $word"
    done
    no_installs "$form"
  done
  # a command with its own help prints that one
  run boot --help
  ((RC == 0)) && grep -q -- '--expect-panic' <<<"$OUT" && ok "boot --help: boot.sh's help" \
    || fail "boot --help: exit $RC: $OUT"
  run mutate -h
  ((RC == 0)) && grep -q 'mutation testing' <<<"$OUT" && ok "mutate -h: mutate.sh's help" \
    || fail "mutate -h: exit $RC: $OUT"
  no_installs "command helps"
}

case_bad_options() {
  local args
  while IFS= read -r args; do
    # shellcheck disable=SC2086
    run $args
    if ((RC == 2)) && grep -qiE 'unknown|needs a value|take|usage|is libfuzzer' <<<"$OUT" \
       && ! grep -q 'unbound variable' <<<"$OUT"; then ok "'$args' -> exit 2: $(head -1 <<<"$OUT")"
    else fail "'$args' -> exit $RC: $OUT"; fi
  done <<'EOF'
--bogus
frobnicate
--time
--time abc
--time --engine afl
--engine
--engine gcc
--targets
--interval
--jobs
--jobs 0
--corpus
--out
--prebuilt
fuzz --nope
repro
repro --bogus
test --bogus
bench --bogus
boot --cpu
cov extra
--time 99999999999999999999
--interval 99999999999999999999
--jobs 100000
mutate --bogus
mutate --sample
mutate --sample x
boot --timeout abc
boot --mem foo
--interval 5 --time 3
--time 3 --interval=5
--out /proc/no-such-dir --time 3
--corpus /etc/passwd --time 3
boot --mem 0
boot --mem 4X
--forever --time 3
--out /tmp --time 3
minimize extra
cov --corpus /no/such/dir
--time 5 --forever
--targets nosuch --time 3
repro no-such-file bogus_target
mutate --time 99999999999999999999
mutate --jobs 0
help bogus
--corpus /tmp --out /tmp --time 3
boot --mem 1400K
boot --kernel
EOF
  # values the loop's word splitting cannot carry, and the preset
  run --targets " " --time 3
  if ((RC == 2)) && grep -q 'takes target names' <<<"$OUT"; then ok "--targets ' ' -> exit 2"
  else fail "--targets ' ' -> exit $RC: $OUT"; fi
  OUT=$(cd "$TMP" && PATH="$TMP/trap:$PATH" VMM_PRESET=bogus timeout 50 "$ROOT/fuzz.sh" build 2>&1); RC=$?
  if ((RC == 2)) && grep -q "VMM_PRESET takes" <<<"$OUT"; then ok "VMM_PRESET=bogus -> exit 2"
  else fail "VMM_PRESET=bogus -> exit $RC: $OUT"; fi
  for jobs in 0 abc 2000; do
    OUT=$(cd "$TMP" && PATH="$TMP/trap:$PATH" VMM_JOBS=$jobs timeout 50 "$ROOT/fuzz.sh" build 2>&1); RC=$?
    if ((RC == 2)) && grep -q "VMM_JOBS takes" <<<"$OUT"; then ok "VMM_JOBS=$jobs -> exit 2"
    else fail "VMM_JOBS=$jobs -> exit $RC: $OUT"; fi
  done
  OUT=$(cd "$TMP" && PATH="$TMP/trap:$PATH" VMM_PRESET=bogus timeout 50 "$ROOT/fuzz.sh" help 2>&1); RC=$?
  if ((RC == 0)) && grep -q "Exit status" <<<"$OUT"; then ok "VMM_PRESET=bogus help -> help, exit 0"
  else fail "VMM_PRESET=bogus help -> exit $RC: $OUT"; fi
  # the environment's target list and compiler: refused before any build
  # (cmake is a trap here, as the installers are)
  printf '#!/bin/sh\necho "cmake $*" >>"%s/installs"\nexit 1\n' "$TMP" >"$TMP/trap/cmake"
  chmod +x "$TMP/trap/cmake"
  OUT=$(cd "$TMP" && PATH="$TMP/trap:$PATH" VMM_FUZZ_TARGETS=nosuch timeout 50 "$ROOT/fuzz.sh" --time 3 2>&1); RC=$?
  if ((RC == 2)) && grep -q "unknown target 'nosuch'" <<<"$OUT" && [[ ! -s $TMP/installs ]]; then
    ok "VMM_FUZZ_TARGETS=nosuch -> exit 2, nothing built"
  else fail "VMM_FUZZ_TARGETS=nosuch -> exit $RC: $OUT $(cat "$TMP/installs" 2>/dev/null)"; fi
  OUT=$(cd "$TMP" && PATH="$TMP/trap:$PATH" VMM_FUZZ_CC=no-such-clang timeout 50 "$ROOT/fuzz.sh" --time 3 --targets bitmap 2>&1); RC=$?
  if ((RC == 2)) && grep -q "no compiler 'no-such-clang'" <<<"$OUT" && [[ ! -s $TMP/installs ]]; then
    ok "VMM_FUZZ_CC=no-such-clang -> exit 2, nothing built"
  else fail "VMM_FUZZ_CC=no-such-clang -> exit $RC: $OUT $(cat "$TMP/installs" 2>/dev/null)"; fi
  rm -f "$TMP/trap/cmake" "$TMP/installs"
  # kernel/boot.sh and kernel/build.sh called directly
  for args in "--kernel" "--cpu" "--expect-fail" "--mem 1M"; do
    # shellcheck disable=SC2086
    OUT=$("$ROOT/kernel/boot.sh" $args 2>&1); RC=$?
    if ((RC == 2)) && ! grep -q 'unbound variable' <<<"$OUT"; then ok "boot.sh $args -> exit 2: $OUT"
    else fail "boot.sh $args -> exit $RC: $OUT"; fi
  done
  OUT=$("$ROOT/kernel/build.sh" 2>&1); RC=$?
  ((RC == 2)) && grep -q usage <<<"$OUT" && ok "build.sh -> exit 2" || fail "build.sh -> exit $RC: $OUT"
  no_installs "bad options"
}

case_repro_missing() {
  # What each command would install: never Frama-C for repro or fuzzing.
  local groups
  touch "$TMP/some-file"
  groups=$(VMM_FUZZ_PREBUILT= "$ROOT/harness/fuzz-main.sh" needs repro "$TMP/some-file")
  [[ $groups != *prove* && $groups == *base* ]] && ok "repro needs: $groups" || fail "repro needs: $groups"
  groups=$(VMM_FUZZ_PREBUILT= "$ROOT/harness/fuzz-main.sh" needs fuzz --time 5)
  [[ $groups != *prove* ]] && ok "fuzz needs: $groups" || fail "fuzz needs: $groups"
  run repro no-such-crash-file
  if ((RC != 0)) && grep -q 'no-such-crash-file: no such file' <<<"$OUT"; then ok "missing file: $OUT"
  else fail "missing file: exit $RC: $OUT"; fi
  no_installs "repro of a missing file"
}

case_replay_args() {
  local rp=$BUILD/harness/replay_vmm out rc args want msg
  [[ -x $rp ]] || { echo "SKIP: no $rp"; exit 77; }
  mkdir -p "$TMP/ra/emptydir" "$TMP/ra/dir"
  : >"$TMP/ra/empty"
  : >"$TMP/ra/dir/empty"
  mkfifo "$TMP/ra/fifo"
  # args | exit | the message (ERE)
  while IFS='|' read -r args want msg; do
    # shellcheck disable=SC2086
    out=$(cd "$TMP/ra" && timeout 20 "$rp" $args 2>&1); rc=$?
    if ((rc == want)) && grep -qiE -- "$msg" <<<"$out" && ! grep -qE 'ERROR: |runtime error' <<<"$out"
    then ok "replay_vmm $args -> exit $rc: $(tail -1 <<<"$out")"
    else fail "replay_vmm $args -> exit $rc (want $want, /$msg/): $out"; fi
  done <<'EOF'
missing|1|missing: no such file
empty|0|replayed 1 input.*all checks passed
dir|0|replayed 1 input.*all checks passed
emptydir|1|none found
fifo|1|fifo: not a regular file or a directory
/dev/null|1|not a regular file or a directory
empty fifo|1|fifo: not a regular file
-v|1|no FILE or DIR given
-b|1|-b needs a number of rounds
-b x empty|1|-b needs a number of rounds
-b 0 empty|1|-b needs a number of rounds
-b 3x empty|1|-b needs a number of rounds
-b 3|1|no FILE or DIR given
-v -b 2 empty|1|do not go together
-b 2 -v empty|1|do not go together
-b 2 -b 3 empty|1|-b given twice
-x empty|1|unknown option '-x'
--bogus|1|unknown option '--bogus'
-h|0|usage:.*FILE
--help|0|usage:.*FILE
-- empty|0|all checks passed
-b 2 empty|0|bench: 1 inputs x 2 rounds
-v empty|0|all checks passed
EOF
  # ./fuzz.sh repro of a FIFO: refused before anything is built or replayed
  run repro "$TMP/ra/fifo"
  if ((RC == 1)) && grep -q 'not a regular file or a directory' <<<"$OUT"; then ok "repro fifo: $OUT"
  else fail "repro fifo: exit $RC: $OUT"; fi
  no_installs "repro of a FIFO"
  # fuzz_gen_bench (bench-vmm.sh): an option is no OUTDIR (it made a folder
  # called --bogus), N and SEED are numbers
  local gb=$BUILD/harness/fuzz_gen_bench
  if [[ -x $gb ]]; then
    while IFS='|' read -r args want; do
      # shellcheck disable=SC2086
      out=$(cd "$TMP/ra" && timeout 20 "$gb" $args 2>&1); rc=$?
      if ((rc == want)) && grep -q 'usage:' <<<"$out" && [[ ! -e $TMP/ra/--bogus && ! -e $TMP/ra/-h ]]
      then ok "fuzz_gen_bench $args -> exit $rc"
      else fail "fuzz_gen_bench $args -> exit $rc (want $want): $out"; fi
    done <<'EOF'
--bogus|1
-h|0
gb x|1
gb 0|1
gb 3 y|1
EOF
    [[ ! -e $TMP/ra/gb ]] && ok "no folder made by a bad call" || fail "a bad call made $TMP/ra/gb"
  fi
  # an empty string (it was taken for the current directory) and an empty
  # folder (found only after the install and the build)
  run repro ""
  if ((RC == 2)) && grep -q 'not an empty string' <<<"$OUT"; then ok "repro '': $OUT"
  else fail "repro '': exit $RC: $OUT"; fi
  run repro "$TMP/ra/emptydir"
  if ((RC == 1)) && grep -q 'emptydir: no files in it' <<<"$OUT"; then ok "repro empty dir: $OUT"
  else fail "repro empty dir: exit $RC: $OUT"; fi
  no_installs "repro of '' and of an empty folder"
}

# seed_corpus TARGET...: TMP/corpus/<target> holding the first three inputs
# of corpus/<target>.
seed_corpus() {
  local t
  for t in "$@"; do
    mkdir -p "$TMP/corpus/$t"
    ls "$ROOT/corpus/$t" | head -3 | while read -r f; do cp "$ROOT/corpus/$t/$f" "$TMP/corpus/$t/"; done
  done
}

# no_process_left: checks, half a second after a run, that no process names
# TMP (killing any that does, so that none outlives the test).
no_process_left() {
  sleep 0.5
  if pgrep -f "$TMP/" >/dev/null; then fail "processes left: $(pgrep -af "$TMP/")"; pkill -KILL -f "$TMP/"
  else ok "no process left"; fi
}

# fake_targets <dir> <target> <replayer|-> <fuzzer>: <dir>/fuzz-targets.txt,
# the build's list with the target's replayer (unless -) and fuzzer replaced:
# a prebuilt dir for --prebuilt.
fake_targets() {
  mkdir -p "$1"
  awk -F'\t' -v OFS='\t' -v t="$2" -v r="$3" -v f="$4" '$1 == t { if (r != "-") $3 = r; $4 = f } { print }' \
    "$BUILD/fuzz-targets.txt" >"$1/fuzz-targets.txt"
}

# fake_build: a prebuilt dir whose bitmap replayer and fuzzer are the mutants.
fake_build() {
  [[ $MUTANT != - && -x $MUTANT && $MUTANT_FUZZ != - ]] || { echo "SKIP: no mutant binaries"; exit 77; }
  fake_targets "$TMP/fake" bitmap "$MUTANT" "$MUTANT_FUZZ"
}

# crash_file <dest>: a corpus/bitmap input that the mutant fails on.
crash_file() {
  local f
  for f in "$ROOT"/corpus/bitmap/*; do
    if ! "$MUTANT" "$f" >/dev/null 2>&1; then cp "$f" "$1"; return 0; fi
  done
  echo "no corpus/bitmap input fails on the mutant"; exit 1
}

case_repro_outside() {
  need_build; fake_build
  mkdir -p "$TMP/cwd"
  crash_file "$TMP/cwd/crash-0123abcd"
  PREBUILT=$TMP/fake run repro crash-0123abcd
  if ((RC == 1)) && grep -q 'FUZZ CHECK FAILED' <<<"$OUT" && grep -qE '^#[0-9]+ ' <<<"$OUT" \
     && grep -q 'FAILED on target bitmap' <<<"$OUT"; then ok "crash file outside corpus/: target bitmap, op listing, failed check"
  else fail "crash file outside corpus/: exit $RC: $OUT"; fi
  grep -qE 'FAILED on target (pmm|paging|vmm|boot_init|emu)' <<<"$OUT" && fail "other targets blamed: $OUT"
  # a folder that is merely called like another target (a clone in ~/vmm)
  mkdir -p "$TMP/cwd/vmm"
  crash_file "$TMP/cwd/vmm/crash-0123abcd"
  PREBUILT=$TMP/fake run repro vmm/crash-0123abcd
  if ((RC == 1)) && grep -q 'FAILED on target bitmap' <<<"$OUT"; then ok "in a folder called vmm: target bitmap"
  else fail "in a folder called vmm: exit $RC: $OUT"; fi
  cp "$ROOT"/corpus/pmm/"$(ls "$ROOT/corpus/pmm" | head -1)" "$TMP/cwd/clean-input"
  PREBUILT=$BUILD run repro clean-input
  if ((RC == 0)) && grep -q 'replays clean on every target' <<<"$OUT"; then ok "clean file: $(tail -1 <<<"$OUT")"
  else fail "clean file: exit $RC: $OUT"; fi
}

case_repro_dir() {
  need_build; fake_build
  mkdir -p "$TMP/cwd/found"
  crash_file "$TMP/cwd/found/crash-1"
  cp "$ROOT"/corpus/bitmap/"$(ls "$ROOT/corpus/bitmap" | head -1)" "$TMP/cwd/found/other"
  PREBUILT=$TMP/fake run repro found
  if ((RC == 1)) && grep -q 'crash-1: FAILED on target bitmap' <<<"$OUT" && grep -q 'replayed 2 file' <<<"$OUT"
  then ok "directory: each file replayed"; else fail "directory: exit $RC: $OUT"; fi
}

case_symlink() {
  need_build
  mkdir -p "$TMP/bin" "$TMP/cwd"
  ln -s "$ROOT/fuzz.sh" "$TMP/bin/fz"
  cp "$ROOT"/corpus/pmm/"$(ls "$ROOT/corpus/pmm" | head -1)" "$TMP/cwd/clean-input"
  local args
  for args in "help:0" "--bogus:2" "repro clean-input:0"; do
    # shellcheck disable=SC2086
    OUT=$(cd "$TMP/cwd" && PATH="$TMP/trap:$PATH" VMM_FUZZ_PREBUILT="$BUILD" \
          timeout 50 "$TMP/bin/fz" ${args%:*} 2>&1)
    RC=$?
    if ((RC == ${args##*:})) && ! grep -q 'No such file' <<<"$OUT"; then ok "fz ${args%:*} -> exit $RC"
    else fail "fz ${args%:*} -> exit $RC (want ${args##*:}): $OUT"; fi
  done
  no_installs "through a symlink"
}

case_forever() {
  need_build
  seed_corpus bitmap pmm
  local before after
  before=$(find "$TMP/corpus" -type f | wc -l)
  (cd "$TMP" && exec "$ROOT/fuzz.sh" --forever --interval 3 --targets "bitmap pmm" --prebuilt "$BUILD" \
     --corpus "$TMP/corpus" --out "$TMP/out" >"$TMP/log" 2>&1) &
  local pid=$! rc tick=0
  # SIGTERM once the first interval's summary is out and the second round
  # has run a while, not after a fixed sleep: on a loaded machine the first
  # round may be all corpus loading (seen at load 11-17: no round ended in
  # 7 s, so one summary and nothing merged).
  while ! grep -q '^Summary after' "$TMP/log" 2>/dev/null && kill -0 "$pid" 2>/dev/null && ((tick < 300)); do
    sleep 0.1; tick=$((tick + 1))
  done
  sleep 2
  kill -TERM "$pid"
  tick=0
  # A stop that hangs fails here with its log and process tree (under
  # ctest's 60 s timeout it would be killed with no output at all).
  while kill -0 "$pid" 2>/dev/null && ((tick < 350)); do sleep 0.1; tick=$((tick + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    cat "$TMP/log"
    fail "still running 35 s after SIGTERM; its processes: $(pgrep -af "$TMP/" | tr '\n' ';')"
    pkill -KILL -f "$TMP/" 2>/dev/null; kill -KILL "$pid" 2>/dev/null
    return
  fi
  wait "$pid"; rc=$?
  cat "$TMP/log"
  after=$(find "$TMP/corpus" -type f | wc -l)
  ((rc == 0)) && ok "exit 0 after SIGTERM" || fail "exit $rc after SIGTERM"
  [[ $(grep -c '^Summary after' "$TMP/log") -ge 2 ]] && ok "a summary per interval and at the end" \
    || fail "fewer than 2 summaries"
  grep -q 'stopping' "$TMP/log" && ok "the stop was announced" || fail "no stop message"
  ((after > before)) && ok "corpus merged: $before -> $after inputs" || fail "corpus not merged ($before -> $after)"
  [[ -z $(find "$TMP/out/work" -type f) ]] && ok "nothing left pending" || fail "inputs left unmerged"
  [[ -s $TMP/out/stats/bitmap.yield && -s $TMP/out/stats/pmm.yield ]] && ok "yields measured" \
    || fail "no yield measured"
  grep -q "next round's shares" "$TMP/log" && ok "shares shown: $(grep -m1 "next round's shares" "$TMP/log")" \
    || fail "no shares shown"
  no_process_left
}

case_forever_group() {
  need_build
  seed_corpus bitmap
  local before after rc
  before=$(find "$TMP/corpus" -type f | wc -l)
  (cd "$TMP" && exec timeout --preserve-status -s TERM 6 "$ROOT/fuzz.sh" --forever --targets bitmap \
     --prebuilt "$BUILD" --corpus "$TMP/corpus" --out "$TMP/out" >"$TMP/log" 2>&1)
  rc=$?
  cat "$TMP/log"
  after=$(find "$TMP/corpus" -type f | wc -l)
  ((rc == 0)) && ok "exit 0 after timeout's SIGTERMs" || fail "exit $rc after timeout's SIGTERMs"
  grep -q 'stopped at once' "$TMP/log" && fail "one stop request taken for two" || ok "one stop request"
  grep -q '^Summary after' "$TMP/log" && ok "summary printed" || fail "no summary"
  ((after > before)) && ok "corpus merged: $before -> $after inputs" || fail "corpus not merged ($before -> $after)"
  no_process_left
}

case_orphans() {
  need_build
  local t rc
  seed_corpus bitmap pmm
  (cd "$TMP" && exec "$ROOT/fuzz.sh" --forever --interval 30 --targets "bitmap pmm" --prebuilt "$BUILD" \
     --corpus "$TMP/corpus" --out "$TMP/out" >"$TMP/log" 2>&1) &
  local pid=$!
  for ((t = 0; t < 100; t++)); do   # both fuzzers running
    [[ $(pgrep -f "$TMP/out/crashes/" | wc -l) -ge 2 ]] && break
    sleep 0.1
  done
  # someone else's process naming the run's work/ (not started by the run):
  # the run's end must leave it alone
  mkdir -p "$TMP/out/work/bitmap"
  bash -c 'exec -a "$1" sleep 300' _ "$TMP/out/work/bitmap/outsider" & local outsider=$!
  rm -rf "$TMP/out/state"
  kill -TERM "$pid"
  wait "$pid"; rc=$?
  cat "$TMP/log"
  echo "exit $rc"
  sleep 0.5
  kill -0 "$outsider" 2>/dev/null && ok "a process outside the run that names its work/ is left alone" \
    || fail "the run's end killed a process it did not start (it names the run's work/)"
  kill -KILL "$outsider" 2>/dev/null; wait "$outsider" 2>/dev/null
  no_process_left
}

case_time() {
  need_build
  local t t0 t1 took
  for t in bitmap pmm paging; do
    mkdir -p "$TMP/corpus/$t"
    cp "$ROOT/corpus/$t"/* "$TMP/corpus/$t/"
  done
  t0=$(date +%s%N)
  (cd "$TMP" && exec "$ROOT/fuzz.sh" --time 4 --targets "bitmap pmm paging bitmap" --prebuilt "$BUILD" \
     --corpus "$TMP/corpus" --out "$TMP/out" >"$TMP/log" 2>&1)
  t1=$(date +%s%N)
  cat "$TMP/log"
  took=$(sed -n 's/^Summary after \([0-9.]*\) s.*/\1/p' "$TMP/log")
  if [[ -n $took ]] && awk -v s="$took" 'BEGIN { exit !(s >= 2.4 && s <= 4.8) }'; then ok "summary after $took s of --time 4"
  else fail "summary after ${took:-?} s of --time 4"; fi
  awk -v ns=$((t1 - t0)) 'BEGIN { exit !(ns / 1e9 <= 4.8 + 1.5) }' \
    && ok "wall time $(( (t1 - t0) / 1000000 )) ms (startup included)" || fail "wall time $(( (t1 - t0) / 1000000 )) ms"
  for t in bitmap pmm paging; do
    grep -qE "^$t +[1-9]" "$TMP/log" && ok "$t got time" || fail "$t got no time"
  done
  # a target named twice is fuzzed once (one slot, one row)
  [[ $(grep -cE "^bitmap +[0-9]" "$TMP/log") == 1 ]] && ok "bitmap named twice, one row" \
    || fail "bitmap named twice: $(grep -cE "^bitmap +[0-9]" "$TMP/log") rows"
}

# A fuzzer that loses its first SIGTERM (as one forked just before the stop
# does: the signal runs the slot's trap in the child, then the exec drops
# it) must still be stopped at its slice's end, by the repeated SIGTERM,
# not run on to its -max_total_time (the slice plus 60 s). It also leaves
# an orphan naming the run's work/ (re-parented out of the run's tree, as a
# merge child whose merge was timed out): the run's end must take it too.
case_lost_term() {
  need_build
  local real wrap=$TMP/lossy/fuzz_bitmap t0 t1
  real=$(awk -F'\t' '$1 == "bitmap" { print $4 }' "$BUILD/fuzz-targets.txt")
  [[ -x $real ]] || { echo "SKIP: no libFuzzer bitmap target"; exit 77; }
  mkdir -p "$TMP/lossy"
  seed_corpus bitmap
  cat >"$wrap" <<WRAP
#!/usr/bin/env bash
( exec -a "$TMP/out/work/bitmap/orphan" sleep 300 & )
"$real" "\$@" & child=\$! lost=0
trap 'if ((lost)); then kill -TERM \$child; wait \$child; exit 0; fi; lost=1' TERM
while kill -0 \$child 2>/dev/null; do wait \$child; done
WRAP
  chmod +x "$wrap"
  fake_targets "$TMP/lossy" bitmap - "$wrap"
  t0=$(date +%s)
  (cd "$TMP" && exec timeout 90 "$ROOT/fuzz.sh" --time 4 --targets bitmap --prebuilt "$TMP/lossy" \
     --corpus "$TMP/corpus" --out "$TMP/out" >"$TMP/log" 2>&1)
  local rc=$?
  t1=$(date +%s)
  cat "$TMP/log"
  ((rc == 0)) && ok "exit 0" || fail "exit $rc"
  ((t1 - t0 <= 30)) && ok "ended in $((t1 - t0)) s (--time 4)" || fail "ended in $((t1 - t0)) s (--time 4)"
  grep -q '^Summary after' "$TMP/log" && ok "summary printed" || fail "no summary"
  no_process_left
}

# refused_run WHAT MESSAGE: a fuzzing run on $TMP's fake build, corpus and
# --out, whose lock the caller holds, must exit 2 at once naming MESSAGE.
refused_run() {
  (cd "$TMP" && exec timeout 20 "$ROOT/fuzz.sh" --time 4 --targets bitmap --prebuilt "$TMP/fake" \
     --corpus "$TMP/corpus" --out "$TMP/out" >"$TMP/log0" 2>&1)
  local rc=$?
  ((rc == 2)) && grep -q "$2" "$TMP/log0" && ok "$1: exit 2" || { fail "$1: exit $rc"; cat "$TMP/log0"; }
}

case_dedup() {
  need_build; fake_build
  mkdir -p "$TMP/corpus/bitmap"
  cp "$ROOT/corpus/bitmap.dict" "$TMP/corpus/" 2>/dev/null
  crash_file "$TMP/corpus/bitmap/seed"
  local run rc
  # one run at a time per --out: a second one exits 2 at once
  local lockfd
  mkdir -p "$TMP/out"
  exec {lockfd}>>"$TMP/out/.lock"
  flock -n "$lockfd" || fail "could not take the lock of $TMP/out"
  refused_run "a second run on the same --out" 'another fuzz.sh run is using'
  exec {lockfd}>&-
  # no run merges into a corpus a minimize rewrites, and the reverse
  exec {lockfd}<"$TMP/corpus"
  flock -x -n "$lockfd" || fail "could not take the lock of $TMP/corpus"
  refused_run "a run on a corpus being minimized" 'a minimize is rewriting'
  exec {lockfd}>&-
  exec {lockfd}<"$ROOT/corpus"
  flock -s -n "$lockfd" || fail "could not share the lock of corpus/"
  OUT=$(cd "$TMP" && VMM_FUZZ_PREBUILT="$BUILD" timeout 20 "$ROOT/harness/fuzz-main.sh" minimize 2>&1); rc=$?
  ((rc == 2)) && grep -q 'is using' <<<"$OUT" && ok "minimize while a run uses corpus/: exit 2" \
    || fail "minimize while a run uses corpus/: exit $rc: $OUT"
  exec {lockfd}>&-
  for run in 1 2; do
    (cd "$TMP" && exec "$ROOT/fuzz.sh" --time 4 --targets bitmap --prebuilt "$TMP/fake" \
       --corpus "$TMP/corpus" --out "$TMP/out" >"$TMP/log$run" 2>&1)
    rc=$?
    ((rc == 1)) && ok "run $run: exit 1 (a bug is recorded)" || { fail "run $run: exit $rc"; cat "$TMP/log$run"; }
  done
  cat "$TMP/log2"
  local dirs count
  dirs=$(find "$TMP/out/crashes/bitmap" -mindepth 1 -maxdepth 1 -type d | wc -l)
  ((dirs == 1)) && ok "one folder for the bug" || fail "$dirs folders for one bug"
  count=$(cat "$TMP/out/crashes/bitmap"/*/count 2>/dev/null | head -1)
  ((${count:-0} >= 2)) && ok "found $count times, counted" || fail "count ${count:-none}"
  grep -q 'check ' "$TMP/out/crashes/bitmap"/*/signature && ok "signature: $(cat "$TMP/out/crashes/bitmap"/*/signature)" \
    || fail "signature lacks the failed check"
  [[ $(grep -c '^  bitmap x' "$TMP/log2") == 1 ]] && ok "listed once in the summary" || fail "not listed once"
  grep -q 'FUZZ CHECK FAILED' "$TMP/out/crashes/bitmap"/*/ops.txt && ok "ops.txt has the failed check" \
    || fail "ops.txt lacks the failed check"
  grep -q "an earlier run's, still reproduces" "$TMP/log2" && ok "run 2 marks the bug as an earlier run's" \
    || fail "run 2 does not mark the earlier bug"
  ! grep -q 'Aborted' "$TMP/log1" "$TMP/log2" && ok "no shell 'Aborted' notice in the output" \
    || fail "a shell 'Aborted' notice leaked into the output"
  # the bug fixed (the real replayer and fuzzer): moved to fixed/, not reported, exit 0
  (cd "$TMP" && exec "$ROOT/fuzz.sh" --time 3 --targets bitmap --prebuilt "$BUILD" \
     --corpus "$TMP/corpus" --out "$TMP/out" >"$TMP/log3" 2>&1)
  rc=$?
  if ((rc == 0)) && grep -q 'no longer reproduces' "$TMP/log3" && grep -q '^no crashes' "$TMP/log3" \
     && [[ -n $(ls "$TMP/out/crashes/bitmap/fixed" 2>/dev/null) ]]; then ok "fixed bug: moved to fixed/, exit 0"
  else fail "fixed bug: exit $rc"; cat "$TMP/log3"; fi
}

# out_guard: --out on a folder that holds someone else's files (no .lock of
# an earlier run) exits 2 and deletes nothing; an empty one is taken.
case_out_guard() {
  need_build
  seed_corpus pmm
  mkdir -p "$TMP/mine/logs" "$TMP/mine/new" "$TMP/mine/skip"
  echo keep >"$TMP/mine/logs/app.log"; echo keep >"$TMP/mine/new/draft.txt"; echo keep >"$TMP/mine/skip/x"
  (cd "$TMP/mine" && exec timeout 30 "$ROOT/fuzz.sh" --time 3 --targets pmm --prebuilt "$BUILD" \
     --corpus "$TMP/corpus" --out . >"$TMP/log" 2>&1)
  local rc=$?
  ((rc == 2)) && grep -q 'takes a new or empty folder' "$TMP/log" && ok "--out on a foreign folder: exit 2" \
    || { fail "--out on a foreign folder: exit $rc"; cat "$TMP/log"; }
  [[ -f $TMP/mine/logs/app.log && -f $TMP/mine/new/draft.txt && -f $TMP/mine/skip/x ]] \
    && ok "its files are all there" || fail "files of the foreign folder were deleted"
  mkdir -p "$TMP/empty"
  (cd "$TMP" && exec timeout 40 "$ROOT/fuzz.sh" --time 3 --targets pmm --prebuilt "$BUILD" \
     --corpus "$TMP/corpus" --out "$TMP/empty" >"$TMP/log2" 2>&1)
  rc=$?
  ((rc == 0)) && ok "an empty --out: exit 0" || { fail "an empty --out: exit $rc"; cat "$TMP/log2"; }
  (cd "$TMP" && exec timeout 40 "$ROOT/fuzz.sh" --time 3 --targets pmm --prebuilt "$BUILD" \
     --corpus "$TMP/corpus" --out "$TMP/empty" >"$TMP/log3" 2>&1)
  rc=$?
  ((rc == 0)) && ok "the same --out again (an earlier run's): exit 0" || { fail "rerun: exit $rc"; cat "$TMP/log3"; }
}

# fuzzer_fails: a fuzzer that cannot run (exits at once, no crash file) or
# that something kills (SIGKILL, as the OOM killer does) fails the run
# (exit 1, FUZZER FAILURES in the summary), not "no crashes" and exit 0.
case_fuzzer_fails() {
  need_build
  seed_corpus bitmap pmm
  mkdir -p "$TMP/fake"
  printf '#!/bin/sh\necho "cannot start" >&2\nexit 1\n' >"$TMP/fake/broken"
  chmod +x "$TMP/fake/broken"
  fake_targets "$TMP/fake" bitmap - "$TMP/fake/broken"
  (cd "$TMP" && exec timeout 40 "$ROOT/fuzz.sh" --time 4 --targets "bitmap pmm" --prebuilt "$TMP/fake" \
     --corpus "$TMP/corpus" --out "$TMP/out" >"$TMP/log" 2>&1)
  local rc=$?
  cat "$TMP/log"
  ((rc == 1)) && ok "a fuzzer that cannot start: exit 1" || fail "a fuzzer that cannot start: exit $rc"
  grep -q '^FUZZER FAILURES' "$TMP/log" && grep -q '^  bitmap: its fuzzer ended before its slice did' "$TMP/log" \
    && ok "named in the summary" || fail "not named in the summary"
  grep -q '^  pmm:' "$TMP/log" && fail "pmm (which fuzzed) named as a failure" || ok "pmm not named"
  # a fuzzer killed part-way
  (cd "$TMP" && exec timeout 60 "$ROOT/fuzz.sh" --time 12 --targets pmm --prebuilt "$BUILD" \
     --corpus "$TMP/corpus" --out "$TMP/out2" >"$TMP/log2" 2>&1) &
  local pid=$! tick=0 fz=""
  while [[ -z $fz ]] && ((tick < 200)); do
    fz=$(pgrep -f "fuzz_pmm .*-artifact_prefix=$TMP/out2/" | head -1); sleep 0.1; tick=$((tick + 1))
  done
  sleep 1
  [[ -n $fz ]] && kill -KILL "$fz"
  wait "$pid"; rc=$?
  cat "$TMP/log2"
  ((rc == 1)) && grep -q 'killed by signal 9' "$TMP/log2" && ok "a fuzzer killed with SIGKILL: exit 1, named" \
    || fail "a fuzzer killed with SIGKILL: exit $rc"
  no_process_left
}

# spaces: --corpus and --out with spaces in their paths: the merges work
# (libFuzzer's -merge splits its child's command line at spaces).
case_spaces() {
  need_build
  seed_corpus pmm
  mv "$TMP/corpus" "$TMP/my corpus"
  (cd "$TMP" && exec timeout 40 "$ROOT/fuzz.sh" --time 6 --targets pmm --prebuilt "$BUILD" \
     --corpus "$TMP/my corpus" --out "$TMP/my out" >"$TMP/log" 2>&1)
  local rc=$?
  cat "$TMP/log"
  ((rc == 0)) && ok "exit 0" || fail "exit $rc"
  ! grep -q 'does not exist' "$TMP/my out/logs/pmm.merge.log" 2>/dev/null && ok "no merge error" \
    || fail "merge failed: $(grep -m1 'does not exist' "$TMP/my out/logs/pmm.merge.log")"
  [[ -z $(find "$TMP/my out/work" -type f) ]] && ok "nothing left pending" || fail "inputs left unmerged"
  (($(find "$TMP/my corpus/pmm" -type f | wc -l) > 3)) && ok "corpus merged" || fail "corpus not merged"
  no_process_left
}

# minimize: merged inputs (named by their SHA-1) that add nothing are
# dropped, named seeds stay; --corpus points it at another corpus.
case_minimize() {
  need_build
  mkdir -p "$TMP/corpus/pmm"
  local f i
  f=$(ls "$ROOT/corpus/pmm" | head -1)
  cp "$ROOT/corpus/pmm/$f" "$TMP/corpus/pmm/seed_one"
  for i in 1 2 3 4 5; do
    cp "$ROOT/corpus/pmm/$f" "$TMP/corpus/pmm/$(printf '%s%d' "$f" "$i" | sha1sum | cut -c1-40)"
  done
  OUT=$(cd "$TMP" && VMM_FUZZ_PREBUILT="$BUILD" VMM_FUZZ_TARGETS=pmm timeout 50 \
        "$ROOT/harness/fuzz-main.sh" minimize --corpus "$TMP/corpus" 2>&1); RC=$?
  echo "$OUT"
  ((RC == 0)) && ok "minimize: exit 0" || fail "minimize: exit $RC"
  [[ -f $TMP/corpus/pmm/seed_one ]] && ok "the named seed stays" || fail "the named seed was removed"
  local n
  n=$(find "$TMP/corpus/pmm" -type f | wc -l)
  ((n == 1)) && ok "5 copies of the seed dropped (6 -> $n)" || fail "6 -> $n inputs"
}

# main_killed: the main job killed with SIGKILL: its slots and fuzzers end
# within seconds (they hold its lock), and a new run on the same --out starts.
case_main_killed() {
  need_build
  seed_corpus pmm
  (cd "$TMP" && exec "$ROOT/fuzz.sh" --forever --interval 60 --targets pmm --prebuilt "$BUILD" \
     --corpus "$TMP/corpus" --out "$TMP/out" >"$TMP/log" 2>&1) &
  local pid=$! tick=0
  while ! pgrep -f "fuzz_pmm .*-artifact_prefix=$TMP/out/" >/dev/null && ((tick < 200)); do
    sleep 0.1; tick=$((tick + 1))
  done
  sleep 1
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  tick=0
  while pgrep -f "$TMP/" >/dev/null && ((tick < 100)); do sleep 0.1; tick=$((tick + 1)); done
  if pgrep -f "$TMP/" >/dev/null; then
    fail "processes left 10 s after the main job's SIGKILL: $(pgrep -af "$TMP/" | tr '\n' ';')"
    pkill -KILL -f "$TMP/"
  else ok "nothing left within $((tick / 10)) s"; fi
  local d left=""
  for d in /tmp/vmm-fuzz.*; do [[ $(readlink "$d/out" 2>/dev/null) == "$TMP/out" ]] && left+=" $d"; done
  [[ -z $left ]] && ok "its link folder removed" || { fail "its link folder left:$left"; rm -rf $left; }
  (cd "$TMP" && exec timeout 40 "$ROOT/fuzz.sh" --time 3 --targets pmm --prebuilt "$BUILD" \
     --corpus "$TMP/corpus" --out "$TMP/out" >"$TMP/log2" 2>&1)
  local rc=$?
  ((rc == 0)) && ok "a new run on the same --out: exit 0" || { fail "a new run: exit $rc"; cat "$TMP/log2"; }
}

# oom: an out-of-memory finding (libFuzzer's -rss_limit_mb; the replayer has
# no such limit and runs the input clean) is confirmed with libFuzzer's
# limits: filed as "libFuzzer: out-of-memory", still reproducing on the next
# run (not moved to fixed/ and filed again), fixed/ once the fuzzer no
# longer reports it. The fuzzer here is a fake that reports one.
case_oom() {
  need_build
  seed_corpus pmm
  mkdir -p "$TMP/fake"
  cat >"$TMP/fake/oomer" <<'SH'
#!/bin/bash
# a libFuzzer stand-in: fuzzing files an oom- artifact (a copy of a seed),
# a single input reports libFuzzer's out-of-memory, merges do nothing
prefix="" files=()
for a in "$@"; do
  case $a in
    -merge=1|-minimize_crash=1) exit 0 ;;
    -artifact_prefix=*) prefix=${a#*=} ;;
    -*) ;;
    *) files+=("$a") ;;
  esac
done
if [[ -n $prefix ]]; then
  for d in "${files[@]}"; do
    for f in "$d"/*; do
      [[ -f $f ]] || continue
      cp "$f" "${prefix}oom-$(sha1sum <"$f" | cut -c1-40)"
      echo "==1== ERROR: libFuzzer: out-of-memory (used: 4000Mb; exceeds: 2048Mb)"; exit 1
    done
  done
  exec sleep 60   # no seed left (the run leaves out those that crashed it): fuzz on
fi
echo "==1== ERROR: libFuzzer: out-of-memory (used: 4000Mb; exceeds: 2048Mb)"
exit 1
SH
  chmod +x "$TMP/fake/oomer"
  fake_targets "$TMP/fake" pmm - "$TMP/fake/oomer"
  local run rc
  for run in 1 2; do
    (cd "$TMP" && exec timeout 40 "$ROOT/fuzz.sh" --time 3 --targets pmm --prebuilt "$TMP/fake" \
       --corpus "$TMP/corpus" --out "$TMP/out" >"$TMP/log$run" 2>&1)
    rc=$?
    ((rc == 1)) && ok "run $run: exit 1" || { fail "run $run: exit $rc"; cat "$TMP/log$run"; }
  done
  cat "$TMP/log2"
  grep -q '^libFuzzer: out-of-memory' "$TMP/out/crashes/pmm"/*/signature 2>/dev/null \
    && ok "signature: $(cat "$TMP/out/crashes/pmm"/*/signature)" || fail "no out-of-memory signature"
  grep -q 'no longer reproduces' "$TMP/log2" && fail "run 2 took the out-of-memory for fixed" \
    || ok "run 2 did not take it for fixed"
  grep -q "an earlier run's, still reproduces" "$TMP/log2" && ok "run 2: an earlier run's, still reproduces" \
    || fail "run 2 does not list it as an earlier run's"
  (cd "$TMP" && exec timeout 40 "$ROOT/fuzz.sh" --time 3 --targets pmm --prebuilt "$BUILD" \
     --corpus "$TMP/corpus" --out "$TMP/out" >"$TMP/log3" 2>&1)
  rc=$?
  ((rc == 0)) && grep -q 'no longer reproduces' "$TMP/log3" && ok "the real fuzzer: moved to fixed/, exit 0" \
    || { fail "the real fuzzer: exit $rc"; cat "$TMP/log3"; }
}

"case_$CASE"
((FAILS == 0)) || { echo "$FAILS failure(s)"; exit 1; }
echo "all checks passed"
