/* publish: atomic replacement of the output folder.
 * A build writes into a fresh temporary folder beside out/ and, only when
 * everything succeeded, swaps it into place with one rename (renameat2's
 * RENAME_EXCHANGE where the kernel has it). A failed or interrupted build
 * leaves the previous out/ byte for byte as it was. The output folder must
 * lie inside the project and may only replace a folder dossier made. */
#ifndef DOSSIER_PUBLISH_H
#define DOSSIER_PUBLISH_H

#include "diag.h"

#define PUBLISH_MARKER ".dossier-site"

struct publish {
    char *out; /* the final folder */
    char *tmp; /* where this build writes */
};

/* Checks out and creates the temporary folder. root_abs is the resolved
 * project root. Returns 0, or -1 after reporting why out is refused. */
int publish_begin(struct publish *pb, const char *root_abs, const char *out,
                  struct diag *d);
/* Swaps the temporary folder into place and removes the old one.
 * Returns 0 or -1 (reported); on failure out is left as it was. */
int publish_commit(struct publish *pb, struct diag *d);
/* Removes the temporary folder; out is untouched. Safe after commit. */
void publish_abort(struct publish *pb);

#endif
