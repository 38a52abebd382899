/*
 * bitmap.h - a bitmap over caller-provided uint64_t storage.
 *
 * Entry i lives in bit (i % 64) of words[i / 64]; a set bit means "used".
 * The unused tail bits of the last word are always zero. num_free is kept
 * equal to num_entries minus the number of set bits by every function.
 *
 * Every function either succeeds or returns an error and changes nothing.
 * NULL pointers (one rule for every function): a function that returns a
 * status returns VMM_ERR_INVALID_ARGUMENT when bm or an out-pointer (is_set,
 * first) or the storage is NULL, before any other check, and changes
 * nothing. The bool queries (bitmap_range_clear/_set) answer false for a
 * NULL bm, as for any other invalid range.
 * Setting a set entry or clearing a clear entry is not an error (idempotent).
 * The production contracts (ACSL) sit above each definition in bitmap.c and
 * are proved by proofs/ (Frama-C/WP).
 */
#ifndef CORE_BITMAP_H
#define CORE_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "vmm_cdefs.h"

VMM_BEGIN_DECLS

#define BITMAP_WORD_BITS 64u
/* Number of uint64_t words needed to hold n entries (n <= SIZE_MAX - 63:
 * above, it wraps; bitmap_init refuses such an n anyway). */
#define BITMAP_WORDS(n) (((n) + (BITMAP_WORD_BITS - 1u)) / BITMAP_WORD_BITS)

typedef struct bitmap {
    uint64_t *words;    /* caller's storage, num_words long        */
    size_t num_words;   /* BITMAP_WORDS(num_entries)               */
    size_t num_entries; /* entries tracked                         */
    size_t num_free;    /* entries whose bit is clear              */
} bitmap_t;

/* Initialises bm over storage (storage_words long) with num_entries entries,
 * all clear. Fails with VMM_ERR_INVALID_ARGUMENT when bm or storage is NULL or
 * num_entries is 0, VMM_ERR_OUT_OF_BOUNDS when storage_words is less than
 * BITMAP_WORDS(num_entries). */
vmm_status_t bitmap_init(bitmap_t *bm, uint64_t *storage, size_t storage_words,
                         size_t num_entries);

/* Sets / clears / tests entry i. VMM_ERR_INVALID_ARGUMENT when bm (or
 * is_set) is NULL, VMM_ERR_OUT_OF_BOUNDS when i >= num_entries. */
vmm_status_t bitmap_set(bitmap_t *bm, size_t i);
vmm_status_t bitmap_clear(bitmap_t *bm, size_t i);
vmm_status_t bitmap_test(const bitmap_t *bm, size_t i, bool *is_set);

/* Sets / clears entries [first, first + n). VMM_ERR_INVALID_ARGUMENT when
 * bm is NULL or n == 0, VMM_ERR_OUT_OF_BOUNDS when the range does not fit (overflow-safe). */
vmm_status_t bitmap_set_range(bitmap_t *bm, size_t first, size_t n);
vmm_status_t bitmap_clear_range(bitmap_t *bm, size_t first, size_t n);

/* True when every entry of [first, first + n) is clear / set. The range must
 * be valid (bm not NULL, n > 0, in bounds); returns false otherwise. */
bool bitmap_range_clear(const bitmap_t *bm, size_t first, size_t n);
bool bitmap_range_set(const bitmap_t *bm, size_t first, size_t n);

/* Finds the first run of n clear entries starting at an index s >= hint with
 * (s - hint) % align == 0, sets it, and stores s in *first.
 * "First" means the lowest such s: the search does not wrap (callers that want
 * next-fit call again with a lower hint). align is a power of two >= 1; the
 * hint fixes the alignment phase, so a caller aligns relative to anything.
 * Errors (nothing changed): VMM_ERR_INVALID_ARGUMENT (bm or first NULL,
 * n == 0, align not a power of two), VMM_ERR_OUT_OF_BOUNDS (hint > num_entries),
 * VMM_ERR_NO_SPACE (no such run). */
vmm_status_t bitmap_find_set(bitmap_t *bm, size_t n, size_t align, size_t hint,
                             size_t *first);

VMM_END_DECLS

#endif
