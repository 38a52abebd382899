/*
 * rec_mapper.h - a recording mapper (mapper.h) for tests and harnesses: a
 * hash table of mapped pages (start -> phys, attrs, page size) implementing
 * map / unmap / query with the x86_64 page tables' all-or-nothing semantics,
 * plus one-shot failure injection for map and for unmap.
 *
 *   rec_mapper_t m; rec_mapper_init(&m);
 *   vmm_mapper_t iface = rec_mapper_iface(&m);
 *   m.map_countdown = 1;    // map call 0 succeeds, call 1 fails with
 *                           // m.map_error (default VMM_ERR_OUT_OF_FRAMES)
 *   m.unmap_countdown = 0;  // next unmap fails with m.unmap_error
 *                           // (default VMM_ERR_NOT_MAPPED)
 *   ... rec_mapper_destroy(&m);
 *
 * Errors, checked in this order after the injection: VMM_ERR_INVALID_ARGUMENT
 * (page size not 4K/2M/1G, len 0, unknown attrs), VMM_ERR_MISALIGNED,
 * VMM_ERR_OVERFLOW, then per page VMM_ERR_LARGE_PAGE_CONFLICT (a page of
 * another size overlaps), VMM_ERR_ALREADY_MAPPED (map),
 * VMM_ERR_NOT_MAPPED (unmap). An error changes nothing.
 * Memory for the table comes from malloc; running out aborts.
 */
#ifndef TESTS_REC_MAPPER_H
#define TESTS_REC_MAPPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/mapper.h"

typedef struct rec_page {
    uint64_t virt;      /* start of the page (aligned to page_size) */
    uint64_t phys;      /* its frame                                 */
    uint64_t page_size; /* VMM_SIZE_4K / 2M / 1G                     */
    vmm_attrs_t attrs;
} rec_page_t;

typedef struct rec_slot {
    rec_page_t page;
    bool used;
} rec_slot_t;

typedef struct rec_mapper {
    rec_slot_t *slots;     /* open addressing, capacity a power of two */
    size_t cap;
    size_t count;          /* pages mapped (any size)                   */
    long map_countdown;    /* map calls left before the failing one; -1 never */
    long unmap_countdown;  /* same for unmap                            */
    vmm_status_t map_error;
    vmm_status_t unmap_error;
    size_t map_calls, unmap_calls, query_calls;
} rec_mapper_t;

/* Initialises an empty mapper, no failure armed. */
void rec_mapper_init(rec_mapper_t *m);
/* Frees the table; m may be initialised again. */
void rec_mapper_destroy(rec_mapper_t *m);
/* Returns the mapper interface bound to m. */
vmm_mapper_t rec_mapper_iface(rec_mapper_t *m);

/* Finds the page containing virt; false when unmapped. */
bool rec_mapper_lookup(const rec_mapper_t *m, uint64_t virt, rec_page_t *out);
/* Iterates the pages in no particular order: start with *cursor = 0; returns
 * false at the end. */
bool rec_mapper_next(const rec_mapper_t *m, size_t *cursor, rec_page_t *out);

/* dst (uninitialised or destroyed) becomes a deep copy of src's pages;
 * countdowns and counters are copied too. */
void rec_mapper_copy(rec_mapper_t *dst, const rec_mapper_t *src);
/* True when a and b hold exactly the same pages. */
bool rec_mapper_equal(const rec_mapper_t *a, const rec_mapper_t *b);

#endif
