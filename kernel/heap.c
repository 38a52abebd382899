/*
 * heap.c - the kernel heap (see heap.h).
 */
#include "heap.h"

#include <stdbool.h>

#define ROUND_UP(x, a) (((x) + ((uintptr_t)(a) - 1u)) & ~((uintptr_t)(a) - 1u))
#define ROUND_DOWN(x, a) ((x) & ~((uintptr_t)(a) - 1u))
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1u)) == 0)

void kheap_init(kheap_t *h)
{
    h->free = 0;
    h->free_bytes = 0;
    h->total_bytes = 0;
}

/* Returns the block starting at addr with size bytes (not yet linked). */
static heap_block_t *block_at(uintptr_t addr, size_t size)
{
    heap_block_t *b = (heap_block_t *)addr;
    b->size = size;
    b->next = 0;
    return b;
}

/* Inserts [addr, addr + size) into the sorted free list, merging it with
 * the neighbours it touches. */
static void insert_free(kheap_t *h, uintptr_t addr, size_t size)
{
    heap_block_t **link = &h->free;
    heap_block_t *prev = 0;
    while (*link != 0 && (uintptr_t)*link < addr) {
        prev = *link;
        link = &(*link)->next;
    }
    heap_block_t *next = *link;
    h->free_bytes += size;
    if (prev != 0 && (uintptr_t)prev + prev->size == addr) {
        prev->size += size;
        if (next != 0 && addr + size == (uintptr_t)next) {
            prev->size += next->size;
            prev->next = next->next;
        }
        return;
    }
    heap_block_t *b = block_at(addr, size);
    if (next != 0 && addr + size == (uintptr_t)next) {
        b->size += next->size;
        b->next = next->next;
    } else {
        b->next = next;
    }
    *link = b;
}

void kheap_add(kheap_t *h, void *base, size_t size)
{
    uintptr_t start = ROUND_UP((uintptr_t)base, HEAP_GRAIN);
    uintptr_t end = ROUND_DOWN((uintptr_t)base + size, HEAP_GRAIN);
    if (end <= start)
        return;
    h->total_bytes += end - start;
    insert_free(h, start, end - start);
}

void *kheap_alloc(kheap_t *h, size_t size, size_t align)
{
    if (size == 0 || !IS_POW2(align) || size > SIZE_MAX - HEAP_GRAIN)
        return 0;
    size = ROUND_UP(size, HEAP_GRAIN);
    if (align < HEAP_GRAIN)
        align = HEAP_GRAIN;
    for (heap_block_t **link = &h->free; *link != 0; link = &(*link)->next) {
        heap_block_t *b = *link;
        uintptr_t start = (uintptr_t)b;
        uintptr_t at = ROUND_UP(start, align);
        size_t pad = at - start;
        if (pad > b->size || b->size - pad < size)
            continue;
        size_t tail = b->size - pad - size;
        heap_block_t *next = b->next;
        /* Unlink b, then give back the padding in front and the tail. */
        *link = next;
        h->free_bytes -= b->size;
        if (pad != 0)
            insert_free(h, start, pad);
        if (tail != 0)
            insert_free(h, at + size, tail);
        return (void *)at;
    }
    return 0;
}

void kheap_free(kheap_t *h, void *p, size_t size)
{
    if (p == 0 || size == 0)
        return;
    insert_free(h, (uintptr_t)p, ROUND_UP(size, HEAP_GRAIN));
}

/* The allocator interface's callbacks. */
static void *heap_cb_alloc(void *ctx, size_t size, size_t align)
{
    return kheap_alloc(ctx, size, align);
}

static void heap_cb_free(void *ctx, void *ptr, size_t size)
{
    kheap_free(ctx, ptr, size);
}

vmm_allocator_t kheap_allocator(kheap_t *h)
{
    vmm_allocator_t a = { heap_cb_alloc, heap_cb_free, h };
    return a;
}
