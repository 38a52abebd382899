/* The VMM: every error code of every function with the state compared before
 * and after, the Rust seed's reservation API, next-fit, and allocator /
 * frame / mapper failure injected at every point of every operation. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "core/vmm.h"
#include "vmm_fixture.h"

#define K4 VMM_PAGE_SIZE
#define M2 VMM_SIZE_2M
#define G1 VMM_SIZE_1G
#define PHYS_BYTES (8u << 20)
#define RW (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)

/* A start that is 4 KiB but not 2 MiB aligned, and 0. */
static const uint64_t starts[] = {0, 0x40001000};
#define NUM_STARTS (sizeof starts / sizeof starts[0])

static bool is_set(const vmm_t *vmm, uint64_t virt)
{
    bool b = false;
    CHECK_OK(vmm_is_set(vmm, virt, &b));
    return b;
}

/* ---- init ---- */

static void test_init_errors(void)
{
    fail_alloc_t fa;
    rec_mapper_t rm;
    fail_alloc_init(&fa);
    rec_mapper_init(&rm);
    pmm_t pmm;
    uint64_t pw[8];
    memmap_entry_t map[] = {{0, 0x40000, MEMMAP_USABLE}};
    CHECK_OK(pmm_init(&pmm, map, 1, pw, 8));
    vmm_allocator_t a = fail_alloc_iface(&fa);
    vmm_mapper_t m = rec_mapper_iface(&rm);
    vmm_frames_t f = pmm_frames(&pmm);
    vmm_t vmm;
    memset(&vmm, 0x5A, sizeof vmm);
    vmm_t before = vmm;
    uint64_t s = 0x1000;
    CHECK_ERR(vmm_init(NULL, s, s + 0x10000, &a, &m, &f), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(vmm_init(&vmm, s, s + 0x10000, NULL, &m, &f), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(vmm_init(&vmm, s, s + 0x10000, &a, NULL, &f), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(vmm_init(&vmm, s, s + 0x10000, &a, &m, NULL), VMM_ERR_INVALID_ARGUMENT);
    vmm_allocator_t a2 = a;
    a2.free = NULL;
    CHECK_ERR(vmm_init(&vmm, s, s + 0x10000, &a2, &m, &f), VMM_ERR_INVALID_ARGUMENT);
    vmm_mapper_t m2 = m;
    m2.query = NULL;
    CHECK_ERR(vmm_init(&vmm, s, s + 0x10000, &a, &m2, &f), VMM_ERR_INVALID_ARGUMENT);
    vmm_frames_t f2 = f;
    f2.claim = NULL;
    CHECK_ERR(vmm_init(&vmm, s, s + 0x10000, &a, &m, &f2), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR(vmm_init(&vmm, s, s, &a, &m, &f), VMM_ERR_INVALID_VIRT);
    CHECK_ERR(vmm_init(&vmm, s + 0x1000, s, &a, &m, &f), VMM_ERR_INVALID_VIRT);
    CHECK_ERR(vmm_init(&vmm, s + 1, s + 0x10000, &a, &m, &f), VMM_ERR_MISALIGNED);
    CHECK_ERR(vmm_init(&vmm, s, s + 0x10001, &a, &m, &f), VMM_ERR_MISALIGNED);
    CHECK(memcmp(&vmm, &before, sizeof vmm) == 0);
    CHECK_OK(vmm_init(&vmm, s, s + 256 * K4, &a, &m, &f));
    CHECK(vmm.start == s && vmm.end == s + 256 * K4 && vmm_first_record(&vmm) == NULL);
    CHECK(vmm.bitmap.num_free == 256 && fa.live == 0); /* no node until a page is used */
    vmm_deinit(&vmm);
    /* the whole address space but its last page: the largest window */
    CHECK_OK(vmm_init(&vmm, 0, UINT64_MAX & ~VMM_PAGE_MASK, &a, &m, &f));
    CHECK(vmm.bitmap.num_entries == ((size_t)1 << 52) - 1u && fa.live == 0);
    vmm_deinit(&vmm);
    /* the top of the address space is a valid window */
    CHECK_OK(vmm_init(&vmm, UINT64_MAX - 256 * K4 + 1, UINT64_MAX & ~VMM_PAGE_MASK, &a, &m, &f));
    CHECK(vmm.bitmap.num_entries == 255);
    vmm_deinit(&vmm);
    rec_mapper_destroy(&rm);
}

/* ---- set ---- */

static void set_errors(uint64_t start)
{
    vmm_fixture_t fx;
    fx_init(&fx, start, 64, PHYS_BYTES);
    vmm_t *v = &fx.vmm;
    uint64_t a = start + 4 * K4;
    vmm_range_t r = {a, a + 4 * K4};
    vmm_range_t p = {0x200000, 0x204000};
    CHECK_ERR_SAME(&fx, vmm_set(v, r, &p, 0x10), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_set(v, (vmm_range_t){a, a}, NULL, RW), VMM_ERR_INVALID_VIRT);
    CHECK_ERR_SAME(&fx, vmm_set(v, (vmm_range_t){a + K4, a}, NULL, RW), VMM_ERR_INVALID_VIRT);
    CHECK_ERR_SAME(&fx, vmm_set(v, (vmm_range_t){a + 1, a + K4}, NULL, RW), VMM_ERR_MISALIGNED);
    CHECK_ERR_SAME(&fx, vmm_set(v, (vmm_range_t){a, a + 10}, NULL, RW), VMM_ERR_MISALIGNED);
    CHECK_ERR_SAME(&fx, vmm_set(v, (vmm_range_t){start + 63 * K4, start + 65 * K4}, NULL, RW),
                   VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR_SAME(&fx, vmm_set(v, (vmm_range_t){start + 64 * K4, start + 65 * K4}, NULL, RW),
                   VMM_ERR_OUT_OF_BOUNDS);
    if (start != 0)
        CHECK_ERR_SAME(&fx, vmm_set(v, (vmm_range_t){start - K4, start + K4}, NULL, RW),
                       VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR_SAME(&fx, vmm_set(v, r, &(vmm_range_t){p.start, p.start}, RW), VMM_ERR_INVALID_PHYS);
    CHECK_ERR_SAME(&fx, vmm_set(v, r, &(vmm_range_t){p.end, p.start}, RW), VMM_ERR_INVALID_PHYS);
    CHECK_ERR_SAME(&fx, vmm_set(v, r, &(vmm_range_t){p.start, p.end + K4}, RW),
                   VMM_ERR_PHYS_VIRT_MISMATCH);
    CHECK_ERR_SAME(&fx, vmm_set(v, r, &(vmm_range_t){p.start + 8, p.end + 8}, RW),
                   VMM_ERR_MISALIGNED);
    CHECK_OK(vmm_set(v, r, &p, RW));
    /* any overlap with a record */
    CHECK_ERR_SAME(&fx, vmm_set(v, (vmm_range_t){a + 3 * K4, a + 5 * K4}, NULL, RW),
                   VMM_ERR_ALREADY_ALLOCATED);
    CHECK_ERR_SAME(&fx, vmm_set(v, (vmm_range_t){a - K4, a + K4}, NULL, RW),
                   VMM_ERR_ALREADY_ALLOCATED);
    /* the frames are taken: claimed by the first set */
    vmm_range_t r2 = {a + 8 * K4, a + 9 * K4};
    CHECK_ERR_SAME(&fx, vmm_set(v, r2, &(vmm_range_t){p.start + K4, p.start + 2 * K4}, RW),
                   VMM_ERR_PHYS_ALREADY_ALLOCATED);
    /* the mapper's own error: a page already mapped behind the VMM's back */
    vmm_mapper_t m = rec_mapper_iface(&fx.rm);
    CHECK_OK(m.map(m.ctx, r2.start, 0x300000, K4, K4, RW));
    CHECK_ERR_SAME(&fx, vmm_set(v, r2, &(vmm_range_t){0x310000, 0x311000}, RW),
                   VMM_ERR_ALREADY_MAPPED);
    CHECK_OK(m.unmap(m.ctx, r2.start, K4, K4));
    /* a record slot of a partial chunk, the bitmap's leaf there: no
     * allocation (the armed failure does not fire) */
    fx.fa.countdown = 0;
    CHECK_OK(vmm_set(v, r2, NULL, RW));
    CHECK(fx.fa.countdown == 0);
    fx_disarm(&fx);
    CHECK(fx_destroy(&fx));
}

static void test_set_errors(void)
{
    for (size_t i = 0; i < NUM_STARTS; i++)
        set_errors(starts[i]);
}

/* ---- alloc ---- */

static void alloc_errors(uint64_t start)
{
    vmm_fixture_t fx;
    fx_init(&fx, start, 64, 0x110000); /* 16 usable frames */
    vmm_t *v = &fx.vmm;
    uint64_t va = 0xDEAD;
    CHECK_ERR_SAME(&fx, vmm_alloc(v, 0, RW, &va), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_alloc(v, 1, VMM_ATTR_ALL + 1, &va), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_alloc(v, 1, RW, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_alloc(v, 65, RW, &va), VMM_ERR_NO_SPACE);
    CHECK_ERR_SAME(&fx, vmm_alloc(v, SIZE_MAX, RW, &va), VMM_ERR_NO_SPACE);
    /* 17 pages fit the window but not the 16 frames */
    CHECK_ERR_SAME(&fx, vmm_alloc(v, 17, RW, &va), VMM_ERR_OUT_OF_FRAMES);
    CHECK(va == 0xDEAD);
    /* fragment the window: no run of 40 left although 56 pages are free */
    CHECK_OK(vmm_set(v, (vmm_range_t){start + 30 * K4, start + 38 * K4}, NULL, RW));
    CHECK_ERR_SAME(&fx, vmm_alloc(v, 40, RW, &va), VMM_ERR_NO_SPACE);
    fx.fa.countdown = 0;
    CHECK_ERR_SAME(&fx, vmm_alloc(v, 2, RW, &va), VMM_ERR_OUT_OF_MEMORY);
    fx.rm.map_countdown = 0;
    fx.rm.map_error = VMM_ERR_NON_CANONICAL;
    CHECK_ERR_SAME(&fx, vmm_alloc(v, 2, RW, &va), VMM_ERR_NON_CANONICAL);
    CHECK_OK(vmm_alloc(v, 16, RW, &va));
    CHECK(va == start);
    CHECK_ERR_SAME(&fx, vmm_alloc(v, 1, RW, &va), VMM_ERR_OUT_OF_FRAMES);
    CHECK(fx_destroy(&fx));
}

static void test_alloc_errors(void)
{
    for (size_t i = 0; i < NUM_STARTS; i++)
        alloc_errors(starts[i]);
}

/* Next-fit: after a free the search goes on from the last allocation, and
 * wraps around to the window start when the end is reached. */
static void test_alloc_next_fit(void)
{
    vmm_fixture_t fx;
    uint64_t start = 0x40001000;
    fx_init(&fx, start, 8, PHYS_BYTES);
    uint64_t a, b, c, d;
    CHECK_OK(vmm_alloc(&fx.vmm, 2, RW, &a));
    CHECK_OK(vmm_alloc(&fx.vmm, 2, RW, &b));
    CHECK(a == start && b == start + 2 * K4);
    CHECK_OK(vmm_free(&fx.vmm, a));
    CHECK_OK(vmm_alloc(&fx.vmm, 2, RW, &c));
    CHECK(c == start + 4 * K4);
    CHECK_OK(vmm_alloc(&fx.vmm, 2, RW, &d));
    CHECK(d == start + 6 * K4);
    CHECK_OK(vmm_alloc(&fx.vmm, 2, RW, &a));
    CHECK(a == start); /* wrapped */
    CHECK_ERR(vmm_alloc(&fx.vmm, 1, RW, &a), VMM_ERR_NO_SPACE);
    CHECK(fx_destroy(&fx));
}

/* Each page gets its own frame; attributes reach the mapper unchanged. */
static void test_alloc_frames_and_attrs(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, 0x40000000, 64, PHYS_BYTES);
    vmm_attrs_t attrs[] = {0, VMM_ATTR_KERNEL, VMM_ATTR_WRITABLE, VMM_ATTR_CACHABLE,
                           VMM_ATTR_EXECUTABLE, VMM_ATTR_ALL};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        uint64_t va;
        CHECK_OK(vmm_alloc(&fx.vmm, 3, attrs[i], &va));
        const vmm_record_t *r = vmm_find_record(&fx.vmm, va + 2 * K4);
        CHECK(r != NULL && r->virt == va && r->pages == 3 && r->nframes == 3 &&
              r->kind == VMM_REC_ALLOC && r->attrs == attrs[i]);
        for (int k = 0; r != NULL && k < 3; k++) {
            rec_page_t p;
            CHECK(rec_mapper_lookup(&fx.rm, va + (uint64_t)k * K4, &p));
            CHECK(p.phys == vmm_record_frame(r, k) && p.attrs == attrs[i] && p.page_size == K4);
        }
    }
    /* records are sorted by address */
    for (const vmm_record_t *r = vmm_first_record(&fx.vmm); r && vmm_next_record(r);
         r = vmm_next_record(r))
        CHECK(r->virt + r->pages * K4 <= vmm_next_record(r)->virt);
    CHECK(fx_destroy(&fx));
}

/* ---- free ---- */

static void free_errors(uint64_t start)
{
    vmm_fixture_t fx;
    fx_init(&fx, start, 64, PHYS_BYTES);
    vmm_t *v = &fx.vmm;
    uint64_t va;
    CHECK_OK(vmm_alloc(v, 4, RW, &va));
    CHECK_ERR_SAME(&fx, vmm_free(v, start + 64 * K4), VMM_ERR_OUT_OF_BOUNDS);
    if (start != 0)
        CHECK_ERR_SAME(&fx, vmm_free(v, start - K4), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR_SAME(&fx, vmm_free(v, va + 4 * K4), VMM_ERR_NOT_ALLOCATED);
    CHECK_ERR_SAME(&fx, vmm_free(v, va + K4), VMM_ERR_NOT_START);
    CHECK_ERR_SAME(&fx, vmm_free(v, va + 3 * K4 + 5), VMM_ERR_NOT_START);
    CHECK_ERR_SAME(&fx, vmm_free(v, va + 1), VMM_ERR_NOT_START);
    fx.rm.unmap_countdown = 0;
    CHECK_ERR_SAME(&fx, vmm_free(v, va), VMM_ERR_NOT_MAPPED);
    CHECK_OK(vmm_free(v, va));
    CHECK_ERR_SAME(&fx, vmm_free(v, va), VMM_ERR_NOT_ALLOCATED); /* double free */
    CHECK(fx_destroy(&fx));
}

static void test_free_errors(void)
{
    for (size_t i = 0; i < NUM_STARTS; i++)
        free_errors(starts[i]);
}

/* ---- reserve / claim / map_page / release (the Rust seed) ---- */

static void reserve_errors(uint64_t start)
{
    vmm_fixture_t fx;
    fx_init(&fx, start, 1024, PHYS_BYTES);
    vmm_t *v = &fx.vmm;
    uint64_t va = 0xDEAD;
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 0, K4, RW, 0, &va), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 1, 2 * K4, RW, 0, &va), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 1, 0, RW, 0, &va), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 1, K4, 0x100, 0, &va), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 1, K4, RW, 2, &va), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 1, K4, RW, 0, NULL), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_reserve(v, SIZE_MAX / 2, G1, RW, 0, &va), VMM_ERR_OVERFLOW);
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 1025, K4, RW, 0, &va), VMM_ERR_NO_SPACE);
    /* 1024 pages = 4 MiB: two 2M pages fit only when start is 2M aligned */
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 3, M2, RW, 0, &va), VMM_ERR_NO_SPACE);
    if (start % M2 != 0)
        CHECK_ERR_SAME(&fx, vmm_reserve(v, 2, M2, RW, 0, &va), VMM_ERR_NO_SPACE);
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 1, G1, RW, 0, &va), VMM_ERR_NO_SPACE);
    fx.fa.countdown = 0;
    CHECK_ERR_SAME(&fx, vmm_reserve(v, 1, K4, RW, 0, &va), VMM_ERR_OUT_OF_MEMORY);
    CHECK(va == 0xDEAD);
    CHECK(fx_destroy(&fx));
}

static void test_reserve_errors(void)
{
    for (size_t i = 0; i < NUM_STARTS; i++)
        reserve_errors(starts[i]);
}

/* Reservations are aligned in VIRTUAL address, whatever the window start,
 * nothing is mapped, and the hint moves on. */
/* A reservation takes nothing per page: reserving 2^20 pages costs the
 * allocator no byte beyond the bitmap's nodes (a record slot of a partial
 * chunk, no store); its first mapped page takes one chunk of its store and
 * the path above it (vmm.h: 2^20 pages need two levels above the chunks,
 * the top one of 2^20 / 2^17 = 8 slots), a page of the same chunk nothing,
 * a page under another node of the first level that node and its chunk;
 * the release gives all of it back. */
#define CHUNK_BYTES (256u * 9u)
#define NODE_BYTES (512u * sizeof(void *))
static void test_reserve_nothing_per_page(void)
{
    vmm_fixture_t fx;
    uint64_t start = 0x100000000ull, big, small, f;
    size_t count = (size_t)1 << 20;
    fx_init(&fx, start, 2 * count, PHYS_BYTES);
    vmm_frames_t fr = fail_frames_iface(&fx.ff);
    CHECK_OK(vmm_reserve(&fx.vmm, 1, K4, RW, 0, &small)); /* the index's chunk */
    size_t bytes = fx.fa.live_bytes - hbitmap_bytes(&fx.vmm.bitmap);
    CHECK_OK(vmm_reserve(&fx.vmm, count, K4, RW, 0, &big));
    CHECK(fx.fa.live_bytes - hbitmap_bytes(&fx.vmm.bitmap) == bytes);
    const vmm_record_t *r = vmm_find_record(&fx.vmm, big);
    CHECK(r != NULL && r->nframes == count && r->store == NULL && r->mapped == 0);
    CHECK(vmm_record_frame(r, count - 1) == VMM_NO_FRAME && vmm_record_frame(r, count) == VMM_NO_FRAME);
    CHECK(vmm_record_next_mapped(r, 0) == count);
    size_t blocks = fx.fa.live;
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f));
    CHECK_OK(vmm_map_page(&fx.vmm, big, big + (count - 1) * K4, f, RW));
    CHECK(r->store != NULL && r->mapped == 1 && vmm_record_frame(r, count - 1) == f);
    CHECK(fx.fa.live_bytes - hbitmap_bytes(&fx.vmm.bitmap) ==
          bytes + 8 * sizeof(void *) + NODE_BYTES + CHUNK_BYTES);
    CHECK(fx.fa.live == blocks + 3);
    CHECK(vmm_record_next_mapped(r, 0) == count - 1 && vmm_record_next_mapped(r, count) == count);
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f));
    CHECK_OK(vmm_map_page(&fx.vmm, big, big + (count - 2) * K4, f, VMM_ATTR_WRITABLE));
    CHECK(fx.fa.live == blocks + 3 && vmm_record_page_attrs(r, count - 2) == VMM_ATTR_WRITABLE);
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f));
    CHECK_OK(vmm_map_page(&fx.vmm, big, big, f, RW));
    CHECK(fx.fa.live == blocks + 5 && r->mapped == 3 && vmm_index_check(&fx.vmm));
    CHECK(fx.fa.live_bytes - hbitmap_bytes(&fx.vmm.bitmap) ==
          bytes + 8 * sizeof(void *) + 2 * (NODE_BYTES + CHUNK_BYTES));
    CHECK(vmm_record_store_bytes(r, NULL) == 8 * sizeof(void *) + 2 * (NODE_BYTES + CHUNK_BYTES));
    CHECK(vmm_record_next_mapped(r, 0) == 0 && vmm_record_next_mapped(r, 1) == count - 2);
    CHECK_OK(vmm_release(&fx.vmm, big));
    CHECK(fx.fa.live_bytes - hbitmap_bytes(&fx.vmm.bitmap) == bytes && fx.ff.outstanding == 0);
    CHECK(fx_destroy(&fx));
}

static void test_reserve_alignment(void)
{
    for (size_t i = 0; i < NUM_STARTS; i++) {
        uint64_t start = starts[i];
        vmm_fixture_t fx;
        fx_init(&fx, start, 2048, PHYS_BYTES);
        uint64_t a, b, c;
        CHECK_OK(vmm_reserve(&fx.vmm, 3, K4, RW, 0, &a));
        CHECK(a == start);
        CHECK_OK(vmm_reserve(&fx.vmm, 1, M2, RW, 0, &b));
        CHECK(b % M2 == 0 && b >= a + 3 * K4 && b + M2 <= fx.vmm.end);
        CHECK(b - start < M2 + 3 * K4 + M2); /* the first aligned slot */
        CHECK_OK(vmm_reserve(&fx.vmm, 2, K4, RW, VMM_RESERVE_LAZY, &c));
        CHECK(c == b + M2); /* next-fit after the 2M page */
        const vmm_record_t *r = vmm_find_record(&fx.vmm, b + 12345);
        CHECK(r != NULL && r->virt == b && r->kind == VMM_REC_RESERVE && r->page_size == M2 &&
              r->nframes == 1 && r->frames == NULL && vmm_record_frame(r, 0) == VMM_NO_FRAME && r->pages == 512 &&
              r->flags == 0 && r->attrs == RW);
        r = vmm_find_record(&fx.vmm, c);
        CHECK(r != NULL && r->flags == VMM_RESERVE_LAZY && r->nframes == 2);
        CHECK(fx.rm.count == 0 && fx.rm.map_calls == 0);
        CHECK(is_set(&fx.vmm, b) && is_set(&fx.vmm, b + M2 - K4));
        CHECK(fx_destroy(&fx));
    }
}

static void claim_errors(uint64_t start)
{
    vmm_fixture_t fx;
    fx_init(&fx, start, 1024, PHYS_BYTES);
    vmm_t *v = &fx.vmm;
    uint64_t a = start + 16 * K4;
    CHECK_ERR_SAME(&fx, vmm_claim(v, a, 0, K4, RW, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_claim(v, a, 1, 3 * K4, RW, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_claim(v, a, 1, K4, 0x20, 0), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_claim(v, a, 1, K4, RW, 0x80), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_claim(v, a + 8, 1, K4, RW, 0), VMM_ERR_MISALIGNED);
    CHECK_ERR_SAME(&fx, vmm_claim(v, a, 1, M2, RW, 0), VMM_ERR_MISALIGNED);
    CHECK_ERR_SAME(&fx, vmm_claim(v, UINT64_MAX & ~(M2 - 1), 2, M2, RW, 0), VMM_ERR_OVERFLOW);
    CHECK_ERR_SAME(&fx, vmm_claim(v, start + 1020 * K4, 5, K4, RW, 0), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR_SAME(&fx, vmm_claim(v, start + 1024 * K4, 1, K4, RW, 0), VMM_ERR_OUT_OF_BOUNDS);
    if (start != 0)
        CHECK_ERR_SAME(&fx, vmm_claim(v, 0, 1, K4, RW, 0), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_OK(vmm_claim(v, a, 4, K4, RW, 0));
    CHECK_ERR_SAME(&fx, vmm_claim(v, a + 3 * K4, 1, K4, RW, 0), VMM_ERR_ALREADY_ALLOCATED);
    CHECK_ERR_SAME(&fx, vmm_claim(v, a - K4, 2, K4, RW, 0), VMM_ERR_ALREADY_ALLOCATED);
    fx.fa.countdown = 0; /* no allocation: a slot of a partial chunk, no frames block */
    CHECK_OK(vmm_claim(v, a + 4 * K4, 1, K4, RW, 0));
    CHECK(fx.fa.countdown == 0);
    fx_disarm(&fx);
    const vmm_record_t *r = vmm_find_record(v, a + 4 * K4);
    CHECK(r != NULL && r->virt == a + 4 * K4 && r->kind == VMM_REC_RESERVE);
    CHECK(fx_destroy(&fx));
}

static void test_claim_errors(void)
{
    for (size_t i = 0; i < NUM_STARTS; i++)
        claim_errors(starts[i]);
}

static void map_page_errors(uint64_t start)
{
    vmm_fixture_t fx;
    fx_init(&fx, start, 2048, PHYS_BYTES);
    vmm_t *v = &fx.vmm;
    vmm_frames_t fr = fail_frames_iface(&fx.ff);
    uint64_t res, big, al, f1, f2;
    CHECK_OK(vmm_reserve(v, 4, K4, RW, 0, &res));
    CHECK_OK(vmm_reserve(v, 1, M2, RW, 0, &big));
    CHECK_OK(vmm_alloc(v, 2, RW, &al));
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f1));
    CHECK_OK(fr.alloc(fr.ctx, 512, 512, &f2));
    CHECK_ERR_SAME(&fx, vmm_map_page(v, res, res, f1, 0x40), VMM_ERR_INVALID_ARGUMENT);
    CHECK_ERR_SAME(&fx, vmm_map_page(v, start + 2047 * K4, start + 2047 * K4, f1, RW),
                   VMM_ERR_NOT_ALLOCATED);
    CHECK_ERR_SAME(&fx, vmm_map_page(v, start + 2048 * K4, start + 2048 * K4, f1, RW),
                   VMM_ERR_NOT_ALLOCATED);
    CHECK_ERR_SAME(&fx, vmm_map_page(v, res + K4, res + K4, f1, RW), VMM_ERR_NOT_START);
    CHECK_ERR_SAME(&fx, vmm_map_page(v, al, al, f1, RW), VMM_ERR_NOT_RESERVATION);
    CHECK_ERR_SAME(&fx, vmm_map_page(v, res, res + 4 * K4, f1, RW), VMM_ERR_NOT_IN_RESERVATION);
    CHECK_ERR_SAME(&fx, vmm_map_page(v, res, big, f1, RW), VMM_ERR_NOT_IN_RESERVATION);
    if (res != start)
        CHECK_ERR_SAME(&fx, vmm_map_page(v, res, res - K4, f1, RW), VMM_ERR_NOT_IN_RESERVATION);
    CHECK_ERR_SAME(&fx, vmm_map_page(v, res, res + 8, f1, RW), VMM_ERR_MISALIGNED);
    CHECK_ERR_SAME(&fx, vmm_map_page(v, res, res, f1 + 8, RW), VMM_ERR_MISALIGNED);
    CHECK_ERR_SAME(&fx, vmm_map_page(v, big, big + K4, f2, RW), VMM_ERR_MISALIGNED);
    CHECK_ERR_SAME(&fx, vmm_map_page(v, big, big, f2 + K4, RW), VMM_ERR_MISALIGNED);
    fx.rm.map_countdown = 0;
    CHECK_ERR_SAME(&fx, vmm_map_page(v, res, res + K4, f1, RW), VMM_ERR_OUT_OF_FRAMES);
    CHECK_OK(vmm_map_page(v, res, res + K4, f1, VMM_ATTR_WRITABLE));
    CHECK_ERR_SAME(&fx, vmm_map_page(v, res, res + K4, f1 + K4, RW), VMM_ERR_ALREADY_MAPPED);
    CHECK_OK(vmm_map_page(v, big, big, f2, RW));
    rec_page_t p;
    CHECK(rec_mapper_lookup(&fx.rm, big + 0x1234, &p) && p.page_size == M2 && p.phys == f2);
    CHECK(rec_mapper_lookup(&fx.rm, res + K4, &p) && p.attrs == VMM_ATTR_WRITABLE);
    const vmm_record_t *r = vmm_find_record(v, res);
    CHECK(vmm_record_frame(r, 1) == f1 && vmm_record_frame(r, 0) == VMM_NO_FRAME);
    CHECK(vmm_record_page_attrs(r, 1) == VMM_ATTR_WRITABLE && vmm_record_page_attrs(r, 0) == RW);
    CHECK(fx_destroy(&fx)); /* releases return f1 and f2: nothing outstanding */
}

static void test_map_page_errors(void)
{
    for (size_t i = 0; i < NUM_STARTS; i++)
        map_page_errors(starts[i]);
}

/* The Rust seed's flow: allocate_contiguous_pages, map_to each page with a
 * frame from the allocator, unmap_and_deallocate: the frames come back (the
 * original leaked them), the range is forgotten. */
static void test_release_returns_frames(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, 0x40001000, 2048, PHYS_BYTES);
    vmm_t *v = &fx.vmm;
    vmm_frames_t fr = fail_frames_iface(&fx.ff);
    size_t free_before = pmm_free_count(&fx.pmm);
    uint64_t res;
    CHECK_OK(vmm_reserve(v, 8, K4, RW, 0, &res));
    for (int k = 0; k < 8; k++) {
        uint64_t f;
        CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f));
        CHECK_OK(vmm_map_page(v, res, res + (uint64_t)k * K4, f, RW));
    }
    CHECK(pmm_free_count(&fx.pmm) == free_before - 8 && fx.rm.count == 8);
    uint64_t al;
    CHECK_OK(vmm_alloc(v, 1, RW, &al));
    CHECK_ERR(vmm_release(v, al), VMM_ERR_NOT_RESERVATION);
    CHECK_ERR(vmm_release(v, res + K4), VMM_ERR_NOT_START);
    CHECK_ERR(vmm_release(v, res + 8 * K4 + 64 * K4), VMM_ERR_NOT_ALLOCATED);
    CHECK_ERR(vmm_release(v, 0), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_OK(vmm_free(v, al));
    CHECK_OK(vmm_release(v, res));
    CHECK(pmm_free_count(&fx.pmm) == free_before);
    CHECK(fx.rm.count == 0 && !is_set(v, res) && vmm_find_record(v, res) == NULL);
    CHECK(fx.fa.live == 0);
    /* the range can be reserved again */
    CHECK_OK(vmm_claim(v, res, 8, K4, RW, 0));
    /* a SET record is not a reservation either */
    CHECK_OK(vmm_set(v, (vmm_range_t){res + 8 * K4, res + 9 * K4}, NULL, RW));
    CHECK_ERR(vmm_release(v, res + 8 * K4), VMM_ERR_NOT_RESERVATION);
    CHECK(fx_destroy(&fx));
}

/* 1 GiB pages: reserve, map, release with a 2 GiB RAM and 4 GiB window. */
static void test_1g_pages(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, 0x1000, (size_t)(4 * G1 / K4) - 2, 3 * G1);
    vmm_frames_t fr = fail_frames_iface(&fx.ff);
    uint64_t res, f;
    CHECK_OK(vmm_reserve(&fx.vmm, 2, G1, RW, 0, &res));
    CHECK(res == G1); /* window [4K, 4G - 4K): room for 1G and 2G only */
    CHECK_ERR(vmm_reserve(&fx.vmm, 1, G1, RW, 0, &f), VMM_ERR_NO_SPACE);
    CHECK_OK(fr.alloc(fr.ctx, G1 / K4, G1 / K4, &f));
    CHECK(f % G1 == 0);
    CHECK_OK(vmm_map_page(&fx.vmm, res, res + G1, f, RW | VMM_ATTR_EXECUTABLE));
    rec_page_t p;
    CHECK(rec_mapper_lookup(&fx.rm, res + G1 + 0x12345678, &p) && p.page_size == G1);
    size_t free_now = pmm_free_count(&fx.pmm);
    CHECK_OK(vmm_release(&fx.vmm, res));
    CHECK(pmm_free_count(&fx.pmm) == free_now + G1 / K4);
    CHECK(fx_destroy(&fx));
}

static void test_deinit_frees_everything(void)
{
    vmm_fixture_t fx;
    fx_init(&fx, 0x40001000, 2048, PHYS_BYTES);
    size_t free_before = pmm_free_count(&fx.pmm);
    uint64_t va, res, f;
    vmm_frames_t fr = fail_frames_iface(&fx.ff);
    CHECK_OK(vmm_alloc(&fx.vmm, 5, RW, &va));
    CHECK_OK(vmm_set(&fx.vmm, (vmm_range_t){va + 8 * K4, va + 10 * K4},
                     &(vmm_range_t){0x500000, 0x502000}, RW));
    CHECK_OK(vmm_set(&fx.vmm, (vmm_range_t){va + 10 * K4, va + 12 * K4}, NULL, RW));
    CHECK_OK(vmm_reserve(&fx.vmm, 4, K4, RW, 0, &res));
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f));
    CHECK_OK(vmm_map_page(&fx.vmm, res, res + 2 * K4, f, RW));
    vmm_deinit(&fx.vmm);
    CHECK(pmm_free_count(&fx.pmm) == free_before);
    CHECK(fx.rm.count == 0 && fx.fa.live == 0 && vmm_first_record(&fx.vmm) == NULL);
    CHECK(fx.vmm.bitmap.num_free == fx.vmm.bitmap.num_entries);
    CHECK(fx_destroy(&fx));
}

/* ---- failure injection at every point ---- */

typedef struct inj_ctx {
    uint64_t a, b; /* addresses set up by the setup function */
} inj_ctx_t;

#define INJ_START 0x40001000ull
#define INJ_PAGES 2048u

/* Setup: allocate every frame and free every other one below FRAG_END, so
 * that the frames vmm_alloc gets are never contiguous (wherever the pmm's
 * hint points). */
#define FRAG_END 0x400000u
static void setup_fragmented(vmm_fixture_t *fx, void *ctx)
{
    (void)ctx;
    uint64_t f;
    while (pmm_alloc(&fx->pmm, &f) == VMM_OK)
        continue;
    for (f = FX_LOW_RESERVED + K4; f < FRAG_END; f += 2 * K4)
        CHECK_OK(pmm_free(&fx->pmm, f));
    uint64_t va;
    CHECK_OK(vmm_alloc(&fx->vmm, 3, RW, &va)); /* a record before */
}

static vmm_status_t op_alloc5(vmm_fixture_t *fx, void *ctx)
{
    (void)ctx;
    uint64_t va;
    return vmm_alloc(&fx->vmm, 5, RW, &va);
}

static vmm_status_t op_set_phys(vmm_fixture_t *fx, void *ctx)
{
    (void)ctx;
    return vmm_set(&fx->vmm, (vmm_range_t){INJ_START + 100 * K4, INJ_START + 109 * K4},
                   &(vmm_range_t){0x300000, 0x309000}, RW);
}

static vmm_status_t op_set_nophys(vmm_fixture_t *fx, void *ctx)
{
    (void)ctx;
    return vmm_set(&fx->vmm, (vmm_range_t){INJ_START + 100 * K4, INJ_START + 109 * K4}, NULL,
                   RW);
}

static vmm_status_t op_reserve(vmm_fixture_t *fx, void *ctx)
{
    (void)ctx;
    uint64_t va;
    return vmm_reserve(&fx->vmm, 1, M2, RW, VMM_RESERVE_LAZY, &va);
}

static vmm_status_t op_claim(vmm_fixture_t *fx, void *ctx)
{
    (void)ctx;
    return vmm_claim(&fx->vmm, INJ_START + 7 * K4, 3, K4, RW, 0);
}

/* Setup: a reservation of 8 pages at ctx->a and a frame at ctx->b. */
static void setup_reservation(vmm_fixture_t *fx, void *ctx)
{
    inj_ctx_t *c = ctx;
    vmm_frames_t fr = fail_frames_iface(&fx->ff);
    CHECK_OK(vmm_reserve(&fx->vmm, 8, K4, RW, 0, &c->a));
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &c->b));
}

static vmm_status_t op_map_page(vmm_fixture_t *fx, void *ctx)
{
    inj_ctx_t *c = ctx;
    return vmm_map_page(&fx->vmm, c->a, c->a + 3 * K4, c->b, RW);
}

/* Setup: setup_reservation with its page 0 mapped (it has its frames
 * block). */
static void setup_reservation_page0(vmm_fixture_t *fx, void *ctx)
{
    inj_ctx_t *c = ctx;
    vmm_frames_t fr = fail_frames_iface(&fx->ff);
    uint64_t f;
    setup_reservation(fx, ctx);
    CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f));
    CHECK_OK(vmm_map_page(&fx->vmm, c->a, c->a, f, RW));
    CHECK(vmm_find_record(&fx->vmm, c->a)->frames != NULL);
}

/* Setup: a reservation with mapped runs {0,1}, {3}, {5,6,7} (three unmap
 * calls, different attributes), the rest unmapped; records around it. */
static void setup_mapped_reservation(vmm_fixture_t *fx, void *ctx)
{
    inj_ctx_t *c = ctx;
    vmm_frames_t fr = fail_frames_iface(&fx->ff);
    uint64_t va;
    CHECK_OK(vmm_alloc(&fx->vmm, 2, RW, &va));
    CHECK_OK(vmm_reserve(&fx->vmm, 8, K4, RW, 0, &c->a));
    CHECK_OK(vmm_alloc(&fx->vmm, 2, RW, &va));
    static const int mapped[] = {0, 1, 3, 5, 6, 7};
    for (size_t i = 0; i < sizeof mapped / sizeof mapped[0]; i++) {
        uint64_t f;
        CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f)); /* handed over to the VMM */
        CHECK_OK(vmm_map_page(&fx->vmm, c->a, c->a + (uint64_t)mapped[i] * K4, f,
                              (vmm_attrs_t)i & VMM_ATTR_ALL));
    }
}

static vmm_status_t op_release(vmm_fixture_t *fx, void *ctx)
{
    inj_ctx_t *c = ctx;
    return vmm_release(&fx->vmm, c->a);
}

/* Setup: an ALLOC record of 6 fragmented frames at ctx->a, a mapped SET
 * record at ctx->b. */
static void setup_records(vmm_fixture_t *fx, void *ctx)
{
    inj_ctx_t *c = ctx;
    c->b = INJ_START + 200 * K4;
    CHECK_OK(vmm_set(&fx->vmm, (vmm_range_t){c->b, c->b + 4 * K4},
                     &(vmm_range_t){FRAG_END, FRAG_END + 4 * K4}, RW));
    setup_fragmented(fx, NULL);
    CHECK_OK(vmm_alloc(&fx->vmm, 6, RW, &c->a));
}

static vmm_status_t op_free_alloc(vmm_fixture_t *fx, void *ctx)
{
    return vmm_free(&fx->vmm, ((inj_ctx_t *)ctx)->a);
}

static vmm_status_t op_free_set(vmm_fixture_t *fx, void *ctx)
{
    return vmm_free(&fx->vmm, ((inj_ctx_t *)ctx)->b);
}

/* Claims 1-page reservations high in the window until the record index's
 * first chunk is full: the next record needs a new chunk. */
static void fill_index_chunk(vmm_fixture_t *fx)
{
    for (uint64_t i = 0; fx->vmm.tree.count < VMM_INDEX_CHUNK_NODES; i++)
        CHECK_OK(vmm_claim(&fx->vmm, INJ_START + (1024 + 2 * i) * K4, 1, K4, RW, 0));
    CHECK(fx->vmm.index.chunks == 1 && fx->vmm.index.partial == NULL);
}

/* Setup: setup_fragmented, then a full index chunk. */
static void setup_fragmented_full_index(vmm_fixture_t *fx, void *ctx)
{
    setup_fragmented(fx, ctx);
    fill_index_chunk(fx);
}

/* Setup: a full index chunk, then a reservation at ctx->a alone in a second
 * chunk, with mapped runs {0,1}, {3}, {5,6,7}. */
static void setup_last_of_chunk(vmm_fixture_t *fx, void *ctx)
{
    inj_ctx_t *c = ctx;
    vmm_frames_t fr = fail_frames_iface(&fx->ff);
    fill_index_chunk(fx);
    CHECK_OK(vmm_reserve(&fx->vmm, 8, K4, RW, 0, &c->a));
    CHECK(fx->vmm.index.chunks == 2);
    static const int mapped[] = {0, 1, 3, 5, 6, 7};
    for (size_t i = 0; i < sizeof mapped / sizeof mapped[0]; i++) {
        uint64_t f;
        CHECK_OK(fr.alloc(fr.ctx, 1, 1, &f));
        CHECK_OK(vmm_map_page(&fx->vmm, c->a, c->a + (uint64_t)mapped[i] * K4, f, RW));
    }
}

/* A window of three hbitmap leaves, for records that fill one whole leaf
 * (its slot becomes FULL and the leaf goes back to the allocator). */
#define LEAF_PAGES ((size_t)1 << HBITMAP_LEAF_SHIFT)
#define FULL_LEAF_PAGES (3u * LEAF_PAGES)

/* Setup: the middle leaf's pages used whole by three records that map
 * nothing: an unmapped reservation of 10 pages at ctx->a, a SET record
 * without frames of 6 pages at ctx->b and a reservation of the rest.
 * Releasing either of the first two clears part of a FULL slot: the
 * bitmap needs a leaf back. */
static void setup_full_leaf(vmm_fixture_t *fx, void *ctx)
{
    inj_ctx_t *c = ctx;
    c->a = INJ_START + LEAF_PAGES * K4;
    c->b = c->a + 10 * K4;
    CHECK_OK(vmm_claim(&fx->vmm, c->a, 10, K4, RW, 0));
    CHECK_OK(vmm_set(&fx->vmm, (vmm_range_t){c->b, c->b + 6 * K4}, NULL, RW));
    CHECK_OK(vmm_claim(&fx->vmm, c->b + 6 * K4, LEAF_PAGES - 16u, K4, RW, 0));
    CHECK(fx->vmm.bitmap.leaves == 0); /* the slot is FULL, no leaf */
}

/* Releasing a record that maps nothing skips the mapper: the bitmap's
 * clear is its one step that may fail, and when its leaf allocation fails
 * the release changes nothing (one failure point each, no other call). */
static void test_inject_unmapped_release(void)
{
    inj_ctx_t c = {0, 0};
    size_t pts[FX_INJ_KINDS];
    CHECK(fx_inject_everywhere("release, unmapped, FULL leaf", INJ_START, FULL_LEAF_PAGES,
                               PHYS_BYTES, setup_full_leaf, op_release, &c, pts));
    CHECK(pts[FX_INJ_ALLOC] == 1 && pts[FX_INJ_FRAMES] == 0 && pts[FX_INJ_MAP] == 0 &&
          pts[FX_INJ_UNMAP] == 0);
    CHECK(fx_inject_everywhere("free set without frames, FULL leaf", INJ_START,
                               FULL_LEAF_PAGES, PHYS_BYTES, setup_full_leaf, op_free_set, &c,
                               pts));
    CHECK(pts[FX_INJ_ALLOC] == 1 && pts[FX_INJ_FRAMES] == 0 && pts[FX_INJ_MAP] == 0 &&
          pts[FX_INJ_UNMAP] == 0);
}

/* Runs one injection campaign and checks the number of failure points found
 * per kind (allocator, frames, map, unmap). */
static void campaign(const char *name, fx_setup_fn setup, fx_op_fn op, size_t alloc_pts,
                     size_t frame_pts, size_t map_pts, size_t unmap_pts)
{
    inj_ctx_t ctx = {0, 0};
    size_t pts[FX_INJ_KINDS];
    CHECK(fx_inject_everywhere(name, INJ_START, INJ_PAGES, PHYS_BYTES, setup, op, &ctx, pts));
    if (pts[FX_INJ_ALLOC] != alloc_pts || pts[FX_INJ_FRAMES] != frame_pts ||
        pts[FX_INJ_MAP] != map_pts || pts[FX_INJ_UNMAP] != unmap_pts) {
        fprintf(stderr, "%s: failure points alloc %zu frames %zu map %zu unmap %zu\n", name,
                pts[0], pts[1], pts[2], pts[3]);
        CHECK(!"unexpected number of failure points");
    }
}

static void test_inject_everywhere(void)
{
    /* 5 frames not contiguous: 5 frame calls, 5 map calls (one per run) */
    campaign("alloc", setup_fragmented, op_alloc5, 1, 5, 5, 0);
    /* on an empty window: the bitmap's first leaf, the index's first chunk
     * (the record is a slot of it; a reservation has no frames block until
     * a page is mapped) and the record tree's root */
    campaign("set phys", NULL, op_set_phys, 3, 1, 1, 0);
    campaign("set no phys", NULL, op_set_nophys, 3, 0, 0, 0);
    campaign("reserve", NULL, op_reserve, 3, 0, 0, 0);
    campaign("claim", NULL, op_claim, 3, 0, 0, 0);
    /* the reservation's first mapped page: its frames block */
    campaign("map_page", setup_reservation, op_map_page, 1, 0, 1, 0);
    /* a second page: the block is there, no allocation */
    campaign("map_page, second page", setup_reservation_page0, op_map_page, 0, 0, 1, 0);
    /* three runs: failing the 2nd or 3rd unmap re-maps the earlier runs */
    campaign("release", setup_mapped_reservation, op_release, 0, 0, 0, 3);
    campaign("free alloc", setup_records, op_free_alloc, 0, 0, 0, 1);
    campaign("free set", setup_records, op_free_set, 0, 0, 0, 1);
    /* the index's first chunk is full: the record needs a second (and its
     * frames block) */
    campaign("alloc, new index chunk", setup_fragmented_full_index, op_alloc5, 2, 5, 5, 0);
    /* the release empties the second chunk, given back only on success */
    campaign("release, last of its chunk", setup_last_of_chunk, op_release, 0, 0, 0, 3);
}

/* The record index takes a chunk for every VMM_INDEX_CHUNK_NODES records
 * and gives back a chunk whose last record goes; a failed take changes
 * nothing. */
static void test_index_chunks(void)
{
    vmm_fixture_t fx;
    inj_ctx_t c;
    fx_init(&fx, INJ_START, INJ_PAGES, PHYS_BYTES);
    setup_last_of_chunk(&fx, &c);
    /* two chunks, the mapped reservation's frames block, the bitmap's
     * leaves, the tree's nodes; the unmapped reservations have no block */
    CHECK(fx.fa.live == 1 + 2 + fx.vmm.bitmap.leaves + fx.vmm.tree.nodes);
    CHECK_OK(vmm_release(&fx.vmm, c.a));
    CHECK(fx.vmm.index.chunks == 1 && fx.vmm.index.partial == NULL && vmm_index_check(&fx.vmm));
    /* the next record's chunk fails: nothing changes */
    fx_snapshot_t snap;
    fx_snap(&fx, &snap);
    fx.fa.countdown = 0;
    CHECK_ERR(vmm_reserve(&fx.vmm, 1, K4, RW, 0, &c.a), VMM_ERR_OUT_OF_MEMORY);
    CHECK(fx_same(&fx, &snap) && fx.vmm.index.chunks == 1);
    fx_snap_free(&snap);
    fx_disarm(&fx);
    /* free one record of the full chunk: it is partial again and takes the
     * next record without a new chunk: reserving there allocates nothing
     * (an armed allocator failure does not fire) */
    uint64_t first = vmm_first_record(&fx.vmm)->virt;
    CHECK_OK(vmm_release(&fx.vmm, first));
    CHECK(fx.vmm.index.partial != NULL && fx.vmm.index.partial->used == VMM_INDEX_CHUNK_NODES - 1);
    size_t live = fx.fa.live;
    fx.fa.countdown = 0;
    CHECK_OK(vmm_claim(&fx.vmm, first, 1, K4, RW, 0));
    CHECK(fx.fa.countdown == 0 && fx.fa.live == live);
    fx_disarm(&fx);
    CHECK(fx.vmm.index.chunks == 1 && fx.vmm.index.partial == NULL && vmm_index_check(&fx.vmm));
    CHECK(fx_destroy(&fx));
}

/* Freeing part of a wholly used leaf splits it: the node comes from the
 * allocator before anything is unmapped, and its failure changes nothing. */
static void test_free_needs_node(void)
{
    vmm_fixture_t fx;
    uint64_t start = 0x40000000ull;
    fx_init(&fx, start, 3 * 4096, PHYS_BYTES);
    uint64_t mid = start + 2048 * K4;
    CHECK_OK(vmm_alloc(&fx.vmm, 16, RW, &(uint64_t){0})); /* pages 0-15, mapped */
    CHECK_OK(vmm_set(&fx.vmm, (vmm_range_t){start + 16 * K4, mid}, NULL, RW));
    CHECK_OK(vmm_set(&fx.vmm, (vmm_range_t){mid, start + 4096 * K4}, NULL, RW));
    /* the alloc's frames block, the index's chunk (3 records), the tree's
     * root; the leaf merged into FULL */
    CHECK(fx.fa.live == 3 && fx.vmm.index.chunks == 1 && fx.vmm.bitmap.leaves == 0 &&
          fx.vmm.tree.nodes == 1);
    size_t maps = fx.rm.count;
    fx_snapshot_t snap;
    fx_snap(&fx, &snap);
    fx.fa.countdown = 0;
    CHECK_ERR(vmm_free(&fx.vmm, start), VMM_ERR_OUT_OF_MEMORY);
    CHECK_ERR(vmm_release(&fx.vmm, start), VMM_ERR_NOT_RESERVATION);
    CHECK(fx_same(&fx, &snap) && fx.rm.count == maps && maps == 16);
    fx_snap_free(&snap);
    fx_disarm(&fx);
    CHECK_OK(vmm_free(&fx.vmm, start));
    CHECK(fx.fa.live == 3 && fx.vmm.bitmap.leaves == 1 && fx.rm.count == 0);
    CHECK(hbitmap_check(&fx.vmm.bitmap));
    CHECK(fx_destroy(&fx));
}

/* vmm_index_check, the oracle of the index, fails on each corruption of a
 * sound index of two chunks (one full, one partial), and holds again once
 * it is undone. */
static void test_index_check_rejects(void)
{
    vmm_fixture_t fx;
    inj_ctx_t c;
    fx_init(&fx, INJ_START, INJ_PAGES, PHYS_BYTES);
    setup_last_of_chunk(&fx, &c);
    CHECK(vmm_index_check(&fx.vmm));
    vmm_t *v = &fx.vmm;
    vmm_record_t *rec = (vmm_record_t *)vmm_find_record(v, c.a);
    vmm_record_t *other = (vmm_record_t *)vmm_find_record(v, INJ_START + 1024 * K4);
    vmm_index_chunk_t *part = v->index.partial;
    CHECK(rec != NULL && other != NULL && rec != other && part != NULL && part->used == 1);
    rec->virt += K4; /* a record's start is not its key */
    CHECK(!vmm_index_check(v));
    rec->virt -= K4;
    uint64_t *frames = rec->frames; /* a mapped reservation without its block */
    rec->frames = NULL;
    CHECK(!vmm_index_check(v));
    rec->frames = frames;
    rec->mapped = 0; /* a block, nothing mapped */
    CHECK(!vmm_index_check(v));
    rec->mapped = rec->nframes + 1u; /* more mapped than it has */
    CHECK(!vmm_index_check(v));
    rec->mapped = 6;
    other->frames = frames; /* an unmapped reservation with a block */
    CHECK(!vmm_index_check(v));
    other->frames = NULL;
    part->used++; /* a chunk's count */
    CHECK(!vmm_index_check(v));
    part->used--;
    vmm_record_t *top = part->free; /* the free stack loses a record */
    part->free = top->next_free;
    CHECK(!vmm_index_check(v));
    part->free = rec; /* a record in the tree on the free stack */
    CHECK(!vmm_index_check(v));
    part->free = top;
    v->index.chunks++; /* one chunk too many */
    CHECK(!vmm_index_check(v));
    v->index.chunks--;
    part->prev = part; /* the partial list's back link */
    CHECK(!vmm_index_check(v));
    part->prev = NULL;
    v->index.spare = part; /* a spare kept between calls */
    CHECK(!vmm_index_check(v));
    v->index.spare = NULL;
    CHECK(!vmm_index_check(NULL));
    CHECK(vmm_index_check(v)); /* all undone */
    CHECK(fx_destroy(&fx));
}

/* After a failed release the re-mapped pages have their own attributes
 * back, and a later release works. */
static void test_release_remap_attrs(void)
{
    vmm_fixture_t fx;
    inj_ctx_t c;
    fx_init(&fx, INJ_START, INJ_PAGES, PHYS_BYTES);
    setup_mapped_reservation(&fx, &c);
    rec_page_t before[8], after;
    for (int k = 0; k < 8; k++)
        rec_mapper_lookup(&fx.rm, c.a + (uint64_t)k * K4, &before[k]);
    fx.rm.unmap_countdown = 2;
    size_t calls = fx.rm.map_calls;
    CHECK_ERR(vmm_release(&fx.vmm, c.a), VMM_ERR_NOT_MAPPED);
    CHECK(fx.rm.map_calls == calls + 3); /* runs {0,1} and {3} re-mapped page by page */
    for (int k = 0; k < 8; k++) {
        bool m = rec_mapper_lookup(&fx.rm, c.a + (uint64_t)k * K4, &after);
        CHECK(m == (k != 2 && k != 4));
        if (m)
            CHECK(after.virt == before[k].virt && after.phys == before[k].phys &&
                  after.attrs == before[k].attrs && after.page_size == K4);
    }
    CHECK_OK(vmm_release(&fx.vmm, c.a));
    CHECK(fx_destroy(&fx));
}

int main(void)
{
    RUN(test_init_errors);
    RUN(test_set_errors);
    RUN(test_alloc_errors);
    RUN(test_alloc_next_fit);
    RUN(test_alloc_frames_and_attrs);
    RUN(test_free_errors);
    RUN(test_reserve_errors);
    RUN(test_reserve_alignment);
    RUN(test_reserve_nothing_per_page);
    RUN(test_claim_errors);
    RUN(test_map_page_errors);
    RUN(test_release_returns_frames);
    RUN(test_1g_pages);
    RUN(test_deinit_frees_everything);
    RUN(test_inject_everywhere);
    RUN(test_inject_unmapped_release);
    RUN(test_free_needs_node);
    RUN(test_index_chunks);
    RUN(test_index_check_rejects);
    RUN(test_release_remap_attrs);
    return check_exit();
}
