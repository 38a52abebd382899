/*
 * rate.c - how fast the emulator checks go: a world with pages of every size
 * and many attribute combinations, probed over and over for a while with
 * uc_vmem_translate checks, then with real instructions. Every check is the
 * full three-way judgement (intent, core walk, emulator).
 *
 *   emu_rate [SECONDS_PER_PHASE]     (default 0.5)
 * Prints the figures per CPU second of this process (= on one core; goals:
 * 1M checked translations/s, 200k emulated accesses/s) and per wall second;
 * exits 1 on a mismatch, never because of speed.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "probe.h"
#include "world.h"

#define GOAL_TRANSLATIONS 1e6
#define GOAL_ACCESSES 2e5
#define POINTS 64u

/* Seconds on a clock (monotonic wall time, or this process's CPU time:
 * the rate "on one core" even when the machine is shared). */
static double seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A rate per wall second and per CPU second. */
typedef struct rate {
    double wall, cpu;
} rate_t;

/* Fills the world: 4K pages of all attributes, a 2M page, an unmapped
 * reservation; returns the addresses to probe in pts. */
static size_t populate(world_t *w, uint64_t *pts)
{
    size_t n = 0;
    uint64_t v, frame;
    for (vmm_attrs_t a = 0; a <= VMM_ATTR_ALL && n + 3 < POINTS; a++)
        if (world_alloc(w, 2, a, &v) == VMM_OK) {
            pts[n++] = v;
            pts[n++] = v + VMM_PAGE_SIZE + 0x123;
            pts[n++] = v + 2 * VMM_PAGE_SIZE - 1u;
        }
    if (world_reserve(w, 2, VMM_SIZE_2M, VMM_ATTR_WRITABLE, 0, &v) == VMM_OK &&
        w->frames.alloc(w->frames.ctx, 512, 512, &frame) == VMM_OK &&
        world_map_page(w, v, v, frame, VMM_ATTR_WRITABLE | VMM_ATTR_CACHABLE) == VMM_OK) {
        pts[n++] = v + 0x12345;
        pts[n++] = v + VMM_SIZE_2M + 0x10; /* reserved, not mapped */
    }
    return n;
}

/* Probes pts with flags for about secs seconds of CPU time; returns the
 * checks per second and adds the mismatches to *bad. */
static rate_t phase(world_t *w, const uint64_t *pts, size_t n, unsigned flags,
                    double secs, const uint64_t *counter, unsigned *bad)
{
    uint64_t before = *counter;
    double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID), c;
    do {
        for (size_t i = 0; i < n; i++)
            *bad += probe_va(w, pts[i], flags);
        c = seconds(CLOCK_PROCESS_CPUTIME_ID);
    } while (c - c0 < secs);
    double checks = (double)(*counter - before);
    return (rate_t){checks / (seconds(CLOCK_MONOTONIC) - w0), checks / (c - c0)};
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 0.5;
    world_config_t cfg = {.phys_base = 0, .phys_size = (uint64_t)16 << 20,
                          .window_start = 0x0000500000000000ull,
                          .window_end = 0x0000500040000000ull};
    world_t *w = world_new(&cfg);
    if (w == NULL)
        return 1;
    uint64_t pts[POINTS];
    size_t n = populate(w, pts);
    unsigned bad = 0;
    uint64_t walks = w->stats.walks, checks = w->stats.translations;
    rate_t tr = phase(w, pts, n, PROBE_TRANSLATE, secs, &w->stats.translations, &bad);
    walks = w->stats.walks - walks;
    checks = w->stats.translations - checks;
    rate_t ac = phase(w, pts, n, PROBE_EXECUTE, secs, &w->stats.accesses, &bad);
    printf("emu rate: %.0f checked translations per CPU second (goal %.0f; %.0f per wall "
           "second), %.0f emulated accesses per CPU second (goal %.0f; %.0f per wall "
           "second), %zu addresses, %u mismatches\n", tr.cpu, GOAL_TRANSLATIONS, tr.wall,
           ac.cpu, GOAL_ACCESSES, ac.wall, n, bad);
    printf("emu rate: %llu of %llu translate checks asked uc_vmem_translate (the others "
           "reused an answer of the same walk, answers.h)\n", (unsigned long long)walks,
           (unsigned long long)checks);
    world_free(w);
    return bad != 0;
}
