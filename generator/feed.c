/* feed: sitemap.xml and feed.xml (see feed.h). */
#include "feed.h"

#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "xmem.h"

struct rel_ref {
    const struct model *m;
    const struct release *r;
};

static int
rel_cmp(const void *x, const void *y)
{
    const struct rel_ref *a = x, *b = y;
    int c = strcmp(b->r->date ? b->r->date : "", a->r->date ? a->r->date : "");
    if (c)
        return c;
    c = strcmp(a->m->id, b->m->id);
    return c ? c : strcmp(b->r->version, a->r->version);
}

static char *
base(const struct project *p)
{
    const char *b = p->site ? node_get_str(p->site, "base_url") : NULL;
    if (!b)
        return NULL;
    size_t n = strlen(b);
    return n && b[n - 1] == '/' ? xstrdup(b) : xasprintf("%s/", b);
}

static void
finish(xmlTextWriterPtr w, xmlBufferPtr xb, struct buf *out)
{
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    buf_add(out, (const char *)xmlBufferContent(xb),
            (size_t)xmlBufferLength(xb));
    xmlBufferFree(xb);
}

int
feed_sitemap(const struct project *p, char **pages, size_t npages,
             struct buf *out)
{
    char *b = base(p);
    if (!b)
        return -1;
    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(xb, 0);
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
    xmlTextWriterStartElementNS(
        w, NULL, BAD_CAST "urlset",
        BAD_CAST "http://www.sitemaps.org/schemas/sitemap/0.9");
    for (size_t i = 0; i < npages; i++) {
        xmlTextWriterStartElement(w, BAD_CAST "url");
        xmlTextWriterWriteFormatElement(w, BAD_CAST "loc", "%s%s", b,
                                        pages[i]);
        xmlTextWriterWriteElement(w, BAD_CAST "lastmod",
                                  BAD_CAST p->build_date);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
    finish(w, xb, out);
    free(b);
    return 0;
}

int
feed_atom(const struct project *p, struct buf *out)
{
    char *b = base(p);
    if (!b)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < p->nmodels; i++)
        n += p->models[i].nreleases;
    struct rel_ref *v = xcalloc(n ? n : 1, sizeof *v);
    n = 0;
    for (size_t i = 0; i < p->nmodels; i++)
        for (size_t k = 0; k < p->models[i].nreleases; k++) {
            v[n].m = &p->models[i];
            v[n].r = &p->models[i].releases[k];
            n++;
        }
    if (n > 1)
        qsort(v, n, sizeof *v, rel_cmp);
    const char *title = p->site ? node_get_str(p->site, "title") : NULL;
    const char *org = p->site ? node_get_str(p->site, "organisation") : NULL;

    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(xb, 0);
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
    xmlTextWriterStartElementNS(w, NULL, BAD_CAST "feed",
                                BAD_CAST "http://www.w3.org/2005/Atom");
    xmlTextWriterWriteFormatElement(w, BAD_CAST "title", "%s: releases",
                                    title ? title : "dossier");
    xmlTextWriterWriteFormatElement(w, BAD_CAST "id", "%sfeed.xml", b);
    const char *updated = n ? v[0].r->date : p->build_date;
    xmlTextWriterWriteFormatElement(w, BAD_CAST "updated", "%sT00:00:00Z",
                                    updated);
    xmlTextWriterStartElement(w, BAD_CAST "link");
    xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST "self");
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "href", "%sfeed.xml", b);
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "link");
    xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST b);
    xmlTextWriterEndElement(w);
    xmlTextWriterStartElement(w, BAD_CAST "author");
    xmlTextWriterWriteElement(w, BAD_CAST "name",
                              BAD_CAST(org ? org : "dossier"));
    xmlTextWriterEndElement(w);
    xmlTextWriterWriteElement(w, BAD_CAST "generator", BAD_CAST "dossier");
    for (size_t i = 0; i < n && i < 100; i++) {
        const struct model *m = v[i].m;
        const struct release *r = v[i].r;
        const char *name = m->card ? node_get_str(m->card, "name") : NULL;
        xmlTextWriterStartElement(w, BAD_CAST "entry");
        xmlTextWriterWriteFormatElement(w, BAD_CAST "title", "%s %s: %s (%s)",
                                        name ? name : m->id, r->version,
                                        r->status ? r->status : "",
                                        r->decision ? r->decision : "");
        xmlTextWriterWriteFormatElement(w, BAD_CAST "id",
                                        "%smodels/%s/index.html#release-%s",
                                        b, m->id, r->version);
        xmlTextWriterWriteFormatElement(w, BAD_CAST "updated",
                                        "%sT00:00:00Z", r->date);
        xmlTextWriterStartElement(w, BAD_CAST "link");
        xmlTextWriterWriteFormatAttribute(w, BAD_CAST "href",
                                          "%smodels/%s/index.html", b,
                                          m->id);
        xmlTextWriterEndElement(w);
        const char *approver = node_get_str(r->node, "approver");
        if (approver) {
            xmlTextWriterStartElement(w, BAD_CAST "author");
            xmlTextWriterWriteElement(w, BAD_CAST "name", BAD_CAST approver);
            xmlTextWriterEndElement(w);
        }
        const char *notes = node_get_str(r->node, "notes");
        const char *dn = node_get_str(r->node, "decision_note");
        xmlTextWriterStartElement(w, BAD_CAST "summary");
        xmlTextWriterWriteFormatString(w, "%s%s%s",
                                       notes ? notes : "",
                                       notes && dn ? " " : "", dn ? dn : "");
        xmlTextWriterEndElement(w);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
    finish(w, xb, out);
    free(v);
    free(b);
    return 0;
}
