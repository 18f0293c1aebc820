/* project: the load and validate stages.
 * Reads a governance repository (content/site.yaml, content/models/<id>/,
 * content/pages/ *.md) into one immutable document tree with positions,
 * hashes every input file (SHA-256) for the audit trail, and checks every
 * file against its schema and the cross references between files. All of
 * it is owned by the project's arena. */
#ifndef DOSSIER_PROJECT_H
#define DOSSIER_PROJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "metrics.h"
#include "diag.h"
#include "node.h"

struct input_file {
    const char *path; /* as shown in diagnostics and the audit trail */
    const char *rel;  /* relative to the project root */
    size_t size;
    char sha256[65];
};

struct release {
    const char *version;
    const char *file; /* path of the record */
    const struct node *node;
    const char *date;   /* YYYY-MM-DD, validated */
    const char *status;
    const char *decision;
};

struct model_compliance;
struct catalog;
struct crosswalk;
struct gate;
struct gate_outcome;

struct model {
    const char *id;
    const char *dir;            /* display path of the model folder */
    const char *rel;            /* the folder relative to the project root */
    const char *card_path;      /* display path of model.yaml */
    const struct node *card;    /* model.yaml root map, or NULL */
    const char *readme_path;    /* display path of README.md, or NULL */
    const struct node *readme_fm; /* README front matter, or NULL */
    const char *readme_html;    /* rendered README body, or NULL */
    unsigned readme_line;
    struct release *releases;   /* sorted by date, then version */
    size_t nreleases;
    struct model_compliance *compliance; /* one per framework in use */
    size_t ncompliance;
    /* Imported cards, mapped onto model.yaml's shape with positions in
     * their own files, and the card the pages show: model.yaml first, then
     * the Hugging Face README, then model_card.json, field by field. */
    const struct node *hf_card, *mct_card;
    const char *mct_path;
    const struct node *merged;
    /* top-level field -> the file it came from, for "shown from …" */
    const char **field_keys, **field_sources;
    size_t nfields;
    /* every metric value read for this model: release records, metrics/
     * exports, imported cards */
    struct metric_set metrics;
    const char *value_path;     /* value.yaml, or NULL */
    const struct node *value;   /* only when it passed every check */
    /* what reading metrics/ and .eval_results/ found, and the answers to
     * the frameworks, were taken from the previous site's records
     * (facts.h) */
    bool facts_reused, answers_reused;
};

struct page {
    const char *slug;
    const char *path;  /* display path of the .md file */
    const char *title;
    const struct node *fm;
    const char *html;
    long long weight;
};

struct stamp;
/* What a build may take over from the previous one instead of reading it
 * again (facts.h). */
struct project_reuse {
    const char *previous;      /* the previous site, or NULL */
    const struct stamp *stamp; /* the fingerprints of the model folders */
    const char *program_id;    /* home_program_id() */
    /* the site being made, where records go; NULL: none are written */
    struct publish *publish;
};

struct project {
    struct arena *arena;
    const struct project_reuse *reuse; /* borrowed; NULL: read everything */
    const char *root;      /* display path of the project folder */
    const char *root_abs;  /* resolved absolute path */
    struct file_guard *guard; /* containment checks under root_abs; owned */
    void *lock; /* pthread mutex over inputs while models load in parallel */
    int jobs;   /* threads for per-model work while loading */
    const char *content;   /* display path of content/ */
    const struct node *site;
    const char *site_path;
    const struct node *portfolio; /* content/portfolio.yaml, when valid */
    const char *portfolio_path;
    struct model *models; /* sorted by id */
    size_t nmodels;
    struct page *pages;   /* sorted by weight, then slug */
    size_t npages;
    struct input_file *inputs; /* sorted by path */
    size_t ninputs, capinputs;
    struct _GHashTable *input_ix;    /* rel -> index + 1 */
    struct _GHashTable *input_paths; /* path -> input, after indexing */
    struct catalog *catalogs;     /* every loaded catalog, sorted by id */
    size_t ncatalogs;
    const struct catalog **used;  /* those in use (site.yaml order) */
    size_t nused;
    struct crosswalk *crosswalks; /* sorted by id */
    size_t ncrosswalks;
    struct gate *gates;           /* from site.yaml, in order */
    size_t ngates;
    struct gate_outcome *outcomes; /* ngates x nmodels, gate-major */
    long long epoch;       /* build time: SOURCE_DATE_EPOCH or latest release */
    const char *build_date; /* YYYY-MM-DD of epoch, UTC */
};

/* Loads and validates the project in root. Returns 0 when no error was
 * reported (warnings allowed), else -1; the project is filled as far as
 * loading got either way and must be released with project_release(). */
int project_load(struct project *p, const char *root, struct diag *d);
struct facts_input;
/* Records of what loading learnt of a model, kept between builds in
 * <site>/.dossier-facts/<kind>/<model> (facts.h). The key of m's record of
 * kind: its folder's fingerprint, the program, the project's path and
 * extra (what else the record depends on); false when the build has no
 * fingerprint of the folder to trust. */
bool project_facts_key(struct project *p, const struct model *m,
                       const char *kind, const char *extra, char key[65]);
/* The previous site's record of kind for m, appended to out; false when
 * there is none. */
bool project_facts_read(const struct project *p, const struct model *m,
                        const char *kind, struct buf *out);
/* Puts m's record into the site being made; reused: linked from the
 * previous site's when possible. */
void project_facts_keep(const struct project *p, const struct model *m,
                        const char *kind, const char *data, size_t len,
                        bool reused, struct diag *d);
/* Registers an input as a record gives it, without reading it. */
void project_add_known_input(struct project *p, const struct facts_input *f);

/* The same, loading the models on up to jobs threads (the result does not
 * depend on jobs). With reuse, what is known of an unchanged model's
 * metrics folders is taken from reuse->previous, and each model's record
 * is written into reuse->publish as it loads (a record taken over is linked).
 * reuse is borrowed for p's lifetime; it may be NULL. */
int project_load_jobs(struct project *p, const char *root, int jobs,
                      const struct project_reuse *reuse, struct diag *d);
/* Runs fn(p, i, ctx, d_i) for every model i on up to p->jobs threads. Each
 * thread reports to its own diag d_i, merged into d at the end; fn may
 * allocate from p->arena and read inputs, nothing else shared. */
void project_each_model(struct project *p,
                        void (*fn)(struct project *, size_t, void *,
                                   struct diag *),
                        void *ctx, struct diag *d);

/* path (a display path) relative to the project root, for what the site
 * shows: pages must not depend on where the build was started. Points
 * into path; NULL stays NULL. */
const char *project_relpath(const struct project *p, const char *path);

/* The project's arena-owned display path for rel (relative to the root). */
const char *project_path(struct project *p, const char *rel);
void project_release(struct project *p);

/* Reads a file of the project, records its size and SHA-256 among the
 * inputs, and appends its bytes to out. rel is relative to the root. */
int project_read(struct project *p, struct diag *d, const struct pos *ref,
                 const char *rel, size_t limit, struct buf *out);

/* Registers rel among the inputs without returning its bytes; a file
 * already read is not read again. Copies the input to out (may be NULL);
 * false after reporting why not. */
bool project_hash(struct project *p, struct diag *d, const struct pos *ref,
                  const char *rel, size_t limit, struct input_file *out);
/* Sorts the inputs by rel and indexes them; loading calls it, and so does
 * anything that registers more inputs afterwards (compliance_load). */
void project_index_inputs(struct project *p);
/* The input read from display path path, or NULL. */
const struct input_file *project_find_input(const struct project *p,
                                            const char *path);
/* The inputs below folder dir (relative, no trailing slash) are
 * p->inputs[*first .. *first + count); returns count. */
size_t project_inputs_under(const struct project *p, const char *dir,
                            size_t *first);

/* The value of metric (overall, no slice) for a release version, from the
 * source that wins: the release record, then hand-made exports (CSV,
 * JSON), then MLflow, then imported cards. NULL when none has a number. */
/* The precedence of a metric value's source, lower wins: release record
 * 0, CSV and JSON exports 1, MLflow 2, imported cards 3. */
int project_source_rank(const char *source);

const struct metric_value *project_metric(const struct model *m,
                                          const char *version,
                                          const char *metric);

/* Compares version strings the way people number releases: numeric parts
 * as numbers ("1.10" after "1.9"), other parts bytewise. */
int project_version_cmp(const char *a, const char *b);

#endif
