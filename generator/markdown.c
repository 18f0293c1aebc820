/* markdown: cmark-gfm rendering and front-matter splitting. */
#include "markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmem.h"
#include <stdbool.h>

static const char *const markdown_exts[] = {
    "table", "tasklist", "strikethrough", "autolink", "tagfilter",
};

static pthread_once_t markdown_once = PTHREAD_ONCE_INIT;

static void
register_exts(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

void
markdown_init(void)
{
    pthread_once(&markdown_once, register_exts);
}

/* cmark-gfm writes table alignment as align="…" (obsolete HTML; its style
 * alternative would break the Content-Security-Policy) and task-list
 * checkboxes without a label. Rewrite both: alignment as a class the theme
 * styles, and an aria-label that says whether the task is done. */
static char *
fix_html(const char *html)
{
    static const struct {
        const char *from, *to;
    } reps[] = {
        {" align=\"right\"", " class=\"num\""},
        {" align=\"center\"", " class=\"center\""},
        {" align=\"left\"", " class=\"left\""},
        {"<input type=\"checkbox\" checked=\"\" disabled=\"\" />",
         "<input type=\"checkbox\" checked=\"\" disabled=\"\" "
         "aria-label=\"Done\" />"},
        {"<input type=\"checkbox\" disabled=\"\" />",
         "<input type=\"checkbox\" disabled=\"\" aria-label=\"Not done\" />"},
    };
    struct buf b;
    buf_init(&b);
    const char *p = html;
    while (*p) {
        bool hit = false;
        if (*p == ' ' || *p == '<') {
            for (size_t i = 0; i < sizeof reps / sizeof *reps; i++) {
                size_t n = strlen(reps[i].from);
                if (!strncmp(p, reps[i].from, n)) {
                    buf_puts(&b, reps[i].to);
                    p += n;
                    hit = true;
                    break;
                }
            }
        }
        if (!hit)
            buf_putc(&b, *p++);
    }
    return buf_detach(&b, NULL);
}

char *
markdown_html(const char *md, size_t len)
{
    markdown_init();
    /* CMARK_OPT_DEFAULT is safe mode: raw HTML and unsafe URLs dropped. */
    int opts = CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES |
               CMARK_OPT_GITHUB_PRE_LANG | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE;
    cmark_parser *p = cmark_parser_new(opts);
    for (size_t i = 0; i < sizeof markdown_exts / sizeof *markdown_exts;
         i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(
            markdown_exts[i]);
        if (e)
            cmark_parser_attach_syntax_extension(p, e);
    }
    cmark_parser_feed(p, md, len);
    cmark_node *doc = cmark_parser_finish(p);
    char *html = cmark_render_html(doc, opts,
                                   cmark_parser_get_syntax_extensions(p));
    cmark_node_free(doc);
    cmark_parser_free(p);
    char *copy = fix_html(html ? html : "");
    free(html);
    return copy;
}

/* Length of the line starting at text[i], without its end of line, and the
 * offset just past the end of line. */
static size_t
line_at(const char *text, size_t len, size_t i, size_t *next)
{
    size_t j = i;
    while (j < len && text[j] != '\n')
        j++;
    *next = j < len ? j + 1 : j;
    if (j > i && text[j - 1] == '\r')
        j--;
    return j - i;
}

static int
is_fence(const char *s, size_t n, const char *fence)
{
    size_t k = strlen(fence);
    if (n < k || memcmp(s, fence, k) != 0)
        return 0;
    for (size_t i = k; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

int
markdown_front_matter(struct diag *d, const char *path, const char *text,
                      size_t len, struct front_matter *out)
{
    memset(out, 0, sizeof *out);
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    out->body_off = i;
    out->body_line = 1;
    size_t next;
    size_t n = line_at(text, len, i, &next);
    if (!is_fence(text + i, n, "---"))
        return 0;
    unsigned line = 2;
    size_t start = next;
    for (size_t j = next; j < len; line++) {
        size_t after;
        size_t m = line_at(text, len, j, &after);
        if (is_fence(text + j, m, "---") || is_fence(text + j, m, "...")) {
            out->present = 1;
            out->fm_off = start;
            out->fm_len = j - start;
            out->fm_line = 2;
            out->body_off = after;
            out->body_line = line + 1;
            return 0;
        }
        if (after == j)
            break;
        j = after;
    }
    struct pos at = {path, 1, 1};
    return diag_error(d, &at,
                      "front matter opened here is never closed with '---'");
}
