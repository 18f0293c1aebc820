/* Unit tests for yml: types, positions and every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>

#include "arena.h"
#include "diag.h"
#include "yml.h"
#include "xmem.h"

struct fx {
    struct arena *a;
    struct diag d;
    struct node *root;
};

static int
setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof *f);
    f->a = arena_new();
    diag_init(&f->d);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    arena_free(f->a);
    diag_release(&f->d);
    free(f);
    return 0;
}

static int
parse(struct fx *f, const char *text)
{
    return yml_parse(f->a, &f->d, "t.yaml", text, strlen(text), 1, &f->root);
}

/* The single diagnostic, formatted as main prints it. */
static const char *
only_msg(struct fx *f)
{
    static char line[512];
    assert_int_equal(f->d.n, 1);
    const struct diag_entry *e = &f->d.v[0];
    snprintf(line, sizeof line, "%u:%u: %s", e->line, e->col, e->msg);
    return line;
}

static void
test_scalar_types(void **state)
{
    struct fx *f = *state;
    assert_int_equal(parse(f, "a: 1\nb: 2.5\nc: true\nd: ~\ne: hello\n"
                              "f: '3'\ng: 2025-06-12\nh: 0x1F\ni: -.5\n"
                              "j: .inf\n"),
                     0);
    assert_int_equal(node_get(f->root, "a")->type, NODE_INT);
    assert_int_equal(node_get(f->root, "a")->v.i, 1);
    assert_int_equal(node_get(f->root, "b")->type, NODE_FLOAT);
    assert_true(node_get(f->root, "b")->v.f == 2.5);
    assert_int_equal(node_get(f->root, "c")->type, NODE_BOOL);
    assert_int_equal(node_get(f->root, "d")->type, NODE_NULL);
    assert_int_equal(node_get(f->root, "e")->type, NODE_STR);
    assert_int_equal(node_get(f->root, "f")->type, NODE_STR);
    assert_int_equal(node_get(f->root, "g")->type, NODE_STR);
    assert_string_equal(node_get(f->root, "g")->str, "2025-06-12");
    assert_int_equal(node_get(f->root, "h")->v.i, 31);
    assert_true(node_get(f->root, "i")->v.f == -0.5);
    assert_true(isinf(node_get(f->root, "j")->v.f));
}

static void
test_yaml11_words_are_strings(void **state)
{
    struct fx *f = *state;
    /* YAML 1.2: "no" and "on" are text, not booleans (the Norway problem) */
    assert_int_equal(parse(f, "country: no\nswitch: on\n"), 0);
    assert_int_equal(node_get(f->root, "country")->type, NODE_STR);
    assert_int_equal(node_get(f->root, "switch")->type, NODE_STR);
}

static void
test_positions(void **state)
{
    struct fx *f = *state;
    assert_int_equal(parse(f, "name: x\nlist:\n  - one\n  - two\n"), 0);
    const struct node *l = node_get(f->root, "list");
    assert_int_equal(l->type, NODE_SEQ);
    assert_int_equal(l->n, 2);
    assert_int_equal(l->items[1]->pos.line, 4);
    assert_int_equal(l->items[1]->pos.col, 5);
    const struct node_pair *p = node_get_pair(f->root, "list");
    assert_int_equal(p->key->pos.line, 2);
    assert_int_equal(p->key->pos.col, 1);
}

static void
test_first_line_offset(void **state)
{
    struct fx *f = *state;
    assert_int_equal(yml_parse(f->a, &f->d, "r.md", "a: 1\nb: 2\n", 10, 2,
                               &f->root),
                     0);
    assert_int_equal(node_get(f->root, "b")->pos.line, 3);
}

static void
test_duplicate_key(void **state)
{
    struct fx *f = *state;
    assert_int_equal(parse(f, "a: 1\nb: 2\na: 3\n"), -1);
    assert_string_equal(only_msg(f),
                        "3:1: duplicate key 'a' (first defined at line 1)");
}

static void
test_tab_indentation(void **state)
{
    struct fx *f = *state;
    assert_int_equal(parse(f, "a:\n\tb: 1\n"), -1);
    assert_string_equal(only_msg(f),
                        "2:1: tab character used for indentation; YAML "
                        "indents with spaces only");
}

static void
test_syntax_error(void **state)
{
    struct fx *f = *state;
    assert_int_equal(parse(f, "a: [1, 2\nb: 3\n"), -1);
    assert_int_equal(f->d.n, 1);
    assert_non_null(strstr(f->d.v[0].msg, "YAML syntax error"));
}

static void
test_invalid_utf8(void **state)
{
    struct fx *f = *state;
    assert_int_equal(parse(f, "a: ok\nb: caf\xe9!\n"), -1);
    assert_string_equal(only_msg(f),
                        "2:7: invalid UTF-8 byte 0xE9; save the file as "
                        "UTF-8");
}

static void
test_empty(void **state)
{
    struct fx *f = *state;
    assert_int_equal(parse(f, ""), 0);
    assert_null(f->root);
    assert_int_equal(parse(f, "# only a comment\n"), 0);
    assert_null(f->root);
}

static void
test_alias_bomb(void **state)
{
    struct fx *f = *state;
    /* nine levels of ten-fold aliases: 10^9 nodes if expanded */
    char text[4096] = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'j'; c++) {
        char line[128];
        char p = (char)(c - 1);
        snprintf(line, sizeof line,
                 "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, "
                 "*%c]\n",
                 c, c, p, p, p, p, p, p, p, p, p, p);
        strcat(text, line);
    }
    assert_int_equal(parse(f, text), -1);
    assert_int_equal(f->d.n, 1);
    assert_non_null(strstr(f->d.v[0].msg, "billion laughs"));
}

static void
test_small_aliases_ok(void **state)
{
    struct fx *f = *state;
    assert_int_equal(parse(f, "base: &b {x: 1}\nother: *b\n"), 0);
    assert_int_equal(node_get(node_get(f->root, "other"), "x")->v.i, 1);
}

static void
test_unknown_alias(void **state)
{
    struct fx *f = *state;
    assert_int_equal(parse(f, "a: *nope\n"), -1);
    assert_int_equal(f->d.n, 1);
}

static void
test_depth_limit(void **state)
{
    struct fx *f = *state;
    char text[1024] = "";
    for (int i = 0; i < 70; i++)
        strcat(text, "[");
    for (int i = 0; i < 70; i++)
        strcat(text, "]");
    assert_int_equal(parse(f, text), -1);
    assert_non_null(strstr(f->d.v[0].msg, "nesting deeper than 64"));
}

static void
test_json(void **state)
{
    struct fx *f = *state;
    assert_int_equal(parse(f, "{\"a\": [1, 2.5, \"x\\/y\", null, true],\n"
                              " \"b\": {\"c\": \"\\u00e9\"}}"),
                     0);
    const struct node *a = node_get(f->root, "a");
    assert_int_equal(a->n, 5);
    assert_string_equal(a->items[2]->str, "x/y");
    assert_int_equal(a->items[3]->type, NODE_NULL);
    assert_string_equal(node_get(node_get(f->root, "b"), "c")->str,
                        "\xc3\xa9");
    assert_int_equal(node_get(f->root, "b")->pos.line, 2);
}

static void
test_second_document_warned(void **state)
{
    struct fx *f = *state;
    assert_int_equal(parse(f, "a: 1\n---\nb: 2\n"), 0);
    assert_int_equal(f->d.nwarn, 1);
    assert_null(node_get(f->root, "b"));
}

static void
test_quoted_numbers_stay_text(void **state)
{
    struct fx *f = *state;
    assert_int_equal(parse(f, "v: \"2.10\"\nw: 2.10\n"), 0);
    assert_int_equal(node_get(f->root, "v")->type, NODE_STR);
    assert_int_equal(node_get(f->root, "w")->type, NODE_FLOAT);
    assert_string_equal(node_get(f->root, "w")->str, "2.10");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scalar_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_yaml11_words_are_strings, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_line_offset, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tab_indentation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_syntax_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alias_bomb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_small_aliases_ok, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unknown_alias, setup, teardown),
        cmocka_unit_test_setup_teardown(test_depth_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_document_warned, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_quoted_numbers_stay_text, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("yml", tests, NULL, NULL);
}
