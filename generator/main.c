/* dossier: the command. Parses the command line, answers --help and
 * --version, and for a build first checks whether out/ is already what the
 * build would write (stamp.h). Only when there is work does it load the
 * engine (engine.h), which holds everything else: that keeps a no-change
 * rebuild from mapping the fifty libraries rendering needs. main.c and
 * the engine are the only places that print to the terminal and choose
 * the exit code: 0 ok, 1 validation failure, 2 usage, 3 I/O or internal
 * error. */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "engine.h"
#include "file.h"
#include "home.h"
#include "publish.h"
#include "stamp.h"
#include "xmem.h"

#define DOSSIER_VERSION ENGINE_VERSION

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

static const char usage_text[] =
    "usage: dossier build [-C DIR] [-o OUT] [-j N] [--no-pdf] [--strict]\n"
    "                     [--force] [--timings] [--quiet]\n"
    "       dossier check [-C DIR] [--strict] [--junit FILE]\n"
    "                     [--format text|json|markdown]\n"
    "       dossier verify [OUT]\n"
    "       dossier pdf FILE.html -o FILE.pdf\n"
    "       dossier --help | --version\n";

static const char help_text[] =
    "dossier turns an ML governance repository into a static site.\n"
    "\n"
    "Commands:\n"
    "  build   load, validate and render content/ into OUT (default out/)\n"
    "  check   validate and evaluate the gates in site.yaml; exit 1 on\n"
    "          any error or failing error-level gate\n"
    "  pdf     render one HTML file (the print subset) to PDF with the\n"
    "          default print theme, e.g. to compare with other renderers\n"
    "  verify  check a copy of a site against its manifest.json; exit 1\n"
    "          if any file was changed, removed or added\n"
    "\n"
    "Options:\n"
    "  -C DIR        the project folder (default: the current folder)\n"
    "  -o OUT        output folder inside the project (default: out)\n"
    "  -j N          render with N threads (default: the number of cores)\n"
    "  --no-pdf      (build) skip the PDF reports\n"
    "  --strict      treat warnings as errors\n"
    "  --force       (build) render every page, even when nothing changed\n"
    "  --timings     (build) print where the time went, phase by phase\n"
    "  --junit FILE  (check) write the gate results as JUnit XML\n"
    "  --format F    (check) also print a summary: json or markdown\n"
    "  -q, --quiet   print nothing but diagnostics\n"
    "  -h, --help    this help\n"
    "  --version     print the version\n"
    "\n"
    "Exit status: 0 ok, 1 validation failure, 2 usage error,\n"
    "3 I/O or internal error. Diagnostics are 'path:line:col: error: ...'.\n"
    "See dossier(1) and docs/ for the input formats.\n";


static int
parse_args(int argc, char **argv, struct engine_opts *o)
{
    memset(o, 0, sizeof *o);
    o->dir = ".";
    o->out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "help")) {
            fputs(help_text, stdout);
            fputs("\n", stdout);
            fputs(usage_text, stdout);
            exit(EXIT_OK);
        } else if (!strcmp(a, "--version")) {
            printf("dossier %s\n", DOSSIER_VERSION);
            exit(EXIT_OK);
        } else if (!strcmp(a, "-j") || !strncmp(a, "-j", 2)) {
            const char *v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
            char *end;
            long n = v ? strtol(v, &end, 10) : 0;
            if (!v || *end || n < 1 || n > 256) {
                fprintf(stderr, "dossier: -j needs a number of threads "
                                "(1-256)\n");
                return -1;
            }
            o->jobs = (int)n;
        } else if (!strcmp(a, "-C") || !strcmp(a, "-o") ||
                   !strcmp(a, "--junit") || !strcmp(a, "--format")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "dossier: option '%s' needs a value\n", a);
                return -1;
            }
            if (!strcmp(a, "-C"))
                o->dir = argv[++i];
            else if (!strcmp(a, "-o"))
                o->out = argv[++i];
            else if (!strcmp(a, "--junit"))
                o->junit = argv[++i];
            else
                o->format = argv[++i];
        } else if (!strcmp(a, "--no-pdf")) {
            o->no_pdf = 1;
        } else if (!strcmp(a, "--force")) {
            o->force = 1;
        } else if (!strcmp(a, "--timings")) {
            o->timings = 1;
        } else if (!strcmp(a, "--strict")) {
            o->strict = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (a[0] == '-') {
            fprintf(stderr, "dossier: unknown option '%s'\n", a);
            return -1;
        } else if (!o->cmd) {
            o->cmd = a;
        } else if (!strcmp(o->cmd, "verify") && !o->out) {
            o->out = a;
        } else if (!strcmp(o->cmd, "pdf") && !o->input) {
            o->input = a;
        } else {
            fprintf(stderr, "dossier: unexpected argument '%s'\n", a);
            return -1;
        }
    }
    if (!o->cmd) {
        fprintf(stderr, "dossier: no command given\n");
        return -1;
    }
    if (strcmp(o->cmd, "build") && strcmp(o->cmd, "check") &&
        strcmp(o->cmd, "verify") && strcmp(o->cmd, "pdf")) {
        fprintf(stderr, "dossier: unknown command '%s'\n", o->cmd);
        return -1;
    }
    if (o->format && strcmp(o->format, "text") && strcmp(o->format, "json") &&
        strcmp(o->format, "markdown")) {
        fprintf(stderr, "dossier: --format is text, json or markdown, not "
                        "'%s'\n",
                o->format);
        return -1;
    }
    if ((o->junit || o->format) && strcmp(o->cmd, "check")) {
        fprintf(stderr, "dossier: --junit and --format go with check\n");
        return -1;
    }
    return 0;
}

/* Takes the fingerprint of the build's inputs into *s: every model folder
 * also on its own (facts.h). */
static void
take_fingerprint(const struct engine_opts *o, struct stamp *s,
                 const char *program_id)
{
    char *roots[5] = {file_join(o->dir, "content"),
                      file_join(o->dir, "frameworks"),
                      file_join(o->dir, "templates"), home_theme(),
                      home_frameworks()};
    /* everything else the output depends on */
    struct buf extra;
    buf_init(&extra);
    buf_printf(&extra, "dossier %s\npdf %d strict %d\n", DOSSIER_VERSION,
               !o->no_pdf, o->strict);
    buf_puts(&extra, program_id);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        buf_printf(&extra, "SOURCE_DATE_EPOCH %s\n", sde);
    } else {
        /* pages show how long ago things were reviewed */
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        char day[32];
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
        buf_printf(&extra, "day %s\n", day);
    }
    char *models = file_join(roots[0], "models");
    stamp_take(s, (const char *const *)roots, 5, extra.data, models);
    free(models);
    buf_release(&extra);
    for (size_t i = 0; i < 5; i++)
        free(roots[i]);
}

/* When out/ already holds a build of exactly the inputs fingerprinted in
 * s, replays its diagnostics and returns the exit status; -1 when the
 * build must run. root_abs: the resolved project folder. */
static int
build_is_current(const struct engine_opts *o, const struct stamp *s,
                 const char *root_abs)
{
    double t0 = o->t0;
    if (o->force)
        return -1;
    char *outdir = home_out(o->dir, o->out);
    char *replay = NULL;
    size_t warnings = 0;
    /* out/ must be inside the project, as for a build; never read beyond */
    bool current = file_within(root_abs, outdir) &&
                   stamp_matches(outdir, s, &replay, &warnings);
    if (current) {
        fputs(replay, stderr);
        if (o->timings)
            fprintf(stderr, "dossier: timings: fingerprint of %zu inputs "
                            "%.3f s; total %.3f s\n",
                    s->entries, home_clock() - t0, home_clock() - t0);
        if (!o->quiet)
            fprintf(stderr,
                    "dossier: %s is up to date: none of %zu inputs changed "
                    "since it was built (--force rebuilds)\n",
                    outdir, s->entries);
    }
    free(replay);
    free(outdir);
    return current ? EXIT_OK : -1;
}

/* Whether out/ holds a site dossier built, whose records a check may
 * take over (the engine checks it again before reading any). */
static bool
has_site(const struct engine_opts *o)
{
    char *outdir = home_out(o->dir, o->out);
    char *marker = file_join(outdir, PUBLISH_MARKER);
    bool ok = file_is_regular(marker);
    free(marker);
    free(outdir);
    return ok;
}

int
main(int argc, char **argv)
{
    struct engine_opts o;
    if (parse_args(argc, argv, &o) < 0) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    o.t0 = home_clock();
    char *engine = home_engine();
    struct buf id;
    buf_init(&id);
    home_program_id(&id, engine);
    o.program_id = id.data;

    /* Nothing changed since the last build into this out/: it is already
     * what this build would write. */
    struct stamp stamp;
    memset(&stamp, 0, sizeof stamp);
    int status = -1;
    char root_abs[PATH_MAX];
    bool have_root = realpath(o.dir, root_abs) != NULL;
    if (have_root && !strcmp(o.cmd, "build")) {
        take_fingerprint(&o, &stamp, id.data);
        status = build_is_current(&o, &stamp, root_abs);
        o.stamp = &stamp;
    } else if (have_root && !strcmp(o.cmd, "check") && !o.force &&
               has_site(&o)) {
        /* a check reads unchanged models' records from the last build */
        take_fingerprint(&o, &stamp, id.data);
        o.stamp = &stamp;
    }
    if (status < 0) {
        void *h = engine ? dlopen(engine, RTLD_LAZY | RTLD_LOCAL) : NULL;
        engine_main_fn *run = NULL;
        if (h) /* POSIX's way to take a function from dlsym */
            *(void **)&run = dlsym(h, ENGINE_ENTRY);
        const char *env = getenv("DOSSIER_ENGINE");
        if (!engine && env && *env)
            fprintf(stderr, "dossier: DOSSIER_ENGINE: no such file '%s'\n",
                    env);
        else if (!engine)
            fprintf(stderr, "dossier: cannot find %s beside the program "
                            "(set DOSSIER_ENGINE)\n",
                    HOME_ENGINE_FILE);
        else if (!run)
            fprintf(stderr, "dossier: cannot load the engine: %s\n",
                    dlerror());
        status = run ? run(&o, sizeof o, ENGINE_VERSION) : EXIT_IO;
        /* the engine stays mapped: threads and atexit handlers of the
         * libraries it loaded may still need it */
    }
    free(engine);
    buf_release(&id);
    stamp_release(&stamp);
    return status;
}
