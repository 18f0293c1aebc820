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

# Every chart type appears somewhere in the demo site.
for t in line bar hbar waterfall donut gauge heatmap; do
    if grep -rqs "class=\"chart chart--$t\"" build/demo/out; then
        pass "demo/chart-type-$t"
    else
        fail "demo/chart-type-$t" "no $t chart in the demo site"
    fi
done

# dossier check on the demo fails on purpose, on the gaps the demo plants,
# and writes JUnit XML a parser reads.
out=$("$DOSSIER" check -q -C build/demo --junit build/demo/junit.xml 2>&1); st=$?
[ $st -eq 1 ] && pass "demo/check-exit-1" || fail "demo/check-exit-1" "exit $st"
for want in \
    "credit-risk-scorer/compliance/eu-ai-act.yaml:[0-9]*:3: error: credit-risk-scorer: 'Art. 72(3)' is not-met" \
    "resume-screener/compliance/eu-ai-act.yaml:[0-9]*:3: error: resume-screener: 'Art. 12(2)' is not-met and has no owner" \
    "churn-predictor/releases/1.3.0.yaml:[0-9]*:[0-9]*: error: churn-predictor: metric 'auc' is 0.688 in release 1.3.0, below its minimum" \
    "warning: churn-predictor: .* was last reviewed on 2025-06-02"; do
    echo "$out" | grep -q "$want" && pass "demo/check: $want" || fail "demo/check: $want" "$out"
done
if xmllint --noout build/demo/junit.xml 2>/dev/null && \
   [ "$(xmllint --xpath 'count(//testsuite)' build/demo/junit.xml)" -ge 4 ]; then
    pass "demo/junit"
else
    fail "demo/junit"
fi
