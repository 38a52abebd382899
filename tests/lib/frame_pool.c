/* fuzz_phys.c - host memory as a frame source (see frame_pool.h). */
#define _DEFAULT_SOURCE /* mmap flags, scandir, posix_memalign */
#include "frame_pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "double_report.h"

#define FRAME_INDEX(fp, p) ((size_t)(((p) - (fp)->base) >> VMM_PAGE_SHIFT))
#define FRAME_ADDR(fp, i) ((fp)->base + ((uint64_t)(i) << VMM_PAGE_SHIFT))
#define POISON_STRIDE FRAME_POOL_POISON_STRIDE
#define POISON_WORD (0x0101010101010101ull * FRAME_POOL_POISON)
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1u)) == 0)
/* The pool's host memory is an mmap ASan never poisons: its checks on the
 * poison stores can find nothing (the index is checked against nframes).
 * The per-frame paths (take, free, is_used, the free stack, run search)
 * index used[] and free_stack only below bounds they test first (nframes,
 * frame_pool_clip, 2 * nframes): ASan's check of every access there found
 * nothing and cost a fifth of the pool's time in the vmm fuzz target. */
#if defined(__clang__) || defined(__GNUC__)
#define NO_ASAN __attribute__((no_sanitize("address")))
#else
#define NO_ASAN
#endif

void frame_pool_create(frame_pool_t *fp, uint64_t base, size_t nframes)
{
    memset(fp, 0, sizeof *fp);
    /* mmap: pages are committed only when first touched. */
    void *host = mmap(NULL, nframes * VMM_PAGE_SIZE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    fp->used = calloc(nframes, 1);
    fp->free_stack = malloc(2u * nframes * sizeof *fp->free_stack);
    if (host == MAP_FAILED || !fp->used || !fp->free_stack) {
        fprintf(stderr, "frame_pool: out of host memory\n");
        abort();
    }
    fp->host = host;
    fp->base = base;
    fp->nframes = nframes;
    /* Lowest frame on top: allocation order is deterministic. */
    for (size_t i = 0; i < nframes; i++)
        fp->free_stack[i] = (uint32_t)(nframes - 1u - i);
    fp->free_top = nframes;
    fp->free_low = nframes;
    fp->kept_top = nframes;
}

void *frame_pool_host(const frame_pool_t *fp, uint64_t p)
{
    return fp->host + (p - fp->base);
}

uint64_t frame_pool_offset(const frame_pool_t *fp)
{
    return (uint64_t)(uintptr_t)fp->host - fp->base;
}

bool frame_pool_owns(const frame_pool_t *fp, uint64_t p)
{
    return p >= fp->base && (p & VMM_PAGE_MASK) == 0 &&
           FRAME_INDEX(fp, p) < fp->nframes;
}

/* Clears the poison words of count frames; see frame_pool.h. */
NO_ASAN void frame_pool_unpoison(const frame_pool_t *fp, uint64_t phys, size_t count)
{
    for (size_t i = 0; i < count; i++, phys += VMM_PAGE_SIZE) {
        uint8_t *frame = frame_pool_host(fp, phys);
        for (size_t off = 0; off < VMM_PAGE_SIZE; off += POISON_STRIDE)
            *(volatile uint64_t *)(void *)(frame + off) = 0;
    }
}

/* Returns true when a poison word is left; see frame_pool.h. */
NO_ASAN bool frame_pool_poisoned(const frame_pool_t *fp, uint64_t phys)
{
    const uint8_t *frame = frame_pool_host(fp, phys);
    for (size_t off = 0; off < VMM_PAGE_SIZE; off += POISON_STRIDE)
        if (*(const volatile uint64_t *)(const void *)(frame + off) == POISON_WORD)
            return true;
    return false;
}

NO_ASAN bool frame_pool_is_used(const frame_pool_t *fp, uint64_t p)
{
    return frame_pool_owns(fp, p) && fp->used[FRAME_INDEX(fp, p)];
}

size_t frame_pool_in_use(const frame_pool_t *fp) { return fp->in_use; }

/* Marks frame i handed out and, when poison, poisons it: one word in every
 * 512 bytes (enough for a walk to see a table the core did not zero).
 * frame_pool_take poisons every single frame (a table is always one frame)
 * and the first frame of a run: poisoning all 512 frames of a 2M data page
 * touched 4096 cold cache lines, ~7% of the time per input, and showed
 * nothing (the core never reads a data page; a walk through a stale table
 * reference is caught by walk-table-frame or the walk's own checks). */
NO_ASAN static void take(frame_pool_t *fp, size_t i, bool poison)
{
    fp->used[i] = 1;
    fp->in_use++;
    fp->allocs++;
    uint8_t *frame = fp->host + i * VMM_PAGE_SIZE;
    /* plain stores, not memset: ASan's memset interceptor checked the
     * range on every call (a fifth of the vmm target's time) */
    for (size_t off = 0; poison && off < VMM_PAGE_SIZE; off += POISON_STRIDE)
        *(volatile uint64_t *)(void *)(frame + off) = POISON_WORD;
}

/* Rebuilds the free stack from used[], lowest frame on top (when stale
 * entries fill it up). */
static void rebuild_free_stack(frame_pool_t *fp)
{
    fp->free_top = 0;
    fp->free_low = 0; /* every entry rewritten: frame_pool_reset redoes all */
    for (size_t i = fp->nframes; i-- > 0;)
        if (!fp->used[i])
            fp->free_stack[fp->free_top++] = (uint32_t)i;
}

/* Pushes free frame i. */
NO_ASAN static void push_free(frame_pool_t *fp, size_t i)
{
    if (fp->free_top == 2u * fp->nframes)
        rebuild_free_stack(fp); /* drops stale entries, then i is missing */
    if (fp->free_top < 2u * fp->nframes)
        fp->free_stack[fp->free_top++] = (uint32_t)i;
}

/* Pops the free stack, skipping stale entries (frames taken by a claim or a
 * contiguous allocation, or pushed twice). Returns an index or nframes. */
NO_ASAN static size_t pop_free(frame_pool_t *fp)
{
    while (fp->free_top) {
        size_t i = fp->free_stack[--fp->free_top];
        if (fp->free_top < fp->free_low)
            fp->free_low = fp->free_top;
        if (!fp->used[i])
            return i;
    }
    return fp->nframes;
}

/* Finds count free frames whose first frame number (physical) is a
 * multiple of align. Returns the first index or nframes. */
NO_ASAN static size_t find_run(const frame_pool_t *fp, size_t count, size_t align)
{
    size_t phase = (size_t)((align - ((fp->base >> VMM_PAGE_SHIFT) & (align - 1u))) & (align - 1u));
    for (size_t s = phase; s + count <= fp->nframes; s += align) {
        size_t k = 0;
        while (k < count && !fp->used[s + k])
            k++;
        if (k == count)
            return s;
    }
    return fp->nframes;
}

/* vmm_frames_t.alloc */
static vmm_status_t phys_alloc(void *ctx, size_t count, size_t align, uint64_t *phys)
{
    frame_pool_t *fp = ctx;
    if (count == 0 || !IS_POW2(align))
        return VMM_ERR_INVALID_ARGUMENT;
    return frame_pool_take(fp, count, align, phys) ? VMM_OK : VMM_ERR_OUT_OF_FRAMES;
}

size_t frame_pool_clip(const frame_pool_t *fp, uint64_t phys, uint64_t count, size_t *first)
{
    uint64_t pool_end = fp->base + (uint64_t)fp->nframes * VMM_PAGE_SIZE;
    uint64_t end = count > (UINT64_MAX - phys) >> VMM_PAGE_SHIFT ? UINT64_MAX
                                                                 : phys + count * VMM_PAGE_SIZE;
    uint64_t lo = phys > fp->base ? phys : fp->base;
    uint64_t hi = end < pool_end ? end : pool_end;
    *first = lo < hi ? FRAME_INDEX(fp, lo) : 0;
    return lo < hi ? (size_t)((hi - lo) >> VMM_PAGE_SHIFT) : 0;
}

/* Returns true when [phys, phys + count frames) is a valid frame-source
 * range: phys aligned, count > 0, no wrap-around. */
static bool range_args_ok(uint64_t phys, size_t count)
{
    return (phys & VMM_PAGE_MASK) == 0 && count != 0 &&
           count <= (UINT64_MAX - phys) / VMM_PAGE_SIZE;
}

/* vmm_frames_t.free: frames outside the pool are unmanaged and skipped;
 * every pool frame of the range must be in use. */
NO_ASAN static vmm_status_t phys_free(void *ctx, uint64_t phys, size_t count)
{
    frame_pool_t *fp = ctx;
    DOUBLE_CHECK(range_args_ok(phys, count), "frames-free-args",
                 "freed %zu frames at 0x%llx", count, (unsigned long long)phys);
    size_t first, n = frame_pool_clip(fp, phys, count, &first);
    for (size_t i = first; i < first + n; i++)
        DOUBLE_CHECK(fp->used[i], "frames-double-free", "freed frame 0x%llx, which is not "
                   "in use", (unsigned long long)FRAME_ADDR(fp, i));
    for (size_t i = first; i < first + n; i++) {
        fp->used[i] = 0;
        fp->in_use--;
        push_free(fp, i);
    }
    return VMM_OK;
}

/* vmm_frames_t.claim: marks the pool frames of the range used; frames
 * outside the pool are unmanaged and skipped. All or nothing. */
static vmm_status_t phys_claim(void *ctx, uint64_t phys, size_t count)
{
    frame_pool_t *fp = ctx;
    if (!range_args_ok(phys, count))
        return VMM_ERR_INVALID_ARGUMENT;
    size_t first, n = frame_pool_clip(fp, phys, count, &first);
    for (size_t i = first; i < first + n; i++)
        if (fp->used[i])
            return VMM_ERR_PHYS_ALREADY_ALLOCATED;
    for (size_t i = first; i < first + n; i++) {
        fp->used[i] = 1;
        fp->in_use++;
    }
    return VMM_OK;
}

/* vmm_frames_t.in_use: VMM_OK when every pool frame of the range is in use,
 * VMM_ERR_FRAME_NOT_USED when one is free; frames outside the pool are
 * unmanaged and skipped. A count of 0 or a range that wraps is a caller bug
 * (the VMM asks about one whole page). */
static vmm_status_t phys_in_use(void *ctx, uint64_t phys, size_t count)
{
    const frame_pool_t *fp = ctx;
    DOUBLE_CHECK(range_args_ok(phys, count), "frames-in-use-args",
                 "asked about %zu frames at 0x%llx", count, (unsigned long long)phys);
    size_t first, n = frame_pool_clip(fp, phys, count, &first);
    for (size_t i = first; i < first + n; i++)
        if (!fp->used[i])
            return VMM_ERR_FRAME_NOT_USED;
    return VMM_OK;
}

NO_ASAN bool frame_pool_take(frame_pool_t *fp, size_t count, size_t align, uint64_t *phys)
{
    size_t first = count == 1 && align == 1 ? pop_free(fp) : find_run(fp, count, align);
    if (first >= fp->nframes)
        return false;
    for (size_t k = 0; k < count; k++)
        take(fp, first + k, count == 1 || k == 0);
    *phys = FRAME_ADDR(fp, first);
    return true;
}

bool frame_pool_keep(frame_pool_t *fp)
{
    if (fp->free_low != fp->free_top || fp->in_use != fp->nframes - fp->free_top)
        return false;
    for (size_t k = fp->free_top; k < fp->nframes; k++)
        if (fp->free_stack[k] != (uint32_t)(fp->nframes - 1u - k) ||
            !fp->used[fp->nframes - 1u - k])
            return false;
    fp->kept = fp->in_use;
    fp->kept_top = fp->free_top;
    return true;
}

bool frame_pool_reset(frame_pool_t *fp)
{
    if (fp->in_use != fp->kept)
        return false;
    for (size_t k = fp->kept_top; k < fp->nframes; k++)
        if (!fp->used[fp->nframes - 1u - k])
            return false; /* a kept frame was freed, another one leaked */
    for (size_t k = fp->free_low; k < fp->kept_top; k++)
        fp->free_stack[k] = (uint32_t)(fp->nframes - 1u - k);
    fp->free_top = fp->free_low = fp->kept_top;
    return true;
}

bool frame_pool_has_run(const frame_pool_t *fp, size_t count, size_t align)
{
    return count != 0 && IS_POW2(align) && find_run(fp, count, align) < fp->nframes;
}

vmm_frames_t frame_pool_frames(frame_pool_t *fp)
{
    vmm_frames_t f = { phys_alloc, phys_free, phys_claim, fp, phys_in_use, 0 };
    return f;
}
