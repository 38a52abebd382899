/*
 * selftest_stack.c - the last self-test: every kernel stack kept at least a
 * quarter of its size free through all the others (stack.h). The boot
 * stack ran every core call of the self-tests, the RSP0 stack every fault
 * from CPL3 (x86_page_fault included).
 */
#include "selftest_util.h"
#include "stack.h"

#ifdef KERNEL_MUTANT_STACK_HOG
/* Mutant (tests only): a call chain that takes 13 KiB of the 16 KiB boot
 * stack, which the test must report. */
static unsigned hog(unsigned depth)
{
    volatile uint8_t block[1024];
    block[depth % sizeof(block)] = (uint8_t)depth;
    unsigned below = depth > 1u ? hog(depth - 1u) : 0u;
    return below + block[depth % sizeof(block)];
}
#endif

bool test_stacks_within_bounds(void)
{
#ifdef KERNEL_MUTANT_STACK_HOG
    (void)hog(13u);
#endif
    kstack_t stacks[3];
    size_t n = stack_list(stacks);
    EXPECT(n > 0u && n <= sizeof stacks / sizeof stacks[0]);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        size_t size = (size_t)((char *)stacks[i].hi - (char *)stacks[i].lo);
        size_t used = stack_used(&stacks[i]);
        kprintf("    stack %s: %lu of %lu bytes used\n", stacks[i].name, (unsigned long)used,
                (unsigned long)size);
        if (used > size - size / 4u) {
            kprintf("    stack %s kept less than a quarter free\n", stacks[i].name);
            ok = false;
        }
    }
    return ok;
}
