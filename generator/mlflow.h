/* mlflow: runs and metrics from MLflow, read-only, without MLflow.
 * The file store (mlruns/<experiment>/<run>/ with meta.yaml, metrics/,
 * params/, tags/), the SQLite tracking store of MLflow 1 to 3 (opened
 * read-only and immutable), a run exported by mlflow-export-import
 * (run.json) and the CSV of search_runs() / "mlflow experiments csv".
 * The current value of a metric is its last point by step, then
 * timestamp, then value, as MLflow itself decides; the full history is
 * kept. Runs that are deleted are listed but their metrics are not
 * loaded. */
#ifndef DOSSIER_MLFLOW_H
#define DOSSIER_MLFLOW_H

#include <stdbool.h>

#include "arena.h"
#include "csv.h"
#include "diag.h"
#include "metrics.h"
#include "node.h"

/* Each adds runs and values to out and reports problems to d: a bad
 * entry is a warning and is skipped; a store or file of which nothing can
 * be read is an error. Returns 0 when no error was reported, else -1.
 * Paths must outlive a. */

/* dir is an mlruns/ folder. */
int mlflow_load_store(struct arena *a, struct diag *d, const char *dir,
                      struct metric_set *out);

/* path is an SQLite database with the MLflow tables. */
int mlflow_load_sqlite(struct arena *a, struct diag *d, const char *path,
                       struct metric_set *out);

/* path is a run.json from mlflow-export-import; or root its tree. */
int mlflow_load_export(struct arena *a, struct diag *d, const char *path,
                       struct metric_set *out);
int mlflow_load_export_node(struct arena *a, struct diag *d,
                            const struct node *root, struct metric_set *out);

/* t is a search_runs() table (header first). */
int mlflow_load_csv(struct arena *a, struct diag *d, const struct csv_table *t,
                    struct metric_set *out);

/* Detection: a folder holding an experiment folder with a meta.yaml; a
 * tree with "info" (under "mlflow" in newer exports) holding a run id; a
 * header with run_id and metrics.<name> columns. */
bool mlflow_is_store(const char *dir);
bool mlflow_export_matches(const struct node *root);
bool mlflow_csv_matches(const struct csv_table *t);

#endif
