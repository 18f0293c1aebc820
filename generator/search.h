/* search: the client-side search index.
 * One record per model, release, checklist answer, framework and free
 * page: kind, title, URL and the text to search. A portfolio of 10,000
 * models has over a million records, more than a browser should load to
 * answer one query, so the index is split as Pagefind splits its own:
 *
 *   search/meta.js        what the index holds (records, chunk size, the
 *                         term shards that exist)
 *   search/t/<key>.js     the terms whose first two characters are <key>,
 *                         each with the records that hold it
 *   search/d/<n>.js       records n*SEARCH_CHUNK ..., one per line
 *
 * A query loads the shard of each of its words and then the records of
 * the results it shows. Every file is a script that fills
 * window.DOSSIER_SEARCH, because browsers refuse fetch() of a local file
 * when the site is opened from disk, while a <script src> still loads.
 * The format is described in docs/formats.md. */
#ifndef DOSSIER_SEARCH_H
#define DOSSIER_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "project.h"

#define SEARCH_CHUNK 200

/* Writes one file of the index; returns 0, or -1 after reporting why. */
typedef int (*search_put_fn)(void *ctx, const char *rel, const struct buf *b);

/* Writes the whole index through put, records chunk by chunk as they are
 * made, so the records are never all held. Returns 0, or -1 when a put
 * failed (the remaining files are still attempted). */
int search_write(const struct project *p, search_put_fn put, void *ctx);

/* Calls fn once per searchable word of text (UTF-8; invalid bytes
 * separate words): lower case, accents dropped (NFD without marks),
 * letters and digits, with a '.' kept between two digits so "2.1.1" and
 * "1.0.0" stay one word. assets/search.js splits queries the same way.
 * The word passed is NUL-terminated and only valid during the call. */
void search_words(const char *text, void (*fn)(void *ctx, const char *w,
                                               size_t len),
                  void *ctx);

/* Appends to out the shard key of word w: its first two characters, each
 * kept when it is a-z or 0-9 and written "_<hex code point>_" otherwise. */
void search_key(struct buf *out, const char *w);

#endif
