/*
 * fail_alloc.h - a malloc-backed vmm_allocator_t (alloc.h) for tests and
 * harnesses: counts live allocations and bytes, checks that every free passes
 * the size it was allocated with, and fails the Nth allocation on demand.
 *
 *   fail_alloc_t fa; fail_alloc_init(&fa);
 *   vmm_allocator_t a = fail_alloc_iface(&fa);
 *   fa.countdown = 2;   // calls 0 and 1 succeed, call 2 returns NULL, then
 *                       // countdown is -1 again (one failure per arming)
 *
 * A free with the wrong size or of a foreign pointer aborts (a test bug or a
 * core bug, never something to continue from).
 */
#ifndef TESTS_FAIL_ALLOC_H
#define TESTS_FAIL_ALLOC_H

#include <stddef.h>

#include "core/alloc.h"

typedef struct fail_alloc {
    long countdown;    /* calls left before the failing one; -1 = never fail */
    size_t live;       /* allocations not freed yet                         */
    size_t live_bytes; /* bytes in those allocations                        */
    size_t calls;      /* alloc calls so far (failed ones included)         */
    size_t failures;   /* alloc calls that returned NULL by injection       */
} fail_alloc_t;

/* Resets fa: no failure armed, all counters 0. */
void fail_alloc_init(fail_alloc_t *fa);

/* Returns the allocator interface bound to fa. */
vmm_allocator_t fail_alloc_iface(fail_alloc_t *fa);

#endif
