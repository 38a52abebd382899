/* xv6_pt.c - xv6's page-table walk, four levels, 4 KiB (see xv6_pt.h). */
#include "xv6_pt.h"

#include <string.h>

#define TABLE_FLAGS (X86_PTE_P | X86_PTE_W | X86_PTE_U)

/* Returns the table at physical address phys. */
static x86_pte_t *table(const xv6_pt_t *pt, uint64_t phys)
{
    return (x86_pte_t *)(uintptr_t)(phys + pt->access_offset);
}

/* Returns a zeroed table frame in *phys; false when out of frames. */
static bool table_alloc(xv6_pt_t *pt, uint64_t *phys)
{
    if (pt->frames.alloc(pt->frames.ctx, 1, 1, phys) != VMM_OK)
        return false;
    memset(table(pt, *phys), 0, VMM_PAGE_SIZE);
    return true;
}

/* xv6's walk: returns the leaf entry for va, allocating missing tables when
 * alloc is true; NULL when a table is missing (or out of frames). */
static x86_pte_t *walk(const xv6_pt_t *pt, uint64_t va, bool alloc)
{
    x86_pte_t *t = table(pt, pt->root);
    for (int level = X86_LEVEL_PML4; level > X86_LEVEL_PT; level--) {
        x86_pte_t *pte = &t[X86_PX(level, va)];
        if (X86_PTE_PRESENT(*pte)) {
            t = table(pt, X86_PTE_ADDR(*pte));
        } else {
            uint64_t phys;
            if (!alloc || !table_alloc((xv6_pt_t *)pt, &phys))
                return NULL;
            *pte = phys | TABLE_FLAGS;
            t = table(pt, phys);
        }
    }
    return &t[X86_PX(X86_LEVEL_PT, va)];
}

bool xv6_pt_init(xv6_pt_t *pt, const vmm_frames_t *frames, uint64_t access_offset)
{
    pt->frames = *frames;
    pt->access_offset = access_offset;
    return table_alloc(pt, &pt->root);
}

bool xv6_mappages(xv6_pt_t *pt, uint64_t va, uint64_t pa, uint64_t npages,
                  x86_pte_t perm)
{
    for (uint64_t i = 0; i < npages; i++, va += VMM_PAGE_SIZE, pa += VMM_PAGE_SIZE) {
        x86_pte_t *pte = walk(pt, va, true);
        if (pte == NULL || X86_PTE_PRESENT(*pte))
            return false;
        *pte = pa | perm | X86_PTE_P;
    }
    return true;
}

bool xv6_uvmunmap(xv6_pt_t *pt, uint64_t va, uint64_t npages)
{
    for (uint64_t i = 0; i < npages; i++, va += VMM_PAGE_SIZE) {
        x86_pte_t *pte = walk(pt, va, false);
        if (pte == NULL || !X86_PTE_PRESENT(*pte))
            return false;
        *pte = 0;
    }
    return true;
}

uint64_t xv6_walkaddr(const xv6_pt_t *pt, uint64_t va)
{
    x86_pte_t *pte = walk(pt, va, false);
    if (pte == NULL || !X86_PTE_PRESENT(*pte))
        return 0;
    return X86_PTE_ADDR(*pte) | (va & VMM_PAGE_MASK);
}

/* Frees the table at phys (level) and every table below it. */
static void freewalk(xv6_pt_t *pt, uint64_t phys, int level)
{
    x86_pte_t *t = table(pt, phys);
    for (unsigned i = 0; level > X86_LEVEL_PT && i < X86_ENTRIES; i++)
        if (X86_PTE_PRESENT(t[i]))
            freewalk(pt, X86_PTE_ADDR(t[i]), level - 1);
    pt->frames.free(pt->frames.ctx, phys, 1);
}

void xv6_pt_destroy(xv6_pt_t *pt)
{
    freewalk(pt, pt->root, X86_LEVEL_PML4);
}
