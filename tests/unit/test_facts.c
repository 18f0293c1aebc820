/* Unit tests for facts records: what a model's metrics folders gave is
 * replayed exactly (values, histories, runs, evaluations, inputs,
 * diagnostics), and a record that is not whole, or not for this key, is
 * refused without touching the set. */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#include "buf.h"
#include "compliance.h"
#include "facts.h"
#include "mlflow.h"

static const char KEY[] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const char OTHER[] =
    "f123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void
same_str(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void
same_pos(const struct pos *a, const struct pos *b)
{
    same_str(a->path, b->path);
    assert_int_equal(a->line, b->line);
    assert_int_equal(a->col, b->col);
}

static void
same_value(const struct metric_value *a, const struct metric_value *b)
{
    same_str(a->version, b->version);
    same_str(a->run_id, b->run_id);
    same_str(a->run_name, b->run_name);
    same_str(a->metric, b->metric);
    same_str(a->label, b->label);
    same_str(a->slice, b->slice);
    same_str(a->raw, b->raw);
    same_str(a->source, b->source);
    assert_memory_equal(&a->value, &b->value, sizeof a->value);
    assert_int_equal(a->has_value, b->has_value);
    assert_int_equal(a->percent, b->percent);
    assert_true(a->step == b->step && a->has_step == b->has_step);
    assert_true(a->timestamp_ms == b->timestamp_ms &&
                a->has_timestamp == b->has_timestamp);
    assert_true(a->has_ci == b->has_ci && a->ci_low == b->ci_low &&
                a->ci_high == b->ci_high);
    assert_true(a->verified == b->verified &&
                a->has_verified == b->has_verified);
    assert_int_equal(a->eval != NULL, b->eval != NULL);
    if (a->eval) {
        same_str(a->eval->task_type, b->eval->task_type);
        same_str(a->eval->dataset_name, b->eval->dataset_name);
        same_str(a->eval->dataset_split, b->eval->dataset_split);
        same_str(a->eval->source_url, b->eval->source_url);
        same_pos(&a->eval->pos, &b->eval->pos);
    }
    assert_int_equal(a->nhistory, b->nhistory);
    for (size_t k = 0; k < a->nhistory; k++) {
        assert_true(a->history[k].value == b->history[k].value);
        assert_true(a->history[k].step == b->history[k].step);
        assert_true(a->history[k].timestamp_ms == b->history[k].timestamp_ms);
        assert_int_equal(a->history[k].line, b->history[k].line);
    }
    same_pos(&a->pos, &b->pos);
}

static void
same_kvs(const struct metric_kv *a, size_t na, const struct metric_kv *b,
         size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        same_str(a[i].key, b[i].key);
        same_str(a[i].value, b[i].value);
        same_pos(&a[i].pos, &b[i].pos);
    }
}

static void
same_run(const struct metric_run *a, const struct metric_run *b)
{
    same_str(a->run_id, b->run_id);
    same_str(a->run_name, b->run_name);
    same_str(a->experiment, b->experiment);
    same_str(a->experiment_id, b->experiment_id);
    same_str(a->status, b->status);
    same_str(a->lifecycle, b->lifecycle);
    same_str(a->user, b->user);
    same_str(a->artifact_uri, b->artifact_uri);
    same_str(a->version, b->version);
    same_str(a->source, b->source);
    assert_true(a->start_ms == b->start_ms && a->has_start == b->has_start);
    assert_true(a->end_ms == b->end_ms && a->has_end == b->has_end);
    assert_int_equal(a->deleted, b->deleted);
    same_kvs(a->params, a->nparams, b->params, b->nparams);
    same_kvs(a->tags, a->ntags, b->tags, b->ntags);
    assert_int_equal(a->nvalues, b->nvalues);
    same_pos(&a->pos, &b->pos);
}

/* Loads what the importers make of a few real folders (an MLflow file
 * store with deleted runs, a metrics folder of every hand-made format, a
 * Hub .eval_results file, and a damaged file that warns) into f->s, with
 * one value already there that the record must leave out; encodes it. */
static void
record_of(struct fx *f, struct buf *rec, size_t *v0, size_t *r0)
{
    struct metric_value *pre = metrics_add_value(&f->s, f->a);
    pre->metric = "from-a-release";
    pre->source = "release";
    *v0 = f->s.nvalues;
    *r0 = f->s.nruns;
    size_t d0 = f->d.n;
    metrics_load_path(f->a, &f->d, "fixtures/metrics/mlruns", &f->s);
    metrics_load_path(f->a, &f->d, "fixtures/metrics/metricsdir", &f->s);
    metrics_load_path(
        f->a, &f->d,
        real_input(f, "hf-eval-results/"
                      "Vedika-advanced-AI_Vedika-4.1-flash__hle.yaml"),
        &f->s);
    metrics_load_path(f->a, &f->d, "fixtures/metrics/bad/bad-fields.csv",
                      &f->s);
    assert_true(f->d.n > d0); /* the record carries warnings too */
    struct facts_input in[2] = {
        {"content/models/m/metrics/a.csv", 12345, ""},
        {"content/models/m/metrics/mlruns/1/meta.yaml", 0, ""},
    };
    memset(in[0].sha256, 'a', 64);
    memset(in[1].sha256, 'b', 64);
    facts_encode(rec, KEY, in, 2, &f->s, *v0, *r0, &f->d, d0);
}

static void
test_round_trip(void **state)
{
    struct fx *f = *state;
    struct buf rec;
    buf_init(&rec);
    size_t v0, r0;
    record_of(f, &rec, &v0, &r0);
    assert_true(f->s.nvalues - v0 > 10);
    assert_true(f->s.nruns - r0 >= 6);

    struct metric_set s;
    metrics_set_init(&s);
    struct diag d;
    diag_init(&d);
    struct facts_input *in = NULL;
    size_t nin = 0;
    assert_int_equal(facts_decode(rec.data, rec.len, KEY, f->a, &s, &in,
                                  &nin, &d),
                     0);
    assert_int_equal(nin, 2);
    assert_string_equal(in[0].rel, "content/models/m/metrics/a.csv");
    assert_int_equal(in[0].size, 12345);
    assert_int_equal(strlen(in[1].sha256), 64);
    assert_int_equal(in[1].sha256[0], 'b');

    assert_int_equal(s.nvalues, f->s.nvalues - v0);
    bool evals = false;
    for (size_t i = 0; i < s.nvalues; i++) {
        same_value(&f->s.values[v0 + i], &s.values[i]);
        evals |= s.values[i].eval != NULL;
    }
    assert_true(evals);
    assert_int_equal(s.nruns, f->s.nruns - r0);
    for (size_t i = 0; i < s.nruns; i++)
        same_run(&f->s.runs[r0 + i], &s.runs[i]);

    /* the diagnostics come back as they were printed */
    char *want = diag_text(&f->d);
    char *got = diag_text(&d);
    assert_string_equal(got, want);
    assert_int_equal(d.nwarn, f->d.nwarn);
    free(want);
    free(got);
    diag_release(&d);
    buf_release(&rec);
}

/* A record of values only (a wide CSV: no runs, no diagnostics), the
 * values the last thing in it: the smallest a value can be is checked
 * against what is left exactly. */
static void
test_values_only(void **state)
{
    struct fx *f = *state;
    assert_int_equal(
        metrics_load_path(f->a, &f->d, "fixtures/metrics/wide.csv", &f->s), 0);
    assert_true(f->s.nvalues > 4);
    assert_int_equal(f->s.nruns, 0);
    struct buf rec;
    buf_init(&rec);
    facts_encode(&rec, KEY, NULL, 0, &f->s, 0, 0, &f->d, f->d.n);
    struct metric_set s;
    metrics_set_init(&s);
    struct diag d;
    diag_init(&d);
    struct facts_input *in = NULL;
    size_t nin = 1;
    assert_int_equal(facts_decode(rec.data, rec.len, KEY, f->a, &s, &in,
                                  &nin, &d),
                     0);
    assert_int_equal(nin, 0);
    assert_int_equal(s.nvalues, f->s.nvalues);
    for (size_t i = 0; i < s.nvalues; i++)
        same_value(&f->s.values[i], &s.values[i]);
    diag_release(&d);
    buf_release(&rec);
}

/* Decodes data and checks that it is refused and leaves everything be. */
static void
refused(struct fx *f, const char *data, size_t len, const char *key)
{
    struct metric_set s;
    metrics_set_init(&s);
    struct metric_value *keep = metrics_add_value(&s, f->a);
    keep->metric = "kept";
    struct diag d;
    diag_init(&d);
    struct facts_input *in = NULL;
    size_t nin = 7;
    assert_int_equal(facts_decode(data, len, key, f->a, &s, &in, &nin, &d),
                     -1);
    assert_int_equal(s.nvalues, 1);
    assert_int_equal(s.nruns, 0);
    assert_int_equal(d.n, 0);
    diag_release(&d);
}

static void
test_refused(void **state)
{
    struct fx *f = *state;
    struct buf rec;
    buf_init(&rec);
    size_t v0, r0;
    record_of(f, &rec, &v0, &r0);

    refused(f, rec.data, rec.len, OTHER);
    refused(f, "", 0, KEY);
    /* every cut short record, at every length */
    for (size_t n = 0; n < rec.len; n++)
        refused(f, rec.data, n, KEY);
    /* a longer one: bytes after the end */
    struct buf more;
    buf_init(&more);
    buf_add(&more, rec.data, rec.len - 4);
    buf_puts(&more, "xxxxend\n");
    refused(f, more.data, more.len, KEY);
    buf_release(&more);

    /* a count or a string reference out of range is refused, whatever
     * byte it is in; other bytes may decode to other values, but never
     * crash or read outside the record (ASan runs this too) */
    char *copy = malloc(rec.len);
    size_t accepted = 0;
    for (size_t i = 0; i < rec.len; i++) {
        memcpy(copy, rec.data, rec.len);
        copy[i] ^= (char)0xa5;
        struct metric_set s;
        metrics_set_init(&s);
        struct diag d;
        diag_init(&d);
        struct facts_input *in;
        size_t nin;
        if (facts_decode(copy, rec.len, KEY, f->a, &s, &in, &nin, &d) == 0)
            accepted++;
        diag_release(&d);
    }
    /* the header, the counts and most references are checked */
    assert_true(accepted < rec.len);
    free(copy);
    buf_release(&rec);
}

/* A huge count in a short record is refused before anything is
 * allocated for it. */
static void
test_counts(void **state)
{
    struct fx *f = *state;
    struct buf rec;
    buf_init(&rec);
    buf_printf(&rec, "dossier-facts 1\nkey %s\n", KEY);
    uint32_t big = 0xfffffff0u;
    buf_add(&rec, (const char *)&big, 4);
    buf_puts(&rec, "end\n");
    refused(f, rec.data, rec.len, KEY);
    buf_release(&rec);
}

/* {======================================================= answers */

static void
test_compliance(void **state)
{
    struct fx *f = *state;
    struct catalog_item items[3] = {{.id = "A.1"}, {.id = "A.2"},
                                    {.id = "A.3"}};
    struct catalog cats[2] = {{.id = "eu-ai-act", .items = items, .nitems = 3},
                              {.id = "nist-ai-rmf", .items = items,
                               .nitems = 2}};
    const struct catalog *used[2] = {&cats[0], &cats[1]};
    struct evidence ev[2] = {
        {.ref = "evidence/report.pdf", .rel = "evidence/report.pdf",
         .src = "p/content/models/m/evidence/report.pdf",
         .sha256 = "ab12", .size = 99, .pos = {"p/answers.yaml", 7, 9}},
        {.ref = "https://example.org/x", .url = "https://example.org/x",
         .pos = {"p/answers.yaml", 8, 9}},
    };
    struct answer a0[3] = {
        {.status = COMPLIANCE_MET, .applies = true, .owner = "Risk team",
         .reviewed = "2026-01-02", .note = "see report", .evidence = ev,
         .nevidence = 2, .pos = {"p/answers.yaml", 6, 3}},
        {.status = COMPLIANCE_NA, .applies = true,
         .justification = "no users under 18", .evidence = ev,
         .pos = {"p/answers.yaml", 10, 3}},
        {.status = COMPLIANCE_UNKNOWN, .applies = false, .evidence = ev},
    };
    struct answer a1[2] = {{.status = COMPLIANCE_PARTIAL, .applies = true,
                            .evidence = ev},
                           {.status = COMPLIANCE_NOT_MET, .applies = true,
                            .evidence = ev}};
    struct model_compliance mc[2] = {
        {.catalog = &cats[0], .path = "p/answers.yaml", .answers = a0,
         .cov = {2, 1, 0, 0, 1, 0}},
        {.catalog = &cats[1], .answers = a1, .cov = {2, 0, 1, 1, 0, 0}},
    };
    diag_warning(&f->d, &(struct pos){"p/compliance/old.yaml", 0, 0},
                 "no framework in use is called 'old'");
    struct facts_input in = {"content/models/m/evidence/report.pdf", 99, ""};
    memset(in.sha256, 'c', 64);
    struct buf rec;
    buf_init(&rec);
    facts_encode_compliance(&rec, KEY, &in, 1, mc, 2, &f->d, 0);

    struct model_compliance got[2];
    memset(got, 0, sizeof got);
    struct diag d;
    diag_init(&d);
    struct facts_input *gin;
    size_t nin;
    assert_int_equal(facts_decode_compliance(rec.data, rec.len, KEY, f->a,
                                             used, 2, got, &gin, &nin, &d),
                     0);
    assert_int_equal(nin, 1);
    assert_string_equal(gin[0].rel, in.rel);
    for (size_t k = 0; k < 2; k++) {
        assert_ptr_equal(got[k].catalog, &cats[k]);
        same_str(got[k].path, mc[k].path);
        assert_memory_equal(&got[k].cov, &mc[k].cov, sizeof mc[k].cov);
        for (size_t i = 0; i < cats[k].nitems; i++) {
            const struct answer *x = &got[k].answers[i];
            const struct answer *y = &mc[k].answers[i];
            assert_int_equal(x->status, y->status);
            assert_int_equal(x->applies, y->applies);
            same_str(x->owner, y->owner);
            same_str(x->reviewed, y->reviewed);
            same_str(x->note, y->note);
            same_str(x->justification, y->justification);
            same_pos(&x->pos, &y->pos);
            assert_int_equal(x->nevidence, y->nevidence);
            for (size_t e = 0; e < y->nevidence; e++) {
                same_str(x->evidence[e].ref, y->evidence[e].ref);
                same_str(x->evidence[e].url, y->evidence[e].url);
                same_str(x->evidence[e].rel, y->evidence[e].rel);
                same_str(x->evidence[e].src, y->evidence[e].src);
                same_str(x->evidence[e].sha256, y->evidence[e].sha256);
                assert_int_equal(x->evidence[e].size, y->evidence[e].size);
                same_pos(&x->evidence[e].pos, &y->evidence[e].pos);
            }
        }
    }
    char *want = diag_text(&f->d), *text = diag_text(&d);
    assert_string_equal(text, want);
    free(want);
    free(text);
    diag_release(&d);

    /* other catalogs than the record's: another order, another item
     * count, a record for metrics; and every cut short record */
    const struct catalog *swapped[2] = {&cats[1], &cats[0]};
    struct catalog fewer = cats[0];
    fewer.nitems = 2;
    const struct catalog *changed[2] = {&fewer, &cats[1]};
    const struct catalog *const *others[] = {swapped, changed};
    for (size_t o = 0; o < 2; o++) {
        memset(got, 0, sizeof got);
        diag_init(&d);
        assert_int_equal(facts_decode_compliance(rec.data, rec.len, KEY,
                                                 f->a, others[o], 2, got,
                                                 &gin, &nin, &d),
                         -1);
        assert_null(got[0].catalog);
        assert_int_equal(d.n, 0);
        diag_release(&d);
    }
    assert_int_equal(facts_decode_compliance(rec.data, rec.len, KEY, f->a,
                                             used, 1, got, &gin, &nin, &d),
                     -1);
    refused(f, rec.data, rec.len, KEY); /* not a metrics record */
    for (size_t n = 0; n < rec.len; n++) {
        diag_init(&d);
        assert_int_equal(facts_decode_compliance(rec.data, n, KEY, f->a,
                                                 used, 2, got, &gin, &nin,
                                                 &d),
                         -1);
        diag_release(&d);
    }
    buf_release(&rec);
}

/* }======================================================= */

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_values_only, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_refused, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_counts, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_compliance, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests_name("facts", tests, NULL, NULL);
}
