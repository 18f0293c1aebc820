/* buf: a growable byte string.
 * Invariants (after buf_init): b->data is never NULL and is always
 * NUL-terminated at b->len; the bytes may contain NULs. Pass a struct buf *
 * so growth never invalidates the caller's copy. */
#ifndef DOSSIER_BUF_H
#define DOSSIER_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data;
    size_t len;
    size_t cap;
};

void buf_init(struct buf *b);
/* Frees the bytes and leaves b empty but valid. */
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const char *s, size_t len);
void buf_puts(struct buf *b, const char *s);
/* Inline: words, anchors and escaped text are built a byte at a time. */
static inline void
buf_putc(struct buf *b, char c)
{
    if (b->len + 1 >= b->cap)
        buf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Appends s with &, <, >, " and ' replaced by entities. */
void buf_add_html(struct buf *b, const char *s, size_t len);
/* Appends s as the inside of a JSON string (no quotes added). */
void buf_add_json(struct buf *b, const char *s, size_t len);
/* Hands the bytes to the caller (caller frees with free()); b is reset. */
char *buf_detach(struct buf *b, size_t *len);

#endif
