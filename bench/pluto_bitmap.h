/*
 * pluto_bitmap.h - the baseline: a C port of Pluto's Bitmap(usize)
 * (src/kernel/bitmap.zig, the bitmap behind the VMM of seed 004):
 * setContiguous scans bit by bit from entry 0 (first fit, no hint), and
 * setEntry/clearEntry work one entry at a time with a bounds and isSet
 * check each, as Pluto's VMM free() does.
 *
 * The word layout is the core's (entry i in bit i % 64 of word i / 64), so a
 * state can be copied between the two for a like-for-like comparison.
 */
#ifndef BENCH_PLUTO_BITMAP_H
#define BENCH_PLUTO_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pluto_bitmap {
    uint64_t *bitmaps;       /* num_bitmaps words, caller's storage */
    size_t num_bitmaps;
    size_t num_entries;
    size_t num_free_entries;
} pluto_bitmap_t;

/* Binds pb to storage (BITMAP_WORDS(num_entries) words) holding a state
 * whose free count is num_free. */
void pluto_bitmap_attach(pluto_bitmap_t *pb, uint64_t *storage,
                         size_t num_entries, size_t num_free);

/* Returns false when idx is out of bounds (Pluto's OutOfBounds). */
bool pluto_is_set(const pluto_bitmap_t *pb, size_t idx, bool *set);
bool pluto_set_entry(pluto_bitmap_t *pb, size_t idx);
bool pluto_clear_entry(pluto_bitmap_t *pb, size_t idx);

/* Pluto's setContiguous: the first run of num clear entries from entry 0,
 * set and returned in *first. Returns false (Pluto's null) when none. */
bool pluto_set_contiguous(pluto_bitmap_t *pb, size_t num, size_t *first);

#endif
