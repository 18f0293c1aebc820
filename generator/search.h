/* search: the client-side search index.
 * One entry per model, release, checklist answer and free page: title,
 * kind, URL and the text to search. Written twice: search-index.json for
 * tools, and search-index.js (the same data assigned to a global) because
 * browsers refuse fetch() of a local file when the site is opened from
 * disk, while a <script src> still loads. */
#ifndef DOSSIER_SEARCH_H
#define DOSSIER_SEARCH_H

#include "buf.h"
#include "project.h"

/* Appends the index as JSON to json and as a script to js. */
/* Appends the script form (search-index.js) to js; the JSON form
 * (search-index.json) is js->data[*json_at .. *json_at + *json_len), so a
 * large index is held once. One entry per line, without spaces. */
void search_index(const struct project *p, struct buf *js, size_t *json_at,
                  size_t *json_len);
#endif
