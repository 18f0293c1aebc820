/* site: the render stage for the HTML site.
 * Decides which pages exist (portfolio, one card per model, free pages),
 * renders each through its Lua template, writes the JSON twins and copies
 * the theme's assets. Writes only below the output folder it is given. */
#ifndef DOSSIER_SITE_H
#define DOSSIER_SITE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "project.h"
#include "template.h"

/* The build cache, inside the site (hidden; not in the manifest). */
#define SITE_CACHE ".dossier-cache"

struct manifest_sums;

struct site_options {
    /* template folders, first match wins, and how each is shown */
    const char *const *templates_dirs;
    const char *const *templates_displays;
    size_t ntemplates;
    const char *version;           /* "dossier X.Y.Z" */
    const char *program_id;        /* home_program_id(), or NULL */
    int jobs;                      /* render threads (1 = this one only) */
    const char *previous;          /* the site being replaced, or NULL */
    bool pdf;                      /* also write out/pdf/ */
    bool no_cache;                 /* render every job (--force) */
    struct manifest_sums *sums;    /* filled with every file written, or
                                      NULL; owned by the caller */
    /* the build's publish, required (outdir is its tmp): files go in
     * through it, and what the folder held before that this build did
     * not make is swept out before the sitemap and the manifest list it */
    struct publish *publish;
    struct template_limits limits;
};

struct site_stats {
    size_t pages;  /* HTML pages written */
    size_t files;  /* all files written */
    size_t bytes;
    size_t jobs;   /* model jobs (pages, PDFs) in the build */
    size_t cached; /* of them, taken from the previous site unrendered */
    struct buf *log; /* when set, each file written, one per line */
    double t_setup, t_jobs, t_tail; /* seconds: before, in, after the jobs */
    /* time spent rendering each page template (thread time, summed over
     * workers), for --timings */
    struct site_template_time {
        const char *name; /* static */
        double secs;
        size_t count;
    } tt[32];
    size_t ntt;
};

/* Renders p into outdir. Returns 0, or -1 when any page failed (every
 * failure reported to d); what was written stays in outdir, which the
 * caller discards. */
int site_render(const struct project *p, const char *outdir,
                const struct site_options *o, struct diag *d,
                struct site_stats *st);

struct crosswalk;
/* True when both frameworks of x are in use, so it gets a page. */
bool site_crosswalk_in_use(const struct project *p,
                           const struct crosswalk *x);

/* Writes the JSON twin of model m (exposed for tests). */
void site_model_json(const struct project *p, const struct model *m,
                     const char *version, struct buf *out);

#endif
