/* Unit tests for the theme: defaults and the Lua reader. */
/* cmocka.h needs these first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <string.h>

#include "buf.h"
#include "pdf.h"

/* Runs chunk (which returns a table), reads it into t over the defaults.
 * Returns pdf_theme_from_lua's result; err gets its messages. */
static int
read_theme(const char *chunk, struct pdf_theme *t, struct buf *err)
{
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    assert_int_equal(luaL_dostring(L, chunk), LUA_OK);
    int top = lua_gettop(L);
    pdf_theme_init(t);
    int rc = pdf_theme_from_lua(L, -1, t, err);
    assert_int_equal(lua_gettop(L), top); /* stack left as found */
    lua_close(L);
    return rc;
}

static bool
near(double a, double b)
{
    return fabs(a - b) < 1e-6;
}

static void
test_defaults(void **state)
{
    (void)state;
    struct pdf_theme t;
    pdf_theme_init(&t);
    assert_int_equal(t.paper, PDF_PAPER_A4);
    assert_string_equal(t.font, "DejaVu Sans");
    assert_true(t.size > 6 && t.size < 14);
    assert_true(t.heading[0].size > t.heading[1].size);
    assert_true(t.heading[1].size > t.heading[3].size);
    assert_int_equal(t.toc_depth, 3);
    double w, h;
    pdf_paper_size(PDF_PAPER_A4, &w, &h);
    assert_true(near(w, 595.28) && near(h, 841.89));
    pdf_paper_size(PDF_PAPER_LETTER, &w, &h);
    assert_true(near(w, 612) && near(h, 792));
}

static void
test_reads_keys(void **state)
{
    (void)state;
    struct pdf_theme t;
    struct buf err;
    buf_init(&err);
    int rc = read_theme(
        "return { paper = 'letter', margin = { top = 56, right = 50,"
        " bottom = 56, left = 50 }, font = 'Liberation Serif', size = 11,"
        " line_height = 1.3, justify = false, color = '#123',"
        " link_color = '#0a0B0c', h1 = { size = 24, color = '#ff0000',"
        " bold = false, space_before = 30 }, table = { zebra = '#eeeeee',"
        " padding = 6 }, code = { font = 'Liberation Mono' },"
        " header_size = 7, toc_depth = 2 }",
        &t, &err);
    assert_string_equal(err.data, "");
    assert_int_equal(rc, 0);
    assert_int_equal(t.paper, PDF_PAPER_LETTER);
    assert_true(near(t.margin.top, 56) && near(t.margin.left, 50));
    assert_string_equal(t.font, "Liberation Serif");
    assert_true(near(t.size, 11));
    assert_false(t.justify);
    assert_true(near(t.color.r, 0x11 / 255.0));
    assert_true(near(t.color.b, 0x33 / 255.0));
    assert_true(near(t.link_color.g, 0x0b / 255.0));
    assert_true(near(t.heading[0].size, 24));
    assert_true(near(t.heading[0].color.r, 1));
    assert_false(t.heading[0].bold);
    assert_true(near(t.heading[0].space_before, 30));
    assert_true(near(t.heading[1].size, 14)); /* untouched */
    assert_true(near(t.table_zebra.r, 0xee / 255.0));
    assert_true(near(t.table_padding, 6));
    assert_string_equal(t.code_font, "Liberation Mono");
    assert_int_equal(t.toc_depth, 2);
    buf_release(&err);
}

static void
test_margin_number(void **state)
{
    (void)state;
    struct pdf_theme t;
    struct buf err;
    buf_init(&err);
    assert_int_equal(read_theme("return { margin = 40 }", &t, &err), 0);
    assert_true(near(t.margin.top, 40) && near(t.margin.right, 40) &&
                near(t.margin.bottom, 40) && near(t.margin.left, 40));
    buf_release(&err);
}

static void
test_reports_every_problem(void **state)
{
    (void)state;
    struct pdf_theme t;
    struct buf err;
    buf_init(&err);
    int rc = read_theme(
        "return { fnot = 'x', size = 'big', color = 'blue',"
        " h2 = { sise = 3, size = 500 }, paper = 'A5', toc_depth = 2.5,"
        " margin = { top = -1 }, [1] = true, justify = 1 }",
        &t, &err);
    assert_int_equal(rc, -1);
    const char *e = err.data;
    assert_non_null(strstr(e, "theme.fnot: unknown key (did you mean "
                              "'font'?)"));
    assert_non_null(strstr(e, "theme.size: expected a number, got string"));
    assert_non_null(strstr(e, "theme.color: 'blue' is not a colour"));
    assert_non_null(strstr(e, "theme.h2.sise: unknown key (did you mean "
                              "'size'?)"));
    assert_non_null(strstr(e, "theme.h2.size: 500 is out of range"));
    assert_non_null(strstr(e, "theme.paper: 'A5' is not a paper size"));
    assert_non_null(strstr(e, "theme.toc_depth: expected a whole number"));
    assert_non_null(strstr(e, "theme.margin.top: -1 is out of range"));
    assert_non_null(strstr(e, "theme: keys must be strings"));
    assert_non_null(strstr(e, "theme.justify: expected a boolean"));
    buf_release(&err);
}

static void
test_never_raises(void **state)
{
    (void)state;
    /* __index that errors, a non-table, a font name too long */
    struct pdf_theme t;
    struct buf err;
    buf_init(&err);
    assert_int_equal(
        read_theme("return setmetatable({}, { __index = function() "
                   "error('boom') end })",
                   &t, &err),
        0);
    assert_int_equal(read_theme("return 42", &t, &err), -1);
    assert_non_null(strstr(err.data, "theme: expected a table, got number"));
    buf_reset(&err);
    assert_int_equal(
        read_theme("return { font = string.rep('x', 200) }", &t, &err), -1);
    assert_non_null(strstr(err.data, "font family must be"));
    buf_release(&err);
}

static void
test_dates(void **state)
{
    (void)state;
    char s[32];
    assert_int_equal(pdf_date_from_epoch(0, s, sizeof s), 0);
    assert_string_equal(s, "1970-01-01T00:00:00Z");
    assert_int_equal(pdf_date_from_epoch(1710374400, s, sizeof s), 0);
    assert_string_equal(s, "2024-03-14T00:00:00Z");
    assert_int_equal(pdf_date_from_epoch(-1, s, sizeof s), -1);
    assert_int_equal(pdf_date_from_epoch(0, s, 10), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_reads_keys),
        cmocka_unit_test(test_margin_number),
        cmocka_unit_test(test_reports_every_problem),
        cmocka_unit_test(test_never_raises),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
