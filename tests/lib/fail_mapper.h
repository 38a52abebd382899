/*
 * fail_mapper.h - wraps any vmm_mapper_t (mapper.h) and fails the Nth map
 * or unmap call on demand (one-shot); query and mappable pass through.
 *
 *   fail_mapper_t fm; fail_mapper_init(&fm, &inner);
 *   vmm_mapper_t m = fail_mapper_iface(&fm);
 *   fm.map_countdown = 1;   // map call 0 passes, call 1 fails with
 *                           // fm.map_error (VMM_ERR_OUT_OF_FRAMES)
 *   fm.unmap_countdown = 0; // the next unmap fails with fm.unmap_error
 *                           // (VMM_ERR_NOT_MAPPED)
 *
 * It also has a flush (mapper.h), forwarded to inner's when inner has one,
 * and counts in `unflushed` the unmaps that succeeded since the last one:
 * 0 after every VMM call that unmapped means the VMM flushed them.
 *
 * An injected failure leaves inner untouched. For a mapper that records
 * instead of building tables, see rec_mapper.h (it injects on its own).
 */
#ifndef TESTS_FAIL_MAPPER_H
#define TESTS_FAIL_MAPPER_H

#include <stddef.h>

#include "core/mapper.h"

typedef struct fail_mapper {
    vmm_mapper_t inner;
    long map_countdown;    /* map calls left before the failing one; -1 never */
    long unmap_countdown;  /* same for unmap                                  */
    vmm_status_t map_error;
    vmm_status_t unmap_error;
    size_t failures;       /* injected failures                               */
    size_t unflushed;      /* unmaps that succeeded since the last flush      */
} fail_mapper_t;

/* Wraps inner (copied); no failure armed. */
void fail_mapper_init(fail_mapper_t *fm, const vmm_mapper_t *inner);

/* Returns the mapper bound to fm (mappable only when inner has one). */
vmm_mapper_t fail_mapper_iface(fail_mapper_t *fm);

#endif
