/* theme: the built-in PDF theme and the reader for themes written in Lua.
 * The reader is table-driven: each key names a field of struct pdf_theme
 * by offset, so adding a key is one row. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pdf.h"

static void
set_color(struct pdf_color *c, unsigned rgb)
{
    c->r = ((rgb >> 16) & 0xff) / 255.0;
    c->g = ((rgb >> 8) & 0xff) / 255.0;
    c->b = (rgb & 0xff) / 255.0;
}

static void
set_heading(struct pdf_heading_style *h, double size, unsigned rgb,
            double before, double after)
{
    snprintf(h->font, sizeof h->font, "%s", "DejaVu Sans");
    h->size = size;
    h->bold = true;
    set_color(&h->color, rgb);
    h->space_before = before;
    h->space_after = after;
}

void
pdf_theme_init(struct pdf_theme *t)
{
    memset(t, 0, sizeof *t);
    t->paper = PDF_PAPER_A4;
    /* About 25 mm at the top and bottom to leave room for the running
     * header and footer, 22 mm at the sides: a 165 mm measure keeps body
     * lines near 85 characters. */
    t->margin.top = 72;
    t->margin.right = 62;
    t->margin.bottom = 68;
    t->margin.left = 62;
    snprintf(t->font, sizeof t->font, "%s", "DejaVu Sans");
    t->size = 9.5;
    t->line_height = 1.45;
    t->paragraph_space = 7;
    t->justify = true;
    set_heading(&t->heading[0], 19, 0x12355b, 24, 10);
    set_heading(&t->heading[1], 14, 0x12355b, 18, 7);
    set_heading(&t->heading[2], 11.5, 0x1f2328, 14, 5);
    set_heading(&t->heading[3], 10, 0x1f2328, 12, 4);
    set_color(&t->color, 0x1f2328);
    set_color(&t->link_color, 0x0b5cad);
    set_color(&t->muted_color, 0x5f6b7a);
    set_color(&t->accent, 0x12355b);
    t->table_size = 8.5;
    t->table_padding = 5;
    set_color(&t->table_header_bg, 0xe6ecf2);
    set_color(&t->table_rule, 0xc3ccd6);
    set_color(&t->table_zebra, 0xf5f7f9);
    snprintf(t->code_font, sizeof t->code_font, "%s", "DejaVu Sans Mono");
    t->code_size = 8.3;
    set_color(&t->code_bg, 0xf1f3f5);
    t->header_size = 7.5;
    t->toc_depth = 3;
}

void
pdf_paper_size(enum pdf_paper paper, double *w, double *h)
{
    if (paper == PDF_PAPER_LETTER) {
        *w = 612;
        *h = 792;
    } else {
        /* 210 x 297 mm, as pdfinfo reports it */
        *w = 595.28;
        *h = 841.89;
    }
}

int
pdf_date_from_epoch(long long epoch, char *out, size_t size)
{
    /* 253402300799 is 9999-12-31T23:59:59Z */
    if (epoch < 0 || epoch > 253402300799LL || size < 21)
        return -1;
    time_t tt = (time_t)epoch;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return -1;
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return 0;
}

/* ---- Lua reader ----------------------------------------------------- */

enum key_kind {
    KEY_NUMBER,
    KEY_INT,
    KEY_BOOL,
    KEY_FONT,
    KEY_COLOR,
    KEY_PAPER,
    KEY_TABLE,  /* a nested table of keys */
    KEY_MARGIN, /* a number for all four sides, or a table */
};

struct key {
    const char *name;
    enum key_kind kind;
    size_t off; /* from the base of the struct being read */
    double lo, hi;
    const struct key *sub; /* KEY_TABLE, KEY_MARGIN: NULL-named end */
};

#define END                                                                    \
    {                                                                          \
        NULL, 0, 0, 0, 0, NULL                                                 \
    }
#define T(f) offsetof(struct pdf_theme, f)
#define H(f) offsetof(struct pdf_heading_style, f)

static const struct key margin_keys[] = {
    {"top", KEY_NUMBER, T(margin.top) - T(margin), 0, 300, NULL},
    {"right", KEY_NUMBER, T(margin.right) - T(margin), 0, 300, NULL},
    {"bottom", KEY_NUMBER, T(margin.bottom) - T(margin), 0, 300, NULL},
    {"left", KEY_NUMBER, T(margin.left) - T(margin), 0, 300, NULL},
    END,
};

static const struct key heading_keys[] = {
    {"font", KEY_FONT, H(font), 0, 0, NULL},
    {"size", KEY_NUMBER, H(size), 4, 72, NULL},
    {"bold", KEY_BOOL, H(bold), 0, 0, NULL},
    {"color", KEY_COLOR, H(color), 0, 0, NULL},
    {"space_before", KEY_NUMBER, H(space_before), 0, 144, NULL},
    {"space_after", KEY_NUMBER, H(space_after), 0, 144, NULL},
    END,
};

static const struct key table_keys[] = {
    {"size", KEY_NUMBER, T(table_size) - T(table_size), 4, 72, NULL},
    {"padding", KEY_NUMBER, T(table_padding) - T(table_size), 0, 36, NULL},
    {"header_bg", KEY_COLOR, T(table_header_bg) - T(table_size), 0, 0, NULL},
    {"rule", KEY_COLOR, T(table_rule) - T(table_size), 0, 0, NULL},
    {"zebra", KEY_COLOR, T(table_zebra) - T(table_size), 0, 0, NULL},
    END,
};

static const struct key code_keys[] = {
    {"font", KEY_FONT, T(code_font) - T(code_font), 0, 0, NULL},
    {"size", KEY_NUMBER, T(code_size) - T(code_font), 4, 72, NULL},
    {"background", KEY_COLOR, T(code_bg) - T(code_font), 0, 0, NULL},
    END,
};

static const struct key theme_keys[] = {
    {"paper", KEY_PAPER, T(paper), 0, 0, NULL},
    {"margin", KEY_MARGIN, T(margin), 0, 0, margin_keys},
    {"font", KEY_FONT, T(font), 0, 0, NULL},
    {"size", KEY_NUMBER, T(size), 4, 72, NULL},
    {"line_height", KEY_NUMBER, T(line_height), 0.8, 3, NULL},
    {"paragraph_space", KEY_NUMBER, T(paragraph_space), 0, 72, NULL},
    {"justify", KEY_BOOL, T(justify), 0, 0, NULL},
    {"h1", KEY_TABLE, T(heading[0]), 0, 0, heading_keys},
    {"h2", KEY_TABLE, T(heading[1]), 0, 0, heading_keys},
    {"h3", KEY_TABLE, T(heading[2]), 0, 0, heading_keys},
    {"h4", KEY_TABLE, T(heading[3]), 0, 0, heading_keys},
    {"color", KEY_COLOR, T(color), 0, 0, NULL},
    {"link_color", KEY_COLOR, T(link_color), 0, 0, NULL},
    {"muted_color", KEY_COLOR, T(muted_color), 0, 0, NULL},
    {"accent", KEY_COLOR, T(accent), 0, 0, NULL},
    {"table", KEY_TABLE, T(table_size), 0, 0, table_keys},
    {"code", KEY_TABLE, T(code_font), 0, 0, code_keys},
    {"header_size", KEY_NUMBER, T(header_size), 4, 24, NULL},
    {"toc_depth", KEY_INT, T(toc_depth), 1, 4, NULL},
    END,
};

#undef T
#undef H
#undef END

/* Parses "#rgb" or "#rrggbb". */
static int
parse_color(const char *s, struct pdf_color *c)
{
    size_t n = strlen(s);
    if (s[0] != '#' || (n != 4 && n != 7))
        return -1;
    unsigned v = 0;
    for (size_t i = 1; i < n; i++) {
        char ch = s[i];
        unsigned d;
        if (ch >= '0' && ch <= '9')
            d = (unsigned)(ch - '0');
        else if (ch >= 'a' && ch <= 'f')
            d = (unsigned)(ch - 'a' + 10);
        else if (ch >= 'A' && ch <= 'F')
            d = (unsigned)(ch - 'A' + 10);
        else
            return -1;
        v = v * 16 + d;
        if (n == 4)
            v = v * 16 + d;
    }
    set_color(c, v);
    return 0;
}

static const char *
type_name(lua_State *L, int idx)
{
    return lua_typename(L, lua_type(L, idx));
}

static void bad(struct buf *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
bad(struct buf *err, const char *path, const char *fmt, ...)
{
    va_list ap;
    buf_printf(err, "%s: ", path);
    va_start(ap, fmt);
    buf_vprintf(err, fmt, ap);
    va_end(ap);
    buf_putc(err, '\n');
}

static int read_table(lua_State *L, int idx, const struct key *keys, char *base,
                      const char *path, struct buf *err);

/* Reads the value on top of the stack into the field k describes. */
static int
read_value(lua_State *L, const struct key *k, char *base, const char *path,
           struct buf *err)
{
    int ty = lua_type(L, -1);
    void *field = base + k->off;
    switch (k->kind) {
    case KEY_NUMBER:
    case KEY_INT: {
        if (ty != LUA_TNUMBER) {
            bad(err, path, "expected a number, got %s", type_name(L, -1));
            return -1;
        }
        double v = lua_tonumberx(L, -1, NULL);
        if (!(v >= k->lo && v <= k->hi)) {
            bad(err, path, "%g is out of range (%g to %g)", v, k->lo, k->hi);
            return -1;
        }
        if (k->kind == KEY_INT) {
            if (v != (double)(int)v) {
                bad(err, path, "expected a whole number, got %g", v);
                return -1;
            }
            *(int *)field = (int)v;
        } else {
            *(double *)field = v;
        }
        return 0;
    }
    case KEY_BOOL:
        if (ty != LUA_TBOOLEAN) {
            bad(err, path, "expected a boolean, got %s", type_name(L, -1));
            return -1;
        }
        *(bool *)field = lua_toboolean(L, -1);
        return 0;
    case KEY_FONT:
    case KEY_COLOR:
    case KEY_PAPER: {
        if (ty != LUA_TSTRING) {
            bad(err, path, "expected a string, got %s", type_name(L, -1));
            return -1;
        }
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        if (strlen(s) != n) {
            bad(err, path, "contains a NUL byte");
            return -1;
        }
        if (k->kind == KEY_FONT) {
            if (n == 0 || n >= PDF_FAMILY_MAX) {
                bad(err, path, "font family must be 1 to %d bytes",
                    PDF_FAMILY_MAX - 1);
                return -1;
            }
            memcpy(field, s, n + 1);
        } else if (k->kind == KEY_COLOR) {
            if (parse_color(s, field) < 0) {
                bad(err, path, "'%s' is not a colour (#rgb or #rrggbb)", s);
                return -1;
            }
        } else if (strcasecmp(s, "A4") == 0) {
            *(enum pdf_paper *)field = PDF_PAPER_A4;
        } else if (strcasecmp(s, "Letter") == 0) {
            *(enum pdf_paper *)field = PDF_PAPER_LETTER;
        } else {
            bad(err, path, "'%s' is not a paper size (A4 or Letter)", s);
            return -1;
        }
        return 0;
    }
    case KEY_MARGIN:
        if (ty == LUA_TNUMBER) {
            double v = lua_tonumberx(L, -1, NULL);
            if (!(v >= 0 && v <= 300)) {
                bad(err, path, "%g is out of range (0 to 300)", v);
                return -1;
            }
            for (const struct key *s = k->sub; s->name; s++)
                *(double *)((char *)field + s->off) = v;
            return 0;
        }
        /* otherwise a table of sides */
        /* fall through */
    case KEY_TABLE:
        if (ty != LUA_TTABLE) {
            bad(err, path, "expected a table, got %s", type_name(L, -1));
            return -1;
        }
        return read_table(L, lua_gettop(L), k->sub, field, path, err);
    }
    return -1;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reports the keys of the table at idx that keys does not know, sorted so
 * the messages do not depend on Lua's hash order. */
static int
check_unknown(lua_State *L, int idx, const struct key *keys, const char *path,
              struct buf *err)
{
    const char *cands[32];
    size_t ncands = 0;
    for (const struct key *k = keys; k->name && ncands < 32; k++)
        cands[ncands++] = k->name;
    char **unknown = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_pop(L, 1); /* the value */
        if (lua_type(L, -1) != LUA_TSTRING) {
            bad(err, path, "keys must be strings, got a %s key",
                type_name(L, -1));
            rc = -1;
            continue;
        }
        const char *name = lua_tostring(L, -1);
        size_t i = 0;
        while (i < ncands && strcmp(cands[i], name) != 0)
            i++;
        if (i < ncands)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            char **v = realloc(unknown, cap * sizeof *v);
            if (!v)
                break;
            unknown = v;
        }
        unknown[n++] = strdup(name);
    }
    if (n)
        qsort(unknown, n, sizeof *unknown, cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (!unknown[i])
            continue;
        const char *hint = diag_suggest(unknown[i], cands, ncands);
        if (hint)
            buf_printf(err, "%s.%s: unknown key (did you mean '%s'?)\n", path,
                       unknown[i], hint);
        else
            buf_printf(err, "%s.%s: unknown key\n", path, unknown[i]);
        free(unknown[i]);
        rc = -1;
    }
    free(unknown);
    return rc;
}

static int
read_table(lua_State *L, int idx, const struct key *keys, char *base,
           const char *path, struct buf *err)
{
    int rc = 0;
    for (const struct key *k = keys; k->name; k++) {
        lua_pushstring(L, k->name);
        /* raw access: a metatable could raise from __index */
        if (lua_rawget(L, idx) != LUA_TNIL) {
            char sub[128];
            snprintf(sub, sizeof sub, "%s.%s", path, k->name);
            if (read_value(L, k, base, sub, err) < 0)
                rc = -1;
        }
        lua_pop(L, 1);
    }
    if (check_unknown(L, idx, keys, path, err) < 0)
        rc = -1;
    return rc;
}

int
pdf_theme_from_lua(lua_State *L, int idx, struct pdf_theme *t, struct buf *err)
{
    /* Nesting is at most two tables deep, each using three slots. */
    if (!lua_checkstack(L, 12)) {
        buf_puts(err, "theme: Lua stack exhausted\n");
        return -1;
    }
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE) {
        bad(err, "theme", "expected a table, got %s", type_name(L, idx));
        return -1;
    }
    int top = lua_gettop(L);
    int rc = read_table(L, idx, theme_keys, (char *)t, "theme", err);
    lua_settop(L, top);
    return rc;
}
