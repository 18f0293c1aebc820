/* cardtree: model.yaml-shaped trees from foreign cards (see cardtree.h). */
#include "cardtree.h"

#include <string.h>

/* Containers made here hold a power-of-two capacity that is never stored:
 * it is 0 when empty, else the smallest power of two >= max(n, 4), so a
 * container is full exactly when n is 4 or a larger power of two. */
static bool
full(size_t n)
{
    return n == 0 || (n >= 4 && (n & (n - 1)) == 0);
}

static size_t
next_cap(size_t n)
{
    return n == 0 ? 4 : n * 2;
}

static struct node *
new_node(struct arena *a, enum node_type t, struct pos pos)
{
    struct node *n = arena_alloc(a, sizeof *n);
    n->type = t;
    n->pos = pos;
    n->str = "";
    return n;
}

struct node *
cardtree_map(struct arena *a, struct pos pos)
{
    return new_node(a, NODE_MAP, pos);
}

struct node *
cardtree_seq(struct arena *a, struct pos pos)
{
    return new_node(a, NODE_SEQ, pos);
}

struct node *
cardtree_str(struct arena *a, struct pos pos, const char *s)
{
    struct node *n = new_node(a, NODE_STR, pos);
    n->str = arena_strdup(a, s);
    n->len = strlen(s);
    n->quoted = true;
    return n;
}

void
cardtree_put(struct arena *a, struct node *map, const char *key,
             struct pos keypos, const struct node *value)
{
    if (!value || node_get(map, key))
        return;
    if (full(map->n)) {
        struct node_pair *p = arena_alloc(a, next_cap(map->n) * sizeof *p);
        if (map->n)
            memcpy(p, map->pairs, map->n * sizeof *p);
        map->pairs = p;
    }
    /* The tree is read-only once built; the const goes here, once. */
    map->pairs[map->n].key = cardtree_str(a, keypos, key);
    map->pairs[map->n].value = (struct node *)value;
    map->n++;
}

void
cardtree_push(struct arena *a, struct node *seq, const struct node *item)
{
    if (!item)
        return;
    if (full(seq->n)) {
        struct node **p = arena_alloc(a, next_cap(seq->n) * sizeof *p);
        if (seq->n)
            memcpy(p, seq->items, seq->n * sizeof *p);
        seq->items = p;
    }
    seq->items[seq->n++] = (struct node *)item;
}

struct node *
cardtree_submap(struct arena *a, struct node *map, const char *key,
                struct pos pos)
{
    const struct node *m = node_get(map, key);
    if (m)
        return (struct node *)m;
    struct node *n = cardtree_map(a, pos);
    cardtree_put(a, map, key, pos, n);
    return n;
}

struct node *
cardtree_subseq(struct arena *a, struct node *map, const char *key,
                struct pos pos)
{
    const struct node *m = node_get(map, key);
    if (m)
        return (struct node *)m;
    struct node *n = cardtree_seq(a, pos);
    cardtree_put(a, map, key, pos, n);
    return n;
}

const struct node *
cardtree_text(const struct node *n)
{
    if (!n || !node_is_scalar(n) || n->type == NODE_NULL || !*n->str)
        return NULL;
    return n;
}

const struct node *
cardtree_strings(struct arena *a, const struct node *n)
{
    if (!n)
        return NULL;
    if (n->type == NODE_SEQ) {
        struct node *s = cardtree_seq(a, n->pos);
        for (size_t i = 0; i < n->n; i++)
            cardtree_push(a, s, cardtree_text(n->items[i]));
        return s->n ? s : NULL;
    }
    if (!cardtree_text(n))
        return NULL;
    struct node *s = cardtree_seq(a, n->pos);
    cardtree_push(a, s, n);
    return s;
}

static bool
empty(const struct node *n)
{
    return (n->type == NODE_MAP || n->type == NODE_SEQ) && n->n == 0;
}

/* Depth is that of model.yaml (three levels), built here. */
void
cardtree_prune(struct node *map)
{
    if (!map || map->type != NODE_MAP)
        return;
    size_t k = 0;
    for (size_t i = 0; i < map->n; i++) {
        struct node *v = map->pairs[i].value;
        cardtree_prune(v);
        if (!empty(v))
            map->pairs[k++] = map->pairs[i];
    }
    map->n = k;
}
