# Golden files: tests/golden/<case>/content is built and every output file
# is compared byte for byte with tests/golden/<case>/expected/ (theme assets
# aside). `make golden-update` rewrites expected/ for review in git diff.
for dir in tests/golden/*/; do
    case=$(basename "$dir")
    work="build/golden/$case"
    rm -rf "$work"
    mkdir -p "$work"
    cp -r "$dir/content" "$work/content"
    [ -d "$dir/templates" ] && cp -r "$dir/templates" "$work/templates"
    [ -d "$dir/frameworks" ] && cp -r "$dir/frameworks" "$work/frameworks"
    if ! out=$("$DOSSIER" build -q -C "$work" 2>&1); then
        fail "golden/$case (build)" "$out"
        continue
    fi
    if [ -n "${GOLDEN_UPDATE:-}" ]; then
        rm -rf "$dir/expected"
        mkdir -p "$dir/expected"
        (cd "$work/out" && find . -type f ! -path './assets/*' ! -path './.dossier-*') | while read -r f; do
            mkdir -p "$dir/expected/$(dirname "$f")"
            cp "$work/out/$f" "$dir/expected/$f"
        done
        echo "updated $dir/expected"
    fi
    produced=$(cd "$work/out" && find . -type f ! -path './assets/*' ! -path './.dossier-*' | sort)
    expected=$(cd "$dir/expected" 2>/dev/null && find . -type f | sort)
    if [ "$produced" != "$expected" ]; then
        fail "golden/$case: file list" "$(printf '%s\n' "$produced" >"$work/p.txt"; printf '%s\n' "$expected" >"$work/e.txt"; diff "$work/e.txt" "$work/p.txt")"
    else
        pass "golden/$case: file list"
    fi
    for f in $expected; do
        if cmp -s "$dir/expected/$f" "$work/out/$f"; then
            pass "golden/$case: $f"
        else
            fail "golden/$case: $f" "$(diff -u "$dir/expected/$f" "$work/out/$f" | head -30)"
        fi
    done
done
