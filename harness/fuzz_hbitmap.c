/*
 * fuzz_hbitmap.c - fuzz target: the hierarchical bitmap (core/hbitmap.c)
 * against a flat model, on windows of 1 entry up to 2^52 - 1 (a VMM window
 * [0, 2^64 - 4K)), with the allocator failing at any point of any op.
 *
 * The model: up to three zones (the window's start, a stretch around a big
 * power-of-two boundary in its middle, its end), each a flat bool array, and
 * the gaps between them, each uniform. Every index the input names is a zone
 * offset (or a zone edge), so an op covers a gap whole or not at all; a
 * find whose answer would cover a gap in part is run as a query only.
 *
 * Checks after every op, in what the op touched: status, the entries of its
 * range (zones entry by entry, gaps by range queries), num_free, the tree's
 * structure on the paths to the range's ends (hbitmap_check_range: an
 * update's paths sorted with the next update's, shared ones once, checked
 * at the latest at the end of the next op; a failed op's at once; none after
 * a query, which cannot change a node); after a
 * successful update, that it freed none of the blocks it allocated (no
 * split prepared that it did not make: the allocator the hbitmap gets notes
 * the blocks of the current update) and left the pool empty. A failed op
 * (injected allocator failure) must leave num_free, the embedded root,
 * the node counts, the pool and the allocator's live blocks as they were; it
 * is then run again without the failure. At the end: hbitmap_check over the
 * whole tree, every zone and gap, and hbitmap_destroy returns every block.
 *
 * Input (append-only): the HBITMAP_OPS table of fuzz_ops.h (config: u8
 * window class, u16 tweak; then ops, one opcode byte each, at most
 * HBITMAP_MAX_OPS). pos = u8 zone selector, u16 offset (offset % (zone
 * length + 1)). fail = u8: 0 no failure, else allocation number fail - 1
 * of the op fails. bad_init: hbitmap_init refused (its own scratch
 * hbitmap; the window's is not touched).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hbitmap.h"
#include "fail_alloc.h"
#include "fuzz_check.h"
#include "fuzz_data.h"
#include "fuzz_nosan.h"
#include "fuzz_ops.h"


#define ZONE_MAX 9000u  /* entries per zone: two leaves and a bit */
/* a zone row starts at the word holding the zone's first entry */
#define ZONE_WORDS ((ZONE_MAX + 127u) / 64u)
#define MAX_ZONES 3
#define CLASSES 10u
#define FAIL_RETRIES 64
/* Node and leaf blocks of one input (an op splits at most 14 nodes and 2
 * leaves, 30 KiB; blocks are not reused before the next input): past it,
 * fail_alloc falls back on malloc. */
#define ARENA_BYTES ((size_t)8 << 20)
#define N_LARGE_FLAG 0x8000u
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1u)) == 0)
#define FRESH_MAX 64u   /* blocks one update may allocate (the pool: 16) */

/* Window sizes: small, around a leaf, 2^18..2^24, the higher half
 * (2^35 - 1), 2^35, a whole VMM window, the largest hbitmap. */
static const size_t class_size[CLASSES] = {
    1, 63, 64, 4097, (size_t)1 << 18, (size_t)1 << 24, ((size_t)1 << 35) - 1u,
    (size_t)1 << 35, ((size_t)1 << 52) - 1u, HBITMAP_MAX_ENTRIES,
};

typedef struct hb_state {
    fail_alloc_t alloc;
    hbitmap_t hb;
    size_t num;
    int zones;
    size_t zstart[MAX_ZONES], zlen[MAX_ZONES];
    /* bit j % 64 of word j / 64: entry zword[z] + j, the row aligned as
     * the leaves' words are (zword: zstart rounded down to 64) */
    size_t zword[MAX_ZONES];
    uint64_t zbits[MAX_ZONES][ZONE_WORDS];
    bool gap_used[MAX_ZONES - 1];
    size_t model_free;
    bool unchecked; /* an op that may change the tree ran since check_all */
    unsigned op;    /* the op running (1..), 0 outside ops */
    /* the ends of an update's range whose paths are not checked yet (npend:
     * 0 or 2), noted by op pend_op: checked with the next update's, at the
     * latest at the end of the next op (check_paths_of, paths_flush) */
    size_t pend[2];
    unsigned npend, pend_op;
    /* the blocks an update allocated (fresh_alloc): none may be freed by it */
    vmm_allocator_t inner;   /* fail_alloc's interface */
    void *fresh[FRESH_MAX];
    size_t nfresh, fresh_freed;
    /* bad_init's target: 0xA5 bytes that a refused init must leave alone */
    hbitmap_t scratch;
    /* snapshot of a failing op */
    hb_node_t snap_root;
    size_t snap_free, snap_nodes, snap_leaves, snap_live, snap_bytes;
} hb_state_t;

/* ---- the model ---- */

/* The zones' flat bits, a word at a time (the model's own code, not the
 * core's). */
#define ZBIT(w, j) (((w)[(j) / 64u] >> ((j) % 64u)) & 1u)
/* zone_apply counts with the popcnt instruction where the target has it
 * (it runs on every update). */
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define MODEL_POPCNT __attribute__((target("popcnt")))
#else
#define MODEL_POPCNT
#endif

/* Sets (set) or clears bits [a, b) of w; returns how many changed.
 * (zone_apply, zone_next: unsanitized, w is a row of hb_state_t's zbits,
 * where ASan sees no index past the row.) */
FUZZ_NO_SAN MODEL_POPCNT static size_t zone_apply(uint64_t *w, size_t a, size_t b, bool set)
{
    if (a >= b)
        return 0;
    size_t k = a / 64u, last = (b - 1u) / 64u, changed = 0;
    uint64_t m = ~(uint64_t)0 << (a % 64u);
    for (; k <= last; k++, m = ~(uint64_t)0) {
        if (k == last)
            m &= ~(uint64_t)0 >> (63u - (b - 1u) % 64u);
        changed += (size_t)__builtin_popcountll((set ? ~w[k] : w[k]) & m);
        w[k] = set ? w[k] | m : w[k] & ~m;
    }
    return changed;
}

/* Returns the first j in [a, b) whose bit of w is want, or b. */
FUZZ_NO_SAN static size_t zone_next(const uint64_t *w, size_t a, size_t b, bool want)
{
    if (a >= b)
        return b;
    size_t k = a / 64u, last = (b - 1u) / 64u;
    uint64_t flip = want ? 0 : ~(uint64_t)0, x = (w[k] ^ flip) & (~(uint64_t)0 << (a % 64u));
    while (x == 0) {
        if (++k > last)
            return b;
        x = w[k] ^ flip;
    }
    size_t j = k * 64u + (size_t)__builtin_ctzll(x);
    return j < b ? j : b;
}

/* Returns the zone holding i, or -1 (a gap). */
static int zone_of(const hb_state_t *s, size_t i)
{
    for (int z = 0; z < s->zones; z++)
        if (i >= s->zstart[z] && i - s->zstart[z] < s->zlen[z])
            return z;
    return -1;
}

/* Returns the gap holding i (i in no zone). */
static int gap_of(const hb_state_t *s, size_t i)
{
    for (int g = 0; g + 1 < s->zones; g++)
        if (i >= s->zstart[g] + s->zlen[g] && i < s->zstart[g + 1])
            return g;
    return -1;
}

static bool model_get(const hb_state_t *s, size_t i)
{
    int z = zone_of(s, i);
    return z >= 0 ? ZBIT(s->zbits[z], i - s->zword[z]) != 0 : s->gap_used[gap_of(s, i)];
}

/* Returns the end of the zone or gap holding i. */
static size_t segment_end(const hb_state_t *s, size_t i)
{
    int z = zone_of(s, i);
    if (z >= 0)
        return s->zstart[z] + s->zlen[z];
    return s->zstart[gap_of(s, i) + 1];
}

/* Applies set / clear of [a, b) to the model. */
static void model_apply(hb_state_t *s, size_t a, size_t b, bool set)
{
    size_t i = a;
    while (i < b) {
        size_t end = segment_end(s, i);
        end = end < b ? end : b;
        int z = zone_of(s, i);
        if (z < 0) {
            int g = gap_of(s, i);
            if (s->gap_used[g] != set)
                s->model_free = set ? s->model_free - (end - i) : s->model_free + (end - i);
            s->gap_used[g] = set;
        } else {
            size_t changed = zone_apply(s->zbits[z], i - s->zword[z], end - s->zword[z], set);
            s->model_free = set ? s->model_free - changed : s->model_free + changed;
        }
        i = end;
    }
}

/* Returns the first i in [from, to) whose state is want, or to. */
static size_t model_next(const hb_state_t *s, size_t from, size_t to, bool want)
{
    size_t i = from;
    while (i < to) {
        int z = zone_of(s, i);
        if (z < 0) {
            if (model_get(s, i) == want)
                return i;
            i = segment_end(s, i);
            continue;
        }
        size_t zs = s->zstart[z], end = zs + s->zlen[z] < to ? zs + s->zlen[z] : to;
        size_t zw = s->zword[z];
        i = zw + zone_next(s->zbits[z], i - zw, end - zw, want);
        if (i < end)
            return i;
    }
    return to;
}

/* The model's find: lowest s >= hint in phase whose n entries are free. */
static bool model_find(const hb_state_t *s, size_t n, size_t align, size_t hint, size_t *out)
{
    size_t x = hint;
    while (x < s->num) {
        size_t a = model_next(s, x, s->num, false);
        if (a >= s->num)
            return false;
        size_t b = model_next(s, a, s->num, true);
        size_t off = (a - hint) & (align - 1u);
        if (off == 0 || align - off <= b - a) {
            size_t st = off == 0 ? a : a + (align - off);
            if (b - st >= n) {
                *out = st;
                return true;
            }
        }
        x = b;
    }
    return false;
}

/* Returns true when [a, b) covers a gap in part. */
static bool splits_gap(const hb_state_t *s, size_t a, size_t b)
{
    for (int g = 0; g + 1 < s->zones; g++) {
        size_t gs = s->zstart[g] + s->zlen[g], ge = s->zstart[g + 1];
        if (a < ge && b > gs && !(a <= gs && b >= ge))
            return true;
    }
    return false;
}

/* ---- the allocator the hbitmap gets: fail_alloc, plus a note of the
 * blocks allocated since fresh_start ---- */

static void *fresh_alloc(void *ctx, size_t size, size_t align)
{
    hb_state_t *s = ctx;
    void *p = s->inner.alloc(s->inner.ctx, size, align);
    if (p && s->nfresh < FRESH_MAX)
        s->fresh[s->nfresh++] = p;
    return p;
}

static void fresh_free(void *ctx, void *p, size_t size)
{
    hb_state_t *s = ctx;
    for (size_t i = 0; i < s->nfresh; i++)
        if (s->fresh[i] == p) {
            s->fresh[i] = s->fresh[--s->nfresh];
            s->fresh_freed++;
            break;
        }
    s->inner.free(s->inner.ctx, p, size);
}

/* Forgets the blocks allocated so far (an update starts). */
static void fresh_start(hb_state_t *s)
{
    s->nfresh = 0;
    s->fresh_freed = 0;
}

/* After a successful update (set, clear, find_set, a prepare and its
 * commit): it took from the allocator only the nodes and leaves it keeps
 * (the splits its range needs): none of the blocks it allocated was
 * freed again (a prepare that counted a slot twice would fill the pool with
 * a node the update never uses, then trim it), and, once the update
 * returned, the pool is empty (check_op). */
static void check_no_over_reserve(const hb_state_t *s, const char *what)
{
    FUZZ_CHECK(s->fresh_freed == 0, "hbitmap-over-reserve", "%s allocated %zu block(s) it "
               "freed again (prepared more splits than it made)", what, s->fresh_freed);
}

/* ---- checks ---- */

/* Checks [a, b) of the tree against the model: zones by one range query
 * per run of equal model entries plus a test of the run's first entry,
 * gaps by one range query each. The first run is also queried one entry
 * longer, which must fail (a query that misses the last entry of a range
 * would pass every run exactly, the runs being maximal). */
static void check_range(hb_state_t *s, size_t a, size_t b)
{
    size_t i = a;
    while (i < b) {
        size_t end = segment_end(s, i);
        end = end < b ? end : b;
        if (zone_of(s, i) < 0) {
            bool used = model_get(s, i);
            bool ok = used ? hbitmap_range_set(&s->hb, i, end - i)
                           : hbitmap_range_clear(&s->hb, i, end - i);
            FUZZ_CHECK(ok, "hbitmap-gap", "gap [%zu, %zu) is not all %s", i, end,
                       used ? "used" : "free");
            i = end;
            continue;
        }
        int z = zone_of(s, i);
        const uint64_t *zb = s->zbits[z];
        size_t base = s->zword[z];
        while (i < end) {
            bool v = ZBIT(zb, i - base) != 0;
            size_t j = base + zone_next(zb, i - base, end - base, !v);
            bool got = !v;
            FUZZ_CHECK_STATUS(hbitmap_test(&s->hb, i, &got), VMM_OK, "hbitmap-test-status");
            bool ok = got == v && (v ? hbitmap_range_set(&s->hb, i, j - i)
                                     : hbitmap_range_clear(&s->hb, i, j - i));
            FUZZ_CHECK(ok, "hbitmap-entry", "entries [%zu, %zu) are not all %s", i, j,
                       v ? "used" : "free");
            if (i == a && j < end) {
                bool past = v ? hbitmap_range_set(&s->hb, i, j + 1u - i)
                              : hbitmap_range_clear(&s->hb, i, j + 1u - i);
                FUZZ_CHECK(!past, "hbitmap-range-query", "range_%s(%zu, %zu) holds, but "
                           "entry %zu is %s", v ? "set" : "clear", i, j + 1u - i, j,
                           v ? "free" : "used");
            }
            i = j;
        }
    }
}

/* Checks the tree's structure on the paths to the n entries p[0..n)
 * (n <= 4), each path once: sorted, an entry in the leaf of the one before
 * dropped (same path), then two at a time (hbitmap_check_range checks the
 * nodes two paths share once; neighbours share the most). */
static void check_paths(hb_state_t *s, size_t *p, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && p[j - 1u] > p[j]; j--) {
            size_t t = p[j];
            p[j] = p[j - 1u];
            p[j - 1u] = t;
        }
    unsigned m = 0;
    for (unsigned i = 0; i < n; i++)
        if (m == 0 || p[i] >> HBITMAP_LEAF_SHIFT != p[m - 1u] >> HBITMAP_LEAF_SHIFT)
            p[m++] = p[i];
    for (unsigned i = 0; i < m; i += 2u) {
        size_t x = p[i], y = i + 1u < m ? p[i + 1u] : x;
        FUZZ_CHECK(hbitmap_check_range(&s->hb, x, y - x + 1u), "hbitmap-structure",
                   "the path to %zu or %zu is broken", x, y);
    }
}

/* Checks the paths to the ends of [a, b) (a < b <= num) with those still
 * pending, or (defer, none pending) notes them to be checked with the next
 * update's: a path an op broke is found by that op's check or the next
 * op's (paths_flush at its end). */
static void check_paths_of(hb_state_t *s, size_t a, size_t b, bool defer)
{
    size_t p[4] = { a, b - 1u, 0, 0 };
    unsigned n = 2;
    if (s->npend != 0) {
        p[2] = s->pend[0];
        p[3] = s->pend[1];
        n = 4;
        s->npend = 0;
    } else if (defer) {
        s->pend[0] = a;
        s->pend[1] = b - 1u;
        s->npend = 2;
        s->pend_op = s->op;
        return;
    }
    check_paths(s, p, n);
}

/* Checks the pending paths (an earlier update's), if any. */
static void paths_flush(hb_state_t *s)
{
    if (s->npend != 0)
        check_paths(s, s->pend, s->npend);
    s->npend = 0;
}

/* Checks num_free and the structure on the paths to a and b - 1 (defer:
 * possibly with the next update's, check_paths_of). */
static void check_op(hb_state_t *s, size_t a, size_t b, bool defer)
{
    FUZZ_CHECK(hbitmap_num_free(&s->hb) == s->model_free, "hbitmap-free-count",
               "num_free %zu, model %zu", hbitmap_num_free(&s->hb), s->model_free);
    FUZZ_CHECK(s->hb.num_spare_nodes == 0 && s->hb.num_spare_leaves == 0, "hbitmap-pool",
               "%zu nodes, %zu leaves left in the pool", s->hb.num_spare_nodes,
               s->hb.num_spare_leaves);
    FUZZ_CHECK(s->alloc.live == s->hb.nodes + s->hb.leaves, "hbitmap-live-blocks",
               "%zu blocks live, tree holds %zu", s->alloc.live, s->hb.nodes + s->hb.leaves);
    if (a < b && b <= s->num)
        check_paths_of(s, a, b, defer);
}

static void snapshot_take(hb_state_t *s)
{
    memcpy(&s->snap_root, &s->hb.root, sizeof s->snap_root);
    s->snap_free = s->hb.num_free;
    s->snap_nodes = s->hb.nodes;
    s->snap_leaves = s->hb.leaves;
    s->snap_live = s->alloc.live;
    s->snap_bytes = hbitmap_bytes(&s->hb);
}

/* A failed op changed nothing (the range's entries: check_range). */
static void snapshot_check(hb_state_t *s, size_t a, size_t b)
{
    FUZZ_CHECK(memcmp(&s->snap_root, &s->hb.root, sizeof s->snap_root) == 0 &&
                   s->snap_free == s->hb.num_free && s->snap_nodes == s->hb.nodes &&
                   s->snap_leaves == s->hb.leaves && s->snap_live == s->alloc.live &&
                   s->snap_bytes == hbitmap_bytes(&s->hb),
               "hbitmap-failed-op-changed", "a failed op changed the root, num_free, counts "
               "or the allocator (%zu -> %zu blocks)", s->snap_live, s->alloc.live);
    check_op(s, a, b, false); /* (a failed op's paths at once) */
    check_range(s, a, b);
}

/* ---- input ---- */

/* Reads a position: a zone offset or a zone's end. */
static size_t read_pos(hb_state_t *s, fuzz_data_t *fd)
{
    int z = (int)(fd_u8(fd) % (unsigned)s->zones);
    size_t off = fd_u16(fd) % (s->zlen[z] + 1u);
    return s->zstart[z] + off;
}

/* Reads a range [*a, *b), ordered. */
static void read_range(hb_state_t *s, fuzz_data_t *fd, size_t *a, size_t *b)
{
    size_t p = read_pos(s, fd), q = read_pos(s, fd);
    *a = p < q ? p : q;
    *b = p < q ? q : p;
}

/* Reads an alignment: a power of two up to 2^15, or raw. */
static size_t read_align(fuzz_data_t *fd)
{
    uint8_t v = fd_u8(fd);
    if (v & 0x80u)
        return v & 0x7Fu;
    return (size_t)1 << (v % 16u);
}

/* Reads a run length: up to 4096, or (flag) up to the window. */
static size_t read_count(hb_state_t *s, fuzz_data_t *fd)
{
    uint16_t v = fd_u16(fd);
    if (v & N_LARGE_FLAG)
        return (size_t)(((uint64_t)(v & ~N_LARGE_FLAG) * s->num) >> 15) + 1u;
    return (size_t)(v % 4096u) + 1u;
}

/* Runs set / clear / find_set once with the allocator failing at fail
 * (0: never); returns its status. */
static vmm_status_t run_update(hb_state_t *s, unsigned op, size_t a, size_t n, size_t align,
                               bool set, size_t *found, uint8_t fail)
{
    s->alloc.countdown = fail ? (long)fail - 1 : -1;
    size_t failures = s->alloc.failures;
    if (op != HB_OP_PREPARE)
        fresh_start(s); /* a prepare's blocks are counted up to its commit */
    vmm_status_t st;
    if (op == HB_OP_FIND_SET)
        st = hbitmap_find_set(&s->hb, n, align, a, found);
    else if (op == HB_OP_PREPARE)
        st = hbitmap_prepare(&s->hb, a, n, set);
    else
        st = set ? hbitmap_set_range(&s->hb, a, n) : hbitmap_clear_range(&s->hb, a, n);
    bool injected = s->alloc.failures != failures;
    s->alloc.countdown = -1;
    FUZZ_CHECK(st != VMM_ERR_OUT_OF_MEMORY || injected, "hbitmap-oom",
               "OUT_OF_MEMORY without an allocator failure");
    return st;
}

/* set_range / clear_range / prepare(+ commit or unprepare) of [a, b). */
static void op_update(hb_state_t *s, unsigned op, size_t a, size_t b, bool set, bool commit,
                      uint8_t fail)
{
    size_t n = b - a;
    if (n == 0 || fail != 0 || (op == HB_OP_PREPARE && !commit))
        snapshot_take(s); /* (only an op that may fail or undo is compared) */
    fresh_start(s);
    vmm_status_t st = run_update(s, op, a, n, 1, set, 0, fail);
    TRACE("%s(%zu, %zu)%s fail@%d -> %s", op == HB_OP_PREPARE ? (set ? "prepare_set" : "prepare_clear")
          : set ? "set_range" : "clear_range", a, n, op == HB_OP_PREPARE && commit ? "+commit" : "",
          fail ? fail - 1 : -1, fuzz_status(st));
    if (n == 0) {
        FUZZ_CHECK_STATUS(st, VMM_ERR_INVALID_ARGUMENT, "hbitmap-range-status");
        snapshot_check(s, a, a);
        return;
    }
    if (st == VMM_ERR_OUT_OF_MEMORY) {
        snapshot_check(s, a, b);
        fresh_start(s);
        st = run_update(s, op, a, n, 1, set, 0, 0);
    }
    FUZZ_CHECK_STATUS(st, VMM_OK, "hbitmap-range-status");
    if (op == HB_OP_PREPARE) {
        size_t live = s->alloc.live;
        FUZZ_CHECK(s->hb.nodes + s->hb.leaves + s->hb.num_spare_nodes + s->hb.num_spare_leaves ==
                       live, "hbitmap-pool", "pool and tree do not add up to the live blocks");
        if (!commit) {
            hbitmap_unprepare(&s->hb);
            snapshot_check(s, a, b);
            return;
        }
        /* the prepared op cannot fail and allocates nothing: the next
         * allocation would fail */
        size_t failures = s->alloc.failures;
        s->alloc.countdown = 0;
        st = set ? hbitmap_set_range(&s->hb, a, n) : hbitmap_clear_range(&s->hb, a, n);
        bool allocated = s->alloc.failures != failures;
        s->alloc.countdown = -1;
        FUZZ_CHECK_STATUS(st, VMM_OK, "hbitmap-prepared-op");
        FUZZ_CHECK(!allocated, "hbitmap-prepared-op", "a prepared op allocated");
    }
    check_no_over_reserve(s, op == HB_OP_PREPARE ? "prepare + commit"
                             : set ? "set_range" : "clear_range");
    model_apply(s, a, b, set);
    check_op(s, a, b, true);
    check_range(s, a, b);
}

/* find_set (or find: query only) against the model's first fit. */
static void op_find(hb_state_t *s, bool do_set, size_t n, size_t align, size_t hint, uint8_t fail)
{
    size_t got = SIZE_MAX, want = 0;
    bool exists = IS_POW2(align) && model_find(s, n, align, hint, &want);
    if (exists && splits_gap(s, want, want + n))
        do_set = false; /* the model cannot hold that run */
    if (!exists || (do_set && fail != 0))
        snapshot_take(s); /* (only an op that may fail is compared) */
    vmm_status_t st = do_set ? run_update(s, HB_OP_FIND_SET, hint, n, align, true, &got, fail)
                             : hbitmap_find(&s->hb, n, align, hint, &got);
    TRACE("find%s(n=%zu, align=%zu, hint=%zu) fail@%d -> %s %zu", do_set ? "_set" : "", n, align,
          hint, fail ? fail - 1 : -1, fuzz_status(st), st ? 0 : got);
    if (st == VMM_ERR_OUT_OF_MEMORY) {
        snapshot_check(s, hint, n <= s->num - hint ? hint + n : s->num);
        st = run_update(s, HB_OP_FIND_SET, hint, n, align, true, &got, 0);
    }
    if (!IS_POW2(align)) {
        FUZZ_CHECK_STATUS(st, VMM_ERR_INVALID_ARGUMENT, "hbitmap-find-status");
        return;
    }
    if (!exists) {
        FUZZ_CHECK_STATUS(st, VMM_ERR_NO_SPACE, "hbitmap-find-status");
        snapshot_check(s, hint, hint);
        return;
    }
    FUZZ_CHECK_STATUS(st, VMM_OK, "hbitmap-find-status");
    FUZZ_CHECK(got == want, "hbitmap-find-first", "found %zu, the model's first fit is %zu", got,
               want);
    if (do_set) {
        check_no_over_reserve(s, "find_set");
        model_apply(s, got, got + n, true);
    }
    /* a query (hbitmap_find takes a const hbitmap_t) changes no node: the
     * paths stand as the last update's check left them */
    check_op(s, got, do_set ? got + n : got, true);
    check_range(s, got, got + n);
}

/* Bad arguments: each fails and changes nothing. */
static void op_bad(hb_state_t *s, uint8_t kind)
{
    size_t first = 0;
    bool b = false;
    vmm_status_t st, want;
    snapshot_take(s);
    switch (kind % 6u) {
    case 0: st = hbitmap_set_range(&s->hb, s->num, 1); want = VMM_ERR_OUT_OF_BOUNDS; break;
    case 1: st = hbitmap_clear_range(&s->hb, 1, SIZE_MAX); want = VMM_ERR_OUT_OF_BOUNDS; break;
    case 2: st = hbitmap_find_set(&s->hb, 1, 1, s->num + 1u, &first); want = VMM_ERR_OUT_OF_BOUNDS; break;
    case 3: st = hbitmap_find_set(&s->hb, 0, 1, 0, &first); want = VMM_ERR_INVALID_ARGUMENT; break;
    case 4: st = hbitmap_test(&s->hb, s->num, &b); want = VMM_ERR_OUT_OF_BOUNDS; break;
    default: st = hbitmap_prepare(&s->hb, SIZE_MAX, 2, true); want = VMM_ERR_OUT_OF_BOUNDS; break;
    }
    TRACE("bad(kind %u) -> %s", kind % 6u, fuzz_status(st));
    FUZZ_CHECK_STATUS(st, want, "hbitmap-bad-status");
    snapshot_check(s, 0, 0);
}

/* hbitmap_init with one bad argument (kind % 6: hb NULL, allocator NULL,
 * alloc NULL, free NULL, no entries, more than HBITMAP_MAX_ENTRIES): the
 * status hbitmap.h names, the scratch hbitmap byte for byte as it was, no
 * allocator call. The other arguments are good ones. */
static void op_bad_init(hb_state_t *s, uint8_t kind)
{
    vmm_allocator_t a = { .alloc = fresh_alloc, .free = fresh_free, .ctx = s };
    const vmm_allocator_t *ap = &a;
    hbitmap_t *hb = &s->scratch;
    size_t num = s->num;
    vmm_status_t want = VMM_ERR_INVALID_ARGUMENT;
    switch (kind % 6u) {
    case 0: hb = 0; break;
    case 1: ap = 0; break;
    case 2: a.alloc = 0; break;
    case 3: a.free = 0; break;
    case 4: num = 0; break;
    default: num = HBITMAP_MAX_ENTRIES + 1u + kind / 6u; want = VMM_ERR_OUT_OF_BOUNDS; break;
    }
    memset(&s->scratch, FAIL_ALLOC_FRESH, sizeof s->scratch);
    size_t calls = s->alloc.calls, live = s->alloc.live;
    vmm_status_t st = hbitmap_init(hb, num, ap);
    TRACE("bad_init(kind %u, %zu entries) -> %s", kind % 6u, num, fuzz_status(st));
    FUZZ_CHECK_STATUS(st, want, "hbitmap-bad-init-status");
    const uint8_t *b = (const uint8_t *)&s->scratch;
    size_t k = 0;
    while (k < sizeof s->scratch && b[k] == FAIL_ALLOC_FRESH)
        k++;
    FUZZ_CHECK(k == sizeof s->scratch, "hbitmap-bad-init-wrote",
               "a refused init wrote byte %zu of the hbitmap", k);
    FUZZ_CHECK(s->alloc.calls == calls && s->alloc.live == live, "hbitmap-bad-init-alloc",
               "a refused init called the allocator (%zu calls, %zu -> %zu live)",
               s->alloc.calls - calls, live, s->alloc.live);
}

/* The whole tree against the model. */
static void check_all(hb_state_t *s)
{
    s->unchecked = false;
    FUZZ_CHECK(hbitmap_check(&s->hb), "hbitmap-structure",
               "summaries, counts, padding or canonical form broken");
    s->npend = 0; /* (every path checked) */
    check_op(s, 0, 0, false);
    check_range(s, 0, s->num);
}

/* Reads the configuration and builds the window and its zones. */
static void setup(hb_state_t *s, fuzz_data_t *fd)
{
    uint8_t cls = fd_u8(fd) % CLASSES;
    uint16_t tweak = fd_u16(fd);
    s->num = class_size[cls];
    if (cls >= 3 && s->num > tweak)
        s->num -= tweak % 64u; /* ends off a leaf boundary too */
    fail_alloc_reset(&s->alloc);
    s->inner = fail_alloc_iface(&s->alloc);
    vmm_allocator_t a = { .alloc = fresh_alloc, .free = fresh_free, .ctx = s };
    FUZZ_CHECK_STATUS(hbitmap_init(&s->hb, s->num, &a), VMM_OK, "hbitmap-init");
    memset(s->gap_used, 0, sizeof s->gap_used);
    s->npend = 0;
    s->model_free = s->num;
    s->unchecked = true; /* (the fresh window too) */
    if (s->num <= 3u * ZONE_MAX) {
        s->zones = 1;
        s->zstart[0] = 0;
        s->zlen[0] = s->num;
    } else {
        /* the middle zone straddles the highest power-of-two boundary */
        size_t mid = (size_t)1 << (63 - __builtin_clzll((unsigned long long)s->num - 1u));
        s->zones = 3;
        s->zstart[0] = 0;
        s->zstart[1] = mid - ZONE_MAX / 2u - (tweak % 4096u);
        s->zstart[2] = s->num - ZONE_MAX;
        for (int z = 0; z < 3; z++)
            s->zlen[z] = ZONE_MAX;
        if (s->zstart[1] < ZONE_MAX || s->zstart[1] + ZONE_MAX > s->zstart[2]) {
            s->zones = 1;
            s->zlen[0] = s->num < ZONE_MAX ? s->num : ZONE_MAX;
        }
    }
    for (int z = 0; z < s->zones; z++) { /* (only the words the zones use) */
        s->zword[z] = s->zstart[z] & ~(size_t)63u;
        memset(s->zbits[z], 0, (s->zstart[z] + s->zlen[z] - s->zword[z] + 63u) / 64u *
                                   sizeof s->zbits[z][0]);
    }
    TRACE("config: %zu entries (height %u), %d zone(s)", s->num, s->hb.height, s->zones);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hb_state_t *s;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s)
            abort();
        fail_alloc_init(&s->alloc);
        fail_alloc_use_arena(&s->alloc, ARENA_BYTES);
    }
    fuzz_data_t fd;
    fd_init(&fd, data, size);
    fuzz_op_begin(0, "(config)");
    setup(s, &fd);
    for (unsigned k = 1; k <= HBITMAP_MAX_OPS && !fd_empty(&fd); k++) {
        unsigned op = fd_u8(&fd);
        s->op = k;
        fuzz_op_begin(k, fuzz_op_name(hbitmap_op_desc, HB_OP_COUNT, op));
        size_t a, b;
        s->unchecked |= op != HB_OP_CHECK_ALL && op != HB_OP_TEST && op != HB_OP_FIND &&
                        op != HB_OP_RANGE_CLEAR && op != HB_OP_RANGE_SET &&
                        op != HB_OP_BAD_INIT;
        switch (op) {
        case HB_OP_SET_RANGE:
        case HB_OP_CLEAR_RANGE:
            read_range(s, &fd, &a, &b);
            op_update(s, op, a, b, op == HB_OP_SET_RANGE, false, fd_u8(&fd));
            break;
        case HB_OP_FIND_SET:
        case HB_OP_FIND: {
            size_t n = read_count(s, &fd), align = read_align(&fd), hint = read_pos(s, &fd);
            op_find(s, op == HB_OP_FIND_SET, n, align, hint, op == HB_OP_FIND_SET ? fd_u8(&fd) : 0);
            break;
        }
        case HB_OP_TEST: {
            a = read_pos(s, &fd);
            bool got = false;
            vmm_status_t st = hbitmap_test(&s->hb, a, &got);
            TRACE("test(%zu) -> %s %d", a, fuzz_status(st), got);
            FUZZ_CHECK_STATUS(st, a < s->num ? VMM_OK : VMM_ERR_OUT_OF_BOUNDS, "hbitmap-test-status");
            if (a < s->num)
                FUZZ_CHECK(got == model_get(s, a), "hbitmap-entry", "entry %zu is %d", a, got);
            break;
        }
        case HB_OP_RANGE_CLEAR:
        case HB_OP_RANGE_SET: {
            read_range(s, &fd, &a, &b);
            bool set = op == HB_OP_RANGE_SET;
            bool got = set ? hbitmap_range_set(&s->hb, a, b - a) : hbitmap_range_clear(&s->hb, a, b - a);
            bool want = a < b && model_next(s, a, b, !set) == b;
            TRACE("range_%s(%zu, %zu) -> %d", set ? "set" : "clear", a, b - a, got);
            FUZZ_CHECK(got == want, "hbitmap-range-query", "returned %d, model %d", got, want);
            break;
        }
        case HB_OP_PREPARE: {
            read_range(s, &fd, &a, &b);
            uint8_t mode = fd_u8(&fd);
            op_update(s, HB_OP_PREPARE, a, b, (mode & 1u) != 0, (mode & 2u) != 0, fd_u8(&fd));
            break;
        }
        case HB_OP_CHECK_ALL:
            if (s->unchecked) /* (queries change nothing: the same check again) */
                check_all(s);
            break;
        case HB_OP_BAD:
            op_bad(s, fd_u8(&fd));
            break;
        case HB_OP_BAD_INIT:
            op_bad_init(s, fd_u8(&fd));
            break;
        default:
            break;
        }
        if (s->npend != 0 && s->pend_op != k)
            paths_flush(s); /* (an earlier op's: checked by the next op at the latest) */
    }
    fuzz_op_begin(0, "(end of input)");
    paths_flush(s);
    if (s->unchecked) /* (after a check_all and queries only: its verdict stands) */
        check_all(s);
    hbitmap_destroy(&s->hb);
    FUZZ_CHECK(s->alloc.live == 0, "hbitmap-leak", "%zu blocks live after destroy", s->alloc.live);
    return 0;
}
