/* The mapper's optional flush (mapper.h): a mapper may leave the
 * invalidation of its unmaps pending until flush. The VMM must call flush
 * after the unmaps of a free / release and before it returns any frame
 * they unmapped, once per call (per record in vmm_deinit), also after a
 * failed release it undid; and never for a record that maps nothing. A mapper
 * without flush (NULL) is called as before. */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "core/fault.h"
#include "core/pmm.h"
#include "core/vmm.h"
#include "vmm_fixture.h"

#define K4 VMM_PAGE_SIZE
#define START 0x40000000ull
#define PAGES 4096u
#define PHYS_BYTES (16u << 20)
#define RW (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)

/* A deferring mapper over the fixture's: each unmap that succeeds leaves
 * an invalidation pending until flush; a frame freed while one is pending
 * is the bug this test looks for (another CPU could still reach it). */
static struct {
    vmm_mapper_t inner;
    vmm_frames_t frames;
    unsigned unmaps, flushes, pending, freed_while_pending, frees;
} dm;

static vmm_status_t d_map(void *ctx, uint64_t virt, uint64_t phys, uint64_t len,
                          uint64_t page_size, vmm_attrs_t attrs)
{
    (void)ctx;
    return dm.inner.map(dm.inner.ctx, virt, phys, len, page_size, attrs);
}
static vmm_status_t d_unmap(void *ctx, uint64_t virt, uint64_t len, uint64_t page_size)
{
    (void)ctx;
    vmm_status_t st = dm.inner.unmap(dm.inner.ctx, virt, len, page_size);
    dm.unmaps++;
    if (st == VMM_OK)
        dm.pending++;
    return st;
}
static vmm_status_t d_query(void *ctx, uint64_t virt, uint64_t *phys, vmm_attrs_t *attrs,
                            uint64_t *page_size)
{
    (void)ctx;
    return dm.inner.query(dm.inner.ctx, virt, phys, attrs, page_size);
}
static void d_flush(void *ctx)
{
    (void)ctx;
    dm.flushes++;
    dm.pending = 0;
}
static vmm_status_t d_frames_free(void *ctx, uint64_t phys, size_t n)
{
    (void)ctx;
    dm.frees++;
    if (dm.pending != 0)
        dm.freed_while_pending++;
    return dm.frames.free(dm.frames.ctx, phys, n);
}

/* A fixture whose VMM's mapper defers (with_flush) or is the plain one
 * with counters (flush NULL). */
static void deferring_init(vmm_fixture_t *fx, bool with_flush)
{
    fx_init(fx, START, PAGES, PHYS_BYTES);
    dm.inner = fx->vmm.mapper;
    dm.frames = fx->vmm.frames;
    vmm_allocator_t a = fx->vmm.allocator;
    CHECK_OK(vmm_deinit(&fx->vmm));
    vmm_mapper_t m = { .map = d_map, .unmap = d_unmap, .query = d_query, .ctx = NULL,
                       .flush = with_flush ? d_flush : NULL };
    vmm_frames_t f = dm.frames;
    f.free = d_frames_free;
    CHECK_OK(vmm_init(&fx->vmm, START, START + (uint64_t)PAGES * K4, &a, &m, &f));
}

static void counters_reset(void)
{
    dm.unmaps = dm.flushes = dm.pending = dm.freed_while_pending = dm.frees = 0;
}

/* A lazy reservation with every 3rd of 64 pages faulted in: 22 runs. */
static uint64_t sparse_reservation(vmm_fixture_t *fx)
{
    uint64_t v;
    CHECK_OK(vmm_reserve(&fx->vmm, 64, K4, RW, VMM_RESERVE_LAZY, &v));
    vmm_access_t write = { .write = true };
    for (uint64_t p = 0; p < 64; p += 3)
        CHECK(vmm_fault(&fx->vmm, v + p * K4, write, NULL) == VMM_FAULT_RESOLVED);
    return v;
}

/* Releasing 22 runs: 22 unmaps, ONE flush, every frame freed after it. */
static void test_release_flushes_once_before_frames(void)
{
    vmm_fixture_t fx;
    deferring_init(&fx, true);
    uint64_t v = sparse_reservation(&fx);
    counters_reset();
    CHECK_OK(vmm_release(&fx.vmm, v));
    CHECK(dm.unmaps == 22 && dm.flushes == 1 && dm.frees == 22);
    CHECK(dm.freed_while_pending == 0 && dm.pending == 0);
    CHECK(fx_destroy(&fx));
}

/* vmm_free of an ALLOC record and of a SET record with phys: one unmap,
 * one flush, frames after it (an ALLOC record's in runs of contiguous frames). A record that maps nothing: neither. */
static void test_free_flushes_before_frames(void)
{
    vmm_fixture_t fx;
    deferring_init(&fx, true);
    uint64_t v;
    CHECK_OK(vmm_alloc(&fx.vmm, 5, RW, &v));
    counters_reset();
    CHECK_OK(vmm_free(&fx.vmm, v));
    CHECK(dm.unmaps == 1 && dm.flushes == 1 && dm.frees >= 1 && dm.freed_while_pending == 0);
    vmm_range_t r = { START + 100 * K4, START + 102 * K4 };
    vmm_range_t phys = { 0x900000, 0x902000 };
    CHECK_OK(vmm_set(&fx.vmm, r, &phys, RW));
    counters_reset();
    CHECK_OK(vmm_free(&fx.vmm, r.start));
    CHECK(dm.unmaps == 1 && dm.flushes == 1 && dm.freed_while_pending == 0);
    CHECK_OK(vmm_reserve(&fx.vmm, 8, K4, RW, VMM_RESERVE_LAZY, &v));
    counters_reset();
    CHECK_OK(vmm_release(&fx.vmm, v));
    CHECK(dm.unmaps == 0 && dm.flushes == 0);
    CHECK(fx_destroy(&fx));
}

/* An unmap failing at the 4th run: the 3 runs unmapped are mapped again,
 * the error returned with nothing changed, and the pending invalidations
 * flushed all the same (no frame freed). */
static void test_failed_release_still_flushes(void)
{
    vmm_fixture_t fx;
    deferring_init(&fx, true);
    uint64_t v = sparse_reservation(&fx);
    counters_reset();
    fx.rm.unmap_countdown = 3;
    CHECK_ERR_SAME(&fx, vmm_release(&fx.vmm, v), VMM_ERR_NOT_MAPPED);
    CHECK(dm.unmaps == 4 && dm.flushes == 1 && dm.pending == 0 && dm.frees == 0);
    fx_disarm(&fx);
    CHECK_OK(vmm_release(&fx.vmm, v));
    CHECK(fx_destroy(&fx));
}

/* vmm_alloc whose second map run fails: the first run is unmapped again
 * and flushed before its frames go back. The frames come in three runs:
 * every other one of six frames taken from the pmm is given back first. */
static void test_alloc_undo_flushes(void)
{
    vmm_fixture_t fx;
    deferring_init(&fx, true);
    uint64_t f[6], v;
    for (int i = 0; i < 6; i++)
        CHECK_OK(pmm_alloc(&fx.pmm, &f[i]));
    for (int i = 1; i < 6; i += 2)
        CHECK_OK(pmm_free(&fx.pmm, f[i]));
    counters_reset();
    fx.rm.map_countdown = 1;
    CHECK_ERR_SAME(&fx, vmm_alloc(&fx.vmm, 3, RW, &v), VMM_ERR_OUT_OF_FRAMES);
    CHECK(dm.unmaps == 1 && dm.flushes == 1 && dm.frees >= 1 && dm.freed_while_pending == 0);
    fx_disarm(&fx);
    for (int i = 0; i < 6; i += 2)
        CHECK_OK(pmm_free(&fx.pmm, f[i]));
    CHECK(fx_destroy(&fx));
}

/* vmm_deinit: one flush per record that mapped something, each before
 * that record's frames. */
static void test_deinit_flushes_per_record(void)
{
    vmm_fixture_t fx;
    deferring_init(&fx, true);
    uint64_t v;
    sparse_reservation(&fx);
    CHECK_OK(vmm_alloc(&fx.vmm, 2, RW, &v));
    CHECK_OK(vmm_reserve(&fx.vmm, 8, K4, RW, 0, &v)); /* maps nothing */
    counters_reset();
    CHECK_OK(vmm_deinit(&fx.vmm));
    CHECK(dm.flushes == 2 && dm.freed_while_pending == 0 && dm.frees >= 23);
    CHECK(fx_destroy(&fx));
}

/* Without flush, nothing changes for the mapper: it is never called. */
static void test_no_flush_callback(void)
{
    vmm_fixture_t fx;
    deferring_init(&fx, false);
    uint64_t v = sparse_reservation(&fx);
    counters_reset();
    CHECK_OK(vmm_release(&fx.vmm, v));
    CHECK(dm.unmaps == 22 && dm.flushes == 0 && dm.frees == 22);
    CHECK(fx_destroy(&fx));
}

int main(void)
{
    RUN(test_release_flushes_once_before_frames);
    RUN(test_free_flushes_before_frames);
    RUN(test_failed_release_still_flushes);
    RUN(test_alloc_undo_flushes);
    RUN(test_deinit_flushes_per_record);
    RUN(test_no_flush_callback);
    return check_exit();
}
