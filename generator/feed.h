/* feed: sitemap.xml and the Atom feed of releases, written with libxml2.
 * Both need absolute URLs, so they are written only when site.yaml has a
 * base_url. The feed follows RFC 4287: one entry per release, newest
 * first, each with a stable id, its date and a link to the model card. */
#ifndef DOSSIER_FEED_H
#define DOSSIER_FEED_H

#include "buf.h"
#include "project.h"

/* pages: the site's HTML files, relative to the output folder. */
int feed_sitemap(const struct project *p, char **pages, size_t npages,
                 struct buf *out);
int feed_atom(const struct project *p, struct buf *out);

#endif
