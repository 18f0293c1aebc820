# The unit tests, the bad-input corpus and the demo build again, with the
# program built under AddressSanitizer and UndefinedBehaviorSanitizer.
ASAN_CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
ASAN_LDFLAGS="-fsanitize=address,undefined"
if make -s asan >build/asan.log 2>&1; then
    pass "sanitize/build"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
    export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
    export CHART_QUICK=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    CFLAGS="$ASAN_CFLAGS" LDFLAGS="$ASAN_LDFLAGS"
    export CFLAGS LDFLAGS
    UNIT_BUILD=build/asan UNIT_TAG=" [asan]" . tests/suite-unit.sh
    unset CFLAGS LDFLAGS
    BAD_BUILD=build/asan-bad BAD_DOSSIER="$ROOT/build/asan/dossier" BAD_TAG=" [asan]" . tests/suite-bad.sh
    rm -rf build/asan-demo && mkdir -p build/asan-demo && cp -r content build/asan-demo/
    out=$(build/asan/dossier build -q -C build/asan-demo 2>&1); st=$?
    [ $st -eq 0 ] && pass "sanitize/demo-build" || fail "sanitize/demo-build" "$out"
    unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS CHART_QUICK
else
    fail "sanitize/build" "$(tail -30 build/asan.log)"
fi
