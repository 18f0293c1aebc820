/* manifest: what a published site contains, and proof it is unchanged.
 * manifest.json lists every output file with its SHA-256 and size; verify
 * recomputes it for a copy of the site and reports every file that was
 * changed, is missing or was added, so an auditor can check what they
 * were given against what was released. */
#ifndef DOSSIER_MANIFEST_H
#define DOSSIER_MANIFEST_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

#define MANIFEST_NAME "manifest.json"

/* Every regular file below dir, relative and sorted (manifest.json and
 * dossier's marker left out). Caller frees with manifest_list_free(). */
char **manifest_list(const char *dir, size_t *n);
void manifest_list_free(char **v, size_t n);

/* Writes dir/manifest.json for the files now in dir. 0 or -1 (reported). */
int manifest_write(const char *dir, const char *generator, struct diag *d);

/* Checks dir against its manifest. Returns the number of files changed,
 * missing or added (each reported to d as an error), or -1 when the
 * manifest cannot be read. */
long manifest_verify(const char *dir, struct diag *d);

#endif
