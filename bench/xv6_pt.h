/*
 * xv6_pt.h - the page-table baseline: xv6's walk / mappages / uvmunmap /
 * walkaddr (kernel/vm.c), ported to x86_64's four levels and 4 KiB pages.
 * No all-or-nothing checks, no large pages, tables never freed by unmap:
 * the simplest correct thing, to price what the core's guarantees cost.
 */
#ifndef BENCH_XV6_PT_H
#define BENCH_XV6_PT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/frames.h"
#include "core/x86_64/pte.h"

typedef struct xv6_pt {
    uint64_t root;          /* physical address of the PML4        */
    uint64_t access_offset; /* table at phys p is at p + offset    */
    vmm_frames_t frames;
} xv6_pt_t;

/* Allocates a zeroed root; false when out of frames. */
bool xv6_pt_init(xv6_pt_t *pt, const vmm_frames_t *frames, uint64_t access_offset);
/* Maps npages 4 KiB pages from va to pa; false when out of frames or a page
 * is already mapped (xv6 panics there). */
bool xv6_mappages(xv6_pt_t *pt, uint64_t va, uint64_t pa, uint64_t npages,
                  x86_pte_t perm);
/* Clears npages leaf entries from va; false when one is not mapped. */
bool xv6_uvmunmap(xv6_pt_t *pt, uint64_t va, uint64_t npages);
/* Returns the physical address va maps to, or 0 when unmapped. */
uint64_t xv6_walkaddr(const xv6_pt_t *pt, uint64_t va);
/* Frees every table (xv6's freewalk). */
void xv6_pt_destroy(xv6_pt_t *pt);

#endif
