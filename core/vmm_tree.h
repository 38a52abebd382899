/*
 * vmm_tree.h - an intrusive AVL tree keyed by a uint64_t (the VMM's record
 * start addresses): O(log n) insert, remove and "greatest key <= k" lookup,
 * with no allocation at all.
 *
 * Intrusive: the caller embeds a vmm_tree_node_t in its own structure, sets
 * its key with vmm_tree_node_init and gets the structure back from a node
 * with VMM_TREE_ENTRY. The tree never allocates, copies or frees a node.
 * Keys are unique; a node's key must not change while it is in a tree.
 *
 * Invariants (vmm_tree_check verifies all of them): in-order keys strictly
 * increase; every node's height is 1 + the larger of its children's (an
 * empty subtree has height 0) and the two differ by at most 1; every child
 * points back at its parent, the root's parent is NULL; count is the number
 * of nodes. A tree of n nodes is at most 1.4405 * log2(n + 2) high, so every
 * operation visits O(log n) nodes. Nothing recurses; nothing uses libc.
 */
#ifndef CORE_VMM_TREE_H
#define CORE_VMM_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct vmm_tree_node {
    struct vmm_tree_node *left;   /* keys smaller than key             */
    struct vmm_tree_node *right;  /* keys larger than key              */
    struct vmm_tree_node *parent; /* NULL for the root                 */
    uint64_t key;
    int32_t height;               /* 1 for a leaf; 0 when not in a tree */
} vmm_tree_node_t;

typedef struct vmm_tree {
    vmm_tree_node_t *root; /* NULL when empty */
    size_t count;          /* nodes in the tree */
} vmm_tree_t;

/* Returns the structure of type `type` whose member `member` is the node
 * ptr points to (ptr must not be NULL). */
#define VMM_TREE_ENTRY(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* Makes tree empty. Cannot fail. */
void vmm_tree_init(vmm_tree_t *tree);

/* Prepares node to be inserted with key: no links, height 0 ("not in a
 * tree"). Cannot fail. */
void vmm_tree_node_init(vmm_tree_node_t *node, uint64_t key);

/* Inserts node (prepared by vmm_tree_node_init) under its key. Returns
 * VMM_ERR_ALREADY_ALLOCATED when a node with that key is in the tree, and
 * VMM_ERR_INVALID_ARGUMENT when node is NULL or already in a tree (height
 * not 0); the tree is then unchanged. */
vmm_status_t vmm_tree_insert(vmm_tree_t *tree, vmm_tree_node_t *node);

/* Removes node from tree and resets it as vmm_tree_node_init does (the key
 * stays). Returns VMM_ERR_INVALID_ARGUMENT when tree or node is NULL, and
 * VMM_ERR_NOT_ALLOCATED, changing nothing, when node is not in this tree (found by walking its parents up to the root: node
 * must have been prepared by vmm_tree_node_init at some point). */
vmm_status_t vmm_tree_remove(vmm_tree_t *tree, vmm_tree_node_t *node);

/* Returns the node with the greatest key <= key, or NULL when every key is
 * larger (or the tree is empty). For records keyed by their start this is
 * the only record that may contain address key. */
vmm_tree_node_t *vmm_tree_find_le(const vmm_tree_t *tree, uint64_t key);

/* Returns the node with exactly key, or NULL. */
vmm_tree_node_t *vmm_tree_find(const vmm_tree_t *tree, uint64_t key);

/* Return the node with the smallest / greatest key, or NULL when empty. */
vmm_tree_node_t *vmm_tree_first(const vmm_tree_t *tree);
vmm_tree_node_t *vmm_tree_last(const vmm_tree_t *tree);

/* Return the in-order successor / predecessor of node (which is in a
 * tree), or NULL when node is the last / first. O(log n) worst case,
 * O(1) amortised over a full iteration. */
vmm_tree_node_t *vmm_tree_next(const vmm_tree_node_t *node);
vmm_tree_node_t *vmm_tree_prev(const vmm_tree_node_t *node);

/* Returns the height of the tree: 0 when empty, else the number of nodes
 * on its longest root-to-leaf path (the most nodes any lookup visits). */
int32_t vmm_tree_height(const vmm_tree_t *tree);

/* Returns true when tree satisfies every invariant listed at the top of
 * this file. Visits each node once, without recursion, and stops after
 * count + 1 nodes, so a corrupted tree (cycles included) cannot hang it.
 * For tests and fuzz harnesses: O(n). */
bool vmm_tree_check(const vmm_tree_t *tree);

#endif
