/* value: checks of value sheets and portfolio.yaml (see value.h). */
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmem.h"

/* ---- ISO 4217 ---------------------------------------------------------- */

/* Active alphabetic codes, sorted for bsearch. Source: Debian iso-codes
 * 4.15.0 (iso_4217.json), less HRK (withdrawn 2023-01-01 when Croatia
 * adopted the euro), plus XCG (Caribbean guilder, from 2025) and ZWG
 * (Zimbabwe Gold, from 2024). Codes in their withdrawal period (ANG, SLL,
 * ZWL) are still accepted. */
static const char *const currencies[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN",
    "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV",
    "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF",
    "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE",
    "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD",
    "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD",
    "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
    "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD",
    "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
    "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV",
    "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB",
    "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB",
    "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL",
    "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT",
    "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN",
    "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF",
    "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF",
    "XPD", "XPF", "XPT", "XSU", "XTS", "XUA", "XXX", "YER", "ZAR", "ZMW",
    "ZWG", "ZWL",
};
#define NCURRENCIES (sizeof currencies / sizeof *currencies)

static int
code_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

bool
value_is_currency(const char *code)
{
    return code &&
           bsearch(code, currencies, NCURRENCIES, sizeof *currencies,
                   code_cmp) != NULL;
}

/* ---- the shapes -------------------------------------------------------- */

static const char *const pers[] = {"day", "week", "month", "quarter", "year",
                                   NULL};

#define F(k, kind, flags, help) {k, kind, flags, NULL, NULL, NULL, 0, 0, help}
#define FE(k, e, flags, help) {k, SCHEMA_ENUM, flags, e, NULL, NULL, 0, 0, help}
#define FM(k, s, flags, help) {k, SCHEMA_MAP, flags, NULL, &s, NULL, 0, 0, help}
#define FL(k, it, flags, help)                                               \
    {k, SCHEMA_LIST, flags, NULL, NULL, &it, 0, 0, help}
#define END {NULL, SCHEMA_ANY, 0, NULL, NULL, NULL, 0, 0, NULL}
/* A number or a [low, base, high] triple: checked by check_item(). */
#define N(k, help) F(k, SCHEMA_ANY, 0, help)

static const struct schema_field incidents_fields[] = {
    F("before", SCHEMA_ANY, SCHEMA_REQUIRED, "incidents without the model"),
    F("after", SCHEMA_ANY, SCHEMA_REQUIRED, "incidents with the model"),
    END,
};
static const struct schema incidents_schema = {"incidents", incidents_fields,
                                               true};

static const struct schema_field item_fields[] = {
    F("name", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY, "what it is"),
    F("note", SCHEMA_TEXT, 0, "where the figure comes from"),
    FE("per", pers, 0, "day (260 a year), week, month, quarter or year"),
    N("hours", "hours per person each period"),
    N("people", "how many people"),
    N("rate", "cost of an hour (people time, GPU time)"),
    N("amount", "money each period"),
    FM("incidents", incidents_schema, 0, "incidents before and after"),
    N("cost_per_incident", "what one incident costs"),
    N("gpu_hours", "GPU hours each period"),
    N("discount", "spot or committed-use discount, 0 to below 1"),
    N("tokens", "LLM tokens each period"),
    N("price_per_1k", "price of 1,000 tokens"),
    N("fte", "full-time equivalents"),
    N("salary", "yearly cost of one full-time equivalent"),
    END,
};
static const struct schema item_schema = {"a value item", item_fields, true};
static const struct schema_field item = FM("", item_schema, 0, NULL);

static const struct schema_field value_fields[] = {
    F("currency", SCHEMA_STR, 0, "ISO 4217 code; default the site's"),
    F("horizon_years", SCHEMA_NUM, SCHEMA_REQUIRED, "whole years, 0 to 100"),
    F("discount_rate", SCHEMA_NUM, SCHEMA_REQUIRED, "yearly, 0 to below 1"),
    F("notes", SCHEMA_TEXT, 0, "assumptions, in Markdown"),
    FL("one_time", item, 0, "spent once, at the start (year 0)"),
    FL("benefits", item, 0, "recurring benefits"),
    FL("costs", item, 0, "recurring costs"),
    END,
};
const struct schema schema_value = {"value.yaml", value_fields, true};

/* The maturity questions, one schema per component. The keys must be the
 * question ids of templates/lib/maturity.lua (test_value checks this). */
#define Q(k) F(k, SCHEMA_BOOL, 0, NULL)
#define NOTE F("note", SCHEMA_TEXT, 0, "what the answers rest on")

static const struct schema_field fs_fields[] = {
    Q("features_in_pipeline"), Q("shared_store"), Q("features_tested"),
    Q("skew_monitored"), NOTE, END,
};
static const struct schema fs_schema = {"the feature_store answers",
                                        fs_fields, true};
static const struct schema_field reg_fields[] = {
    Q("registry_used"), Q("promotion_automated"), Q("approval_linked"),
    NOTE, END,
};
static const struct schema reg_schema = {"the model_registry answers",
                                         reg_fields, true};
static const struct schema_field exp_fields[] = {
    Q("runs_logged"), Q("lineage"), Q("baseline_comparison"),
    Q("results_archived"), NOTE, END,
};
static const struct schema exp_schema = {"the experiment_tracking answers",
                                         exp_fields, true};
static const struct schema_field cicd_fields[] = {
    Q("pipeline_orchestrated"), Q("pipeline_tested"), Q("pipeline_deployed"),
    Q("release_gates"), NOTE, END,
};
static const struct schema cicd_schema = {"the ci_cd answers", cicd_fields,
                                          true};
static const struct schema_field mon_fields[] = {
    Q("service_monitored"), Q("drift_monitored"), Q("retraining_triggered"),
    Q("value_measured"), NOTE, END,
};
static const struct schema mon_schema = {"the monitoring answers", mon_fields,
                                         true};
static const struct schema_field gov_fields[] = {
    Q("inventory"), Q("docs_generated"), Q("decisions_audited"),
    Q("periodic_review"), NOTE, END,
};
static const struct schema gov_schema = {"the governance answers", gov_fields,
                                         true};

static const struct schema_field maturity_fields[] = {
    F("assessed_on", SCHEMA_DATE, 0, "day of the self-assessment"),
    F("assessed_by", SCHEMA_STR, 0, "who answered"),
    F("note", SCHEMA_TEXT, 0, NULL),
    FM("feature_store", fs_schema, 0, NULL),
    FM("model_registry", reg_schema, 0, NULL),
    FM("experiment_tracking", exp_schema, 0, NULL),
    FM("ci_cd", cicd_schema, 0, NULL),
    FM("monitoring", mon_schema, 0, NULL),
    FM("governance", gov_schema, 0, NULL),
    END,
};
static const struct schema maturity_schema = {"maturity", maturity_fields,
                                              true};

static const struct schema_field portfolio_fields[] = {
    F("currency", SCHEMA_STR, 0, "ISO 4217 code; default the site's"),
    F("horizon_years", SCHEMA_NUM, SCHEMA_REQUIRED, "whole years, 0 to 100"),
    F("discount_rate", SCHEMA_NUM, SCHEMA_REQUIRED, "yearly, 0 to below 1"),
    F("notes", SCHEMA_TEXT, 0, "assumptions, in Markdown"),
    FL("one_time", item, 0, "platform costs spent once, at the start"),
    FL("costs", item, 0, "recurring platform costs"),
    FM("maturity", maturity_schema, 0, "MLOps maturity self-assessment"),
    END,
};
const struct schema schema_portfolio = {"portfolio.yaml", portfolio_fields,
                                        true};

/* ---- unknown keys ------------------------------------------------------ */

/* Every key not declared in s, as an error with a did-you-mean, walking
 * into declared mappings and lists of mappings. */
static void
check_keys(const struct schema *s, const struct node *m, struct diag *d)
{
    if (!m || m->type != NODE_MAP)
        return;
    size_t nf = 0;
    while (s->fields[nf].key)
        nf++;
    for (size_t i = 0; i < m->n; i++) {
        const struct node *k = m->pairs[i].key;
        const struct node *v = m->pairs[i].value;
        const struct schema_field *f = NULL;
        for (size_t j = 0; j < nf && !f; j++)
            if (strcmp(s->fields[j].key, k->str) == 0)
                f = &s->fields[j];
        if (!f) {
            const char **names = xmalloc((nf + 1) * sizeof *names);
            for (size_t j = 0; j < nf; j++)
                names[j] = s->fields[j].key;
            const char *sug = diag_suggest(k->str, names, nf);
            if (sug)
                diag_error(d, &k->pos,
                           "unknown key '%s' in %s (did you mean '%s'?)",
                           k->str, s->name, sug);
            else
                diag_error(d, &k->pos, "unknown key '%s' in %s", k->str,
                           s->name);
            free(names);
            continue;
        }
        if (f->kind == SCHEMA_MAP && f->sub)
            check_keys(f->sub, v, d);
        else if (f->kind == SCHEMA_LIST && f->item &&
                 f->item->kind == SCHEMA_MAP && v->type == NODE_SEQ)
            for (size_t j = 0; j < v->n; j++)
                check_keys(f->item->sub, v->items[j], d);
    }
}

/* ---- numbers and triples ----------------------------------------------- */

/* A number as low, base and high (all three equal for a plain number),
 * with the node each came from. */
struct num {
    double v[3];
    const struct node *at[3];
};

/* "text 'abc'", "no value", "a list", ... for a node that should have been
 * a number. */
static const char *
describe(const struct node *n, char *b, size_t size)
{
    switch (n->type) {
    case NODE_NULL: return "no value";
    case NODE_SEQ: return "a list";
    case NODE_MAP: return "a mapping";
    case NODE_STR: snprintf(b, size, "text '%s'", n->str); return b;
    default: snprintf(b, size, "'%s'", n->str); return b;
    }
}

/* Reads v as a number or a [low, base, high] triple of numbers in order.
 * key and label name it in messages. Returns 0, or -1 after reporting. */
static int
read_num(const struct node *v, const char *key, const char *label,
         struct num *out, struct diag *d)
{
    char b[160];
    double x = 0;
    if (node_number(v, &x)) {
        if (!isfinite(x))
            return diag_error(d, &v->pos,
                              "'%s' for '%s' in %s is not a finite number",
                              v->str, key, label);
        for (int i = 0; i < 3; i++) {
            out->v[i] = x;
            out->at[i] = v;
        }
        return 0;
    }
    if (v->type != NODE_SEQ)
        return diag_error(d, &v->pos,
                          "%s for '%s' in %s; expected a number or a [low, "
                          "base, high] triple",
                          describe(v, b, sizeof b), key, label);
    if (v->n != 3)
        return diag_error(d, &v->pos,
                          "list of %zu value%s for '%s' in %s; expected a "
                          "number or a [low, base, high] triple",
                          v->n, v->n == 1 ? "" : "s", key, label);
    int rc = 0;
    for (int i = 0; i < 3; i++) {
        const struct node *e = v->items[i];
        x = 0;
        if (!node_number(e, &x))
            rc = diag_error(d, &e->pos,
                            "%s in the '%s' triple of %s is not a number",
                            describe(e, b, sizeof b), key, label);
        else if (!isfinite(x))
            rc = diag_error(d, &e->pos,
                            "'%s' in the '%s' triple of %s is not a finite "
                            "number",
                            e->str, key, label);
        out->v[i] = x;
        out->at[i] = e;
    }
    if (rc < 0)
        return rc;
    if (!(out->v[0] <= out->v[1] && out->v[1] <= out->v[2]))
        return diag_error(d, &v->pos,
                          "triple '[%s, %s, %s]' for '%s' in %s is not in "
                          "low ≤ base ≤ high order",
                          out->at[0]->str, out->at[1]->str, out->at[2]->str,
                          key, label);
    return 0;
}

/* Reads a number that must not be negative. */
static int
read_amount(const struct node *v, const char *key, const char *label,
            struct num *out, struct diag *d)
{
    if (read_num(v, key, label, out, d) < 0)
        return -1;
    for (int i = 0; i < 3; i++)
        if (out->v[i] < 0)
            return diag_error(d, &out->at[i]->pos,
                              "negative value '%s' for '%s' in %s (it must "
                              "be 0 or more)",
                              out->at[i]->str, key, label);
    return 0;
}

/* ---- items ------------------------------------------------------------- */

/* The kinds of item. An item is of the kind whose signature keys it has;
 * 'rate' and 'per' are shared and say nothing about the kind. */
struct kind {
    const char *noun;    /* "a GPU item" */
    const char *formula; /* its base, in the keys' own names */
    const char *sig[3];  /* keys that make an item this kind */
    const char *need[4]; /* inputs it must have */
    bool rate;           /* 'rate' is one of its inputs */
    bool per;            /* 'per' is allowed */
};

static const struct kind kinds[] = {
    {"a people-time item", "hours × people × rate", {"hours", "people"},
     {"hours", "people", "rate"}, true, true},
    {"an amount item", "amount", {"amount"}, {"amount"}, false, true},
    {"an incidents item",
     "(incidents.before − incidents.after) × cost_per_incident",
     {"incidents", "cost_per_incident"}, {"incidents", "cost_per_incident"},
     false, true},
    {"a GPU item", "gpu_hours × rate × (1 − discount)",
     {"gpu_hours", "discount"}, {"gpu_hours", "rate"}, true, true},
    {"a token item", "tokens / 1000 × price_per_1k",
     {"tokens", "price_per_1k"}, {"tokens", "price_per_1k"}, false, true},
    {"an fte item", "fte × salary", {"fte", "salary"}, {"fte", "salary"},
     false, false},
};
#define NKINDS (sizeof kinds / sizeof *kinds)

static const struct kind *
kind_of_key(const char *key)
{
    for (size_t i = 0; i < NKINDS; i++)
        for (size_t j = 0; j < 3 && kinds[i].sig[j]; j++)
            if (strcmp(kinds[i].sig[j], key) == 0)
                return &kinds[i];
    return NULL;
}

/* Inputs that are amounts, counts or prices: never negative. */
static const char *const amounts[] = {
    "hours", "people",       "rate", "amount", "cost_per_incident",
    "gpu_hours", "tokens", "price_per_1k", "fte", "salary",
};

struct section {
    const char *key;  /* in the file */
    const char *noun; /* in messages */
    bool once;        /* one-time: 'per' is not allowed */
};

static void
check_incidents(const struct node *it, const char *label, struct diag *d)
{
    const struct node *inc = node_get(it, "incidents");
    if (!inc || inc->type != NODE_MAP)
        return; /* the schema reported it */
    const struct node *bn = node_get(inc, "before");
    const struct node *an = node_get(inc, "after");
    struct num before, after;
    int rb = bn ? read_amount(bn, "before", label, &before, d) : -1;
    int ra = an ? read_amount(an, "after", label, &after, d) : -1;
    /* The fewest incidents before against the most after: the worst case
     * must still avoid incidents, not add them. */
    if (rb == 0 && ra == 0 && after.v[2] > before.v[0])
        diag_error(d, &after.at[2]->pos,
                   "'after' ('%s') is more than 'before' ('%s') in %s; "
                   "incidents avoided cannot be negative",
                   after.at[2]->str, before.at[0]->str, label);
}

static void
check_item(const struct node *it, const struct section *sec, size_t idx,
           struct diag *d)
{
    if (!it || it->type != NODE_MAP)
        return; /* the schema reported it */
    const char *name = node_get_str(it, "name");
    char *label = name && *name ? xasprintf("%s '%s'", sec->noun, name)
                                : xasprintf("%s %zu", sec->noun, idx + 1);

    /* Every number, whatever the kind turns out to be. */
    struct num n;
    for (size_t i = 0; i < sizeof amounts / sizeof *amounts; i++) {
        const struct node *v = node_get(it, amounts[i]);
        if (v)
            read_amount(v, amounts[i], label, &n, d);
    }
    const struct node *disc = node_get(it, "discount");
    if (disc && read_num(disc, "discount", label, &n, d) == 0) {
        for (int i = 0; i < 3; i++)
            if (!(n.v[i] >= 0 && n.v[i] < 1)) {
                diag_error(d, &n.at[i]->pos,
                           "discount '%s' is outside [0, 1) in %s (write "
                           "70%% off as 0.7)",
                           n.at[i]->str, label);
                break;
            }
    }
    check_incidents(it, label, d);

    /* The kind: keys in document order, so that a second kind is
     * reported where it starts. */
    const struct kind *k = NULL;
    const struct node *kkey = NULL;
    bool mixed = false;
    for (size_t i = 0; i < it->n && !mixed; i++) {
        const struct node *key = it->pairs[i].key;
        const struct kind *ki = kind_of_key(key->str);
        if (!ki)
            continue;
        if (!k) {
            k = ki;
            kkey = key;
        } else if (ki != k) {
            diag_error(d, &key->pos,
                       "%s matches two kinds: '%s' makes it %s and '%s' %s; "
                       "split it into two items",
                       label, kkey->str, k->noun, key->str, ki->noun);
            mixed = true;
        }
    }
    if (!k) {
        diag_error(d, &it->pos,
                   "%s matches no kind of item; give hours, people and rate; "
                   "amount; incidents and cost_per_incident; gpu_hours and "
                   "rate; tokens and price_per_1k; or fte and salary",
                   label);
    } else if (!mixed) {
        for (size_t j = 0; j < 4 && k->need[j]; j++)
            if (!node_get_pair(it, k->need[j]))
                diag_error(d, &it->pos, "missing '%s' for %s (%s is %s)",
                           k->need[j], label, k->noun, k->formula);
        const struct node_pair *rate = node_get_pair(it, "rate");
        if (rate && !k->rate)
            diag_error(d, &rate->key->pos, "'rate' does not apply to %s, %s",
                       label, k->noun);
    }
    const struct node_pair *per = node_get_pair(it, "per");
    if (per) {
        const char *pv = node_is_scalar(per->value) ? per->value->str : "";
        if (sec->once)
            diag_error(d, &per->key->pos,
                       "'per' ('%s') is not allowed on %s: it is spent once",
                       pv, label);
        else if (k && !mixed && !k->per)
            diag_error(d, &per->key->pos,
                       "'per' ('%s') is not allowed on %s, %s: salary is "
                       "already yearly",
                       pv, label, k->noun);
    }
    free(label);
}

static void
check_items(const struct node *root, const struct section *secs, size_t n,
            struct diag *d)
{
    for (size_t s = 0; s < n; s++) {
        const struct node *list = node_get(root, secs[s].key);
        if (!list || list->type != NODE_SEQ)
            continue; /* absent, or the schema reported it */
        for (size_t i = 0; i < list->n; i++)
            check_item(list->items[i], &secs[s], i, d);
    }
}

/* ---- the sheet as a whole ---------------------------------------------- */

static void
check_currency(const struct node *root, struct diag *d)
{
    const struct node *v = node_get(root, "currency");
    if (!v || !node_is_scalar(v) || v->type == NODE_NULL ||
        value_is_currency(v->str))
        return;
    char upper[8];
    size_t len = strlen(v->str);
    const char *sug = NULL;
    if (len == 3) {
        for (size_t i = 0; i <= len; i++)
            upper[i] = (char)(v->str[i] >= 'a' && v->str[i] <= 'z'
                                  ? v->str[i] - 'a' + 'A'
                                  : v->str[i]);
        if (value_is_currency(upper))
            sug = upper;
    }
    if (!sug)
        sug = diag_suggest(v->str, currencies, NCURRENCIES);
    if (sug)
        diag_error(d, &v->pos,
                   "currency '%s' is not an ISO 4217 code (did you mean "
                   "'%s'?)",
                   v->str, sug);
    else
        diag_error(d, &v->pos, "currency '%s' is not an ISO 4217 code",
                   v->str);
}

static void
check_horizon(const struct node *root, struct diag *d)
{
    const struct node *v = node_get(root, "horizon_years");
    double x;
    if (!v || !node_number(v, &x))
        return; /* the schema reported it */
    if (!isfinite(x) || x < 0 || floor(x) != x)
        diag_error(d, &v->pos, "horizon_years '%s' is not a whole number ≥ 0",
                   v->str);
    else if (x > 100)
        diag_error(d, &v->pos, "horizon_years '%s' is more than 100 years",
                   v->str);
}

static void
check_rate(const struct node *root, struct diag *d)
{
    const struct node *v = node_get(root, "discount_rate");
    double x;
    if (!v || !node_number(v, &x))
        return;
    if (!(x >= 0 && x < 1))
        diag_error(d, &v->pos,
                   "discount_rate '%s' is outside [0, 1) (write 8%% as 0.08)",
                   v->str);
}

static int
check_sheet(const struct schema *s, const struct section *secs, size_t nsecs,
            const struct node *root, const char *path, struct diag *d)
{
    size_t before = d->nerr;
    if (schema_check(s, root, path, d) < 0 && (!root || root->type != NODE_MAP))
        return -1;
    check_keys(s, root, d);
    check_currency(root, d);
    check_horizon(root, d);
    check_rate(root, d);
    check_items(root, secs, nsecs, d);
    return d->nerr > before ? -1 : 0;
}

int
value_check(const struct node *root, const char *path, struct diag *d)
{
    static const struct section secs[] = {
        {"one_time", "one-time cost", true},
        {"benefits", "benefit", false},
        {"costs", "cost", false},
    };
    return check_sheet(&schema_value, secs, 3, root, path, d);
}

int
value_check_portfolio(const struct node *root, const char *path,
                      struct diag *d)
{
    static const struct section secs[] = {
        {"one_time", "one-time platform cost", true},
        {"costs", "platform cost", false},
    };
    return check_sheet(&schema_portfolio, secs, 2, root, path, d);
}
