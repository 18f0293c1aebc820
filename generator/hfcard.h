/* hfcard: Hugging Face model cards and Hub evaluation results.
 * A card is a README.md whose YAML front matter carries license,
 * language, tags, datasets, base_model, pipeline_tag and the model-index
 * (task, dataset, metrics with type/name/value/verified, source); the
 * Markdown below it is kept as narrative text. The newer
 * .eval_results/<name>.yaml files hold one score per benchmark. Metric values
 * go to a metric_set (sources "hf" and "hf-eval"); the card itself becomes
 * a node tree shaped like model.yaml whose positions point into the
 * README, so it can be merged under model.yaml. */
#ifndef DOSSIER_HFCARD_H
#define DOSSIER_HFCARD_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "metrics.h"
#include "node.h"

#define HFCARD_MAX_BYTES (16u * 1024 * 1024)

/* Reads the card at path. Any of card, narrative_md, narrative_line and
 * out may be NULL when not wanted.
 * - *card: the model.yaml-shaped tree (NULL when the card has neither
 *   front matter nor body facts), owned by a;
 * - *narrative_md, *narrative_line: the Markdown below the front matter
 *   (the whole file when there is none) and the file line it starts on,
 *   owned by a;
 * - out: one value per model-index metric.
 * Returns 0, or -1 when an error was reported (front matter that is not
 * closed, not YAML or not a mapping); the narrative is still set then. */
int hfcard_load(struct arena *a, struct diag *d, const char *path,
                struct node **card, char **narrative_md,
                unsigned *narrative_line, struct metric_set *out);
/* The same for len bytes of text that came from path. */
int hfcard_parse(struct arena *a, struct diag *d, const char *path,
                 const char *text, size_t len, struct node **card,
                 char **narrative_md, unsigned *narrative_line,
                 struct metric_set *out);

/* True when path starts with front matter that has a model-index. */
bool hfcard_file_has_results(const char *path);

/* .eval_results: a list of {dataset: {id, task_id, revision}, value,
 * date, notes, source: {url, name}}. The metric key is the task_id, else
 * the dataset id. */
bool hfcard_eval_results_match(const struct node *root);
int hfcard_eval_results_node(struct arena *a, struct diag *d,
                             const struct node *root, struct metric_set *out);
/* Reads path; an error when it is not that shape or holds no value.
 * Returns 0, or -1 when an error was reported. */
int hfcard_load_eval_results(struct arena *a, struct diag *d, const char *path,
                             struct metric_set *out);

#endif
