/*
 * stack.h - painted stacks. Each kernel stack (the boot stack the
 * self-tests run on, the TSS's RSP0 stack that takes exceptions from CPL3,
 * the #DF IST stack) is filled with STACK_PAINT before its first use; the
 * self-test stacks_within_bounds then reads how deep each one went and
 * fails when one kept less than a quarter of its size free: the core's
 * static budget (INTEGRATION.md, section 11) checked on the real calls.
 */
#ifndef KERNEL_STACK_H
#define KERNEL_STACK_H

#include <stddef.h>
#include <stdint.h>

#define STACK_PAINT 0x5354414b5041494eull /* "STAKPAIN": never a pointer */

typedef struct kstack {
    const char *name;
    uint64_t *lo, *hi; /* [lo, hi): the stack grows down from hi */
} kstack_t;

/* Fills [lo, hi) with STACK_PAINT. */
void stack_paint(uint64_t *lo, uint64_t *hi);

/* Returns the bytes of s used so far: from s->hi down to its lowest word
 * that is no longer STACK_PAINT (s->hi - s->lo when even the lowest word
 * was overwritten: the stack overflowed, or was never painted). */
size_t stack_used(const kstack_t *s);

/* Stores the kernel's stacks in out[0 .. 2] (boot, RSP0, #DF); returns 3. */
size_t stack_list(kstack_t out[3]);

/* Paints the boot stack below the caller's frame (kmain, once, first). */
void stack_paint_boot(void);

#endif
