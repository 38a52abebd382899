/*
 * test_vmm_tree.c - the intrusive AVL tree (core/vmm_tree.h) against a model.
 *
 * A model is a bool per slot of a fixed, sorted key table: random inserts,
 * removes and lookups are compared with it step by step, and vmm_tree_check
 * runs after every step. Then: failed operations change no byte, iteration
 * order, the exact AVL height bound (Fibonacci) after sequential and random
 * inserts, and search path lengths on 10^5 nodes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "core/vmm_tree.h"

/* A user structure with the node NOT first, as vmm_record_t will have it. */
typedef struct item {
    uint64_t payload;
    vmm_tree_node_t node;
    uint32_t tag;
} item_t;

#define ITEM_OF(n) VMM_TREE_ENTRY(n, item_t, node)

static uint64_t rng_state;

/* Returns the next xorshift64* number. */
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

/* Returns a random number in [0, n). */
static size_t rng_below(size_t n)
{
    return (size_t)(rng() % n);
}

/* Returns the largest AVL height possible with n nodes: the greatest h with
 * minnodes(h) <= n, minnodes(h) = minnodes(h-1) + minnodes(h-2) + 1. */
static int32_t avl_max_height(size_t n)
{
    uint64_t a = 0, b = 1; /* minnodes(h), minnodes(h + 1) */
    int32_t h = 0;
    while (b <= n) {
        uint64_t c = a + b + 1;
        a = b;
        b = c;
        h++;
    }
    return h;
}

/* Returns floor(log2(n)) + 1 for n > 0: the height of a perfectly
 * balanced tree of n nodes. */
static int32_t bit_length(size_t n)
{
    int32_t bits = 0;
    for (; n != 0; n >>= 1)
        bits++;
    return bits;
}

/* Returns the number of nodes find_le visits for key: the search path,
 * walked here with the same comparisons. */
static int32_t search_path_len(const vmm_tree_t *tree, uint64_t key)
{
    int32_t len = 0;
    for (const vmm_tree_node_t *n = tree->root; n != NULL; len++) {
        if (n->key == key)
            return len + 1;
        n = n->key > key ? n->left : n->right;
    }
    return len;
}

/* ---- the model test ---- */

#define MODEL_SLOTS 400
#define MODEL_STEPS 20000

static item_t items[MODEL_SLOTS];
static uint64_t keys[MODEL_SLOTS]; /* strictly increasing */
static bool in_tree[MODEL_SLOTS];

/* Fills keys with a sorted table including 0 and UINT64_MAX, gaps of
 * random size, and resets the items. */
static void model_reset(void)
{
    keys[0] = 0;
    for (size_t i = 1; i < MODEL_SLOTS - 1; i++)
        keys[i] = keys[i - 1] + 1 + rng_below(3) * 4096;
    keys[MODEL_SLOTS - 1] = UINT64_MAX;
    for (size_t i = 0; i < MODEL_SLOTS; i++) {
        items[i].payload = keys[i] ^ 0x5a5a;
        items[i].tag = (uint32_t)i;
        vmm_tree_node_init(&items[i].node, keys[i]);
        in_tree[i] = false;
    }
}

/* Returns the slot of the model's greatest key <= key, or -1. */
static long model_find_le(uint64_t key)
{
    for (long i = MODEL_SLOTS - 1; i >= 0; i--)
        if (in_tree[i] && keys[i] <= key)
            return i;
    return -1;
}

/* Returns a lookup key near the table: a key, a key +- 1, or an extreme. */
static uint64_t model_query(void)
{
    uint64_t k = keys[rng_below(MODEL_SLOTS)];
    switch (rng_below(4)) {
    case 0: return k;
    case 1: return k + 1;
    case 2: return k - 1;
    default: return rng_below(2) ? 0 : UINT64_MAX;
    }
}

/* True when iterating the tree both ways yields exactly the model. */
static bool model_iteration_matches(const vmm_tree_t *tree)
{
    const vmm_tree_node_t *n = vmm_tree_first(tree);
    for (size_t i = 0; i < MODEL_SLOTS; i++) {
        if (!in_tree[i])
            continue;
        if (n != &items[i].node)
            return false;
        n = vmm_tree_next(n);
    }
    if (n != NULL)
        return false;
    n = vmm_tree_last(tree);
    for (size_t i = MODEL_SLOTS; i-- > 0;) {
        if (!in_tree[i])
            continue;
        if (n != &items[i].node)
            return false;
        n = vmm_tree_prev(n);
    }
    return n == NULL;
}

/* One random step: insert, remove or look up; compared with the model. */
static void model_step(vmm_tree_t *tree, size_t *count)
{
    size_t s = rng_below(MODEL_SLOTS);
    switch (rng_below(3)) {
    case 0:
        if (in_tree[s]) {
            CHECK_ERR(vmm_tree_insert(tree, &items[s].node), VMM_ERR_INVALID_ARGUMENT);
        } else {
            CHECK_OK(vmm_tree_insert(tree, &items[s].node));
            in_tree[s] = true;
            (*count)++;
        }
        break;
    case 1:
        if (in_tree[s]) {
            CHECK_OK(vmm_tree_remove(tree, &items[s].node));
            in_tree[s] = false;
            (*count)--;
        } else {
            CHECK_ERR(vmm_tree_remove(tree, &items[s].node), VMM_ERR_NOT_ALLOCATED);
        }
        break;
    default: {
        uint64_t q = model_query();
        long want = model_find_le(q);
        vmm_tree_node_t *got = vmm_tree_find_le(tree, q);
        CHECK(got == (want < 0 ? NULL : &items[want].node));
        vmm_tree_node_t *exact = vmm_tree_find(tree, q);
        CHECK(exact == (want >= 0 && keys[want] == q ? &items[want].node : NULL));
        break;
    }
    }
}

/* Random operations against the model, checking every invariant after
 * every step; the insert/remove bias flips so the tree grows and shrinks. */
static void test_model_random(void)
{
    for (uint64_t seed = 1; seed <= 3; seed++) {
        rng_state = seed * 0x9E3779B97F4A7C15ULL;
        model_reset();
        vmm_tree_t tree;
        vmm_tree_init(&tree);
        size_t count = 0;
        int bad = 0;
        for (int step = 0; step < MODEL_STEPS && bad < 5; step++) {
            model_step(&tree, &count);
            if (!vmm_tree_check(&tree) || tree.count != count ||
                vmm_tree_height(&tree) > avl_max_height(count)) {
                fprintf(stderr, "seed %llu step %d: invariant broken\n",
                        (unsigned long long)seed, step);
                bad++;
            }
            if (step % 97 == 0 && !model_iteration_matches(&tree)) {
                fprintf(stderr, "seed %llu step %d: iteration differs\n",
                        (unsigned long long)seed, step);
                bad++;
            }
        }
        CHECK(bad == 0);
        CHECK(model_iteration_matches(&tree));
        for (size_t i = 0; i < MODEL_SLOTS; i++)
            CHECK(ITEM_OF(&items[i].node)->tag == i && items[i].payload == (keys[i] ^ 0x5a5a));
    }
}

/* ---- failed operations change nothing ---- */

/* Inserts the keys 10, 20, ... (n of them) from pool. */
static void fill(vmm_tree_t *tree, item_t *pool, size_t n)
{
    vmm_tree_init(tree);
    for (size_t i = 0; i < n; i++) {
        vmm_tree_node_init(&pool[i].node, 10 * (i + 1));
        CHECK_OK(vmm_tree_insert(tree, &pool[i].node));
    }
}

/* A duplicate key, a node already in a tree, NULL, a node of another tree,
 * a double remove: each returns its error and leaves every byte as it was. */
static void test_failures_change_nothing(void)
{
    item_t pool[31], other[3], before[31];
    vmm_tree_t tree, tree_before, other_tree;
    fill(&tree, pool, 31);
    fill(&other_tree, other, 3);
    memcpy(before, pool, sizeof pool);
    tree_before = tree;

    for (size_t i = 0; i < 31; i++) {
        item_t dup;
        vmm_tree_node_init(&dup.node, pool[i].node.key);
        CHECK_ERR(vmm_tree_insert(&tree, &dup.node), VMM_ERR_ALREADY_ALLOCATED);
        CHECK(dup.node.height == 0 && dup.node.parent == NULL);
        CHECK_ERR(vmm_tree_insert(&tree, &pool[i].node), VMM_ERR_INVALID_ARGUMENT);
    }
    CHECK_ERR(vmm_tree_insert(&tree, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(vmm_tree_insert(&tree, &other[1].node), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(vmm_tree_remove(&tree, NULL), VMM_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < 3; i++)
        CHECK_ERR(vmm_tree_remove(&tree, &other[i].node), VMM_ERR_NOT_ALLOCATED);
    item_t loose;
    vmm_tree_node_init(&loose.node, 20);
    CHECK_ERR(vmm_tree_remove(&tree, &loose.node), VMM_ERR_NOT_ALLOCATED);
    CHECK(memcmp(pool, before, sizeof pool) == 0);
    CHECK(memcmp(&tree, &tree_before, sizeof tree) == 0);
    CHECK(vmm_tree_check(&tree) && vmm_tree_check(&other_tree));

    CHECK_OK(vmm_tree_remove(&tree, &pool[7].node));
    CHECK(pool[7].node.height == 0 && pool[7].node.left == NULL &&
          pool[7].node.right == NULL && pool[7].node.parent == NULL &&
          pool[7].node.key == 80);
    memcpy(before, pool, sizeof pool);
    tree_before = tree;
    CHECK_ERR(vmm_tree_remove(&tree, &pool[7].node), VMM_ERR_NOT_ALLOCATED);
    CHECK(memcmp(pool, before, sizeof pool) == 0);
    CHECK(memcmp(&tree, &tree_before, sizeof tree) == 0);
    /* a removed node can go back in */
    CHECK_OK(vmm_tree_insert(&tree, &pool[7].node));
    CHECK(vmm_tree_check(&tree) && tree.count == 31);
}

/* ---- iteration and lookups on small trees ---- */

/* The empty tree, one node, and the lookups around keys 10..310. */
static void test_empty_and_edges(void)
{
    vmm_tree_t tree;
    vmm_tree_init(&tree);
    CHECK(vmm_tree_check(&tree) && vmm_tree_height(&tree) == 0);
    CHECK(vmm_tree_first(&tree) == NULL && vmm_tree_last(&tree) == NULL);
    CHECK(vmm_tree_find_le(&tree, 0) == NULL && vmm_tree_find_le(&tree, UINT64_MAX) == NULL);

    item_t pool[31];
    fill(&tree, pool, 31);
    CHECK(vmm_tree_height(&tree) == 5); /* 31 sequential keys: perfect */
    CHECK(vmm_tree_find_le(&tree, 9) == NULL);
    CHECK(vmm_tree_find_le(&tree, 0) == NULL);
    for (size_t i = 0; i < 31; i++) {
        uint64_t k = 10 * (i + 1);
        CHECK(vmm_tree_find_le(&tree, k) == &pool[i].node);
        CHECK(vmm_tree_find_le(&tree, k + 9) == &pool[i].node);
        CHECK(vmm_tree_find(&tree, k) == &pool[i].node);
        CHECK(vmm_tree_find(&tree, k + 1) == NULL);
    }
    CHECK(vmm_tree_find_le(&tree, UINT64_MAX) == &pool[30].node);
    CHECK(vmm_tree_first(&tree) == &pool[0].node && vmm_tree_last(&tree) == &pool[30].node);
    CHECK(vmm_tree_prev(&pool[0].node) == NULL && vmm_tree_next(&pool[30].node) == NULL);

    /* remove down to empty through the root every time */
    for (size_t n = 31; n > 0; n--) {
        CHECK_OK(vmm_tree_remove(&tree, tree.root));
        CHECK(vmm_tree_check(&tree) && tree.count == n - 1);
    }
    CHECK(tree.root == NULL);
}

/* ---- vmm_tree_check, the oracle, rejects corruption ---- */

/* Each corruption of a healthy 15-node tree makes vmm_tree_check fail;
 * undoing it makes it pass again. Cycles must not hang it. */
static void test_check_detects_corruption(void)
{
    item_t pool[15];
    vmm_tree_t tree;
    fill(&tree, pool, 15); /* perfect: root 80, leaves 10, 30, ... */
    vmm_tree_node_t *root = tree.root, *leaf = &pool[0].node, *mid = root->left;
    CHECK(vmm_tree_check(&tree) && root == &pool[7].node && leaf->left == NULL);

    tree.count++;
    CHECK(!vmm_tree_check(&tree));
    tree.count -= 2;
    CHECK(!vmm_tree_check(&tree));
    tree.count++;

    uint64_t key = leaf->key; /* order */
    leaf->key = root->key + 1;
    CHECK(!vmm_tree_check(&tree));
    leaf->key = mid->key; /* equal keys */
    CHECK(!vmm_tree_check(&tree));
    leaf->key = key;

    leaf->height = 2; /* height */
    CHECK(!vmm_tree_check(&tree));
    leaf->height = 1;
    root->height++;
    CHECK(!vmm_tree_check(&tree));
    root->height--;

    vmm_tree_node_t *p = leaf->parent; /* parent link */
    leaf->parent = root;
    CHECK(!vmm_tree_check(&tree));
    leaf->parent = p;
    root->parent = leaf;
    CHECK(!vmm_tree_check(&tree));
    root->parent = NULL;

    leaf->left = root; /* cycle back to the root */
    CHECK(!vmm_tree_check(&tree));
    leaf->left = mid; /* cycle to an inner node */
    CHECK(!vmm_tree_check(&tree));
    leaf->left = NULL;
    mid->right = mid->left; /* a node reachable twice */
    CHECK(!vmm_tree_check(&tree));
    mid->right = &pool[5].node;

    vmm_tree_node_t *deep = &pool[8].node; /* leftmost of the root's right */
    CHECK(deep->parent == &pool[9].node && deep->left == NULL);
    deep->parent = &pool[10].node;
    CHECK(!vmm_tree_check(&tree));
    deep->parent = &pool[9].node;
    deep->height = 0; /* implausible heights */
    CHECK(!vmm_tree_check(&tree));
    deep->height = 1000;
    CHECK(!vmm_tree_check(&tree));
    deep->height = 1;
    root->height = 0;
    CHECK(!vmm_tree_check(&tree));
    root->height = 1000;
    CHECK(!vmm_tree_check(&tree));
    root->height = 4;

    /* unbalanced but otherwise consistent: a 3-node chain */
    vmm_tree_t chain;
    item_t c[3];
    vmm_tree_init(&chain);
    for (int i = 0; i < 3; i++)
        vmm_tree_node_init(&c[i].node, (uint64_t)i);
    c[0].node.right = &c[1].node, c[1].node.parent = &c[0].node;
    c[1].node.right = &c[2].node, c[2].node.parent = &c[1].node;
    c[0].node.height = 3, c[1].node.height = 2, c[2].node.height = 1;
    chain.root = &c[0].node;
    chain.count = 3;
    CHECK(!vmm_tree_check(&chain));
    /* the mirror image: leaning left */
    for (int i = 0; i < 3; i++)
        vmm_tree_node_init(&c[i].node, (uint64_t)(2 - i));
    c[0].node.left = &c[1].node, c[1].node.parent = &c[0].node;
    c[1].node.left = &c[2].node, c[2].node.parent = &c[1].node;
    c[0].node.height = 3, c[1].node.height = 2, c[2].node.height = 1;
    CHECK(!vmm_tree_check(&chain));
    c[0].node.left = NULL, c[0].node.height = 1; /* count 3, one node reachable */
    CHECK(!vmm_tree_check(&chain));
    chain.count = 1;
    CHECK(vmm_tree_check(&chain));

    CHECK(vmm_tree_check(&tree)); /* all undone */
}

/* ---- heights and path lengths ---- */

#define BIG_N 100000

static item_t big[BIG_N];

/* Ascending and descending inserts give a tree as low as a perfect one;
 * removing from either end keeps the AVL bound. */
static void test_sequential_height(void)
{
    for (int dir = 0; dir < 2; dir++) {
        vmm_tree_t tree;
        vmm_tree_init(&tree);
        bool bound_ok = true;
        for (size_t i = 0; i < BIG_N; i++) {
            size_t k = dir == 0 ? i : BIG_N - 1 - i;
            vmm_tree_node_init(&big[k].node, (uint64_t)k << 12);
            CHECK_OK(vmm_tree_insert(&tree, &big[k].node));
            if (vmm_tree_height(&tree) > bit_length(tree.count))
                bound_ok = false;
        }
        CHECK(bound_ok);
        CHECK(vmm_tree_check(&tree));
        fprintf(stderr, "  %s inserts of %d: height %d (perfect %d, AVL bound %d)\n",
                dir == 0 ? "ascending" : "descending", BIG_N, (int)vmm_tree_height(&tree),
                (int)bit_length(BIG_N), (int)avl_max_height(BIG_N));
        for (size_t i = 0; i < BIG_N; i++) {
            vmm_tree_node_t *n = dir == 0 ? vmm_tree_first(&tree) : vmm_tree_last(&tree);
            CHECK(n == &big[dir == 0 ? i : BIG_N - 1 - i].node);
            CHECK_OK(vmm_tree_remove(&tree, n));
            if (vmm_tree_height(&tree) > avl_max_height(tree.count))
                bound_ok = false;
            if (i % 4096 == 0 && !vmm_tree_check(&tree))
                bound_ok = false;
        }
        CHECK(bound_ok && tree.root == NULL && tree.count == 0);
    }
}

/* 10^5 random keys: every search path is at most the height, which obeys
 * the AVL bound; average path length is within 1.5x of log2(n). Then
 * removes in random order, checking as it goes. */
static void test_random_big(void)
{
    rng_state = 0xC0FFEE;
    vmm_tree_t tree;
    vmm_tree_init(&tree);
    size_t inserted = 0;
    for (size_t i = 0; i < BIG_N; i++) {
        vmm_tree_node_init(&big[i].node, rng() & ~0xFFFull);
        if (vmm_tree_insert(&tree, &big[i].node) == VMM_OK)
            inserted++;
        else
            CHECK(vmm_tree_find(&tree, big[i].node.key) != NULL);
    }
    CHECK(vmm_tree_check(&tree) && tree.count == inserted);
    int32_t height = vmm_tree_height(&tree);
    CHECK(height <= avl_max_height(inserted));

    uint64_t total = 0;
    int32_t longest = 0;
    for (size_t i = 0; i < BIG_N; i++) {
        uint64_t q = i % 2 ? big[i].node.key : rng();
        int32_t len = search_path_len(&tree, q);
        total += (uint64_t)len;
        if (len > longest)
            longest = len;
        vmm_tree_node_t *got = vmm_tree_find_le(&tree, q);
        CHECK(got == NULL || (got->key <= q && (vmm_tree_next(got) == NULL ||
                                                vmm_tree_next(got)->key > q)));
    }
    CHECK(longest <= height);
    CHECK(total * 2 <= (uint64_t)BIG_N * 3 * (uint64_t)bit_length(inserted));
    fprintf(stderr, "  %zu random keys: height %d (AVL bound %d), longest path %d, "
                    "mean path %.2f (log2 n = %d)\n", inserted, (int)height,
            (int)avl_max_height(inserted), (int)longest, (double)total / BIG_N,
            (int)bit_length(inserted) - 1);

    static size_t order[BIG_N];
    for (size_t i = 0; i < BIG_N; i++)
        order[i] = i;
    for (size_t i = BIG_N - 1; i > 0; i--) {
        size_t j = rng_below(i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    bool ok = true;
    for (size_t i = 0; i < BIG_N; i++) {
        item_t *it = &big[order[i]];
        if (it->node.height == 0) /* lost to a duplicate key */
            CHECK_ERR(vmm_tree_remove(&tree, &it->node), VMM_ERR_NOT_ALLOCATED);
        else
            CHECK_OK(vmm_tree_remove(&tree, &it->node));
        if (i % 4096 == 0 && (!vmm_tree_check(&tree) ||
                              vmm_tree_height(&tree) > avl_max_height(tree.count)))
            ok = false;
    }
    CHECK(ok && tree.root == NULL && tree.count == 0);
}

int main(void)
{
    RUN(test_model_random);
    RUN(test_failures_change_nothing);
    RUN(test_empty_and_edges);
    RUN(test_check_detects_corruption);
    RUN(test_sequential_height);
    RUN(test_random_big);
    return check_exit();
}
