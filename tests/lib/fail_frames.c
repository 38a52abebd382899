/* fail_frames.c - see fail_frames.h. */
#include "fail_frames.h"

#include "double_report.h"

void fail_frames_init(fail_frames_t *ff, const vmm_frames_t *inner)
{
    ff->inner = *inner;
    ff->fail_on = FAIL_FRAMES_ALLOC | FAIL_FRAMES_CLAIM;
    ff->countdown = -1;
    ff->calls = 0;
    ff->failures = 0;
    ff->outstanding = 0;
}

void fail_frames_reset(fail_frames_t *ff)
{
    ff->countdown = -1;
    ff->calls = 0;
    ff->failures = 0;
}

/* Returns true when this call (of kind FAIL_FRAMES_*) must fail (and
 * disarms). */
static int should_fail(fail_frames_t *ff, unsigned kind)
{
    if (!(ff->fail_on & kind))
        return 0;
    ff->calls++;
    if (!double_countdown(&ff->countdown))
        return 0;
    ff->failures++;
    return 1;
}

static vmm_status_t ff_alloc(void *ctx, size_t count, size_t align, uint64_t *phys)
{
    fail_frames_t *ff = ctx;
    if (should_fail(ff, FAIL_FRAMES_ALLOC))
        return VMM_ERR_OUT_OF_FRAMES;
    vmm_status_t st = ff->inner.alloc(ff->inner.ctx, count, align, phys);
    if (st == VMM_OK)
        ff->outstanding += (long)count;
    return st;
}

static vmm_status_t ff_free(void *ctx, uint64_t phys, size_t count)
{
    fail_frames_t *ff = ctx;
    vmm_status_t st = ff->inner.free(ff->inner.ctx, phys, count);
    if (st == VMM_OK)
        ff->outstanding -= (long)count;
    return st;
}

static vmm_status_t ff_claim(void *ctx, uint64_t phys, size_t count)
{
    fail_frames_t *ff = ctx;
    if (should_fail(ff, FAIL_FRAMES_CLAIM))
        return VMM_ERR_PHYS_ALREADY_ALLOCATED;
    vmm_status_t st = ff->inner.claim(ff->inner.ctx, phys, count);
    if (st == VMM_OK)
        ff->outstanding += (long)count;
    return st;
}

/* Forwards in_use to the inner source (never fails on its own). */
static vmm_status_t ff_in_use(void *ctx, uint64_t phys, size_t count)
{
    fail_frames_t *ff = ctx;
    return ff->inner.in_use(ff->inner.ctx, phys, count);
}

/* Forwards zero to the inner source (never fails). */
static void ff_zero(void *ctx, uint64_t phys, size_t count)
{
    fail_frames_t *ff = ctx;
    ff->inner.zero(ff->inner.ctx, phys, count);
}

vmm_frames_t fail_frames_iface(fail_frames_t *ff)
{
    vmm_frames_t f = {.alloc = ff_alloc, .free = ff_free, .claim = ff_claim, .ctx = ff,
                      .in_use = ff->inner.in_use != 0 ? ff_in_use : 0,
                      .zero = ff->inner.zero != 0 ? ff_zero : 0};
    return f;
}
