# Unit tests: tests/unit/test_<noun>.c, one cmocka binary per module.
# BUILD_DIR and LIB select the build (the sanitizer suite reuses this).
: "${UNIT_BUILD:=build}"
mkdir -p "$UNIT_BUILD/tests"
for src in tests/unit/test_*.c; do
    [ -f "$src" ] || continue
    name=$(basename "$src" .c)
    bin="$UNIT_BUILD/tests/$name"
    if ! make -s "$bin" BUILD="$UNIT_BUILD" >"$bin.buildlog" 2>&1; then
        fail "unit/$name (compile)" "$(cat "$bin.buildlog")"
        continue
    fi
    (cd tests/unit && CMOCKA_MESSAGE_OUTPUT=stdout "$ROOT/$bin") >"$bin.log" 2>&1
    count_cmocka "unit/$name${UNIT_TAG:-}" "$bin.log" $?
done
