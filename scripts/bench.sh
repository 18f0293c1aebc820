#!/bin/sh
# make bench: dossier against Hugo (and WeasyPrint) on synthetic portfolios
# of N = 100, 1,000 and 10,000 models made by scripts/gen-workload. See
# docs/benchmark.md for what is measured and how to read the table.
#
# Environment:
#   BENCH_SIZES="100 1000 10000"  portfolio sizes
#   BENCH_RUNS=5                  measured runs per case (the median is shown)
#   BENCH_SLOW=60                 a case whose warm-up run takes longer than
#                                 this many seconds is measured once only
#   BENCH_TIMEOUT=3600            seconds before one run is killed
#   BENCH_DIR=bench/work          workloads and outputs (git-ignored)
#   BENCH_CSV=bench/results/<date>-<host>.csv   raw results (appended)
#   BENCH_PDF_SIZES="100 1000"    sizes at which a full build with every PDF
#                                 is also timed (when dossier has --no-pdf)
#   BENCH_MLFLOW="1000 20 100"    runs x metrics x steps of the import test
#   DOSSIER=build/dossier         the program under test
#   WORKLOAD_SEED=dossier-bench-1 seed of the workload
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
DOSSIER=${DOSSIER:-$here/build/dossier}
SIZES=${BENCH_SIZES:-"100 1000 10000"}
RUNS=${BENCH_RUNS:-5}
SLOW=${BENCH_SLOW:-60}
TIMEOUT=${BENCH_TIMEOUT:-3600}
WORK=${BENCH_DIR:-$here/bench/work}
PDF_SIZES=${BENCH_PDF_SIZES:-"100 1000"}
MLFLOW=${BENCH_MLFLOW:-"1000 20 100"}
HOST=$(hostname 2>/dev/null || uname -n)
DAY=$(date +%Y-%m-%d)
RUN_ID=$(date +%Y%m%dT%H%M%S)
CSV=${BENCH_CSV:-$here/bench/results/$DAY-$HOST.csv}
CPUS=$(nproc 2>/dev/null || echo 1)

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

# ---------------------------------------------------------------- tools
# Hugo, WeasyPrint, GNU time and pdfinfo from Debian, as
# scripts/install-deps.sh installs the rest (only what is missing).
need=""
command -v hugo >/dev/null 2>&1 || need="$need hugo"
command -v weasyprint >/dev/null 2>&1 || need="$need weasyprint"
[ -x /usr/bin/time ] || need="$need time"
command -v python3 >/dev/null 2>&1 || need="$need python3"
command -v pdfinfo >/dev/null 2>&1 || need="$need poppler-utils"
if [ -n "$need" ]; then
    say "bench: installing:$need"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
[ -x "$DOSSIER" ] || die "no program at $DOSSIER (run make first)"
command -v hugo >/dev/null 2>&1 || die "hugo is not installed"

help=$("$DOSSIER" --help 2>&1 || true)
has_flag() { printf '%s\n' "$help" | grep -q -- "$1"; }
NOPDF=""
if has_flag '--no-pdf'; then NOPDF="--no-pdf"; fi
# A command that renders one HTML file to PDF: a line "  pdf  ..." under
# Commands in --help. Its arguments are taken as "pdf IN -o OUT" unless
# BENCH_PDF_CMD says otherwise ("{in}" and "{out}" are replaced).
PDFCMD=""
if printf '%s\n' "$help" | grep -Eq '^  pdf[[:space:]]'; then
    PDFCMD=${BENCH_PDF_CMD:-"pdf {in} -o {out}"}
fi
# MLflow file stores are read once the importers are in the program.
HAS_MLFLOW=0
for f in "$DOSSIER" "$(dirname "$DOSSIER")/dossier-engine.so"; do
    if grep -aq 'mlruns' "$f" 2>/dev/null; then HAS_MLFLOW=1; fi
done

mkdir -p "$WORK" "$(dirname "$CSV")"
[ -f "$CSV" ] || echo "run_id,date,host,cpus,program,n,tool,case,run,wall_s,user_s,sys_s,cpu_s,maxrss_kib,pages,files,kib,status" >"$CSV"
# what was measured: the program's version and the commit it was built from
PROGRAM=$("$DOSSIER" --version 2>&1 | head -1 | tr -c 'A-Za-z0-9.+\n-' '_')
rev=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || true)
if [ -n "$rev" ]; then
    git -C "$here" diff --quiet HEAD -- generator templates 2>/dev/null || rev="$rev-dirty"
    PROGRAM="$PROGRAM@$rev"
fi
TIMEF="$WORK/.time"
TABLE="$WORK/.table"
: >"$TABLE"

say "bench: $("$DOSSIER" --version 2>&1 | head -1) against $(hugo version | cut -d' ' -f1-2)"
say "bench: sizes $SIZES, $RUNS runs per case, $CPUS cores, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"

# ---------------------------------------------------------------- helpers
# measure N TOOL CASE RUN DIR-TO-COUNT cmd...: runs cmd under GNU time and
# appends one CSV row; DIR-TO-COUNT ("-" for none) is the output counted.
measure() {
    m_n=$1 m_tool=$2 m_case=$3 m_run=$4 m_out=$5
    shift 5
    st=0
    timeout "$TIMEOUT" /usr/bin/time -f '%e %U %S %M' -o "$TIMEF" "$@" >"$WORK/.log" 2>&1 || st=$?
    if [ "$st" -ne 0 ]; then
        say "bench: $m_tool $m_case (N=$m_n) exited $st:"
        tail -5 "$WORK/.log" >&2
    fi
    # shellcheck disable=SC2046
    set -- $(tail -1 "$TIMEF")
    wall=$1 user=$2 sys=$3 rss=$4
    pages=0 files=0 kib=0
    if [ "$m_out" != "-" ] && [ -d "$m_out" ]; then
        pages=$(find "$m_out" -name '*.html' -type f | wc -l)
        files=$(find "$m_out" -type f | wc -l)
        kib=$(du -sk "$m_out" | cut -f1)
    fi
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    echo "$RUN_ID,$DAY,$HOST,$CPUS,$PROGRAM,$m_n,$m_tool,$m_case,$m_run,$wall,$user,$sys,$cpu,$rss,$pages,$files,$kib,$st" >>"$CSV"
    LAST_WALL=$wall LAST_STATUS=$st
    return 0
}

# CSV columns: 1 run_id, 2 date, 3 host, 4 cpus, 5 program, 6 n, 7 tool,
# 8 case, 9 run, 10 wall_s, 11 user_s, 12 sys_s, 13 cpu_s, 14 maxrss_kib,
# 15 pages, 16 files, 17 kib, 18 status.
# median N TOOL CASE FIELD: the median of a column over this run's rows
# (run 0 is the warm-up and is left out).
median() {
    awk -F, -v id="$RUN_ID" -v n="$1" -v t="$2" -v c="$3" -v f="$4" '
        $1 == id && $6 == n && $7 == t && $8 == c && $9 > 0 && $18 == 0 { print $f }' "$CSV" |
        sort -g | awk '{ v[NR] = $1 } END {
            if (NR == 0) { print ""; exit }
            if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# how many measured runs a case gets, from its warm-up time
runs_for() {
    if awk -v w="$1" -v s="$SLOW" 'BEGIN { exit !(w > s) }'; then echo 1; else echo "$RUNS"; fi
}

clean_dossier() { # the output and any build cache (hidden, beside out/)
    rm -rf "$1/out" "$1"/out.old* "$1"/out.tmp*
    find "$1" -mindepth 1 -maxdepth 1 -name '.*' -exec rm -rf {} +
}

# ---------------------------------------------------------------- sizes
for N in $SIZES; do
    W="$WORK/n$N"
    D="$W/dossier"
    H="$W/hugo"
    # shellcheck disable=SC2046
    stamp="seed=${WORKLOAD_SEED:-dossier-bench-1} $(cat "$here/scripts/gen-workload" "$here"/frameworks/*.yaml \
        $(find "$here/scripts/workload" -type f | sort) | cksum)"
    if [ ! -f "$W/.stamp" ] || [ "$(cat "$W/.stamp")" != "$stamp" ]; then
        say "bench: generating N=$N in $W"
        rm -rf "$W"
        t0=$(date +%s)
        python3 "$here/scripts/gen-workload" "$N" "$W"
        echo "$stamp" >"$W/.stamp"
        say "bench: generated in $(($(date +%s) - t0)) s"
    fi

    # warm-up (page cache, first run): recorded as run 0, not in the medians
    say "bench: N=$N warm-up"
    clean_dossier "$D"
    measure "$N" dossier build 0 "$D/out" "$DOSSIER" build -C "$D" -o "$D/out" -q $NOPDF
    dw=$LAST_WALL dst=$LAST_STATUS
    rm -rf "$H/public"
    measure "$N" hugo build 0 "$H/public" hugo --quiet --source "$H" --destination "$H/public"
    hw=$LAST_WALL
    R=$(runs_for "$(awk -v a="$dw" -v b="$hw" 'BEGIN { print (a > b ? a : b) }')")
    if [ "$dst" -ne 0 ]; then
        # dossier cannot build this size: time Hugo alone, skip the rest
        say "bench: dossier failed at N=$N; its other cases are skipped"
        i=1
        while [ "$i" -le "$R" ]; do
            rm -rf "$H/public"
            measure "$N" hugo build "$i" "$H/public" hugo --quiet --source "$H" --destination "$H/public"
            i=$((i + 1))
        done
        clean_dossier "$D"
        rm -rf "$H/public"
        continue
    fi

    # full builds, the two tools alternately
    i=1
    while [ "$i" -le "$R" ]; do
        say "bench: N=$N full build $i/$R"
        clean_dossier "$D"
        measure "$N" dossier build "$i" "$D/out" "$DOSSIER" build -C "$D" -o "$D/out" -q $NOPDF
        rm -rf "$H/public"
        measure "$N" hugo build "$i" "$H/public" hugo --quiet --source "$H" --destination "$H/public"
        i=$((i + 1))
    done

    # copying the output tree: the floor for writing those bytes
    i=1
    while [ "$i" -le "$R" ]; do
        rm -rf "$W/copy"
        measure "$N" cp copy-out "$i" - cp -r "$D/out" "$W/copy"
        i=$((i + 1))
    done
    rm -rf "$W/copy"

    # a rebuild with nothing changed (out/ is there from the last full build)
    i=1
    while [ "$i" -le "$R" ]; do
        say "bench: N=$N no-change rebuild $i/$R"
        measure "$N" dossier rebuild-none "$i" "$D/out" "$DOSSIER" build -C "$D" -o "$D/out" -q $NOPDF
        i=$((i + 1))
    done

    # a rebuild after one model.yaml changed (a different model each time).
    # Run 0 is a warm-up, not in the medians: a rebuild starts from the
    # site the one before it replaced (out.tmp-spare), which the first
    # rebuild after a clean full build does not have yet.
    models=$(find "$D/content/models" -mindepth 1 -maxdepth 1 -type d | sort | head -n "$((R + 1))" | sed 's|.*/||')
    i=0
    for m in $models; do
        say "bench: N=$N one-model rebuild $i/$R"
        f="$D/content/models/$m/model.yaml"
        cp "$f" "$W/.model.bak"
        sed -i "s/^summary: \"\(.*\)\"$/summary: \"\1 Edited for the benchmark ($RUN_ID).\"/" "$f"
        measure "$N" dossier rebuild-one "$i" "$D/out" "$DOSSIER" build -C "$D" -o "$D/out" -q $NOPDF
        cp "$W/.model.bak" "$f"
        # back in step with the sources, so that the next run sees one change
        "$DOSSIER" build -C "$D" -o "$D/out" -q $NOPDF >/dev/null 2>&1 || true
        i=$((i + 1))
    done

    # a full build with every PDF (only when PDFs are optional)
    if [ -n "$NOPDF" ] && printf ' %s ' "$PDF_SIZES" | grep -q " $N "; then
        i=1
        while [ "$i" -le "$R" ]; do
            say "bench: N=$N full build with PDFs $i/$R"
            clean_dossier "$D"
            measure "$N" dossier build-pdf "$i" "$D/out" "$DOSSIER" build -C "$D" -o "$D/out" -q
            i=$((i + 1))
        done
    fi
    clean_dossier "$D"
    rm -rf "$H/public"
done

# ---------------------------------------------------------------- PDF
PDF_NOTE="PDF comparison: not available yet (dossier has no command that renders an HTML file to PDF)"
if [ -n "$PDFCMD" ]; then
    N1=$(echo "$SIZES" | awk '{ print $1 }')
    D="$WORK/n$N1/dossier"
    clean_dossier "$D"
    "$DOSSIER" build -C "$D" -o "$D/out" -q $NOPDF >/dev/null 2>&1 || true
    html=${BENCH_PDF_HTML:-$(find "$D/out/models" -path '*/compliance/eu-ai-act.html' | sort | head -1)}
    if [ -n "$html" ] && [ -f "$html" ]; then
        cmd=$(printf '%s' "$PDFCMD" | sed "s|{in}|$html|g; s|{out}|$WORK/dossier.pdf|g")
        i=0
        while [ "$i" -le "$RUNS" ]; do
            # shellcheck disable=SC2086
            measure pdf dossier pdf "$i" - "$DOSSIER" $cmd
            measure pdf weasyprint pdf "$i" - weasyprint -q "$html" "$WORK/weasy.pdf"
            i=$((i + 1))
        done
        dp=$(pdfinfo "$WORK/dossier.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
        wp=$(pdfinfo "$WORK/weasy.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
        PDF_NOTE="PDF: $(basename "$(dirname "$(dirname "$html")")")/compliance/eu-ai-act.html: dossier $(median pdf dossier pdf 10) s (${dp:-?} pages), WeasyPrint $(median pdf weasyprint pdf 10) s (${wp:-?} pages)"
    else
        PDF_NOTE="PDF comparison: no report HTML found to render"
    fi
fi

# ---------------------------------------------------------------- MLflow
ML_NOTE="MLflow import: not available yet (dossier does not read metrics/mlruns)"
if [ "$HAS_MLFLOW" -eq 1 ]; then
    # shellcheck disable=SC2086
    set -- $MLFLOW
    M="$WORK/mlflow-$1x$2x$3"
    if [ ! -f "$M/.stamp" ]; then
        say "bench: generating an MLflow store of $1 runs x $2 metrics x $3 steps"
        rm -rf "$M"
        python3 "$here/scripts/gen-workload" --mlflow-store "$1" "$2" "$3" "$M"
        # the same project without the store, to subtract
        mkdir -p "$M/base" && cp -r "$M/dossier" "$M/base/" &&
            rm -rf "$M/base/dossier/content/models"/*/metrics
        touch "$M/.stamp"
    fi
    i=0
    while [ "$i" -le "$RUNS" ]; do
        clean_dossier "$M/dossier"
        measure mlflow dossier mlflow-store "$i" - "$DOSSIER" build -C "$M/dossier" -o "$M/dossier/out" -q $NOPDF
        clean_dossier "$M/base/dossier"
        measure mlflow dossier mlflow-base "$i" - "$DOSSIER" build -C "$M/base/dossier" -o "$M/base/dossier/out" -q $NOPDF
        i=$((i + 1))
    done
    a=$(median mlflow dossier mlflow-store 10)
    b=$(median mlflow dossier mlflow-base 10)
    r=$(median mlflow dossier mlflow-store 14)
    ML_NOTE=$(awk -v a="$a" -v b="$b" -v r="$r" -v s="$MLFLOW" 'BEGIN {
        split(s, x, " ");
        printf "MLflow store of %d runs x %d metrics x %d steps: build %.2f s, the same project without it %.2f s, so the store adds %s (import, and the pages that show it); peak RSS %.0f MiB",
            x[1], x[2], x[3], a, b, (a > b ? sprintf("%.2f s", a - b) : "nothing measurable"), r / 1024 }')
    clean_dossier "$M/dossier"
    clean_dossier "$M/base/dossier"
fi

# ---------------------------------------------------------------- table
awk -F, -v id="$RUN_ID" -v sizes="$SIZES" '
function med(key,   n, i, j, t, a) {
    n = cnt[key]; if (n == 0) return ""
    for (i = 1; i <= n; i++) a[i] = val[key, i]
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function add(k, v) { cnt[k]++; val[k, cnt[k]] = v + 0 }
$1 == id && $18 != 0 { k = $6 SUBSEP $7 SUBSEP $8; failed[k]++; fst[k] = $18; fw_[k] = $10; fc[k] = $13; fr[k] = $14 }
$1 == id && $9 > 0 && $18 == 0 {
    k = $6 SUBSEP $7 SUBSEP $8
    add(k SUBSEP "wall", $10); add(k SUBSEP "cpu", $13); add(k SUBSEP "rss", $14); add(k SUBSEP "pages", $15); add(k SUBSEP "kib", $17)
    seen[k] = 1
}
function row(n, tool, cs, label,   k, w, c, r, p, pps, hw, hp, hr) {
    k = n SUBSEP tool SUBSEP cs
    if (failed[k]) {
        hw = med(n SUBSEP "hugo" SUBSEP "build" SUBSEP "wall")
        printf "%-7s %-28s FAILED (exit %d) after %.2f s wall, %.2f s CPU, %.0f MiB%s; see the log above\n", n, label, fst[k], fw_[k], fc[k], fr[k] / 1024, (hw > 0 ? sprintf(" (%.1fx Hugo)", fw_[k] / hw) : "")
        return
    }
    if (!seen[k]) return
    w = med(k SUBSEP "wall"); c = med(k SUBSEP "cpu"); r = med(k SUBSEP "rss"); p = med(k SUBSEP "pages"); o = med(k SUBSEP "kib")
    pps = (w > 0 && p > 0) ? p / w : 0
    h = n SUBSEP "hugo" SUBSEP "build"
    hw = med(h SUBSEP "wall"); hp = med(h SUBSEP "pages"); hr = med(h SUBSEP "rss")
    f = n SUBSEP "dossier" SUBSEP "build"
    fw = med(f SUBSEP "wall")
    printf "%-7s %-28s %8.2f %8.2f %8.0f %7s %8s %9s", n, label, w, c, r / 1024, (p > 0 ? p : "-"), (o > 0 ? sprintf("%.0f", o / 1024) : "-"), (pps > 0 ? sprintf("%.0f", pps) : "-")
    if (tool == "dossier" && (cs == "build" || cs == "build-pdf") && hw > 0)
        printf " %8.2fx %8.2fx %8.2fx", w / hw, (hp > 0 && hw > 0 ? pps / (hp / hw) : 0), r / hr
    else if ((cs == "rebuild-none" || cs == "rebuild-one" || cs == "copy-out") && fw > 0)
        printf " %26s", sprintf("%.1f%% of full build", 100 * w / fw)
    printf "\n"
}
END {
    printf "%-7s %-28s %8s %8s %8s %7s %8s %9s %9s %9s %9s\n", "N", "case", "wall s", "CPU s", "RSS MiB", "pages", "out MiB", "pages/s", "t/Hugo", "pps/Hugo", "RSS/Hugo"
    ns = split(sizes, S, " ")
    for (i = 1; i <= ns; i++) {
        n = S[i]
        row(n, "hugo", "build", "hugo")
        row(n, "dossier", "build", "dossier build")
        row(n, "dossier", "build-pdf", "dossier build + PDFs")
        row(n, "dossier", "rebuild-none", "dossier rebuild, no change")
        row(n, "dossier", "rebuild-one", "dossier rebuild, 1 model")
        row(n, "cp", "copy-out", "cp -r out/")
    }
}' "$CSV" >"$TABLE"

# targets (issue 9) from the same run
TARGETS=$(awk -F, -v id="$RUN_ID" '
function med(key,   n, i, j, t, a) {
    n = cnt[key]; if (n == 0) return 0
    for (i = 1; i <= n; i++) a[i] = val[key, i]
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$1 == id && $9 > 0 && $18 == 0 { k = $6 SUBSEP $7 SUBSEP $8; cnt[k, "w"]++; val[k, "w", cnt[k, "w"]] = $10 + 0
    cnt[k, "r"]++; val[k, "r", cnt[k, "r"]] = $14 + 0; cnt[k, "p"]++; val[k, "p", cnt[k, "p"]] = $15 + 0; seen[$6] = 1 }
$1 == id && $18 != 0 && $7 == "dossier" && $8 == "build" { bad[$6] = 1; seen[$6] = 1 }
function W(n, t, c) { return med(n SUBSEP t SUBSEP c SUBSEP "w") }
function R(n, t, c) { return med(n SUBSEP t SUBSEP c SUBSEP "r") }
function P(n, t, c) { return med(n SUBSEP t SUBSEP c SUBSEP "p") }
function verdict(ok) { return ok ? "met" : "MISSED" }
END {
    for (n in seen) {
        if (n !~ /^[0-9]+$/) continue
        if (bad[n]) { printf "target N=%s: dossier build failed, so every target at this size is MISSED\n", n; continue }
        dw = W(n, "dossier", "build"); hw = W(n, "hugo", "build")
        if (dw > 0 && hw > 0 && (n == 1000 || n == 10000)) {
            x = (P(n, "dossier", "build") / dw) / (P(n, "hugo", "build") / hw)
            printf "target N=%s: HTML-only pages/s >= 2x Hugo: %.2fx, %s\n", n, x, verdict(x >= 2)
        }
        if (n == 10000 && dw > 0 && hw > 0) {
            x = R(n, "dossier", "build") / R(n, "hugo", "build")
            printf "target N=%s: peak RSS <= 1/4 of Hugo: %.2fx, %s\n", n, x, verdict(x <= 0.25)
        }
        pw = W(n, "dossier", "build-pdf")
        if (n == 1000 && pw > 0 && hw > 0)
            printf "target N=%s: full build with PDFs <= 10x Hugo HTML-only: %.1fx, %s\n", n, pw / hw, verdict(pw / hw <= 10)
        if (dw > 0) {
            x = W(n, "dossier", "rebuild-none") / dw
            printf "target N=%s: no-change rebuild <= 5%% of full: %.1f%%, %s\n", n, 100 * x, verdict(x <= 0.05)
            x = W(n, "dossier", "rebuild-one") / dw
            printf "target N=%s: one-model rebuild <= 10%% of full: %.1f%%, %s\n", n, 100 * x, verdict(x <= 0.10)
        }
    }
    a = W(1000, "dossier", "build"); b = W(10000, "dossier", "build")
    if (a > 0 && b > 0) printf "target: linear growth, N=10000 <= 12x N=1000: %.1fx, %s\n", b / a, verdict(b / a <= 12)
}' "$CSV" | sort)

echo
echo "dossier benchmark, $DAY on $HOST ($CPUS cores), run $RUN_ID; medians of the measured runs"
echo "program: $DOSSIER ($("$DOSSIER" --version 2>&1 | head -1))${NOPDF:+, HTML-only builds with $NOPDF}; $(hugo version | cut -d' ' -f1-2)"
echo
cat "$TABLE"
echo
echo "t/Hugo: wall time over Hugo's; pps/Hugo: pages per second over Hugo's; RSS/Hugo: peak RSS over Hugo's."
[ -n "$NOPDF" ] || echo "dossier has no --no-pdf yet: 'dossier build' is its plain build (it makes no PDFs)."
echo "$PDF_NOTE"
echo "$ML_NOTE"
echo
if [ -n "$TARGETS" ]; then
    echo "$TARGETS"
    echo
fi
echo "raw results: ${CSV#"$here"/}"
