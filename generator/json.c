#define _GNU_SOURCE
/* json: JSON reading through libyaml, and pretty, deterministic JSON
 * output (see json.h). */
#include "json.h"

#include <stdbool.h>

#include "file.h"
#include "xmem.h"
#include "yml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
json_init(struct json *j, struct buf *out)
{
    memset(j, 0, sizeof *j);
    j->out = out;
    j->first[0] = true;
}

static bool
flat(const struct json *j)
{
    return j->flat_from > 0 && j->depth >= j->flat_from;
}

static void
indent(struct json *j)
{
    if (flat(j))
        return;
    buf_putc(j->out, '\n');
    for (int i = 0; i < j->depth; i++)
        buf_puts(j->out, "  ");
}

/* Separator and indentation before a value or a key. */
static void
pre(struct json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth == 0)
        return;
    if (!j->first[j->depth])
        buf_putc(j->out, ',');
    j->first[j->depth] = false;
    indent(j);
}

static void
open(struct json *j, char c)
{
    pre(j);
    buf_putc(j->out, c);
    if (j->depth + 1 < JSON_MAX_DEPTH)
        j->depth++;
    j->first[j->depth] = true;
}

static void
close_(struct json *j, char c)
{
    bool empty = j->first[j->depth];
    bool was_flat = flat(j);
    if (j->depth > 0)
        j->depth--;
    if (!empty && !was_flat)
        indent(j);
    buf_putc(j->out, c);
    if (j->depth == 0)
        buf_putc(j->out, '\n');
}

void json_object_begin(struct json *j) { open(j, '{'); }
void json_object_end(struct json *j) { close_(j, '}'); }
void json_array_begin(struct json *j) { open(j, '['); }
void json_array_end(struct json *j) { close_(j, ']'); }

void
json_key(struct json *j, const char *key)
{
    pre(j);
    buf_putc(j->out, '"');
    buf_add_json(j->out, key, strlen(key));
    buf_puts(j->out, flat(j) ? "\":" : "\": ");
    j->after_key = true;
}

void
json_string(struct json *j, const char *s)
{
    if (!s) {
        json_null(j);
        return;
    }
    pre(j);
    buf_putc(j->out, '"');
    buf_add_json(j->out, s, strlen(s));
    buf_putc(j->out, '"');
}

void
json_number(struct json *j, double v)
{
    if (!isfinite(v)) {
        json_null(j);
        return;
    }
    pre(j);
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.15g", v);
    if (strtod(tmp, NULL) != v)
        snprintf(tmp, sizeof tmp, "%.17g", v);
    buf_puts(j->out, tmp);
}

void
json_int(struct json *j, long long v)
{
    pre(j);
    buf_printf(j->out, "%lld", v);
}

void
json_bool(struct json *j, bool v)
{
    pre(j);
    buf_puts(j->out, v ? "true" : "false");
}

void
json_null(struct json *j)
{
    pre(j);
    buf_puts(j->out, "null");
}

void
json_kv(struct json *j, const char *key, const char *s)
{
    if (!s)
        return;
    json_key(j, key);
    json_string(j, s);
}

/* JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
json_number_text(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return false;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

void
json_node(struct json *j, const struct node *n)
{
    if (!n) {
        json_null(j);
        return;
    }
    switch (n->type) {
    case NODE_NULL: json_null(j); break;
    case NODE_BOOL: json_bool(j, n->v.b); break;
    case NODE_INT:
    case NODE_FLOAT:
        if (json_number_text(n->str)) {
            pre(j);
            buf_puts(j->out, n->str);
        } else {
            json_number(j, n->type == NODE_INT ? (double)n->v.i : n->v.f);
        }
        break;
    case NODE_STR: json_string(j, n->str); break;
    case NODE_SEQ:
        json_array_begin(j);
        for (size_t i = 0; i < n->n; i++)
            json_node(j, n->items[i]);
        json_array_end(j);
        break;
    case NODE_MAP:
        json_object_begin(j);
        for (size_t i = 0; i < n->n; i++) {
            json_key(j, n->pairs[i].key->str);
            json_node(j, n->pairs[i].value);
        }
        json_object_end(j);
        break;
    }
}

/* ---- reading ---------------------------------------------------------- */


/* Columns from this one on, on this line, sit delta columns further right
 * in the file than in the rewritten text. */
struct fix {
    unsigned line, col, delta;
};

struct fixes {
    struct fix *v;
    size_t n, cap;
};

static int
hex4(const char *p, const char *end, unsigned *out)
{
    if (end - p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static void
put_utf8(struct buf *b, unsigned cp)
{
    char s[4];
    s[0] = (char)(0xF0 | (cp >> 18));
    s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    s[3] = (char)(0x80 | (cp & 0x3F));
    buf_add(b, s, 4);
}

static bool
is_high(unsigned u)
{
    return u >= 0xD800 && u <= 0xDBFF;
}

static bool
is_low(unsigned u)
{
    return u >= 0xDC00 && u <= 0xDFFF;
}

/* Copies text to out with every surrogate escape rewritten; records the
 * column shifts. Returns false (out untouched) when there is none. */
static bool
rewrite(struct diag *d, const char *path, const char *text, size_t len,
        struct buf *out, struct fixes *fx)
{
    if (!memmem(text, len, "\\u", 2))
        return false;
    const char *p = text, *end = text + len;
    unsigned line = 1, col = 1, fcol = 1; /* col: rewritten; fcol: file */
    bool changed = false;
    while (p < end) {
        unsigned u, lo;
        if (*p == '\\' && p + 1 < end && p[1] == 'u' &&
            hex4(p + 2, end, &u) == 0 && (is_high(u) || is_low(u))) {
            if (is_high(u) && end - p >= 12 && p[6] == '\\' && p[7] == 'u' &&
                hex4(p + 8, end, &lo) == 0 && is_low(lo)) {
                unsigned cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                put_utf8(out, cp);
                if (fx->n == fx->cap) {
                    fx->cap = fx->cap ? fx->cap * 2 : 8;
                    fx->v = xrealloc(fx->v, fx->cap * sizeof *fx->v);
                }
                fx->v[fx->n++] = (struct fix){line, col + 1, 11};
                col++;
                fcol += 12;
                p += 12;
            } else {
                struct pos at = {path, line, fcol};
                diag_warning(d, &at,
                             "'\\u%04x' is half of a UTF-16 surrogate pair; "
                             "read as U+FFFD",
                             u);
                buf_add(out, "\\uFFFD", 6);
                col += 6;
                fcol += 6;
                p += 6;
            }
            changed = true;
            continue;
        }
        if (*p == '\\' && p + 1 < end && p[1] != '\n' && p[1] != '\r') {
            /* Keeps an escaped backslash from starting a \u. */
            buf_add(out, p, 2);
            col += 2;
            fcol += 2;
            p += 2;
            continue;
        }
        if (*p == '\n') {
            line++;
            col = fcol = 1;
        } else if (((unsigned char)*p & 0xC0) != 0x80) {
            col++;
            fcol++;
        }
        buf_putc(out, *p);
        p++;
    }
    return changed;
}

static unsigned
shift_for(const struct fixes *fx, unsigned line, unsigned col)
{
    unsigned add = 0;
    for (size_t i = 0; i < fx->n; i++) {
        if (fx->v[i].line == line && fx->v[i].col <= col)
            add += fx->v[i].delta;
        else if (fx->v[i].line > line)
            break;
    }
    return add;
}

/* yml_parse() bounds the depth, so this recursion is bounded too. */
static void
shift_tree(struct node *n, const struct fixes *fx)
{
    n->pos.col += shift_for(fx, n->pos.line, n->pos.col);
    if (n->type == NODE_MAP) {
        for (size_t i = 0; i < n->n; i++) {
            shift_tree(n->pairs[i].key, fx);
            shift_tree(n->pairs[i].value, fx);
        }
    } else if (n->type == NODE_SEQ) {
        for (size_t i = 0; i < n->n; i++)
            shift_tree(n->items[i], fx);
    }
}

int
json_parse(struct arena *a, struct diag *d, const char *path, const char *text,
           size_t len, struct node **root)
{
    struct buf fixed;
    struct fixes fx = {NULL, 0, 0};
    buf_init(&fixed);
    bool changed = rewrite(d, path, text, len, &fixed, &fx);
    size_t first = d->n;
    int rc;
    if (changed)
        rc = yml_parse(a, d, path, fixed.data, fixed.len, 1, root);
    else
        rc = yml_parse(a, d, path, text, len, 1, root);
    if (fx.n) {
        if (*root)
            shift_tree(*root, &fx);
        for (size_t i = first; i < d->n; i++) {
            struct diag_entry *e = &d->v[i];
            if (e->path && strcmp(e->path, path) == 0)
                e->col += shift_for(&fx, e->line, e->col);
        }
    }
    free(fx.v);
    buf_release(&fixed);
    return rc;
}

int
json_load_file(struct arena *a, struct diag *d, const char *path,
               struct node **root)
{
    struct buf b;
    buf_init(&b);
    *root = NULL;
    if (file_read(d, NULL, path, YML_MAX_BYTES, &b) < 0) {
        buf_release(&b);
        return -1;
    }
    int rc = json_parse(a, d, path, b.data, b.len, root);
    buf_release(&b);
    return rc;
}
