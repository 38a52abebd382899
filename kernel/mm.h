/*
 * mm.h - the kernel's memory: the frame manager built from the PVH memory
 * map, the core's boot initialisation (direct map, kernel image in the top
 * 512 GiB), the CR3 switch, the kernel VMM window and the kernel heap.
 *
 * Layout: the image is loaded at KERNEL_IMAGE_PHYS and linked at
 * KERNEL_VMA + phys; the direct map puts phys p at MM_HHDM + p; the window
 * [MM_WINDOW_START, MM_WINDOW_END) is the VMM managed by the core: the
 * whole higher half, holding the direct map and the image (recorded at
 * boot) and everything the kernel allocates.
 */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "core/fault.h"
#include "core/memmap.h"
#include "core/pmm.h"
#include "core/vmm.h"
#include "core/x86_64/aspace.h"
#include "core/x86_64/boot.h"
#include "core/x86_64/paging.h"
#include "heap.h"
#include "pvh.h"

#define MM_HHDM 0xFFFF800000000000ull
/* The VMM tracks the whole higher half, as the Rust seed does: the direct
 * map and the image are recorded at boot, allocations land anywhere free.
 * (The last page of the address space can never be in a window.) */
#define MM_WINDOW_START MM_HHDM
#define MM_WINDOW_END (0 - VMM_PAGE_SIZE)
/* The pmm's bitmaps are sized from the memory map at boot and carved out of
 * the first usable RAM at or above this address (see mm.c). */
#define MM_PMM_STORAGE_MIN ((uint64_t)1 << 20)
/* The low 4 GiB are identity-mapped by boot.S until the CR3 switch. */
#define MM_BOOT_IDENTITY_LIMIT ((uint64_t)4 << 30)
/* Attributes of the kernel's own data pages. */
#define MM_KERNEL_RW (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)
/* Pages the kernel heap takes from the window (one ALLOC record) when it runs low. */
#define MM_HEAP_GROW_PAGES 16u

/* Linker symbols (kernel.ld): page-aligned segment bounds at link address. */
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];
extern char __image_phys_start[], __image_phys_end[];

/* Invalidations an unmap left pending until the mapper's flush (core/mapper.h:
 * the VMM calls flush once after a call's unmaps, before it frees their
 * frames): up to MM_TLB_RANGES ranges, each invalidated page by page, or,
 * past that or past MM_TLB_FLUSH_ALL_PAGES pages, one full flush. The
 * counters let the self-tests see the batching. */
#define MM_TLB_RANGES 8u
#define MM_TLB_FLUSH_ALL_PAGES 64u
typedef struct mm_tlb_batch {
    uint64_t virt[MM_TLB_RANGES], len[MM_TLB_RANGES], page_size[MM_TLB_RANGES];
    unsigned n;       /* ranges pending                              */
    uint64_t pages;   /* pages pending                               */
    bool all;         /* a full flush is pending                     */
    uint64_t unmaps;  /* unmaps deferred, ever                       */
    uint64_t flushes; /* flushes that invalidated something, ever    */
    uint64_t full_flushes; /* of them, full flushes                  */
} mm_tlb_batch_t;

typedef struct kernel_mm {
    memmap_entry_t map[PVH_MAX_MAP];
    size_t map_len;
    pmm_t pmm;
    vmm_frames_t frames;     /* pmm_frames(&pmm)                          */
    x86_paging_t pt;         /* the core's tables, live after the switch  */
    vmm_t vmm;               /* the window                                 */
    vmm_mapper_t table_mapper; /* x86_paging_mapper(&pt), wrapped by vmm  */
    kheap_t heap;
    x86_boot_result_t boot;
    x86_kernel_segment_t segments[3];
    bool has_1g_pages;
    bool smep, smap;         /* CR4.SMEP / CR4.SMAP on (the CPU has them) */
    bool ready;              /* CR3 switched: the #PF policy is live      */
    size_t heap_grows;       /* times the heap took pages from the window */
    uint64_t usable_frames;  /* whole frames in the map's usable entries  */
    uint64_t map_end;        /* the highest end of any map entry (4 KiB):
                                [MM_HHDM, MM_HHDM + map_end) holds only the
                                direct map and its pinned holes           */
    size_t direct_holes;     /* holes of the direct map pinned at boot     */
    vmm_frames_t core_frames; /* the frame source given to the core       */
    x86_table_queue_t table_queue; /* released table frames until flushed */
    mm_tlb_batch_t tlb;      /* the kernel window's pending invalidations  */
    struct mm_aspace *current; /* the user address space loaded, or NULL  */
    uint64_t map_epoch;      /* bumped by every unmap and CR3 switch: a
                                fault repeated across one is a new fault,
                                not a fault loop (trap.c)                 */
} kernel_mm_t;

extern kernel_mm_t kmm;

/* Builds everything from the PVH start info and switches CR3. Panics with
 * the failing step and status on error (nothing can run without it). */
void mm_init(uint64_t start_info_phys);

/* Returns the direct-map address of physical address phys. */
static inline void *mm_phys_to_virt(uint64_t phys)
{
    return (void *)(uintptr_t)(phys + MM_HHDM);
}

/* The #PF policy: the core's verdict (x86_page_fault_cpu, with CR4 and the
 * faulting context's rflags and cs: SMEP / SMAP) once the VMM is up,
 * VMM_FAULT_NOT_PRESENT before. On RESOLVED the new page (zeroed by the core
 * through frames_zero before it was mapped) is checked to be mapped (panics
 * otherwise). */
vmm_fault_kind_t mm_page_fault(uint64_t cr2, uint64_t error, uint64_t rflags,
                               uint64_t cs, vmm_fault_result_t *res);

/* Notes [virt, virt + len), just unmapped with page_size pages, as pending
 * in b (nothing is invalidated yet: mm_tlb_flush does it). */
void mm_tlb_defer(mm_tlb_batch_t *b, uint64_t virt, uint64_t len, uint64_t page_size);

/* Completes b's pending invalidations (invlpg per page, or for a large range
 * or too many ranges a full flush by toggling CR4.PGE: a CR3 reload would
 * keep global entries), then returns the released table frames to the
 * pmm (single CPU: no shootdown to wait for). b is empty afterwards. */
void mm_tlb_flush(mm_tlb_batch_t *b);

/* Tops up the heap from the window when it runs low. Call it between core
 * calls, never from inside one (the core is not reentrant). */
void mm_heap_refill(void);

/* The kernel's page allocator over the window: pages fresh frames mapped
 * kernel read-write. Returns the address or 0 (status in *st if not NULL). */
uint64_t mm_alloc_pages(size_t pages, vmm_status_t *st);
/* Frees what mm_alloc_pages returned. */
vmm_status_t mm_free_pages(uint64_t virt);

#endif
