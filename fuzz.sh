#!/usr/bin/env bash
# fuzz.sh - the project's one entry point.
#   ./fuzz.sh [--time S] [--engine libfuzzer|afl]   build, fuzz every target, summary
#   ./fuzz.sh test                                  install what is missing, build, run every test
#   ./fuzz.sh bench                                 print the performance figures
#   ./fuzz.sh prove | boot | repro FILE | cov | minimize | deps
#   ./fuzz.sh mutate [--sample N --seed S --time T --jobs J]   mutation score of the harness
# Each command installs what it needs (Debian packages, the pinned Unicorn wheel).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export VMM_ROOT=$ROOT
PRESET=${VMM_PRESET:-asan-ubsan}
BUILD=$ROOT/build/$PRESET
JOBS=$(nproc)

APT_PACKAGES=(cmake gcc clang-14 libclang-rt-14-dev llvm-14 lld-14 afl++ lcov zip
              frama-c-base why3 z3 cvc4 cvc5 qemu-system-x86 valgrind python3-pip)

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

# Installs the Debian packages that are missing, then project-local tools.
deps() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    local sudo=""; [[ $(id -u) == 0 ]] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  local part
  for part in emu/install-unicorn.sh proofs/setup.sh; do
    [[ -x $ROOT/$part ]] && "$ROOT/$part"
  done
  return 0
}

configure() {
  cmake --preset "$PRESET" -S "$ROOT" >/dev/null
}

build() {
  configure
  cmake --build "$BUILD" -j"$JOBS"
}

run_part() { # run_part <script> <args...>: a part's own driver
  local script=$ROOT/$1; shift
  [[ -x $script ]] || { echo "not built yet: $script"; exit 1; }
  "$script" "$@"
}

cmd=${1:-fuzz}
case $cmd in
  deps) deps ;;
  build) deps; build ;;
  test)
    deps; build
    log "ctest ($PRESET)"
    ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" ;;
  bench) shift; deps; run_part bench/run.sh "$@" ;;
  prove) shift; deps; run_part proofs/prove.sh "$@" ;;
  boot) shift; deps; run_part kernel/boot.sh "$@" ;;
  repro|cov|minimize|gen) deps; run_part harness/fuzz-main.sh "$@" ;;
  fuzz) [[ $# -gt 0 ]] && shift; deps; run_part harness/fuzz-main.sh fuzz "$@" ;;
  -*) deps; run_part harness/fuzz-main.sh fuzz "$@" ;;
  mutate) shift; deps; "$ROOT/harness/mutate/install.sh"; run_part harness/mutate/mutate.sh "$@" ;;
  -h|--help|help) sed -n '2,9p' "$0" ;;
  *) echo "unknown command: $cmd (see ./fuzz.sh help)" >&2; exit 2 ;;
esac
