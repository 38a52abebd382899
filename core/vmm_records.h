/*
 * vmm_records.h - the VMM's allocation records (vmm_records.c): their
 * blocks, their one index (the tree in vmm_t.tree, vmm_index.h), and the
 * pair that maps an ALLOC record's single frames and gives them back. Not
 * part of the API.
 */
#ifndef CORE_VMM_RECORDS_H
#define CORE_VMM_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "vmm_index.h"
#include "vmm_internal.h"

/* Returns the address one past the record's last byte (never wraps: a
 * record lies in the window, whose end is at most 2^64 - 4K). */
static inline uint64_t vmm_record_end(const vmm_record_t *rec)
{
    return rec->virt + BYTES_OF(rec->pages);
}

/* Returns the per-page attribute bytes stored after a reservation's
 * frames[] in its frames block (vmm_record_page_attrs reads them). Byte i
 * is set by vmm_map_page and means something only while frames[i] is
 * mapped. */
static inline uint8_t *vmm_record_attr_bytes(const vmm_record_t *rec)
{
    return (uint8_t *)&rec->frames[rec->nframes];
}

/* Takes a record slot (after vmm_index_prepare) for [virt, virt + pages
 * pages) of kind with nframes frames, attrs and flags 0, page_size 4K, not
 * indexed; an ALLOC record gets its frames block, all VMM_NO_FRAME (a
 * reservation gets it at its first map: vmm_record_frames_new). Returns
 * NULL, with nothing changed, when the allocator fails. */
vmm_record_t *vmm_record_new(vmm_t *vmm, uint32_t kind, uint64_t virt, uint64_t pages,
                             size_t nframes);

/* Gives back a record (not indexed): its frames block and its slot. Cannot
 * fail. */
void vmm_record_delete(vmm_t *vmm, vmm_record_t *rec);

/* Gives rec (which has none) its frames block, every frame VMM_NO_FRAME.
 * VMM_ERR_OUT_OF_MEMORY, with nothing changed, when the allocator fails. */
vmm_status_t vmm_record_frames_new(vmm_t *vmm, vmm_record_t *rec);

/* Gives rec's frames block back (if any) and leaves rec without one. */
void vmm_record_frames_delete(vmm_t *vmm, vmm_record_t *rec);

/* Looks up the record starting at virt and stores it in *rec, and where
 * the tree holds it in *path (for vmm_index_remove). Returns
 * VMM_ERR_INVALID_ARGUMENT (vmm NULL), VMM_ERR_OUT_OF_BOUNDS (outside the
 * window), VMM_ERR_NOT_START (inside a record, not its start) or
 * VMM_ERR_NOT_ALLOCATED (no record there). */
vmm_status_t vmm_record_at(vmm_t *vmm, uint64_t virt, vmm_record_t **rec, vmm_bpath_t *path);

/* Maps the pages of an ALLOC record, one mapper call per run of physically
 * contiguous frames. On failure unmaps what it mapped (a failure of that
 * undo traps) and returns the mapper's error: nothing changed. */
vmm_status_t vmm_map_single_frames(vmm_t *vmm, const vmm_record_t *rec);

/* Returns frames[from, to) of an ALLOC record to the frame source, one call
 * per physically contiguous run. They are the VMM's: a failure traps. */
void vmm_return_single_frames(vmm_t *vmm, const vmm_record_t *rec, size_t from, size_t to);

#endif
