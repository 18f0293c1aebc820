#!/bin/sh
# Tests of the PDF renderer: the cmocka unit tests, then end-to-end checks
# on real PDFs read back with poppler-utils and qpdf, then golden page
# images. Prints "N passed, M failed" and fails when any check fails.
# BUILD names the build folder (build, build-asan); GOLDEN_UPDATE=1
# rewrites the golden PNGs instead of comparing them.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" || exit 2
# B: where pdfr and pngdiff were built (tests/suite-pdf.sh builds them)
B=${PDF_TOOLS:?set PDF_TOOLS to the folder holding pdfr and pngdiff}
A=${PDF_ARTIFACTS:-../../build/pdf-artifacts}
F=fixtures
G=golden
rm -rf "$A" && mkdir -p "$A"
LSAN_OPTIONS="suppressions=$here/../lsan.supp:print_suppressions=0"
export LSAN_OPTIONS
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
# check NAME COMMAND...: passes when the command (or function) succeeds
check() {
    name=$1
    shift
    if "$@" >"$A/check.out" 2>&1; then
        ok "$name"
    else
        bad "$name"
        sed 's/^/    /' "$A/check.out" | head -20
    fi
}
has() { grep -q -- "$2" "$1"; }            # has FILE REGEX
hasx() { grep -qx -- "$2" "$1"; }          # hasx FILE LINE-REGEX
lacks() { ! grep -q -- "$2" "$1"; }        # lacks FILE REGEX
empty() { ! [ -s "$1" ]; }
pages() { pdfinfo "$1" | sed -n 's/^Pages: *//p'; }
page_text() { pdftotext -layout -f "$2" -l "$2" "$1" -; }
page_has() { page_text "$1" "$2" | grep -q -- "$3"; }   # PDF PAGE REGEX
page_lacks() { ! page_has "$@"; }

# (the cmocka unit tests run in the unit suite: tests/unit/test_pdf*.c)

# ---- end to end: the report ------------------------------------------
R="$B/pdfr"
render() { # render OUT.pdf IN.html [pdfr options]; stderr to OUT.pdf.err
    out=$1 in=$2
    shift 2
    "$R" -b "$F" -s title=Fraud_detector_model_card \
        -s author=Example_Bank_AG -s subject=Model_governance_dossier \
        -s keywords=fraud,model-card -s date=2024-03-14 \
        "$@" "$in" "$out" 2>"$out.err"
}
render_report() { # render_report OUT.pdf [pdfr options]
    o=$1
    shift
    render "$o" "$F/report.html" -c -s cover_title=Fraud_detector \
        -s cover_subtitle=Model_card -s cover_line=Example_Bank_AG \
        -s cover_line=fraud-detector_2.3.0 -s cover_line=14_March_2024 \
        -s confidentiality=Internal -s toc=1 "$@"
}

render_report "$A/report.pdf"
check "report renders" test -s "$A/report.pdf"
check "report: qpdf finds no damage" qpdf --check "$A/report.pdf"
check "report: no warnings with charts drawn" empty "$A/report.pdf.err"
pdfinfo "$A/report.pdf" >"$A/info.txt"
check "pdfinfo: title" hasx "$A/info.txt" 'Title: *Fraud_detector_model_card'
check "pdfinfo: author" hasx "$A/info.txt" 'Author: *Example_Bank_AG'
check "pdfinfo: subject" hasx "$A/info.txt" 'Subject: *Model_governance_dossier'
check "pdfinfo: keywords" hasx "$A/info.txt" 'Keywords: *fraud,model-card'
check "pdfinfo: creation date" \
    hasx "$A/info.txt" 'CreationDate: *Thu Mar 14 00:00:00 2024 UTC'
check "pdfinfo: A4 page size" \
    hasx "$A/info.txt" 'Page size: *595.28 x 841.89 pts (A4)'
n=$(pages "$A/report.pdf")
check "report has 8 to 16 pages ($n)" test "$n" -ge 8 -a "$n" -le 16

check "cover has no page footer" page_lacks "$A/report.pdf" 1 'Page 1 of'
check "footer 'Page 2 of $n'" page_has "$A/report.pdf" 2 "Page 2 of $n\$"
check "footer on the last page" page_has "$A/report.pdf" "$n" "Page $n of $n"
page_text "$A/report.pdf" 3 | head -3 >"$A/header.txt"
check "running header: title and confidentiality" \
    has "$A/header.txt" 'Fraud_detector_model_card  *Internal'
pdftotext -layout -f 3 "$A/report.pdf" "$A/body.txt"
grep -x -e 'Executive summary' -e 'Scope and intended use' \
    -e 'Requirements' -e 'Training data' -e 'Approval' "$A/body.txt" |
    tr '\n' '|' >"$A/order.txt"
check "text extracted in reading order" hasx "$A/order.txt" \
    'Executive summary|Scope and intended use|Requirements|Training data|Approval|'
check "inline styles keep the text whole" has "$A/body.txt" \
    'This dossier documents the fraud-detector model, version 2.3.0'

# Every contents entry's page number is the page its heading is on.
page_text "$A/report.pdf" 2 |
    sed -n 's/^ *\([A-Z][A-Za-z ]*[a-z]\)  *\([0-9][0-9]*\)$/\2 \1/p' \
        >"$A/toc.txt"
toc_ok() {
    entries=0
    while read -r pg title; do
        entries=$((entries + 1))
        page_has "$A/report.pdf" "$pg" "^ *$title\$" ||
            { echo "'$title' is not on page $pg"; return 1; }
    done <"$A/toc.txt"
    [ "$entries" -ge 15 ] || { echo "only $entries entries"; return 1; }
}
check "contents: each entry points at its heading's page" toc_ok

fonts_ok() { # column 5 from the right is emb, 4 is sub
    pdffonts "$1" | tail -n +3 |
        awk '$(NF-4) != "yes" || $(NF-3) != "yes" { bad = 1; print }
             END { exit bad || NR == 0 }'
}
check "fonts all embedded and subset" fonts_ok "$A/report.pdf"

qpdf --json "$A/report.pdf" >"$A/report.json"
# Outline titles in order, each with its JSON indentation (= depth).
awk '/^  "outlines"/ { on = 1; next }
     on && /^  "/ { on = 0 }
     on && /"title"/ { match($0, /^ */); t = $0
                       sub(/^ *"title": "/, "", t); sub(/",?$/, "", t)
                       print RLENGTH, t }' "$A/report.json" >"$A/outline.txt"
nout=$(wc -l <"$A/outline.txt")
check "outline: contents + every h1-h3 ($nout entries)" test "$nout" -eq 17
depth() { sed -n "s/^\([0-9]*\) $1\$/\1/p" "$A/outline.txt"; }
d1=$(depth 'Executive summary')
d2=$(depth 'Scope and intended use')
d3=$(depth 'Out of scope')
check "outline nests h1 > h2 > h3" \
    test "${d1:-0}" -lt "${d2:-0}" -a "${d2:-0}" -lt "${d3:-0}"
check "external link carries its URI" has "$A/report.json" \
    '"/URI": "u:https://example.org/policy/model-risk"'
check "mailto link" has "$A/report.json" '"/URI": "u:mailto:model-risk@example.org"'
nlinks=$(grep -c '"/Subtype": "/Link"' "$A/report.json")
check "link annotations ($nlinks)" test "$nlinks" -ge 20
check "internal links go to named destinations" \
    has "$A/report.json" '"/Dest": "u:requirements"'
check "PNG image embedded as an image" has "$A/report.json" '"/Subtype": "/Image"'

render_report "$A/report2.pdf"
check "byte-identical rebuild" cmp "$A/report.pdf" "$A/report2.pdf"

# ---- charts are vectors ----------------------------------------------
cat >"$A/chart.html" <<'HTML'
<h1>Charts</h1><figure class="chart" data-chart="bars"><img src="x.png">
<figcaption>Figure 1. Bars</figcaption></figure>
HTML
render "$A/chart.pdf" "$A/chart.html" -c
qpdf --json "$A/chart.pdf" >"$A/chart.json"
check "chart drawn without image XObjects" lacks "$A/chart.json" '/Image'
check "chart caption kept" page_has "$A/chart.pdf" 1 'Figure 1. Bars'
check "chart: no warning" empty "$A/chart.pdf.err"
qpdf --qdf --object-streams=disable "$A/chart.pdf" "$A/chart.qdf.pdf"
check "chart rectangles are path fills" grep -aq ' re f' "$A/chart.qdf.pdf"
render "$A/chart-fallback.pdf" "$A/chart.html"
check "no callback: warned, HTML fallback used" has "$A/chart-fallback.pdf.err" \
    "chart.html:1: warning: chart 'bars' cannot be drawn in PDF output"

# ---- a table of 200 rows: header on every page -----------------------
{
    echo '<h1>Big table</h1><table><thead><tr><th>Identifier</th>'
    echo '<th>Description</th><th class="num">Value</th></tr></thead><tbody>'
    i=1
    while [ $i -le 200 ]; do
        echo "<tr><td>row-$i</td><td>control number $i of the inventory</td>"
        echo "<td class=\"num\">$((i * 37 % 1000)).00</td></tr>"
        i=$((i + 1))
    done
    echo '</tbody></table><p>After the table.</p>'
} >"$A/table.html"
render "$A/table.pdf" "$A/table.html"
tn=$(pages "$A/table.pdf")
check "200-row table spans pages ($tn)" test "$tn" -ge 4
header_everywhere() {
    p=1
    while [ $p -le "$tn" ]; do
        first=$(page_text "$A/table.pdf" $p |
            grep -m1 -e 'Identifier' -e 'row-')
        case $first in
        '' | *Identifier*Description*Value*) ;;
        *) echo "page $p starts with: $first"; return 1 ;;
        esac
        p=$((p + 1))
    done
}
check "table header repeated on every page" header_everywhere
pdftotext "$A/table.pdf" - | grep -o 'row-[0-9]*' >"$A/rows.txt"
seq 1 200 | sed 's/^/row-/' >"$A/rows.want"
check "all 200 rows, in order" cmp "$A/rows.want" "$A/rows.txt"

# Ids inside repeated header rows become destinations once, not per page.
{
    echo '<table><thead><tr><th id="h1">Head <span id="s1">x</span></th>'
    echo '</tr></thead><tbody>'
    i=1
    while [ $i -le 120 ]; do echo "<tr><td>r$i</td></tr>"; i=$((i + 1)); done
    echo '</tbody></table><p><a href="#h1">head</a> <a href="#s1">s</a></p>'
} >"$A/repeat.html"
render "$A/repeat.pdf" "$A/repeat.html"
qpdf --qdf --object-streams=disable "$A/repeat.pdf" "$A/repeat.qdf.pdf"
dests_once() { # each name: once in /Names, once in its link
    for d in h1 s1; do
        c=$(grep -ac "($d)" "$A/repeat.qdf.pdf")
        [ "$c" -eq 2 ] || { echo "($d) appears $c times"; return 1; }
    done
}
check "ids in repeated header rows: one destination each" dests_once

# ---- a 2,000-word paragraph ------------------------------------------
{
    printf '<h1>Long</h1><p>'
    i=1
    while [ $i -le 2000 ]; do printf 'word%d ' $i; i=$((i + 1)); done
    printf '</p><p>End.</p>'
} >"$A/long.html"
render "$A/long.pdf" "$A/long.html"
ln=$(pages "$A/long.pdf")
check "2,000-word paragraph spans pages ($ln)" test "$ln" -ge 3
nw=$(pdftotext "$A/long.pdf" - | grep -o 'word[0-9]*' | wc -l)
check "all 2,000 words extracted ($nw)" test "$nw" -eq 2000
no_single_lines() {
    p=2
    while [ $p -le "$ln" ]; do
        lines=$(page_text "$A/long.pdf" $p | grep -c 'word')
        [ "$lines" -eq 1 ] && { echo "page $p has one line"; return 1; }
        p=$((p + 1))
    done
    return 0
}
check "no page holds a single line of the paragraph" no_single_lines

# ---- headings are never last on a page -------------------------------
heading_kept() {
    k=0
    while [ $k -lt 12 ]; do
        {
            j=0
            while [ $j -lt $((k + 30)) ]; do
                echo "<p>Filler line $j.</p>"
                j=$((j + 1))
            done
            echo '<h2>Target heading</h2>'
            echo '<p>Following text starts here and goes on.</p>'
        } >"$A/keep.html"
        render "$A/keep.pdf" "$A/keep.html"
        p=1
        while [ $p -le "$(pages "$A/keep.pdf")" ]; do
            if page_has "$A/keep.pdf" $p 'Target heading'; then
                page_has "$A/keep.pdf" $p 'Following text starts' ||
                    { echo "alone at $k extra lines, page $p"; return 1; }
            fi
            p=$((p + 1))
        done
        k=$((k + 1))
    done
}
check "heading kept with the next block (12 positions)" heading_kept

# ---- empty documents -------------------------------------------------
: >"$A/empty.html"
render "$A/empty.pdf" "$A/empty.html"
check "empty document: one page" test "$(pages "$A/empty.pdf")" -eq 1
check "empty document: no diagnostics" empty "$A/empty.pdf.err"
render "$A/empty-cover.pdf" "$A/empty.html" -s cover_title=Cover -s toc=1
check "empty document with cover: the cover alone" \
    test "$(pages "$A/empty-cover.pdf")" -eq 1

# ---- malformed HTML and unknown elements -----------------------------
cat >"$A/bad.html" <<'HTML'
<h1>Broken <em>document
<p>First paragraph <b>bold never closed
<video src="a.mp4">Video fallback text</video>
<script>alert(1)</script>
<table><tr><td>cell one<td>cell two</table>
<ul><li>one<li>two</ul></div></span>
<marquee>Scrolling text</marquee>
<img src="img/photo.jpg" alt="A photo">
<p>Last words
HTML
render "$A/bad.pdf" "$A/bad.html"
check "malformed HTML renders" test -s "$A/bad.pdf"
check "malformed: qpdf finds no damage" qpdf --check "$A/bad.pdf"
E="$A/bad.pdf.err"
check "warns: <video>, with its line" hasx "$E" \
    "$A/bad.html:3: warning: <video> is not supported in PDF output; its text is kept"
check "warns: <script> left out" has "$E" \
    'bad.html:4: warning: <script> is not supported in PDF output; it is left out'
check "warns: <marquee>" has "$E" 'bad.html:7: warning: <marquee> is not supported'
check "warns: JPEG shown as its alt text" has "$E" \
    "bad.html:8: warning: image 'img/photo.jpg' is not a PNG"
pdftotext "$A/bad.pdf" "$A/bad.txt"
for w in 'Video fallback text' 'cell two' 'Scrolling text' 'Last words' \
    'A photo'; do
    check "malformed: text kept: $w" has "$A/bad.txt" "$w"
done
check "malformed: script text dropped" lacks "$A/bad.txt" 'alert'

# ---- themes in Lua ---------------------------------------------------
cat >"$A/letter.lua" <<'LUA'
return { paper = "Letter", margin = 54, font = "DejaVu Serif", size = 10.5,
         h1 = { color = "#7a1f1f" }, table = { zebra = "#fafafa" } }
LUA
render_report "$A/letter.pdf" -t "$A/letter.lua"
pdfinfo "$A/letter.pdf" >"$A/letter.txt"
check "Letter paper from the Lua theme" \
    has "$A/letter.txt" '^Page size: *612 x 792 pts (letter)'
pdffonts "$A/letter.pdf" >"$A/letter-fonts.txt"
check "theme body font used" has "$A/letter-fonts.txt" 'DejaVuSerif'
echo 'return { fnot = "x" }' >"$A/bad.lua"
"$R" -t "$A/bad.lua" "$A/empty.html" "$A/never.pdf" 2>"$A/bad-theme.err"
check "bad theme key reported with a suggestion" has "$A/bad-theme.err" \
    "theme.fnot: unknown key (did you mean 'font'?)"

# ---- golden page images ----------------------------------------------
mkdir -p "$G"
pdftoppm -png -r 60 "$A/report.pdf" "$A/page"
for pg in 01 03 06; do
    if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
        cp "$A/page-$pg.png" "$G/report-$pg.png"
        echo "updated $G/report-$pg.png"
    elif [ -f "$G/report-$pg.png" ]; then
        check "golden page $pg" "$B/pngdiff" "$G/report-$pg.png" \
            "$A/page-$pg.png"
    else
        bad "golden page $pg: $G/report-$pg.png missing (make golden-update)"
    fi
done
if [ -f "$G/report-01.png" ] && [ -f "$G/report-03.png" ]; then
    check "pngdiff tells two different pages apart" \
        sh -c '! "$1" "$2" "$3"' - "$B/pngdiff" "$G/report-01.png" \
        "$G/report-03.png"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
