#!/usr/bin/env bash
# mutate-rows.sh - the mutation-score rows of ./fuzz.sh bench, from the last
# ./fuzz.sh mutate run (out/mutate/), else from the committed record of the
# last large run (harness/mutate/last-run/). No mutant is run here: a run
# takes an hour; the rows say which run, when, and on what sample.
# Prints Markdown rows: | Figure | Core | Baseline | Ratio | Note |
set -euo pipefail
ROOT=${VMM_ROOT:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)}
dir=$ROOT/out/mutate
[[ -f $dir/summary.tsv && -f $dir/run.txt ]] || dir=$ROOT/harness/mutate/last-run
if [[ ! -f $dir/summary.tsv ]]; then
  echo "| mutation score of the harness | no run yet | - | - | run ./fuzz.sh mutate |"
  exit 0
fi
run=$(head -1 "$dir/run.txt" | sed 's/^# *//; s/mutate run //')
where=${dir#"$ROOT"/}
# row MODE FIGURE GOAL: one row from summary.tsv's MODE_killed / MODE_total.
row() {
  awk -F'\t' -v m="$1" -v fig="$2" -v goal="$3" -v run="$run" -v where="$where" '
    { v[$1] = $2 }
    END { k = v[m "_killed"]; n = v[m "_total"]
          if (n + 0 == 0) { printf "| %s | not run | - | - | %s |\n", fig, where; exit }
          s = 100 * k / n
          printf "| %s | %.1f%% (%d/%d killed) | goal >= %d%% | %.2fx | %s, %d equivalent left out (%s) |\n",
                 fig, s, k, n, goal, goal ? s / goal : 0, run, v["equivalent"], where }' "$dir/summary.tsv"
}
row corpus "mutation score: fuzzing from the committed corpus" 95
row empty "mutation score: fuzzing from an empty corpus" 80
row unit "mutation score: unit tests (ctest -L unit)" 0 | sed 's/goal >= 0%/no goal/; s/| 0\.00x |/| - |/'
