/* yml: YAML 1.2 (and so JSON) text to a node tree, with exact positions.
 * Built on libyaml's event parser. Beyond libyaml's own checks it rejects
 * duplicate keys, nesting deeper than YML_MAX_DEPTH, documents whose
 * aliases expand past YML_MAX_NODES (the "billion laughs" bomb) and files
 * larger than YML_MAX_BYTES, and says plainly when a tab indents a line. */
#ifndef DOSSIER_YML_H
#define DOSSIER_YML_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "node.h"

#define YML_MAX_BYTES (16u * 1024 * 1024)
#define YML_MAX_DEPTH 64
#define YML_MAX_NODES 1000000

/* Parses len bytes of text that came from path, whose first line is line
 * first_line of that file (front matter starts below its "---").
 * On success returns 0 and sets *root to the first document's root, or to
 * NULL when the text holds no document (empty, or comments only). On failure
 * reports every problem it can locate to d and returns -1. The tree and its
 * strings are owned by a; path must outlive a. */
int yml_parse(struct arena *a, struct diag *d, const char *path,
              const char *text, size_t len, unsigned first_line,
              struct node **root);

/* Reads path (at most YML_MAX_BYTES) and parses it as yml_parse does. */
int yml_load_file(struct arena *a, struct diag *d, const char *path,
                  struct node **root);

#endif
