/* Unit tests for layout: pagination rules on synthetic fragments, column
 * widths, and the keep rules on real typeset text. */
/* cmocka.h needs these first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "box.h"
#include "layout.h"

static struct frag *
frags(size_t n, double h)
{
    struct frag *f = calloc(n, sizeof *f);
    for (size_t i = 0; i < n; i++) {
        f[i].kind = FRAG_LINE;
        f[i].h = h;
    }
    return f;
}

static void
test_fills_pages(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct frag *f = frags(10, 10);
    struct layout_page *pages;
    int n = layout_paginate(f, 10, 35, 3, a, &pages);
    assert_int_equal(n, 4);
    assert_int_equal(f[0].page, 3);
    assert_int_equal(f[2].page, 3);
    assert_int_equal(f[3].page, 4);
    assert_true(f[3].y == 0);
    assert_int_equal(pages[0].first, 0);
    assert_int_equal(pages[0].count, 3);
    assert_int_equal(pages[3].count, 1);
    free(f);
    arena_free(a);
}

static void
test_space_dropped_at_page_top(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct frag *f = frags(3, 10);
    f[1].before = 5;
    f[2].before = 8;
    layout_paginate(f, 3, 30, 1, a, NULL);
    assert_true(f[1].y == 15);
    assert_int_equal(f[2].page, 2); /* 25 + 8 + 10 > 30 */
    assert_true(f[2].y == 0);
    free(f);
    arena_free(a);
}

static void
test_glue_moves_lines(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct frag *f = frags(5, 10);
    f[3].glue = true; /* keep 3 with 4 */
    layout_paginate(f, 5, 45, 1, a, NULL);
    assert_int_equal(f[2].page, 1);
    assert_int_equal(f[3].page, 2);
    assert_int_equal(f[4].page, 2);
    free(f);
    arena_free(a);
}

static void
test_all_glued_breaks_when_full(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct frag *f = frags(6, 10);
    for (int i = 0; i < 6; i++)
        f[i].glue = true;
    int n = layout_paginate(f, 6, 35, 1, a, NULL);
    assert_int_equal(n, 2);
    assert_int_equal(f[2].page, 1);
    assert_int_equal(f[3].page, 2);
    free(f);
    arena_free(a);
}

static void
test_forced_break(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct frag *f = frags(4, 10);
    f[1].kind = FRAG_BREAK;
    f[1].h = 0;
    f[3].kind = FRAG_BREAK; /* at the end: no empty page */
    f[3].h = 0;
    struct layout_page *pages;
    int n = layout_paginate(f, 4, 100, 1, a, &pages);
    assert_int_equal(n, 2);
    assert_int_equal(f[0].page, 1);
    assert_int_equal(f[2].page, 2);
    assert_true(f[2].y == 0);
    free(f);
    arena_free(a);
}

static void
test_break_at_top_adds_no_page(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct frag *f = frags(3, 10);
    f[0].kind = FRAG_BREAK;
    f[0].h = 0;
    int n = layout_paginate(f, 3, 100, 1, a, NULL);
    assert_int_equal(n, 1);
    free(f);
    arena_free(a);
}

static void
test_header_rows_repeat(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct layout_table t = {0};
    struct layout_row head = {0}, body = {0};
    struct layout_row *heads[1] = {&head};
    t.head = heads;
    t.nhead = 1;
    t.head_h = 8;
    head.table = body.table = &t;
    head.head = true;
    struct frag *f = frags(6, 10);
    for (int i = 0; i < 6; i++) {
        f[i].kind = FRAG_ROW;
        f[i].row = i == 0 ? &head : &body;
    }
    f[0].h = 8;
    f[0].glue = true;
    struct layout_page *pages;
    int n = layout_paginate(f, 6, 35, 1, a, &pages);
    assert_int_equal(n, 3);
    assert_null(pages[0].repeat);
    assert_ptr_equal(pages[1].repeat, &t);
    assert_int_equal(f[3].page, 2);
    assert_true(f[3].y == 8); /* below the repeated header */
    assert_int_equal(f[5].page, 3);
    free(f);
    arena_free(a);
}

static void
test_header_never_alone(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct layout_table t = {0};
    struct layout_row head = {0}, body = {0};
    struct layout_row *heads[1] = {&head};
    t.head = heads;
    t.nhead = 1;
    t.head_h = 8;
    head.table = body.table = &t;
    head.head = true;
    struct frag *f = frags(4, 10);
    f[1].kind = f[2].kind = f[3].kind = FRAG_ROW;
    f[1].row = &head;
    f[1].h = 8;
    f[1].glue = true;
    f[2].row = f[3].row = &body;
    layout_paginate(f, 4, 25, 1, a, NULL);
    /* 10 + 8 fit, 10 + 8 + 10 does not: the header goes with its row */
    assert_int_equal(f[0].page, 1);
    assert_int_equal(f[1].page, 2);
    assert_int_equal(f[2].page, 2);
    free(f);
    arena_free(a);
}

static void
test_oversized_fragment(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct frag *f = frags(3, 10);
    f[1].h = 500;
    int n = layout_paginate(f, 3, 100, 1, a, NULL);
    assert_int_equal(n, 3);
    assert_int_equal(f[1].page, 2);
    assert_int_equal(f[2].page, 3);
    free(f);
    arena_free(a);
}

static void
test_no_fragments(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct layout_page *pages;
    assert_int_equal(layout_paginate(NULL, 0, 100, 1, a, &pages), 1);
    assert_int_equal(pages[0].count, 0);
    arena_free(a);
}

static void
test_columns(void **state)
{
    (void)state;
    double out[3];
    /* natural widths fit: spread in proportion */
    double mn[3] = {10, 10, 10}, mx[3] = {50, 100, 50};
    layout_columns(mn, mx, 3, 400, out);
    assert_true(out[0] > 99.9 && out[0] < 100.1);
    assert_true(out[1] > 199.9 && out[1] < 200.1);
    /* between min and max: toward the minima by the slack */
    layout_columns(mn, mx, 3, 120, out); /* 90 of 170 slack */
    assert_true(out[0] > 31.1 && out[0] < 31.2);
    assert_true(out[1] > 57.6 && out[1] < 57.7);
    assert_true(out[0] + out[1] + out[2] > 119.99);
    /* not even the minima fit: scaled */
    double big[3] = {100, 200, 100};
    layout_columns(big, big, 3, 200, out);
    assert_true(out[1] > 99.9 && out[1] < 100.1);
    /* empty columns share the width */
    double z[3] = {0, 0, 0};
    layout_columns(z, z, 3, 90, out);
    assert_true(out[2] > 29.9 && out[2] < 30.1);
}

/* ---- on typeset text ------------------------------------------------ */

struct typeset {
    struct arena *a;
    struct diag d;
    struct box_doc doc;
    struct pdf_theme theme;
    PangoContext *pc;
    struct layout l;
};

static struct typeset *
typeset(const char *html, double width, double height)
{
    struct typeset *t = calloc(1, sizeof *t);
    t->a = arena_new();
    diag_init(&t->d);
    box_parse(html, strlen(html), "t.html", t->a, &t->d, &t->doc);
    pdf_theme_init(&t->theme);
    t->pc = pango_font_map_create_context(pango_cairo_font_map_get_default());
    pango_cairo_context_set_resolution(t->pc, 72);
    layout_init(&t->l, &t->theme, t->pc, t->a, &t->d, "t.html", ".", NULL,
                width, height);
    layout_body(&t->l, &t->doc);
    return t;
}

static void
typeset_free(struct typeset *t)
{
    layout_release(&t->l);
    g_object_unref(t->pc);
    diag_release(&t->d);
    arena_free(t->a);
    free(t);
}

static const char words[] =
    "Models are reviewed every quarter by the risk committee, which reads "
    "the evaluation, the fairness results and the monitoring reports. ";

static char *
long_paragraph(int repeat)
{
    size_t n = strlen(words);
    char *s = malloc(n * (size_t)repeat + 64);
    strcpy(s, "<h2>Heading</h2><p>");
    for (int i = 0; i < repeat; i++)
        strcat(s, words);
    strcat(s, "</p>");
    return s;
}

static void
test_keep_rules_on_text(void **state)
{
    (void)state;
    char *html = long_paragraph(8);
    struct typeset *t = typeset(html, 300, 700);
    struct frag *f = t->l.frags;
    size_t n = t->l.nfrags;
    assert_true(n > 6);
    assert_true(f[0].glue); /* the heading stays with the text */
    assert_true(f[1].glue); /* no orphan */
    assert_false(f[2].glue);
    assert_true(f[n - 2].glue); /* no widow */
    assert_false(f[n - 1].glue);
    assert_true(f[1].before >= t->theme.heading[1].space_after);
    free(html);
    typeset_free(t);
}

static void
test_no_orphan_no_widow_when_paginated(void **state)
{
    (void)state;
    char *html = long_paragraph(12);
    struct typeset *t = typeset(html, 300, 1000);
    struct frag *f = t->l.frags;
    size_t n = t->l.nfrags;
    /* Try every page height that holds the heading and two lines: no
     * page may end with the heading, or with the first line alone, or
     * start with the last line alone. */
    for (double h = 60; h < 260; h += 3) {
        layout_paginate(f, n, h, 1, t->a, NULL);
        assert_int_equal(f[0].page, f[1].page);
        assert_int_equal(f[1].page, f[2].page);
        assert_int_equal(f[n - 2].page, f[n - 1].page);
        for (size_t i = 1; i + 1 < n; i++) {
            /* a break before line i leaves two lines on each side */
            if (f[i].page != f[i - 1].page) {
                assert_true(i >= 3);
                assert_true(n - i >= 2);
            }
        }
    }
    free(html);
    typeset_free(t);
}

static void
test_table_rows(void **state)
{
    (void)state;
    struct typeset *t =
        typeset("<table><thead><tr><th>Name</th><th class=num>Value</th></tr>"
                "</thead><tbody><tr><td>a</td><td class=num>1</td></tr>"
                "<tr><td>b</td><td class=num>2</td></tr></tbody></table>",
                400, 700);
    assert_int_equal(t->l.nfrags, 3);
    struct frag *f = t->l.frags;
    assert_int_equal(f[0].kind, FRAG_ROW);
    assert_true(f[0].row->head);
    assert_true(f[0].glue);
    assert_int_equal(f[0].row->table->nhead, 1);
    assert_false(f[1].row->zebra);
    assert_true(f[2].row->zebra);
    assert_true(f[2].row->last);
    /* the table fills the column; both cells of a row share its width */
    struct layout_row *r = f[1].row;
    assert_int_equal(r->ncells, 2);
    double w = r->cells[0].w + r->cells[1].w;
    assert_true(w > 399.9 && w < 400.1);
    typeset_free(t);
}

static void
test_toc_entries(void **state)
{
    (void)state;
    struct typeset *t =
        typeset("<h1>A</h1><h2>B</h2><h3>C</h3><h4>D</h4><h2></h2>", 400, 700);
    struct frag *toc;
    size_t n;
    layout_toc(&t->l, &t->doc, 3, "Contents", &toc, &n);
    /* the title line, then A, B, C: not D (too deep), not the empty h2 */
    assert_int_equal(n, 4);
    assert_int_equal(toc[1].kind, FRAG_TOC);
    assert_int_equal(toc[3].level, 3);
    assert_true(toc[3].x > toc[2].x);
    typeset_free(t);
}

static void
test_anchors_placed(void **state)
{
    (void)state;
    struct typeset *t = typeset("<p>x</p><div id=\"d\"><p>in</p></div>"
                                "<table id=t><tr><td id=e></td><td><p id=c>cell"
                                "</p></td></tr></table>",
                                400, 700);
    layout_paginate(t->l.frags, t->l.nfrags, 700, 4, t->a, NULL);
    layout_place_anchors(t->l.frags, t->l.nfrags);
    struct box *d = NULL, *c = NULL, *e = NULL;
    for (struct box *x = t->doc.root; x;) {
        if (x->id && strcmp(x->id, "d") == 0)
            d = x;
        if (x->id && strcmp(x->id, "c") == 0)
            c = x;
        if (x->id && strcmp(x->id, "e") == 0)
            e = x;
        if (x->first) {
            x = x->first;
            continue;
        }
        while (x && !x->next)
            x = x->parent;
        if (x)
            x = x->next;
    }
    assert_non_null(d);
    assert_non_null(c);
    assert_true(d->placed);
    assert_int_equal(d->page, 4);
    assert_true(c->placed);
    assert_int_equal(c->page, 4);
    assert_true(c->ly > d->ly);
    assert_non_null(e); /* an empty cell's id still has a place */
    assert_true(e->placed);
    assert_int_equal(e->page, 4);
    typeset_free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fills_pages),
        cmocka_unit_test(test_space_dropped_at_page_top),
        cmocka_unit_test(test_glue_moves_lines),
        cmocka_unit_test(test_all_glued_breaks_when_full),
        cmocka_unit_test(test_forced_break),
        cmocka_unit_test(test_break_at_top_adds_no_page),
        cmocka_unit_test(test_header_rows_repeat),
        cmocka_unit_test(test_header_never_alone),
        cmocka_unit_test(test_oversized_fragment),
        cmocka_unit_test(test_no_fragments),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_keep_rules_on_text),
        cmocka_unit_test(test_no_orphan_no_widow_when_paginated),
        cmocka_unit_test(test_table_rows),
        cmocka_unit_test(test_toc_entries),
        cmocka_unit_test(test_anchors_placed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
