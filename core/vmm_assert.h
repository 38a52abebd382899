/*
 * vmm_assert.h - the core's only panic: a broken internal invariant.
 * Caller mistakes that a call can see get a vmm_status_t. What no call can
 * see may reach it: a callback that breaks its documented contract (a
 * frame source whose free fails for frames it gave, an allocator block
 * misaligned, an allocator re-entering a standalone hbitmap_t: hbitmap.h),
 * an object used uninitialised or after it moved.
 *
 * The assert hook: by default a broken invariant executes a trap instruction
 * (__builtin_trap: #UD on x86). A kernel routes it to its panic by compiling
 * the core with -DVMM_ASSERT_HOOK=name and defining
 *     void name(const char *file, int line, const char *cond);
 * which must not return (print, then halt or reboot). The hook runs in
 * whatever context the core was called from, maybe with the vmm_t's lock
 * held and from the #PF handler: it must not call back into the core.
 */
#ifndef CORE_VMM_ASSERT_H
#define CORE_VMM_ASSERT_H
#include "vmm_cdefs.h"

VMM_BEGIN_DECLS

#ifdef VMM_ASSERT_HOOK
__attribute__((noreturn)) void VMM_ASSERT_HOOK(const char *file, int line,
                                               const char *cond);
#define VMM_ASSERT(cond)                                   \
    do {                                                   \
        if (!(cond))                                       \
            VMM_ASSERT_HOOK(__FILE__, __LINE__, #cond);    \
    } while (0)
#else
#define VMM_ASSERT(cond)        \
    do {                        \
        if (!(cond))            \
            __builtin_trap();   \
    } while (0)
#endif

VMM_END_DECLS

#endif
