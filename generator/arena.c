/* arena: chunked bump allocation, freed in one call. */
#include "arena.h"

#include <pthread.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmem.h"

struct chunk {
    struct chunk *next;
    size_t size, used;
    size_t mapped; /* bytes mmap()ed for this chunk, 0 when malloc()ed */
    max_align_t data[];
};

struct arena {
    struct chunk *head;
    struct chunk *spare; /* emptied by arena_reset, zeroed, for reuse */
    size_t next_size; /* chunks grow from 64 KiB to 2 MiB */
    unsigned long id; /* tells this arena from a freed one at its address */
    pthread_mutex_t lock; /* over the chunk list */
};

/* Each thread bumps through a chunk of its own, so loading models on
 * several threads takes the lock once per chunk, not once per node. A
 * thread keeps a chunk for each of the last few arenas it used (a model's
 * scratch arena and the project's alternate). The id, never reused, keeps
 * a thread from touching a freed arena's chunk. */
#define ARENA_SLOTS 4
static unsigned long arena_ids;
static _Thread_local struct {
    unsigned long id;
    struct chunk *c;
} mine[ARENA_SLOTS];
static _Thread_local unsigned mine_next;

#define ARENA_CHUNK (64 * 1024)
#define ARENA_HUGE (2 * 1024 * 1024)

struct arena *
arena_new(void)
{
    struct arena *a = xcalloc(1, sizeof(struct arena));
    a->next_size = ARENA_CHUNK;
    a->id = __atomic_add_fetch(&arena_ids, 1, __ATOMIC_RELAXED);
    pthread_mutex_init(&a->lock, NULL);
    return a;
}

/* A zeroed chunk with room for size bytes. Big ones are whole 2 MiB
 * transparent huge pages where the system allows it: a large build
 * touches hundreds of MiB, and one page fault per 2 MiB instead of per
 * 4 KiB is a visible part of its time. */
static struct chunk *
chunk_new(size_t size)
{
    size_t need = sizeof(struct chunk) + size;
    if (need >= ARENA_HUGE) {
        size_t len = (need + ARENA_HUGE - 1) / ARENA_HUGE * ARENA_HUGE;
        char *raw = mmap(NULL, len + ARENA_HUGE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw != MAP_FAILED) {
            uintptr_t at = ((uintptr_t)raw + ARENA_HUGE - 1) &
                           ~(uintptr_t)(ARENA_HUGE - 1);
            char *p = (char *)at;
            if (p > raw)
                munmap(raw, (size_t)(p - raw));
            size_t tail = (size_t)(raw + len + ARENA_HUGE - (p + len));
            if (tail)
                munmap(p + len, tail);
#ifdef MADV_HUGEPAGE
            madvise(p, len, MADV_HUGEPAGE);
#endif
            struct chunk *c = (struct chunk *)p;
            c->size = len - sizeof *c;
            c->mapped = len;
            return c;
        }
    }
    struct chunk *c = xcalloc(1, need);
    c->size = size;
    return c;
}

void
arena_free(struct arena *a)
{
    if (!a)
        return;
    for (int i = 0; i < ARENA_SLOTS; i++)
        if (mine[i].id == a->id)
            mine[i].id = 0;
    struct chunk *lists[2] = {a->head, a->spare};
    for (int l = 0; l < 2; l++) {
        struct chunk *c = lists[l];
        while (c) {
            struct chunk *next = c->next;
            if (c->mapped)
                munmap(c, c->mapped);
            else
                free(c);
            c = next;
        }
    }
    pthread_mutex_destroy(&a->lock);
    free(a);
}

/* The chunk for a's next allocation of n bytes: a spare one, or new. */
static struct chunk *
take_chunk(struct arena *a, size_t n, bool big)
{
    size_t want = big ? n : a->next_size - sizeof(struct chunk);
    for (struct chunk **pp = &a->spare; *pp; pp = &(*pp)->next) {
        if ((*pp)->size >= want) {
            struct chunk *c = *pp;
            *pp = c->next;
            return c;
        }
    }
    struct chunk *c = chunk_new(want);
    if (!big && a->next_size < ARENA_HUGE)
        a->next_size *= 2;
    return c;
}

/* n bytes at a multiple of align (a power of two) from this thread's
 * chunk of a. Strings take align 1: rounding each to 16 bytes cost a large
 * build a fifth of its string memory. */
static void *
bump(struct arena *a, size_t n, size_t align)
{
    if (n == 0)
        n = 1;
    int slot = -1;
    for (int i = 0; i < ARENA_SLOTS; i++)
        if (mine[i].id == a->id) {
            slot = i;
            break;
        }
    struct chunk *c = slot >= 0 ? mine[slot].c : NULL;
    size_t pad = c ? (0 - c->used) & (align - 1) : 0;
    if (!c || c->size - c->used < pad + n) {
        pthread_mutex_lock(&a->lock);
        bool big = n > a->next_size / 4;
        struct chunk *fresh = take_chunk(a, n, big);
        fresh->next = a->head;
        a->head = fresh;
        pthread_mutex_unlock(&a->lock);
        if (big) {
            /* a big block gets a chunk of its own, and the thread keeps
             * the free space of its current one */
            fresh->used = n;
            return fresh->data;
        }
        for (int i = 0; slot < 0 && i < ARENA_SLOTS; i++)
            if (!mine[i].id)
                slot = i;
        if (slot < 0)
            slot = (int)(mine_next++ % ARENA_SLOTS);
        mine[slot].id = a->id;
        mine[slot].c = c = fresh;
        pad = 0;
    }
    void *p = (char *)c->data + c->used + pad;
    c->used += pad + n;
    return p; /* chunks are zeroed when made, and when reset */
}

void *
arena_alloc(struct arena *a, size_t n)
{
    return bump(a, n, sizeof(max_align_t));
}

void
arena_reset(struct arena *a)
{
    pthread_mutex_lock(&a->lock);
    while (a->head) {
        struct chunk *c = a->head;
        a->head = c->next;
        memset(c->data, 0, c->used);
        c->used = 0;
        c->next = a->spare;
        a->spare = c;
    }
    pthread_mutex_unlock(&a->lock);
    /* this thread's chunk of the arena is now a spare: forget it, and keep
     * the slot for the arena */
    for (int i = 0; i < ARENA_SLOTS; i++)
        if (mine[i].id == a->id)
            mine[i].c = NULL;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = bump(a, n + 1, 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = bump(a, (size_t)n + 1, 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

size_t
arena_used(const struct arena *a)
{
    size_t n = 0;
    for (const struct chunk *c = a->head; c; c = c->next)
        n += c->used;
    return n;
}
