/* Unit tests for schema: every kind of check and its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "schema.h"
#include "xmem.h"
#include "yml.h"

static const char *valid_model =
    "name: M\nsummary: S\nkind: classic\nowner: O\nrisk_class: high\n"
    "status: production\n";

/* Checks text against s; returns the diagnostics as "L:C: level: msg"
 * lines in a static buffer. */
static const char *
run(const struct schema *s, const char *text, int *rc)
{
    static char out[2048];
    struct arena *a = arena_new();
    struct diag d;
    diag_init(&d);
    struct node *root = NULL;
    *rc = yml_parse(a, &d, "f.yaml", text, strlen(text), 1, &root);
    if (*rc == 0)
        *rc = schema_check(s, root, "f.yaml", &d);
    out[0] = '\0';
    for (size_t i = 0; i < d.n; i++) {
        char line[512];
        snprintf(line, sizeof line, "%u:%u: %s: %s\n", d.v[i].line,
                 d.v[i].col,
                 d.v[i].level == DIAG_ERROR ? "error" : "warning",
                 d.v[i].msg);
        strncat(out, line, sizeof out - strlen(out) - 1);
    }
    diag_release(&d);
    arena_free(a);
    return out;
}

static void
test_valid_model(void **state)
{
    (void)state;
    int rc;
    assert_string_equal(run(&schema_model, valid_model, &rc), "");
    assert_int_equal(rc, 0);
}

static void
test_missing_required(void **state)
{
    (void)state;
    int rc;
    const char *o = run(&schema_model, "name: M\nsummary: S\nkind: llm\n"
                                       "risk_class: high\nstatus: ideation\n",
                        &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(o, "1:1: error: missing required field 'owner' in "
                           "model.yaml\n");
}

static void
test_enum_suggestion(void **state)
{
    (void)state;
    int rc;
    char text[512];
    snprintf(text, sizeof text, "%s", valid_model);
    char *p = strstr(text, "risk_class: high");
    memcpy(p, "risk_class: hihg", 16);
    assert_string_equal(run(&schema_model, text, &rc),
                        "5:13: error: 'risk_class' is 'hihg'; expected one "
                        "of: prohibited, high, limited, minimal (did you "
                        "mean 'high'?)\n");
}

static void
test_unknown_key_suggestion(void **state)
{
    (void)state;
    int rc;
    char text[512];
    snprintf(text, sizeof text, "%sonwer: X\nzzzzzz: 1\n", valid_model);
    assert_string_equal(run(&schema_model, text, &rc),
                        "7:1: warning: unknown key 'onwer' in model.yaml "
                        "(did you mean 'owner'?)\n"
                        "8:1: warning: unknown key 'zzzzzz' in model.yaml\n");
    assert_int_equal(rc, 0); /* warnings alone do not fail */
}

static void
test_wrong_types(void **state)
{
    (void)state;
    int rc;
    char text[512];
    snprintf(text, sizeof text,
             "%stags: {a: 1}\nmetrics: auc\ndetails: just text\n",
             valid_model);
    assert_string_equal(run(&schema_model, text, &rc),
                        "7:7: error: 'tags' must be a list, not a mapping\n"
                        "8:10: error: 'metrics' must be a list, not the "
                        "single value 'auc'\n"
                        "9:10: error: 'details' must be a mapping, not a "
                        "single value\n");
    assert_int_equal(rc, -1);
}

static void
test_nested_item_errors(void **state)
{
    (void)state;
    int rc;
    char text[512];
    snprintf(text, sizeof text,
             "%smetrics:\n  - name: auc\n    higher_is_better: maybe\n"
             "  - label: no name\n",
             valid_model);
    assert_string_equal(run(&schema_model, text, &rc),
                        "9:23: error: 'higher_is_better' must be true or "
                        "false, not 'maybe'\n"
                        "10:5: error: missing required field 'name' in a "
                        "metric\n");
}

static void
test_range(void **state)
{
    (void)state;
    int rc;
    char text[512];
    snprintf(text, sizeof text, "%sannex_iii_area: 9\n", valid_model);
    assert_string_equal(run(&schema_model, text, &rc),
                        "7:17: error: 'annex_iii_area' is 9; it must be "
                        "between 1 and 8\n");
}

static void
test_dates(void **state)
{
    (void)state;
    assert_true(schema_is_date("2024-02-29", NULL, NULL, NULL));
    assert_false(schema_is_date("2023-02-29", NULL, NULL, NULL));
    assert_false(schema_is_date("2025-02-30", NULL, NULL, NULL));
    assert_false(schema_is_date("2025-13-01", NULL, NULL, NULL));
    assert_false(schema_is_date("2025-1-01", NULL, NULL, NULL));
    assert_false(schema_is_date("1900-02-29", NULL, NULL, NULL));
    assert_true(schema_is_date("2000-02-29", NULL, NULL, NULL));
    int rc;
    assert_string_equal(
        run(&schema_release,
            "date: 2025-02-30\nstatus: production\napprover: A\n"
            "decision: approved\n",
            &rc),
        "1:7: error: invalid date '2025-02-30' for 'date' (expected a real "
        "day as YYYY-MM-DD)\n");
}

static void
test_empty_and_not_mapping(void **state)
{
    (void)state;
    int rc;
    assert_string_equal(run(&schema_model, "", &rc),
                        "1:1: error: model.yaml is empty; expected a "
                        "mapping of fields\n");
    assert_string_equal(run(&schema_site, "- a\n- b\n", &rc),
                        "1:1: error: site.yaml must be a mapping of fields, "
                        "not a list\n");
}

static void
test_required_but_null(void **state)
{
    (void)state;
    int rc;
    assert_string_equal(run(&schema_site, "title:\norganisation: O\n", &rc),
                        "1:7: error: 'title' is required but empty\n");
}

static void
test_url(void **state)
{
    (void)state;
    int rc;
    assert_string_equal(run(&schema_site,
                            "title: T\norganisation: O\nbase_url: "
                            "ftp://x\n",
                            &rc),
                        "3:11: error: 'base_url' is 'ftp://x'; expected an "
                        "http(s):// URL\n");
}

static void
test_suggest(void **state)
{
    (void)state;
    const char *c[] = {"owner", "team", "status", "summary"};
    assert_string_equal(diag_suggest("onwer", c, 4), "owner");
    assert_string_equal(diag_suggest("stauts", c, 4), "status");
    assert_null(diag_suggest("completely-different", c, 4));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_model),
        cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_enum_suggestion),
        cmocka_unit_test(test_unknown_key_suggestion),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_nested_item_errors),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_empty_and_not_mapping),
        cmocka_unit_test(test_required_but_null),
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
