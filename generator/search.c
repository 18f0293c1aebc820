/* search: the search index (see search.h). */
#include "search.h"

#include <string.h>

#include "compliance.h"
#include "json.h"

/* HTML to plain text for searching: tags dropped, entities kept as text
 * (the page escapes snippets again when it shows them). */
static void
strip_tags(struct buf *out, const char *html)
{
    bool in_tag = false, space = false;
    for (const char *p = html; p && *p; p++) {
        if (*p == '<') {
            in_tag = true;
            continue;
        }
        if (in_tag) {
            if (*p == '>') {
                in_tag = false;
                space = true;
            }
            continue;
        }
        if (*p == '\n' || *p == '\t' || *p == ' ') {
            space = true;
            continue;
        }
        if (space && out->len)
            buf_putc(out, ' ');
        space = false;
        if (*p == '&') {
            static const struct {
                const char *ent, *ch;
            } ents[] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},
                        {"&quot;", "\""}, {"&#39;", "'"}};
            bool done = false;
            for (size_t i = 0; i < 5 && !done; i++) {
                size_t n = strlen(ents[i].ent);
                if (!strncmp(p, ents[i].ent, n)) {
                    buf_puts(out, ents[i].ch);
                    p += n - 1;
                    done = true;
                }
            }
            if (done)
                continue;
        }
        buf_putc(out, *p);
    }
}

static void
entry(struct json *j, const char *kind, const char *title, const char *url,
      const char *text)
{
    json_object_begin(j);
    json_kv(j, "k", kind);
    json_kv(j, "t", title);
    json_kv(j, "u", url);
    json_kv(j, "x", text ? text : "");
    json_object_end(j);
}

static void
add_str(struct buf *b, const char *s)
{
    if (!s)
        return;
    if (b->len)
        buf_putc(b, ' ');
    buf_puts(b, s);
}

void
search_index(const struct project *p, struct buf *json, struct buf *js)
{
    struct json j;
    json_init(&j, json);
    json_array_begin(&j);
    struct buf text, title, url;
    buf_init(&text);
    buf_init(&title);
    buf_init(&url);
    for (size_t i = 0; i < p->nmodels; i++) {
        const struct model *m = &p->models[i];
        const char *name = m->card ? node_get_str(m->card, "name") : NULL;
        if (!name)
            name = m->id;
        buf_reset(&text);
        const char *keys[] = {"summary", "owner", "team", "risk_class",
                              "status", "kind"};
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
            add_str(&text, m->card ? node_get_str(m->card, keys[k]) : NULL);
        add_str(&text, m->id);
        const struct node *tags = m->card ? node_get(m->card, "tags") : NULL;
        for (size_t k = 0; tags && tags->type == NODE_SEQ && k < tags->n; k++)
            add_str(&text, tags->items[k]->str);
        buf_reset(&url);
        buf_printf(&url, "models/%s/index.html", m->id);
        entry(&j, "model", name, url.data, text.data);

        for (size_t r = 0; r < m->nreleases; r++) {
            const struct release *rel = &m->releases[r];
            buf_reset(&text);
            const char *rk[] = {"date", "status", "approver", "decision",
                                "decision_note", "commit", "data_snapshot",
                                "notes"};
            for (size_t k = 0; k < sizeof rk / sizeof *rk; k++)
                add_str(&text, node_get_str(rel->node, rk[k]));
            buf_reset(&title);
            buf_printf(&title, "%s %s", name, rel->version);
            buf_reset(&url);
            buf_printf(&url, "models/%s/index.html#releases", m->id);
            entry(&j, "release", title.data, url.data, text.data);
        }
        for (size_t c = 0; c < m->ncompliance; c++) {
            const struct model_compliance *mc = &m->compliance[c];
            const struct catalog *cat = mc->catalog;
            for (size_t k = 0; k < cat->nitems; k++) {
                const struct answer *a = &mc->answers[k];
                if (!a->applies)
                    continue;
                const struct catalog_item *it = &cat->items[k];
                buf_reset(&text);
                add_str(&text, it->title);
                add_str(&text, compliance_status_name(a->status));
                add_str(&text, a->owner);
                add_str(&text, a->note);
                add_str(&text, a->justification);
                buf_reset(&title);
                buf_printf(&title, "%s · %s · %s", it->id, name, cat->title);
                buf_reset(&url);
                buf_printf(&url, "models/%s/compliance/%s.html#item-", m->id,
                           cat->id);
                for (const char *s = it->id; *s;) {
                    /* the page's anchor: runs of non-alphanumerics -> '-' */
                    if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                        (*s >= '0' && *s <= '9')) {
                        buf_putc(&url, *s++);
                    } else {
                        buf_putc(&url, '-');
                        while (*s && !((*s >= 'a' && *s <= 'z') ||
                                       (*s >= 'A' && *s <= 'Z') ||
                                       (*s >= '0' && *s <= '9')))
                            s++;
                    }
                }
                entry(&j, "answer", title.data, url.data, text.data);
            }
        }
    }
    for (size_t i = 0; i < p->nused; i++) {
        const struct catalog *cat = p->used[i];
        buf_reset(&url);
        buf_printf(&url, "frameworks/%s.html", cat->id);
        buf_reset(&text);
        add_str(&text, cat->full_title);
        add_str(&text, cat->version);
        entry(&j, "framework", cat->title, url.data, text.data);
    }
    for (size_t i = 0; i < p->npages; i++) {
        const struct page *pg = &p->pages[i];
        buf_reset(&text);
        strip_tags(&text, pg->html);
        buf_reset(&url);
        buf_printf(&url, "pages/%s.html", pg->slug);
        entry(&j, "page", pg->title, url.data, text.data);
    }
    json_array_end(&j);
    buf_puts(js, "/* Generated by dossier: the search index for search.html. "
                 "*/\nwindow.DOSSIER_SEARCH = ");
    buf_add(js, json->data, json->len);
    while (js->len && js->data[js->len - 1] == '\n')
        js->len--;
    js->data[js->len] = '\0';
    buf_puts(js, ";\n");
    buf_release(&text);
    buf_release(&title);
    buf_release(&url);
}
