/* csv: a lenient RFC 4180 reader with positions (see csv.h). */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "file.h"
#include "xmem.h"

struct reader {
    struct arena *a;
    struct diag *d;
    const char *path;
    const char *p, *end;
    unsigned line, col;
    /* the row being built */
    struct csv_field *fields;
    size_t nfields, capfields;
    /* finished rows */
    struct csv_row *rows;
    size_t nrows, caprows;
    struct buf text;
};

/* Moves past one byte. Columns count characters, so UTF-8 continuation
 * bytes do not advance them; line ends are handled by the caller. */
static void
step(struct reader *r)
{
    if (((unsigned char)*r->p & 0xC0) != 0x80)
        r->col++;
    r->p++;
}

/* Consumes a line end at r->p if there is one: CRLF, LF or a lone CR. */
static bool
eat_newline(struct reader *r)
{
    if (r->p < r->end && *r->p == '\r') {
        r->p++;
        if (r->p < r->end && *r->p == '\n')
            r->p++;
    } else if (r->p < r->end && *r->p == '\n') {
        r->p++;
    } else {
        return false;
    }
    r->line++;
    r->col = 1;
    return true;
}

static void
push_field(struct reader *r, unsigned line, unsigned col, bool quoted)
{
    if (r->nfields == r->capfields) {
        r->capfields = r->capfields ? r->capfields * 2 : 16;
        r->fields = xrealloc(r->fields, r->capfields * sizeof *r->fields);
    }
    struct csv_field *f = &r->fields[r->nfields++];
    f->s = arena_strndup(r->a, r->text.data, r->text.len);
    f->len = r->text.len;
    f->line = line;
    f->col = col;
    f->quoted = quoted;
    buf_reset(&r->text);
}

static void
end_row(struct reader *r, unsigned line, unsigned end_col)
{
    /* A line with nothing on it is not a row of one empty field. */
    if (r->nfields == 1 && r->fields[0].len == 0 && !r->fields[0].quoted) {
        r->nfields = 0;
        return;
    }
    if (r->nrows == r->caprows) {
        r->caprows = r->caprows ? r->caprows * 2 : 64;
        r->rows = xrealloc(r->rows, r->caprows * sizeof *r->rows);
    }
    struct csv_row *row = &r->rows[r->nrows++];
    struct csv_field *f = arena_alloc(r->a, r->nfields * sizeof *f);
    memcpy(f, r->fields, r->nfields * sizeof *f);
    row->fields = f;
    row->n = r->nfields;
    row->line = line;
    row->end_col = end_col;
    r->nfields = 0;
}

/* Reads one field starting at r->p; returns false when the file ends
 * inside an unclosed quote (the current row is then dropped). */
static bool
read_field(struct reader *r)
{
    unsigned line = r->line, col = r->col;
    if (r->p < r->end && *r->p == '"') {
        step(r);
        for (;;) {
            if (r->p >= r->end) {
                struct pos at = {r->path, line, col};
                diag_warning(r->d, &at,
                             "quoted field is not closed; the rest of the "
                             "file is skipped");
                return false;
            }
            if (*r->p == '"') {
                if (r->p + 1 < r->end && r->p[1] == '"') {
                    buf_putc(&r->text, '"');
                    step(r);
                    step(r);
                    continue;
                }
                step(r);
                break;
            }
            if (*r->p == '\r' || *r->p == '\n') {
                const char *s = r->p;
                eat_newline(r);
                buf_add(&r->text, s, (size_t)(r->p - s));
                continue;
            }
            buf_putc(&r->text, *r->p);
            step(r);
        }
        if (r->p < r->end && *r->p != ',' && *r->p != '\r' && *r->p != '\n') {
            struct pos at = {r->path, r->line, r->col};
            diag_warning(r->d, &at,
                         "text after a closing quote; read as part of the "
                         "field");
            while (r->p < r->end && *r->p != ',' && *r->p != '\r' &&
                   *r->p != '\n') {
                buf_putc(&r->text, *r->p);
                step(r);
            }
        }
        push_field(r, line, col, true);
        return true;
    }
    bool warned = false;
    while (r->p < r->end && *r->p != ',' && *r->p != '\r' && *r->p != '\n') {
        if (*r->p == '"' && !warned) {
            struct pos at = {r->path, r->line, r->col};
            diag_warning(r->d, &at,
                         "'\"' inside a field that does not start with "
                         "one; read as text");
            warned = true;
        }
        buf_putc(&r->text, *r->p);
        step(r);
    }
    push_field(r, line, col, false);
    return true;
}

int
csv_parse(struct arena *a, struct diag *d, const char *path, const char *text,
          size_t len, struct csv_table *out)
{
    struct reader r;
    memset(&r, 0, sizeof r);
    r.a = a;
    r.d = d;
    r.path = path;
    r.p = text;
    r.end = text + len;
    r.line = 1;
    r.col = 1;
    buf_init(&r.text);
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        r.p += 3;

    while (r.p < r.end) {
        unsigned row_line = r.line;
        bool ok = true;
        for (;;) {
            if (!read_field(&r)) {
                ok = false;
                break;
            }
            if (r.p < r.end && *r.p == ',') {
                step(&r);
                continue;
            }
            break;
        }
        if (!ok) {
            r.nfields = 0;
            break;
        }
        unsigned end_col = r.col;
        end_row(&r, row_line, end_col);
        eat_newline(&r);
    }

    out->path = path;
    out->nrows = r.nrows;
    struct csv_row *rows = arena_alloc(a, r.nrows * sizeof *rows);
    if (r.nrows)
        memcpy(rows, r.rows, r.nrows * sizeof *rows);
    out->rows = rows;
    free(r.rows);
    free(r.fields);
    buf_release(&r.text);
    return 0;
}

int
csv_load_file(struct arena *a, struct diag *d, const char *path,
              struct csv_table *out)
{
    struct buf b;
    buf_init(&b);
    memset(out, 0, sizeof *out);
    out->path = path;
    if (file_read(d, NULL, path, CSV_MAX_BYTES, &b) < 0) {
        buf_release(&b);
        return -1;
    }
    int rc = csv_parse(a, d, path, b.data, b.len, out);
    buf_release(&b);
    return rc;
}
