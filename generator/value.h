/* value: input checks for the business-value sheets.
 * content/models/<id>/value.yaml (one model's costs and benefits) and
 * content/portfolio.yaml (platform costs and the MLOps maturity answers)
 * are checked here; the formulas live in templates/lib/value.lua and
 * templates/lib/maturity.lua, where a finance team can read them. What a
 * schema table can say is in schema_value and schema_portfolio; the rest
 * (number-or-triple values, item kinds, ranges, ISO 4217 codes) is checked
 * by value_check() and value_check_portfolio(), so that a sheet with an
 * error is never rendered with made-up figures. Depends on schema, node
 * and diag only. */
#ifndef DOSSIER_VALUE_H
#define DOSSIER_VALUE_H

#include <stdbool.h>

#include "diag.h"
#include "node.h"
#include "schema.h"

/* The shapes of value.yaml and portfolio.yaml. Both are declared open
 * (schema_check() passes unknown keys silently) because value_check()
 * and value_check_portfolio() report unknown keys themselves, as errors
 * rather than warnings: a misspelt 'discount' would otherwise silently
 * change a figure. Use the check functions, not schema_check() alone. */
extern const struct schema schema_value, schema_portfolio;

/* Checks a value sheet (root as loaded by yml_parse(); NULL for an empty
 * file). Runs schema_check() against schema_value, then reports every
 * unknown key, every item that matches no kind or two kinds, every
 * missing input, negative number, discount outside [0, 1), malformed or
 * unordered [low, base, high] triple, 'per' where it is not allowed, a
 * currency that is not an active ISO 4217 code, a horizon that is not a
 * whole number of years from 0 to 100 and a discount rate outside [0, 1),
 * each as an error at the offending node. path names the file when root
 * is NULL. Returns 0 when no error was reported, else -1. Cannot fail for
 * lack of memory (allocation failure exits, see xmem.h). */
int value_check(const struct node *root, const char *path, struct diag *d);

/* Checks content/portfolio.yaml the same way: the platform's costs and
 * one-time costs are items as in a value sheet (costs only; benefits come
 * from the models), and the maturity answers must be true or false for
 * questions that exist. Returns 0 when no error was reported, else -1. */
int value_check_portfolio(const struct node *root, const char *path,
                          struct diag *d);

/* True when code is an active ISO 4217 alphabetic code ("EUR", "USD"),
 * exact case. The embedded list is Debian iso-codes 4.15's, less HRK
 * (withdrawn when Croatia joined the euro), plus XCG and ZWG. */
bool value_is_currency(const char *code);

#endif
