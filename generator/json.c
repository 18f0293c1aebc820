/* json: pretty, deterministic JSON output (see json.h). */
#include "json.h"

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

static void
indent(struct json *j)
{
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
    if (j->depth > 0)
        j->depth--;
    if (!empty)
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
    buf_puts(j->out, "\": ");
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
