# The demo portfolio in content/: it must build cleanly (no warnings) and
# give every model its card and JSON twin, with the facts of its inputs.
rm -rf build/demo
mkdir -p build/demo
cp -r content build/demo/content
out=$("$DOSSIER" build -C build/demo 2>&1); st=$?
if [ $st -eq 0 ]; then pass "demo/build"; else fail "demo/build" "$out"; fi
echo "$out" | grep -q "warning" && fail "demo/no-warnings" "$out" || pass "demo/no-warnings"
n=0
for m in content/models/*/; do
    id=$(basename "$m")
    n=$((n + 1))
    page="build/demo/out/models/$id/index.html"
    json="build/demo/out/models/$id/model.json"
    name=$(sed -n 's/^name: *//p' "$m/model.yaml" | head -1 | sed 's/^"\(.*\)"$/\1/')
    if [ -f "$page" ] && grep -qF "$name" "$page"; then
        pass "demo/$id: card page names the model"
    else
        fail "demo/$id: card page names the model" "$name"
    fi
    if [ -f "$json" ] && node -e '
        const j = JSON.parse(require("fs").readFileSync(process.argv[1]));
        const fs = require("fs");
        if (j.id !== process.argv[2]) throw "id";
        const rel = fs.readdirSync(process.argv[3] + "/releases").length;
        if (j.releases.length !== rel) throw "releases " + j.releases.length + " != " + rel;
        if (!/^[0-9a-f]{64}$/.test(j.source.sha256)) throw "sha";
    ' "$json" "$id" "$m" 2>"build/demo/$id.err"; then
        pass "demo/$id: model.json"
    else
        fail "demo/$id: model.json" "$(cat "build/demo/$id.err")"
    fi
    # the SHA-256 printed on the card is the file's real hash
    sum=$(sha256sum "$m/model.yaml" | cut -d' ' -f1)
    grep -q "$sum" "$page" && pass "demo/$id: source hash" || fail "demo/$id: source hash"
done
[ $n -ge 5 ] && pass "demo/at-least-5-models" || fail "demo/at-least-5-models" "$n"
# The Content-Security-Policy forbids inline styles and scripts: no page
# may rely on them (charts included).
bad=$(grep -l -E ' style="|<script>|<script [^s]*>|<style' build/demo/out/*.html build/demo/out/*/*.html build/demo/out/*/*/*.html build/demo/out/*/*/*/*.html 2>/dev/null)
[ -z "$bad" ] && pass "demo/no-inline-style-or-script" || fail "demo/no-inline-style-or-script" "$bad"
