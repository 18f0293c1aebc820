/* luadata: node trees and the project as Lua tables (see luadata.h). */
#include "luadata.h"

#include <lauxlib.h>
#include <string.h>

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
    set_str(L, "file", r->file);
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
push_model(lua_State *L, const struct model *m)
{
    if (m->card && m->card->type == NODE_MAP)
        luadata_push_node(L, m->card);
    else
        lua_newtable(L);
    set_str(L, "id", m->id);
    set_str(L, "dir", m->dir);
    set_str(L, "card_path", m->card_path);
    set_str(L, "readme_html", m->readme_html);
    set_str(L, "readme_path", m->readme_path);
    lua_pushfstring(L, "models/%s/index.html", m->id);
    lua_setfield(L, -2, "url");
    lua_pushfstring(L, "models/%s/model.json", m->id);
    lua_setfield(L, -2, "json_url");
    lua_createtable(L, (int)m->nreleases, 0);
    for (size_t i = 0; i < m->nreleases; i++) {
        push_release(L, &m->releases[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "releases");
}

void
luadata_push_site(lua_State *L, const struct project *p, const char *version)
{
    if (p->site && p->site->type == NODE_MAP)
        luadata_push_node(L, p->site);
    else
        lua_newtable(L);
    set_str(L, "build_date", p->build_date);
    lua_pushinteger(L, (lua_Integer)p->epoch);
    lua_setfield(L, -2, "build_epoch");
    set_str(L, "generator", version);

    lua_createtable(L, (int)p->nmodels, 0);
    lua_newtable(L); /* by_id */
    for (size_t i = 0; i < p->nmodels; i++) {
        push_model(L, &p->models[i]);
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, p->models[i].id);
        lua_rawseti(L, -3, (lua_Integer)i + 1);
    }
    lua_setfield(L, -3, "model_by_id");
    lua_setfield(L, -2, "models");

    lua_createtable(L, (int)p->npages, 0);
    for (size_t i = 0; i < p->npages; i++) {
        const struct page *pg = &p->pages[i];
        lua_newtable(L);
        set_str(L, "slug", pg->slug);
        set_str(L, "title", pg->title);
        set_str(L, "html", pg->html);
        set_str(L, "path", pg->path);
        lua_pushfstring(L, "pages/%s.html", pg->slug);
        lua_setfield(L, -2, "url");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "pages");

    lua_createtable(L, (int)p->ninputs, 0);
    for (size_t i = 0; i < p->ninputs; i++) {
        const struct input_file *f = &p->inputs[i];
        lua_newtable(L);
        set_str(L, "path", f->rel);
        set_str(L, "sha256", f->sha256);
        lua_pushinteger(L, (lua_Integer)f->size);
        lua_setfield(L, -2, "size");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "inputs");
}
