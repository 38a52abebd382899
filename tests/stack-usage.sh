#!/usr/bin/env bash
# stack-usage.sh CC ROOT [BUDGET] - the worst-case stack depth of every
# public function of core/, from the compiler's own call graph: each core
# source is compiled with the kernel's flags (kernel/build.sh) plus
# -fstack-usage -fcallgraph-info=su, and the deepest call chain from each
# public function is summed. Calls through a function pointer (the caller's
# allocator, frame source, mapper, hooks) are counted as their call site
# only: their own stack is the integrator's (INTEGRATION.md, "Stack").
# Recursion is allowed only in the set / clear descent of hbitmap.c
# (leaf_range_*), one round per level of the tree: at most
# HBITMAP_MAX_HEIGHT rounds, each counted as every frame of the cycle.
# Fails (exit 1) when a function exceeds BUDGET bytes (default: the one
# INTEGRATION.md promises), when a frame is unbounded (dynamic), when a
# cycle leaves that set, or when core/ calls a function it does not define
# other than the compiler's memcpy / memset / memmove / memcmp. Exit 77 when
# CC is missing or cannot write a call graph (clang cannot). The table goes
# to stdout, deepest first.
set -euo pipefail
cc=${1:?usage: stack-usage.sh CC ROOT [BUDGET]}
root=${2:?usage: stack-usage.sh CC ROOT [BUDGET]}
budget=${3:-4096}
command -v "$cc" >/dev/null || { echo "SKIP: $cc not installed"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! echo 'int f(void){return 0;}' | "$cc" -x c -c -fcallgraph-info=su -o "$out/probe.o" - 2>/dev/null; then
  echo "SKIP: $cc cannot write a call graph (-fcallgraph-info)"; exit 77
fi
rm -f "$out"/probe.*
# kernel/build.sh's code-generation flags (the ones that change frames)
flags=(-std=c11 -O2 -ffreestanding -fno-builtin -fno-stack-protector -fno-pic -fno-pie
       -mno-red-zone -mgeneral-regs-only -mcmodel=kernel -fno-asynchronous-unwind-tables
       -fno-omit-frame-pointer -fcf-protection=none -I"$root")
n=0
for src in "$root"/core/*.c "$root"/core/x86_64/*.c; do
  n=$((n + 1))
  (cd "$out" && "$cc" "${flags[@]}" -fstack-usage -fcallgraph-info=su -c "$src" -o "$out/u$n.o")
done
# The recursive functions and how deep each may go (read from the sources):
# the hierarchical bitmap's descent, one call per tree level; a reservation
# store's walks, one per store level plus the chunk; page-table teardown,
# one per paging level.
def() { sed -n "s/^#define $1 \([0-9]*\)u\{0,1\}\([[:space:]].*\)\{0,1\}$/\1/p" "$root/$2" | head -1; }
hb=$(def HBITMAP_MAX_HEIGHT core/hbitmap.h)
st=$(def VMM_STORE_MAX_HEIGHT core/vmm_records.c)
pml4=$(def X86_LEVEL_PML4 core/x86_64/pte.h)
[[ -n $hb && -n $st && -n $pml4 ]] || { echo "FAIL: a recursion bound was not found in the sources"; exit 1; }
bounds="leaf_range_at=$hb subtree_bytes=$((st + 1)) subtree_mapped=$((st + 1))"
bounds+=" subtree_delete=$((st + 1)) destroy_table=$((pml4 + 1))"

awk -v budget="$budget" -v bounds="$bounds" '
BEGIN {
  n = split(bounds, pairs, " ")
  for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); bound[kv[1]] = kv[2] + 0 }
}
function short(f) { sub(/.*:/, "", f); sub(/\..*/, "", f); return f }
# node: { title: "T" label: "NAME\nFILE:LINE:COL\nN bytes (KIND)" }
/^node:/ {
  t = $0; sub(/.*title: "/, "", t); sub(/".*/, "", t)
  l = $0; sub(/.*label: "/, "", l); sub(/".*/, "", l)
  if (t == "__indirect_call" || l !~ / bytes \(/) next
  b = l; sub(/.*\\n/, "", b); kind = b; sub(/ bytes.*/, "", b); sub(/.*\(/, "", kind); sub(/\).*/, "", kind)
  frame[t] = b + 0; defined[t] = 1; pub[t] = (t !~ /:/)
  if (kind !~ /^(static|dynamic,bounded)$/) { print "FAIL: " short(t) ": its frame is " kind; bad = 1 }
  next
}
/^edge:/ {
  s = $0; sub(/.*sourcename: "/, "", s); sub(/".*/, "", s)
  d = $0; sub(/.*targetname: "/, "", d); sub(/".*/, "", d)
  if (d == "__indirect_call") next            # the integrator s callback
  if (d == s) { self[s] = 1; next }           # bounded below, or refused
  if (!((s, d) in seen)) { seen[s, d] = 1; ncallee[s]++; callee[s, ncallee[s]] = d }
  next
}
# deepest(f): the bytes from entering f to its deepest return. A function
# that calls itself counts bound[] frames; any other cycle is refused.
function deepest(f,    i, c, best, rounds) {
  if (f in memo) return memo[f]
  if (!(f in defined)) {
    if (f !~ /^(memcpy|memset|memmove|memcmp)$/) { print "FAIL: core calls " f ", which it does not define"; bad = 1 }
    return 0
  }
  if (f in onpath) { print "FAIL: recursion through several functions, at " short(f); bad = 1; return 0 }
  onpath[f] = 1
  best = 0
  for (i = 1; i <= ncallee[f]; i++) { c = deepest(callee[f, i]); if (c > best) best = c }
  delete onpath[f]
  rounds = 1
  if (f in self) {
    if (!(short(f) in bound)) { print "FAIL: " short(f) " recurses with no known bound"; bad = 1 }
    else rounds = bound[short(f)]
  }
  return memo[f] = frame[f] * rounds + best
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
