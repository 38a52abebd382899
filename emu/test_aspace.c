/* Address spaces on Unicorn's MMU: the kernel's tables and two address
 * spaces built by the unchanged core (x86_64/aspace.h) in a host buffer that
 * Unicorn maps as guest physical memory. Unicorn does not model G, so the
 * global-page contract is checked in two parts: statically (the top-half
 * PML4 entries of every space are the kernel's, every kernel leaf has G and
 * no user leaf has it) and through the MMU across CR3 switches (every space
 * translates the kernel half identically, the user half differently, also
 * for a kernel mapping added after the spaces were created and after one of
 * them was destroyed). Exit 0 passed, 1 failed, 77 when Unicorn cannot run. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicorn/unicorn.h>

#include "check.h"
#include "core/x86_64/aspace.h"
#include "hostmem.h"

#define K4 VMM_SIZE_4K
#define M2 VMM_SIZE_2M
#define PHYS_BYTES (32u << 20)
#define HHDM 0xFFFF800000000000ull     /* direct map, 2 MiB pages      */
#define KIMAGE 0xFFFFFFFF80000000ull   /* kernel data, 4 KiB pages      */
#define KLATE 0xFFFFC00000000000ull    /* mapped after the spaces exist */
#define UVIRT 0x0000000000400000ull    /* the same user address in both */
#define UWIN_END (64ull << 20)
#define KRW (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)
#define URW (VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)
#define NO_PHYS UINT64_MAX

#define CR0_PE (1ull << 0)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_PGE (1ull << 7)
#define MSR_EFER 0xC0000080u
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

static hostmem_t hm;
static uc_engine *uc;

/* malloc-backed record allocator. */
static void *heap_alloc(void *ctx, size_t size, size_t align)
{
    (void)ctx;
    return aligned_alloc(align < sizeof(void *) ? sizeof(void *) : align,
                         (size + align - 1) / align * align);
}
static void heap_free(void *ctx, void *p, size_t size)
{
    (void)ctx, (void)size;
    free(p);
}
static void hm_zero(void *ctx, uint64_t phys, size_t count)
{
    (void)ctx;
    memset(hostmem_ptr(&hm, phys), 0, count * K4);
}

/* Returns true with Unicorn in long mode over hm, CR3 = cr3. */
static bool machine_start(uint64_t cr3)
{
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK)
        return false;
    uc_x86_msr efer = {MSR_EFER, EFER_LME | EFER_LMA | EFER_NXE};
    uint64_t cr4 = CR4_PAE | CR4_PGE, cr0 = CR0_PE | CR0_WP | CR0_PG;
    return uc_mem_map_ptr(uc, hm.base, hm.size, UC_PROT_ALL, hm.buf) == UC_ERR_OK &&
           uc_reg_write(uc, UC_X86_REG_MSR, &efer) == UC_ERR_OK &&
           uc_reg_write(uc, UC_X86_REG_CR4, &cr4) == UC_ERR_OK &&
           uc_reg_write(uc, UC_X86_REG_CR3, &cr3) == UC_ERR_OK &&
           uc_reg_write(uc, UC_X86_REG_CR0, &cr0) == UC_ERR_OK;
}

/* Loads CR3 (Unicorn flushes its TLB on the write) and flushes anyway. */
static void switch_cr3(uint64_t cr3)
{
    CHECK(uc_reg_write(uc, UC_X86_REG_CR3, &cr3) == UC_ERR_OK);
    CHECK(uc_ctl_flush_tlb(uc) == UC_ERR_OK);
}

/* Returns the physical address Unicorn's MMU gives virt, or NO_PHYS. */
static uint64_t mmu_phys(uint64_t virt)
{
    uint64_t p;
    return uc_vmem_translate(uc, virt, UC_PROT_READ, &p) == UC_ERR_OK ? p : NO_PHYS;
}

/* Returns the 8 bytes the MMU reads at virt (0 on a fault, counted). */
static uint64_t mmu_read(uint64_t virt)
{
    uint64_t v = 0;
    CHECK(uc_vmem_read(uc, virt, UC_PROT_READ, &v, sizeof(v)) == UC_ERR_OK);
    return v;
}

/* The kernel addresses probed in every space: edges and interiors of each
 * kernel mapping. */
static const uint64_t kernel_probes[] = {
    HHDM, HHDM + 0x1238, HHDM + M2 - 8, HHDM + 5 * M2 + 0x777, HHDM + PHYS_BYTES - 8,
    KIMAGE, KIMAGE + K4 + 16, KIMAGE + 3 * K4 + K4 - 8,
};

/* Returns the leaf entry of a successful walk. */
static x86_pte_t leaf_of(const x86_walk_t *w)
{
    return w->entries[X86_LEVEL_PML4 - w->level];
}

/* Checks the static sharing contract of space against the kernel tables. */
static void check_shared_half(const x86_paging_t *kpt, const x86_aspace_t *as)
{
    const x86_pte_t *k = hostmem_ptr(&hm, kpt->pml4);
    const x86_pte_t *a = hostmem_ptr(&hm, as->pt.pml4);
    for (unsigned i = X86_KERNEL_HALF_SLOT; i < X86_ENTRIES; i++)
        CHECK((a[i] & ~X86_PTE_HW_BITS) == (k[i] & ~X86_PTE_HW_BITS) && X86_PTE_PRESENT(a[i]));
}

/* Checks that every kernel probe has a global, kernel-only leaf in pt. */
static void check_kernel_leaves_global(const x86_paging_t *pt)
{
    for (size_t i = 0; i < sizeof(kernel_probes) / sizeof(kernel_probes[0]); i++) {
        x86_walk_t w;
        CHECK_OK(x86_translate(pt, kernel_probes[i], &w));
        CHECK((leaf_of(&w) & X86_PTE_G) && !w.user);
    }
}

/* Checks that the MMU, with cr3 loaded, translates every kernel probe as
 * the kernel's own tables do (the software walk). */
static void check_kernel_half_same(const x86_paging_t *kpt, uint64_t cr3)
{
    switch_cr3(cr3);
    for (size_t i = 0; i < sizeof(kernel_probes) / sizeof(kernel_probes[0]); i++) {
        x86_walk_t w;
        CHECK_OK(x86_translate(kpt, kernel_probes[i], &w));
        CHECK(mmu_phys(kernel_probes[i]) == w.phys);
    }
}

static void test_two_spaces_share_kernel_half(void)
{
    vmm_frames_t f = hm.frames;
    f.zero = hm_zero;
    x86_paging_t kpt;
    CHECK_OK(x86_paging_init(&kpt, &f, hm.access_offset));
    CHECK_OK(x86_map(&kpt, HHDM, 0, PHYS_BYTES, M2, KRW));
    uint64_t kdata;
    CHECK_OK(f.alloc(f.ctx, 4, 1, &kdata));
    CHECK_OK(x86_map(&kpt, KIMAGE, kdata, 4 * K4, K4, KRW));
    *(uint64_t *)hostmem_ptr(&hm, kdata + K4 + 16) = 0x6B65726E656C2121ull;
    CHECK_OK(x86_paging_pin_kernel_half(&kpt));
    check_kernel_leaves_global(&kpt);

    x86_aspace_config_t c = {
        .kernel = &kpt, .frames = f, .allocator = {heap_alloc, heap_free, NULL},
        .user_start = X86_USER_START, .user_end = UWIN_END,
    };
    x86_aspace_t a, b;
    CHECK_OK(x86_aspace_create(&a, &c));
    CHECK_OK(x86_aspace_create(&b, &c));
    check_shared_half(&kpt, &a);
    check_shared_half(&kpt, &b);
    check_kernel_leaves_global(&a.pt);

    /* Different frames at the same user address, not global. */
    uint64_t fa, fb;
    CHECK_OK(vmm_claim(&a.vmm, UVIRT, 1, K4, URW, 0));
    CHECK_OK(vmm_claim(&b.vmm, UVIRT, 1, K4, URW, 0));
    CHECK_OK(f.alloc(f.ctx, 1, 1, &fa));
    CHECK_OK(f.alloc(f.ctx, 1, 1, &fb));
    *(uint64_t *)hostmem_ptr(&hm, fa) = 0xAAAAAAAA;
    *(uint64_t *)hostmem_ptr(&hm, fb) = 0xBBBBBBBB;
    CHECK_OK(vmm_map_page(&a.vmm, UVIRT, UVIRT, fa, URW));
    CHECK_OK(vmm_map_page(&b.vmm, UVIRT, UVIRT, fb, URW));
    x86_walk_t w;
    CHECK_OK(x86_translate(&a.pt, UVIRT, &w));
    CHECK(w.user && !(leaf_of(&w) & X86_PTE_G));

    if (!machine_start(kpt.pml4)) {
        fprintf(stderr, "SKIP: Unicorn cannot start\n");
        exit(77);
    }
    CHECK(mmu_phys(UVIRT) == NO_PHYS); /* the kernel's tables: no user page */
    check_kernel_half_same(&kpt, x86_aspace_cr3(&a));
    CHECK(mmu_phys(UVIRT) == fa && mmu_read(UVIRT) == 0xAAAAAAAA);
    CHECK(mmu_read(KIMAGE + K4 + 16) == 0x6B65726E656C2121ull);
    check_kernel_half_same(&kpt, x86_aspace_cr3(&b));
    CHECK(mmu_phys(UVIRT) == fb && mmu_read(UVIRT) == 0xBBBBBBBB);
    CHECK(mmu_read(KIMAGE + K4 + 16) == 0x6B65726E656C2121ull);

    /* A kernel mapping added now (a new PD under a pinned PDPT) reaches
     * both spaces without touching them. */
    uint64_t late;
    CHECK_OK(f.alloc(f.ctx, 1, 1, &late));
    CHECK_OK(x86_map(&kpt, KLATE, late, K4, K4, KRW));
    check_shared_half(&kpt, &a);
    CHECK(mmu_phys(KLATE) == late); /* b is loaded */
    switch_cr3(x86_aspace_cr3(&a));
    CHECK(mmu_phys(KLATE) == late);
    CHECK_OK(x86_translate(&a.pt, KLATE, &w));
    CHECK(leaf_of(&w) & X86_PTE_G);

    /* Destroying a leaves the kernel half and b as they were. */
    switch_cr3(kpt.pml4);
    x86_aspace_destroy(&a);
    check_shared_half(&kpt, &b);
    check_kernel_half_same(&kpt, x86_aspace_cr3(&b));
    CHECK(mmu_phys(KLATE) == late && mmu_phys(UVIRT) == fb);
    switch_cr3(kpt.pml4);
    x86_aspace_destroy(&b);
    CHECK_OK(x86_unmap(&kpt, KLATE, K4, K4));
    CHECK(uc_ctl_flush_tlb(uc) == UC_ERR_OK); /* the invalidation */
    CHECK(mmu_phys(KLATE) == NO_PHYS);
    CHECK_OK(f.free(f.ctx, late, 1));
    uc_close(uc);
    x86_paging_destroy(&kpt);
    CHECK_OK(f.free(f.ctx, kdata, 4));
}

int main(void)
{
    if (!hostmem_init(&hm, 0, PHYS_BYTES)) {
        fprintf(stderr, "out of host memory\n");
        return 1;
    }
    size_t free0 = pmm_free_count(&hm.pmm);
    RUN(test_two_spaces_share_kernel_half);
    CHECK(pmm_free_count(&hm.pmm) == free0);
    hostmem_destroy(&hm);
    return check_exit();
}
