/*
 * reentry.h - interfaces that call back into their own VMM (vmm.h,
 * "Reentrancy"): an allocator, a frame source and a mapper that forward to
 * the ones they wrap, except that the armed kind's n-th call first calls
 * every public entry that may change the VMM and checks that each is
 * refused with VMM_ERR_BUSY (a fault: NOT_PRESENT with status
 * VMM_ERR_BUSY), then walks the records (the queries stay callable).
 *
 *   reentry_t r; vmm_allocator_t a; vmm_frames_t f; vmm_mapper_t m;
 *   reentry_wrap(&r, &inner_a, &inner_f, &inner_m, &a, &f, &m);
 *   vmm_init(&vmm, start, end, &a, &m, &f);
 *   reentry_arm(&r, &vmm, REENTRY_FRAMES_ALLOC, 2);  // the 3rd frames.alloc
 *   vmm_alloc(&vmm, ...);   // r.fired == 1, r.wrong == 0 when the guard works
 *
 * Used by tests/test_vmm_reentry.c and the vmm fuzz target (op reenter).
 */
#ifndef TESTS_REENTRY_H
#define TESTS_REENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vmm.h"

typedef enum reentry_kind {
    REENTRY_ALLOC, REENTRY_ALLOC_FREE, REENTRY_FRAMES_ALLOC, REENTRY_FRAMES_FREE,
    REENTRY_FRAMES_CLAIM, REENTRY_FRAMES_ZERO, REENTRY_FRAMES_IN_USE, REENTRY_MAP,
    REENTRY_UNMAP, REENTRY_QUERY, REENTRY_KINDS
} reentry_kind_t;

typedef struct reentry {
    vmm_allocator_t a;  /* the wrapped interfaces */
    vmm_frames_t f;
    vmm_mapper_t m;
    vmm_t *vmm;         /* the VMM the armed call re-enters */
    int kind;           /* armed kind, -1: none */
    long countdown;     /* calls of that kind to let through first */
    unsigned fired;     /* armed calls that re-entered */
    unsigned refused;   /* inner calls refused as they must be */
    unsigned wrong;     /* inner calls that were NOT refused */
    char first_wrong[160]; /* the first of them, and what it returned */
} reentry_t;

/* Wraps a, f, m (f->zero / in_use may be NULL: then so are the wrappers')
 * into *out_a, *out_f, *out_m, whose ctx is r. Disarmed. */
void reentry_wrap(reentry_t *r, const vmm_allocator_t *a, const vmm_frames_t *f,
                  const vmm_mapper_t *m, vmm_allocator_t *out_a, vmm_frames_t *out_f,
                  vmm_mapper_t *out_m);

/* Arms the n-th call (from 0) of kind from now to re-enter vmm; clears
 * fired, refused, wrong. kind < 0 disarms. */
void reentry_arm(reentry_t *r, vmm_t *vmm, int kind, long n);

/* "allocator.alloc", "frames.zero", ...; "?" outside the enum. */
const char *reentry_kind_name(int kind);

#endif
