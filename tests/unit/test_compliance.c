/* Unit tests for compliance: the shipped catalogs are complete and exact
 * (counts and identifiers a regulator would check), and the crosswalk
 * only names items that exist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compliance.h"
#include "project.h"
#include "xmem.h"

static struct project proj;
static struct diag dg;

static int
setup(void **state)
{
    (void)state;
    diag_init(&dg);
    if (project_load(&proj, "fixtures/proj", &dg) < 0)
        return -1;
    return compliance_load(&proj, "../../frameworks", &dg);
}

static int
teardown(void **state)
{
    (void)state;
    project_release(&proj);
    diag_release(&dg);
    return 0;
}

static size_t
count_prefix(const struct catalog *c, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nitems; i++)
        n += strncmp(c->items[i].id, prefix, strlen(prefix)) == 0;
    return n;
}

static void
expect_ids(const struct catalog *c, const char *fmt, const char *points)
{
    for (const char *p = points; *p; p++) {
        char id[64];
        snprintf(id, sizeof id, fmt, *p);
        if (compliance_item_index(c, id) == (size_t)-1)
            fail_msg("missing item '%s'", id);
    }
}

static void
test_loaded_without_problems(void **state)
{
    (void)state;
    assert_int_equal(dg.nerr, 0);
    assert_int_equal(dg.nwarn, 0);
    assert_non_null(compliance_catalog(&proj, "eu-ai-act"));
    assert_non_null(compliance_catalog(&proj, "nist-ai-rmf"));
    assert_int_equal(proj.ncrosswalks, 1);
}

static void
test_eu_article_5(void **state)
{
    (void)state;
    const struct catalog *c = compliance_catalog(&proj, "eu-ai-act");
    assert_int_equal(count_prefix(c, "Art. 5(1)("), 8);
    expect_ids(c, "Art. 5(1)(%c)", "abcdefgh");
    assert_int_equal(compliance_item_index(c, "Art. 5(1)(i)"), (size_t)-1);
    for (size_t i = 0; i < c->nitems; i++)
        if (!strncmp(c->items[i].id, "Art. 5(1)(", 10)) {
            assert_string_equal(c->items[i].kind, "screening");
            assert_string_equal(c->items[i].applies_from_date, "2025-02-02");
        }
}

static void
test_eu_annexes(void **state)
{
    (void)state;
    const struct catalog *c = compliance_catalog(&proj, "eu-ai-act");
    assert_int_equal(count_prefix(c, "Annex III("), 8);
    expect_ids(c, "Annex III(%c)", "12345678");
    assert_int_equal(count_prefix(c, "Annex IV("), 23);
    expect_ids(c, "Annex IV(1)(%c)", "abcdefgh");
    expect_ids(c, "Annex IV(2)(%c)", "abcdefgh");
    expect_ids(c, "Annex IV(%c)", "3456789");
    /* points 3 to 9 have no sub-points */
    assert_int_equal(count_prefix(c, "Annex IV(3)("), 0);
    assert_int_equal(count_prefix(c, "Annex IV(9)("), 0);
}

static void
test_eu_article_17_and_final_numbering(void **state)
{
    (void)state;
    const struct catalog *c = compliance_catalog(&proj, "eu-ai-act");
    assert_int_equal(count_prefix(c, "Art. 17(1)("), 13);
    expect_ids(c, "Art. 17(1)(%c)", "abcdefghijklm");
    /* final 2024/1689 numbering, not the 2021 proposal's */
    const char *must[] = {"Art. 4", "Art. 6(2)", "Art. 9(1)", "Art. 10(2)(f)",
                          "Art. 11(1)", "Art. 12(1)", "Art. 13(1)",
                          "Art. 14(4)(e)", "Art. 15(1)", "Art. 26(1)",
                          "Art. 27(1)(a)", "Art. 43(1)", "Art. 47(1)",
                          "Art. 48(2)", "Art. 49(1)", "Art. 50(1)",
                          "Art. 50(4)", "Art. 53(1)(a)", "Art. 55(1)(d)",
                          "Art. 72(1)", "Art. 73(1)"};
    for (size_t i = 0; i < sizeof must / sizeof *must; i++)
        if (compliance_item_index(c, must[i]) == (size_t)-1)
            fail_msg("missing item '%s'", must[i]);
    assert_int_equal(count_prefix(c, "Art. 52"), 0);
    assert_int_equal(count_prefix(c, "Art. 61"), 0);
    assert_int_equal(count_prefix(c, "Art. 62"), 0);
}

static void
test_eu_dates_are_data(void **state)
{
    (void)state;
    const struct catalog *c = compliance_catalog(&proj, "eu-ai-act");
    const char *want[] = {"2025-02-02", "2025-08-02", "2026-08-02",
                          "2027-08-02"};
    assert_int_equal(c->ndates, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(c->dates[i].date, want[i]);
    size_t gpai = compliance_item_index(c, "Art. 53(1)(a)");
    assert_string_equal(c->items[gpai].applies_from_date, "2025-08-02");
    size_t annex_i = compliance_item_index(c, "Art. 6(1)");
    assert_string_equal(c->items[annex_i].applies_from_date, "2027-08-02");
}

/* "GOVERN 1.10" -> function GOVERN, 1, 10 */
static int
nist_parts(const char *id, char *fn, int *cat, int *sub)
{
    return sscanf(id, "%15s %d.%d", fn, cat, sub) == 3 ? 0 : -1;
}

static void
test_nist_complete_and_ordered(void **state)
{
    (void)state;
    const struct catalog *c = compliance_catalog(&proj, "nist-ai-rmf");
    assert_int_equal(c->nitems, 72);
    assert_int_equal(count_prefix(c, "GOVERN "), 19);
    assert_int_equal(count_prefix(c, "MAP "), 18);
    assert_int_equal(count_prefix(c, "MEASURE "), 22);
    assert_int_equal(count_prefix(c, "MANAGE "), 13);
    size_t functions = 0, categories = 0;
    for (size_t i = 0; i < c->nsections; i++) {
        functions += c->sections[i].level == 0;
        categories += c->sections[i].level == 1;
    }
    assert_int_equal(functions, 4);
    assert_int_equal(categories, 19);
    /* numeric order: MEASURE 2.10-2.13 follow 2.9 */
    char pf[16] = "", fn[16];
    int pc = 0, ps = 0, cat, sub;
    for (size_t i = 0; i < c->nitems; i++) {
        assert_int_equal(nist_parts(c->items[i].id, fn, &cat, &sub), 0);
        if (!strcmp(fn, pf))
            assert_true(cat > pc || (cat == pc && sub == ps + 1));
        snprintf(pf, sizeof pf, "%s", fn);
        pc = cat;
        ps = sub;
    }
    size_t m29 = compliance_item_index(c, "MEASURE 2.9");
    assert_string_equal(c->items[m29 + 1].id, "MEASURE 2.10");
    assert_string_equal(c->items[m29 + 4].id, "MEASURE 2.13");
    assert_string_equal(c->items[c->nitems - 1].id, "MANAGE 4.3");
    assert_true(c->voluntary);
}

static void
test_crosswalk_labelled_and_resolving(void **state)
{
    (void)state;
    const struct crosswalk *x = &proj.crosswalks[0];
    assert_string_equal(x->from, "nist-ai-rmf");
    assert_string_equal(x->to, "eu-ai-act");
    assert_non_null(strstr(x->provenance, "own"));
    assert_non_null(strstr(x->provenance, "42001"));
    assert_true(x->nrows >= 40);
    for (size_t i = 0; i < x->nrows; i++)
        assert_non_null(x->rows[i].rationale);
    /* compliance_load reported no unresolved id (checked above: nerr 0) */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loaded_without_problems),
        cmocka_unit_test(test_eu_article_5),
        cmocka_unit_test(test_eu_annexes),
        cmocka_unit_test(test_eu_article_17_and_final_numbering),
        cmocka_unit_test(test_eu_dates_are_data),
        cmocka_unit_test(test_nist_complete_and_ordered),
        cmocka_unit_test(test_crosswalk_labelled_and_resolving),
    };
    return cmocka_run_group_tests_name("compliance", tests, setup, teardown);
}
