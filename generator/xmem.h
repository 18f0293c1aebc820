/* xmem: allocation that never returns NULL.
 * Out of memory prints "dossier: out of memory" and exits 3; that is safe
 * because publishing renames a finished temporary directory into place, so a
 * build that dies half-way leaves the previous out/ untouched. */
#ifndef DOSSIER_XMEM_H
#define DOSSIER_XMEM_H

#include <stddef.h>

/* Each returns memory the caller frees with free(); never NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string; caller frees with free(). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
