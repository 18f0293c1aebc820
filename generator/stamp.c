/* stamp: the fingerprint that lets an unchanged build do nothing (see
 * stamp.h). */
#include "stamp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "buf.h"
#include "diag.h"
#include "file.h"
#include "threads.h"
#include "xmem.h"

#define STAMP_FORMAT "dossier-stamp 4"
#define STAMP_DEPTH 24
#define STAMP_FAN_OUT 32 /* entries from which a folder is walked in parallel */
/* Threads of a parallel walk over a large folder, whatever the cores:
 * with a cold cache the walk waits on the disk for inodes (16 threads
 * walked 700,000 entries in 7.2 s where 2 took 12.2), and with a warm one
 * it costs no more. A small folder gets one thread per core: there the
 * extra threads cost more to start than they save (7,000 entries: 52
 * against 40 ms). */
#define STAMP_THREADS 16
#define STAMP_MANY 1000 /* entries from which a folder gets them all */

struct walk {
    EVP_MD_CTX *ck; /* SHA-256 of everything walked, in order */
    struct buf rec;
    time_t now;
    size_t entries;
    bool racy;
    const char *each;     /* stamp_take's each, or NULL */
    struct stamp *stamp;  /* where each's children go */
};

static EVP_MD_CTX *
ck_new(void)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
        fputs("dossier: out of memory\n", stderr);
        exit(3);
    }
    return c;
}

static void
ck_update(EVP_MD_CTX *c, const void *p, size_t n)
{
    EVP_DigestUpdate(c, p, n);
}

/* Finishes c into 64 hex digits and frees it. */
static void
ck_done(EVP_MD_CTX *c, char out[65])
{
    unsigned char md[32];
    unsigned n = 0;
    EVP_DigestFinal_ex(c, md, &n);
    EVP_MD_CTX_free(c);
    static const char hx[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hx[md[i] >> 4];
        out[2 * i + 1] = hx[md[i] & 15];
    }
    out[64] = '\0';
}

/* Adds one formatted record to the walk's checksum. */
static void __attribute__((format(printf, 2, 3)))
feed(struct walk *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_reset(&w->rec);
    buf_vprintf(&w->rec, fmt, ap);
    va_end(ap);
    ck_update(w->ck, w->rec.data, w->rec.len);
}

/* One entry: its path and what stat says, as bytes, not text: this runs
 * for every one of tens of thousands of files on every build. */
static void
feed_stat(struct walk *w, const char *tag, const char *path,
          const struct stat *st)
{
    struct {
        char tag;
        uint32_t mode;
        int64_t size;
        uint64_t ino;
        int64_t mtime, mtime_ns, ctime, ctime_ns;
    } r;
    memset(&r, 0, sizeof r);
    r.tag = tag[0];
    r.mode = (uint32_t)st->st_mode;
    r.size = (int64_t)st->st_size;
    r.ino = (uint64_t)st->st_ino;
    r.mtime = (int64_t)st->st_mtim.tv_sec;
    r.mtime_ns = (int64_t)st->st_mtim.tv_nsec;
    r.ctime = (int64_t)st->st_ctim.tv_sec;
    r.ctime_ns = (int64_t)st->st_ctim.tv_nsec;
    ck_update(w->ck, path, strlen(path) + 1);
    ck_update(w->ck, &r, sizeof r);
    w->entries++;
    /* changed within a second of the walk: the same second may still see
     * another change that leaves size and times as they are */
    if (st->st_mtim.tv_sec >= w->now - 1 || st->st_ctim.tv_sec >= w->now - 1)
        w->racy = true;
}

/* A folder entry and the type the folder gives for it. */
struct ent {
    char *name;
    unsigned char type;
};

static int
ent_cmp(const void *a, const void *b)
{
    return strcmp(((const struct ent *)a)->name,
                  ((const struct ent *)b)->name);
}

/* A record of getdents64, as the kernel writes it. */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void walk_at(struct walk *w, int dfd, const char *name,
                    unsigned char type, const char *path, int depth);
static void walk_children_parallel(struct walk *w, int dfd,
                                   const char *path, struct ent *ents,
                                   size_t n, int depth);

/* Lists the folder open as fd (which it closes), in name order. */
static void
walk_dir(struct walk *w, int fd, const char *path, int depth)
{
    /* getdents64 on the descriptor itself: fdopendir would add an fcntl
     * and an fstat for each of the hundreds of thousands of folders a
     * large portfolio has (26 a model with an MLflow store) */
    struct ent *ents = NULL;
    size_t n = 0, cap = 0;
    static _Thread_local char dbuf[32768] __attribute__((aligned(8)));
    for (;;) {
        long got = syscall(SYS_getdents64, fd, dbuf, sizeof dbuf);
        if (got < 0) {
            feed(w, "unreadable %s %d\n", path, errno);
            break;
        }
        if (got == 0)
            break;
        for (long off = 0; off < got;) {
            const struct linux_dirent64 *e =
                (const struct linux_dirent64 *)(dbuf + off);
            off += e->d_reclen;
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 32;
                ents = xrealloc(ents, cap * sizeof *ents);
            }
            ents[n].name = xstrdup(e->d_name);
            ents[n++].type = e->d_type;
        }
    }
    if (n > 1)
        qsort(ents, n, sizeof *ents, ent_cmp);
    /* stat relative to the open folder: one path component to look up,
     * not the whole path, for each of tens of thousands of entries */
    int dfd = fd;
    if ((n >= STAMP_FAN_OUT && depth <= 2) ||
        (w->each && !strcmp(path, w->each)))
        walk_children_parallel(w, dfd, path, ents, n, depth);
    else
        for (size_t i = 0; i < n; i++) {
            char *child = file_join(path, ents[i].name);
            walk_at(w, dfd, ents[i].name, ents[i].type, child, depth + 1);
            free(child);
        }
    for (size_t i = 0; i < n; i++)
        free(ents[i].name);
    free(ents);
    close(fd);
}

/* A big folder (the models) is walked by several threads, each child
 * into its own checksum; the children's digests then go into the
 * parent's in name order, so the result does not depend on the threads. */
struct fan {
    struct walk *parent;
    int dfd;
    const char *path;
    struct ent *ents;
    size_t n, depth;
    char (*digests)[65];
    size_t *entries;
    bool *racy;
    size_t next;
    pthread_mutex_t lock;
};

static void *
fan_main(void *arg)
{
    struct fan *f = arg;
    for (;;) {
        pthread_mutex_lock(&f->lock);
        size_t i = f->next++;
        pthread_mutex_unlock(&f->lock);
        if (i >= f->n)
            break;
        struct walk w = {.ck = ck_new(), .now = f->parent->now};
        buf_init(&w.rec);
        char *child = file_join(f->path, f->ents[i].name);
        walk_at(&w, f->dfd, f->ents[i].name, f->ents[i].type, child,
                (int)f->depth + 1);
        free(child);
        ck_done(w.ck, f->digests[i]);
        f->entries[i] = w.entries;
        f->racy[i] = w.racy;
        buf_release(&w.rec);
    }
    return NULL;
}

static void
walk_children_parallel(struct walk *w, int dfd, const char *path,
                       struct ent *ents, size_t n, int depth)
{
    struct fan f = {.parent = w, .dfd = dfd, .path = path, .ents = ents,
                    .n = n, .depth = (size_t)depth};
    f.digests = xcalloc(n, sizeof *f.digests);
    f.entries = xcalloc(n, sizeof *f.entries);
    f.racy = xcalloc(n, sizeof *f.racy);
    pthread_mutex_init(&f.lock, NULL);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int nt = n >= STAMP_MANY ? STAMP_THREADS
             : cpus > 1      ? (int)(cpus < STAMP_THREADS ? cpus : STAMP_THREADS)
                             : 1;
    threads_run(fan_main, &f, nt);
    bool keep = w->each && w->stamp && !w->stamp->children &&
                !strcmp(path, w->each);
    if (keep) {
        w->stamp->children = xcalloc(n ? n : 1, sizeof *w->stamp->children);
        w->stamp->nchildren = n;
    }
    for (size_t i = 0; i < n; i++) {
        feed(w, "child %s %s\n", ents[i].name, f.digests[i]);
        w->entries += f.entries[i];
        w->racy |= f.racy[i];
        if (keep) {
            struct stamp_child *ch = &w->stamp->children[i];
            ch->name = xstrdup(ents[i].name);
            memcpy(ch->digest, f.digests[i], 65);
            ch->racy = f.racy[i];
        }
    }
    pthread_mutex_destroy(&f.lock);
    free(f.digests);
    free(f.entries);
    free(f.racy);
}

static void
walk_at(struct walk *w, int dfd, const char *name, unsigned char type,
        const char *path, int depth)
{
    if (type == DT_DIR && depth < STAMP_DEPTH) {
        /* A folder's own stat says nothing its listing does not: entries
         * added, removed or renamed are seen there, and a changed file
         * has its own times. Not stating the 26 folders of each model's
         * MLflow store saves a sixth of the walk's system calls.
         * O_NOFOLLOW: a folder swapped for a link since it was listed
         * is a change, reported as such. */
        int fd = openat(dfd, name,
                        O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        feed(w, "folder %s\n", path);
        w->entries++;
        if (fd < 0) {
            feed(w, "unreadable %s %d\n", path, errno);
            return;
        }
        walk_dir(w, fd, path, depth);
        return;
    }
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        feed(w, "missing %s\n", path);
        return;
    }
    feed_stat(w, "entry", path, &st);
    bool dir = S_ISDIR(st.st_mode);
    if (S_ISLNK(st.st_mode)) {
        /* what the link leads to is what a build reads */
        struct stat target;
        if (fstatat(dfd, name, &target, 0) != 0) {
            feed(w, "dangling %s\n", path);
            return;
        }
        feed_stat(w, "target", path, &target);
        dir = S_ISDIR(target.st_mode);
    }
    if (dir && depth < STAMP_DEPTH) {
        int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            feed(w, "unreadable %s %d\n", path, errno);
            return;
        }
        walk_dir(w, fd, path, depth);
    }
}

void
stamp_take(struct stamp *s, const char *const *roots, size_t nroots,
           const char *extra, const char *each)
{
    memset(s, 0, sizeof *s);
    struct walk w = {.ck = ck_new(), .now = time(NULL), .each = each,
                     .stamp = s};
    buf_init(&w.rec);
    ck_update(w.ck, STAMP_FORMAT "\n", sizeof STAMP_FORMAT);
    ck_update(w.ck, extra, strlen(extra));
    for (size_t i = 0; i < nroots; i++) {
        feed(&w, "\nroot %s\n", roots[i] ? roots[i] : "");
        if (roots[i])
            walk_at(&w, AT_FDCWD, roots[i], DT_UNKNOWN, roots[i], 0);
    }
    ck_done(w.ck, s->digest);
    s->entries = w.entries;
    s->racy = w.racy;
    buf_release(&w.rec);
}

void
stamp_release(struct stamp *s)
{
    for (size_t i = 0; i < s->nchildren; i++)
        free(s->children[i].name);
    free(s->children);
    s->children = NULL;
    s->nchildren = 0;
}

static int
child_cmp(const void *name, const void *child)
{
    return strcmp(name, ((const struct stamp_child *)child)->name);
}

const char *
stamp_child(const struct stamp *s, const char *name)
{
    const struct stamp_child *c =
        s->nchildren ? bsearch(name, s->children, s->nchildren,
                               sizeof *s->children, child_cmp)
                     : NULL;
    return c && !c->racy ? c->digest : NULL;
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
    int rc = file_write_new(path, b.data, b.len);
    free(path);
    buf_release(&b);
    return rc;
}
