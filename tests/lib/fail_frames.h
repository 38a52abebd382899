/*
 * fail_frames.h - wraps any vmm_frames_t (frames.h) and fails the Nth
 * alloc/claim call on demand; counts calls and frames handed out.
 *
 *   fail_frames_t ff; fail_frames_init(&ff, &inner);
 *   vmm_frames_t f = fail_frames_iface(&ff);
 *   ff.countdown = 0;   // the next alloc or claim fails (one-shot)
 *
 * An injected failure returns VMM_ERR_OUT_OF_FRAMES (alloc) or
 * VMM_ERR_PHYS_ALREADY_ALLOCATED (claim) and leaves inner untouched.
 * free, in_use and zero are passed through (never failed) so undo paths
 * can always run.
 * fail_on chooses which calls the countdown counts and fails (both by
 * default; a fuzz target that judges claims by the model sets
 * FAIL_FRAMES_ALLOC only). Over a frame_pool (frame_pool.h) this is the
 * fuzz harness's frame source too.
 */
#ifndef TESTS_FAIL_FRAMES_H
#define TESTS_FAIL_FRAMES_H

#include <stddef.h>

#include "core/frames.h"

#define FAIL_FRAMES_ALLOC 0x1u
#define FAIL_FRAMES_CLAIM 0x2u

typedef struct fail_frames {
    vmm_frames_t inner;
    unsigned fail_on;    /* FAIL_FRAMES_* calls the countdown counts          */
    long countdown;      /* alloc/claim calls left before the failing one;
                            -1 = never                                       */
    size_t calls;        /* alloc + claim calls counted so far               */
    size_t failures;     /* injected failures                                */
    long outstanding;    /* frames allocated/claimed minus frames freed      */
} fail_frames_t;

/* Wraps inner (copied); no failure armed, counters 0, fail_on both. */
void fail_frames_init(fail_frames_t *ff, const vmm_frames_t *inner);

/* Between two runs (O(1)): disarms, zeroes calls and failures;
 * outstanding stays. */
void fail_frames_reset(fail_frames_t *ff);

/* Returns the frame source bound to ff. */
vmm_frames_t fail_frames_iface(fail_frames_t *ff);

#endif
