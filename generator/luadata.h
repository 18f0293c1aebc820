/* luadata: the document tree as Lua tables for the templates.
 * Builds the read-only `site` value every template sees: site.yaml's
 * fields, the models (their model.yaml fields plus id, releases, readme and
 * urls) and the free pages. Maps become tables keyed by name, lists become
 * arrays, and scalars keep their YAML type; raw texts of numbers are kept
 * beside them where a page must print a figure exactly as written. */
#ifndef DOSSIER_LUADATA_H
#define DOSSIER_LUADATA_H

#include <lua.h>
#include <stdbool.h>

#include "node.h"
#include "project.h"

/* Pushes n converted to Lua (nil for NULL). */
void luadata_push_node(lua_State *L, const struct node *n);

/* With model mi's table on top of the stack, adds (on) or removes the
 * full answers of each of its frameworks (compliance[k].answers). */
void luadata_set_answers(lua_State *L, const struct project *p, size_t mi,
                         bool on);

/* Pushes every input file as { path, sha256, size }, sorted by path; with
 * models false, only those outside content/models/ (each model card lists
 * its own). */
void luadata_push_inputs(lua_State *L, const struct project *p, bool models);

/* Ends a job: drops the fields of model mi's table (every model's when
 * mi < 0) that were made on first use, and unpins the model tables the
 * job asked for, so the collector may take them. site.models and
 * site.model_by_id make a model's table on first use and cache it weakly;
 * a render thread holds at most the models its current job uses. */
void luadata_trim_models(lua_State *L, const struct project *p, long mi);

/* Pushes the site table for p. */
void luadata_push_site(lua_State *L, const struct project *p,
                       const char *version);

#endif
