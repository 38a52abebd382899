/*
 * test_vmm_btree.c - the record index's B+ tree (core/vmm_btree.h) against
 * a sorted array: random inserts and removes through every split, borrow
 * and merge, checked after each step (vmm_btree_check, counts, every
 * lookup of the model's keys and gaps, in-order iteration); prepare takes
 * exactly what the insert uses and a failure part-way changes nothing;
 * vmm_btree_check rejects each hand-made corruption.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/vmm_btree.h"
#include "fail_alloc.h"

#define MAX_KEYS 4000u

typedef struct model {
    uint64_t key[MAX_KEYS];
    size_t n;
} model_t;

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

/* Returns the next pseudo-random number (xorshift64). */
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Returns how many model keys are <= key. */
static size_t model_le(const model_t *m, uint64_t key)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->key[mid] <= key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The value stored for key: a non-NULL pointer that names the key. */
static void *value_of(uint64_t key)
{
    return (void *)(uintptr_t)(key * 2u + 1u);
}

/* Checks the tree against the model: structure, counts, lookups at each
 * key, below and above it, and the iteration. */
static void check_same(const vmm_btree_t *t, const model_t *m)
{
    CHECK(vmm_btree_check(t) && t->count == m->n);
    void *v = vmm_btree_next(t, 0, true);
    for (size_t i = 0; i < m->n; i++) {
        CHECK(v == value_of(m->key[i]));
        uint64_t found = 0;
        CHECK(vmm_btree_find_le(t, m->key[i], &found) == value_of(m->key[i]) &&
              found == m->key[i]);
        if (m->key[i] != 0) { /* just below the key: the one before, or none */
            void *below = vmm_btree_find_le(t, m->key[i] - 1u, NULL);
            CHECK(below == (i == 0 ? NULL : value_of(m->key[i - 1])));
        }
        v = vmm_btree_next(t, m->key[i], false);
    }
    CHECK(v == NULL);
}

/* Inserts key (not in the model) through prepare, checking that the
 * insert uses every node prepare took: by key, or (odd keys) at
 * the path one descent filled, which must find no key equal to key. */
static void insert(vmm_btree_t *t, const vmm_allocator_t *a, model_t *m, uint64_t key)
{
    size_t i = model_le(m, key);
    if (key % 2 == 0) {
        CHECK_OK(vmm_btree_prepare(t, a, key));
        vmm_btree_insert(t, key, value_of(key));
    } else { /* the path's greatest key below is the model's */
        vmm_bpath_t p;
        uint64_t found = key;
        vmm_btree_seek(t, key, &p);
        void *below = vmm_btree_path_le(&p, &found);
        CHECK(i == 0 ? below == NULL && found == key
                     : below == value_of(m->key[i - 1]) && found == m->key[i - 1]);
        CHECK_OK(vmm_btree_prepare_at(t, a, &p));
        vmm_btree_insert_at(t, &p, key, value_of(key));
    }
    CHECK(t->nspare == 0);
    memmove(&m->key[i + 1], &m->key[i], (m->n - i) * sizeof m->key[0]);
    m->key[i] = key;
    m->n++;
}

/* Removes the model's i-th key: by key, or (odd keys) at the path one
 * descent filled, where the key must be found. */
static void remove_at(vmm_btree_t *t, const vmm_allocator_t *a, model_t *m, size_t i)
{
    if (m->key[i] % 2 == 0) {
        vmm_btree_remove(t, a, m->key[i]);
    } else {
        vmm_bpath_t p;
        uint64_t found = ~m->key[i];
        vmm_btree_seek(t, m->key[i], &p);
        CHECK(vmm_btree_path_le(&p, &found) == value_of(m->key[i]) && found == m->key[i]);
        vmm_btree_remove_at(t, a, &p);
    }
    memmove(&m->key[i], &m->key[i + 1], (m->n - i - 1) * sizeof m->key[0]);
    m->n--;
}

/* Returns a key not in the model (below UINT64_MAX). */
static uint64_t fresh_key(const model_t *m, uint64_t range)
{
    for (;;) {
        uint64_t k = rnd() % range;
        size_t i = model_le(m, k);
        if (i == 0 || m->key[i - 1] != k)
            return k;
    }
}

/* Grows to MAX_KEYS and shrinks to 0 twice, in random order, then in
 * ascending and descending order, checking after each step (the full check
 * every 37 steps: it is O(n log n)). Every node goes back. */
static void test_random_against_model(void)
{
    static model_t m;
    fail_alloc_t fa;
    fail_alloc_init(&fa);
    vmm_allocator_t a = fail_alloc_iface(&fa);
    vmm_btree_t t;
    vmm_btree_init(&t);
    unsigned step = 0;
    for (int round = 0; round < 2; round++) {
        while (m.n < MAX_KEYS) {
            if (m.n > 0 && rnd() % 3 == 0)
                remove_at(&t, &a, &m, (size_t)(rnd() % m.n));
            else
                insert(&t, &a, &m, fresh_key(&m, round ? UINT64_MAX : 20000u));
            if (++step % 37 == 0 || m.n < 64)
                check_same(&t, &m);
        }
        CHECK(t.height >= 3 && fa.live == t.nodes);
        while (m.n > 0) {
            if (rnd() % 4 == 0)
                insert(&t, &a, &m, fresh_key(&m, round ? UINT64_MAX : 20000u));
            else
                remove_at(&t, &a, &m, (size_t)(rnd() % m.n));
            if (++step % 37 == 0 || m.n < 64)
                check_same(&t, &m);
        }
        CHECK(t.root == NULL && t.nodes == 0 && t.height == 0 && fa.live == 0);
    }
    for (uint64_t k = 0; k < 3000; k++) /* ascending, keys from 0 */
        insert(&t, &a, &m, k);
    check_same(&t, &m);
    while (m.n > 0) /* from the top down */
        remove_at(&t, &a, &m, m.n - 1);
    for (uint64_t k = 3000; k-- > 0;) /* descending */
        insert(&t, &a, &m, k * 7u + 1u);
    check_same(&t, &m);
    while (m.n > 0)
        remove_at(&t, &a, &m, 0);
    CHECK(vmm_btree_check(&t) && t.root == NULL && fa.live == 0);
}

/* An allocator failure at each of prepare's allocations (a new root over
 * a full path) gives back what it took: tree and allocator unchanged;
 * unprepare after a successful prepare too. */
static void test_prepare_fails_cleanly(void)
{
    static model_t m;
    fail_alloc_t fa;
    fail_alloc_init(&fa);
    vmm_allocator_t a = fail_alloc_iface(&fa);
    vmm_btree_t t;
    vmm_btree_init(&t);
    fa.countdown = 0; /* the first node of an empty tree */
    CHECK_ERR(vmm_btree_prepare(&t, &a, 5), VMM_ERR_OUT_OF_MEMORY);
    CHECK(t.nspare == 0 && t.root == NULL && fa.live == 0);
    fa.countdown = -1;
    /* ascending keys fill each rightmost node: find a key whose insert
     * splits every level */
    uint64_t k = 0;
    unsigned worst = 0;
    for (; k < 200000 && worst < 3; k++) {
        size_t live = fa.live;
        CHECK_OK(vmm_btree_prepare(&t, &a, k));
        unsigned need = t.nspare;
        vmm_btree_unprepare(&t, &a);
        CHECK(t.nspare == 0 && fa.live == live);
        if (need >= 3) {
            worst = need;
            break;
        }
        insert(&t, &a, &m, k);
    }
    CHECK(worst >= 3 && worst == t.height + 1u);
    for (unsigned fail = 0; fail < worst; fail++) {
        size_t live = fa.live, nodes = t.nodes, count = t.count;
        vmm_bnode_t *root = t.root;
        fa.countdown = fail;
        CHECK_ERR(vmm_btree_prepare(&t, &a, k), VMM_ERR_OUT_OF_MEMORY);
        CHECK(t.nspare == 0 && fa.live == live && t.nodes == nodes && t.count == count &&
              t.root == root && vmm_btree_check(&t));
    }
    fa.countdown = -1;
    insert(&t, &a, &m, k);
    check_same(&t, &m);
    while (m.n > 0)
        remove_at(&t, &a, &m, m.n / 2);
    CHECK(fa.live == 0);
}

/* vmm_btree_check, the tree's oracle, fails on each corruption of a sound
 * tree of three levels, and holds again once it is undone. */
static void test_check_rejects(void)
{
    static model_t m;
    fail_alloc_t fa;
    fail_alloc_init(&fa);
    vmm_allocator_t a = fail_alloc_iface(&fa);
    vmm_btree_t t;
    vmm_btree_init(&t);
    for (uint64_t k = 0; k < 1000; k++)
        insert(&t, &a, &m, k * 16u + 8u);
    CHECK(vmm_btree_check(&t) && t.height == 3);
    vmm_bnode_t *root = t.root, *inner = root->ptr[1], *leaf = inner->ptr[1];
    vmm_bnode_t *next = leaf->next;
    uint64_t key = leaf->key[2];
    leaf->key[2] = leaf->key[1]; /* keys not increasing in a leaf */
    CHECK(!vmm_btree_check(&t));
    leaf->key[2] = key;
    leaf->key[0] = inner->key[1] - 1u; /* below its separator */
    CHECK(!vmm_btree_check(&t));
    leaf->key[0] = inner->key[1];
    key = leaf->key[leaf->n - 1u];
    leaf->key[leaf->n - 1u] = inner->key[2]; /* at the next separator */
    CHECK(!vmm_btree_check(&t));
    leaf->key[leaf->n - 1u] = key;
    leaf->next = next->next; /* the leaf chain skips a leaf */
    CHECK(!vmm_btree_check(&t));
    leaf->next = next;
    next->prev = NULL; /* a broken back link */
    CHECK(!vmm_btree_check(&t));
    next->prev = leaf;
    unsigned n = leaf->n;
    leaf->n = VMM_BTREE_MIN - 1u; /* an underfull node (and lost entries) */
    CHECK(!vmm_btree_check(&t));
    leaf->n = n;
    void *p = leaf->ptr[0];
    leaf->ptr[0] = NULL; /* a NULL value */
    CHECK(!vmm_btree_check(&t));
    leaf->ptr[0] = p;
    t.count++; /* the count */
    CHECK(!vmm_btree_check(&t));
    t.count--;
    t.nodes--; /* the node count */
    CHECK(!vmm_btree_check(&t));
    t.nodes++;
    t.height++; /* leaves not at depth height */
    CHECK(!vmm_btree_check(&t));
    t.height--;
    inner->leaf = 1; /* an inner node that says it is a leaf */
    CHECK(!vmm_btree_check(&t));
    inner->leaf = 0;
    p = inner->ptr[2];
    inner->ptr[2] = inner->ptr[1]; /* a child twice (a cycle of sorts) */
    CHECK(!vmm_btree_check(&t));
    inner->ptr[2] = p;
    t.nspare = 1; /* a spare node held between calls */
    CHECK(!vmm_btree_check(&t));
    t.nspare = 0;
    unsigned rn = root->n;
    root->n = 1; /* an inner root of one child */
    CHECK(!vmm_btree_check(&t));
    root->n = rn;
    CHECK(!vmm_btree_check(NULL));
    CHECK(vmm_btree_check(&t)); /* all undone */
    check_same(&t, &m);
    while (m.n > 0)
        remove_at(&t, &a, &m, 0);
    CHECK(fa.live == 0);
}

/* status.h's NULL rule: prepare answers VMM_ERR_INVALID_ARGUMENT, lookups
 * NULL, void functions do nothing; the tree is unchanged. */
static void test_null_rule(void)
{
    fail_alloc_t fa;
    fail_alloc_init(&fa);
    vmm_allocator_t a = fail_alloc_iface(&fa);
    vmm_btree_t t;
    vmm_bpath_t p;
    int v = 1;
    vmm_btree_init(NULL);
    vmm_btree_init(&t);
    CHECK_OK(vmm_btree_prepare(&t, &a, 5));
    vmm_btree_insert(&t, 5, &v);
    CHECK_ERR(vmm_btree_prepare(NULL, &a, 6), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(vmm_btree_prepare(&t, NULL, 6), VMM_ERR_INVALID_ARGUMENT);
    /* keys are below UINT64_MAX: refused, nothing taken, the tree still checks */
    CHECK_ERR(vmm_btree_prepare(&t, &a, UINT64_MAX), VMM_ERR_OUT_OF_BOUNDS);
    CHECK(t.nspare == 0 && vmm_btree_check(&t));
    CHECK_ERR(vmm_btree_prepare(NULL, &a, UINT64_MAX), VMM_ERR_INVALID_ARGUMENT);
    vmm_btree_seek(&t, 5, &p);
    CHECK_ERR(vmm_btree_prepare_at(&t, &a, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(vmm_btree_prepare_at(NULL, &a, &p), VMM_ERR_INVALID_ARGUMENT);
    vmm_btree_seek(&t, 5, NULL);
    vmm_btree_seek(NULL, 5, &p);
    CHECK(p.leaf == NULL && vmm_btree_path_le(&p, NULL) == NULL);
    CHECK(vmm_btree_path_le(NULL, NULL) == NULL);
    CHECK(vmm_btree_find_le(NULL, 5, NULL) == NULL && vmm_btree_next(NULL, 0, true) == NULL);
    vmm_btree_insert(NULL, 7, &v);
    vmm_btree_insert(&t, 7, NULL);
    vmm_btree_insert_at(NULL, &p, 7, &v);
    vmm_btree_insert_at(&t, NULL, 7, &v);
    vmm_btree_remove(NULL, &a, 5);
    vmm_btree_remove(&t, NULL, 5);
    vmm_btree_seek(&t, 5, &p);
    vmm_btree_remove_at(&t, NULL, &p);
    vmm_btree_remove_at(&t, &a, NULL);
    vmm_btree_unprepare(NULL, &a);
    vmm_btree_unprepare(&t, NULL);
    CHECK(!vmm_btree_check(NULL));
    CHECK(vmm_btree_check(&t) && t.count == 1 && vmm_btree_find_le(&t, 9, NULL) == &v);
    vmm_btree_remove(&t, &a, 5);
    CHECK(vmm_btree_check(&t) && t.count == 0 && fa.live == 0);
}

int main(void)
{
    RUN(test_random_against_model);
    RUN(test_prepare_fails_cleanly);
    RUN(test_check_rejects);
    RUN(test_null_rule);
    return check_exit();
}
