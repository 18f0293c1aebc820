/* schema: checks a loaded node tree against a declared shape.
 * A schema is static data: fields with a kind, flags, allowed values and
 * nested schemas. Validation reports every problem (types, required
 * fields, enums, dates, ranges) as an error and unknown keys as warnings
 * with a did-you-mean suggestion, then carries on. */
#ifndef DOSSIER_SCHEMA_H
#define DOSSIER_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "node.h"

enum schema_kind {
    SCHEMA_STR,   /* any scalar, read as its text */
    SCHEMA_TEXT,  /* Markdown text (a scalar) */
    SCHEMA_INT,
    SCHEMA_NUM,
    SCHEMA_BOOL,
    SCHEMA_DATE,  /* YYYY-MM-DD, a real calendar day */
    SCHEMA_ENUM,  /* one of enums[] */
    SCHEMA_URL,   /* http(s):// or mailto: */
    SCHEMA_LIST,  /* items follow item */
    SCHEMA_MAP,   /* keys follow sub */
    SCHEMA_ANY,
};

enum schema_flags {
    SCHEMA_REQUIRED = 1 << 0,
    SCHEMA_NONEMPTY = 1 << 1, /* strings and lists must not be empty */
    SCHEMA_RANGE = 1 << 2,    /* numbers within [min, max] */
    SCHEMA_SCALAR_OK = 1 << 3, /* a list may also be given as one scalar */
};

struct schema;

struct schema_field {
    const char *key;
    enum schema_kind kind;
    unsigned flags;
    const char *const *enums; /* NULL-terminated, for SCHEMA_ENUM */
    const struct schema *sub; /* for SCHEMA_MAP, or list items that are maps */
    const struct schema_field *item; /* for SCHEMA_LIST */
    double min, max;
    const char *help; /* one line, for docs and messages */
};

struct schema {
    const char *name;
    const struct schema_field *fields; /* terminated by a NULL key */
    bool open; /* unknown keys allowed silently */
};

/* Checks root against s; path names the file for a missing document.
 * Returns 0 when no error was reported (warnings allowed), else -1. */
int schema_check(const struct schema *s, const struct node *root,
                 const char *path, struct diag *d);

/* True when s is YYYY-MM-DD naming a real day; fills y, m, day if given. */
bool schema_is_date(const char *s, int *y, int *m, int *day);

extern const struct schema schema_site;
extern const struct schema schema_model;
extern const struct schema schema_release;
extern const struct schema schema_page;

/* Enumerations shared with the loaders and templates. */
extern const char *const schema_risk_classes[];
extern const char *const schema_model_statuses[];
extern const char *const schema_release_statuses[];

#endif
