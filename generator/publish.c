/* publish: build beside out/, then swap (see publish.h). */
#define _GNU_SOURCE
#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "xmem.h"

/* A site is a few levels deep; a deeper spare is not one dossier made. */
#define PUBLISH_DEPTH 64

/* Removes "<out>.tmp-<pid>" folders left by builds that were killed. */
static void
remove_stale(const char *out)
{
    char *dir = xstrdup(out);
    char *slash = strrchr(dir, '/');
    const char *base = out;
    if (slash) {
        *slash = '\0';
        base = out + (slash - dir) + 1;
    } else {
        free(dir);
        dir = xstrdup(".");
    }
    char *prefix = xasprintf("%s.tmp-", base);
    char *spare = xasprintf("%s" PUBLISH_SPARE, base);
    size_t n;
    char **names = file_list(*dir ? dir : "/", true, &n);
    for (size_t i = 0; names && i < n; i++) {
        if (strncmp(names[i], prefix, strlen(prefix)) != 0)
            continue;
        if (strcmp(names[i], spare) == 0)
            continue; /* the spare, not a killed build's folder */
        long pid = strtol(names[i] + strlen(prefix), NULL, 10);
        if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        char *p = file_join(*dir ? dir : "/", names[i]);
        file_remove_tree(p);
        free(p);
    }
    file_list_free(names);
    free(spare);
    free(prefix);
    free(dir);
}

/* The type of entry name of the folder dfd, as its listing gave it (t) or
 * else from the file system, without following a link. */
static unsigned char
entry_type(int dfd, const char *name, unsigned char t)
{
    if (t != DT_UNKNOWN)
        return t;
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return DT_UNKNOWN;
    return S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG
                                                              : DT_LNK;
}

/* Walks the folder open as dfd (closed here). Without rel (the spare as
 * it is taken): removes all but folders and regular files. With rel (its
 * path so far, under tmp): removes every file not noted, and folders left
 * empty. A folder deeper than a site goes is left alone: nothing is
 * written there. */
static void
walk(struct publish *pb, int dfd, struct buf *rel, int depth)
{
    DIR *dp = fdopendir(dfd);
    if (!dp) {
        close(dfd);
        return;
    }
    /* names are collected first: removing while reading may skip some */
    size_t n;
    unsigned char *types;
    char **names = file_list_open(dp, true, &n, &types);
    size_t base = rel ? rel->len : 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = names[i];
        unsigned char t = entry_type(dirfd(dp), name, types[i]);
        if (rel) {
            rel->len = base;
            rel->data[base] = '\0';
            if (base)
                buf_putc(rel, '/');
            buf_puts(rel, name);
        }
        if (t == DT_DIR) {
            int sub = depth < PUBLISH_DEPTH
                          ? openat(dirfd(dp), name,
                                   O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                       O_CLOEXEC)
                          : -1;
            if (sub >= 0)
                walk(pb, sub, rel, depth + 1);
            if (rel) /* fails while anything is left in it */
                unlinkat(dirfd(dp), name, AT_REMOVEDIR);
        } else if (t != DT_REG ||
                   (rel && !g_hash_table_contains(pb->made, rel->data))) {
            unlinkat(dirfd(dp), name, 0);
        }
    }
    file_list_free(names);
    free(types);
    if (rel) {
        rel->len = base;
        rel->data[base] = '\0';
    }
    closedir(dp);
}

void
publish_note(struct publish *pb, const char *rel)
{
    if (!pb->reused)
        return; /* nothing to sweep in a new folder */
    pthread_mutex_lock(pb->lock);
    if (!g_hash_table_contains(pb->made, rel))
        g_hash_table_add(pb->made, xstrdup(rel));
    pthread_mutex_unlock(pb->lock);
}

/* Clears the way to tmp/rel in a spare: a file where a folder of the path
 * must be, or a folder where the file goes. */
static void
clear_path(struct publish *pb, const char *rel)
{
    char *path = file_join(pb->tmp, rel);
    size_t skip = strlen(pb->tmp) + 1;
    for (char *s = path + skip; (s = strchr(s, '/')); s++) {
        *s = '\0';
        struct stat st;
        if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode))
            unlink(path);
        *s = '/';
    }
    file_remove_tree(path);
    free(path);
}

int
publish_write(struct publish *pb, const char *rel, const char *data,
              size_t len)
{
    char *path = file_join(pb->tmp, rel);
    int rc = file_write_new(path, data, len);
    if (rc < 0 && pb->reused && errno != ENOSPC && errno != EDQUOT) {
        clear_path(pb, rel);
        rc = file_write_new(path, data, len);
    }
    if (rc == 0)
        publish_note(pb, rel);
    free(path);
    return rc;
}

int
publish_link(struct publish *pb, const char *from, const char *rel)
{
    char *to = file_join(pb->tmp, rel);
    struct stat a, b;
    int rc;
    if (pb->reused && lstat(to, &b) == 0 && S_ISREG(b.st_mode) &&
        stat(from, &a) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
        rc = 0; /* the spare has it already */
    } else {
        rc = link(from, to);
        if (rc < 0 && errno == ENOENT) {
            /* the folder is made when the link finds it missing */
            char *slash = strrchr(to, '/');
            *slash = '\0';
            file_mkdirs(to);
            *slash = '/';
            rc = link(from, to);
        }
        if (rc < 0 && pb->reused && (errno == EEXIST || errno == ENOTDIR)) {
            clear_path(pb, rel); /* the spare's file, or one in the way */
            rc = link(from, to);
        } else if (rc < 0 && errno == EEXIST) {
            unlink(to);
            rc = link(from, to);
        }
    }
    if (rc == 0)
        publish_note(pb, rel);
    free(to);
    return rc;
}

int
publish_sweep(struct publish *pb, struct diag *d)
{
    if (!pb->reused)
        return 0;
    int fd = open(pb->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        struct pos at = {pb->tmp, 0, 0};
        return diag_error(d, &at, "cannot open: %s", strerror(errno));
    }
    struct buf rel;
    buf_init(&rel);
    walk(pb, fd, &rel, 0);
    buf_release(&rel);
    return 0;
}

/* The site tmp now holds (the one replaced) is kept as the spare. */
static void
keep_spare(struct publish *pb, const char *old)
{
    if (rename(old, pb->spare) < 0)
        file_remove_tree_jobs(old, 4);
}

int
publish_begin(struct publish *pb, const char *root_abs, const char *out,
              struct diag *d)
{
    memset(pb, 0, sizeof *pb);
    struct pos at = {out, 0, 0};
    size_t len = strlen(out);
    while (len > 1 && out[len - 1] == '/')
        len--;
    pb->out = xstrndup(out, len);
    if (!file_within(root_abs, pb->out)) {
        free(pb->out);
        pb->out = NULL;
        return diag_error(d, &at,
                          "the output folder must be inside the project "
                          "folder '%s'",
                          root_abs);
    }
    char abs[PATH_MAX];
    if (realpath(pb->out, abs)) {
        char *content = file_join(abs, "content");
        char *marker = file_join(pb->out, PUBLISH_MARKER);
        int bad = strcmp(abs, root_abs) == 0 || file_exists(content);
        size_t n = 0;
        char **names = file_list(pb->out, true, &n);
        if (!bad && names && n > 0 && !file_exists(marker))
            bad = 2;
        file_list_free(names);
        free(content);
        free(marker);
        if (bad) {
            free(pb->out);
            pb->out = NULL;
            return diag_error(
                d, &at,
                bad == 2 ? "refusing to replace a folder dossier did not "
                           "write (no " PUBLISH_MARKER " in it)"
                         : "refusing to write the site over the project "
                           "itself");
        }
    }
    remove_stale(pb->out);
    pb->tmp = xasprintf("%s.tmp-%ld", pb->out, (long)getpid());
    file_remove_tree(pb->tmp);
    pb->spare = xasprintf("%s" PUBLISH_SPARE, pb->out);
    pthread_mutex_t *lock = xmalloc(sizeof *lock);
    pthread_mutex_init(lock, NULL);
    pb->lock = lock;
    pb->made = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
    struct stat st;
    if (lstat(pb->spare, &st) == 0) {
        if (S_ISDIR(st.st_mode) && rename(pb->spare, pb->tmp) == 0) {
            pb->reused = true;
            /* only folders and regular files are dossier's: a link in the
             * spare (put into out/ by hand) must not lead a write out */
            int fd = open(pb->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                       O_CLOEXEC);
            if (fd >= 0)
                walk(pb, fd, NULL, 0);
        } else {
            file_remove_tree(pb->spare);
        }
    }
    if (!pb->reused && file_mkdirs(pb->tmp) < 0) {
        int e = errno;
        free(pb->tmp);
        pb->tmp = NULL;
        return diag_error(d, &at, "cannot create a folder beside it: %s",
                          strerror(e));
    }
    return 0;
}

int
publish_commit(struct publish *pb, struct diag *d)
{
    struct pos at = {pb->out, 0, 0};
    int rc = publish_write(pb, PUBLISH_MARKER, "dossier output folder\n", 22);
    if (rc < 0)
        return diag_error(d, &at, "cannot write into '%s': %s", pb->tmp,
                          strerror(errno));
    if (!file_exists(pb->out)) {
        if (rename(pb->tmp, pb->out) < 0)
            return diag_error(d, &at, "cannot publish: %s", strerror(errno));
        free(pb->tmp);
        pb->tmp = NULL;
        return 0;
    }
    if (renameat2(AT_FDCWD, pb->tmp, AT_FDCWD, pb->out, RENAME_EXCHANGE) ==
        0) {
        /* tmp now holds the previous site. */
        keep_spare(pb, pb->tmp);
        free(pb->tmp);
        pb->tmp = NULL;
        return 0;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return diag_error(d, &at, "cannot publish: %s", strerror(errno));
    /* No exchange on this file system: two renames, a short window. */
    char *old = xasprintf("%s.old-%ld", pb->out, (long)getpid());
    if (rename(pb->out, old) < 0) {
        free(old);
        return diag_error(d, &at, "cannot publish: %s", strerror(errno));
    }
    if (rename(pb->tmp, pb->out) < 0) {
        int e = errno;
        rename(old, pb->out);
        free(old);
        return diag_error(d, &at, "cannot publish: %s", strerror(e));
    }
    keep_spare(pb, old);
    free(old);
    free(pb->tmp);
    pb->tmp = NULL;
    return 0;
}

void
publish_abort(struct publish *pb)
{
    if (pb->tmp) {
        /* a spare taken stays one (what the build put in it does no
         * harm there); a new folder goes, as if the build had not run */
        struct stat st;
        if (!pb->reused || lstat(pb->spare, &st) == 0 ||
            rename(pb->tmp, pb->spare) < 0)
            file_remove_tree(pb->tmp);
        free(pb->tmp);
    }
    if (pb->made)
        g_hash_table_destroy(pb->made);
    if (pb->lock) {
        pthread_mutex_destroy(pb->lock);
        free(pb->lock);
    }
    free(pb->spare);
    free(pb->out);
    memset(pb, 0, sizeof *pb);
}
