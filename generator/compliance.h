/* compliance: catalogs as data, answers per model, coverage.
 * Loads the frameworks shipped with dossier and the project's own
 * frameworks/ (a file with the same id replaces the shipped one), the
 * crosswalks between them, and each model's compliance/<framework>.yaml
 * answers with their evidence. Decides which items apply to a model (risk
 * class, role, kind) and counts coverage honestly: met, partial, not met,
 * not applicable, not assessed. Never concludes that a model "is
 * compliant". Everything is owned by the project's arena. */
#ifndef DOSSIER_COMPLIANCE_H
#define DOSSIER_COMPLIANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "buf.h"
#include "node.h"

struct project;
struct model;

enum compliance_status {
    COMPLIANCE_UNKNOWN, /* not assessed: no answer */
    COMPLIANCE_MET,
    COMPLIANCE_PARTIAL,
    COMPLIANCE_NOT_MET,
    COMPLIANCE_NA,
};

struct catalog_item {
    const char *id, *title, *guidance, *kind, *condition;
    const char *applies_from;      /* a date id of the catalog, or NULL */
    const char *applies_from_date; /* its date, YYYY-MM-DD, or NULL */
    size_t section;                /* index into catalog.sections */
    unsigned risk_mask, role_mask, kind_mask; /* 0 = no restriction */
    struct pos pos;
};

struct catalog_section {
    const char *id, *title, *summary;
    int level;        /* 0 top level, 1 nested */
    size_t first, n;  /* its own items: items[first .. first+n) */
};

struct catalog_date {
    const char *id, *date, *label;
};

struct catalog {
    const char *id, *title, *full_title, *version, *source, *path;
    char sha256[65]; /* of the file as it was read */
    bool voluntary;
    struct catalog_section *sections;
    size_t nsections;
    struct catalog_item *items; /* in document order */
    size_t nitems;
    struct catalog_date *dates;
    size_t ndates;
};

struct crosswalk_row {
    const char *from;
    const char **to;
    size_t nto;
    const char *rationale;
    struct pos pos;
};

struct crosswalk {
    const char *id, *title, *from, *to, *provenance, *path;
    struct crosswalk_row *rows;
    size_t nrows;
};

/* One citation. The strings of a file cited by several answers of a
 * model are shared between their citations (all in the project arena). */
struct evidence {
    const char *ref;    /* as written in the answer */
    const char *url;    /* for an http(s) URL, else NULL */
    const char *rel;    /* file: path relative to the model folder */
    const char *src;    /* file: display path of the source */
    const char *sha256; /* file: hex digest, else NULL */
    size_t size;
    struct pos pos;
};

struct answer {
    enum compliance_status status;
    bool applies;
    const char *owner, *reviewed, *note, *justification;
    struct evidence *evidence;
    size_t nevidence;
    struct pos pos; /* the answer's key in the answers file */
};

struct coverage {
    size_t applicable, met, partial, not_met, na, unknown;
};

struct model_compliance {
    const struct catalog *catalog;
    const char *path;        /* answers file, or NULL when there is none */
    struct answer *answers;  /* one per catalog item, same index */
    struct coverage cov;
};

/* Loads catalogs and crosswalks from the shipped folder (may be NULL) and
 * the project's frameworks/. Then, for every model, its answers for every
 * framework the site uses (site.yaml `frameworks`, default: all loaded).
 * Reports every problem; returns 0 when no error was added. */
int compliance_load(struct project *p, const char *shipped_dir,
                    struct diag *d);

const char *compliance_status_name(enum compliance_status s);
const struct catalog *compliance_catalog(const struct project *p,
                                         const char *id);
/* Appends the fragment a checklist page gives item or section id: id with
 * every run of characters other than ASCII letters and digits made one
 * '-'. The pages (through Lua's `anchor` field) and the search index use
 * it, so their links agree. */
void compliance_anchor(struct buf *out, const char *id);

/* Index of item id in c, or (size_t)-1. */
size_t compliance_item_index(const struct catalog *c, const char *id);

#endif
