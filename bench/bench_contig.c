/*
 * bench_contig.c - contiguous allocation on the bitmap alone: the core's
 * bitmap_find_set + bitmap_clear_range (first fit from 0, and next fit with
 * a moving hint) against Pluto's setContiguous + clearEntry loop.
 *
 * The same workload on the hierarchical bitmap (core/hbitmap.h), first and
 * next fit, also in a 2^35-page window whose start holds the 2^24-page
 * state; and its memory after a first-fit workload on 2^35 pages.
 *
 * Cross-checks: core first fit, the hierarchical bitmap's first fit and
 * Pluto's port are all "lowest run from entry 0", so from the same state
 * and request sequence they must end in identical words; any difference is
 * a failure (exit 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "contig.h"
#include "core/bitmap.h"
#include "huge_arena.h"
#include "pluto_bitmap.h"
#include "core/hbitmap.h"

#define SEED_STATE 0x5EEDu
#define SEED_OPS 0xC0FFEEu
#define CORE_REPS 3
#define CORE_BUDGET_NS 250000000ull   /* per repetition */
#define CORE_MAX_ITERS 200000ull
#define SMOKE_ITERS 1000ull
#define FINE_MAX_RUN 8u        /* fine-grained cross-check: many 1-entry runs */
#define FINE_ITERS 3000ull

/* The core bitmap with a next-fit hint (unused for first fit). */
typedef struct core_ctx {
    bitmap_t bm;
    size_t hint;
} core_ctx_t;

/* First fit: lowest run from entry 0. */
static bool core_alloc_first(void *ctx, size_t n, size_t *first)
{
    core_ctx_t *c = ctx;
    return bitmap_find_set(&c->bm, n, 1, 0, first) == VMM_OK;
}

/* Next fit: from the end of the previous allocation, wrapping once. */
static bool core_alloc_next(void *ctx, size_t n, size_t *first)
{
    core_ctx_t *c = ctx;
    if (bitmap_find_set(&c->bm, n, 1, c->hint, first) != VMM_OK &&
        (c->hint == 0 || bitmap_find_set(&c->bm, n, 1, 0, first) != VMM_OK))
        return false;
    c->hint = *first + n;
    return true;
}

/* Frees a run; a failure here is a broken benchmark. */
static void core_free(void *ctx, size_t first, size_t n)
{
    core_ctx_t *c = ctx;
    if (bitmap_clear_range(&c->bm, first, n) != VMM_OK)
        bench_fail("bitmap_clear_range(%zu, %zu) failed", first, n);
}

/* Pluto's VMM alloc path: setContiguous. */
static bool pluto_alloc(void *ctx, size_t n, size_t *first)
{
    return pluto_set_contiguous(ctx, n, first);
}

/* Pluto's VMM free path: clearEntry for every entry of the run. */
static void pluto_free(void *ctx, size_t first, size_t n)
{
    for (size_t i = first; i < first + n; i++)
        if (!pluto_clear_entry(ctx, i))
            bench_fail("pluto clearEntry(%zu) out of bounds", i);
}

/* The hierarchical bitmap with a next-fit hint (unused for first fit). */
typedef struct hb_ctx {
    hbitmap_t hb;
    size_t hint;
} hb_ctx_t;

/* First fit: lowest run from entry 0. */
static bool hb_alloc_first(void *ctx, size_t n, size_t *first)
{
    hb_ctx_t *c = ctx;
    return hbitmap_find_set(&c->hb, n, 1, 0, first) == VMM_OK;
}

/* Next fit: from the end of the previous allocation, wrapping once. */
static bool hb_alloc_next(void *ctx, size_t n, size_t *first)
{
    hb_ctx_t *c = ctx;
    if (hbitmap_find_set(&c->hb, n, 1, c->hint, first) != VMM_OK &&
        (c->hint == 0 || hbitmap_find_set(&c->hb, n, 1, 0, first) != VMM_OK))
        return false;
    c->hint = *first + n;
    return true;
}

static void hb_free(void *ctx, size_t first, size_t n)
{
    hb_ctx_t *c = ctx;
    if (hbitmap_clear_range(&c->hb, first, n) != VMM_OK)
        bench_fail("hbitmap_clear_range(%zu, %zu) failed", first, n);
}

/* Loads state st into c->hb over a window of window >= st->num_entries
 * entries (the state at its start, the rest free). */
static void hb_load(hb_ctx_t *c, const contig_state_t *st, size_t window)
{
    vmm_allocator_t heap = bench_heap_allocator();
    if (hbitmap_init(&c->hb, window, &heap) != VMM_OK)
        bench_fail("hbitmap_init(%zu) failed", window);
    for (size_t k = 0; k < st->live.count; k++)
        if (hbitmap_set_range(&c->hb, st->live.runs[k].first, st->live.runs[k].n) != VMM_OK)
            bench_fail("hbitmap_set_range failed");
    if (hbitmap_num_free(&c->hb) != window - (st->num_entries - st->num_free))
        bench_fail("hbitmap load: %zu free", hbitmap_num_free(&c->hb));
    c->hint = 0;
}

/* Reads entries [0, n) of hb into words (the flat layout). */
static void hb_words(const hbitmap_t *hb, uint64_t *words, size_t n)
{
    for (size_t w = 0; w < BITMAP_WORDS(n); w++) {
        size_t first = w * 64u, cnt = n - first < 64u ? n - first : 64u;
        uint64_t word = 0;
        if (hbitmap_range_set(hb, first, cnt)) {
            word = cnt == 64u ? ~(uint64_t)0 : ((uint64_t)1 << cnt) - 1u;
        } else if (!hbitmap_range_clear(hb, first, cnt)) {
            for (size_t k = 0; k < cnt; k++) {
                bool b = false;
                (void)hbitmap_test(hb, first + k, &b);
                word |= (uint64_t)b << k;
            }
        }
        words[w] = word;
    }
}

/* Loads state st into a core bitmap over storage (a private copy). */
static void core_load(core_ctx_t *c, uint64_t *storage, const contig_state_t *st)
{
    size_t words = BITMAP_WORDS(st->num_entries);
    if (bitmap_init(&c->bm, storage, words, st->num_entries) != VMM_OK)
        bench_fail("bitmap_init(%zu) failed", st->num_entries);
    memcpy(storage, st->words, words * sizeof *storage);
    c->bm.num_free = st->num_free;
    c->hint = 0;
}

/* Returns the number of clear entries of words (n entries). */
static size_t count_free(const uint64_t *words, size_t n)
{
    size_t used = 0;
    for (size_t w = 0; w < BITMAP_WORDS(n); w++)
        used += (size_t)__builtin_popcountll(words[w]);
    return n - used;
}

/* One repetition of the core or of Pluto's port on a fresh copy of st. */
typedef struct flat_rep {
    const contig_state_t *st;
    uint64_t *storage;     /* the bitmap's words                     */
    contig_ops_t ops;      /* ctx: the core_ctx_t or pluto_bitmap_t  */
} flat_rep_t;

/* contig_rep_fn of the core: loads st into storage, runs, checks the count. */
static contig_result_t core_rep(void *ctx, uint64_t max_iters, uint64_t budget_ns)
{
    flat_rep_t *f = ctx;
    core_ctx_t *c = f->ops.ctx;
    contig_live_t live;
    contig_live_copy(&live, &f->st->live);
    core_load(c, f->storage, f->st);
    contig_result_t r = contig_run(&f->ops, &live, f->st->max_run, SEED_OPS, max_iters, budget_ns);
    if (c->bm.num_free != count_free(f->storage, f->st->num_entries))
        bench_fail("core num_free %zu != recount", c->bm.num_free);
    contig_live_free(&live);
    return r;
}

/* Runs the core (alloc = first or next fit) on a fresh copy of st:
 * CORE_REPS repetitions of the same iterations; returns the best ns/op.
 * Smoke mode: SMOKE_ITERS iterations, one repetition. */
static double measure_core(const contig_state_t *st, bool next_fit,
                           uint64_t *storage, bool smoke)
{
    core_ctx_t c;
    flat_rep_t f = {st, storage, {next_fit ? core_alloc_next : core_alloc_first, core_free, &c}};
    return contig_best(core_rep, &f, smoke ? 1 : CORE_REPS, smoke ? SMOKE_ITERS : CORE_MAX_ITERS,
                       smoke ? 0 : CORE_BUDGET_NS, NULL);
}

/* contig_rep_fn of Pluto's port: copies st's words into storage, runs,
 * checks the count. */
static contig_result_t pluto_rep(void *ctx, uint64_t max_iters, uint64_t budget_ns)
{
    flat_rep_t *f = ctx;
    pluto_bitmap_t *pb = f->ops.ctx;
    memcpy(f->storage, f->st->words, BITMAP_WORDS(f->st->num_entries) * sizeof *f->storage);
    pluto_bitmap_attach(pb, f->storage, f->st->num_entries, f->st->num_free);
    contig_live_t live;
    contig_live_copy(&live, &f->st->live);
    contig_result_t r = contig_run(&f->ops, &live, f->st->max_run, SEED_OPS, max_iters, budget_ns);
    contig_live_free(&live);
    if (pb->num_free_entries != count_free(f->storage, f->st->num_entries))
        bench_fail("pluto num_free %zu != recount", pb->num_free_entries);
    return r;
}

/* Runs Pluto's port on st: CORE_REPS repetitions of the same iterations (the
 * first within budget_ns, or max_iters when budget_ns is 0, as smoke runs
 * do once); returns the best ns/op, as the measured rows do. Leaves its final
 * words in storage and its iteration count in *iters. */
static double measure_pluto(const contig_state_t *st, uint64_t *storage,
                            uint64_t budget_ns, uint64_t max_iters,
                            uint64_t *iters)
{
    pluto_bitmap_t pb;
    flat_rep_t f = {st, storage, {pluto_alloc, pluto_free, &pb}};
    return contig_best(pluto_rep, &f, budget_ns ? CORE_REPS : 1, max_iters, budget_ns, iters);
}

/* Replays iters iterations with core first fit and compares the final words
 * with Pluto's (pluto_words): both are "lowest run from 0". */
static void check_same_as(const contig_state_t *st, uint64_t iters,
                          const uint64_t *other_words, uint64_t *storage,
                          const char *other)
{
    core_ctx_t c;
    contig_ops_t ops = {core_alloc_first, core_free, &c};
    contig_live_t live;
    contig_live_copy(&live, &st->live);
    core_load(&c, storage, st);
    contig_run(&ops, &live, st->max_run, SEED_OPS, iters, 0);
    contig_live_free(&live);
    if (memcmp(storage, other_words,
               BITMAP_WORDS(st->num_entries) * sizeof *storage) != 0)
        bench_fail("core first fit and %s differ after %llu iterations "
                   "on %zu entries", other, (unsigned long long)iters,
                   st->num_entries);
}

/* One repetition of the hierarchical bitmap on st in a window. */
typedef struct hb_rep {
    const contig_state_t *st;
    size_t window;
    hb_ctx_t *c;
    contig_ops_t ops;
} hb_rep_t;

/* contig_rep_fn of the hierarchical bitmap: loads, runs, checks the
 * structure, destroys. */
static contig_result_t hb_rep(void *ctx, uint64_t max_iters, uint64_t budget_ns)
{
    hb_rep_t *h = ctx;
    contig_live_t live;
    contig_live_copy(&live, &h->st->live);
    hb_load(h->c, h->st, h->window);
    contig_result_t r = contig_run(&h->ops, &live, h->st->max_run, SEED_OPS, max_iters, budget_ns);
    contig_live_free(&live);
    if (!hbitmap_check(&h->c->hb))
        bench_fail("hbitmap structure broken after the workload");
    hbitmap_destroy(&h->c->hb);
    return r;
}

/* Runs the hierarchical bitmap (first or next fit) on st loaded into a
 * window of window entries (as measure_core); returns the best ns/op. First
 * fit is then checked against core first fit: same placements. */
static double measure_hb(const contig_state_t *st, size_t window, bool next_fit,
                         uint64_t *storage, uint64_t *scratch, bool smoke)
{
    static hb_ctx_t c;
    contig_ops_t ops = {next_fit ? hb_alloc_next : hb_alloc_first, hb_free, &c};
    hb_rep_t h = {st, window, &c, ops};
    uint64_t iters;
    double best = contig_best(hb_rep, &h, smoke ? 1 : CORE_REPS,
                              smoke ? SMOKE_ITERS : CORE_MAX_ITERS,
                              smoke ? 0 : CORE_BUDGET_NS, &iters);
    if (next_fit)
        return best;
    /* same placements as core first fit after the same iterations */
    uint64_t check_iters = iters < FINE_ITERS ? iters : FINE_ITERS;
    contig_live_t live;
    contig_live_copy(&live, &st->live);
    hb_load(&c, st, window);
    contig_run(&ops, &live, st->max_run, SEED_OPS, check_iters, 0);
    contig_live_free(&live);
    if (window == st->num_entries) {
        hb_words(&c.hb, storage, st->num_entries);
        check_same_as(st, check_iters, storage, scratch, "hbitmap first fit");
    } else if (!hbitmap_range_clear(&c.hb, st->num_entries, window - st->num_entries)) {
        bench_fail("hbitmap first fit left the 2^24-entry state in a 2^35 window");
    }
    hbitmap_destroy(&c.hb);
    return best;
}

/* On the unchanged state, single requests (including one that cannot fit)
 * must give the same answer from both. */
static void check_single_requests(const contig_state_t *st, uint64_t *a,
                                  uint64_t *b)
{
    static const size_t sizes[] = {1, 7, 64, 200, CONTIG_MAX_RUN,
                                   CONTIG_MAX_RUN * 4u};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        core_ctx_t c;
        pluto_bitmap_t pb;
        core_load(&c, a, st);
        memcpy(b, st->words, BITMAP_WORDS(st->num_entries) * sizeof *b);
        pluto_bitmap_attach(&pb, b, st->num_entries, st->num_free);
        size_t fc = SIZE_MAX, fp = SIZE_MAX;
        bool okc = bitmap_find_set(&c.bm, sizes[k], 1, 0, &fc) == VMM_OK;
        bool okp = pluto_set_contiguous(&pb, sizes[k], &fp);
        if (okc != okp || (okc && fc != fp) ||
            memcmp(a, b, BITMAP_WORDS(st->num_entries) * sizeof *a) != 0)
            bench_fail("request of %zu on %zu entries: core %d@%zu, pluto %d@%zu",
                       sizes[k], st->num_entries, okc, fc, okp, fp);
    }
}

/* Returns the baseline's time budget for a window of 2^log2 entries. */
static uint64_t pluto_budget_ns(unsigned log2)
{
    return log2 >= 24 ? 2500000000ull : log2 >= 20 ? 1000000000ull : 300000000ull;
}

/* Measures Pluto on a window of 2^log2 pages with its words at b. */
static double pluto_measure_at(unsigned log2, bool smoke, uint64_t *b)
{
    contig_state_t st;
    contig_state_build(&st, (size_t)1 << log2, CONTIG_MAX_RUN, SEED_STATE + log2);
    uint64_t iters;
    double ns = measure_pluto(&st, b, smoke ? 0 : pluto_budget_ns(log2),
                              smoke ? SMOKE_ITERS : CORE_MAX_ITERS, &iters);
    contig_state_free(&st);
    return ns;
}

/* Pluto's ns/op per window size, 0 until measured. */
static double pluto_cache[64];

/* Measures Pluto on a window of 2^log2 pages once; see bench.h. */
double bench_pluto_ns(unsigned log2, bool smoke)
{
    if (pluto_cache[log2] == 0) {
        uint64_t *b = malloc(BITMAP_WORDS((size_t)1 << log2) * sizeof *b);
        if (!b) {
            fprintf(stderr, "bench: out of host memory\n");
            exit(2);
        }
        pluto_cache[log2] = pluto_measure_at(log2, smoke, b);
        free(b);
    }
    return pluto_cache[log2];
}

/* Pluto's ns/op per window size with its bitmap in the huge-page arena, 0
 * until measured. */
static double pluto_huge_cache[64];

/* Measures Pluto once with its words in the huge-page arena; see bench.h. */
double bench_pluto_huge_ns(unsigned log2, bool smoke)
{
    bench_arena_t *a = bench_huge_arena();
    if (a == NULL)
        return 0;
    if (pluto_huge_cache[log2] == 0) {
        size_t bytes = BITMAP_WORDS((size_t)1 << log2) * sizeof(uint64_t);
        uint64_t *b = bench_arena_alloc(a, bytes, _Alignof(uint64_t));
        if (!b) {
            fprintf(stderr, "bench: huge-page arena full\n");
            exit(2);
        }
        pluto_huge_cache[log2] = pluto_measure_at(log2, smoke, b);
        bench_arena_free(a, b, bytes);
    }
    return pluto_huge_cache[log2];
}

/* Measures and prints the figures of one window size; returns core first-
 * fit, next-fit, Pluto, hbitmap first-fit and next-fit ns/op through
 * out[0..4], and hbitmap first fit in a 2^35 window (2^24 only) in out[5]. */
static void bench_size(unsigned log2, bool smoke, double out[6])
{
    contig_state_t st;
    size_t n = (size_t)1 << log2;
    contig_state_build(&st, n, CONTIG_MAX_RUN, SEED_STATE + log2);
    uint64_t *a = malloc(BITMAP_WORDS(n) * sizeof *a);
    uint64_t *b = malloc(BITMAP_WORDS(n) * sizeof *b);
    if (!a || !b) {
        fprintf(stderr, "bench: out of host memory\n");
        exit(2);
    }
    check_single_requests(&st, a, b);
    uint64_t iters;
    double pluto = measure_pluto(&st, b, smoke ? 0 : pluto_budget_ns(log2),
                                 smoke ? SMOKE_ITERS : CORE_MAX_ITERS, &iters);
    pluto_cache[log2] = pluto;
    check_same_as(&st, iters, b, a, "Pluto");
    double first = measure_core(&st, false, a, smoke);
    double next = measure_core(&st, true, a, smoke);
    double hfirst = measure_hb(&st, n, false, b, a, smoke);
    double hnext = measure_hb(&st, n, true, b, a, smoke);
    double hbig = log2 == 24 ? measure_hb(&st, (size_t)1 << 35, false, b, a, smoke) : 0;

    char fig[128], v[48], base[96], pv[32];
    bench_fmt_ns(pv, sizeof pv, pluto);
    snprintf(base, sizeof base, "Pluto setContiguous %s (%llu allocs)", pv,
             (unsigned long long)iters);
    snprintf(fig, sizeof fig, "bitmap alloc+free, first fit, 2^%u pages", log2);
    bench_row(fig, bench_fmt_ns(v, sizeof v, first), base, pluto / first,
              log2 >= 24 ? "goal >= 1000x" : "");
    snprintf(fig, sizeof fig, "bitmap alloc+free, next fit, 2^%u pages", log2);
    bench_row(fig, bench_fmt_ns(v, sizeof v, next), base, pluto / next,
              log2 >= 24 ? "goal >= 1000x" : "");
    snprintf(fig, sizeof fig, "hbitmap alloc+free, first fit, 2^%u pages", log2);
    bench_row(fig, bench_fmt_ns(v, sizeof v, hfirst), base, pluto / hfirst,
              log2 >= 24 ? "core/hbitmap.c; goal >= 1000x" : "core/hbitmap.c");
    snprintf(fig, sizeof fig, "hbitmap alloc+free, next fit, 2^%u pages", log2);
    bench_row(fig, bench_fmt_ns(v, sizeof v, hnext), base, pluto / hnext, "core/hbitmap.c");
    if (hbig > 0) {
        bench_row("hbitmap alloc+free, first fit, 2^35-page window (the 2^24 state at its start)",
                  bench_fmt_ns(v, sizeof v, hbig), base, pluto / hbig, "height 4 instead of 2");
    }
    out[0] = first;
    out[1] = next;
    out[2] = pluto;
    out[3] = hfirst;
    out[4] = hnext;
    out[5] = hbig;
    free(a);
    free(b);
    contig_state_free(&st);
}

/* Cross-check only (no row): core first fit against Pluto on a finely
 * fragmented window (runs of 1..FINE_MAX_RUN), where every corner of the
 * search (blockers at each bit position, 1-entry holes) is hit. */
static void fine_cross_check(unsigned log2)
{
    contig_state_t st;
    size_t n = (size_t)1 << log2;
    contig_state_build(&st, n, FINE_MAX_RUN, SEED_STATE);
    uint64_t *a = malloc(BITMAP_WORDS(n) * sizeof *a);
    uint64_t *b = malloc(BITMAP_WORDS(n) * sizeof *b);
    if (!a || !b) {
        fprintf(stderr, "bench: out of host memory\n");
        exit(2);
    }
    check_single_requests(&st, a, b);
    uint64_t iters;
    (void)measure_pluto(&st, b, 0, FINE_ITERS, &iters);
    check_same_as(&st, iters, b, a, "Pluto");
    static hb_ctx_t c;
    contig_ops_t ops = {hb_alloc_first, hb_free, &c};
    contig_live_t live;
    contig_live_copy(&live, &st.live);
    hb_load(&c, &st, n);
    contig_run(&ops, &live, st.max_run, SEED_OPS, FINE_ITERS, 0);
    contig_live_free(&live);
    hb_words(&c.hb, a, n);
    hbitmap_destroy(&c.hb);
    check_same_as(&st, FINE_ITERS, a, b, "hbitmap first fit (fine)");
    free(a);
    free(b);
    contig_state_free(&st);
}

/* Prints how a per-op cost grows from the smallest to the largest window. */
static void growth_row(const char *what, unsigned lo, unsigned hi, double core_lo,
                       double core_hi, double pluto_lo, double pluto_hi)
{
    char fig[128], v[48], base[64];
    snprintf(fig, sizeof fig, "%s per-op growth 2^%u -> 2^%u", what, lo, hi);
    snprintf(v, sizeof v, "%.2fx", core_hi / core_lo);
    snprintf(base, sizeof base, "Pluto %.0fx", pluto_hi / pluto_lo);
    bench_row(fig, v, base, 0, hi > 24 ? "goal <= 3x" : "goal <= 2x");
}

/* Tracking memory: a 2^35-page window after 10^5 first-fit allocations of
 * 1-64 pages and 5 * 10^4 random frees, against a flat bitmap over the
 * span actually used ([0, highest used page]). */
static void memory_row(bool smoke)
{
    static hb_ctx_t c;
    size_t allocs = smoke ? 2000u : 100000u, frees = allocs / 2u;
    vmm_allocator_t heap = bench_heap_allocator();
    if (hbitmap_init(&c.hb, (size_t)1 << 35, &heap) != VMM_OK) {
        bench_fail("hbitmap_init(2^35) failed");
        return;
    }
    contig_run_t *runs = malloc(allocs * sizeof *runs);
    if (!runs) {
        fprintf(stderr, "bench: out of host memory\n");
        exit(2);
    }
    bench_rng_t rng;
    bench_rng_seed(&rng, SEED_OPS);
    size_t top = 0;
    for (size_t k = 0; k < allocs; k++) {
        runs[k].n = (size_t)bench_rng_range(&rng, 1, 64);
        if (hbitmap_find_set(&c.hb, runs[k].n, 1, 0, &runs[k].first) != VMM_OK)
            bench_fail("first fit of %zu pages failed", runs[k].n);
        if (runs[k].first + runs[k].n > top)
            top = runs[k].first + runs[k].n;
    }
    for (size_t k = 0, live = allocs; k < frees; k++, live--) {
        size_t i = (size_t)bench_rng_range(&rng, 0, live - 1u);
        if (hbitmap_clear_range(&c.hb, runs[i].first, runs[i].n) != VMM_OK)
            bench_fail("hbitmap_clear_range failed");
        runs[i] = runs[live - 1u];
    }
    if (!hbitmap_check(&c.hb))
        bench_fail("hbitmap structure broken after the memory workload");
    size_t bytes = hbitmap_bytes(&c.hb) + sizeof c.hb, flat = BITMAP_WORDS(top) * 8u;
    char fig[128], v[48], base[96], note[128];
    snprintf(fig, sizeof fig, "hbitmap tracking memory, 2^35 pages, %zu first-fit allocs of 1-64 "
             "pages, %zu random frees", allocs, frees);
    snprintf(v, sizeof v, "%zu bytes", bytes);
    snprintf(base, sizeof base, "flat bitmap over the %zu pages used: %zu bytes", top, flat);
    snprintf(note, sizeof note, "ratio = bytes / flat (lower is better); %zu nodes, %zu leaves; goal <= 2x",
             c.hb.nodes, c.hb.leaves);
    bench_row(fig, v, base, (double)bytes / (double)flat, note);
    hbitmap_destroy(&c.hb);
    free(runs);
}

void bench_contig(const bench_opts_t *opts)
{
    static const unsigned full[] = {16, 20, 24};
    static const unsigned smoke[] = {12, 14};
    const unsigned *sizes = opts->smoke ? smoke : full;
    size_t count = opts->smoke ? 2 : 3;
    double res[3][6];
    fine_cross_check(12);
    unsigned done = 0;
    for (size_t k = 0; k < count && sizes[k] <= opts->max_log2; k++, done++)
        bench_size(sizes[k], opts->smoke, res[k]);
    if (done >= 2) {
        growth_row("bitmap first fit", sizes[0], sizes[done - 1], res[0][0],
                   res[done - 1][0], res[0][2], res[done - 1][2]);
        growth_row("bitmap next fit", sizes[0], sizes[done - 1], res[0][1],
                   res[done - 1][1], res[0][2], res[done - 1][2]);
        growth_row("hbitmap first fit", sizes[0], sizes[done - 1],
                   res[0][3], res[done - 1][3], res[0][2], res[done - 1][2]);
        growth_row("hbitmap next fit", sizes[0], sizes[done - 1],
                   res[0][4], res[done - 1][4], res[0][2], res[done - 1][2]);
        if (res[done - 1][5] > 0)
            growth_row("hbitmap first fit", sizes[0], 35, res[0][3], res[done - 1][5],
                       res[0][2], res[done - 1][2]);
    }
    memory_row(opts->smoke);
}

/* See bench.h: one allocator, iters iterations, no clock. */
bool bench_icount_bitmap(const char *what, unsigned log2, uint64_t iters)
{
    bool first = strcmp(what, "first") == 0, next = strcmp(what, "next") == 0;
    bool pluto = strcmp(what, "pluto") == 0, hier = strcmp(what, "hbitmap") == 0;
    if (!first && !next && !pluto && !hier)
        return false;
    contig_state_t st;
    size_t n = (size_t)1 << log2;
    contig_state_build(&st, n, CONTIG_MAX_RUN, SEED_STATE + log2);
    uint64_t *words = malloc(BITMAP_WORDS(n) * sizeof *words);
    if (!words) {
        fprintf(stderr, "bench: out of host memory\n");
        exit(2);
    }
    core_ctx_t c;
    pluto_bitmap_t pb;
    static hb_ctx_t hc;
    contig_ops_t ops;
    if (hier) {
        hb_load(&hc, &st, n);
        ops = (contig_ops_t){hb_alloc_first, hb_free, &hc};
    } else if (pluto) {
        memcpy(words, st.words, BITMAP_WORDS(n) * sizeof *words);
        pluto_bitmap_attach(&pb, words, n, st.num_free);
        ops = (contig_ops_t){pluto_alloc, pluto_free, &pb};
    } else {
        core_load(&c, words, &st);
        ops = (contig_ops_t){first ? core_alloc_first : core_alloc_next, core_free, &c};
    }
    contig_live_t live;
    contig_live_copy(&live, &st.live);
    contig_result_t r = contig_run(&ops, &live, st.max_run, SEED_OPS, iters, 0);
    printf("ops %llu\n", (unsigned long long)r.ops);
    contig_live_free(&live);
    if (hier)
        hbitmap_destroy(&hc.hb);
    free(words);
    contig_state_free(&st);
    return true;
}
