/*
 * vmm_release.c - vmm_free, vmm_release, vmm_deinit: giving a record back
 * (see "How vmm_free / vmm_release / vmm_deinit undo" in vmm.h).
 *
 * Order: check (the lookup keeps the record's tree path for the removal),
 * take the bitmap nodes the clear needs (may fail: nothing done yet),
 * unmap (may fail, undone on failure), then frames, bitmap, index and
 * block, none of which can fail. A record that maps nothing is cleared
 * first instead (a failed clear changes nothing), with no separate take.
 */
#include "vmm_records.h"

#include "vmm_assert.h"

/* Returns the virtual address of page k of a reservation. */
static uint64_t reservation_page(const vmm_record_t *rec, size_t k)
{
    return rec->virt + (uint64_t)k * rec->page_size;
}

/* Returns the end of the run of mapped reservation pages starting at k. */
static size_t mapped_run_end(const vmm_record_t *rec, size_t k)
{
    while (k < rec->nframes && vmm_record_next_mapped(rec, k) == k)
        k++;
    return k;
}

/* Returns VMM_OK when the mapper still maps every page the reservation
 * mapped, with the reservation's page size. Otherwise (a page unmapped or
 * replaced behind the VMM's back) returns what unmap would fail with: the
 * query's error, or VMM_ERR_LARGE_PAGE_CONFLICT. Changes nothing. */
static vmm_status_t reservation_still_mapped(const vmm_t *vmm, const vmm_record_t *rec)
{
    for (size_t k = vmm_record_next_mapped(rec, 0); k < rec->nframes;
         k = vmm_record_next_mapped(rec, k + 1)) {
        uint64_t size = 0;
        vmm_status_t st = vmm->mapper.query(vmm->mapper.ctx, reservation_page(rec, k), 0, 0,
                                            &size);
        if (st != VMM_OK)
            return st;
        if (size != rec->page_size)
            return VMM_ERR_LARGE_PAGE_CONFLICT;
    }
    return VMM_OK;
}

/* Re-maps the mapped pages of reservation pages [0, upto) after a failed
 * release. A failure traps: those mappings existed a moment ago. */
static void remap_reservation(vmm_t *vmm, vmm_record_t *rec, size_t upto)
{
    for (size_t k = vmm_record_next_mapped(rec, 0); k < upto;
         k = vmm_record_next_mapped(rec, k + 1))
        VMM_ASSERT(vmm->mapper.map(vmm->mapper.ctx, reservation_page(rec, k),
                                   vmm_record_frame(rec, k), rec->page_size, rec->page_size,
                                   vmm_record_page_attrs(rec, k)) == VMM_OK);
}

/* Unmaps every mapped page of a reservation, one call per run of mapped
 * pages, after checking they are all still there. If a call fails anyway,
 * re-maps what was unmapped and returns the error: nothing changed. */
static vmm_status_t unmap_reservation(vmm_t *vmm, vmm_record_t *rec)
{
    if (rec->mapped == 0)
        return VMM_OK; /* nothing mapped: no page to look at */
    vmm_status_t st = reservation_still_mapped(vmm, rec);
    if (st != VMM_OK)
        return st;
    size_t k = vmm_record_next_mapped(rec, 0);
    while (k < rec->nframes) {
        size_t end = mapped_run_end(rec, k);
        st = vmm->mapper.unmap(vmm->mapper.ctx, reservation_page(rec, k),
                               (uint64_t)(end - k) * rec->page_size, rec->page_size);
        if (st != VMM_OK) {
            remap_reservation(vmm, rec, k);
            return st;
        }
        k = vmm_record_next_mapped(rec, end);
    }
    return VMM_OK;
}

/* Unmaps what rec maps. Returns the mapper's error with nothing changed. */
static vmm_status_t record_unmap(vmm_t *vmm, vmm_record_t *rec)
{
    if (rec->kind == VMM_REC_RESERVE)
        return unmap_reservation(vmm, rec);
    if (rec->kind == VMM_REC_SET && rec->phys == VMM_NO_FRAME)
        return VMM_OK;
    /* ALLOC and mapped SET: one call over the whole range (all or nothing) */
    return vmm->mapper.unmap(vmm->mapper.ctx, rec->virt, BYTES_OF(rec->pages), VMM_PAGE_SIZE);
}

/* Unmaps what rec still maps, for vmm_release_all, which cannot fail: a
 * page the mapper no longer maps as rec did (unmapped or replaced behind
 * the VMM's back, a caller mistake that vmm_free reports) is left as it
 * is, every other page is unmapped. One record_unmap first (a call per
 * run); only when it fails, and so changed nothing, page by page. An unmap
 * failing on a page the query reports mapped traps (mapper.h). */
static void record_unmap_remains(vmm_t *vmm, vmm_record_t *rec)
{
    if (record_unmap(vmm, rec) == VMM_OK)
        return;
    bool sparse = rec->kind == VMM_REC_RESERVE;
    uint64_t size = sparse ? rec->page_size : VMM_PAGE_SIZE;
    size_t pages = sparse ? rec->nframes : (size_t)rec->pages;
    for (size_t k = sparse ? vmm_record_next_mapped(rec, 0) : 0; k < pages;
         k = sparse ? vmm_record_next_mapped(rec, k + 1) : k + 1) {
        uint64_t virt = rec->virt + (uint64_t)k * size, got = 0;
        if (vmm->mapper.query(vmm->mapper.ctx, virt, 0, 0, &got) == VMM_OK && got == size)
            VMM_ASSERT(vmm->mapper.unmap(vmm->mapper.ctx, virt, size, size) == VMM_OK);
    }
}

/* Returns every frame rec owns to the frame source (none of a borrowed
 * reservation's); they are the VMM's, so a failure traps. */
static void record_free_frames(vmm_t *vmm, const vmm_record_t *rec)
{
    if (rec->kind == VMM_REC_ALLOC) {
        vmm_return_single_frames(vmm, rec, 0, rec->nframes);
    } else if (rec->kind == VMM_REC_SET) {
        if (rec->phys != VMM_NO_FRAME)
            VMM_ASSERT(vmm->frames.free(vmm->frames.ctx, rec->phys,
                                        (size_t)rec->pages) == VMM_OK);
    } else if (rec->mapped != 0 && (rec->flags & VMM_RESERVE_BORROWED) == 0) {
        for (size_t k = vmm_record_next_mapped(rec, 0); k < rec->nframes;
             k = vmm_record_next_mapped(rec, k + 1))
            VMM_ASSERT(vmm->frames.free(vmm->frames.ctx, vmm_record_frame(rec, k),
                                        (size_t)PAGES_OF(rec->page_size)) == VMM_OK);
    }
}

/* Returns true when rec maps nothing, so releasing it calls no mapper:
 * a reservation with no page mapped, a SET record without frames. */
static bool record_maps_nothing(const vmm_record_t *rec)
{
    return rec->kind == VMM_REC_RESERVE ? rec->mapped == 0
                                        : rec->kind == VMM_REC_SET && rec->phys == VMM_NO_FRAME;
}

/* Releases rec, found at path: bitmap nodes, unmap, then frames, bitmap,
 * index and block. A record that maps nothing has no step that may fail
 * but the clear, which changes nothing when it fails: it is cleared at
 * once, without taking its nodes first. Returns VMM_ERR_OUT_OF_MEMORY or
 * the mapper's error with nothing changed. teardown (vmm_release_all):
 * no bitmap clear (the whole bitmap is dropped after), and the unmap skips
 * what is no longer mapped (record_unmap_remains): VMM_OK. */
static vmm_status_t record_release(vmm_t *vmm, vmm_record_t *rec, const vmm_bpath_t *path,
                                   bool teardown)
{
    size_t first = vmm_page_index(vmm, rec->virt);
    bool clear = !teardown;
    vmm_status_t st = VMM_OK;
    if (clear && record_maps_nothing(rec)) {
        st = hbitmap_clear_range(&vmm->bitmap, first, (size_t)rec->pages);
        if (st != VMM_OK)
            return st;
        clear = false; /* done */
    } else if (clear) {
        st = hbitmap_prepare(&vmm->bitmap, first, (size_t)rec->pages, false);
        if (st != VMM_OK)
            return st;
    }
    if (!record_maps_nothing(rec)) { /* (else no mapper call at all) */
        if (teardown)
            record_unmap_remains(vmm, rec);
        else
            st = record_unmap(vmm, rec);
        vmm_mapper_flush(vmm); /* before a frame goes back; after an undo too */
    }
    if (st != VMM_OK) {
        hbitmap_unprepare(&vmm->bitmap);
        return st;
    }
    record_free_frames(vmm, rec);
    if (clear)
        VMM_ASSERT(hbitmap_clear_range(&vmm->bitmap, first, (size_t)rec->pages) == VMM_OK);
    vmm_index_remove(vmm, rec, path);
    vmm_record_delete(vmm, rec);
    return VMM_OK;
}

/* Starts loading the bitmap leaf that freeing the record at virt will
 * clear, so that its misses overlap the record's lookup (in a big window
 * both are cold). A hint: changes nothing, also for a bad vmm or virt. */
static void prefetch_page(const vmm_t *vmm, uint64_t virt)
{
    if (vmm != 0 && vmm_in_window(vmm, virt))
        hbitmap_prefetch(&vmm->bitmap, vmm_page_index(vmm, virt));
}

/* Frees the record starting at virt, which must be a reservation when
 * reservation_only: vmm_record_at's errors, then VMM_ERR_NOT_RESERVATION,
 * VMM_ERR_PINNED, then record_release's. */
static vmm_status_t free_at(vmm_t *vmm, uint64_t virt, bool reservation_only)
{
    vmm_record_t *rec;
    vmm_bpath_t path;
    prefetch_page(vmm, virt);
    vmm_status_t st = vmm_record_at(vmm, virt, &rec, &path);
    if (st != VMM_OK)
        return st;
    if (reservation_only && rec->kind != VMM_REC_RESERVE)
        return VMM_ERR_NOT_RESERVATION;
    if (rec->flags & VMM_RECORD_PINNED)
        return VMM_ERR_PINNED;
    vmm_index_prefetch(rec); /* its put comes after the bitmap's clear */
    return record_release(vmm, rec, &path, false);
}

/* Frees the record starting at virt (see vmm.h for the errors). */
vmm_status_t vmm_free(vmm_t *vmm, uint64_t virt)
{
    VMM_GUARDED(vmm, free_at(vmm, virt, false));
}

/* Frees the reservation starting at reservation; VMM_ERR_NOT_RESERVATION
 * for another kind of record, else vmm_free's errors. */
vmm_status_t vmm_release(vmm_t *vmm, uint64_t reservation)
{
    VMM_GUARDED(vmm, free_at(vmm, reservation, true));
}

/* Makes the record starting at virt permanent (see vmm.h for the errors). */
vmm_status_t vmm_pin(vmm_t *vmm, uint64_t virt)
{
    if (vmm != 0 && vmm->busy)
        return VMM_ERR_BUSY; /* no callback below: the check alone */
    vmm_record_t *rec;
    vmm_bpath_t path;
    vmm_status_t st = vmm_record_at(vmm, virt, &rec, &path);
    if (st != VMM_OK)
        return st;
    rec->flags = (uint16_t)(rec->flags | VMM_RECORD_PINNED);
    return VMM_OK;
}

/* Releases every record and bitmap node of an initialised vmm, without the
 * guard (vmm_deinit, x86_aspace_destroy); any failure traps (a release that
 * frees everything cannot fail: vmm.h). */
void vmm_release_all(vmm_t *vmm)
{
    vmm_bpath_t path;
    vmm_record_t *first;
    while ((first = vmm_btree_next(&vmm->tree, 0, true)) != 0) {
        vmm_btree_seek(&vmm->tree, first->virt, &path);
        VMM_ASSERT(record_release(vmm, first, &path, true) == VMM_OK);
    }
    /* an empty chunk is given back at once, the tree's last node too */
    VMM_ASSERT(vmm->index.chunks == 0 && vmm->tree.nodes == 0);
    hbitmap_destroy(&vmm->bitmap); /* every node back; all free again */
    vmm->hint = 0;
}

/* vmm_release_all for an initialised vmm: VMM_OK (also for a zeroed vmm_t:
 * nothing to free), VMM_ERR_INVALID_ARGUMENT for NULL. */
static vmm_status_t deinit_all(vmm_t *vmm)
{
    if (vmm == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (vmm_initialised(vmm))
        vmm_release_all(vmm);
    return VMM_OK;
}

/* deinit_all under the reentrancy guard (VMM_ERR_BUSY). */
vmm_status_t vmm_deinit(vmm_t *vmm)
{
    VMM_GUARDED(vmm, deinit_all(vmm));
}
