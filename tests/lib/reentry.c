/* reentry.c - see reentry.h. */
#include "reentry.h"

#include <stdio.h>

#include "core/fault.h"

#define RW (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE)

static const char *const kind_names[REENTRY_KINDS] = {
    "allocator.alloc", "allocator.free", "frames.alloc", "frames.free", "frames.claim",
    "frames.zero", "frames.in_use", "mapper.map", "mapper.unmap", "mapper.query",
};

const char *reentry_kind_name(int kind)
{
    return kind >= 0 && kind < REENTRY_KINDS ? kind_names[kind] : "?";
}

/* Counts one inner call: refused when it returned VMM_ERR_BUSY. */
static void expect_busy(reentry_t *r, const char *call, vmm_status_t got)
{
    if (got == VMM_ERR_BUSY) {
        r->refused++;
        return;
    }
    if (r->wrong++ == 0)
        snprintf(r->first_wrong, sizeof r->first_wrong, "%s inside %s returned %s", call,
                 reentry_kind_name(r->kind), vmm_strerror(got));
}

/* Calls every public entry of r->vmm that may change it, each with
 * arguments it would accept outside a call. */
static void reenter(reentry_t *r)
{
    vmm_t *vmm = r->vmm;
    uint64_t v = 0, at = vmm->start;
    bool set;
    vmm_range_t range = { at, at + VMM_PAGE_SIZE };
    vmm_range_t phys = { 0x100000, 0x101000 };
    vmm_fault_result_t out;
    expect_busy(r, "vmm_alloc", vmm_alloc(vmm, 1, RW, &v));
    expect_busy(r, "vmm_reserve", vmm_reserve(vmm, 8, VMM_PAGE_SIZE, RW, 0, &v));
    expect_busy(r, "vmm_reserve lazy",
                vmm_reserve(vmm, 8, VMM_PAGE_SIZE, RW, VMM_RESERVE_LAZY, &v));
    expect_busy(r, "vmm_claim", vmm_claim(vmm, at, 1, VMM_PAGE_SIZE, RW, 0));
    expect_busy(r, "vmm_set", vmm_set(vmm, range, NULL, RW));
    expect_busy(r, "vmm_set phys", vmm_set(vmm, range, &phys, RW));
    expect_busy(r, "vmm_free", vmm_free(vmm, at));
    expect_busy(r, "vmm_release", vmm_release(vmm, at));
    expect_busy(r, "vmm_map_page", vmm_map_page(vmm, at, at, phys.start, RW));
    expect_busy(r, "vmm_pin", vmm_pin(vmm, at));
    expect_busy(r, "vmm_set_fit", vmm_set_fit(vmm, VMM_FIT_FIRST));
    expect_busy(r, "vmm_is_set", vmm_is_set(vmm, at, &set));
    expect_busy(r, "vmm_deinit", vmm_deinit(vmm));
    vmm_access_t write = { .write = true };
    vmm_fault_kind_t k = vmm_fault(vmm, at, write, &out);
    expect_busy(r, "vmm_fault", k == VMM_FAULT_NOT_PRESENT ? out.status : VMM_OK);
    size_t n = 0; /* the queries: memory-safe mid-call (ASan checks the walk) */
    for (const vmm_record_t *rec = vmm_first_record(vmm); rec != NULL;
         rec = vmm_next_record(rec)) {
        size_t page = vmm_record_next_mapped(rec, 0); /* the store mid-call */
        (void)vmm_record_frame(rec, page);
        (void)vmm_record_page_attrs(rec, page);
        n++;
    }
    expect_busy(r, "record walk", n == vmm_record_count(vmm) ? VMM_ERR_BUSY : VMM_OK);
    (void)vmm_find_record(vmm, at);
}

/* Counts a call of kind k; re-enters when it is the armed one. */
static void hit(reentry_t *r, int k)
{
    if (r->kind != k || r->countdown < 0)
        return;
    if (r->countdown-- == 0) {
        r->fired++;
        reenter(r);
    }
}

static void *w_alloc(void *ctx, size_t size, size_t align)
{
    reentry_t *r = ctx;
    hit(r, REENTRY_ALLOC);
    return r->a.alloc(r->a.ctx, size, align);
}
static void w_alloc_free(void *ctx, void *p, size_t size)
{
    reentry_t *r = ctx;
    hit(r, REENTRY_ALLOC_FREE);
    r->a.free(r->a.ctx, p, size);
}
static vmm_status_t w_frames_alloc(void *ctx, size_t n, size_t align, uint64_t *phys)
{
    reentry_t *r = ctx;
    hit(r, REENTRY_FRAMES_ALLOC);
    return r->f.alloc(r->f.ctx, n, align, phys);
}
static vmm_status_t w_frames_free(void *ctx, uint64_t phys, size_t n)
{
    reentry_t *r = ctx;
    hit(r, REENTRY_FRAMES_FREE);
    return r->f.free(r->f.ctx, phys, n);
}
static vmm_status_t w_frames_claim(void *ctx, uint64_t phys, size_t n)
{
    reentry_t *r = ctx;
    hit(r, REENTRY_FRAMES_CLAIM);
    return r->f.claim(r->f.ctx, phys, n);
}
static void w_frames_zero(void *ctx, uint64_t phys, size_t n)
{
    reentry_t *r = ctx;
    hit(r, REENTRY_FRAMES_ZERO);
    r->f.zero(r->f.ctx, phys, n);
}
static vmm_status_t w_frames_in_use(void *ctx, uint64_t phys, size_t n)
{
    reentry_t *r = ctx;
    hit(r, REENTRY_FRAMES_IN_USE);
    return r->f.in_use(r->f.ctx, phys, n);
}
static vmm_status_t w_map(void *ctx, uint64_t virt, uint64_t phys, uint64_t len,
                          uint64_t page_size, vmm_attrs_t attrs)
{
    reentry_t *r = ctx;
    hit(r, REENTRY_MAP);
    return r->m.map(r->m.ctx, virt, phys, len, page_size, attrs);
}
static vmm_status_t w_unmap(void *ctx, uint64_t virt, uint64_t len, uint64_t page_size)
{
    reentry_t *r = ctx;
    hit(r, REENTRY_UNMAP);
    return r->m.unmap(r->m.ctx, virt, len, page_size);
}
static vmm_status_t w_query(void *ctx, uint64_t virt, uint64_t *phys, vmm_attrs_t *attrs,
                            uint64_t *page_size)
{
    reentry_t *r = ctx;
    hit(r, REENTRY_QUERY);
    return r->m.query(r->m.ctx, virt, phys, attrs, page_size);
}
static void w_flush(void *ctx)
{
    reentry_t *r = ctx;
    r->m.flush(r->m.ctx);
}
static vmm_status_t w_mappable(void *ctx, uint64_t virt, uint64_t len)
{
    reentry_t *r = ctx;
    return r->m.mappable(r->m.ctx, virt, len);
}

void reentry_wrap(reentry_t *r, const vmm_allocator_t *a, const vmm_frames_t *f,
                  const vmm_mapper_t *m, vmm_allocator_t *out_a, vmm_frames_t *out_f,
                  vmm_mapper_t *out_m)
{
    *r = (reentry_t){ .a = *a, .f = *f, .m = *m, .kind = -1, .countdown = -1 };
    /* every field named: one added to an interface later stays NULL here
       instead of reaching the inner callback with r as its ctx */
    *out_a = (vmm_allocator_t){ .alloc = w_alloc, .free = w_alloc_free, .ctx = r };
    *out_f = (vmm_frames_t){ .alloc = w_frames_alloc, .free = w_frames_free,
                             .claim = w_frames_claim, .ctx = r,
                             .in_use = f->in_use != NULL ? w_frames_in_use : NULL,
                             .zero = f->zero != NULL ? w_frames_zero : NULL };
    *out_m = (vmm_mapper_t){ .map = w_map, .unmap = w_unmap, .query = w_query, .ctx = r,
                             .mappable = m->mappable != NULL ? w_mappable : NULL,
                             .flush = m->flush != NULL ? w_flush : NULL };
}

void reentry_arm(reentry_t *r, vmm_t *vmm, int kind, long n)
{
    r->vmm = vmm;
    r->kind = kind;
    r->countdown = kind >= 0 ? n : -1;
    r->fired = r->refused = r->wrong = 0;
    r->first_wrong[0] = '\0';
}
