#!/usr/bin/env bash
# Builds the package and its tests (swift build --build-tests, with any further arguments) and
# fails when the compiler warned about a file of maex's own (Sources, Tests), so that a new
# warning stops CI; the dependencies' warnings are theirs. Only files compiled in this run can
# warn: a fresh clone, as CI uses, compiles all of them.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
${SWIFT:-swift} build --build-tests "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
[ "$status" = 0 ] || exit "$status"
warnings=$(grep -E "^($root/)?(Sources|Tests)/[^:]+:[0-9]+:[0-9]+: warning:" "$log" | sort -u)
if [ -n "$warnings" ]; then
    echo
    echo "error: $(echo "$warnings" | wc -l) compiler warning(s) in maex's own code; the build must have none:"
    echo "$warnings"
    exit 1
fi
