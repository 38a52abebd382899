#!/usr/bin/env bash
# qemu-floor.sh OUTDIR [CPU [MEM]] - builds bench/qemu_exit.S into
# OUTDIR/qemu_exit.elf and prints the best of three QEMU boot-to-exit times in
# seconds, with the kernel's QEMU command line (-cpu CPU -m MEM, default max
# 128M). Exit 77 when QEMU is missing, 1 when the image does not exit right.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
out=${1:?usage: qemu-floor.sh OUTDIR [CPU [MEM]]}
cpu=${2:-max}
mem=${3:-128M}
command -v qemu-system-x86_64 >/dev/null || { echo "qemu-system-x86_64 missing" >&2; exit 77; }
mkdir -p "$out"
elf=$out/qemu_exit.elf
gcc -c -m64 -o "$out/qemu_exit.o" "$here/qemu_exit.S"
ld -m elf_x86_64 -nostdlib -static -no-pie -z max-page-size=0x1000 \
   -Ttext=0x100000 -e pvh_entry -o "$elf" "$out/qemu_exit.o"
best=""
for _ in 1 2 3; do
  t0=$(date +%s.%N)
  rc=0
  qemu-system-x86_64 -machine pc -accel tcg -cpu "$cpu" -m "$mem" -display none \
    -nodefaults -serial null -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$elf" || rc=$?
  t1=$(date +%s.%N)
  [[ $rc == 33 ]] || { echo "qemu_exit.elf: QEMU exit $rc, expected 33" >&2; exit 1; }
  best=$(awk -v b="$best" -v s="$t0" -v e="$t1" 'BEGIN { d = e - s; if (b == "" || d < b) b = d; printf "%.3f\n", b }')
done
echo "$best"
