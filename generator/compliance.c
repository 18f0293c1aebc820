/* compliance: catalogs, crosswalks, answers and coverage (compliance.h). */
#include "compliance.h"

#include <limits.h>
#include <glib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "facts.h"
#include "file.h"
#include "project.h"
#include "schema.h"
#include "xmem.h"
#include "yml.h"

#define EVIDENCE_MAX_BYTES (64u * 1024 * 1024)

/* ---- shapes ------------------------------------------------------------ */

static const struct schema_field str_item = {"", SCHEMA_STR, 0, NULL, NULL,
                                             NULL, 0, 0, NULL};
#define F(k, kind, flags) {k, kind, flags, NULL, NULL, NULL, 0, 0, NULL}
#define FE(k, e, flags) {k, SCHEMA_ENUM, flags, e, NULL, NULL, 0, 0, NULL}
#define FM(k, s, flags) {k, SCHEMA_MAP, flags, NULL, &s, NULL, 0, 0, NULL}
#define FL(k, it, flags) {k, SCHEMA_LIST, flags, NULL, NULL, &it, 0, 0, NULL}
#define END {NULL, SCHEMA_ANY, 0, NULL, NULL, NULL, 0, 0, NULL}

static const char *const risks[] = {"prohibited", "high", "limited",
                                    "minimal", NULL};
static const char *const roles[] = {"provider", "deployer", NULL};
static const char *const kinds[] = {"classic", "llm", NULL};
static const char *const item_kinds[] = {"screening", "classification",
                                         "obligation", NULL};
static const char *const statuses[] = {"met", "partial", "not-met",
                                       "not-applicable", NULL};

static const struct schema_field risk_item = FE("", risks, 0);
static const struct schema_field role_item = FE("", roles, 0);
static const struct schema_field kind_item = FE("", kinds, 0);
static const struct schema_field applies_fields[] = {
    FL("risk", risk_item, SCHEMA_SCALAR_OK),
    FL("roles", role_item, SCHEMA_SCALAR_OK),
    FL("kinds", kind_item, SCHEMA_SCALAR_OK),
    END,
};
static const struct schema applies_schema = {"applies_to", applies_fields,
                                             false};
static const struct schema_field item_fields[] = {
    F("id", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("title", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    FE("kind", item_kinds, 0),
    F("guidance", SCHEMA_TEXT, 0),
    FM("applies_to", applies_schema, 0),
    F("applies_from", SCHEMA_STR, 0),
    F("condition", SCHEMA_TEXT, 0),
    END,
};
static const struct schema item_schema = {"a catalog item", item_fields,
                                          false};
static const struct schema_field item_item = FM("", item_schema, 0);
static const struct schema section_schema;
static const struct schema_field section_item = FM("", section_schema, 0);
static const struct schema_field section_fields[] = {
    F("id", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("title", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("summary", SCHEMA_TEXT, 0),
    FL("items", item_item, 0),
    FL("sections", section_item, 0),
    END,
};
static const struct schema section_schema = {"a catalog section",
                                             section_fields, false};
static const struct schema_field date_fields[] = {
    F("id", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("date", SCHEMA_DATE, SCHEMA_REQUIRED),
    F("label", SCHEMA_STR, 0),
    END,
};
static const struct schema date_schema = {"an application date", date_fields,
                                          false};
static const struct schema_field date_item = FM("", date_schema, 0);
static const struct schema_field catalog_fields[] = {
    F("id", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("title", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("full_title", SCHEMA_STR, 0),
    F("version", SCHEMA_STR, 0),
    F("published", SCHEMA_DATE, 0),
    F("source", SCHEMA_URL, 0),
    F("voluntary", SCHEMA_BOOL, 0),
    FL("dates", date_item, 0),
    FL("sections", section_item, SCHEMA_REQUIRED),
    END,
};
static const struct schema catalog_schema = {"a framework catalog",
                                             catalog_fields, false};

static const struct schema_field row_fields[] = {
    F("from", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    FL("to", str_item, SCHEMA_REQUIRED | SCHEMA_SCALAR_OK),
    F("rationale", SCHEMA_TEXT, SCHEMA_REQUIRED),
    END,
};
static const struct schema row_schema = {"a crosswalk row", row_fields,
                                         false};
static const struct schema_field row_item = FM("", row_schema, 0);
static const struct schema_field crosswalk_fields[] = {
    F("id", SCHEMA_STR, SCHEMA_REQUIRED | SCHEMA_NONEMPTY),
    F("title", SCHEMA_STR, SCHEMA_REQUIRED),
    F("from", SCHEMA_STR, SCHEMA_REQUIRED),
    F("to", SCHEMA_STR, SCHEMA_REQUIRED),
    F("provenance", SCHEMA_TEXT, 0),
    FL("rows", row_item, SCHEMA_REQUIRED),
    END,
};
static const struct schema crosswalk_schema = {"a crosswalk",
                                               crosswalk_fields, false};

static const struct schema_field answer_fields[] = {
    FE("status", statuses, SCHEMA_REQUIRED),
    FL("evidence", str_item, SCHEMA_SCALAR_OK),
    F("owner", SCHEMA_STR, 0),
    F("reviewed", SCHEMA_DATE, 0),
    F("note", SCHEMA_TEXT, 0),
    F("justification", SCHEMA_TEXT, 0),
    END,
};
static const struct schema answer_schema = {"an answer", answer_fields,
                                            false};
static const struct schema_field no_fields[] = {END};
static const struct schema answers_map = {"answers", no_fields, true};
static const struct schema_field answers_fields[] = {
    F("framework", SCHEMA_STR, 0),
    FM("answers", answers_map, SCHEMA_REQUIRED),
    END,
};
static const struct schema answers_schema = {"an answers file",
                                             answers_fields, false};

/* ---- catalogs ---------------------------------------------------------- */

static unsigned
mask_of(const struct node *list, const char *const *names)
{
    if (!list)
        return 0;
    unsigned m = 0;
    size_t n = list->type == NODE_SEQ ? list->n : 1;
    for (size_t i = 0; i < n; i++) {
        const struct node *v = list->type == NODE_SEQ ? list->items[i] : list;
        for (unsigned b = 0; names[b]; b++)
            if (node_is_scalar(v) && strcmp(v->str, names[b]) == 0)
                m |= 1u << b;
    }
    return m;
}

static unsigned
bit_of(const char *s, const char *const *names)
{
    for (unsigned b = 0; s && names[b]; b++)
        if (strcmp(s, names[b]) == 0)
            return 1u << b;
    return 0;
}

struct catalog_builder {
    struct catalog_section *sections;
    size_t nsections, capsections;
    struct catalog_item *items;
    size_t nitems, capitems;
};

static void
add_sections(struct project *p, struct catalog *c, struct catalog_builder *b,
             const struct node *list, int level, struct diag *d)
{
    for (size_t i = 0; list && list->type == NODE_SEQ && i < list->n; i++) {
        const struct node *s = list->items[i];
        if (b->nsections == b->capsections) {
            b->capsections = b->capsections ? b->capsections * 2 : 16;
            b->sections = xrealloc(b->sections,
                                   b->capsections * sizeof *b->sections);
        }
        size_t si = b->nsections++;
        struct catalog_section *sec = &b->sections[si];
        memset(sec, 0, sizeof *sec);
        sec->id = node_get_str(s, "id");
        sec->title = node_get_str(s, "title");
        sec->summary = node_get_str(s, "summary");
        sec->level = level;
        sec->first = b->nitems;
        const struct node *items = node_get(s, "items");
        for (size_t k = 0; items && items->type == NODE_SEQ && k < items->n;
             k++) {
            const struct node *it = items->items[k];
            if (b->nitems == b->capitems) {
                b->capitems = b->capitems ? b->capitems * 2 : 64;
                b->items = xrealloc(b->items, b->capitems * sizeof *b->items);
            }
            struct catalog_item *x = &b->items[b->nitems++];
            memset(x, 0, sizeof *x);
            x->id = node_get_str(it, "id");
            x->title = node_get_str(it, "title");
            x->guidance = node_get_str(it, "guidance");
            x->kind = node_get_str(it, "kind");
            x->condition = node_get_str(it, "condition");
            x->applies_from = node_get_str(it, "applies_from");
            x->section = si;
            x->pos = it->pos;
            const struct node *ap = node_get(it, "applies_to");
            x->risk_mask = mask_of(node_get(ap, "risk"), risks);
            x->role_mask = mask_of(node_get(ap, "roles"), roles);
            x->kind_mask = mask_of(node_get(ap, "kinds"), kinds);
            if (x->applies_from) {
                for (size_t dd = 0; dd < c->ndates; dd++)
                    if (!strcmp(c->dates[dd].id, x->applies_from))
                        x->applies_from_date = c->dates[dd].date;
                if (!x->applies_from_date) {
                    const struct node *af = node_get(it, "applies_from");
                    diag_error(d, &af->pos,
                               "applies_from '%s' is not one of the "
                               "catalog's dates",
                               x->applies_from);
                }
            }
        }
        b->sections[si].n = b->nitems - b->sections[si].first;
        add_sections(p, c, b, node_get(s, "sections"), level + 1, d);
    }
}

static void
load_catalog(struct project *p, struct catalog *c, const struct node *root,
             const char *path, struct diag *d)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    c->id = node_get_str(root, "id");
    c->title = node_get_str(root, "title");
    c->full_title = node_get_str(root, "full_title");
    c->version = node_get_str(root, "version");
    c->source = node_get_str(root, "source");
    const struct node *v = node_get(root, "voluntary");
    c->voluntary = v && v->type == NODE_BOOL && v->v.b;
    const struct node *dates = node_get(root, "dates");
    if (dates && dates->type == NODE_SEQ && dates->n) {
        c->dates = arena_alloc(p->arena, dates->n * sizeof *c->dates);
        for (size_t i = 0; i < dates->n; i++) {
            c->dates[i].id = node_get_str(dates->items[i], "id");
            c->dates[i].date = node_get_str(dates->items[i], "date");
            c->dates[i].label = node_get_str(dates->items[i], "label");
        }
        c->ndates = dates->n;
    }
    struct catalog_builder b = {0};
    add_sections(p, c, &b, node_get(root, "sections"), 0, d);
    c->sections = arena_alloc(p->arena,
                              (b.nsections ? b.nsections : 1) *
                                  sizeof *c->sections);
    if (b.nsections)
        memcpy(c->sections, b.sections, b.nsections * sizeof *b.sections);
    c->nsections = b.nsections;
    c->items = arena_alloc(p->arena,
                           (b.nitems ? b.nitems : 1) * sizeof *c->items);
    if (b.nitems)
        memcpy(c->items, b.items, b.nitems * sizeof *b.items);
    c->nitems = b.nitems;
    free(b.sections);
    free(b.items);
    /* ids must be unique: answers are keyed by them */
    for (size_t i = 0; i < c->nitems; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(c->items[i].id, c->items[j].id)) {
                diag_error(d, &c->items[i].pos,
                           "item id '%s' is used twice in the catalog "
                           "(first at line %u)",
                           c->items[i].id, c->items[j].pos.line);
                break;
            }
}

static void
load_crosswalk(struct project *p, struct crosswalk *x,
               const struct node *root, const char *path)
{
    memset(x, 0, sizeof *x);
    x->path = path;
    x->id = node_get_str(root, "id");
    x->title = node_get_str(root, "title");
    x->from = node_get_str(root, "from");
    x->to = node_get_str(root, "to");
    x->provenance = node_get_str(root, "provenance");
    const struct node *rows = node_get(root, "rows");
    size_t n = rows && rows->type == NODE_SEQ ? rows->n : 0;
    x->rows = arena_alloc(p->arena, (n ? n : 1) * sizeof *x->rows);
    for (size_t i = 0; i < n; i++) {
        const struct node *r = rows->items[i];
        struct crosswalk_row *row = &x->rows[x->nrows++];
        row->from = node_get_str(r, "from");
        row->rationale = node_get_str(r, "rationale");
        row->pos = r->pos;
        const struct node *to = node_get(r, "to");
        size_t nt = to && to->type == NODE_SEQ ? to->n : to ? 1 : 0;
        row->to = arena_alloc(p->arena, (nt ? nt : 1) * sizeof *row->to);
        for (size_t k = 0; k < nt; k++) {
            const struct node *t = to->type == NODE_SEQ ? to->items[k] : to;
            if (node_is_scalar(t))
                row->to[row->nto++] = t->str;
        }
    }
}

const struct catalog *
compliance_catalog(const struct project *p, const char *id)
{
    for (size_t i = 0; i < p->ncatalogs; i++)
        if (!strcmp(p->catalogs[i].id, id))
            return &p->catalogs[i];
    return NULL;
}

size_t
compliance_item_index(const struct catalog *c, const char *id)
{
    for (size_t i = 0; i < c->nitems; i++)
        if (!strcmp(c->items[i].id, id))
            return i;
    return (size_t)-1;
}

static void
check_crosswalk_ids(const struct project *p, const struct crosswalk *x,
                    struct diag *d)
{
    const struct catalog *from = compliance_catalog(p, x->from);
    const struct catalog *to = compliance_catalog(p, x->to);
    for (size_t i = 0; i < x->nrows; i++) {
        const struct crosswalk_row *r = &x->rows[i];
        if (from && r->from &&
            compliance_item_index(from, r->from) == (size_t)-1)
            diag_error(d, &r->pos, "crosswalk row names '%s', which is not "
                                   "an item of '%s'",
                       r->from, from->id);
        for (size_t k = 0; to && k < r->nto; k++)
            if (compliance_item_index(to, r->to[k]) == (size_t)-1)
                diag_error(d, &r->pos,
                           "crosswalk row names '%s', which is not an item "
                           "of '%s'",
                           r->to[k], to->id);
    }
}

/* Reads every *.yaml of dir; a file with `rows` is a crosswalk. Later
 * folders replace catalogs of the same id. */
static void
load_folder(struct project *p, const char *dir, bool in_project,
            struct diag *d)
{
    size_t n = 0;
    char **names = file_is_dir(dir) ? file_list(dir, false, &n) : NULL;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        if (len < 6 || strcmp(names[i] + len - 5, ".yaml"))
            continue;
        struct buf b;
        buf_init(&b);
        const char *path;
        int rc;
        if (in_project) {
            char *rel = xasprintf("frameworks/%s", names[i]);
            path = project_path(p, rel);
            rc = project_read(p, d, NULL, rel, YML_MAX_BYTES, &b);
            free(rel);
        } else {
            char *full = file_join(dir, names[i]);
            path = arena_strdup(p->arena, full);
            free(full);
            rc = file_read(d, NULL, path, YML_MAX_BYTES, &b);
        }
        struct node *root = NULL;
        char sha[65] = "";
        if (rc == 0) {
            cache_sha256(b.data, b.len, sha);
            rc = yml_parse(p->arena, d, path, b.data, b.len, 1, &root);
        }
        buf_release(&b);
        if (rc < 0)
            continue;
        bool is_crosswalk = node_get(root, "rows") != NULL;
        if (schema_check(is_crosswalk ? &crosswalk_schema : &catalog_schema,
                         root, path, d) < 0)
            continue;
        const char *id = node_get_str(root, "id");
        if (is_crosswalk) {
            size_t k = 0;
            while (k < p->ncrosswalks && strcmp(p->crosswalks[k].id, id))
                k++;
            if (k == p->ncrosswalks)
                p->crosswalks = xrealloc(p->crosswalks,
                                         ++p->ncrosswalks *
                                             sizeof *p->crosswalks);
            load_crosswalk(p, &p->crosswalks[k], root, path);
        } else {
            size_t k = 0;
            while (k < p->ncatalogs && strcmp(p->catalogs[k].id, id))
                k++;
            if (k == p->ncatalogs)
                p->catalogs = xrealloc(p->catalogs,
                                       ++p->ncatalogs * sizeof *p->catalogs);
            load_catalog(p, &p->catalogs[k], root, path, d);
            memcpy(p->catalogs[k].sha256, sha, sizeof sha);
        }
    }
    file_list_free(names);
}

/* ---- answers ----------------------------------------------------------- */

void
compliance_anchor(struct buf *out, const char *id)
{
    bool dash = false;
    for (const char *s = id ? id : ""; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool w = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9');
        if (w)
            buf_putc(out, (char)c);
        else if (!dash)
            buf_putc(out, '-');
        dash = !w;
    }
}

const char *
compliance_status_name(enum compliance_status s)
{
    switch (s) {
    case COMPLIANCE_MET: return "met";
    case COMPLIANCE_PARTIAL: return "partial";
    case COMPLIANCE_NOT_MET: return "not-met";
    case COMPLIANCE_NA: return "not-applicable";
    case COMPLIANCE_UNKNOWN: break;
    }
    return "unknown";
}

static enum compliance_status
status_of(const char *s)
{
    if (!s)
        return COMPLIANCE_UNKNOWN;
    if (!strcmp(s, "met"))
        return COMPLIANCE_MET;
    if (!strcmp(s, "partial"))
        return COMPLIANCE_PARTIAL;
    if (!strcmp(s, "not-met"))
        return COMPLIANCE_NOT_MET;
    if (!strcmp(s, "not-applicable"))
        return COMPLIANCE_NA;
    return COMPLIANCE_UNKNOWN;
}

static bool
is_url(const char *s)
{
    return !strncmp(s, "https://", 8) || !strncmp(s, "http://", 7);
}

/* An answers file's document tree is only read while its answers are
 * taken out of it: it is parsed into a scratch arena of the thread,
 * emptied after each file, and what the answers keep is copied to the
 * project's arena. The trees were most of a large portfolio's memory. */
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void
scratch_free(void *a)
{
    arena_free(a);
}

static void
scratch_make_key(void)
{
    pthread_key_create(&scratch_key, scratch_free);
}

static struct arena *
scratch_arena(void)
{
    pthread_once(&scratch_once, scratch_make_key);
    struct arena *a = pthread_getspecific(scratch_key);
    if (!a) {
        a = arena_new();
        pthread_setspecific(scratch_key, a);
    }
    return a;
}

/* Frees the calling thread's scratch arena: threads that exit free theirs
 * with the key's destructor, the thread that started the load does not. */
static void
scratch_release(void)
{
    pthread_once(&scratch_once, scratch_make_key);
    struct arena *a = pthread_getspecific(scratch_key);
    if (a) {
        pthread_setspecific(scratch_key, NULL);
        arena_free(a);
    }
}

static const char *
keep(struct project *p, const char *s)
{
    return s ? arena_strdup(p->arena, s) : NULL;
}

/* Evidence already read in this load: its rel path -> the first struct
 * evidence that cited it (arena memory, so it outlives the table). */
static _Thread_local GHashTable *evidence_seen;

/* The inputs the model being answered registered, for its facts record. */
static _Thread_local struct facts_inputs *answer_inputs;

static void
note_input(const struct input_file *f)
{
    if (answer_inputs)
        facts_inputs_add(answer_inputs, f->rel, f->size, f->sha256);
}

/* Reads one evidence reference; files must be inside the model folder. */
static int
load_evidence(struct project *p, const struct model *m, struct evidence *ev,
              const struct node *ref, struct diag *d)
{
    memset(ev, 0, sizeof *ev);
    ev->pos = ref->pos;
    if (is_url(ref->str)) {
        ev->ref = ev->url = keep(p, ref->str);
        return 0;
    }
    if (strstr(ref->str, "://"))
        return diag_error(d, &ref->pos,
                          "evidence '%s' is neither a file in the model "
                          "folder nor an http(s) URL",
                          ref->str);
    if (ref->str[0] == '/' || !strcmp(ref->str, "..") ||
        !strncmp(ref->str, "../", 3) || strstr(ref->str, "/../") ||
        (strlen(ref->str) >= 3 &&
         !strcmp(ref->str + strlen(ref->str) - 3, "/..")))
        return diag_error(d, &ref->pos,
                          "evidence '%s' points outside the model folder; "
                          "evidence files live under %s/",
                          ref->str, m->dir);
    char *rel = xasprintf("%s/%s", m->rel, ref->str);
    /* a file cited by many answers is checked and hashed once */
    const struct evidence *seen = g_hash_table_lookup(evidence_seen, rel);
    if (seen) {
        free(rel);
        ev->ref = seen->ref;
        ev->sha256 = seen->sha256;
        ev->size = seen->size;
        ev->rel = seen->rel;
        ev->src = seen->src;
        return 0;
    }
    const char *path = project_path(p, rel);
    const char *mdir_abs = file_guard_resolve(p->guard, m->dir);
    if (!mdir_abs || !file_guard_within_of(p->guard, mdir_abs, path)) {
        free(rel);
        return diag_error(d, &ref->pos,
                          "evidence '%s' leads outside the model folder "
                          "(through a symbolic link); it is not read",
                          ref->str);
    }
    if (!file_exists(path)) {
        free(rel);
        return diag_error(d, &ref->pos, "evidence file '%s' does not exist",
                          ref->str);
    }
    if (!file_is_regular(path)) {
        free(rel);
        return diag_error(d, &ref->pos, "evidence '%s' is not a file",
                          ref->str);
    }
    struct input_file f;
    if (!project_hash(p, d, &ref->pos, rel, EVIDENCE_MAX_BYTES, &f)) {
        free(rel);
        return -1;
    }
    note_input(&f);
    ev->sha256 = arena_strdup(p->arena, f.sha256);
    ev->size = f.size;
    ev->ref = ev->rel = keep(p, ref->str);
    ev->src = path;
    g_hash_table_insert(evidence_seen, rel, ev);
    return 0;
}

static bool
item_applies(const struct catalog_item *it, const struct model *m)
{
    const char *risk = m->card ? node_get_str(m->card, "risk_class") : NULL;
    const char *role = m->card ? node_get_str(m->card, "role") : NULL;
    const char *kind = m->card ? node_get_str(m->card, "kind") : NULL;
    if (it->risk_mask && !(it->risk_mask & bit_of(risk, risks)))
        return false;
    if (it->role_mask &&
        !(it->role_mask & bit_of(role ? role : "provider", roles)))
        return false;
    if (it->kind_mask && !(it->kind_mask & bit_of(kind, kinds)))
        return false;
    return true;
}

static void
load_answers(struct project *p, struct model *m, struct model_compliance *mc,
             struct diag *d)
{
    const struct catalog *c = mc->catalog;
    mc->answers = arena_alloc(p->arena,
                              (c->nitems ? c->nitems : 1) *
                                  sizeof *mc->answers);
    for (size_t i = 0; i < c->nitems; i++)
        mc->answers[i].applies = item_applies(&c->items[i], m);

    char *rel = xasprintf("%s/compliance/%s.yaml", m->rel, c->id);
    const char *path = project_path(p, rel);
    if (file_exists(path)) {
        struct buf b;
        buf_init(&b);
        struct node *root = NULL;
        struct arena *tree = scratch_arena();
        struct input_file f;
        bool read = project_read(p, d, NULL, rel, YML_MAX_BYTES, &b) == 0;
        /* registered now: this only looks the record up */
        if (read && project_hash(p, d, NULL, rel, YML_MAX_BYTES, &f))
            note_input(&f);
        if (read &&
            yml_parse(tree, d, path, b.data, b.len, 1, &root) == 0 &&
            schema_check(&answers_schema, root, path, d) == 0) {
            mc->path = path;
            const struct node *fw = node_get(root, "framework");
            if (fw && node_is_scalar(fw) && strcmp(fw->str, c->id))
                diag_error(d, &fw->pos,
                           "framework '%s' does not match the file name "
                           "'%s.yaml'",
                           fw->str, c->id);
            const struct node *ans = node_get(root, "answers");
            const char **ids = xmalloc((c->nitems + 1) * sizeof *ids);
            for (size_t i = 0; i < c->nitems; i++)
                ids[i] = c->items[i].id;
            for (size_t i = 0; i < ans->n; i++) {
                const struct node *k = ans->pairs[i].key;
                const struct node *v = ans->pairs[i].value;
                size_t idx = compliance_item_index(c, k->str);
                if (idx == (size_t)-1) {
                    const char *sug = diag_suggest(k->str, ids, c->nitems);
                    if (sug)
                        diag_error(d, &k->pos,
                                   "'%s' is not an item of %s (did you "
                                   "mean '%s'?)",
                                   k->str, c->id, sug);
                    else
                        diag_error(d, &k->pos, "'%s' is not an item of %s",
                                   k->str, c->id);
                    continue;
                }
                if (v->type != NODE_MAP) {
                    diag_error(d, &v->pos,
                               "the answer for '%s' must be a mapping with "
                               "a status",
                               k->str);
                    continue;
                }
                if (schema_check(&answer_schema, v, path, d) < 0)
                    continue;
                struct answer *a = &mc->answers[idx];
                a->pos = k->pos;
                a->status = status_of(node_get_str(v, "status"));
                a->owner = keep(p, node_get_str(v, "owner"));
                a->reviewed = keep(p, node_get_str(v, "reviewed"));
                a->note = keep(p, node_get_str(v, "note"));
                a->justification = keep(p, node_get_str(v, "justification"));
                if (a->status == COMPLIANCE_NA && !a->justification) {
                    const struct node *st = node_get(v, "status");
                    diag_error(d, &st->pos,
                               "'%s' is not-applicable without a "
                               "justification; say why it does not apply",
                               k->str);
                }
                const struct node *ev = node_get(v, "evidence");
                size_t ne = ev ? (ev->type == NODE_SEQ ? ev->n : 1) : 0;
                a->evidence = arena_alloc(p->arena,
                                          (ne ? ne : 1) * sizeof *a->evidence);
                for (size_t e = 0; e < ne; e++) {
                    const struct node *r =
                        ev->type == NODE_SEQ ? ev->items[e] : ev;
                    if (!node_is_scalar(r) || r->type == NODE_NULL)
                        continue;
                    if (load_evidence(p, m, &a->evidence[a->nevidence], r,
                                      d) == 0)
                        a->nevidence++;
                }
            }
            free(ids);
        }
        arena_reset(tree);
        buf_release(&b);
    }
    free(rel);
    for (size_t i = 0; i < c->nitems; i++) {
        const struct answer *a = &mc->answers[i];
        if (!a->applies)
            continue;
        mc->cov.applicable++;
        switch (a->status) {
        case COMPLIANCE_MET: mc->cov.met++; break;
        case COMPLIANCE_PARTIAL: mc->cov.partial++; break;
        case COMPLIANCE_NOT_MET: mc->cov.not_met++; break;
        case COMPLIANCE_NA: mc->cov.na++; break;
        case COMPLIANCE_UNKNOWN: mc->cov.unknown++; break;
        }
    }
}

static int
catalog_cmp(const void *x, const void *y)
{
    return strcmp(((const struct catalog *)x)->id,
                  ((const struct catalog *)y)->id);
}

static int
crosswalk_cmp(const void *x, const void *y)
{
    return strcmp(((const struct crosswalk *)x)->id,
                  ((const struct crosswalk *)y)->id);
}

struct in_use {
    const struct catalog **used;
    size_t nused;
    char *catalogs; /* the catalogs in use and their digests, for keys */
};

/* Takes m's answers from the previous site's record when its key is key. */
static bool
reuse_answers(struct project *p, struct model *m, const struct in_use *u,
              const char *key, struct diag *d)
{
    struct buf b;
    buf_init(&b);
    struct facts_input *in = NULL;
    size_t nin = 0;
    bool ok = project_facts_read(p, m, "compliance", &b) &&
              facts_decode_compliance(b.data, b.len, key, p->arena,
                                      (const struct catalog *const *)u->used,
                                      u->nused, m->compliance, &in, &nin,
                                      d) == 0;
    if (ok) {
        for (size_t i = 0; i < nin; i++)
            project_add_known_input(p, &in[i]);
        m->ncompliance = u->nused;
        m->answers_reused = true;
        project_facts_keep(p, m, "compliance", b.data, b.len, true, d);
    }
    buf_release(&b);
    return ok;
}

/* One model's answers to every framework in use; runs on a load thread. */
static void
answer_model(struct project *p, size_t mi, void *ctx, struct diag *d)
{
    const struct in_use *u = ctx;
    const struct catalog **used = u->used;
    size_t nused = u->nused;
    struct model *m = &p->models[mi];
    m->compliance = arena_alloc(p->arena,
                                (nused ? nused : 1) * sizeof *m->compliance);
    /* what an unchanged model answered is known from the last build; the
     * key covers its folder (answers, evidence, the card's risk class)
     * and the catalogs */
    char key[65] = "";
    if (project_facts_key(p, m, "compliance", u->catalogs, key) &&
        reuse_answers(p, m, u, key, d))
        return;
    size_t d0 = d->n;
    struct facts_inputs rec = {0};
    answer_inputs = &rec;
    evidence_seen = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
    for (size_t k = 0; k < nused; k++) {
        m->compliance[k].catalog = used[k];
        load_answers(p, m, &m->compliance[k], d);
    }
    m->ncompliance = nused;
    /* an answers file for a framework not in use is a mistake */
    char *cdir_rel = xasprintf("%s/compliance", m->rel);
    const char *cdir = project_path(p, cdir_rel);
    free(cdir_rel);
    size_t nn = 0;
    char **names = file_is_dir(cdir) ? file_list(cdir, false, &nn) : NULL;
    for (size_t k = 0; k < nn; k++) {
        size_t len = strlen(names[k]);
        bool known = false;
        for (size_t x = 0; x < nused; x++)
            known |= len == strlen(used[x]->id) + 5 &&
                     !strncmp(names[k], used[x]->id, len - 5);
        if (!known) {
            char *f = file_join(cdir, names[k]);
            struct pos at = {arena_strdup(p->arena, f), 0, 0};
            free(f);
            diag_warning(d, &at,
                         "no framework in use is called '%.*s'; this file "
                         "is ignored",
                         (int)(len > 5 ? len - 5 : len), names[k]);
        }
    }
    file_list_free(names);
    g_hash_table_destroy(evidence_seen);
    evidence_seen = NULL;
    answer_inputs = NULL;
    if (*key) {
        struct buf b;
        buf_init(&b);
        facts_encode_compliance(&b, key, rec.v, rec.n, m->compliance, nused,
                                d, d0);
        project_facts_keep(p, m, "compliance", b.data, b.len, false, d);
        buf_release(&b);
    }
    free(rec.v);
}

int
compliance_load(struct project *p, const char *shipped_dir, struct diag *d)
{
    size_t before = diag_errors(d);
    const char *own = project_path(p, "frameworks");
    char a[PATH_MAX], b[PATH_MAX];
    bool same = shipped_dir && realpath(shipped_dir, a) && realpath(own, b) &&
                !strcmp(a, b);
    if (shipped_dir && !same)
        load_folder(p, shipped_dir, false, d);
    load_folder(p, own, true, d);
    if (p->ncatalogs > 1)
        qsort(p->catalogs, p->ncatalogs, sizeof *p->catalogs, catalog_cmp);
    if (p->ncrosswalks > 1)
        qsort(p->crosswalks, p->ncrosswalks, sizeof *p->crosswalks,
              crosswalk_cmp);
    for (size_t i = 0; i < p->ncrosswalks; i++)
        check_crosswalk_ids(p, &p->crosswalks[i], d);

    /* Frameworks in use: site.yaml's list, else every catalog. */
    const struct node *use = p->site ? node_get(p->site, "frameworks") : NULL;
    const struct catalog **used = xmalloc((p->ncatalogs + 1) * sizeof *used);
    size_t nused = 0;
    if (use && use->type == NODE_SEQ) {
        const char **ids = xmalloc((p->ncatalogs + 1) * sizeof *ids);
        for (size_t i = 0; i < p->ncatalogs; i++)
            ids[i] = p->catalogs[i].id;
        for (size_t i = 0; i < use->n; i++) {
            const struct node *u = use->items[i];
            const struct catalog *c =
                node_is_scalar(u) ? compliance_catalog(p, u->str) : NULL;
            if (c && nused < p->ncatalogs) {
                used[nused++] = c;
            } else if (node_is_scalar(u)) {
                const char *sug = diag_suggest(u->str, ids, p->ncatalogs);
                if (sug)
                    diag_error(d, &u->pos,
                               "no framework catalog '%s' (did you mean "
                               "'%s'?)",
                               u->str, sug);
                else
                    diag_error(d, &u->pos,
                               "no framework catalog '%s' in frameworks/",
                               u->str);
            }
        }
        free(ids);
    } else {
        for (size_t i = 0; i < p->ncatalogs; i++)
            used[nused++] = &p->catalogs[i];
    }
    struct in_use u = {used, nused, NULL};
    struct buf cats;
    buf_init(&cats);
    for (size_t i = 0; i < nused; i++)
        buf_printf(&cats, "%s %s\n", used[i]->id, used[i]->sha256);
    u.catalogs = cats.data;
    project_each_model(p, answer_model, &u, d);
    buf_release(&cats);
    scratch_release();
    p->used = used;
    p->nused = nused;
    project_index_inputs(p); /* evidence and answers joined the inputs */
    return diag_errors(d) > before ? -1 : 0;
}
