/*
 * aspace.c - address spaces sharing the kernel half (see aspace.h).
 */
#include "core/x86_64/aspace.h"

#include <stdbool.h>

#include "core/vmm_assert.h"
#include "core/vmm_internal.h"

/* Returns true when the required callbacks of frames (alloc, free, claim:
 * what vmm_init requires) and of the allocator are all set. */
static bool sources_valid(const x86_aspace_config_t *cfg)
{
    return cfg->frames.alloc != NULL && cfg->frames.free != NULL &&
           cfg->frames.claim != NULL && cfg->allocator.alloc != NULL &&
           cfg->allocator.free != NULL;
}

/* Returns VMM_OK when cfg describes a valid address space, else the error
 * aspace.h lists (the window's own errors are left to vmm_init). */
static vmm_status_t check_config(const x86_aspace_config_t *cfg)
{
    if (cfg->kernel == NULL || cfg->kernel->table_frames == 0 ||
        !(cfg->kernel->flags & X86_PAGING_KERNEL_HALF_PINNED) || !sources_valid(cfg))
        return VMM_ERR_INVALID_ARGUMENT;
    if (cfg->mapper.map != NULL &&
        (cfg->mapper.unmap == NULL || cfg->mapper.query == NULL))
        return VMM_ERR_INVALID_ARGUMENT;
    if (cfg->user_start < X86_USER_START || cfg->user_end > X86_USER_END)
        return VMM_ERR_OUT_OF_BOUNDS;
    return VMM_OK;
}

/* The kernel half of a PML4 (slots 256-511) as one object: assigning it
 * copies the 256 entries in one block operation (memcpy). */
typedef struct kernel_half {
    x86_pte_t e[X86_ENTRIES - X86_KERNEL_HALF_SLOT];
} kernel_half_t;

/* Copies the kernel half of the kernel's PML4 into the PML4 of pt. */
static void share_kernel_half(x86_paging_t *pt, const x86_paging_t *kernel)
{
    const x86_pte_t *from =
        (const x86_pte_t *)(uintptr_t)(kernel->pml4 + kernel->access_offset);
    x86_pte_t *to = (x86_pte_t *)(uintptr_t)(pt->pml4 + pt->access_offset);
    *(kernel_half_t *)(to + X86_KERNEL_HALF_SLOT) =
        *(const kernel_half_t *)(from + X86_KERNEL_HALF_SLOT);
}

/* Returns VMM_OK with *as created; see aspace.h. */
vmm_status_t x86_aspace_create(x86_aspace_t *as, const x86_aspace_config_t *cfg)
{
    if (as == NULL || cfg == NULL)
        return VMM_ERR_INVALID_ARGUMENT;
    vmm_status_t st = check_config(cfg);
    if (st != VMM_OK)
        return st;
    x86_paging_t caller_pt = as->pt; /* restored on failure: nothing kept */
    st = x86_paging_init(&as->pt, &cfg->frames, cfg->kernel->access_offset);
    if (st != VMM_OK)
        return st; /* as->pt untouched */
    share_kernel_half(&as->pt, cfg->kernel);
    as->pt.flags = X86_PAGING_KERNEL_HALF_BORROWED;
    as->pt.release = cfg->release;
    vmm_mapper_t mapper = cfg->mapper.map != NULL ? cfg->mapper : x86_paging_mapper(&as->pt);
    st = vmm_init(&as->vmm, cfg->user_start, cfg->user_end, &cfg->allocator, &mapper,
                  &cfg->frames);
    if (st != VMM_OK)
        goto undo_tables;
    return VMM_OK;

undo_tables:
    x86_paging_destroy(&as->pt);
    as->pt = caller_pt;
    return st;
}

/* Destroys *as; see aspace.h. Its tables are loaded nowhere and all go
 * back to the frame source at the end, so the VMM's unmaps leave emptied
 * tables in place (X86_PAGING_TEARDOWN) instead of scanning each one. */
vmm_status_t x86_aspace_destroy(x86_aspace_t *as)
{
    if (as == NULL)
        return VMM_ERR_INVALID_ARGUMENT;
    if (as->vmm.busy || (as->pt.flags & X86_PAGING_BUSY))
        return VMM_ERR_BUSY; /* a callback of a call on *as: vmm.h, "Reentrancy" */
    if (as->pt.table_frames == 0)
        return VMM_OK; /* destroyed already, or zeroed */
    as->pt.release.release = NULL;
    as->pt.flags |= X86_PAGING_TEARDOWN;
    as->vmm.busy = true; /* up until the tables are gone: callbacks get BUSY */
    if (vmm_initialised(&as->vmm))
        vmm_release_all(&as->vmm);
    VMM_ASSERT(x86_paging_destroy(&as->pt) == VMM_OK); /* not NULL, not busy */
    as->vmm = (vmm_t){ 0 }; /* inert: every call on it fails or does nothing */
    return VMM_OK;
}

/* Returns the CR3 value of *as; see aspace.h. */
uint64_t x86_aspace_cr3(const x86_aspace_t *as)
{
    if (as == NULL)
        return 0;
    return as->pt.pml4 & X86_CR3_ADDR_MASK;
}
