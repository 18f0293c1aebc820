/* node: the document tree every structured input is loaded into.
 * YAML, JSON (read through the YAML parser) and front matter all become
 * nodes that carry the file:line:col they came from, so every later stage
 * can point at the exact place a problem is. Nodes are owned by the build
 * arena and are not changed after loading. */
#ifndef DOSSIER_NODE_H
#define DOSSIER_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum node_type {
    NODE_NULL,
    NODE_BOOL,
    NODE_INT,
    NODE_FLOAT,
    NODE_STR,
    NODE_SEQ,
    NODE_MAP,
};

struct node_pair;

struct node {
    enum node_type type;
    bool quoted; /* a quoted or block scalar: always a string */
    struct pos pos;
    /* Scalars: the text as written (after YAML unescaping); "" otherwise. */
    const char *str;
    size_t len;
    union {
        bool b;
        long long i;
        double f;
    } v;
    /* NODE_SEQ: items[0..n); NODE_MAP: pairs[0..n) in document order. */
    struct node **items;
    struct node_pair *pairs;
    size_t n;
};

struct node_pair {
    struct node *key; /* always a scalar; key->str is the key text */
    struct node *value;
};

const char *node_type_name(enum node_type t);

/* Value of key in a map, or NULL when absent or m is not a map. Borrowed. */
const struct node *node_get(const struct node *m, const char *key);
/* Like node_get, but returns the pair (for the key's own position). */
const struct node_pair *node_get_pair(const struct node *m, const char *key);
/* The string of a scalar node at key, or NULL when absent or not a scalar.*/
const char *node_get_str(const struct node *m, const char *key);
bool node_is_scalar(const struct node *n);
/* Numeric value of an int or float node; false when not numeric. */
bool node_number(const struct node *n, double *out);

#endif
