/*
 * stack.c - painting the kernel's stacks and reading their high-water
 * marks (see stack.h).
 */
#include "stack.h"

#include "cpu.h"

/* boot.S: the boot stack, [boot_stack, boot_stack_top) */
extern uint64_t boot_stack[], boot_stack_top[];

/* Bytes left unpainted above the painter's caller's frame: the painter's
 * own frame and the caller's live below it. */
#define PAINT_GAP_WORDS 128u

void stack_paint(uint64_t *lo, uint64_t *hi)
{
    for (volatile uint64_t *p = lo; p < hi; p++)
        *p = STACK_PAINT;
}

size_t stack_used(const kstack_t *s)
{
    const uint64_t *p = s->lo;
    while (p < s->hi && *p == STACK_PAINT)
        p++;
    return (size_t)((const char *)s->hi - (const char *)p);
}

void stack_paint_boot(void)
{
    uint64_t *frame = __builtin_frame_address(0);
    stack_paint(boot_stack, frame - PAINT_GAP_WORDS);
}

size_t stack_list(kstack_t out[3])
{
    out[0] = (kstack_t){ "boot", boot_stack, boot_stack_top };
    cpu_stacks(&out[1], &out[2]);
    return 3;
}
