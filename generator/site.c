/* site: pages, JSON twins and assets (see site.h). */
#include "site.h"

#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "chart_lua.h"
#include "compliance.h"
#include "feed.h"
#include "file.h"
#include "gate.h"
#include "json.h"
#include "manifest.h"
#include "pdf.h"
#include "publish.h"
#include "search.h"
#include "luadata.h"
#include "xmem.h"

static void
json_source(struct json *j, const struct project *p, const char *path)
{
    const struct input_file *f = path ? project_find_input(p, path) : NULL;
    if (!f) {
        json_null(j);
        return;
    }
    json_object_begin(j);
    json_kv(j, "path", f->rel);
    json_kv(j, "sha256", f->sha256);
    json_key(j, "size");
    json_int(j, (long long)f->size);
    json_object_end(j);
}

void
site_model_json(const struct project *p, const struct model *m,
                const char *version, struct buf *out)
{
    struct json j;
    json_init(&j, out);
    /* answers, evidence and other records one per line: the checklist
     * is most of the file, and indenting every field doubled its size */
    j.flat_from = 4;
    json_object_begin(&j);
    json_kv(&j, "id", m->id);
    json_kv(&j, "generator", version);
    json_kv(&j, "build_date", p->build_date);
    json_key(&j, "source");
    json_source(&j, p, m->card ? m->card_path
                               : m->hf_card ? m->readme_path : m->mct_path);
    json_key(&j, "card");
    json_node(&j, m->merged ? m->merged : m->card);
    if (m->readme_path) {
        json_key(&j, "readme");
        json_source(&j, p, m->readme_path);
    }
    json_key(&j, "releases");
    json_array_begin(&j);
    for (size_t i = 0; i < m->nreleases; i++) {
        const struct release *r = &m->releases[i];
        json_object_begin(&j);
        json_kv(&j, "version", r->version);
        json_key(&j, "source");
        json_source(&j, p, r->file);
        const struct node *n = r->node;
        for (size_t k = 0; n && k < n->n; k++) {
            if (strcmp(n->pairs[k].key->str, "version") == 0)
                continue;
            json_key(&j, n->pairs[k].key->str);
            json_node(&j, n->pairs[k].value);
        }
        json_object_end(&j);
    }
    json_array_end(&j);
    /* every metric value read, with its source; "current" marks the one
     * the pages show for its release (the precedence of project_metric) */
    json_key(&j, "metrics");
    json_array_begin(&j);
    for (size_t i = 0; i < m->metrics.nvalues; i++) {
        const struct metric_value *v = &m->metrics.values[i];
        if (!v->metric)
            continue;
        json_object_begin(&j);
        json_kv(&j, "version", v->version);
        json_kv(&j, "metric", v->metric);
        json_kv(&j, "slice", v->slice);
        json_key(&j, "value");
        if (v->has_value)
            json_number(&j, v->value);
        else
            json_null(&j);
        json_kv(&j, "raw", v->raw);
        json_kv(&j, "source", v->source);
        json_kv(&j, "file", project_relpath(p, v->pos.path));
        json_key(&j, "line");
        json_int(&j, v->pos.line);
        if (v->has_ci) {
            json_key(&j, "ci");
            json_array_begin(&j);
            json_number(&j, v->ci_low);
            json_number(&j, v->ci_high);
            json_array_end(&j);
        }
        if (v->version && !v->slice && v->has_value) {
            json_key(&j, "current");
            json_bool(&j, project_metric(m, v->version, v->metric) == v);
        }
        json_object_end(&j);
    }
    json_array_end(&j);
    const struct node *card = m->merged ? m->merged : m->card;
    const struct node *decl = card ? node_get(card, "metrics") : NULL;
    if (m->nreleases && decl && decl->type == NODE_SEQ) {
        const struct release *last = &m->releases[m->nreleases - 1];
        json_key(&j, "thresholds");
        json_array_begin(&j);
        for (size_t i = 0; i < decl->n; i++) {
            const char *name = node_get_str(decl->items[i], "name");
            const struct node *mn = node_get(decl->items[i], "min");
            const struct node *mx = node_get(decl->items[i], "max");
            double lo, hi;
            bool has_lo = node_number(mn, &lo), has_hi = node_number(mx, &hi);
            if (!name || (!has_lo && !has_hi))
                continue;
            const struct metric_value *v = project_metric(m, last->version,
                                                          name);
            json_object_begin(&j);
            json_kv(&j, "metric", name);
            json_kv(&j, "version", last->version);
            json_key(&j, "min");
            if (has_lo)
                json_number(&j, lo);
            else
                json_null(&j);
            json_key(&j, "max");
            if (has_hi)
                json_number(&j, hi);
            else
                json_null(&j);
            json_key(&j, "value");
            if (v)
                json_number(&j, v->value);
            else
                json_null(&j);
            json_kv(&j, "result",
                    !v ? "no value"
                       : (has_lo && v->value < lo) || (has_hi && v->value > hi)
                             ? "fail"
                             : "pass");
            json_object_end(&j);
        }
        json_array_end(&j);
    }
    json_key(&j, "compliance");
    json_array_begin(&j);
    for (size_t i = 0; i < m->ncompliance; i++) {
        const struct model_compliance *mc = &m->compliance[i];
        const struct catalog *c = mc->catalog;
        json_object_begin(&j);
        json_kv(&j, "framework", c->id);
        json_key(&j, "source");
        json_source(&j, p, mc->path);
        json_key(&j, "coverage");
        json_object_begin(&j);
        json_key(&j, "applicable");
        json_int(&j, (long long)mc->cov.applicable);
        json_key(&j, "met");
        json_int(&j, (long long)mc->cov.met);
        json_key(&j, "partial");
        json_int(&j, (long long)mc->cov.partial);
        json_key(&j, "not_met");
        json_int(&j, (long long)mc->cov.not_met);
        json_key(&j, "not_applicable");
        json_int(&j, (long long)mc->cov.na);
        json_key(&j, "not_assessed");
        json_int(&j, (long long)mc->cov.unknown);
        json_object_end(&j);
        json_key(&j, "answers");
        json_array_begin(&j);
        for (size_t k = 0; k < c->nitems; k++) {
            const struct answer *a = &mc->answers[k];
            if (!a->applies && a->status == COMPLIANCE_UNKNOWN)
                continue;
            json_object_begin(&j);
            json_kv(&j, "id", c->items[k].id);
            json_key(&j, "applies");
            json_bool(&j, a->applies);
            json_kv(&j, "status", compliance_status_name(a->status));
            json_kv(&j, "owner", a->owner);
            json_kv(&j, "reviewed", a->reviewed);
            json_kv(&j, "note", a->note);
            json_kv(&j, "justification", a->justification);
            if (a->nevidence) {
                json_key(&j, "evidence");
                json_array_begin(&j);
                for (size_t e = 0; e < a->nevidence; e++) {
                    const struct evidence *ev = &a->evidence[e];
                    json_object_begin(&j);
                    if (ev->url) {
                        json_kv(&j, "url", ev->url);
                    } else {
                        json_kv(&j, "file", ev->rel);
                        json_kv(&j, "sha256", ev->sha256);
                        json_key(&j, "size");
                        json_int(&j, (long long)ev->size);
                    }
                    json_object_end(&j);
                }
                json_array_end(&j);
            }
            json_object_end(&j);
        }
        json_array_end(&j);
        json_object_end(&j);
    }
    json_array_end(&j);
    if (p->ngates) {
        size_t mi = (size_t)(m - p->models);
        json_key(&j, "gates");
        json_array_begin(&j);
        for (size_t g = 0; g < p->ngates; g++) {
            const struct gate_outcome *o = gate_outcome(p, g, mi);
            json_object_begin(&j);
            json_kv(&j, "id", p->gates[g].id);
            json_kv(&j, "result", o->result == GATE_PASS   ? "pass"
                                  : o->result == GATE_FAIL ? "fail"
                                                           : "skip");
            json_key(&j, "findings");
            json_array_begin(&j);
            for (size_t k = 0; k < o->nfailures; k++)
                json_string(&j, o->failures[k].msg);
            json_array_end(&j);
            json_object_end(&j);
        }
        json_array_end(&j);
    }
    json_object_end(&j);
}

/* Up to this many input files, the audit trail lists every one. */
#define SITE_AUDIT_ALL_INPUTS 5000

static double
site_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
site_time_add(struct site_stats *st, const char *name, double secs,
              size_t count)
{
    size_t i = 0;
    while (i < st->ntt && strcmp(st->tt[i].name, name))
        i++;
    if (i == st->ntt) {
        if (st->ntt == sizeof st->tt / sizeof *st->tt)
            return;
        st->tt[st->ntt++] = (struct site_template_time){name, 0, 0};
    }
    st->tt[i].secs += secs;
    st->tt[i].count += count;
}

static void
site_time(struct site_stats *st, const char *name, double secs)
{
    site_time_add(st, name, secs, 1);
}

/* The previous site, read-only while a build runs (NULL on a first
 * build). A file whose bytes did not change is hard-linked from it instead
 * of written, so its mtime and inode stay as they were and rsync or a CDN
 * sync uploads only what changed. */
static const char *site_prev;
/* Sums of the files this build wrote, and of the previous site's files
 * (from its manifest), so manifest.json is written without reading the
 * site back. */
static struct manifest_sums *site_sums, *site_prev_sums;
/* The build's publish (site_options.publish): every file goes in
 * through it. */
static struct publish *site_pub;

/* Whether the previous site's file rel holds these bytes (sha: their
 * SHA-256). Its manifest answers without reading the file, as the job
 * cache trusts the previous site; --force (site_trust_prev false) reads
 * and compares. */
static bool site_trust_prev;

static bool
same_as_prev(const char *rel, const char *data, size_t len,
             const char sha[65])
{
    if (!site_prev)
        return false;
    char psha[65];
    size_t psize;
    if (site_trust_prev && site_prev_sums &&
        manifest_sums_get(site_prev_sums, rel, psha, &psize))
        return psize == len && !strcmp(psha, sha);
    char *old = file_join(site_prev, rel);
    bool same = false;
    if (file_size(old) == (off_t)len) {
        FILE *fp = fopen(old, "rb");
        if (fp) {
            char chunk[65536];
            size_t off = 0, n;
            same = true;
            while (same && (n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
                same = off + n <= len && memcmp(chunk, data + off, n) == 0;
                off += n;
            }
            same = same && off == len;
            fclose(fp);
        }
    }
    free(old);
    return same;
}

/* Writes data to rel in the new site, or links the identical previous
 * file. */
static int
emit(const char *rel, const char *data, size_t len)
{
    int rc = -1;
    char sha[65];
    cache_sha256(data, len, sha);
    if (same_as_prev(rel, data, len, sha)) {
        char *old = file_join(site_prev, rel);
        rc = publish_link(site_pub, old, rel);
        free(old);
    }
    if (rc < 0) /* never through a link into the previous site */
        rc = publish_write(site_pub, rel, data, len);
    if (rc == 0 && site_sums)
        manifest_sums_add(site_sums, rel, sha, len);
    return rc;
}

static void
log_file(struct site_stats *st, const char *rel)
{
    if (st->log) {
        buf_puts(st->log, rel);
        buf_putc(st->log, '\n');
    }
}

static int
write_out(const char *outdir, const char *rel, const struct buf *b,
          struct diag *d, struct site_stats *st)
{
    char *path = file_join(outdir, rel);
    log_file(st, rel);
    int rc = emit(rel, b->data, b->len);
    if (rc < 0)
        diag_error(d, NULL, "cannot write '%s': %s", path, strerror(errno));
    free(path);
    if (rc == 0) {
        st->files++;
        st->bytes += b->len;
    }
    return rc;
}

/* Pushes a page context { page = { path, title, kind } } and leaves it on
 * the stack; the caller adds fields and renders. */
static void
push_ctx(lua_State *L, const char *path, const char *kind)
{
    lua_newtable(L);
    lua_newtable(L);
    lua_pushstring(L, path);
    lua_setfield(L, -2, "path");
    lua_pushstring(L, kind);
    lua_setfield(L, -2, "kind");
    lua_setfield(L, -2, "page");
}

static int
render_page(struct template_engine *e, const char *tmpl, const char *outdir,
            const char *rel, struct diag *d, struct site_stats *st)
{
    struct buf b;
    buf_init(&b);
    double t0 = site_now();
    int rc = template_render(e, tmpl, &b, d);
    site_time(st, tmpl, site_now() - t0);
    if (rc == 0) {
        rc = write_out(outdir, rel, &b, d, st);
        if (rc == 0)
            st->pages++;
    }
    buf_release(&b);
    return rc;
}

bool
site_crosswalk_in_use(const struct project *p, const struct crosswalk *x)
{
    bool from = false, to = false;
    for (size_t i = 0; i < p->nused; i++) {
        from |= x->from && !strcmp(p->used[i]->id, x->from);
        to |= x->to && !strcmp(p->used[i]->id, x->to);
    }
    return from && to;
}

/* Sets ctx.model (the context table is on top of the stack). */
static void
push_model_field(lua_State *L, const char *id)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "dossier.G");
    lua_getfield(L, -1, "site");
    lua_getfield(L, -1, "model_by_id");
    lua_getfield(L, -1, id);
    lua_setfield(L, -5, "model");
    lua_pop(L, 3);
}

/* Copies the evidence files an answer file cites into the site, beside
 * the model's pages, so links work offline; their hashes were taken
 * when they were read. */
static int
copy_evidence(const struct project *p, const struct model *m,
              const struct model_compliance *mc, const char *outdir,
              GHashTable *copied, struct diag *d, struct site_stats *st)
{
    (void)p;
    int rc = 0;
    for (size_t i = 0; i < mc->catalog->nitems; i++) {
        const struct answer *a = &mc->answers[i];
        for (size_t k = 0; k < a->nevidence; k++) {
            const struct evidence *ev = &a->evidence[k];
            /* a file cited by many answers is copied once */
            if (!ev->rel || g_hash_table_contains(copied, ev->rel))
                continue;
            g_hash_table_add(copied, (gpointer)ev->rel);
            struct buf b;
            buf_init(&b);
            char *erel = xasprintf("models/%s/%s", m->id, ev->rel);
            log_file(st, erel);
            int wrc = file_read(d, &ev->pos, ev->src, 64u << 20, &b) < 0
                          ? -1
                          : emit(erel, b.data, b.len);
            free(erel);
            if (wrc < 0) {
                rc = diag_error(d, &ev->pos, "cannot copy evidence '%s'",
                                ev->ref);
            } else {
                st->files++;
                st->bytes += b.len;
            }
            buf_release(&b);
        }
    }
    return rc;
}

/* Renders a non-HTML file (a JSON twin) from a template. */
static int
render_file(struct template_engine *e, const char *tmpl, const char *outdir,
            const char *rel, struct diag *d, struct site_stats *st)
{
    struct buf b;
    buf_init(&b);
    int rc = template_render(e, tmpl, &b, d);
    if (rc == 0)
        rc = write_out(outdir, rel, &b, d, st);
    buf_release(&b);
    return rc;
}

/* Copies the theme's assets/ folder (flat and one level deep). */
static int
copy_assets(const char *src, const char *outdir, const char *rel,
            struct diag *d, struct site_stats *st)
{
    size_t n;
    char **names = file_list(src, false, &n);
    if (!names)
        return 0;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char *from = file_join(src, names[i]);
        char *to = *rel ? file_join(rel, names[i]) : xstrdup(names[i]);
        if (file_is_dir(from)) {
            if (copy_assets(from, outdir, to, d, st) < 0)
                rc = -1;
        } else {
            struct buf b;
            buf_init(&b);
            if (file_read(d, NULL, from, 64u << 20, &b) < 0 ||
                emit(to, b.data, b.len) < 0) {
                rc = diag_error(d, NULL, "cannot copy '%s'", from);
            } else {
                st->files++;
                st->bytes += b.len;
            }
            buf_release(&b);
        }
        free(from);
        free(to);
    }
    file_list_free(names);
    return rc;
}

/* ---- jobs --------------------------------------------------------------
 * The site is cut into jobs: one per model (its card, checklists, value
 * page, JSON twins and evidence), one per framework, crosswalk and free
 * page, and one per portfolio-wide page. Workers take jobs in order from a
 * shared counter, each with its own Lua state over the shared, read-only
 * document tree. Every job writes only its own files, so the output is the
 * same whatever the number of workers. */

enum job_kind {
    JOB_SINGLE,
    JOB_MODEL,
    JOB_FRAMEWORK,
    JOB_CROSSWALK,
    JOB_PAGE,
    JOB_SEARCH,
    JOB_MODEL_PDF,
    JOB_VALUE_PDF,
};

struct job {
    enum job_kind kind;
    size_t index;
};

static const struct {
    const char *tmpl, *out, *kind;
    bool json;
    bool value_only;
} singles[] = {
    {"index.html", "index.html", "portfolio", false, false},
    {"models.html", "models/index.html", "models", false, false},
    {"frameworks.html", "frameworks/index.html", "frameworks", false, false},
    {"audit.html", "audit.html", "audit", false, false},
    {"search.html", "search.html", "search", false, false},
    {"portfolio-value.html", "value.html", "portfolio-value", false, true},
    {"portfolio-value.json", "value.json", "portfolio-value-json", true,
     true},
};

struct run {
    const struct project *p;
    const char *outdir;
    const struct site_options *o;
    struct diag *d;
    struct cache *old_cache, *new_cache;
    char global_key[65];
    struct job *jobs;
    size_t njobs;
    size_t next; /* taken with __atomic */
    bool has_value;
};

struct worker {
    struct run *run;
    pthread_t thread;
    struct site_stats st;
    int rc;
};

static int
job_model(struct template_engine *e, const struct run *r, size_t mi,
          struct site_stats *st)
{
    const struct project *p = r->p;
    const struct model *m = &p->models[mi];
    lua_State *L = template_engine_lua(e);
    struct diag *d = r->d;
    const char *outdir = r->outdir;
    int rc = 0;
    char *rel = xasprintf("models/%s/index.html", m->id);
    push_ctx(L, rel, "model");
    push_model_field(L, m->id);
    if (render_page(e, "model.html", outdir, rel, d, st) < 0)
        rc = -1;
    free(rel);

    rel = xasprintf("models/%s/releases.html", m->id);
    push_ctx(L, rel, "releases");
    push_model_field(L, m->id);
    if (render_page(e, "releases.html", outdir, rel, d, st) < 0)
        rc = -1;
    free(rel);

    /* this model's full answers exist in Lua only while it renders */
    lua_getfield(L, LUA_REGISTRYINDEX, "dossier.G");
    lua_getfield(L, -1, "site");
    lua_getfield(L, -1, "model_by_id");
    lua_getfield(L, -1, m->id);
    luadata_set_answers(L, p, mi, true);
    lua_pop(L, 4);
    GHashTable *copied = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t k = 0; k < m->ncompliance; k++) {
        const struct model_compliance *mc = &m->compliance[k];
        rel = xasprintf("models/%s/compliance/%s.html", m->id,
                        mc->catalog->id);
        push_ctx(L, rel, "compliance");
        push_model_field(L, m->id);
        lua_getfield(L, -1, "model");
        lua_getfield(L, -1, "compliance_by_fw");
        lua_getfield(L, -1, mc->catalog->id);
        lua_setfield(L, -4, "answers");
        lua_pop(L, 2);
        lua_getfield(L, LUA_REGISTRYINDEX, "dossier.G");
        lua_getfield(L, -1, "site");
        lua_getfield(L, -1, "framework_by_id");
        lua_getfield(L, -1, mc->catalog->id);
        lua_setfield(L, -5, "framework");
        lua_pop(L, 3);
        if (render_page(e, "compliance.html", outdir, rel, d, st) < 0)
            rc = -1;
        free(rel);
        if (copy_evidence(p, m, mc, outdir, copied, d, st) < 0)
            rc = -1;
    }
    g_hash_table_destroy(copied);
    lua_getfield(L, LUA_REGISTRYINDEX, "dossier.G");
    lua_getfield(L, -1, "site");
    lua_getfield(L, -1, "model_by_id");
    lua_getfield(L, -1, m->id);
    luadata_set_answers(L, p, mi, false);
    lua_pop(L, 4);

    if (m->value) {
        rel = xasprintf("models/%s/value.html", m->id);
        push_ctx(L, rel, "value");
        push_model_field(L, m->id);
        if (render_page(e, "value.html", outdir, rel, d, st) < 0)
            rc = -1;
        free(rel);
        rel = xasprintf("models/%s/value.json", m->id);
        push_ctx(L, rel, "value-json");
        push_model_field(L, m->id);
        if (render_file(e, "value.json", outdir, rel, d, st) < 0)
            rc = -1;
        free(rel);
    }

    struct buf b;
    buf_init(&b);
    site_model_json(p, m, r->o->version, &b);
    rel = xasprintf("models/%s/model.json", m->id);
    if (write_out(outdir, rel, &b, d, st) < 0)
        rc = -1;
    free(rel);
    buf_release(&b);
    return rc;
}

/* Renders a print template to HTML and that HTML to out/<rel> as PDF.
 * The context table is on top of the stack; info->title etc. come from
 * the caller. Charts in print templates are drawn as vectors. */
static int
render_pdf(struct template_engine *e, const struct run *r, const char *tmpl,
           const char *rel, struct pdf_doc_info *info, struct site_stats *st)
{
    lua_State *L = template_engine_lua(e);
    struct buf html;
    buf_init(&html);
    int rc = template_render(e, tmpl, &html, r->d);
    if (rc == 0) {
        struct pdf_theme theme;
        pdf_theme_init(&theme);
        struct buf err;
        buf_init(&err);
        /* the print theme lives in templates/lib/print_theme.lua */
        lua_getfield(L, LUA_REGISTRYINDEX, "dossier.G");
        lua_getfield(L, -1, "require");
        lua_pushstring(L, "print_theme");
        if (lua_pcall(L, 1, 1, 0) == LUA_OK &&
            pdf_theme_from_lua(L, -1, &theme, &err) < 0)
            diag_warning(r->d, NULL, "print theme: %s", err.data);
        lua_pop(L, 2);
        buf_release(&err);
        char *path = file_join(r->outdir, rel);
        char *shown = file_join(r->o->templates_displays[0], tmpl);
        struct pdf_chart_cb cb = {chart_lua_pdf_size, chart_lua_pdf_draw, L};
        struct buf pdf;
        buf_init(&pdf);
        rc = pdf_render_buf(html.data, html.len, shown, r->outdir, &theme,
                            info, &cb, r->d, &pdf);
        if (rc == 0)
            rc = write_out(r->outdir, rel, &pdf, r->d, st);
        buf_release(&pdf);
        free(path);
        free(shown);
    }
    chart_lua_print_reset(L);
    buf_release(&html);
    return rc;
}

static void
doc_info(const struct project *p, struct pdf_doc_info *info, char *date,
         size_t n)
{
    memset(info, 0, sizeof *info);
    pdf_date_from_epoch(p->epoch, date, n);
    info->creation_date = date;
    info->author = p->site ? node_get_str(p->site, "organisation") : NULL;
    const struct node *pdf = p->site ? node_get(p->site, "pdf") : NULL;
    info->confidentiality = node_get_str(pdf, "confidentiality");
    if (!info->confidentiality && p->site)
        info->confidentiality = node_get_str(p->site, "confidentiality");
    info->toc = true;
}

static int
job_model_pdfs(struct template_engine *e, const struct run *r, size_t mi,
               struct site_stats *st)
{
    const struct project *p = r->p;
    const struct model *m = &p->models[mi];
    const struct node *card = m->merged ? m->merged : m->card;
    const char *name = card ? node_get_str(card, "name") : NULL;
    if (!name)
        name = m->id;
    const struct release *last =
        m->nreleases ? &m->releases[m->nreleases - 1] : NULL;
    lua_State *L = template_engine_lua(e);
    char date[40];
    struct pdf_doc_info info;
    int rc = 0;

    doc_info(p, &info, date, sizeof date);
    char *title = xasprintf("Model card: %s", name);
    char *version = last ? xasprintf("Version %s, %s", last->version,
                                     last->date)
                         : xstrdup("No release yet");
    char *keywords = xasprintf("model card, %s, %s", m->id,
                               card && node_get_str(card, "risk_class")
                                   ? node_get_str(card, "risk_class")
                                   : "unclassified");
    info.title = title;
    info.subject = "Model card";
    info.keywords = keywords;
    info.cover_title = name;
    info.cover_subtitle = "Model card";
    info.cover_lines[0] = info.author;
    info.cover_lines[1] = version;
    info.cover_lines[2] = p->build_date;
    char *rel = xasprintf("pdf/%s-model-card.pdf", m->id);
    push_ctx(L, rel, "print-model-card");
    push_model_field(L, m->id);
    if (render_pdf(e, r, "print/model-card.html", rel, &info, st) < 0)
        rc = -1;
    free(rel);
    free(title);

    if (m->ncompliance) {
        lua_getfield(L, LUA_REGISTRYINDEX, "dossier.G");
        lua_getfield(L, -1, "site");
        lua_getfield(L, -1, "model_by_id");
        lua_getfield(L, -1, m->id);
        luadata_set_answers(L, p, mi, true);
        lua_pop(L, 4);
        title = xasprintf("Compliance report: %s", name);
        info.title = title;
        info.subject = "Compliance report";
        info.cover_subtitle = "Compliance report";
        rel = xasprintf("pdf/%s-compliance.pdf", m->id);
        push_ctx(L, rel, "print-compliance");
        push_model_field(L, m->id);
        if (render_pdf(e, r, "print/compliance.html", rel, &info, st) < 0)
            rc = -1;
        free(rel);
        free(title);
        lua_getfield(L, LUA_REGISTRYINDEX, "dossier.G");
        lua_getfield(L, -1, "site");
        lua_getfield(L, -1, "model_by_id");
        lua_getfield(L, -1, m->id);
        luadata_set_answers(L, p, mi, false);
        lua_pop(L, 4);
    }
    free(version);
    free(keywords);
    return rc;
}

static int
job_value_report(struct template_engine *e, const struct run *r,
                 struct site_stats *st)
{
    const struct project *p = r->p;
    char date[40];
    struct pdf_doc_info info;
    doc_info(p, &info, date, sizeof date);
    const char *title = p->site ? node_get_str(p->site, "title") : NULL;
    info.title = "Business value report";
    info.subject = "Value, velocity and maturity of the ML portfolio";
    info.keywords = "business value, ROI, NPV, payback, MLOps";
    info.cover_title = "Business value of the ML portfolio";
    info.cover_subtitle = title;
    info.cover_lines[0] = info.author;
    info.cover_lines[1] = "Portfolio";
    info.cover_lines[2] = p->build_date;
    push_ctx(template_engine_lua(e), "pdf/value-report.pdf", "print-value");
    return render_pdf(e, r, "print/value-report.html", "pdf/value-report.pdf",
                      &info, st);
}

/* Sets ctx[field] = site[list][i] (1-based i) or site[list][key]. */
static void
ctx_from_site(lua_State *L, const char *field, const char *list,
              lua_Integer i, const char *key)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "dossier.G");
    lua_getfield(L, -1, "site");
    lua_getfield(L, -1, list);
    if (key)
        lua_getfield(L, -1, key);
    else
        lua_rawgeti(L, -1, i);
    lua_setfield(L, -5, field);
    lua_pop(L, 3);
}

static int cached_job(struct template_engine *e, const struct run *r,
                      const char *kind, size_t mi, struct site_stats *st,
                      int (*fn)(struct template_engine *, const struct run *,
                                size_t, struct site_stats *));

struct search_put {
    const struct run *r;
    struct site_stats *st;
};

static int
search_put(void *ctx, const char *rel, const struct buf *b)
{
    struct search_put *sp = ctx;
    return write_out(sp->r->outdir, rel, b, sp->r->d, sp->st);
}

static int
run_job(struct template_engine *e, const struct run *r, const struct job *j,
        struct site_stats *st)
{
    lua_State *L = template_engine_lua(e);
    const struct project *p = r->p;
    int rc = 0;
    char *rel = NULL;
    switch (j->kind) {
    case JOB_SINGLE:
        if (singles[j->index].value_only && !r->has_value)
            return 0;
        push_ctx(L, singles[j->index].out, singles[j->index].kind);
        if (!strcmp(singles[j->index].kind, "audit")) {
            /* A large portfolio's audit page lists each model's inputs as
             * one row that links to the model card's own list: a page of
             * hundreds of thousands of rows helps no one, and would not
             * fit the page's memory budget. */
            bool all = p->ninputs <= SITE_AUDIT_ALL_INPUTS;
            luadata_push_inputs(L, p, all);
            lua_setfield(L, -2, "inputs");
            lua_pushboolean(L, all);
            lua_setfield(L, -2, "inputs_complete");
        }
        if (singles[j->index].json)
            rc = render_file(e, singles[j->index].tmpl, r->outdir,
                             singles[j->index].out, r->d, st);
        else
            rc = render_page(e, singles[j->index].tmpl, r->outdir,
                             singles[j->index].out, r->d, st);
        return rc;
    case JOB_MODEL:
        return cached_job(e, r, "model", j->index, st, job_model);
    case JOB_FRAMEWORK:
        rel = xasprintf("frameworks/%s.html", p->used[j->index]->id);
        push_ctx(L, rel, "framework");
        ctx_from_site(L, "framework", "framework_by_id", 0,
                      p->used[j->index]->id);
        rc = render_page(e, "framework.html", r->outdir, rel, r->d, st);
        break;
    case JOB_CROSSWALK: {
        /* index counts crosswalks in use, as site.crosswalks does */
        size_t n = 0, i = 0;
        for (; i < p->ncrosswalks; i++)
            if (site_crosswalk_in_use(p, &p->crosswalks[i]) &&
                n++ == j->index)
                break;
        rel = xasprintf("frameworks/%s.html", p->crosswalks[i].id);
        push_ctx(L, rel, "crosswalk");
        ctx_from_site(L, "crosswalk", "crosswalks",
                      (lua_Integer)j->index + 1, NULL);
        rc = render_page(e, "crosswalk.html", r->outdir, rel, r->d, st);
        break;
    }
    case JOB_MODEL_PDF:
        return cached_job(e, r, "pdf", j->index, st, job_model_pdfs);
    case JOB_VALUE_PDF:
        return r->has_value ? job_value_report(e, r, st) : 0;
    case JOB_SEARCH: {
        /* the most files of any job: written while the pages render */
        struct search_put sp = {r, st};
        double t0 = site_now();
        rc = search_write(p, search_put, &sp);
        site_time(st, "search index (search/)", site_now() - t0);
        return rc;
    }
    case JOB_PAGE:
        rel = xasprintf("pages/%s.html", p->pages[j->index].slug);
        push_ctx(L, rel, "page");
        ctx_from_site(L, "doc", "pages", (lua_Integer)j->index + 1, NULL);
        rc = render_page(e, "page.html", r->outdir, rel, r->d, st);
        break;
    }
    free(rel);
    return rc;
}

/* ---- the build cache ---------------------------------------------------
 * A model job's key covers everything it reads: the site-wide key (the
 * generator, build date, options, site.yaml, catalogs, page titles) and
 * every input file of the model's folder. Templates are checked one by
 * one against the hashes recorded when the job last ran. */

static void
model_key(const struct run *r, const struct model *m, const char *kind,
          char out[65])
{
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%s\n%s\n%s\n", kind, r->global_key, m->rel);
    size_t first, n = project_inputs_under(r->p, m->rel, &first);
    for (size_t i = first; i < first + n; i++) {
        const struct input_file *f = &r->p->inputs[i];
        buf_printf(&b, "%s %s\n", f->rel, f->sha256);
    }
    cache_sha256(b.data, b.len, out);
    buf_release(&b);
}

/* SHA-256 of the templates and catalogs jobs ran with, by path: every
 * model job checks the same few files, which are read once per build. */
static struct manifest_sums *site_file_sums;

static bool
file_sha(const char *path, char out[65])
{
    size_t size;
    if (path && site_file_sums &&
        manifest_sums_get(site_file_sums, path, out, &size))
        return true;
    size_t len;
    bool ok = path && cache_file_sha256(path, out, &len);
    if (ok && site_file_sums)
        manifest_sums_add(site_file_sums, path, out, len);
    return ok;
}

/* Links the job's files from the previous site when nothing it read has
 * changed. Returns true when the job is done. */
static bool
from_cache(struct template_engine *e, const struct run *r, const char *job,
           const char *key, struct site_stats *st)
{
    if (!r->old_cache || !site_prev)
        return false;
    const struct cache_entry *c = cache_find(r->old_cache, job);
    if (!c || strcmp(c->key, key))
        return false;
    for (size_t i = 0; i < c->ndeps; i++) {
        char *path = template_find(e, c->deps[i]);
        char sha[65];
        bool same = file_sha(path, sha) && !strcmp(sha, c->dep_sha[i]);
        free(path);
        if (!same)
            return false;
    }
    for (size_t i = 0; i < c->nfiles; i++) {
        char *old = file_join(site_prev, c->files[i]);
        char *path = file_join(r->outdir, c->files[i]);
        if (publish_link(site_pub, old, c->files[i]) < 0) {
            /* a file of the previous site is missing: the job renders
             * instead, and writing replaces what was linked so far */
            free(old);
            free(path);
            return false;
        }
        st->files++;
        char sha[65];
        size_t size;
        if (site_sums && site_prev_sums &&
            manifest_sums_get(site_prev_sums, c->files[i], sha, &size)) {
            manifest_sums_add(site_sums, c->files[i], sha, size);
            st->bytes += size;
        } else {
            st->bytes += (size_t)file_size(path);
        }
        if (strstr(c->files[i], ".html"))
            st->pages++;
        free(old);
        free(path);
    }
    cache_add(r->new_cache, c);
    st->cached++;
    return true;
}

/* Runs a model job, or takes it from the cache, and records it. */
static int
cached_job(struct template_engine *e, const struct run *r, const char *kind,
           size_t mi, struct site_stats *st,
           int (*fn)(struct template_engine *, const struct run *, size_t,
                     struct site_stats *))
{
    const struct model *m = &r->p->models[mi];
    char *job = xasprintf("%s:%s", kind, m->id);
    char key[65];
    model_key(r, m, kind, key);
    st->jobs++;
    if (from_cache(e, r, job, key, st)) {
        free(job);
        return 0;
    }
    struct buf log;
    buf_init(&log);
    st->log = &log;
    template_deps_reset(e);
    int rc = fn(e, r, mi, st);
    st->log = NULL;
    if (rc == 0) {
        struct cache_entry c;
        memset(&c, 0, sizeof c);
        c.job = job;
        memcpy(c.key, key, sizeof c.key);
        size_t nd;
        const char *const *deps = template_deps(e, &nd);
        c.deps = (char **)deps;
        c.ndeps = nd;
        c.dep_sha = xcalloc(nd ? nd : 1, sizeof *c.dep_sha);
        bool ok = true;
        for (size_t i = 0; i < nd; i++) {
            char *path = template_find(e, deps[i]);
            ok &= file_sha(path, c.dep_sha[i]);
            free(path);
        }
        size_t nf = 0;
        for (size_t i = 0; i < log.len; i++)
            nf += log.data[i] == '\n';
        c.files = xcalloc(nf ? nf : 1, sizeof *c.files);
        char *save = NULL;
        for (char *t = strtok_r(log.data, "\n", &save); t;
             t = strtok_r(NULL, "\n", &save))
            c.files[c.nfiles++] = t;
        if (ok)
            cache_add(r->new_cache, &c);
        free(c.dep_sha);
        free(c.files);
    }
    buf_release(&log);
    free(job);
    return rc;
}

static int
job_model_pdfs(struct template_engine *e, const struct run *r, size_t mi,
               struct site_stats *st);

static struct template_engine *
new_engine(const struct run *r)
{
    const struct site_options *o = r->o;
    struct template_engine *e =
        template_engine_new(o->templates_dirs, o->templates_displays,
                            o->ntemplates, &o->limits, r->d);
    if (!e)
        return NULL;
    template_register(e, "_chart_html", chart_lua_html);
    template_register(e, "_chart_print", chart_lua_print);
    lua_State *L = template_engine_lua(e);
    luadata_push_site(L, r->p, o->version);
    lua_pushboolean(L, o->pdf);
    lua_setfield(L, -2, "has_pdf");
    template_set_global(e, "site");
    return e;
}

/* A portfolio-wide job that leaves more Lua heap than this (KiB) is
 * followed by a full collection. */
#define WIDE_COLLECT_KIB (64 * 1024)

static void *
worker_main(void *arg)
{
    struct worker *w = arg;
    struct run *r = w->run;
    struct template_engine *e = NULL;
    for (;;) {
        size_t i = __atomic_fetch_add(&r->next, 1, __ATOMIC_RELAXED);
        if (i >= r->njobs)
            break;
        if (!e && !(e = new_engine(r))) {
            w->rc = -1;
            break;
        }
        if (run_job(e, r, &r->jobs[i], &w->st) < 0)
            w->rc = -1;
        /* what the job made of the models on first use goes again */
        const struct job *j = &r->jobs[i];
        bool one = j->kind == JOB_MODEL || j->kind == JOB_MODEL_PDF;
        lua_State *L = template_engine_lua(e);
        luadata_trim_models(L, r->p, one ? (long)j->index : -1);
        if (!one && j->kind != JOB_SEARCH && j->kind != JOB_PAGE &&
            lua_gc(L, LUA_GCCOUNT) > WIDE_COLLECT_KIB) {
            /* a portfolio-wide page leaves a heap the size of the
             * portfolio (about 400 MB at 10,000 models): free it now, for
             * the jobs after it to reuse. A small one is left to the
             * collector's own pace. (malloc_trim here too cost 40,000
             * page faults at N = 1,000 for no lower peak.) */
            lua_gc(L, LUA_GCCOLLECT);
        }
    }
    template_engine_free(e);
    return NULL;
}

int
site_render(const struct project *p, const char *outdir,
            const struct site_options *o, struct diag *d,
            struct site_stats *st)
{
    memset(st, 0, sizeof *st);
    double t0 = site_now();
    site_prev = o->previous && file_is_dir(o->previous) ? o->previous : NULL;
    site_pub = o->publish;
    site_trust_prev = !o->no_cache;
    struct run r = {.p = p, .outdir = outdir, .o = o, .d = d};
    struct cache old_cache, new_cache;
    cache_init(&old_cache);
    cache_init(&new_cache);
    site_sums = o->sums;
    site_prev_sums = NULL;
    site_file_sums = manifest_sums_new();
    if (site_prev) {
        char *cp = file_join(site_prev, SITE_CACHE);
        if (!o->no_cache)
            cache_load(&old_cache, cp, o->version);
        free(cp);
        if (site_sums) {
            site_prev_sums = manifest_sums_new();
            manifest_sums_load(site_prev_sums, site_prev);
        }
    }
    r.old_cache = &old_cache;
    r.new_cache = &new_cache;
    {
        /* what every model page reads beyond its own folder */
        struct buf g;
        buf_init(&g);
        buf_printf(&g, "%s\n%s\npdf=%d\n", o->version, p->build_date,
                   (int)o->pdf);
        /* a rebuilt generator renders everything again, even with the
         * same version string */
        if (o->program_id)
            buf_puts(&g, o->program_id);
        for (size_t i = 0; i < p->ninputs; i++) {
            const struct input_file *f = &p->inputs[i];
            if (strncmp(f->rel, "content/models/", 15))
                buf_printf(&g, "%s %s\n", f->rel, f->sha256);
        }
        for (size_t i = 0; i < p->nused; i++)
            buf_printf(&g, "%s %s\n", p->used[i]->id, p->used[i]->sha256);
        for (size_t i = 0; i < p->nmodels; i++)
            buf_printf(&g, "model %s %d\n", p->models[i].id,
                       p->models[i].value != NULL);
        cache_sha256(g.data, g.len, r.global_key);
        buf_release(&g);
    }
    r.has_value = p->portfolio != NULL;
    for (size_t i = 0; i < p->nmodels; i++)
        r.has_value |= p->models[i].value != NULL;
    size_t nsingles = sizeof singles / sizeof *singles;
    r.jobs = xcalloc(nsingles + 2 * p->nmodels + p->nused + p->ncrosswalks +
                         p->npages + 3,
                     sizeof *r.jobs);
    /* PDFs first: they are the longest jobs, so workers balance better */
    if (o->pdf) {
        r.jobs[r.njobs++] = (struct job){JOB_VALUE_PDF, 0};
        for (size_t i = 0; i < p->nmodels; i++)
            r.jobs[r.njobs++] = (struct job){JOB_MODEL_PDF, i};
    }
    /* then the search index, the slowest single job; then the model jobs
     * with the portfolio-wide pages spread evenly among them. Each of those
     * pages holds a Lua heap in proportion to the portfolio (about 400 MB
     * at 10,000 models); spread out, two of them rarely run at once, and
     * the worker collects after one that left a large heap (worker_main). */
    r.jobs[r.njobs++] = (struct job){JOB_SEARCH, 0};
    struct job *wide = xcalloc(nsingles + p->nused + p->ncrosswalks + 1,
                               sizeof *wide);
    size_t nwide = 0;
    for (size_t i = 0; i < nsingles; i++)
        wide[nwide++] = (struct job){JOB_SINGLE, i};
    for (size_t i = 0; i < p->nused; i++)
        wide[nwide++] = (struct job){JOB_FRAMEWORK, i};
    for (size_t i = 0, n = 0; i < p->ncrosswalks; i++)
        if (site_crosswalk_in_use(p, &p->crosswalks[i]))
            wide[nwide++] = (struct job){JOB_CROSSWALK, n++};
    size_t step = p->nmodels / (nwide ? nwide : 1);
    for (size_t i = 0, w = 0; i < p->nmodels || w < nwide; i++) {
        while (w < nwide && (i >= p->nmodels || w * step <= i))
            r.jobs[r.njobs++] = wide[w++];
        if (i < p->nmodels)
            r.jobs[r.njobs++] = (struct job){JOB_MODEL, i};
    }
    free(wide);
    for (size_t i = 0; i < p->npages; i++)
        r.jobs[r.njobs++] = (struct job){JOB_PAGE, i};

    double t1 = site_now();
    st->t_setup = t1 - t0;
    int nw = o->jobs > 0 ? o->jobs : 1;
    if ((size_t)nw > r.njobs)
        nw = r.njobs ? (int)r.njobs : 1;
    struct worker *w = xcalloc((size_t)nw, sizeof *w);
    for (int i = 0; i < nw; i++)
        w[i].run = &r;
    /* worker 0 is this thread */
    for (int i = 1; i < nw; i++)
        if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0) {
            diag_error(d, NULL, "cannot start a render thread");
            w[i].rc = -1;
            w[i].run = NULL;
        }
    worker_main(&w[0]);
    chart_thread_release();
    int rc = 0;
    for (int i = 0; i < nw; i++) {
        if (i > 0 && w[i].run)
            pthread_join(w[i].thread, NULL);
        if (w[i].rc < 0)
            rc = -1;
        st->pages += w[i].st.pages;
        st->files += w[i].st.files;
        st->bytes += w[i].st.bytes;
        st->jobs += w[i].st.jobs;
        st->cached += w[i].st.cached;
        for (size_t k = 0; k < w[i].st.ntt; k++)
            site_time_add(st, w[i].st.tt[k].name, w[i].st.tt[k].secs,
                          w[i].st.tt[k].count);
    }
    free(w);
    free(r.jobs);
    double t2 = site_now();
    st->t_jobs = t2 - t1;
    if (rc == 0) {
        char *cp = file_join(outdir, SITE_CACHE);
        if (cache_save(&new_cache, cp, o->version) < 0)
            rc = diag_error(d, NULL, "cannot write '%s'", cp);
        else
            publish_note(site_pub, SITE_CACHE);
        free(cp);
    }
    cache_release(&old_cache);
    cache_release(&new_cache);


    /* Assets overlay like templates: copy the built-in theme's first, then
     * the project's own over them. */
    for (size_t i = o->ntemplates; i-- > 0;) {
        char *assets = file_join(o->templates_dirs[i], "assets");
        if (copy_assets(assets, outdir, "assets", d, st) < 0)
            rc = -1;
        free(assets);
        /* static/ goes to the site's root (favicon.ico, robots.txt) */
        char *stat = file_join(o->templates_dirs[i], "static");
        if (copy_assets(stat, outdir, "", d, st) < 0)
            rc = -1;
        free(stat);
    }

    /* what the folder held that this build did not make goes before the
     * sitemap lists its pages */
    if (rc == 0 && publish_sweep(site_pub, d) < 0)
        rc = -1;
    /* sitemap and feed need absolute URLs: only with a base_url */
    if (rc == 0 && p->site && node_get_str(p->site, "base_url")) {
        size_t n;
        char **files = manifest_list(outdir, &n);
        char **html = xcalloc(n ? n : 1, sizeof *html);
        size_t nh = 0;
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(files[i]);
            if (len > 5 && !strcmp(files[i] + len - 5, ".html"))
                html[nh++] = files[i];
        }
        struct buf b;
        buf_init(&b);
        feed_sitemap(p, html, nh, &b);
        if (write_out(outdir, "sitemap.xml", &b, d, st) < 0)
            rc = -1;
        buf_reset(&b);
        feed_atom(p, &b);
        if (write_out(outdir, "feed.xml", &b, d, st) < 0)
            rc = -1;
        buf_release(&b);
        free(html);
        manifest_list_free(files, n);
    }
    site_prev = NULL;
    site_sums = NULL;
    site_pub = NULL;
    manifest_sums_free(site_prev_sums);
    site_prev_sums = NULL;
    manifest_sums_free(site_file_sums);
    site_file_sums = NULL;
    st->t_tail = site_now() - t2;
    return rc;
}
