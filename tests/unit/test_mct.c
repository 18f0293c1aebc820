/* test_mct: the Model Card Toolkit's own test cards and schemas, and our
 * 0.0.1 card. */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mct.h"

static void
assert_diags(struct fx *f, const char *want)
{
    char *have = diag_text(&f->d);
    assert_string_equal(have, want);
    free(have);
}

static const struct node *
at2(const struct node *n, const char *k1, const char *k2)
{
    n = node_get(n, k1);
    if (k2)
        n = node_get(n, k2);
    assert_non_null(n);
    return n;
}

static void
assert_str_at(const struct node *n, const char *text, unsigned line,
              unsigned col)
{
    assert_non_null(n);
    assert_string_equal(n->str, text);
    assert_int_equal(n->pos.line, line);
    assert_int_equal(n->pos.col, col);
}

static void
test_real_full(void **state)
{
    struct fx *f = *state;
    struct node *card;
    assert_int_equal(
        mct_load(f->a, &f->d, real_input(f, "mct/full.json"), &card, &f->s), 0);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(f->s.nvalues, 1);
    const struct metric_value *v = &f->s.values[0];
    /* values are JSON strings in 0.0.2 */
    assert_string_equal(v->metric, "accuracy");
    assert_float(v->value, 0.9);
    assert_string_equal(v->raw, "0.9");
    assert_true(v->has_ci);
    assert_float(v->ci_low, 0.85);
    assert_float(v->ci_high, 0.95);
    assert_null(v->slice); /* "overall" */
    assert_string_equal(v->version, "v1.0");
    assert_string_equal(v->source, "mct");
    assert_int_equal(v->pos.line, 53);
    assert_int_equal(v->pos.col, 16);

    assert_str_at(at2(card, "name", NULL), "name", 4, 13);
    assert_str_at(at2(card, "summary", NULL), "overview", 5, 17);
    assert_str_at(at2(card, "details", "description"), "documentation", 6, 22);
    const struct node *devs = at2(card, "details", "developers");
    assert_int_equal(devs->n, 2);
    assert_str_at(devs->items[1], "name2", 13, 17);
    assert_str_at(at2(card, "details", "license"), "Apache-2.0", 22, 33);
    assert_str_at(at2(card, "details", "citation"), "https://google.com", 25,
                  32);
    const struct node *ds = at2(card, "training_data", "datasets");
    assert_int_equal(ds->n, 1);
    assert_str_at(node_get(ds->items[0], "name"), "data name", 30, 15);
    assert_str_at(node_get(ds->items[0], "description"), "description", 45, 22);
    const struct node *uses = at2(card, "intended_use", "primary_uses");
    assert_str_at(uses->items[0], "use_cases", 68, 35);
    const struct node *cav = at2(card, "caveats", NULL);
    assert_int_equal(cav->n, 2);
    assert_str_at(cav->items[1], "limitations2", 71, 23);
    const struct node *eth = at2(card, "ethical_considerations", NULL);
    assert_int_equal(eth->n, 1);
    assert_str_at(node_get(eth->items[0], "mitigation"), "mitigation strategy",
                  75, 30);
}

static void
test_real_considerations(void **state)
{
    struct fx *f = *state;
    struct node *card;
    assert_int_equal(mct_load(f->a, &f->d,
                              real_input(f, "mct/considerations.json"), &card,
                              &f->s),
                     0);
    /* no performance metrics, no diagnostics: a card in full */
    assert_int_equal(f->d.n, 0);
    assert_int_equal(f->s.nvalues, 0);
    assert_str_at(at2(card, "name", NULL), "train and eval model", 4, 13);
    assert_str_at(at2(card, "details", "architecture"), "knn", 24, 27);
    assert_str_at(at2(card, "details", "license"), "Apache 2.0", 16, 33);
    /* "citation": {"citation": ...}, neither schema's spelling */
    assert_str_at(at2(card, "details", "citation"), "https://doi.org/foo/bar",
                  21, 30);
    const struct node *ds = at2(card, "training_data", "datasets");
    assert_int_equal(ds->n, 2);
    assert_str_at(node_get(ds->items[1], "link"), "path/to/eval", 39, 17);
    assert_str_at(at2(card, "intended_use", "primary_users")->items[0],
                  "Testers", 62, 31);
    /* limitations and tradeoffs both become caveats */
    const struct node *cav = at2(card, "caveats", NULL);
    assert_int_equal(cav->n, 2);
    assert_string_equal(cav->items[0]->str, "This model has no limitations");
    assert_string_equal(cav->items[1]->str, "no tradeoffs");
    const struct node *eth = at2(card, "ethical_considerations", NULL);
    assert_int_equal(eth->n, 2);
    assert_str_at(node_get(eth->items[1], "name"), "Broken edge cases", 68, 16);
    assert_str_at(node_get(eth->items[1], "mitigation"), "Test coverage", 68,
                  60);
    /* the base64 images stay out of the card */
    assert_null(node_get(card, "graphics"));
}

static void
test_real_schemas_are_not_cards(void **state)
{
    struct fx *f = *state;
    const char *names[] = {"mct/model_card.schema.v0.0.1.json",
                           "mct/model_card.schema.v0.0.2.json"};
    for (size_t i = 0; i < 2; i++) {
        struct node *root;
        assert_int_equal(
            json_load_file(f->a, &f->d, real_input(f, names[i]), &root), 0);
        assert_false(mct_matches(root));
    }
    assert_int_equal(f->d.n, 0);
}

static void
test_own_v001_card(void **state)
{
    struct fx *f = *state;
    struct node *card;
    assert_int_equal(
        mct_load(f->a, &f->d, "fixtures/metrics/mct-v001.json", &card, &f->s), 0);
    assert_int_equal(f->s.nvalues, 5);
    /* numbers (0.0.1) and bounds above 1 are kept as written, silently:
     * the scale of a metric is not ours to guess */
    const struct metric_value *v = &f->s.values[0];
    assert_float(v->value, 92.5);
    assert_true(v->has_ci && v->ci_low == 91.0 && v->ci_high == 94.0);
    assert_null(v->slice);
    assert_string_equal(v->version, "1.3");
    v = &f->s.values[1];
    assert_string_equal(v->slice, "sex=female");
    assert_float(v->ci_low, 0.78);
    /* an inverted interval and a value outside it are kept, with a
     * warning */
    assert_true(f->s.values[2].has_ci);
    assert_true(f->s.values[3].has_ci);
    /* a metric with only an interval (allowed by 0.0.1) has no value */
    v = &f->s.values[4];
    assert_false(v->has_value);
    assert_true(v->has_ci);
    assert_diags(f, "fixtures/metrics/mct-v001.json:26:31: warning: confidence "
                    "interval of metric 'auc' has its lower bound '0.95' "
                    "above its upper bound '0.85'\n"
                    "fixtures/metrics/mct-v001.json:28:31: warning: value '0.7' of "
                    "metric 'recall' lies outside its confidence interval "
                    "['0.75', '0.85']\n"
                    "fixtures/metrics/mct-v001.json:29:7: warning: metric "
                    "'precision' has no value (missing)\n"
                    "fixtures/metrics/mct-v001.json:40:7: warning: risk has no "
                    "'name'; skipped\n");
    assert_str_at(at2(card, "details", "license"), "Apache-2.0", 8, 16);
    assert_str_at(at2(card, "details", "citation"), "Doe et al. 2020", 10, 17);
    assert_str_at(at2(card, "details", "architecture"),
                  "gradient boosted trees", 13, 27);
    /* 0.0.1 says which data trained and which evaluated */
    assert_str_at(
        node_get(at2(card, "training_data", "datasets")->items[0], "link"),
        "https://example.com/train", 15, 49);
    assert_str_at(
        node_get(at2(card, "evaluation_data", "datasets")->items[0], "name"),
        "census-eval", 16, 24);
    assert_str_at(at2(card, "intended_use", "primary_users")->items[0],
                  "Policy analysts", 34, 15);
    assert_int_equal(at2(card, "caveats", NULL)->n, 2);
    assert_int_equal(at2(card, "ethical_considerations", NULL)->n, 1);
}

static void
test_not_an_object(void **state)
{
    struct fx *f = *state;
    const char *src = "[1, 2]";
    struct node *root, *card;
    assert_int_equal(json_parse(f->a, &f->d, "l.json", src, strlen(src), &root),
                     0);
    assert_int_equal(mct_from_node(f->a, &f->d, root, &card, &f->s), -1);
    assert_null(card);
    const char *odd = "{\"schema_version\": \"9.9\", \"model_details\": "
                      "{\"name\": \"n\", \"owners\": [[1]]}, "
                      "\"considerations\": []}";
    assert_int_equal(json_parse(f->a, &f->d, "o.json", odd, strlen(odd), &root),
                     0);
    assert_int_equal(mct_from_node(f->a, &f->d, root, &card, &f->s), 0);
    assert_non_null(card);
    assert_diags(f, "l.json:1:1: error: model card is a list, not a JSON "
                    "object\n"
                    "o.json:1:20: warning: unknown schema_version '9.9'; "
                    "read as 0.0.2\n"
                    "o.json:1:69: warning: item is a list, not a string or "
                    "{name}; skipped\n"
                    "o.json:1:94: warning: 'considerations' is a list, not "
                    "an object; skipped\n");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_real_full, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_real_considerations, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_real_schemas_are_not_cards,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_own_v001_card, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_not_an_object, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests_name("mct", tests, NULL, NULL);
}
