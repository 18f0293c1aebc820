/* Unit tests for the search index: how text becomes words (search.js must
 * agree), the shard keys, and the files search_write() makes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "project.h"
#include "search.h"

static void
join_word(void *ctx, const char *w, size_t len)
{
    struct buf *b = ctx;
    assert_int_equal(strlen(w), len);
    if (b->len)
        buf_putc(b, '|');
    buf_puts(b, w);
}

static void
expect_words(const char *text, const char *want)
{
    struct buf b;
    buf_init(&b);
    search_words(text, join_word, &b);
    if (strcmp(b.data, want))
        fail_msg("words of '%s': got '%s', want '%s'", text, b.data, want);
    buf_release(&b);
}

static void
test_words(void **state)
{
    (void)state;
    expect_words("", "");
    expect_words(NULL, "");
    expect_words("Fairness, DRIFT and  bias-testing.", "fairness|drift|and|bias|testing");
    /* item ids and versions stay whole where a dot sits between digits */
    expect_words("Art. 10(2)", "art|10|2");
    expect_words("GOVERN 1.1 and 2.1.1", "govern|1.1|and|2.1.1");
    expect_words("v1.2.3-rc1", "v1.2.3|rc1");
    expect_words("e.g. 1. .5 3..4", "e|g|1|5|3|4");
    expect_words("aml-assistant-00065", "aml|assistant|00065");
    /* accents go, case goes, other scripts stay */
    expect_words("Müller, Ñandú, Ærø", "muller|nandu|ærø");
    expect_words("Zoë Ünal", "zoe|unal");
    expect_words("ΣΟΦΙΑ σοφία", "σοφια|σοφια");
    /* a final sigma is a sigma: the browser lower-cases Σ by place */
    expect_words("ΟΔΟΣ οδός", "οδοσ|οδοσ");
    expect_words("Résumé screener · 95% € 1,200", "resume|screener|95|1|200");
    /* bytes that are not UTF-8 separate words and never stop the scan */
    expect_words("ab\xff" "cd\xc3", "ab|cd");
    expect_words("x\xe2\x80\x94y", "x|y"); /* an em dash */
}

static void
expect_key(const char *w, const char *want)
{
    struct buf b;
    buf_init(&b);
    search_key(&b, w);
    assert_string_equal(b.data, want);
    buf_release(&b);
}

static void
test_keys(void **state)
{
    (void)state;
    expect_key("fairness", "fa");
    expect_key("a", "a");
    expect_key("2.1.1", "2_2e_");
    expect_key("σοφια", "_3c3__3bf_");
    expect_key("æro", "_e6_r");
}

struct files {
    char *rel[64];
    char *data[64];
    size_t n;
    int fail_at; /* put() number that fails, or -1 */
};

static int
put(void *ctx, const char *rel, const struct buf *b)
{
    struct files *f = ctx;
    if ((int)f->n == f->fail_at) {
        f->fail_at = -2;
        return -1;
    }
    assert_true(f->n < 64);
    f->rel[f->n] = strdup(rel);
    f->data[f->n] = strndup(b->data, b->len);
    f->n++;
    return 0;
}

static const char *
file_of(const struct files *f, const char *rel)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->rel[i], rel))
            return f->data[i];
    return NULL;
}

static void
free_files(struct files *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->rel[i]);
        free(f->data[i]);
    }
}

static void
test_write(void **state)
{
    (void)state;
    /* three free pages: the only records a project without models has */
    struct page pages[3] = {
        {.slug = "about", .title = "About fairness", .html = "<p>Drift &amp; fairness.</p>"},
        {.slug = "faq", .title = "FAQ", .html = "<p>Nothing on <em>fair</em> here.</p>"},
        {.slug = "team", .title = "Team", .html = "<p>Fairness, fairness.</p>"},
    };
    struct project p = {.pages = pages, .npages = 3};
    struct files f = {.fail_at = -1};
    assert_int_equal(search_write(&p, put, &f), 0);

    const char *meta = file_of(&f, "search/meta.js");
    assert_non_null(meta);
    assert_non_null(strstr(meta, "\"records\":3,"));
    assert_non_null(strstr(meta, "\"chunk\":200,"));
    assert_non_null(strstr(meta, "\"fa\""));

    const char *d0 = file_of(&f, "search/d/0.js");
    assert_non_null(d0);
    assert_non_null(strstr(d0, "DOSSIER_SEARCH.d[0] = [\n"));
    assert_non_null(strstr(d0, "{\"k\":\"page\",\"t\":\"About fairness\","
                               "\"u\":\"pages/about.html\","
                               "\"x\":\"Drift & fairness.\"},\n"));
    assert_non_null(strstr(d0, "\"t\":\"Team\""));
    assert_null(file_of(&f, "search/d/1.js"));

    /* record 0 has "fairness" in its title (0*2+1), record 2 in its text
     * only, two records on ((2-0)*2+0); "fair" is its own word */
    const char *fa = file_of(&f, "search/t/fa.js");
    assert_non_null(fa);
    assert_non_null(strstr(fa, "DOSSIER_SEARCH.t[\"fa\"] = {\n"));
    assert_non_null(strstr(fa, "\"fair\":[2],\n"));
    assert_non_null(strstr(fa, "\"fairness\":[1,4],\n"));
    assert_non_null(strstr(fa, "\"faq\":[3]\n};\n"));
    free_files(&f);

    /* a failed write is reported, and the other files are still written */
    struct files g = {.fail_at = 0};
    assert_int_equal(search_write(&p, put, &g), -1);
    assert_non_null(file_of(&g, "search/meta.js"));
    free_files(&g);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_write),
    };
    return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
