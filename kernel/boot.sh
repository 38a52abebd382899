#!/usr/bin/env bash
# boot.sh - boots the kernel in QEMU (TCG) and judges each run.
#
#   boot.sh [--kernel ELF] [--cpu MODEL] [--mem SIZE] [--quiet]
#           [--expect-panic TEXT] [--expect-fail TEXT] [--timeout S]
#
# Without --kernel it builds kernel/ with gcc into build/kernel-boot first.
# Without --cpu/--mem it runs every configuration: -cpu max (1 GiB pages)
# and -cpu qemu64 (2 MiB pages), each with -m 128M and -m 4G.
# A run passes only with QEMU exit status 33 (isa-debug-exit, value 0x10)
# AND the marker line on COM1 AND all SELFTESTS self-tests run and passed
# (for max / qemu64 also the direct map built
# with pages up to 1 GiB / 2 MiB, as their CPUID says); a triple fault (status 0),
# a hang (timeout) or a missing line fails. --expect-panic TEXT inverts the
# verdict for a mutant kernel: the run must end with the failure status (3)
# and a PANIC line containing TEXT, before the timeout; --expect-fail TEXT
# likewise with any line containing TEXT (e.g. a failed self-test). The pmm
# must report every usable frame of the e820 map tracked. Prints the
# boot-to-verdict time of every run. Exit 0 (all passed), 1 (a failure),
# 2 (bad usage; --mem below 1536K, where the image itself no longer fits
# in RAM), 77 (QEMU missing), 130 (interrupted: SIGINT / SIGTERM end the
# running QEMU and boot nothing more).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
QEMU=${QEMU:-qemu-system-x86_64}
PASS_STATUS=33
FAIL_STATUS=3
MARKER="VMM-KERNEL: ALL TESTS PASSED"
# The self-tests kernel/selftest.c's table runs: a pass needs all of them run
# and passed, so dropping one from the table must change this number too.
SELFTESTS=22
# The direct-map page size each CPU model must lead to (CPUID pdpe1gb).
declare -A DIRECT_PAGE=([max]="1 GiB" [qemu64]="2 MiB")

usage() { echo "boot.sh: $*" >&2; exit 2; }
# value OPTION ARG...: fails (exit 2) unless OPTION has a non-empty value.
value() { (($# >= 2)) && [[ -n $2 ]] || usage "$1 needs a value (see --help)"; }
# mem_kib SIZE: the size in KiB (a bare number is MiB, as QEMU reads it).
mem_kib() {
  local n=${1%[KMGT]} u=${1: -1}
  case $u in K) echo "$n" ;; G) echo $((n << 20)) ;; T) echo $((n << 30)) ;; *) echo $((n << 10)) ;; esac
}
MIN_MEM_KIB=1536 # below it the image (loaded at 1 MiB) no longer fits in usable RAM

kernel="" cpus=() mems=() quiet=0 expect_panic="" expect_fail="" timeout_s=20 check_only=0
while (($#)); do
  case $1 in
    --check-options) check_only=1; shift ;; # fuzz.sh: check, before installing QEMU
    --kernel) value "$@"; kernel=$2; shift 2 ;;
    --cpu) value "$@"; cpus+=("$2"); shift 2 ;;
    --mem) [[ ${2:-} =~ ^[1-9][0-9]{0,8}[KMGT]?$ ]] || usage "--mem takes a memory size (128M, 4G, ...), not '${2:-}'"
           (($(mem_kib "$2") >= MIN_MEM_KIB)) || usage "--mem takes at least ${MIN_MEM_KIB}K (below it the kernel image does not fit in RAM), not '$2'"
           mems+=("$2"); shift 2 ;;
    --quiet) quiet=1; shift ;;
    --expect-panic) value "$@"; expect_panic=$2; shift 2 ;;
    --expect-fail) value "$@"; expect_fail=$2; shift 2 ;;
    --timeout) [[ ${2:-} =~ ^[1-9][0-9]{0,8}$ ]] || { echo "boot.sh: --timeout takes whole seconds >= 1" >&2; exit 2; }
               timeout_s=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) usage "unknown argument $1" ;;
  esac
done
((check_only == 0)) || exit 0
((${#cpus[@]})) || cpus=(max qemu64)
((${#mems[@]})) || mems=(128M 4G)

if ! command -v "$QEMU" >/dev/null; then
  echo "SKIP: $QEMU not installed"
  exit 77
fi
if [[ -z $kernel ]]; then
  "$here/build.sh" gcc "$root/build/kernel-boot"
  kernel=$root/build/kernel-boot/kernel.elf
fi
[[ -f $kernel ]] || { echo "FAIL: no kernel image at $kernel"; exit 1; }

log=$(mktemp) raw=$(mktemp)
trap 'rm -f "$log" "$raw"' EXIT
# SIGINT / SIGTERM: `timeout` runs QEMU in a process group of its own, which
# a Ctrl-C does not reach; the handler sends it TERM (timeout passes it on).
qemu_pid="" interrupted=0
on_signal() { interrupted=1; [[ -z $qemu_pid ]] || kill -TERM "$qemu_pid" 2>/dev/null || true; }
trap on_signal INT TERM

# run_one CPU MEM: boots once; prints the verdict line; returns 0 on success.
run_one() {
  local cpu=$1 mem=$2 status start end ms verdict
  start=$(date +%s%N)
  set +e
  # Guest RAM without reservation (MAP_NORESERVE): -m 64G boots on a host
  # with less RAM, as TCG touches only the pages the guest writes.
  timeout "$timeout_s" "$QEMU" -machine pc,memory-backend=ram0 \
    -object memory-backend-ram,id=ram0,size="$mem",reserve=off \
    -accel tcg -cpu "$cpu" -m "$mem" \
    -display none -nodefaults -serial stdio -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$kernel" \
    </dev/null >"$raw" 2>&1 &
  qemu_pid=$!
  wait "$qemu_pid"; status=$?
  while kill -0 "$qemu_pid" 2>/dev/null; do wait "$qemu_pid"; status=$?; done
  qemu_pid=""
  set -e
  if ((interrupted)); then
    echo "boot.sh: interrupted: QEMU stopped, nothing more booted" >&2
    exit 130
  fi
  tr -d '\r' <"$raw" >"$log"
  end=$(date +%s%N)
  ms=$(((end - start) / 1000000))
  if [[ -n $expect_panic ]]; then
    if [[ $status == "$FAIL_STATUS" ]] && grep -q "^PANIC: .*$expect_panic" "$log"; then
      verdict="PASS (failed as expected: $(grep -m1 '^PANIC' "$log"))"
    else
      verdict="FAIL (expected a PANIC with '$expect_panic' and status $FAIL_STATUS)"
    fi
  elif [[ -n $expect_fail ]]; then
    if [[ $status == "$FAIL_STATUS" ]] && grep -qF "$expect_fail" "$log"; then
      verdict="PASS (failed as expected: $(grep -m1 -F "$expect_fail" "$log"))"
    else
      verdict="FAIL (expected a line with '$expect_fail' and status $FAIL_STATUS)"
    fi
  elif [[ $status == 124 ]]; then
    verdict="FAIL (hang: no verdict within ${timeout_s} s)"
  elif grep -q "terminating on signal" "$log"; then
    verdict="FAIL (QEMU was killed: $(grep -m1 -o 'terminating on signal.*' "$log"))"
  elif [[ $status == 0 ]]; then
    verdict="FAIL (QEMU exited 0: triple fault or reset)"
  elif [[ $status == 5 ]]; then
    verdict="FAIL (QEMU exit status 5: the CPU has no long mode, boot.S stopped before kmain)"
  elif [[ $status != "$PASS_STATUS" ]]; then
    verdict="FAIL (QEMU exit status $status, want $PASS_STATUS)"
  elif ! grep -qxF "$MARKER" "$log"; then
    verdict="FAIL (status $status but no marker line)"
  elif ! grep -qx "VMM-KERNEL: $SELFTESTS of $SELFTESTS self-tests passed" "$log"; then
    verdict="FAIL (want all $SELFTESTS self-tests run and passed: $(grep -m1 -o '[0-9]* of [0-9]* self-tests passed' "$log" || echo 'no count line'))"
  elif [[ -z $expect_fail ]] && ! grep -q "^  pmm: all [0-9]* usable frames tracked" "$log"; then
    verdict="FAIL (the pmm does not track every usable frame of the map)"
  elif [[ -n ${DIRECT_PAGE[$cpu]:-} ]] && ! grep -q "pages up to ${DIRECT_PAGE[$cpu]}" "$log"; then
    verdict="FAIL (-cpu $cpu must allow ${DIRECT_PAGE[$cpu]} pages in the direct map)"
  else
    verdict="PASS"
  fi
  if [[ $quiet == 0 || $verdict != PASS* ]]; then
    sed 's/^/    | /' "$log"
  fi
  local detail=${verdict#PASS}
  detail=${detail#FAIL}
  printf '%-4s -cpu %-7s -m %-5s boot-to-verdict %5d ms%s\n' \
    "${verdict%% *}" "$cpu" "$mem" "$ms" "$detail"
  [[ $verdict == PASS* ]]
}

failed=0
echo "kernel: $kernel"
for cpu in "${cpus[@]}"; do
  for mem in "${mems[@]}"; do
    run_one "$cpu" "$mem" || failed=1
  done
done
exit $failed
