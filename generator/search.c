/* search: the search index (see search.h). */
#include "search.h"

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compliance.h"
#include "xmem.h"

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
add_str(struct buf *b, const char *s)
{
    if (!s)
        return;
    if (b->len)
        buf_putc(b, ' ');
    buf_puts(b, s);
}

/* The words of a text, as search.js makes them from a query. */
static bool
ascii_digit(int c)
{
    return c >= '0' && c <= '9';
}

static void
put_utf8(struct buf *b, gunichar u)
{
    char tmp[8];
    int n = g_unichar_to_utf8(u, tmp);
    buf_add(b, tmp, (size_t)n);
}

static void
words_into(struct buf *w, const char *text,
           void (*fn)(void *ctx, const char *w, size_t len), void *ctx)
{
    buf_reset(w);
    const unsigned char *p = (const unsigned char *)text;
    while (p && *p) {
        unsigned char c = *p;
        if (c < 0x80) {
            if (ascii_digit(c) || (c >= 'a' && c <= 'z'))
                buf_putc(w, (char)c);
            else if (c >= 'A' && c <= 'Z')
                buf_putc(w, (char)(c - 'A' + 'a'));
            else if (c == '.' && w->len && ascii_digit(w->data[w->len - 1]) &&
                     ascii_digit(p[1]))
                buf_putc(w, '.');
            else if (w->len) {
                fn(ctx, w->data, w->len);
                buf_reset(w);
            }
            p++;
            continue;
        }
        gunichar u = g_utf8_get_char_validated((const char *)p, -1);
        if (u == (gunichar)-1 || u == (gunichar)-2) {
            if (w->len) {
                fn(ctx, w->data, w->len);
                buf_reset(w);
            }
            p++;
            continue;
        }
        p = (const unsigned char *)g_utf8_next_char(p);
        /* lower case first, then the canonical decomposition without its
         * marks: what toLowerCase().normalize("NFD") and dropping \p{M}
         * do in the browser */
        gunichar low = g_unichar_tolower(u);
        if (low == 0x3C2) /* final sigma: toLowerCase() makes it by place */
            low = 0x3C3;
        gunichar dec[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
        gsize nd = g_unichar_fully_decompose(low, FALSE, dec,
                                             G_N_ELEMENTS(dec));
        for (gsize k = 0; k < nd; k++) {
            if (g_unichar_ismark(dec[k]))
                continue;
            if (g_unichar_isalpha(dec[k]) || g_unichar_isdigit(dec[k]))
                put_utf8(w, dec[k]);
            else if (w->len) {
                fn(ctx, w->data, w->len);
                buf_reset(w);
            }
        }
    }
    if (w->len)
        fn(ctx, w->data, w->len);
    buf_reset(w);
}

void
search_words(const char *text,
             void (*fn)(void *ctx, const char *w, size_t len), void *ctx)
{
    struct buf w;
    buf_init(&w);
    words_into(&w, text, fn, ctx);
    buf_release(&w);
}

void
search_key(struct buf *out, const char *w)
{
    const char *p = w;
    for (int i = 0; i < 2 && *p; i++) {
        unsigned char c = (unsigned char)*p;
        if (ascii_digit(c) || (c >= 'a' && c <= 'z')) {
            buf_putc(out, (char)c);
            p++;
            continue;
        }
        gunichar u = g_utf8_get_char_validated(p, -1);
        if (u == (gunichar)-1 || u == (gunichar)-2) {
            buf_printf(out, "_%x_", c);
            p++;
        } else {
            buf_printf(out, "_%x_", (unsigned)u);
            p = g_utf8_next_char(p);
        }
    }
}

/* A term's records, as the numbers search.js reads: each is the distance
 * from the previous record (from 0 for the first) times two, plus one
 * when the term is in the record's title. The record being indexed is
 * held back until the next one, so a word met twice is written once. */
struct term {
    char *word; /* owned */
    size_t len;
    uint64_t hash;
    struct buf list;
    long pending; /* record not yet written, or -1 */
    long written; /* the last record written */
    unsigned title;
};

static void
put_uint(struct buf *b, unsigned long v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    buf_grow(b, n + 1);
    while (n)
        b->data[b->len++] = tmp[--n];
    b->data[b->len] = '\0';
}

static void
term_flush(struct term *t)
{
    if (t->pending < 0)
        return;
    if (t->list.len)
        buf_putc(&t->list, ',');
    put_uint(&t->list,
             ((unsigned long)(t->pending - t->written) << 1) | t->title);
    t->written = t->pending;
    t->pending = -1;
}

struct writer {
    search_put_fn put;
    void *ctx;
    int rc;
    struct buf chunk, word, tmp;
    size_t nrecords;
    /* every word met, and an open-addressing table over them (index + 1,
     * 0 for free): a word is looked up for every word of every record */
    struct term *terms;
    size_t nterms, capterms;
    uint32_t *slots;
    size_t nslots;
    unsigned in_title;
};

static uint64_t
word_hash(const char *w, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)w[i]) * 1099511628211ull;
    return h;
}

static void
rehash(struct writer *wr)
{
    size_t n = wr->nslots ? wr->nslots * 2 : 4096;
    free(wr->slots);
    wr->slots = xcalloc(n, sizeof *wr->slots);
    wr->nslots = n;
    for (size_t i = 0; i < wr->nterms; i++) {
        size_t at = wr->terms[i].hash & (n - 1);
        while (wr->slots[at])
            at = (at + 1) & (n - 1);
        wr->slots[at] = (uint32_t)(i + 1);
    }
}

static struct term *
find_term(struct writer *wr, const char *w, size_t len)
{
    uint64_t h = word_hash(w, len);
    size_t mask = wr->nslots - 1, at = h & mask;
    for (uint32_t i; (i = wr->slots[at]); at = (at + 1) & mask) {
        struct term *t = &wr->terms[i - 1];
        if (t->hash == h && t->len == len && !memcmp(t->word, w, len))
            return t;
    }
    if (wr->nterms == wr->capterms) {
        wr->capterms = wr->capterms ? wr->capterms * 2 : 1024;
        wr->terms = xrealloc(wr->terms, wr->capterms * sizeof *wr->terms);
    }
    struct term *t = &wr->terms[wr->nterms++];
    memset(t, 0, sizeof *t);
    t->word = xstrdup(w);
    t->len = len;
    t->hash = h;
    buf_init(&t->list);
    t->pending = -1;
    wr->slots[at] = (uint32_t)wr->nterms;
    if (wr->nterms * 10 > wr->nslots * 7)
        rehash(wr);
    return t;
}

static void
add_word(void *ctx, const char *w, size_t len)
{
    struct writer *wr = ctx;
    struct term *t = find_term(wr, w, len);
    long rec = (long)wr->nrecords;
    if (t->pending == rec) {
        t->title |= wr->in_title;
        return;
    }
    term_flush(t);
    t->pending = rec;
    t->title = wr->in_title;
}

static void
put_file(struct writer *w, const char *rel, const struct buf *b)
{
    if (w->put(w->ctx, rel, b) < 0)
        w->rc = -1;
}

static void
end_chunk(struct writer *w)
{
    if (!w->chunk.len)
        return;
    buf_puts(&w->chunk, "\n];\n");
    buf_reset(&w->tmp);
    buf_printf(&w->tmp, "search/d/%zu.js", (w->nrecords - 1) / SEARCH_CHUNK);
    put_file(w, w->tmp.data, &w->chunk);
    buf_reset(&w->chunk);
}

static void
json_field(struct buf *b, const char *key, const char *s)
{
    buf_printf(b, "\"%s\":\"", key);
    if (s)
        buf_add_json(b, s, strlen(s));
    buf_putc(b, '"');
}

static void
add_doc(struct writer *w, const char *kind, const char *title,
        const char *url, const char *text)
{
    if (w->nrecords % SEARCH_CHUNK == 0)
        buf_printf(&w->chunk,
                   "/* Generated by dossier: search records %zu and on. */\n"
                   "DOSSIER_SEARCH.d[%zu] = [\n",
                   w->nrecords, w->nrecords / SEARCH_CHUNK);
    else
        buf_puts(&w->chunk, ",\n");
    buf_putc(&w->chunk, '{');
    json_field(&w->chunk, "k", kind);
    buf_putc(&w->chunk, ',');
    json_field(&w->chunk, "t", title);
    buf_putc(&w->chunk, ',');
    json_field(&w->chunk, "u", url);
    buf_putc(&w->chunk, ',');
    json_field(&w->chunk, "x", text);
    buf_putc(&w->chunk, '}');
    w->in_title = 1;
    words_into(&w->word, title, add_word, w);
    w->in_title = 0;
    words_into(&w->word, text, add_word, w);
    w->nrecords++;
    if (w->nrecords % SEARCH_CHUNK == 0)
        end_chunk(w);
}

struct keyed {
    const char *word;
    struct term *t;
    char key[32];
};

static int
keyed_cmp(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->word, y->word);
}

/* The term shards and meta.js, from the table the records filled. */
static void
write_terms(struct writer *w)
{
    size_t n = w->nterms;
    struct keyed *all = xcalloc(n ? n : 1, sizeof *all);
    for (size_t i = 0; i < n; i++) {
        struct term *t = &w->terms[i];
        all[i].word = t->word;
        all[i].t = t;
        buf_reset(&w->tmp);
        search_key(&w->tmp, t->word);
        snprintf(all[i].key, sizeof all[i].key, "%s", w->tmp.data);
        term_flush(t);
    }
    qsort(all, n, sizeof *all, keyed_cmp);

    struct buf meta, shard;
    buf_init(&meta);
    buf_init(&shard);
    buf_printf(&meta,
               "/* Generated by dossier: the search index of search.html "
               "(see docs/formats.md). */\n"
               "window.DOSSIER_SEARCH = {\"version\":1,\"records\":%zu,"
               "\"chunk\":%d,\"t\":{},\"d\":{},\"shards\":[",
               w->nrecords, SEARCH_CHUNK);
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b < n && !strcmp(all[b].key, all[a].key))
            b++;
        buf_reset(&shard);
        buf_printf(&shard, "DOSSIER_SEARCH.t[\"%s\"] = {\n", all[a].key);
        for (size_t t = a; t < b; t++) {
            buf_putc(&shard, '"');
            buf_add_json(&shard, all[t].word, strlen(all[t].word));
            buf_puts(&shard, "\":[");
            buf_add(&shard, all[t].t->list.data, all[t].t->list.len);
            buf_puts(&shard, t + 1 < b ? "],\n" : "]\n");
        }
        buf_puts(&shard, "};\n");
        buf_reset(&w->tmp);
        buf_printf(&w->tmp, "search/t/%s.js", all[a].key);
        put_file(w, w->tmp.data, &shard);
        buf_printf(&meta, "%s\"%s\"", a ? "," : "", all[a].key);
        a = b;
    }
    buf_puts(&meta, "]};\n");
    put_file(w, "search/meta.js", &meta);
    buf_release(&meta);
    buf_release(&shard);
    free(all);
}

int
search_write(const struct project *p, search_put_fn put, void *ctx)
{
    struct writer w = {.put = put, .ctx = ctx};
    buf_init(&w.chunk);
    buf_init(&w.word);
    buf_init(&w.tmp);
    rehash(&w);
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
        add_doc(&w, "model", name, url.data, text.data);

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
            add_doc(&w, "release", title.data, url.data, text.data);
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
                compliance_anchor(&url, it->id);
                add_doc(&w, "answer", title.data, url.data, text.data);
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
        add_doc(&w, "framework", cat->title, url.data, text.data);
    }
    for (size_t i = 0; i < p->npages; i++) {
        const struct page *pg = &p->pages[i];
        buf_reset(&text);
        strip_tags(&text, pg->html);
        buf_reset(&url);
        buf_printf(&url, "pages/%s.html", pg->slug);
        add_doc(&w, "page", pg->title, url.data, text.data);
    }
    end_chunk(&w);
    write_terms(&w);
    for (size_t i = 0; i < w.nterms; i++) {
        free(w.terms[i].word);
        buf_release(&w.terms[i].list);
    }
    free(w.terms);
    free(w.slots);
    buf_release(&w.chunk);
    buf_release(&w.word);
    buf_release(&w.tmp);
    buf_release(&text);
    buf_release(&title);
    buf_release(&url);
    return w.rc;
}
