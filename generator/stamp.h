/* stamp: the fingerprint of everything a build could read, so that a
 * build with nothing changed does nothing.
 *
 * Before loading, a build walks its input folders (content/, the
 * project's frameworks/ and templates/, the built-in theme and catalogs)
 * and hashes every entry's path, type, size, inode, mtime and ctime,
 * together with what else decides the output (program, options, date).
 * A successful build stores that fingerprint and its diagnostics in
 * <out>/.dossier-stamp. The next build takes the fingerprint again: when
 * it equals the stored one, out/ is already what the build would write,
 * so it only replays the diagnostics. The same idea as make's and git's
 * stat checks, with git's precaution against "racily clean" files: when
 * any entry changed within a second of the walk, the stamp is not
 * trusted next time. */
#ifndef DOSSIER_STAMP_H
#define DOSSIER_STAMP_H

#include <stdbool.h>
#include <stddef.h>

/* One entry of the folder whose entries are fingerprinted one by one. */
struct stamp_child {
    char *name;
    char digest[65];
    bool racy;
};

struct stamp {
    char digest[65];
    bool racy;     /* an entry changed too close to the walk to trust it */
    size_t entries; /* files and folders fingerprinted */
    /* the entries of the folder named by stamp_take's each, sorted by
     * name, each with the fingerprint of everything below it: the model
     * folders, so that what is known of an unchanged model can be reused
     * (facts.h) even when another model changed */
    struct stamp_child *children;
    size_t nchildren;
};

/* Walks the roots (folders or files; a missing one counts as missing) and
 * fingerprints them with extra (program, options, date). Symbolic links
 * are followed for their targets' state as well, so a link to a changed
 * file is a change. each, when not NULL, is a folder met in the walk
 * (by the path it is reached by) whose entries get fingerprints of their
 * own. Release s with stamp_release(). */
void stamp_take(struct stamp *s, const char *const *roots, size_t nroots,
                const char *extra, const char *each);
void stamp_release(struct stamp *s);

/* The fingerprint of each's entry name, or NULL when it has none or it
 * changed too close to the walk to be trusted. Borrowed from s. */
const char *stamp_child(const struct stamp *s, const char *name);

/* Whether dir holds a stamp equal to s that can be trusted. On true,
 * *replay is the diagnostics text that build printed and *warnings their
 * number of warnings (caller frees *replay). */
bool stamp_matches(const char *dir, const struct stamp *s, char **replay,
                   size_t *warnings);

/* Writes dir/.dossier-stamp. 0 or -1 with errno. */
int stamp_write(const char *dir, const struct stamp *s, const char *replay,
                size_t warnings);

#define STAMP_NAME ".dossier-stamp"

#endif
