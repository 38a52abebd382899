/*
 * heap.h - the kernel heap: first-fit over an address-sorted free list,
 * with coalescing. It starts on a static arena; the kernel adds regions
 * (pages from its VMM window) with kheap_add. Sizes are rounded up to
 * HEAP_GRAIN; the caller passes the size again to kheap_free (the core's
 * allocator interface), so blocks carry no header.
 */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"

#define HEAP_GRAIN 16u

typedef struct heap_block {
    struct heap_block *next; /* next free block, higher address */
    size_t size;             /* bytes, multiple of HEAP_GRAIN    */
} heap_block_t;

typedef struct kheap {
    heap_block_t *free;      /* free blocks sorted by address    */
    size_t free_bytes;       /* sum of the free blocks' sizes    */
    size_t total_bytes;      /* bytes ever added                 */
} kheap_t;

/* Makes h empty. */
void kheap_init(kheap_t *h);

/* Adds [base, base + size) to h (trimmed to HEAP_GRAIN alignment; regions
 * smaller than a grain are ignored). */
void kheap_add(kheap_t *h, void *base, size_t size);

/* Returns size bytes aligned to align (a power of two), or NULL when no
 * block fits or size is 0 or align is not a power of two. */
void *kheap_alloc(kheap_t *h, size_t size, size_t align);

/* Returns the block [p, p + size) obtained from kheap_alloc. */
void kheap_free(kheap_t *h, void *p, size_t size);

/* Returns the core's allocator interface bound to h. */
vmm_allocator_t kheap_allocator(kheap_t *h);

#endif
