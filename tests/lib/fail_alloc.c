/* fail_alloc.c - see fail_alloc.h. */
#include "fail_alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define HEADER_MAGIC 0xA110CA7EDB10C000ull
#define MIN_ALIGN 32u

/* Header stored just below every block handed out. */
typedef struct header {
    uint64_t magic;
    size_t size;
    size_t offset; /* from the malloc'd base to the block */
    void *base;
} header_t;

void fail_alloc_init(fail_alloc_t *fa)
{
    fa->countdown = -1;
    fa->live = 0;
    fa->live_bytes = 0;
    fa->calls = 0;
    fa->failures = 0;
}

/* Returns size bytes aligned to align, NULL on an armed failure. */
static void *fa_alloc(void *ctx, size_t size, size_t align)
{
    fail_alloc_t *fa = ctx;
    fa->calls++;
    if (fa->countdown == 0) {
        fa->countdown = -1;
        fa->failures++;
        return NULL;
    }
    if (fa->countdown > 0)
        fa->countdown--;
    if (align < MIN_ALIGN)
        align = MIN_ALIGN;
    size_t offset = (sizeof(header_t) + align - 1) / align * align;
    char *base = malloc(offset + size + align);
    if (base == NULL)
        return NULL;
    char *block = (char *)(((uintptr_t)base + offset + align - 1) / align * align);
    header_t *h = (header_t *)(void *)(block - sizeof(header_t));
    h->magic = HEADER_MAGIC;
    h->size = size;
    h->offset = (size_t)(block - base);
    h->base = base;
    fa->live++;
    fa->live_bytes += size;
    return block;
}

/* Frees ptr; aborts on a size mismatch or a foreign pointer. */
static void fa_free(void *ctx, void *ptr, size_t size)
{
    fail_alloc_t *fa = ctx;
    if (ptr == NULL)
        return;
    header_t *h = (header_t *)(void *)((char *)ptr - sizeof(header_t));
    if (h->magic != HEADER_MAGIC || h->size != size || fa->live == 0) {
        fprintf(stderr, "fail_alloc: bad free of %p (size %zu, recorded %zu)\n",
                ptr, size, h->size);
        abort();
    }
    h->magic = 0;
    fa->live--;
    fa->live_bytes -= size;
    free(h->base);
}

vmm_allocator_t fail_alloc_iface(fail_alloc_t *fa)
{
    vmm_allocator_t a = {.alloc = fa_alloc, .free = fa_free, .ctx = fa};
    return a;
}
