/*
 * fuzz_walk.h - the harness's own reading of x86_64 page tables held in a
 * frame_pool: an oracle independent of core/x86_64/paging.c.
 *
 * Written from pte.h and paging.h only: leaf flags are P, W = WRITABLE,
 * U = !KERNEL, G = KERNEL, PCD = !CACHABLE, NX = !EXECUTABLE, PS for 2M/1G;
 * intermediate entries are exactly P|W|U plus the table address; a table
 * that holds nothing is freed, so every non-root table has an entry.
 */
#ifndef HARNESS_FUZZ_WALK_H
#define HARNESS_FUZZ_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/mapper.h"
#include "core/x86_64/pte.h"
#include "frame_pool.h"

/* Called for every leaf: va (canonical), its entry and page size. */
typedef void (*fuzz_leaf_fn)(void *ctx, uint64_t va, x86_pte_t leaf, uint64_t size);

/* Returns the leaf entry the paging.h contract gives attrs at size for a
 * page at va (G only for kernel pages in the kernel half). */
x86_pte_t fuzz_expected_pte(vmm_attrs_t attrs, uint64_t size, uint64_t va);

/* Sign-extends a 48-bit address. */
uint64_t fuzz_canonical(uint64_t va);

/* The harness's own canonical rule (not the core's): the low half ends and
 * the high half starts here. A window [start, end) is mappable when it lies
 * wholly in [0, FUZZ_CANONICAL_LOW_END) or [FUZZ_CANONICAL_HIGH_START, 2^64). */
#define FUZZ_CANONICAL_LOW_END ((uint64_t)1 << 47)
#define FUZZ_CANONICAL_HIGH_START (0 - ((uint64_t)1 << 47))
bool fuzz_window_mappable(uint64_t start, uint64_t end);

/* Walks va. Returns true with the leaf entry and page size when mapped. */
bool fuzz_walk_va(const frame_pool_t *fp, uint64_t pml4, uint64_t va,
                  x86_pte_t *leaf, uint64_t *size);

/* A page table reached by the last cached walk (see fuzz_walk_va_cached). */
typedef struct fuzz_walk_cache {
    uint64_t region;      /* va >> 21 of the pages pt maps              */
    const x86_pte_t *pt;  /* NULL: nothing cached                       */
} fuzz_walk_cache_t;

/* As fuzz_walk_va, but a page of the same 2 MiB region as the last walk
 * that reached a page table reads one entry of it. Valid only while the
 * tables do not change (the pages one check looks at): start each such
 * check with a zeroed cache. */
bool fuzz_walk_va_cached(const frame_pool_t *fp, uint64_t pml4, uint64_t va,
                         x86_pte_t *leaf, uint64_t *size, fuzz_walk_cache_t *cache);

/* Walks every table below pml4, checking the structure (tables are pool
 * frames in use, each reached once, intermediate flags exact, no empty
 * non-root table), and calls fn for every leaf in address order. Returns
 * the number of tables, the PML4 included. A broken structure aborts. */
size_t fuzz_walk_all(const frame_pool_t *fp, uint64_t pml4, fuzz_leaf_fn fn, void *ctx);

#endif
