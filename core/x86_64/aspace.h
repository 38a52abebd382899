/*
 * aspace.h - address spaces: one PML4 per process whose kernel half (PML4
 * slots 256-511) is shared with the kernel's tables and whose user half is
 * managed by its own VMM.
 *
 * Sharing: create copies the kernel's 256 top-half PML4 entries once. They
 * point to the kernel's PDPTs, so every later kernel mapping is visible in
 * every address space, provided those entries never change: the kernel's
 * tables must be pinned first (x86_paging_pin_kernel_half). Kernel leaves
 * carry G (global): with CR4.PGE on they survive a CR3 switch in the TLB, so
 * changing a kernel mapping needs invlpg (or a PGE toggle), never just a
 * CR3 reload (INTEGRATION.md, TLB contract).
 *
 * The user half: [user_start, user_end) inside [X86_USER_START,
 * X86_USER_END) is a vmm_t over this address space's own tables; the kernel
 * half cannot be mapped through them (VMM_ERR_OUT_OF_BOUNDS).
 *
 * Locking: the address space's vmm_t and tables form one unit under one
 * lock (the vmm_t's). Its mapper's TLB work concerns the CPUs that have this
 * address space loaded (none: nothing to invalidate beyond its own CR3),
 * without PCIDs; with CR4.PCIDE on, every CPU that used its PCID since that
 * PCID was last flushed (INTEGRATION.md, section 3).
 */
#ifndef CORE_X86_64_ASPACE_H
#define CORE_X86_64_ASPACE_H

#include <stddef.h>
#include <stdint.h>

#include "../alloc.h"
#include "../frames.h"
#include "../vmm.h"
#include "paging.h"
#include "../vmm_cdefs.h"

VMM_BEGIN_DECLS

/* The user half of the canonical address space (page 0 stays unmapped). */
#define X86_USER_START ((uint64_t)0x1000)
#define X86_USER_END ((uint64_t)0x0000800000000000ull)

typedef struct x86_aspace_config {
    const x86_paging_t *kernel; /* pinned kernel tables, whose half is shared */
    vmm_frames_t frames;        /* user frames and this space's table frames */
    vmm_allocator_t allocator;  /* the VMM's records and bitmap nodes         */
    uint64_t user_start;        /* the user VMM window, 4 KiB aligned, inside */
    uint64_t user_end;          /* [X86_USER_START, X86_USER_END)             */
    x86_table_release_t release; /* emptied user tables (NULL: freed at once) */
    /* The VMM's mapper. map == NULL: x86_paging_mapper(&as->pt) itself,
     * and every other field is ignored (a flush alone is dropped: give the
     * whole wrapper). Else a wrapper (TLB invalidation after unmap, or in
     * flush: mapper.h) whose calls act on &as->pt: its ctx can be the
     * address space, known before create. */
    vmm_mapper_t mapper;
} x86_aspace_config_t;

typedef struct x86_aspace {
    x86_paging_t pt; /* own PML4 and user tables; kernel half borrowed     */
    vmm_t vmm;       /* the user half                                      */
} x86_aspace_t;

/* Creates an address space in *as (which must not move afterwards): a new
 * PML4 holding the kernel's top-half entries, no user mapping, the user VMM
 * over the window. Errors, with nothing kept (*as as it was, every frame
 * returned): VMM_ERR_INVALID_ARGUMENT (NULL, kernel tables not pinned, NULL
 * callbacks: frames' alloc, free, claim, the allocator's),
 * VMM_ERR_OUT_OF_BOUNDS (window outside the user half), VMM_ERR_OUT_OF_FRAMES
 * (no frame for the PML4), and vmm_init's errors. Cost: one frame, 256
 * entries copied (the VMM's bitmap takes nodes from the allocator only as
 * pages get used). */
vmm_status_t x86_aspace_create(x86_aspace_t *as, const x86_aspace_config_t *cfg);

/* Destroys *as: frees every record of its VMM (unmapping, returning every
 * user frame) and every table frame it owns, the PML4 included, straight to
 * the frame source; the shared kernel half is untouched. Call it only when
 * no CPU has it loaded and every CPU that had has reloaded CR3 since. Table
 * frames emptied earlier and handed to cfg.release stay in that queue: flush
 * it after the destroy. A user page unmapped behind the VMM's back is left
 * as it is, as vmm_deinit does (vmm.h): no trap. Cost: proportional to what
 * its records cover.
 * Returns VMM_OK (also for a destroyed or zeroed *as: nothing to free);
 * VMM_ERR_INVALID_ARGUMENT (NULL) or VMM_ERR_BUSY (from a callback of a call
 * on as->vmm or as->pt: vmm.h, "Reentrancy") with nothing changed. (It
 * returned nothing before; a caller that ignores the status still
 * compiles.) Calls on *as from its callbacks while it runs get VMM_ERR_BUSY.
 * After it *as is inert: as->vmm is zeroed (every call on it fails or does
 * nothing, vmm.h) until x86_aspace_create.
 * x86_aspace_create, like vmm_init, cannot tell a live *as from garbage. */
vmm_status_t x86_aspace_destroy(x86_aspace_t *as);

/* Returns the value to load into CR3 to run in *as (no PCID, write-back);
 * 0 for as == NULL. */
uint64_t x86_aspace_cr3(const x86_aspace_t *as);

VMM_END_DECLS

#endif
