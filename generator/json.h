/* json: JSON in and out.
 * Reading goes through yml_parse(), so every node carries file:line:col
 * like the YAML inputs do; libyaml accepts JSON except the UTF-16
 * surrogate escapes ("\ud83d\ude00") that Python's json.dump writes for
 * characters outside the Basic Multilingual Plane, which json_parse
 * rewrites first (moving the columns after them back to where they are in
 * the file). Writing is a small streaming writer with stable, pretty
 * output for the JSON twins of pages and the manifests: key order is the
 * order of the calls, so output is deterministic. */
#ifndef DOSSIER_JSON_H
#define DOSSIER_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "node.h"

#define JSON_MAX_DEPTH 96

struct json {
    struct buf *out; /* borrowed */
    int depth;
    bool first[JSON_MAX_DEPTH];
    bool after_key;
    /* containers this deep or deeper go on one line without spaces (0:
     * everywhere indented): a list of records, one record per line */
    int flat_from;
};

void json_init(struct json *j, struct buf *out);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s); /* NULL writes null */
void json_number(struct json *j, double v);      /* non-finite: null */
void json_int(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Writes a node tree: maps as objects in document order, scalars by their
 * resolved type; numbers keep the digits the input had where they are
 * valid JSON. */
void json_node(struct json *j, const struct node *n);
/* key + string, skipped when s is NULL */
void json_kv(struct json *j, const char *key, const char *s);

/* Parses len bytes of JSON text from path. Same contract as yml_parse():
 * 0 with *root set (NULL for an empty file), or -1 with the problems
 * reported to d. The tree is owned by a; path must outlive a. */
int json_parse(struct arena *a, struct diag *d, const char *path,
               const char *text, size_t len, struct node **root);

/* Reads path (at most YML_MAX_BYTES) and parses it as json_parse does. */
int json_load_file(struct arena *a, struct diag *d, const char *path,
                   struct node **root);

#endif
