/*
 * frames.h - the frame-source interface: where physical frames come from.
 *
 * The VMM and the page tables never call the frame manager directly; they take
 * a vmm_frames_t. pmm_frames() (pmm.h) binds one to a frame manager; a harness
 * wraps that to fail on demand. Frames are 4 KiB (VMM_PAGE_SIZE).
 *
 * Every operation is all-or-nothing: on error nothing changed.
 *
 * Context: a VMM calls it with its vmm_t lock held (INTEGRATION.md), from
 * vmm_fault too (a demand page: #PF context); the page tables call it from
 * x86_map / x86_unmap. One frame source shared by several vmm_t (a pmm_t,
 * pmm.h) needs its own lock, taken after theirs. A callback must not call
 * back into the vmm_t that called it (VMM_ERR_BUSY: vmm.h, "Reentrancy").
 */
#ifndef CORE_FRAMES_H
#define CORE_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "vmm_cdefs.h"

VMM_BEGIN_DECLS

#define VMM_PAGE_SHIFT 12u
#define VMM_PAGE_SIZE ((uint64_t)1 << VMM_PAGE_SHIFT) /* 4 KiB */
#define VMM_PAGE_MASK (VMM_PAGE_SIZE - 1u)

typedef struct vmm_frames {
    /* Allocates count contiguous frames whose first frame number is a multiple
     * of align (a power of two, in frames) and stores the physical address in
     * *phys. Contents are unspecified. VMM_ERR_OUT_OF_FRAMES when impossible,
     * VMM_ERR_INVALID_ARGUMENT for count == 0 or a bad align. */
    vmm_status_t (*alloc)(void *ctx, size_t count, size_t align, uint64_t *phys);
    /* Returns count frames from phys to the source. Frames outside managed
     * memory (reserved, device, beyond RAM) are skipped; every managed frame
     * of the range must be in use, else VMM_ERR_FRAME_NOT_USED. */
    vmm_status_t (*free)(void *ctx, uint64_t phys, size_t count);
    /* Marks the managed frames of [phys, phys + count frames) used (a fixed
     * physical range, Pluto's set). Unmanaged frames are skipped. Fails with
     * VMM_ERR_PHYS_ALREADY_ALLOCATED when a managed frame is in use. */
    vmm_status_t (*claim)(void *ctx, uint64_t phys, size_t count);
    /* Every callback: VMM_ERR_INVALID_ARGUMENT for count == 0, and the
     * pmm's (pmm_frames) also VMM_ERR_MISALIGNED for a phys not 4 KiB
     * aligned and VMM_ERR_OVERFLOW for a range past 2^64. */
    void *ctx;
    /* Optional (may be NULL: then nothing is checked). Returns VMM_OK when
     * every managed frame of [phys, phys + count frames) is in use (so it may
     * be handed over to the VMM, which frees it later), VMM_ERR_FRAME_NOT_USED
     * when one is free; unmanaged frames are skipped. Changes nothing. */
    vmm_status_t (*in_use)(void *ctx, uint64_t phys, size_t count);
    /* Optional (may be NULL). Fills the count frames from phys with zeros
     * (the source knows how to reach them: a kernel's direct map). Cannot
     * fail. Zero-before-visible: the VMM calls it for every fresh frame it
     * maps (vmm_alloc, demand faults) BEFORE the page-table entry becomes
     * present, so no CPU and no other thread can ever read a frame's previous
     * contents. NULL: frames are mapped as they come (only for sources whose
     * frames are zero already, or test doubles): a kernel must provide it. */
    void (*zero)(void *ctx, uint64_t phys, size_t count);
} vmm_frames_t;

VMM_END_DECLS

#endif
