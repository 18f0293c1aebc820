/* chart: one chart spec, drawn with cairo and pango onto any surface.
 * A struct chart holds the data and the theme of one chart (line, bar, hbar,
 * waterfall, donut, gauge or heatmap) and renders it as vectors onto a
 * caller's cairo context, as a self-contained deterministic SVG, or as an
 * accessible HTML table. It knows nothing of the document tree, of Lua or of
 * files: chart_lua.h builds a chart from a template's table, and the callers
 * decide where the bytes go. Depends on xmem, buf, cairo, pango, glib. */
#ifndef DOSSIER_CHART_H
#define DOSSIER_CHART_H

#include <stddef.h>

#include <cairo.h>

#include "buf.h"

enum chart_type {
    CHART_LINE,
    CHART_BAR,
    CHART_HBAR,
    CHART_WATERFALL,
    CHART_DONUT,
    CHART_GAUGE,
    CHART_HEATMAP
};
#define CHART_TYPE_COUNT 7

/* How values are written on axes, labels and in the table. PERCENT takes
 * fractions (0.12 is "12%"); RATIO is a plain decimal with two places
 * ("0.81"); NUMBER and CURRENCY abbreviate with k, M, B, T. */
enum chart_format {
    CHART_FORMAT_NUMBER,
    CHART_FORMAT_PERCENT,
    CHART_FORMAT_CURRENCY,
    CHART_FORMAT_RATIO
};

/* AUTO spaces a line chart's x labels by real time when every label is an
 * ISO date "YYYY-MM-DD" and none comes before its predecessor; DATE
 * insists on it. */
enum chart_x_scale { CHART_X_AUTO, CHART_X_CATEGORY, CHART_X_DATE };

enum chart_color_role {
    CHART_COLOR_TEXT,       /* titles and labels */
    CHART_COLOR_MUTED,      /* subtitle, tick labels, "No data" */
    CHART_COLOR_GRID,       /* grid lines, donut and gauge track */
    CHART_COLOR_AXIS,       /* zero line and baseline */
    CHART_COLOR_BACKGROUND, /* transparent unless set */
    CHART_COLOR_POSITIVE,   /* waterfall increase */
    CHART_COLOR_NEGATIVE,   /* waterfall decrease */
    CHART_COLOR_TOTAL,      /* waterfall start and total */
    CHART_COLOR_THRESHOLD,  /* threshold lines */
    CHART_COLOR_BAND        /* band shading unless a band has its own */
};
#define CHART_COLOR_ROLE_COUNT 10

struct chart;

/* A new empty chart of the given type with the fallback theme and a
 * 640x320 point canvas. Caller frees with chart_free(); never NULL (exits
 * on OOM), but returns NULL for a type outside enum chart_type. */
struct chart *chart_new(enum chart_type type);
/* Frees c and everything it owns; NULL is a no-op. */
void chart_free(struct chart *c);

/* "line", "bar", ...; "unknown" for a bad value. Static storage. */
const char *chart_type_name(enum chart_type type);
/* 0 and *type set for a known name, -1 otherwise (*type untouched). */
int chart_type_from_name(const char *name, enum chart_type *type);

enum chart_type chart_get_type(const struct chart *c);
/* The canvas size in points, as set by chart_set_size(). */
void chart_get_size(const struct chart *c, double *width, double *height);

/* Text setters copy their argument (NULL clears). Text is made valid
 * UTF-8 and control characters become spaces, so any bytes are safe. */
void chart_set_title(struct chart *c, const char *title);
void chart_set_subtitle(struct chart *c, const char *subtitle);
/* The SVG <desc>; a summary is generated when none is set. */
void chart_set_desc(struct chart *c, const char *desc);
/* What the x labels are ("Release", "Month"): the table's first header. */
void chart_set_x_name(struct chart *c, const char *name);

/* Prefix for every id in the SVG, so several inline SVGs on one page do
 * not clash. 0, or -1 (unchanged) unless it matches
 * [A-Za-z_][A-Za-z0-9_.-]{0,63}. Without one, a prefix is derived from a
 * hash of the spec: stable, but equal charts would share ids. */
int chart_set_id(struct chart *c, const char *prefix);

/* Canvas size in points (1 point = 1 SVG user unit = 1 CSS px). 0, or -1
 * (unchanged) unless both are finite and within [64, 8192]. */
int chart_set_size(struct chart *c, double width, double height);

/* Categories of line, bar, hbar and waterfall charts; dates for a line
 * chart on a date scale. */
void chart_add_x(struct chart *c, const char *label);
void chart_set_x_scale(struct chart *c, enum chart_x_scale scale);

/* Appends a series; values are copied, NaN is a missing value (a gap).
 * Infinite or huge (|v| > 1e15) values are kept and refused by
 * chart_validate(). A waterfall uses series 0 as its steps. */
void chart_add_series(struct chart *c, const char *name, const double *values,
                      size_t n);

/* Bar and hbar: stack the series instead of grouping them. */
void chart_set_stacked(struct chart *c, int stacked);
void chart_set_y_format(struct chart *c, enum chart_format format);
/* Fixes the value axis ends; NaN keeps that end automatic. -1 (unchanged)
 * if a bound is infinite or lo >= hi. */
int chart_set_y_range(struct chart *c, double lo, double hi);
/* An ISO code ("USD", "EUR", "GBP", "JPY", "CHF", ...) or a symbol used
 * as given. Unknown codes are written as "SEK 1.2M". -1 (unchanged) for
 * NULL, "" or more than 15 bytes. */
int chart_set_currency(struct chart *c, const char *code);
/* Decimal mark and digit-group separator, e.g. "," and "." or "," and
 * U+202F. -1 (unchanged) for NULL, an empty decimal mark, or either longer
 * than 7 bytes; grouping may be "" (no grouping). */
int chart_set_number_style(struct chart *c, const char *decimal,
                           const char *grouping);

/* Line charts: a labelled horizontal rule; gauges: a tick on the arc. */
void chart_add_threshold(struct chart *c, double value, const char *label);
/* Line charts: a shaded band lo..hi. color may be NULL (theme's band
 * colour). -1 (nothing added) for an unparsable colour. */
int chart_add_band(struct chart *c, double lo, double hi, const char *label,
                   const char *color);

/* Waterfall: draw a total bar after the steps, labelled label (NULL uses
 * the x label after the last step, or "Total"). */
void chart_set_total_label(struct chart *c, const char *label);
void chart_set_show_total(struct chart *c, int show);
/* Waterfall: the first value is a starting level, coloured as a total. */
void chart_set_first_is_start(struct chart *c, int on);

/* Donut and gauge: a share in [0, 1] (NaN for no data) and its centre
 * label (NULL shows the value as a percentage). */
void chart_set_share(struct chart *c, double value, const char *label);

/* Heatmap: row and column labels, cells by 0-based index. A cell is a
 * number (NaN: missing) or a category key. Setting a cell twice keeps the
 * last; indexes are checked by chart_validate(). */
void chart_add_row(struct chart *c, const char *label);
void chart_add_col(struct chart *c, const char *label);
void chart_set_cell(struct chart *c, size_t row, size_t col, double value);
void chart_set_cell_key(struct chart *c, size_t row, size_t col,
                        const char *key);
/* Heatmap categories, in legend order. Without any, keys are looked up in
 * the built-in met, partial, not-met, n.a., unknown. color may be NULL (a
 * palette colour). -1 (nothing added) for a NULL or duplicate key or an
 * unparsable colour. */
int chart_add_category(struct chart *c, const char *key, const char *label,
                       const char *color);

/* Theme. Colours are "#rgb", "#rrggbb", "#rrggbbaa", "none" or
 * "transparent". Each returns -1 and changes nothing on bad input. */
void chart_set_font(struct chart *c, const char *family);
/* Title, subtitle and label sizes in points; 0 keeps a size. -1 unless
 * each is 0 or within [4, 72]. */
int chart_set_font_sizes(struct chart *c, double title, double subtitle,
                         double label);
int chart_set_color(struct chart *c, enum chart_color_role role,
                    const char *color);
/* 0 if color is in one of the forms above, -1 otherwise. */
int chart_check_color(const char *color);
/* Series colours, cycled; 1 to 64 colours (8 or more recommended). */
int chart_set_palette(struct chart *c, const char *const *colors, size_t n);

/* 0 if c can be drawn. Otherwise -1 and, when err is not NULL, one line
 * describing the first problem is appended to err (mismatched series
 * lengths, non-finite values, bad dates, unknown heatmap keys, ...). A
 * chart without data is valid and draws "No data". */
int chart_validate(const struct chart *c, struct buf *err);

/* Draws c into the rectangle (x, y, w, h) of cr's user space, which may be
 * any surface (image, PDF, SVG, recording). Text uses pango with hinting
 * off, so the layout does not depend on the surface; fonts come from the
 * calling thread's default pango font map. cr's state is saved and
 * restored. The box must be more than 16 points each way. 0 on success; -1 if c is invalid, w or h is not positive
 * and finite, or cr is in an error state. */
int chart_draw(const struct chart *c, cairo_t *cr, double x, double y, double w,
               double h);

/* Appends a standalone SVG document (no XML declaration, so it can be
 * inlined in HTML) of the canvas size to out. Every id is "<prefix>-<n>"
 * numbered in document order, and the root has role="img" and
 * aria-labelledby pointing at a leading <title> and <desc>. Cairo numbers
 * ids process-wide; renumbering them makes the same spec always give the
 * same bytes. 0, or -1 with out unchanged. */
int chart_svg(const struct chart *c, struct buf *out);
/* Frees what the calling thread keeps between charts (its Pango context
 * and shaped text). Threads that exit free theirs; the main thread calls
 * this when it is done drawing. */
void chart_thread_release(void);

/* Appends the data as an HTML <table> with a <caption>, th scope
 * attributes and formatted values, all escaped. 0, or -1 with out
 * unchanged if c is invalid. */
int chart_table_html(const struct chart *c, struct buf *out);

/* Appends v as a data label is written: "1.2k", "3.4M", "12%", "0.81",
 * "-$350k", or "€1.2M" with currency "EUR"; "n/a" for NaN. Uses c's
 * format, currency and number style. */
void chart_format_value(const struct chart *c, double v, struct buf *out);

/* Appends v as a tick label on an axis whose ticks are step apart: the
 * decimals follow the step, so 0.25 steps give "0.25", "0.50", and
 * abbreviated units drop zeros ("200k", "1M", "1.2M"). */
void chart_format_tick(const struct chart *c, double v, double step,
                       struct buf *out);

/* Heckbert's loose labels: a step of 1, 2, 2.5 or 5 times a power of ten
 * with about target ticks from *first to *first + (*count - 1) * *step,
 * covering [lo, hi]. An empty range is widened first. 0, or -1 if lo or
 * hi is not finite, target < 2, or more than 200 ticks would result. */
int chart_nice_ticks(double lo, double hi, int target, double *first,
                     double *step, int *count);

#endif
