/* The VMM over the REAL x86_64 page tables, which take their table frames
 * from the same frame manager as the VMM (as in the kernel). Random
 * operations with the frame source, the mapper (map / unmap) or the
 * allocator failing at random: a failed call leaves the frame manager
 * bit-for-bit as it was (so no table frame leaked or was lost), and the VMM
 * bitmap, records and allocator too; after every call each record page
 * translates as its record says. At the end every frame comes back. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "xorshift.h"
#include "core/fault.h"
#include "core/vmm.h"
#include "core/x86_64/paging.h"
#include "fail_alloc.h"
#include "fail_frames.h"
#include "fail_mapper.h"
#include "hostmem.h"

#define K4 VMM_PAGE_SIZE
#define PAGES 16384u
#define OPS 2500

static uint64_t rng;

/* Returns a pseudo-random number below bound (tests/lib/xorshift.h). */
static uint64_t rnd(uint64_t bound) { return xorshift_below(&rng, bound); }

typedef struct world {
    hostmem_t hm;
    fail_frames_t ff;
    vmm_frames_t frames;
    x86_paging_t pt;
    fail_mapper_t fm;
    fail_alloc_t fa;
    vmm_t vmm;
    uint64_t bits[BITMAP_WORDS(PAGES)];
} world_t;

/* Returns true when page k (4K) of rec translates as the record says. */
static bool page_agrees(const world_t *w, const vmm_record_t *r, uint64_t k)
{
    x86_walk_t walk;
    bool mapped = x86_translate(&w->pt, r->virt + k * K4, &walk) == VMM_OK;
    if (r->kind == VMM_REC_ALLOC)
        return mapped && walk.phys == vmm_record_frame(r, k);
    if (r->kind == VMM_REC_SET)
        return mapped == (r->phys != VMM_NO_FRAME) && (!mapped || walk.phys == r->phys + k * K4);
    uint64_t per = r->page_size / K4, f = vmm_record_frame(r, (size_t)(k / per));
    return mapped == (f != VMM_NO_FRAME) &&
           (!mapped || (walk.phys == f + (k % per) * K4 && walk.page_size == r->page_size));
}

/* Returns true when every page of every record translates as recorded. */
static bool tables_agree(const world_t *w)
{
    for (const vmm_record_t *r = vmm_first_record(&w->vmm); r != NULL; r = vmm_next_record(r))
        for (uint64_t k = 0; k < r->pages; k += (r->pages > 64 ? 7 : 1))
            if (!page_agrees(w, r, k))
                return false;
    return true;
}

/* Picks a record start (or 0 when there is none) and its record. */
static uint64_t pick_record(const world_t *w, const vmm_record_t **rec)
{
    size_t n = 0;
    for (const vmm_record_t *r = vmm_first_record(&w->vmm); r != NULL; r = vmm_next_record(r))
        n++;
    *rec = vmm_first_record(&w->vmm);
    for (uint64_t i = n ? rnd(n) : 0; i > 0; i--)
        *rec = vmm_next_record(*rec);
    return *rec != NULL ? (*rec)->virt : 0;
}

static void disarm(world_t *w);

/* Runs one random operation; returns its status (a fault's, for faults). */
static vmm_status_t random_op(world_t *w)
{
    static const uint64_t sizes[] = {VMM_SIZE_4K, VMM_SIZE_4K, VMM_SIZE_2M};
    static const size_t max_count[] = {12, 12, 3};
    const vmm_record_t *r;
    uint64_t any = pick_record(w, &r), va;
    vmm_attrs_t attrs = (vmm_attrs_t)rnd(16);
    switch (rnd(8)) {
    case 0:
        return vmm_alloc(&w->vmm, 1 + rnd(40), attrs, &va);
    case 1:
    {
        size_t k = (size_t)rnd(3);
        return vmm_reserve(&w->vmm, 1 + rnd(max_count[k]), sizes[k], attrs, (uint32_t)rnd(2),
                           &va);
    }
    case 2:
        return r != NULL ? vmm_free(&w->vmm, any) : VMM_OK;
    case 3:
        return r != NULL ? vmm_release(&w->vmm, any) : VMM_OK;
    case 4: {
        uint64_t a = w->vmm.start + rnd(PAGES - 64) * K4;
        uint64_t pf = w->hm.base + rnd(w->hm.size / K4 - 64) * K4;
        vmm_range_t v = {a, a + (1 + rnd(20)) * K4}, p = {pf, pf + (v.end - v.start)};
        return vmm_set(&w->vmm, v, rnd(2) ? &p : NULL, attrs);
    }
    case 5: /* demand-map a few pages, no failure: runs for release to undo */
        disarm(w);
        for (int i = 0; r != NULL && i < 6; i++)
            (void)vmm_fault(&w->vmm, any + rnd(r->pages) * K4, (vmm_access_t){0}, NULL);
        return VMM_OK;
    default: {
        if (r == NULL)
            return VMM_OK;
        vmm_fault_result_t out;
        vmm_access_t acc = {.write = rnd(2) != 0};
        vmm_fault_kind_t k = vmm_fault(&w->vmm, any + rnd(r->pages) * K4, acc, &out);
        return k == VMM_FAULT_OUT_OF_MEMORY ? out.status : VMM_OK;
    }
    }
}

/* Arms at most one failure: frame source, map, unmap or allocator. */
static void arm_random(world_t *w)
{
    switch (rnd(5)) {
    case 0: w->ff.countdown = (long)rnd(4); break;
    case 1: w->fm.map_countdown = (long)rnd(3); break;
    case 2: w->fm.unmap_countdown = (long)rnd(3); break;
    case 3: w->fa.countdown = (long)rnd(2); break;
    default: break;
    }
}

/* Disarms every failure injection. */
static void disarm(world_t *w)
{
    w->ff.countdown = -1;
    w->fm.map_countdown = -1;
    w->fm.unmap_countdown = -1;
    w->fa.countdown = -1;
}

static void run(world_t *w, uint64_t start, uint64_t seed)
{
    rng = seed;
    CHECK(hostmem_init(&w->hm, 0x100000, 32u << 20));
    fail_frames_init(&w->ff, &w->hm.frames);
    w->frames = fail_frames_iface(&w->ff);
    CHECK_OK(x86_paging_init(&w->pt, &w->frames, w->hm.access_offset));
    vmm_mapper_t inner = x86_paging_mapper(&w->pt);
    fail_mapper_init(&w->fm, &inner);
    vmm_mapper_t m = fail_mapper_iface(&w->fm);
    fail_alloc_init(&w->fa);
    vmm_allocator_t a = fail_alloc_iface(&w->fa);
    CHECK_OK(vmm_init(&w->vmm, start, start + PAGES * K4, &a, &m,
                      &w->frames));
    size_t free_after_pml4 = pmm_free_count(&w->hm.pmm);
    size_t failed = 0;
    for (int i = 0; i < OPS; i++) {
        hostmem_snap_t s;
        CHECK(hostmem_snap_take(&w->hm, &s));
        static uint64_t bits[BITMAP_WORDS(PAGES)];
        memcpy(bits, w->bits, sizeof bits);
        vmm_t before = w->vmm;
        size_t live = w->fa.live;
        arm_random(w);
        vmm_status_t st = random_op(w);
        disarm(w);
        if (st != VMM_OK) {
            failed++;
            bool same = hostmem_snap_same(&w->hm, &s) && memcmp(bits, w->bits, sizeof bits) == 0 &&
                        w->fa.live == live && w->vmm.tree.root == before.tree.root &&
                        w->vmm.hint == before.hint;
            if (!same)
                fprintf(stderr, "start %#llx op %d: %s changed the state\n",
                        (unsigned long long)start, i, vmm_strerror(st));
            CHECK(same);
        }
        hostmem_snap_free(&s);
        if (!tables_agree(w)) {
            fprintf(stderr, "start %#llx op %d: tables and records disagree\n",
                    (unsigned long long)start, i);
            CHECK(!"tables and records disagree");
            break;
        }
    }
    CHECK(failed > OPS / 20);
    vmm_deinit(&w->vmm);
    CHECK(w->fa.live == 0);
    CHECK(pmm_free_count(&w->hm.pmm) == free_after_pml4); /* every table frame back */
    x86_paging_destroy(&w->pt);
    hostmem_destroy(&w->hm);
}

static void test_random_over_x86_tables(void)
{
    static world_t w;
    static const uint64_t starts[] = {0x1000, 0x40001000, 0xFFFF800000000000ull,
                                      0xFFFFFFFF80000000ull};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
        run(&w, starts[i], 0x9E3779B97F4A7C15ull * (i + 1));
}

int main(void)
{
    RUN(test_random_over_x86_tables);
    return check_exit();
}
