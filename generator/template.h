/* template: sandboxed Lua 5.4 templates.
 * A template is HTML with <%= expr %> (escaped), <%- expr %> (raw),
 * <% code %> and <%# comment %>; "-%>" also eats the newline after the tag.
 * Templates are compiled to Lua line for line, so a Lua error names the
 * template's own path:line. Each engine owns one Lua state with no io, os,
 * package, debug or bytecode loading, and enforces an instruction budget
 * and a memory budget per render. One engine per thread. */
#ifndef DOSSIER_TEMPLATE_H
#define DOSSIER_TEMPLATE_H

#include <lua.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"

struct template_limits {
    size_t memory;             /* bytes a single render may add */
    unsigned long instructions; /* Lua VM instructions per render */
};

#define TEMPLATE_DEFAULT_MEMORY (512u * 1024 * 1024)
#define TEMPLATE_DEFAULT_INSTRUCTIONS 200000000ul

struct template_engine;

#define TEMPLATE_MAX_DIRS 4

/* Creates an engine reading templates and Lua libraries from the folders
 * dirs[0..n), first match wins (a project's templates/ overlays the
 * built-in theme file by file); displays[i] is how dirs[i] is shown in
 * diagnostics. Returns NULL after reporting to d when the state cannot be
 * set up. Caller frees with template_engine_free(). */
struct template_engine *template_engine_new(const char *const *dirs,
                                            const char *const *displays,
                                            size_t n,
                                            const struct template_limits *lim,
                                            struct diag *d);
void template_engine_free(struct template_engine *e);

/* The engine's Lua state, for pushing data. Borrowed. */
lua_State *template_engine_lua(struct template_engine *e);

/* Pops the value on top of the stack and makes it a global visible to
 * every template under name. */
void template_set_global(struct template_engine *e, const char *name);

/* Pops a context table from the stack and renders template name (relative
 * to the template folder) with it, appending the result to out. The
 * context's fields are the template's variables; globals and helpers are
 * visible behind them. Returns 0, or -1 after reporting a located error. */
int template_render(struct template_engine *e, const char *name,
                    struct buf *out, struct diag *d);

/* Compiles template text to Lua source, line for line (exposed for tests).
 * Returns 0 or -1 after reporting a located error for path. */
int template_compile(const char *path, const char *text, size_t len,
                     struct buf *lua, struct diag *d);

/* The templates and libraries (as "lib/NAME.lua") run since the last
 * reset, for the build cache: a page depends on exactly these. Borrowed
 * until the next reset. */
void template_deps_reset(struct template_engine *e);
const char *const *template_deps(const struct template_engine *e, size_t *n);
/* The file a template or library name resolves to (first folder that has
 * it), or NULL. Caller frees. */
char *template_find(const struct template_engine *e, const char *name);

/* Registers a C function that templates can call as name. */
void template_register(struct template_engine *e, const char *name,
                       lua_CFunction fn);

#endif
