/* diag: collected diagnostics in the GNU "path:line:col:" format. */
#include "diag.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmem.h"

void
diag_init(struct diag *d)
{
    memset(d, 0, sizeof *d);
    pthread_mutex_t *m = xmalloc(sizeof *m);
    pthread_mutex_init(m, NULL);
    d->lock = m;
}

void
diag_release(struct diag *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].path);
        free(d->v[i].msg);
    }
    free(d->v);
    if (d->lock) {
        pthread_mutex_destroy(d->lock);
        free(d->lock);
    }
    memset(d, 0, sizeof *d);
}

int
diag_vadd(struct diag *d, enum diag_level level, const struct pos *pos,
          const char *fmt, va_list ap)
{
    struct buf b;
    buf_init(&b);
    buf_vprintf(&b, fmt, ap);
    pthread_mutex_lock(d->lock);
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = xrealloc(d->v, d->cap * sizeof *d->v);
    }
    struct diag_entry *e = &d->v[d->n];
    e->level = level;
    e->path = pos && pos->path ? xstrdup(pos->path) : NULL;
    e->line = pos ? pos->line : 0;
    e->col = pos ? pos->col : 0;
    e->msg = buf_detach(&b, NULL);
    e->seq = (unsigned)d->n;
    d->n++;
    if (level == DIAG_ERROR)
        d->nerr++;
    else if (level == DIAG_WARNING)
        d->nwarn++;
    pthread_mutex_unlock(d->lock);
    return -1;
}

#define DIAG_FN(name, level)                                                 \
    int name(struct diag *d, const struct pos *pos, const char *fmt, ...)    \
    {                                                                        \
        va_list ap;                                                          \
        va_start(ap, fmt);                                                   \
        diag_vadd(d, level, pos, fmt, ap);                                   \
        va_end(ap);                                                          \
        return -1;                                                           \
    }

DIAG_FN(diag_error, DIAG_ERROR)
DIAG_FN(diag_warning, DIAG_WARNING)
DIAG_FN(diag_note, DIAG_NOTE)

void
diag_merge(struct diag *dst, struct diag *src)
{
    pthread_mutex_lock(dst->lock);
    for (size_t i = 0; i < src->n; i++) {
        if (dst->n == dst->cap) {
            dst->cap = dst->cap ? dst->cap * 2 : 16;
            dst->v = xrealloc(dst->v, dst->cap * sizeof *dst->v);
        }
        struct diag_entry e = src->v[i];
        e.seq = (unsigned)dst->n; /* src's own order is kept */
        dst->v[dst->n++] = e;
    }
    dst->nerr += src->nerr;
    dst->nwarn += src->nwarn;
    pthread_mutex_unlock(dst->lock);
    src->n = src->nerr = src->nwarn = 0;
}

size_t
diag_errors(const struct diag *d)
{
    return d->nerr + (d->strict ? d->nwarn : 0);
}

static int
entry_cmp(const void *a, const void *b)
{
    const struct diag_entry *x = a, *y = b;
    /* Entries without a path (run-level messages) go last. */
    if (!x->path != !y->path)
        return x->path ? -1 : 1;
    if (x->path) {
        int c = strcmp(x->path, y->path);
        if (c)
            return c;
    }
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
diag_print(struct diag *d, FILE *fp)
{
    if (d->n > 1)
        qsort(d->v, d->n, sizeof *d->v, entry_cmp);
    /* stderr is unbuffered: one write per message, not per piece */
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < d->n; i++) {
        const struct diag_entry *e = &d->v[i];
        const char *lv = e->level == DIAG_ERROR     ? "error"
                         : e->level == DIAG_WARNING ? (d->strict ? "error"
                                                                 : "warning")
                                                    : "note";
        if (e->path) {
            buf_puts(&b, e->path);
            if (e->line) {
                buf_printf(&b, ":%u", e->line);
                if (e->col)
                    buf_printf(&b, ":%u", e->col);
            }
            buf_puts(&b, ": ");
        } else {
            buf_puts(&b, "dossier: ");
        }
        buf_printf(&b, "%s: %s\n", lv, e->msg);
        if (b.len > 65536) {
            fwrite(b.data, 1, b.len, fp);
            buf_reset(&b);
        }
    }
    if (b.len)
        fwrite(b.data, 1, b.len, fp);
    buf_release(&b);
}

/* Optimal-string-alignment distance: Levenshtein plus adjacent
 * transpositions, so "onwer" is one edit from "owner". */
static size_t
edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t m[65][65];
    for (size_t i = 0; i <= la; i++)
        m[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        m[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = m[i - 1][j - 1] + cost;
            if (m[i - 1][j] + 1 < best)
                best = m[i - 1][j] + 1;
            if (m[i][j - 1] + 1 < best)
                best = m[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && m[i - 2][j - 2] + 1 < best)
                best = m[i - 2][j - 2] + 1;
            m[i][j] = best;
        }
    }
    return m[la][lb];
}

const char *
diag_suggest(const char *word, const char *const *cands, size_t ncands)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    size_t limit = strlen(word) / 3;
    if (limit < 1)
        limit = 1;
    if (limit > 3)
        limit = 3;
    for (size_t i = 0; i < ncands; i++) {
        size_t dist = edit_distance(word, cands[i]);
        if (dist <= limit && dist < bestd) {
            bestd = dist;
            best = cands[i];
        }
    }
    return best;
}
