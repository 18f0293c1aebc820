/* mlflow: the file store, the SQLite store, run.json exports and the
 * search_runs CSV, read into a metric_set (see mlflow.h). */
#include "mlflow.h"

#include <errno.h>
#include <glib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "file.h"
#include "json.h"
#include "xmem.h"
#include "yml.h"

#define MLFLOW_FILE_MAX (256u * 1024 * 1024)

/* {======================================================= series */

/* A growing list of points for one run and key. */
struct series {
    struct metric_point *v;
    size_t n, cap;
    long best; /* the current point: last by step, timestamp, value */
};

static void
series_push(struct series *s, struct metric_point p)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n] = p;
    /* MLflow's own rule (max by step, timestamp, value); on a full tie
     * the later point wins, so a file's last line decides. */
    if (s->best < 0) {
        s->best = (long)s->n;
    } else {
        const struct metric_point *b = &s->v[s->best];
        if (p.step > b->step ||
            (p.step == b->step &&
             (p.timestamp_ms > b->timestamp_ms ||
              (p.timestamp_ms == b->timestamp_ms && p.value >= b->value))))
            s->best = (long)s->n;
    }
    s->n++;
}

static int
point_cmp(const void *x, const void *y)
{
    const struct metric_point *a = x, *b = y;
    if (a->step != b->step)
        return a->step < b->step ? -1 : 1;
    if (a->timestamp_ms != b->timestamp_ms)
        return a->timestamp_ms < b->timestamp_ms ? -1 : 1;
    /* Lines are unique in a file, so the sort is stable where it can
     * matter; SQLite rows arrive sorted already. */
    return (a->line > b->line) - (a->line < b->line);
}

/* Adds the current value of s to out with s as its history, then empties
 * s for the next key. */
static void
series_finish(struct arena *a, struct metric_set *out, size_t run,
              const char *key, struct series *s, const char *raw,
              struct pos pos, const char *source)
{
    struct metric_run *r = &out->runs[run];
    struct metric_point best = s->v[s->best];
    bool sorted = true;
    for (size_t i = 1; i < s->n && sorted; i++)
        sorted = point_cmp(&s->v[i - 1], &s->v[i]) <= 0;
    if (!sorted)
        qsort(s->v, s->n, sizeof *s->v, point_cmp);
    struct metric_point *h = arena_alloc(a, s->n * sizeof *h);
    memcpy(h, s->v, s->n * sizeof *h);
    struct metric_value *v = metrics_add_value(out, a);
    v->run_id = r->run_id;
    v->run_name = r->run_name;
    v->metric = key;
    v->value = best.value;
    v->has_value = true;
    v->raw = raw;
    v->step = best.step;
    v->has_step = true;
    v->timestamp_ms = best.timestamp_ms;
    v->has_timestamp = true;
    v->history = h;
    v->nhistory = s->n;
    v->pos = pos;
    v->source = source;
    r->nvalues++;
    s->n = 0;
    s->best = -1;
}

static bool
parse_ll(const char *s, size_t len, long long *out)
{
    char tmp[32];
    if (len == 0 || len >= sizeof tmp)
        return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(tmp, &end, 10);
    if (errno || *end || end == tmp)
        return false;
    *out = v;
    return true;
}

static const char *
status_name(const struct node *n)
{
    static const char *const names[] = {NULL,       "RUNNING", "SCHEDULED",
                                        "FINISHED", "FAILED",  "KILLED"};
    if (!n)
        return NULL;
    if (n->type == NODE_INT)
        return n->v.i >= 1 && n->v.i <= 5 ? names[n->v.i] : n->str;
    return node_is_scalar(n) && n->type != NODE_NULL ? n->str : NULL;
}

static bool
node_ms(const struct node *n, long long *ms)
{
    if (!n || n->type == NODE_NULL)
        return false;
    if (n->type == NODE_INT) {
        *ms = n->v.i;
        return true;
    }
    return node_is_scalar(n) && metrics_parse_time(n->str, ms) == 0;
}

static const char *
nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

/* The run name: MLflow 1 left "name" empty and kept the name only in the
 * mlflow.runName tag. */
static void
settle_name(struct metric_run *r)
{
    if (!nonempty(r->run_name))
        r->run_name = metrics_run_tag(r, "mlflow.runName");
    if (r->lifecycle && strcmp(r->lifecycle, "deleted") == 0)
        r->deleted = true;
}

/* }======================================================= */

/* {======================================================= file store */

struct store {
    struct arena *a;
    struct diag *d;
    struct metric_set *out;
    struct series s;
};

/* Reads every file under dir as key (relative path) -> content; keys with
 * '/' are folders in the store. Depth is bounded by MLflow's key length. */
static void
read_kv_tree(struct store *st, const char *dir, const char *prefix,
             struct metric_kvbuf *kv, int depth)
{
    size_t n;
    char **names = file_list(dir, false, &n);
    for (size_t i = 0; names && i < n && depth < 32; i++) {
        const char *p = arena_printf(st->a, "%s/%s", dir, names[i]);
        const char *key = prefix
                              ? arena_printf(st->a, "%s/%s", prefix, names[i])
                              : arena_strdup(st->a, names[i]);
        if (file_is_dir(p)) {
            read_kv_tree(st, p, key, kv, depth + 1);
            continue;
        }
        struct buf b;
        buf_init(&b);
        if (file_read(st->d, NULL, p, MLFLOW_FILE_MAX, &b) == 0) {
            struct pos at = {p, 1, 1};
            metrics_kv_add(kv, key, arena_strndup(st->a, b.data, b.len), at);
        }
        buf_release(&b);
    }
    file_list_free(names);
}

/* One metric file: "timestamp value step" per line (older MLflow wrote
 * "timestamp value"). */
static void
load_metric_file(struct store *st, const char *path, const char *key,
                 size_t run)
{
    struct buf b;
    buf_init(&b);
    if (file_read(st->d, NULL, path, MLFLOW_FILE_MAX, &b) < 0) {
        buf_release(&b);
        return;
    }
    struct series *s = &st->s;
    s->n = 0;
    s->best = -1;
    const char *raw = NULL;
    size_t raw_len = 0;
    struct pos best_pos = {path, 0, 0};
    unsigned line = 0;
    const char *p = b.data, *end = b.data + b.len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        line++;
        const char *tok[4];
        size_t len[4];
        unsigned col[4];
        size_t nt = 0;
        for (const char *q = p; q < eol;) {
            while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
                q++;
            if (q == eol)
                break;
            const char *t = q;
            while (q < eol && *q != ' ' && *q != '\t' && *q != '\r')
                q++;
            if (nt < 4) {
                tok[nt] = t;
                len[nt] = (size_t)(q - t);
                col[nt] = (unsigned)(t - p) + 1;
            }
            nt++;
        }
        const char *next = eol < end ? eol + 1 : end;
        struct pos at = {path, line, 1};
        if (nt == 0) {
            p = next;
            continue;
        }
        if (nt < 2 || nt > 3) {
            diag_warning(st->d, &at,
                         "line has %zu fields; expected 'timestamp value "
                         "step'; skipped",
                         nt);
            p = next;
            continue;
        }
        struct metric_point pt = {0, 0, 0, line};
        if (!parse_ll(tok[0], len[0], &pt.timestamp_ms)) {
            at.col = col[0];
            diag_warning(st->d, &at,
                         "timestamp '%.*s' is not an integer; line skipped",
                         (int)len[0], tok[0]);
            p = next;
            continue;
        }
        bool pct;
        at.col = col[1];
        enum metrics_num k =
            metrics_parse_number(tok[1], len[1], &pt.value, &pct);
        if (k != METRICS_NUM_OK) {
            diag_warning(st->d, &at,
                         "value '%.*s' of metric '%s' is not %s; skipped",
                         (int)len[1], tok[1], key,
                         k == METRICS_NUM_NONFINITE ? "finite" : "a number");
            p = next;
            continue;
        }
        if (nt == 3 && !parse_ll(tok[2], len[2], &pt.step)) {
            at.col = col[2];
            diag_warning(st->d, &at,
                         "step '%.*s' is not an integer; line skipped",
                         (int)len[2], tok[2]);
            p = next;
            continue;
        }
        long before = s->best;
        series_push(s, pt);
        if (s->best != before) {
            raw = tok[1];
            raw_len = len[1];
            best_pos.line = line;
            best_pos.col = col[1];
        }
        p = next;
    }
    if (s->n == 0) {
        struct pos at = {path, 0, 0};
        diag_error(st->d, &at,
                   line ? "no metric values could be read" : "file is empty");
    } else {
        series_finish(st->a, st->out, run, key, s,
                      arena_strndup(st->a, raw, raw_len), best_pos,
                      "mlflow-file");
    }
    buf_release(&b);
}

static void
load_metric_tree(struct store *st, const char *dir, const char *prefix,
                 size_t run, int depth)
{
    size_t n;
    char **names = file_list(dir, false, &n);
    for (size_t i = 0; names && i < n && depth < 32; i++) {
        const char *p = arena_printf(st->a, "%s/%s", dir, names[i]);
        const char *key = prefix
                              ? arena_printf(st->a, "%s/%s", prefix, names[i])
                              : arena_strdup(st->a, names[i]);
        if (file_is_dir(p))
            load_metric_tree(st, p, key, run, depth + 1);
        else
            load_metric_file(st, p, key, run);
    }
    file_list_free(names);
}

struct experiment {
    const char *id, *name;
    bool deleted;
};

/* Folders inside an experiment that are not runs. */
static const char *const not_runs[] = {"tags", "datasets", "traces", "models",
                                       "outputs"};

static void
load_run(struct store *st, const struct experiment *ex, const char *rdir,
         const char *folder)
{
    for (size_t i = 0; i < sizeof not_runs / sizeof *not_runs; i++)
        if (strcmp(folder, not_runs[i]) == 0)
            return;
    const char *meta = arena_printf(st->a, "%s/meta.yaml", rdir);
    if (!file_is_regular(meta))
        return;
    struct node *root;
    if (yml_load_file(st->a, st->d, meta, &root) < 0)
        return;
    struct pos top = {meta, 1, 1};
    if (!root || root->type != NODE_MAP) {
        diag_warning(st->d, root ? &root->pos : &top,
                     "meta.yaml is not a mapping; run skipped");
        return;
    }
    const struct node *idn = node_get(root, "run_id");
    if (!idn || !nonempty(node_get_str(root, "run_id")))
        idn = node_get(root, "run_uuid");
    const char *id = nonempty(
        node_is_scalar(idn) && idn->type != NODE_NULL ? idn->str : NULL);
    if (!id) {
        diag_warning(st->d, &root->pos,
                     "meta.yaml has no 'run_id'; run skipped");
        return;
    }
    if (strcmp(id, folder) != 0)
        diag_warning(st->d, &idn->pos,
                     "run_id '%s' does not match the folder name '%s'", id,
                     folder);
    size_t ri = st->out->nruns;
    struct metric_run *r = metrics_add_run(st->out, st->a);
    r->run_id = id;
    /* MLflow 2 writes run_name; MLflow 1 wrote name (often empty) */
    r->run_name = node_get_str(root, "run_name");
    if (!r->run_name || !*r->run_name)
        r->run_name = node_get_str(root, "name");
    r->experiment = ex->name;
    r->experiment_id = ex->id;
    r->status = status_name(node_get(root, "status"));
    r->lifecycle = node_get_str(root, "lifecycle_stage");
    r->user = nonempty(node_get_str(root, "user_id"));
    r->artifact_uri = nonempty(node_get_str(root, "artifact_uri"));
    r->has_start = node_ms(node_get(root, "start_time"), &r->start_ms);
    r->has_end = node_ms(node_get(root, "end_time"), &r->end_ms);
    r->pos = root->pos;
    r->source = "mlflow-file";
    struct metric_kvbuf kv = {NULL, 0, 0};
    read_kv_tree(st, arena_printf(st->a, "%s/params", rdir), NULL, &kv, 0);
    r->params = metrics_kv_finish(&kv, st->a, &r->nparams);
    read_kv_tree(st, arena_printf(st->a, "%s/tags", rdir), NULL, &kv, 0);
    r->tags = metrics_kv_finish(&kv, st->a, &r->ntags);
    settle_name(r);
    if (ex->deleted)
        r->deleted = true;
    if (!r->deleted)
        load_metric_tree(st, arena_printf(st->a, "%s/metrics", rdir), NULL, ri,
                         0);
}

bool
mlflow_is_store(const char *dir)
{
    size_t n;
    char **names = file_list(dir, false, &n);
    bool found = false;
    for (size_t i = 0; names && i < n && !found; i++) {
        char *exp = file_join(dir, names[i]);
        char *meta = file_join(exp, "meta.yaml");
        if (file_is_regular(meta)) {
            /* An experiment's meta.yaml names its experiment_id. */
            FILE *fp = fopen(meta, "r");
            char line[256];
            while (fp && !found && fgets(line, sizeof line, fp))
                found = strncmp(line, "experiment_id:", 14) == 0;
            if (fp)
                fclose(fp);
        }
        free(meta);
        free(exp);
    }
    file_list_free(names);
    return found;
}

int
mlflow_load_store(struct arena *a, struct diag *d, const char *dir,
                  struct metric_set *out)
{
    struct metrics_mark m = metrics_file_begin(out, d);
    struct store st = {a, d, out, {NULL, 0, 0, -1}};
    size_t n;
    char **names = file_list(dir, false, &n);
    if (!names) {
        struct pos at = {dir, 0, 0};
        return diag_error(d, &at, "cannot open the MLflow store");
    }
    for (size_t i = 0; i < n; i++) {
        const char *edir = arena_printf(a, "%s/%s", dir, names[i]);
        const char *meta = arena_printf(a, "%s/meta.yaml", edir);
        if (!file_is_dir(edir) || !file_is_regular(meta))
            continue;
        struct node *root;
        if (yml_load_file(a, d, meta, &root) < 0)
            continue;
        struct experiment ex = {node_get_str(root, "experiment_id"),
                                node_get_str(root, "name"), false};
        /* The model registry (mlruns/models/) has no experiment_id. */
        if (!ex.id)
            continue;
        const char *life = node_get_str(root, "lifecycle_stage");
        ex.deleted = life && strcmp(life, "deleted") == 0;
        size_t nr;
        char **runs = file_list(edir, false, &nr);
        for (size_t j = 0; runs && j < nr; j++) {
            const char *rdir = arena_printf(a, "%s/%s", edir, runs[j]);
            if (file_is_dir(rdir))
                load_run(&st, &ex, rdir, arena_strdup(a, runs[j]));
        }
        file_list_free(runs);
    }
    file_list_free(names);
    free(st.s.v);
    return metrics_file_end(out, d, m, dir);
}

/* }======================================================= */

/* {======================================================= SQLite */

/* "file:" URIs take the path percent-encoded. */
static char *
db_uri(const char *path)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("/-_.~", *p))
            buf_putc(&b, (char)*p);
        else
            buf_printf(&b, "%%%02X", *p);
    }
    buf_puts(&b, "?mode=ro&immutable=1");
    return buf_detach(&b, NULL);
}

static const char *
col_text(struct arena *a, sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? arena_strndup(a, (const char *)s,
                             (size_t)sqlite3_column_bytes(st, i))
             : NULL;
}

/* SQLite keeps a binary double; its own text has 15 digits and may not
 * give the same number back. The shortest text that does is what the
 * logging code (Python's repr) most likely wrote. */
static void
shortest(struct buf *b, double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        buf_reset(b);
        buf_printf(b, "%.*g", prec, v);
        if (strtod(b->data, NULL) == v)
            return;
    }
}

struct db {
    struct arena *a;
    struct diag *d;
    const char *path;
    sqlite3 *h;
    struct metric_set *out;
    GHashTable *runs; /* run_uuid -> index + 1 */
};

static int
db_error(struct db *db, const char *what)
{
    struct pos at = {db->path, 0, 0};
    return diag_error(db->d, &at, "%s: %s", what, sqlite3_errmsg(db->h));
}

static bool
has_tables(struct db *db)
{
    sqlite3_stmt *st;
    int n = 0;
    if (sqlite3_prepare_v2(db->h,
                           "SELECT count(*) FROM sqlite_master WHERE type = "
                           "'table' AND name IN ('runs', 'metrics')",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n == 2;
}

static void
load_experiments(struct db *db, GHashTable *exps)
{
    sqlite3_stmt *st;
    /* Optional: a store without it still has runs worth reading. */
    if (sqlite3_prepare_v2(db->h,
                           "SELECT experiment_id, name, lifecycle_stage "
                           "FROM experiments",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct experiment *ex = arena_alloc(db->a, sizeof *ex);
        ex->id = col_text(db->a, st, 0);
        ex->name = col_text(db->a, st, 1);
        const char *life = col_text(db->a, st, 2);
        ex->deleted = life && strcmp(life, "deleted") == 0;
        if (ex->id)
            g_hash_table_insert(exps, (gpointer)ex->id, ex);
    }
    sqlite3_finalize(st);
}

static int
load_runs(struct db *db)
{
    GHashTable *exps = g_hash_table_new(g_str_hash, g_str_equal);
    load_experiments(db, exps);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h,
                           "SELECT run_uuid, name, status, start_time, "
                           "end_time, lifecycle_stage, experiment_id, "
                           "user_id, artifact_uri FROM runs "
                           "ORDER BY start_time, run_uuid",
                           -1, &st, NULL) != SQLITE_OK) {
        g_hash_table_destroy(exps);
        return db_error(db, "cannot read the runs table");
    }
    struct pos at = {db->path, 0, 0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *id = col_text(db->a, st, 0);
        if (!id)
            continue;
        size_t ri = db->out->nruns;
        struct metric_run *r = metrics_add_run(db->out, db->a);
        r->run_id = id;
        r->run_name = col_text(db->a, st, 1);
        r->status = col_text(db->a, st, 2);
        r->has_start = sqlite3_column_type(st, 3) != SQLITE_NULL;
        r->start_ms = sqlite3_column_int64(st, 3);
        r->has_end = sqlite3_column_type(st, 4) != SQLITE_NULL;
        r->end_ms = sqlite3_column_int64(st, 4);
        r->lifecycle = col_text(db->a, st, 5);
        r->experiment_id = col_text(db->a, st, 6);
        r->user = nonempty(col_text(db->a, st, 7));
        r->artifact_uri = nonempty(col_text(db->a, st, 8));
        r->pos = at;
        r->source = "mlflow-sqlite";
        const struct experiment *ex =
            r->experiment_id ? g_hash_table_lookup(exps, r->experiment_id)
                             : NULL;
        if (ex) {
            r->experiment = ex->name;
            r->deleted = ex->deleted;
        }
        g_hash_table_insert(db->runs, (gpointer)id, GSIZE_TO_POINTER(ri + 1));
    }
    sqlite3_finalize(st);
    g_hash_table_destroy(exps);
    return 0;
}

/* Tags or params: rows arrive grouped by run. */
static void
load_kv(struct db *db, const char *sql, bool tags)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
        return;
    struct metric_kvbuf kv = {NULL, 0, 0};
    long cur = -1;
    struct pos at = {db->path, 0, 0};
    for (;;) {
        int rc = sqlite3_step(st);
        long ri = -1;
        if (rc == SQLITE_ROW) {
            const char *id = (const char *)sqlite3_column_text(st, 0);
            ri =
                id ? (long)GPOINTER_TO_SIZE(g_hash_table_lookup(db->runs, id)) -
                         1
                   : -1;
        }
        if ((rc != SQLITE_ROW || ri != cur) && cur >= 0) {
            struct metric_run *r = &db->out->runs[cur];
            if (tags)
                r->tags = metrics_kv_finish(&kv, db->a, &r->ntags);
            else
                r->params = metrics_kv_finish(&kv, db->a, &r->nparams);
        }
        if (rc != SQLITE_ROW)
            break;
        cur = ri;
        if (ri < 0)
            continue;
        const char *k = col_text(db->a, st, 1), *v = col_text(db->a, st, 2);
        if (k)
            metrics_kv_add(&kv, k, v ? v : "", at);
    }
    free(kv.v);
    sqlite3_finalize(st);
}

/* Finishes one run and key: the NaN points MLflow stores with is_nan are
 * not values, and one warning says how many there were. */
static void
finish_key(struct db *db, long run, const char *key, struct series *s,
           const char *raw, size_t nan)
{
    struct pos at = {db->path, 0, 0};
    if (run < 0 || !key)
        return;
    const struct metric_run *r = &db->out->runs[run];
    if (nan)
        diag_warning(db->d, &at,
                     "%zu NaN value%s of metric '%s' in run '%s' skipped", nan,
                     nan == 1 ? "" : "s", key,
                     r->run_name ? r->run_name : r->run_id);
    if (s->n)
        series_finish(db->a, db->out, (size_t)run, key, s,
                      arena_strdup(db->a, raw), at, "mlflow-sqlite");
}

static int
load_metrics(struct db *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h,
                           "SELECT run_uuid, key, value, timestamp, step, "
                           "is_nan FROM metrics "
                           "ORDER BY run_uuid, key, step, timestamp",
                           -1, &st, NULL) != SQLITE_OK &&
        /* MLflow before 1.0 had neither step nor is_nan. */
        sqlite3_prepare_v2(db->h,
                           "SELECT run_uuid, key, value, timestamp, 0, 0 "
                           "FROM metrics ORDER BY run_uuid, key, timestamp",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "cannot read the metrics table");
    struct series s = {NULL, 0, 0, -1};
    struct buf raw, cur_id;
    buf_init(&raw);
    buf_init(&cur_id);
    long run = -1;
    const char *key = NULL;
    size_t nan = 0, orphans = 0;
    bool skip = false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *k = (const char *)sqlite3_column_text(st, 1);
        if (!id || !k)
            continue;
        if (!key || strcmp(k, key) != 0 || strcmp(id, cur_id.data) != 0) {
            finish_key(db, skip ? -1 : run, key, &s, raw.data, nan);
            s.n = 0;
            s.best = -1;
            nan = 0;
            buf_reset(&cur_id);
            buf_puts(&cur_id, id);
            key = arena_strdup(db->a, k);
            run = (long)GPOINTER_TO_SIZE(g_hash_table_lookup(db->runs, id)) - 1;
            skip = run < 0 || db->out->runs[run].deleted;
        }
        if (run < 0) {
            orphans++;
            continue;
        }
        if (skip)
            continue;
        if (sqlite3_column_int(st, 5)) {
            nan++;
            continue;
        }
        struct metric_point p = {sqlite3_column_double(st, 2),
                                 sqlite3_column_int64(st, 4),
                                 sqlite3_column_int64(st, 3), 0};
        long before = s.best;
        series_push(&s, p);
        if (s.best != before)
            shortest(&raw, p.value);
    }
    finish_key(db, skip ? -1 : run, key, &s, raw.data, nan);
    if (rc != SQLITE_DONE)
        db_error(db, "cannot read the metrics table");
    if (orphans) {
        struct pos at = {db->path, 0, 0};
        diag_warning(db->d, &at,
                     "%zu metric row%s to no run in the runs table; "
                     "skipped",
                     orphans, orphans == 1 ? " belongs" : "s belong");
    }
    free(s.v);
    buf_release(&raw);
    buf_release(&cur_id);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int
mlflow_load_sqlite(struct arena *a, struct diag *d, const char *path,
                   struct metric_set *out)
{
    struct metrics_mark m = metrics_file_begin(out, d);
    struct pos at = {path, 0, 0};
    char magic[16] = {0};
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return diag_error(d, &at, "cannot open '%s': %s", path,
                          strerror(errno));
    size_t got = fread(magic, 1, sizeof magic, fp);
    fclose(fp);
    if (got == 0)
        return diag_error(d, &at, "file is empty");
    if (got < sizeof magic || memcmp(magic, "SQLite format 3", 16) != 0)
        return diag_error(d, &at, "not an SQLite database");
    struct db db = {a, d, path, NULL, out, NULL};
    char *uri = db_uri(path);
    int rc = sqlite3_open_v2(uri, &db.h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                             NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        db_error(&db, "cannot open the database");
        sqlite3_close(db.h);
        return -1;
    }
    if (!has_tables(&db)) {
        sqlite3_close(db.h);
        return diag_error(d, &at,
                          "not an MLflow tracking database (no 'runs' and "
                          "'metrics' tables)");
    }
    db.runs = g_hash_table_new(g_str_hash, g_str_equal);
    if (load_runs(&db) == 0) {
        load_kv(&db,
                "SELECT run_uuid, key, value FROM tags "
                "ORDER BY run_uuid, key",
                true);
        load_kv(&db,
                "SELECT run_uuid, key, value FROM params "
                "ORDER BY run_uuid, key",
                false);
        for (size_t i = m.nruns; i < out->nruns; i++) {
            bool gone = out->runs[i].deleted;
            settle_name(&out->runs[i]);
            out->runs[i].deleted |= gone;
        }
        load_metrics(&db);
    }
    g_hash_table_destroy(db.runs);
    sqlite3_close(db.h);
    return metrics_file_end(out, d, m, path);
}

/* }======================================================= */

/* {======================================================= run.json */

static const struct node *
export_info(const struct node *root)
{
    const struct node *m = node_get(root, "mlflow");
    const struct node *info = node_get(m ? m : root, "info");
    return info && info->type == NODE_MAP ? info : NULL;
}

bool
mlflow_export_matches(const struct node *root)
{
    const struct node *info = export_info(root);
    return info && (node_get(info, "run_id") || node_get(info, "run_uuid"));
}

/* Params and tags: a mapping (current exports) or a list of {key,
 * value} (older ones). */
static void
export_kv(const struct node *n, struct metric_kvbuf *kv)
{
    if (n && n->type == NODE_MAP) {
        for (size_t i = 0; i < n->n; i++) {
            const struct node *v = n->pairs[i].value;
            if (node_is_scalar(v))
                metrics_kv_add(kv, n->pairs[i].key->str, v->str, v->pos);
        }
    } else if (n && n->type == NODE_SEQ) {
        for (size_t i = 0; i < n->n; i++) {
            const char *k = node_get_str(n->items[i], "key");
            const char *v = node_get_str(n->items[i], "value");
            if (k)
                metrics_kv_add(kv, k, v ? v : "", n->items[i]->pos);
        }
    }
}

/* One point: a number, or {value, timestamp, step}. */
static bool
export_point(struct arena *a, struct diag *d, const char *key,
             const struct node *n, struct metric_point *p,
             const struct node **valn)
{
    const struct node *v = n;
    memset(p, 0, sizeof *p);
    if (n->type == NODE_MAP) {
        v = node_get(n, "value");
        if (!v) {
            diag_warning(d, &n->pos,
                         "point of metric '%s' has no 'value'; "
                         "skipped",
                         key);
            return false;
        }
        const struct node *ts = node_get(n, "timestamp");
        const struct node *st = node_get(n, "step");
        if (ts && ts->type == NODE_INT)
            p->timestamp_ms = ts->v.i;
        if (st && st->type == NODE_INT)
            p->step = st->v.i;
    }
    struct metric_value tmp;
    memset(&tmp, 0, sizeof tmp);
    if (metrics_value_node(a, d, key, v, &tmp) < 0 || !tmp.has_value)
        return false;
    p->value = tmp.value;
    p->line = v->pos.line;
    *valn = v;
    return true;
}

static void
export_metric(struct arena *a, struct diag *d, struct metric_set *out,
              size_t run, const char *key, const struct node *n,
              struct series *s)
{
    const struct node *best = NULL;
    s->n = 0;
    s->best = -1;
    const struct node *const *items = &n;
    size_t count = 1;
    if (n->type == NODE_SEQ) {
        items = (const struct node *const *)n->items;
        count = n->n;
    }
    for (size_t i = 0; i < count; i++) {
        struct metric_point p;
        const struct node *vn;
        if (!export_point(a, d, key, items[i], &p, &vn))
            continue;
        long before = s->best;
        series_push(s, p);
        if (s->best != before)
            best = vn;
    }
    if (s->n && best)
        series_finish(a, out, run, key, s, best->str, best->pos,
                      "mlflow-export");
}

int
mlflow_load_export_node(struct arena *a, struct diag *d,
                        const struct node *root, struct metric_set *out)
{
    const struct node *m = node_get(root, "mlflow");
    if (!m)
        m = root;
    const struct node *info = export_info(root);
    const char *id = nonempty(node_get_str(info, "run_id"));
    if (!id)
        id = nonempty(node_get_str(info, "run_uuid"));
    if (!info || !id) {
        struct pos at = info ? info->pos : root->pos;
        diag_warning(d, &at, "run export has no run id; skipped");
        return 0;
    }
    size_t ri = out->nruns;
    struct metric_run *r = metrics_add_run(out, a);
    r->run_id = id;
    r->run_name = nonempty(node_get_str(info, "run_name"));
    r->experiment_id = node_get_str(info, "experiment_id");
    r->status = status_name(node_get(info, "status"));
    r->lifecycle = node_get_str(info, "lifecycle_stage");
    r->user = nonempty(node_get_str(info, "user_id"));
    r->artifact_uri = nonempty(node_get_str(info, "artifact_uri"));
    r->has_start = node_ms(node_get(info, "start_time"), &r->start_ms);
    r->has_end = node_ms(node_get(info, "end_time"), &r->end_ms);
    r->pos = info->pos;
    r->source = "mlflow-export";
    struct metric_kvbuf kv = {NULL, 0, 0};
    export_kv(node_get(m, "params"), &kv);
    r->params = metrics_kv_finish(&kv, a, &r->nparams);
    export_kv(node_get(m, "tags"), &kv);
    r->tags = metrics_kv_finish(&kv, a, &r->ntags);
    r->experiment =
        metrics_run_tag(r, "mlflow_export_import.metadata.experiment_name");
    settle_name(r);
    if (r->deleted)
        return 0;
    const struct node *metrics = node_get(m, "metrics");
    struct series s = {NULL, 0, 0, -1};
    if (metrics && metrics->type == NODE_MAP) {
        for (size_t i = 0; i < metrics->n; i++)
            export_metric(a, d, out, ri, metrics->pairs[i].key->str,
                          metrics->pairs[i].value, &s);
    } else if (metrics && metrics->type == NODE_SEQ) {
        /* A list of {key, value, timestamp, step}: group by key, in
         * order of first appearance. */
        for (size_t i = 0; i < metrics->n; i++) {
            const char *k = node_get_str(metrics->items[i], "key");
            if (!k) {
                diag_warning(d, &metrics->items[i]->pos,
                             "metric has no 'key'; skipped");
                continue;
            }
            bool seen = false;
            for (size_t j = 0; j < i && !seen; j++) {
                const char *kj = node_get_str(metrics->items[j], "key");
                seen = kj && strcmp(kj, k) == 0;
            }
            if (seen)
                continue;
            struct node group = *metrics;
            group.items = xmalloc(metrics->n * sizeof *group.items);
            group.n = 0;
            for (size_t j = i; j < metrics->n; j++) {
                const char *kj = node_get_str(metrics->items[j], "key");
                if (kj && strcmp(kj, k) == 0)
                    group.items[group.n++] = metrics->items[j];
            }
            export_metric(a, d, out, ri, k, &group, &s);
            free(group.items);
        }
    } else if (metrics) {
        diag_warning(d, &metrics->pos,
                     "'metrics' is %s, not a mapping; skipped",
                     metrics_kind(metrics));
    }
    free(s.v);
    return 0;
}

int
mlflow_load_export(struct arena *a, struct diag *d, const char *path,
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
    if (!mlflow_export_matches(root))
        return diag_error(d, &root->pos,
                          "not an MLflow run export (no 'info' with a "
                          "run_id)");
    mlflow_load_export_node(a, d, root, out);
    return metrics_file_end(out, d, m, path);
}

/* }======================================================= */

/* {======================================================= search_runs */

static bool
is_col(const struct csv_field *f, const char *name)
{
    return strlen(name) == f->len && memcmp(f->s, name, f->len) == 0;
}

static bool
has_prefix(const struct csv_field *f, const char *pre)
{
    size_t n = strlen(pre);
    return f->len > n && memcmp(f->s, pre, n) == 0;
}

bool
mlflow_csv_matches(const struct csv_table *t)
{
    if (t->nrows == 0)
        return false;
    const struct csv_row *h = &t->rows[0];
    bool id = false, metric = false;
    for (size_t i = 0; i < h->n; i++) {
        id |= is_col(&h->fields[i], "run_id");
        metric |= has_prefix(&h->fields[i], "metrics.");
    }
    return id && metric;
}

static const char *
cell(struct arena *a, const struct csv_row *r, long c)
{
    if (c < 0 || !r->fields[c].len)
        return NULL;
    return arena_strndup(a, r->fields[c].s, r->fields[c].len);
}

static void
csv_time(struct diag *d, const char *path, const struct csv_row *r, long c,
         const char *what, long long *ms, bool *has)
{
    if (c < 0 || !r->fields[c].len)
        return;
    const struct csv_field *f = &r->fields[c];
    if (metrics_parse_time(f->s, ms) == 0) {
        *has = true;
        return;
    }
    struct pos at = {path, f->line, f->col};
    diag_warning(d, &at, "%s '%s' is not a time; ignored", what, f->s);
}

int
mlflow_load_csv(struct arena *a, struct diag *d, const struct csv_table *t,
                struct metric_set *out)
{
    const struct csv_row *h = &t->rows[0];
    long c_id = -1, c_exp = -1, c_status = -1, c_uri = -1, c_start = -1,
         c_end = -1, c_life = -1, c_name = -1;
    for (size_t i = 0; i < h->n; i++) {
        const struct csv_field *f = &h->fields[i];
        if (is_col(f, "run_id"))
            c_id = (long)i;
        else if (is_col(f, "experiment_id"))
            c_exp = (long)i;
        else if (is_col(f, "status"))
            c_status = (long)i;
        else if (is_col(f, "artifact_uri"))
            c_uri = (long)i;
        else if (is_col(f, "start_time"))
            c_start = (long)i;
        else if (is_col(f, "end_time"))
            c_end = (long)i;
        else if (is_col(f, "lifecycle_stage"))
            c_life = (long)i;
        else if (is_col(f, "run_name"))
            c_name = (long)i;
    }
    for (size_t ri = 1; ri < t->nrows; ri++) {
        const struct csv_row *r = &t->rows[ri];
        if (r->n != h->n) {
            unsigned col = r->n > h->n ? r->fields[h->n].col : r->end_col;
            struct pos at = {t->path, r->line, col};
            diag_warning(d, &at, "row has %zu fields; the header has %zu", r->n,
                         h->n);
            continue;
        }
        const char *id = cell(a, r, c_id);
        if (!id) {
            struct pos at = {t->path, r->line, r->fields[c_id].col};
            diag_warning(d, &at, "row has no run_id; skipped");
            continue;
        }
        size_t run = out->nruns;
        struct metric_run *run_p = metrics_add_run(out, a);
        run_p->run_id = id;
        run_p->run_name = cell(a, r, c_name);
        run_p->experiment_id = cell(a, r, c_exp);
        run_p->status = cell(a, r, c_status);
        run_p->artifact_uri = cell(a, r, c_uri);
        run_p->lifecycle = cell(a, r, c_life);
        run_p->pos = (struct pos){t->path, r->line, 1};
        run_p->source = "mlflow-csv";
        csv_time(d, t->path, r, c_start, "start_time", &run_p->start_ms,
                 &run_p->has_start);
        csv_time(d, t->path, r, c_end, "end_time", &run_p->end_ms,
                 &run_p->has_end);
        struct metric_kvbuf params = {NULL, 0, 0}, tags = {NULL, 0, 0};
        for (size_t i = 0; i < h->n; i++) {
            const struct csv_field *hf = &h->fields[i], *f = &r->fields[i];
            struct pos at = {t->path, f->line, f->col};
            /* An empty cell is a key this run never logged. */
            if (!f->len)
                continue;
            if (has_prefix(hf, "params."))
                metrics_kv_add(&params, arena_strdup(a, hf->s + 7),
                               arena_strndup(a, f->s, f->len), at);
            else if (has_prefix(hf, "tags."))
                metrics_kv_add(&tags, arena_strdup(a, hf->s + 5),
                               arena_strndup(a, f->s, f->len), at);
        }
        run_p->params = metrics_kv_finish(&params, a, &run_p->nparams);
        run_p->tags = metrics_kv_finish(&tags, a, &run_p->ntags);
        settle_name(run_p);
        if (run_p->deleted)
            continue;
        for (size_t i = 0; i < h->n; i++) {
            const struct csv_field *hf = &h->fields[i], *f = &r->fields[i];
            if (!has_prefix(hf, "metrics.") || !f->len)
                continue;
            struct metric_value v;
            memset(&v, 0, sizeof v);
            v.metric = arena_strdup(a, hf->s + 8);
            v.pos = (struct pos){t->path, f->line, f->col};
            int keep =
                metrics_value_text(a, d, &v.pos, v.metric, f->s, f->len, &v);
            if (keep < 0)
                continue;
            v.run_id = out->runs[run].run_id;
            v.run_name = out->runs[run].run_name;
            v.source = "mlflow-csv";
            *metrics_add_value(out, a) = v;
            out->runs[run].nvalues++;
        }
    }
    return 0;
}

/* }======================================================= */
