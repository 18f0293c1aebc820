/* schema: declared shapes of site.yaml, model.yaml and release records,
 * and the checker that walks a node tree against them. */
#include "schema.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmem.h"

bool
schema_is_date(const char *s, int *y, int *m, int *day)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int yy = atoi(s), mm = atoi(s + 5), dd = atoi(s + 8);
    if (mm < 1 || mm > 12 || dd < 1)
        return false;
    int leap = (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0;
    int max = mdays[mm - 1] + (mm == 2 && leap);
    if (dd > max)
        return false;
    if (y)
        *y = yy;
    if (m)
        *m = mm;
    if (day)
        *day = dd;
    return true;
}

static void
enum_list(struct buf *b, const char *const *e)
{
    for (size_t i = 0; e[i]; i++) {
        if (i)
            buf_puts(b, ", ");
        buf_puts(b, e[i]);
    }
}

static size_t
enum_count(const char *const *e)
{
    size_t n = 0;
    while (e[n])
        n++;
    return n;
}

static int check_value(const struct schema_field *f, const char *name,
                       const struct node *v, struct diag *d);

static int
check_map(const struct schema *s, const struct node *m, struct diag *d)
{
    int rc = 0;
    size_t nf = 0;
    while (s->fields[nf].key)
        nf++;
    for (size_t i = 0; i < m->n; i++) {
        const struct node *k = m->pairs[i].key;
        const struct schema_field *f = NULL;
        for (size_t j = 0; j < nf; j++)
            if (strcmp(s->fields[j].key, k->str) == 0)
                f = &s->fields[j];
        if (!f) {
            if (s->open)
                continue;
            const char **names = xmalloc((nf + 1) * sizeof *names);
            for (size_t j = 0; j < nf; j++)
                names[j] = s->fields[j].key;
            const char *sug = diag_suggest(k->str, names, nf);
            if (sug)
                diag_warning(d, &k->pos,
                             "unknown key '%s' in %s (did you mean '%s'?)",
                             k->str, s->name, sug);
            else
                diag_warning(d, &k->pos, "unknown key '%s' in %s", k->str,
                             s->name);
            free(names);
            continue;
        }
        if (check_value(f, f->key, m->pairs[i].value, d) < 0)
            rc = -1;
    }
    for (size_t j = 0; j < nf; j++) {
        const struct schema_field *f = &s->fields[j];
        if (!(f->flags & SCHEMA_REQUIRED))
            continue;
        const struct node *v = node_get(m, f->key);
        if (!v)
            rc = diag_error(d, &m->pos, "missing required field '%s' in %s",
                            f->key, s->name);
    }
    return rc;
}

static int
check_value(const struct schema_field *f, const char *name,
            const struct node *v, struct diag *d)
{
    if (v->type == NODE_NULL) {
        if (f->flags & SCHEMA_REQUIRED)
            return diag_error(d, &v->pos, "'%s' is required but empty",
                              name);
        return 0;
    }
    bool scalar = node_is_scalar(v);
    switch (f->kind) {
    case SCHEMA_ANY:
        return 0;
    case SCHEMA_STR:
    case SCHEMA_TEXT:
        if (!scalar)
            return diag_error(d, &v->pos, "'%s' must be text, not a %s", name,
                              node_type_name(v->type));
        if ((f->flags & SCHEMA_NONEMPTY) && v->len == 0)
            return diag_error(d, &v->pos, "'%s' must not be empty", name);
        return 0;
    case SCHEMA_URL:
        if (!scalar)
            return diag_error(d, &v->pos, "'%s' must be a URL, not a %s",
                              name, node_type_name(v->type));
        if (strncmp(v->str, "https://", 8) && strncmp(v->str, "http://", 7) &&
            strncmp(v->str, "mailto:", 7))
            return diag_error(d, &v->pos,
                              "'%s' is '%s'; expected an http(s):// URL",
                              name, v->str);
        return 0;
    case SCHEMA_INT:
    case SCHEMA_NUM: {
        double x;
        if (!node_number(v, &x) || (f->kind == SCHEMA_INT &&
                                    v->type != NODE_INT)) {
            const char *want = f->kind == SCHEMA_INT ? "a whole number"
                                                     : "a number";
            if (scalar)
                return diag_error(d, &v->pos, "'%s' must be %s, not '%s'",
                                  name, want, v->str);
            return diag_error(d, &v->pos, "'%s' must be %s, not a %s", name,
                              want, node_type_name(v->type));
        }
        if (!isfinite(x))
            return diag_error(d, &v->pos, "'%s' must be a finite number",
                              name);
        if ((f->flags & SCHEMA_RANGE) && (x < f->min || x > f->max))
            return diag_error(d, &v->pos,
                              "'%s' is %s; it must be between %g and %g",
                              name, v->str, f->min, f->max);
        return 0;
    }
    case SCHEMA_BOOL:
        if (v->type != NODE_BOOL)
            return diag_error(d, &v->pos,
                              "'%s' must be true or false, not '%s'", name,
                              scalar ? v->str : node_type_name(v->type));
        return 0;
    case SCHEMA_DATE:
        if (!scalar || !schema_is_date(v->str, NULL, NULL, NULL))
            return diag_error(d, &v->pos,
                              "invalid date '%s' for '%s' (expected a real "
                              "day as YYYY-MM-DD)",
                              scalar ? v->str : node_type_name(v->type), name);
        return 0;
    case SCHEMA_ENUM: {
        if (scalar) {
            for (size_t i = 0; f->enums[i]; i++)
                if (strcmp(f->enums[i], v->str) == 0)
                    return 0;
        }
        struct buf b;
        buf_init(&b);
        enum_list(&b, f->enums);
        const char *sug =
            scalar ? diag_suggest(v->str, (const char *const *)f->enums,
                                  enum_count(f->enums))
                   : NULL;
        if (sug)
            diag_error(d, &v->pos,
                       "'%s' is '%s'; expected one of: %s (did you mean "
                       "'%s'?)",
                       name, v->str, b.data, sug);
        else if (scalar)
            diag_error(d, &v->pos, "'%s' is '%s'; expected one of: %s", name,
                       v->str, b.data);
        else
            diag_error(d, &v->pos, "'%s' must be one of: %s, not a %s", name,
                       b.data, node_type_name(v->type));
        buf_release(&b);
        return -1;
    }
    case SCHEMA_LIST: {
        if (v->type != NODE_SEQ) {
            if ((f->flags & SCHEMA_SCALAR_OK) && scalar)
                return check_value(f->item, name, v, d);
            if (scalar)
                return diag_error(d, &v->pos,
                                  "'%s' must be a list, not the single "
                                  "value '%s'",
                                  name, v->str);
            return diag_error(d, &v->pos, "'%s' must be a list, not a %s",
                              name, node_type_name(v->type));
        }
        if ((f->flags & SCHEMA_NONEMPTY) && v->n == 0)
            return diag_error(d, &v->pos, "'%s' must not be empty", name);
        int rc = 0;
        for (size_t i = 0; i < v->n; i++) {
            char *iname = xasprintf("%s[%zu]", name, i + 1);
            if (check_value(f->item, iname, v->items[i], d) < 0)
                rc = -1;
            free(iname);
        }
        return rc;
    }
    case SCHEMA_MAP:
        if (v->type != NODE_MAP)
            return diag_error(d, &v->pos, "'%s' must be a mapping, not a %s",
                              name,
                              scalar ? "single value" : node_type_name(v->type));
        return check_map(f->sub, v, d);
    }
    return 0;
}

int
schema_check(const struct schema *s, const struct node *root,
             const char *path, struct diag *d)
{
    if (!root || root->type == NODE_NULL) {
        struct pos at = {path, 1, 1};
        return diag_error(d, &at, "%s is empty; expected a mapping of fields",
                          s->name);
    }
    if (root->type != NODE_MAP)
        return diag_error(d, &root->pos,
                          "%s must be a mapping of fields, not a %s", s->name,
                          node_type_name(root->type));
    return check_map(s, root, d);
}

/* ---- the shapes ------------------------------------------------------- */

const char *const schema_risk_classes[] = {"prohibited", "high", "limited",
                                           "minimal", NULL};
const char *const schema_model_statuses[] = {
    "ideation", "development", "validation", "production", "retired", NULL};
const char *const schema_release_statuses[] = {
    "development", "validation", "staging", "production",
    "retired",     "rejected",   NULL};
static const char *const kinds[] = {"classic", "llm", NULL};
static const char *const roles[] = {"provider", "deployer", NULL};
static const char *const decisions[] = {"approved", "conditional", "rejected",
                                        "pending", NULL};
static const char *const metric_formats[] = {
    "ratio", "percent", "number", "currency", "duration_ms", NULL};
static const char *const papers[] = {"A4", "Letter", NULL};

static const struct schema_field str_item = {"", SCHEMA_STR, 0, 0, 0, 0, 0, 0, 0};

#define F(k, kind, flags) {k, kind, flags, NULL, NULL, NULL, 0, 0, NULL}
#define FE(k, e, flags) {k, SCHEMA_ENUM, flags, e, NULL, NULL, 0, 0, NULL}
#define FM(k, s, flags) {k, SCHEMA_MAP, flags, NULL, &s, NULL, 0, 0, NULL}
#define FL(k, it, flags) {k, SCHEMA_LIST, flags, NULL, NULL, &it, 0, 0, NULL}
#define FR(k, kind, flags, lo, hi)                                           \
    {k, kind, (flags) | SCHEMA_RANGE, NULL, NULL, NULL, lo, hi, NULL}
#define END {NULL, SCHEMA_ANY, 0, NULL, NULL, NULL, 0, 0, NULL}

static const struct schema_field pdf_fields[] = {
    FE("paper", papers, 0),
    F("confidentiality", SCHEMA_STR, 0),
    END,
};
static const struct schema pdf_schema = {"pdf options", pdf_fields, false};

static const struct schema_field site_fields[] = {
    F("title", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("organisation", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("description", SCHEMA_TEXT, 0),
    F("base_url", SCHEMA_URL, 0),
    F("currency", SCHEMA_STR, 0),
    F("locale", SCHEMA_STR, 0),
    FL("frameworks", str_item, 0),
    F("confidentiality", SCHEMA_STR, 0),
    FM("pdf", pdf_schema, 0),
    F("gates", SCHEMA_ANY, 0),
    F("slice_gap", SCHEMA_NUM, 0),
    END,
};
const struct schema schema_site = {"site.yaml", site_fields, false};

static const struct schema_field provider_fields[] = {
    F("name", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("service", SCHEMA_STR, 0),
    F("region", SCHEMA_STR, 0),
    F("contract", SCHEMA_STR, 0),
    END,
};
static const struct schema provider_schema = {"a provider", provider_fields,
                                              false};
static const struct schema_field provider_item = FM("", provider_schema, 0);

static const struct schema_field details_fields[] = {
    F("description", SCHEMA_TEXT, 0),
    FL("developers", str_item, SCHEMA_SCALAR_OK),
    F("model_type", SCHEMA_STR, 0),
    F("architecture", SCHEMA_TEXT, 0),
    F("framework", SCHEMA_STR, 0),
    F("license", SCHEMA_STR, 0),
    F("base_model", SCHEMA_STR, 0),
    F("citation", SCHEMA_TEXT, 0),
    F("paper", SCHEMA_STR, 0),
    END,
};
static const struct schema details_schema = {"details", details_fields, false};

static const struct schema_field use_fields[] = {
    FL("primary_uses", str_item, SCHEMA_SCALAR_OK),
    FL("primary_users", str_item, SCHEMA_SCALAR_OK),
    FL("out_of_scope", str_item, SCHEMA_SCALAR_OK),
    END,
};
static const struct schema use_schema = {"intended_use", use_fields, false};

static const struct schema_field factor_fields[] = {
    FL("relevant", str_item, SCHEMA_SCALAR_OK),
    FL("evaluation", str_item, SCHEMA_SCALAR_OK),
    END,
};
static const struct schema factor_schema = {"factors", factor_fields, false};

static const struct schema_field metric_fields[] = {
    F("name", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("label", SCHEMA_STR, 0),
    F("description", SCHEMA_TEXT, 0),
    F("higher_is_better", SCHEMA_BOOL, 0),
    FE("format", metric_formats, 0),
    F("min", SCHEMA_NUM, 0),
    F("max", SCHEMA_NUM, 0),
    F("slice_gap", SCHEMA_NUM, 0),
    END,
};
static const struct schema metric_schema = {"a metric", metric_fields, false};
static const struct schema_field metric_item = FM("", metric_schema, 0);

static const struct schema_field dataset_fields[] = {
    F("name", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("description", SCHEMA_TEXT, 0),
    F("size", SCHEMA_STR, 0),
    F("link", SCHEMA_STR, 0),
    END,
};
static const struct schema dataset_schema = {"a dataset", dataset_fields,
                                             false};
static const struct schema_field dataset_item = FM("", dataset_schema, 0);

static const struct schema_field data_fields[] = {
    FL("datasets", dataset_item, 0),
    F("motivation", SCHEMA_TEXT, 0),
    F("preprocessing", SCHEMA_TEXT, 0),
    END,
};
static const struct schema data_schema = {"data", data_fields, false};

static const struct schema_field qa_fields[] = {
    F("summary", SCHEMA_TEXT, 0),
    F("unitary", SCHEMA_TEXT, 0),
    F("intersectional", SCHEMA_TEXT, 0),
    END,
};
static const struct schema qa_schema = {"quantitative_analyses", qa_fields,
                                        false};

static const struct schema_field ethic_fields[] = {
    F("name", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("mitigation", SCHEMA_TEXT, 0),
    END,
};
static const struct schema ethic_schema = {"an ethical consideration",
                                           ethic_fields, false};
static const struct schema_field ethic_item = FM("", ethic_schema, 0);

static const struct schema_field model_fields[] = {
    F("name", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("summary", SCHEMA_TEXT, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    FE("kind", kinds, SCHEMA_REQUIRED),
    F("owner", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("team", SCHEMA_STR, 0),
    F("contact", SCHEMA_STR, 0),
    FE("risk_class", schema_risk_classes, SCHEMA_REQUIRED),
    FR("annex_iii_area", SCHEMA_INT, 0, 1, 8),
    FE("role", roles, 0),
    FE("status", schema_model_statuses, SCHEMA_REQUIRED),
    FL("tags", str_item, SCHEMA_SCALAR_OK),
    F("data_residency", SCHEMA_STR, 0),
    FL("providers", provider_item, 0),
    FM("details", details_schema, 0),
    FM("intended_use", use_schema, 0),
    FM("factors", factor_schema, 0),
    FL("metrics", metric_item, 0),
    FM("evaluation_data", data_schema, 0),
    FM("training_data", data_schema, 0),
    FM("quantitative_analyses", qa_schema, 0),
    FL("ethical_considerations", ethic_item, 0),
    FL("caveats", str_item, SCHEMA_SCALAR_OK),
    FL("recommendations", str_item, SCHEMA_SCALAR_OK),
    END,
};
const struct schema schema_model = {"model.yaml", model_fields, false};

static const struct schema_field no_fields[] = {END};
static const struct schema release_metrics_schema = {"release metrics",
                                                     no_fields, true};

static const struct schema_field release_fields[] = {
    F("version", SCHEMA_STR, 0),
    F("date", SCHEMA_DATE, SCHEMA_REQUIRED),
    FE("status", schema_release_statuses, SCHEMA_REQUIRED),
    F("approver", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    FE("decision", decisions, SCHEMA_REQUIRED),
    F("decision_note", SCHEMA_TEXT, 0),
    F("commit", SCHEMA_STR, 0),
    F("data_snapshot", SCHEMA_STR, 0),
    F("ideation", SCHEMA_DATE, 0),
    F("notes", SCHEMA_TEXT, 0),
    FM("metrics", release_metrics_schema, 0),
    F("mlflow_run", SCHEMA_STR, 0),
    END,
};
const struct schema schema_release = {"release record", release_fields,
                                      false};

static const struct schema_field page_fields[] = {
    F("title", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("description", SCHEMA_STR, 0),
    F("weight", SCHEMA_INT, 0),
    END,
};
const struct schema schema_page = {"page front matter", page_fields, false};
