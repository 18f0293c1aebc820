/* cardtree: builds a node tree shaped like dossier's model.yaml out of a
 * foreign model card, so the card can be merged under model.yaml (where
 * model.yaml wins). Scalars are the card's own nodes, shared rather than
 * copied, so every value still points into the foreign file. Maps and
 * lists made here grow inside the arena; nothing is ever removed. */
#ifndef DOSSIER_CARDTREE_H
#define DOSSIER_CARDTREE_H

#include "arena.h"
#include "diag.h"
#include "node.h"

/* New empty containers and a new string, owned by a; never NULL. */
struct node *cardtree_map(struct arena *a, struct pos pos);
struct node *cardtree_seq(struct arena *a, struct pos pos);
struct node *cardtree_str(struct arena *a, struct pos pos, const char *s);

/* Adds key: value to map unless key is there already (the first source
 * wins) or value is NULL. map must come from cardtree_map(). */
void cardtree_put(struct arena *a, struct node *map, const char *key,
                  struct pos keypos, const struct node *value);
/* Appends item to seq (from cardtree_seq()); NULL is ignored. */
void cardtree_push(struct arena *a, struct node *seq, const struct node *item);

/* The map under key in map, created (at pos) when absent. */
struct node *cardtree_submap(struct arena *a, struct node *map, const char *key,
                             struct pos pos);
/* The list under key in map, created (at pos) when absent. */
struct node *cardtree_subseq(struct arena *a, struct node *map, const char *key,
                             struct pos pos);

/* n as a list of strings: a list of scalars as it is, one non-empty
 * scalar as a list of one; NULL for anything else. */
const struct node *cardtree_strings(struct arena *a, const struct node *n);

/* A non-empty string scalar (not null, not a container), else NULL. */
const struct node *cardtree_text(const struct node *n);

/* Drops keys whose value is an empty map or list, at every level. */
void cardtree_prune(struct node *map);

#endif
