/* test_bad: the bad-input corpus. Each bad/<case> (a file, or a folder
 * holding a store) is loaded with metrics_load_path() and what diag_print()
 * writes must equal bad/<case>.err byte for byte. The load fails exactly
 * when the .err holds an error. METRICS_BAD_UPDATE=1 rewrites the .err
 * files instead, for review. Run from wip/metrics. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "file.h"
#include "xmem.h"

static const char *const cases[] = {
    "bad-fields",       "duplicate",        "empty",
    "empty-metric",     "eval-results-bad", "export-bad",
    "header-only",      "json-items",       "mct-not-list",
    "mct-value-object", "meta-no-runid",    "metric-bad-line",
    "mlflow-rows",      "model-index-bad",  "model-index-map",
    "nan-inf",          "non-numeric",      "notdb",
    "ragged",           "readme-not-map",   "readme-unclosed",
    "store-empty",      "stray-quote",      "surrogate",
    "unclosed-quote",   "unknown",          "unknown-column",
    "unknown-layout",
};
#define NCASES (sizeof cases / sizeof *cases)

/* bad/<name> when it is a folder, else the one bad/<name>.<ext>. */
static char *
input_of(const char *name)
{
    char *dir = xasprintf("fixtures/metrics/bad/%s", name);
    if (file_is_dir(dir))
        return dir;
    free(dir);
    size_t n;
    char **names = file_list("fixtures/metrics/bad", false, &n);
    char *found = NULL;
    size_t len = strlen(name);
    for (size_t i = 0; names && i < n; i++) {
        const char *e = names[i] + len;
        if (strncmp(names[i], name, len) == 0 && *e == '.' &&
            strcmp(e, ".err") != 0 && !strchr(e + 1, '.'))
            found = xasprintf("fixtures/metrics/bad/%s", names[i]);
    }
    file_list_free(names);
    return found;
}

static void
run_case(void **state)
{
    const char *name = *state;
    struct arena *a = arena_new();
    struct diag d;
    struct metric_set s;
    diag_init(&d);
    metrics_set_init(&s);
    char *input = input_of(name);
    if (!input)
        fail_msg("no input for bad case '%s'", name);
    int rc = metrics_load_path(a, &d, input, &s);
    char *have = diag_text(&d);
    char *errp = xasprintf("fixtures/metrics/bad/%s.err", name);
    if (getenv("METRICS_BAD_UPDATE")) {
        file_write(errp, have, strlen(have));
    } else {
        struct buf want;
        buf_init(&want);
        struct diag quiet;
        diag_init(&quiet);
        if (file_read(&quiet, NULL, errp, 1 << 20, &want) < 0)
            fail_msg("cannot read %s", errp);
        if (strcmp(have, want.data) != 0)
            fail_msg("%s differs.\n--- expected\n%s--- got\n%s", errp,
                     want.data, have);
        assert_int_equal(rc, strstr(want.data, ": error: ") ? -1 : 0);
        diag_release(&quiet);
        buf_release(&want);
    }
    free(errp);
    free(have);
    free(input);
    diag_release(&d);
    arena_free(a);
}

/* Every .err has a case here, and every case its .err. */
static void
test_corpus_complete(void **state)
{
    (void)state;
    size_t n, nerr = 0;
    char **names = file_list("fixtures/metrics/bad", false, &n);
    assert_non_null(names);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        if (len < 5 || strcmp(names[i] + len - 4, ".err") != 0)
            continue;
        nerr++;
        bool listed = false;
        for (size_t k = 0; k < NCASES; k++)
            listed |= strlen(cases[k]) == len - 4 &&
                      strncmp(cases[k], names[i], len - 4) == 0;
        if (!listed)
            fail_msg("fixtures/metrics/bad/%s has no entry in test_bad.c", names[i]);
    }
    file_list_free(names);
    if (!getenv("METRICS_BAD_UPDATE"))
        assert_int_equal(nerr, NCASES);
}

int
main(void)
{
    struct CMUnitTest tests[NCASES + 1];
    for (size_t i = 0; i < NCASES; i++) {
        struct CMUnitTest t = {cases[i], run_case, NULL, NULL,
                               (void *)cases[i]};
        tests[i] = t;
    }
    struct CMUnitTest all = {"corpus_complete", test_corpus_complete, NULL,
                             NULL, NULL};
    tests[NCASES] = all;
    return _cmocka_run_group_tests("bad", tests, NCASES + 1, NULL, NULL);
}
