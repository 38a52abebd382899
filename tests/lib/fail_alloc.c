/* fail_alloc.c - the allocator double (see fail_alloc.h). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE, posix_memalign */
#include "fail_alloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "double_report.h"

#if defined(__SANITIZE_ADDRESS__)
#define FA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FA_ASAN 1
#endif
#endif
#ifdef FA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) __asan_poison_memory_region((p), (n))
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define MIN_ALIGN 32u          /* every block, arena or malloc               */
#define REDZONE 32u            /* poisoned bytes after each arena block      */
#define BLOCK_MAGIC 0xA110CA7EDB10C000ull
#define FREED_MAGIC 0xF4EEDF4EEDF4EED0ull
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1u)) == 0)
#define ALIGN_UP(x, a) (((x) + ((a) - 1u)) & ~((size_t)(a) - 1u))

/* Stored just below every block handed out. */
typedef struct block_header {
    uint64_t magic;
    size_t size;
    void *base;     /* malloc'd blocks: what to free; arena blocks: NULL */
} block_header_t;

#define HEADER_BYTES ALIGN_UP(sizeof(block_header_t), MIN_ALIGN)

void fail_alloc_init(fail_alloc_t *fa)
{
    *fa = (fail_alloc_t){ .countdown = -1 };
}

bool fail_alloc_use_arena(fail_alloc_t *fa, size_t bytes)
{
    if (fa->arena)
        return true;
    void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return false;
    fa->arena = m;
    fa->arena_bytes = bytes;
    fa->arena_used = 0;
    POISON(fa->arena, bytes);
    return true;
}

void fail_alloc_reset(fail_alloc_t *fa)
{
    fa->countdown = -1;
    fa->calls = 0;
    fa->failures = 0;
    if (fa->live == 0)
        fa->arena_used = 0; /* the used part stays poisoned until reused */
}

/* Returns the header of block, readable (until seal()). */
static block_header_t *header_of(void *block)
{
    block_header_t *h = (block_header_t *)(void *)((uint8_t *)block - sizeof(block_header_t));
    UNPOISON(h, sizeof *h);
    return h;
}

/* Poisons an arena block's header again (the core must not touch it). */
static void seal(block_header_t *h)
{
    if (h->base == NULL)
        POISON(h, sizeof *h);
}

/* Returns a block of size bytes aligned to align from the arena, or NULL
 * when there is none or it does not fit. */
static uint8_t *arena_alloc(fail_alloc_t *fa, size_t size, size_t align)
{
    if (!fa->arena)
        return NULL;
    size_t at = ALIGN_UP(fa->arena_used + HEADER_BYTES, align);
    if (size > fa->arena_bytes || at > fa->arena_bytes - size ||
        fa->arena_bytes - size - at < REDZONE)
        return NULL;
    fa->arena_used = ALIGN_UP(at + size + REDZONE, MIN_ALIGN);
    UNPOISON(fa->arena + at, size);
    header_of(fa->arena + at)->base = NULL;
    return fa->arena + at;
}

/* Returns a malloc'd block, or NULL: also for more than
 * FAIL_ALLOC_HOST_MAX bytes, as a kernel's allocator answers a request it
 * cannot meet (ASan's malloc would abort the process instead of returning
 * NULL: vmm_alloc of 2^34 pages asks for a 128 GiB frames block). */
static uint8_t *heap_alloc(size_t size, size_t align)
{
    size_t offset = ALIGN_UP(HEADER_BYTES, align);
    void *raw = NULL;
    if (size > FAIL_ALLOC_HOST_MAX)
        return NULL;
    if (posix_memalign(&raw, align, offset + size) != 0)
        return NULL;
    uint8_t *block = (uint8_t *)raw + offset;
    header_of(block)->base = raw;
    return block;
}

/* vmm_allocator_t.alloc: size bytes aligned to align; NULL on an armed
 * failure. */
static void *fa_alloc(void *ctx, size_t size, size_t align)
{
    fail_alloc_t *fa = ctx;
    DOUBLE_CHECK(IS_POW2(align), "alloc-align", "asked for alignment %zu", align);
    fa->calls++;
    if (double_countdown(&fa->countdown)) {
        fa->failures++;
        return NULL;
    }
    if (align < MIN_ALIGN)
        align = MIN_ALIGN;
    uint8_t *block = arena_alloc(fa, size, align);
    if (!block)
        block = heap_alloc(size, align);
    if (!block)
        return NULL;
    memset(block, FAIL_ALLOC_FRESH, size); /* never the zeroes of a fresh mapping */
    block_header_t *h = (block_header_t *)(void *)(block - sizeof(block_header_t));
    h->size = size;
    h->magic = BLOCK_MAGIC;
    seal(h);
    fa->live++;
    fa->live_bytes += size;
    return block;
}

/* vmm_allocator_t.free: ptr must be live, size its allocation's. */
static void fa_free(void *ctx, void *ptr, size_t size)
{
    fail_alloc_t *fa = ctx;
    DOUBLE_CHECK(ptr != NULL, "alloc-free-null", "freed NULL");
    uint8_t *block = ptr;
    bool in_arena = fa->arena && block >= fa->arena && block < fa->arena + fa->arena_bytes;
    DOUBLE_CHECK(!in_arena || block >= fa->arena + HEADER_BYTES, "alloc-free-foreign",
                 "freed %p, not a live block", ptr);
    block_header_t *h = header_of(block);
    DOUBLE_CHECK(h->magic == BLOCK_MAGIC && (h->base == NULL) == in_arena && fa->live != 0,
                 "alloc-free-foreign", "freed %p, not a live block%s", ptr,
                 h->magic == FREED_MAGIC ? " (freed before)" : "");
    DOUBLE_CHECK(h->size == size, "alloc-free-size", "freed %zu bytes of a %zu-byte block",
                 size, h->size);
    h->magic = FREED_MAGIC;
    fa->live--;
    fa->live_bytes -= size;
    if (in_arena) {
        seal(h);
        POISON(block, size); /* use after free: poisoned until the rewind */
    } else {
        free(h->base);
    }
}

vmm_allocator_t fail_alloc_iface(fail_alloc_t *fa)
{
    vmm_allocator_t a = {.alloc = fa_alloc, .free = fa_free, .ctx = fa};
    return a;
}
