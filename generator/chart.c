/* chart: layout and drawing of one chart with cairo and pango, plus its SVG
 * and HTML table forms. See chart.h for the contract.
 *
 * Layout works in user-space points. Every text is a PangoLayout measured
 * before anything is placed, so labels are wrapped, rotated, thinned or
 * ellipsized to fit rather than clipped; only data marks are clipped, to
 * the plot rectangle. Hinting is off so a chart has the same geometry on
 * an image, a PDF and an SVG surface. */
#include "chart.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include "xmem.h"

#define CHART_MAX_VALUE 1e15
#define PAD 4.0 /* canvas edge to ink */
#define GAP 6.0 /* between an axis and its labels */
#define MAX_SERIES_SHOWN 64

struct color {
    double r, g, b, a;
};

struct strvec {
    char **v;
    size_t n, cap;
};

struct series {
    char *name;
    double *v;
    size_t n;
};

struct threshold {
    double value;
    char *label;
};

struct band {
    double lo, hi;
    char *label;
    struct color color;
    int has_color;
};

struct category {
    char *key;
    char *label;
    struct color color;
    int has_color;
};

struct cell {
    size_t row, col;
    double v;
    char *key; /* NULL: numeric */
};

struct theme {
    char *font;
    double title_size, subtitle_size, label_size;
    struct color color[CHART_COLOR_ROLE_COUNT];
    struct color *palette;
    size_t npalette;
};

struct chart {
    enum chart_type type;
    char *title, *subtitle, *desc, *id, *x_name;
    struct strvec x, rows, cols;
    struct series *series;
    size_t nseries, capseries;
    struct threshold *thr;
    size_t nthr, capthr;
    struct band *bands;
    size_t nbands, capbands;
    struct category *cats;
    size_t ncats, capcats;
    struct cell *cells;
    size_t ncells, capcells;
    int stacked, first_is_start, show_total;
    char *total_label;
    double share;
    char *share_label;
    enum chart_x_scale x_scale;
    enum chart_format format;
    double y_lo, y_hi;
    char currency[16];
    char decimal[8], grouping[8];
    double width, height;
    struct theme theme;
};

/* Okabe and Ito's palette, ordered so the first colours contrast most on
 * white; the caller's Lua theme normally replaces it. */
static const char *const default_palette[] = {
    "#0072B2", "#E69F00", "#009E73", "#D55E00",
    "#56B4E9", "#CC79A7", "#F0E442", "#000000",
};

static const char *const default_colors[CHART_COLOR_ROLE_COUNT] = {
    [CHART_COLOR_TEXT] = "#1f2937",
    [CHART_COLOR_MUTED] = "#6b7280",
    [CHART_COLOR_GRID] = "#e5e7eb",
    [CHART_COLOR_AXIS] = "#9ca3af",
    [CHART_COLOR_BACKGROUND] = "transparent",
    [CHART_COLOR_POSITIVE] = "#009E73",
    [CHART_COLOR_NEGATIVE] = "#D55E00",
    [CHART_COLOR_TOTAL] = "#0072B2",
    [CHART_COLOR_THRESHOLD] = "#374151",
    [CHART_COLOR_BAND] = "#E69F0029",
};

static const struct {
    const char *key, *label, *color;
} default_cats[] = {
    {"met", "Met", "#009E73"},         {"partial", "Partial", "#E69F00"},
    {"not-met", "Not met", "#D55E00"}, {"n.a.", "N/A", "#d1d5db"},
    {"unknown", "Unknown", "#f3f4f6"},
};
#define NDEFAULT_CATS (sizeof default_cats / sizeof default_cats[0])

static const char *const type_names[CHART_TYPE_COUNT] = {
    "line", "bar", "hbar", "waterfall", "donut", "gauge", "heatmap",
};

/* {====================================================================
 * Small helpers
 * ===================================================================== */

static void
grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap * 2 : 8;
    while (n < need)
        n *= 2;
    *p = xrealloc(*p, n * size);
    *cap = n;
}

/* Valid UTF-8 without control characters: pango warns on the first and
 * would start new paragraphs on the second. */
static char *
clean_text(const char *s)
{
    if (!s)
        return NULL;
    gchar *valid = g_utf8_make_valid(s, -1);
    char *out = xstrdup(valid);
    g_free(valid);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return out;
}

static void
set_text(char **dst, const char *s)
{
    free(*dst);
    *dst = clean_text(s);
}

static void
strvec_push(struct strvec *v, const char *s)
{
    grow((void **)&v->v, &v->cap, v->n + 1, sizeof *v->v);
    v->v[v->n++] = clean_text(s ? s : "");
}

static void
strvec_release(struct strvec *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->v[i]);
    free(v->v);
    v->v = NULL;
    v->n = v->cap = 0;
}

static int
hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int
color_parse(const char *s, struct color *out)
{
    if (!s)
        return -1;
    if (!strcmp(s, "none") || !strcmp(s, "transparent")) {
        *out = (struct color){0, 0, 0, 0};
        return 0;
    }
    size_t n = strlen(s);
    if (s[0] != '#' || (n != 4 && n != 7 && n != 9))
        return -1;
    int d[8];
    for (size_t i = 1; i < n; i++)
        if ((d[i - 1] = hexval((unsigned char)s[i])) < 0)
            return -1;
    if (n == 4) {
        out->r = (d[0] * 17) / 255.0;
        out->g = (d[1] * 17) / 255.0;
        out->b = (d[2] * 17) / 255.0;
        out->a = 1;
    } else {
        out->r = (d[0] * 16 + d[1]) / 255.0;
        out->g = (d[2] * 16 + d[3]) / 255.0;
        out->b = (d[4] * 16 + d[5]) / 255.0;
        out->a = n == 9 ? (d[6] * 16 + d[7]) / 255.0 : 1;
    }
    return 0;
}

static struct color
color_mix(struct color a, struct color b, double t)
{
    return (struct color){a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t,
                          a.b + (b.b - a.b) * t, a.a + (b.a - a.a) * t};
}

static double
linear(double v)
{
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

/* WCAG relative luminance. */
static double
color_luma(struct color c)
{
    return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
}

/* Whichever of dark and light text contrasts more with fill (WCAG). */
static struct color
text_on(struct color fill, struct color dark)
{
    struct color white = {1, 1, 1, 1};
    double lf = color_luma(fill), ld = color_luma(dark);
    double cd = (fmax(lf, ld) + 0.05) / (fmin(lf, ld) + 0.05);
    double cw = 1.05 / (lf + 0.05);
    return cw > cd ? white : dark;
}

/* }==================================================================== */

/* {====================================================================
 * Lifecycle and setters
 * ===================================================================== */

struct chart *
chart_new(enum chart_type type)
{
    if ((unsigned)type >= CHART_TYPE_COUNT)
        return NULL;
    struct chart *c = xcalloc(1, sizeof *c);
    c->type = type;
    c->share = NAN;
    c->y_lo = c->y_hi = NAN;
    c->width = 640;
    c->height = 320;
    strcpy(c->currency, "$");
    strcpy(c->decimal, ".");
    strcpy(c->grouping, ",");
    c->theme.font = xstrdup("DejaVu Sans");
    c->theme.title_size = 14;
    c->theme.subtitle_size = 11;
    c->theme.label_size = 11;
    for (int i = 0; i < CHART_COLOR_ROLE_COUNT; i++)
        color_parse(default_colors[i], &c->theme.color[i]);
    chart_set_palette(c, default_palette,
                      sizeof default_palette / sizeof default_palette[0]);
    return c;
}

void
chart_free(struct chart *c)
{
    if (!c)
        return;
    free(c->title);
    free(c->subtitle);
    free(c->desc);
    free(c->id);
    free(c->x_name);
    free(c->total_label);
    free(c->share_label);
    strvec_release(&c->x);
    strvec_release(&c->rows);
    strvec_release(&c->cols);
    for (size_t i = 0; i < c->nseries; i++) {
        free(c->series[i].name);
        free(c->series[i].v);
    }
    free(c->series);
    for (size_t i = 0; i < c->nthr; i++)
        free(c->thr[i].label);
    free(c->thr);
    for (size_t i = 0; i < c->nbands; i++)
        free(c->bands[i].label);
    free(c->bands);
    for (size_t i = 0; i < c->ncats; i++) {
        free(c->cats[i].key);
        free(c->cats[i].label);
    }
    free(c->cats);
    for (size_t i = 0; i < c->ncells; i++)
        free(c->cells[i].key);
    free(c->cells);
    free(c->theme.font);
    free(c->theme.palette);
    free(c);
}

const char *
chart_type_name(enum chart_type type)
{
    if ((unsigned)type >= CHART_TYPE_COUNT)
        return "unknown";
    return type_names[type];
}

int
chart_type_from_name(const char *name, enum chart_type *type)
{
    if (!name)
        return -1;
    for (int i = 0; i < CHART_TYPE_COUNT; i++) {
        if (!strcmp(name, type_names[i])) {
            *type = (enum chart_type)i;
            return 0;
        }
    }
    return -1;
}

enum chart_type
chart_get_type(const struct chart *c)
{
    return c->type;
}

void
chart_get_size(const struct chart *c, double *width, double *height)
{
    if (width)
        *width = c->width;
    if (height)
        *height = c->height;
}

void
chart_set_title(struct chart *c, const char *title)
{
    set_text(&c->title, title);
}

void
chart_set_subtitle(struct chart *c, const char *subtitle)
{
    set_text(&c->subtitle, subtitle);
}

void
chart_set_desc(struct chart *c, const char *desc)
{
    set_text(&c->desc, desc);
}

void
chart_set_x_name(struct chart *c, const char *name)
{
    set_text(&c->x_name, name);
}

int
chart_set_id(struct chart *c, const char *prefix)
{
    if (!prefix)
        return -1;
    size_t n = strlen(prefix);
    if (n == 0 || n > 64)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)prefix[i];
        int alpha =
            (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
        int other = (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
        if (!alpha && (i == 0 || !other))
            return -1;
    }
    free(c->id);
    c->id = xstrdup(prefix);
    return 0;
}

int
chart_set_size(struct chart *c, double width, double height)
{
    if (!(width >= 64 && width <= 8192 && height >= 64 && height <= 8192))
        return -1;
    c->width = width;
    c->height = height;
    return 0;
}

void
chart_add_x(struct chart *c, const char *label)
{
    strvec_push(&c->x, label);
}

void
chart_set_x_scale(struct chart *c, enum chart_x_scale scale)
{
    c->x_scale = scale;
}

void
chart_add_series(struct chart *c, const char *name, const double *values,
                 size_t n)
{
    grow((void **)&c->series, &c->capseries, c->nseries + 1, sizeof *c->series);
    struct series *s = &c->series[c->nseries++];
    s->name = clean_text(name ? name : "");
    s->n = n;
    s->v = xmalloc((n ? n : 1) * sizeof *s->v);
    if (n)
        memcpy(s->v, values, n * sizeof *s->v);
}

void
chart_set_stacked(struct chart *c, int stacked)
{
    c->stacked = !!stacked;
}

void
chart_set_y_format(struct chart *c, enum chart_format format)
{
    c->format = format;
}

int
chart_set_y_range(struct chart *c, double lo, double hi)
{
    if (isinf(lo) || isinf(hi) || (!isnan(lo) && !isnan(hi) && lo >= hi))
        return -1;
    c->y_lo = lo;
    c->y_hi = hi;
    return 0;
}

int
chart_set_currency(struct chart *c, const char *code)
{
    static const struct {
        const char *code, *sym;
    } syms[] = {
        {"USD", "$"},  {"EUR", "€"},  {"GBP", "£"},   {"JPY", "¥"},
        {"CNY", "¥"},  {"INR", "₹"},  {"KRW", "₩"},   {"CHF", "CHF "},
        {"AUD", "A$"}, {"CAD", "C$"}, {"NZD", "NZ$"}, {"BRL", "R$"},
    };
    if (!code || !*code || strlen(code) > 15)
        return -1;
    for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
        if (!strcmp(code, syms[i].code)) {
            strcpy(c->currency, syms[i].sym);
            return 0;
        }
    }
    int iso = strlen(code) == 3;
    for (const char *p = code; *p; p++)
        if (*p < 'A' || *p > 'Z')
            iso = 0;
    if (iso) {
        memcpy(c->currency, code, 3);
        strcpy(c->currency + 3, " ");
    } else {
        snprintf(c->currency, sizeof c->currency, "%s", code);
    }
    return 0;
}

int
chart_set_number_style(struct chart *c, const char *decimal,
                       const char *grouping)
{
    if (!decimal || !grouping || !*decimal || strlen(decimal) > 7 ||
        strlen(grouping) > 7)
        return -1;
    strcpy(c->decimal, decimal);
    strcpy(c->grouping, grouping);
    return 0;
}

void
chart_add_threshold(struct chart *c, double value, const char *label)
{
    grow((void **)&c->thr, &c->capthr, c->nthr + 1, sizeof *c->thr);
    c->thr[c->nthr].value = value;
    c->thr[c->nthr].label = clean_text(label);
    c->nthr++;
}

int
chart_add_band(struct chart *c, double lo, double hi, const char *label,
               const char *color)
{
    struct color col = {0, 0, 0, 0};
    if (color && color_parse(color, &col) != 0)
        return -1;
    grow((void **)&c->bands, &c->capbands, c->nbands + 1, sizeof *c->bands);
    struct band *b = &c->bands[c->nbands++];
    b->lo = lo;
    b->hi = hi;
    b->label = clean_text(label);
    b->color = col;
    b->has_color = color != NULL;
    return 0;
}

void
chart_set_total_label(struct chart *c, const char *label)
{
    set_text(&c->total_label, label);
    c->show_total = 1;
}

void
chart_set_show_total(struct chart *c, int show)
{
    c->show_total = !!show;
}

void
chart_set_first_is_start(struct chart *c, int on)
{
    c->first_is_start = !!on;
}

void
chart_set_share(struct chart *c, double value, const char *label)
{
    c->share = value;
    set_text(&c->share_label, label);
}

void
chart_add_row(struct chart *c, const char *label)
{
    strvec_push(&c->rows, label);
}

void
chart_add_col(struct chart *c, const char *label)
{
    strvec_push(&c->cols, label);
}

static struct cell *
cell_push(struct chart *c, size_t row, size_t col)
{
    grow((void **)&c->cells, &c->capcells, c->ncells + 1, sizeof *c->cells);
    struct cell *cl = &c->cells[c->ncells++];
    cl->row = row;
    cl->col = col;
    cl->v = NAN;
    cl->key = NULL;
    return cl;
}

void
chart_set_cell(struct chart *c, size_t row, size_t col, double value)
{
    cell_push(c, row, col)->v = value;
}

void
chart_set_cell_key(struct chart *c, size_t row, size_t col, const char *key)
{
    cell_push(c, row, col)->key = xstrdup(key ? key : "");
}

int
chart_add_category(struct chart *c, const char *key, const char *label,
                   const char *color)
{
    struct color col = {0, 0, 0, 1};
    if (!key || (color && color_parse(color, &col) != 0))
        return -1;
    for (size_t i = 0; i < c->ncats; i++)
        if (!strcmp(c->cats[i].key, key))
            return -1;
    grow((void **)&c->cats, &c->capcats, c->ncats + 1, sizeof *c->cats);
    struct category *k = &c->cats[c->ncats++];
    k->key = xstrdup(key);
    k->label = clean_text(label ? label : key);
    k->color = col;
    k->has_color = color != NULL;
    return 0;
}

void
chart_set_font(struct chart *c, const char *family)
{
    if (family && *family)
        set_text(&c->theme.font, family);
}

static int
font_size_ok(double s)
{
    return s == 0 || (s >= 4 && s <= 72);
}

int
chart_set_font_sizes(struct chart *c, double title, double subtitle,
                     double label)
{
    if (!font_size_ok(title) || !font_size_ok(subtitle) || !font_size_ok(label))
        return -1;
    if (title)
        c->theme.title_size = title;
    if (subtitle)
        c->theme.subtitle_size = subtitle;
    if (label)
        c->theme.label_size = label;
    return 0;
}

int
chart_set_color(struct chart *c, enum chart_color_role role, const char *color)
{
    struct color col;
    if ((unsigned)role >= CHART_COLOR_ROLE_COUNT ||
        color_parse(color, &col) != 0)
        return -1;
    c->theme.color[role] = col;
    return 0;
}

int
chart_check_color(const char *color)
{
    struct color col;
    return color_parse(color, &col);
}

int
chart_set_palette(struct chart *c, const char *const *colors, size_t n)
{
    if (!colors || n == 0 || n > 64)
        return -1;
    struct color tmp[64];
    for (size_t i = 0; i < n; i++)
        if (color_parse(colors[i], &tmp[i]) != 0)
            return -1;
    free(c->theme.palette);
    c->theme.palette = xmalloc(n * sizeof *tmp);
    memcpy(c->theme.palette, tmp, n * sizeof *tmp);
    c->theme.npalette = n;
    return 0;
}

/* }==================================================================== */

/* {====================================================================
 * Dates: days since 1970-01-01 (Hinnant's civil algorithms)
 * ===================================================================== */

static long
days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void
civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long)yoe + era * 400 + (*m <= 2);
}

static int
date_parse(const char *s, long *days)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    long y = atol(s);
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return -1;
    *days = days_from_civil(y, m, d);
    return 0;
}

/* Whether a line chart's x labels are placed by date. AUTO falls back to
 * categories on anything unparsable or out of order; DATE is checked by
 * chart_validate(), so here it can trust the labels. */
static int
x_is_date(const struct chart *c)
{
    if (c->type != CHART_LINE || c->x_scale == CHART_X_CATEGORY || c->x.n == 0)
        return 0;
    long prev = 0, d;
    for (size_t i = 0; i < c->x.n; i++) {
        if (date_parse(c->x.v[i], &d) != 0 || (i && d < prev))
            return 0;
        prev = d;
    }
    return 1;
}

/* }==================================================================== */

/* {====================================================================
 * Validation
 * ===================================================================== */

static int fail(struct buf *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct buf *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        buf_vprintf(err, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const char *
value_problem(double v)
{
    if (isnan(v))
        return NULL;
    if (isinf(v))
        return "is infinite";
    if (fabs(v) > CHART_MAX_VALUE)
        return "is out of range (more than 1e15)";
    return NULL;
}

static const struct category *
category_find(const struct chart *c, const char *key, size_t *index)
{
    for (size_t i = 0; i < c->ncats; i++) {
        if (!strcmp(c->cats[i].key, key)) {
            if (index)
                *index = i;
            return &c->cats[i];
        }
    }
    return NULL;
}

static int
default_cat_find(const char *key)
{
    for (size_t i = 0; i < NDEFAULT_CATS; i++)
        if (!strcmp(default_cats[i].key, key))
            return (int)i;
    return -1;
}

static int
validate_series(const struct chart *c, struct buf *err)
{
    if (c->nseries > 1000)
        return fail(err, "too many series (%zu, at most 1000)", c->nseries);
    if (c->x.n > 100000)
        return fail(err, "too many x labels (%zu, at most 100000)", c->x.n);
    for (size_t i = 0; i < c->nseries; i++) {
        const struct series *s = &c->series[i];
        for (size_t j = 0; j < s->n; j++) {
            const char *p = value_problem(s->v[j]);
            if (p)
                return fail(err, "series %zu '%s' value %zu %s", i + 1, s->name,
                            j + 1, p);
        }
        if (c->type == CHART_WATERFALL)
            continue;
        if (s->n != c->x.n)
            return fail(err,
                        "series %zu '%s' has %zu values but x has %zu "
                        "labels",
                        i + 1, s->name, s->n, c->x.n);
    }
    return 0;
}

static int
validate_dates(const struct chart *c, struct buf *err)
{
    long prev = 0, d;
    for (size_t i = 0; i < c->x.n; i++) {
        if (date_parse(c->x.v[i], &d) != 0)
            return fail(err, "x label %zu '%s' is not a date (YYYY-MM-DD)",
                        i + 1, c->x.v[i]);
        if (i && d < prev)
            return fail(err, "x dates must increase: '%s' follows '%s'",
                        c->x.v[i], c->x.v[i - 1]);
        prev = d;
    }
    return 0;
}

static int
validate_heatmap(const struct chart *c, struct buf *err)
{
    for (size_t i = 0; i < c->ncells; i++) {
        const struct cell *cl = &c->cells[i];
        if (cl->row >= c->rows.n || cl->col >= c->cols.n)
            return fail(err, "cell (%zu, %zu) is outside the %zu x %zu grid",
                        cl->row + 1, cl->col + 1, c->rows.n, c->cols.n);
        if (!cl->key) {
            const char *p = value_problem(cl->v);
            if (p)
                return fail(err, "cell (%zu, %zu) %s", cl->row + 1, cl->col + 1,
                            p);
            continue;
        }
        int known = c->ncats ? category_find(c, cl->key, NULL) != NULL
                             : default_cat_find(cl->key) >= 0;
        if (!known) {
            const char *cands[64];
            size_t n = 0;
            if (c->ncats)
                for (size_t k = 0; k < c->ncats && n < 64; k++)
                    cands[n++] = c->cats[k].key;
            else
                for (size_t k = 0; k < NDEFAULT_CATS; k++)
                    cands[n++] = default_cats[k].key;
            if (err) {
                buf_printf(err, "cell (%zu, %zu) has unknown category '%s'",
                           cl->row + 1, cl->col + 1, cl->key);
                buf_puts(err, "; known:");
                for (size_t k = 0; k < n; k++)
                    buf_printf(err, "%s '%s'", k ? "," : "", cands[k]);
            }
            return -1;
        }
    }
    return 0;
}

int
chart_validate(const struct chart *c, struct buf *err)
{
    if (!c)
        return fail(err, "no chart");
    if ((unsigned)c->type >= CHART_TYPE_COUNT)
        return fail(err, "unknown chart type %d", (int)c->type);
    if ((unsigned)c->format > CHART_FORMAT_RATIO)
        return fail(err, "unknown y format %d", (int)c->format);
    for (size_t i = 0; i < c->nthr; i++)
        if (!isfinite(c->thr[i].value) ||
            fabs(c->thr[i].value) > CHART_MAX_VALUE)
            return fail(err, "threshold %zu '%s' is not a finite value", i + 1,
                        c->thr[i].label ? c->thr[i].label : "");
    for (size_t i = 0; i < c->nbands; i++) {
        const struct band *b = &c->bands[i];
        if (!isfinite(b->lo) || !isfinite(b->hi) ||
            fabs(b->lo) > CHART_MAX_VALUE || fabs(b->hi) > CHART_MAX_VALUE)
            return fail(err, "band %zu needs finite lo and hi", i + 1);
        if (b->lo > b->hi)
            return fail(err, "band %zu has lo %g above hi %g", i + 1, b->lo,
                        b->hi);
    }
    switch (c->type) {
    case CHART_LINE:
        if (validate_series(c, err) != 0)
            return -1;
        if (c->x_scale == CHART_X_DATE)
            return validate_dates(c, err);
        return 0;
    case CHART_BAR:
    case CHART_HBAR:
        return validate_series(c, err);
    case CHART_WATERFALL: {
        if (c->nseries > 1)
            return fail(err, "a waterfall takes one series of steps, got %zu",
                        c->nseries);
        if (validate_series(c, err) != 0)
            return -1;
        size_t n = c->nseries ? c->series[0].n : 0;
        if (c->x.n != n && c->x.n != n + 1)
            return fail(err,
                        "a waterfall with %zu values needs %zu x labels "
                        "(or %zu with the total's), got %zu",
                        n, n, n + 1, c->x.n);
        return 0;
    }
    case CHART_DONUT:
    case CHART_GAUGE:
        if (!isnan(c->share) && !(c->share >= 0 && c->share <= 1))
            return fail(err, "share %g is outside 0..1", c->share);
        for (size_t i = 0; i < c->nthr; i++)
            if (c->type == CHART_GAUGE &&
                !(c->thr[i].value >= 0 && c->thr[i].value <= 1))
                return fail(err, "gauge threshold %g is outside 0..1",
                            c->thr[i].value);
        return 0;
    case CHART_HEATMAP:
        if (c->rows.n > 2000 || c->cols.n > 2000)
            return fail(err, "heatmap too large (%zu x %zu, at most 2000)",
                        c->rows.n, c->cols.n);
        return validate_heatmap(c, err);
    }
    return fail(err, "unknown chart type %d", (int)c->type);
}

/* }==================================================================== */

/* {====================================================================
 * Numbers: formatting and ticks
 * ===================================================================== */

static const char *const units[] = {"", "k", "M", "B", "T"};

/* Enough for values down to 1e-9 at three significant digits. */
#define MAX_DECIMALS 12

/* Appends |v| with dec decimals, dropping trailing zeros down to min_dec,
 * grouped in thousands. Integer arithmetic keeps the output independent of
 * the C locale (printf would honour LC_NUMERIC). Returns whether the
 * rounded value is zero, so the caller can omit a "-0" sign. */
static int
put_fixed(struct buf *out, const struct chart *c, double v, int dec,
          int min_dec)
{
    static const uint64_t pow10[MAX_DECIMALS + 1] = {
        1,           10,           100,          1000,      10000,
        100000,      1000000,      10000000,     100000000, 1000000000,
        10000000000, 100000000000, 1000000000000};
    double a = fabs(v);
    if (dec < 0)
        dec = 0;
    if (dec > MAX_DECIMALS)
        dec = MAX_DECIMALS;
    while (dec > 0 && a * (double)pow10[dec] > 9e18)
        dec--;
    if (a > 9e18)
        a = 9e18;
    uint64_t n = (uint64_t)llround(a * (double)pow10[dec]);
    uint64_t ip = n / pow10[dec], fp = n % pow10[dec];
    char digits[32];
    int nd = snprintf(digits, sizeof digits, "%llu", (unsigned long long)ip);
    for (int i = 0; i < nd; i++) {
        if (i && (nd - i) % 3 == 0)
            buf_puts(out, c->grouping);
        buf_putc(out, digits[i]);
    }
    char frac[24];
    snprintf(frac, sizeof frac, "%0*llu", dec, (unsigned long long)fp);
    int keep = dec;
    while (keep > min_dec && frac[keep - 1] == '0')
        keep--;
    if (dec > 0 && keep > 0) {
        buf_puts(out, c->decimal);
        buf_add(out, frac, (size_t)keep);
    }
    return n == 0;
}

/* Smallest number of decimals that writes step exactly (0.25 -> 2). */
static int
step_decimals(double step)
{
    for (int d = 0; d < MAX_DECIMALS; d++) {
        double x = step * pow(10, d);
        if (x >= 0.5 && fabs(x - round(x)) < 1e-6 * x)
            return d;
    }
    return MAX_DECIMALS;
}

static int
sig_decimals(double a, int sig)
{
    if (a == 0)
        return 0;
    int d = sig - 1 - (int)floor(log10(a));
    return d < 0 ? 0 : d > MAX_DECIMALS ? MAX_DECIMALS : d;
}

/* One value as written on an axis (step > 0: decimals follow the tick
 * step) or as a data label (step == 0). */
static void
format_short(const struct chart *c, double v, double step, struct buf *out)
{
    if (isnan(v)) {
        buf_puts(out, "n/a");
        return;
    }
    struct buf num;
    buf_init(&num);
    double a = fabs(v);
    int zero;
    const char *prefix = "", *suffix = "";
    switch (c->format) {
    case CHART_FORMAT_PERCENT: {
        double p = a * 100;
        int d = step > 0 ? step_decimals(step * 100) : sig_decimals(p, 3);
        zero = put_fixed(&num, c, p, d, step > 0 ? d : 0);
        suffix = "%";
        break;
    }
    case CHART_FORMAT_RATIO: {
        int d;
        if (step > 0) {
            d = step_decimals(step);
        } else {
            d = a > 0 && a < 0.1 ? sig_decimals(a, 2) : 2;
        }
        zero = put_fixed(&num, c, a, d, d);
        break;
    }
    case CHART_FORMAT_CURRENCY:
        prefix = c->currency;
        /* fall through */
    case CHART_FORMAT_NUMBER:
    default: {
        int u = a >= 1 ? (int)floor(log10(a) / 3) : 0;
        if (u > 4)
            u = 4;
        int d = 0, min_d = 0;
        for (;;) {
            double s = a / pow(1000, u), st = step / pow(1000, u);
            if (step > 0) {
                d = step_decimals(st);
                min_d = u > 0 ? 0 : d;
            } else if (u > 0) {
                d = s < 9.95 ? 1 : 0;
                min_d = 0;
            } else if (c->format == CHART_FORMAT_CURRENCY) {
                d = fabs(s - round(s)) < 1e-9 ? 0 : 2;
                min_d = d;
            } else {
                d = sig_decimals(s, 3);
                min_d = 0;
            }
            if (u < 4 && round(s * pow(10, d)) / pow(10, d) >= 1000) {
                u++;
                continue;
            }
            zero = put_fixed(&num, c, s, d, min_d);
            break;
        }
        suffix = units[u];
        break;
    }
    }
    if (v < 0 && !zero)
        buf_putc(out, '-');
    buf_puts(out, prefix);
    buf_add(out, num.data, num.len);
    buf_puts(out, suffix);
    buf_release(&num);
}

/* The table's form: full digits, grouped. */
static void
format_full(const struct chart *c, double v, struct buf *out)
{
    if (isnan(v)) {
        buf_puts(out, "n/a");
        return;
    }
    struct buf num;
    buf_init(&num);
    double a = fabs(v);
    int zero;
    const char *prefix = "", *suffix = "";
    switch (c->format) {
    case CHART_FORMAT_PERCENT:
        zero = put_fixed(&num, c, a * 100, 2, 0);
        suffix = "%";
        break;
    case CHART_FORMAT_RATIO:
        zero = put_fixed(&num, c, a, 4, 2);
        break;
    case CHART_FORMAT_CURRENCY: {
        /* whole units from 100 up, as the pages show money */
        int d = a >= 100 || fabs(a - round(a)) < 1e-9 ? 0 : 2;
        prefix = c->currency;
        zero = put_fixed(&num, c, a, d, d);
        break;
    }
    case CHART_FORMAT_NUMBER:
    default:
        zero = put_fixed(&num, c, a, 4, 0);
        break;
    }
    if (v < 0 && !zero)
        buf_putc(out, '-');
    buf_puts(out, prefix);
    buf_add(out, num.data, num.len);
    buf_puts(out, suffix);
    buf_release(&num);
}

void
chart_format_value(const struct chart *c, double v, struct buf *out)
{
    format_short(c, v, 0, out);
}

void
chart_format_tick(const struct chart *c, double v, double step, struct buf *out)
{
    format_short(c, v, step > 0 && isfinite(step) ? step : 0, out);
}

/* Heckbert's nicenum, with 2.5 added to the rounding steps; the cut-offs
 * are the geometric midpoints between neighbouring steps. */
static double
nicenum(double x, int round_it)
{
    double e = floor(log10(x));
    double f = x / pow(10, e), nf;
    if (round_it) {
        if (f < 1.4142)
            nf = 1;
        else if (f < 2.2361)
            nf = 2;
        else if (f < 3.5355)
            nf = 2.5;
        else if (f < 7.0711)
            nf = 5;
        else
            nf = 10;
    } else {
        if (f <= 1)
            nf = 1;
        else if (f <= 2)
            nf = 2;
        else if (f <= 5)
            nf = 5;
        else
            nf = 10;
    }
    return nf * pow(10, e);
}

int
chart_nice_ticks(double lo, double hi, int target, double *first, double *step,
                 int *count)
{
    if (!isfinite(lo) || !isfinite(hi) || target < 2)
        return -1;
    if (hi < lo) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (hi == lo) {
        double d = lo == 0 ? 1 : fabs(lo) * 0.1;
        if (lo == 0) {
            hi = 1;
        } else {
            lo -= d;
            hi += d;
        }
    }
    double range = nicenum(hi - lo, 0);
    double d = nicenum(range / (target - 1), 1);
    if (!isfinite(d) || d <= 0)
        return -1;
    double gmin = floor(lo / d + 1e-9) * d;
    double gmax = ceil(hi / d - 1e-9) * d;
    double n = round((gmax - gmin) / d) + 1;
    if (!(n >= 2 && n <= 200))
        return -1;
    *first = gmin;
    *step = d;
    *count = (int)n;
    return 0;
}

/* }==================================================================== */

/* {====================================================================
 * Drawing context, text and legend
 * ===================================================================== */

#define NOWRAP (-1.0)
#define COS45 0.70710678

struct rect {
    double x, y, w, h;
};

enum font_role { F_TITLE, F_SUBTITLE, F_LABEL, F_SMALL, F_BIG, F_COUNT };

struct draw {
    const struct chart *c;
    cairo_t *cr;
    PangoContext *pc;
    PangoFontDescription *fd[F_COUNT];
    double lineh;       /* height of one F_LABEL line */
    struct rect canvas; /* inside the padding */
    struct rect area;   /* what the header and legend left */
    struct buf *svg_text; /* SVG: text goes here as <text>, not glyphs */
    struct svgpen *svg;   /* SVG: shapes go here; else to cr */
};

static struct color
theme_color(const struct draw *d, enum chart_color_role role)
{
    return d->c->theme.color[role];
}

static struct color
series_color(const struct chart *c, size_t i)
{
    return c->theme.palette[i % c->theme.npalette];
}

/* {====================================================================
 * Pen: every shape goes through these. With a cairo context they draw
 * with cairo (PDF pages, PNG tests); for a page's SVG they write the SVG
 * elements themselves, which costs a fraction of cairo's SVG surface
 * (no second pass over its output to renumber ids and move styles into
 * attributes). Coordinates are transformed as cairo would, so both
 * targets place everything at the same spot. */

#define PEN_DEPTH 16

struct pen_state {
    struct color col;
    unsigned gradient; /* fill with gradient <prefix>-N, not col */
    double width;
    double dash[4];
    int ndash;
    cairo_line_cap_t cap;
    cairo_line_join_t join;
    cairo_matrix_t m;
    int groups; /* clip groups opened since the matching save */
};

struct svgpen {
    struct buf *out;
    struct buf path;
    bool has_point;
    size_t move_at; /* where the last 'M' starts in path */
    bool drawn;     /* a segment since that 'M' */
    double px, py; /* current point, device space */
    double sx, sy; /* start of the subpath, for close */
    struct pen_state st, stack[PEN_DEPTH];
    int depth;
    const char *pfx;
    unsigned next_id;
};

static void
svgpen_init(struct svgpen *s, struct buf *out, const char *pfx)
{
    memset(s, 0, sizeof *s);
    s->out = out;
    buf_init(&s->path);
    s->pfx = pfx;
    s->st.col = (struct color){0, 0, 0, 1};
    s->st.width = 2; /* cairo's default */
    s->st.cap = CAIRO_LINE_CAP_BUTT;
    s->st.join = CAIRO_LINE_JOIN_MITER;
    cairo_matrix_init_identity(&s->st.m);
}

static void
svgpen_finish(struct svgpen *s)
{
    for (;;) {
        for (; s->st.groups > 0; s->st.groups--)
            buf_puts(s->out, "</g>\n");
        if (s->depth == 0)
            break;
        s->st = s->stack[--s->depth];
    }
    buf_release(&s->path);
}

/* A coordinate to hundredths with no trailing zeros: "12.5", "-3", "0". */
static void
num2(struct buf *b, double v)
{
    if (!isfinite(v))
        v = 0;
    long long n = llround(v * 100);
    if (n < 0) {
        buf_putc(b, '-');
        n = -n;
    }
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%lld", n / 100);
    buf_add(b, tmp, (size_t)len);
    int frac = (int)(n % 100);
    if (frac) {
        buf_putc(b, '.');
        buf_putc(b, (char)('0' + frac / 10));
        if (frac % 10)
            buf_putc(b, (char)('0' + frac % 10));
    }
}

static void
hex_color(struct buf *b, struct color c)
{
    static const char hx[] = "0123456789abcdef";
    double v[3] = {c.r, c.g, c.b};
    buf_putc(b, '#');
    for (int i = 0; i < 3; i++) {
        int k = (int)lround(fmin(fmax(v[i], 0), 1) * 255);
        buf_putc(b, hx[k >> 4]);
        buf_putc(b, hx[k & 15]);
    }
}

static void
pt(struct buf *b, double x, double y)
{
    num2(b, x);
    buf_putc(b, ' ');
    num2(b, y);
}

static void
pen_set_source_rgba(struct draw *d, double r, double g, double b, double a)
{
    if (!d->svg) {
        cairo_set_source_rgba(d->cr, r, g, b, a);
        return;
    }
    d->svg->st.col = (struct color){r, g, b, a};
    d->svg->st.gradient = 0;
}

static void
set_color(struct draw *d, struct color col)
{
    pen_set_source_rgba(d, col.r, col.g, col.b, col.a);
}

static void
pen_set_line_width(struct draw *d, double w)
{
    if (d->svg)
        d->svg->st.width = w;
    else
        cairo_set_line_width(d->cr, w);
}

static void
pen_set_line_cap(struct draw *d, cairo_line_cap_t cap)
{
    if (d->svg)
        d->svg->st.cap = cap;
    else
        cairo_set_line_cap(d->cr, cap);
}

static void
pen_set_line_join(struct draw *d, cairo_line_join_t join)
{
    if (d->svg)
        d->svg->st.join = join;
    else
        cairo_set_line_join(d->cr, join);
}

static void
pen_set_dash(struct draw *d, const double *dash, int n, double offset)
{
    if (!d->svg) {
        cairo_set_dash(d->cr, dash, n, offset);
        return;
    }
    struct pen_state *st = &d->svg->st;
    st->ndash = n > 4 ? 4 : n;
    for (int i = 0; i < st->ndash; i++)
        st->dash[i] = dash[i];
}

static void
pen_save(struct draw *d)
{
    if (!d->svg) {
        cairo_save(d->cr);
        return;
    }
    struct svgpen *s = d->svg;
    if (s->depth < PEN_DEPTH) {
        s->stack[s->depth++] = s->st;
        s->st.groups = 0;
    }
}

static void
pen_restore(struct draw *d)
{
    if (!d->svg) {
        cairo_restore(d->cr);
        return;
    }
    struct svgpen *s = d->svg;
    for (; s->st.groups > 0; s->st.groups--)
        buf_puts(s->out, "</g>\n");
    if (s->depth > 0)
        s->st = s->stack[--s->depth];
}

static void
pen_translate(struct draw *d, double x, double y)
{
    if (d->svg)
        cairo_matrix_translate(&d->svg->st.m, x, y);
    else
        cairo_translate(d->cr, x, y);
}

static void
pen_rotate(struct draw *d, double a)
{
    if (d->svg)
        cairo_matrix_rotate(&d->svg->st.m, a);
    else
        cairo_rotate(d->cr, a);
}

static void
pen_get_matrix(struct draw *d, cairo_matrix_t *m)
{
    if (d->svg)
        *m = d->svg->st.m;
    else
        cairo_get_matrix(d->cr, m);
}

static void
pen_user_to_device(struct draw *d, double *x, double *y)
{
    if (d->svg)
        cairo_matrix_transform_point(&d->svg->st.m, x, y);
    else
        cairo_user_to_device(d->cr, x, y);
}

static void
pen_device_to_user(struct draw *d, double *x, double *y)
{
    if (!d->svg) {
        cairo_device_to_user(d->cr, x, y);
        return;
    }
    cairo_matrix_t inv = d->svg->st.m;
    if (cairo_matrix_invert(&inv) == CAIRO_STATUS_SUCCESS)
        cairo_matrix_transform_point(&inv, x, y);
}

static void
pen_new_path(struct draw *d)
{
    if (!d->svg) {
        cairo_new_path(d->cr);
        return;
    }
    buf_reset(&d->svg->path);
    d->svg->has_point = false;
}

static void
pen_new_sub_path(struct draw *d)
{
    if (d->svg)
        d->svg->has_point = false;
    else
        cairo_new_sub_path(d->cr);
}

static void
svg_move(struct svgpen *s, double x, double y)
{
    cairo_matrix_transform_point(&s->st.m, &x, &y);
    /* as in cairo, a move with nothing drawn after it leaves no trace */
    if (s->has_point && !s->drawn)
        s->path.data[s->path.len = s->move_at] = '\0';
    s->move_at = s->path.len;
    s->drawn = false;
    if (s->path.len)
        buf_putc(&s->path, ' ');
    buf_putc(&s->path, 'M');
    pt(&s->path, x, y);
    s->px = s->sx = x;
    s->py = s->sy = y;
    s->has_point = true;
}

static void
pen_move_to(struct draw *d, double x, double y)
{
    if (d->svg)
        svg_move(d->svg, x, y);
    else
        cairo_move_to(d->cr, x, y);
}

static void
pen_line_to(struct draw *d, double x, double y)
{
    if (!d->svg) {
        cairo_line_to(d->cr, x, y);
        return;
    }
    struct svgpen *s = d->svg;
    if (!s->has_point) {
        svg_move(s, x, y);
        return;
    }
    cairo_matrix_transform_point(&s->st.m, &x, &y);
    buf_puts(&s->path, " L");
    pt(&s->path, x, y);
    s->drawn = true;
    s->px = x;
    s->py = y;
}

static void
pen_close_path(struct svgpen *s)
{
    buf_puts(&s->path, " Z");
    s->drawn = true;
    s->px = s->sx;
    s->py = s->sy;
}

static void
pen_rectangle(struct draw *d, double x, double y, double w, double h)
{
    if (!d->svg) {
        cairo_rectangle(d->cr, x, y, w, h);
        return;
    }
    struct svgpen *s = d->svg;
    svg_move(s, x, y);
    pen_line_to(d, x + w, y);
    pen_line_to(d, x + w, y + h);
    pen_line_to(d, x, y + h);
    pen_close_path(s);
}

/* cairo_arc as cubic Béziers of at most a quarter turn each. */
static void
pen_arc(struct draw *d, double xc, double yc, double r, double a1, double a2)
{
    if (!d->svg) {
        cairo_arc(d->cr, xc, yc, r, a1, a2);
        return;
    }
    struct svgpen *s = d->svg;
    while (a2 < a1)
        a2 += 2 * M_PI;
    double x0 = xc + r * cos(a1), y0 = yc + r * sin(a1);
    if (s->has_point)
        pen_line_to(d, x0, y0);
    else
        svg_move(s, x0, y0);
    int n = (int)ceil((a2 - a1) / (M_PI / 2) - 1e-9);
    if (n < 1)
        return;
    double step = (a2 - a1) / n, k = 4.0 / 3.0 * tan(step / 4);
    for (int i = 0; i < n; i++) {
        double a = a1 + i * step, b = a + step;
        double ca = cos(a), sa = sin(a), cb = cos(b), sb = sin(b);
        double p[6] = {xc + r * (ca - k * sa), yc + r * (sa + k * ca),
                       xc + r * (cb + k * sb), yc + r * (sb - k * cb),
                       xc + r * cb,            yc + r * sb};
        buf_puts(&s->path, " C");
        s->drawn = true;
        for (int j = 0; j < 6; j += 2) {
            cairo_matrix_transform_point(&s->st.m, &p[j], &p[j + 1]);
            if (j)
                buf_putc(&s->path, ' ');
            pt(&s->path, p[j], p[j + 1]);
        }
        s->px = p[4];
        s->py = p[5];
    }
}

static void
svg_paint_attrs(struct svgpen *s, bool stroke)
{
    struct buf *o = s->out;
    const struct pen_state *st = &s->st;
    if (!stroke && st->gradient) {
        buf_printf(o, " fill=\"url(#%s-%u)\"", s->pfx, st->gradient);
        return;
    }
    buf_puts(o, stroke ? " fill=\"none\" stroke=\"" : " fill=\"");
    hex_color(o, st->col);
    buf_putc(o, '"');
    if (st->col.a < 1) {
        buf_puts(o, stroke ? " stroke-opacity=\"" : " fill-opacity=\"");
        num2(o, fmax(st->col.a, 0));
        buf_putc(o, '"');
    }
    if (!stroke)
        return;
    buf_puts(o, " stroke-width=\"");
    num2(o, st->width);
    buf_putc(o, '"');
    if (st->ndash) {
        buf_puts(o, " stroke-dasharray=\"");
        for (int i = 0; i < st->ndash; i++) {
            if (i)
                buf_putc(o, ' ');
            num2(o, st->dash[i]);
        }
        buf_putc(o, '"');
    }
    if (st->cap == CAIRO_LINE_CAP_ROUND)
        buf_puts(o, " stroke-linecap=\"round\"");
    else if (st->cap == CAIRO_LINE_CAP_SQUARE)
        buf_puts(o, " stroke-linecap=\"square\"");
    if (st->join == CAIRO_LINE_JOIN_ROUND)
        buf_puts(o, " stroke-linejoin=\"round\"");
    else if (st->join == CAIRO_LINE_JOIN_BEVEL)
        buf_puts(o, " stroke-linejoin=\"bevel\"");
}

static void
svg_paint(struct draw *d, bool stroke)
{
    struct svgpen *s = d->svg;
    if (s->has_point && !s->drawn)
        s->path.data[s->path.len = s->move_at] = '\0';
    if (s->path.len) {
        buf_puts(s->out, "<path d=\"");
        buf_add(s->out, s->path.data, s->path.len);
        buf_putc(s->out, '"');
        svg_paint_attrs(s, stroke);
        buf_puts(s->out, "/>\n");
    }
    pen_new_path(d);
}

static void
pen_fill(struct draw *d)
{
    if (d->svg)
        svg_paint(d, false);
    else
        cairo_fill(d->cr);
}

static void
pen_stroke(struct draw *d)
{
    if (d->svg)
        svg_paint(d, true);
    else
        cairo_stroke(d->cr);
}

/* Clips what follows, up to the matching restore, to the current path. */
static void
pen_clip(struct draw *d)
{
    if (!d->svg) {
        cairo_clip(d->cr);
        return;
    }
    struct svgpen *s = d->svg;
    unsigned id = ++s->next_id;
    buf_printf(s->out, "<defs><clipPath id=\"%s-%u\"><path d=\"", s->pfx, id);
    buf_add(s->out, s->path.data, s->path.len);
    buf_printf(s->out, "\"/></clipPath></defs>\n<g clip-path=\"url(#%s-%u)\">\n",
               s->pfx, id);
    s->st.groups++;
    pen_new_path(d);
}

/* Fills rectangle x, y, w, h with a left-to-right gradient of n stops. */
static void
pen_gradient_rect(struct draw *d, double x, double y, double w, double h,
                  const struct color *stops, int n)
{
    if (!d->svg) {
        cairo_pattern_t *pat = cairo_pattern_create_linear(x, 0, x + w, 0);
        for (int i = 0; i < n; i++)
            cairo_pattern_add_color_stop_rgb(pat, i / (double)(n - 1),
                                             stops[i].r, stops[i].g,
                                             stops[i].b);
        cairo_set_source(d->cr, pat);
        cairo_rectangle(d->cr, x, y, w, h);
        cairo_fill(d->cr);
        cairo_pattern_destroy(pat);
        return;
    }
    struct svgpen *s = d->svg;
    unsigned id = ++s->next_id;
    double x0 = x, y0 = 0, x1 = x + w, y1 = 0;
    cairo_matrix_transform_point(&s->st.m, &x0, &y0);
    cairo_matrix_transform_point(&s->st.m, &x1, &y1);
    buf_printf(s->out, "<defs><linearGradient id=\"%s-%u\" "
                       "gradientUnits=\"userSpaceOnUse\" x1=\"", s->pfx, id);
    num2(s->out, x0);
    buf_puts(s->out, "\" y1=\"");
    num2(s->out, y0);
    buf_puts(s->out, "\" x2=\"");
    num2(s->out, x1);
    buf_puts(s->out, "\" y2=\"");
    num2(s->out, y1);
    buf_puts(s->out, "\">");
    for (int i = 0; i < n; i++) {
        buf_printf(s->out, "<stop offset=\"%.3g\" stop-color=\"",
                   i / (double)(n - 1));
        hex_color(s->out, stops[i]);
        buf_puts(s->out, "\"/>");
    }
    buf_puts(s->out, "</linearGradient></defs>\n");
    struct pen_state keep = s->st;
    s->st.gradient = id;
    pen_rectangle(d, x, y, w, h);
    pen_fill(d);
    s->st = keep;
}

/* }==================================================================== */

/* Shaping text with Pango is most of what a chart costs, and charts
 * repeat their texts: tick labels, legends, titles, the "Hg" that sets
 * the line height. Each thread keeps one context and the layouts it made,
 * keyed by font, box and text; layouts are never changed once made. The
 * cache is emptied when it grows past TEXT_CACHE_MAX. */
#define TEXT_CACHE_MAX 4096

struct text_cache {
    PangoContext *pc;
    GHashTable *layouts; /* key (owned) -> PangoLayout (one reference) */
};

static pthread_key_t text_cache_key;
static pthread_once_t text_cache_once = PTHREAD_ONCE_INIT;

static void
text_cache_free(void *p)
{
    struct text_cache *tc = p;
    g_hash_table_destroy(tc->layouts);
    g_object_unref(tc->pc);
    free(tc);
}

static void
text_cache_make_key(void)
{
    pthread_key_create(&text_cache_key, text_cache_free);
}

static struct text_cache *
text_cache(void)
{
    pthread_once(&text_cache_once, text_cache_make_key);
    struct text_cache *tc = pthread_getspecific(text_cache_key);
    if (tc)
        return tc;
    tc = xcalloc(1, sizeof *tc);
    /* A context from the font map, not from a cairo context: the layout
     * must not depend on the target surface or its transformation. */
    tc->pc = pango_font_map_create_context(pango_cairo_font_map_get_default());
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(tc->pc, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(tc->pc, FALSE);
    pango_context_set_language(tc->pc, pango_language_from_string("en"));
    tc->layouts = g_hash_table_new_full(g_str_hash, g_str_equal, free,
                                        g_object_unref);
    pthread_setspecific(text_cache_key, tc);
    return tc;
}

void
chart_thread_release(void)
{
    pthread_once(&text_cache_once, text_cache_make_key);
    struct text_cache *tc = pthread_getspecific(text_cache_key);
    if (tc) {
        pthread_setspecific(text_cache_key, NULL);
        text_cache_free(tc);
    }
}

static PangoLayout *
text_new(struct draw *d, enum font_role f, const char *s, double width,
         int lines, PangoAlignment align)
{
    if (!s)
        s = "";
    const PangoFontDescription *fd = d->fd[f];
    struct buf key;
    buf_init(&key);
    buf_printf(&key, "%s|%d|%d|%d|%d|%d|%d|",
               pango_font_description_get_family(fd),
               pango_font_description_get_size(fd),
               (int)pango_font_description_get_weight(fd),
               width >= 0 ? (int)(fmax(width, 1) * PANGO_SCALE) : -1, lines,
               (int)align, (int)strlen(s));
    buf_puts(&key, s);
    struct text_cache *tc = text_cache();
    PangoLayout *l = g_hash_table_lookup(tc->layouts, key.data);
    if (l) {
        buf_release(&key);
        return g_object_ref(l);
    }
    l = pango_layout_new(tc->pc);
    pango_layout_set_font_description(l, fd);
    /* Alignment stays as asked even for right-to-left paragraphs, so
     * measured widths place the text where expected. */
    pango_layout_set_auto_dir(l, FALSE);
    pango_layout_set_text(l, s, -1);
    if (width >= 0) {
        pango_layout_set_width(l, (int)(fmax(width, 1) * PANGO_SCALE));
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
        if (lines > 1) {
            pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
            pango_layout_set_height(l, -lines);
        }
    }
    pango_layout_set_alignment(l, align);
    if (g_hash_table_size(tc->layouts) >= TEXT_CACHE_MAX)
        g_hash_table_remove_all(tc->layouts);
    g_hash_table_insert(tc->layouts, buf_detach(&key, NULL), g_object_ref(l));
    return l;
}

static void
text_size(PangoLayout *l, double *w, double *h)
{
    PangoRectangle log;
    pango_layout_get_extents(l, NULL, &log);
    if (w)
        *w = log.width / (double)PANGO_SCALE;
    if (h)
        *h = log.height / (double)PANGO_SCALE;
}

static double
text_width(struct draw *d, enum font_role f, const char *s)
{
    PangoLayout *l = text_new(d, f, s, NOWRAP, 1, PANGO_ALIGN_LEFT);
    double w;
    text_size(l, &w, NULL);
    g_object_unref(l);
    return w;
}

/* The longest prefix of s[0..n) that fits width with an ellipsis after
 * it, as Pango shows an ellipsized line. */
static void
svg_ellipsize(struct draw *d, PangoLayout *l, const char *s, size_t n,
              double width, struct buf *out)
{
    PangoLayout *m = pango_layout_new(d->pc);
    pango_layout_set_font_description(m,
                                      pango_layout_get_font_description(l));
    pango_layout_set_auto_dir(m, FALSE);
    size_t lo = 0, hi = n; /* bytes; lo always fits */
    struct buf t;
    buf_init(&t);
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        while (mid > lo && (s[mid] & 0xC0) == 0x80)
            mid--; /* a character boundary */
        if (mid == lo) {
            /* no boundary in (lo, mid]: try the next character */
            mid = lo + 1;
            while (mid < hi && (s[mid] & 0xC0) == 0x80)
                mid++;
        }
        buf_reset(&t);
        buf_add(&t, s, mid);
        buf_puts(&t, "\xe2\x80\xa6");
        pango_layout_set_text(m, t.data, (int)t.len);
        double w;
        text_size(m, &w, NULL);
        if (w <= width + 0.01)
            lo = mid;
        else
            hi = mid - 1;
        while (hi > lo && (s[hi] & 0xC0) == 0x80)
            hi--;
    }
    while (lo > 0 && s[lo - 1] == ' ')
        lo--;
    buf_add(out, s, lo);
    buf_puts(out, "\xe2\x80\xa6");
    buf_release(&t);
    g_object_unref(m);
}

/* Text in an SVG chart is SVG <text>, one element per line: a fraction of
 * the size of glyph outlines, selectable, found by the browser's search
 * and checked by accessibility tools. textLength holds each line to the
 * width Pango measured, so the layout stays right when the reader's
 * browser substitutes another font. */
static void
svg_text_show(struct draw *d, PangoLayout *l, double x, double y,
              struct color col)
{
    struct buf *o = d->svg_text;
    const char *text = pango_layout_get_text(l);
    const PangoFontDescription *fd = pango_layout_get_font_description(l);
    double size = pango_font_description_get_size(fd) / (double)PANGO_SCALE;
    bool bold = pango_font_description_get_weight(fd) >= PANGO_WEIGHT_BOLD;
    cairo_matrix_t mx;
    pen_get_matrix(d, &mx);
    bool plain = mx.xx == 1 && mx.yy == 1 && mx.xy == 0 && mx.yx == 0;
    bool ell = pango_layout_is_ellipsized(l);
    int nlines = pango_layout_get_line_count(l);
    double width = pango_layout_get_width(l) / (double)PANGO_SCALE;
    PangoLayoutIter *it = pango_layout_get_iter(l);
    struct buf s;
    buf_init(&s);
    int li = 0;
    do {
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        PangoRectangle log;
        pango_layout_iter_get_line_extents(it, NULL, &log);
        double lx = x + log.x / (double)PANGO_SCALE;
        double ly = y + pango_layout_iter_get_baseline(it) / (double)PANGO_SCALE;
        double lw = log.width / (double)PANGO_SCALE;
        const char *ls = text + line->start_index;
        size_t n = (size_t)line->length;
        while (n && (ls[n - 1] == ' ' || ls[n - 1] == '\n'))
            n--;
        buf_reset(&s);
        if (ell && li == nlines - 1 && width > 0) {
            size_t rest = strlen(ls);
            while (rest && (ls[rest - 1] == ' ' || ls[rest - 1] == '\n'))
                rest--;
            PangoLayout *m = pango_layout_new(d->pc);
            pango_layout_set_font_description(m, fd);
            pango_layout_set_text(m, ls, (int)rest);
            double full;
            text_size(m, &full, NULL);
            g_object_unref(m);
            if (full > width + 0.01)
                svg_ellipsize(d, l, ls, rest, width, &s);
            else
                buf_add(&s, ls, rest);
        } else {
            buf_add(&s, ls, n);
        }
        li++;
        if (!s.len || lw <= 0)
            continue;
        if (plain) {
            lx += mx.x0;
            ly += mx.y0;
        }
        buf_puts(o, "<text x=\"");
        num2(o, lx);
        buf_puts(o, "\" y=\"");
        num2(o, ly);
        buf_puts(o, "\"");
        if (!plain) {
            buf_puts(o, " transform=\"matrix(");
            double v[6] = {mx.xx, mx.yx, mx.xy, mx.yy, mx.x0, mx.y0};
            for (int k = 0; k < 6; k++) {
                if (k)
                    buf_putc(o, ' ');
                num2(o, v[k]);
            }
            buf_puts(o, ")\"");
        }
        buf_puts(o, " font-size=\"");
        num2(o, size);
        buf_puts(o, "\"");
        if (bold)
            buf_puts(o, " font-weight=\"bold\"");
        buf_puts(o, " fill=\"");
        hex_color(o, col);
        buf_putc(o, '"');
        if (col.a < 1)
            buf_printf(o, " fill-opacity=\"%.2f\"", fmax(col.a, 0));
        buf_puts(o, " textLength=\"");
        num2(o, lw);
        buf_puts(o, "\" lengthAdjust=\"spacingAndGlyphs\">");
        buf_add_html(o, s.data, s.len);
        buf_puts(o, "</text>\n");
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    buf_release(&s);
}

static void
text_show(struct draw *d, PangoLayout *l, double x, double y, struct color col)
{
    if (d->svg_text) {
        svg_text_show(d, l, x, y, col);
        return;
    }
    set_color(d, col);
    pen_move_to(d, x, y);
    pango_cairo_show_layout(d->cr, l);
}

/* Draws s centred on cx with its top at y, at most width wide. */
static void
text_center(struct draw *d, enum font_role f, const char *s, double cx,
            double y, double width, struct color col)
{
    PangoLayout *l = text_new(d, f, s, width, 1, PANGO_ALIGN_LEFT);
    double w;
    text_size(l, &w, NULL);
    text_show(d, l, cx - w / 2, y, col);
    g_object_unref(l);
}

static void
draw_init(struct draw *d, const struct chart *c, cairo_t *cr, double x,
          double y, double w, double h)
{
    memset(d, 0, sizeof *d);
    d->c = c;
    d->cr = cr;
    d->pc = g_object_ref(text_cache()->pc);
    const struct theme *t = &c->theme;
    double sizes[F_COUNT] = {t->title_size, t->subtitle_size, t->label_size,
                             t->label_size * 0.9, t->title_size * 1.6};
    for (int i = 0; i < F_COUNT; i++) {
        PangoFontDescription *fd = pango_font_description_new();
        pango_font_description_set_family(fd, t->font);
        pango_font_description_set_absolute_size(fd, sizes[i] * PANGO_SCALE);
        if (i == F_TITLE || i == F_BIG)
            pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
        d->fd[i] = fd;
    }
    PangoLayout *l = text_new(d, F_LABEL, "Hg", NOWRAP, 1, PANGO_ALIGN_LEFT);
    text_size(l, NULL, &d->lineh);
    g_object_unref(l);
    if (d->lineh <= 0)
        d->lineh = t->label_size * 1.2;
    d->canvas = (struct rect){x + PAD, y + PAD, w - 2 * PAD, h - 2 * PAD};
    d->area = d->canvas;
}

static void
draw_release(struct draw *d)
{
    for (int i = 0; i < F_COUNT; i++)
        pango_font_description_free(d->fd[i]);
    g_object_unref(d->pc);
}

/* Places a block of text at the top of the area and takes its height,
 * never more than max_h. */
static void
take_text(struct draw *d, enum font_role f, const char *s, int lines,
          enum chart_color_role col, double max_h, double after)
{
    if (!s || !*s || max_h <= 0)
        return;
    PangoLayout *l = text_new(d, f, s, d->area.w, lines, PANGO_ALIGN_LEFT);
    double h;
    text_size(l, NULL, &h);
    while (h > max_h && lines > 1) {
        g_object_unref(l);
        l = text_new(d, f, s, d->area.w, --lines, PANGO_ALIGN_LEFT);
        text_size(l, NULL, &h);
    }
    if (h <= max_h) {
        text_show(d, l, d->area.x, d->area.y, theme_color(d, col));
        d->area.y += h + after;
        d->area.h -= h + after;
    }
    g_object_unref(l);
}

static void
draw_header(struct draw *d)
{
    /* The header may take at most a third of the canvas so the plot
     * keeps room on small canvases. */
    double budget = d->canvas.h / 3, y0 = d->area.y;
    take_text(d, F_TITLE, d->c->title, 2, CHART_COLOR_TEXT, budget, 2);
    take_text(d, F_SUBTITLE, d->c->subtitle, 2, CHART_COLOR_MUTED,
              budget - (d->area.y - y0), 2);
    if (d->area.y > y0) {
        d->area.y += 6;
        d->area.h -= 6;
    }
}

enum swatch { SW_BOX, SW_LINE };

struct legend_item {
    const char *label;
    struct color color;
    enum swatch kind;
    int dash;
};

static void
set_dash(struct draw *d, int dash)
{
    static const double dashed[] = {6, 3}, dotted[] = {1, 3},
                        dashdot[] = {6, 3, 1, 3};
    switch (dash % 4) {
    case 1:
        pen_set_dash(d, dashed, 2, 0);
        break;
    case 2:
        pen_set_dash(d, dotted, 2, 0);
        break;
    case 3:
        pen_set_dash(d, dashdot, 4, 0);
        break;
    default:
        pen_set_dash(d, NULL, 0, 0);
    }
}

static void
draw_swatch(struct draw *d, const struct legend_item *it, double x, double y,
            double h)
{
    set_color(d, it->color);
    if (it->kind == SW_LINE) {
        pen_save(d);
        pen_set_line_width(d, 2);
        pen_set_line_cap(d, CAIRO_LINE_CAP_ROUND);
        set_dash(d, it->dash);
        pen_move_to(d, x + 1, y + h / 2);
        pen_line_to(d, x + 15, y + h / 2);
        pen_stroke(d);
        pen_restore(d);
    } else {
        pen_rectangle(d, x + 1, y + h / 2 - 5, 10, 10);
        pen_fill(d);
        /* A near-white swatch would vanish on a light page. */
        if (color_luma(it->color) > 0.8 || it->color.a < 0.3) {
            struct color edge = theme_color(d, CHART_COLOR_AXIS);
            set_color(d, edge);
            pen_set_line_width(d, 0.75);
            pen_rectangle(d, x + 1.375, y + h / 2 - 4.625, 9.25, 9.25);
            pen_stroke(d);
        }
    }
}

/* Flows the items left to right in at most max_rows rows; what does not
 * fit is summarised as "+N more". Draws when draw is set; returns the
 * height used either way. */
static double
legend_flow(struct draw *d, const struct legend_item *items, size_t n,
            int max_rows, int draw)
{
    const double sw = 16, sgap = 5, igap = 14, rowh = d->lineh + 4;
    double maxw = fmin(180, d->area.w * 0.5), x = 0, w = d->area.w;
    size_t cnt = n ? n : 1;
    double *iw = xmalloc(cnt * sizeof *iw), *ix = xmalloc(cnt * sizeof *ix);
    int *irow = xmalloc(cnt * sizeof *irow);
    int row = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        iw[i] = sw + sgap + fmin(text_width(d, F_LABEL, items[i].label), maxw);
        if (x > 0 && x + iw[i] > w) {
            if (row + 1 >= max_rows)
                break;
            row++;
            x = 0;
        }
        ix[i] = x;
        irow[i] = row;
        x += iw[i] + igap;
    }
    size_t shown = i;
    char more[48] = "";
    double mx = 0;
    if (shown < n) {
        /* Give back items of the last row until "+N more" fits. */
        for (;;) {
            snprintf(more, sizeof more, "+%zu more", n - shown);
            int on_row = shown > 0 && irow[shown - 1] == row;
            mx = on_row ? ix[shown - 1] + iw[shown - 1] + igap : 0;
            if (!on_row || mx + text_width(d, F_LABEL, more) <= w)
                break;
            shown--;
        }
    }
    if (draw) {
        for (i = 0; i < shown; i++) {
            double bx = d->area.x + ix[i], by = d->area.y + irow[i] * rowh;
            draw_swatch(d, &items[i], bx, by, d->lineh);
            PangoLayout *l =
                text_new(d, F_LABEL, items[i].label, maxw, 1, PANGO_ALIGN_LEFT);
            text_show(d, l, bx + sw + sgap, by,
                      theme_color(d, CHART_COLOR_TEXT));
            g_object_unref(l);
        }
        if (shown < n) {
            PangoLayout *l =
                text_new(d, F_LABEL, more, NOWRAP, 1, PANGO_ALIGN_LEFT);
            text_show(d, l, d->area.x + mx, d->area.y + row * rowh,
                      theme_color(d, CHART_COLOR_MUTED));
            g_object_unref(l);
        }
    }
    free(iw);
    free(ix);
    free(irow);
    return n ? (row + 1) * rowh : 0;
}

static void
take_legend(struct draw *d, const struct legend_item *items, size_t n)
{
    if (n == 0)
        return;
    int rows = d->canvas.h >= 400 ? 3 : 2;
    double h = legend_flow(d, items, n, rows, 0);
    while (h > d->canvas.h / 4 && rows > 1)
        h = legend_flow(d, items, n, --rows, 0);
    if (h > d->canvas.h / 4)
        return;
    legend_flow(d, items, n, rows, 1);
    d->area.y += h + 6;
    d->area.h -= h + 6;
}

static void
draw_no_data(struct draw *d)
{
    struct rect a = d->area;
    if (a.h < d->lineh)
        return;
    text_center(d, F_LABEL, "No data", a.x + a.w / 2,
                a.y + a.h / 2 - d->lineh / 2, a.w,
                theme_color(d, CHART_COLOR_MUTED));
}

/* }==================================================================== */

/* {====================================================================
 * Axes
 * ===================================================================== */

struct vaxis {
    double lo, hi;      /* the domain shown */
    double first, step; /* ticks: first + i * step, i < n */
    int n;
};

static void
vaxis_fit(const struct chart *c, double lo, double hi, double length,
          double spacing, struct vaxis *a)
{
    int fix_lo = !isnan(c->y_lo), fix_hi = !isnan(c->y_hi);
    if (fix_lo)
        lo = c->y_lo;
    if (fix_hi)
        hi = c->y_hi;
    if (lo > hi) {
        /* One fixed end lies beyond all the data. */
        if (fix_lo)
            hi = lo + 1;
        else
            lo = hi - 1;
    }
    double t = length / spacing + 1;
    int target = t < 2 ? 2 : t > 11 ? 11 : (int)t;
    if (chart_nice_ticks(lo, hi, target, &a->first, &a->step, &a->n) != 0) {
        a->first = lo;
        a->step = hi > lo ? hi - lo : 1;
        a->n = 2;
    }
    a->lo = fix_lo ? lo : fmin(lo, a->first);
    a->hi = fix_hi ? hi : a->first + (a->n - 1) * a->step;
    if (!(a->hi > a->lo))
        a->hi = a->lo + 1;
}

/* As vaxis_fit, but keeps head points free beyond the data at either end
 * for value labels. */
static void
vaxis_fit_head(const struct chart *c, double lo, double hi, double length,
               double spacing, double head, struct vaxis *a)
{
    vaxis_fit(c, lo, hi, length, spacing, a);
    if (head <= 0 || length <= 0)
        return;
    double per = length / (a->hi - a->lo);
    int again = 0;
    if (isnan(c->y_hi) && hi > 0 && (a->hi - hi) * per < head) {
        hi += head / per;
        again = 1;
    }
    if (isnan(c->y_lo) && lo < 0 && (lo - a->lo) * per < head) {
        lo -= head / per;
        again = 1;
    }
    if (again)
        vaxis_fit(c, lo, hi, length, spacing, a);
}

static int
vaxis_tick(const struct vaxis *a, int i, double *v)
{
    double t = a->first + i * a->step;
    if (fabs(t) < a->step * 1e-9)
        t = 0;
    double eps = (a->hi - a->lo) * 1e-9;
    if (t < a->lo - eps || t > a->hi + eps)
        return 0;
    *v = t;
    return 1;
}

/* Position of v along an axis starting at p0 of the given length; kept
 * within a margin of the axis so cairo never sees huge coordinates. */
static double
vaxis_map(const struct vaxis *a, double v, double p0, double len)
{
    double t = (v - a->lo) / (a->hi - a->lo);
    if (t < -1)
        t = -1;
    if (t > 2)
        t = 2;
    return p0 + t * len;
}

static void
tick_label(const struct chart *c, const struct vaxis *a, double v,
           struct buf *out)
{
    buf_reset(out);
    format_short(c, v, a->step, out);
}

static double
vaxis_label_width(struct draw *d, const struct vaxis *a)
{
    struct buf b;
    buf_init(&b);
    double w = 0, v;
    for (int i = 0; i < a->n; i++) {
        if (!vaxis_tick(a, i, &v))
            continue;
        tick_label(d->c, a, v, &b);
        w = fmax(w, text_width(d, F_LABEL, b.data));
    }
    buf_release(&b);
    return w;
}

/* Half-pixel alignment in device space so one-point rules stay crisp on
 * image surfaces; harmless on vector ones. */
static double
snap(struct draw *d, double v, int vertical)
{
    double x = v, y = v;
    pen_user_to_device(d, &x, &y);
    if (vertical)
        x = floor(x) + 0.5;
    else
        y = floor(y) + 0.5;
    pen_device_to_user(d, &x, &y);
    return vertical ? x : y;
}

static void
rule(struct draw *d, double x0, double y0, double x1, double y1,
     struct color col, double width)
{
    if (y0 == y1)
        y0 = y1 = snap(d, y0, 0);
    else if (x0 == x1)
        x0 = x1 = snap(d, x0, 1);
    set_color(d, col);
    pen_set_line_width(d, width);
    pen_move_to(d, x0, y0);
    pen_line_to(d, x1, y1);
    pen_stroke(d);
}

enum xl_mode { XL_H, XL_WRAP, XL_ROT };

/* A chart with a value axis and a category or date axis. */
struct cart {
    struct rect plot;
    struct vaxis y;
    int horizontal; /* hbar: categories down the left */
    char *const *labels;
    size_t n;
    double *natw; /* natural width of each label */
    enum xl_mode mode;
    size_t every; /* label every nth category */
    double lim;   /* width (XL_H, XL_WRAP) or length (XL_ROT) limit */
    int lines;    /* XL_WRAP and hbar labels */
    double xh;    /* height taken by the x labels */
    int dates;
    long *days;
    double dlo, dhi;
    size_t nticks;
    long *tick_days;
    char **tick_labels;
};

static void
cart_init(struct draw *d, struct cart *k, char *const *labels, size_t n)
{
    memset(k, 0, sizeof *k);
    k->labels = labels;
    k->n = n;
    k->every = 1;
    k->lines = 1;
    k->natw = xmalloc((n ? n : 1) * sizeof *k->natw);
    for (size_t i = 0; i < n; i++)
        k->natw[i] = text_width(d, F_LABEL, labels[i]);
}

static void
cart_clear_ticks(struct cart *k)
{
    for (size_t i = 0; i < k->nticks; i++)
        free(k->tick_labels[i]);
    free(k->tick_labels);
    free(k->tick_days);
    k->tick_labels = NULL;
    k->tick_days = NULL;
    k->nticks = 0;
}

static void
cart_release(struct cart *k)
{
    cart_clear_ticks(k);
    free(k->natw);
    free(k->days);
}

static size_t
ceil_count(double v, size_t max)
{
    if (!(v >= 1))
        return 1;
    if (v >= (double)max)
        return max ? max : 1;
    return (size_t)ceil(v);
}

/* Chooses how category labels under bands bw wide are written: one line,
 * wrapped to three lines, or rotated by 45 degrees; thinned to every nth
 * label when even that would overlap. */
static void
cat_plan(struct draw *d, struct cart *k, double bw)
{
    double maxw = 0;
    for (size_t i = 0; i < k->n; i++)
        maxw = fmax(maxw, k->natw[i]);
    k->every = 1;
    k->lines = 1;
    if (maxw + GAP <= bw) {
        k->mode = XL_H;
        k->lim = bw - GAP;
        k->xh = d->lineh;
    } else if (bw >= 44) {
        k->mode = XL_WRAP;
        k->lim = bw - GAP;
        k->lines = 3;
        k->xh = d->lineh;
        for (size_t i = 0; i < k->n; i++) {
            if (k->natw[i] <= k->lim)
                continue;
            PangoLayout *l = text_new(d, F_LABEL, k->labels[i], k->lim, 3,
                                      PANGO_ALIGN_CENTER);
            double h;
            text_size(l, NULL, &h);
            g_object_unref(l);
            k->xh = fmax(k->xh, h);
        }
    } else if (maxw <= 64) {
        k->mode = XL_H;
        k->every = ceil_count((maxw + GAP) / bw, k->n);
        k->lim = k->every * bw - GAP;
        k->xh = d->lineh;
    } else {
        k->mode = XL_ROT;
        k->every = ceil_count(d->lineh * 1.5 / bw, k->n);
        double cap = fmax(40, fmin(160, d->canvas.h * 0.3 / COS45));
        k->lim = fmin(maxw, cap);
        k->xh = (k->lim + d->lineh) * COS45 + 2;
    }
}

static const char *const month_abbr[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};

enum date_unit { DU_DAY, DU_MONTH, DU_YEAR };

/* Ticks every k units from lo to hi, at most max; labels are made only
 * when labels is not NULL. Returns the count, or max + 1 if too many. */
static size_t
date_ticks(enum date_unit u, int k, long lo, long hi, long *days, char **labels,
           size_t max)
{
    size_t n = 0;
    long y;
    unsigned m, dd;
    civil_from_days(lo, &y, &m, &dd);
    long t;
    if (u == DU_DAY) {
        /* Weeks start on Monday; 1970-01-01 was a Thursday. */
        t = lo;
        if (k == 7)
            while (((t % 7) + 7 + 3) % 7 != 0)
                t++;
    } else {
        long mi = y * 12 + (long)(m - 1);
        if (dd != 1)
            mi++;
        long step = u == DU_YEAR ? 12L * k : k;
        while (((mi % step) + step) % step != 0)
            mi++;
        t = days_from_civil(mi >= 0 ? mi / 12 : (mi - 11) / 12,
                            (unsigned)(((mi % 12) + 12) % 12) + 1, 1);
    }
    while (t <= hi) {
        if (n >= max)
            return max + 1;
        civil_from_days(t, &y, &m, &dd);
        if (days)
            days[n] = t;
        if (labels) {
            if (u == DU_DAY)
                labels[n] = xasprintf("%04ld-%02u-%02u", y, m, dd);
            else if (u == DU_YEAR)
                labels[n] = xasprintf("%ld", y);
            else if (k == 3)
                labels[n] = xasprintf("Q%u %ld", (m - 1) / 3 + 1, y);
            else if (k == 6)
                labels[n] = xasprintf("H%u %ld", (m - 1) / 6 + 1, y);
            else
                labels[n] = xasprintf("%s %ld", month_abbr[m - 1], y);
        }
        n++;
        if (u == DU_DAY) {
            t += k;
        } else {
            long add = u == DU_YEAR ? 12L * k : k;
            long mi = y * 12 + (long)(m - 1) + add;
            t = days_from_civil(mi / 12, (unsigned)(mi % 12) + 1, 1);
        }
    }
    return n;
}

#define DATE_INSET 8.0

static double
date_x(const struct cart *k, double day)
{
    double w = k->plot.w - 2 * DATE_INSET;
    return k->plot.x + DATE_INSET + (day - k->dlo) / (k->dhi - k->dlo) * w;
}

/* Picks the finest of day, week, month, quarter, half-year and 1-100
 * years whose labels do not overlap at the plot's width. */
static void
date_plan(struct draw *d, struct cart *k)
{
    static const struct {
        enum date_unit u;
        int k;
    } cands[] = {
        {DU_DAY, 1},    {DU_DAY, 7},     {DU_MONTH, 1}, {DU_MONTH, 3},
        {DU_MONTH, 6},  {DU_YEAR, 1},    {DU_YEAR, 2},  {DU_YEAR, 5},
        {DU_YEAR, 10},  {DU_YEAR, 25},   {DU_YEAR, 50}, {DU_YEAR, 100},
        {DU_YEAR, 250}, {DU_YEAR, 1000},
    };
    const size_t max = 60;
    cart_clear_ticks(k);
    k->xh = d->lineh;
    long lo = k->days[0], hi = k->days[k->n - 1];
    k->dlo = (double)lo;
    k->dhi = (double)hi;
    if (lo == hi) {
        k->dlo -= 1;
        k->dhi += 1;
        k->nticks = 1;
        k->tick_days = xmalloc(sizeof *k->tick_days);
        k->tick_labels = xmalloc(sizeof *k->tick_labels);
        k->tick_days[0] = lo;
        k->tick_labels[0] = xstrdup(k->labels[0]);
        return;
    }
    double per = (k->plot.w - 2 * DATE_INSET) / (k->dhi - k->dlo);
    for (size_t c = 0; c < sizeof cands / sizeof cands[0]; c++) {
        size_t n = date_ticks(cands[c].u, cands[c].k, lo, hi, NULL, NULL, max);
        if (n > max || n == 0)
            continue;
        long *days = xmalloc(n * sizeof *days);
        char **labels = xmalloc(n * sizeof *labels);
        date_ticks(cands[c].u, cands[c].k, lo, hi, days, labels, max);
        double maxw = 0, minsp = INFINITY;
        for (size_t i = 0; i < n; i++) {
            maxw = fmax(maxw, text_width(d, F_LABEL, labels[i]));
            if (i)
                minsp = fmin(minsp, (double)(days[i] - days[i - 1]) * per);
        }
        if (n == 1 || minsp >= maxw + 12 ||
            c + 1 == sizeof cands / sizeof cands[0]) {
            k->nticks = n;
            k->tick_days = days;
            k->tick_labels = labels;
            return;
        }
        for (size_t i = 0; i < n; i++)
            free(labels[i]);
        free(labels);
        free(days);
    }
    /* Nothing fits (a very narrow plot): label the first date only. */
    k->nticks = 1;
    k->tick_days = xmalloc(sizeof *k->tick_days);
    k->tick_labels = xmalloc(sizeof *k->tick_labels);
    k->tick_days[0] = lo;
    k->tick_labels[0] = xstrdup(k->labels[0]);
}

/* Lays out a vertical value axis with categories or dates along the
 * bottom. The tick count depends on the plot height, the plot width on
 * the tick labels, and the height of the x labels on the plot width, so
 * this iterates until the x label height settles. */
static void
cart_layout(struct draw *d, struct cart *k, double lo, double hi, double head)
{
    struct rect a = d->area;
    k->xh = d->lineh;
    for (int it = 0; it < 4; it++) {
        double top = a.y + d->lineh / 2;
        double ph = a.y + a.h - (k->xh + GAP) - top;
        vaxis_fit_head(d->c, lo, hi, ph, 44, head, &k->y);
        double labw = vaxis_label_width(d, &k->y);
        k->plot = (struct rect){a.x + labw + GAP, top, a.w - labw - GAP, ph};
        double prev = k->xh;
        if (k->dates)
            date_plan(d, k);
        else if (k->n)
            cat_plan(d, k, k->plot.w / k->n);
        if (k->xh == prev)
            break;
    }
}

static int
plot_too_small(const struct cart *k)
{
    return !(k->plot.w >= 16 && k->plot.h >= 16);
}

static double
cat_center(const struct cart *k, size_t i)
{
    if (k->horizontal)
        return k->plot.y + (i + 0.5) * k->plot.h / k->n;
    return k->plot.x + (i + 0.5) * k->plot.w / k->n;
}

static double
cart_value_pos(const struct cart *k, double v)
{
    if (k->horizontal)
        return vaxis_map(&k->y, v, k->plot.x, k->plot.w);
    return k->plot.y + k->plot.h - vaxis_map(&k->y, v, 0, k->plot.h);
}

/* Grid, tick labels and zero line of the value axis. */
static void
draw_value_axis(struct draw *d, const struct cart *k)
{
    struct buf b;
    buf_init(&b);
    struct color grid = theme_color(d, CHART_COLOR_GRID);
    struct color muted = theme_color(d, CHART_COLOR_MUTED);
    const struct rect *p = &k->plot;
    double v;
    for (int i = 0; i < k->y.n; i++) {
        if (!vaxis_tick(&k->y, i, &v))
            continue;
        double pos = cart_value_pos(k, v);
        tick_label(d->c, &k->y, v, &b);
        PangoLayout *l =
            text_new(d, F_LABEL, b.data, NOWRAP, 1, PANGO_ALIGN_LEFT);
        double w, h;
        text_size(l, &w, &h);
        if (k->horizontal) {
            rule(d, pos, p->y, pos, p->y + p->h, grid, 1);
            double lx = pos - w / 2;
            lx = fmax(d->canvas.x, fmin(lx, d->canvas.x + d->canvas.w - w));
            text_show(d, l, lx, p->y + p->h + GAP, muted);
        } else {
            rule(d, p->x, pos, p->x + p->w, pos, grid, 1);
            text_show(d, l, p->x - GAP - w, pos - h / 2, muted);
        }
        g_object_unref(l);
    }
    if (k->y.lo < 0 && k->y.hi > 0) {
        double z = cart_value_pos(k, 0);
        struct color axis = theme_color(d, CHART_COLOR_AXIS);
        if (k->horizontal)
            rule(d, z, p->y, z, p->y + p->h, axis, 1);
        else
            rule(d, p->x, z, p->x + p->w, z, axis, 1);
    }
    buf_release(&b);
}

/* Category labels under a vertical chart, as planned by cat_plan(). */
static void
draw_cat_labels(struct draw *d, const struct cart *k)
{
    struct color col = theme_color(d, CHART_COLOR_MUTED);
    double y0 = k->plot.y + k->plot.h + GAP;
    for (size_t i = 0; i < k->n; i += k->every) {
        double cx = cat_center(k, i);
        if (k->mode == XL_H) {
            text_center(d, F_LABEL, k->labels[i], cx, y0, k->lim, col);
        } else if (k->mode == XL_WRAP) {
            PangoLayout *l = text_new(d, F_LABEL, k->labels[i], k->lim, 3,
                                      PANGO_ALIGN_CENTER);
            text_show(d, l, cx - k->lim / 2, y0, col);
            g_object_unref(l);
        } else {
            /* The label may not run past the canvas's left edge. */
            double room = (cx - d->canvas.x) / COS45 - d->lineh * 0.5;
            double lim = fmin(k->lim, room);
            if (lim < 8)
                continue;
            PangoLayout *l =
                text_new(d, F_LABEL, k->labels[i], lim, 1, PANGO_ALIGN_LEFT);
            double w, h;
            text_size(l, &w, &h);
            pen_save(d);
            pen_translate(d, cx, y0 + h * COS45 / 2);
            pen_rotate(d, -M_PI / 4);
            text_show(d, l, -w, -h / 2, col);
            pen_restore(d);
            g_object_unref(l);
        }
    }
}

static void
draw_date_labels(struct draw *d, const struct cart *k)
{
    struct color col = theme_color(d, CHART_COLOR_MUTED);
    struct color grid = theme_color(d, CHART_COLOR_GRID);
    double y0 = k->plot.y + k->plot.h;
    for (size_t i = 0; i < k->nticks; i++) {
        double x = date_x(k, (double)k->tick_days[i]);
        rule(d, x, y0, x, y0 + 4, grid, 1);
        PangoLayout *l = text_new(d, F_LABEL, k->tick_labels[i], NOWRAP, 1,
                                  PANGO_ALIGN_LEFT);
        double w;
        text_size(l, &w, NULL);
        double lx =
            fmax(d->canvas.x, fmin(x - w / 2, d->canvas.x + d->canvas.w - w));
        text_show(d, l, lx, y0 + GAP, col);
        g_object_unref(l);
    }
}

static void
clip_plot(struct draw *d, const struct cart *k, double margin)
{
    pen_rectangle(d, k->plot.x - margin, k->plot.y - margin,
                    k->plot.w + 2 * margin, k->plot.h + 2 * margin);
    pen_clip(d);
}

/* }==================================================================== */

/* {====================================================================
 * Line, bar, hbar and waterfall
 * ===================================================================== */

static int
rect_overlap(struct rect a, struct rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h &&
           b.y < a.y + a.h;
}

/* Puts a small label beside the horizontal line at y: right end above,
 * right end below, then the left end, avoiding the labels already
 * placed. Skips it when no place is free. */
static void
place_line_label(struct draw *d, const struct rect *p, struct rect *placed,
                 size_t *nplaced, const char *s, double y, struct color col)
{
    if (!s || !*s)
        return;
    PangoLayout *l = text_new(d, F_SMALL, s, p->w * 0.45, 1, PANGO_ALIGN_LEFT);
    double w, h;
    text_size(l, &w, &h);
    double xs[2] = {p->x + p->w - w - 4, p->x + 4};
    double ys[2] = {y - h - 1, y + 1};
    for (int i = 0; i < 4; i++) {
        struct rect r = {xs[i / 2], ys[i % 2], w, h};
        if (r.y < p->y || r.y + r.h > p->y + p->h)
            continue;
        int clash = 0;
        for (size_t j = 0; j < *nplaced; j++)
            clash |= rect_overlap(r, placed[j]);
        if (clash)
            continue;
        placed[(*nplaced)++] = r;
        text_show(d, l, r.x, r.y, col);
        break;
    }
    g_object_unref(l);
}

/* A band's label goes inside its top left corner when the band is tall
 * enough and the corner is free, else beside its upper edge. */
static void
place_band_label(struct draw *d, const struct rect *p, struct rect *placed,
                 size_t *nplaced, const char *s, double y_hi, double y_lo)
{
    if (!s || !*s)
        return;
    struct color col = theme_color(d, CHART_COLOR_MUTED);
    PangoLayout *l = text_new(d, F_SMALL, s, p->w * 0.45, 1, PANGO_ALIGN_LEFT);
    double w, h;
    text_size(l, &w, &h);
    struct rect r = {p->x + 4, fmax(y_hi, p->y) + 2, w, h};
    int ok = r.y + h <= fmin(y_lo, p->y + p->h) - 1;
    for (size_t j = 0; ok && j < *nplaced; j++)
        ok = !rect_overlap(r, placed[j]);
    if (ok) {
        placed[(*nplaced)++] = r;
        text_show(d, l, r.x, r.y, col);
    } else if (y_hi >= p->y && y_hi <= p->y + p->h) {
        place_line_label(d, p, placed, nplaced, s, y_hi, col);
    }
    g_object_unref(l);
}

static int
series_has_data(const struct chart *c)
{
    for (size_t i = 0; i < c->nseries; i++)
        for (size_t j = 0; j < c->series[i].n; j++)
            if (!isnan(c->series[i].v[j]))
                return 1;
    return 0;
}

static void
series_legend(struct draw *d, enum swatch kind)
{
    const struct chart *c = d->c;
    if (c->nseries < 2)
        return;
    struct legend_item *items = xmalloc(c->nseries * sizeof *items);
    for (size_t i = 0; i < c->nseries; i++) {
        items[i] = (struct legend_item){c->series[i].name, series_color(c, i),
                                        kind, (int)(i / c->theme.npalette)};
    }
    take_legend(d, items, c->nseries);
    free(items);
}

static double
line_x(const struct cart *k, size_t i)
{
    if (k->dates)
        return date_x(k, (double)k->days[i]);
    return cat_center(k, i);
}

static void
draw_line(struct draw *d)
{
    const struct chart *c = d->c;
    series_legend(d, SW_LINE);
    if (!series_has_data(c) || c->x.n == 0) {
        draw_no_data(d);
        return;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < c->nseries; i++)
        for (size_t j = 0; j < c->series[i].n; j++)
            if (!isnan(c->series[i].v[j])) {
                lo = fmin(lo, c->series[i].v[j]);
                hi = fmax(hi, c->series[i].v[j]);
            }
    for (size_t i = 0; i < c->nthr; i++) {
        lo = fmin(lo, c->thr[i].value);
        hi = fmax(hi, c->thr[i].value);
    }
    for (size_t i = 0; i < c->nbands; i++) {
        lo = fmin(lo, c->bands[i].lo);
        hi = fmax(hi, c->bands[i].hi);
    }
    struct cart k;
    cart_init(d, &k, c->x.v, c->x.n);
    if (x_is_date(c)) {
        k.dates = 1;
        k.days = xmalloc(c->x.n * sizeof *k.days);
        for (size_t i = 0; i < c->x.n; i++)
            date_parse(c->x.v[i], &k.days[i]);
    }
    cart_layout(d, &k, lo, hi, 0);
    if (plot_too_small(&k))
        goto out;
    const struct rect *p = &k.plot;
    for (size_t i = 0; i < c->nbands; i++) {
        const struct band *b = &c->bands[i];
        double y0 = cart_value_pos(&k, b->hi), y1 = cart_value_pos(&k, b->lo);
        y0 = fmax(y0, p->y);
        y1 = fmin(y1, p->y + p->h);
        if (y1 <= y0)
            continue;
        set_color(d,
                  b->has_color ? b->color : theme_color(d, CHART_COLOR_BAND));
        pen_rectangle(d, p->x, y0, p->w, y1 - y0);
        pen_fill(d);
    }
    draw_value_axis(d, &k);
    if (k.dates)
        draw_date_labels(d, &k);
    else
        draw_cat_labels(d, &k);
    struct color thc = theme_color(d, CHART_COLOR_THRESHOLD);
    for (size_t i = 0; i < c->nthr; i++) {
        double y = cart_value_pos(&k, c->thr[i].value);
        if (y < p->y - 0.5 || y > p->y + p->h + 0.5)
            continue;
        static const double dash[] = {4, 3};
        pen_save(d);
        pen_set_dash(d, dash, 2, 0);
        rule(d, p->x, y, p->x + p->w, y, thc, 1);
        pen_restore(d);
    }
    /* Markers only where points are far enough apart to tell apart;
     * a point with no neighbour always gets one or it would vanish. */
    double spacing = k.dates ? p->w / (double)c->x.n : p->w / (double)k.n;
    int markers = spacing >= 8;
    pen_save(d);
    clip_plot(d, &k, 4);
    pen_set_line_join(d, CAIRO_LINE_JOIN_ROUND);
    pen_set_line_cap(d, CAIRO_LINE_CAP_ROUND);
    for (size_t s = 0; s < c->nseries; s++) {
        const struct series *sr = &c->series[s];
        struct color col = series_color(c, s);
        set_color(d, col);
        set_dash(d, (int)(s / c->theme.npalette));
        pen_set_line_width(d, c->nseries > 8 ? 1.5 : 2);
        pen_new_path(d);
        int pen = 0;
        for (size_t j = 0; j < sr->n; j++) {
            if (isnan(sr->v[j])) {
                pen = 0;
                continue;
            }
            double x = line_x(&k, j), y = cart_value_pos(&k, sr->v[j]);
            if (pen)
                pen_line_to(d, x, y);
            else
                pen_move_to(d, x, y);
            pen = 1;
        }
        pen_stroke(d);
        pen_set_dash(d, NULL, 0, 0);
        for (size_t j = 0; j < sr->n; j++) {
            if (isnan(sr->v[j]))
                continue;
            int alone = (j == 0 || isnan(sr->v[j - 1])) &&
                        (j + 1 == sr->n || isnan(sr->v[j + 1]));
            if (!markers && !alone)
                continue;
            pen_new_sub_path(d);
            pen_arc(d, line_x(&k, j), cart_value_pos(&k, sr->v[j]), 3, 0,
                      2 * M_PI);
        }
        pen_fill(d);
    }
    pen_restore(d);
    struct rect placed[64];
    size_t nplaced = 0;
    for (size_t i = 0; i < c->nthr && nplaced < 63; i++)
        place_line_label(d, p, placed, &nplaced, c->thr[i].label,
                         cart_value_pos(&k, c->thr[i].value), thc);
    for (size_t i = 0; i < c->nbands && nplaced < 63; i++)
        place_band_label(d, p, placed, &nplaced, c->bands[i].label,
                         cart_value_pos(&k, c->bands[i].hi),
                         cart_value_pos(&k, c->bands[i].lo));
out:
    cart_release(&k);
}

/* A value label beside the end of a bar: above it (below, for negative
 * values) in a vertical chart, right of it (left) in a horizontal one. If
 * that would leave the plot, it goes just inside the bar's end, in a
 * colour that contrasts with the bar; if the bar is too short for that,
 * the label is left out. */
static void
bar_value_label(struct draw *d, const struct cart *k, double center,
                double start, double end, double v, const char *s, double maxw,
                struct color fill)
{
    PangoLayout *l = text_new(d, F_SMALL, s, NOWRAP, 1, PANGO_ALIGN_LEFT);
    double w, h;
    text_size(l, &w, &h);
    struct color col = theme_color(d, CHART_COLOR_TEXT);
    const struct rect *p = &k->plot;
    double len = fabs(end - start);
    if (k->horizontal) {
        double x = v < 0 ? end - 3 - w : end + 3;
        if (x >= p->x - 0.5 && x + w <= p->x + p->w + 0.5)
            text_show(d, l, x, center - h / 2, col);
        else if (len >= w + 6)
            text_show(d, l, v < 0 ? end + 3 : end - 3 - w, center - h / 2,
                      text_on(fill, col));
    } else if (w <= maxw) {
        double y = v < 0 ? end + 2 : end - 2 - h;
        if (y >= p->y - 0.5 && y + h <= p->y + p->h + 0.5)
            text_show(d, l, center - w / 2, y, col);
        else if (len >= h + 4)
            text_show(d, l, center - w / 2, v < 0 ? end - 2 - h : end + 2,
                      text_on(fill, col));
    }
    g_object_unref(l);
}

static void
bar_rect(struct draw *d, const struct cart *k, double band_lo, double thick,
         double v0, double v1)
{
    double a = cart_value_pos(k, v0), b = cart_value_pos(k, v1);
    if (k->horizontal)
        pen_rectangle(d, fmin(a, b), band_lo, fabs(b - a), thick);
    else
        pen_rectangle(d, band_lo, fmin(a, b), thick, fabs(b - a));
    pen_fill(d);
}

/* Category labels down the left of an hbar chart or heatmap: right
 * aligned, wrapped to two lines when the band is tall enough, thinned
 * when even one line does not fit. */
static void
draw_row_labels(struct draw *d, char *const *labels, size_t n,
                const struct rect *p, double lw)
{
    double bh = p->h / n;
    int lines = bh >= 2 * d->lineh + 4 ? 2 : 1;
    size_t every = ceil_count(d->lineh / bh, n);
    struct color col = theme_color(d, CHART_COLOR_MUTED);
    for (size_t i = 0; i < n; i += every) {
        PangoLayout *l =
            text_new(d, F_LABEL, labels[i], lw, lines, PANGO_ALIGN_RIGHT);
        double h;
        text_size(l, NULL, &h);
        double cy = p->y + (i + 0.5) * bh;
        text_show(d, l, p->x - GAP - lw, cy - h / 2, col);
        g_object_unref(l);
    }
}

static double
row_label_width(struct draw *d, char *const *labels, size_t n)
{
    double w = 0;
    for (size_t i = 0; i < n; i++)
        w = fmax(w, text_width(d, F_LABEL, labels[i]));
    return fmin(w, fmax(d->area.w * 0.3, 24));
}

/* Lays out an hbar chart: row labels left, value ticks along the bottom,
 * as many ticks as fit without their labels touching. */
static void
hbar_layout(struct draw *d, struct cart *k, double lo, double hi, double head,
            double *lw)
{
    struct rect a = d->area;
    *lw = row_label_width(d, k->labels, k->n);
    double ph = a.h - d->lineh - GAP;
    double spacing = 80;
    struct buf b;
    buf_init(&b);
    for (int it = 0; it < 6; it++) {
        double left = a.x + *lw + GAP, pw = a.w - *lw - GAP;
        vaxis_fit_head(d->c, lo, hi, pw, spacing, head, &k->y);
        double first = 0, last = 0, maxw = 0, v;
        int nt = 0;
        for (int i = 0; i < k->y.n; i++) {
            if (!vaxis_tick(&k->y, i, &v))
                continue;
            tick_label(d->c, &k->y, v, &b);
            double w = text_width(d, F_LABEL, b.data);
            if (!nt)
                first = w;
            last = w;
            maxw = fmax(maxw, w);
            nt++;
        }
        left = fmax(left, a.x + first / 2);
        pw = a.x + a.w - last / 2 - left;
        k->plot = (struct rect){left, a.y, pw, ph};
        if (nt < 2 || maxw + 10 <= pw / (nt - 1) * 0.999)
            break;
        spacing *= 1.5;
    }
    buf_release(&b);
}

static void
draw_bars(struct draw *d)
{
    const struct chart *c = d->c;
    int horiz = c->type == CHART_HBAR;
    series_legend(d, SW_BOX);
    if (!series_has_data(c) || c->x.n == 0) {
        draw_no_data(d);
        return;
    }
    size_t n = c->x.n, ns = c->nseries;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < n; i++) {
        double pos = 0, neg = 0;
        for (size_t s = 0; s < ns; s++) {
            double v = c->series[s].v[i];
            if (isnan(v))
                continue;
            if (c->stacked) {
                if (v > 0)
                    pos += v;
                else
                    neg += v;
            } else {
                pos = fmax(pos, v);
                neg = fmin(neg, v);
            }
        }
        hi = fmax(hi, pos);
        lo = fmin(lo, neg);
    }
    int labels = ns == 1 && n <= 40;
    struct buf b;
    buf_init(&b);
    double maxlw = 0;
    if (labels) {
        for (size_t i = 0; i < n; i++) {
            buf_reset(&b);
            format_short(c, c->series[0].v[i], 0, &b);
            maxlw = fmax(maxlw, text_width(d, F_SMALL, b.data));
        }
    }
    struct cart k;
    cart_init(d, &k, c->x.v, n);
    k.horizontal = horiz;
    double lw = 0;
    if (horiz)
        hbar_layout(d, &k, lo, hi, labels ? maxlw + 6 : 0, &lw);
    else
        cart_layout(d, &k, lo, hi, 0);
    if (plot_too_small(&k))
        goto out;
    draw_value_axis(d, &k);
    if (horiz)
        draw_row_labels(d, c->x.v, n, &k.plot, lw);
    else
        draw_cat_labels(d, &k);
    double band = (horiz ? k.plot.h : k.plot.w) / n;
    double group = band * (ns == 1 ? 0.62 : 0.8);
    double thick = c->stacked ? group : group / ns;
    double gap = !c->stacked && ns > 1 && thick > 6 ? 1 : 0;
    pen_save(d);
    clip_plot(d, &k, 0);
    for (size_t i = 0; i < n; i++) {
        double b0 = cat_center(&k, i) - group / 2;
        double pos = 0, neg = 0;
        for (size_t s = 0; s < ns; s++) {
            double v = c->series[s].v[i];
            if (isnan(v) || v == 0)
                continue;
            set_color(d, series_color(c, s));
            if (c->stacked) {
                double *acc = v > 0 ? &pos : &neg;
                bar_rect(d, &k, b0, thick, *acc, *acc + v);
                *acc += v;
            } else {
                bar_rect(d, &k, b0 + s * thick + gap / 2, thick - gap, 0, v);
            }
        }
    }
    pen_restore(d);
    /* The baseline goes over the bars' feet. */
    double z = cart_value_pos(&k, fmax(k.y.lo, fmin(0, k.y.hi)));
    struct color axis = theme_color(d, CHART_COLOR_AXIS);
    if (horiz)
        rule(d, z, k.plot.y, z, k.plot.y + k.plot.h, axis, 1);
    else
        rule(d, k.plot.x, z, k.plot.x + k.plot.w, z, axis, 1);
    if (labels && (horiz || maxlw <= band - 2)) {
        for (size_t i = 0; i < n; i++) {
            double v = c->series[0].v[i];
            if (isnan(v))
                continue;
            buf_reset(&b);
            format_short(c, v, 0, &b);
            bar_value_label(d, &k, cat_center(&k, i), cart_value_pos(&k, 0),
                            cart_value_pos(&k, v), v, b.data, band - 2,
                            series_color(c, 0));
        }
    }
out:
    buf_release(&b);
    cart_release(&k);
}

static void
draw_waterfall(struct draw *d)
{
    const struct chart *c = d->c;
    size_t nv = c->nseries ? c->series[0].n : 0;
    const double *v = nv ? c->series[0].v : NULL;
    int total = c->show_total || c->x.n == nv + 1;
    size_t n = nv + (total ? 1 : 0);
    int has = 0;
    for (size_t i = 0; i < nv; i++)
        has |= !isnan(v[i]);
    if (!has) {
        draw_no_data(d);
        return;
    }
    char **labels = xmalloc(n * sizeof *labels);
    for (size_t i = 0; i < nv; i++)
        labels[i] = c->x.v[i];
    char *total_name = NULL;
    if (total) {
        const char *t = c->total_label     ? c->total_label
                        : c->x.n == nv + 1 ? c->x.v[nv]
                                           : "Total";
        total_name = xstrdup(t);
        labels[nv] = total_name;
    }
    /* Levels before and after each bar. */
    double *from = xmalloc(n * sizeof *from), *to = xmalloc(n * sizeof *to);
    double run = 0, lo = 0, hi = 0;
    int ups = 0, downs = 0, totals = total;
    for (size_t i = 0; i < nv; i++) {
        double x = isnan(v[i]) ? 0 : v[i];
        if (i == 0 && c->first_is_start) {
            from[i] = 0;
            totals = 1;
        } else {
            from[i] = run;
            ups |= x > 0;
            downs |= x < 0;
        }
        run = from[i] + x;
        to[i] = run;
        lo = fmin(lo, fmin(from[i], to[i]));
        hi = fmax(hi, fmax(from[i], to[i]));
    }
    if (total) {
        from[nv] = 0;
        to[nv] = run;
    }
    struct legend_item items[3];
    size_t ni = 0;
    if (ups)
        items[ni++] = (struct legend_item){
            "Increase", theme_color(d, CHART_COLOR_POSITIVE), SW_BOX, 0};
    if (downs)
        items[ni++] = (struct legend_item){
            "Decrease", theme_color(d, CHART_COLOR_NEGATIVE), SW_BOX, 0};
    if (totals)
        items[ni++] = (struct legend_item){
            "Total", theme_color(d, CHART_COLOR_TOTAL), SW_BOX, 0};
    take_legend(d, items, ni);
    struct cart k;
    cart_init(d, &k, labels, n);
    cart_layout(d, &k, lo, hi, 0);
    struct buf b;
    buf_init(&b);
    if (plot_too_small(&k))
        goto out;
    draw_value_axis(d, &k);
    draw_cat_labels(d, &k);
    double band = k.plot.w / n, thick = band * 0.62;
    pen_save(d);
    clip_plot(d, &k, 0);
    for (size_t i = 0; i < n; i++) {
        if (i < nv && isnan(v[i]))
            continue;
        int is_total = i == nv || (i == 0 && c->first_is_start);
        enum chart_color_role role = is_total           ? CHART_COLOR_TOTAL
                                     : to[i] >= from[i] ? CHART_COLOR_POSITIVE
                                                        : CHART_COLOR_NEGATIVE;
        set_color(d, theme_color(d, role));
        bar_rect(d, &k, cat_center(&k, i) - thick / 2, thick, from[i], to[i]);
    }
    /* Connectors carry each level over to the next bar. */
    static const double dash[] = {2, 2};
    pen_set_dash(d, dash, 2, 0);
    for (size_t i = 0; i + 1 < n; i++) {
        double y = cart_value_pos(&k, to[i]);
        rule(d, cat_center(&k, i) + thick / 2, y,
             cat_center(&k, i + 1) - thick / 2, y,
             theme_color(d, CHART_COLOR_AXIS), 1);
    }
    pen_restore(d);
    double z = cart_value_pos(&k, fmax(k.y.lo, fmin(0, k.y.hi)));
    rule(d, k.plot.x, z, k.plot.x + k.plot.w, z,
         theme_color(d, CHART_COLOR_AXIS), 1);
    for (size_t i = 0; i < n; i++) {
        if (i < nv && isnan(v[i]))
            continue;
        int is_total = i == nv || (i == 0 && c->first_is_start);
        double delta = to[i] - from[i];
        buf_reset(&b);
        if (!is_total && delta > 0)
            buf_putc(&b, '+');
        format_short(c, is_total ? to[i] : delta, 0, &b);
        double up = is_total ? to[i] : delta;
        double end = up >= 0 ? fmax(from[i], to[i]) : fmin(from[i], to[i]);
        double start = up >= 0 ? fmin(from[i], to[i]) : fmax(from[i], to[i]);
        enum chart_color_role role = is_total     ? CHART_COLOR_TOTAL
                                     : delta >= 0 ? CHART_COLOR_POSITIVE
                                                  : CHART_COLOR_NEGATIVE;
        bar_value_label(d, &k, cat_center(&k, i), cart_value_pos(&k, start),
                        cart_value_pos(&k, end), up, b.data, band - 2,
                        theme_color(d, role));
    }
out:
    buf_release(&b);
    cart_release(&k);
    free(from);
    free(to);
    free(total_name);
    free(labels);
}

/* }==================================================================== */

/* {====================================================================
 * Donut, gauge and heatmap
 * ===================================================================== */

/* The text in a donut's or gauge's centre: the label, or the share as a
 * percentage; large when it fits the room, smaller when it does not. */
static void
center_text(struct draw *d, const char *s, double cx, double cy, double width,
            double max_h, int bottom_at_cy)
{
    enum font_role roles[] = {F_BIG, F_TITLE, F_LABEL};
    for (int i = 0; i < 3; i++) {
        PangoLayout *l = text_new(d, roles[i], s, width, 3, PANGO_ALIGN_CENTER);
        double h;
        text_size(l, NULL, &h);
        int ell = pango_layout_is_ellipsized(l);
        if ((h <= max_h && !ell) || i == 2) {
            if (h <= max_h)
                text_show(d, l, cx - width / 2,
                          bottom_at_cy ? cy - h : cy - h / 2,
                          theme_color(d, CHART_COLOR_TEXT));
            g_object_unref(l);
            return;
        }
        g_object_unref(l);
    }
}

static void
share_text(const struct chart *c, struct buf *b)
{
    if (c->share_label && *c->share_label) {
        buf_puts(b, c->share_label);
        return;
    }
    struct chart tmp = *c;
    tmp.format = CHART_FORMAT_PERCENT;
    format_short(&tmp, c->share, 0, b);
}

static void
draw_donut(struct draw *d)
{
    const struct chart *c = d->c;
    if (isnan(c->share)) {
        draw_no_data(d);
        return;
    }
    struct rect a = d->area;
    double r = fmin(a.w, a.h) / 2 - 1;
    if (r < 8)
        return;
    double cx = a.x + a.w / 2, cy = a.y + a.h / 2, t = r * 0.3;
    pen_set_line_width(d, t);
    set_color(d, theme_color(d, CHART_COLOR_GRID));
    pen_new_path(d);
    pen_arc(d, cx, cy, r - t / 2, 0, 2 * M_PI);
    pen_stroke(d);
    if (c->share > 0) {
        set_color(d, series_color(c, 0));
        pen_new_path(d);
        pen_arc(d, cx, cy, r - t / 2, -M_PI / 2,
                  -M_PI / 2 + 2 * M_PI * c->share);
        pen_stroke(d);
    }
    struct buf b;
    buf_init(&b);
    share_text(c, &b);
    double inner = (r - t) * 2;
    center_text(d, b.data, cx, cy, inner * 0.8, inner * 0.75, 0);
    buf_release(&b);
}

static void
draw_gauge(struct draw *d)
{
    const struct chart *c = d->c;
    if (isnan(c->share)) {
        draw_no_data(d);
        return;
    }
    struct rect a = d->area;
    int thr = c->nthr > 0;
    /* Room around the arc for end labels below and threshold labels. */
    double side = thr ? 56 : 0, top = thr ? d->lineh + 6 : 0;
    double below = d->lineh + 4;
    double r = fmin((a.w - 2 * side) / 2, a.h - top - below);
    if (r < 16)
        return;
    double cx = a.x + a.w / 2, cy = a.y + top + r, t = r * 0.22;
    pen_set_line_width(d, t);
    set_color(d, theme_color(d, CHART_COLOR_GRID));
    pen_new_path(d);
    pen_arc(d, cx, cy, r - t / 2, M_PI, 2 * M_PI);
    pen_stroke(d);
    if (c->share > 0) {
        set_color(d, series_color(c, 0));
        pen_new_path(d);
        pen_arc(d, cx, cy, r - t / 2, M_PI, M_PI + M_PI * c->share);
        pen_stroke(d);
    }
    struct color muted = theme_color(d, CHART_COLOR_MUTED);
    struct chart pc = *c;
    pc.format = CHART_FORMAT_PERCENT;
    struct buf b;
    buf_init(&b);
    format_short(&pc, 0, 0, &b);
    double ew = fmax(t * 2, 40);
    text_center(d, F_SMALL, b.data, cx - r + t / 2, cy + 3, ew, muted);
    buf_reset(&b);
    format_short(&pc, 1, 0, &b);
    text_center(d, F_SMALL, b.data, cx + r - t / 2, cy + 3, ew, muted);
    struct color thc = theme_color(d, CHART_COLOR_THRESHOLD);
    for (size_t i = 0; i < c->nthr; i++) {
        double ang = M_PI + M_PI * c->thr[i].value;
        double ca = cos(ang), sa = sin(ang);
        set_color(d, thc);
        pen_set_line_width(d, 1.5);
        pen_move_to(d, cx + (r - t - 3) * ca, cy + (r - t - 3) * sa);
        pen_line_to(d, cx + (r + 3) * ca, cy + (r + 3) * sa);
        pen_stroke(d);
        if (!c->thr[i].label || !*c->thr[i].label)
            continue;
        PangoLayout *l = text_new(d, F_SMALL, c->thr[i].label, side + r * 0.5,
                                  1, PANGO_ALIGN_LEFT);
        double w, h;
        text_size(l, &w, &h);
        double lx = cx + (r + 6) * ca, ly = cy + (r + 6) * sa;
        /* Hang the label off the side of its anchor facing away from the
         * centre: left of it on the left half, above it near the top. */
        if (ca < -0.3)
            lx -= w;
        else if (ca <= 0.3)
            lx -= w / 2;
        ly -= sa < -0.5 ? h : h / 2;
        lx = fmax(a.x, fmin(lx, a.x + a.w - w));
        ly = fmax(a.y, ly);
        text_show(d, l, lx, ly, thc);
        g_object_unref(l);
    }
    buf_reset(&b);
    share_text(c, &b);
    double inner = (r - t) * 2;
    center_text(d, b.data, cx, cy, inner * 0.85, (r - t) * 0.9, 1);
    buf_release(&b);
}

/* Numeric heatmap colour: white-ish through the first palette colour to
 * a darker shade of it. */
static struct color
heat_color(const struct chart *c, double t)
{
    struct color base = series_color(c, 0);
    base.a = 1;
    struct color white = {1, 1, 1, 1}, black = {0, 0, 0, 1};
    struct color light = color_mix(base, white, 0.88);
    struct color dark = color_mix(base, black, 0.4);
    if (t < 0.6)
        return color_mix(light, base, t / 0.6);
    return color_mix(base, dark, (t - 0.6) / 0.4);
}

static struct color
category_color(const struct chart *c, size_t i)
{
    if (c->cats[i].has_color)
        return c->cats[i].color;
    return series_color(c, i);
}

static void
draw_heat_gradient(struct draw *d, double lo, double hi)
{
    const struct chart *c = d->c;
    struct buf b;
    buf_init(&b);
    format_short(c, lo, 0, &b);
    double x = d->area.x, y = d->area.y, h = d->lineh;
    PangoLayout *l = text_new(d, F_LABEL, b.data, NOWRAP, 1, PANGO_ALIGN_LEFT);
    double w;
    text_size(l, &w, NULL);
    text_show(d, l, x, y, theme_color(d, CHART_COLOR_MUTED));
    g_object_unref(l);
    x += w + 6;
    double gw = fmin(140, d->area.w * 0.4);
    struct color stops[11];
    for (int i = 0; i <= 10; i++)
        stops[i] = heat_color(c, i / 10.0);
    pen_gradient_rect(d, x, y + h / 2 - 5, gw, 10, stops, 11);
    x += gw + 6;
    buf_reset(&b);
    format_short(c, hi, 0, &b);
    l = text_new(d, F_LABEL, b.data, NOWRAP, 1, PANGO_ALIGN_LEFT);
    text_show(d, l, x, y, theme_color(d, CHART_COLOR_MUTED));
    g_object_unref(l);
    buf_release(&b);
}

static void
draw_heatmap(struct draw *d)
{
    const struct chart *c = d->c;
    size_t nr = c->rows.n, nc = c->cols.n;
    if (nr == 0 || nc == 0 || c->ncells == 0) {
        draw_no_data(d);
        return;
    }
    /* Dense grid: later cells win; key index -1 means numeric. */
    double *val = xmalloc(nr * nc * sizeof *val);
    int *key = xmalloc(nr * nc * sizeof *key);
    for (size_t i = 0; i < nr * nc; i++) {
        val[i] = NAN;
        key[i] = -1;
    }
    /* Categories in legend order: the caller's, or the built-in ones. */
    struct chart cc = *c;
    struct category builtin[NDEFAULT_CATS];
    if (!c->ncats) {
        for (size_t i = 0; i < NDEFAULT_CATS; i++) {
            builtin[i].key = (char *)default_cats[i].key;
            builtin[i].label = (char *)default_cats[i].label;
            color_parse(default_cats[i].color, &builtin[i].color);
            builtin[i].has_color = 1;
        }
        cc.cats = builtin;
        cc.ncats = NDEFAULT_CATS;
    }
    for (size_t i = 0; i < c->ncells; i++) {
        const struct cell *cl = &c->cells[i];
        size_t at = cl->row * nc + cl->col, ki;
        if (cl->key && category_find(&cc, cl->key, &ki)) {
            key[at] = (int)ki;
            val[at] = NAN;
        } else if (!cl->key) {
            key[at] = -1;
            val[at] = cl->v;
        }
    }
    double lo = INFINITY, hi = -INFINITY;
    int *used = xcalloc(cc.ncats ? cc.ncats : 1, sizeof *used);
    for (size_t i = 0; i < nr * nc; i++) {
        if (key[i] >= 0)
            used[key[i]] = 1;
        else if (!isnan(val[i])) {
            lo = fmin(lo, val[i]);
            hi = fmax(hi, val[i]);
        }
    }
    /* a scale the spec fixes (y_min, y_max) holds, e.g. 0-100% for
     * shares, so that close values do not look far apart */
    if (lo <= hi && !isnan(c->y_lo))
        lo = fmin(lo, c->y_lo);
    if (lo <= hi && !isnan(c->y_hi))
        hi = fmax(hi, c->y_hi);
    struct legend_item *items = xmalloc((cc.ncats + 1) * sizeof *items);
    size_t ni = 0;
    for (size_t i = 0; i < cc.ncats; i++)
        if (used[i])
            items[ni++] = (struct legend_item){
                cc.cats[i].label, category_color(&cc, i), SW_BOX, 0};
    take_legend(d, items, ni);
    if (lo <= hi && d->area.h > 3 * d->lineh) {
        draw_heat_gradient(d, lo, hi);
        d->area.y += d->lineh + 6;
        d->area.h -= d->lineh + 6;
    }
    struct cart k;
    cart_init(d, &k, c->cols.v, nc);
    double lw = row_label_width(d, c->rows.v, nr);
    struct rect a = d->area;
    k.plot = (struct rect){a.x + lw + GAP, a.y, a.w - lw - GAP, 0};
    cat_plan(d, &k, k.plot.w / nc);
    k.plot.h = a.h - k.xh - GAP;
    struct buf b;
    buf_init(&b);
    if (plot_too_small(&k))
        goto out;
    draw_row_labels(d, c->rows.v, nr, &k.plot, lw);
    draw_cat_labels(d, &k);
    double cw = k.plot.w / nc, ch = k.plot.h / nr;
    double inset = cw > 6 && ch > 6 ? 1 : 0;
    struct color text = theme_color(d, CHART_COLOR_TEXT);
    for (size_t r = 0; r < nr; r++) {
        for (size_t col = 0; col < nc; col++) {
            size_t at = r * nc + col;
            struct color fill;
            const char *label = NULL;
            buf_reset(&b);
            if (key[at] >= 0) {
                fill = category_color(&cc, (size_t)key[at]);
                label = cc.cats[key[at]].label;
            } else if (!isnan(val[at])) {
                fill =
                    heat_color(c, hi > lo ? (val[at] - lo) / (hi - lo) : 0.5);
                format_short(c, val[at], 0, &b);
                label = b.data;
            } else {
                continue;
            }
            double x = k.plot.x + col * cw, y = k.plot.y + r * ch;
            set_color(d, fill);
            pen_rectangle(d, x + inset, y + inset, cw - 2 * inset,
                            ch - 2 * inset);
            pen_fill(d);
            if (ch < d->lineh + 2 || cw < 16)
                continue;
            PangoLayout *l =
                text_new(d, F_SMALL, label, NOWRAP, 1, PANGO_ALIGN_LEFT);
            double w, h;
            text_size(l, &w, &h);
            if (w <= cw - 6)
                text_show(d, l, x + (cw - w) / 2, y + (ch - h) / 2,
                          text_on(fill, text));
            g_object_unref(l);
        }
    }
out:
    buf_release(&b);
    cart_release(&k);
    free(items);
    free(used);
    free(val);
    free(key);
}

/* }==================================================================== */

static int
draw_chart(const struct chart *c, cairo_t *cr, struct svgpen *svg, double x,
           double y, double w, double h, struct buf *svg_text);

int
chart_draw(const struct chart *c, cairo_t *cr, double x, double y, double w,
           double h)
{
    if (!cr)
        return -1;
    return draw_chart(c, cr, NULL, x, y, w, h, NULL);
}

/* Draws c with cairo on cr, or, when svg is given, as SVG elements. */
static int
draw_chart(const struct chart *c, cairo_t *cr, struct svgpen *svg, double x,
           double y, double w, double h, struct buf *svg_text)
{
    if (!c || (!svg && (!cr || cairo_status(cr) != CAIRO_STATUS_SUCCESS)))
        return -1;
    if (!isfinite(x) || !isfinite(y) || !(w > 2 * PAD + 8) ||
        !(h > 2 * PAD + 8) || !isfinite(w) || !isfinite(h))
        return -1;
    if (chart_validate(c, NULL) != 0)
        return -1;
    struct draw d;
    draw_init(&d, c, cr, x, y, w, h);
    d.svg_text = svg_text;
    d.svg = svg;
    pen_save(&d);
    pen_new_path(&d);
    struct color bg = theme_color(&d, CHART_COLOR_BACKGROUND);
    if (bg.a > 0) {
        set_color(&d, bg);
        pen_rectangle(&d, x, y, w, h);
        pen_fill(&d);
    }
    draw_header(&d);
    switch (c->type) {
    case CHART_LINE:
        draw_line(&d);
        break;
    case CHART_BAR:
    case CHART_HBAR:
        draw_bars(&d);
        break;
    case CHART_WATERFALL:
        draw_waterfall(&d);
        break;
    case CHART_DONUT:
        draw_donut(&d);
        break;
    case CHART_GAUGE:
        draw_gauge(&d);
        break;
    case CHART_HEATMAP:
        draw_heatmap(&d);
        break;
    }
    pen_restore(&d);
    draw_release(&d);
    if (svg)
        return 0;
    return cairo_status(cr) == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

/* {====================================================================
 * SVG and HTML table
 * ===================================================================== */

static uint32_t
fnv(uint32_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 16777619u;
    }
    return h;
}

static uint32_t
fnv_str(uint32_t h, const char *s)
{
    return s ? fnv(h, s, strlen(s) + 1) : fnv(h, "\xff", 1);
}

static uint32_t
spec_hash(const struct chart *c)
{
    uint32_t h = 2166136261u;
    int t = (int)c->type;
    h = fnv(h, &t, sizeof t);
    h = fnv_str(h, c->title);
    h = fnv_str(h, c->subtitle);
    h = fnv_str(h, c->desc);
    for (size_t i = 0; i < c->x.n; i++)
        h = fnv_str(h, c->x.v[i]);
    for (size_t i = 0; i < c->nseries; i++) {
        h = fnv_str(h, c->series[i].name);
        h = fnv(h, c->series[i].v, c->series[i].n * sizeof(double));
    }
    for (size_t i = 0; i < c->rows.n; i++)
        h = fnv_str(h, c->rows.v[i]);
    for (size_t i = 0; i < c->cols.n; i++)
        h = fnv_str(h, c->cols.v[i]);
    for (size_t i = 0; i < c->ncells; i++) {
        h = fnv(h, &c->cells[i].row, sizeof c->cells[i].row);
        h = fnv(h, &c->cells[i].col, sizeof c->cells[i].col);
        h = fnv_str(h, c->cells[i].key);
    }
    h = fnv(h, &c->share, sizeof c->share);
    h = fnv_str(h, c->share_label);
    return h;
}

static void
list_names(struct buf *b, char *const *names, size_t n, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++)
        buf_printf(b, "%s%s", i ? ", " : "", names[i]);
    if (n > max)
        buf_printf(b, " and %zu more", n - max);
}

/* For a chart without a title: its SVG <title> and table caption. */
static const char *const kind_names[CHART_TYPE_COUNT] = {
    "Line chart",      "Bar chart",   "Horizontal bar chart",
    "Waterfall chart", "Donut chart", "Gauge",
    "Heatmap"};

/* A one-paragraph summary for the SVG <desc> when the caller gave none. */
static void
auto_desc(const struct chart *c, struct buf *b)
{
    buf_puts(b, kind_names[c->type]);
    switch (c->type) {
    case CHART_LINE:
    case CHART_BAR:
    case CHART_HBAR: {
        if (!series_has_data(c)) {
            buf_puts(b, " with no data.");
            return;
        }
        buf_printf(b, " of %zu series (", c->nseries);
        char **names = xmalloc(c->nseries * sizeof *names);
        for (size_t i = 0; i < c->nseries; i++)
            names[i] = c->series[i].name;
        list_names(b, names, c->nseries, 5);
        free(names);
        buf_printf(b, ") over %zu %s", c->x.n,
                   x_is_date(c) ? "dates" : "categories");
        buf_printf(b, ", from %s to %s", c->x.v[0], c->x.v[c->x.n - 1]);
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < c->nseries; i++)
            for (size_t j = 0; j < c->series[i].n; j++)
                if (!isnan(c->series[i].v[j])) {
                    lo = fmin(lo, c->series[i].v[j]);
                    hi = fmax(hi, c->series[i].v[j]);
                }
        buf_puts(b, "; values range from ");
        format_short(c, lo, 0, b);
        buf_puts(b, " to ");
        format_short(c, hi, 0, b);
        buf_putc(b, '.');
        return;
    }
    case CHART_WATERFALL: {
        size_t n = c->nseries ? c->series[0].n : 0;
        double run = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(c->series[0].v[i]))
                run += c->series[0].v[i];
        buf_printf(b, " of %zu steps", n);
        if (n) {
            buf_puts(b, " (");
            list_names(b, c->x.v, n, 5);
            buf_puts(b, ") ending at ");
            format_short(c, run, 0, b);
        }
        buf_putc(b, '.');
        return;
    }
    case CHART_DONUT:
    case CHART_GAUGE: {
        if (isnan(c->share)) {
            buf_puts(b, " with no data.");
            return;
        }
        struct chart pc = *c;
        pc.format = CHART_FORMAT_PERCENT;
        buf_puts(b, ": ");
        format_short(&pc, c->share, 0, b);
        if (c->share_label)
            buf_printf(b, " (%s)", c->share_label);
        buf_putc(b, '.');
        return;
    }
    case CHART_HEATMAP:
        buf_printf(b, " of %zu rows (", c->rows.n);
        list_names(b, c->rows.v, c->rows.n, 5);
        buf_printf(b, ") by %zu columns (", c->cols.n);
        list_names(b, c->cols.v, c->cols.n, 5);
        buf_puts(b, ").");
        return;
    }
}

int
chart_svg(const struct chart *c, struct buf *out)
{
    if (!c || chart_validate(c, NULL) != 0)
        return -1;
    /* ids are unique on the page: the chart's own id, or one from its
     * content, so the same chart gets the same ids in every build */
    char pfx[80];
    if (c->id)
        snprintf(pfx, sizeof pfx, "%s", c->id);
    else
        snprintf(pfx, sizeof pfx, "chart-%08x", (unsigned)spec_hash(c));
    struct buf body, text;
    buf_init(&body);
    buf_init(&text);
    struct svgpen pen;
    svgpen_init(&pen, &body, pfx);
    int rc = draw_chart(c, NULL, &pen, 0, 0, c->width, c->height, &text);
    svgpen_finish(&pen);
    if (rc == 0) {
        buf_puts(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
        num2(out, c->width);
        buf_puts(out, "\" height=\"");
        num2(out, c->height);
        buf_puts(out, "\" viewBox=\"0 0 ");
        num2(out, c->width);
        buf_putc(out, ' ');
        num2(out, c->height);
        buf_printf(out, "\" role=\"img\" aria-labelledby=\"%s-title %s-desc\">",
                   pfx, pfx);
        struct buf t;
        buf_init(&t);
        if (c->title && *c->title)
            buf_puts(&t, c->title);
        else
            buf_puts(&t, kind_names[c->type]);
        buf_printf(out, "\n<title id=\"%s-title\">", pfx);
        buf_add_html(out, t.data, t.len);
        buf_reset(&t);
        if (c->desc && *c->desc)
            buf_puts(&t, c->desc);
        else
            auto_desc(c, &t);
        buf_printf(out, "</title>\n<desc id=\"%s-desc\">", pfx);
        buf_add_html(out, t.data, t.len);
        buf_puts(out, "</desc>\n");
        buf_release(&t);
        buf_add(out, body.data, body.len);
        if (text.len) {
            /* the text goes last, above the shapes, with the family once */
            buf_puts(out, "<g font-family=\"");
            buf_add_html(out, c->theme.font, strlen(c->theme.font));
            buf_puts(out, ", Verdana, sans-serif\">\n");
            buf_add(out, text.data, text.len);
            buf_puts(out, "</g>\n");
        }
        buf_puts(out, "</svg>\n");
    }
    buf_release(&body);
    buf_release(&text);
    return rc;
}

static void
html_cell(struct buf *out, const char *tag, const char *scope, const char *s)
{
    buf_printf(out, "<%s", tag);
    if (scope)
        buf_printf(out, " scope=\"%s\"", scope);
    buf_putc(out, '>');
    buf_add_html(out, s, strlen(s));
    buf_printf(out, "</%s>", tag);
}

static void
html_value(struct buf *out, const struct chart *c, double v, int sign)
{
    struct buf b;
    buf_init(&b);
    if (sign && v > 0)
        buf_putc(&b, '+');
    format_full(c, v, &b);
    html_cell(out, "td", NULL, b.data);
    buf_release(&b);
}

static void
html_head(struct buf *out, const char *const *h, size_t n)
{
    buf_puts(out, "<thead>\n<tr>");
    for (size_t i = 0; i < n; i++)
        html_cell(out, "th", "col", h[i]);
    buf_puts(out, "</tr>\n</thead>\n<tbody>\n");
}

/* Thresholds and bands as footer rows, so the table says what the lines
 * and shading in the chart mean. */
static void
html_foot(struct buf *out, const struct chart *c, size_t cols)
{
    if (!c->nthr && !c->nbands)
        return;
    buf_puts(out, "<tfoot>\n");
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < c->nthr; i++) {
        buf_reset(&b);
        buf_puts(&b, "Threshold");
        if (c->thr[i].label)
            buf_printf(&b, ": %s", c->thr[i].label);
        buf_puts(out, "<tr>");
        html_cell(out, "th", "row", b.data);
        buf_reset(&b);
        format_full(c, c->thr[i].value, &b);
        buf_printf(out, "<td colspan=\"%zu\">", cols);
        buf_add_html(out, b.data, b.len);
        buf_puts(out, "</td></tr>\n");
    }
    for (size_t i = 0; i < c->nbands; i++) {
        buf_reset(&b);
        buf_puts(&b, "Band");
        if (c->bands[i].label)
            buf_printf(&b, ": %s", c->bands[i].label);
        buf_puts(out, "<tr>");
        html_cell(out, "th", "row", b.data);
        buf_reset(&b);
        format_full(c, c->bands[i].lo, &b);
        buf_puts(&b, " to ");
        format_full(c, c->bands[i].hi, &b);
        buf_printf(out, "<td colspan=\"%zu\">", cols);
        buf_add_html(out, b.data, b.len);
        buf_puts(out, "</td></tr>\n");
    }
    buf_puts(out, "</tfoot>\n");
    buf_release(&b);
}

int
chart_table_html(const struct chart *c, struct buf *out)
{
    if (!c || chart_validate(c, NULL) != 0)
        return -1;
    buf_puts(out, "<table class=\"chart-table\">\n<caption>");
    if (c->title && *c->title) {
        buf_add_html(out, c->title, strlen(c->title));
    } else {
        buf_puts(out, kind_names[c->type]);
    }
    if (c->subtitle && *c->subtitle) {
        buf_puts(out, "<br/><span class=\"chart-subtitle\">");
        buf_add_html(out, c->subtitle, strlen(c->subtitle));
        buf_puts(out, "</span>");
    }
    buf_puts(out, "</caption>\n");
    const char *xname = c->x_name && *c->x_name ? c->x_name
                        : x_is_date(c)          ? "Date"
                                                : "Category";
    switch (c->type) {
    case CHART_LINE:
    case CHART_BAR:
    case CHART_HBAR: {
        const char **h = xmalloc((c->nseries + 1) * sizeof *h);
        h[0] = xname;
        for (size_t i = 0; i < c->nseries; i++)
            h[i + 1] = c->series[i].name;
        html_head(out, h, c->nseries + 1);
        free(h);
        for (size_t j = 0; j < c->x.n; j++) {
            buf_puts(out, "<tr>");
            html_cell(out, "th", "row", c->x.v[j]);
            for (size_t i = 0; i < c->nseries; i++)
                html_value(out, c, c->series[i].v[j], 0);
            buf_puts(out, "</tr>\n");
        }
        buf_puts(out, "</tbody>\n");
        html_foot(out, c, c->nseries);
        break;
    }
    case CHART_WATERFALL: {
        const char *h[] = {c->x_name && *c->x_name ? c->x_name : "Step",
                           "Change", "Running total"};
        html_head(out, h, 3);
        size_t n = c->nseries ? c->series[0].n : 0;
        double run = 0;
        for (size_t j = 0; j < n; j++) {
            double v = c->series[0].v[j];
            if (!isnan(v))
                run += v;
            buf_puts(out, "<tr>");
            html_cell(out, "th", "row", c->x.v[j]);
            html_value(out, c, v, !(j == 0 && c->first_is_start));
            html_value(out, c, run, 0);
            buf_puts(out, "</tr>\n");
        }
        if (c->show_total || c->x.n == n + 1) {
            const char *t = c->total_label    ? c->total_label
                            : c->x.n == n + 1 ? c->x.v[n]
                                              : "Total";
            buf_puts(out, "<tr>");
            html_cell(out, "th", "row", t);
            buf_puts(out, "<td></td>");
            html_value(out, c, run, 0);
            buf_puts(out, "</tr>\n");
        }
        buf_puts(out, "</tbody>\n");
        break;
    }
    case CHART_DONUT:
    case CHART_GAUGE: {
        const char *h[] = {"Measure", "Value"};
        html_head(out, h, 2);
        struct chart pc = *c;
        pc.format = CHART_FORMAT_PERCENT;
        buf_puts(out, "<tr>");
        html_cell(out, "th", "row",
                  c->share_label ? c->share_label
                  : c->title     ? c->title
                                 : "Share");
        html_value(out, &pc, c->share, 0);
        buf_puts(out, "</tr>\n</tbody>\n");
        html_foot(out, &pc, 1);
        break;
    }
    case CHART_HEATMAP: {
        buf_puts(out, "<thead>\n<tr>");
        if (c->x_name && *c->x_name)
            html_cell(out, "th", "col", c->x_name);
        else
            buf_puts(out, "<td></td>");
        for (size_t i = 0; i < c->cols.n; i++)
            html_cell(out, "th", "col", c->cols.v[i]);
        buf_puts(out, "</tr>\n</thead>\n<tbody>\n");
        size_t nr = c->rows.n, nc = c->cols.n;
        size_t ncell = nr * nc;
        const struct cell **grid = xcalloc(ncell ? ncell : 1, sizeof *grid);
        for (size_t i = 0; i < c->ncells; i++)
            grid[c->cells[i].row * nc + c->cells[i].col] = &c->cells[i];
        for (size_t r = 0; r < nr; r++) {
            buf_puts(out, "<tr>");
            html_cell(out, "th", "row", c->rows.v[r]);
            for (size_t k = 0; k < nc; k++) {
                const struct cell *cl = grid[r * nc + k];
                if (!cl) {
                    buf_puts(out, "<td></td>");
                } else if (cl->key) {
                    const struct category *cat =
                        category_find(c, cl->key, NULL);
                    int di = default_cat_find(cl->key);
                    const char *label = cat       ? cat->label
                                        : di >= 0 ? default_cats[di].label
                                                  : cl->key;
                    html_cell(out, "td", NULL, label);
                } else {
                    html_value(out, c, cl->v, 0);
                }
            }
            buf_puts(out, "</tr>\n");
        }
        free(grid);
        buf_puts(out, "</tbody>\n");
        break;
    }
    }
    buf_puts(out, "</table>\n");
    return 0;
}

/* }==================================================================== */
