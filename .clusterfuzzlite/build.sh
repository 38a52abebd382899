#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of the fuzz targets over the unchanged
# core. Uses only the conventional variables: $CC, $CFLAGS,
# $LIB_FUZZING_ENGINE, $OUT (and $SRC, $WORK). CMake configures the
# repository with them and writes the one list of fuzz targets
# (fuzz-targets.txt, harness/CMakeLists.txt); every listed libFuzzer target
# that needs nothing beyond the compiler is built and written to $OUT as
# fuzz_<t>, fuzz_<t>_seed_corpus.zip, fuzz_<t>.dict, fuzz_<t>.options.
# Targets that need Unicorn (emu) are skipped: the runner image has no
# libunicorn. VMM_SRC overrides where the repository is (default $SRC/vmm).
ROOT=${VMM_SRC:-$SRC/vmm}
WORK=${WORK:-$(mktemp -d)}
BUILD=$WORK/vmm-build
mkdir -p "$OUT"

# The CMake targets link libFuzzer with -fsanitize=fuzzer (what
# ClusterFuzzLite's libFuzzer builds pass as $LIB_FUZZING_ENGINE).
if [[ $LIB_FUZZING_ENGINE != "-fsanitize=fuzzer" ]]; then
  echo "build.sh: only libFuzzer builds are supported (LIB_FUZZING_ENGINE=$LIB_FUZZING_ENGINE)" >&2
  exit 1
fi
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE= -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
  -DVMM_FUZZ_ENGINE=libfuzzer >"$WORK/vmm-configure.log" 2>&1 \
  || { cat "$WORK/vmm-configure.log" >&2; exit 1; }

LIST=$BUILD/fuzz-targets.txt     # name, needs, replayer, libFuzzer, AFL++ (tab-separated)
targets=()
while IFS=$'\t' read -r name needs _ fuzz _; do
  [[ $name == \#* || -z $name ]] && continue
  if [[ $needs != - ]]; then echo "build.sh: skipping $name (needs $needs)"; continue; fi
  [[ $fuzz != - ]] && targets+=("$name")
done <"$LIST"
((${#targets[@]})) || { echo "build.sh: no libFuzzer target in $LIST" >&2; exit 1; }
cmake --build "$BUILD" -j"$(nproc)" --target "${targets[@]/#/fuzz_}" fuzz_gen_corpus

# max_len <target>: the input bound of harness/fuzz_ops.h's format table
# (fuzz_gen_corpus --max-len), 2048 for a target without one.
max_len() {
  local n
  n=$("$BUILD/harness/fuzz_gen_corpus" --max-len "$1" 2>/dev/null) || n=2048
  [[ $n =~ ^[0-9]+$ ]] || n=2048
  echo "$n"
}

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

for t in "${targets[@]}"; do
  cp "$(awk -F'\t' -v t="$t" '$1 == t { print $4 }' "$LIST")" "$OUT/fuzz_$t"
  zip_dir "$OUT/fuzz_${t}_seed_corpus.zip" "$ROOT/corpus/$t"
  cp "$ROOT/corpus/$t.dict" "$OUT/fuzz_$t.dict"
  printf '[libfuzzer]\nmax_len = %s\ndict = fuzz_%s.dict\n' "$(max_len "$t")" "$t" >"$OUT/fuzz_$t.options"
  echo "build.sh: fuzz_$t"
done
