/* fail_mapper.c - see fail_mapper.h. */
#include "fail_mapper.h"

#include "double_report.h"

void fail_mapper_init(fail_mapper_t *fm, const vmm_mapper_t *inner)
{
    *fm = (fail_mapper_t){ .inner = *inner, .map_countdown = -1, .unmap_countdown = -1,
                           .map_error = VMM_ERR_OUT_OF_FRAMES,
                           .unmap_error = VMM_ERR_NOT_MAPPED };
}

static vmm_status_t fm_map(void *ctx, uint64_t virt, uint64_t phys, uint64_t len,
                           uint64_t page_size, vmm_attrs_t attrs)
{
    fail_mapper_t *fm = ctx;
    if (double_countdown(&fm->map_countdown)) {
        fm->failures++;
        return fm->map_error;
    }
    return fm->inner.map(fm->inner.ctx, virt, phys, len, page_size, attrs);
}

static vmm_status_t fm_unmap(void *ctx, uint64_t virt, uint64_t len, uint64_t page_size)
{
    fail_mapper_t *fm = ctx;
    if (double_countdown(&fm->unmap_countdown)) {
        fm->failures++;
        return fm->unmap_error;
    }
    vmm_status_t st = fm->inner.unmap(fm->inner.ctx, virt, len, page_size);
    if (st == VMM_OK)
        fm->unflushed++;
    return st;
}

static void fm_flush(void *ctx)
{
    fail_mapper_t *fm = ctx;
    fm->unflushed = 0;
    if (fm->inner.flush != 0)
        fm->inner.flush(fm->inner.ctx);
}

static vmm_status_t fm_query(void *ctx, uint64_t virt, uint64_t *phys, vmm_attrs_t *attrs,
                             uint64_t *page_size)
{
    fail_mapper_t *fm = ctx;
    return fm->inner.query(fm->inner.ctx, virt, phys, attrs, page_size);
}

static vmm_status_t fm_mappable(void *ctx, uint64_t virt, uint64_t len)
{
    fail_mapper_t *fm = ctx;
    return fm->inner.mappable(fm->inner.ctx, virt, len);
}

vmm_mapper_t fail_mapper_iface(fail_mapper_t *fm)
{
    vmm_mapper_t m = { .map = fm_map, .unmap = fm_unmap, .query = fm_query, .ctx = fm,
                       .mappable = fm->inner.mappable ? fm_mappable : 0, .flush = fm_flush };
    return m;
}
