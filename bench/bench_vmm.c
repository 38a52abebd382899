/*
 * bench_vmm.c - contiguous allocation through the VMM itself, on the same
 * fragmented windows as bench_contig.c:
 *  - vmm_reserve(n, 4K) + vmm_release: bitmap (next fit) + record list,
 *    maps nothing;
 *  - vmm_alloc(n) + vmm_free with a no-op mapper and a frame source that
 *    never runs out: adds a frame per page and the mapper calls.
 * The allocator is the host's malloc. The baseline is the same Pluto
 * setContiguous measurement as the bitmap rows (cached per window size).
 * The reserve rows are also measured with the VMM's memory in the
 * huge-page arena (huge_arena.h: 2 MiB pages, as a kernel's direct map)
 * against Pluto with its bitmap in the same arena.
 *
 * Cross-checks: the VMM's free count matches the live runs, and the record
 * list holds exactly the live records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "contig.h"
#include "core/vmm.h"
#include "huge_arena.h"

#define WINDOW_START ((uint64_t)0xFFFF900000000000ull)
#define SEED_STATE 0x5EEDu
#define SEED_OPS 0xC0FFEEu
#define REPS 3
#define BUDGET_NS 250000000ull
#define MAX_ITERS 200000ull
#define SMOKE_ITERS 1000ull
#define ATTRS (VMM_ATTR_KERNEL | VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE)

/* Mapper that maps nothing and always succeeds. */
static vmm_status_t noop_map(void *ctx, uint64_t virt, uint64_t phys,
                             uint64_t len, uint64_t page_size, vmm_attrs_t attrs)
{
    (void)ctx, (void)virt, (void)phys, (void)len, (void)page_size, (void)attrs;
    return VMM_OK;
}

static vmm_status_t noop_unmap(void *ctx, uint64_t virt, uint64_t len,
                               uint64_t page_size)
{
    (void)ctx, (void)virt, (void)len, (void)page_size;
    return VMM_OK;
}

static vmm_status_t noop_query(void *ctx, uint64_t virt, uint64_t *phys,
                               vmm_attrs_t *attrs, uint64_t *page_size)
{
    (void)ctx, (void)virt, (void)phys, (void)attrs, (void)page_size;
    return VMM_ERR_NOT_MAPPED;
}

/* Frame source that never runs out: consecutive addresses, frees ignored. */
static vmm_status_t endless_alloc(void *ctx, size_t count, size_t align,
                                  uint64_t *phys)
{
    uint64_t *next = ctx;
    (void)align;
    *phys = *next;
    *next += (uint64_t)count * VMM_PAGE_SIZE;
    return VMM_OK;
}

static vmm_status_t endless_free(void *ctx, uint64_t phys, size_t count)
{
    (void)ctx, (void)phys, (void)count;
    return VMM_OK;
}

static vmm_status_t endless_claim(void *ctx, uint64_t phys, size_t count)
{
    (void)ctx, (void)phys, (void)count;
    return VMM_OK;
}

typedef struct vmm_ctx {
    vmm_t vmm;
    uint64_t next_frame;
} vmm_ctx_t;

/* vmm_reserve of n 4 KiB pages; the handle is the address. */
static bool reserve_alloc(void *ctx, size_t n, size_t *first)
{
    uint64_t virt;
    if (vmm_reserve(&((vmm_ctx_t *)ctx)->vmm, n, VMM_SIZE_4K, ATTRS, 0, &virt) != VMM_OK)
        return false;
    *first = (size_t)virt;
    return true;
}

static void reserve_free(void *ctx, size_t first, size_t n)
{
    (void)n;
    if (vmm_release(&((vmm_ctx_t *)ctx)->vmm, first) != VMM_OK)
        bench_fail("vmm_release(%#zx) failed", first);
}

/* vmm_alloc of n pages (a frame each, mapped). */
static bool alloc_alloc(void *ctx, size_t n, size_t *first)
{
    uint64_t virt;
    if (vmm_alloc(&((vmm_ctx_t *)ctx)->vmm, n, ATTRS, &virt) != VMM_OK)
        return false;
    *first = (size_t)virt;
    return true;
}

static void alloc_free(void *ctx, size_t first, size_t n)
{
    (void)n;
    if (vmm_free(&((vmm_ctx_t *)ctx)->vmm, first) != VMM_OK)
        bench_fail("vmm_free(%#zx) failed", first);
}

/* Builds a VMM over the state's window holding its live runs (claimed in
 * descending order, so each insertion is at the head of the list) and fills
 * live with their addresses. */
static void vmm_load(vmm_ctx_t *c, const contig_state_t *st, contig_live_t *live,
                     const vmm_allocator_t *heap)
{
    static const vmm_mapper_t noop = { .map = noop_map, .unmap = noop_unmap, .query = noop_query };
    vmm_frames_t frames = {endless_alloc, endless_free, endless_claim, &c->next_frame, 0, 0};
    c->next_frame = 0x100000;
    if (vmm_init(&c->vmm, WINDOW_START, WINDOW_START + st->num_entries * VMM_PAGE_SIZE,
                 heap, &noop, &frames) != VMM_OK) {
        fprintf(stderr, "bench: vmm_init failed\n");
        exit(2);
    }
    contig_live_copy(live, &st->live);
    for (size_t k = live->count; k-- > 0;) {
        contig_run_t *r = &live->runs[k];
        r->first = (size_t)(WINDOW_START + r->first * VMM_PAGE_SIZE);
        if (vmm_claim(&c->vmm, r->first, r->n, VMM_SIZE_4K, ATTRS, 0) != VMM_OK)
            bench_fail("vmm_claim(%#zx, %zu) failed", r->first, r->n);
    }
}

/* Checks the VMM against the live runs, then tears it down. */
static void vmm_unload(vmm_ctx_t *c, const contig_live_t *live)
{
    size_t used = 0, records = 0;
    for (size_t k = 0; k < live->count; k++)
        used += live->runs[k].n;
    for (const vmm_record_t *r = vmm_first_record(&c->vmm); r; r = vmm_next_record(r))
        records++;
    if (c->vmm.bitmap.num_free != c->vmm.bitmap.num_entries - used)
        bench_fail("vmm free count %zu, live runs say %zu", c->vmm.bitmap.num_free,
                   c->vmm.bitmap.num_entries - used);
    if (records != live->count)
        bench_fail("vmm holds %zu records, %zu live", records, live->count);
    vmm_deinit(&c->vmm);
}

/* One repetition of a VMM workload on st. */
typedef struct vmm_rep {
    const contig_state_t *st;
    bool with_frames;
    vmm_allocator_t heap; /* the VMM's memory */
} vmm_rep_t;

/* contig_rep_fn of the VMM: loads st, runs, checks and tears down. */
static contig_result_t vmm_rep(void *ctx, uint64_t max_iters, uint64_t budget_ns)
{
    const vmm_rep_t *v = ctx;
    vmm_ctx_t c;
    contig_live_t live;
    vmm_load(&c, v->st, &live, &v->heap);
    contig_ops_t ops = {v->with_frames ? alloc_alloc : reserve_alloc,
                        v->with_frames ? alloc_free : reserve_free, &c};
    contig_result_t r = contig_run(&ops, &live, v->st->max_run, SEED_OPS, max_iters, budget_ns);
    vmm_unload(&c, &live);
    contig_live_free(&live);
    return r;
}

/* Runs one VMM workload on st, its memory from heap; returns the best
 * ns/op over REPS. */
static double measure(const contig_state_t *st, bool with_frames, vmm_allocator_t heap,
                      bool smoke)
{
    vmm_rep_t v = {st, with_frames, heap};
    return contig_best(vmm_rep, &v, smoke ? 1 : REPS, smoke ? SMOKE_ITERS : MAX_ITERS,
                       smoke ? 0 : BUDGET_NS, NULL);
}

/* Times vmm_find_record against vmm_is_set (one bitmap test) on random
 * live record starts of st; prints the row. */
static void lookup_row(const contig_state_t *st, unsigned log2, bool smoke)
{
    vmm_ctx_t c;
    contig_live_t live;
    vmm_allocator_t heap = bench_heap_allocator();
    vmm_load(&c, st, &live, &heap);
    bench_rng_t rng;
    bench_rng_seed(&rng, 11);
    uint64_t n = smoke ? 200 : 20000, found = 0, set_count = 0;
    uint64_t *addrs = malloc(n * sizeof *addrs);
    if (!addrs) {
        fprintf(stderr, "bench: out of host memory\n");
        exit(2);
    }
    for (uint64_t i = 0; i < n; i++)
        addrs[i] = live.runs[bench_rng_range(&rng, 0, live.count - 1u)].first;
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < n; i++) {
        const vmm_record_t *r = vmm_find_record(&c.vmm, addrs[i]);
        found += r != NULL && r->virt == addrs[i];
    }
    uint64_t t1 = bench_now_ns();
    for (uint64_t i = 0; i < n; i++) {
        bool set = false;
        (void)vmm_is_set(&c.vmm, addrs[i], &set);
        set_count += set;
    }
    uint64_t t2 = bench_now_ns();
    if (found != n || set_count != n)
        bench_fail("lookups: %llu records found, %llu set, of %llu",
                   (unsigned long long)found, (unsigned long long)set_count,
                   (unsigned long long)n);
    double find_ns = (double)(t1 - t0) / (double)n, set_ns = (double)(t2 - t1) / (double)n;
    char fig[96], v[48], base[64], b[32], note[64];
    snprintf(fig, sizeof fig, "vmm_find_record, 2^%u pages", log2);
    snprintf(base, sizeof base, "vmm_is_set %s", bench_fmt_ns(b, sizeof b, set_ns));
    snprintf(note, sizeof note, "%zu live records (B+ tree)", live.count);
    bench_row(fig, bench_fmt_ns(v, sizeof v, find_ns), base, set_ns / find_ns, note);
    free(addrs);
    vmm_unload(&c, &live);
    contig_live_free(&live);
}

/* Prints the reserve row of 2^log2 pages with the VMM's memory and
 * Pluto's bitmap in the huge-page arena; returns its ns/op (0: no arena)
 * and whether the arena was all on 2 MiB pages in *on_huge. */
static double huge_row(const contig_state_t *st, unsigned log2, bool smoke, bool *on_huge)
{
    char fig[128], v[48], base[80], pv[32], note[320], pages[160];
    snprintf(fig, sizeof fig, "vmm_reserve+vmm_release, 2^%u pages, 2 MiB pages", log2);
    bench_arena_t *a = bench_huge_arena();
    *on_huge = false;
    if (a == NULL) {
        bench_row(fig, "no arena", "-", 0, "mmap of the huge-page arena failed");
        return 0;
    }
    double pluto = bench_pluto_huge_ns(log2, smoke);
    double ns = measure(st, false, bench_arena_allocator(a), smoke);
    *on_huge = bench_arena_note(a, pages, sizeof pages);
    snprintf(base, sizeof base, "Pluto setContiguous %s (%s)",
             bench_fmt_ns(pv, sizeof pv, pluto), *on_huge ? "2 MiB pages" : "the same arena");
    if (*on_huge)
        snprintf(note, sizeof note, "as the kernel's direct map: VMM and Pluto memory on 2 MiB "
                                    "pages (%s)%s", pages, log2 >= 24 ? "; goal >= 1000x" : "");
    else /* never a 4 KiB figure under the 2 MiB row's name without saying so */
        snprintf(note, sizeof note, "%s", pages);
    bench_row(fig, bench_fmt_ns(v, sizeof v, ns), base, pluto / ns, note);
    return ns;
}

void bench_vmm(const bench_opts_t *opts)
{
    static const unsigned full[] = {16, 20, 24};
    static const unsigned smoke[] = {12, 14};
    const unsigned *sizes = opts->smoke ? smoke : full;
    size_t count = opts->smoke ? 2 : 3;
    double res[3][2], huge[3];
    bool all_huge = true;
    unsigned done = 0;
    for (size_t k = 0; k < count && sizes[k] <= opts->max_log2; k++, done++) {
        contig_state_t st;
        contig_state_build(&st, (size_t)1 << sizes[k], CONTIG_MAX_RUN, SEED_STATE + sizes[k]);
        double pluto = bench_pluto_ns(sizes[k], opts->smoke);
        char fig[128], v[48], base[64], pv[32];
        snprintf(base, sizeof base, "Pluto setContiguous %s",
                 bench_fmt_ns(pv, sizeof pv, pluto));
        res[k][0] = measure(&st, false, bench_heap_allocator(), opts->smoke);
        snprintf(fig, sizeof fig, "vmm_reserve+vmm_release, 2^%u pages", sizes[k]);
        bench_row(fig, bench_fmt_ns(v, sizeof v, res[k][0]), base, pluto / res[k][0],
                  sizes[k] >= 24 ? "maps nothing; goal >= 1000x" : "maps nothing");
        bool on_huge;
        huge[k] = huge_row(&st, sizes[k], opts->smoke, &on_huge);
        all_huge = all_huge && on_huge;
        res[k][1] = measure(&st, true, bench_heap_allocator(), opts->smoke);
        snprintf(fig, sizeof fig, "vmm_alloc+vmm_free, 2^%u pages", sizes[k]);
        bench_row(fig, bench_fmt_ns(v, sizeof v, res[k][1]), base, pluto / res[k][1],
                  "frame per page, no-op mapper");
        lookup_row(&st, sizes[k], opts->smoke);
        contig_state_free(&st);
    }
    if (done >= 2) {
        char fig[128], v[32];
        snprintf(fig, sizeof fig, "vmm_reserve per-op growth 2^%u -> 2^%u",
                 sizes[0], sizes[done - 1]);
        snprintf(v, sizeof v, "%.2fx", res[done - 1][0] / res[0][0]);
        bench_row(fig, v, "-", 0, "goal <= 2x");
        if (huge[0] > 0 && huge[done - 1] > 0) {
            snprintf(fig, sizeof fig, "vmm_reserve per-op growth 2^%u -> 2^%u, 2 MiB pages",
                     sizes[0], sizes[done - 1]);
            snprintf(v, sizeof v, "%.2fx", huge[done - 1] / huge[0]);
            bench_row(fig, v, "-", 0, all_huge ? "goal <= 2x" :
                      "NOT all on 2 MiB pages (see the rows above): a 4 KiB figure");
        }
        snprintf(fig, sizeof fig, "vmm_alloc per-op growth 2^%u -> 2^%u",
                 sizes[0], sizes[done - 1]);
        snprintf(v, sizeof v, "%.2fx", res[done - 1][1] / res[0][1]);
        bench_row(fig, v, "-", 0, "goal <= 2x");
    }
}

/* See bench.h: vmm_reserve or vmm_alloc, iters iterations, no clock. */
bool bench_icount_vmm(const char *what, unsigned log2, uint64_t iters)
{
    bool with_frames = strcmp(what, "alloc") == 0, huge = strcmp(what, "reserve-2m") == 0;
    if (!with_frames && !huge && strcmp(what, "reserve") != 0)
        return false;
    vmm_allocator_t heap = bench_heap_allocator();
    if (huge) {
        if (bench_huge_arena() == NULL) {
            fprintf(stderr, "bench: mmap of the huge-page arena failed\n");
            exit(2);
        }
        heap = bench_arena_allocator(bench_huge_arena());
    }
    contig_state_t st;
    contig_state_build(&st, (size_t)1 << log2, CONTIG_MAX_RUN, SEED_STATE + log2);
    vmm_ctx_t c;
    contig_live_t live;
    vmm_load(&c, &st, &live, &heap);
    contig_ops_t ops = {with_frames ? alloc_alloc : reserve_alloc,
                        with_frames ? alloc_free : reserve_free, &c};
    contig_result_t r = contig_run(&ops, &live, st.max_run, SEED_OPS, iters, 0);
    printf("ops %llu\n", (unsigned long long)r.ops);
    /* the run's CPU time, for timing the fixed workload outside valgrind */
    printf("contig_run %.1f ns/op\n", (double)r.ns / (double)r.ops);
    if (huge) {
        char pages[160];
        bench_arena_note(bench_huge_arena(), pages, sizeof pages);
        printf("arena: %s\n", pages);
    }
    vmm_unload(&c, &live);
    contig_live_free(&live);
    contig_state_free(&st);
    return true;
}
