/* fuzz_alloc.c - failing, checking allocator (see fuzz_alloc.h). */
#define _DEFAULT_SOURCE /* mmap flags, scandir, posix_memalign */
#include "fuzz_alloc.h"

#include <stdint.h>
#include <stdlib.h>

#include "fuzz_check.h"

#define HEADER_MIN 64u      /* bytes before the block: size and magic */
#define BLOCK_MAGIC 0x5EC0DEu
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1u)) == 0)

typedef struct block_header {
    size_t size;
    size_t header;  /* bytes from the malloc'd start to the block */
    unsigned magic;
} block_header_t;

void fuzz_alloc_init(fuzz_alloc_t *fa)
{
    fa->live = 0;
    fa->fail_countdown = -1;
    fa->failures = 0;
}

void fuzz_alloc_fail_after(fuzz_alloc_t *fa, long n) { fa->fail_countdown = n; }

/* vmm_allocator_t.alloc: NULL when the countdown runs out. */
static void *fa_alloc(void *ctx, size_t size, size_t align)
{
    fuzz_alloc_t *fa = ctx;
    FUZZ_CHECK(IS_POW2(align), "alloc-align", "core asked for alignment %zu", align);
    if (fa->fail_countdown >= 0 && fa->fail_countdown-- == 0) {
        fa->failures++;
        return NULL;
    }
    size_t header = align > HEADER_MIN ? align : HEADER_MIN;
    void *raw = NULL;
    if (posix_memalign(&raw, header, header + size) != 0)
        return NULL;
    uint8_t *block = (uint8_t *)raw + header;
    block_header_t *h = (block_header_t *)(void *)(block - sizeof(block_header_t));
    h->size = size;
    h->header = header;
    h->magic = BLOCK_MAGIC;
    fa->live++;
    return block;
}

/* vmm_allocator_t.free: the size must be the allocation's. */
static void fa_free(void *ctx, void *ptr, size_t size)
{
    fuzz_alloc_t *fa = ctx;
    FUZZ_CHECK(ptr != NULL, "alloc-free-null", "core freed NULL");
    uint8_t *block = ptr;
    block_header_t *h = (block_header_t *)(void *)(block - sizeof(block_header_t));
    FUZZ_CHECK(h->magic == BLOCK_MAGIC, "alloc-free-foreign",
               "core freed %p, not a live block", ptr);
    FUZZ_CHECK(h->size == size, "alloc-free-size",
               "core freed %zu bytes of a %zu-byte block", size, h->size);
    h->magic = 0;
    fa->live--;
    free(block - h->header);
}

vmm_allocator_t fuzz_alloc_allocator(fuzz_alloc_t *fa)
{
    vmm_allocator_t a = { fa_alloc, fa_free, fa };
    return a;
}
