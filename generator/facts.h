/* facts: what reading a model's metrics folders found, kept between
 * builds.
 * Reading metrics/ and .eval_results/ is most of what loading a large
 * portfolio costs: an MLflow file store is a few dozen small files per
 * run, each opened, hashed and parsed. What the importers found (the
 * input files with size and SHA-256, the runs and values, the
 * diagnostics) is encoded into one record per model, which a build keeps
 * in <out>/.dossier-facts/<model>. The record's key covers the model
 * folder's fingerprint from the build stamp (every entry's path, size,
 * inode and times), the program and the project's path, so a later build
 * with the same key replays the record instead of reading the folders,
 * and any change in the folder reads it again. Records are decoded
 * defensively: a truncated or foreign one is simply not used. */
#ifndef DOSSIER_FACTS_H
#define DOSSIER_FACTS_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "metrics.h"

#define FACTS_DIR ".dossier-facts"
/* History points above which a model's metrics get no record (about
 * 14 MB of them): see project.c. */
#define FACTS_MAX_POINTS 500000

struct facts_input {
    const char *rel; /* relative to the project root */
    size_t size;
    char sha256[65];
};

/* The inputs a model's loading registered, gathered for its record. */
struct facts_inputs {
    struct facts_input *v;
    size_t n, cap;
};
void facts_inputs_add(struct facts_inputs *l, const char *rel, size_t size,
                      const char *sha256);

/* Appends to out the record for key (64 hex digits): the inputs in[0..nin),
 * the values and runs of s from v0 and r0 on, and the entries of d from d0
 * on. Strings are stored once each. */
void facts_encode(struct buf *out, const char *key,
                  const struct facts_input *in, size_t nin,
                  const struct metric_set *s, size_t v0, size_t r0,
                  const struct diag *d, size_t d0);

/* Decodes data[0..len) when it is a whole record for key: appends its
 * values and runs to s (strings in a), reports its diagnostics to d,
 * points *in at its inputs (in a) and returns 0. Returns -1 and changes
 * nothing else when it is not (another key, another format, damaged). */
int facts_decode(const char *data, size_t len, const char *key,
                 struct arena *a, struct metric_set *s,
                 struct facts_input **in, size_t *nin, struct diag *d);

struct model_compliance;
struct catalog;

/* The same for one model's answers to the frameworks in use, mc[0..nmc):
 * statuses, evidence with digests, coverage. */
void facts_encode_compliance(struct buf *out, const char *key,
                             const struct facts_input *in, size_t nin,
                             const struct model_compliance *mc, size_t nmc,
                             const struct diag *d, size_t d0);
/* Fills mc[0..nused) from a record for key made with the same catalogs in
 * the same order (each checked by id and item count); -1 and nothing
 * changed otherwise. */
int facts_decode_compliance(const char *data, size_t len, const char *key,
                            struct arena *a,
                            const struct catalog *const *used, size_t nused,
                            struct model_compliance *mc,
                            struct facts_input **in, size_t *nin,
                            struct diag *d);

#endif
