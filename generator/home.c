/* home: where dossier's own files are (see home.h). */
#include "home.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "xmem.h"

/* The folder the running program is in, or NULL. */
static char *
program_dir(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    return xstrdup(exe);
}

/* The first of dir/rels[i] that exists with the wanted type, resolved. */
static char *
first_beside(const char *dir, const char *const *rels, size_t n, bool want_dir)
{
    char real[PATH_MAX];
    for (size_t i = 0; dir && i < n; i++) {
        char *t = file_join(dir, rels[i]);
        bool ok = (want_dir ? file_is_dir(t) : file_is_regular(t)) &&
                  realpath(t, real);
        free(t);
        if (ok)
            return xstrdup(real);
    }
    return NULL;
}

/* $name resolved, or NULL when it names nothing; *set says whether it
 * is set at all (then it decides, found or not). */
static char *
from_env(const char *name, bool *set)
{
    const char *env = getenv(name);
    char real[PATH_MAX];
    *set = env && *env;
    return *set && realpath(env, real) ? xstrdup(real) : NULL;
}

char *
home_theme(void)
{
    bool set;
    char *e = from_env("DOSSIER_THEME", &set);
    if (set)
        return e;
    static const char *const rels[] = {"../templates", "../../templates",
                                       "../share/dossier/templates"};
    char *dir = program_dir();
    char *r = first_beside(dir, rels, 3, true);
    free(dir);
    return r;
}

char *
home_frameworks(void)
{
    bool set;
    char *e = from_env("DOSSIER_FRAMEWORKS", &set);
    if (set)
        return e;
    char *theme = home_theme();
    if (!theme)
        return NULL;
    static const char *const rels[] = {"../frameworks"};
    char *r = first_beside(theme, rels, 1, true);
    free(theme);
    return r;
}

char *
home_engine(void)
{
    bool set;
    char *e = from_env("DOSSIER_ENGINE", &set);
    if (set)
        return e;
    static const char *const rels[] = {HOME_ENGINE_FILE,
                                       "../lib/dossier/" HOME_ENGINE_FILE};
    char *dir = program_dir();
    char *r = first_beside(dir, rels, 2, false);
    free(dir);
    return r;
}

char *
home_out(const char *dir, const char *out)
{
    if (out)
        return xstrdup(out);
    return strcmp(dir, ".") ? file_join(dir, "out") : xstrdup("out");
}

static void
file_id(struct buf *out, const char *tag, const char *path)
{
    struct stat st;
    if (path && stat(path, &st) == 0)
        buf_printf(out, "%s %llu %lld %lld.%09ld\n", tag,
                   (unsigned long long)st.st_ino, (long long)st.st_size,
                   (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

void
home_program_id(struct buf *out, const char *engine)
{
    file_id(out, "program", "/proc/self/exe");
    file_id(out, "engine", engine);
}

double
home_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
