/* bench_util.c - clock, random numbers, table rows, failure count. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"

static int failures;

/* Returns clock id's time in nanoseconds. */
static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Returns CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

/* Returns the calling thread's CPU time in nanoseconds: time the thread
 * spent descheduled (another process on its core) is not in it. */
uint64_t bench_cpu_ns(void)
{
    return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

/* Seeds the generator; a zero seed is replaced (xorshift needs non-zero). */
void bench_rng_seed(bench_rng_t *rng, uint64_t seed)
{
    rng->state = seed ? seed : 0x9E3779B97F4A7C15ull;
}

/* Returns the next value uniform in [lo, hi] (modulo bias is negligible for
 * the small ranges used here). */
uint64_t bench_rng_range(bench_rng_t *rng, uint64_t lo, uint64_t hi)
{
    uint64_t x = rng->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng->state = x;
    uint64_t r = x * 0x2545F4914F6CDD1Dull;
    return lo + r % (hi - lo + 1u);
}

/* Prints one Markdown row of the table. */
void bench_row(const char *figure, const char *value, const char *baseline,
               double ratio, const char *note)
{
    char r[32];
    if (ratio >= 100)
        snprintf(r, sizeof r, "%.0fx", ratio);
    else if (ratio >= 0.01)
        snprintf(r, sizeof r, "%.2fx", ratio);
    else if (ratio > 0)
        snprintf(r, sizeof r, "1/%.0f", 1.0 / ratio);
    else
        snprintf(r, sizeof r, "-");
    printf("| %s | %s | %s | %s | %s |\n", figure, value, baseline, r,
           note ? note : "");
    fflush(stdout);
}

/* Prints a row for a part that is not there yet. */
void bench_row_missing(const char *figure, const char *why)
{
    bench_row(figure, "not built yet", "-", 0, why);
}

/* Formats ns as ns, us or ms with three significant digits. */
const char *bench_fmt_ns(char *buf, size_t len, double ns)
{
    if (ns < 1e3)
        snprintf(buf, len, "%.1f ns/op", ns);
    else if (ns < 1e6)
        snprintf(buf, len, "%.2f us/op", ns / 1e3);
    else
        snprintf(buf, len, "%.2f ms/op", ns / 1e6);
    return buf;
}

/* Formats ns as ns, us, ms or s. */
const char *bench_fmt_time(char *buf, size_t len, double ns)
{
    if (ns < 1e3)
        snprintf(buf, len, "%.0f ns", ns);
    else if (ns < 1e6)
        snprintf(buf, len, "%.1f us", ns / 1e3);
    else if (ns < 1e9)
        snprintf(buf, len, "%.2f ms", ns / 1e6);
    else
        snprintf(buf, len, "%.2f s", ns / 1e9);
    return buf;
}

/* Formats a rate as ops/s, k/s or M/s. */
const char *bench_fmt_rate(char *buf, size_t len, double per_second)
{
    if (per_second >= 1e6)
        snprintf(buf, len, "%.2f M/s", per_second / 1e6);
    else if (per_second >= 1e3)
        snprintf(buf, len, "%.1f k/s", per_second / 1e3);
    else
        snprintf(buf, len, "%.1f /s", per_second);
    return buf;
}

/* Returns size bytes aligned to align from the host heap, or NULL. */
static void *heap_alloc(void *ctx, size_t size, size_t align)
{
    (void)ctx;
    return aligned_alloc(align, (size + align - 1u) / align * align);
}

/* Returns a block to the host heap. */
static void heap_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    (void)size;
    free(ptr);
}

vmm_allocator_t bench_heap_allocator(void)
{
    return (vmm_allocator_t){heap_alloc, heap_free, NULL};
}

/* Counts a failed cross-check and reports it on stderr. */
void bench_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench: CHECK FAILED: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    failures++;
}

/* Returns the number of failed cross-checks so far. */
int bench_failures(void)
{
    return failures;
}
