/*
 * fuzz_alloc.h - a vmm_allocator_t over malloc that fails on demand and
 * checks its use: every free must name a live block with its allocation
 * size, and fuzz_alloc_live() must be 0 once the VMM is deinitialised.
 */
#ifndef HARNESS_FUZZ_ALLOC_H
#define HARNESS_FUZZ_ALLOC_H

#include <stddef.h>

#include "core/alloc.h"

typedef struct fuzz_alloc {
    size_t live;          /* blocks not yet freed                      */
    long fail_countdown;  /* allocs left before one fails; < 0: never  */
    unsigned failures;    /* allocations failed on purpose             */
} fuzz_alloc_t;

/* Resets the counters (no failure armed). */
void fuzz_alloc_init(fuzz_alloc_t *fa);

/* The (n+1)-th next allocation fails once; n < 0 disables. */
void fuzz_alloc_fail_after(fuzz_alloc_t *fa, long n);

/* The allocator interface bound to fa. */
vmm_allocator_t fuzz_alloc_allocator(fuzz_alloc_t *fa);

#endif
