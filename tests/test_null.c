/*
 * test_null.c - the one NULL rule of core/ (status.h), for every public
 * function and every pointer parameter:
 *  - a function returning vmm_status_t returns VMM_ERR_INVALID_ARGUMENT and
 *    changes nothing;
 *  - a query returning bool / size_t / a pointer / attributes returns
 *    false / 0 / NULL / 0;
 *  - a void function does nothing.
 * Each call below passes NULL for one pointer and valid values for the rest,
 * under ASan + UBSan: a dereference crashes the test.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "core/bitmap.h"
#include "core/fault.h"
#include "core/hbitmap.h"
#include "core/pmm.h"
#include "core/vmm.h"
#include "core/x86_64/aspace.h"
#include "core/x86_64/boot.h"
#include "core/x86_64/paging.h"
#include "core/x86_64/pf.h"
#include "fail_alloc.h"
#include "hostmem.h"

#define K4 ((uint64_t)4096)
#define INV VMM_ERR_INVALID_ARGUMENT

static hostmem_t hm;
static x86_paging_t pt;
static vmm_t vmm;
static fail_alloc_t fa;
static vmm_allocator_t alloc_if;
static vmm_mapper_t mapper;

static void setup(void)
{
    CHECK(hostmem_init(&hm, 0x100000, 8u << 20));
    CHECK_OK(x86_paging_init(&pt, &hm.frames, hm.access_offset));
    fail_alloc_init(&fa);
    alloc_if = fail_alloc_iface(&fa);
    mapper = x86_paging_mapper(&pt);
    CHECK_OK(vmm_init(&vmm, 0x40000000, 0x40000000 + 1024 * K4, &alloc_if, &mapper,
                      &hm.frames));
}

/* bitmap.c's NULL behaviour is part of its proved contracts: test_bitmap. */

static void test_hbitmap_null(void)
{
    hbitmap_t hb;
    bool b;
    size_t first;
    CHECK_ERR(hbitmap_init(NULL, 100, &alloc_if), INV);
    CHECK_ERR(hbitmap_init(&hb, 100, NULL), INV);
    CHECK_OK(hbitmap_init(&hb, 100, &alloc_if));
    CHECK_OK(hbitmap_set_range(&hb, 10, 5));
    hbitmap_destroy(NULL);
    hbitmap_unprepare(NULL);
    CHECK_ERR(hbitmap_test(NULL, 1, &b), INV);
    CHECK_ERR(hbitmap_test(&hb, 1, NULL), INV);
    CHECK_ERR(hbitmap_set_range(NULL, 1, 2), INV);
    CHECK_ERR(hbitmap_clear_range(NULL, 1, 2), INV);
    CHECK_ERR(hbitmap_prepare(NULL, 1, 2, true), INV);
    CHECK(!hbitmap_range_clear(NULL, 1, 2) && !hbitmap_range_set(NULL, 1, 2));
    CHECK_ERR(hbitmap_find(NULL, 1, 1, 0, &first), INV);
    CHECK_ERR(hbitmap_find(&hb, 1, 1, 0, NULL), INV);
    CHECK_ERR(hbitmap_find_set(NULL, 1, 1, 0, &first), INV);
    CHECK_ERR(hbitmap_find_set(&hb, 1, 1, 0, NULL), INV);
    CHECK(hbitmap_num_free(NULL) == 0 && hbitmap_bytes(NULL) == 0);
    CHECK(!hbitmap_check(NULL) && !hbitmap_check_at(NULL, 0));
    CHECK(hbitmap_num_free(&hb) == 95 && hbitmap_check(&hb));
    hbitmap_destroy(&hb);
}

static void test_pmm_null(void)
{
    memmap_entry_t map[1] = {{0x100000, 64 * K4, MEMMAP_USABLE}};
    uint64_t storage[64], phys;
    bool b;
    pmm_t pmm;
    CHECK(pmm_storage_words(NULL, 1) == 0);
    CHECK_ERR(pmm_init(NULL, map, 1, storage, 64), INV);
    CHECK_ERR(pmm_init(&pmm, NULL, 1, storage, 64), INV);
    CHECK_ERR(pmm_init(&pmm, map, 1, NULL, 64), INV);
    CHECK_OK(pmm_init(&pmm, map, 1, storage, 64));
    pmm_t before = pmm;
    CHECK_ERR(pmm_reserve(NULL, 0x100000, K4), INV);
    CHECK_ERR(pmm_alloc(NULL, &phys), INV);
    CHECK_ERR(pmm_alloc(&pmm, NULL), INV);
    CHECK_ERR(pmm_alloc_contiguous(NULL, 1, 1, &phys), INV);
    CHECK_ERR(pmm_alloc_contiguous(&pmm, 1, 1, NULL), INV);
    CHECK_ERR(pmm_free(NULL, 0x100000), INV);
    CHECK_ERR(pmm_claim(NULL, 0x100000), INV);
    CHECK_ERR(pmm_is_used(NULL, 0x100000, &b), INV);
    CHECK_ERR(pmm_is_used(&pmm, 0x100000, NULL), INV);
    CHECK_ERR(pmm_is_reserved(NULL, 0x100000, &b), INV);
    CHECK_ERR(pmm_is_reserved(&pmm, 0x100000, NULL), INV);
    CHECK(pmm_free_count(NULL) == 0);
    vmm_frames_t f = pmm_frames(NULL); /* a source bound to nothing */
    CHECK_ERR(f.alloc(f.ctx, 1, 1, &phys), INV);
    CHECK_ERR(f.free(f.ctx, 0x100000, 1), INV);
    CHECK_ERR(f.claim(f.ctx, 0x100000, 1), INV);
    CHECK_ERR(f.in_use(f.ctx, 0x100000, 1), INV);
    f = pmm_frames(&pmm);
    CHECK_ERR(f.alloc(f.ctx, 1, 1, NULL), INV);
    CHECK(memcmp(&pmm, &before, sizeof pmm) == 0);
}

static void test_vmm_null(void)
{
    uint64_t va;
    bool b;
    vmm_t v2;
    vmm_range_t r = {0x40000000, 0x40000000 + K4};
    vmm_frames_t frames = hm.frames;
    CHECK_ERR(vmm_init(NULL, 0, K4, &alloc_if, &mapper, &frames), INV);
    CHECK_ERR(vmm_init(&v2, 0, K4, NULL, &mapper, &frames), INV);
    CHECK_ERR(vmm_init(&v2, 0, K4, &alloc_if, NULL, &frames), INV);
    CHECK_ERR(vmm_init(&v2, 0, K4, &alloc_if, &mapper, NULL), INV);
    vmm_deinit(NULL);
    CHECK_ERR(vmm_is_set(NULL, 0x40000000, &b), INV);
    CHECK_ERR(vmm_is_set(&vmm, 0x40000000, NULL), INV);
    CHECK_ERR(vmm_set(NULL, r, NULL, 0), INV);
    CHECK_ERR(vmm_alloc(NULL, 1, 0, &va), INV);
    CHECK_ERR(vmm_alloc(&vmm, 1, 0, NULL), INV);
    CHECK_ERR(vmm_free(NULL, 0x40000000), INV);
    CHECK_ERR(vmm_reserve(NULL, 1, K4, 0, 0, &va), INV);
    CHECK_ERR(vmm_reserve(&vmm, 1, K4, 0, 0, NULL), INV);
    CHECK_ERR(vmm_claim(NULL, 0x40000000, 1, K4, 0, 0), INV);
    CHECK_ERR(vmm_map_page(NULL, 0x40000000, 0x40000000, 0x100000, 0), INV);
    CHECK_ERR(vmm_release(NULL, 0x40000000), INV);
    CHECK(vmm_find_record(NULL, 0x40000000) == NULL);
    CHECK(vmm_record_page_attrs(NULL, 0) == 0);
    size_t blocks = 7;
    CHECK(vmm_record_frame(NULL, 0) == VMM_NO_FRAME && vmm_record_next_mapped(NULL, 0) == 0);
    CHECK(vmm_record_store_bytes(NULL, &blocks) == 0 && blocks == 0);
    CHECK(vmm_record_store_bytes(NULL, NULL) == 0);
    vmm_fault_result_t res;
    vmm_access_t acc = {0};
    /* a fault the VMM cannot decide: fatal, nothing changed */
    CHECK(vmm_fault(NULL, 0x40000000, acc, &res) == VMM_FAULT_NOT_PRESENT);
    CHECK(res.kind == VMM_FAULT_NOT_PRESENT && res.status == INV);
    CHECK(vmm_fault(&vmm, 0x40000000, acc, NULL) == VMM_FAULT_NOT_PRESENT);
    CHECK(x86_page_fault(NULL, 0x40000000, 0, &res) == VMM_FAULT_NOT_PRESENT);
    CHECK(x86_page_fault_cpu(NULL, 0x40000000, X86_PF_P, X86_CR4_SMEP | X86_CR4_SMAP, 0, 0,
                             &res) == VMM_FAULT_NOT_PRESENT && res.status == INV);
    CHECK(x86_page_fault_cpu(&vmm, 0x40000000, X86_PF_P, X86_CR4_SMAP, 0, 0, NULL) ==
          VMM_FAULT_NOT_PRESENT);
    CHECK(vmm.bitmap.num_free == 1024 && fa.live == 0);
}

/* The NULL rule wins over every other error: a NULL pointer next to an
 * argument that is also wrong (a count too large, a misaligned or
 * non-canonical address, a bad size or attribute, an address outside the
 * window) still gets VMM_ERR_INVALID_ARGUMENT. (An outside test found
 * vmm_reserve and vmm_claim checking the count first.) */
static void test_null_wins(void)
{
    const size_t huge = (size_t)1 << 33, too_big = SIZE_MAX;
    const uint64_t odd = 0x40000123;
    uint64_t va, phys;
    bool b;
    size_t first;
    vmm_range_t bad_r = {0x40001000, 0x40000000};
    vmm_frames_t frames = hm.frames;
    vmm_t v2;
    CHECK_ERR(vmm_init(NULL, odd, 0, &alloc_if, &mapper, &frames), INV);
    CHECK_ERR(vmm_init(&v2, odd, 0, NULL, &mapper, &frames), INV);
    for (int k = 0; k < 3; k++) { /* count: too large, SIZE_MAX, 0 */
        size_t n = k == 0 ? huge : k == 1 ? too_big : 0;
        CHECK_ERR(vmm_reserve(NULL, n, K4, 0, 0, &va), INV);
        CHECK_ERR(vmm_reserve(&vmm, n, K4, 0, 0, NULL), INV);
        CHECK_ERR(vmm_claim(NULL, 0x40000000, n, K4, 0, 0), INV);
        CHECK_ERR(vmm_alloc(NULL, n, 0, &va), INV);
        CHECK_ERR(vmm_alloc(&vmm, n, 0, NULL), INV);
        CHECK_ERR(hbitmap_set_range(NULL, 1, n), INV);
        CHECK_ERR(hbitmap_clear_range(NULL, 1, n), INV);
        CHECK_ERR(hbitmap_prepare(NULL, 1, n, true), INV);
        CHECK_ERR(hbitmap_find(NULL, n, 1, 0, &first), INV);
        CHECK_ERR(hbitmap_find_set(NULL, n, 1, 0, &first), INV);
        CHECK_ERR(pmm_alloc_contiguous(NULL, n, 1, &phys), INV);
    }
    CHECK_ERR(vmm_reserve(NULL, 1, 12345, 0, 0, &va), INV);          /* bad page size */
    CHECK_ERR(vmm_reserve(&vmm, 1, K4, UINT32_MAX, 0, NULL), INV);   /* bad attrs */
    CHECK_ERR(vmm_reserve(&vmm, 1, K4, 0, UINT32_MAX, NULL), INV);   /* bad flags */
    CHECK_ERR(vmm_claim(NULL, odd, 1, K4, 0, 0), INV);               /* misaligned */
    CHECK_ERR(vmm_claim(NULL, UINT64_MAX & ~(K4 - 1), 2, K4, 0, 0), INV); /* wraps */
    CHECK_ERR(vmm_claim(NULL, 0x1000, 1, K4, 0, 0), INV);            /* outside */
    CHECK_ERR(vmm_alloc(NULL, 1, UINT32_MAX, &va), INV);
    CHECK_ERR(vmm_set(NULL, bad_r, NULL, 0), INV);
    CHECK_ERR(vmm_is_set(NULL, 0x1000, &b), INV);
    CHECK_ERR(vmm_is_set(&vmm, 0x1000, NULL), INV);
    CHECK_ERR(vmm_free(NULL, odd), INV);
    CHECK_ERR(vmm_free(NULL, 0x1000), INV);
    CHECK_ERR(vmm_release(NULL, 0x1000), INV);
    CHECK_ERR(vmm_map_page(NULL, odd, odd, odd, 0), INV);
    CHECK_ERR(hbitmap_init(NULL, 0, &alloc_if), INV);
    CHECK_ERR(hbitmap_test(NULL, too_big, &b), INV);
    CHECK_ERR(hbitmap_find(NULL, 1, 3, too_big, &first), INV);
    CHECK_ERR(pmm_reserve(NULL, odd, 1), INV);
    CHECK_ERR(pmm_free(NULL, odd), INV);
    CHECK_ERR(pmm_claim(NULL, odd), INV);
    CHECK_ERR(pmm_is_used(NULL, odd, &b), INV);
    CHECK_ERR(pmm_alloc_contiguous(NULL, 1, 3, &phys), INV);
    x86_walk_t w;
    CHECK_ERR(x86_map(NULL, odd, odd, K4, 12345, UINT32_MAX), INV);
    CHECK_ERR(x86_map(NULL, 0x0000800000000000ull, 0x100000, K4, K4, 0), INV);
    CHECK_ERR(x86_unmap(NULL, odd, 0, 12345), INV);
    CHECK_ERR(x86_translate(NULL, 0x0000800000000000ull, &w), INV);
    vmm_fault_result_t res;
    CHECK(vmm_fault(NULL, 0x0000800000000000ull, (vmm_access_t){0}, &res) ==
          VMM_FAULT_NOT_PRESENT);
    CHECK(res.status == INV);
    CHECK(vmm.bitmap.num_free == 1024 && fa.live == 0);
}

/* A zeroed vmm_t (init failed or never ran: static storage) is safe with
 * every call: errors, and no callback called (it has none). An outside
 * test found vmm_fault calling the NULL mapper.query and vmm_deinit
 * destroying a bitmap never initialised. */
static void test_zeroed_vmm(void)
{
    static vmm_t z; /* zeroed */
    static const vmm_t zero;
    uint64_t va;
    bool b;
    CHECK_ERR(vmm_init(&z, 0x2000, 0x1000, &alloc_if, &mapper, &hm.frames),
              VMM_ERR_INVALID_VIRT);
    CHECK(memcmp(&z, &zero, sizeof z) == 0); /* untouched */
    vmm_fault_result_t res;
    for (uint64_t a = 0; a < 3; a++) {
        uint64_t addr = a == 0 ? 0 : a == 1 ? 0x1000 : 0xFFFFFFFFFFFFF000ull;
        CHECK(vmm_fault(&z, addr, (vmm_access_t){.write = true}, &res) ==
              VMM_FAULT_NOT_PRESENT);
        CHECK(res.kind == VMM_FAULT_NOT_PRESENT && res.status == INV);
        CHECK(vmm_is_set(&z, addr, &b) != VMM_OK);
        CHECK(vmm_free(&z, addr) != VMM_OK && vmm_release(&z, addr) != VMM_OK);
        CHECK(vmm_claim(&z, addr, 1, K4, 0, 0) != VMM_OK);
        CHECK(vmm_map_page(&z, addr, addr, 0x100000, 0) != VMM_OK);
        CHECK(vmm_find_record(&z, addr) == NULL);
        CHECK(vmm_pin(&z, addr) != VMM_OK);
    }
    /* an outside test found vmm_set_fit writing a zeroed vmm_t, VMM_OK */
    CHECK_ERR(vmm_set_fit(&z, VMM_FIT_FIRST), VMM_ERR_INVALID_ARGUMENT);
    CHECK(vmm_record_count(&z) == 0 && vmm_index_check(&z));
    CHECK(vmm_alloc(&z, 1, 0, &va) != VMM_OK);
    CHECK(vmm_reserve(&z, 1, K4, 0, 0, &va) != VMM_OK);
    vmm_range_t r = {0x1000, 0x2000};
    CHECK(vmm_set(&z, r, NULL, 0) != VMM_OK);
    CHECK(vmm_first_record(&z) == NULL);
    vmm_deinit(&z);
    vmm_deinit(&z);
    CHECK(memcmp(&z, &zero, sizeof z) == 0 && fa.live == 0);
}

static void test_tree_null(void)
{
    vmm_btree_t t;
    uint64_t found = 7;
    vmm_btree_init(&t);
    CHECK(vmm_btree_find_le(NULL, 1, &found) == NULL && found == 7);
    CHECK(vmm_btree_next(NULL, 1, false) == NULL && vmm_btree_next(NULL, 0, true) == NULL);
    CHECK(!vmm_btree_check(NULL));
    CHECK(vmm_btree_check(&t) && vmm_btree_next(&t, 0, true) == NULL);
    CHECK(vmm_btree_find_le(&t, UINT64_MAX, &found) == NULL && found == 7);
    CHECK(vmm_first_record(NULL) == NULL && vmm_next_record(NULL) == NULL);
}

static void test_x86_null(void)
{
    x86_paging_t p2;
    x86_walk_t w;
    size_t frames_before = pmm_free_count(&hm.pmm);
    CHECK_ERR(x86_paging_init(NULL, &hm.frames, hm.access_offset), INV);
    CHECK_ERR(x86_paging_init(&p2, NULL, hm.access_offset), INV);
    x86_paging_destroy(NULL);
    CHECK_ERR(x86_map(NULL, 0x1000, 0x100000, K4, K4, 0), INV);
    CHECK_ERR(x86_unmap(NULL, 0x1000, K4, K4), INV);
    CHECK_ERR(x86_translate(NULL, 0x1000, &w), INV);
    CHECK_ERR(x86_translate(&pt, 0x1000, NULL), INV);
    CHECK(x86_walk_attrs(NULL) == 0);
    vmm_mapper_t m = x86_paging_mapper(NULL);
    CHECK_ERR(m.map(m.ctx, 0x1000, 0x100000, K4, K4, 0), INV);
    CHECK_ERR(m.unmap(m.ctx, 0x1000, K4, K4), INV);
    CHECK(m.query(m.ctx, 0x1000, NULL, NULL, NULL) != VMM_OK);

    memmap_entry_t map[1] = {{0, 64u << 20, MEMMAP_USABLE}};
    x86_boot_config_t cfg = {
        .map = map, .map_len = 1, .hhdm_offset = 0xFFFF800000000000ull, .has_1g_pages = true,
        .access_offset = hm.access_offset, .vmm_start = 0xFFFFFFFF80000000ull,
        .vmm_end = 0xFFFFFFFF80000000ull + 1024 * K4, .allocator = alloc_if,
    };
    x86_paging_t bpt;
    vmm_t bvmm;
    x86_boot_result_t res;
    CHECK_ERR(x86_boot_init(NULL, &hm.frames, &bpt, &bvmm, &res), INV);
    CHECK_ERR(x86_boot_init(&cfg, NULL, &bpt, &bvmm, &res), INV);
    CHECK_ERR(x86_boot_init(&cfg, &hm.frames, NULL, &bvmm, &res), INV);
    CHECK_ERR(x86_boot_init(&cfg, &hm.frames, &bpt, NULL, &res), INV);
    CHECK_ERR(x86_boot_init(&cfg, &hm.frames, &bpt, &bvmm, NULL), INV);
    x86_boot_config_t bad = cfg;
    bad.map = NULL;
    CHECK_ERR(x86_boot_init(&bad, &hm.frames, &bpt, &bvmm, &res), INV);
    bad = cfg;
    bad.kernel_len = 1; /* kernel NULL */
    CHECK_ERR(x86_boot_init(&bad, &hm.frames, &bpt, &bvmm, &res), INV);
    CHECK(x86_boot_min_table_frames(NULL) == 0);

    /* Table release queue, pinning, address spaces. */
    CHECK_ERR(x86_paging_pin_kernel_half(NULL), INV);
    x86_table_queue_t q;
    memset(&q, 0x5A, sizeof(q));
    x86_table_queue_init(NULL, &hm.frames, hm.access_offset);
    x86_table_queue_init(&q, NULL, hm.access_offset);
    /* refused: q is inert (empty, the default hook, flush 0), not garbage */
    CHECK(q.count == 0 && x86_table_queue_release(&q).release == NULL);
    CHECK(x86_table_queue_flush(&q) == 0);
    memset(&q, 0x5A, sizeof(q));
    x86_table_queue_init(&q, &(vmm_frames_t){ .alloc = hm.frames.alloc }, hm.access_offset);
    CHECK(x86_table_queue_flush(&q) == 0); /* a frame source without free */
    memset(&q, 0, sizeof(q)); /* zeroed, never initialised: inert too */
    CHECK(x86_table_queue_release(&q).release == NULL);
    CHECK(x86_table_queue_flush(&q) == 0);
    CHECK(x86_table_queue_release(NULL).release == NULL);
    CHECK(x86_table_queue_flush(NULL) == 0);
    CHECK(m.mappable(m.ctx, 0x1000, K4) == VMM_OK);
    x86_aspace_t as;
    x86_aspace_config_t acfg = {
        .kernel = &pt, .frames = hm.frames, .allocator = alloc_if,
        .user_start = 0x1000, .user_end = 0x1000 + 64 * K4,
    };
    CHECK_ERR(x86_aspace_create(NULL, &acfg), INV);
    CHECK_ERR(x86_aspace_create(&as, NULL), INV);
    x86_aspace_config_t abad = acfg;
    abad.kernel = NULL;
    CHECK_ERR(x86_aspace_create(&as, &abad), INV);
    abad = acfg;
    abad.frames.alloc = NULL;
    CHECK_ERR(x86_aspace_create(&as, &abad), INV);
    x86_aspace_destroy(NULL);
    CHECK(x86_aspace_cr3(NULL) == 0);
    CHECK(pmm_free_count(&hm.pmm) == frames_before && fa.live == 0);
}

int main(void)
{
    setup();
    RUN(test_hbitmap_null);
    RUN(test_pmm_null);
    RUN(test_vmm_null);
    RUN(test_null_wins);
    RUN(test_zeroed_vmm);
    RUN(test_tree_null);
    RUN(test_x86_null);
    vmm_deinit(&vmm);
    x86_paging_destroy(&pt);
    hostmem_destroy(&hm);
    return check_exit();
}
