/* layout: the box tree typeset into a flat list of fragments (a line of
 * text, a table row, an image ...) and the fragments broken into pages.
 * Text is shaped with pango; pagination keeps headings with what follows,
 * avoids single orphan and widow lines and repeats table header rows.
 * Draws nothing: pdf.c paints the fragments. */
#ifndef DOSSIER_LAYOUT_H
#define DOSSIER_LAYOUT_H

#include <cairo.h>
#include <pango/pango.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "box.h"
#include "diag.h"
#include "pdf.h"

/* A shaped block of text with its line geometry, in points from the
 * layout's top. */
struct layout_para {
    PangoLayout *layout; /* owned by the struct layout */
    struct box *box;     /* TEXT or PRE; NULL for generated text */
    int nlines;
    double *top;  /* nlines + 1 entries; top[nlines] is the height */
    double *base; /* baseline of each line */
    double *lx;   /* left of each line (alignment, indent) */
    double dx;    /* text starts this far right of the fragment */
    double size;  /* font size, for markers and decorations */
    struct pdf_color color;
};

enum frag_kind {
    FRAG_LINE, /* one line of a layout_para */
    FRAG_RULE, /* hr */
    FRAG_IMAGE,
    FRAG_CHART,
    FRAG_ROW,    /* a table row; never split */
    FRAG_BREAK,  /* forced page break */
    FRAG_TOC,    /* a contents entry: all lines of its para */
    FRAG_ANCHOR, /* no height: carries destinations that have no content */
};

struct layout_row;

struct frag {
    enum frag_kind kind;
    double x, w, h; /* x from the left of the column */
    double before;  /* space above; dropped at the top of a page */
    bool glue;      /* no page break between this and the next fragment */
    double pad;     /* content starts this far below the top */
    struct box *box;
    struct layout_para *para; /* FRAG_LINE, FRAG_TOC */
    int line;                 /* FRAG_LINE */
    struct box *marker;       /* list item whose marker sits here */
    double marker_size;
    struct box **anchors; /* boxes whose destination is here */
    size_t nanchors;
    struct layout_row *row; /* FRAG_ROW */
    cairo_surface_t *image; /* FRAG_IMAGE; owned by the struct layout */
    struct box *target;     /* FRAG_TOC: the heading */
    int level;              /* FRAG_TOC */
    int page;               /* set by layout_paginate() */
    double y;               /* from the top of the column */
};

struct layout_table {
    struct layout_row **head; /* rows repeated at the top of each page */
    size_t nhead;
    double head_h;
    double width;
};

struct layout_cell {
    struct box *box;
    double x, w;        /* from the row's x */
    struct frag *frags; /* y from the top of the cell's content */
    size_t nfrags;
};

struct layout_row {
    struct box *box;
    struct layout_table *table;
    struct layout_cell *cells;
    size_t ncells;
    double h;
    double pad_y;
    bool head;
    bool zebra; /* a striped body row */
    bool last;  /* the table's last row */
};

/* A page of the body: fragments [first, first + count), and the table
 * whose header rows are repeated at its top (NULL if none). */
struct layout_page {
    size_t first, count;
    struct layout_table *repeat;
};

struct layout_fvec {
    struct frag *v;
    size_t n, cap;
};

struct layout {
    const struct pdf_theme *theme;
    PangoContext *pc;
    struct arena *a;
    struct diag *d;
    const char *path;     /* the HTML, for diagnostics */
    const char *base_dir; /* images */
    const struct pdf_chart_cb *charts;
    double width, height; /* of the column on a page */

    struct frag *frags; /* the body, in order */
    size_t nfrags;

    /* private */
    struct layout_fvec *out; /* where fragments go: body or a cell */
    struct layout_fvec body;
    double pending;       /* collapsed vertical space */
    struct box **anchors; /* waiting for the next fragment */
    size_t nanchors, anchors_cap;
    struct box *marker;
    double marker_size;
    PangoLayout **layouts;
    size_t nlayouts, layouts_cap;
    cairo_surface_t **images;
    size_t nimages, images_cap;
};

/* Prepares l for a column of width x height points. Everything is
 * borrowed and must outlive l; the pango context must use 72 dpi. Cannot
 * fail. Release with layout_release(). */
void layout_init(struct layout *l, const struct pdf_theme *theme,
                 PangoContext *pc, struct arena *a, struct diag *d,
                 const char *path, const char *base_dir,
                 const struct pdf_chart_cb *charts, double width,
                 double height);
void layout_release(struct layout *l);

/* Typesets the tree into l->frags. Problems (missing image, chart that
 * cannot be drawn) are warnings; cannot fail. */
void layout_body(struct layout *l, const struct box_doc *doc);

/* Colours of a <span class="badge ...">, from its status word. */
void layout_badge_colors(const char *classes, struct pdf_color *bg,
                         struct pdf_color *fg);

/* Typesets the table of contents (headings down to depth) into a new
 * fragment array (arena-owned) stored in *out. The entries do not depend
 * on page numbers, so the contents can be paginated before the body. */
void layout_toc(struct layout *l, const struct box_doc *doc, int depth,
                const char *title, struct frag **out, size_t *n);

/* Breaks frags into pages of the given height, numbering them from
 * first_page; sets each fragment's page and y. pages (may be NULL) gets
 * an arena array of page records. Returns the number of pages (at least
 * one, an empty page when there are no fragments). */
int layout_paginate(struct frag *frags, size_t n, double height, int first_page,
                    struct arena *a, struct layout_page **pages);

/* Records in each box with a destination where its first fragment landed
 * (box->page, box->ly), looking inside table rows too. */
void layout_place_anchors(struct frag *frags, size_t n);

/* Shapes text (plain UTF-8) in a paragraph of the given style; for cover
 * pages, headers and footers. width < 0: no wrapping. */
struct layout_para *layout_text(struct layout *l, const char *text,
                                const char *family, double size, bool bold,
                                bool italic, double width, PangoAlignment align,
                                double line_height);

/* Column widths for min/max content widths of n columns in avail points:
 * natural widths spread to fill the line when they fit, else shrunk
 * toward the minima in proportion to the slack, else the minima scaled
 * down. Writes n widths summing to avail. */
void layout_columns(const double *min, const double *max, size_t n,
                    double avail, double *out);

#endif
