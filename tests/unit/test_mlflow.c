/* test_mlflow: the real MLflow inputs, value by value, and our own
 * stores for the cases the real ones do not show. */
#include "helpers.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "json.h"
#include "mlflow.h"

static const struct metric_run *
run(struct fx *f, const char *id)
{
    const struct metric_run *r = metrics_find_run(&f->s, id);
    assert_non_null(r);
    return r;
}

static const struct metric_value *
value(struct fx *f, const char *run_id, const char *metric)
{
    for (size_t i = 0; i < f->s.nvalues; i++) {
        const struct metric_value *v = &f->s.values[i];
        if (v->run_id && strcmp(v->run_id, run_id) == 0 &&
            strcmp(v->metric, metric) == 0)
            return v;
    }
    fail_msg("no value %s of run %s", metric, run_id);
    return NULL;
}

/* {======================================================= real inputs */

static void
test_real_file_store(void **state)
{
    struct fx *f = *state;
    const char *dir = real_input(f, "mlflow/getting-started-mlflow/mlruns");
    assert_int_equal(mlflow_load_store(f->a, &f->d, dir, &f->s), 0);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(f->s.nruns, 3);
    assert_int_equal(f->s.nvalues, 20);

    /* Keras autolog: 20 epochs; the current value is the last step */
    const struct metric_run *r = run(f, "0b4f812cc9b84a278a946271d0999f6c");
    assert_string_equal(r->experiment, "Default");
    assert_string_equal(r->experiment_id, "0");
    assert_string_equal(r->status, "FINISHED");
    assert_string_equal(r->lifecycle, "active");
    assert_string_equal(r->user, "Evan");
    assert_null(r->run_name); /* name '' and no mlflow.runName tag */
    assert_false(r->deleted);
    assert_true(r->has_start && r->start_ms == 1660777973021LL);
    assert_true(r->has_end && r->end_ms == 1660777997846LL);
    assert_int_equal(r->nparams, 21);
    assert_int_equal(r->ntags, 6);
    assert_int_equal(r->nvalues, 4);
    assert_string_equal(metrics_run_param(r, "opt_name"), "Adam");
    assert_string_equal(metrics_run_param(r, "epochs"), "20");
    assert_string_equal(metrics_run_tag(r, "mlflow.autologging"), "tensorflow");
    const struct metric_value *v =
        value(f, "0b4f812cc9b84a278a946271d0999f6c", "val_loss");
    assert_float(v->value, 1.4329770803451538);
    assert_string_equal(v->raw, "1.4329770803451538");
    assert_true(v->has_step && v->step == 19);
    assert_true(v->timestamp_ms == 1660777992443LL);
    assert_int_equal(v->nhistory, 20);
    assert_float(v->history[0].value, 1.1891027688980103);
    assert_int_equal(v->history[0].line, 1);
    for (size_t i = 0; i < v->nhistory; i++)
        assert_true(v->history[i].step == (long long)i);
    assert_string_equal(v->source, "mlflow-file");
    assert_int_equal(v->pos.line, 20);
    assert_int_equal(v->pos.col, 15);
    assert_non_null(strstr(v->pos.path, "/metrics/val_loss"));
    v = value(f, "0b4f812cc9b84a278a946271d0999f6c", "accuracy");
    assert_float(v->value, 0.9540776014328003);

    /* ElasticNet: single points, a negative r2 */
    v = value(f, "188877c9ba77404b8457ac3ef128a5f1", "r2");
    assert_float(v->value, -0.00041576878319316);
    assert_string_equal(v->raw, "-0.00041576878319316");
    assert_int_equal(v->nhistory, 1);
    assert_string_equal(
        metrics_run_param(run(f, "188877c9ba77404b8457ac3ef128a5f1"), "alpha"),
        "7.0");

    /* mlflow.evaluate: integer counts, no params folder */
    r = run(f, "7dd9da7d7c66425e8a6dc223ea396080");
    assert_int_equal(r->nparams, 0);
    assert_int_equal(r->nvalues, 13);
    v = value(f, "7dd9da7d7c66425e8a6dc223ea396080",
              "example_count_on_data_adult");
    assert_float(v->value, 6513);
    assert_string_equal(v->raw, "6513");
    v = value(f, "7dd9da7d7c66425e8a6dc223ea396080", "roc_auc_on_data_adult");
    assert_float(v->value, 0.929072273380765);
}

static void
test_real_sqlite_store(void **state)
{
    struct fx *f = *state;
    const char *db = real_input(f, "mlflow-sqlite/Pooyash1998_Toy_sft.db");
    assert_int_equal(mlflow_load_sqlite(f->a, &f->d, db, &f->s), 0);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(f->s.nruns, 30);
    size_t deleted = 0, points = 0;
    for (size_t i = 0; i < f->s.nruns; i++) {
        const struct metric_run *r = &f->s.runs[i];
        deleted += r->deleted;
        assert_string_equal(r->experiment, "granite-350M-sft");
        /* deleted runs are listed but contribute no current values */
        if (r->deleted)
            assert_int_equal(r->nvalues, 0);
        assert_string_equal(r->run_name, metrics_run_tag(r, "mlflow.runName"));
    }
    assert_int_equal(deleted, 3);
    assert_true(run(f, "8ab12bf1125940f7b1e24e5dcf985516")->deleted);
    assert_string_equal(run(f, "c8d630dfb4ac4cdfb45c92c7d0324c98")->status,
                        "FAILED");
    /* 141 latest_metrics rows, 24 of them of deleted runs */
    assert_int_equal(f->s.nvalues, 117);
    for (size_t i = 0; i < f->s.nvalues; i++)
        points += f->s.values[i].nhistory;
    /* 5,821 metric rows, 1,599 of them of deleted runs */
    assert_int_equal(points, 4222);

    /* lm-eval logs acc_none 62 times at step 0: the last by timestamp */
    const struct metric_value *v =
        value(f, "6304fc965a7a48228f5408e6b1877858", "acc_none");
    /* SQLite shows 15 digits; the stored double needs more */
    assert_near(v->value, 0.337772397094431);
    assert_float(strtod(v->raw, NULL), v->value);
    assert_true(v->step == 0 && v->timestamp_ms == 1781617738947LL);
    assert_int_equal(v->nhistory, 62);
    assert_float(v->history[0].value, 0.31);
    assert_string_equal(v->run_name,
                        "lm-eval-exp1-baseline-mmlu-20260616-154856");
    assert_string_equal(v->source, "mlflow-sqlite");
    assert_string_equal(
        metrics_run_param(run(f, "6304fc965a7a48228f5408e6b1877858"), "task"),
        "mmlu");

    /* LoRA fine-tuning: a history every 10 steps */
    v = value(f, "5c9b41846859455c84109e65e8fdb74d", "loss");
    assert_int_equal(v->nhistory, 62);
    assert_true(v->step == 620);
    assert_near(v->value, 1.86561374664307);
    assert_true(v->history[0].step == 10);
    v = value(f, "5c9b41846859455c84109e65e8fdb74d", "total_flos");
    assert_float(v->value, 3.3929374316544e+15);
    assert_string_equal(v->raw, "3.3929374316544e+15");
    assert_int_equal(run(f, "5c9b41846859455c84109e65e8fdb74d")->nparams, 97);
}

/* What we call current must be what MLflow stored as latest. */
static void
test_real_sqlite_matches_latest_metrics(void **state)
{
    struct fx *f = *state;
    const char *db = real_input(f, "mlflow-sqlite/Pooyash1998_Toy_sft.db");
    assert_int_equal(mlflow_load_sqlite(f->a, &f->d, db, &f->s), 0);
    sqlite3 *h;
    char *uri = arena_printf(f->a, "file:%s?mode=ro&immutable=1", db);
    assert_int_equal(
        sqlite3_open_v2(uri, &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL),
        SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(h,
                           "SELECT l.run_uuid, l.key, l.value, l.step, "
                           "l.timestamp FROM latest_metrics l JOIN runs r "
                           "USING (run_uuid) WHERE r.lifecycle_stage = "
                           "'active'",
                           -1, &st, NULL),
        SQLITE_OK);
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const struct metric_value *v =
            value(f, (const char *)sqlite3_column_text(st, 0),
                  (const char *)sqlite3_column_text(st, 1));
        assert_float(v->value, sqlite3_column_double(st, 2));
        assert_true(v->step == sqlite3_column_int64(st, 3));
        assert_true(v->timestamp_ms == sqlite3_column_int64(st, 4));
        n++;
    }
    assert_int_equal(n, 117);
    sqlite3_finalize(st);
    sqlite3_close(h);
}

static void
test_real_search_runs_csv(void **state)
{
    struct fx *f = *state;
    const char *p = real_input(f, "mlflow/runs_export_search_runs_taxi.csv");
    assert_int_equal(metrics_load_path(f->a, &f->d, p, &f->s), 0);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(f->s.nruns, 2);
    assert_int_equal(f->s.nvalues, 14);
    const struct metric_run *r = run(f, "125f3972d83b4899b0e88c81caa129d9");
    /* the run name is only in the tags.mlflow.runName column */
    assert_string_equal(r->run_name, "silent-gull-111");
    assert_string_equal(r->status, "FINISHED");
    assert_string_equal(r->experiment_id, "0");
    assert_true(r->has_start && r->start_ms == 1779701468198LL);
    assert_true(r->has_end && r->end_ms == 1779701531295LL);
    assert_int_equal(r->nparams, 19);
    assert_int_equal(r->ntags, 8);
    assert_string_equal(metrics_run_param(r, "n_estimators"), "100");
    assert_string_equal(metrics_run_tag(r, "estimator_name"),
                        "RandomForestClassifier");
    /* an empty cell is a tag the run never set */
    r = run(f, "f2f198e6c17747aa82585112a50079a9");
    assert_int_equal(r->ntags, 7);
    assert_null(metrics_run_tag(r, "mlflow.autologging"));
    const struct metric_value *v =
        value(f, "125f3972d83b4899b0e88c81caa129d9", "training_roc_auc");
    assert_float(v->value, 0.9999982783106373);
    assert_string_equal(v->run_name, "silent-gull-111");
    assert_string_equal(v->source, "mlflow-csv");
    assert_int_equal(v->pos.line, 2);
    assert_int_equal(v->pos.col, 284);
    assert_false(v->has_step);
}

static void
test_real_export_run_json(void **state)
{
    struct fx *f = *state;
    const char *p = real_input(f, "mlflow/export-import/run.json");
    assert_int_equal(mlflow_load_export(f->a, &f->d, p, &f->s), 0);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(f->s.nruns, 1);
    const struct metric_run *r = run(f, "8a6af43e756f433da7a90fd6b4e49c3a");
    assert_string_equal(r->run_name, "silent-dog-788");
    assert_string_equal(r->experiment, "sklearn_iris");
    assert_string_equal(r->experiment_id, "2");
    assert_string_equal(r->user, "andre");
    assert_true(r->start_ms == 1670301595769LL);
    assert_int_equal(r->nparams, 1);
    assert_string_equal(metrics_run_param(r, "max_depth"), "5");
    assert_int_equal(r->ntags, 31);
    assert_string_equal(metrics_run_tag(r, "int"), "123");
    assert_int_equal(f->s.nvalues, 2);
    const struct metric_value *v =
        value(f, "8a6af43e756f433da7a90fd6b4e49c3a", "accuracy_score");
    assert_float(v->value, 0.9333333333333333);
    assert_true(v->timestamp_ms == 1670301595838LL && v->step == 0);
    assert_int_equal(v->pos.line, 27);
    assert_int_equal(v->pos.col, 20);
    v = value(f, "8a6af43e756f433da7a90fd6b4e49c3a", "zero_one_loss");
    assert_float(v->value, 0.06666666666666665);
    /* the folder holding run.json is detected as an export too */
    metrics_set_init(&f->s);
    assert_int_equal(metrics_load_path(f->a, &f->d,
                                       real_input(f, "mlflow/export-import"),
                                       &f->s),
                     0);
    assert_int_equal(f->s.nvalues, 2);
}

/* }======================================================= */

/* {======================================================= our stores */

static void
test_own_file_store(void **state)
{
    struct fx *f = *state;
    assert_int_equal(metrics_load_path(f->a, &f->d, "fixtures/metrics/mlruns", &f->s),
                     0);
    assert_int_equal(f->d.n, 0);
    /* runs 1-5 in experiment 1, run 6 in the deleted experiment 2; the
     * registry (models/), .trash and the experiment's tags/ are not runs */
    assert_int_equal(f->s.nruns, 6);
    const struct metric_run *r = run(f, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa0001");
    assert_string_equal(r->run_name, "1.0");
    assert_string_equal(metrics_run_param(r, "note"), "line one\nline two\n");
    assert_true(run(f, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa0003")->deleted);
    assert_int_equal(run(f, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa0003")->nvalues, 0);
    assert_true(run(f, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa0006")->deleted);
    assert_string_equal(run(f, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa0006")->experiment,
                        "old");
    assert_int_equal(f->s.nvalues, 5);

    /* last by step, then timestamp: step 2 at 300, not step 1 at 400 */
    const struct metric_value *v =
        value(f, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa0001", "auc");
    assert_float(v->value, 0.90);
    assert_string_equal(v->raw, "0.90");
    assert_true(v->step == 2 && v->timestamp_ms == 300);
    assert_int_equal(v->pos.line, 3);
    assert_int_equal(v->nhistory, 5);
    long long steps[] = {0, 1, 1, 2, 2}, ts[] = {100, 200, 400, 250, 300};
    for (size_t i = 0; i < 5; i++) {
        assert_true(v->history[i].step == steps[i]);
        assert_true(v->history[i].timestamp_ms == ts[i]);
    }
    /* the old two-field format: step 0 */
    v = value(f, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa0001", "loss");
    assert_float(v->value, 0.4);
    assert_true(v->step == 0);
    /* a key with '/' is a folder in the store */
    v = value(f, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa0004", "train/loss");
    assert_float(v->value, 0.3);
    assert_true(v->step == 10);
}

static void
exec(sqlite3 *h, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s", err);
}

/* A small MLflow-shaped database, written where the test can. */
static char *
make_db(char *dir)
{
    assert_non_null(mkdtemp(dir));
    /* characters that mean something in a URI must survive */
    char *path = file_join(dir, "odd name?#%.db");
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    exec(h, "CREATE TABLE experiments (experiment_id INTEGER, name TEXT, "
            "lifecycle_stage TEXT);"
            "CREATE TABLE runs (run_uuid TEXT, name TEXT, status TEXT, "
            "start_time BIGINT, end_time BIGINT, lifecycle_stage TEXT, "
            "experiment_id INTEGER, user_id TEXT, artifact_uri TEXT);"
            "CREATE TABLE metrics (key TEXT, value FLOAT, timestamp BIGINT, "
            "run_uuid TEXT, step BIGINT, is_nan BOOLEAN);"
            "CREATE TABLE tags (key TEXT, value TEXT, run_uuid TEXT);"
            "CREATE TABLE params (key TEXT, value TEXT, run_uuid TEXT);"
            "INSERT INTO experiments VALUES (1, 'live', 'active'),"
            " (2, 'gone', 'deleted');"
            "INSERT INTO runs VALUES"
            " ('r1', '', 'FINISHED', 100, 200, 'active', 1, 'u', NULL),"
            " ('r2', 'in-gone', 'FINISHED', 300, NULL, 'active', 2, 'u',"
            "  NULL),"
            " ('r3', 'trashed', 'KILLED', 400, 500, 'deleted', 1, 'u', NULL);"
            "INSERT INTO tags VALUES ('mlflow.runName', 'named-by-tag', 'r1'),"
            " ('version', '4.0', 'r1');"
            "INSERT INTO params VALUES ('lr', '0.1', 'r1');"
            "INSERT INTO metrics VALUES"
            " ('loss', 0.5, 10, 'r1', 0, 0), ('loss', 0.7, 10, 'r1', 0, 0),"
            " ('loss', 0, 20, 'r1', 1, 1), ('loss', 0, 30, 'r1', 2, 1),"
            " ('acc', 0.8, 5, 'r1', 0, 0),"
            " ('acc', 0.9, 5, 'r2', 0, 0), ('acc', 0.95, 5, 'r3', 0, 0),"
            " ('acc', 0.1, 5, 'nobody', 0, 0);");
    sqlite3_close(h);
    return path;
}

static void
test_own_sqlite_store(void **state)
{
    struct fx *f = *state;
    char dir[] = "/tmp/metrics-test-XXXXXX";
    char *path = make_db(dir);
    struct stat before, after;
    assert_int_equal(stat(path, &before), 0);
    assert_int_equal(mlflow_load_sqlite(f->a, &f->d, path, &f->s), 0);
    assert_int_equal(stat(path, &after), 0);
    /* read-only: the file is untouched and no journal was left behind */
    assert_true(before.st_mtime == after.st_mtime);
    char *wal = arena_printf(f->a, "%s-wal", path);
    char *journal = arena_printf(f->a, "%s-journal", path);
    assert_false(file_exists(wal) || file_exists(journal));

    assert_int_equal(f->s.nruns, 3);
    const struct metric_run *r = run(f, "r1");
    assert_string_equal(r->run_name, "named-by-tag");
    assert_string_equal(r->experiment, "live");
    assert_string_equal(metrics_run_param(r, "lr"), "0.1");
    assert_true(run(f, "r2")->deleted); /* its experiment is deleted */
    assert_true(run(f, "r3")->deleted);
    assert_int_equal(f->s.nvalues, 2);
    /* same step and timestamp: the larger value, as MLflow decides */
    const struct metric_value *v = value(f, "r1", "loss");
    assert_float(v->value, 0.7);
    assert_int_equal(v->nhistory, 2);
    char *t = diag_text(&f->d);
    char *want = arena_printf(
        f->a,
        "%s: warning: 2 NaN values of metric 'loss' in run 'named-by-tag' "
        "skipped\n"
        "%s: warning: 1 metric row belongs to no run in the runs table; "
        "skipped\n",
        path, path);
    assert_string_equal(t, want);
    free(t);
    struct metrics_release rel[] = {{"4.0", NULL, {"r", 1, 1}}};
    assert_int_equal(metrics_assign_versions(&f->s, &f->d, rel, 1), 0);
    assert_string_equal(value(f, "r1", "acc")->version, "4.0");
    file_remove_tree(dir);
    free(path);
}

static void
test_not_mlflow_database(void **state)
{
    struct fx *f = *state;
    char dir[] = "/tmp/metrics-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = file_join(dir, "other.db");
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    exec(h, "CREATE TABLE things (x);");
    sqlite3_close(h);
    assert_int_equal(mlflow_load_sqlite(f->a, &f->d, path, &f->s), -1);
    char *t = diag_text(&f->d);
    char *want = arena_printf(f->a,
                              "%s: error: not an MLflow tracking database "
                              "(no 'runs' and 'metrics' tables)\n",
                              path);
    assert_string_equal(t, want);
    free(t);
    file_remove_tree(dir);
    free(path);
}

static void
test_own_export_old_layout(void **state)
{
    struct fx *f = *state;
    assert_int_equal(
        metrics_load_path(f->a, &f->d, "fixtures/metrics/export-old", &f->s), 0);
    const struct metric_run *r = run(f, "bbbbbbbbbbbbbbbbbbbbbbbbbbbb0001");
    /* the emoji were written as UTF-16 surrogate pairs */
    assert_string_equal(r->run_name, "rocket \xF0\x9F\x9A\x80 run "
                                     "\xF0\x9F\x98\x80");
    assert_false(r->has_end); /* end_time: null */
    assert_int_equal(r->nparams, 2);
    assert_string_equal(metrics_run_param(r, "seed"), "42");
    assert_int_equal(f->s.nvalues, 2);
    const struct metric_value *v =
        value(f, "bbbbbbbbbbbbbbbbbbbbbbbbbbbb0001", "f1");
    assert_float(v->value, 0.7);
    assert_true(v->step == 2);
    assert_int_equal(v->nhistory, 3);
    assert_true(v->history[1].step == 1); /* sorted by step */
    v = value(f, "bbbbbbbbbbbbbbbbbbbbbbbbbbbb0001", "auc");
    assert_float(v->value, 0.93);
    char *t = diag_text(&f->d);
    assert_string_equal(t, "fixtures/metrics/export-old/run.json:22:13: warning: "
                           "value 'NaN' of metric 'loss' is not finite; "
                           "skipped\n");
    free(t);
}

static void
test_own_search_runs_csv(void **state)
{
    struct fx *f = *state;
    assert_int_equal(
        metrics_load_path(f->a, &f->d, "fixtures/metrics/search_runs_index.csv", &f->s),
        0);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(f->s.nruns, 2);
    const struct metric_run *r = run(f, "1111aaaa2222bbbb3333cccc4444dddd");
    assert_string_equal(r->run_name, "baseline");
    assert_true(r->start_ms == 1700000000000LL);
    assert_string_equal(metrics_run_tag(r, "version"), "1.0");
    const struct metric_value *v =
        value(f, "1111aaaa2222bbbb3333cccc4444dddd", "acc");
    assert_true(v->percent);
    assert_float(v->value, 25.59);
    assert_string_equal(v->raw, "25.59%");
    r = run(f, "5555eeee6666ffff7777aaaa8888bbbb");
    assert_string_equal(r->run_name, "tuned, v2");
    assert_string_equal(r->status, "FAILED");
    assert_true(r->start_ms == 1704161045500LL);
    assert_false(r->has_end);
    assert_int_equal(r->nvalues, 1);
    v = value(f, "5555eeee6666ffff7777aaaa8888bbbb", "acc");
    assert_float(v->value, 0.97);
    struct metrics_release rel[] = {{"1.0", NULL, {"r", 1, 1}}};
    assert_int_equal(metrics_assign_versions(&f->s, &f->d, rel, 1), 0);
    assert_string_equal(run(f, "1111aaaa2222bbbb3333cccc4444dddd")->version,
                        "1.0");
}

static void
test_export_metric_list(void **state)
{
    struct fx *f = *state;
    /* metrics as a list of {key, value, timestamp, step}, grouped by key
     * in order of first appearance; a deleted run loads no values */
    const char *src =
        "{\"info\": {\"run_uuid\": \"cc01\", \"run_name\": \"x\"},\n"
        " \"params\": {\"a\": \"1\"},\n"
        " \"metrics\": [\n"
        "  {\"key\": \"loss\", \"value\": 0.9, \"timestamp\": 1, "
        "\"step\": 0},\n"
        "  {\"key\": \"acc\", \"value\": 0.5, \"timestamp\": 1, "
        "\"step\": 0},\n"
        "  {\"key\": \"loss\", \"value\": 0.4, \"timestamp\": 2, "
        "\"step\": 1},\n"
        "  {\"value\": 1}]}\n";
    struct node *root;
    assert_int_equal(json_parse(f->a, &f->d, "l.json", src, strlen(src), &root),
                     0);
    assert_true(mlflow_export_matches(root));
    assert_int_equal(mlflow_load_export_node(f->a, &f->d, root, &f->s), 0);
    assert_int_equal(f->s.nvalues, 2);
    assert_string_equal(f->s.values[0].metric, "loss");
    assert_float(f->s.values[0].value, 0.4);
    assert_int_equal(f->s.values[0].nhistory, 2);
    assert_int_equal(f->s.values[0].pos.line, 6);
    assert_string_equal(f->s.values[1].metric, "acc");
    assert_string_equal(run(f, "cc01")->run_name, "x");
    char *t = diag_text(&f->d);
    assert_string_equal(t, "l.json:7:3: warning: metric has no 'key'; "
                           "skipped\n");
    free(t);
    const char *gone = "{\"info\": {\"run_id\": \"cc02\", "
                       "\"lifecycle_stage\": \"deleted\"}, "
                       "\"metrics\": {\"auc\": 0.5}}";
    assert_int_equal(
        json_parse(f->a, &f->d, "g.json", gone, strlen(gone), &root), 0);
    assert_int_equal(mlflow_load_export_node(f->a, &f->d, root, &f->s), 0);
    assert_true(run(f, "cc02")->deleted);
    assert_int_equal(f->s.nvalues, 2);
    assert_false(mlflow_is_store("fixtures/metrics/card"));
    assert_true(mlflow_is_store("fixtures/metrics/mlruns"));
}

/* }======================================================= */

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_real_file_store, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_real_sqlite_store, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_real_sqlite_matches_latest_metrics,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_real_search_runs_csv, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_real_export_run_json, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_own_file_store, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_own_sqlite_store, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_not_mlflow_database, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_own_export_old_layout, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_own_search_runs_csv, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_export_metric_list, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests_name("mlflow", tests, NULL, NULL);
}
