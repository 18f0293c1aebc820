/* Unit tests for box: HTML to the block tree. */
/* cmocka.h needs these first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "box.h"
#include "diag.h"

struct fixture {
    struct arena *a;
    struct diag d;
    struct box_doc doc;
};

static struct fixture *
parse(const char *html)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->a = arena_new();
    diag_init(&f->d);
    box_parse(html, strlen(html), "t.html", f->a, &f->d, &f->doc);
    return f;
}

static void
done(struct fixture *f)
{
    diag_release(&f->d);
    arena_free(f->a);
    free(f);
}

/* The first box of kind in document order. */
static struct box *
find(struct box *x, enum box_kind kind)
{
    while (x) {
        if (x->kind == kind)
            return x;
        if (x->first) {
            x = x->first;
            continue;
        }
        while (x && !x->next)
            x = x->parent;
        if (x)
            x = x->next;
    }
    return NULL;
}

static bool
has_diag(const struct diag *d, unsigned line, const char *msg)
{
    for (size_t i = 0; i < d->n; i++)
        if ((line == 0 || d->v[i].line == line) && strstr(d->v[i].msg, msg))
            return true;
    return false;
}

static void
test_whitespace_collapses(void **state)
{
    (void)state;
    struct fixture *f = parse("<p>  one \n\t two <b> three </b>four  </p>");
    struct box *p = find(f->doc.root, BOX_TEXT);
    assert_non_null(p);
    assert_string_equal(p->text, "one two three four");
    assert_int_equal(p->nspans, 1);
    assert_int_equal(p->spans[0].kind, BOX_SPAN_STRONG);
    /* the space before <b> stays outside the span */
    assert_int_equal(p->spans[0].start, 8);
    assert_int_equal(p->spans[0].end, 13); /* and the one after */
    assert_int_equal(f->d.n, 0);
    done(f);
}

static void
test_pre_keeps_whitespace(void **state)
{
    (void)state;
    struct fixture *f = parse("<pre><code>\n  a  b\n\tc\n</code></pre>");
    struct box *p = find(f->doc.root, BOX_PRE);
    assert_non_null(p);
    assert_string_equal(p->text, "  a  b\n\tc");
    done(f);
}

static void
test_headings_and_ids(void **state)
{
    (void)state;
    struct fixture *f =
        parse("<h1 id=\"top\">Title</h1><h2>Sub<br>line</h2><h5>x</h5>"
              "<p><a href=\"#top\">up</a> <a href=\"#nowhere\">x</a></p>");
    assert_int_equal(f->doc.nheadings, 3);
    assert_string_equal(f->doc.headings[0]->dest, "top");
    assert_int_equal(f->doc.headings[1]->level, 2);
    assert_string_equal(f->doc.headings[1]->text, "Sub\nline");
    assert_non_null(f->doc.headings[1]->dest);
    assert_int_equal(f->doc.headings[2]->level, 5);
    struct box *p = f->doc.headings[2]->next;
    assert_int_equal(p->nspans, 2);
    assert_true(p->spans[0].internal);
    assert_null(p->spans[1].arg); /* no target: kept as text */
    assert_true(has_diag(&f->d, 1, "link target '#nowhere'"));
    done(f);
}

static void
test_duplicate_id(void **state)
{
    (void)state;
    struct fixture *f = parse("<p id=\"a\">one</p>\n<p id=\"a\">two</p>");
    assert_true(has_diag(&f->d, 2, "duplicate id 'a'"));
    struct box *p = find(f->doc.root, BOX_TEXT);
    assert_string_equal(p->id, "a");
    assert_null(p->next->id);
    done(f);
}

static void
test_lists(void **state)
{
    (void)state;
    struct fixture *f = parse("<ol start=\"3\" type=\"i\"><li>a</li><li>b"
                              "<ul><li>c</li></ul></li></ol>");
    struct box *ol = find(f->doc.root, BOX_LIST);
    assert_true(ol->ordered);
    assert_int_equal(ol->numtype, 'i');
    assert_int_equal(ol->first->number, 3);
    assert_int_equal(ol->last->number, 4);
    struct box *ul = find(ol->last, BOX_LIST);
    assert_non_null(ul);
    assert_false(ul->ordered);
    assert_int_equal(ul->depth, 1);
    done(f);
}

static void
test_task_list(void **state)
{
    (void)state;
    struct fixture *f = parse(
        "<ul><li><input type=\"checkbox\" checked=\"\" disabled=\"\" /> done"
        "</li><li><p><input type=\"checkbox\" disabled=\"\"> todo</p></li>"
        "<li>text <input type=\"checkbox\"></li></ul>");
    struct box *ul = find(f->doc.root, BOX_LIST);
    struct box *a = ul->first, *b = a->next, *c = b->next;
    assert_int_equal(a->check, BOX_CHECK_ON);
    assert_string_equal(a->first->text, "done");
    assert_int_equal(b->check, BOX_CHECK_OFF);
    /* after text, a checkbox is just a glyph */
    assert_int_equal(c->check, BOX_CHECK_NONE);
    assert_string_equal(c->first->text, "text \xe2\x98\x90");
    assert_int_equal(f->d.n, 0);
    done(f);
}

static void
test_table(void **state)
{
    (void)state;
    struct fixture *f = parse(
        "<table><caption>Cap</caption><thead><tr><th>a</th>"
        "<th class=\"num\">b</th></tr></thead><tbody><tr>"
        "<td colspan=\"2\">x</td></tr><tr><td>1</td><td align=right>2</td>"
        "<td>3</td></tr></tbody></table>");
    struct box *t = find(f->doc.root, BOX_TABLE);
    assert_int_equal(t->ncols, 3);
    assert_int_equal(t->first->kind, BOX_TEXT);
    assert_int_equal(t->first->role, BOX_ROLE_CAPTION);
    struct box *head = t->first->next;
    assert_true(head->head);
    assert_true(head->first->header);
    assert_int_equal(head->last->align, BOX_ALIGN_END);
    struct box *r1 = head->next;
    assert_false(r1->head);
    assert_int_equal(r1->first->colspan, 2);
    assert_int_equal(r1->next->first->next->align, BOX_ALIGN_END);
    done(f);
}

static void
test_unsupported_reported(void **state)
{
    (void)state;
    struct fixture *f =
        parse("<p>a</p>\n<video>clip text</video>\n<script>x()</script>\n"
              "<iframe src=x></iframe><p>b</p>");
    assert_true(has_diag(&f->d, 2,
                         "<video> is not supported in PDF output; its text "
                         "is kept"));
    assert_true(has_diag(&f->d, 3, "<script> is not supported"));
    assert_true(has_diag(&f->d, 3, "it is left out"));
    assert_true(has_diag(&f->d, 4, "<iframe>"));
    /* the video's text is kept, the script's is not */
    bool clip = false;
    for (struct box *x = find(f->doc.root, BOX_TEXT); x; x = x->next) {
        assert_null(strstr(x->text, "x()"));
        if (strstr(x->text, "clip text"))
            clip = true;
    }
    assert_true(clip);
    assert_int_equal(f->d.nerr, 0);
    done(f);
}

static void
test_malformed_recovers(void **state)
{
    (void)state;
    struct fixture *f = parse("<p>one <b>two <i>three<p>four</table></ul>"
                              "<li>five<td>six</div></span>");
    assert_non_null(f->doc.root->first);
    assert_int_equal(f->d.nerr, 0);
    done(f);
}

static void
test_deep_nesting_is_flattened(void **state)
{
    (void)state;
    size_t depth = 200;
    char *html = malloc(depth * 11 + 16);
    char *p = html;
    for (size_t i = 0; i < depth; i++)
        p += sprintf(p, "<div>");
    p += sprintf(p, "deep");
    for (size_t i = 0; i < depth; i++)
        p += sprintf(p, "</div>");
    struct fixture *f = parse(html);
    struct box *t = find(f->doc.root, BOX_TEXT);
    assert_non_null(t);
    assert_string_equal(t->text, "deep");
    int d = 0;
    for (struct box *x = t; x; x = x->parent)
        d++;
    assert_true(d <= BOX_MAX_DEPTH + 1);
    done(f);
    free(html);
}

static void
test_too_deep_for_libxml2(void **state)
{
    (void)state;
    size_t depth = 5000;
    char *html = malloc(depth * 11 + 16);
    char *p = html;
    for (size_t i = 0; i < depth; i++)
        p += sprintf(p, "<div>");
    p += sprintf(p, "deep");
    for (size_t i = 0; i < depth; i++)
        p += sprintf(p, "</div>");
    struct fixture *f = calloc(1, sizeof *f);
    f->a = arena_new();
    diag_init(&f->d);
    assert_int_equal(
        box_parse(html, strlen(html), "t.html", f->a, &f->d, &f->doc), -1);
    assert_true(has_diag(&f->d, 0, "nested too deeply"));
    assert_int_equal(f->d.nerr, 1);
    done(f);
    free(html);
}

static void
test_chart_and_break(void **state)
{
    (void)state;
    struct fixture *f =
        parse("<figure class=\"chart\" data-chart=\"roc\"><svg></svg>"
              "<figcaption>Fig</figcaption></figure>"
              "<div class=\"page-break\"></div><p>next</p>");
    struct box *fig = find(f->doc.root, BOX_FIGURE);
    assert_int_equal(fig->first->kind, BOX_CHART);
    assert_string_equal(fig->first->chart, "roc");
    assert_int_equal(fig->last->role, BOX_ROLE_CAPTION);
    assert_non_null(find(f->doc.root, BOX_BREAK));
    /* the svg fallback of a chart is expected: no warning */
    assert_int_equal(f->d.n, 0);
    done(f);
}

static void
test_badge_and_code(void **state)
{
    (void)state;
    struct fixture *f = parse("<p>Status <span class=\"badge ok\">pass"
                              "</span> and <code>x</code></p>");
    struct box *p = find(f->doc.root, BOX_TEXT);
    assert_int_equal(p->nspans, 2);
    assert_int_equal(p->spans[0].kind, BOX_SPAN_BADGE);
    assert_string_equal(p->spans[0].arg, "badge ok");
    /* padded with narrow no-break spaces inside the badge */
    assert_memory_equal(p->text + p->spans[0].start, "\xe2\x80\xafpass", 7);
    assert_int_equal(p->spans[1].kind, BOX_SPAN_CODE);
    done(f);
}

static void
test_markers(void **state)
{
    (void)state;
    char s[32];
    box_marker(1, '1', s, sizeof s);
    assert_string_equal(s, "1.");
    box_marker(26, 'a', s, sizeof s);
    assert_string_equal(s, "z.");
    box_marker(27, 'a', s, sizeof s);
    assert_string_equal(s, "aa.");
    box_marker(1994, 'I', s, sizeof s);
    assert_string_equal(s, "MCMXCIV.");
    box_marker(4, 'i', s, sizeof s);
    assert_string_equal(s, "iv.");
    box_marker(-2, 'a', s, sizeof s);
    assert_string_equal(s, "-2.");
}

static void
test_classes(void **state)
{
    (void)state;
    assert_true(box_has_class("badge ok", "ok"));
    assert_true(box_has_class("  num", "num"));
    assert_false(box_has_class("number", "num"));
    assert_false(box_has_class(NULL, "num"));
}

static void
test_empty_input(void **state)
{
    (void)state;
    struct fixture *f = parse("");
    assert_non_null(f->doc.root);
    assert_null(f->doc.root->first);
    assert_int_equal(f->doc.nheadings, 0);
    done(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whitespace_collapses),
        cmocka_unit_test(test_pre_keeps_whitespace),
        cmocka_unit_test(test_headings_and_ids),
        cmocka_unit_test(test_duplicate_id),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_task_list),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_unsupported_reported),
        cmocka_unit_test(test_malformed_recovers),
        cmocka_unit_test(test_deep_nesting_is_flattened),
        cmocka_unit_test(test_too_deep_for_libxml2),
        cmocka_unit_test(test_chart_and_break),
        cmocka_unit_test(test_badge_and_code),
        cmocka_unit_test(test_markers),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_empty_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
