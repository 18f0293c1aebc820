/* test_hfcard: the real Hugging Face cards and .eval_results file, and
 * our own card for the quirks they do not show. */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "hfcard.h"

static void
assert_diags(struct fx *f, const char *want)
{
    char *have = diag_text(&f->d);
    assert_string_equal(have, want);
    free(have);
}

static const struct node *
at(const struct node *n, const char *path)
{
    /* "details.license", "tags.0" */
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && n; tok = strtok(NULL, ".")) {
        if (n->type == NODE_SEQ) {
            size_t i = strtoul(tok, NULL, 10);
            n = i < n->n ? n->items[i] : NULL;
        } else {
            n = node_get(n, tok);
        }
    }
    if (!n)
        fail_msg("no '%s' in the card", path);
    return n;
}

static void
assert_at(const struct node *card, const char *path, const char *text,
          unsigned line, unsigned col)
{
    const struct node *n = at(card, path);
    assert_string_equal(n->str, text);
    assert_int_equal(n->pos.line, line);
    assert_int_equal(n->pos.col, col);
}

static void
test_zephyr(void **state)
{
    struct fx *f = *state;
    struct node *card;
    char *md;
    unsigned line;
    const char *p = real_input(f, "hf/zephyr-7B-beta.README.md");
    assert_int_equal(hfcard_load(f->a, &f->d, p, &card, &md, &line, &f->s), 0);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(f->s.nvalues, 9);
    const struct metric_value *v = &f->s.values[0];
    assert_string_equal(v->metric, "acc_norm");
    assert_string_equal(v->label, "normalized accuracy");
    assert_float(v->value, 62.03071672354948);
    assert_string_equal(v->raw, "62.03071672354948");
    assert_int_equal(v->pos.line, 44);
    assert_int_equal(v->pos.col, 17);
    assert_string_equal(v->source, "hf");
    assert_null(v->version);
    assert_false(v->has_verified);
    assert_string_equal(v->eval->task_type, "text-generation");
    assert_string_equal(v->eval->dataset_type, "ai2_arc");
    assert_string_equal(v->eval->dataset_name,
                        "AI2 Reasoning Challenge (25-Shot)");
    assert_string_equal(v->eval->dataset_config, "ARC-Challenge");
    assert_string_equal(v->eval->dataset_split, "test");
    assert_string_equal(v->eval->source_name, "Open LLM Leaderboard");
    /* MMLU, written with two decimals */
    v = &f->s.values[5];
    assert_string_equal(v->eval->dataset_type, "cais/mmlu");
    assert_float(v->value, 61.07);
    /* AlpacaEval: no source name, only a url; "0.9060" kept as written */
    v = &f->s.values[7];
    assert_string_equal(v->metric, "unknown");
    assert_string_equal(v->label, "win rate");
    assert_string_equal(v->raw, "0.9060");
    assert_null(v->eval->source_name);
    assert_string_equal(v->eval->source_url,
                        "https://tatsu-lab.github.io/alpaca_eval/");
    assert_null(v->eval->dataset_split);
    assert_float(f->s.values[8].value, 7.34);

    assert_int_equal(line, 188);
    assert_true(strncmp(md, "\n<!-- This model card", 21) == 0);
    assert_at(card, "name", "zephyr-7b-beta", 28, 9);
    assert_at(card, "details.license", "mit", 4, 10);
    assert_at(card, "details.base_model", "mistralai/Mistral-7B-v0.1", 10, 13);
    assert_at(card, "details.model_type",
              "A 7B parameter GPT-like model fine-tuned on a mix of publicly "
              "available, synthetic datasets.",
              202, 19);
    assert_true(strncmp(at(card, "details.citation")->str,
                        "@misc{tunstall2023zephyr,", 25) == 0);
    assert_int_equal(at(card, "details.citation")->pos.line, 400);
    assert_at(card, "summary", at(card, "summary")->str, 197, 1);
    assert_true(strncmp(at(card, "summary")->str, "Zephyr is a series", 18) ==
                0);
    assert_at(card, "training_data.datasets.0.name",
              "HuggingFaceH4/ultrachat_200k", 6, 3);
    assert_at(card, "training_data.datasets.1.name",
              "HuggingFaceH4/ultrafeedback_binarized", 7, 3);
    assert_int_equal(at(card, "evaluation_data.datasets")->n, 9);
    assert_at(card, "evaluation_data.datasets.8.name", "MT-Bench", 179, 13);
    assert_at(card, "tags.0", "generated_from_trainer", 3, 3);
    assert_at(card, "language.0", "en", 9, 3);
    assert_at(card, "pipeline_tag", "text-generation", 26, 15);
    /* nothing the card does not say */
    assert_null(node_get(card, "intended_use"));
    assert_null(node_get(at(card, "details"), "developers"));
}

static void
test_nomic_990_metrics(void **state)
{
    struct fx *f = *state;
    struct node *card;
    const char *p = real_input(f, "hf/nomic-embed-text-v1.README.md");
    assert_int_equal(hfcard_load(f->a, &f->d, p, &card, NULL, NULL, &f->s), 0);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(f->s.nvalues, 990);
    const struct metric_value *v = &f->s.values[0];
    assert_string_equal(v->metric, "accuracy");
    assert_float(v->value, 76.8507462686567);
    assert_string_equal(v->eval->dataset_type, "mteb/amazon_counterfactual");
    assert_string_equal(v->eval->dataset_config, "en");
    assert_string_equal(v->eval->dataset_revision,
                        "e8379541af4e31359cca9fbcf4b00f2671dba205");
    assert_string_equal(v->eval->task_type, "Classification");
    v = &f->s.values[989];
    assert_string_equal(v->metric, "max_f1");
    assert_float(v->value, 79.13867741453949);
    assert_int_equal(v->pos.line, 2604);
    /* every value belongs to a result with a dataset */
    size_t results = 0;
    for (size_t i = 0; i < f->s.nvalues; i++) {
        assert_non_null(f->s.values[i].eval->dataset_type);
        assert_true(f->s.values[i].has_value);
        results += i == 0 || f->s.values[i].eval != f->s.values[i - 1].eval;
    }
    assert_int_equal(results, at(card, "evaluation_data.datasets")->n);
    assert_at(card, "name", "epoch_0_model", 11, 9);
    assert_at(card, "details.license", "apache-2.0", 2605, 10);
    assert_at(card, "pipeline_tag", "sentence-similarity", 3, 15);
    assert_int_equal(at(card, "tags")->n, 5);
    assert_true(strncmp(at(card, "details.citation")->str,
                        "@misc{nussbaum2024nomic,", 24) == 0);
}

static void
test_wav2vec_null_values(void **state)
{
    struct fx *f = *state;
    struct node *card;
    const char *p =
        real_input(f, "hf/airesearch_wav2vec2-large-xlsr-53-th.README.md");
    assert_int_equal(hfcard_load(f->a, &f->d, p, &card, NULL, NULL, &f->s), 0);
    assert_int_equal(f->s.nvalues, 6);
    assert_float(f->s.values[0].value, 0.9524);
    assert_string_equal(f->s.values[0].label, "Test WER");
    assert_string_equal(f->s.values[0].eval->dataset_type,
                        "mozilla-foundation/common_voice_7_0");
    assert_float(f->s.values[1].value, 1.2346);
    for (size_t i = 3; i < 6; i++)
        assert_false(f->s.values[i].has_value);
    assert_string_equal(f->s.values[3].eval->dataset_name,
                        "Robust Speech Event - Dev Data");
    char *want =
        arena_printf(f->a,
                     "%s:42:16: warning: metric 'wer' has no value (null)\n"
                     "%s:45:16: warning: metric 'ser' has no value (null)\n"
                     "%s:48:16: warning: metric 'cer' has no value (null)\n",
                     p, p, p);
    assert_diags(f, want);
    assert_int_equal(f->d.nerr, 0);
    /* language: th, a scalar, becomes a list of one */
    assert_at(card, "language.0", "th", 2, 11);
    assert_at(card, "training_data.datasets.0.name", "common_voice", 4, 3);
    assert_at(card, "details.license", "cc-by-sa-4.0", 11, 10);
    assert_int_equal(at(card, "evaluation_data.datasets")->n, 2);
}

static void
test_real_eval_results(void **state)
{
    struct fx *f = *state;
    const char *p = real_input(
        f, "hf-eval-results/Vedika-advanced-AI_Vedika-4.1-flash__hle.yaml");
    assert_int_equal(hfcard_load_eval_results(f->a, &f->d, p, &f->s), 0);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(f->s.nvalues, 1);
    const struct metric_value *v = &f->s.values[0];
    assert_string_equal(v->metric, "hle");
    assert_float(v->value, 5.2);
    assert_false(v->percent); /* the file does not say so */
    assert_string_equal(v->source, "hf-eval");
    assert_string_equal(v->eval->dataset_type, "cais/hle");
    assert_string_equal(v->eval->notes, "No tools");
    assert_string_equal(v->eval->date, "2026-05-23");
    assert_string_equal(v->eval->source_name, "Model Card");
    assert_true(v->has_timestamp && v->timestamp_ms == 1779494400000LL);
    assert_int_equal(v->pos.line, 4);
    assert_int_equal(v->pos.col, 10);
}

static void
test_own_card_quirks(void **state)
{
    struct fx *f = *state;
    struct node *card;
    char *md;
    unsigned line;
    assert_int_equal(hfcard_load(f->a, &f->d, "fixtures/metrics/card/README.md", &card,
                                 &md, &line, &f->s),
                     0);
    assert_int_equal(f->s.nvalues, 4);
    /* string values: a percentage and a quoted number */
    const struct metric_value *v = &f->s.values[0];
    assert_true(v->percent && v->value == 25.59);
    assert_string_equal(v->raw, "25.59%");
    assert_true(v->has_verified && v->verified);
    v = &f->s.values[1];
    assert_float(v->value, 0.97);
    assert_string_equal(v->label, "F1 score");
    v = &f->s.values[2];
    assert_false(v->has_value);
    assert_string_equal(v->raw, "[More Information Needed]");
    /* a result without a dataset, and a metric with only a name */
    v = &f->s.values[3];
    assert_string_equal(v->metric, "Latency");
    assert_null(v->eval->dataset_type);
    assert_string_equal(v->eval->source_name, "internal");
    assert_diags(f, "fixtures/metrics/card/README.md:27:14: warning: metric "
                    "'precision' has no value ('[More Information "
                    "Needed]')\n");

    assert_int_equal(line, 36);
    assert_at(card, "name", "my-classifier", 11, 9);
    assert_at(card, "summary",
              "Classifies film reviews\nas positive or negative.", 42, 1);
    /* facts from the template's bullet lines, where front matter is
     * silent; "[More Information Needed]" is no fact */
    assert_at(card, "details.developers.0", "The Film Team", 47, 21);
    assert_at(card, "details.model_type", "DistilBERT fine-tune", 48, 19);
    assert_at(card, "details.license", "apache-2.0", 49, 16);
    /* a list of base models is joined for model.yaml's one string */
    assert_at(card, "details.base_model", "org/base-a, org/base-b", 8, 1);
    assert_at(card, "details.citation", "@misc{film2024,\n  title={Films}\n}",
              62, 1);
    /* the same dataset twice is listed once */
    assert_int_equal(at(card, "training_data.datasets")->n, 1);
    assert_at(card, "evaluation_data.datasets.0.name", "IMDB", 16, 13);
    assert_at(card, "tags.0", "text-classification", 3, 7);
}

static void
test_card_without_front_matter(void **state)
{
    struct fx *f = *state;
    struct node *card;
    char *md;
    unsigned line;
    assert_int_equal(hfcard_load(f->a, &f->d, "fixtures/metrics/card/nofm.md", &card,
                                 &md, &line, &f->s),
                     0);
    assert_int_equal(line, 1);
    assert_string_equal(md, "Plain notes without front matter.\n\n"
                            "# Title Here\n");
    assert_at(card, "name", "Title Here", 3, 3);
    assert_at(card, "summary", "Plain notes without front matter.", 1, 1);
    assert_int_equal(f->s.nvalues, 0);
    assert_int_equal(f->d.n, 0);
}

static void
test_front_matter_problems(void **state)
{
    struct fx *f = *state;
    struct node *card;
    char *md;
    unsigned line;
    const char *list = "---\n- a\n- b\n---\nbody\n";
    assert_int_equal(hfcard_parse(f->a, &f->d, "l.md", list, strlen(list),
                                  &card, &md, &line, &f->s),
                     -1);
    assert_null(card);
    /* the narrative is there even so */
    assert_string_equal(md, "body\n");
    assert_int_equal(line, 5);
    const char *open = "---\ntitle: x\n";
    assert_int_equal(hfcard_parse(f->a, &f->d, "o.md", open, strlen(open),
                                  &card, &md, &line, NULL),
                     -1);
    const char *bad = "---\nkey: [unclosed\n---\n";
    assert_int_equal(hfcard_parse(f->a, &f->d, "y.md", bad, strlen(bad), &card,
                                  NULL, NULL, NULL),
                     -1);
    /* "..." closes front matter too; CRLF line ends are fine */
    const char *dots = "---\r\nlicense: mit\r\n...\r\nText\r\n";
    assert_int_equal(hfcard_parse(f->a, &f->d, "d.md", dots, strlen(dots),
                                  &card, &md, &line, NULL),
                     0);
    assert_at(card, "details.license", "mit", 2, 10);
    assert_int_equal(line, 4);
    char *t = diag_text(&f->d);
    assert_non_null(strstr(t, "l.md:2:1: error: front matter is a list, not "
                              "a mapping\n"));
    assert_non_null(strstr(t, "o.md:1:1: error: front matter is not closed "
                              "by a '---' line\n"));
    /* the wording is yml.c's; the place is ours to keep right */
    assert_non_null(strstr(t, "y.md:2:6: error: "));
    free(t);
}

static void
test_has_results(void **state)
{
    struct fx *f = *state;
    assert_true(hfcard_file_has_results("fixtures/metrics/card/README.md"));
    assert_false(hfcard_file_has_results("fixtures/metrics/card/nofm.md"));
    assert_false(hfcard_file_has_results("fixtures/metrics/metricsdir/README.md"));
    assert_true(hfcard_file_has_results(
        real_input(f, "hf/nomic-embed-text-v1.README.md")));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_zephyr, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_nomic_990_metrics, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_wav2vec_null_values, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_real_eval_results, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_own_card_quirks, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_card_without_front_matter,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_front_matter_problems, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_has_results, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests_name("hfcard", tests, NULL, NULL);
}
