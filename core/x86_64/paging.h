/*
 * paging.h - x86_64 four-level page tables: map, unmap, translate at
 * 4 KiB / 2 MiB / 1 GiB, and the core's mapper interface over them.
 *
 * Table frames come from a vmm_frames_t; the table at physical address p is
 * reached at virtual address p + access_offset (a host buffer in a harness,
 * the direct map in the kernel, 0 under an identity map). Nothing here assumes
 * which.
 *
 * Attributes become flags: user = !KERNEL, W = WRITABLE, PCD = !CACHABLE
 * (PWT clear: PAT entry 2, UC- with the power-on PAT, which a write-combining
 * MTRR turns into WC; keep PAT entries 0 and 2 as WB and UC-),
 * NX = !EXECUTABLE, G for kernel mappings in the kernel half (PML4 slots
 * 256-511) only: a global entry survives a CR3 switch, so a user-half page,
 * a kernel-only one included, is never global (it would outlive the switch
 * away from its address space). Intermediate entries are P|W|U
 * (permissive); the leaf decides, as the hardware combines levels.
 *
 * Every map/unmap is all-or-nothing: on error no entry changed, no table frame
 * kept. A table that becomes empty after an unmap is unlinked from its parent
 * and handed to the table-release hook (x86_table_release_t below): by
 * default (no hook) it goes back to the frame source at once, so map then
 * unmap returns the frame source to exactly its previous state.
 *
 * TLB contract (INTEGRATION.md): nothing here touches the TLB or CR3 (the
 * core has no privileged instruction). After x86_unmap the caller invalidates
 * every unmapped page (invlpg per page, or a full flush: a CR3 reload drops
 * only non-global entries, so with CR4.PGE on use invlpg or toggle PGE) on
 * every CPU that may cache it, BEFORE the data frames or the released table
 * frames are reused. x86_map of a not-present entry needs no invalidation
 * (a stale "not present" answer is a spurious #PF, vmm_fault says so).
 *
 * Locking: an x86_paging_t is not thread-safe; its owner (one lock per vmm_t)
 * serialises every call on it. x86_translate only reads.
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
#include "../vmm_cdefs.h"

VMM_BEGIN_DECLS

/* Where x86_unmap puts a page-table frame it emptied and unlinked. Until
 * the invalidation of the unmapped range has completed on every CPU, a TLB
 * or paging-structure cache may still walk through that frame, so it must
 * not be reused before then. release(ctx, phys) takes ownership: queue it
 * (x86_table_queue_t below) and free it after the invalidation (after the
 * TLB shootdown on SMP). release == NULL (the default, for single-CPU
 * kernels): frames.free at once, safe only when nothing can allocate a frame
 * between the unmap and the caller's invalidation (one CPU; no frame
 * allocation in interrupt handlers, or interrupts off across both). Called
 * under the caller's lock; it must not call back into these tables. */
typedef struct x86_table_release {
    void (*release)(void *ctx, uint64_t phys);
    void *ctx;
} x86_table_release_t;

/* x86_paging_t.flags */
/* PML4 slots 256-511 (the kernel half) always point to a PDPT, which unmap
 * never frees: address spaces copy these slots once and stay in sync. Set
 * by x86_paging_pin_kernel_half. */
#define X86_PAGING_KERNEL_HALF_PINNED (1u << 0)
/* PML4 slots 256-511 are borrowed from another x86_paging_t (an address
 * space, aspace.h): map/unmap refuse the kernel half (VMM_ERR_OUT_OF_BOUNDS),
 * translate reads through it, destroy leaves it alone. */
#define X86_PAGING_KERNEL_HALF_BORROWED (1u << 1)
/* The tables are being torn down (set right before x86_paging_destroy, as
 * x86_aspace_destroy does around vmm_deinit): x86_unmap still checks and
 * clears every entry but leaves emptied tables linked, without scanning them
 * for emptiness, since x86_paging_destroy frees every table next; x86_map
 * refuses with VMM_ERR_BUSY (a callback mapping into dying tables). */
#define X86_PAGING_TEARDOWN (1u << 2)
/* A call that may change the tables is running (x86_map, x86_unmap,
 * x86_paging_pin_kernel_half, x86_paging_destroy, and the mapper's map /
 * unmap): its callbacks (the frame source, the release hook) that call one
 * of those on the same tables get VMM_ERR_BUSY, with nothing changed (vmm.h,
 * "Reentrancy"). x86_translate, a read, stays callable. */
#define X86_PAGING_BUSY (1u << 3)
/* First PML4 slot of the kernel half (0xFFFF800000000000). */
#define X86_KERNEL_HALF_SLOT 256u

typedef struct x86_paging {
    uint64_t pml4;          /* physical address of the PML4 (CR3's address) */
    uint64_t access_offset; /* table at phys p is at virtual p + offset     */
    vmm_frames_t frames;    /* where table frames come from                  */
    size_t table_frames;    /* frames held by tables, the PML4 included      */
    x86_table_release_t release; /* emptied tables go here (NULL: free)   */
    uint32_t flags;         /* X86_PAGING_*                                  */
} x86_paging_t;

/* A queue of released table frames, chained through their first entry
 * (written not present, so a stale walk still sees an empty table). No
 * lock of its own: use one queue per lock domain (the kernel's tables, each
 * address space), or guard a shared one with its own lock and flush it only
 * after every invalidation whose unmaps fed it (INTEGRATION.md, section 6). */
typedef struct x86_table_queue {
    uint64_t head;          /* first queued frame, X86_TABLE_QUEUE_END if none */
    size_t count;           /* frames queued                                 */
    uint64_t access_offset; /* frame at phys p is at virtual p + offset      */
    vmm_frames_t frames;    /* where x86_table_queue_flush returns them      */
} x86_table_queue_t;
#define X86_TABLE_QUEUE_END ((uint64_t)X86_PTE_W) /* not a frame, not present */

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

/* Frees every table frame it owns (not the frames mappings point to, not a
 * borrowed kernel half) straight to the frame source: call it only when no
 * CPU has these tables loaded or cached (switched away, TLB flushed).
 * Returns VMM_OK (also when there is nothing to free: destroyed already, or
 * zeroed); VMM_ERR_INVALID_ARGUMENT (NULL) or VMM_ERR_BUSY (from a callback
 * of a call on pt: X86_PAGING_BUSY) with nothing changed. (It returned
 * nothing before; a caller that ignores the status still compiles.) */
vmm_status_t x86_paging_destroy(x86_paging_t *pt);

/* Gives every empty PML4 slot of the kernel half (256-511) a zeroed PDPT and
 * sets X86_PAGING_KERNEL_HALF_PINNED, so the kernel half's PML4 entries never
 * change again. Call once, before creating address spaces. Costs up to 256
 * frames. VMM_ERR_BUSY (X86_PAGING_BUSY), VMM_ERR_INVALID_ARGUMENT,
 * VMM_ERR_OUT_OF_FRAMES (nothing kept). */
vmm_status_t x86_paging_pin_kernel_half(x86_paging_t *pt);

/* Empties q, to return released frames to frames (reached at
 * access_offset). Nothing when q is NULL; when frames is NULL or has no
 * free, q becomes an inert queue (as a zeroed one): its hook is the
 * default one and flushing it returns 0. */
void x86_table_queue_init(x86_table_queue_t *q, const vmm_frames_t *frames,
                          uint64_t access_offset);
/* The release hook that queues into q (q must outlive the tables); the
 * default hook (release NULL: tables freed at once) for q == NULL or an
 * inert q (zeroed, or its init refused). */
x86_table_release_t x86_table_queue_release(x86_table_queue_t *q);
/* Returns every queued frame to the frame source; returns how many (0 for
 * q == NULL or an inert q). Call it
 * only once the invalidation covering every unmap that queued them has
 * completed on every CPU. */
size_t x86_table_queue_flush(x86_table_queue_t *q);

/* Maps [virt, virt + len) to [phys, phys + len) with page_size pages.
 * Errors, argument checks in this order: VMM_ERR_BUSY (from a callback of a
 * call on pt: X86_PAGING_BUSY; or X86_PAGING_TEARDOWN), VMM_ERR_INVALID_ARGUMENT (pt,
 * attrs, page_size, len == 0), VMM_ERR_MISALIGNED (virt or len),
 * VMM_ERR_OVERFLOW (virt + len wraps), VMM_ERR_NON_CANONICAL,
 * VMM_ERR_MISALIGNED (phys), VMM_ERR_INVALID_PHYS (beyond 52 bits),
 * VMM_ERR_OUT_OF_BOUNDS (the kernel half of tables that borrow it); then
 * VMM_ERR_ALREADY_MAPPED,
 * VMM_ERR_LARGE_PAGE_CONFLICT (a larger page covers it, or a smaller
 * mapping lies under a requested large page), VMM_ERR_OUT_OF_FRAMES. */
vmm_status_t x86_map(x86_paging_t *pt, uint64_t virt, uint64_t phys,
                     uint64_t len, uint64_t page_size, vmm_attrs_t attrs);

/* Unmaps [virt, virt + len), mapped with page_size pages; emptied tables go
 * to pt->release (the PML4, and a pinned kernel half's PDPTs, stay). The
 * caller then invalidates the TLB (see above). Errors, in this order:
 * VMM_ERR_BUSY (X86_PAGING_BUSY), VMM_ERR_INVALID_ARGUMENT (pt, page_size, len == 0), VMM_ERR_MISALIGNED,
 * VMM_ERR_OVERFLOW (virt + len wraps), VMM_ERR_NON_CANONICAL,
 * VMM_ERR_OUT_OF_BOUNDS (a borrowed kernel half), then VMM_ERR_NOT_MAPPED (a
 * page not mapped), VMM_ERR_LARGE_PAGE_CONFLICT (mapped with another page
 * size). */
vmm_status_t x86_unmap(x86_paging_t *pt, uint64_t virt, uint64_t len,
                       uint64_t page_size);

/* Walks the tables for virt. VMM_ERR_NON_CANONICAL, VMM_ERR_NOT_MAPPED (out
 * still holds the entries read). */
vmm_status_t x86_translate(const x86_paging_t *pt, uint64_t virt,
                           x86_walk_t *out);

/* Leaf flags for attrs at page_size (PS added for 2M/1G), as x86_map
 * writes them in the kernel half; below it x86_map leaves G out. */
x86_pte_t x86_attrs_to_pte(vmm_attrs_t attrs, uint64_t page_size);
/* Attributes of an effective walk (inverse of x86_attrs_to_pte). */
vmm_attrs_t x86_walk_attrs(const x86_walk_t *walk);

/* VMM_OK when every byte of [virt, virt + len) is canonical and on one side
 * of the hole; VMM_ERR_INVALID_ARGUMENT (len == 0), VMM_ERR_OVERFLOW,
 * VMM_ERR_NON_CANONICAL. The mapper's `mappable` (which also answers
 * VMM_ERR_OUT_OF_BOUNDS for the kernel half of tables that borrow it). */
vmm_status_t x86_range_mappable(uint64_t virt, uint64_t len);

/* The core's mapper interface bound to pt (pt must outlive its users). */
vmm_mapper_t x86_paging_mapper(x86_paging_t *pt);

VMM_END_DECLS

#endif
