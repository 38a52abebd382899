/*
 * bitmap.c - word-at-a-time bitmap (see bitmap.h for the API).
 *
 * Scans move a whole word at a time: all-ones words are skipped when looking
 * for a clear entry, all-zero words when looking for a set one, and the bit
 * inside a word is found with count-trailing-zeros.
 */
#include "bitmap.h"

#define WORD_INDEX(i) ((i) / BITMAP_WORD_BITS)
#define BIT_INDEX(i) ((unsigned)((i) % BITMAP_WORD_BITS))
#define BIT_MASK(i) ((uint64_t)1 << BIT_INDEX(i))
#define ALL_ONES UINT64_MAX
/* Mask of the low `count` bits, count in 1..64. */
#define LOW_BITS(count) ((count) >= BITMAP_WORD_BITS ? ALL_ONES : (((uint64_t)1 << (count)) - 1u))
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1u)) == 0)

/* Returns the number of set bits in x (SWAR: no libgcc call, no POPCNT). */
static unsigned popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

/* Returns the index of the lowest set bit of x; x must not be 0. */
static unsigned ctz64(uint64_t x)
{
    return (unsigned)__builtin_ctzll(x);
}

/* Returns true when [first, first + n) is a non-empty range inside bm. */
static bool range_ok(const bitmap_t *bm, size_t first, size_t n)
{
    return n != 0 && first < bm->num_entries && n <= bm->num_entries - first;
}

/* Returns the mask of the bits of word w that lie in [first, end). */
static uint64_t word_mask(size_t w, size_t first, size_t end)
{
    size_t lo = w * BITMAP_WORD_BITS;
    size_t from = first > lo ? first - lo : 0;
    size_t to = end - lo < BITMAP_WORD_BITS ? end - lo : BITMAP_WORD_BITS;
    return LOW_BITS(to - from) << from;
}

/* Sets (set = true) or clears every entry of the valid range [first, end),
 * keeping num_free exact. */
static void range_apply(bitmap_t *bm, size_t first, size_t end, bool set)
{
    for (size_t w = WORD_INDEX(first); w * BITMAP_WORD_BITS < end; w++) {
        uint64_t mask = word_mask(w, first, end);
        uint64_t old = bm->words[w];
        if (set) {
            bm->num_free -= popcount64(mask & ~old);
            bm->words[w] = old | mask;
        } else {
            bm->num_free += popcount64(mask & old);
            bm->words[w] = old & ~mask;
        }
    }
}

/* Returns the first clear entry at index >= from, or num_entries if none. */
static size_t next_clear(const bitmap_t *bm, size_t from)
{
    if (from >= bm->num_entries)
        return bm->num_entries;
    size_t w = WORD_INDEX(from);
    uint64_t free_bits = ~bm->words[w] & (ALL_ONES << BIT_INDEX(from));
    while (free_bits == 0) {
        if (++w >= bm->num_words)
            return bm->num_entries;
        free_bits = ~bm->words[w];
    }
    size_t i = w * BITMAP_WORD_BITS + ctz64(free_bits);
    return i < bm->num_entries ? i : bm->num_entries;
}

/* Returns the first set entry in [from, end), or end if none. */
static size_t next_set(const bitmap_t *bm, size_t from, size_t end)
{
    size_t w = WORD_INDEX(from);
    uint64_t used = bm->words[w] & (ALL_ONES << BIT_INDEX(from));
    while (used == 0) {
        if (++w * BITMAP_WORD_BITS >= end)
            return end;
        used = bm->words[w];
    }
    size_t i = w * BITMAP_WORD_BITS + ctz64(used);
    return i < end ? i : end;
}

vmm_status_t bitmap_init(bitmap_t *bm, uint64_t *storage, size_t storage_words,
                         size_t num_entries)
{
    if (storage == 0 || num_entries == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (storage_words < BITMAP_WORDS(num_entries))
        return VMM_ERR_OUT_OF_BOUNDS;
    bm->words = storage;
    bm->num_words = BITMAP_WORDS(num_entries);
    bm->num_entries = num_entries;
    bm->num_free = num_entries;
    for (size_t w = 0; w < bm->num_words; w++)
        bm->words[w] = 0;
    return VMM_OK;
}

vmm_status_t bitmap_set(bitmap_t *bm, size_t i)
{
    if (i >= bm->num_entries)
        return VMM_ERR_OUT_OF_BOUNDS;
    range_apply(bm, i, i + 1, true);
    return VMM_OK;
}

vmm_status_t bitmap_clear(bitmap_t *bm, size_t i)
{
    if (i >= bm->num_entries)
        return VMM_ERR_OUT_OF_BOUNDS;
    range_apply(bm, i, i + 1, false);
    return VMM_OK;
}

vmm_status_t bitmap_test(const bitmap_t *bm, size_t i, bool *is_set)
{
    if (i >= bm->num_entries)
        return VMM_ERR_OUT_OF_BOUNDS;
    *is_set = (bm->words[WORD_INDEX(i)] & BIT_MASK(i)) != 0;
    return VMM_OK;
}

vmm_status_t bitmap_set_range(bitmap_t *bm, size_t first, size_t n)
{
    if (n == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (!range_ok(bm, first, n))
        return VMM_ERR_OUT_OF_BOUNDS;
    range_apply(bm, first, first + n, true);
    return VMM_OK;
}

vmm_status_t bitmap_clear_range(bitmap_t *bm, size_t first, size_t n)
{
    if (n == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (!range_ok(bm, first, n))
        return VMM_ERR_OUT_OF_BOUNDS;
    range_apply(bm, first, first + n, false);
    return VMM_OK;
}

bool bitmap_range_clear(const bitmap_t *bm, size_t first, size_t n)
{
    return range_ok(bm, first, n) && next_set(bm, first, first + n) == first + n;
}

bool bitmap_range_set(const bitmap_t *bm, size_t first, size_t n)
{
    if (!range_ok(bm, first, n))
        return false;
    size_t c = next_clear(bm, first);
    return c >= first + n;
}

vmm_status_t bitmap_find_set(bitmap_t *bm, size_t n, size_t align, size_t hint,
                             size_t *first)
{
    if (n == 0 || !IS_POW2(align))
        return VMM_ERR_INVALID_ARGUMENT;
    if (hint > bm->num_entries)
        return VMM_ERR_OUT_OF_BOUNDS;
    if (n > bm->num_free)
        return VMM_ERR_NO_SPACE;
    size_t last = bm->num_entries - n; /* highest start that fits */
    size_t s = hint;
    while (s <= last) {
        /* Candidate: the first clear entry from s, aligned up to the phase. */
        size_t c = next_clear(bm, s);
        if (c > last)
            break;
        size_t off = (c - hint) & (align - 1u);
        if (off != 0 && align - off > last - c)
            break;
        s = off != 0 ? c + (align - off) : c;
        /* The run fits when no entry of [s, s + n) is set. */
        size_t blocker = next_set(bm, s, s + n);
        if (blocker == s + n) {
            range_apply(bm, s, s + n, true);
            *first = s;
            return VMM_OK;
        }
        s = blocker + 1;
    }
    return VMM_ERR_NO_SPACE;
}
