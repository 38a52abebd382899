/*
 * vmm_records.c - the VMM's allocation records (see vmm.h, vmm_records.h).
 *
 * A record is a slot of a chunk (vmm_index.c) plus, when it has per-page
 * data, one frames block from the caller's allocator: frames[] and, for
 * reservations, one attribute byte per frame after it (vmm.h). The records
 * are indexed once, by the B+ tree vmm_t.tree keyed by virt; they do
 * not overlap, and the bitmap has exactly their pages set.
 */
#include "vmm_records.h"

#include "vmm_assert.h"

_Static_assert(SIZE_MAX / 9u >= UINT32_MAX, "a frames block of UINT32_MAX frames fits");

/* Returns the bytes of a frames block of kind with nframes (<= UINT32_MAX)
 * frames: a reservation's has an attribute byte per frame after them. */
static size_t frames_bytes(uint32_t kind, size_t nframes)
{
    return nframes * (sizeof(uint64_t) + (kind == VMM_REC_RESERVE ? 1u : 0u));
}

/* Returns the frame of page k of rec, or VMM_NO_FRAME (see vmm.h). */
uint64_t vmm_record_frame(const vmm_record_t *rec, size_t k)
{
    if (rec == 0 || rec->frames == 0 || k >= rec->nframes)
        return VMM_NO_FRAME;
    return rec->frames[k];
}

/* Returns the attributes page i of rec was mapped with (see vmm.h). */
vmm_attrs_t vmm_record_page_attrs(const vmm_record_t *rec, size_t i)
{
    if (rec == 0)
        return 0;
    if (rec->kind != VMM_REC_RESERVE || vmm_record_frame(rec, i) == VMM_NO_FRAME)
        return rec->attrs;
    return vmm_record_attr_bytes(rec)[i];
}

/* Allocates rec's frames block, every frame VMM_NO_FRAME (a reservation's
 * attribute bytes are left as they are: byte i is read only while frames[i]
 * is mapped, and vmm_map_page wrote it). VMM_ERR_OUT_OF_MEMORY when the
 * allocator fails, with nothing changed. */
vmm_status_t vmm_record_frames_new(vmm_t *vmm, vmm_record_t *rec)
{
    uint64_t *frames = vmm->allocator.alloc(vmm->allocator.ctx,
                                            frames_bytes(rec->kind, rec->nframes),
                                            _Alignof(uint64_t));
    if (frames == 0)
        return VMM_ERR_OUT_OF_MEMORY;
    for (size_t i = 0; i < rec->nframes; i++)
        frames[i] = VMM_NO_FRAME;
    rec->frames = frames;
    return VMM_OK;
}

/* Gives rec's frames block back, if it has one. */
void vmm_record_frames_delete(vmm_t *vmm, vmm_record_t *rec)
{
    if (rec->frames != 0)
        vmm->allocator.free(vmm->allocator.ctx, rec->frames,
                            frames_bytes(rec->kind, rec->nframes));
    rec->frames = 0;
}

/* Takes a record slot (after vmm_index_prepare) and fills it; an ALLOC
 * record gets its frames block. NULL when the allocator fails, with
 * nothing changed. */
vmm_record_t *vmm_record_new(vmm_t *vmm, uint32_t kind, uint64_t virt, uint64_t pages,
                             size_t nframes)
{
    vmm_record_t *rec = vmm_index_take(vmm);
    rec->virt = virt;
    rec->pages = pages;
    rec->page_size = VMM_PAGE_SIZE;
    rec->phys = VMM_NO_FRAME;
    rec->frames = 0;
    rec->attrs = 0;
    rec->kind = kind;
    rec->flags = 0;
    rec->nframes = (uint32_t)nframes;
    rec->mapped = 0;
    if (kind == VMM_REC_ALLOC && vmm_record_frames_new(vmm, rec) != VMM_OK) {
        vmm_index_put(vmm, rec);
        return 0;
    }
    return rec;
}

/* Gives back the record's frames block and its slot. */
void vmm_record_delete(vmm_t *vmm, vmm_record_t *rec)
{
    vmm_record_frames_delete(vmm, rec);
    vmm_index_put(vmm, rec);
}

/* Returns the record containing virt, or NULL (see vmm.h). O(log n). */
const vmm_record_t *vmm_find_record(const vmm_t *vmm, uint64_t virt)
{
    if (vmm == 0)
        return 0;
    const vmm_record_t *r = vmm_btree_find_le(&vmm->tree, virt, 0);
    return r != 0 && virt < vmm_record_end(r) ? r : 0;
}

/* Finds the record starting at virt; see vmm_records.h for the errors. */
vmm_status_t vmm_record_at(vmm_t *vmm, uint64_t virt, vmm_record_t **rec, vmm_bpath_t *path)
{
    if (vmm == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (!vmm_in_window(vmm, virt))
        return VMM_ERR_OUT_OF_BOUNDS;
    vmm_btree_seek(&vmm->tree, virt, path);
    const vmm_record_t *r = vmm_btree_path_le(path, 0);
    if (r == 0 || virt >= vmm_record_end(r))
        return VMM_ERR_NOT_ALLOCATED;
    if (r->virt != virt)
        return VMM_ERR_NOT_START;
    *rec = (vmm_record_t *)r; /* the vmm is the caller's to change */
    return VMM_OK;
}

/* Returns the lowest record, or NULL. */
const vmm_record_t *vmm_first_record(const vmm_t *vmm)
{
    return vmm != 0 ? vmm_btree_next(&vmm->tree, 0, true) : 0;
}

/* Returns the record after rec in address order, or NULL. */
const vmm_record_t *vmm_next_record(const vmm_record_t *rec)
{
    return rec != 0 ? vmm_btree_next(&vmm_index_owner(rec)->tree, rec->virt, false) : 0;
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
