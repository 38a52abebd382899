#!/usr/bin/env bash
# with-unicorn.sh LIBRARY COMMAND... - runs an emu test's command when
# Unicorn's library (the file the configure found) is still there; else the
# test is skipped (exit 77) with the reason, not failed by the loader.
set -euo pipefail
lib=$1
shift
if [[ ! -r $lib ]]; then
  echo "SKIP: unicorn missing: $lib is gone since the configure (run ./fuzz.sh deps, or emu/install-unicorn.sh)"
  exit 77
fi
exec "$@"
