# Bad-input corpus: tests/bad/<case>/ is a small project that must fail.
#   content/ ...     the inputs (and templates/ to override a template)
#   expected.err     the exact diagnostics dossier prints (stderr, -q)
#   exit             expected exit status (default 1)
#   args             arguments (default: build -q)
#   setup.sh         optional; run inside the copy first (for inputs that
#                    should not be committed, e.g. a 50 MB file)
# Each case runs in a copy under $BAD_BUILD, with a previous good out/ in
# place: the case also checks that out/ is left byte for byte untouched.
: "${BAD_BUILD:=build/bad}"
: "${BAD_DOSSIER:=$DOSSIER}"
rm -rf "$BAD_BUILD"
mkdir -p "$BAD_BUILD"
for dir in tests/bad/*/; do
    case=$(basename "$dir")
    [ -f "$dir/expected.err" ] || continue
    work="$BAD_BUILD/$case"
    cp -r "$dir" "$work"
    if [ -f "$work/setup.sh" ]; then
        (cd "$work" && sh ./setup.sh) || { fail "bad/$case (setup)"; continue; }
    fi
    # A previous site that must survive the failing build.
    mkdir -p "$work/out/models"
    printf 'previous site\n' >"$work/out/index.html"
    printf 'dossier output folder\n' >"$work/out/.dossier-site"
    before=$(cd "$work/out" && find . -type f | sort | xargs sha256sum)
    args="build -q"
    [ -f "$dir/args" ] && args=$(cat "$dir/args")
    want_exit=1
    [ -f "$dir/exit" ] && want_exit=$(cat "$dir/exit")
    # shellcheck disable=SC2086
    (cd "$work" && timeout 60 "$BAD_DOSSIER" $args) >"$work/.stdout" 2>"$work/.stderr"
    got_exit=$?
    after=$(cd "$work/out" && find . -type f | sort | xargs sha256sum)
    if [ "$got_exit" -ne "$want_exit" ]; then
        fail "bad/$case${BAD_TAG:-}: exit $got_exit, expected $want_exit" "$(cat "$work/.stderr")"
    elif ! diff -u "$dir/expected.err" "$work/.stderr" >"$work/.diff"; then
        fail "bad/$case${BAD_TAG:-}: diagnostics differ" "$(cat "$work/.diff")"
    elif [ "$before" != "$after" ] || ls -d "$work"/out.tmp-* >/dev/null 2>&1; then
        fail "bad/$case${BAD_TAG:-}: out/ was changed or a temporary folder was left"
    else
        pass "bad/$case${BAD_TAG:-}"
    fi
done
