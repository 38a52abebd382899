/*
 * huge_arena.h - bench memory on 2 MiB pages, as a kernel's direct map.
 *
 * A kernel hands the VMM memory of its direct map, which it maps with
 * large pages (core/x86_64: 1 GiB / 2 MiB): the VMM's structures cost no
 * 4 KiB TLB entry each. The host heap gives 4 KiB pages (THP here is
 * "madvise" only). The arena is one 2 MiB-aligned anonymous mapping with
 * MADV_HUGEPAGE that a bump pointer carves, with a free list per size
 * class so that blocks are reused as a heap reuses them: 64-byte classes
 * up to 4096 bytes, powers of two above. Host bench code, not core: it
 * uses libc and never gives memory back to the kernel.
 *
 * Whether the kernel backed the arena with huge pages is its choice (THP):
 * bench_arena_pages says how much of it is, and every row timed in the
 * arena prints that (a row with no huge page says so: it is then a 4 KiB
 * figure, not the 2 MiB one).
 */
#ifndef BENCH_HUGE_ARENA_H
#define BENCH_HUGE_ARENA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/alloc.h"

#define BENCH_ARENA_SMALL 64u   /* 64-byte classes up to 4096 bytes  */
#define BENCH_ARENA_BIG 48u     /* power-of-two classes above         */

typedef struct bench_arena {
    char *base, *bump, *end;
    void *small[BENCH_ARENA_SMALL]; /* class k: (k + 1) * 64 bytes      */
    void *big[BENCH_ARENA_BIG];     /* class k: 2^k bytes (k >= 13)     */
} bench_arena_t;

/* Returns the process's arena (1 GiB of address space, touched on use),
 * created on first use; NULL when the mapping failed. */
bench_arena_t *bench_huge_arena(void);

/* Returns size bytes aligned to align (a power of two <= 2 MiB), or NULL. */
void *bench_arena_alloc(bench_arena_t *a, size_t size, size_t align);
/* Gives back a block of size bytes from bench_arena_alloc. */
void bench_arena_free(bench_arena_t *a, void *ptr, size_t size);

/* The arena as a core allocator. */
vmm_allocator_t bench_arena_allocator(bench_arena_t *a);

/* Stores the arena mapping's resident and AnonHugePages KiB (from
 * /proc/self/smaps); false when they could not be read. */
bool bench_arena_pages(const bench_arena_t *a, size_t *rss_kb, size_t *huge_kb);

/* Formats "N KiB of arena, all on 2 MiB pages" into buf and returns true;
 * or the warning that the kernel gave the arena no huge page, or not only
 * huge pages (or that smaps could not be read), and returns false. */
bool bench_arena_note(const bench_arena_t *a, char *buf, size_t len);

#endif
