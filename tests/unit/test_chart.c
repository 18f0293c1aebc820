/* test_chart: unit tests of chart and chart_lua.
 * SVG output is parsed with libxml2 and checked for structure (root
 * attributes, <title>/<desc>, id references) and for geometry (which bar is
 * taller, where a line's points are); rasters and recording surfaces check
 * that ink stays inside the canvas. With CHART_OUT set, one PNG per chart
 * type and edge case is written there for a person to look at. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <lauxlib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <lua.h>
#include <lualib.h>

#include "buf.h"
#include "chart.h"
#include "chart_lua.h"

/* {====================================================================
 * Helpers
 * ===================================================================== */

static const char *const example_line =
    "return { type='line', title='AUC by release', x={'1.0','1.1','2.0'},"
    " series={ {name='auc', values={0.81,0.82,0.80}} }, y_format='ratio',"
    " thresholds={ {value=0.75, label='min 0.75'} },"
    " bands={ {lo=0.7, hi=0.75, label='warn'} }, stacked=false,"
    " width=640, height=320, theme={font='DejaVu Sans', text='#1f2937',"
    " grid='#e5e7eb', palette={'#0072B2','#E69F00','#009E73','#D55E00',"
    " '#56B4E9','#CC79A7','#F0E442','#000000'}}, currency='EUR', id='c1',"
    " desc='AUC stays above the 0.75 minimum.' }";

static struct chart *
from_lua(const char *src)
{
    lua_State *L = luaL_newstate();
    assert_int_equal(luaL_dostring(L, src), LUA_OK);
    struct buf err;
    buf_init(&err);
    struct chart *c = NULL;
    int rc = chart_from_lua(L, -1, &c, &err);
    if (rc != 0)
        fail_msg("chart_from_lua: %s", err.data);
    assert_int_equal(lua_gettop(L), 1);
    buf_release(&err);
    lua_close(L);
    assert_non_null(c);
    return c;
}

/* The message chart_from_lua gives for src; checks the stack is intact. */
static char *
lua_error_of(const char *src)
{
    lua_State *L = luaL_newstate();
    assert_int_equal(luaL_dostring(L, src), LUA_OK);
    lua_pushinteger(L, 42); /* sentinel above the spec */
    struct buf err;
    buf_init(&err);
    struct chart *c = (struct chart *)&err;
    assert_int_equal(chart_from_lua(L, -2, &c, &err), -1);
    assert_null(c);
    assert_int_equal(lua_gettop(L), 2);
    assert_int_equal(lua_tointeger(L, -1), 42);
    lua_close(L);
    return buf_detach(&err, NULL);
}

static void
assert_lua_error(const char *src, const char *want)
{
    char *msg = lua_error_of(src);
    if (!strstr(msg, want))
        fail_msg("error '%s' lacks '%s'", msg, want);
    free(msg);
}

static struct chart *
series_chart(enum chart_type t, size_t n, const double *v)
{
    struct chart *c = chart_new(t);
    char lab[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(lab, sizeof lab, "C%zu", i + 1);
        chart_add_x(c, lab);
    }
    chart_add_series(c, "s", v, n);
    return c;
}

static char *
svg_of(const struct chart *c)
{
    struct buf b;
    buf_init(&b);
    assert_int_equal(chart_svg(c, &b), 0);
    return buf_detach(&b, NULL);
}

static xmlDocPtr
svg_doc(const char *svg)
{
    xmlDocPtr doc = xmlReadMemory(svg, (int)strlen(svg), "chart.svg", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOWARNING);
    if (!doc)
        fail_msg("SVG is not well-formed XML");
    return doc;
}

static int
has_token(const char *s, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *p = s; *p; p++)
        if (!strncasecmp(p, tok, n))
            return 1;
    return 0;
}

static char *
attr(xmlNodePtr n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static void
collect_ids(xmlNodePtr n, char ***ids, size_t *nids)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        char *id = attr(n, "id");
        if (id) {
            for (size_t i = 0; i < *nids; i++)
                if (!strcmp((*ids)[i], id))
                    fail_msg("duplicate id '%s'", id);
            *ids = realloc(*ids, (*nids + 1) * sizeof **ids);
            (*ids)[(*nids)++] = id;
        }
        collect_ids(n->children, ids, nids);
    }
}

/* Root attributes, leading <title> and <desc>, unique prefixed ids, and
 * every reference resolving. Returns the id prefix (caller frees). */
static char *
check_svg_basics(const char *svg, double w, double h)
{
    assert_false(has_token(svg, "nan"));
    assert_false(has_token(svg, "inf"));
    assert_null(strstr(svg, "<?xml"));
    xmlDocPtr doc = svg_doc(svg);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "svg");
    char *aw = attr(root, "width"), *ah = attr(root, "height");
    char *vb = attr(root, "viewBox"), *role = attr(root, "role");
    char *lb = attr(root, "aria-labelledby");
    assert_non_null(aw);
    assert_non_null(ah);
    assert_non_null(vb);
    assert_true(fabs(atof(aw) - w) < 0.01);
    assert_true(fabs(atof(ah) - h) < 0.01);
    char want[300];
    snprintf(want, sizeof want, "0 0 %g %g", w, h);
    assert_string_equal(vb, want);
    assert_string_equal(role, "img");
    assert_non_null(lb);
    char *space = strchr(lb, ' ');
    assert_non_null(space);
    size_t plen = strlen(lb) - strlen(" -title") - strlen(space) + 1;
    char *prefix = strndup(lb, plen);
    char tid[128], did[128];
    snprintf(tid, sizeof tid, "%s-title", prefix);
    snprintf(did, sizeof did, "%s-desc", prefix);
    snprintf(want, sizeof want, "%s %s", tid, did);
    assert_string_equal(lb, want);
    xmlNodePtr k = root->children;
    while (k && k->type != XML_ELEMENT_NODE)
        k = k->next;
    assert_non_null(k);
    assert_string_equal((const char *)k->name, "title");
    char *id = attr(k, "id");
    assert_string_equal(id, tid);
    xmlFree(id);
    xmlChar *txt = xmlNodeGetContent(k);
    assert_true(strlen((char *)txt) > 0);
    xmlFree(txt);
    k = k->next;
    while (k && k->type != XML_ELEMENT_NODE)
        k = k->next;
    assert_non_null(k);
    assert_string_equal((const char *)k->name, "desc");
    id = attr(k, "id");
    assert_string_equal(id, did);
    xmlFree(id);
    txt = xmlNodeGetContent(k);
    assert_true(strlen((char *)txt) > 0);
    xmlFree(txt);
    char **ids = NULL;
    size_t nids = 0;
    collect_ids(root->children, &ids, &nids);
    for (size_t i = 0; i < nids; i++) {
        if (strncmp(ids[i], prefix, plen) || ids[i][plen] != '-')
            fail_msg("id '%s' lacks prefix '%s'", ids[i], prefix);
    }
    /* Every url(#x) and href="#x" names an id of this document. */
    const char *pats[] = {"url(#", "href=\"#"};
    for (int pi = 0; pi < 2; pi++) {
        for (const char *p = svg; (p = strstr(p, pats[pi])) != NULL;) {
            p += strlen(pats[pi]);
            size_t n = strcspn(p, ")\"");
            int found = 0;
            for (size_t i = 0; i < nids && !found; i++)
                found = strlen(ids[i]) == n && !strncmp(ids[i], p, n);
            if (!found)
                fail_msg("dangling reference '%.*s'", (int)n, p);
        }
    }
    for (size_t i = 0; i < nids; i++)
        xmlFree(ids[i]);
    free(ids);
    xmlFree(aw);
    xmlFree(ah);
    xmlFree(vb);
    xmlFree(role);
    xmlFree(lb);
    xmlFreeDoc(doc);
    return prefix;
}

/* A drawn path outside <defs>: bounding box of its points, colours as
 * 0xRRGGBB (-1 for none), and how many subpaths it has. */
struct shape {
    double x0, y0, x1, y1;
    int fill, stroke, moves;
};

static int
style_color(const char *style, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "%s:#", key);
    const char *p = style ? strstr(style, pat) : NULL;
    if (!p || (p > style && p[-1] != ';' && p[-1] != ' ' && p[-1] != '"'))
        return -1;
    unsigned rgb;
    if (sscanf(p + strlen(pat), "%6x", &rgb) != 1)
        return -1;
    return (int)rgb;
}

/* The colours of an element as "fill:…;stroke:…;" (the SVG carries them
 * as presentation attributes, so pages with a strict CSP can show it). */
static char *
pres_style(xmlNodePtr n)
{
    char *fill = attr(n, "fill"), *stroke = attr(n, "stroke");
    if (!fill && !stroke)
        return NULL;
    size_t len = 32 + (fill ? strlen(fill) : 0) + (stroke ? strlen(stroke) : 0);
    char *s = malloc(len);
    snprintf(s, len, "%s%s%s%s%s%s", fill ? "fill:" : "", fill ? fill : "",
             fill ? ";" : "", stroke ? "stroke:" : "", stroke ? stroke : "",
             stroke ? ";" : "");
    xmlFree(fill);
    xmlFree(stroke);
    return s;
}

static void
collect_shapes(xmlNodePtr n, const char *inherited_fill, struct shape **v,
               size_t *nv)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (!strcmp((const char *)n->name, "defs"))
            continue;
        char *style = pres_style(n);
        if (!strcmp((const char *)n->name, "path")) {
            char *d = attr(n, "d");
            struct shape s = {INFINITY,
                              INFINITY,
                              -INFINITY,
                              -INFINITY,
                              style_color(style, "fill"),
                              style_color(style, "stroke"),
                              0};
            if (s.fill < 0 && inherited_fill)
                s.fill = style_color(inherited_fill, "fill");
            const char *p = d;
            int idx = 0;
            while (p && *p) {
                if (*p == 'M')
                    s.moves++;
                if ((*p >= '0' && *p <= '9') || *p == '-' || *p == '.') {
                    char *e;
                    double x = strtod(p, &e);
                    if (idx % 2 == 0) {
                        s.x0 = fmin(s.x0, x);
                        s.x1 = fmax(s.x1, x);
                    } else {
                        s.y0 = fmin(s.y0, x);
                        s.y1 = fmax(s.y1, x);
                    }
                    idx++;
                    p = e;
                    continue;
                }
                p++;
            }
            *v = realloc(*v, (*nv + 1) * sizeof **v);
            (*v)[(*nv)++] = s;
            xmlFree(d);
        }
        collect_shapes(n->children, style ? style : inherited_fill, v, nv);
        free(style);
    }
}

static struct shape *
shapes_of(const char *svg, size_t *n)
{
    xmlDocPtr doc = svg_doc(svg);
    struct shape *v = NULL;
    *n = 0;
    collect_shapes(xmlDocGetRootElement(doc)->children, NULL, &v, n);
    xmlFreeDoc(doc);
    return v;
}

/* Shapes filled (or, with stroke set, stroked) in rgb, in document
 * order, copied to out; returns how many. */
static size_t
shapes_colored(const struct shape *v, size_t n, int rgb, int stroke,
               struct shape *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int col = stroke ? v[i].stroke : v[i].fill;
        if (col == rgb && k < max)
            out[k++] = v[i];
    }
    return k;
}

/* Ink (any non-transparent pixel) of c drawn at (ox, oy) on a surface
 * with a wide empty margin; returns the ink pixel count. */
static long
ink_bbox(const struct chart *c, double ox, double oy, int *x0, int *y0, int *x1,
         int *y1)
{
    double w, h;
    chart_get_size(c, &w, &h);
    int sw = (int)(w + 2 * ox), sh = (int)(h + 2 * oy);
    cairo_surface_t *s =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, sw, sh);
    cairo_t *cr = cairo_create(s);
    assert_int_equal(chart_draw(c, cr, ox, oy, w, h), 0);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    long count = 0;
    *x0 = *y0 = 1 << 30;
    *x1 = *y1 = -1;
    for (int y = 0; y < sh; y++) {
        uint32_t *row = (uint32_t *)(data + (size_t)y * stride);
        for (int x = 0; x < sw; x++) {
            if (row[x] >> 24) {
                count++;
                if (x < *x0)
                    *x0 = x;
                if (x > *x1)
                    *x1 = x;
                if (y < *y0)
                    *y0 = y;
                if (y > *y1)
                    *y1 = y;
            }
        }
    }
    cairo_surface_destroy(s);
    return count;
}

/* Raster and vector checks that everything stays inside the canvas. */
static void
assert_inside(const struct chart *c)
{
    double w, h;
    chart_get_size(c, &w, &h);
    int x0, y0, x1, y1;
    long ink = ink_bbox(c, 50, 40, &x0, &y0, &x1, &y1);
    assert_true(ink > 200);
    if (x0 < 50 || y0 < 40 || x1 >= 50 + w || y1 >= 40 + h)
        fail_msg("ink %d,%d..%d,%d outside canvas 50,40..%g,%g", x0, y0, x1, y1,
                 50 + w, 40 + h);
    cairo_surface_t *rec =
        cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *cr = cairo_create(rec);
    assert_int_equal(chart_draw(c, cr, 100, 100, w, h), 0);
    cairo_destroy(cr);
    double ex, ey, ew, eh;
    cairo_recording_surface_ink_extents(rec, &ex, &ey, &ew, &eh);
    cairo_surface_destroy(rec);
    if (ex < 100 - 0.01 || ey < 100 - 0.01 || ex + ew > 100 + w + 0.01 ||
        ey + eh > 100 + h + 0.01)
        fail_msg("vector ink %g,%g %gx%g outside 100,100 %gx%g", ex, ey, ew, eh,
                 w, h);
}

/* Writes c as out/<name>.png on white when CHART_OUT is set. */
static void
write_png(const struct chart *c, const char *name)
{
    const char *dir = getenv("CHART_OUT");
    if (!dir)
        return;
    double w, h;
    chart_get_size(c, &w, &h);
    cairo_surface_t *s =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    assert_int_equal(chart_draw(c, cr, 0, 0, w, h), 0);
    cairo_destroy(cr);
    char path[512];
    snprintf(path, sizeof path, "%s/%s.png", dir, name);
    assert_int_equal(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
}

static char *
format(const struct chart *c, double v)
{
    struct buf b;
    buf_init(&b);
    chart_format_value(c, v, &b);
    return buf_detach(&b, NULL);
}

static char *
format_tick(const struct chart *c, double v, double step)
{
    struct buf b;
    buf_init(&b);
    chart_format_tick(c, v, step, &b);
    return buf_detach(&b, NULL);
}

#define ASSERT_FMT(c, v, want)                                                 \
    do {                                                                       \
        char *s_ = format((c), (v));                                           \
        assert_string_equal(s_, (want));                                       \
        free(s_);                                                              \
    } while (0)

#define ASSERT_TICK(c, v, step, want)                                          \
    do {                                                                       \
        char *s_ = format_tick((c), (v), (step));                              \
        assert_string_equal(s_, (want));                                       \
        free(s_);                                                              \
    } while (0)

/* }==================================================================== */

/* {====================================================================
 * Sample specs, one per type (also written as PNGs)
 * ===================================================================== */

static const char *const sample_specs[][2] = {
    {"line",
     "return { type='line', title='AUC by release',"
     " subtitle='Validation AUC per release; minimum 0.75',"
     " x={'1.0','1.1','1.2','2.0','2.1','2.2','3.0'},"
     " series={ {name='AUC', values={0.81,0.82,0.80,0.84,0.83,0.86,0.85}},"
     "          {name='AUC (subgroup)', values={0.74,0.77,0.76,false,0.79,"
     "0.80,0.82}} },"
     " y_format='ratio', thresholds={ {value=0.75, label='min 0.75'} },"
     " bands={ {lo=0.7, hi=0.75, label='warning'} } }"},
    {"bar",
     "return { type='bar', title='Incidents by quarter',"
     " subtitle='Grouped by severity', x={'Q1 2024','Q2 2024','Q3 2024',"
     "'Q4 2024'}, series={ {name='Low', values={12,9,14,7}},"
     " {name='Medium', values={5,7,3,4}}, {name='High', values={1,0,2,1}} } }"},
    {"hbar",
     "return { type='hbar', title='Fairness gap by group',"
     " x={'Age 18-25','Age 26-40','Age 41-65','Age 65+',"
     "'Region: North','Region: South'},"
     " series={ {name='gap', values={0.031,-0.012,0.004,0.052,-0.027,0.018}}"
     " }, y_format='percent' }"},
    {"waterfall",
     "return { type='waterfall', title='Business case',"
     " subtitle='Annual, EUR', x={'Benefits','GPU','People','Net'},"
     " values={1200000,-80000,-270000}, total_label='Net',"
     " y_format='currency', currency='EUR' }"},
    {"donut", "return { type='donut', title='Controls met', value=0.62,"
              " label='62% met' }"},
    {"gauge",
     "return { type='gauge', title='Documentation coverage', value=0.78,"
     " thresholds={ {value=0.8, label='target 80%'} } }"},
    {"heatmap",
     "return { type='heatmap', title='Controls by framework',"
     " rows={'EU AI Act','ISO 42001','NIST AI RMF','Internal policy'},"
     " cols={'Data','Model','Monitoring','Oversight','Transparency'},"
     " cells={ {'met','met','partial','not-met','met'},"
     " {'met','partial','partial','met','n.a.'},"
     " {'partial','met','met','unknown','met'},"
     " {'met','met','not-met','met','partial'} } }"},
};
#define NSAMPLES (sizeof sample_specs / sizeof sample_specs[0])

/* }==================================================================== */

/* {====================================================================
 * Numbers
 * ===================================================================== */

/* 0..0.83 with 5 ticks: the range rounds up to 1.0 (nicenum, not
 * rounded), 1.0 / 4 = 0.25 and 2.5 is one of the nice steps, so the
 * ticks are 0, 0.25, ..., 1.0. Asking for 6 gives 1.0 / 5 = 0.2. */
static void
test_nice_ticks_exact(void **state)
{
    (void)state;
    double first, step;
    int n;
    assert_int_equal(chart_nice_ticks(0, 0.83, 5, &first, &step, &n), 0);
    assert_true(first == 0 && fabs(step - 0.25) < 1e-12 && n == 5);
    assert_int_equal(chart_nice_ticks(0, 0.83, 6, &first, &step, &n), 0);
    assert_true(first == 0 && fabs(step - 0.2) < 1e-12 && n == 6);
    /* 0..97: range 100, step 100/4 = 25. */
    assert_int_equal(chart_nice_ticks(0, 97, 5, &first, &step, &n), 0);
    assert_true(first == 0 && step == 25 && n == 5);
    /* -3.2..7.9: range 11.1 -> 20, 20/5 = 4 -> 5; -5, 0, 5, 10. */
    assert_int_equal(chart_nice_ticks(-3.2, 7.9, 6, &first, &step, &n), 0);
    assert_true(first == -5 && step == 5 && n == 4);
    /* Six orders of magnitude: 1..1e6 -> 0, 200k, ..., 1M. */
    assert_int_equal(chart_nice_ticks(1, 1e6, 6, &first, &step, &n), 0);
    assert_true(first == 0 && step == 2e5 && n == 6);
    /* 0.78..0.86: range 0.08 -> 0.1, 0.1/4 = 0.025 stays 2.5 x 10^-2. */
    assert_int_equal(chart_nice_ticks(0.78, 0.86, 5, &first, &step, &n), 0);
    assert_true(fabs(first - 0.775) < 1e-12 && fabs(step - 0.025) < 1e-12 &&
                n == 5);
    /* Empty ranges are widened: 0 to 0..1, 5 to 4.5..5.5. */
    assert_int_equal(chart_nice_ticks(0, 0, 5, &first, &step, &n), 0);
    assert_true(first == 0 && fabs(step - 0.25) < 1e-12 && n == 5);
    assert_int_equal(chart_nice_ticks(5, 5, 5, &first, &step, &n), 0);
    assert_true(first <= 4.5 && first + (n - 1) * step >= 5.5);
    /* Reversed bounds are swapped. */
    assert_int_equal(chart_nice_ticks(10, 0, 3, &first, &step, &n), 0);
    assert_true(first == 0 && step == 5 && n == 3);
}

static void
test_nice_ticks_errors(void **state)
{
    (void)state;
    double first, step;
    int n;
    assert_int_equal(chart_nice_ticks(NAN, 1, 5, &first, &step, &n), -1);
    assert_int_equal(chart_nice_ticks(0, INFINITY, 5, &first, &step, &n), -1);
    assert_int_equal(chart_nice_ticks(0, 1, 1, &first, &step, &n), -1);
    /* A huge span with a tiny target still terminates sensibly. */
    assert_int_equal(chart_nice_ticks(-1e15, 1e15, 11, &first, &step, &n), 0);
    assert_true(n >= 2 && n <= 12);
}

static void
test_format_labels(void **state)
{
    (void)state;
    struct chart *c = chart_new(CHART_BAR);
    ASSERT_FMT(c, 1234, "1.2k");
    ASSERT_FMT(c, 3.4e6, "3.4M");
    ASSERT_FMT(c, 1000, "1k");
    ASSERT_FMT(c, 999, "999");
    ASSERT_FMT(c, 999.96, "1k");
    ASSERT_FMT(c, 12.5, "12.5");
    ASSERT_FMT(c, 0.81, "0.81");
    ASSERT_FMT(c, 0, "0");
    ASSERT_FMT(c, -0.0001, "-0.0001");
    ASSERT_FMT(c, 1.234e-9, "0.00000000123");
    ASSERT_FMT(c, 2.5e9, "2.5B");
    ASSERT_FMT(c, 350000, "350k");
    ASSERT_FMT(c, 1e15, "1,000T");
    ASSERT_FMT(c, NAN, "n/a");
    chart_set_y_format(c, CHART_FORMAT_PERCENT);
    ASSERT_FMT(c, 0.12, "12%");
    ASSERT_FMT(c, 0.625, "62.5%");
    ASSERT_FMT(c, 1, "100%");
    ASSERT_FMT(c, -0.034, "-3.4%");
    chart_set_y_format(c, CHART_FORMAT_CURRENCY);
    ASSERT_FMT(c, 1.2e6, "$1.2M");
    ASSERT_FMT(c, -350000, "-$350k");
    ASSERT_FMT(c, 12.5, "$12.50");
    ASSERT_FMT(c, 12, "$12");
    assert_int_equal(chart_set_currency(c, "EUR"), 0);
    ASSERT_FMT(c, 1.2e6, "€1.2M");
    ASSERT_FMT(c, 350000, "€350k");
    assert_int_equal(chart_set_currency(c, "SEK"), 0);
    ASSERT_FMT(c, 1.2e6, "SEK 1.2M");
    assert_int_equal(chart_set_currency(c, "kr"), 0);
    ASSERT_FMT(c, 1.2e6, "kr1.2M");
    chart_set_y_format(c, CHART_FORMAT_RATIO);
    ASSERT_FMT(c, 0.8123, "0.81");
    ASSERT_FMT(c, 1.5, "1.50");
    ASSERT_FMT(c, 0.05, "0.050");
    /* -0.001 rounds to zero at two decimals: no "-0.00". */
    chart_set_y_format(c, CHART_FORMAT_NUMBER);
    assert_int_equal(chart_set_number_style(c, ",", "."), 0);
    ASSERT_FMT(c, 1234, "1,2k");
    ASSERT_FMT(c, 0.81, "0,81");
    chart_free(c);
}

static void
test_format_ticks(void **state)
{
    (void)state;
    struct chart *c = chart_new(CHART_BAR);
    ASSERT_TICK(c, 0, 2e5, "0");
    ASSERT_TICK(c, 2e5, 2e5, "200k");
    ASSERT_TICK(c, 1e6, 2e5, "1M");
    ASSERT_TICK(c, 1.2e6, 2e5, "1.2M");
    ASSERT_TICK(c, 1500, 500, "1.5k");
    ASSERT_TICK(c, 500, 500, "500");
    ASSERT_TICK(c, 0.5, 0.25, "0.50");
    ASSERT_TICK(c, -5, 5, "-5");
    ASSERT_TICK(c, 1.25e-7, 2.5e-8, "0.000000125");
    ASSERT_TICK(c, 1e-7, 2.5e-8, "0.000000100");
    chart_set_y_format(c, CHART_FORMAT_PERCENT);
    ASSERT_TICK(c, 0.2, 0.2, "20%");
    ASSERT_TICK(c, 0.05, 0.025, "5.0%");
    chart_set_y_format(c, CHART_FORMAT_RATIO);
    ASSERT_TICK(c, 1, 0.25, "1.00");
    ASSERT_TICK(c, 0.8, 0.02, "0.80");
    chart_set_y_format(c, CHART_FORMAT_CURRENCY);
    ASSERT_TICK(c, 1.2e6, 2e5, "$1.2M");
    ASSERT_TICK(c, -4e5, 2e5, "-$400k");
    ASSERT_TICK(c, 0, 2e5, "$0");
    chart_free(c);
}

/* }==================================================================== */

/* {====================================================================
 * API, setters and validation
 * ===================================================================== */

static void
test_type_names(void **state)
{
    (void)state;
    for (int i = 0; i < CHART_TYPE_COUNT; i++) {
        enum chart_type t;
        const char *name = chart_type_name((enum chart_type)i);
        assert_int_equal(chart_type_from_name(name, &t), 0);
        assert_int_equal(t, i);
    }
    enum chart_type t = CHART_BAR;
    assert_int_equal(chart_type_from_name("pie", &t), -1);
    assert_int_equal(t, CHART_BAR);
    assert_int_equal(chart_type_from_name(NULL, &t), -1);
    assert_string_equal(chart_type_name((enum chart_type)99), "unknown");
    assert_null(chart_new((enum chart_type)99));
}

static void
test_setters_reject_bad_input(void **state)
{
    (void)state;
    struct chart *c = chart_new(CHART_LINE);
    double w, h;
    chart_get_size(c, &w, &h);
    assert_true(w == 640 && h == 320);
    assert_int_equal(chart_set_size(c, 10, 320), -1);
    assert_int_equal(chart_set_size(c, NAN, 320), -1);
    assert_int_equal(chart_set_size(c, 800, INFINITY), -1);
    assert_int_equal(chart_set_size(c, 800, 400), 0);
    chart_get_size(c, &w, &h);
    assert_true(w == 800 && h == 400);
    assert_int_equal(chart_set_id(c, "3chart"), -1);
    assert_int_equal(chart_set_id(c, "a b"), -1);
    assert_int_equal(chart_set_id(c, "a\"b"), -1);
    assert_int_equal(chart_set_id(c, ""), -1);
    assert_int_equal(chart_set_id(c, "chart-3"), 0);
    assert_int_equal(chart_set_color(c, CHART_COLOR_TEXT, "red"), -1);
    assert_int_equal(chart_set_color(c, CHART_COLOR_TEXT, "#12345"), -1);
    assert_int_equal(chart_set_color(c, CHART_COLOR_TEXT, "#12g"), -1);
    assert_int_equal(chart_set_color(c, CHART_COLOR_TEXT, "#123"), 0);
    assert_int_equal(chart_set_color(c, CHART_COLOR_TEXT, "#11223344"), 0);
    assert_int_equal(chart_set_color(c, CHART_COLOR_BACKGROUND, "none"), 0);
    assert_int_equal(chart_check_color("transparent"), 0);
    assert_int_equal(chart_check_color(NULL), -1);
    const char *bad[] = {"#fff", "blue"};
    assert_int_equal(chart_set_palette(c, bad, 2), -1);
    assert_int_equal(chart_set_palette(c, bad, 0), -1);
    assert_int_equal(chart_set_font_sizes(c, 2, 0, 0), -1);
    assert_int_equal(chart_set_font_sizes(c, 0, 0, 100), -1);
    assert_int_equal(chart_set_font_sizes(c, 16, 0, 12), 0);
    assert_int_equal(chart_set_y_range(c, 1, 0), -1);
    assert_int_equal(chart_set_y_range(c, -INFINITY, 0), -1);
    assert_int_equal(chart_set_y_range(c, NAN, 5), 0);
    assert_int_equal(chart_set_currency(c, ""), -1);
    assert_int_equal(chart_set_currency(c, NULL), -1);
    assert_int_equal(chart_set_number_style(c, "", ","), -1);
    assert_int_equal(chart_set_number_style(c, ".", "12345678"), -1);
    assert_int_equal(chart_add_band(c, 0, 1, "x", "bogus"), -1);
    assert_int_equal(chart_add_category(c, "k", "K", NULL), 0);
    assert_int_equal(chart_add_category(c, "k", "again", NULL), -1);
    /* Control characters and bad UTF-8 are made safe, not refused. */
    chart_set_title(c, "bad \xff\xfe bytes\nand a newline");
    chart_add_x(c, "a");
    double v = 1;
    chart_add_series(c, "s", &v, 1);
    assert_int_equal(chart_validate(c, NULL), 0);
    char *svg = svg_of(c);
    free(check_svg_basics(svg, 800, 400));
    assert_non_null(strstr(svg, "bad \xef\xbf\xbd"));
    free(svg);
    chart_free(c);
    chart_free(NULL);
}

static void
assert_invalid(struct chart *c, const char *want)
{
    struct buf err;
    buf_init(&err);
    assert_int_equal(chart_validate(c, &err), -1);
    if (!strstr(err.data, want))
        fail_msg("validate said '%s', expected '%s'", err.data, want);
    buf_release(&err);
    struct buf out;
    buf_init(&out);
    assert_int_equal(chart_svg(c, &out), -1);
    assert_int_equal(chart_table_html(c, &out), -1);
    assert_int_equal(out.len, 0);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8);
    cairo_t *cr = cairo_create(s);
    assert_int_equal(chart_draw(c, cr, 0, 0, 640, 320), -1);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    chart_free(c);
}

static void
test_validate_errors(void **state)
{
    (void)state;
    double v3[] = {1, 2, 3};
    struct chart *c = series_chart(CHART_LINE, 3, v3);
    chart_add_x(c, "extra");
    assert_invalid(c, "series 1 's' has 3 values but x has 4 labels");

    double vinf[] = {1, INFINITY};
    assert_invalid(series_chart(CHART_BAR, 2, vinf),
                   "series 1 's' value 2 is infinite");
    double vbig[] = {1, 2e15};
    assert_invalid(series_chart(CHART_HBAR, 2, vbig),
                   "value 2 is out of range");

    c = chart_new(CHART_LINE);
    chart_set_x_scale(c, CHART_X_DATE);
    chart_add_x(c, "2024-01-01");
    chart_add_x(c, "2024-02-30");
    chart_add_series(c, "s", v3, 2);
    assert_invalid(c, "x label 2 '2024-02-30' is not a date (YYYY-MM-DD)");

    c = chart_new(CHART_LINE);
    chart_set_x_scale(c, CHART_X_DATE);
    chart_add_x(c, "2024-03-01");
    chart_add_x(c, "2024-01-01");
    chart_add_series(c, "s", v3, 2);
    assert_invalid(c, "x dates must increase: '2024-01-01' follows");

    c = series_chart(CHART_WATERFALL, 3, v3);
    chart_add_series(c, "t", v3, 3);
    assert_invalid(c, "a waterfall takes one series of steps, got 2");
    c = series_chart(CHART_WATERFALL, 3, v3);
    chart_add_x(c, "a");
    chart_add_x(c, "b");
    assert_invalid(c, "a waterfall with 3 values needs 3 x labels");

    c = chart_new(CHART_DONUT);
    chart_set_share(c, 1.2, NULL);
    assert_invalid(c, "share 1.2 is outside 0..1");

    c = chart_new(CHART_HEATMAP);
    chart_add_row(c, "r");
    chart_add_col(c, "c");
    chart_set_cell(c, 0, 1, 3);
    assert_invalid(c, "cell (1, 2) is outside the 1 x 1 grid");
    c = chart_new(CHART_HEATMAP);
    chart_add_row(c, "r");
    chart_add_col(c, "c");
    chart_set_cell_key(c, 0, 0, "meet");
    assert_invalid(c, "cell (1, 1) has unknown category 'meet'; known: 'met'");

    c = series_chart(CHART_LINE, 3, v3);
    chart_add_band(c, 2, 1, "b", NULL);
    assert_invalid(c, "band 1 has lo 2 above hi 1");
    c = series_chart(CHART_LINE, 3, v3);
    chart_add_threshold(c, NAN, "t");
    assert_invalid(c, "threshold 1 't' is not a finite value");
}

/* }==================================================================== */

/* {====================================================================
 * SVG structure and geometry per type
 * ===================================================================== */

#define BLUE 0x0072B2 /* palette[0] */

static void
test_svg_line(void **state)
{
    (void)state;
    struct chart *c = from_lua(example_line);
    char *svg = svg_of(c);
    char *prefix = check_svg_basics(svg, 640, 320);
    assert_string_equal(prefix, "c1");
    assert_non_null(strstr(svg, "<title id=\"c1-title\">AUC by release"));
    assert_non_null(strstr(svg, "AUC stays above the 0.75 minimum."));
    size_t n;
    struct shape *v = shapes_of(svg, &n);
    struct shape line[4];
    /* One stroked polyline and one filled marker path in the series
     * colour. Values 0.81, 0.82, 0.80: the highest point (smallest y) is
     * the middle one, so the polyline's y range spans the three. */
    assert_int_equal(shapes_colored(v, n, BLUE, 1, line, 4), 1);
    assert_int_equal(line[0].moves, 1);
    struct shape marks[4];
    assert_int_equal(shapes_colored(v, n, BLUE, 0, marks, 4), 1);
    assert_int_equal(marks[0].moves, 3);
    /* Threshold at 0.75 lies below the data: larger y than the line. */
    struct shape thr[4];
    assert_true(shapes_colored(v, n, 0x374151, 1, thr, 4) >= 1);
    assert_true(thr[0].y0 > line[0].y1);
    free(v);
    free(prefix);
    free(svg);
    chart_free(c);
}

/* Values 0.81, 0.82, 0.80 at x 1, 2, 3: reads the polyline's vertices. */
static void
test_svg_line_points(void **state)
{
    (void)state;
    double vals[] = {0.81, 0.82, 0.80};
    struct chart *c = series_chart(CHART_LINE, 3, vals);
    char *svg = svg_of(c);
    xmlDocPtr doc = svg_doc(svg);
    /* Find the path stroked in the series colour and read "M x y L ..." */
    const char *p = strstr(svg, "stroke=\"#0072b2\"");
    assert_non_null(p);
    const char *d = strstr(p, " d=\"");
    if (!d || d > strchr(p, '>')) {
        /* attribute order: d may come before style */
        const char *start = p;
        while (start > svg && *start != '<')
            start--;
        d = strstr(start, " d=\"");
    }
    assert_non_null(d);
    double x[3], y[3];
    assert_int_equal(sscanf(d, " d=\"M %lf %lf L %lf %lf L %lf %lf", &x[0],
                            &y[0], &x[1], &y[1], &x[2], &y[2]),
                     6);
    assert_true(x[0] < x[1] && x[1] < x[2]);
    assert_true(fabs((x[1] - x[0]) - (x[2] - x[1])) < 0.01);
    assert_true(y[1] < y[0] && y[0] < y[2]);
    xmlFreeDoc(doc);
    free(svg);
    chart_free(c);
}

static void
test_svg_bar_heights(void **state)
{
    (void)state;
    double vals[] = {1, 3, 2};
    struct chart *c = series_chart(CHART_BAR, 3, vals);
    char *svg = svg_of(c);
    free(check_svg_basics(svg, 640, 320));
    size_t n;
    struct shape *v = shapes_of(svg, &n);
    struct shape bars[8];
    assert_int_equal(shapes_colored(v, n, BLUE, 0, bars, 8), 3);
    /* Left to right; a taller bar's top is higher (smaller y); all share
     * the baseline; heights are proportional to the values. */
    assert_true(bars[0].x1 < bars[1].x0 && bars[1].x1 < bars[2].x0);
    assert_true(bars[1].y0 < bars[2].y0 && bars[2].y0 < bars[0].y0);
    assert_true(fabs(bars[0].y1 - bars[1].y1) < 0.01);
    assert_true(fabs(bars[1].y1 - bars[2].y1) < 0.01);
    double h0 = bars[0].y1 - bars[0].y0, h1 = bars[1].y1 - bars[1].y0;
    assert_true(fabs(h1 / h0 - 3) < 0.01);
    free(v);
    free(svg);
    chart_free(c);
}

static void
test_svg_bar_negative_and_stacked(void **state)
{
    (void)state;
    double a[] = {3, -2}, b[] = {1, -1};
    struct chart *c = chart_new(CHART_BAR);
    chart_add_x(c, "x");
    chart_add_x(c, "y");
    chart_add_series(c, "a", a, 2);
    chart_add_series(c, "b", b, 2);
    chart_set_stacked(c, 1);
    char *svg = svg_of(c);
    free(check_svg_basics(svg, 640, 320));
    size_t n;
    struct shape *v = shapes_of(svg, &n);
    struct shape la[4], lb[4];
    /* The legend's swatches come first. */
    assert_int_equal(shapes_colored(v, n, BLUE, 0, la, 4), 3);
    assert_int_equal(shapes_colored(v, n, 0xE69F00, 0, lb, 4), 3);
    struct shape *sa = la + 1, *sb = lb + 1;
    /* Positive stack: b sits on top of a. Negative stack: a hangs from
     * zero and b below it; zero is where a's positive bar starts. */
    double zero = sa[0].y1;
    assert_true(fabs(sb[0].y1 - sa[0].y0) < 0.01);
    assert_true(fabs(sa[1].y0 - zero) < 0.01);
    assert_true(fabs(sb[1].y0 - sa[1].y1) < 0.01);
    assert_true(sb[1].y1 > sa[1].y1);
    free(v);
    free(svg);
    chart_free(c);
}

static void
test_svg_hbar_widths(void **state)
{
    (void)state;
    double vals[] = {1, 3, 2};
    struct chart *c = series_chart(CHART_HBAR, 3, vals);
    char *svg = svg_of(c);
    free(check_svg_basics(svg, 640, 320));
    size_t n;
    struct shape *v = shapes_of(svg, &n);
    struct shape bars[8];
    assert_int_equal(shapes_colored(v, n, BLUE, 0, bars, 8), 3);
    /* Top to bottom in order; all start at zero; longer value, wider. */
    assert_true(bars[0].y1 < bars[1].y0 && bars[1].y1 < bars[2].y0);
    assert_true(fabs(bars[0].x0 - bars[1].x0) < 0.01);
    double w0 = bars[0].x1 - bars[0].x0, w1 = bars[1].x1 - bars[1].x0,
           w2 = bars[2].x1 - bars[2].x0;
    assert_true(w1 > w2 && w2 > w0);
    assert_true(fabs(w1 / w0 - 3) < 0.01);
    free(v);
    free(svg);
    chart_free(c);
}

static void
test_svg_waterfall(void **state)
{
    (void)state;
    struct chart *c = from_lua(sample_specs[3][1]);
    char *svg = svg_of(c);
    free(check_svg_basics(svg, 640, 320));
    size_t n;
    struct shape *v = shapes_of(svg, &n);
    struct shape up[4], down[4], total[4];
    /* Legend swatches come first in document order, then the bars. */
    size_t nu = shapes_colored(v, n, 0x009E73, 0, up, 4);
    size_t nd = shapes_colored(v, n, 0xD55E00, 0, down, 4);
    size_t nt = shapes_colored(v, n, 0x0072B2, 0, total, 4);
    assert_int_equal(nu, 2);
    assert_int_equal(nd, 3);
    assert_int_equal(nt, 2);
    struct shape ben = up[1], gpu = down[1], ppl = down[2], net = total[1];
    /* GPU hangs from the top of Benefits; People from the bottom of GPU;
     * Net's top is level with People's bottom (850k). */
    assert_true(fabs(gpu.y0 - ben.y0) < 0.01);
    assert_true(fabs(ppl.y0 - gpu.y1) < 0.01);
    assert_true(fabs(net.y0 - ppl.y1) < 0.01);
    assert_true(fabs(net.y1 - ben.y1) < 0.01);
    double hb = ben.y1 - ben.y0, hn = net.y1 - net.y0;
    assert_true(fabs(hn / hb - 850.0 / 1200.0) < 0.01);
    assert_true(ben.x1 < gpu.x0 && gpu.x1 < ppl.x0 && ppl.x1 < net.x0);
    free(v);
    free(svg);
    chart_free(c);
}

static void
test_svg_donut_gauge(void **state)
{
    (void)state;
    struct chart *c = from_lua(sample_specs[4][1]);
    char *svg = svg_of(c);
    free(check_svg_basics(svg, 640, 320));
    size_t n;
    struct shape *v = shapes_of(svg, &n);
    struct shape arc[2], track[2];
    assert_int_equal(shapes_colored(v, n, BLUE, 1, arc, 2), 1);
    assert_int_equal(shapes_colored(v, n, 0xe5e7eb, 1, track, 2), 1);
    /* 62% clockwise from 12 o'clock passes the right and bottom and ends
     * left of the centre: the arc spans the track's full height and more
     * than half its width. */
    double tw = track[0].x1 - track[0].x0;
    assert_true(arc[0].y1 >= track[0].y1 - 1);
    assert_true(arc[0].x1 - arc[0].x0 > tw * 0.5);
    free(v);
    free(svg);
    chart_free(c);

    c = from_lua(sample_specs[5][1]);
    svg = svg_of(c);
    free(check_svg_basics(svg, 640, 320));
    v = shapes_of(svg, &n);
    assert_int_equal(shapes_colored(v, n, BLUE, 1, arc, 2), 1);
    assert_int_equal(shapes_colored(v, n, 0xe5e7eb, 1, track, 2), 1);
    /* A semicircle: as wide as twice its height; the 78% arc starts on
     * the left end and stops short of the right. */
    double w = track[0].x1 - track[0].x0, h = track[0].y1 - track[0].y0;
    assert_true(fabs(w / h - 2) < 0.05);
    assert_true(fabs(arc[0].x0 - track[0].x0) < 0.5);
    assert_true(arc[0].x1 < track[0].x1 - 1);
    free(v);
    free(svg);
    chart_free(c);
}

static void
test_svg_heatmap(void **state)
{
    (void)state;
    struct chart *c = from_lua(sample_specs[6][1]);
    char *svg = svg_of(c);
    free(check_svg_basics(svg, 640, 320));
    size_t n;
    struct shape *v = shapes_of(svg, &n);
    struct shape met[16], notmet[8];
    /* 11 met cells plus the legend swatch; 2 not-met plus swatch. */
    assert_int_equal(shapes_colored(v, n, 0x009E73, 0, met, 16), 12);
    assert_int_equal(shapes_colored(v, n, 0xD55E00, 0, notmet, 8), 3);
    /* Cells of a row share y; cells of a column share x. (met[1] is row
     * 1 col 1, met[2] row 1 col 2, met[3] row 1 col 5.) */
    assert_true(fabs(met[1].y0 - met[2].y0) < 0.01);
    assert_true(met[2].x0 > met[1].x1);
    free(v);
    free(svg);
    chart_free(c);

    /* Numeric cells: larger values are darker. */
    c = chart_new(CHART_HEATMAP);
    chart_add_row(c, "r");
    chart_add_col(c, "lo");
    chart_add_col(c, "hi");
    chart_set_cell(c, 0, 0, 1);
    chart_set_cell(c, 0, 1, 100);
    svg = svg_of(c);
    free(check_svg_basics(svg, 640, 320));
    v = shapes_of(svg, &n);
    int lo = -1, hi = -1;
    for (size_t i = 0; i < n; i++) {
        if (v[i].fill < 0 || v[i].x1 - v[i].x0 < 100)
            continue;
        if (lo < 0)
            lo = v[i].fill;
        else
            hi = v[i].fill;
    }
    assert_true(lo >= 0 && hi >= 0);
    int lsum = (lo >> 16) + ((lo >> 8) & 255) + (lo & 255);
    int hsum = (hi >> 16) + ((hi >> 8) & 255) + (hi & 255);
    assert_true(hsum < lsum);
    free(v);
    free(svg);
    chart_free(c);
}

static void
test_svg_dates_by_time(void **state)
{
    (void)state;
    double vals[] = {1, 2, 3};
    struct chart *c = chart_new(CHART_LINE);
    chart_add_x(c, "2024-01-01");
    chart_add_x(c, "2024-01-02");
    chart_add_x(c, "2024-03-01");
    chart_add_series(c, "s", vals, 3);
    char *svg = svg_of(c);
    free(check_svg_basics(svg, 640, 320));
    const char *p = strstr(svg, "stroke=\"#0072b2\"");
    assert_non_null(p);
    while (p > svg && *p != '<')
        p--;
    const char *d = strstr(p, " d=\"");
    double x[3], y[3];
    assert_int_equal(sscanf(d, " d=\"M %lf %lf L %lf %lf L %lf %lf", &x[0],
                            &y[0], &x[1], &y[1], &x[2], &y[2]),
                     6);
    /* One day, then 59 days. */
    /* Cairo stores coordinates in 24.8 fixed point: allow for that. */
    assert_true(fabs((x[2] - x[1]) / (x[1] - x[0]) - 59) < 0.1);
    free(svg);
    /* Categories when asked, or when the dates are not in order. */
    chart_set_x_scale(c, CHART_X_CATEGORY);
    svg = svg_of(c);
    p = strstr(svg, "stroke=\"#0072b2\"");
    while (p > svg && *p != '<')
        p--;
    d = strstr(p, " d=\"");
    assert_int_equal(sscanf(d, " d=\"M %lf %lf L %lf %lf L %lf %lf", &x[0],
                            &y[0], &x[1], &y[1], &x[2], &y[2]),
                     6);
    assert_true(fabs((x[2] - x[1]) - (x[1] - x[0])) < 0.01);
    free(svg);
    chart_free(c);
}

static void
test_svg_nan_gap(void **state)
{
    (void)state;
    double vals[] = {1, NAN, 3, 4, NAN, 2, 5};
    struct chart *c = series_chart(CHART_LINE, 7, vals);
    char *svg = svg_of(c);
    free(check_svg_basics(svg, 640, 320));
    size_t n;
    struct shape *v = shapes_of(svg, &n);
    struct shape line[2], marks[2];
    /* Segments 3-4 and 2-5 (two subpaths); 1 is alone: it gets a marker.
     * Markers for all 5 points since they are far apart. */
    assert_int_equal(shapes_colored(v, n, BLUE, 1, line, 2), 1);
    assert_int_equal(line[0].moves, 2);
    assert_int_equal(shapes_colored(v, n, BLUE, 0, marks, 2), 1);
    assert_int_equal(marks[0].moves, 5);
    free(v);
    free(svg);
    chart_free(c);
}

/* Same spec, same bytes, whatever was rendered before; ids are local. */
static void
test_svg_determinism(void **state)
{
    (void)state;
    struct chart *a = from_lua(sample_specs[0][1]);
    struct chart *b = from_lua(sample_specs[6][1]);
    char *a1 = svg_of(a);
    char *b1 = svg_of(b);
    char *a2 = svg_of(a);
    char *b2 = svg_of(b);
    struct chart *a_again = from_lua(sample_specs[0][1]);
    char *a3 = svg_of(a_again);
    assert_string_equal(a1, a2);
    assert_string_equal(a1, a3);
    assert_string_equal(b1, b2);
    assert_string_not_equal(a1, b1);
    /* Without chart_set_id the prefix comes from the spec, so two
     * different charts inlined on one page do not share ids. */
    char *pa = check_svg_basics(a1, 640, 320);
    char *pb = check_svg_basics(b1, 640, 320);
    assert_string_not_equal(pa, pb);
    assert_int_equal(strncmp(pa, "chart-", 6), 0);
    assert_int_equal(chart_set_id(a, "chart-3"), 0);
    char *a4 = svg_of(a);
    char *p4 = check_svg_basics(a4, 640, 320);
    assert_string_equal(p4, "chart-3");
    assert_non_null(strstr(a4, "id=\"chart-3-1\""));
    free(pa);
    free(pb);
    free(p4);
    free(a1);
    free(a2);
    free(a3);
    free(a4);
    free(b1);
    free(b2);
    chart_free(a);
    chart_free(a_again);
    chart_free(b);
}

/* }==================================================================== */

/* {====================================================================
 * Pixels, vectors and edge cases
 * ===================================================================== */

static void
test_png_each_type(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSAMPLES; i++) {
        struct chart *c = from_lua(sample_specs[i][1]);
        assert_inside(c);
        write_png(c, sample_specs[i][0]);
        /* Small canvases squeeze but still fit. */
        assert_int_equal(chart_set_size(c, 200, 120), 0);
        assert_inside(c);
        char name[64];
        snprintf(name, sizeof name, "small-%s", sample_specs[i][0]);
        write_png(c, name);
        chart_free(c);
    }
}

static void
test_draw_any_surface(void **state)
{
    (void)state;
    struct chart *c = from_lua(sample_specs[1][1]);
    /* PDF: vectors, as the PDF renderer will use it. */
    cairo_surface_t *pdf =
        cairo_pdf_surface_create_for_stream(NULL, NULL, 595, 842);
    cairo_t *cr = cairo_create(pdf);
    cairo_translate(cr, 36, 100);
    cairo_scale(cr, 0.8, 0.8);
    assert_int_equal(chart_draw(c, cr, 0, 0, 640, 320), 0);
    assert_int_equal(chart_draw(c, cr, 0, 400, 400, 300), 0);
    cairo_destroy(cr);
    cairo_surface_finish(pdf);
    assert_int_equal(cairo_surface_status(pdf), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(pdf);
    /* The caller's state is restored. */
    cairo_surface_t *img =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 700, 400);
    cr = cairo_create(img);
    cairo_set_source_rgb(cr, 0.5, 0.25, 0.125);
    cairo_set_line_width(cr, 7);
    assert_int_equal(chart_draw(c, cr, 10, 10, 640, 320), 0);
    assert_true(cairo_get_line_width(cr) == 7);
    double r, g, b, a;
    cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &b, &a);
    assert_true(r == 0.5 && g == 0.25 && b == 0.125);
    assert_false(cairo_has_current_point(cr));
    /* Bad boxes are refused. */
    assert_int_equal(chart_draw(c, cr, 0, 0, 0, 320), -1);
    assert_int_equal(chart_draw(c, cr, NAN, 0, 640, 320), -1);
    assert_int_equal(chart_draw(NULL, cr, 0, 0, 640, 320), -1);
    cairo_destroy(cr);
    cairo_surface_destroy(img);
    chart_free(c);
}

static void
check_edge(struct chart *c, const char *name)
{
    print_message("edge case %s\n", name);
    char *svg = svg_of(c);
    double w, h;
    chart_get_size(c, &w, &h);
    free(check_svg_basics(svg, w, h));
    free(svg);
    assert_inside(c);
    struct buf t;
    buf_init(&t);
    assert_int_equal(chart_table_html(c, &t), 0);
    xmlDocPtr doc = svg_doc(t.data);
    xmlFreeDoc(doc);
    buf_release(&t);
    write_png(c, name);
    chart_free(c);
}

static void
test_edge_no_data(void **state)
{
    (void)state;
    for (int t = 0; t < CHART_TYPE_COUNT; t++) {
        struct chart *c = chart_new((enum chart_type)t);
        chart_set_title(c, "Nothing yet");
        char name[32];
        snprintf(name, sizeof name, "edge-nodata-%s",
                 chart_type_name((enum chart_type)t));
        /* "No data" is drawn in the middle of the plot area. */
        int x0, y0, x1, y1;
        assert_true(ink_bbox(c, 0, 0, &x0, &y0, &x1, &y1) > 100);
        assert_true(y1 > 140 && x1 > 300);
        check_edge(c, name);
    }
    /* All-missing values are no data as well. */
    double nan3[] = {NAN, NAN, NAN};
    check_edge(series_chart(CHART_LINE, 3, nan3), "edge-nodata-nan");
}

static void
test_edge_one_point_and_equal(void **state)
{
    (void)state;
    double one[] = {42};
    check_edge(series_chart(CHART_LINE, 1, one), "edge-one-point");
    check_edge(series_chart(CHART_BAR, 1, one), "edge-one-bar");
    double eq[] = {5, 5, 5, 5};
    check_edge(series_chart(CHART_LINE, 4, eq), "edge-equal");
    double zeros[] = {0, 0, 0};
    check_edge(series_chart(CHART_BAR, 3, zeros), "edge-zeros");
    struct chart *c = chart_new(CHART_LINE);
    chart_add_x(c, "2024-05-01");
    chart_add_series(c, "s", one, 1);
    check_edge(c, "edge-one-date");
}

static void
test_edge_negative_and_magnitudes(void **state)
{
    (void)state;
    double neg[] = {-3, 5, -1.5, 2, -4};
    struct chart *c = series_chart(CHART_BAR, 5, neg);
    chart_set_title(c, "Negative bars");
    check_edge(c, "edge-negative-bar");
    check_edge(series_chart(CHART_LINE, 5, neg), "edge-negative-line");
    check_edge(series_chart(CHART_HBAR, 5, neg), "edge-negative-hbar");
    double wf[] = {-100, 40, -20};
    check_edge(series_chart(CHART_WATERFALL, 3, wf), "edge-negative-waterfall");
    double mag[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    c = series_chart(CHART_BAR, 7, mag);
    chart_set_title(c, "Six orders of magnitude");
    check_edge(c, "edge-magnitude");
    double tiny[] = {1e-7, 3e-7, 2e-7};
    check_edge(series_chart(CHART_LINE, 3, tiny), "edge-tiny");
    double huge[] = {-1e15, 1e15};
    check_edge(series_chart(CHART_HBAR, 2, huge), "edge-huge");
}

static void
test_edge_many_series_and_points(void **state)
{
    (void)state;
    struct chart *c = chart_new(CHART_LINE);
    chart_set_title(c, "Fifty series");
    double v[6];
    for (int i = 0; i < 6; i++)
        chart_add_x(c, (const char *[]){"a", "b", "c", "d", "e", "f"}[i]);
    for (int s = 0; s < 50; s++) {
        char name[32];
        snprintf(name, sizeof name, "series %d", s + 1);
        for (int i = 0; i < 6; i++)
            v[i] = sin(s + i) * 10 + s;
        chart_add_series(c, name, v, 6);
    }
    check_edge(c, "edge-50-series");
    c = chart_new(CHART_BAR);
    for (int i = 0; i < 6; i++)
        chart_add_x(c, (const char *[]){"a", "b", "c", "d", "e", "f"}[i]);
    for (int s = 0; s < 50; s++) {
        char name[32];
        snprintf(name, sizeof name, "s%d", s + 1);
        for (int i = 0; i < 6; i++)
            v[i] = s + i;
        chart_add_series(c, name, v, 6);
    }
    chart_set_stacked(c, 1);
    check_edge(c, "edge-50-stacked");

    double *big = malloc(1000 * sizeof *big);
    for (int i = 0; i < 1000; i++)
        big[i] = sin(i / 30.0) * 100 + i * 0.1 + (i % 97 == 0 ? NAN : 0);
    c = series_chart(CHART_LINE, 1000, big);
    chart_set_title(c, "1,000 points");
    check_edge(c, "edge-1000-points");
    c = series_chart(CHART_BAR, 1000, big);
    check_edge(c, "edge-1000-bars");
    c = chart_new(CHART_LINE);
    for (int i = 0; i < 1000; i++) {
        char d[48];
        snprintf(d, sizeof d, "%04d-%02d-%02d", 2020 + i / 336,
                 i % 336 / 28 + 1, i % 28 + 1);
        chart_add_x(c, d);
    }
    chart_add_series(c, "daily", big, 1000);
    chart_set_title(c, "1,000 dates");
    check_edge(c, "edge-1000-dates");
    free(big);
}

static void
test_edge_long_and_foreign_labels(void **state)
{
    (void)state;
    char longl[201];
    for (int i = 0; i < 200; i++)
        longl[i] = "Extraordinarily long category label "[i % 36];
    longl[200] = '\0';
    double v[] = {3, 1, 4, 1, 5, 9, 2, 6};
    struct chart *c = chart_new(CHART_BAR);
    chart_set_title(c, longl);
    chart_set_subtitle(c, longl);
    for (int i = 0; i < 8; i++)
        chart_add_x(c, longl);
    chart_add_series(c, longl, v, 8);
    chart_add_series(c, "short", v, 8);
    check_edge(c, "edge-long-bar");
    c = chart_new(CHART_HBAR);
    for (int i = 0; i < 8; i++)
        chart_add_x(c, longl);
    chart_add_series(c, "v", v, 8);
    check_edge(c, "edge-long-hbar");
    c = chart_new(CHART_LINE);
    for (int i = 0; i < 8; i++)
        chart_add_x(c, i % 2 ? longl : "x");
    chart_add_series(c, "v", v, 8);
    chart_add_threshold(c, 4, longl);
    check_edge(c, "edge-long-line");
    c = chart_new(CHART_HEATMAP);
    for (int i = 0; i < 3; i++) {
        chart_add_row(c, longl);
        chart_add_col(c, longl);
    }
    for (int i = 0; i < 9; i++)
        chart_set_cell_key(c, (size_t)i / 3, (size_t)i % 3,
                           i % 2 ? "met" : "partial");
    check_edge(c, "edge-long-heatmap");
    c = chart_new(CHART_DONUT);
    chart_set_share(c, 0.3, longl);
    check_edge(c, "edge-long-donut");
    /* 24 categories of medium length force rotated labels. */
    c = chart_new(CHART_BAR);
    double v24[24];
    for (int i = 0; i < 24; i++) {
        char lab[32];
        snprintf(lab, sizeof lab, "Model variant %d", i + 1);
        chart_add_x(c, lab);
        v24[i] = i % 7 + 1;
    }
    chart_add_series(c, "v", v24, 24);
    chart_set_title(c, "Rotated labels");
    check_edge(c, "edge-rotated");

    c = chart_new(CHART_BAR);
    chart_set_title(c, "Ακρίβεια ανά έκδοση — 模型准确率");
    chart_add_x(c, "Ελληνικά");
    chart_add_x(c, "中文标签");
    chart_add_x(c, "日本語のラベル");
    chart_add_x(c, "مرحبا");
    double g[] = {0.9, 0.8, 0.7, 0.6};
    chart_add_series(c, "Σειρά α", g, 4);
    chart_add_series(c, "系列", g, 4);
    check_edge(c, "edge-greek-cjk");
}

static void
test_waterfall_start_and_total(void **state)
{
    (void)state;
    struct chart *c = chart_new(CHART_WATERFALL);
    double v[] = {500, 120, -80, NAN, 30};
    chart_add_x(c, "Start");
    chart_add_x(c, "A");
    chart_add_x(c, "B");
    chart_add_x(c, "missing");
    chart_add_x(c, "C");
    chart_add_series(c, "steps", v, 5);
    chart_set_first_is_start(c, 1);
    chart_set_total_label(c, "End");
    struct buf t;
    buf_init(&t);
    assert_int_equal(chart_table_html(c, &t), 0);
    assert_non_null(strstr(t.data, "<th scope=\"row\">Start</th><td>500</td>"
                                   "<td>500</td>"));
    assert_non_null(strstr(t.data, "<th scope=\"row\">A</th><td>+120</td>"));
    assert_non_null(strstr(t.data, "<th scope=\"row\">missing</th><td>n/a"
                                   "</td><td>540</td>"));
    assert_non_null(strstr(t.data, "<th scope=\"row\">End</th><td></td>"
                                   "<td>570</td>"));
    buf_release(&t);
    check_edge(c, "edge-waterfall-start");
}

/* }==================================================================== */

/* {====================================================================
 * HTML table
 * ===================================================================== */

static void
test_table_html(void **state)
{
    (void)state;
    struct chart *c = chart_new(CHART_BAR);
    chart_set_title(c, "Costs <by> \"team\" & 'year'");
    chart_set_subtitle(c, "USD");
    chart_set_x_name(c, "Team");
    chart_set_y_format(c, CHART_FORMAT_CURRENCY);
    chart_add_x(c, "<script>alert(1)</script>");
    chart_add_x(c, "Ops");
    double a[] = {1200000, NAN}, b[] = {-350000.5, 12};
    chart_add_series(c, "2023", a, 2);
    chart_add_series(c, "2024", b, 2);
    struct buf t;
    buf_init(&t);
    buf_puts(&t, "<keep/>");
    assert_int_equal(chart_table_html(c, &t), 0);
    assert_int_equal(strncmp(t.data, "<keep/>", 7), 0);
    const char *want[] = {
        "<table class=\"chart-table\">",
        "<caption>Costs &lt;by&gt; &quot;team&quot; &amp; &#39;year&#39;"
        "<br/><span class=\"chart-subtitle\">USD</span></caption>",
        "<tr><th scope=\"col\">Team</th><th scope=\"col\">2023</th>"
        "<th scope=\"col\">2024</th></tr>",
        "<tr><th scope=\"row\">&lt;script&gt;alert(1)&lt;/script&gt;</th>"
        "<td>$1,200,000</td><td>-$350,001</td></tr>",
        "<tr><th scope=\"row\">Ops</th><td>n/a</td><td>$12</td></tr>",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(t.data, want[i]))
            fail_msg("table lacks %s:\n%s", want[i], t.data);
    assert_null(strstr(t.data, "<script>"));
    xmlDocPtr doc = svg_doc(t.data + 7);
    xmlFreeDoc(doc);
    buf_release(&t);
    /* Number style applies in the table too. */
    chart_set_y_format(c, CHART_FORMAT_NUMBER);
    chart_set_number_style(c, ",", ".");
    buf_init(&t);
    assert_int_equal(chart_table_html(c, &t), 0);
    assert_non_null(strstr(t.data, "<td>1.200.000</td><td>-350.000,5</td>"));
    buf_release(&t);
    chart_free(c);
}

static void
test_table_other_types(void **state)
{
    (void)state;
    struct buf t;
    struct chart *c = from_lua(example_line);
    buf_init(&t);
    assert_int_equal(chart_table_html(c, &t), 0);
    assert_non_null(strstr(t.data, "<th scope=\"col\">Category</th>"));
    assert_non_null(strstr(t.data, "<th scope=\"row\">1.1</th><td>0.82</td>"));
    assert_non_null(strstr(t.data, "<tfoot>\n<tr><th scope=\"row\">Threshold:"
                                   " min 0.75</th><td colspan=\"1\">0.75"
                                   "</td>"));
    assert_non_null(strstr(t.data, "Band: warn</th><td colspan=\"1\">0.70 to"
                                   " 0.75</td>"));
    buf_release(&t);
    chart_free(c);

    c = from_lua(sample_specs[3][1]);
    buf_init(&t);
    assert_int_equal(chart_table_html(c, &t), 0);
    assert_non_null(strstr(t.data, "<th scope=\"row\">GPU</th><td>-€80,000"
                                   "</td><td>€1,120,000</td>"));
    assert_non_null(strstr(t.data, "<th scope=\"row\">Net</th><td></td>"
                                   "<td>€850,000</td>"));
    buf_release(&t);
    chart_free(c);

    c = from_lua(sample_specs[4][1]);
    buf_init(&t);
    assert_int_equal(chart_table_html(c, &t), 0);
    assert_non_null(strstr(t.data, "<th scope=\"row\">62% met</th>"
                                   "<td>62%</td>"));
    buf_release(&t);
    chart_free(c);

    c = from_lua(sample_specs[6][1]);
    buf_init(&t);
    assert_int_equal(chart_table_html(c, &t), 0);
    assert_non_null(strstr(t.data, "<tr><td></td><th scope=\"col\">Data</th>"));
    assert_non_null(strstr(t.data, "<th scope=\"row\">ISO 42001</th><td>Met"
                                   "</td><td>Partial</td><td>Partial</td>"
                                   "<td>Met</td><td>N/A</td></tr>"));
    buf_release(&t);
    chart_free(c);
}

/* }==================================================================== */

/* {====================================================================
 * Lua binding
 * ===================================================================== */

static void
test_lua_valid_specs(void **state)
{
    (void)state;
    struct chart *c = from_lua(example_line);
    assert_int_equal(chart_get_type(c), CHART_LINE);
    assert_int_equal(chart_validate(c, NULL), 0);
    chart_free(c);
    for (size_t i = 0; i < NSAMPLES; i++) {
        c = from_lua(sample_specs[i][1]);
        enum chart_type t;
        assert_int_equal(chart_type_from_name(sample_specs[i][0], &t), 0);
        assert_int_equal(chart_get_type(c), t);
        chart_free(c);
    }
    /* Numbers as labels, 0/0 and false as missing, dates, size, theme. */
    c = from_lua("return { type='line', x={'2024-01-01','2024-02-01',"
                 "'2024-03-01'}, x_scale='date', series={ {name=2024,"
                 " values={1, 0/0, false}} }, width=400, height=200,"
                 " y_min=0, y_max=10, decimal=',', grouping='.',"
                 " theme={background='#ffffff', title_size=16,"
                 " palette={'#111111'}} }");
    double w, h;
    chart_get_size(c, &w, &h);
    assert_true(w == 400 && h == 200);
    struct buf t;
    buf_init(&t);
    assert_int_equal(chart_table_html(c, &t), 0);
    assert_non_null(strstr(t.data, "<th scope=\"col\">Date</th>"
                                   "<th scope=\"col\">2024</th>"));
    assert_non_null(strstr(t.data, "<td>n/a</td></tr>\n<tr><th scope=\"row\">"
                                   "2024-03-01</th><td>n/a</td>"));
    buf_release(&t);
    chart_free(c);
}

static void
test_lua_errors(void **state)
{
    (void)state;
    assert_lua_error("return 42", "chart spec must be a table, got number");
    assert_lua_error("return {title='x'}",
                     "chart spec needs a string 'type', got nil");
    assert_lua_error("return {type='pie'}",
                     "unknown chart type 'pie' (expected line, bar, hbar, "
                     "waterfall, donut, gauge or heatmap)");
    assert_lua_error("return {type='line', tite='x'}",
                     "unknown field 'tite' in chart spec (did you mean "
                     "'title'?)");
    assert_lua_error("return {type='line', [1]='x'}",
                     "chart spec keys must be strings, got a number key");
    assert_lua_error("return {type='line', x={'a','b'}, series={ {name='s',"
                     " values={1,2,3}} }}",
                     "series 1 's' has 3 values but x has 2 labels");
    assert_lua_error("return {type='bar', x={'a','b'}, series={ {name='s',"
                     " values={1,'two'}} }}",
                     "series 1 ('s') value 2 is not a number (got string)");
    assert_lua_error("return {type='bar', x={'a'}, series={ {name='s'} }}",
                     "series 1 has no 'values'");
    assert_lua_error("return {type='bar', x={'a'}, series={ {name='s',"
                     " value={1}} }}",
                     "unknown field 'value' in series 1 (did you mean "
                     "'values'?)");
    assert_lua_error("return {type='bar', x={'a'}, series={ 7 }}",
                     "series 1 must be a table, got number");
    assert_lua_error("return {type='bar', title={}}",
                     "'title' must be a string, got table");
    assert_lua_error("return {type='bar', x={'a', {}}}",
                     "x[2] must be a string, got table");
    assert_lua_error("return {type='bar', y_format='money'}",
                     "unknown y_format 'money' (expected number, percent, "
                     "currency or ratio)");
    assert_lua_error("return {type='bar', width=10}",
                     "size 10x320 is outside 64..8192");
    assert_lua_error("return {type='bar', stacked='yes'}",
                     "'stacked' must be a boolean, got string");
    assert_lua_error("return {type='bar', theme={grid='grey'}}",
                     "theme 'grid' is not a colour: 'grey'");
    assert_lua_error("return {type='bar', theme={palette={'#fff', 3}}}",
                     "theme palette[2] must be a string, got number");
    assert_lua_error("return {type='bar', theme={fnt='x'}}",
                     "unknown field 'fnt' in theme (did you mean 'font'?)");
    assert_lua_error("return {type='line', thresholds={ {label='x'} }}",
                     "threshold 1 needs a 'value' (or 'lo' and 'hi')");
    assert_lua_error("return {type='line', bands={ {lo=1} }}",
                     "band 1 needs numbers 'lo' and 'hi'");
    assert_lua_error("return {type='donut', value=1.5}",
                     "share 1.5 is outside 0..1");
    assert_lua_error("return {type='heatmap', rows={'r'}, cols={'c'},"
                     " cells={ {true} }}",
                     "cells[1][1] must be a number or a category key, got "
                     "boolean");
    assert_lua_error("return {type='heatmap', rows={'r'}, cols={'c'},"
                     " categories={ {key='ok', color='#0f0'} }, cells={ {'no'}"
                     " }}",
                     "cell (1, 1) has unknown category 'no'; known: 'ok'");
    assert_lua_error("return {type='heatmap', categories={ {key='a'},"
                     " {key='a'} }}",
                     "category 2 repeats the key 'a'");
    assert_lua_error("return {type='line', id='has space'}",
                     "bad id 'has space'");
    assert_lua_error("return {type='waterfall', x={'a'}, values={1,2,3}}",
                     "a waterfall with 3 values needs 3 x labels");
}

/* A counting allocator that fails past a limit: LUA_ERRMEM can strike
 * anywhere inside chart_from_lua, and nothing may leak (ASan checks). */
struct lim {
    size_t used, limit;
};

static void *
lim_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct lim *l = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        l->used -= old;
        return NULL;
    }
    if (l->used - old + nsize > l->limit)
        return NULL;
    void *p = realloc(ptr, nsize);
    if (p)
        l->used = l->used - old + nsize;
    return p;
}

static int
l_convert(lua_State *L)
{
    struct buf err;
    buf_init(&err);
    struct chart *c = NULL;
    int rc = chart_from_lua(L, 1, &c, &err);
    chart_free(c);
    buf_release(&err);
    lua_pushboolean(L, rc == 0);
    return 1;
}

static void
test_lua_memory_errors(void **state)
{
    (void)state;
    struct lim l = {0, (size_t)-1};
    lua_State *L = lua_newstate(lim_alloc, &l);
    luaL_openlibs(L);
    assert_int_equal(luaL_dostring(L, sample_specs[0][1]), LUA_OK);
    lua_setglobal(L, "spec");
    lua_gc(L, LUA_GCCOLLECT);
    int memerrs = 0, ok = 0;
    for (size_t extra = 0; extra < 65536 && !ok; extra += 64) {
        lua_pushcfunction(L, l_convert);
        lua_getglobal(L, "spec");
        lua_gc(L, LUA_GCCOLLECT);
        lua_gc(L, LUA_GCSTOP);
        l.limit = l.used + extra;
        int rc = lua_pcall(L, 1, 1, 0);
        l.limit = (size_t)-1;
        lua_gc(L, LUA_GCRESTART);
        if (rc == LUA_ERRMEM)
            memerrs++;
        else if (rc == LUA_OK && lua_toboolean(L, -1))
            ok = 1;
        lua_pop(L, 1);
        lua_gc(L, LUA_GCCOLLECT);
    }
    assert_true(memerrs > 0);
    assert_true(ok);
    lua_close(L);
}

/* }==================================================================== */

static void
test_timing_1000(void **state)
{
    (void)state;
    int n = getenv("CHART_QUICK") ? 100 : 1000;
    struct chart *specs[NSAMPLES];
    for (size_t i = 0; i < NSAMPLES; i++)
        specs[i] = from_lua(sample_specs[i][1]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t bytes = 0;
    for (int i = 0; i < n; i++) {
        struct buf b;
        buf_init(&b);
        assert_int_equal(chart_svg(specs[i % NSAMPLES], &b), 0);
        bytes += b.len;
        buf_release(&b);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("[ TIMING   ] %d charts (all 7 types) to SVG in %.0f ms, %.2f ms "
           "each, %.1f KiB average\n",
           n, ms, ms / n, bytes / 1024.0 / n);
    for (size_t i = 0; i < NSAMPLES; i++)
        chart_free(specs[i]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nice_ticks_exact),
        cmocka_unit_test(test_nice_ticks_errors),
        cmocka_unit_test(test_format_labels),
        cmocka_unit_test(test_format_ticks),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_setters_reject_bad_input),
        cmocka_unit_test(test_validate_errors),
        cmocka_unit_test(test_svg_line),
        cmocka_unit_test(test_svg_line_points),
        cmocka_unit_test(test_svg_bar_heights),
        cmocka_unit_test(test_svg_bar_negative_and_stacked),
        cmocka_unit_test(test_svg_hbar_widths),
        cmocka_unit_test(test_svg_waterfall),
        cmocka_unit_test(test_svg_donut_gauge),
        cmocka_unit_test(test_svg_heatmap),
        cmocka_unit_test(test_svg_dates_by_time),
        cmocka_unit_test(test_svg_nan_gap),
        cmocka_unit_test(test_svg_determinism),
        cmocka_unit_test(test_png_each_type),
        cmocka_unit_test(test_draw_any_surface),
        cmocka_unit_test(test_edge_no_data),
        cmocka_unit_test(test_edge_one_point_and_equal),
        cmocka_unit_test(test_edge_negative_and_magnitudes),
        cmocka_unit_test(test_edge_many_series_and_points),
        cmocka_unit_test(test_edge_long_and_foreign_labels),
        cmocka_unit_test(test_waterfall_start_and_total),
        cmocka_unit_test(test_table_html),
        cmocka_unit_test(test_table_other_types),
        cmocka_unit_test(test_lua_valid_specs),
        cmocka_unit_test(test_lua_errors),
        cmocka_unit_test(test_lua_memory_errors),
        cmocka_unit_test(test_timing_1000),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
