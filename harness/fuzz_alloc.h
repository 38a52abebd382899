/*
 * fuzz_alloc.h - a vmm_allocator_t that fails on demand and checks its use:
 * every free must name a live block with its allocation size, and
 * fuzz_alloc.live must be 0 once the VMM is deinitialised.
 *
 * Blocks come from an arena mapped once per process (no malloc per record:
 * ASan's allocator and its quarantine were a fifth of the time per input).
 * Under ASan the arena keeps ASan's guarantees by hand: a block is
 * addressable only while it is live; its header, the redzone after it and
 * every freed block are poisoned, and a freed block is not reused before the
 * next input (fuzz_alloc_init rewinds the arena only when nothing is live).
 * Blocks that do not fit the arena fall back to malloc.
 */
#ifndef HARNESS_FUZZ_ALLOC_H
#define HARNESS_FUZZ_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"

typedef struct fuzz_alloc {
    size_t live;          /* blocks not yet freed                      */
    long fail_countdown;  /* allocs left before one fails; < 0: never  */
    unsigned failures;    /* allocations failed on purpose             */
    uint8_t *arena;       /* mapped on first use; start zeroed (static
                             or calloc) so this is NULL                */
    size_t arena_used;    /* bytes handed out since the last rewind    */
} fuzz_alloc_t;

/* Resets the counters (no failure armed) and rewinds the arena when no
 * block is live. */
void fuzz_alloc_init(fuzz_alloc_t *fa);

/* The (n+1)-th next allocation fails once; n < 0 disables. */
void fuzz_alloc_fail_after(fuzz_alloc_t *fa, long n);

/* The allocator interface bound to fa. */
vmm_allocator_t fuzz_alloc_allocator(fuzz_alloc_t *fa);

#endif
