/* pdfr: renders an HTML file to PDF with pdf_render(), for the end-to-end
 * tests and the timing runs. Not part of dossier: the generator calls
 * pdf_render() itself.
 *
 *   pdfr [-t theme.lua] [-b base] [-s key=value]... [-c] [-n times]
 *        in.html out.pdf
 *
 * -s sets a field of struct pdf_doc_info: title, author, subject,
 * keywords, date, cover_title, cover_subtitle, cover_line (repeatable),
 * confidentiality, toc (any value turns it on). -c installs a chart
 * callback that draws a bar chart of rectangles for every id but
 * "broken". -n renders that many times (the last one is written). */
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "file.h"
#include "pdf.h"

static int
chart_size(void *ctx, const char *id, double *w, double *h)
{
    (void)ctx;
    if (strcmp(id, "broken") == 0)
        return -1;
    *w = 420;
    *h = 200;
    return 0;
}

static int
chart_draw(void *ctx, const char *id, cairo_t *cr, double x, double y, double w,
           double h)
{
    (void)ctx;
    (void)id;
    static const double v[] = {0.62, 0.8, 0.45, 0.91, 0.7};
    cairo_set_source_rgb(cr, 0.85, 0.88, 0.92);
    cairo_rectangle(cr, x, y, w, h);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    double bw = w / 11;
    for (int i = 0; i < 5; i++) {
        cairo_set_source_rgb(cr, 0.07, 0.21, 0.36);
        cairo_rectangle(cr, x + bw * (1 + 2 * i), y + h - 10 - v[i] * (h - 20),
                        bw, v[i] * (h - 20));
        cairo_fill(cr);
    }
    return 0;
}

static int
load_theme(const char *path, struct pdf_theme *t)
{
    lua_State *L = luaL_newstate();
    if (!L)
        return -1;
    int rc = -1;
    if (luaL_dofile(L, path) != LUA_OK) {
        fprintf(stderr, "pdfr: %s\n", lua_tostring(L, -1));
    } else {
        struct buf err;
        buf_init(&err);
        rc = pdf_theme_from_lua(L, -1, t, &err);
        if (rc < 0)
            fprintf(stderr, "%s", err.data);
        buf_release(&err);
    }
    lua_close(L);
    return rc;
}

int
main(int argc, char **argv)
{
    struct pdf_theme theme;
    pdf_theme_init(&theme);
    struct pdf_doc_info info;
    memset(&info, 0, sizeof info);
    struct pdf_chart_cb charts = {chart_size, chart_draw, NULL};
    bool use_charts = false;
    const char *base = ".";
    int times = 1, opt;
    size_t ncover = 0;
    while ((opt = getopt(argc, argv, "t:b:s:cn:")) != -1) {
        switch (opt) {
        case 't':
            if (load_theme(optarg, &theme) < 0)
                return 2;
            break;
        case 'b':
            base = optarg;
            break;
        case 'c':
            use_charts = true;
            break;
        case 'n':
            times = atoi(optarg);
            break;
        case 's': {
            char *eq = strchr(optarg, '=');
            if (!eq) {
                fprintf(stderr, "pdfr: -s wants key=value\n");
                return 2;
            }
            *eq = '\0';
            const char *k = optarg, *v = eq + 1;
            if (strcmp(k, "title") == 0)
                info.title = v;
            else if (strcmp(k, "author") == 0)
                info.author = v;
            else if (strcmp(k, "subject") == 0)
                info.subject = v;
            else if (strcmp(k, "keywords") == 0)
                info.keywords = v;
            else if (strcmp(k, "date") == 0)
                info.creation_date = v;
            else if (strcmp(k, "cover_title") == 0)
                info.cover_title = v;
            else if (strcmp(k, "cover_subtitle") == 0)
                info.cover_subtitle = v;
            else if (strcmp(k, "cover_line") == 0 &&
                     ncover < PDF_COVER_LINES_MAX)
                info.cover_lines[ncover++] = v;
            else if (strcmp(k, "confidentiality") == 0)
                info.confidentiality = v;
            else if (strcmp(k, "toc") == 0)
                info.toc = true;
            else {
                fprintf(stderr, "pdfr: unknown key '%s'\n", k);
                return 2;
            }
            break;
        }
        default:
            return 2;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "usage: pdfr [options] in.html out.pdf\n");
        return 2;
    }
    struct diag d;
    diag_init(&d);
    struct buf html;
    buf_init(&html);
    int rc = 0;
    if (file_read(&d, NULL, argv[optind], 64u << 20, &html) == 0) {
        for (int i = 0; i < times && rc == 0; i++)
            rc = pdf_render(html.data, html.len, argv[optind], base, &theme,
                            &info, use_charts ? &charts : NULL, &d,
                            argv[optind + 1]);
    }
    diag_print(&d, stderr);
    int status = diag_errors(&d) ? 1 : 0;
    buf_release(&html);
    diag_release(&d);
    return status;
}
