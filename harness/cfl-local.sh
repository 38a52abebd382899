#!/usr/bin/env bash
# cfl-local.sh ROOT - runs .clusterfuzzlite/build.sh locally the way
# OSS-Fuzz would (clang-14, libFuzzer, ASan+UBSan), then checks that every
# target of the build's list (fuzz-targets.txt, needing nothing beyond the
# compiler) has its files in $OUT and runs its seed corpus (-runs=0).
# Exit 77 (skipped) without clang-14 or libFuzzer.
set -euo pipefail
ROOT=${1:-$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)}
command -v clang-14 >/dev/null || { echo "SKIP: clang-14 missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return (int)(d[0] * 0 + n * 0); }\n' >"$tmp/probe.c"
clang-14 -fsanitize=fuzzer "$tmp/probe.c" -o "$tmp/probe" 2>/dev/null \
  || { echo "SKIP: libFuzzer (libclang-rt-14-dev) missing"; exit 77; }

export CC=clang-14 SRC=$tmp/src OUT=$tmp/out WORK=$tmp/work VMM_SRC=$ROOT
export CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fsanitize=fuzzer-no-link -fno-sanitize-recover=all"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
unset CXX
mkdir -p "$SRC" "$WORK"
bash "$ROOT/.clusterfuzzlite/build.sh"

status=0
targets=$(awk -F'\t' '!/^#/ && $2 == "-" && $4 != "-" { print $1 }' "$WORK/vmm-build/fuzz-targets.txt")
[[ -n $targets ]] || { echo "FAIL: no target in $WORK/vmm-build/fuzz-targets.txt"; exit 1; }
for t in $targets; do
  for f in "fuzz_$t" "fuzz_${t}_seed_corpus.zip" "fuzz_$t.dict" "fuzz_$t.options"; do
    [[ -s $OUT/$f ]] || { echo "FAIL: $OUT/$f missing"; status=1; }
  done
  [[ -x $OUT/fuzz_$t ]] || continue
  mkdir -p "$tmp/seeds/$t"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$OUT/fuzz_${t}_seed_corpus.zip" "$tmp/seeds/$t"
  n=$(find "$tmp/seeds/$t" -type f | wc -l)
  if ((n == 0)); then echo "FAIL: empty seed corpus for $t"; status=1; continue; fi
  if "$OUT/fuzz_$t" -runs=0 -dict="$OUT/fuzz_$t.dict" "$tmp/seeds/$t" >"$tmp/$t.log" 2>&1; then
    echo "ok: fuzz_$t ran its $n seeds"
  else
    echo "FAIL: fuzz_$t on its seed corpus"; tail -20 "$tmp/$t.log"; status=1
  fi
done
exit $status
