#!/usr/bin/env bash
# skip.sh - stands in for an emu test when Unicorn 2.1.4 is not installed:
# ctest reports the test skipped (exit 77), never passed.
set -euo pipefail
echo "SKIP: unicorn missing (run ./fuzz.sh deps, or emu/install-unicorn.sh): $*"
exit 77
