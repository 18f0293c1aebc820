/* stamp: the fingerprint that lets an unchanged build do nothing (see
 * stamp.h). */
#include "stamp.h"

#include <dirent.h>
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "diag.h"
#include "file.h"
#include "xmem.h"

#define STAMP_FORMAT "dossier-stamp 1"
#define STAMP_DEPTH 24

struct walk {
    GChecksum *ck;
    struct buf rec;
    time_t now;
    struct stamp *s;
};

static void
feed_stat(struct walk *w, const char *tag, const char *path,
          const struct stat *st)
{
    buf_reset(&w->rec);
    buf_printf(&w->rec, "%s %s %o %lld %llu %lld.%09ld %lld.%09ld\n", tag,
               path, (unsigned)st->st_mode, (long long)st->st_size,
               (unsigned long long)st->st_ino, (long long)st->st_mtim.tv_sec,
               st->st_mtim.tv_nsec, (long long)st->st_ctim.tv_sec,
               st->st_ctim.tv_nsec);
    g_checksum_update(w->ck, (const guchar *)w->rec.data, w->rec.len);
    w->s->entries++;
    /* changed within a second of the walk: the same second may still see
     * another change that leaves size and times as they are */
    if (st->st_mtim.tv_sec >= w->now - 1 || st->st_ctim.tv_sec >= w->now - 1)
        w->s->racy = true;
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_path(struct walk *w, const char *path, int depth);

static void
walk_dir(struct walk *w, const char *path, int depth)
{
    DIR *dir = opendir(path);
    if (!dir) {
        buf_reset(&w->rec);
        buf_printf(&w->rec, "unreadable %s %d\n", path, errno);
        g_checksum_update(w->ck, (const guchar *)w->rec.data, w->rec.len);
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[n++] = xstrdup(e->d_name);
    }
    closedir(dir);
    if (n > 1)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n; i++) {
        char *child = file_join(path, names[i]);
        walk_path(w, child, depth + 1);
        free(child);
        free(names[i]);
    }
    free(names);
}

static void
walk_path(struct walk *w, const char *path, int depth)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        buf_reset(&w->rec);
        buf_printf(&w->rec, "missing %s\n", path);
        g_checksum_update(w->ck, (const guchar *)w->rec.data, w->rec.len);
        return;
    }
    feed_stat(w, "entry", path, &st);
    if (S_ISLNK(st.st_mode)) {
        /* what the link leads to is what a build reads */
        struct stat target;
        if (stat(path, &target) != 0) {
            buf_reset(&w->rec);
            buf_printf(&w->rec, "dangling %s\n", path);
            g_checksum_update(w->ck, (const guchar *)w->rec.data,
                              w->rec.len);
            return;
        }
        feed_stat(w, "target", path, &target);
        if (S_ISDIR(target.st_mode) && depth < STAMP_DEPTH)
            walk_dir(w, path, depth);
    } else if (S_ISDIR(st.st_mode) && depth < STAMP_DEPTH) {
        walk_dir(w, path, depth);
    }
}

void
stamp_take(struct stamp *s, const char *const *roots, size_t nroots,
           const char *extra)
{
    memset(s, 0, sizeof *s);
    struct walk w = {.ck = g_checksum_new(G_CHECKSUM_SHA256),
                     .now = time(NULL),
                     .s = s};
    buf_init(&w.rec);
    g_checksum_update(w.ck, (const guchar *)STAMP_FORMAT "\n",
                      sizeof STAMP_FORMAT);
    g_checksum_update(w.ck, (const guchar *)extra, strlen(extra));
    for (size_t i = 0; i < nroots; i++) {
        buf_reset(&w.rec);
        buf_printf(&w.rec, "\nroot %s\n", roots[i] ? roots[i] : "");
        g_checksum_update(w.ck, (const guchar *)w.rec.data, w.rec.len);
        if (roots[i])
            walk_path(&w, roots[i], 0);
    }
    snprintf(s->digest, sizeof s->digest, "%s", g_checksum_get_string(w.ck));
    g_checksum_free(w.ck);
    buf_release(&w.rec);
}

bool
stamp_matches(const char *dir, const struct stamp *s, char **replay,
              size_t *warnings)
{
    *replay = NULL;
    *warnings = 0;
    if (s->racy)
        return false;
    char *path = file_join(dir, STAMP_NAME);
    struct diag d;
    diag_init(&d);
    struct buf b;
    buf_init(&b);
    bool ok = false;
    if (file_is_regular(path) &&
        file_read(&d, NULL, path, 64u << 20, &b) == 0) {
        char digest[65];
        size_t nw;
        int used = 0;
        char head[32];
        if (sscanf(b.data, "%31[^\n]\ndigest %64s\nwarnings %zu\n%n", head,
                   digest, &nw, &used) == 3 &&
            used > 0 && !strcmp(head, STAMP_FORMAT) &&
            !strcmp(digest, s->digest)) {
            ok = true;
            *warnings = nw;
            *replay = xstrdup(b.data + used);
        }
    }
    buf_release(&b);
    diag_release(&d);
    free(path);
    return ok;
}

int
stamp_write(const char *dir, const struct stamp *s, const char *replay,
            size_t warnings)
{
    struct buf b;
    buf_init(&b);
    /* a racy fingerprint is stored as one that can never match */
    buf_printf(&b, "%s\ndigest %s\nwarnings %zu\n", STAMP_FORMAT,
               s->racy ? "racy" : s->digest, warnings);
    if (replay)
        buf_puts(&b, replay);
    char *path = file_join(dir, STAMP_NAME);
    int rc = file_write(path, b.data, b.len);
    free(path);
    buf_release(&b);
    return rc;
}
