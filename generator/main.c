/* dossier: command line. The only place that prints to the terminal and
 * chooses the exit code: 0 ok, 1 validation failure, 2 usage, 3 I/O or
 * internal error. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "buf.h"
#include "compliance.h"
#include "diag.h"
#include "gate.h"
#include "manifest.h"
#include "pdf.h"
#include "file.h"
#include "markdown.h"
#include "project.h"
#include "publish.h"
#include "site.h"
#include "stamp.h"
#include "xmem.h"

#define DOSSIER_VERSION "0.1.0"

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

struct opts {
    const char *cmd;
    const char *dir;
    const char *out;
    const char *junit;
    const char *format;
    int jobs;
    int no_pdf;
    const char *input;
    int strict;
    int quiet;
    int timings;
    int force;
};

static int
parse_args(int argc, char **argv, struct opts *o)
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

/* The built-in theme: $DOSSIER_THEME, else installed beside the program
 * (build/dossier -> ../templates, bin/dossier -> ../share/dossier). */
static char *
builtin_theme(void)
{
    const char *env = getenv("DOSSIER_THEME");
    char real[PATH_MAX];
    if (env && *env)
        return realpath(env, real) ? xstrdup(real) : NULL;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    const char *rels[] = {"../templates", "../../templates",
                          "../share/dossier/templates"};
    for (size_t i = 0; i < 3; i++) {
        char *t = file_join(exe, rels[i]);
        int ok = file_is_dir(t) && realpath(t, real);
        free(t);
        if (ok)
            return xstrdup(real);
    }
    return NULL;
}

/* The frameworks shipped with dossier: $DOSSIER_FRAMEWORKS, else beside
 * the program like the theme. */
static char *
shipped_frameworks(void)
{
    const char *env = getenv("DOSSIER_FRAMEWORKS");
    char real[PATH_MAX];
    if (env && *env)
        return realpath(env, real) ? xstrdup(real) : NULL;
    char *theme = builtin_theme();
    if (!theme)
        return NULL;
    char *f = file_join(theme, "../frameworks");
    free(theme);
    char *r = file_is_dir(f) && realpath(f, real) ? xstrdup(real) : NULL;
    free(f);
    return r;
}

/* Template folders, first match wins: the project's own templates/ (which
 * may override single files), then the built-in theme. */
static size_t
find_templates(const char *root, char **dirs, char **displays)
{
    size_t n = 0;
    char real_own[PATH_MAX] = "";
    char *own = file_join(root, "templates");
    if (file_is_dir(own) && realpath(own, real_own)) {
        dirs[n] = own;
        displays[n] = strcmp(root, ".") ? xstrdup(own) : xstrdup("templates");
        n++;
    } else {
        free(own);
    }
    char *theme = builtin_theme();
    if (theme && strcmp(theme, real_own) != 0) {
        dirs[n] = theme;
        displays[n] = xstrdup(theme);
        n++;
    } else {
        free(theme);
    }
    return n;
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The output folder: -o, else out/ in the project folder. Caller frees. */
static char *
out_folder(const struct opts *o)
{
    if (o->out)
        return xstrdup(o->out);
    return strcmp(o->dir, ".") ? file_join(o->dir, "out") : xstrdup("out");
}

/* Takes the fingerprint of the build's inputs into *s and, when out/
 * already holds a build of exactly those, replays its diagnostics and
 * returns the exit status; -1 when the build must run. */
static int
build_is_current(const struct opts *o, struct stamp *s)
{
    double t0 = now();
    char root_abs[PATH_MAX];
    if (!realpath(o->dir, root_abs))
        return -1;
    char *roots[5] = {file_join(o->dir, "content"),
                      file_join(o->dir, "frameworks"),
                      file_join(o->dir, "templates"), builtin_theme(),
                      shipped_frameworks()};
    /* everything else the output depends on */
    struct buf extra;
    buf_init(&extra);
    buf_printf(&extra, "dossier %s\npdf %d strict %d\n", DOSSIER_VERSION,
               !o->no_pdf, o->strict);
    file_program_id(&extra);
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
    stamp_take(s, (const char *const *)roots, 5, extra.data);
    buf_release(&extra);
    for (size_t i = 0; i < 5; i++)
        free(roots[i]);
    if (o->force)
        return -1;
    char *outdir = out_folder(o);
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
                    s->entries, now() - t0, now() - t0);
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

int
main(int argc, char **argv)
{
    struct opts o;
    if (parse_args(argc, argv, &o) < 0) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    double t0 = now();
    markdown_init();
    xmlInitParser(); /* once, before render threads use libxml2 */
    struct diag d;
    diag_init(&d);
    d.strict = o.strict;
    if (!strcmp(o.cmd, "pdf")) {
        int st = EXIT_OK;
        if (!o.input || !o.out) {
            fprintf(stderr, "dossier: pdf needs FILE.html and -o FILE.pdf\n");
            diag_release(&d);
            return EXIT_USAGE;
        }
        struct buf html;
        buf_init(&html);
        struct pdf_theme theme;
        pdf_theme_init(&theme);
        struct pdf_doc_info info;
        memset(&info, 0, sizeof info);
        char date[40];
        const char *env = getenv("SOURCE_DATE_EPOCH");
        pdf_date_from_epoch(env ? strtoll(env, NULL, 10) : 0, date,
                            sizeof date);
        info.creation_date = date;
        info.title = o.input;
        char *base = xstrdup(o.input);
        char *slash = strrchr(base, '/');
        if (slash)
            *slash = '\0';
        else
            strcpy(base, ".");
        if (file_read(&d, NULL, o.input, 64u << 20, &html) < 0 ||
            pdf_render(html.data, html.len, o.input, base, &theme, &info,
                       NULL, &d, o.out) < 0)
            st = EXIT_IO;
        free(base);
        buf_release(&html);
        diag_print(&d, stderr);
        diag_release(&d);
        return st;
    }
    if (!strcmp(o.cmd, "verify")) {
        char *dir = out_folder(&o);
        long bad = manifest_verify(dir, &d);
        diag_print(&d, stderr);
        if (bad == 0 && !o.quiet)
            fprintf(stderr, "dossier: %s matches its manifest\n", dir);
        else if (bad > 0)
            fprintf(stderr, "dossier: %s differs from its manifest in %ld "
                            "file%s\n",
                    dir, bad, bad == 1 ? "" : "s");
        free(dir);
        diag_release(&d);
        return bad == 0 ? EXIT_OK : bad > 0 ? EXIT_INVALID : EXIT_IO;
    }
    struct project p;
    int status = EXIT_OK;

    /* Nothing changed since the last build into this out/: it is already
     * what this build would write. */
    struct stamp stamp;
    bool have_stamp = false;
    if (!strcmp(o.cmd, "build")) {
        have_stamp = true;
        int up = build_is_current(&o, &stamp);
        if (up >= 0) {
            diag_release(&d);
            return up;
        }
    }

    double t_load = now();
    int rc = project_load_jobs(
        &p, o.dir, o.jobs > 0 ? o.jobs : (int)sysconf(_SC_NPROCESSORS_ONLN),
        &d);
    double t_compliance = now();
    char *fw = shipped_frameworks();
    if (p.arena && p.root_abs)
        compliance_load(&p, fw, &d);
    free(fw);
    double t_gates = now();
    if (rc == 0 && !diag_errors(&d))
        gate_evaluate(&p, &d);
    double t_loaded = now();
    size_t loaded_bytes = p.arena ? arena_used(p.arena) : 0;
    if (rc < 0 || diag_errors(&d)) {
        status = EXIT_INVALID;
        goto out;
    }
    if (!strcmp(o.cmd, "check")) {
        size_t failing = gate_report(&p, &d);
        if (o.junit) {
            struct buf x;
            buf_init(&x);
            gate_junit(&p, &x);
            if (!file_within(p.root_abs, o.junit)) {
                diag_error(&d, NULL, "--junit: '%s' is outside the project "
                                     "folder", o.junit);
                status = EXIT_IO;
            } else if (file_write(o.junit, x.data, x.len) < 0) {
                diag_error(&d, NULL, "cannot write '%s'", o.junit);
                status = EXIT_IO;
            }
            buf_release(&x);
        }
        if (o.format && strcmp(o.format, "text")) {
            struct buf x;
            buf_init(&x);
            if (!strcmp(o.format, "json"))
                gate_json(&p, &x);
            else
                gate_markdown(&p, &x);
            fwrite(x.data, 1, x.len, stdout);
            buf_release(&x);
        }
        if (!o.quiet)
            fprintf(stderr, "dossier: checked %zu models against %zu gates: "
                            "%zu failing error-level findings\n",
                    p.nmodels, p.ngates, failing);
        if (status == EXIT_OK && diag_errors(&d))
            status = EXIT_INVALID;
        goto out;
    }

    char *tdirs[2] = {NULL, NULL}, *tdisplays[2] = {NULL, NULL};
    size_t ntdirs = find_templates(o.dir, tdirs, tdisplays);
    if (!ntdirs) {
        diag_error(&d, NULL, "cannot find the templates folder (set "
                             "DOSSIER_THEME)");
        status = EXIT_IO;
        goto out;
    }
    char *outdir = out_folder(&o);
    struct publish pb;
    if (publish_begin(&pb, p.root_abs, outdir, &d) < 0) {
        status = EXIT_IO;
        free(outdir);
        goto out_free_templates;
    }
    struct site_options so = {
        .templates_dirs = (const char *const *)tdirs,
        .templates_displays = (const char *const *)tdisplays,
        .ntemplates = ntdirs,
        .version = "dossier " DOSSIER_VERSION,
        .limits = {TEMPLATE_DEFAULT_MEMORY, TEMPLATE_DEFAULT_INSTRUCTIONS},
        .jobs = o.jobs > 0 ? o.jobs : (int)sysconf(_SC_NPROCESSORS_ONLN),
        .previous = outdir,
        .pdf = !o.no_pdf,
        .sums = manifest_sums_new(),
        .no_cache = o.force,
    };
    struct site_stats st;
    double t_render = now();
    rc = site_render(&p, pb.tmp, &so, &d, &st);
    double t_manifest = now();
    if (rc == 0 && !diag_errors(&d))
        rc = manifest_write(pb.tmp, so.version, so.sums, &d);
    manifest_sums_free(so.sums);
    if (rc == 0 && !diag_errors(&d) && have_stamp) {
        char *replay = NULL;
        size_t rlen = 0;
        FILE *mf = open_memstream(&replay, &rlen);
        if (mf) {
            diag_print(&d, mf);
            fclose(mf);
        }
        if (stamp_write(pb.tmp, &stamp, replay ? replay : "", d.nwarn) < 0)
            rc = diag_error(&d, NULL, "cannot write the build stamp in '%s'",
                            pb.tmp);
        free(replay);
    }
    double t_publish = now();
    if (rc < 0 || diag_errors(&d)) {
        publish_abort(&pb);
        status = EXIT_INVALID;
    } else if (publish_commit(&pb, &d) < 0) {
        publish_abort(&pb);
        status = EXIT_IO;
    } else {
        publish_abort(&pb);
        if (o.timings) {
            double t_end = now();
            fprintf(stderr,
                    "dossier: timings: start %.3f s, load %.3f s, "
                    "compliance %.3f s, gates %.3f s, render %.3f s "
                    "(set-up %.3f, jobs %.3f, site files %.3f), manifest "
                    "%.3f s, publish %.3f s; total %.3f s\n",
                    t_load - t0, t_compliance - t_load,
                    t_gates - t_compliance, t_loaded - t_gates,
                    t_manifest - t_render, st.t_setup, st.t_jobs,
                    st.t_tail, t_publish - t_manifest, t_end - t_publish,
                    t_end - t0);
            for (size_t i = 0; i < st.ntt; i++)
                fprintf(stderr, "dossier: timings: %-32s %6zu pages %8.3f s\n",
                        st.tt[i].name, st.tt[i].count, st.tt[i].secs);
            fprintf(stderr, "dossier: timings: the loaded project holds "
                            "%.1f MiB\n", loaded_bytes / 1048576.0);
        }
        if (!o.quiet)
            fprintf(stderr,
                    "dossier: built %zu pages (%zu files, %zu KiB) into "
                    "%s in %.2f s; %zu of %zu model jobs unchanged\n",
                    st.pages, st.files, (st.bytes + 1023) / 1024, outdir,
                    now() - t0, st.cached, st.jobs);
    }
    free(outdir);
out_free_templates:
    for (size_t i = 0; i < 2; i++) {
        free(tdirs[i]);
        free(tdisplays[i]);
    }
out:
    diag_print(&d, stderr);
    if (status == EXIT_OK && diag_errors(&d))
        status = EXIT_INVALID;
    if (status != EXIT_OK && !o.quiet)
        fprintf(stderr, "dossier: %s failed: %zu errors, %zu warnings\n",
                o.cmd, d.nerr + (d.strict ? d.nwarn : 0),
                d.strict ? 0 : d.nwarn);
    project_release(&p);
    diag_release(&d);
    return status;
}
