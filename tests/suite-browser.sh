# The site in a real browser (issue 8): builds the demo into build/browser/out
# and runs the Node scripts of tests/browser/ on it:
#   links.js     every internal link and #anchor resolves, no CDN, external
#                links only from the content
#   validate.js  html-validate on every page
#   main.js      headless chromium (playwright-core): navigation from file://
#                and http://127.0.0.1, search, filters, console errors and
#                failed requests; axe-core in light and dark mode; print
#                stylesheet; phone width; screenshots in tests/artifacts/
# The scripts print "PASS name" / "FAIL name" + "  | detail" lines, turned
# here into pass/fail calls. Sourced by tests/run.sh (uses pass, fail).

# BROWSER_DIR moves the build elsewhere (two runs at once on one checkout)
br_dir=${BROWSER_DIR:-build/browser}
br_out=$br_dir/out
br_log=$br_dir/log
br_ok=1

# a missing tool is one failed check, not a crash of the runner
br_setup_fail() {
    fail "browser/setup" "$1"
    br_ok=0
}
if ! command -v node >/dev/null 2>&1; then
    br_setup_fail "node is not installed (scripts/install-deps.sh)"
elif [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    br_setup_fail "no chromium at ${CHROMIUM:-/usr/bin/chromium} (scripts/install-deps.sh)"
else
    for br_m in playwright-core axe-core html-validate; do
        if [ ! -f "node_modules/$br_m/package.json" ]; then
            br_setup_fail "node_modules/$br_m is missing (run scripts/install-deps.sh)"
            break
        fi
    done
fi

if [ $br_ok -eq 1 ]; then
    rm -rf "$br_dir"
    mkdir -p "$br_dir" "$br_log" tests/artifacts/screenshots
    cp -r content "$br_dir/content"
    if br_msg=$(SOURCE_DATE_EPOCH=1790000000 "${DOSSIER:-build/dossier}" build -C "$br_dir" 2>&1) &&
        [ -f "$br_out/index.html" ]; then
        pass "browser/build"
    else
        fail "browser/build" "$br_msg"
        br_ok=0
    fi
fi

# br_collect NAME FILE STATUS: turns the lines of FILE into checks
br_collect() {
    br_name=""
    br_det=""
    br_done=0
    while IFS= read -r br_line || [ -n "$br_line" ]; do
        case $br_line in
        "PASS "* | "FAIL "* | DONE)
            if [ -n "$br_name" ]; then fail "$br_name" "$br_det"; fi
            br_name=""
            br_det=""
            case $br_line in
            "PASS "*) pass "${br_line#PASS }" ;;
            "FAIL "*) br_name=${br_line#FAIL } ;;
            DONE) br_done=1 ;;
            esac
            ;;
        "  | "*)
            br_det="$br_det${br_det:+
}${br_line#  | }"
            ;;
        "INFO "*)
            if [ -n "${VERBOSE:-}" ]; then printf '     %s\n' "${br_line#INFO }"; fi
            ;;
        esac
    done <"$2"
    if [ -n "$br_name" ]; then fail "$br_name" "$br_det"; fi
    if [ "$br_done" -ne 1 ] || [ "$3" -ne 0 ]; then
        fail "browser/$1: ran to the end" "exit status $3; stderr:
$(tail -20 "$2.err" 2>/dev/null)"
    fi
}

if [ $br_ok -eq 1 ]; then
    br_node=node
    # the static checks run beside the browser
    timeout 120 $br_node tests/browser/links.js "$br_out" "$br_dir/content" frameworks \
        >"$br_log/links.out" 2>"$br_log/links.out.err" &
    br_pid_links=$!
    timeout 120 $br_node tests/browser/validate.js "$br_out" \
        >"$br_log/validate.out" 2>"$br_log/validate.out.err" &
    br_pid_validate=$!
    timeout 240 $br_node tests/browser/main.js "$br_out" >"$br_log/main.out" 2>"$br_log/main.out.err"
    br_st_main=$?
    wait $br_pid_links
    br_st_links=$?
    wait $br_pid_validate
    br_st_validate=$?
    br_collect links "$br_log/links.out" $br_st_links
    br_collect html-validate "$br_log/validate.out" $br_st_validate
    br_collect chromium "$br_log/main.out" $br_st_main
fi
