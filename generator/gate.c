/* gate: site.yaml gates, their evaluation and their reports (gate.h). */
#include "gate.h"

#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compliance.h"
#include "json.h"
#include "project.h"
#include "schema.h"
#include "xmem.h"

static const char *const rule_names[] = {
    "all-met",         "no-not-met",        "owner-for-gaps",
    "reviewed-within", "min-coverage",      "metric-thresholds", NULL};
static const char *const levels[] = {"error", "warning", NULL};
static const char *const risks[] = {"prohibited", "high", "limited",
                                    "minimal", NULL};

static const struct schema_field any_str = {"", SCHEMA_STR, 0, NULL, NULL,
                                            NULL, 0, 0, NULL};
static const struct schema_field risk_item = {"", SCHEMA_ENUM, 0, risks,
                                              NULL, NULL, 0, 0, NULL};
static const struct schema_field status_item = {
    "", SCHEMA_ENUM, 0, schema_model_statuses, NULL, NULL, 0, 0, NULL};
static const struct schema_field gate_fields[] = {
    {"id", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY, NULL, NULL, NULL,
     0, 0, NULL},
    {"title", SCHEMA_STR, 0, NULL, NULL, NULL, 0, 0, NULL},
    {"rule", SCHEMA_ENUM, SCHEMA_REQUIRED, rule_names, NULL, NULL, 0, 0,
     NULL},
    {"framework", SCHEMA_STR, 0, NULL, NULL, NULL, 0, 0, NULL},
    {"risk", SCHEMA_LIST, SCHEMA_SCALAR_OK, NULL, NULL, &risk_item, 0, 0,
     NULL},
    {"status", SCHEMA_LIST, SCHEMA_SCALAR_OK, NULL, NULL, &status_item, 0, 0,
     NULL},
    {"days", SCHEMA_INT, SCHEMA_RANGE, NULL, NULL, NULL, 1, 36500, NULL},
    {"min", SCHEMA_NUM, SCHEMA_RANGE, NULL, NULL, NULL, 0, 1, NULL},
    {"level", SCHEMA_ENUM, 0, levels, NULL, NULL, 0, 0, NULL},
    {NULL, SCHEMA_ANY, 0, NULL, NULL, NULL, 0, 0, NULL},
};
static const struct schema gate_schema = {"a gate", gate_fields, false};
static const struct schema_field gate_item = {"", SCHEMA_MAP, 0, NULL,
                                              &gate_schema, NULL, 0, 0, NULL};
static const struct schema_field gates_fields[] = {
    {"gates", SCHEMA_LIST, 0, NULL, NULL, &gate_item, 0, 0, NULL},
    {NULL, SCHEMA_ANY, 0, NULL, NULL, NULL, 0, 0, NULL},
};
static const struct schema gates_schema = {"site.yaml", gates_fields, true};
static const struct schema_field unused_str = {"", SCHEMA_STR, 0, NULL, NULL,
                                               NULL, 0, 0, NULL};

static bool
in_list(const struct node *list, const char *s)
{
    if (!list)
        return true;
    if (!s)
        return false;
    if (node_is_scalar(list))
        return !strcmp(list->str, s);
    for (size_t i = 0; i < list->n; i++)
        if (node_is_scalar(list->items[i]) && !strcmp(list->items[i]->str, s))
            return true;
    return false;
}

/* Days since 1970-01-01 of a valid YYYY-MM-DD (proleptic Gregorian). */
static long long
day_number(const char *s)
{
    int y, m, d;
    if (!s || !schema_is_date(s, &y, &m, &d))
        return -1;
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct failures {
    struct gate_failure *v;
    size_t n, cap;
};

static void
add_failure(struct project *p, struct failures *f, struct pos pos,
            const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
add_failure(struct project *p, struct failures *f, struct pos pos,
            const char *fmt, ...)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->v = xrealloc(f->v, f->cap * sizeof *f->v);
    }
    struct buf b;
    buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    f->v[f->n].pos = pos;
    f->v[f->n].msg = arena_strdup(p->arena, b.data);
    f->n++;
    buf_release(&b);
}

static struct pos
answer_pos(const struct model *m, const struct model_compliance *mc,
           const struct answer *a)
{
    if (a->pos.path)
        return a->pos;
    struct pos at = {mc->path ? mc->path : m->card_path, 0, 0};
    return at;
}

static void
check_compliance(struct project *p, const struct gate *g,
                 const struct model *m, const struct model_compliance *mc,
                 struct failures *f)
{
    const struct catalog *c = mc->catalog;
    size_t unknown = 0;
    struct buf ulist;
    buf_init(&ulist);
    for (size_t i = 0; i < c->nitems; i++) {
        const struct answer *a = &mc->answers[i];
        const struct catalog_item *it = &c->items[i];
        if (!a->applies)
            continue;
        struct pos at = answer_pos(m, mc, a);
        switch (g->rule) {
        case GATE_ALL_MET:
            if (a->status == COMPLIANCE_UNKNOWN) {
                if (unknown++ < 5)
                    buf_printf(&ulist, "%s'%s'", unknown > 1 ? ", " : "",
                               it->id);
            } else if (a->status == COMPLIANCE_NOT_MET ||
                       a->status == COMPLIANCE_PARTIAL) {
                add_failure(p, f, at, "'%s' is %s; every applicable %s item "
                                      "must be met",
                            it->id, compliance_status_name(a->status),
                            c->id);
            }
            break;
        case GATE_NO_NOT_MET:
            if (a->status == COMPLIANCE_NOT_MET)
                add_failure(p, f, at, "'%s' is not-met", it->id);
            break;
        case GATE_OWNER_FOR_GAPS:
            if ((a->status == COMPLIANCE_NOT_MET ||
                 a->status == COMPLIANCE_PARTIAL) &&
                !a->owner)
                add_failure(p, f, at, "'%s' is %s and has no owner", it->id,
                            compliance_status_name(a->status));
            break;
        case GATE_REVIEWED_WITHIN:
            if (a->status != COMPLIANCE_UNKNOWN) {
                long long day = day_number(a->reviewed);
                long long today = p->epoch / 86400;
                if (day < 0)
                    add_failure(p, f, at, "'%s' has no review date", it->id);
                else if (today - day > g->days)
                    add_failure(p, f, at,
                                "'%s' was last reviewed on %s, %lld days "
                                "ago (limit %lld)",
                                it->id, a->reviewed, today - day, g->days);
            }
            break;
        default:
            break;
        }
    }
    if (g->rule == GATE_ALL_MET && unknown) {
        struct pos at = {mc->path ? mc->path : m->card_path, 0, 0};
        add_failure(p, f, at, "%zu applicable %s item%s not assessed: %s%s",
                    unknown, c->id, unknown == 1 ? " is" : "s are",
                    ulist.data, unknown > 5 ? ", …" : "");
    }
    if (g->rule == GATE_MIN_COVERAGE && mc->cov.applicable) {
        double share = (double)(mc->cov.met + mc->cov.na) /
                       (double)mc->cov.applicable;
        if (share + 1e-12 < g->min) {
            struct pos at = {mc->path ? mc->path : m->card_path, 0, 0};
            add_failure(p, f, at,
                        "%s coverage is %.0f%% (%zu of %zu applicable items "
                        "met or not applicable); the minimum is %.0f%%",
                        c->id, share * 100, mc->cov.met + mc->cov.na,
                        mc->cov.applicable, g->min * 100);
        }
    }
    buf_release(&ulist);
}

static void
check_metrics(struct project *p, const struct model *m, struct failures *f)
{
    const struct node *card = m->merged ? m->merged : m->card;
    if (!m->nreleases || !card)
        return;
    const struct release *r = &m->releases[m->nreleases - 1];
    const struct node *decl = node_get(card, "metrics");
    if (!decl || decl->type != NODE_SEQ)
        return;
    for (size_t i = 0; i < decl->n; i++) {
        const struct node *d = decl->items[i];
        const char *name = node_get_str(d, "name");
        const struct metric_value *v =
            name ? project_metric(m, r->version, name) : NULL;
        double lo, hi;
        if (!v)
            continue;
        const char *src = !strcmp(v->source, "release") ? "" : v->source;
        if (node_number(node_get(d, "min"), &lo) && v->value < lo)
            add_failure(p, f, v->pos,
                        "metric '%s' is %s in release %s, below its "
                        "minimum %s%s%s%s",
                        name, v->raw, r->version, node_get(d, "min")->str,
                        *src ? " (from " : "", src, *src ? ")" : "");
        if (node_number(node_get(d, "max"), &hi) && v->value > hi)
            add_failure(p, f, v->pos,
                        "metric '%s' is %s in release %s, above its "
                        "maximum %s%s%s%s",
                        name, v->raw, r->version, node_get(d, "max")->str,
                        *src ? " (from " : "", src, *src ? ")" : "");
    }
}

static enum gate_rule
rule_of(const char *s)
{
    for (int i = 0; rule_names[i]; i++)
        if (!strcmp(rule_names[i], s))
            return (enum gate_rule)i;
    return GATE_ALL_MET;
}

int
gate_evaluate(struct project *p, struct diag *d)
{
    (void)unused_str;
    (void)any_str;
    const struct node *gs = p->site ? node_get(p->site, "gates") : NULL;
    if (!gs)
        return 0;
    size_t before = diag_errors(d);
    if (schema_check(&gates_schema, p->site, p->site_path, d) < 0)
        return -1;
    p->gates = xcalloc(gs->n ? gs->n : 1, sizeof *p->gates);
    for (size_t i = 0; i < gs->n; i++) {
        const struct node *n = gs->items[i];
        struct gate *g = &p->gates[p->ngates];
        g->id = node_get_str(n, "id");
        g->title = node_get_str(n, "title");
        g->rule_name = node_get_str(n, "rule");
        g->rule = rule_of(g->rule_name);
        g->framework = node_get_str(n, "framework");
        g->risk = node_get(n, "risk");
        g->status = node_get(n, "status");
        const char *lv = node_get_str(n, "level");
        g->error = !lv || !strcmp(lv, "error");
        g->pos = n->pos;
        const struct node *days = node_get(n, "days");
        g->days = days && days->type == NODE_INT ? days->v.i : 365;
        double mn = 1;
        node_number(node_get(n, "min"), &mn);
        g->min = mn;
        for (size_t k = 0; k < p->ngates; k++)
            if (!strcmp(p->gates[k].id, g->id))
                diag_error(d, &node_get(n, "id")->pos,
                           "gate id '%s' is used twice", g->id);
        if (g->framework && !compliance_catalog(p, g->framework))
            diag_error(d, &node_get(n, "framework")->pos,
                       "gate '%s' names framework '%s', which is not "
                       "loaded",
                       g->id, g->framework);
        p->ngates++;
    }
    p->outcomes = xcalloc(p->ngates * (p->nmodels ? p->nmodels : 1),
                          sizeof *p->outcomes);
    for (size_t gi = 0; gi < p->ngates; gi++) {
        const struct gate *g = &p->gates[gi];
        for (size_t mi = 0; mi < p->nmodels; mi++) {
            const struct model *m = &p->models[mi];
            struct gate_outcome *o = &p->outcomes[gi * p->nmodels + mi];
            const char *risk = m->card ? node_get_str(m->card, "risk_class")
                                       : NULL;
            const char *status = m->card ? node_get_str(m->card, "status")
                                         : NULL;
            if (!in_list(g->risk, risk) || !in_list(g->status, status)) {
                o->result = GATE_SKIP;
                o->skip_reason = "does not apply to this model's risk class "
                                 "or status";
                continue;
            }
            struct failures f = {0};
            if (g->rule == GATE_METRIC_THRESHOLDS) {
                check_metrics(p, m, &f);
            } else {
                for (size_t k = 0; k < m->ncompliance; k++)
                    if (!g->framework ||
                        !strcmp(g->framework, m->compliance[k].catalog->id))
                        check_compliance(p, g, m, &m->compliance[k], &f);
            }
            o->result = f.n ? GATE_FAIL : GATE_PASS;
            o->failures = arena_alloc(p->arena,
                                      (f.n ? f.n : 1) * sizeof *o->failures);
            if (f.n)
                memcpy(o->failures, f.v, f.n * sizeof *f.v);
            o->nfailures = f.n;
            free(f.v);
        }
    }
    return diag_errors(d) > before ? -1 : 0;
}

const struct gate_outcome *
gate_outcome(const struct project *p, size_t g, size_t m)
{
    return &p->outcomes[g * p->nmodels + m];
}

size_t
gate_report(const struct project *p, struct diag *d)
{
    size_t errors = 0;
    for (size_t gi = 0; gi < p->ngates; gi++) {
        const struct gate *g = &p->gates[gi];
        for (size_t mi = 0; mi < p->nmodels; mi++) {
            const struct gate_outcome *o = gate_outcome(p, gi, mi);
            for (size_t k = 0; k < o->nfailures; k++) {
                if (g->error) {
                    diag_error(d, &o->failures[k].pos, "%s: %s [gate %s]",
                               p->models[mi].id, o->failures[k].msg, g->id);
                    errors++;
                } else {
                    diag_warning(d, &o->failures[k].pos, "%s: %s [gate %s]",
                                 p->models[mi].id, o->failures[k].msg,
                                 g->id);
                }
            }
        }
    }
    return errors;
}

int
gate_junit(const struct project *p, struct buf *out)
{
    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(xb, 0);
    if (!w) {
        xmlBufferFree(xb);
        return -1;
    }
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "testsuites");
    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "dossier check");
    size_t tests = 0, failures = 0, skipped = 0;
    for (size_t gi = 0; gi < p->ngates; gi++)
        for (size_t mi = 0; mi < p->nmodels; mi++) {
            const struct gate_outcome *o = gate_outcome(p, gi, mi);
            tests++;
            failures += o->result == GATE_FAIL;
            skipped += o->result == GATE_SKIP;
        }
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "tests", "%zu", tests);
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "failures", "%zu",
                                      failures);
    xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST "0");
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "skipped", "%zu", skipped);
    for (size_t gi = 0; gi < p->ngates; gi++) {
        const struct gate *g = &p->gates[gi];
        size_t gf = 0, gs = 0;
        for (size_t mi = 0; mi < p->nmodels; mi++) {
            gf += gate_outcome(p, gi, mi)->result == GATE_FAIL;
            gs += gate_outcome(p, gi, mi)->result == GATE_SKIP;
        }
        xmlTextWriterStartElement(w, BAD_CAST "testsuite");
        xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST g->id);
        xmlTextWriterWriteFormatAttribute(w, BAD_CAST "tests", "%zu",
                                          p->nmodels);
        xmlTextWriterWriteFormatAttribute(w, BAD_CAST "failures", "%zu", gf);
        xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST "0");
        xmlTextWriterWriteFormatAttribute(w, BAD_CAST "skipped", "%zu", gs);
        xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST "0");
        for (size_t mi = 0; mi < p->nmodels; mi++) {
            const struct gate_outcome *o = gate_outcome(p, gi, mi);
            xmlTextWriterStartElement(w, BAD_CAST "testcase");
            xmlTextWriterWriteAttribute(w, BAD_CAST "name",
                                        BAD_CAST p->models[mi].id);
            xmlTextWriterWriteAttribute(w, BAD_CAST "classname",
                                        BAD_CAST g->id);
            xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST "0");
            if (o->result == GATE_SKIP) {
                xmlTextWriterStartElement(w, BAD_CAST "skipped");
                xmlTextWriterWriteAttribute(w, BAD_CAST "message",
                                            BAD_CAST o->skip_reason);
                xmlTextWriterEndElement(w);
            } else if (o->result == GATE_FAIL) {
                struct buf text;
                buf_init(&text);
                for (size_t k = 0; k < o->nfailures; k++) {
                    const struct pos *at = &o->failures[k].pos;
                    buf_printf(&text, "%s", at->path ? at->path : "");
                    if (at->line)
                        buf_printf(&text, ":%u:%u", at->line, at->col);
                    buf_printf(&text, ": %s\n", o->failures[k].msg);
                }
                xmlTextWriterStartElement(w, BAD_CAST "failure");
                xmlTextWriterWriteFormatAttribute(
                    w, BAD_CAST "message", "%s (%zu finding%s)",
                    g->title ? g->title : g->id, o->nfailures,
                    o->nfailures == 1 ? "" : "s");
                xmlTextWriterWriteAttribute(w, BAD_CAST "type",
                                            BAD_CAST g->rule_name);
                xmlTextWriterWriteString(w, BAD_CAST text.data);
                xmlTextWriterEndElement(w);
                buf_release(&text);
            }
            xmlTextWriterEndElement(w);
        }
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    buf_add(out, (const char *)xmlBufferContent(xb),
            (size_t)xmlBufferLength(xb));
    xmlBufferFree(xb);
    return 0;
}

static const char *
result_name(enum gate_result r)
{
    return r == GATE_PASS ? "pass" : r == GATE_FAIL ? "fail" : "skip";
}

void
gate_json(const struct project *p, struct buf *out)
{
    struct json j;
    json_init(&j, out);
    json_object_begin(&j);
    json_key(&j, "gates");
    json_array_begin(&j);
    for (size_t gi = 0; gi < p->ngates; gi++) {
        const struct gate *g = &p->gates[gi];
        json_object_begin(&j);
        json_kv(&j, "id", g->id);
        json_kv(&j, "title", g->title);
        json_kv(&j, "rule", g->rule_name);
        json_kv(&j, "level", g->error ? "error" : "warning");
        json_key(&j, "models");
        json_array_begin(&j);
        for (size_t mi = 0; mi < p->nmodels; mi++) {
            const struct gate_outcome *o = gate_outcome(p, gi, mi);
            json_object_begin(&j);
            json_kv(&j, "model", p->models[mi].id);
            json_kv(&j, "result", result_name(o->result));
            json_key(&j, "findings");
            json_array_begin(&j);
            for (size_t k = 0; k < o->nfailures; k++) {
                json_object_begin(&j);
                json_kv(&j, "path", o->failures[k].pos.path);
                json_key(&j, "line");
                json_int(&j, o->failures[k].pos.line);
                json_key(&j, "col");
                json_int(&j, o->failures[k].pos.col);
                json_kv(&j, "message", o->failures[k].msg);
                json_object_end(&j);
            }
            json_array_end(&j);
            json_object_end(&j);
        }
        json_array_end(&j);
        json_object_end(&j);
    }
    json_array_end(&j);
    json_object_end(&j);
}

void
gate_markdown(const struct project *p, struct buf *out)
{
    size_t fails = 0;
    for (size_t i = 0; i < p->ngates * p->nmodels; i++)
        fails += p->outcomes[i].result == GATE_FAIL;
    buf_printf(out, "### dossier check: %zu gate%s, %zu model%s, %zu "
                    "failing\n\n",
               p->ngates, p->ngates == 1 ? "" : "s", p->nmodels,
               p->nmodels == 1 ? "" : "s", fails);
    buf_puts(out, "| Gate | Level |");
    for (size_t mi = 0; mi < p->nmodels; mi++)
        buf_printf(out, " %s |", p->models[mi].id);
    buf_puts(out, "\n|---|---|");
    for (size_t mi = 0; mi < p->nmodels; mi++)
        buf_puts(out, "---|");
    buf_putc(out, '\n');
    for (size_t gi = 0; gi < p->ngates; gi++) {
        const struct gate *g = &p->gates[gi];
        buf_printf(out, "| %s | %s |", g->title ? g->title : g->id,
                   g->error ? "error" : "warning");
        for (size_t mi = 0; mi < p->nmodels; mi++) {
            const struct gate_outcome *o = gate_outcome(p, gi, mi);
            if (o->result == GATE_FAIL)
                buf_printf(out, " ❌ %zu |", o->nfailures);
            else
                buf_puts(out, o->result == GATE_PASS ? " ✅ |" : " — |");
        }
        buf_putc(out, '\n');
    }
    if (fails) {
        buf_puts(out, "\n<details><summary>Findings</summary>\n\n");
        for (size_t gi = 0; gi < p->ngates; gi++)
            for (size_t mi = 0; mi < p->nmodels; mi++) {
                const struct gate_outcome *o = gate_outcome(p, gi, mi);
                for (size_t k = 0; k < o->nfailures; k++) {
                    const struct pos *at = &o->failures[k].pos;
                    buf_printf(out, "- `%s", at->path ? at->path : "");
                    if (at->line)
                        buf_printf(out, ":%u:%u", at->line, at->col);
                    buf_printf(out, "` **%s** %s (%s)\n", p->models[mi].id,
                               o->failures[k].msg, p->gates[gi].id);
                }
            }
        buf_puts(out, "\n</details>\n");
    }
}
