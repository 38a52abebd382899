/*
 * hbitmap.c - the hierarchical bitmap (see hbitmap.h for the design).
 *
 * Levels: a leaf is level 0; a node at level l >= 1 has 64 child slots of
 * level l - 1, each covering SPAN(l - 1) entries; the root is at level
 * hb->height. Slot k of a node whose first entry is base covers
 * [base + k * SPAN(l - 1), base + (k + 1) * SPAN(l - 1)).
 *
 * A range operation is one walk over the nodes the range touches (explicit
 * stack, range_apply): a slot the range covers whole becomes EMPTY or FULL
 * at once (freeing what was below); only the slots holding the range's first
 * and last entry are entered (split from the spare pool when uniform), so
 * the walk descends at most two paths below the node where they part. Each
 * touched node's summary is updated once, bottom up, merging uniform
 * children, from the old and new runs of the few slots it touched (all 64
 * read only when many were). A range inside one leaf's span (most of them)
 * takes one descent and a climb instead (leaf_range_apply). Searches never
 * modify; nothing recurses.
 */
#include "hbitmap.h"

#include "vmm_assert.h"

#define LEAF_ENTRIES ((size_t)1 << HBITMAP_LEAF_SHIFT)
#define GROUP_ENTRIES ((size_t)HBITMAP_GROUP_WORDS * 64u)
#define WORD_BITS 64u
#define ALL_ONES (~(uint64_t)0)
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1u)) == 0)
#define NONE SIZE_MAX
/* log2 of the entries a slot of level l covers, and that number. */
#define SHIFT(l) (HBITMAP_LEAF_SHIFT + HBITMAP_FAN_SHIFT * (size_t)(l))
#define SPAN(l) ((size_t)1 << SHIFT(l))
/* Index of the slot of level l holding entry i in the node starting at base. */
#define SLOT_OF(i, base, l) ((unsigned)span_div((i) - (base), l))
#define SLOT_BIT(k) ((uint64_t)1 << (k))
/* The mask of bits [0, n) of a word, 0 <= n <= 64 (shifts right: ALL_ONES
 * shifted left would wrap). */
#define BELOW_BIT(n) ((n) == 0 ? (uint64_t)0 : ALL_ONES >> (WORD_BITS - (n)))
/* Byte i (0 = lowest) of word x: popcount64's table index. */
#define BYTE_OF(x, i) ((uint8_t)((x) >> (8u * (i))))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
/* A node group's gmax when its runs are unknown (see node_groups_stale). */
#define GROUP_STALE SIZE_MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
/* A node of which at most this many slots a range update touched gets its
 * summary incrementally (node_runs_after), else from its 64 slots. */
#define INCR_SLOTS 8u

/* Alignment asked of the allocator: a cache line, so that a group's words
 * (a leaf) or slot summaries (a node) share one line and a leaf's group
 * runs another (every member is a 64-bit word or a pointer, so 8 would do
 * for correctness). */
#define NODE_ALIGN 64u

_Static_assert(sizeof(size_t) == 8, "hbitmap needs a 64-bit size_t");
_Static_assert(sizeof(void *) == sizeof(uint64_t), "hbitmap needs 64-bit pointers");

/* ---- spans: the shifts by SHIFT(l), stated as what they compute ---- */

/* Returns x / SPAN(l): the slot of level l holding offset x of a node. */
/*@ requires l < HBITMAP_MAX_HEIGHT;
    assigns \nothing;
    ensures \result == x / hb_span(l);
*/
static size_t span_div(size_t x, unsigned l)
{
    return x >> SHIFT(l);
}

/* Returns k * SPAN(l): the offset of slot k of level l in its node. */
/*@ requires l < HBITMAP_MAX_HEIGHT && k < 64;
    assigns \nothing;
    ensures \result == k * hb_span(l);
*/
static size_t span_mul(size_t k, unsigned l)
{
    return k * SPAN(l);
}

/* ---- bit helpers (loop-free, no libgcc) ---- */

/* Returns the number of trailing zero bits of x (64 when x == 0). The
 * compiler's builtin is one instruction on x86_64 (no libgcc call). */
/*@ assigns \nothing;
    ensures 0 <= \result <= 64;
    ensures \result == 64 <==> x == 0;
    ensures \forall integer k; 0 <= k < \result ==> !BIT(x, k);
    ensures \result < 64 ==> BIT(x, \result);
*/
static unsigned ctz64(uint64_t x)
{
    return x == 0 ? 64u : (unsigned)__builtin_ctzll(x);
}

/* Returns the number of leading zero bits of x (64 when x == 0). */
/*@ assigns \nothing;
    ensures 0 <= \result <= 64;
    ensures \result == 64 <==> x == 0;
    ensures \forall integer k; 64 - \result <= k < 64 ==> !BIT(x, k);
    ensures \result < 64 ==> BIT(x, 63 - \result);
*/
static unsigned clz64(uint64_t x)
{
    return x == 0 ? 64u : (unsigned)__builtin_clzll(x);
}

/* The number of set bits of each byte value (popcount64's table: row r
 * holds the bytes 16 r .. 16 r + 15). */
static const uint8_t pop_byte[256] = {
    0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
    1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5,
    1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5,
    2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
    1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5,
    2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
    2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
    3, 4, 4, 5, 4, 5, 5, 6, 4, 5, 5, 6, 5, 6, 6, 7,
    1, 2, 2, 3, 2, 3, 3, 4, 2, 3, 3, 4, 3, 4, 4, 5,
    2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
    2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
    3, 4, 4, 5, 4, 5, 5, 6, 4, 5, 5, 6, 5, 6, 6, 7,
    2, 3, 3, 4, 3, 4, 4, 5, 3, 4, 4, 5, 4, 5, 5, 6,
    3, 4, 4, 5, 4, 5, 5, 6, 4, 5, 5, 6, 5, 6, 6, 7,
    3, 4, 4, 5, 4, 5, 5, 6, 4, 5, 5, 6, 5, 6, 6, 7,
    4, 5, 5, 6, 5, 6, 6, 7, 5, 6, 6, 7, 6, 7, 7, 8,
};

/* Returns the number of set bits of byte b (0 <= b <= 255). WP checks the
 * table entry against the 8 bit tests, b split into its 256 values. */
/*@ requires 0 <= b <= 255;
    assigns \nothing;
    ensures \result == hb_wcount(b, 8);
    ensures \result <= 8;
*/
static inline unsigned byte_popcount(unsigned b)
{
    /*@ assert pop_byte[b] == HB_WCOUNT8(b); */
    return pop_byte[b];
}

/* Returns the number of set bits of x: the sum of its 8 bytes' counts
 * (table look-ups: loop-free, no libgcc, no multiply). */
/*@ assigns \nothing;
    ensures \result == hb_wcount(x, 64);
    ensures \result <= 64;
*/
static unsigned popcount64(uint64_t x)
{
    /*@ ghost lemma_hb_wcount_bytes(x); */
    return byte_popcount(BYTE_OF(x, 0)) + byte_popcount(BYTE_OF(x, 1)) +
           byte_popcount(BYTE_OF(x, 2)) + byte_popcount(BYTE_OF(x, 3)) +
           byte_popcount(BYTE_OF(x, 4)) + byte_popcount(BYTE_OF(x, 5)) +
           byte_popcount(BYTE_OF(x, 6)) + byte_popcount(BYTE_OF(x, 7));
}

/* Returns the mask of bits [a, b) of a word, 0 <= a < b <= 64. */
/*@ requires a < b <= 64;
    assigns \nothing;
    ensures \forall integer k; 0 <= k < 64 ==> (BIT(\result, k) <==> a <= k < b);
*/
static uint64_t bits_between(unsigned a, unsigned b)
{
    return BELOW_BIT(b) & ~BELOW_BIT(a);
}

/* ---- leaves ---- */

/* Returns the number of used entries of lf. */
/*@ requires \valid_read(lf);
    assigns \nothing;
    ensures \result == hb_leaf_same(lf, 0, 4096, 1);
    ensures \result <= 4096;
*/
static size_t leaf_used(const hb_leaf_t *lf)
{
    size_t used = 0;
    /*@ loop invariant 0 <= w <= 64 && used <= 64 * w;
        loop invariant used == hb_leaf_same(lf, 0, 64 * w, 1);
        loop assigns w, used;
        loop variant 64 - w;
    */
    for (unsigned w = 0; w < HBITMAP_LEAF_WORDS; w++) {
        /*@ ghost lemma_hb_wcount_keep(lf->bits[w], lf->bits[w], 0, 64, 1); */
        /*@ assert (64 * w + 63) / 64 == w && (64 * w + 63) % 64 == 63 &&
                   \max(0, 64 * w) % 64 == 0;
        */
        /*@ assert hb_leaf_same(lf, 0, 64 * w + 64, 1) ==
                   hb_leaf_same(lf, 0, 64 * w, 1) + hb_wsame(lf->bits[w], 0, 64, 1);
        */
        used += popcount64(lf->bits[w]);
    }
    return used;
}

/* Returns the start (bit offset) of the first run of n free bits lying
 * inside word x between bits from and 64 - suffix, or 64 when there is none
 * (runs touching the word's end are the caller's: they may go on). */
/*@ requires from <= 64;
    assigns \nothing;
    ensures \result <= 64;
    ensures \result < 64 ==> from <= \result && \result + n < 64;
    ensures fits: \result < 64 ==> hb_inner_fits(x, \result, n);
    ensures first: \forall integer t; from <= t < \result ==> !hb_inner_fits(x, t, n);
*/
static unsigned word_inner_fit(uint64_t x, unsigned from, size_t n)
{
    unsigned i = from;
    /*@ loop invariant from <= i <= 64;
        loop invariant \forall integer t; from <= t < i ==> !hb_inner_fits(x, t, n);
        loop assigns i;
        loop variant 64 - i;
    */
    while (i < WORD_BITS) {
        uint64_t w = x >> i;
        unsigned z = MIN(ctz64(w), WORD_BITS - i);
        /*@ assert zfree: \forall integer k; 0 <= k < z ==> !BIT(w, k) && !BIT(x, i + k); */
        /*@ assert zfree_at: \forall integer j; i <= j < i + z ==> !BIT(w, j - i) && !BIT(x, j); */
        /*@ assert zend: i + z < 64 ==> BIT(w, z) && BIT(x, i + z) && BIT(x, (uint8_t)(i + z)); */
        /*@ assert i + z == 64 ==>
                     \forall integer t; i <= t < 64 ==> !hb_inner_fits(x, t, n); */
        if (i + z == WORD_BITS)
            return WORD_BITS; /* reaches the end: a suffix */
        /*@ assert z >= n ==> i + z < 64 && BIT(x, i + z) && WORD_FREE(x, i, i + n); */
        if (z >= n)
            return i;
        /*@ assert short: \forall integer t; i <= t <= i + z ==> !hb_inner_fits(x, t, n); */
        i += z;
        unsigned u = MIN(ctz64(~(x >> i)), WORD_BITS - i);
        /*@ assert uused: \forall integer k; 0 <= k < u ==>
                     !BIT((uint64_t)~(x >> i), k) && BIT(x >> i, k) && BIT(x, i + k); */
        /*@ assert uused_at: \forall integer j; i <= j < i + u ==> BIT(x >> i, j - i) && BIT(x, j); */
        /*@ assert \forall integer t; i < t < i + u ==>
                     BIT(x, t) && BIT(x, (uint8_t)t) && !hb_inner_fits(x, t, n); */
        i += u; /* the used bits */
    }
    return WORD_BITS;
}

/* Returns the longest run of free bits of x that a used bit follows in the
 * word (a free prefix counts; the free suffix, reaching bit 63, does not:
 * it is the caller's, it may go on), 0 when there is none. */
/*@ assigns \nothing;
    ensures \result < 64;
    ensures real: \result > 0 ==> \exists integer t; hb_inner_fits(x, t, \result);
    ensures longest: \forall integer t, m; \result < m ==> !hb_inner_fits(x, t, m);
*/
static unsigned word_inner_max(uint64_t x)
{
    unsigned best = 0, i = ctz64(~x);
    /*@ ghost unsigned bt = 0; */
    /*@ assert \forall integer k; 0 <= k < i ==> BIT(x, (uint8_t)k); */
    /*@ assert \forall integer t, m; 0 <= t < i && 0 < m ==> BIT(x, (uint8_t)t) && !hb_inner_fits(x, t, m); */
    /*@ loop invariant i <= 64 && best < 64;
        loop invariant real: best > 0 ==> hb_inner_fits(x, bt, best);
        loop invariant longest: \forall integer t, m; t < i && best < m ==> !hb_inner_fits(x, t, m);
        loop assigns i, best, bt;
        loop variant 64 - i;
    */
    while (i < WORD_BITS) {
        unsigned z = MIN(ctz64(x >> i), WORD_BITS - i);
        /*@ assert zfree: \forall integer k; 0 <= k < z ==>
                     !BIT(x >> i, k) && !BIT(x, i + k) && !BIT(x, (uint8_t)(i + k)); */
        /*@ assert zfree_at: \forall integer j; i <= j < i + z ==> !BIT(x >> i, j - i) && !BIT(x, j); */
        /*@ assert zfree_u8: \forall integer j; i <= j < i + z ==> !BIT(x, (uint8_t)j); */
        /*@ assert zend: i + z < 64 ==> BIT(x >> i, z) && BIT(x, i + z) && BIT(x, (uint8_t)(i + z)); */
        /*@ assert suffix: i + z == 64 ==> \forall integer t, m; i <= t && best < m ==> !hb_inner_fits(x, t, m); */
        if (i + z == WORD_BITS)
            break;
        /*@ assert hb_inner_fits(x, i, z); */
        if (z > best) {
            best = z;
            /*@ ghost bt = i; */
        }
        /*@ assert short: \forall integer t, m; i <= t <= i + z && best < m ==> !hb_inner_fits(x, t, m); */
        i += z;
        unsigned u = MIN(ctz64(~(x >> i)), WORD_BITS - i);
        /*@ assert uused: \forall integer k; 0 <= k < u ==>
                     !BIT((uint64_t)~(x >> i), k) && BIT(x >> i, k) && BIT(x, i + k); */
        /*@ assert uused_at: \forall integer j; i <= j < i + u ==> BIT(x >> i, j - i) && BIT(x, j); */
        /*@ assert uused_u8: \forall integer j; i <= j < i + u ==> BIT(x, (uint8_t)j); */
        /*@ assert used: \forall integer t, m; i < t < i + u && best < m ==>
                     BIT(x, (uint8_t)t) && !hb_inner_fits(x, t, m); */
        i += u; /* the used bits */
    }
    return best;
}

/* Scans words [from / 64, to / 64) of lf from offset from for the first
 * free run of n entries, where *run free entries end right before from.
 * Returns the run's first entry, absolute (leaf starts at s), or NONE; then
 * *run becomes the free entries at to (counted from before from). A word
 * at a time: its free prefix extends the run, its free suffix starts the
 * next one, and its inner runs are looked at only when n fits in a word. */
/*@ requires \valid_read(lf) && \valid(run) && \separated(run, lf);
    requires from <= to <= 4096 && to % 64 == 0 && 0 < n;
    requires s <= HBITMAP_MAX_ENTRIES && *run <= s + from;
    assigns *run;
    ensures \result == NONE || \result + n <= s + to;
    ensures \result == NONE ==> *run <= s + to;
    ensures fits: \result != NONE ==> s + from - \old(*run) <= \result &&
              hb_win_free(lf, \max(from, \result - s), \result - s + n);
    ensures first: \forall integer o; from - \old(*run) <= o && from < o + n && o + n <= to &&
              s + o < \result ==> !\old(hb_fits_from(lf, from, o, n));
    ensures run: \result == NONE ==> *run <= \old(*run) + (to - from) &&
              hb_win_free(lf, \max(from, to - *run), to) &&
              (*run == \old(*run) + (to - from) ||
               (from <= to - *run - 1 && LEAF_USED(lf, to - *run - 1)));
*/
static size_t words_fit(const hb_leaf_t *lf, size_t s, size_t from, size_t to, size_t n,
                        size_t *run)
{
    size_t r = *run;
    unsigned b = (unsigned)(from % WORD_BITS);
    /*@ loop invariant from / 64 <= w <= to / 64 || (from == to && w == from / 64);
        loop invariant w == from / 64 ==> b == from % 64;
        loop invariant w != from / 64 ==> b == 0;
        loop invariant from <= 64 * w + b;
        loop invariant w == to / 64 ==> 64 * w + b == to;
        loop invariant r <= s + 64 * w + b;
        loop invariant r <= \at(*run, Pre) + (64 * w + b - from);
        loop invariant hb_win_free(lf, \max(from, 64 * w + b - r), 64 * w + b);
        loop invariant r == \at(*run, Pre) + (64 * w + b - from) ||
                       (from <= 64 * w + b - r - 1 && LEAF_USED(lf, 64 * w + b - r - 1));
        loop invariant \forall integer o; from - \at(*run, Pre) <= o && from < o + n &&
                         o + n <= 64 * w + b ==> !hb_fits_from(lf, from, o, n);
        loop invariant done: w >= to / 64 ==>
                         \forall integer o; from - \at(*run, Pre) <= o && from < o + n &&
                           o + n <= to ==> !hb_fits_from(lf, from, o, n);
        loop assigns w, b, r;
        loop variant to / 64 - w;
    */
    for (size_t w = from / WORD_BITS; w < to / WORD_BITS; w++, b = 0) {
        uint64_t x = lf->bits[w] >> b; /* bits from b on, as bits from 0 */
        unsigned avail = WORD_BITS - b;
        size_t base = w * WORD_BITS + b;
        /*@ assert \forall integer j; 64 * w <= j < 64 * w + 64 ==>
                     j / 64 == w && j % 64 == j - 64 * w; */
        /*@ assert word: \forall integer k; 0 <= k < 64 ==>
                     (LEAF_USED(lf, 64 * w + k) <==> BIT(lf->bits[w], k)); */
        unsigned pre = MIN(ctz64(x), avail);
        /*@ assert pre_x: \forall integer k; 0 <= k < pre ==> !BIT(x, k) && !BIT(lf->bits[w], b + k); */
        /*@ assert pre_free: \forall integer j; base <= j < base + pre ==>
                     !BIT(x, j - base) && !LEAF_USED(lf, j); */
        /*@ assert pre_end: pre < avail ==> BIT(x, pre) && BIT(lf->bits[w], b + pre) &&
                     LEAF_USED(lf, base + pre); */
        /*@ assert pre_w: \forall integer k; b <= k < b + pre ==> !BIT(lf->bits[w], (uint8_t)k); */
        /*@ ghost lemma_hb_win_grow(lf, from, r, w, b, pre); */
        /*@ assert run_used: r != \at(*run, Pre) + (base - from) ==>
                     from <= base - r - 1 && LEAF_USED8(lf, base - r - 1); */
        /*@ assert before: \forall integer o; from - \at(*run, Pre) <= o < base - r &&
                     base < o + n ==> !hb_fits_from(lf, from, o, n); */
        /*@ assert r + pre >= n ==> hb_win_free(lf, \max(from, base - r), base - r + n) &&
                     \forall integer o; from - \at(*run, Pre) <= o < base - r && from < o + n ==>
                       !hb_fits_from(lf, from, o, n); */
        if (r + pre >= n)
            return s + base + pre - (r + pre);
        /*@ assert short: \forall integer o; from - \at(*run, Pre) <= o && base < o + n &&
                     o + n <= base + pre ==> !hb_fits_from(lf, from, o, n); */
        if (pre == avail) {
            r += avail;
            continue;
        }
        /*@ assert e_used: LEAF_USED8(lf, base + pre) && from <= base + pre &&
                     BIT(lf->bits[w], (uint8_t)(b + pre)); */
        /*@ assert across: \forall integer o; from - \at(*run, Pre) <= o <= base + pre < o + n ==>
                     !hb_fits_from(lf, from, o, n); */
        if (n < WORD_BITS) {
            unsigned at = word_inner_fit(lf->bits[w], b + pre, n);
            /*@ assert at < 64 ==> \exists integer u; at + n <= u < 64 && BIT(lf->bits[w], (uint8_t)u); */
            /*@ assert inner_first: at < 64 ==> \forall integer o; base + pre < o < 64 * w + at ==>
                         !hb_inner_fits(lf->bits[w], o - 64 * w, n) && !hb_fits_from(lf, from, o, n); */
            /*@ assert at < 64 ==> \forall integer k; at <= k < at + n ==> !BIT(lf->bits[w], (uint8_t)k); */
            /*@ assert at < 64 ==> \forall integer w2, k; 0 <= w2 < 64 && 0 <= k < 64 &&
                         64 * w + at <= 64 * w2 + k < 64 * w + at + n ==>
                         w2 == w && at <= k < at + n && !BIT(lf->bits[w2], (uint8_t)k); */
            /*@ assert at < 64 ==> hb_win_free(lf, 64 * w + at, 64 * w + at + n); */
            /*@ assert inner_all: at < 64 ==> \forall integer o; from - \at(*run, Pre) <= o < 64 * w + at &&
                         from < o + n ==> !hb_fits_from(lf, from, o, n); */
            if (at < WORD_BITS)
                return s + w * WORD_BITS + at;
            /*@ assert tail_inner: \forall integer o; base + pre < o < 64 * w + 64 ==>
                         !hb_inner_fits(lf->bits[w], o - 64 * w, n); */
        }
        r = clz64(lf->bits[w]); /* the free suffix starts a new run */
        /*@ ghost lemma_hb_win_word(lf, w, 64 - r, 64); */
        /*@ assert suf: hb_win_free(lf, 64 * w + 64 - r, 64 * w + 64) && r < 64 - b - pre &&
                     BIT(lf->bits[w], 63 - r) && LEAF_USED8(lf, 64 * w + 63 - r) &&
                     LEAF_USED(lf, 64 * w + 63 - r) && BIT(lf->bits[w], (uint8_t)(63 - r)); */
        /*@ assert tail_first: \forall integer o; base + pre < o < 64 * w + 64 - r &&
                     o + n <= 64 * w + 64 ==>
                     (n < 64 ==> !hb_inner_fits(lf->bits[w], o - 64 * w, n)) &&
                     !hb_fits_from(lf, from, o, n); */
        /*@ assert tail_cross: \forall integer o; base + pre < o < 64 * w + 64 - r &&
                     o + n > 64 * w + 64 ==> !hb_fits_from(lf, from, o, n); */
        /*@ assert r >= n ==> hb_win_free(lf, 64 * w + 64 - r, 64 * w + 64 - r + n) &&
                     \forall integer o; from - \at(*run, Pre) <= o < 64 * w + 64 - r &&
                       from < o + n ==> !hb_fits_from(lf, from, o, n); */
        if (r >= n)
            return s + (w + 1u) * WORD_BITS - r;
    }
    *run = r;
    return NONE;
}

/* leaf_fit's group loop: scans the groups g.. of lf for the first free run of
 * n entries, where *run free entries end right before entry 512 g (r0: the
 * free entries that ended before from, leaf_fit's *run on entry). Returns the
 * run's first entry, absolute, or NONE; then *run becomes the free entries at
 * the leaf's end. A group's words are read only when a run of n starts
 * inside it. */
/*@ requires \valid_read(lf) && \valid(run) && \separated(run, lf);
    requires from <= 512 * g && g <= 8 && 0 < n;
    requires s <= HBITMAP_MAX_ENTRIES && r <= s + 512 * g;
    requires HB_LEAF_GROUPS_EXACT(lf);
    requires r <= r0 + (512 * g - from);
    requires hb_win_free(lf, \max(from, 512 * g - r), 512 * g);
    requires r == r0 + (512 * g - from) ||
             (from <= 512 * g - r - 1 && LEAF_USED8(lf, 512 * g - r - 1));
    requires \forall integer o; from - r0 <= o && from < o + n && o + n <= 512 * g ==>
               !hb_fits_from(lf, from, o, n);
    assigns *run;
    ensures \result == NONE || \result + n <= s + 4096;
    ensures fits: \result != NONE ==> s + from - r0 <= \result &&
              hb_win_free(lf, \max(from, \result - s), \result - s + n);
    ensures first: \forall integer o; from - r0 <= o && from < o + n && o + n <= 4096 &&
              s + o < \result ==> !\old(hb_fits_from(lf, from, o, n));
    ensures run: \result == NONE ==> *run <= r0 + (4096 - from) &&
              hb_win_free(lf, \max(from, 4096 - *run), 4096) &&
              (*run == r0 + (4096 - from) ||
               (from <= 4095 - *run && LEAF_USED8(lf, 4095 - *run)));
*/
static size_t groups_fit(const hb_leaf_t *lf, size_t s, unsigned g, size_t n, size_t r,
                         size_t *run) /*@ ghost (size_t r0, size_t from) */
{
    size_t at;
    /*@ loop invariant from <= 512 * g && g <= 8;
        loop invariant r <= s + 512 * g;
        loop invariant r <= r0 + (512 * g - from);
        loop invariant hb_win_free(lf, \max(from, 512 * g - r), 512 * g);
        loop invariant r == r0 + (512 * g - from) ||
                       (from <= 512 * g - r - 1 && LEAF_USED8(lf, 512 * g - r - 1));
        loop invariant \forall integer o; from - r0 <= o && from < o + n &&
                         o + n <= 512 * g ==> !\at(hb_fits_from(lf, from, o, n), Pre);
        loop assigns g, r;
        loop variant 8 - g;
    */
    for (; g < HBITMAP_LEAF_GROUPS; g++) {
        size_t gs = g * GROUP_ENTRIES;
        /*@ assert r + lf->gpre[g] >= n ==> hb_win_free(lf, \max(from, gs - r), gs - r + n); */
        /*@ assert before: \forall integer o; from - r0 <= o < gs - r && gs < o + n ==>
                     !hb_fits_from(lf, from, o, n) && !\at(hb_fits_from(lf, from, o, n), Pre); */
        if (r + lf->gpre[g] >= n)
            return s + gs - r;
        /*@ assert pre_used: lf->gpre[g] < 512 ==> LEAF_USED8(lf, gs + lf->gpre[g]); */
        /*@ assert mid: \forall integer o; gs - r <= o < gs && gs < o + n <= gs + 512 ==>
                     !hb_fits_from(lf, from, o, n) && !\at(hb_fits_from(lf, from, o, n), Pre); */
        if (lf->gmax[g] >= n) {
            /*@ ghost lemma_pspeed_run_fits(lf, gs, lf->gmax[g], n); */
            /*@ assert real: \forall integer t; gs <= t && hb_run_at(lf, t, lf->gmax[g]) ==>
                         hb_fits_from(lf, gs, t, n); */
            /*@ assert wit: \exists integer t; gs <= t && t + lf->gmax[g] <= gs + 512 &&
                         hb_run_at(lf, t, lf->gmax[g]); */
            /*@ assert wit_n: \exists integer t; gs <= t && t + n <= gs + 512 &&
                         hb_fits_from(lf, gs, t, n); */
            at = words_fit(lf, s, gs, gs + GROUP_ENTRIES, n, &r);
            VMM_ASSERT(at != NONE);
            /*@ assert in_group: \forall integer o; gs <= o && s + o < at ==>
                         !hb_fits_from(lf, gs, o, n) && !hb_fits_from(lf, from, o, n) &&
                         !\at(hb_fits_from(lf, from, o, n), Pre); */
            return at;
        }
        /*@ assert longest0: \let m = lf->gmax[g] + 1; \let gg = g;
                     \at(hb_no_run(lf, 512 * gg, 512 * gg + 512, m), Pre); */
        /*@ assert longest1: \forall integer o; gs <= o && o + lf->gmax[g] < gs + 512 ==>
                     \let m = lf->gmax[g] + 1; !\at(hb_run_at(lf, o, m), Pre); */
        /*@ assert longest2: \forall integer o; gs <= o && o + n <= gs + 512 ==>
                     \let m = lf->gmax[g] + 1;
                     \at(hb_fits_from(lf, from, o, n), Pre) ==> \at(hb_run_at(lf, o, m), Pre); */
        /*@ assert longest: \forall integer o; gs <= o && o + n <= gs + 512 ==>
                     !\at(hb_fits_from(lf, from, o, n), Pre); */
        /*@ assert suf_all: lf->gpre[g] < 512 ==> lf->gsuf[g] < 512; */
        /*@ assert suf_used: lf->gpre[g] < 512 ==> LEAF_USED8(lf, gs + 511 - lf->gsuf[g]); */
        r = lf->gpre[g] == GROUP_ENTRIES ? r + GROUP_ENTRIES : lf->gsuf[g];
    }
    *run = r;
    return NONE;
}

/* Scans lf from offset from for the first free run of n entries, where
 * *run free entries end right before from. Returns the run's first entry,
 * absolute (leaf starts at s), or NONE; then *run becomes the free entries
 * at the leaf's end. The words of from's group when from lies inside it,
 * then the group runs: a group's words are read only when a run of n
 * starts inside it. */
/*@ requires \valid_read(lf) && \valid(run) && \separated(run, lf);
    requires from <= 4096 && 0 < n;
    requires s <= HBITMAP_MAX_ENTRIES && *run <= s + from;
    requires HB_LEAF_GROUPS_EXACT(lf);
    assigns *run;
    ensures \result == NONE || \result + n <= s + 4096;
    ensures fits: \result != NONE ==> s + from - \old(*run) <= \result &&
              hb_win_free(lf, \max(from, \result - s), \result - s + n);
    ensures first: \forall integer o; from - \old(*run) <= o && from < o + n && o + n <= 4096 &&
              s + o < \result ==> !\old(hb_fits_from(lf, from, o, n));
    ensures run: \result == NONE ==> *run <= \old(*run) + (4096 - from) &&
              hb_win_free(lf, \max(from, 4096 - *run), 4096) &&
              (*run == \old(*run) + (4096 - from) ||
               (from <= 4095 - *run && LEAF_USED8(lf, 4095 - *run)));
*/
static size_t leaf_fit(const hb_leaf_t *lf, size_t s, size_t from, size_t n, size_t *run)
{
    /*@ ghost size_t r0 = *run; */
    unsigned g = (unsigned)(from / GROUP_ENTRIES);
    if (from % GROUP_ENTRIES != 0) { /* inside a group: its words */
        size_t r = *run;
        size_t at = words_fit(lf, s, from, (g + 1u) * GROUP_ENTRIES, n, &r);
        if (at != NONE)
            return at;
        return groups_fit(lf, s, g + 1u, n, r, run) /*@ ghost (r0, from) */;
    }
    return groups_fit(lf, s, g, n, *run, run) /*@ ghost (r0, from) */;
}

/* The free runs of a slot: first, last and longest. */
typedef struct hb_runs {
    size_t pre, suf, max;
} hb_runs_t;

/* Returns the free runs of words [w0, w1) of lf, a word at a time: runs
 * across words from each word's free prefix and suffix; a word's inner runs
 * (< 63) only matter when no longer run exists. */
/*@ requires \valid_read(lf) && w0 <= w1 <= 64;
    assigns \nothing;
    ensures RUNS_OK(\result, 64 * (w1 - w0));
    ensures pre: LEAF_PRE_IS(lf, 64 * w0, 64 * w1, \result.pre);
    ensures suf: LEAF_SUF_IS(lf, 64 * w0, 64 * w1, \result.suf);
    ensures pre8: hb_win_free(lf, 64 * w0, 64 * w0 + \result.pre) &&
              (\result.pre < 64 * (w1 - w0) ==> LEAF_USED8(lf, 64 * w0 + \result.pre));
    ensures suf8: hb_win_free(lf, 64 * w1 - \result.suf, 64 * w1) &&
              (\result.suf < 64 * (w1 - w0) ==> LEAF_USED8(lf, 64 * w1 - \result.suf - 1));
    ensures real: \exists integer t; 64 * w0 <= t && t + \result.max <= 64 * w1 &&
              hb_run_at(lf, t, \result.max);
    ensures longest: \forall integer m; \result.max < m ==> hb_no_run(lf, 64 * w0, 64 * w1, m);
*/
static hb_runs_t words_runs(const hb_leaf_t *lf, unsigned w0, unsigned w1)
{
    hb_runs_t r = {0, 0, 0};
    size_t run = 0;
    bool in_prefix = true, mixed = false;
    /*@ ghost size_t bt = 64 * w0; */
    /*@ loop invariant w0 <= w <= w1;
        loop invariant run <= 64 * (w - w0) && r.pre <= 64 * (w - w0) &&
                       r.max <= 64 * (w - w0) && r.suf == 0;
        loop invariant mixed ==> w0 < w;
        loop invariant in_prefix ==> run == 64 * (w - w0);
        loop invariant !in_prefix ==> r.pre < 64 * (w - w0) &&
                         LEAF_PRE_IS(lf, 64 * w0, 64 * w1, r.pre);
        loop invariant LEAF_FREE(lf, 64 * w - run, 64 * w);
        loop invariant 64 * w - run == 64 * w0 || LEAF_USED(lf, 64 * w - run - 1);
        loop invariant run_free: hb_win_free(lf, 64 * w - run, 64 * w);
        loop invariant pre8: !in_prefix ==> hb_win_free(lf, 64 * w0, 64 * w0 + r.pre) &&
                         LEAF_USED8(lf, 64 * w0 + r.pre);
        loop invariant run_used: 64 * w - run == 64 * w0 || LEAF_USED8(lf, 64 * w - run - 1);
        loop invariant real: 64 * w0 <= bt && bt + r.max <= 64 * w && hb_run_at(lf, bt, r.max);
        loop invariant pure: !mixed ==> \forall integer v; w0 <= v < w ==>
                         lf->bits[v] == 0 || lf->bits[v] == 18446744073709551615;
        loop invariant longest: \forall integer t, m; r.max < m && 64 * w0 <= t && t + m <= 64 * w &&
                         hb_run_at(lf, t, m) ==> 64 * w - run <= t ||
                         (0 < t % 64 && hb_inner_fits(lf->bits[t / 64], t % 64, m));
        loop assigns w, run, r, in_prefix, mixed, bt;
        loop variant w1 - w;
    */
    for (unsigned w = w0; w < w1; w++) {
        uint64_t x = lf->bits[w];
        /*@ assert \forall integer j; 64 * w <= j < 64 * w + 64 ==>
                     j / 64 == w && j % 64 == j - 64 * w; */
        /*@ assert \forall integer k; 0 <= k < 64 ==>
                     (LEAF_USED(lf, 64 * w + k) <==> BIT(x, k)); */
        /*@ assert \forall integer k; 0 <= k < 64 ==> (BIT(x, (uint8_t)k) <==> BIT(x, k)); */
        /*@ assert before: \forall integer t, m; r.max < m && 64 * w0 <= t < 64 * w - run &&
                     64 * w < t + m ==> !hb_run_at(lf, t, m); */
        if (x == 0) {
            /*@ assert zero: hb_win_free(lf, 64 * w, 64 * w + 64); */
            run += WORD_BITS;
            continue;
        }
        if (x == ALL_ONES) { /* ends the run, has no inner run */
            /*@ assert ones_lo: \forall integer t, m; t < 64 * w < t + m <= 64 * w + 64 ==>
                         BIT(lf->bits[w], (uint8_t)(t + m - 1 - 64 * w)) && !hb_run_at(lf, t, m); */
            /*@ assert ones_hi: \forall integer t, m; 64 * w <= t < 64 * w + 64 && 0 < m ==>
                         BIT(lf->bits[w], (uint8_t)(t - 64 * w)) && !hb_run_at(lf, t, m); */
            if (in_prefix)
                r.pre = run;
            in_prefix = false;
            /*@ ghost if (run > r.max) bt = 64 * w - run; */
            r.max = MAX(r.max, run);
            run = 0;
            continue;
        }
        unsigned c = ctz64(x);
        /*@ assert c_free: \forall integer k; 0 <= k < c ==> !BIT(x, (uint8_t)k); */
        /*@ assert c_used: BIT(x, (uint8_t)c) && LEAF_USED8(lf, 64 * w + c) && hb_win_free(lf, 64 * w, 64 * w + c); */
        run += c;
        if (in_prefix)
            r.pre = run;
        in_prefix = false;
        /*@ assert first: \forall integer t, m; 64 * w - (run - c) <= t <= 64 * w + c &&
                     run < m ==> !hb_run_at(lf, t, m); */
        /*@ ghost if (run > r.max) bt = 64 * w + c - run; */
        r.max = MAX(r.max, run);
        run = clz64(x);
        /*@ assert d_free: \forall integer k; 64 - run <= k < 64 ==> !BIT(x, (uint8_t)k); */
        /*@ assert d_used: BIT(x, (uint8_t)(63 - run)) && LEAF_USED8(lf, 64 * w + 63 - run) &&
                     LEAF_USED(lf, 64 * w + 63 - run) && hb_win_free(lf, 64 * w + 64 - run, 64 * w + 64); */
        /*@ assert inner: \forall integer t, m; 64 * w + c < t < 64 * w + 64 - run && 0 < m &&
                     t + m <= 64 * w + 64 && hb_run_at(lf, t, m) ==>
                     0 < t % 64 && hb_inner_fits(lf->bits[t / 64], t % 64, m); */
        mixed = true;
    }
    if (in_prefix)
        r.pre = run;
    /*@ ghost if (run > r.max) bt = 64 * w1 - run; */
    r.max = MAX(r.max, run);
    r.suf = run;
    /*@ assert real1: 64 * w0 <= bt && bt + r.max <= 64 * w1 && hb_run_at(lf, bt, r.max); */
    /*@ assert pass1: \forall integer t, m; r.max < m && 64 * w0 <= t && t + m <= 64 * w1 &&
                 hb_run_at(lf, t, m) ==> 0 < t % 64 && t % 64 + m < 64 && w0 <= t / 64 < w1 &&
                 hb_inner_fits(lf->bits[t / 64], t % 64, m); */
    /*@ assert pure_none: !mixed ==> \forall integer v, k, m; w0 <= v < w1 && 0 < m ==>
                 (0 <= k < 64 && lf->bits[v] != 0 ==> BIT(lf->bits[v], (uint8_t)k)) &&
                 !hb_inner_fits(lf->bits[v], k, m); */
    if (mixed && r.max < WORD_BITS - 2u) {
        /*@ loop invariant w0 <= w <= w1 && r.max <= 64 * (w1 - w0);
            loop invariant RUNS_OK(r, 64 * (w1 - w0));
            loop invariant \at(r.max, LoopEntry) <= r.max;
            loop invariant real: \exists integer t; 64 * w0 <= t && t + r.max <= 64 * w1 &&
                             hb_run_at(lf, t, r.max);
            loop invariant inner: \forall integer v, k, m; w0 <= v < w && r.max < m ==>
                             !hb_inner_fits(lf->bits[v], k, m);
            loop assigns w, r.max;
            loop variant w1 - w;
        */
        for (unsigned w = w0; w < w1; w++) {
            /*@ assert flat0: lf->bits[w] == 0 ==> \forall integer k, m; !hb_inner_fits(lf->bits[w], k, m); */
            /*@ assert flat1: lf->bits[w] == 18446744073709551615 ==> \forall integer k, m; 0 < m ==>
                         (0 <= k < 64 ==> BIT(lf->bits[w], (uint8_t)k)) && !hb_inner_fits(lf->bits[w], k, m); */
            if (lf->bits[w] != 0 && lf->bits[w] != ALL_ONES)
                r.max = MAX(r.max, word_inner_max(lf->bits[w]));
        }
    }
    /*@ assert fin: \forall integer t, m; r.max < m && 64 * w0 <= t && t + m <= 64 * w1 ==>
                 !hb_run_at(lf, t, m); */
    return r;
}

/* Returns the free runs of lf from its words (what the group runs and
 * the parent's summary must agree with). */
/*@ requires \valid_read(lf);
    assigns \nothing;
    ensures RUNS_OK(\result, 4096);
    ensures pre: LEAF_PRE_IS(lf, 0, 4096, \result.pre);
    ensures suf: LEAF_SUF_IS(lf, 0, 4096, \result.suf);
*/
static hb_runs_t leaf_runs(const hb_leaf_t *lf)
{
    return words_runs(lf, 0, HBITMAP_LEAF_WORDS);
}

/* Returns the free runs of group g of lf from its words. */
/*@ requires \valid_read(lf) && g < 8;
    assigns \nothing;
    ensures RUNS_OK(\result, 512);
    ensures pre: LEAF_PRE_IS(lf, 512 * g, 512 * g + 512, \result.pre);
    ensures suf: LEAF_SUF_IS(lf, 512 * g, 512 * g + 512, \result.suf);
    ensures exact: hb_group_exact(lf, g, \result.pre, \result.suf, \result.max);
*/
static hb_runs_t group_runs(const hb_leaf_t *lf, unsigned g)
{
    return words_runs(lf, g * HBITMAP_GROUP_WORDS, (g + 1u) * HBITMAP_GROUP_WORDS);
}

/* Recomputes the runs of the groups of lf holding offsets [a, b), just
 * made used (set) or free: a group inside [a, b) is uniform, its words
 * are not read. */
/*@ requires \valid(lf) && a < b <= 4096;
    requires \forall integer j; a <= j < b ==> (LEAF_USED(lf, j) <==> set != 0);
    assigns lf->gpre[a / 512 .. (b - 1) / 512], lf->gsuf[a / 512 .. (b - 1) / 512],
            lf->gmax[a / 512 .. (b - 1) / 512];
    ensures \forall integer g; a / 512 <= g <= (b - 1) / 512 ==>
              lf->gpre[g] <= 512 && lf->gsuf[g] <= 512 && lf->gmax[g] <= 512;
    ensures \forall integer g; a <= 512 * g && 512 * g + 512 <= b ==>
              lf->gpre[g] == lf->gsuf[g] == lf->gmax[g] == (set ? 0 : 512);
    ensures exact: \forall integer g; a / 512 <= g <= (b - 1) / 512 ==>
              hb_group_exact(lf, g, lf->gpre[g], lf->gsuf[g], lf->gmax[g]);
    ensures keep: \forall integer g; 0 <= g < 8 && (g < a / 512 || (b - 1) / 512 < g) ==>
              \old(hb_group_exact(lf, g, lf->gpre[g], lf->gsuf[g], lf->gmax[g])) ==>
              hb_group_exact(lf, g, lf->gpre[g], lf->gsuf[g], lf->gmax[g]);
*/
static void groups_update(hb_leaf_t *lf, size_t a, size_t b, bool set)
{
    /*@ loop invariant a / 512 <= g <= (b - 1) / 512 + 1;
        loop invariant \forall integer h; a / 512 <= h < g ==>
                         lf->gpre[h] <= 512 && lf->gsuf[h] <= 512 && lf->gmax[h] <= 512;
        loop invariant \forall integer h; a / 512 <= h < g && a <= 512 * h && 512 * h + 512 <= b ==>
                         lf->gpre[h] == lf->gsuf[h] == lf->gmax[h] == (set ? 0 : 512);
        loop invariant same: \forall integer h; 0 <= h < 8 ==> hb_group_same{Pre,Here}(lf, h);
        loop invariant exact: \forall integer h; a / 512 <= h < g ==>
                         hb_group_exact{Pre}(lf, h, lf->gpre[h], lf->gsuf[h], lf->gmax[h]);
        loop assigns g, lf->gpre[a / 512 .. (b - 1) / 512], lf->gsuf[a / 512 .. (b - 1) / 512],
                     lf->gmax[a / 512 .. (b - 1) / 512];
        loop variant (b - 1) / 512 + 1 - g;
    */
    for (unsigned g = (unsigned)(a / GROUP_ENTRIES); g <= (b - 1u) / GROUP_ENTRIES; g++) {
        size_t gs = g * GROUP_ENTRIES;
        size_t v = set ? 0 : GROUP_ENTRIES;
        hb_runs_t r = {v, v, v};
        /*@ assert uni_used: set != 0 && a <= gs && gs + 512 <= b ==> \forall integer t;
                     gs <= t < gs + 512 ==> \at(LEAF_USED8(lf, t), Pre) && !hb_run_at{Pre}(lf, t, 1); */
        /*@ assert uni_wk: \forall integer w, k; 0 <= w < 64 && 0 <= k < 64 ==>
                     (64 * w + k) / 64 == w && (64 * w + k) % 64 == k; */
        /*@ assert uni_ends1: set != 0 && a <= gs && gs + 512 <= b ==>
                     !hb_run_at{Pre}(lf, gs, 1) && !hb_run_at{Pre}(lf, gs + 511, 1); */
        /*@ assert uni_ends0: set != 0 && a <= gs && gs + 512 <= b ==> hb_run_at{Pre}(lf, gs, 0); */
        /*@ assert uni_set_wk: set != 0 && a <= gs && gs + 512 <= b ==> \forall integer w, k;
                     0 <= w < 64 && 0 <= k < 64 && gs <= 64 * w + k < gs + 512 ==>
                     \at(LEAF_USED(lf, 64 * w + k), Pre); */
        /*@ assert uni_set_bit: set != 0 && a <= gs && gs + 512 <= b ==> \forall integer w; \forall uint8_t k;
                     0 <= w < 64 && k < 64 && gs <= 64 * w + k < gs + 512 ==>
                     (64 * w + k) / 64 == w ==> (64 * w + k) % 64 == k ==>
                     BIT(\at(lf->bits[w], Pre), k); */
        /*@ assert uni_endsa: set != 0 && a <= gs && gs + 512 <= b ==>
                     (\let s0 = gs; \at(LEAF_USED8(lf, s0), Pre)); */
        /*@ assert uni_endsb: set != 0 && a <= gs && gs + 512 <= b ==>
                     (\let s0 = gs; \at(LEAF_USED8(lf, s0 + 511), Pre)); */
        /*@ assert uni_clear_wk: set == 0 && a <= gs && gs + 512 <= b ==> \forall integer w, k;
                     0 <= w < 64 && 0 <= k < 64 && gs <= 64 * w + k < gs + 512 ==>
                     !\at(LEAF_USED(lf, 64 * w + k), Pre); */
        /*@ assert uni_clear_bit: set == 0 && a <= gs && gs + 512 <= b ==> \forall integer w, k;
                     0 <= w < 64 && 0 <= k < 64 && gs <= 64 * w + k < gs + 512 ==>
                     (64 * w + k) / 64 == w ==> (64 * w + k) % 64 == k ==>
                     !BIT(\at(lf->bits[w], Pre), (uint8_t)k); */
        /*@ assert uni_free: set == 0 && a <= gs && gs + 512 <= b ==> hb_win_free{Pre}(lf, gs, gs + 512) &&
                     hb_run_at{Pre}(lf, gs, 512); */
        /*@ assert uni_set: set != 0 && a <= gs && gs + 512 <= b ==> hb_group_exact{Pre}(lf, g, 0, 0, 0); */
        /*@ assert uni_clear: set == 0 && a <= gs && gs + 512 <= b ==> hb_group_exact{Pre}(lf, g, 512, 512, 512); */
        /*@ assert uni: a <= gs && gs + 512 <= b ==> hb_group_exact{Pre}(lf, g, v, v, v); */
        if (a > gs || b < gs + GROUP_ENTRIES)
            r = group_runs(lf, g);
        /*@ assert run: hb_group_exact{Pre}(lf, g, r.pre, r.suf, r.max); */
        lf->gpre[g] = (uint16_t)r.pre;
        lf->gsuf[g] = (uint16_t)r.suf;
        lf->gmax[g] = (uint16_t)r.max;
    }
}

/* Returns the runs of a slot of span sb placed right after a section of
 * span sa with runs a: the runs of the two together. */
/*@ requires RUNS_OK(a, sa) && RUNS_OK(b, sb);
    requires sa + sb <= HBITMAP_MAX_ENTRIES;
    assigns \nothing;
    ensures RUNS_OK(\result, sa + sb);
    ensures \result.pre == (a.pre == sa ? sa + b.pre : a.pre);
    ensures \result.suf == (b.suf == sb ? sb + a.suf : b.suf);
    ensures \result.max == \max(\max(a.max, b.max), a.suf + b.pre);
*/
static hb_runs_t runs_cat(hb_runs_t a, size_t sa, hb_runs_t b, size_t sb)
{
    hb_runs_t r;
    r.pre = a.pre == sa ? sa + b.pre : a.pre;
    r.suf = b.suf == sb ? sb + a.suf : b.suf;
    r.max = MAX(MAX(a.max, b.max), a.suf + b.pre);
    return r;
}

/* leaf_group_runs' body (rexact, round 26: cut out so that its result as
 * the fold pgroup_gpre / _gsuf / _gmax is an ensures only leaf_slot_store
 * sees; as leaf_group_runs' ensures it slowed leaf_slot_apply, pgroup
 * round 23). */
/*@ requires \valid_read(lf);
    requires \forall integer g; 0 <= g < 8 ==>
               lf->gpre[g] <= 512 && lf->gsuf[g] <= 512 && lf->gmax[g] <= 512;
    assigns \nothing;
    ensures RUNS_OK(\result, 4096);
    ensures rexact_fold: \result.pre == pgroup_gpre(lf, 8) && \result.suf == pgroup_gsuf(lf, 8) &&
              \result.max == pgroup_gmax(lf, 8);
*/
static hb_runs_t leaf_group_fold(const hb_leaf_t *lf)
{
    hb_runs_t r = {0, 0, 0};
    /*@ loop invariant 0 <= g <= 8 && RUNS_OK(r, 512 * g);
        loop invariant rexact_fold: r.pre == pgroup_gpre(lf, g) && r.suf == pgroup_gsuf(lf, g) &&
                         r.max == pgroup_gmax(lf, g);
        loop assigns g, r;
        loop variant 8 - g;
    */
    for (unsigned g = 0; g < HBITMAP_LEAF_GROUPS; g++) {
        hb_runs_t c = {lf->gpre[g], lf->gsuf[g], lf->gmax[g]};
        r = runs_cat(r, g * GROUP_ENTRIES, c, GROUP_ENTRIES);
    }
    return r;
}

/* rbelow (round 28): leaf_group_runs (a call of leaf_group_fold) deleted
 * with its only caller leaf_slot_apply (clang's -Wunused-function). */

/* Returns true when the group runs of lf are those of its words. */
/*@ requires \valid_read(lf);
    assigns \nothing;
*/
static bool groups_ok(const hb_leaf_t *lf)
{
    /*@ loop invariant 0 <= g <= 8;
        loop assigns g;
        loop variant 8 - g;
    */
    for (unsigned g = 0; g < HBITMAP_LEAF_GROUPS; g++) {
        hb_runs_t r = group_runs(lf, g);
        if (lf->gpre[g] != r.pre || lf->gsuf[g] != r.suf || lf->gmax[g] != r.max)
            return false;
    }
    return true;
}

/* Sets (set) or clears entries [a, b) of lf (offsets, a < b); returns how
 * many changed: b - a less those already in that state (counted only in
 * words that have some). */
/*@ requires \valid(lf) && a < b <= 4096;
    assigns lf->bits[a / 64 .. (b - 1) / 64];
    ensures \result == (b - a) - hb_leaf_same{Pre}(lf, a, b, (integer)set);
    ensures \result <= b - a;
    ensures \forall integer j; a <= j < b ==> (LEAF_USED(lf, j) <==> set != 0);
    ensures \forall integer j; 0 <= j < 4096 && (j < a || b <= j) ==>
              (LEAF_USED(lf, j) <==> \old(LEAF_USED(lf, j)));
    ensures same: \forall integer g; 0 <= g < 8 && (g < a / 512 || (b - 1) / 512 < g) ==>
              hb_group_same{Pre,Here}(lf, g);
*/
static inline size_t leaf_apply(hb_leaf_t *lf, size_t a, size_t b, bool set)
{
    size_t same = 0;
    size_t w = a / WORD_BITS, last = (b - 1u) / WORD_BITS;
    uint64_t mask = ~BELOW_BIT(a % WORD_BITS);
    /*@ loop invariant a / 64 <= w <= last && last < 64;
        loop invariant same == hb_leaf_same{Pre}(lf, a, \max(a, 64 * w), (integer)set);
        loop invariant same <= \max(a, 64 * w) - a;
        loop invariant \forall integer k; 0 <= k < 64 ==>
                         (BIT(mask, k) <==> (w == a / 64 ==> a % 64 <= k));
        loop invariant \forall integer i; w <= i < 64 ==> lf->bits[i] == \at(lf->bits[i], Pre);
        loop invariant \forall integer i; 0 <= i < a / 64 ==> lf->bits[i] == \at(lf->bits[i], Pre);
        loop invariant \forall integer j; a <= j < 64 * w ==> (LEAF_USED(lf, j) <==> set != 0);
        loop invariant \forall integer j; 64 * (a / 64) <= j < a ==>
                         (LEAF_USED(lf, j) <==> \at(LEAF_USED(lf, j), Pre));
        loop assigns w, mask, same, lf->bits[a / 64 .. (b - 1) / 64];
        loop variant last - w;
    */
    for (;; w++, mask = ALL_ONES) {
        if (w == last)
            mask &= ALL_ONES >> (WORD_BITS - 1u - (b - 1u) % WORD_BITS);
        /*@ assert \forall integer k; 0 <= k < 64 ==>
              (BIT(mask, k) <==> (w == a / 64 ==> a % 64 <= k) && (w == last ==> k <= (b - 1) % 64));
        */
        uint64_t old = lf->bits[w];
        uint64_t keep = (set ? old : ~old) & mask; /* already in that state */
        /*@ ghost
            size_t lo = w == a / WORD_BITS ? a % WORD_BITS : 0;
            size_t hi = w == last ? (b - 1u) % WORD_BITS + 1u : WORD_BITS;
            lemma_hb_wcount_and(set ? old : ~old, mask);
            lemma_hb_wcount_between(mask, lo, hi);
            lemma_hb_wcount_keep(old, keep, lo, hi, set);
            lemma_hb_wcount_bound(keep);
        */
        /*@ assert w < last ==> (64 * w + 63) / 64 == w && (64 * w + 63) % 64 + 1 == hi &&
                     \max(a, 64 * w) % 64 == lo && \max(a, 64 * w + 64) == 64 * w + 64;
        */
        /*@ assert w < last ==> hb_leaf_same{Pre}(lf, a, 64 * w + 64, (integer)set) ==
                     hb_leaf_same{Pre}(lf, a, \max(a, 64 * w), (integer)set) +
                     hb_wsame(old, lo, hi, (integer)set);
        */
        if (keep != 0)
            same += popcount64(keep);
        lf->bits[w] = set ? (old | mask) : (old & ~mask);
        /*@ assert w == last ==> (b - 1) / 512 == w / 8 && a / 512 == (a / 64) / 8; */
        if (w == last)
            return (b - a) - same;
    }
}

/* Returns the first entry of [a, b) (offsets) of lf that is used (want_set)
 * or free, or b. */
/*@ requires \valid_read(lf);
    requires a <= b <= 4096;
    assigns \nothing;
    ensures a <= \result <= b;
    ensures \forall integer j; a <= j < \result ==> (LEAF_USED(lf, j) <==> want_set == 0);
    ensures \result < b ==> (LEAF_USED(lf, \result) <==> want_set != 0);
*/
static size_t leaf_scan(const hb_leaf_t *lf, size_t a, size_t b, bool want_set)
{
    size_t i = a;
    /*@ loop invariant a <= i <= 4096;
        loop invariant \forall integer j; a <= j < i && j < b ==>
                         (LEAF_USED(lf, j) <==> want_set == 0);
        loop assigns i;
        loop variant 4096 - i;
    */
    while (i < b) {
        size_t w = i / WORD_BITS;
        unsigned lo = (unsigned)(i % WORD_BITS);
        /*@ assert \forall integer j; 64 * w <= j < 64 * w + 64 ==>
                     j / 64 == w && j % 64 == j - 64 * w; */
        uint64_t x = want_set ? lf->bits[w] : ~lf->bits[w];
        unsigned t = ctz64(x & bits_between(lo, WORD_BITS));
        /*@ assert \forall integer p; lo <= p < t ==> !BIT(x, p); */
        /*@ assert \forall integer j; i <= j < 64 * w + t && j < b ==>
                     (LEAF_USED(lf, j) <==> want_set == 0); */
        if (t < WORD_BITS)
            return MIN(w * WORD_BITS + t, b);
        i = (w + 1) * WORD_BITS;
    }
    return b;
}

/* ---- slots and nodes ---- */

/* Returns the runs of a uniform slot of level l: all of it when EMPTY. */
/*@ requires l < HBITMAP_MAX_HEIGHT;
    assigns \nothing;
    ensures full != 0 ==> \result.pre == 0 && \result.suf == 0 && \result.max == 0;
    ensures full == 0 ==> \result.pre == hb_span(l) && \result.suf == hb_span(l) &&
                          \result.max == hb_span(l);
*/
static hb_runs_t uniform_runs(bool full, unsigned l)
{
    size_t v = full ? 0 : SPAN(l);
    hb_runs_t r = {v, v, v};
    return r;
}

/* Stores runs r as the summary of slot k of node. */
/*@ requires \valid(node) && k < 64;
    assigns node->pre[k], node->suf[k], node->max[k];
    ensures node->pre[k] == r.pre && node->suf[k] == r.suf && node->max[k] == r.max;
*/
static void store_runs(hb_node_t *node, unsigned k, hb_runs_t r)
{
    node->pre[k] = r.pre;
    node->suf[k] = r.suf;
    node->max[k] = r.max;
}

/* Returns the summary of slot k of node. */
/*@ requires \valid_read(node) && k < 64;
    assigns \nothing;
    ensures \result.pre == node->pre[k] && \result.suf == node->suf[k] &&
            \result.max == node->max[k];
*/
static hb_runs_t slot_runs(const hb_node_t *node, unsigned k)
{
    hb_runs_t r = {node->pre[k], node->suf[k], node->max[k]};
    return r;
}

/* Returns the runs of slots [k0, k1] of node (slots of span cs) together. */
/*@ requires \valid_read(node) && k0 <= k1 < 64 && cs <= 18014398509481984;
    requires \forall integer j; k0 <= j <= k1 ==>
               node->pre[j] <= cs && node->suf[j] <= cs && node->max[j] <= cs;
    assigns \nothing;
    ensures RUNS_OK(\result, (k1 - k0 + 1) * cs);
    // psum: the result is the fold hb_sec_pre / _suf / _max of slots [k0, k1].
    ensures psum_fold: \result.pre == hb_sec_pre(node, k0, k1 + 1, cs) &&
              \result.suf == hb_sec_suf(node, k0, k1 + 1, cs) &&
              \result.max == hb_sec_max(node, k0, k1 + 1, cs);
*/
static hb_runs_t section_runs(const hb_node_t *node, unsigned k0, unsigned k1, size_t cs)
{
    hb_runs_t r = {0, 0, 0};
    /*@ loop invariant k0 <= k <= k1 + 1;
        loop invariant RUNS_OK(r, (k - k0) * cs);
        loop invariant (k - k0) * cs <= 64 * 18014398509481984;
        loop invariant psum_fold: r.pre == hb_sec_pre(node, k0, k, cs) &&
                         r.suf == hb_sec_suf(node, k0, k, cs) && r.max == hb_sec_max(node, k0, k, cs);
        loop invariant psum_whole: hb_sec_whole(node, k0, k, cs) == 1 <==> r.pre == (k - k0) * cs;
        loop invariant psum_exit: k == k1 + 1 ==> RUNS_OK(r, (k1 - k0 + 1) * cs);
        loop assigns k, r;
        loop variant k1 + 1 - k;
    */
    for (unsigned k = k0; k <= k1; k++) {
        hb_runs_t c = {node->pre[k], node->suf[k], node->max[k]};
        unsigned d = k - k0;
        /*@ ghost lemma_hb_mul_mono(d + 1u, 64u, cs); */
        /*@ ghost lemma_hb_mul_mono(d, 64u, cs); */
        /*@ assert psum_sa: (d + 1) * cs == d * cs + cs && (d + 1) * cs <= 64 * cs; */
        r = runs_cat(r, (size_t)d * cs, c, cs);
        /*@ assert psum_last: k == k1 ==> RUNS_OK(r, (k1 - k0 + 1) * cs); */
    }
    return r;
}

/* Returns the free runs of a node of level l from its children's summaries. */
/*@ requires \valid_read(node) && 1 <= l <= HBITMAP_MAX_HEIGHT;
    requires \forall integer k; 0 <= k < 64 ==> node->pre[k] <= hb_span(l - 1) &&
               node->suf[k] <= hb_span(l - 1) && node->max[k] <= hb_span(l - 1);
    assigns \nothing;
    ensures RUNS_OK(\result, 64 * hb_span(l - 1));
*/
static hb_runs_t node_runs(const hb_node_t *node, unsigned l)
{
    /*@ assert SPAN(l - 1u) == hb_span(l - 1) && hb_span(l - 1) <= 18014398509481984; */
    return section_runs(node, 0, HBITMAP_FANOUT - 1u, SPAN(l - 1u));
}

/* Makes every slot of node uniform: FULL when full, else EMPTY. */
/*@ requires \valid(node) && 1 <= l <= HBITMAP_MAX_HEIGHT;
    assigns node->child[0 .. 63], node->pre[0 .. 63], node->suf[0 .. 63],
            node->max[0 .. 63], node->full, node->gpre[0 .. 7], node->gsuf[0 .. 7],
            node->gmax[0 .. 7];
    ensures \forall integer k; 0 <= k < 64 ==> node->child[k].node == \null;
    ensures full != 0 ==> node->full == 0xFFFFFFFFFFFFFFFF;
    ensures full == 0 ==> node->full == 0;
    ensures \forall integer k; 0 <= k < 64 ==>
              node->pre[k] == node->suf[k] == node->max[k] == (full != 0 ? 0 : hb_span(l - 1));
    ensures \forall integer g; 0 <= g < 8 ==> node->gpre[g] == node->gsuf[g] ==
              node->gmax[g] == (full != 0 ? 0 : 8 * hb_span(l - 1));
*/
static void node_fill(hb_node_t *node, bool full, unsigned l)
{
    size_t v = uniform_runs(full, l - 1u).pre;
    /* one array at a time: each loop is a plain fill the compiler vectorises */
    /*@ loop invariant 0 <= k <= 64;
        loop invariant \forall integer j; 0 <= j < k ==> node->child[j].node == \null;
        loop assigns k, node->child[0 .. 63];
        loop variant 64 - k;
    */
    for (unsigned k = 0; k < HBITMAP_FANOUT; k++)
        node->child[k].node = 0;
    /*@ loop invariant 0 <= k <= 64;
        loop invariant \forall integer j; 0 <= j < k ==> node->pre[j] == v;
        loop assigns k, node->pre[0 .. 63];
        loop variant 64 - k;
    */
    for (unsigned k = 0; k < HBITMAP_FANOUT; k++)
        node->pre[k] = v;
    /*@ loop invariant 0 <= k <= 64;
        loop invariant \forall integer j; 0 <= j < k ==> node->suf[j] == v;
        loop assigns k, node->suf[0 .. 63];
        loop variant 64 - k;
    */
    for (unsigned k = 0; k < HBITMAP_FANOUT; k++)
        node->suf[k] = v;
    /*@ loop invariant 0 <= k <= 64;
        loop invariant \forall integer j; 0 <= j < k ==> node->max[j] == v;
        loop assigns k, node->max[0 .. 63];
        loop variant 64 - k;
    */
    for (unsigned k = 0; k < HBITMAP_FANOUT; k++)
        node->max[k] = v;
    size_t gv = v * HBITMAP_GROUP_SLOTS;
    /*@ loop invariant 0 <= g <= 8;
        loop invariant \forall integer j; 0 <= j < g ==>
                         node->gpre[j] == gv && node->gsuf[j] == gv && node->gmax[j] == gv;
        loop assigns g, node->gpre[0 .. 7], node->gsuf[0 .. 7], node->gmax[0 .. 7];
        loop variant 8 - g;
    */
    for (unsigned g = 0; g < HBITMAP_NODE_GROUPS; g++) {
        node->gpre[g] = gv;
        node->gsuf[g] = gv;
        node->gmax[g] = gv;
    }
    node->full = full ? ALL_ONES : 0;
}

/* Returns the longest free run touching a slot (or section of slots) with
 * runs c, between left free entries before it and right after it (cs: its
 * span). */
/*@ requires RUNS_OK(c, cs) && cs <= HBITMAP_MAX_ENTRIES;
    requires left <= HBITMAP_MAX_ENTRIES && right <= HBITMAP_MAX_ENTRIES;
    assigns \nothing;
    ensures c.pre == cs ==> \result == left + cs + right;
    ensures c.pre != cs ==> \result == \max(c.max, \max(left + c.pre, c.suf + right));
*/
static size_t runs_through(hb_runs_t c, size_t left, size_t right, size_t cs)
{
    if (c.pre == cs)
        return left + cs + right;
    return MAX(c.max, MAX(left + c.pre, c.suf + right));
}

/* Marks the runs of the groups of node holding slots [ka, kb] unknown
 * (their slots' summaries changed): node_group_runs recomputes them when
 * it needs them, node_scan reads such a group's slots. */
/*@ requires \valid(node) && ka <= kb < 64;
    assigns node->gmax[ka / 8 .. kb / 8];
    ensures \forall integer g; ka / 8 <= g <= kb / 8 ==> node->gmax[g] == GROUP_STALE;
*/
static void node_groups_stale(hb_node_t *node, unsigned ka, unsigned kb)
{
    /*@ loop invariant ka / 8 <= g <= kb / 8 + 1;
        loop invariant \forall integer j; ka / 8 <= j < g ==> node->gmax[j] == GROUP_STALE;
        loop assigns g, node->gmax[ka / 8 .. kb / 8];
        loop variant kb / 8 + 1 - g;
    */
    for (unsigned g = ka / HBITMAP_GROUP_SLOTS; g <= kb / HBITMAP_GROUP_SLOTS; g++)
        node->gmax[g] = GROUP_STALE;
}

/* node_group_runs' body (rexact, round 26: cut out so that its exactness
 * is an ensures that only the callers wanting it see: as node_group_runs'
 * ensures it brought the hb_sec_* folds into frame_close's frame goals,
 * which then timed out). */
/*@ NODE_GROUP_RUNS_SPEC(node, l)
    // pexact (round 24) / rexact (round 26): an unknown group now holds its
    // 8 slots' fold, a known one is kept (the body's assert pexact_fold).
    ensures pexact_grp: \forall integer g; 0 <= g < 8 ==> PSUM_GRP_NEW(node, g, hb_span(l - 1));
*/
static hb_runs_t node_group_fold(hb_node_t *node, unsigned l)
{
    size_t cs = SPAN(l - 1u), gs = cs * HBITMAP_GROUP_SLOTS;
    /*@ assert cs == hb_span(l - 1) && cs <= 18014398509481984; */
    /*@ assert gs == 8 * cs <= 144115188075855872; */
    hb_runs_t r = {0, 0, 0};
    /*@ loop invariant 0 <= g <= 8 && RUNS_OK(r, gs * g);
        loop invariant gs * g <= 8 * 144115188075855872;
        loop invariant \forall integer j; 0 <= j < g ==> node->gpre[j] <= gs &&
                         node->gsuf[j] <= gs && node->gmax[j] <= gs;
        loop invariant \forall integer j; g <= j < 8 ==> node->gmax[j] != GROUP_STALE ==>
                         node->gpre[j] <= gs && node->gsuf[j] <= gs && node->gmax[j] <= gs;
        loop invariant pexact_slots: \forall integer k; 0 <= k < 64 ==>
                         node->pre[k] == \at(node->pre[k], Pre) &&
                         node->suf[k] == \at(node->suf[k], Pre) && node->max[k] == \at(node->max[k], Pre);
        loop invariant pexact_todo: \forall integer j; g <= j < 8 ==>
                         node->gpre[j] == \at(node->gpre[j], Pre) &&
                         node->gsuf[j] == \at(node->gsuf[j], Pre) && node->gmax[j] == \at(node->gmax[j], Pre);
        loop invariant pexact_done: \forall integer j; 0 <= j < g ==> pexact_gd{Pre,Here}(node, j, cs);
        loop assigns g, r, node->gpre[0 .. 7], node->gsuf[0 .. 7], node->gmax[0 .. 7];
        loop variant 8 - g;
    */
    for (unsigned g = 0; g < HBITMAP_NODE_GROUPS; g++) {
        unsigned k0 = g * HBITMAP_GROUP_SLOTS;
        /*@ ghost Lg: ; */
        if (node->gmax[g] == GROUP_STALE) {
            /*@ ghost
              /@ loop invariant 0 <= i <= 8;
                 loop invariant pexact_eq{Pre,Here}(node, k0, k0 + i, cs);
                 loop assigns i;
                 loop variant 8 - i;
              @/
              for (unsigned i = 0; i != 8; i++) {
                /@ assert \let k_ = k0 + i; node->pre[k_] == \at(node->pre[k_], Pre) &&
                     node->suf[k_] == \at(node->suf[k_], Pre) && node->max[k_] == \at(node->max[k_], Pre); @/
              }
            */
            hb_runs_t c = section_runs(node, k0, k0 + HBITMAP_GROUP_SLOTS - 1u, cs);
            node->gpre[g] = c.pre;
            node->gsuf[g] = c.suf;
            node->gmax[g] = c.max;
        }
        /*@ assert pexact_keep: \forall integer j; 0 <= j < g ==> node->gpre[j] == \at(node->gpre[j], Lg) &&
              node->gsuf[j] == \at(node->gsuf[j], Lg) && node->gmax[j] == \at(node->gmax[j], Lg); */
        /*@ assert pexact_new: \let g_ = g; PEXACT_GRP(node, g_, cs); */
        /*@ assert pexact_gd: pexact_gd{Pre,Here}(node, g, cs); */
        /*@ assert pexact_old: \forall integer j; 0 <= j < g ==> pexact_gd{Pre,Lg}(node, j, cs) ==>
              pexact_gd{Pre,Here}(node, j, cs); */
        hb_runs_t c = {node->gpre[g], node->gsuf[g], node->gmax[g]};
        r = runs_cat(r, gs * g, c, gs);
    }
    /*@ assert pexact_all: \forall integer j; 0 <= j < 8 ==> pexact_gd{Pre,Here}(node, j, cs); */
    /*@ ghost
      /@ loop invariant 0 <= j <= 8;
         loop invariant pexact_fin: \forall integer j2; 0 <= j2 < j ==> pexact_geq{Pre,Here}(node, j2, cs);
         loop assigns j;
         loop variant 8 - j;
      @/
      for (unsigned j = 0; j != 8; j++) {
        /@ loop invariant 0 <= i <= 8;
           loop invariant pexact_eq{Pre,Here}(node, 8 * j, 8 * j + i, cs);
           loop assigns i;
           loop variant 8 - i;
        @/
        for (unsigned i = 0; i != 8; i++) {
          /@ assert \let k_ = 8 * j + i; node->pre[k_] == \at(node->pre[k_], Pre) &&
               node->suf[k_] == \at(node->suf[k_], Pre) && node->max[k_] == \at(node->max[k_], Pre); @/
        }
        /@ assert pexact_j: pexact_geq{Pre,Here}(node, j, cs); @/
      }
    */
    /*@ assert pexact_end: \forall integer j; 0 <= j < 8 ==> pexact_geq{Pre,Here}(node, j, cs); */
    /*@ assert pexact_fold: \forall integer j; 0 <= j < 8 ==> pexact_gd{Pre,Here}(node, j, cs) &&
          pexact_geq{Pre,Here}(node, j, cs) && PSUM_GRP_NEW(node, j, cs); */
    return r;
}

/* Returns the free runs of a node of level l from its group runs (what
 * node_runs computes from its slots), first recomputing the unknown ones. */
/*@ NODE_GROUP_RUNS_SPEC(node, l) */
static hb_runs_t node_group_runs(hb_node_t *node, unsigned l)
{
    return node_group_fold(node, l);
}

/* Scans the slots of node (span cs) from slot k for the first slot j where
 * a free run of n ends in j's prefix, counting the *run free entries that
 * end right before j (run + pre[j] >= n), or lies inside j (max[j] >= n).
 * Returns j with *run the free entries right before it, or 64 with *run
 * the free entries at the node's end. The slots up to the end of k's
 * group one by one, then the group runs: a group's slots are read only
 * when such a j may lie in it (always when its runs are unknown). */
/*@ requires \valid_read(node) && \valid(run) && \separated(run, node);
    requires k <= 64 && 0 < cs <= HB_SPAN_MAX && *run <= HBITMAP_MAX_ENTRIES;
    requires HB_SLOTS_RUNS_OK(node, cs) && HB_GROUPS_RUNS_OK(node, cs);
    requires HB_GROUPS_WITHIN(node, cs) && HB_GROUPS_COVER(node);
    assigns *run;
    ensures k <= \result <= 64;
    ensures \forall integer j; k <= j < \result ==> node->max[j] < n;
    ensures \result < 64 ==> *run + node->pre[\result] >= n || node->max[\result] >= n;
    ensures *run <= \old(*run) + (\result - k) * cs;
    ensures exact: \let j = \result; \let v = *run; \old(hb_scan_exact(node, cs) ==>
              hb_sec_suf(node, k, j, cs) <= v && (j == k || hb_sec_max(node, k, j, cs) < n));
    ensures fold: \let j = \result; \let v = *run;
              \old(hb_scan_exact(node, cs) && hb_gsuf_exact(node, cs) ==>
              v <= hb_sec_suf(node, k, j, cs) + (hb_sec_whole(node, k, j, cs) == 1 ? *run : 0));
    ensures whole: \let j = \result; \let v = *run; \old(*run != 0 && hb_scan_exact(node, cs) ==>
              (hb_sec_whole(node, k, j, cs) == 1 ==> v == *run + hb_sec_pre(node, k, j, cs)) &&
              (j == k || *run + hb_sec_pre(node, k, j, cs) < n));
*/
static unsigned node_scan(const hb_node_t *node, unsigned k, size_t cs, size_t n, size_t *run)
{
    size_t r = *run, gs = cs * HBITMAP_GROUP_SLOTS;
    /*@ ghost unsigned k0 = k; */
    unsigned end = k % HBITMAP_GROUP_SLOTS == 0 ? k
                                                : (k / HBITMAP_GROUP_SLOTS + 1u) * HBITMAP_GROUP_SLOTS;
    /*@ assert end % 8 == 0 && k <= end <= 64; */
    /*@ ghost lemma_hb_mul_mono(k, 64u, cs); */
    /*@ assert 0 <= k <= 64 ==> 0 <= k * cs <= 64 * cs; */
    /*@ loop invariant \at(k, Pre) <= k <= end;
        loop invariant r <= \at(*run, Pre) + (k - k0) * cs;
        loop invariant 0 <= k <= 64 ==> 0 <= k * cs <= 64 * cs;
        loop invariant \forall integer j; \at(k, Pre) <= j < k ==> node->max[j] < n;
        loop invariant hb_scan_exact(node, cs) ==> hb_sec_suf(node, k0, k, cs) <= r &&
                         (k == k0 || hb_sec_max(node, k0, k, cs) < n);
        loop invariant fold: hb_scan_exact(node, cs) && hb_gsuf_exact(node, cs) ==>
                         r <= hb_sec_suf(node, k0, k, cs) +
                              (hb_sec_whole(node, k0, k, cs) == 1 ? \at(*run, Pre) : 0);
        loop invariant whole: hb_scan_exact(node, cs) ==>
                         (hb_sec_whole(node, k0, k, cs) == 1 ==> r == \at(*run, Pre) + hb_sec_pre(node, k0, k, cs)) &&
                         (k == k0 || \at(*run, Pre) + hb_sec_pre(node, k0, k, cs) < n);
        loop assigns k, r;
        loop variant end - k;
    */
    for (; k < end; k++) {
        if (r + node->pre[k] >= n || node->max[k] >= n) {
            *run = r;
            return k;
        }
        r = node->pre[k] == cs ? r + cs : node->suf[k];
        /*@ ghost lemma_hb_mul_mono(k + 1u, 64u, cs); */
    }
    /*@ assert k == 8 * (k / 8); */
    /*@ ghost lemma_hb_mul_eq(k, 8u * (k / 8u), cs); */
    /*@ assert 0 <= k <= 64 ==> 8 * (k / 8) * cs == k * cs; */
    /*@ loop invariant \at(k, Pre) <= 8 * g && g <= 8;
        loop invariant r <= \at(*run, Pre) + (8 * g - k0) * cs;
        loop invariant 0 <= g <= 8 ==> 0 <= 8 * g * cs <= 64 * cs;
        loop invariant \forall integer j; \at(k, Pre) <= j < 8 * g ==> node->max[j] < n;
        loop invariant hb_scan_exact(node, cs) ==> hb_sec_suf(node, k0, 8 * g, cs) <= r &&
                         (8 * g == k0 || hb_sec_max(node, k0, 8 * g, cs) < n);
        loop invariant fold: hb_scan_exact(node, cs) && hb_gsuf_exact(node, cs) ==>
                         r <= hb_sec_suf(node, k0, 8 * g, cs) +
                              (hb_sec_whole(node, k0, 8 * g, cs) == 1 ? \at(*run, Pre) : 0);
        loop invariant whole: hb_scan_exact(node, cs) ==>
                         (hb_sec_whole(node, k0, 8 * g, cs) == 1 ==> r == \at(*run, Pre) + hb_sec_pre(node, k0, 8 * g, cs)) &&
                         (8 * g == k0 || \at(*run, Pre) + hb_sec_pre(node, k0, 8 * g, cs) < n);
        loop assigns g, k, r;
        loop variant 8 - g;
    */
    for (unsigned g = k / HBITMAP_GROUP_SLOTS; g < HBITMAP_NODE_GROUPS; g++) {
        /*@ ghost lemma_hb_mul_mono(8u * g + 8u, 64u, cs); */
        if (node->gmax[g] >= n || r + node->gpre[g] >= n) { /* GROUP_STALE >= n */
            /*@ ghost size_t rg = r; */
            /*@ loop invariant 8 * g <= k <= 8 * g + 8;
                loop invariant r <= \at(*run, Pre) + (k - k0) * cs;
                loop invariant 0 <= k <= 64 ==> 0 <= k * cs <= 64 * cs;
                loop invariant \forall integer j; \at(k, Pre) <= j < k ==> node->max[j] < n;
                loop invariant k == 8 * g || rg + hb_sec_pre(node, 8 * g, k, cs) < n;
                loop invariant hb_sec_whole(node, 8 * g, k, cs) == 1 ==>
                                 r == rg + hb_sec_pre(node, 8 * g, k, cs);
                loop invariant k == 8 * g || hb_sec_max(node, 8 * g, k, cs) < n;
                loop invariant hb_sec_suf(node, 8 * g, k, cs) <= r;
                loop invariant hb_scan_exact(node, cs) ==> hb_sec_suf(node, k0, k, cs) <= r &&
                                 (k == k0 || hb_sec_max(node, k0, k, cs) < n);
                loop invariant fold: hb_scan_exact(node, cs) && hb_gsuf_exact(node, cs) ==>
                                 r <= hb_sec_suf(node, k0, k, cs) +
                                      (hb_sec_whole(node, k0, k, cs) == 1 ? \at(*run, Pre) : 0);
                loop invariant whole: hb_scan_exact(node, cs) ==>
                                 (hb_sec_whole(node, k0, k, cs) == 1 ==> r == \at(*run, Pre) + hb_sec_pre(node, k0, k, cs)) &&
                                 (k == k0 || \at(*run, Pre) + hb_sec_pre(node, k0, k, cs) < n);
                loop assigns k, r;
                loop variant 8 * g + 8 - k;
            */
            for (k = g * HBITMAP_GROUP_SLOTS; k < (g + 1u) * HBITMAP_GROUP_SLOTS; k++) {
                if (r + node->pre[k] >= n || node->max[k] >= n) {
                    *run = r;
                    return k;
                }
                r = node->pre[k] == cs ? r + cs : node->suf[k];
                /*@ ghost lemma_hb_mul_mono(k + 1u, 64u, cs); */
            }
            /*@ ghost lemma_hb_mul_eq(k - k0, 8u * g + 8u - k0, cs); */
            VMM_ASSERT(node->gmax[g] == GROUP_STALE); /* else the group promised a slot */
            continue;
        }
        /*@ ghost lemma_hb_sec_cat(node, k0, 8 * g, 8 * g + 8, cs); */
        /*@ ghost lemma_hb_sec_grp(node, k0, 8 * g, 8 * g + 8, cs); */
        /*@ ghost lemma_plow_sec_pre(node, k0, 8 * g, 8 * g + 8, cs); */
        /*@ ghost lemma_pspeed_mul_add(8u * g - k0, 8u, cs); */
        r = node->gpre[g] == gs ? r + gs : node->gsuf[g];
    }
    *run = r;
    return HBITMAP_FANOUT;
}

/* Returns true when slot k of node is uniform with the entries used
 * (full) or free. */
/*@ requires \valid_read(node) && k < 64;
    assigns \nothing;
    ensures \result != 0 <==> (node->child[k].node == \null &&
                               (BIT(node->full, k) <==> full != 0));
*/
static bool slot_is(const hb_node_t *node, unsigned k, bool full)
{
    return node->child[k].node == 0 && ((node->full & SLOT_BIT(k)) != 0) == full;
}

/* ---- the allocator and the spare pool ---- */

/* Returns a node from the spare pool (the caller counted it). */
/*@ requires \valid(hb);
    requires 0 < hb->num_spare_nodes <= HBITMAP_SPARE_NODES;
    requires hb->nodes < SIZE_MAX;
    assigns hb->nodes, hb->num_spare_nodes, hb->spare_node[hb->num_spare_nodes - 1];
    ensures hb->num_spare_nodes == \old(hb->num_spare_nodes) - 1;
    ensures hb->nodes == \old(hb->nodes) + 1;
    ensures \result == \old(hb->spare_node[hb->num_spare_nodes - 1]);
    ensures hb->spare_node[hb->num_spare_nodes] == \null;
*/
static hb_node_t *take_node(hbitmap_t *hb)
{
    VMM_ASSERT(hb->num_spare_nodes > 0);
    hb->nodes++;
    size_t i = --hb->num_spare_nodes;
    hb_node_t *node = hb->spare_node[i];
    hb->spare_node[i] = 0;
    return node;
}

/* Returns a leaf from the spare pool (the caller counted it). */
/*@ requires \valid(hb);
    requires 0 < hb->num_spare_leaves <= HBITMAP_SPARE_LEAVES;
    requires hb->leaves < SIZE_MAX;
    assigns hb->leaves, hb->num_spare_leaves, hb->spare_leaf[hb->num_spare_leaves - 1];
    ensures hb->num_spare_leaves == \old(hb->num_spare_leaves) - 1;
    ensures hb->leaves == \old(hb->leaves) + 1;
    ensures \result == \old(hb->spare_leaf[hb->num_spare_leaves - 1]);
    ensures hb->spare_leaf[hb->num_spare_leaves] == \null;
*/
static hb_leaf_t *take_leaf(hbitmap_t *hb)
{
    VMM_ASSERT(hb->num_spare_leaves > 0);
    hb->leaves++;
    size_t i = --hb->num_spare_leaves;
    hb_leaf_t *lf = hb->spare_leaf[i];
    hb->spare_leaf[i] = 0;
    return lf;
}

/* Returns a node of the tree to the allocator. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && hb->nodes > 0;
    assigns hb->nodes;
    ensures hb->nodes == \old(hb->nodes) - 1;
*/
static void put_node(hbitmap_t *hb, hb_node_t *node)
{
    hb->nodes--;
    /*@ calls hb_spec_free; */
    hb->allocator.free(hb->allocator.ctx, node, sizeof *node);
}

/* Returns a leaf of the tree to the allocator. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && hb->leaves > 0;
    assigns hb->leaves;
    ensures hb->leaves == \old(hb->leaves) - 1;
*/
static void put_leaf(hbitmap_t *hb, hb_leaf_t *lf)
{
    hb->leaves--;
    /*@ calls hb_spec_free; */
    hb->allocator.free(hb->allocator.ctx, lf, sizeof *lf);
}

/* Returns the pool to the allocator down to nodes / leaves entries; the
 * emptied pool slots are cleared (a failed call leaves hbitmap_t as it was,
 * byte for byte). */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && HB_POOL_OK(hb);
    assigns hb->num_spare_nodes, hb->num_spare_leaves,
            hb->spare_node[nodes .. HBITMAP_SPARE_NODES - 1],
            hb->spare_leaf[leaves .. HBITMAP_SPARE_LEAVES - 1];
    ensures HB_POOL_OK(hb);
    ensures hb->num_spare_nodes == \min(\old(hb->num_spare_nodes), nodes);
    ensures hb->num_spare_leaves == \min(\old(hb->num_spare_leaves), leaves);
    ensures \forall integer i; nodes <= i < \old(hb->num_spare_nodes) ==>
              hb->spare_node[i] == \null;
    ensures \forall integer i; leaves <= i < \old(hb->num_spare_leaves) ==>
              hb->spare_leaf[i] == \null;
    // rinv2 (round 32): pool_trim writes hb's pool fields only, so the tree
    // below the root keeps what the next write reads of it (the level frames
    // chained in the body, proofs/hbitmap-rinv2.acsl). At \old(hb->height):
    // the level is then one term for the caller (rinv, round 31). Under the
    // ghost keep: a caller passing 0 (pool_fill, hbitmap_destroy,
    // hbitmap_unprepare) sees none of it (Qed drops the clauses; with them
    // pool_fill's ensures_4 / _5 and hbitmap_destroy's ensures_5 timed out).
    ensures rinv2_wt: keep != 0 && \old(1 <= hb->height && hb_wtree(hb, &hb->root, hb->height - 1)) ==>
              hb_wtree(hb, &hb->root, \old(hb->height) - 1);
    ensures rinv2_tree: keep != 0 && \old(1 <= hb->height && hb_wtree(hb, &hb->root, hb->height - 1) &&
                              hb_tree(&hb->root, hb->height - 1)) ==>
              hb_tree(&hb->root, \old(hb->height) - 1);
    ensures rinv2_cnt: keep != 0 && \old(1 <= hb->height && hb_wtree(hb, &hb->root, hb->height - 1)) ==>
              prange_cnt_at{Old,Here}(&hb->root, \old(hb->height) - 1, 0);
    ensures rinv2_nf: keep != 0 && \old(1 <= hb->height && hb_wtree(hb, &hb->root, hb->height - 1) &&
                            pfull_nf(&hb->root, hb->height - 1)) ==>
              pfull_nf(&hb->root, \old(hb->height) - 1);
    ensures rinv2_sib: keep != 0 && \old(1 <= hb->height && hb_wtree(hb, &hb->root, hb->height - 1) &&
                             pfull_sib(&hb->root, hb->height - 1)) ==>
              pfull_sib(&hb->root, \old(hb->height) - 1);
*/
static void pool_trim(hbitmap_t *hb, size_t nodes, size_t leaves) /*@ ghost (int keep) */
{
    /*@ loop invariant \min(\at(hb->num_spare_nodes, Pre), nodes) <= hb->num_spare_nodes
                         <= \at(hb->num_spare_nodes, Pre);
        loop invariant HB_POOL_OK(hb) && hb->num_spare_leaves == \at(hb->num_spare_leaves, Pre);
        loop assigns hb->num_spare_nodes, hb->spare_node[nodes .. HBITMAP_SPARE_NODES - 1];
        loop variant hb->num_spare_nodes;
    */
    while (hb->num_spare_nodes > nodes) {
        size_t i = --hb->num_spare_nodes;
        /*@ calls hb_spec_free; */
        hb->allocator.free(hb->allocator.ctx, hb->spare_node[i], sizeof(hb_node_t));
        hb->spare_node[i] = 0;
    }
    /*@ loop invariant \min(\at(hb->num_spare_leaves, Pre), leaves) <= hb->num_spare_leaves
                         <= \at(hb->num_spare_leaves, Pre);
        loop invariant HB_POOL_OK(hb);
        loop assigns hb->num_spare_leaves, hb->spare_leaf[leaves .. HBITMAP_SPARE_LEAVES - 1];
        loop variant hb->num_spare_leaves;
    */
    while (hb->num_spare_leaves > leaves) {
        size_t i = --hb->num_spare_leaves;
        /*@ calls hb_spec_free; */
        hb->allocator.free(hb->allocator.ctx, hb->spare_leaf[i], sizeof(hb_leaf_t));
        hb->spare_leaf[i] = 0;
    }
    /* rinv2 (round 32): the frame of the two loops (hb's pool fields only)
     * carried over the tree, as range_update carries hbitmap_prepare's:
     * pkeep's hb_wtree (rinv2_pkeep_step over the levels, rinv2_pkeep_top at
     * the root), prange's hb_tree and counts, rpool's pfull_nf / pfull_sib
     * (the rinv2_ copies of proofs/hbitmap-rinv2.acsl). Ghost only. */
    /*@ assert rinv2_root: pkeep_nsame{Pre,Here}(&hb->root); */
    /*@ assert rinv2_nodes: \forall hb_node_t *m; \separated(m, hb) ==> pkeep_nsame{Pre,Here}(m); */
    /*@ assert rinv2_leaves: \forall hb_leaf_t *f; \separated(f, hb) ==> pkeep_lsame{Pre,Here}(f); */
    /*@ assert rinv2_valid: (\forall hb_node_t *m; \valid{Pre}(m) ==> \valid(m)) &&
                            (\forall hb_leaf_t *f; \valid{Pre}(f) ==> \valid(f)); */
    /*@ assert rinv2_read: (\forall hb_node_t *m; \valid_read{Pre}(m) ==> \valid_read(m)) &&
                           (\forall hb_leaf_t *f; \valid_read{Pre}(f) ==> \valid_read(f)); */
    /*@ assert rinv2_unch: pkeep_unch{Pre,Here}(hb, &hb->root, &hb->root); */
    /*@ assert rinv2_u: rpool_u{Pre,Here}(hb); */
    /*@ assert rinv2_rs: rpool_same{Pre,Here}(&hb->root); */
    /*@ ghost
      if (1 <= hb->height) {
        /@ loop invariant 0 <= i <= hb->height - 1;
           loop invariant fr: \forall integer i2; 0 <= i2 < i ==>
                                pkeep_fr{Pre,Here}(hb, &hb->root, &hb->root, i2);
           loop invariant tr: \forall integer i2; 0 <= i2 < i ==> prange_tr{Pre,Here}(hb, i2);
           loop assigns i;
           loop variant hb->height - 1 - i;
        @/
        for (unsigned i = 0; i < hb->height - 1u; i++) {
        }
        /@ assert rinv2_fr: hb->height > 1 ==>
                            pkeep_fr{Pre,Here}(hb, &hb->root, &hb->root, hb->height - 2); @/
        /@ assert rinv2_rr: \at(hb_wtree(hb, &hb->root, hb->height - 1), Pre) ==>
                            PDESC_RUNS(&hb->root, hb->height - 1); @/
        /@ assert rinv2_wt: \at(hb_wtree(hb, &hb->root, hb->height - 1), Pre) ==>
                            hb_wtree(hb, &hb->root, hb->height - 1); @/
        /@ assert rinv2_tree: \at(hb_wtree(hb, &hb->root, hb->height - 1) &&
                                   hb_tree(&hb->root, hb->height - 1), Pre) ==>
                              hb_tree(&hb->root, hb->height - 1); @/
        /@ loop invariant 0 <= i <= hb->height - 1;
           loop invariant cnt: \forall integer i2; 0 <= i2 < i ==> prange_cnt{Pre,Here}(hb, i2);
           loop assigns i;
           loop variant hb->height - 1 - i;
        @/
        for (unsigned i = 0; i < hb->height - 1u; i++) {
          /@ loop invariant 0 <= k <= 64;
             loop invariant \forall hb_node_t *m; \separated(m, hb) && hb_wtree{Pre}(hb, m, i) ==>
                              prange_cnt_at{Pre,Here}(m, i, k);
             loop assigns k;
             loop variant k;
          @/
          for (unsigned k = 64; k > 0; k--) {
          }
        }
        /@ loop invariant 0 <= k <= 64;
           loop invariant \at(hb_wtree(hb, &hb->root, hb->height - 1), Pre) ==>
                          prange_cnt_at{Pre,Here}(&hb->root, hb->height - 1, k);
           loop assigns k;
           loop variant k;
        @/
        for (unsigned k = 64; k > 0; k--) {
        }
        /@ loop invariant 0 <= i <= hb->height - 1;
           loop invariant sn: \forall integer i2; 0 <= i2 < i ==>
                                rpool_sn{Pre,Here}(hb, i2) && rpool_sl{Pre,Here}(hb, i2) &&
                                rpool_nf{Pre,Here}(hb, i2);
           loop assigns i;
           loop variant hb->height - 1 - i;
        @/
        for (unsigned i = 0; i < hb->height - 1u; i++) {
        }
        /@ loop invariant 0 <= lb <= hb->height - 1;
           loop invariant ap: \forall integer i2; 0 <= i2 < lb ==> rpool_ap1{Pre,Here}(hb, i2, i2);
           loop assigns lb;
           loop variant hb->height - 1 - lb;
        @/
        for (unsigned lb = 0; lb < hb->height - 1u; lb++) {
          /@ assert rinv2_lb: rpool_sn{Pre,Here}(hb, lb) && rpool_sl{Pre,Here}(hb, lb); @/
          /@ loop invariant 0 <= i <= lb + 1;
             loop invariant ap1: \forall integer i2; 0 <= i2 < i ==> rpool_ap1{Pre,Here}(hb, i2, lb);
             loop assigns i;
             loop variant lb + 1 - i;
          @/
          for (unsigned i = 0; i <= lb; i++) {
          }
          /@ assert rinv2_diag: rpool_ap1{Pre,Here}(hb, lb, lb); @/
        }
        /@ loop invariant 0 <= i <= hb->height - 1;
           loop invariant sib: \forall integer i2; 0 <= i2 < i ==> rpool_sib{Pre,Here}(hb, i2);
           loop assigns i;
           loop variant hb->height - 1 - i;
        @/
        for (unsigned i = 0; i < hb->height - 1u; i++) {
          /@ assert rinv2_ap1: i > 0 ==> rpool_ap1{Pre,Here}(hb, i - 1, i - 1); @/
        }
        /@ assert rinv2_top: hb->height > 1 ==>
                             rpool_nf{Pre,Here}(hb, hb->height - 2) &&
                             rpool_sib{Pre,Here}(hb, hb->height - 2) &&
                             rpool_ap1{Pre,Here}(hb, hb->height - 2, hb->height - 2); @/
        /@ assert rinv2_nf: \at(hb_wtree(hb, &hb->root, hb->height - 1) &&
                                 pfull_nf(&hb->root, hb->height - 1), Pre) ==>
                            pfull_nf(&hb->root, hb->height - 1); @/
        /@ assert rinv2_sib: \at(hb_wtree(hb, &hb->root, hb->height - 1) &&
                                  pfull_sib(&hb->root, hb->height - 1), Pre) ==>
                             pfull_sib(&hb->root, hb->height - 1); @/
      }
    */
}

/* rfresh2 (round 35): the allocator's two block kinds, one adapter each.
 * TRUSTED (proofs/hbitmap.trusted: prove.sh does not hand them to WP): each
 * body is the callback's call, whose void * result WP 25's Typed model
 * cannot see through at the block's type; the contract restates
 * hb_spec_alloc (alloc.h: NULL or size fresh bytes) for a node- / leaf-sized
 * request at that type, and what "fresh" means for the bitmap the pool
 * belongs to: apart from hb, from every spare it holds and from every node
 * and leaf of its tree (RFRESH2_*, proofs/hbitmap.acsl). Static and one
 * statement: inlined, the object code is pool_fill's call as before. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && HB_POOL_OK(hb);
    assigns \nothing;
    ensures rfresh2_node: \result == \null || RFRESH2_NODE(hb, \result);
*/
static hb_node_t *node_block(hbitmap_t *hb)
{
    /*@ calls hb_spec_alloc; */
    return hb->allocator.alloc(hb->allocator.ctx, sizeof(hb_node_t), NODE_ALIGN);
}

/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && HB_POOL_OK(hb);
    assigns \nothing;
    ensures rfresh2_leaf: \result == \null || RFRESH2_LEAF(hb, \result);
*/
static hb_leaf_t *leaf_block(hbitmap_t *hb)
{
    /*@ calls hb_spec_alloc; */
    return hb->allocator.alloc(hb->allocator.ctx, sizeof(hb_leaf_t), NODE_ALIGN);
}

/* Fills the pool up to nodes / leaves entries. VMM_ERR_OUT_OF_MEMORY with
 * the pool as it was when the allocator fails. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && HB_POOL_OK(hb);
    requires nodes <= HBITMAP_SPARE_NODES && leaves <= HBITMAP_SPARE_LEAVES;
    assigns hb->num_spare_nodes, hb->num_spare_leaves,
            hb->spare_node[0 .. HBITMAP_SPARE_NODES - 1],
            hb->spare_leaf[0 .. HBITMAP_SPARE_LEAVES - 1];
    ensures HB_POOL_OK(hb);
    ensures \result == VMM_OK || \result == VMM_ERR_OUT_OF_MEMORY;
    ensures \result == VMM_OK ==>
              hb->num_spare_nodes == \max(\old(hb->num_spare_nodes), nodes) &&
              hb->num_spare_leaves == \max(\old(hb->num_spare_leaves), leaves);
    ensures \forall integer i; 0 <= i < \old(hb->num_spare_nodes) ==>
              hb->spare_node[i] == \old(hb->spare_node[i]);
    ensures \forall integer i; 0 <= i < \old(hb->num_spare_leaves) ==>
              hb->spare_leaf[i] == \old(hb->spare_leaf[i]);
    ensures \result != VMM_OK ==>
              hb->num_spare_nodes == \old(hb->num_spare_nodes) &&
              hb->num_spare_leaves == \old(hb->num_spare_leaves);
    // rfresh (round 34) / rfresh2 (round 35): the spares it added are valid
    // and fresh: apart from hb, from each other and from every spare, and
    // (the tree well formed at Pre) from the tree as it was at Pre (the
    // adapters' trusted freshness; the tree at each call is the Pre tree:
    // pool_fill writes the pool only)
    RFRESH2_FILL_ENSURES(hb)
    // rapply (round 40): count_splits' exact need of any range is as it was
    // at Pre (the tree untouched: rpool_u, then proofs/hbitmap-rneed.acsl's
    // frame lemmas, the body's rapply_* asserts): hbitmap_prepare's
    // rapply_pool, range_apply's pool.
    ensures rapply_kn: \result == VMM_OK && \old(RFRESH2_WT(hb)) && hb->height <= 8 ==>
              \forall integer first, end, want; 0 <= first < end <= hb_span(hb->height) ==>
                rpool_need_nodes(hb, first, end, want) == \old(rpool_need_nodes(hb, first, end, want));
    ensures rapply_kl: \result == VMM_OK && \old(RFRESH2_WT(hb)) && hb->height <= 8 ==>
              \forall integer first, end, want; 0 <= first < end <= hb_span(hb->height) ==>
                rpool_need_leaves(hb, first, end, want) == \old(rpool_need_leaves(hb, first, end, want));
*/
static vmm_status_t pool_fill(hbitmap_t *hb, size_t nodes, size_t leaves)
{
    size_t had_nodes = hb->num_spare_nodes, had_leaves = hb->num_spare_leaves;
    /*@ loop invariant HB_POOL_OK(hb) && hb->num_spare_leaves == had_leaves;
        loop invariant had_nodes <= hb->num_spare_nodes <= \max(had_nodes, nodes);
        loop invariant \forall integer i; 0 <= i < had_nodes ==>
                         hb->spare_node[i] == \at(hb->spare_node[i], Pre);
        loop invariant rfresh_nv: \forall integer i; had_nodes <= i < hb->num_spare_nodes ==>
                         \valid(hb->spare_node[i]);
        loop invariant rfresh2_ns: RFRESH2_NS(hb, had_nodes);
        loop invariant rfresh2_nt: \at(RFRESH2_WT(hb), Pre) ==>
                         RFRESH2_NT(Pre, hb, had_nodes, \at(hb->height, Pre));
        loop assigns hb->num_spare_nodes, hb->spare_node[0 .. HBITMAP_SPARE_NODES - 1];
        loop variant HBITMAP_SPARE_NODES - hb->num_spare_nodes;
    */
    while (hb->num_spare_nodes < nodes) {
        hb_node_t *p = node_block(hb);
        if (p == 0)
            goto fail;
        /* rfresh2: p's freshness against the tree here is against the Pre
         * tree (the loop wrote hb's pool fields only: rpool_u; the level
         * frames chained below, proofs/hbitmap-rfresh2.acsl, the root last) */
        /*@ assert rfresh2_u: rpool_u{Pre,Here}(hb) && rpool_same{Pre,Here}(&hb->root); */
        /*@ ghost
          /@ loop invariant 0 <= i <= hb->height;
             loop invariant sn: \forall integer i2; 0 <= i2 < i ==> RFRESH2_SN(Pre, Here, hb, i2);
             loop assigns i;
             loop variant hb->height - i;
          @/
          for (unsigned i = 0; i < hb->height; i++) {
          }
        */
        /*@ assert rfresh2_pn: \at(RFRESH2_WT(hb), Pre) ==>
                    hb_sep_node{Pre}(&hb->root, \at(hb->height, Pre) - 1, p); */
        hb->spare_node[hb->num_spare_nodes++] = p;
    }
    /*@ loop invariant HB_POOL_OK(hb) && hb->num_spare_nodes == \max(had_nodes, nodes);
        loop invariant had_leaves <= hb->num_spare_leaves <= \max(had_leaves, leaves);
        loop invariant \forall integer i; 0 <= i < had_nodes ==>
                         hb->spare_node[i] == \at(hb->spare_node[i], Pre);
        loop invariant \forall integer i; 0 <= i < had_leaves ==>
                         hb->spare_leaf[i] == \at(hb->spare_leaf[i], Pre);
        loop invariant rfresh_nv: \forall integer i; had_nodes <= i < hb->num_spare_nodes ==>
                         \valid(hb->spare_node[i]);
        loop invariant rfresh2_ns: RFRESH2_NS(hb, had_nodes);
        loop invariant rfresh2_nt: \at(RFRESH2_WT(hb), Pre) ==>
                         RFRESH2_NT(Pre, hb, had_nodes, \at(hb->height, Pre));
        loop invariant rfresh2_ls: RFRESH2_LS(hb, had_leaves);
        loop invariant rfresh2_lp: RFRESH2_LP(hb, had_leaves);
        loop invariant rfresh2_lt: \at(RFRESH2_WT(hb), Pre) ==>
                         RFRESH2_LT(Pre, hb, had_leaves, \at(hb->height, Pre));
        loop assigns hb->num_spare_leaves, hb->spare_leaf[0 .. HBITMAP_SPARE_LEAVES - 1];
        loop variant HBITMAP_SPARE_LEAVES - hb->num_spare_leaves;
    */
    while (hb->num_spare_leaves < leaves) {
        hb_leaf_t *p = leaf_block(hb);
        if (p == 0)
            goto fail;
        /*@ assert rfresh2_u: rpool_u{Pre,Here}(hb) && rpool_same{Pre,Here}(&hb->root); */
        /*@ ghost
          /@ loop invariant 0 <= i <= hb->height;
             loop invariant sl: \forall integer i2; 0 <= i2 < i ==> RFRESH2_SL(Pre, Here, hb, i2);
             loop assigns i;
             loop variant hb->height - i;
          @/
          for (unsigned i = 0; i < hb->height; i++) {
          }
        */
        /*@ assert rfresh2_pl: \at(RFRESH2_WT(hb), Pre) ==>
                    hb_sep_leaf{Pre}(&hb->root, \at(hb->height, Pre) - 1, p); */
        hb->spare_leaf[hb->num_spare_leaves++] = p;
    }
    /* rapply (round 40): the tree untouched (rpool_u), so every level below
     * the root keeps its need (rneed_fn_all / _fl_all at height - 2), the
     * two paths at the root theirs (rneed_p1_* / _p2_*, height 1 apart:
     * _n1 / _l1), then rapply_kn / _kl (rneed_need_n / _l). */
    /*@ assert rapply_u: rpool_u{Pre,Here}(hb) && rpool_same{Pre,Here}(&hb->root); */
    /*@ assert rapply_fn: RAPPLY_FN(hb); */
    /*@ assert rapply_fl: RAPPLY_FL(hb); */
    /*@ assert rapply_p1n: RAPPLY_PATH_KEPT(hb, rpool_tnodes, first, -1); */
    /*@ assert rapply_p2n: RAPPLY_PATH_KEPT(hb, rpool_tnodes, end - 1, first); */
    /*@ assert rapply_p1l: RAPPLY_PATH_KEPT(hb, rpool_tleaves, first, -1); */
    /*@ assert rapply_p2l: RAPPLY_PATH_KEPT(hb, rpool_tleaves, end - 1, first); */
    return VMM_OK;

fail:
    pool_trim(hb, had_nodes, had_leaves) /*@ ghost (0) */;
    return VMM_ERR_OUT_OF_MEMORY;
}

/* Frees the subtree below slot k of node (level l, a pointer slot) and
 * returns how many entries in it were used. Walks with an explicit stack. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && \valid_read(node);
    requires l < HBITMAP_MAX_HEIGHT && k < 64 && node->child[k].node != \null;
    requires l == 0 ==> \valid_read(node->child[k].leaf) && hb->leaves > 0;
    requires l > 0 ==> hb_tree(node->child[k].node, l - 1) &&
               hb->nodes >= 1 + hb_nodes_from(node->child[k].node, l - 1, 0) &&
               hb->leaves >= hb_leaves_from(node->child[k].node, l - 1, 0);
    assigns hb->nodes, hb->leaves;
    ensures \result <= hb_span(l);
    ensures l == 0 ==> \result == \old(hb_leaf_same(node->child[k].leaf, 0, 4096, 1));
    ensures l == 0 ==> hb->leaves == \old(hb->leaves) - 1 && hb->nodes == \old(hb->nodes);
    ensures l > 0 ==>
              hb->nodes == \old(hb->nodes) - 1 - hb_nodes_from(\old(node->child[k].node), l - 1, 0) &&
              hb->leaves == \old(hb->leaves) - hb_leaves_from(\old(node->child[k].node), l - 1, 0);
*/
static size_t free_subtree(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l)
{
    if (l == 0) {
        size_t used = leaf_used(node->child[k].leaf);
        put_leaf(hb, node->child[k].leaf);
        return used;
    }
    hb_node_t *stack[HBITMAP_MAX_HEIGHT];
    unsigned next[HBITMAP_MAX_HEIGHT];
    size_t used = 0;
    unsigned d = 0;
    /* Ghost snapshots per frame i: base_* the counters and used when frame
     * i was entered, mark_* when it last went down (its cursor's child is
     * frame i + 1). */
    /*@ ghost size_t base_n[HBITMAP_MAX_HEIGHT], base_l[HBITMAP_MAX_HEIGHT], base_u[HBITMAP_MAX_HEIGHT]; */
    /*@ ghost size_t mark_n[HBITMAP_MAX_HEIGHT], mark_l[HBITMAP_MAX_HEIGHT], mark_u[HBITMAP_MAX_HEIGHT]; */
    stack[0] = node->child[k].node;
    next[0] = 0;
    /*@ ghost base_n[0] = hb->nodes; base_l[0] = hb->leaves; base_u[0] = 0; */
    /*@ loop invariant bounds: 0 <= d < l && next[d] <= 64;
        loop invariant cursors: \forall integer i; 0 <= i < d ==> next[i] < 64;
        loop invariant tree: FS_TREE;
        loop invariant base: stack[0] == \at(node->child[k].node, Pre) &&
                         base_n[0] == \at(hb->nodes, Pre) && base_l[0] == \at(hb->leaves, Pre) &&
                         base_u[0] == 0;
        loop invariant link: \forall integer i; 0 <= i < d ==>
                         stack[i + 1] == stack[i]->child[next[i]].node && base_n[i + 1] == mark_n[i] &&
                         base_l[i + 1] == mark_l[i] && base_u[i + 1] == mark_u[i];
        loop invariant top: FS_TOP;
        loop invariant below: FS_BELOW;
        loop invariant room: FS_ROOM;
        loop assigns d, used, stack[0 .. HBITMAP_MAX_HEIGHT - 1], next[0 .. HBITMAP_MAX_HEIGHT - 1],
                     base_n[0 .. HBITMAP_MAX_HEIGHT - 1], base_l[0 .. HBITMAP_MAX_HEIGHT - 1],
                     base_u[0 .. HBITMAP_MAX_HEIGHT - 1], mark_n[0 .. HBITMAP_MAX_HEIGHT - 1],
                     mark_l[0 .. HBITMAP_MAX_HEIGHT - 1], mark_u[0 .. HBITMAP_MAX_HEIGHT - 1],
                     hb->nodes, hb->leaves;
        loop variant 200 * hb->nodes + 64 - next[d] + 66 * (7 - d);
    */
    for (;;) {
        hb_node_t *n = stack[d];
        unsigned lvl = l - d; /* level of n */
        unsigned j = next[d];
        /*@ assert frame: hb_tree(n, l - 1 - d) && base_n[d] >= 1 + hb_nodes_from(n, l - 1 - d, 0) &&
                   base_l[d] >= hb_leaves_from(n, l - 1 - d, 0) &&
                   base_u[d] + hb_slots_span(64, l - 1 - d) <= hb_span(l); */
        if (j == HBITMAP_FANOUT) {
            /*@ ghost lemma_fs_end(n, lvl - 1u); */
            put_node(hb, n);
            if (d == 0)
                return used;
            /* The frame below: its cursor's child was n. */
            /*@ assert pop: next[d - 1] < 64 && hb_tree(stack[d - 1], l - d) &&
                       stack[d] == stack[d - 1]->child[next[d - 1]].node &&
                       base_n[d] == mark_n[d - 1] && base_l[d] == mark_l[d - 1] &&
                       base_u[d] == mark_u[d - 1] &&
                       base_n[d - 1] - mark_n[d - 1] == hb_nodes_from(stack[d - 1], l - d, 0) -
                         hb_nodes_from(stack[d - 1], l - d, next[d - 1]) &&
                       base_l[d - 1] - mark_l[d - 1] == hb_leaves_from(stack[d - 1], l - d, 0) -
                         hb_leaves_from(stack[d - 1], l - d, next[d - 1]) &&
                       mark_u[d - 1] <= base_u[d - 1] + hb_slots_span(next[d - 1], l - d) &&
                       base_n[d - 1] >= 1 + hb_nodes_from(stack[d - 1], l - d, 0) &&
                       base_l[d - 1] >= hb_leaves_from(stack[d - 1], l - d, 0) &&
                       base_u[d - 1] + hb_slots_span(64, l - d) <= hb_span(l); */
            /*@ ghost lemma_fs_slot(stack[d - 1], lvl, next[d - 1]); */
            d--;
            next[d]++;
            continue;
        }
        /*@ ghost lemma_fs_slot(n, lvl - 1u, j); */
        if (n->child[j].node == 0) {
            if ((n->full & SLOT_BIT(j)) != 0)
                used += span_mul(1, lvl - 1u); /* SPAN(lvl - 1) */
            next[d]++;
        } else if (lvl == 1) {
            used += leaf_used(n->child[j].leaf);
            put_leaf(hb, n->child[j].leaf);
            next[d]++;
        } else {
            /*@ ghost mark_n[d] = hb->nodes; mark_l[d] = hb->leaves; mark_u[d] = used; */
            /*@ assert push: \forall integer i; d <= i <= d ==>
                       base_n[i] - mark_n[i] ==
                         hb_nodes_from(stack[i], l - 1 - i, 0) - hb_nodes_from(stack[i], l - 1 - i, next[i]) &&
                       base_l[i] - mark_l[i] ==
                         hb_leaves_from(stack[i], l - 1 - i, 0) - hb_leaves_from(stack[i], l - 1 - i, next[i]) &&
                       mark_u[i] <= base_u[i] + hb_slots_span(next[i], l - 1 - i); */
            d++;
            stack[d] = n->child[j].node;
            next[d] = 0;
            /*@ ghost base_n[d] = hb->nodes; base_l[d] = hb->leaves; base_u[d] = used; */
        }
    }
}

/* ---- init / destroy ---- */

/* Initialises hb over num_entries free entries (see hbitmap.h). */
/*@ requires hb != \null ==> \valid(hb);
    requires allocator != \null ==> \valid_read(allocator);
    requires hb != \null && allocator != \null ==> \separated(hb, allocator);
    assigns *hb;
    behavior invalid_argument:
      assumes hb == \null || allocator == \null || allocator->alloc == \null ||
              allocator->free == \null || num_entries == 0;
      assigns \nothing;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
    behavior out_of_bounds:
      assumes hb != \null && allocator != \null && allocator->alloc != \null &&
              allocator->free != \null && num_entries != 0;
      assumes num_entries > HBITMAP_MAX_ENTRIES;
      assigns \nothing;
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
    behavior ok:
      assumes hb != \null && allocator != \null && allocator->alloc != \null &&
              allocator->free != \null && num_entries != 0;
      assumes num_entries <= HBITMAP_MAX_ENTRIES;
      assigns *hb;
      ensures \result == VMM_OK;
      ensures HB_READABLE(hb);
      ensures hb->num_free == hb->num_entries == num_entries;
      ensures hb->nodes == 0 && hb->leaves == 0;
      ensures hb->num_spare_nodes == 0 && hb->num_spare_leaves == 0;
      ensures \forall integer i; 0 <= i < num_entries ==> !HB_USED(hb, i);
      ensures leaves: hb_leaves_exact(&hb->root, hb->height - 1);
      ensures fit: hb_fit_tree(&hb->root, hb->height - 1);
      ensures exact: hb_runs_exact(&hb->root, hb->height - 1);
      ensures count: HB_PCOUNT_OK(hb);
      ensures alloc: hb->allocator.alloc == \old(allocator->alloc) &&
                hb->allocator.free == \old(allocator->free);
      ensures pool: HB_POOL_OK(hb);
      ensures walk: HB_WALK_OK(hb);
      // pfull: no pointer slot is FULL; the subtrees of distinct slots apart.
      ensures pfull: pfull_nf(&hb->root, hb->height - 1) && pfull_sib(&hb->root, hb->height - 1);
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t hbitmap_init(hbitmap_t *hb, size_t num_entries, const vmm_allocator_t *allocator)
{
    if (hb == 0 || allocator == 0 || allocator->alloc == 0 || allocator->free == 0 ||
        num_entries == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (num_entries > HBITMAP_MAX_ENTRIES)
        return VMM_ERR_OUT_OF_BOUNDS;
    unsigned height = 1;
    /*@ loop invariant 1 <= height <= HBITMAP_MAX_HEIGHT;
        loop invariant \forall integer h; 1 <= h < height ==> hb_span(h) < num_entries;
        loop assigns height;
        loop variant HBITMAP_MAX_HEIGHT - height;
    */
    while (SHIFT(height) < 64 && SPAN(height) < num_entries)
        height++;
    /*@ assert num_entries <= hb_span(height); */
    hb->height = height;
    hb->num_entries = num_entries;
    hb->num_free = num_entries;
    hb->allocator = *allocator;
    /*@ assert alloc: hb->allocator.alloc == \at(allocator->alloc, Pre) &&
               hb->allocator.free == \at(allocator->free, Pre); */
    hb->nodes = 0;
    hb->leaves = 0;
    hb->num_spare_nodes = 0;
    hb->num_spare_leaves = 0;
    /*@ loop invariant 0 <= i <= HBITMAP_SPARE_NODES;
        loop invariant \forall integer j; 0 <= j < i ==> hb->spare_node[j] == \null;
        loop assigns i, hb->spare_node[0 .. HBITMAP_SPARE_NODES - 1];
        loop variant HBITMAP_SPARE_NODES - i;
    */
    for (unsigned i = 0; i < HBITMAP_SPARE_NODES; i++)
        hb->spare_node[i] = 0;
    /*@ loop invariant 0 <= i <= HBITMAP_SPARE_LEAVES;
        loop invariant \forall integer j; 0 <= j < i ==> hb->spare_leaf[j] == \null;
        loop assigns i, hb->spare_leaf[0 .. HBITMAP_SPARE_LEAVES - 1];
        loop variant HBITMAP_SPARE_LEAVES - i;
    */
    for (unsigned i = 0; i < HBITMAP_SPARE_LEAVES; i++)
        hb->spare_leaf[i] = 0;
    node_fill(&hb->root, false, height);
    /*@ ghost lemma_hb_exact_free(&hb->root, height - 1u, SPAN(height - 1u)); */
    /*@ assert num_entries <= 64 * hb_span(height - 1); */
    /*@ ghost lemma_pcount_fresh(hb, num_entries); */
    /*@ ghost lemma_pcount_run(hb, 0, num_entries, num_entries); */
    /*@ ghost lemma_pcount_empty(&hb->root, height - 1u); */
    return VMM_OK;
}

/* Returns every node, leaf and spare to the allocator; the root's slots
 * that were not EMPTY become EMPTY (the others are not rewritten). The
 * subtrees are all freed before the first root pointer is cleared. */
/*@ requires hb != \null ==> \valid(hb) && HB_READABLE(hb) && HB_ALLOCATOR(hb) &&
               HB_POOL_OK(hb);
    requires hb != \null ==> hb->nodes >= hb_nodes_from(&hb->root, hb->height - 1, 0) &&
               hb->leaves >= hb_leaves_from(&hb->root, hb->height - 1, 0);
    assigns hb->root, hb->nodes, hb->leaves, hb->num_free, hb->num_spare_nodes,
            hb->num_spare_leaves, hb->spare_node[0 .. HBITMAP_SPARE_NODES - 1],
            hb->spare_leaf[0 .. HBITMAP_SPARE_LEAVES - 1];
    ensures hb != \null ==>
              hb->nodes == \old(hb->nodes) - hb_nodes_from{Pre}(&hb->root, hb->height - 1, 0) &&
              hb->leaves == \old(hb->leaves) - hb_leaves_from{Pre}(&hb->root, hb->height - 1, 0);
    ensures hb != \null ==> hb->root.full == 0 &&
              (\forall integer k; 0 <= k < 64 ==> hb->root.child[k].node == \null);
    ensures hb != \null ==> HB_POOL_OK(hb) &&
              hb->num_spare_nodes == 0 && hb->num_spare_leaves == 0;
    ensures hb != \null ==> hb->num_free == hb->num_entries && hb->height == \old(hb->height);
    ensures count: hb != \null ==> HB_PCOUNT_OK(hb);
    ensures hb != \null ==> \forall integer k; 0 <= k < 64 ==>
              (\old(hb->root.child[k].node) != \null || BIT(\old(hb->root.full), k)) ==>
              hb->root.pre[k] == hb->root.suf[k] == hb->root.max[k] == hb_span(hb->height - 1);
*/
void hbitmap_destroy(hbitmap_t *hb)
{
    if (hb == 0)
        return;
    unsigned l = hb->height - 1u;
    hb_node_t *root = &hb->root;
    uint64_t touched = root->full;
    /*@ loop invariant 0 <= k <= 64;
        loop invariant hb->nodes + hb_nodes_from(&hb->root, l, 0) ==
                         \at(hb->nodes, Pre) + hb_nodes_from(&hb->root, l, k);
        loop invariant hb->leaves + hb_leaves_from(&hb->root, l, 0) ==
                         \at(hb->leaves, Pre) + hb_leaves_from(&hb->root, l, k);
        loop assigns k, hb->nodes, hb->leaves;
        loop variant 64 - k;
    */
    for (unsigned k = 0; k < HBITMAP_FANOUT; k++) {
        if (root->child[k].node != 0)
            (void)free_subtree(hb, root, k, l);
    }
    hb_runs_t empty = uniform_runs(false, l);
    /*@ loop invariant 0 <= k <= 64;
        loop invariant \forall integer j; 0 <= j < k ==> root->child[j].node == \null;
        loop invariant \forall integer j; k <= j < 64 ==>
                         root->child[j].node == \at(hb->root.child[j].node, Pre);
        loop invariant \forall integer j; 0 <= j < k ==>
                         (\at(hb->root.child[j].node, Pre) != \null || BIT(root->full, j)) ==>
                         root->pre[j] == root->suf[j] == root->max[j] == hb_span(l);
        loop assigns k, touched, root->child[0 .. 63], root->pre[0 .. 63], root->suf[0 .. 63],
                     root->max[0 .. 63];
        loop variant 64 - k;
    */
    for (unsigned k = 0; k < HBITMAP_FANOUT; k++) {
        if (root->child[k].node != 0) {
            root->child[k].node = 0;
            touched |= SLOT_BIT(k);
            store_runs(root, k, empty);
        } else if ((root->full & SLOT_BIT(k)) != 0) {
            store_runs(root, k, empty);
        }
    }
    root->full = 0;
    /*@ loop invariant 0 <= g <= 8;
        loop assigns g, root->gpre[0 .. 7], root->gsuf[0 .. 7], root->gmax[0 .. 7];
        loop variant 8 - g;
    */
    for (unsigned g = 0; g < HBITMAP_NODE_GROUPS; g++) {
        if (((touched >> (g * HBITMAP_GROUP_SLOTS)) & 0xFFu) != 0) {
            root->gpre[g] = empty.pre * HBITMAP_GROUP_SLOTS;
            root->gsuf[g] = empty.pre * HBITMAP_GROUP_SLOTS;
            root->gmax[g] = empty.pre * HBITMAP_GROUP_SLOTS;
        }
    }
    pool_trim(hb, 0, 0) /*@ ghost (0) */;
    hb->num_free = hb->num_entries;
    /*@ assert hb->num_entries <= 64 * hb_span(hb->height - 1); */
    /*@ ghost lemma_pcount_fresh(hb, hb->num_entries); */
    /*@ ghost lemma_pcount_run(hb, 0, hb->num_entries, hb->num_entries); */
}

/* ---- queries ---- */

/* Returns true when [first, first + n) is a non-empty range inside hb. */
/*@ requires hb != \null ==> \valid_read(hb);
    assigns \nothing;
    ensures \result != 0 <==> (hb != \null && n != 0 && first < hb->num_entries &&
                               n <= hb->num_entries - first);
*/
static bool range_ok(const hbitmap_t *hb, size_t first, size_t n)
{
    return hb != 0 && n != 0 && first < hb->num_entries && n <= hb->num_entries - first;
}

/* Stores in *is_set whether entry i is used. */
/*@ requires hb != \null ==> HB_READABLE(hb);
    requires is_set != \null ==> \valid(is_set) && \separated(is_set, hb);
    assigns *is_set;
    behavior null_argument:
      assumes hb == \null || is_set == \null;
      assigns \nothing;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
    behavior out_of_bounds:
      assumes hb != \null && is_set != \null && i >= hb->num_entries;
      assigns \nothing;
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
    behavior ok:
      assumes hb != \null && is_set != \null && i < hb->num_entries;
      assigns *is_set;
      ensures \result == VMM_OK;
      ensures *is_set != 0 <==> HB_USED(hb, i);
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t hbitmap_test(const hbitmap_t *hb, size_t i, bool *is_set)
{
    if (hb == 0 || is_set == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (i >= hb->num_entries)
        return VMM_ERR_OUT_OF_BOUNDS;
    const hb_node_t *node = &hb->root;
    size_t base = 0;
    /*@ loop invariant 0 <= l < hb->height;
        loop invariant hb_tree(node, l);
        loop invariant base <= i < base + 64 * hb_span(l);
        loop invariant HB_USED(hb, i) <==> hb_used(node, l, i - base);
        loop assigns l, node, base;
        loop variant l;
    */
    for (unsigned l = hb->height - 1u;; l--) {
        unsigned k = SLOT_OF(i, base, l);
        /*@ assert k == (i - base) / hb_span(l) && k < 64; */
        base += span_mul(k, l);
        /*@ assert (i - \at(base, LoopCurrent)) % hb_span(l) == i - base; */
        if (node->child[k].node == 0) {
            *is_set = (node->full & SLOT_BIT(k)) != 0;
            return VMM_OK;
        }
        if (l == 0) {
            size_t j = i - base;
            *is_set = (node->child[k].leaf->bits[j / WORD_BITS] & SLOT_BIT(j % WORD_BITS)) != 0;
            return VMM_OK;
        }
        /*@ assert hb_used(node, l, i - \at(base, LoopCurrent)) <==>
                   hb_used(node->child[k].node, l - 1, i - base); */
        node = node->child[k].node;
    }
}

/* Returns the first entry of [first, end) that is used (want_set) or free,
 * or end. One walk over the slots the range touches, a slot at a time at
 * the deepest node holding it: a uniform slot is answered by its flag, a
 * leaf piece by its words, a node entered. After a node's last slot the
 * walk goes down again from the root (no stack: at most height - 1 steps
 * for each node it leaves). */
/*@ requires HB_READABLE(hb);
    requires first <= end <= hb->num_entries;
    assigns \nothing;
    ensures first <= \result <= end;
    ensures hb_none_is(hb, first, \result, want_set);
    ensures \result < end ==> (hb_at(hb, \result) <==> want_set != 0);
*/
static size_t range_scan(const hbitmap_t *hb, size_t first, size_t end, bool want_set)
{
    if (first >= end)
        return end;
    const hb_node_t *node = &hb->root;
    unsigned l = hb->height - 1u; /* level of node's slots */
    size_t base = 0;              /* node's first entry */
    size_t p = first;             /* the entry looked at: [first, p) is done */
    unsigned k = SLOT_OF(p, base, l);
    /*@ assert root: hb_frame(hb, node, l, base) && k == p / hb_span(l) && p < 64 * hb_span(l); */
    /*@ assert root_slot: k * hb_span(l) <= p < k * hb_span(l) + hb_span(l) && k < 64; */
    /*@ loop invariant l < hb->height;
        loop invariant hb_frame(hb, node, l, base);
        loop invariant k < 64 && base + k * hb_span(l) <= p < base + k * hb_span(l) + hb_span(l);
        loop invariant base + 64 * hb_span(l) <= hb_span(hb->height);
        loop invariant first <= p < end;
        loop invariant hb_none_is(hb, first, p, want_set);
        loop assigns node, l, base, p, k;
        loop variant 8 * (end - p) + l;
    */
    for (;;) {
        size_t s = base + span_mul(k, l); /* slot k's first entry */
        if (node->child[k].node != 0 && l > 0) {
            /*@ assert child: hb_frame(hb, node->child[k].node, l - 1, s); */
            /*@ assert child_in: s + hb_span(l) == hb_slot_at(base, k + 1, l) <= base + 64 * hb_span(l); */
            /*@ assert child_span: hb_span(l) == 64 * hb_span(l - 1); */
            node = node->child[k].node;
            base = s;
            l--;
            k = SLOT_OF(p, base, l);
            /*@ assert child_k: k == (p - base) / hb_span(l) && p - base < 64 * hb_span(l); */
            /*@ assert child_slot: k * hb_span(l) <= p - base < k * hb_span(l) + hb_span(l) && k < 64; */
            continue;
        }
        if (node->child[k].node == 0) {
            /*@ assert uniform: \forall integer j;
                  base + k * hb_span(l) <= j < base + k * hb_span(l) + hb_span(l) ==>
                    (hb_at(hb, j) <==> BIT(node->full, k)); */
            /*@ assert uniform_p: hb_at(hb, p) <==> BIT(node->full, k); */
            if (((node->full & SLOT_BIT(k)) != 0) == want_set)
                return p;
        } else {
            /*@ assert leaf_frame: l == 0 && \forall integer j;
                  base + k * 4096 <= j < base + k * 4096 + 4096 ==>
                    (hb_at(hb, j) <==> LEAF_USED(node->child[k].leaf, j - (base + k * 4096))); */
            /*@ assert leaf_span: hb_span(l) == 4096; */
            /*@ assert leaf_s: s == base + k * 4096; */
            /*@ assert leaf: \forall integer j; s <= j < s + 4096 ==>
                  (hb_at(hb, j) <==> LEAF_USED(node->child[k].leaf, j - s)); */
            size_t b = MIN(end, s + SPAN(0));
            size_t q = leaf_scan(node->child[k].leaf, p - s, b - s, want_set);
            if (q < b - s) {
                /*@ assert leaf_found: hb_none_is(hb, first, s + q, want_set); */
                return s + q;
            }
        }
        /*@ assert slot_done: hb_none_is(hb, first, \min(end, s + hb_span(l)), want_set); */
        p = s + SPAN(l); /* slot k is done */
        if (p >= end)
            return end;
        if (k < 63u) {
            k++;
            continue;
        }
        node = &hb->root;
        l = hb->height - 1u;
        base = 0;
        k = SLOT_OF(p, base, l);
        /*@ assert root_again: hb_frame(hb, node, l, base) && k == p / hb_span(l) && p < 64 * hb_span(l); */
        /*@ assert root_again_slot: k * hb_span(l) <= p < k * hb_span(l) + hb_span(l) && k < 64; */
    }
}

/* True when [first, first + n) is in bounds and all free. */
/*@ requires hb != \null ==> HB_READABLE(hb);
    assigns \nothing;
    ensures \result != 0 <==> (hb != \null && n != 0 && first < hb->num_entries &&
                               n <= hb->num_entries - first &&
                               hb_none_is(hb, first, first + n, 1));
*/
bool hbitmap_range_clear(const hbitmap_t *hb, size_t first, size_t n)
{
    return range_ok(hb, first, n) && range_scan(hb, first, first + n, true) == first + n;
}

/* True when [first, first + n) is in bounds and all used. */
/*@ requires hb != \null ==> HB_READABLE(hb);
    assigns \nothing;
    ensures \result != 0 <==> (hb != \null && n != 0 && first < hb->num_entries &&
                               n <= hb->num_entries - first &&
                               hb_none_is(hb, first, first + n, 0));
*/
bool hbitmap_range_set(const hbitmap_t *hb, size_t first, size_t n)
{
    return range_ok(hb, first, n) && range_scan(hb, first, first + n, false) == first + n;
}

/* Returns the number of free entries. */
/*@ requires hb != \null ==> \valid_read(hb);
    assigns \nothing;
    ensures hb != \null ==> \result == hb->num_free;
    ensures hb == \null ==> \result == 0;
*/
size_t hbitmap_num_free(const hbitmap_t *hb)
{
    return hb != 0 ? hb->num_free : 0;
}

/* Returns the bytes of node and leaf storage taken from the allocator. */
/*@ requires hb != \null ==> \valid_read(hb);
    requires hb != \null ==> hb->nodes + hb->num_spare_nodes <= HB_MAX_STORE &&
                             hb->leaves + hb->num_spare_leaves <= HB_MAX_STORE;
    assigns \nothing;
    ensures hb == \null ==> \result == 0;
    ensures hb != \null ==> \result == (hb->nodes + hb->num_spare_nodes) * sizeof(hb_node_t) +
                                       (hb->leaves + hb->num_spare_leaves) * sizeof(hb_leaf_t);
*/
size_t hbitmap_bytes(const hbitmap_t *hb)
{
    if (hb == 0)
        return 0;
    return (hb->nodes + hb->num_spare_nodes) * sizeof(hb_node_t) +
           (hb->leaves + hb->num_spare_leaves) * sizeof(hb_leaf_t);
}

/* ---- first fit ---- */

/* descend_fit's step: node c (slots of level l, span cs) holds a free run of
 * n; scans it from slot 0 (node_scan) for the lowest one. Returns its start
 * (an entry of c) when the run found ends in the prefix of slot *jp, else
 * NONE with *jp the slot holding the lowest run (a pointer slot: the descent
 * goes on there). */
/*@ requires hb_fit_tree(c, l) && l <= 6 && 0 < n;
    requires cs == hb_span(l) && cs <= 281474976710656;
    requires n <= hb_sec_max(c, 0, 64, cs);
    requires \valid(jp);
    assigns *jp;
    ensures *jp < 64 && 0 <= *jp * cs && *jp * cs + cs <= 64 * cs;
    ensures found: \result != NONE ==> \result + n <= 64 * cs &&
              (hb_runs_exact(c, l) ==> hb_node_free(c, l, \result, \result + n) &&
               \forall integer t; 0 <= t < \result ==> !hb_node_run(c, l, t, n));
    ensures down: \result == NONE ==> c->child[*jp].node != \null && c->max[*jp] >= n &&
              (hb_runs_exact(c, l) ==>
               \forall integer t; 0 <= t < *jp * cs ==> !hb_node_run(c, l, t, n));
*/
static inline size_t node_fit(const hb_node_t *c, size_t cs, size_t n, unsigned *jp)
    /*@ ghost (unsigned l) */
{
    size_t run = 0;
    unsigned j = node_scan(c, 0, cs, n, &run);
    VMM_ASSERT(j < HBITMAP_FANOUT);
    *jp = j;
    /*@ ghost lemma_hb_mul_mono(j + 1u, 64u, cs); */
    /*@ assert (j + 1) * cs == j * cs + cs; */
    /*@ ghost lemma_hb_slot_used(c, l, j, cs); */
    /*@ assert cx: hb_runs_exact(c, l) ==>
             hb_slot_exact(c, l, j) && hb_gsuf_exact(c, cs) && hb_scan_exact(c, cs); */
    /*@ ghost lemma_hb_sec_long(c, l, j, cs); */
    /*@ assert v: hb_runs_exact(c, l) ==> run == hb_sec_suf(c, 0, j, cs) &&
             (j * cs > run ==> hb_used(c, l, j * cs - run - 1)) &&
             (j == 0 || hb_sec_max(c, 0, j, cs) < n); */
    /*@ assert below: hb_runs_exact(c, l) ==> \forall integer t; 0 <= t < j * cs - run ==>
             !hb_node_run(c, l, t, n); */
    if (run + c->pre[j] >= n) {
        /*@ ghost lemma_hb_sec_free(c, l, j, cs); */
        /*@ assert win: hb_runs_exact(c, l) ==> run <= hb_sec_suf(c, 0, j, cs) &&
                 hb_node_free(c, l, j * cs - run, j * cs) &&
                 hb_node_free(c, l, j * cs, j * cs + c->pre[j]); */
        /*@ assert fnd: j * cs - run + n <= 64 * cs && j * cs - run != NONE; */
        return j * cs - run;
    }
    VMM_ASSERT(c->child[j].node != 0); /* max[j] >= n */
    /*@ assert pre_used: hb_runs_exact(c, l) ==> c->pre[j] < cs &&
             hb_used(c, l, j * cs + c->pre[j]); */
    /*@ assert cross: hb_runs_exact(c, l) ==> \forall integer t; j * cs - run <= t < j * cs ==>
             !hb_node_run(c, l, t, n); */
    /*@ assert all: hb_runs_exact(c, l) ==> \forall integer t; 0 <= t < j * cs ==>
             !hb_node_run(c, l, t, n); */
    return NONE;
}

/* Returns the lowest entry of the pointer slot k of node (level l, first
 * entry s) that starts a free run of n inside it; the slot's max >= n
 * guarantees one. Descends without backtracking. */
/*@ requires hb_fit_tree(node, l) && l <= 7 && k < 64 && 0 < n;
    requires node->child[k].node != \null && node->max[k] >= n;
    requires s + hb_span(l) <= HBITMAP_MAX_ENTRIES;
    assigns \nothing;
    ensures s <= \result && \result + n <= s + hb_span(l);
    ensures free: hb_runs_exact(node, l) ==> hb_slot_free(node, l, k, \result - s, \result - s + n);
    ensures lowest: hb_runs_exact(node, l) ==>
              \forall integer p; 0 <= p < \result - s ==> !hb_slot_run(node, l, k, p, n);
*/
static size_t descend_fit(const hb_node_t *node, unsigned k, unsigned l, size_t s, size_t n)
{
    /*@ ghost const hb_node_t *n0 = node; unsigned l0 = l, k0 = k; size_t s0 = s; */
    /*@ loop invariant l <= \at(l, Pre) && k < 64;
        loop invariant hb_fit_tree(node, l);
        loop invariant node->child[k].node != \null && node->max[k] >= n;
        loop invariant \at(s, Pre) <= s && s + hb_span(l) <= \at(s + hb_span(l), Pre);
        loop invariant sub: hb_runs_exact(n0, l0) ==> hb_runs_exact(node, l) &&
                         \forall integer o; s - s0 <= o < s - s0 + hb_span(l) ==>
                           hb_slot_used(n0, l0, k0, o) ==> hb_slot_used(node, l, k, o - (s - s0));
        loop invariant sub2: hb_runs_exact(n0, l0) ==> \forall integer o; 0 <= o < hb_span(l) ==>
                           (hb_slot_used(node, l, k, o) <==> hb_slot_used(n0, l0, k0, o + (s - s0)));
        loop invariant low: hb_runs_exact(n0, l0) ==> \forall integer p; 0 <= p < s - s0 ==>
                           !hb_slot_run(n0, l0, k0, p, n);
        loop assigns l, node, k, s;
        loop variant l;
    */
    while (l > 0) {
        const hb_node_t *c = node->child[k].node;
        size_t cs = SPAN(l - 1u);
        unsigned j;
        /*@ assert cs == hb_span(l - 1) && hb_span(l) == 64 * cs && cs <= 281474976710656; */
        /*@ assert hb_fit_tree(c, l - 1) && node->max[k] <= hb_sec_max(c, 0, 64, cs); */
        /*@ assert cx: hb_runs_exact(n0, l0) ==> hb_runs_exact(c, l - 1); */
        size_t off = node_fit(c, cs, n, &j) /*@ ghost (l - 1u) */;
        /*@ assert curc: hb_runs_exact(n0, l0) ==> \forall integer o; 0 <= o < 64 * cs ==>
                 (hb_slot_used(node, l, k, o) <==> hb_used(c, l - 1, o)) &&
                 (hb_slot_used(node, l, k, o) <==> hb_slot_used(n0, l0, k0, o + (s - s0))); */
        if (off != NONE) {
            /*@ assert up: hb_runs_exact(n0, l0) ==> hb_slot_free(node, l, k, off, off + n); */
            /*@ assert low_up: hb_runs_exact(n0, l0) ==> \forall integer p;
                     s - s0 <= p < s - s0 + off ==>
                     !hb_node_run(c, l - 1, p - (s - s0), n) && !hb_slot_run(n0, l0, k0, p, n); */
            /*@ assert free_up: hb_runs_exact(n0, l0) ==>
                     hb_slot_free(n0, l0, k0, s + off - s0, s + off - s0 + n); */
            return s + off;
        }
        /*@ ghost lemma_hb_slot_used(c, l - 1u, j, cs); */
        /*@ assert low_down: hb_runs_exact(n0, l0) ==> \forall integer p;
                 s - s0 <= p < s - s0 + j * cs ==>
                 !hb_node_run(c, l - 1, p - (s - s0), n) && !hb_slot_run(n0, l0, k0, p, n); */
        /*@ assert down2: hb_runs_exact(n0, l0) ==> \forall integer o; 0 <= o < cs ==>
                 (hb_slot_used(c, l - 1, j, o) <==> hb_used(c, l - 1, j * cs + o)) &&
                 (hb_slot_used(c, l - 1, j, o) <==> hb_slot_used(n0, l0, k0, o + (s + j * cs - s0))); */
        /*@ assert down: hb_runs_exact(n0, l0) ==> \forall integer o;
                 s + j * cs - s0 <= o < s + j * cs - s0 + cs ==>
                 hb_slot_used(n0, l0, k0, o) ==> hb_slot_used(c, l - 1, j, o - (s + j * cs - s0)); */
        node = c;
        k = j;
        s += j * cs;
        l--;
    }
    size_t run = 0;
    /*@ assert leaf: l == 0 && \valid_read(node->child[k].leaf) &&
                 HB_LEAF_GROUPS_EXACT(node->child[k].leaf) &&
                 \exists integer t; 0 <= t && t + node->max[k] <= 4096 &&
                   hb_run_at(node->child[k].leaf, t, node->max[k]); */
    /*@ assert real: \forall integer t; 0 <= t && hb_run_at(node->child[k].leaf, t, node->max[k]) ==>
                 hb_fits_from(node->child[k].leaf, 0, t, n); */
    /*@ assert wit: \exists integer t; 0 <= t && t + n <= 4096 &&
                 hb_fits_from(node->child[k].leaf, 0, t, n); */
    size_t r = leaf_fit(node->child[k].leaf, s, 0, n, &run);
    VMM_ASSERT(r != NONE);
    /*@ assert wk: \forall integer t; 0 <= t < 4096 ==>
                 0 <= t / 64 < 64 && 0 <= t % 64 < 64 && 64 * (t / 64) + t % 64 == t; */
    /*@ assert lf: hb_slot_free(node, 0, k, r - s, r - s + n); */
    /*@ assert leafc: \forall integer w, b; 0 <= w < 64 && 0 <= b < 64 ==>
                 (64 * w + b) / 64 == w && (64 * w + b) % 64 == b &&
                 (BIT(node->child[k].leaf->bits[w], (uint8_t)b) <==> hb_slot_used(node, 0, k, 64 * w + b)); */
    /*@ assert low_leaf: hb_runs_exact(n0, l0) ==> \forall integer p;
                 s - s0 <= p < r - s0 ==>
                 !hb_fits_from(node->child[k].leaf, 0, p - (s - s0), n) && !hb_slot_run(n0, l0, k0, p, n); */
    /*@ assert free_leaf: hb_runs_exact(n0, l0) ==> hb_slot_free(n0, l0, k0, r - s0, r - s0 + n); */
    return r;
}

/* Returns where a free run of n starts in slot k of node (level l, first
 * entry s, a leaf when l == 0 and the slot points) at or after x, s < x,
 * or NONE; then *tail holds the free entries at the slot's end. The slot
 * at x of first_fit's descent (hb: the tree; base: node's first entry). */
/*@ requires HB_READABLE(hb) && l < hb->height && hb_fit_tree(node, l) && 0 < n && k < 64;
    requires \valid(tail) && \separated(tail, hb) && *tail == 0;
    requires node->child[k].node != \null ==> l == 0;
    requires s == base + k * hb_span(l) && s < x < s + hb_span(l);
    requires base + 64 * hb_span(l) <= 64 * hb_span(hb->height - 1);
    requires hb_frame(hb, node, l, base);
    assigns *tail;
    ensures \result == NONE || (x <= \result && \result + n <= 64 * hb_span(hb->height - 1));
    ensures free: \let r = \result; \old(r != NONE ==> hb_none_is(hb, r, r + n, 1));
    ensures \result == NONE ==> x + *tail <= s + hb_span(l);
    ensures frun: \let v = *tail; \result == NONE ==>
              \old(hb_none_is(hb, s + hb_span(l) - v, s + hb_span(l), 1));
    ensures lowest: \let r = \result; \old(r != NONE ==> plow_nofit(hb, x, r + n - 1, n));
    ensures none: \result == NONE ==> \old(plow_nofit(hb, x, s + hb_span(l), n));
    ensures nmax: \let v = *tail; \let e = s + hb_span(l); \result == NONE ==>
              \old(v == e - x || hb_at(hb, e - v - 1));
*/
static inline size_t at_step(const hb_node_t *node, unsigned l, unsigned k, size_t s, size_t x,
                             size_t n, size_t *tail) /*@ ghost (const hbitmap_t *hb, size_t base) */
{
    size_t run = 0;
    /*@ ghost size_t sp0 = SPAN(l); */
    /*@ assert sp0: sp0 == hb_span(l) && 0 < sp0 <= HB_SPAN_MAX; */
    /*@ ghost lemma_hb_slot_mul(k, sp0); */
    /*@ assert send: s + hb_span(l) <= base + 64 * hb_span(l) <= 1152921504606846976; */
    if (node->child[k].node == 0) {
        if ((node->full & SLOT_BIT(k)) == 0) {
            /*@ assert hb_slot_free(node, l, k, x - s, hb_span(l)); */
            /*@ ghost size_t sp = SPAN(l); */
            /*@ assert sp_l: sp == hb_span(l); */
            /*@ ghost lemma_pclimb_slot_up(hb, node, l, base, k, x - s, sp, sp); */
            run = s + SPAN(l) - x;
            /*@ assert fx: hb_none_is(hb, x, x + run, 1); */
            if (run >= n) {
                /*@ assert ret: x + n <= 64 * hb_span(hb->height - 1); */
                /*@ assert fret: hb_none_is(hb, x, x + n, 1); */
                /*@ assert lret: plow_nofit(hb, x, x + n - 1, n); */
                return x;
            }
            /*@ assert lnone: plow_nofit(hb, x, s + hb_span(l), n); */
        } else {
            /*@ ghost lemma_plow_slot_at(hb, node, l, base, k, sp0); */
            /*@ assert full: BIT(node->full, (uint8_t)k); */
            /*@ assert fused: \forall integer p; s <= p < s + hb_span(l) ==> hb_at(hb, p); */
            /*@ assert lfull1: hb_at(hb, s + hb_span(l) - 1); */
            /*@ assert lfull2: \forall integer p; x <= p && p + n <= s + hb_span(l) ==>
                     hb_at(hb, p) && !plow_fit(hb, p, n); */
            /*@ assert lfull: plow_nofit(hb, x, s + hb_span(l), n); */
        }
    } else {
        /*@ assert leaf: l == 0 && \valid_read(node->child[k].leaf) &&
                     HB_LEAF_GROUPS_EXACT(node->child[k].leaf); */
        size_t r = leaf_fit(node->child[k].leaf, s, x - s, n, &run);
        if (r != NONE) {
            /*@ assert hb_win_free(node->child[k].leaf, r - s, r - s + n); */
            /*@ ghost lemma_pclimb_leaf(node, k, r - s, r - s + n); */
            /*@ ghost lemma_pclimb_slot_up(hb, node, 0u, base, k, r - s, r - s + n, 4096u); */
            /*@ assert ret: x <= r && r + n <= 64 * hb_span(hb->height - 1); */
            /*@ assert fret: hb_none_is(hb, r, r + n, 1); */
            /*@ ghost lemma_plow_leaf(hb, node, base, k, s, x, n, r + n - 1u); */
            /*@ assert lret: plow_nofit(hb, x, r + n - 1, n); */
            return r;
        }
        /*@ ghost lemma_plow_leaf(hb, node, base, k, s, x, n, s + 4096u); */
        /*@ ghost lemma_plow_slot_at(hb, node, 0u, base, k, 4096u); */
        /*@ assert lnone: plow_nofit(hb, x, s + 4096, n) &&
                 (run == s + 4096 - x || hb_at(hb, s + 4096 - run - 1)); */
        /*@ assert hb_win_free(node->child[k].leaf, 4096 - run, 4096); */
        /*@ ghost lemma_pclimb_leaf(node, k, 4096u - run, 4096u); */
        /*@ ghost lemma_pclimb_slot_up(hb, node, 0u, base, k, 4096u - run, 4096u, 4096u); */
    }
    *tail = run;
    return NONE;
}

/* Returns where the climb finds a free run of n in node (level l, first
 * entry base) from slot k on, *run free entries carried in right before
 * slot k: the run's first entry, or NONE when none starts in the node;
 * then *run holds the free entries at the node's end. One step of
 * first_fit's climb (x: where its search started; hb: the tree). */
/*@ requires HB_READABLE(hb) && l < hb->height && hb_fit_tree(node, l) && 0 < n;
    requires \valid(run) && \separated(run, hb);
    requires k <= 64 && x + *run <= base + k * hb_span(l);
    requires base + 64 * hb_span(l) <= 64 * hb_span(hb->height - 1);
    requires hb_frame(hb, node, l, base) && (HB_CLIMB_EXACT ==> hb_runs_exact(node, l));
    requires HB_CLIMB_EXACT ==> hb_none_is(hb, base + k * hb_span(l) - *run, base + k * hb_span(l), 1);
    requires low: HB_CLIMB_EXACT ==> \let p = base + k * hb_span(l); plow_nofit(hb, x, p, n) &&
              (*run == p - x || hb_at(hb, p - *run - 1));
    assigns *run;
    ensures \result == NONE || (x <= \result && \result + n <= 64 * hb_span(hb->height - 1));
    ensures free: \let r = \result; \old(HB_CLIMB_EXACT ==> r != NONE ==> hb_none_is(hb, r, r + n, 1));
    ensures \result == NONE ==> x + *run <= base + 64 * hb_span(l);
    ensures frun: \let v = *run; \result == NONE ==>
              \old(HB_CLIMB_EXACT ==> hb_none_is(hb, base + 64 * hb_span(l) - v, base + 64 * hb_span(l), 1));
    ensures lowest: \let r = \result; \old(HB_CLIMB_EXACT ==> r != NONE ==> plow_nofit(hb, x, r + n - 1, n));
    ensures none: \result == NONE ==>
              \old(HB_CLIMB_EXACT ==> plow_nofit(hb, x, base + 64 * hb_span(l), n));
    ensures nmax: \let v = *run; \let e = base + 64 * hb_span(l); \result == NONE ==>
              \old(HB_CLIMB_EXACT ==> v == e - x || hb_at(hb, e - v - 1));
*/
static inline size_t climb_step(const hb_node_t *node, unsigned l, size_t base, unsigned k,
                                size_t n, size_t *run) /*@ ghost (const hbitmap_t *hb, size_t x) */
{
    size_t cs = SPAN(l), v = *run;
    /*@ assert cs == hb_span(l) && 0 < cs <= HB_SPAN_MAX; */
    /*@ ghost lemma_hb_fit_node(node, l); */
    /*@ ghost lemma_hb_mul_mono(k, 64u, cs); */
    /*@ assert slot_cs: k * cs <= 64 * cs; */
    /*@ ghost size_t r0 = v; */
    unsigned j = node_scan(node, k, cs, n, &v);
    /*@ ghost lemma_pclimb_carry(hb, node, l, base, k, j, cs, r0, v); */
    /*@ assert crun: HB_CLIMB_EXACT ==> hb_none_is(hb, base + j * cs - v, base + j * cs, 1); */
    /*@ ghost lemma_plow_climb(hb, node, l, base, k, j, cs, r0, v, x, n, base + k * cs); */
    /*@ assert low: HB_CLIMB_EXACT ==> plow_nofit(hb, x, base + j * cs, n) &&
             (v == base + j * cs - x || hb_at(hb, base + j * cs - v - 1)); */
    if (j < HBITMAP_FANOUT) {
        /*@ ghost lemma_hb_slot_mul(j, cs); */
        size_t s = base + j * cs;
        /*@ assert x <= s - v && s + cs <= 64 * hb_span(hb->height - 1); */
        if (v + node->pre[j] >= n) {
            /*@ assert HB_CLIMB_EXACT ==> hb_slot_free(node, l, j, 0, node->pre[j]); */
            /*@ ghost lemma_pclimb_slot_up(hb, node, l, base, j, 0u, node->pre[j], cs); */
            /*@ assert ret: x <= s - v && s - v + n <= 64 * hb_span(hb->height - 1); */
            /*@ assert fret: HB_CLIMB_EXACT ==> hb_none_is(hb, s - v, s - v + n, 1); */
            /*@ ghost lemma_plow_cross(hb, x, s, v, n); */
            /*@ assert lret: HB_CLIMB_EXACT ==> plow_nofit(hb, x, s - v + n - 1, n); */
            return s - v;
        }
        size_t r = descend_fit(node, j, l, s, n);
        /*@ ghost lemma_pclimb_slot_up(hb, node, l, base, j, r - s, r - s + n, cs); */
        /*@ assert ret: x <= r && r + n <= 64 * hb_span(hb->height - 1); */
        /*@ assert fret: HB_CLIMB_EXACT ==> hb_none_is(hb, r, r + n, 1); */
        /*@ ghost lemma_plow_desc(hb, node, l, base, j, cs, s, v, r, x, n); */
        /*@ assert lret: HB_CLIMB_EXACT ==> plow_nofit(hb, x, r + n - 1, n); */
        return r;
    }
    *run = v;
    return NONE;
}

/* Returns the lowest p >= x such that [p, p + n) is free in the tree
 * (padding above num_entries counts as free), or NONE. Descends along x
 * (stopping at the first slot that starts at x: its summary covers it),
 * then climbs, reading each later sibling's summary with the free run
 * carried from its left, and enters only a sibling whose longest run fits. */
/*@ requires HB_READABLE(hb) && hb_fit_tree(&hb->root, hb->height - 1);
    requires x < 64 * hb_span(hb->height - 1) && 0 < n;
    assigns \nothing;
    ensures \result == NONE || (x <= \result && \result + n <= 64 * hb_span(hb->height - 1));
    ensures free: HB_CLIMB_EXACT ==> \result != NONE ==> hb_none_is(hb, \result, \result + n, 1);
    ensures lowest: HB_CLIMB_EXACT ==> \result != NONE ==> plow_nofit(hb, x, \result + n - 1, n);
    ensures none: HB_CLIMB_EXACT ==> \result == NONE ==>
              plow_nofit(hb, x, 64 * hb_span(hb->height - 1), n);
*/
static size_t first_fit(const hbitmap_t *hb, size_t x, size_t n)
{
    const hb_node_t *path[HBITMAP_MAX_HEIGHT];
    unsigned slot[HBITMAP_MAX_HEIGHT];
    size_t bases[HBITMAP_MAX_HEIGHT];
    const hb_node_t *node = &hb->root;
    size_t base = 0, run = 0;
    unsigned d = 0;
    { /* the descent along x */
    unsigned l = hb->height - 1u, k;
    size_t s;
    /*@ loop invariant l < hb->height && d == hb->height - 1 - l;
        loop invariant hb_fit_tree(node, l) && run == 0;
        loop invariant base <= x < base + 64 * hb_span(l);
        loop invariant base + 64 * hb_span(l) <= 64 * hb_span(hb->height - 1);
        loop invariant frames: \forall integer i; 0 <= i < d ==> HB_FIT_FRAME(i);
        loop invariant links: \forall integer i; 0 <= i && i + 1 < d ==> HB_FIT_LINK(i);
        loop invariant d > 0 ==> base + 64 * hb_span(l) == HB_FIT_POS(d - 1);
        loop invariant link_q: \forall integer i; 0 <= i < d && d <= i + 1 ==>
                         base + 64 * hb_span(l) == HB_FIT_POS(i);
        loop invariant fr: hb_frame(hb, node, l, base) && (HB_CLIMB_EXACT ==> hb_runs_exact(node, l));
        loop invariant subs: \forall integer i; 0 <= i < d ==> HB_CLIMB_SUB(i);
        loop assigns l, d, node, base, k, s, path[0 .. HBITMAP_MAX_HEIGHT - 1],
                     slot[0 .. HBITMAP_MAX_HEIGHT - 1], bases[0 .. HBITMAP_MAX_HEIGHT - 1];
        loop variant l;
    */
    for (;; l--) {
        k = SLOT_OF(x, base, l);
        /*@ assert k == (x - base) / hb_span(l) && k < 64; */
        s = base + span_mul(k, l);
        /*@ assert s == base + k * hb_span(l) && 0 < hb_span(l); */
        /*@ assert s <= x < s + hb_span(l); */
        /*@ assert s + hb_span(l) == hb_slot_at(base, k + 1, l) <= base + 64 * hb_span(l); */
        path[d] = node;
        /* where the climb goes on at this level: slot k itself when it
         * starts at x (its summary covers it), else the next one */
        slot[d] = k + (s != x ? 1u : 0u);
        bases[d] = base;
        d++;
        /*@ assert frame_new: HB_FIT_FRAME(d - 1); */
        /*@ assert frames: \forall integer i; 0 <= i < d ==> HB_FIT_FRAME(i); */
        /*@ assert link_new: d >= 2 ==> HB_FIT_LINK(d - 2); */
        /*@ assert links: \forall integer i; 0 <= i && i + 1 < d ==> HB_FIT_LINK(i); */
        /*@ assert sub_new: HB_CLIMB_SUB(d - 1); */
        /*@ assert subs: \forall integer i; 0 <= i < d ==> HB_CLIMB_SUB(i); */
        /* stop at the slot that starts at x, a uniform slot or a leaf (one
         * test of the three: the loop has one exit) */
        if ((s == x) | (node->child[k].node == 0) | (l == 0))
            break;
        /*@ ghost lemma_pclimb_frame_child(hb, node, l, base, k, SPAN(l)); */
        node = node->child[k].node;
        base = s;
    }
    if (s != x) {
        /*@ assert s + hb_span(l) == HB_FIT_POS(d - 1); */
        size_t r = at_step(node, l, k, s, x, n, &run) /*@ ghost (hb, base) */;
        if (r != NONE)
            return r;
    }
    /*@ assert low: plow_nofit(hb, x, HB_FIT_POS(d - 1), n) &&
             (run == HB_FIT_POS(d - 1) - x || hb_at(hb, HB_FIT_POS(d - 1) - run - 1)); */
    }
    /*@ loop invariant d <= hb->height;
        loop invariant frames: \forall integer i; 0 <= i < d ==> HB_FIT_FRAME(i);
        loop invariant links: \forall integer i; 0 <= i && i + 1 < d ==> HB_FIT_LINK(i);
        loop invariant run_le: d > 0 ==> run <= HB_FIT_POS(d - 1) - x;
        loop invariant subs: \forall integer i; 0 <= i < d ==> HB_CLIMB_SUB(i);
        loop invariant frun: HB_CLIMB_EXACT ==> d > 0 ==>
                         hb_none_is(hb, HB_FIT_POS(d - 1) - run, HB_FIT_POS(d - 1), 1);
        loop invariant low: HB_CLIMB_EXACT ==> d > 0 ==> plow_nofit(hb, x, HB_FIT_POS(d - 1), n) &&
                         (run == HB_FIT_POS(d - 1) - x || hb_at(hb, HB_FIT_POS(d - 1) - run - 1));
        loop invariant low0: HB_CLIMB_EXACT ==> d == 0 ==>
                         plow_nofit(hb, x, 64 * hb_span(hb->height - 1), n);
        loop assigns d, run;
        loop variant d;
    */
    while (d > 0) {
        d--;
        /*@ assert HB_FIT_POS(d) == bases[d] + slot[d] * hb_span(HB_FIT_LVL(d)); */
        /*@ assert sub: HB_CLIMB_SUB(d); */
        size_t r = climb_step(path[d], hb->height - 1u - d, bases[d], slot[d], n, &run)
            /*@ ghost (hb, x) */;
        if (r != NONE)
            return r;
        /*@ assert d == 0 ==> bases[0] == 0; */
    }
    return NONE;
}

/* Finds the lowest aligned free run (see hbitmap.h); changes nothing. */
/*@ requires hb != \null ==> HB_READABLE(hb) && hb_fit_tree(&hb->root, hb->height - 1);
    requires hb != \null && first != \null ==> \valid(first) && \separated(first, hb);
    assigns *first;
    behavior invalid_argument:
      assumes hb == \null || n == 0 || !IS_POW2(align) || first == \null;
      assigns \nothing;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
    behavior out_of_bounds:
      assumes hb != \null && n != 0 && IS_POW2(align) && first != \null;
      assumes hint > hb->num_entries;
      assigns \nothing;
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
    behavior too_long:
      assumes hb != \null && n != 0 && IS_POW2(align) && first != \null;
      assumes hint <= hb->num_entries && n > hb->num_entries - hint;
      assigns \nothing;
      ensures \result == VMM_ERR_NO_SPACE;
      ensures none: plow_anofit(hb, hint, align, hb->num_entries, n);
    behavior search:
      assumes hb != \null && n != 0 && IS_POW2(align) && first != \null;
      assumes hint <= hb->num_entries && n <= hb->num_entries - hint;
      assigns *first;
      ensures \result == VMM_OK || \result == VMM_ERR_NO_SPACE;
      ensures \result == VMM_OK ==> hint <= *first && *first + n <= hb->num_entries &&
                (*first - hint) % align == 0;
      ensures free: \result == VMM_OK ==> \let f = *first;
                \old(HB_CLIMB_EXACT ==> hb_none_is(hb, f, f + n, 1));
      ensures lowest: \result == VMM_OK ==> \let f = *first;
                \old(HB_CLIMB_EXACT ==> plow_anofit(hb, hint, align, f, n));
      ensures none: \result == VMM_ERR_NO_SPACE ==>
                \old(HB_CLIMB_EXACT ==> plow_anofit(hb, hint, align, hb->num_entries, n));
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t hbitmap_find(const hbitmap_t *hb, size_t n, size_t align, size_t hint,
                          size_t *first)
{
    if (hb == 0 || n == 0 || !IS_POW2(align) || first == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (hint > hb->num_entries)
        return VMM_ERR_OUT_OF_BOUNDS;
    size_t num = hb->num_entries;
    if (n > num - hint)
        return VMM_ERR_NO_SPACE;
    size_t last = num - n; /* highest start that fits */
    size_t x = hint;
    /*@ assert num <= 64 * hb_span(hb->height - 1); */
    /*@ loop invariant hint <= x <= last;
        loop invariant low: HB_CLIMB_EXACT ==> plow_anofit(hb, hint, align, x, n);
        loop assigns x;
        loop variant last - x;
    */
    for (;;) {
        size_t p = first_fit(hb, x, n);
        if (p == NONE || p > last) {
            /*@ assert lnone: HB_CLIMB_EXACT ==> plow_anofit(hb, hint, align, num, n); */
            return VMM_ERR_NO_SPACE;
        }
        /* the distance to the next start in phase (align is a power of
         * two; WP has no theory of the mask (p - hint) & (align - 1u), the
         * same value) */
        size_t off = (p - hint) % align;
        /*@ assert phase: p - hint == align * ((p - hint) / align) + off && off < align; */
        if (off != 0 && align - off > last - p) {
            /*@ ghost lemma_plow_phase(hint, align, p, last + 1u); */
            /*@ assert lphase: HB_CLIMB_EXACT ==> plow_anofit(hb, hint, align, num, n); */
            return VMM_ERR_NO_SPACE;
        }
        size_t s = off == 0 ? p : p + (align - off);
        /*@ assert in_phase: s - hint == align * ((p - hint) / align + (off == 0 ? 0 : 1)); */
        /*@ ghost lemma_hb_mod_mul(align, s - hint, (p - hint) / align + (off == 0 ? 0u : 1u)); */
        /*@ ghost if (off != 0) lemma_plow_phase(hint, align, p, s); */
        /*@ assert below: HB_CLIMB_EXACT ==> plow_anofit(hb, hint, align, s, n); */
        /* p starts a free run of n: only a moved start needs a look */
        size_t b = off == 0 ? s + n : range_scan(hb, s, s + n, true);
        if (b == s + n) {
            /*@ assert free: HB_CLIMB_EXACT ==> hb_none_is(hb, s, s + n, 1); */
            *first = s;
            return VMM_OK;
        }
        /*@ assert used: s <= b < s + n && hb_at(hb, b); */
        /*@ assert upto: HB_CLIMB_EXACT ==> plow_anofit(hb, hint, align, b + 1, n); */
        if (b >= last)
            return VMM_ERR_NO_SPACE; /* every start in phase up to b overlaps b */
        x = b + 1u; /* (<= last < num <= the root's span: a valid slot) */
    }
}

/* ---- range updates ---- */

/* The splits (nodes, leaves) a set or clear needs on one path. */
typedef struct hb_need {
    size_t nodes, leaves;
} hb_need_t;

/* Returns the splits that setting (set) or clearing [first, end) needs on
 * the path to entry x (count_splits' pass `pass`): each slot the range
 * covers only in part that is uniform with the other state, or lies below
 * such a slot. Pass 1 (x = end - 1) does not count a slot that also holds
 * first: pass 0 counted it (both walks cross the same slots, and take the
 * same steps, down to the level where first's and x's slots part). */
/*@ requires HB_READABLE(hb);
    requires first <= x < end <= hb->num_entries && pass <= 1;
    assigns \nothing;
    ensures \result.nodes <= hb->height - 1 && \result.leaves <= 1;
    // rpool2: the exact count of this path (rpool_tnodes / rpool_tleaves)
    ensures need_n: \result.nodes ==
              rpool_tnodes(&hb->root, hb->height - 1, 0, x, RPOOL2_Y(pass, first), first, end, set);
    ensures need_l: \result.leaves ==
              rpool_tleaves(&hb->root, hb->height - 1, 0, x, RPOOL2_Y(pass, first), first, end, set);
*/
static inline hb_need_t count_path(const hbitmap_t *hb, size_t x, size_t first, size_t end,
                                   bool set, unsigned pass)
{
    const hb_node_t *node = &hb->root;
    size_t base = 0;
    hb_need_t c = {0, 0};
    bool split = false; /* below a slot that will be split */
    /*@ loop invariant 0 <= l < hb->height;
        loop invariant !split ==> hb_tree(node, l);
        loop invariant base <= x < base + 64 * hb_span(l);
        loop invariant c.nodes <= hb->height - 1 - l && c.leaves == 0;
        loop invariant al: base % hb_span(l) == 0;
        loop invariant cn: !split ==> c.nodes +
                 rpool_tnodes((hb_node_t *)node, l, base, x, RPOOL2_Y(pass, first), first, end, set) ==
                 rpool_tnodes(&hb->root, hb->height - 1, 0, x, RPOOL2_Y(pass, first), first, end, set);
        loop invariant cns: split ==> c.nodes + rpool_vnodes(l, x, RPOOL2_Y(pass, first), first, end) ==
                 rpool_tnodes(&hb->root, hb->height - 1, 0, x, RPOOL2_Y(pass, first), first, end, set);
        loop invariant cl: !split ==>
                 rpool_tleaves((hb_node_t *)node, l, base, x, RPOOL2_Y(pass, first), first, end, set) ==
                 rpool_tleaves(&hb->root, hb->height - 1, 0, x, RPOOL2_Y(pass, first), first, end, set);
        loop invariant cls: split ==> rpool_vleaves(l, x, RPOOL2_Y(pass, first), first, end) ==
                 rpool_tleaves(&hb->root, hb->height - 1, 0, x, RPOOL2_Y(pass, first), first, end, set);
        loop assigns l, node, base, split, c;
        loop variant l;
    */
    for (unsigned l = hb->height - 1u;; l--) {
        unsigned k = SLOT_OF(x, base, l);
        /*@ assert k == (x - base) / hb_span(l) && k < 64; */
        size_t s = base + span_mul(k, l);
        /*@ assert s == base + k * hb_span(l) && 0 < hb_span(l); */
        /*@ assert s <= x < s + hb_span(l); */
        /*@ ghost lemma_rpool2_slot(base, x, first, l); */
        /*@ assert r_s: s == rpool_sstart(x, l) && s == hb_slot_at(base, k, l); */
        bool whole = first <= s && SPAN(l) <= end - s;
        /*@ assert r_w: whole <==> rpool_whole(s, l, first, end); */
        bool shared = pass == 1 && span_div(x, l) == span_div(first, l);
        /*@ assert r_sh: shared <==> rpool_new(x, RPOOL2_Y(pass, first), l) == 0; */
        /*@ assert r_vn: rpool_vnodes(l, x, RPOOL2_Y(pass, first), first, end) ==
                 (whole || l == 0 ? 0 : (shared ? 0 : 1) + rpool_vnodes(l - 1, x, RPOOL2_Y(pass, first), first, end)); */
        /*@ assert r_vl: rpool_vleaves(l, x, RPOOL2_Y(pass, first), first, end) ==
                 (whole ? 0 : l == 0 ? (shared ? 0 : 1) : rpool_vleaves(l - 1, x, RPOOL2_Y(pass, first), first, end)); */
        /*@ assert r_tn: !split ==>
                 rpool_tnodes((hb_node_t *)node, l, base, x, RPOOL2_Y(pass, first), first, end, set) ==
                 (whole ? 0 :
                  node->child[k].node != \null ? (l == 0 ? 0 :
                    rpool_tnodes(node->child[k].node, l - 1, s, x, RPOOL2_Y(pass, first), first, end, set)) :
                  (BIT(node->full, (uint8_t)k) == (set != 0)) ? 0 :
                  l == 0 ? 0 : (shared ? 0 : 1) + rpool_vnodes(l - 1, x, RPOOL2_Y(pass, first), first, end)); */
        /*@ assert r_tl: !split ==>
                 rpool_tleaves((hb_node_t *)node, l, base, x, RPOOL2_Y(pass, first), first, end, set) ==
                 (whole ? 0 :
                  node->child[k].node != \null ? (l == 0 ? 0 :
                    rpool_tleaves(node->child[k].node, l - 1, s, x, RPOOL2_Y(pass, first), first, end, set)) :
                  (BIT(node->full, (uint8_t)k) == (set != 0)) ? 0 :
                  l == 0 ? (shared ? 0 : 1) : rpool_vleaves(l - 1, x, RPOOL2_Y(pass, first), first, end)); */
        if (whole)
            break;
        if (!split) {
            if (node->child[k].node != 0) {
                if (l == 0)
                    break;
                node = node->child[k].node;
                base = s;
                continue;
            }
            if (slot_is(node, k, set)) {
                /*@ assert r_is: BIT(node->full, (uint8_t)k) <==> set != 0; */
                break;
            }
            /*@ assert r_nis: !(BIT(node->full, (uint8_t)k) <==> set != 0); */
            split = true;
        }
        if (l == 0) {
            if (!shared)
                c.leaves += 1u;
            break;
        }
        if (!shared)
            c.nodes += 1u;
        base = s;
    }
    return c;
}

/* Returns the splits (nodes, leaves) that setting (set) or clearing
 * [first, end) needs: on the paths to first and to end - 1, each slot the
 * range covers only in part that is uniform with the other state, or lies
 * below such a slot. Slots on both paths count once. */
/*@ requires HB_READABLE(hb);
    requires first < end <= hb->num_entries;
    assigns \nothing;
    ensures \result.nodes <= 2 * (hb->height - 1) && \result.leaves <= 2;
    // rpool2: the exact pool need
    ensures need: rpool2_need(hb, first, end, set, \result.nodes, \result.leaves);
*/
static hb_need_t count_splits(const hbitmap_t *hb, size_t first, size_t end, bool set)
{
    hb_need_t c = count_path(hb, first, first, end, set, 0);
    /* when first and end - 1 share their leaf, the second path is the first */
    if (span_div(first, 0) != span_div(end - 1u, 0)) {
        /*@ assert hb_span(0) == 4096 && first / 4096 != (end - 1) / 4096; */
        hb_need_t c1 = count_path(hb, end - 1u, first, end, set, 1);
        c.nodes += c1.nodes;
        c.leaves += c1.leaves;
    } else {
        /*@ assert hb_span(0) == 4096 && first / 4096 == (end - 1) / 4096; */
    }
    return c;
}

/* count_splits for hbitmap_prepare: the bounds pool_fill takes (the exact
 * need's recursive functions in hbitmap_prepare's context made its `kept`
 * goal time out). */
/*@ requires HB_READABLE(hb);
    requires first < end <= hb->num_entries;
    assigns \nothing;
    ensures \result.nodes <= 2 * (hb->height - 1) && \result.leaves <= 2;
    // rapply (round 40): count_splits' exact need passed on (hbitmap_prepare's
    // rapply_pool: range_apply's pool), under a \forall on the end (one
    // value) as rapply_pool: as a plain hypothesis it slowed hbitmap_prepare's
    // `kept` from 0.7 s to 3.9 s (the need's recursive functions).
    ensures rapply_need: \forall integer e; end <= e <= end ==>
              \result.nodes == rpool_need_nodes(hb, first, e, set) &&
              \result.leaves == rpool_need_leaves(hb, first, e, set);
*/
static inline hb_need_t prepare_need(const hbitmap_t *hb, size_t first, size_t end, bool set)
{
    return count_splits(hb, first, end, set);
}

/* Makes pointer-or-uniform slot k of node (level l) uniform: FULL when set.
 * Returns how many entries changed state. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && \valid(node);
    requires l < HBITMAP_MAX_HEIGHT && k < 64;
    requires \separated(node, &hb->nodes, &hb->leaves);
    requires node->child[k].node != \null && l == 0 ==>
               \valid_read(node->child[k].leaf) && hb->leaves > 0;
    requires node->child[k].node != \null && l > 0 ==>
               hb_tree(node->child[k].node, l - 1) &&
               hb->nodes >= 1 + hb_nodes_from(node->child[k].node, l - 1, 0) &&
               hb->leaves >= hb_leaves_from(node->child[k].node, l - 1, 0);
    assigns hb->nodes, hb->leaves, node->child[k].node, node->full, node->pre[k],
            node->suf[k], node->max[k], node->gmax[k / 8];
    ensures node->child[k].node == \null;
    ensures set != 0 ==> node->full == (\old(node->full) | ((uint64_t)1 << k));
    ensures set == 0 ==> node->full == BIT_CLEARED(\old(node->full), k);
    ensures node->pre[k] == node->suf[k] == node->max[k] == (set != 0 ? 0 : hb_span(l));
    ensures node->gmax[k / 8] == GROUP_STALE;
    ensures \result <= hb_span(l);
    // pcontent: every entry of slot k is now in the state set says.
    ensures pc_fill: \forall integer o; hb_slot_used(node, l, k, o) <==> set != 0;
    // rup3 (round 42): every other node keeps its FULL bits and .leaf
    // members, no leaf is written (its assigns; leaf_range_fill's rup_fr /
    // rup_lf: as leaf_range_fill asserts they took 6.6 s at load 3.7).
    ensures rup3_fl: \forall hb_node_t *p; PD_APART(p, hb) && \separated(p, node) ==>
              RSPLIT_FL(Old, Here, p);
    // (and the .node members: leaf_range_fill's pdesc_fc an instance, it
    // timed out with rup3_fl beside it)
    ensures rup3_fc: \forall hb_node_t *p; PD_APART(p, hb) && \separated(p, node) ==>
              pd_same_child{Old, Here}(p);
    ensures rup3_lg: \forall hb_leaf_t *f; \separated(f, node) && \separated(f, hb) ==>
              RUP_LG(Old, Here, f);
    behavior uniform:
      assumes node->child[k].node == \null;
      ensures hb->nodes == \old(hb->nodes) && hb->leaves == \old(hb->leaves);
      ensures \result == (BIT(\old(node->full), k) ? (set != 0 ? 0 : hb_span(l))
                                                   : (set != 0 ? hb_span(l) : 0));
    behavior leaf:
      assumes node->child[k].node != \null && l == 0;
      ensures hb->nodes == \old(hb->nodes) && hb->leaves == \old(hb->leaves) - 1;
      ensures \result == (set != 0 ? 4096 - \old(hb_leaf_same(node->child[k].leaf, 0, 4096, 1))
                                    : \old(hb_leaf_same(node->child[k].leaf, 0, 4096, 1)));
    behavior node:
      assumes node->child[k].node != \null && l > 0;
      ensures hb->nodes == \old(hb->nodes - 1 - hb_nodes_from(node->child[k].node, l - 1, 0));
      ensures hb->leaves == \old(hb->leaves - hb_leaves_from(node->child[k].node, l - 1, 0));
    complete behaviors;
    disjoint behaviors;
*/
static size_t slot_fill(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l, bool set)
{
    size_t used;
    if (node->child[k].node != 0)
        used = free_subtree(hb, node, k, l);
    else
        used = (node->full & SLOT_BIT(k)) != 0 ? span_mul(1, l) : 0; /* SPAN(l) */
    node->child[k].node = 0;
    if (set)
        node->full |= SLOT_BIT(k);
    else
        node->full &= ~SLOT_BIT(k);
    store_runs(node, k, uniform_runs(set, l));
    node_groups_stale(node, k, k);
    return set ? span_mul(1, l) - used : used; /* SPAN(l) - used */
}

/* Returns n * SPAN(l): the entries n slots of level l cover. */
/*@ requires n <= 64 && l < HBITMAP_MAX_HEIGHT;
    assigns \nothing;
    ensures \result == hb_slots_span(n, l) <= 1152921504606846976;
*/
static inline size_t slots_span(unsigned n, unsigned l)
{
    /*@ ghost lemma_pstep_mul(n, l); */
    return (size_t)n * span_mul(1, l); /* n << SHIFT(l) */
}

/* Frees the subtrees below the pointer slots among [ka, kb] of node (level
 * l) and returns used plus how many entries in them were used; the slots
 * keep their pointers (slots_unlink clears them). (Ghost f0: the FULL bits
 * the slots had, none of a pointer slot; used counts the FULL ones.) */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && \valid(node) && hb_tree(node, l);
    requires l < HBITMAP_MAX_HEIGHT && ka <= kb < 64;
    requires \separated(node, &hb->nodes, &hb->leaves);
    requires \forall integer j; ka <= j <= kb && node->child[j].node != \null ==> !BIT(f0, j);
    requires hb->nodes >= hb_nodes_from(node, l, ka) && hb->leaves >= hb_leaves_from(node, l, ka);
    requires 0 <= hb_slots_span(kb + 1 - ka - hb_wsame(f0, ka, kb + 1, 1), l);
    requires used + hb_slots_span(kb + 1 - ka - hb_wsame(f0, ka, kb + 1, 1), l) ==
               hb_slots_span(kb + 1 - ka, l) <= 1152921504606846976;
    assigns hb->nodes, hb->leaves;
    ensures nodes_count: hb->nodes == \old(hb->nodes - (hb_nodes_from(node, l, ka) - hb_nodes_from(node, l, kb + 1)));
    ensures leaves_count: hb->leaves == \old(hb->leaves - (hb_leaves_from(node, l, ka) - hb_leaves_from(node, l, kb + 1)));
    ensures node->full == \old(node->full);
    ensures used: \result <= hb_slots_span(kb + 1 - ka, l);
    // papply2: only hb's counts were written (range_fill_step's frame).
    ensures papply2_v: papply2_v{Pre,Here};
    ensures papply2_n: papply2_n{Pre,Here}(hb, node, node);
    ensures papply2_l: papply2_l{Pre,Here}(hb, node, node);
*/
static inline size_t slots_free(hbitmap_t *hb, hb_node_t *node, unsigned ka, unsigned kb, unsigned l,
                                size_t used) /*@ ghost (uint64_t f0) */
{
    /*@ ghost size_t c = 0; */ /* the slots passed that were not FULL */
    /*@ loop invariant ka <= k <= kb + 1;
        loop invariant hb->nodes - hb_nodes_from(node, l, k) ==
                         \at(hb->nodes - hb_nodes_from(node, l, ka), Pre);
        loop invariant hb->leaves - hb_leaves_from(node, l, k) ==
                         \at(hb->leaves - hb_leaves_from(node, l, ka), Pre);
        loop invariant node->full == \at(node->full, Pre);
        loop invariant c == k - ka - hb_wsame(f0, ka, k, 1) && c <= k - ka;
        loop invariant used <= \at(used, Pre) + hb_slots_span(c, l);
        loop assigns k, c, used, hb->nodes, hb->leaves;
        loop variant kb + 1 - k;
    */
    for (unsigned k = ka; k <= kb; k++) {
        /*@ ghost lemma_pstep_step(c, l); */
        /*@ assert hb_nodes_from(node, l, k) == hb_nodes_from(node, l, k + 1) +
                     (l <= 0 || node->child[k].node == \null ? 0 :
                      1 + hb_nodes_from(node->child[k].node, l - 1, 0)); */
        /*@ assert hb_leaves_from(node, l, k) == hb_leaves_from(node, l, k + 1) +
                     (node->child[k].node == \null ? 0 : l <= 0 ? 1 :
                      hb_leaves_from(node->child[k].node, l - 1, 0)); */
        /*@ assert \let kk = k; hb_wsame(f0, ka, kk + 1, 1) ==
                     hb_wsame(f0, ka, kk, 1) + (BIT(f0, kk) ? 1 : 0); */
        if (node->child[k].node != 0)
            used += free_subtree(hb, node, k, l);
        /*@ ghost
          if ((f0 & SLOT_BIT(k)) == 0)
            c++;
        */
    }
    return used;
}

/* Sets (set) or clears the FULL bits of slots [ka, kb] of node (level l).
 * Returns the entries the FULL ones among them covered (their number times
 * SPAN(l)). (Ghost hb: the header's counts, which it keeps.) */
/*@ requires \valid(node) && l < HBITMAP_MAX_HEIGHT && ka <= kb < 64;
    requires \separated(node, &hb->nodes, &hb->leaves);
    assigns node->full;
    ensures full_bits: \forall integer j; 0 <= j < 64 ==>
              (BIT(node->full, j) <==> (ka <= j <= kb ? set != 0 : BIT(\old(node->full), j)));
    ensures used: \result == hb_slots_span(hb_wsame(\old(node->full), ka, kb + 1, 1), l);
    ensures rest: 0 <= hb_slots_span(kb + 1 - ka - hb_wsame(\old(node->full), ka, kb + 1, 1), l) &&
                  \result + hb_slots_span(kb + 1 - ka - hb_wsame(\old(node->full), ka, kb + 1, 1), l) ==
                    hb_slots_span(kb + 1 - ka, l) <= 1152921504606846976;
    ensures frame: hb->nodes == \old(hb->nodes) && hb->leaves == \old(hb->leaves);
    // papply2: only node was written (range_fill_step's frame).
    ensures papply2_v: papply2_v{Pre,Here};
    ensures papply2_n: papply2_n{Pre,Here}(hb, node, node);
    ensures papply2_l: papply2_l{Pre,Here}(hb, node, node);
*/
static inline size_t slots_flags(hb_node_t *node, unsigned ka, unsigned kb, unsigned l, bool set)
    /*@ ghost (hbitmap_t *hb) */
{
    uint64_t mask = bits_between(ka, kb + 1u);
    /*@ ghost lemma_hb_wcount_and(node->full, mask);
              lemma_hb_wcount_between(mask, ka, kb + 1u);
              lemma_hb_wcount_keep(node->full, node->full & mask, ka, kb + 1u, 1);
              lemma_hb_wsame_rest(node->full, ka, kb + 1u, 1);
    */
    unsigned c = popcount64(node->full & mask); /* FULL slots */
    /*@ assert c == hb_wsame(node->full, ka, kb + 1, 1) <= kb + 1 - ka; */
    /*@ ghost lemma_pstep_sum(kb + 1u - ka - c, c, l); */
    size_t used = slots_span(c, l);
    node->full = set ? node->full | mask : node->full & ~mask;
    /*@ assert set != 0 ==> \forall integer j; 0 <= j < 64 ==>
                 (BIT(node->full, j) <==> BIT(\at(node->full, Pre), j) || BIT(mask, j)); */
    /*@ assert set == 0 ==> \forall integer j; 0 <= j < 64 ==>
                 (BIT(node->full, j) <==> BIT(\at(node->full, Pre), j) && !BIT(mask, j)); */
    return used;
}

/* Stores v as the summary (pre, suf, max) of slots [ka, kb] of node and
 * marks their groups' runs unknown (node_groups_stale). (Ghost hb: the
 * header's counts, which it keeps.) */
/*@ requires \valid(node) && ka <= kb < 64;
    requires \separated(node, &hb->nodes, &hb->leaves);
    assigns node->pre[ka .. kb], node->suf[ka .. kb], node->max[ka .. kb],
            node->gmax[ka / 8 .. kb / 8];
    ensures \forall integer j; ka <= j <= kb ==> node->pre[j] == node->suf[j] == node->max[j] == v;
    ensures \forall integer g; ka / 8 <= g <= kb / 8 ==> node->gmax[g] == GROUP_STALE;
    ensures frame: node->full == \old(node->full) && hb->nodes == \old(hb->nodes) &&
                   hb->leaves == \old(hb->leaves);
    // papply2: only node was written (range_fill_step's frame).
    ensures papply2_v: papply2_v{Pre,Here};
    ensures papply2_n: papply2_n{Pre,Here}(hb, node, node);
    ensures papply2_l: papply2_l{Pre,Here}(hb, node, node);
    // rmid3 (round 33): the slot / group runs of every node apart from hb's
    // written fields and from node kept (slots_fill's rmid2_fr / _fg: there,
    // through this call's assigns, they timed out).
    ensures rmid2_fr: RMID2_FR(Old, Here, hb, node);
    ensures rmid2_fg: RMID2_FG(Old, Here, hb, node);
*/
static inline void slots_store(hb_node_t *node, unsigned ka, unsigned kb, size_t v)
    /*@ ghost (hbitmap_t *hb) */
{
    /*@ loop invariant ka <= k <= kb + 1;
        loop invariant \forall integer j; ka <= j < k ==>
                         node->pre[j] == node->suf[j] == node->max[j] == v;
        loop invariant node->full == \at(node->full, Pre) && hb->nodes == \at(hb->nodes, Pre) &&
                       hb->leaves == \at(hb->leaves, Pre);
        loop assigns k, node->pre[ka .. kb], node->suf[ka .. kb], node->max[ka .. kb];
        loop variant kb + 1 - k;
    */
    for (unsigned k = ka; k <= kb; k++) {
        node->pre[k] = v;
        node->suf[k] = v;
        node->max[k] = v;
    }
    node_groups_stale(node, ka, kb);
    /*@ assert node->full == \at(node->full, Pre) && hb->nodes == \at(hb->nodes, Pre) &&
               hb->leaves == \at(hb->leaves, Pre); */
    /*@ assert \forall integer j; ka <= j <= kb ==> node->pre[j] == node->suf[j] == node->max[j] == v; */
}

/* Clears the pointers of slots [ka, kb] of node (their subtrees freed).
 * (Ghost hb: named by its frame only.) */
/*@ requires \valid(node) && ka <= kb < 64;
    assigns node->child[ka .. kb];
    ensures \forall integer j; ka <= j <= kb ==> node->child[j].node == \null;
    // papply2: only node was written (range_fill_step's frame).
    ensures papply2_v: papply2_v{Pre,Here};
    ensures papply2_n: papply2_n{Pre,Here}(hb, node, node);
    ensures papply2_l: papply2_l{Pre,Here}(hb, node, node);
*/
static inline void slots_unlink(hb_node_t *node, unsigned ka, unsigned kb)
    /*@ ghost (hbitmap_t *hb) */
{
    /*@ loop invariant ka <= k <= kb + 1;
        loop invariant \forall integer j; ka <= j < k ==> node->child[j].node == \null;
        loop assigns k, node->child[ka .. kb];
        loop variant kb + 1 - k;
    */
    for (unsigned k = ka; k <= kb; k++)
        node->child[k].node = 0;
}

/* Makes slots [ka, kb] of node (level l, pointer or uniform) uniform: FULL
 * when set, in one pass (the FULL bits at once, the summaries as one
 * stretch). Returns how many entries changed state. The subtrees are freed
 * first, then the flags and summaries stored, then the slots cleared (the
 * same frees in the same order, the same final bytes): a pointer store into
 * node would change what the proof knows of the subtrees still to free. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && \valid(node) && hb_tree(node, l);
    requires l < HBITMAP_MAX_HEIGHT && ka <= kb < 64;
    requires \separated(node, &hb->nodes, &hb->leaves);
    requires \forall integer j; ka <= j <= kb && node->child[j].node != \null ==> !BIT(node->full, j);
    requires hb->nodes >= hb_nodes_from(node, l, ka) && hb->leaves >= hb_leaves_from(node, l, ka);
    assigns hb->nodes, hb->leaves, node->child[ka .. kb], node->full, node->pre[ka .. kb],
            node->suf[ka .. kb], node->max[ka .. kb], node->gmax[ka / 8 .. kb / 8];
    ensures \forall integer j; ka <= j <= kb ==> node->child[j].node == \null;
    ensures full_bits: \forall integer j; 0 <= j < 64 ==>
              (BIT(node->full, j) <==> (ka <= j <= kb ? set != 0 : BIT(\old(node->full), j)));
    ensures \forall integer j; ka <= j <= kb ==>
              node->pre[j] == node->suf[j] == node->max[j] == (set != 0 ? 0 : hb_span(l));
    ensures \forall integer g; ka / 8 <= g <= kb / 8 ==> node->gmax[g] == GROUP_STALE;
    ensures nodes_count: hb->nodes == \old(hb->nodes - (hb_nodes_from(node, l, ka) - hb_nodes_from(node, l, kb + 1)));
    ensures leaves_count: hb->leaves == \old(hb->leaves - (hb_leaves_from(node, l, ka) - hb_leaves_from(node, l, kb + 1)));
    ensures \result <= hb_slots_span(kb - ka + 1, l);
    // pcontent: every entry of slots [ka, kb] is now in the state set says.
    ensures pc_fill: \forall integer j, o; ka <= j <= kb ==> (hb_slot_used(node, l, j, o) <==> set != 0);
    // pfull: no pointer slot below node is FULL, kept (the filled slots are
    // no pointers; the other subtrees untouched: proofs/hbitmap-pfull.acsl).
    ensures pfull_nf: \old(hb_wtree(hb, node, l)) && \old(pfull_nf(node, l)) ==> pfull_nf(node, l);
    // papply2: only hb's counts and node were written (range_fill_step's frame).
    ensures papply2_unch: pkeep_unch{Pre,Here}(hb, node, node);
    // rmid3 (round 33): nodes apart from hb's written fields and node kept,
    // one field (group) each (range_mid's frame, through range_fill_step).
    RMID2_F4(Old, Here, hb, node)
*/
static size_t slots_fill(hbitmap_t *hb, hb_node_t *node, unsigned ka, unsigned kb, unsigned l,
                         bool set)
{
    size_t sp = span_mul(1, l); /* SPAN(l) */
    /*@ ghost uint64_t f0 = node->full; */
    size_t used = slots_flags(node, ka, kb, l, set) /*@ ghost (hb) */; /* the FULL slots */
    /*@ assert pfull_u1: pfull_unch{Pre,Here}(hb, node, node); */
    used = slots_free(hb, node, ka, kb, l, used) /*@ ghost (f0) */;  /* and below the pointer slots */
    /*@ assert pfull_u2: pfull_unch{Pre,Here}(hb, node, node); */
    /*@ assert papply2_v2: papply2_v{Pre,Here}; */
    /*@ assert papply2_n2: papply2_n{Pre,Here}(hb, node, node); */
    /*@ assert papply2_l2: papply2_l{Pre,Here}(hb, node, node); */
    size_t all = slots_span(kb - ka + 1u, l);
    size_t changed = set ? all - used : used;
    /*@ assert pfull_sep: \forall hb_node_t *m; \separated(m, node) ==>
               \separated(&m->full, &node->pre[ka .. kb], &node->suf[ka .. kb], &node->max[ka .. kb],
                          &node->gmax[ka / 8 .. kb / 8]); */
    slots_store(node, ka, kb, set ? 0 : sp) /*@ ghost (hb) */;
    /*@ assert pfull_u3f: \forall hb_node_t *m; \separated(m, hb) && \separated(m, node) ==>
               \at(m->full, Pre) == m->full; */
    /*@ assert pfull_u3c: \forall hb_node_t *m; \separated(m, hb) && \separated(m, node) ==>
               \forall integer j; 0 <= j < 64 ==> \at(m->child[j].node, Pre) == m->child[j].node; */
    /*@ assert pfull_u3: pfull_unch{Pre,Here}(hb, node, node); */
    /*@ assert papply2_v3: papply2_v{Pre,Here}; */
    /*@ assert papply2_n3: papply2_n{Pre,Here}(hb, node, node); */
    /*@ assert papply2_l3: papply2_l{Pre,Here}(hb, node, node); */
    slots_unlink(node, ka, kb) /*@ ghost (hb) */;
    /*@ assert pfull_u: pfull_unch{Pre,Here}(hb, node, node); */
    /*@ assert papply2_v4: papply2_v{Pre,Here}; */
    /*@ assert papply2_n4: papply2_n{Pre,Here}(hb, node, node); */
    /*@ assert papply2_l4: papply2_l{Pre,Here}(hb, node, node); */
    /*@ assert papply2_u: pkeep_unch{Pre,Here}(hb, node, node); */
    /*@ assert pfull_f: l > 0 ==> pfull_fr{Pre,Here}(hb, node, node, l - 1); */
    /*@ assert pfull_k: \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               node->child[j].node == \at(node->child[j].node, Pre) &&
               (BIT(node->full, (uint8_t)j) <==> BIT(\at(node->full, Pre), (uint8_t)j)); */
    return changed;
}

/* Replaces uniform slot k of node (level l) by a node or leaf of the same
 * content, taken from the pool; cannot fail (the caller filled the pool,
 * so nothing is allocated here and there is no state to undo). */
/*@ requires \valid(hb) && \valid(node) && l < HBITMAP_MAX_HEIGHT && k < 64;
    requires node->child[k].node == \null;
    requires \separated(node, &hb->nodes, &hb->leaves, &hb->num_spare_nodes,
                         &hb->num_spare_leaves, &hb->spare_node[0 .. HBITMAP_SPARE_NODES - 1],
                         &hb->spare_leaf[0 .. HBITMAP_SPARE_LEAVES - 1]);
    assigns hb->nodes, hb->leaves, hb->num_spare_nodes, hb->num_spare_leaves,
            hb->spare_node[0 .. hb->num_spare_nodes - 1],
            hb->spare_leaf[0 .. hb->num_spare_leaves - 1],
            *hb->spare_node[0 .. hb->num_spare_nodes - 1],
            *hb->spare_leaf[0 .. hb->num_spare_leaves - 1], node->child[k], node->full;
    behavior leaf:
      assumes l == 0;
      requires 0 < hb->num_spare_leaves <= HBITMAP_SPARE_LEAVES && hb->leaves < SIZE_MAX;
      requires \valid(hb->spare_leaf[hb->num_spare_leaves - 1]);
      requires \separated(hb->spare_leaf[hb->num_spare_leaves - 1], hb) &&
               \separated(hb->spare_leaf[hb->num_spare_leaves - 1], node);
      assigns hb->leaves, hb->num_spare_leaves, hb->spare_leaf[hb->num_spare_leaves - 1],
              *hb->spare_leaf[hb->num_spare_leaves - 1], node->child[k], node->full;
      ensures hb->leaves == \old(hb->leaves) + 1;
      ensures hb->num_spare_leaves == \old(hb->num_spare_leaves) - 1;
      ensures hb->spare_leaf[hb->num_spare_leaves] == \null;
      ensures node->child[k].leaf == \old(hb->spare_leaf[hb->num_spare_leaves - 1]);
      ensures node->child[k].node != \null;
      ensures \forall integer j; 0 <= j < 4096 ==>
                (LEAF_USED(node->child[k].leaf, j) <==> BIT(\old(node->full), k));
      ensures \forall integer g; 0 <= g < 8 ==>
                node->child[k].leaf->gpre[g] == node->child[k].leaf->gsuf[g] ==
                node->child[k].leaf->gmax[g] == (BIT(\old(node->full), k) ? 0 : 512);
      ensures node->full == BIT_CLEARED(\old(node->full), k);
      ensures exact: HB_GROUPS_EXACT(node->child[k].leaf);
      // pwtree: the pool's counts and NULL slots kept, the node pool as it
      // was (for slot_enter, whose call frame over the spares' contents is a
      // nested quantifier).
      ensures pw_ok: \old(HB_POOL_OK(hb)) ==> HB_POOL_OK(hb);
      ensures pw_nodes: \forall integer j; 0 <= j < HBITMAP_SPARE_NODES ==>
                hb->spare_node[j] == \old(hb->spare_node[j]);
      // pdescent: what the set/clear descent keeps, first order (the spares
      // left, the other count, node's summaries, the header, the slots and
      // group runs of every node apart from node and the spare taken).
      ensures pd_spares: \forall integer j; 0 <= j < HBITMAP_SPARE_NODES && j < hb->num_spare_nodes ==>
                hb->spare_node[j] == \old(hb->spare_node[j]);
      ensures pd_sparel: \forall integer j; 0 <= j < HBITMAP_SPARE_LEAVES && j < hb->num_spare_leaves ==>
                hb->spare_leaf[j] == \old(hb->spare_leaf[j]);
      ensures pd_count: hb->nodes == \old(hb->nodes) && hb->num_spare_nodes == \old(hb->num_spare_nodes);
      ensures pd_runs: \forall integer j; 0 <= j < 64 ==> node->pre[j] == \old(node->pre[j]) &&
                node->suf[j] == \old(node->suf[j]) && node->max[j] == \old(node->max[j]);
      ensures pd_groups: \forall integer g; 0 <= g < 8 ==> node->gpre[g] == \old(node->gpre[g]) &&
                node->gsuf[g] == \old(node->gsuf[g]) && node->gmax[g] == \old(node->gmax[g]);
      ensures pd_hdr: \separated(node, &hb->height, &hb->num_entries, &hb->num_free,
                                 &hb->allocator) ==>
                hb->height == \old(hb->height) && hb->num_entries == \old(hb->num_entries) &&
                hb->num_free == \old(hb->num_free) && HB_ALLOCATOR(hb) == \old(HB_ALLOCATOR(hb));
      ensures pd_frame_c: \forall hb_node_t *p; \separated(p, node) &&
                PD_APART(p, hb) && \separated(p, \old(hb->spare_leaf[hb->num_spare_leaves - 1])) ==>
                pd_same_child{Old, Here}(p);
      ensures pd_frame_r: \forall hb_node_t *p; \separated(p, node) &&
                PD_APART(p, hb) && \separated(p, \old(hb->spare_leaf[hb->num_spare_leaves - 1])) ==>
                pd_same_runs{Old, Here}(p);
      ensures pd_frame_g: \forall hb_node_t *p; \separated(p, node) &&
                PD_APART(p, hb) && \separated(p, \old(hb->spare_leaf[hb->num_spare_leaves - 1])) ==>
                pd_same_groups{Old, Here}(p);
      // rsplit (round 29): the rest of the frame, first order (slot_enter's
      // callers cannot get it through the top-level assigns, whose spares'
      // contents are a set comprehension): node's other slots, every other
      // node's FULL bits and .leaf, every leaf apart from hb, node and the
      // spare taken.
      ensures rsplit_oc: \forall integer j; 0 <= j < 64 && j != k ==>
                node->child[j].node == \old(node->child[j].node) &&
                node->child[j].leaf == \old(node->child[j].leaf);
      ensures rsplit_of: \forall hb_node_t *p; \separated(p, node) &&
                PD_APART(p, hb) && \separated(p, \old(hb->spare_leaf[hb->num_spare_leaves - 1])) ==>
                RSPLIT_FL(Old, Here, p);
      ensures rsplit_lf: \forall hb_leaf_t *f; \separated(f, hb) && \separated(f, node) &&
                \separated(f, \old(hb->spare_leaf[hb->num_spare_leaves - 1])) ==>
                pkeep_lsame{Old, Here}(f);
    behavior node:
      assumes l > 0;
      requires 0 < hb->num_spare_nodes <= HBITMAP_SPARE_NODES && hb->nodes < SIZE_MAX;
      requires \valid(hb->spare_node[hb->num_spare_nodes - 1]);
      requires \separated(hb->spare_node[hb->num_spare_nodes - 1], hb) &&
               \separated(hb->spare_node[hb->num_spare_nodes - 1], node);
      assigns hb->nodes, hb->num_spare_nodes, hb->spare_node[hb->num_spare_nodes - 1],
              *hb->spare_node[hb->num_spare_nodes - 1], node->child[k], node->full;
      ensures hb->nodes == \old(hb->nodes) + 1;
      ensures hb->num_spare_nodes == \old(hb->num_spare_nodes) - 1;
      ensures hb->spare_node[hb->num_spare_nodes] == \null;
      ensures node->child[k].node == \old(hb->spare_node[hb->num_spare_nodes - 1]);
      ensures node->child[k].node != \null;
      ensures \forall integer j; 0 <= j < 64 ==> node->child[k].node->child[j].node == \null;
      ensures \forall integer j; 0 <= j < 64 ==>
                node->child[k].node->pre[j] == node->child[k].node->suf[j] ==
                node->child[k].node->max[j] == (BIT(\old(node->full), k) ? 0 : hb_span(l - 1));
      ensures \forall integer g; 0 <= g < 8 ==>
                node->child[k].node->gpre[g] == node->child[k].node->gsuf[g] ==
                node->child[k].node->gmax[g] == 8 * (BIT(\old(node->full), k) ? 0 : hb_span(l - 1));
      ensures node->child[k].node->full == (BIT(\old(node->full), k) ? 0xFFFFFFFFFFFFFFFF : 0);
      ensures node->full == BIT_CLEARED(\old(node->full), k);
      // pwtree: the spare slots above the one taken, and the leaf pool, kept
      // (for slot_enter, whose call frame over the spares' contents is a
      // nested quantifier).
      // rpart6 (round 33): the pool's shape kept, as in behavior leaf (slot_enter's
      // pleaf_ok then one instance: it timed out at load 5 when its task changed).
      ensures pw_ok: \old(HB_POOL_OK(hb)) ==> HB_POOL_OK(hb);
      ensures pw_tail: \forall integer j; hb->num_spare_nodes < j < HBITMAP_SPARE_NODES ==>
                hb->spare_node[j] == \old(hb->spare_node[j]);
      ensures pw_leaves: \forall integer j; 0 <= j < HBITMAP_SPARE_LEAVES ==>
                hb->spare_leaf[j] == \old(hb->spare_leaf[j]);
      // pdescent: what the set/clear descent keeps, first order (the spares
      // left, the other count, node's group runs, the slots of every node
      // apart from node and the spare taken).
      ensures pd_spares: \forall integer j; 0 <= j < HBITMAP_SPARE_NODES && j < hb->num_spare_nodes ==>
                hb->spare_node[j] == \old(hb->spare_node[j]);
      ensures pd_sparel: \forall integer j; 0 <= j < HBITMAP_SPARE_LEAVES && j < hb->num_spare_leaves ==>
                hb->spare_leaf[j] == \old(hb->spare_leaf[j]);
      ensures pd_count: hb->leaves == \old(hb->leaves) && hb->num_spare_leaves == \old(hb->num_spare_leaves);
      ensures pd_groups: \forall integer g; 0 <= g < 8 ==> node->gpre[g] == \old(node->gpre[g]) &&
                node->gsuf[g] == \old(node->gsuf[g]) && node->gmax[g] == \old(node->gmax[g]);
      ensures pd_frame_c: \forall hb_node_t *p; \separated(p, node) &&
                PD_APART(p, hb) && \separated(p, \old(hb->spare_node[hb->num_spare_nodes - 1])) ==>
                pd_same_child{Old, Here}(p);
      ensures pd_runs: \forall integer j; 0 <= j < 64 ==> node->pre[j] == \old(node->pre[j]) &&
                node->suf[j] == \old(node->suf[j]) && node->max[j] == \old(node->max[j]);
      ensures pd_hdr: \separated(node, &hb->height, &hb->num_entries, &hb->num_free,
                                 &hb->allocator) ==>
                hb->height == \old(hb->height) && hb->num_entries == \old(hb->num_entries) &&
                hb->num_free == \old(hb->num_free) && HB_ALLOCATOR(hb) == \old(HB_ALLOCATOR(hb));
      ensures pd_frame_pre: \forall hb_node_t *p; \separated(p, node) &&
                PD_APART(p, hb) && \separated(p, \old(hb->spare_node[hb->num_spare_nodes - 1])) ==>
                \forall integer j; 0 <= j < 64 ==> p->pre[j] == \old(p->pre[j]);
      ensures pd_frame_suf: \forall hb_node_t *p; \separated(p, node) &&
                PD_APART(p, hb) && \separated(p, \old(hb->spare_node[hb->num_spare_nodes - 1])) ==>
                \forall integer j; 0 <= j < 64 ==> p->suf[j] == \old(p->suf[j]);
      ensures pd_frame_max: \forall hb_node_t *p; \separated(p, node) &&
                PD_APART(p, hb) && \separated(p, \old(hb->spare_node[hb->num_spare_nodes - 1])) ==>
                \forall integer j; 0 <= j < 64 ==> p->max[j] == \old(p->max[j]);
      ensures pd_frame_gpre: \forall hb_node_t *p; \separated(p, node) &&
                PD_APART(p, hb) && \separated(p, \old(hb->spare_node[hb->num_spare_nodes - 1])) ==>
                \forall integer g; 0 <= g < 8 ==> p->gpre[g] == \old(p->gpre[g]);
      ensures pd_frame_gsuf: \forall hb_node_t *p; \separated(p, node) &&
                PD_APART(p, hb) && \separated(p, \old(hb->spare_node[hb->num_spare_nodes - 1])) ==>
                \forall integer g; 0 <= g < 8 ==> p->gsuf[g] == \old(p->gsuf[g]);
      ensures pd_frame_gmax: \forall hb_node_t *p; \separated(p, node) &&
                PD_APART(p, hb) && \separated(p, \old(hb->spare_node[hb->num_spare_nodes - 1])) ==>
                \forall integer g; 0 <= g < 8 ==> p->gmax[g] == \old(p->gmax[g]);
      // rsplit (round 29): as in behavior leaf.
      ensures rsplit_oc: \forall integer j; 0 <= j < 64 && j != k ==>
                node->child[j].node == \old(node->child[j].node) &&
                node->child[j].leaf == \old(node->child[j].leaf);
      ensures rsplit_of: \forall hb_node_t *p; \separated(p, node) &&
                PD_APART(p, hb) && \separated(p, \old(hb->spare_node[hb->num_spare_nodes - 1])) ==>
                RSPLIT_FL(Old, Here, p);
      ensures rsplit_lf: \forall hb_leaf_t *f; \separated(f, hb) && \separated(f, node) &&
                \separated(f, \old(hb->spare_node[hb->num_spare_nodes - 1])) ==>
                pkeep_lsame{Old, Here}(f);
    complete behaviors;
    disjoint behaviors;
*/
static void slot_split(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l)
{
    bool full = (node->full & SLOT_BIT(k)) != 0;
    /* node's FULL flags without slot k's, stored last (read here, before
     * the new child is written: the proof then needs no frame for them) */
    uint64_t rest = node->full & ~SLOT_BIT(k);
    if (l == 0) {
        hb_leaf_t *lf = take_leaf(hb);
        /*@ loop invariant 0 <= w <= 64;
            loop invariant \forall integer i; 0 <= i < w ==> lf->bits[i] == (full ? 0xFFFFFFFFFFFFFFFF : 0);
            loop assigns w, lf->bits[0 .. 63];
            loop variant 64 - w;
        */
        for (unsigned w = 0; w < HBITMAP_LEAF_WORDS; w++)
            lf->bits[w] = full ? ALL_ONES : 0;
        /*@ loop invariant 0 <= g <= 8;
            loop invariant \forall integer i; 0 <= i < g ==>
                             lf->gpre[i] == lf->gsuf[i] == lf->gmax[i] == (full ? 0 : 512);
            loop assigns g, lf->gpre[0 .. 7], lf->gsuf[0 .. 7], lf->gmax[0 .. 7];
            loop variant 8 - g;
        */
        for (unsigned g = 0; g < HBITMAP_LEAF_GROUPS; g++) {
            uint16_t v = full ? 0 : (uint16_t)GROUP_ENTRIES;
            lf->gpre[g] = v;
            lf->gsuf[g] = v;
            lf->gmax[g] = v;
        }
        /* rsplit (round 29): the frame of take_leaf and the two loops, stated
         * once (rsplit_of / _lf then only pass the three stores below). */
        /*@ assert rsplit_lfl: \forall hb_node_t *p; \separated(p, lf) && PD_APART(p, hb) ==>
                   RSPLIT_FL(Pre, Here, p); */
        /*@ assert rsplit_lff: \forall hb_leaf_t *f; \separated(f, lf) && \separated(f, hb) ==>
                   pkeep_lsame{Pre, Here}(f); */
        /*@ assert pool: hb->leaves == \at(hb->leaves, Pre) + 1 &&
                   hb->num_spare_leaves == \at(hb->num_spare_leaves, Pre) - 1 &&
                   hb->spare_leaf[hb->num_spare_leaves] == \null; */
        /* pslim: the pool as at Pre but for the leaf taken, and the slot
         * apart from the pool's fields, before the stores (pw_ok then
         * passes two stores whole, no split on k). */
        /*@ assert pslim_lok: \at(HB_POOL_OK(hb), Pre) ==> HB_POOL_OK(hb); */
        /*@ assert pslim_lsep: \separated(&node->child[k], &hb->num_spare_nodes,
                   &hb->num_spare_leaves, &hb->spare_node[0 .. HBITMAP_SPARE_NODES - 1],
                   &hb->spare_leaf[0 .. HBITMAP_SPARE_LEAVES - 1]); */
        /* The slot holds the leaf. Its address is stored through both
         * members of the union (the same bytes twice: callers test .node
         * for "pointer slot", then read .leaf); the round trip through
         * uintptr_t keeps the address (64-bit pointers, asserted above). */
        uintptr_t addr = (uintptr_t)lf;
        node->child[k].node = (hb_node_t *)addr;
        node->child[k].leaf = lf;
    } else {
        hb_node_t *c = take_node(hb);
        size_t v = full ? 0 : span_mul(1, l - 1u); /* SPAN(l - 1); node_fill, a stretch at a time */
        /*@ loop invariant 0 <= j <= 64;
            loop invariant \forall integer i; 0 <= i < j ==> c->child[i].node == \null;
            loop assigns j, c->child[0 .. 63];
            loop variant 64 - j;
        */
        for (unsigned j = 0; j < HBITMAP_FANOUT; j++)
            c->child[j].node = 0;
        /*@ loop invariant 0 <= j <= 64;
            loop invariant \forall integer i; 0 <= i < j ==> c->pre[i] == v;
            loop assigns j, c->pre[0 .. 63];
            loop variant 64 - j;
        */
        for (unsigned j = 0; j < HBITMAP_FANOUT; j++)
            c->pre[j] = v;
        /*@ loop invariant 0 <= j <= 64;
            loop invariant \forall integer i; 0 <= i < j ==> c->suf[i] == v;
            loop assigns j, c->suf[0 .. 63];
            loop variant 64 - j;
        */
        for (unsigned j = 0; j < HBITMAP_FANOUT; j++)
            c->suf[j] = v;
        /*@ loop invariant 0 <= j <= 64;
            loop invariant \forall integer i; 0 <= i < j ==> c->max[i] == v;
            loop assigns j, c->max[0 .. 63];
            loop variant 64 - j;
        */
        for (unsigned j = 0; j < HBITMAP_FANOUT; j++)
            c->max[j] = v;
        /*@ loop invariant 0 <= g <= 8;
            loop invariant \forall integer i; 0 <= i < g ==>
                             c->gpre[i] == c->gsuf[i] == c->gmax[i] == 8 * v;
            loop assigns g, c->gpre[0 .. 7], c->gsuf[0 .. 7], c->gmax[0 .. 7];
            loop variant 8 - g;
        */
        for (unsigned g = 0; g < HBITMAP_NODE_GROUPS; g++) {
            c->gpre[g] = v * HBITMAP_GROUP_SLOTS;
            c->gsuf[g] = v * HBITMAP_GROUP_SLOTS;
            c->gmax[g] = v * HBITMAP_GROUP_SLOTS;
        }
        /* psplit: the frame of the loops above, stated once (the node
         * behavior's ensures pd_runs, pd_hdr, pd_frame_* then only pass
         * the three stores below, not the five loops' havocs each). */
        /*@ assert psplit_runs: \forall hb_node_t *p; \separated(p, c) && PD_APART(p, hb) ==>
                   pd_same_runs{Pre, Here}(p); */
        /*@ assert psplit_groups: \forall hb_node_t *p; \separated(p, c) && PD_APART(p, hb) ==>
                   pd_same_groups{Pre, Here}(p); */
        /* rsplit (round 29): the same for the FULL bits, .leaf and every leaf. */
        /*@ assert rsplit_nfl: \forall hb_node_t *p; \separated(p, c) && PD_APART(p, hb) ==>
                   RSPLIT_FL(Pre, Here, p); */
        /*@ assert rsplit_nff: \forall hb_leaf_t *f; \separated(f, c) && \separated(f, hb) ==>
                   pkeep_lsame{Pre, Here}(f); */
        /*@ assert psplit_hdr: hb->height == \at(hb->height, Pre) &&
                   hb->num_entries == \at(hb->num_entries, Pre) &&
                   hb->num_free == \at(hb->num_free, Pre) &&
                   HB_ALLOCATOR(hb) == \at(HB_ALLOCATOR(hb), Pre); */
        /*@ assert hb->nodes == \at(hb->nodes, Pre) + 1 &&
                   hb->num_spare_nodes == \at(hb->num_spare_nodes, Pre) - 1 &&
                   hb->spare_node[hb->num_spare_nodes] == \null; */
        /* pslim: the leaf pool and its counts as at Pre (ground: two
         * spares), and the slot apart from them, before the three stores
         * (pw_leaves, pd_count then pass them whole, no split on k). */
        /*@ assert pslim_nl: hb->spare_leaf[0] == \at(hb->spare_leaf[0], Pre) &&
                   hb->spare_leaf[1] == \at(hb->spare_leaf[1], Pre) &&
                   hb->leaves == \at(hb->leaves, Pre) &&
                   hb->num_spare_leaves == \at(hb->num_spare_leaves, Pre); */
        /*@ assert pslim_nsep: \separated(&node->child[k], &hb->leaves, &hb->num_spare_leaves,
                   &hb->spare_leaf[0 .. HBITMAP_SPARE_LEAVES - 1]); */
        /* rpart6 (round 33): the pool's shape as at Pre (behavior node's pw_ok
         * then passes the three stores whole, as pslim_lok in the leaf branch). */
        /*@ assert rpart6_pok: \at(HB_POOL_OK(hb), Pre) ==> HB_POOL_OK(hb); */
        /*@ assert rpart6_nsep: \separated(&node->child[k], &hb->num_spare_nodes,
                   &hb->spare_node[0 .. HBITMAP_SPARE_NODES - 1]); */
        c->full = full ? ALL_ONES : 0;
        node->child[k].node = c;
    }
    node->full = rest;
    /* A uniform leaf's group runs are exact (at the end: node->full is
     * stored in the words' memory, so the fact needs no frame). */
    /*@ ghost if (l == 0) lemma_hb_leaf_uniform(node->child[k].leaf, full); */
}

/* Readies slot k of node (level l) for the descent of a set (set) or clear
 * of a range that covers it in part: a uniform slot in the other state is
 * split (slot_split, from the pool). Returns false when the slot is uniform
 * in state set already (nothing to do below it), true when it points to a
 * node or leaf. */
/*@ requires \valid(hb) && \valid(node) && l < HBITMAP_MAX_HEIGHT && k < 64;
    requires SE_APART(hb, node);
    requires pool: SE_POOL(hb, node, k, l, set);
    // pwtree: the descent's facts at node (level l), the loop invariants of
    // leaf_range_apply; the ensures pw_* give them at the child, the same
    // shape in the behaviors ptr, leaf and node (each goal one branch).
    requires pw_tree: hb_tree(node, l) && hb_wtree(hb, node, l);
    // (pleaf: HB_POOL_SPARES as pleaf_pool_n && PW_POOL_L, the node part one
    // predicate instance, so that the node behavior's ensures is one atom)
    requires pw_pool: HB_POOL_OK(hb) && pleaf_pool_n(hb) && PW_POOL_L(hb) &&
                      PW_SPARES_APART(hb, node, l);
    // rpart7 (round 34): the spare leaves apart (range_part's call: the
    // leaf split's new leaf apart from the spare leaf left, behavior leaf's
    // rpart7_nok; leaf_range_down passes part == 0).
    requires rpart7_lsep: part != 0 ==> RPART7_LSEP(hb);
    assigns hb->nodes, hb->leaves, hb->num_spare_nodes, hb->num_spare_leaves,
            hb->spare_node[0 .. hb->num_spare_nodes - 1],
            hb->spare_leaf[0 .. hb->num_spare_leaves - 1],
            *hb->spare_node[0 .. hb->num_spare_nodes - 1],
            *hb->spare_leaf[0 .. hb->num_spare_leaves - 1], *node;
    ensures \result != 0 ==> node->child[k].node != \null;
    ensures hdr: \separated(node, &hb->height, &hb->num_entries, &hb->num_free, &hb->allocator) ==>
              hb->height == \old(hb->height) && hb->num_entries == \old(hb->num_entries) &&
              hb->num_free == \old(hb->num_free) && HB_ALLOCATOR(hb) == \old(HB_ALLOCATOR(hb));
    // rsplit (round 29): range_part's frame, every behavior (part: its call;
    // leaf_range_down passes 0, so these are no hypotheses of its goals).
    ensures rsplit_oth: part != 0 ==> RPART2_OTH(node, k);
    ensures rsplit_nfr: part != 0 ==> RPART2_NFRAME(hb, node);
    ensures rsplit_ssep: part != 0 ==> RPART2_SSEP(hb, node, k, l);
    // rpart3 (round 30): the same for leaves (range_part's lframe).
    ensures rpart3_lfr: part != 0 ==> RPART2_LFRAME(hb, node);
    ensures rpart3_slsep: part != 0 ==> RPART2_SLSEP(hb, node, k, l);
    ensures rpart3_anc: part != 0 ==> RPART2_ANC(hb, node, l);
    ensures rpart3_lanc: part != 0 ==> RPART2_LANC(hb, node, l);
    // rpart4 (round 31): node's counts (range_part's cnt: RPART4_CNT).
    ensures rpart4_cnt: part != 0 ==> RPART4_CNT(hb, node, l);
    // rpart4 (round 31): node a writable subtree apart from the spares left
    // (range_part's range_go requires node), level l > 0.
    ensures rpart4_wt: part != 0 && l > 0 ==> hb_wtree(hb, node, l);
    ensures rpart4_sa: part != 0 && l > 0 ==> PW_SPARES_APART(hb, node, l);
    // rpart7 (round 34) / rpart8 (round 35): node as range_part's walk needs
    // it, kept: ptr / same nothing written; leaf split: asserts rpart7_*,
    // node split: asserts rpart8_* at the body's end. One ensures for all
    // four cases (rpart8: as four behavior ensures, range_part's rpart5_nok
    // had to split the cases and timed out at load 7; now it is this one).
    ensures rpart7_nok: part != 0 && \old(RREC_NODE_OK(hb, node, l)) ==> RREC_NODE_OK(hb, node, l);
    // rinv4 (round 37): node's level-0 tree facts kept when part == 0
    // (leaf_range_down's call; range_part's, part 1, sees nothing): ptr /
    // same write nothing, the leaf split's ghost block rinv4_* at the end.
    ensures rinv4_t0: part == 0 && l == 0 ==> \old(RINV3_T0(hb, node)) ==> RINV3_T0(hb, node);
    // rup2 (round 41): node apart from the spares left once slot k is
    // readied, one clause for behaviors ptr / leaf / node (pw_nsp):
    // leaf_range_down's rsplit_ap an instance (range_part, part 1, sees none).
    ensures rup2_nsp: part == 0 && \result != 0 ==> PW_NOT_SPARE(node, hb);
    // rup (round 40): node's subtree at level 0 stays apart from what was
    // apart from it and from the spares (leaf_range_down's anc / lanc; the
    // frame / lframe, which leaf_range_down's context could not derive from
    // the assigns at load 9): ptr / same write nothing, the leaf split's
    // slot k is the spare leaf taken (asserts rup_* at the end). anc / lanc
    // also say the node / leaf is still apart from the spares left
    // (leaf_range_go's premise then as it stands).
    ensures rup_an: part == 0 && l == 0 ==> RUP_SAN(hb, node, 0);
    ensures rup_la: part == 0 && l == 0 ==> RUP_SLA(hb, node, 0);
    ensures rup_sf: part == 0 && l == 0 ==> RUP_FR(hb, node, 0);
    ensures rup_sl: part == 0 && l == 0 ==> RUP_LF(hb, node, 0);
    behavior ptr:
      assumes node->child[k].node != \null;
      ensures \result != 0 && node->child[k].node == \old(node->child[k].node) &&
              node->child[k].leaf == \old(node->child[k].leaf);
      ensures hb->nodes == \old(hb->nodes) && hb->leaves == \old(hb->leaves) &&
              hb->num_spare_nodes == \old(hb->num_spare_nodes) &&
              hb->num_spare_leaves == \old(hb->num_spare_leaves);
      ensures pw_hdr: HB_POOL_OK(hb) && pleaf_pool_n(hb) && PW_POOL_L(hb);
      ensures pw_frame: \forall hb_node_t *p; \separated(p, node) && PD_APART(p, hb) &&
                \old(PW_NOT_SPARE(p, hb)) ==> hb_node_same{Old, Here}(p);
      ensures pleaf_k: pleaf_kept{Old, Here}(hb);
      ensures pw_runs: HB_SLOTS_RUNS_OK(node, hb_span(l)) && HB_GROUPS_RUNS_OK(node, hb_span(l));
      ensures pw_nsp: PW_NOT_SPARE(node, hb);
      ensures pw_tree: l > 0 ==> PW_CHILD_TREE(hb, node, k, l);
      ensures pw_spares: l > 0 ==> PW_SPARES_APART(hb, node->child[k].node, l - 1);
      ensures pw_anc: l > 0 ==> PW_CHILD_ANC(hb, node, k, l);
      ensures pw_cnt: l > 0 ==> PW_CHILD_CNT(hb, node, k, l);
      ensures pw_nosplit: l > 0 ==> \forall integer b, f, e, w;
                \old(hb_nosplit(node->child[k].node, l - 1, b, f, e, w)) ==>
                hb_nosplit(node->child[k].node, l - 1, b, f, e, w);
      // rdesc (round 37): the child's one-path need kept (leaf_range_down's
      // exact pool; range_part passes part == 1 and sees none of it).
      ensures rdesc_tn: part == 0 && l > 0 ==> \forall integer b, f, e, w;
                \old(rpool_tnodes(node->child[k].node, l - 1, b, f, -1, f, e, w)) ==
                rpool_tnodes(node->child[k].node, l - 1, b, f, -1, f, e, w);
      ensures rdesc_tl: part == 0 && l > 0 ==> \forall integer b, f, e, w;
                \old(rpool_tleaves(node->child[k].node, l - 1, b, f, -1, f, e, w)) ==
                rpool_tleaves(node->child[k].node, l - 1, b, f, -1, f, e, w);
      ensures pw_leaf: l == 0 ==> \valid(node->child[k].leaf) &&
                \separated(node->child[k].leaf, hb) && \separated(node->child[k].leaf, node) &&
                hb->leaves - 1 >= \old(hb->leaves - hb_leaves_from(node, 0, 0));
      ensures pw_lgrp: l == 0 ==> \forall integer g; 0 <= g < 8 ==>
                node->child[k].leaf->gpre[g] <= 512 && node->child[k].leaf->gsuf[g] <= 512 &&
                node->child[k].leaf->gmax[g] <= 512;
      ensures pw_lanc: l == 0 ==> \forall hb_node_t *p;
                \old(hb_sep_node(node, 0, p) && PW_NOT_SPARE(p, hb)) ==>
                \separated(node->child[k].leaf, p);
      // rbot (round 40): the child's walk need kept (range_part's exact
      // pool, part 1: range_go's requires and range_part's rneed).
      ensures rbot_pn: part != 0 && l > 0 ==> \forall integer b, a, e, w;
                \old(rneed_n(node->child[k].node, l - 1, b, a, e, w)) ==
                rneed_n(node->child[k].node, l - 1, b, a, e, w);
      ensures rbot_pl: part != 0 && l > 0 ==> \forall integer b, a, e, w;
                \old(rneed_l(node->child[k].node, l - 1, b, a, e, w)) ==
                rneed_l(node->child[k].node, l - 1, b, a, e, w);
    behavior same:
      assumes node->child[k].node == \null && (BIT(node->full, k) <==> set != 0);
      ensures \result == 0;
      ensures hb->nodes == \old(hb->nodes) && hb->leaves == \old(hb->leaves) &&
              hb->num_spare_nodes == \old(hb->num_spare_nodes) &&
              hb->num_spare_leaves == \old(hb->num_spare_leaves);
      ensures pw_hdr: HB_POOL_OK(hb);
      // pdesc: nothing changed (leaf_range_down's frame on this path)
      ensures pw_same: \forall hb_node_t *p; hb_node_same{Old, Here}(p);
      // pstep (round 22): node's runs (leaf_range_down's on this path)
      ensures pw_runs: HB_SLOTS_RUNS_OK(node, hb_span(l)) && HB_GROUPS_RUNS_OK(node, hb_span(l));
      // rpart2 (round 28): the pool as range_part needs it (RESULTS "Round 28 (rpart2)")
      ensures rpart_pool: RPART2_POOL(hb);
    behavior leaf:
      assumes node->child[k].node == \null && !(BIT(node->full, k) <==> set != 0) && l == 0;
      ensures \result != 0;
      ensures hb->leaves == \old(hb->leaves) + 1 && hb->nodes == \old(hb->nodes);
      ensures hb->num_spare_leaves == \old(hb->num_spare_leaves) - 1 &&
              hb->num_spare_nodes == \old(hb->num_spare_nodes);
      ensures pw_hdr: HB_POOL_OK(hb);
      ensures pw_frame: \forall hb_node_t *p; \separated(p, node) && PD_APART(p, hb) &&
                \old(PW_NOT_SPARE(p, hb)) ==> hb_node_same{Old, Here}(p);
      ensures pw_runs: HB_SLOTS_RUNS_OK(node, hb_span(l)) && HB_GROUPS_RUNS_OK(node, hb_span(l));
      ensures pw_nsp: PW_NOT_SPARE(node, hb);
      ensures pw_leaf: l == 0 ==> \valid(node->child[k].leaf) &&
                \separated(node->child[k].leaf, hb) && \separated(node->child[k].leaf, node) &&
                hb->leaves - 1 >= \old(hb->leaves - hb_leaves_from(node, 0, 0));
      ensures pw_lgrp: l == 0 ==> \forall integer g; 0 <= g < 8 ==>
                node->child[k].leaf->gpre[g] <= 512 && node->child[k].leaf->gsuf[g] <= 512 &&
                node->child[k].leaf->gmax[g] <= 512;
      ensures pw_lanc: l == 0 ==> \forall hb_node_t *p;
                \old(hb_sep_node(node, 0, p) && PW_NOT_SPARE(p, hb)) ==>
                \separated(node->child[k].leaf, p);
      // rpart2 (round 28): the pool as range_part needs it (RESULTS "Round 28 (rpart2)")
      ensures rpart_pool: RPART2_POOL(hb);
    behavior node:
      assumes node->child[k].node == \null && !(BIT(node->full, k) <==> set != 0) && l > 0;
      ensures \result != 0;
      ensures hb->nodes == \old(hb->nodes) + 1 && hb->leaves == \old(hb->leaves);
      ensures hb->num_spare_nodes == \old(hb->num_spare_nodes) - 1 &&
              hb->num_spare_leaves == \old(hb->num_spare_leaves);
      ensures pw_hdr: HB_POOL_OK(hb);
      // pleaf: the node part of HB_POOL_SPARES (the spares left are the
      // first ones, the same pointers: pleaf_kept, and the two-state lemma
      // pleaf_pool_keep of proofs/hbitmap-pleaf.acsl)
      ensures pw_pool_n: pleaf_pool_n(hb);
      ensures pw_pool_l: PW_POOL_L(hb);
      ensures pw_frame: \forall hb_node_t *p; \separated(p, node) && PD_APART(p, hb) &&
                \old(PW_NOT_SPARE(p, hb)) ==> hb_node_same{Old, Here}(p);
      ensures pleaf_k: pleaf_kept{Old, Here}(hb);
      ensures pw_runs: HB_SLOTS_RUNS_OK(node, hb_span(l)) && HB_GROUPS_RUNS_OK(node, hb_span(l));
      ensures pw_nsp: PW_NOT_SPARE(node, hb);
      ensures pw_tree: l > 0 ==> PW_CHILD_TREE(hb, node, k, l);
      ensures pw_spares: l > 0 ==> PW_SPARES_APART(hb, node->child[k].node, l - 1);
      ensures pw_anc: l > 0 ==> PW_CHILD_ANC(hb, node, k, l);
      ensures pw_cnt: l > 0 ==> PW_CHILD_CNT(hb, node, k, l);
      // rdesc (round 37): the child is fresh (slot_split's), uniform in the
      // state other than set (leaf_range_down's exact pool; not for part).
      ensures rdesc_fr: part == 0 ==> RDESC_FRESH(node->child[k].node, set);
      // rwalk (round 38): the same for range_part (part 1): the fresh child
      // is RNEED_FRESH(child, set) (hbitmap.acsl's alias of RDESC_FRESH), the
      // premise of rneed2_fresh_n / _l (the range walk's split step).
      ensures rwalk_fr: part != 0 ==> RDESC_FRESH(node->child[k].node, set);
    complete behaviors;
    disjoint behaviors;
*/
static inline bool slot_enter(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l, bool set)
    /*@ ghost (bool part) */
{
    /*@ ghost if (node->child[k].node != 0) {
          if (l > 0) lemma_pwtree_down(hb, node, k, l); else lemma_pwtree_leaf(hb, node, k);
        } */
    if (node->child[k].node == 0) {
        if (slot_is(node, k, set))
            return false;
        /* rpart6 (round 33): node apart from every spare at Pre (rpart4_s2's
         * premise), node's other FULL bits after the split (ensures
         * rsplit_oth's) and node's counts slot by slot at Pre (the loop nc's
         * premise): each timed out at load 6 - 7 once the task changed. */
        /*@ ghost lemma_rpart6_nsp(hb, node, l); */
        /*@ ghost lemma_rpart6_bc(node->full, k); */
        /*@ ghost if (part) lemma_rpart6_unf(node, l); */
        /* rpart7 (round 34): the leaf split (behavior leaf's rpart7_nok): slot
         * k's FULL bit clear after it, node's old leaves apart from every
         * spare at Pre (PW_SPARES_APART unfolded at level 0). */
        /*@ ghost if (part) lemma_rpart7_bk(node->full, k); */
        /*@ assert rpart7_p0: part != 0 && l == 0 ==> \forall integer j; 0 <= j < 64 &&
                   node->child[j].node != \null ==> PW_NOT_SPARE(node->child[j].leaf, hb); */
        /*@ ghost if (part && l == 0) lemma_rpart7_w0(hb, node); */
        /*@ assert rpart7_p1: part != 0 && l == 0 ==> \forall integer j; 0 <= j < 64 &&
                   node->child[j].node != \null ==>
                   \separated(node->child[j].leaf, hb) && \separated(node->child[j].leaf, node); */
        /*@ assert pw_sn0: l > 0 ==> \forall integer j; 0 <= j < hb->num_spare_nodes - 1 ==>
                   \separated(hb->spare_node[hb->num_spare_nodes - 1], hb->spare_node[j]); */
        /*@ assert pw_sl0: l > 0 ==> \forall integer j; 0 <= j < hb->num_spare_leaves ==>
                   \separated(hb->spare_node[hb->num_spare_nodes - 1], hb->spare_leaf[j]); */
        /* rpart3 (round 30): the facts at Pre that rpart3_a2 / _a4 below
         * need, unfolded here (small context, before the call). */
        /*@ assert rpart3_p1: part != 0 && l > 0 ==> \forall integer j; 0 <= j < 64 && j != k &&
                   \at(node->child[j].node, Pre) != \null ==> \separated(\at(node->child[j].node, Pre), hb) &&
                   \at(hb_wtree(hb, node->child[j].node, l - 1) && hb_sep_node(node->child[j].node, l - 1, node) &&
                   hb_sep_node(node->child[j].node, l - 1, hb->spare_node[hb->num_spare_nodes - 1]), Pre); */
        /*@ assert rpart3_p2: part != 0 && l > 0 ==> \forall hb_node_t *p; \at(hb_sep_node(node, l, p), Pre) ==>
                   \forall integer j; 0 <= j < 64 && \at(node->child[j].node, Pre) != \null ==>
                   \at(hb_sep_node(node->child[j].node, l - 1, p), Pre); */
        /*@ assert rpart3_lp2: part != 0 && l > 0 ==> \forall hb_leaf_t *f; \at(hb_sep_leaf(node, l, f), Pre) ==>
                   \forall integer j; 0 <= j < 64 && \at(node->child[j].node, Pre) != \null ==>
                   \at(hb_sep_leaf(node->child[j].node, l - 1, f), Pre); */
        /* rpart6 (round 33): the other slots' subtrees apart from the spares
         * left, at Pre (PW_SPARES_APART unfolded at each slot, small context):
         * rpart4_s0's premise (it timed out at load 5). */
        /*@ assert rpart6_p3: part != 0 && l > 0 ==> \forall integer j; 0 <= j < 64 && j != k &&
                   node->child[j].node != \null ==>
                   (\forall integer i; 0 <= i < hb->num_spare_nodes - 1 ==>
                      hb_sep_node(node->child[j].node, l - 1, hb->spare_node[i])) &&
                   (\forall integer i; 0 <= i < hb->num_spare_leaves ==>
                      hb_sep_leaf(node->child[j].node, l - 1, hb->spare_leaf[i])); */
        slot_split(hb, node, k, l);
        /* rsplit (round 29): a node apart from the old spares is apart from
         * the one taken (slot_split's rsplit_of / _lf name it). */
        /*@ assert rsplit_spn: part != 0 && l > 0 ==> \forall hb_node_t *p;
                   \at(PW_NOT_SPARE(p, hb), Pre) ==>
                   \separated(p, \at(hb->spare_node[hb->num_spare_nodes - 1], Pre)); */
        /*@ assert rsplit_spl: part != 0 && l == 0 ==> \forall hb_node_t *p;
                   \at(PW_NOT_SPARE(p, hb), Pre) ==>
                   \separated(p, \at(hb->spare_leaf[hb->num_spare_leaves - 1], Pre)); */
        /*@ assert rsplit_nfc: part != 0 && l > 0 ==> \forall hb_node_t *p; \separated(p, node) &&
                   PD_APART(p, hb) && \at(PW_NOT_SPARE(p, hb), Pre) ==>
                   pd_same_child{Pre, Here}(p) && RSPLIT_FL(Pre, Here, p); */
        /*@ assert rsplit_nfrr: part != 0 && l > 0 ==> \forall hb_node_t *p; \separated(p, node) &&
                   PD_APART(p, hb) && \at(PW_NOT_SPARE(p, hb), Pre) ==> pd_same_runs{Pre, Here}(p); */
        /*@ assert rsplit_nfg: part != 0 && l > 0 ==> \forall hb_node_t *p; \separated(p, node) &&
                   PD_APART(p, hb) && \at(PW_NOT_SPARE(p, hb), Pre) ==> pd_same_groups{Pre, Here}(p); */
        /*@ assert rsplit_nfa: part != 0 && l > 0 ==> \forall hb_node_t *p; \separated(p, node) &&
                   PD_APART(p, hb) && \at(PW_NOT_SPARE(p, hb), Pre) ==> pkeep_nsame{Pre, Here}(p); */
        /*@ assert pleaf_ok: HB_POOL_OK(hb); */
        /*@ ghost if (l > 0) lemma_pwtree_fresh(hb, node->child[k].node, l - 1u); */
        /*@ assert pw_eqn: \forall integer j; 0 <= j < hb->num_spare_nodes ==>
                   hb->spare_node[j] == \at(hb->spare_node[j], Pre); */
        /*@ assert pw_sn: l > 0 ==> \forall integer j; 0 <= j < hb->num_spare_nodes ==>
                   \separated(node->child[k].node, hb->spare_node[j]); */
        /*@ assert pw_sl: l > 0 ==> \forall integer j; 0 <= j < hb->num_spare_leaves ==>
                   \separated(node->child[k].node, hb->spare_leaf[j]); */
        /*@ assert pleaf_v: \forall hb_node_t *m; \valid{Pre}(m) ==> \valid(m); */
        /*@ assert pleaf_k: l > 0 ==> pleaf_kept{Pre, Here}(hb); */
        /*@ assert pleaf_p: l > 0 ==> pleaf_pool_n(hb); */
        /* rpart3 (round 30): a leaf apart from the old spares is apart from
         * the one taken, and so kept (slot_split's rsplit_lf). */
        /*@ assert rpart3_spf: part != 0 ==> \forall hb_leaf_t *f; \at(PW_NOT_SPARE(f, hb), Pre) ==>
                   (l > 0 ==> \separated(f, \at(hb->spare_node[hb->num_spare_nodes - 1], Pre))) &&
                   (l == 0 ==> \separated(f, \at(hb->spare_leaf[hb->num_spare_leaves - 1], Pre))); */
        /*@ assert rpart3_lfa: part != 0 ==> \forall hb_leaf_t *f; \separated(f, hb) &&
                   \separated(f, node) && \at(PW_NOT_SPARE(f, hb), Pre) ==> pkeep_lsame{Pre, Here}(f); */
        /* rpart3 (round 30): node's subtree stays apart from a node apart
         * from the old spares (RPART2_ANC). Level 0: slot k's leaf is the
         * spare leaf taken. Level l > 0: only hb, node and the spare node
         * taken (sp) were written (pkeep_unch), so the other slots' subtrees
         * keep their separations (pkeep_fr, a ghost loop of rpart3_fstep,
         * proofs/hbitmap-rpart.acsl: pkeep_step's copy; the loop runs to 8,
         * not l: with i == l at its exit Qed wrote l - 1 two ways and CVC4
         * matched no trigger); slot k's child is sp, childless. */
        /*@ assert rpart3_a0: part != 0 && l == 0 ==> \forall hb_node_t *p;
                   \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==> hb_sep_node(node, l, p); */
        /*@ assert rpart3_uc: part != 0 && l > 0 ==> \forall hb_node_t *m; \separated(m, node) &&
                   PD_APART(m, hb) && \separated(m, \at(hb->spare_node[hb->num_spare_nodes - 1], Pre)) ==>
                   pd_same_child{Pre, Here}(m) && RSPLIT_FL(Pre, Here, m); */
        /*@ assert rpart3_ur: part != 0 && l > 0 ==> \forall hb_node_t *m; \separated(m, node) &&
                   PD_APART(m, hb) && \separated(m, \at(hb->spare_node[hb->num_spare_nodes - 1], Pre)) ==>
                   pd_same_runs{Pre, Here}(m); */
        /*@ assert rpart3_ug: part != 0 && l > 0 ==> \forall hb_node_t *m; \separated(m, node) &&
                   PD_APART(m, hb) && \separated(m, \at(hb->spare_node[hb->num_spare_nodes - 1], Pre)) ==>
                   pd_same_groups{Pre, Here}(m); */
        /*@ assert rpart3_un: part != 0 && l > 0 ==> \forall hb_node_t *m; \separated(m, node) &&
                   PD_APART(m, hb) && \separated(m, \at(hb->spare_node[hb->num_spare_nodes - 1], Pre)) ==>
                   pkeep_nsame{Pre, Here}(m); */
        /*@ assert rpart3_ul: part != 0 && l > 0 ==> \forall hb_leaf_t *f; \separated(f, hb) &&
                   \separated(f, node) && \separated(f, \at(hb->spare_node[hb->num_spare_nodes - 1], Pre)) ==>
                   pkeep_lsame{Pre, Here}(f); */
        /*@ assert rpart3_uv: part != 0 && l > 0 ==> \forall hb_leaf_t *f; \valid{Pre}(f) ==> \valid(f); */
        /*@ assert rpart3_pd: \forall hb_node_t *m; \separated(m, hb) ==> PD_APART(m, hb); */
        /*@ assert rpart3_uu: part != 0 && l > 0 ==>
                   pkeep_unch{Pre, Here}(hb, node, \at(hb->spare_node[hb->num_spare_nodes - 1], Pre)); */
        /*@ ghost if (part && l > 0) {
          /@ loop invariant 0 <= i <= 8;
             loop invariant fr: \forall integer i2; 0 <= i2 < i ==>
               pkeep_fr{Pre, Here}(hb, node, \at(hb->spare_node[hb->num_spare_nodes - 1], Pre), i2);
             loop invariant frl: \forall integer i2; 0 <= i2 < i ==>
               RPART3_FRL(Pre, Here, hb, node, \at(hb->spare_node[hb->num_spare_nodes - 1], Pre), i2);
             loop assigns i;
             loop variant 8 - i;
          @/
          for (unsigned i = 0; i < 8; i++) {
          }
        } */
        /*@ assert rpart3_fr: part != 0 && l > 0 ==>
                   pkeep_fr{Pre, Here}(hb, node, \at(hb->spare_node[hb->num_spare_nodes - 1], Pre), l - 1); */
        /*@ assert rpart3_a2: part != 0 && l > 0 ==> \forall integer j; 0 <= j < 64 && j != k &&
                   \at(node->child[j].node, Pre) != \null ==> \forall hb_node_t *p;
                   \at(hb_sep_node(node->child[j].node, l - 1, p), Pre) ==>
                   hb_sep_node(\at(node->child[j].node, Pre), l - 1, p); */
        /*@ assert rpart3_a3: part != 0 && l > 0 ==> \forall hb_node_t *p; \at(PW_NOT_SPARE(p, hb), Pre) ==>
                   hb_sep_node(node->child[k].node, l - 1, p); */
        /*@ assert rpart3_a4j: part != 0 && l > 0 ==> \forall hb_node_t *p;
                   \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==>
                   \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
                   hb_sep_node(node->child[j].node, l - 1, p); */
        /*@ assert rpart3_a4: part != 0 && l > 0 ==> \forall hb_node_t *p;
                   \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==> hb_sep_node(node, l, p); */
        /* rpart3 (round 30): the same for leaves (RPART2_LANC: rpart3_lanc). */
        /*@ assert rpart3_la0: part != 0 && l == 0 ==> \forall hb_leaf_t *f;
                   \at(hb_sep_leaf(node, l, f) && PW_NOT_SPARE(f, hb), Pre) ==> hb_sep_leaf(node, l, f); */
        /*@ assert rpart3_lfr: part != 0 && l > 0 ==> RPART3_FRL(Pre, Here, hb, node, \at(hb->spare_node[hb->num_spare_nodes - 1], Pre), l - 1); */
        /*@ assert rpart3_la2: part != 0 && l > 0 ==> \forall integer j; 0 <= j < 64 && j != k &&
                   \at(node->child[j].node, Pre) != \null ==> \forall hb_leaf_t *f;
                   \at(hb_sep_leaf(node->child[j].node, l - 1, f), Pre) ==>
                   hb_sep_leaf(\at(node->child[j].node, Pre), l - 1, f); */
        /*@ assert rpart3_la3: part != 0 && l > 0 ==> \forall hb_leaf_t *f; \at(PW_NOT_SPARE(f, hb), Pre) ==>
                   hb_sep_leaf(node->child[k].node, l - 1, f); */
        /*@ assert rpart3_la4j: part != 0 && l > 0 ==> \forall hb_leaf_t *f;
                   \at(hb_sep_leaf(node, l, f) && PW_NOT_SPARE(f, hb), Pre) ==>
                   \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
                   hb_sep_leaf(node->child[j].node, l - 1, f); */
        /*@ assert rpart3_la4: part != 0 && l > 0 ==> \forall hb_leaf_t *f;
                   \at(hb_sep_leaf(node, l, f) && PW_NOT_SPARE(f, hb), Pre) ==> hb_sep_leaf(node, l, f); */
        /* rpart4 (round 31): node's counts (rpart4_cnt). Level l > 0: every
         * subtree apart from hb, node and the spare taken (sp) keeps its
         * counts (RPART4_CF, level by level; inside a level slot by slot:
         * rpart4_ck, proofs/hbitmap-rpart.acsl; to 8, as the loop above),
         * so node's other slots do (rpart3_p1 names their premises); then
         * node's slots one by one (RPART4_NC): slot k gained sp, childless
         * (lemma_pwtree_fresh above), or at level 0 the leaf taken. */
        /*@ ghost if (part && l > 0) {
          /@ loop invariant 0 <= i <= 8;
             loop invariant cf: \forall integer i2; 0 <= i2 < i ==>
               RPART4_CF(Pre, Here, hb, node, \at(hb->spare_node[hb->num_spare_nodes - 1], Pre), i2);
             loop assigns i;
             loop variant 8 - i;
          @/
          for (unsigned i = 0; i < 8; i++) {
            /@ loop invariant 0 <= j <= 64;
               loop invariant ck: RPART4_CK(Pre, Here, hb, node,
                 \at(hb->spare_node[hb->num_spare_nodes - 1], Pre), i, j);
               loop assigns j;
               loop variant j;
            @/
            for (unsigned j = 64; j > 0; j--) {
            }
          }
        } */
        /*@ assert rpart4_kc: part != 0 && l > 0 ==> \forall integer j; 0 <= j < 64 && j != k &&
                   \at(node->child[j].node, Pre) != \null ==>
                   prange_cnt_at{Pre, Here}(\at(node->child[j].node, Pre), l - 1, 0); */
        /*@ ghost if (part) lemma_rpart6_unf(node, l); */
        /*@ ghost if (part) {
          /@ loop invariant 0 <= j <= 64;
             loop invariant nc: RPART4_NC(Pre, Here, node, k, l, j);
             loop assigns j;
             loop variant j;
          @/
          for (unsigned j = 64; j > 0; j--) {
          }
        } */
        /*@ assert rpart4_n: part != 0 ==> RPART4_NC(Pre, Here, node, k, l, 0); */
        /* rpart4 (round 31): hb_wtree(node) and the spares left apart from
         * node's subtree, slot by slot: the other slots' subtrees through
         * pkeep_fr (rpart3_fr, premises rpart3_p1), slot k's the fresh sp
         * (lemma_pwtree_fresh; pw_sn / pw_sl: apart from the spares left). */
        /*@ assert rpart4_w1: part != 0 && l > 0 ==> \forall integer j; 0 <= j < 64 && j != k &&
                   \at(node->child[j].node, Pre) != \null ==> node->child[j].node == \at(node->child[j].node, Pre) &&
                   \separated(node->child[j].node, hb) && hb_sep_node(node->child[j].node, l - 1, node) &&
                   hb_wtree(hb, node->child[j].node, l - 1); */
        /*@ assert rpart4_w2: part != 0 && l > 0 ==> node->child[k].node != \null &&
                   \separated(node->child[k].node, hb) && hb_sep_node(node->child[k].node, l - 1, node) &&
                   hb_wtree(hb, node->child[k].node, l - 1); */
        /*@ assert rpart4_w3: part != 0 && l > 0 ==> \valid(node) &&
                   HB_SLOTS_RUNS_OK(node, hb_span(l)) && HB_GROUPS_RUNS_OK(node, hb_span(l)); */
        /*@ assert rpart4_wt: part != 0 && l > 0 ==> hb_wtree(hb, node, l); */
        /*@ assert rpart4_s0: part != 0 && l > 0 ==> \forall integer j; 0 <= j < 64 && j != k &&
                   \at(node->child[j].node, Pre) != \null ==>
                   (\forall integer i; 0 <= i < hb->num_spare_nodes ==>
                      hb_sep_node(node->child[j].node, l - 1, hb->spare_node[i])) &&
                   (\forall integer i; 0 <= i < hb->num_spare_leaves ==>
                      hb_sep_leaf(node->child[j].node, l - 1, hb->spare_leaf[i])); */
        /*@ assert rpart4_s1: part != 0 && l > 0 ==>
                   (\forall integer i; 0 <= i < hb->num_spare_nodes ==>
                      hb_sep_node(node->child[k].node, l - 1, hb->spare_node[i])) &&
                   (\forall integer i; 0 <= i < hb->num_spare_leaves ==>
                      hb_sep_leaf(node->child[k].node, l - 1, hb->spare_leaf[i])); */
        /*@ assert rpart4_s2: part != 0 && l > 0 ==> PW_NOT_SPARE(node, hb); */
        /* rpart6 (round 33): rpart4_san as an instance (it timed out at load
         * 5 - 7): the other slots' premise at Here (rsplit_oc), then one
         * folding of hb_sep_node (lemma_rpart6_san). */
        /*@ assert rpart6_s0h: part != 0 && l > 0 ==> \forall integer j; 0 <= j < 64 && j != k &&
                   node->child[j].node != \null ==> \forall integer i; 0 <= i < hb->num_spare_nodes ==>
                   hb_sep_node(node->child[j].node, l - 1, hb->spare_node[i]); */
        /*@ ghost if (part && l > 0) lemma_rpart6_san(hb, node, k, l); */
        /*@ assert rpart4_san: part != 0 && l > 0 ==> \forall integer i; 0 <= i < hb->num_spare_nodes ==>
                   hb_sep_node(node, l, hb->spare_node[i]); */
        /*@ assert rpart4_sal: part != 0 && l > 0 ==> \forall integer i; 0 <= i < hb->num_spare_leaves ==>
                   hb_sep_leaf(node, l, hb->spare_leaf[i]); */
        /*@ assert rpart4_sa: part != 0 && l > 0 ==> PW_SPARES_APART(hb, node, l); */
        /* rpart7 (round 34): the leaf split's RREC_NODE_OK(node, 0) (behavior
         * leaf's rpart7_nok), last and in a ghost branch (l == 0: the l > 0
         * asserts above drop out; placed after rpart3_lfa, its 19 hypotheses
         * made rpart3_un time out at load 6): the old leaves kept
         * (rsplit_oc, rpart3_lfa at rpart7_p0's leaves), slot k the spare leaf
         * taken (apart from the old leaves: rpart7_p0; from the spare leaf
         * left: rpart7_lsep; from the spare nodes: pleaf_pool_n). pfull_nf /
         * pfull_sib are no requires of slot_enter: under their Pre value. */
        /*@ ghost if (part && l == 0) {
          /@ assert rpart7_lk1: \forall integer j; 0 <= j < 64 && j != k ==>
                     node->child[j].node == \at(node->child[j].node, Pre) &&
                     node->child[j].leaf == \at(node->child[j].leaf, Pre); @/
          /@ assert rpart7_lk2: \forall integer j; 0 <= j < 64 && j != k &&
                     \at(node->child[j].node, Pre) != \null ==>
                     pkeep_lsame{Pre, Here}(\at(node->child[j].leaf, Pre)); @/
          /@ assert rpart7_ln: node->child[k].node != \null &&
                     node->child[k].leaf == \at(hb->spare_leaf[hb->num_spare_leaves - 1], Pre) &&
                     hb->num_spare_leaves == \at(hb->num_spare_leaves, Pre) - 1; @/
          /@ assert rpart7_tr: hb_tree(node, l); @/
          /@ assert rpart7_wr:
                     HB_SLOTS_RUNS_OK(node, hb_span(l)) && HB_GROUPS_RUNS_OK(node, hb_span(l)); @/
          /@ assert rpart7_wk: \valid(node->child[k].leaf) &&
                     \separated(node->child[k].leaf, hb) && \separated(node->child[k].leaf, node) &&
                     (\forall integer g; 0 <= g < 8 ==> node->child[k].leaf->gpre[g] <= 512 &&
                        node->child[k].leaf->gsuf[g] <= 512 && node->child[k].leaf->gmax[g] <= 512); @/
          /@ assert rpart7_wo: \forall integer j; 0 <= j < 64 && j != k &&
                     node->child[j].node != \null ==>
                     \valid(node->child[j].leaf) && \separated(node->child[j].leaf, hb) &&
                     \separated(node->child[j].leaf, node) &&
                     (\forall integer g; 0 <= g < 8 ==> node->child[j].leaf->gpre[g] <= 512 &&
                        node->child[j].leaf->gsuf[g] <= 512 && node->child[j].leaf->gmax[g] <= 512); @/
          lemma_rpart7_lw(hb, node, k);
          /@ assert rpart7_lw: RINV3_LW(hb, node); @/
          lemma_rinv3_wt0(hb, node);
          /@ assert rpart7_wt0: hb_wtree(hb, node, 0); @/
          /@ assert rpart7_wt: hb_wtree(hb, node, l); @/
          /@ assert rpart7_nb: !BIT(node->full, (uint8_t)k) &&
                     \forall integer j; 0 <= j < 64 && j != k ==>
                     (BIT(node->full, (uint8_t)j) <==> BIT(\at(node->full, Pre), (uint8_t)j)); @/
          /@ assert rpart7_nf: \at(pfull_nf(node, l), Pre) ==> pfull_nf(node, l); @/
          /@ assert rpart7_sk: \forall integer j; 0 <= j < 64 && j != k &&
                     node->child[j].node != \null ==> \separated(node->child[j].leaf, node->child[k].leaf); @/
          /@ assert rpart7_sb: \at(pfull_sib(node, l), Pre) ==> pfull_sib(node, l); @/
          /@ assert rpart7_sn1: hb->num_spare_nodes == \at(hb->num_spare_nodes, Pre) &&
                     \forall integer i; 0 <= i < hb->num_spare_nodes ==>
                     hb->spare_node[i] == \at(hb->spare_node[i], Pre) &&
                     \separated(node->child[k].leaf, hb->spare_node[i]) && \separated(node, hb->spare_node[i]); @/
          /@ assert rpart7_sn2: \forall integer i; 0 <= i < hb->num_spare_nodes ==>
                     \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
                     \separated(node->child[j].leaf, hb->spare_node[i]); @/
          /@ assert rpart7_san0: \forall integer i; 0 <= i < hb->num_spare_nodes ==>
                     hb_sep_node(node, 0, hb->spare_node[i]); @/
          /@ assert rpart7_san: \forall integer i; 0 <= i < hb->num_spare_nodes ==>
                     hb_sep_node(node, l, hb->spare_node[i]); @/
          /@ assert rpart7_sal: \forall integer i; 0 <= i < hb->num_spare_leaves ==>
                     hb_sep_leaf(node, l, hb->spare_leaf[i]); @/
          /@ assert rpart8_lok: \at(RREC_NODE_OK(hb, node, l), Pre) ==> RREC_NODE_OK(hb, node, l); @/
        } */
        /* rpart8 (round 35): the node split's RREC_NODE_OK(node, l) (behavior
         * node's rpart7_nok), last and in a ghost branch as the leaf's:
         * hb_tree from hb_wtree (lemma_rpart8_tw); pfull_nf / pfull_sib under
         * their Pre value, the old slots by the frame below node (only hb,
         * node and the spare taken sp = RPART8_SP written: pkeep_unch,
         * rpart3_uu; the ghost loops chain proofs/hbitmap-rpart5.acsl's step
         * lemmas over the levels, to 8 as rpart3's), slot k the childless sp
         * (lemma_pfull_fresh; beside an old sibling: lemma_rpart8_fap). */
        /*@ ghost if (part && l > 0) {
          lemma_rpart8_tw(l);
          /@ assert rpart8_tr: hb_tree(node, l); @/
          /@ assert rpart8_kn: node->child[k].node == RPART8_SP(hb) &&
                     (\forall integer j; 0 <= j < 64 ==> node->child[k].node->child[j].node == \null) &&
                     \forall integer j; 0 <= j < 64 && j != k ==>
                     node->child[j].node == \at(node->child[j].node, Pre); @/
          /@ assert rpart8_pu: pfull_unch{Pre, Here}(hb, node, RPART8_SP(hb)); @/
          /@ loop invariant 0 <= i <= 8;
             loop invariant pf: \forall integer i2; 0 <= i2 < i ==>
               pfull_fr{Pre, Here}(hb, node, RPART8_SP(hb), i2);
             loop assigns i;
             loop variant 8 - i;
          @/
          for (unsigned i = 0; i < 8; i++) {
          }
          lemma_pfull_fresh(node->child[k].node, l - 1u);
          /@ assert rpart8_nb: !BIT(node->full, (uint8_t)k) &&
                     \forall integer j; 0 <= j < 64 && j != k ==>
                     (BIT(node->full, (uint8_t)j) <==> BIT(\at(node->full, Pre), (uint8_t)j)); @/
          /@ assert rpart8_n0: \at(pfull_nf(node, l), Pre) ==> \forall integer j; 0 <= j < 64 &&
                     \at(node->child[j].node, Pre) != \null ==>
                     !BIT(\at(node->full, Pre), (uint8_t)j) &&
                     \at(pfull_nf(node->child[j].node, l - 1), Pre); @/
          /@ assert rpart8_po: \forall integer j; 0 <= j < 64 && \at(node->child[j].node, Pre) != \null ==>
                     papart_out{Pre}(hb, node, RPART8_SP(hb), \at(node->child[j].node, Pre), l - 1); @/
          /@ assert rpart8_pfl: pfull_fr{Pre, Here}(hb, node, RPART8_SP(hb), l - 1); @/
          /@ assert rpart8_nc: \at(pfull_nf(node, l), Pre) ==> \forall integer j; 0 <= j < 64 &&
                     \at(node->child[j].node, Pre) != \null ==>
                     pfull_nf(\at(node->child[j].node, Pre), l - 1); @/
          /@ assert rpart8_nk: \at(pfull_nf(node, l), Pre) ==> \forall integer j; 0 <= j < 64 &&
                     node->child[j].node != \null ==>
                     !BIT(node->full, (uint8_t)j) && pfull_nf(node->child[j].node, l - 1); @/
          lemma_rpart5_nf(node, l);
          /@ assert rpart8_nf: \at(pfull_nf(node, l), Pre) ==> pfull_nf(node, l); @/
          /@ loop invariant 0 <= i <= 8;
             loop invariant lf: \forall integer i2; 0 <= i2 < i ==>
               papart_lf{Pre, Here}(hb, node, RPART8_SP(hb), i2);
             loop invariant ap: \forall integer i2; 0 <= i2 < i ==>
               papart_ap{Pre, Here}(hb, node, RPART8_SP(hb), i2);
             loop invariant sb: \forall integer i2; 0 <= i2 < i ==>
               papart_sb{Pre, Here}(hb, node, RPART8_SP(hb), i2);
             loop assigns i;
             loop variant 8 - i;
          @/
          for (unsigned i = 0; i < 8; i++) {
          }
          /@ assert rpart8_ko: \forall integer j; 0 <= j < 64 &&
                     \at(node->child[j].node, Pre) != \null ==>
                     papart_out{Pre}(hb, node, RPART8_SP(hb), \at(node->child[j].node, Pre), l - 1) &&
                     papart_k{Pre, Here}(\at(node->child[j].node, Pre), l - 1); @/
          /@ assert rpart8_sbl: papart_sb{Pre, Here}(hb, node, RPART8_SP(hb), l - 1); @/
          /@ assert rpart8_sbo: \at(pfull_sib(node, l), Pre) ==> \forall integer j; 0 <= j < 64 &&
                     \at(node->child[j].node, Pre) != \null ==>
                     pfull_sib(\at(node->child[j].node, Pre), l - 1); @/
          /@ assert rpart8_apl: papart_ap{Pre, Here}(hb, node, RPART8_SP(hb), l - 1); @/
          /@ assert rpart8_apo: \at(pfull_sib(node, l), Pre) ==> \forall integer i, j;
                     0 <= i < 64 && 0 <= j < 64 && i != j &&
                     \at(node->child[i].node, Pre) != \null && \at(node->child[j].node, Pre) != \null ==>
                     pfull_apart(\at(node->child[i].node, Pre), l - 1, \at(node->child[j].node, Pre), l - 1); @/
          lemma_rpart8_fap(l - 1u);
          /@ assert rpart8_hk: \forall integer j; 0 <= j < 64 && j != k &&
                     node->child[j].node != \null ==> hb_sep_node(node->child[j].node, l - 1, node->child[k].node); @/
          /@ assert rpart8_apk: \forall integer j; 0 <= j < 64 && j != k &&
                     node->child[j].node != \null ==>
                     pfull_apart(node->child[j].node, l - 1, node->child[k].node, l - 1) &&
                     pfull_apart(node->child[k].node, l - 1, node->child[j].node, l - 1); @/
          /@ assert rpart8_sk: \at(pfull_sib(node, l), Pre) ==> \forall integer j; 0 <= j < 64 &&
                     node->child[j].node != \null ==> pfull_sib(node->child[j].node, l - 1); @/
          /@ assert rpart8_ak: \at(pfull_sib(node, l), Pre) ==> \forall integer i, j;
                     0 <= i < 64 && 0 <= j < 64 && i != j &&
                     node->child[i].node != \null && node->child[j].node != \null ==>
                     pfull_apart(node->child[i].node, l - 1, node->child[j].node, l - 1); @/
          lemma_rpart5_sib(node, l);
          /@ assert rpart8_sb: \at(pfull_sib(node, l), Pre) ==> pfull_sib(node, l); @/
          /@ assert rpart8_ad: \at(PDESC_APART(node, hb) && (node == &hb->root || \separated(node, hb)), Pre) ==>
                     PDESC_APART(node, hb) && (node == &hb->root || \separated(node, hb)); @/
          /@ assert rpart8_nok: \at(RREC_NODE_OK(hb, node, l), Pre) ==> RREC_NODE_OK(hb, node, l); @/
        } */
        /* rpart8 (round 35): the split path's case of ensures rpart7_nok (the
         * two ghost branches joined here), so that the ensures is one case per
         * path (as one goal, CVC4 "unknown" and WP's split ~8 s at load 4). */
        /*@ assert rpart8_sp: part != 0 && \at(RREC_NODE_OK(hb, node, l), Pre) ==> RREC_NODE_OK(hb, node, l); */
        /* rinv4 (round 37): the leaf split's level-0 tree facts when part ==
         * 0 (leaf_range_down's call: ensures rinv4_t0), last and in a ghost
         * branch as rpart7's (which states them under part != 0 only): the
         * old leaves kept (slot_split's rsplit_oc / rsplit_lf, the leaves
         * apart from hb, node and the spare taken at Pre: hb_wtree,
         * PW_SPARES_APART), slot k the spare leaf taken. */
        /*@ ghost if (!part && l == 0) {
          /@ assert rinv4_lk1: \forall integer j; 0 <= j < 64 && j != k ==>
                     node->child[j].node == \at(node->child[j].node, Pre) &&
                     node->child[j].leaf == \at(node->child[j].leaf, Pre); @/
          /@ assert rinv4_p0: \forall integer j; 0 <= j < 64 && \at(node->child[j].node, Pre) != \null ==>
                     \at(\valid(node->child[j].leaf) && \separated(node->child[j].leaf, hb) &&
                       \separated(node->child[j].leaf, node) &&
                       (\forall integer g; 0 <= g < 8 ==> node->child[j].leaf->gpre[g] <= 512 &&
                          node->child[j].leaf->gsuf[g] <= 512 && node->child[j].leaf->gmax[g] <= 512), Pre); @/
          /@ assert rinv4_p1: \forall integer j; 0 <= j < 64 && \at(node->child[j].node, Pre) != \null ==>
                     \at(\separated(node->child[j].leaf, hb->spare_leaf[hb->num_spare_leaves - 1]), Pre); @/
          /@ assert rinv4_lk2: \forall integer j; 0 <= j < 64 && j != k &&
                     \at(node->child[j].node, Pre) != \null ==>
                     pkeep_lsame{Pre, Here}(\at(node->child[j].leaf, Pre)); @/
          /@ assert rinv4_ln: node->child[k].node != \null &&
                     node->child[k].leaf == \at(hb->spare_leaf[hb->num_spare_leaves - 1], Pre); @/
          /@ assert rinv4_tr: hb_tree(node, l); @/
          /@ assert rinv4_wr:
                     HB_SLOTS_RUNS_OK(node, hb_span(l)) && HB_GROUPS_RUNS_OK(node, hb_span(l)); @/
          /@ assert rinv4_wk: \valid(node->child[k].leaf) &&
                     \separated(node->child[k].leaf, hb) && \separated(node->child[k].leaf, node) &&
                     (\forall integer g; 0 <= g < 8 ==> node->child[k].leaf->gpre[g] <= 512 &&
                        node->child[k].leaf->gsuf[g] <= 512 && node->child[k].leaf->gmax[g] <= 512); @/
          /@ assert rinv4_wo: \forall integer j; 0 <= j < 64 && j != k &&
                     node->child[j].node != \null ==>
                     \valid(node->child[j].leaf) && \separated(node->child[j].leaf, hb) &&
                     \separated(node->child[j].leaf, node) &&
                     (\forall integer g; 0 <= g < 8 ==> node->child[j].leaf->gpre[g] <= 512 &&
                        node->child[j].leaf->gsuf[g] <= 512 && node->child[j].leaf->gmax[g] <= 512); @/
          lemma_rpart7_lw(hb, node, k);
          /@ assert rinv4_lw: RINV3_LW(hb, node); @/
          lemma_rinv3_wt0(hb, node);
          /@ assert rinv4_wt: hb_wtree(hb, node, l); @/
          /@ assert rinv4_fc: node->full == BIT_CLEARED(\at(node->full, Pre), k); @/
          lemma_rinv4_bk(k);
          /@ assert rinv4_n0: !BIT(node->full, (uint8_t)k); @/
          /@ assert rinv4_n1: \forall integer j; 0 <= j < 64 && j != k ==>
                     (BIT(node->full, (uint8_t)j) <==> BIT(\at(node->full, Pre), (uint8_t)j)); @/
          /@ assert rinv4_nf: \at(pfull_nf(node, l), Pre) ==> pfull_nf(node, l); @/
          /@ assert rinv4_sk: \forall integer j; 0 <= j < 64 && j != k &&
                     node->child[j].node != \null ==> \separated(node->child[j].leaf, node->child[k].leaf); @/
          lemma_rinv3_sib0(node);
          /@ assert rinv4_sb: \at(pfull_sib(node, l), Pre) ==> pfull_sib(node, l); @/
          /@ assert rinv4_t0: \at(RINV3_T0(hb, node), Pre) ==> RINV3_T0(hb, node); @/
          /@ assert rinv4_hd: \separated(node, &hb->height, &hb->num_entries, &hb->num_free, &hb->allocator) ==>
                     hb->height == \at(hb->height, Pre) && hb->num_entries == \at(hb->num_entries, Pre) &&
                     hb->num_free == \at(hb->num_free, Pre) && HB_ALLOCATOR(hb) == \at(HB_ALLOCATOR(hb), Pre); @/
        } */
    }
    return true;
}

/* Stores runs r as the new summary of pointer slot k of node (level l);
 * a child that became uniform is freed and the slot made EMPTY/FULL.
 * Returns false when the summary is what it was (the levels above, which
 * see the slot only through it, need no update). */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && \valid(node);
    requires l < HBITMAP_MAX_HEIGHT && k < 64 && node->child[k].node != \null;
    requires l == 0 ==> hb->leaves > 0;
    requires l > 0 ==> hb->nodes > 0;
    requires RUNS_OK(r, hb_span(l));
    requires l == 0 ==> \separated(node->child[k].leaf, hb) &&
               \separated(node->child[k].leaf, node);
    assigns hb->nodes, hb->leaves, node->child[k].node, node->full, node->pre[k],
            node->suf[k], node->max[k], node->gmax[k / 8];
    ensures node->pre[k] <= hb_span(l) && node->suf[k] <= hb_span(l) &&
            node->max[k] <= hb_span(l);
    ensures \result == 0 ==> node->child[k].node == \old(node->child[k].node) &&
              node->full == \old(node->full) && hb->nodes == \old(hb->nodes) &&
              hb->leaves == \old(hb->leaves) && node->pre[k] == \old(node->pre[k]) &&
              node->suf[k] == \old(node->suf[k]) && node->max[k] == \old(node->max[k]) &&
              node->gmax[k / 8] == \old(node->gmax[k / 8]);
    ensures \result != 0 ==> node->gmax[k / 8] == GROUP_STALE;
    ensures exact: l == 0 ==> \old(HB_GROUPS_EXACT(node->child[k].leaf)) ==>
              HB_GROUPS_EXACT(\old(node->child[k].leaf));
    ensures nodes_leaf: l == 0 && \separated(node, &hb->nodes) ==> hb->nodes == \old(hb->nodes);
    ensures nodes_node: l > 0 && \separated(node, &hb->nodes) ==>
              hb->nodes >= \old(hb->nodes) - 1;
    // pkeep:
    ensures wtree: l > 0 && \old(hb_wtree(hb, node, l)) &&
              \separated(node, &hb->nodes, &hb->leaves) ==> hb_wtree(hb, node, l);
    // pcontent (l > 0: the climb's calls; at l == 0 these facts made three
    // of leaf_slot_apply's goals time out): a pointer slot k kept holds the
    // same child (and node->full is as it was); a child freed leaves slot k
    // uniform, FULL when r.max is 0 (r said max == 0 or pre == span) or it
    // was FULL; the other FULL bits are kept; every subtree apart from node
    // and hb keeps its entries (pc_fr, level l - 1: the lemmas
    // pcontent_kids / _oth / _all of proofs/hbitmap-pcontent.acsl then give
    // node's entries unchanged when r told the truth, pcontent_says).
    ensures pc_ptr: l > 0 && node->child[k].node != \null ==>
              node->child[k].node == \old(node->child[k].node) && node->full == \old(node->full);
    ensures pc_uni: l > 0 && node->child[k].node == \null ==> (r.max == 0 || r.pre == hb_span(l)) &&
              (\separated(node, &hb->nodes, &hb->leaves) ==> \forall integer o; hb_slot_used(node, l, k, o) <==>
                 (r.max == 0 || \old(BIT(node->full, (uint8_t)k))));
    ensures pc_bits: l > 0 && \separated(node, &hb->nodes, &hb->leaves) ==> \forall integer j; 0 <= j < 64 && j != k ==>
              (BIT(node->full, (uint8_t)j) <==> \old(BIT(node->full, (uint8_t)j)));
    ensures pc_fr: l > 0 ==> pcontent_fr{Old,Here}(hb, node, node, l - 1);
    // rbelow (round 28): at level 0 too (range_below's leaf step), the other
    // slots' FULL bits kept, and the leaf count falls by one exactly when
    // slot k's leaf was freed (the slot made uniform).
    ensures rbelow_bits: l == 0 && \separated(node, &hb->nodes, &hb->leaves) ==>
              \forall integer j; 0 <= j < 64 && j != k ==>
              (BIT(node->full, (uint8_t)j) <==> \old(BIT(node->full, (uint8_t)j)));
    ensures rbelow_lv: l == 0 && \separated(node, &hb->leaves) ==>
              hb->leaves == \old(hb->leaves) - (node->child[k].node == \null ? 1 : 0);
    ensures rbelow_full: l == 0 && node->child[k].node != \null ==> node->full == \old(node->full);
    // rnode2 (round 29): the counts never grow (put_node / put_leaf only):
    // frame_close's rcnt_fc, range_child's room.
    ensures cnt_le: \separated(node, &hb->nodes, &hb->leaves) ==>
              hb->nodes <= \old(hb->nodes) && hb->leaves <= \old(hb->leaves);
    // rchild5 (round 35): at l > 0 the node count falls by one exactly when
    // slot k's child was freed (put_node), the leaf count is kept: frame_close's
    // rchild5_fc (range_child's cnt).
    ensures rchild5_nv: l > 0 && \separated(node, &hb->nodes, &hb->leaves) ==>
              hb->nodes == \old(hb->nodes) - (node->child[k].node == \null ? 1 : 0) &&
              hb->leaves == \old(hb->leaves);
    // pfold: no pointer slot at or below node is FULL, kept (slot k is kept
    // with its bit or made uniform; the subtrees below node are apart from
    // node and hb: proofs/hbitmap-pfold.acsl). For l > 0 only (the climb's
    // calls), as pc_*: at l == 0 it timed out two of leaf_slot_apply's goals.
    ensures pfull_nf: l > 0 && \separated(node, &hb->nodes, &hb->leaves) &&
              \old(hb_wtree(hb, node, l)) && \old(pfull_nf(node, l)) ==> pfull_nf(node, l);
    // psum / pfold (every l): a pointer slot kept holds the same child and r
    // as its summary; a slot made uniform holds the uniform summary, FULL
    // (its bit set) when r.max == 0, else EMPTY with its bit as it was.
    ensures psum_ptr: node->child[k].node != \null ==>
              node->child[k].node == \old(node->child[k].node) &&
              node->child[k].leaf == \old(node->child[k].leaf) &&
              node->pre[k] == r.pre && node->suf[k] == r.suf && node->max[k] == r.max;
    ensures psum_uni: node->child[k].node == \null ==>
              (r.max == 0 ==> node->pre[k] == 0 && node->suf[k] == 0 && node->max[k] == 0 &&
                 BIT(node->full, (uint8_t)k)) &&
              (r.max != 0 ==> node->pre[k] == hb_span(l) && node->suf[k] == hb_span(l) &&
                 node->max[k] == hb_span(l) && (\separated(node, &hb->nodes, &hb->leaves) ==>
                   (BIT(node->full, (uint8_t)k) <==> \old(BIT(node->full, (uint8_t)k)))));
    // rclimb2 (round 39): only hb and node written (its body's `unch`):
    // path_update's rclimb_u1 (the climb's tree facts), an instance now.
    // Only under the ghost `climb` (path_update passes 1, frame_close and
    // leaf_slot_store 0: their tasks see nothing new; unguarded, their
    // rexact_sc / rchild3_u timed out) and for l > 0.
    ensures rclimb2_u: climb != 0 && l > 0 ==> pkeep_unch{Old, Here}(hb, node, node);
*/
static inline bool slot_update(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l, hb_runs_t r)
    /*@ ghost (unsigned climb) */
{
    if (node->pre[k] == r.pre && node->suf[k] == r.suf && node->max[k] == r.max)
        return false;
    if (r.max == 0 || r.pre == SPAN(l)) {
        bool full = r.max == 0;
        if (l == 0)
            put_leaf(hb, node->child[k].leaf);
        else
            put_node(hb, node->child[k].node); /* its slots are all uniform */
        node->child[k].node = 0;
        if (full)
            node->full |= SLOT_BIT(k);
        /*@ assert pc_sp: r.max == 0 || r.pre == hb_span(l); */
        /*@ assert pc_b: \separated(node, &hb->nodes, &hb->leaves) ==>
                   (BIT(node->full, (uint8_t)k) <==> (r.max == 0 || \at(BIT(node->full, (uint8_t)k), Pre))) &&
                   \forall integer j; 0 <= j < 64 && j != k ==>
                   (BIT(node->full, (uint8_t)j) <==> \at(BIT(node->full, (uint8_t)j), Pre)); */
        r = uniform_runs(full, l);
    }
    store_runs(node, k, r);
    node_groups_stale(node, k, k);
    /* pkeep: only node and hb were written (pkeep_unch): every node and
     * leaf apart from them is as at Pre. So the leaf (apart from both) keeps
     * its exact group runs (pkeep_exact, proofs/hbitmap-pkeep.acsl), and
     * every subtree below node keeps hb_wtree (pkeep_fr, level by level: a
     * ghost loop chains the lemma pkeep_step; pkeep_top closes the node). */
    /*@ assert unch_c: \forall hb_node_t *m; \separated(m, hb) && \separated(m, node) ==>
                 \at(m->full, Pre) == m->full && \forall integer j; 0 <= j < 64 ==>
                 \at(m->child[j].node, Pre) == m->child[j].node &&
                 \at(m->child[j].leaf, Pre) == m->child[j].leaf; */
    /*@ assert unch_r: \forall hb_node_t *m; \separated(m, hb) && \separated(m, node) ==>
                 \forall integer j; 0 <= j < 64 ==> \at(m->pre[j], Pre) == m->pre[j] &&
                 \at(m->suf[j], Pre) == m->suf[j] && \at(m->max[j], Pre) == m->max[j]; */
    /*@ assert unch_g: \forall hb_node_t *m; \separated(m, hb) && \separated(m, node) ==>
                 \forall integer g; 0 <= g < 8 ==> \at(m->gpre[g], Pre) == m->gpre[g] &&
                 \at(m->gsuf[g], Pre) == m->gsuf[g] && \at(m->gmax[g], Pre) == m->gmax[g]; */
    /*@ assert unch_l: \forall hb_leaf_t *f; \separated(f, hb) && \separated(f, node) ==>
                 pkeep_lsame{Pre,Here}(f); */
    /*@ assert unch: pkeep_unch{Pre,Here}(hb, node, node); */
    /*@ assert post: node->pre[k] <= hb_span(l) && node->suf[k] <= hb_span(l) &&
                 node->max[k] <= hb_span(l); */
    /*@ assert runs: \separated(node, &hb->nodes, &hb->leaves) ==>
                 \at(HB_SLOTS_RUNS_OK(node, hb_span(l)), Pre) ==> HB_SLOTS_RUNS_OK(node, hb_span(l)); */
    /*@ assert gk: node->gmax[k / 8] == GROUP_STALE; */
    /*@ assert gm: \separated(node, &hb->nodes, &hb->leaves) ==>
                 \forall integer g; 0 <= g < 8 && g != k / 8 ==>
                 node->gmax[g] == \at(node->gmax[g], Pre) && node->gpre[g] == \at(node->gpre[g], Pre) &&
                 node->gsuf[g] == \at(node->gsuf[g], Pre); */
    /*@ assert grps: \separated(node, &hb->nodes, &hb->leaves) ==>
                 \at(HB_GROUPS_RUNS_OK(node, hb_span(l)), Pre) ==> HB_GROUPS_RUNS_OK(node, hb_span(l)); */
    /*@ assert leaf: l == 0 ==> pkeep_lsame{Pre,Here}(\at(node->child[k].leaf, Pre)); */
    /*@ assert exact: l == 0 ==> \at(HB_GROUPS_EXACT(node->child[k].leaf), Pre) ==>
                 HB_GROUPS_EXACT(\at(node->child[k].leaf, Pre)); */
    /*@ ghost
      /@ loop invariant 0 <= i <= l;
         loop invariant fr: \forall integer i2; 0 <= i2 < i ==> pkeep_fr{Pre,Here}(hb, node, node, i2);
         loop invariant fc: \forall integer i2; 0 <= i2 < i ==> pcontent_fr{Pre,Here}(hb, node, node, i2);
         loop invariant fn: \forall integer i2; 0 <= i2 < i ==> pfull_fr{Pre,Here}(hb, node, node, i2);
         loop assigns i;
         loop variant l - i;
      @/
      for (unsigned i = 0; i < l; i++) {
      }
    */
    /*@ assert top: l > 0 ==> pkeep_fr{Pre,Here}(hb, node, node, l - 1); */
    /*@ assert same: \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
                 node->child[j].node == \at(node->child[j].node, Pre) &&
                 node->child[j].leaf == \at(node->child[j].leaf, Pre); */
    /* pcontent: the frame pcontent_fr (level l - 1, the ghost loop above;
     * ensures pc_fr) and the other slots' pointers and FULL bits kept. */
    /*@ assert pc_fr: l > 0 ==> pcontent_fr{Pre,Here}(hb, node, node, l - 1); */
    /*@ assert pc_oth: \separated(node, &hb->nodes, &hb->leaves) ==>
                 \forall integer j; 0 <= j < 64 && j != k ==>
                 node->child[j].node == \at(node->child[j].node, Pre) &&
                 (BIT(\at(node->full, Pre), (uint8_t)j) <==> BIT(node->full, (uint8_t)j)); */
    /*@ assert pfull_f: l > 0 ==> pfull_fr{Pre,Here}(hb, node, node, l - 1); */
    /*@ assert pfull_k: \separated(node, &hb->nodes, &hb->leaves) ==>
                 \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
                 node->child[j].node == \at(node->child[j].node, Pre) &&
                 (BIT(node->full, (uint8_t)j) <==> BIT(\at(node->full, Pre), (uint8_t)j)); */
    return true;
}

/* Takes n entries off the free count (set) or gives them back (clear). */
/*@ requires \valid(hb);
    requires set != 0 ==> n <= hb->num_free;
    requires set == 0 ==> hb->num_free + n <= SIZE_MAX;
    assigns hb->num_free;
    ensures set != 0 ==> hb->num_free == \old(hb->num_free) - n;
    ensures set == 0 ==> hb->num_free == \old(hb->num_free) + n;
*/
static inline void free_count_update(hbitmap_t *hb, size_t n, bool set)
{
    hb->num_free = set ? hb->num_free - n : hb->num_free + n;
}

/* Sets (set) or clears entries [a, b) of leaf lf (offsets), keeping the
 * free count and the runs of lf's groups: leaf_slot_apply's work inside
 * the leaf. Returns nothing; it cannot fail. */
/*@ requires \valid(hb) && \valid(lf) && \separated(lf, hb);
    requires a < b <= 4096;
    requires LEAF_GROUPS_BOUNDED(lf);
    requires LEAF_COUNT_ROOM_SET(hb, lf, a, b, set);
    requires LEAF_COUNT_ROOM_CLEAR(hb, lf, a, b, set);
    assigns LEAF_COUNT_WRITES(hb, lf, a, b);
    ensures set != 0 ==> \old(hb->num_free) - (b - a) <= hb->num_free <= \old(hb->num_free);
    ensures set == 0 ==> \old(hb->num_free) <= hb->num_free <= \old(hb->num_free) + (b - a);
    ensures free_set: set != 0 ==>
              hb->num_free == \old(hb->num_free - ((b - a) - hb_leaf_same(lf, a, b, 1)));
    ensures free_clear: set == 0 ==>
              hb->num_free == \old(hb->num_free + ((b - a) - hb_leaf_same(lf, a, b, 0)));
    ensures \forall integer j; a <= j < b ==> (LEAF_USED(lf, j) <==> set != 0);
    ensures \forall integer j; 0 <= j < 4096 && (j < a || b <= j) ==>
              (LEAF_USED(lf, j) <==> \old(LEAF_USED(lf, j)));
    ensures LEAF_GROUPS_BOUNDED(lf);
    ensures exact: \old(HB_GROUPS_EXACT(lf)) ==> HB_GROUPS_EXACT(lf);
*/
static inline void leaf_count_apply(hbitmap_t *hb, hb_leaf_t *lf, size_t a, size_t b, bool set)
{
    free_count_update(hb, leaf_apply(lf, a, b, set), set);
    /* The groups outside [a / 512, (b - 1) / 512] keep their bits, so
     * their stored runs stay exact (one unfolding of a definition a step;
     * A / B: the first / past-the-last entry of the groups rewritten). */
    /*@ assert same: \forall integer g; 0 <= g < 8 && (g < a / 512 || (b - 1) / 512 < g) ==>
                 hb_group_same{Pre,Here}(lf, g); */
    /*@ assert wd: \forall integer v; 0 <= v < (512 * (a / 512)) / 64 ||
                 (512 * ((b - 1) / 512) + 512) / 64 <= v < 64 ==>
                 lf->bits[v] == \at(lf->bits[v], Pre); */
    /*@ assert used: \forall integer j; 0 <= j < 512 * (a / 512) ||
                 512 * ((b - 1) / 512) + 512 <= j < 4096 ==>
                 (LEAF_USED8(lf, j) <==> \at(LEAF_USED8(lf, j), Pre)); */
    /*@ assert win: \forall integer i, j; 0 <= i && j <= 512 * (a / 512) ||
                 512 * ((b - 1) / 512) + 512 <= i && j <= 4096 ==>
                 (hb_win_free(lf, i, j) <==> hb_win_free{Pre}(lf, i, j)); */
    /*@ assert run: \forall integer t, m; 0 <= t && t + m <= 512 * (a / 512) ||
                 512 * ((b - 1) / 512) + 512 <= t && t + m <= 4096 ==>
                 (hb_run_at(lf, t, m) <==> hb_run_at{Pre}(lf, t, m)); */
    /*@ assert none: \forall integer i, j, m; 0 <= i && j <= 512 * (a / 512) ||
                 512 * ((b - 1) / 512) + 512 <= i && j <= 4096 ==>
                 (hb_no_run(lf, i, j, m) <==> hb_no_run{Pre}(lf, i, j, m)); */
    /*@ assert out: \forall integer g; 0 <= g < 8 && (g < a / 512 || (b - 1) / 512 < g) ==>
                 hb_group_exact{Pre}(lf, g, lf->gpre[g], lf->gsuf[g], lf->gmax[g]) ==>
                 hb_group_exact(lf, g, lf->gpre[g], lf->gsuf[g], lf->gmax[g]); */
    groups_update(lf, a, b, set);
}

/* pclimb (round 24): leaf_range_leaf's first step: leaf_count_apply, with
 * the frame per field group stated where the leaf's ranges are written
 * (every node apart from lf and hb's free count is as it was). */
/*@ requires \valid(hb) && \valid(lf) && \separated(lf, hb);
    requires a < b <= 4096;
    requires LEAF_GROUPS_BOUNDED(lf);
    requires LEAF_COUNT_ROOM_SET(hb, lf, a, b, set);
    requires LEAF_COUNT_ROOM_CLEAR(hb, lf, a, b, set);
    assigns LEAF_COUNT_WRITES(hb, lf, a, b);
    ensures LEAF_GROUPS_BOUNDED(lf);
    ensures pclimb_lc: \forall hb_node_t *p; \separated(p, lf) && \separated(p, &hb->num_free) ==>
              pd_same_child{Old, Here}(p);
    ensures pclimb_lr: \forall hb_node_t *p; \separated(p, lf) && \separated(p, &hb->num_free) ==>
              pd_same_runs{Old, Here}(p);
    ensures pclimb_lg: \forall hb_node_t *p; \separated(p, lf) && \separated(p, &hb->num_free) ==>
              pd_same_groups{Old, Here}(p);
    // rexact (round 26): leaf_count_apply's content facts passed on (the
    // free count changed by exactly the entries that changed state, the
    // entries written, the others kept, exact group runs kept).
    ensures rexact_fs: set != 0 ==>
              hb->num_free == \old(hb->num_free - ((b - a) - hb_leaf_same(lf, a, b, 1)));
    ensures rexact_fc: set == 0 ==>
              hb->num_free == \old(hb->num_free + ((b - a) - hb_leaf_same(lf, a, b, 0)));
    // rleaf (round 30): rexact_in / _out only when asked too (ghost ex != 0):
    // no caller reads them (leaf_range_leaf, range_leaf_step pass 0u), and
    // their 4096 bit tests sat in every goal after the call.
    ensures rexact_in: ex != 0 ==> (\forall integer j; a <= j < b ==> (LEAF_USED(lf, j) <==> set != 0));
    ensures rexact_out: ex != 0 ==> (\forall integer j; 0 <= j < 4096 && (j < a || b <= j) ==>
              (LEAF_USED(lf, j) <==> \old(LEAF_USED(lf, j))));
    // rbelow2 (round 29): the exactness facts only for a caller that asks
    // (ghost ex != 0): as hypotheses they slowed every goal of a caller
    // that does not use them (range_leaf_step's trivial ensures: 8 - 13 s).
    ensures rexact_gx: ex != 0 ==> (\old(HB_GROUPS_EXACT(lf)) ==> HB_GROUPS_EXACT(lf));
    // rbelow2 (round 29): the rest of the frame, for range_leaf_step: the
    // nodes' FULL bits and leaf pointers, the leaves apart from lf.
    ensures rbelow2_cf: \forall hb_node_t *p; \separated(p, lf) && \separated(p, &hb->num_free) ==>
              p->full == \old(p->full) &&
              (\forall integer j; 0 <= j < 64 ==> p->child[j].leaf == \old(p->child[j].leaf));
    ensures rbelow2_cb: \forall hb_leaf_t *f; \separated(f, lf) && \separated(f, &hb->num_free) ==>
              \forall integer v; 0 <= v < 64 ==> f->bits[v] == \old(f->bits[v]);
    ensures rbelow2_cg: \forall hb_leaf_t *f; \separated(f, lf) ==>
              \forall integer g; 0 <= g < 8 ==> f->gpre[g] == \old(f->gpre[g]) &&
              f->gsuf[g] == \old(f->gsuf[g]) && f->gmax[g] == \old(f->gmax[g]);
*/
static inline void leaf_count_frame(hbitmap_t *hb, hb_leaf_t *lf, size_t a, size_t b, bool set)
    /*@ ghost (unsigned ex) */
{
    leaf_count_apply(hb, lf, a, b, set);
}

/* pclimb (round 24): leaf_range_leaf's second step (leaf_slot_apply's
 * second statement): stores the runs of lf
 * (the leaf in pointer slot k of a level-0 node, its groups rewritten) as
 * slot k's summary (slot_update at level 0), and states its frame per field
 * group where slot_update's cells are written. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && \valid(node) && hb->leaves > 0;
    requires k < 64 && node->child[k].node != \null && lf == node->child[k].leaf && \valid(lf);
    requires \separated(lf, hb) && \separated(lf, node);
    requires \forall integer g; 0 <= g < 8 ==> lf->gpre[g] <= 512 && lf->gsuf[g] <= 512 &&
               lf->gmax[g] <= 512;
    assigns hb->nodes, hb->leaves, node->child[k].node, node->full,
            node->pre[k], node->suf[k], node->max[k], node->gmax[k / 8];
    ensures node->pre[k] <= 4096 && node->suf[k] <= 4096 && node->max[k] <= 4096;
    ensures \result == 0 ==> LEAF_SLOT_KEPT(hb, node, k);
    ensures \result != 0 ==> node->gmax[k / 8] == GROUP_STALE;
    ensures exact: ex != 0 ==> (\old(HB_GROUPS_EXACT(lf)) ==> HB_GROUPS_EXACT(lf));
    ensures nodes: \separated(node, &hb->nodes) ==> hb->nodes == \old(hb->nodes);
    ensures pclimb_sb: \forall integer g; 0 <= g < 8 ==> lf->gpre[g] <= 512 && lf->gsuf[g] <= 512 &&
              lf->gmax[g] <= 512;
    ensures pclimb_sc: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) ==>
              pd_same_child{Old, Here}(p);
    ensures pclimb_sr: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) ==>
              pd_same_runs{Old, Here}(p);
    ensures pclimb_sg: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) ==>
              pd_same_groups{Old, Here}(p);
    // rexact (round 26): slot k's new summary is exact (its leaf's exact
    // runs, or uniform: FULL 0 / 0 / 0, EMPTY whole with its FULL bit clear
    // as it was: no pointer slot is FULL, pfull_nf).
    // rbelow2 (round 29): exact / rexact_k only when asked (ghost ex != 0:
    // leaf_count_frame's comment).
    ensures rexact_k: ex != 0 ==> (\old(HB_GROUPS_EXACT(lf)) && !\old(BIT(node->full, (uint8_t)k)) &&
              \separated(node, &hb->nodes, &hb->leaves) ==> hb_slot_exact(node, 0, k));
    // rbelow (round 28): slot_update's level-0 facts passed on (range_leaf_step):
    // the other slots' pointers and FULL bits kept; slot k, when not freed,
    // holds lf with its FULL bit as it was; the leaf count falls by one
    // exactly when slot k's leaf was freed.
    ensures rbelow_oth: \separated(node, &hb->nodes, &hb->leaves) ==>
              \forall integer j; 0 <= j < 64 && j != k ==>
              node->child[j].node == \old(node->child[j].node) &&
              node->child[j].leaf == \old(node->child[j].leaf) &&
              (BIT(node->full, (uint8_t)j) <==> \old(BIT(node->full, (uint8_t)j)));
    ensures rbelow_k: node->child[k].node != \null ==> node->child[k].leaf == lf &&
              node->full == \old(node->full);
    ensures rbelow_lv: \separated(node, &hb->leaves) ==>
              hb->leaves == \old(hb->leaves) - (node->child[k].node == \null ? 1 : 0);
    // rbelow2 (round 29): the rest of the frame, for range_leaf_step: the
    // nodes' FULL bits and leaf pointers, the leaves apart from hb and node.
    ensures rbelow2_sf: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) ==>
              p->full == \old(p->full) &&
              (\forall integer j; 0 <= j < 64 ==> p->child[j].leaf == \old(p->child[j].leaf));
    ensures rbelow2_sb: \forall hb_leaf_t *f; \separated(f, hb) && \separated(f, node) ==>
              \forall integer v; 0 <= v < 64 ==> f->bits[v] == \old(f->bits[v]);
    ensures rbelow2_sg: \forall hb_leaf_t *f; \separated(f, hb) && \separated(f, node) ==>
              \forall integer g; 0 <= g < 8 ==> f->gpre[g] == \old(f->gpre[g]) &&
              f->gsuf[g] == \old(f->gsuf[g]) && f->gmax[g] == \old(f->gmax[g]);
*/
static inline bool leaf_slot_store(hbitmap_t *hb, hb_node_t *node, unsigned k, hb_leaf_t *lf)
    /*@ ghost (unsigned ex) */
{
    /* rexact: leaf_group_runs' body, whose ensures names the fold. */
    hb_runs_t r = leaf_group_fold(lf);
    bool changed = slot_update(hb, node, k, 0, r) /*@ ghost (0u) */;
    /* The frame (pclimb_sc / _sr / _sg) stated before the ghost code below,
     * in the call's context alone. */
    /*@ assert rexact_sc: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) ==>
                 pd_same_child{Pre, Here}(p); */
    /*@ assert rexact_sr: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) ==>
                 pd_same_runs{Pre, Here}(p); */
    /*@ assert rexact_sg: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) ==>
                 pd_same_groups{Pre, Here}(p); */
    /*@ assert rexact_gs: \forall integer g; 0 <= g < 8 ==> lf->gpre[g] == \at(lf->gpre[g], Pre) &&
                 lf->gsuf[g] == \at(lf->gsuf[g], Pre) && lf->gmax[g] == \at(lf->gmax[g], Pre); */
    /*@ ghost
      if (node->child[k].node != 0) {
        /@ loop invariant 0 <= g <= 8;
           loop invariant rexact_eq: pgroup_gpre{Pre}(lf, g) == pgroup_gpre(lf, g) &&
             pgroup_gsuf{Pre}(lf, g) == pgroup_gsuf(lf, g) && pgroup_gmax{Pre}(lf, g) == pgroup_gmax(lf, g);
           loop assigns g;
           loop variant 8 - g;
        @/
        for (unsigned g = 0; g != 8; g++) {
          /@ assert \let g_ = g; lf->gpre[g_] == \at(lf->gpre[g_], Pre) &&
               lf->gsuf[g_] == \at(lf->gsuf[g_], Pre) && lf->gmax[g_] == \at(lf->gmax[g_], Pre); @/
        }
        lemma_pgroup_leaf(lf);
        /@ assert rexact_lx: HB_GROUPS_EXACT(lf) ==> REXACT_LEAF_SAYS(node, k); @/
        lemma_rexact_leaf_slot(node, k);
      } else if (node->max[k] == 0) {
        lemma_pgroup_full(node, 0u, k);
      } else if ((node->full & SLOT_BIT(k)) == 0) {
        lemma_pfold_empty(node, 0u, k);
      }
    */
    return changed;
}

/* rbelow (round 28): leaf_slot_apply (leaf_count_apply, then slot_update of
 * the leaf's group runs) deleted: its only caller, range_leaf_step, now
 * calls its two statements as the steps leaf_count_frame / leaf_slot_store
 * (leaf_range_leaf's), whose ensures state the frame per field group. */

/* Returns the free entries of node (slots of span cs) that end right
 * before slot k: the suffix of the nearest slot below k that is not all
 * free, plus the all-free slots after it. */
/*@ requires \valid_read(node) && k <= 64 && cs <= 18014398509481984;
    requires \forall integer j; 0 <= j < 64 ==> node->suf[j] <= cs;
    assigns \nothing;
    ensures \result <= 18014398509481984 * \old(k);
    ensures \result <= cs * \old(k);
*/
static size_t node_free_before(const hb_node_t *node, unsigned k, size_t cs)
{
    size_t run = 0;
    /*@ loop invariant 0 <= k <= \at(k, Pre);
        loop invariant run <= 18014398509481984 * (\at(k, Pre) - k);
        loop invariant run == cs * (\at(k, Pre) - k);
        loop assigns k, run;
        loop variant k;
    */
    while (k > 0) {
        k--;
        if (node->pre[k] != cs)
            return run + node->suf[k];
        run += cs;
    }
    return run;
}

/* Returns the free entries of node (slots of span cs) that start right
 * after slot k. */
/*@ requires \valid_read(node) && k < 64 && cs <= 18014398509481984;
    requires \forall integer j; 0 <= j < 64 ==> node->pre[j] <= cs;
    assigns \nothing;
    ensures \result <= 18014398509481984 * (63 - k);
    ensures \result <= cs * (63 - k);
*/
static size_t node_free_after(const hb_node_t *node, unsigned k, size_t cs)
{
    size_t run = 0;
    /*@ loop invariant k + 1 <= j <= 64;
        loop invariant run <= 18014398509481984 * (j - k - 1);
        loop invariant run == cs * (j - k - 1);
        loop assigns j, run;
        loop variant 64 - j;
    */
    for (unsigned j = k + 1u; j < HBITMAP_FANOUT; j++) {
        /*@ assert run + cs == cs * (j - k) && (j - k) * cs <= (63 - k) * cs; */
        if (node->pre[j] != cs)
            return run + node->pre[j];
        run += cs;
    }
    return run;
}

/* Returns the runs of node (level l) after the summaries of its slots
 * [k0, k1] changed, every other slot unchanged, free entries only lost
 * (set) or only gained; was: the node's runs before. A set takes them from
 * the group runs (recomputing the unknown ones, so that first fit then
 * finds the groups known); a clear from the section's runs now and the
 * free entries around it. */
/*@ requires \valid(node) && 1 <= l <= HBITMAP_MAX_HEIGHT && k0 <= k1 < 64;
    requires HB_SLOTS_RUNS_OK(node, hb_span(l - 1));
    requires HB_GROUPS_RUNS_OK(node, hb_span(l - 1));
    requires RUNS_OK(was, 64 * hb_span(l - 1));
    assigns node->gpre[0 .. 7], node->gsuf[0 .. 7], node->gmax[0 .. 7];
    ensures RUNS_OK(\result, 64 * hb_span(l - 1));
    // pclimb (round 24): every node apart from node is as it was, per field
    // group (path_update's frame through this call).
    ensures pclimb_nc: \forall hb_node_t *p; \separated(p, node) ==> pd_same_child{Old, Here}(p);
    ensures pclimb_nr: \forall hb_node_t *p; \separated(p, node) ==> pd_same_runs{Old, Here}(p);
    ensures pclimb_ng: \forall hb_node_t *p; \separated(p, node) ==> pd_same_groups{Old, Here}(p);
    // rchild5 (round 35): node's group runs still in range (recomputed by
    // node_group_runs, or not written): range_child's hb_wtree of its child.
    ensures rchild5_g: HB_GROUPS_RUNS_OK(node, hb_span(l - 1));
    // rclimb (round 38): every node apart from node and every leaf apart
    // from it unchanged, node's FULL bits, pointers and slot runs kept
    // (path_update's rclimb_u0 / _f0: the frame of its tree facts).
    ensures rclimb_rn: \forall hb_node_t *p; \separated(p, node) ==> pkeep_nsame{Old, Here}(p);
    ensures rclimb_rl: \forall hb_leaf_t *f; \separated(f, node) ==> pkeep_lsame{Old, Here}(f);
    // rclimb2 (round 39): as hbitmap.acsl's rpool_same (FULL bits and both
    // pointers), a predicate Qed keeps at the call (`full == \old(full)`
    // alone it proves and drops, and CVC4 did not redo it in path_update).
    ensures rclimb_rf: rpool_same{Old, Here}(node) && pd_same_runs{Old, Here}(node);
*/
static inline hb_runs_t node_runs_after(hb_node_t *node, unsigned l, unsigned k0, unsigned k1,
                                        bool set, hb_runs_t was)
{
    if (set)
        return node_group_runs(node, l);
    size_t cs = SPAN(l - 1u);
    /*@ assert cs == hb_span(l - 1) && cs <= 18014398509481984; */
    /* Ghost: slots [k0, k1] and those after k1 hold at most 64 spans (no split by level). */
    /*@ ghost lemma_hb_sec_size(k0, k1, cs); */
    /*@ ghost lemma_hb_mul_mono(k1 - k0 + 1u, 64u, cs); */
    size_t ss = (size_t)(k1 - k0 + 1u) * cs;
    /*@ assert ss == (k1 - k0 + 1) * cs <= 64 * cs; */
    hb_runs_t c = section_runs(node, k0, k1, cs);
    size_t left = node_free_before(node, k0, cs);
    size_t right = node_free_after(node, k1, cs);
    /*@ assert left + ss + right <= 64 * cs; */
    hb_runs_t r = was;
    r.max = MAX(was.max, runs_through(c, left, right, ss));
    if (left == (size_t)k0 * cs)
        r.pre = c.pre == ss ? left + ss + right : left + c.pre;
    if (right == (size_t)(HBITMAP_FANOUT - 1u - k1) * cs)
        r.suf = c.pre == ss ? left + ss + right : c.suf + right;
    return r;
}

/* One node of the walk of a range update: node (the root or the child of
 * the frame above), its first entry, the slots [k0, k1] the range touches,
 * the next slot to do, and whether some slot's summary changed. */
typedef struct hb_frame {
    hb_node_t *node;
    size_t base;
    unsigned k0, k1, k;
    bool dirty;
} hb_frame_t;

/* Opens the walk's frame for node (its slots of level l, first entry base)
 * and the part [a, b) of the range inside it. */
/*@ requires l < HBITMAP_MAX_HEIGHT;
    requires base <= a < b && b - base <= 64 * hb_span(l);
    assigns \nothing;
    ensures \result.node == node && \result.base == base && \result.dirty == 0;
    ensures \result.k0 == (a - base) / hb_span(l) && \result.k1 == (b - 1 - base) / hb_span(l);
    ensures \result.k == \result.k0 && \result.k0 <= \result.k1 < 64;
*/
static hb_frame_t frame_open(hb_node_t *node, unsigned l, size_t base, size_t a, size_t b)
{
    hb_frame_t f;
    f.node = node;
    f.base = base;
    f.k0 = SLOT_OF(a, base, l);
    f.k1 = SLOT_OF(b - 1u, base, l);
    /*@ assert (a - base) / hb_span(l) <= (b - 1 - base) / hb_span(l) < 64; */
    f.k = f.k0;
    f.dirty = false;
    return f;
}

/* rchild3 (round 33): frame_close's choice of the closed node's runs as
 * one call (always_inline: the object code is frame_close's ternary as it
 * was), so that no goal of frame_close has a branch on k1 - k0 (its split
 * scripts' CVC4 leaves took 3 - 5 s and timed out under load whenever
 * frame_close's tasks changed: RESULTS "Round 33 (rchild3)"); its frame
 * (every node and leaf apart from node as it was) stated once here. */
/*@ requires \valid(node) && 1 <= l <= HBITMAP_MAX_HEIGHT && k0 <= k1 < 64;
    requires HB_SLOTS_RUNS_OK(node, hb_span(l - 1));
    requires HB_GROUPS_RUNS_OK(node, hb_span(l - 1));
    requires RUNS_OK(was, 64 * hb_span(l - 1));
    assigns node->gpre[0 .. 7], node->gsuf[0 .. 7], node->gmax[0 .. 7];
    ensures RUNS_OK(\result, 64 * hb_span(l - 1));
    ensures rchild3_cn: \forall hb_node_t *p; \separated(p, node) ==> pkeep_nsame{Old, Here}(p);
    ensures rchild3_cl: \forall hb_leaf_t *lf; \separated(lf, node) ==> pkeep_lsame{Old, Here}(lf);
    // rchild4 (round 34): node's FULL bits kept (only its groups are written):
    // frame_close's rchild4_cf (in frame_close's task the havoc of node's
    // groups beside its full field timed out).
    ensures rchild4_f: node->full == \old(node->full);
    // rchild5 (round 35): node's group runs in range (either branch's).
    ensures rchild5_g: HB_GROUPS_RUNS_OK(node, hb_span(l - 1));
*/
static inline __attribute__((always_inline)) hb_runs_t node_runs_close(hb_node_t *node, unsigned l,
                                   unsigned k0, unsigned k1, bool set, hb_runs_t was)
{
    return k1 - k0 < INCR_SLOTS ? node_runs_after(node, l, k0, k1, set, was)
                                : node_group_runs(node, l);
}

/* Closes frame f (its node at level l + 1) into slot k of node up (the
 * frame above's): the node's new runs become that slot's summary (the node
 * is freed when it became uniform). A node of which at most INCR_SLOTS
 * slots were touched gets its runs by node_runs_after; one of which more
 * were, from its group runs. Nothing when no summary of f changed. Returns
 * whether slot k's summary changed (the frame above becomes dirty). The
 * frames are passed by value: range_apply's frame stack is then no memory
 * for the proof (no separation of the tree from it to carry). */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb);
    requires \valid(f.node) && \valid(up) && l < HBITMAP_MAX_HEIGHT - 1;
    requires f.k0 <= f.k1 < 64 && k < 64 && up->child[k].node != \null;
    requires HB_SLOTS_RUNS_OK(f.node, hb_span(l)) && HB_GROUPS_RUNS_OK(f.node, hb_span(l));
    requires HB_SLOTS_RUNS_OK(up, hb_span(l + 1));
    requires hb->nodes > 0;
    requires \separated(f.node, up, &hb->nodes, &hb->leaves);
    assigns hb->nodes, hb->leaves, f.node->gpre[0 .. 7], f.node->gsuf[0 .. 7],
            f.node->gmax[0 .. 7], up->child[k].node, up->full,
            up->pre[k], up->suf[k], up->max[k], up->gmax[k / 8];
    ensures up->pre[k] <= hb_span(l + 1) && up->suf[k] <= hb_span(l + 1) &&
            up->max[k] <= hb_span(l + 1);
    // pfull: up's other slots keep their FULL bits (range_apply's pfull_nf
    // of the frame above; its pointers are kept by the assigns).
    ensures pfull_up: \forall integer j; 0 <= j < 64 && j != k ==>
              (BIT(up->full, (uint8_t)j) <==> BIT(\old(up->full), (uint8_t)j));
    // ppend: only hb, f.node and up were written (range_apply's pending subtrees).
    ensures ppend_unch: pkeep_unch{Pre,Here}(hb, f.node, up);
    // rnode2 (round 29): the counts never grow (slot_update's cnt_le; the
    // spares are not in the assigns): range_child's room.
    ensures rcnt_fc: hb->nodes <= \old(hb->nodes) && hb->leaves <= \old(hb->leaves);
    // rchild3 (round 33): range_child's facts across this call, stated here
    // where the call's writes are seen alone (in range_child's task the
    // havoc of hb's fields timed out: RESULTS "Round 32 (rchild2)"): hb's
    // free count and size as they were (its hdr / free), up's runs in range
    // (its runs: slot k's group unknown or as it was), and every node apart
    // from hb's two written counts, f.node and up as it was (its frame, the
    // root too: pkeep_unch covers nodes apart from all of hb only).
    ensures rchild3_nf: \separated(f.node, hb) && \separated(up, &hb->num_free, &hb->num_entries, &hb->height) ==>
              hb->num_free == \old(hb->num_free);
    ensures rchild3_ne: \separated(f.node, hb) && \separated(up, &hb->num_free, &hb->num_entries, &hb->height) ==>
              hb->height == \old(hb->height) && hb->num_entries == \old(hb->num_entries);
    ensures rchild3_s: HB_SLOTS_RUNS_OK(up, hb_span(l + 1));
    ensures rchild3_g: \old(HB_GROUPS_RUNS_OK(up, hb_span(l + 1))) ==> HB_GROUPS_RUNS_OK(up, hb_span(l + 1));
    ensures rchild3_fr: \forall hb_node_t *m; \separated(m, &hb->nodes) && \separated(m, &hb->leaves) &&
              \separated(m, f.node) && \separated(m, up) ==> pkeep_nsame{Old, Here}(m);
    // rchild4 (round 34): slot k holds the child it held or none (range_child's
    // anc / lanc / node: the slot's subtree is c's or empty).
    ensures rchild4_k: up->child[k].node == \null || up->child[k].node == \old(up->child[k].node);
    // rchild4 (round 34): f.node's slots' pointers kept (its groups only are
    // written): range_child's c subtree across this call (rc4_ctop).
    ensures rchild4_cc: \forall integer j; 0 <= j < 64 ==>
              f.node->child[j].node == \old(f.node->child[j].node) &&
              f.node->child[j].leaf == \old(f.node->child[j].leaf);
    // rchild4 (round 34): f.node's FULL bits kept; slot k kept as a pointer
    // keeps up's FULL bits (slot_update's pc_ptr): range_child's pfull_nf.
    ensures rchild4_cf: f.node->full == \old(f.node->full);
    ensures rchild4_kf: up->child[k].node != \null ==> up->full == \old(up->full);
    // rchild5 (round 35): the node count falls by one exactly when slot k's
    // child was freed, the leaf count is kept (slot_update's rchild5_nv):
    // range_child's cnt.
    ensures rchild5_fc: hb->nodes == \old(hb->nodes) - (up->child[k].node == \null ? 1 : 0) &&
              hb->leaves == \old(hb->leaves);
    // rchild5 (round 35): f.node's group runs in range (node_runs_close's
    // rchild5_g; slot_update writes up and hb only): range_child's hb_wtree.
    ensures rchild5_cg: HB_GROUPS_RUNS_OK(f.node, hb_span(l));
    // rchild5 (round 35): f.node's slot runs in range (not written): the same.
    ensures rchild5_cs: HB_SLOTS_RUNS_OK(f.node, hb_span(l));
*/
static bool frame_close(hbitmap_t *hb, hb_frame_t f, hb_node_t *up, unsigned k, unsigned l,
                        bool set)
{
    /*@ assert hb_span(l + 1) == 64 * hb_span(l); */
    if (!f.dirty)
        return false;
    hb_runs_t was = slot_runs(up, k);
    hb_runs_t r = node_runs_close(f.node, l + 1u, f.k0, f.k1, set, was);
    /*@ assert pfull_f0: up->full == \at(up->full, Pre); */
    /*@ assert ppend_m: \forall hb_node_t *m; \separated(m, f.node) ==> pkeep_nsame{Pre,Here}(m); */
    /*@ assert ppend_ml: \forall hb_leaf_t *lf; \separated(lf, f.node) ==> pkeep_lsame{Pre,Here}(lf); */
    /* rchild3 (round 33): hb's header across node_runs_close (path_update's
     * pwrap_h1: the child apart from all of hb), then across slot_update
     * (rchild3_h1, at the end). */
    /*@ assert rchild3_h0: \separated(f.node, hb) ==> hb->num_free == \at(hb->num_free, Pre) &&
               hb->num_entries == \at(hb->num_entries, Pre) && hb->height == \at(hb->height, Pre); */
    /*@ assert rchild3_h0c: hb->nodes == \at(hb->nodes, Pre) && hb->leaves == \at(hb->leaves, Pre); */
    /*@ assert rchild3_upm: pkeep_nsame{Pre, Here}(up); */
    /*@ assert rchild5_g0: HB_GROUPS_RUNS_OK(f.node, hb_span(l)); */
    /*@ assert rchild5_s0: HB_SLOTS_RUNS_OK(f.node, hb_span(l)); */
    /*@ ghost ppend_mid:; */
    /* rchild4 (round 34): f.node's FULL field apart from what slot_update
     * writes (rchild4_c1 after it: rchild4_cf). */
    /*@ assert rchild4_c0: \separated(&f.node->full, &up->gmax[k / 8], &up->pre[k], &up->suf[k],
               &up->max[k], &up->full, &hb->nodes, &hb->leaves); */
    bool changed = slot_update(hb, up, k, l + 1u, r) /*@ ghost (0u) */;
    /* rnode2 (round 29): the counts never grew (slot_update's cnt_le):
     * rcnt_fc. rchild3 (round 33): first after the call, from rchild3_h0c
     * (it timed out under load behind the quantified asserts below). */
    /*@ assert rnode2_c: hb->nodes <= \at(hb->nodes, Pre) && hb->leaves <= \at(hb->leaves, Pre); */
    /* rchild3 (round 33): every node apart from hb's two written counts
     * and up kept across slot_update, one field group an assert (ppend_u
     * was one CVC4 goal that timed out under load whenever frame_close's
     * tasks changed; it is now their instance; rchild3_fr's part). */
    /*@ assert rchild3_uf: \forall hb_node_t *m; \separated(m, &hb->nodes) && \separated(m, &hb->leaves) &&
                 \separated(m, up) ==> \at(m->full, ppend_mid) == m->full; */
    /* rchild4 (round 34): f.node's FULL bits across slot_update (rchild3_uf
     * at m = f.node), before it node_runs_close's rchild4_f: rchild4_cf. */
    /*@ assert rchild4_c1: f.node->full == \at(f.node->full, ppend_mid); */
    /*@ assert rchild3_uc: \forall hb_node_t *m; \separated(m, &hb->nodes) && \separated(m, &hb->leaves) &&
                 \separated(m, up) ==> \forall integer j; 0 <= j < 64 ==>
                 \at(m->child[j].node, ppend_mid) == m->child[j].node &&
                 \at(m->child[j].leaf, ppend_mid) == m->child[j].leaf; */
    /*@ assert rchild3_ur: \forall hb_node_t *m; \separated(m, &hb->nodes) && \separated(m, &hb->leaves) &&
                 \separated(m, up) ==> pd_same_runs{ppend_mid, Here}(m); */
    /*@ assert rchild3_ug: \forall hb_node_t *m; \separated(m, &hb->nodes) && \separated(m, &hb->leaves) &&
                 \separated(m, up) ==> pd_same_groups{ppend_mid, Here}(m); */
    /*@ assert rchild3_u: \forall hb_node_t *m; \separated(m, &hb->nodes) && \separated(m, &hb->leaves) &&
                 \separated(m, up) ==> pkeep_nsame{ppend_mid, Here}(m); */
    /* ppend_u: rchild3_u under rchild3_sub (proofs/hbitmap-rchild3.acsl). */
    /*@ assert ppend_u: \forall hb_node_t *m; \separated(m, hb) && \separated(m, up) ==>
                 pkeep_nsame{ppend_mid,Here}(m); */
    /*@ assert ppend_ul: \forall hb_leaf_t *lf; \separated(lf, hb) && \separated(lf, up) ==>
                 pkeep_lsame{ppend_mid,Here}(lf); */
    /*@ assert ppend_nc: \forall hb_node_t *m; \separated(m, hb) && \separated(m, f.node) &&
                 \separated(m, up) ==> \at(m->full, Pre) == m->full &&
                 \forall integer j; 0 <= j < 64 ==> \at(m->child[j].node, Pre) == m->child[j].node &&
                 \at(m->child[j].leaf, Pre) == m->child[j].leaf; */
    /*@ assert ppend_nr: \forall hb_node_t *m; \separated(m, hb) && \separated(m, f.node) &&
                 \separated(m, up) ==> \forall integer j; 0 <= j < 64 ==>
                 \at(m->pre[j], Pre) == m->pre[j] && \at(m->suf[j], Pre) == m->suf[j] &&
                 \at(m->max[j], Pre) == m->max[j]; */
    /*@ assert ppend_ng: \forall hb_node_t *m; \separated(m, hb) && \separated(m, f.node) &&
                 \separated(m, up) ==> \forall integer g; 0 <= g < 8 ==>
                 \at(m->gpre[g], Pre) == m->gpre[g] && \at(m->gsuf[g], Pre) == m->gsuf[g] &&
                 \at(m->gmax[g], Pre) == m->gmax[g]; */
    /* ppend_l: ppend_ml, ppend_ul and rchild3_ltrans. */
    /*@ assert ppend_l: \forall hb_leaf_t *lf; \separated(lf, hb) && \separated(lf, f.node) &&
                 \separated(lf, up) ==> pkeep_lsame{Pre,Here}(lf); */
    /* rchild3 (round 33): ppend_unch's node part as one predicate
     * (ppend_m, ppend_u, rchild3_trans), so that the ensures unfolds
     * pkeep_unch only. */
    /*@ assert rchild3_n3: \forall hb_node_t *m; \separated(m, hb) && \separated(m, f.node) &&
                 \separated(m, up) ==> pkeep_nsame{Pre, Here}(m); */
    /* rchild3 (round 33): up's runs across slot_update (its other slots and
     * groups by its assigns, slot k's group by its two ensures), hb's header
     * (slot_update writes only hb's two counts and up). */
    /*@ assert rchild3_ss: \forall integer j; 0 <= j < 64 && j != k ==>
                 up->pre[j] == \at(up->pre[j], Pre) && up->suf[j] == \at(up->suf[j], Pre) &&
                 up->max[j] == \at(up->max[j], Pre); */
    /*@ assert rchild3_gg: \forall integer g; 0 <= g < 8 ==>
                 up->gpre[g] == \at(up->gpre[g], Pre) && up->gsuf[g] == \at(up->gsuf[g], Pre) &&
                 (g != k / 8 ==> up->gmax[g] == \at(up->gmax[g], Pre)); */
    /*@ assert rchild3_gk: up->gmax[k / 8] == \at(up->gmax[k / 8], Pre) || up->gmax[k / 8] == GROUP_STALE; */
    /*@ assert rchild3_h1: \separated(up, &hb->num_free, &hb->num_entries, &hb->height) ==>
               hb->num_free == \at(hb->num_free, ppend_mid) &&
               hb->num_entries == \at(hb->num_entries, ppend_mid) && hb->height == \at(hb->height, ppend_mid); */
    /* rchild5 (round 35): the counts across slot_update (its rchild5_nv,
     * up apart from hb's counts: the requires), then from Pre (rchild3_h0c);
     * f.node's groups (node_runs_close's rchild5_g, not written since). Last:
     * before rchild3's asserts above, rchild3_u timed out at load 7.6. */
    /*@ assert rchild5_f1: hb->nodes == \at(hb->nodes, ppend_mid) - (up->child[k].node == \null ? 1 : 0) &&
               hb->leaves == \at(hb->leaves, ppend_mid); */
    /*@ assert rchild5_g1: HB_GROUPS_RUNS_OK(f.node, hb_span(l)); */
    /*@ assert rchild5_s1: HB_SLOTS_RUNS_OK(f.node, hb_span(l)); */
    /*@ assert rchild5_f2: hb->nodes == \at(hb->nodes, Pre) - (up->child[k].node == \null ? 1 : 0) &&
               hb->leaves == \at(hb->leaves, Pre); */
    return changed;
}

/* One step of leaf_range_apply's climb: slot kp of parent (level l) holds
 * child, whose slot kc changed; stores child's new runs as that slot's
 * summary. Returns false when the summary is what it was. */
/*@ PATH_UPDATE_REQUIRES(hb, parent, kp, child, kc, l)
    PATH_UPDATE_ASSIGNS(hb, parent, kp, child)
    ensures pu_runs: HB_SLOTS_RUNS_OK(parent, hb_span(l));
    ensures pu_groups: HB_GROUPS_RUNS_OK(parent, hb_span(l));
    ensures hb->nodes >= \old(hb->nodes) - 1;
    // pwrap (round 23): hb's header and pool as they were (leaf_range_climb's
    // hdr / pool, stated here where each call's writes are seen alone).
    ensures pwrap_hdr: PATH_UPDATE_HDR(hb, parent, child);
    ensures pwrap_pool: PATH_UPDATE_POOL(hb, parent, child);
    // pclimb (round 24): every node apart from hb's fields, parent and child
    // is as it was, per field group (leaf_range_climb's frame).
    ensures pclimb_fc: \forall hb_node_t *p; PCLIMB_APART(p, hb, parent, child) ==>
              pd_same_child{Old, Here}(p);
    ensures pclimb_fr: \forall hb_node_t *p; PCLIMB_APART(p, hb, parent, child) ==>
              pd_same_runs{Old, Here}(p);
    ensures pclimb_fg: \forall hb_node_t *p; PCLIMB_APART(p, hb, parent, child) ==>
              pd_same_groups{Old, Here}(p);
    // rclimb (round 38): the parent keeps its tree facts (RCLIMB_T at level
    // l) when the child is its slot kp's and they held at Pre.
    ensures rclimb_t: \old(parent->child[kp].node) == child ==>
              \old(RCLIMB_T(hb, parent, l)) ==> RCLIMB_T(hb, parent, l);
*/
static inline bool path_update(hbitmap_t *hb, hb_node_t *parent, unsigned kp, hb_node_t *child,
                               unsigned kc, unsigned l, bool set)
{
    /*@ assert hb_span(l) == 64 * hb_span(l - 1); */
    hb_runs_t was = slot_runs(parent, kp);
    hb_runs_t r = node_runs_after(child, l, kc, kc, set, was);
    /*@ assert pwrap_h1: \separated(child, hb) ==> HB_ALLOCATOR(hb) &&
               hb->height == \at(hb->height, Pre) && hb->num_entries == \at(hb->num_entries, Pre) &&
               hb->num_spare_nodes == \at(hb->num_spare_nodes, Pre) &&
               hb->num_spare_leaves == \at(hb->num_spare_leaves, Pre) &&
               (\forall integer i; 0 <= i < HBITMAP_SPARE_NODES ==>
                  hb->spare_node[i] == \at(hb->spare_node[i], Pre)) &&
               (\forall integer i; 0 <= i < HBITMAP_SPARE_LEAVES ==>
                  hb->spare_leaf[i] == \at(hb->spare_leaf[i], Pre)); */
    /*@ assert pu_n: hb->nodes == \at(hb->nodes, Pre); */
    /*@ assert pu_keep: HB_SLOTS_RUNS_OK(parent, hb_span(l)) && HB_GROUPS_RUNS_OK(parent, hb_span(l)); */
    /*@ assert pclimb_ac: \forall hb_node_t *p; \separated(p, child) ==> pd_same_child{Pre, Here}(p); */
    /*@ assert pclimb_ar: \forall hb_node_t *p; \separated(p, child) ==> pd_same_runs{Pre, Here}(p); */
    /*@ assert pclimb_ag: \forall hb_node_t *p; \separated(p, child) ==> pd_same_groups{Pre, Here}(p); */
    /*@ ghost pclimb_mid:; */
    bool changed = slot_update(hb, parent, kp, l, r) /*@ ghost (1u) */;
    /*@ assert pclimb_bc: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, parent) ==>
               pd_same_child{pclimb_mid, Here}(p); */
    /*@ assert pclimb_br: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, parent) ==>
               pd_same_runs{pclimb_mid, Here}(p); */
    /*@ assert pclimb_bg: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, parent) ==>
               pd_same_groups{pclimb_mid, Here}(p); */
    /*@ assert pu_k: parent->pre[kp] <= hb_span(l) && parent->suf[kp] <= hb_span(l) &&
               parent->max[kp] <= hb_span(l); */
    /* rclimb2 (round 39): the old ensures, each as an assert here, in front
     * of the tree facts' asserts below: each ensures is then Qed (this
     * hypothesis), and each of these is proved in the context the ensures
     * had on main (none of the asserts below in it): pwrap_hdr / _pool's
     * (pclimb_fc / _fr / _fg's too timed out as asserts: not kept). */
    /*@ assert rclimb2_sr: HB_SLOTS_RUNS_OK(parent, hb_span(l)) && HB_GROUPS_RUNS_OK(parent, hb_span(l)) &&
               hb->nodes >= \at(hb->nodes, Pre) - 1; */
    /*@ assert rclimb2_sh: PDESC_APART(parent, hb) && \separated(child, hb) ==> HB_ALLOCATOR(hb) &&
               hb->height == \at(hb->height, Pre) && hb->num_entries == \at(hb->num_entries, Pre); */
    /*@ assert rclimb2_sp: PDESC_APART(parent, hb) && \separated(child, hb) ==>
               \at(HB_POOL_OK(hb), Pre) ==> HB_POOL_OK(hb) &&
               hb->num_spare_nodes == \at(hb->num_spare_nodes, Pre) &&
               hb->num_spare_leaves == \at(hb->num_spare_leaves, Pre); */
    /* rclimb (round 38): the tree facts (ensures rclimb_t), last so that no
     * older goal of the body sees them (in front of slot_update they timed
     * out pclimb_b* and the ensures pwrap_* / pclimb_fr / _fg): the two
     * calls' frames as pkeep_unch, the pointer-only facts across
     * node_runs_after (Qed: only the child's group runs written), then
     * rclimb_mc / _mw / _mn (proofs/hbitmap-rclimb.acsl) at pclimb_mid and
     * rclimb_end after slot_update (its ensures wtree / pfull_nf). */
    /*@ assert rclimb_u0: pkeep_unch{Pre, pclimb_mid}(hb, child, child); */
    /*@ assert rclimb_pn: pkeep_nsame{Pre, pclimb_mid}(parent); */
    /*@ assert rclimb_f0: pfull_unch{Pre, pclimb_mid}(hb, parent, child); */
    /*@ assert rclimb_ff: pfull_fr{Pre, pclimb_mid}(hb, parent, child, l - 1) &&
               (l > 1 ==> pfull_fr{Pre, pclimb_mid}(hb, parent, child, l - 2)); */
    /*@ assert rclimb_cp: \forall integer j; 0 <= j < 64 ==>
               \at(child->child[j].node, Pre) == \at(child->child[j].node, pclimb_mid) &&
               \at(child->child[j].leaf, Pre) == \at(child->child[j].leaf, pclimb_mid); */
    /*@ assert rclimb_q: RCLIMB_H(hb, parent, kp, child, l) ==>
               \at(hb_tree(parent, l) && pfull_sib(parent, l), pclimb_mid) &&
               (\forall hb_node_t *x; \at(hb_sep_node(child, l - 1, x), Pre) ==>
                  \at(hb_sep_node(child, l - 1, x), pclimb_mid)); */
    /*@ assert rclimb_cw: RCLIMB_H(hb, parent, kp, child, l) ==>
               \at(hb_wtree(hb, child, l - 1), Pre) &&
               \at(HB_SLOTS_RUNS_OK(child, hb_span(l - 1)) && HB_GROUPS_RUNS_OK(child, hb_span(l - 1)), pclimb_mid); */
    /*@ assert rclimb_amc: RCLIMB_H(hb, parent, kp, child, l) ==>
               \at(hb_wtree(hb, child, l - 1), pclimb_mid); */
    /*@ assert rclimb_amw: RCLIMB_H(hb, parent, kp, child, l) ==>
               \at(hb_wtree(hb, parent, l), pclimb_mid); */
    /*@ assert rclimb_n1p: RCLIMB_H(hb, parent, kp, child, l) ==>
               \at(hb_wtree(hb, child, l - 1) && hb_sep_node(child, l - 1, parent) &&
                   pfull_nf(child, l - 1), Pre); */
    /*@ assert rclimb_n1f: rpool_same{Pre, pclimb_mid}(child); */
    /*@ assert rclimb_n1: RCLIMB_H(hb, parent, kp, child, l) ==>
               \at(pfull_nf(child, l - 1), pclimb_mid); */
    /*@ assert rclimb_n2: RCLIMB_H(hb, parent, kp, child, l) ==>
               \forall integer j; 0 <= j < 64 && j != kp && \at(parent->child[j].node, Pre) != \null ==>
               \at(pfull_nf(\at(parent->child[j].node, Pre), l - 1), pclimb_mid); */
    /*@ assert rclimb_nn: RCLIMB_H(hb, parent, kp, child, l) ==>
               \at(pfull_nf(parent, l), pclimb_mid); */
    /*@ assert rclimb_m: RCLIMB_H(hb, parent, kp, child, l) ==>
               \at(RCLIMB_T(hb, parent, l), pclimb_mid); */
    /* rclimb2 (round 39): slot_update's frame (its ensures rclimb2_u; the
     * round-38 asserts rclimb_u1n / _u1l / _u1v that built it here timed
     * out under load), its pointer slots kept (pc_ptr / psum_ptr). */
    /*@ assert rclimb_u1: pkeep_unch{pclimb_mid, Here}(hb, parent, parent); */
    /*@ assert rclimb_pp: \forall integer j; 0 <= j < 64 && parent->child[j].node != \null ==>
               parent->child[j].node == \at(parent->child[j].node, pclimb_mid); */
    /*@ assert rclimb_e: RCLIMB_H(hb, parent, kp, child, l) ==> RCLIMB_T(hb, parent, l); */
    return changed;
}

/* pstep (round 22): leaf_range_up's climb as one call (no branch in its
 * caller): path_update when the child's runs changed (go), else nothing. */
/*@ PATH_UPDATE_REQUIRES(hb, parent, kp, child, kc, l)
    // rup3 (round 42): parent and child written whole (path_update's fields
    // inside them), so leaf_range_up's assigns_normal_part5 (these writes
    // in PUPDATE_WRITES) needs no witness search over field offsets
    // (leaf_range_down's device for slot_enter, round 24).
    assigns hb->nodes, hb->leaves, *parent, *child;
    ensures runs: PDESC_RUNS(parent, l);
    ensures cnt: hb->nodes >= \old(hb->nodes) - 1;
    ensures hdr: PATH_UPDATE_HDR(hb, parent, child);
    ensures pool: PATH_UPDATE_POOL(hb, parent, child);
    ensures frame: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, parent) &&
              \separated(p, child) ==> hb_node_same{Old, Here}(p);
    // rclimb2 (round 39): the parent keeps its tree facts (path_update's
    // rclimb_t; `!go` writes nothing).
    ensures rclimb_t: \old(parent->child[kp].node) == child ==>
              \old(RCLIMB_T(hb, parent, l)) ==> RCLIMB_T(hb, parent, l);
*/
static inline bool leaf_range_climb(hbitmap_t *hb, hb_node_t *parent, unsigned kp,
                                    hb_node_t *child, unsigned kc, unsigned l, bool set, bool go)
{
    if (!go)
        return false;
    /*@ assert pstep_g: kp / 8 < 8; */
    bool changed = path_update(hb, parent, kp, child, kc, l, set);
    /* The frame, one part of hb_node_same a goal, each an instance of
     * path_update's ensures pclimb_fc / _fr / _fg (round 24; hdr and pool:
     * its ensures pwrap_hdr / pwrap_pool, round 23). */
    /*@ assert pstep_fc: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, parent) &&
               \separated(p, child) ==> pd_same_child{Pre, Here}(p); */
    /*@ assert pstep_fr: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, parent) &&
               \separated(p, child) ==> pd_same_runs{Pre, Here}(p); */
    /*@ assert pstep_fg: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, parent) &&
               \separated(p, child) ==> pd_same_groups{Pre, Here}(p); */
    return changed;
}

/* pstep (round 22): leaf_range_below's leaf step (l == 0): leaf_slot_apply
 * with first-order assigns and the facts the descent needs (hb's header,
 * node's runs, the frame), each proved in this small context. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && \valid(node) && hb->leaves > 0;
    requires k < 64 && node->child[k].node != \null && \valid(node->child[k].leaf);
    requires \separated(node->child[k].leaf, hb) && \separated(node->child[k].leaf, node);
    requires PDESC_APART(node, hb);
    requires a < b <= 4096;
    requires \forall integer g; 0 <= g < 8 ==> node->child[k].leaf->gpre[g] <= 512 &&
               node->child[k].leaf->gsuf[g] <= 512 && node->child[k].leaf->gmax[g] <= 512;
    requires set != 0 ==> (b - a) - hb_leaf_same(node->child[k].leaf, a, b, 1) <= hb->num_free;
    requires set == 0 ==>
               hb->num_free + ((b - a) - hb_leaf_same(node->child[k].leaf, a, b, 0)) <= SIZE_MAX;
    assigns hb->num_free, hb->nodes, hb->leaves, *node, *node->child[k].leaf;
    ensures hdr: HB_ALLOCATOR(hb) && hb->height == \old(hb->height) &&
              hb->num_entries == \old(hb->num_entries) &&
              hb->num_spare_nodes == \old(hb->num_spare_nodes) &&
              hb->num_spare_leaves == \old(hb->num_spare_leaves);
    ensures pool: \old(HB_POOL_OK(hb)) ==> HB_POOL_OK(hb);
    ensures runs: \old(PDESC_RUNS(node, 0)) ==> PDESC_RUNS(node, 0);
    ensures cnt: hb->nodes == \old(hb->nodes);
    ensures frame: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
              \separated(p, \old(node->child[k].leaf)) ==> hb_node_same{Old, Here}(p);
    // rinv3 (round 33): the level-0 facts leaf_range_below's rinv3_t0 needs
    // (range_leaf_step's rbelow2_same / _lfb / _lg): every pointer slot is
    // the old one, its leaf and FULL bit as they were; slot k's old leaf's
    // group runs in range; every other leaf's group runs kept.
    ensures rinv3_same: \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
              \old(node->child[j].node) != \null &&
              node->child[j].leaf == \old(node->child[j].leaf) &&
              (BIT(node->full, (uint8_t)j) <==> BIT(\old(node->full), (uint8_t)j));
    ensures rinv3_lfb: \forall integer g; 0 <= g < 8 ==> \old(node->child[k].leaf)->gpre[g] <= 512 &&
              \old(node->child[k].leaf)->gsuf[g] <= 512 && \old(node->child[k].leaf)->gmax[g] <= 512;
    ensures rinv3_lg: \forall hb_leaf_t *f; \separated(f, hb) && \separated(f, node) &&
              \separated(f, \old(node->child[k].leaf)) ==>
              \forall integer g; 0 <= g < 8 ==> f->gpre[g] == \old(f->gpre[g]) &&
              f->gsuf[g] == \old(f->gsuf[g]) && f->gmax[g] == \old(f->gmax[g]);
    // rup (round 40): the rest of the frame (FULL bits, .leaf members: frame
    // has the rest; the leaves' group runs: leaf_range_below's rup_fr /
    // rup_lf). rup3 (round 42): no body assert (its callees' rbelow2_cf / _cg
    // / _sf / _sg; a body change re-derived every goal, four old ones timed
    // out at load 6), the leaves' part RUP_LG only (what rup_lf reads).
    ensures rup_lfr: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
              \separated(p, \old(node->child[k].leaf)) ==> RSPLIT_FL(Old, Here, p);
    ensures rup_llf: \forall hb_leaf_t *f; \separated(f, hb) && \separated(f, node) &&
              \separated(f, \old(node->child[k].leaf)) ==> RUP_LG(Old, Here, f);
*/
static inline bool leaf_range_leaf(hbitmap_t *hb, hb_node_t *node, unsigned k, size_t a,
                                   size_t b, bool set)
{
    /*@ assert pstep_g: k / 8 < 8 && a / 64 <= (b - 1) / 64 < 64 && a / 512 <= (b - 1) / 512 < 8; */
    /* leaf_slot_apply's two statements, each a step whose ensures state
     * its frame (pclimb, round 24). */
    hb_leaf_t *lf = node->child[k].leaf;
    leaf_count_frame(hb, lf, a, b, set) /*@ ghost (0u) */;
    /*@ assert pclimb_h1: hb->height == \at(hb->height, Pre) &&
               hb->num_entries == \at(hb->num_entries, Pre) &&
               hb->num_spare_nodes == \at(hb->num_spare_nodes, Pre) &&
               hb->num_spare_leaves == \at(hb->num_spare_leaves, Pre); */
    bool changed = leaf_slot_store(hb, node, k, lf) /*@ ghost (0u) */;
    /*@ assert pstep_ha: HB_ALLOCATOR(hb); */
    /*@ assert pstep_hh: hb->height == \at(hb->height, Pre) &&
               hb->num_entries == \at(hb->num_entries, Pre); */
    /*@ assert pstep_hs: hb->num_spare_nodes == \at(hb->num_spare_nodes, Pre) &&
               hb->num_spare_leaves == \at(hb->num_spare_leaves, Pre); */
    /*@ assert pstep_sn: \forall integer i; 0 <= i < HBITMAP_SPARE_NODES ==>
               hb->spare_node[i] == \at(hb->spare_node[i], Pre); */
    /*@ assert pstep_sl: \forall integer i; 0 <= i < HBITMAP_SPARE_LEAVES ==>
               hb->spare_leaf[i] == \at(hb->spare_leaf[i], Pre); */
    /*@ assert pstep_rs: \forall integer j; 0 <= j < 64 && j != k ==>
               node->pre[j] == \at(node->pre[j], Pre) && node->suf[j] == \at(node->suf[j], Pre) &&
               node->max[j] == \at(node->max[j], Pre); */
    /*@ assert pstep_gs: \forall integer g; 0 <= g < 8 && g != k / 8 ==>
               node->gpre[g] == \at(node->gpre[g], Pre) && node->gsuf[g] == \at(node->gsuf[g], Pre) &&
               node->gmax[g] == \at(node->gmax[g], Pre); */
    /*@ assert pstep_gk: node->gpre[k / 8] == \at(node->gpre[k / 8], Pre) &&
               node->gsuf[k / 8] == \at(node->gsuf[k / 8], Pre); */
    /* The frame, one part of hb_node_same a goal. */
    /*@ assert pstep_fc: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
               \separated(p, \at(node->child[k].leaf, Pre)) ==> pd_same_child{Pre, Here}(p); */
    /*@ assert pstep_fr: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
               \separated(p, \at(node->child[k].leaf, Pre)) ==> pd_same_runs{Pre, Here}(p); */
    /*@ assert pstep_fg: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
               \separated(p, \at(node->child[k].leaf, Pre)) ==> pd_same_groups{Pre, Here}(p); */
    return changed;
}

/* pdesc (round 21): leaf_range_apply's descent and climb, recursive, one
 * level a call, cut into steps each with its own contract (no path array:
 * each level's facts are one contract's, each goal sees one step):
 * leaf_range_at (the slot k holding [first, end) at node, level l) ->
 * leaf_range_fill (slot k covered whole) or leaf_range_down (slot_enter)
 * -> leaf_range_below (the leaf, l == 0, or) -> leaf_range_up (the child
 * node: leaf_range_at one level down, then path_update). Each returns false
 * when node's runs are what they were (the levels above need no update).
 * PDESC_HDR / PDESC_RUNS / PDESC_SAME: proofs/hbitmap.acsl, "pdesc". */

/* The fill step: slot k of node (level l) covered whole by the range. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && HB_POOL_OK(hb) && \valid(node);
    requires l < HBITMAP_MAX_HEIGHT && k < 64;
    requires PDESC_APART(node, hb);
    requires node->child[k].node != \null && l == 0 ==>
               \valid_read(node->child[k].leaf) && hb->leaves > 0;
    requires node->child[k].node != \null && l > 0 ==>
               hb_tree(node->child[k].node, l - 1) &&
               hb->nodes >= 1 + hb_nodes_from(node->child[k].node, l - 1, 0) &&
               hb->leaves >= hb_leaves_from(node->child[k].node, l - 1, 0) &&
               hb_nodes_from(node->child[k].node, l - 1, 0) + 1 <= hb_nodes_from(node, l, 0);
    requires runs: PDESC_RUNS(node, l);
    requires free: set != 0 ==> hb_span(l) <= hb->num_free;
    requires set == 0 ==> hb->num_free + hb_span(l) <= SIZE_MAX;
    assigns hb->nodes, hb->leaves, hb->num_free, node->child[k], node->full, node->pre[k],
            node->suf[k], node->max[k], node->gmax[k / 8];
    ensures hdr: PDESC_HDR(hb);
    ensures runs: PDESC_RUNS(node, l);
    ensures cnt: hb->nodes >= \old(hb->nodes - hb_nodes_from(node, l, 0));
    ensures frame: PDESC_SAME(hb, \separated(p_, node));
    // rinv3 (round 33): at level 0, node's tree facts kept (slot k uniform
    // now, the other slots and every leaf as they were).
    ensures rinv3_t0: l == 0 ==> \old(RINV3_T0(hb, node)) ==> RINV3_T0(hb, node);
    // rup (round 40): at level 0 the frame parts (RUP_FR / _LF, anc / lanc:
    // leaf_range_up's level-1 step reads them of leaf_range_at); rup3 (round
    // 42): rup_fr / rup_lf through slot_fill's rup3_fl / rup3_lg.
    ensures rup_fr: l == 0 ==> RUP_FR(hb, node, 0);
    ensures rup_lf: l == 0 ==> RUP_LF(hb, node, 0);
    ensures rup_an: l == 0 ==> RPART2_ANC(hb, node, 0);
    ensures rup_la: l == 0 ==> RPART2_LANC(hb, node, 0);
*/
static inline bool leaf_range_fill(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l,
                                   bool set)
{
    /*@ assert pdesc_g: k / 8 < 8; */
    /*@ ghost uint64_t rup2_w0 = node->full; */
    size_t n = slot_fill(hb, node, k, l, set);
    free_count_update(hb, n, set);
    /* rup2 (round 41): hdr's parts and rinv3_fo right after the two calls,
     * in their small context (hdr took 3.9 s at load 3, rinv3_fo 2.5 s: their
     * context held every assert below): the two writers' assigns. */
    /*@ assert rup2_h1: HB_ALLOCATOR(hb) && hb->height == \at(hb->height, Pre) &&
               hb->num_entries == \at(hb->num_entries, Pre) &&
               hb->num_spare_nodes == \at(hb->num_spare_nodes, Pre) &&
               hb->num_spare_leaves == \at(hb->num_spare_leaves, Pre); */
    /*@ assert rup2_h2: HB_POOL_OK(hb); */
    /*@ assert rup2_fo: \forall integer j; 0 <= j < 64 && j != k ==>
               node->child[j].node == \at(node->child[j].node, Pre) &&
               node->child[j].leaf == \at(node->child[j].leaf, Pre); */
    /* rup2 (round 41): rinv3_f0's text here too (a timeout at load 4.6 -
     * 4.9 after the frame asserts, on the base too). */
    /*@ ghost if (set == 0) lemma_rpart6_bc(rup2_w0, k); */
    /*@ assert rup2_f0: set == 0 ==> \forall integer j; 0 <= j < 64 && j != k ==>
               (BIT(node->full, (uint8_t)j) <==> BIT(\at(node->full, Pre), (uint8_t)j)); */
    /* The frame, one part of hb_node_same a goal. */
    /*@ assert pdesc_fc: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) ==>
               pd_same_child{Pre, Here}(p); */
    /*@ assert pdesc_fr: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) ==>
               pd_same_runs{Pre, Here}(p); */
    /*@ assert pdesc_fg: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) ==>
               pd_same_groups{Pre, Here}(p); */
    /* rinv3 (round 33): rinv3_t0, one predicate an assert (slot k now
     * uniform, the other slots' pointers and FULL bits and every leaf as
     * they were). */
    /*@ assert rinv3_fo: \forall integer j; 0 <= j < 64 && j != k ==>
               node->child[j].node == \at(node->child[j].node, Pre) &&
               node->child[j].leaf == \at(node->child[j].leaf, Pre); */
    /* (the FULL bits per case: as one goal it timed out at 10 s, load 6.9) */
    /*@ assert rinv3_f1: set != 0 ==> \forall integer j; 0 <= j < 64 && j != k ==>
               (BIT(node->full, (uint8_t)j) <==> BIT(\at(node->full, Pre), (uint8_t)j)); */
    /*@ assert rinv3_f0: set == 0 ==> \forall integer j; 0 <= j < 64 && j != k ==>
               (BIT(node->full, (uint8_t)j) <==> BIT(\at(node->full, Pre), (uint8_t)j)); */
    /*@ assert rinv3_fb: \forall integer j; 0 <= j < 64 && j != k ==>
               (BIT(node->full, (uint8_t)j) <==> BIT(\at(node->full, Pre), (uint8_t)j)); */
    /*@ assert rinv3_tr: l == 0 ==> \at(hb_tree(node, 0), Pre) ==> hb_tree(node, 0); */
    /*@ assert rinv3_nf: l == 0 ==> \at(pfull_nf(node, 0), Pre) ==> pfull_nf(node, 0); */
    /*@ assert rinv3_s0: l == 0 ==> \at(pfull_sib(node, 0), Pre) ==> \forall integer i, j;
               0 <= i < 64 && 0 <= j < 64 && i != j && \at(node->child[i].node, Pre) != \null &&
               \at(node->child[j].node, Pre) != \null ==>
               \separated(\at(node->child[i].leaf, Pre), \at(node->child[j].leaf, Pre)); */
    /*@ assert rinv3_s1: l == 0 ==> \at(pfull_sib(node, 0), Pre) ==> \forall integer i, j;
               0 <= i < 64 && 0 <= j < 64 && i != j && node->child[i].node != \null &&
               node->child[j].node != \null ==>
               \separated(node->child[i].leaf, node->child[j].leaf); */
    /*@ ghost if (l == 0) lemma_rinv3_sib0(node); */
    /*@ assert rinv3_sb: l == 0 ==> \at(pfull_sib(node, 0), Pre) ==> pfull_sib(node, 0); */
    /*@ assert rinv3_wl: l == 0 ==> \at(hb_wtree(hb, node, 0), Pre) ==> RINV3_LW(hb, node); */
    /*@ ghost if (l == 0) lemma_rinv3_wt0(hb, node); */
    /*@ assert rinv3_wt: l == 0 ==> \at(hb_wtree(hb, node, 0), Pre) ==> hb_wtree(hb, node, 0); */
    /* rup (round 40): anc / lanc at level 0 (slot k is EMPTY / FULL now,
     * the other slots kept); rup3 (round 42): rup_fr / rup_lf are slot_fill's
     * rup3_fl / rup3_lg (its assigns, a small context), no assert here. */
    /*@ assert rup_f4: \forall hb_node_t *p; \at(hb_sep_node(node, 0, p), Pre) ==> \separated(p, node); */
    /*@ assert rup_f5: l == 0 ==> \forall hb_node_t *p; \at(hb_sep_node(node, 0, p), Pre) ==>
               \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               \separated(node->child[j].leaf, p); */
    /*@ assert rup_f6: l == 0 ==> \forall hb_leaf_t *f; \at(hb_sep_leaf(node, 0, f), Pre) ==>
               \separated(node, f) && \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               \separated(node->child[j].leaf, f); */
    /*@ ghost if (l == 0) lemma_rup_sep0(node); */
    return n != 0;
}

/* (leaf_range_up's contract: at its definition below.) */
static bool leaf_range_up(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l, size_t s,
                          size_t first, size_t end, bool set);

/* The leaf step (l == 0) or the child's (l > 0) of slot k of node, a
 * pointer slot now (after slot_enter); [first, end) lies in slot k (first
 * entry s), not covering it whole. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && HB_POOL_OK(hb) && \valid(node);
    requires lvl: l < hb->height <= HBITMAP_MAX_HEIGHT && k < 64;
    requires pos: s <= first && first - s < hb_span(l) && s % 4096 == 0;
    requires rng: first < end && first / 4096 == (end - 1) / 4096;
    requires apart: PDESC_APART(node, hb) && PW_NOT_SPARE(node, hb);
    requires root: node == &hb->root || \separated(node, hb);
    requires runs: PDESC_RUNS(node, l);
    requires node->child[k].node != \null;
    requires leaf: l == 0 ==> \valid(node->child[k].leaf) && hb->leaves > 0 &&
               \separated(node->child[k].leaf, hb) && \separated(node->child[k].leaf, node) &&
               (\forall integer g; 0 <= g < 8 ==> node->child[k].leaf->gpre[g] <= 512 &&
                  node->child[k].leaf->gsuf[g] <= 512 && node->child[k].leaf->gmax[g] <= 512);
    requires child: l > 0 ==> PW_CHILD_TREE(hb, node, k, l);
    requires pool: l > 0 ==> (l - 1 <= hb->num_spare_nodes && 1 <= hb->num_spare_leaves ||
                    hb_nosplit(node->child[k].node, l - 1, s, first, end, set) ||
                    RDESC_NEED(hb, node->child[k].node, l - 1, s, first, end, set)) &&
                   pleaf_pool_n(hb) && PW_POOL_L(hb);
    requires sp: l > 0 ==> PW_SPARES_APART(hb, node->child[k].node, l - 1);
    requires cnt: l > 0 ==> hb->nodes >= hb_nodes_from(node->child[k].node, l - 1, 0) + 1 &&
                  hb->leaves >= hb_leaves_from(node->child[k].node, l - 1, 0);
    requires max: l > 0 ==> hb->nodes + (l - 1) <= HB_MAX_STORE + 8 && hb->leaves <= HB_MAX_STORE;
    requires free: set != 0 ==> end - first <= hb->num_free;
    requires set == 0 ==> hb->num_free + (end - first) <= SIZE_MAX;
    decreases 6 * l + 1;
    assigns PUPDATE_WRITES(hb);
    ensures hdr0: l == 0 ==> PDESC_HDR(hb);
    ensures hdr: l != 0 ==> PDESC_HDR(hb);
    ensures runs: PDESC_RUNS(node, l);
    ensures cnt0: l == 0 ==> hb->nodes == \old(hb->nodes);
    ensures cnt: l > 0 ==>
              hb->nodes >= \old(hb->nodes - hb_nodes_from(node->child[k].node, l - 1, 0)) - 1;
    ensures frame: PDESC_SAME(hb, \separated(p_, node) &&
              (l == 0 ==> \separated(node->child[k].leaf, p_)) &&
              (l > 0 ==> hb_sep_node(node->child[k].node, l - 1, p_) && PW_NOT_SPARE(p_, hb)));
    // rinv3 (round 33): at level 0, node's tree facts kept (RINV3_T0).
    ensures rinv3_t0: l == 0 ==> \old(RINV3_T0(hb, node)) ==> RINV3_T0(hb, node);
    // rup (round 40): at level 0 the frame parts (RUP_FR / _LF, anc / lanc:
    // leaf_range_up's level-1 step reads them of leaf_range_at; no spare
    // premise here: no spare taken at level 0 below slot_enter).
    ensures rup_fr: l == 0 ==> RUP_FR0(hb, node);
    ensures rup_lf: l == 0 ==> RUP_LF0(hb, node);
    ensures rup_an: l == 0 ==> RUP_AN0(node);
    ensures rup_la: l == 0 ==> RUP_LA0(node);
*/
static inline bool leaf_range_below(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l,
                                    size_t s, size_t first, size_t end, bool set)
{
    if (l == 0) {
        /*@ assert first - s < 4096 && end - s <= 4096; */
        /*@ ghost lemma_hb_lw_same_pos(node->child[k].leaf, first - s, end - s, set); */
        /* rinv3 (round 33): the old leaves' facts, unfolded before the
         * call (range_below_leaf's rbelow2_os / _ow, under their premise). */
        /*@ assert rinv3_os: pfull_sib(node, 0) ==> \forall integer j; 0 <= j < 64 && j != k &&
                   node->child[j].node != \null ==>
                   \separated(node->child[j].leaf, node->child[k].leaf); */
        /*@ assert rinv3_ow: hb_wtree(hb, node, 0) ==> RINV3_LW(hb, node); */
        bool changed = leaf_range_leaf(hb, node, k, first - s, end - s, set);
        /* rinv3 (round 33): RINV3_T0 from leaf_range_leaf's rinv3_same /
         * _lfb / _lg, one predicate an assert. */
        /*@ assert rinv3_tr: \at(hb_tree(node, 0), Pre) ==> hb_tree(node, 0); */
        /*@ assert rinv3_nf: \at(pfull_nf(node, 0), Pre) ==> pfull_nf(node, 0); */
        /*@ assert rinv3_sb: \at(pfull_sib(node, 0), Pre) ==> pfull_sib(node, 0); */
        /* rup2 (round 41): rinv3_wl's hard part first (2.4 s at load 0.5 as
         * one goal, a timeout at load 6 - 7 with more hypotheses): the other
         * slots' leaves' groups (apart from slot k's leaf by pfull_sib). */
        /*@ assert rup2_w3: \at(hb_wtree(hb, node, 0) && pfull_sib(node, 0), Pre) ==>
                   \forall integer j; 0 <= j < 64 && j != k && node->child[j].node != \null ==>
                   \forall integer g; 0 <= g < 8 ==> node->child[j].leaf->gpre[g] <= 512 &&
                   node->child[j].leaf->gsuf[g] <= 512 && node->child[j].leaf->gmax[g] <= 512; */
        /*@ assert rinv3_wl: \at(hb_wtree(hb, node, 0) && pfull_sib(node, 0), Pre) ==>
                   RINV3_LW(hb, node); */
        /*@ ghost lemma_rinv3_wt0(hb, node); */
        /*@ assert rinv3_wt: \at(hb_wtree(hb, node, 0) && pfull_sib(node, 0), Pre) ==>
                   hb_wtree(hb, node, 0); */
        /*@ assert pdesc_l1: HB_ALLOCATOR(hb) && hb->height == \at(hb->height, Pre) &&
                   hb->num_entries == \at(hb->num_entries, Pre); */
        /*@ assert pdesc_l2: HB_POOL_OK(hb) &&
                   hb->num_spare_nodes == \at(hb->num_spare_nodes, Pre) &&
                   hb->num_spare_leaves == \at(hb->num_spare_leaves, Pre); */
        /*@ assert pdesc_l3: PDESC_RUNS(node, l); */
        /*@ assert pdesc_l4: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
                   \at(\separated(node->child[k].leaf, p), Pre) ==> hb_node_same{Pre, Here}(p); */
        /* rup (round 40): the frame parts (leaf_range_leaf writes node, slot
         * k's leaf and hb's counts only), each premise unfolded at Pre. */
        /*@ assert rup_b3: \forall hb_node_t *p; \at(hb_sep_node(node, 0, p), Pre) ==>
                   \separated(p, node) && \at(\separated(node->child[k].leaf, p), Pre); */
        /*@ assert rup_b4: \forall hb_leaf_t *f; \at(hb_sep_leaf(node, 0, f), Pre) ==>
                   \separated(f, node) && \at(\separated(node->child[k].leaf, f), Pre); */
        return changed;
    }
    bool changed = leaf_range_up(hb, node, k, l, s, first, end, set);
    /*@ assert pdesc_b1: HB_ALLOCATOR(hb) && hb->height == \at(hb->height, Pre) &&
               hb->num_entries == \at(hb->num_entries, Pre); */
    /*@ assert pdesc_b2: HB_POOL_OK(hb) &&
               hb->num_spare_nodes <= \at(hb->num_spare_nodes, Pre) &&
               hb->num_spare_leaves <= \at(hb->num_spare_leaves, Pre); */
    return changed;
}

/* pstep (round 22): leaf_range_down's second half as one call (its caller
 * then sees one state after it): the leaf or the child when slot_enter
 * readied slot k (go), else nothing. Each ensures names its case. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && HB_POOL_OK(hb) && \valid(node);
    requires lvl: l < hb->height <= HBITMAP_MAX_HEIGHT && k < 64;
    requires pos: s <= first && first - s < hb_span(l) && s % 4096 == 0;
    requires rng: first < end && first / 4096 == (end - 1) / 4096;
    requires apart: PDESC_APART(node, hb) && (go ==> PW_NOT_SPARE(node, hb));
    requires root: node == &hb->root || \separated(node, hb);
    requires runs: PDESC_RUNS(node, l);
    requires ptr: go ==> node->child[k].node != \null;
    requires leaf: go ==> (l == 0 ==> \valid(node->child[k].leaf) && hb->leaves > 0 &&
               \separated(node->child[k].leaf, hb) && \separated(node->child[k].leaf, node) &&
               (\forall integer g; 0 <= g < 8 ==> node->child[k].leaf->gpre[g] <= 512 &&
                  node->child[k].leaf->gsuf[g] <= 512 && node->child[k].leaf->gmax[g] <= 512));
    requires child: go ==> (l > 0 ==> PW_CHILD_TREE(hb, node, k, l));
    requires pool: go ==> (l > 0 ==> (l - 1 <= hb->num_spare_nodes && 1 <= hb->num_spare_leaves ||
                    hb_nosplit(node->child[k].node, l - 1, s, first, end, set) ||
                    RDESC_NEED(hb, node->child[k].node, l - 1, s, first, end, set)) &&
                   pleaf_pool_n(hb) && PW_POOL_L(hb));
    requires sp: go ==> (l > 0 ==> PW_SPARES_APART(hb, node->child[k].node, l - 1));
    requires cnt: go ==> (l > 0 ==> hb->nodes >= hb_nodes_from(node->child[k].node, l - 1, 0) + 1 &&
                  hb->leaves >= hb_leaves_from(node->child[k].node, l - 1, 0));
    requires max: go ==> (l > 0 ==> hb->nodes + (l - 1) <= HB_MAX_STORE + 8 && hb->leaves <= HB_MAX_STORE);
    requires free: go ==> (set != 0 ==> end - first <= hb->num_free) &&
                   (set == 0 ==> hb->num_free + (end - first) <= SIZE_MAX);
    decreases 6 * l + 2;
    assigns PUPDATE_WRITES(hb);
    ensures hdr_g: go ==> PDESC_HDR(hb);
    ensures hdr: !go ==> PDESC_HDR(hb);
    ensures runs_g: go ==> PDESC_RUNS(node, l);
    ensures runs: !go ==> PDESC_RUNS(node, l);
    ensures cnt0: go && l == 0 ==> hb->nodes == \old(hb->nodes);
    ensures cnt_g: go && l > 0 ==>
              hb->nodes >= \old(hb->nodes - hb_nodes_from(node->child[k].node, l - 1, 0)) - 1;
    ensures cnt: !go ==> hb->nodes == \old(hb->nodes);
    ensures frame_g: go ==> PDESC_SAME(hb, \separated(p_, node) &&
              (l == 0 ==> \separated(node->child[k].leaf, p_)) &&
              (l > 0 ==> hb_sep_node(node->child[k].node, l - 1, p_) && PW_NOT_SPARE(p_, hb)));
    ensures frame: !go ==> \forall hb_node_t *p; hb_node_same{Old, Here}(p);
    // rinv4 (round 37): at level 0, node's tree facts kept (leaf_range_below's
    // rinv3_t0; !go writes nothing).
    ensures rinv4_t0: l == 0 ==> \old(RINV3_T0(hb, node)) ==> RINV3_T0(hb, node);
    // rup (round 40): at level 0 the frame parts (RUP_FR / _LF, anc / lanc:
    // leaf_range_up's level-1 step reads them of leaf_range_at; no spare
    // premise here: no spare taken at level 0 below slot_enter).
    ensures rup_fr: l == 0 ==> RUP_FR0(hb, node);
    ensures rup_lf: l == 0 ==> RUP_LF0(hb, node);
    ensures rup_an: l == 0 ==> RUP_AN0(node);
    ensures rup_la: l == 0 ==> RUP_LA0(node);
*/
static inline bool leaf_range_go(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l,
                                 size_t s, size_t first, size_t end, bool set, bool go)
{
    if (!go)
        return false;
    return leaf_range_below(hb, node, k, l, s, first, end, set);
}

/* The step at slot k of node (level l) not covered whole: slot_enter, then
 * the leaf or the child. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && HB_POOL_OK(hb) && \valid(node);
    requires lvl: l < hb->height <= HBITMAP_MAX_HEIGHT && k < 64;
    requires pos: s <= first && first - s < hb_span(l) && s % 4096 == 0;
    requires rng: first < end && first / 4096 == (end - 1) / 4096;
    requires part: !(first == s && end - s == hb_span(l));
    requires tree: hb_tree(node, l) && hb_wtree(hb, node, l);
    requires apart: PDESC_APART(node, hb);
    requires root: node == &hb->root || \separated(node, hb);
    requires pool: (l <= hb->num_spare_nodes && 1 <= hb->num_spare_leaves ||
                    (node->child[k].node == \null ? (BIT(node->full, (uint8_t)k) <==> set != 0) :
                       (l == 0 || hb_nosplit(node->child[k].node, l - 1, s, first, end, set))) ||
                    RDESC_SLOT(hb, node, k, l, s, first, end, set)) &&
                   pleaf_pool_n(hb) && PW_POOL_L(hb);
    PDESC_WALK_REQUIRES(hb, node, l, first, end, set)
    decreases 6 * l + 3;
    PDESC_WALK_ENSURES(hb, node, l)
    // rinv4 (round 37): at level 0, node's tree facts kept (slot_enter's
    // rinv4_t0, then leaf_range_go's).
    ensures rinv4_t0: l == 0 ==> \old(RINV3_T0(hb, node)) ==> RINV3_T0(hb, node);
    // rup (round 40): at level 0 the frame parts (RUP_FR / _LF, anc / lanc:
    // leaf_range_up's level-1 step reads them of leaf_range_at).
    ensures rup_fr: l == 0 ==> RUP_FR(hb, node, 0);
    ensures rup_lf: l == 0 ==> RUP_LF(hb, node, 0);
    ensures rup_an: l == 0 ==> RPART2_ANC(hb, node, 0);
    ensures rup_la: l == 0 ==> RPART2_LANC(hb, node, 0);
*/
static inline bool leaf_range_down(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l,
                                   size_t s, size_t first, size_t end, bool set)
{
    /*@ assert pstep_sn: \forall integer i; 0 <= i < hb->num_spare_nodes ==>
               \separated(hb->spare_node[i], hb); */
    /*@ assert pstep_sl: \forall integer i; 0 <= i < hb->num_spare_leaves ==>
               \separated(hb->spare_leaf[i], hb); */
    /* rdesc (round 37): slot k is not covered whole as rpool_whole tests it
     * either (a one-leaf range, s 4096-aligned: lemma rdesc_nw). */
    /*@ assert rdesc_nwa: !rpool_whole(s, l, first, end); */
    /*@ assert rdesc_se: node->child[k].node == \null && !(BIT(node->full, k) <==> set != 0) ==>
               (l == 0 ==> 1 <= hb->num_spare_leaves) && (l > 0 ==> 1 <= hb->num_spare_nodes); */
    /*@ ghost hb_node_t *rdesc_c0 = node->child[k].node; */
    bool go = slot_enter(hb, node, k, l, set) /*@ ghost (0) */;
    /*@ ghost rdesc_m:; */
    /* rsplit (round 29): the call's requires apart, stated right after the
     * call (it timed out at 10 s at load 10 when proved at the call). */
    /*@ assert rsplit_ap: PDESC_APART(node, hb) && (go ==> PW_NOT_SPARE(node, hb)); */
    /*@ assert pdesc_sep: \forall hb_node_t *p; \at(hb_sep_node(node, l, p), Pre) ==>
               \separated(p, node); */
    /*@ assert pstep_k: go && l > 0 ==> pleaf_kept{Pre, Here}(hb); */
    /*@ assert pstep_nsp: go && l > 0 ==> \forall hb_node_t *p; pleaf_nsp{Pre}(hb, p) ==>
               pleaf_nsp(hb, p); */
    /*@ assert pdesc_nsp: go && l > 0 ==> \forall hb_node_t *p; \at(PW_NOT_SPARE(p, hb), Pre) ==>
               PW_NOT_SPARE(p, hb); */
    /*@ assert pstep_f1: \forall hb_node_t *p; PDESC_APART(p, hb) &&
               \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==>
               hb_node_same{Pre, Here}(p); */
    /*@ assert pstep_f2: go ==> \forall hb_node_t *p; PDESC_APART(p, hb) &&
               \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==>
               \separated(p, node) && (l == 0 ==> \separated(node->child[k].leaf, p)) &&
               (l > 0 ==> hb_sep_node(node->child[k].node, l - 1, p) && PW_NOT_SPARE(p, hb)); */
    /* rdesc (round 37): the child's need after slot_enter: a pointer slot's
     * as it was (slot_enter's rdesc_tn / _tl), a split's fresh child's the
     * virtual count (rdesc_fresh_n / _l), one node fewer in the pool; last
     * before the call (the asserts above keep main's context: rsplit_ap
     * needed a split over an empty cache with these before it). */
    /*@ assert rdesc_dp: go && l > 0 && \at(node->child[k].node, Pre) != \null &&
               \at(RDESC_SLOT(hb, node, k, l, s, first, end, set), Pre) ==>
               RDESC_NEED(hb, node->child[k].node, l - 1, s, first, end, set); */
    /*@ ghost if (go && l > 0 && rdesc_c0 == 0)
          lemma_rdesc_dn(node->child[k].node, l - 1u, s, first, end, set,
                         hb->num_spare_nodes, hb->num_spare_leaves); */
    bool changed = leaf_range_go(hb, node, k, l, s, first, end, set, go);
    /*@ assert pstep_f3a: !go ==> \forall hb_node_t *p; PDESC_APART(p, hb) &&
               \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==>
               hb_node_same{Pre, Here}(p); */
    /* rdesc (round 37): pstep_f3b's second half (from rdesc_m, after slot_enter:
     * pstep_f2 and leaf_range_go's frame_g) on its own: with slot_enter's
     * rdesc_tn / _tl in its context pstep_f3b took a split and 5.9 s. */
    /* integrator (round 40): rdesc_f3c per level case first (5.3 s alone at
     * load 0.2 and a timeout at load 2 once the base's tasks changed; in each
     * case Qed drops the other case's hypotheses, as rinv4_f0 / _f1). */
    /*@ assert rdesc_f3c0: go && l == 0 ==> \forall hb_node_t *p; PDESC_APART(p, hb) &&
               \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==>
               hb_node_same{rdesc_m, Here}(p); */
    /*@ assert rdesc_f3c1: go && l > 0 ==> \forall hb_node_t *p; PDESC_APART(p, hb) &&
               \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==>
               hb_node_same{rdesc_m, Here}(p); */
    /*@ assert rdesc_f3c: go ==> \forall hb_node_t *p; PDESC_APART(p, hb) &&
               \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==>
               hb_node_same{rdesc_m, Here}(p); */
    /* rinv4 (round 37): pstep_f3b per level case (with the rinv4_t0
     * hypotheses of slot_enter / leaf_range_go, all under l == 0, it went from
     * 2.7 s to 4.2 s at load 3 and timed out at 10 s under load; in each case
     * Qed drops the other case's hypotheses). */
    /*@ assert rinv4_f0: go && l == 0 ==> \forall hb_node_t *p; PDESC_APART(p, hb) &&
               \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==>
               hb_node_same{Pre, Here}(p); */
    /*@ assert rinv4_f1: go && l > 0 ==> \forall hb_node_t *p; PDESC_APART(p, hb) &&
               \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==>
               hb_node_same{Pre, Here}(p); */
    /*@ assert pstep_f3b: go ==> \forall hb_node_t *p; PDESC_APART(p, hb) &&
               \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==>
               hb_node_same{Pre, Here}(p); */
    /*@ assert pstep_f3: \forall hb_node_t *p; PDESC_APART(p, hb) &&
               \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==>
               hb_node_same{Pre, Here}(p); */
    /*@ assert pdesc_d1: HB_ALLOCATOR(hb) && hb->height == \at(hb->height, Pre) &&
               hb->num_entries == \at(hb->num_entries, Pre); */
    /*@ assert pdesc_d2: HB_POOL_OK(hb) &&
               hb->num_spare_nodes <= \at(hb->num_spare_nodes, Pre) &&
               hb->num_spare_leaves <= \at(hb->num_spare_leaves, Pre); */
    return changed;
}

/* pstep (round 22): leaf_range_at's two cases as one call (its caller then
 * sees one state after it): slot k covered whole (whole: leaf_range_fill)
 * or in part (leaf_range_down). Each ensures names its case. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && HB_POOL_OK(hb) && \valid(node);
    requires lvl: l < hb->height <= HBITMAP_MAX_HEIGHT && k < 64;
    requires apart: PDESC_APART(node, hb);
    requires wfill: whole ==> (node->child[k].node != \null && l == 0 ==>
               \valid_read(node->child[k].leaf) && hb->leaves > 0);
    requires wtree: whole ==> (node->child[k].node != \null && l > 0 ==>
               hb_tree(node->child[k].node, l - 1) &&
               hb->nodes >= 1 + hb_nodes_from(node->child[k].node, l - 1, 0) &&
               hb->leaves >= hb_leaves_from(node->child[k].node, l - 1, 0) &&
               hb_nodes_from(node->child[k].node, l - 1, 0) + 1 <= hb_nodes_from(node, l, 0));
    requires wruns: whole ==> PDESC_RUNS(node, l);
    requires wfree: whole ==> (set != 0 ==> hb_span(l) <= hb->num_free) &&
                    (set == 0 ==> hb->num_free + hb_span(l) <= SIZE_MAX);
    requires wsep: whole ==> \forall hb_node_t *p; hb_sep_node(node, l, p) ==> \separated(p, node);
    requires pos: !whole ==> s <= first && first - s < hb_span(l) && s % 4096 == 0;
    requires rng: !whole ==> first < end && first / 4096 == (end - 1) / 4096;
    requires part: !whole ==> !(first == s && end - s == hb_span(l));
    requires tree: !whole ==> hb_tree(node, l) && hb_wtree(hb, node, l);
    requires root: node == &hb->root || \separated(node, hb);
    requires pool: !whole ==> (l <= hb->num_spare_nodes && 1 <= hb->num_spare_leaves ||
                    (node->child[k].node == \null ? (BIT(node->full, (uint8_t)k) <==> set != 0) :
                       (l == 0 || hb_nosplit(node->child[k].node, l - 1, s, first, end, set))) ||
                    RDESC_SLOT(hb, node, k, l, s, first, end, set)) &&
                   pleaf_pool_n(hb) && PW_POOL_L(hb);
    requires sp: !whole ==> PW_SPARES_APART(hb, node, l);
    requires cnt: !whole ==> hb->nodes >= hb_nodes_from(node, l, 0) &&
                  hb->leaves >= hb_leaves_from(node, l, 0);
    requires max: !whole ==> hb->nodes + l <= HB_MAX_STORE + 8 && hb->leaves <= HB_MAX_STORE;
    requires free: !whole ==> (set != 0 ==> end - first <= hb->num_free) &&
                   (set == 0 ==> hb->num_free + (end - first) <= SIZE_MAX);
    decreases 6 * l + 4;
    assigns PUPDATE_WRITES(hb);
    ensures hdr_w: whole ==> PDESC_HDR(hb);
    ensures hdr: !whole ==> PDESC_HDR(hb);
    ensures runs_w: whole ==> PDESC_RUNS(node, l);
    ensures runs: !whole ==> PDESC_RUNS(node, l);
    ensures cnt_w: whole ==> hb->nodes >= \old(hb->nodes - hb_nodes_from(node, l, 0));
    ensures cnt: !whole ==> hb->nodes >= \old(hb->nodes - hb_nodes_from(node, l, 0));
    ensures frame_w: whole ==> PDESC_SAME(hb, hb_sep_node(node, l, p_) && PW_NOT_SPARE(p_, hb));
    ensures frame: !whole ==> PDESC_SAME(hb, hb_sep_node(node, l, p_) && PW_NOT_SPARE(p_, hb));
    // rinv3 (round 33): at level 0, a slot covered whole keeps node's tree
    // facts (leaf_range_fill's); the other case waits on slot_enter (RESULTS
    // "Round 33 (rinv3)").
    ensures rinv3_t0w: whole && l == 0 ==> \old(RINV3_T0(hb, node)) ==> RINV3_T0(hb, node);
    // rinv4 (round 37): the other case (leaf_range_down's rinv4_t0).
    ensures rinv4_t0p: !whole && l == 0 ==> \old(RINV3_T0(hb, node)) ==> RINV3_T0(hb, node);
    // rup (round 40): at level 0 the frame parts (RUP_FR / _LF, anc / lanc:
    // leaf_range_up's level-1 step reads them of leaf_range_at).
    ensures rup_fr: l == 0 ==> RUP_FR(hb, node, 0);
    ensures rup_lf: l == 0 ==> RUP_LF(hb, node, 0);
    ensures rup_an: l == 0 ==> RPART2_ANC(hb, node, 0);
    ensures rup_la: l == 0 ==> RPART2_LANC(hb, node, 0);
*/
static inline bool leaf_range_step(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l,
                                   size_t s, size_t first, size_t end, bool set, bool whole)
{
    if (whole)
        return leaf_range_fill(hb, node, k, l, set);
    return leaf_range_down(hb, node, k, l, s, first, end, set);
}

/* leaf_range_apply's level l at node (first entry base): the slot k
 * holding [first, end) is filled when the range covers it whole, else
 * readied and the range applied below it. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && HB_POOL_OK(hb) && \valid(node);
    requires lvl: l < hb->height <= HBITMAP_MAX_HEIGHT;
    requires pos: base <= first && first - base < hb_span(l + 1) && base % 4096 == 0;
    requires rng: first < end && first / 4096 == (end - 1) / 4096;
    requires tree: hb_tree(node, l) && hb_wtree(hb, node, l);
    requires apart: PDESC_APART(node, hb);
    requires root: node == &hb->root || \separated(node, hb);
    requires pool: (l <= hb->num_spare_nodes && 1 <= hb->num_spare_leaves ||
                    hb_nosplit(node, l, base, first, end, set) ||
                    RDESC_NEED(hb, node, l, base, first, end, set)) &&
                   pleaf_pool_n(hb) && PW_POOL_L(hb);
    PDESC_WALK_REQUIRES(hb, node, l, first, end, set)
    decreases 6 * l + 5;
    PDESC_WALK_ENSURES(hb, node, l)
    // rinv4 (round 37): at level 0, node's tree facts kept (leaf_range_step's
    // rinv3_t0w / rinv4_t0p).
    ensures rinv4_t0: l == 0 ==> \old(RINV3_T0(hb, node)) ==> RINV3_T0(hb, node);
    // rup (round 40): at level 0 the frame parts (RUP_FR / _LF, anc / lanc:
    // leaf_range_up's level-1 step reads them of leaf_range_at).
    ensures rup_fr: l == 0 ==> RUP_FR(hb, node, 0);
    ensures rup_lf: l == 0 ==> RUP_LF(hb, node, 0);
    ensures rup_an: l == 0 ==> RPART2_ANC(hb, node, 0);
    ensures rup_la: l == 0 ==> RPART2_LANC(hb, node, 0);
*/
static bool leaf_range_at(hbitmap_t *hb, hb_node_t *node, unsigned l, size_t base, size_t first,
                          size_t end, bool set)
{
    unsigned k = SLOT_OF(first, base, l);
    /*@ assert k == (first - base) / hb_span(l) && k < 64; */
    size_t s = base + span_mul(k, l);
    /*@ assert s <= first < s + hb_span(l); */
    /*@ assert s == hb_slot_at(base, k, l); */
    /*@ ghost lemma_pdescent_align(base, k, l); */
    /*@ assert align: s % 4096 == 0; */
    /*@ ghost lemma_pwtree_unfold(node, l, base, first, end, set, k, s); */
    bool whole = first == s && end - s == SPAN(l);
    /*@ ghost if (whole && l > 0 && node->child[k].node != 0) lemma_pwtree_down(hb, node, k, l); */
    /*@ ghost if (whole && l == 0 && node->child[k].node != 0) lemma_pwtree_leaf(hb, node, k); */
    /*@ assert pdesc_sep: \forall hb_node_t *p; hb_sep_node(node, l, p) ==> \separated(p, node); */
    /* rdesc (round 37): the need at node unfolded at slot k (rpool_tnodes'
     * definition, y = -1). */
    /*@ ghost lemma_rdesc_unf(node, l, base, first, end, set, k, s); */
    /*@ assert rdesc_a: RDESC_NEED(hb, node, l, base, first, end, set) ==>
               RDESC_SLOT(hb, node, k, l, s, first, end, set); */
    return leaf_range_step(hb, node, k, l, s, first, end, set, whole);
}

/* The child's step: [first, end) applied below the child node in slot k of
 * node (leaf_range_at, one level down), then the child's new runs stored
 * as slot k's summary (path_update) when they changed. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && HB_POOL_OK(hb) && \valid(node);
    requires lvl: 0 < l < hb->height <= HBITMAP_MAX_HEIGHT && k < 64;
    requires pos: s <= first && first - s < hb_span(l) && s % 4096 == 0;
    requires rng: first < end && first / 4096 == (end - 1) / 4096;
    requires apart: PDESC_APART(node, hb) && PW_NOT_SPARE(node, hb);
    requires root: node == &hb->root || \separated(node, hb);
    requires runs: PDESC_RUNS(node, l);
    requires child: PW_CHILD_TREE(hb, node, k, l);
    requires pool: (l - 1 <= hb->num_spare_nodes && 1 <= hb->num_spare_leaves ||
                    hb_nosplit(node->child[k].node, l - 1, s, first, end, set) ||
                    RDESC_NEED(hb, node->child[k].node, l - 1, s, first, end, set)) &&
                   pleaf_pool_n(hb) && PW_POOL_L(hb);
    requires sp: PW_SPARES_APART(hb, node->child[k].node, l - 1);
    requires cnt: hb->nodes >= hb_nodes_from(node->child[k].node, l - 1, 0) + 1 &&
                  hb->leaves >= hb_leaves_from(node->child[k].node, l - 1, 0);
    requires max: hb->nodes + (l - 1) <= HB_MAX_STORE + 8 && hb->leaves <= HB_MAX_STORE;
    requires free: set != 0 ==> end - first <= hb->num_free;
    requires set == 0 ==> hb->num_free + (end - first) <= SIZE_MAX;
    decreases 6 * l;
    assigns PUPDATE_WRITES(hb);
    ensures hdr: PDESC_HDR(hb);
    ensures runs: PDESC_RUNS(node, l);
    ensures cnt: hb->nodes >= \old(hb->nodes - hb_nodes_from(node->child[k].node, l - 1, 0)) - 1;
    ensures frame: PDESC_SAME(hb, \separated(p_, node) &&
              hb_sep_node(node->child[k].node, l - 1, p_) && PW_NOT_SPARE(p_, hb));
*/
static bool leaf_range_up(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l, size_t s,
                          size_t first, size_t end, bool set)
{
    hb_node_t *c = node->child[k].node;
    /*@ assert pdesc_c: \separated(c, node) && \separated(c, hb) && \valid(c); */
    bool go = leaf_range_at(hb, c, l - 1u, s, first, end, set);
    /*@ assert pdesc_same: hb_node_same{Pre, Here}(node); */
    /*@ assert pdesc_hb: \forall hb_node_t *p; \at(hb_sep_node(node->child[k].node, l - 1, p), Pre) ==>
               \separated(p, c); */
    /*@ assert pdesc_g: k / 8 < 8; */
    bool changed = leaf_range_climb(hb, node, k, c, SLOT_OF(first, s, l - 1u), l, set, go);
    /*@ assert pdesc_u1: HB_ALLOCATOR(hb) && hb->height == \at(hb->height, Pre) &&
               hb->num_entries == \at(hb->num_entries, Pre); */
    /*@ assert pdesc_u2: HB_POOL_OK(hb) &&
               hb->num_spare_nodes <= \at(hb->num_spare_nodes, Pre) &&
               hb->num_spare_leaves <= \at(hb->num_spare_leaves, Pre); */
    /*@ assert pdesc_u4: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
               \at(hb_sep_node(node->child[k].node, l - 1, p) && PW_NOT_SPARE(p, hb), Pre) ==>
               hb_node_same{Pre, Here}(p); */
    return changed;
}

/* Sets (set) or clears [first, end), which lies in one leaf's span, using
 * the pool for splits: one descent to the slot holding it, then a climb
 * that updates each node's summary from its one changed slot, stopping at
 * the first summary that did not change (leaf_range_at and its steps).
 * What range_apply's walk does for such a range, without its frames (most
 * updates are of this kind). */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && HB_READABLE(hb) && HB_POOL_OK(hb);
    requires hb_wtree(hb, &hb->root, hb->height - 1);
    requires HB_POOL_SPARES(hb) && HB_POOL_APART(hb);
    requires pool: hb->height - 1 <= hb->num_spare_nodes && 1 <= hb->num_spare_leaves ||
                   hb_nosplit(&hb->root, hb->height - 1, 0, first, end, set) ||
                   rpool_pool_ok(hb, first, end, set);
    requires hb->nodes >= hb_nodes_from(&hb->root, hb->height - 1, 0) &&
             hb->leaves >= hb_leaves_from(&hb->root, hb->height - 1, 0);
    requires hb->nodes <= HB_MAX_STORE && hb->leaves <= HB_MAX_STORE;
    requires first < end <= hb->num_entries && first / 4096 == (end - 1) / 4096;
    requires set != 0 ==> end - first <= hb->num_free;
    requires set == 0 ==> hb->num_free + (end - first) <= SIZE_MAX;
    assigns PUPDATE_WRITES(hb);
    ensures \valid(hb);
    ensures HB_ALLOCATOR(hb) && HB_POOL_OK(hb);
    ensures hb->height == \old(hb->height) && hb->num_entries == \old(hb->num_entries);
    ensures hb->num_spare_nodes <= \old(hb->num_spare_nodes) &&
            hb->num_spare_leaves <= \old(hb->num_spare_leaves);
    // rinv (round 31): the root's runs after the write (leaf_range_at's runs)
    ensures rinv_runs: RINV_RUNS(hb);
    // rinv4 (round 37): NOT here yet: `ensures \old(hb->height) == 1 ==>
    // \old(RPOOL2_PFULL(hb)) ==> RINV3_T0(hb, &hb->root)` (a one-level bitmap
    // keeps its tree facts: leaf_range_at's rinv4_t0, Qed) proves, but as a
    // hypothesis it slowed range_apply's rinv_runs / ensures past 10 s at load
    // 3.7 and has no consumer until the levels above 0 are done (RESULTS
    // "Round 37 (rinv4)").
*/
static void leaf_range_apply(hbitmap_t *hb, size_t first, size_t end, bool set)
{
    /*@ assert pdesc_n: pleaf_pool_n(hb) && PW_POOL_L(hb); */
    /*@ assert pdesc_sp: PW_SPARES_APART(hb, &hb->root, hb->height - 1); */
    /* rdesc (round 37): for a one-leaf range count_splits' need is the one
     * path's (rpool_need_nodes' second path is 0). */
    /*@ assert rdesc_ok: rpool_pool_ok(hb, first, end, set) ==>
               RDESC_NEED(hb, &hb->root, hb->height - 1, 0, first, end, set); */
    leaf_range_at(hb, &hb->root, hb->height - 1u, 0, first, end, set);
}

/* range_apply's step for slots covered whole: slots f.k up to kb (the last
 * one the range [., end) covers whole: f.k1, or f.k1 - 1 when the range
 * ends inside slot f.k1) of f's node (level l) become FULL (set) or EMPTY
 * at once, the free count takes what changed; returns f moved past kb.
 * (Slot offsets as hb_slots_span terms: no product with a symbolic span.) */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && l < HBITMAP_MAX_HEIGHT;
    requires \valid(f.node) && hb_tree(f.node, l);
    requires \separated(f.node, &hb->nodes, &hb->leaves, &hb->num_free);
    requires f.k <= f.k1 < 64;
    requires whole: f.base + hb_slots_span(f.k + 1, l) <= end;
    requires last: f.base + hb_slots_span(f.k1, l) < end;
    requires flags: \forall integer j; f.k <= j <= f.k1 && f.node->child[j].node != \null ==>
               !BIT(f.node->full, j);
    requires hb->nodes >= hb_nodes_from(f.node, l, f.k) &&
             hb->leaves >= hb_leaves_from(f.node, l, f.k);
    requires free: set != 0 ==> end - (f.base + hb_slots_span(f.k, l)) <= hb->num_free;
    requires set == 0 ==> hb->num_free + (end - (f.base + hb_slots_span(f.k, l))) <= SIZE_MAX;
    assigns hb->nodes, hb->leaves, hb->num_free,
            f.node->child[f.k .. f.k1], f.node->full, f.node->pre[f.k .. f.k1],
            f.node->suf[f.k .. f.k1], f.node->max[f.k .. f.k1],
            f.node->gmax[f.k / 8 .. f.k1 / 8];
    ensures frame: \result.node == f.node && \result.base == f.base &&
              \result.k0 == f.k0 && \result.k1 == f.k1;
    ensures step: f.k < \result.k <= f.k1 + 1;
    ensures done: f.base + hb_slots_span(\result.k, l) <= end;
    ensures rest: \result.k <= f.k1 ==> end < f.base + hb_slots_span(\result.k + 1, l);
    ensures free_set: set != 0 ==> end - (f.base + hb_slots_span(\result.k, l)) <= hb->num_free;
    ensures free_clear: set == 0 ==>
              hb->num_free + (end - (f.base + hb_slots_span(\result.k, l))) <= SIZE_MAX;
    // rcnt (round 28): the slot reached is the last one or the one after.
    ensures rcnt_k: \result.k == f.k1 || \result.k == f.k1 + 1;
    // pfull: the slots after the ones filled keep their FULL bits.
    ensures pfull_bits: \forall integer j; \result.k <= j < 64 ==>
              (BIT(f.node->full, (uint8_t)j) <==> BIT(\old(f.node->full), (uint8_t)j));
    // papart: ... and their pointers (the assigns name all of [f.k, f.k1]).
    ensures papart_ptrs: \forall integer j; \result.k <= j < 64 ==>
              f.node->child[j].node == \old(f.node->child[j].node) &&
              f.node->child[j].leaf == \old(f.node->child[j].leaf);
    // papply2: only hb and f's node were written (range_apply's fill path
    // frame, papart's open 4; frame_close states the same).
    ensures papply2_unch: pkeep_unch{Pre,Here}(hb, f.node, f.node);
    // rcnt (round 28): the counts fall by the subtrees of the slots filled
    // (slots_fill's exact counts).
    ensures rcnt_n: hb->nodes + hb_nodes_from{Pre}(f.node, l, f.k) ==
              \old(hb->nodes) + hb_nodes_from{Pre}(f.node, l, \result.k);
    ensures rcnt_l: hb->leaves + hb_leaves_from{Pre}(f.node, l, f.k) ==
              \old(hb->leaves) + hb_leaves_from{Pre}(f.node, l, \result.k);
    // rnode2 (round 29): num_free moved by at most the entries of the
    // slots filled (range_node's `free`, a sum of per-step moves).
    ensures rnode2_mv: RNODE2_MV(hb, hb_slots_span(\result.k, l) - hb_slots_span(f.k, l), set);
    // rnode4 (round 31): the slots filled are uniform, their summaries in
    // range; the other slots keep their summaries; a group run is kept or
    // unknown (range_mid's runs, via range_fill's rnode4_runs).
    ensures rnode4_null: \forall integer j; f.k <= j < \result.k ==>
              f.node->child[j].node == \null && f.node->pre[j] <= hb_span(l) &&
              f.node->suf[j] <= hb_span(l) && f.node->max[j] <= hb_span(l);
    ensures rnode4_keep: \forall integer j; 0 <= j < 64 && !(f.k <= j < \result.k) ==>
              f.node->pre[j] == \old(f.node->pre[j]) && f.node->suf[j] == \old(f.node->suf[j]) &&
              f.node->max[j] == \old(f.node->max[j]);
    ensures rnode4_g: \forall integer g; 0 <= g < 8 ==>
              (f.node->gmax[g] == \old(f.node->gmax[g]) || f.node->gmax[g] == GROUP_STALE) &&
              f.node->gpre[g] == \old(f.node->gpre[g]) && f.node->gsuf[g] == \old(f.node->gsuf[g]);
    // rmid3 (round 33): every node apart from hb's written fields and from
    // f.node (the root too, when f.node is below it) keeps its fields, one
    // group each (slots_fill's, through free_count_update: range_mid's frame;
    // papply2_unch covers nodes apart from all of hb only). As ensures, not
    // asserts: asserts here made papart_ptrs / rnode4_g time out.
    RMID2_F4(Old, Here, hb, f.node)
    // rmid2 (round 32): the slots before f.k keep their pointers and FULL bits
    // (with papart_ptrs / pfull_bits: every slot not filled; range_fill's counts
    // and pfull_nf).
    ensures rmid2_lo: \forall integer j; 0 <= j < f.k ==>
              f.node->child[j].node == \old(f.node->child[j].node) &&
              f.node->child[j].leaf == \old(f.node->child[j].leaf) &&
              (BIT(f.node->full, (uint8_t)j) <==> BIT(\old(f.node->full), (uint8_t)j));
*/
static inline hb_frame_t range_fill_step(hbitmap_t *hb, hb_frame_t f, unsigned l, size_t end,
                                         bool set)
{
    /*@ ghost lemma_pstep_mul(f.k1, l); */
    /*@ ghost lemma_pstep_step(f.k1, l); */
    unsigned kb = end - (f.base + span_mul(f.k1, l)) >= SPAN(l) ? f.k1 : f.k1 - 1u;
    /*@ assert kb: f.k <= kb <= f.k1 && f.base + hb_slots_span(kb + 1, l) <= end; */
    /*@ ghost lemma_pstep_sum(f.k, kb + 1u - f.k, l); */
    /*@ assert g8: 0 <= f.k / 8 <= kb / 8 < 8; */
    /*@ assert sep_nf: \separated(&hb->num_free, &f.node->child[f.k .. kb], &f.node->full,
                 &f.node->pre[f.k .. kb], &f.node->suf[f.k .. kb], &f.node->max[f.k .. kb],
                 &f.node->gmax[f.k / 8 .. kb / 8], &hb->nodes, &hb->leaves); */
    size_t changed = slots_fill(hb, f.node, f.k, kb, l, set);
    /*@ assert nf: hb->num_free == \at(hb->num_free, Pre); */
    /*@ assert changed <= hb_slots_span(kb + 1, l) - hb_slots_span(f.k, l); */
    /*@ assert papply2_f1: pkeep_unch{Pre,Here}(hb, f.node, f.node); */
    free_count_update(hb, changed, set);
    /*@ assert papply2_fv: papply2_v{Pre,Here}; */
    /*@ assert papply2_fnc: papply2_nc{Pre,Here}(hb, f.node, f.node); */
    /*@ assert papply2_fnr: papply2_nr{Pre,Here}(hb, f.node, f.node); */
    /*@ assert papply2_fng: papply2_ng{Pre,Here}(hb, f.node, f.node); */
    /*@ assert papply2_fn: papply2_n{Pre,Here}(hb, f.node, f.node); */
    /*@ assert papply2_fl: papply2_l{Pre,Here}(hb, f.node, f.node); */
    f.dirty |= changed != 0;
    f.k = kb + 1u;
    /*@ ghost lemma_pstep_step(f.k, l); */
    return f;
}

/* rcnt (round 28): range_fill_step as range_mid's one call, with a small
 * contract of its own: hb's header and pool kept (f.node apart from hb's
 * fields: PDESC_APART), the counts only fall (range_fill_step's exact
 * counts, lemma_rcnt_from_le). In range_mid's context the header
 * equalities timed out (RESULTS "Round 27 (rnode ...)"). */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && l < HBITMAP_MAX_HEIGHT;
    requires \valid(f.node) && hb_tree(f.node, l);
    requires apart: PDESC_APART(f.node, hb) && (f.node == &hb->root || \separated(f.node, hb));
    // rnode4 (round 31): f.node a writable subtree (range_mid's RREC_NODE_OK).
    requires rnode4_w: hb_wtree(hb, f.node, l);
    requires f.k <= f.k1 < 64;
    requires whole: f.base + hb_slots_span(f.k + 1, l) <= end;
    requires last: f.base + hb_slots_span(f.k1, l) < end;
    requires flags: \forall integer j; f.k <= j <= f.k1 && f.node->child[j].node != \null ==>
               !BIT(f.node->full, j);
    requires cnt: hb->nodes >= hb_nodes_from(f.node, l, f.k) &&
             hb->leaves >= hb_leaves_from(f.node, l, f.k);
    requires free: set != 0 ==> end - (f.base + hb_slots_span(f.k, l)) <= hb->num_free;
    requires set == 0 ==> hb->num_free + (end - (f.base + hb_slots_span(f.k, l))) <= SIZE_MAX;
    // rmid4 (round 34): *f.node whole (it was its fields [f.k, f.k1]): the
    // call's inclusion in range_mid's PUPDATE_WRITES then needs no witness
    // search per field (range_mid's assigns_exit_part3 timed out at 10 s);
    // range_mid reads f.node after the call through the ensures only.
    assigns hb->nodes, hb->leaves, hb->num_free, *f.node;
    ensures frame: \result.node == f.node && \result.base == f.base &&
              \result.k0 == f.k0 && \result.k1 == f.k1;
    ensures step: f.k < \result.k <= f.k1 + 1;
    ensures done: f.base + hb_slots_span(\result.k, l) <= end;
    ensures rest: \result.k <= f.k1 ==> end < f.base + hb_slots_span(\result.k + 1, l);
    ensures free_set: set != 0 ==> end - (f.base + hb_slots_span(\result.k, l)) <= hb->num_free;
    ensures free_clear: set == 0 ==>
              hb->num_free + (end - (f.base + hb_slots_span(\result.k, l))) <= SIZE_MAX;
    ensures pfull_bits: \forall integer j; \result.k <= j < 64 ==>
              (BIT(f.node->full, (uint8_t)j) <==> BIT(\old(f.node->full), (uint8_t)j));
    ensures papart_ptrs: \forall integer j; \result.k <= j < 64 ==>
              f.node->child[j].node == \old(f.node->child[j].node) &&
              f.node->child[j].leaf == \old(f.node->child[j].leaf);
    ensures papply2_unch: pkeep_unch{Pre,Here}(hb, f.node, f.node);
    ensures rcnt_n: hb->nodes + hb_nodes_from{Pre}(f.node, l, f.k) ==
              \old(hb->nodes) + hb_nodes_from{Pre}(f.node, l, \result.k);
    ensures rcnt_l: hb->leaves + hb_leaves_from{Pre}(f.node, l, f.k) ==
              \old(hb->leaves) + hb_leaves_from{Pre}(f.node, l, \result.k);
    ensures rcnt_fall: hb->nodes <= \old(hb->nodes) && hb->leaves <= \old(hb->leaves);
    ensures rcnt_hs: hb->num_spare_nodes == \old(hb->num_spare_nodes) &&
              hb->num_spare_leaves == \old(hb->num_spare_leaves);
    ensures rcnt_hh: hb->height == \old(hb->height) && hb->num_entries == \old(hb->num_entries);
    ensures rcnt_ha: hb->allocator.free == \old(hb->allocator.free) &&
              hb->allocator.alloc == \old(hb->allocator.alloc);
    ensures rcnt_sn: \forall integer j; 0 <= j < HBITMAP_SPARE_NODES ==>
              hb->spare_node[j] == \old(hb->spare_node[j]);
    ensures rcnt_sl: \forall integer j; 0 <= j < HBITMAP_SPARE_LEAVES ==>
              hb->spare_leaf[j] == \old(hb->spare_leaf[j]);
    ensures rnode2_mv: RNODE2_MV(hb, hb_slots_span(\result.k, l) - hb_slots_span(f.k, l), set);
    // rnode4 (round 31): f.node's runs in range, its pointer slots old ones,
    // f.node apart from every leaf it was apart from (range_mid's runs /
    // lanc: each an instance there).
    ensures rnode4_runs: PDESC_RUNS(f.node, l);
    ensures rnode4_ptrs: RNODE4_PTRS(Old, Here, f.node);
    ensures rnode4_anc: \forall hb_node_t *p_; \old(hb_sep_node(f.node, l, p_)) ==>
              hb_sep_node(f.node, l, p_);
    ensures rnode4_lanc: \forall hb_leaf_t *f_; \old(hb_sep_leaf(f.node, l, f_)) ==>
              hb_sep_leaf(f.node, l, f_);
    // rmid3 (round 33): range_fill_step's node frame per field group passed on
    // (range_mid's frame; as one RMID2_FN it timed out here and in
    // range_fill_step, with the formulas and as atoms with a lemma).
    RMID2_F4(Old, Here, hb, f.node)
    // rmid2 (round 32): f.node's counts after the fill, exactly: before, less
    // the slots [f.k, \result.k) filled (range_mid's cnt, with rcnt_n / _l).
    ensures rmid2_cn: hb_nodes_from(f.node, l, 0) + hb_nodes_from{Pre}(f.node, l, f.k) ==
              hb_nodes_from{Pre}(f.node, l, 0) + hb_nodes_from{Pre}(f.node, l, \result.k);
    ensures rmid2_cl: hb_leaves_from(f.node, l, 0) + hb_leaves_from{Pre}(f.node, l, f.k) ==
              hb_leaves_from{Pre}(f.node, l, 0) + hb_leaves_from{Pre}(f.node, l, \result.k);
    // rmid4 (round 34): every pointer slot after the fill keeps its FULL bit
    // (range_fill_step's rmid2_lo / pfull_bits / rnode4_null; range_mid's
    // pfull_nf, with rnode4_ptrs).
    ensures rmid4_fb: \forall integer j; 0 <= j < 64 && f.node->child[j].node != \null ==>
              (BIT(f.node->full, (uint8_t)j) <==> BIT(\old(f.node->full), (uint8_t)j));
*/
static inline hb_frame_t range_fill(hbitmap_t *hb, hb_frame_t f, unsigned l, size_t end, bool set)
{
    /*@ ghost lemma_rcnt_from_le(f.node, l, f.k, f.k1); */
    /*@ ghost lemma_rcnt_from_le(f.node, l, f.k, f.k1 + 1u); */
    /*@ assert rcnt_g8: 0 <= f.k / 8 <= f.k1 / 8 < 8; */
    /*@ assert rcnt_sep: \separated(&hb->num_spare_nodes, &f.node->child[f.k .. f.k1], &f.node->full,
                 &f.node->pre[f.k .. f.k1], &f.node->suf[f.k .. f.k1], &f.node->max[f.k .. f.k1],
                 &f.node->gmax[f.k / 8 .. f.k1 / 8], &hb->nodes, &hb->leaves, &hb->num_free) &&
               \separated(&hb->num_spare_leaves, &f.node->child[f.k .. f.k1], &f.node->full,
                 &f.node->pre[f.k .. f.k1], &f.node->suf[f.k .. f.k1], &f.node->max[f.k .. f.k1],
                 &f.node->gmax[f.k / 8 .. f.k1 / 8], &hb->nodes, &hb->leaves, &hb->num_free); */
    /*@ assert rcnt_seh: \separated(&hb->height, &f.node->child[f.k .. f.k1], &f.node->full,
                 &f.node->pre[f.k .. f.k1], &f.node->suf[f.k .. f.k1], &f.node->max[f.k .. f.k1],
                 &f.node->gmax[f.k / 8 .. f.k1 / 8], &hb->nodes, &hb->leaves, &hb->num_free) &&
               \separated(&hb->num_entries, &f.node->child[f.k .. f.k1], &f.node->full,
                 &f.node->pre[f.k .. f.k1], &f.node->suf[f.k .. f.k1], &f.node->max[f.k .. f.k1],
                 &f.node->gmax[f.k / 8 .. f.k1 / 8], &hb->nodes, &hb->leaves, &hb->num_free); */
    /* rnode4 (round 31): f.node's runs (from hb_wtree). */
    /*@ assert rnode4_r0: RNODE4_RUNS(f.node, l); */
    hb_frame_t r = range_fill_step(hb, f, l, end, set);
    /*@ assert rnode4_rr: RNODE4_RUNS(f.node, l); */
    /* rnode4 (round 31): the leaves' frame below f.node, level by level
     * (pkeep_fr's leaf part RNODE4_FRL: rnode4_flstep, a ghost loop), then
     * f.node itself (rnode4_tanc / _tlanc, proofs/hbitmap-rnode4.acsl). */
    /*@ assert rnode4_p: RNODE4_PTRS(Pre, Here, f.node); */
    /*@ ghost
      /@ loop invariant 0 <= i <= l;
         loop invariant fn: i > 0 ==> RNODE4_FRN(Pre, Here, hb, f.node, f.node, i - 1);
         loop invariant fl: i > 0 ==> RNODE4_FRL(Pre, Here, hb, f.node, f.node, i - 1);
         loop assigns i;
         loop variant l - i;
      @/
      for (unsigned i = 0; i < l; i++) {
      }
    */
    /*@ assert rnode4_n1: l > 0 ==> RNODE4_FRN(Pre, Here, hb, f.node, f.node, l - 1); */
    /*@ assert rnode4_l1: l > 0 ==> RNODE4_FRL(Pre, Here, hb, f.node, f.node, l - 1); */
    /* rmid2 (round 32): f.node's counts (rmid2_cn / _cl). Every subtree below
     * f.node keeps its counts (RMID2_CF level by level, inside a level slot by
     * slot: rmid2_ck, proofs/hbitmap-rmid2.acsl; rpart4's chain), so f.node's
     * unfilled pointer slots do (rmid2_kc); then f.node's slots one by one
     * from 64 down (RMID2_NC: the filled slots are null now). */
    /*@ ghost
      /@ loop invariant 0 <= i <= l;
         loop invariant cf: \forall integer i2; 0 <= i2 < i ==>
           RMID2_CF(Pre, Here, hb, f.node, f.node, i2);
         loop assigns i;
         loop variant l - i;
      @/
      for (unsigned i = 0; i < l; i++) {
        /@ loop invariant 0 <= j <= 64;
           loop invariant ck: RMID2_CK(Pre, Here, hb, f.node, f.node, i, j);
           loop assigns j;
           loop variant j;
        @/
        for (unsigned j = 64; j > 0; j--) {
        }
      }
    */
    /*@ assert rmid2_cf: l > 0 ==> RMID2_CF(Pre, Here, hb, f.node, f.node, l - 1); */
    /*@ assert rmid2_kw: l > 0 ==> \forall integer j; 0 <= j < 64 &&
               \at(f.node->child[j].node, Pre) != \null ==>
               \separated(\at(f.node->child[j].node, Pre), hb) &&
               \at(hb_sep_node(f.node->child[j].node, l - 1, f.node), Pre) &&
               \at(hb_wtree(hb, f.node->child[j].node, l - 1), Pre); */
    /*@ assert rmid2_kc: l > 0 ==> \forall integer j; 0 <= j < 64 &&
               \at(f.node->child[j].node, Pre) != \null ==>
               prange_cnt_at{Pre, Here}(\at(f.node->child[j].node, Pre), l - 1, 0); */
    /*@ assert rmid2_ks: \forall integer j; 0 <= j < 64 && !(f.k <= j < r.k) ==>
               f.node->child[j].node == \at(f.node->child[j].node, Pre); */
    /*@ ghost
      /@ loop invariant 0 <= j <= 64;
         loop invariant nc: RMID2_NC(Pre, Here, f.node, l, f.k, r.k, j);
         loop assigns j;
         loop variant j;
      @/
      for (unsigned j = 64; j > 0; j--) {
      }
    */
    return r;
}

/* rwalk (round 25): range_apply's leaf path as one call: leaf_slot_apply on
 * pointer slot k of node (level 0), entries [a, b) of its leaf; returns
 * whether slot k's summary changed. (The frame is not passed by value
 * here: that copy cost 2.5% of range_apply's instructions on the reserve
 * bench.) */
/*@ // rbelow (round 28): the first-order facts range_below's leaf branch
    // needs (RREC_PART_ENSURES at level 0 is then asserted there, the tree
    // predicates unfolded in range_below's context: as ensures here, with
    // the callees' quantified ensures beside them, they timed out).
    requires rbelow_ap: PDESC_APART(node, hb);
    LEAF_SLOT_APPLY_PRE(hb, node, k, a, b, set)
    ensures free_set: set != 0 ==> \old(hb->num_free) - (b - a) <= hb->num_free <= \old(hb->num_free);
    ensures free_clear: set == 0 ==> \old(hb->num_free) <= hb->num_free <= \old(hb->num_free) + (b - a);
    ensures runs: node->pre[k] <= 4096 && node->suf[k] <= 4096 && node->max[k] <= 4096;
    ensures kept: \result == 0 ==> LEAF_SLOT_KEPT(hb, node, k);
    ensures stale: \result != 0 ==> node->gmax[k / 8] == GROUP_STALE;
    ensures nodes: \separated(node, &hb->nodes) ==> hb->nodes == \old(hb->nodes);
    ensures rbelow_h: HB_ALLOCATOR(hb) && hb->height == \old(hb->height) &&
              hb->num_entries == \old(hb->num_entries) &&
              hb->num_spare_nodes == \old(hb->num_spare_nodes) &&
              hb->num_spare_leaves == \old(hb->num_spare_leaves);
    ensures rbelow_sl: \forall integer i; 0 <= i < HBITMAP_SPARE_LEAVES ==>
              hb->spare_leaf[i] == \old(hb->spare_leaf[i]);
    ensures rbelow_grow: hb->nodes == \old(hb->nodes) && hb->leaves <= \old(hb->leaves);
    ensures rbelow_others: \forall integer j; 0 <= j < 64 && j != k ==>
              node->child[j].node == \old(node->child[j].node) &&
              node->child[j].leaf == \old(node->child[j].leaf) &&
              (BIT(node->full, (uint8_t)j) <==> BIT(\old(node->full), (uint8_t)j));
    ensures rbelow_k: node->child[k].node != \null ==>
              node->child[k].leaf == \old(node->child[k].leaf) && node->full == \old(node->full);
    ensures rbelow_cnt: \old(hb->nodes >= hb_nodes_from(node, 0, 0) && hb->leaves >= hb_leaves_from(node, 0, 0)) ==>
              hb->nodes >= hb_nodes_from(node, 0, 0) && hb->leaves >= hb_leaves_from(node, 0, 0) &&
              hb->nodes - hb_nodes_from(node, 0, 0) >= \old(hb->nodes - hb_nodes_from(node, 0, 0)) &&
              hb->leaves - hb_leaves_from(node, 0, 0) >= \old(hb->leaves - hb_leaves_from(node, 0, 0));
    ensures rbelow_fc: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
              \separated(p, \old(node->child[k].leaf)) ==> pd_same_child{Old, Here}(p);
    ensures rbelow_fr: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
              \separated(p, \old(node->child[k].leaf)) ==> pd_same_runs{Old, Here}(p);
    ensures rbelow_fg: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
              \separated(p, \old(node->child[k].leaf)) ==> pd_same_groups{Old, Here}(p);
    // rbelow2 (round 29): what range_below's hdr / node / frame / lframe
    // need, first order, proved here in the call's small context: the pool
    // arrays kept (with rbelow_h / _sl: the pool's predicates carried by
    // lemma rbelow2_pool_same in range_below), every non-null slot the
    // old one with its leaf and FULL bit, slot k's leaf's group runs in
    // range, and the frame's remaining fields (p->full, the leaf pointers)
    // and the leaf frame per field group.
    ensures rbelow2_sn: \forall integer i; 0 <= i < HBITMAP_SPARE_NODES ==>
              hb->spare_node[i] == \old(hb->spare_node[i]);
    ensures rbelow2_same: \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
              \old(node->child[j].node) != \null &&
              node->child[j].leaf == \old(node->child[j].leaf) &&
              (BIT(node->full, (uint8_t)j) <==> BIT(\old(node->full), (uint8_t)j));
    ensures rbelow2_lfb: \forall integer g; 0 <= g < 8 ==> \old(node->child[k].leaf)->gpre[g] <= 512 &&
              \old(node->child[k].leaf)->gsuf[g] <= 512 && \old(node->child[k].leaf)->gmax[g] <= 512;
    ensures rbelow2_ff: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
              \separated(p, \old(node->child[k].leaf)) ==> p->full == \old(p->full) &&
              (\forall integer j; 0 <= j < 64 ==> p->child[j].leaf == \old(p->child[j].leaf));
    ensures rbelow2_lb: \forall hb_leaf_t *f; \separated(f, hb) && \separated(f, node) &&
              \separated(f, \old(node->child[k].leaf)) ==>
              \forall integer v; 0 <= v < 64 ==> f->bits[v] == \old(f->bits[v]);
    ensures rbelow2_lg: \forall hb_leaf_t *f; \separated(f, hb) && \separated(f, node) &&
              \separated(f, \old(node->child[k].leaf)) ==>
              \forall integer g; 0 <= g < 8 ==> f->gpre[g] == \old(f->gpre[g]) &&
              f->gsuf[g] == \old(f->gsuf[g]) && f->gmax[g] == \old(f->gmax[g]);
    // rleaf (round 30): RREC_PART_ENSURES' frame / anc / lanc at level 0 in
    // the shape range_below_leaf's ensures read them (there they are then
    // instances): every node apart from hb's counters, node and slot k's
    // old leaf is the same node (no premise about the spares: it serves
    // PW_NOT_SPARE's and pleaf_nsp's forms alike); node's subtree (its
    // leaves) stays apart from whatever it was apart from.
    ensures rleaf_fr: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
              \separated(p, \old(node->child[k].leaf)) ==> pkeep_nsame{Old, Here}(p);
    ensures rleaf_anc: \forall hb_node_t *p; \old(hb_sep_node(node, 0, p)) ==> hb_sep_node(node, 0, p);
    ensures rleaf_lanc: \forall hb_leaf_t *f; \old(hb_sep_leaf(node, 0, f)) ==> hb_sep_leaf(node, 0, f);
*/
static inline __attribute__((always_inline)) bool range_leaf_step(hbitmap_t *hb, hb_node_t *node, unsigned k, size_t a,
                                   size_t b, bool set)
{
    /*@ assert rbelow_g: k / 8 < 8 && a / 64 <= (b - 1) / 64 < 64 && a / 512 <= (b - 1) / 512 < 8; */
    /* rbelow (round 28): leaf_slot_apply's two statements as its steps
     * leaf_count_frame / leaf_slot_store (leaf_range_leaf's: the same
     * calls), each ensuring its frame per field group. */
    hb_leaf_t *lf = node->child[k].leaf;
    /*@ ghost lemma_hb_lw_same_pos(lf, a, b, set); */
    leaf_count_frame(hb, lf, a, b, set) /*@ ghost (0u) */;
    /* rleaf (round 30): the frame of each step as one pkeep_nsame, each
     * under its callee's own premise (one instance of its four frame
     * ensures), chained by lemma rleaf_nsame_trans for rleaf_fr. */
    /*@ assert rleaf_c: \forall hb_node_t *p; \separated(p, lf) && \separated(p, &hb->num_free) ==>
               pkeep_nsame{Pre, Here}(p); */
    /*@ ghost rleaf_m:; */
    /*@ assert rbelow_h1: hb->height == \at(hb->height, Pre) &&
               hb->num_entries == \at(hb->num_entries, Pre) && hb->leaves == \at(hb->leaves, Pre) &&
               hb->nodes == \at(hb->nodes, Pre) &&
               hb->num_spare_nodes == \at(hb->num_spare_nodes, Pre) &&
               hb->num_spare_leaves == \at(hb->num_spare_leaves, Pre); */
    /*@ assert rbelow_n1: node->full == \at(node->full, Pre) &&
               \forall integer j; 0 <= j < 64 ==> node->child[j].node == \at(node->child[j].node, Pre) &&
               node->child[j].leaf == \at(node->child[j].leaf, Pre); */
    bool changed = leaf_slot_store(hb, node, k, lf) /*@ ghost (0u) */;
    /*@ assert rleaf_s: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) ==>
               pkeep_nsame{rleaf_m, Here}(p); */
    /*@ assert rleaf_sm: \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               \at(node->child[j].node, Pre) != \null &&
               node->child[j].leaf == \at(node->child[j].leaf, Pre); */
    /*@ assert rbelow_lv: hb->leaves == \at(hb->leaves, Pre) - (node->child[k].node == \null ? 1 : 0); */
    /* The counts: hb_leaves_from / hb_nodes_from of node at level 0 read
     * only the slots' pointers: slot k's leaf freed takes one off. */
    /*@ ghost
      /@ loop invariant 0 <= j <= 64;
         loop invariant rbelow_lc: hb_leaves_from(node, 0, j) ==
           hb_leaves_from{Pre}(node, 0, j) - (j <= k && node->child[k].node == \null ? 1 : 0);
         loop invariant rbelow_nc: hb_nodes_from(node, 0, j) == hb_nodes_from{Pre}(node, 0, j);
         loop assigns j;
         loop variant j;
      @/
      for (unsigned j = 64; j != 0; j--) {
      }
    */
    return changed;
}

/* rrec (round 26): range_apply's walk, recursive (no frame stack), one
 * node a call of range_node, each step a small function with its own
 * contract (leaf_range_apply's design, rounds 21 - 22): in node (its slots
 * of level l, first entry base) the range [a, b) covers slots k0 .. k1:
 * a head slot k0 covered in part (range_head -> range_part), the slots
 * covered whole after it (range_mid -> range_fill_step), a tail slot k1
 * covered in part (range_tail -> range_part). A slot covered in part is
 * split when uniform with the other state (slot_enter) and entered:
 * its leaf (range_leaf_step) or its child node (range_child: range_node one
 * level down, then frame_close stores the child's runs as the slot's
 * summary). The writes and their order are those of the frame-stack walk
 * of rounds 18 - 25. Each returns the frame of its node (k0, k1, the next
 * slot k, dirty: some slot's summary changed). */
static hb_frame_t range_node(hbitmap_t *hb, hb_node_t *node, unsigned l, size_t base, size_t a,
                             size_t b, bool set);

/* rchild8 (round 42): node (level l > 0) apart from every spare, from its
 * other slots' subtrees (rc8_so), slot k's child c (or none) and node
 * itself not a spare (rchild4_sc word for word, the atoms rc8_so, rc8_ns):
 * range_child's rchild4_n5 / _n6 as one call whose requires Qed closes and
 * whose proof sees its requires only. The RC8_* macros are true in proofs/hbitmap.acsl
 * and predicates of proofs/hbitmap-rchild8.acsl, which only range_child's
 * shards line (where this function is proved) loads. */
/*@ ghost
  /@ requires rc8_r0: 0 < l && k < 64;
     requires rc8_rk: node->child[k].node == \null || node->child[k].node == c;
     requires rc8_rs: RC8_SO(hb, node, l, k);
     requires rc8_rc: (\forall integer i; 0 <= i < hb->num_spare_nodes ==>
                  hb_sep_node(c, l - 1, hb->spare_node[i])) &&
               (\forall integer i; 0 <= i < hb->num_spare_leaves ==>
                  hb_sep_leaf(c, l - 1, hb->spare_leaf[i]));
     requires rc8_rn: RC8_NS(hb, node);
     assigns \nothing;
     ensures rc8_n5: PW_NOT_SPARE(node, hb);
     ensures rc8_n6: PW_SPARES_APART(hb, node, l);
  @/
  static void lemma_rc8_n6(hbitmap_t *hb, hb_node_t *node, hb_node_t *c, unsigned l, unsigned k)
  {
  }
*/
/* rchild8 (round 42): hb's allocator apart from slot k's pointer of node
 * up when up is apart from it, the whole and its two functions (one state;
 * range_child's rchild2_s3 and, across frame_close's havoc of that slot,
 * rchild2_h2a). */
/*@ ghost
  /@ requires rc8_ra: \separated(up, &hb->allocator) && k < 64;
     assigns \nothing;
     ensures rc8_al: \separated(&hb->allocator, &up->child[k].node);
     ensures rc8_af: \separated(&hb->allocator.free, &up->child[k].node) &&
               \separated(&hb->allocator.alloc, &up->child[k].node);
  @/
  static void lemma_rc8_alloc(hbitmap_t *hb, hb_node_t *up, unsigned k)
  {
  }
*/
/* rchild8 (round 42): pfull_nf of node (level l > 0) from its FULL bits
 * (the atom rc8_nf) and its children's pfull_nf (rchild4_nfs word for
 * word): range_child's rchild4_n3 in a context of these two only. */
/*@ ghost
  /@ requires rc8_q0: 0 < l;
     requires rc8_qb: RC8_NF(node);
     requires rc8_qs: \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               pfull_nf(node->child[j].node, l - 1);
     assigns \nothing;
     ensures rc8_n3: pfull_nf(node, l);
  @/
  static void lemma_rc8_n3(hb_node_t *node, unsigned l)
  {
  }
*/
/* The child step: the part [a, b) of the range in pointer slot k (first
 * entry s) of node (level l > 0) applied below its child node, whose runs
 * then become slot k's summary. Returns whether that summary changed. */
/*@ RREC_PART_REQUIRES(hb, node, k, l, s, a, b, set)
    requires up: 0 < l && RREC_SLOT_READY(hb, node, k, l);
    // round 40 (rbot, integrator): the exact pool as a disjunct, its need
    // under a one-value \forall (rapply's device: rneed_n's recursive
    // definition then meets no ground term in the goals that do not read it;
    // plain, 19 old goals timed out); range_child is on hbitmap.skip (168 / 171).
    requires pool: RREC_POOL(hb, l - 1, RREC_TWO(a, b, s, s + hb_span(l))) ||
                   \forall integer e; b <= e <= b ==> RNEED2_POOL_BELOW(hb, node, k, l, s, a, e, set);
    requires rpart7_lsep: RPART7_LSEP(hb); // rlsep (round 35): slot_enter's leaf split (range_part)
    decreases 8 * l + 2;
    RREC_PART_ENSURES(hb, node, k, l, a, b, set)
    ensures used: RREC_BELOW_USED(hb, l, RREC_TWO(a, b, s, s + hb_span(l)));
    ensures grow: RREC_BELOW_GROW(hb, l, RREC_TWO(a, b, s, s + hb_span(l)));
    ensures rneed: RNEED2_USED_BELOW(hb, node, k, l, s, a, b, set);
*/
static bool range_child(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l, size_t s,
                        size_t a, size_t b, bool set)
{
    hb_node_t *c = node->child[k].node;
    /* rchild5 (round 35): Pre's memory with c in scope (its counts at Pre). */
    /*@ ghost rchild5_c0:; */
    /* rchild3 (round 33): the child apart from all of hb (hb_wtree of node
     * at l > 0), frame_close's premise of rchild3_nf / _ne. */
    /*@ assert rchild3_c0: \separated(c, hb); */
    /* rchild4 (round 34): the other slots' subtrees (siblings of c) at Pre:
     * outside hb, writable, apart from c's subtree, from node and from every
     * spare (rc4_in, proofs/hbitmap-rchild4.acsl): so every node of theirs
     * is in range_node's and frame_close's frames (rchild4_kp), and they
     * keep their separations (rc4_sn / rc4_sl: anc / lanc). */
    /*@ assert rchild4_i1: \forall integer j; 0 <= j < 64 && j != k && node->child[j].node != \null ==>
               \separated(node->child[j].node, hb) && hb_wtree(hb, node->child[j].node, l - 1) &&
               hb_sep_node(node->child[j].node, l - 1, node); */
    /*@ assert rchild4_i2: \forall integer j; 0 <= j < 64 && j != k && node->child[j].node != \null ==>
               pfull_apart(node->child[j].node, l - 1, c, l - 1); */
    /*@ assert rchild4_i3: \forall integer j; 0 <= j < 64 && j != k && node->child[j].node != \null ==>
               PW_SPARES_APART(hb, node->child[j].node, l - 1); */
    /*@ assert rchild4_in: \forall integer j; 0 <= j < 64 && j != k && node->child[j].node != \null ==>
               RCHILD4_IN(hb, c, l - 1, node, node->child[j].node, l - 1); */
    /* rchild8 (round 42): rchild4_in as one atom (rc8_so_l's premise). */
    /*@ assert rc8_in: RC8_IN(hb, c, node, l, k); */
    /* rchild8 (round 42): node not a spare (RREC_NODE_OK's PW_NOT_SPARE) as
     * one atom (rc8_ns_l's premise). */
    /*@ assert rc8_ns0: RC8_NS(hb, node); */
    /* rchild8 (round 42): pfull_nf's first conjunct at node as one atom
     * (rc8_nf_l's premise). */
    /*@ assert rc8_nf0: RC8_NF(node); */
    hb_frame_t f = range_node(hb, c, l - 1u, s, a, b, set);
    /* rchild (round 27): the child's facts after its walk, node kept (it is
     * apart from the child's subtree and from the spares), then one assert
     * per field group after frame_close. */
    /*@ assert rchild_c: f.node == c && PDESC_RUNS(c, l - 1) && PDESC_APART(c, hb); */
    /* rchild5 (round 35): range_node's cnt at c, restated from Pre. */
    /*@ assert rchild5_rn: hb->nodes - hb_nodes_from(c, l - 1, 0) >= \at(hb->nodes - hb_nodes_from(c, l - 1, 0), rchild5_c0) &&
               hb->leaves - hb_leaves_from(c, l - 1, 0) >= \at(hb->leaves - hb_leaves_from(c, l - 1, 0), rchild5_c0); */
    /*@ assert rchild_n: pkeep_nsame{Pre, Here}(node); */
    /* rchild4 (round 34): range_node's frame for the nodes apart from all
     * of hb (rc4_keep's first half), c's subtree apart from node (its anc
     * at p = node) and writable (its node). */
    /*@ assert rchild4_f0: \forall hb_node_t *p; \separated(p, hb) && hb_sep_node{Pre}(c, l - 1, p) &&
               pleaf_nsp{Pre}(hb, p) ==> pkeep_nsame{Pre, Here}(p); */
    /*@ assert rchild4_cm: hb_sep_node(c, l - 1, node) && hb_wtree(hb, c, l - 1); */
    /* rchild5 (round 35): rchild4_an's first half here, in the call's
     * context (range_node's anc at c; slot k of node at Pre): rchild4_an
     * timed out after this round's lemmas joined range_child's tasks. */
    /*@ assert rchild5_an0: \forall hb_node_t *p; \at(hb_sep_node(node, l, p) && RPART3_NSP(p, hb), Pre) ==>
               hb_sep_node(c, l - 1, p); */
    /* rchild6 (round 36): c's sibling separation after its walk (range_node's node). */
    /*@ assert rchild6_cs0: pfull_sib(c, l - 1); */
    /*@ ghost rchild_mid:; */
    /* rchild2 (round 32): frame_close's premises of rchild2_h / _p (the
     * child and node apart from hb's fields, named as its writes name them:
     * f.node, not c, rnode3's finding) and of rchild2_g (node's group runs
     * in range before it). */
    /*@ assert rnode3_ap: PDESC_APART(f.node, hb) && PDESC_APART(node, hb); */
    /* rchild8 (round 42): rchild2_s1 / _s3 as instances (Qed) of the ghost
     * lemma functions (they timed out at load 4 - 7 as plain asserts). */
    /*@ ghost lemma_rchild2_sep(f.node, node, &hb->num_free, k); */
    /*@ assert rchild2_s1: RCHILD2_SEP(&hb->num_free, f.node, node, k); */
    /*@ ghost lemma_rchild2_sep(f.node, node, &hb->num_spare_nodes, k); */
    /*@ ghost lemma_rchild2_sep(f.node, node, &hb->num_spare_leaves, k); */
    /*@ ghost lemma_rchild2_sep(f.node, node, &hb->num_entries, k); */
    /*@ ghost lemma_rc8_alloc(hb, node, k); */
    /*@ assert rchild2_s3: RCHILD2_SEP(&hb->num_entries, f.node, node, k) &&
               \separated(&hb->allocator, &node->child[k].node); */
    /* rchild3 (round 33): node's group runs in range before the call
     * (rchild_n, hb_wtree at Pre): frame_close's rchild3_g keeps them. */
    /*@ assert rchild3_rm: HB_GROUPS_RUNS_OK(node, hb_span(l)); */
    /*@ assert rchild3_cs: \separated(f.node, hb); */
    bool changed = frame_close(hb, f, node, k, l - 1u, set);
    /* rchild2 (round 32): hb's header, free count and pool as at rchild_mid
     * (frame_close's assigns, under rnode3_ap), one assert per field group. */
    /*@ assert rchild2_h1: hb->num_free == \at(hb->num_free, rchild_mid); */
    /*@ assert rchild2_h2: hb->height == \at(hb->height, rchild_mid) &&
               hb->num_entries == \at(hb->num_entries, rchild_mid); */
    /*@ assert rchild2_h2a: HB_ALLOCATOR(hb); */
    /*@ assert rchild2_h3: hb->num_spare_nodes == \at(hb->num_spare_nodes, rchild_mid) &&
               hb->num_spare_leaves == \at(hb->num_spare_leaves, rchild_mid); */
    /*@ assert rchild2_h4: (\forall integer j; 0 <= j < HBITMAP_SPARE_NODES ==>
                  hb->spare_node[j] == \at(hb->spare_node[j], rchild_mid)) &&
               (\forall integer j; 0 <= j < HBITMAP_SPARE_LEAVES ==>
                  hb->spare_leaf[j] == \at(hb->spare_leaf[j], rchild_mid)); */
    /* rnode2 (round 29): the ensures carried across frame_close (which
     * writes no pool field, nor num_free: rcnt_fc, its assigns), each in
     * its ensures' own shape (\at(., Pre) for \old), so the ensures is
     * a hypothesis as it stands. */
    /*@ assert rnode2_cr: hb->nodes + hb->num_spare_nodes <= \at(hb->nodes + hb->num_spare_nodes, Pre) &&
               hb->leaves + hb->num_spare_leaves <= \at(hb->leaves + hb->num_spare_leaves, Pre); */
    /*@ assert rnode2_cf: (set != 0 ==> hb->num_free + (b - a) >= \at(hb->num_free, Pre)) &&
               (set == 0 ==> hb->num_free <= \at(hb->num_free, Pre) + (b - a)); */
    /*@ assert rnode2_cu: hb->num_spare_nodes + RREC_NN(l - 1, RREC_TWO(a, b, s, s + hb_span(l))) >=
                 \at(hb->num_spare_nodes, Pre) &&
               hb->num_spare_leaves + RREC_NL(RREC_TWO(a, b, s, s + hb_span(l))) >=
                 \at(hb->num_spare_leaves, Pre); */
    /* rchild3 (round 33): ensures runs (frame_close's rchild3_s / _g), and
     * the frame across frame_close for every node apart from hb's fields
     * (the root too: frame_close's rchild3_fr), the ensures frame then by
     * range_node's frame and rchild_nsame_trans. */
    /*@ assert rchild3_r: PDESC_RUNS(node, l); */
    /*@ assert rchild3_fm: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
               hb_sep_node{Pre}(c, l - 1, p) ==> pkeep_nsame{rchild_mid, Here}(p); */
    /*@ assert rchild_v: (\forall hb_node_t *m; \valid{rchild_mid}(m) ==> \valid(m)) &&
               (\forall hb_leaf_t *lf; \valid{rchild_mid}(lf) ==> \valid(lf)); */
    /*@ assert rchild_o: \forall integer j; 0 <= j < 64 && j != k ==>
               node->child[j].node == \at(node->child[j].node, Pre) &&
               node->child[j].leaf == \at(node->child[j].leaf, Pre) &&
               (BIT(node->full, (uint8_t)j) <==> BIT(\at(node->full, Pre), (uint8_t)j)); */
    /* rchild8 (round 42): rchild_o's pointers and FULL bits as one atom. */
    /*@ assert rc8_ko: RC8_KO(Pre, Here, node, k); */
    /*@ assert rchild_fm: \forall hb_node_t *p; \separated(p, hb) && \separated(p, node) &&
               hb_sep_node{Pre}(c, l - 1, p) ==> pkeep_nsame{rchild_mid, Here}(p); */
    /*@ assert rchild_fl: \forall hb_leaf_t *lf; \separated(lf, hb) && \separated(lf, node) &&
               hb_sep_leaf{Pre}(c, l - 1, lf) ==> pkeep_lsame{rchild_mid, Here}(lf); */
    /* rchild2 (round 32, rnode3's wrapper facts without the wrapper): hb's
     * pool across frame_close (rchild2_h3 / _h4, rchild_v; pleaf_kept by its
     * definition, the pool by rx_pool_keep), then from Pre
     * (rchild_kept_trans): the ensures hdr. */
    /*@ assert rchild2_k2a: pleaf_kept{rchild_mid, Here}(hb); */
    /*@ assert rchild2_k2b: pleaf_pool_n(hb); */
    /*@ assert rchild2_k2c: PW_POOL_L(hb) && HB_POOL_OK(hb); */
    /*@ assert rnode3_k: pleaf_kept{Pre, Here}(hb); */
    /* rchild4 (round 34): anc / lanc. The siblings of c: every node of
     * theirs kept its fields from Pre (range_node's frame, then frame_close's:
     * rc4_keep), so their separations hold (rc4_s_all). c's subtree: its
     * separations after range_node (its anc / lanc) kept across frame_close,
     * which wrote c's groups, node and hb only (ppend_unch: rc4_c_all for
     * c's children, rc4_ctop for c); slot k holds c or nothing (rchild4_k). */
    /*@ assert rchild4_kp: RCHILD4_KEEP(Pre, Here, hb, c, l - 1, node); */
    /*@ assert rchild4_sn: RCHILD4_SN(Pre, Here, hb, c, l - 1, node, l - 1) &&
               RCHILD4_SL(Pre, Here, hb, c, l - 1, node, l - 1); */
    /*@ assert rchild4_o: \forall integer j; 0 <= j < 64 && j != k && node->child[j].node != \null ==>
               (\forall hb_node_t *r; hb_sep_node{Pre}(node->child[j].node, l - 1, r) ==>
                  hb_sep_node(node->child[j].node, l - 1, r)) &&
               (\forall hb_leaf_t *lf; hb_sep_leaf{Pre}(node->child[j].node, l - 1, lf) ==>
                  hb_sep_leaf(node->child[j].node, l - 1, lf)); */
    /*@ assert rchild4_cc: \forall integer j; 0 <= j < 64 ==>
               c->child[j].node == \at(c->child[j].node, rchild_mid) &&
               c->child[j].leaf == \at(c->child[j].leaf, rchild_mid); */
    /*@ assert rchild4_c2: l >= 2 ==> RCHILD4_CN(rchild_mid, Here, hb, c, node, l - 2) &&
               RCHILD4_CL(rchild_mid, Here, hb, c, node, l - 2); */
    /*@ assert rchild4_ca: (\forall hb_node_t *r; hb_sep_node{rchild_mid}(c, l - 1, r) ==>
                  hb_sep_node(c, l - 1, r)) &&
               (\forall hb_leaf_t *lf; hb_sep_leaf{rchild_mid}(c, l - 1, lf) ==>
                  hb_sep_leaf(c, l - 1, lf)); */
    /*@ assert rchild4_k2: node->child[k].node == \null || node->child[k].node == c; */
    /*@ assert rchild4_an: \forall hb_node_t *p; \at(hb_sep_node(node, l, p) && RPART3_NSP(p, hb), Pre) ==>
               hb_sep_node(c, l - 1, p); */
    /*@ assert rchild4_al: \forall hb_leaf_t *lf; \at(hb_sep_leaf(node, l, lf) && RPART3_LNSP(lf, hb), Pre) ==>
               hb_sep_leaf(c, l - 1, lf); */
    /*@ assert rchild4_ax: \forall hb_node_t *p; \at(hb_sep_node(node, l, p) && RPART3_NSP(p, hb), Pre) ==>
               \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               hb_sep_node(node->child[j].node, l - 1, p); */
    /*@ assert rchild4_lx: \forall hb_leaf_t *lf; \at(hb_sep_leaf(node, l, lf) && RPART3_LNSP(lf, hb), Pre) ==>
               \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               hb_sep_leaf(node->child[j].node, l - 1, lf); */
    /* rchild4 (round 34): node's RREC_NODE_OK, one group an assert: its
     * address facts and PW_NOT_SPARE (the spares now a prefix of Pre's:
     * rnode3_k); PW_SPARES_APART (c's subtree apart from the spares at
     * rchild_mid, range_node's node, the same spares since (rchild2_h3 /
     * _h4), kept across frame_close (rchild4_ca); the siblings' by
     * rchild4_o); pfull_nf (the siblings' by rc4_nf_all, c's children's
     * by rc4_cnf_all, c's by rc4_nftop, node's slot k kept or uniform). */
    /*@ assert rchild4_n5a: PDESC_APART(node, hb) && (node == &hb->root || \separated(node, hb)); */
    /*@ assert rchild4_sp: (\forall integer i; 0 <= i < hb->num_spare_nodes ==>
                  i < \at(hb->num_spare_nodes, Pre) && hb->spare_node[i] == \at(hb->spare_node[i], Pre)) &&
               (\forall integer i; 0 <= i < hb->num_spare_leaves ==>
                  i < \at(hb->num_spare_leaves, Pre) && hb->spare_leaf[i] == \at(hb->spare_leaf[i], Pre)); */
    /*@ assert rchild4_sc: (\forall integer i; 0 <= i < hb->num_spare_nodes ==>
                  hb_sep_node(c, l - 1, hb->spare_node[i])) &&
               (\forall integer i; 0 <= i < hb->num_spare_leaves ==>
                  hb_sep_leaf(c, l - 1, hb->spare_leaf[i])); */
    /* rchild8 (round 42): rchild4_so as the atom rc8_so (lemma rc8_so_l from
     * the atoms rc8_in (entry), rchild4_sn's rc4_sn / rc4_sl, rc8_kc, rc8_ks;
     * its raw text timed out here under the exact pool disjunct). */
    /*@ assert rc8_kc: RC8_KC(Pre, Here, node, k); */
    /*@ assert rc8_ks: RC8_KS(Pre, Here, hb); */
    /*@ assert rchild4_so: RC8_SO(hb, node, l, k); */
    /* rchild8 (round 42): node not a spare as the atom rc8_ns (lemma
     * rc8_ns_l from rc8_ns0 and rc8_ks; the asserts rchild4_n5b / _n5c it
     * replaces timed out here at load 2 - 3 after this round's calls). */
    /*@ assert rc8_ns: RC8_NS(hb, node); */
    /* rchild8 (round 42): node apart from every spare (rchild4_n6) as one
     * ghost call on atoms (round 36's lemma_rc6_n6c / _n6a calls and the
     * asserts rchild6_n6k, rchild4_n6d / _n6a / _n6b between them dropped:
     * n6d and n6a's requires_3 timed out here under the exact pool). */
    /*@ ghost lemma_rc8_n6(hb, node, c, l, k); */
    /*@ assert rchild4_n5: PW_NOT_SPARE(node, hb); */
    /*@ assert rchild4_n6: PW_SPARES_APART(hb, node, l); */
    /*@ assert rchild4_nfo: RCHILD4_NF(Pre, Here, hb, c, l - 1, node, l - 1); */
    /*@ assert rchild4_nfc2: l >= 2 ==> RCHILD4_CNF(rchild_mid, Here, hb, c, node, l - 2); */
    /*@ assert rchild4_cf0: c->full == \at(c->full, rchild_mid); */
    /*@ assert rchild4_nfc: pfull_nf(c, l - 1); */
    /*@ assert rchild4_nfs: \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               pfull_nf(node->child[j].node, l - 1); */
    /* rchild8 (round 42): rchild4_nfb's slot k first (rchild4_k2, frame_close's
     * rchild4_kf, rchild_n, Pre's pfull_nf). */
    /*@ assert rc8_fk: node->child[k].node != \null ==> !BIT(node->full, (uint8_t)k); */
    /* rchild8 (round 42): rchild4_nfb as the atom rc8_nf (lemma rc8_nf_l from
     * rc8_nf0, rc8_ko and rc8_fk: its raw text timed out at load 2 - 3), then
     * rchild4_n3 as an instance of lemma_rc8_n3. */
    /*@ assert rchild4_nfb: RC8_NF(node); */
    /*@ ghost lemma_rc8_n3(node, l); */
    /*@ assert rchild4_n3: pfull_nf(node, l); */
    /* hb_tree: the siblings' by rc4_tr_all, c's children's by rc4_ctr_all,
     * c's by rc4_trtop (what was readable still is: rchild4_v / _vm). */
    /*@ assert rchild4_v: RCHILD4_VAL(Pre, Here); */
    /*@ assert rchild4_vm: RCHILD4_VAL(rchild_mid, Here); */
    /*@ assert rchild4_tro: RCHILD4_TR(Pre, Here, hb, c, l - 1, node, l - 1); */
    /*@ assert rchild4_trc2: l >= 2 ==> RCHILD4_CTR(rchild_mid, Here, hb, c, node, l - 2); */
    /*@ assert rchild4_trc: hb_tree(c, l - 1); */
    /*@ assert rchild4_trs: \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               hb_tree(node->child[j].node, l - 1); */
    /*@ assert rchild4_n1: hb_tree(node, l); */
    /* hb_wtree: node's runs (rchild3_r) and its slots' separations
     * (rchild4_o at r = node, rchild4_cm / _ca for c) proved; its children's
     * hb_wtree (rchild4_n2w) and pfull_sib open (the same families for
     * hb_wtree / pfull_apart, not written yet: RESULTS "Round 34 (rchild4)"). */
    /*@ assert rchild4_n2s: \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               \separated(node->child[j].node, hb) && hb_sep_node(node->child[j].node, l - 1, node); */
    /* rchild5 (round 35): rchild4_n2w. The siblings keep hb_wtree (rc5_wp_0:
     * the frames rchild4_kp / rchild5_lk and validity; rc5_w_all at l - 1,
     * under rchild4_in); c keeps it across frame_close (pkeep_fr at its
     * children, rc5_fr_all under ppend_unch; rc5_wtop at c: pointers kept,
     * slot runs not written, group runs in range: frame_close's rchild5_cg). */
    /*@ assert rchild5_vl: RCHILD5_VL(Pre, Here); */
    /*@ assert rchild5_lk: RCHILD5_LKEEP(Pre, Here, hb, c, l - 1, node); */
    /*@ assert rchild5_w0: RCHILD5_WP(Pre, Here, hb, c, l - 1, node, 0); */
    /*@ assert rchild5_ws: \forall integer j; 0 <= j < 64 && j != k && \at(node->child[j].node, Pre) != \null ==>
               hb_wtree(hb, \at(node->child[j].node, Pre), l - 1); */
    /*@ assert rchild5_fr: l >= 2 ==> pkeep_fr{rchild_mid, Here}(hb, c, node, l - 2); */
    /*@ assert rchild5_cr: f.node == c && HB_SLOTS_RUNS_OK(c, hb_span(l - 1)) && HB_GROUPS_RUNS_OK(c, hb_span(l - 1)); */
    /*@ assert rchild5_wc: hb_wtree(hb, c, l - 1); */
    /*@ assert rchild4_n2w: \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               hb_wtree(hb, node->child[j].node, l - 1); */
    /*@ assert rchild4_n2: hb_wtree(hb, node, l); */
    /* rchild6 (round 36): rchild4_n4, pfull_sib of node
     * (proofs/hbitmap-rchild6.acsl). The siblings' pairs and their own
     * pfull_sib kept (rc6_all from rc6_p at level 0: rchild4_kp; papart_k of
     * a sibling by rchild4_sn, rc6_kb); each sibling apart from c's new
     * subtree (rc6_x_all from rc6_xp at level 0: range_node's anc / lanc
     * then rchild4_ca, rc6_anc), then c apart from each (the symmetry
     * rc6_ys_all); c's own pfull_sib across frame_close (rc6_c_all under its
     * ppend_unch, rc6_sbtop at c: its pointers kept). */
    /*@ assert rchild6_i4: \forall integer i, j; 0 <= i < 64 && 0 <= j < 64 && i != j && i != k && j != k &&
               \at(node->child[i].node, Pre) != \null && \at(node->child[j].node, Pre) != \null ==>
               pfull_apart{Pre}(\at(node->child[i].node, Pre), l - 1, \at(node->child[j].node, Pre), l - 1); */
    /*@ assert rchild6_i5: \forall integer j; 0 <= j < 64 && j != k && \at(node->child[j].node, Pre) != \null ==>
               pfull_sib{Pre}(\at(node->child[j].node, Pre), l - 1); */
    /*@ assert rchild6_p0: RCHILD6_P(Pre, Here, hb, c, l - 1, node, 0); */
    /*@ assert rchild6_s: RCHILD6_AP(Pre, Here, hb, c, l - 1, node, l - 1) &&
               RCHILD6_SB(Pre, Here, hb, c, l - 1, node, l - 1); */
    /*@ assert rchild6_kb: \forall integer j; 0 <= j < 64 && j != k && \at(node->child[j].node, Pre) != \null ==>
               papart_k{Pre, Here}(\at(node->child[j].node, Pre), l - 1); */
    /*@ assert rchild6_ss: \forall integer j; 0 <= j < 64 && j != k && \at(node->child[j].node, Pre) != \null ==>
               pfull_sib(\at(node->child[j].node, Pre), l - 1); */
    /*@ assert rchild6_pa: \forall integer i; 0 <= i < 64 && i != k && \at(node->child[i].node, Pre) != \null ==>
               \forall hb_node_t *b_, integer lb_; papart_k{Pre, Here}(b_, lb_) &&
                 pfull_apart{Pre}(\at(node->child[i].node, Pre), l - 1, b_, lb_) ==>
                 pfull_apart(\at(node->child[i].node, Pre), l - 1, b_, lb_); */
    /*@ assert rchild6_pp: \forall integer i, j; 0 <= i < 64 && 0 <= j < 64 && i != j && i != k && j != k &&
               \at(node->child[i].node, Pre) != \null && \at(node->child[j].node, Pre) != \null ==>
               pfull_apart(\at(node->child[i].node, Pre), l - 1, \at(node->child[j].node, Pre), l - 1); */
    /*@ assert rchild6_an: RCHILD6_ANC(Pre, Here, hb, c, l - 1); */
    /*@ assert rchild6_x0: RCHILD6_XP(Pre, Here, hb, c, l - 1, node, 0); */
    /*@ assert rchild6_x: RCHILD6_XC(Pre, Here, hb, c, l - 1, node, l - 1); */
    /*@ assert rchild6_mc: \forall integer j; 0 <= j < 64 && j != k && \at(node->child[j].node, Pre) != \null ==>
               pfull_apart(\at(node->child[j].node, Pre), l - 1, c, l - 1); */
    /*@ assert rchild6_ys: RCHILD6_YS(l - 1, l - 1); */
    /*@ assert rchild6_cm: \forall integer j; 0 <= j < 64 && j != k && \at(node->child[j].node, Pre) != \null ==>
               pfull_apart(c, l - 1, \at(node->child[j].node, Pre), l - 1); */
    /*@ assert rchild6_c0: RCHILD6_CP(rchild_mid, Here, hb, c, node, 0); */
    /*@ assert rchild6_c2: l >= 2 ==> papart_ap{rchild_mid, Here}(hb, c, node, l - 2) &&
               papart_sb{rchild_mid, Here}(hb, c, node, l - 2); */
    /*@ assert rchild6_cs: pfull_sib(c, l - 1); */
    /*@ assert rchild6_pph: \forall integer i, j; 0 <= i < 64 && 0 <= j < 64 && i != j && i != k && j != k &&
               node->child[i].node != \null && node->child[j].node != \null ==>
               pfull_apart(node->child[i].node, l - 1, node->child[j].node, l - 1); */
    /*@ assert rchild6_mch: node->child[k].node != \null ==>
               \forall integer j; 0 <= j < 64 && j != k && node->child[j].node != \null ==>
               pfull_apart(node->child[j].node, l - 1, node->child[k].node, l - 1) &&
               pfull_apart(node->child[k].node, l - 1, node->child[j].node, l - 1); */
    /*@ assert rchild6_n4b: \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               pfull_sib(node->child[j].node, l - 1); */
    /*@ ghost lemma_rc6_sib(node, l, k); */
    /*@ assert rchild4_n4: pfull_sib(node, l); */
    /* rchild5 (round 35): ensures cnt. The siblings' counts as at Pre
     * (rc5_cp_0 under rchild4_kp, rc5_c_all; at the siblings' rc4_in:
     * rchild4_in); c's
     * children's across frame_close (rc5_cc_all under its ppend_unch), then
     * c's (rc5_t_0: its pointers kept, rchild4_cc); node's count then differs
     * from Pre's by slot k's share only (rc5_n_0), and that share lost what
     * hb's counts lost (range_node's cnt: rchild5_rn; frame_close's exact
     * count: rchild5_fc). proofs/hbitmap-rchild5.acsl. */
    /*@ assert rchild5_p0: RCHILD5_CP(Pre, Here, hb, c, l - 1, node, 0); */
    /*@ assert rchild5_s: RCHILD5_CK(Pre, Here, hb, c, l - 1, node, l - 1, 0); */
    /*@ assert rchild5_sk: \forall integer j; 0 <= j < 64 && j != k && \at(node->child[j].node, Pre) != \null ==>
               prange_cnt_at{Pre, Here}(\at(node->child[j].node, Pre), l - 1, 0); */
    /*@ assert rchild5_np: RCHILD5_NP(Pre, Here, node, l, k); */
    /*@ assert rchild5_nk: RCHILD5_NK(Pre, Here, node, l, k, 0); */
    /*@ assert rchild5_c2: l >= 2 ==> RCHILD5_CCK(rchild_mid, Here, hb, c, node, l - 2, 0); */
    /*@ assert rchild5_cc: prange_cnt_at{rchild_mid, Here}(c, l - 1, 0); */
    /*@ assert rchild5_fc: hb->nodes == \at(hb->nodes, rchild_mid) - (node->child[k].node == \null ? 1 : 0) &&
               hb->leaves == \at(hb->leaves, rchild_mid); */
    /*@ assert rchild5_xp: \at(RCHILD5_XN(node, l, k), Pre) == 1 + \at(hb_nodes_from(c, l - 1, 0), rchild5_c0) &&
               \at(RCHILD5_XL(node, l, k), Pre) == \at(hb_leaves_from(c, l - 1, 0), rchild5_c0); */
    /*@ assert rchild5_xh: RCHILD5_XN(node, l, k) ==
                 (node->child[k].node == \null ? 0 : 1 + \at(hb_nodes_from(c, l - 1, 0), rchild_mid)) &&
               RCHILD5_XL(node, l, k) ==
                 (node->child[k].node == \null ? 0 : \at(hb_leaves_from(c, l - 1, 0), rchild_mid)); */
    /*@ assert rchild5_cn: hb->nodes - hb_nodes_from(node, l, 0) >= \at(hb->nodes - hb_nodes_from(node, l, 0), Pre) &&
               hb->leaves - hb_leaves_from(node, l, 0) >= \at(hb->leaves - hb_leaves_from(node, l, 0), Pre); */
    return changed;
}

/* rbelow2 (round 29): range_below's leaf branch (l == 0) as one call, a
 * one-call wrapper of range_leaf_step: its ensures are RREC_PART_ENSURES
 * at level 0, proved in this context alone (in range_below's the two
 * branches' states are merged and hdr timed out). */
/*@ RREC_PART_REQUIRES(hb, node, k, 0, s, a, b, set)
    requires ready: RREC_SLOT_READY(hb, node, k, 0);
    RREC_PART_ENSURES(hb, node, k, 0, a, b, set)
    ensures used: RREC_BELOW_USED(hb, 0, RREC_TWO(a, b, s, s + hb_span(0)));
    ensures grow: RPART_BELOW_GROW(hb, 0, RREC_TWO(a, b, s, s + hb_span(0)));
*/
static inline __attribute__((always_inline)) bool range_below_leaf(hbitmap_t *hb, hb_node_t *node,
                                   unsigned k, size_t s, size_t a, size_t b, bool set)
{
    /* rbelow2 (round 29): the old leaves' facts the tree predicates
     * need after the call, unfolded here before it (small context). */
    /*@ assert rbelow2_os: \forall integer j; 0 <= j < 64 && j != k && node->child[j].node != \null ==>
               \separated(node->child[j].leaf, node->child[k].leaf); */
    /*@ assert rbelow2_ow: \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               \valid(node->child[j].leaf) && \separated(node->child[j].leaf, hb) &&
               \separated(node->child[j].leaf, node) &&
               (\forall integer g; 0 <= g < 8 ==> node->child[j].leaf->gpre[g] <= 512 &&
                  node->child[j].leaf->gsuf[g] <= 512 && node->child[j].leaf->gmax[g] <= 512); */
    /*@ ghost lemma_hb_lw_same_pos(node->child[k].leaf, a - s, b - s, set); */
    bool r = range_leaf_step(hb, node, k, a - s, b - s, set);
    /* rbelow (round 28) / rbelow2 (round 29): RREC_PART_ENSURES at
     * level 0 from range_leaf_step's first-order facts, one group an
     * assert. */
    /*@ assert rbelow_tree: hb_tree(node, 0); */
    /*@ assert rbelow_nf: pfull_nf(node, 0); */
    /*@ assert rbelow_sib: pfull_sib(node, 0); */
    /*@ assert rbelow2_ns: PW_NOT_SPARE(node, hb); */
    /*@ assert rbelow2_sa: PW_SPARES_APART(hb, node, 0); */
    /*@ assert rbelow_lanc: \forall hb_leaf_t *f_; \at(hb_sep_leaf(node, 0, f_), Pre) ==>
               hb_sep_leaf(node, 0, f_); */
    /*@ assert rbelow2_runs: PDESC_RUNS(node, 0); */
    /*@ assert rbelow2_wl: \forall integer j; 0 <= j < 64 && node->child[j].node != \null ==>
               \valid(node->child[j].leaf) && \separated(node->child[j].leaf, hb) &&
               \separated(node->child[j].leaf, node) &&
               (\forall integer g; 0 <= g < 8 ==> node->child[j].leaf->gpre[g] <= 512 &&
                  node->child[j].leaf->gsuf[g] <= 512 && node->child[j].leaf->gmax[g] <= 512); */
    /*@ ghost lemma_rbelow2_wt(hb, node); */
    /*@ assert rbelow2_wt: hb_wtree(hb, node, 0); */
    /*@ assert rbelow_pk: pleaf_kept{Pre, Here}(hb); */
    /*@ assert rbelow_pp: pleaf_pool_n(hb) && PW_POOL_L(hb) && HB_POOL_OK(hb); */
    /* hdr as the ensures states it, this branch's copy (the ensures
     * sees both branches' states merged). */
    /*@ assert rbelow2_hdr: HB_ALLOCATOR(hb) && HB_POOL_OK(hb) &&
               hb->height == \at(hb->height, Pre) && hb->num_entries == \at(hb->num_entries, Pre) &&
               hb->num_spare_nodes <= \at(hb->num_spare_nodes, Pre) &&
               hb->num_spare_leaves <= \at(hb->num_spare_leaves, Pre) &&
               pleaf_pool_n(hb) && PW_POOL_L(hb) && pleaf_kept{Pre, Here}(hb); */
    return r;
}

/* The pointer slot k of node (level l): its leaf (l == 0) or its child. */
/*@ RREC_PART_REQUIRES(hb, node, k, l, s, a, b, set)
    requires ready: RREC_SLOT_READY(hb, node, k, l);
    // round 40 (rbot): the exact pool as a disjunct (RNEED2_POOL_BELOW) and
    // what the child's walk takes (RNEED2_USED_BELOW).
    requires pool: (l > 0 ==> RREC_POOL(hb, l - 1, RREC_TWO(a, b, s, s + hb_span(l)))) ||
                   RNEED2_POOL_BELOW(hb, node, k, l, s, a, b, set);
    requires rpart7_lsep: RPART7_LSEP(hb); // rlsep (round 35): slot_enter's leaf split (range_part)
    decreases 8 * l + 3;
    RREC_PART_ENSURES(hb, node, k, l, a, b, set)
    ensures used: RREC_BELOW_USED(hb, l, RREC_TWO(a, b, s, s + hb_span(l)));
    ensures grow: RPART_BELOW_GROW(hb, l, RREC_TWO(a, b, s, s + hb_span(l)));
    ensures rneed: RNEED2_USED_BELOW(hb, node, k, l, s, a, b, set);
*/
static inline bool range_below(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l, size_t s,
                               size_t a, size_t b, bool set)
{
    if (l == 0)
        return range_below_leaf(hb, node, k, s, a, b, set);
    return range_child(hb, node, k, l, s, a, b, set);
}

/* range_part's second half as one call: the slot when slot_enter
 * readied it (go), else nothing. */
/*@ RREC_PART_REQUIRES(hb, node, k, l, s, a, b, set)
    requires ready: go ==> RREC_SLOT_READY(hb, node, k, l);
    // round 40 (rbot): the exact pool as a disjunct (RBOT_POOL_GO) and what
    // the child's walk takes (RBOT_USED_GO).
    requires pool: (go && l > 0 ==> RREC_POOL(hb, l - 1, RREC_TWO(a, b, s, s + hb_span(l)))) ||
                   RBOT_POOL_GO(hb, node, k, l, s, a, b, set, go);
    requires rpart7_lsep: RPART7_LSEP(hb); // rlsep (round 35): slot_enter's leaf split (range_part)
    decreases 8 * l + 4;
    RREC_PART_ENSURES(hb, node, k, l, a, b, set)
    ensures used: RREC_BELOW_USED(hb, l, RREC_TWO(a, b, s, s + hb_span(l)));
    ensures grow: RPART_BELOW_GROW(hb, l, RREC_TWO(a, b, s, s + hb_span(l)));
    ensures rneed: RBOT_USED_GO(hb, node, k, l, s, a, b, set, go);
*/
static inline bool range_go(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l, size_t s,
                            size_t a, size_t b, bool set, bool go)
{
    if (!go)
        return false;
    return range_below(hb, node, k, l, s, a, b, set);
}

/* Slot k of node (level l, first entry s) covered in part by [a, b):
 * nothing when it is uniform in state set already, else split when
 * uniform and entered. Returns whether slot k's summary changed. */
/*@ RREC_PART_REQUIRES(hb, node, k, l, s, a, b, set)
    // round 40: or the part's exact need (rneed_pn / _pl, proofs/hbitmap.acsl)
    requires pool: RREC_POOL(hb, l, RREC_TWO(a, b, s, s + hb_span(l))) ||
                   RNEED2_POOL_PART(hb, node, k, l, s, a, b, set);
    requires rpart7_lsep: RPART7_LSEP(hb); // rlsep (round 35): slot_enter's leaf split (range_part)
    decreases 8 * l + 5;
    RREC_PART_ENSURES(hb, node, k, l, a, b, set)
    ensures used: RREC_USED(hb, l, RREC_TWO(a, b, s, s + hb_span(l)));
    ensures rneed: RNEED2_USED_PART(hb, node, k, l, s, a, b, set);
    ensures grow: hb->nodes <= \old(hb->nodes) + RREC_NN(l, RREC_TWO(a, b, s, s + hb_span(l))) &&
              hb->leaves <= \old(hb->leaves) + RREC_NL(RREC_TWO(a, b, s, s + hb_span(l)));
*/
static inline bool range_part(hbitmap_t *hb, hb_node_t *node, unsigned k, unsigned l, size_t s,
                              size_t a, size_t b, bool set)
{
    /* rpart (round 27): slot_enter (its pw_* ensures: the child's facts),
     * not range_slot_enter (its assigns named the spares' contents). */
    /*@ assert rpart_sn: \forall integer i; 0 <= i < hb->num_spare_nodes ==>
               \separated(hb->spare_node[i], hb); */
    /*@ assert rpart_sl: \forall integer i; 0 <= i < hb->num_spare_leaves ==>
               \separated(hb->spare_leaf[i], hb); */
    /* rbot (round 40): slot_enter's pool on the exact-need side: a split
     * part needs 1 + rneed_vn (a node) or one leaf (rbot_vn: >= 0). */
    /*@ assert rbot_se: RNEED2_POOL_PART(hb, node, k, l, s, a, b, set) &&
               node->child[k].node == \null && !(BIT(node->full, k) <==> set != 0) ==>
               (l == 0 ==> 0 < hb->num_spare_leaves) && (l > 0 ==> 0 < hb->num_spare_nodes); */
    bool go = slot_enter(hb, node, k, l, set) /*@ ghost (1) */;
    /*@ assert rpart_nf: hb->num_free == \at(hb->num_free, Pre) && hb->height == \at(hb->height, Pre) &&
               hb->num_entries == \at(hb->num_entries, Pre) && HB_ALLOCATOR(hb) && HB_POOL_OK(hb); */
    /* rpart2 (round 28): slot_enter's rpart_* ensures at the call's end,
     * the pool's and the spares' facts carried from Pre (lemmas of
     * proofs/hbitmap-rpart.acsl), for range_go's requires and the chain of
     * the ensures through range_go's. */
    /*@ assert rpart2_k: pleaf_kept{Pre, Here}(hb); */
    /* rbot (round 40): rsplit_pn moved up here (rpart_nsp_keep's instance);
     * rpart2_nsp (`\forall hb_node_t *p; \at(PW_NOT_SPARE(p, hb), Pre) ==>
     * PW_NOT_SPARE(p, hb)`, rsplit_pn unfolded: load-sensitive, 5.2 - 5.6 s
     * at load 5 - 7 in round 36) dropped: with the exact need's terms in the
     * context it timed out at 10 s, and no goal below needs it. */
    /*@ assert rsplit_pn: \forall hb_node_t *p; pleaf_nsp{Pre}(hb, p) ==> pleaf_nsp(hb, p); */
    /* rsplit (round 29): the frame at the call's end, from slot_enter's
     * rsplit_nfr / _ssep (range_go's frame then chains, rpart_nsame_trans). */
    /*@ assert rsplit_pf1: \forall hb_node_t *p; PD_APART(p, hb) && \separated(p, node) &&
               \at(pleaf_nsp(hb, p), Pre) ==> pkeep_nsame{Pre, Here}(p); */
    /*@ assert rsplit_pf2: \forall hb_node_t *p;
               \at(RREC_SLOT_SEP(node, k, l, p) && pleaf_nsp(hb, p), Pre) ==> RREC_SLOT_SEP(node, k, l, p); */
    /*@ assert rsplit_pf: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
               \at(RREC_SLOT_SEP(node, k, l, p) && pleaf_nsp(hb, p), Pre) ==>
               pkeep_nsame{Pre, Here}(p) && RREC_SLOT_SEP(node, k, l, p) && pleaf_nsp(hb, p); */
    /*@ assert rpart3_ln: \forall hb_leaf_t *f; \at(RPART3_LNSP(f, hb), Pre) ==> RPART3_LNSP(f, hb); */
    /* rpart3 (round 30): the leaf frame at the call's end (slot_enter's
     * rpart3_lfr / _slsep), in range_go's lframe premise's shape. */
    /*@ assert rpart3_lf: \forall hb_leaf_t *f; \separated(f, hb) && \separated(f, node) &&
               \at(RREC_SLOT_LSEP(node, k, l, f) && RPART3_LNSP(f, hb), Pre) ==>
               pkeep_lsame{Pre, Here}(f) && RREC_SLOT_LSEP(node, k, l, f) && RPART3_LNSP(f, hb); */
    /* rpart3 (round 30): anc at the call's end (slot_enter's rpart3_anc). */
    /*@ assert rpart3_a: \forall hb_node_t *p; \at(hb_sep_node(node, l, p) && RPART3_NSP(p, hb), Pre) ==>
               hb_sep_node(node, l, p) && RPART3_NSP(p, hb); */
    /*@ assert rpart3_la: \forall hb_leaf_t *f; \at(hb_sep_leaf(node, l, f) && RPART3_LNSP(f, hb), Pre) ==>
               hb_sep_leaf(node, l, f) && RPART3_LNSP(f, hb); */
    /* rpart5 (round 32): node as the walk needs it after slot_enter
     * (RREC_NODE_OK as range_go requires it: that requires and the lemma's
     * are then this hypothesis as it stands), then slot k's child / leaf
     * ready (lemma_rpart5_ready; its counts: slot_enter's pw_cnt / pw_leaf).
     * OPEN (RESULTS "Round 32 (rpart5)"): slot_enter does not ensure it yet
     * (ptr / same: nothing written; node split: hb_tree / pfull_nf / pfull_sib
     * of node, lemmas in proofs/hbitmap-rpart5.acsl; leaf split: the spare
     * leaves pairwise apart, which no requires states). */
    /* rpart7 (round 34): the ptr / same case (slot_enter's rpart7_nok), a
     * check: no hypothesis of the goals below (as an assert, with it in
     * context rpart2_lnsp timed out: RESULTS "Round 33 (rpart6)", run A;
     * rpart2_lnsp itself is gone: no goal read it, rpart3_ln is its atom form). */
    /* rpart8 (round 35): and the node split (behavior node's rpart7_nok):
     * rpart5_nok from slot_enter's four behaviors, rpart7's check dropped. */
    /*@ assert rpart5_nok: RREC_NODE_OK(hb, node, l); */
    /*@ ghost if (go) lemma_rpart5_ready(hb, node, k, l); */
    /* rbot (round 40): what slot_enter took plus what range_go may take is
     * at most the part's need at Pre (RBOT_MID), by slot_enter's case:
     * ptr (the child's need kept: rbot_pn / _pl), uniform in set (nothing),
     * leaf split (one leaf), node split (one node; the fresh child's need
     * is the virtual one: rwalk_fr, rbot_fresh_n / _l). */
    /*@ assert rbot_mp: \at(node->child[k].node, Pre) != \null ==>
               RBOT_MID(hb, node, k, l, s, a, b, set, go); */
    /*@ assert rbot_ms: \at(node->child[k].node == \null && (BIT(node->full, k) <==> set != 0), Pre) ==>
               RBOT_MID(hb, node, k, l, s, a, b, set, go); */
    /*@ assert rbot_ml: \at(node->child[k].node == \null && !(BIT(node->full, k) <==> set != 0), Pre) &&
               l == 0 ==> RBOT_MID(hb, node, k, l, s, a, b, set, go); */
    /*@ assert rbot_mn: \at(node->child[k].node == \null && !(BIT(node->full, k) <==> set != 0), Pre) &&
               l > 0 ==> RBOT_MID(hb, node, k, l, s, a, b, set, go); */
    /*@ assert rbot_m: RBOT_MID(hb, node, k, l, s, a, b, set, go); */
    /*@ assert rbot_pg: \at(RNEED2_POOL_PART(hb, node, k, l, s, a, b, set), Pre) ==>
               RBOT_POOL_GO(hb, node, k, l, s, a, b, set, go); */
    /*@ ghost rsplit_mid:; */
    bool r = range_go(hb, node, k, l, s, a, b, set, go);
    /*@ assert rpart3_lag: \forall hb_leaf_t *f; \at(hb_sep_leaf(node, l, f) && RPART3_LNSP(f, hb), rsplit_mid) ==>
               hb_sep_leaf(node, l, f); */
    /*@ assert rpart3_ag: \forall hb_node_t *p; \at(hb_sep_node(node, l, p) && RPART3_NSP(p, hb), rsplit_mid) ==>
               hb_sep_node(node, l, p); */
    /*@ assert rpart3_lg: \forall hb_leaf_t *f; \separated(f, hb) && \separated(f, node) &&
               \at(RREC_SLOT_LSEP(node, k, l, f) && RPART3_LNSP(f, hb), rsplit_mid) ==>
               pkeep_lsame{rsplit_mid, Here}(f); */
    /*@ assert rpart3_lt: \forall hb_leaf_t *f; \separated(f, hb) && \separated(f, node) &&
               \at(RREC_SLOT_LSEP(node, k, l, f) && RPART3_LNSP(f, hb), Pre) ==>
               pkeep_lsame{Pre, rsplit_mid}(f) && pkeep_lsame{rsplit_mid, Here}(f); */
    /*@ assert rsplit_pg: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
               \at(RREC_SLOT_SEP(node, k, l, p) && pleaf_nsp(hb, p), rsplit_mid) ==>
               pkeep_nsame{rsplit_mid, Here}(p); */
    /*@ assert rsplit_pt1: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
               \at(RREC_SLOT_SEP(node, k, l, p) && pleaf_nsp(hb, p), Pre) ==>
               pkeep_nsame{Pre, rsplit_mid}(p); */
    /* OPEN (round 29): rsplit_pt2, rsplit_pf carried across range_go's call
     * into its frame's premise: times out at 40 s (with or without the
     * premise pkeep_nsame{Pre, rsplit_mid}(p)); rsplit_pf merely restated
     * after the call proves at 60 s, not at 10 s (the context of two calls).
     * rsplit_pt and the frame ensures follow from it (proved). */
    /*@ assert rsplit_pt2: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
               \at(RREC_SLOT_SEP(node, k, l, p) && pleaf_nsp(hb, p), Pre) &&
               pkeep_nsame{Pre, rsplit_mid}(p) ==> pkeep_nsame{rsplit_mid, Here}(p); */
    /*@ assert rsplit_pt: \forall hb_node_t *p; PDESC_APART(p, hb) && \separated(p, node) &&
               \at(RREC_SLOT_SEP(node, k, l, p) && pleaf_nsp(hb, p), Pre) ==>
               pkeep_nsame{Pre, rsplit_mid}(p) && pkeep_nsame{rsplit_mid, Here}(p); */
    return r;
}

/* The head: slot f.k (== f.k0, first entry s) when [a, b) covers it in
 * part (the part [a, min(b, s + SPAN(l)))); f moved past it. */
/*@ RREC_STEP_REQUIRES(hb, f, l, a, b)
    requires head: f.k == f.k0 && s == f.base + hb_slots_span(f.k0, l);
    // rtop (round 40): or the node's exact need (rneed_n / _l)
    requires pool: RREC_POOL(hb, l, RREC_TWO(a, b, f.base, f.base + 64 * hb_span(l))) ||
                   RNEED2_POOL_HEAD(hb, f, l, a, b, set);
    requires free: RREC_FREE(hb, a, b, set);
    requires rpart7_lsep: RPART7_LSEP(hb); // rlsep (round 35): slot_enter's leaf split (range_part)
    decreases 8 * l + 6;
    RREC_STEP_ENSURES(hb, f, l)
    ensures whole: a == s && b - s >= hb_span(l) ==> \result.k == f.k &&
              hb->num_spare_nodes == \old(hb->num_spare_nodes) &&
              hb->num_spare_leaves == \old(hb->num_spare_leaves) && RREC_FREE(hb, a, b, set);
    ensures part: !(a == s && b - s >= hb_span(l)) ==> \result.k == f.k + 1 &&
              RREC_USED(hb, l, f.k0 == f.k1 && RREC_TWO(a, b, f.base, f.base + 64 * hb_span(l))) &&
              (f.k0 < f.k1 ==> RREC_FREE(hb, s + hb_span(l), b, set) &&
                 (b != f.base + 64 * hb_span(l) &&
                  \old(RREC_POOL(hb, l, RREC_TWO(a, b, f.base, f.base + 64 * hb_span(l)))) ==>
                    RREC_POOL(hb, l, 0)));
    ensures grow: hb->nodes <= \old(hb->nodes) +
                RREC_NN(l, f.k0 == f.k1 && RREC_TWO(a, b, f.base, f.base + 64 * hb_span(l))) &&
              hb->leaves <= \old(hb->leaves) +
                RREC_NL(f.k0 == f.k1 && RREC_TWO(a, b, f.base, f.base + 64 * hb_span(l)));
    // rnode2 (round 29): num_free moved by at most the head's part.
    ensures rnode2_mv: RNODE2_MV(hb, RNODE2_AT(f, \result.k, l, b) - a, set);
    // rwalk (round 38): the slot-level frame (range_part's others / frame
    // at slot f.k0): the tail slot's need kept across the head (range_node).
    ensures rwalk_oth: RWALK_OTH(f.node, f.k0);
    ensures rwalk_sfr: RWALK_SFR(hb, f.node, f.k0, l);
    // rtop (round 40): at most the head part's exact need taken.
    ensures rneed: RNEED2_USED_HEAD(hb, f, l, s, a, b, set);
    // rtop (round 40): the spare leaves apart after the head (range_node's
    // rwalk_ls: through hdr's pleaf_kept in range_node's context, with
    // hbitmap-rneed2.acsl's lemmas, it timed out at 10 s).
    ensures rtop_ls: RPART7_LSEP(hb);
*/
static inline hb_frame_t range_head(hbitmap_t *hb, hb_frame_t f, unsigned l, size_t s, size_t a,
                                    size_t b, bool set)
{
    /*@ ghost lemma_rnode_slots(f.base, a, b, f.k0, f.k1, l); */
    /*@ ghost lemma_rnode_align(f.base, f.k0, l); */
    /* rtop (round 40): the head part's need <= the node's (range_part's
     * pool under RNEED2_POOL_HEAD). */
    /*@ ghost lemma_rtop_head(f.node, l, f.base, a, b, f.k0, s, set); */
    /*@ assert rtop_sp: hb_span(l) == SPAN(l); */
    if (a == s && b - s >= SPAN(l))
        return f;
    /* MIN(b, s + SPAN(l)), without s + SPAN(l) when b is the smaller
     * (rnode: no overflow for a slot at the top of the address space). */
    size_t e = b - s <= SPAN(l) ? b : s + SPAN(l);
    /*@ assert rtop_he: e == RNEED2_E0(l, f.base, a, b); */
    /* rlsep (round 35): hb_sep_node / _leaf unfolded at slot f.k (range_tail's
     * lemma), so range_part's frame / lframe lift to the node's without a
     * session script (with rpart7_lsep in the context the scripts timed out). */
    /*@ ghost lemma_rnode_sep_at(f.node, f.k, l); */
    /*@ assert rnode_two: RREC_TWO(a, e, s, s + hb_span(l)) ==>
               RREC_TWO(a, b, f.base, f.base + 64 * hb_span(l)) && f.k0 == f.k1; */
    f.dirty |= range_part(hb, f.node, f.k, l, s, a, e, set);
    f.k++;
    return f;
}

/* The middle: the slots from f.k covered whole (range_fill_step), when
 * slot f.k is. */
/*@ RREC_STEP_REQUIRES(hb, f, l, a, b)
    requires mid: f.k > f.k0 || a == f.base + hb_slots_span(f.k, l);
    requires free: f.k <= f.k1 ==> RREC_FREE(hb, f.base + hb_slots_span(f.k, l), b, set);
    RREC_STEP_ENSURES(hb, f, l)
    ensures pool: hb->num_spare_nodes == \old(hb->num_spare_nodes) &&
              hb->num_spare_leaves == \old(hb->num_spare_leaves) &&
              hb->nodes <= \old(hb->nodes) && hb->leaves <= \old(hb->leaves);
    ensures k: f.k <= \result.k <= f.k1 + 1;
    ensures tail: \result.k <= f.k1 ==> \result.k == f.k1 &&
              b < f.base + hb_slots_span(f.k1 + 1, l) &&
              RREC_FREE(hb, f.base + hb_slots_span(f.k1, l), b, set);
    // rnode2 (round 29): num_free moved by at most the slots filled.
    ensures rnode2_mv: RNODE2_MV(hb, RNODE2_AT(f, \result.k, l, b) - RNODE2_AT(f, f.k, l, b), set);
    // rmid5 (round 39): the middle's slot-level frame (range_head's rwalk_oth
    // / rwalk_sfr for the slots it does not fill): every slot from \result.k
    // on keeps its pointer, leaf and FULL bit, and every node apart from hb's
    // fields and from f.node keeps its fields (range_fill's papart_ptrs /
    // pfull_bits / RMID2_F4, the four frames as one): the tail slot's need
    // kept across the middle (range_rest's rmid5 asserts).
    ensures rmid5_oth: RMID5_OTH(f.node, \result.k);
    ensures rmid5_fn: RMID2_FN(Old, Here, hb, f.node);
    // rmid5 (round 39): the spare leaves as they were (range_fill's rcnt_sl):
    // range_tail's requires rpart7_lsep in range_rest without unfolding
    // hdr's pleaf_kept (with rmid5_fn in the context that timed out).
    ensures rmid5_sl: \forall integer j; 0 <= j < HBITMAP_SPARE_LEAVES ==>
              hb->spare_leaf[j] == \old(hb->spare_leaf[j]);
*/
static inline hb_frame_t range_mid(hbitmap_t *hb, hb_frame_t f, unsigned l, size_t b, bool set)
    /*@ ghost (size_t a) */
{
    /*@ ghost lemma_rnode_slots(f.base, a, b, f.k0, f.k1, l); */
    if (f.k > f.k1)
        return f;
    /*@ ghost lemma_pstep_mul(f.k, l); */
    /*@ ghost lemma_pstep_step(f.k, l); */
    /*@ ghost lemma_pstep_sum(f.k, f.k1 - f.k, l); */
    /*@ assert rnode_k: f.base + hb_slots_span(f.k, l) < b; */
    if (b - (f.base + span_mul(f.k, l)) < SPAN(l))
        return f;
    /*@ ghost lemma_hb_lw_from_le(f.node, l, f.k); */
    hb_frame_t r = range_fill(hb, f, l, b, set);
    /* rcnt (round 28): hb's pool as it was (range_fill's equalities). */
    /*@ assert rcnt_mv: (\forall hb_node_t *m; \valid{Pre}(m) ==> \valid(m)) &&
               (\forall hb_leaf_t *lf; \valid{Pre}(lf) ==> \valid(lf)); */
    /*@ assert rcnt_mk: pleaf_kept{Pre, Here}(hb); */
    /*@ assert rcnt_mo: HB_POOL_OK(hb) && HB_ALLOCATOR(hb); */
    /*@ assert rcnt_mn: pleaf_pool_n(hb); */
    /*@ assert rcnt_ml: PW_POOL_L(hb); */
    /* rmid4 (round 34): f.node's tree facts after the fill. The frame below
     * f.node level by level (range_fill's papply2_unch: only hb and f.node
     * written), lemmas of proofs/hbitmap-rmid4.acsl (range_mid's line):
     * pkeep_fr, pfull_fr, papart_lf / _ap / _sb, and RPART5_TW (a writable
     * subtree is readable); then the top at f.node, whose pointer slots are
     * old ones (rnode4_ptrs) with their FULL bits (rmid4_fb). */
    /* The loop runs to HBITMAP_MAX_HEIGHT, not to l: with l as its bound,
     * Qed rewrote l to the loop's counter in the goals after it (their
     * hb->nodes / leaves terms then matched range_fill's ensures only
     * through arithmetic: rcnt_mn, frame, n6 / n7 timed out). */
    /*@ ghost
      /@ loop invariant 0 <= i <= 8;
         loop invariant tw: i <= l ==> RPART5_TW(i);
         loop invariant twl: i > l ==> RPART5_TW(l);
         loop invariant fr: \forall integer i2; 0 <= i2 < i && i2 < l ==>
           pkeep_fr{Pre, Here}(hb, f.node, f.node, i2);
         loop invariant pf: \forall integer i2; 0 <= i2 < i && i2 < l ==>
           pfull_fr{Pre, Here}(hb, f.node, f.node, i2);
         loop invariant lf: \forall integer i2; 0 <= i2 < i && i2 < l ==>
           papart_lf{Pre, Here}(hb, f.node, f.node, i2);
         loop invariant ap: \forall integer i2; 0 <= i2 < i && i2 < l ==>
           papart_ap{Pre, Here}(hb, f.node, f.node, i2);
         loop invariant sb: \forall integer i2; 0 <= i2 < i && i2 < l ==>
           papart_sb{Pre, Here}(hb, f.node, f.node, i2);
         loop assigns i;
         loop variant 8 - i;
      @/
      for (unsigned i = 0; i < 8; i++) {
      }
    */
    /*@ assert rmid4_fl: l > 0 ==> pkeep_fr{Pre, Here}(hb, f.node, f.node, l - 1) &&
               pfull_fr{Pre, Here}(hb, f.node, f.node, l - 1) &&
               papart_lf{Pre, Here}(hb, f.node, f.node, l - 1) &&
               papart_ap{Pre, Here}(hb, f.node, f.node, l - 1) &&
               papart_sb{Pre, Here}(hb, f.node, f.node, l - 1); */
    /*@ assert rmid4_tw: RPART5_TW(l); */
    /*@ assert rmid3_n2: hb_wtree(hb, f.node, l); */
    /*@ assert rmid3_n1: hb_tree(f.node, l); */
    /*@ assert rmid3_n3: pfull_nf(f.node, l); */
    /*@ assert rmid4_s0: l == 0 ==> pfull_sib(f.node, l); */
    /*@ assert rmid4_ko: l > 0 ==> \forall integer j; 0 <= j < 64 &&
               f.node->child[j].node != \null ==>
               papart_out{Pre}(hb, f.node, f.node, f.node->child[j].node, l - 1) &&
               \at(pfull_sib(f.node->child[j].node, l - 1), Pre); */
    /*@ assert rmid4_ap: l > 0 ==> \forall integer i, j; 0 <= i < 64 && 0 <= j < 64 && i != j &&
               f.node->child[i].node != \null && f.node->child[j].node != \null ==>
               pfull_apart(f.node->child[i].node, l - 1, f.node->child[j].node, l - 1); */
    /*@ assert rmid4_sk: l > 0 ==> \forall integer j; 0 <= j < 64 &&
               f.node->child[j].node != \null ==> pfull_sib(f.node->child[j].node, l - 1); */
    /*@ ghost if (l > 0) lemma_rpart5_sib(f.node, l); */
    /*@ assert rmid3_n4: pfull_sib(f.node, l); */
    /*@ assert rmid3_n5: PDESC_APART(f.node, hb) && (f.node == &hb->root || \separated(f.node, hb)); */
    /*@ assert rmid3_n6: PW_NOT_SPARE(f.node, hb); */
    /*@ assert rmid3_n7: PW_SPARES_APART(hb, f.node, l); */
    return r;
}

/* The tail: slot f.k1 when [a, b) covers it in part and the head did not
 * take it (the part [s1, b), s1 its first entry); f moved past it. */
/*@ RREC_STEP_REQUIRES(hb, f, l, a, b)
    requires tail: f.k <= f.k1 ==> f.k == f.k1 && f.k0 < f.k1 &&
               b < f.base + hb_slots_span(f.k1 + 1, l) &&
               RREC_FREE(hb, f.base + hb_slots_span(f.k1, l), b, set);
    // rtop (round 40): the worst case (tail's RREC_POOL before round 40) or
    // the tail part's exact need.
    requires pool: f.k <= f.k1 ==> RREC_POOL(hb, l, 0) ||
               RNEED2_HAS(hb, RNEED2_TAIL_N(f, l, b, set), RNEED2_TAIL_L(f, l, b, set));
    requires rpart7_lsep: RPART7_LSEP(hb); // rlsep (round 35): slot_enter's leaf split (range_part)
    decreases 8 * l + 6;
    RREC_STEP_ENSURES(hb, f, l)
    ensures done: \result.k == f.k1 + 1;
    ensures used: RREC_USED(hb, l, 0);
    ensures grow: hb->nodes <= \old(hb->nodes) + l && hb->leaves <= \old(hb->leaves) + 1;
    // rcnt (round 28): no tail slot left, nothing done (range_node's used,
    // grow and free over the three steps).
    ensures skip: f.k > f.k1 ==> hb->num_spare_nodes == \old(hb->num_spare_nodes) &&
              hb->num_spare_leaves == \old(hb->num_spare_leaves) && hb->nodes == \old(hb->nodes) &&
              hb->leaves == \old(hb->leaves) && hb->num_free == \old(hb->num_free);
    // rnode2 (round 29): num_free moved by at most the tail's part.
    ensures rnode2_mv: RNODE2_MV(hb, b - RNODE2_AT(f, f.k, l, b), set);
    // rtop (round 40): at most the tail part's exact need taken.
    ensures rneed: RNEED2_USED_TAIL(hb, f, l, b, set);
*/
static inline hb_frame_t range_tail(hbitmap_t *hb, hb_frame_t f, unsigned l, size_t b, bool set)
    /*@ ghost (size_t a) */
{
    /*@ ghost lemma_rnode_slots(f.base, a, b, f.k0, f.k1, l); */
    /* rtop (round 40): the tail part's need >= 0 (the skip: none taken). */
    /*@ ghost lemma_rtop_ge(f.node, f.base, f.k1, l, b, set); */
    /*@ ghost lemma_rnode_sep_at(f.node, f.k1, l); */
    /*@ ghost lemma_rnode_align(f.base, f.k1, l); */
    if (f.k > f.k1)
        return f;
    size_t s1 = f.base + span_mul(f.k1, l);
    /* rtop (round 40): the tail part as RNEED2_TAIL_N / _L name it. */
    /*@ assert rtop_ts: s1 == RNEED2_S1F(f, l) && f.k0 < f.k1 && b - RNEED2_S1F(f, l) < hb_span(l); */
    f.dirty |= range_part(hb, f.node, f.k1, l, s1, s1, b, set);
    f.k = f.k1 + 1u;
    return f;
}

/* rnode3 (round 30): range_node's middle and tail as one call (f after
 * the head), so that no task of the walk holds more than two steps'
 * ensures (range_node's chain goals timed out in the context of three:
 * proofs/RESULTS.md, "Round 29 (rnode2)"). `whole`: the head took no
 * slot only when it covered slot k0 whole; `pool`: the tail's spares. */
/*@ RREC_STEP_REQUIRES(hb, f, l, a, b)
    requires mid: f.k > f.k0 || a == f.base + hb_slots_span(f.k, l);
    requires free: f.k <= f.k1 ==> RREC_FREE(hb, f.base + hb_slots_span(f.k, l), b, set);
    requires whole: f.k == f.k0 ==> b - (f.base + hb_slots_span(f.k0, l)) >= hb_span(l);
    // rtop (round 40): or the tail part's exact need
    requires pool: (f.k0 < f.k1 && b != f.base + 64 * hb_span(l) ==> RREC_POOL(hb, l, 0)) ||
                   RNEED2_POOL_TAIL(hb, f, l, b, set);
    requires rpart7_lsep: RPART7_LSEP(hb); // rlsep (round 35): slot_enter's leaf split (range_part)
    decreases 8 * l + 7;
    RREC_STEP_ENSURES(hb, f, l)
    ensures done: \result.k == f.k1 + 1;
    ensures used: RREC_USED(hb, l, 0);
    ensures grow: hb->nodes <= \old(hb->nodes) + l && hb->leaves <= \old(hb->leaves) + 1;
    ensures skip: f.k0 == f.k1 || b == f.base + 64 * hb_span(l) ==>
              hb->num_spare_nodes == \old(hb->num_spare_nodes) &&
              hb->num_spare_leaves == \old(hb->num_spare_leaves) &&
              hb->nodes <= \old(hb->nodes) && hb->leaves <= \old(hb->leaves);
    ensures rnode2_mv: RNODE2_MV(hb, b - RNODE2_AT(f, f.k, l, b), set);
    // rtop (round 40): at most the tail part's exact need taken.
    ensures rneed: RNEED2_USED_TAIL(hb, f, l, b, set);
*/
static inline __attribute__((always_inline)) hb_frame_t range_rest(hbitmap_t *hb, hb_frame_t f,
                                                                  unsigned l, size_t b, bool set)
    /*@ ghost (size_t a) */
{
    /*@ ghost lemma_rnode_slots(f.base, a, b, f.k0, f.k1, l); */
    /* rmid5 (round 39): the tail slot k1's child meets the middle's frame
     * premise below it (rneed2_in for slot k0 != k1, from lemma_rwalk_at's
     * unfolded tree facts and rneed2_bi), as range_node's rwalk_in before
     * the head. The rmid5 asserts name hbitmap-rneed2.acsl's logic: they are
     * RMID5_* macros, true (0 == 0) in proofs/hbitmap.acsl and the real
     * predicates where proofs/hbitmap-rmid5.acsl redefines them (range_node's
     * shards line, which proves this body; body asserts only). */
    /*@ ghost lemma_rwalk_at(hb, f.node, l, f.k0, f.k1); */
    /* rtop (round 40): the tail part's need >= 0 (the tail skipped: none
     * taken). */
    /*@ ghost lemma_rtop_ge(f.node, f.base, f.k1, l, b, set); */
    hb_frame_t m = range_mid(hb, f, l, b, set) /*@ ghost (a) */;
    /* rmid5 (round 39): the spare leaves apart after the middle (range_tail's
     * requires, from range_mid's rmid5_sl: through hdr's pleaf_kept, with
     * range_mid's rmid5_fn in the context, it took 4.3 s at the call and
     * timed out at 10 s as an assert here). */
    /*@ assert rmid5_ls: RPART7_LSEP(hb); */
    /* rnode3 (round 30): the node and its runs (for the ensures through
     * the tail's), the spares apart from p as at Pre (the chain). */
    /*@ assert rnode3_r1: m.node == f.node && PDESC_RUNS(f.node, l); */
    /*@ assert rnode3_n1: \forall hb_node_t *p; pleaf_nsp{Pre}(hb, p) ==> pleaf_nsp{Here}(hb, p); */
    /* rcnt (round 28): a range inside one slot, or ending at the node's
     * end, leaves the tail nothing (the tail's `skip` then applies). */
    /*@ assert rcnt_m: (m.k0 == m.k1 ==> m.k > m.k1) &&
               (b == m.base + 64 * hb_span(l) ==> m.k > m.k1); */
    /* rmid5 (round 39): the tail part's need (slot k1 from its first entry
     * to b) kept across the middle when the tail runs (m.k <= f.k1): slot
     * k1's child subtree kept (rneed2_fr from range_mid's rmid5_fn, then
     * rneed2_br with rmid5_in), slot k1's pointer and FULL bit kept
     * (range_mid's rmid5_oth), then rneed2_kept_pn / _pl. */
    /*@ assert rmid5_in: \at(RMID5_IN(hb, f.node, l, f.k0, f.k1), Pre); */
    /*@ assert rmid5_fr: RMID5_FR(hb, f.node, f.k0, l); */
    /*@ assert rmid5_br: RMID5_BR(f.node, l, f.k0, f.k1); */
    /*@ assert rmid5_tn: RMID5_TN(f.node, l, f.base, f.k0, f.k1, m.k, b, set); */
    /*@ assert rmid5_tl: RMID5_TL(f.node, l, f.base, f.k0, f.k1, m.k, b, set); */
    /* rmid5 (round 39): the next round's range_rest -> range_tail step: the
     * pool range_rest would require for the tail part (RNEED2_POOL_TAIL at
     * Pre) holds it at range_tail's call when the tail runs (m.k <= m.k1). */
    /*@ assert rmid5_pt: RMID5_PT(hb, f, m, l, b, set); */
    hb_frame_t r = range_tail(hb, m, l, b, set) /*@ ghost (a) */;
    /*@ assert rnode3_r2: r.node == f.node && PDESC_RUNS(f.node, l); */
    return r;
}

/* One node of the walk: [a, b) (inside node's span, first entry base) on
 * node's slots of level l: head, then middle and tail (range_rest).
 * Returns node's frame. */
/*@ requires hb: RREC_HB_OK(hb) && \valid(node);
    requires lvl: l < hb->height <= HBITMAP_MAX_HEIGHT;
    requires rng: base <= a < b && b - base <= 64 * hb_span(l) && base % 4096 == 0;
    requires node: RREC_NODE_OK(hb, node, l);
    // round 40: or the walk's exact need (rneed_n / _l, proofs/hbitmap.acsl)
    requires pool: RREC_POOL(hb, l, RREC_TWO(a, b, base, base + 64 * hb_span(l))) ||
                   RNEED2_POOL_NODE(hb, node, l, base, a, b, set);
    requires cnt: RREC_COUNTS(hb, node, l);
    requires free: RREC_FREE(hb, a, b, set);
    requires rpart7_lsep: RPART7_LSEP(hb); // rlsep (round 35): slot_enter's leaf split (range_part)
    decreases 8 * l + 8;
    RREC_WALK_ENSURES(hb, node, l, a, b, set, RREC_TWO(a, b, base, base + 64 * hb_span(l)))
    ensures rneed: RNEED2_USED_NODE(hb, node, l, base, a, b, set);
    ensures open: \result.node == node && \result.base == base &&
              \result.k0 == (a - base) / hb_span(l) && \result.k1 == (b - 1 - base) / hb_span(l) &&
              \result.k0 <= \result.k1 < 64;
*/
static hb_frame_t range_node(hbitmap_t *hb, hb_node_t *node, unsigned l, size_t base, size_t a,
                             size_t b, bool set)
{
    hb_frame_t f = frame_open(node, l, base, a, b);
    /* rcnt (round 28): the frame's slot arithmetic (rrec_s). */
    /*@ ghost lemma_rnode_slots(base, a, b, f.k0, f.k1, l); */
    /*@ ghost lemma_pstep_mul(f.k0, l); */
    /*@ assert rrec_s: f.k0 * hb_span(l) <= a - base; */
    size_t s = base + span_mul(f.k0, l);
    /*@ assert rrec_h: f.node == node && f.base == base && f.k == f.k0 &&
               s == f.base + hb_slots_span(f.k0, l); */
    /* rwalk (round 38): the tail slot's child meets the head's frame
     * premise below it (rneed2_bi from lemma_rwalk_at), before the head
     * (label rwalk_h). The rwalk asserts name hbitmap-rneed2.acsl's logic,
     * which only range_node's shards line loads: they are RWALK_* macros,
     * true in proofs/hbitmap.acsl and the real predicates where
     * hbitmap-rwalk.acsl redefines them (body asserts only: range_node's
     * body is proved on that line alone; a CONTRACT clause must never
     * differ between lines). */
    /*@ ghost lemma_rwalk_at(hb, node, l, f.k0, f.k1); */
    /*@ assert rwalk_in: RWALK_IN(hb, node, l, f.k0, f.k1); */
    /* rtop (round 40): the head slot's first entry as rneed_n names it
     * (RNEED2_S0: no rneed term in the context of the goals before rtop_un). */
    /*@ ghost lemma_rtop_s0(l, base, a, f.k0, s); */
    /*@ ghost lemma_rtop_unf(node, l, base, a, b, set); */
    /*@ ghost rwalk_h:; */
    f = range_head(hb, f, l, s, a, b, set);
    /* rwalk (round 38): the spare leaves apart after the head (range_rest's
     * requires; with the rwalk asserts below and hbitmap-rneed2.acsl's
     * lemmas in its context it timed out at 10 s). rtop (round 40): now
     * range_head's ensures rtop_ls (through hdr's pleaf_kept here, with the
     * round's rneed terms, it took 3.9 s at load 7.8). */
    /*@ assert rwalk_ls: RWALK_LS(hb); */
    /* rnode3 (round 30): the node and its runs after the head, the spares
     * apart from p as at Pre (the chain through range_rest's ensures). */
    /*@ assert rnode3_r1: f.node == node && PDESC_RUNS(node, l); */
    /*@ assert rnode3_n1: \forall hb_node_t *p; pleaf_nsp{Pre}(hb, p) ==> pleaf_nsp{Here}(hb, p); */
    /* rwalk (round 38): the tail part's need (slot k1 from its first entry
     * to b: rneed_n's tail term) kept across the head: the child's subtree
     * kept (rneed2_br from range_head's rwalk_sfr and rwalk_in), slot k1's pointer and FULL bit kept (rwalk_oth), then
     * rneed2_kept_pn / _pl (proofs/hbitmap-rneed2.acsl). */
    /*@ assert rwalk_fr: RWALK_FR(hb, node, f.k0, l); */
    /*@ assert rwalk_br: RWALK_BR(node, l, f.k0, f.k1); */
    /*@ assert rwalk_tn: RWALK_TN(node, l, base, f.k0, f.k1, b, set); */
    /*@ assert rwalk_tl: RWALK_TL(node, l, base, f.k0, f.k1, b, set); */
    /* rtop (round 40): the node's need at the head's call is the head
     * part's plus the tail part's (lemma_rtop_unf's instance at rwalk_h,
     * rewritten by Qed with lemma_rtop_s0's s == RNEED2_S0 as the goal is;
     * from the lemma rneed2_unf_n it timed out at 40 s). */
    /*@ assert rtop_un: \at(rneed_n(node, l, base, a, b, set), rwalk_h) ==
               \at(RNEED2_HEAD_N(f, l, s, a, b, set) +
                   (RNEED2_TP(l, base, a, b) ? RNEED2_TAIL_N(f, l, b, set) : 0), rwalk_h) &&
               \at(rneed_l(node, l, base, a, b, set), rwalk_h) ==
               \at(RNEED2_HEAD_L(f, l, s, a, b, set) +
                   (RNEED2_TP(l, base, a, b) ? RNEED2_TAIL_L(f, l, b, set) : 0), rwalk_h); */
    /* rtop (round 40): the tail part's exact need left after the head
     * (which took at most the head part's: rtop_un, range_head's rneed,
     * rwalk_tn / _tl): range_rest's pool. */
    /*@ assert rtop_pt: \at(RNEED2_POOL_NODE(hb, node, l, base, a, b, set), Pre) ==>
               RNEED2_POOL_TAIL(hb, f, l, b, set); */
    /* rtop (round 40): anc's premise at range_rest's call (range_head's
     * anc, rnode3_n1), so that range_node's anc is one step through
     * range_rest's (in this context, with the rneed terms, anc as a chain
     * of both steps took 3 s at load 7 and timed out at 10 s). */
    /*@ assert rtop_an: \forall hb_node_t *p; \at(hb_sep_node(node, l, p) && PW_NOT_SPARE(p, hb), Pre) ==>
               hb_sep_node(node, l, p) && pleaf_nsp(hb, p); */
    return range_rest(hb, f, l, b, set) /*@ ghost (a) */;
}

/* Sets (set) or clears [first, end) using the pool for splits; cannot fail
 * (the caller filled the pool with count_splits' figures). A range inside
 * one leaf takes leaf_range_apply's one descent; any other, one recursive
 * walk over the nodes it touches (range_node from the root): a slot the
 * range covers whole becomes FULL / EMPTY at once (freeing what was
 * below), a slot covered in part (only those holding first or end - 1) is
 * split when uniform with the other state and entered; each touched node's
 * summary in its parent is updated once, bottom up, when the node is
 * done. */
/*@ requires \valid(hb) && HB_ALLOCATOR(hb) && HB_READABLE(hb) && HB_POOL_OK(hb);
    requires hb_wtree(hb, &hb->root, hb->height - 1);
    requires HB_POOL_SPARES(hb) && HB_POOL_APART(hb);
    // rapply (round 40): or count_splits' exact need (what hbitmap_prepare
    // fills): the one-leaf walk takes it as is (rdesc), the two-leaf walk as
    // range_node's need at the root (rneed4_root_n / _l).
    requires pool: (2 * (hb->height - 1) <= hb->num_spare_nodes && 2 <= hb->num_spare_leaves) ||
                   RNEED2_POOL_APPLY(hb, first, end, set);
    requires hb->nodes >= hb_nodes_from(&hb->root, hb->height - 1, 0) &&
             hb->leaves >= hb_leaves_from(&hb->root, hb->height - 1, 0);
    requires hb->nodes <= HB_MAX_STORE && hb->leaves <= HB_MAX_STORE;
    requires first < end <= hb->num_entries;
    requires set != 0 ==> end - first <= hb->num_free;
    requires set == 0 ==> hb->num_free + (end - first) <= SIZE_MAX;
    // pfull: no pointer slot is FULL; the subtrees of distinct slots apart.
    requires pfull: pfull_nf(&hb->root, hb->height - 1) && pfull_sib(&hb->root, hb->height - 1);
    requires rpart7_lsep: RPART7_LSEP(hb); // rlsep (round 35): slot_enter's leaf split (range_part)
    ensures HB_ALLOCATOR(hb) && HB_POOL_OK(hb);
    ensures hb->height == \old(hb->height) && hb->num_entries == \old(hb->num_entries);
    ensures hb->num_spare_nodes <= \old(hb->num_spare_nodes) &&
            hb->num_spare_leaves <= \old(hb->num_spare_leaves);
    // prange: hb stays valid (range_update's pool_trim needs it)
    ensures valid: \valid(hb);
    // rrec (round 26): what it writes (range_update's assigns, rpool's open).
    assigns PUPDATE_WRITES(hb);
    // rinv (round 31): the tree after the write (section rinv of hbitmap.acsl):
    // the root's runs on both paths; the rest only on range_node's path.
    ensures rinv_runs: RINV_RUNS(hb);
    ensures rinv_tree: RINV_WALK(first, end) ==> hb_tree(&hb->root, hb->height - 1);
    // (at \old(hb->height): with hb->height, CVC4 timed out on the one
    // rewrite height == \old(height) inside hb_wtree, 30 s). The pool's
    // facts (spares valid / apart) also proved, but are not stated: its one
    // caller empties the pool, and they slowed range_update's hdr.
    ensures rinv_wtree: RINV_WALK(first, end) ==> hb_wtree(hb, &hb->root, \old(hb->height) - 1);
    ensures rinv_pfull: RINV_WALK(first, end) ==> RPOOL2_PFULL(hb);
    ensures rinv_cnt: RINV_WALK(first, end) ==> RINV_CNT(hb);
*/
static void range_apply(hbitmap_t *hb, size_t first, size_t end, bool set)
{
    if (first / LEAF_ENTRIES == (end - 1u) / LEAF_ENTRIES) {
        leaf_range_apply(hb, first, end, set);
        return;
    }
    /*@ assert rrec_rng: end <= 64 * hb_span(hb->height - 1); */
    /* rapply (round 40): the exact need at the root is range_node's
     * (proofs/hbitmap-rneed4-root.acsl's rneed4_root_n / _l: a range over two
     * leaves). */
    /*@ assert rapply_rng: 1 <= hb->height <= 8 && end <= hb_span(hb->height) &&
                           first / 4096 != (end - 1) / 4096; */
    /*@ assert rapply_pool: RNEED2_POOL_APPLY(hb, first, end, set) ==>
               RNEED2_POOL_NODE(hb, &hb->root, hb->height - 1, 0, first, end, set); */
    /*@ assert rrec_hb: pleaf_pool_n(hb) && PW_POOL_L(hb); */
    /*@ assert rrec_root: PDESC_APART(&hb->root, hb) && PW_NOT_SPARE(&hb->root, hb); */
    /*@ ghost unsigned rlsep_h = hb->height; */
    range_node(hb, &hb->root, hb->height - 1u, 0, first, end, set);
    /* rlsep (round 35): the rinv_* ensures at the new height as Qed goals
     * (lemma_rlsep_root: the rewrite height == \old(height) in a small task). */
    /*@ ghost lemma_rlsep_root(hb, rlsep_h); */
}

/* Checks a range operation's arguments. */
/*@ requires hb != \null ==> \valid_read(hb);
    assigns \nothing;
    ensures hb == \null || n == 0 ==> \result == VMM_ERR_INVALID_ARGUMENT;
    ensures hb != \null && n != 0 &&
            !(first < hb->num_entries && n <= hb->num_entries - first) ==>
              \result == VMM_ERR_OUT_OF_BOUNDS;
    ensures hb != \null && n != 0 && first < hb->num_entries &&
            n <= hb->num_entries - first ==> \result == VMM_OK;
*/
static vmm_status_t range_check(const hbitmap_t *hb, size_t first, size_t n)
{
    if (hb == 0 || n == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (!range_ok(hb, first, n))
        return VMM_ERR_OUT_OF_BOUNDS;
    return VMM_OK;
}

/* Fills the pool for setting (set) or clearing [first, first + n). */
/*@ requires hb != \null ==> HB_READABLE(hb) && \valid(hb) && HB_ALLOCATOR(hb) &&
                             HB_POOL_OK(hb);
    // rlsep2 (round 36): the two spare leaves apart (RPART7_LSEP), a pool
    // invariant every function that writes the pool keeps: the fresh leaves
    // are apart from the earlier ones (rfresh2_lp)
    requires rlsep2: hb != \null ==> RPART7_LSEP(hb);
    // pwalkr: the behaviors' assigns as a default (without it WP keeps no
    // frame at a call: every memory chunk of the caller is fresh after it)
    assigns hb->num_spare_nodes, hb->num_spare_leaves,
            hb->spare_node[0 .. HBITMAP_SPARE_NODES - 1],
            hb->spare_leaf[0 .. HBITMAP_SPARE_LEAVES - 1];
    ensures rlsep2: hb != \null ==> RPART7_LSEP(hb);
    behavior invalid_argument:
      assumes hb == \null || n == 0;
      assigns \nothing;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
    behavior out_of_bounds:
      assumes hb != \null && n != 0 && (first >= hb->num_entries || n > hb->num_entries - first);
      assigns \nothing;
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
    behavior in_range:
      assumes hb != \null && n != 0 && first < hb->num_entries && n <= hb->num_entries - first;
      assigns hb->num_spare_nodes, hb->num_spare_leaves,
              hb->spare_node[0 .. HBITMAP_SPARE_NODES - 1],
              hb->spare_leaf[0 .. HBITMAP_SPARE_LEAVES - 1];
      ensures HB_POOL_OK(hb);
      ensures \result == VMM_OK || \result == VMM_ERR_OUT_OF_MEMORY;
      ensures \forall integer i; 0 <= i < \old(hb->num_spare_nodes) ==>
                hb->spare_node[i] == \old(hb->spare_node[i]);
      ensures \forall integer i; 0 <= i < \old(hb->num_spare_leaves) ==>
                hb->spare_leaf[i] == \old(hb->spare_leaf[i]);
      ensures \result == VMM_OK ==> hb->num_spare_nodes >= \old(hb->num_spare_nodes) &&
                hb->num_spare_leaves >= \old(hb->num_spare_leaves);
      ensures \result != VMM_OK ==>
                hb->num_spare_nodes == \old(hb->num_spare_nodes) &&
                hb->num_spare_leaves == \old(hb->num_spare_leaves);
      // prange: a failed prepare changes nothing at all (the pool as it was)
      ensures kept: \result != VMM_OK ==> prange_kept{Pre,Here}(hb);
      // rfresh / rfresh2: the fresh spares valid and apart (pool_fill's)
      RFRESH2_FILL_ENSURES(hb)
      // rlsep2 (round 36): the tree's nodes untouched (range_update's p_root
      // / p_nodes as instances: in its context they were load-sensitive)
      ensures rlsep2_root: pkeep_nsame{Pre,Here}(&hb->root);
      ensures rlsep2_nodes: \forall hb_node_t *m; \separated(m, hb) ==> pkeep_nsame{Pre,Here}(m);
      // rapply (round 40): after an OK prepare the spares hold count_splits'
      // exact need of [first, first + n) in the tree NOW (prepare_need's
      // rapply_need at Pre, pool_fill's rapply_kn / _kl): range_apply's pool
      // (its RNEED2_POOL_APPLY) at range_update's call, with no frame there.
      // Under a \forall on the end (one value): the need's recursive
      // functions then enter no goal of the caller as ground terms, only the
      // goal that names rpool_pool_ok (range_apply's call), whose term
      // instantiates it (as a plain hypothesis, five of range_update's
      // asserts timed out at 10 s: a matching loop on rpool_tnodes).
      ensures rapply_pool: \result == VMM_OK && \old(RFRESH2_WT(hb)) ==>
                \forall integer e; first + n <= e <= first + n ==> rpool_pool_ok(hb, first, e, set);
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t hbitmap_prepare(hbitmap_t *hb, size_t first, size_t n, bool set)
{
    vmm_status_t st = range_check(hb, first, n);
    if (st != VMM_OK)
        return st;
    hb_need_t need = prepare_need(hb, first, first + n, set);
    return pool_fill(hb, need.nodes, need.leaves);
}

/* Returns the pool to the allocator. */
/*@ requires hb != \null ==> \valid(hb) && HB_ALLOCATOR(hb) && HB_POOL_OK(hb);
    behavior null_bitmap:
      assumes hb == \null;
      assigns \nothing;
    behavior ok:
      assumes hb != \null;
      assigns hb->num_spare_nodes, hb->num_spare_leaves,
              hb->spare_node[0 .. HBITMAP_SPARE_NODES - 1],
              hb->spare_leaf[0 .. HBITMAP_SPARE_LEAVES - 1];
      ensures HB_POOL_OK(hb);
      ensures hb->num_spare_nodes == 0 && hb->num_spare_leaves == 0;
    complete behaviors;
    disjoint behaviors;
*/
void hbitmap_unprepare(hbitmap_t *hb)
{
    if (hb == 0)
        return;
    pool_trim(hb, 0, 0) /*@ ghost (0) */;
}

/* Returns true when setting (set) or clearing [first, end), which lies in
 * one leaf's span, splits no slot: the descent to first meets a slot the
 * range covers whole, a uniform slot already in that state, or the leaf
 * (what count_splits answers 0, 0 for). */
/*@ requires HB_READABLE(hb);
    requires first < end <= hb->num_entries && first / 4096 == (end - 1) / 4096;
    assigns \nothing;
    ensures nosplit: \result != 0 ==> hb_nosplit(&hb->root, hb->height - 1, 0, first, end, set);
*/
static bool leaf_range_fits(const hbitmap_t *hb, size_t first, size_t end, bool set)
{
    const hb_node_t *node = &hb->root;
    size_t base = 0;
    /*@ loop invariant 0 <= l < hb->height;
        loop invariant hb_tree(node, l);
        loop invariant base <= first < base + 64 * hb_span(l);
        loop invariant nosplit: hb_nosplit((hb_node_t *)node, l, base, first, end, set) ==>
                                hb_nosplit(&hb->root, hb->height - 1, 0, first, end, set);
        loop assigns l, node, base;
        loop variant l;
    */
    for (unsigned l = hb->height - 1u;; l--) {
        unsigned k = SLOT_OF(first, base, l);
        /*@ assert k == (first - base) / hb_span(l) && k < 64; */
        size_t s = base + span_mul(k, l);
        /*@ assert s <= first < s + hb_span(l); */
        /*@ assert s == hb_slot_at(base, k, l); */
        /*@ assert unfold:
                 (hb_nosplit((hb_node_t *)node, l, base, first, end, set) <==>
                  (first == s && end - s == hb_span(l)) ||
                  (node->child[k].node == \null ? (BIT(node->full, (uint8_t)k) <==> set != 0) :
                     (l == 0 || hb_nosplit(node->child[k].node, l - 1, s, first, end, set)))); */
        if (first == s && end - s == SPAN(l))
            return true;
        if (node->child[k].node == 0)
            return slot_is(node, k, set);
        if (l == 0)
            return true;
        node = node->child[k].node;
        base = s;
    }
}

/* Sets or clears [first, first + n): prepare, apply, empty the pool. A
 * range in one leaf's span that splits nothing (most of them) is applied
 * at once: it needs no node from the pool. */
/*@ requires hb != \null ==> \valid(hb) && HB_ALLOCATOR(hb) && HB_READABLE(hb) &&
                             HB_POOL_OK(hb) && HB_WALK_OK(hb);
    // rpool2: range_apply's pfull (no pointer slot FULL, siblings apart)
    requires pfull: hb != \null ==> RPOOL2_PFULL(hb);
    // rlsep2 (round 36): the two spare leaves apart (hbitmap_prepare's)
    requires rlsep2: hb != \null ==> RPART7_LSEP(hb);
    // pupdate: hb's fields, nodes and leaves apart from hb, nothing else
    assigns PUPDATE_WRITES(hb);
    behavior invalid_argument:
      assumes hb == \null || n == 0;
      assigns \nothing;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
      ensures kept: hb != \null ==> prange_kept{Pre,Here}(hb);
    behavior out_of_bounds:
      assumes hb != \null && n != 0 && !HB_IN_RANGE(hb, first, n);
      assigns \nothing;
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
      ensures kept: prange_kept{Pre,Here}(hb);
    behavior in_range:
      assumes hb != \null && HB_IN_RANGE(hb, first, n);
      requires HB_FREE_FITS(hb, n, set);
      // rinv2 (round 32): HB_UPDATE_HDR(hb) in its four parts (as one goal
      // it timed out at 10 s and 40 s: every path's facts are asserted)
      ensures hdr: \result == VMM_OK || \result == VMM_ERR_OUT_OF_MEMORY;
      ensures hdr_al: HB_ALLOCATOR(hb);
      ensures hdr_pool: HB_POOL_OK(hb);
      ensures hdr_h: hb->height == \old(hb->height) && hb->num_entries == \old(hb->num_entries);
      ensures ok: \result == VMM_OK ==> hb->num_spare_nodes == 0 && hb->num_spare_leaves == 0;
      ensures kept: \result != VMM_OK ==> prange_kept{Pre,Here}(hb);
      // rinv / rinv2 (rounds 31, 32): what an OK write keeps for the next one
      // (section rinv of hbitmap.acsl): the root's runs and the (empty) pool
      // on every path; the tree facts (RINV_INV's) on range_apply's recursive
      // path only (the one-leaf paths: leaf_range_at ensures no tree fact).
      ensures rinv_runs: \result == VMM_OK ==> RINV_RUNS(hb);
      ensures rinv_pool: \result == VMM_OK ==> RINV_POOL(hb);
      ensures rinv2_rd: \result == VMM_OK && RINV_WALK(first, first + n) ==> HB_READABLE(hb);
      ensures rinv2_wt: \result == VMM_OK && RINV_WALK(first, first + n) ==>
                hb_wtree(hb, &hb->root, hb->height - 1);
      ensures rinv2_cnt: \result == VMM_OK && RINV_WALK(first, first + n) ==> RINV_CNT(hb);
      ensures rinv2_pfull: \result == VMM_OK && RINV_WALK(first, first + n) ==> RPOOL2_PFULL(hb);
    complete behaviors;
    disjoint behaviors;
*/
static vmm_status_t range_update(hbitmap_t *hb, size_t first, size_t n, bool set)
{
    vmm_status_t st = range_check(hb, first, n);
    if (st != VMM_OK)
        return st;
    size_t end = first + n;
    if (first / LEAF_ENTRIES == (end - 1u) / LEAF_ENTRIES &&
        leaf_range_fits(hb, first, end, set)) {
        leaf_range_apply(hb, first, end, set);
        pool_trim(hb, 0, 0) /*@ ghost (0) */;
        /*@ assert rapply_ok0: hb->num_spare_nodes == 0 && hb->num_spare_leaves == 0; */
        /*@ assert rinv2_hf: HB_ALLOCATOR(hb) && HB_POOL_OK(hb) && hb->height == \at(hb->height, Pre) &&
                             hb->num_entries == \at(hb->num_entries, Pre); */
        return VMM_OK;
    }
    st = hbitmap_prepare(hb, first, n, set);
    if (st != VMM_OK) {
        /*@ assert kept_hdr: prange_hdr{Pre,Here}(hb); */
        /*@ assert kept_root: pkeep_nsame{Pre,Here}(&hb->root); */
        /*@ assert kept_nodes: \forall hb_node_t *m; \separated(m, hb) ==> pkeep_nsame{Pre,Here}(m); */
        /*@ assert kept_leaves: \forall hb_leaf_t *f; \separated(f, hb) ==> pkeep_lsame{Pre,Here}(f); */
        /*@ assert kept: prange_kept{Pre,Here}(hb); */
        /*@ assert rinv2_hk: st == VMM_ERR_OUT_OF_MEMORY && HB_ALLOCATOR(hb) && HB_POOL_OK(hb) &&
                             hb->height == \at(hb->height, Pre) &&
                             hb->num_entries == \at(hb->num_entries, Pre); */
        return st;
    }
    /* rapply (round 40): the spares held at Pre (rl2_on / _onp) and the
     * fresh nodes' separations (rfresh2_a) moved here from before
     * range_apply's call, ahead of the tree frame's ghost chains: in that
     * context rl2_onp timed out at 10 s under load (load-sensitive since
     * round 36). Nothing between here and the call writes memory. */
    /*@ assert rl2_on: \at(hb->num_spare_nodes, Pre) <= hb->num_spare_nodes &&
                       \forall integer i; 0 <= i < \at(hb->num_spare_nodes, Pre) ==>
                       hb->spare_node[i] == \at(hb->spare_node[i], Pre) &&
                       \valid(hb->spare_node[i]) && \separated(hb->spare_node[i], hb); */
    /*@ assert rl2_onp: \forall integer i; 0 <= i < \at(hb->num_spare_nodes, Pre) ==>
                       (\forall integer j; 0 <= j < i ==> \separated(hb->spare_node[i], hb->spare_node[j])) &&
                       (\forall integer j; 0 <= j < \at(hb->num_spare_leaves, Pre) ==>
                          \separated(hb->spare_node[i], hb->spare_leaf[j])); */
    /*@ assert rfresh2_a: RFRESH2_NS(hb, \at(hb->num_spare_nodes, Pre)); */
    /* rapply (round 40): HB_POOL_SPARES at range_apply's call (no tree
     * fact: here, in the small context), per index range, then whole. */
    /*@ assert rapply_ol0: \at(hb->num_spare_leaves, Pre) <= hb->num_spare_leaves &&
                          \forall integer i; 0 <= i < \at(hb->num_spare_leaves, Pre) ==>
                          hb->spare_leaf[i] == \at(hb->spare_leaf[i], Pre) &&
                          \valid(hb->spare_leaf[i]) && \separated(hb->spare_leaf[i], hb); */
    /*@ assert rapply_spn0: \forall integer i; 0 <= i < \at(hb->num_spare_nodes, Pre) ==>
          (\forall integer j; \at(hb->num_spare_leaves, Pre) <= j < hb->num_spare_leaves ==>
             \separated(hb->spare_node[i], hb->spare_leaf[j])); */
    /*@ assert rapply_spn1: \forall integer i; \at(hb->num_spare_nodes, Pre) <= i < hb->num_spare_nodes ==>
          \valid(hb->spare_node[i]); */
    /*@ assert rapply_sv: \forall integer i; 0 <= i < hb->num_spare_nodes ==>
          \valid(hb->spare_node[i]) && \separated(hb->spare_node[i], hb); */
    /*@ assert rapply_snn: \forall integer i; 0 <= i < hb->num_spare_nodes ==>
          \forall integer j; 0 <= j < i ==> \separated(hb->spare_node[i], hb->spare_node[j]); */
    /*@ assert rapply_snl: \forall integer i; 0 <= i < hb->num_spare_nodes ==>
          \forall integer j; 0 <= j < hb->num_spare_leaves ==>
            \separated(hb->spare_node[i], hb->spare_leaf[j]); */
    /*@ assert rapply_spn: \forall integer i; 0 <= i < hb->num_spare_nodes ==>
          \valid(hb->spare_node[i]) && \separated(hb->spare_node[i], hb) &&
          (\forall integer j; 0 <= j < i ==> \separated(hb->spare_node[i], hb->spare_node[j])) &&
          (\forall integer j; 0 <= j < hb->num_spare_leaves ==>
             \separated(hb->spare_node[i], hb->spare_leaf[j])); */
    /*@ assert rapply_spl: \forall integer i; 0 <= i < hb->num_spare_leaves ==>
          \valid(hb->spare_leaf[i]) && \separated(hb->spare_leaf[i], hb); */
    /* prange: hbitmap_prepare wrote the pool only (hb's fields): the tree
     * keeps hb_wtree (pkeep's frame lemmas, proofs/hbitmap-pkeep.acsl, with
     * p = q = the root: pkeep_step chained over the levels below it by a
     * ghost loop, pkeep_top at the root) and hb_tree (prange_tree_s of
     * proofs/hbitmap-prange.acsl, chained likewise). */
    /* rlsep2 (round 36): p_root / p_nodes are instances of hbitmap_prepare's
     * ensures rlsep2_root / _nodes (proved in prepare's small context; here
     * they proved only through the auto-search's split after a 10 s
     * whole-goal timeout, rounds 25 and 34: load-sensitive). */
    /*@ assert p_root: pkeep_nsame{Pre,Here}(&hb->root); */
    /*@ assert p_nodes: \forall hb_node_t *m; \separated(m, hb) ==> pkeep_nsame{Pre,Here}(m); */
    /*@ assert p_leaves: \forall hb_leaf_t *f; \separated(f, hb) ==> pkeep_lsame{Pre,Here}(f); */
    /*@ assert p_valid: (\forall hb_node_t *m; \valid{Pre}(m) ==> \valid(m)) &&
                        (\forall hb_leaf_t *f; \valid{Pre}(f) ==> \valid(f)); */
    /*@ assert p_unch: pkeep_unch{Pre,Here}(hb, &hb->root, &hb->root); */
    /*@ ghost
      /@ loop invariant 0 <= i <= hb->height - 1;
         loop invariant fr: \forall integer i2; 0 <= i2 < i ==>
                              pkeep_fr{Pre,Here}(hb, &hb->root, &hb->root, i2);
         loop assigns i;
         loop variant hb->height - 1 - i;
      @/
      for (unsigned i = 0; i < hb->height - 1u; i++) {
      }
    */
    /*@ assert p_wtree: hb_wtree(hb, &hb->root, hb->height - 1); */
    /*@ assert p_read: (\forall hb_node_t *m; \valid_read{Pre}(m) ==> \valid_read(m)) &&
                       (\forall hb_leaf_t *f; \valid_read{Pre}(f) ==> \valid_read(f)); */
    /*@ ghost
      /@ loop invariant 0 <= i <= hb->height - 1;
         loop invariant tr: \forall integer i2; 0 <= i2 < i ==> prange_tr{Pre,Here}(hb, i2);
         loop assigns i;
         loop variant hb->height - 1 - i;
      @/
      for (unsigned i = 0; i < hb->height - 1u; i++) {
      }
    */
    /*@ assert p_tree: hb_tree(&hb->root, hb->height - 1); */
    /* prange: the node / leaf counts of the tree are as at Pre
     * (proofs/hbitmap-prange.acsl: prange_cnt_k chained over each node's
     * slots, then over the levels; the root last). */
    /*@ ghost
      /@ loop invariant 0 <= i <= hb->height - 1;
         loop invariant cnt: \forall integer i2; 0 <= i2 < i ==> prange_cnt{Pre,Here}(hb, i2);
         loop assigns i;
         loop variant hb->height - 1 - i;
      @/
      for (unsigned i = 0; i < hb->height - 1u; i++) {
        /@ loop invariant 0 <= k <= 64;
           loop invariant \forall hb_node_t *m; \separated(m, hb) && hb_wtree{Pre}(hb, m, i) ==>
                            prange_cnt_at{Pre,Here}(m, i, k);
           loop assigns k;
           loop variant k;
        @/
        for (unsigned k = 64; k > 0; k--) {
        }
      }
    */
    /*@ ghost
      /@ loop invariant 0 <= k <= 64;
         loop invariant prange_cnt_at{Pre,Here}(&hb->root, hb->height - 1, k);
         loop assigns k;
         loop variant k;
      @/
      for (unsigned k = 64; k > 0; k--) {
      }
    */
    /*@ assert p_cnt: prange_cnt_at{Pre,Here}(&hb->root, hb->height - 1, 0); */
    /* rpool: range_apply's pfull (no pointer slot FULL, sibling subtrees
     * apart) at Pre holds here: rpool_u (every node apart from hb keeps its
     * FULL bits and child pointers), the level frames chained by ghost loops
     * (proofs/hbitmap-rpool.acsl), the root last. */
    /*@ assert r_u: rpool_u{Pre,Here}(hb); */
    /*@ assert r_root: rpool_same{Pre,Here}(&hb->root); */
    /*@ ghost
      /@ loop invariant 0 <= i <= hb->height - 1;
         loop invariant sn: \forall integer i2; 0 <= i2 < i ==>
                              rpool_sn{Pre,Here}(hb, i2) && rpool_sl{Pre,Here}(hb, i2) &&
                              rpool_nf{Pre,Here}(hb, i2);
         loop assigns i;
         loop variant hb->height - 1 - i;
      @/
      for (unsigned i = 0; i < hb->height - 1u; i++) {
      }
    */
    /*@ ghost
      /@ loop invariant 0 <= lb <= hb->height - 1;
         loop invariant ap: \forall integer i2; 0 <= i2 < lb ==> rpool_ap1{Pre,Here}(hb, i2, i2);
         loop assigns lb;
         loop variant hb->height - 1 - lb;
      @/
      for (unsigned lb = 0; lb < hb->height - 1u; lb++) {
        /@ assert r_lb: rpool_sn{Pre,Here}(hb, lb) && rpool_sl{Pre,Here}(hb, lb); @/
        /@ loop invariant 0 <= i <= lb + 1;
           loop invariant ap1: \forall integer i2; 0 <= i2 < i ==> rpool_ap1{Pre,Here}(hb, i2, lb);
           loop assigns i;
           loop variant lb + 1 - i;
        @/
        for (unsigned i = 0; i <= lb; i++) {
        }
        /@ assert r_diag: rpool_ap1{Pre,Here}(hb, lb, lb); @/
      }
    */
    /*@ ghost
      /@ loop invariant 0 <= i <= hb->height - 1;
         loop invariant sib: \forall integer i2; 0 <= i2 < i ==> rpool_sib{Pre,Here}(hb, i2);
         loop assigns i;
         loop variant hb->height - 1 - i;
      @/
      for (unsigned i = 0; i < hb->height - 1u; i++) {
        /@ assert r_ap1: i > 0 ==> rpool_ap1{Pre,Here}(hb, i - 1, i - 1); @/
      }
    */
    /*@ assert r_top: hb->height > 1 ==>
                      rpool_nf{Pre,Here}(hb, hb->height - 2) &&
                      rpool_sib{Pre,Here}(hb, hb->height - 2) &&
                      rpool_ap1{Pre,Here}(hb, hb->height - 2, hb->height - 2); */
    /*@ assert r_wt: \at(hb_wtree(hb, &hb->root, hb->height - 1), Pre); */
    /*@ assert r_nf: \at(pfull_nf(&hb->root, hb->height - 1), Pre) ==>
                     pfull_nf(&hb->root, hb->height - 1); */
    /*@ assert r_sib: \at(pfull_sib(&hb->root, hb->height - 1), Pre) ==>
                      pfull_sib(&hb->root, hb->height - 1); */
    /* rleaf2 (round 31): range_apply's HB_POOL_SPARES / HB_POOL_APART for
     * the spares the pool held at Pre (the same pointers: prepare keeps
     * them; the tree apart from them as at Pre: rpool_sn / _sl's chain);
     * the call's requires is then open for the fresh spares only (those
     * at indices >= the Pre counts: no allocator freshness). */
    /*@ assert rl2_rsn: \forall hb_node_t *p; \at(hb_sep_node(&hb->root, hb->height - 1, p), Pre) ==>
                        hb_sep_node(&hb->root, hb->height - 1, p); */
    /*@ assert rl2_rsl: \forall hb_leaf_t *f; \at(hb_sep_leaf(&hb->root, hb->height - 1, f), Pre) ==>
                        hb_sep_leaf(&hb->root, hb->height - 1, f); */
    /*@ assert rl2_ona: \forall integer i; 0 <= i < \at(hb->num_spare_nodes, Pre) ==>
                       hb_sep_node(&hb->root, hb->height - 1, hb->spare_node[i]); */
    /*@ assert rl2_ol: \at(hb->num_spare_leaves, Pre) <= hb->num_spare_leaves &&
                       \forall integer i; 0 <= i < \at(hb->num_spare_leaves, Pre) ==>
                       hb->spare_leaf[i] == \at(hb->spare_leaf[i], Pre) &&
                       \valid(hb->spare_leaf[i]) && \separated(hb->spare_leaf[i], hb) &&
                       hb_sep_leaf(&hb->root, hb->height - 1, hb->spare_leaf[i]); */
    /* rleaf2 (round 31): the rest of range_apply's HB_POOL_SPARES /
     * HB_POOL_APART, the fresh spares' part, stated alone: what an
     * allocator-freshness model must give (OPEN: no such model). */
    /* rfresh (round 34): the fresh spare nodes' validity, now proved
     * (hbitmap_prepare's rfresh_nv: the typed allocation spec); the rest of
     * rl2_fresh (separation, and all of the fresh leaves) stays open. */
    /*@ assert rfresh_nv: \forall integer i; \at(hb->num_spare_nodes, Pre) <= i < hb->num_spare_nodes ==>
                          \valid(hb->spare_node[i]); */
    /* rfresh2 (round 35): rl2_fresh PROVED: hbitmap_prepare's rfresh2_*
     * (pool_fill's, from the trusted adapters node_block / leaf_block) give
     * the fresh spares apart from hb, from each other and from every spare,
     * and from the tree as it was at Pre; rl2_rsn / rl2_rsl carry the last
     * to the tree here. One assert per part, then rl2_fresh as before. */
    /*@ assert rfresh2_b: \forall integer i; \at(hb->num_spare_nodes, Pre) <= i < hb->num_spare_nodes ==>
                          hb_sep_node(&hb->root, hb->height - 1, hb->spare_node[i]); */
    /*@ assert rfresh2_c: RFRESH2_LS(hb, \at(hb->num_spare_leaves, Pre)); */
    /*@ assert rfresh2_d: \forall integer i; \at(hb->num_spare_leaves, Pre) <= i < hb->num_spare_leaves ==>
                          hb_sep_leaf(&hb->root, hb->height - 1, hb->spare_leaf[i]); */
    /* rlsep2 (round 36): range_apply's requires rpart7_lsep (the two spare
     * leaves apart) is hbitmap_prepare's ensures rlsep2 (from this
     * function's requires rlsep2 for a pair held at Pre, from rfresh2_lp for
     * a fresh leaf); rfresh2's assert rfresh2_lsep (the case of at most one
     * leaf held at Pre) is now part of prepare's proof. */
    /* rapply (round 40): rl2_fresh (round 31 / 35) dropped: range_apply's
     * requires_3 is now rapply_spn / _spl / _apn / _apl's conjunction, which
     * read rfresh2_a / _b / _c / _d and rapply_spn0 directly. */
    /* rapply (round 40): range_apply's requires HB_POOL_APART in two parts
     * (HB_POOL_SPARES' two: rapply_spn / _spl, above the tree frame); the
     * call's requires_3 is then their conjunction (as one goal it timed out
     * at 10 s under load). */
    /*@ assert rapply_apn: \forall integer i; 0 <= i < hb->num_spare_nodes ==>
          hb_sep_node(&hb->root, hb->height - 1, hb->spare_node[i]); */
    /*@ assert rapply_apl: \forall integer i; 0 <= i < hb->num_spare_leaves ==>
          hb_sep_leaf(&hb->root, hb->height - 1, hb->spare_leaf[i]); */
    range_apply(hb, first, first + n, set);
    /* rinv2 (round 32): hdr's facts here, before pool_trim's tree frame
     * enters the context (with it, hdr timed out at 40 s). */
    /*@ assert rinv2_h0: HB_ALLOCATOR(hb) && hb->height == \at(hb->height, Pre) &&
                         hb->num_entries == \at(hb->num_entries, Pre); */
    /* rinv2 (round 32): range_apply's tree facts (its recursive path) in
     * the form of pool_trim's premises (the level at the height now). */
    /*@ assert rinv2_ra: RINV_WALK(first, first + n) ==>
                         hb_wtree(hb, &hb->root, hb->height - 1); */
    /*@ assert rinv2_rt: RINV_WALK(first, first + n) ==> hb_tree(&hb->root, hb->height - 1); */
    pool_trim(hb, 0, 0) /*@ ghost (1) */;
    /* rapply (round 40): ensures ok's facts on this path, one a goal (ok
     * over the three exits timed out at 10 s under load). */
    /*@ assert rapply_okl: hb->num_spare_leaves == 0; */
    /*@ assert rapply_okn: hb->num_spare_nodes == 0; */
    /*@ assert rinv2_h1: HB_ALLOCATOR(hb) && HB_POOL_OK(hb) && hb->height == \at(hb->height, Pre) &&
                         hb->num_entries == \at(hb->num_entries, Pre); */
    return VMM_OK;
}

/* Sets [first, first + n) (see hbitmap.h). */
/*@ requires hb != \null ==> \valid(hb) && HB_ALLOCATOR(hb) && HB_READABLE(hb) &&
                             HB_POOL_OK(hb) && HB_WALK_OK(hb);
    // rpool2: range_update's pfull
    requires pfull: hb != \null ==> RPOOL2_PFULL(hb);
    // rlsep2 (round 36): range_update's (kept: the pool is empty after OK,
    // as it was after a failure: ensures ok / kept)
    requires rlsep2: hb != \null ==> RPART7_LSEP(hb);
    // pupdate: range_update's frame
    assigns PUPDATE_WRITES(hb);
    behavior invalid_argument:
      assumes hb == \null || n == 0;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
      ensures kept: hb != \null ==> prange_kept{Pre,Here}(hb);
    behavior out_of_bounds:
      assumes hb != \null && n != 0 && !HB_IN_RANGE(hb, first, n);
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
      ensures kept: prange_kept{Pre,Here}(hb);
    behavior in_range:
      assumes hb != \null && HB_IN_RANGE(hb, first, n);
      requires HB_FREE_FITS(hb, n, 1);
      ensures hdr: HB_UPDATE_HDR(hb);
      ensures ok: \result == VMM_OK ==> hb->num_spare_nodes == 0 && hb->num_spare_leaves == 0;
      ensures kept: \result != VMM_OK ==> prange_kept{Pre,Here}(hb);
      // rinv2 (round 32): range_update's rinv clauses: after OK the root's
      // runs and the empty pool; on range_apply's recursive path (the range
      // spans two leaves) RINV_INV, the invariant the next write requires
      // (but HB_WALK_OK's HB_MAX_STORE bounds): a sequence of such writes.
      ensures rinv_runs: \result == VMM_OK ==> RINV_RUNS(hb);
      ensures rinv_pool: \result == VMM_OK ==> RINV_POOL(hb);
      ensures rinv2_inv: \result == VMM_OK && RINV_WALK(first, first + n) ==> RINV_INV(hb);
      // (and hb still valid: the writers' first requires, for the next call)
      ensures rinv2_valid: \valid(hb);
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t hbitmap_set_range(hbitmap_t *hb, size_t first, size_t n)
{
    return range_update(hb, first, n, true);
}

/* Clears [first, first + n) (see hbitmap.h). */
/*@ requires hb != \null ==> \valid(hb) && HB_ALLOCATOR(hb) && HB_READABLE(hb) &&
                             HB_POOL_OK(hb) && HB_WALK_OK(hb);
    // rpool2: range_update's pfull
    requires pfull: hb != \null ==> RPOOL2_PFULL(hb);
    // rlsep2 (round 36): range_update's (kept: the pool is empty after OK,
    // as it was after a failure: ensures ok / kept)
    requires rlsep2: hb != \null ==> RPART7_LSEP(hb);
    // pupdate: range_update's frame
    assigns PUPDATE_WRITES(hb);
    behavior invalid_argument:
      assumes hb == \null || n == 0;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
      ensures kept: hb != \null ==> prange_kept{Pre,Here}(hb);
    behavior out_of_bounds:
      assumes hb != \null && n != 0 && !HB_IN_RANGE(hb, first, n);
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
      ensures kept: prange_kept{Pre,Here}(hb);
    behavior in_range:
      assumes hb != \null && HB_IN_RANGE(hb, first, n);
      requires HB_FREE_FITS(hb, n, 0);
      ensures hdr: HB_UPDATE_HDR(hb);
      ensures ok: \result == VMM_OK ==> hb->num_spare_nodes == 0 && hb->num_spare_leaves == 0;
      ensures kept: \result != VMM_OK ==> prange_kept{Pre,Here}(hb);
      // rinv2 (round 32): range_update's rinv clauses: after OK the root's
      // runs and the empty pool; on range_apply's recursive path (the range
      // spans two leaves) RINV_INV, the invariant the next write requires
      // (but HB_WALK_OK's HB_MAX_STORE bounds): a sequence of such writes.
      ensures rinv_runs: \result == VMM_OK ==> RINV_RUNS(hb);
      ensures rinv_pool: \result == VMM_OK ==> RINV_POOL(hb);
      ensures rinv2_inv: \result == VMM_OK && RINV_WALK(first, first + n) ==> RINV_INV(hb);
      // (and hb still valid: the writers' first requires, for the next call)
      ensures rinv2_valid: \valid(hb);
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t hbitmap_clear_range(hbitmap_t *hb, size_t first, size_t n)
{
    return range_update(hb, first, n, false);
}

/* hbitmap_find for hbitmap_find_set: the run comes back through run, which
 * is only written (so a caller's &s stays a logic variable for WP: no heap
 * local, no allocation between the caller's requires and its calls). */
/*@ requires hb != \null ==> HB_READABLE(hb) && hb_fit_tree(&hb->root, hb->height - 1);
    requires \valid(run);
    assigns *run;
    ensures args: hb == \null || n == 0 || !IS_POW2(align) ==>
                    \result == VMM_ERR_INVALID_ARGUMENT;
    ensures bounds: hb != \null && n != 0 && IS_POW2(align) && hint > \old(hb->num_entries) ==>
                      \result == VMM_ERR_OUT_OF_BOUNDS;
    ensures too_long: hb != \null && n != 0 && IS_POW2(align) && hint <= \old(hb->num_entries) &&
                        n > \old(hb->num_entries) - hint ==> \result == VMM_ERR_NO_SPACE;
    ensures search: hb != \null && n != 0 && IS_POW2(align) && hint <= \old(hb->num_entries) &&
                      n <= \old(hb->num_entries) - hint ==>
                      \result == VMM_OK || \result == VMM_ERR_NO_SPACE;
    ensures found: \result == VMM_OK ==> hb != \null && \let f = *run;
                     hint <= f && f + n <= \old(hb->num_entries) && (f - hint) % align == 0 &&
                     \old(HB_CLIMB_EXACT ==> hb_none_is(hb, f, f + n, 1));
    ensures lowest: \result == VMM_OK ==> \let f = *run;
                      \old(HB_CLIMB_EXACT ==> plow_anofit(hb, hint, align, f, n));
    ensures none: \result == VMM_ERR_NO_SPACE ==>
                    \old(HB_CLIMB_EXACT ==> plow_anofit(hb, hint, align, hb->num_entries, n));
*/
static inline vmm_status_t find_run(const hbitmap_t *hb, size_t n, size_t align, size_t hint,
                                    size_t *run)
{
    size_t s;
    /*@ assert pu_read: (\forall hb_node_t *m; \valid_read{Pre}(m) ==> \valid_read(m)) &&
                        (\forall hb_leaf_t *f; \valid_read{Pre}(f) ==> \valid_read(f)); */
    /*@ ghost
      if (hb != 0) {
      /@ loop invariant 0 <= i <= hb->height - 1;
         loop invariant fit: \forall integer i2; 0 <= i2 < i ==>
                  (\forall hb_node_t *m; hb_fit_tree{Pre}(m, i2) ==> hb_fit_tree(m, i2));
         loop invariant tree: \forall integer i2; 0 <= i2 < i ==>
                  (\forall hb_node_t *m; hb_tree{Pre}(m, i2) ==> hb_tree(m, i2));
         loop assigns i;
         loop variant hb->height - 1 - i;
      @/
      for (unsigned i = 0; i < hb->height - 1u; i++) {
      }
      }
    */
    vmm_status_t st = hbitmap_find(hb, n, align, hint, &s);
    if (st == VMM_OK)
        *run = s;
    return st;
}

/* rinv3 (round 33): hbitmap_find_set's store *first = v as a step whose
 * contract states the tree kept: first is apart from every valid node and
 * leaf, so each is unchanged (rinv3_u), and hb_wtree / pfull_nf follow
 * level by level (proofs/hbitmap-rinv3.acsl's lemmas, a ghost loop), the
 * root last. In find_set's body the chain's quantified facts made its
 * ensures ok time out; here they are proved alone. hb is a ghost
 * parameter (the C store needs none). */
/*@ requires \valid(first) && \valid(hb) && \separated(first, hb);
    requires (\forall hb_node_t *m; \valid(m) ==> \separated(first, m)) &&
             (\forall hb_leaf_t *f; \valid(f) ==> \separated(first, f));
    assigns *first;
    ensures *first == v;
    // hb's facts find_set's ensures read, each kept (as \old(P) ==> P: its
    // goals are then instances; with a frame such as prange_hdr instead,
    // its ok / ok_al / rinv_pool timed out at 10 s by turns)
    ensures rinv3_h: hb->height == \old(hb->height) && hb->num_entries == \old(hb->num_entries);
    ensures rinv3_k1: \old(hb->num_spare_nodes == 0 && hb->num_spare_leaves == 0) ==>
              hb->num_spare_nodes == 0 && hb->num_spare_leaves == 0;
    ensures rinv3_k2: \old(HB_ALLOCATOR(hb) && HB_POOL_OK(hb)) ==> HB_ALLOCATOR(hb) && HB_POOL_OK(hb);
    ensures rinv3_k3: \old(hb->num_spare_nodes == 0 && hb->num_spare_leaves == 0) ==> RINV_POOL(hb);
    ensures rinv3_k4: \old(RINV_RUNS(hb)) ==> RINV_RUNS(hb);
    ensures rinv3_k5: \old(HB_READABLE(hb) && RINV_CNT(hb) && pfull_sib(&hb->root, hb->height - 1)) ==>
              HB_READABLE(hb) && RINV_CNT(hb) && pfull_sib(&hb->root, hb->height - 1);
    ensures rinv3_wt: \old(1 <= hb->height <= 8 && hb_wtree(hb, &hb->root, hb->height - 1)) ==>
              hb_wtree(hb, &hb->root, hb->height - 1);
    ensures rinv3_nf: \old(1 <= hb->height <= 8 && hb_wtree(hb, &hb->root, hb->height - 1) &&
              pfull_nf(&hb->root, hb->height - 1)) ==> pfull_nf(&hb->root, hb->height - 1);
*/
static inline void first_store(size_t *first, size_t v) /*@ ghost (hbitmap_t *hb) */
{
    *first = v;
    /*@ assert rinv3_un: \forall hb_node_t *m; \valid{Pre}(m) ==> \valid(m) && pkeep_nsame{Pre, Here}(m); */
    /*@ assert rinv3_ul: \forall hb_leaf_t *f; \valid{Pre}(f) ==> \valid(f) && pkeep_lsame{Pre, Here}(f); */
    /*@ assert rinv3_u: RINV3_UNCH(Pre, Here, hb); */
    /*@ ghost
      /@ loop invariant 0 <= i <= 8;
         loop invariant fr: \forall integer i2; 0 <= i2 < i ==>
                              RINV3_FR(Pre, Here, hb, i2) && RINV3_NFR(Pre, Here, hb, i2);
         loop assigns i;
         loop variant 8 - i;
      @/
      for (unsigned i = 0; i < 8; i++) {
      }
    */
}

/* Finds the lowest aligned free run and sets it (see hbitmap.h). */
/*@ requires hb != \null ==> \valid(hb) && HB_ALLOCATOR(hb) && HB_READABLE(hb) &&
               HB_POOL_OK(hb) && HB_WALK_OK(hb) && hb_fit_tree(&hb->root, hb->height - 1) &&
               hb_runs_exact(&hb->root, hb->height - 1) && HB_PCOUNT_OK(hb);
    // rpool2: set_range's pfull
    requires pfull: hb != \null ==> RPOOL2_PFULL(hb);
    requires hb != \null && first != \null ==> \valid(first) && \separated(first, hb);
    // rinv3 (round 33): first is apart from every valid node and leaf (the
    // tree's, also those the prepare allocates: no allocates clause, so
    // the allocation is the same after set_range), so the store *first =
    // found keeps the tree (rinv3_wt / _nf below; proofs/hbitmap-rinv3.acsl).
    // A caller's size_t variable is such a first (too small a block to
    // hold a node or leaf).
    requires rinv3_fa: hb != \null && first != \null ==>
               (\forall hb_node_t *m; \valid(m) ==> \separated(first, m)) &&
               (\forall hb_leaf_t *f; \valid(f) ==> \separated(first, f));
    // rlsep2 (round 36): set_range's (kept as there: ensures ok / failed)
    requires rlsep2: hb != \null ==> RPART7_LSEP(hb);
    // pupdate: *first and set_range's frame
    assigns *first, PUPDATE_WRITES(hb);
    behavior invalid_argument:
      assumes hb == \null || n == 0 || !IS_POW2(align) || first == \null;
      assigns \nothing;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
    behavior out_of_bounds:
      assumes hb != \null && n != 0 && IS_POW2(align) && first != \null;
      assumes hint > hb->num_entries;
      assigns \nothing;
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
    behavior too_long:
      assumes hb != \null && n != 0 && IS_POW2(align) && first != \null;
      assumes hint <= hb->num_entries && n > hb->num_entries - hint;
      assigns \nothing;
      ensures \result == VMM_ERR_NO_SPACE;
    behavior search:
      assumes hb != \null && n != 0 && IS_POW2(align) && first != \null;
      assumes hint <= hb->num_entries && n <= hb->num_entries - hint;
      ensures \result == VMM_OK || \result == VMM_ERR_NO_SPACE || \result == VMM_ERR_OUT_OF_MEMORY;
      // rinv3 (round 33): HB_UPDATE_HDR(hb) && the empty pool in three parts
      // (as one goal it timed out at 10 s once the store became the call
      // first_store; its split script selects the store's form)
      ensures ok: \result == VMM_OK ==> hb->num_spare_nodes == 0 && hb->num_spare_leaves == 0;
      ensures ok_al: \result == VMM_OK ==> HB_ALLOCATOR(hb) && HB_POOL_OK(hb);
      ensures ok_h: \result == VMM_OK ==> hb->height == \old(hb->height);
      ensures ok_n: \result == VMM_OK ==> hb->num_entries == \old(hb->num_entries);
      ensures found: \result == VMM_OK ==> \let f = *first;
                hint <= f && f + n <= \old(hb->num_entries) && (f - hint) % align == 0 &&
                \at(hb_none_is(hb, f, f + n, 1), Pre);
      // pupdate: the LOWEST such start (hbitmap_find's lowest), and NO_SPACE
      // means no aligned start from hint fits (its none)
      ensures lowest: \result == VMM_OK ==> \let f = *first;
                \at(plow_anofit(hb, hint, align, f, n), Pre);
      ensures none: \result == VMM_ERR_NO_SPACE ==>
                \at(plow_anofit(hb, hint, align, hb->num_entries, n), Pre);
      ensures failed: \result != VMM_OK ==> prange_kept{Pre,Here}(hb);
      // rinv2 (round 32): set_range's root runs and empty pool (hb's own
      // words: *first is apart from hb). Its RINV_INV is NOT stated: the
      // store *first = found may hit a node or leaf (first is only apart
      // from hb), and carrying the tree facts across it needs a requires
      // (first apart from every valid node / leaf) and a frame chain.
      ensures rinv_runs: \result == VMM_OK ==> RINV_RUNS(hb);
      ensures rinv_pool: \result == VMM_OK ==> RINV_POOL(hb);
      // rinv3 (round 33): the part of set_range's RINV_INV that reads no
      // integer word of the tree (*first = found writes one, in the words'
      // memory: the pointers, validity and separation are untouched): the
      // tree readable, the counts, the siblings apart. hb_wtree / pfull_nf
      // (slot runs, FULL bits) stay open: they need first apart from every
      // node and leaf, also those the prepare allocates (RESULTS "Round 33
      // (rinv3)").
      ensures rinv3_rd: \result == VMM_OK && RINV_WALK(*first, *first + n) ==> HB_READABLE(hb);
      ensures rinv3_cnt: \result == VMM_OK && RINV_WALK(*first, *first + n) ==> RINV_CNT(hb);
      ensures rinv3_sib: \result == VMM_OK && RINV_WALK(*first, *first + n) ==>
                pfull_sib(&hb->root, hb->height - 1);
      ensures rinv3_wt: \result == VMM_OK && RINV_WALK(*first, *first + n) ==>
                hb_wtree(hb, &hb->root, hb->height - 1);
      ensures rinv3_nf: \result == VMM_OK && RINV_WALK(*first, *first + n) ==>
                pfull_nf(&hb->root, hb->height - 1);
      // (the parts above as one clause: set_range's rinv2_inv, for the next call)
      ensures rinv3_inv: \result == VMM_OK && RINV_WALK(*first, *first + n) ==> RINV_INV(hb);
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t hbitmap_find_set(hbitmap_t *hb, size_t n, size_t align, size_t hint,
                              size_t *first)
{
    size_t s;
    if (first == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    vmm_status_t st = find_run(hb, n, align, hint, &s);
    if (st != VMM_OK)
        return st;
    /*@ ghost lemma_pcount_run(hb, s, s + n, hb->num_entries); */
    size_t found = s; /* not address-taken: no call can change it */
    st = hbitmap_set_range(hb, found, n);
    if (st != VMM_OK)
        return st;
    first_store(first, found) /*@ ghost (hb) */;
    return VMM_OK;
}

/* ---- structural checks ---- */

/* Returns true when the summary of slot k of node (level l, first entry s)
 * matches the child and the slot respects the canonical form and the
 * padding rule (nothing used at or above num_entries). */
/*@ requires \valid_read(hb) && l < HBITMAP_MAX_HEIGHT && k < 64;
    requires hb_tree(node, l) && s <= HBITMAP_MAX_ENTRIES;
    requires l > 0 && node->child[k].node != \null ==>
               \forall integer j; 0 <= j < 64 ==> node->child[k].node->pre[j] <= hb_span(l - 1) &&
                 node->child[k].node->suf[j] <= hb_span(l - 1) &&
                 node->child[k].node->max[j] <= hb_span(l - 1);
    assigns \nothing;
    ensures flags: \result != 0 ==> !(node->child[k].node != \null && BIT(node->full, k));
    ensures uniform: \result != 0 && node->child[k].node == \null ==>
              node->pre[k] == node->suf[k] == node->max[k] == (BIT(node->full, k) ? 0 : hb_span(l));
    ensures padding: \result != 0 && node->child[k].node == \null && BIT(node->full, k) ==>
              s + hb_span(l) <= hb->num_entries;
    ensures leaf: \result != 0 && node->child[k].node != \null && l == 0 ==>
              s < hb->num_entries &&
              LEAF_PRE_IS(node->child[k].leaf, 0, 4096, node->pre[k]) &&
              LEAF_SUF_IS(node->child[k].leaf, 0, 4096, node->suf[k]) &&
              (hb->num_entries - s < 4096 ==>
                 LEAF_FREE(node->child[k].leaf, hb->num_entries - s, 4096));
*/
static bool slot_ok(const hbitmap_t *hb, const hb_node_t *node, unsigned k, unsigned l, size_t s)
{
    hb_runs_t r;
    bool ptr = node->child[k].node != 0;
    bool full = (node->full & SLOT_BIT(k)) != 0;
    if (ptr && full)
        return false;
    if (!ptr) {
        if (full && s + SPAN(l) > hb->num_entries)
            return false; /* FULL over padding */
        r = uniform_runs(full, l);
    } else {
        if (s >= hb->num_entries)
            return false; /* a node entirely in the padding */
        r = l == 0 ? leaf_runs(node->child[k].leaf) : node_runs(node->child[k].node, l);
        if (r.max == 0 || r.pre == SPAN(l))
            return false; /* uniform node not merged */
        if (l == 0 && !groups_ok(node->child[k].leaf))
            return false; /* group runs not those of the words */
        if (l == 0 && hb->num_entries - s < LEAF_ENTRIES &&
            leaf_scan(node->child[k].leaf, hb->num_entries - s, LEAF_ENTRIES, true) !=
                LEAF_ENTRIES)
            return false; /* used padding */
    }
    return node->pre[k] == r.pre && node->suf[k] == r.suf && node->max[k] == r.max;
}

/* Returns true when the runs of group g of node are unknown (GROUP_STALE:
 * recomputed from the slots when needed) or are gr, its slots' runs. */
/*@ requires \valid_read(node) && g < 8;
    assigns \nothing;
*/
static bool group_runs_ok(const hb_node_t *node, unsigned g, hb_runs_t gr)
{
    return node->gmax[g] == GROUP_STALE ||
           (node->gpre[g] == gr.pre && node->gsuf[g] == gr.suf && node->gmax[g] == gr.max);
}

/* Returns true when slot j of node, of summary s (span cs; slots [0, some)
 * start below num_entries), respects the flags and the padding rule: its
 * summary fits the slot, a pointer slot is not FULL nor in the padding, a
 * uniform slot's summary is its flag's (a pointer slot's child is not read). */
/*@ requires \valid_read(node) && j < 64;
    requires s.pre == node->pre[j] && s.suf == node->suf[j] && s.max == node->max[j];
    assigns \nothing;
    ensures \result != 0 ==> HB_SLOT_FLAGS_OK(node, j, cs);
*/
static bool slot_flags_ok(const hb_node_t *node, unsigned j, hb_runs_t s, size_t cs,
                          unsigned some)
{
    bool full = (node->full & SLOT_BIT(j)) != 0;
    if (s.pre > cs || s.suf > cs || s.max > cs)
        return false; /* a summary larger than its slot */
    if (node->child[j].node != 0)
        return !full && j < some; /* FULL pointer slot, node in the padding */
    size_t v = full ? 0 : cs;
    return s.pre == v && s.suf == v && s.max == v; /* uniform summary */
}

/* Returns true when every slot of node (its slots of level l, first entry
 * base) passes slot_flags_ok and every known group run is its slots' runs;
 * stores in *runs the node's runs from its slots' summaries (what node_runs
 * computes), in the same pass. */
/*@ requires \valid_read(hb) && \valid_read(node) && \valid(runs) && l < HBITMAP_MAX_HEIGHT;
    requires \separated(runs, node) && \separated(runs, hb);
    assigns *runs;
    ensures \result != 0 ==> RUNS_OK(*runs, 64 * hb_span(l));
    ensures \result != 0 ==> \forall integer j; 0 <= j < 64 ==>
              HB_SLOT_FLAGS_OK(node, j, hb_span(l));
*/
static bool node_slots_ok(const hbitmap_t *hb, const hb_node_t *node, unsigned l, size_t base,
                          hb_runs_t *runs)
{
    size_t cs = SPAN(l);
    /*@ assert cs == hb_span(l) && cs <= 18014398509481984; */
    size_t gs = cs * HBITMAP_GROUP_SLOTS;
    hb_runs_t r = {0, 0, 0};
    /* slots [0, whole) end at or below num_entries, [0, some) start below */
    size_t below = hb->num_entries > base ? hb->num_entries - base : 0;
    unsigned whole = (unsigned)MIN(below >> SHIFT(l), HBITMAP_FANOUT);
    unsigned some = whole < HBITMAP_FANOUT && (below & (cs - 1u)) != 0 ? whole + 1u : whole;
    if (whole < HBITMAP_FANOUT && (node->full >> whole) != 0)
        return false; /* FULL over padding */
    /*@ assert cs == hb_span(l) && cs <= 18014398509481984 && gs == 8 * cs; */
    /*@ loop invariant 0 <= g <= 8 && RUNS_OK(r, gs * g) && gs * g <= 64 * 18014398509481984;
        loop invariant \forall integer h; 0 <= h < 8 * g ==> HB_SLOT_FLAGS_OK(node, h, cs);
        loop assigns g, r;
        loop variant 8 - g;
    */
    for (unsigned g = 0; g < HBITMAP_NODE_GROUPS; g++) {
        hb_runs_t gr = {0, 0, 0};
        /*@ loop invariant 0 <= i <= 8 && RUNS_OK(gr, cs * i) && cs * i <= 8 * 18014398509481984;
            loop invariant \forall integer h; 0 <= h < 8 * g + i ==> HB_SLOT_FLAGS_OK(node, h, cs);
            loop assigns i, gr;
            loop variant 8 - i;
        */
        for (unsigned i = 0; i < HBITMAP_GROUP_SLOTS; i++) {
            unsigned j = g * HBITMAP_GROUP_SLOTS + i;
            hb_runs_t s = {node->pre[j], node->suf[j], node->max[j]};
            if (!slot_flags_ok(node, j, s, cs, some))
                return false;
            /*@ ghost lemma_hb_mul_mono(i + 1u, 8u, cs); */
            /*@ assert cs * i + cs == cs * (i + 1); */
            gr = runs_cat(gr, cs * i, s, cs);
        }
        if (!group_runs_ok(node, g, gr))
            return false; /* group runs known but not those of the slots */
        r = runs_cat(r, gs * g, gr, gs);
    }
    *runs = r;
    return true;
}

/* Returns true when runs r of the node in pointer slot k of up (level l)
 * are that slot's summary and not uniform (a uniform node is merged). */
/*@ requires \valid_read(up) && k < 64 && l <= HBITMAP_MAX_HEIGHT;
    assigns \nothing;
    ensures \result != 0 <==> (r.max != 0 && r.pre != hb_span(l) && up->pre[k] == r.pre &&
                               up->suf[k] == r.suf && up->max[k] == r.max);
*/
static bool child_runs_ok(const hb_node_t *up, unsigned k, unsigned l, hb_runs_t r)
{
    return r.max != 0 && r.pre != SPAN(l) && up->pre[k] == r.pre && up->suf[k] == r.suf &&
           up->max[k] == r.max;
}

/* Checks the path from the root to entry i (see hbitmap.h): every slot of
 * its nodes, each node's runs against its slot's summary above, the leaf.
 * A node or leaf also on the path to entry done (checked already: the
 * other end of a range; NONE for none) is not checked again: the paths
 * share the nodes whose span holds both entries. */
/*@ requires HB_READABLE(hb) && i < hb->num_entries;
    assigns \nothing;
*/
static bool path_ok(const hbitmap_t *hb, size_t i, size_t done)
{
    const hb_node_t *node = &hb->root, *up = 0;
    size_t base = 0;
    unsigned uk = 0;
    /*@ loop invariant 0 <= l < hb->height;
        loop invariant hb_tree(node, l);
        loop invariant base <= i < base + 64 * hb_span(l);
        loop invariant up != \null ==> \valid_read(up) && uk < 64;
        loop assigns l, node, base, up, uk;
        loop variant l;
    */
    for (unsigned l = hb->height - 1u;; l--) {
        if ((i ^ done) >> SHIFT(l + 1u) != 0) { /* not on done's path */
            hb_runs_t r;
            if (!node_slots_ok(hb, node, l, base, &r))
                return false;
            if (up != 0 && !child_runs_ok(up, uk, l + 1u, r))
                return false; /* uniform node not merged, summary wrong */
        }
        unsigned k = SLOT_OF(i, base, l);
        /*@ assert k == (i - base) / hb_span(l) && k < 64; */
        size_t s = base + span_mul(k, l);
        /*@ assert s <= i < s + hb_span(l); */
        if (node->child[k].node == 0)
            return true;
        if (l == 0)
            return (i ^ done) >> HBITMAP_LEAF_SHIFT == 0 || slot_ok(hb, node, k, 0, s);
        up = node;
        uk = k;
        base = s;
        node = node->child[k].node;
    }
}

/* Checks the paths from the root to first and to first + n - 1 (see
 * hbitmap.h); the nodes they share once. */
/*@ requires hb != \null ==> HB_READABLE(hb);
    assigns \nothing;
    ensures \result != 0 ==> hb != \null && n != 0 && first < hb->num_entries &&
                             n <= hb->num_entries - first;
*/
bool hbitmap_check_range(const hbitmap_t *hb, size_t first, size_t n)
{
    return range_ok(hb, first, n) && path_ok(hb, first, NONE) &&
           path_ok(hb, first + n - 1u, first);
}

/* Checks the path from the root to entry i (see hbitmap.h). */
/*@ requires hb != \null ==> HB_READABLE(hb);
    assigns \nothing;
    ensures \result != 0 ==> hb != \null && i < hb->num_entries;
*/
bool hbitmap_check_at(const hbitmap_t *hb, size_t i)
{
    return hbitmap_check_range(hb, i, 1);
}

/* Checks the whole tree (see hbitmap.h); walks with an explicit stack. Each
 * node's slots and runs in one pass when it is entered (node_slots_ok), each
 * leaf by slot_ok. */
/*@ requires hb != \null ==> HB_READABLE(hb);
    assigns \nothing;
    ensures \result != 0 ==> hb != \null && hb->num_spare_nodes == 0 &&
                             hb->num_spare_leaves == 0 && hb->num_free <= hb->num_entries;
    ensures root: \result != 0 ==> \let node = &hb->root; \forall integer j; 0 <= j < 64 ==>
              HB_SLOT_FLAGS_OK(node, j, hb_span(hb->height - 1));
*/
bool hbitmap_check(const hbitmap_t *hb)
{
    if (hb == 0)
        return false;
    if (hb->num_spare_nodes != 0 || hb->num_spare_leaves != 0 ||
        hb->num_free > hb->num_entries)
        return false;
    const hb_node_t *stack[HBITMAP_MAX_HEIGHT];
    unsigned next[HBITMAP_MAX_HEIGHT];
    size_t base[HBITMAP_MAX_HEIGHT];
    size_t used = 0, nodes = 0, leaves = 0;
    unsigned d = 0;
    hb_runs_t r;
    stack[0] = &hb->root;
    next[0] = 0;
    base[0] = 0;
    if (!node_slots_ok(hb, &hb->root, hb->height - 1u, 0, &r))
        return false;
    /* Frame i (stack[i], slots of level HB_SCAN_LVL(i)) starts at entry
     * base[i]; frame i + 1 starts at slot next[i] of frame i; the walk has
     * passed the entries before HB_CHECK_AT(d), and counted at most those
     * in used and (one leaf: 4096) in leaves. Variant: round 14 pscan's, a
     * frame done at next == 64 (a scan moves HB_CHECK_AT(d) a span on, a
     * push keeps it and lowers 8 - d, a pop keeps it and lowers 10 + d). */
    /*@ loop invariant d < hb->height;
        loop invariant frames: HB_CHECK_FRAMES(d);
        loop invariant links: \forall integer i; 0 <= i < d ==> HB_CHECK_LINK(i);
        loop invariant counts: HB_CHECK_COUNTS(d);
        loop assigns d, used, nodes, leaves, r, stack[0 .. HBITMAP_MAX_HEIGHT - 1],
                     next[0 .. HBITMAP_MAX_HEIGHT - 1], base[0 .. HBITMAP_MAX_HEIGHT - 1];
        loop variant HB_CHECK_VARIANT(d);
    */
    for (;;) {
        const hb_node_t *n = stack[d];
        unsigned l = hb->height - 1u - d; /* level of n's slots */
        unsigned k = next[d];
        /*@ ghost lemma_hb_slot_at_le(base[d], k, l); */
        /*@ assert pos: HB_CHECK_VARIANT(d) >= 0; */
        if (k == HBITMAP_FANOUT) {
            if (d == 0)
                break;
            d--;
            next[d]++;
            /*@ assert pop: HB_CHECK_INV(d) && HB_CHECK_DOWN(d); */
            continue;
        }
        /*@ assert HB_CHECK_AT(d) + hb_span(l) <= 64 * hb_span(hb->height - 1) <= HBITMAP_MAX_ENTRIES; */
        size_t s = base[d] + span_mul(k, l);
        /*@ assert s == HB_CHECK_AT(d); */
        if (n->child[k].node == 0) {
            if ((n->full & SLOT_BIT(k)) != 0)
                used += SPAN(l);
            next[d]++;
            /*@ assert scan: HB_CHECK_INV(d) && HB_CHECK_DOWN(d); */
        } else if (l == 0) {
            if (!slot_ok(hb, n, k, 0, s))
                return false;
            used += leaf_used(n->child[k].leaf);
            leaves++;
            next[d]++;
            /*@ assert leaf: HB_CHECK_INV(d) && HB_CHECK_DOWN(d); */
        } else {
            const hb_node_t *c = n->child[k].node;
            if (!node_slots_ok(hb, c, l - 1u, s, &r) || !child_runs_ok(n, k, l, r))
                return false;
            if (nodes == hb->nodes)
                return false; /* more nodes than hb->nodes: the counts differ */
            nodes++;
            d++;
            stack[d] = c;
            next[d] = 0;
            base[d] = s;
            /*@ assert kept: \forall integer i; 0 <= i < d - 1 ==> HB_CHECK_LINK(i); */
            /*@ assert top: \forall integer i; 0 <= i < d && !(i < d - 1) ==> HB_CHECK_LINK(i); */
            /*@ assert push: HB_CHECK_INV(d) && HB_CHECK_DOWN(d); */
        }
    }
    return nodes == hb->nodes && leaves == hb->leaves && used == hb->num_entries - hb->num_free;
}
