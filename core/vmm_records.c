/*
 * vmm_records.c - the VMM's allocation records (see vmm.h, vmm_internal.h).
 *
 * A record is ONE block from the caller's allocator: the header, frames[]
 * and, for reservations, one attribute byte per frame after frames[]. The
 * records form a singly linked list sorted by virt, non-overlapping; the
 * bitmap has exactly their pages set.
 */
#include "vmm_internal.h"

#include "vmm_assert.h"

/* Returns the bytes of a record block of kind with nframes frames, or 0 when
 * that would not fit a size_t. */
static size_t record_bytes(uint32_t kind, size_t nframes)
{
    size_t per = sizeof(uint64_t) + (kind == VMM_REC_RESERVE ? 1u : 0u);
    if (nframes > (SIZE_MAX - sizeof(vmm_record_t)) / per)
        return 0;
    return sizeof(vmm_record_t) + nframes * per;
}

/* Returns the attributes page i of rec was mapped with (see vmm.h). */
vmm_attrs_t vmm_record_page_attrs(const vmm_record_t *rec, size_t i)
{
    if (rec == 0)
        return 0;
    if (rec->kind != VMM_REC_RESERVE || i >= rec->nframes || rec->frames[i] == VMM_NO_FRAME)
        return rec->attrs;
    return ((const uint8_t *)&rec->frames[rec->nframes])[i];
}

/* Allocates and fills a record block; NULL when the allocator fails. */
vmm_record_t *vmm_record_new(vmm_t *vmm, uint32_t kind, uint64_t virt, uint64_t pages,
                             size_t nframes)
{
    size_t bytes = record_bytes(kind, nframes);
    if (bytes == 0)
        return 0;
    vmm_record_t *rec = vmm->allocator.alloc(vmm->allocator.ctx, bytes,
                                             _Alignof(vmm_record_t));
    if (rec == 0)
        return 0;
    rec->next = 0;
    vmm_tree_node_init(&rec->node, virt);
    rec->virt = virt;
    rec->pages = pages;
    rec->page_size = VMM_PAGE_SIZE;
    rec->phys = VMM_NO_FRAME;
    rec->attrs = 0;
    rec->kind = kind;
    rec->flags = 0;
    rec->nframes = (uint32_t)nframes;
    for (size_t i = 0; i < nframes; i++)
        rec->frames[i] = VMM_NO_FRAME;
    if (kind == VMM_REC_RESERVE)
        for (size_t i = 0; i < nframes; i++)
            vmm_record_attr_bytes(rec)[i] = 0;
    return rec;
}

/* Returns the block to the allocator with the size it was allocated with. */
void vmm_record_delete(vmm_t *vmm, vmm_record_t *rec)
{
    vmm->allocator.free(vmm->allocator.ctx, rec, record_bytes(rec->kind, rec->nframes));
}

/* Returns the list link pointing at rec (rec is in the tree): its tree
 * predecessor's next, or the list head. O(log n). */
static vmm_record_t **record_link(vmm_t *vmm, vmm_record_t *rec)
{
    vmm_tree_node_t *prev = vmm_tree_prev(&rec->node);
    return prev != 0 ? &VMM_RECORD_OF(prev)->next : &vmm->records;
}

/* Inserts rec into the tree and at its place in the sorted list. The
 * bitmap guarantees no record starts at rec->virt: a duplicate traps. */
void vmm_record_insert(vmm_t *vmm, vmm_record_t *rec)
{
    VMM_ASSERT(vmm_tree_insert(&vmm->tree, &rec->node) == VMM_OK);
    vmm_record_t **link = record_link(vmm, rec);
    rec->next = *link;
    *link = rec;
}

/* Returns the record containing virt, or NULL (see vmm.h). O(log n). */
const vmm_record_t *vmm_find_record(const vmm_t *vmm, uint64_t virt)
{
    if (vmm == 0)
        return 0;
    const vmm_tree_node_t *node = vmm_tree_find_le(&vmm->tree, virt);
    if (node == 0)
        return 0;
    const vmm_record_t *r = VMM_RECORD_OF(node);
    return virt < vmm_record_end(r) ? r : 0;
}

/* Finds the record starting at virt; see vmm_internal.h for the errors. */
vmm_status_t vmm_record_at(vmm_t *vmm, uint64_t virt, vmm_record_t ***link)
{
    if (vmm == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (!vmm_in_window(vmm, virt))
        return VMM_ERR_OUT_OF_BOUNDS;
    const vmm_record_t *r = vmm_find_record(vmm, virt);
    if (r == 0)
        return VMM_ERR_NOT_ALLOCATED;
    if (r->virt != virt)
        return VMM_ERR_NOT_START;
    *link = record_link(vmm, (vmm_record_t *)r);
    VMM_ASSERT(**link == r);
    return VMM_OK;
}
