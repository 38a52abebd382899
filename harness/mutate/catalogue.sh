#!/usr/bin/env bash
# catalogue.sh OUT_TSV FILE... - every mutant universalmutator's regexp mode
# makes of each core FILE (paths relative to $VMM_ROOT), once each (two
# rules making the same line count once), one per line:
#   file <TAB> line <TAB> base64(replacement text) <TAB> original <TAB> mutant
#   <TAB> context
# original and mutant are the lines with blanks squeezed (a mutant that adds
# a line shows it as "\n"): the text of a stable mutant id; context is the
# nearest line above the original with a letter or digit (squeezed), which
# tells apart mutants of a line that occurs more than once (a lone "}").
# The rules are the
# ones its `mutate FILE c` command uses (universal, c, c_like); lines inside
# block comments (ACSL contracts included) and #include lines are skipped by
# the generator itself. Fails when the generator does not import.
set -euo pipefail
ROOT=${VMM_ROOT:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)}
out=$1; shift
cd "$ROOT"
PYTHONPATH=$ROOT/.tools/universalmutator python3 -c '
import base64, re, sys
from universalmutator import mutator
rules = ["universal.rules", "c.rules", "c_like.rules"]
squeeze = lambda s: re.sub(r"\s+", " ", s.rstrip("\n").replace("\n", " \\n ")).strip()
for path in sys.argv[1:]:
    with open(path) as f:
        src = f.readlines()
    out, sys.stdout = sys.stdout, sys.stderr  # the generator talks on stdout
    mutants = mutator.mutants_regexp(src, ruleFiles=rules, ignorePatterns=[],
                                      ignoreStringOnly=True)
    sys.stdout = out
    above, prev = [], ""
    for l in src:
        above.append(prev)
        if re.search(r"[A-Za-z0-9]", l):
            prev = squeeze(l)
    seen = set()
    for m in mutants:
        line, text = m[0], m[1]
        if squeeze(text) == squeeze(src[line - 1]):
            continue  # only blanks changed
        if (line, squeeze(text)) in seen:
            continue  # two rules made the same mutant
        seen.add((line, squeeze(text)))
        print(path, line, base64.b64encode(text.encode()).decode(),
              squeeze(src[line - 1]), squeeze(text), above[line - 1] or "-", sep="\t")
' "$@" >"$out" 2>"$out.log"
