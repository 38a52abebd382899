/* Random sequences of every VMM operation (valid and invalid arguments) with
 * allocator / frame / mapper failures armed at random. After every call:
 * an error left the state exactly as it was, and the structures agree with
 * each other (bitmap = records, mappings = records, frames and allocator
 * blocks accounted for). Deterministic: a fixed xorshift seed per run. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "xorshift.h"
#include "core/fault.h"
#include "core/vmm.h"
#include "vmm_fixture.h"

#define K4 VMM_PAGE_SIZE
#define PAGES 4096u
#define PHYS_BYTES (24u << 20)
#define OPS 4000

static uint64_t rng;

/* Returns a pseudo-random number below bound (tests/lib/xorshift.h). */
static uint64_t rnd(uint64_t bound) { return xorshift_below(&rng, bound); }


/* Checks that bitmap, records, mappings, frames and allocator agree. */
static bool consistent(const vmm_fixture_t *fx)
{
    const vmm_t *v = &fx->vmm;
    size_t pages = 0, blocks = 0, bytes = 0, mappings = 0;
    long frames = 0;
    uint64_t prev_end = v->start;
    for (const vmm_record_t *r = vmm_first_record(v); r != NULL; r = vmm_next_record(r)) {
        if (r->virt < prev_end || r->pages == 0 || r->virt + r->pages * K4 > v->end)
            return false;
        size_t first = (size_t)((r->virt - v->start) / K4);
        if (!hbitmap_range_set(&v->bitmap, first, (size_t)r->pages))
            return false;
        prev_end = r->virt + r->pages * K4;
        pages += r->pages;
        size_t nb; /* its frames block or store; the record is a chunk slot */
        bytes += vmm_record_store_bytes(r, &nb);
        blocks += nb;
        rec_page_t p;
        if (r->kind == VMM_REC_ALLOC) {
            for (size_t k = 0; k < r->nframes; k++)
                if (!rec_mapper_lookup(&fx->rm, r->virt + k * K4, &p) ||
                    p.phys != vmm_record_frame(r, k) || p.attrs != r->attrs)
                    return false;
            mappings += r->nframes;
            frames += r->nframes;
        } else if (r->kind == VMM_REC_SET) {
            bool mapped = r->phys != VMM_NO_FRAME;
            for (size_t k = 0; k < r->pages; k++)
                if (rec_mapper_lookup(&fx->rm, r->virt + k * K4, &p) != mapped ||
                    (mapped && p.phys != r->phys + k * K4))
                    return false;
            mappings += mapped ? r->pages : 0;
            frames += mapped ? (long)r->pages : 0;
        } else {
            for (size_t k = 0; k < r->nframes; k++) {
                uint64_t va = r->virt + k * r->page_size;
                bool mapped = vmm_record_frame(r, k) != VMM_NO_FRAME;
                if (rec_mapper_lookup(&fx->rm, va, &p) != mapped)
                    return false;
                if (mapped && (p.phys != vmm_record_frame(r, k) || p.page_size != r->page_size ||
                               p.attrs != vmm_record_page_attrs(r, k)))
                    return false;
                mappings += mapped;
                frames += mapped ? (long)(r->page_size / K4) : 0;
            }
        }
    }
    /* the allocator also holds the bitmap's nodes, the index's chunks and
     * the record tree's nodes */
    blocks += v->bitmap.nodes + v->bitmap.leaves + v->index.chunks + v->tree.nodes;
    bytes += hbitmap_bytes(&v->bitmap) + v->index.chunks * sizeof(vmm_index_chunk_t) +
             v->tree.nodes * sizeof(vmm_bnode_t);
    if (!vmm_index_check(v) || v->index.chunks > v->tree.count ||
        v->index.chunks * VMM_INDEX_CHUNK_NODES < v->tree.count)
        return false;
    return v->bitmap.num_entries - v->bitmap.num_free == pages && fx->rm.count == mappings &&
           hbitmap_check(&v->bitmap) && fx->fa.live == blocks && fx->fa.live_bytes == bytes &&
           fx->ff.outstanding == frames;
}

/* Returns an address: a record start, inside a record, or anywhere near
 * the window (also outside it, misaligned). */
static uint64_t pick_addr(const vmm_fixture_t *fx)
{
    const vmm_t *v = &fx->vmm;
    size_t n = 0;
    for (const vmm_record_t *r = vmm_first_record(v); r != NULL; r = vmm_next_record(r))
        n++;
    uint64_t choice = rnd(8);
    if (n != 0 && choice < 5) {
        const vmm_record_t *r = vmm_first_record(v);
        for (uint64_t i = rnd(n); i > 0; i--)
            r = vmm_next_record(r);
        return choice < 4 ? r->virt : r->virt + rnd(r->pages) * K4;
    }
    uint64_t a = v->start - 8 * K4 + rnd(PAGES + 16) * K4;
    return choice == 7 ? a + rnd(K4) : a;
}

static vmm_attrs_t pick_attrs(void)
{
    return rnd(20) == 0 ? (vmm_attrs_t)(16 + rnd(16)) : (vmm_attrs_t)rnd(16);
}

static uint64_t pick_size(void)
{
    static const uint64_t sizes[] = {VMM_SIZE_4K, VMM_SIZE_4K, VMM_SIZE_2M, VMM_SIZE_1G, 8192};
    return sizes[rnd(5)];
}

/* Runs one random operation; returns its status. */
static vmm_status_t random_op(vmm_fixture_t *fx)
{
    vmm_t *v = &fx->vmm;
    uint64_t va;
    switch (rnd(9)) {
    case 0:
        return vmm_alloc(v, rnd(24), pick_attrs(), &va);
    case 1: {
        uint64_t a = pick_addr(fx);
        vmm_range_t r = {a, a + rnd(12) * K4};
        uint64_t pf = FX_LOW_RESERVED - 4 * K4 + rnd(PHYS_BYTES / K4) * K4;
        vmm_range_t p = {pf, pf + (r.end - r.start) + (rnd(10) == 0 ? K4 : 0)};
        return vmm_set(v, r, rnd(2) ? &p : NULL, pick_attrs());
    }
    case 2:
    case 3:
        return vmm_free(v, pick_addr(fx));
    case 4:
        return vmm_reserve(v, rnd(6), pick_size(), pick_attrs(),
                           (uint32_t)(rnd(10) == 0 ? 2 : rnd(2)), &va);
    case 5:
        return vmm_claim(v, pick_addr(fx), rnd(6), pick_size(), pick_attrs(),
                         (uint32_t)rnd(2));
    case 6: {
        uint64_t res = pick_addr(fx);
        const vmm_record_t *r = vmm_find_record(v, res);
        uint64_t size = r != NULL ? r->page_size : K4;
        uint64_t page = r != NULL ? r->virt + rnd(r->pages * K4 / size + 1) * size : res;
        uint64_t phys;
        vmm_frames_t fr = fail_frames_iface(&fx->ff);
        long cd = fx->ff.countdown; /* the test's own frame is not a failure point */
        fx->ff.countdown = -1;
        vmm_status_t st = fr.alloc(fr.ctx, (size_t)(size / K4), (size_t)(size / K4), &phys);
        fx->ff.countdown = cd;
        if (st != VMM_OK)
            return VMM_OK;
        st = vmm_map_page(v, res, page, phys, pick_attrs());
        if (st != VMM_OK)
            CHECK_OK(fr.free(fr.ctx, phys, (size_t)(size / K4)));
        return st;
    }
    case 7:
        return vmm_release(v, pick_addr(fx));
    default: {
        vmm_access_t a = {.write = rnd(2), .user = rnd(2), .fetch = rnd(3) == 0,
                          .reserved = rnd(30) == 0};
        vmm_fault_result_t out;
        vmm_fault_kind_t k = vmm_fault(v, pick_addr(fx) + rnd(K4), a, &out);
        if (k == VMM_FAULT_OUT_OF_MEMORY)
            return out.status;
        return k == VMM_FAULT_RESOLVED ? VMM_OK : VMM_ERR_NOT_MAPPED;
    }
    }
}

/* Arms one random failure (or none). */
static void arm_random(vmm_fixture_t *fx)
{
    switch (rnd(6)) {
    case 0: fx->fa.countdown = (long)rnd(2); break;
    case 1: fx->ff.countdown = (long)rnd(6); break;
    case 2: fx->rm.map_countdown = (long)rnd(4); break;
    case 3: fx->rm.unmap_countdown = (long)rnd(3); break;
    default: break;
    }
}

static void run(uint64_t start, uint64_t seed)
{
    vmm_fixture_t fx;
    fx_init(&fx, start, PAGES, PHYS_BYTES);
    size_t free_frames = pmm_free_count(&fx.pmm);
    rng = seed;
    size_t ok = 0, failed = 0;
    for (int i = 0; i < OPS; i++) {
        fx_snapshot_t s;
        fx_snap(&fx, &s);
        arm_random(&fx);
        vmm_status_t st = random_op(&fx);
        fx_disarm(&fx);
        if (st != VMM_OK) {
            failed++;
            if (!fx_same(&fx, &s)) {
                fprintf(stderr, "op %d (seed %llu): %s changed the state\n", i,
                        (unsigned long long)seed, vmm_strerror(st));
                CHECK(!"a failed call changed the state");
                fx_snap_free(&s);
                break;
            }
        } else {
            ok++;
        }
        fx_snap_free(&s);
        if (!consistent(&fx)) {
            fprintf(stderr, "op %d (seed %llu): structures disagree\n", i,
                    (unsigned long long)seed);
            CHECK(!"inconsistent state");
            break;
        }
    }
    CHECK(ok > OPS / 10 && failed > OPS / 10); /* both paths exercised */
    vmm_deinit(&fx.vmm); /* every frame comes back */
    CHECK(pmm_free_count(&fx.pmm) == free_frames);
    CHECK(fx_destroy(&fx));
}

static void test_random(void)
{
    /* the last: a window ending at 2^64 - 4K, the highest end there is */
    static const uint64_t starts[] = {0, 0x40001000, 0xFFFFFFFF80000000ull,
                                      (UINT64_MAX & ~VMM_PAGE_MASK) - PAGES * K4};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
        for (uint64_t seed = 1; seed <= 3; seed++)
            run(starts[i], seed * 0x9E3779B97F4A7C15ull + i);
}

int main(void)
{
    RUN(test_random);
    return check_exit();
}
