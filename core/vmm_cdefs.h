/*
 * vmm_cdefs.h - what lets the public headers compile as C11 and as C++11
 * (a kernel written in C++ includes them; the .c files stay C11): C linkage
 * for the declarations, and the C11 keywords C++ spells differently.
 */
#ifndef CORE_VMM_CDEFS_H
#define CORE_VMM_CDEFS_H

#ifdef __cplusplus
#define VMM_BEGIN_DECLS extern "C" {
#define VMM_END_DECLS }
#define VMM_ALIGNAS(n) alignas(n)
#define VMM_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define VMM_BEGIN_DECLS
#define VMM_END_DECLS
#define VMM_ALIGNAS(n) _Alignas(n)
#define VMM_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#endif
