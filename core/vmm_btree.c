/*
 * vmm_btree.c - the B+ tree of vmm_btree.h.
 *
 * Descents remember their path (node and child index per level) so that an
 * insert can split upwards and a remove can borrow or merge upwards without
 * parent pointers. A full node splits into two halves of VMM_BTREE_HALF
 * before the new entry goes into one of them; a node that falls below
 * VMM_BTREE_MIN borrows an entry from a sibling with more, else merges
 * with a sibling (at most VMM_BTREE_MIN - 1 + VMM_BTREE_MIN entries).
 */
#include "vmm_btree.h"

#include "vmm_assert.h"

typedef vmm_bpath_t path_t;

/* Makes tree empty. */
void vmm_btree_init(vmm_btree_t *tree)
{
    if (tree == 0)
        return;
    tree->root = 0;
    tree->count = 0;
    tree->nodes = 0;
    tree->height = 0;
    tree->nspare = 0;
    for (unsigned i = 0; i <= VMM_BTREE_MAX_HEIGHT; i++)
        tree->spare[i] = 0;
}

/* Returns from plus how many of b's keys from index from on are <= key
 * (from <= b->n): a binary search whose steps depend on the count only,
 * the keys choosing by a conditional move (no branch to mispredict). */
static unsigned count_le_from(const vmm_bnode_t *b, unsigned from, uint64_t key)
{
    unsigned lo = from, n = b->n - from;
    if (n == 0)
        return lo;
    while (n > 1) { /* keys[from, lo) are <= key, keys[lo + n, b->n) above */
        unsigned half = n / 2u;
        lo = b->key[lo + half - 1u] <= key ? lo + half : lo;
        n -= half;
    }
    return lo + (b->key[lo] <= key);
}

/* Returns how many of b's keys are <= key (b a leaf). */
static unsigned count_le(const vmm_bnode_t *b, uint64_t key)
{
    return count_le_from(b, 0, key);
}

/* Returns the child of inner node b whose keys may hold key: the last
 * whose separator is <= key (key[0] is not used: child 0 has none). */
static unsigned child_of(const vmm_bnode_t *b, uint64_t key)
{
    return count_le_from(b, 1, key) - 1u;
}

/* Starts loading every cache line of node b (eight of a 512-byte node):
 * its keys, and the child or record pointer its search picks, so that the
 * search and the step after it wait for one miss, not one per step (the
 * pointer array lies past the keys: loading the keys alone left the
 * pointer's line a second miss, measured in the reserve bench). A hint:
 * it changes nothing. */
#define PREFETCH_NODE(b)                                     \
    do {                                                     \
        const char *at_ = (const char *)(b);                 \
        for (unsigned l_ = 0; l_ < NODE_LINES; l_++)         \
            __builtin_prefetch(at_ + 64u * l_);              \
    } while (0)
#define NODE_LINES ((sizeof(vmm_bnode_t) + 63u) / 64u)

/* Descends to where key is or would be; see vmm_btree.h. */
void vmm_btree_seek(const vmm_btree_t *tree, uint64_t key, path_t *p)
{
    if (p == 0)
        return;
    p->leaf = 0;
    p->pos = 0;
    vmm_bnode_t *b = tree != 0 ? tree->root : 0;
    if (b == 0)
        return;
    for (unsigned d = 0; !b->leaf; d++) {
        unsigned c = child_of(b, key);
        p->node[d] = b;
        p->child[d] = c;
        b = b->ptr[c];
        PREFETCH_NODE(b);
    }
    p->leaf = b;
    p->pos = count_le(b, key);
}

/* Returns the value of the greatest key <= the sought key; see
 * vmm_btree.h. */
void *vmm_btree_path_le(const path_t *p, uint64_t *found)
{
    if (p == 0)
        return 0;
    const vmm_bnode_t *b = p->leaf;
    unsigned i = p->pos;
    if (b != 0 && i == 0) { /* every key of this leaf is above: the previous leaf's last */
        b = b->prev;
        i = b != 0 ? b->n : 0;
    }
    if (b == 0)
        return 0;
    if (found != 0)
        *found = b->key[i - 1u];
    return b->ptr[i - 1u];
}

/* Puts (key, ptr) at position i of b (b not full). */
static void node_insert_at(vmm_bnode_t *b, unsigned i, uint64_t key, void *ptr)
{
    for (unsigned j = b->n; j > i; j--) {
        b->key[j] = b->key[j - 1u];
        b->ptr[j] = b->ptr[j - 1u];
    }
    b->key[i] = key;
    b->ptr[i] = ptr;
    b->n++;
}

/* Drops entry i of b. */
static void node_remove_at(vmm_bnode_t *b, unsigned i)
{
    for (unsigned j = i + 1u; j < b->n; j++) {
        b->key[j - 1u] = b->key[j];
        b->ptr[j - 1u] = b->ptr[j];
    }
    b->n--;
}

/* Appends src's entries to dst (they fit). */
static void node_append(vmm_bnode_t *dst, const vmm_bnode_t *src)
{
    for (unsigned j = 0; j < src->n; j++) {
        dst->key[dst->n + j] = src->key[j];
        dst->ptr[dst->n + j] = src->ptr[j];
    }
    dst->n += src->n;
}

/* Returns the number of nodes inserting at p needs: the full nodes on its
 * path from the leaf up, one more when the root splits too (or the tree is
 * empty). */
static unsigned nodes_needed(const vmm_btree_t *tree, const path_t *p)
{
    const vmm_bnode_t *b = p->leaf;
    if (b == 0)
        return 1;
    unsigned need = 0, d = tree->height - 1u;
    while (b->n == VMM_BTREE_MAX) {
        need++;
        if (d == 0)
            return need + 1u; /* the root splits: a new root */
        b = p->node[--d];
    }
    return need;
}

/* Takes the nodes inserting at p needs; see vmm_btree.h. */
vmm_status_t vmm_btree_prepare_at(vmm_btree_t *tree, const vmm_allocator_t *a, const path_t *p)
{
    if (tree == 0 || a == 0 || p == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    unsigned need = nodes_needed(tree, p);
    while (tree->nspare < need) {
        vmm_bnode_t *b = a->alloc(a->ctx, sizeof *b, _Alignof(vmm_bnode_t));
        if (b == 0) {
            vmm_btree_unprepare(tree, a);
            return VMM_ERR_OUT_OF_MEMORY;
        }
        tree->spare[tree->nspare++] = b;
    }
    return VMM_OK;
}

/* Takes the nodes inserting key needs; see vmm_btree.h. */
vmm_status_t vmm_btree_prepare(vmm_btree_t *tree, const vmm_allocator_t *a, uint64_t key)
{
    if (tree == 0 || a == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (key == UINT64_MAX)
        return VMM_ERR_OUT_OF_BOUNDS; /* keys are below it (the check's bound) */
    path_t p;
    vmm_btree_seek(tree, key, &p);
    return vmm_btree_prepare_at(tree, a, &p);
}

/* Gives back the spare nodes (their slots cleared: a failed call leaves
 * the tree byte for byte as it was). */
void vmm_btree_unprepare(vmm_btree_t *tree, const vmm_allocator_t *a)
{
    if (tree == 0 || a == 0)
        return;
    while (tree->nspare != 0) {
        vmm_bnode_t *b = tree->spare[--tree->nspare];
        tree->spare[tree->nspare] = 0;
        a->free(a->ctx, b, sizeof *b);
    }
}

/* Returns a spare node, empty, of the kind leaf says. */
static vmm_bnode_t *spare_node(vmm_btree_t *tree, uint32_t leaf)
{
    VMM_ASSERT(tree->nspare != 0); /* vmm_btree_prepare was not called */
    vmm_bnode_t *b = tree->spare[--tree->nspare];
    tree->spare[tree->nspare] = 0;
    b->n = 0;
    b->leaf = leaf;
    b->prev = b->next = 0;
    tree->nodes++;
    return b;
}

/* Moves the upper half of full node b to the new node r (a leaf is
 * linked after b). */
static void split(vmm_bnode_t *b, vmm_bnode_t *r)
{
    for (unsigned j = VMM_BTREE_HALF; j < VMM_BTREE_MAX; j++) {
        r->key[j - VMM_BTREE_HALF] = b->key[j];
        r->ptr[j - VMM_BTREE_HALF] = b->ptr[j];
    }
    r->n = VMM_BTREE_MAX - VMM_BTREE_HALF;
    b->n = VMM_BTREE_HALF;
    if (b->leaf) {
        r->next = b->next;
        if (r->next != 0)
            r->next->prev = r;
        r->prev = b;
        b->next = r;
    }
}

/* Inserts key -> value at p after prepare; see vmm_btree.h. */
void vmm_btree_insert_at(vmm_btree_t *tree, const path_t *p, uint64_t key, void *value)
{
    if (tree == 0 || p == 0 || value == 0)
        return;
    vmm_bnode_t *b = p->leaf;
    unsigned i = p->pos, d = tree->height - 1u;
    if (b == 0) { /* an empty tree: the root leaf */
        VMM_ASSERT(tree->root == 0);
        b = tree->root = spare_node(tree, 1);
        tree->height = 1;
        d = 0;
    }
    VMM_ASSERT(key != UINT64_MAX); /* keys are below it */
    VMM_ASSERT(i == 0 || b->key[i - 1u] < key); /* a duplicate, or not key's place */
    VMM_ASSERT(i == b->n || b->key[i] > key);   /* not key's place */
    void *ptr = value;
    while (b->n == VMM_BTREE_MAX) {
        vmm_bnode_t *r = spare_node(tree, b->leaf);
        split(b, r);
        if (i <= VMM_BTREE_HALF)
            node_insert_at(b, i, key, ptr);
        else
            node_insert_at(r, i - VMM_BTREE_HALF, key, ptr);
        key = r->key[0]; /* r's separator in the parent */
        ptr = r;
        if (d == 0) { /* the root split: a new root over b and r */
            vmm_bnode_t *root = spare_node(tree, 0);
            node_insert_at(root, 0, b->key[0], b);
            node_insert_at(root, 1, key, r);
            tree->root = root;
            tree->height++;
            tree->count++;
            return;
        }
        b = p->node[--d];
        i = p->child[d] + 1u;
    }
    node_insert_at(b, i, key, ptr);
    tree->count++;
}

/* Inserts key -> value after prepare; see vmm_btree.h. */
void vmm_btree_insert(vmm_btree_t *tree, uint64_t key, void *value)
{
    path_t p; /* a NULL tree or value: insert_at does nothing */
    vmm_btree_seek(tree, key, &p);
    vmm_btree_insert_at(tree, &p, key, value);
}

/* Frees node b (out of the tree). */
static void node_free(vmm_btree_t *tree, const vmm_allocator_t *a, vmm_bnode_t *b)
{
    a->free(a->ctx, b, sizeof *b);
    tree->nodes--;
}

/* Moves the last entry of left, child c - 1 of parent, to the front of b,
 * child c. */
static void borrow_left(vmm_bnode_t *parent, unsigned c, vmm_bnode_t *left, vmm_bnode_t *b)
{
    node_insert_at(b, 0, left->key[left->n - 1u], left->ptr[left->n - 1u]);
    left->n--;
    if (!b->leaf)
        b->key[1] = parent->key[c]; /* b's old first child keeps its separator */
    parent->key[c] = b->key[0];
}

/* Moves the first entry of right, child c + 1 of parent, to the end of b,
 * child c. */
static void borrow_right(vmm_bnode_t *parent, unsigned c, vmm_bnode_t *b, vmm_bnode_t *right)
{
    node_insert_at(b, b->n, b->leaf ? right->key[0] : parent->key[c + 1u], right->ptr[0]);
    node_remove_at(right, 0);
    parent->key[c + 1u] = right->key[0];
}

/* Appends right, child c + 1 of parent, to left, child c, unlinks and
 * frees right. */
static void merge(vmm_btree_t *tree, const vmm_allocator_t *a, vmm_bnode_t *parent, unsigned c,
                  vmm_bnode_t *left, vmm_bnode_t *right)
{
    if (!right->leaf)
        right->key[0] = parent->key[c + 1u]; /* its first child's separator */
    node_append(left, right);
    if (left->leaf) {
        left->next = right->next;
        if (right->next != 0)
            right->next->prev = left;
    }
    node_remove_at(parent, c + 1u);
    node_free(tree, a, right);
}

/* Removes the key p was sought for; see vmm_btree.h. */
void vmm_btree_remove_at(vmm_btree_t *tree, const vmm_allocator_t *a, const path_t *p)
{
    if (tree == 0 || a == 0 || p == 0)
        return;
    vmm_bnode_t *b = p->leaf;
    unsigned i = p->pos, d = tree->height - 1u;
    VMM_ASSERT(b != 0 && i != 0); /* the key is in the tree */
    node_remove_at(b, i - 1u);
    tree->count--;
    while (d != 0 && b->n < VMM_BTREE_MIN) {
        vmm_bnode_t *parent = p->node[--d];
        unsigned c = p->child[d];
        vmm_bnode_t *left = c != 0 ? parent->ptr[c - 1u] : 0;
        vmm_bnode_t *right = c + 1u < parent->n ? parent->ptr[c + 1u] : 0;
        if (left != 0 && left->n > VMM_BTREE_MIN)
            borrow_left(parent, c, left, b);
        else if (right != 0 && right->n > VMM_BTREE_MIN)
            borrow_right(parent, c, b, right);
        else if (left != 0)
            merge(tree, a, parent, c - 1u, left, b);
        else
            merge(tree, a, parent, c, b, right);
        b = parent;
    }
    vmm_bnode_t *root = tree->root;
    if (root->n == 0) { /* the last entry went: out of the tree, then freed */
        tree->root = 0;
        tree->height = 0;
        node_free(tree, a, root);
    } else if (!root->leaf && root->n == 1) { /* a root of one child */
        tree->root = root->ptr[0];
        tree->height--;
        node_free(tree, a, root);
    }
}

/* Removes key; see vmm_btree.h. */
void vmm_btree_remove(vmm_btree_t *tree, const vmm_allocator_t *a, uint64_t key)
{
    if (tree == 0 || a == 0)
        return;
    path_t p;
    vmm_btree_seek(tree, key, &p);
    VMM_ASSERT(p.leaf != 0 && p.pos != 0 && p.leaf->key[p.pos - 1u] == key); /* in the tree */
    vmm_btree_remove_at(tree, a, &p);
}

/* Returns the value of the greatest key <= key; see vmm_btree.h. */
void *vmm_btree_find_le(const vmm_btree_t *tree, uint64_t key, uint64_t *found)
{
    if (tree == 0)
        return 0;
    path_t p;
    vmm_btree_seek(tree, key, &p);
    return vmm_btree_path_le(&p, found);
}

/* Returns the value of the smallest key > key (or of all); see
 * vmm_btree.h. */
void *vmm_btree_next(const vmm_btree_t *tree, uint64_t key, bool first)
{
    if (tree == 0 || tree->root == 0)
        return 0;
    const vmm_bnode_t *b = tree->root;
    if (first) {
        while (!b->leaf)
            b = b->ptr[0];
        return b->ptr[0];
    }
    while (!b->leaf)
        b = b->ptr[child_of(b, key)];
    unsigned i = count_le(b, key);
    if (i == b->n) {
        b = b->next;
        i = 0;
    }
    return b != 0 ? b->ptr[i] : 0;
}

/* ---- check ---- */

/* A node of the check's walk: its key bounds [lo, hi) and the next child. */
typedef struct frame {
    const vmm_bnode_t *node;
    uint64_t lo, hi;
    unsigned next;
} frame_t;

/* Returns true when b's own entries are sound: its entry count for its
 * place, keys increasing inside [lo, hi) (an inner node's from key[1]),
 * non-NULL pointers. */
static bool node_ok(const vmm_bnode_t *b, bool is_root, uint64_t lo, uint64_t hi)
{
    unsigned min = is_root ? (b->leaf ? 1u : 2u) : VMM_BTREE_MIN;
    if (b->n < min || b->n > VMM_BTREE_MAX || b->leaf > 1u)
        return false;
    for (unsigned i = 0; i < b->n; i++) {
        if (b->ptr[i] == 0)
            return false;
        if (i == 0 && !b->leaf)
            continue;
        if (b->key[i] < lo || b->key[i] >= hi || (i > (b->leaf ? 0u : 1u) &&
                                                   b->key[i] <= b->key[i - 1u]))
            return false;
    }
    return true;
}

/* Returns true when leaf b continues the chain after *last (NULL: b is the
 * first leaf), counting its entries into *entries. */
static bool leaf_ok(const vmm_bnode_t *b, const vmm_bnode_t **last, size_t *entries)
{
    if (b->prev != *last || (*last != 0 && (*last)->next != b))
        return false;
    *last = b;
    *entries += b->n;
    return true;
}

/* Checks every invariant (see vmm_btree.h). */
bool vmm_btree_check(const vmm_btree_t *tree)
{
    if (tree == 0 || tree->nspare != 0 || tree->spare[0] != 0 ||
        tree->height > VMM_BTREE_MAX_HEIGHT)
        return false;
    if (tree->root == 0)
        return tree->height == 0 && tree->count == 0 && tree->nodes == 0;
    frame_t st[VMM_BTREE_MAX_HEIGHT];
    const vmm_bnode_t *last = 0;
    size_t seen = 1, entries = 0;
    unsigned depth = 1;
    st[0] = (frame_t){tree->root, 0, UINT64_MAX, 0};
    if (tree->height == 0 || !node_ok(tree->root, true, 0, UINT64_MAX))
        return false;
    while (depth != 0) {
        frame_t *f = &st[depth - 1u];
        const vmm_bnode_t *b = f->node;
        if ((depth == tree->height) != (b->leaf != 0))
            return false; /* leaves are at depth height, and only they */
        if (b->leaf) {
            if (!leaf_ok(b, &last, &entries))
                return false;
            depth--;
            continue;
        }
        if (f->next == b->n) {
            depth--;
            continue;
        }
        unsigned c = f->next++;
        uint64_t lo = c == 0 ? f->lo : b->key[c];
        uint64_t hi = c + 1u < b->n ? b->key[c + 1u] : f->hi;
        const vmm_bnode_t *child = b->ptr[c];
        if (++seen > tree->nodes || !node_ok(child, false, lo, hi))
            return false;
        st[depth++] = (frame_t){child, lo, hi, 0};
    }
    return last != 0 && last->next == 0 && seen == tree->nodes && entries == tree->count;
}
