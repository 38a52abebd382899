#!/usr/bin/env bash
# Compiles every core/ source freestanding with one compiler, and checks that
# core/ includes only the allowed standard headers. Exit 77 (skip) when the
# compiler is missing.
set -u
cc=$1; root=$2
command -v "$cc" >/dev/null || { echo "SKIP: $cc not installed"; exit 77; }
fail=0
bad=$(grep -RhoE '#\s*include\s*<[^>]+>' "$root/core" | grep -vE '<(stdint|stddef|stdbool|limits|stdalign)\.h>' | sort -u)
if [[ -n $bad ]]; then echo "FAIL: core/ includes non-freestanding headers: $bad"; fail=1; fi
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
for src in "$root"/core/*.c "$root"/core/x86_64/*.c; do
  [[ -e $src ]] || continue
  if ! "$cc" -std=c11 -ffreestanding -nostdlib -mno-red-zone -mgeneral-regs-only \
       -fno-builtin -Wall -Wextra -Werror -pedantic -O2 -I"$root" -c "$src" -o "$out/x.o"; then
    echo "FAIL: $src"; fail=1
  fi
done
[[ $fail == 0 ]] && echo "core/ compiles freestanding with $cc"
exit $fail
