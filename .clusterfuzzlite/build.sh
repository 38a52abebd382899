#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of the fuzz targets (harness/fuzz_*.c)
# over the unchanged core. Uses only the conventional variables: $CC,
# $CFLAGS, $LIB_FUZZING_ENGINE, $OUT (and $SRC, $WORK). Writes, per target
# t: $OUT/fuzz_<t>, fuzz_<t>_seed_corpus.zip, fuzz_<t>.dict, fuzz_<t>.options.
# VMM_SRC overrides where the repository is (default $SRC/vmm).
ROOT=${VMM_SRC:-$SRC/vmm}
WORK=${WORK:-$(mktemp -d)}
OBJ=$WORK/vmm-obj
mkdir -p "$OBJ" "$OUT"
LINK=${CXX:-$CC}

# The core (instrumented by $CFLAGS) and the harness support code.
objs=()
for src in "$ROOT"/core/*.c "$ROOT"/core/x86_64/*.c; do
  o=$OBJ/core_$(basename "$(dirname "$src")")_$(basename "$src" .c).o
  $CC $CFLAGS -std=c11 -I"$ROOT" -c "$src" -o "$o"
  objs+=("$o")
done
INC=(-I"$ROOT" -I"$ROOT/harness" -I"$ROOT/tests/lib")
while read -r src; do
  o=$OBJ/support_$(basename "$src" .c).o
  $CC $CFLAGS -std=c11 "${INC[@]}" -c "$ROOT/$src" -o "$o"
  objs+=("$o")
done <"$ROOT/harness/fuzz_support.list"

zip_dir() { # zip_dir <zip> <dir>: the files of dir, flat
  rm -f "$1"
  if command -v zip >/dev/null; then
    zip -q -j "$1" "$2"/*
  else
    python3 -c 'import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for f in sorted(os.listdir(sys.argv[2])):
        z.write(os.path.join(sys.argv[2], f), f)' "$1" "$2"
  fi
}

for t in bitmap pmm paging vmm boot_init; do
  [[ -f $ROOT/harness/fuzz_$t.c ]] || continue
  $CC $CFLAGS -std=c11 "${INC[@]}" -c "$ROOT/harness/fuzz_$t.c" -o "$OBJ/fuzz_$t.o"
  $LINK $CFLAGS "$OBJ/fuzz_$t.o" "${objs[@]}" $LIB_FUZZING_ENGINE -o "$OUT/fuzz_$t"
  zip_dir "$OUT/fuzz_${t}_seed_corpus.zip" "$ROOT/corpus/$t"
  cp "$ROOT/corpus/$t.dict" "$OUT/fuzz_$t.dict"
  printf '[libfuzzer]\nmax_len = 2048\ndict = fuzz_%s.dict\n' "$t" >"$OUT/fuzz_$t.options"
done
