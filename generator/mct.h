/* mct: Model Card Toolkit cards (model_card.json, schema 0.0.1 and
 * 0.0.2): model_details, model_parameters, quantitative_analysis and
 * considerations. Performance metrics go to a metric_set (source "mct",
 * version = model_details.version.name); the card becomes a node tree
 * shaped like model.yaml whose positions point into the JSON file. The
 * reader is lenient: a part that breaks the schema is a warning and is
 * skipped, and spellings of either schema version are accepted in both. */
#ifndef DOSSIER_MCT_H
#define DOSSIER_MCT_H

#include <stdbool.h>

#include "arena.h"
#include "diag.h"
#include "metrics.h"
#include "node.h"

/* True when root is an object with model_details, quantitative_analysis
 * or considerations. */
bool mct_matches(const struct node *root);

/* Reads the card in root. card and out may be NULL when not wanted;
 * *card is owned by a (NULL when nothing maps to model.yaml). Returns 0,
 * or -1 when root is not an object (reported). */
int mct_from_node(struct arena *a, struct diag *d, const struct node *root,
                  struct node **card, struct metric_set *out);

/* Reads path as JSON and then as above; an error when nothing in it can
 * be read. Returns 0, or -1 when an error was reported. */
int mct_load(struct arena *a, struct diag *d, const char *path,
             struct node **card, struct metric_set *out);

#endif
