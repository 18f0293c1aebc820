/* Unit tests for template: the compiler, helpers and the sandbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "template.h"
#include "xmem.h"

struct fx {
    struct diag d;
    struct template_engine *e;
    struct buf out;
};

static int
setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof *f);
    diag_init(&f->d);
    const char *dirs[] = {"fixtures/tpl"};
    const char *shown[] = {"tpl"};
    struct template_limits lim = {8u << 20, 2000000};
    f->e = template_engine_new(dirs, shown, 1, &lim, &f->d);
    buf_init(&f->out);
    *state = f;
    return f->e ? 0 : -1;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    template_engine_free(f->e);
    diag_release(&f->d);
    buf_release(&f->out);
    free(f);
    return 0;
}

/* Renders name with ctx { name = name_value, page = {path = path} }. */
static int
render(struct fx *f, const char *tmpl, const char *name_value,
       const char *path)
{
    lua_State *L = template_engine_lua(f->e);
    lua_newtable(L);
    if (name_value) {
        lua_pushstring(L, name_value);
        lua_setfield(L, -2, "name");
    }
    lua_newtable(L);
    lua_pushstring(L, path ? path : "index.html");
    lua_setfield(L, -2, "path");
    lua_setfield(L, -2, "page");
    buf_reset(&f->out);
    return template_render(f->e, tmpl, &f->out, &f->d);
}

static const char *
msg(struct fx *f)
{
    static char line[600];
    assert_int_equal(f->d.n, 1);
    const struct diag_entry *e = &f->d.v[0];
    snprintf(line, sizeof line, "%s:%u: %s", e->path, e->line, e->msg);
    return line;
}

static void
test_escapes_by_default(void **state)
{
    struct fx *f = *state;
    assert_int_equal(render(f, "hello.html", "<script>\"&'", NULL), 0);
    assert_string_equal(f->out.data,
                        "<p>&lt;script&gt;&quot;&amp;&#39;</p>\n");
}

static void
test_layout_and_partial(void **state)
{
    struct fx *f = *state;
    assert_int_equal(render(f, "page.html", "a<b", NULL), 0);
    assert_string_equal(f->out.data,
                        "<title>T</title><b>a&lt;b</b>[a&lt;b!]\n");
}

static void
test_runtime_error_location(void **state)
{
    struct fx *f = *state;
    assert_int_equal(render(f, "runtime.html", NULL, NULL), -1);
    assert_string_equal(msg(f),
                        "tpl/runtime.html:3: template error: attempt to "
                        "index a nil value (local 'x')");
}

static void
test_syntax_error_location(void **state)
{
    struct fx *f = *state;
    assert_int_equal(render(f, "unclosed-code.html", NULL, NULL), -1);
    assert_int_equal(f->d.n, 1);
    assert_string_equal(f->d.v[0].path, "tpl/unclosed-code.html");
    assert_int_equal(f->d.v[0].line, 2);
    assert_string_equal(f->d.v[0].msg,
                        "template syntax error: 'if' is never closed with "
                        "'end'");
}

static void
test_unclosed_tag_line_col(void **state)
{
    struct fx *f = *state;
    assert_int_equal(render(f, "unclosed-tag.html", NULL, NULL), -1);
    assert_int_equal(f->d.n, 1);
    assert_int_equal(f->d.v[0].line, 2);
    assert_int_equal(f->d.v[0].col, 5);
    assert_string_equal(f->d.v[0].msg,
                        "unclosed '<%' tag (no matching '%>')");
}

static void
test_instruction_limit(void **state)
{
    struct fx *f = *state;
    assert_int_equal(render(f, "loop.html", NULL, NULL), -1);
    assert_string_equal(msg(f), "tpl/loop.html:1: "
                                "template exceeded the instruction limit "
                                "(2000000 instructions); is there an "
                                "endless loop?");
}

static void
test_memory_limit(void **state)
{
    struct fx *f = *state;
    assert_int_equal(render(f, "membomb.html", NULL, NULL), -1);
    assert_string_equal(msg(f), "tpl/membomb.html:1: template exceeded the "
                                "memory limit of 8 MiB");
    /* The engine is still usable after the limit was hit. */
    assert_int_equal(render(f, "hello.html", "ok", NULL), 0);
    assert_string_equal(f->out.data, "<p>ok</p>\n");
}

static void
test_sandbox_has_no_escape_hatches(void **state)
{
    struct fx *f = *state;
    assert_int_equal(render(f, "sandbox.html", NULL, NULL), 0);
    assert_string_equal(f->out.data,
                        "true true true true true true true true true");
}

static void
test_url_relative(void **state)
{
    struct fx *f = *state;
    struct {
        const char *from, *to, *want;
    } cases[] = {
        {"index.html", "assets/style.css", "assets/style.css"},
        {"models/a/index.html", "assets/style.css", "../../assets/style.css"},
        {"models/a/index.html", "models/a/model.json", "model.json"},
        {"models/a/index.html", "models/b/index.html", "../b/index.html"},
        {"models/a/index.html", "index.html#top", "../../index.html#top"},
        {"pages/x.html", "https://example.org/", "https://example.org/"},
        {"pages/x.html", "#frag", "#frag"},
        {"pages/x.html", "mailto:a@example.org", "mailto:a@example.org"},
        {"index.html", "index.html", "index.html"},
        {"index.html", "", "./"},
        {"models/a/index.html", "models/", "../../models/"},
        {"models/a/index.html", "models//a///b.html#x", "b.html#x"},
        {"models/a/index.html", "1x:y/z", "../../1x:y/z"},
        {"", "a/b.html", "a/b.html"},
    };
    lua_State *L = template_engine_lua(f->e);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        lua_newtable(L);
        lua_pushstring(L, cases[i].to);
        lua_setfield(L, -2, "target");
        lua_newtable(L);
        lua_pushstring(L, cases[i].from);
        lua_setfield(L, -2, "path");
        lua_setfield(L, -2, "page");
        buf_reset(&f->out);
        assert_int_equal(template_render(f->e, "url.html", &f->out, &f->d),
                         0);
        assert_string_equal(f->out.data, cases[i].want);
    }
}

static void
test_json(void **state)
{
    struct fx *f = *state;
    if (render(f, "json.html", NULL, NULL) != 0)
        fail_msg("%s", msg(f));
    assert_string_equal(f->out.data,
                        "{\n"
                        "  \"a\": 1,\n"
                        "  \"b\": 2.5,\n"
                        "  \"c\": 3,\n"
                        "  \"d\": null,\n"
                        "  \"e\": [\n"
                        "    \"x\",\n"
                        "    \"q\\\"\\\\\",\n"
                        "    \"line\\nnext\\tTab\\u0001\"\n"
                        "  ],\n"
                        "  \"f\": [],\n"
                        "  \"g\": {},\n"
                        "  \"h\": null,\n"
                        "  \"i\": 1.15292150460685e+18,\n"
                        "  \"j\": true,\n"
                        "  \"7\": {\n"
                        "    \"k\": [\n"
                        "      1,\n"
                        "      [\n"
                        "        2\n"
                        "      ]\n"
                        "    ]\n"
                        "  }\n"
                        "}\n");
    assert_int_equal(render(f, "json-bad.html", NULL, NULL), -1);
    assert_non_null(strstr(msg(f), "json(): cannot write a function"));
}

static void
test_require_library(void **state)
{
    struct fx *f = *state;
    assert_int_equal(render(f, "usesl.html", NULL, NULL), 0);
    assert_string_equal(f->out.data, "42");
}

static void
test_error_in_library_names_library(void **state)
{
    struct fx *f = *state;
    assert_int_equal(render(f, "libboom.html", NULL, NULL), -1);
    assert_string_equal(msg(f), "tpl/lib/mylib.lua:3: template error: boom");
}

static void
test_trim_and_comments_keep_lines(void **state)
{
    struct fx *f = *state;
    assert_int_equal(render(f, "trim.html", NULL, NULL), 0);
    assert_string_equal(f->out.data, "xy\n1\n2\n3\nend");
}

static void
test_markdown_is_safe(void **state)
{
    struct fx *f = *state;
    assert_int_equal(render(f, "md.html", NULL, NULL), 0);
    assert_null(strstr(f->out.data, "<script>"));
    assert_null(strstr(f->out.data, "javascript:"));
    assert_non_null(strstr(f->out.data, "<p><em>a</em></p>"));
}

static void
test_missing_template(void **state)
{
    struct fx *f = *state;
    assert_int_equal(render(f, "nope.html", NULL, NULL), -1);
    assert_non_null(strstr(msg(f), "no template or library named "
                                   "'nope.html'"));
}

static void
test_compile_keeps_line_numbers(void **state)
{
    (void)state;
    struct diag d;
    diag_init(&d);
    struct buf lua;
    buf_init(&lua);
    const char *src = "a\nb<% x = 1\n y = 2 %>\n<%= z %>\nc\n";
    assert_int_equal(template_compile("t", src, strlen(src), &lua, &d), 0);
    size_t lines = 0;
    for (size_t i = 0; i < lua.len; i++)
        lines += lua.data[i] == '\n';
    assert_int_equal(lines, 5); /* the same count as the template */
    buf_release(&lua);
    diag_release(&d);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_escapes_by_default),
        T(test_layout_and_partial),
        T(test_runtime_error_location),
        T(test_syntax_error_location),
        T(test_unclosed_tag_line_col),
        T(test_instruction_limit),
        T(test_memory_limit),
        T(test_sandbox_has_no_escape_hatches),
        T(test_url_relative),
        T(test_json),
        T(test_require_library),
        T(test_error_in_library_names_library),
        T(test_trim_and_comments_keep_lines),
        T(test_markdown_is_safe),
        T(test_missing_template),
        cmocka_unit_test(test_compile_keeps_line_numbers),
    };
    return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
