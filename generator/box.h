/* box: the HTML subset that PDF output understands, as a tree of blocks.
 * Parses with libxml2's HTML parser (which recovers from malformed input),
 * keeps what the subset supports and reports everything else with its HTML
 * line. Inline markup becomes plain UTF-8 text plus styled byte ranges
 * (spans). Knows nothing of fonts, pages or cairo: layout.c does that. */
#ifndef DOSSIER_BOX_H
#define DOSSIER_BOX_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

/* Deeper element nesting is flattened (with a warning), which bounds the
 * recursion of every walk over the tree. */
#define BOX_MAX_DEPTH 40

enum box_kind {
    BOX_FLOW,   /* container: body, div, section, li body, dd ... */
    BOX_TEXT,   /* a block of inline content: p, h1-h6, figcaption ... */
    BOX_PRE,    /* preformatted text; no spans */
    BOX_LIST,   /* ul, ol: children are BOX_ITEM */
    BOX_ITEM,   /* li: a container with a marker */
    BOX_QUOTE,  /* blockquote: a container */
    BOX_RULE,   /* hr */
    BOX_TABLE,  /* children are BOX_ROW, optional caption BOX_TEXT first */
    BOX_ROW,    /* children are BOX_CELL */
    BOX_CELL,   /* td, th: a container */
    BOX_FIGURE, /* a container whose blocks are centred */
    BOX_IMAGE,  /* img */
    BOX_CHART,  /* drawn by the caller; children are the HTML fallback */
    BOX_BREAK,  /* <div class="page-break"> */
};

enum box_role {
    BOX_ROLE_PLAIN,   /* anonymous: text directly inside a container */
    BOX_ROLE_PARA,    /* p */
    BOX_ROLE_HEADING, /* h1-h6; level says which */
    BOX_ROLE_CAPTION, /* figcaption, caption */
    BOX_ROLE_TERM,    /* dt */
};

enum box_align { BOX_ALIGN_START, BOX_ALIGN_CENTER, BOX_ALIGN_END };

enum box_check { BOX_CHECK_NONE, BOX_CHECK_OFF, BOX_CHECK_ON };

enum box_span_kind {
    BOX_SPAN_STRONG,
    BOX_SPAN_EM,
    BOX_SPAN_CODE,
    BOX_SPAN_LINK,  /* arg: href; internal when it is "#id" */
    BOX_SPAN_BADGE, /* arg: the class attribute */
    BOX_SPAN_DEL,
    BOX_SPAN_SUP,
    BOX_SPAN_SUB,
    BOX_SPAN_UNDERLINE,
    BOX_SPAN_SMALL,
    BOX_SPAN_MARK,
    BOX_SPAN_ANCHOR, /* empty range; arg: the id */
};

struct box_span {
    enum box_span_kind kind;
    unsigned start, end; /* byte offsets into the box text */
    const char *arg;     /* NULL when the link or anchor was dropped */
    bool internal;       /* a link to an id of this document */
};

/* Strings and arrays are owned by the arena given to box_parse(). */
struct box {
    enum box_kind kind;
    struct box *parent, *first, *last, *next;
    unsigned line; /* in the HTML, for diagnostics */
    const char *id;

    /* BOX_TEXT, BOX_PRE */
    enum box_role role;
    int level; /* heading 1..6 */
    char *text;
    size_t len;
    struct box_span *spans;
    size_t nspans;

    /* BOX_LIST */
    bool ordered;
    char numtype; /* '1', 'a', 'A', 'i', 'I' */
    int depth;    /* lists around this one */
    int next_number;

    /* BOX_ITEM */
    int number;
    enum box_check check;

    /* BOX_FLOW: dd is indented */
    bool indent;
    /* BOX_ROW, BOX_CELL made up for content outside td (as browsers do) */
    bool anon;

    /* BOX_TABLE */
    int ncols;
    /* BOX_ROW */
    bool head; /* in thead: repeated on every page */
    /* BOX_CELL */
    int colspan;
    bool header; /* th */
    enum box_align align;

    /* BOX_IMAGE */
    const char *src, *alt;
    double width_px, height_px; /* from attributes; 0 when absent */
    /* BOX_CHART */
    const char *chart;

    /* Written by layout: where the box ended up. dest is the PDF
     * destination name (the id, or a generated one for headings). */
    const char *dest;
    double lx, lw;
    int page;
    double ly;
    bool placed;
};

struct box_doc {
    struct box *root;
    struct box **headings; /* every heading, in document order */
    size_t nheadings;
};

/* Parses len bytes of HTML (UTF-8) into a tree allocated in a; *out is
 * always filled in. path names the HTML in diagnostics. Unsupported
 * elements, unresolved "#id" links, duplicate ids and the like are
 * warnings to d. Returns 0, or -1 after reporting an error when part of
 * the document is lost (nesting beyond libxml2's limit of 256 levels,
 * input over 2 GiB). Exits on out of memory. */
int box_parse(const char *html, size_t len, const char *path, struct arena *a,
              struct diag *d, struct box_doc *out);

/* Formats list item number n of a list of numtype ('1', 'a', 'A', 'i',
 * 'I') followed by a full stop, into out. */
void box_marker(int n, char numtype, char *out, size_t size);

/* True when the class attribute value has the word. */
bool box_has_class(const char *classes, const char *word);

#endif
