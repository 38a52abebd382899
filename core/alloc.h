/*
 * alloc.h - the allocator interface (Pluto's std.mem.Allocator).
 *
 * The core has no heap of its own: the VMM's allocation records are stored
 * through this interface. A kernel passes its early heap, a harness an
 * allocator that fails on demand.
 *
 * It is called with the caller's vmm_t lock held (INTEGRATION.md), from
 * every call that may change the VMM and from vmm_fault (a demand page's
 * store chunk: #PF context): it must not call back into that vmm_t (such a
 * call returns VMM_ERR_BUSY: vmm.h, "Reentrancy"), nor touch one of its lazy
 * pages; grow it between core calls, not from inside one.
 *
 * What it is asked for: record chunks of VMM_INDEX_CHUNK_BYTES aligned to
 * their size (a record finds its chunk by masking its address: a block not
 * aligned as asked traps, VMM_ASSERT), B+ tree nodes (512 bytes, aligned
 * 64), bitmap nodes and leaves (hbitmap.h), reservation store chunks (2304
 * bytes) and nodes (up to 4 KiB), and for vmm_alloc one block of 8 bytes per
 * page (its frames: vmm_alloc of 100000 pages asks for 800000 contiguous
 * bytes, before it knows whether the frames exist). Alignments are powers
 * of two up to 4096.
 */
#ifndef CORE_ALLOC_H
#define CORE_ALLOC_H

#include <stddef.h>
#include "vmm_cdefs.h"

VMM_BEGIN_DECLS

typedef struct vmm_allocator {
    /* Returns size bytes aligned to align (a power of two), or NULL. */
    void *(*alloc)(void *ctx, size_t size, size_t align);
    /* Returns memory obtained from alloc with the same size (not the
     * alignment: an allocator that needs it must derive it, e.g. from the
     * size, or record it). Never fails. */
    void (*free)(void *ctx, void *ptr, size_t size);
    void *ctx;
} vmm_allocator_t;

VMM_END_DECLS

#endif
