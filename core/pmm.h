/*
 * pmm.h - the physical frame manager: one bit per 4 KiB frame.
 *
 * Built from a boot memory map: only MEMMAP_USABLE ranges (the whole frames
 * inside each entry, taken one entry at a time: a frame split between two
 * adjacent usable entries is not free) become free; every other frame
 * below the end of the highest whole usable frame (num_frames) is
 * "reserved" and can never be allocated or freed. Frames at or above it
 * are outside managed memory, and so are the reserved ones in frames.h's
 * sense: the frame source (pmm_frames) skips both in free, claim and
 * in_use. Frame 0 is a frame like any other: phys 0 is a valid answer of
 * pmm_alloc when the map says it is usable.
 *
 * Two bitmaps share the caller's storage: `used` (allocated or reserved) and
 * `reserved`. Every function is all-or-nothing.
 *
 * Not thread-safe: a pmm_t shared by several vmm_t (every address space)
 * needs its own lock, taken after a vmm_t's (the VMM calls it through the
 * frame source with its own lock held: INTEGRATION.md, section 6).
 */
#ifndef CORE_PMM_H
#define CORE_PMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bitmap.h"
#include "frames.h"
#include "memmap.h"
#include "status.h"
#include "vmm_cdefs.h"

VMM_BEGIN_DECLS

typedef struct pmm {
    bitmap_t used;      /* 1 = allocated or reserved                   */
    bitmap_t reserved;  /* 1 = never allocatable (not usable memory)   */
    size_t num_frames;  /* frames tracked: [0, num_frames * 4 KiB)     */
    size_t hint;        /* the lowest free frame (num_frames: none). A
                           function of the bitmaps, so undoing a change
                           restores it: a failed call changes nothing. */
} pmm_t;

/* Returns the number of uint64_t words of storage pmm_init needs for map
 * (0 when the map has no usable frame). */
size_t pmm_storage_words(const memmap_entry_t *map, size_t count);

/* Builds the frame manager from map. VMM_ERR_INVALID_ARGUMENT when the map has
 * no usable frame, VMM_ERR_OUT_OF_BOUNDS when storage_words is too small,
 * VMM_ERR_OVERFLOW when an entry runs past 2^64 (it may end exactly there, as
 * in x86_boot_init). Overlapping entries:
 * a frame is free only if no non-usable entry touches it. */
vmm_status_t pmm_init(pmm_t *pmm, const memmap_entry_t *map, size_t count,
                      uint64_t *storage, size_t storage_words);

/* Reserves the frames touched by [base, base + length) (e.g. the kernel
 * image): they become used and reserved (reserving a reserved frame again
 * changes nothing). Frames outside managed memory are skipped. VMM_ERR_PHYS_ALREADY_ALLOCATED when one of them is allocated,
 * VMM_ERR_INVALID_ARGUMENT when length is 0, VMM_ERR_OVERFLOW when
 * the range runs past 2^64 (it may end exactly there). */
vmm_status_t pmm_reserve(pmm_t *pmm, uint64_t base, uint64_t length);

/* Allocates the lowest free frame / the lowest count contiguous free frames
 * aligned to align frames (first fit). VMM_ERR_OUT_OF_FRAMES when none is
 * free; VMM_ERR_INVALID_ARGUMENT when pmm or phys is NULL (and for
 * count == 0 or align not a power of two). */
vmm_status_t pmm_alloc(pmm_t *pmm, uint64_t *phys);
vmm_status_t pmm_alloc_contiguous(pmm_t *pmm, size_t count, size_t align,
                                  uint64_t *phys);

/* Frees one allocated frame. VMM_ERR_MISALIGNED, VMM_ERR_OUT_OF_BOUNDS,
 * VMM_ERR_FRAME_RESERVED (reserved frame), VMM_ERR_FRAME_NOT_USED (double
 * free). */
vmm_status_t pmm_free(pmm_t *pmm, uint64_t phys);

/* Marks one specific free frame allocated (same errors as pmm_free, and
 * VMM_ERR_PHYS_ALREADY_ALLOCATED when it is in use). */
vmm_status_t pmm_claim(pmm_t *pmm, uint64_t phys);

/* *used = frame at phys is allocated or reserved. VMM_ERR_OUT_OF_BOUNDS past
 * managed memory, VMM_ERR_INVALID_ARGUMENT when the out pointer is NULL. */
vmm_status_t pmm_is_used(const pmm_t *pmm, uint64_t phys, bool *used);
vmm_status_t pmm_is_reserved(const pmm_t *pmm, uint64_t phys, bool *reserved);

/* Number of free frames. */
size_t pmm_free_count(const pmm_t *pmm);

/* Returns a frame source (frames.h) bound to pmm. */
vmm_frames_t pmm_frames(pmm_t *pmm);

VMM_END_DECLS

#endif
