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
       -fno-builtin -Wall -Wextra -Werror -pedantic -Wconversion -Wshadow -Wcast-qual \
       -Wstrict-prototypes -Wmissing-prototypes -O2 -I"$root" -c "$src" -o "$out/x.o"; then
    echo "FAIL: $src"; fail=1
  fi
done
# The tests/lib doubles the kernel links (kernel/doubles.list): no libc.
while read -r d; do
  [[ -z $d || $d == \#* ]] && continue
  if ! "$cc" -std=c11 -ffreestanding -nostdlib -mno-red-zone -mgeneral-regs-only \
       -fno-builtin -Wall -Wextra -Werror -pedantic -O2 -I"$root" -c "$root/$d" -o "$out/x.o"; then
    echo "FAIL: $d (a double the kernel links) is not freestanding"; fail=1
  fi
  bad=$(grep -hoE '#\s*include\s*<[^>]+>' "$root/$d" "${root}/${d%.c}.h" |
        grep -vE '<(stdint|stddef|stdbool|limits|stdalign)\.h>' | sort -u)
  if [[ -n $bad ]]; then echo "FAIL: $d includes non-freestanding headers: $bad"; fail=1; fi
done <"$root/kernel/doubles.list"
[[ $fail == 0 ]] && echo "core/ and the kernel's doubles compile freestanding with $cc"
exit $fail
