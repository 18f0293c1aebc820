/* Unit tests for the build stamp: every change to a walked tree changes
 * the fingerprint (contents, a new, removed or renamed entry, a folder
 * swapped for a link), the fingerprints of the model folders change only
 * for the folder that changed, and entries changed within a second of the
 * walk are not trusted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "stamp.h"

/* unit tests run in tests/unit; scratch files go in build/ */
#define T "../../build/stamp-tree"

static void
put(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, T "/%s", rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    assert_int_equal(file_mkdirs(path), 0);
    *slash = '/';
    assert_int_equal(file_write(path, text, strlen(text)), 0);
}

static void
take(struct stamp *s)
{
    const char *roots[] = {T "/content", T "/missing"};
    stamp_take(s, roots, 2, "options\n", T "/content/models");
}

/* Takes the stamp and returns a copy of its digest. */
static char *
digest(void)
{
    struct stamp s;
    take(&s);
    char *d = strdup(s.digest);
    stamp_release(&s);
    return d;
}

static int
setup(void **state)
{
    (void)state;
    file_remove_tree(T);
    put("content/site.yaml", "title: t\n");
    put("content/models/a/model.yaml", "name: a\n");
    put("content/models/a/metrics/mlruns/1/r1/metrics/auc", "1 0.9 0\n");
    put("content/models/b/model.yaml", "name: b\n");
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    file_remove_tree(T);
    return 0;
}

static void
test_changes(void **state)
{
    (void)state;
    char *d0 = digest();
    char *again = digest();
    assert_string_equal(d0, again);
    free(again);

    /* the same size, other bytes, another time */
    put("content/models/a/model.yaml", "name: A\n");
    struct timespec ts[2] = {{1000000000, 0}, {1000000000, 0}};
    utimensat(AT_FDCWD, T "/content/models/a/model.yaml", ts, 0);
    char *d1 = digest();
    assert_string_not_equal(d0, d1);

    put("content/models/a/metrics/mlruns/1/r1/metrics/f1", "1 0.8 0\n");
    char *d2 = digest();
    assert_string_not_equal(d1, d2);
    unlink(T "/content/models/a/metrics/mlruns/1/r1/metrics/f1");
    char *d3 = digest();
    assert_string_not_equal(d2, d3);

    /* a folder renamed: no file in it changed, its path did */
    assert_int_equal(rename(T "/content/models/a/metrics/mlruns/1/r1",
                            T "/content/models/a/metrics/mlruns/1/r2"),
                     0);
    char *d4 = digest();
    assert_string_not_equal(d3, d4);

    /* a folder swapped for a link to a copy of it */
    assert_int_equal(rename(T "/content/models/b", T "/b-elsewhere"), 0);
    assert_int_equal(symlink("../../b-elsewhere", T "/content/models/b"), 0);
    char *d5 = digest();
    assert_string_not_equal(d4, d5);

    /* the options are part of it */
    struct stamp s;
    const char *roots[] = {T "/content", T "/missing"};
    stamp_take(&s, roots, 2, "other options\n", T "/content/models");
    assert_string_not_equal(s.digest, d5);
    stamp_release(&s);
    free(d0);
    free(d1);
    free(d2);
    free(d3);
    free(d4);
    free(d5);
    unlink(T "/content/models/b");
    rename(T "/b-elsewhere", T "/content/models/b");
}

static void
test_model_folders(void **state)
{
    (void)state;
    struct stamp s1, s2;
    take(&s1);
    assert_int_equal(s1.nchildren, 2);
    assert_string_equal(s1.children[0].name, "a");
    assert_string_equal(s1.children[1].name, "b");
    /* all of it was written just now: nothing can be trusted yet */
    assert_true(s1.racy);
    assert_null(stamp_child(&s1, "a"));
    assert_null(stamp_child(&s1, "zz"));
    stamp_release(&s1);

    sleep(2);
    take(&s1);
    assert_false(s1.racy);
    assert_non_null(stamp_child(&s1, "a"));
    assert_non_null(stamp_child(&s1, "b"));
    assert_string_not_equal(stamp_child(&s1, "a"), stamp_child(&s1, "b"));

    put("content/models/b/value.yaml", "x: 1\n");
    take(&s2);
    /* b changed just now: not trusted; a is as it was */
    assert_true(s2.racy);
    assert_null(stamp_child(&s2, "b"));
    assert_string_equal(stamp_child(&s2, "a"), stamp_child(&s1, "a"));
    assert_string_not_equal(s1.digest, s2.digest);
    assert_true(s2.entries > s1.entries);
    stamp_release(&s1);
    stamp_release(&s2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_model_folders, setup, teardown),
    };
    return cmocka_run_group_tests_name("stamp", tests, NULL, NULL);
}
