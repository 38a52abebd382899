#!/usr/bin/env bash
# build.sh CC OUTDIR [-DDEFINE...] - builds OUTDIR/kernel.elf with compiler CC
# (gcc or clang-14) from kernel/, the UNCHANGED core/*.c and core/x86_64/*.c,
# and the tests/lib doubles of kernel/doubles.list.
# Extra -D arguments select a kernel mutant (KERNEL_MUTANT_*, see mm.c/trap.c)
# for the tests that show a broken fault handler fails; never for core/.
# The flags are set here only, so no host flag (sanitizers, PIE, coverage)
# leaks in: CFLAGS/LDFLAGS from the environment are ignored on purpose.
set -euo pipefail
(($# >= 2)) && [[ -n $1 && -n $2 ]] || { echo "usage: build.sh CC OUTDIR [-DKERNEL_MUTANT_...]" >&2; exit 2; }
cc=$1 out=$2
shift 2
defines=("$@")
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
command -v "$cc" >/dev/null || { echo "build.sh: $cc not installed" >&2; exit 77; }

mapfile -t codegen < <(sed 's/#.*//' "$here/codegen.flags" | grep -v '^[[:space:]]*$')
cflags=("${codegen[@]}" -g -Wall -Wextra -Werror -Wshadow
        -Wstrict-prototypes -I"$root" -DVMM_ASSERT_HOOK=kernel_vmm_assert
        "${defines[@]}")
ldflags=(-nostdlib -static -T "$here/kernel.ld"
         -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none)
case $("$cc" --version | head -1) in
  *clang*) # clang links with lld when it is there, else with GNU ld
    if command -v ld.lld-14 >/dev/null || command -v ld.lld >/dev/null; then
      ldflags+=(-fuse-ld=lld)
    fi ;;
  *) ldflags+=(-no-pie) ;;
esac

mkdir -p "$out/obj"
objs=()
pids=()
# The test doubles the self-tests share with tests/ and the harness
# (kernel/doubles.list): they must build freestanding too.
doubles=()
while read -r d; do
  [[ -z $d || $d == \#* ]] || doubles+=("$root/$d")
done <"$here/doubles.list"
for src in "$here"/*.S "$here"/*.c "$root"/core/*.c "$root"/core/x86_64/*.c "${doubles[@]}"; do
  [[ -e $src ]] || continue
  rel=${src#"$root"/}
  obj=$out/obj/${rel//\//_}.o
  objs+=("$obj")
  "$cc" "${cflags[@]}" -c "$src" -o "$obj" &
  pids+=($!)
  if ((${#pids[@]} >= 2)); then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for pid in "${pids[@]}"; do wait "$pid"; done
"$cc" "${ldflags[@]}" -o "$out/kernel.elf.tmp" "${objs[@]}"
mv "$out/kernel.elf.tmp" "$out/kernel.elf"
