/*
 * selftest_vmm.c - self-tests of the window, the tables and the VMM calls through the
 * real MMU (see selftest_util.h).
 */
#include "selftest_util.h"

/* Pages recorded at boot (direct map and image), for test_window_final. */
static size_t boot_pages;
static uint64_t sample_state = 0x9E3779B97F4A7C15ull;

/* Returns a pseudo-random number below bound (xorshift64). */
static uint64_t sample_below(uint64_t bound)
{
    uint64_t x = sample_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    sample_state = x;
    return x % bound;
}

/* Checks pages of [lo, hi) (its ends, middle and two random ones): set
 * exactly when want, and a page that is not set is not mapped. */
static bool run_is(uint64_t lo, uint64_t hi, bool want)
{
    uint64_t pages = (hi - lo) / PAGE;
    if (pages == 0)
        return true;
    uint64_t picks[5] = {0, pages - 1u, pages / 2u, sample_below(pages), sample_below(pages)};
    for (int k = 0; k < 5; k++) {
        uint64_t v = lo + picks[k] * PAGE;
        bool set = !want;
        x86_walk_t w;
        EXPECT_ST(vmm_is_set(&kmm.vmm, v, &set), VMM_OK);
        if (set != want) {
            kprintf("    page 0x%lx is %s but should %sbe\n", v, set ? "set" : "clear",
                    want ? "" : "not ");
            return false;
        }
        if (!set && x86_translate(&kmm.pt, v, &w) != VMM_ERR_NOT_MAPPED) {
            kprintf("    page 0x%lx is free in the window but mapped\n", v);
            return false;
        }
    }
    return true;
}

/* Pluto's runtime test, for a window of 2^35 pages: walks the records
 * (sorted, disjoint), samples each record and each gap between them, and
 * checks that the free count is the window minus the recorded pages.
 * Stores the pages of SET records (boot's) in *set_pages. */
static bool window_matches_records(size_t *used, size_t *set_pages)
{
    uint64_t prev = MM_WINDOW_START;
    *used = 0;
    *set_pages = 0;
    for (const vmm_record_t *r = vmm_first_record(&kmm.vmm); r != 0; r = vmm_next_record(r)) {
        uint64_t end = r->virt + r->pages * PAGE;
        EXPECT(r->virt >= prev && end <= MM_WINDOW_END && end > r->virt);
        if (!run_is(prev, r->virt, false) || !run_is(r->virt, end, true))
            return false;
        *used += r->pages;
        if (r->kind == VMM_REC_SET)
            *set_pages += r->pages;
        prev = end;
    }
    if (!run_is(prev, MM_WINDOW_END, false))
        return false;
    EXPECT(kmm.vmm.bitmap.num_free == WINDOW_PAGES - *used);
    EXPECT(hbitmap_check(&kmm.vmm.bitmap));
    return true;
}

/* At boot the window holds the direct map and the image, nothing else:
 * every record is a SET record, the image's pages are all recorded. */
bool test_window_reserved(void)
{
    bool set;
    size_t used, image = 0, records = 0;
    if (!window_matches_records(&used, &boot_pages))
        return false;
    EXPECT(used == boot_pages);
    records = vmm_record_count(&kmm.vmm);
    size_t pinned = 0;
    for (const vmm_record_t *r = vmm_first_record(&kmm.vmm); r != 0; r = vmm_next_record(r)) {
        if (in_image(r->virt)) {
            image += r->pages;
            EXPECT(r->flags & VMM_RECORD_PINNED); /* boot pins the image... */
        }
        if (r->flags & VMM_RECORD_PINNED) { /* ...and the direct map: never freed */
            pinned++;
            EXPECT_ST(vmm_free(&kmm.vmm, r->virt), VMM_ERR_PINNED);
        }
    }
    EXPECT(image == image_pages() && pinned >= 2 && vmm_record_count(&kmm.vmm) == records);
    for (uint64_t v = (uint64_t)(uintptr_t)__text_start; v < (uint64_t)(uintptr_t)__data_end;
         v += PAGE) {
        EXPECT_ST(vmm_is_set(&kmm.vmm, v, &set), VMM_OK);
        EXPECT(set);
    }
    /* the direct map of every usable region is recorded */
    for (size_t i = 0; i < kmm.map_len; i++) {
        const memmap_entry_t *e = &kmm.map[i];
        uint64_t first = (e->base + PAGE - 1) & ~(PAGE - 1);
        uint64_t end = (e->base + e->length) & ~(PAGE - 1);
        if (e->type != MEMMAP_USABLE || end <= first)
            continue;
        EXPECT_ST(vmm_is_set(&kmm.vmm, MM_HHDM + first, &set), VMM_OK);
        EXPECT(set);
        EXPECT_ST(vmm_is_set(&kmm.vmm, MM_HHDM + end - PAGE, &set), VMM_OK);
        EXPECT(set);
    }
    EXPECT_ST(vmm_is_set(&kmm.vmm, MM_WINDOW_END, &set), VMM_ERR_OUT_OF_BOUNDS);
    EXPECT_ST(vmm_is_set(&kmm.vmm, MM_WINDOW_START - PAGE, &set), VMM_ERR_OUT_OF_BOUNDS);
    kprintf("    window: %lu records, %lu pages, bitmap %lu bytes of nodes\n",
            (unsigned long)records, (unsigned long)used,
            (unsigned long)hbitmap_bytes(&kmm.vmm.bitmap));
    return true;
}

/* Returns true when boot.h direct-maps memory of type. */
static bool direct_mapped_type(uint32_t t)
{
    return t == MEMMAP_USABLE || t == MEMMAP_BOOTLOADER_RECLAIMABLE ||
           t == MEMMAP_EXECUTABLE_AND_MODULES || t == MEMMAP_FRAMEBUFFER;
}

/* Returns true when a map entry of a type boot.h leaves out covers a whole
 * 4 KiB frame inside the physical bytes [lo, hi] (its type wins). */
static bool direct_excludes(uint64_t lo, uint64_t hi)
{
    for (size_t i = 0; i < kmm.map_len; i++) {
        const memmap_entry_t *e = &kmm.map[i];
        if (e->length == 0 || direct_mapped_type(e->type))
            continue;
        uint64_t last = e->base + e->length - 1;
        uint64_t first = e->base / PAGE + (e->base % PAGE != 0);
        uint64_t end = last / PAGE + (last % PAGE == PAGE - 1);
        if (first < end && first <= hi / PAGE && end - 1 >= lo / PAGE)
            return true;
    }
    return false;
}

/* Returns true when the direct map must cover the physical bytes [lo, hi]:
 * the regions boot.h maps, rounded out to 4 KiB, hold them (wherever they
 * overlap or touch; each pass over the map moves lo past a region) and no
 * frame of them is excluded. */
static bool direct_covers(uint64_t lo, uint64_t hi)
{
    if (direct_excludes(lo, hi))
        return false;
    for (bool moved = true; moved;) {
        moved = false;
        for (size_t i = 0; i < kmm.map_len; i++) {
            const memmap_entry_t *e = &kmm.map[i];
            if (e->length == 0 || !direct_mapped_type(e->type))
                continue;
            uint64_t first = e->base & ~(PAGE - 1), last = (e->base + e->length - 1) | (PAGE - 1);
            if (first <= lo && lo <= last) {
                if (last >= hi || last == UINT64_MAX)
                    return true;
                lo = last + 1;
                moved = true;
            }
        }
    }
    return false;
}

/* Returns how much of the physical bytes [lo, hi] aliases a read-only
 * segment of the image (text, rodata): 0 none, 1 all, 2 some (boot.h: a
 * direct-map page never mixes them; the alias is read-only). */
static int read_only_alias(uint64_t lo, uint64_t hi)
{
    bool any = false;
    for (size_t i = 0; i < 3; i++) {
        const x86_kernel_segment_t *k = &kmm.segments[i];
        uint64_t len = (k->size + PAGE - 1) & ~(PAGE - 1);
        any |= len != 0 && !(k->attrs & VMM_ATTR_WRITABLE) && k->phys <= hi &&
               k->phys + len - 1 >= lo;
    }
    if (!any)
        return 0;
    for (bool moved = true; moved;) { /* all of it: move lo past each segment */
        moved = false;
        for (size_t i = 0; i < 3; i++) {
            const x86_kernel_segment_t *k = &kmm.segments[i];
            uint64_t len = (k->size + PAGE - 1) & ~(PAGE - 1);
            if (len == 0 || (k->attrs & VMM_ATTR_WRITABLE) || k->phys > lo ||
                k->phys + len - 1 < lo)
                continue;
            if (k->phys + len - 1 >= hi)
                return 1;
            lo = k->phys + len;
            moved = true;
        }
    }
    return 2;
}

/* Returns true and map entry i's frames as bytes [*lo, *hi] when it is a
 * framebuffer (rounded out to 4 KiB). */
static bool framebuffer_bytes(size_t i, uint64_t *lo, uint64_t *hi)
{
    const memmap_entry_t *e = &kmm.map[i];
    if (e->length == 0 || e->type != MEMMAP_FRAMEBUFFER)
        return false;
    *lo = e->base & ~(PAGE - 1);
    *hi = (e->base + e->length - 1) | (PAGE - 1);
    return true;
}

/* Returns how much of the physical bytes [lo, hi] is framebuffer frames
 * (those a FRAMEBUFFER entry touches): 0 none, 1 all, 2 some (boot.h: a
 * direct-map page never holds framebuffer and RAM frames). */
static int framebuffer_frames(uint64_t lo, uint64_t hi)
{
    bool any = false;
    uint64_t a, b;
    for (size_t i = 0; i < kmm.map_len; i++)
        any |= framebuffer_bytes(i, &a, &b) && a <= hi && b >= lo;
    if (!any)
        return 0;
    for (bool moved = true; moved;) { /* all of it: move lo past each entry */
        moved = false;
        for (size_t i = 0; i < kmm.map_len; i++) {
            if (!framebuffer_bytes(i, &a, &b) || a > lo || b < lo)
                continue;
            if (b >= hi)
                return 1;
            lo = b + 1;
            moved = true;
        }
    }
    return 2;
}

/* Returns the page size the direct map must use at phys (boot.h: the
 * largest allowed whose aligned block the regions cover whole and that is
 * all or none a read-only alias, all or none framebuffer frames; 4 KiB in
 * the first 2 MiB), or 0 where nothing may be mapped. */
static uint64_t direct_page_at(uint64_t phys)
{
    static const uint64_t sizes[] = { VMM_SIZE_1G, VMM_SIZE_2M, VMM_SIZE_4K };
    for (size_t i = kmm.has_1g_pages ? 0 : 1; i < 3; i++) {
        uint64_t first = phys & ~(sizes[i] - 1);
        if (sizes[i] > VMM_SIZE_4K && first < VMM_SIZE_2M)
            continue; /* 4 KiB only in the first 2 MiB */
        if (read_only_alias(first, first + sizes[i] - 1) != 2 &&
            framebuffer_frames(first, first + sizes[i] - 1) != 2 &&
            direct_covers(first, first + sizes[i] - 1))
            return sizes[i];
    }
    return 0;
}

/* Checks the direct map at phys against boot.h's rule: not mapped outside
 * the regions (and recorded there when below the map's end: mm.c pins the
 * holes), else mapped with the page size the rule gives. */
static bool direct_is(uint64_t phys)
{
    x86_walk_t w;
    uint64_t want = direct_page_at(phys);
    if (want == 0) {
        bool set = false;
        EXPECT_ST(x86_translate(&kmm.pt, MM_HHDM + phys, &w), VMM_ERR_NOT_MAPPED);
        EXPECT_ST(vmm_is_set(&kmm.vmm, MM_HHDM + phys, &set), VMM_OK);
        EXPECT(set == (phys < kmm.map_end));
        return true;
    }
    EXPECT_ST(x86_translate(&kmm.pt, MM_HHDM + phys, &w), VMM_OK);
    EXPECT(w.phys == phys && w.page_size == want && !w.executable);
    EXPECT(w.writable == !read_only_alias(phys, phys)); /* the image's text / rodata */
    return true;
}

/* The core's tables are live: CR3, image rights, the direct map. */
bool test_tables_live(void)
{
    EXPECT((read_cr3() & X86_CR3_ADDR_MASK) == kmm.pt.pml4);
    EXPECT(kmm.pt.pml4 != 0); /* frame 0 is reserved (mm.c) */
    uint64_t text = (uint64_t)(uintptr_t)&test_tables_live;
    uint64_t ro = (uint64_t)(uintptr_t)&selftest_rodata_word;
    uint64_t rw = (uint64_t)(uintptr_t)&selftest_data_word;
    if (!walk_is(text, text - KERNEL_VMA, false, true) ||
        !walk_is(ro, ro - KERNEL_VMA, false, false) ||
        !walk_is(rw, rw - KERNEL_VMA, true, false))
        return false;
    /* The same frame through the direct map. */
    volatile uint64_t *alias = mm_phys_to_virt(rw - KERNEL_VMA);
    EXPECT(*alias == selftest_data_word);
    *alias = 0x5A5A5A5A5A5A5A5Aull;
    EXPECT(*(volatile uint64_t *)&selftest_data_word == 0x5A5A5A5A5A5A5A5Aull);
    x86_walk_t w;
    EXPECT_ST(x86_translate(&kmm.pt, MM_HHDM + (rw - KERNEL_VMA), &w), VMM_OK);
    bool cpu_1g = cpuid_ext_edx(CPUID_EDX_PAGE1GB); /* TCG maps 1 GiB anyway */
    EXPECT(kmm.has_1g_pages == cpu_1g);
    EXPECT(w.page_size == direct_page_at(rw - KERNEL_VMA));
    EXPECT(kmm.boot.direct_map_page == (cpu_1g ? VMM_SIZE_1G : VMM_SIZE_2M));
    EXPECT(w.writable && !w.executable && !w.user);
    /* The direct map ends at the regions' 4 KiB edges (boot.h): at the
     * first and last page of every entry of the map, the page before and
     * after it, and where the local APIC, the IOAPIC and the VGA window
     * sit, mapped with the rule's page size or not at all. */
    for (size_t i = 0; i < kmm.map_len; i++) {
        const memmap_entry_t *e = &kmm.map[i];
        if (e->length == 0)
            continue;
        uint64_t first = e->base & ~(PAGE - 1), last = (e->base + e->length - 1) & ~(PAGE - 1);
        if (!direct_is(first) || !direct_is(last) || !direct_is(last + PAGE) ||
            (first != 0 && !direct_is(first - PAGE)))
            return false;
    }
    /* The image's text and rodata are read-only through the direct map too:
     * a write there faults (W^X on both mappings of the image; the probe
     * writes rodata's word, not code, in case it does not fault). */
    if (!direct_is(text - KERNEL_VMA) || !direct_is(ro - KERNEL_VMA) ||
        !direct_is(rw - KERNEL_VMA))
        return false;
    EXPECT(faults_with(MM_HHDM + (ro - KERNEL_VMA), true, VMM_FAULT_WRITE_READONLY));
    static const uint64_t mmio[] = { 0xFEE00000, 0xFEC00000, 0xA0000, 0xB8000 };
    for (size_t i = 0; i < sizeof mmio / sizeof mmio[0]; i++) {
        EXPECT(direct_page_at(mmio[i]) == 0); /* QEMU's map: no RAM there */
        if (!direct_is(mmio[i]))
            return false;
    }
    /* The holes are pinned, so no allocation lands in the direct map's span
     * (a stray mm_phys_to_virt of a hole faults, reads no allocation). */
    vmm_status_t st;
    uint64_t v = mm_alloc_pages(1, &st);
    EXPECT_ST(st, VMM_OK);
    EXPECT(kmm.direct_holes >= 1 && v >= MM_HHDM + kmm.map_end);
    EXPECT_ST(mm_free_pages(v), VMM_OK);
    /* Every usable region is in the direct map, first and last frame. */
    for (size_t i = 0; i < kmm.map_len; i++) {
        const memmap_entry_t *e = &kmm.map[i];
        uint64_t first = (e->base + PAGE - 1) & ~(PAGE - 1);
        uint64_t end = (e->base + e->length) & ~(PAGE - 1);
        if (e->type != MEMMAP_USABLE || end <= first)
            continue;
        if (!walk_is(MM_HHDM + first, first, true, false) ||
            !walk_is(MM_HHDM + end - PAGE, end - PAGE, true, false))
            return false;
    }
    /* Every frame of the image (boot stub and boot tables included) is
     * reserved: the frame manager can never hand it out. */
    uint64_t img = (uint64_t)(uintptr_t)__image_phys_start;
    uint64_t img_end = (uint64_t)(uintptr_t)__image_phys_end;
    for (uint64_t p = img; p < img_end; p += PAGE) {
        bool reserved;
        EXPECT_ST(pmm_is_reserved(&kmm.pmm, p, &reserved), VMM_OK);
        EXPECT(reserved);
    }
    /* Nothing left of the boot stub's identity map. */
    EXPECT_ST(x86_translate(&kmm.pt, 0x100000, &w), VMM_ERR_NOT_MAPPED);
    EXPECT(faults_with(0x100000, false, VMM_FAULT_NOT_PRESENT));
    return true;
}

/* Writes a pattern through each page of [v, v + pages) and checks it
 * through the direct map (and back), and that each frame is used. */
static bool check_pages_through_mmu(uint64_t v, size_t pages)
{
    for (size_t i = 0; i < pages; i++) {
        uint64_t page = v + i * PAGE;
        *word_at(page + 8) = PATTERN(page);
        x86_walk_t w;
        EXPECT_ST(x86_translate(&kmm.pt, page, &w), VMM_OK);
        EXPECT(w.page_size == VMM_SIZE_4K && w.writable && !w.executable);
        volatile uint64_t *alias = mm_phys_to_virt(w.phys);
        EXPECT(alias[1] == PATTERN(page));
        alias[2] = ~PATTERN(page);
        EXPECT(*word_at(page + 16) == ~PATTERN(page));
        bool used;
        EXPECT_ST(pmm_is_used(&kmm.pmm, w.phys, &used), VMM_OK);
        EXPECT(used);
    }
    return true;
}

/* Frames an allocation may need beyond its pages: a heap grow before it
 * (mm_heap_refill) and the page tables of a new region. */
#define ALLOC_SLACK_FRAMES (MM_HEAP_GROW_PAGES + 4u)

/* Frees the first n of the allocations at v (nothing when n is 0). */
static bool free_all(const uint64_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        EXPECT_ST(mm_free_pages(v[i]), VMM_OK);
    return true;
}

/* vmm_alloc / vmm_free through the real MMU, frames and TLB included. With
 * RAM too small for all of them (-m 2M) an allocation is OUT_OF_FRAMES,
 * changes nothing, and the earlier ones are freed. */
bool test_alloc_free(void)
{
    static const size_t sizes[] = { 1, 3, 8, 17, 64, 2, 5 };
    mm_heap_refill();
    size_t frames0 = free_frames();
    size_t window0 = kmm.vmm.bitmap.num_free;
    uint64_t v[sizeof(sizes) / sizeof(sizes[0])];
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        vmm_status_t st;
        size_t frames_before = free_frames(), window_before = kmm.vmm.bitmap.num_free;
        size_t left = pmm_free_count(&kmm.pmm);
        v[i] = mm_alloc_pages(sizes[i], &st);
        if (st == VMM_ERR_OUT_OF_FRAMES && left < sizes[i] + ALLOC_SLACK_FRAMES) {
            kprintf("    %lu free frames for %lu pages: out of frames\n", (unsigned long)left,
                    (unsigned long)sizes[i]);
            EXPECT(free_frames() == frames_before);
            EXPECT(kmm.vmm.bitmap.num_free == window_before);
            EXPECT(free_all(v, i));
            EXPECT(free_frames() == frames0);
            EXPECT(kmm.vmm.bitmap.num_free == window0);
            return true;
        }
        if (st != VMM_OK || vmm_find_record(&kmm.vmm, v[i]) == 0 ||
            !check_pages_through_mmu(v[i], sizes[i])) {
            kprintf("    allocation %lu of %lu pages: %s\n", (unsigned long)i,
                    (unsigned long)sizes[i], vmm_strerror(st));
            free_all(v, st == VMM_OK ? i + 1 : i);
            return false;
        }
    }
    x86_walk_t w;
    EXPECT_ST(x86_translate(&kmm.pt, v[2], &w), VMM_OK);
    uint64_t freed_frame = w.phys;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        EXPECT_ST(mm_free_pages(v[i]), VMM_OK);
    EXPECT(free_frames() == frames0);
    EXPECT(kmm.vmm.bitmap.num_free == window0);
    bool used;
    EXPECT_ST(pmm_is_used(&kmm.pmm, freed_frame, &used), VMM_OK);
    EXPECT(!used);
    /* The TLB forgot the pages: touching them is a fatal not-present. */
    EXPECT(faults_with(v[2] + PAGE, false, VMM_FAULT_NOT_PRESENT));
    EXPECT(faults_with(v[0], true, VMM_FAULT_NOT_PRESENT));
    return true;
}

/* vmm_set maps a chosen physical range; vmm_free hands its frames back. */
bool test_set_round_trip(void)
{
    const size_t n = 4;
    uint64_t phys;
    EXPECT_ST(pmm_alloc_contiguous(&kmm.pmm, n, 1, &phys), VMM_OK);
    for (size_t i = 0; i < n; i++)
        EXPECT_ST(pmm_free(&kmm.pmm, phys + i * PAGE), VMM_OK);
    mm_heap_refill();
    size_t frames0 = free_frames();
    uint64_t virt = MM_WINDOW_END - 64 * PAGE;
    vmm_range_t vr = { virt, virt + n * PAGE };
    vmm_range_t pr = { phys, phys + n * PAGE };
    EXPECT_ST(vmm_set(&kmm.vmm, vr, &pr, MM_KERNEL_RW), VMM_OK);
    EXPECT(free_frames() == frames0 - n);
    for (size_t i = 0; i < n; i++) {
        uint64_t page = virt + i * PAGE;
        *word_at(page) = PATTERN(page);
        volatile uint64_t *alias = mm_phys_to_virt(phys + i * PAGE);
        EXPECT(*alias == PATTERN(page));
    }
    /* Errors change nothing. */
    size_t window0 = kmm.vmm.bitmap.num_free;
    vmm_range_t other = { virt - 2 * n * PAGE, virt - n * PAGE };
    EXPECT_ST(vmm_set(&kmm.vmm, vr, &pr, MM_KERNEL_RW), VMM_ERR_ALREADY_ALLOCATED);
    EXPECT_ST(vmm_set(&kmm.vmm, other, &pr, MM_KERNEL_RW), VMM_ERR_PHYS_ALREADY_ALLOCATED);
    vmm_range_t half = { pr.start, pr.start + PAGE };
    EXPECT_ST(vmm_set(&kmm.vmm, other, &half, MM_KERNEL_RW), VMM_ERR_PHYS_VIRT_MISMATCH);
    EXPECT(kmm.vmm.bitmap.num_free == window0 && free_frames() == frames0 - n);
    EXPECT(faults_with(other.start, false, VMM_FAULT_NOT_PRESENT));
    EXPECT_ST(vmm_free(&kmm.vmm, virt + PAGE), VMM_ERR_NOT_START);
    EXPECT_ST(vmm_free(&kmm.vmm, virt), VMM_OK);
    EXPECT(free_frames() == frames0);
    EXPECT(faults_with(virt + (n - 1) * PAGE, true, VMM_FAULT_NOT_PRESENT));
    return true;
}

/* What reent_alloc saw when it called back into the kernel's VMM. */
static struct {
    vmm_frames_t inner;
    unsigned calls;
    vmm_status_t reserve, deinit;
    vmm_fault_kind_t fault;
    vmm_status_t fault_status;
} reent;

/* A frame source whose first call re-enters the kernel's VMM (a reserve, a
 * deinit, a fault on a lazy-able page), then hands out the frame. */
static vmm_status_t reent_alloc(void *ctx, size_t count, size_t align, uint64_t *phys)
{
    (void)ctx;
    if (reent.calls++ == 0) {
        uint64_t v;
        vmm_fault_result_t out;
        reent.reserve = vmm_reserve(&kmm.vmm, 1, VMM_SIZE_4K, MM_KERNEL_RW, 0, &v);
        reent.deinit = vmm_deinit(&kmm.vmm);
        reent.fault = vmm_fault(&kmm.vmm, MM_WINDOW_START, (vmm_access_t){ .write = true }, &out);
        reent.fault_status = out.status;
    }
    return reent.inner.alloc(reent.inner.ctx, count, align, phys);
}

/* A callback that calls back into its vmm_t is refused (VMM_ERR_BUSY; a
 * fault NOT_PRESENT with status VMM_ERR_BUSY) and the call it interrupted
 * ends as it would have: its pages are mapped and read back, and free
 * leaves the records as before (vmm.h, "Reentrancy"). */
bool test_reentry_refused(void)
{
    mm_heap_refill();
    size_t records = vmm_record_count(&kmm.vmm);
    vmm_frames_t frames = kmm.vmm.frames;
    vmm_frames_t hooked = frames;
    hooked.alloc = reent_alloc;
    reent.inner = frames;
    reent.calls = 0;
    kmm.vmm.frames = hooked;
    uint64_t v = 0;
    vmm_status_t st = vmm_alloc(&kmm.vmm, 2, MM_KERNEL_RW, &v);
    kmm.vmm.frames = frames;
    EXPECT_ST(st, VMM_OK);
    EXPECT(reent.calls == 2);
    EXPECT_ST(reent.reserve, VMM_ERR_BUSY);
    EXPECT_ST(reent.deinit, VMM_ERR_BUSY);
    EXPECT(reent.fault == VMM_FAULT_NOT_PRESENT);
    EXPECT_ST(reent.fault_status, VMM_ERR_BUSY);
    EXPECT(vmm_record_count(&kmm.vmm) == records + 1);
    volatile uint64_t *p = (volatile uint64_t *)v;
    p[0] = PATTERN(1);
    p[PAGE / sizeof(uint64_t)] = PATTERN(2);
    EXPECT(p[0] == PATTERN(1) && p[PAGE / sizeof(uint64_t)] == PATTERN(2));
    EXPECT_ST(vmm_free(&kmm.vmm, v), VMM_OK);
    EXPECT(vmm_record_count(&kmm.vmm) == records);
    return true;
}

/* One frame mapped by two borrowed reservations (VMM_RESERVE_BORROWED:
 * shared memory): a write through one reads back through the other; each
 * release unmaps its page and frees nothing, so the other still reads the
 * frame; its owner frees it after the last release. */
bool test_shared_frame_borrowed(void)
{
    uint64_t phys, a, b;
    bool used = false;
    EXPECT_ST(pmm_alloc(&kmm.pmm, &phys), VMM_OK);
    mm_heap_refill();
    size_t frames0 = free_frames();
    EXPECT_ST(vmm_reserve(&kmm.vmm, 1, VMM_SIZE_4K, MM_KERNEL_RW,
                          VMM_RESERVE_LAZY | VMM_RESERVE_BORROWED, &a),
              VMM_ERR_INVALID_ARGUMENT);
    EXPECT_ST(vmm_reserve(&kmm.vmm, 1, VMM_SIZE_4K, MM_KERNEL_RW, VMM_RESERVE_BORROWED, &a),
              VMM_OK);
    EXPECT_ST(vmm_reserve(&kmm.vmm, 1, VMM_SIZE_4K, MM_KERNEL_RW, VMM_RESERVE_BORROWED, &b),
              VMM_OK);
    EXPECT_ST(vmm_map_page(&kmm.vmm, a, a, phys, MM_KERNEL_RW), VMM_OK);
    EXPECT_ST(vmm_map_page(&kmm.vmm, b, b, phys, MM_KERNEL_RW), VMM_OK);
    *word_at(a) = PATTERN(a);
    EXPECT(*word_at(b) == PATTERN(a));
    EXPECT_ST(vmm_release(&kmm.vmm, a), VMM_OK);
    EXPECT(faults_with(a, false, VMM_FAULT_NOT_PRESENT));
    EXPECT_ST(pmm_is_used(&kmm.pmm, phys, &used), VMM_OK);
    EXPECT(used && *word_at(b) == PATTERN(a));
    EXPECT_ST(vmm_release(&kmm.vmm, b), VMM_OK);
    EXPECT_ST(pmm_is_used(&kmm.pmm, phys, &used), VMM_OK);
    EXPECT(used && free_frames() == frames0);
    EXPECT_ST(pmm_free(&kmm.pmm, phys), VMM_OK);
    return true;
}

/* Caller mistakes and failures part-way leave everything as it was. */
bool test_errors_change_nothing(void)
{
    mm_heap_refill();
    size_t frames0 = free_frames();
    size_t window0 = kmm.vmm.bitmap.num_free;
    size_t tables0 = kmm.pt.table_frames;
    size_t heap0 = kmm.heap.free_bytes;
    uint64_t v = 0;
    EXPECT_ST(vmm_alloc(&kmm.vmm, 0, MM_KERNEL_RW, &v), VMM_ERR_INVALID_ARGUMENT);
    EXPECT_ST(vmm_alloc(&kmm.vmm, 1, VMM_ATTR_ALL + 1, &v), VMM_ERR_INVALID_ARGUMENT);
    EXPECT_ST(vmm_alloc(&kmm.vmm, WINDOW_PAGES, MM_KERNEL_RW, &v), VMM_ERR_NO_SPACE);
    EXPECT_ST(vmm_free(&kmm.vmm, MM_WINDOW_END), VMM_ERR_OUT_OF_BOUNDS);
    EXPECT_ST(vmm_free(&kmm.vmm, MM_WINDOW_END - PAGE), VMM_ERR_NOT_ALLOCATED);
    EXPECT_ST(vmm_reserve(&kmm.vmm, 1, 12345, MM_KERNEL_RW, 0, &v), VMM_ERR_INVALID_ARGUMENT);

    /* A free frame handed to vmm_map_page is refused (the frame source's
     * in_use), not mapped: the pmm could give it out again. */
    uint64_t free_phys;
    EXPECT_ST(pmm_alloc(&kmm.pmm, &free_phys), VMM_OK);
    EXPECT_ST(pmm_free(&kmm.pmm, free_phys), VMM_OK);
    EXPECT_ST(vmm_reserve(&kmm.vmm, 1, VMM_SIZE_4K, MM_KERNEL_RW, 0, &v), VMM_OK);
    EXPECT_ST(vmm_map_page(&kmm.vmm, v, v, free_phys, MM_KERNEL_RW), VMM_ERR_FRAME_NOT_USED);
    EXPECT(faults_with(v, false, VMM_FAULT_NOT_PRESENT));
    EXPECT_ST(vmm_release(&kmm.vmm, v), VMM_OK);

    /* Frames run out after 5 of 8 pages: the 5 are unmapped and returned. */
    fail_frames_t failing;
    vmm_frames_t frames = kmm.vmm.frames;
    failing_frames_init(&failing, &frames, 5);
    kmm.vmm.frames = fail_frames_iface(&failing);
    vmm_status_t st = vmm_alloc(&kmm.vmm, 8, MM_KERNEL_RW, &v);
    kmm.vmm.frames = frames;
    EXPECT_ST(st, VMM_ERR_OUT_OF_FRAMES);
    EXPECT(failing.failures == 1 && failing.outstanding == 0);

    /* The allocator fails: no record, nothing mapped. A reservation may
     * still succeed (it allocates nothing when a record slot and the
     * bitmap's nodes are there), but its first demand page needs the
     * first chunk of the reservation's store: that fault fails, changing nothing. */
    vmm_allocator_t heap = kmm.vmm.allocator;
    kmm.vmm.allocator = null_allocator();
    vmm_status_t st_alloc = vmm_alloc(&kmm.vmm, 2, MM_KERNEL_RW, &v);
    vmm_status_t st_lazy = vmm_reserve(&kmm.vmm, 2, VMM_SIZE_4K, MM_KERNEL_RW,
                                       VMM_RESERVE_LAZY, &v);
    vmm_fault_result_t lazy_out = {0};
    vmm_fault_kind_t lazy_kind = VMM_FAULT_OUT_OF_MEMORY;
    if (st_lazy == VMM_OK)
        lazy_kind = vmm_fault(&kmm.vmm, v, (vmm_access_t){.write = true}, &lazy_out);
    kmm.vmm.allocator = heap;
    EXPECT_ST(st_alloc, VMM_ERR_OUT_OF_MEMORY);
    EXPECT(st_lazy == VMM_OK || st_lazy == VMM_ERR_OUT_OF_MEMORY);
    if (st_lazy == VMM_OK) {
        EXPECT(lazy_kind == VMM_FAULT_OUT_OF_MEMORY);
        EXPECT_ST(lazy_out.status, VMM_ERR_OUT_OF_MEMORY);
        EXPECT(vmm_find_record(&kmm.vmm, v)->frames == 0);
        EXPECT_ST(vmm_release(&kmm.vmm, v), VMM_OK);
    }

    EXPECT(free_frames() == frames0);
    EXPECT(kmm.vmm.bitmap.num_free == window0);
    EXPECT(kmm.pt.table_frames == tables0);
    EXPECT(kmm.heap.free_bytes == heap0);
    /* The next free pages of the window are still unmapped. */
    v = mm_alloc_pages(8, &st);
    EXPECT_ST(st, VMM_OK);
    EXPECT_ST(mm_free_pages(v), VMM_OK);
    for (uint64_t p = v; p < v + 8 * PAGE; p += PAGE)
        EXPECT(faults_with(p, false, VMM_FAULT_NOT_PRESENT));
    return true;
}

/* Returns true when the heap cannot grow by one more step: the window's
 * frame source has no MM_HEAP_GROW_PAGES frames left (vmm_alloc of that many
 * pages is OUT_OF_MEMORY; a success is given back). */
static bool heap_cannot_grow(void)
{
    uint64_t v;
    vmm_status_t st = vmm_alloc(&kmm.vmm, MM_HEAP_GROW_PAGES, MM_KERNEL_RW, &v);
    if (st == VMM_OK)
        return vmm_free(&kmm.vmm, v) != VMM_OK;
    return st == VMM_ERR_OUT_OF_MEMORY;
}

/* Releases the n reservations at virts, each found as its own record first;
 * returns false at the first that is not. */
static bool release_all(const uint64_t *virts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const vmm_record_t *rec = vmm_find_record(&kmm.vmm, virts[i]);
        EXPECT(rec != 0 && rec->virt == virts[i]);
        EXPECT_ST(vmm_release(&kmm.vmm, virts[i]), VMM_OK);
    }
    return true;
}

/* Returns true when mm_alloc_pages tops the heap up by itself
 * (INTEGRATION.md, 7): single pages taken with no refill in between until
 * the heap has had to grow twice all succeed, unless the frames run out
 * first (never OUT_OF_MEMORY while the pmm still has the frames a heap
 * refill takes). Every page is freed again. */
static bool alloc_pages_refill_heap(void)
{
    enum { N = 8192 };
    static uint64_t virts[N];
    size_t grows0 = kmm.heap_grows, n = 0;
    vmm_status_t st = VMM_OK;
    for (; n < N && kmm.heap_grows < grows0 + 2u; n++) {
        virts[n] = mm_alloc_pages(1, &st);
        if (st != VMM_OK)
            break;
    }
    size_t frames_left = pmm_free_count(&kmm.pmm);
    for (size_t i = 0; i < n; i++)
        EXPECT_ST(mm_free_pages(virts[i]), VMM_OK);
    kprintf("    mm_alloc_pages: %lu pages, the heap grew %lu times, %s, %lu frames free\n",
            (unsigned long)n, (unsigned long)(kmm.heap_grows - grows0), vmm_strerror(st),
            (unsigned long)frames_left);
    if (st == VMM_OK)
        EXPECT(kmm.heap_grows >= grows0 + 2u);
    else
        EXPECT(st == VMM_ERR_OUT_OF_FRAMES ||
               (st == VMM_ERR_OUT_OF_MEMORY && frames_left <= 2u * MM_HEAP_GROW_PAGES));
    return true;
}

/* The heap takes pages from the window as records pile up, and every
 * record of the pile is found and released. With RAM too small for the
 * pile (-m 2M), a reserve is OUT_OF_MEMORY once the heap cannot grow, and
 * that failed call changes nothing. Whatever happens, every page reserved
 * is released, so that a failure here does not fail the final check too.
 * Then the same through mm_alloc_pages, which refills the heap itself. */
bool test_heap_grows(void)
{
    enum { N = 1500 };
    static uint64_t virts[N];
    size_t grows0 = kmm.heap_grows;
    size_t window0 = kmm.vmm.bitmap.num_free;
    size_t n = 0, free_before = 0;
    vmm_status_t st = VMM_OK;
    for (; n < N; n++) {
        mm_heap_refill();
        free_before = kmm.vmm.bitmap.num_free;
        st = vmm_reserve(&kmm.vmm, 1, VMM_SIZE_4K, MM_KERNEL_RW, VMM_RESERVE_LAZY, &virts[n]);
        if (st != VMM_OK)
            break;
    }
    bool unchanged = kmm.vmm.bitmap.num_free == free_before;
    bool exhausted = st == VMM_ERR_OUT_OF_MEMORY && heap_cannot_grow();
    EXPECT(release_all(virts, n));
    size_t grown = kmm.heap_grows - grows0;
    EXPECT(kmm.vmm.bitmap.num_free == window0 - grown * MM_HEAP_GROW_PAGES);
    if (exhausted) {
        kprintf("    RAM exhausted after %lu reservations (%lu heap grows): out of memory\n",
                (unsigned long)n, (unsigned long)grown);
        EXPECT(unchanged);
        return alloc_pages_refill_heap();
    }
    EXPECT_ST(st, VMM_OK);
    EXPECT(grown > 0);
    return alloc_pages_refill_heap();
}

/* At the end: the window holds boot's records and heap pages only (ALLOC
 * records of 16 pages), sampled record by record and gap by gap. */
bool test_window_final(void)
{
    size_t used, set_pages;
    if (!window_matches_records(&used, &set_pages))
        return false;
    EXPECT(set_pages == boot_pages);
    for (const vmm_record_t *r = vmm_first_record(&kmm.vmm); r != 0; r = vmm_next_record(r)) {
        if (r->kind != VMM_REC_SET && (r->kind != VMM_REC_ALLOC || r->pages != MM_HEAP_GROW_PAGES)) {
            kprintf("    record 0x%lx is neither boot's nor heap (kind %u)\n", r->virt, r->kind);
            return false;
        }
    }
    EXPECT(used == boot_pages + kmm.heap_grows * MM_HEAP_GROW_PAGES);
    return true;
}
