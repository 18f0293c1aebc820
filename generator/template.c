/* template: the etlua-like compiler and the Lua sandbox (see template.h). */
#include "template.h"

#include <glib.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "file.h"
#include "markdown.h"
#include "xmem.h"

#define TEMPLATE_MAX_BYTES (4u * 1024 * 1024)

struct template_engine {
    lua_State *L;
    char *dirs[TEMPLATE_MAX_DIRS];
    char *displays[TEMPLATE_MAX_DIRS];
    size_t ndirs;
    struct template_limits lim;
    size_t mem_used;
    size_t mem_limit;      /* current ceiling, raised per render */
    unsigned long ticks;   /* instructions counted in this render */
    struct diag *d;        /* diag of the current render */
    char err_path[512];
    unsigned err_line;
    int reported;          /* the error was already reported to d */
    int limit_hit;         /* the instruction budget ran out */
    char **deps;           /* templates and libraries used since reset */
    size_t ndeps, capdeps;
    int rendering;         /* inside template_render */
    GHashTable *found;     /* name -> path where found, "" for nowhere */
};

static char reported_marker;

/* ---- compiler ---------------------------------------------------------- */

static void
emit_literal(struct buf *lua, const char *s, size_t n)
{
    if (!n)
        return;
    size_t lines = 0;
    buf_puts(lua, "_n=_n+1 _o[_n]=\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\\': buf_puts(lua, "\\\\"); break;
        case '"': buf_puts(lua, "\\\""); break;
        case '\n': buf_puts(lua, "\\n"); lines++; break;
        case '\r': buf_puts(lua, "\\r"); break;
        case '\0': buf_puts(lua, "\\0"); break;
        default: buf_putc(lua, (char)c);
        }
    }
    buf_puts(lua, "\" ");
    for (size_t i = 0; i < lines; i++)
        buf_putc(lua, '\n');
}

int
template_compile(const char *path, const char *text, size_t len,
                 struct buf *lua, struct diag *d)
{
    /* The prologue stays on line 1 so template lines map one to one. */
    buf_puts(lua,
             "local _ENV,_o=... local _n,_e,_r=#_o,_escape,_raw "
             "local function partial(n,v) return _partial(_ENV,n,v) end "
             "local function layout(n,v) _layout(_ENV,n,v) end ");
    size_t i = 0;
    unsigned line = 1, col = 1;
    while (i < len) {
        const char *open = NULL;
        for (size_t j = i; j + 1 < len; j++) {
            if (text[j] == '<' && text[j + 1] == '%') {
                open = text + j;
                break;
            }
        }
        size_t lit = open ? (size_t)(open - (text + i)) : len - i;
        emit_literal(lua, text + i, lit);
        for (size_t k = 0; k < lit; k++) {
            if (text[i + k] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        i += lit;
        if (!open)
            break;
        unsigned tag_line = line, tag_col = col;
        size_t start = i + 2;
        char mode = ' ';
        if (start < len && (text[start] == '=' || text[start] == '-' ||
                            text[start] == '#')) {
            mode = text[start];
            start++;
        }
        size_t close = (size_t)-1;
        for (size_t j = start; j + 1 < len; j++) {
            if (text[j] == '%' && text[j + 1] == '>') {
                close = j;
                break;
            }
        }
        if (close == (size_t)-1) {
            struct pos at = {path, tag_line, tag_col};
            return diag_error(d, &at, "unclosed '<%%' tag (no matching "
                                      "'%%>')");
        }
        size_t end = close;
        bool trim = close > start && text[close - 1] == '-';
        if (trim)
            end--;
        const char *code = text + start;
        size_t clen = end - start;
        size_t nl = 0;
        for (size_t k = 0; k < clen; k++)
            nl += code[k] == '\n';
        switch (mode) {
        case '=':
        case '-':
            buf_puts(lua, mode == '=' ? "_n=_n+1 _o[_n]=_e(" : "_n=_n+1 _o[_n]=_r(");
            buf_add(lua, code, clen);
            buf_puts(lua, ") ");
            break;
        case '#':
            for (size_t k = 0; k < nl; k++)
                buf_putc(lua, '\n');
            break;
        default:
            buf_add(lua, code, clen);
            buf_puts(lua, " ");
        }
        /* Advance the position over the tag. */
        for (size_t k = i; k < close + 2; k++) {
            if (text[k] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        i = close + 2;
        if (trim) {
            if (i < len && text[i] == '\r')
                i++;
            if (i < len && text[i] == '\n') {
                i++;
                line++;
                col = 1;
                buf_putc(lua, '\n');
            }
        }
    }
    buf_puts(lua, " return _o");
    return 0;
}

/* ---- sandbox ----------------------------------------------------------- */

/* Remembers the innermost template or library line that is running.
 * Lua calls no message handler for memory errors, so the allocator does
 * this when it refuses; lua_getstack and lua_getinfo("Sl") only read. */
static void
locate(struct template_engine *e)
{
    lua_Debug ar;
    for (int level = 0; lua_getstack(e->L, level, &ar); level++) {
        if (lua_getinfo(e->L, "Sl", &ar) && ar.source[0] == '@' &&
            ar.currentline > 0) {
            snprintf(e->err_path, sizeof e->err_path, "%s", ar.source + 1);
            e->err_line = (unsigned)ar.currentline;
            return;
        }
    }
}

static void *
engine_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct template_engine *e = ud;
    if (!ptr)
        osize = 0;
    if (nsize == 0) {
        free(ptr);
        e->mem_used -= osize;
        return NULL;
    }
    if (nsize > osize && e->mem_used + (nsize - osize) > e->mem_limit) {
        if (e->rendering)
            locate(e);
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (!p)
        return NULL;
    e->mem_used = e->mem_used - osize + nsize;
    return p;
}

#define HOOK_EVERY 10000

static void
count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    struct template_engine *e;
    lua_getallocf(L, (void **)&e);
    e->ticks += HOOK_EVERY;
    if (e->ticks > e->lim.instructions) {
        e->limit_hit = 1;
        luaL_error(L,
                   "template exceeded the instruction limit (%I "
                   "instructions); is there an endless loop?",
                   (lua_Integer)e->lim.instructions);
    }
}

static struct template_engine *
engine_of(lua_State *L)
{
    struct template_engine *e;
    lua_getallocf(L, (void **)&e);
    return e;
}

/* _escape(v): HTML-escaped text of a string, number or boolean. */
static int
l_escape(lua_State *L)
{
    int t = lua_type(L, 1);
    if (t == LUA_TNIL || t == LUA_TNONE) {
        lua_pushliteral(L, "");
        return 1;
    }
    if (t == LUA_TBOOLEAN) {
        lua_pushstring(L, lua_toboolean(L, 1) ? "true" : "false");
        return 1;
    }
    if (t != LUA_TSTRING && t != LUA_TNUMBER)
        return luaL_error(L, "cannot write a %s into the page (expected "
                             "text or a number)",
                          luaL_typename(L, 1));
    size_t n;
    const char *s = lua_tolstring(L, 1, &n);
    /* most text has nothing to escape: hand the string back as it is */
    if (!memchr(s, '&', n) && !memchr(s, '<', n) && !memchr(s, '>', n) &&
        !memchr(s, '"', n) && !memchr(s, '\'', n)) {
        lua_settop(L, 1);
        return 1;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        luaL_addlstring(&b, s + start, i - start);
        luaL_addstring(&b, rep);
        start = i + 1;
    }
    luaL_addlstring(&b, s + start, n - start);
    luaL_pushresult(&b);
    return 1;
}

/* _relurl(from, target): target (a path from the site's root) as seen
 * from page from. Links with a scheme and bare fragments stay as given.
 * In C because every link on every page goes through it. */
static bool
has_scheme(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return false;
    for (s++; *s; s++) {
        if (*s == ':')
            return true;
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '+' || *s == '.' ||
              *s == '-'))
            return false;
    }
    return false;
}

/* Splits s[0..n) at '/' into at most max parts, empty parts dropped. */
static size_t
split_path(const char *s, size_t n, const char **part, size_t *len,
           size_t max)
{
    size_t k = 0, i = 0;
    while (i < n) {
        while (i < n && s[i] == '/')
            i++;
        size_t j = i;
        while (j < n && s[j] != '/')
            j++;
        if (j > i) {
            if (k == max)
                return (size_t)-1;
            part[k] = s + i;
            len[k++] = j - i;
        }
        i = j;
    }
    return k;
}

static int
l_relurl(lua_State *L)
{
    size_t fn = 0, tn;
    const char *from = lua_isstring(L, 1) ? lua_tolstring(L, 1, &fn) : "";
    const char *target = lua_isnoneornil(L, 2) ? ""
                         : luaL_tolstring(L, 2, NULL);
    tn = strlen(target);
    if (has_scheme(target) || target[0] == '#') {
        lua_pushstring(L, target);
        return 1;
    }
    const char *hash = memchr(target, '#', tn);
    size_t pn = hash ? (size_t)(hash - target) : tn;
    enum { MAXP = 64 };
    const char *fp[MAXP], *tp[MAXP];
    size_t fl[MAXP], tl[MAXP];
    size_t nf = split_path(from, fn, fp, fl, MAXP);
    size_t nt = split_path(target, pn, tp, tl, MAXP);
    if (nf == (size_t)-1 || nt == (size_t)-1)
        return luaL_error(L, "url(): path '%s' is too deep", target);
    if (nf > 0)
        nf--; /* the page's own file name */
    size_t i = 0;
    while (i < nf && i + 1 < nt && fl[i] == tl[i] &&
           !memcmp(fp[i], tp[i], fl[i]))
        i++;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    bool any = false;
    for (size_t k = i; k < nf; k++) {
        if (any)
            luaL_addchar(&b, '/');
        luaL_addstring(&b, "..");
        any = true;
    }
    for (size_t k = i; k < nt; k++) {
        if (any)
            luaL_addchar(&b, '/');
        luaL_addlstring(&b, tp[k], tl[k]);
        any = true;
    }
    if (pn > 0 && target[pn - 1] == '/') {
        luaL_addchar(&b, '/');
        any = true;
    }
    if (!any)
        luaL_addstring(&b, "./");
    if (hash)
        luaL_addstring(&b, hash);
    luaL_pushresult(&b);
    return 1;
}

/* json(value, object_marker): JSON text of value, indented by two spaces.
 * A table whose metatable is object_marker is an object written as a list
 * of {key, value} pairs, so keys keep their order; any other table is an
 * array of its items 1..#t. nil, NaN and infinities are null; integral
 * numbers below 2^53 are written without a decimal point. In C because
 * the JSON twins of a large portfolio are megabytes. */
static int
l_jsonbuf_gc(lua_State *L)
{
    buf_release(lua_touserdata(L, 1));
    return 0;
}

static void
json_str(struct buf *b, const char *s, size_t n)
{
    buf_putc(b, '"');
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = NULL;
        char u[8];
        switch (c) {
        case '"': rep = "\\\""; break;
        case '\\': rep = "\\\\"; break;
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '\t': rep = "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(u, sizeof u, "\\u%04x", c);
                rep = u;
            }
        }
        if (!rep)
            continue;
        buf_add(b, s + start, i - start);
        buf_puts(b, rep);
        start = i + 1;
    }
    buf_add(b, s + start, n - start);
    buf_putc(b, '"');
}

static void
json_value(lua_State *L, int idx, int marker, struct buf *b, int depth)
{
    if (depth > 64)
        luaL_error(L, "json(): nested more than 64 deep");
    luaL_checkstack(L, 4, "json()");
    int t = lua_type(L, idx);
    switch (t) {
    case LUA_TNIL:
    case LUA_TNONE:
        buf_puts(b, "null");
        return;
    case LUA_TBOOLEAN:
        buf_puts(b, lua_toboolean(L, idx) ? "true" : "false");
        return;
    case LUA_TNUMBER: {
        int isint;
        lua_Integer i = lua_tointegerx(L, idx, &isint);
        double x = lua_tonumber(L, idx);
        if (!isfinite(x))
            buf_puts(b, "null");
        else if (isint && i > -(1LL << 53) && i < (1LL << 53))
            buf_printf(b, "%lld", (long long)i);
        else
            buf_printf(b, "%.15g", x);
        return;
    }
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        json_str(b, s, n);
        return;
    }
    case LUA_TTABLE:
        break;
    default:
        luaL_error(L, "json(): cannot write a %s", lua_typename(L, t));
    }
    idx = lua_absindex(L, idx);
    bool obj = false;
    if (lua_getmetatable(L, idx)) {
        obj = lua_rawequal(L, -1, marker);
        lua_pop(L, 1);
    }
    lua_Unsigned n = lua_rawlen(L, idx);
    if (n == 0) {
        buf_puts(b, obj ? "{}" : "[]");
        return;
    }
    buf_puts(b, obj ? "{\n" : "[\n");
    for (lua_Unsigned i = 1; i <= n; i++) {
        for (int k = 0; k <= depth; k++)
            buf_puts(b, "  ");
        lua_rawgeti(L, idx, (lua_Integer)i);
        if (obj) {
            if (!lua_istable(L, -1))
                luaL_error(L, "json(): object entry %d is not a {key, "
                              "value} pair", (int)i);
            lua_rawgeti(L, -1, 1);
            size_t kn;
            const char *k = luaL_tolstring(L, -1, &kn);
            json_str(b, k, kn);
            lua_pop(L, 2);
            buf_puts(b, ": ");
            lua_rawgeti(L, -1, 2);
            json_value(L, -1, marker, b, depth + 1);
            lua_pop(L, 1);
        } else {
            json_value(L, -1, marker, b, depth + 1);
        }
        lua_pop(L, 1);
        buf_puts(b, i < n ? ",\n" : "\n");
    }
    for (int k = 0; k < depth; k++)
        buf_puts(b, "  ");
    buf_putc(b, obj ? '}' : ']');
}

static int
l_json(lua_State *L)
{
    lua_settop(L, 2);
    /* the text grows in a userdata, so an error frees it with the GC */
    struct buf *b = lua_newuserdatauv(L, sizeof *b, 0);
    buf_init(b);
    if (luaL_newmetatable(L, "dossier.jsonbuf")) {
        lua_pushcfunction(L, l_jsonbuf_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    json_value(L, 1, 2, b, 0);
    lua_pushlstring(L, b->data ? b->data : "", b->len);
    buf_release(b);
    return 1;
}

/* _raw(v): text as is; nil writes nothing. */
static int
l_raw(lua_State *L)
{
    int t = lua_type(L, 1);
    if (t == LUA_TNIL || t == LUA_TNONE) {
        lua_pushliteral(L, "");
        return 1;
    }
    if (t != LUA_TSTRING && t != LUA_TNUMBER)
        return luaL_error(L, "cannot write a %s into the page",
                          luaL_typename(L, 1));
    lua_pushvalue(L, 1);
    return 1;
}

/* markdown(text): safe HTML. The HTML is copied into a Lua string before
 * anything can raise, so no malloc'd memory is held across an error. */
static int
l_markdown(lua_State *L)
{
    if (lua_isnoneornil(L, 1)) {
        lua_pushliteral(L, "");
        return 1;
    }
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    char *html = markdown_html(s, n);
    lua_pushstring(L, html);
    free(html);
    return 1;
}

static bool
safe_name(const char *name)
{
    if (!*name || name[0] == '/' || strstr(name, ".."))
        return false;
    for (const char *p = name; *p; p++)
        if (!(*p == '/' || *p == '.' || *p == '-' || *p == '_' ||
              (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9')))
            return false;
    return true;
}

/* Reads <name> from the first template folder that has it; on failure
 * reports and raises the marker. */
static char *
read_source(lua_State *L, struct template_engine *e, const char *name,
            size_t *len, char **display)
{
    if (!safe_name(name))
        luaL_error(L, "invalid template or library name '%s'", name);
    char *path = NULL;
    for (size_t i = 0; i < e->ndirs && !path; i++) {
        char *p = file_join(e->dirs[i], name);
        if (file_is_regular(p)) {
            path = p;
            *display = file_join(e->displays[i], name);
        } else {
            free(p);
        }
    }
    if (!path)
        luaL_error(L, "no template or library named '%s' in %s/", name,
                   e->displays[0]);
    struct buf b;
    buf_init(&b);
    int rc = file_read(e->d, NULL, path, TEMPLATE_MAX_BYTES, &b);
    free(path);
    if (rc < 0) {
        free(*display);
        buf_release(&b);
        e->reported = 1;
        lua_pushlightuserdata(L, &reported_marker);
        lua_error(L);
    }
    return buf_detach(&b, len);
}

/* Lua's parser speaks of the compiled code: "near '_o'" (or '_n') names our output
 * table, and an unclosed block is reported at the end of the file. Say
 * it in the template's terms. May move *line to the block's first line. */
static char *
clean_syntax_message(const char *msg, unsigned *line)
{
    char what[32];
    unsigned opened;
    if (sscanf(msg, "'end' expected (to close '%31[a-z]' at line %u)", what,
               &opened) == 2) {
        *line = opened;
        return xasprintf("'%s' is never closed with 'end'", what);
    }
    char *copy = xstrdup(msg);
    static const char *const internal[] = {" near '_o'", " near '_n'", " near '_e'",
                                           " near '_r'", " near 'return'",
                                           " near <eof>"};
    for (size_t i = 0; i < sizeof internal / sizeof *internal; i++) {
        char *at = strstr(copy, internal[i]);
        if (at && at[strlen(internal[i])] == '\0')
            *at = '\0';
    }
    return copy;
}

/* Loads a compiled chunk from source; on a syntax error reports it at the
 * template's path:line and raises the marker. Frees src and display. */
static void
load_chunk(lua_State *L, struct template_engine *e, char *src, size_t len,
           char *display, bool is_template)
{
    struct buf lua;
    buf_init(&lua);
    int rc = 0;
    if (is_template)
        rc = template_compile(display, src, len, &lua, e->d);
    else
        buf_add(&lua, src, len);
    free(src);
    if (rc < 0) {
        free(display);
        buf_release(&lua);
        e->reported = 1;
        lua_pushlightuserdata(L, &reported_marker);
        lua_error(L);
    }
    char *chunk = xasprintf("@%s", display);
    rc = luaL_loadbufferx(L, lua.data, lua.len, chunk, "t");
    free(chunk);
    buf_release(&lua);
    if (rc != LUA_OK) {
        /* "path:line: message" from the Lua parser. */
        const char *msg = lua_tostring(L, -1);
        struct pos at = {display, 0, 0};
        size_t dl = strlen(display);
        if (msg && strncmp(msg, display, dl) == 0 && msg[dl] == ':') {
            at.line = (unsigned)strtoul(msg + dl + 1, NULL, 10);
            const char *rest = strchr(msg + dl + 1, ':');
            msg = rest ? rest + 2 : msg;
        }
        char *clean = clean_syntax_message(msg ? msg : "unknown", &at.line);
        diag_error(e->d, &at, "template syntax error: %s", clean);
        free(clean);
        free(display);
        e->reported = 1;
        lua_pushlightuserdata(L, &reported_marker);
        lua_error(L);
    }
    free(display);
    /* Libraries and templates see only the sandbox, never the real
     * globals (which hold dofile, loadfile and load). */
    lua_getfield(L, LUA_REGISTRYINDEX, "dossier.G");
    if (!lua_setupvalue(L, -2, 1))
        lua_pop(L, 1);
}

/* _dep(name): records that the current job used template or library
 * name, for the build cache. */
static int
l_dep(lua_State *L)
{
    struct template_engine *e = engine_of(L);
    const char *name = lua_tostring(L, 1);
    if (!name)
        return 0;
    for (size_t i = 0; i < e->ndeps; i++)
        if (!strcmp(e->deps[i], name))
            return 0;
    if (e->ndeps == e->capdeps) {
        e->capdeps = e->capdeps ? e->capdeps * 2 : 16;
        e->deps = xrealloc(e->deps, e->capdeps * sizeof *e->deps);
    }
    e->deps[e->ndeps++] = xstrdup(name);
    return 0;
}

void
template_deps_reset(struct template_engine *e)
{
    for (size_t i = 0; i < e->ndeps; i++)
        free(e->deps[i]);
    e->ndeps = 0;
}

const char *const *
template_deps(const struct template_engine *e, size_t *n)
{
    *n = e->ndeps;
    return (const char *const *)e->deps;
}

char *
template_find(const struct template_engine *e, const char *name)
{
    if (!safe_name(name))
        return NULL;
    /* every model job checks the same few templates: remember where each
     * was found (templates do not move during a build) */
    const char *had = g_hash_table_lookup(e->found, name);
    if (had)
        return *had ? xstrdup(had) : NULL;
    char *hit = NULL;
    for (size_t i = 0; i < e->ndirs && !hit; i++) {
        char *p = file_join(e->dirs[i], name);
        if (file_is_regular(p))
            hit = p;
        else
            free(p);
    }
    g_hash_table_insert(e->found, xstrdup(name), xstrdup(hit ? hit : ""));
    return hit;
}

/* _loadtpl(name) -> function */
static int
l_loadtpl(lua_State *L)
{
    struct template_engine *e = engine_of(L);
    const char *name = luaL_checkstring(L, 1);
    size_t len;
    char *display;
    char *src = read_source(L, e, name, &len, &display);
    load_chunk(L, e, src, len, display, true);
    return 1;
}

/* _loadlib(name) -> function; libraries are lib/<name>.lua */
static int
l_loadlib(lua_State *L)
{
    struct template_engine *e = engine_of(L);
    const char *mod = luaL_checkstring(L, 1);
    for (const char *p = mod; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return luaL_error(L, "invalid library name '%s'", mod);
    char *name = xasprintf("lib/%s.lua", mod);
    lua_pushstring(L, name);
    free(name);
    size_t len;
    char *display;
    char *src = read_source(L, e, lua_tostring(L, -1), &len, &display);
    load_chunk(L, e, src, len, display, false);
    return 1;
}

/* The render orchestration: caching, partials, layouts, url() and a
 * sandboxed require(). Engine code, not presentation. */
static const char prelude[] =
    "local G, loadtpl, loadlib, dep0 = ...\n"
    "local cache, libs, current = {}, {}, nil\n"
    /* a library's own requires run once per engine: remember them, so a
     * job that uses a cached library still records what it depends on */
    "local loading, children = {}, {}\n"
    "local function dep(name)\n"
    "  dep0(name)\n"
    "  for _, l in ipairs(loading) do local c = children[l]; c[#c+1] = name end\n"
    "end\n"
    "local function get(name)\n"
    "  dep(name)\n"
    "  local f = cache[name]\n"
    "  if not f then f = loadtpl(name); cache[name] = f end\n"
    "  return f\n"
    "end\n"
    "local function run(name, env)\n"
    "  local out = get(name)(env, {})\n"
    "  local s = table.concat(out)\n"
    "  local lay = rawget(env, '_layout_name')\n"
    "  if lay then\n"
    "    local vars = rawget(env, '_layout_vars') or {}\n"
    "    env._layout_name, env._layout_vars = nil, nil\n"
    "    vars.content = s\n"
    "    s = run(lay, setmetatable(vars, {__index = env}))\n"
    "  end\n"
    "  return s\n"
    "end\n"
    "G._partial = function(env, name, vars)\n"
    "  return run(name, setmetatable(vars or {}, {__index = env}))\n"
    "end\n"
    "G._layout = function(env, name, vars)\n"
    "  rawset(env, '_layout_name', name)\n"
    "  rawset(env, '_layout_vars', vars)\n"
    "end\n"
    "G.require = function(name)\n"
    "  dep('lib/' .. tostring(name) .. '.lua')\n"
    "  for _, d in ipairs(children[name] or {}) do dep(d) end\n"
    "  local m = libs[name]\n"
    "  if m == nil then\n"
    "    libs[name] = false\n"
    "    children[name] = {}\n"
    "    loading[#loading+1] = name\n"
    "    m = loadlib(name)(name)\n"
    "    loading[#loading] = nil\n"
    "    if m == nil then m = true end\n"
    "    libs[name] = m\n"
    "  elseif m == false then\n"
    "    error('library \"' .. name .. '\" requires itself', 2)\n"
    "  end\n"
    "  return m\n"
    "end\n"
    "local relurl = G._relurl\n"
    "G.url = function(target) return relurl(current, target) end\n"
    "G.page_path = function() return current end\n"
    "G.chart = function(spec) return G.require('charts').html(spec) end\n"
    "return function(name, ctx, path)\n"
    "  current = path\n"
    "  return run(name, setmetatable(ctx, {__index = G}))\n"
    "end\n";

static const luaL_Reg base_keep[] = {
    {"assert", NULL}, {"error", NULL},    {"ipairs", NULL},
    {"next", NULL},   {"pairs", NULL},    {"pcall", NULL},
    {"select", NULL}, {"tonumber", NULL}, {"tostring", NULL},
    {"type", NULL},   {"xpcall", NULL},   {"rawequal", NULL},
    {"rawget", NULL}, {"rawlen", NULL},   {"rawset", NULL},
    {"setmetatable", NULL}, {"getmetatable", NULL}, {NULL, NULL},
};

/* Builds the sandbox globals table G on top of the stack. */
static void
push_sandbox(lua_State *L)
{
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    lua_pop(L, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    lua_pop(L, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    lua_pop(L, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    lua_pop(L, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_pop(L, 1);

    lua_newtable(L); /* G */
    lua_pushglobaltable(L);
    for (const luaL_Reg *r = base_keep; r->name; r++) {
        lua_getfield(L, -1, r->name);
        lua_setfield(L, -3, r->name);
    }
    /* string without dump (bytecode); math without random (determinism) */
    static const char *const libs[] = {"string", "table", "math", "utf8"};
    for (size_t i = 0; i < 4; i++) {
        lua_newtable(L);
        lua_getfield(L, -2, libs[i]);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            const char *k = lua_tostring(L, -2);
            if (strcmp(k, "dump") && strcmp(k, "random") &&
                strcmp(k, "randomseed")) {
                lua_pushvalue(L, -2);
                lua_insert(L, -2);
                lua_settable(L, -5);
            } else {
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
        lua_setfield(L, -3, libs[i]);
    }
    /* Scrub the real globals too, in case anything reaches them. */
    static const char *const unsafe[] = {"dofile", "loadfile", "load",
                                         "require", "collectgarbage",
                                         "print"};
    for (size_t i = 0; i < sizeof unsafe / sizeof *unsafe; i++) {
        lua_pushnil(L);
        lua_setfield(L, -2, unsafe[i]);
    }
    lua_pop(L, 1); /* real globals */
    /* The string metatable's __index must be the sandboxed copy so that
     * ("x"):dump() is unavailable too. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_getfield(L, -3, "string");
    lua_setfield(L, -2, "__index");
    lua_pop(L, 2);
    lua_pushcfunction(L, l_escape);
    lua_setfield(L, -2, "_escape");
    lua_pushcfunction(L, l_escape);
    lua_setfield(L, -2, "escape");
    lua_pushcfunction(L, l_raw);
    lua_setfield(L, -2, "_raw");
    lua_pushcfunction(L, l_relurl);
    lua_setfield(L, -2, "_relurl");
    lua_pushcfunction(L, l_json);
    lua_setfield(L, -2, "json");
    lua_pushcfunction(L, l_markdown);
    lua_setfield(L, -2, "markdown");
}

struct template_engine *
template_engine_new(const char *const *dirs, const char *const *displays,
                    size_t n, const struct template_limits *lim,
                    struct diag *d)
{
    struct template_engine *e = xcalloc(1, sizeof *e);
    for (size_t i = 0; i < n && i < TEMPLATE_MAX_DIRS; i++) {
        e->dirs[i] = xstrdup(dirs[i]);
        e->displays[i] = xstrdup(displays[i]);
        e->ndirs++;
    }
    if (lim) {
        e->lim = *lim;
    } else {
        e->lim.memory = TEMPLATE_DEFAULT_MEMORY;
        e->lim.instructions = TEMPLATE_DEFAULT_INSTRUCTIONS;
    }
    e->mem_limit = (size_t)-1 / 2;
    e->d = d;
    e->found = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
    e->L = lua_newstate(engine_alloc, e);
    if (!e->L) {
        diag_error(d, NULL, "cannot create a Lua state");
        template_engine_free(e);
        return NULL;
    }
    lua_State *L = e->L;
    /* Generational collection: a state holds the whole portfolio's model
     * tables for the build, and an incremental cycle marks all of them
     * again for every few pages' garbage. Young-only collections cut the
     * page time of a 10,000-model build by 15% (measured). */
    lua_gc(L, LUA_GCGEN, 0, 0);
    push_sandbox(L);                       /* G */
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "dossier.G");
    if (luaL_loadbufferx(L, prelude, sizeof prelude - 1, "=dossier prelude",
                         "t") != LUA_OK) {
        diag_error(d, NULL, "internal error in the template prelude: %s",
                   lua_tostring(L, -1));
        template_engine_free(e);
        return NULL;
    }
    lua_pushvalue(L, -2);
    lua_pushcfunction(L, l_loadtpl);
    lua_pushcfunction(L, l_loadlib);
    lua_pushcfunction(L, l_dep);
    if (lua_pcall(L, 4, 1, 0) != LUA_OK) {
        diag_error(d, NULL, "internal error in the template prelude: %s",
                   lua_tostring(L, -1));
        template_engine_free(e);
        return NULL;
    }
    lua_setfield(L, LUA_REGISTRYINDEX, "dossier.render");
    lua_pop(L, 1); /* G */
    return e;
}

void
template_engine_free(struct template_engine *e)
{
    if (!e)
        return;
    if (e->L)
        lua_close(e->L);
    for (size_t i = 0; i < e->ndirs; i++) {
        free(e->dirs[i]);
        free(e->displays[i]);
    }
    template_deps_reset(e);
    free(e->deps);
    g_hash_table_destroy(e->found);
    free(e);
}

lua_State *
template_engine_lua(struct template_engine *e)
{
    return e->L;
}

void
template_set_global(struct template_engine *e, const char *name)
{
    lua_getfield(e->L, LUA_REGISTRYINDEX, "dossier.G");
    lua_insert(e->L, -2);
    lua_setfield(e->L, -2, name);
    lua_pop(e->L, 1);
}

void
template_register(struct template_engine *e, const char *name,
                  lua_CFunction fn)
{
    lua_pushcfunction(e->L, fn);
    template_set_global(e, name);
}

/* Message handler: finds the innermost frame running a template or
 * library file and remembers its path:line; strips Lua's own prefix. */
static int
msgh(lua_State *L)
{
    struct template_engine *e = engine_of(L);
    if (lua_islightuserdata(L, 1))
        return 1;
    lua_Debug ar;
    e->err_path[0] = '\0';
    e->err_line = 0;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar))
            continue;
        if (ar.source[0] == '@' && ar.currentline > 0) {
            snprintf(e->err_path, sizeof e->err_path, "%s", ar.source + 1);
            e->err_line = (unsigned)ar.currentline;
            break;
        }
    }
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        lua_pushfstring(L, "error object is a %s value",
                        luaL_typename(L, 1));
        return 1;
    }
    /* Drop a leading "chunk:line: " that Lua added. */
    const char *p = msg;
    const char *colon = strchr(p, ':');
    if (colon && colon[1] >= '0' && colon[1] <= '9') {
        const char *q = colon + 1;
        while (*q >= '0' && *q <= '9')
            q++;
        if (q[0] == ':' && q[1] == ' ')
            msg = q + 2;
    }
    lua_pushstring(L, msg);
    return 1;
}

int
template_render(struct template_engine *e, const char *name, struct buf *out,
                struct diag *d)
{
    lua_State *L = e->L;
    int ctx = lua_gettop(L);
    const char *page_path = NULL;
    lua_getfield(L, ctx, "page");
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "path");
        page_path = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    e->d = d;
    e->reported = 0;
    e->limit_hit = 0;
    e->ticks = 0;
    e->err_path[0] = '\0';
    e->err_line = 0;
    /* No full collection here: it costs time proportional to the whole
     * site held in the state, for every page (quadratic in the portfolio).
     * The budget counts from what is in use now, garbage included. */
    e->mem_limit = e->mem_used + e->lim.memory;
    lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);

    lua_pushcfunction(L, msgh);
    lua_getfield(L, LUA_REGISTRYINDEX, "dossier.render");
    lua_pushstring(L, name);
    lua_pushvalue(L, ctx);
    if (page_path)
        lua_pushstring(L, page_path);
    else
        lua_pushnil(L);
    e->rendering = 1;
    int rc = lua_pcall(L, 3, 1, ctx + 1);
    e->rendering = 0;
    lua_sethook(L, NULL, 0, 0);
    e->mem_limit = (size_t)-1 / 2;
    char *tpath = file_join(e->displays[0], name);
    int ret = 0;
    if (rc == LUA_OK) {
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        if (s)
            buf_add(out, s, n);
    } else if (!e->reported) {
        struct pos at = {tpath, 0, 0};
        if (e->err_path[0]) {
            at.path = e->err_path;
            at.line = e->err_line;
        }
        if (rc == LUA_ERRMEM)
            diag_error(d, &at,
                       "template exceeded the memory limit of %zu MiB",
                       e->lim.memory >> 20);
        else if (e->limit_hit)
            diag_error(d, &at, "%s", lua_tostring(L, -1));
        else
            diag_error(d, &at, "template error: %s",
                       lua_isstring(L, -1) ? lua_tostring(L, -1)
                                           : "unknown error");
        ret = -1;
    } else {
        ret = -1;
    }
    free(tpath);
    lua_settop(L, ctx - 1);
    return ret;
}
