/* contig.c - the fragmented-window workload (see contig.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contig.h"
#include "core/bitmap.h"

/* How often (iterations) contig_run looks at the clock. */
#define CLOCK_EVERY 16u

/* Returns p, or exits the benchmark when an allocation failed. */
static void *need(void *p)
{
    if (!p) {
        fprintf(stderr, "bench: out of host memory\n");
        exit(2);
    }
    return p;
}

/* Appends run to live, growing it. */
static void live_push(contig_live_t *live, contig_run_t run)
{
    if (live->count == live->cap) {
        live->cap = live->cap ? live->cap * 2 : 64;
        live->runs = need(realloc(live->runs, live->cap * sizeof *live->runs));
    }
    live->runs[live->count++] = run;
}

/* Removes and returns the run at index i (the last one takes its place). */
static contig_run_t live_take(contig_live_t *live, size_t i)
{
    contig_run_t run = live->runs[i];
    live->runs[i] = live->runs[--live->count];
    return run;
}

/* Sets bits [first, first + n) of words (n >= 1). */
static void set_bits(uint64_t *words, size_t first, size_t n)
{
    for (size_t i = first; i < first + n; i++)
        words[i / BITMAP_WORD_BITS] |= (uint64_t)1 << (i % BITMAP_WORD_BITS);
}

/* Builds back-to-back runs over the window, then frees every other one. */
void contig_state_build(contig_state_t *st, size_t n, size_t max_run,
                        uint64_t seed)
{
    bench_rng_t rng;
    bench_rng_seed(&rng, seed);
    memset(st, 0, sizeof *st);
    st->num_entries = n;
    st->max_run = max_run;
    st->words = need(calloc(BITMAP_WORDS(n), sizeof *st->words));
    st->num_free = n;
    bool keep = true;
    for (size_t p = 0; p < n;) {
        size_t len = (size_t)bench_rng_range(&rng, 1, max_run);
        if (len > n - p)
            len = n - p;
        if (keep) {
            set_bits(st->words, p, len);
            st->num_free -= len;
            live_push(&st->live, (contig_run_t){p, len});
        }
        keep = !keep;
        p += len;
    }
}

/* Releases the state's memory. */
void contig_state_free(contig_state_t *st)
{
    free(st->words);
    contig_live_free(&st->live);
}

/* Copies a live list. */
void contig_live_copy(contig_live_t *dst, const contig_live_t *src)
{
    dst->count = src->count;
    dst->cap = src->count ? src->count : 1;
    dst->runs = need(malloc(dst->cap * sizeof *dst->runs));
    memcpy(dst->runs, src->runs, src->count * sizeof *src->runs);
}

/* Releases a live list. */
void contig_live_free(contig_live_t *live)
{
    free(live->runs);
    live->runs = NULL;
    live->count = live->cap = 0;
}

/* The measured loop: random-size alloc, then free of a random live run. */
contig_result_t contig_run(const contig_ops_t *ops, contig_live_t *live,
                           size_t max_run, uint64_t seed, uint64_t max_iters,
                           uint64_t budget_ns)
{
    bench_rng_t rng;
    bench_rng_seed(&rng, seed);
    contig_result_t res = {0, 0, 0, 0};
    uint64_t t0 = bench_cpu_ns();
    for (uint64_t it = 0; it < max_iters; it++) {
        size_t n = (size_t)bench_rng_range(&rng, 1, max_run);
        size_t first;
        if (ops->alloc(ops->ctx, n, &first))
            live_push(live, (contig_run_t){first, n});
        else
            res.failed++;
        res.ops++;
        if (live->count) {
            size_t i = (size_t)bench_rng_range(&rng, 0, live->count - 1u);
            contig_run_t run = live_take(live, i);
            ops->free(ops->ctx, run.first, run.n);
            res.ops++;
        }
        res.iters++;
        if (budget_ns && it % CLOCK_EVERY == CLOCK_EVERY - 1u &&
            bench_cpu_ns() - t0 >= budget_ns)
            break;
    }
    res.ns = bench_cpu_ns() - t0;
    return res;
}

/* See contig.h. */
double contig_best(contig_rep_fn rep, void *ctx, int reps, uint64_t max_iters,
                   uint64_t budget_ns, uint64_t *iters)
{
    double best = 0;
    for (int k = 0; k < reps; k++) {
        contig_result_t r = rep(ctx, max_iters, budget_ns);
        max_iters = r.iters;
        budget_ns = 0;
        double per_op = (double)r.ns / (double)r.ops;
        if (k == 0 || per_op < best)
            best = per_op;
    }
    if (iters != NULL)
        *iters = max_iters;
    return best;
}
