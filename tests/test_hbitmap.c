/*
 * The hierarchical bitmap against the flat bitmap (core/bitmap.c) as its
 * oracle: random set / clear / find_set / queries on windows of 1, 63, 64,
 * 4097, 2^20, 2^24, 2^35 - 1, 2^35 and 2^52 - 1 entries (the last: a VMM
 * window [0, 2^64 - 4K)), with the allocator failing at every allocation of
 * every operation (state, free count, allocator live count and bytes
 * unchanged), and the structural check after every operation.
 *
 * Big windows are modelled sparsely: three zones (the start, the middle, the
 * end), each a flat bitmap, and the two gaps between them, each uniform.
 * Every generated range starts and ends inside a zone or on a zone edge, so
 * a gap is always covered whole or not at all.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fail_alloc.h"
#include "xorshift.h"
#include "core/bitmap.h"
#include "core/hbitmap.h"

#define ZONE 12000u /* entries per zone: three leaves and a bit */
#define MAX_ZONES 3

static uint64_t rng_state = 0x243F6A8885A308D3ull;
static uint64_t rnd(uint64_t bound) { return xorshift_below(&rng_state, bound); }

/* ---- the sparse model ---- */

typedef struct model {
    size_t num;
    int zones;
    size_t zstart[MAX_ZONES], zend[MAX_ZONES];
    bitmap_t zbits[MAX_ZONES];
    uint64_t *zstore[MAX_ZONES];
    bool gap_used[MAX_ZONES - 1]; /* gap g = [zend[g], zstart[g + 1]) */
    size_t num_free;
} model_t;

static void model_init(model_t *m, size_t num)
{
    memset(m, 0, sizeof *m);
    m->num = num;
    if (num <= 3u * ZONE + 2u) {
        m->zones = 1;
        m->zstart[0] = 0;
        m->zend[0] = num;
    } else {
        m->zones = 3;
        size_t mid = num / 2u - ZONE / 2u;
        size_t s[3] = {0, mid, num - ZONE};
        for (int z = 0; z < 3; z++) {
            m->zstart[z] = s[z];
            m->zend[z] = s[z] + ZONE;
        }
    }
    for (int z = 0; z < m->zones; z++) {
        size_t n = m->zend[z] - m->zstart[z];
        m->zstore[z] = calloc(BITMAP_WORDS(n), sizeof(uint64_t));
        CHECK(bitmap_init(&m->zbits[z], m->zstore[z], BITMAP_WORDS(n), n) == VMM_OK);
    }
    m->num_free = num;
}

static void model_fini(model_t *m)
{
    for (int z = 0; z < m->zones; z++)
        free(m->zstore[z]);
}

/* Returns entry i of the model (zone bit or gap state). */
static bool model_get(const model_t *m, size_t i)
{
    for (int z = 0; z < m->zones; z++) {
        if (i >= m->zstart[z] && i < m->zend[z]) {
            bool b = false;
            (void)bitmap_test(&m->zbits[z], i - m->zstart[z], &b);
            return b;
        }
        if (z + 1 < m->zones && i >= m->zend[z] && i < m->zstart[z + 1])
            return m->gap_used[z];
    }
    abort();
}

/* Applies set / clear of [a, b) to the model (gaps covered whole). */
static void model_apply(model_t *m, size_t a, size_t b, bool set)
{
    for (int z = 0; z < m->zones; z++) {
        size_t lo = a > m->zstart[z] ? a : m->zstart[z];
        size_t hi = b < m->zend[z] ? b : m->zend[z];
        if (lo < hi) {
            bitmap_t *bm = &m->zbits[z];
            size_t before = bm->num_free;
            if (set)
                (void)bitmap_set_range(bm, lo - m->zstart[z], hi - lo);
            else
                (void)bitmap_clear_range(bm, lo - m->zstart[z], hi - lo);
            m->num_free = m->num_free - before + bm->num_free;
        }
        if (z + 1 < m->zones && a <= m->zend[z] && b >= m->zstart[z + 1] &&
            m->gap_used[z] != set) {
            size_t len = m->zstart[z + 1] - m->zend[z];
            m->gap_used[z] = set;
            m->num_free = set ? m->num_free - len : m->num_free + len;
        }
    }
}

/* Returns the end of the segment (zone or gap) holding i. */
static size_t segment_end(const model_t *m, size_t i)
{
    for (int z = 0; z < m->zones; z++) {
        if (i < m->zend[z])
            return m->zend[z];
        if (z + 1 < m->zones && i < m->zstart[z + 1])
            return m->zstart[z + 1];
    }
    return m->num;
}

/* Returns the first i >= from (< num) whose state is want, or num; whole
 * gaps are skipped at once. */
static size_t model_next(const model_t *m, size_t from, bool want)
{
    size_t i = from;
    while (i < m->num) {
        bool in_gap = true;
        for (int z = 0; z < m->zones; z++)
            if (i >= m->zstart[z] && i < m->zend[z])
                in_gap = false;
        if (in_gap) {
            if (model_get(m, i) == want)
                return i;
            i = segment_end(m, i);
            continue;
        }
        if (model_get(m, i) == want)
            return i;
        i++;
    }
    return m->num;
}

/* The oracle's find: lowest s >= hint in phase whose n entries are free. */
static bool model_find(const model_t *m, size_t n, size_t align, size_t hint, size_t *out)
{
    size_t x = hint;
    while (x < m->num) {
        size_t a = model_next(m, x, false);
        if (a >= m->num)
            return false;
        size_t b = model_next(m, a, true); /* free run [a, b) */
        size_t off = (a - hint) & (align - 1u);
        size_t s = off == 0 ? a : a + (align - off);
        if (s >= a && s <= b && b - s >= n) {
            *out = s;
            return true;
        }
        x = b;
    }
    return false;
}

/* Returns true when [a, b) covers a gap in part (the model cannot say). */
static bool splits_gap(const model_t *m, size_t a, size_t b)
{
    for (int z = 0; z + 1 < m->zones; z++) {
        size_t gs = m->zend[z], ge = m->zstart[z + 1];
        if (a < ge && b > gs && !(a <= gs && b >= ge))
            return true;
    }
    return false;
}

/* Returns a position inside a random zone, or a zone edge. */
static size_t random_pos(const model_t *m)
{
    int z = (int)rnd((uint64_t)m->zones);
    size_t len = m->zend[z] - m->zstart[z];
    switch (rnd(8)) {
    case 0: return m->zstart[z];
    case 1: return m->zend[z];
    default: return m->zstart[z] + (size_t)rnd(len + 1u);
    }
}

/* Returns true when hb and m agree on [a, b) entry by entry (gaps by the
 * range queries). */
static bool same_range(const hbitmap_t *hb, const model_t *m, size_t a, size_t b)
{
    size_t i = a;
    while (i < b) {
        size_t seg = segment_end(m, i);
        bool in_zone = false;
        for (int z = 0; z < m->zones; z++)
            if (i >= m->zstart[z] && i < m->zend[z])
                in_zone = true;
        if (!in_zone) {
            size_t hi = seg < b ? seg : b;
            bool used = model_get(m, i);
            if (used ? !hbitmap_range_set(hb, i, hi - i) : !hbitmap_range_clear(hb, i, hi - i))
                return false;
            i = hi;
            continue;
        }
        bool got = false;
        if (hbitmap_test(hb, i, &got) != VMM_OK || got != model_get(m, i))
            return false;
        i++;
    }
    return true;
}

/* Returns true when everything (zones and gaps) agrees. */
static bool same_all(const hbitmap_t *hb, const model_t *m)
{
    return same_range(hb, m, 0, m->num) && hbitmap_num_free(hb) == m->num_free;
}

/* ---- one window ---- */

typedef struct snapshot {
    size_t num_free, bytes, live, live_bytes;
} snapshot_t;

static snapshot_t snap(const hbitmap_t *hb, const fail_alloc_t *fa)
{
    snapshot_t s = {hbitmap_num_free(hb), hbitmap_bytes(hb), fa->live, fa->live_bytes};
    return s;
}

static bool same_snap(snapshot_t a, snapshot_t b)
{
    return a.num_free == b.num_free && a.bytes == b.bytes && a.live == b.live &&
           a.live_bytes == b.live_bytes;
}

enum { OP_SET, OP_CLEAR, OP_FIND };

/* Runs one update op with the allocator failing at call 0, 1, ... until it
 * succeeds; every failure must be OUT_OF_MEMORY with nothing changed. */
static vmm_status_t run_op(hbitmap_t *hb, fail_alloc_t *fa, const model_t *m, int op,
                           size_t a, size_t n, size_t align, size_t *found)
{
    for (long fail_at = 0;; fail_at++) {
        snapshot_t before = snap(hb, fa);
        size_t failures = fa->failures;
        fa->countdown = fail_at;
        vmm_status_t st;
        if (op == OP_SET)
            st = hbitmap_set_range(hb, a, n);
        else if (op == OP_CLEAR)
            st = hbitmap_clear_range(hb, a, n);
        else
            st = hbitmap_find_set(hb, n, align, a, found);
        bool injected = fa->failures > failures;
        fa->countdown = -1;
        if (st != VMM_ERR_OUT_OF_MEMORY) {
            CHECK(!injected || st == VMM_OK);
            return st;
        }
        CHECK(injected);
        CHECK(same_snap(before, snap(hb, fa)));
        CHECK(hbitmap_check(hb));
        size_t lo = a;
        size_t hi = op == OP_FIND ? m->num : a + n;
        if (hi - lo > 3u * ZONE && m->zones == 1)
            hi = lo + 3u * ZONE;
        CHECK(same_range(hb, m, lo, hi));
        if (fail_at > 64) {
            CHECK(!"op keeps failing");
            return st;
        }
    }
}

/* Random ops on a window of num entries against the sparse model. */
static void exercise(size_t num, int ops)
{
    fail_alloc_t fa;
    fail_alloc_init(&fa);
    vmm_allocator_t a = fail_alloc_iface(&fa);
    hbitmap_t *hb = malloc(sizeof *hb);
    model_t m;
    CHECK_OK(hbitmap_init(hb, num, &a));
    model_init(&m, num);
    CHECK(fa.live == 0 && hbitmap_check(hb));
    for (int i = 0; i < ops; i++) {
        int kind = (int)rnd(10);
        size_t p = random_pos(&m), q = random_pos(&m);
        if (p > q) {
            size_t t = p;
            p = q;
            q = t;
        }
        if (kind < 3 && p < q) {
            bool set = kind < 2;
            vmm_status_t st = run_op(hb, &fa, &m, set ? OP_SET : OP_CLEAR, p, q - p, 1, 0);
            CHECK_OK(st);
            model_apply(&m, p, q, set);
            CHECK(same_range(hb, &m, p, q) && hbitmap_num_free(hb) == m.num_free);
            CHECK(hbitmap_check_range(hb, p, q - p));
        } else if (kind < 7) {
            size_t n = rnd(4) == 0 ? 1u + (size_t)rnd(num) : 1u + (size_t)rnd(300);
            size_t align = (size_t)1 << rnd(rnd(2) ? 4 : 14);
            size_t hint = rnd(3) == 0 ? 0 : (p < num ? p : num);
            size_t want = 0, got = 0;
            bool exists = model_find(&m, n, align, hint, &want);
            if (exists && splits_gap(&m, want, want + n)) {
                CHECK_OK(hbitmap_find(hb, n, align, hint, &got));
                CHECK(got == want);
                continue;
            }
            vmm_status_t st = run_op(hb, &fa, &m, OP_FIND, hint, n, align, &got);
            if (!exists) {
                CHECK_ERR(st, VMM_ERR_NO_SPACE);
            } else {
                CHECK_OK(st);
                CHECK(got == want);
                if (st == VMM_OK && got == want) {
                    model_apply(&m, got, got + n, true);
                    CHECK(hbitmap_check_range(hb, got, n));
                }
            }
            CHECK(hbitmap_num_free(hb) == m.num_free);
        } else if (kind < 9 && p < q) {
            bool model_clear = model_next(&m, p, true) >= q;
            bool model_set = model_next(&m, p, false) >= q;
            CHECK(hbitmap_range_clear(hb, p, q - p) == model_clear);
            CHECK(hbitmap_range_set(hb, p, q - p) == model_set);
        } else if (p < num) {
            bool b = !model_get(&m, p);
            CHECK_OK(hbitmap_test(hb, p, &b));
            CHECK(b == model_get(&m, p));
        }
        if (i % 64 == 63)
            CHECK(hbitmap_check(hb) && same_all(hb, &m));
    }
    CHECK(hbitmap_check(hb) && same_all(hb, &m));
    CHECK(fa.live_bytes == hbitmap_bytes(hb));
    /* Clearing everything returns every node (canonical form). */
    CHECK_OK(hbitmap_clear_range(hb, 0, num));
    CHECK(fa.live == 0 && hbitmap_num_free(hb) == num && hbitmap_check(hb));
    /* Setting everything takes no node either. */
    CHECK_OK(hbitmap_set_range(hb, 0, num));
    CHECK(fa.live <= hb->height && hbitmap_num_free(hb) == 0 && hbitmap_check(hb));
    CHECK_OK(hbitmap_clear_range(hb, 0, num));
    /* destroy returns everything and leaves hb all free (FULL root slots
     * and pointer slots made EMPTY, with their summaries) */
    CHECK_OK(hbitmap_set_range(hb, num / 3u, num - num / 3u > 5u ? 5u : 1u));
    CHECK_OK(hbitmap_set_range(hb, 0, num / 2u + 1u));
    hbitmap_destroy(hb);
    CHECK(fa.live == 0 && hbitmap_num_free(hb) == num && hbitmap_bytes(hb) == 0);
    CHECK(hbitmap_check(hb) && hbitmap_range_clear(hb, 0, num));
    model_fini(&m);
    free(hb);
}

static void test_window_1(void) { exercise(1, 300); }
static void test_window_63(void) { exercise(63, 400); }
static void test_window_64(void) { exercise(64, 400); }
static void test_window_4097(void) { exercise(4097, 600); }
static void test_window_2_20(void) { exercise((size_t)1 << 20, 600); }
static void test_window_2_24(void) { exercise((size_t)1 << 24, 600); }
static void test_window_2_35_minus_1(void) { exercise(((size_t)1 << 35) - 1u, 600); }
static void test_window_2_35(void) { exercise((size_t)1 << 35, 600); }
/* The VMM window [0, 2^64 - 4K) of 4 KiB pages: 2^52 - 1 entries. */
static void test_window_top(void) { exercise(((size_t)1 << 52) - 1u, 600); }
static void test_window_max(void) { exercise(HBITMAP_MAX_ENTRIES, 300); }

/* Errors: every bad argument, nothing changed. */
static void test_errors(void)
{
    fail_alloc_t fa;
    fail_alloc_init(&fa);
    vmm_allocator_t a = fail_alloc_iface(&fa);
    vmm_allocator_t bad = a;
    bad.free = 0;
    static hbitmap_t hb;
    size_t first = 0;
    bool b;
    CHECK_ERR(hbitmap_init(&hb, 0, &a), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(hbitmap_init(&hb, 10, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(hbitmap_init(&hb, 10, &bad), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(hbitmap_init(0, 10, &a), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(hbitmap_init(&hb, HBITMAP_MAX_ENTRIES + 1u, &a), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_OK(hbitmap_init(&hb, 5000, &a));
    CHECK_ERR(hbitmap_set_range(&hb, 0, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(hbitmap_set_range(&hb, 4999, 2), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(hbitmap_set_range(&hb, 5000, 1), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(hbitmap_clear_range(&hb, 1, SIZE_MAX), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(hbitmap_prepare(&hb, SIZE_MAX, 2, true), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(hbitmap_test(&hb, 5000, &b), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(hbitmap_test(&hb, 0, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(hbitmap_find_set(&hb, 0, 1, 0, &first), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(hbitmap_find_set(&hb, 1, 3, 0, &first), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(hbitmap_find_set(&hb, 1, 0, 0, &first), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(hbitmap_find_set(&hb, 1, 1, 0, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(hbitmap_find_set(&hb, 1, 1, 5001, &first), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(hbitmap_find_set(&hb, 1, 1, 5000, &first), VMM_ERR_NO_SPACE);
    CHECK_ERR(hbitmap_find_set(&hb, 5001, 1, 0, &first), VMM_ERR_NO_SPACE);
    CHECK_ERR(hbitmap_find_set(&hb, SIZE_MAX, 1, 0, &first), VMM_ERR_NO_SPACE);
    CHECK_ERR(hbitmap_find_set(&hb, 2, (size_t)1 << 63, 4999, &first), VMM_ERR_NO_SPACE);
    CHECK(!hbitmap_range_clear(&hb, 0, 0) && !hbitmap_range_clear(&hb, 4000, 1001));
    CHECK(!hbitmap_range_set(&hb, 0, 0) && !hbitmap_range_set(&hb, SIZE_MAX, 2));
    CHECK(hbitmap_num_free(&hb) == 5000 && fa.live == 0 && hbitmap_check(&hb));
    /* alignment far above the window: only the hint itself is in phase */
    CHECK_OK(hbitmap_find_set(&hb, 2, (size_t)1 << 62, 7, &first));
    CHECK(first == 7);
    /* prepare then unprepare changes nothing */
    CHECK_OK(hbitmap_prepare(&hb, 100, 10, true));
    CHECK(fa.live > 0);
    hbitmap_unprepare(&hb);
    CHECK(fa.live == 1 && hbitmap_check(&hb)); /* the leaf holding 7, 8 */
    hbitmap_destroy(&hb);
    CHECK(fa.live == 0);
}

/* A window exactly as big as its root (2^18, 2^24 entries): a search whose
 * last candidate is blocked by the last entry stops there (it once went on
 * from num, one slot past the root's last). */
static void test_search_ends_at_root_span(void)
{
    fail_alloc_t fa;
    fail_alloc_init(&fa);
    vmm_allocator_t a = fail_alloc_iface(&fa);
    static hbitmap_t hb;
    for (unsigned shift = 18; shift <= 24; shift += 6) {
        size_t num = (size_t)1 << shift, first = 0;
        CHECK_OK(hbitmap_init(&hb, num, &a));
        CHECK_OK(hbitmap_set_range(&hb, num - 3u, 1));
        CHECK_OK(hbitmap_set_range(&hb, num - 1u, 1));
        CHECK_ERR(hbitmap_find_set(&hb, 1, 2, num - 3u, &first), VMM_ERR_NO_SPACE);
        CHECK_ERR(hbitmap_find_set(&hb, 2, 1, num - 3u, &first), VMM_ERR_NO_SPACE);
        CHECK_OK(hbitmap_find_set(&hb, 1, 1, num - 3u, &first));
        CHECK(first == num - 2u && hbitmap_num_free(&hb) == num - 3u && hbitmap_check(&hb));
        hbitmap_destroy(&hb);
        CHECK(fa.live == 0);
    }
}

/* A FULL window cleared in the middle: the splits of both paths, failing
 * at every allocation, then a prepared clear that cannot fail. */
static void test_split_failures(void)
{
    fail_alloc_t fa;
    fail_alloc_init(&fa);
    vmm_allocator_t a = fail_alloc_iface(&fa);
    static hbitmap_t hb;
    size_t num = (size_t)1 << 35;
    CHECK_OK(hbitmap_init(&hb, num, &a));
    CHECK_OK(hbitmap_set_range(&hb, 0, num));
    CHECK(fa.live == 0);
    size_t first = ((size_t)1 << 30) + 12345u, n = ((size_t)3 << 30) + 777u;
    size_t calls = fa.calls;
    for (long k = 0;; k++) {
        fa.countdown = k;
        vmm_status_t st = hbitmap_clear_range(&hb, first, n);
        fa.countdown = -1;
        if (st == VMM_OK)
            break;
        CHECK_ERR(st, VMM_ERR_OUT_OF_MEMORY);
        CHECK(fa.live == 0 && hbitmap_num_free(&hb) == 0 && hbitmap_check(&hb));
        CHECK(hbitmap_range_set(&hb, 0, num));
    }
    /* height 4: both paths split down to a leaf, 2 * (3 nodes + 1 leaf) */
    CHECK(fa.live == 8);
    CHECK(fa.calls - calls == 8u * 9u / 2u + 8u);
    CHECK(hbitmap_num_free(&hb) == n && hbitmap_check(&hb));
    CHECK(hbitmap_range_clear(&hb, first, n) && hbitmap_range_set(&hb, 0, first) &&
          hbitmap_range_set(&hb, first + n, num - first - n));
    /* prepared: the set back cannot fail and takes nothing new */
    CHECK_OK(hbitmap_prepare(&hb, first, n, true));
    size_t live = fa.live;
    fa.countdown = 0;
    CHECK_OK(hbitmap_set_range(&hb, first, n));
    CHECK(fa.countdown == 0);
    fa.countdown = -1;
    CHECK(live == 8 && fa.live == 0 && hbitmap_num_free(&hb) == 0 && hbitmap_check(&hb));
    hbitmap_destroy(&hb);
}

/* First fit on a fragmented window: always the lowest run (vs the flat
 * bitmap's bitmap_find_set on the same requests). */
static void test_first_fit_vs_flat(void)
{
    fail_alloc_t fa;
    fail_alloc_init(&fa);
    vmm_allocator_t a = fail_alloc_iface(&fa);
    static hbitmap_t hb;
    size_t num = (size_t)1 << 18;
    uint64_t *words = calloc(BITMAP_WORDS(num), 8);
    bitmap_t bm;
    CHECK_OK(bitmap_init(&bm, words, BITMAP_WORDS(num), num));
    CHECK_OK(hbitmap_init(&hb, num, &a));
    size_t starts[4096], lens[4096], live = 0;
    for (int i = 0; i < 20000; i++) {
        if (live > 0 && (rnd(2) == 0 || live == 4096)) {
            size_t k = (size_t)rnd(live);
            CHECK_OK(bitmap_clear_range(&bm, starts[k], lens[k]));
            CHECK_OK(hbitmap_clear_range(&hb, starts[k], lens[k]));
            starts[k] = starts[live - 1];
            lens[k] = lens[live - 1];
            live--;
            continue;
        }
        size_t n = 1u + (size_t)rnd(rnd(8) == 0 ? 2000 : 64);
        size_t align = (size_t)1 << rnd(6);
        size_t hint = rnd(2) ? 0 : (size_t)rnd(num);
        size_t f1 = 0, f2 = 0;
        vmm_status_t s1 = bitmap_find_set(&bm, n, align, hint, &f1);
        vmm_status_t s2 = hbitmap_find_set(&hb, n, align, hint, &f2);
        CHECK(s1 == s2);
        if (s1 == VMM_OK) {
            CHECK(f1 == f2);
            starts[live] = f1;
            lens[live++] = n;
        }
        CHECK(bm.num_free == hbitmap_num_free(&hb));
    }
    CHECK(hbitmap_check(&hb));
    for (size_t i = 0; i < num; i += 1 + rnd(7)) {
        bool x = false, y = true;
        (void)bitmap_test(&bm, i, &x);
        (void)hbitmap_test(&hb, i, &y);
        if (x != y) {
            CHECK(x == y);
            break;
        }
    }
    hbitmap_destroy(&hb);
    CHECK(fa.live == 0);
    free(words);
}

/* The incremental summaries (a leaf's group runs, a node's runs from its
 * one changed slot) against the flat bitmap: ranges that start or end near
 * the edges of groups (512 entries), leaves (4096) and level-1 slots
 * (2^18), sets and clears that lengthen, cut or end the longest run of a
 * group, leaf or node, each followed by first fit from 0 and from the
 * range (hbitmap_find against bitmap_find_set) and the structural check
 * (which recomputes every summary from the bits). */
static void test_summaries_at_edges(void)
{
    fail_alloc_t fa;
    fail_alloc_init(&fa);
    vmm_allocator_t a = fail_alloc_iface(&fa);
    static hbitmap_t hb;
    size_t num = ((size_t)3 << 18) + 777u; /* height 2, a partial last leaf */
    uint64_t *words = calloc(BITMAP_WORDS(num), 8);
    bitmap_t bm;
    static const size_t edge[] = {512, 4096, (size_t)1 << 18};
    CHECK_OK(bitmap_init(&bm, words, BITMAP_WORDS(num), num));
    CHECK_OK(hbitmap_init(&hb, num, &a));
    for (int i = 0; i < 3000; i++) {
        size_t e = edge[rnd(3)];
        size_t p = (size_t)rnd(num / e + 1u) * e;
        p = p + 40u > (size_t)rnd(81) ? p + 40u - (size_t)rnd(81) : p;
        if (p >= num)
            p = num - 1u;
        static const size_t lens[] = {8, 600, 5000, 300000};
        size_t n = 1u + (size_t)rnd(lens[rnd(4)]);
        if (n > num - p)
            n = num - p;
        bool set = rnd(2) == 0;
        CHECK_OK(set ? bitmap_set_range(&bm, p, n) : bitmap_clear_range(&bm, p, n));
        CHECK_OK(set ? hbitmap_set_range(&hb, p, n) : hbitmap_clear_range(&hb, p, n));
        CHECK(bm.num_free == hbitmap_num_free(&hb));
        CHECK(hbitmap_check_at(&hb, p) && hbitmap_check_at(&hb, p + n - 1u));
        for (int f = 0; f < 2; f++) {
            size_t want = 1u + (size_t)rnd(rnd(2) ? 700 : 9000), hint = f == 0 ? 0 : p;
            size_t f1 = 0, f2 = 0;
            vmm_status_t s1 = bitmap_find_set(&bm, want, 1, hint, &f1);
            vmm_status_t s2 = hbitmap_find(&hb, want, 1, hint, &f2);
            CHECK(s1 == s2 && (s1 != VMM_OK || f1 == f2));
            if (s1 == VMM_OK)
                CHECK_OK(bitmap_clear_range(&bm, f1, want));
        }
        if (i % 100 == 99)
            CHECK(hbitmap_check(&hb));
    }
    CHECK(hbitmap_check(&hb));
    hbitmap_destroy(&hb);
    CHECK(fa.live == 0);
    free(words);
}

/* Returns true when hb holds the flat bits words on [a, b): one range query
 * per run of equal flat bits (a word of all-equal bits is skipped whole). */
static bool same_as_flat(const hbitmap_t *hb, const uint64_t *words, size_t a, size_t b)
{
    size_t i = a;
    while (i < b) {
        bool v = (words[i / 64u] >> (i % 64u)) & 1u;
        size_t j = i + 1u;
        while (j < b) {
            uint64_t w = v ? ~words[j / 64u] : words[j / 64u];
            w &= ~(uint64_t)0 << (j % 64u);
            if (w != 0) {
                j = j / 64u * 64u + (size_t)__builtin_ctzll(w);
                break;
            }
            j = (j / 64u + 1u) * 64u;
        }
        if (j > b)
            j = b;
        if (v ? !hbitmap_range_set(hb, i, j - i) : !hbitmap_range_clear(hb, i, j - i))
            return false;
        i = j;
    }
    return true;
}

/* Returns a position at an edge of a leaf (2^12), a level-1 slot (2^18) or
 * a level-2 slot (2^24), or one entry before or after it, in [0, num]. */
static size_t edge_pos(size_t num)
{
    static const unsigned shift[] = {12, 18, 24};
    size_t e = (size_t)1 << shift[rnd(3)];
    size_t p = (size_t)rnd(num / e + 1u) * e;
    p += (size_t)rnd(3);
    p = p > 0 ? p - 1u : 0;
    return p > num ? num : p;
}

/* The range walk (one pass over the nodes a range touches, whole slots
 * filled at once, the two edge paths entered, each touched node's summary
 * once, bottom up) against the flat bitmap, on a height-3 window with a
 * partial last leaf: sets and clears between leaf / level-1 / level-2 slot
 * edges (and one entry off them), each run with the allocator failing at
 * every allocation first (nothing changed, the tree still valid), then
 * compared on the whole range and its neighbourhood, with the full
 * structural check (summaries recomputed from the bits). */
static void test_range_walk_vs_flat(void)
{
    fail_alloc_t fa;
    fail_alloc_init(&fa);
    vmm_allocator_t a = fail_alloc_iface(&fa);
    static hbitmap_t hb, before;
    size_t num = ((size_t)1 << 25) + 3000u; /* height 3 */
    uint64_t *words = calloc(BITMAP_WORDS(num), 8);
    bitmap_t bm;
    CHECK_OK(bitmap_init(&bm, words, BITMAP_WORDS(num), num));
    CHECK_OK(hbitmap_init(&hb, num, &a));
    CHECK(hb.height == 3);
    for (int i = 0; i < 300; i++) {
        size_t p = edge_pos(num), q = edge_pos(num);
        if (p > q) {
            size_t t = p;
            p = q;
            q = t;
        }
        if (p == q)
            continue;
        bool set = rnd(2) == 0;
        vmm_status_t st;
        for (long k = 0;; k++) {
            snapshot_t s0 = snap(&hb, &fa);
            memcpy(&before, &hb, sizeof hb);
            fa.countdown = k;
            st = set ? hbitmap_set_range(&hb, p, q - p) : hbitmap_clear_range(&hb, p, q - p);
            fa.countdown = -1;
            if (st != VMM_ERR_OUT_OF_MEMORY)
                break;
            CHECK(same_snap(s0, snap(&hb, &fa)));
            CHECK(memcmp(&before, &hb, sizeof hb) == 0);
            CHECK(hbitmap_check(&hb));
            CHECK(same_as_flat(&hb, words, p > 4096u ? p - 4096u : 0,
                               q + 4096u < num ? q + 4096u : num));
            if (k > 64) {
                CHECK(!"op keeps failing");
                break;
            }
        }
        CHECK_OK(st);
        CHECK_OK(set ? bitmap_set_range(&bm, p, q - p) : bitmap_clear_range(&bm, p, q - p));
        CHECK(bm.num_free == hbitmap_num_free(&hb));
        CHECK(fa.live == hb.nodes + hb.leaves);
        CHECK(hbitmap_check(&hb));
        CHECK(same_as_flat(&hb, words, p > 70000u ? p - 70000u : 0,
                           q + 70000u < num ? q + 70000u : num));
        if (i % 50 == 49)
            CHECK(same_as_flat(&hb, words, 0, num));
    }
    CHECK(same_as_flat(&hb, words, 0, num));
    hbitmap_destroy(&hb);
    CHECK(fa.live == 0);
    free(words);
}

/* The trusted contracts of __builtin_ctzll / __builtin_clzll in
 * proofs/hbitmap.acsl (the proof of ctz64 / clz64 rests on them): for every
 * word with one or two bits set, and random words, the result is the
 * lowest (highest) set bit as a bit loop finds it. */
static void test_bit_scan_builtins(void)
{
    for (unsigned a = 0; a < 64; a++) {
        for (unsigned b = 0; b <= a; b++) {
            uint64_t x = ((uint64_t)1 << a) | ((uint64_t)1 << b);
            CHECK((unsigned)__builtin_ctzll(x) == b);
            CHECK((unsigned)__builtin_clzll(x) == 63u - a);
        }
    }
    for (int t = 0; t < 100000; t++) {
        uint64_t x = rnd(UINT64_MAX) >> rnd(64);
        if (x == 0)
            continue;
        unsigned lo = 0, hi = 63;
        while (!((x >> lo) & 1u))
            lo++;
        while (!((x >> hi) & 1u))
            hi--;
        CHECK((unsigned)__builtin_ctzll(x) == lo);
        CHECK((unsigned)__builtin_clzll(x) == 63u - hi);
    }
}

/* ---- the structural checks reject corruption ---- */

/* The checks' verdicts on hb: the whole tree, the path to p1 alone, the
 * paths to p2, and the range [p1, p2] (both paths). */
typedef struct verdicts {
    bool all, at1, at2, range;
} verdicts_t;

static verdicts_t verdicts(const hbitmap_t *hb, size_t p1, size_t p2)
{
    verdicts_t v = {hbitmap_check(hb), hbitmap_check_at(hb, p1), hbitmap_check_at(hb, p2),
                    hbitmap_check_range(hb, p1, p2 - p1 + 1u)};
    return v;
}

/* Each corruption of a healthy tree (height 3: root, nodes, leaf)
 * makes hbitmap_check, hbitmap_check_range and the check_at of the path it
 * lies on fail; one on the path to the range's last entry only is missed by
 * the check_at of its first entry (what check_range must not miss: it
 * checks both paths, the root they share once). Argument errors answer
 * false. */
static void test_checks_reject_corruption(void)
{
    fail_alloc_t fa;
    fail_alloc_init(&fa);
    vmm_allocator_t a = fail_alloc_iface(&fa);
    static hbitmap_t hb;
    size_t num = ((size_t)1 << 30) - 5u; /* height 3, padding in the last leaf */
    size_t p1 = 1000, p2 = ((size_t)5 << 24) + ((size_t)3 << 18) + 77u;
    CHECK_OK(hbitmap_init(&hb, num, &a));
    CHECK(hb.height == 3);
    CHECK_OK(hbitmap_set_range(&hb, p1, 10));
    CHECK_OK(hbitmap_set_range(&hb, p2, 10));
    CHECK_OK(hbitmap_set_range(&hb, num - 3u, 3));
    verdicts_t v = verdicts(&hb, p1, p2);
    CHECK(v.all && v.at1 && v.at2 && v.range);
    /* argument errors */
    CHECK(!hbitmap_check_range(NULL, 0, 1) && !hbitmap_check_range(&hb, 0, 0));
    CHECK(!hbitmap_check_range(&hb, num, 1) && !hbitmap_check_range(&hb, num - 1u, 2));
    CHECK(!hbitmap_check_range(&hb, 1, SIZE_MAX) && !hbitmap_check_at(&hb, num));
    CHECK(hbitmap_check_range(&hb, 0, num) && hbitmap_check_range(&hb, num - 1u, 1));

    hb_node_t *n2 = hb.root.child[5].node;   /* level 2, on p2's path only */
    CHECK(n2 != NULL && n2->child[3].node != NULL && hb.root.child[0].node != NULL &&
          hb.root.child[63].node != NULL && hb.root.child[63].node->child[63].node != NULL);
    hb_node_t *m2 = n2->child[3].node;       /* level 1, on p2's path only */
    hb_leaf_t *l2 = m2->child[0].leaf;       /* p2's leaf */
    hb_node_t *n1 = hb.root.child[0].node;   /* on p1's path only */
    hb_leaf_t *last = hb.root.child[63].node->child[63].node->child[63].leaf;
    CHECK(l2 != NULL && last != NULL);
    size_t w2 = (p2 % 4096u + 10u) / 64u;    /* the word after p2's run */
    uint64_t b2 = (uint64_t)1 << ((p2 % 4096u + 10u) % 64u);
    uint64_t *words[] = {
        &l2->bits[w2],          /* a used bit the summaries do not know */
        &m2->pre[0],            /* a pointer slot's summary (of the leaf) */
        &n2->max[9],            /* an EMPTY slot's summary */
        &m2->full,              /* FULL flag on a pointer slot */
        &n2->gpre[1],           /* a group run of a node (of EMPTY slots) */
        &hb.root.suf[5],        /* the root's summary of p2's node (its group
                                   runs are unknown since the set: p2 only) */
        &hb.root.full,          /* the shared root: a FULL slot over padding */
        &n1->max[0],            /* p1's path: its level-1 node's summary */
        &last->bits[63],        /* a used entry in the padding */
    };
    uint64_t flips[] = {b2, 1, 1, 1, 1, 1, (uint64_t)1 << 63, 1,
                        (uint64_t)1 << 62};
    for (unsigned i = 0; i < sizeof words / sizeof words[0]; i++) {
        *words[i] ^= flips[i];
        v = verdicts(&hb, p1, p2);
        bool on_p2 = i < 6, shared = i == 6, on_p1 = i == 7;
        CHECK(!v.all);
        if (on_p2)
            CHECK(v.at1 && !v.at2 && !v.range);
        if (shared)
            CHECK(!v.at1 && !v.at2 && !v.range);
        if (on_p1)
            CHECK(!v.at1 && v.at2 && !v.range);
        if (i == 8) /* the last leaf's path only */
            CHECK(v.at1 && v.at2 && v.range && !hbitmap_check_range(&hb, p1, num - p1) &&
                  !hbitmap_check_at(&hb, num - 1u));
        *words[i] ^= flips[i];
        v = verdicts(&hb, p1, p2);
        CHECK(v.all && v.at1 && v.at2 && v.range);
    }
    /* a group run of p2's leaf; both ends in that leaf: one leaf check */
    l2->gmax[(p2 % 4096u) / 512u]++;
    CHECK(!hbitmap_check(&hb) && !hbitmap_check_range(&hb, p2 - 5u, 30) &&
          !hbitmap_check_at(&hb, p2) && hbitmap_check_at(&hb, p1));
    l2->gmax[(p2 % 4096u) / 512u]--;
    CHECK(hbitmap_check(&hb) && hbitmap_check_range(&hb, p2 - 5u, 30));
    /* the header's counters: one off either way is caught by the whole
     * walk (a node count below the tree's stops it at the first node too
     * many), not by the path checks, which do not count */
    size_t *counters[] = {&hb.nodes, &hb.leaves, &hb.num_free};
    for (unsigned i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        size_t keep = *counters[i];
        *counters[i] = keep - 1u;
        CHECK(!hbitmap_check(&hb) && hbitmap_check_range(&hb, p1, p2 - p1 + 1u));
        *counters[i] = keep + 1u;
        CHECK(!hbitmap_check(&hb) && hbitmap_check_range(&hb, p1, p2 - p1 + 1u));
        *counters[i] = keep;
    }
    size_t nodes = hb.nodes;
    hb.nodes = 0; /* the first node entered is already one too many */
    CHECK(!hbitmap_check(&hb));
    hb.nodes = nodes;
    hb.num_spare_nodes = 1; /* a prepared pool left over: not a resting state */
    CHECK(!hbitmap_check(&hb));
    hb.num_spare_nodes = 0;
    CHECK(hbitmap_check(&hb));
    hbitmap_destroy(&hb);
    CHECK(fa.live == 0);
    /* a uniform slot over the padding made FULL, its summary to match */
    CHECK_OK(hbitmap_init(&hb, num, &a));
    CHECK(hbitmap_check(&hb) && hbitmap_check_range(&hb, 0, num));
    hb.root.full |= (uint64_t)1 << 63;
    hb.root.pre[63] = hb.root.suf[63] = hb.root.max[63] = 0;
    CHECK(!hbitmap_check(&hb) && !hbitmap_check_range(&hb, 0, num) &&
          !hbitmap_check_at(&hb, 0) && !hbitmap_check_range(&hb, 7, 1));
    /* the slot below it made FULL so is fine */
    hb.root.full = (uint64_t)1 << 62;
    hb.root.pre[63] = hb.root.suf[63] = hb.root.max[63] = (size_t)1 << 24;
    hb.root.pre[62] = hb.root.suf[62] = hb.root.max[62] = 0;
    hb.root.gpre[7] = hb.root.gmax[7] = (size_t)6 << 24; /* slots 56..61 EMPTY */
    hb.root.gsuf[7] = (size_t)1 << 24;
    hb.num_free -= (size_t)1 << 24;
    CHECK(hbitmap_check(&hb) && hbitmap_check_range(&hb, 0, num));
    hbitmap_destroy(&hb);
    CHECK(fa.live == 0);
}

/* hbitmap_prefetch is a hint: on every kind of slot (EMPTY, FULL, a
 * pointer to a node or a leaf), every height, out of bounds and with no
 * bitmap, it changes nothing (the bitmap compared byte for byte, the
 * allocator untouched) and reads only what the tree holds (ASan). */
static void test_prefetch_changes_nothing(void)
{
    static const size_t sizes[] = {1, 5000, (size_t)1 << 24, (size_t)1 << 35,
                                   HBITMAP_MAX_ENTRIES};
    fail_alloc_t fa;
    fail_alloc_init(&fa);
    vmm_allocator_t a = fail_alloc_iface(&fa);
    static hbitmap_t hb, copy;
    hbitmap_prefetch(0, 0);
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        size_t num = sizes[z];
        CHECK_OK(hbitmap_init(&hb, num, &a));
        if (num > 8192u) { /* a FULL leaf slot, a leaf, a FULL node slot */
            CHECK_OK(hbitmap_set_range(&hb, 4096, 4096));
            CHECK_OK(hbitmap_set_range(&hb, 8192 + 7, 100));
            CHECK_OK(hbitmap_set_range(&hb, num - ((size_t)1 << 18), (size_t)1 << 18));
        } else {
            CHECK_OK(hbitmap_set_range(&hb, 0, 1));
        }
        size_t live = fa.live;
        memcpy(&copy, &hb, sizeof hb);
        const size_t at[] = {0, 4096, 8192 + 7, 8192 + 200, num / 2u, num - 1u, num,
                             num + 1u, SIZE_MAX};
        for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
            hbitmap_prefetch(&hb, at[i]);
        CHECK(memcmp(&copy, &hb, sizeof hb) == 0 && fa.live == live && hbitmap_check(&hb));
        hbitmap_destroy(&hb);
        CHECK(fa.live == 0);
    }
}

int main(void)
{
    RUN(test_bit_scan_builtins);
    RUN(test_checks_reject_corruption);
    RUN(test_errors);
    RUN(test_prefetch_changes_nothing);
    RUN(test_split_failures);
    RUN(test_search_ends_at_root_span);
    RUN(test_first_fit_vs_flat);
    RUN(test_summaries_at_edges);
    RUN(test_range_walk_vs_flat);
    RUN(test_window_1);
    RUN(test_window_63);
    RUN(test_window_64);
    RUN(test_window_4097);
    RUN(test_window_2_20);
    RUN(test_window_2_24);
    RUN(test_window_2_35_minus_1);
    RUN(test_window_2_35);
    RUN(test_window_top);
    RUN(test_window_max);
    return check_exit();
}
