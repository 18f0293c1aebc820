/* manifest: manifest.json and dossier verify (see manifest.h). */
#include "manifest.h"

#include <dirent.h>
#include <stdbool.h>

#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cache.h"
#include "file.h"
#include "json.h"
#include "publish.h"
#include "xmem.h"

struct list {
    char **v;
    size_t n, cap;
};

static void
walk(const char *root, const char *rel, struct list *l)
{
    char *dir = rel ? file_join(root, rel) : xstrdup(root);
    size_t n;
    unsigned char *types = NULL;
    char **names = file_list_typed(dir, true, &n, &types);
    for (size_t i = 0; names && i < n; i++) {
        /* dossier's own state at the top (stamp, caches) is not the site */
        if (!rel && (!strcmp(names[i], MANIFEST_NAME) ||
                     !strncmp(names[i], ".dossier", 8)))
            continue;
        char *r = rel ? file_join(rel, names[i]) : xstrdup(names[i]);
        char *full = file_join(root, r);
        /* the folder says what each entry is; stat only when it does not */
        bool is_dir = types[i] == DT_DIR ||
                      (types[i] == DT_UNKNOWN && file_is_dir(full));
        if (is_dir) {
            walk(root, r, l);
            free(r);
        } else {
            if (l->n == l->cap) {
                l->cap = l->cap ? l->cap * 2 : 64;
                l->v = xrealloc(l->v, l->cap * sizeof *l->v);
            }
            l->v[l->n++] = r;
        }
        free(full);
    }
    file_list_free(names);
    free(types);
    free(dir);
}

static int
cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
manifest_list(const char *dir, size_t *n)
{
    struct list l = {0};
    walk(dir, NULL, &l);
    if (l.n > 1)
        qsort(l.v, l.n, sizeof *l.v, cmp);
    *n = l.n;
    return l.v;
}

void
manifest_list_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* SHA-256 of a file as hex; -1 when it cannot be read. */
static int
hash_file(const char *path, char out[65], size_t *size, struct diag *d)
{
    struct buf b;
    buf_init(&b);
    if (file_read(d, NULL, path, (size_t)1 << 31, &b) < 0) {
        buf_release(&b);
        return -1;
    }
    cache_sha256(b.data, b.len, out);
    *size = b.len;
    buf_release(&b);
    return 0;
}

struct manifest_sums {
    GHashTable *t; /* rel -> "sha256 size" */
    pthread_mutex_t lock;
};

struct manifest_sums *
manifest_sums_new(void)
{
    struct manifest_sums *s = xcalloc(1, sizeof *s);
    s->t = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

void
manifest_sums_free(struct manifest_sums *s)
{
    if (!s)
        return;
    g_hash_table_destroy(s->t);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void
manifest_sums_add(struct manifest_sums *s, const char *rel,
                  const char sha[65], size_t size)
{
    char *v = xasprintf("%.64s %zu", sha, size);
    pthread_mutex_lock(&s->lock);
    g_hash_table_replace(s->t, xstrdup(rel), v);
    pthread_mutex_unlock(&s->lock);
}

bool
manifest_sums_get(struct manifest_sums *s, const char *rel, char sha[65],
                  size_t *size)
{
    pthread_mutex_lock(&s->lock);
    const char *v = g_hash_table_lookup(s->t, rel);
    bool ok = v && strlen(v) > 65 && v[64] == ' ';
    if (ok) {
        memcpy(sha, v, 64);
        sha[64] = '\0';
        *size = (size_t)strtoull(v + 65, NULL, 10);
    }
    pthread_mutex_unlock(&s->lock);
    return ok;
}

/* A manifest lists every file of a site: 18 MB at 10,000 models, more
 * than the limit for the project's own YAML and JSON files. */
#define MANIFEST_MAX_BYTES ((size_t)1 << 30)

static int
load_manifest(struct arena *a, struct diag *d, const char *path,
              struct node **root)
{
    struct buf b;
    buf_init(&b);
    *root = NULL;
    int rc = file_read(d, NULL, path, MANIFEST_MAX_BYTES, &b);
    if (rc == 0)
        rc = json_parse(a, d, path, b.data, b.len, root);
    buf_release(&b);
    return rc;
}

void
manifest_sums_load(struct manifest_sums *s, const char *dir)
{
    char *path = file_join(dir, MANIFEST_NAME);
    struct arena *a = arena_new();
    struct diag d;
    diag_init(&d);
    struct node *root = NULL;
    if (file_is_regular(path) && load_manifest(a, &d, path, &root) == 0) {
        const struct node *files = node_get(root, "files");
        for (size_t i = 0; files && files->type == NODE_SEQ && i < files->n;
             i++) {
            const struct node *f = files->items[i];
            const char *rel = node_get_str(f, "path");
            const char *sha = node_get_str(f, "sha256");
            const struct node *sz = node_get(f, "size");
            if (rel && sha && strlen(sha) == 64 && sz && sz->type == NODE_INT &&
                sz->v.i >= 0)
                manifest_sums_add(s, rel, sha, (size_t)sz->v.i);
        }
    }
    diag_release(&d);
    arena_free(a);
    free(path);
}

int
manifest_write(const char *dir, const char *generator,
               struct manifest_sums *known, struct diag *d)
{
    size_t n;
    char **files = manifest_list(dir, &n);
    struct buf out;
    buf_init(&out);
    struct json j;
    json_init(&j, &out);
    json_object_begin(&j);
    json_kv(&j, "generator", generator);
    json_kv(&j, "algorithm", "sha256");
    json_key(&j, "files");
    json_array_begin(&j);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char *full = file_join(dir, files[i]);
        char sum[65];
        size_t size;
        if ((!known || !manifest_sums_get(known, files[i], sum, &size)) &&
            hash_file(full, sum, &size, d) < 0) {
            rc = -1;
        } else {
            json_object_begin(&j);
            json_kv(&j, "path", files[i]);
            json_kv(&j, "sha256", sum);
            json_key(&j, "size");
            json_int(&j, (long long)size);
            json_object_end(&j);
        }
        free(full);
    }
    json_array_end(&j);
    json_object_end(&j);
    char *path = file_join(dir, MANIFEST_NAME);
    if (rc == 0 && file_write_new(path, out.data, out.len) < 0)
        rc = diag_error(d, NULL, "cannot write '%s': %s", path,
                        strerror(errno));
    free(path);
    buf_release(&out);
    manifest_list_free(files, n);
    return rc;
}

long
manifest_verify(const char *dir, struct diag *d)
{
    char *path = file_join(dir, MANIFEST_NAME);
    struct arena *a = arena_new();
    struct node *root = NULL;
    long problems = -1;
    if (load_manifest(a, d, path, &root) < 0)
        goto out;
    const struct node *files = node_get(root, "files");
    if (!files || files->type != NODE_SEQ) {
        struct pos at = {path, 1, 1};
        diag_error(d, &at, "not a dossier manifest (no 'files' list)");
        goto out;
    }
    problems = 0;
    size_t n;
    char **have = manifest_list(dir, &n);
    bool *seen = xcalloc(n ? n : 1, sizeof *seen);
    for (size_t i = 0; i < files->n; i++) {
        const struct node *f = files->items[i];
        const char *rel = node_get_str(f, "path");
        const char *want = node_get_str(f, "sha256");
        if (!rel || !want) {
            diag_error(d, &f->pos, "manifest entry without path or sha256");
            problems++;
            continue;
        }
        char **hit = n ? bsearch(&rel, have, n, sizeof *have, cmp) : NULL;
        char *full = file_join(dir, rel);
        struct pos at = {full, 0, 0};
        if (!hit) {
            diag_error(d, &at, "missing: listed in the manifest but not in "
                               "the site");
            problems++;
        } else {
            seen[hit - have] = true;
            char sum[65];
            size_t size;
            if (hash_file(full, sum, &size, d) < 0 || strcmp(sum, want)) {
                diag_error(d, &at,
                           "changed: its SHA-256 is %.16s…, the manifest "
                           "says %.16s…",
                           sum, want);
                problems++;
            }
        }
        free(full);
    }
    for (size_t i = 0; i < n; i++) {
        if (!seen[i]) {
            char *full = file_join(dir, have[i]);
            struct pos at = {full, 0, 0};
            diag_error(d, &at, "added: not in the manifest");
            free(full);
            problems++;
        }
    }
    free(seen);
    manifest_list_free(have, n);
out:
    arena_free(a);
    free(path);
    return problems;
}
