/* Unit tests for the small modules: buf, json, markdown, file, publish,
 * version ordering and diagnostics ordering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "file.h"
#include "json.h"
#include "manifest.h"
#include "markdown.h"
#include "project.h"
#include "publish.h"
#include "xmem.h"
#include "yml.h"

static void
test_buf_invariants(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i);
    assert_int_equal(b.data[b.len], '\0');
    assert_int_equal(strncmp(b.data, "0,1,2,", 6), 0);
    buf_add(&b, "a\0b", 3);
    assert_int_equal(b.data[b.len - 2], '\0');
    size_t n;
    char *p = buf_detach(&b, &n);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    free(p);
    buf_release(&b);
}

static void
test_buf_html_and_json(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b);
    buf_add_html(&b, "a<b>&\"c'", 9);
    assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c&#39;");
    buf_reset(&b);
    buf_add_json(&b, "q\"\\\n\t\x01</script>", 15);
    assert_string_equal(b.data, "q\\\"\\\\\\n\\t\\u0001\\u003c/script>");
    buf_release(&b);
}

static void
test_json_writer(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b);
    struct json j;
    json_init(&j, &b);
    json_object_begin(&j);
    json_kv(&j, "a", "x");
    json_key(&j, "n");
    json_number(&j, 0.1);
    json_key(&j, "inf");
    json_number(&j, 1.0 / 0.0);
    json_key(&j, "e");
    json_array_begin(&j);
    json_array_end(&j);
    json_key(&j, "l");
    json_array_begin(&j);
    json_int(&j, 1);
    json_bool(&j, true);
    json_null(&j);
    json_array_end(&j);
    json_object_end(&j);
    assert_string_equal(b.data, "{\n  \"a\": \"x\",\n  \"n\": 0.1,\n"
                                "  \"inf\": null,\n  \"e\": [],\n"
                                "  \"l\": [\n    1,\n    true,\n    null\n"
                                "  ]\n}\n");
    buf_release(&b);
}

static void
test_json_node_keeps_digits(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct diag d;
    diag_init(&d);
    struct node *root;
    const char *t = "a: 0.8120\nb: .5\nc: 0x10\nd: '7'\n";
    assert_int_equal(yml_parse(a, &d, "t", t, strlen(t), 1, &root), 0);
    struct buf b;
    buf_init(&b);
    struct json j;
    json_init(&j, &b);
    json_node(&j, root);
    assert_string_equal(b.data, "{\n  \"a\": 0.8120,\n  \"b\": 0.5,\n"
                                "  \"c\": 16,\n  \"d\": \"7\"\n}\n");
    buf_release(&b);
    diag_release(&d);
    arena_free(a);
}

static void
test_markdown_gfm(void **state)
{
    (void)state;
    const char *md = "| a | b |\n|---|--:|\n| 1 | 2 |\n\n- [x] done\n"
                     "- [ ] todo\n\n~~old~~ https://example.org\n\n"
                     "<div onclick=x>raw</div>\n\n<xmp>\n";
    char *html = markdown_html(md, strlen(md));
    assert_non_null(strstr(html, "<table>"));
    assert_non_null(strstr(html, "<td class=\"num\">2</td>"));
    assert_non_null(strstr(html, "aria-label=\"Done\""));
    assert_non_null(strstr(html, "type=\"checkbox\" checked=\"\""));
    assert_non_null(strstr(html, "<del>old</del>"));
    assert_non_null(strstr(html, "<a href=\"https://example.org\">"));
    assert_null(strstr(html, "onclick"));
    assert_null(strstr(html, "<xmp>"));
    free(html);
}

static void
test_front_matter(void **state)
{
    (void)state;
    struct diag d;
    diag_init(&d);
    struct front_matter fm;
    const char *t = "\xEF\xBB\xBF---\ntitle: x\n---\n# Body\n";
    assert_int_equal(markdown_front_matter(&d, "p", t, strlen(t), &fm), 0);
    assert_true(fm.present);
    assert_int_equal(fm.fm_line, 2);
    assert_int_equal(fm.body_line, 4);
    assert_string_equal(t + fm.body_off, "# Body\n");
    const char *none = "# Just text\n---\n";
    assert_int_equal(markdown_front_matter(&d, "p", none, strlen(none), &fm),
                     0);
    assert_false(fm.present);
    const char *open = "---\ntitle: x\n";
    assert_int_equal(markdown_front_matter(&d, "p", open, strlen(open), &fm),
                     -1);
    assert_int_equal(d.nerr, 1);
    diag_release(&d);
}

static void
test_version_order(void **state)
{
    (void)state;
    assert_true(project_version_cmp("1.9.0", "1.10.0") < 0);
    assert_true(project_version_cmp("2.0", "2.0.1") < 0);
    assert_true(project_version_cmp("v3", "v3") == 0);
    assert_true(project_version_cmp("1.02", "1.2") == 0);
    assert_true(project_version_cmp("2024.11", "2024.9") > 0);
}

static void
test_file_within(void **state)
{
    (void)state;
    char root[PATH_MAX];
    assert_non_null(realpath(".", root));
    assert_true(file_within(root, "fixtures"));
    assert_true(file_within(root, "fixtures/does-not-exist/x"));
    assert_false(file_within(root, "../../../etc/passwd"));
    assert_false(file_within(root, "/etc/passwd"));
    assert_false(file_within(root, "fixtures/../../.."));
    char *link = xasprintf("%s/fixtures/.escape-link", root);
    unlink(link);
    assert_int_equal(symlink("/etc", link), 0);
    assert_false(file_within(root, "fixtures/.escape-link/hostname"));
    unlink(link);
    free(link);
}

static void
test_diag_sorted_output(void **state)
{
    (void)state;
    struct diag d;
    diag_init(&d);
    struct pos b2 = {"b.yaml", 2, 1}, a9 = {"a.yaml", 9, 3},
               a10 = {"a.yaml", 10, 1};
    diag_error(&d, &b2, "third");
    diag_warning(&d, &a10, "second");
    diag_error(&d, &a9, "first '%s'", "x");
    diag_error(&d, NULL, "last");
    char *mem = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&mem, &len);
    diag_print(&d, fp);
    fclose(fp);
    assert_string_equal(mem, "a.yaml:9:3: error: first 'x'\n"
                             "a.yaml:10:1: warning: second\n"
                             "b.yaml:2:1: error: third\n"
                             "dossier: error: last\n");
    free(mem);
    assert_int_equal(diag_errors(&d), 3);
    d.strict = 1;
    assert_int_equal(diag_errors(&d), 4);
    diag_release(&d);
}

static void
test_publish_swaps_and_refuses(void **state)
{
    (void)state;
    char root[PATH_MAX];
    file_remove_tree("pubtest");
    assert_int_equal(file_mkdirs("pubtest/content"), 0);
    assert_non_null(realpath("pubtest", root));
    struct diag d;
    diag_init(&d);
    struct publish pb;
    /* first build: creates out */
    assert_int_equal(publish_begin(&pb, root, "pubtest/out", &d), 0);
    char *f = file_join(pb.tmp, "index.html");
    assert_int_equal(file_write(f, "one", 3), 0);
    free(f);
    assert_int_equal(publish_commit(&pb, &d), 0);
    publish_abort(&pb);
    assert_int_equal(file_size("pubtest/out/index.html"), 3);
    /* second build, aborted: out is untouched */
    assert_int_equal(publish_begin(&pb, root, "pubtest/out", &d), 0);
    f = file_join(pb.tmp, "index.html");
    assert_int_equal(file_write(f, "two!", 4), 0);
    free(f);
    publish_abort(&pb);
    assert_int_equal(file_size("pubtest/out/index.html"), 3);
    /* third build commits: swapped */
    assert_int_equal(publish_begin(&pb, root, "pubtest/out", &d), 0);
    f = file_join(pb.tmp, "index.html");
    assert_int_equal(file_write(f, "three", 5), 0);
    free(f);
    assert_int_equal(publish_commit(&pb, &d), 0);
    publish_abort(&pb);
    assert_int_equal(file_size("pubtest/out/index.html"), 5);
    /* refusals: the project itself, a folder dossier did not write,
     * a folder outside the project */
    assert_int_equal(publish_begin(&pb, root, "pubtest", &d), -1);
    assert_int_equal(file_mkdirs("pubtest/mine"), 0);
    assert_int_equal(file_write("pubtest/mine/keep.txt", "k", 1), 0);
    assert_int_equal(publish_begin(&pb, root, "pubtest/mine", &d), -1);
    assert_int_equal(publish_begin(&pb, root, "/tmp/elsewhere", &d), -1);
    assert_int_equal(d.nerr, 3);
    assert_int_equal(file_size("pubtest/mine/keep.txt"), 1);
    diag_release(&d);
    file_remove_tree("pubtest");
}

static ino_t
inode_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? st.st_ino : 0;
}

static char *
read_all(const char *path)
{
    struct buf b;
    buf_init(&b);
    struct diag d;
    diag_init(&d);
    if (file_read(&d, NULL, path, 1 << 20, &b) < 0) {
        buf_release(&b);
        diag_release(&d);
        return xstrdup("(missing)");
    }
    diag_release(&d);
    return b.data;
}

/* The replaced site is kept as the spare and the next build starts from
 * it: unchanged files stay the same inode, new ones never write through
 * into the published site, links put into the spare are removed before
 * anything is written, and what the build did not make is swept out. */
static void
test_publish_spare(void **state)
{
    (void)state;
    char root[PATH_MAX];
    file_remove_tree("sparetest");
    file_remove_tree("sparevictim");
    assert_int_equal(file_mkdirs("sparetest/content"), 0);
    assert_int_equal(file_mkdirs("sparevictim"), 0);
    assert_non_null(realpath("sparetest", root));
    struct diag d;
    diag_init(&d);
    struct publish pb;
    /* two builds: out/ and, from the second on, the spare */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(publish_begin(&pb, root, "sparetest/out", &d), 0);
        assert_false(pb.reused);
        assert_int_equal(publish_write(&pb, "index.html", i ? "two" : "one", 3),
                         0);
        assert_int_equal(publish_write(&pb, "models/a/index.html", "a", 1), 0);
        assert_int_equal(publish_commit(&pb, &d), 0);
        publish_abort(&pb);
    }
    assert_true(file_is_dir("sparetest/out.tmp-spare"));
    /* things a spare must not keep: a stale page, links out */
    assert_int_equal(file_write("sparetest/out.tmp-spare/ghost.html", "g", 1),
                     0);
    assert_int_equal(symlink("../../sparevictim",
                             "sparetest/out.tmp-spare/sub"),
                     0);
    assert_int_equal(symlink("../../../sparevictim/x.html",
                             "sparetest/out.tmp-spare/models/x.html"),
                     0);
    ino_t published = inode_of("sparetest/out/models/a/index.html");

    assert_int_equal(publish_begin(&pb, root, "sparetest/out", &d), 0);
    assert_true(pb.reused);
    assert_false(file_exists("sparetest/out.tmp-spare"));
    char *sub = file_join(pb.tmp, "sub");
    char *xh = file_join(pb.tmp, "models/x.html");
    assert_int_equal(inode_of(sub), 0); /* the links are gone */
    assert_int_equal(inode_of(xh), 0);
    /* an unchanged file: linked once and kept */
    assert_int_equal(publish_link(&pb, "sparetest/out/models/a/index.html",
                                  "models/a/index.html"),
                     0);
    char *a = file_join(pb.tmp, "models/a/index.html");
    assert_int_equal(inode_of(a), published);
    assert_int_equal(publish_link(&pb, "sparetest/out/models/a/index.html",
                                  "models/a/index.html"),
                     0);
    assert_int_equal(inode_of(a), published);
    /* the spare's index.html is one the published site shares: writing
     * the new one must not change the published one */
    assert_int_equal(publish_write(&pb, "index.html", "three", 5), 0);
    char *got = read_all("sparetest/out/index.html");
    assert_string_equal(got, "two");
    free(got);
    assert_int_equal(publish_write(&pb, "sub/new.html", "n", 1), 0);
    assert_int_equal(publish_write(&pb, "models/x.html", "x", 1), 0);
    /* a file where a folder must be, and a folder where a file goes */
    assert_int_equal(publish_write(&pb, "ghost.html/in.html", "i", 1), 0);
    assert_int_equal(publish_write(&pb, "models/a", "file", 4), 0);
    assert_false(file_exists(a));
    assert_int_equal(publish_sweep(&pb, &d), 0);
    assert_int_equal(publish_commit(&pb, &d), 0);
    publish_abort(&pb);
    got = read_all("sparetest/out/index.html");
    assert_string_equal(got, "three");
    free(got);
    assert_true(file_is_regular("sparetest/out/sub/new.html"));
    assert_true(file_is_regular("sparetest/out/models/x.html"));
    assert_true(file_is_regular("sparetest/out/ghost.html/in.html"));
    assert_true(file_is_regular("sparetest/out/models/a"));
    assert_true(file_is_regular("sparetest/out/.dossier-site"));
    /* nothing went through the links; nothing else is in out/ */
    size_t n = 0;
    char **left = file_list("sparevictim", true, &n);
    assert_int_equal(n, 0);
    file_list_free(left);
    left = file_list("sparetest/out", true, &n);
    assert_int_equal(n, 5); /* .dossier-site ghost.html index.html models sub */
    file_list_free(left);

    /* a failed build gives the spare back; out/ is untouched */
    assert_int_equal(publish_begin(&pb, root, "sparetest/out", &d), 0);
    assert_true(pb.reused);
    assert_int_equal(publish_write(&pb, "index.html", "four", 4), 0);
    publish_abort(&pb);
    assert_true(file_is_dir("sparetest/out.tmp-spare"));
    got = read_all("sparetest/out/index.html");
    assert_string_equal(got, "three");
    free(got);
    /* a spare that is a link is not followed */
    assert_int_equal(file_remove_tree("sparetest/out.tmp-spare"), 0);
    assert_int_equal(symlink("../sparevictim", "sparetest/out.tmp-spare"), 0);
    assert_int_equal(publish_begin(&pb, root, "sparetest/out", &d), 0);
    assert_false(pb.reused);
    publish_abort(&pb);
    assert_true(file_is_dir("sparevictim"));
    assert_int_equal(d.nerr, 0);
    free(sub);
    free(xh);
    free(a);
    diag_release(&d);
    file_remove_tree("sparetest");
    file_remove_tree("sparevictim");
}

/* A manifest lists every file of a site, 18 MB at 10,000 models: more
 * than the limit for the project's own YAML and JSON, which once made a
 * large site's rebuild hash every file again and verify give up. */
static void
test_manifest_larger_than_inputs(void **state)
{
    (void)state;
    file_remove_tree("mantest");
    assert_int_equal(file_mkdirs("mantest"), 0);
    assert_int_equal(file_write("mantest/index.html", "abc", 3), 0);
    const char *sha =
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "{\"generator\":\"dossier test\",\"algorithm\":\"sha256\","
                 "\"padding\":\"");
    for (size_t i = 0; i < ((size_t)17 << 20) / 64; i++)
        buf_puts(&b, "0123456789abcdef0123456789abcdef"
                     "0123456789abcdef0123456789abcdef");
    buf_printf(&b, "\",\"files\":[{\"path\":\"index.html\",\"sha256\":\"%s\","
                   "\"size\":3}]}\n",
               sha);
    assert_true(b.len > (size_t)17 << 20);
    assert_int_equal(file_write("mantest/manifest.json", b.data, b.len), 0);
    buf_release(&b);
    struct manifest_sums *s = manifest_sums_new();
    manifest_sums_load(s, "mantest");
    char got[65];
    size_t size = 0;
    assert_true(manifest_sums_get(s, "index.html", got, &size));
    assert_string_equal(got, sha);
    assert_int_equal(size, 3);
    manifest_sums_free(s);
    struct diag d;
    diag_init(&d);
    assert_int_equal(manifest_verify("mantest", &d), 0);
    assert_int_equal(d.nerr, 0);
    diag_release(&d);
    file_remove_tree("mantest");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_invariants),
        cmocka_unit_test(test_buf_html_and_json),
        cmocka_unit_test(test_json_writer),
        cmocka_unit_test(test_json_node_keeps_digits),
        cmocka_unit_test(test_markdown_gfm),
        cmocka_unit_test(test_front_matter),
        cmocka_unit_test(test_version_order),
        cmocka_unit_test(test_file_within),
        cmocka_unit_test(test_diag_sorted_output),
        cmocka_unit_test(test_publish_swaps_and_refuses),
        cmocka_unit_test(test_publish_spare),
        cmocka_unit_test(test_manifest_larger_than_inputs),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
