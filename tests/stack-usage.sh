#!/usr/bin/env bash
# stack-usage.sh CC ROOT [BUDGET] - the worst-case stack depth of every
# public function of core/, from the compiler's own call graph: each core
# source is compiled with the kernel's flags (kernel/codegen.flags) plus
# -fstack-usage -fcallgraph-info=su, and the deepest call chain from each
# public function is summed. Calls through a function pointer (the caller's
# allocator, frame source, mapper, hooks) are counted as their call site
# only: their own stack is the integrator's (INTEGRATION.md, "Stack").
# Recursion is allowed only in the functions listed below with their bound
# (hbitmap.c's descents, a reservation store's walks, page-table teardown).
# Fails (exit 1) when a function exceeds BUDGET bytes (default: the one
# INTEGRATION.md promises), when a frame is unbounded (dynamic), when a
# cycle leaves that set, or when core/ calls a function it does not define
# other than the compiler's memcpy / memset / memmove / memcmp. Exit 77 when
# CC is missing or cannot write a call graph (clang cannot). The table goes
# to stdout, deepest first.
set -euo pipefail
cc=${1:?usage: stack-usage.sh CC ROOT [BUDGET]}
root=${2:?usage: stack-usage.sh CC ROOT [BUDGET]}
root=$(cd "$root" && pwd) || exit 2 # absolute: the compiles run in a scratch dir
budget=${3:-5120}
command -v "$cc" >/dev/null || { echo "SKIP: $cc not installed"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! echo 'int f(void){return 0;}' | "$cc" -x c -c -fcallgraph-info=su -o "$out/probe.o" - 2>/dev/null; then
  echo "SKIP: $cc cannot write a call graph (-fcallgraph-info)"; exit 77
fi
rm -f "$out"/probe.*
# the kernel's code-generation flags (kernel/codegen.flags, which kernel/build.sh uses)
mapfile -t flags < <(sed 's/#.*//' "$root/kernel/codegen.flags" | grep -v '^[[:space:]]*$')
((${#flags[@]} > 0)) || { echo "FAIL: no flags in $root/kernel/codegen.flags"; exit 1; }
flags+=(-I"$root")
n=0
for src in "$root"/core/*.c "$root"/core/x86_64/*.c; do
  n=$((n + 1))
  (cd "$out" && "$cc" "${flags[@]}" -fstack-usage -fcallgraph-info=su -c "$src" -o "$out/u$n.o")
done
# The recursive functions and how deep each may go (read from the sources),
# as groups "f+g=rounds": the functions of a group may call each other and
# themselves, one round of the group per level, at most `rounds` rounds,
# each counted as every frame of the group. The hierarchical bitmap's
# descents go one level down per round (leaf_range_at; range_node and
# range_child); a reservation store's walks one store level (plus the
# chunk); page-table teardown one paging level.
def() { sed -n "s/^#define $1 \([0-9]*\)u\{0,1\}\([[:space:]].*\)\{0,1\}$/\1/p" "$root/$2" | head -1; }
hb=$(def HBITMAP_MAX_HEIGHT core/hbitmap.h)
st=$(def VMM_STORE_MAX_HEIGHT core/vmm_records.c)
pml4=$(def X86_LEVEL_PML4 core/x86_64/pte.h)
[[ -n $hb && -n $st && -n $pml4 ]] || { echo "FAIL: a recursion bound was not found in the sources"; exit 1; }
groups="leaf_range_at=$hb range_node+range_child=$hb subtree_bytes=$((st + 1))"
groups+=" subtree_mapped=$((st + 1)) subtree_delete=$((st + 1)) destroy_table=$((pml4 + 1))"

awk -v budget="$budget" -v groups="$groups" '
BEGIN {
  n = split(groups, g, " ")
  for (i = 1; i <= n; i++) {
    split(g[i], kv, "="); rounds[i] = kv[2] + 0
    m = split(kv[1], names, "+"); for (j = 1; j <= m; j++) group_of[names[j]] = i
  }
}
function short(f) { sub(/.*:/, "", f); sub(/\..*/, "", f); return f }
function grp(f) { return (short(f) in group_of) ? group_of[short(f)] : 0 }
# node: { title: "T" label: "NAME\nFILE:LINE:COL\nN bytes (KIND)" }
/^node:/ {
  t = $0; sub(/.*title: "/, "", t); sub(/".*/, "", t)
  l = $0; sub(/.*label: "/, "", l); sub(/".*/, "", l)
  if (t == "__indirect_call" || l !~ / bytes \(/) next
  b = l; sub(/.*\\n/, "", b); kind = b; sub(/ bytes.*/, "", b); sub(/.*\(/, "", kind); sub(/\).*/, "", kind)
  frame[t] = b + 0; defined[t] = 1; pub[t] = (t !~ /:/)
  if (grp(t)) members[grp(t)] = members[grp(t)] " " t
  if (kind !~ /^(static|dynamic,bounded)$/) { print "FAIL: " short(t) ": its frame is " kind; bad = 1 }
  next
}
/^edge:/ {
  s = $0; sub(/.*sourcename: "/, "", s); sub(/".*/, "", s)
  d = $0; sub(/.*targetname: "/, "", d); sub(/".*/, "", d)
  if (d == "__indirect_call") next            # the integrator s callback
  if (grp(s) && grp(s) == grp(d)) next        # a round of a known recursion
  if (d == s) { print "FAIL: " short(s) " recurses with no known bound"; bad = 1; next }
  if (!((s, d) in seen)) { seen[s, d] = 1; ncallee[s]++; callee[s, ncallee[s]] = d }
  next
}
# below(f): the deepest of f s callees; deepest(f): the bytes from entering
# f to its deepest return (for a group member: the whole group s rounds).
function below(f,    i, c, best) {
  best = 0
  for (i = 1; i <= ncallee[f]; i++) { c = deepest(callee[f, i]); if (c > best) best = c }
  return best
}
function deepest(f,    G, m, k, sum, best, c, key) {
  if (!(f in defined)) {
    if (f !~ /^(memcpy|memset|memmove|memcmp)$/) { print "FAIL: core calls " f ", which it does not define"; bad = 1 }
    return 0
  }
  G = grp(f); key = G ? "group " G : f
  if (key in memo) return memo[key]
  if (key in onpath) { print "FAIL: recursion through several functions, at " short(f); bad = 1; return 0 }
  onpath[key] = 1
  if (G) {
    k = split(substr(members[G], 2), m, " "); sum = 0; best = 0
    for (i = 1; i <= k; i++) { sum += frame[m[i]]; c = below(m[i]); if (c > best) best = c }
    memo[key] = rounds[G] * sum + best
  } else memo[key] = frame[f] + below(f)
  delete onpath[key]
  return memo[key]
}
END {
  for (f in defined) if (pub[f]) {
    d = deepest(f)
    printf "%6d  %s\n", d, f | "sort -rn"
    if (d > worst) { worst = d; wf = f }
    if (d > budget) over = over " " f "(" d ")"
  }
  close("sort -rn")
  if (over != "") { print "FAIL: over the budget of " budget " bytes:" over; bad = 1 }
  if (!bad) printf "stack: every public core function needs at most %d bytes (deepest: %s, %d), callbacks not counted\n", budget, wf, worst
  exit bad
}' "$out"/*.ci
