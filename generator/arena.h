/* arena: a bump allocator for data that lives as long as a build.
 * The document tree, its strings and the derived facts are allocated here
 * and freed together by arena_free(). Allocation is thread-safe (models
 * are loaded on several threads); the tree is only read afterwards. */
#ifndef DOSSIER_ARENA_H
#define DOSSIER_ARENA_H

#include <stddef.h>

struct arena;

/* Caller frees with arena_free(); never NULL. */
struct arena *arena_new(void);
void arena_free(struct arena *a);

/* Empties the arena and keeps its chunks for what it allocates next;
 * everything allocated before is gone. Only while no other thread uses a.
 * A scratch arena reset per file costs no page faults after the first. */
void arena_reset(struct arena *a);

/* Zeroed memory owned by the arena; never NULL (exits on OOM). */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Bytes handed out so far; only while no other thread allocates. */
size_t arena_used(const struct arena *a);

#endif
