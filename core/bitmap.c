/*
 * bitmap.c - word-at-a-time bitmap (see bitmap.h for the API).
 *
 * Scans move a whole word at a time: words with nothing to find are skipped,
 * and the bit inside a word is found with a branchy count-trailing-zeros.
 * Range updates write whole words where a word goes from all-clear to
 * all-set (or back) and fall back to single bits elsewhere.
 *
 * The ACSL contracts above each definition are proved by Frama-C/WP
 * (proofs/prove.sh); the predicates they use (valid_bitmap, entry_set, count,
 * BIT ...) live in proofs/bitmap.acsl, which only the prover includes.
 */
#include "bitmap.h"

#define WORD_INDEX(i) ((i) / BITMAP_WORD_BITS)
#define BIT_INDEX(i) ((i) % BITMAP_WORD_BITS)
#define BIT_MASK(i) ((uint64_t)1 << BIT_INDEX(i))
#define ALL_ONES (~(uint64_t)0)
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1u)) == 0)
/* Largest entry count: keeps every word offset (w * 64 + 63) in a size_t. */
#define MAX_ENTRIES (SIZE_MAX - (BITMAP_WORD_BITS - 1u))
/* find_run's "no run": never a start, since starts are below MAX_ENTRIES. */
#define NO_RUN SIZE_MAX

/* Returns the index of the lowest set bit of x at or above bit start, or 64
 * when there is none. Scans skip words without a hit before calling, so this
 * runs on words with a hit (a bit loop rather than __builtin_ctzll: every
 * step is provable). */
/*@ requires start <= 64;
    assigns \nothing;
    ensures start <= \result <= 64;
    ensures \forall integer k; start <= k < \result ==> !BIT(x, k);
    ensures \result < 64 ==> BIT(x, \result);
*/
static size_t lowest_one(uint64_t x, size_t start)
{
    size_t n = start;
    /*@ loop invariant start <= n <= 64;
        loop invariant \forall integer k; start <= k < n ==> !BIT(x, k);
        loop assigns n;
        loop variant 64 - n;
    */
    while (n < BITMAP_WORD_BITS && (x & BIT_MASK(n)) == 0)
        n++;
    return n;
}

/* Stores value into word w, which gains n set bits, and lowers num_free by
 * n. The caller proves the bit count (wcount) and the tail. */
/*@ requires WRITABLE_BITMAP(bm);
    requires w < bm->num_words;
    requires TAIL_OK(bm, w, value);
    requires wcount(value, 64) == wcount(bm->words[w], 64) + n;
    assigns bm->words[w], bm->num_free;
    ensures WRITABLE_BITMAP(bm);
    ensures bm->words[w] == value;
    ensures bm->num_free == \old(bm->num_free) - n;
*/
static void word_raise(bitmap_t *bm, size_t w, uint64_t value, size_t n)
{
    /*@ ghost uint64_t *ws = bm->words; size_t nw = bm->num_words; */
    /*@ ghost lemma_count_bound(ws, nw, bm->num_entries, w, value); */
    bm->num_free -= n;
    bm->words[w] = value;
    /*@ ghost
      /@ loop invariant 0 <= j <= nw;
         loop invariant count(ws, j) == count{Pre}(ws, j) + (w < j ? n : 0);
         loop assigns j;
         loop variant nw - j;
      @/
      for (size_t j = 0; j < nw; j++) {
      }
    */
}

/* Stores value into word w, which loses n set bits, and raises num_free by
 * n. The caller proves the bit count (wcount) and the tail. */
/*@ requires WRITABLE_BITMAP(bm);
    requires w < bm->num_words;
    requires TAIL_OK(bm, w, value);
    requires wcount(value, 64) + n == wcount(bm->words[w], 64);
    assigns bm->words[w], bm->num_free;
    ensures WRITABLE_BITMAP(bm);
    ensures bm->words[w] == value;
    ensures bm->num_free == \old(bm->num_free) + n;
*/
static void word_lower(bitmap_t *bm, size_t w, uint64_t value, size_t n)
{
    /*@ ghost uint64_t *ws = bm->words; size_t nw = bm->num_words; */
    /*@ ghost lemma_count_bound(ws, nw, bm->num_entries, w, value); */
    bm->num_free += n;
    bm->words[w] = value;
    /*@ ghost
      /@ loop invariant 0 <= j <= nw;
         loop invariant count(ws, j) + (w < j ? n : 0) == count{Pre}(ws, j);
         loop assigns j;
         loop variant nw - j;
      @/
      for (size_t j = 0; j < nw; j++) {
      }
    */
}

/* Sets entry i (nothing to do when it is already set). */
/*@ requires WRITABLE_BITMAP(bm);
    requires i < bm->num_entries;
    assigns bm->words[i / 64], bm->num_free;
    ensures WRITABLE_BITMAP(bm);
    ensures ENTRY_SET(bm->words, i);
    ensures SAME_OUTSIDE(Pre, bm, i, i + 1);
*/
static void set_one(bitmap_t *bm, size_t i)
{
    size_t w = WORD_INDEX(i);
    uint64_t old = bm->words[w];
    if ((old & BIT_MASK(i)) == 0) {
        /*@ ghost lemma_wcount_set_bit(old, BIT_INDEX(i)); */
        word_raise(bm, w, old | BIT_MASK(i), 1);
    }
}

/* Clears entry i (nothing to do when it is already clear). */
/*@ requires WRITABLE_BITMAP(bm);
    requires i < bm->num_entries;
    assigns bm->words[i / 64], bm->num_free;
    ensures WRITABLE_BITMAP(bm);
    ensures !ENTRY_SET(bm->words, i);
    ensures SAME_OUTSIDE(Pre, bm, i, i + 1);
*/
static void clear_one(bitmap_t *bm, size_t i)
{
    size_t w = WORD_INDEX(i);
    uint64_t old = bm->words[w];
    if ((old & BIT_MASK(i)) != 0) {
        /*@ ghost lemma_wcount_clear_bit(old, BIT_INDEX(i)); */
        word_lower(bm, w, old & ~BIT_MASK(i), 1);
    }
}

/* Sets every entry of [first, end): a whole clear word at once, a whole set
 * word is skipped, anything else bit by bit. */
/*@ requires WRITABLE_BITMAP(bm);
    requires first < end <= bm->num_entries;
    assigns bm->words[first / 64 .. (end - 1) / 64], bm->num_free;
    ensures WRITABLE_BITMAP(bm);
    ensures ALL_SET(bm->words, first, end - first);
    ensures SAME_OUTSIDE(Pre, bm, first, end);
*/
static void range_set(bitmap_t *bm, size_t first, size_t end)
{
    /*@ ghost uint64_t *ws = bm->words; */
    size_t i = first;
    /*@ loop invariant first <= i <= end;
        loop invariant WRITABLE_BITMAP(bm) && bm->words == ws;
        loop invariant ALL_SET(ws, first, i - first);
        loop invariant SAME_OUTSIDE(Pre, bm, first, i);
        loop assigns i, ws[first / 64 .. (end - 1) / 64], bm->num_free;
        loop variant end - i;
    */
    while (i < end) {
        size_t w = WORD_INDEX(i);
        bool whole = BIT_INDEX(i) == 0 && end - i >= BITMAP_WORD_BITS;
        /*@ assert whole ==> \forall integer j; i <= j < i + 64 ==>
                     j / 64 == w && j % 64 == j - i; */
        if (whole && bm->words[w] == ALL_ONES) {
            /*@ assert ALL_SET(ws, i, 64); */
            i += BITMAP_WORD_BITS;
        } else if (whole && bm->words[w] == 0) {
            /*@ ghost lemma_wcount_extremes(); */
            /*@ assert rs_zero: wcount(bm->words[w], 64) == 0; */
            /*@ assert rs_word: i == 64 * w && 64 * w + 64 <= bm->num_entries; */
            /*@ assert rs_tail: w < bm->num_words - 1 || bm->num_entries == 64 * w + 64; */
            word_raise(bm, w, ALL_ONES, BITMAP_WORD_BITS);
            /*@ assert rs_set: ALL_SET(ws, i, 64); */
            i += BITMAP_WORD_BITS;
        } else {
            set_one(bm, i);
            i++;
        }
    }
}

/* Clears every entry of [first, end): a whole set word at once, a whole
 * clear word is skipped, anything else bit by bit. */
/*@ requires WRITABLE_BITMAP(bm);
    requires first < end <= bm->num_entries;
    assigns bm->words[first / 64 .. (end - 1) / 64], bm->num_free;
    ensures WRITABLE_BITMAP(bm);
    ensures ALL_CLEAR(bm->words, first, end - first);
    ensures SAME_OUTSIDE(Pre, bm, first, end);
*/
static void range_clear(bitmap_t *bm, size_t first, size_t end)
{
    /*@ ghost uint64_t *ws = bm->words; */
    size_t i = first;
    /*@ loop invariant first <= i <= end;
        loop invariant WRITABLE_BITMAP(bm) && bm->words == ws;
        loop invariant ALL_CLEAR(ws, first, i - first);
        loop invariant SAME_OUTSIDE(Pre, bm, first, i);
        loop assigns i, ws[first / 64 .. (end - 1) / 64], bm->num_free;
        loop variant end - i;
    */
    while (i < end) {
        size_t w = WORD_INDEX(i);
        bool whole = BIT_INDEX(i) == 0 && end - i >= BITMAP_WORD_BITS;
        /*@ assert whole ==> \forall integer j; i <= j < i + 64 ==>
                     j / 64 == w && j % 64 == j - i; */
        if (whole && bm->words[w] == 0) {
            /*@ assert ALL_CLEAR(ws, i, 64); */
            i += BITMAP_WORD_BITS;
        } else if (whole && bm->words[w] == ALL_ONES) {
            /*@ ghost lemma_wcount_extremes(); */
            /*@ assert rc_count: wcount(bm->words[w], 64) == 64; */
            /*@ assert rc_sum: wcount(0, 64) + 64 == wcount(bm->words[w], 64); */
            word_lower(bm, w, 0, BITMAP_WORD_BITS);
            /*@ assert rc_clear: ALL_CLEAR(ws, i, 64); */
            i += BITMAP_WORD_BITS;
        } else {
            clear_one(bm, i);
            i++;
        }
    }
}

/* Returns word w of bm, inverted when the scan looks for clear entries: bit k
 * of the result is set exactly when entry 64 * w + k is what the scan wants. */
/*@ requires VALID_BITMAP(bm);
    requires w < bm->num_words;
    assigns \nothing;
    ensures \forall integer j; 64 * w <= j < 64 * w + 64 ==>
              (BIT(\result, j - 64 * w) <==> ENTRY_IS(bm->words, j, want_set));
*/
static uint64_t match_word(const bitmap_t *bm, size_t w, bool want_set)
{
    /*@ assert \forall integer j; 64 * w <= j < 64 * w + 64 ==>
                 j / 64 == w && j % 64 == j - 64 * w; */
    return want_set ? bm->words[w] : ~bm->words[w];
}

/* Returns the first entry of [from, end) that is set (want_set) or clear
 * (!want_set), or end if there is none. Words without a match are skipped
 * whole; the bit inside the matching word comes from lowest_one. */
/*@ requires VALID_BITMAP(bm);
    requires from < end <= bm->num_entries;
    assigns \nothing;
    ensures from <= \result <= end;
    ensures \forall integer i; from <= i < \result ==> !ENTRY_IS(bm->words, i, want_set);
    ensures \result < end ==> ENTRY_IS(bm->words, \result, want_set);
*/
static size_t next_match(const bitmap_t *bm, size_t from, size_t end, bool want_set)
{
    size_t w = WORD_INDEX(from);
    size_t last_w = WORD_INDEX(end - 1);
    size_t b = lowest_one(match_word(bm, w, want_set), BIT_INDEX(from));
    /*@ loop invariant from / 64 <= w <= last_w && 0 <= b <= 64;
        loop invariant \forall integer j; from <= j < 64 * w + b ==> !ENTRY_IS(bm->words, j, want_set);
        loop invariant b < 64 ==> from <= 64 * w + b && ENTRY_IS(bm->words, 64 * w + b, want_set);
        loop assigns w, b;
        loop variant last_w - w;
    */
    while (b == BITMAP_WORD_BITS && w < last_w) {
        w++;
        uint64_t x = match_word(bm, w, want_set);
        b = x == 0 ? BITMAP_WORD_BITS : lowest_one(x, 0);
    }
    size_t i = w * BITMAP_WORD_BITS + b;
    return i < end ? i : end;
}

/* Returns the first clear entry of [from, end), or end if there is none. */
/*@ requires VALID_BITMAP(bm);
    requires from < end <= bm->num_entries;
    assigns \nothing;
    ensures from <= \result <= end;
    ensures ALL_SET(bm->words, from, \result - from);
    ensures \result < end ==> !ENTRY_SET(bm->words, \result);
*/
static size_t next_clear(const bitmap_t *bm, size_t from, size_t end)
{
    return next_match(bm, from, end, false);
}

/* Returns the first set entry of [from, end), or end if there is none. */
/*@ requires VALID_BITMAP(bm);
    requires from < end <= bm->num_entries;
    assigns \nothing;
    ensures from <= \result <= end;
    ensures ALL_CLEAR(bm->words, from, \result - from);
    ensures \result < end ==> ENTRY_SET(bm->words, \result);
*/
static size_t next_set(const bitmap_t *bm, size_t from, size_t end)
{
    return next_match(bm, from, end, true);
}

/* Returns true when [first, first + n) is a non-empty range inside bm. */
/*@ requires VALID_BITMAP(bm);
    assigns \nothing;
    ensures \result != 0 <==> (n != 0 && first < bm->num_entries && n <= bm->num_entries - first);
*/
static bool range_ok(const bitmap_t *bm, size_t first, size_t n)
{
    return n != 0 && first < bm->num_entries && n <= bm->num_entries - first;
}

/*@ requires bm != \null ==> \valid(bm);
    requires storage != \null ==> \valid(storage + (0 .. storage_words - 1));
    requires bm != \null && storage != \null ==>
               \separated(bm, storage + (0 .. storage_words - 1));
    assigns *bm, storage[0 .. storage_words - 1];
    behavior invalid_argument:
      assumes bm == \null || storage == \null || num_entries == 0;
      assigns \nothing;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
    behavior too_small:
      assumes bm != \null && storage != \null && num_entries != 0;
      assumes num_entries > MAX_ENTRIES || storage_words < WORDS_FOR(num_entries);
      assigns \nothing;
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
    behavior ok:
      assumes bm != \null && storage != \null && num_entries != 0;
      assumes num_entries <= MAX_ENTRIES && storage_words >= WORDS_FOR(num_entries);
      assigns *bm, storage[0 .. WORDS_FOR(num_entries) - 1];
      ensures \result == VMM_OK;
      ensures WRITABLE_BITMAP(bm);
      ensures bm->words == storage && bm->num_entries == num_entries;
      ensures bm->num_free == num_entries;
      ensures ALL_CLEAR(bm->words, 0, num_entries);
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t bitmap_init(bitmap_t *bm, uint64_t *storage, size_t storage_words,
                         size_t num_entries)
{
    if (bm == 0 || storage == 0 || num_entries == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (num_entries > MAX_ENTRIES || storage_words < BITMAP_WORDS(num_entries))
        return VMM_ERR_OUT_OF_BOUNDS;
    size_t num_words = BITMAP_WORDS(num_entries);
    bm->words = storage;
    bm->num_words = num_words;
    bm->num_entries = num_entries;
    bm->num_free = num_entries;
    /*@ loop invariant 0 <= w <= num_words;
        loop invariant \forall integer j; 0 <= j < w ==> storage[j] == 0;
        loop assigns w, storage[0 .. num_words - 1];
        loop variant num_words - w;
    */
    for (size_t w = 0; w < num_words; w++)
        storage[w] = 0;
    /*@ assert \forall integer i; 0 <= i < num_entries ==> 0 <= i / 64 < num_words; */
    /*@ assert ALL_CLEAR(storage, 0, num_entries); */
    /*@ assert TAIL_CLEAR(storage[num_words - 1], LAST_BITS(num_entries)); */
    /*@ ghost
      lemma_wcount_extremes();
      /@ loop invariant 0 <= j <= num_words;
         loop invariant count(storage, j) == 0;
         loop assigns j;
         loop variant num_words - j;
      @/
      for (size_t j = 0; j < num_words; j++) {
      }
    */
    return VMM_OK;
}

/*@ requires bm != \null ==> WRITABLE_BITMAP(bm);
    assigns bm->words[0 .. bm->num_words - 1], bm->num_free;
    behavior null_bitmap:
      assumes bm == \null;
      assigns \nothing;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
    behavior out_of_bounds:
      assumes bm != \null && i >= bm->num_entries;
      assigns \nothing;
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
    behavior ok:
      assumes bm != \null && i < bm->num_entries;
      assigns bm->words[i / 64], bm->num_free;
      ensures \result == VMM_OK;
      ensures WRITABLE_BITMAP(bm);
      ensures ENTRY_SET(bm->words, i);
      ensures SAME_OUTSIDE(Pre, bm, i, i + 1);
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t bitmap_set(bitmap_t *bm, size_t i)
{
    if (bm == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (i >= bm->num_entries)
        return VMM_ERR_OUT_OF_BOUNDS;
    set_one(bm, i);
    return VMM_OK;
}

/*@ requires bm != \null ==> WRITABLE_BITMAP(bm);
    assigns bm->words[0 .. bm->num_words - 1], bm->num_free;
    behavior null_bitmap:
      assumes bm == \null;
      assigns \nothing;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
    behavior out_of_bounds:
      assumes bm != \null && i >= bm->num_entries;
      assigns \nothing;
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
    behavior ok:
      assumes bm != \null && i < bm->num_entries;
      assigns bm->words[i / 64], bm->num_free;
      ensures \result == VMM_OK;
      ensures WRITABLE_BITMAP(bm);
      ensures !ENTRY_SET(bm->words, i);
      ensures SAME_OUTSIDE(Pre, bm, i, i + 1);
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t bitmap_clear(bitmap_t *bm, size_t i)
{
    if (bm == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (i >= bm->num_entries)
        return VMM_ERR_OUT_OF_BOUNDS;
    clear_one(bm, i);
    return VMM_OK;
}

/*@ requires bm != \null ==> VALID_BITMAP(bm);
    requires is_set != \null ==> \valid(is_set);
    requires bm != \null && is_set != \null ==> \separated(is_set, bm) &&
               \separated(is_set, bm->words + (0 .. bm->num_words - 1));
    assigns *is_set;
    behavior null_argument:
      assumes bm == \null || is_set == \null;
      assigns \nothing;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
    behavior out_of_bounds:
      assumes bm != \null && is_set != \null && i >= bm->num_entries;
      assigns \nothing;
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
    behavior ok:
      assumes bm != \null && is_set != \null && i < bm->num_entries;
      assigns *is_set;
      ensures \result == VMM_OK;
      ensures *is_set != 0 <==> ENTRY_SET(bm->words, i);
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t bitmap_test(const bitmap_t *bm, size_t i, bool *is_set)
{
    if (bm == 0 || is_set == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (i >= bm->num_entries)
        return VMM_ERR_OUT_OF_BOUNDS;
    *is_set = (bm->words[WORD_INDEX(i)] & BIT_MASK(i)) != 0;
    return VMM_OK;
}

/*@ requires bm != \null ==> WRITABLE_BITMAP(bm);
    assigns bm->words[0 .. bm->num_words - 1], bm->num_free;
    behavior invalid_argument:
      assumes bm == \null || n == 0;
      assigns \nothing;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
    behavior out_of_bounds:
      assumes bm != \null && n != 0 &&
              !(first < bm->num_entries && n <= bm->num_entries - first);
      assigns \nothing;
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
    behavior ok:
      assumes bm != \null && n != 0 && first < bm->num_entries && n <= bm->num_entries - first;
      assigns bm->words[first / 64 .. (first + n - 1) / 64], bm->num_free;
      ensures \result == VMM_OK;
      ensures WRITABLE_BITMAP(bm);
      ensures ALL_SET(bm->words, first, n);
      ensures SAME_OUTSIDE(Pre, bm, first, first + n);
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t bitmap_set_range(bitmap_t *bm, size_t first, size_t n)
{
    if (bm == 0 || n == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (!range_ok(bm, first, n))
        return VMM_ERR_OUT_OF_BOUNDS;
    range_set(bm, first, first + n);
    return VMM_OK;
}

/*@ requires bm != \null ==> WRITABLE_BITMAP(bm);
    assigns bm->words[0 .. bm->num_words - 1], bm->num_free;
    behavior invalid_argument:
      assumes bm == \null || n == 0;
      assigns \nothing;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
    behavior out_of_bounds:
      assumes bm != \null && n != 0 &&
              !(first < bm->num_entries && n <= bm->num_entries - first);
      assigns \nothing;
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
    behavior ok:
      assumes bm != \null && n != 0 && first < bm->num_entries && n <= bm->num_entries - first;
      assigns bm->words[first / 64 .. (first + n - 1) / 64], bm->num_free;
      ensures \result == VMM_OK;
      ensures WRITABLE_BITMAP(bm);
      ensures ALL_CLEAR(bm->words, first, n);
      ensures SAME_OUTSIDE(Pre, bm, first, first + n);
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t bitmap_clear_range(bitmap_t *bm, size_t first, size_t n)
{
    if (bm == 0 || n == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (!range_ok(bm, first, n))
        return VMM_ERR_OUT_OF_BOUNDS;
    range_clear(bm, first, first + n);
    return VMM_OK;
}

/*@ requires bm != \null ==> VALID_BITMAP(bm);
    assigns \nothing;
    behavior null_bitmap:
      assumes bm == \null;
      ensures \result == 0;
    behavior valid_bitmap:
      assumes bm != \null;
      ensures \result != 0 <==> (n != 0 && first < bm->num_entries &&
                                 n <= bm->num_entries - first &&
                                 ALL_CLEAR(bm->words, first, n));
    complete behaviors;
    disjoint behaviors;
*/
bool bitmap_range_clear(const bitmap_t *bm, size_t first, size_t n)
{
    return bm != 0 && range_ok(bm, first, n) && next_set(bm, first, first + n) == first + n;
}

/*@ requires bm != \null ==> VALID_BITMAP(bm);
    assigns \nothing;
    behavior null_bitmap:
      assumes bm == \null;
      ensures \result == 0;
    behavior valid_bitmap:
      assumes bm != \null;
      ensures \result != 0 <==> (n != 0 && first < bm->num_entries &&
                                 n <= bm->num_entries - first &&
                                 ALL_SET(bm->words, first, n));
    complete behaviors;
    disjoint behaviors;
*/
bool bitmap_range_set(const bitmap_t *bm, size_t first, size_t n)
{
    return bm != 0 && range_ok(bm, first, n) && next_clear(bm, first, first + n) == first + n;
}

/* Returns the distance d from s to the last start in phase with hint that is
 * at most t: the starts in phase in [s, t] are s, s + align, ..., s + d and
 * the next one is s + d + align. */
/*@ requires hint <= s <= t && 0 < align;
    requires (s - hint) % align == 0;
    assigns \nothing;
    ensures \result <= t - s;
    ensures (s + \result - hint) % align == 0;
    ensures (s + \result + align - hint) % align == 0;
    ensures \forall integer u; s <= u && (u - hint) % align == 0 ==>
              u <= s + \result || s + \result + align <= u;
*/
static size_t phase_span(size_t s, size_t t, size_t align) /*@ ghost (size_t hint) */
{
    size_t d = ((t - s) / align) * align;
    /*@ assert d <= t - s; */
    /*@ assert s - hint == ((s - hint) / align) * align; */
    /*@ assert s + d - hint == ((s - hint) / align + (t - s) / align) * align; */
    /*@ assert (s + d - hint) % align == 0; */
    /*@ ghost lemma_mod_add(s + d - hint, align); */
    return d;
}

/* Returns the lowest start s >= hint in phase with hint ((s - hint) % align
 * == 0) whose n entries are all clear, or NO_RUN when there is none. Each
 * candidate costs two word-at-a-time scans and one division: from a blocker
 * b, every start up to the end t of the set run at b overlaps [b, t]. */
/*@ requires VALID_BITMAP(bm);
    requires 0 < n && 0 < align && hint <= bm->num_entries && n <= bm->num_entries - hint;
    assigns \nothing;
    ensures \result == NO_RUN ==>
              !has_clear_run(bm->words, n, align, hint, bm->num_entries);
    ensures \result != NO_RUN ==> CANDIDATE(\result, n, align, hint, bm->num_entries) &&
              clear_run(bm->words, \result, n);
    ensures \result != NO_RUN ==> \forall integer u;
              CANDIDATE(u, n, align, hint, bm->num_entries) && u < \result ==>
              !clear_run(bm->words, u, n);
*/
static size_t find_run(const bitmap_t *bm, size_t n, size_t align, size_t hint)
{
    size_t last = bm->num_entries - n; /* highest start that fits */
    size_t s = hint;
    /*@ loop invariant hint <= s <= last;
        loop invariant (s - hint) % align == 0;
        loop invariant \forall integer u; hint <= u < s && (u - hint) % align == 0 ==>
                         !clear_run(bm->words, u, n);
        loop assigns s;
        loop variant last - s;
    */
    for (;;) {
        size_t b = next_set(bm, s, s + n);
        if (b == s + n) {
            /*@ assert ALL_CLEAR(bm->words, s, n); */
            /*@ ghost lemma_clear_run_intro(bm->words, s, n); */
            /*@ assert clear_run(bm->words, s, n); */
            return s;
        }
        size_t t = next_clear(bm, b, bm->num_entries) - 1;
        /*@ assert b_in_run: \forall integer u; s <= u <= b ==> u <= b < u + n && ENTRY_SET(bm->words, b); */
        /*@ ghost lemma_set_blocks_before(bm->words, b, n); */
        /*@ assert blocked_to_b: \forall integer u; s <= u <= b ==> !clear_run(bm->words, u, n); */
        /*@ assert set_to_t: \forall integer u; b <= u <= t ==> ENTRY_SET(bm->words, u); */
        /*@ ghost lemma_set_blocks_at(bm->words, b, t, n); */
        /*@ assert blocked_to_t: \forall integer u; b <= u <= t ==>
                                   ENTRY_SET(bm->words, u) && !clear_run(bm->words, u, n); */
        size_t d = phase_span(s, t, align) /*@ ghost (hint) */;
        /*@ assert blocked_to_d: \forall integer u; s <= u <= s + d ==> !clear_run(bm->words, u, n); */
        if (d > last - s || align > last - s - d) {
            /*@ assert \forall integer u; CANDIDATE(u, n, align, hint, bm->num_entries) ==>
                         !clear_run(bm->words, u, n); */
            return NO_RUN;
        }
        s += d + align;
    }
}

/*@ requires bm != \null ==> WRITABLE_BITMAP(bm);
    requires first != \null ==> \valid(first);
    requires bm != \null && first != \null ==> \separated(first, bm) &&
               \separated(first, bm->words + (0 .. bm->num_words - 1));
    assigns *first, bm->words[0 .. bm->num_words - 1], bm->num_free;
    behavior invalid_argument:
      assumes bm == \null || first == \null || n == 0 || !IS_POW2(align);
      assigns \nothing;
      ensures \result == VMM_ERR_INVALID_ARGUMENT;
    behavior out_of_bounds:
      assumes bm != \null && first != \null && n != 0 && IS_POW2(align);
      assumes hint > bm->num_entries;
      assigns \nothing;
      ensures \result == VMM_ERR_OUT_OF_BOUNDS;
    behavior no_space:
      assumes bm != \null && first != \null && n != 0 && IS_POW2(align);
      assumes hint <= bm->num_entries;
      assumes !has_clear_run(bm->words, n, align, hint, bm->num_entries);
      assigns \nothing;
      ensures \result == VMM_ERR_NO_SPACE;
    behavior found:
      assumes bm != \null && first != \null && n != 0 && IS_POW2(align);
      assumes hint <= bm->num_entries;
      assumes has_clear_run(bm->words, n, align, hint, bm->num_entries);
      assigns *first, bm->words[0 .. bm->num_words - 1], bm->num_free;
      ensures \result == VMM_OK;
      ensures WRITABLE_BITMAP(bm);
      ensures CANDIDATE(*first, n, align, hint, bm->num_entries);
      ensures ALL_CLEAR_AT(Pre, bm->words, *first, n);
      ensures ALL_SET(bm->words, *first, n);
      ensures \forall integer s; CANDIDATE(s, n, align, hint, bm->num_entries) && s < *first ==>
                !\at(clear_run(bm->words, s, n), Pre);
      ensures SAME_OUTSIDE(Pre, bm, *first, *first + n);
    complete behaviors;
    disjoint behaviors;
*/
vmm_status_t bitmap_find_set(bitmap_t *bm, size_t n, size_t align, size_t hint,
                             size_t *first)
{
    if (bm == 0 || first == 0 || n == 0 || !IS_POW2(align))
        return VMM_ERR_INVALID_ARGUMENT;
    if (hint > bm->num_entries)
        return VMM_ERR_OUT_OF_BOUNDS;
    if (n > bm->num_entries - hint) {
        /*@ assert !has_clear_run(bm->words, n, align, hint, bm->num_entries); */
        return VMM_ERR_NO_SPACE;
    }
    size_t s = find_run(bm, n, align, hint);
    if (s == NO_RUN) {
        return VMM_ERR_NO_SPACE;
    }
    /*@ assert clear_run_at(bm->words, s, n, align, hint, bm->num_entries); */
    /*@ assert has_clear_run(bm->words, n, align, hint, bm->num_entries); */
    /*@ ghost lemma_clear_run_elim(bm->words, s, n); */
    /*@ assert ALL_CLEAR(bm->words, s, n); */
    /* Stored before the set: the proof shows count() unchanged by this store. */
    *first = s;
    /*@ ghost
      /@ loop invariant 0 <= j <= bm->num_words;
         loop invariant count(bm->words, j) == count{Pre}(bm->words, j);
         loop assigns j;
         loop variant bm->num_words - j;
      @/
      for (size_t j = 0; j < bm->num_words; j++) {
      }
    */
    range_set(bm, s, s + n);
    return VMM_OK;
}
