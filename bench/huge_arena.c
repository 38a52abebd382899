/* huge_arena.c - bench memory on 2 MiB pages (see huge_arena.h). */
#define _GNU_SOURCE
#include "huge_arena.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_BYTES ((size_t)2 << 20)
#define ARENA_BYTES ((size_t)1 << 30)
#define SMALL_MAX (BENCH_ARENA_SMALL * 64u)
#define BIG_MIN_SHIFT 13u

/* Maps bytes of address space aligned to 2 MiB, asks for huge pages;
 * false when mmap fails (madvise failing leaves 4 KiB pages, which
 * bench_arena_note reports). */
static bool arena_init(bench_arena_t *a, size_t bytes)
{
    memset(a, 0, sizeof *a);
    char *raw = mmap(NULL, bytes + HUGE_BYTES, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED)
        return false;
    uintptr_t at = ((uintptr_t)raw + HUGE_BYTES - 1u) & ~(uintptr_t)(HUGE_BYTES - 1u);
    char *base = (char *)at;
    if (base > raw)
        munmap(raw, (size_t)(base - raw));
    if (base + bytes < raw + bytes + HUGE_BYTES)
        munmap(base + bytes, (size_t)(raw + bytes + HUGE_BYTES - (base + bytes)));
    (void)madvise(base, bytes, MADV_HUGEPAGE);
    a->base = a->bump = base;
    a->end = base + bytes;
    return true;
}

bench_arena_t *bench_huge_arena(void)
{
    static bench_arena_t arena;
    static int state; /* 0 untried, 1 ready, -1 failed */
    if (state == 0)
        state = arena_init(&arena, ARENA_BYTES) ? 1 : -1;
    return state == 1 ? &arena : NULL;
}

/* Returns the free list of size, and the class's block bytes in *bytes. */
static void **class_of(bench_arena_t *a, size_t size, size_t *bytes)
{
    if (size == 0)
        size = 1;
    if (size <= SMALL_MAX) {
        size_t k = (size + 63u) / 64u - 1u;
        *bytes = (k + 1u) * 64u;
        return &a->small[k];
    }
    unsigned k = BIG_MIN_SHIFT;
    while (((size_t)1 << k) < size)
        k++;
    *bytes = (size_t)1 << k;
    return k < BENCH_ARENA_BIG ? &a->big[k] : NULL;
}

void *bench_arena_alloc(bench_arena_t *a, size_t size, size_t align)
{
    size_t bytes;
    void **list = class_of(a, size, &bytes);
    if (list == NULL || align == 0 || (align & (align - 1u)) != 0 || align > HUGE_BYTES)
        return NULL;
    void *head = *list;
    if (head != NULL && ((uintptr_t)head & (align - 1u)) == 0) {
        *list = *(void **)head;
        return head;
    }
    /* a block is aligned to its class (up to 2 MiB) or to align if more:
     * a big block does not straddle more huge pages than it must */
    size_t want = bytes > SMALL_MAX ? (bytes < HUGE_BYTES ? bytes : HUGE_BYTES) : 64u;
    if (want < align)
        want = align;
    uintptr_t at = ((uintptr_t)a->bump + want - 1u) & ~(uintptr_t)(want - 1u);
    if (at > (uintptr_t)a->end || bytes > (size_t)((uintptr_t)a->end - at))
        return NULL;
    a->bump = (char *)at + bytes;
    return (void *)at;
}

void bench_arena_free(bench_arena_t *a, void *ptr, size_t size)
{
    size_t bytes;
    void **list = class_of(a, size, &bytes);
    if (ptr == NULL || list == NULL)
        return;
    *(void **)ptr = *list;
    *list = ptr;
}

static void *arena_alloc_cb(void *ctx, size_t size, size_t align)
{
    return bench_arena_alloc(ctx, size, align);
}

static void arena_free_cb(void *ctx, void *ptr, size_t size)
{
    bench_arena_free(ctx, ptr, size);
}

vmm_allocator_t bench_arena_allocator(bench_arena_t *a)
{
    return (vmm_allocator_t){arena_alloc_cb, arena_free_cb, a};
}

bool bench_arena_pages(const bench_arena_t *a, size_t *rss_kb, size_t *huge_kb)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (f == NULL)
        return false;
    char line[512];
    bool in = false, got_rss = false, got_huge = false;
    uintptr_t at = (uintptr_t)a->base;
    *rss_kb = *huge_kb = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        uintptr_t lo, hi;
        size_t kb;
        if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &lo, &hi) == 2) { /* a mapping's line */
            if (in)
                break; /* past the arena's mapping */
            in = lo <= at && at < hi;
        } else if (in && sscanf(line, "Rss: %zu kB", &kb) == 1) {
            *rss_kb = kb;
            got_rss = true;
        } else if (in && sscanf(line, "AnonHugePages: %zu kB", &kb) == 1) {
            *huge_kb = kb;
            got_huge = true;
        }
    }
    fclose(f);
    return got_rss && got_huge;
}

bool bench_arena_note(const bench_arena_t *a, char *buf, size_t len)
{
    size_t rss, huge;
    if (!bench_arena_pages(a, &rss, &huge)) {
        snprintf(buf, len, "NOT known to be on 2 MiB pages (/proc/self/smaps unreadable): "
                           "maybe a 4 KiB figure");
        return false;
    }
    if (huge == 0) {
        snprintf(buf, len, "NOT on 2 MiB pages: the kernel gave the arena no huge page "
                           "(THP off?), a 4 KiB figure (%zu KiB resident)", rss);
        return false;
    }
    if (huge < rss) {
        snprintf(buf, len, "NOT all on 2 MiB pages: %zu of the arena's %zu resident KiB",
                 huge, rss);
        return false;
    }
    snprintf(buf, len, "%zu KiB of arena, all on 2 MiB pages", huge);
    return true;
}
