/*
 * vmm_assert.h - the core's only panic: a broken internal invariant.
 * Caller mistakes never reach it; they get a vmm_status_t.
 */
#ifndef CORE_VMM_ASSERT_H
#define CORE_VMM_ASSERT_H

#define VMM_ASSERT(cond)        \
    do {                        \
        if (!(cond))            \
            __builtin_trap();   \
    } while (0)

#endif
