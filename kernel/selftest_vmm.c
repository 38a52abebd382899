/*
 * selftest_vmm.c - self-tests of the window, the tables and the VMM calls through the
 * real MMU (see selftest_util.h).
 */
#include "selftest_util.h"

/* Pluto's runtime test: every page of the window is set exactly when it
 * is reserved (here: the kernel image, the only thing in it at boot). */
bool test_window_reserved(void)
{
    bool set;
    for (uint64_t v = MM_WINDOW_START; v < MM_WINDOW_END; v += PAGE) {
        EXPECT_ST(vmm_is_set(&kmm.vmm, v, &set), VMM_OK);
        if (set != in_image(v)) {
            kprintf("    page 0x%lx is %s but should %sbe\n", v, set ? "set" : "clear",
                    in_image(v) ? "" : "not ");
            return false;
        }
    }
    EXPECT_ST(vmm_is_set(&kmm.vmm, MM_WINDOW_END, &set), VMM_ERR_OUT_OF_BOUNDS);
    EXPECT_ST(vmm_is_set(&kmm.vmm, MM_WINDOW_START - PAGE, &set), VMM_ERR_OUT_OF_BOUNDS);
    EXPECT(kmm.vmm.bitmap.num_free == WINDOW_PAGES - image_pages());
    return true;
}

/* The core's tables are live: CR3, image rights, the direct map. */
bool test_tables_live(void)
{
    EXPECT((read_cr3() & X86_CR3_ADDR_MASK) == kmm.pt.pml4);
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
    EXPECT(w.page_size == (cpu_1g ? VMM_SIZE_1G : VMM_SIZE_2M));
    EXPECT(kmm.boot.direct_map_page == w.page_size);
    EXPECT(w.writable && !w.executable && !w.user);
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

/* vmm_alloc / vmm_free through the real MMU, frames and TLB included. */
bool test_alloc_free(void)
{
    static const size_t sizes[] = { 1, 3, 8, 17, 64, 2, 5 };
    mm_heap_refill();
    size_t frames0 = free_frames();
    size_t window0 = kmm.vmm.bitmap.num_free;
    uint64_t v[sizeof(sizes) / sizeof(sizes[0])];
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        vmm_status_t st;
        v[i] = mm_alloc_pages(sizes[i], &st);
        EXPECT_ST(st, VMM_OK);
        EXPECT(vmm_find_record(&kmm.vmm, v[i]) != 0);
        if (!check_pages_through_mmu(v[i], sizes[i]))
            return false;
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

    /* Frames run out after 5 of 8 pages: the 5 are unmapped and returned. */
    failing_frames_t failing = { kmm.vmm.frames, 5 };
    kmm.vmm.frames = failing_frames(&failing);
    vmm_status_t st = vmm_alloc(&kmm.vmm, 8, MM_KERNEL_RW, &v);
    kmm.vmm.frames = failing.inner;
    EXPECT_ST(st, VMM_ERR_OUT_OF_FRAMES);

    /* The allocator fails: no record, nothing mapped. */
    vmm_allocator_t heap = kmm.vmm.allocator;
    kmm.vmm.allocator = null_allocator();
    vmm_status_t st_alloc = vmm_alloc(&kmm.vmm, 2, MM_KERNEL_RW, &v);
    vmm_status_t st_lazy = vmm_reserve(&kmm.vmm, 2, VMM_SIZE_4K, MM_KERNEL_RW,
                                       VMM_RESERVE_LAZY, &v);
    kmm.vmm.allocator = heap;
    EXPECT_ST(st_alloc, VMM_ERR_OUT_OF_MEMORY);
    EXPECT_ST(st_lazy, VMM_ERR_OUT_OF_MEMORY);

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

/* The heap takes pages from the window as records pile up, and every
 * record of the pile is found and released. */
bool test_heap_grows(void)
{
    enum { N = 1500 };
    static uint64_t virts[N];
    size_t grows0 = kmm.heap_grows;
    size_t window0 = kmm.vmm.bitmap.num_free;
    for (size_t i = 0; i < N; i++) {
        mm_heap_refill();
        EXPECT_ST(vmm_reserve(&kmm.vmm, 1, VMM_SIZE_4K, MM_KERNEL_RW, VMM_RESERVE_LAZY,
                              &virts[i]), VMM_OK);
    }
    size_t grown = kmm.heap_grows - grows0;
    EXPECT(grown > 0);
    for (size_t i = 0; i < N; i++) {
        const vmm_record_t *rec = vmm_find_record(&kmm.vmm, virts[i]);
        EXPECT(rec != 0 && rec->virt == virts[i]);
        EXPECT_ST(vmm_release(&kmm.vmm, virts[i]), VMM_OK);
    }
    EXPECT(kmm.vmm.bitmap.num_free == window0 - grown * 16u);
    return true;
}

/* At the end: every window page is set exactly when it is the image or a
 * heap page, and no unset page is mapped. */
bool test_window_final(void)
{
    bool set;
    size_t set_pages = 0;
    x86_walk_t w;
    for (uint64_t v = MM_WINDOW_START; v < MM_WINDOW_END; v += PAGE) {
        EXPECT_ST(vmm_is_set(&kmm.vmm, v, &set), VMM_OK);
        set_pages += set;
        if (set && !in_image(v)) {
            const vmm_record_t *rec = vmm_find_record(&kmm.vmm, v);
            if (rec == 0 || rec->kind != VMM_REC_ALLOC || rec->pages != 16) {
                kprintf("    page 0x%lx is set but neither image nor heap (record kind %u)\n",
                        v, rec != 0 ? rec->kind : 0u);
                return false;
            }
        }
        if (!set && x86_translate(&kmm.pt, v, &w) != VMM_ERR_NOT_MAPPED) {
            kprintf("    page 0x%lx is free in the window but mapped\n", v);
            return false;
        }
    }
    EXPECT(set_pages == image_pages() + kmm.heap_grows * 16u);
    return true;
}
