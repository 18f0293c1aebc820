/* engine: the commands that do work (see engine.h). */
#include "engine.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "buf.h"
#include "compliance.h"
#include "diag.h"
#include "file.h"
#include "gate.h"
#include "home.h"
#include "manifest.h"
#include "markdown.h"
#include "pdf.h"
#include "project.h"
#include "publish.h"
#include "site.h"
#include "xmem.h"

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

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
    char *theme = home_theme();
    if (theme && strcmp(theme, real_own) != 0) {
        dirs[n] = theme;
        displays[n] = xstrdup(theme);
        n++;
    } else {
        free(theme);
    }
    return n;
}

/* --timings: how many models' records were taken from the last build. */
static void
print_reuse(const struct project *p)
{
    size_t reused = 0, answered = 0;
    for (size_t i = 0; i < p->nmodels; i++) {
        reused += p->models[i].facts_reused;
        answered += p->models[i].answers_reused;
    }
    fprintf(stderr, "dossier: timings: taken from the last build: "
                    "metrics of %zu, answers of %zu of %zu models\n",
            reused, answered, p->nmodels);
}

__attribute__((visibility("default"))) int
engine_main(const struct engine_opts *o, size_t size, const char *version)
{
    if (size != sizeof *o || !version || strcmp(version, ENGINE_VERSION)) {
        fprintf(stderr, "dossier: the engine (%s) does not belong to this "
                        "program; reinstall dossier\n",
                ENGINE_VERSION);
        return EXIT_IO;
    }
    double t0 = o->t0;
    markdown_init();
    xmlInitParser(); /* once, before render threads use libxml2 */
    struct diag d;
    diag_init(&d);
    d.strict = o->strict;
    if (!strcmp(o->cmd, "pdf")) {
        int st = EXIT_OK;
        if (!o->input || !o->out) {
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
        info.title = o->input;
        char *base = xstrdup(o->input);
        char *slash = strrchr(base, '/');
        if (slash)
            *slash = '\0';
        else
            strcpy(base, ".");
        if (file_read(&d, NULL, o->input, 64u << 20, &html) < 0 ||
            pdf_render(html.data, html.len, o->input, base, &theme, &info,
                       NULL, &d, o->out) < 0)
            st = EXIT_IO;
        free(base);
        buf_release(&html);
        diag_print(&d, stderr);
        diag_release(&d);
        return st;
    }
    if (!strcmp(o->cmd, "verify")) {
        char *dir = home_out(o->dir, o->out);
        long bad = manifest_verify(dir, &d);
        diag_print(&d, stderr);
        if (bad == 0 && !o->quiet)
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
    memset(&p, 0, sizeof p);
    int status = EXIT_OK;
    bool building = !strcmp(o->cmd, "build");
    bool checking = !strcmp(o->cmd, "check");
    bool have_stamp = o->stamp && building;
    char *tdirs[2] = {NULL, NULL}, *tdisplays[2] = {NULL, NULL};

    /* A build writes into a new folder beside out/ from the start: what
     * loading learns of each model goes there as it is learnt. A check
     * reads the records of the site in out/ and writes none. */
    char *outdir = building || checking ? home_out(o->dir, o->out) : NULL;
    struct publish pb;
    memset(&pb, 0, sizeof pb);
    char root_abs[PATH_MAX];
    bool have_root = realpath(o->dir, root_abs) != NULL;
    if (building && have_root &&
        publish_begin(&pb, root_abs, outdir, &d) < 0) {
        status = EXIT_IO;
        goto out;
    }
    /* a build or a check may take over what the last build into out/ knew
     * of unchanged models (only from a folder dossier made, inside the
     * project); --force reads everything again */
    char *marker = outdir ? file_join(outdir, PUBLISH_MARKER) : NULL;
    bool prev_ok = o->stamp && marker && have_root && !o->force &&
                   file_within(root_abs, outdir) && file_is_regular(marker);
    free(marker);
    struct project_reuse reuse = {
        .previous = prev_ok ? outdir : NULL,
        .stamp = o->stamp,
        .program_id = o->program_id,
        .publish = pb.tmp ? &pb : NULL,
    };
    double t_load = home_clock();
    int jobs = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    int rc = project_load_jobs(&p, o->dir, jobs,
                               have_stamp || prev_ok ? &reuse : NULL, &d);
    double t_compliance = home_clock();
    char *fw = home_frameworks();
    if (p.arena && p.root_abs)
        compliance_load(&p, fw, &d);
    free(fw);
    double t_gates = home_clock();
    if (rc == 0 && !diag_errors(&d))
        gate_evaluate(&p, &d);
    double t_loaded = home_clock();
    size_t loaded_bytes = p.arena ? arena_used(p.arena) : 0;
    if (rc < 0 || diag_errors(&d)) {
        status = EXIT_INVALID;
        goto out;
    }
    if (!strcmp(o->cmd, "check")) {
        size_t failing = gate_report(&p, &d);
        if (o->junit) {
            struct buf x;
            buf_init(&x);
            gate_junit(&p, &x);
            if (!file_within(p.root_abs, o->junit)) {
                diag_error(&d, NULL, "--junit: '%s' is outside the project "
                                     "folder", o->junit);
                status = EXIT_IO;
            } else if (file_write(o->junit, x.data, x.len) < 0) {
                diag_error(&d, NULL, "cannot write '%s'", o->junit);
                status = EXIT_IO;
            }
            buf_release(&x);
        }
        if (o->format && strcmp(o->format, "text")) {
            struct buf x;
            buf_init(&x);
            if (!strcmp(o->format, "json"))
                gate_json(&p, &x);
            else
                gate_markdown(&p, &x);
            fwrite(x.data, 1, x.len, stdout);
            buf_release(&x);
        }
        if (o->timings)
            print_reuse(&p);
        if (!o->quiet)
            fprintf(stderr, "dossier: checked %zu models against %zu gates: "
                            "%zu failing error-level findings\n",
                    p.nmodels, p.ngates, failing);
        if (status == EXIT_OK && diag_errors(&d))
            status = EXIT_INVALID;
        goto out;
    }

    size_t ntdirs = find_templates(o->dir, tdirs, tdisplays);
    if (!ntdirs) {
        diag_error(&d, NULL, "cannot find the templates folder (set "
                             "DOSSIER_THEME)");
        status = EXIT_IO;
        goto out;
    }
    struct site_options so = {
        .templates_dirs = (const char *const *)tdirs,
        .templates_displays = (const char *const *)tdisplays,
        .ntemplates = ntdirs,
        .version = "dossier " ENGINE_VERSION,
        .program_id = o->program_id,
        .limits = {TEMPLATE_DEFAULT_MEMORY, TEMPLATE_DEFAULT_INSTRUCTIONS},
        .jobs = jobs,
        .previous = outdir,
        .pdf = !o->no_pdf,
        .sums = manifest_sums_new(),
        .no_cache = o->force,
        .publish = &pb,
    };
    struct site_stats st;
    double t_render = home_clock();
    rc = site_render(&p, pb.tmp, &so, &d, &st);
    double t_manifest = home_clock();
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
        if (stamp_write(pb.tmp, o->stamp, replay ? replay : "", d.nwarn) < 0)
            rc = diag_error(&d, NULL, "cannot write the build stamp in '%s'",
                            pb.tmp);
        free(replay);
    }
    double t_publish = home_clock();
    if (rc < 0 || diag_errors(&d)) {
        status = EXIT_INVALID;
    } else if (publish_commit(&pb, &d) < 0) {
        status = EXIT_IO;
    } else {
        if (o->timings) {
            double t_end = home_clock();
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
            print_reuse(&p);
            fprintf(stderr, "dossier: timings: the loaded project holds "
                            "%.1f MiB\n", loaded_bytes / 1048576.0);
        }
        if (!o->quiet)
            fprintf(stderr,
                    "dossier: built %zu pages (%zu files, %zu KiB) into "
                    "%s in %.2f s; %zu of %zu model jobs unchanged\n",
                    st.pages, st.files, (st.bytes + 1023) / 1024, outdir,
                    home_clock() - t0, st.cached, st.jobs);
    }
out:
    /* the new folder goes unless it was published */
    publish_abort(&pb);
    free(outdir);
    for (size_t i = 0; i < 2; i++) {
        free(tdirs[i]);
        free(tdisplays[i]);
    }
    diag_print(&d, stderr);
    if (status == EXIT_OK && diag_errors(&d))
        status = EXIT_INVALID;
    if (status != EXIT_OK && !o->quiet)
        fprintf(stderr, "dossier: %s failed: %zu errors, %zu warnings\n",
                o->cmd, d.nerr + (d.strict ? d.nwarn : 0),
                d.strict ? 0 : d.nwarn);
    project_release(&p);
    diag_release(&d);
    return status;
}
