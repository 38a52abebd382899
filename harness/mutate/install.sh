#!/usr/bin/env bash
# install.sh - installs the pinned mutant generator, universalmutator (PyPI),
# into $VMM_ROOT/.tools/universalmutator when it is missing; a fast no-op
# otherwise. Only its regexp mode is used (C rules), which needs tabulate
# and nothing else: comby and python-levenshtein (its other requirements)
# serve the comby mode and the analysis commands, so --no-deps.
set -euo pipefail
ROOT=${VMM_ROOT:-$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)}
VERSION=1.14.1
TABULATE=0.9.0
DEST=$ROOT/.tools/universalmutator
STAMP=$DEST/.installed-$VERSION

# Succeeds when the generator imports from DEST.
importable() {
  PYTHONPATH=$DEST "${PY:-python3}" -c 'import universalmutator.genmutants' 2>/dev/null
}

[[ -f $STAMP ]] && importable && exit 0

PY=${PYTHON:-python3}
if ! "$PY" -m pip --version >/dev/null 2>&1; then
  echo "mutate/install: pip missing, installing python3-pip" >&2
  sudo=""; [[ $(id -u) == 0 ]] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-pip >/dev/null
  PY=/usr/bin/python3
fi

echo "mutate/install: universalmutator==$VERSION tabulate==$TABULATE -> $DEST" >&2
rm -rf "$DEST"
mkdir -p "$DEST"
pip_args=(install --quiet --disable-pip-version-check --no-deps --target "$DEST"
          "universalmutator==$VERSION" "tabulate==$TABULATE")
# Without the generator the mutate test is reported skipped, so a failed
# install warns instead of stopping every other part.
if ! "$PY" -m pip "${pip_args[@]}" 2>/dev/null &&
   ! "$PY" -m pip "${pip_args[@]}" --break-system-packages; then
  echo "mutate/install: WARNING: pip could not install universalmutator==$VERSION;" \
       "the mutate test will be SKIPPED" >&2
  exit 0
fi
PY=$PY importable || { echo "mutate/install: WARNING: universalmutator does not import" >&2; exit 0; }
touch "$STAMP"
