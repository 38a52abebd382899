/* Pluto's VMM unit tests ("alloc and free", "set"), run with window start 0
 * and start != 0, plus the regressions of Pluto's start-related bugs
 * (#136, #174, #178): the window start must be honoured everywhere. */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "core/vmm.h"
#include "vmm_fixture.h"

#define K4 VMM_PAGE_SIZE
#define NUM_ENTRIES 512u
#define PHYS_BYTES (4u << 20) /* 768 usable frames above 1 MiB */
#define ATTRS (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)

static const uint64_t starts[] = {0, K4, 0x40000000, 0xFFFFFFFF80000000ull};
#define NUM_STARTS (sizeof starts / sizeof starts[0])

static bool vmm_set_at(const vmm_t *vmm, uint64_t virt)
{
    bool b = false;
    CHECK_OK(vmm_is_set(vmm, virt, &b));
    return b;
}

static bool pmm_used(const pmm_t *pmm, uint64_t phys)
{
    bool b = false;
    CHECK_OK(pmm_is_used(pmm, phys, &b));
    return b;
}

/* Pluto's "alloc and free", entry counts as in the original. */
static void alloc_and_free(uint64_t start)
{
    vmm_fixture_t fx;
    fx_init(&fx, start, NUM_ENTRIES, PHYS_BYTES);
    size_t free_frames = pmm_free_count(&fx.pmm);
    static uint64_t allocs[NUM_ENTRIES];
    size_t nallocs = 0;
    size_t entry = 0;
    while (entry < NUM_ENTRIES) {
        size_t n = entry > 400 ? 8 : entry > 320 ? 14 : entry > 270 ? 9 : entry > 150 ? 26 : 1;
        uint64_t v = 0;
        vmm_status_t st = vmm_alloc(&fx.vmm, n, ATTRS, &v);
        bool should_be_set = entry + n <= NUM_ENTRIES;
        if (should_be_set) {
            CHECK_OK(st);
            CHECK(v == start + entry * K4);
            allocs[nallocs++] = v;
        } else {
            CHECK_ERR(st, VMM_ERR_NO_SPACE);
        }
        for (size_t e = entry; e < entry + n; e++) {
            uint64_t va = start + e * K4;
            rec_page_t p;
            if (should_be_set) {
                CHECK(vmm_set_at(&fx.vmm, va));
                CHECK(rec_mapper_lookup(&fx.rm, va, &p) && p.attrs == ATTRS &&
                      p.page_size == K4 && pmm_used(&fx.pmm, p.phys));
            } else if (e >= NUM_ENTRIES) {
                bool b;
                CHECK_ERR(vmm_is_set(&fx.vmm, va, &b), VMM_ERR_OUT_OF_BOUNDS);
                CHECK(!rec_mapper_lookup(&fx.rm, va, NULL));
            } else {
                CHECK(!vmm_set_at(&fx.vmm, va));
                CHECK(!rec_mapper_lookup(&fx.rm, va, NULL));
            }
        }
        entry += n;
        for (size_t later = entry; later < NUM_ENTRIES; later++)
            CHECK(!vmm_set_at(&fx.vmm, start + later * K4));
    }
    CHECK(fx.rm.count + pmm_free_count(&fx.pmm) == free_frames);
    for (size_t i = 0; i < nallocs; i++) {
        const vmm_record_t *r = vmm_find_record(&fx.vmm, allocs[i]);
        CHECK(r != NULL && r->virt == allocs[i] && r->kind == VMM_REC_ALLOC);
        if (r == NULL)
            continue;
        uint64_t frames[32];
        size_t nf = r->nframes;
        for (size_t k = 0; k < nf; k++) {
            frames[k] = vmm_record_frame(r, k);
            CHECK(pmm_used(&fx.pmm, frames[k]));
        }
        CHECK_OK(vmm_free(&fx.vmm, allocs[i]));
        CHECK(vmm_find_record(&fx.vmm, allocs[i]) == NULL);
        CHECK(!vmm_set_at(&fx.vmm, allocs[i]));
        CHECK(!rec_mapper_lookup(&fx.rm, allocs[i], NULL));
        for (size_t k = 0; k < nf; k++)
            CHECK(!pmm_used(&fx.pmm, frames[k]));
    }
    CHECK(pmm_free_count(&fx.pmm) == free_frames);
    CHECK(fx.fa.live == 0 && fx.rm.count == 0);
    CHECK(fx_destroy(&fx));
}

static void test_alloc_and_free(void)
{
    for (size_t i = 0; i < NUM_STARTS; i++)
        alloc_and_free(starts[i]);
}

/* Pluto's "set": [37, 46) mapped to a physical range; only those pages are
 * mapped. Pluto's physical start was misaligned (+123): ours refuses that. */
static void set_scenario(uint64_t start)
{
    vmm_fixture_t fx;
    fx_init(&fx, start, NUM_ENTRIES, PHYS_BYTES);
    uint64_t vstart = start + 37 * K4, vend = start + 46 * K4;
    uint64_t pstart = 0x200000 + 37 * K4, pend = pstart + (vend - vstart);
    vmm_range_t virt = {vstart, vend};
    vmm_range_t bad = {pstart + 123, pend + 123};
    CHECK_ERR(vmm_set(&fx.vmm, virt, &bad, ATTRS), VMM_ERR_MISALIGNED);
    vmm_range_t phys = {pstart, pend};
    size_t free_frames = pmm_free_count(&fx.pmm);
    CHECK_OK(vmm_set(&fx.vmm, virt, &phys, ATTRS));
    CHECK(pmm_free_count(&fx.pmm) == free_frames - 9);
    uint64_t va = start;
    for (; va < vstart; va += K4)
        CHECK(!rec_mapper_lookup(&fx.rm, va, NULL) && !vmm_set_at(&fx.vmm, va));
    for (; va < vend; va += K4) {
        rec_page_t p;
        CHECK(rec_mapper_lookup(&fx.rm, va, &p) && vmm_set_at(&fx.vmm, va));
        CHECK(p.phys == pstart + (va - vstart) && p.attrs == ATTRS);
        CHECK(pmm_used(&fx.pmm, p.phys));
    }
    for (; va < fx.vmm.end; va += K4)
        CHECK(!rec_mapper_lookup(&fx.rm, va, NULL) && !vmm_set_at(&fx.vmm, va));
    CHECK_OK(vmm_free(&fx.vmm, vstart));
    CHECK(pmm_free_count(&fx.pmm) == free_frames);
    CHECK(fx.rm.count == 0 && !vmm_set_at(&fx.vmm, vstart));

    /* set without a physical range must still be freeable (Pluto: unreachable) */
    CHECK_OK(vmm_set(&fx.vmm, virt, NULL, ATTRS));
    CHECK(vmm_set_at(&fx.vmm, vstart) && fx.rm.count == 0);
    CHECK_OK(vmm_free(&fx.vmm, vstart));
    CHECK(!vmm_set_at(&fx.vmm, vstart) && fx.fa.live == 0);

    /* the kernel image in reserved low memory: claim and free skip it */
    vmm_range_t low = {0x1000, 0x5000};
    CHECK_OK(vmm_set(&fx.vmm, virt = (vmm_range_t){vstart, vstart + 0x4000}, &low, ATTRS));
    bool r;
    CHECK_OK(pmm_is_reserved(&fx.pmm, 0x1000, &r));
    CHECK(r);
    CHECK_OK(vmm_free(&fx.vmm, vstart));
    CHECK_OK(pmm_is_reserved(&fx.pmm, 0x1000, &r));
    CHECK(r && pmm_free_count(&fx.pmm) == free_frames);
    CHECK(fx_destroy(&fx));
}

static void test_set(void)
{
    for (size_t i = 0; i < NUM_STARTS; i++)
        set_scenario(starts[i]);
}

/* Pluto #136/#174/#178: is_set, set, alloc and free computed the bitmap index
 * as virt / 4K, ignoring start. With start != 0 every index must be relative. */
static void start_honoured(uint64_t start)
{
    vmm_fixture_t fx;
    fx_init(&fx, start, NUM_ENTRIES, PHYS_BYTES);
    bool b;
    uint64_t end = start + NUM_ENTRIES * K4;
    CHECK_ERR(vmm_is_set(&fx.vmm, start - K4, &b), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_ERR(vmm_is_set(&fx.vmm, end, &b), VMM_ERR_OUT_OF_BOUNDS);
    if (start > 5 * K4)
        CHECK_ERR(vmm_is_set(&fx.vmm, 5 * K4, &b), VMM_ERR_OUT_OF_BOUNDS);
    /* set page 2 of the window: bit 2 of the bitmap, nothing else */
    vmm_range_t r = {start + 2 * K4, start + 3 * K4};
    CHECK_OK(vmm_set(&fx.vmm, r, NULL, ATTRS));
    CHECK(fx_bits(&fx)[0] == (uint64_t)1 << 2);
    CHECK(vmm_set_at(&fx.vmm, start + 2 * K4) && !vmm_set_at(&fx.vmm, start + 3 * K4));
    /* a range below the window is out of bounds, not index 0.. */
    vmm_range_t low = {0, K4};
    if (start != 0)
        CHECK_ERR(vmm_set(&fx.vmm, low, NULL, ATTRS), VMM_ERR_OUT_OF_BOUNDS);
    /* alloc hands out window addresses and maps exactly them */
    uint64_t v;
    CHECK_OK(vmm_alloc(&fx.vmm, 2, ATTRS, &v));
    CHECK(v == start);
    CHECK(rec_mapper_lookup(&fx.rm, start, NULL) && rec_mapper_lookup(&fx.rm, start + K4, NULL));
    CHECK(fx_bits(&fx)[0] == 0x7);
    CHECK_OK(vmm_alloc(&fx.vmm, 1, ATTRS, &v));
    CHECK(v == start + 3 * K4);
    /* free clears the right bits and unmaps the right pages */
    CHECK_OK(vmm_free(&fx.vmm, start));
    CHECK(fx_bits(&fx)[0] == 0xC);
    CHECK(!rec_mapper_lookup(&fx.rm, start, NULL) && rec_mapper_lookup(&fx.rm, start + 3 * K4, NULL));
    if (start != 0)
        CHECK_ERR(vmm_free(&fx.vmm, 0), VMM_ERR_OUT_OF_BOUNDS);
    CHECK_OK(vmm_free(&fx.vmm, start + 2 * K4));
    CHECK_OK(vmm_free(&fx.vmm, start + 3 * K4));
    CHECK(fx_bits(&fx)[0] == 0);
    /* the last page of the window is usable, one past it is not */
    vmm_range_t last = {end - K4, end};
    CHECK_OK(vmm_set(&fx.vmm, last, NULL, ATTRS));
    CHECK(fx_bits(&fx)[BITMAP_WORDS(NUM_ENTRIES) - 1] == (uint64_t)1 << 63);
    vmm_range_t past = {end - K4, end + K4};
    CHECK_ERR(vmm_set(&fx.vmm, past, NULL, ATTRS), VMM_ERR_OUT_OF_BOUNDS);
    CHECK(fx_destroy(&fx));
}

static void test_start_honoured(void)
{
    for (size_t i = 0; i < NUM_STARTS; i++)
        start_honoured(starts[i]);
}

int main(void)
{
    RUN(test_alloc_and_free);
    RUN(test_set);
    RUN(test_start_honoured);
    return check_exit();
}
