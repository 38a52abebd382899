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

/* Returns a pointer to the frame slot k (< nframes) of an ALLOC record's
 * frames block (vmm_alloc fills it). */
static inline uint64_t *vmm_record_alloc_frame(const vmm_record_t *rec, size_t k)
{
    return &rec->frames[k];
}

/* Takes a record slot (after vmm_index_prepare) for [virt, virt + pages
 * pages) of kind with nframes frames, attrs and flags 0, page_size 4K, not
 * indexed; an ALLOC record gets its frames block, all VMM_NO_FRAME (a
 * reservation gets its store chunk by chunk: vmm_record_page_prepare).
 * Returns NULL, with nothing changed, when the allocator fails. */
vmm_record_t *vmm_record_new(vmm_t *vmm, uint32_t kind, uint64_t virt, uint64_t pages,
                             size_t nframes);

/* Gives back a record (not indexed): its frames block or store and its
 * slot. Cannot fail. */
void vmm_record_delete(vmm_t *vmm, vmm_record_t *rec);

/* vmm_record_page_prepare's *fresh when it took nothing (levels are 0..3) */
#define VMM_STORE_NONE_FRESH 0xFFu

/* Makes sure the chunk of a reservation's store holding page k (< nframes)
 * exists, taking it and the missing nodes above it from the allocator (a
 * new chunk's frames are VMM_NO_FRAME). Stores in *fresh the level of the
 * highest node it took (0 for a chunk alone), or VMM_STORE_NONE_FRESH when
 * everything existed: vmm_record_page_unprepare undoes it. Returns
 * VMM_ERR_OUT_OF_MEMORY, with nothing changed (what it took is given
 * back), when the allocator fails. O(store height). */
vmm_status_t vmm_record_page_prepare(vmm_t *vmm, vmm_record_t *rec, size_t k,
                                     unsigned *fresh);

/* Gives back what vmm_record_page_prepare(vmm, rec, k, &fresh) took, page k
 * still unmapped: the store is as before it. Cannot fail. */
void vmm_record_page_unprepare(vmm_t *vmm, vmm_record_t *rec, size_t k, unsigned fresh);

/* Records page k (< nframes, unmapped, its chunk prepared) of a
 * reservation as mapped to phys with attrs, and counts it in rec->mapped.
 * Cannot fail. */
void vmm_record_page_set(vmm_record_t *rec, size_t k, uint64_t phys, vmm_attrs_t attrs);

/* Returns true when a reservation's store is sound: NULL exactly when
 * mapped is 0, no empty node or chunk, exactly mapped frames that are not
 * VMM_NO_FRAME. O(chunks). */
bool vmm_record_store_check(const vmm_record_t *rec);

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
