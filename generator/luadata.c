/* luadata: node trees and the project as Lua tables (see luadata.h). */
#include "luadata.h"

#include <lauxlib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "compliance.h"
#include "gate.h"
#include "site.h"

void
luadata_push_node(lua_State *L, const struct node *n)
{
    if (!n) {
        lua_pushnil(L);
        return;
    }
    luaL_checkstack(L, 4, "document too deep");
    switch (n->type) {
    case NODE_NULL: lua_pushnil(L); break;
    case NODE_BOOL: lua_pushboolean(L, n->v.b); break;
    case NODE_INT: lua_pushinteger(L, (lua_Integer)n->v.i); break;
    case NODE_FLOAT: lua_pushnumber(L, n->v.f); break;
    case NODE_STR: lua_pushlstring(L, n->str, n->len); break;
    case NODE_SEQ:
        lua_createtable(L, (int)n->n, 0);
        for (size_t i = 0; i < n->n; i++) {
            luadata_push_node(L, n->items[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    case NODE_MAP:
        lua_createtable(L, 0, (int)n->n);
        for (size_t i = 0; i < n->n; i++) {
            lua_pushstring(L, n->pairs[i].key->str);
            luadata_push_node(L, n->pairs[i].value);
            lua_rawset(L, -3);
        }
        break;
    }
}

static void
set_str(lua_State *L, const char *k, const char *v)
{
    if (!v)
        return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, k);
}

/* Paths shown on pages are relative to the project root. */
static _Thread_local const struct project *cur_project;

static void
set_path(lua_State *L, const char *k, const char *v)
{
    set_str(L, k, project_relpath(cur_project, v));
}

/* Raw texts of a map's scalar values: { key = "0.8120", ... } */
static void
push_raw_map(lua_State *L, const struct node *m)
{
    lua_newtable(L);
    if (!m || m->type != NODE_MAP)
        return;
    for (size_t i = 0; i < m->n; i++) {
        const struct node *v = m->pairs[i].value;
        if (node_is_scalar(v) && v->type != NODE_NULL) {
            lua_pushstring(L, v->str);
            lua_setfield(L, -2, m->pairs[i].key->str);
        }
    }
}

static void
push_release(lua_State *L, const struct release *r)
{
    luadata_push_node(L, r->node);
    set_str(L, "version", r->version);
    set_path(L, "file", r->file);
    push_raw_map(L, node_get(r->node, "metrics"));
    lua_setfield(L, -2, "metrics_raw");
    /* metric keys in document order, for stable tables */
    const struct node *m = node_get(r->node, "metrics");
    lua_newtable(L);
    if (m && m->type == NODE_MAP)
        for (size_t i = 0; i < m->n; i++) {
            lua_pushstring(L, m->pairs[i].key->str);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
    lua_setfield(L, -2, "metric_order");
}

static void
set_int(lua_State *L, const char *k, long long v)
{
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, k);
}

static void
push_coverage(lua_State *L, const struct coverage *c)
{
    lua_newtable(L);
    set_int(L, "applicable", (long long)c->applicable);
    set_int(L, "met", (long long)c->met);
    set_int(L, "partial", (long long)c->partial);
    set_int(L, "not_met", (long long)c->not_met);
    set_int(L, "na", (long long)c->na);
    set_int(L, "unknown", (long long)c->unknown);
}

static char
status_char(const struct answer *a)
{
    if (!a->applies)
        return '-';
    switch (a->status) {
    case COMPLIANCE_MET: return 'm';
    case COMPLIANCE_PARTIAL: return 'p';
    case COMPLIANCE_NOT_MET: return 'n';
    case COMPLIANCE_NA: return 'a';
    case COMPLIANCE_UNKNOWN: break;
    }
    return 'u';
}

/* The full answers of one framework: { [item id] = {status, evidence…} }.
 * Pushed only while that model's pages render, so memory does not grow
 * with the portfolio. */
static void
push_answers(lua_State *L, const struct model *m,
             const struct model_compliance *mc)
{
    const struct catalog *c = mc->catalog;
    lua_createtable(L, 0, (int)c->nitems);
    for (size_t i = 0; i < c->nitems; i++) {
        const struct answer *a = &mc->answers[i];
        lua_createtable(L, 0, 8);
        set_str(L, "status", compliance_status_name(a->status));
        lua_pushboolean(L, a->applies);
        lua_setfield(L, -2, "applies");
        set_str(L, "owner", a->owner);
        set_str(L, "reviewed", a->reviewed);
        set_str(L, "note", a->note);
        set_str(L, "justification", a->justification);
        if (a->pos.path)
            set_int(L, "line", a->pos.line);
        lua_createtable(L, (int)a->nevidence, 0);
        for (size_t k = 0; k < a->nevidence; k++) {
            const struct evidence *ev = &a->evidence[k];
            lua_newtable(L);
            set_str(L, "ref", ev->ref);
            set_str(L, "url", ev->url);
            if (ev->rel) {
                lua_pushfstring(L, "models/%s/%s", m->id, ev->rel);
                lua_setfield(L, -2, "href");
                set_str(L, "sha256", ev->sha256);
                set_int(L, "size", (long long)ev->size);
            }
            lua_rawseti(L, -2, (lua_Integer)k + 1);
        }
        lua_setfield(L, -2, "evidence");
        lua_setfield(L, -2, c->items[i].id);
    }
}

/* A framework's summary for a model: coverage, and `statuses`, one
 * character per catalog item in catalog order (m met, p partial, n not
 * met, a not applicable by answer, u not assessed, - does not apply), for
 * the portfolio-wide matrix. */
static void
push_compliance(lua_State *L, const struct model *m,
                const struct model_compliance *mc)
{
    const struct catalog *c = mc->catalog;
    lua_newtable(L);
    set_str(L, "framework", c->id);
    set_str(L, "title", c->title);
    set_path(L, "path", mc->path);
    lua_pushfstring(L, "models/%s/compliance/%s.html", m->id, c->id);
    lua_setfield(L, -2, "url");
    push_coverage(L, &mc->cov);
    lua_setfield(L, -2, "coverage");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (size_t i = 0; i < c->nitems; i++)
        luaL_addchar(&b, status_char(&mc->answers[i]));
    luaL_pushresult(&b);
    lua_setfield(L, -2, "statuses");
}

void
luadata_set_answers(lua_State *L, const struct project *p, size_t mi,
                    bool on)
{
    const struct model *m = &p->models[mi];
    cur_project = p;
    lua_getfield(L, -1, "compliance");
    for (size_t k = 0; k < m->ncompliance; k++) {
        lua_rawgeti(L, -1, (lua_Integer)k + 1);
        if (on)
            push_answers(L, m, &m->compliance[k]);
        else
            lua_pushnil(L);
        lua_setfield(L, -2, "answers");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static void
push_failures(lua_State *L, const struct gate_outcome *o)
{
    lua_createtable(L, (int)o->nfailures, 0);
    for (size_t k = 0; k < o->nfailures; k++) {
        lua_newtable(L);
        set_path(L, "path", o->failures[k].pos.path);
        set_int(L, "line", o->failures[k].pos.line);
        set_str(L, "message", o->failures[k].msg);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
}

static const char *
result_name(enum gate_result r)
{
    return r == GATE_PASS ? "pass" : r == GATE_FAIL ? "fail" : "skip";
}

static void
push_input(lua_State *L, const struct input_file *f)
{
    lua_createtable(L, 0, 3);
    set_str(L, "path", f->rel);
    set_str(L, "sha256", f->sha256);
    lua_pushinteger(L, (lua_Integer)f->size);
    lua_setfield(L, -2, "size");
}

static void
push_value(lua_State *L, const struct metric_value *v)
{
    lua_createtable(L, 0, 10);
    if (v->has_value) {
        lua_pushnumber(L, v->value);
        lua_setfield(L, -2, "value");
    }
    set_str(L, "raw", v->raw);
    set_str(L, "source", v->source);
    set_path(L, "path", v->pos.path);
    set_int(L, "line", v->pos.line);
    set_str(L, "slice", v->slice);
    set_str(L, "label", v->label);
    set_str(L, "run_id", v->run_id);
    if (v->percent) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "percent");
    }
    if (v->has_ci) {
        lua_pushnumber(L, v->ci_low);
        lua_setfield(L, -2, "ci_low");
        lua_pushnumber(L, v->ci_high);
        lua_setfield(L, -2, "ci_high");
    }
    if (v->eval) {
        set_str(L, "dataset", v->eval->dataset_name ? v->eval->dataset_name
                                                    : v->eval->dataset_type);
        set_str(L, "task", v->eval->task_name ? v->eval->task_name
                                              : v->eval->task_type);
    }
    if (v->has_verified) {
        lua_pushboolean(L, v->verified);
        lua_setfield(L, -2, "verified");
    }
}

/* model.history: every release's value of every metric, resolved across
 * sources (cells[version][metric]), slices of each release, step
 * histories of MLflow runs, and the results imported cards report that
 * belong to no release. */
static void
push_history(lua_State *L, const struct model *m)
{
    const struct metric_set *ms = &m->metrics;
    lua_newtable(L);
    /* metric names in first-seen order, overall values with a version */
    lua_newtable(L); /* names */
    lua_newtable(L); /* seen */
    int nnames = 0;
    for (size_t i = 0; i < ms->nvalues; i++) {
        const struct metric_value *v = &ms->values[i];
        if (!v->version || !v->metric)
            continue;
        lua_getfield(L, -1, v->metric);
        bool seen = !lua_isnil(L, -1);
        lua_pop(L, 1);
        if (seen)
            continue;
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, v->metric);
        lua_pushstring(L, v->metric);
        lua_rawseti(L, -3, ++nnames);
    }
    lua_pop(L, 1);
    lua_setfield(L, -2, "names");

    lua_newtable(L); /* cells[version][metric] = best overall value */
    lua_newtable(L); /* slices[version][metric] = { values… } */
    lua_newtable(L); /* runs[version][metric] = history of steps */
    for (size_t r = 0; r < m->nreleases; r++) {
        const char *ver = m->releases[r].version;
        lua_newtable(L);
        lua_newtable(L);
        lua_newtable(L);
        for (size_t i = 0; i < ms->nvalues; i++) {
            const struct metric_value *v = &ms->values[i];
            if (!v->version || strcmp(v->version, ver) || !v->metric)
                continue;
            if (v->slice) {
                lua_getfield(L, -2, v->metric);
                if (lua_isnil(L, -1)) {
                    lua_pop(L, 1);
                    lua_newtable(L);
                    lua_pushvalue(L, -1);
                    lua_setfield(L, -4, v->metric);
                }
                push_value(L, v);
                lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
                lua_pop(L, 1);
                continue;
            }
            lua_getfield(L, -3, v->metric);
            bool better = lua_isnil(L, -1);
            if (!better) {
                lua_getfield(L, -1, "source");
                const char *old = lua_tostring(L, -1);
                better = project_source_rank(v->source) <
                         project_source_rank(old);
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
            if (better) {
                push_value(L, v);
                lua_setfield(L, -4, v->metric);
                if (v->nhistory > 1 && v->nhistory <= 2000) {
                    lua_createtable(L, (int)v->nhistory, 0);
                    for (size_t k = 0; k < v->nhistory; k++) {
                        lua_createtable(L, 2, 0);
                        lua_pushinteger(L, v->history[k].step);
                        lua_rawseti(L, -2, 1);
                        lua_pushnumber(L, v->history[k].value);
                        lua_rawseti(L, -2, 2);
                        lua_rawseti(L, -2, (lua_Integer)k + 1);
                    }
                    lua_setfield(L, -2, v->metric);
                }
            }
        }
        lua_setfield(L, -4, ver);
        lua_setfield(L, -4, ver);
        lua_setfield(L, -4, ver);
    }
    lua_setfield(L, -4, "steps");
    lua_setfield(L, -3, "slices");
    lua_setfield(L, -2, "cells");

    /* results that belong to no release (cards, unmatched runs) */
    lua_newtable(L);
    int nu = 0;
    for (size_t i = 0; i < ms->nvalues && nu < 2000; i++) {
        const struct metric_value *v = &ms->values[i];
        if (v->version || !v->metric)
            continue;
        push_value(L, v);
        set_str(L, "metric", v->metric);
        lua_rawseti(L, -2, ++nu);
    }
    lua_setfield(L, -2, "unreleased");
    lua_createtable(L, (int)ms->nruns, 0);
    for (size_t i = 0; i < ms->nruns; i++) {
        const struct metric_run *run = &ms->runs[i];
        lua_newtable(L);
        set_str(L, "run_id", run->run_id);
        set_str(L, "run_name", run->run_name);
        set_str(L, "experiment", run->experiment);
        set_str(L, "status", run->status);
        set_str(L, "version", run->version);
        set_str(L, "source", run->source);
        set_path(L, "path", run->pos.path);
        lua_pushboolean(L, run->deleted);
        lua_setfield(L, -2, "deleted");
        set_int(L, "values", (long long)run->nvalues);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "runs");
}

/* A model's table holds its small fields from the start: ids, urls,
 * compliance summaries. Everything else (the card's own fields, releases,
 * metrics history, inputs, the value sheet, gate results) is made on
 * first use by __index and dropped again by luadata_trim_models() after
 * the pages that used it, so a render thread does not hold the whole
 * portfolio in Lua at once. */
static const char *const model_lazy[] = {
    "field_sources", "history", "inputs", "releases", "readme_html",
    "value", "gates", NULL,
};

static bool
push_lazy_field(lua_State *L, const struct project *p, size_t mi,
                const char *k)
{
    const struct model *m = &p->models[mi];
    if (!strcmp(k, "gates")) {
        /* with every finding's message, the largest field of a model
         * that fails its gates: made when a page asks */
        lua_createtable(L, (int)p->ngates, 0);
        for (size_t g = 0; g < p->ngates; g++) {
            const struct gate *gt = &p->gates[g];
            const struct gate_outcome *o = gate_outcome(p, g, mi);
            lua_newtable(L);
            set_str(L, "id", gt->id);
            set_str(L, "title", gt->title);
            set_str(L, "rule", gt->rule_name);
            set_str(L, "level", gt->error ? "error" : "warning");
            set_str(L, "result", result_name(o->result));
            set_str(L, "skip_reason", o->skip_reason);
            push_failures(L, o);
            lua_setfield(L, -2, "failures");
            lua_rawseti(L, -2, (lua_Integer)g + 1);
        }
    } else if (!strcmp(k, "field_sources")) {
        lua_newtable(L);
        for (size_t i = 0; i < m->nfields; i++) {
            lua_pushstring(L, m->field_sources[i]);
            lua_setfield(L, -2, m->field_keys[i]);
        }
    } else if (!strcmp(k, "history")) {
        push_history(L, m);
    } else if (!strcmp(k, "inputs")) {
        /* inputs are sorted by path, so the model's own are one run */
        size_t first, n = project_inputs_under(p, m->rel, &first);
        lua_createtable(L, (int)n, 0);
        for (size_t i = 0; i < n; i++) {
            push_input(L, &p->inputs[first + i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
    } else if (!strcmp(k, "releases")) {
        lua_createtable(L, (int)m->nreleases, 0);
        for (size_t i = 0; i < m->nreleases; i++) {
            push_release(L, &m->releases[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
    } else if (!strcmp(k, "readme_html")) {
        if (!m->readme_html)
            return false;
        lua_pushstring(L, m->readme_html);
    } else if (!strcmp(k, "value")) {
        if (!m->value)
            return false;
        luadata_push_node(L, m->value);
    } else {
        const struct node *card = m->merged && m->merged->type == NODE_MAP
                                      ? m->merged
                                  : m->card && m->card->type == NODE_MAP
                                      ? m->card
                                      : NULL;
        const struct node *v = card ? node_get(card, k) : NULL;
        if (!v)
            return false;
        luadata_push_node(L, v);
    }
    return true;
}

/* __index(t, k) of a model table */
static int
l_model_index(lua_State *L)
{
    const struct project *p = cur_project;
    if (!p || lua_type(L, 2) != LUA_TSTRING)
        return 0;
    lua_getfield(L, 1, "_index");
    lua_Integer mi = lua_tointeger(L, -1) - 1;
    lua_pop(L, 1);
    if (mi < 0 || (size_t)mi >= p->nmodels)
        return 0;
    if (!push_lazy_field(L, p, (size_t)mi, lua_tostring(L, 2)))
        return 0;
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, 1);
    return 1;
}

static int
l_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_next(L, 1))
        return 2;
    lua_pushnil(L);
    return 1;
}

/* __pairs(t): every field, the lazy ones made first */
static int
l_model_pairs(lua_State *L)
{
    const struct project *p = cur_project;
    lua_getfield(L, 1, "_index");
    lua_Integer mi = lua_tointeger(L, -1) - 1;
    lua_pop(L, 1);
    if (p && mi >= 0 && (size_t)mi < p->nmodels) {
        const struct model *m = &p->models[mi];
        for (size_t i = 0; model_lazy[i]; i++)
            lua_getfield(L, 1, model_lazy[i]);
        const struct node *card = m->merged && m->merged->type == NODE_MAP
                                      ? m->merged
                                  : m->card && m->card->type == NODE_MAP
                                      ? m->card
                                      : NULL;
        for (size_t i = 0; card && i < card->n; i++)
            lua_getfield(L, 1, card->pairs[i].key->str);
        lua_settop(L, 1);
    }
    lua_pushcfunction(L, l_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static void
push_model_meta(lua_State *L)
{
    if (luaL_newmetatable(L, "dossier.model")) {
        lua_pushcfunction(L, l_model_index);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_model_pairs);
        lua_setfield(L, -2, "__pairs");
    }
}

static void
push_model(lua_State *L, const struct project *p, size_t mi)
{
    const struct model *m = &p->models[mi];
    lua_newtable(L);
    lua_pushinteger(L, (lua_Integer)mi + 1);
    lua_setfield(L, -2, "_index");
    set_str(L, "id", m->id);
    set_path(L, "dir", m->dir);
    set_path(L, "card_path", m->card_path);
    set_path(L, "readme_path", m->readme_path);
    lua_pushfstring(L, "models/%s/index.html", m->id);
    lua_setfield(L, -2, "url");
    lua_pushfstring(L, "models/%s/model.json", m->id);
    lua_setfield(L, -2, "json_url");
    lua_pushfstring(L, "models/%s/releases.html", m->id);
    lua_setfield(L, -2, "releases_url");
    size_t first, nin = project_inputs_under(p, m->rel, &first);
    long long bytes = 0;
    for (size_t i = 0; i < nin; i++)
        bytes += (long long)p->inputs[first + i].size;
    set_int(L, "input_count", (long long)nin);
    set_int(L, "input_bytes", bytes);

    lua_createtable(L, (int)m->ncompliance, 0);
    lua_newtable(L); /* by framework id */
    for (size_t i = 0; i < m->ncompliance; i++) {
        push_compliance(L, m, &m->compliance[i]);
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, m->compliance[i].catalog->id);
        lua_rawseti(L, -3, (lua_Integer)i + 1);
    }
    lua_setfield(L, -3, "compliance_by_fw");
    lua_setfield(L, -2, "compliance");

    if (m->value) {
        set_path(L, "value_path", m->value_path);
        lua_pushfstring(L, "models/%s/value.html", m->id);
        lua_setfield(L, -2, "value_url");
    }
    push_model_meta(L);
    lua_setmetatable(L, -2);
}

/* site.models and site.model_by_id make a model's table when it is first
 * asked for, and keep it in a weak cache: a render thread's Lua heap would
 * otherwise hold every model of the portfolio for the whole build, and
 * every page gets slower as that heap grows (measured: a checklist page
 * took twice as long at 10,000 models as at 1,000). A table asked for in
 * a job is pinned until luadata_trim_models() ends the job, so a job sees
 * one table per model, with what it added (e.g. the answers). */
#define MODELS_CACHE "dossier.models"
#define MODELS_PIN "dossier.models_pin"

static void
push_cached_model(lua_State *L, const struct project *p, size_t mi)
{
    lua_getfield(L, LUA_REGISTRYINDEX, MODELS_CACHE);
    if (lua_rawgeti(L, -1, (lua_Integer)mi + 1) != LUA_TTABLE) {
        lua_pop(L, 1);
        push_model(L, p, mi);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, (lua_Integer)mi + 1);
    }
    lua_remove(L, -2);
    lua_getfield(L, LUA_REGISTRYINDEX, MODELS_PIN);
    lua_pushvalue(L, -2);
    lua_rawseti(L, -2, (lua_Integer)mi + 1);
    lua_pop(L, 1);
}

/* __index(site.models, i) */
static int
l_models_index(lua_State *L)
{
    const struct project *p = cur_project;
    int isnum = 0;
    lua_Integer i = lua_tointegerx(L, 2, &isnum);
    if (!p || !isnum || i < 1 || (size_t)i > p->nmodels)
        return 0;
    push_cached_model(L, p, (size_t)i - 1);
    return 1;
}

static int
l_models_len(lua_State *L)
{
    lua_pushinteger(L, cur_project ? (lua_Integer)cur_project->nmodels : 0);
    return 1;
}

static int
l_models_next(lua_State *L)
{
    lua_Integer i = luaL_optinteger(L, 2, 0) + 1;
    const struct project *p = cur_project;
    if (!p || i < 1 || (size_t)i > p->nmodels)
        return 0;
    lua_pushinteger(L, i);
    push_cached_model(L, p, (size_t)i - 1);
    return 2;
}

/* __pairs(site.models): the models in order, like ipairs */
static int
l_models_pairs(lua_State *L)
{
    lua_pushcfunction(L, l_models_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int
model_id_cmp(const void *key, const void *m)
{
    return strcmp(key, ((const struct model *)m)->id);
}

/* __index(site.model_by_id, id); models are sorted by id */
static int
l_models_by_id(lua_State *L)
{
    const struct project *p = cur_project;
    if (!p || lua_type(L, 2) != LUA_TSTRING || !p->nmodels)
        return 0;
    const struct model *m = bsearch(lua_tostring(L, 2), p->models, p->nmodels,
                                    sizeof *p->models, model_id_cmp);
    if (!m)
        return 0;
    push_cached_model(L, p, (size_t)(m - p->models));
    return 1;
}

static void
push_models(lua_State *L)
{
    lua_newtable(L);
    lua_newtable(L); /* the weak cache */
    lua_newtable(L);
    lua_pushliteral(L, "v");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, MODELS_CACHE);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, MODELS_PIN);
    lua_newtable(L);
    lua_pushcfunction(L, l_models_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_models_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, l_models_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_setmetatable(L, -2);
}

static void
push_models_by_id(lua_State *L)
{
    lua_newtable(L);
    lua_newtable(L);
    lua_pushcfunction(L, l_models_by_id);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
}

/* The small fields every model table keeps. */
static bool
model_eager(const char *k)
{
    static const char *const keep[] = {
        "_index",    "id",         "dir",     "card_path",   "readme_path",
        "url",       "json_url",   "releases_url", "compliance",
        "input_count", "input_bytes",
        "compliance_by_fw", "value_path", "value_url", NULL,
    };
    for (size_t i = 0; keep[i]; i++)
        if (!strcmp(k, keep[i]))
            return true;
    return false;
}

void
luadata_trim_models(lua_State *L, const struct project *p, long mi)
{
    lua_getfield(L, LUA_REGISTRYINDEX, MODELS_CACHE);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    size_t from = mi < 0 ? 0 : (size_t)mi;
    size_t to = mi < 0 ? p->nmodels : (size_t)mi + 1;
    for (size_t i = from; i < to && i < p->nmodels; i++) {
        if (lua_rawgeti(L, -1, (lua_Integer)i + 1) == LUA_TTABLE) {
            /* collect the keys first: a table must not change under next */
            int t = lua_gettop(L);
            lua_newtable(L);
            int drop = 0;
            lua_pushnil(L);
            while (lua_next(L, t)) {
                lua_pop(L, 1);
                if (lua_type(L, -1) == LUA_TSTRING &&
                    !model_eager(lua_tostring(L, -1))) {
                    lua_pushvalue(L, -1);
                    lua_rawseti(L, t + 1, ++drop);
                }
            }
            for (int k = 1; k <= drop; k++) {
                lua_rawgeti(L, t + 1, k);
                lua_pushnil(L);
                lua_rawset(L, t);
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    /* the job is over: its models may go */
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, MODELS_PIN);
}

/* The fragment pages link an item or section by (compliance_anchor). */
static void
set_anchor(lua_State *L, const char *id)
{
    struct buf b;
    buf_init(&b);
    compliance_anchor(&b, id);
    lua_pushlstring(L, b.data ? b.data : "", b.len);
    buf_release(&b);
    lua_setfield(L, -2, "anchor");
}

static void
push_catalog(lua_State *L, const struct catalog *c)
{
    lua_newtable(L);
    set_str(L, "id", c->id);
    set_str(L, "title", c->title);
    set_str(L, "full_title", c->full_title);
    set_str(L, "version", c->version);
    set_str(L, "source", c->source);
    if (c->path && c->path[0] == '/') {
        /* a catalog shipped with dossier: never show the machine's path */
        const char *base = strrchr(c->path, '/') + 1;
        lua_pushfstring(L, "frameworks/%s (shipped with dossier)", base);
        lua_setfield(L, -2, "path");
    } else {
        set_path(L, "path", c->path);
    }
    lua_pushboolean(L, c->voluntary);
    lua_setfield(L, -2, "voluntary");
    lua_pushfstring(L, "frameworks/%s.html", c->id);
    lua_setfield(L, -2, "url");
    set_int(L, "nitems", (long long)c->nitems);
    lua_createtable(L, (int)c->ndates, 0);
    for (size_t i = 0; i < c->ndates; i++) {
        lua_newtable(L);
        set_str(L, "id", c->dates[i].id);
        set_str(L, "date", c->dates[i].date);
        set_str(L, "label", c->dates[i].label);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "dates");
    lua_createtable(L, (int)c->nsections, 0);
    for (size_t i = 0; i < c->nsections; i++) {
        const struct catalog_section *sec = &c->sections[i];
        lua_newtable(L);
        set_str(L, "id", sec->id);
        set_str(L, "title", sec->title);
        set_str(L, "summary", sec->summary);
        set_anchor(L, sec->id);
        set_int(L, "level", sec->level);
        lua_createtable(L, (int)sec->n, 0);
        for (size_t k = 0; k < sec->n; k++) {
            const struct catalog_item *it = &c->items[sec->first + k];
            lua_newtable(L);
            set_str(L, "id", it->id);
            set_str(L, "title", it->title);
            set_str(L, "guidance", it->guidance);
            set_str(L, "kind", it->kind);
            set_str(L, "condition", it->condition);
            set_str(L, "applies_from", it->applies_from);
            set_str(L, "applies_from_date", it->applies_from_date);
            set_anchor(L, it->id);
            set_int(L, "index", (long long)(sec->first + k + 1));
            lua_rawseti(L, -2, (lua_Integer)k + 1);
        }
        lua_setfield(L, -2, "items");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "sections");
}

void
luadata_push_inputs(lua_State *L, const struct project *p, bool models)
{
    lua_createtable(L, models ? (int)p->ninputs : 0, 0);
    int n = 0;
    for (size_t i = 0; i < p->ninputs; i++) {
        if (!models && !strncmp(p->inputs[i].rel, "content/models/", 15))
            continue;
        push_input(L, &p->inputs[i]);
        lua_rawseti(L, -2, ++n);
    }
}

void
luadata_push_site(lua_State *L, const struct project *p, const char *version)
{
    cur_project = p;
    if (p->site && p->site->type == NODE_MAP)
        luadata_push_node(L, p->site);
    else
        lua_newtable(L);
    set_str(L, "build_date", p->build_date);
    lua_pushinteger(L, (lua_Integer)p->epoch);
    lua_setfield(L, -2, "build_epoch");
    set_str(L, "generator", version);

    bool has_value = p->portfolio != NULL;
    for (size_t i = 0; i < p->nmodels; i++)
        has_value |= p->models[i].value != NULL;
    lua_pushboolean(L, has_value);
    lua_setfield(L, -2, "has_value");
    if (p->portfolio) {
        luadata_push_node(L, p->portfolio);
        lua_setfield(L, -2, "portfolio");
        set_path(L, "portfolio_path", p->portfolio_path);
    }

    push_models(L);
    lua_setfield(L, -2, "models");
    push_models_by_id(L);
    lua_setfield(L, -2, "model_by_id");

    lua_createtable(L, (int)p->npages, 0);
    for (size_t i = 0; i < p->npages; i++) {
        const struct page *pg = &p->pages[i];
        lua_newtable(L);
        set_str(L, "slug", pg->slug);
        set_str(L, "title", pg->title);
        set_str(L, "html", pg->html);
        set_path(L, "path", pg->path);
        lua_pushfstring(L, "pages/%s.html", pg->slug);
        lua_setfield(L, -2, "url");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "pages");

    /* site.inputs is large (every file read) and only the audit page
     * lists it: pushed for that page alone, by luadata_push_inputs() */

    lua_createtable(L, (int)p->nused, 0);
    lua_newtable(L);
    for (size_t i = 0; i < p->nused; i++) {
        push_catalog(L, p->used[i]);
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, p->used[i]->id);
        lua_rawseti(L, -3, (lua_Integer)i + 1);
    }
    lua_setfield(L, -3, "framework_by_id");
    lua_setfield(L, -2, "catalogs");

    /* frameworks in use, in site.yaml order: those models answer */
    lua_createtable(L, (int)p->ncrosswalks, 0);
    for (size_t i = 0, n = 0; i < p->ncrosswalks; i++) {
        const struct crosswalk *x = &p->crosswalks[i];
        if (!site_crosswalk_in_use(p, x))
            continue;
        lua_newtable(L);
        set_str(L, "id", x->id);
        set_str(L, "title", x->title);
        set_str(L, "from", x->from);
        set_str(L, "to", x->to);
        set_str(L, "provenance", x->provenance);
        set_path(L, "path", x->path);
        lua_pushfstring(L, "frameworks/%s.html", x->id);
        lua_setfield(L, -2, "url");
        lua_createtable(L, (int)x->nrows, 0);
        for (size_t r = 0; r < x->nrows; r++) {
            lua_newtable(L);
            set_str(L, "from", x->rows[r].from);
            set_str(L, "rationale", x->rows[r].rationale);
            lua_createtable(L, (int)x->rows[r].nto, 0);
            for (size_t k = 0; k < x->rows[r].nto; k++) {
                lua_pushstring(L, x->rows[r].to[k]);
                lua_rawseti(L, -2, (lua_Integer)k + 1);
            }
            lua_setfield(L, -2, "to");
            lua_rawseti(L, -2, (lua_Integer)r + 1);
        }
        lua_setfield(L, -2, "rows");
        lua_rawseti(L, -2, (lua_Integer)++n);
    }
    lua_setfield(L, -2, "crosswalks");

    lua_createtable(L, (int)p->ngates, 0);
    for (size_t g = 0; g < p->ngates; g++) {
        const struct gate *gt = &p->gates[g];
        lua_newtable(L);
        set_str(L, "id", gt->id);
        set_str(L, "title", gt->title);
        set_str(L, "rule", gt->rule_name);
        set_str(L, "framework", gt->framework);
        set_str(L, "level", gt->error ? "error" : "warning");
        lua_rawseti(L, -2, (lua_Integer)g + 1);
    }
    lua_setfield(L, -2, "gates");
}
