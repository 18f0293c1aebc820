/* json: a small streaming JSON writer with stable, pretty output.
 * Used for the machine-readable twins of pages (model.json) and the build
 * manifests. Key order is the order of the calls, so output is
 * deterministic. */
#ifndef DOSSIER_JSON_H
#define DOSSIER_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "node.h"

#define JSON_MAX_DEPTH 96

struct json {
    struct buf *out; /* borrowed */
    int depth;
    bool first[JSON_MAX_DEPTH];
    bool after_key;
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

#endif
