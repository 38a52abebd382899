#!/usr/bin/env bash
# stale.sh REASON - stands in for a mutant test whose replaced text is gone
# from the core: the test FAILS, so that a refactor cannot quietly drop a
# proof that the checks can fail (harness/mutate's sample fails the same way).
set -euo pipefail
echo "STALE: $*" >&2
exit 1
