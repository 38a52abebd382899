/*
 * bench_paging.c - page-table operations per second: x86_map / x86_unmap of
 * 4 KiB, 2 MiB and 1 GiB pages (one call per page, and 4 KiB ranges of 512
 * pages per call), x86_translate of random addresses; the baseline is xv6's
 * mappages / uvmunmap / walkaddr (xv6_pt.c) on the same frame source.
 * Large pages are compared in bytes mapped per second against xv6 mapping
 * the same bytes with 4 KiB pages.
 *
 * Cross-checks: every translation lands where it was mapped (checksum), the
 * core's tables shrink back to the PML4 after the unmaps, and the frame
 * manager ends exactly as it started.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "core/x86_64/paging.h"
#include "hostmem.h"
#include "xv6_pt.h"

#define HOST_BYTES ((uint64_t)96 << 20)         /* table frames           */
#define VIRT_BASE ((uint64_t)0x0000008000000000) /* PML4 slot 1 (512 GiB)  */
#define PHYS_BASE ((uint64_t)0x0000000100000000) /* 4 GiB, 1 GiB aligned   */
#define RANGE_PAGES 512u                         /* pages per range call   */
#define ROUNDS 5
#define ATTRS (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)
#define XV6_PERM X86_PTE_W

/* Best (smallest) nanoseconds per phase over the rounds. */
typedef struct pt_times {
    double map, translate, unmap; /* total ns of the phase */
} pt_times_t;

/* One workload: npages pages of page_size, mapped per_call pages a call. */
typedef struct pt_work {
    uint64_t page_size;
    uint64_t npages;
    uint64_t per_call;
    const uint64_t *addrs;  /* translate targets inside the mapped range */
    size_t naddrs;
} pt_work_t;

/* Keeps the smaller of *best and v (0 = unset). */
static void keep_min(double *best, double v)
{
    if (*best == 0 || v < *best)
        *best = v;
}

/* Returns the sum of the physical addresses the targets must translate to. */
static uint64_t expected_sum(const pt_work_t *w)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < w->naddrs; i++)
        sum += PHYS_BASE + (w->addrs[i] - VIRT_BASE);
    return sum;
}

/* Runs one core round; adds its phase times to t (min) and checks it. */
static void core_round(hostmem_t *hm, const pt_work_t *w, pt_times_t *t)
{
    x86_paging_t pt;
    if (x86_paging_init(&pt, &hm->frames, hm->access_offset) != VMM_OK) {
        bench_fail("x86_paging_init failed");
        return;
    }
    uint64_t len = w->per_call * w->page_size;
    uint64_t t0 = bench_now_ns();
    for (uint64_t off = 0; off < w->npages * w->page_size; off += len)
        if (x86_map(&pt, VIRT_BASE + off, PHYS_BASE + off, len, w->page_size,
                    ATTRS) != VMM_OK)
            bench_fail("x86_map at +%#llx failed", (unsigned long long)off);
    uint64_t t1 = bench_now_ns();
    uint64_t sum = 0;
    for (size_t i = 0; i < w->naddrs; i++) {
        x86_walk_t walk;
        if (x86_translate(&pt, w->addrs[i], &walk) == VMM_OK)
            sum += walk.phys;
    }
    uint64_t t2 = bench_now_ns();
    for (uint64_t off = 0; off < w->npages * w->page_size; off += len)
        if (x86_unmap(&pt, VIRT_BASE + off, len, w->page_size) != VMM_OK)
            bench_fail("x86_unmap at +%#llx failed", (unsigned long long)off);
    uint64_t t3 = bench_now_ns();
    if (sum != expected_sum(w))
        bench_fail("x86_translate: wrong physical addresses");
    if (pt.table_frames != 1)
        bench_fail("%zu table frames left after unmapping all", pt.table_frames);
    x86_paging_destroy(&pt);
    keep_min(&t->map, (double)(t1 - t0));
    keep_min(&t->translate, (double)(t2 - t1));
    keep_min(&t->unmap, (double)(t3 - t2));
}

/* Runs one xv6 round (4 KiB pages only); same shape as core_round. */
static void xv6_round(hostmem_t *hm, const pt_work_t *w, pt_times_t *t)
{
    xv6_pt_t pt;
    if (!xv6_pt_init(&pt, &hm->frames, hm->access_offset)) {
        bench_fail("xv6_pt_init failed");
        return;
    }
    uint64_t t0 = bench_now_ns();
    for (uint64_t p = 0; p < w->npages; p += w->per_call) {
        uint64_t off = p * VMM_PAGE_SIZE;
        if (!xv6_mappages(&pt, VIRT_BASE + off, PHYS_BASE + off, w->per_call,
                          XV6_PERM))
            bench_fail("xv6_mappages failed");
    }
    uint64_t t1 = bench_now_ns();
    uint64_t sum = 0;
    for (size_t i = 0; i < w->naddrs; i++)
        sum += xv6_walkaddr(&pt, w->addrs[i]);
    uint64_t t2 = bench_now_ns();
    for (uint64_t p = 0; p < w->npages; p += w->per_call)
        if (!xv6_uvmunmap(&pt, VIRT_BASE + p * VMM_PAGE_SIZE, w->per_call))
            bench_fail("xv6_uvmunmap failed");
    uint64_t t3 = bench_now_ns();
    if (sum != expected_sum(w))
        bench_fail("xv6_walkaddr: wrong physical addresses");
    xv6_pt_destroy(&pt);
    keep_min(&t->map, (double)(t1 - t0));
    keep_min(&t->translate, (double)(t2 - t1));
    keep_min(&t->unmap, (double)(t3 - t2));
}

/* Fills addrs with n random addresses inside [VIRT_BASE, + bytes). */
static void random_addrs(uint64_t *addrs, size_t n, uint64_t bytes, uint64_t seed)
{
    bench_rng_t rng;
    bench_rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++)
        addrs[i] = VIRT_BASE + bench_rng_range(&rng, 0, bytes - 1u);
}

/* Prints one rate row; ratio = core / baseline (bytes when scale != 1). */
static void rate_row(const char *fig, double core_per_s, const char *base_name,
                     double base_per_s, double scale, const char *note)
{
    char v[32], b[32], base[96];
    bench_fmt_rate(b, sizeof b, base_per_s);
    snprintf(base, sizeof base, "%s %s", base_name, b);
    bench_row(fig, bench_fmt_rate(v, sizeof v, core_per_s), base,
              core_per_s * scale / base_per_s, note);
}

/* Measures one page size for the core; returns its best times. */
static pt_times_t measure_core(hostmem_t *hm, pt_work_t *w, int rounds)
{
    pt_times_t t = {0, 0, 0};
    for (int r = 0; r < rounds; r++)
        core_round(hm, w, &t);
    return t;
}

void bench_paging(const bench_opts_t *opts)
{
    hostmem_t hm;
    if (!hostmem_init(&hm, 0x100000, HOST_BYTES)) {
        bench_fail("hostmem_init failed");
        return;
    }
    hostmem_snap_t snap;
    if (!hostmem_snap_take(&hm, &snap)) {
        bench_fail("hostmem snapshot failed");
        hostmem_destroy(&hm);
        return;
    }
    int rounds = opts->smoke ? 1 : ROUNDS;
    size_t naddrs = opts->smoke ? 1024 : (size_t)1 << 18;
    uint64_t *addrs = malloc(naddrs * sizeof *addrs);
    if (!addrs) {
        fprintf(stderr, "bench: out of host memory\n");
        exit(2);
    }
    uint64_t n4k = opts->smoke ? 1024 : (uint64_t)1 << 16;
    uint64_t n2m = opts->smoke ? 64 : (uint64_t)1 << 14;
    uint64_t n1g = opts->smoke ? 8 : 512;

    random_addrs(addrs, naddrs, n4k * VMM_SIZE_4K, 4);
    pt_work_t w4 = {VMM_SIZE_4K, n4k, 1, addrs, naddrs};
    pt_times_t c4 = measure_core(&hm, &w4, rounds), x4 = {0, 0, 0};
    for (int r = 0; r < rounds; r++)
        xv6_round(&hm, &w4, &x4);
    pt_work_t w4r = {VMM_SIZE_4K, n4k, RANGE_PAGES, addrs, naddrs};
    pt_times_t c4r = measure_core(&hm, &w4r, rounds), x4r = {0, 0, 0};
    for (int r = 0; r < rounds; r++)
        xv6_round(&hm, &w4r, &x4r);
    double xmap = (double)n4k / x4.map * 1e9, xunmap = (double)n4k / x4.unmap * 1e9;
    double xtr = (double)naddrs / x4.translate * 1e9;
    rate_row("map 4K pages, 1 page/call", (double)n4k / c4.map * 1e9,
             "xv6 mappages", xmap, 1, "");
    rate_row("unmap 4K pages, 1 page/call", (double)n4k / c4.unmap * 1e9,
             "xv6 uvmunmap", xunmap, 1, "core also frees empty tables");
    rate_row("map 4K pages, 512 pages/call", (double)n4k / c4r.map * 1e9,
             "xv6 mappages", (double)n4k / x4r.map * 1e9, 1, "");
    rate_row("unmap 4K pages, 512 pages/call", (double)n4k / c4r.unmap * 1e9,
             "xv6 uvmunmap", (double)n4k / x4r.unmap * 1e9, 1, "");
    rate_row("translate, 4K-mapped, random", (double)naddrs / c4.translate * 1e9,
             "xv6 walkaddr", xtr, 1, "");

    static const struct { const char *name; uint64_t size; } big[] = {
        {"2M", VMM_SIZE_2M}, {"1G", VMM_SIZE_1G}};
    uint64_t counts[] = {n2m, n1g};
    for (size_t k = 0; k < 2; k++) {
        random_addrs(addrs, naddrs, counts[k] * big[k].size, 5 + k);
        pt_work_t w = {big[k].size, counts[k], 1, addrs, naddrs};
        pt_times_t c = measure_core(&hm, &w, big[k].size == VMM_SIZE_1G ?
                                    rounds * 20 : rounds);
        double scale = (double)(big[k].size / VMM_SIZE_4K);
        char fig[64];
        snprintf(fig, sizeof fig, "map %s pages, 1 page/call", big[k].name);
        rate_row(fig, (double)counts[k] / c.map * 1e9, "xv6 4K mappages",
                 xmap, scale, "ratio in bytes/s");
        snprintf(fig, sizeof fig, "unmap %s pages, 1 page/call", big[k].name);
        rate_row(fig, (double)counts[k] / c.unmap * 1e9, "xv6 4K uvmunmap",
                 xunmap, scale, "ratio in bytes/s");
        snprintf(fig, sizeof fig, "translate, %s-mapped, random", big[k].name);
        rate_row(fig, (double)naddrs / c.translate * 1e9, "xv6 4K walkaddr",
                 xtr, 1, "");
    }
    if (!hostmem_snap_same(&hm, &snap))
        bench_fail("frame manager not back to its initial state");
    free(addrs);
    hostmem_snap_free(&snap);
    hostmem_destroy(&hm);
}
