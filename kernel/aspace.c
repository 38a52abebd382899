/*
 * aspace.c - the kernel's user address spaces (see aspace.h).
 */
#include "aspace.h"

#include "kernel.h"
#include "mm.h"

/* Returns true when a is the address space loaded in CR3. (Invalidating
 * only then is right because the kernel runs with CR4.PCIDE off: a CR3 load
 * flushes every non-global entry. With PCIDs it is not: INTEGRATION.md, 3.) */
static bool is_loaded(const mm_aspace_t *a)
{
    return kmm.current == a;
}

static vmm_status_t as_map(void *ctx, uint64_t virt, uint64_t phys, uint64_t len,
                           uint64_t page_size, vmm_attrs_t attrs)
{
    mm_aspace_t *a = ctx;
    return a->tables.map(a->tables.ctx, virt, phys, len, page_size, attrs);
}

/* The core's unmap; the invalidation (INTEGRATION.md) is left pending for
 * as_flush where the tables are loaded (one CPU: here or nowhere; an address
 * space not loaded has no TLB entries since the CR3 load that left it). */
static vmm_status_t as_unmap(void *ctx, uint64_t virt, uint64_t len, uint64_t page_size)
{
    mm_aspace_t *a = ctx;
    vmm_status_t st = a->tables.unmap(a->tables.ctx, virt, len, page_size);
    if (st == VMM_OK)
        kmm.map_epoch++;
    if (st == VMM_OK && is_loaded(a))
        mm_tlb_defer(&a->tlb, virt, len, page_size);
    return st;
}

/* The pending invalidations, then the emptied table frames go back: once
 * per VMM call, after its unmaps and before it frees their frames. (A space
 * switched away from with invalidations pending needs none: the CR3 load
 * dropped its entries, and the flush still runs.) */
static void as_flush(void *ctx)
{
    mm_aspace_t *a = ctx;
    mm_tlb_flush(&a->tlb);
}

static vmm_status_t as_query(void *ctx, uint64_t virt, uint64_t *phys, vmm_attrs_t *attrs,
                             uint64_t *page_size)
{
    mm_aspace_t *a = ctx;
    return a->tables.query(a->tables.ctx, virt, phys, attrs, page_size);
}

static vmm_status_t as_mappable(void *ctx, uint64_t virt, uint64_t len)
{
    mm_aspace_t *a = ctx;
    return a->tables.mappable(a->tables.ctx, virt, len);
}

vmm_status_t mm_aspace_create(mm_aspace_t *a)
{
    a->tables = x86_paging_mapper(&a->as.pt);
    a->tlb = (mm_tlb_batch_t){ 0 };
    /* the kernel's wrapped frame source: zero (zero-before-visible: a user
     * page must never show another process's data) and in_use. Mutant
     * KERNEL_MUTANT_ASPACE_RAW_FRAMES (tests only): the bare pmm source,
     * which has neither; aspace_destroy_returns_every_frame must catch it. */
#ifdef KERNEL_MUTANT_ASPACE_RAW_FRAMES
    vmm_frames_t frames = kmm.frames;
#else
    vmm_frames_t frames = kmm.core_frames;
#endif
    x86_aspace_config_t cfg = {
        .kernel = &kmm.pt, .frames = frames,
        .allocator = kheap_allocator(&kmm.heap),
        .user_start = MM_USER_START, .user_end = MM_USER_END,
        /* The kernel's queue, shared: this kernel runs on one CPU, so one
         * lock domain (INTEGRATION.md, 6: an SMP kernel gives each address
         * space its own queue, or guards this one with its own lock). */
        .release = x86_table_queue_release(&kmm.table_queue),
        .mapper = { .map = as_map, .unmap = as_unmap, .query = as_query, .ctx = a,
                    .mappable = as_mappable, .flush = as_flush },
    };
    return x86_aspace_create(&a->as, &cfg);
}

void mm_aspace_destroy(mm_aspace_t *a)
{
    if (is_loaded(a))
        mm_aspace_switch(0);
    /* INTEGRATION.md, 9: never while loaded (its tables go straight back) */
    if (read_cr3() == x86_aspace_cr3(&a->as))
        panic("destroying the address space CR3 holds (switch away first)");
    vmm_status_t st = x86_aspace_destroy(&a->as);
    if (st != VMM_OK)
        panic("x86_aspace_destroy: %s", vmm_strerror(st));
    /* and then the release queue (tables its earlier unmaps emptied), after
     * any invalidation still pending: mm_tlb_flush does both */
    mm_tlb_flush(&kmm.tlb);
}

void mm_aspace_switch(mm_aspace_t *a)
{
    kmm.map_epoch++;
    kmm.current = a;
    write_cr3(a != 0 ? x86_aspace_cr3(&a->as) : kmm.boot.cr3);
}
