/* chart_lua: Lua table spec to struct chart (see chart_lua.h).
 *
 * Any Lua API call that allocates may raise LUA_ERRMEM, which longjmps past
 * C cleanup. So the chart under construction lives in a userdata whose __gc
 * frees it, value arrays are read into userdata scratch space, and the
 * only error path of our own returns -1 after freeing the chart. Values are
 * read with lua_rawget/lua_rawgeti and lua_type checks, never luaL_check*,
 * which would raise instead of returning a message. */
#include "chart_lua.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "diag.h"

#define HOLDER_META "dossier.chart.holder"
#define MAX_ITEMS 100000

struct holder {
    struct chart *chart;
};

static int
holder_gc(lua_State *L)
{
    struct holder *h = lua_touserdata(L, 1);
    if (h && h->chart) {
        chart_free(h->chart);
        h->chart = NULL;
    }
    return 0;
}

struct reader {
    lua_State *L;
    struct chart *c;
    struct buf *err;
};

static int fail(struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(r->err, fmt, ap);
    va_end(ap);
    return -1;
}

/* Pushes t[k] without metamethods and returns its type. */
static int
raw_field(lua_State *L, int t, const char *k)
{
    lua_pushstring(L, k);
    return lua_rawget(L, t);
}

static const char *
type_of(lua_State *L, int i)
{
    return lua_typename(L, lua_type(L, i));
}

/* Pushes t[k] and returns 0 if it is nil or of type want (LUA_TSTRING
 * also takes numbers, written as Lua writes them); otherwise pops it and
 * returns -1 with a message naming where. */
static int
push_field(struct reader *r, int t, const char *k, int want, const char *where)
{
    int ty = raw_field(r->L, t, k);
    if (ty == LUA_TNIL || ty == want ||
        (want == LUA_TSTRING && ty == LUA_TNUMBER)) {
        if (ty == LUA_TNUMBER && want == LUA_TSTRING)
            lua_tostring(r->L, -1); /* converts the stack copy only */
        return 0;
    }
    const char *got = type_of(r->L, -1);
    lua_pop(r->L, 1);
    return fail(r, "%s'%s' must be a %s, got %s", where, k,
                lua_typename(r->L, want), got);
}

/* Refuses keys outside known, suggesting the nearest one. */
static int
check_keys(struct reader *r, int t, const char *const *known, size_t n,
           const char *what)
{
    lua_State *L = r->L;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (lua_type(L, -2) != LUA_TSTRING) {
            const char *ty = type_of(L, -2);
            lua_pop(L, 2);
            return fail(r, "%s keys must be strings, got a %s key", what, ty);
        }
        const char *key = lua_tostring(L, -2);
        size_t i;
        for (i = 0; i < n; i++)
            if (!strcmp(key, known[i]))
                break;
        if (i == n) {
            const char *s = diag_suggest(key, known, n);
            if (s)
                fail(r, "unknown field '%s' in %s (did you mean '%s'?)", key,
                     what, s);
            else
                fail(r, "unknown field '%s' in %s", key, what);
            lua_pop(L, 2);
            return -1;
        }
        lua_pop(L, 1);
    }
    return 0;
}

static int
read_string(struct reader *r, int t, const char *k, const char *where,
            void (*set)(struct chart *, const char *))
{
    if (push_field(r, t, k, LUA_TSTRING, where) != 0)
        return -1;
    if (lua_type(r->L, -1) != LUA_TNIL)
        set(r->c, lua_tostring(r->L, -1));
    lua_pop(r->L, 1);
    return 0;
}

/* *v is left alone when the field is nil. */
static int
read_number(struct reader *r, int t, const char *k, const char *where,
            double *v)
{
    if (push_field(r, t, k, LUA_TNUMBER, where) != 0)
        return -1;
    if (lua_type(r->L, -1) == LUA_TNUMBER)
        *v = lua_tonumber(r->L, -1);
    lua_pop(r->L, 1);
    return 0;
}

static int
read_bool(struct reader *r, int t, const char *k, int *v)
{
    if (push_field(r, t, k, LUA_TBOOLEAN, "") != 0)
        return -1;
    if (lua_type(r->L, -1) == LUA_TBOOLEAN)
        *v = lua_toboolean(r->L, -1);
    lua_pop(r->L, 1);
    return 0;
}

/* Pushes t[k] if it is a table (returns 1), nothing if nil (returns 0),
 * -1 with a message otherwise. The array length is checked too. */
static int
push_array(struct reader *r, int t, const char *k, const char *where, size_t *n)
{
    if (push_field(r, t, k, LUA_TTABLE, where) != 0)
        return -1;
    if (lua_type(r->L, -1) == LUA_TNIL) {
        lua_pop(r->L, 1);
        return 0;
    }
    lua_Unsigned len = lua_rawlen(r->L, -1);
    if (len > MAX_ITEMS) {
        lua_pop(r->L, 1);
        return fail(r, "%s'%s' has %llu items, at most %d", where, k,
                    (unsigned long long)len, MAX_ITEMS);
    }
    *n = (size_t)len;
    return 1;
}

/* Strings of an array field, each handed to add. */
static int
read_strings(struct reader *r, int t, const char *k,
             void (*add)(struct chart *, const char *))
{
    size_t n;
    int got = push_array(r, t, k, "", &n);
    if (got <= 0)
        return got;
    int a = lua_gettop(r->L);
    for (size_t i = 1; i <= n; i++) {
        int ty = lua_rawgeti(r->L, a, (lua_Integer)i);
        if (ty != LUA_TSTRING && ty != LUA_TNUMBER) {
            const char *tn = type_of(r->L, -1);
            lua_pop(r->L, 2);
            return fail(r, "%s[%zu] must be a string, got %s", k, i, tn);
        }
        add(r->c, lua_tostring(r->L, -1));
        lua_pop(r->L, 1);
    }
    lua_pop(r->L, 1);
    return 0;
}

/* Numbers of the array at the top of the stack into a userdata buffer
 * pushed above it (so Lua owns it); false is a missing value. */
static int
read_values(struct reader *r, size_t n, const char *what, double **out)
{
    lua_State *L = r->L;
    int a = lua_gettop(L);
    double *v = lua_newuserdatauv(L, (n ? n : 1) * sizeof *v, 0);
    for (size_t i = 1; i <= n; i++) {
        int ty = lua_rawgeti(L, a, (lua_Integer)i);
        if (ty == LUA_TNUMBER) {
            v[i - 1] = lua_tonumber(L, -1);
        } else if (ty == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
            v[i - 1] = NAN;
        } else {
            const char *tn = type_of(L, -1);
            lua_pop(L, 2);
            return fail(r, "%s value %zu is not a number (got %s)", what, i,
                        tn);
        }
        lua_pop(L, 1);
    }
    *out = v;
    return 0;
}

static int
read_series(struct reader *r, int t)
{
    lua_State *L = r->L;
    size_t n;
    int got = push_array(r, t, "series", "", &n);
    if (got <= 0)
        return got;
    int a = lua_gettop(L);
    static const char *const keys[] = {"name", "values"};
    for (size_t i = 1; i <= n; i++) {
        char what[64];
        snprintf(what, sizeof what, "series %zu", i);
        if (lua_rawgeti(L, a, (lua_Integer)i) != LUA_TTABLE) {
            const char *tn = type_of(L, -1);
            lua_settop(L, a - 1);
            return fail(r, "%s must be a table, got %s", what, tn);
        }
        int s = lua_gettop(L);
        if (check_keys(r, s, keys, 2, what) != 0)
            goto fail;
        if (push_field(r, s, "name", LUA_TSTRING, "series ") != 0)
            goto fail;
        int name = lua_gettop(L);
        size_t nv = 0;
        int has = push_array(r, s, "values", "series ", &nv);
        if (has < 0)
            goto fail;
        if (has == 0) {
            lua_settop(L, a - 1);
            return fail(r, "%s has no 'values'", what);
        }
        if (lua_type(L, name) == LUA_TSTRING)
            snprintf(what, sizeof what, "series %zu ('%.40s')", i,
                     lua_tostring(L, name));
        double *v;
        if (read_values(r, nv, what, &v) != 0)
            goto fail;
        chart_add_series(r->c, lua_tostring(L, name), v, nv);
        lua_settop(L, s - 1);
    }
    lua_pop(L, 1);
    return 0;
fail:
    lua_settop(L, a - 1);
    return -1;
}

/* Waterfall shorthand: values={...} is the one series of steps. */
static int
read_top_values(struct reader *r, int t)
{
    size_t n;
    int got = push_array(r, t, "values", "", &n);
    if (got <= 0)
        return got;
    int a = lua_gettop(r->L);
    double *v;
    if (read_values(r, n, "values", &v) != 0) {
        lua_settop(r->L, a - 1);
        return -1;
    }
    chart_add_series(r->c, "values", v, n);
    lua_settop(r->L, a - 1);
    return 0;
}

static int
read_thresholds(struct reader *r, int t)
{
    lua_State *L = r->L;
    size_t n;
    int got = push_array(r, t, "thresholds", "", &n);
    if (got <= 0)
        return got;
    int a = lua_gettop(L);
    static const char *const keys[] = {"value", "label", "lo", "hi", "color"};
    for (size_t i = 1; i <= n; i++) {
        char what[48];
        snprintf(what, sizeof what, "threshold %zu", i);
        if (lua_rawgeti(L, a, (lua_Integer)i) != LUA_TTABLE) {
            const char *tn = type_of(L, -1);
            lua_settop(L, a - 1);
            return fail(r, "%s must be a table, got %s", what, tn);
        }
        int s = lua_gettop(L);
        double value = NAN, lo = NAN, hi = NAN;
        if (check_keys(r, s, keys, 5, what) != 0 ||
            read_number(r, s, "value", "threshold ", &value) != 0 ||
            read_number(r, s, "lo", "threshold ", &lo) != 0 ||
            read_number(r, s, "hi", "threshold ", &hi) != 0 ||
            push_field(r, s, "label", LUA_TSTRING, "threshold ") != 0)
            goto fail;
        if (push_field(r, s, "color", LUA_TSTRING, "threshold ") != 0)
            goto fail;
        const char *label = lua_tostring(L, -2), *color = lua_tostring(L, -1);
        if (isnan(value) && (isnan(lo) || isnan(hi))) {
            lua_settop(L, a - 1);
            return fail(r, "%s needs a 'value' (or 'lo' and 'hi')", what);
        }
        if (!isnan(value))
            chart_add_threshold(r->c, value, label);
        if (!isnan(lo) || !isnan(hi)) {
            if (chart_add_band(r->c, lo, hi, isnan(value) ? label : NULL,
                               color) != 0) {
                lua_settop(L, a - 1);
                return fail(r, "%s has a bad color '%s'", what, color);
            }
        }
        lua_settop(L, s - 1);
    }
    lua_pop(L, 1);
    return 0;
fail:
    lua_settop(L, a - 1);
    return -1;
}

static int
read_bands(struct reader *r, int t)
{
    lua_State *L = r->L;
    size_t n;
    int got = push_array(r, t, "bands", "", &n);
    if (got <= 0)
        return got;
    int a = lua_gettop(L);
    static const char *const keys[] = {"lo", "hi", "label", "color"};
    for (size_t i = 1; i <= n; i++) {
        char what[48];
        snprintf(what, sizeof what, "band %zu", i);
        if (lua_rawgeti(L, a, (lua_Integer)i) != LUA_TTABLE) {
            const char *tn = type_of(L, -1);
            lua_settop(L, a - 1);
            return fail(r, "%s must be a table, got %s", what, tn);
        }
        int s = lua_gettop(L);
        double lo = NAN, hi = NAN;
        if (check_keys(r, s, keys, 4, what) != 0 ||
            read_number(r, s, "lo", "band ", &lo) != 0 ||
            read_number(r, s, "hi", "band ", &hi) != 0 ||
            push_field(r, s, "label", LUA_TSTRING, "band ") != 0)
            goto fail;
        if (push_field(r, s, "color", LUA_TSTRING, "band ") != 0)
            goto fail;
        if (isnan(lo) || isnan(hi)) {
            lua_settop(L, a - 1);
            return fail(r, "%s needs numbers 'lo' and 'hi'", what);
        }
        const char *color = lua_tostring(L, -1);
        if (chart_add_band(r->c, lo, hi, lua_tostring(L, -2), color) != 0) {
            lua_settop(L, a - 1);
            return fail(r, "%s has a bad color '%s'", what, color);
        }
        lua_settop(L, s - 1);
    }
    lua_pop(L, 1);
    return 0;
fail:
    lua_settop(L, a - 1);
    return -1;
}

static int
read_categories(struct reader *r, int t)
{
    lua_State *L = r->L;
    size_t n;
    int got = push_array(r, t, "categories", "", &n);
    if (got <= 0)
        return got;
    int a = lua_gettop(L);
    static const char *const keys[] = {"key", "label", "color"};
    for (size_t i = 1; i <= n; i++) {
        char what[48];
        snprintf(what, sizeof what, "category %zu", i);
        if (lua_rawgeti(L, a, (lua_Integer)i) != LUA_TTABLE) {
            const char *tn = type_of(L, -1);
            lua_settop(L, a - 1);
            return fail(r, "%s must be a table, got %s", what, tn);
        }
        int s = lua_gettop(L);
        if (check_keys(r, s, keys, 3, what) != 0 ||
            push_field(r, s, "key", LUA_TSTRING, "category ") != 0 ||
            push_field(r, s, "label", LUA_TSTRING, "category ") != 0 ||
            push_field(r, s, "color", LUA_TSTRING, "category ") != 0)
            goto fail;
        const char *key = lua_tostring(L, s + 1);
        const char *label = lua_tostring(L, s + 2);
        const char *color = lua_tostring(L, s + 3);
        if (!key) {
            lua_settop(L, a - 1);
            return fail(r, "%s needs a 'key'", what);
        }
        if (chart_add_category(r->c, key, label, color) != 0) {
            lua_settop(L, a - 1);
            if (color && chart_check_color(color) != 0)
                return fail(r, "%s has a bad color '%s'", what, color);
            return fail(r, "%s repeats the key '%s'", what, key);
        }
        lua_settop(L, s - 1);
    }
    lua_pop(L, 1);
    return 0;
fail:
    lua_settop(L, a - 1);
    return -1;
}

static int
read_cells(struct reader *r, int t)
{
    lua_State *L = r->L;
    size_t n;
    int got = push_array(r, t, "cells", "", &n);
    if (got <= 0)
        return got;
    int a = lua_gettop(L);
    for (size_t i = 1; i <= n; i++) {
        if (lua_rawgeti(L, a, (lua_Integer)i) != LUA_TTABLE) {
            const char *tn = type_of(L, -1);
            lua_settop(L, a - 1);
            return fail(r, "cells[%zu] must be a table (a row), got %s", i, tn);
        }
        int row = lua_gettop(L);
        lua_Unsigned m = lua_rawlen(L, row);
        if (m > MAX_ITEMS) {
            lua_settop(L, a - 1);
            return fail(r, "cells[%zu] has too many items", i);
        }
        for (lua_Unsigned j = 1; j <= m; j++) {
            int ty = lua_rawgeti(L, row, (lua_Integer)j);
            if (ty == LUA_TNUMBER) {
                chart_set_cell(r->c, i - 1, (size_t)j - 1, lua_tonumber(L, -1));
            } else if (ty == LUA_TSTRING) {
                chart_set_cell_key(r->c, i - 1, (size_t)j - 1,
                                   lua_tostring(L, -1));
            } else if (ty != LUA_TNIL &&
                       !(ty == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
                const char *tn = type_of(L, -1);
                lua_settop(L, a - 1);
                return fail(r,
                            "cells[%zu][%llu] must be a number or a "
                            "category key, got %s",
                            i, (unsigned long long)j, tn);
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return 0;
}

static const struct {
    const char *name;
    enum chart_color_role role;
} color_keys[] = {
    {"text", CHART_COLOR_TEXT},
    {"muted", CHART_COLOR_MUTED},
    {"grid", CHART_COLOR_GRID},
    {"axis", CHART_COLOR_AXIS},
    {"background", CHART_COLOR_BACKGROUND},
    {"positive", CHART_COLOR_POSITIVE},
    {"negative", CHART_COLOR_NEGATIVE},
    {"total", CHART_COLOR_TOTAL},
    {"threshold", CHART_COLOR_THRESHOLD},
    {"band", CHART_COLOR_BAND},
};
#define NCOLOR_KEYS (sizeof color_keys / sizeof color_keys[0])

static int
read_theme(struct reader *r, int t)
{
    lua_State *L = r->L;
    if (push_field(r, t, "theme", LUA_TTABLE, "") != 0)
        return -1;
    if (lua_type(L, -1) == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    int th = lua_gettop(L);
    static const char *const keys[] = {
        "font",     "title_size", "subtitle_size", "label_size", "palette",
        "text",     "muted",      "grid",          "axis",       "background",
        "positive", "negative",   "total",         "threshold",  "band",
    };
    double ts = 0, ss = 0, ls = 0;
    if (check_keys(r, th, keys, sizeof keys / sizeof keys[0], "theme") != 0 ||
        read_string(r, th, "font", "theme ", chart_set_font) != 0 ||
        read_number(r, th, "title_size", "theme ", &ts) != 0 ||
        read_number(r, th, "subtitle_size", "theme ", &ss) != 0 ||
        read_number(r, th, "label_size", "theme ", &ls) != 0)
        goto fail;
    if (chart_set_font_sizes(r->c, ts, ss, ls) != 0) {
        fail(r, "theme font sizes must be within 4..72");
        goto fail;
    }
    for (size_t i = 0; i < NCOLOR_KEYS; i++) {
        if (push_field(r, th, color_keys[i].name, LUA_TSTRING, "theme ") != 0)
            goto fail;
        const char *col = lua_tostring(L, -1);
        if (col && chart_set_color(r->c, color_keys[i].role, col) != 0) {
            fail(r, "theme '%s' is not a colour: '%s'", color_keys[i].name,
                 col);
            goto fail;
        }
        lua_pop(L, 1);
    }
    size_t n;
    int got = push_array(r, th, "palette", "theme ", &n);
    if (got < 0)
        goto fail;
    if (got) {
        int a = lua_gettop(L);
        if (n == 0 || n > 64) {
            fail(r, "theme 'palette' needs 1 to 64 colours, got %zu", n);
            goto fail;
        }
        /* The pointers stay valid: each string stays on the stack. */
        if (!lua_checkstack(L, (int)n + 4)) {
            fail(r, "Lua stack overflow reading the palette");
            goto fail;
        }
        const char *cols[64];
        for (size_t i = 1; i <= n; i++) {
            if (lua_rawgeti(L, a, (lua_Integer)i) != LUA_TSTRING) {
                fail(r, "theme palette[%zu] must be a string, got %s", i,
                     type_of(L, -1));
                goto fail;
            }
            cols[i - 1] = lua_tostring(L, -1);
            if (chart_check_color(cols[i - 1]) != 0) {
                fail(r, "theme palette[%zu] is not a colour: '%s'", i,
                     cols[i - 1]);
                goto fail;
            }
        }
        chart_set_palette(r->c, cols, n);
    }
    lua_settop(L, th - 1);
    return 0;
fail:
    lua_settop(L, th - 1);
    return -1;
}

static const char *const top_keys[] = {
    "type",   "title",       "subtitle", "desc",       "id",       "x",
    "x_name", "x_scale",     "series",   "values",     "stacked",  "y_format",
    "y_min",  "y_max",       "currency", "decimal",    "grouping", "thresholds",
    "bands",  "total_label", "total",    "start",      "value",    "label",
    "rows",   "cols",        "cells",    "categories", "width",    "height",
    "theme",
};

static int
read_enum(struct reader *r, int t, const char *k, const char *const *names,
          int n, int *v)
{
    if (push_field(r, t, k, LUA_TSTRING, "") != 0)
        return -1;
    const char *s = lua_tostring(r->L, -1);
    if (!s) {
        lua_pop(r->L, 1);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (!strcmp(s, names[i])) {
            *v = i;
            lua_pop(r->L, 1);
            return 0;
        }
    }
    fail(r, "unknown %s '%s' (expected", k, s);
    for (int i = 0; i < n; i++)
        buf_printf(r->err, "%s %s", i ? (i + 1 == n ? " or" : ",") : "",
                   names[i]);
    buf_putc(r->err, ')');
    lua_pop(r->L, 1);
    return -1;
}

static int
read_spec(struct reader *r, int t)
{
    lua_State *L = r->L;
    struct chart *c = r->c;
    static const char *const formats[] = {"number", "percent", "currency",
                                          "ratio"};
    static const char *const scales[] = {"auto", "category", "date"};
    int fmt = CHART_FORMAT_NUMBER, scale = CHART_X_AUTO;
    int stacked = 0, total = -1, start = 0;
    double ymin = NAN, ymax = NAN, w = 640, h = 320, value = NAN;
    if (read_string(r, t, "title", "", chart_set_title) != 0 ||
        read_string(r, t, "subtitle", "", chart_set_subtitle) != 0 ||
        read_string(r, t, "desc", "", chart_set_desc) != 0 ||
        read_string(r, t, "x_name", "", chart_set_x_name) != 0 ||
        read_string(r, t, "total_label", "", chart_set_total_label) != 0 ||
        read_strings(r, t, "x", chart_add_x) != 0 ||
        read_strings(r, t, "rows", chart_add_row) != 0 ||
        read_strings(r, t, "cols", chart_add_col) != 0 ||
        read_enum(r, t, "y_format", formats, 4, &fmt) != 0 ||
        read_enum(r, t, "x_scale", scales, 3, &scale) != 0 ||
        read_bool(r, t, "stacked", &stacked) != 0 ||
        read_bool(r, t, "total", &total) != 0 ||
        read_bool(r, t, "start", &start) != 0 ||
        read_number(r, t, "y_min", "", &ymin) != 0 ||
        read_number(r, t, "y_max", "", &ymax) != 0 ||
        read_number(r, t, "width", "", &w) != 0 ||
        read_number(r, t, "height", "", &h) != 0 ||
        read_number(r, t, "value", "", &value) != 0 || read_series(r, t) != 0 ||
        read_top_values(r, t) != 0 || read_thresholds(r, t) != 0 ||
        read_bands(r, t) != 0 || read_categories(r, t) != 0 ||
        read_cells(r, t) != 0 || read_theme(r, t) != 0)
        return -1;
    chart_set_y_format(c, (enum chart_format)fmt);
    chart_set_x_scale(c, (enum chart_x_scale)scale);
    chart_set_stacked(c, stacked);
    chart_set_first_is_start(c, start);
    if (total >= 0)
        chart_set_show_total(c, total);
    if (chart_set_y_range(c, ymin, ymax) != 0)
        return fail(r, "'y_min' %g must be below 'y_max' %g", ymin, ymax);
    if (chart_set_size(c, w, h) != 0)
        return fail(r, "size %gx%g is outside 64..8192", w, h);
    /* Strings read last, so their pointers are used while on the stack. */
    if (push_field(r, t, "label", LUA_TSTRING, "") != 0)
        return -1;
    chart_set_share(c, value, lua_tostring(L, -1));
    lua_pop(L, 1);
    if (push_field(r, t, "id", LUA_TSTRING, "") != 0)
        return -1;
    const char *id = lua_tostring(L, -1);
    if (id && chart_set_id(c, id) != 0) {
        fail(r, "bad id '%s' (letters, digits, '-', '_', '.'; at most 64)", id);
        lua_pop(L, 1);
        return -1;
    }
    lua_pop(L, 1);
    if (push_field(r, t, "currency", LUA_TSTRING, "") != 0)
        return -1;
    const char *cur = lua_tostring(L, -1);
    if (cur && chart_set_currency(c, cur) != 0) {
        fail(r, "bad currency '%s'", cur);
        lua_pop(L, 1);
        return -1;
    }
    lua_pop(L, 1);
    if (push_field(r, t, "decimal", LUA_TSTRING, "") != 0)
        return -1;
    if (push_field(r, t, "grouping", LUA_TSTRING, "") != 0) {
        lua_pop(L, 1);
        return -1;
    }
    const char *dec = lua_tostring(L, -2), *grp = lua_tostring(L, -1);
    if ((dec || grp) &&
        chart_set_number_style(c, dec ? dec : ".", grp ? grp : ",") != 0) {
        lua_pop(L, 2);
        return fail(r, "'decimal' and 'grouping' must be 1-7 and 0-7 bytes");
    }
    lua_pop(L, 2);
    return chart_validate(c, r->err);
}

int
chart_from_lua(lua_State *L, int idx, struct chart **out, struct buf *err)
{
    *out = NULL;
    struct reader r = {L, NULL, err};
    if (!lua_checkstack(L, 24))
        return fail(&r, "Lua stack overflow reading chart spec");
    int top = lua_gettop(L);
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE)
        return fail(&r, "chart spec must be a table, got %s", type_of(L, idx));
    if (check_keys(&r, idx, top_keys, sizeof top_keys / sizeof top_keys[0],
                   "chart spec") != 0)
        return -1;
    if (raw_field(L, idx, "type") != LUA_TSTRING) {
        const char *tn = type_of(L, -1);
        lua_settop(L, top);
        return fail(&r, "chart spec needs a string 'type', got %s", tn);
    }
    enum chart_type type;
    if (chart_type_from_name(lua_tostring(L, -1), &type) != 0) {
        fail(&r, "unknown chart type '%s' (expected", lua_tostring(L, -1));
        for (int i = 0; i < CHART_TYPE_COUNT; i++)
            buf_printf(err, "%s %s",
                       i ? (i + 1 == CHART_TYPE_COUNT ? " or" : ",") : "",
                       chart_type_name((enum chart_type)i));
        buf_putc(err, ')');
        lua_settop(L, top);
        return -1;
    }
    lua_pop(L, 1);
    /* From here the chart is anchored: a raise frees it through __gc. */
    struct holder *h = lua_newuserdatauv(L, sizeof *h, 0);
    h->chart = NULL;
    if (luaL_newmetatable(L, HOLDER_META)) {
        lua_pushcfunction(L, holder_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    h->chart = chart_new(type);
    r.c = h->chart;
    int rc = read_spec(&r, idx);
    if (rc == 0)
        *out = h->chart;
    else
        chart_free(h->chart);
    h->chart = NULL;
    lua_settop(L, top);
    return rc;
}

int
chart_lua_html(lua_State *L)
{
    struct buf err, html;
    buf_init(&err);
    struct chart *c = NULL;
    if (chart_from_lua(L, 1, &c, &err) < 0) {
        /* Copy the message into Lua before raising: the raise jumps past
         * any C cleanup. */
        lua_pushfstring(L, "chart: %s", err.data);
        buf_release(&err);
        return lua_error(L);
    }
    buf_release(&err);
    buf_init(&html);
    struct buf svg, table;
    buf_init(&svg);
    buf_init(&table);
    int rc = chart_svg(c, &svg);
    if (rc == 0)
        rc = chart_table_html(c, &table);
    if (rc == 0) {
        buf_puts(&html, "<figure class=\"chart chart--");
        buf_puts(&html, chart_type_name(chart_get_type(c)));
        buf_puts(&html, "\">\n");
        buf_add(&html, svg.data, svg.len);
        buf_puts(&html, "\n<details class=\"chart__data\"><summary>Data "
                        "table</summary>\n");
        buf_add(&html, table.data, table.len);
        buf_puts(&html, "</details>\n</figure>\n");
    }
    chart_free(c);
    buf_release(&svg);
    buf_release(&table);
    if (rc < 0) {
        buf_release(&html);
        lua_pushliteral(L, "chart: cannot draw this chart");
        return lua_error(L);
    }
    /* lua_pushlstring may raise on memory exhaustion; html would leak, so
     * hand it to a Lua buffer first. */
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, html.data, html.len);
    buf_release(&html);
    luaL_pushresult(&b);
    return 1;
}

#define PRINT_REGISTRY "dossier.print_charts"

static int
held_chart_gc(lua_State *L)
{
    struct chart **c = lua_touserdata(L, 1);
    if (c && *c) {
        chart_free(*c);
        *c = NULL;
    }
    return 0;
}

int
chart_lua_print(lua_State *L)
{
    /* The userdata owns the chart from the moment it exists, so a Lua
     * error anywhere below cannot leak it. */
    struct chart **slot = lua_newuserdatauv(L, sizeof *slot, 0);
    *slot = NULL;
    if (luaL_newmetatable(L, "dossier.held_chart")) {
        lua_pushcfunction(L, held_chart_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    struct buf err;
    buf_init(&err);
    if (chart_from_lua(L, 1, slot, &err) < 0) {
        lua_pushfstring(L, "chart: %s", err.data);
        buf_release(&err);
        return lua_error(L);
    }
    buf_release(&err);
    lua_getfield(L, 1, "id");
    const char *id = lua_tostring(L, -1);
    if (!id)
        return luaL_error(L, "chart: a chart in a print template needs an id");
    if (lua_getfield(L, LUA_REGISTRYINDEX, PRINT_REGISTRY) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, PRINT_REGISTRY);
    }
    lua_pushvalue(L, -3); /* the userdata */
    lua_setfield(L, -2, id);
    lua_pop(L, 1);
    lua_pushfstring(L, "<figure class=\"chart\" data-chart=\"%s\"></figure>",
                    id);
    return 1;
}

static const struct chart *
held(lua_State *L, const char *id)
{
    const struct chart *c = NULL;
    if (lua_getfield(L, LUA_REGISTRYINDEX, PRINT_REGISTRY) == LUA_TTABLE) {
        lua_getfield(L, -1, id);
        struct chart **slot = lua_touserdata(L, -1);
        c = slot ? *slot : NULL;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return c;
}

int
chart_lua_pdf_size(void *ctx, const char *id, double *w, double *h)
{
    const struct chart *c = held(ctx, id);
    if (!c)
        return -1;
    chart_get_size(c, w, h);
    return 0;
}

int
chart_lua_pdf_draw(void *ctx, const char *id, cairo_t *cr, double x,
                   double y, double w, double h)
{
    const struct chart *c = held(ctx, id);
    return c ? chart_draw(c, cr, x, y, w, h) : -1;
}

void
chart_lua_print_reset(lua_State *L)
{
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, PRINT_REGISTRY);
}
