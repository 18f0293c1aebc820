/* test_native: long and wide CSV and the JSON list, from our fixtures. */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
assert_diags(struct fx *f, const char *want)
{
    char *have = diag_text(&f->d);
    assert_string_equal(have, want);
    free(have);
}

static void
test_long_csv(void **state)
{
    struct fx *f = *state;
    /* BOM, CRLF, quoted fields, a quote inside a metric name */
    assert_int_equal(metrics_load_path(f->a, &f->d, "fixtures/metrics/long.csv", &f->s),
                     0);
    assert_int_equal(f->s.nvalues, 7);
    const struct metric_value *v = metrics_find(&f->s, "1.0", "auc", NULL);
    assert_float(v->value, 0.91);
    assert_string_equal(v->source, "csv-long");
    assert_int_equal(v->pos.line, 2);
    assert_int_equal(v->pos.col, 9);
    assert_false(v->has_step || v->has_timestamp || v->percent);
    v = metrics_find(&f->s, "1.0", "auc", "age=18-25, female");
    assert_float(v->value, 0.87);
    assert_string_equal(v->raw, "0.87");
    /* a percentage keeps the number as written and says so */
    v = metrics_find(&f->s, "1.1", "auc", NULL);
    assert_float(v->value, 25.59);
    assert_true(v->percent);
    assert_string_equal(v->raw, "25.59%");
    assert_true(v->has_step && v->step == 3);
    assert_true(v->has_timestamp && v->timestamp_ms == 1709294400000LL);
    v = metrics_find(&f->s, "1.1", "f1", NULL);
    assert_false(v->has_value);
    assert_string_equal(v->raw, "NA");
    v = metrics_find(&f->s, "1.1", "note \"x\"", NULL);
    assert_true(v->timestamp_ms == 1709294400000LL);
    /* blanks around a number are read past, and kept in raw */
    v = metrics_find(&f->s, "1.2", "auc", NULL);
    assert_float(v->value, 0.97);
    assert_string_equal(v->raw, " 0.97 ");
    /* the same key at another step is history, not a duplicate */
    assert_int_equal(v[1].step, 5);
    assert_float(v[1].value, 0.96);
    assert_diags(f, "fixtures/metrics/long.csv:5:8: warning: metric 'f1' has no "
                    "value ('NA')\n"
                    "fixtures/metrics/long.csv:8:9: warning: duplicate value for "
                    "version '1.2', metric 'auc' (first at line 7); "
                    "skipped\n");
}

static void
test_wide_csv_with_index(void **state)
{
    struct fx *f = *state;
    assert_int_equal(metrics_load_path(f->a, &f->d, "fixtures/metrics/wide.csv", &f->s),
                     0);
    /* the empty cell is a metric not measured: no value, no warning */
    assert_int_equal(f->s.nvalues, 5);
    const struct metric_value *v = metrics_find(&f->s, "1.0", "f1", NULL);
    assert_float(v->value, 0.80);
    assert_string_equal(v->raw, "0.80");
    assert_string_equal(v->source, "csv-wide");
    assert_int_equal(v->pos.col, 12);
    v = metrics_find(&f->s, "1.0", "auc", "age=18-25");
    assert_float(v->value, 0.85);
    assert_null(metrics_find(&f->s, "1.0", "f1", "age=18-25"));
    v = metrics_find(&f->s, "1.1", "f1", NULL);
    assert_true(v->percent);
    assert_float(v->value, 0.82);
    assert_diags(f, "");
}

static void
test_json_list(void **state)
{
    struct fx *f = *state;
    assert_int_equal(
        metrics_load_path(f->a, &f->d, "fixtures/metrics/values.json", &f->s), 0);
    assert_int_equal(f->s.nvalues, 5);
    const struct metric_value *v = metrics_find(&f->s, "1.0", "auc", NULL);
    assert_float(v->value, 0.91);
    assert_string_equal(v->source, "json");
    assert_int_equal(v->pos.line, 2);
    assert_int_equal(v->pos.col, 48);
    v = metrics_find(&f->s, "1.0", "auc", "age=18-25");
    assert_float(v->value, 0.88);
    assert_true(v->has_ci);
    assert_float(v->ci_low, 0.85);
    assert_float(v->ci_high, 0.91);
    /* a version written as a number is read as written */
    v = metrics_find(&f->s, "1.1", "f1", NULL);
    assert_non_null(v);
    assert_false(v->has_value);
    v = metrics_find(&f->s, "1.1", "accuracy", NULL);
    assert_true(v->percent && v->value == 93.5);
    assert_true(v->step == 7);
    assert_true(v->timestamp_ms == 1709251200000LL);
    v = metrics_find(&f->s, "1.1", "loss", NULL);
    assert_string_equal(v->run_id, "abc123");
    assert_string_equal(v->raw, "12");
    assert_diags(f, "fixtures/metrics/values.json:5:45: warning: metric 'f1' has no "
                    "value (null)\n");
}

static void
test_long_csv_in_memory_cases(void **state)
{
    struct fx *f = *state;
    /* step and slice separate otherwise equal rows; a run_id column and
     * confidence bounds are read when present */
    char dir[] = "/tmp/metrics-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *path = arena_printf(f->a, "%s/long.csv", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("version,metric,value,slice,step,run_id,ci_low,ci_high\n"
          "1,auc,0.5,,1,r1,0.4,0.6\n"
          "1,auc,0.6,,2,r1,,\n"
          "1,auc,0.7,s,1,,x,0.8\n",
          fp);
    fclose(fp);
    assert_int_equal(metrics_load_path(f->a, &f->d, path, &f->s), 0);
    remove(path);
    rmdir(dir);
    assert_int_equal(f->s.nvalues, 3);
    assert_true(f->s.values[0].has_ci);
    assert_float(f->s.values[0].ci_high, 0.6);
    assert_string_equal(f->s.values[0].run_id, "r1");
    assert_false(f->s.values[1].has_ci);
    assert_false(f->s.values[2].has_ci);
    assert_diags(f, arena_printf(f->a,
                                 "%s:4:16: warning: confidence bound 'x' is "
                                 "not a number; interval ignored\n",
                                 path));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_long_csv, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_wide_csv_with_index, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_json_list, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_long_csv_in_memory_cases, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests_name("native", tests, NULL, NULL);
}
