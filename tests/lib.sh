# Shared helpers for the test suites; sourced by tests/run.sh.
# Each check calls pass or fail exactly once, so the final count is honest.

PASS=${PASS:-0}
FAIL=${FAIL:-0}
FAILED_NAMES=${FAILED_NAMES:-}

pass() {
    PASS=$((PASS + 1))
    [ -n "${VERBOSE:-}" ] && printf 'ok   %s\n' "$1"
    return 0
}

fail() {
    FAIL=$((FAIL + 1))
    FAILED_NAMES="$FAILED_NAMES
  $1"
    printf 'FAIL %s\n' "$1"
    [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/     /' | head -40
    return 0
}

# check NAME COMMAND...: passes when the command exits 0.
check() {
    name=$1
    shift
    if out=$("$@" 2>&1); then
        pass "$name"
    else
        fail "$name" "$out"
    fi
}

# Adds the counts that a cmocka binary printed.
count_cmocka() {
    name=$1
    log=$2
    status=$3
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    p=${p:-0}
    f=${f:-0}
    PASS=$((PASS + p))
    if [ "$f" -gt 0 ] || [ "$status" -ne 0 -a "$f" -eq 0 ]; then
        [ "$f" -eq 0 ] && f=1
        FAIL=$((FAIL + f))
        FAILED_NAMES="$FAILED_NAMES
  $name"
        printf 'FAIL %s (exit %s)\n' "$name" "$status"
        grep -E '^\[  (FAILED|ERROR) |^\[  ERROR|error|Error' "$log" | head -20 | sed 's/^/     /'
    else
        [ -n "${VERBOSE:-}" ] && printf 'ok   %s (%s tests)\n' "$name" "$p"
    fi
    return 0
}
