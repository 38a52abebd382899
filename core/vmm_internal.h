/*
 * vmm_internal.h - what the three files of the VMM share: vmm.c (init, set,
 * alloc, reserve, claim, map_page), vmm_records.c (the allocation records)
 * and vmm_release.c (free, release, deinit). Not part of the API: users
 * include vmm.h.
 *
 * Bitmap index i <-> virtual address start + i * VMM_PAGE_SIZE.
 */
#ifndef CORE_VMM_INTERNAL_H
#define CORE_VMM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm.h"

#define PAGES_OF(bytes) ((bytes) >> VMM_PAGE_SHIFT)
#define BYTES_OF(pages) ((uint64_t)(pages) << VMM_PAGE_SHIFT)
#define IS_ALIGNED(x, size) (((x) & ((size) - 1u)) == 0)
#define ATTRS_VALID(attrs) (((attrs) & ~VMM_ATTR_ALL) == 0)

/* ---- the window ---- */

/* Returns the bitmap index of the page holding virt (virt in the window). */
static inline size_t vmm_page_index(const vmm_t *vmm, uint64_t virt)
{
    return (size_t)PAGES_OF(virt - vmm->start);
}

/* Returns the virtual address of bitmap index i. */
static inline uint64_t vmm_page_addr(const vmm_t *vmm, size_t i)
{
    return vmm->start + BYTES_OF(i);
}

/* Returns true when virt lies in [start, end). */
static inline bool vmm_in_window(const vmm_t *vmm, uint64_t virt)
{
    return virt >= vmm->start && virt < vmm->end;
}

/* Returns true when [virt, virt + len) (len > 0) lies in the window; never
 * wraps, since end - virt is computed only for virt < end. */
static inline bool vmm_range_in_window(const vmm_t *vmm, uint64_t virt, uint64_t len)
{
    return vmm_in_window(vmm, virt) && len <= vmm->end - virt;
}

/* ---- records (vmm_records.c) ---- */

/* Returns the address one past the record's last byte (never wraps: a
 * record lies in the window, whose end is at most 2^64 - 4K). */
static inline uint64_t vmm_record_end(const vmm_record_t *rec)
{
    return rec->virt + BYTES_OF(rec->pages);
}

/* Returns the per-page attribute bytes stored after a reservation's
 * frames[] (vmm_record_page_attrs reads them). */
static inline uint8_t *vmm_record_attr_bytes(vmm_record_t *rec)
{
    return (uint8_t *)&rec->frames[rec->nframes];
}

/* Returns the record whose tree node is node (not NULL). */
#define VMM_RECORD_OF(n) VMM_TREE_ENTRY(n, vmm_record_t, node)

/* Allocates a record of kind for [virt, virt + pages pages) with nframes
 * frames, all VMM_NO_FRAME, attrs and flags 0, page_size 4K, not linked.
 * Returns NULL when the allocator fails or the block would not fit a
 * size_t. */
vmm_record_t *vmm_record_new(vmm_t *vmm, uint32_t kind, uint64_t virt, uint64_t pages,
                             size_t nframes);

/* Returns a record's block (not linked) to the allocator; cannot fail. */
void vmm_record_delete(vmm_t *vmm, vmm_record_t *rec);

/* Links rec into the list, which stays sorted by virt; cannot fail. */
void vmm_record_insert(vmm_t *vmm, vmm_record_t *rec);

/* Looks up the record starting at virt and stores the link pointing to it
 * in *link. Returns VMM_ERR_OUT_OF_BOUNDS (outside the window),
 * VMM_ERR_NOT_START (inside a record, not its start) or
 * VMM_ERR_NOT_ALLOCATED (no record there). */
vmm_status_t vmm_record_at(vmm_t *vmm, uint64_t virt, vmm_record_t ***link);

/* ---- release (vmm_release.c) ---- */

/* Returns frames[from, to) of an ALLOC record to the frame source, one call
 * per physically contiguous run. They are the VMM's: a failure traps. */
void vmm_return_single_frames(vmm_t *vmm, const vmm_record_t *rec, size_t from, size_t to);

#endif
