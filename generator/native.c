/* native: long and wide CSV, and the JSON list (see native.h). */
#include "native.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmem.h"

/* {======================================================= shared */

static void
trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

static const char *
field_text(struct arena *a, const struct csv_field *f)
{
    const char *s = f->s;
    size_t len = f->len;
    trim(&s, &len);
    return len ? arena_strndup(a, s, len) : NULL;
}

static bool
field_is(const struct csv_field *f, const char *name)
{
    const char *s = f->s;
    size_t len = f->len;
    trim(&s, &len);
    return strlen(name) == len && strncasecmp(s, name, len) == 0;
}

static bool
parse_int(const char *s, long long *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* Remembers each version/metric/slice/step seen in one file and where. */
struct dups {
    GHashTable *seen;
};

static void
dups_init(struct dups *u)
{
    u->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

static void
dups_release(struct dups *u)
{
    g_hash_table_destroy(u->seen);
}

static int
dups_check(struct dups *u, struct diag *d, const struct metric_value *v)
{
    char step[32] = "";
    if (v->has_step)
        snprintf(step, sizeof step, "%lld", v->step);
    char *key = g_strdup_printf("%s\x1f%s\x1f%s\x1f%s", v->version, v->metric,
                                v->slice ? v->slice : "", step);
    gpointer line;
    if (g_hash_table_lookup_extended(u->seen, key, NULL, &line)) {
        char extra[512] = "";
        size_t n = 0;
        if (v->slice)
            n +=
                (size_t)snprintf(extra, sizeof extra, ", slice '%s'", v->slice);
        if (v->has_step && n < sizeof extra)
            snprintf(extra + n, sizeof extra - n, ", step %lld", v->step);
        diag_warning(d, &v->pos,
                     "duplicate value for version '%s', metric '%s'%s "
                     "(first at line %u); skipped",
                     v->version, v->metric, extra,
                     (unsigned)GPOINTER_TO_UINT(line));
        g_free(key);
        return -1;
    }
    g_hash_table_insert(u->seen, key, GUINT_TO_POINTER(v->pos.line));
    return 0;
}

static const char *const long_cols[] = {
    "version",   "metric", "value",  "slice",   "step",
    "timestamp", "run_id", "ci_low", "ci_high",
};
enum {
    C_VERSION,
    C_METRIC,
    C_VALUE,
    C_SLICE,
    C_STEP,
    C_TIME,
    C_RUN,
    C_LOW,
    C_HIGH,
    C_N
};

/* }======================================================= */

/* {======================================================= CSV */

static size_t
first_col(const struct csv_row *h)
{
    return h->n > 1 && h->fields[0].len == 0 ? 1 : 0;
}

enum native_layout
native_csv_layout(const struct csv_table *t)
{
    if (t->nrows == 0)
        return NATIVE_NONE;
    const struct csv_row *h = &t->rows[0];
    size_t first = first_col(h);
    bool ver = false, met = false, val = false;
    for (size_t i = first; i < h->n; i++) {
        ver |= field_is(&h->fields[i], "version");
        met |= field_is(&h->fields[i], "metric");
        val |= field_is(&h->fields[i], "value");
    }
    if (ver && met && val)
        return NATIVE_LONG;
    if (h->n - first >= 2 && field_is(&h->fields[first], "version"))
        return NATIVE_WIDE;
    return NATIVE_NONE;
}

static bool
row_fits(struct diag *d, const char *path, const struct csv_row *h,
         const struct csv_row *r)
{
    if (r->n == h->n)
        return true;
    unsigned col = r->n > h->n ? r->fields[h->n].col : r->end_col;
    struct pos at = {path, r->line, col};
    diag_warning(d, &at, "row has %zu fields; the header has %zu", r->n, h->n);
    return false;
}

static void
load_long_row(struct arena *a, struct diag *d, const struct csv_table *t,
              const long *col, const struct csv_row *r, struct dups *u,
              struct metric_set *out)
{
    struct metric_value v;
    memset(&v, 0, sizeof v);
    const struct csv_field *f = r->fields;
    struct pos at = {t->path, r->line, 1};
    v.source = "csv-long";
    v.version = field_text(a, &f[col[C_VERSION]]);
    v.metric = field_text(a, &f[col[C_METRIC]]);
    if (!v.version || !v.metric) {
        at.col = f[col[v.version ? C_METRIC : C_VERSION]].col;
        diag_warning(d, &at, "row has no %s; skipped",
                     v.version ? "metric name" : "version");
        return;
    }
    const struct csv_field *vf = &f[col[C_VALUE]];
    v.pos = (struct pos){t->path, vf->line, vf->col};
    if (metrics_value_text(a, d, &v.pos, v.metric, vf->s, vf->len, &v) < 0)
        return;
    if (col[C_SLICE] >= 0)
        v.slice = field_text(a, &f[col[C_SLICE]]);
    if (col[C_RUN] >= 0)
        v.run_id = field_text(a, &f[col[C_RUN]]);
    if (col[C_STEP] >= 0) {
        const struct csv_field *sf = &f[col[C_STEP]];
        const char *s = field_text(a, sf);
        if (s && !parse_int(s, &v.step)) {
            at.col = sf->col;
            diag_warning(d, &at, "step '%s' is not an integer; row skipped", s);
            return;
        }
        v.has_step = s != NULL;
    }
    if (col[C_TIME] >= 0) {
        const struct csv_field *tf = &f[col[C_TIME]];
        const char *s = field_text(a, tf);
        if (s && metrics_parse_time(s, &v.timestamp_ms) < 0) {
            at.col = tf->col;
            diag_warning(d, &at,
                         "timestamp '%s' is neither milliseconds nor an "
                         "ISO-8601 date; row skipped",
                         s);
            return;
        }
        v.has_timestamp = s != NULL;
    }
    if (col[C_LOW] >= 0 && col[C_HIGH] >= 0) {
        const struct csv_field *lf = &f[col[C_LOW]], *hf = &f[col[C_HIGH]];
        bool pl, ph;
        enum metrics_num kl =
            metrics_parse_number(lf->s, lf->len, &v.ci_low, &pl);
        enum metrics_num kh =
            metrics_parse_number(hf->s, hf->len, &v.ci_high, &ph);
        if (kl == METRICS_NUM_OK && kh == METRICS_NUM_OK) {
            v.has_ci = true;
        } else if (kl != METRICS_NUM_MISSING || kh != METRICS_NUM_MISSING) {
            const struct csv_field *bad = kl != METRICS_NUM_OK ? lf : hf;
            at.col = bad->col;
            diag_warning(d, &at,
                         "confidence bound '%s' is not a number; interval "
                         "ignored",
                         field_text(a, bad) ? field_text(a, bad) : "");
        }
    }
    if (dups_check(u, d, &v) < 0)
        return;
    *metrics_add_value(out, a) = v;
}

static void
load_long(struct arena *a, struct diag *d, const struct csv_table *t,
          struct metric_set *out)
{
    const struct csv_row *h = &t->rows[0];
    long col[C_N];
    for (int k = 0; k < C_N; k++)
        col[k] = -1;
    for (size_t i = first_col(h); i < h->n; i++) {
        int k;
        for (k = 0; k < C_N; k++)
            if (field_is(&h->fields[i], long_cols[k]))
                break;
        struct pos at = {t->path, h->line, h->fields[i].col};
        if (k == C_N) {
            const char *name = field_text(a, &h->fields[i]);
            const char *near = name ? diag_suggest(name, long_cols, C_N) : NULL;
            diag_warning(d, &at, "unknown column '%s'%s%s%s; ignored",
                         name ? name : "", near ? " (did you mean '" : "",
                         near ? near : "", near ? "'?)" : "");
        } else if (col[k] >= 0) {
            diag_warning(d, &at,
                         "column '%s' appears twice; the second is "
                         "ignored",
                         long_cols[k]);
        } else {
            col[k] = (long)i;
        }
    }
    struct dups u;
    dups_init(&u);
    for (size_t i = 1; i < t->nrows; i++)
        if (row_fits(d, t->path, h, &t->rows[i]))
            load_long_row(a, d, t, col, &t->rows[i], &u, out);
    dups_release(&u);
}

static void
load_wide(struct arena *a, struct diag *d, const struct csv_table *t,
          struct metric_set *out)
{
    const struct csv_row *h = &t->rows[0];
    size_t first = first_col(h);
    long slice = -1;
    const char **names = xcalloc(h->n, sizeof *names);
    for (size_t i = first + 1; i < h->n; i++) {
        struct pos at = {t->path, h->line, h->fields[i].col};
        const char *name = field_text(a, &h->fields[i]);
        if (field_is(&h->fields[i], "slice") && slice < 0) {
            slice = (long)i;
            continue;
        }
        if (!name) {
            diag_warning(d, &at, "column %zu has no name; ignored", i + 1);
            continue;
        }
        bool twice = false;
        for (size_t j = first + 1; j < i; j++)
            twice |= names[j] && strcmp(names[j], name) == 0;
        if (twice) {
            diag_warning(d, &at,
                         "column '%s' appears twice; the second is ignored",
                         name);
            continue;
        }
        names[i] = name;
    }
    struct dups u;
    dups_init(&u);
    for (size_t i = 1; i < t->nrows; i++) {
        const struct csv_row *r = &t->rows[i];
        if (!row_fits(d, t->path, h, r))
            continue;
        const char *version = field_text(a, &r->fields[first]);
        if (!version) {
            struct pos at = {t->path, r->line, r->fields[first].col};
            diag_warning(d, &at, "row has no version; skipped");
            continue;
        }
        const char *sl = slice >= 0 ? field_text(a, &r->fields[slice]) : NULL;
        for (size_t c = first + 1; c < h->n; c++) {
            if (!names[c])
                continue;
            const struct csv_field *f = &r->fields[c];
            /* pandas writes a metric a version did not measure as an
             * empty cell: nothing to report, nothing to warn about */
            if (f->len == 0)
                continue;
            struct metric_value v;
            memset(&v, 0, sizeof v);
            v.source = "csv-wide";
            v.version = version;
            v.metric = names[c];
            v.slice = sl;
            v.pos = (struct pos){t->path, f->line, f->col};
            int keep =
                metrics_value_text(a, d, &v.pos, v.metric, f->s, f->len, &v);
            if (keep < 0)
                continue;
            if (dups_check(&u, d, &v) < 0)
                continue;
            *metrics_add_value(out, a) = v;
        }
    }
    dups_release(&u);
    free(names);
}

int
native_load_csv(struct arena *a, struct diag *d, const struct csv_table *t,
                struct metric_set *out)
{
    switch (native_csv_layout(t)) {
    case NATIVE_LONG: load_long(a, d, t, out); return 0;
    case NATIVE_WIDE: load_wide(a, d, t, out); return 0;
    case NATIVE_NONE: break;
    }
    return -1;
}

/* }======================================================= */

/* {======================================================= JSON */

bool
native_json_matches(const struct node *root)
{
    if (!root || root->type != NODE_SEQ)
        return false;
    /* Any item will do, so that a typo in the first one is reported
     * where it is rather than as an unknown layout. */
    for (size_t i = 0; i < root->n; i++)
        if (node_get(root->items[i], "metric") ||
            node_get(root->items[i], "value"))
            return true;
    return false;
}

static const char *
scalar_text(struct arena *a, const struct node *n)
{
    if (!n || !node_is_scalar(n) || n->type == NODE_NULL || !*n->str)
        return NULL;
    return arena_strdup(a, n->str);
}

static void
load_item(struct arena *a, struct diag *d, const struct node *it,
          struct dups *u, struct metric_set *out)
{
    struct metric_value v;
    memset(&v, 0, sizeof v);
    v.source = "json";
    v.pos = it->pos;
    for (size_t k = 0; k < it->n; k++) {
        const struct node *key = it->pairs[k].key;
        bool known = false;
        for (int c = 0; c < C_N; c++)
            known |= strcmp(key->str, long_cols[c]) == 0;
        if (!known) {
            const char *near = diag_suggest(key->str, long_cols, C_N);
            diag_warning(d, &key->pos, "unknown key '%s'%s%s%s; ignored",
                         key->str, near ? " (did you mean '" : "",
                         near ? near : "", near ? "'?)" : "");
        }
    }
    const struct node *metric = node_get(it, "metric");
    const struct node *value = node_get(it, "value");
    v.version = scalar_text(a, node_get(it, "version"));
    v.metric = scalar_text(a, metric);
    if (!v.metric) {
        diag_warning(d, &it->pos, "item has no 'metric'; skipped");
        return;
    }
    if (!v.version) {
        diag_warning(d, &it->pos, "item has no 'version'; skipped");
        return;
    }
    if (!value) {
        diag_warning(d, &it->pos, "item has no 'value'; skipped");
        return;
    }
    v.pos = value->pos;
    if (metrics_value_node(a, d, v.metric, value, &v) < 0)
        return;
    v.slice = scalar_text(a, node_get(it, "slice"));
    v.run_id = scalar_text(a, node_get(it, "run_id"));
    const struct node *step = node_get(it, "step");
    if (step && step->type != NODE_NULL) {
        if (step->type != NODE_INT) {
            diag_warning(d, &step->pos,
                         "step '%s' is not an integer; item skipped",
                         step->str);
            return;
        }
        v.step = step->v.i;
        v.has_step = true;
    }
    const struct node *ts = node_get(it, "timestamp");
    if (ts && ts->type != NODE_NULL) {
        if (!node_is_scalar(ts) ||
            metrics_parse_time(ts->str, &v.timestamp_ms) < 0) {
            diag_warning(d, &ts->pos,
                         "timestamp '%s' is neither milliseconds nor an "
                         "ISO-8601 date; item skipped",
                         ts->str);
            return;
        }
        v.has_timestamp = true;
    }
    const struct node *lo = node_get(it, "ci_low"),
                      *hi = node_get(it, "ci_high");
    if (lo && hi) {
        bool p;
        if (node_is_scalar(lo) && node_is_scalar(hi) &&
            metrics_parse_number(lo->str, lo->len, &v.ci_low, &p) ==
                METRICS_NUM_OK &&
            metrics_parse_number(hi->str, hi->len, &v.ci_high, &p) ==
                METRICS_NUM_OK)
            v.has_ci = true;
        else
            diag_warning(d, &lo->pos,
                         "confidence bounds are not numbers; "
                         "interval ignored");
    }
    if (dups_check(u, d, &v) < 0)
        return;
    *metrics_add_value(out, a) = v;
}

int
native_load_json(struct arena *a, struct diag *d, const struct node *root,
                 struct metric_set *out)
{
    struct dups u;
    dups_init(&u);
    for (size_t i = 0; i < root->n; i++) {
        const struct node *it = root->items[i];
        if (it->type != NODE_MAP) {
            diag_warning(d, &it->pos, "item is %s, not an object; skipped",
                         metrics_kind(it));
            continue;
        }
        load_item(a, d, it, &u, out);
    }
    dups_release(&u);
    return 0;
}

/* }======================================================= */
