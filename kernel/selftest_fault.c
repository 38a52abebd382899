/*
 * selftest_fault.c - self-tests of the #PF path: demand paging through the core's
 * verdict, and fatal faults reported and recovered (see selftest_util.h).
 */
#include "selftest_util.h"

/* Demand paging: the #PF handler asks the core, which maps a fresh page. */
bool test_demand_paging_4k(void)
{
    const size_t n = 8;
    mm_heap_refill();
    size_t frames0 = free_frames();
    uint64_t v;
    EXPECT_ST(vmm_reserve(&kmm.vmm, n, VMM_SIZE_4K, MM_KERNEL_RW, VMM_RESERVE_LAZY, &v), VMM_OK);
    x86_walk_t w;
    EXPECT_ST(x86_translate(&kmm.pt, v, &w), VMM_ERR_NOT_MAPPED);
    EXPECT(free_frames() == frames0);
    uint64_t faults0 = trap_resolved_faults();
    dirty_frames();
    for (size_t i = 0; i < n; i++)
        *word_at(v + i * PAGE + 24) = PATTERN(v + i * PAGE);
    undirty_frames();
    EXPECT(trap_resolved_faults() == faults0 + n);
    const vmm_record_t *rec = vmm_find_record(&kmm.vmm, v);
    EXPECT(rec != 0 && rec->virt == v && rec->nframes == n);
    for (size_t i = 0; i < n; i++) {
        uint64_t page = v + i * PAGE;
        EXPECT(*word_at(page + 24) == PATTERN(page));
        EXPECT(*word_at(page + 32) == 0); /* demand pages are zeroed */
        EXPECT(*word_at(page + PAGE - 8) == 0);
        EXPECT_ST(x86_translate(&kmm.pt, page, &w), VMM_OK);
        EXPECT(w.phys == vmm_record_frame(rec, i) && w.writable && !w.executable);
        EXPECT(((volatile uint64_t *)mm_phys_to_virt(w.phys))[3] == PATTERN(page));
    }
    EXPECT(trap_resolved_faults() == faults0 + n); /* no second fault */
    EXPECT(free_frames() == frames0 - n);
    EXPECT_ST(vmm_release(&kmm.vmm, v), VMM_OK);
    EXPECT(free_frames() == frames0);
    EXPECT(faults_with(v, false, VMM_FAULT_NOT_PRESENT));
    return true;
}

/* Returns true when the frame source has a free, aligned 2 MiB run (taken
 * and given back). */
static bool has_free_2m_frame(void)
{
    const size_t n = VMM_SIZE_2M / PAGE;
    uint64_t phys;
    if (kmm.vmm.frames.alloc(kmm.vmm.frames.ctx, n, n, &phys) != VMM_OK)
        return false;
    return kmm.vmm.frames.free(kmm.vmm.frames.ctx, phys, n) == VMM_OK;
}

/* Demand paging with a 2 MiB page: one fault maps the whole page. With no
 * free 2 MiB run of frames (a few MiB of RAM) the fault is fatal instead,
 * OUT_OF_MEMORY, and maps nothing. */
bool test_demand_paging_2m(void)
{
    mm_heap_refill();
    size_t frames0 = free_frames();
    uint64_t v;
    EXPECT_ST(vmm_reserve(&kmm.vmm, 1, VMM_SIZE_2M, MM_KERNEL_RW, VMM_RESERVE_LAZY, &v), VMM_OK);
    EXPECT((v & (VMM_SIZE_2M - 1)) == 0);
    if (!has_free_2m_frame()) {
        kprintf("    no free 2 MiB run of frames: the fault must be out of memory\n");
        EXPECT(free_frames() == frames0);
        EXPECT(faults_with(v + VMM_SIZE_2M / 2, true, VMM_FAULT_OUT_OF_MEMORY));
        x86_walk_t none;
        EXPECT_ST(x86_translate(&kmm.pt, v, &none), VMM_ERR_NOT_MAPPED);
        EXPECT(free_frames() == frames0);
        EXPECT_ST(vmm_release(&kmm.vmm, v), VMM_OK);
        return true;
    }
    uint64_t faults0 = trap_resolved_faults();
    uint64_t last = v + VMM_SIZE_2M - 8;
    dirty_frames();
    *word_at(v + VMM_SIZE_2M / 2) = 42;
    undirty_frames();
    EXPECT(*word_at(v) == 0 && *word_at(last) == 0 && *word_at(v + VMM_SIZE_2M / 2 + 8) == 0);
    *word_at(last) = 43;
    EXPECT(trap_resolved_faults() == faults0 + 1);
    x86_walk_t w;
    EXPECT_ST(x86_translate(&kmm.pt, last, &w), VMM_OK);
    EXPECT(w.page_size == VMM_SIZE_2M && (w.phys & (VMM_SIZE_2M - 1)) == VMM_SIZE_2M - 8);
    EXPECT(*(volatile uint64_t *)mm_phys_to_virt(w.phys) == 43);
    EXPECT(free_frames() == frames0 - VMM_SIZE_2M / PAGE);
    EXPECT_ST(vmm_release(&kmm.vmm, v), VMM_OK);
    EXPECT(free_frames() == frames0);
    EXPECT(faults_with(last, true, VMM_FAULT_NOT_PRESENT));
    return true;
}

/* Deliberate fatal faults: each is reported with its decoded reason and
 * recovered by the test (the probe returns false). */
bool test_fatal_faults(void)
{
    uint64_t ro = (uint64_t)(uintptr_t)&selftest_rodata_word;
    EXPECT(faults_with(ro, true, VMM_FAULT_WRITE_READONLY));
    EXPECT(selftest_rodata_word == 0x0123456789ABCDEFull);

    uint64_t nx = (uint64_t)(uintptr_t)&selftest_code_in_data;
    EXPECT(call_faults_with(nx, VMM_FAULT_NX_FETCH));

    /* A lazy read-only reservation: a write is refused, nothing mapped. */
    uint64_t v;
    size_t frames0 = free_frames();
    mm_heap_refill();
    EXPECT_ST(vmm_reserve(&kmm.vmm, 1, VMM_SIZE_4K, VMM_ATTR_KERNEL | VMM_ATTR_CACHABLE,
                          VMM_RESERVE_LAZY, &v), VMM_OK);
    EXPECT(faults_with(v, true, VMM_FAULT_WRITE_READONLY));
    EXPECT(free_frames() == frames0);
    uint64_t value = 1;
    EXPECT(probe_read64(v, &value) && value == 0); /* a read demand-maps it */
    EXPECT_ST(vmm_release(&kmm.vmm, v), VMM_OK);

    fault_record_t rec;
    trap_expect(&rec, 0);
    bool ran = probe_read64(NON_CANONICAL, &value);
    EXPECT(trap_disarm() == 1);
    EXPECT(!ran && rec.vector == VEC_GP);
    return true;
}

/* The verdicts that need the hardware's help: a reserved bit set in an
 * entry, and a demand fault that finds no frame. */
bool test_rare_fault_verdicts(void)
{
    vmm_status_t st;
    uint64_t v = mm_alloc_pages(1, &st);
    EXPECT_ST(st, VMM_OK);
    volatile x86_pte_t *pte = leaf_entry(v);
    EXPECT(pte != 0 && X86_PTE_ADDR(*pte) != 0);
    x86_pte_t saved = *pte;
    *pte = saved | X86_PTE_BIT(51); /* above any emulated MAXPHYADDR */
    invlpg(v);
    bool caught = faults_with(v, false, VMM_FAULT_RESERVED_BIT);
    *pte = saved;
    invlpg(v);
    EXPECT(caught);
    *word_at(v) = 7;
    EXPECT_ST(mm_free_pages(v), VMM_OK);

    /* No frame for a demand fault: fatal, nothing mapped; later it works. */
    mm_heap_refill();
    EXPECT_ST(vmm_reserve(&kmm.vmm, 1, VMM_SIZE_4K, MM_KERNEL_RW, VMM_RESERVE_LAZY, &v), VMM_OK);
    size_t frames0 = free_frames();
    fail_frames_t failing;
    vmm_frames_t frames = kmm.vmm.frames;
    failing_frames_init(&failing, &frames, 0);
    kmm.vmm.frames = fail_frames_iface(&failing);
    caught = faults_with(v, true, VMM_FAULT_OUT_OF_MEMORY);
    kmm.vmm.frames = frames;
    EXPECT(failing.failures == 1);
    EXPECT(caught);
    EXPECT(free_frames() == frames0);
    x86_walk_t w;
    EXPECT_ST(x86_translate(&kmm.pt, v, &w), VMM_ERR_NOT_MAPPED);
    *word_at(v) = 8;
    EXPECT(*word_at(v) == 8);
    EXPECT_ST(vmm_release(&kmm.vmm, v), VMM_OK);
    EXPECT(free_frames() == frames0);
    return true;
}
