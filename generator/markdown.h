/* markdown: GitHub-flavoured Markdown to safe HTML, and front matter.
 * cmark-gfm with the table, tasklist, strikethrough, autolink and tagfilter
 * extensions. Raw HTML and javascript: links in content are never passed
 * through (cmark's safe mode), because content comes from many hands and
 * the site's Content-Security-Policy must hold. Thread-safe after
 * markdown_init(). */
#ifndef DOSSIER_MARKDOWN_H
#define DOSSIER_MARKDOWN_H

#include <stddef.h>

#include "diag.h"

/* Registers the extensions; call once before any other function. */
void markdown_init(void);

/* Renders len bytes of Markdown. Returns HTML the caller frees with
 * free(); never NULL. */
char *markdown_html(const char *md, size_t len);

/* Front matter: a first line "---", YAML, then a line "---" or "...".
 * On return present is 0 when there is none. Offsets are into text; lines
 * are 1-based lines of the file where the YAML and the body start.
 * Returns -1 (reported at path) when the block is opened but never
 * closed. A leading UTF-8 byte-order mark is skipped. */
struct front_matter {
    int present; /* a front-matter block was found */
    size_t fm_off, fm_len;
    unsigned fm_line;
    size_t body_off;
    unsigned body_line;
};
int markdown_front_matter(struct diag *d, const char *path, const char *text,
                          size_t len, struct front_matter *out);

#endif
