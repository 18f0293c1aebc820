/* pdf: the render pipeline and the painter.
 * Two passes: layout.c typesets and paginates the body and the contents
 * (whose length does not depend on page numbers), so when painting starts
 * every heading's page and the page total are known. Painting is one walk
 * over the fragments of each page, in points, top-left origin. */
#include "pdf.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "box.h"
#include "file.h"
#include "layout.h"
#include "xmem.h"

struct painter {
    cairo_t *cr;
    cairo_surface_t *surface;
    const struct pdf_theme *t;
    const struct pdf_doc_info *info;
    struct layout *l;
    const struct pdf_chart_cb *charts;
    struct diag *d;
    const char *path;
    double pw, ph;   /* page */
    double ox, oy;   /* the column's top-left corner */
    int total;       /* pages */
    bool repeating;  /* painting repeated header rows: no destinations */
    struct buf attr; /* scratch for tag attributes */
};

static void
color(cairo_t *cr, struct pdf_color c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* c blended toward white; t = 0 keeps c. */
static struct pdf_color
tint(struct pdf_color c, double t)
{
    return (struct pdf_color){c.r + (1 - c.r) * t, c.g + (1 - c.g) * t,
                              c.b + (1 - c.b) * t};
}

static void
round_rect(cairo_t *cr, double x, double y, double w, double h, double r)
{
    if (r > w / 2)
        r = w / 2;
    if (r > h / 2)
        r = h / 2;
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
    cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

/* ---- links and destinations ----------------------------------------- */

/* Appends s as a cairo attribute string: quoted, ' and \ escaped. */
static void
attr_string(struct buf *b, const char *s)
{
    buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *s);
    }
    buf_putc(b, '\'');
}

static void
tag_dest(struct painter *p, const char *name, double x, double y)
{
    buf_reset(&p->attr);
    buf_puts(&p->attr, "name=");
    attr_string(&p->attr, name);
    /* a little above the text, so the viewer shows the line whole */
    buf_printf(&p->attr, " x=%.2f y=%.2f", x, y > 6 ? y - 6 : 0);
    cairo_tag_begin(p->cr, CAIRO_TAG_DEST, p->attr.data);
    cairo_tag_end(p->cr, CAIRO_TAG_DEST);
}

/* href is a URI, or "#id" for a destination in this document. */
static void
tag_link(struct painter *p, const char *href, double x, double y, double w,
         double h)
{
    if (w <= 0 || h <= 0)
        return;
    buf_reset(&p->attr);
    if (href[0] == '#') {
        buf_puts(&p->attr, "dest=");
        attr_string(&p->attr, href + 1);
    } else {
        buf_puts(&p->attr, "uri=");
        attr_string(&p->attr, href);
    }
    buf_printf(&p->attr, " rect=[%.2f %.2f %.2f %.2f]", x, y, w, h);
    cairo_tag_begin(p->cr, CAIRO_TAG_LINK, p->attr.data);
    cairo_tag_end(p->cr, CAIRO_TAG_LINK);
}

static void
tag_link_dest(struct painter *p, const char *dest, double x, double y, double w,
              double h)
{
    char *href = xasprintf("#%s", dest);
    tag_link(p, href, x, y, w, h);
    free(href);
}

/* ---- text ----------------------------------------------------------- */

/* Draws one line of text at a baseline; returns its width. align: 0 left
 * of x, 1 right of x (x is the right edge). max_w > 0 ellipsizes. */
static double
draw_label(struct painter *p, const char *text, const char *family, double size,
           bool bold, struct pdf_color c, double x, double baseline, int align,
           double max_w)
{
    PangoLayout *pl = pango_layout_new(p->l->pc);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, family);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD
                                               : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(pl, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(pl, text, -1);
    pango_layout_set_single_paragraph_mode(pl, TRUE);
    if (max_w > 0) {
        pango_layout_set_width(pl, (int)(max_w * PANGO_SCALE));
        pango_layout_set_ellipsize(pl, PANGO_ELLIPSIZE_END);
    }
    PangoRectangle r;
    pango_layout_get_extents(pl, NULL, &r);
    double w = (double)r.width / PANGO_SCALE;
    PangoLayoutLine *line = pango_layout_get_line_readonly(pl, 0);
    color(p->cr, c);
    cairo_move_to(p->cr, align ? x - w : x, baseline);
    if (line)
        pango_cairo_show_layout_line(p->cr, line);
    g_object_unref(pl);
    return w;
}

static bool
span_on_line(const struct box_span *s, int ls, int le, bool last)
{
    if (s->start == s->end) /* an anchor */
        return (int)s->start >= ls && ((int)s->start < le || last);
    return (int)s->start < le && (int)s->end > ls;
}

static void
paint_span_boxes(struct painter *p, const struct layout_para *para,
                 PangoLayoutLine *line, double x0, double baseline,
                 const struct box_span *s)
{
    const struct pdf_theme *t = p->t;
    int *ranges = NULL, n = 0;
    pango_layout_line_get_x_ranges(line, (int)s->start, (int)s->end, &ranges,
                                   &n);
    struct pdf_color bg, fg;
    double size = para->size, up, down, out;
    if (s->kind == BOX_SPAN_BADGE) {
        layout_badge_colors(s->arg, &bg, &fg);
        size *= 0.78;
        up = 0.98 * size;
        down = 0.36 * size;
        out = 0;
    } else {
        bg = t->code_bg;
        size *= t->code_size / t->size;
        up = 0.86 * size;
        down = 0.3 * size;
        out = 1.2;
    }
    color(p->cr, bg);
    for (int i = 0; i < n; i++) {
        double a = x0 + (double)ranges[2 * i] / PANGO_SCALE - out;
        double b = x0 + (double)ranges[2 * i + 1] / PANGO_SCALE + out;
        round_rect(p->cr, a, baseline - up, b - a, up + down, 1.6);
        cairo_fill(p->cr);
    }
    g_free(ranges);
}

static void
paint_span_links(struct painter *p, PangoLayoutLine *line, double x0,
                 double top, double h, const struct box_span *s)
{
    int *ranges = NULL, n = 0;
    pango_layout_line_get_x_ranges(line, (int)s->start, (int)s->end, &ranges,
                                   &n);
    for (int i = 0; i < n; i++) {
        double a = x0 + (double)ranges[2 * i] / PANGO_SCALE;
        double b = x0 + (double)ranges[2 * i + 1] / PANGO_SCALE;
        tag_link(p, s->arg, a, top, b - a, h);
    }
    g_free(ranges);
}

/* Draws line i of a para with its top at y; x is the para's left. */
static void
paint_para_line(struct painter *p, const struct layout_para *para, int i,
                double x, double y)
{
    PangoLayoutLine *line = pango_layout_get_line_readonly(para->layout, i);
    if (!line)
        return;
    double top = y;
    double baseline = y + para->base[i] - para->top[i];
    double h = para->top[i + 1] - para->top[i];
    double left = x + para->dx; /* the layout's left edge */
    const struct box *b = para->box;
    int ls = line->start_index, le = ls + line->length;
    bool last = i == para->nlines - 1;
    size_t nspans = b && para->box->kind == BOX_TEXT ? b->nspans : 0;

    for (size_t k = 0; k < nspans; k++) {
        const struct box_span *s = &b->spans[k];
        if ((s->kind == BOX_SPAN_BADGE || s->kind == BOX_SPAN_CODE) &&
            span_on_line(s, ls, le, last))
            paint_span_boxes(p, para, line, left, baseline, s);
    }
    color(p->cr, para->color);
    cairo_move_to(p->cr, left + para->lx[i], baseline);
    pango_cairo_show_layout_line(p->cr, line);
    for (size_t k = 0; k < nspans; k++) {
        const struct box_span *s = &b->spans[k];
        if (!s->arg || !span_on_line(s, ls, le, last))
            continue;
        if (s->kind == BOX_SPAN_LINK) {
            paint_span_links(p, line, left, top, h, s);
        } else if (s->kind == BOX_SPAN_ANCHOR && !p->repeating) {
            int xpos;
            pango_layout_line_index_to_x(line, (int)s->start, 0, &xpos);
            tag_dest(p, s->arg, left + (double)xpos / PANGO_SCALE, top);
        }
    }
}

/* ---- blocks --------------------------------------------------------- */

static void paint_frags(struct painter *p, struct frag *f, size_t n, double ox,
                        double oy);

static void
paint_marker(struct painter *p, const struct frag *f, double ox, double oy)
{
    const struct box *item = f->marker;
    double size = f->marker_size;
    double baseline;
    if (f->kind == FRAG_LINE)
        baseline =
            oy + f->y + f->pad + f->para->base[f->line] - f->para->top[f->line];
    else if (f->kind == FRAG_ROW)
        baseline = oy + f->y + f->row->pad_y + size;
    else
        baseline = oy + f->y + size;
    double right = ox + item->lx - 0.55 * size;
    cairo_t *cr = p->cr;
    cairo_new_path(cr); /* showing text leaves a current point */
    const struct box *list =
        item->parent && item->parent->kind == BOX_LIST ? item->parent : NULL;
    if (item->check != BOX_CHECK_NONE) {
        double s = 0.78 * size, x = right - s, y = baseline - 0.76 * size;
        round_rect(cr, x, y, s, s, 1.2);
        if (item->check == BOX_CHECK_ON) {
            color(cr, p->t->accent);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, 0.11 * size);
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            cairo_move_to(cr, x + 0.2 * s, y + 0.52 * s);
            cairo_line_to(cr, x + 0.42 * s, y + 0.74 * s);
            cairo_line_to(cr, x + 0.8 * s, y + 0.28 * s);
            cairo_stroke(cr);
        } else {
            color(cr, p->t->muted_color);
            cairo_set_line_width(cr, 0.07 * size);
            cairo_stroke(cr);
        }
        return;
    }
    if (list && list->ordered) {
        char text[64];
        box_marker(item->number, list->numtype, text, sizeof text);
        draw_label(p, text, p->t->font, size, false, p->t->color, right,
                   baseline, 1, 0);
        return;
    }
    int depth = list ? list->depth % 3 : 0;
    double r = 0.17 * size, cy = baseline - 0.33 * size, cx = right - r;
    color(cr, p->t->accent);
    if (depth == 0) {
        cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
        cairo_fill(cr);
    } else if (depth == 1) {
        cairo_set_line_width(cr, 0.06 * size);
        cairo_arc(cr, cx, cy, r * 0.9, 0, 2 * M_PI);
        cairo_stroke(cr);
    } else {
        cairo_rectangle(cr, cx - r * 0.85, cy - r * 0.85, 1.7 * r, 1.7 * r);
        cairo_fill(cr);
    }
}

static void
hline(cairo_t *cr, double x0, double x1, double y, double width)
{
    cairo_set_line_width(cr, width);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x1, y);
    cairo_stroke(cr);
}

static void
paint_row(struct painter *p, const struct layout_row *r, double x, double y,
          double w, double h, bool first_on_page)
{
    const struct pdf_theme *t = p->t;
    cairo_t *cr = p->cr;
    if (r->head || r->zebra) {
        color(cr, r->head ? t->table_header_bg : t->table_zebra);
        cairo_rectangle(cr, x, y, w, h);
        cairo_fill(cr);
    }
    for (size_t i = 0; i < r->ncells; i++) {
        const struct layout_cell *c = &r->cells[i];
        paint_frags(p, c->frags, c->nfrags, x + c->x, y + r->pad_y);
    }
    /* Rules: strong above the header and below the table, hairlines
     * between rows; a table without header gets a strong top rule. */
    if (first_on_page && (r->head || r->table->nhead == 0)) {
        color(cr, t->accent);
        hline(cr, x, x + w, y + 0.4, 0.8);
    }
    if (r->last) {
        color(cr, t->accent);
        hline(cr, x, x + w, y + h - 0.4, 0.8);
    } else if (r->head) {
        color(cr, t->accent);
        hline(cr, x, x + w, y + h - 0.25, 0.5);
    } else {
        color(cr, t->table_rule);
        hline(cr, x, x + w, y + h - 0.2, 0.4);
    }
}

static void
paint_toc_entry(struct painter *p, const struct frag *f, double ox, double oy)
{
    const struct layout_para *para = f->para;
    double x = ox + f->x, y = oy + f->y;
    for (int i = 0; i < para->nlines; i++)
        paint_para_line(p, para, i, x, y + para->top[i]);
    int last = para->nlines - 1;
    PangoLayoutLine *line = pango_layout_get_line_readonly(para->layout, last);
    PangoRectangle r;
    pango_layout_line_get_extents(line, NULL, &r);
    double end = x + para->lx[last] + (double)r.width / PANGO_SCALE;
    double baseline = y + para->base[last];
    char num[32];
    snprintf(num, sizeof num, "%d", f->target->page);
    double right = ox + p->l->width;
    double nw = draw_label(p, num, p->t->font, para->size, f->level == 1,
                           p->t->color, right, baseline, 1, 0);
    /* dot leaders, drawn so text extraction reads "title  page" */
    color(p->cr, p->t->muted_color);
    cairo_new_path(p->cr);
    double step = 4.2, stop = right - nw - 5;
    for (double dx = ceil((end + 5 - ox) / step) * step + ox; dx < stop;
         dx += step) {
        cairo_arc(p->cr, dx, baseline - 0.6, 0.5, 0, 2 * M_PI);
        cairo_fill(p->cr);
    }
    tag_link_dest(p, f->target->dest, x, y, right - x, f->h);
}

static void
paint_chart(struct painter *p, const struct frag *f, double x, double y)
{
    cairo_t *cr = p->cr;
    cairo_save(cr);
    cairo_rectangle(cr, x, y, f->w, f->h);
    cairo_clip(cr);
    cairo_new_path(cr);
    int rc =
        p->charts->draw(p->charts->ctx, f->box->chart, cr, x, y, f->w, f->h);
    cairo_restore(cr);
    if (rc != 0) {
        struct pos pos = {p->path, f->box->line, 0};
        diag_warning(p->d, &pos, "chart '%s' failed to draw in PDF output",
                     f->box->chart);
    }
}

struct deco {
    const struct box *box;
    double y0, y1;
};

#define DECO_MAX 32

/* Pre backgrounds and quote bars span the fragments of their box on this
 * page (or in this cell), so they are found first and drawn behind. */
static void
paint_decos(struct painter *p, const struct frag *f, size_t n, double ox,
            double oy)
{
    struct deco v[DECO_MAX];
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        if (f[i].kind == FRAG_BREAK || f[i].kind == FRAG_TOC ||
            f[i].kind == FRAG_ANCHOR)
            continue;
        for (const struct box *b = f[i].box; b; b = b->parent) {
            if (b->kind == BOX_CELL)
                break;
            if (b->kind != BOX_PRE && b->kind != BOX_QUOTE)
                continue;
            size_t k = 0;
            while (k < nv && v[k].box != b)
                k++;
            if (k == nv) {
                if (nv == DECO_MAX)
                    continue;
                v[nv++] = (struct deco){b, f[i].y, f[i].y + f[i].h};
            } else {
                if (f[i].y < v[k].y0)
                    v[k].y0 = f[i].y;
                if (f[i].y + f[i].h > v[k].y1)
                    v[k].y1 = f[i].y + f[i].h;
            }
        }
    }
    for (size_t k = 0; k < nv; k++) {
        const struct box *b = v[k].box;
        if (b->kind == BOX_PRE) {
            color(p->cr, p->t->code_bg);
            round_rect(p->cr, ox + b->lx, oy + v[k].y0, b->lw,
                       v[k].y1 - v[k].y0, 2.5);
            cairo_fill(p->cr);
        } else {
            color(p->cr, tint(p->t->accent, 0.55));
            cairo_rectangle(p->cr, ox + b->lx, oy + v[k].y0, 2.2,
                            v[k].y1 - v[k].y0);
            cairo_fill(p->cr);
        }
    }
}

/* first: the fragment starts its table on this page (rules differ). */
static void
paint_frag(struct painter *p, const struct frag *f, double ox, double oy,
           bool first)
{
    cairo_t *cr = p->cr;
    double x = ox + f->x, y = oy + f->y;
    for (size_t k = 0; k < f->nanchors && !p->repeating; k++)
        tag_dest(p, f->anchors[k]->dest, x, y + f->pad);
    switch (f->kind) {
    case FRAG_LINE:
        paint_para_line(p, f->para, f->line, x, y + f->pad);
        break;
    case FRAG_RULE:
        color(cr, p->t->table_rule);
        hline(cr, x, x + f->w, y + f->h / 2, f->h);
        break;
    case FRAG_IMAGE: {
        double iw = cairo_image_surface_get_width(f->image);
        double ih = cairo_image_surface_get_height(f->image);
        if (iw <= 0 || ih <= 0)
            break;
        cairo_save(cr);
        cairo_translate(cr, x, y);
        cairo_scale(cr, f->w / iw, f->h / ih);
        cairo_set_source_surface(cr, f->image, 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
        cairo_paint(cr);
        cairo_restore(cr);
        break;
    }
    case FRAG_CHART:
        paint_chart(p, f, x, y);
        break;
    case FRAG_ROW:
        paint_row(p, f->row, x, y, f->w, f->h, first);
        break;
    case FRAG_TOC:
        paint_toc_entry(p, f, ox, oy);
        break;
    case FRAG_BREAK:
    case FRAG_ANCHOR:
        break;
    }
    if (f->marker)
        paint_marker(p, f, ox, oy);
}

static void
paint_frags(struct painter *p, struct frag *f, size_t n, double ox, double oy)
{
    paint_decos(p, f, n, ox, oy);
    for (size_t i = 0; i < n; i++) {
        bool first =
            f[i].kind == FRAG_ROW && (i == 0 || f[i - 1].kind != FRAG_ROW ||
                                      f[i - 1].row->table != f[i].row->table);
        paint_frag(p, &f[i], ox, oy, first);
    }
}

/* ---- pages ---------------------------------------------------------- */

static const char *
running_title(const struct pdf_doc_info *info)
{
    if (info->title && *info->title)
        return info->title;
    return info->cover_title ? info->cover_title : "";
}

static void
paint_chrome(struct painter *p, int page)
{
    const struct pdf_theme *t = p->t;
    const struct pdf_doc_info *info = p->info;
    double size = t->header_size;
    double x0 = p->ox, x1 = p->pw - t->margin.right;
    double head = t->margin.top - 2.6 * size - 8;
    if (head < size + 4)
        head = size + 4;
    double right_w = 0;
    if (info->confidentiality && *info->confidentiality)
        right_w = draw_label(p, info->confidentiality, t->font, size, true,
                             t->accent, x1, head, 1, (x1 - x0) * 0.35);
    draw_label(p, running_title(info), t->font, size, false, t->muted_color, x0,
               head, 0, (x1 - x0) - right_w - 24);
    color(p->cr, t->table_rule);
    hline(p->cr, x0, x1, head + 0.7 * size, 0.5);

    double foot = p->ph - t->margin.bottom + 2.6 * size + 10;
    if (foot > p->ph - 8)
        foot = p->ph - 8;
    char text[64];
    snprintf(text, sizeof text, "Page %d of %d", page, p->total);
    double nw = draw_label(p, text, t->font, size, false, t->muted_color, x1,
                           foot, 1, 0);
    if (info->author && *info->author)
        draw_label(p, info->author, t->font, size, false, t->muted_color, x0,
                   foot, 0, (x1 - x0) - nw - 24);
}

/* Draws a wrapped block of text with its top at y; returns its height. */
static double
draw_block(struct painter *p, const char *text, const char *family, double size,
           bool bold, struct pdf_color c, double y, double line_height)
{
    struct layout_para *para =
        layout_text(p->l, text, family, size, bold, false, p->l->width,
                    PANGO_ALIGN_LEFT, line_height);
    para->color = c;
    for (int i = 0; i < para->nlines; i++)
        paint_para_line(p, para, i, p->ox, y + para->top[i]);
    return para->top[para->nlines];
}

static void
paint_cover(struct painter *p)
{
    const struct pdf_theme *t = p->t;
    const struct pdf_doc_info *info = p->info;
    cairo_t *cr = p->cr;
    const char *hfont = t->heading[0].font;
    /* a band across the top edge marks the cover */
    color(cr, t->accent);
    cairo_rectangle(cr, 0, 0, p->pw, 10);
    cairo_fill(cr);

    double y = p->ph * 0.3;
    y += draw_block(p, info->cover_title, hfont, t->heading[0].size * 1.5, true,
                    t->heading[0].color, y, 1.15);
    if (info->cover_subtitle && *info->cover_subtitle) {
        y += 8;
        y += draw_block(p, info->cover_subtitle, hfont, t->heading[1].size,
                        false, t->muted_color, y, 1.3);
    }
    y += 16;
    color(cr, t->accent);
    hline(cr, p->ox, p->ox + 72, y, 2.2);
    y += 18;
    for (size_t i = 0; i < PDF_COVER_LINES_MAX; i++) {
        const char *s = info->cover_lines[i];
        if (!s || !*s)
            continue;
        y += draw_block(p, s, t->font, t->size * 1.15, i == 0, t->color, y,
                        1.45);
        y += 2;
    }
    if (info->confidentiality && *info->confidentiality) {
        double size = t->size * 0.95;
        double base = p->ph - t->margin.bottom - 6;
        char *label = g_utf8_strup(info->confidentiality, -1);
        /* the label first: the frame's width is what it measured */
        double w = draw_label(p, label, t->font, size, true, t->accent,
                              p->ox + 8, base, 0, p->l->width - 16);
        g_free(label);
        color(cr, t->accent);
        cairo_set_line_width(cr, 0.9);
        round_rect(cr, p->ox, base - size - 5, w + 16, size + 11, 2.5);
        cairo_stroke(cr);
    }
}

static void
paint_body_page(struct painter *p, struct frag *frags,
                const struct layout_page *pg)
{
    double y = p->oy;
    if (pg->repeat) {
        const struct layout_table *lt = pg->repeat;
        /* the table's x: that of its first row on this page */
        double x = p->ox + frags[pg->first].x;
        /* a name may be a destination once only */
        p->repeating = true;
        for (size_t i = 0; i < lt->nhead; i++) {
            const struct layout_row *r = lt->head[i];
            paint_row(p, r, x, y, lt->width, r->h, i == 0);
            y += r->h;
        }
        p->repeating = false;
    }
    paint_frags(p, frags + pg->first, pg->count, p->ox, p->oy);
}

/* ---- outline and metadata ------------------------------------------- */

static void
add_outline(struct painter *p, const struct box_doc *doc, int toc_page)
{
    if (toc_page > 0) {
        char *a = xasprintf("page=%d pos=[%.2f %.2f]", toc_page, p->ox, p->oy);
        cairo_pdf_surface_add_outline(p->surface, CAIRO_PDF_OUTLINE_ROOT,
                                      "Contents", a, 0);
        free(a);
    }
    int parent[4] = {CAIRO_PDF_OUTLINE_ROOT, -1, -1, -1};
    struct buf title, at;
    buf_init(&title);
    buf_init(&at);
    for (size_t i = 0; i < doc->nheadings; i++) {
        const struct box *h = doc->headings[i];
        if (h->level > 3 || !h->placed || h->len == 0 || h->lw <= 0)
            continue;
        int up = CAIRO_PDF_OUTLINE_ROOT;
        for (int k = h->level - 1; k >= 1; k--) {
            if (parent[k] >= 0) {
                up = parent[k];
                break;
            }
        }
        buf_reset(&title);
        for (size_t k = 0; k < h->len; k++)
            buf_putc(&title, h->text[k] == '\n' ? ' ' : h->text[k]);
        buf_reset(&at);
        buf_puts(&at, "dest=");
        attr_string(&at, h->dest);
        int id = cairo_pdf_surface_add_outline(
            p->surface, up, title.data, at.data,
            h->level == 1 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
        parent[h->level] = id;
        for (int k = h->level + 1; k < 4; k++)
            parent[k] = -1;
    }
    buf_release(&title);
    buf_release(&at);
}

/* Checks an ISO 8601 date and writes it the way cairo wants it:
 * YYYY-MM-DDThh:mm:ss with an optional Z or +hh:mm. */
static int
normalize_date(const char *in, char *out, size_t size)
{
    const char *s = in;
    int digits[6] = {0};
    static const int width[6] = {4, 2, 2, 2, 2, 2};
    static const char sep[6] = {0, '-', '-', 'T', ':', ':'};
    int k = 0;
    for (; k < 6; k++) {
        if (k > 0) {
            if (*s == '\0' && k >= 3)
                break;
            if (*s != sep[k] && !(k == 3 && *s == ' '))
                return -1;
            s++;
        }
        int v = 0;
        for (int i = 0; i < width[k]; i++, s++) {
            if (*s < '0' || *s > '9')
                return -1;
            v = v * 10 + (*s - '0');
        }
        digits[k] = v;
        if (k == 4 && (*s == '\0' || *s == 'Z' || *s == '+' || *s == '-')) {
            k++;
            break;
        }
    }
    if (*s == '.') /* fractions of a second: dropped */
        while (*++s >= '0' && *s <= '9')
            ;
    const char *tz = "Z"; /* no zone given: UTC */
    if (*s == 'Z') {
        tz = "Z";
        s++;
    } else if ((*s == '+' || *s == '-') && s[1] >= '0' && s[1] <= '9' &&
               s[2] >= '0' && s[2] <= '9' && s[3] == ':' && s[4] >= '0' &&
               s[4] <= '9' && s[5] >= '0' && s[5] <= '9') {
        tz = s;
        s += 6;
    }
    if (*s != '\0')
        return -1;
    if (digits[1] < 1 || digits[1] > 12 || digits[2] < 1 || digits[2] > 31 ||
        digits[3] > 23 || digits[4] > 59 || digits[5] > 60)
        return -1;
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d%s", digits[0], digits[1],
             digits[2], digits[3], digits[4], digits[5], tz);
    return 0;
}

static void
set_meta(cairo_surface_t *s, cairo_pdf_metadata_t key, const char *value)
{
    if (!value || !*value)
        return;
    if (g_utf8_validate(value, -1, NULL)) {
        cairo_pdf_surface_set_metadata(s, key, value);
    } else {
        char *v = g_utf8_make_valid(value, -1);
        cairo_pdf_surface_set_metadata(s, key, v);
        g_free(v);
    }
}

static cairo_status_t
write_buf(void *closure, const unsigned char *data, unsigned int len)
{
    buf_add(closure, (const char *)data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* ---- the pipeline --------------------------------------------------- */

static PangoContext *
new_context(void)
{
    PangoFontMap *fm = pango_cairo_font_map_get_default(); /* per thread */
    PangoContext *pc = pango_font_map_create_context(fm);
    pango_cairo_context_set_resolution(pc, 72);
    /* Unhinted metrics and unrounded positions: what is measured is
     * what the PDF shows, at any zoom. A fixed language keeps font
     * fallback from following the environment's locale. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pc, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(pc, FALSE);
    pango_context_set_language(pc, pango_language_from_string("en"));
    return pc;
}

static bool
has_toc_entries(const struct box_doc *doc, int depth)
{
    for (size_t i = 0; i < doc->nheadings; i++)
        if (doc->headings[i]->level <= depth && doc->headings[i]->len &&
            doc->headings[i]->lw > 0)
            return true;
    return false;
}

int
pdf_render_buf(const char *html, size_t len, const char *html_path,
               const char *base_dir, const struct pdf_theme *theme,
               const struct pdf_doc_info *info,
               const struct pdf_chart_cb *charts, struct diag *d,
               struct buf *out)
{
    struct pdf_theme fallback;
    struct pdf_doc_info no_info;
    if (!theme) {
        pdf_theme_init(&fallback);
        theme = &fallback;
    }
    if (!info) {
        memset(&no_info, 0, sizeof no_info);
        info = &no_info;
    }
    if (!html_path)
        html_path = "<html>";
    struct pos at = {html_path, 0, 0};
    char date[96];
    const char *in_date =
        info->creation_date ? info->creation_date : "1970-01-01T00:00:00Z";
    if (normalize_date(in_date, date, sizeof date) < 0)
        return diag_error(d, &at,
                          "creation date '%s' is not ISO 8601 "
                          "(YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)",
                          in_date);

    double pw, ph;
    pdf_paper_size(theme->paper, &pw, &ph);
    double cw = pw - theme->margin.left - theme->margin.right;
    double ch = ph - theme->margin.top - theme->margin.bottom;
    if (cw < 72 || ch < 72)
        return diag_error(d, &at,
                          "page margins leave %.0f x %.0f pt for text; at "
                          "least 72 x 72 is needed",
                          cw, ch);

    struct arena *a = arena_new();
    struct box_doc doc;
    if (box_parse(html ? html : "", html ? len : 0, html_path, a, d, &doc) <
        0) {
        arena_free(a);
        return -1;
    }

    PangoContext *pc = new_context();
    struct layout l;
    layout_init(&l, theme, pc, a, d, html_path, base_dir, charts, cw, ch);
    layout_body(&l, &doc);

    bool cover = info->cover_title && *info->cover_title;
    int first = cover ? 2 : 1;
    struct frag *toc = NULL;
    size_t ntoc = 0;
    struct layout_page *toc_pages = NULL;
    int ntoc_pages = 0;
    if (info->toc && has_toc_entries(&doc, theme->toc_depth)) {
        layout_toc(&l, &doc, theme->toc_depth, "Contents", &toc, &ntoc);
        ntoc_pages = layout_paginate(toc, ntoc, ch, first, a, &toc_pages);
    }
    struct layout_page *pages = NULL;
    int npages = 0;
    if (l.nfrags || (!cover && !ntoc_pages))
        npages = layout_paginate(l.frags, l.nfrags, ch, first + ntoc_pages, a,
                                 &pages);
    layout_place_anchors(l.frags, l.nfrags);

    struct painter p;
    memset(&p, 0, sizeof p);
    p.t = theme;
    p.info = info;
    p.l = &l;
    p.charts = charts;
    p.d = d;
    p.path = html_path;
    p.pw = pw;
    p.ph = ph;
    p.ox = theme->margin.left;
    p.oy = theme->margin.top;
    p.total = (cover ? 1 : 0) + ntoc_pages + npages;
    buf_init(&p.attr);

    struct buf pdf;
    buf_init(&pdf);
    p.surface = cairo_pdf_surface_create_for_stream(write_buf, &pdf, pw, ph);
    set_meta(p.surface, CAIRO_PDF_METADATA_TITLE, running_title(info));
    set_meta(p.surface, CAIRO_PDF_METADATA_AUTHOR, info->author);
    set_meta(p.surface, CAIRO_PDF_METADATA_SUBJECT, info->subject);
    set_meta(p.surface, CAIRO_PDF_METADATA_KEYWORDS, info->keywords);
    set_meta(p.surface, CAIRO_PDF_METADATA_CREATOR, "dossier");
    /* Set both dates, or cairo stamps the clock and the bytes change. */
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATE_DATE,
                                   date);
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_MOD_DATE,
                                   date);
    p.cr = cairo_create(p.surface);
    /* cairo 1.16 writes link annotations into a structure tree that it
     * only completes when the content has a structure root; without one
     * the PDF references objects it never writes. */
    cairo_tag_begin(p.cr, "Document", "");

    int page = 1;
    if (cover) {
        paint_cover(&p);
        cairo_show_page(p.cr);
        page++;
    }
    for (int i = 0; i < ntoc_pages; i++, page++) {
        paint_chrome(&p, page);
        paint_frags(&p, toc + toc_pages[i].first, toc_pages[i].count, p.ox,
                    p.oy);
        cairo_show_page(p.cr);
    }
    for (int i = 0; i < npages; i++, page++) {
        paint_chrome(&p, page);
        paint_body_page(&p, l.frags, &pages[i]);
        cairo_show_page(p.cr);
    }
    cairo_tag_end(p.cr, "Document");
    add_outline(&p, &doc, ntoc_pages ? first : 0);

    cairo_status_t st = cairo_status(p.cr);
    cairo_destroy(p.cr);
    cairo_surface_finish(p.surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(p.surface);
    cairo_surface_destroy(p.surface);
    int rc = 0;
    if (st != CAIRO_STATUS_SUCCESS) {
        rc = diag_error(d, &at, "cannot write the PDF: %s",
                        cairo_status_to_string(st));
    } else {
        buf_add(out, pdf.data, pdf.len);
    }
    buf_release(&pdf);
    buf_release(&p.attr);
    layout_release(&l);
    g_object_unref(pc);
    arena_free(a);
    return rc;
}

int
pdf_render(const char *html, size_t len, const char *html_path,
           const char *base_dir, const struct pdf_theme *theme,
           const struct pdf_doc_info *info, const struct pdf_chart_cb *charts,
           struct diag *d, const char *out_path)
{
    struct buf pdf;
    buf_init(&pdf);
    int rc = pdf_render_buf(html, len, html_path, base_dir, theme, info, charts,
                            d, &pdf);
    if (rc == 0 && file_write(out_path, pdf.data, pdf.len) < 0) {
        struct pos at = {out_path, 0, 0};
        rc = diag_error(d, &at, "cannot write '%s': %s", out_path,
                        strerror(errno));
    }
    buf_release(&pdf);
    return rc;
}
