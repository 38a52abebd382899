# memo.sh - prove.sh's shard memo (sourced by prove.sh, not run on its own).
# shellcheck shell=bash
#
# A shard whose every input is the same as in a strict run that proved ALL
# its goals takes that run's goal list (a record) instead of deriving its
# goals again. A record claims: "Frama-C/WP with these tools and options,
# over exactly these inputs, proved every goal of this shard; these are the
# goals". Records live in proofs/wp-memo/<unit>/<key>.json, committed.
#
# The key is a SHA-256 over:
#   - the shard's selection: functions, extra logic files, options, as
#     shard_fcts prints them (paths relative to the repository);
#   - the unit's source (core/<unit>.c) as a proof reads it, per function
#     (round 40): the text outside function bodies and contracts (types,
#     macros, global annotations, signatures), each body replaced by the
#     names of the functions it refers to (directly or through a macro: the
#     call graph, whose recursion clusters decide WP's decreases goals);
#     the bodies of the shard's own functions (all of them for the rest
#     shard: every function on no line and not skipped); and (round 41) the
#     contracts of those functions and of the functions their bodies call.
#     A body's annotations and statements are its function's, and WP reads
#     another function through its contract only, at a call. A contract is
#     the annotation right above a definition whose first word is a clause
#     (requires, ensures, .., or a macro that expands to one); any other
#     annotation is shared text. A function with no contract keeps its body
#     in the shared text. A ghost function (a global /*@ ghost .. */ block)
#     is proved on the line that names it, and its calls are in no C body:
#     a shard that proves one (or the rest shard) also holds the contracts
#     of the C functions global ghost blocks call;
#   - every other file the run's C preprocessor reads (gcc -MM over the
#     source with proofs/<unit>.acsl and the line's files included: its
#     headers and the logic files), by content; frama-c's own libc headers
#     come with its version;
#   - (round 42) the definitions of the macros the shard's text uses: each
#     #define above (source and files) is taken out of the text, and its
#     whole line with its place (the length of the text before it in its
#     file: a macro applies to the text after it) is keyed only by the
#     shards whose text (the shared source text, their bodies and the
#     contracts they read, the files their run reads) names it, directly or
#     through another macro's definition; a macro with ## in a used
#     definition keys every definition;
#   - prove.sh, this file, proofs/wp_gc.ml (byte for byte);
#   - the unit's flags, the timeout, VMM_WP_FLAGS, the versions of Frama-C,
#     Why3 and CVC4.
# Source, header and logic files are read as frama-c reads them: plain
# comments dropped and white space between code tokens as one space (a
# comment or a blank line changes no key; an annotation /*@ .. */ is kept
# byte for byte). Anything else changed is a new key: that shard is proved
# again from the goal cache (proofs/wp-cache) and CVC4. So a change to one
# function's body re-derives only the shards that prove it; a change to its
# contract only those that prove it or a caller; a change to a macro only
# the shards whose text uses it; a change to a type, a global annotation,
# a macro a global annotation uses, or a call every shard of the unit.
# README, the harness, the comments of proofs/<unit>.shards, the goal cache
# and the session scripts (proofs/wp-session) are not inputs: a record says
# which goals are valid, and a goal's validity depends on its task only,
# not on how (or how fast) a prover found the proof; ctest's `check`
# derives every goal again, so a script that no longer replays fails there,
# and so does a record whose shard's goals changed through an input the
# key leaves out. A shard with no gcc (no key) is simply proved.

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

# memo_keys UNIT: reads "N<TAB>SELECTION" lines (shard N of UNIT, what
# shard_fcts prints for it) and prints "N KEY" for each; KEY is empty when
# gcc cannot list the files that shard's run reads.
memo_keys() {
  command -v gcc >/dev/null 2>&1 || { sed 's/\t.*/ /'; return 0; }
  python3 -c "$MEMO_KEYS_PY" "$ROOT" "$1" "$(unit_source "$1")" \
    "$(printf 'vmm wp memo 5\nunit %s\nflags %s timeout %s extra %s\ntools %s' "$1" \
      "$(unit_flags "$1")" "$TIMEOUT" "${VMM_WP_FLAGS:-}" "$MEMO_TOOLS")" \
    "$(cd "$ROOT" && sha256sum proofs/prove.sh proofs/memo.sh proofs/wp_gc.ml | paste -sd' ')"
}
# (the key's Python: the source's slices and every file's hash computed
# once a run, gcc -MM once a unit)
MEMO_KEYS_PY=$(cat <<'EOF'
import hashlib, os, re, subprocess, sys

IDENT = re.compile(r"[A-Za-z_]\w*")
CLAUSE = re.compile(r"\s*(requires|ensures|assigns|behavior|terminates|decreases|allocates|frees|"
                    r"exits|complete|disjoint)\b")


TOKEN = re.compile(r"(?P<p>^[ \t]*#(?:[^\n]*\\\n)*[^\n]*)|(?P<x>/\*@.*?\*/|//@[^\n]*)"
                   r"|(?P<c>/\*.*?\*/|//[^\n]*)|(?P<s>\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*')",
                   re.M | re.S)


DEFINE = re.compile(r"[ \t]*#[ \t]*define[ \t]+(\w+)(.*)", re.S)


def strip(text, defs=None):
    """The text frama-c reads, as far as a proof goes: plain comments
    dropped, each run of white space in the code one space; annotations
    (/*@, //@), strings and preprocessor lines kept as they are. Also a
    mask, one char per char: 'c' code, 'p' preprocessor, 'x' the rest.
    With a list defs, each #define is taken out: [NAME, its whole line
    with white space as one space] goes into defs and a mark "\\0i\\0" (the
    i-th of defs) stands where it was, for place() to read: a shard's key
    takes the definitions of the macros its text uses, with their places."""
    parts, last = [], 0

    def code(t):
        if parts and parts[-1][0] == "c":
            parts[-1][1] += t
        else:
            parts.append(["c", t])

    for t in TOKEN.finditer(text):
        code(text[last:t.start()])
        d = DEFINE.match(t.group()) if t.lastgroup == "p" and defs is not None else None
        if t.lastgroup == "c":
            code(" ")
        elif d:
            parts.append(["p", "\0%d\0" % len(defs)])
            defs.append([d.group(1), re.sub(r"\s+", " ", t.group())])
        else:
            parts.append(["p" if t.lastgroup == "p" else "x", t.group()])
        last = t.end()
    code(text[last:])
    out = [re.sub(r"\s+", " ", t) if k == "c" else t for k, t in parts]
    return "".join(out), "".join(k * len(t) for (k, _), t in zip(parts, out))


def functions(s, m):
    """Top-level function bodies of a stripped text: (name, start, end), the
    body s[start:end] from its '{' to its '}'."""
    found, depth, i = [], 0, 0
    while i < len(s):
        if m[i] == "c" and s[i] == "{":
            if depth == 0:
                j = i - 1
                while j >= 0 and (m[j] != "c" or s[j].isspace()):
                    j -= 1
                if j >= 0 and s[j] == ")":
                    d = 0
                    while j >= 0:
                        if m[j] == "c" and s[j] == ")":
                            d += 1
                        elif m[j] == "c" and s[j] == "(":
                            d -= 1
                            if d == 0:
                                break
                        j -= 1
                    name = re.search(r"(\w+)\s*$", s[:j])
                    k, d = i, 0
                    while k < len(s):
                        if m[k] == "c" and s[k] in "{}":
                            d += 1 if s[k] == "{" else -1
                            if d == 0:
                                break
                        k += 1
                    if name and "p" not in m[i:k]:
                        found.append((name.group(1), i, k + 1))
                    i = k + 1
                    continue
            depth += 1
        elif m[i] == "c" and s[i] == "}":
            depth -= 1
        i += 1
    return found


MARK = re.compile(r"\0(\d+)\0")


def place(text, defs):
    """text without strip()'s marks; each mark's macro gets its place, the
    length of the text before it (a macro applies to the text after it:
    moving it across other text moves its place, another macro does not)."""
    out, n, last, space = [], 0, 0, False
    for t in [*MARK.finditer(text), None]:
        seg = text[last:t.start() if t else len(text)]
        if space and seg.startswith(" "):
            seg = seg[1:]  # the white space on both sides of a mark: one space
        out.append(seg)
        n += len(seg)
        space = seg.endswith(" ") if seg else space or not n  # (marks first: the start)
        if t:
            defs[int(t.group(1))].append(n)
            last = t.end()
    return "".join(out)


def uses(text):
    """The names a text uses."""
    return set(IDENT.findall(text))


def sha(b):
    return hashlib.sha256(b if isinstance(b, bytes) else b.encode()).hexdigest()


def main():
    root, unit, source, head, scripts = sys.argv[1:6]
    shards = [l.rstrip("\n").split("\t", 1) for l in sys.stdin if l.strip()]
    os.chdir(root)
    src = open(source, encoding="utf-8").read()
    src_defs = []
    s, m = strip(src, src_defs)
    fns = functions(s, m)
    names = {f for f, _, _ in fns}
    # Macros that reach a function (a call hidden in a macro): the #defines
    # of every file a shard reads (logic files are included before the
    # source), to a fixed point.
    deps_all = set()

    def gcc_deps(extra):
        inc = ["-include", "proofs/%s.acsl" % unit]
        for f in extra:
            inc += ["-include", f]
        r = subprocess.run(["gcc", "-MM", "-I.", *inc, source], capture_output=True, text=True)
        if r.returncode != 0:
            return None
        return sorted(set(r.stdout.replace("\\\n", " ").split()[1:]))

    # Every file the run's preprocessor reads: the unit's own (gcc -MM, once)
    # and the line's files; gcc again for a line whose file includes another.
    base = gcc_deps([])

    includes = {}

    def includes_any(f):
        if f not in includes:
            includes[f] = bool(re.search(r"^\s*#\s*include", open(f).read(), re.M))
        return includes[f]

    def deps_of(sel):
        extra = re.findall(r"-include%s/(\S+\.acsl)" % re.escape(root), sel)
        if base is None or any(includes_any(f) for f in extra):
            return gcc_deps(extra)
        return sorted(set(base) | set(extra))

    deps = [deps_of(sel) for _, sel in shards]
    for d in deps:
        deps_all.update(d or [])
    macro, macro_text = {}, {}
    for f in sorted(deps_all):
        if f.endswith((".h", ".c", ".acsl")):
            for mm in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(\w+)((?:[^\n]*\\\n)*[^\n]*)", open(f).read(), re.M):
                macro[mm.group(1)] = set(IDENT.findall(mm.group(2)))
                text = re.sub(r"^\([^)]*\)", "", mm.group(2).replace("\\\n", " "))
                macro_text[mm.group(1)] = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text)
    reach = set(names)
    while True:
        new = {k for k, v in macro.items() if k not in reach and v & reach}
        if not new:
            break
        reach |= new
    def is_clause(text, depth=0):
        """Whether text starts with a contract clause, directly or through
        macros (NODE_GROUP_RUNS_SPEC(..) expanding to requires ..); text
        has no // comment (its callers drop them)."""
        if CLAUSE.match(text):
            return True
        w = re.match(r"\s*(\w+)", text)
        return bool(w and w.group(1) in macro_text and depth < 16 and
                    is_clause(macro_text[w.group(1)], depth + 1))

    def expand(refs):
        """refs and every name the macros among them reach, to a fixed point."""
        out, todo = set(refs), list(refs)
        while todo:
            for r in macro.get(todo.pop(), set()) & reach:
                if r not in out:
                    out.add(r)
                    todo.append(r)
        return out

    # The part of the source every shard shares: each body replaced by what
    # it refers to (a changed call graph changes every key: WP's decreases
    # goals follow the recursion clusters); each body's own hash; and each
    # function's contract apart (round 41): WP reads a contract in the proof
    # of its function and at its calls, nothing else. A contract is the
    # annotation right above a definition (only the signature between them)
    # whose first word is a contract clause's; any other annotation (a
    # global one, a ghost function) stays in the shared text. A function
    # with no such contract keeps its body there too (Frama-C may read a
    # body for a spec it lacks).
    # A ghost function (in a global /*@ ghost .. */ block) is proved where a
    # line names it; the C functions such blocks call give their contracts
    # to those shards (ghost_calls).
    common, last, body, contract, calls, contract_text = [], 0, {}, {}, {}, {}
    ghost = set()
    spans = [(a, b) for _, a, b in fns]
    for t in re.finditer(r"/\*@\s*ghost\b(.*?)\*/", s, re.S):
        if (m[t.start()] == "x" and not re.match(r"\s*\(", t.group(1))
                and not any(a <= t.start() < b for a, b in spans)):
            ghost |= set(IDENT.findall(t.group(1))) & reach
    for f, a, b in fns:
        gap = s[last:a]
        specs = [t for t in re.finditer(r"/\*@(.*?)\*/", gap, re.S) if m[last + t.start()] == "x"]
        t = None
        for u in reversed(specs):  # the contract, then maybe ghost parameters
            text = re.sub(r"//[^\n]*", "", u.group(1))
            if is_clause(text):
                t = u
                break
            if not re.match(r"\s*ghost\s*\(", text):
                break
        sig = "".join(c for c, k in zip(gap[t.end():], m[last + t.end():a]) if k != "x") if t else ";"
        if t is not None and "p" not in m[last + t.end():a] and not re.search(r"[;{}]", sig):
            common.append(gap[:t.start()] + "@contract " + gap[t.end():])
            common.append("{%s}" % " ".join(sorted(set(IDENT.findall(s[a:b])) & reach)))
            body[f] = sha(s[a:b])
            contract[f] = sha(t.group(0))
            contract_text[f] = t.group(0)
            calls[f] = expand(set(IDENT.findall(s[a:b])) & reach) & names
        else:
            common.append(gap + s[a:b])
        last = b
    common.append(s[last:])
    ghost_read = expand(ghost) & set(contract)
    common = place("".join(common), src_defs)
    common_ids = uses(common)
    common = sha(common)
    if os.environ.get("VMM_WP_MEMO_DEBUG"):  # which functions' contracts stand apart
        print("memo: %s: %d of %d functions with a contract apart; not: %s" % (
            source, len(contract), len(fns), " ".join(sorted(names - set(contract)))), file=sys.stderr)
    stripped, file_defs, file_ids = {}, {source: src_defs}, {}

    def file_hash(f):
        if f not in stripped:
            t = open(f, encoding="utf-8", errors="surrogateescape").read()
            file_defs[f] = []
            if f.endswith((".c", ".h", ".acsl")):
                t = place(strip(t, file_defs[f])[0], file_defs[f])
                file_ids[f] = uses(t)
            else:
                file_ids[f] = set(IDENT.findall(t))
            stripped[f] = sha(t)
        return stripped[f]

    def macros(files, roots):
        """The definitions of the macros roots use, directly or through
        other macros: one line per name, over every file that defines it."""
        avail = {}
        for f in files:
            for name, line, at in file_defs[f]:
                avail.setdefault(name, []).append("%s@%d: %s" % (f, at, line))
        out, todo = set(), list(roots & set(avail))
        while todo:
            name = todo.pop()
            if name not in out:
                out.add(name)
                todo += [r for l in avail[name] for r in IDENT.findall(l.split(": ", 1)[1]) if r in avail]
        if any("##" in l for n in out for l in avail[n]):  # pasting makes names no text shows
            out = set(avail)
        return ["macro %s %s" % (n, sha("\n".join(avail[n]))) for n in sorted(out)]

    for (n, sel), d in zip(shards, deps):
        if not d:
            print(n, "")
            continue
        # The functions this shard proves, from shard_fcts' options: -wp-fct
        # LIST, or every one but -wp-skip-fct LIST, or none for a line of
        # logic files (-wp-fct= alone); anything else: all (never too few).
        mfct = re.search(r"-wp-fct (\S+)", sel)
        mskip = re.search(r"-wp-skip-fct (\S+)", sel)
        if mfct:
            keep = set(mfct.group(1).split(",")) & set(body)
        elif mskip:
            keep = set(body) - set(mskip.group(1).split(","))
        elif re.search(r"(?:^|\s)-wp-fct=(?:\s|$)", sel):
            keep = set()
        else:
            keep = set(body)
        read = keep.union(*(calls[f] for f in keep)) & set(contract)
        if not mfct or set(mfct.group(1).split(",")) - names:  # ghost functions too
            read |= ghost_read
        lines = [head, "selection " + sel.replace(root, "."), "source %s %s" % (source, common)]
        lines += ["body %s %s" % (f, body[f]) for f in sorted(keep)]
        lines += ["contract %s %s" % (f, contract[f]) for f in sorted(read)]
        lines += ["script %s" % scripts]
        lines += ["file %s %s" % (f, file_hash(f)) for f in d if f != source]
        roots = common_ids.union(*(uses(s[a:b]) for f, a, b in fns if f in keep),
                                 *(uses(contract_text[f]) for f in read),
                                 *(file_ids[f] for f in d if f != source))
        lines += macros([source] + [f for f in d if f != source], roots)
        if os.environ.get("VMM_WP_MEMO_DEBUG"):  # which macros a shard's key holds
            print("memo: %s shard %s macros: %s" % (unit, n, " ".join(
                l.split()[1] for l in lines if l.startswith("macro "))), file=sys.stderr)
        print(n, sha("\n".join(lines) + "\n"))


main()
EOF
)

# memo_restore UNIT SELECTION KEY DIR: writes the record of KEY into DIR as
# run_wp would have (report.json, wp.log, rc, time, fcts); fails when there
# is none.
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
  echo "$2" >"$4/fcts"
  echo "$3" >"$4/memo"
}

# memo_goals DIR: the shard's goals (section, goal, total) as JSON, when its
# run exited 0 and proved every goal; fails otherwise.
memo_goals() {
  [[ $(cat "$1/rc" 2>/dev/null) == 0 && -s $1/report.json ]] || return 1
  python3 - "$1/report.json" <<'EOF'
import json, os, sys
exec(os.environ["WP_GOALS_PY"])
goals = {}
for part, s, g, m in wp_goals(json.load(open(sys.argv[1]))):
    if not wp_valid(m):
        sys.exit(1)
    goals.setdefault(part, {}).setdefault(s, {})[g] = m["total"]
print(json.dumps(goals, sort_keys=True))
EOF
}

# memo_record UNIT N SELECTION KEY DIR: writes KEY's record of shard N (whose
# selection is SELECTION) from the run in DIR when it proved every goal.
memo_record() {
  local goals
  [[ -n $4 && ! -f $MEMO_DIR/$1/$4.json ]] || return 0 # a key's record stays as first made
  goals=$(memo_goals "$5") || return 0
  mkdir -p "$MEMO_DIR/$1"
  python3 - "$MEMO_DIR/$1/$4.json" "$1" "$2" "$(date -u +%FT%TZ)" "$MEMO_TOOLS" \
    "${3//"$ROOT/"/}" "$goals" <<'EOF'
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
