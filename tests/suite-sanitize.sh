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
    # inputs older than a second, so that the build keeps what it learnt
    # of each model and the rebuild below takes it over
    sleep 2
    out=$(build/asan/dossier build -q -C build/asan-demo 2>&1); st=$?
    [ $st -eq 0 ] && pass "sanitize/demo-build" || fail "sanitize/demo-build" "$out"
    printf '\nEdited.\n' >>build/asan-demo/content/models/fraud-detector/README.md
    out=$(build/asan/dossier build --timings -C build/asan-demo 2>&1); st=$?
    [ $st -eq 0 ] && echo "$out" | grep -q "taken from the last build: metrics of 6, answers of 6 of 7 models" \
        && pass "sanitize/demo-rebuild-with-facts" || fail "sanitize/demo-rebuild-with-facts" "$out"
    unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS CHART_QUICK
else
    fail "sanitize/build" "$(tail -30 build/asan.log)"
fi
