/* Unit tests for pdf_render_buf(): reproducible bytes, the chart callback,
 * errors, and renders on two threads at once. */
#define _GNU_SOURCE /* memmem */
/* cmocka.h needs these first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libxml/parser.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "pdf.h"

static const char doc[] =
    "<h1 id=\"a\">Title</h1><p>Text with a <a href=\"#b\">link</a> and "
    "<a href=\"https://example.org/x\">another</a>.</p>"
    "<figure class=\"chart\" data-chart=\"c1\"><figcaption>Chart"
    "</figcaption></figure><h2 id=\"b\">Second</h2>"
    "<figure class=\"chart\" data-chart=\"broken\"><p>fallback</p>"
    "</figure><table><tr><th>k</th><th>v</th></tr>"
    "<tr><td>x</td><td>1</td></tr></table>";

struct calls {
    int size, draw;
    char ids[128];
};

static int
size_cb(void *ctx, const char *id, double *w, double *h)
{
    struct calls *c = ctx;
    c->size++;
    if (strcmp(id, "broken") == 0)
        return -1;
    strncat(c->ids, id, sizeof c->ids - strlen(c->ids) - 1);
    *w = 2000; /* wider than the column: scaled down */
    *h = 1000;
    return 0;
}

static int
draw_cb(void *ctx, const char *id, cairo_t *cr, double x, double y, double w,
        double h)
{
    struct calls *c = ctx;
    c->draw++;
    assert_string_equal(id, "c1");
    assert_true(w < 600 && w > 100);
    assert_true(h > 0.49 * w && h < 0.51 * w); /* aspect kept */
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
    return 0;
}

static struct pdf_doc_info
info(void)
{
    struct pdf_doc_info i;
    memset(&i, 0, sizeof i);
    i.title = "T";
    i.author = "Org";
    i.creation_date = "2024-03-14";
    i.cover_title = "Cover";
    i.cover_lines[0] = "Org";
    i.confidentiality = "Internal";
    i.toc = true;
    return i;
}

static void
test_reproducible(void **state)
{
    (void)state;
    struct pdf_doc_info in = info();
    struct buf a, b;
    buf_init(&a);
    buf_init(&b);
    struct diag d;
    diag_init(&d);
    assert_int_equal(pdf_render_buf(doc, strlen(doc), "t.html", ".", NULL, &in,
                                    NULL, &d, &a),
                     0);
    assert_int_equal(pdf_render_buf(doc, strlen(doc), "t.html", ".", NULL, &in,
                                    NULL, &d, &b),
                     0);
    assert_true(a.len > 1000);
    assert_memory_equal(a.data, "%PDF-", 5);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    /* the date is the one given, not the clock */
    assert_non_null(memmem(a.data, a.len, "(20240314000000Z)", 17));
    buf_release(&a);
    buf_release(&b);
    diag_release(&d);
}

static void
test_chart_callback(void **state)
{
    (void)state;
    struct calls c = {0};
    struct pdf_chart_cb cb = {size_cb, draw_cb, &c};
    struct buf out;
    buf_init(&out);
    struct diag d;
    diag_init(&d);
    assert_int_equal(pdf_render_buf(doc, strlen(doc), "t.html", ".", NULL, NULL,
                                    &cb, &d, &out),
                     0);
    assert_int_equal(c.draw, 1);
    assert_string_equal(c.ids, "c1");
    /* the broken chart falls back to its HTML, with a warning */
    assert_int_equal(d.nwarn, 1);
    assert_non_null(strstr(d.v[0].msg, "chart 'broken' cannot be drawn"));
    buf_release(&out);
    diag_release(&d);
}

static void
test_errors(void **state)
{
    (void)state;
    struct pdf_doc_info in = info();
    in.creation_date = "14/03/2024";
    struct buf out;
    buf_init(&out);
    struct diag d;
    diag_init(&d);
    assert_int_equal(pdf_render_buf(doc, strlen(doc), "t.html", ".", NULL, &in,
                                    NULL, &d, &out),
                     -1);
    assert_int_equal(d.nerr, 1);
    assert_non_null(strstr(d.v[0].msg, "is not ISO 8601"));
    assert_int_equal(out.len, 0);

    struct pdf_theme t;
    pdf_theme_init(&t);
    t.margin.left = t.margin.right = 280;
    assert_int_equal(pdf_render_buf(doc, strlen(doc), "t.html", ".", &t, NULL,
                                    NULL, &d, &out),
                     -1);
    assert_int_equal(d.nerr, 2);

    in.creation_date = "2024-03-14T10:20:30+01:00";
    assert_int_equal(pdf_render_buf(doc, strlen(doc), "t.html", ".", NULL, &in,
                                    NULL, &d, &out),
                     0);
    assert_non_null(memmem(out.data, out.len, "(20240314102030+01'00)", 22));
    buf_release(&out);
    diag_release(&d);
}

static void
test_empty(void **state)
{
    (void)state;
    struct buf out;
    buf_init(&out);
    struct diag d;
    diag_init(&d);
    assert_int_equal(
        pdf_render_buf("", 0, "t.html", ".", NULL, NULL, NULL, &d, &out), 0);
    assert_non_null(memmem(out.data, out.len, "/Count 1", 8));
    assert_int_equal(d.n, 0);
    buf_release(&out);
    assert_int_equal(
        pdf_render_buf(NULL, 0, NULL, NULL, NULL, NULL, NULL, &d, &out), 0);
    buf_release(&out);
    diag_release(&d);
}

struct job {
    struct buf out;
    int rc;
};

static void *
render_job(void *arg)
{
    struct job *j = arg;
    struct pdf_doc_info in = info();
    struct diag d;
    diag_init(&d);
    buf_init(&j->out);
    for (int i = 0; i < 3; i++) {
        buf_reset(&j->out);
        j->rc |= pdf_render_buf(doc, strlen(doc), "t.html", ".", NULL, &in,
                                NULL, &d, &j->out);
    }
    diag_release(&d);
    return NULL;
}

static void
test_threads(void **state)
{
    (void)state;
    struct job jobs[3] = {0};
    render_job(&jobs[0]);
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, render_job, &jobs[i + 1]);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(jobs[i].rc, 0);
        assert_int_equal(jobs[i].out.len, jobs[0].out.len);
        assert_memory_equal(jobs[i].out.data, jobs[0].out.data,
                            jobs[0].out.len);
    }
    for (int i = 0; i < 3; i++)
        buf_release(&jobs[i].out);
}

int
main(void)
{
    xmlInitParser(); /* once, before threads */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_chart_callback),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
