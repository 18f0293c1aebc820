/* hfcard: Hugging Face cards and .eval_results (see hfcard.h). */
#define _GNU_SOURCE
#include "hfcard.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cardtree.h"
#include "file.h"
#include "xmem.h"
#include "yml.h"

/* {======================================================= front matter */

struct split {
    bool present, closed;
    const char *fm;
    size_t fm_len;
    const char *body;
    size_t body_len;
    unsigned body_line;
};

/* True when line[0..len) is the marker, maybe followed by blanks. */
static bool
is_marker(const char *line, size_t len, const char *marker)
{
    size_t m = strlen(marker);
    if (len < m || memcmp(line, marker, m) != 0)
        return false;
    for (size_t i = m; i < len; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            return false;
    return true;
}

static void
split_front_matter(const char *text, size_t len, struct split *s)
{
    memset(s, 0, sizeof *s);
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    s->body = p;
    s->body_len = (size_t)(end - p);
    s->body_line = 1;
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!is_marker(p, (size_t)((eol ? eol : end) - p), "---"))
        return;
    s->present = true;
    if (!eol)
        return;
    s->fm = eol + 1;
    unsigned line = 1;
    for (const char *q = eol + 1; q < end;) {
        const char *e = memchr(q, '\n', (size_t)(end - q));
        const char *le = e ? e : end;
        line++;
        if (is_marker(q, (size_t)(le - q), "---") ||
            is_marker(q, (size_t)(le - q), "...")) {
            s->closed = true;
            s->fm_len = (size_t)(q - s->fm);
            s->body = e ? e + 1 : end;
            s->body_len = (size_t)(end - s->body);
            s->body_line = line + 1;
            return;
        }
        q = e ? e + 1 : end;
    }
}

bool
hfcard_file_has_results(const char *path)
{
    struct diag quiet;
    struct buf b;
    diag_init(&quiet);
    buf_init(&b);
    bool found = false;
    if (file_read(&quiet, NULL, path, HFCARD_MAX_BYTES, &b) == 0) {
        struct split s;
        split_front_matter(b.data, b.len, &s);
        const char *p = s.fm, *end = s.fm + s.fm_len;
        while (s.closed && p < end && !found) {
            found = strncmp(p, "model-index:", 12) == 0;
            const char *e = memchr(p, '\n', (size_t)(end - p));
            p = e ? e + 1 : end;
        }
    }
    buf_release(&b);
    diag_release(&quiet);
    return found;
}

/* }======================================================= */

/* {======================================================= body */

/* What the Markdown body says in the Hub template's fixed places. */
struct body {
    const struct node *title;    /* first level-1 heading */
    const struct node *summary;  /* first plain paragraph */
    const struct node *citation; /* first code block under "Citation" */
    const struct node *developed_by, *model_type, *license, *finetuned;
};

static const char *
skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static size_t
rtrim_len(const char *s, size_t len)
{
    while (len &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    return len;
}

/* Level of an ATX heading, 0 when the line is not one; *text is set to
 * its text. */
static int
heading(const char *p, const char *end, const char **text, size_t *tlen)
{
    const char *q = p;
    int indent = 0;
    while (q < end && *q == ' ' && indent < 4) {
        q++;
        indent++;
    }
    int level = 0;
    while (q < end && *q == '#' && level < 7) {
        q++;
        level++;
    }
    if (level == 0 || level > 6 || (q < end && *q != ' ' && *q != '\t'))
        return 0;
    q = skip_blanks(q, end);
    size_t n = rtrim_len(q, (size_t)(end - q));
    while (n && q[n - 1] == '#')
        n--;
    *text = q;
    *tlen = rtrim_len(q, n);
    return level;
}

/* A fence line: ``` or ~~~ (three or more) after at most three spaces.
 * Returns the fence length (0 when not a fence); *after is past it. */
static size_t
fence(const char *p, const char *end, char *ch, const char **after)
{
    const char *q = p;
    int indent = 0;
    while (q < end && *q == ' ' && indent < 4) {
        q++;
        indent++;
    }
    if (indent > 3 || q >= end || (*q != '`' && *q != '~'))
        return 0;
    size_t n = 0;
    while (q + n < end && q[n] == *q)
        n++;
    if (n < 3)
        return 0;
    *ch = *q;
    *after = q + n;
    return n;
}

static bool
plain_start(const char *p, const char *end)
{
    if (p >= end)
        return false;
    if (strchr("#<!|>-*+=_", *p))
        return false;
    if (*p == '[' && p + 1 < end && p[1] == '!')
        return false;
    const char *q = p;
    while (q < end && isdigit((unsigned char)*q))
        q++;
    return !(q > p && q < end && (*q == '.' || *q == ')'));
}

static struct node *
text_node(struct arena *a, const char *path, unsigned line, unsigned col,
          const char *s, size_t len)
{
    struct pos at = {path, line, col};
    struct node *n = cardtree_str(a, at, "");
    n->str = arena_strndup(a, s, len);
    n->len = len;
    return n;
}

/* "- **Label:** value", the Hub template's fact lines. */
static void
fact_line(struct arena *a, const char *path, unsigned line, const char *p,
          const char *end, struct body *b)
{
    const char *q = skip_blanks(p, end);
    if (q + 1 >= end || !strchr("-*+", *q) || (q[1] != ' ' && q[1] != '\t'))
        return;
    q = skip_blanks(q + 1, end);
    if (end - q < 4 || q[0] != '*' || q[1] != '*')
        return;
    const char *label = q + 2;
    const char *close = label;
    while (close + 1 < end && !(close[0] == '*' && close[1] == '*'))
        close++;
    if (close + 1 >= end)
        return;
    size_t llen = (size_t)(close - label);
    const char *v = close + 2;
    if (v < end && *v == ':')
        v++;
    else if (!(llen && label[llen - 1] == ':'))
        return;
    while (llen && (label[llen - 1] == ':' || label[llen - 1] == ' '))
        llen--;
    v = skip_blanks(v, end);
    size_t vlen = rtrim_len(v, (size_t)(end - v));
    if (!vlen ||
        (vlen == 25 && strncasecmp(v, "[More Information Needed]", 25) == 0))
        return;
    const struct node **slot = NULL;
    if (llen >= 12 && strncasecmp(label, "Developed by", 12) == 0)
        slot = &b->developed_by;
    else if (llen >= 10 && strncasecmp(label, "Model type", 10) == 0)
        slot = &b->model_type;
    else if (llen == 7 && strncasecmp(label, "License", 7) == 0)
        slot = &b->license;
    else if (llen >= 20 && strncasecmp(label, "Finetuned from model", 20) == 0)
        slot = &b->finetuned;
    if (slot && !*slot)
        *slot = text_node(a, path, line, (unsigned)(v - p) + 1, v, vlen);
}

struct scan {
    struct arena *a;
    const char *path;
    struct body *b;
    struct buf para;
    unsigned para_line;
};

static void
end_para(struct scan *sc)
{
    if (sc->para.len && !sc->b->summary)
        sc->b->summary = text_node(sc->a, sc->path, sc->para_line, 1,
                                   sc->para.data, sc->para.len);
    buf_reset(&sc->para);
}

static void
scan_body(struct arena *a, const char *path, const char *text, size_t len,
          unsigned first_line, struct body *b)
{
    memset(b, 0, sizeof *b);
    struct scan sc = {a, path, b, {NULL, 0, 0}, 0};
    const char *p = text, *end = text + len;
    unsigned line = first_line;
    char fch = 0;
    size_t flen = 0;      /* open fence length, 0 outside code */
    bool comment = false; /* inside <!-- --> */
    int cite_level = 0;   /* inside a "Citation" section */
    bool cite_code = false;
    struct buf code;
    unsigned code_line = 0;
    buf_init(&code);
    buf_init(&sc.para);
    for (;;) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        const char *le = e ? e : end;
        size_t ll = rtrim_len(p, (size_t)(le - p));
        const char *lend = p + ll, *q = skip_blanks(p, lend), *after = NULL;
        char ch = 0;
        size_t fl = fence(p, lend, &ch, &after);
        const char *ht;
        size_t hl;
        int level;
        if (comment) {
            end_para(&sc);
            comment = !memmem(p, ll, "-->", 3);
        } else if (flen) {
            if (fl >= flen && ch == fch && skip_blanks(after, lend) == lend) {
                flen = 0;
                if (cite_code && !b->citation && code.len)
                    b->citation = text_node(a, path, code_line, 1, code.data,
                                            code.len - 1);
                cite_code = false;
            } else if (cite_code) {
                if (!code.len)
                    code_line = line;
                buf_add(&code, p, ll);
                buf_putc(&code, '\n');
            }
        } else if (fl) {
            end_para(&sc);
            flen = fl;
            fch = ch;
            cite_code = cite_level > 0 && !b->citation;
            buf_reset(&code);
        } else if ((level = heading(p, lend, &ht, &hl))) {
            end_para(&sc);
            if (level == 1 && !b->title && hl)
                b->title =
                    text_node(a, path, line, (unsigned)(ht - p) + 1, ht, hl);
            if (hl >= 8 && strncasecmp(ht, "citation", 8) == 0)
                cite_level = level;
            else if (cite_level && level <= cite_level)
                cite_level = 0;
        } else if (lend - q >= 4 && memcmp(q, "<!--", 4) == 0) {
            end_para(&sc);
            comment = !memmem(q + 4, (size_t)(lend - q - 4), "-->", 3);
        } else if (q == lend) {
            end_para(&sc);
        } else {
            fact_line(a, path, line, p, lend, b);
            if (sc.para.len && plain_start(q, lend)) {
                buf_putc(&sc.para, '\n');
                buf_add(&sc.para, p, ll);
            } else if (sc.para.len) {
                end_para(&sc);
            } else if (!b->summary && p == q && plain_start(q, lend)) {
                sc.para_line = line;
                buf_add(&sc.para, p, ll);
            }
        }
        if (!e)
            break;
        p = e + 1;
        line++;
    }
    end_para(&sc);
    buf_release(&code);
    buf_release(&sc.para);
}

/* }======================================================= */

/* {======================================================= metrics */

static const char *
text_of(const struct node *m, const char *key)
{
    const struct node *n = cardtree_text(node_get(m, key));
    return n ? n->str : NULL;
}

static void
load_metric(struct arena *a, struct diag *d, const struct metric_eval *ev,
            const struct node *m, struct metric_set *out)
{
    if (m->type != NODE_MAP) {
        diag_warning(d, &m->pos, "metric is %s, not a mapping; skipped",
                     metrics_kind(m));
        return;
    }
    struct metric_value v;
    memset(&v, 0, sizeof v);
    v.source = "hf";
    v.eval = ev;
    v.label = text_of(m, "name");
    v.metric = text_of(m, "type");
    if (!v.metric)
        v.metric = v.label;
    if (!v.metric) {
        diag_warning(d, &m->pos,
                     "metric has neither 'type' nor 'name'; "
                     "skipped");
        return;
    }
    const struct node *value = node_get(m, "value");
    if (!value) {
        v.pos = m->pos;
        diag_warning(d, &m->pos, "metric '%s' has no value (missing)",
                     v.metric);
    } else {
        v.pos = value->pos;
        if (metrics_value_node(a, d, v.metric, value, &v) < 0)
            return;
    }
    const struct node *ver = node_get(m, "verified");
    if (ver && ver->type == NODE_BOOL) {
        v.verified = ver->v.b;
        v.has_verified = true;
    }
    *metrics_add_value(out, a) = v;
}

static void
load_result(struct arena *a, struct diag *d, const struct node *r,
            struct metric_set *out)
{
    if (r->type != NODE_MAP) {
        diag_warning(d, &r->pos, "result is %s, not a mapping; skipped",
                     metrics_kind(r));
        return;
    }
    const struct node *metrics = node_get(r, "metrics");
    if (!metrics || metrics->type != NODE_SEQ) {
        diag_warning(d, metrics ? &metrics->pos : &r->pos,
                     "result has no 'metrics' list; skipped");
        return;
    }
    const struct node *task = node_get(r, "task");
    const struct node *ds = node_get(r, "dataset");
    const struct node *src = node_get(r, "source");
    struct metric_eval *ev = arena_alloc(a, sizeof *ev);
    ev->task_type = text_of(task, "type");
    ev->task_name = text_of(task, "name");
    ev->dataset_type = text_of(ds, "type");
    ev->dataset_name = text_of(ds, "name");
    ev->dataset_config = text_of(ds, "config");
    ev->dataset_split = text_of(ds, "split");
    ev->dataset_revision = text_of(ds, "revision");
    ev->source_name = text_of(src, "name");
    ev->source_url = text_of(src, "url");
    ev->pos = r->pos;
    for (size_t i = 0; i < metrics->n; i++)
        load_metric(a, d, ev, metrics->items[i], out);
}

static void
load_model_index(struct arena *a, struct diag *d, const struct node *mi,
                 struct metric_set *out)
{
    if (mi->type != NODE_SEQ) {
        diag_warning(d, &mi->pos,
                     "'model-index' is %s, not a list; "
                     "skipped",
                     metrics_kind(mi));
        return;
    }
    for (size_t i = 0; i < mi->n; i++) {
        const struct node *e = mi->items[i];
        const struct node *results = node_get(e, "results");
        if (!results || results->type != NODE_SEQ) {
            diag_warning(d, results ? &results->pos : &e->pos,
                         "model-index entry has no 'results' list; skipped");
            continue;
        }
        for (size_t j = 0; j < results->n; j++)
            load_result(a, d, results->items[j], out);
    }
}

/* }======================================================= */

/* {======================================================= card tree */

static const struct node *
first_name(const struct node *mi)
{
    if (!mi || mi->type != NODE_SEQ || mi->n == 0)
        return NULL;
    return cardtree_text(node_get(mi->items[0], "name"));
}

/* base_model may be a list (merges name several); schema wants one. */
static const struct node *
one_string(struct arena *a, const struct node *n)
{
    if (!n || n->type != NODE_SEQ)
        return cardtree_text(n);
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < n->n; i++) {
        const struct node *it = cardtree_text(n->items[i]);
        if (!it)
            continue;
        if (b.len)
            buf_puts(&b, ", ");
        buf_puts(&b, it->str);
    }
    const struct node *r = NULL;
    if (n->n == 1)
        r = cardtree_text(n->items[0]);
    else if (b.len)
        r = cardtree_str(a, n->pos, b.data);
    buf_release(&b);
    return r;
}

static void
add_datasets(struct arena *a, struct node *card, const char *section,
             const struct node *list, struct pos at)
{
    if (!list)
        return;
    struct node *data = cardtree_submap(a, card, section, at);
    struct node *seq = cardtree_subseq(a, data, "datasets", at);
    for (size_t i = 0; i < list->n; i++) {
        const struct node *name = list->items[i];
        bool dup = false;
        for (size_t j = 0; j < seq->n && !dup; j++)
            dup = strcmp(node_get_str(seq->items[j], "name"), name->str) == 0;
        if (dup)
            continue;
        struct node *ds = cardtree_map(a, name->pos);
        cardtree_put(a, ds, "name", name->pos, name);
        cardtree_push(a, seq, ds);
    }
}

/* Dataset names of the model-index results, in order, for
 * evaluation_data. */
static const struct node *
eval_datasets(struct arena *a, const struct node *mi)
{
    if (!mi || mi->type != NODE_SEQ)
        return NULL;
    struct pos none = {NULL, 0, 0};
    struct node *names = cardtree_seq(a, none);
    for (size_t i = 0; i < mi->n; i++) {
        const struct node *res = node_get(mi->items[i], "results");
        for (size_t j = 0; res && res->type == NODE_SEQ && j < res->n; j++) {
            const struct node *ds = node_get(res->items[j], "dataset");
            const struct node *n = cardtree_text(node_get(ds, "name"));
            if (!n)
                n = cardtree_text(node_get(ds, "type"));
            cardtree_push(a, names, n);
        }
    }
    return names->n ? names : NULL;
}

static struct pos
key_pos(const struct node *m, const char *key, struct pos dflt)
{
    const struct node_pair *p = node_get_pair(m, key);
    return p ? p->key->pos : dflt;
}

static struct node *
build_card(struct arena *a, const char *path, const struct node *fm,
           const struct body *b)
{
    struct pos top = fm ? fm->pos : (struct pos){path, 1, 1};
    struct node *card = cardtree_map(a, top);
    const struct node *mi = node_get(fm, "model-index");
    cardtree_put(a, card, "name", key_pos(fm, "model-index", top),
                 first_name(mi));
    if (b->title)
        cardtree_put(a, card, "name", b->title->pos, b->title);
    if (b->summary)
        cardtree_put(a, card, "summary", b->summary->pos, b->summary);

    struct node *det = cardtree_submap(a, card, "details", top);
    if (b->developed_by) {
        struct node *devs = cardtree_seq(a, b->developed_by->pos);
        cardtree_push(a, devs, b->developed_by);
        cardtree_put(a, det, "developers", b->developed_by->pos, devs);
    }
    if (b->model_type)
        cardtree_put(a, det, "model_type", b->model_type->pos, b->model_type);
    const struct node *lic = cardtree_text(node_get(fm, "license"));
    if (lic && strcmp(lic->str, "other") == 0 &&
        cardtree_text(node_get(fm, "license_name")))
        lic = cardtree_text(node_get(fm, "license_name"));
    cardtree_put(a, det, "license", key_pos(fm, "license", top), lic);
    if (b->license)
        cardtree_put(a, det, "license", b->license->pos, b->license);
    cardtree_put(a, det, "base_model", key_pos(fm, "base_model", top),
                 one_string(a, node_get(fm, "base_model")));
    if (b->finetuned)
        cardtree_put(a, det, "base_model", b->finetuned->pos, b->finetuned);
    if (b->citation)
        cardtree_put(a, det, "citation", b->citation->pos, b->citation);

    add_datasets(a, card, "training_data",
                 cardtree_strings(a, node_get(fm, "datasets")),
                 key_pos(fm, "datasets", top));
    add_datasets(a, card, "evaluation_data", eval_datasets(a, mi),
                 key_pos(fm, "model-index", top));
    cardtree_put(a, card, "tags", key_pos(fm, "tags", top),
                 cardtree_strings(a, node_get(fm, "tags")));
    cardtree_put(a, card, "language", key_pos(fm, "language", top),
                 cardtree_strings(a, node_get(fm, "language")));
    cardtree_put(a, card, "pipeline_tag", key_pos(fm, "pipeline_tag", top),
                 cardtree_text(node_get(fm, "pipeline_tag")));
    cardtree_prune(card);
    return card->n ? card : NULL;
}

/* }======================================================= */

int
hfcard_parse(struct arena *a, struct diag *d, const char *path,
             const char *text, size_t len, struct node **card,
             char **narrative_md, unsigned *narrative_line,
             struct metric_set *out)
{
    struct split s;
    split_front_matter(text, len, &s);
    if (card)
        *card = NULL;
    if (narrative_md)
        *narrative_md = arena_strndup(a, s.body, s.body_len);
    if (narrative_line)
        *narrative_line = s.body_line;
    if (s.present && !s.closed) {
        struct pos at = {path, 1, 1};
        return diag_error(d, &at, "front matter is not closed by a '---' line");
    }
    struct node *fm = NULL;
    if (s.present && yml_parse(a, d, path, s.fm, s.fm_len, 2, &fm) < 0)
        return -1;
    if (fm && fm->type != NODE_MAP)
        return diag_error(d, &fm->pos, "front matter is %s, not a mapping",
                          metrics_kind(fm));
    if (fm && out) {
        const struct node *mi = node_get(fm, "model-index");
        if (mi)
            load_model_index(a, d, mi, out);
    }
    if (card) {
        struct body b;
        scan_body(a, path, s.body, s.body_len, s.body_line, &b);
        *card = build_card(a, path, fm, &b);
    }
    return 0;
}

int
hfcard_load(struct arena *a, struct diag *d, const char *path,
            struct node **card, char **narrative_md, unsigned *narrative_line,
            struct metric_set *out)
{
    struct buf b;
    buf_init(&b);
    if (card)
        *card = NULL;
    if (narrative_md)
        *narrative_md = NULL;
    if (narrative_line)
        *narrative_line = 0;
    if (file_read(d, NULL, path, HFCARD_MAX_BYTES, &b) < 0) {
        buf_release(&b);
        return -1;
    }
    int rc = hfcard_parse(a, d, path, b.data, b.len, card, narrative_md,
                          narrative_line, out);
    buf_release(&b);
    return rc;
}

/* {======================================================= .eval_results */

bool
hfcard_eval_results_match(const struct node *root)
{
    if (!root || root->type != NODE_SEQ)
        return false;
    for (size_t i = 0; i < root->n; i++)
        if (root->items[i]->type == NODE_MAP)
            return node_get(root->items[i], "dataset") &&
                   node_get(root->items[i], "value");
    return false;
}

int
hfcard_eval_results_node(struct arena *a, struct diag *d,
                         const struct node *root, struct metric_set *out)
{
    for (size_t i = 0; i < root->n; i++) {
        const struct node *it = root->items[i];
        if (it->type != NODE_MAP) {
            diag_warning(d, &it->pos,
                         "result is %s, not a mapping; "
                         "skipped",
                         metrics_kind(it));
            continue;
        }
        const struct node *ds = node_get(it, "dataset");
        const struct node *src = node_get(it, "source");
        struct metric_eval *ev = arena_alloc(a, sizeof *ev);
        ev->dataset_type = text_of(ds, "id");
        ev->task_type = text_of(ds, "task_id");
        ev->dataset_revision = text_of(ds, "revision");
        ev->date = text_of(it, "date");
        ev->notes = text_of(it, "notes");
        ev->source_name = text_of(src, "name");
        ev->source_url = text_of(src, "url");
        ev->pos = it->pos;
        struct metric_value v;
        memset(&v, 0, sizeof v);
        v.source = "hf-eval";
        v.eval = ev;
        v.metric = ev->task_type ? ev->task_type : ev->dataset_type;
        if (!v.metric) {
            diag_warning(d, ds ? &ds->pos : &it->pos,
                         "result has no 'dataset.id'; skipped");
            continue;
        }
        const struct node *value = node_get(it, "value");
        v.pos = value ? value->pos : it->pos;
        if (!value)
            diag_warning(d, &it->pos, "metric '%s' has no value (missing)",
                         v.metric);
        else if (metrics_value_node(a, d, v.metric, value, &v) < 0)
            continue;
        if (ev->date && metrics_parse_time(ev->date, &v.timestamp_ms) == 0)
            v.has_timestamp = true;
        *metrics_add_value(out, a) = v;
    }
    return 0;
}

int
hfcard_load_eval_results(struct arena *a, struct diag *d, const char *path,
                         struct metric_set *out)
{
    struct metrics_mark m = metrics_file_begin(out, d);
    struct node *root;
    if (yml_load_file(a, d, path, &root) < 0)
        return -1;
    if (!hfcard_eval_results_match(root)) {
        struct pos at = {path, root ? root->pos.line : 0, root ? 1 : 0};
        return diag_error(d, &at,
                          "not a Hugging Face .eval_results file (a list of "
                          "{dataset, value})");
    }
    hfcard_eval_results_node(a, d, root, out);
    return metrics_file_end(out, d, m, path);
}

/* }======================================================= */
