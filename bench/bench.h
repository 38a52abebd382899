/*
 * bench.h - what the benchmark's pieces share: options, a clock, a
 * deterministic random generator, the result table, and the figure groups.
 *
 * Every figure is printed as one Markdown table row: what was measured, the
 * core's value, the baseline measured in the same run, and their ratio.
 * Benchmarks also cross-check results (core against baseline); a mismatch
 * makes the binary exit 1, which is what the ctest smoke run asserts.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"

typedef struct bench_opts {
    bool smoke;            /* tiny sizes, a few operations: for ctest      */
    unsigned max_log2;     /* largest contiguous window is 2^max_log2 pages */
    const char *only;      /* run one group ("contig", "vmm", ...) or NULL  */
} bench_opts_t;

/* Returns a monotonic time in nanoseconds. */
uint64_t bench_now_ns(void);
/* Returns the calling thread's CPU time in nanoseconds (what the
 * contiguous groups time: a loaded machine does not inflate it). */
uint64_t bench_cpu_ns(void);

/* Deterministic xorshift64* generator: same seed, same sequence. */
typedef struct bench_rng {
    uint64_t state;
} bench_rng_t;
void bench_rng_seed(bench_rng_t *rng, uint64_t seed);
/* Returns a value uniform in [lo, hi] (inclusive). */
uint64_t bench_rng_range(bench_rng_t *rng, uint64_t lo, uint64_t hi);

/* Prints one table row. value / baseline are formatted by the caller; ratio
 * is printed as "N.Nx" when positive, "-" otherwise. */
void bench_row(const char *figure, const char *value, const char *baseline,
               double ratio, const char *note);
/* Prints a row whose part is missing ("not built yet"). */
void bench_row_missing(const char *figure, const char *why);

/* Formats a duration per operation (ns/us/ms) into buf. */
const char *bench_fmt_ns(char *buf, size_t len, double ns);
/* Formats a duration (ns/us/ms/s, no "/op") into buf. */
const char *bench_fmt_time(char *buf, size_t len, double ns);
/* Formats a rate (ops/s with k/M suffix) into buf. */
const char *bench_fmt_rate(char *buf, size_t len, double per_second);

/* The host heap (aligned_alloc/free) as a core allocator. */
vmm_allocator_t bench_heap_allocator(void);

/* Records a failed cross-check (printed to stderr); main exits 1 if any. */
void bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int bench_failures(void);

/* Returns Pluto's setContiguous ns/op on the fragmented window of 2^log2
 * pages, measured once per run (by bench_contig, or here on first use). */
double bench_pluto_ns(unsigned log2, bool smoke);
/* The same with Pluto's words in the huge-page arena (huge_arena.h), as
 * the huge-page VMM rows have their memory; 0 when there is no arena. */
double bench_pluto_huge_ns(unsigned log2, bool smoke);

/* Instruction-count mode (run under callgrind with
 * --toggle-collect=contig_run): builds the fragmented window of 2^log2
 * pages and runs iters iterations of one allocator ("first", "next",
 * "pluto", "hbitmap" (core/hbitmap.c, first fit) in bench_contig.c;
 * "reserve", "reserve-2m" (its memory in the huge-page arena), "alloc" in
 * bench_vmm.c) without timing; prints "ops N" (then the run's CPU
 * time per op: a figure for A/B runs outside valgrind, not a table row).
 * Returns false for an unknown allocator. */
bool bench_icount_bitmap(const char *what, unsigned log2, uint64_t iters);
bool bench_icount_vmm(const char *what, unsigned log2, uint64_t iters);

/* Figure groups. Each prints its rows; those of a part that does not exist
 * yet print "not built yet" rows instead (see CMakeLists.txt). */
void bench_contig(const bench_opts_t *opts);
void bench_vmm(const bench_opts_t *opts);
void bench_paging(const bench_opts_t *opts);
void bench_boot(const bench_opts_t *opts);

#endif
