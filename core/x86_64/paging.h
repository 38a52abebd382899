/*
 * paging.h - x86_64 four-level page tables: map, unmap, translate at
 * 4 KiB / 2 MiB / 1 GiB, and the core's mapper interface over them.
 *
 * Table frames come from a vmm_frames_t; the table at physical address p is
 * reached at virtual address p + access_offset (a host buffer in a harness,
 * the direct map in the kernel, 0 under an identity map). Nothing here assumes
 * which.
 *
 * Attributes become flags: user = !KERNEL, W = WRITABLE, PCD = !CACHABLE,
 * NX = !EXECUTABLE, G for kernel mappings. Intermediate entries are P|W|U
 * (permissive); the leaf decides, as the hardware combines levels.
 *
 * Every map/unmap is all-or-nothing: on error no entry changed, no table frame
 * kept. Tables that become empty after an unmap are freed at once, so map then
 * unmap returns the frame source to exactly its previous state.
 */
#ifndef CORE_X86_64_PAGING_H
#define CORE_X86_64_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../frames.h"
#include "../mapper.h"
#include "../status.h"
#include "pte.h"

typedef struct x86_paging {
    uint64_t pml4;          /* physical address of the PML4 (CR3's address) */
    uint64_t access_offset; /* table at phys p is at virtual p + offset     */
    vmm_frames_t frames;    /* where table frames come from                  */
    size_t table_frames;    /* frames held by tables, the PML4 included      */
} x86_paging_t;

/* Result of a software walk (same semantics as the hardware). */
typedef struct x86_walk {
    uint64_t phys;        /* physical address virt translates to           */
    uint64_t page_size;   /* 4K, 2M or 1G                                  */
    int level;            /* level of the leaf entry (0 PT, 1 PD, 2 PDPT)  */
    bool writable;        /* effective: W at every level                   */
    bool user;            /* effective: U at every level                   */
    bool executable;      /* effective: no NX at any level                 */
    x86_pte_t entries[X86_LEVELS]; /* entry read at each level, PML4 first;
                                      0 below the leaf                     */
} x86_walk_t;

/* Allocates a zeroed PML4. VMM_ERR_OUT_OF_FRAMES (nothing kept). */
vmm_status_t x86_paging_init(x86_paging_t *pt, const vmm_frames_t *frames,
                             uint64_t access_offset);

/* Frees every table frame (not the frames mappings point to). */
void x86_paging_destroy(x86_paging_t *pt);

/* Maps [virt, virt + len) to [phys, phys + len) with page_size pages.
 * Errors: VMM_ERR_INVALID_ARGUMENT (page_size, len == 0, attrs),
 * VMM_ERR_MISALIGNED, VMM_ERR_NON_CANONICAL, VMM_ERR_OVERFLOW,
 * VMM_ERR_INVALID_PHYS (beyond 52 bits), VMM_ERR_ALREADY_MAPPED,
 * VMM_ERR_LARGE_PAGE_CONFLICT (a larger page covers it, or a smaller
 * mapping lies under a requested large page), VMM_ERR_OUT_OF_FRAMES. */
vmm_status_t x86_map(x86_paging_t *pt, uint64_t virt, uint64_t phys,
                     uint64_t len, uint64_t page_size, vmm_attrs_t attrs);

/* Unmaps [virt, virt + len), mapped with page_size pages. Errors:
 * VMM_ERR_INVALID_ARGUMENT, VMM_ERR_MISALIGNED, VMM_ERR_NON_CANONICAL,
 * VMM_ERR_NOT_MAPPED (a page not mapped), VMM_ERR_LARGE_PAGE_CONFLICT (mapped
 * with another page size). */
vmm_status_t x86_unmap(x86_paging_t *pt, uint64_t virt, uint64_t len,
                       uint64_t page_size);

/* Walks the tables for virt. VMM_ERR_NON_CANONICAL, VMM_ERR_NOT_MAPPED (out
 * still holds the entries read). */
vmm_status_t x86_translate(const x86_paging_t *pt, uint64_t virt,
                           x86_walk_t *out);

/* Leaf flags for attrs at page_size (PS added for 2M/1G). */
x86_pte_t x86_attrs_to_pte(vmm_attrs_t attrs, uint64_t page_size);
/* Attributes of an effective walk (inverse of x86_attrs_to_pte). */
vmm_attrs_t x86_walk_attrs(const x86_walk_t *walk);

/* VMM_OK when every byte of [virt, virt + len) is canonical and on one side
 * of the hole; VMM_ERR_INVALID_ARGUMENT (len == 0), VMM_ERR_OVERFLOW,
 * VMM_ERR_NON_CANONICAL. The mapper's `mappable`. */
vmm_status_t x86_range_mappable(uint64_t virt, uint64_t len);

/* The core's mapper interface bound to pt (pt must outlive its users). */
vmm_mapper_t x86_paging_mapper(x86_paging_t *pt);

#endif
