/* metrics: metric values and runs read from the formats teams already
 * export (MLflow stores and exports, CSV, JSON, Hugging Face and Model Card
 * Toolkit cards), gathered into one flat set.
 * This module holds the shared data model, the rules for reading a number
 * as written, the format detection for a model's metrics/ folder and the
 * rule that ties MLflow runs to releases. Each format family has its own
 * module (csv, mlflow, native, hfcard, mct). Everything loaded is owned by
 * the arena passed in; nothing here prints or exits. */
#ifndef DOSSIER_METRICS_H
#define DOSSIER_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "node.h"

/* One logged point of an MLflow metric. Histories are kept compact (no
 * raw text) because a store can hold millions of points. */
struct metric_point {
    double value;
    long long step;
    long long timestamp_ms;
    unsigned line; /* line in the file it was read from; 0 for SQLite */
};

/* Where an evaluation result came from (Hugging Face cards). Shared by all
 * values of one result. Fields not given are NULL. */
struct metric_eval {
    const char *task_type, *task_name;
    const char *dataset_type, *dataset_name;
    const char *dataset_config, *dataset_split, *dataset_revision;
    const char *source_name, *source_url;
    const char *date, *notes; /* .eval_results files */
    struct pos pos;
};

struct metric_value {
    const char *version;  /* release version it belongs to, or NULL */
    const char *run_id;   /* MLflow run id, or NULL */
    const char *run_name; /* or NULL */
    const char *metric;   /* metric key as written, e.g. "auc", "val_loss" */
    const char *label;    /* display name where the file gives one (HF) */
    const char *slice;    /* NULL for overall; "age=18-25" style otherwise */
    double value;
    bool has_value;  /* false: the input held no number ("NA", null) */
    bool percent;    /* raw ended in '%': value is the number before it */
    const char *raw; /* the text exactly as in the input, e.g. "25.59%" */
    long long step;
    bool has_step;
    long long timestamp_ms;
    bool has_timestamp;
    double ci_low, ci_high;
    bool has_ci;                    /* confidence interval where given (MCT) */
    bool verified, has_verified;    /* HF model-index "verified" */
    const struct metric_eval *eval; /* HF only, else NULL */
    /* MLflow stores and exports: every finite point logged for this run
     * and key, sorted by step then timestamp. value, step and timestamp
     * above are the current point: the last by step, then timestamp, then
     * value. NULL and 0 for the search_runs CSV and other sources. */
    const struct metric_point *history;
    size_t nhistory;
    struct pos pos;     /* file:line:col of the value */
    const char *source; /* "mlflow-sqlite", "mlflow-file", "mlflow-export",
                           "mlflow-csv", "csv-long", "csv-wide", "json",
                           "hf", "hf-eval" or "mct" */
};

struct metric_kv {
    const char *key, *value;
    struct pos pos;
};

struct metric_run {
    const char *run_id, *run_name;
    const char *experiment, *experiment_id; /* name and id, or NULL */
    const char *status;    /* "FINISHED", "FAILED", ... or NULL */
    const char *lifecycle; /* "active", "deleted" or NULL (not recorded) */
    const char *user, *artifact_uri;
    const char *version; /* set by metrics_assign_versions(), else NULL */
    long long start_ms, end_ms;
    bool has_start, has_end;
    /* The run, or its experiment, is deleted: its metrics are not loaded
     * as values (they are not current), but the run is listed. */
    bool deleted;
    const struct metric_kv *params;
    size_t nparams;
    const struct metric_kv *tags;
    size_t ntags;
    size_t nvalues; /* values loaded for this run */
    struct pos pos;
    const char *source;
};

/* Growable arrays in the arena. A pointer into values or runs is valid
 * only until the next metrics_add_value() or metrics_add_run(). */
struct metric_set {
    struct metric_value *values;
    size_t nvalues, capvalues;
    struct metric_run *runs;
    size_t nruns, capruns;
};

void metrics_set_init(struct metric_set *s);

/* A zeroed entry appended to s, owned by a; never NULL. */
struct metric_value *metrics_add_value(struct metric_set *s, struct arena *a);
struct metric_run *metrics_add_run(struct metric_set *s, struct arena *a);

/* What a piece of text holds, read as a metric value. */
enum metrics_num {
    METRICS_NUM_OK,        /* a finite number */
    METRICS_NUM_MISSING,   /* "", "NA", "N/A", "null", "None", "-",
                              "[More Information Needed]" */
    METRICS_NUM_NONFINITE, /* NaN, inf, or too large for a double */
    METRICS_NUM_INVALID,   /* anything else */
};

/* Reads len bytes of s as a number. Surrounding blanks are ignored, one
 * trailing '%' sets *percent and leaves the number as written (25.59% is
 * 25.59, never 0.2559). *out is set for METRICS_NUM_OK only. */
enum metrics_num metrics_parse_number(const char *s, size_t len, double *out,
                                      bool *percent);

/* Fills v->value, has_value, percent and raw (copied into a) from the
 * text raw[0..len) of metric name. A missing value is kept with
 * has_value false and a warning; NaN, infinity and text that is not a
 * number are warned about and must be skipped. Returns 0 to keep the
 * entry, -1 to skip it. */
int metrics_value_text(struct arena *a, struct diag *d, const struct pos *pos,
                       const char *name, const char *raw, size_t len,
                       struct metric_value *v);

/* The same for a YAML/JSON node: numbers and strings as above, null as
 * missing, booleans, lists and mappings are warned about and skipped. */
int metrics_value_node(struct arena *a, struct diag *d, const char *name,
                       const struct node *n, struct metric_value *v);

/* "a mapping", "a list", "an integer", "null"...: a node's kind for
 * messages of the form "'x' is a mapping, not a list". Static string. */
const char *metrics_kind(const struct node *n);

/* Milliseconds since the epoch from an integer ("1660777973021") or an
 * ISO-8601 date or date-time ("2026-05-25 09:31:08.198000+00:00",
 * "2025-01-15T10:30:00Z", "2020-01-01"; UTC unless an offset is given).
 * Returns 0, or -1 when s is neither. */
int metrics_parse_time(const char *s, long long *ms);

/* Loads every metrics file found in dir (a model's metrics/ folder),
 * detecting each format by name and shape (see README.md). Files that
 * are not metrics are left alone. Problems are reported to d; a file of
 * which nothing can be read is an error, a bad entry a warning. Returns 0
 * when no error was reported, else -1 (what could be read is kept). */
int metrics_load_dir(struct arena *a, struct diag *d, const char *dir,
                     struct metric_set *out);

/* Loads one file or folder (an mlruns/ store, a folder holding a
 * run.json, or else a metrics/ folder) the way metrics_load_dir() would.
 * Unlike there, a file of a kind it cannot read is an error. Same return
 * value. */
int metrics_load_path(struct arena *a, struct diag *d, const char *path,
                      struct metric_set *out);

/* A release and, when its record names one, its MLflow run. */
struct metrics_release {
    const char *version;
    const char *mlflow_run; /* run id from the release record, or NULL */
    struct pos pos;         /* where mlflow_run (or the record) is */
};

/* Ties MLflow runs to releases, one run per release, with this
 * precedence: the run named by the release record's mlflow_run, else the
 * run whose "version" tag equals the version, else the run (without a
 * version tag) whose name equals the version. Deleted runs and runs taken
 * by an earlier rule are not candidates; when several runs tie, the one
 * that started last wins, with a warning. Sets run->version and the
 * version of every value of that run. Returns 0, or -1 when a release
 * names a run that is not loaded or that another release took (each
 * reported as a warning). */
int metrics_assign_versions(struct metric_set *s, struct diag *d,
                            const struct metrics_release *rel, size_t nrel);

/* The first value with this version, metric and slice (NULL matches only
 * NULL), or NULL. Borrowed from s. */
const struct metric_value *metrics_find(const struct metric_set *s,
                                        const char *version, const char *metric,
                                        const char *slice);
/* The run with this id, or NULL. Borrowed from s. */
const struct metric_run *metrics_find_run(const struct metric_set *s,
                                          const char *run_id);
/* The value of a run's tag or param, or NULL. Borrowed. */
const char *metrics_run_tag(const struct metric_run *r, const char *key);
const char *metrics_run_param(const struct metric_run *r, const char *key);

/* Collects key/value pairs while a run is read (malloc'd), then hands
 * them to the arena in one piece. */
struct metric_kvbuf {
    struct metric_kv *v;
    size_t n, cap;
};
void metrics_kv_add(struct metric_kvbuf *b, const char *key, const char *value,
                    struct pos pos);
/* Copies b into a, frees b's memory and leaves b empty. */
const struct metric_kv *metrics_kv_finish(struct metric_kvbuf *b,
                                          struct arena *a, size_t *n);

/* Marks the start of one file's load; metrics_file_end() then reports
 * "no metric values could be read" as an error at path when the file
 * added neither values nor runs and reported no error of its own.
 * Returns 0, or -1 when the file reported an error. */
struct metrics_mark {
    size_t nvalues, nruns, nerr;
};
struct metrics_mark metrics_file_begin(const struct metric_set *s,
                                       const struct diag *d);
int metrics_file_end(const struct metric_set *s, struct diag *d,
                     struct metrics_mark m, const char *path);

#endif
