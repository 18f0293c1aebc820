/* project: load and validate a governance repository (see project.h). */
#include "project.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <math.h>

#include "cache.h"
#include "cardtree.h"
#include "facts.h"
#include "publish.h"
#include "file.h"
#include "hfcard.h"
#include "json.h"
#include "markdown.h"
#include "mct.h"
#include "schema.h"
#include "stamp.h"
#include "value.h"
#include "xmem.h"
#include "yml.h"

#define PAGE_MAX_BYTES (4u * 1024 * 1024)

static const char *
disp(struct project *p, const char *rel)
{
    if (strcmp(p->root, ".") == 0)
        return arena_strdup(p->arena, rel);
    size_t n = strlen(p->root);
    if (n && p->root[n - 1] == '/')
        return arena_printf(p->arena, "%s%s", p->root, rel);
    return arena_printf(p->arena, "%s/%s", p->root, rel);
}

const char *
project_relpath(const struct project *p, const char *path)
{
    if (!path || !p->root || !strcmp(p->root, "."))
        return path;
    size_t n = strlen(p->root);
    while (n && p->root[n - 1] == '/')
        n--;
    if (!strncmp(path, p->root, n) && path[n] == '/')
        return path + n + 1;
    return path;
}

const char *
project_path(struct project *p, const char *rel)
{
    return disp(p, rel);
}

/* Registers the input rel, read from display path path, unless it is
 * registered already (another thread may have read the same file
 * meanwhile); returns its index. */
static long
add_input(struct project *p, const char *path, const char *rel, size_t size,
          const char *sha256)
{
    struct input_file nf;
    nf.path = path;
    /* disp() ends with rel: the two share their bytes */
    nf.rel = path + strlen(path) - strlen(rel);
    nf.size = size;
    memcpy(nf.sha256, sha256, 65);
    pthread_mutex_lock(p->lock);
    gpointer seen = g_hash_table_lookup(p->input_ix, rel);
    long ix;
    if (seen) {
        ix = (long)((uintptr_t)seen - 1);
    } else {
        if (p->ninputs == p->capinputs) {
            p->capinputs = p->capinputs ? p->capinputs * 2 : 32;
            p->inputs =
                xrealloc(p->inputs, p->capinputs * sizeof *p->inputs);
        }
        ix = (long)p->ninputs++;
        p->inputs[ix] = nf;
        g_hash_table_insert(p->input_ix, (gpointer)nf.rel,
                            (gpointer)(uintptr_t)(ix + 1));
    }
    pthread_mutex_unlock(p->lock);
    return ix;
}

/* Reads rel (checked to be inside the project) into out when out is not
 * NULL, and registers it among the inputs with its size and SHA-256 the
 * first time. Returns the input's index or -1. */
static long
read_input(struct project *p, struct diag *d, const struct pos *ref,
           const char *rel, size_t limit, struct buf *out)
{
    pthread_mutex_lock(p->lock);
    gpointer seen = g_hash_table_lookup(p->input_ix, rel);
    /* a file read again keeps the display path it was given */
    const char *path = seen ? p->inputs[(uintptr_t)seen - 1].path : NULL;
    pthread_mutex_unlock(p->lock);
    if (seen && !out)
        return (long)((uintptr_t)seen - 1);
    if (!path)
        path = disp(p, rel);
    struct buf tmp;
    buf_init(&tmp);
    struct buf *b = out ? out : &tmp;
    size_t before = b->len;
    /* The common case costs no stat: the folder is known to be inside and
     * the file is opened without following a link. A link, or a path with
     * "..", gets the full check first. */
    int rd = -2;
    if (seen || file_guard_parent(p->guard, path))
        rd = file_read_nofollow(d, ref, path, limit, b);
    if (rd == -2 && !seen && !file_guard_within(p->guard, path)) {
        buf_release(&tmp);
        struct pos self = {path, 0, 0};
        char target[PATH_MAX];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n > 0) {
            target[n] = '\0';
            diag_error(d, ref ? ref : &self,
                       "symbolic link to '%s' leads outside the project "
                       "folder; it is not read",
                       target);
            return -1;
        }
        diag_error(d, ref ? ref : &self,
                   "'%s' leads outside the project folder; it is not read",
                   rel);
        return -1;
    }
    if (rd == -2)
        rd = file_read(d, ref, path, limit, b);
    if (rd < 0) {
        buf_release(&tmp);
        return -1;
    }
    if (seen) {
        buf_release(&tmp);
        return (long)((uintptr_t)seen - 1);
    }
    char sha[65];
    size_t size = b->len - before;
    cache_sha256(b->data + before, size, sha);
    file_keep(path, b->data + before, size);
    buf_release(&tmp);
    return add_input(p, path, rel, size, sha);
}

int
project_read(struct project *p, struct diag *d, const struct pos *ref,
             const char *rel, size_t limit, struct buf *out)
{
    return read_input(p, d, ref, rel, limit, out) < 0 ? -1 : 0;
}

bool
project_hash(struct project *p, struct diag *d, const struct pos *ref,
             const char *rel, size_t limit, struct input_file *out)
{
    long ix = read_input(p, d, ref, rel, limit, NULL);
    if (ix < 0)
        return false;
    if (out) {
        pthread_mutex_lock(p->lock);
        *out = p->inputs[ix];
        pthread_mutex_unlock(p->lock);
    }
    return true;
}

static int
input_cmp(const void *x, const void *y)
{
    const struct input_file *a = x, *b = y;
    return strcmp(a->rel, b->rel);
}

void
project_index_inputs(struct project *p)
{
    if (p->ninputs > 1)
        qsort(p->inputs, p->ninputs, sizeof *p->inputs, input_cmp);
    g_hash_table_remove_all(p->input_ix);
    if (p->input_paths)
        g_hash_table_destroy(p->input_paths);
    p->input_paths = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < p->ninputs; i++) {
        g_hash_table_insert(p->input_ix, (gpointer)p->inputs[i].rel,
                            (gpointer)(uintptr_t)(i + 1));
        g_hash_table_insert(p->input_paths, (gpointer)p->inputs[i].path,
                            &p->inputs[i]);
    }
}

const struct input_file *
project_find_input(const struct project *p, const char *path)
{
    return p->input_paths ? g_hash_table_lookup(p->input_paths, path) : NULL;
}

size_t
project_inputs_under(const struct project *p, const char *dir, size_t *first)
{
    size_t n = strlen(dir);
    /* inputs are sorted by rel, so those under dir/ are one run */
    size_t lo = 0, hi = p->ninputs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(p->inputs[mid].rel, dir, n);
        if (c < 0 || (c == 0 && p->inputs[mid].rel[n] < '/'))
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    size_t k = lo;
    while (k < p->ninputs && !strncmp(p->inputs[k].rel, dir, n) &&
           p->inputs[k].rel[n] == '/')
        k++;
    return k - lo;
}

static int
load_yaml(struct project *p, struct diag *d, const char *rel,
          const struct node **root)
{
    struct buf b;
    buf_init(&b);
    *root = NULL;
    if (project_read(p, d, NULL, rel, YML_MAX_BYTES, &b) < 0) {
        buf_release(&b);
        return -1;
    }
    struct node *n = NULL;
    int rc = yml_parse(p->arena, d, disp(p, rel), b.data,
                       b.len, 1, &n);
    buf_release(&b);
    *root = n;
    return rc;
}

int
project_source_rank(const char *s)
{
    if (!s)
        return 9;
    if (!strcmp(s, "release"))
        return 0;
    if (!strncmp(s, "csv-", 4) || !strcmp(s, "json"))
        return 1;
    if (!strncmp(s, "mlflow", 6))
        return 2;
    return 3;
}

const struct metric_value *
project_metric(const struct model *m, const char *version,
               const char *metric)
{
    const struct metric_value *best = NULL;
    for (size_t i = 0; i < m->metrics.nvalues; i++) {
        const struct metric_value *v = &m->metrics.values[i];
        if (!v->has_value || v->slice || !v->version || !v->metric ||
            strcmp(v->version, version) || strcmp(v->metric, metric))
            continue;
        if (!best || project_source_rank(v->source) <
                         project_source_rank(best->source))
            best = v;
    }
    return best;
}

int
project_version_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            while (*a == '0' && isdigit((unsigned char)a[1]))
                a++;
            while (*b == '0' && isdigit((unsigned char)b[1]))
                b++;
            size_t la = 0, lb = 0;
            while (isdigit((unsigned char)a[la]))
                la++;
            while (isdigit((unsigned char)b[lb]))
                lb++;
            if (la != lb)
                return la < lb ? -1 : 1;
            int c = strncmp(a, b, la);
            if (c)
                return c;
            a += la;
            b += lb;
        } else {
            if (*a != *b)
                return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            a++;
            b++;
        }
    }
    return *a ? 1 : *b ? -1 : 0;
}

static bool
valid_id(const char *s)
{
    if (!*s || !(islower((unsigned char)*s) || isdigit((unsigned char)*s)))
        return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
              *s == '-' || *s == '_' || *s == '.'))
            return false;
    return true;
}

/* A folder reached through a link that leads out is refused whole. */
static bool
folder_inside(struct project *p, const char *dir, struct diag *d)
{
    if (file_guard_within(p->guard, dir))
        return true;
    struct pos at = {dir, 0, 0};
    diag_error(d, &at,
               "folder leads outside the project folder (through a "
               "symbolic link); it is not read");
    return false;
}

static int
release_cmp(const void *x, const void *y)
{
    const struct release *a = x, *b = y;
    int c = strcmp(a->date ? a->date : "", b->date ? b->date : "");
    return c ? c : project_version_cmp(a->version, b->version);
}

static void
check_release_metrics(struct model *m, const struct release *r,
                      struct diag *d)
{
    const struct node *metrics = node_get(r->node, "metrics");
    if (!metrics || metrics->type != NODE_MAP)
        return;
    const struct node *decl = m->card ? node_get(m->card, "metrics") : NULL;
    size_t nd = decl && decl->type == NODE_SEQ ? decl->n : 0;
    const char **names = xmalloc((nd + 1) * sizeof *names);
    size_t nn = 0;
    for (size_t i = 0; i < nd; i++) {
        const char *s = node_get_str(decl->items[i], "name");
        if (s)
            names[nn++] = s;
    }
    for (size_t i = 0; i < metrics->n; i++) {
        const struct node *k = metrics->pairs[i].key;
        const struct node *v = metrics->pairs[i].value;
        double x;
        if (!node_number(v, &x)) {
            if (v->type == NODE_STR)
                diag_error(d, &v->pos, "metric '%s' must be a number, not "
                                       "'%s'",
                           k->str, v->str);
            else
                diag_error(d, &v->pos, "metric '%s' must be a number, not "
                                       "a %s",
                           k->str, node_type_name(v->type));
        } else if (!isfinite(x)) {
            diag_error(d, &v->pos, "metric '%s' is '%s'; it must be a "
                                   "finite number",
                       k->str, v->str);
        }
        bool known = false;
        for (size_t j = 0; j < nn; j++)
            known |= strcmp(names[j], k->str) == 0;
        if (!known && m->card) {
            const char *sug = diag_suggest(k->str, names, nn);
            if (sug)
                diag_warning(d, &k->pos,
                             "metric '%s' is not declared in %s (did you "
                             "mean '%s'?)",
                             k->str, m->card_path, sug);
            else
                diag_warning(d, &k->pos,
                             "metric '%s' is not declared in %s", k->str,
                             m->card_path);
        }
    }
    free(names);
}

static void
load_releases(struct project *p, struct model *m, const char *mrel,
              struct diag *d)
{
    char *rdir_rel = xasprintf("%s/releases", mrel);
    const char *rdir = disp(p, rdir_rel);
    size_t n = 0;
    char **names = file_is_dir(rdir) && folder_inside(p, rdir, d)
                       ? file_list(rdir, false, &n)
                       : NULL;
    m->releases = arena_alloc(p->arena, (n ? n : 1) * sizeof *m->releases);
    for (size_t i = 0; i < n; i++) {
        const char *name = names[i];
        size_t len = strlen(name);
        char *rel = xasprintf("%s/%s", rdir_rel, name);
        if (len < 6 || strcmp(name + len - 5, ".yaml") != 0) {
            struct pos at = {disp(p, rel), 0, 0};
            diag_warning(d, &at,
                         "ignored: release records are <version>.yaml");
            free(rel);
            continue;
        }
        bool ok_name = true;
        for (size_t k = 0; k < len - 5; k++)
            ok_name &= isalnum((unsigned char)name[k]) ||
                       strchr("._+-", name[k]) != NULL;
        if (!ok_name) {
            struct pos at = {disp(p, rel), 0, 0};
            diag_error(d, &at,
                       "release file name '%s' is not a version (use "
                       "letters, digits, '.', '_', '+' and '-')",
                       name);
            free(rel);
            continue;
        }
        const struct node *root;
        int rc = load_yaml(p, d, rel, &root);
        const char *path = disp(p, rel);
        free(rel);
        if (rc < 0)
            continue;
        if (schema_check(&schema_release, root, path, d) < 0)
            continue;
        struct release *r = &m->releases[m->nreleases];
        r->version = arena_strndup(p->arena, name, len - 5);
        r->file = path;
        r->node = root;
        r->date = node_get_str(root, "date");
        r->status = node_get_str(root, "status");
        r->decision = node_get_str(root, "decision");
        const struct node *v = node_get(root, "version");
        if (v && node_is_scalar(v) && strcmp(v->str, r->version) != 0) {
            diag_error(d, &v->pos,
                       "version '%s' does not match the file name '%s'",
                       v->str, name);
            continue;
        }
        check_release_metrics(m, r, d);
        m->nreleases++;
    }
    file_list_free(names);
    free(rdir_rel);
    qsort(m->releases, m->nreleases, sizeof *m->releases, release_cmp);
}

static void
load_readme(struct project *p, struct model *m, const char *mrel,
            struct diag *d)
{
    char *rel = xasprintf("%s/README.md", mrel);
    const char *path = disp(p, rel);
    if (!file_exists(path)) {
        free(rel);
        return;
    }
    struct buf b;
    buf_init(&b);
    if (project_read(p, d, NULL, rel, PAGE_MAX_BYTES, &b) == 0) {
        struct front_matter fm;
        if (markdown_front_matter(d, path, b.data, b.len, &fm) == 0) {
            bool hf = false;
            if (fm.present) {
                struct node *n = NULL;
                if (yml_parse(p->arena, d, path, b.data + fm.fm_off,
                              fm.fm_len, fm.fm_line, &n) == 0) {
                    if (n && n->type != NODE_MAP && n->type != NODE_NULL)
                        diag_error(d, &n->pos,
                                   "README front matter must be a mapping "
                                   "of fields, not a %s",
                                   node_type_name(n->type));
                    else
                        m->readme_fm = n;
                }
                static const char *const hf_keys[] = {
                    "model-index", "license",  "pipeline_tag", "base_model",
                    "datasets",    "language", "library_name", "tags"};
                for (size_t k = 0; m->readme_fm &&
                                   k < sizeof hf_keys / sizeof *hf_keys;
                     k++)
                    hf |= node_get(m->readme_fm, hf_keys[k]) != NULL;
            }
            size_t body_off = fm.body_off;
            if (hf) {
                /* a Hugging Face card: its data fills the card where
                 * model.yaml is silent, its body is the narrative */
                struct node *card = NULL;
                char *narr = NULL;
                unsigned line = 0;
                if (hfcard_parse(p->arena, d, path, b.data, b.len, &card,
                                 &narr, &line, &m->metrics) == 0)
                    m->hf_card = card;
                (void)narr;
                (void)line;
            }
            char *html = markdown_html(b.data + body_off,
                                       b.len - body_off);
            m->readme_html = arena_strdup(p->arena, html);
            m->readme_line = fm.body_line;
            free(html);
            m->readme_path = path;
        }
    }
    buf_release(&b);
    free(rel);
}

/* "<" followed by a letter, "/" or "!": the start of a tag or comment. */
static bool
looks_like_markup(const char *s)
{
    for (; *s; s++)
        if (s[0] == '<' && (isalpha((unsigned char)s[1]) || s[1] == '/' ||
                            s[1] == '!'))
            return true;
    return false;
}

/* model_card.json from the Model Card Toolkit. */
static void
load_mct(struct project *p, struct model *m, const char *mrel,
         struct diag *d)
{
    char *rel = xasprintf("%s/model_card.json", mrel);
    const char *path = disp(p, rel);
    if (file_exists(path)) {
        struct buf b;
        buf_init(&b);
        struct node *root = NULL, *card = NULL;
        if (project_read(p, d, NULL, rel, YML_MAX_BYTES, &b) == 0 &&
            json_parse(p->arena, d, path, b.data, b.len, &root) == 0 &&
            mct_from_node(p->arena, d, root, &card, &m->metrics) == 0) {
            m->mct_card = card;
            m->mct_path = path;
        }
        buf_release(&b);
    }
    free(rel);
}

/* Hashes every file below rel for the audit trail and refuses the folder
 * if anything in it leads outside the project; returns -1 then. Each file
 * hashed is also added to got. */
static int
hash_tree(struct project *p, const char *rel, struct diag *d, int depth,
          struct facts_inputs *got)
{
    const char *dir = disp(p, rel);
    if (depth > 16 || !folder_inside(p, dir, d))
        return -1;
    size_t n;
    unsigned char *types = NULL;
    char **names = file_list_typed(dir, true, &n, &types);
    int rc = 0;
    for (size_t i = 0; names && i < n; i++) {
        char *r = xasprintf("%s/%s", rel, names[i]);
        const char *path = disp(p, r);
        /* the folder's own record of the type saves a stat per file */
        struct stat lst = {0};
        if (types[i] == DT_REG)
            lst.st_mode = S_IFREG;
        else if (types[i] == DT_DIR)
            lst.st_mode = S_IFDIR;
        else if (types[i] == DT_LNK)
            lst.st_mode = S_IFLNK;
        else if (lstat(path, &lst) != 0)
            lst.st_mode = 0;
        bool link = S_ISLNK(lst.st_mode);
        if (link && !file_guard_within(p->guard, path)) {
            struct pos at = {path, 0, 0};
            diag_error(d, &at, "leads outside the project folder (through "
                               "a symbolic link); the metrics folder is not "
                               "read");
            rc = -1;
        } else if (link ? file_is_dir(path) : S_ISDIR(lst.st_mode)) {
            if (hash_tree(p, r, d, depth + 1, got) < 0)
                rc = -1;
        } else {
            struct input_file f;
            if (!project_hash(p, d, NULL, r, (size_t)1 << 30, &f))
                rc = -1;
            else
                facts_inputs_add(got, f.rel, f.size, f.sha256);
        }
        free(r);
    }
    file_list_free(names);
    free(types);
    return rc;
}

/* {======================================================= facts */

bool
project_facts_key(struct project *p, const struct model *m, const char *kind,
                  const char *extra, char key[65])
{
    const struct project_reuse *r = p->reuse;
    const char *digest = r && r->stamp ? stamp_child(r->stamp, m->id) : NULL;
    if (!digest)
        return false;
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%s %s\n%s\n%s\n%s\n%s\n", FACTS_DIR, kind, digest,
               r->program_id ? r->program_id : "", p->root,
               extra ? extra : "");
    cache_sha256(b.data, b.len, key);
    buf_release(&b);
    return true;
}

void
project_add_known_input(struct project *p, const struct facts_input *f)
{
    add_input(p, disp(p, f->rel), f->rel, f->size, f->sha256);
}

bool
project_facts_read(const struct project *p, const struct model *m,
                   const char *kind, struct buf *out)
{
    const char *prev = p->reuse ? p->reuse->previous : NULL;
    if (!prev)
        return false;
    char *path = xasprintf("%s/%s/%s/%s", prev, FACTS_DIR, kind, m->id);
    struct diag quiet;
    diag_init(&quiet);
    bool ok = file_read(&quiet, NULL, path, (size_t)1 << 30, out) == 0;
    diag_release(&quiet);
    free(path);
    return ok;
}

void
project_facts_keep(const struct project *p, const struct model *m,
                   const char *kind, const char *data, size_t len,
                   bool reused, struct diag *d)
{
    const struct project_reuse *r = p->reuse;
    if (!r || !r->publish)
        return;
    char *rel = xasprintf("%s/%s/%s", FACTS_DIR, kind, m->id);
    bool done = false;
    if (reused && r->previous) {
        /* unchanged: the same file, as for an unchanged page */
        char *from = file_join(r->previous, rel);
        done = publish_link(r->publish, from, rel) == 0;
        free(from);
    }
    if (!done && publish_write(r->publish, rel, data, len) < 0) {
        char *to = file_join(r->publish->tmp, rel);
        struct pos at = {to, 0, 0};
        diag_error(d, &at, "cannot write: %s", strerror(errno));
        free(to);
    }
    free(rel);
}

/* Takes m's metrics from the previous site's record when its key is key. */
static bool
reuse_metrics(struct project *p, struct model *m, const char *key,
              struct diag *d)
{
    struct buf b;
    buf_init(&b);
    struct facts_input *in = NULL;
    size_t nin = 0;
    bool ok = project_facts_read(p, m, "metrics", &b) &&
              facts_decode(b.data, b.len, key, p->arena, &m->metrics, &in,
                           &nin, d) == 0;
    if (ok) {
        for (size_t i = 0; i < nin; i++)
            project_add_known_input(p, &in[i]);
        m->facts_reused = true;
        project_facts_keep(p, m, "metrics", b.data, b.len, true, d);
    }
    buf_release(&b);
    return ok;
}

/* }======================================================= */

/* Release records' inline metrics, the metrics/ folder and the Hub's
 * .eval_results/, then runs tied to releases. */
static void
load_metrics(struct project *p, struct model *m, const char *mrel,
             struct diag *d)
{
    for (size_t i = 0; i < m->nreleases; i++) {
        const struct release *r = &m->releases[i];
        const struct node *vals = node_get(r->node, "metrics");
        for (size_t k = 0; vals && vals->type == NODE_MAP && k < vals->n;
             k++) {
            const struct node *v = vals->pairs[k].value;
            double x;
            if (!node_number(v, &x))
                continue; /* reported by the release checks */
            struct metric_value *mv = metrics_add_value(&m->metrics,
                                                        p->arena);
            mv->version = r->version;
            mv->metric = vals->pairs[k].key->str;
            mv->value = x;
            mv->has_value = true;
            mv->raw = v->str;
            mv->pos = v->pos;
            mv->source = "release";
        }
    }
    char key[65] = "";
    if (project_facts_key(p, m, "metrics", NULL, key) &&
        reuse_metrics(p, m, key, d))
        goto runs;
    size_t v0 = m->metrics.nvalues, r0 = m->metrics.nruns, d0 = d->n;
    struct facts_inputs got = {0};
    static const char *const folders[] = {"metrics", ".eval_results"};
    for (size_t f = 0; f < 2; f++) {
        char *rel = xasprintf("%s/%s", mrel, folders[f]);
        const char *dir = disp(p, rel);
        /* the importers parse the very bytes that were hashed */
        file_keep_begin();
        if (file_is_dir(dir) && hash_tree(p, rel, d, 0, &got) == 0)
            metrics_load_path(p->arena, d, dir, &m->metrics);
        file_keep_end();
        free(rel);
    }
    /* A store of millions of points would make a record of tens of MB,
     * built in memory and written on every full build: it costs more
     * there than it saves a rebuild, so such a model is read each time. */
    size_t points = 0;
    for (size_t i = v0; i < m->metrics.nvalues; i++)
        points += m->metrics.values[i].nhistory;
    if (*key && points <= FACTS_MAX_POINTS) {
        struct buf b;
        buf_init(&b);
        facts_encode(&b, key, got.v, got.n, &m->metrics, v0, r0, d, d0);
        project_facts_keep(p, m, "metrics", b.data, b.len, false, d);
        buf_release(&b);
    }
    free(got.v);
runs:
    if (m->nreleases) {
        struct metrics_release *rel = xcalloc(m->nreleases, sizeof *rel);
        for (size_t i = 0; i < m->nreleases; i++) {
            rel[i].version = m->releases[i].version;
            rel[i].mlflow_run = node_get_str(m->releases[i].node,
                                             "mlflow_run");
            const struct node *mr = node_get(m->releases[i].node,
                                             "mlflow_run");
            rel[i].pos = mr ? mr->pos : m->releases[i].node->pos;
        }
        metrics_assign_versions(&m->metrics, d, rel, m->nreleases);
        free(rel);
    }
}

/* The card the pages show: model.yaml's fields, then the Hugging Face
 * card's, then the Model Card Toolkit's, key by key and one level deep
 * (so details.license can come from the README while details.description
 * comes from model.yaml). Records where each top-level field came from. */
static void
merge_cards(struct project *p, struct model *m)
{
    const struct node *srcs[] = {m->card, m->hf_card, m->mct_card};
    const char *names[] = {m->card_path, m->readme_path, m->mct_path};
    struct pos top = {m->card_path, 1, 1};
    struct node *out = cardtree_map(p->arena, top);
    size_t cap = 64;
    m->field_keys = arena_alloc(p->arena, cap * sizeof *m->field_keys);
    m->field_sources = arena_alloc(p->arena, cap * sizeof *m->field_sources);
    for (size_t s = 0; s < 3; s++) {
        const struct node *src = srcs[s];
        if (!src || src->type != NODE_MAP)
            continue;
        for (size_t i = 0; i < src->n; i++) {
            const struct node_pair *pr = &src->pairs[i];
            const struct node *have = node_get(out, pr->key->str);
            if (!have) {
                cardtree_put(p->arena, out, pr->key->str, pr->key->pos,
                             pr->value);
                if (m->nfields < cap) {
                    m->field_keys[m->nfields] = pr->key->str;
                    m->field_sources[m->nfields] =
                        project_relpath(p, names[s]);
                    m->nfields++;
                }
            } else if (have->type == NODE_MAP &&
                       pr->value->type == NODE_MAP && s > 0) {
                /* fill the sub-fields model.yaml left out */
                struct node *sub = cardtree_map(p->arena, have->pos);
                for (size_t k = 0; k < have->n; k++)
                    cardtree_put(p->arena, sub, have->pairs[k].key->str,
                                 have->pairs[k].key->pos,
                                 have->pairs[k].value);
                for (size_t k = 0; k < pr->value->n; k++)
                    cardtree_put(p->arena, sub,
                                 pr->value->pairs[k].key->str,
                                 pr->value->pairs[k].key->pos,
                                 pr->value->pairs[k].value);
                for (size_t k = 0; k < out->n; k++)
                    if (!strcmp(out->pairs[k].key->str, pr->key->str))
                        out->pairs[k].value = sub;
            }
        }
    }
    m->merged = out;
}

/* Everything about one model beyond its folder's name: the cards,
 * releases, metrics and value sheet. Runs on a load thread. */
static void
load_model(struct project *p, struct model *m, struct diag *d)
{
    const char *mrel = m->rel;
    char *crel = xasprintf("%s/model.yaml", mrel);
    m->card_path = disp(p, crel);
    bool has_card = file_exists(m->card_path);
    if (has_card) {
        const struct node *root;
        if (load_yaml(p, d, crel, &root) == 0 &&
            schema_check(&schema_model, root, m->card_path, d) == 0)
            m->card = root;
        else if (root && root->type == NODE_MAP)
            m->card = root; /* keep what loaded; the build fails */
    }
    free(crel);
    metrics_set_init(&m->metrics);
    const struct node *name = m->card ? node_get(m->card, "name") : NULL;
    if (name && node_is_scalar(name) && looks_like_markup(name->str))
        diag_error(d, &name->pos,
                   "model name '%s' contains HTML markup; names are "
                   "plain text",
                   name->str);
    load_readme(p, m, mrel, d);
    load_mct(p, m, mrel, d);
    if (!has_card && !m->hf_card && !m->mct_card) {
        struct pos at = {m->dir, 0, 0};
        diag_error(d, &at,
                   "model folder has no model.yaml (nor a Hugging Face "
                   "README.md or a model_card.json to read instead)");
    }
    load_releases(p, m, mrel, d);
    load_metrics(p, m, mrel, d);
    merge_cards(p, m);
    char *vrel = xasprintf("%s/value.yaml", mrel);
    if (file_exists(disp(p, vrel))) {
        const struct node *root;
        m->value_path = disp(p, vrel);
        /* a sheet with any error is not rendered: no made-up figures */
        if (load_yaml(p, d, vrel, &root) == 0 &&
            value_check(root, m->value_path, d) == 0)
            m->value = root;
    }
    free(vrel);
}

struct load_run {
    struct project *p;
    void (*fn)(struct project *, size_t, void *, struct diag *);
    void *ctx;
    pthread_mutex_t lock;
    size_t next;
};

struct load_thread {
    struct load_run *run;
    struct diag d;
    pthread_t thread;
    bool started;
};

static void *
load_thread_main(void *arg)
{
    struct load_thread *t = arg;
    struct load_run *r = t->run;
    for (;;) {
        pthread_mutex_lock(&r->lock);
        size_t i = r->next++;
        pthread_mutex_unlock(&r->lock);
        if (i >= r->p->nmodels)
            break;
        r->fn(r->p, i, r->ctx, &t->d);
    }
    return NULL;
}

void
project_each_model(struct project *p,
                   void (*fn)(struct project *, size_t, void *,
                              struct diag *),
                   void *ctx, struct diag *d)
{
    /* Each thread reports to its own diag, merged afterwards: a step's "did
     * this file fail" must not see another thread's errors, and the
     * printed messages are sorted by place, so they do not depend on which
     * thread loaded what. */
    struct load_run r = {.p = p, .fn = fn, .ctx = ctx};
    pthread_mutex_init(&r.lock, NULL);
    int jobs = p->jobs < 1 ? 1 : p->jobs;
    if ((size_t)jobs > p->nmodels)
        jobs = p->nmodels ? (int)p->nmodels : 1;
    struct load_thread *t = xcalloc((size_t)jobs, sizeof *t);
    for (int i = 0; i < jobs; i++) {
        t[i].run = &r;
        diag_init(&t[i].d);
        t[i].d.strict = d->strict;
    }
    for (int i = 1; i < jobs; i++)
        t[i].started =
            pthread_create(&t[i].thread, NULL, load_thread_main, &t[i]) == 0;
    load_thread_main(&t[0]);
    for (int i = 0; i < jobs; i++) {
        if (t[i].started)
            pthread_join(t[i].thread, NULL);
        diag_merge(d, &t[i].d);
        diag_release(&t[i].d);
    }
    free(t);
    pthread_mutex_destroy(&r.lock);
}

static void
load_model_at(struct project *p, size_t i, void *ctx, struct diag *d)
{
    (void)ctx;
    load_model(p, &p->models[i], d);
}

static void
load_models(struct project *p, struct diag *d)
{
    const char *mdir = disp(p, "content/models");
    size_t n = 0;
    char **names = file_is_dir(mdir) && folder_inside(p, mdir, d)
                       ? file_list(mdir, false, &n)
                       : NULL;
    p->models = arena_alloc(p->arena, (n ? n : 1) * sizeof *p->models);
    for (size_t i = 0; i < n; i++) {
        char *mrel = xasprintf("content/models/%s", names[i]);
        const char *dir = disp(p, mrel);
        if (!file_is_dir(dir) || !folder_inside(p, dir, d)) {
            free(mrel);
            continue;
        }
        if (!valid_id(names[i])) {
            struct pos at = {dir, 0, 0};
            diag_error(d, &at,
                       "model folder name '%s' is not a valid id (use "
                       "lowercase letters, digits, '-', '_' and '.')",
                       names[i]);
            free(mrel);
            continue;
        }
        struct model *m = &p->models[p->nmodels++];
        m->id = arena_strdup(p->arena, names[i]);
        m->dir = dir;
        m->rel = arena_strdup(p->arena, mrel);
        free(mrel);
    }
    file_list_free(names);
    project_each_model(p, load_model_at, NULL, d);
}

static int
page_cmp(const void *x, const void *y)
{
    const struct page *a = x, *b = y;
    if (a->weight != b->weight)
        return a->weight < b->weight ? -1 : 1;
    return strcmp(a->slug, b->slug);
}

static void
load_pages(struct project *p, struct diag *d)
{
    const char *pdir = disp(p, "content/pages");
    size_t n = 0;
    char **names = file_is_dir(pdir) && folder_inside(p, pdir, d)
                       ? file_list(pdir, false, &n)
                       : NULL;
    p->pages = arena_alloc(p->arena, (n ? n : 1) * sizeof *p->pages);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        if (len < 4 || strcmp(names[i] + len - 3, ".md") != 0)
            continue;
        char *rel = xasprintf("content/pages/%s", names[i]);
        const char *path = disp(p, rel);
        struct buf b;
        buf_init(&b);
        struct front_matter fm;
        char *slug = xstrndup(names[i], len - 3);
        if (!valid_id(slug)) {
            struct pos at = {path, 0, 0};
            diag_error(d, &at,
                       "page file name '%s' is not a valid slug (use "
                       "lowercase letters, digits, '-', '_' and '.')",
                       names[i]);
        } else if (project_read(p, d, NULL, rel, PAGE_MAX_BYTES, &b) == 0 &&
                   markdown_front_matter(d, path, b.data, b.len, &fm) == 0) {
            struct node *root = NULL;
            if (!fm.present) {
                struct pos at = {path, 1, 1};
                diag_error(d, &at,
                           "page has no front matter; start it with "
                           "'---', a 'title:' line and '---'");
            } else if (yml_parse(p->arena, d, path, b.data + fm.fm_off,
                                 fm.fm_len, fm.fm_line, &root) == 0 &&
                       schema_check(&schema_page, root, path, d) == 0) {
                struct page *pg = &p->pages[p->npages++];
                pg->slug = arena_strdup(p->arena, slug);
                pg->path = path;
                pg->fm = root;
                pg->title = node_get_str(root, "title");
                const struct node *w = node_get(root, "weight");
                pg->weight = w && w->type == NODE_INT ? w->v.i : 0;
                char *html = markdown_html(b.data + fm.body_off,
                                           b.len - fm.body_off);
                pg->html = arena_strdup(p->arena, html);
                free(html);
            }
        }
        free(slug);
        buf_release(&b);
        free(rel);
    }
    file_list_free(names);
    qsort(p->pages, p->npages, sizeof *p->pages, page_cmp);
}

static void
set_epoch(struct project *p, struct diag *d)
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    long long epoch = -1;
    if (env && *env) {
        char *end;
        long long v = strtoll(env, &end, 10);
        if (*end || v < 0)
            diag_warning(d, NULL,
                         "SOURCE_DATE_EPOCH='%s' is not a number of "
                         "seconds; ignored",
                         env);
        else
            epoch = v;
    }
    if (epoch < 0) {
        /* Without it, today: gates such as "reviewed within 365 days" are
         * about now. Reproducible builds set SOURCE_DATE_EPOCH (make site
         * uses the last commit's time). */
        epoch = (long long)time(NULL);
    }
    p->epoch = epoch;
    time_t t = (time_t)epoch;
    struct tm tm;
    gmtime_r(&t, &tm);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    p->build_date = arena_strdup(p->arena, date);
}

int
project_load(struct project *p, const char *root, struct diag *d)
{
    return project_load_jobs(p, root, 1, NULL, d);
}

int
project_load_jobs(struct project *p, const char *root, int jobs,
                  const struct project_reuse *reuse, struct diag *d)
{
    memset(p, 0, sizeof *p);
    p->reuse = reuse;
    p->arena = arena_new();
    pthread_mutex_t *lock = xmalloc(sizeof *lock);
    pthread_mutex_init(lock, NULL);
    p->lock = lock;
    p->jobs = jobs;
    p->root = arena_strdup(p->arena, root);
    char abs[PATH_MAX];
    if (!realpath(root, abs)) {
        struct pos at = {root, 0, 0};
        return diag_error(d, &at, "cannot open the project folder");
    }
    p->root_abs = arena_strdup(p->arena, abs);
    p->guard = file_guard_new(abs);
    p->input_ix = g_hash_table_new(g_str_hash, g_str_equal);
    p->content = disp(p, "content");
    size_t before = diag_errors(d);
    if (!file_is_dir(p->content)) {
        struct pos at = {p->content, 0, 0};
        return diag_error(d, &at,
                          "no content/ folder here; is this a dossier "
                          "project? (use -C DIR)");
    }
    p->site_path = disp(p, "content/site.yaml");
    const struct node *site = NULL;
    if (!file_exists(p->site_path) && file_guard_within(p->guard, p->site_path)) {
        struct pos at = {p->site_path, 0, 0};
        diag_error(d, &at,
                   "file not found; every project needs a site.yaml with "
                   "'title' and 'organisation'");
    } else if (load_yaml(p, d, "content/site.yaml", &site) == 0 &&
        schema_check(&schema_site, site, p->site_path, d) == 0)
        p->site = site;
    if (p->site) {
        const struct node *cur = node_get(p->site, "currency");
        if (cur && node_is_scalar(cur) && !value_is_currency(cur->str))
            diag_error(d, &cur->pos,
                       "currency '%s' is not an ISO 4217 code (e.g. EUR, "
                       "USD, GBP)",
                       cur->str);
    }
    static const char *const kinds[] = {"metrics", "compliance"};
    for (size_t k = 0; reuse && reuse->publish && k < 2; k++) {
        char *fd = xasprintf("%s/%s/%s", reuse->publish->tmp, FACTS_DIR,
                             kinds[k]);
        if (file_mkdirs(fd) < 0) {
            struct pos at = {fd, 0, 0};
            diag_error(d, &at, "cannot create: %s", strerror(errno));
        }
        free(fd);
    }
    load_models(p, d);
    load_pages(p, d);
    p->portfolio_path = disp(p, "content/portfolio.yaml");
    if (file_exists(p->portfolio_path)) {
        const struct node *pf;
        if (load_yaml(p, d, "content/portfolio.yaml", &pf) == 0 &&
            value_check_portfolio(pf, p->portfolio_path, d) == 0)
            p->portfolio = pf;
    } else {
        p->portfolio_path = NULL;
    }
    project_index_inputs(p);
    set_epoch(p, d);
    return diag_errors(d) > before ? -1 : 0;
}

void
project_release(struct project *p)
{
    free(p->inputs);
    free(p->catalogs);
    free(p->used);
    free(p->crosswalks);
    free(p->gates);
    free(p->outcomes);
    file_guard_free(p->guard);
    if (p->lock) {
        pthread_mutex_destroy(p->lock);
        free(p->lock);
    }
    if (p->input_ix)
        g_hash_table_destroy(p->input_ix);
    if (p->input_paths)
        g_hash_table_destroy(p->input_paths);
    arena_free(p->arena);
    memset(p, 0, sizeof *p);
}
