/*
 * vmm_records.c - the VMM's allocation records (see vmm.h, vmm_records.h).
 *
 * A record is a slot of a chunk (vmm_index.c) plus its per-page data from
 * the caller's allocator: an ALLOC record's frames block (one frame per
 * page, taken with the record, all of it mapped), or a reservation's sparse
 * store (vmm.h): a radix tree of height h (store_height: the fewest levels
 * for nframes pages) whose level-0 nodes are chunks of
 * VMM_STORE_LEAF_PAGES frames followed by as many attribute bytes, and
 * whose level-l nodes (l >= 1) hold VMM_STORE_NODE_SLOTS pointers, each to
 * a node of level l - 1 or NULL. The root (level h) is sized by the
 * reservation: a single chunk of nframes frames when h is 0, else just the
 * slots nframes needs. Page k's chunk slot is k & VMM_STORE_LEAF_MASK;
 * its slot at level l is (k >> SLOT_SHIFT(l)) masked to the node (the
 * root's needs no mask). A node exists exactly when a page under it is
 * mapped (a reservation's pages are unmapped only with the whole record).
 * The records are indexed once, by the B+ tree vmm_t.tree keyed by virt;
 * they do not overlap, and the bitmap has exactly their pages set.
 */
#include "vmm_records.h"

#include "vmm_assert.h"

/* the most pages a record covers: a window of 2^52 - 1 (vmm.c, vmm_init) */
#define VMM_RECORD_MAX_PAGES (((uint64_t)1 << (64 - VMM_PAGE_SHIFT)) - 1u)
_Static_assert(SIZE_MAX / sizeof(uint64_t) >= VMM_RECORD_MAX_PAGES,
               "the bytes of a frames block of any record's pages fit a size_t");

#define VMM_STORE_LEAF_MASK (VMM_STORE_LEAF_PAGES - 1u)
#define VMM_STORE_NODE_MASK (VMM_STORE_NODE_SLOTS - 1u)
/* pages under one slot of a level-l node (l >= 1): 2^SLOT_SHIFT(l) */
#define SLOT_SHIFT(l) (VMM_STORE_LEAF_SHIFT + VMM_STORE_NODE_SHIFT * ((l) - 1u))
/* the first page after the aligned 2^shift pages holding page k */
#define PAST_SPAN(k, shift) ((((uint64_t)(k) >> (shift)) + 1u) << (shift))
/* bytes per page of a chunk: its frame and its attribute byte */
#define CHUNK_PAGE_BYTES (sizeof(uint64_t) + 1u)
/* the levels above the chunks for 2^52 pages (8 + 9 x 5 = 53 >= 52; a
 * reservation of up to 2^35 pages has at most 3) */
#define VMM_STORE_MAX_HEIGHT 5u

_Static_assert(VMM_STORE_LEAF_SHIFT + VMM_STORE_NODE_SHIFT * VMM_STORE_MAX_HEIGHT >=
                   64u - VMM_PAGE_SHIFT,
               "a store of VMM_STORE_MAX_HEIGHT levels covers any record's pages");

/* Returns the height of the store of nframes (<= VMM_RECORD_MAX_PAGES)
 * pages: 0 when one chunk covers them, else the levels of nodes above the
 * chunks. */
static unsigned store_height(size_t nframes)
{
    unsigned h = 0;
    while ((uint64_t)nframes > (uint64_t)1 << (VMM_STORE_LEAF_SHIFT + VMM_STORE_NODE_SHIFT * h))
        h++;
    return h;
}

/* Returns the entries of rec's level-l node: frames for a chunk (l 0),
 * slots above; the root (l == h) has only those nframes needs. */
static size_t node_entries(const vmm_record_t *rec, unsigned l, unsigned h)
{
    if (l != h)
        return l == 0 ? VMM_STORE_LEAF_PAGES : VMM_STORE_NODE_SLOTS;
    if (h == 0)
        return rec->nframes;
    return (size_t)(((uint64_t)rec->nframes + ((uint64_t)1 << SLOT_SHIFT(h)) - 1u) >>
                    SLOT_SHIFT(h));
}

/* Returns the bytes of rec's level-l node (store of height h). */
static size_t node_bytes(const vmm_record_t *rec, unsigned l, unsigned h)
{
    return node_entries(rec, l, h) * (l == 0 ? CHUNK_PAGE_BYTES : sizeof(void *));
}

/* Returns the slot of page k in rec's level-l node (l >= 1, height h). */
static size_t node_slot(size_t k, unsigned l, unsigned h)
{
    size_t slot = (size_t)((uint64_t)k >> SLOT_SHIFT(l));
    return l == h ? slot : slot & VMM_STORE_NODE_MASK;
}

/* Returns the slots of a level >= 1 node. */
static void **node_slots(void *node)
{
    return (void **)node;
}

/* Returns the attribute bytes of a chunk of entries frames (after them). */
static uint8_t *chunk_attrs(uint64_t *chunk, size_t entries)
{
    return (uint8_t *)&chunk[entries];
}

/* Returns the chunk of rec's store holding page k (< nframes), or NULL
 * when it does not exist. O(height). */
static uint64_t *store_chunk(const vmm_record_t *rec, size_t k)
{
    unsigned h = store_height(rec->nframes);
    void *node = rec->store;
    for (unsigned l = h; l > 0 && node != 0; l--)
        node = node_slots(node)[node_slot(k, l, h)];
    return node;
}

/* Returns the frame of page k of rec, or VMM_NO_FRAME (see vmm.h). */
uint64_t vmm_record_frame(const vmm_record_t *rec, size_t k)
{
    if (rec == 0 || rec->frames == 0 || k >= rec->nframes)
        return VMM_NO_FRAME; /* frames and store share their place: neither */
    if (rec->kind == VMM_REC_ALLOC)
        return rec->frames[k];
    const uint64_t *chunk = store_chunk(rec, k);
    return chunk != 0 ? chunk[k & VMM_STORE_LEAF_MASK] : VMM_NO_FRAME;
}

/* Returns the attributes page i of rec was mapped with (see vmm.h). */
vmm_attrs_t vmm_record_page_attrs(const vmm_record_t *rec, size_t i)
{
    if (rec == 0)
        return 0;
    if (rec->kind != VMM_REC_RESERVE || vmm_record_frame(rec, i) == VMM_NO_FRAME)
        return rec->attrs;
    unsigned h = store_height(rec->nframes);
    return chunk_attrs(store_chunk(rec, i), node_entries(rec, 0, h))[i & VMM_STORE_LEAF_MASK];
}

/* Returns the lowest page >= k of rec's store (not NULL) whose chunk
 * exists, or nframes. Skips a missing subtree whole: O(height) per node
 * looked at. */
static size_t next_chunk_page(const vmm_record_t *rec, size_t k)
{
    unsigned h = store_height(rec->nframes);
    while (k < rec->nframes) {
        void *node = rec->store;
        unsigned l = h;
        for (; l > 0; l--) {
            void *child = node_slots(node)[node_slot(k, l, h)];
            if (child == 0)
                break;
            node = child;
        }
        if (l == 0)
            return k;
        k = (size_t)PAST_SPAN(k, SLOT_SHIFT(l)); /* no node under this slot */
    }
    return rec->nframes;
}

/* Returns the lowest mapped page >= k of rec, or nframes (see vmm.h). */
size_t vmm_record_next_mapped(const vmm_record_t *rec, size_t k)
{
    if (rec == 0)
        return 0;
    if (rec->frames == 0 || rec->kind == VMM_REC_SET || k >= rec->nframes)
        return rec->nframes;
    if (rec->kind == VMM_REC_ALLOC)
        return k;
    while ((k = next_chunk_page(rec, k)) < rec->nframes) {
        const uint64_t *chunk = store_chunk(rec, k);
        size_t end = (size_t)PAST_SPAN(k, VMM_STORE_LEAF_SHIFT);
        for (end = end < rec->nframes ? end : rec->nframes; k < end; k++)
            if (chunk[k & VMM_STORE_LEAF_MASK] != VMM_NO_FRAME)
                return k;
    }
    return rec->nframes;
}

/* Returns the bytes (and in *blocks the blocks) of the subtree of rec's
 * level-l node (height h); recursion at most h + 1 deep. */
static size_t subtree_bytes(const vmm_record_t *rec, void *node, unsigned l, unsigned h,
                            size_t *blocks)
{
    size_t bytes = node_bytes(rec, l, h);
    ++*blocks;
    for (size_t i = 0; l > 0 && i < node_entries(rec, l, h); i++)
        if (node_slots(node)[i] != 0)
            bytes += subtree_bytes(rec, node_slots(node)[i], l - 1u, h, blocks);
    return bytes;
}

/* Returns the bytes of rec's per-page data (see vmm.h). */
size_t vmm_record_store_bytes(const vmm_record_t *rec, size_t *blocks)
{
    size_t n = 0, bytes = 0;
    if (rec != 0 && rec->kind == VMM_REC_ALLOC && rec->frames != 0) {
        n = 1;
        bytes = rec->nframes * sizeof(uint64_t);
    } else if (rec != 0 && rec->kind == VMM_REC_RESERVE && rec->store != 0) {
        bytes = subtree_bytes(rec, rec->store, store_height(rec->nframes),
                              store_height(rec->nframes), &n);
    }
    if (blocks != 0)
        *blocks = n;
    return bytes;
}

/* Returns the mapped frames under rec's level-l node (height h), or
 * SIZE_MAX when a node or chunk under it (itself included) is empty. */
static size_t subtree_mapped(const vmm_record_t *rec, void *node, unsigned l, unsigned h)
{
    size_t mapped = 0;
    for (size_t i = 0; i < node_entries(rec, l, h); i++) {
        if (l == 0) {
            mapped += ((uint64_t *)node)[i] != VMM_NO_FRAME;
        } else if (node_slots(node)[i] != 0) {
            size_t below = subtree_mapped(rec, node_slots(node)[i], l - 1u, h);
            if (below == SIZE_MAX)
                return SIZE_MAX;
            mapped += below;
        }
    }
    return mapped != 0 ? mapped : SIZE_MAX;
}

/* Returns true when rec's store is sound (see vmm_records.h). */
bool vmm_record_store_check(const vmm_record_t *rec)
{
    if (rec->store == 0)
        return rec->mapped == 0;
    unsigned h = store_height(rec->nframes);
    return subtree_mapped(rec, rec->store, h, h) == rec->mapped;
}

/* Takes a level-l node of rec's store (height h) from the allocator: a
 * chunk's frames VMM_NO_FRAME (its attribute bytes are read only while
 * their frame is mapped), a node's slots NULL. NULL when the allocator
 * fails. */
static void *node_new(vmm_t *vmm, const vmm_record_t *rec, unsigned l, unsigned h)
{
    void *node = vmm->allocator.alloc(vmm->allocator.ctx, node_bytes(rec, l, h),
                                      _Alignof(uint64_t));
    for (size_t i = 0; node != 0 && i < node_entries(rec, l, h); i++) {
        if (l == 0)
            ((uint64_t *)node)[i] = VMM_NO_FRAME;
        else
            node_slots(node)[i] = 0;
    }
    return node;
}

/* Makes page k's chunk exist (see vmm_records.h). */
vmm_status_t vmm_record_page_prepare(vmm_t *vmm, vmm_record_t *rec, size_t k,
                                     unsigned *fresh)
{
    unsigned h = store_height(rec->nframes);
    void **link = &rec->store;
    *fresh = VMM_STORE_NONE_FRESH;
    for (unsigned l = h;; l--) {
        if (*link == 0) {
            void *node = node_new(vmm, rec, l, h);
            if (node == 0)
                goto undo;
            *link = node;
            if (*fresh == VMM_STORE_NONE_FRESH)
                *fresh = l;
        }
        if (l == 0)
            return VMM_OK;
        link = &node_slots(*link)[node_slot(k, l, h)];
    }

undo:
    vmm_record_page_unprepare(vmm, rec, k, *fresh);
    *fresh = VMM_STORE_NONE_FRESH;
    return VMM_ERR_OUT_OF_MEMORY;
}

/* Gives back the nodes vmm_record_page_prepare took (see vmm_records.h):
 * the node of level fresh on k's path and the path below it (each has
 * only that child: it was taken for k). */
void vmm_record_page_unprepare(vmm_t *vmm, vmm_record_t *rec, size_t k, unsigned fresh)
{
    unsigned h = store_height(rec->nframes);
    if (fresh == VMM_STORE_NONE_FRESH)
        return;
    void **link = &rec->store;
    for (unsigned l = h; l > fresh; l--)
        link = &node_slots(*link)[node_slot(k, l, h)];
    void *node = *link;
    *link = 0;
    for (unsigned l = fresh; node != 0; l--) {
        void *below = l > 0 ? node_slots(node)[node_slot(k, l, h)] : 0;
        vmm->allocator.free(vmm->allocator.ctx, node, node_bytes(rec, l, h));
        node = below;
    }
}

/* Records page k as mapped to phys with attrs (see vmm_records.h). */
void vmm_record_page_set(vmm_record_t *rec, size_t k, uint64_t phys, vmm_attrs_t attrs)
{
    uint64_t *chunk = store_chunk(rec, k);
    chunk[k & VMM_STORE_LEAF_MASK] = phys;
    chunk_attrs(chunk, node_entries(rec, 0, store_height(rec->nframes)))
        [k & VMM_STORE_LEAF_MASK] = (uint8_t)attrs;
    rec->mapped++;
}

/* Gives back the subtree of rec's level-l node (height h), recursion at
 * most h + 1 deep. */
static void subtree_delete(vmm_t *vmm, const vmm_record_t *rec, void *node, unsigned l,
                           unsigned h)
{
    for (size_t i = 0; l > 0 && i < node_entries(rec, l, h); i++)
        if (node_slots(node)[i] != 0)
            subtree_delete(vmm, rec, node_slots(node)[i], l - 1u, h);
    vmm->allocator.free(vmm->allocator.ctx, node, node_bytes(rec, l, h));
}

/* Allocates an ALLOC record's frames block, every frame VMM_NO_FRAME.
 * VMM_ERR_OUT_OF_MEMORY when the allocator fails, with nothing changed. */
static vmm_status_t frames_new(vmm_t *vmm, vmm_record_t *rec)
{
    uint64_t *frames = vmm->allocator.alloc(vmm->allocator.ctx,
                                            rec->nframes * sizeof(uint64_t),
                                            _Alignof(uint64_t));
    if (frames == 0)
        return VMM_ERR_OUT_OF_MEMORY;
    for (size_t i = 0; i < rec->nframes; i++)
        frames[i] = VMM_NO_FRAME;
    rec->frames = frames;
    return VMM_OK;
}

/* Gives rec's frames block or store back, if it has one. */
static void frames_delete(vmm_t *vmm, vmm_record_t *rec)
{
    if (rec->kind == VMM_REC_ALLOC && rec->frames != 0)
        vmm->allocator.free(vmm->allocator.ctx, rec->frames, rec->nframes * sizeof(uint64_t));
    else if (rec->kind == VMM_REC_RESERVE && rec->store != 0)
        subtree_delete(vmm, rec, rec->store, store_height(rec->nframes),
                       store_height(rec->nframes));
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
    rec->kind = (uint16_t)kind;
    rec->flags = 0;
    rec->nframes = nframes;
    rec->mapped = 0;
    if (kind == VMM_REC_ALLOC && frames_new(vmm, rec) != VMM_OK) {
        vmm_index_put(vmm, rec);
        return 0;
    }
    return rec;
}

/* Gives back the record's frames block and its slot. */
void vmm_record_delete(vmm_t *vmm, vmm_record_t *rec)
{
    frames_delete(vmm, rec);
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
    vmm_record_t *r = vmm_btree_path_le(path, 0); /* the vmm is the caller's to change */
    if (r == 0 || virt >= vmm_record_end(r))
        return VMM_ERR_NOT_ALLOCATED;
    if (r->virt != virt)
        return VMM_ERR_NOT_START;
    *rec = r;
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
            if (i != 0) {
                VMM_ASSERT(vmm->mapper.unmap(vmm->mapper.ctx, rec->virt, BYTES_OF(i),
                                             VMM_PAGE_SIZE) == VMM_OK);
                vmm_mapper_flush(vmm); /* before vmm_alloc gives the frames back */
            }
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
