# The demo portfolio in content/: it must build cleanly (no warnings) and
# give every model its card and JSON twin, with the facts of its inputs.
rm -rf build/demo
mkdir -p build/demo
cp -r content build/demo/content
out=$("$DOSSIER" build -C build/demo 2>&1); st=$?
if [ $st -eq 0 ]; then pass "demo/build"; else fail "demo/build" "$out"; fi
# The demo's only warnings are the ones it plants on purpose (a messy
# Hugging Face card, as real cards are): tests/demo-warnings.txt.
echo "$out" | grep "warning" | sed "s|^build/demo/||" >build/demo/warnings.txt
if diff -u tests/demo-warnings.txt build/demo/warnings.txt >build/demo/warnings.diff; then
    pass "demo/expected-warnings-only"
else
    fail "demo/expected-warnings-only" "$(cat build/demo/warnings.diff)"
fi
n=0
for m in content/models/*/; do
    id=$(basename "$m")
    n=$((n + 1))
    page="build/demo/out/models/$id/index.html"
    json="build/demo/out/models/$id/model.json"
    card="$m/model.yaml"
    [ -f "$card" ] || card="$m/README.md"
    name=$(sed -n 's/^name: *//p' "$m/model.yaml" 2>/dev/null | head -1 | sed 's/^"\(.*\)"$/\1/')
    [ -n "$name" ] || name=$id
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
    sum=$(sha256sum "$card" | cut -d' ' -f1)
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

# The PDFs people receive: every model's card and compliance report and the
# leadership value report, with metadata, text, embedded fonts and links.
for id in $(ls content/models); do
    for kind in model-card compliance; do
        f="build/demo/out/pdf/$id-$kind.pdf"
        if [ -f "$f" ] && pdfinfo "$f" | grep -q "^Author: *Aldermoor Financial Group" \
           && pdftotext "$f" - | grep -q "Page 2 of"; then
            pass "demo/pdf $id-$kind"
        else
            fail "demo/pdf $id-$kind" "$(pdfinfo "$f" 2>&1 | head -5)"
        fi
    done
done
f=build/demo/out/pdf/value-report.pdf
txt=$(pdftotext "$f" - 2>/dev/null | tr '\n' ' ')
echo "$txt" | grep -q "Executive summary" && echo "$txt" | grep -q "net present value in the base case is" \
    && pass "demo/pdf value report text" || fail "demo/pdf value report text"
pdffonts "$f" | awk 'NR>2 && $(NF-4)!="yes"{bad=1} END{exit bad}' \
    && pass "demo/pdf fonts embedded" || fail "demo/pdf fonts embedded" "$(pdffonts "$f")"
qpdf --json "$f" 2>/dev/null | grep -q '"outlines"' && pass "demo/pdf outline present" || fail "demo/pdf outline present"
pdfimages -list "$f" 2>/dev/null | awk 'NR>2{n++} END{exit n>0}' \
    && pass "demo/pdf charts are vectors (no images)" || fail "demo/pdf charts are vectors (no images)"
# byte-identical rebuild of the PDFs
"$DOSSIER" build -q -C build/demo -o build/demo/out2 >/dev/null 2>&1
if cmp -s build/demo/out/pdf/value-report.pdf build/demo/out2/pdf/value-report.pdf && \
   cmp -s build/demo/out/pdf/credit-risk-scorer-compliance.pdf build/demo/out2/pdf/credit-risk-scorer-compliance.pdf; then
    pass "demo/pdf byte-identical rebuild"
else
    fail "demo/pdf byte-identical rebuild"
fi

# Values on the pages and in model.json are the inputs' own: every value in
# each model.json equals its source file's text at the line it names, and
# the releases pages print the current values.
if node -e '
  const fs = require("fs"), path = require("path");
  let bad = [], checked = 0;
  for (const id of fs.readdirSync("build/demo/out/models")) {
    const f = "build/demo/out/models/" + id + "/model.json";
    if (!fs.existsSync(f)) continue;
    const j = JSON.parse(fs.readFileSync(f));
    for (const m of j.metrics || []) {
      if (m.raw == null || !m.file || !m.line || m.source.startsWith("mlflow-sqlite")) continue;
      const lines = fs.readFileSync(path.join("build/demo", m.file), "utf8").split(/\r?\n/);
      if (!lines[m.line - 1].includes(m.raw)) bad.push(id + " " + m.metric + " " + m.raw + " not on " + m.file + ":" + m.line);
      checked++;
    }
  }
  if (checked < 100 || bad.length) { console.log(checked, bad.slice(0, 5).join("\n")); process.exit(1); }
' >build/demo/values.log 2>&1; then
    pass "demo/model.json values are the inputs' text"
else
    fail "demo/model.json values are the inputs' text" "$(cat build/demo/values.log)"
fi
for want in "churn-predictor:0.688:release record" "fraud-detector:0.52:MLflow" "credit-risk-scorer:0.84:CSV"; do
    id=${want%%:*}; rest=${want#*:}; val=${rest%%:*}; src=${rest#*:}
    grep -q "<span class=\"mono\">$val</span>" "build/demo/out/models/$id/releases.html" && \
    grep -q "$src" "build/demo/out/models/$id/releases.html" \
        && pass "demo/releases page shows $want" || fail "demo/releases page shows $want"
done
