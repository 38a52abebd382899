/* fuzz_alloc.c - failing, checking allocator over an arena (see fuzz_alloc.h). */
#define _DEFAULT_SOURCE /* mmap flags, scandir, posix_memalign */
#include "fuzz_alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "fuzz_check.h"

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif
#ifdef FUZZ_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) __asan_poison_memory_region((p), (n))
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define HEADER_MIN 64u        /* malloc'd blocks: bytes before the block   */
#define ARENA_BYTES (8u << 20) /* 256 ops x the largest record, with room  */
#define ARENA_ALIGN 16u       /* block alignment in the arena (at least)   */
#define REDZONE 32u           /* poisoned bytes after each arena block     */
#define BLOCK_MAGIC 0x5EC0DEu
#define FREED_MAGIC 0xF4EEDu
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1u)) == 0)
#define ALIGN_UP(x, a) (((x) + ((a) - 1u)) & ~((size_t)(a) - 1u))

typedef struct block_header {
    size_t size;
    size_t header;  /* malloc'd blocks: bytes from the malloc'd start  */
    unsigned magic;
    unsigned in_arena;
} block_header_t;

#define HEADER_BYTES ALIGN_UP(sizeof(block_header_t), ARENA_ALIGN)

void fuzz_alloc_init(fuzz_alloc_t *fa)
{
    fa->fail_countdown = -1;
    fa->failures = 0;
    if (fa->live == 0)
        fa->arena_used = 0; /* the used part stays poisoned until reused */
}

void fuzz_alloc_fail_after(fuzz_alloc_t *fa, long n) { fa->fail_countdown = n; }

/* Returns the header of block (readable until seal()). */
static block_header_t *header_of(void *block)
{
    block_header_t *h = (block_header_t *)(void *)((uint8_t *)block - sizeof(block_header_t));
    UNPOISON(h, sizeof *h);
    return h;
}

/* Poisons an arena block's header again (the core must not touch it). */
static void seal(block_header_t *h)
{
    if (h->in_arena)
        POISON(h, sizeof *h);
}

/* Returns true when fa's arena is mapped (maps and poisons it on first use;
 * false when the host has no memory: blocks then come from malloc). */
static bool arena_ready(fuzz_alloc_t *fa)
{
    if (fa->arena)
        return true;
    void *m = mmap(NULL, ARENA_BYTES, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return false;
    fa->arena = m;
    fa->arena_used = 0;
    POISON(fa->arena, ARENA_BYTES);
    return true;
}

/* Returns a block of size bytes aligned to align from the arena, or NULL
 * when it does not fit. */
static uint8_t *arena_alloc(fuzz_alloc_t *fa, size_t size, size_t align)
{
    if (!arena_ready(fa))
        return NULL;
    size_t a = align > ARENA_ALIGN ? align : ARENA_ALIGN;
    size_t at = ALIGN_UP(fa->arena_used + HEADER_BYTES, a);
    if (size > ARENA_BYTES || at > ARENA_BYTES - size || ARENA_BYTES - size - at < REDZONE)
        return NULL;
    fa->arena_used = ALIGN_UP(at + size + REDZONE, ARENA_ALIGN);
    UNPOISON(fa->arena + at, size);
    block_header_t *h = header_of(fa->arena + at);
    h->in_arena = 1;
    h->header = 0;
    return fa->arena + at;
}

/* Returns a malloc'd block (the arena is full), or NULL. */
static uint8_t *heap_alloc(size_t size, size_t align)
{
    size_t header = align > HEADER_MIN ? align : HEADER_MIN;
    void *raw = NULL;
    if (posix_memalign(&raw, header, header + size) != 0)
        return NULL;
    uint8_t *block = (uint8_t *)raw + header;
    block_header_t *h = header_of(block);
    h->in_arena = 0;
    h->header = header;
    return block;
}

/* vmm_allocator_t.alloc: NULL when the countdown runs out. */
static void *fa_alloc(void *ctx, size_t size, size_t align)
{
    fuzz_alloc_t *fa = ctx;
    FUZZ_CHECK(IS_POW2(align), "alloc-align", "core asked for alignment %zu", align);
    if (fa->fail_countdown >= 0 && fa->fail_countdown-- == 0) {
        fa->failures++;
        return NULL;
    }
    uint8_t *block = arena_alloc(fa, size, align);
    if (!block)
        block = heap_alloc(size, align);
    if (!block)
        return NULL;
    block_header_t *h = (block_header_t *)(void *)(block - sizeof(block_header_t));
    h->size = size;
    h->magic = BLOCK_MAGIC;
    seal(h);
    fa->live++;
    return block;
}

/* vmm_allocator_t.free: the size must be the allocation's. */
static void fa_free(void *ctx, void *ptr, size_t size)
{
    fuzz_alloc_t *fa = ctx;
    FUZZ_CHECK(ptr != NULL, "alloc-free-null", "core freed NULL");
    uint8_t *block = ptr;
    bool in_arena = fa->arena && block >= fa->arena && block < fa->arena + ARENA_BYTES;
    FUZZ_CHECK(!in_arena || block >= fa->arena + HEADER_BYTES, "alloc-free-foreign",
               "core freed %p, not a live block", ptr);
    block_header_t *h = header_of(block);
    FUZZ_CHECK(h->magic == BLOCK_MAGIC && h->in_arena == in_arena, "alloc-free-foreign",
               "core freed %p, not a live block%s", ptr,
               h->magic == FREED_MAGIC ? " (freed before)" : "");
    FUZZ_CHECK(h->size == size, "alloc-free-size",
               "core freed %zu bytes of a %zu-byte block", size, h->size);
    h->magic = FREED_MAGIC;
    fa->live--;
    if (in_arena) {
        seal(h);
        POISON(block, size); /* use after free: poisoned until the next input */
    } else {
        free(block - h->header);
    }
}

vmm_allocator_t fuzz_alloc_allocator(fuzz_alloc_t *fa)
{
    vmm_allocator_t a = { fa_alloc, fa_free, fa };
    return a;
}
