/* manifest: what a published site contains, and proof it is unchanged.
 * manifest.json lists every output file with its SHA-256 and size; verify
 * recomputes it for a copy of the site and reports every file that was
 * changed, is missing or was added, so an auditor can check what they
 * were given against what was released. */
#ifndef DOSSIER_MANIFEST_H
#define DOSSIER_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"

#define MANIFEST_NAME "manifest.json"

/* Every regular file below dir, relative and sorted (manifest.json and
 * dossier's marker left out). Caller frees with manifest_list_free(). */
char **manifest_list(const char *dir, size_t *n);
void manifest_list_free(char **v, size_t n);

/* SHA-256 and size of files already known (rel -> sum), so that the
 * manifest need not read back what the build just wrote. Adding is
 * thread-safe. */
struct manifest_sums;
struct manifest_sums *manifest_sums_new(void);
void manifest_sums_free(struct manifest_sums *s);
void manifest_sums_add(struct manifest_sums *s, const char *rel,
                       const char sha[65], size_t size);
/* The sum of rel: true and filled, or false. */
bool manifest_sums_get(struct manifest_sums *s, const char *rel,
                       char sha[65], size_t *size);
/* Adds every entry of dir/manifest.json (a previous build's); nothing when
 * it is missing or unreadable. */
void manifest_sums_load(struct manifest_sums *s, const char *dir);

/* Writes dir/manifest.json for the files now in dir, taking sums from
 * known (may be NULL) and hashing the rest. 0 or -1 (reported). */
int manifest_write(const char *dir, const char *generator,
                   struct manifest_sums *known, struct diag *d);

/* Checks dir against its manifest. Returns the number of files changed,
 * missing or added (each reported to d as an error), or -1 when the
 * manifest cannot be read. */
long manifest_verify(const char *dir, struct diag *d);

#endif
