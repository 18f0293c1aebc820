/* node: accessors for the document tree. */
#include "node.h"

#include <string.h>

const char *
node_type_name(enum node_type t)
{
    switch (t) {
    case NODE_NULL: return "null";
    case NODE_BOOL: return "boolean";
    case NODE_INT: return "integer";
    case NODE_FLOAT: return "number";
    case NODE_STR: return "string";
    case NODE_SEQ: return "list";
    case NODE_MAP: return "mapping";
    }
    return "unknown";
}

const struct node_pair *
node_get_pair(const struct node *m, const char *key)
{
    if (!m || m->type != NODE_MAP)
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->pairs[i].key->str, key) == 0)
            return &m->pairs[i];
    return NULL;
}

const struct node *
node_get(const struct node *m, const char *key)
{
    const struct node_pair *p = node_get_pair(m, key);
    return p ? p->value : NULL;
}

bool
node_is_scalar(const struct node *n)
{
    return n && n->type != NODE_SEQ && n->type != NODE_MAP;
}

const char *
node_get_str(const struct node *m, const char *key)
{
    const struct node *v = node_get(m, key);
    return node_is_scalar(v) && v->type != NODE_NULL ? v->str : NULL;
}

bool
node_number(const struct node *n, double *out)
{
    if (!n)
        return false;
    if (n->type == NODE_INT) {
        *out = (double)n->v.i;
        return true;
    }
    if (n->type == NODE_FLOAT) {
        *out = n->v.f;
        return true;
    }
    return false;
}
