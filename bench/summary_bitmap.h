/*
 * summary_bitmap.h - PROTOTYPE for the lead's decision, not core code: the
 * flat bitmap plus summary levels, to show what first fit would cost.
 *
 * Level 0 is the bitmap's words (entry i in bit i % 64 of word i / 64, set =
 * used). Level k >= 1 has one node per SB_FANOUT^k words; a node stores,
 * over its entries, the free prefix, the free suffix and the longest free
 * run (12 bytes per node: 1.6% of the words at fanout 8). First fit
 * descends from the top level: a node is entered only when a run of n can
 * start in it (carry from the left + its prefix, or its longest run), so a
 * search visits O(SB_FANOUT * levels) nodes whatever the size. set/clear
 * update the words, then the summaries on the paths above the range.
 *
 * Requires num_entries to be a multiple of 64 * SB_FANOUT.
 */
#ifndef BENCH_SUMMARY_BITMAP_H
#define BENCH_SUMMARY_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Children per node. Measured (callgrind, 2^24 pages, 500 allocs): 8 -> 2270,
 * 16 -> 2960, 32 -> 4030, 64 -> 5590 instructions per alloc/free; the
 * update after each change dominates, so a small fanout wins. */
#define SB_FANOUT 8u
#define SB_MAX_LEVELS 8

typedef struct sb_node {
    uint32_t prefix; /* free entries at the node's start  */
    uint32_t suffix; /* free entries at the node's end    */
    uint32_t max;    /* longest free run inside the node  */
} sb_node_t;

typedef struct summary_bitmap {
    uint64_t *words;
    size_t num_entries;
    int levels;                       /* summary levels, >= 1          */
    size_t count[SB_MAX_LEVELS + 1];  /* nodes per level (0 = words)   */
    sb_node_t *node[SB_MAX_LEVELS + 1];
} summary_bitmap_t;

/* Builds the summaries over words (num_entries entries, a multiple of
 * 4096); false when out of host memory or num_entries is unsuitable. */
bool sb_init(summary_bitmap_t *sb, uint64_t *words, size_t num_entries);
void sb_destroy(summary_bitmap_t *sb);

/* First fit: the lowest run of n free entries, set, start in *first.
 * False when there is none. */
bool sb_find_set(summary_bitmap_t *sb, size_t n, size_t *first);

/* Clears [first, first + n) (n >= 1, in bounds). */
void sb_clear(summary_bitmap_t *sb, size_t first, size_t n);

#endif
