# The demo build and a few failing builds under valgrind: any invalid read,
# write or definite leak fails.
if command -v valgrind >/dev/null 2>&1; then
    VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp"
    rm -rf build/vg && mkdir -p build/vg && cp -r content build/vg/
    out=$($VG "$DOSSIER" build -q -C build/vg 2>&1); st=$?
    [ $st -eq 0 ] && pass "valgrind/demo-build" || fail "valgrind/demo-build" "$out"
    for c in yaml-syntax-error alias-bomb template-runtime-error template-infinite-loop multiple-errors; do
        [ -d "tests/bad/$c" ] || continue
        rm -rf "build/vg/$c" && cp -r "tests/bad/$c" "build/vg/$c"
        out=$(cd "build/vg/$c" && $VG "$DOSSIER" build -q 2>&1); st=$?
        [ $st -eq 1 ] && pass "valgrind/bad-$c" || fail "valgrind/bad-$c" "exit $st: $out"
    done
else
    fail "valgrind" "valgrind is not installed"
fi
