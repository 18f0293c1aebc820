/* layout: typesetting the box tree into fragments, and pagination.
 * Vertical space follows CSS margin collapsing: a block asks for space
 * above and below, and the gap between two fragments is the largest
 * request made between them. A fragment's glue flag forbids a page break
 * after it; that one flag carries keep-with-next for headings, orphan and
 * widow control, figures and table header rows. */
#include "layout.h"

#include <limits.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "xmem.h"

#define PT(v) ((double)(v) / PANGO_SCALE)
#define PU(v) ((int)lround((v)*PANGO_SCALE))

struct style {
    const char *family;
    double size;
    bool bold, italic;
    struct pdf_color color;
    PangoAlignment align;
    bool justify;
    double line_height; /* multiple of size */
    bool center;        /* centre images and charts (figures) */
};

void
layout_init(struct layout *l, const struct pdf_theme *theme, PangoContext *pc,
            struct arena *a, struct diag *d, const char *path,
            const char *base_dir, const struct pdf_chart_cb *charts,
            double width, double height)
{
    memset(l, 0, sizeof *l);
    l->theme = theme;
    l->pc = pc;
    l->a = a;
    l->d = d;
    l->path = path;
    l->base_dir = base_dir;
    l->charts = charts;
    l->width = width;
    l->height = height;
    l->out = &l->body;
}

void
layout_release(struct layout *l)
{
    for (size_t i = 0; i < l->nlayouts; i++)
        g_object_unref(l->layouts[i]);
    for (size_t i = 0; i < l->nimages; i++)
        cairo_surface_destroy(l->images[i]);
    free(l->layouts);
    free(l->images);
    free(l->anchors);
    free(l->body.v);
    memset(l, 0, sizeof *l);
}

static void
keep_layout(struct layout *l, PangoLayout *pl)
{
    if (l->nlayouts == l->layouts_cap) {
        l->layouts_cap = l->layouts_cap ? l->layouts_cap * 2 : 256;
        l->layouts = xrealloc(l->layouts, l->layouts_cap * sizeof *l->layouts);
    }
    l->layouts[l->nlayouts++] = pl;
}

static struct pdf_color
rgb(unsigned v)
{
    return (struct pdf_color){((v >> 16) & 0xff) / 255.0,
                              ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0};
}

void
layout_badge_colors(const char *classes, struct pdf_color *bg,
                    struct pdf_color *fg)
{
    static const struct {
        const char *word;
        unsigned bg, fg;
    } map[] = {
        {"ok", 0x1e7b3a, 0xffffff},       {"pass", 0x1e7b3a, 0xffffff},
        {"passed", 0x1e7b3a, 0xffffff},   {"success", 0x1e7b3a, 0xffffff},
        {"done", 0x1e7b3a, 0xffffff},     {"green", 0x1e7b3a, 0xffffff},
        {"low", 0x1e7b3a, 0xffffff},      {"warn", 0xa86400, 0xffffff},
        {"warning", 0xa86400, 0xffffff},  {"partial", 0xa86400, 0xffffff},
        {"pending", 0xa86400, 0xffffff},  {"medium", 0xa86400, 0xffffff},
        {"amber", 0xa86400, 0xffffff},    {"fail", 0xb42318, 0xffffff},
        {"failed", 0xb42318, 0xffffff},   {"error", 0xb42318, 0xffffff},
        {"danger", 0xb42318, 0xffffff},   {"high", 0xb42318, 0xffffff},
        {"critical", 0xb42318, 0xffffff}, {"red", 0xb42318, 0xffffff},
        {"info", 0x1f5fa8, 0xffffff},     {"blue", 0x1f5fa8, 0xffffff},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (box_has_class(classes, map[i].word)) {
            *bg = rgb(map[i].bg);
            *fg = rgb(map[i].fg);
            return;
        }
    }
    *bg = rgb(0xe3e7ec);
    *fg = rgb(0x2d3640);
}

/* ---- shaping -------------------------------------------------------- */

static PangoAttribute *
ranged(PangoAttribute *a, unsigned start, unsigned end)
{
    a->start_index = start;
    a->end_index = end;
    return a;
}

static guint16
c16(double v)
{
    return (guint16)lround(v * 65535);
}

static void
span_attrs(struct layout *l, PangoAttrList *al, const struct box_span *s,
           const struct style *st)
{
    const struct pdf_theme *t = l->theme;
    unsigned a = s->start, b = s->end;
    struct pdf_color c, bg;
    switch (s->kind) {
    case BOX_SPAN_STRONG:
        pango_attr_list_insert(
            al, ranged(pango_attr_weight_new(PANGO_WEIGHT_BOLD), a, b));
        break;
    case BOX_SPAN_EM:
        pango_attr_list_insert(
            al, ranged(pango_attr_style_new(PANGO_STYLE_ITALIC), a, b));
        break;
    case BOX_SPAN_CODE:
        /* a hyphen added inside code or a URL would change it */
        pango_attr_list_insert(
            al, ranged(pango_attr_insert_hyphens_new(FALSE), a, b));
        pango_attr_list_insert(
            al, ranged(pango_attr_family_new(t->code_font), a, b));
        pango_attr_list_insert(
            al, ranged(pango_attr_size_new_absolute(
                           PU(st->size * t->code_size / t->size)),
                       a, b));
        break;
    case BOX_SPAN_LINK:
        if (!s->arg)
            break;
        pango_attr_list_insert(
            al, ranged(pango_attr_insert_hyphens_new(FALSE), a, b));
        c = t->link_color;
        pango_attr_list_insert(
            al, ranged(pango_attr_foreground_new(c16(c.r), c16(c.g), c16(c.b)),
                       a, b));
        break;
    case BOX_SPAN_BADGE:
        layout_badge_colors(s->arg, &bg, &c);
        pango_attr_list_insert(
            al, ranged(pango_attr_weight_new(PANGO_WEIGHT_BOLD), a, b));
        pango_attr_list_insert(
            al,
            ranged(pango_attr_size_new_absolute(PU(st->size * 0.78)), a, b));
        pango_attr_list_insert(
            al, ranged(pango_attr_foreground_new(c16(c.r), c16(c.g), c16(c.b)),
                       a, b));
        break;
    case BOX_SPAN_DEL:
        pango_attr_list_insert(
            al, ranged(pango_attr_strikethrough_new(TRUE), a, b));
        break;
    case BOX_SPAN_SUP:
    case BOX_SPAN_SUB:
        pango_attr_list_insert(
            al, ranged(pango_attr_size_new_absolute(PU(st->size * 0.7)), a, b));
        pango_attr_list_insert(
            al,
            ranged(pango_attr_rise_new(
                       PU(st->size * (s->kind == BOX_SPAN_SUP ? 0.38 : -0.18))),
                   a, b));
        break;
    case BOX_SPAN_UNDERLINE:
        pango_attr_list_insert(
            al, ranged(pango_attr_underline_new(PANGO_UNDERLINE_SINGLE), a, b));
        break;
    case BOX_SPAN_SMALL:
        pango_attr_list_insert(
            al,
            ranged(pango_attr_size_new_absolute(PU(st->size * 0.85)), a, b));
        break;
    case BOX_SPAN_MARK:
        pango_attr_list_insert(
            al,
            ranged(pango_attr_background_new(0xffff, 0xf3f3, 0xb0b0), a, b));
        break;
    case BOX_SPAN_ANCHOR:
        break;
    }
}

static PangoFontDescription *
font_desc(const char *family, double size, bool bold, bool italic)
{
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, family);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD
                                               : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(fd, italic ? PANGO_STYLE_ITALIC
                                                : PANGO_STYLE_NORMAL);
    return fd;
}

/* Shapes text into a PangoLayout the struct layout owns. width < 0 means
 * no wrapping. Reads the line geometry the paginator needs. */
static struct layout_para *
shape(struct layout *l, struct box *box, const char *text, size_t len,
      const struct box_span *spans, size_t nspans, const struct style *st,
      double width, PangoWrapMode wrap)
{
    PangoLayout *pl = pango_layout_new(l->pc);
    keep_layout(l, pl);
    PangoFontDescription *fd =
        font_desc(st->family, st->size, st->bold, st->italic);
    pango_layout_set_font_description(pl, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(pl, text, len > INT_MAX ? INT_MAX : (int)len);
    PangoAttrList *al = pango_attr_list_new();
    pango_attr_list_insert(al, pango_attr_line_height_new_absolute(
                                   PU(st->size * st->line_height)));
    if (wrap == PANGO_WRAP_CHAR) /* preformatted: never add hyphens */
        pango_attr_list_insert(al, pango_attr_insert_hyphens_new(FALSE));
    for (size_t i = 0; i < nspans; i++)
        span_attrs(l, al, &spans[i], st);
    pango_layout_set_attributes(pl, al);
    pango_attr_list_unref(al);
    if (width >= 0) {
        pango_layout_set_width(pl, PU(width));
        pango_layout_set_wrap(pl, wrap);
    }
    pango_layout_set_alignment(pl, st->align);
    pango_layout_set_justify(pl, st->justify);

    struct layout_para *p = arena_alloc(l->a, sizeof *p);
    p->layout = pl;
    p->box = box;
    p->size = st->size;
    p->color = st->color;
    int n = pango_layout_get_line_count(pl);
    p->nlines = n;
    p->top = arena_alloc(l->a, (size_t)(n + 1) * sizeof *p->top);
    p->base = arena_alloc(l->a, (size_t)n * sizeof *p->base);
    p->lx = arena_alloc(l->a, (size_t)n * sizeof *p->lx);
    PangoLayoutIter *it = pango_layout_get_iter(pl);
    int i = 0, y1 = 0;
    do {
        int y0;
        PangoRectangle logical;
        pango_layout_iter_get_line_yrange(it, &y0, &y1);
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        p->top[i] = PT(y0);
        p->base[i] = PT(pango_layout_iter_get_baseline(it));
        p->lx[i] = PT(logical.x);
        i++;
    } while (i < n && pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    p->top[n] = PT(y1);
    return p;
}

struct layout_para *
layout_text(struct layout *l, const char *text, const char *family, double size,
            bool bold, bool italic, double width, PangoAlignment align,
            double line_height)
{
    struct style st = {.family = family,
                       .size = size,
                       .bold = bold,
                       .italic = italic,
                       .color = l->theme->color,
                       .align = align,
                       .line_height = line_height};
    return shape(l, NULL, text, strlen(text), NULL, 0, &st, width,
                 PANGO_WRAP_WORD_CHAR);
}

/* ---- emitting fragments --------------------------------------------- */

static void
space(struct layout *l, double v)
{
    if (v > l->pending)
        l->pending = v;
}

static void
push_anchor(struct layout *l, struct box *b)
{
    if (!b->dest)
        return;
    if (l->nanchors == l->anchors_cap) {
        l->anchors_cap = l->anchors_cap ? l->anchors_cap * 2 : 16;
        l->anchors = xrealloc(l->anchors, l->anchors_cap * sizeof *l->anchors);
    }
    l->anchors[l->nanchors++] = b;
}

/* Appends a fragment; the pointer is valid until the next emit(). */
static struct frag *
emit(struct layout *l, enum frag_kind kind, double x, double w, double h)
{
    struct layout_fvec *o = l->out;
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 256;
        o->v = xrealloc(o->v, o->cap * sizeof *o->v);
    }
    struct frag *f = &o->v[o->n++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->x = x;
    f->w = w;
    f->h = h;
    f->before = l->pending;
    l->pending = 0;
    if (l->nanchors) {
        f->anchors = arena_alloc(l->a, l->nanchors * sizeof *f->anchors);
        memcpy(f->anchors, l->anchors, l->nanchors * sizeof *f->anchors);
        f->nanchors = l->nanchors;
        l->nanchors = 0;
    }
    if (l->marker) {
        f->marker = l->marker;
        f->marker_size = l->marker_size;
        l->marker = NULL;
    }
    return f;
}

/* Glue every fragment from index from to the last one but one. */
static void
glue_from(struct layout *l, size_t from)
{
    struct layout_fvec *o = l->out;
    for (size_t i = from; i + 1 < o->n; i++)
        o->v[i].glue = true;
}

static void flow_box(struct layout *l, struct box *b, double x, double w,
                     const struct style *st);

static void
flow_children(struct layout *l, struct box *b, double x, double w,
              const struct style *st)
{
    for (struct box *c = b->first; c; c = c->next)
        flow_box(l, c, x, w, st);
}

/* The style of a text block and the space it asks for around it. */
static void
text_style(struct layout *l, const struct box *b, const struct style *in,
           struct style *st, double *before, double *after)
{
    const struct pdf_theme *t = l->theme;
    *st = *in;
    *before = *after = 0;
    if (in->center) {
        st->align = PANGO_ALIGN_CENTER;
        st->justify = false;
    }
    switch (b->role) {
    case BOX_ROLE_HEADING: {
        const struct pdf_heading_style *h =
            &t->heading[(b->level > 4 ? 4 : b->level) - 1];
        st->family = h->font;
        st->size = h->size;
        st->bold = h->bold;
        st->italic = false;
        st->color = h->color;
        st->justify = false;
        st->line_height = 1.22;
        *before = h->space_before;
        *after = h->space_after;
        break;
    }
    case BOX_ROLE_CAPTION:
        st->size = in->size * 0.9;
        st->color = t->muted_color;
        st->justify = false;
        st->italic = false;
        st->align = in->center ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT;
        *before = 5;
        *after = 5;
        break;
    case BOX_ROLE_TERM:
        st->bold = true;
        st->justify = false;
        *before = t->paragraph_space * 0.6;
        *after = 1;
        break;
    case BOX_ROLE_PARA:
        *after =
            in->size < t->size ? t->paragraph_space * 0.5 : t->paragraph_space;
        break;
    case BOX_ROLE_PLAIN:
        break;
    }
}

static void
emit_lines(struct layout *l, struct layout_para *p, double x, double w,
           double pad_top, double pad_bottom, bool keep_all)
{
    int n = p->nlines;
    for (int i = 0; i < n; i++) {
        double h = p->top[i + 1] - p->top[i];
        if (i == 0)
            h += pad_top;
        if (i == n - 1)
            h += pad_bottom;
        struct frag *f = emit(l, FRAG_LINE, x, w, h);
        f->box = p->box;
        f->para = p;
        f->line = i;
        f->pad = i == 0 ? pad_top : 0;
        /* Two lines at least at the foot and at the head of a page. */
        f->glue = keep_all || (i < n - 1 && (i < 1 || i >= n - 2));
    }
}

static void
flow_text(struct layout *l, struct box *b, double x, double w,
          const struct style *in)
{
    struct style st;
    double before, after;
    text_style(l, b, in, &st, &before, &after);
    push_anchor(l, b);
    if (b->len == 0)
        return; /* an empty paragraph has no height, as in HTML */
    space(l, before);
    struct layout_para *p = shape(l, b, b->text, b->len, b->spans, b->nspans,
                                  &st, w, PANGO_WRAP_WORD_CHAR);
    b->lx = x;
    b->lw = w;
    emit_lines(l, p, x, w, 0, 0, b->role == BOX_ROLE_HEADING);
    space(l, after);
}

static void
flow_pre(struct layout *l, struct box *b, double x, double w,
         const struct style *in)
{
    const struct pdf_theme *t = l->theme;
    struct style st = *in;
    st.family = t->code_font;
    st.size = in->size * t->code_size / t->size;
    st.bold = st.italic = false;
    st.justify = false;
    st.align = PANGO_ALIGN_LEFT;
    st.line_height = 1.38;
    double pad = 0.75 * t->size, padx = 0.85 * t->size;
    push_anchor(l, b);
    space(l, t->paragraph_space);
    struct layout_para *p =
        shape(l, b, b->text, b->len, NULL, 0, &st,
              w - 2 * padx > 10 ? w - 2 * padx : 10, PANGO_WRAP_CHAR);
    p->dx = padx;
    b->lx = x;
    b->lw = w;
    emit_lines(l, p, x, w, pad, pad, false);
    space(l, t->paragraph_space + 2);
}

static cairo_surface_t *
load_png(struct layout *l, struct box *b)
{
    struct pos pos = {l->path, b->line, 0};
    const char *src = b->src;
    if (!src) {
        diag_warning(l->d, &pos, "<img> has no src; its alt text is shown");
        return NULL;
    }
    if (strstr(src, "://") || strncmp(src, "data:", 5) == 0) {
        diag_warning(l->d, &pos,
                     "image '%s' is not a local file; PDF output shows "
                     "its alt text",
                     src);
        return NULL;
    }
    const char *base = l->base_dir ? l->base_dir : ".";
    while (*src == '/')
        src++; /* site-absolute: from the base folder */
    char *path = file_join(base, src);
    char *root = realpath(base, NULL);
    cairo_surface_t *img = NULL;
    if (!root || !file_within(root, path)) {
        diag_warning(l->d, &pos,
                     "image '%s' is outside the base folder; its alt text "
                     "is shown",
                     b->src);
        goto out;
    }
    FILE *fp = fopen(path, "rb");
    unsigned char sig[8] = {0};
    size_t got = fp ? fread(sig, 1, sizeof sig, fp) : 0;
    if (fp)
        fclose(fp);
    if (!fp) {
        diag_warning(l->d, &pos,
                     "cannot open image '%s'; its alt text is "
                     "shown",
                     b->src);
        goto out;
    }
    if (got != 8 || memcmp(sig, "\x89PNG\r\n\x1a\n", 8) != 0) {
        diag_warning(l->d, &pos,
                     "image '%s' is not a PNG; PDF output supports PNG "
                     "only and shows its alt text",
                     b->src);
        goto out;
    }
    img = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        diag_warning(l->d, &pos,
                     "cannot read image '%s' (%s); its alt text "
                     "is shown",
                     b->src, cairo_status_to_string(cairo_surface_status(img)));
        cairo_surface_destroy(img);
        img = NULL;
        goto out;
    }
    if (l->nimages == l->images_cap) {
        l->images_cap = l->images_cap ? l->images_cap * 2 : 16;
        l->images = xrealloc(l->images, l->images_cap * sizeof *l->images);
    }
    l->images[l->nimages++] = img;
out:
    free(root);
    free(path);
    return img;
}

/* Natural size in points: CSS pixels are 0.75 pt. */
static void
image_size(const struct box *b, cairo_surface_t *img, double *w, double *h)
{
    double iw = cairo_image_surface_get_width(img);
    double ih = cairo_image_surface_get_height(img);
    if (b->width_px > 0 && b->height_px > 0) {
        iw = b->width_px;
        ih = b->height_px;
    } else if (b->width_px > 0 && iw > 0) {
        ih = ih * b->width_px / iw;
        iw = b->width_px;
    } else if (b->height_px > 0 && ih > 0) {
        iw = iw * b->height_px / ih;
        ih = b->height_px;
    }
    *w = iw * 0.75;
    *h = ih * 0.75;
}

/* Scales (w, h) down to fit the column and most of a page. */
static void
fit(struct layout *l, double avail, double *w, double *h)
{
    double maxh = l->height * 0.85;
    if (*w > avail) {
        *h *= avail / *w;
        *w = avail;
    }
    if (*h > maxh) {
        *w *= maxh / *h;
        *h = maxh;
    }
}

static void
flow_alt(struct layout *l, struct box *b, double x, double w,
         const struct style *in)
{
    char *text = arena_printf(l->a, "[image: %s]",
                              b->alt   ? b->alt
                              : b->src ? b->src
                                       : "");
    struct style st = *in;
    st.italic = true;
    st.color = l->theme->muted_color;
    st.justify = false;
    struct layout_para *p =
        shape(l, b, text, strlen(text), NULL, 0, &st, w, PANGO_WRAP_WORD_CHAR);
    emit_lines(l, p, x, w, 0, 0, false);
}

static void
flow_image(struct layout *l, struct box *b, double x, double w,
           const struct style *st)
{
    push_anchor(l, b);
    space(l, l->theme->paragraph_space);
    cairo_surface_t *img = load_png(l, b);
    if (!img) {
        flow_alt(l, b, x, w, st);
    } else {
        double iw, ih;
        image_size(b, img, &iw, &ih);
        fit(l, w, &iw, &ih);
        double ix = st->center || iw < w ? x + (w - iw) / 2 : x;
        struct frag *f = emit(l, FRAG_IMAGE, ix, iw, ih);
        f->box = b;
        f->image = img;
    }
    space(l, l->theme->paragraph_space);
}

static void
flow_chart(struct layout *l, struct box *b, double x, double w,
           const struct style *st)
{
    const struct pdf_chart_cb *cb = l->charts;
    double cw = 0, ch = 0;
    push_anchor(l, b);
    if (cb && cb->size && cb->draw &&
        cb->size(cb->ctx, b->chart, &cw, &ch) == 0 && cw > 0 && ch > 0 &&
        isfinite(cw) && isfinite(ch)) {
        fit(l, w, &cw, &ch);
        /* ids inside the fallback that is not shown lead to the chart */
        for (struct box *c = b->first; c;) {
            push_anchor(l, c);
            if (c->first) {
                c = c->first;
                continue;
            }
            while (c != b && !c->next)
                c = c->parent;
            c = c == b ? NULL : c->next;
        }
        struct frag *f = emit(l, FRAG_CHART, x + (w - cw) / 2, cw, ch);
        f->box = b;
        return;
    }
    struct pos pos = {l->path, b->line, 0};
    diag_warning(l->d, &pos,
                 "chart '%s' cannot be drawn in PDF output; its HTML "
                 "fallback is used",
                 b->chart);
    flow_children(l, b, x, w, st);
}

static double
list_indent(const struct layout *l, const struct style *st)
{
    (void)l;
    return 1.9 * st->size;
}

static void
flow_list(struct layout *l, struct box *b, double x, double w,
          const struct style *st)
{
    const struct pdf_theme *t = l->theme;
    double indent = list_indent(l, st);
    if (w - indent < l->width * 0.3)
        indent = 0; /* deep nesting: stop indenting, keep the measure */
    push_anchor(l, b);
    /* a nested list sits as close to its item as the items to each other */
    space(l, b->depth == 0 ? t->paragraph_space : 0.22 * st->size);
    for (struct box *c = b->first; c; c = c->next) {
        if (c->kind != BOX_ITEM) {
            flow_box(l, c, x + indent, w - indent, st);
            continue;
        }
        if (c != b->first)
            space(l, 0.22 * st->size);
        c->lx = x + indent;
        c->lw = w - indent;
        push_anchor(l, c);
        l->marker = c;
        l->marker_size = st->size;
        flow_children(l, c, x + indent, w - indent, st);
        if (l->marker == c) {
            /* an empty item still shows its marker */
            struct layout_para *p = shape(l, NULL, "", 0, NULL, 0, st,
                                          w - indent, PANGO_WRAP_WORD_CHAR);
            emit_lines(l, p, x + indent, w - indent, 0, 0, false);
        }
    }
    space(l, b->depth == 0 ? t->paragraph_space : 0);
}

/* ---- tables --------------------------------------------------------- */

static void measure(struct layout *l, struct box *b, const struct style *st,
                    double *mn, double *mx);

/* Width of the unwrapped text, and of its widest word. */
static void
measure_text(struct layout *l, struct box *b, const struct style *in,
             double *mn, double *mx)
{
    struct style st;
    double before, after;
    text_style(l, b, in, &st, &before, &after);
    *mn = *mx = 0;
    if (b->len == 0)
        return;
    PangoLayout *pl = pango_layout_new(l->pc);
    PangoFontDescription *fd =
        font_desc(st.family, st.size, st.bold, st.italic);
    pango_layout_set_font_description(pl, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(pl, b->text, (int)b->len);
    PangoAttrList *al = pango_attr_list_new();
    for (size_t i = 0; i < b->nspans; i++)
        span_attrs(l, al, &b->spans[i], &st);
    pango_layout_set_attributes(pl, al);
    pango_attr_list_unref(al);
    PangoRectangle r;
    pango_layout_get_extents(pl, NULL, &r);
    *mx = PT(r.width);
    /* The widest unbreakable run: x distance between break
     * opportunities on the unwrapped lines. */
    int nattrs;
    const PangoLogAttr *la = pango_layout_get_log_attrs_readonly(pl, &nattrs);
    const char *s = b->text;
    int offset = 0;
    double last_x = 0, widest = 0;
    int last_line = -1;
    for (const char *p = s; offset < nattrs; offset++) {
        if (offset == nattrs - 1 || la[offset].is_line_break ||
            la[offset].is_mandatory_break) {
            int line, xpos;
            pango_layout_index_to_line_x(pl, (int)(p - s), 0, &line, &xpos);
            /* a new line (after <br>) starts its first run at 0 */
            double from = line != last_line ? 0 : last_x;
            if (PT(xpos) - from > widest)
                widest = PT(xpos) - from;
            last_x = PT(xpos);
            last_line = line;
        }
        if ((size_t)(p - s) >= b->len)
            break;
        p = g_utf8_next_char(p);
    }
    *mn = widest > *mx ? *mx : widest;
    g_object_unref(pl);
}

static void
measure_children(struct layout *l, struct box *b, const struct style *st,
                 double *mn, double *mx)
{
    *mn = *mx = 0;
    for (struct box *c = b->first; c; c = c->next) {
        double a, z;
        measure(l, c, st, &a, &z);
        if (a > *mn)
            *mn = a;
        if (z > *mx)
            *mx = z;
    }
}

static void
measure(struct layout *l, struct box *b, const struct style *st, double *mn,
        double *mx)
{
    *mn = *mx = 0;
    switch (b->kind) {
    case BOX_TEXT:
        measure_text(l, b, st, mn, mx);
        break;
    case BOX_PRE: {
        struct box tmp = *b;
        tmp.kind = BOX_TEXT;
        tmp.role = BOX_ROLE_PLAIN;
        tmp.nspans = 0;
        struct style cs = *st;
        cs.family = l->theme->code_font;
        cs.size = st->size * l->theme->code_size / l->theme->size;
        measure_text(l, &tmp, &cs, mn, mx);
        *mx += 1.7 * l->theme->size;
        *mn = *mx < 80 ? *mx : 80;
        break;
    }
    case BOX_IMAGE:
        *mx = b->width_px > 0 ? b->width_px * 0.75 : 120;
        *mn = *mx < 40 ? *mx : 40;
        break;
    case BOX_CHART:
        *mx = 200;
        *mn = 60;
        if (l->charts && l->charts->size) {
            double w, h;
            if (l->charts->size(l->charts->ctx, b->chart, &w, &h) == 0 &&
                w > 0 && isfinite(w))
                *mx = w;
        }
        break;
    case BOX_LIST:
    case BOX_QUOTE:
        measure_children(l, b, st, mn, mx);
        *mn += list_indent(l, st);
        *mx += list_indent(l, st);
        break;
    case BOX_TABLE:
        /* nested table: its widest row, cells side by side */
        for (struct box *r = b->first; r; r = r->next) {
            double rmn = 0, rmx = 0;
            for (struct box *c = r->first; c; c = c->next) {
                double a, z;
                measure_children(l, c, st, &a, &z);
                rmn += a + 2 * l->theme->table_padding;
                rmx += z + 2 * l->theme->table_padding;
            }
            if (rmn > *mn)
                *mn = rmn;
            if (rmx > *mx)
                *mx = rmx;
        }
        break;
    case BOX_RULE:
    case BOX_BREAK:
        break;
    default:
        measure_children(l, b, st, mn, mx);
        if (b->indent) {
            *mn += list_indent(l, st);
            *mx += list_indent(l, st);
        }
        break;
    }
}

void
layout_columns(const double *min, const double *max, size_t n, double avail,
               double *out)
{
    double smin = 0, smax = 0;
    for (size_t i = 0; i < n; i++) {
        smin += min[i];
        smax += max[i] > min[i] ? max[i] : min[i];
    }
    for (size_t i = 0; i < n; i++) {
        double mx = max[i] > min[i] ? max[i] : min[i];
        if (smax <= 0)
            out[i] = avail / (double)n;
        else if (smax <= avail)
            out[i] = mx + (avail - smax) * mx / smax;
        else if (smin <= avail && smax > smin)
            out[i] = min[i] + (mx - min[i]) * (avail - smin) / (smax - smin);
        else if (smin > 0)
            out[i] = min[i] * avail / smin;
        else
            out[i] = avail / (double)n;
    }
}

/* Cell contents spread over their columns: single-column cells first,
 * then each spanning cell adds what its columns still lack, evenly. */
static void
table_widths(struct layout *l, struct box *t, const struct style *st,
             double avail, double *widths)
{
    size_t n = (size_t)t->ncols;
    double *mn = xcalloc(n, sizeof *mn), *mx = xcalloc(n, sizeof *mx);
    double pad = 2 * l->theme->table_padding;
    for (int pass = 0; pass < 2; pass++) {
        for (struct box *r = t->first; r; r = r->next) {
            if (r->kind != BOX_ROW)
                continue;
            size_t col = 0;
            for (struct box *c = r->first; c && col < n; c = c->next) {
                size_t span = (size_t)c->colspan;
                if (span > n - col)
                    span = n - col;
                if ((span == 1) != (pass == 0)) {
                    col += span;
                    continue;
                }
                struct style cs = *st;
                cs.bold = c->header;
                double a, z;
                measure_children(l, c, &cs, &a, &z);
                a += pad;
                z += pad;
                double ha = 0, hz = 0;
                for (size_t k = col; k < col + span; k++) {
                    ha += mn[k];
                    hz += mx[k];
                }
                for (size_t k = col; k < col + span; k++) {
                    if (a > ha)
                        mn[k] += (a - ha) / (double)span;
                    if (z > hz)
                        mx[k] += (z - hz) / (double)span;
                }
                col += span;
            }
        }
    }
    /* Words may break (pango wraps at characters when it must), so one
     * long word does not get to starve the other columns. */
    double cap = 2 * avail / (double)n;
    if (cap < 48)
        cap = 48;
    for (size_t k = 0; k < n; k++)
        if (mn[k] > cap)
            mn[k] = cap;
    layout_columns(mn, mx, n, avail, widths);
    free(mn);
    free(mx);
}

static void
flow_table(struct layout *l, struct box *t, double x, double w,
           const struct style *in)
{
    const struct pdf_theme *th = l->theme;
    push_anchor(l, t);
    space(l, th->paragraph_space + 2);
    struct style st = *in;
    st.size = in->size * th->table_size / th->size;
    st.justify = false;
    st.line_height = 1.32;
    st.center = false;
    for (struct box *c = t->first; c; c = c->next) {
        if (c->kind == BOX_TEXT && c->role == BOX_ROLE_CAPTION) {
            size_t from = l->out->n;
            flow_text(l, c, x, w, &st);
            if (l->out->n > from)
                l->out->v[l->out->n - 1].glue = true;
        }
    }
    size_t n = (size_t)t->ncols;
    if (n == 0)
        return;
    double *widths = xcalloc(n, sizeof *widths);
    table_widths(l, t, &st, w, widths);

    struct layout_table *lt = arena_alloc(l->a, sizeof *lt);
    lt->width = w;
    size_t nrows = 0;
    for (struct box *r = t->first; r; r = r->next)
        nrows += r->kind == BOX_ROW;
    lt->head = arena_alloc(l->a, (nrows ? nrows : 1) * sizeof *lt->head);
    double pad = th->table_padding, pad_y = 0.62 * th->table_padding;

    /* Anchors and a list marker waiting for the table belong to its first
     * row, not to the first fragment inside a cell. */
    size_t nheld = l->nanchors;
    struct box **held = NULL;
    if (nheld) {
        held = xmalloc(nheld * sizeof *held);
        memcpy(held, l->anchors, nheld * sizeof *held);
        l->nanchors = 0;
    }
    struct box *held_marker = l->marker;
    double held_marker_size = l->marker_size;
    l->marker = NULL;

    size_t body = 0, emitted = 0;
    bool in_head = true;
    for (struct box *r = t->first; r; r = r->next) {
        if (r->kind != BOX_ROW)
            continue;
        struct layout_row *lr = arena_alloc(l->a, sizeof *lr);
        lr->box = r;
        lr->table = lt;
        lr->pad_y = pad_y;
        lr->head = r->head && in_head;
        if (!lr->head)
            in_head = false;
        size_t ncells = 0;
        for (struct box *c = r->first; c; c = c->next)
            ncells++;
        lr->cells =
            arena_alloc(l->a, (ncells ? ncells : 1) * sizeof *lr->cells);
        double rowh = 0, cx = 0;
        size_t col = 0;
        for (struct box *c = r->first; c && col < n; c = c->next) {
            size_t span = (size_t)c->colspan;
            if (span > n - col)
                span = n - col;
            double cw = 0;
            for (size_t k = col; k < col + span; k++)
                cw += widths[k];
            struct layout_cell *cell = &lr->cells[lr->ncells++];
            cell->box = c;
            cell->x = cx;
            cell->w = cw;
            struct style cs = st;
            cs.bold = c->header || lr->head;
            cs.align = c->align == BOX_ALIGN_END      ? PANGO_ALIGN_RIGHT
                       : c->align == BOX_ALIGN_CENTER ? PANGO_ALIGN_CENTER
                                                      : PANGO_ALIGN_LEFT;
            struct layout_fvec vec = {0};
            struct layout_fvec *saved = l->out;
            double saved_pending = l->pending;
            l->out = &vec;
            l->pending = 0;
            push_anchor(l, c);
            flow_children(l, c, pad, cw - 2 * pad > 1 ? cw - 2 * pad : 1, &cs);
            if (l->nanchors) /* ids of empty blocks at the cell's end */
                emit(l, FRAG_ANCHOR, 0, 0, 0);
            l->out = saved;
            l->pending = saved_pending;
            double y = 0;
            for (size_t i = 0; i < vec.n; i++) {
                if (i > 0)
                    y += vec.v[i].before;
                vec.v[i].y = y;
                y += vec.v[i].h;
            }
            if (vec.n) {
                cell->frags = arena_alloc(l->a, vec.n * sizeof *cell->frags);
                memcpy(cell->frags, vec.v, vec.n * sizeof *cell->frags);
                cell->nfrags = vec.n;
            }
            free(vec.v);
            if (y > rowh)
                rowh = y;
            cx += cw;
            col += span;
        }
        if (emitted == 0) {
            for (size_t i = 0; i < nheld; i++)
                push_anchor(l, held[i]);
            l->marker = held_marker;
            l->marker_size = held_marker_size;
        }
        push_anchor(l, r);
        lr->h = rowh + 2 * pad_y;
        struct frag *f = emit(l, FRAG_ROW, x, w, lr->h);
        f->box = r;
        f->row = lr;
        emitted++;
        if (lr->head) {
            f->glue = true; /* never a header alone at a page foot */
            lt->head[lt->nhead++] = lr;
            lt->head_h += f->h;
        } else {
            lr->zebra = body++ % 2 == 1;
        }
        if (!r->next || r->next->kind != BOX_ROW)
            lr->last = true;
    }
    if (emitted)
        l->out->v[l->out->n - 1].row->last = true;
    free(held);
    free(widths);
    space(l, th->paragraph_space + 2);
}

/* ---- the walk ------------------------------------------------------- */

static void
flow_box(struct layout *l, struct box *b, double x, double w,
         const struct style *st)
{
    const struct pdf_theme *t = l->theme;
    switch (b->kind) {
    case BOX_TEXT:
        flow_text(l, b, x, w, st);
        return;
    case BOX_PRE:
        flow_pre(l, b, x, w, st);
        return;
    case BOX_LIST:
        flow_list(l, b, x, w, st);
        return;
    case BOX_TABLE:
        flow_table(l, b, x, w, st);
        return;
    case BOX_IMAGE:
        flow_image(l, b, x, w, st);
        return;
    case BOX_CHART:
        flow_chart(l, b, x, w, st);
        return;
    case BOX_RULE: {
        push_anchor(l, b);
        space(l, 1.3 * t->paragraph_space + 4);
        struct frag *f = emit(l, FRAG_RULE, x, w, 0.8);
        f->box = b;
        space(l, 1.3 * t->paragraph_space + 4);
        return;
    }
    case BOX_BREAK: {
        push_anchor(l, b);
        emit(l, FRAG_BREAK, x, w, 0)->box = b;
        return;
    }
    case BOX_QUOTE: {
        struct style qs = *st;
        qs.color = t->muted_color;
        double indent = 1.4 * st->size;
        push_anchor(l, b);
        space(l, t->paragraph_space);
        b->lx = x;
        b->lw = w;
        flow_children(l, b, x + indent, w - indent, &qs);
        space(l, t->paragraph_space);
        return;
    }
    case BOX_FIGURE: {
        struct style fs = *st;
        fs.center = true;
        push_anchor(l, b);
        space(l, t->paragraph_space * 1.5);
        size_t from = l->out->n;
        flow_children(l, b, x, w, &fs);
        glue_from(l, from); /* a figure and its caption stay together */
        space(l, t->paragraph_space * 1.5);
        return;
    }
    case BOX_ITEM: {
        /* an item outside a list: a list of one */
        struct box list = {0};
        list.kind = BOX_LIST;
        list.first = list.last = b;
        struct box *saved = b->next;
        b->next = NULL;
        flow_list(l, &list, x, w, st);
        b->next = saved;
        return;
    }
    case BOX_FLOW:
    case BOX_ROW:
    case BOX_CELL: {
        double indent =
            b->indent && b->kind == BOX_FLOW ? list_indent(l, st) : 0;
        push_anchor(l, b);
        flow_children(l, b, x + indent, w - indent, st);
        return;
    }
    }
}

void
layout_body(struct layout *l, const struct box_doc *doc)
{
    const struct pdf_theme *t = l->theme;
    struct style st = {
        .family = t->font,
        .size = t->size,
        .color = t->color,
        .align = PANGO_ALIGN_LEFT,
        .justify = t->justify,
        .line_height = t->line_height,
    };
    l->out = &l->body;
    l->pending = 0;
    if (doc->root)
        flow_box(l, doc->root, 0, l->width, &st);
    if (l->nanchors) /* ids after the last content */
        emit(l, FRAG_ANCHOR, 0, 0, 0);
    l->frags = l->body.v;
    l->nfrags = l->body.n;
}

/* ---- contents ------------------------------------------------------- */

#define TOC_NUMBER_WIDTH 34

void
layout_toc(struct layout *l, const struct box_doc *doc, int depth,
           const char *title, struct frag **out, size_t *nout)
{
    const struct pdf_theme *t = l->theme;
    struct layout_fvec vec = {0};
    struct layout_fvec *saved = l->out;
    double saved_pending = l->pending;
    l->out = &vec;
    l->pending = 0;

    const struct pdf_heading_style *h1 = &t->heading[0];
    struct style ts = {.family = h1->font,
                       .size = h1->size,
                       .bold = h1->bold,
                       .color = h1->color,
                       .align = PANGO_ALIGN_LEFT,
                       .line_height = 1.22};
    struct layout_para *tp = shape(l, NULL, title, strlen(title), NULL, 0, &ts,
                                   l->width, PANGO_WRAP_WORD_CHAR);
    emit_lines(l, tp, 0, l->width, 0, 0, true);
    space(l, h1->space_after + 8);

    for (size_t i = 0; i < doc->nheadings; i++) {
        struct box *hb = doc->headings[i];
        if (hb->level > depth || hb->len == 0 || hb->lw <= 0)
            continue; /* lw: laid out (not inside a drawn chart) */
        int level = hb->level > 4 ? 4 : hb->level;
        double indent = (level - 1) * 1.6 * t->size;
        struct style es = {.family = t->font,
                           .size = t->size,
                           .bold = level == 1,
                           .color = t->color,
                           .align = PANGO_ALIGN_LEFT,
                           .line_height = 1.35};
        if (level == 1)
            space(l, 0.7 * t->size);
        else
            space(l, 0.15 * t->size);
        /* Line breaks in the heading read as spaces here. */
        char *text = arena_strndup(l->a, hb->text, hb->len);
        for (char *p = text; *p; p++)
            if (*p == '\n')
                *p = ' ';
        double w = l->width - indent - TOC_NUMBER_WIDTH;
        struct layout_para *p = shape(l, NULL, text, hb->len, NULL, 0, &es, w,
                                      PANGO_WRAP_WORD_CHAR);
        struct frag *f =
            emit(l, FRAG_TOC, indent, l->width - indent, p->top[p->nlines]);
        f->para = p;
        f->target = hb;
        f->level = level;
    }
    *out = NULL;
    *nout = vec.n;
    if (vec.n) {
        *out = arena_alloc(l->a, vec.n * sizeof **out);
        memcpy(*out, vec.v, vec.n * sizeof **out);
    }
    free(vec.v);
    l->out = saved;
    l->pending = saved_pending;
}

/* ---- pagination ----------------------------------------------------- */

struct pagevec {
    struct layout_page *v;
    size_t n, cap;
};

static void
page_open(struct pagevec *pv, size_t first, struct layout_table *repeat)
{
    if (pv->n == pv->cap) {
        pv->cap = pv->cap ? pv->cap * 2 : 16;
        pv->v = xrealloc(pv->v, pv->cap * sizeof *pv->v);
    }
    pv->v[pv->n++] = (struct layout_page){first, 0, repeat};
}

/* The header rows to repeat when a page starts with fragment f. */
static struct layout_table *
repeat_for(const struct frag *f)
{
    if (f->kind == FRAG_ROW && !f->row->head && f->row->table->nhead)
        return f->row->table;
    return NULL;
}

int
layout_paginate(struct frag *f, size_t n, double height, int first_page,
                struct arena *a, struct layout_page **pages)
{
    const double eps = 0.01;
    struct pagevec pv = {0};
    int page = first_page;
    size_t start = 0, i = 0;
    double y = 0;
    page_open(&pv, 0, NULL);
    while (i < n) {
        struct frag *x = &f[i];
        if (x->kind == FRAG_BREAK) {
            x->page = page;
            x->y = y;
            i++;
            if (i - 1 > start) {
                pv.v[pv.n - 1].count = i - start;
                page++;
                start = i;
                y = 0;
                page_open(&pv, start, NULL);
            }
            continue;
        }
        bool top = i == start;
        double gap = top ? 0 : x->before;
        if (!top && y + gap + x->h > height + eps) {
            size_t k = i;
            while (k > start && f[k - 1].glue && f[k - 1].kind != FRAG_BREAK)
                k--;
            if (k == start)
                k = i; /* all glued: break where the page is full */
            pv.v[pv.n - 1].count = k - start;
            page++;
            start = k;
            struct layout_table *rep = repeat_for(&f[k]);
            y = rep ? rep->head_h : 0;
            page_open(&pv, start, rep);
            i = k;
            continue;
        }
        x->page = page;
        x->y = y + gap;
        y = x->y + x->h;
        i++;
    }
    pv.v[pv.n - 1].count = n - start;
    /* A break at the very end leaves an empty last page: drop it. */
    if (pv.n > 1 && pv.v[pv.n - 1].count == 0)
        pv.n--;
    if (pages) {
        *pages = arena_alloc(a, pv.n * sizeof **pages);
        memcpy(*pages, pv.v, pv.n * sizeof **pages);
    }
    int count = (int)pv.n;
    free(pv.v);
    return count;
}

static void
place(struct frag *f, size_t n, int page, double dy, int depth)
{
    for (size_t i = 0; i < n; i++) {
        struct frag *x = &f[i];
        if (depth > 0)
            x->page = page;
        for (size_t k = 0; k < x->nanchors; k++) {
            struct box *b = x->anchors[k];
            if (!b->placed) {
                b->placed = true;
                b->page = x->page;
                b->ly = dy + x->y;
            }
        }
        if (x->kind == FRAG_ROW && depth < BOX_MAX_DEPTH)
            for (size_t c = 0; c < x->row->ncells; c++)
                place(x->row->cells[c].frags, x->row->cells[c].nfrags, x->page,
                      dy + x->y + x->row->pad_y, depth + 1);
    }
}

void
layout_place_anchors(struct frag *frags, size_t n)
{
    place(frags, n, 0, 0, 0);
}
