/*
 * vmm.c - the virtual memory manager (see vmm.h for the API and contract):
 * init, is_set, set, alloc, reserve, claim, map_page. The records live in
 * vmm_records.c, free / release / deinit in vmm_release.c.
 *
 * Every public function first validates its whole input, then performs its
 * steps in an order that can be undone, and on a failure jumps to one exit
 * path that undoes the partial work in reverse (ANSSI style). The bitmap is
 * the last word on which pages are taken; the records say by whom. The
 * bitmap may need nodes from the allocator to mark a run, the records a
 * chunk for one more record slot: both are taken (prepare_pages) before any
 * step that would have to be undone, and the marking and indexing come last
 * and cannot fail. A reservation takes nothing per page: each chunk of
 * its store comes with the first page mapped in it (vmm_map_page); nothing after its
 * marking can fail, so it prepares only the index and lets the marking
 * (which changes nothing when it fails) take its own bitmap nodes. The
 * index is descended once per new record: vmm_index_prepare fills the
 * path at which vmm_index_insert inserts.
 */
#include "vmm_records.h"

#include "vmm_assert.h"

/* ---- the bitmap ---- */

/* Finds a run of `pages` free entries whose address is aligned to align pages
 * and stores its first index in *first; sets nothing. Next fit: from
 * vmm->hint, then from the window start; first fit: from the window start.
 * VMM_ERR_NO_SPACE when there is none. */
static vmm_status_t find_pages(const vmm_t *vmm, size_t pages, size_t align, size_t *first)
{
    size_t num = vmm->bitmap.num_entries;
    /* phase: the first index whose address is a multiple of align pages */
    size_t phase = (size_t)((align - (PAGES_OF(vmm->start) & (align - 1u))) & (align - 1u));
    if (phase >= num)
        return VMM_ERR_NO_SPACE;
    size_t hint = vmm->fit == VMM_FIT_NEXT && vmm->hint > phase ? vmm->hint : phase;
    size_t from = phase + ((hint - phase + align - 1u) & ~(align - 1u));
    if (from < hint || from > num) /* wrapped or beyond: start over */
        from = phase;
    vmm_status_t st = hbitmap_find(&vmm->bitmap, pages, align, from, first);
    if (st == VMM_ERR_NO_SPACE && from != phase)
        st = hbitmap_find(&vmm->bitmap, pages, align, phase, first);
    return st == VMM_OK ? VMM_OK : VMM_ERR_NO_SPACE;
}

/* Takes from the allocator what setting the pages [first, first + pages)
 * and indexing one more record need (bitmap nodes, an index chunk, tree
 * nodes), so that commit_record cannot fail; fills *path for it. Returns
 * hbitmap_prepare's error or VMM_ERR_OUT_OF_MEMORY with nothing taken. */
static vmm_status_t prepare_pages(vmm_t *vmm, size_t first, size_t pages, vmm_bpath_t *path)
{
    vmm_status_t st = hbitmap_prepare(&vmm->bitmap, first, pages, true);
    if (st != VMM_OK)
        return st;
    st = vmm_index_prepare(vmm, vmm_page_addr(vmm, first), path);
    if (st != VMM_OK)
        hbitmap_unprepare(&vmm->bitmap);
    return st;
}

/* Gives back what prepare_pages took, when no commit_record followed. */
static void unprepare_pages(vmm_t *vmm)
{
    vmm_index_unprepare(vmm);
    hbitmap_unprepare(&vmm->bitmap);
}

/* Sets the pages [first, first + pages) and indexes rec at path, after
 * prepare_pages of the same range: cannot fail. */
static void commit_record(vmm_t *vmm, size_t first, size_t pages, vmm_record_t *rec,
                          const vmm_bpath_t *path)
{
    VMM_ASSERT(hbitmap_set_range(&vmm->bitmap, first, pages) == VMM_OK);
    vmm_index_insert(vmm, rec, path);
}

/* ---- init ---- */

/* Returns true when every callback of the three interfaces is set. */
static bool interfaces_ok(const vmm_allocator_t *a, const vmm_mapper_t *m,
                          const vmm_frames_t *f)
{
    return a != 0 && m != 0 && f != 0 && a->alloc != 0 && a->free != 0 &&
           m->map != 0 && m->unmap != 0 && m->query != 0 && f->alloc != 0 &&
           f->free != 0 && f->claim != 0;
}

/* Initialises vmm over [start, end); see vmm.h for the errors. */
vmm_status_t vmm_init(vmm_t *vmm, uint64_t start, uint64_t end,
                      const vmm_allocator_t *allocator,
                      const vmm_mapper_t *mapper, const vmm_frames_t *frames)
{
    if (vmm == 0 || !interfaces_ok(allocator, mapper, frames))
        return VMM_ERR_INVALID_ARGUMENT;
    if (start >= end)
        return VMM_ERR_INVALID_VIRT;
    if (!IS_ALIGNED(start, VMM_PAGE_SIZE) || !IS_ALIGNED(end, VMM_PAGE_SIZE))
        return VMM_ERR_MISALIGNED;
    if (mapper->mappable != 0) {
        vmm_status_t st = mapper->mappable(mapper->ctx, start, end - start);
        if (st != VMM_OK)
            return st; /* e.g. VMM_ERR_NON_CANONICAL: the CPU would #GP there */
    }
    /* at most 2^52 - 1 pages: within HBITMAP_MAX_ENTRIES, cannot fail */
    VMM_ASSERT(hbitmap_init(&vmm->bitmap, (size_t)PAGES_OF(end - start), allocator) == VMM_OK);
    vmm->start = start;
    vmm->end = end;
    vmm->allocator = *allocator;
    vmm->mapper = *mapper;
    vmm->frames = *frames;
    vmm_index_init(vmm);
    vmm->hint = 0;
    vmm->fit = VMM_FIT_NEXT;
    vmm->busy = false;
    return VMM_OK;
}

/* Chooses the placement of vmm_alloc / vmm_reserve; VMM_ERR_BUSY inside a
 * call on vmm, VMM_ERR_INVALID_ARGUMENT for NULL, a zeroed vmm_t or an
 * unknown fit, with nothing changed. */
vmm_status_t vmm_set_fit(vmm_t *vmm, vmm_fit_t fit)
{
    if (vmm != 0 && vmm->busy)
        return VMM_ERR_BUSY;
    if (vmm == 0 || !vmm_initialised(vmm) || (fit != VMM_FIT_NEXT && fit != VMM_FIT_FIRST))
        return VMM_ERR_INVALID_ARGUMENT;
    vmm->fit = fit;
    return VMM_OK;
}

/* Stores in *set whether the page holding virt is in a record.
 * VMM_ERR_BUSY (inside a call on vmm: the bitmap may be half written),
 * VMM_ERR_INVALID_ARGUMENT (set NULL), VMM_ERR_OUT_OF_BOUNDS (outside). */
vmm_status_t vmm_is_set(const vmm_t *vmm, uint64_t virt, bool *set)
{
    if (vmm != 0 && vmm->busy)
        return VMM_ERR_BUSY;
    if (vmm == 0 || set == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (!vmm_in_window(vmm, virt))
        return VMM_ERR_OUT_OF_BOUNDS;
    return hbitmap_test(&vmm->bitmap, vmm_page_index(vmm, virt), set);
}

/* ---- set ---- */

/* Checks vmm_set's arguments (see vmm.h for the order of the errors). */
static vmm_status_t set_check(const vmm_t *vmm, vmm_range_t virt,
                              const vmm_range_t *phys, vmm_attrs_t attrs)
{
    if (vmm == 0 || !ATTRS_VALID(attrs))
        return VMM_ERR_INVALID_ARGUMENT;
    if (virt.start >= virt.end)
        return VMM_ERR_INVALID_VIRT;
    if (!IS_ALIGNED(virt.start, VMM_PAGE_SIZE) || !IS_ALIGNED(virt.end, VMM_PAGE_SIZE))
        return VMM_ERR_MISALIGNED;
    if (!vmm_range_in_window(vmm, virt.start, virt.end - virt.start))
        return VMM_ERR_OUT_OF_BOUNDS;
    if (phys != 0) {
        if (phys->start >= phys->end)
            return VMM_ERR_INVALID_PHYS;
        if (phys->end - phys->start != virt.end - virt.start)
            return VMM_ERR_PHYS_VIRT_MISMATCH;
        if (!IS_ALIGNED(phys->start, VMM_PAGE_SIZE))
            return VMM_ERR_MISALIGNED;
    }
    uint64_t pages = PAGES_OF(virt.end - virt.start);
    if (!hbitmap_range_clear(&vmm->bitmap, vmm_page_index(vmm, virt.start), (size_t)pages))
        return VMM_ERR_ALREADY_ALLOCATED;
    return VMM_OK;
}

/* Records virt and maps it to phys (claimed) when phys is not NULL;
 * returns set_check's error, OUT_OF_MEMORY, or the frames' / mapper's. */
static vmm_status_t set_range(vmm_t *vmm, vmm_range_t virt, const vmm_range_t *phys,
                              vmm_attrs_t attrs)
{
    vmm_status_t st = set_check(vmm, virt, phys, attrs);
    if (st != VMM_OK)
        return st;
    uint64_t len = virt.end - virt.start;
    size_t pages = (size_t)PAGES_OF(len);
    size_t first = vmm_page_index(vmm, virt.start);
    vmm_bpath_t path;
    st = prepare_pages(vmm, first, pages, &path);
    if (st != VMM_OK)
        return st;
    vmm_record_t *rec = vmm_record_new(vmm, VMM_REC_SET, virt.start, pages, 0); /* no block */
    rec->attrs = attrs;
    if (phys != 0) {
        st = vmm->frames.claim(vmm->frames.ctx, phys->start, pages);
        if (st != VMM_OK)
            goto undo_record;
        st = vmm->mapper.map(vmm->mapper.ctx, virt.start, phys->start, len,
                             VMM_PAGE_SIZE, attrs);
        if (st != VMM_OK)
            goto undo_claim;
        rec->phys = phys->start;
    }
    commit_record(vmm, first, pages, rec, &path);
    return VMM_OK;

undo_claim:
    VMM_ASSERT(vmm->frames.free(vmm->frames.ctx, phys->start, pages) == VMM_OK);
undo_record:
    vmm_record_delete(vmm, rec);
    unprepare_pages(vmm);
    return st;
}

/* set_range under the reentrancy guard (VMM_ERR_BUSY). */
vmm_status_t vmm_set(vmm_t *vmm, vmm_range_t virt, const vmm_range_t *phys,
                     vmm_attrs_t attrs)
{
    VMM_GUARDED(vmm, set_range(vmm, virt, phys, attrs));
}

/* ---- alloc ---- */

/* Allocates pages pages, each on a fresh frame, and maps them; returns the
 * first address in *virt, or an error with nothing changed (vmm.h). */
static vmm_status_t alloc_pages(vmm_t *vmm, size_t pages, vmm_attrs_t attrs, uint64_t *virt)
{
    if (vmm == 0 || pages == 0 || !ATTRS_VALID(attrs) || virt == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (pages > vmm->bitmap.num_free) /* any count a window holds: its frames block fits a size_t */
        return VMM_ERR_NO_SPACE;
    size_t first, done = 0;
    vmm_bpath_t path;
    vmm_status_t st = find_pages(vmm, pages, 1, &first);
    if (st == VMM_OK)
        st = prepare_pages(vmm, first, pages, &path);
    if (st != VMM_OK)
        return st;
    vmm_record_t *rec = vmm_record_new(vmm, VMM_REC_ALLOC, vmm_page_addr(vmm, first), pages,
                                       pages);
    if (rec == 0) {
        st = VMM_ERR_OUT_OF_MEMORY;
        goto undo_prepare;
    }
    rec->attrs = attrs;
    for (; done < pages; done++) {
        st = vmm->frames.alloc(vmm->frames.ctx, 1, 1, vmm_record_alloc_frame(rec, done));
        if (st != VMM_OK)
            goto undo_frames;
        if (vmm->frames.zero != 0) /* zero-before-visible (frames.h) */
            vmm->frames.zero(vmm->frames.ctx, *vmm_record_alloc_frame(rec, done), 1);
    }
    st = vmm_map_single_frames(vmm, rec);
    if (st != VMM_OK)
        goto undo_frames;
    commit_record(vmm, first, pages, rec, &path);
    vmm->hint = first + pages;
    *virt = rec->virt;
    return VMM_OK;

undo_frames:
    vmm_return_single_frames(vmm, rec, 0, done);
    vmm_record_delete(vmm, rec);
undo_prepare:
    unprepare_pages(vmm);
    return st;
}

/* alloc_pages under the reentrancy guard (VMM_ERR_BUSY). */
vmm_status_t vmm_alloc(vmm_t *vmm, size_t pages, vmm_attrs_t attrs,
                       uint64_t *virt)
{
    VMM_GUARDED(vmm, alloc_pages(vmm, pages, attrs, virt));
}

/* ---- reserve / claim ---- */

/* Checks page_size, attrs and flags of a reservation and stores its size in
 * 4 KiB pages in *pages. VMM_ERR_INVALID_ARGUMENT or VMM_ERR_OVERFLOW. */
static vmm_status_t reserve_check(size_t count, uint64_t page_size, vmm_attrs_t attrs,
                                  uint32_t flags, size_t *pages)
{
    if (count == 0 || !ATTRS_VALID(attrs) || (flags & ~VMM_RESERVE_FLAGS_ALL) != 0 ||
        (flags & (VMM_RESERVE_LAZY | VMM_RESERVE_BORROWED)) ==
            (VMM_RESERVE_LAZY | VMM_RESERVE_BORROWED) ||
        (page_size != VMM_SIZE_4K && page_size != VMM_SIZE_2M && page_size != VMM_SIZE_1G))
        return VMM_ERR_INVALID_ARGUMENT;
    uint64_t per = PAGES_OF(page_size);
    if ((uint64_t)count > (SIZE_MAX >> VMM_PAGE_SHIFT) / per)
        return VMM_ERR_OVERFLOW;
    *pages = (size_t)(count * per);
    return VMM_OK;
}

/* Records the reservation [virt, virt + pages) of count pages of
 * page_size: takes an index slot and tree nodes, then sets the pages (the
 * one step that may fail once the index is prepared: hbitmap_set_range
 * changes nothing when it fails), then indexes the record, which cannot
 * fail. A reservation takes no store until a page is mapped.
 * Returns VMM_ERR_OUT_OF_MEMORY with nothing changed. */
static vmm_status_t reservation_add(vmm_t *vmm, uint64_t virt, size_t pages, size_t count,
                                    uint64_t page_size, vmm_attrs_t attrs, uint32_t flags)
{
    vmm_bpath_t path;
    vmm_status_t st = vmm_index_prepare(vmm, virt, &path);
    if (st != VMM_OK)
        return st;
    st = hbitmap_set_range(&vmm->bitmap, vmm_page_index(vmm, virt), pages);
    if (st != VMM_OK) {
        vmm_index_unprepare(vmm);
        return st;
    }
    vmm_record_t *rec = vmm_record_new(vmm, VMM_REC_RESERVE, virt, pages, count);
    rec->page_size = page_size;
    rec->attrs = attrs;
    rec->flags = (uint16_t)flags; /* reserve_check: within VMM_RESERVE_FLAGS_ALL */
    vmm_index_insert(vmm, rec, &path);
    return VMM_OK;
}

/* Reserves count aligned pages of page_size anywhere in the window (next-fit);
 * returns the first address in *virt, or an error with nothing changed. */
static vmm_status_t reserve_pages(vmm_t *vmm, size_t count, uint64_t page_size,
                                  vmm_attrs_t attrs, uint32_t flags, uint64_t *virt)
{
    size_t pages, first;
    if (vmm == 0 || virt == 0) /* the NULL rule first (status.h) */
        return VMM_ERR_INVALID_ARGUMENT;
    vmm_status_t st = reserve_check(count, page_size, attrs, flags, &pages);
    if (st != VMM_OK)
        return st;
    if (pages > vmm->bitmap.num_free)
        return VMM_ERR_NO_SPACE;
    st = find_pages(vmm, pages, (size_t)PAGES_OF(page_size), &first);
    if (st == VMM_OK)
        st = reservation_add(vmm, vmm_page_addr(vmm, first), pages, count, page_size, attrs,
                             flags);
    if (st != VMM_OK)
        return st;
    vmm->hint = first + pages;
    *virt = vmm_page_addr(vmm, first);
    return VMM_OK;
}

/* reserve_pages under the reentrancy guard (VMM_ERR_BUSY). */
vmm_status_t vmm_reserve(vmm_t *vmm, size_t count, uint64_t page_size,
                         vmm_attrs_t attrs, uint32_t flags, uint64_t *virt)
{
    VMM_GUARDED(vmm, reserve_pages(vmm, count, page_size, attrs, flags, virt));
}

/* Reserves count pages of page_size at the fixed address virt; returns an
 * error with nothing changed (reserve_check's, MISALIGNED, OVERFLOW,
 * OUT_OF_BOUNDS, ALREADY_ALLOCATED, OUT_OF_MEMORY). */
static vmm_status_t claim_pages(vmm_t *vmm, uint64_t virt, size_t count,
                                uint64_t page_size, vmm_attrs_t attrs, uint32_t flags)
{
    size_t pages;
    if (vmm == 0) /* the NULL rule first (status.h) */
        return VMM_ERR_INVALID_ARGUMENT;
    vmm_status_t st = reserve_check(count, page_size, attrs, flags, &pages);
    if (st != VMM_OK)
        return st;
    if (!IS_ALIGNED(virt, page_size))
        return VMM_ERR_MISALIGNED;
    if (BYTES_OF(pages) - 1u > UINT64_MAX - virt)
        return VMM_ERR_OVERFLOW;
    if (!vmm_range_in_window(vmm, virt, BYTES_OF(pages)))
        return VMM_ERR_OUT_OF_BOUNDS;
    size_t first = vmm_page_index(vmm, virt);
    if (!hbitmap_range_clear(&vmm->bitmap, first, pages))
        return VMM_ERR_ALREADY_ALLOCATED;
    return reservation_add(vmm, virt, pages, count, page_size, attrs, flags);
}

/* claim_pages under the reentrancy guard (VMM_ERR_BUSY). */
vmm_status_t vmm_claim(vmm_t *vmm, uint64_t virt, size_t count,
                       uint64_t page_size, vmm_attrs_t attrs, uint32_t flags)
{
    VMM_GUARDED(vmm, claim_pages(vmm, virt, count, page_size, attrs, flags));
}

/* ---- map_page ---- */

/* Maps page virt of the reservation starting at reservation to phys, whose
 * frames become the VMM's (unless it is VMM_RESERVE_BORROWED); see vmm.h
 * for the errors. No guard: vmm_map_page and vmm_fault's demand map call it. */
vmm_status_t vmm_map_page_unguarded(vmm_t *vmm, uint64_t reservation, uint64_t virt,
                                    uint64_t phys, vmm_attrs_t attrs)
{
    vmm_record_t *rec;
    if (!ATTRS_VALID(attrs))
        return VMM_ERR_INVALID_ARGUMENT;
    vmm_bpath_t path;
    vmm_status_t st = vmm_record_at(vmm, reservation, &rec, &path);
    if (st == VMM_ERR_OUT_OF_BOUNDS)
        st = VMM_ERR_NOT_ALLOCATED;
    if (st != VMM_OK)
        return st;
    if (rec->kind != VMM_REC_RESERVE)
        return VMM_ERR_NOT_RESERVATION;
    if (virt < rec->virt || virt >= vmm_record_end(rec))
        return VMM_ERR_NOT_IN_RESERVATION;
    if (!IS_ALIGNED(virt, rec->page_size) || !IS_ALIGNED(phys, rec->page_size))
        return VMM_ERR_MISALIGNED;
    size_t k = (size_t)((virt - rec->virt) / rec->page_size);
    if (vmm_record_frame(rec, k) != VMM_NO_FRAME)
        return VMM_ERR_ALREADY_MAPPED;
    if (vmm->frames.in_use != 0) {
        st = vmm->frames.in_use(vmm->frames.ctx, phys, (size_t)(rec->page_size / VMM_PAGE_SIZE));
        if (st != VMM_OK)
            return st; /* a free frame was handed over: release would trap */
    }
    unsigned fresh;
    if ((st = vmm_record_page_prepare(vmm, rec, k, &fresh)) != VMM_OK)
        return st; /* the first page mapped in its chunk: the chunk and its path */
    st = vmm->mapper.map(vmm->mapper.ctx, virt, phys, rec->page_size, rec->page_size, attrs);
    if (st != VMM_OK) {
        vmm_record_page_unprepare(vmm, rec, k, fresh);
        return st;
    }
    vmm_record_page_set(rec, k, phys, attrs);
    return VMM_OK;
}

/* vmm_map_page_unguarded under the reentrancy guard (VMM_ERR_BUSY). */
vmm_status_t vmm_map_page(vmm_t *vmm, uint64_t reservation, uint64_t virt,
                          uint64_t phys, vmm_attrs_t attrs)
{
    VMM_GUARDED(vmm, vmm_map_page_unguarded(vmm, reservation, virt, phys, attrs));
}
