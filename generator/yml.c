/* yml: libyaml events to a positioned node tree (see yml.h). */
#include "yml.h"

#include <errno.h>
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "file.h"
#include "xmem.h"

struct frame {
    struct node *node;
    struct node **items; /* seq items, or map keys and values interleaved */
    size_t n, cap;
    size_t weight;
};

struct anchor {
    char *name;
    struct node *node;
    size_t weight;
};

struct loader {
    struct arena *a;
    struct diag *d;
    const char *path;
    const char *text;
    size_t len;
    unsigned first_line;
    struct frame *stack;
    size_t depth, cap;
    struct anchor *anchors;
    size_t nanchors, capanchors;
    size_t total;
    struct node *root;
    size_t root_weight;
};

static struct pos
mark_pos(const struct loader *l, yaml_mark_t m)
{
    struct pos p = {l->path, (unsigned)m.line + l->first_line,
                    (unsigned)m.column + 1};
    return p;
}

/* Byte offset to line:col, for reader errors that only give an offset. */
static struct pos
offset_pos(const struct loader *l, size_t off)
{
    struct pos p = {l->path, l->first_line, 1};
    if (off > l->len)
        off = l->len;
    for (size_t i = 0; i < off; i++) {
        if (l->text[i] == '\n') {
            p.line++;
            p.col = 1;
        } else if (((unsigned char)l->text[i] & 0xC0) != 0x80) {
            p.col++; /* columns count characters, as libyaml's do */
        }
    }
    return p;
}

/* libyaml's own words for a tab are obscure; find the tab that caused it. */
static bool
tab_on_line(const struct loader *l, unsigned line0, unsigned *col)
{
    size_t i = 0;
    for (unsigned ln = 0; ln < line0 && i < l->len; i++)
        if (l->text[i] == '\n')
            ln++;
    for (unsigned c = 1; i < l->len && l->text[i] != '\n'; i++, c++) {
        if (l->text[i] == '\t') {
            *col = c;
            return true;
        }
        if (l->text[i] != ' ' && l->text[i] != '-' && l->text[i] != '?' &&
            l->text[i] != ':')
            return false;
    }
    return false;
}

static int
report_parser_error(struct loader *l, yaml_parser_t *p)
{
    if (p->error == YAML_READER_ERROR) {
        if (strstr(p->problem, "UTF-8")) {
            /* libyaml points past the broken sequence; point at its first
             * byte, which is the one the user has to fix. */
            const gchar *end = NULL;
            g_utf8_validate(l->text, (gssize)l->len, &end);
            size_t off = end ? (size_t)(end - l->text) : p->problem_offset;
            struct pos at = offset_pos(l, off);
            unsigned char byte = off < l->len ? (unsigned char)l->text[off]
                                              : 0;
            return diag_error(l->d, &at,
                              "invalid UTF-8 byte 0x%02X; save the file as "
                              "UTF-8",
                              byte);
        }
        struct pos at = offset_pos(l, p->problem_offset);
        return diag_error(l->d, &at, "%s", p->problem);
    }
    if (p->error == YAML_MEMORY_ERROR)
        return diag_error(l->d, NULL, "%s: out of memory", l->path);
    struct pos at = mark_pos(l, p->problem_mark);
    unsigned col;
    if (p->problem && tab_on_line(l, (unsigned)p->problem_mark.line, &col)) {
        at.col = col;
        return diag_error(l->d, &at,
                          "tab character used for indentation; YAML "
                          "indents with spaces only");
    }
    /* At the end of the input libyaml points past the last line; the
     * place to fix is where the unclosed construct began. */
    bool at_end = p->problem_mark.index >= l->len ||
                  (p->problem && strstr(p->problem, "end of stream"));
    if (p->context && at_end) {
        struct pos ctx = mark_pos(l, p->context_mark);
        const char *what = NULL;
        if (strstr(p->context, "flow sequence"))
            what = "'[' is never closed with ']'";
        else if (strstr(p->context, "flow mapping"))
            what = "'{' is never closed with '}'";
        else if (strstr(p->context, "quoted scalar"))
            what = "quoted text is never closed";
        if (what)
            return diag_error(l->d, &ctx, "YAML syntax error: %s", what);
    }
    if (p->context) {
        struct pos ctx = mark_pos(l, p->context_mark);
        return diag_error(l->d, &at, "YAML syntax error: %s (%s at %u:%u)",
                          p->problem ? p->problem : "unexpected input",
                          p->context, ctx.line, ctx.col);
    }
    return diag_error(l->d, &at, "YAML syntax error: %s",
                      p->problem ? p->problem : "unexpected input");
}

static bool
is_int_text(const char *s, long long *out)
{
    const char *q = s;
    if (*q == '+' || *q == '-')
        q++;
    if (!*q)
        return false;
    int base = 10;
    if (q[0] == '0' && (q[1] == 'x' || q[1] == 'o') && q == s) {
        base = q[1] == 'x' ? 16 : 8;
        q += 2;
        if (!*q)
            return false;
    }
    for (const char *c = q; *c; c++) {
        if (base == 10 && (*c < '0' || *c > '9'))
            return false;
        if (base == 8 && (*c < '0' || *c > '7'))
            return false;
        if (base == 16 && !strchr("0123456789abcdefABCDEF", *c))
            return false;
    }
    errno = 0;
    char *end;
    long long v = strtoll(base == 10 ? s : q, &end, base);
    if (errno == ERANGE)
        return false;
    *out = v;
    return true;
}

static bool
is_float_text(const char *s, double *out)
{
    const char *q = s;
    if (*q == '+' || *q == '-')
        q++;
    if (!strcmp(q, ".inf") || !strcmp(q, ".Inf") || !strcmp(q, ".INF")) {
        *out = *s == '-' ? -INFINITY : INFINITY;
        return true;
    }
    if (q == s && (!strcmp(q, ".nan") || !strcmp(q, ".NaN") ||
                   !strcmp(q, ".NAN"))) {
        *out = NAN;
        return true;
    }
    /* [0-9]+(\.[0-9]*)? | \.[0-9]+, then an optional exponent */
    bool digits = false;
    while (*q >= '0' && *q <= '9') {
        q++;
        digits = true;
    }
    if (*q == '.') {
        q++;
        while (*q >= '0' && *q <= '9') {
            q++;
            digits = true;
        }
    }
    if (!digits)
        return false;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-')
            q++;
        if (!(*q >= '0' && *q <= '9'))
            return false;
        while (*q >= '0' && *q <= '9')
            q++;
    }
    if (*q)
        return false;
    *out = strtod(s, NULL);
    return true;
}

static void
resolve_scalar(struct node *n, const yaml_event_t *ev)
{
    const char *tag = (const char *)ev->data.scalar.tag;
    const char *s = n->str;
    n->type = NODE_STR;
    if (tag && strcmp(tag, "!") != 0) {
        if (!strcmp(tag, YAML_STR_TAG))
            return;
        if (!strcmp(tag, YAML_INT_TAG) && is_int_text(s, &n->v.i))
            n->type = NODE_INT;
        else if (!strcmp(tag, YAML_FLOAT_TAG) && is_float_text(s, &n->v.f))
            n->type = NODE_FLOAT;
        return;
    }
    if (n->quoted || (tag && !strcmp(tag, "!")))
        return;
    if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
        !strcmp(s, "NULL")) {
        n->type = NODE_NULL;
    } else if (!strcmp(s, "true") || !strcmp(s, "True") ||
               !strcmp(s, "TRUE")) {
        n->type = NODE_BOOL;
        n->v.b = true;
    } else if (!strcmp(s, "false") || !strcmp(s, "False") ||
               !strcmp(s, "FALSE")) {
        n->type = NODE_BOOL;
        n->v.b = false;
    } else if (is_int_text(s, &n->v.i)) {
        n->type = NODE_INT;
    } else if (is_float_text(s, &n->v.f)) {
        n->type = NODE_FLOAT;
    }
}

static struct frame *
top(struct loader *l)
{
    return l->depth ? &l->stack[l->depth - 1] : NULL;
}

static void
frame_push_item(struct frame *f, struct node *n)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->items = xrealloc(f->items, f->cap * sizeof *f->items);
    }
    f->items[f->n++] = n;
}

/* Attaches a finished node to its parent (or makes it the root). */
static int
attach_at(struct loader *l, struct node *n, size_t weight,
          const struct pos *at)
{
    l->total += weight;
    if (l->total > YML_MAX_NODES)
        return diag_error(l->d, at ? at : &n->pos,
                          "document expands to more than %u nodes (aliases "
                          "that multiply, a \"billion laughs\" bomb?)",
                          YML_MAX_NODES);
    struct frame *f = top(l);
    if (!f) {
        if (!l->root) {
            l->root = n;
            l->root_weight = weight;
        }
        return 0;
    }
    if (f->node->type == NODE_MAP && f->n % 2 == 0) {
        if (!node_is_scalar(n))
            return diag_error(l->d, &n->pos,
                              "mapping keys must be plain values, not a %s",
                              node_type_name(n->type));
        for (size_t i = 0; i < f->n; i += 2) {
            if (strcmp(f->items[i]->str, n->str) == 0)
                return diag_error(l->d, &n->pos,
                                  "duplicate key '%s' (first defined at "
                                  "line %u)",
                                  n->str, f->items[i]->pos.line);
        }
    }
    frame_push_item(f, n);
    f->weight += weight;
    return 0;
}

static int
attach(struct loader *l, struct node *n, size_t weight)
{
    return attach_at(l, n, weight, NULL);
}

static void
remember_anchor(struct loader *l, const yaml_char_t *name, struct node *n,
                size_t weight)
{
    if (!name)
        return;
    if (l->nanchors == l->capanchors) {
        l->capanchors = l->capanchors ? l->capanchors * 2 : 8;
        l->anchors = xrealloc(l->anchors, l->capanchors * sizeof *l->anchors);
    }
    l->anchors[l->nanchors].name = xstrdup((const char *)name);
    l->anchors[l->nanchors].node = n;
    l->anchors[l->nanchors].weight = weight;
    l->nanchors++;
}

static struct node *
new_node(struct loader *l, enum node_type t, yaml_mark_t m)
{
    struct node *n = arena_alloc(l->a, sizeof *n);
    n->type = t;
    n->pos = mark_pos(l, m);
    n->str = "";
    return n;
}

static int
open_collection(struct loader *l, enum node_type t, const yaml_event_t *ev)
{
    if (l->depth >= YML_MAX_DEPTH) {
        struct pos at = mark_pos(l, ev->start_mark);
        return diag_error(l->d, &at, "nesting deeper than %d levels",
                          YML_MAX_DEPTH);
    }
    if (l->depth == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->stack = xrealloc(l->stack, l->cap * sizeof *l->stack);
    }
    struct frame *f = &l->stack[l->depth++];
    memset(f, 0, sizeof *f);
    f->node = new_node(l, t, ev->start_mark);
    return 0;
}

static int
close_collection(struct loader *l, const yaml_char_t *anchor)
{
    struct frame f = l->stack[--l->depth];
    struct node *n = f.node;
    if (n->type == NODE_MAP) {
        n->n = f.n / 2;
        n->pairs = arena_alloc(l->a, (n->n ? n->n : 1) * sizeof *n->pairs);
        for (size_t i = 0; i < n->n; i++) {
            n->pairs[i].key = f.items[2 * i];
            n->pairs[i].value = f.items[2 * i + 1];
        }
    } else {
        n->n = f.n;
        n->items = arena_alloc(l->a, (n->n ? n->n : 1) * sizeof *n->items);
        if (f.n)
            memcpy(n->items, f.items, f.n * sizeof *n->items);
    }
    free(f.items);
    remember_anchor(l, anchor, n, f.weight + 1);
    /* The children were counted as they were attached. */
    l->total -= f.weight;
    return attach(l, n, f.weight + 1);
}

static int
on_alias(struct loader *l, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    for (size_t i = l->nanchors; i-- > 0;) {
        if (strcmp(l->anchors[i].name, name) == 0) {
            struct pos at = mark_pos(l, ev->start_mark);
            return attach_at(l, l->anchors[i].node, l->anchors[i].weight,
                             &at);
        }
    }
    struct pos at = mark_pos(l, ev->start_mark);
    return diag_error(l->d, &at, "unknown alias '*%s'", name);
}

int
yml_parse(struct arena *a, struct diag *d, const char *path,
          const char *text, size_t len, unsigned first_line,
          struct node **root)
{
    struct loader l;
    memset(&l, 0, sizeof l);
    l.a = a;
    l.d = d;
    l.path = path;
    l.text = text;
    l.len = len;
    l.first_line = first_line ? first_line : 1;
    *root = NULL;

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return diag_error(d, NULL, "%s: cannot start the YAML parser", path);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);

    int rc = 0;
    int docs = 0;
    bool done = false;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            rc = report_parser_error(&l, &p);
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs == 2) {
                struct pos at = mark_pos(&l, ev.start_mark);
                diag_warning(d, &at,
                             "only the first YAML document is read; this "
                             "one is ignored");
                done = true;
            }
            break;
        case YAML_SCALAR_EVENT: {
            struct node *n = new_node(&l, NODE_STR, ev.start_mark);
            n->str = arena_strndup(a, (const char *)ev.data.scalar.value,
                                   ev.data.scalar.length);
            n->len = ev.data.scalar.length;
            n->quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
                        ev.data.scalar.style != YAML_ANY_SCALAR_STYLE;
            resolve_scalar(n, &ev);
            remember_anchor(&l, ev.data.scalar.anchor, n, 1);
            rc = attach(&l, n, 1);
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
            rc = open_collection(&l, NODE_SEQ, &ev);
            if (!rc && ev.data.sequence_start.anchor)
                top(&l)->node->str =
                    arena_strdup(a, (const char *)ev.data.sequence_start.anchor);
            break;
        case YAML_MAPPING_START_EVENT:
            rc = open_collection(&l, NODE_MAP, &ev);
            if (!rc && ev.data.mapping_start.anchor)
                top(&l)->node->str =
                    arena_strdup(a, (const char *)ev.data.mapping_start.anchor);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            struct node *n = top(&l)->node;
            const char *anchor = *n->str ? n->str : NULL;
            n->str = "";
            rc = close_collection(&l, (const yaml_char_t *)anchor);
            break;
        }
        case YAML_ALIAS_EVENT:
            rc = on_alias(&l, &ev);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (rc)
            break;
    }
    yaml_parser_delete(&p);
    for (size_t i = 0; i < l.depth; i++)
        free(l.stack[i].items);
    free(l.stack);
    for (size_t i = 0; i < l.nanchors; i++)
        free(l.anchors[i].name);
    free(l.anchors);
    if (rc)
        return -1;
    *root = l.root;
    return 0;
}

int
yml_load_file(struct arena *a, struct diag *d, const char *path,
              struct node **root)
{
    struct buf b;
    buf_init(&b);
    *root = NULL;
    if (file_read(d, NULL, path, YML_MAX_BYTES, &b) < 0) {
        buf_release(&b);
        return -1;
    }
    int rc = yml_parse(a, d, path, b.data, b.len, 1, root);
    buf_release(&b);
    return rc;
}
