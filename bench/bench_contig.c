/*
 * bench_contig.c - contiguous allocation on the bitmap alone: the core's
 * bitmap_find_set + bitmap_clear_range (first fit from 0, and next fit with
 * a moving hint) against Pluto's setContiguous + clearEntry loop.
 *
 * Cross-checks: core first fit and Pluto's port are both "lowest run from
 * entry 0", so from the same state and request sequence they must end in
 * identical words; any difference is a failure (exit 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "contig.h"
#include "core/bitmap.h"
#include "pluto_bitmap.h"
#include "summary_bitmap.h"

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

/* The summary-level prototype (summary_bitmap.h): first fit. */
static bool sb_alloc(void *ctx, size_t n, size_t *first)
{
    return sb_find_set(ctx, n, first);
}

static void sb_free(void *ctx, size_t first, size_t n)
{
    sb_clear(ctx, first, n);
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

/* Runs the core (alloc = first or next fit) on a fresh copy of st:
 * CORE_REPS repetitions of the same iterations; returns the best ns/op.
 * Smoke mode: SMOKE_ITERS iterations, one repetition. */
static double measure_core(const contig_state_t *st, bool next_fit,
                           uint64_t *storage, bool smoke)
{
    core_ctx_t c;
    contig_ops_t ops = {next_fit ? core_alloc_next : core_alloc_first,
                        core_free, &c};
    uint64_t iters = smoke ? SMOKE_ITERS : CORE_MAX_ITERS;
    uint64_t budget = smoke ? 0 : CORE_BUDGET_NS;
    double best = 0;
    for (int rep = 0; rep < (smoke ? 1 : CORE_REPS); rep++) {
        contig_live_t live;
        contig_live_copy(&live, &st->live);
        core_load(&c, storage, st);
        contig_result_t r = contig_run(&ops, &live, st->max_run, SEED_OPS, iters, budget);
        iters = r.ops / 2u; /* later repetitions: same work, no budget */
        budget = 0;
        double per_op = (double)r.ns / (double)r.ops;
        if (rep == 0 || per_op < best)
            best = per_op;
        if (c.bm.num_free != count_free(storage, st->num_entries))
            bench_fail("core num_free %zu != recount", c.bm.num_free);
        contig_live_free(&live);
    }
    return best;
}

/* Runs Pluto's port on st within budget_ns; returns ns/op and leaves its
 * final words in storage, its iteration count in *iters. */
static double measure_pluto(const contig_state_t *st, uint64_t *storage,
                            uint64_t budget_ns, uint64_t max_iters,
                            uint64_t *iters)
{
    pluto_bitmap_t pb;
    memcpy(storage, st->words, BITMAP_WORDS(st->num_entries) * sizeof *storage);
    pluto_bitmap_attach(&pb, storage, st->num_entries, st->num_free);
    contig_ops_t ops = {pluto_alloc, pluto_free, &pb};
    contig_live_t live;
    contig_live_copy(&live, &st->live);
    contig_result_t r = contig_run(&ops, &live, st->max_run, SEED_OPS, max_iters, budget_ns);
    contig_live_free(&live);
    *iters = (r.ops + 1u) / 2u;
    if (pb.num_free_entries != count_free(storage, st->num_entries))
        bench_fail("pluto num_free %zu != recount", pb.num_free_entries);
    return (double)r.ns / (double)r.ops;
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

/* Runs the summary-level prototype on a copy of st (as measure_core);
 * returns the best ns/op, and checks it against core first fit, which must
 * place every run identically. */
static double measure_summary(const contig_state_t *st, uint64_t *storage,
                              uint64_t *scratch, bool smoke)
{
    uint64_t iters = smoke ? SMOKE_ITERS : CORE_MAX_ITERS;
    uint64_t budget = smoke ? 0 : CORE_BUDGET_NS;
    size_t bytes = BITMAP_WORDS(st->num_entries) * sizeof *storage;
    double best = 0;
    for (int rep = 0; rep < (smoke ? 1 : CORE_REPS); rep++) {
        summary_bitmap_t sb;
        memcpy(storage, st->words, bytes);
        if (!sb_init(&sb, storage, st->num_entries)) {
            bench_fail("summary bitmap: init failed");
            return 0;
        }
        contig_ops_t ops = {sb_alloc, sb_free, &sb};
        contig_live_t live;
        contig_live_copy(&live, &st->live);
        contig_result_t r = contig_run(&ops, &live, st->max_run, SEED_OPS, iters, budget);
        contig_live_free(&live);
        sb_destroy(&sb);
        iters = r.ops / 2u;
        budget = 0;
        double per_op = (double)r.ns / (double)r.ops;
        if (rep == 0 || per_op < best)
            best = per_op;
    }
    /* same placements as core first fit after the same iterations */
    uint64_t check_iters = iters < FINE_ITERS ? iters : FINE_ITERS;
    summary_bitmap_t sb;
    memcpy(storage, st->words, bytes);
    if (sb_init(&sb, storage, st->num_entries)) {
        contig_ops_t ops = {sb_alloc, sb_free, &sb};
        contig_live_t live;
        contig_live_copy(&live, &st->live);
        contig_run(&ops, &live, st->max_run, SEED_OPS, check_iters, 0);
        contig_live_free(&live);
        sb_destroy(&sb);
        check_same_as(st, check_iters, storage, scratch, "summary prototype");
    }
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

/* Pluto's ns/op per window size, 0 until measured. */
static double pluto_cache[64];

/* Measures Pluto on a window of 2^log2 pages once; see bench.h. */
double bench_pluto_ns(unsigned log2, bool smoke)
{
    if (pluto_cache[log2] == 0) {
        contig_state_t st;
        size_t n = (size_t)1 << log2;
        contig_state_build(&st, n, CONTIG_MAX_RUN, SEED_STATE + log2);
        uint64_t *b = malloc(BITMAP_WORDS(n) * sizeof *b);
        if (!b) {
            fprintf(stderr, "bench: out of host memory\n");
            exit(2);
        }
        uint64_t iters;
        pluto_cache[log2] = measure_pluto(&st, b, smoke ? 0 : pluto_budget_ns(log2),
                                          smoke ? SMOKE_ITERS : CORE_MAX_ITERS, &iters);
        free(b);
        contig_state_free(&st);
    }
    return pluto_cache[log2];
}

/* Measures and prints the figures of one window size; returns core first-
 * fit, next-fit, Pluto and summary-prototype ns/op through out[0..3]. */
static void bench_size(unsigned log2, bool smoke, double out[4])
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
    double summary = measure_summary(&st, a, b, smoke);

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
    snprintf(fig, sizeof fig, "PROTOTYPE summary-level bitmap (bench/), first fit, 2^%u pages", log2);
    bench_row(fig, bench_fmt_ns(v, sizeof v, summary), base, pluto / summary,
              log2 >= 24 ? "proposal, not core; goal >= 1000x" : "proposal, not core");
    out[0] = first;
    out[1] = next;
    out[2] = pluto;
    out[3] = summary;
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
    (void)measure_summary(&st, b, a, true);
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
    bench_row(fig, v, base, 0, "goal <= 2x");
}

void bench_contig(const bench_opts_t *opts)
{
    static const unsigned full[] = {16, 20, 24};
    static const unsigned smoke[] = {12, 14};
    const unsigned *sizes = opts->smoke ? smoke : full;
    size_t count = opts->smoke ? 2 : 3;
    double res[3][4];
    fine_cross_check(12);
    unsigned done = 0;
    for (size_t k = 0; k < count && sizes[k] <= opts->max_log2; k++, done++)
        bench_size(sizes[k], opts->smoke, res[k]);
    if (done >= 2) {
        growth_row("bitmap first fit", sizes[0], sizes[done - 1], res[0][0],
                   res[done - 1][0], res[0][2], res[done - 1][2]);
        growth_row("bitmap next fit", sizes[0], sizes[done - 1], res[0][1],
                   res[done - 1][1], res[0][2], res[done - 1][2]);
        growth_row("PROTOTYPE summary-level first fit", sizes[0], sizes[done - 1],
                   res[0][3], res[done - 1][3], res[0][2], res[done - 1][2]);
    }
}

/* See bench.h: one allocator, iters iterations, no clock. */
bool bench_icount_bitmap(const char *what, unsigned log2, uint64_t iters)
{
    bool first = strcmp(what, "first") == 0, next = strcmp(what, "next") == 0;
    bool pluto = strcmp(what, "pluto") == 0, summary = strcmp(what, "summary") == 0;
    if (!first && !next && !pluto && !summary)
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
    summary_bitmap_t sb = {0};
    contig_ops_t ops;
    if (summary) {
        memcpy(words, st.words, BITMAP_WORDS(n) * sizeof *words);
        if (!sb_init(&sb, words, n)) {
            fprintf(stderr, "bench: summary bitmap init failed\n");
            exit(2);
        }
        ops = (contig_ops_t){sb_alloc, sb_free, &sb};
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
    if (summary)
        sb_destroy(&sb);
    free(words);
    contig_state_free(&st);
    return true;
}
