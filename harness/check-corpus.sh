#!/usr/bin/env bash
# check-corpus.sh GEN CORPUS - the committed corpus is whole (ctest
# corpus_current, label regress): a replay of a corpus that lost or garbled
# its inputs still passes, so this is the test that notices.
#  - every seed the generator GEN (fuzz_gen_corpus) writes is in CORPUS byte
#    for byte, and CORPUS has no seed-* file GEN does not write;
#  - every input named by its SHA-1 (a merged one) holds that content;
#  - every other named input (a regression: regress-*, regress_*) is listed
#    in CORPUS/MANIFEST (`sha1sum` lines) with its content, and every listed
#    file is there.
# Exit 0 when all hold, 1 naming each file that does not.
set -euo pipefail
gen=$1 corpus=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" "$tmp" >/dev/null
bad=0
fail() { echo "corpus: $*"; bad=$((bad + 1)); }
files() { (cd "$1" && find . -mindepth 2 -type f | sed 's#^\./##' | LC_ALL=C sort); }

while IFS= read -r f; do
  case $f in
    */seed-*)
      if [[ ! -f $tmp/$f ]]; then fail "$f: STALE, no generator writes it (harness/gen_corpus.c)"
      elif ! cmp -s "$tmp/$f" "$corpus/$f"; then fail "$f: DIFFERS from what ./fuzz.sh gen writes"; fi ;;
    *)
      name=${f##*/}
      if [[ $name =~ ^[0-9a-f]{40}$ ]]; then
        [[ $(sha1sum <"$corpus/$f" | cut -c1-40) == "$name" ]] || fail "$f: its content is not the SHA-1 it is named by"
      elif ! grep -q "  $f\$" "$corpus/MANIFEST"; then
        fail "$f: not in corpus/MANIFEST (a new regression input? add: $(cd "$corpus" && sha1sum "$f"))"
      fi ;;
  esac
done < <(files "$corpus")
while IFS= read -r f; do
  [[ -f $corpus/$f ]] || fail "$f: MISSING (./fuzz.sh gen writes it)"
done < <(files "$tmp" | grep '/seed-')
while read -r sum f; do
  [[ -n $f ]] || continue
  if [[ ! -f $corpus/$f ]]; then fail "$f: MISSING (listed in corpus/MANIFEST)"
  elif [[ $(sha1sum <"$corpus/$f" | cut -c1-40) != "$sum" ]]; then fail "$f: DIFFERS from its corpus/MANIFEST line"; fi
done < <(grep -v '^#' "$corpus/MANIFEST")
seeds=$(files "$tmp" | grep -c '/seed-' || true)
if ((bad)); then
  echo "corpus: $bad problem(s) in $corpus"
  exit 1
fi
echo "corpus: $seeds generated seeds as written, $(grep -vc '^#' "$corpus/MANIFEST") regression inputs as listed, every SHA-1-named input intact"
