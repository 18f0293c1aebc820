/* test_metrics: numbers as written, times, the run-to-release rule, the
 * folder walk and JSON through the YAML parser. */
#include "helpers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "yml.h"

static enum metrics_num
num(const char *s, double *v, bool *pct)
{
    return metrics_parse_number(s, strlen(s), v, pct);
}

static void
test_parse_number(void **state)
{
    (void)state;
    double v = -1;
    bool pct = true;
    assert_int_equal(num("0.97", &v, &pct), METRICS_NUM_OK);
    assert_float(v, 0.97);
    assert_false(pct);
    assert_int_equal(num(" 0.97\t", &v, &pct), METRICS_NUM_OK);
    assert_float(v, 0.97);
    assert_int_equal(num("25.59%", &v, &pct), METRICS_NUM_OK);
    assert_float(v, 25.59);
    assert_true(pct);
    assert_int_equal(num("25.59 %", &v, &pct), METRICS_NUM_OK);
    assert_true(pct);
    assert_int_equal(num("-1.5e-3", &v, &pct), METRICS_NUM_OK);
    assert_float(v, -1.5e-3);
    assert_int_equal(num(".5", &v, &pct), METRICS_NUM_OK);
    assert_int_equal(num("5.", &v, &pct), METRICS_NUM_OK);
    assert_int_equal(num("+7", &v, &pct), METRICS_NUM_OK);
    assert_float(v, 7);
    const char *missing[] = {"",     "  ",  "NA",
                             "n/a",  "N/A", "null",
                             "None", "-",   "[More Information Needed]"};
    for (size_t i = 0; i < sizeof missing / sizeof *missing; i++)
        assert_int_equal(num(missing[i], &v, &pct), METRICS_NUM_MISSING);
    const char *nonfinite[] = {"NaN",  "nan",   "-inf",  "Infinity",
                               ".inf", "1e999", "-1e400"};
    for (size_t i = 0; i < sizeof nonfinite / sizeof *nonfinite; i++)
        assert_int_equal(num(nonfinite[i], &v, &pct), METRICS_NUM_NONFINITE);
    const char *invalid[] = {"abc", "0x10",  "1,234", "0,97",  "%",
                             "1e",  "1.2.3", "TBD",   "12abc", "--1"};
    for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
        assert_int_equal(num(invalid[i], &v, &pct), METRICS_NUM_INVALID);
}

static void
test_value_text_messages(void **state)
{
    struct fx *f = *state;
    struct pos at = {"x.csv", 3, 7};
    struct metric_value v;
    memset(&v, 0, sizeof v);
    assert_int_equal(
        metrics_value_text(f->a, &f->d, &at, "auc", "25.59%", 6, &v), 0);
    assert_true(v.has_value && v.percent);
    assert_string_equal(v.raw, "25.59%");
    memset(&v, 0, sizeof v);
    assert_int_equal(metrics_value_text(f->a, &f->d, &at, "auc", "NA", 2, &v),
                     0);
    assert_false(v.has_value);
    assert_string_equal(v.raw, "NA");
    assert_int_equal(metrics_value_text(f->a, &f->d, &at, "auc", "", 0, &v), 0);
    assert_int_equal(metrics_value_text(f->a, &f->d, &at, "auc", "NaN", 3, &v),
                     -1);
    assert_int_equal(metrics_value_text(f->a, &f->d, &at, "auc", "high", 4, &v),
                     -1);
    char *t = diag_text(&f->d);
    assert_string_equal(
        t, "x.csv:3:7: warning: metric 'auc' has no value ('NA')\n"
           "x.csv:3:7: warning: metric 'auc' has no value (empty)\n"
           "x.csv:3:7: warning: value 'NaN' of metric 'auc' is not finite; "
           "skipped\n"
           "x.csv:3:7: warning: value 'high' of metric 'auc' is not a "
           "number; skipped\n");
    free(t);
}

static void
test_value_node_kinds(void **state)
{
    struct fx *f = *state;
    const char *src = "{a: 1, b: 0.5, c: '0.97', d: null, e: true, f: {x: 1},"
                      " g: [1], h: .nan, i: 1e400, j: \"12%\"}";
    struct node *root;
    assert_int_equal(
        yml_parse(f->a, &f->d, "v.yaml", src, strlen(src), 1, &root), 0);
    struct metric_value v;
    const char *keep[] = {"a", "b", "c", "d", "j"};
    for (size_t i = 0; i < 5; i++) {
        memset(&v, 0, sizeof v);
        assert_int_equal(metrics_value_node(f->a, &f->d, keep[i],
                                            node_get(root, keep[i]), &v),
                         0);
    }
    assert_true(v.percent);
    assert_float(v.value, 12);
    const char *skip[] = {"e", "f", "g", "h", "i"};
    for (size_t i = 0; i < 5; i++) {
        memset(&v, 0, sizeof v);
        assert_int_equal(metrics_value_node(f->a, &f->d, skip[i],
                                            node_get(root, skip[i]), &v),
                         -1);
    }
    char *t = diag_text(&f->d);
    assert_string_equal(
        t, "v.yaml:1:30: warning: metric 'd' has no value (null)\n"
           "v.yaml:1:39: warning: value 'true' of metric 'e' is not a "
           "number; skipped\n"
           "v.yaml:1:48: warning: value of metric 'f' is a mapping, not a "
           "number; skipped\n"
           "v.yaml:1:59: warning: value of metric 'g' is a list, not a "
           "number; skipped\n"
           "v.yaml:1:67: warning: value '.nan' of metric 'h' is not finite; "
           "skipped\n"
           "v.yaml:1:76: warning: value '1e400' of metric 'i' is not "
           "finite; skipped\n");
    free(t);
}

static void
test_parse_time(void **state)
{
    (void)state;
    long long ms = 0;
    assert_int_equal(metrics_parse_time("1660777973021", &ms), 0);
    assert_true(ms == 1660777973021LL);
    assert_int_equal(metrics_parse_time("1970-01-02", &ms), 0);
    assert_true(ms == 86400000LL);
    assert_int_equal(
        metrics_parse_time("2026-05-25 09:31:08.198000+00:00", &ms), 0);
    assert_true(ms == 1779701468198LL);
    assert_int_equal(metrics_parse_time("2025-01-15T10:30:00Z", &ms), 0);
    assert_true(ms == 1736937000000LL);
    assert_int_equal(metrics_parse_time("2024-01-02T03:04:05.5+01:00", &ms), 0);
    assert_true(ms == 1704161045500LL);
    assert_int_equal(metrics_parse_time("yesterday", &ms), -1);
    assert_int_equal(metrics_parse_time("2024-13-01", &ms), -1);
    assert_int_equal(metrics_parse_time("2024-01-01T25:00", &ms), -1);
    assert_int_equal(metrics_parse_time("12abc", &ms), -1);
}

/* A set of runs made by hand for the release rule. */
static void
add_run(struct fx *f, const char *id, const char *name, const char *version,
        long long start, bool deleted)
{
    struct metric_run *r = metrics_add_run(&f->s, f->a);
    r->run_id = id;
    r->run_name = name;
    r->start_ms = start;
    r->has_start = true;
    r->deleted = deleted;
    r->pos = (struct pos){arena_printf(f->a, "runs/%s", id), 1, 1};
    if (version) {
        struct metric_kv *kv = arena_alloc(f->a, sizeof *kv);
        kv->key = "version";
        kv->value = version;
        r->tags = kv;
        r->ntags = 1;
    }
    struct metric_value *v = metrics_add_value(&f->s, f->a);
    v->run_id = id;
    v->metric = "auc";
    v->source = "mlflow-file";
}

static const char *
version_of(struct fx *f, const char *id)
{
    const struct metric_run *r = metrics_find_run(&f->s, id);
    for (size_t i = 0; i < f->s.nvalues; i++)
        if (strcmp(f->s.values[i].run_id, id) == 0)
            assert_ptr_equal(f->s.values[i].version, r->version);
    return r->version;
}

static void
test_versions_precedence(void **state)
{
    struct fx *f = *state;
    add_run(f, "run-explicit-1", "1.0", NULL, 10, false);
    add_run(f, "run-named-1.0", "1.0", NULL, 20, false);
    add_run(f, "run-tagged-1.0", "x", "1.0", 30, false);
    add_run(f, "run-named-1.1", "1.1", NULL, 40, false);
    add_run(f, "run-tagged-1.1", "y", "1.1", 5, false);
    add_run(f, "run-named-1.2", "1.2", NULL, 50, false);
    add_run(f, "run-tag-wins-name", "1.2", "9.9", 60, false);
    struct metrics_release rel[] = {
        {"1.0", "run-explicit-1", {"releases/1.0.yaml", 4, 14}},
        {"1.1", NULL, {"releases/1.1.yaml", 1, 1}},
        {"1.2", NULL, {"releases/1.2.yaml", 1, 1}},
        {"1.3", NULL, {"releases/1.3.yaml", 1, 1}},
    };
    assert_int_equal(metrics_assign_versions(&f->s, &f->d, rel, 4), 0);
    /* the record's mlflow_run beats the version tag and the name */
    assert_string_equal(version_of(f, "run-explicit-1"), "1.0");
    assert_null(version_of(f, "run-named-1.0"));
    assert_null(version_of(f, "run-tagged-1.0"));
    /* a version tag beats a name, even an earlier-started one */
    assert_string_equal(version_of(f, "run-tagged-1.1"), "1.1");
    assert_null(version_of(f, "run-named-1.1"));
    /* a run with a version tag is never matched by its name */
    assert_string_equal(version_of(f, "run-named-1.2"), "1.2");
    assert_null(version_of(f, "run-tag-wins-name"));
    assert_int_equal(f->d.n, 0);
}

static void
test_versions_ties_and_deleted(void **state)
{
    struct fx *f = *state;
    add_run(f, "early", "2.0", NULL, 100, false);
    add_run(f, "late", "2.0", NULL, 300, false);
    add_run(f, "deleted-latest", "2.0", NULL, 900, true);
    struct metrics_release rel[] = {{"2.0", NULL, {"r.yaml", 1, 1}}};
    assert_int_equal(metrics_assign_versions(&f->s, &f->d, rel, 1), 0);
    assert_string_equal(version_of(f, "late"), "2.0");
    assert_null(version_of(f, "early"));
    assert_null(version_of(f, "deleted-latest"));
    char *t = diag_text(&f->d);
    assert_string_equal(t, "runs/late:1:1: warning: 2 MLflow runs have the "
                           "name '2.0'; release '2.0' takes the one that "
                           "started last ('late')\n");
    free(t);
}

static void
test_versions_explicit_problems(void **state)
{
    struct fx *f = *state;
    add_run(f, "0b4f812cc9b84a278a946271d0999f6c", "a", NULL, 1, false);
    add_run(f, "deadbeefdeadbeefdeadbeefdeadbeef", "b", NULL, 2, true);
    struct metrics_release rel[] = {
        /* a unique prefix of at least 8 characters is enough */
        {"3.0", "0b4f812c", {"r/3.0.yaml", 2, 13}},
        {"3.1", "0b4f812cc9b84a278a946271d0999f6c", {"r/3.1.yaml", 2, 13}},
        {"3.2", "cafe0000", {"r/3.2.yaml", 2, 13}},
        {"3.3", "deadbeefdeadbeefdeadbeefdeadbeef", {"r/3.3.yaml", 2, 13}},
    };
    assert_int_equal(metrics_assign_versions(&f->s, &f->d, rel, 4), -1);
    assert_string_equal(version_of(f, "0b4f812cc9b84a278a946271d0999f6c"),
                        "3.0");
    /* named outright, a deleted run is still taken, with a warning */
    assert_string_equal(version_of(f, "deadbeefdeadbeefdeadbeefdeadbeef"),
                        "3.3");
    char *t = diag_text(&f->d);
    assert_string_equal(
        t, "r/3.1.yaml:2:13: warning: MLflow run "
           "'0b4f812cc9b84a278a946271d0999f6c' is already the run of "
           "another release\n"
           "r/3.2.yaml:2:13: warning: mlflow_run 'cafe0000' of release '3.2' "
           "is not among the loaded MLflow runs\n"
           "r/3.3.yaml:2:13: warning: release '3.3' names MLflow run "
           "'deadbeefdeadbeefdeadbeefdeadbeef', which is deleted\n");
    free(t);
}

static void
test_versions_on_file_store(void **state)
{
    struct fx *f = *state;
    assert_int_equal(metrics_load_path(f->a, &f->d, "fixtures/metrics/mlruns", &f->s),
                     0);
    struct metrics_release rel[] = {
        {"1.0", NULL, {"r", 1, 1}},
        {"1.1", NULL, {"r", 1, 1}},
        {"1.2", NULL, {"r", 1, 1}},
    };
    assert_int_equal(metrics_assign_versions(&f->s, &f->d, rel, 3), 0);
    /* 1.0: the run name lives only in tags/mlflow.runName */
    const struct metric_value *v = metrics_find(&f->s, "1.0", "auc", NULL);
    assert_non_null(v);
    assert_string_equal(v->run_id, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa0001");
    /* 1.1: the version tag; the deleted run named 1.1 is no candidate */
    v = metrics_find(&f->s, "1.1", "auc", NULL);
    assert_non_null(v);
    assert_string_equal(v->run_id, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa0002");
    /* 1.2: two runs have the name; the later one wins */
    v = metrics_find(&f->s, "1.2", "auc", NULL);
    assert_non_null(v);
    assert_string_equal(v->run_id, "aaaaaaaaaaaaaaaaaaaaaaaaaaaa0005");
    assert_null(metrics_find(&f->s, "1.2", "train/loss", NULL));
    char *t = diag_text(&f->d);
    assert_string_equal(
        t, "fixtures/metrics/mlruns/1/aaaaaaaaaaaaaaaaaaaaaaaaaaaa0005/meta.yaml:1:1: "
           "warning: 2 MLflow runs have the name '1.2'; release '1.2' takes "
           "the one that started last ('aaaaaaaaaaaaaaaaaaaaaaaaaaaa0005')\n");
    free(t);
}

static void
test_load_dir_detects_formats(void **state)
{
    struct fx *f = *state;
    assert_int_equal(
        metrics_load_dir(f->a, &f->d, "fixtures/metrics/metricsdir/", &f->s), 0);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(f->s.nvalues, 5);
    assert_int_equal(count_source(&f->s, "csv-long"), 2);
    assert_int_equal(count_source(&f->s, "hf-eval"), 1);
    assert_int_equal(count_source(&f->s, "mlflow-export"), 1);
    assert_int_equal(count_source(&f->s, "mlflow-file"), 1);
    assert_int_equal(f->s.nruns, 2);
    const struct metric_value *v =
        find_value(&f->s, "hf-eval", NULL, "gpqa", NULL);
    assert_non_null(v);
    assert_float(v->value, 41.2);
    assert_string_equal(v->pos.path,
                        "fixtures/metrics/metricsdir/.eval_results/gpqa.yaml");
    /* .hidden.csv, notes.txt and a README.md without model-index are left
     * alone; model_card.json has no metrics but is a card, not an error */
    assert_null(metrics_find(&f->s, "9", "x", NULL));
}

static void
test_load_dir_missing(void **state)
{
    struct fx *f = *state;
    assert_int_equal(
        metrics_load_dir(f->a, &f->d, "fixtures/metrics/no-such-dir", &f->s), -1);
    assert_int_equal(metrics_load_path(f->a, &f->d, "fixtures/metrics/nope.csv", &f->s),
                     -1);
    char *t = diag_text(&f->d);
    assert_string_equal(
        t, "fixtures/metrics/no-such-dir: error: cannot open the metrics folder\n"
           "fixtures/metrics/nope.csv: error: no such file or folder\n");
    free(t);
}

static void
test_json_surrogate_pairs(void **state)
{
    struct fx *f = *state;
    /* Python's json.dump writes U+1F600 as "\ud83d\ude00" */
    const char *src = "{\"name\": \"a \\ud83d\\ude00 b\", \"n\": 5}";
    struct node *root;
    assert_int_equal(json_parse(f->a, &f->d, "s.json", src, strlen(src), &root),
                     0);
    assert_string_equal(node_get_str(root, "name"), "a \xF0\x9F\x98\x80 b");
    /* columns after the pair are those of the file, not of the rewrite */
    const struct node_pair *p = node_get_pair(root, "n");
    assert_int_equal(p->key->pos.col, 30);
    assert_int_equal(p->value->pos.col, 35);
    assert_int_equal(node_get(root, "name")->pos.col, 10);
    assert_int_equal(f->d.n, 0);
}

static void
test_json_lone_surrogate(void **state)
{
    struct fx *f = *state;
    const char *src = "[\"\\ud83d\\ude00\", \"\\udc00x\", \"\\\\ud800\"]";
    struct node *root;
    assert_int_equal(json_parse(f->a, &f->d, "s.json", src, strlen(src), &root),
                     0);
    assert_int_equal(root->n, 3);
    assert_string_equal(root->items[1]->str, "\xEF\xBF\xBDx");
    assert_int_equal(root->items[1]->pos.col, 18);
    /* an escaped backslash is not an escape */
    assert_string_equal(root->items[2]->str, "\\ud800");
    char *t = diag_text(&f->d);
    assert_string_equal(t, "s.json:1:19: warning: '\\udc00' is half of a "
                           "UTF-16 surrogate pair; read as U+FFFD\n");
    free(t);
}

static void
test_find_helpers(void **state)
{
    struct fx *f = *state;
    assert_int_equal(metrics_load_path(f->a, &f->d, "fixtures/metrics/long.csv", &f->s),
                     0);
    const struct metric_value *v =
        metrics_find(&f->s, "1.0", "auc", "age=18-25, female");
    assert_non_null(v);
    assert_float(v->value, 0.87);
    assert_null(metrics_find(&f->s, "1.0", "auc", "age=18-25"));
    assert_null(metrics_find_run(&f->s, "nothing"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_number),
        cmocka_unit_test_setup_teardown(test_value_text_messages, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_value_node_kinds, fx_setup,
                                        fx_teardown),
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test_setup_teardown(test_versions_precedence, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_versions_ties_and_deleted,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_versions_explicit_problems,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_versions_on_file_store, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_load_dir_detects_formats, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_load_dir_missing, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_json_surrogate_pairs, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_json_lone_surrogate, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_find_helpers, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
