/*
 * contig.h - the fragmented-window workload shared by the bitmap-level and
 * the VMM-level contiguous-allocation figures.
 *
 * A window of n entries is first filled with back-to-back runs of random
 * size (1..max_run, CONTIG_MAX_RUN in the figures), then every other run is freed: about half the
 * window is used, in runs separated by holes of random size. The measured
 * workload then repeats "allocate a random-size run, free a random live run",
 * so occupancy stays near half. Everything is driven by a seeded generator:
 * the same seed gives the same request sequence to every allocator.
 */
#ifndef BENCH_CONTIG_H
#define BENCH_CONTIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench.h"

#define CONTIG_MAX_RUN 512u

typedef struct contig_run {
    size_t first; /* first entry (or an allocator's own handle) */
    size_t n;     /* entries                                    */
} contig_run_t;

/* The live runs of an allocator (random removal by swap). */
typedef struct contig_live {
    contig_run_t *runs;
    size_t count, cap;
} contig_live_t;

/* A fragmented starting state: its words and its live runs. */
typedef struct contig_state {
    size_t num_entries;
    size_t max_run;       /* runs and requests are 1..max_run entries */
    uint64_t *words;      /* BITMAP_WORDS(num_entries) words */
    size_t num_free;
    contig_live_t live;
} contig_state_t;

/* An allocator under test: alloc stores a handle in *first (false when no
 * space); free releases a run returned by alloc. */
typedef struct contig_ops {
    bool (*alloc)(void *ctx, size_t n, size_t *first);
    void (*free)(void *ctx, size_t first, size_t n);
    void *ctx;
} contig_ops_t;

/* Result of a workload run. */
typedef struct contig_result {
    uint64_t iters;     /* iterations run                 */
    uint64_t ops;       /* allocs + frees performed       */
    uint64_t failed;    /* allocs that found no space     */
    uint64_t ns;        /* the thread's CPU time (bench_cpu_ns) */
} contig_result_t;

/* Builds the fragmented state of n entries, runs of 1..max_run, from seed;
 * exits on OOM. */
void contig_state_build(contig_state_t *st, size_t n, size_t max_run,
                        uint64_t seed);
void contig_state_free(contig_state_t *st);

/* Copies src's live list into dst (allocated; exits on OOM). */
void contig_live_copy(contig_live_t *dst, const contig_live_t *src);
void contig_live_free(contig_live_t *live);

/* Runs up to max_iters iterations (one alloc of 1..max_run entries + one
 * free each) of the workload from seed, stopping early once budget_ns of the
 * thread's CPU time has passed (checked every few iterations; 0 = no budget).
 * live is updated in place. */
contig_result_t contig_run(const contig_ops_t *ops, contig_live_t *live,
                           size_t max_run, uint64_t seed, uint64_t max_iters,
                           uint64_t budget_ns);

/* One repetition of a measured workload: loads a fresh copy of the state,
 * runs contig_run with max_iters and budget_ns, checks and unloads; returns
 * contig_run's result. */
typedef contig_result_t (*contig_rep_fn)(void *ctx, uint64_t max_iters, uint64_t budget_ns);

/* Runs rep reps times: the first with max_iters and budget_ns, the later
 * ones with the first's iteration count and no budget (the same requests).
 * Returns the best ns/op; stores the iteration count in *iters (if not NULL). */
double contig_best(contig_rep_fn rep, void *ctx, int reps, uint64_t max_iters,
                   uint64_t budget_ns, uint64_t *iters);

#endif
