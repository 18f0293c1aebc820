/* mct: Model Card Toolkit JSON to values and a card tree (see mct.h). */
#include "mct.h"

#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cardtree.h"
#include "json.h"

/* The part at key when it has the expected type; a warning when it is
 * there with another type. */
static const struct node *
part(struct diag *d, const struct node *m, const char *key, enum node_type want)
{
    const struct node *n = node_get(m, key);
    if (!n || n->type == NODE_NULL)
        return NULL;
    if (n->type == want)
        return n;
    diag_warning(d, &n->pos, "'%s' is %s, not %s; skipped", key,
                 metrics_kind(n), want == NODE_MAP ? "an object" : "a list");
    return NULL;
}

static const struct node *
text(const struct node *m, const char *key)
{
    return cardtree_text(node_get(m, key));
}

/* The text of an item that is a string or an object holding field (or
 * else field2, when not NULL). */
static const struct node *
item_text(struct diag *d, const struct node *it, const char *field,
          const char *field2)
{
    if (node_is_scalar(it))
        return cardtree_text(it);
    if (it->type == NODE_MAP) {
        const struct node *t = text(it, field);
        return t || !field2 ? t : text(it, field2);
    }
    diag_warning(d, &it->pos, "item is %s, not a string or {%s}; skipped",
                 metrics_kind(it), field);
    return NULL;
}

/* A list of strings or {field: ...} objects (0.0.1 used strings, 0.0.2
 * objects), or one of them alone, as a list of strings. */
static const struct node *
texts2(struct arena *a, struct diag *d, const struct node *m, const char *key,
       const char *field, const char *field2)
{
    const struct node *n = node_get(m, key);
    if (!n || n->type == NODE_NULL)
        return NULL;
    struct node *out = cardtree_seq(a, n->pos);
    if (n->type == NODE_SEQ) {
        for (size_t i = 0; i < n->n; i++)
            cardtree_push(a, out, item_text(d, n->items[i], field, field2));
    } else {
        cardtree_push(a, out, item_text(d, n, field, field2));
    }
    return out->n ? out : NULL;
}

static const struct node *
texts(struct arena *a, struct diag *d, const struct node *m, const char *key,
      const char *field)
{
    return texts2(a, d, m, key, field, NULL);
}

/* Several strings as one (licenses, citations), the single one as is. */
static const struct node *
joined(struct arena *a, const struct node *list, const char *sep)
{
    if (!list || list->n == 0)
        return NULL;
    if (list->n == 1)
        return list->items[0];
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < list->n; i++) {
        if (i)
            buf_puts(&b, sep);
        buf_puts(&b, list->items[i]->str);
    }
    const struct node *r = cardtree_str(a, list->pos, b.data);
    buf_release(&b);
    return r;
}

static struct pos
key_pos(const struct node *m, const char *key, struct pos dflt)
{
    const struct node_pair *p = node_get_pair(m, key);
    return p ? p->key->pos : dflt;
}

static void
add_dataset(struct arena *a, struct diag *d, struct node *card,
            const char *section, const struct node *ds, struct pos at)
{
    if (!ds || ds->type == NODE_NULL)
        return;
    if (ds->type != NODE_MAP) {
        diag_warning(d, &ds->pos, "dataset is %s, not an object; skipped",
                     metrics_kind(ds));
        return;
    }
    const struct node *name = text(ds, "name");
    if (!name) {
        diag_warning(d, &ds->pos, "dataset has no 'name'; skipped");
        return;
    }
    struct node *data = cardtree_submap(a, card, section, at);
    struct node *seq = cardtree_subseq(a, data, "datasets", at);
    struct node *m = cardtree_map(a, ds->pos);
    cardtree_put(a, m, "name", key_pos(ds, "name", ds->pos), name);
    cardtree_put(a, m, "description", key_pos(ds, "description", ds->pos),
                 text(ds, "description"));
    cardtree_put(a, m, "link", key_pos(ds, "link", ds->pos), text(ds, "link"));
    cardtree_push(a, seq, m);
}

static void
build_data(struct arena *a, struct diag *d, struct node *card,
           const struct node *mp)
{
    const struct node *data = node_get(mp, "data");
    if (!data || data->type == NODE_NULL)
        return;
    struct pos at = key_pos(mp, "data", data->pos);
    if (data->type == NODE_MAP) {
        /* 0.0.1: {train, eval} */
        add_dataset(a, d, card, "training_data", node_get(data, "train"), at);
        add_dataset(a, d, card, "evaluation_data", node_get(data, "eval"), at);
    } else if (data->type == NODE_SEQ) {
        /* 0.0.2 does not say what a dataset was used for. */
        for (size_t i = 0; i < data->n; i++)
            add_dataset(a, d, card, "training_data", data->items[i], at);
    } else {
        diag_warning(d, &data->pos, "'data' is %s, not a list; skipped",
                     metrics_kind(data));
    }
}

static void
build_ethics(struct arena *a, struct diag *d, struct node *card,
             const struct node *co)
{
    const struct node *ec = part(d, co, "ethical_considerations", NODE_SEQ);
    if (!ec)
        return;
    struct node *seq =
        cardtree_subseq(a, card, "ethical_considerations",
                        key_pos(co, "ethical_considerations", ec->pos));
    for (size_t i = 0; i < ec->n; i++) {
        const struct node *r = ec->items[i];
        if (r->type != NODE_MAP) {
            diag_warning(d, &r->pos, "risk is %s, not an object; skipped",
                         metrics_kind(r));
            continue;
        }
        const struct node *name = text(r, "name");
        if (!name) {
            diag_warning(d, &r->pos, "risk has no 'name'; skipped");
            continue;
        }
        struct node *m = cardtree_map(a, r->pos);
        cardtree_put(a, m, "name", key_pos(r, "name", r->pos), name);
        cardtree_put(a, m, "mitigation",
                     key_pos(r, "mitigation_strategy", r->pos),
                     text(r, "mitigation_strategy"));
        cardtree_push(a, seq, m);
    }
}

static struct node *
build_card(struct arena *a, struct diag *d, const struct node *root,
           const struct node *md, const struct node *mp, const struct node *co)
{
    struct node *card = cardtree_map(a, root->pos);
    struct pos top = md ? md->pos : root->pos;
    cardtree_put(a, card, "name", key_pos(md, "name", top), text(md, "name"));
    cardtree_put(a, card, "summary", key_pos(md, "overview", top),
                 text(md, "overview"));

    struct node *det = cardtree_submap(a, card, "details", top);
    cardtree_put(a, det, "description", key_pos(md, "documentation", top),
                 text(md, "documentation"));
    cardtree_put(a, det, "developers", key_pos(md, "owners", top),
                 texts(a, d, md, "owners", "name"));
    cardtree_put(a, det, "architecture", key_pos(mp, "model_architecture", top),
                 text(mp, "model_architecture"));
    /* 0.0.1: license (a string); 0.0.2: licenses [{identifier}] */
    cardtree_put(
        a, det, "license", key_pos(md, "licenses", top),
        joined(a, texts2(a, d, md, "licenses", "identifier", "custom_text"),
               ", "));
    cardtree_put(
        a, det, "license", key_pos(md, "license", top),
        joined(a, texts2(a, d, md, "license", "identifier", "custom_text"),
               ", "));
    /* 0.0.1: citation (a string); 0.0.2: citations [{citation}]; the
     * toolkit's own test card has citation: {citation} */
    cardtree_put(a, det, "citation", key_pos(md, "citations", top),
                 joined(a, texts(a, d, md, "citations", "citation"), "\n\n"));
    cardtree_put(a, det, "citation", key_pos(md, "citation", top),
                 joined(a, texts(a, d, md, "citation", "citation"), "\n\n"));

    struct node *use = cardtree_submap(a, card, "intended_use", top);
    cardtree_put(a, use, "primary_uses", key_pos(co, "use_cases", top),
                 texts(a, d, co, "use_cases", "description"));
    cardtree_put(a, use, "primary_users", key_pos(co, "users", top),
                 texts(a, d, co, "users", "description"));

    build_data(a, d, card, mp);
    build_ethics(a, d, card, co);

    /* Limitations and tradeoffs are both what model.yaml calls caveats. */
    const struct node *lim = texts(a, d, co, "limitations", "description");
    const struct node *tra = texts(a, d, co, "tradeoffs", "description");
    if (lim || tra) {
        struct node *cav = cardtree_seq(a, lim ? lim->pos : tra->pos);
        for (size_t i = 0; lim && i < lim->n; i++)
            cardtree_push(a, cav, lim->items[i]);
        for (size_t i = 0; tra && i < tra->n; i++)
            cardtree_push(a, cav, tra->items[i]);
        cardtree_put(a, card, "caveats",
                     key_pos(co, lim ? "limitations" : "tradeoffs", top), cav);
    }
    cardtree_prune(card);
    return card->n ? card : NULL;
}

static bool
bound(const struct node *n, double *out)
{
    bool pct;
    return n && node_is_scalar(n) && n->type != NODE_NULL &&
           metrics_parse_number(n->str, n->len, out, &pct) == METRICS_NUM_OK;
}

static void
load_ci(struct diag *d, const struct node *ci, struct metric_value *v)
{
    if (!ci || ci->type == NODE_NULL)
        return;
    if (ci->type != NODE_MAP) {
        diag_warning(d, &ci->pos,
                     "'confidence_interval' is %s, not an object; ignored",
                     metrics_kind(ci));
        return;
    }
    const struct node *lo = node_get(ci, "lower_bound");
    const struct node *hi = node_get(ci, "upper_bound");
    if (!bound(lo, &v->ci_low) || !bound(hi, &v->ci_high)) {
        const struct node *bad = bound(lo, &v->ci_low) ? hi : lo;
        diag_warning(d, bad ? &bad->pos : &ci->pos,
                     "confidence bound '%s' of metric '%s' is not a number; "
                     "interval ignored",
                     bad && node_is_scalar(bad) ? bad->str : "", v->metric);
        return;
    }
    v->has_ci = true;
    if (v->ci_low > v->ci_high)
        diag_warning(d, &ci->pos,
                     "confidence interval of metric '%s' has its lower "
                     "bound '%s' above its upper bound '%s'",
                     v->metric, lo->str, hi->str);
    else if (v->has_value && (v->value < v->ci_low || v->value > v->ci_high))
        diag_warning(d, &ci->pos,
                     "value '%s' of metric '%s' lies outside its confidence "
                     "interval ['%s', '%s']",
                     v->raw, v->metric, lo->str, hi->str);
}

static void
load_metrics(struct arena *a, struct diag *d, const struct node *qa,
             const char *version, struct metric_set *out)
{
    const struct node *pm = part(d, qa, "performance_metrics", NODE_SEQ);
    for (size_t i = 0; pm && i < pm->n; i++) {
        const struct node *it = pm->items[i];
        if (it->type != NODE_MAP) {
            diag_warning(d, &it->pos,
                         "performance metric is %s, not an "
                         "object; skipped",
                         metrics_kind(it));
            continue;
        }
        struct metric_value v;
        memset(&v, 0, sizeof v);
        v.source = "mct";
        v.version = version;
        const struct node *type = text(it, "type");
        if (!type) {
            diag_warning(d, &it->pos,
                         "performance metric has no 'type'; skipped");
            continue;
        }
        v.metric = type->str;
        const struct node *value = node_get(it, "value");
        v.pos = value ? value->pos : it->pos;
        if (!value)
            diag_warning(d, &it->pos, "metric '%s' has no value (missing)",
                         v.metric);
        else if (metrics_value_node(a, d, v.metric, value, &v) < 0)
            continue;
        /* "overall" is how the toolkit names the unsliced value. */
        const struct node *sl = text(it, "slice");
        if (sl && strcasecmp(sl->str, "overall") != 0)
            v.slice = sl->str;
        load_ci(d, node_get(it, "confidence_interval"), &v);
        *metrics_add_value(out, a) = v;
    }
}

bool
mct_matches(const struct node *root)
{
    return root && root->type == NODE_MAP &&
           (node_get(root, "model_details") ||
            node_get(root, "quantitative_analysis") ||
            node_get(root, "considerations"));
}

int
mct_from_node(struct arena *a, struct diag *d, const struct node *root,
              struct node **card, struct metric_set *out)
{
    if (card)
        *card = NULL;
    if (root->type != NODE_MAP)
        return diag_error(d, &root->pos, "model card is %s, not a JSON object",
                          metrics_kind(root));
    const struct node *sv = text(root, "schema_version");
    if (sv && strcmp(sv->str, "0.0.1") != 0 && strcmp(sv->str, "0.0.2") != 0)
        diag_warning(d, &sv->pos, "unknown schema_version '%s'; read as 0.0.2",
                     sv->str);
    const struct node *md = part(d, root, "model_details", NODE_MAP);
    const struct node *mp = part(d, root, "model_parameters", NODE_MAP);
    const struct node *qa = part(d, root, "quantitative_analysis", NODE_MAP);
    const struct node *co = part(d, root, "considerations", NODE_MAP);
    const struct node *ver = node_get(md, "version");
    const struct node *vname =
        ver && ver->type == NODE_MAP ? text(ver, "name") : cardtree_text(ver);
    if (out && qa)
        load_metrics(a, d, qa, vname ? vname->str : NULL, out);
    if (card)
        *card = build_card(a, d, root, md, mp, co);
    return 0;
}

int
mct_load(struct arena *a, struct diag *d, const char *path, struct node **card,
         struct metric_set *out)
{
    size_t nerr = d->nerr;
    struct node *root;
    if (card)
        *card = NULL;
    if (json_load_file(a, d, path, &root) < 0)
        return -1;
    struct pos at = {path, 0, 0};
    if (!root)
        return diag_error(d, &at, "file is empty");
    size_t nv = out ? out->nvalues : 0;
    struct node *c = NULL;
    if (mct_from_node(a, d, root, &c, out) < 0)
        return -1;
    if (card)
        *card = c;
    if (!c && (!out || out->nvalues == nv))
        return diag_error(d, &at,
                          "no model card fields or metrics could be "
                          "read");
    return d->nerr > nerr ? -1 : 0;
}
