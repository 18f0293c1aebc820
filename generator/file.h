/* file: the file system, kept inside the project.
 * Reading with a size limit, directory listings in a stable order, and the
 * containment check that stops any input path from leading outside the
 * project root (.., absolute paths and symlinks are all resolved first). */
#ifndef DOSSIER_FILE_H
#define DOSSIER_FILE_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "diag.h"

/* Reads the whole file into out (appended). Fails with a located message
 * when it cannot be read or is larger than limit bytes; ref is the place
 * that named the file (may be NULL: the file itself is reported). */
int file_read(struct diag *d, const struct pos *ref, const char *path,
              size_t limit, struct buf *out);

/* The same, except that a symbolic link is not opened: returns -2 then,
 * with nothing reported, so the caller can judge where it leads. */
int file_read_nofollow(struct diag *d, const struct pos *ref,
                       const char *path, size_t limit, struct buf *out);

/* Writes len bytes to path, creating parent folders. 0 or -1 with errno. */
/* While this thread is between file_keep_begin() and file_keep_end(),
 * file_read() of a path given to file_keep() returns the kept bytes (up to
 * 256 KiB a file) without reading the file again. */
void file_keep_begin(void);
void file_keep(const char *path, const char *data, size_t len);
void file_keep_end(void);

int file_write(const char *path, const char *data, size_t len);
/* The same into a new file: an existing one, which may be a hard link to
 * another tree's file, is removed first and never written through. */
int file_write_new(const char *path, const char *data, size_t len);
/* mkdir -p. 0 or -1 with errno. */
int file_mkdirs(const char *path);
/* rm -rf; does not follow symlinks. 0 or -1. */
int file_remove_tree(const char *path);
/* The same on up to jobs threads, each taking folders two levels down
 * (a site's models/<id>/): removing an old site of thousands of files is
 * mostly waiting on the file system, and removals in different folders
 * overlap. */
int file_remove_tree_jobs(const char *path, int jobs);

bool file_exists(const char *path);
bool file_is_dir(const char *path);
bool file_is_regular(const char *path);
off_t file_size(const char *path);

/* Entry names of dir (not . or ..), sorted bytewise; hidden names are
 * skipped unless hidden is true. Returns a NULL-terminated array the caller
 * frees with file_list_free(), or NULL when dir cannot be opened. */
char **file_list(const char *dir, bool hidden, size_t *count);
void file_list_free(char **names);
/* The same, with each entry's type from the folder itself where the file
 * system records it (DT_REG, DT_DIR, DT_LNK; DT_UNKNOWN otherwise), so a
 * walk needs no stat per file. types[i] belongs to names[i]; the caller
 * frees types with free(). */
char **file_list_typed(const char *dir, bool hidden, size_t *count,
                       unsigned char **types);
/* The same for the folder open as dp, which stays open: a walk by folder
 * descriptors resolves no path again. */
char **file_list_open(DIR *dp, bool hidden, size_t *count,
                      unsigned char **types);

/* True when path, after resolving symlinks and "..", lies inside root (an
 * absolute, resolved directory). A path that does not exist is judged by
 * its deepest existing parent. */
bool file_within(const char *root, const char *path);

/* A containment check for many paths under one root: folders already
 * found inside are remembered, so a file costs one lstat() rather than a
 * realpath() (a readlink per path component). Paths with a ".." component
 * or that are symbolic links themselves always take the full check. The
 * guard assumes the folders do not change while it lives (one build).
 * Safe to use from several threads. */
struct file_guard;
/* root is absolute and resolved; copied. Free with file_guard_free(). */
struct file_guard *file_guard_new(const char *root);
/* The same answer as file_within(root, path) for the guard's root. */
bool file_guard_within(struct file_guard *g, const char *path);
/* The same answer as file_within(root, path) for another resolved root
 * (such as a model's folder), using the guard's cache. */
bool file_guard_within_of(struct file_guard *g, const char *root,
                          const char *path);
/* True when path has no ".." component and the folder it is in lies
 * inside the guard's root (the file itself is not looked at). */
bool file_guard_parent(struct file_guard *g, const char *path);
/* realpath() of folder dir, cached; owned by the guard. NULL when it does
 * not resolve. */
const char *file_guard_resolve(struct file_guard *g, const char *dir);
void file_guard_free(struct file_guard *g);

/* Joins a and b with one '/'. Caller frees. */
char *file_join(const char *a, const char *b);

#endif
