/*
 * vmm_index.h - the VMM's record index (vmm_index.c): the AVL tree of
 * vmm_t.tree over vmm_index_node_t nodes packed in chunks (vmm.h). Not part
 * of the API.
 *
 * Inserting may need a new chunk: vmm_index_prepare takes it before the
 * caller does anything it would have to undo, like hbitmap_prepare, so that
 * vmm_index_insert cannot fail. Removing never allocates; a chunk whose last
 * node goes is given back at once.
 */
#ifndef CORE_VMM_INDEX_H
#define CORE_VMM_INDEX_H

#include "vmm_internal.h"

/* Makes the index empty (no chunk). Cannot fail. */
void vmm_index_init(vmm_t *vmm);

/* Makes sure the next vmm_index_insert has a free node: takes a chunk from
 * the allocator when no chunk has one. VMM_ERR_OUT_OF_MEMORY when the
 * allocator fails, with nothing changed. */
vmm_status_t vmm_index_prepare(vmm_t *vmm);

/* Undoes vmm_index_prepare when no insert followed: gives back the chunk
 * it took, if any. Cannot fail. */
void vmm_index_unprepare(vmm_t *vmm);

/* Indexes rec under rec->virt (after vmm_index_prepare; the bitmap
 * guarantees no record starts there: a duplicate traps). */
void vmm_index_insert(vmm_t *vmm, vmm_record_t *rec);

/* Removes rec from the index (it must be there); cannot fail. */
void vmm_index_remove(vmm_t *vmm, vmm_record_t *rec);

/* Returns the record of tree node n (not NULL). */
static inline vmm_record_t *vmm_index_record(const vmm_tree_node_t *n)
{
    return VMM_TREE_ENTRY(n, const vmm_index_node_t, tree)->u.rec;
}

#endif
