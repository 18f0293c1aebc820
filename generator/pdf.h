/* pdf: print-quality PDF from the HTML subset that dossier's templates
 * write, typeset with pango and written by cairo's PDF surface.
 * Adds a cover, a table of contents, bookmarks, running headers and
 * "Page X of Y" footers; the same input always gives the same bytes.
 * Depends on libxml2, pango, cairo and Lua (theme only), and on the base
 * modules xmem, buf, diag, arena and file; never on other back-ends (charts
 * come in through a callback). See README.md for the HTML subset. */
#ifndef DOSSIER_PDF_H
#define DOSSIER_PDF_H

#include <cairo.h>
#include <lua.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"

/* ---- theme ---------------------------------------------------------- */

#define PDF_FAMILY_MAX 64 /* font family names, with the NUL */

enum pdf_paper { PDF_PAPER_A4, PDF_PAPER_LETTER };

struct pdf_color {
    double r, g, b; /* 0..1 */
};

struct pdf_heading_style {
    char font[PDF_FAMILY_MAX];
    double size; /* pt */
    bool bold;
    struct pdf_color color;
    double space_before; /* pt; dropped at the top of a page */
    double space_after;  /* pt */
};

/* Every length is in PostScript points (1/72 in). Colours are sRGB. */
struct pdf_theme {
    enum pdf_paper paper;
    struct {
        double top, right, bottom, left;
    } margin;

    char font[PDF_FAMILY_MAX]; /* body text */
    double size;
    double line_height;     /* baseline distance as a multiple of size */
    double paragraph_space; /* below paragraphs, lists, tables */
    bool justify;           /* justified body paragraphs */

    struct pdf_heading_style heading[4]; /* h1..h4; h5 and h6 use h4 */

    struct pdf_color color; /* body text */
    struct pdf_color link_color;
    struct pdf_color muted_color; /* captions, header, footer, quotes */
    struct pdf_color accent;      /* cover rule, quote bar, h1 rule */

    double table_size;    /* table text */
    double table_padding; /* inside each cell, left and right */
    struct pdf_color table_header_bg;
    struct pdf_color table_rule;
    struct pdf_color table_zebra; /* every second body row */

    char code_font[PDF_FAMILY_MAX];
    double code_size;
    struct pdf_color code_bg;

    double header_size; /* running header and footer */
    int toc_depth;      /* heading levels listed in the contents, 1..4 */
};

/* Fills t with the built-in theme (documented in README.md). The defaults
 * are only a fallback: projects set their theme in Lua. Cannot fail. */
void pdf_theme_init(struct pdf_theme *t);

/* Overrides fields of t from the Lua table at index idx, e.g.
 *   { paper = "A4", margin = { top = 56, right = 50, bottom = 56,
 *     left = 50 }, font = "DejaVu Sans", size = 10,
 *     h1 = { size = 20, color = "#12355b" }, ... }
 * Keys not given keep their value in t. Never raises a Lua error (no
 * metamethod is called) and leaves the stack as it found it. Returns 0, or
 * -1 with every problem (unknown key, wrong type, value out of range)
 * appended to err as lines "theme.key: message"; t is then partly updated
 * and should not be used. */
int pdf_theme_from_lua(lua_State *L, int idx, struct pdf_theme *t,
                       struct buf *err);

/* Page size of a paper in points. */
void pdf_paper_size(enum pdf_paper paper, double *w, double *h);

/* ---- document ------------------------------------------------------- */

#define PDF_COVER_LINES_MAX 6

/* Strings are borrowed for the duration of pdf_render(); any may be NULL. */
struct pdf_doc_info {
    const char *title;  /* metadata, running header, cover fallback */
    const char *author; /* the organisation */
    const char *subject;
    const char *keywords;
    /* ISO 8601, "YYYY-MM-DD" or "YYYY-MM-DDThh:mm:ss[Z|+hh:mm]", taken
     * from SOURCE_DATE_EPOCH or the release date, never from the clock.
     * NULL means 1970-01-01T00:00:00Z so that output stays reproducible. */
    const char *creation_date;
    const char *cover_title; /* no cover page when NULL */
    const char *cover_subtitle;
    /* e.g. organisation, model and version, date; NULL entries are
     * skipped. */
    const char *cover_lines[PDF_COVER_LINES_MAX];
    const char *confidentiality; /* e.g. "Internal"; cover and header */
    bool toc;                    /* table of contents after the cover */
};

/* Charts are drawn by the caller, as vectors, where the HTML has
 * <figure class="chart" data-chart="ID">. size() gives the natural size
 * in points (scaled down to fit the column); draw() paints into the
 * rectangle it is given. Each returns 0, or -1 to fall back to the
 * figure's HTML content with a warning. */
struct pdf_chart_cb {
    int (*size)(void *ctx, const char *id, double *w, double *h);
    int (*draw)(void *ctx, const char *id, cairo_t *cr, double x, double y,
                double w, double h);
    void *ctx;
};

/* Renders len bytes of HTML to a PDF at out_path (parent folders are
 * created). html_path names the HTML in diagnostics ("tpl.html:LINE:
 * warning: ..."); images are read relative to base_dir and must stay inside
 * it. theme, info and charts may be NULL (built-in theme, no cover or
 * contents, charts fall back to their HTML). Unsupported markup is
 * reported as warnings and never stops the render. Returns 0, or -1 after
 * reporting an error to d (the file is then not written). Exits on out of
 * memory (xmem). Thread-safe once libxml2 is initialised (xmlInitParser()
 * on the main thread before workers start): each call has its own state
 * and pango's default font map is per thread. */
int pdf_render(const char *html, size_t len, const char *html_path,
               const char *base_dir, const struct pdf_theme *theme,
               const struct pdf_doc_info *info,
               const struct pdf_chart_cb *charts, struct diag *d,
               const char *out_path);

/* As pdf_render(), appending the PDF bytes to out instead. */
int pdf_render_buf(const char *html, size_t len, const char *html_path,
                   const char *base_dir, const struct pdf_theme *theme,
                   const struct pdf_doc_info *info,
                   const struct pdf_chart_cb *charts, struct diag *d,
                   struct buf *out);

/* Writes the UTC time epoch (e.g. SOURCE_DATE_EPOCH) as
 * "YYYY-MM-DDThh:mm:ssZ" into out (at least 21 bytes). Returns 0, or -1
 * when epoch is outside years 1970..9999. */
int pdf_date_from_epoch(long long epoch, char *out, size_t size);

#endif
