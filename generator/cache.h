/* cache: the build cache that lets a rebuild skip work.
 * For each job (a model's pages, a model's PDFs) it records the key of the
 * data the job read (SHA-256 over its input files and the site-wide
 * inputs), every template and library the job ran with the SHA-256 of its
 * text, and the files the job wrote. A later build whose key and template
 * hashes match links those files from the previous site instead of
 * rendering them; a changed template invalidates exactly the jobs that
 * ran it. Stored as text in <out>/.dossier-cache, versioned: any mismatch
 * means a full build. */
#ifndef DOSSIER_CACHE_H
#define DOSSIER_CACHE_H

#include <stdbool.h>
#include <stddef.h>

struct cache_entry {
    char *job;
    char key[65];
    char **deps;            /* template names */
    char (*dep_sha)[65];    /* SHA-256 of each when the job ran */
    size_t ndeps;
    char **files;           /* output files, relative to the site */
    size_t nfiles;
};

struct cache {
    struct cache_entry *v;
    size_t n, cap;
    void *lock; /* workers add entries concurrently */
};

void cache_init(struct cache *c);
void cache_release(struct cache *c);

/* Reads path; a missing file or another format version leaves c empty. */
void cache_load(struct cache *c, const char *path, const char *version);
/* Writes c to path, entries sorted by job. 0 or -1. */
int cache_save(struct cache *c, const char *path, const char *version);

/* The entry of job, or NULL. Borrowed from c. */
const struct cache_entry *cache_find(const struct cache *c, const char *job);
/* Adds a copy of e (thread-safe). */
void cache_add(struct cache *c, const struct cache_entry *e);

/* SHA-256 of len bytes as 64 hex digits and a NUL. */
void cache_sha256(const void *data, size_t len, char out[65]);
/* The same of the file at path (at most 16 MiB), and its size; false
 * when it cannot be read. */
bool cache_file_sha256(const char *path, char out[65], size_t *size);

#endif
