# The PDF renderer end to end (tests/pdf/run.sh): real PDFs read back with
# pdfinfo, pdftotext, pdffonts and qpdf, stress documents, golden page
# images; and the PDFs of the demo portfolio.
if make -s build/pdftools/pdfr build/pdftools/pngdiff >build/pdftools.log 2>&1; then
    out=$(PDF_TOOLS="$ROOT/build/pdftools" PDF_ARTIFACTS="$ROOT/build/pdf-artifacts" sh tests/pdf/run.sh 2>&1)
    line=$(printf '%s\n' "$out" | tail -1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ]; then
        fail "pdf/run" "$(printf '%s\n' "$out" | tail -20)"
    else
        PASS=$((PASS + p))
        if [ "$f" -gt 0 ]; then
            FAIL=$((FAIL + f))
            printf '%s\n' "$out" | grep -A6 '^FAIL' | head -40
            FAILED_NAMES="$FAILED_NAMES
  pdf/run ($f)"
        fi
    fi
else
    fail "pdf/tools" "$(tail -20 build/pdftools.log)"
fi
