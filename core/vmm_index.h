/*
 * vmm_index.h - the VMM's records and their index (vmm_index.c): record
 * slots packed in chunks (vmm.h), and the B+ tree vmm_t.tree from record
 * start to record (vmm_btree.h). Not part of the API.
 *
 * A new record may need a new chunk and tree nodes: vmm_index_prepare takes
 * them before the caller does anything it would have to undo, like
 * hbitmap_prepare, so that vmm_index_take and vmm_index_insert cannot fail.
 * Giving a record back never allocates; a chunk whose last record goes, and
 * tree nodes a removal merges, are given back at once.
 */
#ifndef CORE_VMM_INDEX_H
#define CORE_VMM_INDEX_H

#include "vmm_internal.h"

/* Makes the index empty (no chunk). Cannot fail. */
void vmm_index_init(vmm_t *vmm);

/* Makes sure the next vmm_index_take has a free record (takes a chunk from
 * the allocator when no chunk has one) and that indexing a record starting
 * at virt next needs no allocation (takes the tree nodes its insert will
 * split into); fills *path with where virt goes, for vmm_index_insert.
 * VMM_ERR_OUT_OF_MEMORY when the allocator fails, with nothing changed. */
vmm_status_t vmm_index_prepare(vmm_t *vmm, uint64_t virt, vmm_bpath_t *path);

/* Undoes vmm_index_prepare when no insert followed (and the record taken,
 * if any, was put back): gives back the chunk and nodes it took. Cannot
 * fail. */
void vmm_index_unprepare(vmm_t *vmm);

/* Returns a free record slot, not indexed (after vmm_index_prepare;
 * cannot fail). */
vmm_record_t *vmm_index_take(vmm_t *vmm);

/* Gives back a record slot that is not indexed; its chunk goes back to the
 * allocator when that was its last record. Cannot fail. Take then put
 * leaves the index exactly as it was. */
void vmm_index_put(vmm_t *vmm, vmm_record_t *rec);

/* Indexes rec under rec->virt at the path vmm_index_prepare of that
 * address filled, the tree unchanged since (the bitmap guarantees no
 * record starts there: a duplicate traps). */
void vmm_index_insert(vmm_t *vmm, vmm_record_t *rec, const vmm_bpath_t *path);

/* Removes rec from the index, path being where vmm_record_at found it, the
 * tree unchanged since; its slot stays taken (vmm_index_put gives it
 * back). Cannot fail. */
void vmm_index_remove(vmm_t *vmm, vmm_record_t *rec, const vmm_bpath_t *path);

/* Starts loading the header of the chunk holding rec, which
 * vmm_index_put will update: a hint, it changes nothing. */
void vmm_index_prefetch(const vmm_record_t *rec);

/* Returns the vmm_t whose chunk holds rec. */
const vmm_t *vmm_index_owner(const vmm_record_t *rec);

#endif
