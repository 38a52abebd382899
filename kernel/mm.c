/*
 * mm.c - the kernel's memory set-up and #PF policy (see mm.h).
 */
#include "mm.h"

#include "aspace.h"
#include "core/x86_64/pf.h"
#include "kernel.h"
#include "serial.h"

#define HEAP_ARENA_BYTES (64u * 1024u)
#define HEAP_LOW_WATER (16u * 1024u)

kernel_mm_t kmm;

static _Alignas(HEAP_GRAIN) uint8_t heap_arena[HEAP_ARENA_BYTES];
/* Table frames must be reachable through boot.S's identity map until the
 * CR3 switch; afterwards anything goes. */
static uint64_t boot_frame_limit = MM_BOOT_IDENTITY_LIMIT;

/* Frame source for the core: the pmm's, refusing frames the boot identity
 * map cannot reach while it is in use. */
static vmm_status_t frames_alloc(void *ctx, size_t count, size_t align, uint64_t *phys)
{
    kernel_mm_t *m = ctx;
    uint64_t p;
    vmm_status_t st = m->frames.alloc(m->frames.ctx, count, align, &p);
    if (st != VMM_OK)
        return st;
    if (p + count * VMM_PAGE_SIZE > boot_frame_limit) {
        (void)m->frames.free(m->frames.ctx, p, count);
        return VMM_ERR_OUT_OF_FRAMES;
    }
    *phys = p;
    return VMM_OK;
}

/* Returns true when batch b holds an invalidation not done yet. */
static bool batch_pending(const mm_tlb_batch_t *b)
{
    return b->all || b->n != 0;
}

/* Returns true when an unmap's invalidation is still pending: the kernel
 * window's batch or the loaded address space's. */
static bool tlb_pending(const kernel_mm_t *m)
{
    return batch_pending(&m->tlb) || (m->current != 0 && batch_pending(&m->current->tlb));
}

/* Frees frames for the core. INTEGRATION.md, 3 and 4: a frame goes back only
 * after the invalidation of every unmap that dropped it (else another CPU,
 * or this one, may still reach it through a stale TLB entry): a frame freed
 * while one is pending is a bug of this glue or of the core, so a panic. */
static vmm_status_t frames_free(void *ctx, uint64_t phys, size_t count)
{
    kernel_mm_t *m = ctx;
    if (m->ready && tlb_pending(m))
        panic("frame 0x%lx freed while a TLB invalidation is pending (flush first: "
              "INTEGRATION.md, 3)", phys);
    return m->frames.free(m->frames.ctx, phys, count);
}

static vmm_status_t frames_claim(void *ctx, uint64_t phys, size_t count)
{
    kernel_mm_t *m = ctx;
    return m->frames.claim(m->frames.ctx, phys, count);
}

/* The pmm's in_use: vmm_map_page refuses a free frame with it
 * (VMM_ERR_FRAME_NOT_USED) instead of mapping a frame the pmm may hand out
 * again (frames.h). Mutant KERNEL_MUTANT_NO_IN_USE (tests only, never
 * core/): the frame source has no in_use, as before the outside review's
 * finding; errors_and_failures_change_nothing must catch the free frame
 * mapped. */
static vmm_status_t frames_in_use(void *ctx, uint64_t phys, size_t count)
{
    kernel_mm_t *m = ctx;
    return m->frames.in_use(m->frames.ctx, phys, count);
}

/* Zeroes frames for the core (zero-before-visible): through the direct map
 * once it is live, through boot.S's identity map before. Mutant
 * KERNEL_MUTANT_NO_ZERO (tests only): zeroes nothing; demand_paging_4k's
 * recycled-looking (dirty) frames must then be caught. */
static void frames_zero(void *ctx, uint64_t phys, size_t count)
{
    kernel_mm_t *m = ctx;
#ifdef KERNEL_MUTANT_NO_ZERO
    if (m->ready)
        return;
#endif
    uint64_t *p = (uint64_t *)(uintptr_t)(m->ready ? phys + MM_HHDM : phys);
    for (uint64_t i = 0; i < count * (VMM_PAGE_SIZE / sizeof(uint64_t)); i++)
        p[i] = 0;
}

/* Mapper for the VMM: the core's page tables, plus the TLB invalidation
 * the core cannot do (it has no privileged instructions). Mutant
 * KERNEL_MUTANT_RO_WRITABLE (tests only, never core/): the wrapper maps
 * every non-executable page writable; the user-rights self-test must catch
 * the CPL3 write to a read-only page that no longer faults. */
static vmm_status_t tlb_map(void *ctx, uint64_t virt, uint64_t phys, uint64_t len,
                            uint64_t page_size, vmm_attrs_t attrs)
{
    kernel_mm_t *m = ctx;
#ifdef KERNEL_MUTANT_RO_WRITABLE
    if (!(attrs & VMM_ATTR_EXECUTABLE))
        attrs |= VMM_ATTR_WRITABLE;
#endif
    return m->table_mapper.map(m->table_mapper.ctx, virt, phys, len, page_size, attrs);
}

/* Drops every TLB entry, global ones too (a CR3 load would keep those). */
static void invalidate_all(void)
{
#ifndef KERNEL_MUTANT_NO_INVLPG
    uint64_t cr4 = read_cr4();
    write_cr4(cr4 & ~CR4_PGE);
    write_cr4(cr4);
#endif
}

/* Invalidates [virt, virt + len) page by page (a range that is pending
 * alone: mm_tlb_defer turns more than MM_TLB_FLUSH_ALL_PAGES pending pages
 * into a full flush). Mutant KERNEL_MUTANT_NO_INVLPG (tests only, never
 * core/): the wrapper forgets every invalidation; the unmap self-tests must
 * catch the stale entries. */
static void invalidate_range(uint64_t virt, uint64_t len, uint64_t page_size)
{
#ifndef KERNEL_MUTANT_NO_INVLPG
    for (uint64_t off = 0; off < len; off += page_size)
        invlpg(virt + off);
#else
    (void)virt, (void)len, (void)page_size;
#endif
}

void mm_tlb_defer(mm_tlb_batch_t *b, uint64_t virt, uint64_t len, uint64_t page_size)
{
    b->unmaps++;
    b->pages += len / page_size;
    if (b->all || b->n == MM_TLB_RANGES || b->pages > MM_TLB_FLUSH_ALL_PAGES) {
        b->all = true;
        return;
    }
    b->virt[b->n] = virt;
    b->len[b->n] = len;
    b->page_size[b->n] = page_size;
    b->n++;
}

void mm_tlb_flush(mm_tlb_batch_t *b)
{
    if (batch_pending(b)) {
        b->flushes++;
        b->full_flushes += b->all;
        if (b->all)
            invalidate_all();
        else
            for (unsigned i = 0; i < b->n; i++)
                invalidate_range(b->virt[i], b->len[i], b->page_size[i]);
    }
    b->n = 0;
    b->pages = 0;
    b->all = false;
    (void)x86_table_queue_flush(&kmm.table_queue);
}

/* The kernel window's unmap: the core's; its invalidation (the kernel half
 * is in every address space, so always) waits for tlb_flush, which the VMM
 * calls once after the call's unmaps and before it frees their frames. */
static vmm_status_t tlb_unmap(void *ctx, uint64_t virt, uint64_t len, uint64_t page_size)
{
    kernel_mm_t *m = ctx;
    vmm_status_t st = m->table_mapper.unmap(m->table_mapper.ctx, virt, len, page_size);
    if (st == VMM_OK)
        m->map_epoch++;
    if (st == VMM_OK && m->ready)
        mm_tlb_defer(&m->tlb, virt, len, page_size);
    return st;
}

/* The kernel window's flush: the pending invalidations, then the emptied
 * table frames go back. */
static void tlb_flush(void *ctx)
{
    kernel_mm_t *m = ctx;
    if (m->ready)
        mm_tlb_flush(&m->tlb);
}

static vmm_status_t tlb_query(void *ctx, uint64_t virt, uint64_t *phys,
                              vmm_attrs_t *attrs, uint64_t *page_size)
{
    kernel_mm_t *m = ctx;
    return m->table_mapper.query(m->table_mapper.ctx, virt, phys, attrs, page_size);
}

static vmm_status_t tlb_mappable(void *ctx, uint64_t virt, uint64_t len)
{
    (void)ctx;
    return x86_range_mappable(virt, len);
}

/* Returns the number of whole 4 KiB frames inside the map's usable entries
 * (the e820 total the pmm must track; QEMU's entries do not overlap). */
static uint64_t usable_frames(const kernel_mm_t *m)
{
    uint64_t n = 0;
    for (size_t i = 0; i < m->map_len; i++) {
        const memmap_entry_t *e = &m->map[i];
        if (e->type != MEMMAP_USABLE)
            continue;
        uint64_t first = (e->base + VMM_PAGE_MASK) >> VMM_PAGE_SHIFT;
        uint64_t end = (e->base + e->length) >> VMM_PAGE_SHIFT;
        n += end > first ? end - first : 0;
    }
    return n;
}

/* Returns the physical address of `bytes` (a multiple of 4 KiB) of usable
 * RAM for the pmm's bitmaps: the first place in a usable entry at or above
 * MM_PMM_STORAGE_MIN, clear of the image, below the boot identity map's
 * limit (the storage is reached at phys until the CR3 switch). Panics when
 * none fits: the pmm cannot exist without it. */
static uint64_t place_pmm_storage(const kernel_mm_t *m, uint64_t bytes)
{
    uint64_t img = (uint64_t)(uintptr_t)__image_phys_start;
    uint64_t img_end = ((uint64_t)(uintptr_t)__image_phys_end + VMM_PAGE_MASK) & ~VMM_PAGE_MASK;
    for (size_t i = 0; i < m->map_len; i++) {
        const memmap_entry_t *e = &m->map[i];
        if (e->type != MEMMAP_USABLE)
            continue;
        uint64_t end = e->base + e->length;
        uint64_t p = (e->base + VMM_PAGE_MASK) & ~VMM_PAGE_MASK;
        if (p < MM_PMM_STORAGE_MIN)
            p = MM_PMM_STORAGE_MIN;
        if (p < img_end && p + bytes > img)
            p = img_end;
        if (p < end && bytes <= end - p && p + bytes <= MM_BOOT_IDENTITY_LIMIT)
            return p;
    }
    panic("no usable region below 4 GiB holds the pmm's %lu bytes", (unsigned long)bytes);
}

/* Moves the pmm's bitmap pointers from the boot identity map to the direct
 * map (the identity map is gone after the CR3 switch). */
static void rebase_pmm_storage(kernel_mm_t *m)
{
    m->pmm.used.words = mm_phys_to_virt((uint64_t)(uintptr_t)m->pmm.used.words);
    m->pmm.reserved.words = mm_phys_to_virt((uint64_t)(uintptr_t)m->pmm.reserved.words);
}

/* Prints the memory map. */
static void print_map(const kernel_mm_t *m)
{
    static const char *const names[] = {
        "usable", "reserved", "acpi reclaimable", "acpi nvs", "bad",
        "bootloader reclaimable", "kernel and modules", "framebuffer",
    };
    for (size_t i = 0; i < m->map_len; i++) {
        const memmap_entry_t *e = &m->map[i];
        kprintf("  mem 0x%012lx-0x%012lx %s\n", e->base, e->base + e->length,
                e->type < sizeof(names) / sizeof(names[0]) ? names[e->type] : "?");
    }
}

/* Fills kmm.segments from the linker symbols; returns how many. */
static size_t image_segments(kernel_mm_t *m)
{
    const struct { char *start, *end; vmm_attrs_t attrs; } parts[3] = {
        { __text_start, __text_end, VMM_ATTR_EXECUTABLE | VMM_ATTR_CACHABLE },
        { __rodata_start, __rodata_end, VMM_ATTR_CACHABLE },
        { __data_start, __data_end, VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE },
    };
    size_t n = 0;
    for (size_t i = 0; i < 3; i++) {
        uint64_t virt = (uint64_t)(uintptr_t)parts[i].start;
        uint64_t size = (uint64_t)(parts[i].end - parts[i].start);
        if (size == 0)
            continue;
        m->segments[n].virt = virt;
        m->segments[n].phys = virt - KERNEL_VMA;
        m->segments[n].size = size;
        m->segments[n].attrs = VMM_ATTR_KERNEL | parts[i].attrs;
        n++;
    }
    return n;
}

/* Builds the frame manager from the PVH map, its bitmaps sized from the map
 * and carved out of usable RAM (so every usable frame is tracked, whatever
 * the RAM size), and reserves the image and that storage. Panics unless the
 * free count equals the map's usable total. */
static void init_frames(kernel_mm_t *m, uint64_t start_info_phys)
{
    m->map_len = pvh_memory_map(start_info_phys, 0, m->map, PVH_MAX_MAP);
    if (m->map_len == 0)
        panic("no PVH memory map at 0x%lx", start_info_phys);
    print_map(m);
    size_t words = pmm_storage_words(m->map, m->map_len);
    uint64_t bytes = ((uint64_t)words * sizeof(uint64_t) + VMM_PAGE_MASK) & ~VMM_PAGE_MASK;
    uint64_t storage = place_pmm_storage(m, bytes);
    vmm_status_t st = pmm_init(&m->pmm, m->map, m->map_len,
                               (uint64_t *)(uintptr_t)storage, words);
    if (st != VMM_OK)
        panic("pmm_init (%lu words): %s", (unsigned long)words, vmm_strerror(st));
    uint64_t usable = usable_frames(m);
    if (pmm_free_count(&m->pmm) != usable)
        panic("pmm: %lu frames free, the map has %lu usable",
              (unsigned long)pmm_free_count(&m->pmm), (unsigned long)usable);
    uint64_t img = (uint64_t)(uintptr_t)__image_phys_start;
    uint64_t img_end = (uint64_t)(uintptr_t)__image_phys_end;
    st = pmm_reserve(&m->pmm, img, img_end - img);
    if (st == VMM_OK)
        st = pmm_reserve(&m->pmm, storage, bytes);
    /* Frame 0 (the real-mode IVT and the BIOS data area) is never handed
     * out, as Linux keeps it: not the PML4, not a page a NULL-based
     * physical address could reach by mistake. */
    if (st == VMM_OK)
        st = pmm_reserve(&m->pmm, 0, VMM_PAGE_SIZE);
    if (st != VMM_OK)
        panic("pmm_reserve(image, storage, frame 0): %s", vmm_strerror(st));
    m->frames = pmm_frames(&m->pmm);
    m->usable_frames = usable;
    kprintf("  pmm: all %lu usable frames tracked (%lu MiB), %lu free; image 0x%lx-0x%lx "
            "and bitmaps 0x%lx-0x%lx reserved\n",
            (unsigned long)usable, (unsigned long)(usable >> 8),
            (unsigned long)pmm_free_count(&m->pmm), img, img_end, storage, storage + bytes);
}

/* Records and pins the holes of the direct map (MMIO, firmware, ACPI, the
 * PCI hole: boot.h leaves them free in the VMM) up to the end of the
 * highest map entry, or to the kernel's top 512 GiB when an entry (a high
 * 64-bit PCI window, say) reaches them, so that no kernel allocation lands at MM_HHDM + phys of
 * one and a stray mm_phys_to_virt of a hole faults instead of reading that
 * allocation. The direct map's runs are boot's records below the top
 * 512 GiB, in address order. Panics on failure (boot cannot go on). */
static void pin_direct_holes(kernel_mm_t *m)
{
    static vmm_range_t holes[PVH_MAX_MAP + 1];
    size_t n = 0;
    uint64_t prev = MM_HHDM;
    uint64_t cap = X86_KERNEL_BASE - MM_HHDM; /* the direct map's span: below the top 512G */
    for (size_t i = 0; i < m->map_len; i++) {
        if (m->map[i].length == 0)
            continue; /* boot refused any entry that wraps: last cannot */
        uint64_t last = m->map[i].base + (m->map[i].length - 1);
        uint64_t end = last >= cap ? cap : (last | VMM_PAGE_MASK) + 1;
        if (end > m->map_end)
            m->map_end = end;
    }
    for (const vmm_record_t *r = vmm_first_record(&m->vmm); r != 0 && r->virt < X86_KERNEL_BASE;
         r = vmm_next_record(r)) {
        if (r->virt > prev && n < PVH_MAX_MAP)
            holes[n++] = (vmm_range_t){ prev, r->virt };
        prev = r->virt + r->pages * VMM_PAGE_SIZE;
    }
    if (MM_HHDM + m->map_end > prev)
        holes[n++] = (vmm_range_t){ prev, MM_HHDM + m->map_end };
    for (size_t i = 0; i < n; i++) {
        vmm_status_t st = vmm_set(&m->vmm, holes[i], 0, VMM_ATTR_KERNEL);
        if (st == VMM_OK)
            st = vmm_pin(&m->vmm, holes[i].start);
        if (st != VMM_OK)
            panic("pinning the direct map's hole 0x%lx-0x%lx: %s", holes[i].start,
                  holes[i].end, vmm_strerror(st));
    }
    m->direct_holes = n;
    kprintf("  direct map: %lu holes up to 0x%lx pinned\n", (unsigned long)n, m->map_end);
}

/* Turns on SMEP and SMAP where the CPU has them (INTEGRATION.md, 3): the
 * kernel then neither runs nor touches user pages by mistake, and the #PF
 * handler hands CR4 to the core, which calls such a fault KERNEL_USER. The
 * kernel touches user memory only through the direct map (or between stac
 * and clac). */
static void enable_smep_smap(kernel_mm_t *m)
{
    m->smep = cpuid_leaf7_ebx(CPUID_EBX_SMEP);
    m->smap = cpuid_leaf7_ebx(CPUID_EBX_SMAP);
    uint64_t cr4 = read_cr4();
    if (m->smep)
        cr4 |= X86_CR4_SMEP;
    if (m->smap)
        cr4 |= X86_CR4_SMAP;
    write_cr4(cr4);
    kprintf("  SMEP %s, SMAP %s\n", m->smep ? "on" : "absent", m->smap ? "on" : "absent");
}

void mm_init(uint64_t start_info_phys)
{
    kernel_mm_t *m = &kmm;
    init_frames(m, start_info_phys);
    if (!cpuid_ext_edx(CPUID_EDX_NX))
        panic("the CPU has no NX bit; the core's mappings need it");
    m->has_1g_pages = cpuid_ext_edx(CPUID_EDX_PAGE1GB);
    kheap_init(&m->heap);
    kheap_add(&m->heap, heap_arena, sizeof(heap_arena));

    vmm_frames_t boot_frames = { .alloc = frames_alloc, .free = frames_free,
                                 .claim = frames_claim, .ctx = m,
#ifdef KERNEL_MUTANT_NO_IN_USE
                                 .in_use = 0 ? frames_in_use : 0,
#else
                                 .in_use = frames_in_use,
#endif
                                 .zero = frames_zero };
    x86_boot_config_t cfg = {
        .map = m->map, .map_len = m->map_len, .hhdm_offset = MM_HHDM,
        .has_1g_pages = m->has_1g_pages, .kernel = m->segments,
        .kernel_len = image_segments(m), .access_offset = 0,
        .vmm_start = MM_WINDOW_START, .vmm_end = MM_WINDOW_END,
        .allocator = kheap_allocator(&m->heap),
    };
    vmm_status_t st = x86_boot_init(&cfg, &boot_frames, &m->pt, &m->vmm, &m->boot);
    if (st != VMM_OK)
        panic("x86_boot_init: %s", vmm_strerror(st));
    kprintf("  boot init: direct map of the regions, pages up to %s, %lu table frames, "
            "cr3 0x%lx\n",
            m->boot.direct_map_page == VMM_SIZE_1G ? "1 GiB" : "2 MiB",
            (unsigned long)m->boot.table_frames, m->boot.cr3);

#ifdef KERNEL_MUTANT_HOLES_FREE /* tests only, never core/: see CMakeLists.txt */
    if (0)
#endif
        pin_direct_holes(m);
    if (read_cr4() & CR4_LA57)
        panic("CR4.LA57 is set: the core builds 4-level tables (INTEGRATION.md, CPU set-up)");
    write_cr3(m->boot.cr3);
    rebase_pmm_storage(m);
    m->pt.access_offset = MM_HHDM;
    boot_frame_limit = UINT64_MAX;
    /* The core's kernel leaves carry G. Clear, then set: a loader may have
     * left PGE on with global entries of its own, which a plain set keeps. */
    write_cr4(read_cr4() & ~CR4_PGE);
    write_cr4(read_cr4() | CR4_PGE);
    enable_smep_smap(m);
    st = x86_paging_pin_kernel_half(&m->pt);
    if (st != VMM_OK)
        panic("x86_paging_pin_kernel_half: %s", vmm_strerror(st));
    m->core_frames = boot_frames;
    x86_table_queue_init(&m->table_queue, &m->core_frames, MM_HHDM);
    m->pt.release = x86_table_queue_release(&m->table_queue);
    m->table_mapper = x86_paging_mapper(&m->pt);
    m->vmm.mapper = (vmm_mapper_t){ .map = tlb_map, .unmap = tlb_unmap, .query = tlb_query,
                                    .ctx = m, .mappable = tlb_mappable, .flush = tlb_flush };
#ifdef KERNEL_MUTANT_NO_FLUSH
    /* Mutant (tests only, never core/): unmaps defer their invalidation but
     * no flush completes it; the batching self-test must catch it. */
    m->vmm.mapper.flush = 0;
#endif
    m->ready = true;
    kprintf("  switched to the core's tables; running at 0x%lx; CR4.PGE on, "
            "kernel half pinned (%lu table frames)\n",
            (unsigned long)(uintptr_t)&mm_init, (unsigned long)m->pt.table_frames);
}

vmm_fault_kind_t mm_page_fault(uint64_t cr2, uint64_t error, uint64_t rflags,
                               uint64_t cs, vmm_fault_result_t *res)
{
    if (!kmm.ready) {
        res->kind = VMM_FAULT_NOT_PRESENT;
        return res->kind;
    }
    /* A demand fault takes record store and nodes from the heap
     * (INTEGRATION.md, 7: top it up between calls). From inside a call on
     * the window the refill's vmm_alloc gets VMM_ERR_BUSY and does nothing. */
    mm_heap_refill();
#ifdef KERNEL_MUTANT_SKIP_DEMAND_MAP
    /* Mutant (tests only, never core/): a handler that says "resolved" on a
     * demand fault without mapping; the kernel must fail, not hang. */
    const vmm_record_t *lazy = vmm_find_record(&kmm.vmm, cr2);
    if (lazy != 0 && (lazy->flags & VMM_RESERVE_LAZY) != 0) {
        res->kind = VMM_FAULT_RESOLVED;
        return res->kind;
    }
#endif
    /* The user half belongs to the address space loaded, if any. */
    vmm_t *vmm = &kmm.vmm;
    const x86_paging_t *pt = &kmm.pt;
    if (kmm.current != 0 && cr2 < X86_USER_END) {
        vmm = &kmm.current->as.vmm;
        pt = &kmm.current->as.pt;
    }
#ifdef KERNEL_MUTANT_NO_CPU_STATE
    /* Mutant (tests only, never core/): a handler that does not hand CR4 to
     * the core: an SMAP violation then reads as SPURIOUS and is retried. */
    (void)rflags, (void)cs;
    vmm_fault_kind_t kind = x86_page_fault(vmm, cr2, error, res);
#else
    vmm_fault_kind_t kind = x86_page_fault_cpu(vmm, cr2, error, read_cr4(), rflags, cs, res);
#endif
    if (kind == VMM_FAULT_RESOLVED) {
        /* The core zeroed the frame before mapping it (frames_zero). */
        x86_walk_t walk;
        if (x86_translate(pt, cr2, &walk) != VMM_OK)
            panic("demand fault at 0x%lx resolved, but the page is not mapped", cr2);
    } else if (kind == VMM_FAULT_SPURIOUS) {
        invlpg(cr2);
    }
    return kind;
}

void mm_heap_refill(void)
{
    if (!kmm.ready || kmm.heap.free_bytes >= HEAP_LOW_WATER)
        return;
    uint64_t v;
    if (vmm_alloc(&kmm.vmm, MM_HEAP_GROW_PAGES, MM_KERNEL_RW, &v) != VMM_OK)
        return;
    kheap_add(&kmm.heap, (void *)(uintptr_t)v, MM_HEAP_GROW_PAGES * VMM_PAGE_SIZE);
    kmm.heap_grows++;
}

uint64_t mm_alloc_pages(size_t pages, vmm_status_t *st)
{
#ifndef KERNEL_MUTANT_NO_ALLOC_REFILL /* tests only, never core/: see CMakeLists.txt */
    mm_heap_refill();
#endif
    uint64_t v = 0;
    vmm_status_t s = vmm_alloc(&kmm.vmm, pages, MM_KERNEL_RW, &v);
    if (st != 0)
        *st = s;
    return s == VMM_OK ? v : 0;
}

vmm_status_t mm_free_pages(uint64_t virt)
{
    return vmm_free(&kmm.vmm, virt);
}
