/*
 * test_canonical.c - no VMM call may succeed on a range the architecture
 * cannot map. With the x86_64 tables as the mapper, a window that touches or
 * straddles the canonical hole is refused by vmm_init (VMM_ERR_NON_CANONICAL,
 * nothing changed), so set / claim / reserve / alloc can never hand out or
 * record a non-canonical address; windows that end at the hole or at the top
 * of the address space work to their last page.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "core/vmm.h"
#include "core/x86_64/paging.h"
#include "fail_alloc.h"
#include "hostmem.h"

#define K4 ((uint64_t)4096)
#define LOW_END 0x0000800000000000ull  /* first non-canonical address   */
#define HIGH_START 0xFFFF800000000000ull /* first canonical high address */
#define TOP (0ull - K4)                  /* the highest window end        */

static hostmem_t hm;
static x86_paging_t pt;
static fail_alloc_t fa;
static vmm_allocator_t alloc_if;
static vmm_mapper_t mapper;

/* The model's own rule: canonical when bits 63..47 are all equal. */
static bool canonical(uint64_t va)
{
    return va < LOW_END || va >= HIGH_START;
}

static void test_bad_windows_refused(void)
{
    static const uint64_t bad[][2] = {
        {0x00007FFFFFF00000ull, 0x0000800000100000ull}, /* the window */
        {LOW_END - K4, LOW_END + K4},
        {LOW_END, LOW_END + 2 * K4},
        {HIGH_START - K4, HIGH_START + K4},
        {0x1000, HIGH_START + K4},
        {0x0000900000000000ull, 0x0000900000001000ull},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vmm_t vmm;
        memset(&vmm, 0x5A, sizeof vmm);
        vmm_t before = vmm;
        size_t free_before = pmm_free_count(&hm.pmm);
        CHECK_ERR(vmm_init(&vmm, bad[i][0], bad[i][1], &alloc_if,
                           &mapper, &hm.frames),
                  VMM_ERR_NON_CANONICAL);
        CHECK(memcmp(&vmm, &before, sizeof vmm) == 0);
        CHECK(pmm_free_count(&hm.pmm) == free_before && fa.live == 0);
    }
    CHECK_ERR(x86_range_mappable(LOW_END - K4, K4), VMM_OK);
    CHECK_ERR(x86_range_mappable(HIGH_START, K4), VMM_OK);
    CHECK_ERR(x86_range_mappable(TOP, K4), VMM_OK);
    CHECK_ERR(x86_range_mappable(LOW_END - K4, 2 * K4), VMM_ERR_NON_CANONICAL);
    CHECK_ERR(x86_range_mappable(TOP, 2 * K4), VMM_ERR_OVERFLOW);
    CHECK_ERR(x86_range_mappable(0, 0), VMM_ERR_INVALID_ARGUMENT);
}

/* Fills the window [end - pages * 4K, end) with every kind of record and
 * checks each address handed out is canonical; then frees everything. */
static void fill_window_ending_at(uint64_t end)
{
    const uint64_t pages = 1024;
    uint64_t start = end - pages * K4, va;
    vmm_t vmm;
    CHECK_OK(vmm_init(&vmm, start, end, &alloc_if, &mapper,
                      &hm.frames));
    vmm_range_t r = {end - 2 * K4, end}; /* the last two pages */
    CHECK_OK(vmm_set(&vmm, r, NULL, VMM_ATTR_KERNEL));
    CHECK_OK(vmm_claim(&vmm, end - 4 * K4, 2, K4, VMM_ATTR_KERNEL, VMM_RESERVE_LAZY));
    for (int i = 0; i < 50; i++) {
        CHECK_OK(vmm_reserve(&vmm, 3, K4, VMM_ATTR_KERNEL, VMM_RESERVE_LAZY, &va));
        CHECK(canonical(va) && canonical(va + 3 * K4 - 1) && va >= start && va + 3 * K4 <= end);
        CHECK_OK(vmm_alloc(&vmm, 2, VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE, &va));
        CHECK(canonical(va) && canonical(va + 2 * K4 - 1));
        uint64_t phys;
        CHECK_OK(mapper.query(mapper.ctx, va + K4, &phys, NULL, NULL));
    }
    /* fill the rest: every page handed out stays in the window */
    while (vmm_alloc(&vmm, 1, VMM_ATTR_KERNEL, &va) == VMM_OK)
        CHECK(canonical(va) && va >= start && va < end);
    CHECK(vmm.bitmap.num_free == 0);
    vmm_deinit(&vmm);
    CHECK(fa.live == 0 && pt.table_frames == 1);
}

static void test_windows_at_the_edges(void)
{
    fill_window_ending_at(LOW_END); /* the last pages below the hole */
    fill_window_ending_at(TOP);     /* the top of the address space  */
}

/* A mapper that can map everything (mappable NULL) accepts any window. */
static vmm_status_t any_map(void *c, uint64_t v, uint64_t p, uint64_t l, uint64_t s,
                            vmm_attrs_t a)
{
    (void)c, (void)v, (void)p, (void)l, (void)s, (void)a;
    return VMM_OK;
}
static vmm_status_t any_unmap(void *c, uint64_t v, uint64_t l, uint64_t s)
{
    (void)c, (void)v, (void)l, (void)s;
    return VMM_OK;
}
static vmm_status_t any_query(void *c, uint64_t v, uint64_t *p, vmm_attrs_t *a, uint64_t *s)
{
    (void)c, (void)v, (void)p, (void)a, (void)s;
    return VMM_ERR_NOT_MAPPED;
}

static void test_mapper_without_limits(void)
{
    vmm_mapper_t any = { .map = any_map, .unmap = any_unmap, .query = any_query };
    vmm_t vmm;
    CHECK_OK(vmm_init(&vmm, LOW_END - K4, LOW_END + K4, &alloc_if,
                      &any, &hm.frames));
    vmm_deinit(&vmm);
}

int main(void)
{
    CHECK(hostmem_init(&hm, 0x100000, 16u << 20));
    CHECK_OK(x86_paging_init(&pt, &hm.frames, hm.access_offset));
    fail_alloc_init(&fa);
    alloc_if = fail_alloc_iface(&fa);
    mapper = x86_paging_mapper(&pt);
    RUN(test_bad_windows_refused);
    RUN(test_windows_at_the_edges);
    RUN(test_mapper_without_limits);
    x86_paging_destroy(&pt);
    hostmem_destroy(&hm);
    return check_exit();
}
