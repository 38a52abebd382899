/*
 * vmm_internal.h - the window arithmetic the three files of the VMM share:
 * vmm.c (init, set, alloc, reserve, claim, map_page), vmm_records.c (the
 * allocation records, vmm_records.h), vmm_release.c (free, release,
 * deinit) and fault.c. Not part of the API: users include vmm.h.
 *
 * Bitmap index i <-> virtual address start + i * VMM_PAGE_SIZE.
 */
#ifndef CORE_VMM_INTERNAL_H
#define CORE_VMM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm.h"

#define PAGES_OF(bytes) ((bytes) >> VMM_PAGE_SHIFT)
#define BYTES_OF(pages) ((uint64_t)(pages) << VMM_PAGE_SHIFT)
#define IS_ALIGNED(x, size) (((x) & ((size) - 1u)) == 0)
#define ATTRS_VALID(attrs) (((attrs) & ~VMM_ATTR_ALL) == 0)

/* ---- the window ---- */

/* Returns the bitmap index of the page holding virt (virt in the window). */
static inline size_t vmm_page_index(const vmm_t *vmm, uint64_t virt)
{
    return (size_t)PAGES_OF(virt - vmm->start);
}

/* Returns the virtual address of bitmap index i. */
static inline uint64_t vmm_page_addr(const vmm_t *vmm, size_t i)
{
    return vmm->start + BYTES_OF(i);
}

/* Returns true when vmm was initialised: vmm_init never leaves an empty
 * window, so a zeroed vmm_t (its init failed or never ran) reads false
 * (vmm.h: such a vmm_t is safe with every call). */
static inline bool vmm_initialised(const vmm_t *vmm)
{
    return vmm->start < vmm->end;
}

/* Returns true when virt lies in [start, end). */
static inline bool vmm_in_window(const vmm_t *vmm, uint64_t virt)
{
    return virt >= vmm->start && virt < vmm->end;
}

/* Returns true when [virt, virt + len) (len > 0) lies in the window; never
 * wraps, since end - virt is computed only for virt < end. */
static inline bool vmm_range_in_window(const vmm_t *vmm, uint64_t virt, uint64_t len)
{
    return vmm_in_window(vmm, virt) && len <= vmm->end - virt;
}

/* ---- the reentrancy guard (vmm.h, "Reentrancy") ---- */

/* Runs `call`, a vmm_status_t expression, as a public entry of vmm and
 * returns its status: VMM_ERR_BUSY instead, with nothing read or changed,
 * when a call on vmm is already running (a callback re-entered it). A NULL
 * vmm goes through to `call` (its own NULL check). */
#define VMM_GUARDED(vmm, call)              \
    do {                                    \
        vmm_t *guarded_ = (vmm);            \
        if (guarded_ != 0) {                \
            if (guarded_->busy)             \
                return VMM_ERR_BUSY;        \
            guarded_->busy = true;          \
        }                                   \
        vmm_status_t guarded_st_ = (call);  \
        if (guarded_ != 0)                  \
            guarded_->busy = false;         \
        return guarded_st_;                 \
    } while (0)

/* Completes the invalidations the mapper left pending (mapper.h: flush),
 * when it has a flush: after every unmap of a call, before a frame it
 * unmapped goes back and before the call returns. */
static inline void vmm_mapper_flush(const vmm_t *vmm)
{
    if (vmm->mapper.flush != 0)
        vmm->mapper.flush(vmm->mapper.ctx);
}

/* vmm_deinit's work without the guard, for an initialised vmm_t
 * (x86_aspace_destroy keeps the guard up across it and the tables'
 * teardown). */
void vmm_release_all(vmm_t *vmm);

/* vmm_map_page without the guard, for vmm_fault's demand map (vmm.c). */
vmm_status_t vmm_map_page_unguarded(vmm_t *vmm, uint64_t reservation, uint64_t virt,
                                    uint64_t phys, vmm_attrs_t attrs);

#endif
