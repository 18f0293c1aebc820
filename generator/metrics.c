/* metrics: the shared data model, number rules, detection and the
 * run-to-release rule (see metrics.h and README.md). */
#include "metrics.h"

#include <ctype.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "csv.h"
#include "file.h"
#include "hfcard.h"
#include "json.h"
#include "mct.h"
#include "mlflow.h"
#include "native.h"
#include "xmem.h"
#include "yml.h"

void
metrics_set_init(struct metric_set *s)
{
    memset(s, 0, sizeof *s);
}

/* Doubling inside the arena leaves the old copies behind; they add up to
 * less than the final array, which is cheap next to the histories. The
 * first array is small: most models have a handful of runs, and 64 empty
 * entries of each kind per model were a tenth of a large build's memory. */
static void *
grow(struct arena *a, void *old, size_t n, size_t *cap, size_t size)
{
    size_t ncap = *cap ? *cap * 2 : 8;
    void *p = arena_alloc(a, ncap * size);
    if (n)
        memcpy(p, old, n * size);
    *cap = ncap;
    return p;
}

struct metric_value *
metrics_add_value(struct metric_set *s, struct arena *a)
{
    if (s->nvalues == s->capvalues)
        s->values =
            grow(a, s->values, s->nvalues, &s->capvalues, sizeof *s->values);
    struct metric_value *v = &s->values[s->nvalues++];
    memset(v, 0, sizeof *v);
    return v;
}

struct metric_run *
metrics_add_run(struct metric_set *s, struct arena *a)
{
    if (s->nruns == s->capruns)
        s->runs = grow(a, s->runs, s->nruns, &s->capruns, sizeof *s->runs);
    struct metric_run *r = &s->runs[s->nruns++];
    memset(r, 0, sizeof *r);
    return r;
}

/* {======================================================= numbers */

static bool
blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
word_is(const char *s, size_t len, const char *w)
{
    return strlen(w) == len && strncasecmp(s, w, len) == 0;
}

/* Spellings of "no value" seen in real exports and card templates. */
static const char *const missing_words[] = {
    "na",
    "n/a",
    "null",
    "none",
    "nil",
    "-",
    "\xE2\x80\x94", /* em dash */
    "[more information needed]",
    "more information needed",
};

enum metrics_num
metrics_parse_number(const char *s, size_t len, double *out, bool *percent)
{
    *percent = false;
    while (len && blank(*s)) {
        s++;
        len--;
    }
    while (len && blank(s[len - 1]))
        len--;
    if (len == 0)
        return METRICS_NUM_MISSING;
    for (size_t i = 0; i < sizeof missing_words / sizeof *missing_words; i++)
        if (word_is(s, len, missing_words[i]))
            return METRICS_NUM_MISSING;
    if (s[len - 1] == '%') {
        *percent = true;
        len--;
        while (len && blank(s[len - 1]))
            len--;
        if (len == 0)
            return METRICS_NUM_INVALID;
    }
    const char *q = s, *end = s + len;
    if (*q == '+' || *q == '-')
        q++;
    size_t rest = (size_t)(end - q);
    if (word_is(q, rest, "nan") || word_is(q, rest, ".nan") ||
        word_is(q, rest, "inf") || word_is(q, rest, ".inf") ||
        word_is(q, rest, "infinity"))
        return METRICS_NUM_NONFINITE;
    /* digits [. digits] | . digits, then an optional exponent: strtod
     * alone would also take hex, "0x1p3" and leading blanks. */
    bool digits = false;
    while (q < end && isdigit((unsigned char)*q)) {
        q++;
        digits = true;
    }
    if (q < end && *q == '.') {
        q++;
        while (q < end && isdigit((unsigned char)*q)) {
            q++;
            digits = true;
        }
    }
    if (!digits)
        return METRICS_NUM_INVALID;
    if (q < end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < end && (*q == '+' || *q == '-'))
            q++;
        if (!(q < end && isdigit((unsigned char)*q)))
            return METRICS_NUM_INVALID;
        while (q < end && isdigit((unsigned char)*q))
            q++;
    }
    if (q != end)
        return METRICS_NUM_INVALID;
    char small[64];
    char *copy = len < sizeof small ? small : xmalloc(len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    double v = strtod(copy, NULL);
    if (copy != small)
        free(copy);
    if (!isfinite(v))
        return METRICS_NUM_NONFINITE;
    *out = v;
    return METRICS_NUM_OK;
}

/* Raw text for a message: one line, at most 40 bytes. */
static const char *
shown(struct arena *a, const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && n < 40 && s[n] != '\n' && s[n] != '\r')
        n++;
    if (n < len)
        return arena_printf(a, "%.*s...", (int)n, s);
    return arena_strndup(a, s, len);
}

int
metrics_value_text(struct arena *a, struct diag *d, const struct pos *pos,
                   const char *name, const char *raw, size_t len,
                   struct metric_value *v)
{
    double x = 0;
    bool pct = false;
    v->raw = arena_strndup(a, raw, len);
    switch (metrics_parse_number(raw, len, &x, &pct)) {
    case METRICS_NUM_OK:
        v->value = x;
        v->has_value = true;
        v->percent = pct;
        return 0;
    case METRICS_NUM_MISSING:
        v->has_value = false;
        if (len == 0)
            diag_warning(d, pos, "metric '%s' has no value (empty)", name);
        else
            diag_warning(d, pos, "metric '%s' has no value ('%s')", name,
                         shown(a, raw, len));
        return 0;
    case METRICS_NUM_NONFINITE:
        diag_warning(d, pos,
                     "value '%s' of metric '%s' is not finite; "
                     "skipped",
                     shown(a, raw, len), name);
        return -1;
    case METRICS_NUM_INVALID: break;
    }
    diag_warning(d, pos, "value '%s' of metric '%s' is not a number; skipped",
                 shown(a, raw, len), name);
    return -1;
}

int
metrics_value_node(struct arena *a, struct diag *d, const char *name,
                   const struct node *n, struct metric_value *v)
{
    switch (n->type) {
    case NODE_INT:
    case NODE_FLOAT:
    case NODE_STR:
        return metrics_value_text(a, d, &n->pos, name, n->str, n->len, v);
    case NODE_NULL:
        v->raw = n->str;
        v->has_value = false;
        diag_warning(d, &n->pos, "metric '%s' has no value (null)", name);
        return 0;
    case NODE_BOOL:
        diag_warning(d, &n->pos,
                     "value '%s' of metric '%s' is not a number; skipped",
                     n->str, name);
        return -1;
    case NODE_SEQ:
    case NODE_MAP: break;
    }
    diag_warning(d, &n->pos,
                 "value of metric '%s' is %s, not a number; "
                 "skipped",
                 name, metrics_kind(n));
    return -1;
}

const char *
metrics_kind(const struct node *n)
{
    switch (n->type) {
    case NODE_NULL: return "null";
    case NODE_BOOL: return "a boolean";
    case NODE_INT: return "an integer";
    case NODE_FLOAT: return "a number";
    case NODE_STR: return "a string";
    case NODE_SEQ: return "a list";
    case NODE_MAP: return "a mapping";
    }
    return "unknown";
}

/* }======================================================= */

static int
digits_n(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int
metrics_parse_time(const char *s, long long *ms)
{
    const char *p = s;
    if (*p == '-' || isdigit((unsigned char)*p)) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (end != s && *end == '\0') {
            *ms = v;
            return 0;
        }
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int y, mo, da, h = 0, mi = 0, se = 0;
    if (digits_n(&p, 4, &y) || *p++ != '-' || digits_n(&p, 2, &mo) ||
        *p++ != '-' || digits_n(&p, 2, &da))
        return -1;
    if (mo < 1 || mo > 12 || da < 1 || da > 31)
        return -1;
    long long frac_ms = 0;
    int off = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (digits_n(&p, 2, &h) || *p++ != ':' || digits_n(&p, 2, &mi))
            return -1;
        if (*p == ':') {
            p++;
            if (digits_n(&p, 2, &se))
                return -1;
            if (*p == '.' || *p == ',') {
                p++;
                long long scale = 100;
                if (!isdigit((unsigned char)*p))
                    return -1;
                while (isdigit((unsigned char)*p)) {
                    frac_ms += (*p - '0') * scale;
                    scale /= 10;
                    p++;
                }
            }
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (digits_n(&p, 2, &oh))
                return -1;
            if (*p == ':')
                p++;
            if (isdigit((unsigned char)*p) && digits_n(&p, 2, &om))
                return -1;
            off = sign * (oh * 60 + om);
        }
    }
    if (*p != '\0' || h > 23 || mi > 59 || se > 60)
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = da;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t t = timegm(&tm);
    *ms = ((long long)t - (long long)off * 60) * 1000 + frac_ms;
    return 0;
}

/* {======================================================= small helpers */

void
metrics_kv_add(struct metric_kvbuf *b, const char *key, const char *value,
               struct pos pos)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->v = xrealloc(b->v, b->cap * sizeof *b->v);
    }
    b->v[b->n++] = (struct metric_kv){key, value, pos};
}

const struct metric_kv *
metrics_kv_finish(struct metric_kvbuf *b, struct arena *a, size_t *n)
{
    struct metric_kv *v = NULL;
    *n = b->n;
    if (b->n) {
        v = arena_alloc(a, b->n * sizeof *v);
        memcpy(v, b->v, b->n * sizeof *v);
    }
    free(b->v);
    memset(b, 0, sizeof *b);
    return v;
}

struct metrics_mark
metrics_file_begin(const struct metric_set *s, const struct diag *d)
{
    struct metrics_mark m = {s->nvalues, s->nruns, d->nerr};
    return m;
}

int
metrics_file_end(const struct metric_set *s, struct diag *d,
                 struct metrics_mark m, const char *path)
{
    if (d->nerr > m.nerr)
        return -1;
    if (s->nvalues == m.nvalues && s->nruns == m.nruns) {
        struct pos at = {path, 0, 0};
        return diag_error(d, &at, "no metric values could be read");
    }
    return 0;
}

static bool
same(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

const struct metric_value *
metrics_find(const struct metric_set *s, const char *version,
             const char *metric, const char *slice)
{
    for (size_t i = 0; i < s->nvalues; i++) {
        const struct metric_value *v = &s->values[i];
        if (same(v->version, version) && same(v->metric, metric) &&
            same(v->slice, slice))
            return v;
    }
    return NULL;
}

const struct metric_run *
metrics_find_run(const struct metric_set *s, const char *run_id)
{
    for (size_t i = 0; i < s->nruns; i++)
        if (same(s->runs[i].run_id, run_id))
            return &s->runs[i];
    return NULL;
}

static const char *
kv_get(const struct metric_kv *v, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].key, key) == 0)
            return v[i].value;
    return NULL;
}

const char *
metrics_run_tag(const struct metric_run *r, const char *key)
{
    return kv_get(r->tags, r->ntags, key);
}

const char *
metrics_run_param(const struct metric_run *r, const char *key)
{
    return kv_get(r->params, r->nparams, key);
}

/* }======================================================= */

/* {======================================================= releases */

/* Index of the run with this id, or of the only run whose id starts with
 * it (at least 8 characters, as people copy ids from the UI); -1. */
static long
run_by_id(const struct metric_set *s, const char *id)
{
    long found = -1;
    size_t len = strlen(id);
    for (size_t i = 0; i < s->nruns; i++)
        if (s->runs[i].run_id && strcmp(s->runs[i].run_id, id) == 0)
            return (long)i;
    if (len < 8)
        return -1;
    for (size_t i = 0; i < s->nruns; i++) {
        if (s->runs[i].run_id && strncmp(s->runs[i].run_id, id, len) == 0) {
            if (found >= 0 &&
                strcmp(s->runs[found].run_id, s->runs[i].run_id) != 0)
                return -1;
            found = (long)i;
        }
    }
    return found;
}

static bool
later(const struct metric_run *x, const struct metric_run *y)
{
    long long sx = x->has_start ? x->start_ms : 0;
    long long sy = y->has_start ? y->start_ms : 0;
    return sx > sy;
}

/* Picks among the unclaimed, live runs that match (by tag or by name). */
static long
pick(struct metric_set *s, struct diag *d, const struct metrics_release *r,
     const bool *claimed, bool by_tag)
{
    long best = -1;
    size_t n = 0;
    for (size_t i = 0; i < s->nruns; i++) {
        const struct metric_run *run = &s->runs[i];
        if (claimed[i] || run->deleted)
            continue;
        const char *tag = metrics_run_tag(run, "version");
        bool match = by_tag ? same(tag, r->version)
                            : !tag && same(run->run_name, r->version);
        if (!match)
            continue;
        n++;
        if (best < 0 || later(run, &s->runs[best]))
            best = (long)i;
    }
    if (n > 1) {
        const struct metric_run *run = &s->runs[best];
        diag_warning(d, &run->pos,
                     "%zu MLflow runs have %s '%s'; release '%s' takes the "
                     "one that started last ('%s')",
                     n, by_tag ? "the version tag" : "the name", r->version,
                     r->version, run->run_id);
    }
    return best;
}

int
metrics_assign_versions(struct metric_set *s, struct diag *d,
                        const struct metrics_release *rel, size_t nrel)
{
    int rc = 0;
    bool *claimed = xcalloc(s->nruns ? s->nruns : 1, sizeof *claimed);
    long *chosen = xmalloc((nrel ? nrel : 1) * sizeof *chosen);
    for (size_t i = 0; i < nrel; i++) {
        chosen[i] = -1;
        if (!rel[i].mlflow_run)
            continue;
        long k = run_by_id(s, rel[i].mlflow_run);
        if (k < 0) {
            diag_warning(d, &rel[i].pos,
                         "mlflow_run '%s' of release '%s' is not among the "
                         "loaded MLflow runs",
                         rel[i].mlflow_run, rel[i].version);
            rc = -1;
            continue;
        }
        if (claimed[k]) {
            diag_warning(d, &rel[i].pos,
                         "MLflow run '%s' is already the run of another "
                         "release",
                         rel[i].mlflow_run);
            rc = -1;
            continue;
        }
        if (s->runs[k].deleted)
            diag_warning(d, &rel[i].pos,
                         "release '%s' names MLflow run '%s', which is "
                         "deleted",
                         rel[i].version, rel[i].mlflow_run);
        claimed[k] = true;
        chosen[i] = k;
    }
    for (int by_tag = 1; by_tag >= 0; by_tag--) {
        for (size_t i = 0; i < nrel; i++) {
            if (chosen[i] >= 0 || rel[i].mlflow_run || !rel[i].version)
                continue;
            long k = pick(s, d, &rel[i], claimed, by_tag);
            if (k >= 0) {
                claimed[k] = true;
                chosen[i] = k;
            }
        }
    }
    GHashTable *ver = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < nrel; i++) {
        if (chosen[i] < 0)
            continue;
        struct metric_run *run = &s->runs[chosen[i]];
        run->version = rel[i].version;
        if (run->run_id)
            g_hash_table_insert(ver, (gpointer)run->run_id,
                                (gpointer)rel[i].version);
    }
    for (size_t i = 0; i < s->nvalues; i++) {
        struct metric_value *v = &s->values[i];
        if (!v->run_id)
            continue;
        const char *version = g_hash_table_lookup(ver, v->run_id);
        if (version)
            v->version = version;
    }
    g_hash_table_destroy(ver);
    free(chosen);
    free(claimed);
    return rc;
}

/* }======================================================= */

/* {======================================================= detection */

static bool
has_suffix(const char *s, const char *suf)
{
    size_t ls = strlen(s), lf = strlen(suf);
    return ls >= lf && strcasecmp(s + ls - lf, suf) == 0;
}

static const char *
base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int
load_csv(struct arena *a, struct diag *d, const char *path,
         struct metric_set *out)
{
    struct metrics_mark m = metrics_file_begin(out, d);
    struct csv_table t;
    if (csv_load_file(a, d, path, &t) < 0)
        return -1;
    if (t.nrows == 0) {
        struct pos at = {path, 0, 0};
        return diag_error(d, &at, "file is empty");
    }
    const struct csv_row *h = &t.rows[0];
    struct pos at = {path, h->line, 1};
    if (mlflow_csv_matches(&t)) {
        if (t.nrows == 1)
            return diag_error(d, &at, "no data rows below the header");
        mlflow_load_csv(a, d, &t, out);
    } else if (native_csv_layout(&t) != NATIVE_NONE) {
        if (t.nrows == 1)
            return diag_error(d, &at, "no data rows below the header");
        native_load_csv(a, d, &t, out);
    } else {
        return diag_error(d, &at,
                          "unknown column layout: expected "
                          "'version,metric,value' (long), "
                          "'version,<metric>,...' (wide) or 'run_id' with "
                          "'metrics.<name>' columns (MLflow search_runs)");
    }
    return metrics_file_end(out, d, m, path);
}

static int
load_json(struct arena *a, struct diag *d, const char *path,
          struct metric_set *out)
{
    struct metrics_mark m = metrics_file_begin(out, d);
    struct node *root;
    if (json_load_file(a, d, path, &root) < 0)
        return -1;
    if (!root) {
        struct pos at = {path, 0, 0};
        return diag_error(d, &at, "file is empty");
    }
    if (mct_matches(root)) {
        struct node *card;
        mct_from_node(a, d, root, &card, out);
        /* A card without metrics is still a card, read in full. */
        if (card)
            return d->nerr > m.nerr ? -1 : 0;
    } else if (mlflow_export_matches(root)) {
        mlflow_load_export_node(a, d, root, out);
    } else if (native_json_matches(root)) {
        native_load_json(a, d, root, out);
    } else {
        return diag_error(d, &root->pos,
                          "unknown JSON layout: expected a list of "
                          "{version, metric, value} objects, an MLflow run "
                          "export (run.json) or a Model Card Toolkit card");
    }
    return metrics_file_end(out, d, m, path);
}

static int
load_yaml(struct arena *a, struct diag *d, const char *path,
          struct metric_set *out)
{
    struct metrics_mark m = metrics_file_begin(out, d);
    struct node *root;
    if (yml_load_file(a, d, path, &root) < 0)
        return -1;
    if (!root) {
        struct pos at = {path, 0, 0};
        return diag_error(d, &at, "file is empty");
    }
    if (!hfcard_eval_results_match(root))
        return diag_error(d, &root->pos,
                          "unknown YAML layout: expected a Hugging Face "
                          ".eval_results list of {dataset, value}");
    hfcard_eval_results_node(a, d, root, out);
    return metrics_file_end(out, d, m, path);
}

static int
load_markdown(struct arena *a, struct diag *d, const char *path,
              struct metric_set *out, bool must)
{
    struct metrics_mark m = metrics_file_begin(out, d);
    /* A README.md that only describes the folder is not ours. */
    if (!must && !hfcard_file_has_results(path))
        return 0;
    if (hfcard_load(a, d, path, NULL, NULL, NULL, out) < 0)
        return -1;
    return metrics_file_end(out, d, m, path);
}

/* Loads path, a file or folder in a metrics/ folder. must: the caller
 * named it, so a kind that cannot be read is an error, not silence. */
static int
load_entry(struct arena *a, struct diag *d, const char *path,
           struct metric_set *out, bool must)
{
    const char *name = base_name(path);
    if (file_is_dir(path)) {
        if (strcmp(name, "mlruns") == 0 || mlflow_is_store(path))
            return mlflow_load_store(a, d, path, out);
        char *rj = file_join(path, "run.json");
        bool is_export = file_is_regular(rj);
        free(rj);
        if (is_export) {
            const char *p = arena_printf(a, "%s/run.json", path);
            return mlflow_load_export(a, d, p, out);
        }
        if (strcmp(name, ".eval_results") == 0) {
            int rc = 0;
            size_t n;
            char **names = file_list(path, false, &n);
            for (size_t i = 0; names && i < n; i++) {
                if (!has_suffix(names[i], ".yaml") &&
                    !has_suffix(names[i], ".yml"))
                    continue;
                const char *p = arena_printf(a, "%s/%s", path, names[i]);
                if (load_yaml(a, d, p, out) < 0)
                    rc = -1;
            }
            file_list_free(names);
            return rc;
        }
        /* Named outright, any other folder is a metrics/ folder; met
         * while walking one, it is not ours. */
        return must ? metrics_load_dir(a, d, path, out) : 0;
    }
    if (has_suffix(name, ".db") || has_suffix(name, ".sqlite") ||
        has_suffix(name, ".sqlite3"))
        return mlflow_load_sqlite(a, d, path, out);
    if (has_suffix(name, ".csv"))
        return load_csv(a, d, path, out);
    if (has_suffix(name, ".json"))
        return load_json(a, d, path, out);
    if (has_suffix(name, ".yaml") || has_suffix(name, ".yml"))
        return load_yaml(a, d, path, out);
    if (has_suffix(name, ".md") || has_suffix(name, ".markdown"))
        return load_markdown(a, d, path, out, must);
    if (must) {
        struct pos at = {path, 0, 0};
        return diag_error(d, &at,
                          "unknown metrics file format (expected .db, "
                          ".csv, .json, .yaml or .md)");
    }
    return 0;
}

int
metrics_load_path(struct arena *a, struct diag *d, const char *path,
                  struct metric_set *out)
{
    if (!file_exists(path)) {
        struct pos at = {path, 0, 0};
        return diag_error(d, &at, "no such file or folder");
    }
    size_t nerr = d->nerr;
    load_entry(a, d, arena_strdup(a, path), out, true);
    return d->nerr > nerr ? -1 : 0;
}

int
metrics_load_dir(struct arena *a, struct diag *d, const char *dir,
                 struct metric_set *out)
{
    size_t nerr = d->nerr;
    size_t n;
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    char **names = file_list(dir, true, &n);
    if (!names) {
        struct pos at = {dir, 0, 0};
        return diag_error(d, &at, "cannot open the metrics folder");
    }
    for (size_t i = 0; i < n; i++) {
        /* Hidden entries are tool state (.git, .DS_Store), except the
         * Hub's .eval_results folder. */
        if (names[i][0] == '.' && strcmp(names[i], ".eval_results") != 0)
            continue;
        const char *p = arena_printf(a, "%.*s/%s", (int)len, dir, names[i]);
        load_entry(a, d, p, out, false);
    }
    file_list_free(names);
    return d->nerr > nerr ? -1 : 0;
}

/* }======================================================= */
