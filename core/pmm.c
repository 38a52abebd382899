/*
 * pmm.c - the physical frame manager (see pmm.h for the API).
 *
 * Frame f is the 4 KiB frame at f * VMM_PAGE_SIZE. Two bitmaps over the
 * caller's storage: `used` (allocated or reserved) and `reserved` (never
 * allocatable). A reserved frame is always also used, so "free" is simply
 * "not used". Frames >= num_frames are outside managed memory.
 *
 * Every public function validates its whole input before writing anything,
 * so an error leaves the manager exactly as it was.
 */
#include "pmm.h"

#include "vmm_assert.h"

#define FRAME_OF(addr) ((addr) >> VMM_PAGE_SHIFT)
#define ADDR_OF(frame) ((uint64_t)(frame) << VMM_PAGE_SHIFT)
#define IS_PAGE_ALIGNED(addr) (((addr) & VMM_PAGE_MASK) == 0)
/* First frame wholly inside [base, ...): base rounded up to a frame. */
#define FRAME_CEIL(addr) (((addr) >> VMM_PAGE_SHIFT) + (((addr) & VMM_PAGE_MASK) != 0))
#define IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1u)) == 0)

/* Returns true when [base, base + length) runs past the last byte of the
 * address space. A range may end exactly at 2^64, as x86_boot_init allows. */
static bool range_wraps(uint64_t base, uint64_t length)
{
    return length != 0 && length - 1u > UINT64_MAX - base;
}

/* The frame numbers just past a non-empty range that does not wrap:
 * floor and ceiling of (base + length) / 4 KiB, exact when the range ends
 * at 2^64 (where base + length itself would be 0). */
#define LAST_BYTE(base, len) ((base) + ((len) - 1u))
#define END_FRAME_FLOOR(base, len) \
    (FRAME_OF(LAST_BYTE(base, len)) + ((LAST_BYTE(base, len) & VMM_PAGE_MASK) == VMM_PAGE_MASK))
#define END_FRAME_CEIL(base, len) (FRAME_OF(LAST_BYTE(base, len)) + 1u)

/* Returns the number of whole frames below the end of the highest usable
 * entry that holds at least one whole frame; 0 when there is none. Entries
 * whose end wraps are ignored (pmm_init rejects them). */
static uint64_t managed_frames(const memmap_entry_t *map, size_t count)
{
    uint64_t top = 0;
    for (size_t i = 0; map != 0 && i < count; i++) {
        const memmap_entry_t *e = &map[i];
        if (e->type != MEMMAP_USABLE || e->length == 0 || range_wraps(e->base, e->length))
            continue;
        uint64_t first = FRAME_CEIL(e->base);
        uint64_t end = END_FRAME_FLOOR(e->base, e->length);
        if (end > first && end > top)
            top = end;
    }
    return top;
}

/* Returns the storage words for num_frames frames (two bitmaps), or 0 when
 * that number does not fit a size_t. */
static size_t words_for(uint64_t num_frames)
{
    if (num_frames == 0 || num_frames > SIZE_MAX / 2u - BITMAP_WORD_BITS)
        return 0;
    return 2u * BITMAP_WORDS((size_t)num_frames);
}

/* Returns the storage words pmm_init needs for map (0: no usable frame). */
size_t pmm_storage_words(const memmap_entry_t *map, size_t count)
{
    if (map == 0)
        return 0;
    return words_for(managed_frames(map, count));
}

/* Returns the lowest free frame >= from, or num_frames when there is none.
 * Skips whole used words. */
static size_t next_free(const pmm_t *pmm, size_t from)
{
    const bitmap_t *bm = &pmm->used;
    if (from >= pmm->num_frames)
        return pmm->num_frames;
    size_t w = from / BITMAP_WORD_BITS;
    uint64_t free_bits = ~bm->words[w] & (UINT64_MAX << (from % BITMAP_WORD_BITS));
    while (free_bits == 0) {
        if (++w >= bm->num_words)
            return pmm->num_frames;
        free_bits = ~bm->words[w];
    }
    size_t f = w * BITMAP_WORD_BITS;
    while ((free_bits & 1u) == 0) {
        free_bits >>= 1;
        f++;
    }
    return f < pmm->num_frames ? f : pmm->num_frames; /* tail bits are 0 */
}

/* Keeps the hint the lowest free frame after frames [f, f + n) became used. */
static void hint_after_use(pmm_t *pmm, size_t f, size_t n)
{
    if (pmm->hint >= f && pmm->hint < f + n)
        pmm->hint = next_free(pmm, f + n);
}

/* Keeps the hint the lowest free frame after frame f became free. */
static void hint_after_free(pmm_t *pmm, size_t f)
{
    if (f < pmm->hint)
        pmm->hint = f;
}

/* Applies one map entry to freshly initialised bitmaps (everything reserved):
 * a usable entry frees its whole frames, any other type reserves every frame
 * it touches. Frames beyond num_frames are ignored. */
static void apply_entry(pmm_t *pmm, const memmap_entry_t *e, bool usable)
{
    uint64_t first = usable ? FRAME_CEIL(e->base) : FRAME_OF(e->base);
    uint64_t end = usable ? END_FRAME_FLOOR(e->base, e->length)
                          : END_FRAME_CEIL(e->base, e->length);
    if (end > pmm->num_frames)
        end = pmm->num_frames;
    if (first >= end)
        return;
    size_t n = (size_t)(end - first);
    if (usable) {
        (void)bitmap_clear_range(&pmm->used, (size_t)first, n);
        (void)bitmap_clear_range(&pmm->reserved, (size_t)first, n);
    } else {
        (void)bitmap_set_range(&pmm->used, (size_t)first, n);
        (void)bitmap_set_range(&pmm->reserved, (size_t)first, n);
    }
}

/* Builds the manager from map; see pmm.h for the errors. */
vmm_status_t pmm_init(pmm_t *pmm, const memmap_entry_t *map, size_t count,
                      uint64_t *storage, size_t storage_words)
{
    if (pmm == 0 || map == 0 || storage == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    for (size_t i = 0; i < count; i++)
        if (range_wraps(map[i].base, map[i].length))
            return VMM_ERR_OVERFLOW;
    uint64_t frames = managed_frames(map, count);
    size_t words = words_for(frames);
    if (words == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (storage_words < words)
        return VMM_ERR_OUT_OF_BOUNDS;

    size_t half = words / 2u;
    pmm->num_frames = (size_t)frames;
    pmm->hint = 0;
    (void)bitmap_init(&pmm->used, storage, half, pmm->num_frames);
    (void)bitmap_init(&pmm->reserved, storage + half, half, pmm->num_frames);
    (void)bitmap_set_range(&pmm->used, 0, pmm->num_frames);
    (void)bitmap_set_range(&pmm->reserved, 0, pmm->num_frames);
    /* Usable first, then the rest: a frame touched by any non-usable entry
     * stays reserved whatever the order of the map. */
    for (size_t i = 0; i < count; i++)
        if (map[i].length != 0 && map[i].type == MEMMAP_USABLE)
            apply_entry(pmm, &map[i], true);
    for (size_t i = 0; i < count; i++)
        if (map[i].length != 0 && map[i].type != MEMMAP_USABLE)
            apply_entry(pmm, &map[i], false);
    pmm->hint = next_free(pmm, 0);
    return VMM_OK;
}

/* Returns true when frame f is managed and reserved. */
static bool frame_reserved(const pmm_t *pmm, size_t f)
{
    bool r = false;
    (void)bitmap_test(&pmm->reserved, f, &r);
    return r;
}

/* Returns true when frame f (managed) is used. */
static bool frame_used(const pmm_t *pmm, size_t f)
{
    bool u = false;
    (void)bitmap_test(&pmm->used, f, &u);
    return u;
}

/* Clips the frame range [first, first + count) to managed memory; stores the
 * number of managed frames in *n (0 when none). */
static void clip(const pmm_t *pmm, uint64_t first, uint64_t count, size_t *n)
{
    if (first >= pmm->num_frames) {
        *n = 0;
        return;
    }
    uint64_t room = pmm->num_frames - first;
    *n = (size_t)(count < room ? count : room);
}

/* Returns true when some frame of the managed range [f, f + n) is allocated
 * (used but not reserved). */
static bool any_allocated(const pmm_t *pmm, size_t f, size_t n)
{
    if (bitmap_range_clear(&pmm->used, f, n))
        return false;
    for (size_t i = f; i < f + n; i++)
        if (frame_used(pmm, i) && !frame_reserved(pmm, i))
            return true;
    return false;
}

/* Reserves the frames touched by [base, base + length). Errors:
 * VMM_ERR_INVALID_ARGUMENT (length 0), VMM_ERR_OVERFLOW (wraps),
 * VMM_ERR_PHYS_ALREADY_ALLOCATED (one of them is allocated). */
vmm_status_t pmm_reserve(pmm_t *pmm, uint64_t base, uint64_t length)
{
    if (pmm == 0 || length == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (range_wraps(base, length))
        return VMM_ERR_OVERFLOW;
    uint64_t first = FRAME_OF(base);
    uint64_t end = END_FRAME_CEIL(base, length);
    size_t n;
    clip(pmm, first, end - first, &n);
    if (n == 0)
        return VMM_OK;
    if (any_allocated(pmm, (size_t)first, n))
        return VMM_ERR_PHYS_ALREADY_ALLOCATED;
    (void)bitmap_set_range(&pmm->used, (size_t)first, n);
    (void)bitmap_set_range(&pmm->reserved, (size_t)first, n);
    hint_after_use(pmm, (size_t)first, n);
    return VMM_OK;
}

/* Allocates the lowest free frame (the hint) and stores it in *phys.
 * VMM_ERR_INVALID_ARGUMENT (pmm or phys NULL), VMM_ERR_OUT_OF_FRAMES. */
vmm_status_t pmm_alloc(pmm_t *pmm, uint64_t *phys)
{
    if (pmm == 0 || phys == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    size_t f = pmm->hint;
    if (f >= pmm->num_frames)
        return VMM_ERR_OUT_OF_FRAMES;
    VMM_ASSERT(!frame_used(pmm, f)); /* the hint is the lowest free frame */
    (void)bitmap_set(&pmm->used, f);
    pmm->hint = next_free(pmm, f + 1u);
    *phys = ADDR_OF(f);
    return VMM_OK;
}

/* Allocates count contiguous frames, the first a multiple of align frames,
 * first-fit; stores it in *phys. VMM_ERR_INVALID_ARGUMENT (count 0, align
 * not a power of two, phys NULL), VMM_ERR_OUT_OF_FRAMES. */
vmm_status_t pmm_alloc_contiguous(pmm_t *pmm, size_t count, size_t align,
                                  uint64_t *phys)
{
    if (pmm == 0 || count == 0 || !IS_POW2(align) || phys == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    size_t f;
    /* No free frame lies below the hint. Starting from a multiple of align
     * fixes the phase: frame numbers become multiples of align. */
    size_t from = pmm->hint + (align - 1u - (pmm->hint + align - 1u) % align);
    if (from < pmm->hint || from > pmm->num_frames ||
        bitmap_find_set(&pmm->used, count, align, from, &f) != VMM_OK)
        return VMM_ERR_OUT_OF_FRAMES;
    hint_after_use(pmm, f, count);
    *phys = ADDR_OF(f);
    return VMM_OK;
}

/* Checks that phys names one managed, non-reserved frame; stores it in *f.
 * Returns VMM_ERR_MISALIGNED, VMM_ERR_OUT_OF_BOUNDS or
 * VMM_ERR_FRAME_RESERVED otherwise. */
static vmm_status_t own_frame(const pmm_t *pmm, uint64_t phys, size_t *f)
{
    if (!IS_PAGE_ALIGNED(phys))
        return VMM_ERR_MISALIGNED;
    if (FRAME_OF(phys) >= pmm->num_frames)
        return VMM_ERR_OUT_OF_BOUNDS;
    *f = (size_t)FRAME_OF(phys);
    if (frame_reserved(pmm, *f))
        return VMM_ERR_FRAME_RESERVED;
    return VMM_OK;
}

/* Frees one allocated frame; own_frame's errors, VMM_ERR_FRAME_NOT_USED. */
vmm_status_t pmm_free(pmm_t *pmm, uint64_t phys)
{
    size_t f;
    if (pmm == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    vmm_status_t st = own_frame(pmm, phys, &f);
    if (st != VMM_OK)
        return st;
    if (!frame_used(pmm, f))
        return VMM_ERR_FRAME_NOT_USED;
    (void)bitmap_clear(&pmm->used, f);
    hint_after_free(pmm, f);
    return VMM_OK;
}

/* Marks one free frame allocated; own_frame's errors,
 * VMM_ERR_PHYS_ALREADY_ALLOCATED. */
vmm_status_t pmm_claim(pmm_t *pmm, uint64_t phys)
{
    size_t f;
    if (pmm == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    vmm_status_t st = own_frame(pmm, phys, &f);
    if (st != VMM_OK)
        return st;
    if (frame_used(pmm, f))
        return VMM_ERR_PHYS_ALREADY_ALLOCATED;
    (void)bitmap_set(&pmm->used, f);
    hint_after_use(pmm, f, 1);
    return VMM_OK;
}

/* Stores in *used whether the frame holding phys is used. Errors:
 * VMM_ERR_INVALID_ARGUMENT (used NULL), VMM_ERR_OUT_OF_BOUNDS (unmanaged). */
vmm_status_t pmm_is_used(const pmm_t *pmm, uint64_t phys, bool *used)
{
    if (pmm == 0 || used == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (FRAME_OF(phys) >= pmm->num_frames)
        return VMM_ERR_OUT_OF_BOUNDS;
    *used = frame_used(pmm, (size_t)FRAME_OF(phys));
    return VMM_OK;
}

/* Stores in *reserved whether the frame holding phys is reserved; the
 * errors of pmm_is_used. */
vmm_status_t pmm_is_reserved(const pmm_t *pmm, uint64_t phys, bool *reserved)
{
    if (pmm == 0 || reserved == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (FRAME_OF(phys) >= pmm->num_frames)
        return VMM_ERR_OUT_OF_BOUNDS;
    *reserved = frame_reserved(pmm, (size_t)FRAME_OF(phys));
    return VMM_OK;
}

/* Returns the number of free frames. */
size_t pmm_free_count(const pmm_t *pmm)
{
    return pmm != 0 ? pmm->used.num_free : 0;
}

/* ---- the frame-source adapter (frames.h) ---- */

/* Checks a frame-source range: phys aligned, count > 0, no wrap-around.
 * Stores its first frame and managed length in *f and *n. */
static vmm_status_t frames_range(const pmm_t *pmm, uint64_t phys, size_t count,
                                 size_t *f, size_t *n)
{
    if (pmm == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (!IS_PAGE_ALIGNED(phys))
        return VMM_ERR_MISALIGNED;
    if (count == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if ((uint64_t)count - 1u > (UINT64_MAX - phys) >> VMM_PAGE_SHIFT)
        return VMM_ERR_OVERFLOW; /* the last frame may end at 2^64 */
    clip(pmm, FRAME_OF(phys), count, n);
    *f = *n != 0 ? (size_t)FRAME_OF(phys) : 0;
    return VMM_OK;
}

/* frames.alloc: next-fit for one unaligned frame, else first-fit aligned. */
static vmm_status_t frames_alloc(void *ctx, size_t count, size_t align, uint64_t *phys)
{
    if (count == 1 && align == 1)
        return pmm_alloc(ctx, phys);
    return pmm_alloc_contiguous(ctx, count, align, phys);
}

/* frames.free: every managed, non-reserved frame must be used; all of them
 * are freed. Reserved and unmanaged frames are skipped. */
static vmm_status_t frames_free(void *ctx, uint64_t phys, size_t count)
{
    pmm_t *pmm = ctx;
    size_t f, n;
    vmm_status_t st = frames_range(pmm, phys, count, &f, &n);
    if (st != VMM_OK || n == 0)
        return st;
    if (!bitmap_range_set(&pmm->used, f, n))
        return VMM_ERR_FRAME_NOT_USED; /* reserved frames are used: any clear
                                          frame is a managed free one */
    if (bitmap_range_clear(&pmm->reserved, f, n)) {
        (void)bitmap_clear_range(&pmm->used, f, n);
        hint_after_free(pmm, f);
        return VMM_OK;
    }
    for (size_t i = f; i < f + n; i++)
        if (!frame_reserved(pmm, i)) {
            (void)bitmap_clear(&pmm->used, i);
            hint_after_free(pmm, i);
        }
    return VMM_OK;
}

/* frames.in_use: VMM_OK when every managed frame of the range is used
 * (allocated or reserved), VMM_ERR_FRAME_NOT_USED when one is free. */
static vmm_status_t frames_in_use(void *ctx, uint64_t phys, size_t count)
{
    const pmm_t *pmm = ctx;
    size_t f, n;
    vmm_status_t st = frames_range(pmm, phys, count, &f, &n);
    if (st != VMM_OK || n == 0)
        return st;
    return bitmap_range_set(&pmm->used, f, n) ? VMM_OK : VMM_ERR_FRAME_NOT_USED;
}

/* frames.claim: every managed, non-reserved frame must be free; all of them
 * become used. Reserved and unmanaged frames are skipped. */
static vmm_status_t frames_claim(void *ctx, uint64_t phys, size_t count)
{
    pmm_t *pmm = ctx;
    size_t f, n;
    vmm_status_t st = frames_range(pmm, phys, count, &f, &n);
    if (st != VMM_OK || n == 0)
        return st;
    if (any_allocated(pmm, f, n))
        return VMM_ERR_PHYS_ALREADY_ALLOCATED;
    if (bitmap_range_clear(&pmm->reserved, f, n)) {
        (void)bitmap_set_range(&pmm->used, f, n);
        hint_after_use(pmm, f, n);
        return VMM_OK;
    }
    for (size_t i = f; i < f + n; i++)
        if (!frame_reserved(pmm, i))
            (void)bitmap_set(&pmm->used, i);
    hint_after_use(pmm, f, n);
    return VMM_OK;
}

/* Returns the frame source (frames.h) bound to pmm. */
vmm_frames_t pmm_frames(pmm_t *pmm)
{
    vmm_frames_t frames = {
        .alloc = frames_alloc,
        .free = frames_free,
        .claim = frames_claim,
        .ctx = pmm,
        .in_use = frames_in_use,
    };
    return frames;
}
