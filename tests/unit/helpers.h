/* helpers: what every metrics test needs: an arena, a diag and a set per
 * test, the real inputs' folder, and the diagnostics as text. */
#ifndef METRICS_TEST_HELPERS_H
#define METRICS_TEST_HELPERS_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "metrics.h"

struct fx {
    struct arena *a;
    struct diag d;
    struct metric_set s;
};

/* cmocka setup and teardown: *state becomes a struct fx. */
int fx_setup(void **state);
int fx_teardown(void **state);

/* A path under the real inputs (METRICS_REAL_INPUTS, else
 * ../../../shared/real-inputs from wip/metrics). Owned by the fixture's
 * arena. */
const char *real_input(struct fx *f, const char *rel);

/* Every diagnostic, as diag_print() writes it. Caller frees. */
char *diag_text(struct diag *d);

/* The values of the set whose field matches; NULL matches anything. */
const struct metric_value *find_value(const struct metric_set *s,
                                      const char *source, const char *run_name,
                                      const char *metric, const char *slice);
size_t count_source(const struct metric_set *s, const char *source);

#define assert_float(a, b) assert_true((double)(a) == (double)(b))
#define assert_near(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-12)

#endif
