/*
 * alloc.h - the allocator interface (Pluto's std.mem.Allocator).
 *
 * The core has no heap of its own: the VMM's allocation records are stored
 * through this interface. A kernel passes its early heap, a harness an
 * allocator that fails on demand.
 *
 * It is called with the caller's vmm_t lock held (INTEGRATION.md): it must
 * not call back into that vmm_t, nor touch one of its lazy pages; grow it
 * between core calls, not from inside one.
 */
#ifndef CORE_ALLOC_H
#define CORE_ALLOC_H

#include <stddef.h>
#include "vmm_cdefs.h"

VMM_BEGIN_DECLS

typedef struct vmm_allocator {
    /* Returns size bytes aligned to align (a power of two), or NULL. */
    void *(*alloc)(void *ctx, size_t size, size_t align);
    /* Returns memory obtained from alloc with the same size. Never fails. */
    void (*free)(void *ctx, void *ptr, size_t size);
    void *ctx;
} vmm_allocator_t;

VMM_END_DECLS

#endif
