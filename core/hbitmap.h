/*
 * hbitmap.h - a hierarchical bitmap whose storage grows with the number of
 * partly used regions, not with the number of entries.
 *
 * Entry i is "used" (set) or "free" (clear), as in bitmap.h; num_free counts
 * the free entries. The entries form a radix tree:
 *
 *   - a leaf holds 4096 entries as 64 words of bits (the flat layout of
 *     bitmap.h: entry j of the leaf is bit j % 64 of word j / 64), and the
 *     free runs (first, last, longest) of each group of 8 words;
 *   - a node has 64 child slots; a slot is EMPTY (every entry below it is
 *     free), FULL (every entry used) or points to a node or, one level
 *     above the leaves, to a leaf. A node at level l >= 1 covers
 *     2^(12 + 6 l) entries; the root (level height) is embedded in
 *     hbitmap_t, every other node and every leaf comes from the caller's
 *     allocator.
 *   - each node keeps, for each child slot k, the free runs of the child:
 *     pre[k] (free entries at its start), suf[k] (at its end) and max[k]
 *     (its longest free run), and the same runs of each group of 8 slots
 *     (gmax = SIZE_MAX: not known since a slot of the group changed; a set
 *     below the node recomputes them). First fit reads them to enter only
 *     a group and a child where a run of n can start, so a search visits
 *     O(height x 64) slots at worst, O(height x 16) when the groups are
 *     known, plus at most two leaf scans, whatever the window. That bound
 *     is for align 1 (and whenever the runs found are long enough: a run
 *     of n + align - 1 always holds an aligned run of n). The summaries do
 *     not tell an aligned run from an unaligned one: with align > 1 a child
 *     whose longest run is at least n but holds no aligned run of n is
 *     entered and scanned too, so in the worst case (every partly used
 *     leaf holding such a run; an outside test measured 9.7 ms with 16384
 *     leaves, 2 MiB-aligned runs of 512 entries) a search scans every
 *     partly used leaf. The VMM's 2 MiB / 1 GiB reservations are such
 *     searches (INTEGRATION.md, section 10).
 *
 * Canonical form: a pointer slot is never uniform. A node or leaf that
 * becomes all free or all used is returned to the allocator and its slot
 * becomes EMPTY or FULL, so memory tracks the partly used regions. Entries
 * at or above num_entries (the padding of the last leaf and node) are always
 * free and never reported by a search.
 *
 * Failure atomicity: set_range / clear_range (and find_set) first count the
 * nodes their splits of EMPTY / FULL slots need (at most two per level: the
 * slots holding the range's first and last entry), allocate them into a
 * spare pool, then commit, which cannot fail. An allocator failure returns
 * VMM_ERR_OUT_OF_MEMORY with the pool as it was: nothing changed.
 * hbitmap_prepare fills the pool for a later range operation, so that a
 * caller (the VMM's free, after unmapping) can perform it without a way to
 * fail; hbitmap_unprepare returns the pool. A prepare only tops the pool up
 * to its range's need (it never gives spares back), so after prepares of
 * several ranges the NEXT operation, on any one of them, cannot fail (only
 * one: a SUCCESSFUL range operation empties the pool when it ends, so an
 * operation after it needs its own prepare); a failed one leaves it as
 * it was, also what an earlier prepare put there (hbitmap_check then
 * reports the pool not empty until hbitmap_unprepare or the next success).
 *
 * Memory: every block comes from the caller's allocator, aligned to 64
 * bytes: a node is sizeof(hb_node_t) bytes, a leaf sizeof(hb_leaf_t) (about
 * 2.2 KiB and 0.5 KiB on x86_64); one operation holds at most
 * HBITMAP_SPARE_NODES nodes and HBITMAP_SPARE_LEAVES leaves in its pool at
 * once (2 per level of the tree). hbitmap_bytes counts the tree and the
 * pool. hbitmap_init copies *allocator. The proof models alloc as alloc.h
 * documents it (proofs/hbitmap.acsl, hb_spec_alloc, and the two trusted
 * adapters of proofs/hbitmap.trusted): a request of sizeof(hb_node_t)
 * (sizeof(hb_leaf_t)) bytes returns NULL or storage valid for one hb_node_t
 * (hb_leaf_t) that is fresh: while an hbitmap_t is live, its allocator's
 * alloc returns storage that overlaps neither the hbitmap_t, nor a node or
 * leaf of its tree, nor a spare of its pool (nobody else frees what the
 * bitmap holds).
 *
 * Callbacks and concurrency: there is no lock and, unlike vmm_t, NO guard.
 * The allocator's alloc and free must not call into the same hbitmap_t: a
 * nested call may trap (VMM_ASSERT) or never return. Inside a vmm_t the
 * VMM's guard refuses such calls with VMM_ERR_BUSY before they reach the
 * hbitmap (vmm.h, "Reentrancy"); a standalone user must not nest. (Not
 * yet guarded: a flag in hbitmap_t changes every proof task, a full proof
 * rebuild: proofs/RESULTS.md, "Round 30 (integrator)".) The queries (hbitmap_test, _find, _range_clear / _set,
 * _num_free, _bytes, _check*, _prefetch) write nothing: readers may share an
 * hbitmap_t with each other, never with a writer.
 *
 * Limits: at most HBITMAP_MAX_ENTRIES (2^60) entries, so that every slot
 * start and end fits a size_t. The set / clear descents recurse, one round
 * per level, so at most HBITMAP_MAX_HEIGHT rounds deep (leaf_range_at for a
 * range inside one leaf; range_node and range_child for a longer one); the
 * other walks use explicit path stacks of at most HBITMAP_MAX_HEIGHT
 * entries. Stack use: INTEGRATION.md, section 11.
 */
#ifndef CORE_HBITMAP_H
#define CORE_HBITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "status.h"
#include "vmm_cdefs.h"

VMM_BEGIN_DECLS

#define HBITMAP_FANOUT 64u
#define HBITMAP_LEAF_SHIFT 12u /* entries per leaf: 4096      */
#define HBITMAP_FAN_SHIFT 6u   /* log2(HBITMAP_FANOUT)        */
#define HBITMAP_LEAF_WORDS 64u
#define HBITMAP_GROUP_WORDS 8u  /* a leaf group: 8 words, 512 entries */
#define HBITMAP_LEAF_GROUPS 8u  /* HBITMAP_LEAF_WORDS / HBITMAP_GROUP_WORDS */
#define HBITMAP_NODE_GROUPS 8u  /* a node group: 8 slots */
#define HBITMAP_GROUP_SLOTS 8u
#define HBITMAP_MAX_HEIGHT 8u  /* root level: 12 + 6 * 8 = 60 */
#define HBITMAP_MAX_ENTRIES ((size_t)1 << 60)
/* Spare pool: splits of one range operation (two paths below the root). */
#define HBITMAP_SPARE_NODES (2u * (HBITMAP_MAX_HEIGHT - 1u))
#define HBITMAP_SPARE_LEAVES 2u

/* The group runs summarise the leaf as a node summarises its slots: first
 * fit and the leaf's own runs read 8 groups, then at most 8 words. */
typedef struct hb_leaf {
    uint64_t bits[HBITMAP_LEAF_WORDS];   /* 1 = used */
    uint16_t gpre[HBITMAP_LEAF_GROUPS];  /* free entries at the start of group g */
    uint16_t gsuf[HBITMAP_LEAF_GROUPS];  /* free entries at the end of group g   */
    uint16_t gmax[HBITMAP_LEAF_GROUPS];  /* longest free run inside group g      */
} hb_leaf_t;

struct hb_node;

/* A child slot: NULL is EMPTY or FULL (see hb_node.full). */
typedef union hb_child {
    struct hb_node *node; /* level >= 2: the child node */
    hb_leaf_t *leaf;      /* level 1: the child leaf    */
} hb_child_t;

/* The group runs summarise the node's slots 8 at a time, as a leaf's
 * group runs its words: first fit reads 8 groups, then at most 8 slots,
 * and a node's longest run is recomputed from 8 groups, not 64 slots. A
 * change of a slot only marks its group unknown (gmax = SIZE_MAX); the
 * node's runs, when a set needs them, recompute the unknown groups; first
 * fit reads an unknown group's slots; the root's groups (no summary
 * above) stay unknown once changed.
 * Nodes and leaves are asked of the allocator on a cache line (64 bytes):
 * then the 8 words or 8 slot summaries of a group lie in one line each. */
typedef struct hb_node {
    hb_child_t child[HBITMAP_FANOUT];
    uint64_t pre[HBITMAP_FANOUT]; /* free entries at the start of child k */
    uint64_t suf[HBITMAP_FANOUT]; /* free entries at the end of child k   */
    uint64_t max[HBITMAP_FANOUT]; /* longest free run inside child k      */
    uint64_t gpre[HBITMAP_NODE_GROUPS]; /* the runs of slots [8 g, 8 g + 8) */
    uint64_t gsuf[HBITMAP_NODE_GROUPS]; /* together: at the start, at the end, */
    uint64_t gmax[HBITMAP_NODE_GROUPS]; /* longest                             */
    uint64_t full;                /* bit k: slot k is FULL (child NULL)  */
} hb_node_t;

typedef struct hbitmap {
    hb_node_t root;        /* level height, never freed                  */
    unsigned height;       /* >= 1; root covers 2^(12 + 6 height) entries */
    size_t num_entries;
    size_t num_free;
    vmm_allocator_t allocator;
    size_t nodes, leaves;  /* allocated and in the tree (not the pool)  */
    hb_node_t *spare_node[HBITMAP_SPARE_NODES];
    hb_leaf_t *spare_leaf[HBITMAP_SPARE_LEAVES];
    size_t num_spare_nodes, num_spare_leaves;
} hbitmap_t;

/* Initialises hb over num_entries entries, all free; allocates nothing.
 * VMM_ERR_INVALID_ARGUMENT (hb or allocator NULL, a NULL callback,
 * num_entries 0), VMM_ERR_OUT_OF_BOUNDS (num_entries > HBITMAP_MAX_ENTRIES).
 * Every other function takes an hb that hbitmap_init initialised: an
 * hbitmap_t whose init failed or never ran (even zeroed) may be passed to
 * hbitmap_init only (vmm_t, which embeds one, is safe zeroed: vmm.h), and
 * hbitmap_init on a live hbitmap_t leaks its blocks (destroy it first).
 * The proved contracts require the tree invariants hbitmap_init
 * establishes; that every set / clear keeps them is tested, not proved
 * yet (README, "Proofs"). */
vmm_status_t hbitmap_init(hbitmap_t *hb, size_t num_entries, const vmm_allocator_t *allocator);

/* Returns every node, leaf and spare to the allocator; hb is then all free
 * (what vmm_deinit relies on). hb must be initialised again before any
 * other use (only that is specified; a destroyed hb is not a zeroed one,
 * and neither a zeroed nor a failed-init hbitmap_t may be destroyed). */
void hbitmap_destroy(hbitmap_t *hb);

/* Stores in *is_set whether entry i is used. VMM_ERR_OUT_OF_BOUNDS when
 * i >= num_entries, VMM_ERR_INVALID_ARGUMENT when is_set is NULL. */
vmm_status_t hbitmap_test(const hbitmap_t *hb, size_t i, bool *is_set);

/* Sets / clears [first, first + n). VMM_ERR_INVALID_ARGUMENT (n == 0),
 * VMM_ERR_OUT_OF_BOUNDS (the range does not fit, overflow-safe),
 * VMM_ERR_OUT_OF_MEMORY (a split found the allocator empty); nothing
 * changed on error. Cannot fail with OUT_OF_MEMORY right after a successful
 * hbitmap_prepare of the same range and operation (tested; not a proved
 * contract). */
vmm_status_t hbitmap_set_range(hbitmap_t *hb, size_t first, size_t n);
vmm_status_t hbitmap_clear_range(hbitmap_t *hb, size_t first, size_t n);

/* Allocates into the spare pool what set_range (set) or clear_range (!set)
 * of [first, first + n) will need. Errors as set_range; nothing changed. */
vmm_status_t hbitmap_prepare(hbitmap_t *hb, size_t first, size_t n, bool set);

/* Returns the spare pool to the allocator (after a prepare not followed by
 * its range operation). */
void hbitmap_unprepare(hbitmap_t *hb);

/* True when every entry of [first, first + n) is free / used; false when
 * the range is empty or out of bounds. */
bool hbitmap_range_clear(const hbitmap_t *hb, size_t first, size_t n);
bool hbitmap_range_set(const hbitmap_t *hb, size_t first, size_t n);

/* Finds the lowest s >= hint with (s - hint) % align == 0 whose n entries
 * are free and stores it in *first (hbitmap_find changes nothing,
 * hbitmap_find_set also sets the run). Errors (nothing changed):
 * VMM_ERR_INVALID_ARGUMENT (n == 0, align not a power of two, first NULL),
 * VMM_ERR_OUT_OF_BOUNDS (hint > num_entries), VMM_ERR_NO_SPACE (no run),
 * VMM_ERR_OUT_OF_MEMORY (find_set only: the set's split failed). first
 * must not point into the bitmap's own storage (hb or a block its
 * allocator handed it): find_set's proved contract requires it apart from
 * every node and leaf (a size_t of the caller's is). */
vmm_status_t hbitmap_find(const hbitmap_t *hb, size_t n, size_t align, size_t hint,
                          size_t *first);
vmm_status_t hbitmap_find_set(hbitmap_t *hb, size_t n, size_t align, size_t hint,
                              size_t *first);

/* Returns the number of free entries. */
size_t hbitmap_num_free(const hbitmap_t *hb);

/* Returns the bytes of node and leaf storage taken from the allocator. */
size_t hbitmap_bytes(const hbitmap_t *hb);
/* Starts loading what a range update from entry i reads first (a hint:
 * changes nothing; nothing when i is out of bounds). */
void hbitmap_prefetch(const hbitmap_t *hb, size_t i);

/* Structural checks, for tests and fuzz targets (never needed in
 * production). hbitmap_check walks the whole tree: summaries equal what
 * the children hold (a leaf's group runs too), no pointer slot is uniform, no FULL slot or used entry
 * lies at or above num_entries, node / leaf counts and num_free match, the
 * spare pool is empty. hbitmap_check_at checks the same on the path from
 * the root to entry i only: each slot of the nodes on it (a pointer slot
 * off the path only for its flags and bounds, its child is not read) and
 * the leaf (cost O(height x 64 + one leaf)). hbitmap_check_range checks the
 * paths to first and to first + n - 1 so (the nodes they share once, one
 * leaf when both ends lie in it); false when the range is empty or out of
 * bounds. */
bool hbitmap_check(const hbitmap_t *hb);
bool hbitmap_check_at(const hbitmap_t *hb, size_t i);
bool hbitmap_check_range(const hbitmap_t *hb, size_t first, size_t n);

VMM_END_DECLS

#endif
