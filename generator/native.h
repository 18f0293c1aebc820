/* native: the simple layouts people write by hand or from a notebook.
 * Long CSV (version,metric,value[,slice,step,timestamp]), wide CSV
 * (version,<metric>,...: one column per metric) and a JSON list of
 * {version, metric, value, slice} objects. The same version, metric,
 * slice (and step) given twice is a warning; the first one is kept. */
#ifndef DOSSIER_NATIVE_H
#define DOSSIER_NATIVE_H

#include <stdbool.h>

#include "arena.h"
#include "csv.h"
#include "diag.h"
#include "metrics.h"
#include "node.h"

enum native_layout { NATIVE_NONE, NATIVE_LONG, NATIVE_WIDE };

/* The layout named by t's header row (the first row). An empty first
 * header cell is a pandas index column and is passed over. */
enum native_layout native_csv_layout(const struct csv_table *t);

/* Adds the values of a long or wide table to out (source "csv-long" or
 * "csv-wide"); bad rows and cells are warnings and are skipped. Returns
 * 0, or -1 when the header is neither layout (nothing reported). */
int native_load_csv(struct arena *a, struct diag *d, const struct csv_table *t,
                    struct metric_set *out);

/* True when root is a list whose items look like {metric, value}. */
bool native_json_matches(const struct node *root);

/* Adds the values of a JSON list to out (source "json"). Returns 0. */
int native_load_json(struct arena *a, struct diag *d, const struct node *root,
                     struct metric_set *out);

#endif
