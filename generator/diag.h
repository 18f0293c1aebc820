/* diag: every problem of a run, collected and printed in the GNU format
 * "path:line:col: error|warning: message" that editors and CI annotate.
 * Stages keep going after an error; the caller checks diag_errors() at the
 * end. Only main.c decides what is printed and the exit code. */
#ifndef DOSSIER_DIAG_H
#define DOSSIER_DIAG_H

#include <stdarg.h>
#include <stdio.h>

/* A place in an input file. path is borrowed (owned by whoever loaded the
 * file, usually the build arena). line and col are 1-based; 0 means unknown
 * and is left out when printed. */
struct pos {
    const char *path;
    unsigned line, col;
};

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

struct diag_entry {
    enum diag_level level;
    char *path; /* owned */
    unsigned line, col;
    char *msg; /* owned */
    unsigned seq;
};

struct diag {
    struct diag_entry *v;
    size_t n, cap;
    size_t nerr, nwarn;
    int strict; /* warnings count as errors */
    void *lock; /* pthread mutex, so render workers can report */
};

void diag_init(struct diag *d);
void diag_release(struct diag *d);
/* Moves src's entries to the end of dst, in src's order; src is left
 * empty. For work done on several threads, each with its own diag, so that
 * "did this step report an error" stays a question about that step. */
void diag_merge(struct diag *dst, struct diag *src);

/* Each records one entry and returns -1, so callers can write
 * "return diag_error(d, &pos, ...)". pos may be NULL (no location). */
int diag_error(struct diag *d, const struct pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int diag_warning(struct diag *d, const struct pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int diag_note(struct diag *d, const struct pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int diag_vadd(struct diag *d, enum diag_level level, const struct pos *pos,
              const char *fmt, va_list ap);

/* Errors, plus warnings when strict. */
size_t diag_errors(const struct diag *d);

/* Sorts by path, line, col (then order of report) so output does not
 * depend on the order work was done in, and prints every entry. */
void diag_print(struct diag *d, FILE *fp);

/* Levenshtein-based suggestion: the candidate closest to word (distance at
 * most a third of its length, at least 1), or NULL. Borrowed from cands. */
const char *diag_suggest(const char *word, const char *const *cands,
                         size_t ncands);

#endif
