/* box: libxml2's HTML tree to the block tree PDF output lays out.
 * The walk over the libxml2 tree is iterative (a heap stack of frames), so
 * deep or hostile nesting cannot overflow the C stack; the block tree it
 * builds is at most BOX_MAX_DEPTH deep. */
#include "box.h"

#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "xmem.h"

enum tag_class {
    TAG_UNKNOWN,   /* text kept, with a warning */
    TAG_DROP,      /* left out, with a warning */
    TAG_IGNORE,    /* left out silently: metadata, not content */
    TAG_CONTAINER, /* div, section ... */
    TAG_TEXT,      /* p, h1-h6, figcaption, caption, dt */
    TAG_LIST,
    TAG_ITEM,
    TAG_QUOTE,
    TAG_PRE,
    TAG_HR,
    TAG_TABLE,
    TAG_TSECTION,
    TAG_TR,
    TAG_CELL,
    TAG_FIGURE,
    TAG_IMG,
    TAG_BR,
    TAG_WBR,
    TAG_INLINE, /* a style span, or none (span, abbr ...) */
    TAG_A,
    TAG_INPUT,
    TAG_DD,
    TAG_HEAD,
};

#define NO_SPAN (-1)

struct tag {
    const char *name;
    enum tag_class cls;
    int span; /* enum box_span_kind or NO_SPAN */
};

static const struct tag tags[] = {
    {"html", TAG_CONTAINER, NO_SPAN},
    {"body", TAG_CONTAINER, NO_SPAN},
    {"div", TAG_CONTAINER, NO_SPAN},
    {"section", TAG_CONTAINER, NO_SPAN},
    {"article", TAG_CONTAINER, NO_SPAN},
    {"aside", TAG_CONTAINER, NO_SPAN},
    {"header", TAG_CONTAINER, NO_SPAN},
    {"footer", TAG_CONTAINER, NO_SPAN},
    {"main", TAG_CONTAINER, NO_SPAN},
    {"nav", TAG_CONTAINER, NO_SPAN},
    {"address", TAG_CONTAINER, NO_SPAN},
    {"noscript", TAG_CONTAINER, NO_SPAN}, /* PDF has no scripting */
    {"dl", TAG_CONTAINER, NO_SPAN},
    {"dd", TAG_DD, NO_SPAN},
    {"p", TAG_TEXT, NO_SPAN},
    {"h1", TAG_TEXT, NO_SPAN},
    {"h2", TAG_TEXT, NO_SPAN},
    {"h3", TAG_TEXT, NO_SPAN},
    {"h4", TAG_TEXT, NO_SPAN},
    {"h5", TAG_TEXT, NO_SPAN},
    {"h6", TAG_TEXT, NO_SPAN},
    {"figcaption", TAG_TEXT, NO_SPAN},
    {"caption", TAG_TEXT, NO_SPAN},
    {"dt", TAG_TEXT, NO_SPAN},
    {"ul", TAG_LIST, NO_SPAN},
    {"ol", TAG_LIST, NO_SPAN},
    {"li", TAG_ITEM, NO_SPAN},
    {"blockquote", TAG_QUOTE, NO_SPAN},
    {"pre", TAG_PRE, NO_SPAN},
    {"hr", TAG_HR, NO_SPAN},
    {"table", TAG_TABLE, NO_SPAN},
    {"thead", TAG_TSECTION, NO_SPAN},
    {"tbody", TAG_TSECTION, NO_SPAN},
    {"tfoot", TAG_TSECTION, NO_SPAN},
    {"tr", TAG_TR, NO_SPAN},
    {"td", TAG_CELL, NO_SPAN},
    {"th", TAG_CELL, NO_SPAN},
    {"figure", TAG_FIGURE, NO_SPAN},
    {"img", TAG_IMG, NO_SPAN},
    {"br", TAG_BR, NO_SPAN},
    {"wbr", TAG_WBR, NO_SPAN},
    {"a", TAG_A, BOX_SPAN_LINK},
    {"strong", TAG_INLINE, BOX_SPAN_STRONG},
    {"b", TAG_INLINE, BOX_SPAN_STRONG},
    {"em", TAG_INLINE, BOX_SPAN_EM},
    {"i", TAG_INLINE, BOX_SPAN_EM},
    {"cite", TAG_INLINE, BOX_SPAN_EM},
    {"dfn", TAG_INLINE, BOX_SPAN_EM},
    {"var", TAG_INLINE, BOX_SPAN_EM},
    {"code", TAG_INLINE, BOX_SPAN_CODE},
    {"kbd", TAG_INLINE, BOX_SPAN_CODE},
    {"samp", TAG_INLINE, BOX_SPAN_CODE},
    {"tt", TAG_INLINE, BOX_SPAN_CODE},
    {"del", TAG_INLINE, BOX_SPAN_DEL},
    {"s", TAG_INLINE, BOX_SPAN_DEL},
    {"strike", TAG_INLINE, BOX_SPAN_DEL},
    {"sup", TAG_INLINE, BOX_SPAN_SUP},
    {"sub", TAG_INLINE, BOX_SPAN_SUB},
    {"u", TAG_INLINE, BOX_SPAN_UNDERLINE},
    {"ins", TAG_INLINE, BOX_SPAN_UNDERLINE},
    {"small", TAG_INLINE, BOX_SPAN_SMALL},
    {"mark", TAG_INLINE, BOX_SPAN_MARK},
    {"span", TAG_INLINE, NO_SPAN},
    {"abbr", TAG_INLINE, NO_SPAN},
    {"time", TAG_INLINE, NO_SPAN},
    {"data", TAG_INLINE, NO_SPAN},
    {"q", TAG_INLINE, NO_SPAN},
    {"label", TAG_INLINE, NO_SPAN},
    {"input", TAG_INPUT, NO_SPAN},
    {"head", TAG_HEAD, NO_SPAN},
    {"title", TAG_IGNORE, NO_SPAN},
    {"meta", TAG_IGNORE, NO_SPAN},
    {"link", TAG_IGNORE, NO_SPAN},
    {"base", TAG_IGNORE, NO_SPAN},
    {"col", TAG_IGNORE, NO_SPAN},
    {"colgroup", TAG_IGNORE, NO_SPAN},
    /* children of an element that is itself reported */
    {"source", TAG_IGNORE, NO_SPAN},
    {"track", TAG_IGNORE, NO_SPAN},
    {"param", TAG_IGNORE, NO_SPAN},
    {"script", TAG_DROP, NO_SPAN},
    {"style", TAG_DROP, NO_SPAN},
    {"template", TAG_DROP, NO_SPAN},
    {"iframe", TAG_DROP, NO_SPAN},
    {"frame", TAG_DROP, NO_SPAN},
    {"frameset", TAG_DROP, NO_SPAN},
    {"object", TAG_DROP, NO_SPAN},
    {"embed", TAG_DROP, NO_SPAN},
    {"applet", TAG_DROP, NO_SPAN},
    {"canvas", TAG_DROP, NO_SPAN},
    {"svg", TAG_DROP, NO_SPAN},
    {"math", TAG_DROP, NO_SPAN},
    {"map", TAG_DROP, NO_SPAN},
};

static const struct tag *
tag_find(const char *name)
{
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (strcasecmp(tags[i].name, name) == 0)
            return &tags[i];
    return NULL;
}

struct open_span {
    int kind; /* enum box_span_kind or NO_SPAN */
    unsigned start;
    const char *arg;
};

enum frame_undo {
    UNDO_NOTHING,
    UNDO_FLOW,  /* restore the container */
    UNDO_TEXT,  /* close the paragraph, restore the container */
    UNDO_SPAN,  /* close the inline style */
    UNDO_PRE,   /* finish the preformatted block */
    UNDO_HEAD,  /* restore the thead flag */
    UNDO_CHART, /* restore the container, leave the chart fallback */
};

struct frame {
    enum frame_undo undo;
    struct box *saved_flow;
    bool saved_head;
};

struct warned {
    const char *name; /* borrowed from the libxml2 tree */
    unsigned n;
};

#define WARN_PER_TAG 10

struct builder {
    struct arena *a;
    struct diag *d;
    const char *path;
    struct box *flow;
    struct box *para; /* open BOX_TEXT, or NULL */
    struct box *pre;  /* open BOX_PRE, or NULL */
    struct buf text;
    struct box_span *spans;
    size_t nspans, spans_cap;
    struct open_span *open;
    size_t nopen, open_cap;
    bool space;       /* a collapsible space is pending */
    bool line_start;  /* nothing on the line yet: spaces are dropped */
    bool after_space; /* the last byte written is a collapsed space */
    bool in_head;
    unsigned chart; /* inside a chart's fallback: no warnings */
    bool deep_warned;
    unsigned line; /* of the node being handled */
    struct frame *frames;
    size_t nframes, frames_cap;
    struct warned warned[64];
    size_t nwarned;
};

static void
warn_unsupported(struct builder *b, const xmlNode *n, const char *what)
{
    if (b->chart)
        return;
    const char *name = (const char *)n->name;
    size_t i = 0;
    while (i < b->nwarned && strcmp(b->warned[i].name, name) != 0)
        i++;
    if (i == b->nwarned) {
        if (b->nwarned == sizeof b->warned / sizeof b->warned[0])
            i = 0; /* share a counter rather than lose the report */
        else
            b->warned[b->nwarned++] = (struct warned){name, 0};
    }
    struct pos pos = {b->path, b->line, 0};
    unsigned k = ++b->warned[i].n;
    if (k < WARN_PER_TAG)
        diag_warning(b->d, &pos, "<%s> is not supported in PDF output; %s",
                     name, what);
    else if (k == WARN_PER_TAG)
        diag_warning(b->d, &pos,
                     "<%s> is not supported in PDF output; %s (further "
                     "<%s> elements are not reported)",
                     name, what, name);
}

static const char *
attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (strcasecmp((const char *)a->name, name) != 0)
            continue;
        if (a->children && a->children->content)
            return (const char *)a->children->content;
        return "";
    }
    return NULL;
}

bool
box_has_class(const char *classes, const char *word)
{
    if (!classes)
        return false;
    size_t n = strlen(word);
    const char *p = classes;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        const char *e = p;
        while (*e && *e != ' ' && *e != '\t' && *e != '\n')
            e++;
        if ((size_t)(e - p) == n && strncmp(p, word, n) == 0)
            return true;
        p = e;
    }
    return false;
}

static int
box_depth(const struct box *x)
{
    int d = 0;
    for (; x; x = x->parent)
        d++;
    return d;
}

static struct box *
new_box(struct builder *b, struct box *parent, enum box_kind kind)
{
    struct box *x = arena_alloc(b->a, sizeof *x);
    x->kind = kind;
    x->line = b->line;
    x->parent = parent;
    if (parent) {
        if (parent->last)
            parent->last->next = x;
        else
            parent->first = x;
        parent->last = x;
    }
    return x;
}

/* Where block content goes: tables and rows only take rows and cells, so
 * stray content gets an anonymous row or cell, as browsers do. */
static struct box *
content_parent(struct builder *b)
{
    struct box *f = b->flow;
    if (f->kind == BOX_TABLE) {
        struct box *row = f->last;
        if (!row || row->kind != BOX_ROW || !row->anon) {
            row = new_box(b, f, BOX_ROW);
            row->anon = true;
            row->head = b->in_head;
        }
        f = row;
    }
    if (f->kind == BOX_ROW) {
        struct box *cell = f->last;
        if (!cell || cell->kind != BOX_CELL || !cell->anon) {
            cell = new_box(b, f, BOX_CELL);
            cell->anon = true;
            cell->colspan = 1;
        }
        f = cell;
    }
    return f;
}

static void
push_span(struct builder *b, enum box_span_kind kind, unsigned start,
          unsigned end, const char *arg)
{
    if (b->nspans == b->spans_cap) {
        b->spans_cap = b->spans_cap ? b->spans_cap * 2 : 16;
        b->spans = xrealloc(b->spans, b->spans_cap * sizeof *b->spans);
    }
    b->spans[b->nspans++] = (struct box_span){kind, start, end, arg, false};
}

/* Ends the open paragraph: trailing spaces go, inline styles still open
 * are cut here and continue in the next paragraph. */
static void
flush_para(struct builder *b)
{
    struct box *p = b->para;
    if (!p)
        return;
    size_t len = b->text.len;
    while (len > 0 && b->text.data[len - 1] == ' ')
        len--;
    for (size_t i = 0; i < b->nopen; i++) {
        struct open_span *o = &b->open[i];
        if (o->kind != NO_SPAN && o->start < len)
            push_span(b, (enum box_span_kind)o->kind, o->start, (unsigned)len,
                      o->arg);
        o->start = 0;
    }
    p->text = arena_strndup(b->a, b->text.data, len);
    p->len = len;
    if (b->nspans) {
        p->spans = arena_alloc(b->a, b->nspans * sizeof *p->spans);
        for (size_t i = 0; i < b->nspans; i++) {
            struct box_span s = b->spans[i];
            if (s.end > len)
                s.end = (unsigned)len;
            if (s.start > s.end)
                s.start = s.end;
            p->spans[i] = s;
        }
        p->nspans = b->nspans;
    }
    b->nspans = 0;
    buf_reset(&b->text);
    b->para = NULL;
    b->space = false;
    b->line_start = true;
    b->after_space = false;
}

static void
ensure_para(struct builder *b)
{
    if (b->para)
        return;
    b->para = new_box(b, content_parent(b), BOX_TEXT);
    b->para->role = BOX_ROLE_PLAIN;
    b->line_start = true;
    b->space = false;
    b->after_space = false;
}

/* A pending collapsible space becomes real before visible content. */
static void
settle_space(struct builder *b)
{
    if (b->space && !b->line_start && !b->after_space && b->para) {
        buf_putc(&b->text, ' ');
        b->after_space = true;
    }
    b->space = false;
}

static void
add_text(struct builder *b, const char *s, size_t n)
{
    if (b->pre) {
        buf_add(&b->text, s, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            b->space = true;
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' &&
               s[j] != '\r' && s[j] != '\f')
            j++;
        ensure_para(b);
        settle_space(b);
        buf_add(&b->text, s + i, j - i);
        b->line_start = false;
        b->after_space = false;
        i = j - 1;
    }
}

/* Visible inline content that is not text (a line break, a glyph). */
static void
add_raw(struct builder *b, const char *s)
{
    ensure_para(b);
    settle_space(b);
    buf_puts(&b->text, s);
    b->after_space = false;
}

static void
push_frame(struct builder *b, enum frame_undo undo)
{
    if (b->nframes == b->frames_cap) {
        b->frames_cap = b->frames_cap ? b->frames_cap * 2 : 32;
        b->frames = xrealloc(b->frames, b->frames_cap * sizeof *b->frames);
    }
    b->frames[b->nframes++] = (struct frame){undo, b->flow, b->in_head};
}

/* Opens a container box, unless nesting is already too deep: then the
 * element is flattened into its parent. */
static struct box *
open_flow(struct builder *b, enum box_kind kind, const xmlNode *n)
{
    flush_para(b);
    struct box *parent = content_parent(b);
    if (box_depth(parent) >= BOX_MAX_DEPTH) {
        if (!b->deep_warned && !b->chart) {
            struct pos pos = {b->path, b->line, 0};
            diag_warning(b->d, &pos,
                         "<%s> is nested more than %d levels deep; deeper "
                         "structure is flattened in PDF output",
                         (const char *)n->name, BOX_MAX_DEPTH);
            b->deep_warned = true;
        }
        push_frame(b, UNDO_NOTHING);
        return NULL;
    }
    struct box *x = new_box(b, parent, kind);
    push_frame(b, UNDO_FLOW);
    b->flow = x;
    return x;
}

static char *
dup_attr(struct builder *b, const xmlNode *n, const char *name)
{
    const char *v = attr(n, name);
    return v && *v ? arena_strdup(b->a, v) : NULL;
}

/* An element with an id that makes no box of its own: an empty anchor in
 * the open paragraph, or an empty container where the next block starts. */
static void
add_anchor(struct builder *b, const char *id)
{
    if (b->para) {
        settle_space(b);
        push_span(b, BOX_SPAN_ANCHOR, (unsigned)b->text.len,
                  (unsigned)b->text.len, arena_strdup(b->a, id));
    } else if (!b->pre) {
        struct box *x = new_box(b, content_parent(b), BOX_FLOW);
        x->id = arena_strdup(b->a, id);
    }
}

static int
parse_int(const char *s, int lo, int hi, int dflt)
{
    if (!s)
        return dflt;
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s)
        return dflt;
    if (v < lo)
        return lo;
    if (v > hi)
        return hi;
    return (int)v;
}

static struct box *
nearest(struct box *x, enum box_kind kind)
{
    for (; x; x = x->parent) {
        if (x->kind == kind)
            return x;
        if (x->kind == BOX_CELL || x->kind == BOX_TABLE)
            return NULL;
    }
    return NULL;
}

/* A task-list checkbox marks its list item when it comes before any of the
 * item's text, as cmark-gfm writes it. */
static void
add_checkbox(struct builder *b, bool checked)
{
    struct box *item = nearest(b->flow, BOX_ITEM);
    bool fresh = item && item->check == BOX_CHECK_NONE && b->text.len == 0;
    if (fresh)
        for (struct box *c = item->first; c; c = c->next)
            if (c != b->para)
                fresh = false;
    if (fresh) {
        item->check = checked ? BOX_CHECK_ON : BOX_CHECK_OFF;
        return;
    }
    add_raw(b, checked ? "\xe2\x98\x91" : "\xe2\x98\x90"); /* U+2611/2610 */
    b->line_start = false;
    b->space = true;
}

static enum box_align
cell_align(const xmlNode *n)
{
    const char *al = attr(n, "align");
    const char *cls = attr(n, "class");
    const char *style = attr(n, "style");
    if ((al && strcasecmp(al, "right") == 0) || box_has_class(cls, "num") ||
        (style && strstr(style, "text-align: right")) ||
        (style && strstr(style, "text-align:right")))
        return BOX_ALIGN_END;
    if ((al && strcasecmp(al, "center") == 0) ||
        (style && strstr(style, "text-align: center")) ||
        (style && strstr(style, "text-align:center")))
        return BOX_ALIGN_CENTER;
    return BOX_ALIGN_START;
}

static void
enter_head(struct builder *b, const xmlNode *head)
{
    /* Only report what a template author would expect to matter. */
    for (const xmlNode *c = head->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const struct tag *t = tag_find((const char *)c->name);
        if (t && t->cls == TAG_DROP) {
            b->line = (unsigned)xmlGetLineNo(c);
            warn_unsupported(b, c, "it is left out");
        }
    }
}

static void
open_text(struct builder *b, const xmlNode *n)
{
    const char *name = (const char *)n->name;
    flush_para(b);
    bool table_caption =
        strcasecmp(name, "caption") == 0 && b->flow->kind == BOX_TABLE;
    struct box *parent = table_caption ? b->flow : content_parent(b);
    enum box_role role = BOX_ROLE_PARA;
    int level = 0;
    if ((name[0] == 'h' || name[0] == 'H') && name[1] >= '1' &&
        name[1] <= '6' && !name[2]) {
        role = BOX_ROLE_HEADING;
        level = name[1] - '0';
    } else if (strcasecmp(name, "figcaption") == 0 ||
               strcasecmp(name, "caption") == 0) {
        role = BOX_ROLE_CAPTION;
        if (parent->kind == BOX_CHART)
            parent = parent->parent; /* the caption is not fallback */
    } else if (strcasecmp(name, "dt") == 0) {
        role = BOX_ROLE_TERM;
    }
    push_frame(b, UNDO_TEXT);
    b->para = new_box(b, parent, BOX_TEXT);
    b->para->role = role;
    b->para->level = level;
    b->para->id = dup_attr(b, n, "id");
    b->line_start = true;
    b->space = false;
}

/* Handles the start of an element. Returns whether to walk its children;
 * every element pushes exactly one frame, popped by leave(). */
static bool
enter(struct builder *b, const xmlNode *n)
{
    const char *name = (const char *)n->name;
    const struct tag *t = tag_find(name);
    enum tag_class cls = t ? t->cls : TAG_UNKNOWN;
    const char *id = attr(n, "id");
    if (id && !*id)
        id = NULL;

    if (b->pre) {
        /* Inside pre only text and line breaks count. */
        push_frame(b, UNDO_NOTHING);
        if (cls == TAG_BR)
            buf_putc(&b->text, '\n');
        if (cls == TAG_DROP) {
            warn_unsupported(b, n, "it is left out");
            return false;
        }
        if (cls == TAG_UNKNOWN)
            warn_unsupported(b, n, "its text is kept");
        return cls != TAG_IGNORE && cls != TAG_HEAD;
    }

    switch (cls) {
    case TAG_IGNORE:
        push_frame(b, UNDO_NOTHING);
        return false;
    case TAG_HEAD:
        push_frame(b, UNDO_NOTHING);
        enter_head(b, n);
        return false;
    case TAG_DROP:
        push_frame(b, UNDO_NOTHING);
        warn_unsupported(b, n, "it is left out");
        return false;
    case TAG_UNKNOWN:
        push_frame(b, UNDO_NOTHING);
        warn_unsupported(b, n, "its text is kept");
        if (id)
            add_anchor(b, id);
        return true;
    case TAG_CONTAINER:
    case TAG_DD: {
        if (box_has_class(attr(n, "class"), "page-break")) {
            flush_para(b);
            new_box(b, content_parent(b), BOX_BREAK);
        }
        struct box *x = open_flow(b, BOX_FLOW, n);
        if (x) {
            x->id = id ? arena_strdup(b->a, id) : NULL;
            x->indent = cls == TAG_DD;
        } else if (id) {
            add_anchor(b, id);
        }
        return true;
    }
    case TAG_TEXT:
        open_text(b, n);
        return true;
    case TAG_LIST: {
        struct box *x = open_flow(b, BOX_LIST, n);
        if (x) {
            x->id = id ? arena_strdup(b->a, id) : NULL;
            x->ordered = tolower((unsigned char)name[0]) == 'o';
            const char *type = attr(n, "type");
            x->numtype = '1';
            if (type && strchr("aAiI", type[0]) && type[0])
                x->numtype = type[0];
            x->next_number = parse_int(attr(n, "start"), -999999, 999999, 1);
            int depth = 0;
            for (struct box *p = x->parent; p; p = p->parent)
                depth += p->kind == BOX_LIST;
            x->depth = depth;
        }
        return true;
    }
    case TAG_ITEM: {
        struct box *list = b->flow->kind == BOX_LIST ? b->flow : NULL;
        struct box *x = open_flow(b, BOX_ITEM, n);
        if (x) {
            x->id = id ? arena_strdup(b->a, id) : NULL;
            if (list) {
                list->next_number = parse_int(attr(n, "value"), -999999, 999999,
                                              list->next_number);
                x->number = list->next_number++;
            }
        }
        return true;
    }
    case TAG_QUOTE: {
        struct box *x = open_flow(b, BOX_QUOTE, n);
        if (x)
            x->id = id ? arena_strdup(b->a, id) : NULL;
        return true;
    }
    case TAG_PRE: {
        flush_para(b);
        struct box *x = new_box(b, content_parent(b), BOX_PRE);
        x->id = id ? arena_strdup(b->a, id) : NULL;
        push_frame(b, UNDO_PRE);
        b->pre = x;
        return true;
    }
    case TAG_HR:
        push_frame(b, UNDO_NOTHING);
        flush_para(b);
        new_box(b, content_parent(b), BOX_RULE)->id =
            id ? arena_strdup(b->a, id) : NULL;
        if (box_has_class(attr(n, "class"), "page-break"))
            new_box(b, content_parent(b), BOX_BREAK);
        return false;
    case TAG_TABLE: {
        struct box *x = open_flow(b, BOX_TABLE, n);
        if (x) {
            x->id = id ? arena_strdup(b->a, id) : NULL;
            b->in_head = false;
        }
        return true;
    }
    case TAG_TSECTION:
        push_frame(b, UNDO_HEAD);
        b->in_head = tolower((unsigned char)name[1]) == 'h';
        if (id)
            add_anchor(b, id);
        return true;
    case TAG_TR: {
        if (b->flow->kind == BOX_ROW) /* a row inside a row: a sibling */
            b->flow = b->flow->parent;
        if (b->flow->kind != BOX_TABLE) {
            struct box *x = open_flow(b, BOX_FLOW, n);
            if (x)
                x->id = id ? arena_strdup(b->a, id) : NULL;
            return true;
        }
        flush_para(b);
        struct box *x = new_box(b, b->flow, BOX_ROW);
        x->head = b->in_head;
        x->id = id ? arena_strdup(b->a, id) : NULL;
        push_frame(b, UNDO_FLOW);
        b->flow = x;
        return true;
    }
    case TAG_CELL: {
        if (b->flow->kind != BOX_ROW && b->flow->kind != BOX_TABLE) {
            struct box *x = open_flow(b, BOX_FLOW, n);
            if (x)
                x->id = id ? arena_strdup(b->a, id) : NULL;
            return true;
        }
        flush_para(b);
        struct box *row = b->flow;
        if (row->kind == BOX_TABLE) {
            row = row->last;
            if (!row || row->kind != BOX_ROW) {
                row = new_box(b, b->flow, BOX_ROW);
                row->head = b->in_head;
            }
        }
        struct box *x = new_box(b, row, BOX_CELL);
        x->id = id ? arena_strdup(b->a, id) : NULL;
        x->header = tolower((unsigned char)name[1]) == 'h';
        x->colspan = parse_int(attr(n, "colspan"), 1, 100, 1);
        x->align = cell_align(n);
        if (parse_int(attr(n, "rowspan"), 1, 100, 1) > 1 && !b->chart) {
            struct pos pos = {b->path, b->line, 0};
            diag_warning(b->d, &pos,
                         "rowspan is not supported in PDF output; the cell "
                         "spans one row");
        }
        push_frame(b, UNDO_FLOW);
        b->flow = x;
        return true;
    }
    case TAG_FIGURE: {
        struct box *x = open_flow(b, BOX_FIGURE, n);
        if (!x)
            return true;
        x->id = id ? arena_strdup(b->a, id) : NULL;
        const char *chart = attr(n, "data-chart");
        if (box_has_class(attr(n, "class"), "chart") && chart && *chart) {
            struct box *c = new_box(b, x, BOX_CHART);
            c->chart = arena_strdup(b->a, chart);
            b->flow = c;
            b->chart++;
            b->frames[b->nframes - 1].undo = UNDO_CHART;
        }
        return true;
    }
    case TAG_IMG: {
        push_frame(b, UNDO_NOTHING);
        flush_para(b);
        struct box *x = new_box(b, content_parent(b), BOX_IMAGE);
        x->id = id ? arena_strdup(b->a, id) : NULL;
        x->src = dup_attr(b, n, "src");
        x->alt = dup_attr(b, n, "alt");
        x->width_px = parse_int(attr(n, "width"), 0, 100000, 0);
        x->height_px = parse_int(attr(n, "height"), 0, 100000, 0);
        return false;
    }
    case TAG_BR:
        push_frame(b, UNDO_NOTHING);
        add_raw(b, "\n");
        b->line_start = true;
        b->space = false;
        return false;
    case TAG_WBR:
        push_frame(b, UNDO_NOTHING);
        if (b->para)
            buf_puts(&b->text, "\xe2\x80\x8b"); /* zero-width space */
        return false;
    case TAG_INPUT: {
        push_frame(b, UNDO_NOTHING);
        const char *type = attr(n, "type");
        if (type && strcasecmp(type, "checkbox") == 0)
            add_checkbox(b, attr(n, "checked") != NULL);
        else
            warn_unsupported(b, n, "it is left out");
        return false;
    }
    case TAG_A:
    case TAG_INLINE: {
        int kind = t->span;
        const char *arg = NULL;
        if (cls == TAG_A) {
            const char *href = attr(n, "href");
            if (!id)
                id = attr(n, "name");
            if (href && strncasecmp(href, "javascript:", 11) == 0) {
                struct pos pos = {b->path, b->line, 0};
                diag_warning(b->d, &pos,
                             "javascript: link is left out of PDF output; "
                             "its text is kept");
                href = NULL;
            }
            if (href && *href)
                arg = arena_strdup(b->a, href);
            else
                kind = NO_SPAN;
        } else if (box_has_class(attr(n, "class"), "badge")) {
            kind = BOX_SPAN_BADGE;
            arg = dup_attr(b, n, "class");
        }
        if (id)
            add_anchor(b, id);
        if (kind != NO_SPAN) {
            /* A space before a styled span stays outside it, so a
             * background or a link does not start with a gap. */
            if (b->para)
                settle_space(b);
            if (kind == BOX_SPAN_BADGE) {
                add_raw(b, "\xe2\x80\xaf"); /* narrow no-break space */
                b->line_start = false;
            }
        }
        if (b->nopen == b->open_cap) {
            b->open_cap = b->open_cap ? b->open_cap * 2 : 16;
            b->open = xrealloc(b->open, b->open_cap * sizeof *b->open);
        }
        unsigned start = (unsigned)b->text.len;
        if (kind == BOX_SPAN_BADGE)
            start -= 3;
        b->open[b->nopen++] = (struct open_span){kind, start, arg};
        push_frame(b, UNDO_SPAN);
        return true;
    }
    }
    push_frame(b, UNDO_NOTHING);
    return true;
}

static void
leave(struct builder *b)
{
    struct frame f = b->frames[--b->nframes];
    switch (f.undo) {
    case UNDO_NOTHING:
        break;
    case UNDO_CHART:
        b->chart--;
        /* fall through */
    case UNDO_FLOW:
    case UNDO_TEXT:
        flush_para(b);
        if (b->flow->kind == BOX_TABLE) {
            int ncols = 0;
            for (struct box *r = b->flow->first; r; r = r->next) {
                int n = 0;
                if (r->kind == BOX_ROW)
                    for (struct box *c = r->first; c; c = c->next)
                        n += c->colspan;
                if (n > ncols)
                    ncols = n;
            }
            b->flow->ncols = ncols;
        }
        b->flow = f.saved_flow;
        break;
    case UNDO_HEAD:
        b->in_head = f.saved_head;
        break;
    case UNDO_SPAN: {
        struct open_span o = b->open[--b->nopen];
        if (o.kind == BOX_SPAN_BADGE && b->para) {
            buf_puts(&b->text, "\xe2\x80\xaf");
            b->line_start = false;
        }
        if (o.kind != NO_SPAN && b->para && o.start < b->text.len)
            push_span(b, (enum box_span_kind)o.kind, o.start,
                      (unsigned)b->text.len, o.arg);
        break;
    }
    case UNDO_PRE: {
        struct box *p = b->pre;
        const char *s = b->text.data;
        size_t len = b->text.len;
        /* HTML drops the newline right after <pre>; the last one ends
         * the last line rather than adding an empty one. */
        if (len && s[0] == '\n') {
            s++;
            len--;
        } else if (len > 1 && s[0] == '\r' && s[1] == '\n') {
            s += 2;
            len -= 2;
        }
        while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
            len--;
        p->text = arena_strndup(b->a, s, len);
        p->len = len;
        buf_reset(&b->text);
        b->pre = NULL;
        b->line_start = true;
        b->space = false;
        break;
    }
    }
}

static void
walk(struct builder *b, const xmlNode *root)
{
    const xmlNode *n = root;
    while (n) {
        bool down = false;
        if (n->type == XML_ELEMENT_NODE) {
            b->line = (unsigned)xmlGetLineNo(n);
            down = enter(b, n);
        } else if (n->type == XML_TEXT_NODE ||
                   n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                add_text(b, (const char *)n->content,
                         strlen((const char *)n->content));
        }
        if (down && n->children) {
            n = n->children;
            continue;
        }
        if (n->type == XML_ELEMENT_NODE)
            leave(b);
        while (n != root && !n->next) {
            n = n->parent;
            if (n->type == XML_ELEMENT_NODE)
                leave(b);
        }
        if (n == root)
            break;
        n = n->next;
    }
}

/* ---- after the walk: ids, links, heading destinations --------------- */

struct idref {
    const char *name;
    const char **slot; /* box->id or span->arg, cleared on a duplicate */
    unsigned line;
    size_t seq;
};

struct idset {
    struct idref *v;
    size_t n, cap;
};

static void
idset_add(struct idset *s, const char **slot, unsigned line)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n] = (struct idref){*slot, slot, line, s->n};
    s->n++;
}

static int
cmp_idref(const void *pa, const void *pb)
{
    const struct idref *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool
idset_has(const struct idset *s, const char *name)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->v[mid].name, name);
        if (c == 0)
            return *s->v[mid].slot != NULL;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Next box in document order. */
static struct box *
next_box(struct box *x)
{
    if (x->first)
        return x->first;
    while (x && !x->next)
        x = x->parent;
    return x ? x->next : NULL;
}

static void
resolve(struct builder *b, struct box_doc *doc)
{
    struct idset ids = {0};
    size_t nheads = 0;
    for (struct box *x = doc->root; x; x = next_box(x)) {
        if (x->id)
            idset_add(&ids, &x->id, x->line);
        for (size_t i = 0; i < x->nspans; i++)
            if (x->spans[i].kind == BOX_SPAN_ANCHOR && x->spans[i].arg)
                idset_add(&ids, &x->spans[i].arg, x->line);
        if (x->kind == BOX_TEXT && x->role == BOX_ROLE_HEADING)
            nheads++;
    }
    if (ids.n)
        qsort(ids.v, ids.n, sizeof *ids.v, cmp_idref);
    for (size_t i = 1; i < ids.n; i++) {
        if (strcmp(ids.v[i].name, ids.v[i - 1].name) != 0)
            continue;
        struct pos pos = {b->path, ids.v[i].line, 0};
        diag_warning(b->d, &pos, "duplicate id '%s'; links go to its first use",
                     ids.v[i].name);
        *ids.v[i].slot = NULL;
    }

    doc->headings =
        arena_alloc(b->a, (nheads ? nheads : 1) * sizeof *doc->headings);
    size_t h = 0;
    for (struct box *x = doc->root; x; x = next_box(x)) {
        for (size_t i = 0; i < x->nspans; i++) {
            struct box_span *s = &x->spans[i];
            if (s->kind != BOX_SPAN_LINK || !s->arg || s->arg[0] != '#')
                continue;
            if (idset_has(&ids, s->arg + 1)) {
                s->internal = true;
            } else {
                struct pos pos = {b->path, x->line, 0};
                diag_warning(b->d, &pos,
                             "link target '%s' is not in the document; the "
                             "link is kept as text",
                             s->arg);
                s->arg = NULL;
            }
        }
        if (x->kind == BOX_TEXT && x->role == BOX_ROLE_HEADING) {
            doc->headings[h++] = x;
            /* A name no HTML id can take: ids have no spaces. */
            x->dest = x->id ? x->id : arena_printf(b->a, "h %zu", h);
        } else if (x->id) {
            x->dest = x->id;
        }
    }
    doc->nheadings = h;
    free(ids.v);
}

int
box_parse(const char *html, size_t len, const char *path, struct arena *a,
          struct diag *d, struct box_doc *out)
{
    struct builder b;
    memset(&b, 0, sizeof b);
    b.a = a;
    b.d = d;
    b.path = path;
    b.line_start = true;
    buf_init(&b.text);
    memset(out, 0, sizeof *out);
    out->root = new_box(&b, NULL, BOX_FLOW);
    b.flow = out->root;

    /* libxml2 takes an int length */
    int n = len > INT32_MAX ? 0 : (int)len;
    int rc = 0;
    if (len > INT32_MAX) {
        struct pos pos = {path, 0, 0};
        rc = diag_error(d, &pos, "HTML is larger than 2 GiB");
    }
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    xmlDoc *doc = NULL;
    if (ctxt) {
        doc = htmlCtxtReadMemory(ctxt, html, n, path, "UTF-8",
                                 HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                     HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
        /* libxml2 stops at 256 levels of nesting and drops the rest: a
         * PDF missing part of the document must not be published. */
        if (ctxt->errNo == XML_ERR_INTERNAL_ERROR &&
            ctxt->instate == XML_PARSER_EOF) {
            struct pos pos = {path,
                              ctxt->input ? (unsigned)ctxt->input->line : 0, 0};
            rc = diag_error(d, &pos,
                            "HTML is nested too deeply for the parser; the "
                            "rest of the document is cut");
        }
        htmlFreeParserCtxt(ctxt);
    } else {
        struct pos pos = {path, 0, 0};
        rc = diag_error(d, &pos, "cannot create the HTML parser");
    }
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root)
        walk(&b, root);
    flush_para(&b);
    while (b.nframes) /* only if the walk stopped early */
        leave(&b);
    if (doc)
        xmlFreeDoc(doc);
    resolve(&b, out);
    buf_release(&b.text);
    free(b.spans);
    free(b.open);
    free(b.frames);
    return rc;
}

/* ---- list markers --------------------------------------------------- */

static void
roman(int n, bool upper, char *out, size_t size)
{
    static const struct {
        int v;
        const char *s;
    } r[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"},
             {90, "xc"},  {50, "l"},   {40, "xl"}, {10, "x"},   {9, "ix"},
             {5, "v"},    {4, "iv"},   {1, "i"}};
    size_t k = 0;
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        while (n >= r[i].v && k + 3 < size) {
            for (const char *p = r[i].s; *p; p++)
                out[k++] = upper ? (char)(*p - 'a' + 'A') : *p;
            n -= r[i].v;
        }
    }
    out[k] = '\0';
}

void
box_marker(int n, char numtype, char *out, size_t size)
{
    char tmp[64];
    if ((numtype == 'i' || numtype == 'I') && n >= 1 && n < 4000) {
        roman(n, numtype == 'I', tmp, sizeof tmp);
    } else if ((numtype == 'a' || numtype == 'A') && n >= 1) {
        /* bijective base 26: a..z, aa.. */
        char rev[16];
        size_t k = 0;
        while (n > 0 && k < sizeof rev) {
            n--;
            rev[k++] = (char)((numtype == 'A' ? 'A' : 'a') + n % 26);
            n /= 26;
        }
        for (size_t i = 0; i < k; i++)
            tmp[i] = rev[k - 1 - i];
        tmp[k] = '\0';
    } else {
        snprintf(tmp, sizeof tmp, "%d", n);
    }
    snprintf(out, size, "%s.", tmp);
}
