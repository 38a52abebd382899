#!/usr/bin/env bash
# mutate.sh - mutation testing of the harness (./fuzz.sh mutate): how many
# mutants of core/ the unit tests kill, and how many the fuzz targets kill
# within T seconds, from the committed corpus and from an empty one.
#
#   mutate.sh [--sample N] [--seed S] [--time T] [--jobs J] [--files "core/a.c ..."]
#             [--modes "unit corpus empty"] [--out DIR] [--max-minutes M]
#             [--exclude "fuzz targets"]
#       N mutants (default 200) drawn with seed S (default 1) from every mutant
#       universalmutator makes of core/*.c and core/x86_64/*.c; those that do
#       not compile are dropped, and so are duplicates (same -O2 object as the
#       original: trivially equivalent; same object as an earlier mutant).
#       Each mutant runs against ctest -L unit (mode unit) and, separately,
#       against every fuzz target that links its file, up to T seconds
#       (default 30) each (modes corpus, empty). J mutants at a time (default 2).
#       --max-minutes: no mutant starts after M minutes (the run then covers
#       a prefix of the drawn order: still a random sample, reported as such).
#       Results: OUT/results.tsv (default out/mutate/), summary printed by
#       report.sh (per file, per layer, survivors).
#   mutate.sh --sample-file FILE [options]
#       runs exactly the mutants FILE lists (format of sample.txt below)
#       instead of drawing; an entry whose mutant no longer exists (its line
#       changed), no longer compiles or became the original's object is
#       reported STALE and makes the run fail (exit 1).
#   mutate.sh --ctest BUILD_DIR
#       the ctest (label mutate): the committed sample harness/mutate/
#       sample.txt (20 mutants drawn with seed 7), 5 s per target, from the
#       corpus only, without the emu target whose corpus alone takes longer
#       than the test's budget; exit 1 when a mutant that neither list names
#       survives or a sample entry is stale, 77 (skipped) when
#       universalmutator or libFuzzer is missing.
#   mutate.sh --check-sample [--sample-file FILE] [--out DIR]
#       only resolves the sample (default the committed one) against the
#       current core/, in about 30 s: exit 1, naming every stale entry and
#       how to redraw, when one no longer names a mutant that compiles.
#   mutate.sh --redraw-sample
#       draws the ctest's sample again from the current core/ (seed 7, 20
#       mutants, same rules as a run) and writes harness/mutate/sample.txt;
#       run it when the ctest reports stale entries, then classify the new
#       sample's survivors (equivalent.txt, known-gaps.txt).
# A mutant's identity is its file, the original line and the mutated line
# (blanks squeezed), never a line number: sample.txt, equivalent.txt and
# known-gaps.txt name mutants that way, so edits elsewhere in core/ leave
# them valid. sample.txt: file <TAB> original <TAB> mutant <TAB> context
# <TAB> k/n: context "-" when that original/mutant pair is unique in the
# file (the entry goes stale if it stops being unique), else the nearest
# line above the original with a letter or digit, and k/n picks the k-th of
# the n such mutants (the entry goes stale when n changes).
# Each slot builds a copy of the tree whose core/ is a real copy (everything
# else symlinked) in OUT/slot<j>; a mutant costs the rebuild of its file's
# objects and the relinking of the binaries that use it. So nothing may
# edit the tree during a run (a merge broke every later build of a run,
# which then scored the few mutants before it): a mutant that does not
# build is tried again as the original, and when that fails too the run
# stops with exit 2 and says why.
set -euo pipefail
ROOT=${VMM_ROOT:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)}
export VMM_ROOT=$ROOT
HERE=$ROOT/harness/mutate
SELF=$(readlink -f "${BASH_SOURCE[0]}")
CC=${VMM_FUZZ_CC:-clang-14}
WARN="-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
MAX_LEN=2048
SKIP=77

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }
die() { echo "mutate.sh: $*" >&2; exit 2; }

# ---------------------------------------------------------------- options
SAMPLE=200 SEED=1 TIME=30 JOBS=2 MODES="unit corpus empty" FILES="" OUT=$ROOT/out/mutate CTEST=0
MINUTES=0 EXCLUDE="" SAMPLE_FILE="" REDRAW=0 CHECK_SAMPLE=0
COMMITTED_SAMPLE=$HERE/sample.txt
parse_options() {
  while (($#)); do
    case $1 in
      --sample|--seed|--time|--jobs|--files|--modes|--out|--max-minutes|--exclude|--ctest)
        (($# >= 2)) || die "option $1 needs a value" ;;
    esac
    case $1 in
      --sample) SAMPLE=$2; shift 2 ;;
      --seed) SEED=$2; shift 2 ;;
      --time) TIME=$2; shift 2 ;;
      --jobs) JOBS=$2; shift 2 ;;
      --files) FILES=$2; shift 2 ;;
      --modes) MODES=$2; shift 2 ;;
      --out) OUT=$2; shift 2 ;;
      --max-minutes) MINUTES=$2; shift 2 ;;
      --exclude) EXCLUDE=$2; shift 2 ;;
      --sample-file) SAMPLE_FILE=$(readlink -f "$2"); shift 2 ;;
      --ctest) CTEST=1; OUT=$2/mutate-ctest; SAMPLE_FILE=$COMMITTED_SAMPLE; TIME=5; MODES=corpus
               EXCLUDE=emu; shift 2 ;;
      --redraw-sample) REDRAW=1; OUT=$ROOT/out/mutate-redraw; SAMPLE=20; SEED=7; shift ;;
      --check-sample) CHECK_SAMPLE=1; OUT=$ROOT/out/mutate-check
                      [[ -n $SAMPLE_FILE ]] || SAMPLE_FILE=$COMMITTED_SAMPLE; shift ;;
      -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -n 's/^# \?//p'; exit 0 ;;
      *) die "unknown option $1 (see --help)" ;;
    esac
  done
  local v
  for v in "$SAMPLE" "$SEED" "$TIME" "$JOBS"; do
    # bounded before bash's 64-bit arithmetic sees it (a 20-digit value wrapped)
    [[ $v =~ ^0*[1-9][0-9]{0,8}$ ]] || die "--sample, --seed, --time, --jobs take positive integers up to 999999999"
  done
  [[ $MINUTES =~ ^[0-9]+$ ]] || die "--max-minutes takes minutes"
  for v in $MODES; do [[ $v == unit || $v == corpus || $v == empty ]] || die "unknown mode $v"; done
  [[ -n $FILES ]] || FILES=$(cd "$ROOT" && ls core/*.c core/x86_64/*.c)
}

# missing WHAT: a tool is missing; the ctest is then skipped, never passed.
missing() {
  echo "mutate.sh: SKIPPED: $1" >&2
  ((CTEST || CHECK_SAMPLE)) && exit $SKIP
  exit 1
}

# check_tools: the generator imports and the compiler links libFuzzer.
check_tools() {
  PYTHONPATH=$ROOT/.tools/universalmutator python3 -c 'import universalmutator.mutator' 2>/dev/null ||
    missing "universalmutator not installed (harness/mutate/install.sh, or ./fuzz.sh mutate)"
  local t; t=$(mktemp -d)
  printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$t/f.c"
  "$CC" -fsanitize=fuzzer "$t/f.c" -o "$t/f" 2>/dev/null || { rm -rf "$t"; missing "$CC cannot link libFuzzer"; }
  rm -rf "$t"
}

# ---------------------------------------------------------------- mutants
# row IDX: the catalogue row IDX (1-based).
row() { sed -n "$1p" "$OUT/catalogue.tsv"; }

# materialize IDX DEST: writes the mutant IDX of its file to DEST.
materialize() {
  local file line b64 rest
  IFS=$'\t' read -r file line b64 rest <<<"$(row "$1")"
  { head -n $((line - 1)) "$ROOT/$file"; base64 -d <<<"$b64"; tail -n +$((line + 1)) "$ROOT/$file"; } >"$2"
}

# object_hash SRC REL: sha1 of SRC compiled -O2 (no debug info) as if it were
# core file REL, or "invalid" when it does not compile under the project's
# warnings. The same name in the same kind of directory makes equal code give
# equal objects.
object_hash() {
  local src=$1 rel=$2 d
  d=$(dirname "$src")
  if (cd "$d" && "$CC" -std=c11 $WARN -O2 -I"$ROOT" -iquote "$ROOT/$(dirname "$rel")" \
        -c "$(basename "$src")" -o obj.o) >/dev/null 2>&1; then
    sha1sum <"$d/obj.o" | cut -c1-40
  else
    echo invalid
  fi
}

# tce IDX: writes OUT/tce/IDX with the mutant's object hash (run in parallel).
tce() {
  local idx=$1 file d
  file=$(row "$idx" | cut -f1)
  d=$OUT/cand/$idx
  mkdir -p "$d"
  materialize "$idx" "$d/$(basename "$file")"
  object_hash "$d/$(basename "$file")" "$file" >"$OUT/tce/$idx.tmp"
  mv "$OUT/tce/$idx.tmp" "$OUT/tce/$idx"
  rm -rf "$d"
}

# draw_order: every catalogue row index of the chosen files, sorted by a
# key that mixes SEED and the index through a few rounds of x*x + c modulo a
# prime below 2^26.5 (products exact in any awk's doubles, so every awk
# draws the same order).
draw_order() {
  local files_re
  files_re=$(tr ' \n' '||' <<<"$FILES" | sed 's/|*$//; s/||*/|/g; s/\./\\./g')
  awk -F'\t' -v seed="$SEED" -v re="^($files_re)\$" '
    BEGIN { p = 94906249 }
    $1 ~ re { x = (NR * 7919 + seed * 104729 + 12345) % p
              for (r = 0; r < 4; r++) x = (x * x + 12345 + seed) % p
              print x "\t" NR }' "$OUT/catalogue.tsv" |
    sort -n -k1,1 -k2,2 | cut -f2
}

# select_sample: OUT/sample.txt, the first SAMPLE mutants of the drawn order
# that compile and differ (as -O2 objects) from the original and from every
# mutant taken before; counts the others in OUT/selection.txt.
select_sample() {
  mkdir -p "$OUT/tce" "$OUT/orig"
  local f h
  declare -A orig seen
  for f in $FILES; do
    mkdir -p "$OUT/orig/$f.d"
    cp "$ROOT/$f" "$OUT/orig/$f.d/$(basename "$f")"
    h=$(object_hash "$OUT/orig/$f.d/$(basename "$f")" "$f")
    [[ $h != invalid ]] || die "$f does not compile on its own"
    orig[$f]=$h
  done
  draw_order >"$OUT/order.txt"
  local taken=0 invalid=0 same=0 dup=0 pos=0 total batch idx file
  total=$(wc -l <"$OUT/order.txt")
  : >"$OUT/sample.txt"; : >"$OUT/tce-equivalent.tsv"
  while ((taken < SAMPLE && pos < total)); do
    batch=$(( (SAMPLE - taken) * 3 / 2 + 4 ))
    sed -n "$((pos + 1)),$((pos + batch))p" "$OUT/order.txt" |
      xargs -P "$JOBS" -I{} "$SELF" --internal-tce "$OUT" {}
    while read -r idx; do
      pos=$((pos + 1))
      ((taken < SAMPLE)) || break
      file=$(row "$idx" | cut -f1)
      h=$(cat "$OUT/tce/$idx" 2>/dev/null || echo invalid)
      if [[ $h == invalid ]]; then invalid=$((invalid + 1))
      elif [[ $h == "${orig[$file]}" ]]; then same=$((same + 1)); row "$idx" | cut -f1,2,4,5 >>"$OUT/tce-equivalent.tsv"
      elif [[ -n ${seen[$h]:-} ]]; then dup=$((dup + 1))
      else seen[$h]=1; taken=$((taken + 1)); echo "$idx" >>"$OUT/sample.txt"; fi
    done < <(sed -n "$((pos + 1)),$((pos + batch))p" "$OUT/order.txt")
  done
  printf 'drawn %d of %d mutants: %d taken, %d do not compile, %d same object as the original (trivially equivalent), %d same object as an earlier mutant\n' \
    "$pos" "$total" "$taken" "$invalid" "$same" "$dup" | tee "$OUT/selection.txt" >&2
  rm -rf "$OUT/tce"
}

# resolve_sample FILE: OUT/sample.txt, the catalogue rows of the mutants
# FILE names (file, original, mutant, k); every entry that names no mutant
# of the current core/, or one that no longer compiles or compiles to the
# original's object, goes to OUT/stale.txt with the reason.
resolve_sample() {
  local f="$1" file orig mut k idx h n=0 ctx
  mkdir -p "$OUT/orig"
  : >"$OUT/sample.txt"; : >"$OUT/stale.txt"; : >"$OUT/tce-equivalent.tsv"
  declare -A orig_hash
  for file in $FILES; do   # every file's original object (links() reads them)
    mkdir -p "$OUT/orig/$file.d"
    cp "$ROOT/$file" "$OUT/orig/$file.d/$(basename "$file")"
    orig_hash[$file]=$(object_hash "$OUT/orig/$file.d/$(basename "$file")" "$file")
    [[ ${orig_hash[$file]} != invalid ]] || die "$file does not compile on its own"
  done
  while IFS=$'\t' read -r file orig mut ctx k; do
    [[ -z $file || $file == \#* ]] && continue
    n=$((n + 1))
    # "idx" or "-N": N mutants match where one was meant. Texts go through
    # ENVIRON: awk -v would expand their backslashes.
    idx=$(F=$file O=$orig M=$mut C=${ctx:--} K=${k:-1} awk -F'\t' '
            $1 != ENVIRON["F"] || $4 != ENVIRON["O"] || $5 != ENVIRON["M"] { next }
            ENVIRON["C"] == "-" { hits++; first = first ? first : NR; next }
            $6 == ENVIRON["C"] && ++seen == want { pick = NR }
            $6 == ENVIRON["C"] { hits++ }
            BEGIN { split(ENVIRON["K"], kn, "/"); want = kn[1] + 0; total = kn[2] + 0 }
            END { if (ENVIRON["C"] == "-") print hits == 1 ? first : "-" hits + 0
                  else if (total && hits != total) print "-" hits + 0
                  else if (pick) print pick }' \
            "$OUT/catalogue.tsv")
    if [[ -z $idx || $idx == -* ]]; then
      local why="no such mutant in the current $file (the line changed or is gone)"
      [[ $idx == -* && $idx != -0 ]] && why="the line now occurs ${idx#-} times in $file (ambiguous)"
      [[ $idx == -* && $idx != -0 && $ctx != - ]] && why="the line now occurs ${idx#-} times below that context in $file (was ${k#*/})"
      printf '%s\t%s\t%s\t%s\t%s\n' "$file" "$orig" "$mut" "${ctx:--}" "$why" >>"$OUT/stale.txt"
      continue
    fi
    mkdir -p "$OUT/tce"
    tce "$idx"
    h=$(cat "$OUT/tce/$idx")
    if [[ $h == invalid ]]; then
      printf '%s\t%s\t%s\t%s\t%s\n' "$file" "$orig" "$mut" "${ctx:--}" "no longer compiles" >>"$OUT/stale.txt"
    elif [[ $h == "${orig_hash[$file]}" ]]; then
      printf '%s\t%s\t%s\t%s\t%s\n' "$file" "$orig" "$mut" "${ctx:--}" \
        "now the same object as the original (trivially equivalent)" >>"$OUT/stale.txt"
    else
      echo "$idx" >>"$OUT/sample.txt"
    fi
  done <"$f"
  rm -rf "$OUT/tce"
  printf 'sample file %s: %d entries, %d run, %d stale\n' "${f#"$ROOT"/}" "$n" \
    "$(wc -l <"$OUT/sample.txt")" "$(wc -l <"$OUT/stale.txt")" | tee "$OUT/selection.txt" >&2
}

# write_sample DEST: the drawn sample (OUT/sample.txt) as stable mutant ids.
write_sample() {
  {
    echo "# The ctest's sample (ctest -L mutate): $SAMPLE mutants of core/ drawn with seed $SEED by"
    echo "# harness/mutate/mutate.sh --redraw-sample on commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')."
    echo "# One mutant a line: file <TAB> original line <TAB> mutated line <TAB> context <TAB> k"
    echo "# (context: - when the pair is unique in the file, else the nearest line above with"
    echo "# a letter or digit; k/n: the k-th of the n mutants with that text and context)."
    echo "# Redraw when the ctest reports a stale entry."
    local idx
    while read -r idx; do
      awk -F'\t' -v want="$idx" '
        { pair = $1 SUBSEP $4 SUBSEP $5; n[pair]++; c = pair SUBSEP $6; k[c]++; r[NR] = $0 }
        END { split(r[want], f, "\t"); pair = f[1] SUBSEP f[4] SUBSEP f[5]
              c = pair SUBSEP f[6]
              # k of row want: the rows with the same pair and context up to it
              m = 0; for (i = 1; i <= want; i++) { split(r[i], g, "\t")
                if (g[1] == f[1] && g[4] == f[4] && g[5] == f[5] && g[6] == f[6]) m++ }
              print f[1] "\t" f[4] "\t" f[5] "\t" (n[pair] == 1 ? "-\t1" : f[6] "\t" m "/" k[c]) }' \
        "$OUT/catalogue.tsv"
    done <"$OUT/sample.txt"
  } >"$1"
}

# ---------------------------------------------------------------- slots
# setup_slot J: OUT/slotJ/src (core/ a copy, the rest symlinked) configured
# and built in OUT/slotJ/build: the fuzz targets, and the unit tests when
# mode unit is on.
setup_slot() {
  local s=$OUT/slot$1 e name f
  rm -rf "$s/src"; mkdir -p "$s/src" "$s/core"
  for e in "$ROOT"/* "$ROOT"/.[!.]*; do
    name=$(basename "$e")
    case $name in
      core) ln -s ../core "$s/src/core" ;;
      build|out|.git) ;;
      *) ln -s "$e" "$s/src/$name" ;;
    esac
  done
  # The core copy outlives the run (its objects stay valid): only the files
  # that differ from core/ are copied, so a rerun rebuilds nothing else.
  (cd "$ROOT" && find core -type f) | while read -r f; do
    mkdir -p "$(dirname "$s/$f")"
    cmp -s "$ROOT/$f" "$s/$f" || cp "$ROOT/$f" "$s/$f"
  done
  cmake -S "$s/src" -B "$s/build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER="$CC" \
    -DCMAKE_C_FLAGS="$WARN -O1 $SAN" -DVMM_FUZZ_ENGINE=libfuzzer >"$s/configure.log" 2>&1 ||
    { cat "$s/configure.log" >&2; die "configure of slot $1 failed"; }
  local targets=() t
  for t in $(fuzz_targets "$s/build"); do targets+=("fuzz_$t"); done
  [[ " $MODES " == *" unit "* ]] && mapfile -t -O "${#targets[@]}" targets < <(unit_targets "$s/build")
  printf '%s\n' "${targets[@]}" >"$s/targets.txt"
  cmake --build "$s/build" -j"$2" --target "${targets[@]}" >"$s/build.log" 2>&1 ||
    { tail -30 "$s/build.log" >&2; die "build of slot $1 failed"; }
}

# fuzz_targets BUILD: the fuzz targets with a libFuzzer binary in CMake's
# one target list (BUILD/fuzz-targets.txt: name, needs, replayer, libFuzzer,
# AFL++; else the cache's VMM_FUZZ_BUILT), less those of --exclude.
fuzz_targets() {
  if [[ -f $1/fuzz-targets.txt ]]; then
    awk -F'\t' '!/^#/ && $4 != "-" && $4 != "" { print $1 }' "$1/fuzz-targets.txt"
  else
    sed -n 's/^VMM_FUZZ_BUILT:INTERNAL=//p' "$1/CMakeCache.txt" | tr ';' '\n' | sed '/^$/d'
  fi | grep -vxF -f <(tr ' ' '\n' <<<"$EXCLUDE" | sed '/^$/d'; echo "#none#")
}

# unit_targets BUILD: the executables of the ctest -L unit tests (not the
# label build ones: they check how the core compiles, not what it does): the
# test names that are also build targets (vmm_unit_test names both alike).
unit_targets() {
  comm -12 <(ctest --test-dir "$1" -N -L unit -LE build | sed -n 's/^ *Test *#[0-9]*: *//p' | sort -u) \
           <(cmake --build "$1" --target help | sed -n 's/^\.\.\. \([^ ]*\).*/\1/p' | sort -u)
}

# fuzz_bin BUILD T: the libFuzzer binary of target T.
fuzz_bin() {
  if [[ -f $1/fuzz-targets.txt ]]; then
    awk -F'\t' -v t="$2" '$1 == t { print $4 }' "$1/fuzz-targets.txt"
    return
  fi
  exe_path "$1" "fuzz_$2"
}

# exe_path BUILD NAME: the executable NAME built there.
exe_path() {
  find "$1" -name "$2" -type f -perm -u+x -not -path '*/CMakeFiles/*' | head -1
}

# links FILE...: "file<TAB>binary" for each core file and each built binary
# of slot 0 (fuzz_* and unit tests) that links it: one of the file's global
# symbols is defined in the binary.
links() {
  local b=$OUT/slot0/build f t syms
  mkdir -p "$OUT/syms"
  for t in $(cat "$OUT/slot0/targets.txt"); do
    nm --defined-only "$(exe_path "$b" "$t")" | awk '{ print $3 }' | sort -u >"$OUT/syms/$t"
  done
  for f in $FILES; do
    syms=$(nm --defined-only -g "$OUT/orig/$f.d/obj.o" | awk '$2 ~ /[TDRB]/ { print $3 }' | sort -u)
    for t in $(cat "$OUT/slot0/targets.txt"); do
      [[ -n $(comm -12 <(echo "$syms") "$OUT/syms/$t") ]] && printf '%s\t%s\n' "$f" "$t"
    done
  done
  return 0
}

# relevance: OUT/relevant.tsv, "file<TAB>fuzz targets<TAB>unit tests" that
# link the file; the most focused fuzz targets (fewest core files linked)
# first.
relevance() {
  links >"$OUT/links.tsv"
  awk -F'\t' '{ n[$2]++; f[NR] = $1; b[NR] = $2 }
       END { for (i = 1; i <= NR; i++) print f[i] "\t" n[b[i]] "\t" b[i] }' "$OUT/links.tsv" |
    sort -t$'\t' -k1,1 -k2,2n -k3,3 |
    awk -F'\t' '{ if (!($1 in fz)) { fz[$1] = ""; ut[$1] = "" }
                  if ($3 ~ /^fuzz_/) fz[$1] = fz[$1] (fz[$1] == "" ? "" : " ") substr($3, 6)
                  else ut[$1] = ut[$1] (ut[$1] == "" ? "" : " ") $3 }
                END { for (f in fz) print f "\t" (fz[f] == "" ? "-" : fz[f]) "\t" (ut[f] == "" ? "-" : ut[f]) }' |
    sort >"$OUT/relevant.tsv"
}

# ---------------------------------------------------------------- one mutant
# run_fuzz SLOT IDX T FROM: runs target T on the mutant of the slot for
# TIME s, FROM "corpus" (the committed corpus, only read) or "empty".
# Prints "killed REASON" or "survived".
run_fuzz() {
  local s=$OUT/slot$1 idx=$2 t=$3 from=$4 rc=0
  local w=$s/fuzz-$t-$from
  rm -rf "$w"; mkdir -p "$w/new"
  local args=(-max_total_time="$TIME" -timeout=10 -rss_limit_mb=2048 -max_len=$MAX_LEN
              -seed="$idx" -artifact_prefix="$w/" -close_fd_mask=1)
  [[ -f $ROOT/corpus/$t.dict ]] && args+=(-dict="$ROOT/corpus/$t.dict")
  args+=("$w/new")
  [[ $from == corpus ]] && args+=("$ROOT/corpus/$t")
  ASAN_OPTIONS=detect_leaks=1:symbolize=0:abort_on_error=0:handle_abort=1 \
  UBSAN_OPTIONS=halt_on_error=1:symbolize=0 \
    timeout -k 5 $((TIME * 4 + 60)) "$(fuzz_bin "$s/build" "$t")" "${args[@]}" >"$w.log" 2>&1 || rc=$?
  if ((rc == 0)); then echo survived; return; fi
  local why
  why=$(grep -m1 -oE 'FUZZ CHECK FAILED.*|ERROR: [A-Za-z]+Sanitizer: [a-z-]+|runtime error: .*|ERROR: libFuzzer: [a-z-]+|VMM_ASSERT.*|deadly signal' "$w.log" | cut -c1-100 | tr '\t' ' ')
  # Killed from outside: the fuzzer never reached its time limit (a slow
  # start under load, e.g. a large corpus): no finding, so no kill.
  if ((rc == 124 || rc == 137)); then echo "survived (no end within $((TIME * 4 + 60)) s)"; return; fi
  echo "killed ${why:-exit $rc}"
}

# run_unit SLOT "TEST...": those unit tests (ctest -L unit) on the slot's
# build: "killed TEST" or "survived".
run_unit() {
  local b=$OUT/slot$1/build rc=0 out
  [[ -n $2 ]] || { echo "survived (no unit test links the file)"; return; }
  out=$(ctest --test-dir "$b" -L unit -LE build -R "^($(tr ' ' '|' <<<"$2"))\$" --timeout 120 \
        --stop-on-failure 2>&1) || rc=$?
  if ((rc == 0)); then echo survived; return; fi
  grep -q "(Not Run)" <<<"$out" && { echo "error: a unit test did not run (not built?)"; return; }
  echo "killed $(sed -n 's/^ *[0-9]* - \([^ ]*\) (.*/\1/p' <<<"$out" | head -1)"
}

# slot_sound SLOT FILE TARGET...: after a mutant of FILE did not build,
# true when the slot builds TARGETs with the original FILE (the mutant
# alone is at fault); else the tree changed under the run (the slot's src/
# links everything but core/ to ROOT: a merge or an edit during the run
# breaks every later build): OUT/broken says so and every worker stops.
slot_sound() {
  local j=$1 file=$2 s=$OUT/slot$1
  shift 2
  cp "$ROOT/$file" "$s/$file"
  if ! cmp -s "$ROOT/$file" "$OUT/orig/$file.d/$(basename "$file")" ||
     ! cmake --build "$s/build" -j1 --target "$@" >"$s/original.log" 2>&1; then
    echo "slot $j does not build without the mutant either ($s/original.log): the tree" \
         "under $ROOT changed during the run (run from a copy that nothing edits)" >>"$OUT/broken"
    return 1
  fi
}

# run_mutant SLOT IDX: applies mutant IDX in the slot, rebuilds, runs the
# modes; appends one line to OUT/results.SLOT.tsv:
#   idx file line unit corpus empty original mutant
# (each mode column: "killed <by>", "survived", or "-" when not run).
run_mutant() {
  local j=$1 idx=$2 s=$OUT/slot$1 file line b64 orig mut
  IFS=$'\t' read -r file line b64 orig mut _ctx <<<"$(row "$idx")"
  local cur=$s/current
  if [[ -f $cur && $(cat "$cur") != "$file" ]]; then cp "$ROOT/$(cat "$cur")" "$s/$(cat "$cur")"; fi
  echo "$file" >"$cur"
  materialize "$idx" "$s/$file"
  local unit=- corpus=- empty=- t r fuzz tests
  IFS=$'\t' read -r _ fuzz tests <<<"$(awk -F'\t' -v f="$file" '$1 == f' "$OUT/relevant.tsv")"
  [[ $fuzz == - ]] && fuzz=""
  [[ $tests == - ]] && tests=""
  local targets=() build=() tl=()
  read -r -a targets <<<"$fuzz"
  if [[ " $MODES " == *" corpus "* || " $MODES " == *" empty "* ]]; then
    for t in "${targets[@]}"; do build+=("fuzz_$t"); done
  fi
  if [[ " $MODES " == *" unit "* ]]; then read -r -a tl <<<"$tests"; build+=("${tl[@]}"); fi
  ((${#build[@]})) || build=(vmmcore)
  if ! cmake --build "$s/build" -j1 --target "${build[@]}" >"$s/mutant.log" 2>&1; then
    slot_sound "$j" "$file" "${build[@]}" || return 0
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$idx" "$file" "$line" "nobuild" "nobuild" "nobuild" \
      "$orig" "$mut" >>"$OUT/results.$j.tsv"
    return
  fi
  if [[ " $MODES " == *" unit "* ]]; then unit=$(run_unit "$j" "$tests"); fi
  local from
  for from in corpus empty; do
    [[ " $MODES " == *" $from "* ]] || continue
    r="survived (no fuzz target links $file)"
    for t in "${targets[@]}"; do
      r=$(run_fuzz "$j" "$idx" "$t" "$from")
      if [[ $r == killed* ]]; then r="killed $t: ${r#killed }"; break; fi
    done
    [[ $from == corpus ]] && corpus=$r || empty=$r
  done
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$idx" "$file" "$line" "$unit" "$corpus" "$empty" \
    "$orig" "$mut" >>"$OUT/results.$j.tsv"
  printf '[slot %s] %s:%s %s | unit %s | corpus %s | empty %s\n' "$j" "$file" "$line" "$mut" \
    "${unit%% *}" "${corpus%% *}" "${empty%% *}" >&2
}

# next_mutant: the next index of OUT/sample.txt to run, or false when done
# (or when the --max-minutes budget is spent).
next_mutant() {
  local n
  [[ ! -e $OUT/broken ]] || return 1
  ((MINUTES == 0 || SECONDS < MINUTES * 60)) || return 1
  n=$(flock "$OUT/queue.lock" sh -c 'n=$(cat "$1"); echo $((n + 1)) >"$1"; echo "$n"' _ "$OUT/queue")
  sed -n "${n}p" "$OUT/sample.txt" | grep .
}

# worker J: runs mutants in slot J until the sample is done, then restores
# the slot's core copy.
worker() {
  local j=$1 idx
  : >"$OUT/results.$j.tsv"
  while idx=$(next_mutant); do run_mutant "$j" "$idx"; done
  [[ -f $OUT/slot$j/current ]] && cp "$ROOT/$(cat "$OUT/slot$j/current")" "$OUT/slot$j/$(cat "$OUT/slot$j/current")"
  rm -f "$OUT/slot$j/current"
}

# ---------------------------------------------------------------- main
main() {
  parse_options "$@"
  check_tools
  local start=$SECONDS j
  mkdir -p "$OUT"
  rm -f "$OUT"/results*.tsv "$OUT/stale.txt" "$OUT/broken"
  log "mutants of: $(tr '\n' ' ' <<<"$FILES")"
  # shellcheck disable=SC2086
  "$HERE/catalogue.sh" "$OUT/catalogue.tsv" $FILES
  if [[ -n $SAMPLE_FILE ]]; then
    [[ -f $SAMPLE_FILE ]] || die "no sample file $SAMPLE_FILE"
    resolve_sample "$SAMPLE_FILE"
  else
    select_sample
  fi
  if ((CHECK_SAMPLE)); then
    [[ -s $OUT/stale.txt ]] || { log "every sample entry names a mutant of the current core"; return 0; }
    report_stale
    return 1
  fi
  if ((REDRAW)); then
    write_sample "$COMMITTED_SAMPLE"
    log "wrote ${COMMITTED_SAMPLE#"$ROOT"/} ($(wc -l <"$OUT/sample.txt") mutants, seed $SEED)"
    return 0
  fi
  log "building $JOBS slot(s) (core copies, libFuzzer + ASan/UBSan)"
  local pids=()
  for ((j = 0; j < JOBS; j++)); do setup_slot "$j" 1 & pids+=($!); done
  for j in "${pids[@]}"; do wait "$j" || die "a slot did not build"; done
  relevance
  log "running $(wc -l <"$OUT/sample.txt") mutants, $JOBS at a time, modes: $MODES, ${TIME}s per fuzz target"
  echo 1 >"$OUT/queue"
  pids=()
  for ((j = 0; j < JOBS; j++)); do worker "$j" & pids+=($!); done
  wait "${pids[@]}"
  [[ ! -e $OUT/broken ]] || die "$(cat "$OUT/broken")"
  sort -n "$OUT"/results.[0-9]*.tsv >"$OUT/results.tsv"
  rm -f "$OUT"/results.[0-9]*.tsv
  {
    echo "# mutate run $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo ?)," \
         "$(wc -l <"$OUT/results.tsv") mutants run (--sample $SAMPLE --seed $SEED), ${TIME}s per fuzz target," \
         "jobs $JOBS, modes $MODES," \
         "$((SECONDS - start)) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# $(cat "$OUT/selection.txt")"
  } >"$OUT/run.txt"
  local rc=0
  if ((CTEST)); then "$HERE/report.sh" "$OUT" --strict || rc=$?; else "$HERE/report.sh" "$OUT" || rc=$?; fi
  if [[ -s $OUT/stale.txt ]]; then
    report_stale
    rc=1
  fi
  return $rc
}

# report_stale: the stale sample entries (OUT/stale.txt) and what to do.
report_stale() {
  {
    echo
    echo "STALE sample entries (the core changed under them; nothing was run for these):"
    awk -F'\t' '{ printf "  %s  %s  ==>  %s%s: %s\n", $1, $2, $3,
                   ($4 == "-" ? "" : "  (below \"" $4 "\")"), $5 }' "$OUT/stale.txt"
    echo "Redraw the sample: harness/mutate/mutate.sh --redraw-sample, then classify its" \
         "survivors (ctest -L mutate lists them)."
  } >&2
}

case ${1:-} in
  --internal-tce) OUT=$2; tce "$3" ;;
  --check-options) shift; parse_options "$@" ;; # fuzz.sh: before installing anything
  *) main "$@" ;;
esac
