# Command-line behaviour: exit codes, determinism, atomic publish,
# containment. Works on a copy of the golden fixture under build/cli.
CLI=build/cli
rm -rf "$CLI"
mkdir -p "$CLI"
cp -r tests/golden/mini/content "$CLI/content"
cp -r tests/golden/mini/frameworks "$CLI/frameworks"

out=$("$DOSSIER" --version 2>&1); st=$?
[ $st -eq 0 ] && [ "$out" = "dossier 0.1.0" ] && pass "cli/version" || fail "cli/version" "$st $out"
out=$("$DOSSIER" --help 2>&1); st=$?
[ $st -eq 0 ] && echo "$out" | grep -q "dossier build" && pass "cli/help" || fail "cli/help" "$out"
"$DOSSIER" >/dev/null 2>&1; st=$?
[ $st -eq 2 ] && pass "cli/no-command-exit-2" || fail "cli/no-command-exit-2" "exit $st"
"$DOSSIER" build --frobnicate >/dev/null 2>&1; st=$?
[ $st -eq 2 ] && pass "cli/unknown-option-exit-2" || fail "cli/unknown-option-exit-2" "exit $st"
"$DOSSIER" publish >/dev/null 2>&1; st=$?
[ $st -eq 2 ] && pass "cli/unknown-command-exit-2" || fail "cli/unknown-command-exit-2" "exit $st"
"$DOSSIER" build -C >/dev/null 2>&1; st=$?
[ $st -eq 2 ] && pass "cli/missing-value-exit-2" || fail "cli/missing-value-exit-2" "exit $st"
out=$("$DOSSIER" build -q -C build/cli/no-such-dir 2>&1); st=$?
[ $st -eq 1 ] && [ "$out" = "build/cli/no-such-dir: error: cannot open the project folder" ] \
    && pass "cli/missing-project" || fail "cli/missing-project" "exit $st: $out"

# check: the fixture has failing gates on purpose (exit 1), written as
# located diagnostics, JUnit XML, JSON and Markdown.
out=$("$DOSSIER" check -q -C "$CLI" --junit "$CLI/junit.xml" 2>&1); st=$?
[ $st -eq 1 ] && pass "cli/check-failing-gate-exit-1" || fail "cli/check-failing-gate-exit-1" "exit $st: $out"
echo "$out" | grep -qx "build/cli/content/models/loan-check/compliance/house-policy.yaml:12:3: error: loan-check: 'RISK-1' is partial; every applicable house-policy item must be met \[gate policy-met\]" \
    && pass "cli/check-located-gate-failure" || fail "cli/check-located-gate-failure" "$out"
echo "$out" | grep -q "warning: loan-check: metric 'auc' is 0.74 in release 1.1.0, below its minimum 0.75 \[gate thresholds\]" \
    && pass "cli/check-metric-threshold" || fail "cli/check-metric-threshold" "$out"
if xmllint --noout "$CLI/junit.xml" 2>/dev/null && \
   [ "$(xmllint --xpath 'count(/testsuites/testsuite)' "$CLI/junit.xml")" = 2 ] && \
   [ "$(xmllint --xpath 'count(//testsuite[@name="policy-met"]/testcase/failure)' "$CLI/junit.xml")" = 2 ] && \
   [ "$(xmllint --xpath 'string(/testsuites/@tests)' "$CLI/junit.xml")" = 4 ]; then
    pass "cli/junit-xml"
else
    fail "cli/junit-xml" "$(cat "$CLI/junit.xml" 2>&1 | head -20)"
fi
out=$("$DOSSIER" check -q -C "$CLI" --format json 2>/dev/null)
echo "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);
  const g=j.gates.find(x=>x.id==="policy-met"); const m=g.models.find(x=>x.model==="loan-check");
  if(m.result!=="fail"||m.findings[0].line!==12) process.exit(1);})' \
    && pass "cli/check-json" || fail "cli/check-json" "$out"
out=$("$DOSSIER" check -q -C "$CLI" --format markdown 2>/dev/null)
echo "$out" | grep -q "^| Every applicable house policy item is met | error | ❌ 1 | ❌ 1 |$" \
    && pass "cli/check-markdown" || fail "cli/check-markdown" "$out"
"$DOSSIER" check -C "$CLI" --format yaml >/dev/null 2>&1; st=$?
[ $st -eq 2 ] && pass "cli/check-bad-format-exit-2" || fail "cli/check-bad-format-exit-2" "exit $st"
[ ! -e "$CLI/out" ] && pass "cli/check-writes-no-site" || fail "cli/check-writes-no-site"

out=$("$DOSSIER" build -q -C "$CLI" 2>&1); st=$?
[ $st -eq 0 ] && [ -f "$CLI/out/index.html" ] && pass "cli/build-ok" || fail "cli/build-ok" "$out"
[ -z "$out" ] && pass "cli/quiet-is-quiet" || fail "cli/quiet-is-quiet" "$out"
ls -d "$CLI"/out.tmp-* >/dev/null 2>&1 && fail "cli/no-temp-left" || pass "cli/no-temp-left"

# Deterministic: a second build is byte-identical (the site; the build's
# own state in .dossier-* depends on how long ago the inputs changed).
(cd "$CLI/out" && find . -type f ! -path './.dossier-*' | sort | xargs sha256sum) >"$CLI/first.sums"
"$DOSSIER" build -q --force -C "$CLI" >/dev/null 2>&1
(cd "$CLI/out" && find . -type f ! -path './.dossier-*' | sort | xargs sha256sum) >"$CLI/second.sums"
cmp -s "$CLI/first.sums" "$CLI/second.sums" && pass "cli/deterministic" \
    || fail "cli/deterministic" "$(diff "$CLI/first.sums" "$CLI/second.sums")"

# A different SOURCE_DATE_EPOCH changes only the dates it should.
SOURCE_DATE_EPOCH=1700000000 "$DOSSIER" build -q -C "$CLI" -o "$CLI/out2" >/dev/null 2>&1
grep -q '2023-11-14' "$CLI/out2/index.html" && pass "cli/source-date-epoch" || fail "cli/source-date-epoch"

# A failing build leaves the previous out/ byte for byte as it was, its
# state files too.
(cd "$CLI/out" && find . -type f | sort | xargs sha256sum) >"$CLI/before.sums"
cp "$CLI/content/models/loan-check/model.yaml" "$CLI/model.yaml.bak"
printf 'risk_class: [broken\n' >>"$CLI/content/models/loan-check/model.yaml"
"$DOSSIER" build -q -C "$CLI" >/dev/null 2>&1; st=$?
(cd "$CLI/out" && find . -type f | sort | xargs sha256sum) >"$CLI/after.sums"
[ $st -eq 1 ] && cmp -s "$CLI/before.sums" "$CLI/after.sums" && pass "cli/failed-build-keeps-out" \
    || fail "cli/failed-build-keeps-out" "exit $st"
cp "$CLI/model.yaml.bak" "$CLI/content/models/loan-check/model.yaml"

# --strict turns a warning into a failure.
printf 'colour: blue\n' >>"$CLI/content/site.yaml"
"$DOSSIER" build -q -C "$CLI" >/dev/null 2>&1; st=$?
[ $st -eq 0 ] && pass "cli/warning-builds" || fail "cli/warning-builds" "exit $st"
out=$("$DOSSIER" build -q --strict -C "$CLI" 2>&1); st=$?
[ $st -eq 1 ] && echo "$out" | grep -q "site.yaml:.*: error: unknown key 'colour'" \
    && pass "cli/strict" || fail "cli/strict" "exit $st: $out"
sed -i '/^colour: blue$/d' "$CLI/content/site.yaml"

# Output outside the project, or over the project, is refused (exit 3).
"$DOSSIER" build -q -C "$CLI" -o /tmp/dossier-outside-$$ >/dev/null 2>&1; st=$?
[ $st -eq 3 ] && [ ! -e /tmp/dossier-outside-$$ ] && pass "cli/refuse-outside" || fail "cli/refuse-outside" "exit $st"
"$DOSSIER" build -q -C "$CLI" -o "$CLI" >/dev/null 2>&1; st=$?
[ $st -eq 3 ] && [ -d "$CLI/content" ] && pass "cli/refuse-project" || fail "cli/refuse-project" "exit $st"
mkdir -p "$CLI/notes" && echo keep >"$CLI/notes/keep.txt"
"$DOSSIER" build -q -C "$CLI" -o "$CLI/notes" >/dev/null 2>&1; st=$?
[ $st -eq 3 ] && [ -f "$CLI/notes/keep.txt" ] && pass "cli/refuse-foreign-folder" || fail "cli/refuse-foreign-folder" "exit $st"

# A stale temporary folder from a killed build is cleaned up.
mkdir -p "$CLI/out.tmp-999999/models"
"$DOSSIER" build -q --force -C "$CLI" >/dev/null 2>&1
[ ! -e "$CLI/out.tmp-999999" ] && pass "cli/stale-temp-removed" || fail "cli/stale-temp-removed"

# Nothing outside the project is opened for writing, and nothing outside
# the project and the theme is read (system libraries and fonts aside).
if command -v strace >/dev/null 2>&1; then
    # -y names the folder behind a descriptor: a call relative to an open
    # folder (unlinkat(3</…/out.tmp-1/models>, "x", 0)) is judged by both
    strace -f -qq -y -e trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat \
        -o "$CLI/strace.log" "$DOSSIER" build -q -j 1 -C "$CLI" >/dev/null 2>&1
    here=$(cd "$CLI" && pwd)
    bad=$(grep -E 'O_WRONLY|O_RDWR|O_CREAT|mkdir|rename|unlink' "$CLI/strace.log" \
        | grep -v '= -1' \
        | sed -E 's/\(([0-9]+)<([^>]*)>, "([^"]*)"/("\2\/\3"/; s/ = [0-9]+<[^>]*>$//' \
        | grep -oE '"[^"]*"' | tr -d '"' \
        | while read -r p; do
            case "$p" in /*) ab=$p ;; *) ab="$ROOT/$p" ;; esac
            case "$ab" in "$here"|"$here"/*) ;; /dev/*|/proc/*) ;; *) echo "$p" ;; esac
        done | sort -u)
    [ -z "$bad" ] && pass "cli/writes-only-inside" || fail "cli/writes-only-inside" "$bad"
else
    fail "cli/writes-only-inside" "strace is not installed"
fi

# The manual page is valid mdoc.
out=$(mandoc -Tlint docs/dossier.1 2>&1); st=$?
[ $st -eq 0 ] && pass "cli/man-page-lint" || fail "cli/man-page-lint" "$out"

# verify: a fresh build matches its manifest; one changed byte, a removed
# file and an added file are each reported, with exit 1.
"$DOSSIER" build -q -C "$CLI" >/dev/null 2>&1
out=$("$DOSSIER" verify "$CLI/out" 2>&1); st=$?
[ $st -eq 0 ] && pass "cli/verify-fresh" || fail "cli/verify-fresh" "$out"
cp -r "$CLI/out" "$CLI/copy"
printf 'X' | dd of="$CLI/copy/index.html" bs=1 seek=100 conv=notrunc 2>/dev/null
rm "$CLI/copy/frameworks/index.html"
echo extra >"$CLI/copy/extra.txt"
out=$("$DOSSIER" verify "$CLI/copy" 2>&1); st=$?
if [ $st -eq 1 ] && echo "$out" | grep -q "^build/cli/copy/index.html: error: changed" \
   && echo "$out" | grep -q "^build/cli/copy/frameworks/index.html: error: missing" \
   && echo "$out" | grep -q "^build/cli/copy/extra.txt: error: added"; then
    pass "cli/verify-detects-changes"
else
    fail "cli/verify-detects-changes" "exit $st: $out"
fi
# feed and sitemap are well-formed XML with absolute URLs
if xmllint --noout "$CLI/out/feed.xml" "$CLI/out/sitemap.xml" 2>/dev/null \
   && grep -q '<loc>https://example.test/mini/index.html</loc>' "$CLI/out/sitemap.xml" \
   && [ "$(xmllint --xpath 'count(//*[local-name()="entry"])' "$CLI/out/feed.xml")" = 4 ]; then
    pass "cli/feed-and-sitemap"
else
    fail "cli/feed-and-sitemap"
fi

# Parallel and single-threaded builds are byte-identical (the demo, which
# has every kind of page).
rm -rf build/cli-j && mkdir -p build/cli-j && cp -r content build/cli-j/
"$DOSSIER" build -q -j 1 -C build/cli-j -o build/cli-j/one >/dev/null 2>&1
"$DOSSIER" build -q -j 4 -C build/cli-j -o build/cli-j/four >/dev/null 2>&1
if [ -f build/cli-j/one/index.html ] && diff -r -x .dossier-stamp -x .dossier-facts build/cli-j/one build/cli-j/four >/dev/null 2>&1; then
    pass "cli/parallel-equals-single-thread"
else
    fail "cli/parallel-equals-single-thread" "$(diff -rq build/cli-j/one build/cli-j/four 2>&1 | head)"
fi
"$DOSSIER" build -q -j 0 -C build/cli-j >/dev/null 2>&1; st=$?
[ $st -eq 2 ] && pass "cli/bad-jobs-exit-2" || fail "cli/bad-jobs-exit-2" "exit $st"

# A rebuild leaves unchanged files alone (same inode and mtime: hard-linked
# from the previous site), and rewrites only what changed.
rm -rf build/cli-inc && mkdir -p build/cli-inc && cp -r content build/cli-inc/
"$DOSSIER" build -q -C build/cli-inc >/dev/null 2>&1
(cd build/cli-inc/out && find . -type f ! -name manifest.json ! -path './.dossier-*' -printf '%i %p\n' | sort -k2) >build/cli-inc/before
"$DOSSIER" build -q -C build/cli-inc >/dev/null 2>&1
(cd build/cli-inc/out && find . -type f ! -name manifest.json ! -path './.dossier-*' -printf '%i %p\n' | sort -k2) >build/cli-inc/after
cmp -s build/cli-inc/before build/cli-inc/after && pass "cli/rebuild-keeps-unchanged-files" \
    || fail "cli/rebuild-keeps-unchanged-files" "$(diff build/cli-inc/before build/cli-inc/after | head)"
printf '\nOne more line.\n' >>build/cli-inc/content/models/fraud-detector/README.md
"$DOSSIER" build -q -C build/cli-inc >/dev/null 2>&1
(cd build/cli-inc/out && find . -type f ! -name manifest.json ! -path './.dossier-*' -printf '%i %p\n' | sort -k2) >build/cli-inc/after2
changed=$(diff build/cli-inc/after build/cli-inc/after2 | grep '^>' | awk '{print $3}' | tr '\n' ' ')
case "$changed" in
    *fraud-detector/index.html*) pass "cli/rebuild-rewrites-changed-model" ;;
    *) fail "cli/rebuild-rewrites-changed-model" "changed: $changed" ;;
esac
case "$changed" in
    *churn-predictor/index.html*) fail "cli/rebuild-leaves-other-models" "changed: $changed" ;;
    *) pass "cli/rebuild-leaves-other-models" ;;
esac
# and the previous site is never written through a link: a failing build
# after that leaves it intact
sum1=$(cd build/cli-inc/out && find . -type f | sort | xargs sha256sum)
printf 'status: [\n' >>build/cli-inc/content/models/fraud-detector/model.yaml
"$DOSSIER" build -q -C build/cli-inc >/dev/null 2>&1
sum2=$(cd build/cli-inc/out && find . -type f | sort | xargs sha256sum)
[ "$sum1" = "$sum2" ] && pass "cli/failed-rebuild-keeps-linked-site" || fail "cli/failed-rebuild-keeps-linked-site"

# dossier pdf renders one HTML file (used to compare with other renderers)
rm -f build/cli/one.pdf
out=$("$DOSSIER" pdf tests/pdf/fixtures/report.html -o build/cli/one.pdf 2>&1); st=$?
if [ $st -eq 0 ] && pdfinfo build/cli/one.pdf 2>/dev/null | grep -q "^Pages: *[0-9]"; then
    pass "cli/pdf-command"
else
    fail "cli/pdf-command" "exit $st: $out"
fi
"$DOSSIER" pdf tests/pdf/fixtures/report.html >/dev/null 2>&1; st=$?
[ $st -eq 2 ] && pass "cli/pdf-needs-output" || fail "cli/pdf-needs-output" "exit $st"

# Incremental builds: a rebuild takes unchanged model jobs from the
# previous site, re-renders exactly the jobs a change touches, and after a
# random set of edits equals a clean build byte for byte.
rm -rf build/cli-cache && mkdir -p build/cli-cache && cp -r content build/cli-cache/
# inputs older than a second: what is known of each model can be kept
sleep 2
"$DOSSIER" build -C build/cli-cache -j 2 >/dev/null 2>&1
# a touched file is a change to the build stamp but not to any job's key
touch build/cli-cache/content/models/churn-predictor/README.md
out=$("$DOSSIER" build -C build/cli-cache -j 2 2>&1 | grep built)
total=$(echo "$out" | sed -n 's/.*; \([0-9]*\) of \([0-9]*\) model jobs unchanged/\2/p')
echo "$out" | grep -q "; $total of $total model jobs unchanged" && [ "${total:-0}" -gt 0 ] \
    && pass "cli/cache-no-change-renders-nothing" || fail "cli/cache-no-change-renders-nothing" "$out"
printf '\nMore notes.\n' >>build/cli-cache/content/models/churn-predictor/README.md
out=$("$DOSSIER" build -C build/cli-cache -j 2 --timings 2>&1)
echo "$out" | grep built | grep -q "; $((total - 2)) of $total model jobs unchanged" \
    && pass "cli/cache-one-model-changed" || fail "cli/cache-one-model-changed" "$out"
# the metrics folders of the other models are not read again
models=$(ls build/cli-cache/content/models | wc -l)
echo "$out" | grep -q "timings: taken from the last build: metrics of $((models - 1)), answers of $((models - 1)) of $models models" \
    && pass "cli/facts-of-unchanged-models-reused" || fail "cli/facts-of-unchanged-models-reused" "$out"
mkdir -p build/cli-cache/templates && cp templates/releases.html build/cli-cache/templates/
printf '<!-- changed -->\n' >>build/cli-cache/templates/releases.html
out=$("$DOSSIER" build -C build/cli-cache -j 2 2>&1 | grep built)
half=$((total / 2))
echo "$out" | grep -q "; $half of $total model jobs unchanged" \
    && pass "cli/cache-template-change-rerenders-its-pages" || fail "cli/cache-template-change-rerenders-its-pages" "$out"
# more edits: a metrics export, a deleted model, a renamed release record
sed -i 's/0.9/0.8/' build/cli-cache/content/models/support-assistant/metrics/eval.json
rm -rf build/cli-cache/content/models/claims-triage
mv build/cli-cache/content/models/fraud-detector/releases/1.0.0.yaml build/cli-cache/content/models/fraud-detector/releases/1.0.yaml
sed -i 's/^version: "1.0.0"/version: "1.0"/' build/cli-cache/content/models/fraud-detector/releases/1.0.yaml
"$DOSSIER" build -q -C build/cli-cache -j 2 >/dev/null 2>&1
rm -rf build/cli-clean && mkdir -p build/cli-clean && cp -r build/cli-cache/content build/cli-cache/templates build/cli-clean/
"$DOSSIER" build -q -C build/cli-clean -j 1 >/dev/null 2>&1
if [ -f build/cli-clean/out/index.html ] && [ ! -e build/cli-cache/out/models/claims-triage ] && \
   diff -r -x .dossier-cache -x .dossier-site -x .dossier-stamp -x .dossier-facts build/cli-cache/out build/cli-clean/out >/dev/null; then
    pass "cli/incremental-equals-clean-build"
else
    fail "cli/incremental-equals-clean-build" "$(diff -rq -x .dossier-cache -x .dossier-facts build/cli-cache/out build/cli-clean/out 2>&1 | head)"
fi
# a damaged or foreign record of a model's metrics is read again, not
# trusted: cut short, emptied, another program's
sleep 2
"$DOSSIER" build -q -C build/cli-cache -j 2 >/dev/null 2>&1
f=build/cli-cache/out/.dossier-facts
head -c 300 "$f/metrics/fraud-detector" >"$f/x" && mv "$f/x" "$f/metrics/fraud-detector"
: >"$f/metrics/churn-predictor"
sed -i '1s/.*/dossier-facts 0/' "$f/metrics/credit-risk-scorer"
head -c 1000 "$f/compliance/resume-screener" >"$f/x" && mv "$f/x" "$f/compliance/resume-screener"
rm "$f/compliance/support-assistant"
touch build/cli-cache/content/site.yaml
out=$("$DOSSIER" build -C build/cli-cache -j 2 --timings 2>&1)
models=$(ls build/cli-cache/content/models | wc -l)
echo "$out" | grep -q "timings: taken from the last build: metrics of $((models - 3)), answers of $((models - 2)) of $models models" \
   && diff -r -x .dossier-cache -x .dossier-site -x .dossier-stamp -x .dossier-facts build/cli-cache/out build/cli-clean/out >/dev/null \
    && pass "cli/facts-damaged-read-again" || fail "cli/facts-damaged-read-again" "$out"
# a stale or foreign cache falls back to a full build
printf 'dossier-cache 0 old\n' >build/cli-cache/out/.dossier-cache
out=$("$DOSSIER" build -C build/cli-cache 2>&1 | grep built)
echo "$out" | grep -q "; 0 of" && pass "cli/cache-version-mismatch-full-build" || fail "cli/cache-version-mismatch-full-build" "$out"
"$DOSSIER" verify build/cli-cache/out >/dev/null 2>&1 && pass "cli/verify-after-incremental" || fail "cli/verify-after-incremental"
# The replaced site is kept beside out/ as the spare the next build starts
# from (see publish.h). A build that fails after writing most pages into
# it, whose files are the published site's too, leaves out/ as it was;
# the next build, from that spare, still equals a clean build.
[ -d build/cli-cache/out.tmp-spare ] && pass "cli/spare-kept-beside-out" || fail "cli/spare-kept-beside-out"
"$DOSSIER" build -q -C build/cli-cache -j 2 >/dev/null 2>&1
sum1=$(cd build/cli-cache/out && find . -type f | sort | xargs sha256sum)
cp build/cli-cache/templates/layouts/base.html build/cli-cache/base.bak 2>/dev/null \
    || cp templates/layouts/base.html build/cli-cache/base.bak
mkdir -p build/cli-cache/templates/layouts
sed 's|</body>|<!-- every page changes --></body>|' build/cli-cache/base.bak >build/cli-cache/templates/layouts/base.html
printf '<%%= site.nothing.here %%>\n' >build/cli-cache/templates/page.html
"$DOSSIER" build -q -C build/cli-cache -j 2 >/dev/null 2>&1; st=$?
sum2=$(cd build/cli-cache/out && find . -type f | sort | xargs sha256sum)
[ $st -eq 1 ] && [ "$sum1" = "$sum2" ] && [ -d build/cli-cache/out.tmp-spare ] \
    && ! ls -d build/cli-cache/out.tmp-[0-9]* >/dev/null 2>&1 \
    && grep -rqs "every page changes" build/cli-cache/out.tmp-spare \
    && pass "cli/spare-failed-build-keeps-out" || fail "cli/spare-failed-build-keeps-out" "exit $st"
rm build/cli-cache/templates/page.html build/cli-cache/templates/layouts/base.html build/cli-cache/base.bak
# links put into the spare are removed, never written through
mkdir -p build/cli-victim
rm -rf build/cli-cache/out.tmp-spare/models build/cli-cache/out.tmp-spare/index.html
ln -s ../../cli-victim build/cli-cache/out.tmp-spare/models
ln -s ../../cli-victim/index.html build/cli-cache/out.tmp-spare/index.html
echo stale >build/cli-cache/out.tmp-spare/stale.html
"$DOSSIER" build -q -C build/cli-cache -j 2 >/dev/null 2>&1; st=$?
if [ $st -eq 0 ] && [ -z "$(ls -A build/cli-victim)" ] && [ ! -e build/cli-cache/out/stale.html ] && \
   diff -r -x .dossier-cache -x .dossier-site -x .dossier-stamp -x .dossier-facts build/cli-cache/out build/cli-clean/out >/dev/null; then
    pass "cli/spare-after-failure-equals-clean-build"
else
    fail "cli/spare-after-failure-equals-clean-build" "exit $st; $(ls -A build/cli-victim) $(diff -rq -x .dossier-cache -x .dossier-site -x .dossier-stamp -x .dossier-facts build/cli-cache/out build/cli-clean/out 2>&1 | head -5)"
fi
rm -rf build/cli-victim
# check takes unchanged models' records from the last build's site too,
# writes none, and says exactly what it says without them
C=build/cli-cache
out=$("$DOSSIER" check -C "$C" --timings 2>&1)
models=$(ls "$C/content/models" | wc -l)
"$DOSSIER" check -C "$C" --junit "$C/j1.xml" --format json >"$C/c1.out" 2>"$C/c1.err"; st1=$?
before=$(cd "$C/out" && find . -type f -printf '%i %T@ %p\n' | sort)
mv "$C/out" "$C/out.hidden"
"$DOSSIER" check -C "$C" --junit "$C/j2.xml" --format json >"$C/c2.out" 2>"$C/c2.err"; st2=$?
mv "$C/out.hidden" "$C/out"
after=$(cd "$C/out" && find . -type f -printf '%i %T@ %p\n' | sort)
echo "$out" | grep -q "timings: taken from the last build: metrics of $models, answers of $models of $models models" \
    && [ "$st1" = "$st2" ] && cmp -s "$C/c1.out" "$C/c2.out" && cmp -s "$C/c1.err" "$C/c2.err" \
    && cmp -s "$C/j1.xml" "$C/j2.xml" && [ "$before" = "$after" ] \
    && pass "cli/check-takes-records" || fail "cli/check-takes-records" "exit $st1/$st2: $(echo "$out" | grep timings: | tail -1) $(diff "$C/c1.err" "$C/c2.err" | head -5)"
out=$("$DOSSIER" check -C "$C" --force --timings 2>&1)
echo "$out" | grep -q "timings: taken from the last build: metrics of 0, answers of 0 of $models models" \
    && pass "cli/check-force-reads-all" || fail "cli/check-force-reads-all" "$(echo "$out" | grep timings: | tail -1)"

# Nothing changed since the last build: the build does nothing, leaves
# out/ as it is and repeats that build's warnings. Inputs must be older
# than a second for their fingerprint to be trusted (see stamp.h).
S=build/cli-stamp
rm -rf "$S" && mkdir -p "$S" && cp -r tests/golden/mini/content tests/golden/mini/frameworks "$S"/
printf 'colour: blue\n' >>"$S/content/site.yaml"
sleep 2
first=$("$DOSSIER" build -C "$S" 2>&1)
ino=$(stat -c %i "$S/out/index.html") dino=$(stat -c %i "$S/out")
out=$("$DOSSIER" build -C "$S" 2>&1); st=$?
[ $st -eq 0 ] && echo "$out" | grep -q "^dossier: $S/out is up to date: none of [0-9]* inputs changed" \
    && [ "$(stat -c %i "$S/out/index.html")" = "$ino" ] && [ "$(stat -c %i "$S/out")" = "$dino" ] \
    && pass "cli/stamp-nothing-changed-does-nothing" || fail "cli/stamp-nothing-changed-does-nothing" "exit $st: $out"
w1=$(echo "$first" | grep "unknown key 'colour'") w2=$(echo "$out" | grep "unknown key 'colour'")
[ -n "$w1" ] && [ "$w1" = "$w2" ] && pass "cli/stamp-replays-warnings" || fail "cli/stamp-replays-warnings" "$first // $out"
out=$("$DOSSIER" build -q -C "$S" 2>&1)
[ "$out" = "$w1" ] && pass "cli/stamp-quiet" || fail "cli/stamp-quiet" "$out"
# any change is seen: an edit, a new file, a removed file, the options
printf '\nA line added after the build.\n' >>"$S/content/models/loan-check/README.md"
out=$("$DOSSIER" build -C "$S" 2>&1)
echo "$out" | grep -q "built .*; 2 of 4 model jobs unchanged" && grep -q "A line added after the build" "$S/out/models/loan-check/index.html" \
    && pass "cli/stamp-edit-rebuilds" || fail "cli/stamp-edit-rebuilds" "$out"
mkdir -p "$S/content/pages"
printf -- '---\ntitle: Added later\n---\nNew page.\n' >"$S/content/pages/added-later.md"
out=$("$DOSSIER" build -C "$S" 2>&1)
echo "$out" | grep -q "built " && [ -f "$S/out/pages/added-later.html" ] \
    && pass "cli/stamp-new-file-rebuilds" || fail "cli/stamp-new-file-rebuilds" "$out"
rm "$S/content/pages/added-later.md"
out=$("$DOSSIER" build -C "$S" 2>&1)
echo "$out" | grep -q "built " && [ ! -e "$S/out/pages/added-later.html" ] \
    && pass "cli/stamp-removed-file-rebuilds" || fail "cli/stamp-removed-file-rebuilds" "$out"
out=$("$DOSSIER" build --no-pdf -C "$S" 2>&1)
echo "$out" | grep -q "built " && [ ! -e "$S/out/pdf" ] \
    && pass "cli/stamp-options-rebuild" || fail "cli/stamp-options-rebuild" "$out"
out=$("$DOSSIER" build --force --no-pdf -C "$S" 2>&1)
echo "$out" | grep -q "built .*; 0 of 2 model jobs unchanged" \
    && pass "cli/force-renders-everything" || fail "cli/force-renders-everything" "$out"
"$DOSSIER" verify "$S/out" >/dev/null 2>&1 && pass "cli/verify-after-stamp" || fail "cli/verify-after-stamp"
# A page edited by hand in out/ is taken as the manifest describes it
# (verify reports it); --force reads the previous site instead of trusting
# its manifest, and writes the page again.
good=$(sha256sum <"$S/out/index.html")
printf '<!-- edited by hand -->\n' >>"$S/out/index.html"
"$DOSSIER" verify "$S/out" >/dev/null 2>&1; st=$?
"$DOSSIER" build -q --force --no-pdf -C "$S" >/dev/null 2>&1
[ $st -eq 1 ] && [ "$(sha256sum <"$S/out/index.html")" = "$good" ] && "$DOSSIER" verify "$S/out" >/dev/null 2>&1 \
    && pass "cli/force-repairs-hand-edit" || fail "cli/force-repairs-hand-edit" "verify exit $st"

# The engine (and the fifty libraries it needs) is loaded only when there
# is work: not by a no-change rebuild, --help or --version; by a build
# that has work, check and verify.
if command -v strace >/dev/null 2>&1; then
    # inputs older than a second, and a build whose stamp can be trusted
    sleep 2
    "$DOSSIER" build -q --no-pdf -C "$S" >/dev/null 2>&1
    engine_opened() { strace -f -qq -e trace=openat -o "$S/strace.log" "$@" >/dev/null 2>&1; grep -q 'dossier-engine\.so' "$S/strace.log"; }
    engine_opened "$DOSSIER" build -q --no-pdf -C "$S" && fail "cli/engine-not-loaded-when-current" "$(grep -c . "$S/strace.log") opens, the engine among them" || pass "cli/engine-not-loaded-when-current"
    grep -q libpango "$S/strace.log" && fail "cli/no-rendering-libraries-when-current" "$(grep libpango "$S/strace.log")" || pass "cli/no-rendering-libraries-when-current"
    ! engine_opened "$DOSSIER" --version && ! engine_opened "$DOSSIER" --help \
        && pass "cli/engine-not-loaded-for-help" || fail "cli/engine-not-loaded-for-help"
    engine_opened "$DOSSIER" check -q -C "$S" && engine_opened "$DOSSIER" build -q --force --no-pdf -C "$S" \
        && pass "cli/engine-loaded-for-work" || fail "cli/engine-loaded-for-work"
else
    fail "cli/engine-not-loaded-when-current" "strace is not installed"
fi
# A missing or foreign engine is an I/O error that says what is wrong, and
# the previous out/ stays.
ino=$(stat -c %i "$S/out/index.html")
out=$(DOSSIER_ENGINE="$S/no-such-engine.so" "$DOSSIER" build --force --no-pdf -C "$S" 2>&1); st=$?
[ $st -eq 3 ] && echo "$out" | grep -q "DOSSIER_ENGINE: no such file '$S/no-such-engine.so'" \
    && [ "$(stat -c %i "$S/out/index.html")" = "$ino" ] \
    && pass "cli/engine-missing" || fail "cli/engine-missing" "exit $st: $out"
out=$(DOSSIER_ENGINE=/usr/lib/x86_64-linux-gnu/libyaml-0.so.2 "$DOSSIER" check -C "$S" 2>&1); st=$?
[ $st -eq 3 ] && echo "$out" | grep -q "cannot load the engine: .*engine_main" \
    && pass "cli/engine-foreign" || fail "cli/engine-foreign" "exit $st: $out"

# A portfolio too large for a column or a bar per model: framework pages
# group the models by risk class, per-model value charts keep the first
# bars and sum the rest as one, in the site and in the leadership PDF.
L=build/cli-large
rm -rf "$L" && mkdir -p "$L/content/models" && cp content/site.yaml content/portfolio.yaml "$L/content/"
for i in $(seq -w 1 61); do cp -r content/models/credit-risk-scorer "$L/content/models/credit-risk-scorer-$i"; done
out=$("$DOSSIER" build -q -C "$L" -j 2 2>&1); st=$?
[ $st -eq 0 ] && grep -q '61 models answer this framework' "$L/out/frameworks/eu-ai-act.html" \
    && ! grep -q 'class="matrix__model"' "$L/out/frameworks/eu-ai-act.html" \
    && pass "cli/large-framework-page-groups-models" || fail "cli/large-framework-page-groups-models" "exit $st: $out"
grep -q 'Other 42 models' "$L/out/value.html" && pass "cli/large-value-chart-groups-the-rest" \
    || fail "cli/large-value-chart-groups-the-rest"
pdftotext "$L/out/pdf/value-report.pdf" - 2>/dev/null | grep -q 'Other 47 models' \
    && pass "cli/large-value-report-chart" || fail "cli/large-value-report-chart"
