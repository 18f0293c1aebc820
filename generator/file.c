/* file: file-system helpers with limits and containment. */
#define _GNU_SOURCE
#include "file.h"

#include <dirent.h>
#include <glib.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "threads.h"
#include "xmem.h"

/* Bytes this thread read moments ago, by path, while file_keep_begin is
 * in force: a model's metrics folder is read once to hash it for the
 * audit trail, and its importers then parse those same bytes instead of
 * reading every small file again. */
#define KEEP_MAX_FILE (256u << 10)
static _Thread_local GHashTable *kept;

static void
kept_free(void *b)
{
    buf_release(b);
    free(b);
}

void
file_keep_begin(void)
{
    if (!kept)
        kept = g_hash_table_new_full(g_str_hash, g_str_equal, free,
                                     kept_free);
}

void
file_keep_end(void)
{
    if (kept)
        g_hash_table_destroy(kept);
    kept = NULL;
}

void
file_keep(const char *path, const char *data, size_t len)
{
    if (!kept || len > KEEP_MAX_FILE)
        return;
    struct buf *b = xmalloc(sizeof *b);
    buf_init(b);
    buf_add(b, data, len);
    g_hash_table_replace(kept, xstrdup(path), b);
}

static int
read_file(struct diag *d, const struct pos *ref, const char *path,
          size_t limit, struct buf *out, int flags)
{
    const struct buf *k = kept ? g_hash_table_lookup(kept, path) : NULL;
    if (k && k->len <= limit) {
        buf_add(out, k->data ? k->data : "", k->len);
        return 0;
    }
    struct pos self = {path, 0, 0};
    const struct pos *at = ref ? ref : &self;
    int fd = open(path, O_RDONLY | O_CLOEXEC | flags);
    if (fd < 0) {
        if ((flags & O_NOFOLLOW) && errno == ELOOP)
            return -2;
        return diag_error(d, at, "cannot open '%s': %s", path,
                          strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return diag_error(d, at, "'%s' is not a regular file", path);
    }
    if ((unsigned long long)st.st_size > limit) {
        close(fd);
        return diag_error(d, at,
                          "file is too large (%lld bytes; the limit is %zu "
                          "MiB)",
                          (long long)st.st_size, limit >> 20);
    }
    size_t start = out->len;
    buf_grow(out, (size_t)st.st_size + 1);
    for (;;) {
        if (out->cap - out->len < 2)
            buf_grow(out, 65536);
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            return diag_error(d, at, "cannot read '%s': %s", path,
                              strerror(e));
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
        if (out->len - start > limit) {
            close(fd);
            return diag_error(d, at,
                              "file is too large (the limit is %zu MiB)",
                              limit >> 20);
        }
        /* a file still the size fstat gave needs no read for the EOF */
        if (out->len - start == (size_t)st.st_size && st.st_size > 0 &&
            out->cap - out->len > 1)
            break;
    }
    close(fd);
    return 0;
}

int
file_read(struct diag *d, const struct pos *ref, const char *path,
          size_t limit, struct buf *out)
{
    return read_file(d, ref, path, limit, out, 0);
}

int
file_read_nofollow(struct diag *d, const struct pos *ref, const char *path,
                   size_t limit, struct buf *out)
{
    return read_file(d, ref, path, limit, out, O_NOFOLLOW);
}

int
file_mkdirs(const char *path)
{
    /* the common case, a missing folder in an existing one, costs one
     * call; parents are made only when mkdir says they are missing */
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    if (errno != ENOENT)
        return -1;
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return -1;
    char *parent = xstrndup(path, (size_t)(slash - path));
    int rc = file_mkdirs(parent);
    free(parent);
    if (rc < 0)
        return -1;
    return mkdir(path, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

static int
write_at(const char *path, const char *data, size_t len, int flags)
{
    int fd = open(path, flags, 0666);
    const char *slash = strrchr(path, '/');
    if (fd < 0 && errno == ENOENT && slash && slash != path) {
        /* the folder is made only when it is missing: a site writes many
         * files per folder, and mkdir of every component of every path
         * was a tenth of the system calls */
        char *dir = xstrndup(path, (size_t)(slash - path));
        int rc = file_mkdirs(dir);
        free(dir);
        if (rc < 0)
            return -1;
        fd = open(path, flags, 0666);
    }
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        off += (size_t)n;
    }
    return close(fd);
}

int
file_write(const char *path, const char *data, size_t len)
{
    return write_at(path, data, len, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
}

int
file_write_new(const char *path, const char *data, size_t len)
{
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC;
    int rc = write_at(path, data, len, flags);
    if (rc < 0 && errno == EEXIST && unlink(path) == 0)
        rc = write_at(path, data, len, flags);
    return rc;
}


/* Empties the folder open as dfd (which it closes), entries removed
 * relative to it: no path is resolved again for every file of a tree of
 * thousands, and the folder's own record of each type saves a stat. */
static int
remove_in(int dfd, int depth)
{
    DIR *dp = fdopendir(dfd);
    if (!dp) {
        close(dfd);
        return -1;
    }
    int rc = 0;
    /* names are collected first: removing while reading may skip some */
    size_t n;
    unsigned char *types;
    char **names = file_list_open(dp, true, &n, &types);
    for (size_t i = 0; i < n; i++) {
        bool dir = types[i] == DT_DIR;
        if (types[i] == DT_UNKNOWN) {
            struct stat st;
            dir = fstatat(dirfd(dp), names[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                  S_ISDIR(st.st_mode);
        }
        if (dir && depth < 64) {
            int sub = openat(dirfd(dp), names[i],
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0 || remove_in(sub, depth + 1) < 0)
                rc = -1;
            if (unlinkat(dirfd(dp), names[i], AT_REMOVEDIR) < 0)
                rc = -1;
        } else if (unlinkat(dirfd(dp), names[i], 0) < 0) {
            rc = -1;
        }
    }
    file_list_free(names);
    free(types);
    closedir(dp);
    return rc;
}

/* Folders two levels down (the site's models/<id>/, search/t/ ...),
 * shared out among threads. */
struct sweep {
    char **dirs;
    size_t n, next;
};

static void *
sweep_main(void *arg)
{
    struct sweep *s = arg;
    size_t i;
    while ((i = __atomic_fetch_add(&s->next, 1, __ATOMIC_RELAXED)) < s->n)
        file_remove_tree(s->dirs[i]);
    return NULL;
}

int
file_remove_tree_jobs(const char *path, int jobs)
{
    struct sweep s = {0};
    size_t n1 = 0;
    unsigned char *t1 = NULL;
    char **top = jobs > 1 ? file_list_typed(path, true, &n1, &t1) : NULL;
    for (size_t i = 0; top && i < n1; i++) {
        if (t1[i] != DT_DIR)
            continue;
        char *sub = file_join(path, top[i]);
        size_t n2 = 0;
        unsigned char *t2 = NULL;
        char **names = file_list_typed(sub, true, &n2, &t2);
        for (size_t k = 0; names && k < n2; k++) {
            if (t2[k] != DT_DIR)
                continue;
            s.dirs = xrealloc(s.dirs, (s.n + 1) * sizeof *s.dirs);
            s.dirs[s.n++] = file_join(sub, names[k]);
        }
        file_list_free(names);
        free(t2);
        free(sub);
    }
    file_list_free(top);
    free(t1);
    if (s.n > 1)
        threads_run(sweep_main, &s, jobs);
    for (size_t i = 0; i < s.n; i++)
        free(s.dirs[i]);
    free(s.dirs);
    return file_remove_tree(path);
}

int
file_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    int rc = remove_in(dfd, 0);
    if (rmdir(path) < 0)
        rc = -1;
    return rc;
}

bool
file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

bool
file_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool
file_is_regular(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

off_t
file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}


struct typed_name {
    char *name;
    unsigned char type;
};

static int
typed_cmp(const void *a, const void *b)
{
    return strcmp(((const struct typed_name *)a)->name,
                  ((const struct typed_name *)b)->name);
}

char **
file_list_open(DIR *dp, bool hidden, size_t *count, unsigned char **types)
{
    size_t n = 0, cap = 16;
    struct typed_name *v = xmalloc(cap * sizeof *v);
    struct dirent *e;
    while ((e = readdir(dp))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (!hidden && e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap *= 2;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n].name = xstrdup(e->d_name);
        v[n++].type = e->d_type;
    }
    qsort(v, n, sizeof *v, typed_cmp);
    char **names = xmalloc((n + 1) * sizeof *names);
    unsigned char *t = types ? xmalloc(n ? n : 1) : NULL;
    for (size_t i = 0; i < n; i++) {
        names[i] = v[i].name;
        if (t)
            t[i] = v[i].type;
    }
    names[n] = NULL;
    free(v);
    if (types)
        *types = t;
    if (count)
        *count = n;
    return names;
}

char **
file_list_typed(const char *dir, bool hidden, size_t *count,
                unsigned char **types)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return NULL;
    char **names = file_list_open(dp, hidden, count, types);
    closedir(dp);
    return names;
}

char **
file_list(const char *dir, bool hidden, size_t *count)
{
    return file_list_typed(dir, hidden, count, NULL);
}

void
file_list_free(char **names)
{
    if (!names)
        return;
    for (char **p = names; *p; p++)
        free(*p);
    free(names);
}

char *
file_join(const char *a, const char *b)
{
    size_t la = strlen(a);
    while (la > 1 && a[la - 1] == '/')
        la--;
    return xasprintf("%.*s/%s", (int)la, a, b);
}

bool
file_within(const char *root, const char *path)
{
    /* A link whose target does not exist cannot be judged, and opening
     * it later would follow it wherever it then points: refuse it. */
    struct stat lst, st;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) &&
        stat(path, &st) != 0)
        return false;
    char *copy = xstrdup(path);
    char resolved[PATH_MAX];
    /* Walk up to the deepest existing ancestor, then resolve it. */
    for (;;) {
        if (realpath(copy, resolved))
            break;
        char *slash = strrchr(copy, '/');
        if (!slash) {
            if (!getcwd(resolved, sizeof resolved)) {
                free(copy);
                return false;
            }
            break;
        }
        if (slash == copy) {
            strcpy(resolved, "/");
            break;
        }
        *slash = '\0';
    }
    free(copy);
    /* The non-existing rest may still contain "..": refuse it outright. */
    if (strstr(path, "/../") || strncmp(path, "../", 3) == 0 ||
        (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0)) {
        char full[PATH_MAX];
        if (!realpath(path, full))
            return false;
    }
    size_t lr = strlen(root);
    return strncmp(resolved, root, lr) == 0 &&
           (resolved[lr] == '/' || resolved[lr] == '\0');
}

struct file_guard {
    char *root;
    GHashTable *dirs; /* folder path -> resolved absolute path, or "" */
    pthread_mutex_t lock;
};

struct file_guard *
file_guard_new(const char *root)
{
    struct file_guard *g = xcalloc(1, sizeof *g);
    g->root = xstrdup(root);
    g->dirs = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
    pthread_mutex_init(&g->lock, NULL);
    return g;
}

void
file_guard_free(struct file_guard *g)
{
    if (!g)
        return;
    g_hash_table_destroy(g->dirs);
    pthread_mutex_destroy(&g->lock);
    free(g->root);
    free(g);
}

static bool
has_dotdot(const char *p)
{
    for (const char *s = p; (s = strstr(s, "..")) != NULL; s += 2)
        if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
            return true;
    return false;
}

static const char *
guard_lookup(struct file_guard *g, const char *dir, bool *found)
{
    pthread_mutex_lock(&g->lock);
    const char *v = g_hash_table_lookup(g->dirs, dir);
    pthread_mutex_unlock(&g->lock);
    *found = v != NULL;
    return v && *v ? v : NULL;
}

static const char *
guard_store(struct file_guard *g, const char *dir, char *real)
{
    pthread_mutex_lock(&g->lock);
    /* Another thread may have resolved it meanwhile: keep the first. */
    const char *had = g_hash_table_lookup(g->dirs, dir);
    if (had) {
        free(real);
        real = (char *)had;
    } else {
        g_hash_table_insert(g->dirs, xstrdup(dir), real);
    }
    pthread_mutex_unlock(&g->lock);
    return *real ? real : NULL;
}

const char *
file_guard_resolve(struct file_guard *g, const char *dir)
{
    bool found;
    const char *v = guard_lookup(g, dir, &found);
    if (found)
        return v;
    /* From the resolved parent and one lstat() of the last component,
     * rather than realpath()'s readlink() of every component. */
    const char *slash = strrchr(dir, '/');
    const char *name = slash ? slash + 1 : NULL;
    if (slash && slash > dir && *name && strcmp(name, ".") &&
        strcmp(name, "..") && !has_dotdot(dir)) {
        char *parent = xstrndup(dir, (size_t)(slash - dir));
        const char *pr = file_guard_resolve(g, parent);
        free(parent);
        struct stat st;
        int r = pr ? lstat(dir, &st) : -1;
        if (r == 0 && !S_ISLNK(st.st_mode))
            return guard_store(g, dir,
                               strcmp(pr, "/") ? xasprintf("%s/%s", pr, name)
                                               : xasprintf("/%s", name));
        if (!pr || (r != 0 && errno == ENOENT))
            return guard_store(g, dir, xstrdup(""));
    }
    char real[PATH_MAX];
    return guard_store(g, dir, xstrdup(realpath(dir, real) ? real : ""));
}

/* The folder path is in, as a string to look up. Caller frees. */
static char *
parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    return !slash ? xstrdup(".")
           : slash == path ? xstrdup("/")
                           : xstrndup(path, (size_t)(slash - path));
}

static bool
prefix_dir(const char *s, const char *root)
{
    size_t n = strlen(root);
    return strncmp(s, root, n) == 0 && (s[n] == '/' || s[n] == '\0');
}

bool
file_guard_within_of(struct file_guard *g, const char *root,
                     const char *path)
{
    struct stat lst;
    if (!*path || has_dotdot(path) ||
        (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)))
        return file_within(root, path);
    /* Not a link itself: it is where its folder is. */
    char *dir = parent_dir(path);
    const char *real = file_guard_resolve(g, dir);
    bool in = real ? prefix_dir(real, root) : file_within(root, path);
    free(dir);
    return in;
}

bool
file_guard_parent(struct file_guard *g, const char *path)
{
    if (!*path || has_dotdot(path))
        return false;
    char *dir = parent_dir(path);
    const char *real = file_guard_resolve(g, dir);
    free(dir);
    return real && prefix_dir(real, g->root);
}

bool
file_guard_within(struct file_guard *g, const char *path)
{
    return file_guard_within_of(g, g->root, path);
}
