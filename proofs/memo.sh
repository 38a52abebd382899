# memo.sh - prove.sh's shard memo (sourced by prove.sh, not run on its own).
# shellcheck shell=bash
#
# A shard whose every input is byte for byte the same as in a strict run that
# proved ALL its goals takes that run's goal list (a record) instead of
# deriving its goals again. A record claims: "Frama-C/WP with these tools and
# options, over exactly these files, proved every goal of this shard; these
# are the goals". Records live in proofs/wp-memo/<unit>/<key>.json, committed.
#
# The key is a SHA-256 over:
#   - the shard's selection: functions, extra logic files, options, as
#     shard_fcts prints them (paths relative to the repository);
#   - by content, every file the run's C preprocessor reads: gcc -MM over
#     core/<unit>.c with proofs/<unit>.acsl and the line's files included
#     (the source, its headers, the logic files); frama-c's own libc headers
#     come with its version;
#   - prove.sh, this file, proofs/wp_gc.ml;
#   - the unit's flags, the timeout, VMM_WP_FLAGS, the versions of Frama-C,
#     Why3 and CVC4.
# Any byte changed in any of these is a new key: that shard is proved again
# from the goal cache (proofs/wp-cache) and CVC4. README, the harness, the
# comments of proofs/<unit>.shards, the goal cache and the session scripts
# (proofs/wp-session) are not inputs: a record says which goals are valid,
# and a goal's validity depends on its task only, not on how (or how fast)
# a prover found the proof; ctest's `check` derives every goal again, so a
# script that no longer replays fails there. A shard with no gcc (no key)
# is simply proved.
#
# VMM_WP_MEMO=<mode>:
#   use    reuse the record of a shard whose key matches (the default of a warm
#          replay, so `./fuzz.sh prove` on an unchanged tree reads records);
#   off    never read one (the default in update mode and when the goal cache
#          is empty: a cold run proves everything);
#   check  prove every shard, and fail when a shard whose key has a record did
#          not prove exactly the record's goals (ctest's proof tests: the
#          records are checked on every CI run, not trusted);
#   record prove every shard, write a record for each shard that proved every
#          goal, and delete this unit's records that no shard's key names.

MEMO_DIR=${VMM_WP_MEMO_DIR:-$ROOT/proofs/wp-memo}
MEMO_TOOLS=""

# memo_init: the tools' identity, computed once a run.
memo_init() {
  local cvc4
  cvc4=$("$CVC4_PATH" --version 2>/dev/null | sed -n 1p || true)
  MEMO_TOOLS="frama-c $(frama-c -version 2>/dev/null | sed -n 1p); why3 $(why3 --version 2>/dev/null | sed -n 1p); $cvc4"
}

# memo_key UNIT N: the key of shard N of UNIT (empty when gcc cannot list the
# files the run reads).
memo_key() {
  local spec inc=() f deps
  spec=$(shard_fcts "$1" "$2")
  for f in $(grep -oE -- "-include$ROOT/[^ ]+\.acsl" <<<"$spec" | sed "s|^-include$ROOT/||" || true); do
    inc+=(-include "$f")
  done
  command -v gcc >/dev/null 2>&1 || return 0
  deps=$(cd "$ROOT" && gcc -MM -I. -include "proofs/$1.acsl" "${inc[@]}" "$(unit_source "$1")" 2>/dev/null |
    tr -d '\\' | tr -s ' \n' '\n' | tail -n +2 | LC_ALL=C sort -u) || return 0
  [[ -n $deps ]] || return 0
  {
    echo "vmm wp memo 1"
    echo "unit $1"
    echo "selection ${spec//$ROOT/.}"
    echo "flags $(unit_flags "$1") timeout $TIMEOUT extra ${VMM_WP_FLAGS:-}"
    echo "tools $MEMO_TOOLS"
    (cd "$ROOT" && sha256sum proofs/prove.sh proofs/memo.sh proofs/wp_gc.ml $deps)
  } | sha256sum | cut -c1-64
}

# memo_restore UNIT N KEY DIR: writes the record of KEY into DIR as run_wp
# would have (report.json, wp.log, rc, time, fcts); fails when there is none.
memo_restore() {
  local rec=$MEMO_DIR/$1/$3.json
  [[ -n $3 && -f $rec ]] || return 1
  mkdir -p "$4"
  python3 - "$rec" "$4" <<'EOF' || return 1
import json, sys
rec, out = json.load(open(sys.argv[1])), sys.argv[2]
n = 0
report = {}
for part in ("wp:functions", "wp:axiomatics"):
    secs = rec["goals"].get(part, {})
    if secs:
        report[part] = {s: {g: {"wp:main": {"total": t, "valid": t}} for g, t in gs.items()}
                        for s, gs in secs.items()}
        n += sum(len(gs) for gs in secs.values())
report["wp:global"] = {"memo": {"total": n, "valid": n}}
json.dump(report, open(out + "/report.json", "w"))
with open(out + "/wp.log", "w") as log:
    log.write("memo: inputs unchanged since %s (%s); goals not derived again\n"
              % (rec["recorded"], sys.argv[1]))
    log.write("[wp] Proved goals: %d / %d\n" % (n, n))
EOF
  echo 0 >"$4/rc"
  echo "0 0 0" >"$4/time"
  shard_fcts "$1" "$2" >"$4/fcts"
  echo "$3" >"$4/memo"
}

# memo_goals DIR: the shard's goals (section, goal, total) as JSON, when its
# run exited 0 and proved every goal; fails otherwise.
memo_goals() {
  [[ $(cat "$1/rc" 2>/dev/null) == 0 && -s $1/report.json ]] || return 1
  python3 - "$1/report.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
goals = {}
for part in ("wp:functions", "wp:axiomatics"):
    for s, gs in report.get(part, {}).items():
        for g, st in gs.items():
            if g.startswith("wp:"):
                continue
            m = st.get("wp:main", {})
            if not (m.get("total", 0) > 0 and m.get("valid", 0) == m["total"]):
                sys.exit(1)
            goals.setdefault(part, {}).setdefault(s, {})[g] = m["total"]
print(json.dumps(goals, sort_keys=True))
EOF
}

# memo_record UNIT N KEY DIR: writes KEY's record from the run in DIR when it
# proved every goal of the shard.
memo_record() {
  local goals
  [[ -n $3 && ! -f $MEMO_DIR/$1/$3.json ]] || return 0 # a key's record stays as first made
  goals=$(memo_goals "$4") || return 0
  mkdir -p "$MEMO_DIR/$1"
  python3 - "$MEMO_DIR/$1/$3.json" "$1" "$2" "$(date -u +%FT%TZ)" "$MEMO_TOOLS" \
    "$(shard_fcts "$1" "$2" | sed "s|$ROOT/||g")" "$goals" <<'EOF'
import json, sys
path, unit, n, when, tools, sel, goals = sys.argv[1:]
rec = {"unit": unit, "shard": int(n), "selection": sel, "recorded": when, "tools": tools,
       "goals": json.loads(goals)}
with open(path, "w") as f:
    json.dump(rec, f, indent=0, sort_keys=True)
    f.write("\n")
EOF
}

# memo_check UNIT N KEY DIR: true unless KEY has a record and the run in DIR
# did not prove exactly its goals.
memo_check() {
  local rec=$MEMO_DIR/$1/$3.json goals
  [[ -n $3 && -f $rec ]] || return 0
  goals=$(memo_goals "$4") || return 1
  python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["goals"] != json.loads(sys.argv[2]))' \
    "$rec" "$goals"
}

# memo_prune UNIT KEYS...: deletes the unit's records that no key names.
memo_prune() {
  local unit=$1 f
  shift
  for f in "$MEMO_DIR/$unit"/*.json; do
    [[ -f $f ]] || continue
    # (grep reads every key: with -q, an early exit is a SIGPIPE, a failure)
    printf '%s\n' "$@" | grep -xF "$(basename "$f" .json)" >/dev/null || rm -f "$f"
  done
}
