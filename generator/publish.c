/* publish: build beside out/, then swap (see publish.h). */
#define _GNU_SOURCE
#include "publish.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "xmem.h"

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
    size_t n;
    char **names = file_list(*dir ? dir : "/", true, &n);
    for (size_t i = 0; names && i < n; i++) {
        if (strncmp(names[i], prefix, strlen(prefix)) != 0)
            continue;
        long pid = strtol(names[i] + strlen(prefix), NULL, 10);
        if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        char *p = file_join(*dir ? dir : "/", names[i]);
        file_remove_tree(p);
        free(p);
    }
    file_list_free(names);
    free(prefix);
    free(dir);
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
    if (file_mkdirs(pb->tmp) < 0) {
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
    char *marker = file_join(pb->tmp, PUBLISH_MARKER);
    int rc = file_write(marker, "dossier output folder\n", 22);
    free(marker);
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
        file_remove_tree_jobs(pb->tmp, 4);
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
    file_remove_tree(old);
    free(old);
    free(pb->tmp);
    pb->tmp = NULL;
    return 0;
}

void
publish_abort(struct publish *pb)
{
    if (pb->tmp) {
        file_remove_tree(pb->tmp);
        free(pb->tmp);
    }
    free(pb->out);
    memset(pb, 0, sizeof *pb);
}
