#!/usr/bin/env bash
# setup.sh - project-local Why3 configuration for the WP proofs.
# Runs `why3 config detect` once into $WHY3CONFIG (default .tools/why3.conf)
# and does nothing when that file already lists CVC4. The Debian packages
# (frama-c-base why3 z3 cvc4 cvc5) are installed by ./fuzz.sh deps.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
CONF=${WHY3CONFIG:-$ROOT/.tools/why3.conf}

if ! command -v why3 >/dev/null 2>&1; then
  echo "proofs/setup.sh: why3 not installed, skipping" >&2
  exit 0
fi
if [[ -s $CONF ]] && grep -q 'name = "CVC4"' "$CONF"; then
  exit 0
fi
mkdir -p "$(dirname "$CONF")"
WHY3CONFIG=$CONF why3 config detect >/dev/null 2>&1
grep -q 'name = "CVC4"' "$CONF" || { echo "proofs/setup.sh: why3 found no CVC4 (apt-get install cvc4)" >&2; exit 1; }
echo "proofs/setup.sh: wrote $CONF" >&2
