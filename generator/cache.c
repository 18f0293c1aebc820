/* cache: the build cache (see cache.h). */
#include "cache.h"

#include <glib.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "file.h"
#include "xmem.h"

#define CACHE_FORMAT "dossier-cache 1"

void
cache_init(struct cache *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_t *m = xmalloc(sizeof *m);
    pthread_mutex_init(m, NULL);
    c->lock = m;
}

static void
entry_release(struct cache_entry *e)
{
    free(e->job);
    for (size_t i = 0; i < e->ndeps; i++)
        free(e->deps[i]);
    free(e->deps);
    free(e->dep_sha);
    for (size_t i = 0; i < e->nfiles; i++)
        free(e->files[i]);
    free(e->files);
}

void
cache_release(struct cache *c)
{
    for (size_t i = 0; i < c->n; i++)
        entry_release(&c->v[i]);
    free(c->v);
    if (c->lock) {
        pthread_mutex_destroy(c->lock);
        free(c->lock);
    }
    memset(c, 0, sizeof *c);
}

void
cache_sha256(const void *data, size_t len, char out[65])
{
    /* OpenSSL's SHA-256 uses the CPU's SHA instructions where there are
     * any: several times GLib's speed, and a build hashes every input and
     * every page it writes */
    unsigned char md[32];
    unsigned int n = 0;
    if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32) {
        GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
        g_checksum_update(ck, data, len);
        snprintf(out, 65, "%s", g_checksum_get_string(ck));
        g_checksum_free(ck);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

static void
push_entry(struct cache *c, struct cache_entry *e)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = *e;
}

void
cache_add(struct cache *c, const struct cache_entry *src)
{
    struct cache_entry e;
    memset(&e, 0, sizeof e);
    e.job = xstrdup(src->job);
    memcpy(e.key, src->key, sizeof e.key);
    e.ndeps = src->ndeps;
    e.deps = xcalloc(e.ndeps ? e.ndeps : 1, sizeof *e.deps);
    e.dep_sha = xcalloc(e.ndeps ? e.ndeps : 1, sizeof *e.dep_sha);
    for (size_t i = 0; i < e.ndeps; i++) {
        e.deps[i] = xstrdup(src->deps[i]);
        memcpy(e.dep_sha[i], src->dep_sha[i], 65);
    }
    e.nfiles = src->nfiles;
    e.files = xcalloc(e.nfiles ? e.nfiles : 1, sizeof *e.files);
    for (size_t i = 0; i < e.nfiles; i++)
        e.files[i] = xstrdup(src->files[i]);
    pthread_mutex_lock(c->lock);
    push_entry(c, &e);
    pthread_mutex_unlock(c->lock);
}

const struct cache_entry *
cache_find(const struct cache *c, const char *job)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->v[i].job, job))
            return &c->v[i];
    return NULL;
}

/* Lines: "J job key", then "T name sha" and "F file" lines of that job. */
void
cache_load(struct cache *c, const char *path, const char *version)
{
    struct diag d;
    diag_init(&d);
    struct buf b;
    buf_init(&b);
    if (!file_exists(path) ||
        file_read(&d, NULL, path, (size_t)1 << 30, &b) < 0)
        goto out;
    char *save = NULL;
    char *line = strtok_r(b.data, "\n", &save);
    char head[256];
    snprintf(head, sizeof head, "%s %s", CACHE_FORMAT, version);
    if (!line || strcmp(line, head))
        goto out; /* another version: a full build */
    struct cache_entry cur;
    memset(&cur, 0, sizeof cur);
    bool have = false;
    size_t capd = 0, capf = 0;
    while ((line = strtok_r(NULL, "\n", &save))) {
        if (line[0] == 'J' && line[1] == ' ') {
            if (have)
                push_entry(c, &cur);
            memset(&cur, 0, sizeof cur);
            capd = capf = 0;
            char *sp = strrchr(line + 2, ' ');
            if (!sp || strlen(sp + 1) != 64) {
                have = false;
                continue;
            }
            *sp = '\0';
            cur.job = xstrdup(line + 2);
            memcpy(cur.key, sp + 1, 65);
            have = true;
        } else if (have && line[0] == 'T' && line[1] == ' ') {
            char *sp = strrchr(line + 2, ' ');
            if (!sp || strlen(sp + 1) != 64)
                continue;
            *sp = '\0';
            if (cur.ndeps == capd) {
                capd = capd ? capd * 2 : 8;
                cur.deps = xrealloc(cur.deps, capd * sizeof *cur.deps);
                cur.dep_sha = xrealloc(cur.dep_sha, capd * sizeof *cur.dep_sha);
            }
            cur.deps[cur.ndeps] = xstrdup(line + 2);
            memcpy(cur.dep_sha[cur.ndeps], sp + 1, 65);
            cur.ndeps++;
        } else if (have && line[0] == 'F' && line[1] == ' ') {
            if (cur.nfiles == capf) {
                capf = capf ? capf * 2 : 8;
                cur.files = xrealloc(cur.files, capf * sizeof *cur.files);
            }
            cur.files[cur.nfiles++] = xstrdup(line + 2);
        }
    }
    if (have)
        push_entry(c, &cur);
out:
    buf_release(&b);
    diag_release(&d);
}

static int
entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct cache_entry *)a)->job,
                  ((const struct cache_entry *)b)->job);
}

int
cache_save(struct cache *c, const char *path, const char *version)
{
    if (c->n > 1)
        qsort(c->v, c->n, sizeof *c->v, entry_cmp);
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%s %s\n", CACHE_FORMAT, version);
    for (size_t i = 0; i < c->n; i++) {
        const struct cache_entry *e = &c->v[i];
        buf_printf(&b, "J %s %s\n", e->job, e->key);
        for (size_t k = 0; k < e->ndeps; k++)
            buf_printf(&b, "T %s %s\n", e->deps[k], e->dep_sha[k]);
        for (size_t k = 0; k < e->nfiles; k++)
            buf_printf(&b, "F %s\n", e->files[k]);
    }
    /* never through a link: the file may be the published site's */
    int rc = file_write_new(path, b.data, b.len);
    buf_release(&b);
    return rc;
}

bool
cache_file_sha256(const char *path, char out[65], size_t *size)
{
    struct diag d;
    diag_init(&d);
    struct buf b;
    buf_init(&b);
    bool ok = file_read(&d, NULL, path, 16u << 20, &b) == 0;
    if (ok) {
        cache_sha256(b.data, b.len, out);
        *size = b.len;
    }
    buf_release(&b);
    diag_release(&d);
    return ok;
}
