#!/usr/bin/env bash
# cxx-headers.sh CXX CC ROOT - a kernel written in C++ uses the core: every
# public header compiles as C++11, C++17 and C++20 (-Wall -Wextra
# -Wpedantic -Werror), core/ compiled as C11 with CC links into it (C
# linkage: vmm_cdefs.h), and tests/cxx/use_core.cpp's calls behave.
# Exit 77 (skip) when CXX or CC is missing.
set -u
cxx=$1 cc=$2 root=$3
for c in "$cxx" "$cc"; do
  command -v "$c" >/dev/null || { echo "SKIP: $c not installed"; exit 77; }
done
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
objs=()
for src in "$root"/core/*.c "$root"/core/x86_64/*.c; do
  o=$out/$(basename "$(dirname "$src")")_$(basename "$src" .c).o
  "$cc" -std=c11 -O1 -I"$root" -c "$src" -o "$o" || { echo "FAIL: $cc $src"; exit 1; }
  objs+=("$o")
done
for std in c++11 c++17 c++20; do
  "$cxx" -std="$std" -Wall -Wextra -Wpedantic -Werror -I"$root" -c "$root/tests/cxx/use_core.cpp" \
    -o "$out/use_$std.o" || { echo "FAIL: $cxx -std=$std cannot compile the headers"; exit 1; }
done
"$cxx" -o "$out/use_core" "$out/use_c++17.o" "${objs[@]}" || { echo "FAIL: link (C linkage?)"; exit 1; }
"$out/use_core"
