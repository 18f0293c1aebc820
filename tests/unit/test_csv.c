/* test_csv: the RFC 4180 reader, its positions and its lenience. */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"

static struct csv_table
parse(struct fx *f, const char *text)
{
    struct csv_table t;
    assert_int_equal(csv_parse(f->a, &f->d, "t.csv", text, strlen(text), &t),
                     0);
    return t;
}

static void
assert_field(const struct csv_table *t, size_t row, size_t col,
             const char *text, unsigned line, unsigned c)
{
    assert_true(row < t->nrows);
    assert_true(col < t->rows[row].n);
    const struct csv_field *fl = &t->rows[row].fields[col];
    assert_string_equal(fl->s, text);
    assert_int_equal(fl->len, strlen(text));
    assert_int_equal(fl->line, line);
    assert_int_equal(fl->col, c);
}

static void
assert_diags(struct fx *f, const char *want)
{
    char *have = diag_text(&f->d);
    assert_string_equal(have, want);
    free(have);
}

static void
test_basic_positions(void **state)
{
    struct fx *f = *state;
    struct csv_table t = parse(f, "a,bb,ccc\n1,,3\n");
    assert_int_equal(t.nrows, 2);
    assert_int_equal(t.rows[0].n, 3);
    assert_field(&t, 0, 2, "ccc", 1, 6);
    assert_field(&t, 1, 1, "", 2, 3);
    assert_field(&t, 1, 2, "3", 2, 4);
    assert_int_equal(t.rows[1].line, 2);
    assert_int_equal(t.rows[1].end_col, 5);
    assert_int_equal(f->d.n, 0);
}

static void
test_quotes_doubled(void **state)
{
    struct fx *f = *state;
    struct csv_table t = parse(f, "\"say \"\"hi\"\"\",\"a,b\",\"\"\n");
    assert_int_equal(t.rows[0].n, 3);
    assert_field(&t, 0, 0, "say \"hi\"", 1, 1);
    assert_true(t.rows[0].fields[0].quoted);
    assert_field(&t, 0, 1, "a,b", 1, 14);
    assert_field(&t, 0, 2, "", 1, 20);
    assert_true(t.rows[0].fields[2].quoted);
    assert_int_equal(f->d.n, 0);
}

static void
test_embedded_newline(void **state)
{
    struct fx *f = *state;
    struct csv_table t = parse(f, "x,\"line1\nline2\r\nline3\",y\nz,1,2\n");
    assert_int_equal(t.nrows, 2);
    assert_field(&t, 0, 1, "line1\nline2\r\nline3", 1, 3);
    /* the field after it starts on the third line */
    assert_field(&t, 0, 2, "y", 3, 8);
    assert_int_equal(t.rows[1].line, 4);
    assert_field(&t, 1, 0, "z", 4, 1);
}

static void
test_bom_and_crlf(void **state)
{
    struct fx *f = *state;
    struct csv_table t = parse(f, "\xEF\xBB\xBFversion,value\r\n1.0,2\r\n");
    assert_int_equal(t.nrows, 2);
    assert_field(&t, 0, 0, "version", 1, 1);
    assert_field(&t, 0, 1, "value", 1, 9);
    assert_field(&t, 1, 1, "2", 2, 5);
}

static void
test_lone_cr_and_no_final_newline(void **state)
{
    struct fx *f = *state;
    struct csv_table t = parse(f, "a,b\r1,2\r3,4");
    assert_int_equal(t.nrows, 3);
    assert_field(&t, 2, 1, "4", 3, 3);
}

static void
test_utf8_columns(void **state)
{
    struct fx *f = *state;
    /* é and € are one column each, as in the YAML positions */
    struct csv_table t = parse(f, "caf\xC3\xA9,\xE2\x82\xAC,x\n");
    assert_field(&t, 0, 1, "\xE2\x82\xAC", 1, 6);
    assert_field(&t, 0, 2, "x", 1, 8);
}

static void
test_blank_lines_skipped(void **state)
{
    struct fx *f = *state;
    struct csv_table t = parse(f, "a\n\n1\n\r\n2\n\n");
    assert_int_equal(t.nrows, 3);
    assert_field(&t, 1, 0, "1", 3, 1);
    assert_field(&t, 2, 0, "2", 5, 1);
    /* a quoted empty field is a row, not a blank line */
    t = parse(f, "a\n\"\"\n");
    assert_int_equal(t.nrows, 2);
}

static void
test_stray_quote(void **state)
{
    struct fx *f = *state;
    struct csv_table t = parse(f, "ab\"c,\"d\"e,f\n");
    assert_field(&t, 0, 0, "ab\"c", 1, 1);
    assert_field(&t, 0, 1, "de", 1, 6);
    assert_field(&t, 0, 2, "f", 1, 11);
    assert_diags(f, "t.csv:1:3: warning: '\"' inside a field that does not "
                    "start with one; read as text\n"
                    "t.csv:1:9: warning: text after a closing quote; read "
                    "as part of the field\n");
}

static void
test_unterminated_quote(void **state)
{
    struct fx *f = *state;
    struct csv_table t = parse(f, "a,b\n1,2\n3,\"open\n4,5\n");
    assert_int_equal(t.nrows, 2);
    assert_diags(f, "t.csv:3:3: warning: quoted field is not closed; the "
                    "rest of the file is skipped\n");
}

static void
test_ragged_rows_are_kept(void **state)
{
    struct fx *f = *state;
    /* the parser does not judge shape; importers do */
    struct csv_table t = parse(f, "a,b,c\n1,2\n1,2,3,4\n");
    assert_int_equal(t.rows[1].n, 2);
    assert_int_equal(t.rows[1].end_col, 4);
    assert_int_equal(t.rows[2].n, 4);
    assert_int_equal(t.rows[2].fields[3].col, 7);
}

static void
test_empty_input(void **state)
{
    struct fx *f = *state;
    struct csv_table t = parse(f, "");
    assert_int_equal(t.nrows, 0);
    t = parse(f, "\xEF\xBB\xBF");
    assert_int_equal(t.nrows, 0);
}

static void
test_load_missing_file(void **state)
{
    struct fx *f = *state;
    struct csv_table t;
    assert_int_equal(csv_load_file(f->a, &f->d, "fixtures/metrics/nope.csv", &t), -1);
    assert_int_equal(f->d.nerr, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_basic_positions, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_quotes_doubled, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_embedded_newline, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_bom_and_crlf, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_lone_cr_and_no_final_newline,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_utf8_columns, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_blank_lines_skipped, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_stray_quote, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_unterminated_quote, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_ragged_rows_are_kept, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_empty_input, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_load_missing_file, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
