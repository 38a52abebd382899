/*
 * fail_alloc.h - the allocator double (alloc.h) of the tests, the fuzz
 * harness and the emulator checks: counts live blocks and bytes, checks that
 * every free names a live block with the size it was allocated with, and
 * fails the Nth allocation on demand.
 *
 *   fail_alloc_t fa; fail_alloc_init(&fa);
 *   vmm_allocator_t a = fail_alloc_iface(&fa);
 *   fa.countdown = 2;   // calls 0 and 1 succeed, call 2 returns NULL, then
 *                       // countdown is -1 again (one failure per arming)
 *
 * Blocks come from malloc, or, after fail_alloc_use_arena, from an arena
 * mapped once (no malloc per block: ASan's allocator and its quarantine were
 * a fifth of a fuzz input's time). Under ASan the arena keeps ASan's
 * guarantees by hand: a block is addressable only while it is live; its
 * header, the redzone after it and every freed block are poisoned, and a
 * freed block is not reused before fail_alloc_reset rewinds the arena (only
 * when nothing is live). Blocks that do not fit the arena come from malloc.
 *
 * Every block is handed out filled with FAIL_ALLOC_FRESH bytes, never the
 * zeroes of a fresh mapping: a field the code under test forgets to set
 * reads as garbage (a record whose tree links were never initialised).
 *
 * A free of NULL, of a foreign or freed pointer, or with the wrong size is
 * reported through double_report.h (never something to continue from).
 */
#ifndef TESTS_FAIL_ALLOC_H
#define TESTS_FAIL_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"

#define FAIL_ALLOC_FRESH 0xA5u /* the byte every fresh block is filled with */
/* Larger requests get NULL (not counted as an injected failure), as from a
 * kernel allocator: the host's malloc under ASan would abort instead. */
#define FAIL_ALLOC_HOST_MAX ((size_t)1 << 30)

typedef struct fail_alloc {
    long countdown;    /* calls left before the failing one; -1 = never fail */
    size_t live;       /* allocations not freed yet                         */
    size_t live_bytes; /* bytes in those allocations                        */
    size_t calls;      /* alloc calls so far (failed ones included)         */
    size_t failures;   /* alloc calls that returned NULL by injection       */
    uint8_t *arena;    /* NULL: every block from malloc                     */
    size_t arena_bytes;
    size_t arena_used; /* bytes handed out since the last rewind            */
} fail_alloc_t;

/* Resets fa: no failure armed, all counters 0, no arena (blocks from
 * malloc). */
void fail_alloc_init(fail_alloc_t *fa);

/* Maps an arena of bytes for fa's blocks (once: a no-op when fa has one).
 * Returns false when the host has no memory (blocks stay on malloc). */
bool fail_alloc_use_arena(fail_alloc_t *fa, size_t bytes);

/* Between two runs (O(1)): disarms, zeroes calls and failures, and rewinds
 * the arena when no block is live. live and live_bytes stay. */
void fail_alloc_reset(fail_alloc_t *fa);

/* Returns the allocator interface bound to fa. */
vmm_allocator_t fail_alloc_iface(fail_alloc_t *fa);

#endif
