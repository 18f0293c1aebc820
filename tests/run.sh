#!/bin/sh
# Runs every test of dossier and ends with the line "N passed, M failed".
# Suites: unit (cmocka), CLI behaviour, bad-input corpus, golden pages,
# the demo portfolio, sanitizers (ASan+UBSan) and valgrind.
# VERBOSE=1 lists every passing check; SUITES="unit bad" runs a subset.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 3
. tests/lib.sh

SUITES=${SUITES:-"unit cli bad golden demo pdf browser sanitize valgrind"}
export SOURCE_DATE_EPOCH=1790000000
unset DOSSIER_THEME

echo "== building"
if ! make -s all >build.log 2>&1 || ! make -s build/libdossier.a >>build.log 2>&1; then
    cat build.log
    rm -f build.log
    fail "build"
    echo "$PASS passed, $FAIL failed"
    exit 1
fi
rm -f build.log
DOSSIER="$ROOT/build/dossier"
export DOSSIER

for s in $SUITES; do
    if [ -f "tests/suite-$s.sh" ]; then
        echo "== $s"
        . "tests/suite-$s.sh"
    fi
done

if [ "$FAIL" -gt 0 ]; then
    printf '\nfailed:%s\n' "$FAILED_NAMES"
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
