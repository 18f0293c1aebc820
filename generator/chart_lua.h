/* chart_lua: a struct chart from a template's Lua table.
 * Reads the spec with raw table access only, so no metamethod or other Lua
 * code runs, and anchors the chart being built in a userdata with __gc, so
 * even a memory error raised by Lua half-way cannot leak it. Knows nothing
 * of templates or files: the caller prefixes messages with file:line. */
#ifndef DOSSIER_CHART_LUA_H
#define DOSSIER_CHART_LUA_H

#include <cairo.h>
#include <lua.h>

#include "buf.h"
#include "chart.h"

/* Converts the table at idx, e.g.
 *   { type="line", title="AUC", x={"1.0","1.1"},
 *     series={ {name="auc", values={0.81, 0.82}} }, y_format="ratio" }
 * (README.md lists every field). A missing value is false or 0/0.
 * On success returns 0 and sets *out (caller frees with chart_free()).
 * On a bad spec (not a table, unknown type or field, a value of the wrong
 * type, mismatched lengths, anything chart_validate() refuses) returns -1,
 * sets *out to NULL and appends one line to err, without a file:line
 * prefix or final full stop. The Lua stack is left as it was. Raises only
 * what Lua itself raises on memory exhaustion. */
int chart_from_lua(lua_State *L, int idx, struct chart **out, struct buf *err);

/* lua_CFunction for templates: chart_html(spec) returns the HTML figure
 * for the site: the inline SVG (with <title> and <desc>) and the data as
 * a real table in a <details> element. A bad spec raises a Lua error, so
 * the template engine reports it at the template's path:line. */
int chart_lua_html(lua_State *L);

/* lua_CFunction for print templates: chart_print(spec) keeps the chart in
 * this Lua state's registry under spec.id and returns the placeholder
 * <figure class="chart" data-chart="ID"> that the PDF renderer fills by
 * calling chart_lua_pdf_size/draw, so charts in PDFs are vectors. */
int chart_lua_print(lua_State *L);

/* The PDF renderer's chart callbacks; ctx is the lua_State. */
int chart_lua_pdf_size(void *ctx, const char *id, double *w, double *h);
int chart_lua_pdf_draw(void *ctx, const char *id, cairo_t *cr, double x,
                       double y, double w, double h);
/* Forgets the charts kept for the last print document. */
void chart_lua_print_reset(lua_State *L);

#endif
