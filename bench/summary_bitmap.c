/* summary_bitmap.c - PROTOTYPE of a bitmap with summary levels (see the
 * header); bench-only, to price the design before anyone proves it. */
#include "summary_bitmap.h"

#include <stdlib.h>

#define WORD_BITS 64u
#define ALL_ONES UINT64_MAX
#define NONE SIZE_MAX
#define MAX_U32(a, b) ((a) > (b) ? (a) : (b))

/* Returns the entries one node of level lvl covers (level 0: a word). */
static size_t unit(int lvl)
{
    size_t u = WORD_BITS;
    for (int i = 0; i < lvl; i++)
        u *= SB_FANOUT;
    return u;
}

/* Returns the length of the run of ones at the bottom of x (x != ALL_ONES). */
static unsigned low_ones(uint64_t x)
{
    return (unsigned)__builtin_ctzll(~x);
}

/* Returns the summary of one word: free prefix, suffix, longest run. */
static sb_node_t word_node(uint64_t w)
{
    if (w == 0)
        return (sb_node_t){WORD_BITS, WORD_BITS, WORD_BITS};
    if (w == ALL_ONES)
        return (sb_node_t){0, 0, 0};
    uint32_t mx = 0;
    uint64_t x = ~w; /* free bits; not all ones since w != 0 */
    while (x != 0) {
        x >>= __builtin_ctzll(x);
        unsigned len = low_ones(x);
        mx = MAX_U32(mx, len);
        x >>= len; /* len < 64: a set bit of w stops every run */
    }
    return (sb_node_t){(uint32_t)__builtin_ctzll(w), (uint32_t)__builtin_clzll(w), mx};
}

/* Returns the summary of level-lvl node c. */
static sb_node_t get(const summary_bitmap_t *sb, int lvl, size_t c)
{
    return lvl == 0 ? word_node(sb->words[c]) : sb->node[lvl][c];
}

/* Returns the summary of children [c0, c1) of level lvl - 1 put together. */
static sb_node_t combine(const summary_bitmap_t *sb, int lvl, size_t c0, size_t c1)
{
    uint32_t pre = 0, run = 0, mx = 0, u = (uint32_t)unit(lvl - 1);
    bool pre_done = false;
    for (size_t c = c0; c < c1; c++) {
        sb_node_t s = get(sb, lvl - 1, c);
        if (s.prefix == u) {
            run += u;
            if (!pre_done)
                pre += u;
            continue;
        }
        if (!pre_done) {
            pre += s.prefix;
            pre_done = true;
        }
        mx = MAX_U32(mx, run + s.prefix);
        mx = MAX_U32(mx, s.max);
        run = s.suffix;
    }
    mx = MAX_U32(mx, run);
    return (sb_node_t){pre, run, mx};
}

/* Recomputes the summaries of every node above entries [first, end). */
static void update(summary_bitmap_t *sb, size_t first, size_t end)
{
    for (int lvl = 1; lvl <= sb->levels; lvl++) {
        size_t u = unit(lvl);
        for (size_t c = first / u; c <= (end - 1u) / u; c++) {
            size_t c1 = (c + 1u) * SB_FANOUT;
            if (c1 > sb->count[lvl - 1])
                c1 = sb->count[lvl - 1];
            sb->node[lvl][c] = combine(sb, lvl, c * SB_FANOUT, c1);
        }
    }
}

/* Sets (set) or clears the words' bits [first, end). */
static void apply(summary_bitmap_t *sb, size_t first, size_t end, bool set)
{
    for (size_t w = first / WORD_BITS; w * WORD_BITS < end; w++) {
        size_t lo = w * WORD_BITS;
        size_t from = first > lo ? first - lo : 0;
        size_t to = end - lo < WORD_BITS ? end - lo : WORD_BITS;
        uint64_t mask = (to - from == WORD_BITS ? ALL_ONES
                                                : (((uint64_t)1 << (to - from)) - 1u))
                        << from;
        sb->words[w] = set ? sb->words[w] | mask : sb->words[w] & ~mask;
    }
}

/* Returns the start of the lowest run of n free bits inside word c, NONE
 * if there is none. */
static size_t word_find(const summary_bitmap_t *sb, size_t c, size_t n)
{
    uint64_t x = ~sb->words[c];
    unsigned pos = 0;
    while (x != 0) {
        unsigned s = (unsigned)__builtin_ctzll(x);
        x >>= s;
        pos += s;
        unsigned len = x == ALL_ONES ? WORD_BITS : low_ones(x);
        if (len >= n)
            return c * WORD_BITS + pos;
        if (len == WORD_BITS)
            break;
        x >>= len;
        pos += len;
    }
    return NONE;
}

/* Scans nodes [lo, hi) of level lvl left to right (recursion depth is at
 * most the number of levels); *carry free entries end
 * right before lo, starting at *cstart. Returns the lowest start of a run of
 * n, or NONE (carry updated for the caller's next node). */
static size_t scan(const summary_bitmap_t *sb, int lvl, size_t lo, size_t hi,
                   size_t n, size_t *carry, size_t *cstart)
{
    size_t u = unit(lvl);
    for (size_t c = lo; c < hi; c++) {
        sb_node_t s = get(sb, lvl, c);
        if (*carry + s.prefix >= n)
            return *carry ? *cstart : c * u;
        if (s.max >= n) {
            if (lvl == 0)
                return word_find(sb, c, n);
            size_t c1 = (c + 1u) * SB_FANOUT;
            if (c1 > sb->count[lvl - 1])
                c1 = sb->count[lvl - 1];
            return scan(sb, lvl - 1, c * SB_FANOUT, c1, n, carry, cstart);
        }
        if (s.prefix == u) {
            if (*carry == 0)
                *cstart = c * u;
            *carry += u;
        } else {
            *carry = s.suffix;
            *cstart = (c + 1u) * u - s.suffix;
        }
    }
    return NONE;
}

bool sb_init(summary_bitmap_t *sb, uint64_t *words, size_t num_entries)
{
    if (num_entries == 0 || num_entries % (WORD_BITS * SB_FANOUT) != 0)
        return false;
    sb->words = words;
    sb->num_entries = num_entries;
    sb->count[0] = num_entries / WORD_BITS;
    sb->node[0] = NULL;
    int lvl = 0;
    while (sb->count[lvl] > SB_FANOUT || lvl == 0) {
        if (lvl == SB_MAX_LEVELS)
            return false;
        lvl++;
        sb->count[lvl] = (sb->count[lvl - 1] + SB_FANOUT - 1u) / SB_FANOUT;
        sb->node[lvl] = malloc(sb->count[lvl] * sizeof(sb_node_t));
        if (!sb->node[lvl]) {
            sb->levels = lvl - 1;
            sb_destroy(sb);
            return false;
        }
    }
    sb->levels = lvl;
    update(sb, 0, num_entries);
    return true;
}

void sb_destroy(summary_bitmap_t *sb)
{
    for (int lvl = 1; lvl <= sb->levels; lvl++)
        free(sb->node[lvl]);
    sb->levels = 0;
}

bool sb_find_set(summary_bitmap_t *sb, size_t n, size_t *first)
{
    size_t carry = 0, cstart = 0;
    size_t s = scan(sb, sb->levels, 0, sb->count[sb->levels], n, &carry, &cstart);
    if (s == NONE || n > sb->num_entries - s)
        return false;
    apply(sb, s, s + n, true);
    update(sb, s, s + n);
    *first = s;
    return true;
}

void sb_clear(summary_bitmap_t *sb, size_t first, size_t n)
{
    apply(sb, first, first + n, false);
    update(sb, first, first + n);
}
