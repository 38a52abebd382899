/*
 * vmm_tree.c - the intrusive AVL tree of vmm_tree.h.
 *
 * Heights are stored in the nodes; after every structural change the path
 * from the lowest changed node up is re-balanced (rebalance_up) until a
 * subtree keeps its height: at most height (O(log n)) steps, O(1) amortised. Nodes are never moved in memory:
 * removing a node with two children splices its in-order successor into its
 * place by relinking, not by copying keys.
 */
#include "vmm_tree.h"

/* No AVL tree that fits a 64-bit address space is this high (an AVL tree of
 * height h holds at least fib(h + 2) - 1 nodes; fib(96) > 2^64). */
#define TREE_MAX_HEIGHT 96

/* Returns node's height, 0 for an empty subtree. */
static int32_t height_of(const vmm_tree_node_t *node)
{
    return node != NULL ? node->height : 0;
}

/* Returns the larger of a and b. */
static int32_t max_height(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

/* Recomputes node's height from its children's. */
static void update_height(vmm_tree_node_t *node)
{
    node->height = 1 + max_height(height_of(node->left), height_of(node->right));
}

/* Returns height(left) - height(right) of node: > 0 when left-heavy. */
static int32_t balance_of(const vmm_tree_node_t *node)
{
    return height_of(node->left) - height_of(node->right);
}

/* Makes child take old's place under parent (the root when parent is
 * NULL). Does not touch child->parent. */
static void replace_child(vmm_tree_t *tree, vmm_tree_node_t *parent,
                          const vmm_tree_node_t *old, vmm_tree_node_t *child)
{
    if (parent == NULL)
        tree->root = child;
    else if (parent->left == old)
        parent->left = child;
    else
        parent->right = child;
}

/* Rotates x's right child up into x's place; returns that child. */
static vmm_tree_node_t *rotate_left(vmm_tree_t *tree, vmm_tree_node_t *x)
{
    vmm_tree_node_t *y = x->right;
    x->right = y->left;
    if (y->left != NULL)
        y->left->parent = x;
    y->parent = x->parent;
    replace_child(tree, x->parent, x, y);
    y->left = x;
    x->parent = y;
    update_height(x);
    update_height(y);
    return y;
}

/* Rotates x's left child up into x's place; returns that child. */
static vmm_tree_node_t *rotate_right(vmm_tree_t *tree, vmm_tree_node_t *x)
{
    vmm_tree_node_t *y = x->left;
    x->left = y->right;
    if (y->right != NULL)
        y->right->parent = x;
    y->parent = x->parent;
    replace_child(tree, x->parent, x, y);
    y->right = x;
    x->parent = y;
    update_height(x);
    update_height(y);
    return y;
}

/* Restores the AVL balance at node, whose subtrees are balanced and differ
 * in height by at most 2; returns the root of the subtree now in its place. */
static vmm_tree_node_t *rebalance_node(vmm_tree_t *tree, vmm_tree_node_t *node)
{
    update_height(node);
    int32_t balance = balance_of(node);
    if (balance > 1) {
        if (balance_of(node->left) < 0)
            (void)rotate_left(tree, node->left);
        return rotate_right(tree, node);
    }
    if (balance < -1) {
        if (balance_of(node->right) > 0)
            (void)rotate_right(tree, node->right);
        return rotate_left(tree, node);
    }
    return node;
}

/* Re-balances from node (may be NULL) up towards the root, stopping at the
 * first subtree whose height is what it was: the heights and balances above
 * it depend on nothing below but that height. */
static void rebalance_up(vmm_tree_t *tree, vmm_tree_node_t *node)
{
    while (node != NULL) {
        int32_t was = node->height;
        vmm_tree_node_t *top = rebalance_node(tree, node);
        if (top->height == was)
            return;
        node = top->parent;
    }
}

/* Returns the node of the smallest key in the subtree of node (not NULL). */
static vmm_tree_node_t *leftmost(vmm_tree_node_t *node)
{
    while (node->left != NULL)
        node = node->left;
    return node;
}

/* Returns the node of the greatest key in the subtree of node (not NULL). */
static vmm_tree_node_t *rightmost(vmm_tree_node_t *node)
{
    while (node->right != NULL)
        node = node->right;
    return node;
}

/* Empties tree. */
void vmm_tree_init(vmm_tree_t *tree)
{
    if (tree == NULL)
        return;
    tree->root = NULL;
    tree->count = 0;
}

/* Resets node's links and gives it key. */
void vmm_tree_node_init(vmm_tree_node_t *node, uint64_t key)
{
    if (node == NULL)
        return;
    node->left = NULL;
    node->right = NULL;
    node->parent = NULL;
    node->key = key;
    node->height = 0;
}

/* Links node in as a leaf and re-balances; ALREADY_ALLOCATED on a duplicate
 * key, INVALID_ARGUMENT for NULL or a node already in a tree. */
vmm_status_t vmm_tree_insert(vmm_tree_t *tree, vmm_tree_node_t *node)
{
    if (tree == NULL || node == NULL || node->height != 0)
        return VMM_ERR_INVALID_ARGUMENT;
    vmm_tree_node_t *parent = NULL;
    vmm_tree_node_t **link = &tree->root;
    while (*link != NULL) {
        parent = *link;
        if (node->key == parent->key)
            return VMM_ERR_ALREADY_ALLOCATED;
        link = node->key < parent->key ? &parent->left : &parent->right;
    }
    node->left = NULL;
    node->right = NULL;
    node->parent = parent;
    node->height = 1;
    *link = node;
    tree->count++;
    rebalance_up(tree, parent);
    return VMM_OK;
}

/* Returns true when node is linked into tree: walking its parents from it
 * ends at tree's root (a node out of any tree has no parent and is no
 * root). */
static bool in_tree(const vmm_tree_t *tree, const vmm_tree_node_t *node)
{
    while (node->parent != NULL)
        node = node->parent;
    return node == tree->root;
}

/* Puts the in-order successor of node (which has two children) in node's
 * place; returns the lowest node whose subtree height may have changed. */
static vmm_tree_node_t *splice_successor(vmm_tree_t *tree, vmm_tree_node_t *node)
{
    vmm_tree_node_t *succ = leftmost(node->right);
    vmm_tree_node_t *fix = succ;
    if (succ->parent != node) {
        fix = succ->parent;
        fix->left = succ->right;
        if (succ->right != NULL)
            succ->right->parent = fix;
        succ->right = node->right;
        node->right->parent = succ;
    }
    succ->left = node->left;
    node->left->parent = succ;
    succ->parent = node->parent;
    succ->height = node->height; /* the height of the subtree it now roots, before the
                                    removal (rebalance_up stops on an unchanged height) */
    replace_child(tree, node->parent, node, succ);
    return fix;
}

/* Unlinks node and re-balances; NOT_ALLOCATED when node is not in tree. */
vmm_status_t vmm_tree_remove(vmm_tree_t *tree, vmm_tree_node_t *node)
{
    if (tree == NULL || node == NULL)
        return VMM_ERR_INVALID_ARGUMENT;
    if (!in_tree(tree, node))
        return VMM_ERR_NOT_ALLOCATED;
    vmm_tree_node_t *fix;
    if (node->left != NULL && node->right != NULL) {
        fix = splice_successor(tree, node);
    } else {
        vmm_tree_node_t *child = node->left != NULL ? node->left : node->right;
        fix = node->parent;
        replace_child(tree, fix, node, child);
        if (child != NULL)
            child->parent = fix;
    }
    tree->count--;
    vmm_tree_node_init(node, node->key);
    rebalance_up(tree, fix);
    return VMM_OK;
}

/* Returns the node of the greatest key <= key, or NULL. */
vmm_tree_node_t *vmm_tree_find_le(const vmm_tree_t *tree, uint64_t key)
{
    vmm_tree_node_t *best = NULL;
    vmm_tree_node_t *node = tree != NULL ? tree->root : NULL;
    while (node != NULL) {
        if (node->key > key) {
            node = node->left;
        } else {
            best = node;
            if (node->key == key)
                break;
            node = node->right;
        }
    }
    return best;
}

/* Returns the node of exactly key, or NULL. */
vmm_tree_node_t *vmm_tree_find(const vmm_tree_t *tree, uint64_t key)
{
    vmm_tree_node_t *node = vmm_tree_find_le(tree, key);
    return node != NULL && node->key == key ? node : NULL;
}

/* Returns the smallest node, or NULL when tree is empty. */
vmm_tree_node_t *vmm_tree_first(const vmm_tree_t *tree)
{
    return tree != NULL && tree->root != NULL ? leftmost(tree->root) : NULL;
}

/* Returns the greatest node, or NULL when tree is empty. */
vmm_tree_node_t *vmm_tree_last(const vmm_tree_t *tree)
{
    return tree != NULL && tree->root != NULL ? rightmost(tree->root) : NULL;
}

/* Returns node's in-order successor, or NULL for the last node. */
vmm_tree_node_t *vmm_tree_next(const vmm_tree_node_t *node)
{
    if (node == NULL)
        return NULL;
    if (node->right != NULL)
        return leftmost(node->right);
    vmm_tree_node_t *parent = node->parent;
    while (parent != NULL && node == parent->right) {
        node = parent;
        parent = parent->parent;
    }
    return parent;
}

/* Returns node's in-order predecessor, or NULL for the first node. */
vmm_tree_node_t *vmm_tree_prev(const vmm_tree_node_t *node)
{
    if (node == NULL)
        return NULL;
    if (node->left != NULL)
        return rightmost(node->left);
    vmm_tree_node_t *parent = node->parent;
    while (parent != NULL && node == parent->left) {
        node = parent;
        parent = parent->parent;
    }
    return parent;
}

/* Returns the root's height, 0 when empty. */
int32_t vmm_tree_height(const vmm_tree_t *tree)
{
    return tree != NULL ? height_of(tree->root) : 0;
}

/* Returns true when each child of node points back at node and has a
 * plausible height (1 .. TREE_MAX_HEIGHT - 1). */
static bool child_links_ok(const vmm_tree_node_t *node)
{
    const vmm_tree_node_t *child[2] = { node->left, node->right };
    for (int i = 0; i < 2; i++)
        if (child[i] != NULL && (child[i]->parent != node || child[i]->height < 1 ||
                                 child[i]->height >= TREE_MAX_HEIGHT))
            return false;
    return true;
}

/* Returns true when node's stored height and balance are right (its
 * children's heights are plausible: child_links_ok holds). */
static bool height_ok(const vmm_tree_node_t *node)
{
    int32_t balance = balance_of(node);
    return node->height == 1 + max_height(height_of(node->left), height_of(node->right)) &&
           balance >= -1 && balance <= 1;
}

/* Descends from node to the leftmost node of its subtree, checking the
 * links of every node on the way; returns it, or NULL when a link is bad. */
static const vmm_tree_node_t *checked_leftmost(const vmm_tree_node_t *node)
{
    for (;;) {
        if (!child_links_ok(node))
            return NULL;
        if (node->left == NULL)
            return node;
        node = node->left;
    }
}

/* Walks the tree in order (links checked before they are followed) and
 * checks keys, heights and count; see vmm_tree.h. */
bool vmm_tree_check(const vmm_tree_t *tree)
{
    if (tree == NULL)
        return false;
    if (tree->root == NULL)
        return tree->count == 0;
    if (tree->root->parent != NULL || tree->root->height < 1 ||
        tree->root->height >= TREE_MAX_HEIGHT)
        return false;
    size_t visited = 0;
    uint64_t prev_key = 0;
    const vmm_tree_node_t *node = checked_leftmost(tree->root);
    while (node != NULL) {
        if (++visited > tree->count || (visited > 1 && node->key <= prev_key) ||
            !height_ok(node))
            return false;
        prev_key = node->key;
        if (node->right != NULL) {
            node = checked_leftmost(node->right);
            if (node == NULL)
                return false;
            continue;
        }
        while (node->parent != NULL && node == node->parent->right)
            node = node->parent;
        node = node->parent;
    }
    return visited == tree->count;
}
