/*
 * vmm.c - the virtual memory manager (see vmm.h for the API and contract).
 *
 * Every public function first validates its whole input, then performs its
 * steps in an order that can be undone, and on a failure jumps to one exit
 * path that undoes the partial work in reverse (ANSSI style). The bitmap is
 * the last word on which pages are taken; the records say by whom.
 *
 * Bitmap index i <-> virtual address start + i * VMM_PAGE_SIZE.
 */
#include "vmm.h"

#include "vmm_assert.h"

#define PAGES_OF(bytes) ((bytes) >> VMM_PAGE_SHIFT)
#define BYTES_OF(pages) ((uint64_t)(pages) << VMM_PAGE_SHIFT)
#define IS_ALIGNED(x, size) (((x) & ((size) - 1u)) == 0)
#define ATTRS_VALID(attrs) (((attrs) & ~VMM_ATTR_ALL) == 0)

/* ---- window and bitmap ---- */

/* Returns the bitmap index of the page holding virt (virt in the window). */
static size_t page_index(const vmm_t *vmm, uint64_t virt)
{
    return (size_t)PAGES_OF(virt - vmm->start);
}

/* Returns the virtual address of bitmap index i. */
static uint64_t page_addr(const vmm_t *vmm, size_t i)
{
    return vmm->start + BYTES_OF(i);
}

/* Returns true when virt lies in [start, end). */
static bool in_window(const vmm_t *vmm, uint64_t virt)
{
    return virt >= vmm->start && virt < vmm->end;
}

/* Returns true when [virt, virt + len) (len > 0, no wrap) lies in the window. */
static bool range_in_window(const vmm_t *vmm, uint64_t virt, uint64_t len)
{
    return virt >= vmm->start && virt < vmm->end && len <= vmm->end - virt;
}

/* Finds a run of `pages` free entries whose address is aligned to align pages,
 * next-fit: from vmm->hint, then from the window start. Sets the bits and
 * stores the first index in *first. VMM_ERR_NO_SPACE when there is none. */
static vmm_status_t find_pages(vmm_t *vmm, size_t pages, size_t align, size_t *first)
{
    size_t num = vmm->bitmap.num_entries;
    /* phase: the first index whose address is a multiple of align pages */
    size_t phase = (size_t)((align - (PAGES_OF(vmm->start) & (align - 1u))) & (align - 1u));
    if (phase >= num)
        return VMM_ERR_NO_SPACE;
    size_t hint = vmm->hint > phase ? vmm->hint : phase;
    size_t from = phase + ((hint - phase + align - 1u) & ~(align - 1u));
    if (from < hint || from > num) /* wrapped or beyond: start over */
        from = phase;
    vmm_status_t st = bitmap_find_set(&vmm->bitmap, pages, align, from, first);
    if (st == VMM_ERR_NO_SPACE && from != phase)
        st = bitmap_find_set(&vmm->bitmap, pages, align, phase, first);
    return st == VMM_OK ? VMM_OK : VMM_ERR_NO_SPACE;
}

/* ---- records ---- */

/* Returns the bytes of a record block with nframes frames; for reservations
 * one attribute byte per frame follows frames[] (vmm_record_page_attrs).
 * 0 when it would not fit a size_t. */
static size_t record_bytes(uint32_t kind, size_t nframes)
{
    size_t per = sizeof(uint64_t) + (kind == VMM_REC_RESERVE ? 1u : 0u);
    if (nframes > (SIZE_MAX - sizeof(vmm_record_t)) / per)
        return 0;
    return sizeof(vmm_record_t) + nframes * per;
}

/* Returns the attribute bytes of a reservation record. */
static uint8_t *page_attrs(vmm_record_t *rec)
{
    return (uint8_t *)&rec->frames[rec->nframes];
}

vmm_attrs_t vmm_record_page_attrs(const vmm_record_t *rec, size_t i)
{
    if (rec->kind != VMM_REC_RESERVE || i >= rec->nframes || rec->frames[i] == VMM_NO_FRAME)
        return rec->attrs;
    return ((const uint8_t *)&rec->frames[rec->nframes])[i];
}

/* Allocates a record for [virt, virt + pages pages) with nframes frames, all
 * VMM_NO_FRAME. Returns NULL when the allocator fails. */
static vmm_record_t *record_new(vmm_t *vmm, uint32_t kind, uint64_t virt,
                                uint64_t pages, size_t nframes)
{
    size_t bytes = record_bytes(kind, nframes);
    if (bytes == 0)
        return 0;
    vmm_record_t *rec = vmm->allocator.alloc(vmm->allocator.ctx, bytes,
                                             _Alignof(vmm_record_t));
    if (rec == 0)
        return 0;
    rec->next = 0;
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
            page_attrs(rec)[i] = 0;
    return rec;
}

/* Returns a record's block to the allocator. */
static void record_delete(vmm_t *vmm, vmm_record_t *rec)
{
    vmm->allocator.free(vmm->allocator.ctx, rec, record_bytes(rec->kind, rec->nframes));
}

/* Returns the address one past the record's last byte. */
static uint64_t record_end(const vmm_record_t *rec)
{
    return rec->virt + BYTES_OF(rec->pages);
}

/* Returns the link pointing at the first record whose virt is >= virt (the
 * insertion point of a record starting at virt). */
static vmm_record_t **record_link(vmm_t *vmm, uint64_t virt)
{
    vmm_record_t **link = &vmm->records;
    while (*link != 0 && (*link)->virt < virt)
        link = &(*link)->next;
    return link;
}

/* Inserts rec into the sorted list; cannot fail. */
static void record_insert(vmm_t *vmm, vmm_record_t *rec)
{
    vmm_record_t **link = record_link(vmm, rec->virt);
    rec->next = *link;
    *link = rec;
}

const vmm_record_t *vmm_find_record(const vmm_t *vmm, uint64_t virt)
{
    for (const vmm_record_t *r = vmm->records; r != 0 && r->virt <= virt; r = r->next)
        if (virt < record_end(r))
            return r;
    return 0;
}

/* Looks up the record starting at virt and stores the link pointing to it in
 * *link. VMM_ERR_OUT_OF_BOUNDS (outside the window), VMM_ERR_NOT_START
 * (inside a record), VMM_ERR_NOT_ALLOCATED (no record there). */
static vmm_status_t record_at(vmm_t *vmm, uint64_t virt, vmm_record_t ***link)
{
    if (!in_window(vmm, virt))
        return VMM_ERR_OUT_OF_BOUNDS;
    const vmm_record_t *r = vmm_find_record(vmm, virt);
    if (r == 0)
        return VMM_ERR_NOT_ALLOCATED;
    if (r->virt != virt)
        return VMM_ERR_NOT_START;
    *link = record_link(vmm, virt);
    VMM_ASSERT(**link == r);
    return VMM_OK;
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

vmm_status_t vmm_init(vmm_t *vmm, uint64_t start, uint64_t end,
                      uint64_t *storage, size_t storage_words,
                      const vmm_allocator_t *allocator,
                      const vmm_mapper_t *mapper, const vmm_frames_t *frames)
{
    if (vmm == 0 || storage == 0 || !interfaces_ok(allocator, mapper, frames))
        return VMM_ERR_INVALID_ARGUMENT;
    if (start >= end)
        return VMM_ERR_INVALID_VIRT;
    if (!IS_ALIGNED(start, VMM_PAGE_SIZE) || !IS_ALIGNED(end, VMM_PAGE_SIZE))
        return VMM_ERR_MISALIGNED;
    uint64_t pages = PAGES_OF(end - start);
    if (pages > SIZE_MAX - BITMAP_WORD_BITS || storage_words < BITMAP_WORDS((size_t)pages))
        return VMM_ERR_OUT_OF_BOUNDS;
    (void)bitmap_init(&vmm->bitmap, storage, storage_words, (size_t)pages);
    vmm->start = start;
    vmm->end = end;
    vmm->allocator = *allocator;
    vmm->mapper = *mapper;
    vmm->frames = *frames;
    vmm->records = 0;
    vmm->hint = 0;
    return VMM_OK;
}

vmm_status_t vmm_is_set(const vmm_t *vmm, uint64_t virt, bool *set)
{
    if (!in_window(vmm, virt))
        return VMM_ERR_OUT_OF_BOUNDS;
    return bitmap_test(&vmm->bitmap, page_index(vmm, virt), set);
}

/* ---- set ---- */

/* Checks vmm_set's arguments (see vmm.h for the order of the errors). */
static vmm_status_t set_check(const vmm_t *vmm, vmm_range_t virt,
                              const vmm_range_t *phys, vmm_attrs_t attrs)
{
    if (!ATTRS_VALID(attrs))
        return VMM_ERR_INVALID_ARGUMENT;
    if (virt.start >= virt.end)
        return VMM_ERR_INVALID_VIRT;
    if (!IS_ALIGNED(virt.start, VMM_PAGE_SIZE) || !IS_ALIGNED(virt.end, VMM_PAGE_SIZE))
        return VMM_ERR_MISALIGNED;
    if (!range_in_window(vmm, virt.start, virt.end - virt.start))
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
    if (!bitmap_range_clear(&vmm->bitmap, page_index(vmm, virt.start), (size_t)pages))
        return VMM_ERR_ALREADY_ALLOCATED;
    return VMM_OK;
}

vmm_status_t vmm_set(vmm_t *vmm, vmm_range_t virt, const vmm_range_t *phys,
                     vmm_attrs_t attrs)
{
    vmm_status_t st = set_check(vmm, virt, phys, attrs);
    if (st != VMM_OK)
        return st;
    uint64_t len = virt.end - virt.start;
    size_t pages = (size_t)PAGES_OF(len);
    vmm_record_t *rec = record_new(vmm, VMM_REC_SET, virt.start, pages, 0);
    if (rec == 0)
        return VMM_ERR_OUT_OF_MEMORY;
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
    (void)bitmap_set_range(&vmm->bitmap, page_index(vmm, virt.start), pages);
    record_insert(vmm, rec);
    return VMM_OK;

undo_claim:
    VMM_ASSERT(vmm->frames.free(vmm->frames.ctx, phys->start, pages) == VMM_OK);
undo_record:
    record_delete(vmm, rec);
    return st;
}

/* ---- alloc ---- */

/* Returns frames[from, to) of rec (one 4 KiB frame each) to the frame source,
 * a run of physically contiguous frames per call. They are the VMM's: a
 * failure is a broken invariant. */
static void free_single_frames(vmm_t *vmm, const vmm_record_t *rec, size_t from, size_t to)
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

/* Maps the pages of an ALLOC record, one mapper call per run of physically
 * contiguous frames. On failure unmaps what it mapped and returns the error. */
static vmm_status_t map_single_frames(vmm_t *vmm, const vmm_record_t *rec)
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

vmm_status_t vmm_alloc(vmm_t *vmm, size_t pages, vmm_attrs_t attrs,
                       uint64_t *virt)
{
    if (pages == 0 || !ATTRS_VALID(attrs) || virt == 0)
        return VMM_ERR_INVALID_ARGUMENT;
    if (pages > vmm->bitmap.num_free || pages > UINT32_MAX)
        return VMM_ERR_NO_SPACE;
    size_t first, done = 0;
    vmm_status_t st = find_pages(vmm, pages, 1, &first);
    if (st != VMM_OK)
        return st;
    vmm_record_t *rec = record_new(vmm, VMM_REC_ALLOC, page_addr(vmm, first), pages, pages);
    if (rec == 0) {
        st = VMM_ERR_OUT_OF_MEMORY;
        goto undo_bitmap;
    }
    rec->attrs = attrs;
    for (; done < pages; done++) {
        st = vmm->frames.alloc(vmm->frames.ctx, 1, 1, &rec->frames[done]);
        if (st != VMM_OK)
            goto undo_frames;
    }
    st = map_single_frames(vmm, rec);
    if (st != VMM_OK)
        goto undo_frames;
    record_insert(vmm, rec);
    vmm->hint = first + pages;
    *virt = rec->virt;
    return VMM_OK;

undo_frames:
    free_single_frames(vmm, rec, 0, done);
    record_delete(vmm, rec);
undo_bitmap:
    (void)bitmap_clear_range(&vmm->bitmap, first, pages);
    return st;
}

/* ---- reserve / claim ---- */

/* Checks page_size, attrs and flags of a reservation and stores its size in
 * 4 KiB pages in *pages. VMM_ERR_INVALID_ARGUMENT or VMM_ERR_OVERFLOW. */
static vmm_status_t reserve_check(size_t count, uint64_t page_size, vmm_attrs_t attrs,
                                  uint32_t flags, size_t *pages)
{
    if (count == 0 || !ATTRS_VALID(attrs) || (flags & ~VMM_RESERVE_FLAGS_ALL) != 0 ||
        (page_size != VMM_SIZE_4K && page_size != VMM_SIZE_2M && page_size != VMM_SIZE_1G))
        return VMM_ERR_INVALID_ARGUMENT;
    uint64_t per = PAGES_OF(page_size);
    if (count > UINT32_MAX || (uint64_t)count > (SIZE_MAX >> VMM_PAGE_SHIFT) / per)
        return VMM_ERR_OVERFLOW;
    *pages = (size_t)(count * per);
    return VMM_OK;
}

/* Allocates a reservation record for [virt, virt + pages) of count pages of
 * page_size. NULL when the allocator fails. */
static vmm_record_t *reservation_new(vmm_t *vmm, uint64_t virt, size_t pages, size_t count,
                                     uint64_t page_size, vmm_attrs_t attrs, uint32_t flags)
{
    vmm_record_t *rec = record_new(vmm, VMM_REC_RESERVE, virt, pages, count);
    if (rec != 0) {
        rec->page_size = page_size;
        rec->attrs = attrs;
        rec->flags = flags;
    }
    return rec;
}

vmm_status_t vmm_reserve(vmm_t *vmm, size_t count, uint64_t page_size,
                         vmm_attrs_t attrs, uint32_t flags, uint64_t *virt)
{
    size_t pages, first;
    vmm_status_t st = reserve_check(count, page_size, attrs, flags, &pages);
    if (st == VMM_OK && virt == 0)
        st = VMM_ERR_INVALID_ARGUMENT;
    if (st != VMM_OK)
        return st;
    if (pages > vmm->bitmap.num_free)
        return VMM_ERR_NO_SPACE;
    st = find_pages(vmm, pages, (size_t)PAGES_OF(page_size), &first);
    if (st != VMM_OK)
        return st;
    vmm_record_t *rec = reservation_new(vmm, page_addr(vmm, first), pages, count,
                                        page_size, attrs, flags);
    if (rec == 0) {
        (void)bitmap_clear_range(&vmm->bitmap, first, pages);
        return VMM_ERR_OUT_OF_MEMORY;
    }
    record_insert(vmm, rec);
    vmm->hint = first + pages;
    *virt = rec->virt;
    return VMM_OK;
}

vmm_status_t vmm_claim(vmm_t *vmm, uint64_t virt, size_t count,
                       uint64_t page_size, vmm_attrs_t attrs, uint32_t flags)
{
    size_t pages;
    vmm_status_t st = reserve_check(count, page_size, attrs, flags, &pages);
    if (st != VMM_OK)
        return st;
    if (!IS_ALIGNED(virt, page_size))
        return VMM_ERR_MISALIGNED;
    if (BYTES_OF(pages) - 1u > UINT64_MAX - virt)
        return VMM_ERR_OVERFLOW;
    if (!range_in_window(vmm, virt, BYTES_OF(pages)))
        return VMM_ERR_OUT_OF_BOUNDS;
    size_t first = page_index(vmm, virt);
    if (!bitmap_range_clear(&vmm->bitmap, first, pages))
        return VMM_ERR_ALREADY_ALLOCATED;
    vmm_record_t *rec = reservation_new(vmm, virt, pages, count, page_size, attrs, flags);
    if (rec == 0)
        return VMM_ERR_OUT_OF_MEMORY;
    (void)bitmap_set_range(&vmm->bitmap, first, pages);
    record_insert(vmm, rec);
    return VMM_OK;
}

/* ---- map_page ---- */

vmm_status_t vmm_map_page(vmm_t *vmm, uint64_t reservation, uint64_t virt,
                          uint64_t phys, vmm_attrs_t attrs)
{
    vmm_record_t **link;
    if (!ATTRS_VALID(attrs))
        return VMM_ERR_INVALID_ARGUMENT;
    vmm_status_t st = record_at(vmm, reservation, &link);
    if (st == VMM_ERR_OUT_OF_BOUNDS)
        st = VMM_ERR_NOT_ALLOCATED;
    if (st != VMM_OK)
        return st;
    vmm_record_t *rec = *link;
    if (rec->kind != VMM_REC_RESERVE)
        return VMM_ERR_NOT_RESERVATION;
    if (virt < rec->virt || virt >= record_end(rec))
        return VMM_ERR_NOT_IN_RESERVATION;
    if (!IS_ALIGNED(virt, rec->page_size) || !IS_ALIGNED(phys, rec->page_size))
        return VMM_ERR_MISALIGNED;
    size_t k = (size_t)((virt - rec->virt) / rec->page_size);
    if (rec->frames[k] != VMM_NO_FRAME)
        return VMM_ERR_ALREADY_MAPPED;
    st = vmm->mapper.map(vmm->mapper.ctx, virt, phys, rec->page_size, rec->page_size, attrs);
    if (st != VMM_OK)
        return st;
    rec->frames[k] = phys;
    page_attrs(rec)[k] = (uint8_t)attrs;
    return VMM_OK;
}

/* ---- free / release ---- */

/* Returns the end of the run of mapped reservation pages starting at k. */
static size_t mapped_run_end(const vmm_record_t *rec, size_t k)
{
    while (k < rec->nframes && rec->frames[k] != VMM_NO_FRAME)
        k++;
    return k;
}

/* Re-maps the mapped pages of reservation pages [0, upto) after a failed
 * release. A failure is a broken invariant: those mappings existed. */
static void remap_reservation(vmm_t *vmm, vmm_record_t *rec, size_t upto)
{
    for (size_t k = 0; k < upto; k++)
        if (rec->frames[k] != VMM_NO_FRAME)
            VMM_ASSERT(vmm->mapper.map(vmm->mapper.ctx, rec->virt + k * rec->page_size,
                                       rec->frames[k], rec->page_size, rec->page_size,
                                       page_attrs(rec)[k]) == VMM_OK);
}

/* Unmaps every mapped page of a reservation, one call per run of mapped
 * pages. If the mapper fails, re-maps what was unmapped and returns the
 * error: nothing changed. */
static vmm_status_t unmap_reservation(vmm_t *vmm, vmm_record_t *rec)
{
    size_t k = 0;
    while (k < rec->nframes) {
        if (rec->frames[k] == VMM_NO_FRAME) {
            k++;
            continue;
        }
        size_t end = mapped_run_end(rec, k);
        vmm_status_t st = vmm->mapper.unmap(vmm->mapper.ctx, rec->virt + k * rec->page_size,
                                            (end - k) * rec->page_size, rec->page_size);
        if (st != VMM_OK) {
            remap_reservation(vmm, rec, k);
            return st;
        }
        k = end;
    }
    return VMM_OK;
}

/* Unmaps what rec maps. All or nothing. */
static vmm_status_t record_unmap(vmm_t *vmm, vmm_record_t *rec)
{
    if (rec->kind == VMM_REC_RESERVE)
        return unmap_reservation(vmm, rec);
    if (rec->kind == VMM_REC_SET && rec->phys == VMM_NO_FRAME)
        return VMM_OK;
    /* ALLOC and mapped SET: one call over the whole range (all or nothing) */
    return vmm->mapper.unmap(vmm->mapper.ctx, rec->virt, BYTES_OF(rec->pages), VMM_PAGE_SIZE);
}

/* Returns every frame rec owns to the frame source; they are the VMM's, so
 * a failure is a broken invariant. */
static void record_free_frames(vmm_t *vmm, const vmm_record_t *rec)
{
    if (rec->kind == VMM_REC_ALLOC) {
        free_single_frames(vmm, rec, 0, rec->nframes);
    } else if (rec->kind == VMM_REC_SET) {
        if (rec->phys != VMM_NO_FRAME)
            VMM_ASSERT(vmm->frames.free(vmm->frames.ctx, rec->phys,
                                        (size_t)rec->pages) == VMM_OK);
    } else {
        for (size_t k = 0; k < rec->nframes; k++)
            if (rec->frames[k] != VMM_NO_FRAME)
                VMM_ASSERT(vmm->frames.free(vmm->frames.ctx, rec->frames[k],
                                            (size_t)PAGES_OF(rec->page_size)) == VMM_OK);
    }
}

/* Releases the record *link points to: unmap (the only step that may fail),
 * then frames, bitmap, list and block. */
static vmm_status_t record_release(vmm_t *vmm, vmm_record_t **link)
{
    vmm_record_t *rec = *link;
    vmm_status_t st = record_unmap(vmm, rec);
    if (st != VMM_OK)
        return st;
    record_free_frames(vmm, rec);
    (void)bitmap_clear_range(&vmm->bitmap, page_index(vmm, rec->virt), (size_t)rec->pages);
    *link = rec->next;
    record_delete(vmm, rec);
    return VMM_OK;
}

vmm_status_t vmm_free(vmm_t *vmm, uint64_t virt)
{
    vmm_record_t **link;
    vmm_status_t st = record_at(vmm, virt, &link);
    if (st != VMM_OK)
        return st;
    return record_release(vmm, link);
}

vmm_status_t vmm_release(vmm_t *vmm, uint64_t reservation)
{
    vmm_record_t **link;
    vmm_status_t st = record_at(vmm, reservation, &link);
    if (st != VMM_OK)
        return st;
    if ((*link)->kind != VMM_REC_RESERVE)
        return VMM_ERR_NOT_RESERVATION;
    return record_release(vmm, link);
}

void vmm_deinit(vmm_t *vmm)
{
    while (vmm->records != 0)
        VMM_ASSERT(record_release(vmm, &vmm->records) == VMM_OK);
    vmm->hint = 0;
}
