/*
 * selftest_aspace.c - self-tests of the integration contracts on the MMU
 * (INTEGRATION.md): user address spaces sharing the kernel half, TLB
 * invalidation after unmap and remap, global kernel pages across a CR3
 * switch, and destroy returning every frame (see selftest_util.h).
 */
#include "aspace.h"
#include "selftest_util.h"

/* CPL3: rax = *rdi; *(rdi + 8) = rax; ud2 (the "it worked" fault). */
static const uint8_t code_copy[] = { 0x48, 0x8B, 0x07, 0x48, 0x89, 0x47, 0x08, 0x0F, 0x0B };
#define USER_RX (VMM_ATTR_EXECUTABLE | VMM_ATTR_CACHABLE)
#define USER_RW (VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)
#define VEC_UD 6u
#define USER_VA 0x400000ull /* the same user address in every space */

/* User code and stack: kernel-window pages with user rights, so every
 * address space sees them through the shared kernel half. */
static uint64_t user_code, user_stack;

/* Returns true with user_code (code_copy) and user_stack allocated. */
static bool user_fixture(void)
{
    mm_heap_refill();
    EXPECT_ST(vmm_alloc(&kmm.vmm, 1, USER_RX, &user_code), VMM_OK);
    EXPECT_ST(vmm_alloc(&kmm.vmm, 1, USER_RW, &user_stack), VMM_OK);
    x86_walk_t w;
    EXPECT_ST(x86_translate(&kmm.pt, user_code, &w), VMM_OK);
    uint8_t *code = mm_phys_to_virt(w.phys);
    for (size_t i = 0; i < sizeof(code_copy); i++)
        code[i] = code_copy[i];
    return true;
}

/* Frees the fixture. */
static bool user_fixture_free(void)
{
    EXPECT_ST(mm_free_pages(user_code), VMM_OK);
    EXPECT_ST(mm_free_pages(user_stack), VMM_OK);
    return true;
}

/* Runs code_copy at CPL3 on arg; returns the fault that ended it. */
static fault_record_t run_copy(uint64_t arg)
{
    fault_record_t rec;
    trap_expect(&rec, 0);
    user_run(user_code, user_stack + PAGE, arg);
    (void)trap_disarm();
    return rec;
}

/* Returns true when CPL3 code_copy on arg ran to its ud2. */
static bool user_copy_ok(uint64_t arg)
{
    fault_record_t rec = run_copy(arg);
    if (!rec.hit || rec.vector != VEC_UD) {
        kprintf("    CPL3 copy at 0x%lx: %s at 0x%lx, verdict %s\n", arg,
                trap_name(rec.vector), rec.addr, vmm_fault_name(rec.kind));
        return false;
    }
    return true;
}

/* Returns true when CPL3 code_copy on arg faults not-present at arg. */
static bool user_copy_faults(uint64_t arg)
{
    fault_record_t rec = run_copy(arg);
    if (!rec.hit || rec.vector != VEC_PF || rec.addr != arg ||
        rec.kind != VMM_FAULT_NOT_PRESENT) {
        kprintf("    CPL3 copy at 0x%lx: hit %d, %s, verdict %s (want a not-present #PF)\n",
                arg, rec.hit, trap_name(rec.vector), vmm_fault_name(rec.kind));
        return false;
    }
    return true;
}

/* Maps a fresh frame (pattern at word 0) at USER_VA of a; stores it. */
static bool map_user_page(mm_aspace_t *a, uint64_t pattern, uint64_t *phys)
{
    EXPECT_ST(vmm_claim(&a->as.vmm, USER_VA, 1, VMM_SIZE_4K, USER_RW, 0), VMM_OK);
    EXPECT_ST(kmm.core_frames.alloc(kmm.core_frames.ctx, 1, 1, phys), VMM_OK);
    kmm.core_frames.zero(kmm.core_frames.ctx, *phys, 1);
    *(volatile uint64_t *)mm_phys_to_virt(*phys) = pattern;
    EXPECT_ST(vmm_map_page(&a->as.vmm, USER_VA, USER_VA, *phys, USER_RW), VMM_OK);
    return true;
}

/* Two address spaces map different frames at the same user address; CPL3
 * code in each reads its own frame (and writes it back to word 1). */
bool test_two_aspaces_same_va(void)
{
    static mm_aspace_t a, b;
    mm_heap_refill();
    size_t frames0 = free_frames();
    if (!user_fixture())
        return false;
    EXPECT_ST(mm_aspace_create(&a), VMM_OK);
    EXPECT_ST(mm_aspace_create(&b), VMM_OK);
    uint64_t pa, pb;
    if (!map_user_page(&a, PATTERN(1), &pa) || !map_user_page(&b, PATTERN(2), &pb))
        return false;
    EXPECT(pa != pb);
    mm_aspace_switch(&a);
    bool ok_a = user_copy_ok(USER_VA) && user_read64(USER_VA) == PATTERN(1);
    mm_aspace_switch(&b);
    bool ok_b = user_copy_ok(USER_VA) && user_read64(USER_VA) == PATTERN(2);
    mm_aspace_switch(0);
    EXPECT(ok_a && ok_b);
    EXPECT(((volatile uint64_t *)mm_phys_to_virt(pa))[1] == PATTERN(1));
    EXPECT(((volatile uint64_t *)mm_phys_to_virt(pb))[1] == PATTERN(2));
    EXPECT(faults_with(USER_VA, false, VMM_FAULT_NOT_PRESENT)); /* kernel tables */
    mm_aspace_destroy(&a);
    mm_aspace_destroy(&b);
    /* The same first touch (same rip, same address) in four processes one
     * after another: four demand faults, each resolved; the fault-loop
     * detector must not take them for one access retried four times. */
    for (int i = 0; i < 4; i++) {
        EXPECT_ST(mm_aspace_create(&a), VMM_OK);
        EXPECT_ST(vmm_claim(&a.as.vmm, USER_VA, 1, VMM_SIZE_4K, USER_RW, VMM_RESERVE_LAZY),
                  VMM_OK);
        uint64_t resolved = trap_resolved_faults();
        mm_aspace_switch(&a);
        bool ran = user_copy_ok(USER_VA);
        mm_aspace_switch(0);
        EXPECT(ran && trap_resolved_faults() == resolved + 1);
        mm_aspace_destroy(&a);
    }
    if (!user_fixture_free())
        return false;
    EXPECT(free_frames() == frames0);
    return true;
}

/* After an unmap an access faults: the TLB entry loaded by a first access
 * must be gone (fails when the mapper wrapper forgets invlpg). Kernel window
 * and a loaded user address space. */
bool test_unmap_then_access_faults(void)
{
    static mm_aspace_t a;
    mm_heap_refill();
    size_t frames0 = free_frames();
    vmm_status_t st;
    uint64_t v = mm_alloc_pages(1, &st);
    EXPECT_ST(st, VMM_OK);
    *word_at(v) = PATTERN(v); /* loads the TLB entry */
    EXPECT(*word_at(v) == PATTERN(v));
    EXPECT_ST(mm_free_pages(v), VMM_OK);
    bool kernel_ok = faults_with(v, false, VMM_FAULT_NOT_PRESENT);
    if (!user_fixture())
        return false;
    EXPECT_ST(mm_aspace_create(&a), VMM_OK);
    uint64_t u;
    EXPECT_ST(vmm_alloc(&a.as.vmm, 1, USER_RW, &u), VMM_OK);
    mm_aspace_switch(&a);
    bool user_ok = user_copy_ok(u); /* loads the TLB entry at CPL3 */
    st = vmm_free(&a.as.vmm, u);
    if (st != VMM_OK)
        kprintf("    vmm_free(user 0x%lx): %s\n", u, vmm_strerror(st));
    user_ok = user_ok && st == VMM_OK && user_copy_faults(u);
    mm_aspace_destroy(&a);
    if (!user_fixture_free())
        return false;
    EXPECT(kernel_ok);
    EXPECT(user_ok);
    EXPECT(free_frames() == frames0);
    return true;
}

/* Reserves `pages` kernel pages, maps every `step`-th with a fresh frame,
 * loads each one's TLB entry, releases the reservation and checks the
 * batching (core/mapper.h's flush): one deferred unmap per mapped run, ONE
 * flush, a full one when `full`, and afterwards every page faults (fails
 * when the VMM frees frames before flushing, or forgets the flush). */
static bool sparse_release_flushes_once(size_t pages, size_t step, bool full)
{
    mm_heap_refill();
    size_t frames0 = free_frames();
    uint64_t v, f;
    EXPECT_ST(vmm_reserve(&kmm.vmm, pages, VMM_SIZE_4K, MM_KERNEL_RW, 0, &v), VMM_OK);
    size_t runs = 0;
    for (size_t k = 0; k < pages; k += step, runs++) {
        uint64_t at = v + k * VMM_PAGE_SIZE;
        EXPECT_ST(kmm.core_frames.alloc(kmm.core_frames.ctx, 1, 1, &f), VMM_OK);
        EXPECT_ST(vmm_map_page(&kmm.vmm, v, at, f, MM_KERNEL_RW), VMM_OK);
        *word_at(at) = PATTERN(at); /* loads the TLB entry */
        EXPECT(*word_at(at) == PATTERN(at));
    }
    mm_tlb_batch_t before = kmm.tlb;
    EXPECT_ST(vmm_release(&kmm.vmm, v), VMM_OK);
    EXPECT(kmm.tlb.unmaps == before.unmaps + runs);
    EXPECT(kmm.tlb.flushes == before.flushes + 1u);
    EXPECT(kmm.tlb.full_flushes == before.full_flushes + (full ? 1u : 0u));
    EXPECT(kmm.tlb.n == 0 && !kmm.tlb.all); /* nothing left pending */
    for (size_t k = 0; k < pages; k += step)
        EXPECT(faults_with(v + k * VMM_PAGE_SIZE, false, VMM_FAULT_NOT_PRESENT));
    EXPECT(free_frames() == frames0);
    return true;
}

/* A sparse release costs one TLB flush, not one per run: 3 runs are
 * invalidated page by page, 12 (more than MM_TLB_RANGES) by a full flush. */
bool test_sparse_release_one_flush(void)
{
    if (!sparse_release_flushes_once(6, 2, false))
        return false;
    return sparse_release_flushes_once(2u * (MM_TLB_RANGES + 4u), 2, true);
}

/* A remap of the same address to a new frame reads the new frame (fails
 * when the old translation stays cached). */
bool test_remap_reads_new_frame(void)
{
    mm_heap_refill();
    size_t frames0 = free_frames();
    uint64_t v, f1, f2;
    EXPECT_ST(vmm_reserve(&kmm.vmm, 1, VMM_SIZE_4K, MM_KERNEL_RW, 0, &v), VMM_OK);
    EXPECT_ST(kmm.core_frames.alloc(kmm.core_frames.ctx, 1, 1, &f1), VMM_OK);
    *(volatile uint64_t *)mm_phys_to_virt(f1) = PATTERN(1);
    EXPECT_ST(vmm_map_page(&kmm.vmm, v, v, f1, MM_KERNEL_RW), VMM_OK);
    EXPECT(*word_at(v) == PATTERN(1)); /* cached now */
    EXPECT_ST(vmm_release(&kmm.vmm, v), VMM_OK);
    mm_heap_refill();
    EXPECT_ST(vmm_claim(&kmm.vmm, v, 1, VMM_SIZE_4K, MM_KERNEL_RW, 0), VMM_OK);
    EXPECT_ST(kmm.core_frames.alloc(kmm.core_frames.ctx, 1, 1, &f2), VMM_OK);
    *(volatile uint64_t *)mm_phys_to_virt(f2) = PATTERN(2);
    EXPECT_ST(vmm_map_page(&kmm.vmm, v, v, f2, MM_KERNEL_RW), VMM_OK);
    uint64_t got = *word_at(v);
    EXPECT_ST(vmm_release(&kmm.vmm, v), VMM_OK);
    if (got != PATTERN(2))
        kprintf("    remapped 0x%lx reads 0x%lx (old frame: 0x%lx)\n", v, got,
                (unsigned long)PATTERN(1));
    EXPECT(got == PATTERN(2));
    EXPECT(free_frames() == frames0);
    return true;
}

/* Returns true when the leaf mapping virt in pt is global, writable,
 * kernel-only and maps phys. */
static bool global_leaf(const x86_paging_t *pt, uint64_t virt, uint64_t phys)
{
    x86_walk_t w;
    EXPECT_ST(x86_translate(pt, virt, &w), VMM_OK);
    x86_pte_t leaf = w.entries[X86_LEVEL_PML4 - w.level];
    EXPECT(w.phys == phys && (leaf & X86_PTE_G) && !w.user);
    return true;
}

/* Kernel pages are global (G, CR4.PGE on) and survive a CR3 switch: the
 * same translation in every space, data and code usable while a user space
 * is loaded, and a kernel remap done there seen after switching back. */
bool test_global_kernel_mapping_survives_cr3_switch(void)
{
    static mm_aspace_t a;
    EXPECT(read_cr4() & CR4_PGE);
    mm_heap_refill();
    size_t frames0 = free_frames();
    uint64_t kdata = (uint64_t)(uintptr_t)&selftest_data_word;
    vmm_status_t st;
    uint64_t v = mm_alloc_pages(1, &st);
    EXPECT_ST(st, VMM_OK);
    *word_at(v) = PATTERN(v);
    x86_walk_t w;
    EXPECT_ST(x86_translate(&kmm.pt, v, &w), VMM_OK);
    uint64_t vphys = w.phys;
    EXPECT(global_leaf(&kmm.pt, v, vphys));
    EXPECT(global_leaf(&kmm.pt, kdata, kdata - KERNEL_VMA));
    EXPECT(global_leaf(&kmm.pt, MM_HHDM + vphys, vphys)); /* the direct map */
    EXPECT_ST(mm_aspace_create(&a), VMM_OK);
    EXPECT(global_leaf(&a.as.pt, v, vphys));
    EXPECT(global_leaf(&a.as.pt, kdata, kdata - KERNEL_VMA));
    mm_aspace_switch(&a);
    bool same = *word_at(v) == PATTERN(v) && *word_at(kdata) == selftest_data_word &&
                read_cr3() == x86_aspace_cr3(&a.as);
    /* A kernel mapping changed while the user space is loaded. */
    uint64_t r, f;
    mm_heap_refill();
    bool remap = vmm_reserve(&kmm.vmm, 1, VMM_SIZE_4K, MM_KERNEL_RW, 0, &r) == VMM_OK &&
                 kmm.core_frames.alloc(kmm.core_frames.ctx, 1, 1, &f) == VMM_OK;
    if (remap) {
        *(volatile uint64_t *)mm_phys_to_virt(f) = PATTERN(3);
        remap = vmm_map_page(&kmm.vmm, r, r, f, MM_KERNEL_RW) == VMM_OK &&
                *word_at(r) == PATTERN(3);
    }
    mm_aspace_switch(0);
    EXPECT(same && remap);
    EXPECT(*word_at(r) == PATTERN(3) && *word_at(v) == PATTERN(v));
    EXPECT_ST(vmm_release(&kmm.vmm, r), VMM_OK);
    mm_aspace_destroy(&a);
    EXPECT_ST(mm_free_pages(v), VMM_OK);
    EXPECT(free_frames() == frames0);
    return true;
}

/* Destroying a populated address space (allocations, a demand page touched
 * at CPL3, a handed-over frame, its tables) brings the pmm's free count
 * back to where it was; the kernel's tables are untouched. */
bool test_aspace_destroy_returns_frames(void)
{
    static mm_aspace_t a;
    mm_heap_refill();
    if (!user_fixture())
        return false;
    size_t free0 = pmm_free_count(&kmm.pmm);
    size_t ktables = kmm.pt.table_frames;
    EXPECT_ST(mm_aspace_create(&a), VMM_OK);
    uint64_t v, lazy, phys;
    EXPECT_ST(vmm_alloc(&a.as.vmm, 8, USER_RW, &v), VMM_OK);
    EXPECT_ST(vmm_reserve(&a.as.vmm, 4, VMM_SIZE_4K, USER_RW, VMM_RESERVE_LAZY, &lazy), VMM_OK);
    if (!map_user_page(&a, PATTERN(4), &phys))
        return false;
    /* Zero-before-visible in an address space (INTEGRATION.md, 5): the
     * frame the demand fault takes (the pmm's lowest free: this one, dirtied
     * and freed just before) must reach CPL3 zeroed. */
    uint64_t dirty;
    EXPECT_ST(pmm_alloc(&kmm.pmm, &dirty), VMM_OK);
    dirty_fill(dirty, 1);
    EXPECT_ST(pmm_free(&kmm.pmm, dirty), VMM_OK);
    uint64_t faults0 = trap_resolved_faults();
    mm_aspace_switch(&a);
    bool ran = user_copy_ok(lazy + PAGE) && user_copy_ok(v + 7 * PAGE) &&
               user_copy_ok(USER_VA);
    mm_aspace_switch(0);
    EXPECT(ran && trap_resolved_faults() == faults0 + 1);
    x86_walk_t w;
    EXPECT_ST(x86_translate(&a.as.pt, lazy + PAGE, &w), VMM_OK);
    EXPECT(w.phys == dirty);
    const volatile uint64_t *z = mm_phys_to_virt(w.phys);
    bool zeroed = true;
    for (uint64_t i = 0; i < PAGE / sizeof(uint64_t); i++)
        zeroed = zeroed && z[i] == 0;
    EXPECT(zeroed);
    /* and a free frame handed to the space's vmm_map_page is refused
     * (the frame source's in_use), not mapped */
    uint64_t free_phys;
    EXPECT_ST(pmm_alloc(&kmm.pmm, &free_phys), VMM_OK);
    EXPECT_ST(pmm_free(&kmm.pmm, free_phys), VMM_OK);
    EXPECT_ST(vmm_map_page(&a.as.vmm, lazy, lazy + 2 * PAGE, free_phys, USER_RW),
              VMM_ERR_FRAME_NOT_USED);
    EXPECT_ST(x86_translate(&a.as.pt, lazy + 2 * PAGE, &w), VMM_ERR_NOT_MAPPED);
    EXPECT(a.as.pt.table_frames >= 4);
    EXPECT(pmm_free_count(&kmm.pmm) < free0 - 10);
    mm_aspace_destroy(&a);
    EXPECT(pmm_free_count(&kmm.pmm) == free0);
    EXPECT(kmm.pt.table_frames == ktables);
    return user_fixture_free();
}
