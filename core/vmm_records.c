/*
 * vmm_records.c - the VMM's allocation records (see vmm.h, vmm_records.h).
 *
 * A record is ONE block from the caller's allocator: the header, frames[]
 * and, for reservations, one attribute byte per frame after frames[]. The
 * records are indexed once, by the AVL tree in vmm_t.tree keyed by virt
 * (vmm_index.c); they do not overlap, and the bitmap has exactly their
 * pages set.
 */
#include "vmm_records.h"

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
    rec->index = 0;
    rec->virt = virt;
    rec->pages = pages;
    rec->page_size = VMM_PAGE_SIZE;
    rec->phys = VMM_NO_FRAME;
    rec->attrs = 0;
    rec->kind = kind;
    rec->flags = 0;
    rec->nframes = (uint32_t)nframes;
    rec->mapped = 0;
    for (size_t i = 0; i < nframes; i++)
        rec->frames[i] = VMM_NO_FRAME;
    /* a reservation's attribute bytes are left as they are: byte i is read
     * only while frames[i] is mapped, and vmm_map_page wrote it */
    return rec;
}

/* Returns the block to the allocator with the size it was allocated with. */
void vmm_record_delete(vmm_t *vmm, vmm_record_t *rec)
{
    vmm->allocator.free(vmm->allocator.ctx, rec, record_bytes(rec->kind, rec->nframes));
}

/* Returns the record containing virt, or NULL (see vmm.h). O(log n). */
const vmm_record_t *vmm_find_record(const vmm_t *vmm, uint64_t virt)
{
    if (vmm == 0)
        return 0;
    const vmm_tree_node_t *node = vmm_tree_find_le(&vmm->tree, virt);
    if (node == 0)
        return 0;
    const vmm_record_t *r = vmm_index_record(node);
    return virt < vmm_record_end(r) ? r : 0;
}

/* Finds the record starting at virt; see vmm_records.h for the errors. */
vmm_status_t vmm_record_at(vmm_t *vmm, uint64_t virt, vmm_record_t **rec)
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
    *rec = (vmm_record_t *)r; /* the vmm is the caller's to change */
    return VMM_OK;
}

/* Returns the lowest record, or NULL. */
const vmm_record_t *vmm_first_record(const vmm_t *vmm)
{
    const vmm_tree_node_t *n = vmm != 0 ? vmm_tree_first(&vmm->tree) : 0;
    return n != 0 ? vmm_index_record(n) : 0;
}

/* Returns the record after rec in address order, or NULL. */
const vmm_record_t *vmm_next_record(const vmm_record_t *rec)
{
    const vmm_tree_node_t *n = rec != 0 ? vmm_tree_next(&rec->index->tree) : 0;
    return n != 0 ? vmm_index_record(n) : 0;
}

/* Returns the number of records. */
size_t vmm_record_count(const vmm_t *vmm)
{
    return vmm != 0 ? vmm->tree.count : 0;
}

/* Maps an ALLOC record's frames, a contiguous run per call (see
 * vmm_records.h). */
vmm_status_t vmm_map_single_frames(vmm_t *vmm, const vmm_record_t *rec)
{
    size_t i = 0;
    while (i < rec->nframes) {
        size_t run = 1;
        while (i + run < rec->nframes && rec->frames[i + run] == rec->frames[i] + BYTES_OF(run))
            run++;
        vmm_status_t st = vmm->mapper.map(vmm->mapper.ctx, rec->virt + BYTES_OF(i),
                                          rec->frames[i], BYTES_OF(run),
                                          VMM_PAGE_SIZE, rec->attrs);
        if (st != VMM_OK) {
            if (i != 0)
                VMM_ASSERT(vmm->mapper.unmap(vmm->mapper.ctx, rec->virt, BYTES_OF(i),
                                             VMM_PAGE_SIZE) == VMM_OK);
            return st;
        }
        i += run;
    }
    return VMM_OK;
}

/* Returns an ALLOC record's frames[from, to), a contiguous run per call
 * (see vmm_records.h). */
void vmm_return_single_frames(vmm_t *vmm, const vmm_record_t *rec, size_t from, size_t to)
{
    size_t i = from;
    while (i < to) {
        size_t run = 1;
        while (i + run < to && rec->frames[i + run] == rec->frames[i] + BYTES_OF(run))
            run++;
        VMM_ASSERT(vmm->frames.free(vmm->frames.ctx, rec->frames[i], run) == VMM_OK);
        i += run;
    }
}
