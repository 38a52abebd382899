#!/usr/bin/env bash
# report.sh OUT [--strict] - the mutation scores of a mutate.sh run in OUT:
# per file, per layer (core generic, core/x86_64) and in all, for the unit
# tests, fuzzing from the committed corpus and fuzzing from an empty corpus,
# then the survivors (file:line, original ==> mutant). Mutants listed in
# harness/mutate/equivalent.txt are equivalent: out of every score. Both
# lists name a mutant by its identity, never by line number: file, original
# line, mutated line (blanks squeezed), context (the nearest non-blank line
# above, or "-" when the pair is on one line of the file only); entries
# naming no one mutant of the current core are printed as stale.
# Writes OUT/summary.tsv (key<TAB>value) for bench/mutate-rows.sh.
# harness/mutate/known-gaps.txt lists survivors that are missing checks
# still open (same format): they count as survivors in every score, and
# --strict (the ctest's verdict: exit 1 when a mutant that neither list
# names survives fuzzing from the corpus) tolerates them until the check
# lands and the line goes.
set -euo pipefail
ROOT=${VMM_ROOT:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)}
OUT=$1
STRICT=0; [[ ${2:-} == --strict ]] && STRICT=1
EQUIV=${VMM_MUTATE_EQUIVALENT:-$ROOT/harness/mutate/equivalent.txt}
GAPS=${VMM_MUTATE_GAPS:-$ROOT/harness/mutate/known-gaps.txt}
[[ -f $OUT/results.tsv ]] || { echo "report.sh: no $OUT/results.tsv" >&2; exit 2; }

[[ -f $OUT/run.txt ]] && sed 's/^# //' "$OUT/run.txt"
# One awk: the two lists, the catalogue (to find stale entries), then the
# results.
awk -F'\t' -v strict="$STRICT" -v summary="$OUT/summary.tsv" '
  function pct(k, n) { return n ? sprintf("%d/%d %5.1f%%", k, n, 100 * k / n) : "-" }
  function layer(f) { return f ~ /^core\/x86_64\// ? "core/x86_64" : "core (generic)" }
  FILENAME == ARGV[1] || FILENAME == ARGV[2] {   # equivalent.txt, known-gaps.txt
    if ($0 ~ /^#/ || NF < 5) next
    key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4; w = FILENAME == ARGV[1] ? "eq" : "gap"
    list[w, key] = 1
    entry[w, key] = $1 "  " $2 "  ==>  " $3 ($4 == "-" ? "" : "  (below \"" $4 "\")"); next
  }
  FILENAME == ARGV[3] {                         # catalogue: file line b64 orig mut context
    pair = $1 SUBSEP $4 SUBSEP $5; ctx[FNR] = $6; catfile[$1] = 1
    if (!((pair, $2) in line_of)) { line_of[pair, $2] = 1; lines[pair]++ }
    exists[pair SUBSEP $6] = 1; next
  }
  {                                             # results: idx file line unit corpus empty orig mut
    f = $2; pair = f SUBSEP $7 SUBSEP $8
    files[f] = 1; L = layer(f); layers[L] = 1
    if ($4 == "nobuild") { nobuild++; next }
    listed = on("eq", pair, $1); gap = on("gap", pair, $1)
    n[f]++; n[L]++; n["all"]++
    if (listed) { equiv[f]++; equiv[L]++; equiv["all"]++ }
    for (m = 1; m <= 3; m++) {
      v = $(m + 3); if (v == "-") continue
      ran[m] = 1
      if (listed) continue
      tot[m, f]++; tot[m, L]++; tot[m, "all"]++
      if (v ~ /^killed/ && v !~ /: no end within/) { k[m, f]++; k[m, L]++; k[m, "all"]++ }
      else if (gap) gaps[m] = gaps[m] sprintf("  %s:%s  %s  ==>  %s\n", f, $3, $7, $8)
      else surv[m] = surv[m] sprintf("  %s:%s  %s  ==>  %s\n", f, $3, $7, $8)
    }
  }
  END {
    name[1] = "unit tests"; name[2] = "fuzz from corpus"; name[3] = "fuzz from empty"
    printf "\nMutation score (killed / non-equivalent mutants run)\n"
    printf "%-24s %7s %5s  %-16s %-16s %-16s\n", "file", "mutants", "equiv", name[1], name[2], name[3]
    nf = asorti_files(files, order)
    for (i = 1; i <= nf; i++) line(order[i])
    print ""
    line("core (generic)"); line("core/x86_64"); line("all")
    if (nobuild) printf "(%d mutant(s) did not build with the sanitizer flags: left out)\n", nobuild
    for (m = 1; m <= 3; m++) {
      if (!(m in ran)) continue
      printf "\nSurvivors, %s (in neither list):\n%s", name[m], surv[m] == "" ? "  none\n" : surv[m]
      if (gaps[m] != "") printf "Survivors, %s, known gaps (known-gaps.txt):\n%s", name[m], gaps[m]
    }
    for (m = 1; m <= 3; m++) {
      key = m == 1 ? "unit" : m == 2 ? "corpus" : "empty"
      printf "%s_killed\t%d\n%s_total\t%d\n", key, k[m, "all"], key, tot[m, "all"] > summary
    }
    printf "mutants\t%d\nequivalent\t%d\n", n["all"], equiv["all"] > summary
    for (wk in entry) {                          # list entries naming no one mutant
      split(wk, p, SUBSEP); pair = p[2] SUBSEP p[3] SUBSEP p[4]
      if (!(p[2] in catfile)) continue
      bad = p[5] == "-" ? lines[pair] != 1 : !((pair SUBSEP p[5]) in exists)
      if (!bad) continue
      why = ""
      if (p[5] == "-" && lines[pair] > 1)
        why = sprintf(" (now on %d lines: add the line above as context)", lines[pair])
      stale = stale sprintf("  %s: %s%s\n", (p[1] == "eq" ? "equivalent.txt" : "known-gaps.txt"),
                            entry[wk], why)
    }
    if (stale != "") printf "\nStale list entries (no such mutant in the current core):\n%s", stale
    if (strict && surv[2] != "") exit 1
  }
  function on(w, pair, idx) {   # listed in w: by its context, or by "-" when the pair is unique
    return ((w, pair SUBSEP ctx[idx]) in list) || (((w, pair SUBSEP "-") in list) && lines[pair] == 1)
  }
  function line(f) {
    printf "%-24s %7d %5d  %-16s %-16s %-16s\n", f, n[f], equiv[f],
      (1 in ran) ? pct(k[1, f], tot[1, f]) : "-", (2 in ran) ? pct(k[2, f], tot[2, f]) : "-",
      (3 in ran) ? pct(k[3, f], tot[3, f]) : "-"
  }
  function asorti_files(a, o,    c, x, i, j, t) {   # portable sort of the keys
    c = 0; for (x in a) o[++c] = x
    for (i = 2; i <= c; i++) { t = o[i]; for (j = i - 1; j >= 1 && o[j] > t; j--) o[j + 1] = o[j]; o[j + 1] = t }
    return c
  }
' "$EQUIV" "$GAPS" "$OUT/catalogue.tsv" "$OUT/results.tsv"
