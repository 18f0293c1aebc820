/* csv: RFC 4180 text to rows of fields, each with its line and column.
 * Quoted fields, doubled quotes, newlines inside quotes, a UTF-8 BOM and
 * CRLF, LF or CR line ends are read as written. The parser is lenient: a
 * stray quote is kept as text with a warning, and an unclosed quote drops
 * the rest of the file with a warning. It knows nothing of headers; the
 * importers decide what the rows mean. */
#ifndef DOSSIER_CSV_H
#define DOSSIER_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

#define CSV_MAX_BYTES (512u * 1024 * 1024)

struct csv_field {
    const char *s; /* unquoted text, NUL-terminated (may hold NULs) */
    size_t len;
    unsigned line, col; /* where the field starts (its quote, if any) */
    bool quoted;
};

struct csv_row {
    const struct csv_field *fields;
    size_t n;
    unsigned line;
    unsigned end_col; /* column just past the row's last character */
};

struct csv_table {
    const char *path;
    const struct csv_row *rows; /* blank lines are not rows */
    size_t nrows;
};

/* Splits len bytes of text from path into rows. Columns count characters
 * (UTF-8), not bytes, as the YAML positions do. Returns 0; syntax
 * problems are warnings in d. Rows, fields and text are owned by a; path
 * must outlive a. */
int csv_parse(struct arena *a, struct diag *d, const char *path,
              const char *text, size_t len, struct csv_table *out);

/* Reads path (at most CSV_MAX_BYTES) and parses it. Returns 0, or -1
 * when the file cannot be read (reported). */
int csv_load_file(struct arena *a, struct diag *d, const char *path,
                  struct csv_table *out);

#endif
