/* Adversarial review of the core: the edges a kernel hits and the unit tests
 * of each module did not reach. The top of the address space, windows whose
 * start is not aligned, the next-fit wrap of aligned reservations, pages
 * unmapped behind the VMM's back, NULL out pointers, memory maps above 4 GiB
 * or starting at 0, physical ranges partly outside managed memory. Every
 * failing call is checked to leave the whole fixture unchanged. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "core/fault.h"
#include "core/pmm.h"
#include "core/vmm.h"
#include "vmm_fixture.h"

#define K4 VMM_PAGE_SIZE
#define M2 VMM_SIZE_2M
#define G1 VMM_SIZE_1G
#define PHYS_BYTES (8u << 20)
#define RW (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)
/* The highest page-aligned end a window can have. */
#define TOP_END (UINT64_MAX & ~VMM_PAGE_MASK)

/* Checks that a fault at addr gets verdict and changes nothing. */
static void check_verdict(vmm_fixture_t *fx, uint64_t addr, vmm_access_t acc,
                          vmm_fault_kind_t verdict)
{
    fx_snapshot_t s;
    vmm_fault_result_t out;
    fx_snap(fx, &s);
    vmm_fault_kind_t k = vmm_fault(&fx->vmm, addr, acc, &out);
    if (k != verdict)
        fprintf(stderr, "fault at %#llx: \"%s\", expected \"%s\"\n", (unsigned long long)addr,
                vmm_fault_name(k), vmm_fault_name(verdict));
    CHECK(k == verdict && out.kind == verdict);
    CHECK(fx_same(fx, &s));
    fx_snap_free(&s);
}

/* ---- the top of the address space ---- */

/* A window ending at 2^64 - 4K (the highest end there is): every operation
 * on its last pages, and ranges whose end would wrap past 2^64. */
static void test_window_at_top(void)
{
    vmm_fixture_t fx;
    uint64_t start = 0 - 2 * M2; /* 2M aligned; 1023 pages up to TOP_END */
    fx_init(&fx, start, 1023, PHYS_BYTES);
    vmm_t *v = &fx.vmm;
    CHECK(v->end == TOP_END);
    uint64_t last = TOP_END - K4, va;
    /* claim / set of the very last page; one more page leaves or wraps */
    CHECK_OK(vmm_claim(v, last, 1, K4, RW, VMM_RESERVE_LAZY));
    CHECK_ERR_SAME(&fx, vmm_claim(v, last, 2, K4, RW, 0), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR_SAME(&fx, vmm_claim(v, TOP_END, 1, K4, RW, 0), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR_SAME(&fx, vmm_claim(v, TOP_END, 2, K4, RW, 0), VMM_ERR_OVERFLOW);
    CHECK_ERR_SAME(&fx, vmm_claim(v, 0 - M2, 1, M2, RW, 0), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR_SAME(&fx, vmm_set(v, (vmm_range_t){last - K4, 0}, NULL, RW),
                   VMM_ERR_INVALID_VIRT); /* the end wrapped to 0 */
    CHECK_ERR_SAME(&fx, vmm_set(v, (vmm_range_t){last, UINT64_MAX}, NULL, RW),
                   VMM_ERR_MISALIGNED);
    CHECK_ERR_SAME(&fx, vmm_set(v, (vmm_range_t){last - K4, TOP_END}, NULL, RW),
                   VMM_ERR_ALREADY_ALLOCATED);
    /* a demand fault in the last page of the window; the page above it
     * (the last of the address space) is never the VMM's */
    vmm_fault_result_t out;
    CHECK(vmm_fault(v, last + 0xFFF, (vmm_access_t){.write = true}, &out) ==
          VMM_FAULT_RESOLVED);
    CHECK(out.page == last && out.page_size == K4);
    check_verdict(&fx, last + 8, (vmm_access_t){.write = true}, VMM_FAULT_SPURIOUS);
    check_verdict(&fx, UINT64_MAX, (vmm_access_t){.write = true}, VMM_FAULT_NOT_PRESENT);
    bool b;
    CHECK_ERR_SAME(&fx, vmm_is_set(v, TOP_END, &b), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR_SAME(&fx, vmm_free(v, UINT64_MAX), VMM_ERR_OUT_OF_BOUNDS);
    /* fill the rest: a 2M reservation and an alloc, nothing past the end */
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 2, M2, RW, 0, &va), VMM_ERR_NO_SPACE);
    CHECK_OK(vmm_reserve(v, 1, M2, RW, 0, &va));
    CHECK(va == start);
    CHECK_OK(vmm_alloc(v, 510, RW, &va));
    CHECK(va == start + M2 && va + 510 * K4 == last);
    CHECK_ERR_SAME(&fx, vmm_alloc(v, 1, RW, &va), VMM_ERR_NO_SPACE);
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 1, K4, RW, 0, &va), VMM_ERR_NO_SPACE);
    CHECK_OK(vmm_free(v, start + M2));
    CHECK_OK(vmm_release(v, last));
    CHECK(fx_destroy(&fx));
}

/* ---- alignment and next-fit ---- */

/* An aligned reservation whose rounded-up hint lies past the window end
 * wraps to the first aligned slot of the window. */
static void test_aligned_reserve_wraps(void)
{
    vmm_fixture_t fx;
    uint64_t start = 0x40000000 - 3 * K4; /* first 2M boundary at index 3 */
    fx_init(&fx, start, 1100, PHYS_BYTES);
    vmm_t *v = &fx.vmm;
    uint64_t big, small, again;
    CHECK_OK(vmm_reserve(v, 1, M2, RW, 0, &big));
    CHECK(big == start + 3 * K4);
    CHECK_OK(vmm_alloc(v, 500, RW, &small)); /* hint = 1015, next 2M slot at 1027 */
    CHECK(small == big + M2 && v->hint == 1015);
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 1, M2, RW, 0, &again), VMM_ERR_NO_SPACE);
    CHECK_OK(vmm_free(v, big));
    CHECK_OK(vmm_reserve(v, 1, M2, RW, 0, &again));
    CHECK(again == big);
    CHECK(fx_destroy(&fx));
}

/* A window of 519 pages whose first 2M boundary is 8 pages in: 511 pages
 * from there, so no 2M page fits although 519 pages are free. */
static void test_window_shorter_than_phase(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, M2 - 8 * K4, 519, PHYS_BYTES); /* [2M - 32K, 4M - 4K) */
    uint64_t va;
    CHECK_ERR_SAME(&fx, vmm_reserve(&fx.vmm, 1, M2, RW, 0, &va), VMM_ERR_NO_SPACE);
    CHECK_ERR_SAME(&fx, vmm_claim(&fx.vmm, M2, 1, M2, RW, 0), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_OK(vmm_alloc(&fx.vmm, 8, RW, &va));
    CHECK(va == M2 - 8 * K4);
    CHECK_OK(vmm_reserve(&fx.vmm, 511, K4, RW, 0, &va));
    CHECK(va == M2);
    CHECK(fx_destroy(&fx));
}

/* vmm_map_page on a page below a reservation that does not start the window. */
static void test_map_page_below_reservation(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, 0x40000000, 64, PHYS_BYTES);
    vmm_frames_t fr = fail_frames_iface(&fx.ff);
    uint64_t pad, res, f;
    CHECK_OK(vmm_reserve(&fx.vmm, 2, K4, RW, 0, &pad));
    CHECK_OK(vmm_reserve(&fx.vmm, 2, K4, RW, 0, &res));
    CHECK(res == pad + 2 * K4);
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f));
    CHECK_ERR_SAME(&fx, vmm_map_page(&fx.vmm, res, res - K4, f, RW), VMM_ERR_NOT_IN_RESERVATION);
    CHECK_ERR_SAME(&fx, vmm_map_page(&fx.vmm, res, pad, f, RW), VMM_ERR_NOT_IN_RESERVATION);
    CHECK_OK(vmm_map_page(&fx.vmm, res, res + K4, f, RW));
    CHECK(fx_destroy(&fx));
}

/* Handing vmm_map_page a frame the caller never allocated (free in the
 * pmm) is a caller mistake: an error with nothing changed, not a trap at
 * release (found by the Unicorn checks). An allocated frame is accepted; a
 * 2 MiB page checks all 512 of its frames. */
static void test_map_page_free_frame(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, 0x40000000, 1024, PHYS_BYTES);
    vmm_frames_t fr = fail_frames_iface(&fx.ff);
    uint64_t res, big, f, free_frame, f2m;
    CHECK_OK(vmm_reserve(&fx.vmm, 4, K4, RW, 0, &res));
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f));
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &free_frame));
    CHECK_OK(fr.free(fr.ctx, free_frame, 1));
    CHECK_ERR_SAME(&fx, vmm_map_page(&fx.vmm, res, res, free_frame, RW), VMM_ERR_FRAME_NOT_USED);
    CHECK_OK(vmm_map_page(&fx.vmm, res, res, f, RW));
    CHECK_OK(vmm_reserve(&fx.vmm, 1, 0x200000u, RW, 0, &big));
    CHECK_OK(fr.alloc(fr.ctx, 512, 512, &f2m));
    CHECK_OK(fr.free(fr.ctx, f2m + 511 * K4, 1)); /* last frame of it free */
    CHECK_ERR_SAME(&fx, vmm_map_page(&fx.vmm, big, big, f2m, RW), VMM_ERR_FRAME_NOT_USED);
    CHECK_OK(fr.claim(fr.ctx, f2m + 511 * K4, 1));
    CHECK_OK(vmm_map_page(&fx.vmm, big, big, f2m, RW));
    CHECK_OK(vmm_release(&fx.vmm, res));
    CHECK_OK(vmm_release(&fx.vmm, big));
    CHECK(fx_destroy(&fx));
}

/* ---- mappings changed behind the VMM's back ---- */

/* A reservation with mapped runs {0,1}, {3}, {5,6,7}; returns its start. */
static uint64_t mapped_reservation(vmm_fixture_t *fx)
{
    vmm_frames_t fr = fail_frames_iface(&fx->ff);
    uint64_t res;
    CHECK_OK(vmm_reserve(&fx->vmm, 8, K4, RW, 0, &res));
    static const int mapped[] = {0, 1, 3, 5, 6, 7};
    for (size_t i = 0; i < sizeof mapped / sizeof mapped[0]; i++) {
        uint64_t f;
        CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f));
        CHECK_OK(vmm_map_page(&fx->vmm, res, res + (uint64_t)mapped[i] * K4, f, RW));
    }
    return res;
}

/* Releasing a reservation one of whose pages was unmapped (or replaced by a
 * larger page) behind the VMM's back fails before unmapping anything: the
 * undo path (re-mapping with fresh table memory) is not even entered. */
static void test_release_checks_before_unmapping(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, 0x40000000, 2048, PHYS_BYTES);
    vmm_mapper_t m = rec_mapper_iface(&fx.rm);
    uint64_t res = mapped_reservation(&fx);
    const vmm_record_t *r = vmm_find_record(&fx.vmm, res);
    CHECK_OK(m.unmap(m.ctx, res + 6 * K4, K4, K4));
    size_t unmaps = fx.rm.unmap_calls, maps = fx.rm.map_calls;
    CHECK_ERR_SAME(&fx, vmm_release(&fx.vmm, res), VMM_ERR_NOT_MAPPED);
    CHECK_ERR_SAME(&fx, vmm_free(&fx.vmm, res), VMM_ERR_NOT_MAPPED);
    CHECK(fx.rm.unmap_calls == unmaps && fx.rm.map_calls == maps);
    CHECK_OK(m.map(m.ctx, res + 6 * K4, vmm_record_frame(r, 6), K4, K4, RW));
    CHECK_OK(vmm_release(&fx.vmm, res));
    CHECK(fx_destroy(&fx));

    /* a 2M page where a 4K page of the reservation was */
    fx_init(&fx, 0x40000000, 2048, PHYS_BYTES);
    m = rec_mapper_iface(&fx.rm);
    CHECK_OK(vmm_reserve(&fx.vmm, 2, K4, RW, 0, &res)); /* 2M aligned window start */
    vmm_frames_t fr = fail_frames_iface(&fx.ff);
    uint64_t f;
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f));
    CHECK_OK(vmm_map_page(&fx.vmm, res, res + K4, f, RW));
    r = vmm_find_record(&fx.vmm, res);
    CHECK_OK(m.unmap(m.ctx, res + K4, K4, K4));
    CHECK_OK(m.map(m.ctx, res, 0x600000, M2, M2, RW));
    unmaps = fx.rm.unmap_calls;
    CHECK_ERR_SAME(&fx, vmm_release(&fx.vmm, res), VMM_ERR_LARGE_PAGE_CONFLICT);
    CHECK(fx.rm.unmap_calls == unmaps);
    CHECK_OK(m.unmap(m.ctx, res, M2, M2));
    CHECK_OK(m.map(m.ctx, res + K4, f, K4, K4, RW));
    CHECK(fx_destroy(&fx));
}

/* A lazy page the record says is mapped but the mapper does not know: not
 * present; no second frame is taken for it. */
static void test_fault_on_page_unmapped_behind_back(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, 0x40001000, 64, PHYS_BYTES);
    vmm_mapper_t m = rec_mapper_iface(&fx.rm);
    uint64_t res;
    CHECK_OK(vmm_reserve(&fx.vmm, 2, K4, RW, VMM_RESERVE_LAZY, &res));
    vmm_fault_result_t out;
    CHECK(vmm_fault(&fx.vmm, res, (vmm_access_t){.write = true}, &out) == VMM_FAULT_RESOLVED);
    CHECK_OK(m.unmap(m.ctx, res, K4, K4));
    check_verdict(&fx, res + 5, (vmm_access_t){.write = true}, VMM_FAULT_NOT_PRESENT);
    CHECK_OK(m.map(m.ctx, res, out.phys, K4, K4, RW));
    /* outside the window, the mapper's word decides (a kernel image page) */
    CHECK_OK(m.map(m.ctx, 0x1000, 0x1000, K4, K4, VMM_ATTR_KERNEL));
    check_verdict(&fx, 0x1008, (vmm_access_t){.present = true}, VMM_FAULT_SPURIOUS);
    check_verdict(&fx, 0x1008, (vmm_access_t){.write = true}, VMM_FAULT_WRITE_READONLY);
    check_verdict(&fx, 0x2000, (vmm_access_t){.write = true}, VMM_FAULT_NOT_PRESENT);
    CHECK_OK(m.unmap(m.ctx, 0x1000, K4, K4));
    CHECK(fx_destroy(&fx));
}

/* ---- NULL out pointers are caller mistakes: errors, not crashes ---- */

static void test_null_out_pointers(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, 0x40001000, 64, PHYS_BYTES);
    size_t free_frames = pmm_free_count(&fx.pmm);
    CHECK_ERR_SAME(&fx, vmm_is_set(&fx.vmm, 0x40001000, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, pmm_alloc(&fx.pmm, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, pmm_alloc_contiguous(&fx.pmm, 2, 2, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, pmm_is_used(&fx.pmm, 0x200000, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, pmm_is_reserved(&fx.pmm, 0x200000, NULL), VMM_ERR_INVALID_ARGUMENT);
    vmm_frames_t fr = pmm_frames(&fx.pmm);
    CHECK_ERR_SAME(&fx, fr.alloc(fr.ctx, 1, 1, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK(pmm_free_count(&fx.pmm) == free_frames);
    /* vmm_fault without a result block still decides and resolves */
    uint64_t res;
    CHECK_OK(vmm_reserve(&fx.vmm, 1, K4, RW, VMM_RESERVE_LAZY, &res));
    CHECK(vmm_fault(&fx.vmm, res, (vmm_access_t){.user = true}, NULL) == VMM_FAULT_USER_KERNEL);
    CHECK(vmm_fault(&fx.vmm, res, (vmm_access_t){.write = true}, NULL) == VMM_FAULT_RESOLVED);
    CHECK(rec_mapper_lookup(&fx.rm, res, NULL));
    CHECK(vmm_fault(&fx.vmm, res, (vmm_access_t){.reserved = true}, NULL) ==
          VMM_FAULT_RESERVED_BIT);
    CHECK(fx_destroy(&fx));
}

static void test_null_objects(void)
{
    uint64_t words[4];
    fail_alloc_t fa;
    rec_mapper_t rm;
    fail_alloc_init(&fa);
    rec_mapper_init(&rm);
    memmap_entry_t map[] = {{0, 0x40000, MEMMAP_USABLE}};
    pmm_t pmm;
    CHECK_ERR(pmm_init(NULL, map, 1, words, 4), VMM_ERR_INVALID_ARGUMENT);
    CHECK_OK(pmm_init(&pmm, map, 1, words, 4));
    vmm_allocator_t a = fail_alloc_iface(&fa);
    vmm_mapper_t m = rec_mapper_iface(&rm);
    vmm_frames_t f = pmm_frames(&pmm);
    CHECK_ERR(vmm_init(NULL, 0, 64 * K4, &a, &m, &f), VMM_ERR_INVALID_ARGUMENT);
    rec_mapper_destroy(&rm);
}

/* ---- the frame manager's edges ---- */

/* Only RAM above 4 GiB, entries unsorted and overlapping, one at 0. */
static void test_pmm_high_unsorted_overlapping(void)
{
    static uint64_t storage[2 * BITMAP_WORDS((5 * G1) / K4)];
    const uint64_t g4 = 4 * G1;
    memmap_entry_t map[] = {
        {g4 + 0x10000, 0x8000, MEMMAP_ACPI_NVS},       /* inside the usable range */
        {g4, 0x40000, MEMMAP_USABLE},
        {g4 + 0x20000, 0x40000, MEMMAP_USABLE},        /* overlaps, extends it   */
        {0, 0x1000, MEMMAP_RESERVED},                  /* at 0, zero-sized usable */
        {0, 0, MEMMAP_USABLE},
        {g4 + 0x5F800, 0x1000, MEMMAP_BAD_MEMORY},     /* touches 0x5F and 0x60 */
    };
    size_t n = sizeof map / sizeof map[0];
    pmm_t pmm;
    CHECK(pmm_storage_words(map, n) == 2 * BITMAP_WORDS(g4 / K4 + 0x60));
    CHECK_OK(pmm_init(&pmm, map, n, storage, sizeof storage / sizeof storage[0]));
    CHECK(pmm.num_frames == g4 / K4 + 0x60);
    CHECK(pmm_free_count(&pmm) == 0x60 - 8 - 1);
    bool b;
    CHECK_OK(pmm_is_reserved(&pmm, 0, &b));
    CHECK(b);
    CHECK_OK(pmm_is_reserved(&pmm, g4 - K4, &b));
    CHECK(b);
    CHECK_OK(pmm_is_reserved(&pmm, g4 + 0x17000, &b));
    CHECK(b);
    CHECK_OK(pmm_is_used(&pmm, g4 + 0x18000, &b));
    CHECK(!b);
    CHECK_OK(pmm_is_reserved(&pmm, g4 + 0x5E000, &b));
    CHECK(!b);
    CHECK_OK(pmm_is_reserved(&pmm, g4 + 0x5F000, &b));
    CHECK(b);
    uint64_t p;
    /* alignments in frames: 4 GiB is frame 2^20, nothing at 2^40 or 2^63 */
    CHECK_OK(pmm_alloc_contiguous(&pmm, 1, (size_t)1 << 20, &p));
    CHECK(p == g4);
    CHECK_ERR(pmm_alloc_contiguous(&pmm, 1, (size_t)1 << 20, &p), VMM_ERR_OUT_OF_FRAMES);
    CHECK_ERR(pmm_alloc_contiguous(&pmm, 1, (size_t)1 << 40, &p), VMM_ERR_OUT_OF_FRAMES);
    CHECK_ERR(pmm_alloc_contiguous(&pmm, 1, (size_t)1 << 63, &p), VMM_ERR_OUT_OF_FRAMES);
    CHECK_OK(pmm_alloc(&pmm, &p));
    CHECK(p == g4 + K4);
    /* 16 frames aligned to 16: frames 0x10..0x17 are NVS, so 0x20 */
    CHECK_OK(pmm_alloc_contiguous(&pmm, 16, 16, &p));
    CHECK(p == g4 + 0x20000);
    CHECK_ERR(pmm_alloc_contiguous(&pmm, 0x61, 1, &p), VMM_ERR_OUT_OF_FRAMES);
    CHECK_ERR(pmm_free(&pmm, g4 - K4), VMM_ERR_FRAME_RESERVED);
    CHECK_ERR(pmm_free(&pmm, g4 + 0x60000), VMM_ERR_OUT_OF_BOUNDS);
}

/* A vmm_set physical range partly managed (RAM) and partly not (beyond the
 * last usable frame): only the managed frames are claimed and come back. */
static void test_set_partly_managed(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, 0x40001000, 64, PHYS_BYTES);
    size_t free_frames = pmm_free_count(&fx.pmm);
    vmm_range_t virt = {0x40001000 + 4 * K4, 0x40001000 + 8 * K4};
    vmm_range_t phys = {PHYS_BYTES - 2 * K4, PHYS_BYTES + 2 * K4};
    CHECK_OK(vmm_set(&fx.vmm, virt, &phys, RW));
    CHECK(pmm_free_count(&fx.pmm) == free_frames - 2);
    /* the managed half is taken now: a second set of it fails unchanged */
    vmm_range_t virt2 = {virt.end, virt.end + K4};
    CHECK_ERR_SAME(&fx, vmm_set(&fx.vmm, virt2, &(vmm_range_t){PHYS_BYTES - K4, PHYS_BYTES}, RW),
                   VMM_ERR_PHYS_ALREADY_ALLOCATED);
    /* the unmanaged half (device memory) can be mapped twice */
    CHECK_OK(vmm_set(&fx.vmm, virt2, &(vmm_range_t){PHYS_BYTES, PHYS_BYTES + K4}, RW));
    CHECK_OK(vmm_free(&fx.vmm, virt.start));
    CHECK(pmm_free_count(&fx.pmm) == free_frames);
    CHECK(fx_destroy(&fx));
}

/* ---- permanent records ---- */

/* vmm_pin: every kind of record (vmm_set with and without phys, vmm_alloc,
 * a mapped reservation) refuses vmm_free / vmm_release with
 * VMM_ERR_PINNED and stays exactly as it was, mappings and frames
 * included; pin's own errors change nothing; vmm_deinit frees them all. */
static void test_pinned_records(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, 0x40000000, 2048, PHYS_BYTES);
    vmm_t *v = &fx.vmm;
    uint64_t a, res, set_virt = 0x40000000 + 1024 * K4, bare = set_virt + 16 * K4;
    vmm_range_t phys = {0x100000, 0x100000 + 4 * K4};
    CHECK_OK(vmm_set(v, (vmm_range_t){set_virt, set_virt + 4 * K4}, &phys, RW));
    CHECK_OK(vmm_set(v, (vmm_range_t){bare, bare + 8 * K4}, NULL, RW));
    CHECK_OK(vmm_alloc(v, 3, RW, &a));
    res = mapped_reservation(&fx);
    const uint64_t recs[] = {set_virt, bare, a, res};
    for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
        CHECK_OK(vmm_pin(v, recs[i]));
        CHECK_OK(vmm_pin(v, recs[i])); /* twice: no error */
        CHECK(vmm_find_record(v, recs[i])->flags & VMM_RECORD_PINNED);
        CHECK_ERR_SAME(&fx, vmm_free(v, recs[i]), VMM_ERR_PINNED);
    }
    CHECK_ERR_SAME(&fx, vmm_release(v, res), VMM_ERR_PINNED);
    CHECK_ERR_SAME(&fx, vmm_release(v, a), VMM_ERR_NOT_RESERVATION); /* kind first */
    CHECK(vmm_find_record(v, res)->flags == (VMM_RECORD_PINNED | 0u));
    /* pin's errors, as vmm_free's, with nothing changed */
    CHECK_ERR_SAME(&fx, vmm_pin(NULL, a), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_pin(v, 0x1000), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR_SAME(&fx, vmm_pin(v, a + K4), VMM_ERR_NOT_START);
    CHECK_ERR_SAME(&fx, vmm_pin(v, bare + 8 * K4), VMM_ERR_NOT_ALLOCATED);
    /* a lazy reservation stays lazy once pinned: its faults still map */
    uint64_t lazy;
    CHECK_OK(vmm_reserve(v, 4, K4, RW, VMM_RESERVE_LAZY, &lazy));
    CHECK_OK(vmm_pin(v, lazy));
    vmm_fault_result_t out;
    CHECK(vmm_fault(v, lazy + K4, (vmm_access_t){.write = true}, &out) == VMM_FAULT_RESOLVED);
    CHECK(vmm_find_record(v, lazy)->flags == (VMM_RECORD_PINNED | VMM_RESERVE_LAZY));
    CHECK_ERR_SAME(&fx, vmm_release(v, lazy), VMM_ERR_PINNED);
    /* a reserve with the pinned bit as a flag is refused: it is no reserve flag */
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 1, K4, RW, VMM_RECORD_PINNED, &lazy),
                   VMM_ERR_INVALID_ARGUMENT);
    CHECK(fx_destroy(&fx)); /* vmm_deinit frees pinned records: nothing leaks */
}

/* ---- borrowed frames (VMM_RESERVE_BORROWED) ---- */

/* A borrowed reservation maps frames that stay the caller's (the Rust
 * seed's map_to; shared memory): one frame mapped in two reservations,
 * each release unmaps it and frees nothing, and the caller frees it after
 * the last one (found by an outside seed-parity check: before the flag, a
 * frame handed to two reservations was freed by the first release while
 * the second still mapped it). LAZY with BORROWED is refused. */
static void test_borrowed_frames(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, 0x40000000, 1024, PHYS_BYTES);
    vmm_t *v = &fx.vmm;
    vmm_frames_t fr = fail_frames_iface(&fx.ff);
    vmm_mapper_t m = rec_mapper_iface(&fx.rm);
    const uint32_t both = VMM_RESERVE_LAZY | VMM_RESERVE_BORROWED;
    uint64_t r1, r2, f, g, phys = 0, size = 0;
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 1, K4, RW, both, &r1), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_claim(v, 0x40000000, 1, K4, RW, both), VMM_ERR_INVALID_ARGUMENT);
    CHECK_OK(vmm_reserve(v, 2, K4, RW, VMM_RESERVE_BORROWED, &r1));
    CHECK_OK(vmm_reserve(v, 1, K4, RW, VMM_RESERVE_BORROWED, &r2));
    CHECK(vmm_find_record(v, r1)->flags == VMM_RESERVE_BORROWED);
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f));
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &g));
    /* a borrowed frame must still be the caller's (allocated) */
    CHECK_OK(fr.free(fr.ctx, g, 1));
    CHECK_ERR_SAME(&fx, vmm_map_page(v, r1, r1 + K4, g, RW), VMM_ERR_FRAME_NOT_USED);
    CHECK_OK(fr.claim(fr.ctx, g, 1));
    /* an allocator failure (the store's chunk) changes nothing */
    fx.fa.countdown = 0;
    CHECK_ERR_SAME(&fx, vmm_map_page(v, r1, r1, f, RW), VMM_ERR_OUT_OF_MEMORY);
    fx_disarm(&fx);
    CHECK_OK(vmm_map_page(v, r1, r1, f, RW));
    CHECK_OK(vmm_map_page(v, r1, r1 + K4, g, RW));
    CHECK_OK(vmm_map_page(v, r2, r2, f, RW)); /* the same frame again */
    long outstanding = fx.ff.outstanding;
    CHECK_OK(vmm_release(v, r1));
    CHECK(fx.ff.outstanding == outstanding); /* no frame went back */
    CHECK_OK(fr.in_use(fr.ctx, f, 1));
    CHECK_OK(fr.in_use(fr.ctx, g, 1));
    CHECK(m.query(m.ctx, r1, &phys, NULL, &size) == VMM_ERR_NOT_MAPPED);
    CHECK_OK(m.query(m.ctx, r2, &phys, NULL, &size));
    CHECK(phys == f && size == K4);
    /* vmm_free of a borrowed reservation frees none either */
    CHECK_OK(vmm_free(v, r2));
    CHECK(fx.ff.outstanding == outstanding);
    /* nor does vmm_deinit */
    CHECK_OK(vmm_claim(v, r1, 1, K4, RW, VMM_RESERVE_BORROWED));
    CHECK_OK(vmm_map_page(v, r1, r1, g, RW));
    vmm_deinit(v);
    CHECK(fx.ff.outstanding == outstanding && fx.rm.count == 0);
    CHECK_OK(fr.free(fr.ctx, f, 1)); /* the owner frees them after */
    CHECK_OK(fr.free(fr.ctx, g, 1));
    CHECK(fx_destroy(&fx));
}

/* The frames a borrowed reservation mapped, its release's context. */
typedef struct borrowed_ctx {
    uint64_t res, frame[3];
} borrowed_ctx_t;

/* A borrowed reservation of 3 pages, pages 0 and 2 mapped. */
static void borrowed_setup(vmm_fixture_t *fx, void *c)
{
    borrowed_ctx_t *b = c;
    vmm_frames_t fr = fail_frames_iface(&fx->ff);
    CHECK_OK(vmm_reserve(&fx->vmm, 3, K4, RW, VMM_RESERVE_BORROWED, &b->res));
    for (size_t i = 0; i < 3; i += 2) {
        CHECK_OK(fr.alloc(fr.ctx, 1, 1, &b->frame[i]));
        CHECK_OK(vmm_map_page(&fx->vmm, b->res, b->res + i * K4, b->frame[i], RW));
    }
}

/* Releases it; once it succeeds the caller frees its frames, still its own. */
static vmm_status_t borrowed_release(vmm_fixture_t *fx, void *c)
{
    borrowed_ctx_t *b = c;
    vmm_frames_t fr = fail_frames_iface(&fx->ff);
    vmm_status_t st = vmm_release(&fx->vmm, b->res);
    for (size_t i = 0; st == VMM_OK && i < 3; i += 2)
        CHECK_OK(fr.free(fr.ctx, b->frame[i], 1));
    return st;
}

/* A borrowed reservation's release fails atomically at every failure point
 * (unmap of each run, the bitmap's node) like any other. */
static void test_borrowed_release_atomic(void)
{
    borrowed_ctx_t b;
    size_t points[FX_INJ_KINDS];
    CHECK(fx_inject_everywhere("borrowed release", 0x40000000, 1024, PHYS_BYTES, borrowed_setup,
                               borrowed_release, &b, points));
    CHECK(points[FX_INJ_UNMAP] == 2); /* one call per mapped run */
}

/* ---- a vmm_t after vmm_deinit ---- */

/* vmm_deinit leaves an empty VMM over the same window, usable as vmm_init
 * left it (vmm.h; asked by an outside review, since hbitmap.h says its
 * bitmap must be initialised again after hbitmap_destroy): every record,
 * frame, mapping and allocator block is gone, then each kind of record can
 * be made and freed again, and a second deinit returns everything. */
static void test_deinit_then_reuse(void)
{
    vmm_fixture_t fx;
    const uint64_t start = 0x40000000;
    const size_t pages = 4096;
    fx_init(&fx, start, pages, PHYS_BYTES);
    vmm_t *v = &fx.vmm;
    size_t frames0 = pmm_free_count(&fx.pmm);
    uint64_t a, r;
    for (int round = 0; round < 2; round++) {
        CHECK_OK(vmm_alloc(v, 5, RW, &a));
        CHECK_OK(vmm_reserve(v, 1, M2, RW, VMM_RESERVE_LAZY, &r));
        vmm_fault_result_t out;
        CHECK(vmm_fault(v, r + K4, (vmm_access_t){.write = true}, &out) == VMM_FAULT_RESOLVED);
        CHECK_OK(vmm_claim(v, start + (pages - 8) * K4, 8, K4, RW, 0));
        CHECK_OK(vmm_pin(v, start + (pages - 8) * K4));
        CHECK(vmm_record_count(v) == 3 && fx.rm.count == 6);
        vmm_deinit(v);
        CHECK(vmm_record_count(v) == 0 && fx.rm.count == 0 && fx.fa.live == 0);
        CHECK(pmm_free_count(&fx.pmm) == frames0);
        CHECK(v->start == start && v->end == start + pages * K4);
        bool set = true;
        for (size_t i = 0; i < pages; i += 97) {
            CHECK_OK(vmm_is_set(v, start + i * K4, &set));
            CHECK(!set);
        }
        /* the whole window is one free run again: the lowest fit is its start */
        CHECK_OK(vmm_set_fit(v, VMM_FIT_FIRST));
        CHECK_OK(vmm_reserve(v, pages, K4, RW, 0, &a));
        CHECK(a == start);
        CHECK_OK(vmm_release(v, a));
    }
    CHECK(fx_destroy(&fx));
}

int main(void)
{
    RUN(test_window_at_top);
    RUN(test_aligned_reserve_wraps);
    RUN(test_window_shorter_than_phase);
    RUN(test_map_page_below_reservation);
    RUN(test_map_page_free_frame);
    RUN(test_release_checks_before_unmapping);
    RUN(test_fault_on_page_unmapped_behind_back);
    RUN(test_null_out_pointers);
    RUN(test_null_objects);
    RUN(test_pmm_high_unsorted_overlapping);
    RUN(test_set_partly_managed);
    RUN(test_pinned_records);
    RUN(test_borrowed_frames);
    RUN(test_borrowed_release_atomic);
    RUN(test_deinit_then_reuse);
    return check_exit();
}
