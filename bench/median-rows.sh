#!/usr/bin/env bash
# median-rows.sh FILE... - merges the Markdown rows of several vmm_bench
# processes (one FILE each, the same figures in the same order) into one
# table: for every figure, the row of the MEDIAN process, with "median of N
# processes: LO - HI" appended to its note when the processes disagree.
#
# Why (bench/README.md, "Timing"): at 2^24 pages one process's reserve +
# release time is a draw from a wide range (289 - 430 ns in 19 quiet runs,
# round 22: where its memory landed), while every repetition inside one
# process sees the same placement. The median of several fresh processes is
# a figure that repeats; one process is not.
#
# A row's key is its ratio ("1471x", "5.88x", "1/40"), or, for rows without
# one (growth, memory), its value ("1.57x", "480256 bytes"). A figure some
# FILE lacks is printed as the first file has it. With N even the median is
# the lower middle row. Exit 2 on a usage error.
set -euo pipefail
(($# > 0)) || { echo "usage: median-rows.sh FILE..." >&2; exit 2; }
awk -v nfiles=$# '
# num(s): the number a cell starts with; 1/N is 1 / N; "" when none.
function num(s) {
  gsub(/^ +| +$/, "", s)
  if (s ~ /^1\/[0-9.]+$/) return 1 / substr(s, 3)
  if (s ~ /^[0-9.]+/) { match(s, /^[0-9.]+/); return substr(s, 1, RLENGTH) + 0 }
  return ""
}
# fmt(x): a key as the table writes it.
function fmt(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.2f", x) }
/^\|/ {
  n = split($0, c, / \| /)
  fig = substr(c[1], 3)
  key = num(c[4]); if (key == "") key = num(c[2])
  if (!(fig in count)) order[++figs] = fig
  i = ++count[fig]
  row[fig, i] = $0; k[fig, i] = key
}
END {
  for (f = 1; f <= figs; f++) {
    fig = order[f]; m = count[fig]
    # insertion sort of the indexes by key (m is small)
    for (i = 1; i <= m; i++) idx[i] = i
    for (i = 2; i <= m; i++)
      for (j = i; j > 1 && k[fig, idx[j - 1]] > k[fig, idx[j]]; j--) {
        t = idx[j]; idx[j] = idx[j - 1]; idx[j - 1] = t
      }
    med = row[fig, idx[int((m + 1) / 2)]]
    lo = k[fig, idx[1]]; hi = k[fig, idx[m]]
    if (m > 1 && lo != "" && lo != hi) {
      sub(/ \|$/, "", med)
      sub(/ +$/, "", med)
      note = "median of " m " processes: " fmt(lo) " - " fmt(hi)
      med = med ~ /\| *$/ ? med " " note " |" : med "; " note " |"
    }
    print med
  }
}' "$@"
