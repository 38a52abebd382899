#!/usr/bin/env bash
# fuzz.sh - the project's one entry point (./fuzz.sh help lists everything).
# Each command checks its arguments first, then installs only what it needs
# (Debian packages, the pinned Unicorn wheel), then runs. help installs
# nothing; bad arguments exit 2 before anything is installed.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
export VMM_ROOT=$ROOT
PRESET=${VMM_PRESET:-asan-ubsan}
BUILD=$ROOT/build/$PRESET
JOBS=${VMM_JOBS:-$(nproc)} # checked below (not for help)

# require_all LOG: with VMM_REQUIRE_ALL=1 (CI: .ci/run), a test ctest
# skipped (its tool missing: a failed install) fails the run; without it a
# skip is reported and the run passes (a developer's machine may lack QEMU).
require_all() {
  local skipped
  skipped=$(grep -E ' - .*\(Skipped\)$' "$1" | sed -E 's/^[[:space:]]*[0-9]+ *- *//; s/ *\(Skipped\)$//' || true)
  [[ -n $skipped ]] || return 0
  if [[ ${VMM_REQUIRE_ALL:-0} == 1 ]]; then
    echo "fuzz.sh test: FAILED: VMM_REQUIRE_ALL=1 and ctest skipped these (a tool is missing):" >&2
    printf '%s\n' "$skipped" >&2
    exit 1
  fi
  echo "fuzz.sh test: note: some tests were skipped (a tool is missing; ./fuzz.sh deps installs it)"
}

usage() {
  cat <<'EOF'
usage: ./fuzz.sh [COMMAND] [OPTIONS]

The two main commands:
  ./fuzz.sh [fuzz] [OPTIONS]   build, then fuzz every target (live table, summary,
                               new coverage merged into corpus/, crashes saved
                               and deduplicated under out/fuzz/crashes/)
  ./fuzz.sh test               build and run every test (ctest; preset VMM_PRESET, default
                               asan-ubsan)

Fuzzing options:
  --time S          wall-clock seconds for loading, fuzzing and merging (default 240;
                    the build comes first and is timed separately)
  --forever         run until stopped (same as --time 0): Ctrl-C or SIGTERM ends it
                    cleanly with a corpus merge and the summary (from a script or
                    nohup, send SIGTERM: a background job ignores SIGINT)
  --interval S      --forever: merge and print the summary every S seconds (default 600)
  --engine E        libfuzzer (default) or afl
  --targets "A B"   fuzz only these targets (default: every target the build offers)
  --jobs N          parallel fuzzers (default: number of cores)
  --corpus DIR      corpus to load and merge into (default corpus/)
  --out DIR         results (default out/fuzz/): a new or empty folder, or an
                    earlier run's (a run clears its own subfolders there)
  --prebuilt DIR    use the binaries of an existing build dir, build nothing
Environment: VMM_FUZZ_TARGETS (default --targets), VMM_FUZZ_CC (the clang that builds the
  targets, default clang-14), VMM_PRESET (build / test preset), VMM_REQUIRE_ALL=1 (test:
  a skipped test, its tool missing, fails the run; .ci/run sets it), VMM_JOBS=N (jobs at once
  for build, test, cov, repro, minimize and fuzzing's builds and slots; default: the cores;
  --jobs overrides it for fuzzing).

Other commands:
  repro FILE|DIR [TARGET]   replay a crash (any file, anywhere) under ASan+UBSan: finds
                            the target, prints the op listing and the failed check
  cov [--corpus DIR]        core/ line and branch coverage of corpus/ (HTML in out/fuzz/cov)
  minimize [--corpus DIR]   shrink corpus/<target> to the inputs that add coverage (the
                            merged ones, named by their SHA-1; named seeds stay)
  gen                       rewrite the generated seeds and dictionaries
  bench [--quick]           performance figures (bench/README.md)
  prove [--ratchet] [OUTDIR]
                            Frama-C/WP proofs of core/bitmap.c and core/hbitmap.c (logs and
                            tables in OUTDIR, default build/proofs-wp); a shard whose inputs
                            are unchanged since a strict run reuses its record (proofs/memo.sh;
                            VMM_WP_MEMO=off derives every goal again)
  boot [boot.sh options]    boot the kernel in QEMU and watch (kernel/boot.sh --help)
  mutate [--sample N --seed S --time T --jobs J]
                            mutation score of the harness (harness/mutate/mutate.sh --help;
                            --redraw-sample rewrites the ctest's sample when the core moved)
  build                     configure and build the preset (VMM_PRESET, default asan-ubsan)
  deps                      install everything any command needs
  help, -h, --help          this text (installs nothing)

Exit status: 0 success, 1 a failure (a test; a crash found, or an earlier run's that still reproduces; a fuzzer that could not fuzz its slice: it could not start or was killed; a failed replay), 2 bad usage.
EOF
}

die_usage() { echo "fuzz.sh: $*" >&2; echo "Run ./fuzz.sh help for the commands and options." >&2; exit 2; }
log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

# The Debian packages of each dependency group.
declare -A GROUP_PACKAGES=(
  [base]="cmake gcc g++ clang-14 libclang-rt-14-dev llvm-14 lld-14"
  [unicorn]="python3-pip"
  [afl]="afl++"
  [prove]="frama-c-base why3 z3 cvc4 cvc5"
  [qemu]="qemu-system-x86"
  [cov]="lcov zip"
  [bench]="valgrind"
)
ALL_GROUPS="base unicorn afl prove qemu cov bench"

# deps <group>...: installs the missing Debian packages of the groups, then
# the project-local tools they need (Unicorn wheel, Why3 configuration).
deps() {
  local g p missing=() pkgs=()
  for g in "$@"; do read -r -a p <<<"${GROUP_PACKAGES[$g]}"; pkgs+=("${p[@]}"); done
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    local sudo=""; [[ $(id -u) == 0 ]] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  [[ " $* " == *" unicorn "* ]] && "$ROOT/emu/install-unicorn.sh"
  [[ " $* " == *" prove "* ]] && "$ROOT/proofs/setup.sh"
  return 0
}

# build: configures and builds the preset; exit 1 (a failure, not bad
# usage) when either fails.
build() {
  cmake --preset "$PRESET" -S "$ROOT" >/dev/null || { echo "fuzz.sh: configure failed" >&2; exit 1; }
  cmake --build "$BUILD" -j"$JOBS" || { echo "fuzz.sh: build failed" >&2; exit 1; }
}

# check_opts <allowed> <args...>: every argument is one of the allowed
# options ("--opt" a flag, "--opt=" one taking a value, "--opt=#" one taking
# a whole number from 1 to 999999999, "--opt=M" a memory size as QEMU's -m
# takes it: a whole number of MiB, or with a K/M/G/T suffix), else exit 2.
check_opts() {
  local allowed=" $1 "; shift
  while (($#)); do
    if [[ $allowed == *" $1=# "* ]]; then
      (($# >= 2)) && [[ $2 =~ ^[1-9][0-9]{0,8}$ ]] || die_usage "option $1 takes a whole number from 1 to 999999999"
      shift 2
    elif [[ $allowed == *" $1=M "* ]]; then
      (($# >= 2)) && [[ $2 =~ ^[1-9][0-9]{0,8}[KMGT]?$ ]] || die_usage "option $1 takes a memory size (128M, 4G, ...), not '${2:-}'"
      shift 2
    elif [[ $allowed == *" $1= "* ]]; then
      (($# >= 2)) && [[ $2 != -* ]] || die_usage "option $1 needs a value"
      shift 2
    elif [[ $allowed == *" $1 "* ]]; then
      shift
    else
      die_usage "unknown option: $1"
    fi
  done
}

# fuzz_job <command> <args...>: checks the arguments with fuzz-main.sh (which
# prints the dependency groups the run needs), installs those, runs it.
fuzz_job() {
  local groups
  groups=$("$ROOT/harness/fuzz-main.sh" needs "$@") || exit $?
  # shellcheck disable=SC2086
  [[ -z $groups ]] || deps $groups
  exec "$ROOT/harness/fuzz-main.sh" "$@"
}

# -h / --help anywhere: the command's own help where it has one, else this
for arg in "$@"; do
  [[ $arg == -h || $arg == --help ]] || continue
  case ${1:-} in
    boot) exec "$ROOT/kernel/boot.sh" --help ;;
    mutate) exec "$ROOT/harness/mutate/mutate.sh" --help ;;
    *) usage; exit 0 ;;
  esac
done
cmd=${1:-fuzz}
[[ $cmd == -* ]] && cmd=fuzz || { (($#)) && shift; }
COMMANDS=" fuzz repro cov minimize gen deps build test bench prove mutate boot help "
# VMM_PRESET names the build dir of build / test: one of CMakePresets.json's
# (checked by those two, so that help works whatever the environment holds).
check_preset() {
  grep -q "^ *\"name\": \"$PRESET\"" "$ROOT/CMakePresets.json" ||
    die_usage "VMM_PRESET takes a configure preset of CMakePresets.json, not '$PRESET'"
}
# VMM_JOBS: how many jobs build, test (ctest) and fuzz (its slots, its builds)
# run at once; --jobs still overrides it for fuzzing.
if [[ -n ${VMM_JOBS:-} && $cmd != help && $cmd != -h && $cmd != --help ]]; then
  [[ $VMM_JOBS =~ ^[1-9][0-9]{0,3}$ ]] && ((VMM_JOBS <= 1024)) ||
    die_usage "VMM_JOBS takes a number from 1 to 1024, not '$VMM_JOBS'"
fi
case $cmd in
  help|-h|--help)
    (($# == 0)) || { (($# == 1)) && [[ $COMMANDS == *" $1 "* ]]; } ||
      die_usage "help takes nothing or one command name, not '$*'"
    usage ;;
  fuzz|repro|cov|minimize|gen) fuzz_job "$cmd" "$@" ;;
  deps) check_opts "" "$@"; deps $ALL_GROUPS ;;
  build) check_opts "" "$@"; check_preset; deps base unicorn; build ;;
  test)
    check_opts "" "$@"; check_preset
    deps base unicorn prove qemu cov
    "$ROOT/harness/mutate/install.sh"   # the mutant generator (ctest label mutate)
    build
    log "ctest ($PRESET)"
    ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" | tee "$BUILD/ctest.log" || exit 1
    require_all "$BUILD/ctest.log" ;;
  bench) check_opts "--quick" "$@"; deps base unicorn prove qemu bench; exec "$ROOT/bench/run.sh" "$@" ;;
  prove)
    p=("$@"); [[ ${p[0]:-} == --ratchet ]] && p=("${p[@]:1}")
    [[ ${#p[@]} -le 1 && ${p[0]:-x} != -* ]] || die_usage "prove takes [--ratchet] [OUTDIR]"
    deps base prove; exec "$ROOT/proofs/prove.sh" "$@" ;;
  mutate)
    "$ROOT/harness/mutate/mutate.sh" --check-options "$@" || exit $?
    deps base unicorn; "$ROOT/harness/mutate/install.sh"; exec "$ROOT/harness/mutate/mutate.sh" "$@" ;;
  boot)
    check_opts "--kernel= --cpu= --mem=M --quiet --expect-panic= --expect-fail= --timeout=#" "$@"
    "$ROOT/kernel/boot.sh" --check-options "$@" || exit $? # e.g. --mem below its minimum
    deps base qemu; exec "$ROOT/kernel/boot.sh" "$@" ;;
  *) die_usage "unknown command: $cmd" ;;
esac
