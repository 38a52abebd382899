/*
 * hbitmap_prefetch.c - a cache hint for the hierarchical bitmap
 * (hbitmap.h), kept out of hbitmap.c: it changes nothing, so it has no
 * contract to prove, and __builtin_prefetch is not C11 (Frama-C's WP
 * reads hbitmap.c alone).
 */
#include "hbitmap.h"

/* Bits of an entry index that select a slot at level l (first entry of
 * the slot's node aligned on the node's span, so no base is needed). */
#define SLOT_AT(i, l) \
    ((unsigned)(((i) >> (HBITMAP_LEAF_SHIFT + HBITMAP_FAN_SHIFT * (l))) & (HBITMAP_FANOUT - 1u)))
#define WORD_OF(i) (((i) & (((size_t)1 << HBITMAP_LEAF_SHIFT) - 1u)) / 64u)

/* Starts loading the cache lines a range update from entry i reads
 * first: the summaries of the slots on the way down, the leaf's word
 * holding i and its group runs. Reads only the child pointers above the
 * leaf, changes nothing; nothing when hb is NULL or i out of bounds. */
void hbitmap_prefetch(const hbitmap_t *hb, size_t i)
{
    if (hb == 0 || i >= hb->num_entries)
        return;
    const hb_node_t *node = &hb->root;
    for (unsigned l = hb->height - 1u;; l--) {
        unsigned k = SLOT_AT(i, l);
        __builtin_prefetch(&node->pre[k]);
        __builtin_prefetch(&node->suf[k]);
        __builtin_prefetch(&node->max[k]);
        if (node->child[k].node == 0)
            return;
        if (l == 0) {
            const hb_leaf_t *lf = node->child[k].leaf;
            __builtin_prefetch(&lf->bits[WORD_OF(i)]);
            __builtin_prefetch(&lf->gpre[0]);
            return;
        }
        node = node->child[k].node;
    }
}
