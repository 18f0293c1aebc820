/* facts: a model's imported metrics, kept between builds (see facts.h).
 *
 * A record is a text header, then little records of fixed-size numbers
 * and string references into a table of every distinct string, so that
 * the path of a file shared by a hundred values is stored once:
 *
 *   "dossier-facts 1\n" "<kind> <64-hex key>\n"  (kind: metrics, compliance)
 *   strings   u32 n, then n x (u32 length, bytes)
 *   inputs    u32 n, then n x (str rel, u64 size, 64 bytes SHA-256)
 *   evals     u32 n, then n x (11 str, pos)
 *   values    u32 n, then n x value
 *   runs      u32 n, then n x run
 *   diags     u32 n, then n x (u8 level, pos, str message)
 *   "end\n"
 *
 * A string reference is 0 for NULL, else its index + 1; a pos is (str
 * path, u32 line, u32 col). Numbers are in the machine's own order: the
 * key includes the program's identity, so a record is only ever read by
 * the program that wrote it. */
#include "facts.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "compliance.h"
#include "xmem.h"

#define FACTS_MAGIC "dossier-facts 1\n"

void
facts_inputs_add(struct facts_inputs *l, const char *rel, size_t size,
                 const char *sha256)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct facts_input *x = &l->v[l->n++];
    x->rel = rel;
    x->size = size;
    memcpy(x->sha256, sha256, 65);
}

/* {======================================================= encoding */

struct enc {
    struct buf *out;
    struct buf body;        /* everything after the string table */
    GHashTable *ix;         /* string -> index + 1 */
    const char **strs;
    size_t nstrs, capstrs;
};

static void
put_u32(struct buf *b, uint32_t v)
{
    buf_add(b, (const char *)&v, sizeof v);
}

static void
put_u64(struct buf *b, uint64_t v)
{
    buf_add(b, (const char *)&v, sizeof v);
}

static void
put_f64(struct buf *b, double v)
{
    buf_add(b, (const char *)&v, sizeof v);
}

static void
put_str(struct enc *e, const char *s)
{
    if (!s) {
        put_u32(&e->body, 0);
        return;
    }
    gpointer v = g_hash_table_lookup(e->ix, s);
    if (!v) {
        if (e->nstrs == e->capstrs) {
            e->capstrs = e->capstrs ? e->capstrs * 2 : 64;
            e->strs = xrealloc(e->strs, e->capstrs * sizeof *e->strs);
        }
        e->strs[e->nstrs++] = s;
        v = (gpointer)(uintptr_t)e->nstrs;
        g_hash_table_insert(e->ix, (gpointer)s, v);
    }
    put_u32(&e->body, (uint32_t)(uintptr_t)v);
}

static void
put_pos(struct enc *e, const struct pos *p)
{
    put_str(e, p->path);
    put_u32(&e->body, p->line);
    put_u32(&e->body, p->col);
}

static void
put_eval(struct enc *e, const struct metric_eval *v)
{
    const char *f[] = {v->task_type,      v->task_name,
                       v->dataset_type,   v->dataset_name,
                       v->dataset_config, v->dataset_split,
                       v->dataset_revision, v->source_name,
                       v->source_url,     v->date,
                       v->notes};
    for (size_t i = 0; i < 11; i++)
        put_str(e, f[i]);
    put_pos(e, &v->pos);
}

/* A history point as stored: value, step, timestamp, line. */
#define POINT_BYTES 28

/* Flags of a value, one bit each. */
enum {
    F_HAS_VALUE = 1, F_PERCENT = 2, F_HAS_STEP = 4, F_HAS_TIMESTAMP = 8,
    F_HAS_CI = 16, F_VERIFIED = 32, F_HAS_VERIFIED = 64,
    R_HAS_START = 1, R_HAS_END = 2, R_DELETED = 4,
};

static void
put_kvs(struct enc *e, const struct metric_kv *kv, size_t n)
{
    put_u32(&e->body, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        put_str(e, kv[i].key);
        put_str(e, kv[i].value);
        put_pos(e, &kv[i].pos);
    }
}

static void
put_inputs(struct enc *e, const struct facts_input *in, size_t nin)
{
    put_u32(&e->body, (uint32_t)nin);
    for (size_t i = 0; i < nin; i++) {
        put_str(e, in[i].rel);
        put_u64(&e->body, in[i].size);
        buf_add(&e->body, in[i].sha256, 64);
    }
}

static void
put_diags(struct enc *e, const struct diag *d, size_t d0)
{
    put_u32(&e->body, (uint32_t)(d->n - d0));
    for (size_t i = d0; i < d->n; i++) {
        const struct diag_entry *x = &d->v[i];
        buf_putc(&e->body, (char)x->level);
        struct pos p = {x->path, x->line, x->col};
        put_pos(e, &p);
        put_str(e, x->msg);
    }
}

static void
enc_begin(struct enc *e, struct buf *out)
{
    memset(e, 0, sizeof *e);
    e->out = out;
    e->ix = g_hash_table_new(g_str_hash, g_str_equal);
    buf_init(&e->body);
}

/* Writes the header, the string table and the body to out. */
static void
enc_finish(struct enc *e, const char *kind, const char *key)
{
    struct buf *out = e->out;
    buf_puts(out, FACTS_MAGIC);
    buf_printf(out, "%s %.64s\n", kind, key);
    put_u32(out, (uint32_t)e->nstrs);
    for (size_t i = 0; i < e->nstrs; i++) {
        size_t n = strlen(e->strs[i]);
        put_u32(out, (uint32_t)n);
        buf_add(out, e->strs[i], n);
    }
    buf_add(out, e->body.data, e->body.len);
    buf_puts(out, "end\n");
    buf_release(&e->body);
    free(e->strs);
    g_hash_table_destroy(e->ix);
}

void
facts_encode(struct buf *out, const char *key, const struct facts_input *in,
             size_t nin, const struct metric_set *s, size_t v0, size_t r0,
             const struct diag *d, size_t d0)
{
    struct enc e;
    enc_begin(&e, out);
    struct buf *b = &e.body;
    put_inputs(&e, in, nin);

    /* the evaluations the values point to, numbered in order of use */
    GHashTable *evals = g_hash_table_new(g_direct_hash, g_direct_equal);
    const struct metric_eval **ev = NULL;
    size_t nev = 0;
    for (size_t i = v0; i < s->nvalues; i++) {
        const struct metric_eval *x = s->values[i].eval;
        if (x && !g_hash_table_contains(evals, x)) {
            ev = xrealloc(ev, (nev + 1) * sizeof *ev);
            ev[nev++] = x;
            g_hash_table_insert(evals, (gpointer)x,
                                (gpointer)(uintptr_t)nev);
        }
    }
    put_u32(b, (uint32_t)nev);
    for (size_t i = 0; i < nev; i++)
        put_eval(&e, ev[i]);

    put_u32(b, (uint32_t)(s->nvalues - v0));
    for (size_t i = v0; i < s->nvalues; i++) {
        const struct metric_value *v = &s->values[i];
        put_str(&e, v->version);
        put_str(&e, v->run_id);
        put_str(&e, v->run_name);
        put_str(&e, v->metric);
        put_str(&e, v->label);
        put_str(&e, v->slice);
        put_str(&e, v->raw);
        put_str(&e, v->source);
        put_f64(b, v->value);
        put_u64(b, (uint64_t)v->step);
        put_u64(b, (uint64_t)v->timestamp_ms);
        put_f64(b, v->ci_low);
        put_f64(b, v->ci_high);
        put_u32(b, (v->has_value ? F_HAS_VALUE : 0) |
                       (v->percent ? F_PERCENT : 0) |
                       (v->has_step ? F_HAS_STEP : 0) |
                       (v->has_timestamp ? F_HAS_TIMESTAMP : 0) |
                       (v->has_ci ? F_HAS_CI : 0) |
                       (v->verified ? F_VERIFIED : 0) |
                       (v->has_verified ? F_HAS_VERIFIED : 0));
        put_u32(b, v->eval ? (uint32_t)(uintptr_t)g_hash_table_lookup(
                                 evals, v->eval)
                           : 0);
        put_pos(&e, &v->pos);
        put_u32(b, (uint32_t)v->nhistory);
        /* a store can hold millions of points: room once, then copies */
        buf_grow(b, v->nhistory * POINT_BYTES);
        char *at = b->data + b->len;
        for (size_t k = 0; k < v->nhistory; k++) {
            const struct metric_point *pt = &v->history[k];
            int64_t step = pt->step, ts = pt->timestamp_ms;
            memcpy(at, &pt->value, 8);
            memcpy(at + 8, &step, 8);
            memcpy(at + 16, &ts, 8);
            memcpy(at + 24, &pt->line, 4);
            at += POINT_BYTES;
        }
        b->len += v->nhistory * POINT_BYTES;
        b->data[b->len] = '\0';
    }
    g_hash_table_destroy(evals);
    free(ev);

    put_u32(b, (uint32_t)(s->nruns - r0));
    for (size_t i = r0; i < s->nruns; i++) {
        const struct metric_run *r = &s->runs[i];
        const char *f[] = {r->run_id,    r->run_name, r->experiment,
                           r->experiment_id, r->status, r->lifecycle,
                           r->user,      r->artifact_uri, r->version,
                           r->source};
        for (size_t k = 0; k < 10; k++)
            put_str(&e, f[k]);
        put_u64(b, (uint64_t)r->start_ms);
        put_u64(b, (uint64_t)r->end_ms);
        put_u32(b, (r->has_start ? R_HAS_START : 0) |
                       (r->has_end ? R_HAS_END : 0) |
                       (r->deleted ? R_DELETED : 0));
        put_kvs(&e, r->params, r->nparams);
        put_kvs(&e, r->tags, r->ntags);
        put_u64(b, r->nvalues);
        put_pos(&e, &r->pos);
    }

    put_diags(&e, d, d0);
    enc_finish(&e, "metrics", key);
}

void
facts_encode_compliance(struct buf *out, const char *key,
                        const struct facts_input *in, size_t nin,
                        const struct model_compliance *mc, size_t nmc,
                        const struct diag *d, size_t d0)
{
    struct enc e;
    enc_begin(&e, out);
    struct buf *b = &e.body;
    put_inputs(&e, in, nin);
    put_u32(b, (uint32_t)nmc);
    for (size_t k = 0; k < nmc; k++) {
        const struct catalog *c = mc[k].catalog;
        put_str(&e, c->id);
        put_str(&e, mc[k].path);
        put_u32(b, (uint32_t)c->nitems);
        for (size_t i = 0; i < c->nitems; i++) {
            const struct answer *a = &mc[k].answers[i];
            buf_putc(b, (char)a->status);
            buf_putc(b, (char)a->applies);
            put_str(&e, a->owner);
            put_str(&e, a->reviewed);
            put_str(&e, a->note);
            put_str(&e, a->justification);
            put_pos(&e, &a->pos);
            put_u32(b, (uint32_t)a->nevidence);
            for (size_t x = 0; x < a->nevidence; x++) {
                const struct evidence *ev = &a->evidence[x];
                put_str(&e, ev->ref);
                put_str(&e, ev->url);
                put_str(&e, ev->rel);
                put_str(&e, ev->src);
                put_str(&e, ev->sha256);
                put_u64(b, ev->size);
                put_pos(&e, &ev->pos);
            }
        }
        const struct coverage *v = &mc[k].cov;
        size_t n[] = {v->applicable, v->met, v->partial, v->not_met, v->na,
                      v->unknown};
        for (size_t i = 0; i < 6; i++)
            put_u64(b, n[i]);
    }
    put_diags(&e, d, d0);
    enc_finish(&e, "compliance", key);
}

/* }======================================================= */

/* {======================================================= decoding */

struct dec {
    const char *p, *end;
    bool bad;
    const char **strs;
    uint32_t nstrs;
};

static bool
take(struct dec *c, void *out, size_t n)
{
    if (c->bad || (size_t)(c->end - c->p) < n) {
        c->bad = true;
        memset(out, 0, n);
        return false;
    }
    memcpy(out, c->p, n);
    c->p += n;
    return true;
}

static uint32_t
get_u32(struct dec *c)
{
    uint32_t v;
    take(c, &v, sizeof v);
    return v;
}

static uint64_t
get_u64(struct dec *c)
{
    uint64_t v;
    take(c, &v, sizeof v);
    return v;
}

static double
get_f64(struct dec *c)
{
    double v;
    take(c, &v, sizeof v);
    return v;
}

static const char *
get_str(struct dec *c)
{
    uint32_t i = get_u32(c);
    if (i > c->nstrs) {
        c->bad = true;
        return NULL;
    }
    return i ? c->strs[i - 1] : NULL;
}

static struct pos
get_pos(struct dec *c)
{
    struct pos p;
    p.path = get_str(c);
    p.line = get_u32(c);
    p.col = get_u32(c);
    return p;
}

/* A count of items at least min bytes each: more than the bytes left is a
 * damaged record, not a reason to allocate gigabytes. */
static size_t
get_count(struct dec *c, size_t min)
{
    uint32_t n = get_u32(c);
    if (!c->bad && (size_t)n > (size_t)(c->end - c->p) / min) {
        c->bad = true;
        return 0;
    }
    return c->bad ? 0 : n;
}

static const struct metric_kv *
get_kvs(struct dec *c, struct arena *a, size_t *n)
{
    *n = get_count(c, 20);
    struct metric_kv *kv = *n ? arena_alloc(a, *n * sizeof *kv) : NULL;
    for (size_t i = 0; i < *n; i++) {
        kv[i].key = get_str(c);
        kv[i].value = get_str(c);
        kv[i].pos = get_pos(c);
    }
    return kv;
}

/* Checks the header of a record of kind for key and reads its string
 * table and inputs; false when it is not such a record. */
static bool
dec_begin(struct dec *c, const char *data, size_t len, const char *kind,
          const char *key, struct arena *a, struct facts_input **in,
          size_t *nin)
{
    memset(c, 0, sizeof *c);
    size_t hl = sizeof FACTS_MAGIC - 1, kl = strlen(kind);
    if (len < hl + kl + 1 + 64 + 1 + 4 || memcmp(data, FACTS_MAGIC, hl) ||
        memcmp(data + hl, kind, kl) || data[hl + kl] != ' ' ||
        memcmp(data + hl + kl + 1, key, 64) ||
        data[hl + kl + 1 + 64] != '\n' || memcmp(data + len - 4, "end\n", 4))
        return false;
    c->p = data + hl + kl + 1 + 64 + 1;
    c->end = data + len - 4;

    c->nstrs = (uint32_t)get_count(c, 4);
    c->strs = xcalloc(c->nstrs ? c->nstrs : 1, sizeof *c->strs);
    for (uint32_t i = 0; i < c->nstrs && !c->bad; i++) {
        uint32_t n = get_u32(c);
        if (c->bad || n > (size_t)(c->end - c->p) || memchr(c->p, 0, n)) {
            c->bad = true;
            break;
        }
        c->strs[i] = arena_strndup(a, c->p, n);
        c->p += n;
    }

    *nin = get_count(c, 76);
    *in = *nin ? arena_alloc(a, *nin * sizeof **in) : NULL;
    for (size_t i = 0; i < *nin; i++) {
        (*in)[i].rel = get_str(c);
        (*in)[i].size = get_u64(c);
        take(c, (*in)[i].sha256, 64);
        (*in)[i].sha256[64] = '\0';
        if (!(*in)[i].rel)
            c->bad = true;
    }
    return true;
}

/* Reads the diagnostics into rd (initialised here). */
static void
get_diags(struct dec *c, struct diag *rd)
{
    diag_init(rd);
    size_t nd = get_count(c, 17);
    for (size_t i = 0; i < nd && !c->bad; i++) {
        unsigned char level;
        take(c, &level, 1);
        struct pos p = get_pos(c);
        const char *msg = get_str(c);
        if (!msg || level > DIAG_ERROR) {
            c->bad = true;
            break;
        }
        if (level == DIAG_ERROR)
            diag_error(rd, p.path ? &p : NULL, "%s", msg);
        else if (level == DIAG_WARNING)
            diag_warning(rd, p.path ? &p : NULL, "%s", msg);
        else
            diag_note(rd, p.path ? &p : NULL, "%s", msg);
    }
}

int
facts_decode(const char *data, size_t len, const char *key, struct arena *a,
             struct metric_set *s, struct facts_input **in, size_t *nin,
             struct diag *d)
{
    struct dec c;
    if (!dec_begin(&c, data, len, "metrics", key, a, in, nin))
        return -1;

    size_t nev = get_count(&c, 56);
    struct metric_eval *ev = nev ? arena_alloc(a, nev * sizeof *ev) : NULL;
    for (size_t i = 0; i < nev; i++) {
        const char **f[] = {&ev[i].task_type,      &ev[i].task_name,
                            &ev[i].dataset_type,   &ev[i].dataset_name,
                            &ev[i].dataset_config, &ev[i].dataset_split,
                            &ev[i].dataset_revision, &ev[i].source_name,
                            &ev[i].source_url,     &ev[i].date,
                            &ev[i].notes};
        for (size_t k = 0; k < 11; k++)
            *f[k] = get_str(&c);
        ev[i].pos = get_pos(&c);
    }

    /* into a set of its own first: nothing reaches s unless all is well */
    struct metric_set t;
    metrics_set_init(&t);
    size_t nv = get_count(&c, 96);
    for (size_t i = 0; i < nv && !c.bad; i++) {
        struct metric_value *v = metrics_add_value(&t, a);
        v->version = get_str(&c);
        v->run_id = get_str(&c);
        v->run_name = get_str(&c);
        v->metric = get_str(&c);
        v->label = get_str(&c);
        v->slice = get_str(&c);
        v->raw = get_str(&c);
        v->source = get_str(&c);
        v->value = get_f64(&c);
        v->step = (long long)get_u64(&c);
        v->timestamp_ms = (long long)get_u64(&c);
        v->ci_low = get_f64(&c);
        v->ci_high = get_f64(&c);
        uint32_t fl = get_u32(&c);
        v->has_value = fl & F_HAS_VALUE;
        v->percent = fl & F_PERCENT;
        v->has_step = fl & F_HAS_STEP;
        v->has_timestamp = fl & F_HAS_TIMESTAMP;
        v->has_ci = fl & F_HAS_CI;
        v->verified = fl & F_VERIFIED;
        v->has_verified = fl & F_HAS_VERIFIED;
        uint32_t e = get_u32(&c);
        if (e > nev)
            c.bad = true;
        else
            v->eval = e ? &ev[e - 1] : NULL;
        v->pos = get_pos(&c);
        size_t nh = get_count(&c, POINT_BYTES);
        struct metric_point *h =
            nh ? arena_alloc(a, nh * sizeof *h) : NULL;
        /* get_count made sure the points are all there */
        for (size_t k = 0; k < nh && !c.bad; k++) {
            int64_t step, ts;
            memcpy(&h[k].value, c.p, 8);
            memcpy(&step, c.p + 8, 8);
            memcpy(&ts, c.p + 16, 8);
            memcpy(&h[k].line, c.p + 24, 4);
            h[k].step = step;
            h[k].timestamp_ms = ts;
            c.p += POINT_BYTES;
        }
        v->history = h;
        v->nhistory = nh;
        if (!v->metric || !v->source)
            c.bad = true;
    }
    size_t nr = get_count(&c, 80);
    for (size_t i = 0; i < nr && !c.bad; i++) {
        struct metric_run *r = metrics_add_run(&t, a);
        const char **f[] = {&r->run_id,    &r->run_name, &r->experiment,
                            &r->experiment_id, &r->status, &r->lifecycle,
                            &r->user,      &r->artifact_uri, &r->version,
                            &r->source};
        for (size_t k = 0; k < 10; k++)
            *f[k] = get_str(&c);
        r->start_ms = (long long)get_u64(&c);
        r->end_ms = (long long)get_u64(&c);
        uint32_t fl = get_u32(&c);
        r->has_start = fl & R_HAS_START;
        r->has_end = fl & R_HAS_END;
        r->deleted = fl & R_DELETED;
        r->params = get_kvs(&c, a, &r->nparams);
        r->tags = get_kvs(&c, a, &r->ntags);
        r->nvalues = (size_t)get_u64(&c);
        r->pos = get_pos(&c);
    }
    struct diag rd;
    get_diags(&c, &rd);
    free(c.strs);
    if (c.bad || c.p != c.end) {
        diag_release(&rd);
        return -1;
    }
    for (size_t i = 0; i < t.nvalues; i++)
        *metrics_add_value(s, a) = t.values[i];
    for (size_t i = 0; i < t.nruns; i++)
        *metrics_add_run(s, a) = t.runs[i];
    diag_merge(d, &rd);
    diag_release(&rd);
    return 0;
}

int
facts_decode_compliance(const char *data, size_t len, const char *key,
                        struct arena *a, const struct catalog *const *used,
                        size_t nused, struct model_compliance *mc,
                        struct facts_input **in, size_t *nin, struct diag *d)
{
    struct dec c;
    if (!dec_begin(&c, data, len, "compliance", key, a, in, nin))
        return -1;
    /* into copies first: nothing reaches mc unless all is well */
    struct model_compliance *t = xcalloc(nused ? nused : 1, sizeof *t);
    if (get_u32(&c) != nused)
        c.bad = true;
    for (size_t k = 0; k < nused && !c.bad; k++) {
        const struct catalog *cat = used[k];
        const char *id = get_str(&c);
        t[k].catalog = cat;
        t[k].path = get_str(&c);
        if (!id || strcmp(id, cat->id) || get_u32(&c) != cat->nitems) {
            c.bad = true;
            break;
        }
        t[k].answers = arena_alloc(a, (cat->nitems ? cat->nitems : 1) *
                                          sizeof *t[k].answers);
        for (size_t i = 0; i < cat->nitems && !c.bad; i++) {
            struct answer *x = &t[k].answers[i];
            unsigned char st, ap;
            take(&c, &st, 1);
            take(&c, &ap, 1);
            if (st > COMPLIANCE_NA || ap > 1)
                c.bad = true;
            x->status = (enum compliance_status)st;
            x->applies = ap;
            x->owner = get_str(&c);
            x->reviewed = get_str(&c);
            x->note = get_str(&c);
            x->justification = get_str(&c);
            x->pos = get_pos(&c);
            x->nevidence = get_count(&c, 40);
            x->evidence = arena_alloc(a, (x->nevidence ? x->nevidence : 1) *
                                             sizeof *x->evidence);
            for (size_t e = 0; e < x->nevidence; e++) {
                struct evidence *ev = &x->evidence[e];
                ev->ref = get_str(&c);
                ev->url = get_str(&c);
                ev->rel = get_str(&c);
                ev->src = get_str(&c);
                ev->sha256 = get_str(&c);
                ev->size = (size_t)get_u64(&c);
                ev->pos = get_pos(&c);
                if (!ev->ref)
                    c.bad = true;
            }
        }
        size_t *n[] = {&t[k].cov.applicable, &t[k].cov.met,
                       &t[k].cov.partial,    &t[k].cov.not_met,
                       &t[k].cov.na,         &t[k].cov.unknown};
        for (size_t i = 0; i < 6; i++)
            *n[i] = (size_t)get_u64(&c);
    }
    struct diag rd;
    get_diags(&c, &rd);
    free(c.strs);
    if (c.bad || c.p != c.end) {
        free(t);
        diag_release(&rd);
        return -1;
    }
    memcpy(mc, t, nused * sizeof *mc);
    free(t);
    diag_merge(d, &rd);
    diag_release(&rd);
    return 0;
}

/* }======================================================= */
