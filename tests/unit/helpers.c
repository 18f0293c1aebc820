/* helpers: shared fixtures for the metrics tests (see helpers.h). */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->a = arena_new();
    diag_init(&f->d);
    metrics_set_init(&f->s);
    *state = f;
    return 0;
}

int
fx_teardown(void **state)
{
    struct fx *f = *state;
    diag_release(&f->d);
    arena_free(f->a);
    free(f);
    return 0;
}

const char *
real_input(struct fx *f, const char *rel)
{
    const char *root = getenv("METRICS_REAL_INPUTS");
    if (!root)
        root = "../../../shared/real-inputs";
    return arena_printf(f->a, "%s/%s", root, rel);
}

char *
diag_text(struct diag *d)
{
    char *s = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&s, &n);
    if (!fp)
        return NULL;
    diag_print(d, fp);
    fclose(fp);
    return s;
}

static int
match(const char *want, const char *have)
{
    if (!want)
        return 1;
    return have && strcmp(want, have) == 0;
}

const struct metric_value *
find_value(const struct metric_set *s, const char *source, const char *run_name,
           const char *metric, const char *slice)
{
    for (size_t i = 0; i < s->nvalues; i++) {
        const struct metric_value *v = &s->values[i];
        if (match(source, v->source) && match(run_name, v->run_name) &&
            match(metric, v->metric) && match(slice, v->slice))
            return v;
    }
    return NULL;
}

size_t
count_source(const struct metric_set *s, const char *source)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nvalues; i++)
        n += strcmp(s->values[i].source, source) == 0;
    return n;
}
