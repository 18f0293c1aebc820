/* publish: atomic replacement of the output folder.
 * A build writes into a temporary folder beside out/ and, only when
 * everything succeeded, swaps it into place with one rename (renameat2's
 * RENAME_EXCHANGE where the kernel has it). A failed or interrupted build
 * leaves the previous out/ byte for byte as it was. The output folder must
 * lie inside the project and may only replace a folder dossier made.
 *
 * The site it replaces is not removed but kept as "<out>.tmp-spare", and
 * the next build starts from it: most of its files are hard links of the
 * published site's, so a rebuild after a small change finds its folders
 * made and its unchanged files in place, where making a new tree of ten
 * thousand links and removing the old one cost more than the change. What
 * a build puts into the folder is noted (publish_note and the helpers
 * below); publish_sweep removes everything else the spare held. Files are
 * never written through: a path that exists is unlinked first, because
 * the spare's files are the published site's too. */
#ifndef DOSSIER_PUBLISH_H
#define DOSSIER_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

#define PUBLISH_MARKER ".dossier-site"
#define PUBLISH_SPARE ".tmp-spare" /* appended to the output folder */

struct publish {
    char *out;   /* the final folder */
    char *tmp;   /* where this build writes */
    char *spare; /* "<out>.tmp-spare" */
    bool reused; /* tmp began as the spare and may hold stale files */
    void *lock;  /* pthread mutex over made */
    struct _GHashTable *made; /* paths under tmp this build put there */
};

/* Checks out and creates the temporary folder. root_abs is the resolved
 * project root. Returns 0, or -1 after reporting why out is refused. */
int publish_begin(struct publish *pb, const char *root_abs, const char *out,
                  struct diag *d);
/* Records that rel (relative to tmp) belongs to the new site. Safe from
 * several threads. */
void publish_note(struct publish *pb, const char *rel);
/* Writes data as the new file tmp/rel (its folder made as needed; what
 * was there is unlinked, never written through) and notes it. Returns 0,
 * or -1 with errno set. */
int publish_write(struct publish *pb, const char *rel, const char *data,
                  size_t len);
/* Makes tmp/rel a hard link of the file from (nothing to do when it
 * already is one) and notes it. Returns 0, or -1 with errno set (ENOENT
 * when from is missing). */
int publish_link(struct publish *pb, const char *from, const char *rel);
/* Removes from tmp every file and folder not noted so far: what the
 * spare held that this build did not make. Returns 0 or -1 (reported). */
int publish_sweep(struct publish *pb, struct diag *d);
/* Swaps the temporary folder into place; the old site becomes the
 * spare. Returns 0 or -1 (reported); on failure out is left as it was. */
int publish_commit(struct publish *pb, struct diag *d);
/* Removes the temporary folder, or gives it back as the spare when it
 * began as one; out is untouched. Safe after commit. */
void publish_abort(struct publish *pb);

#endif
