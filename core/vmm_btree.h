/*
 * vmm_btree.h - a B+ tree from uint64_t keys to non-NULL pointers (the
 * VMM's record index: record start -> record). Lookups touch O(log_10 n)
 * nodes of a few cache lines each, keys next to each other: at 2^15
 * records a lookup passes 4 nodes, of which only the leaf is usually cold
 * (an AVL tree passed 17 nodes, one cold line each). A split leaves two
 * halves of VMM_BTREE_HALF, a node rebalances below VMM_BTREE_MIN: the gap
 * keeps a remove and an insert at one place from merging and splitting
 * the same node over and over.
 *
 * Nodes come from the caller's allocator (vmm_allocator_t). An insert may
 * split one node per level: vmm_btree_prepare takes exactly the nodes the
 * insert of a given key will need before the caller does anything it would
 * have to undo, so that vmm_btree_insert cannot fail; vmm_btree_unprepare
 * gives back what no insert used. Removing never allocates: it merges
 * nodes and gives them back at once. A caller that looks a key up and
 * then inserts or removes it descends once: vmm_btree_seek fills a path
 * (vmm_bpath_t) that vmm_btree_prepare_at, vmm_btree_insert_at and
 * vmm_btree_remove_at use while the tree is unchanged.
 *
 * Invariants (vmm_btree_check verifies all of them): every leaf is at depth
 * height; a node holds VMM_BTREE_MIN .. VMM_BTREE_MAX entries (the root: a
 * leaf 1 .., an inner node 2 ..); a leaf's keys strictly increase, and an
 * inner node's key[i] (i >= 1) separates its children: every key under
 * child i - 1 is below it, every key under child i at or above it (key[0]
 * of an inner node is not used); the leaves are linked in key order
 * (prev/next); count and nodes are the entries and nodes held; no spare
 * node is held between calls (spare[] all NULL: a call that fails leaves
 * the tree byte for byte as it was). Keys are below UINT64_MAX. Nothing recurses;
 * nothing uses libc.
 *
 * NULL (status.h's rule): a NULL tree, path, allocator or value makes
 * prepare VMM_ERR_INVALID_ARGUMENT, a lookup NULL
 * (seek leaves a non-NULL path empty), and every void function do nothing.
 * vmm_btree_prepare of the key UINT64_MAX is VMM_ERR_OUT_OF_BOUNDS.
 * What traps is a broken precondition the VMM guarantees: an insert
 * without prepare, a duplicate key, the key UINT64_MAX, removing a key not
 * in the tree.
 */
#ifndef CORE_VMM_BTREE_H
#define CORE_VMM_BTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "status.h"
#include "vmm_cdefs.h"

VMM_BEGIN_DECLS

#define VMM_BTREE_MAX 30u                   /* entries of a full node        */
#define VMM_BTREE_MIN (VMM_BTREE_MAX / 3u)  /* of a node other than the root */
#define VMM_BTREE_HALF (VMM_BTREE_MAX / 2u) /* each half of a split          */
/* 2 * 10^17 > 2^64 entries: no tree in a 64-bit space is higher */
#define VMM_BTREE_MAX_HEIGHT 18u

typedef struct vmm_bnode {
    VMM_ALIGNAS(64) uint32_t n;        /* entries                                */
    uint32_t leaf;                  /* 1: ptr[] are values, 0: children       */
    struct vmm_bnode *prev, *next;  /* leaves: the neighbours in key order    */
    uint64_t key[VMM_BTREE_MAX];
    void *ptr[VMM_BTREE_MAX];
} vmm_bnode_t;

typedef struct vmm_btree {
    vmm_bnode_t *root;   /* NULL when empty                                */
    size_t count;        /* entries                                        */
    size_t nodes;        /* nodes in the tree                              */
    unsigned height;     /* 0 when empty, 1 when the root is a leaf        */
    unsigned nspare;     /* nodes taken by prepare for the next insert     */
    vmm_bnode_t *spare[VMM_BTREE_MAX_HEIGHT + 1u]; /* NULL when not taken */
} vmm_btree_t;

/* Where a key is or would be (vmm_btree_seek): the inner nodes above its
 * leaf and the child taken in each, the leaf and how many of the leaf's
 * keys are <= the key. Valid until the tree next changes: an insert or a
 * remove at a path then needs no second descent. */
typedef struct vmm_bpath {
    vmm_bnode_t *node[VMM_BTREE_MAX_HEIGHT];
    unsigned child[VMM_BTREE_MAX_HEIGHT];
    vmm_bnode_t *leaf; /* NULL when the tree is empty */
    unsigned pos;      /* leaf keys <= the key        */
} vmm_bpath_t;

/* Makes tree empty. Cannot fail. */
void vmm_btree_init(vmm_btree_t *tree);

/* Takes from a the nodes inserting key will need (one per full node on its
 * path, one more for a new root). VMM_ERR_OUT_OF_MEMORY when a fails, with
 * nothing taken. */
vmm_status_t vmm_btree_prepare(vmm_btree_t *tree, const vmm_allocator_t *a, uint64_t key);

/* Descends to where key is or would be and fills *path. Cannot fail. */
void vmm_btree_seek(const vmm_btree_t *tree, uint64_t key, vmm_bpath_t *path);

/* Returns the value of the greatest key <= the key path was sought for, or
 * NULL when there is none; stores that key in *found when found is not
 * NULL. */
void *vmm_btree_path_le(const vmm_bpath_t *path, uint64_t *found);

/* vmm_btree_prepare for the key path was sought for (no second descent). */
vmm_status_t vmm_btree_prepare_at(vmm_btree_t *tree, const vmm_allocator_t *a,
                                  const vmm_bpath_t *path);

/* Gives back to a every node prepare took and no insert used. */
void vmm_btree_unprepare(vmm_btree_t *tree, const vmm_allocator_t *a);

/* Inserts key -> value (value not NULL, key not in the tree: a duplicate
 * traps) after vmm_btree_prepare of the same key. Cannot fail. */
void vmm_btree_insert(vmm_btree_t *tree, uint64_t key, void *value);

/* vmm_btree_insert at path, which vmm_btree_seek filled for key since the
 * tree last changed (a leaf position where key does not belong traps). */
void vmm_btree_insert_at(vmm_btree_t *tree, const vmm_bpath_t *path, uint64_t key, void *value);

/* Removes key (it must be in the tree: else it traps), giving nodes that
 * merges free back to a. Cannot fail. */
void vmm_btree_remove(vmm_btree_t *tree, const vmm_allocator_t *a, uint64_t key);

/* vmm_btree_remove of the key path was sought for since the tree last
 * changed (it must be in the tree: else it traps). */
void vmm_btree_remove_at(vmm_btree_t *tree, const vmm_allocator_t *a, const vmm_bpath_t *path);

/* Returns the value of the greatest key <= key, or NULL when there is none;
 * stores that key in *found when found is not NULL. */
void *vmm_btree_find_le(const vmm_btree_t *tree, uint64_t key, uint64_t *found);

/* Returns the value of the smallest key > key (the smallest of all when
 * first is true), or NULL when there is none. */
void *vmm_btree_next(const vmm_btree_t *tree, uint64_t key, bool first);

/* Returns true when tree satisfies every invariant listed at the top of
 * this file. Visits at most tree->nodes nodes, so a corrupted tree (cycles
 * included) cannot hang it. For tests and fuzz harnesses: O(n). */
bool vmm_btree_check(const vmm_btree_t *tree);

VMM_END_DECLS

#endif
